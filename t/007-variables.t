# $cognito_* variables in log_format, map and if.

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: variables in a JSON access log
--- http_config
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    log_format cognito_json escape=json
        '{"sub":"$cognito_sub","user":"$cognito_username","client":"$cognito_client_id",'
        '"use":"$cognito_token_use","groups":"$cognito_groups","pool":"$cognito_pool",'
        '"error":"$cognito_error","status":$status}';
--- config
    location = /t {
        cognito_auth test;
        access_log logs/error.log cognito_json;
        echo ok;
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token("cognito:groups" => ["a", "b"])
--- error_log
{"sub":"11111111-2222-3333-4444-555555555555","user":"alice","client":"testclient1","use":"id","groups":"a,b","pool":"test","error":"","status":200}



=== TEST 2: a rejection is logged with its reason and no claims
--- http_config
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    log_format cognito_json escape=json '{"sub":"$cognito_sub","error":"$cognito_error","status":$status}';
--- config
    location = /t {
        cognito_auth test;
        access_log logs/error.log cognito_json;
        echo ok;
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(client_id => "nope")
--- error_code: 401
--- error_log
{"sub":"","error":"wrong_client","status":401}



=== TEST 3: variables in map and if
--- http_config
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    map $cognito_groups $is_admin { ~(^|,)admins(,|$) yes; default no; }
--- config
    location = /t {
        cognito_auth test;
        echo "admin=$is_admin";
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer " . Cognito::id_token("cognito:groups" => ["admins"]),
 "Authorization: Bearer " . Cognito::id_token("cognito:groups" => ["readers"])]
--- response_body eval
["admin=yes\n", "admin=no\n"]
