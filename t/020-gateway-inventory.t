# Gateway 1 (conf-examples/inventory-appsync.conf): GraphQL to AppSync in
# user-pool mode, groups, the tenant group as X-Tenant-Id, JSON 401 body.
# The example is loaded by t/lib/ConfExample.pm; AppSync is a stand-in on
# $TEST_NGINX_BACKEND_PORT that echoes what it received.

use lib 't/lib';
use Cognito 'no_plan';
use ConfExample;

our $Backend = <<'_EOC_';

    # AppSync stand-in
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / {
            echo_read_request_body;
            echo "$request_method $request_uri tenant=[$http_x_tenant_id] sub=[$http_x_user_sub] auth=[$http_authorization]";
            echo "body=$request_body";
        }
    }
_EOC_

# minted once, before the blocks are evaluated, so that the request and the
# expected body can both refer to it
our $Tok1;

sub groups_token {
    return Cognito::access_token("cognito:groups" => [@_]);
}

$Tok1 = groups_token("inventory-viewers", "tenant-acme");

no_root_location();
no_shuffle();
run_tests();

__DATA__

=== TEST 1: an inventory viewer of tenant acme reaches AppSync with X-Tenant-Id and the original Authorization
--- http_config eval
ConfExample::http_config('inventory-appsync.conf') . $::Backend
--- config eval
ConfExample::config('inventory-appsync.conf')
--- request eval
"POST /graphql\n{\"query\":\"{ listItems { id } }\"}"
--- more_headers eval
"Content-Type: application/json\r\nAuthorization: Bearer $::Tok1"
--- response_body eval
"POST /graphql tenant=[acme] sub=[11111111-2222-3333-4444-555555555555] auth=[Bearer $::Tok1]\n"
. "body={\"query\":\"{ listItems { id } }\"}\n"
--- no_error_log
[error]
[alert]



=== TEST 2: a client-sent X-Tenant-Id (any case, repeated) is replaced by the token's tenant
--- http_config eval
ConfExample::http_config('inventory-appsync.conf') . $::Backend
--- config eval
ConfExample::config('inventory-appsync.conf')
--- request
POST /graphql
{}
--- more_headers eval
"X-Tenant-Id: globex\r\nx-tenant-id: initech\r\nAuthorization: Bearer "
. main::groups_token("tenant-acme", "inventory-managers")
--- response_body_like
^POST /graphql tenant=\[acme\] sub=\[[-\w]+\] auth=\[Bearer eyJ[\w.-]+\]
--- no_error_log
[error]
[alert]



=== TEST 3: a user in none of the inventory groups: 403
--- http_config eval
ConfExample::http_config('inventory-appsync.conf') . $::Backend
--- config eval
ConfExample::config('inventory-appsync.conf')
--- request
POST /graphql
{}
--- more_headers eval
"Authorization: Bearer " . main::groups_token("tenant-acme", "sales")
--- error_code: 403
--- response_body_unlike eval
qr/POST \/graphql/
--- error_log
not in a required group
--- no_error_log
[alert]



=== TEST 4: an expired token: 401 with the JSON body and a WWW-Authenticate header
--- http_config eval
ConfExample::http_config('inventory-appsync.conf') . $::Backend
--- config eval
ConfExample::config('inventory-appsync.conf')
--- request
POST /graphql
{}
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token("cognito:groups" => ["inventory-admins", "tenant-acme"],
                                                 iat => time - 7200, exp => time - 3600)
--- error_code: 401
--- response_headers
Content-Type: application/json
--- response_headers_like
WWW-Authenticate: Bearer realm="cognito", error="invalid_token".*
--- response_body chomp
{"error":"Invalid or expired token"}
--- no_error_log
[alert]



=== TEST 5: a token signed by a key of another pool: 401 with the JSON body
--- http_config eval
ConfExample::http_config('inventory-appsync.conf') . $::Backend
--- config eval
ConfExample::config('inventory-appsync.conf')
--- request
POST /graphql
{}
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(-key => "rsa2", -kid => "test-key-1",
                                                 "cognito:groups" => ["inventory-admins", "tenant-acme"])
--- error_code: 401
--- response_body chomp
{"error":"Invalid or expired token"}
--- no_error_log
[alert]



=== TEST 6: no token at all: 401 with the JSON body
--- http_config eval
ConfExample::http_config('inventory-appsync.conf') . $::Backend
--- config eval
ConfExample::config('inventory-appsync.conf')
--- request
POST /graphql
{}
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="cognito"
--- response_body chomp
{"error":"Invalid or expired token"}



=== TEST 7: an id token where an access token is expected: 401
--- http_config eval
ConfExample::http_config('inventory-appsync.conf') . $::Backend
--- config eval
ConfExample::config('inventory-appsync.conf')
--- request
POST /graphql
{}
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token("cognito:groups" => ["inventory-admins", "tenant-acme"])
--- error_code: 401
--- response_body chomp
{"error":"Invalid or expired token"}



=== TEST 8: in an allowed group but without a tenant group: 403
--- http_config eval
ConfExample::http_config('inventory-appsync.conf') . $::Backend
--- config eval
ConfExample::config('inventory-appsync.conf')
--- request
POST /graphql
{}
--- more_headers eval
"Authorization: Bearer " . main::groups_token("inventory-admins")
--- error_code: 403
--- error_log
no tenant



=== TEST 9: anything else: 404 without asking for a token
--- http_config eval
ConfExample::http_config('inventory-appsync.conf') . $::Backend
--- config eval
ConfExample::config('inventory-appsync.conf')
--- request
GET /admin
--- error_code: 404
--- response_body chomp
{"error":"Not found"}
