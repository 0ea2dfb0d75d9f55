# cognito_auth_metrics: the Prometheus counters behind the location.  A
# rejection is counted once, also when auth_delay holds it and it goes back
# through the access phase.  Other files read the counters as a probe of
# their own topic: the JWKS fetches (t/008, t/009, t/032, t/033), the
# cache (t/013), the pools (t/012) and the metrics.conf example (t/025).

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: cognito_auth_metrics counts a delayed rejection once
--- config
    location = /t {
        auth_delay 500ms;
        cognito_auth test;
        echo ok;
    }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /t", "GET /metrics"]
--- error_code eval
[401, 200]
--- response_body_like eval
["token missing",
 qr/cognito_auth_requests_total\{pool="",result="token_missing"\} 1\n/]
