# Hostile tokens: the other claims.  iss, token_use, client_id and aud
# (types, near misses), tokens of another pool or the other token_use,
# cognito:groups and scope of the wrong types, sub and jti types, and
# claims that travel on into variables and trusted headers (CR LF).
# Every block asserts the exact status and $cognito_error; t/lib/Hostile.pm
# builds the tokens and the blocks' common frame.

use lib 't/lib';
use Cognito 'no_plan';
use Hostile;

Hostile::setup();

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a token of another user pool, signed with a key this pool trusts
--- more_headers eval
Hostile::bearer(Hostile::token(payload => Hostile::claims(iss => '"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool"')))
--- error_code: 401
--- response_body
401 wrong_issuer



=== TEST 2: two pools: a token naming pool B but signed with pool A's key is checked against B's keys
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool a us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool b us-east-1_PoolB client_id=testclient1 jwks_file=$TEST_NGINX_HTML_DIR/b.json;
--- user_files eval
">>> b.json\n" . Hostile::jwks(["rsa-rotated", "test-key-3", "RS256"]) . "\n"
--- config
    location = /t { cognito_auth a b; echo "ok $cognito_pool"; }
--- more_headers eval
Hostile::bearer(Hostile::token(payload => Hostile::claims(iss => '"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_PoolB"')))
--- error_code: 401
--- response_body
401 kid_unknown



=== TEST 3: two pools: pool B's own token passes as pool b
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool a us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool b us-east-1_PoolB client_id=testclient1 jwks_file=$TEST_NGINX_HTML_DIR/b.json;
--- user_files eval
">>> b.json\n" . Hostile::jwks(["rsa-rotated", "test-key-3", "RS256"]) . "\n"
--- config
    location = /t { cognito_auth a b; echo "ok $cognito_pool"; }
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(kid => "test-key-3"), key => "rsa-rotated",
    payload => Hostile::claims(iss => '"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_PoolB"')))
--- response_body
ok b



=== TEST 4: two pools: a third pool's issuer
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool a us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool b us-east-1_PoolB client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location = /t { cognito_auth a b; echo "ok $cognito_pool"; }
--- more_headers eval
Hostile::bearer(Hostile::token(payload => Hostile::claims(iss => '"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_PoolC"')))
--- error_code: 401
--- response_body
401 wrong_issuer



=== TEST 5: an id token where an access token is required
--- request
GET /a
--- more_headers eval
Hostile::bearer(Hostile::token(payload => Hostile::id_claims()))
--- error_code: 401
--- response_body
401 wrong_token_use



=== TEST 6: an access token where an id token is required
--- request
GET /i
--- more_headers eval
Hostile::bearer(Hostile::token())
--- error_code: 401
--- response_body
401 wrong_token_use



=== TEST 7: an id token where an id token is required passes
--- request
GET /i
--- more_headers eval
Hostile::bearer(Hostile::token(payload => Hostile::id_claims()))
--- response_body
ok alice



=== TEST 8: iss missing
--- more_headers eval
main::tok(iss => undef)
--- error_code: 401
--- response_body
401 wrong_issuer



=== TEST 9: iss with a trailing slash
--- more_headers eval
main::tok(iss => '"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1/"')
--- error_code: 401
--- response_body
401 wrong_issuer



=== TEST 10: iss over http
--- more_headers eval
main::tok(iss => '"http://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"')
--- error_code: 401
--- response_body
401 wrong_issuer



=== TEST 11: iss as an array holding the right issuer
--- more_headers eval
main::tok(iss => '["https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"]')
--- error_code: 401
--- response_body
401 wrong_issuer



=== TEST 12: iss followed by an escaped NUL and more text
--- more_headers eval
main::tok(iss => '"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1\u0000.evil"')
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 13: token_use missing
--- more_headers eval
main::tok(token_use => undef)
--- error_code: 401
--- response_body
401 wrong_token_use



=== TEST 14: token_use "ACCESS"
--- more_headers eval
main::tok(token_use => '"ACCESS"')
--- error_code: 401
--- response_body
401 wrong_token_use



=== TEST 15: token_use ["access"]
--- more_headers eval
main::tok(token_use => '["access"]')
--- error_code: 401
--- response_body
401 wrong_token_use



=== TEST 16: token_use "refresh"
--- more_headers eval
main::tok(token_use => '"refresh"')
--- error_code: 401
--- response_body
401 wrong_token_use



=== TEST 17: access token without client_id
--- more_headers eval
main::tok(client_id => undef)
--- error_code: 401
--- response_body
401 wrong_client



=== TEST 18: client_id as an array holding the right client
--- more_headers eval
main::tok(client_id => '["testclient1"]')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 19: access token with only an aud of the right client
--- more_headers eval
main::tok(client_id => undef, aud => '"testclient1"')
--- error_code: 401
--- response_body
401 wrong_client



=== TEST 20: id token with aud as an array holding the right client (aud must be a string, as in aws-jwt-verify)
--- request
GET /i
--- more_headers eval
main::idtok(aud => '["other","testclient1"]')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 21: id token with an aud array holding a number
--- request
GET /i
--- more_headers eval
main::idtok(aud => '[1,"testclient1"]')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 22: id token with aud a number
--- request
GET /i
--- more_headers eval
main::idtok(aud => '7')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 23: id token with only a client_id of the right client
--- request
GET /i
--- more_headers eval
main::idtok(aud => undef, client_id => '"testclient1"')
--- error_code: 401
--- response_body
401 wrong_client



=== TEST 24: id token with an empty aud array
--- request
GET /i
--- more_headers eval
main::idtok(aud => '[]')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 25: 500 groups (within the 8 KiB limit) pass
--- config
    location = /t { cognito_auth test; cognito_auth_require_group g499; echo "ok $cognito_username"; }
--- more_headers eval
main::tok("cognito:groups" => "[" . CORE::join(',', map { "\"g$_\"" } 0 .. 499) . ']')
--- response_body
ok alice



=== TEST 26: a claim holding CR LF cannot inject a header upstream through cognito_auth_set_header (escaped as %0D%0A)
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "tenant=[$http_x_tenant_id] injected=[$http_x_injected]\n"; }
    }
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_tenant claim=custom:tenant;
        cognito_auth_set_header X-Tenant-Id $cognito_tenant;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- more_headers eval
main::tok('custom:tenant' => '"acme\r\nX-Injected: 1"')
--- error_code: 200
--- response_body
tenant=[acme%0D%0AX-Injected: 1] injected=[]



=== TEST 27: a claim holding CR LF cannot inject a header upstream through proxy_set_header and cognito_auth_claim_set
--- http_config
    cognito_auth_claim_set $cognito_email_claim email;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "email=[$http_x_email] injected=[$http_x_injected]\n"; }
    }
--- config
    location = /t {
        cognito_auth test;
        proxy_set_header X-Email $cognito_email_claim;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- more_headers eval
main::tok(email => '"a@example.com\r\nX-Injected: 1"')
--- error_code: 200
--- response_body
email=[a@example.com%0D%0AX-Injected: 1] injected=[]



=== TEST 28: cognito:groups as one string of words grants none of them
--- config
    location = /t { cognito_auth test; cognito_auth_require_group admins; echo "ok $cognito_username"; }
--- more_headers eval
main::tok("cognito:groups" => '"readers admins"')
--- error_code: 403
--- response_body
403 group_denied



=== TEST 29: cognito:groups as a string that is exactly the group grants nothing (only an array of strings carries groups)
--- config
    location = /t { cognito_auth test; cognito_auth_require_group admins; echo "ok $cognito_username"; }
--- more_headers eval
main::tok("cognito:groups" => '"admins"')
--- error_code: 403
--- response_body
403 group_denied



=== TEST 30: cognito:groups as an array holding a number is not an array of strings: no groups
--- config
    location = /t { cognito_auth test; cognito_auth_require_group admins; echo "ok $cognito_username"; }
--- more_headers eval
main::tok("cognito:groups" => '["admins",1]')
--- error_code: 403
--- response_body
403 group_denied



=== TEST 31: cognito:groups as an array of strings grants its elements
--- config
    location = /t { cognito_auth test; cognito_auth_require_group admins; echo "ok $cognito_username [$cognito_groups]"; }
--- more_headers eval
main::tok("cognito:groups" => '["readers","admins"]')
--- response_body
ok alice [readers,admins]



=== TEST 32: $cognito_groups is empty when cognito:groups is not an array of strings
--- config
    location = /t { cognito_auth test; echo "ok [$cognito_groups]"; }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok("cognito:groups" => '"readers admins"'),
 main::tok("cognito:groups" => '["admins",{"a":1}]'),
 main::tok("cognito:groups" => '{"admins":true}')]
--- response_body eval
["ok []\n", "ok []\n", "ok []\n"]



=== TEST 33: the tenant group rule finds nothing in a cognito:groups string
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_tenant group=^tenant-(.+)$ required;
        echo "tenant=$cognito_tenant";
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::tok("cognito:groups" => '"tenant-acme"'),
 main::tok("cognito:groups" => '["tenant-acme"]')]
--- error_code eval
[403, 200]
--- response_body eval
["403 tenant_missing\n", "tenant=acme\n"]



=== TEST 34: scope as an array is no scope list: the token is refused (as aws-jwt-verify does)
--- config
    location = /t { cognito_auth test; cognito_auth_require_scope openid; echo "ok $cognito_username"; }
--- more_headers eval
main::tok(scope => '["openid","profile"]')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 35: scope as an array is refused also where no scope is required
--- more_headers eval
main::tok(scope => '["openid"]')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 36: scope of other types (number, null, object) is refused
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok(scope => '1'), main::tok(scope => 'null'), main::tok(scope => '{"openid":1}')]
--- error_code eval
[401, 401, 401]
--- response_body eval
["401 claim_type\n", "401 claim_type\n", "401 claim_type\n"]



=== TEST 37: sub or jti not a string is refused (as aws-jwt-verify does)
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok(sub => '12345'), main::tok(sub => '["a"]'), main::tok(jti => '7'), main::tok(jti => 'null')]
--- error_code eval
[401, 401, 401, 401]
--- response_body eval
["401 claim_type\n", "401 claim_type\n", "401 claim_type\n", "401 claim_type\n"]



=== TEST 38: aud that is neither a string nor an array of strings is refused on an access token too
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok(aud => '7'), main::tok(aud => '["x",1]'), main::tok(aud => '["x","y"]')]
--- error_code eval
[401, 401, 200]
--- response_body eval
["401 claim_type\n", "401 claim_type\n", "ok alice\n"]



=== TEST 39: id token with an aud array holding only the right client
--- request
GET /i
--- more_headers eval
main::idtok(aud => '["testclient1"]')
--- error_code: 401
--- response_body
401 claim_type
