# A rejection goes back through nginx's access phase, as auth_basic's
# does: auth_delay holds a 401, satisfy any combines the verdict with
# allow/deny, and error_page sees the status.  The module's own 401/403
# answer carries a small JSON body (also its Content-Length for HEAD);
# any other response keeps nginx's own body.  $request_time in a header
# (add_header ... always) shows the delay of 500 ms; only a lower bound is
# checked, 0.4 s (nginx's timers run on the monotonic clock and
# $request_time on the wall clock: a millisecond either way).

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: auth_delay holds a request without a token
--- config
    location = /t {
        auth_delay 500ms;
        add_header X-RT $request_time always;
        cognito_auth test;
        echo ok;
    }
--- request
GET /t
--- error_code: 401
--- response_headers_like
X-RT: (0\.[4-9]|[1-9]\d*\.)\d*
WWW-Authenticate: Bearer realm="cognito"
Content-Type: application/json
--- response_body
{"error":"unauthorized","error_description":"token missing"}
--- error_log
delaying unauthorized request
--- no_error_log
[error]
[alert]



=== TEST 2: auth_delay holds a request with an expired token
--- config
    location = /t {
        auth_delay 500ms;
        add_header X-RT $request_time always;
        cognito_auth test;
        echo ok;
    }
--- request
GET /t
--- more_headers eval
Cognito::bearer(exp => time - 7200)
--- error_code: 401
--- response_headers_like
X-RT: (0\.[4-9]|[1-9]\d*\.)\d*
WWW-Authenticate: Bearer realm="cognito", error="invalid_token", error_description="[^"]*expired[^"]*"
--- response_body_like
^\{"error":"invalid_token","error_description":"[^"]*expired[^"]*"\}$
--- error_log
delaying unauthorized request
token rejected



=== TEST 3: a valid token is not delayed
--- config
    location = /t {
        auth_delay 500ms;
        cognito_auth test;
        echo ok;
    }
--- request
GET /t
--- more_headers eval
Cognito::bearer()
--- response_body
ok
--- no_error_log
delaying unauthorized request
[error]



=== TEST 4: a policy 403 keeps its JSON body (auth_delay is for 401 only)
--- config
    location = /t {
        auth_delay 500ms;
        cognito_auth test;
        cognito_auth_require_group admins;
        echo ok;
    }
--- request
GET /t
--- more_headers eval
Cognito::bearer('cognito:groups' => ["readers"])
--- error_code: 403
--- response_headers_like
Content-Type: application/json
--- response_body
{"error":"forbidden","error_description":"not in a required group"}
--- no_error_log
delaying unauthorized request



=== TEST 5: satisfy any, a denied address, no token: a delayed 401 in JSON
--- config
    location = /t {
        satisfy any;
        deny all;
        auth_delay 500ms;
        add_header X-RT $request_time always;
        cognito_auth test;
        echo ok;
    }
--- request
GET /t
--- error_code: 401
--- response_headers_like
X-RT: (0\.[4-9]|[1-9]\d*\.)\d*
WWW-Authenticate: Bearer realm="cognito"
Content-Type: application/json
--- response_body
{"error":"unauthorized","error_description":"token missing"}
--- error_log
delaying unauthorized request



=== TEST 6: satisfy any, a denied address, a token that fails policy: 403
--- config
    location = /t {
        satisfy any;
        deny all;
        cognito_auth test;
        cognito_auth_require_group admins;
        echo ok;
    }
--- request
GET /t
--- more_headers eval
Cognito::bearer('cognito:groups' => ["readers"])
--- error_code: 403
--- response_body
{"error":"forbidden","error_description":"not in a required group"}



=== TEST 7: satisfy any, an allowed address: the rejection is not the answer
The address lets the request in; the 403 that follows comes from the
content phase (a directory without an index), and keeps nginx's page.
--- config
    location /d/ {
        satisfy any;
        allow 127.0.0.1;
        deny all;
        cognito_auth test;
        cognito_auth_require_group admins;
        root $TEST_NGINX_HTML_DIR;
    }
--- user_files
>>> d/file.txt
hello
--- request
GET /d/
--- more_headers eval
Cognito::bearer('cognito:groups' => ["readers"])
--- error_code: 403
--- response_headers_like
Content-Type: text/html
--- response_body_like eval
qr{<title>403 Forbidden</title>}
--- error_log
directory index of



=== TEST 8: HEAD: the JSON body's headers without the body
--- config
    location = /t {
        cognito_auth test;
        echo ok;
    }
--- request
HEAD /t
--- error_code: 401
--- response_headers_like
Content-Type: application/json
Content-Length: 61
WWW-Authenticate: Bearer realm="cognito"
--- response_body



=== TEST 9: error_page takes the 401: its own body, not the JSON
--- config
    add_header X-RT $request_time always;
    location = /t {
        auth_delay 500ms;
        error_page 401 /denied.txt;
        cognito_auth test;
        echo ok;
    }
    location = /denied.txt { return 401 "denied by page\n"; }
--- request
GET /t
--- error_code: 401
--- response_headers_like
X-RT: (0\.[4-9]|[1-9]\d*\.)\d*
Content-Type: text/plain
--- response_body
denied by page



=== TEST 10: no JWKS keys: a 503 counted once, also when error_page sends it into another protected location
The second location checks again (same pool, token source and token), finds
no keys again and answers 503 itself; the request is counted once.
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/status/500; }
    location = /t {
        error_page 503 /again;
        cognito_auth test;
        echo ok;
    }
    location = /again {
        add_header X-Error $cognito_error always;
        cognito_auth test;
        echo again;
    }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /t", "GET /metrics"]
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- error_code eval
[503, 200]
--- response_headers_like eval
["X-Error: jwks_unavailable", ""]
--- response_body_like eval
[qr/\A\{"error":"temporarily_unavailable","error_description":"JWKS unavailable"\}\n\z/,
 qr/cognito_auth_requests_total\{pool="test",result="jwks_unavailable"\} 1\n(?!.*jwks_unavailable)/s]
