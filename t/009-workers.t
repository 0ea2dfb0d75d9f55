# Two workers share one JWKS fetch through the shared zone.

use lib 't/lib';
use Cognito 'no_plan';

master_on();
workers(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: two workers share one fetch
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { cognito_auth test; echo "ok $pid"; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
[("GET /t") x 12, "GET /metrics"]
--- more_headers eval
[(map { "Authorization: Bearer " . Cognito::access_token(sub => "u$_") } 1 .. 12), ""]
--- response_body_like eval
[("^ok \\d+\n\$") x 12,
 qr/result="accepted"\} 12\n.*cognito_auth_jwks_fetches_total\{pool="test",result="ok"\} 1\n/s]
--- no_error_log
[error]
[alert]



=== TEST 2: two workers start, one startup fetch fills the zone for both
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { cognito_auth test; echo "ok $pid"; }
    location = /pause { echo_sleep 0.5; echo paused; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /pause", "GET /metrics", ("GET /t") x 8, "GET /metrics"]
--- more_headers eval
["", "", (map { "Authorization: Bearer " . Cognito::access_token(sub => "u$_") } 1 .. 8), ""]
--- response_body_like eval
["^paused\n\$",
 qr/cognito_auth_jwks_fetches_total\{pool="test",result="ok"\} 1\n.*cognito_auth_jwks_keys\{pool="test"\} 2\n/s,
 ("^ok \\d+\n\$") x 8,
 qr/result="accepted"\} 8\n.*cognito_auth_jwks_fetches_total\{pool="test",result="ok"\} 1\n/s]
--- no_error_log
[error]
[alert]
