# Gateway 3 (conf-examples/tenant-metrics-app.conf): id tokens, the tenant
# from custom:clientId passed on as X-Client-Id, an admins-only user
# management route, /health open.  Both Lambda function URLs are one
# stand-in on $TEST_NGINX_BACKEND_PORT that echoes what it received.

use lib 't/lib';
use Cognito 'no_plan';
use ConfExample;

our $Backend = <<'_EOC_';

    # backend stand-in
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / {
            echo "$request_method $request_uri client=[$http_x_client_id] sub=[$http_x_user_sub] email=[$http_x_user_email] groups=[$http_x_user_groups]";
        }
    }
_EOC_

our $Http = ConfExample::http_config('tenant-metrics-app.conf') . $Backend;
our $Config = ConfExample::config('tenant-metrics-app.conf');

sub user {
    return "Authorization: Bearer "
        . Cognito::id_token("custom:clientId" => "client-42", @_);
}

no_root_location();
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a user of client-42: the backend gets X-Client-Id and the user, not the token's claims to decode
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /api/dashboards/7?range=24h
--- more_headers eval
main::user("cognito:groups" => ["analysts"])
--- response_body
GET /api/dashboards/7?range=24h client=[client-42] sub=[11111111-2222-3333-4444-555555555555] email=[alice@example.com] groups=[analysts]
--- no_error_log
[error]
[alert]



=== TEST 2: a client-sent X-Client-Id or X-User-Email never reaches the backend
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /api/series
--- more_headers eval
"X-Client-Id: client-1\r\nX-User-Email: ceo\@example.com\r\n" . main::user()
--- response_body
GET /api/series client=[client-42] sub=[11111111-2222-3333-4444-555555555555] email=[alice@example.com] groups=[]



=== TEST 3: a user without custom:clientId: 403
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /api/series
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token()
--- error_code: 403
--- error_log
no tenant



=== TEST 4: an access token (no custom attributes) where the id token is expected: 401
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /api/series
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token("custom:clientId" => "client-42")
--- error_code: 401



=== TEST 5: user management as an admin of client-42
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /api/admin/users
--- more_headers eval
main::user("cognito:groups" => ["admins"])
--- response_body
GET /api/admin/users client=[client-42] sub=[11111111-2222-3333-4444-555555555555] email=[alice@example.com] groups=[admins]



=== TEST 6: user management as a plain user: 403
--- http_config eval: $::Http
--- config eval: $::Config
--- request
POST /api/admin/users
{"email":"bob@example.com"}
--- more_headers eval
main::user("cognito:groups" => ["analysts"])
--- error_code: 403
--- error_log
not in a required group



=== TEST 7: no token: 401
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /api/series
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="cognito"



=== TEST 8: /health is open
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /health
--- response_body
ok
