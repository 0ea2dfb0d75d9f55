# cognito_auth_preflight: a true CORS preflight (OPTIONS with both Origin
# and Access-Control-Request-Method) goes through the access phase
# unchecked, to the location's own CORS handling; every other request,
# OPTIONS included, is checked.  The preflight has no claims: the
# variables are empty and the trusted headers are still stripped.

use lib 't/lib';
use Cognito 'no_plan';

our $Cors = <<'_EOC_';
    location /api/ {
        cognito_auth test;
        cognito_auth_preflight on;
        cognito_auth_set_header X-User-Sub $cognito_sub;
        add_header Access-Control-Allow-Origin $http_origin always;
        add_header Access-Control-Allow-Methods "GET, POST" always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
_EOC_

our $Backend = <<'_EOC_';
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / {
            echo "$request_method sub=[$http_x_user_sub] auth=[$http_authorization]";
        }
    }
_EOC_

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a true preflight passes unchecked, to the location's handler
--- http_config eval: $::Backend
--- config eval: $::Cors
--- request
OPTIONS /api/orders
--- more_headers
Origin: https://app.example.com
Access-Control-Request-Method: POST
Access-Control-Request-Headers: authorization
--- error_code: 200
--- response_headers
Access-Control-Allow-Origin: https://app.example.com
Access-Control-Allow-Methods: GET, POST
!WWW-Authenticate
--- response_body
OPTIONS sub=[] auth=[]
--- no_error_log
[error]
[alert]



=== TEST 2: not a preflight: bare OPTIONS, only Origin, only the method, empty values, GET with both
--- http_config eval: $::Backend
--- config eval: $::Cors
--- request eval
["OPTIONS /api/orders", "OPTIONS /api/orders", "OPTIONS /api/orders",
 "OPTIONS /api/orders", "OPTIONS /api/orders", "GET /api/orders",
 "POST /api/orders"]
--- more_headers eval
["",
 "Origin: https://app.example.com",
 "Access-Control-Request-Method: POST",
 "Origin: https://app.example.com\r\nAccess-Control-Request-Method: ",
 "Origin: \r\nAccess-Control-Request-Method: POST",
 "Origin: https://app.example.com\r\nAccess-Control-Request-Method: GET",
 "Origin: https://app.example.com\r\nAccess-Control-Request-Method: POST"]
--- error_code eval
[401, 401, 401, 401, 401, 401, 401]
--- response_headers_like eval
[("WWW-Authenticate: Bearer realm=\"cognito\"") x 7]
--- error_log eval
qr/token rejected: token_missing/



=== TEST 3: a real OPTIONS with a token is checked and passes
--- http_config eval: $::Backend
--- config eval: $::Cors
--- request
OPTIONS /api/orders
--- more_headers eval
"Origin: https://app.example.com\r\nAuthorization: Bearer " . Cognito::access_token()
--- response_body_like eval
qr/^OPTIONS sub=\[11111111-2222-3333-4444-555555555555\] auth=\[Bearer eyJ/
--- no_error_log
[error]
[alert]



=== TEST 4: the preflight has no claims: variables empty, client's trusted headers stripped
--- http_config eval
"log_format pf 'preflight sub=[\$cognito_sub] claims=[\$cognito_claims] "
. "error=[\$cognito_error]';\n" . $::Backend
--- config eval
"access_log logs/error.log pf;\n" . $::Cors
--- request
OPTIONS /api/orders
--- more_headers eval
"Origin: https://app.example.com\r\nAccess-Control-Request-Method: POST\r\n"
. "X-User-Sub: someone-else\r\nAuthorization: Bearer " . Cognito::access_token()
--- response_body_like eval
qr/^OPTIONS sub=\[\] auth=\[Bearer eyJ/
--- error_log
preflight sub=[-] claims=[-] error=[-]
--- no_error_log
[error]
[alert]



=== TEST 5: inherited from the server; "off" in a location checks preflights again
--- http_config eval: $::Backend
--- config
    cognito_auth test;
    cognito_auth_preflight on;
    location /a/ { proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT; }
    location /b/ {
        cognito_auth_preflight off;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request eval
["OPTIONS /a/x", "OPTIONS /b/x"]
--- more_headers eval
["Origin: https://app.example.com\r\nAccess-Control-Request-Method: PUT",
 "Origin: https://app.example.com\r\nAccess-Control-Request-Method: PUT"]
--- error_code eval
[200, 401]



=== TEST 6: a preflight redirected to a location without the option is checked there
--- http_config eval: $::Backend
--- config
    location /a/ {
        cognito_auth test;
        cognito_auth_preflight on;
        error_page 404 = /b/x;
        return 404;
    }
    location /b/ {
        cognito_auth test;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
OPTIONS /a/x
--- more_headers
Origin: https://app.example.com
Access-Control-Request-Method: PUT
--- error_code: 401



=== TEST 7: nginx -t: on or off only
--- config
    location / {
        cognito_auth test;
        cognito_auth_preflight yes;
    }
--- must_die
--- error_log
invalid value "yes" in "cognito_auth_preflight" directive, it must be "on" or "off"
