# Trusted headers: cognito_auth_set_header replaces whatever the client sent
# under that name, for the backend; an empty value removes the header.

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a client-sent X-Tenant-Id never reaches the backend
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo "tenant=[$http_x_tenant_id] groups=[$http_x_groups] sub=[$http_x_sub]"; }
    }
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_tenant group=^tenant-(.+)$;
        cognito_auth_set_header X-Tenant-Id $cognito_tenant;
        cognito_auth_set_header X-Groups $cognito_groups;
        cognito_auth_set_header X-Sub $cognito_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /t
--- more_headers eval
"X-Tenant-Id: evil\r\nx-tenant-id: evil2\r\nX-Groups: admins\r\nAuthorization: Bearer "
. Cognito::id_token("cognito:groups" => ["tenant-acme", "viewers"])
--- response_body
tenant=[acme] groups=[tenant-acme,viewers] sub=[11111111-2222-3333-4444-555555555555]
--- no_error_log
[error]
[alert]



=== TEST 2: an empty value removes the client's header
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo "tenant=[$http_x_tenant_id]"; }
    }
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_tenant claim=custom:tenant;
        cognito_auth_set_header X-Tenant-Id $cognito_tenant;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /t
--- more_headers eval
"X-Tenant-Id: evil\r\nAuthorization: Bearer " . Cognito::id_token()
--- response_body
tenant=[]



=== TEST 3: fastcgi-style variables see the trusted value too
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_tenant claim=custom:tenant;
        cognito_auth_set_header X-Tenant-Id $cognito_tenant;
        echo "http_x_tenant_id=$http_x_tenant_id";
    }
--- request
GET /t
--- more_headers eval
"X-Tenant-Id: evil\r\nAuthorization: Bearer " . Cognito::id_token("custom:tenant" => "acme")
--- response_body
http_x_tenant_id=acme



=== TEST 4: the original Authorization header still goes upstream (AppSync user-pool mode)
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo "auth=$http_authorization"; }
    }
--- config
    location = /graphql {
        cognito_auth test;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /graphql
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- response_body_like
^auth=Bearer eyJ[\w.-]+$



=== TEST 5: control characters in a claim cannot split a header
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo "tenant=[$http_x_tenant_id] user=[$http_x_user] injected=[$http_x_injected]"; }
    }
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_tenant claim=custom:tenant;
        cognito_auth_set_header X-Tenant-Id $cognito_tenant;
        proxy_set_header X-User $cognito_username;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token("custom:tenant" => "acme\r\nX-Injected: 1",
                                              "cognito:username" => "eve\nX-Injected: 2")
--- response_body
tenant=[acme%0D%0AX-Injected: 1] user=[eve%0AX-Injected: 2] injected=[]
--- no_error_log
[error]



=== TEST 6: with underscores_in_headers, X_Tenant_Id cannot stand in for X-Tenant-Id
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        underscores_in_headers on;
        location / { echo -n $echo_client_request_headers; }
    }
--- config
    underscores_in_headers on;
    location = /t {
        cognito_auth test;
        cognito_auth_tenant claim=custom:tenant;
        cognito_auth_set_header X-Tenant-Id $cognito_tenant;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/;
    }
--- request
GET /t
--- more_headers eval
"X_Tenant_Id: evil\r\nx_tenant_id: evil2\r\nAuthorization: Bearer " . Cognito::id_token("custom:tenant" => "acme")
--- response_body_like eval
qr/\A(?!.*evil).*^X-Tenant-Id: acme\r$/ms



=== TEST 7: a header nginx parses is refused under its "_" spelling too
X_Real_IP names the same header as X-Real-IP when headers are compared (the
client's X-Real-IP would be dropped while nginx still points at it).
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location /t { cognito_auth main; cognito_auth_set_header X_Real_IP $cognito_tenant; echo ok; }
--- must_die
--- error_log
"X_Real_IP" is parsed by nginx itself
