# Gateway 2 (conf-examples/shop-api.conf): a browser app's API (auth code +
# PKCE access tokens), employees-only order routes, a public catalogue, CORS
# preflight without a token.  The Lambda function URLs are one stand-in on
# $TEST_NGINX_BACKEND_PORT that echoes what it received.

use lib 't/lib';
use Cognito 'no_plan';
use ConfExample;

our $Backend = <<'_EOC_';

    # Lambda function URL stand-in
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / {
            echo_read_request_body;
            echo "$request_method $request_uri sub=[$http_x_user_sub] user=[$http_x_username] body=[$request_body]";
        }
    }
_EOC_

our $Http = ConfExample::http_config('shop-api.conf') . $Backend;
our $Config = ConfExample::config('shop-api.conf');

# conf-examples/cors.conf, the same pattern on its own
our $CorsHttp = ConfExample::http_config('cors.conf') . $Backend;
our $CorsConfig = ConfExample::config('cors.conf');

sub employee {
    return "Authorization: Bearer "
        . Cognito::access_token("cognito:groups" => ["employees"], @_);
}

no_root_location();
no_shuffle();
run_tests();

__DATA__

=== TEST 1: CORS preflight from the app's origin: 204 with the Access-Control-* headers, no token needed
--- http_config eval: $::Http
--- config eval: $::Config
--- request
OPTIONS /orders
--- more_headers
Origin: https://shop.example.com
Access-Control-Request-Method: POST
Access-Control-Request-Headers: authorization, content-type
--- error_code: 204
--- response_headers
Access-Control-Allow-Origin: https://shop.example.com
Access-Control-Allow-Methods: GET, POST, OPTIONS
Access-Control-Allow-Headers: Authorization, Content-Type
Access-Control-Max-Age: 600
Vary: Origin
!WWW-Authenticate
--- response_body
--- no_error_log
[error]
[alert]



=== TEST 2: preflight from another origin: no Access-Control-Allow-Origin
--- http_config eval: $::Http
--- config eval: $::Config
--- request
OPTIONS /create_report
--- more_headers
Origin: https://evil.example.net
Access-Control-Request-Method: POST
--- error_code: 204
--- response_headers
!Access-Control-Allow-Origin



=== TEST 3: GET /products is public and reaches the catalogue handler
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /products?category=tea
--- more_headers
Origin: https://shop.example.com
--- response_body
GET /products?category=tea sub=[] user=[] body=[]
--- response_headers
Access-Control-Allow-Origin: https://shop.example.com
!Access-Control-Allow-Methods
--- no_error_log
[error]
[alert]



=== TEST 4: GET /orders without a token: 401, with the CORS headers so the app can read it
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /orders
--- more_headers
Origin: https://shop.example.com
--- error_code: 401
--- response_headers
Access-Control-Allow-Origin: https://shop.example.com
Access-Control-Expose-Headers: WWW-Authenticate
WWW-Authenticate: Bearer realm="cognito"



=== TEST 5: GET /orders as an employee reaches the orders handler with the user's headers
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /orders
--- more_headers eval
"Origin: https://shop.example.com\r\nX-User-Sub: someone-else\r\n" . main::employee()
--- response_body
GET /orders sub=[11111111-2222-3333-4444-555555555555] user=[alice] body=[]
--- response_headers
Access-Control-Allow-Origin: https://shop.example.com
--- no_error_log
[error]
[alert]



=== TEST 6: GET /orders/{id} as an employee
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /orders/o-1234
--- more_headers eval
main::employee()
--- response_body
GET /orders/o-1234 sub=[11111111-2222-3333-4444-555555555555] user=[alice] body=[]



=== TEST 7: POST /orders as an employee: the body goes through
--- http_config eval: $::Http
--- config eval: $::Config
--- request
POST /orders
{"sku":"tea-1","qty":2}
--- more_headers eval
"Content-Type: application/json\r\n" . main::employee()
--- response_body
POST /orders sub=[11111111-2222-3333-4444-555555555555] user=[alice] body=[{"sku":"tea-1","qty":2}]



=== TEST 8: POST /create_report as an employee
--- http_config eval: $::Http
--- config eval: $::Config
--- request
POST /create_report
{"month":"2024-05"}
--- more_headers eval
main::employee()
--- response_body
POST /create_report sub=[11111111-2222-3333-4444-555555555555] user=[alice] body=[{"month":"2024-05"}]



=== TEST 9: a signed-in customer (not an employee): 403
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /orders/o-1234
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token("cognito:groups" => ["customers"])
--- error_code: 403



=== TEST 10: an id token is not an API token: 401
--- http_config eval: $::Http
--- config eval: $::Config
--- request
POST /create_report
{}
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token("cognito:groups" => ["employees"])
--- error_code: 401



=== TEST 11: an expired employee token: 401
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /orders
--- more_headers eval
main::employee(iat => time - 7200, exp => time - 3600)
--- error_code: 401
--- response_headers_like
WWW-Authenticate: .*error_description="token expired"



=== TEST 12: a method the route does not offer: 403 even for an employee
--- http_config eval: $::Http
--- config eval: $::Config
--- request
DELETE /orders/o-1234
--- more_headers eval
main::employee()
--- error_code: 403



=== TEST 13: anything else: 404
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /admin
--- error_code: 404



=== TEST 14: cors.conf: a preflight from a preview origin (regex) passes without a token
--- http_config eval: $::CorsHttp
--- config eval: $::CorsConfig
--- request
OPTIONS /things/1
--- more_headers
Origin: https://pr-42.preview.example.com
Access-Control-Request-Method: DELETE
--- error_code: 204
--- response_headers
Access-Control-Allow-Origin: https://pr-42.preview.example.com
Access-Control-Allow-Methods: GET, POST, PUT, DELETE, OPTIONS
Access-Control-Allow-Headers: Authorization, Content-Type
!WWW-Authenticate



=== TEST 15: cors.conf: the actual request without a token: 401 with the CORS headers
--- http_config eval: $::CorsHttp
--- config eval: $::CorsConfig
--- request
DELETE /things/1
--- more_headers
Origin: https://app.example.com
--- error_code: 401
--- response_headers
Access-Control-Allow-Origin: https://app.example.com
!Access-Control-Allow-Methods



=== TEST 16: cors.conf: the actual request with a token reaches the backend
--- http_config eval: $::CorsHttp
--- config eval: $::CorsConfig
--- request
DELETE /things/1
--- more_headers eval
"Origin: https://app.example.com\r\nAuthorization: Bearer " . Cognito::access_token()
--- response_headers
Access-Control-Allow-Origin: https://app.example.com
--- response_body_like
^DELETE /things/1 sub=\[\] user=\[\] body=\[\]$



=== TEST 17: cors.conf: a lookalike origin gets no Access-Control-Allow-Origin
--- http_config eval: $::CorsHttp
--- config eval: $::CorsConfig
--- request
OPTIONS /things/1
--- more_headers
Origin: https://app.example.com.evil.net
Access-Control-Request-Method: GET
--- error_code: 204
--- response_headers
!Access-Control-Allow-Origin
