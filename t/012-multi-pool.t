# Several pools in one location, picked by the token's iss, each with its
# own app clients.

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: each pool's tokens with its own clients
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool staff us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool partners eu-west-1_Partners9 client_id=partnerapp jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location = /t {
        cognito_auth staff partners;
        echo "pool=$cognito_pool client=$cognito_client_id";
    }
    location = /metrics { cognito_auth_metrics; }
--- request eval
[("GET /t") x 5, "GET /metrics"]
--- more_headers eval
my $p = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Partners9";
["Authorization: Bearer " . Cognito::access_token(),
 "Authorization: Bearer " . Cognito::access_token(iss => $p, client_id => "partnerapp"),
 "Authorization: Bearer " . Cognito::access_token(iss => $p, client_id => "testclient1"),
 "Authorization: Bearer " . Cognito::access_token(client_id => "partnerapp"),
 "Authorization: Bearer " . Cognito::access_token(iss => "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Nobody"),
 ""]
--- error_code eval
[200, 200, 401, 401, 401, 200]
--- response_body_like eval
["^pool=staff client=testclient1\$", "^pool=partners client=partnerapp\$",
 "wrong client", "wrong client", "issuer",
 qr/requests_total\{pool="staff",result="accepted"\} 1\n.*requests_total\{pool="staff",result="wrong_client"\} 1\n.*requests_total\{pool="partners",result="accepted"\} 1\n.*requests_total\{pool="partners",result="wrong_client"\} 1\n.*requests_total\{pool="",result="wrong_issuer"\} 1\n/s]



=== TEST 2: a location accepting one pool refuses the other's tokens
--- http_config
    cognito_auth_pool staff us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool partners eu-west-1_Partners9 client_id=partnerapp jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location = /t { cognito_auth staff; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(iss => "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Partners9", client_id => "partnerapp")
--- error_code: 401
--- error_log
token rejected: wrong_issuer



=== TEST 3: Cognito's multi-region issuer form, when configured
--- http_config
    cognito_auth_pool mr us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json multi_region=on;
--- config
    location = /t { cognito_auth mr; echo ok; }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer " . Cognito::access_token(iss => "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"),
 "Authorization: Bearer " . Cognito::access_token()]
--- error_code eval
[200, 200]



=== TEST 4: the multi-region form is refused unless configured
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(iss => "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1")
--- error_code: 401
--- error_log
token rejected: wrong_issuer
