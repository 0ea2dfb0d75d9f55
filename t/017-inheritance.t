# Inheritance: trusted headers and requirements add up across http, server,
# location and nested location (issue 11, item 5).  A level adds its own
# to its parent's and never silently drops one: requirements combine with
# AND, headers are a union in which the innermost value for a name wins.

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: attack: a location's own set_header keeps the server's (client's X-Sub never reaches the backend)
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo -n $echo_client_request_headers; }
    }
--- config
    cognito_auth test;
    cognito_auth_set_header X-Sub $cognito_sub;
    location = /t {
        cognito_auth_set_header X-Groups $cognito_groups;
        proxy_set_header Authorization "";
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /t
--- more_headers eval
"X-Sub: attacker\r\nX-Groups: admins\r\nAuthorization: Bearer "
. Cognito::access_token("cognito:groups" => ["viewers"])
--- response_body_like eval
qr/\A(?!.*attacker)(?!.*admins)(?=.*\r\nX-Sub: 11111111-2222-3333-4444-555555555555\r\n)(?=.*\r\nX-Groups: viewers\r\n)/s
--- no_error_log
[error]
[alert]



=== TEST 2: attack: a location's own require_group keeps the server's (an editors-only token is refused)
--- config
    cognito_auth test;
    cognito_auth_require_group admins;
    location = /t { cognito_auth_require_group editors; echo ok; }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer " . Cognito::access_token("cognito:groups" => ["editors"]),
 "Authorization: Bearer " . Cognito::access_token("cognito:groups" => ["admins"]),
 "Authorization: Bearer " . Cognito::access_token("cognito:groups" => ["admins", "editors"])]
--- error_code eval
[403, 403, 200]
--- response_body_like eval
['"error_description":"not in a required group"', '"error_description":"not in a required group"', "^ok\n\$"]



=== TEST 3: requirements at http, server, location and nested location all hold
--- http_config
    cognito_auth_require_scope profile;
--- config
    cognito_auth test;
    cognito_auth_require_group admins;
    location /a/ {
        cognito_auth_require $http_x_allow;
        location /a/b { cognito_auth_require_group editors; echo ok; }
    }
--- request eval
["GET /a/b", "GET /a/b", "GET /a/b", "GET /a/b", "GET /a/b"]
--- more_headers eval
["X-Allow: 1\r\nAuthorization: Bearer " . Cognito::access_token("cognito:groups" => ["admins", "editors"]),
 "X-Allow: 1\r\nAuthorization: Bearer " . Cognito::access_token("cognito:groups" => ["admins", "editors"], scope => "openid"),
 "X-Allow: 1\r\nAuthorization: Bearer " . Cognito::access_token("cognito:groups" => ["editors"]),
 "Authorization: Bearer " . Cognito::access_token("cognito:groups" => ["admins", "editors"]),
 "X-Allow: 1\r\nAuthorization: Bearer " . Cognito::access_token("cognito:groups" => ["admins"])]
--- error_code eval
[200, 403, 403, 403, 403]
--- response_body_like eval
["^ok\n\$", '"error":"insufficient_scope"', "not in a required group", "requirement not met", "not in a required group"]



=== TEST 4: trusted headers from http, server, location and nested location are all set
--- http_config
    cognito_auth_set_header X-Http h-$cognito_sub;
--- config
    cognito_auth test;
    cognito_auth_set_header X-Srv s-$cognito_sub;
    location /a/ {
        cognito_auth_set_header X-Loc l-$cognito_sub;
        location /a/b {
            cognito_auth_set_header X-Nested n-$cognito_sub;
            echo "[$http_x_http] [$http_x_srv] [$http_x_loc] [$http_x_nested]";
        }
    }
--- request
GET /a/b
--- more_headers eval
"X-Http: evil\r\nX-Srv: evil\r\nX-Loc: evil\r\nX-Nested: evil\r\nAuthorization: Bearer " . Cognito::access_token(sub => "u1")
--- response_body
[h-u1] [s-u1] [l-u1] [n-u1]
--- no_error_log
[error]
[alert]



=== TEST 5: a header set at several levels takes the innermost value, once (names fold case and "_")
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo -n $echo_client_request_headers; }
    }
--- config
    cognito_auth test;
    cognito_auth_set_header X_User outer-$cognito_sub;
    cognito_auth_set_header X-Keep keep-$cognito_sub;
    location = /t {
        cognito_auth_set_header x-user inner-$cognito_sub;
        proxy_set_header Authorization "";
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /t
--- more_headers eval
"X-User: evil\r\nAuthorization: Bearer " . Cognito::access_token(sub => "u1")
--- response_body_like eval
qr/\A(?!.*evil)(?!.*outer)(?!.*[Xx][-_][Uu]ser.*[Xx][-_][Uu]ser)(?=.*\r\nx-user: inner-u1\r\n)(?=.*\r\nX-Keep: keep-u1\r\n)/s
--- no_error_log
[error]
[alert]



=== TEST 6: "cognito_auth off" in a location is explicit: no check there, and the server's trusted headers still drop the client's copies
--- config
    cognito_auth test;
    cognito_auth_require_group admins;
    cognito_auth_set_header X-Sub $cognito_sub;
    location = /public { cognito_auth off; echo "sub=[$http_x_sub]"; }
--- request
GET /public
--- more_headers
X-Sub: attacker
--- response_body
sub=[]
--- no_error_log
[error]



=== TEST 7: a nested location that turns cognito_auth back on keeps the outer requirements
--- config
    cognito_auth test;
    cognito_auth_require_group admins;
    location /a/ {
        cognito_auth off;
        location /a/b { cognito_auth test; cognito_auth_require_group editors; echo ok; }
    }
--- request eval
["GET /a/b", "GET /a/b"]
--- more_headers eval
["Authorization: Bearer " . Cognito::access_token("cognito:groups" => ["editors"]),
 "Authorization: Bearer " . Cognito::access_token("cognito:groups" => ["editors", "admins"])]
--- error_code eval
[403, 200]



=== TEST 8: tenant: the innermost rule defines $cognito_tenant, and an outer "required" still holds
--- config
    cognito_auth test;
    cognito_auth_tenant claim=custom:tenant required;
    location = /t { cognito_auth_tenant group=^tenant-(.+)$; echo "tenant=$cognito_tenant"; }
    location = /u { echo "tenant=$cognito_tenant"; }
--- request eval
["GET /t", "GET /t", "GET /u"]
--- more_headers eval
["Authorization: Bearer " . Cognito::access_token("custom:tenant" => "claimed"),
 "Authorization: Bearer " . Cognito::access_token("custom:tenant" => "claimed", "cognito:groups" => ["tenant-acme"]),
 "Authorization: Bearer " . Cognito::access_token("custom:tenant" => "claimed")]
--- error_code eval
[403, 200, 200]
--- response_body_like eval
['"error_description":"no tenant"', "^tenant=acme\n\$", "^tenant=claimed\n\$"]



=== TEST 9: cognito_auth_require with error=401 keeps its status when inherited and added to
--- config
    cognito_auth test;
    cognito_auth_require $http_x_a error=401;
    location = /t { cognito_auth_require $http_x_b; echo ok; }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
["X-B: 1\r\nAuthorization: Bearer " . Cognito::access_token(),
 "X-A: 1\r\nAuthorization: Bearer " . Cognito::access_token(),
 "X-A: 1\r\nX-B: 1\r\nAuthorization: Bearer " . Cognito::access_token()]
--- error_code eval
[401, 403, 200]



=== TEST 10: the same header twice at one level, spelled with "_" and "-", is refused
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_set_header X_Sub $cognito_sub;
        cognito_auth_set_header x-sub $cognito_sub;
        echo ok;
    }
--- must_die
--- error_log
duplicate cognito_auth_set_header "x-sub"
