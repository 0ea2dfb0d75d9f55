# JWKS by subrequest: fetched once into the shared zone, as a clean GET;
# refreshed for an unknown kid at most once per jwks_refresh_min; the last
# good keys keep serving when a refresh fails; 503 with no keys at all.

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: fetched by subrequest, then served from the zone
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /metrics"]
--- more_headers eval
["Authorization: Bearer " . Cognito::access_token(),
 "Authorization: Bearer " . Cognito::access_token(sub => "second"),
 "Authorization: Bearer " . Cognito::access_token(sub => "third"),
 ""]
--- response_body_like eval
["^ok 11111111-2222-3333-4444-555555555555\n\$", "^ok second\n\$", "^ok third\n\$",
 qr/cognito_auth_requests_total\{pool="test",result="accepted"\} 3\n.*cognito_auth_jwks_fetches_total\{pool="test",result="ok"\} 1\ncognito_auth_jwks_fetches_total\{pool="test",result="error"\} 0\n.*cognito_auth_jwks_keys\{pool="test"\} 2\n/s]
--- no_error_log
[error]
[alert]



=== TEST 2: a client's POST still fetches the JWKS as a clean GET
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location = /jwks.json {
            if ($request_method != GET) { return 405; }
            if ($http_authorization) { return 400; }
            if ($http_content_length) { return 400; }
            if ($http_x_secret) { return 400; }
            root $TEST_NGINX_DATA_DIR;
        }
    }
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/jwks.json; }
    location = /t { cognito_auth test; echo_read_request_body; echo "body=$echo_request_body"; }
--- request
POST /t
{"query":"{ items { id } }"}
--- more_headers eval
"X-Secret: 1\r\nAuthorization: Bearer " . Cognito::access_token()
--- response_body
body={"query":"{ items { id } }"}
--- no_error_log
[error]



=== TEST 3: JWKS location failing and no keys: 503, fail closed
The 503 has the JSON body of a 401 or 403, not nginx's page, and no
challenge: the token is not at fault.
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/status/500; }
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- error_code: 503
--- response_headers
Content-Type: application/json
WWW-Authenticate:
--- response_body
{"error":"temporarily_unavailable","error_description":"JWKS unavailable"}
--- error_log
JWKS fetch of pool "test" failed: status 500
no JWKS keys for pool "test", failing closed



=== TEST 4: a JWKS that is not JSON is refused and logged
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks-bad.json; }
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- error_code: 503
--- error_log
JWKS of pool "test" rejected



=== TEST 5: key rotation: a new kid is served after the JWKS changes, no reload
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks jwks_refresh_min=0s;
    upstream jwks_rr {
        server 127.0.0.1:$TEST_NGINX_JWKS_PORT;
        server 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location = /jwks.json { alias $TEST_NGINX_DATA_DIR/jwks-rotated.json; }
    }
--- config
    location = /_jwks { internal; proxy_pass http://jwks_rr/jwks.json; }
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /metrics"]
--- more_headers eval
["Authorization: Bearer " . Cognito::access_token(sub => "old"),
 "Authorization: Bearer " . Cognito::access_token(sub => "new", -key => "rsa-rotated", -kid => "test-key-3"),
 "Authorization: Bearer " . Cognito::access_token(sub => "new2", -key => "rsa-rotated", -kid => "test-key-3"),
 ""]
--- response_body_like eval
["^ok old\n\$", "^ok new\n\$", "^ok new2\n\$",
 qr/cognito_auth_jwks_fetches_total\{pool="test",result="ok"\} 2\n/]
--- no_error_log
[error]



=== TEST 6: a flood of unknown kids refreshes at most once per jwks_refresh_min
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks jwks_refresh_min=60s;
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { cognito_auth test; echo ok; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
[("GET /t") x 6, "GET /metrics"]
--- more_headers eval
["Authorization: Bearer " . Cognito::access_token(),
 (map { "Authorization: Bearer " . Cognito::access_token(-key => "rsa-rotated", -kid => "random-$_") } 1 .. 5),
 ""]
--- error_code eval
[200, 401, 401, 401, 401, 401, 200]
--- response_body_like eval
["ok", ("no key for the token.s kid") x 5,
 qr/result="kid_unknown"\} 5\n.*cognito_auth_jwks_fetches_total\{pool="test",result="ok"\} 1\n/s]



=== TEST 7: when a refresh fails the last good keys keep serving
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks jwks_refresh_min=0s;
    upstream jwks_rr {
        server 127.0.0.1:$TEST_NGINX_JWKS_PORT;
        server 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 500; }
    }
--- config
    location = /_jwks { internal; proxy_pass http://jwks_rr/jwks.json; proxy_next_upstream off; }
    location = /t { cognito_auth test; echo ok; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /metrics"]
--- more_headers eval
["Authorization: Bearer " . Cognito::access_token(),
 "Authorization: Bearer " . Cognito::access_token(-key => "rsa-rotated", -kid => "test-key-3"),
 "Authorization: Bearer " . Cognito::access_token(),
 ""]
--- error_code eval
[200, 401, 200, 200]
--- response_body_like eval
["ok", "no key for the token.s kid", "ok",
 qr/result="ok"\} 1\n.*result="error"\} 1\n.*jwks_keys\{pool="test"\} 2\n/s]




=== TEST 8: a JWKS location that serves a file (alias, sendfile on) works: its body is read into memory
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    location = /_jwks { internal; sendfile on; alias $TEST_NGINX_DATA_DIR/jwks.json; }
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- response_body
ok
--- no_error_log
[error]
[alert]



=== TEST 9: each worker fetches the JWKS when it starts: the keys are there before any client
No request with a token comes; after a pause the metrics show the keys,
one good fetch and no request checked.  The fetch comes from nginx itself:
the jwks= location lets only 127.0.0.1 in.
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    location = /_jwks {
        internal;
        allow 127.0.0.1;
        deny all;
        proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json;
    }
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /pause { echo_sleep 0.5; echo paused; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /pause", "GET /metrics", "GET /t"]
--- more_headers eval
["", "", Cognito::bearer(sub => "first")]
--- response_body_like eval
["^paused\n\$",
 qr/\A(?!.*cognito_auth_requests_total\{pool="test",result="accepted"\} [1-9]).*cognito_auth_jwks_fetches_total\{pool="test",result="ok"\} 1\ncognito_auth_jwks_fetches_total\{pool="test",result="error"\} 0\n.*cognito_auth_jwks_keys\{pool="test"\} 2\n/s,
 "^ok first\n\$"]
--- no_error_log
[error]
[alert]



=== TEST 10: the startup fetch's log lines say what it is
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /pause { echo_sleep 0.5; echo paused; }
--- request
GET /pause
--- response_body
paused
--- error_log eval
[qr{\[info\] \d+#\d+: cognito auth: fetching JWKS of pool "test" from "/_jwks" while fetching the JWKS at startup, server: localhost, request: "startup JWKS fetch of pool test"$}m,
 qr{\[info\] \d+#\d+: cognito auth: JWKS of pool "test" loaded: 2 keys, 0 skipped while storing the JWKS fetched at startup, server: localhost, request: "startup JWKS fetch of pool test"$}m]
--- no_error_log
[error]
[alert]



=== TEST 11: a startup fetch that fails is counted, but the first client still fetches at once
The JWKS server refuses its first request (the startup fetch) with 500 and
serves every later one; jwks_refresh_min is 60 s, yet the first client's
request fetches and gets in.
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks jwks_refresh_min=60s;
    limit_req_zone $server_port zone=startup_jwks:1m rate=1r/m;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location = /jwks.json {
            limit_req zone=startup_jwks nodelay;
            limit_req_status 409;
            error_page 409 = /good.json;
            echo_status 500;
            echo "down at startup";
        }
        location = /good.json { alias $TEST_NGINX_DATA_DIR/jwks.json; }
    }
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/jwks.json; }
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /t", "GET /metrics"]
--- more_headers eval
[Cognito::bearer(sub => "first"), ""]
--- response_body_like eval
["^ok first\n\$",
 qr/cognito_auth_jwks_fetches_total\{pool="test",result="ok"\} 1\ncognito_auth_jwks_fetches_total\{pool="test",result="error"\} 1\n/s]
--- no_error_log
[alert]
no JWKS keys for pool "test"



=== TEST 12: the failed startup fetch is logged as such
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location = /jwks.json { echo_status 500; echo "down"; }
    }
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/jwks.json; }
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /pause { echo_sleep 0.5; echo paused; }
--- request
GET /pause
--- response_body
paused
--- error_log eval
qr{\[error\] \d+#\d+: cognito auth: JWKS fetch of pool "test" failed: status 500, rc 0 while storing the JWKS fetched at startup, server: localhost, request: "startup JWKS fetch of pool test"$}m
--- no_error_log
[alert]
