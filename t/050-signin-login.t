# Browser sign-in, the login redirect (issue 14): a protected location with
# cognito_auth_signin and no valid token sends a browser to the pool's
# /oauth2/authorize (code flow, PKCE S256) with an encrypted, short-lived
# state cookie; an API call gets the 401 instead; nginx -t refuses what
# cannot work.

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;

    if (!defined $block->http_config) {
        $block->set_value("http_config", <<'_EOC_');
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1,testclient2 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json domain=auth.example.com;
    cognito_auth_session_key_file $TEST_NGINX_DATA_DIR/session.keys;
_EOC_
    }
});

run_tests();

__DATA__

=== TEST 1: no token: 302 to /oauth2/authorize with code, client, redirect_uri, scope, state, nonce and an S256 challenge
--- config
    location /app/ {
        cognito_auth test;
        cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/oauth2/callback scope=openid,email;
        echo ok;
    }
--- request
GET /app/page?x=1
--- error_code: 302
--- response_headers_like
Location: ^https://auth\.example\.com/oauth2/authorize\?response_type=code&client_id=testclient1&redirect_uri=https%3A%2F%2Fapp\.example\.com%2Foauth2%2Fcallback&scope=openid%20email&state=[A-Za-z0-9]{32}&nonce=[A-Za-z0-9]{32}&code_challenge=[A-Za-z0-9_-]{43}&code_challenge_method=S256$
Set-Cookie: ^cognito_session_login=[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}; Path=/; Max-Age=600; HttpOnly; Secure; SameSite=Lax$
Cache-Control: ^no-store$
--- error_log
cognito auth: no session, sign-in with pool "test"
--- no_error_log
[error]
[alert]



=== TEST 2: the state cookie is a compact JWE with no encrypted key (dir); the scope defaults to openid
--- config
    location /app/ {
        cognito_auth test;
        cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
        echo ok;
    }
--- request
GET /app/
--- error_code: 302
--- response_headers_like
Set-Cookie: cognito_session_login=eyJ[^.]+\.\..*
Location: .*&scope=openid&state=.*
--- no_error_log
[error]
[alert]



=== TEST 3: an expired token from a browser is a sign-in too, not a 401
--- config
    location /app/ {
        cognito_auth test;
        cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
        echo ok;
    }
--- request
GET /app/
--- more_headers eval
Cognito::bearer(exp => time - 100)
--- error_code: 302
--- response_headers_like
Location: https://auth\.example\.com/oauth2/authorize\?.*
--- error_log
token rejected: token_expired
--- no_error_log
[alert]



=== TEST 4: a valid token passes as before
--- config
    location /app/ {
        cognito_auth test;
        cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
        echo ok;
    }
--- request
GET /app/
--- more_headers eval
Cognito::bearer()
--- error_code: 200
--- response_body
ok
--- response_headers
!Set-Cookie
!Location
--- no_error_log
[error]
[alert]



=== TEST 5: a valid token refused by policy stays a 403 (no login loop)
--- config
    location /app/ {
        cognito_auth test;
        cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
        cognito_auth_require_group admins;
        echo ok;
    }
--- request
GET /app/
--- more_headers eval
Cognito::bearer()
--- error_code: 403
--- response_headers
!Set-Cookie
!Location
--- no_error_log
[alert]



=== TEST 6: an API call (Accept: application/json) gets the 401 JSON, no redirect, no cookie
--- config
    location /app/ {
        cognito_auth test;
        cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
        echo ok;
    }
--- request
GET /app/data
--- more_headers
Accept: text/plain, Application/JSON; q=0.9
--- error_code: 401
--- response_headers
!Set-Cookie
!Location
Content-Type: application/json
WWW-Authenticate: Bearer realm="cognito"
--- response_body
{"error":"unauthorized","error_description":"token missing"}
--- no_error_log
[alert]



=== TEST 7: fetch or XHR (Sec-Fetch-Mode other than navigate) is an API call; navigate is a browser
--- config
    location /app/ {
        cognito_auth test;
        cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
        echo ok;
    }
--- request eval
["GET /app/x", "GET /app/x"]
--- more_headers eval
["Sec-Fetch-Mode: cors", "Sec-Fetch-Mode: navigate\nAccept: text/html"]
--- error_code eval
[401, 302]
--- no_error_log
[alert]



=== TEST 8: cognito_auth_signin_api decides alone: a value other than "" and "0" is an API call
--- config
    location /app/ {
        cognito_auth test;
        cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
        cognito_auth_signin_api $http_x_api;
        echo ok;
    }
--- request eval
["GET /app/x", "GET /app/x", "GET /app/x", "GET /app/x"]
--- more_headers eval
["X-Api: 1", "X-Api: 0", "Accept: application/json", "X-Api: yes\nSec-Fetch-Mode: navigate"]
--- error_code eval
[401, 302, 302, 401]
--- no_error_log
[alert]



=== TEST 9: a location that turns sign-in off answers 401 as before
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location /app/ {
        cognito_auth test;
        echo ok;
    }
    location /api/ {
        cognito_auth test;
        cognito_auth_signin off;
        echo ok;
    }
--- request eval
["GET /app/", "GET /api/"]
--- error_code eval
[302, 401]
--- no_error_log
[alert]



=== TEST 10: under satisfy any the answer is a 401 (allow/deny may still let the request in)
--- config
    location /app/ {
        satisfy any;
        deny all;
        cognito_auth test;
        cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
        echo ok;
    }
--- request
GET /app/
--- error_code: 401
--- response_headers
!Location
--- no_error_log
[alert]



=== TEST 11: redirect_uri from variables, the session cookie's name and domain configured
--- config
    cognito_auth_session_cookie app_sess domain=example.com max_age=1h;
    location /app/ {
        cognito_auth test;
        cognito_auth_signin test client_id=testclient2 redirect_uri=$scheme://$host/cb;
        echo ok;
    }
--- request
GET /app/
--- more_headers
Host: app.example.com
--- error_code: 302
--- response_headers_like
Location: .*\?response_type=code&client_id=testclient2&redirect_uri=http%3A%2F%2Fapp\.example\.com%2Fcb&scope=openid&state=.*
Set-Cookie: ^app_sess_login=[^;]+; Path=/; Max-Age=600; HttpOnly; Secure; SameSite=Lax; Domain=example\.com$
--- no_error_log
[error]
[alert]



=== TEST 12: a redirect_uri variable that is no absolute URL is a 500, logged
--- config
    location /app/ {
        cognito_auth test;
        cognito_auth_signin test client_id=testclient1 redirect_uri=$arg_cb;
        echo ok;
    }
--- request
GET /app/?cb=//evil.example/
--- error_code: 500
--- response_headers
!Location
--- error_log
cognito auth: redirect_uri "//evil.example/" is no absolute http(s) URL



=== TEST 13: domain= as an origin (a local stand-in), HEAD as GET
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json domain=http://127.0.0.1:8999;
    cognito_auth_session_key_file $TEST_NGINX_DATA_DIR/session.keys;
--- config
    location /app/ {
        cognito_auth test;
        cognito_auth_signin test client_id=testclient1 redirect_uri=http://127.0.0.1/cb;
        echo ok;
    }
--- request
HEAD /app/
--- error_code: 302
--- response_headers_like
Location: http://127\.0\.0\.1:8999/oauth2/authorize\?response_type=code&.*
--- no_error_log
[error]
[alert]



=== TEST 14: sign-in without a key file is refused
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json domain=auth.example.com;
--- config
    location /app/ {
        cognito_auth test;
        cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
        echo ok;
    }
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_signin needs cognito_auth_session_key_file at http level in \S+/nginx\.conf:\d+}



=== TEST 15: a pool without domain= is refused
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_session_key_file $TEST_NGINX_DATA_DIR/session.keys;
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_signin: pool "test" has no domain= \(its hosted UI\) in \S+/nginx\.conf:\d+}



=== TEST 16: a client not among the pool's is refused
--- config
    cognito_auth_signin test client_id=otherclient redirect_uri=https://app.example.com/cb;
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_signin: "otherclient" is not among pool "test"'s client_id= in }



=== TEST 17: scope without openid, and an empty scope, are refused
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb scope=email,profile;
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_signin: scope= must include "openid" \(sign-in checks the id token\) in }



=== TEST 18: a relative redirect_uri is refused
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=/cb;
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_signin: redirect_uri= must be an absolute http\(s\) URL, not "/cb" in }



=== TEST 19: client_id= and redirect_uri= are required; unknown parameters refused
--- config
    cognito_auth_signin test client_id=testclient1;
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_signin needs client_id= and redirect_uri= in }



=== TEST 20: an unknown parameter is refused
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://a/cb prompt=login;
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_signin: unknown parameter "prompt=login" in }



=== TEST 21: the sign-in pool must be one the location checks
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json domain=auth.example.com;
    cognito_auth_pool other us-east-1_TestPool2 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json domain=auth2.example.com;
    cognito_auth_session_key_file $TEST_NGINX_DATA_DIR/session.keys;
--- config
    cognito_auth_signin other client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location /app/ {
        cognito_auth test;
        echo ok;
    }
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_signin signs in with pool "other", which cognito_auth does not name here: its sessions could never pass in }



=== TEST 22: a bad key file is refused with what is wrong
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json domain=auth.example.com;
    cognito_auth_session_key_file $TEST_NGINX_DATA_DIR/jwks.json;
--- config
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: invalid session key file "\S+/jwks\.json": a key is not 32 bytes in base64url \(43 characters\) in }



=== TEST 23: a missing key file is refused
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json domain=auth.example.com;
    cognito_auth_session_key_file $TEST_NGINX_DATA_DIR/no-such.keys;
--- config
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: open\(\) "\S+/no-such\.keys" failed}



=== TEST 24: a domain= with a path is refused
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json domain=https://auth.example.com/x;
--- config
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: invalid "domain=https://auth\.example\.com/x" \(a host name, or an origin such as https://auth\.example\.com, no path\) in }



=== TEST 25: a bad session cookie name or max_age is refused
--- config
    cognito_auth_session_cookie "a;b";
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_session_cookie: invalid name "a;b" \(letters, digits, '_' and '-', up to 64\) in }



=== TEST 26: a max_age under a minute is refused
--- config
    cognito_auth_session_cookie s max_age=10s;
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_session_cookie: invalid "max_age=10s" \(a time of 1m or more\) in }
