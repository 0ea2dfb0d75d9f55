# Gateway 2 (conf-examples/shop-api.conf): a browser app's API (auth code +
# PKCE access tokens), employees-only order routes, a public catalogue, CORS
# preflights without a token (cognito_auth_preflight), any other OPTIONS
# checked.  The Lambda function URLs are one stand-in on
# $TEST_NGINX_BACKEND_PORT that echoes what it received.

use lib 't/lib';
use Cognito 'no_plan';
use ConfExample;

our $Backend = <<'_EOC_';

    # Lambda function URL stand-in; it answers CORS preflights as a
    # function URL with a CORS configuration does, with its own CORS
    # header (which the gateway must hide), and says what it received
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / {
            if ($http_access_control_request_method) {
                add_header Access-Control-Allow-Origin "*";
                add_header X-Backend-Saw "sub=[$http_x_user_sub] user=[$http_x_username]";
                return 204;
            }
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
X-Backend-Saw: sub=[] user=[]
!WWW-Authenticate
--- response_body
--- no_error_log
[error]
[alert]



=== TEST 2: a preflight sending X-User-Sub: the function gets none
--- http_config eval: $::Http
--- config eval: $::Config
--- request
OPTIONS /create_report
--- more_headers
Origin: https://shop.example.com
Access-Control-Request-Method: POST
X-User-Sub: someone-else
X-Username: root
--- error_code: 204
--- response_headers
Access-Control-Allow-Origin: https://shop.example.com
X-Backend-Saw: sub=[] user=[]



=== TEST 3: not preflights: a bare OPTIONS, one with only Origin or only the method: 401
--- http_config eval: $::Http
--- config eval: $::Config
--- request eval
["OPTIONS /orders", "OPTIONS /orders", "OPTIONS /orders/o-1"]
--- more_headers eval
["", "Origin: https://shop.example.com", "Access-Control-Request-Method: GET"]
--- error_code eval
[401, 401, 401]
--- response_headers eval
["!X-Backend-Saw", "!X-Backend-Saw", "!X-Backend-Saw"]



=== TEST 4: preflight from another origin: no Access-Control-Allow-Origin
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



=== TEST 5: GET /products is public and reaches the catalogue handler
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



=== TEST 6: GET /orders without a token: 401, with the CORS headers so the app can read it
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



=== TEST 7: GET /orders as an employee reaches the orders handler with the user's headers
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



=== TEST 8: GET /orders/{id} as an employee
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /orders/o-1234
--- more_headers eval
main::employee()
--- response_body
GET /orders/o-1234 sub=[11111111-2222-3333-4444-555555555555] user=[alice] body=[]



=== TEST 9: POST /orders as an employee: the body goes through
--- http_config eval: $::Http
--- config eval: $::Config
--- request
POST /orders
{"sku":"tea-1","qty":2}
--- more_headers eval
"Content-Type: application/json\r\n" . main::employee()
--- response_body
POST /orders sub=[11111111-2222-3333-4444-555555555555] user=[alice] body=[{"sku":"tea-1","qty":2}]



=== TEST 10: POST /create_report as an employee
--- http_config eval: $::Http
--- config eval: $::Config
--- request
POST /create_report
{"month":"2024-05"}
--- more_headers eval
main::employee()
--- response_body
POST /create_report sub=[11111111-2222-3333-4444-555555555555] user=[alice] body=[{"month":"2024-05"}]



=== TEST 11: a signed-in customer (not an employee): 403
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /orders/o-1234
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token("cognito:groups" => ["customers"])
--- error_code: 403



=== TEST 12: an id token is not an API token: 401
--- http_config eval: $::Http
--- config eval: $::Config
--- request
POST /create_report
{}
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token("cognito:groups" => ["employees"])
--- error_code: 401



=== TEST 13: an expired employee token: 401
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /orders
--- more_headers eval
main::employee(iat => time - 7200, exp => time - 3600)
--- error_code: 401
--- response_headers_like
WWW-Authenticate: .*error_description="token expired"



=== TEST 14: a method the route does not offer: 403 even for an employee
--- http_config eval: $::Http
--- config eval: $::Config
--- request
DELETE /orders/o-1234
--- more_headers eval
main::employee()
--- error_code: 403



=== TEST 15: anything else: 404
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /admin
--- error_code: 404



=== TEST 16: cors.conf: a preflight from a preview origin (regex) passes without a token
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



=== TEST 17: cors.conf: the actual request without a token: 401 with the CORS headers
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



=== TEST 18: cors.conf: the actual request with a token reaches the backend
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



=== TEST 19: cors.conf: a lookalike origin gets no Access-Control-Allow-Origin
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



=== TEST 20: cors.conf: an OPTIONS that is no preflight is checked: 401
--- http_config eval: $::CorsHttp
--- config eval: $::CorsConfig
--- request
OPTIONS /things/1
--- more_headers
Origin: https://app.example.com
--- error_code: 401
--- response_headers
Access-Control-Allow-Origin: https://app.example.com
WWW-Authenticate: Bearer realm="cognito"
