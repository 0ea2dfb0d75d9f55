# cognito_auth_metrics: the Prometheus counters behind the location.  A
# rejection is counted once, also when auth_delay holds it and it goes back
# through the access phase.  Every /metrics response of this file is read
# by prometheus_client's parsers (t/metrics/parse.py: the Prometheus text
# format, or OpenMetrics when the scraper asks for it), which fail on a
# family whose HELP and TYPE are not right before its own samples, and
# the Prometheus text by promtool's linter (promtool check metrics).  Other
# files read the counters as a probe of their own topic: the JWKS fetches
# (t/008, t/009, t/032, t/033), the cache (t/013), the pools (t/012) and
# the metrics.conf example (t/025).

use lib 't/lib';
use Cognito 'no_plan';
use IPC::Open2;

add_response_body_check(sub {
    my ($block, $body, $idx, $rep, $dry_run) = @_;
    return if $dry_run || !defined $body || $body !~ /^# HELP cognito_auth_/;
    my $pid = open2(my $out, my $in, '/usr/bin/python3', 't/metrics/parse.py');
    print $in $body;
    close $in;
    my $report = do { local $/; <$out> };
    waitpid $pid, 0;
    is($? >> 8, 0, $block->name . " - prometheus_client parses it")
        or diag($report);
});

# and Prometheus's own linter, where Debian's prometheus package brings it
# (util/deps installs it with the test packages): the text format only
add_response_body_check(sub {
    my ($block, $body, $idx, $rep, $dry_run) = @_;
    return if $dry_run || !defined $body || $body !~ /^# HELP cognito_auth_/
              || $body =~ /^# EOF$/m || !-x '/usr/bin/promtool';
    my $pid = open2(my $out, my $in, '/usr/bin/promtool', 'check', 'metrics');
    print $in $body;
    close $in;
    my $report = do { local $/; <$out> };
    waitpid $pid, 0;
    is($? >> 8, 0, $block->name . " - promtool check metrics accepts it")
        or diag($report);
});

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
 qr/cognito_auth_requests_total\{pool="test",result="token_missing"\} 1\n/]



=== TEST 2: each family's HELP and TYPE right before its own samples
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
    cognito_auth_pool file eu-west-1_Partners9 client_id=partnerapp jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { cognito_auth test; echo ok; }
    location = /both { cognito_auth test file; echo ok; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /t", "GET /both", "GET /metrics"]
--- more_headers eval
["Authorization: Bearer " . Cognito::access_token(), "", ""]
--- error_code eval
[200, 401, 200]
--- response_body_like eval
["^ok\n\$", "token missing", qr/\A# HELP cognito_auth_requests_total [^\n]+
# TYPE cognito_auth_requests_total counter
cognito_auth_requests_total\{pool="test",result="accepted"\} 1
cognito_auth_requests_total\{pool="file",result="accepted"\} 0
cognito_auth_requests_total\{pool="",result="token_missing"\} 1
# HELP cognito_auth_jwks_fetches_total [^\n]+
# TYPE cognito_auth_jwks_fetches_total counter
cognito_auth_jwks_fetches_total\{pool="test",result="ok"\} 1
cognito_auth_jwks_fetches_total\{pool="test",result="error"\} 0
# HELP cognito_auth_jwks_keys [^\n]+
# TYPE cognito_auth_jwks_keys gauge
cognito_auth_jwks_keys\{pool="test"\} 2
cognito_auth_jwks_keys\{pool="file"\} 2
# HELP cognito_auth_jwks_last_success_seconds [^\n]+
# TYPE cognito_auth_jwks_last_success_seconds gauge
cognito_auth_jwks_last_success_seconds\{pool="test"\} [0-9]
# HELP cognito_auth_jwks_consecutive_failures [^\n]+
# TYPE cognito_auth_jwks_consecutive_failures gauge
cognito_auth_jwks_consecutive_failures\{pool="test"\} 0
# HELP cognito_auth_signature_verifications_total [^\n]+
# TYPE cognito_auth_signature_verifications_total counter
cognito_auth_signature_verifications_total 1
# HELP cognito_auth_cache_total [^\n]+
# TYPE cognito_auth_cache_total counter
cognito_auth_cache_total\{result="hit"\} 0
cognito_auth_cache_total\{result="miss"\} 1
# HELP cognito_auth_cache_hits_total [^\n]+
# TYPE cognito_auth_cache_hits_total counter
cognito_auth_cache_hits_total\{level="front"\} 0
cognito_auth_cache_hits_total\{level="shared"\} 0
\z/]
--- no_error_log
[error]
[alert]



=== TEST 3: OpenMetrics when the scraper asks for it, as Prometheus does
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { cognito_auth test; echo ok; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /t", "GET /metrics"]
--- more_headers eval
["Authorization: Bearer " . Cognito::access_token(),
 "Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"]
--- response_headers_like eval
["", "Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8"]
--- response_body_like eval
["^ok\n\$", qr/\A# HELP cognito_auth_requests [^\n]+
# TYPE cognito_auth_requests counter
cognito_auth_requests_total\{pool="test",result="accepted"\} 1
# HELP cognito_auth_jwks_fetches .*
# TYPE cognito_auth_cache counter
cognito_auth_cache_total\{result="hit"\} 0
cognito_auth_cache_total\{result="miss"\} 1
# HELP cognito_auth_cache_hits [^\n]+
# TYPE cognito_auth_cache_hits counter
cognito_auth_cache_hits_total\{level="front"\} 0
cognito_auth_cache_hits_total\{level="shared"\} 0
# EOF
\z/s]
--- no_error_log
[error]
[alert]



=== TEST 4: Prometheus's text format when Accept names only that
--- config
    location = /metrics { cognito_auth_metrics; }
--- request
GET /metrics
--- more_headers
Accept: text/plain;version=0.0.4;q=0.5,application/openmetrics-textual
--- response_headers
Content-Type: text/plain; version=0.0.4; charset=utf-8
--- response_body_like eval
qr/\A# HELP cognito_auth_requests_total .*\}\s\d+\n\z/s
--- no_error_log
[error]
[alert]



=== TEST 5: a pool that never fetched: no age, no empty family
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
    cognito_auth_cache off;
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /metrics { cognito_auth_metrics; }
--- request
GET /metrics
--- response_body
# HELP cognito_auth_requests_total Requests checked, by pool and result (accepted or a rejection reason).
# TYPE cognito_auth_requests_total counter
cognito_auth_requests_total{pool="test",result="accepted"} 0
# HELP cognito_auth_jwks_fetches_total JWKS fetches, by pool and result.
# TYPE cognito_auth_jwks_fetches_total counter
cognito_auth_jwks_fetches_total{pool="test",result="ok"} 0
cognito_auth_jwks_fetches_total{pool="test",result="error"} 0
# HELP cognito_auth_jwks_keys Keys held, by pool (0 until the first request that needs them fetches them).
# TYPE cognito_auth_jwks_keys gauge
cognito_auth_jwks_keys{pool="test"} 0
# HELP cognito_auth_jwks_consecutive_failures JWKS fetches failed in a row since the last good one (0: the last fetch succeeded).
# TYPE cognito_auth_jwks_consecutive_failures gauge
cognito_auth_jwks_consecutive_failures{pool="test"} 0
# HELP cognito_auth_signature_verifications_total Token signatures checked with a pool's keys (an RSA operation each, unless the kid is unknown); cache hits check none.
# TYPE cognito_auth_signature_verifications_total counter
cognito_auth_signature_verifications_total 0
--- no_error_log
[error]
[alert]



=== TEST 6: failing fetches counted in a row, back to 0 after a good one
The startup fetch fails first ($jwks_path is empty outside /t, and the
JWKS server has nothing at /), then each client's fetch of /status/500.
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks jwks_refresh_min=1s;
--- config
    location = /_jwks {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT$jwks_path;
    }
    location = /t {
        set $jwks_path /status/500;
        if ($arg_good) { set $jwks_path /jwks.json; }
        cognito_auth test;
        echo ok;
    }
    location = /metrics { cognito_auth_metrics; }
    location = /sleep { echo_sleep 1.1; echo slept; }
--- request eval
["GET /t", "GET /metrics", "GET /sleep", "GET /t", "GET /metrics",
 "GET /sleep", "GET /t?good=1", "GET /metrics"]
--- more_headers eval
my $t = "Authorization: Bearer " . Cognito::access_token();
[$t, "", "", $t, "", "", $t, ""]
--- error_code eval
[503, 200, 200, 503, 200, 200, 200, 200]
--- response_body_like eval
[qr/\A\{"error":"temporarily_unavailable","error_description":"JWKS unavailable"\}\n\z/,
 qr/\ncognito_auth_jwks_consecutive_failures\{pool="test"\} 2\n/,
 "slept",
 qr/JWKS unavailable/,
 qr/\ncognito_auth_jwks_keys\{pool="test"\} 0\n.*\ncognito_auth_jwks_consecutive_failures\{pool="test"\} 3\n/s,
 "slept", "^ok\n\$",
 qr/\ncognito_auth_jwks_keys\{pool="test"\} 2\n.*\ncognito_auth_jwks_consecutive_failures\{pool="test"\} 0\n/s]



=== TEST 7: a fetched revocation list's families, in both formats
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_revocation_list uri=/_revoked;
--- config
    location = /_revoked {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/revoked.json;
    }
    location = /revoked.json { root html; }
    location = /t { cognito_auth test; echo ok; }
    location = /metrics { cognito_auth_metrics; }
--- user_files
>>> revoked.json
{"jti": ["a", "b"], "sub": {"c": 1}}
--- request eval
["GET /metrics", "GET /t", "GET /metrics", "GET /metrics"]
--- more_headers eval
["", "Authorization: Bearer " . Cognito::access_token(), "",
 "Accept: application/openmetrics-text; version=1.0.0"]
--- response_body_like eval
[qr/\ncognito_auth_revocation_fetches_total\{result="ok"\} 0\ncognito_auth_revocation_fetches_total\{result="error"\} 0\n# HELP cognito_auth_revocation_consecutive_failures [^\n]+\n# TYPE cognito_auth_revocation_consecutive_failures gauge\ncognito_auth_revocation_consecutive_failures 0\n\z/,
 "^ok\n\$",
 qr/\n# HELP cognito_auth_revocation_fetches_total [^\n]+\n# TYPE cognito_auth_revocation_fetches_total counter\ncognito_auth_revocation_fetches_total\{result="ok"\} 1\ncognito_auth_revocation_fetches_total\{result="error"\} 0\n# HELP cognito_auth_revocation_entries [^\n]+\n# TYPE cognito_auth_revocation_entries gauge\ncognito_auth_revocation_entries 3\n# HELP cognito_auth_revocation_last_success_seconds [^\n]+\n# TYPE cognito_auth_revocation_last_success_seconds gauge\ncognito_auth_revocation_last_success_seconds [01]\n# HELP cognito_auth_revocation_consecutive_failures [^\n]+\n# TYPE cognito_auth_revocation_consecutive_failures gauge\ncognito_auth_revocation_consecutive_failures 0\n\z/,
 qr/\n# HELP cognito_auth_revocation_fetches [^\n]+\n# TYPE cognito_auth_revocation_fetches counter\ncognito_auth_revocation_fetches_total\{result="ok"\} 1\n.*\ncognito_auth_revocation_last_success_seconds [01]\n.*\ncognito_auth_revocation_consecutive_failures 0\n# EOF\n\z/s]
--- no_error_log
[error]
[alert]
