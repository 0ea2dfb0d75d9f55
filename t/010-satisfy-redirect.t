# satisfy any|all with allow/deny, as auth_basic; a verdict is reused
# across internal redirects and error pages for the same pools and token
# source (t/014-redirects-subrequests.t has the rest).

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: satisfy any: an allowed address needs no token
--- config
    location = /t {
        satisfy any;
        allow 127.0.0.1;
        deny all;
        cognito_auth test;
        echo ok;
    }
--- request
GET /t
--- response_body
ok



=== TEST 2: satisfy any: a denied address needs a token
--- config
    location = /t {
        satisfy any;
        deny all;
        cognito_auth test;
        echo ok;
    }
--- request
GET /t
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="cognito"



=== TEST 3: satisfy any: a denied address with a valid token
--- config
    location = /t {
        satisfy any;
        deny all;
        cognito_auth test;
        echo ok;
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- response_body
ok



=== TEST 4: satisfy all: an allowed address still needs a token
--- config
    location = /t {
        allow 127.0.0.1;
        cognito_auth test;
        echo ok;
    }
--- request
GET /t
--- error_code: 401



=== TEST 5: an internal redirect reuses the verdict
--- config
    location = /t {
        cognito_auth test;
        try_files /nonexistent @next;
    }
    location @next {
        cognito_auth test;
        echo "next $cognito_sub";
    }
--- http_config
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_cache off;
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- response_body
next 11111111-2222-3333-4444-555555555555
--- grep_error_log eval
qr/cognito auth: verifying signature/
--- grep_error_log_out
cognito auth: verifying signature



=== TEST 6: error_page to a protected location checks it too: the module's own answer, not the page, no loop
--- config
    cognito_auth test;
    error_page 401 /401.json;
    location = /401.json { echo '{"error":"Invalid or expired token"}'; }
    location = /t { echo ok; }
--- request
GET /t
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="cognito"
--- response_body_like: \A\{"error":"unauthorized","error_description":"token missing"\}\n\z



=== TEST 7: after an internal redirect the new location's rules apply
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_token_use any;
        try_files /nonexistent @idonly;
    }
    location @idonly {
        cognito_auth test;
        cognito_auth_token_use id;
        echo "id only";
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- error_code: 401
--- error_log
token rejected: wrong_token_use
