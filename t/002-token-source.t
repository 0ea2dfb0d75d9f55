# Where the token comes from: Authorization: Bearer (scheme case-insensitive)
# or cognito_auth_token (e.g. a cookie).

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: lower-case scheme
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: bearer " . Cognito::access_token()
--- response_body
ok



=== TEST 2: upper-case scheme
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: BEARER " . Cognito::access_token()
--- response_body
ok



=== TEST 3: Basic is not a token
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers
Authorization: Basic YWxpY2U6c2VjcmV0
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="cognito"
--- error_log
token rejected: token_missing



=== TEST 4: the scheme alone
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers
Authorization: Bearer
--- error_code: 401
--- error_log
token rejected: token_missing



=== TEST 5: token from a cookie
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_token $cookie_id_token;
        echo "ok $cognito_token_use";
    }
--- request
GET /t
--- more_headers eval
"Cookie: theme=dark; id_token=" . Cognito::id_token() . "; other=1"
--- response_body
ok id



=== TEST 6: token from a cookie that is absent
--- config
    location = /t { cognito_auth test; cognito_auth_token $cookie_id_token; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- error_code: 401
--- error_log
token rejected: token_missing



=== TEST 7: a custom realm
--- config
    location = /t { cognito_auth test; cognito_auth_realm "inventory api"; echo ok; }
--- request
GET /t
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="inventory api"



=== TEST 8: an oversized token
--- config
    large_client_header_buffers 4 32k;
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(pad => "x" x 9000)
--- error_code: 401
--- error_log
token rejected: token_too_long
