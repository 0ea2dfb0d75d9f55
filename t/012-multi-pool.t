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



=== TEST 5: pools defined after a server that uses an earlier one (conf.d files included one by one)
Five pools, the first used by a server before the other four are
defined, as when each conf.d file brings its pool and its server.  The
location must hold the pool the module keeps: its keys are fetched when
the worker starts, and requests are checked against it.
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool a us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
        location = /a { cognito_auth a; echo "a $cognito_sub"; }
    }
    cognito_auth_pool b us-east-1_TestPool2 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool c us-east-1_TestPool3 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool d us-east-1_TestPool4 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool e us-east-1_TestPool5 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location = /pause { echo_sleep 0.5; echo paused; }
    location = /metrics { cognito_auth_metrics; }
    location = /t { proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/a; }
--- request eval
["GET /pause", "GET /metrics", "GET /t"]
--- more_headers eval
["", "", Cognito::bearer(sub => "five")]
--- response_body_like eval
["^paused\n\$",
 qr/cognito_auth_jwks_fetches_total\{pool="a",result="ok"\} 1\n.*cognito_auth_jwks_keys\{pool="a"\} 2\n/s,
 "^a five\n\$"]
--- no_error_log
[error]
[alert]
