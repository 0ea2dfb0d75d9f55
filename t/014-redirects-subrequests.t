# A verdict belongs to the pools and token source it was made for: a
# redirect into a location with other pools or another source checks
# again; a rejected request is never let in by error_page; a subrequest
# into a protected location carries the main request's verdict or is
# refused.

use lib 't/lib';
use Cognito 'no_plan';

# a second pool: its tokens are signed by the same keys, only iss differs
$::CustIss = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Customers1';

sub main::cust_token {
    return Cognito::access_token(iss => $::CustIss, client_id => 'shopapp',
                                 @_);
}

no_shuffle();
run_tests();

__DATA__

=== TEST 1: error_page into a protected location: no token is refused again
--- config
    location = /t {
        cognito_auth test;
        error_page 401 = @x;
        echo public;
    }
    location @x {
        cognito_auth test;
        echo "secret";
    }
--- request
GET /t
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="cognito"
--- response_body_unlike: secret
--- error_log
token rejected: token_missing



=== TEST 2: error_page into a protected location: a forged token is refused again
--- config
    location = /t {
        cognito_auth test;
        error_page 401 = @x;
        echo public;
    }
    location @x {
        cognito_auth test;
        echo "secret";
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(-key => "rsa2", -kid => "test-key-1")
--- error_code: 401
--- response_headers_like
WWW-Authenticate: Bearer realm="cognito", error="invalid_token".*
--- response_body_unlike: secret
--- error_log
token rejected: bad_signature



=== TEST 3: error_page 503 (no keys) into a protected location is refused again
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/status/500; }
    location = /t {
        cognito_auth test;
        error_page 503 = @x;
        echo public;
    }
    location @x {
        cognito_auth test;
        echo "secret";
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- error_code: 503
--- response_body_unlike: secret
--- error_log
no JWKS keys for pool "test", failing closed



=== TEST 4: error_page into a location with cognito_auth off serves the custom page
--- config
    cognito_auth test;
    error_page 401 /401.json;
    location = /401.json {
        cognito_auth off;
        echo '{"error":"please sign in"}';
    }
    location = /t { echo secret; }
--- request
GET /t
--- error_code: 401
--- response_body
{"error":"please sign in"}



=== TEST 5: error_page into a location without cognito_auth serves the custom page
--- config
    location = /t {
        cognito_auth test;
        error_page 401 = @login;
        echo secret;
    }
    location @login { echo "please sign in"; }
--- request
GET /t
--- error_code: 200
--- response_body
please sign in



=== TEST 6: error_page 403 into a protected location: that location's policy decides
--- config
    location = /admin {
        cognito_auth test;
        cognito_auth_require_group admins;
        error_page 403 = @editors;
        echo admin;
    }
    location @editors {
        cognito_auth test;
        cognito_auth_require_group editors;
        echo "editors $cognito_sub";
    }
--- request eval
["GET /admin", "GET /admin"]
--- more_headers eval
["Authorization: Bearer " . Cognito::access_token("cognito:groups" => ["readers"]),
 "Authorization: Bearer " . Cognito::access_token("cognito:groups" => ["editors"])]
--- error_code eval
[403, 200]
--- response_body_like eval
["^(?!.*(admin|editors))", "^editors 11111111-2222-3333-4444-555555555555\$"]



=== TEST 7: try_files: a customers token does not reach a staff location
--- http_config
    cognito_auth_pool staff us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool customers eu-west-1_Customers1 client_id=shopapp jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location = /shop {
        cognito_auth customers;
        try_files /nonexistent @staff;
    }
    location @staff {
        cognito_auth staff;
        echo "staff secret";
    }
--- request
GET /shop
--- more_headers eval
"Authorization: Bearer " . main::cust_token()
--- error_code: 401
--- response_body_unlike: staff secret
--- error_log
token rejected: wrong_issuer



=== TEST 8: error_page: a customers token does not reach a staff location
--- http_config
    cognito_auth_pool staff us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool customers eu-west-1_Customers1 client_id=shopapp jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location /shop/ {
        cognito_auth customers;
        root $TEST_NGINX_HTML_DIR;
        error_page 404 = @staff;
    }
    location @staff {
        cognito_auth staff;
        echo "staff secret";
    }
--- request
GET /shop/missing
--- more_headers eval
"Authorization: Bearer " . main::cust_token()
--- error_code: 401
--- response_body_unlike: staff secret
--- error_log
token rejected: wrong_issuer



=== TEST 9: echo_exec to a named location: a customers token does not reach staff
--- http_config
    cognito_auth_pool staff us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool customers eu-west-1_Customers1 client_id=shopapp jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location = /shop {
        cognito_auth customers;
        echo_exec @staff;
    }
    location @staff {
        cognito_auth staff;
        echo "staff secret";
    }
--- request
GET /shop
--- more_headers eval
"Authorization: Bearer " . main::cust_token()
--- error_code: 401
--- response_body_unlike: staff secret
--- error_log
token rejected: wrong_issuer



=== TEST 10: index: a customers token does not reach a staff file
--- http_config
    cognito_auth_pool staff us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool customers eu-west-1_Customers1 client_id=shopapp jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    root $TEST_NGINX_HTML_DIR;
    location = / {
        cognito_auth customers;
        index staff.html;
    }
    location = /staff.html {
        cognito_auth staff;
    }
--- user_files
>>> staff.html
staff secret
--- request
GET /
--- more_headers eval
"Authorization: Bearer " . main::cust_token()
--- error_code: 401
--- response_body_unlike: staff secret
--- error_log
token rejected: wrong_issuer



=== TEST 11: X-Accel-Redirect: a customers token does not reach a staff location
--- http_config
    cognito_auth_pool staff us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool customers eu-west-1_Customers1 client_id=shopapp jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location = /download {
            add_header X-Accel-Redirect /staff/report;
            return 200;
        }
    }
--- config
    location = /shop/download {
        cognito_auth customers;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/download;
    }
    location = /staff/report {
        internal;
        cognito_auth staff;
        echo "staff secret";
    }
--- request
GET /shop/download
--- more_headers eval
"Authorization: Bearer " . main::cust_token()
--- error_code: 401
--- response_body_unlike: staff secret
--- error_log
token rejected: wrong_issuer



=== TEST 12: rewrite ... last through an unprotected location: checked again
--- http_config
    cognito_auth_pool staff us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool customers eu-west-1_Customers1 client_id=shopapp jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location = /shop {
        cognito_auth customers;
        try_files /nonexistent @go;
    }
    location @go {
        rewrite ^ /staff last;
    }
    location = /staff {
        cognito_auth staff;
        echo "staff secret";
    }
--- request
GET /shop
--- more_headers eval
"Authorization: Bearer " . main::cust_token()
--- error_code: 401
--- response_body_unlike: staff secret
--- error_log
token rejected: wrong_issuer



=== TEST 13: a staff token through a two-pool location into a staff location is checked again and allowed
--- http_config
    cognito_auth_pool staff us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool customers eu-west-1_Customers1 client_id=shopapp jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_cache off;
--- config
    location = /any {
        cognito_auth staff customers;
        try_files /nonexistent @staff;
    }
    location @staff {
        cognito_auth staff;
        echo "staff $cognito_pool";
    }
--- request
GET /any
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- response_body
staff staff
--- grep_error_log eval
qr/cognito auth: verifying signature/
--- grep_error_log_out
cognito auth: verifying signature
cognito auth: verifying signature
--- no_error_log
[error]
[alert]



=== TEST 14: the same pools in another order: the verdict is reused
--- http_config
    cognito_auth_pool staff us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool customers eu-west-1_Customers1 client_id=shopapp jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_cache off;
--- config
    location = /any {
        cognito_auth staff customers;
        try_files /nonexistent @both;
    }
    location @both {
        cognito_auth customers staff;
        echo "both $cognito_pool";
    }
--- request
GET /any
--- more_headers eval
"Authorization: Bearer " . main::cust_token()
--- response_body
both customers
--- grep_error_log eval
qr/cognito auth: verifying signature/
--- grep_error_log_out
cognito auth: verifying signature
--- no_error_log
[error]
[alert]



=== TEST 15: a cookie token accepted in A does not pass B, whose source is the header
--- config
    location = /a {
        cognito_auth test;
        cognito_auth_token $cookie_id_token;
        try_files /nonexistent @b;
    }
    location @b {
        cognito_auth test;
        echo "b secret";
    }
--- request
GET /a
--- more_headers eval
"Cookie: id_token=" . Cognito::access_token()
--- error_code: 401
--- response_body_unlike: b secret
--- error_log
token rejected: token_missing



=== TEST 16: a header token accepted in A does not pass B, whose source is a cookie
--- config
    location = /a {
        cognito_auth test;
        try_files /nonexistent @b;
    }
    location @b {
        cognito_auth test;
        cognito_auth_token $cookie_id_token;
        echo "b secret";
    }
--- request
GET /a
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- error_code: 401
--- response_body_unlike: b secret
--- error_log
token rejected: token_missing



=== TEST 17: the same cookie source in both: the verdict is reused
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_cache off;
--- config
    location = /a {
        cognito_auth test;
        cognito_auth_token $cookie_id_token;
        try_files /nonexistent @b;
    }
    location @b {
        cognito_auth test;
        cognito_auth_token $cookie_id_token;
        echo "b $cognito_sub";
    }
--- request
GET /a
--- more_headers eval
"Cookie: id_token=" . Cognito::access_token()
--- response_body
b 11111111-2222-3333-4444-555555555555
--- grep_error_log eval
qr/cognito auth: verifying signature/
--- grep_error_log_out
cognito auth: verifying signature
--- no_error_log
[error]
[alert]



=== TEST 18: auth_request into a protected location: no token, no content
--- config
    location = /t {
        auth_request /auth;
        echo "private";
    }
    location = /auth {
        internal;
        cognito_auth test;
        echo ok;
    }
--- request
GET /t
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="cognito"
--- response_body_unlike: private
--- error_log
token rejected: token_missing



=== TEST 19: auth_request from an unchecked main request is refused even with a token
--- config
    location = /t {
        auth_request /auth;
        echo "private";
    }
    location = /auth {
        internal;
        cognito_auth test;
        echo ok;
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- error_code: 401
--- response_body_unlike: private



=== TEST 20: auth_request after the main request's check: the subrequest's policy applies
--- config
    location = /t {
        cognito_auth test;
        auth_request /auth;
        echo "private";
    }
    location = /auth {
        internal;
        cognito_auth test;
        cognito_auth_require_group admins;
        echo ok;
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer " . Cognito::access_token("cognito:groups" => ["admins"]),
 "Authorization: Bearer " . Cognito::access_token("cognito:groups" => ["readers"])]
--- error_code eval
[200, 403]
--- response_body_like eval
["^private\$", "^(?!.*private)"]



=== TEST 21: auth_request into a location of other pools is refused
--- http_config
    cognito_auth_pool staff us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool customers eu-west-1_Customers1 client_id=shopapp jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location = /t {
        cognito_auth customers;
        auth_request /auth;
        echo "private";
    }
    location = /auth {
        internal;
        cognito_auth staff;
        echo ok;
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . main::cust_token()
--- error_code: 401
--- response_body_unlike: private



=== TEST 22: SSI include of a protected location: no token, no content
--- config
    location = /page.html {
        root $TEST_NGINX_HTML_DIR;
        ssi on;
    }
    location = /private {
        cognito_auth test;
        echo "private data";
    }
--- user_files
>>> page.html
<p>before</p><!--# include virtual="/private" --><p>after</p>
--- request
GET /page.html
--- response_body_like: ^<p>before</p>(?!.*private data).*<p>after</p>
--- error_log
token rejected: token_missing



=== TEST 23: SSI include after the main request's check: the include's policy applies
--- config
    location = /page.html {
        cognito_auth test;
        root $TEST_NGINX_HTML_DIR;
        ssi on;
    }
    location = /private {
        cognito_auth test;
        echo "private $cognito_sub";
    }
    location = /admins {
        cognito_auth test;
        cognito_auth_require_group admins;
        echo "admin data";
    }
--- user_files
>>> page.html
[<!--# include virtual="/private" -->][<!--# include virtual="/admins" -->]
--- request
GET /page.html
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token("cognito:groups" => ["readers"])
--- response_body_like: ^\[private 11111111-2222-3333-4444-555555555555\n\]\[(?!.*admin data).*\]
--- error_log
access denied: group_denied (not in a required group), pool "test", sub "11111111-2222-3333-4444-555555555555"



=== TEST 24: SSI include into a location whose token source differs is refused
--- config
    location = /page.html {
        cognito_auth test;
        root $TEST_NGINX_HTML_DIR;
        ssi on;
    }
    location = /private {
        cognito_auth test;
        cognito_auth_token $cookie_id_token;
        echo "private data";
    }
--- user_files
>>> page.html
[<!--# include virtual="/private" -->]
--- request
GET /page.html
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- response_body_like: ^\[(?!.*private data).*\]
--- error_log
token rejected



=== TEST 25: echo_location into a protected location: no token, no content
--- config
    location = /t {
        echo before;
        echo_location /private;
        echo after;
    }
    location = /private {
        cognito_auth test;
        echo "private data";
    }
--- request
GET /t
--- response_body_like: ^before\n(?!.*private data).*after\n$
--- error_log
token rejected: token_missing



=== TEST 26: echo_location after the main request's check is allowed
--- config
    location = /t {
        cognito_auth test;
        echo before;
        echo_location /private;
        echo after;
    }
    location = /private {
        cognito_auth test;
        cognito_auth_token_use access;
        echo "private $cognito_sub";
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- response_body
before
private 11111111-2222-3333-4444-555555555555
after
--- no_error_log
[error]
[alert]



=== TEST 27: echo_location: the subrequest location's token_use applies
--- config
    location = /t {
        cognito_auth test;
        echo before;
        echo_location /private;
        echo after;
    }
    location = /private {
        cognito_auth test;
        cognito_auth_token_use id;
        echo "private data";
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- response_body_like: ^before\n(?!.*private data).*after\n$
--- error_log
token rejected: wrong_token_use



=== TEST 28: mirror into a protected location without a token is refused
--- config
    location = /t {
        mirror /m;
        echo main;
    }
    location = /m {
        internal;
        cognito_auth test;
        root /nonexistent-mirror-root;
    }
--- request
GET /t
--- response_body
main
--- wait: 0.2
--- error_log
token rejected: token_missing
--- no_error_log
nonexistent-mirror-root/m" failed



=== TEST 29: a server-level cognito_auth does not refuse the module's own JWKS fetch
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    cognito_auth test;
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { echo "ok $cognito_sub"; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- response_body
ok 11111111-2222-3333-4444-555555555555
--- error_log
fetching JWKS of pool "test"
--- no_error_log
[error]
[alert]
token rejected



=== TEST 30: a forged token's error page does not include protected content
--- config
    location = /t {
        cognito_auth test;
        error_page 401 /err.html;
        echo secret;
    }
    location = /err.html {
        cognito_auth off;
        root $TEST_NGINX_HTML_DIR;
        ssi on;
    }
    location = /private {
        cognito_auth test;
        echo "private data";
    }
--- user_files
>>> err.html
sign in [<!--# include virtual="/private" -->]
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(-key => "rsa2", -kid => "test-key-1")
--- error_code: 401
--- response_body_like: ^sign in \[(?!.*private data).*\]
--- error_log
token rejected: bad_signature



=== TEST 31: mirror after the main request's check is allowed
--- config
    location = /t {
        cognito_auth test;
        mirror /m;
        echo main;
    }
    location = /m {
        internal;
        cognito_auth test;
        root /nonexistent-mirror-root;
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- response_body
main
--- wait: 0.2
--- error_log
nonexistent-mirror-root/m" failed
--- no_error_log
token rejected
[alert]
