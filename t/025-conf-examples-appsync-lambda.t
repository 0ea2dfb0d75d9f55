# The topic conf-examples: conf-examples/appsync.conf (user-pool and API-key
# modes), lambda-url.conf, json-logs.conf and metrics.conf, each run with a
# stand-in backend on $TEST_NGINX_BACKEND_PORT that echoes what it got.

use lib 't/lib';
use Cognito 'no_plan';
use ConfExample;

our $Backend = <<'_EOC_';

    # AppSync / Lambda stand-in
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / {
            echo "$request_method $request_uri host=[$http_host] auth=[$http_authorization] key=[$http_x_api_key] sub=[$http_x_user_sub] groups=[$http_x_user_groups] verify=[$http_x_origin_verify] tenant=[$http_x_tenant_id]";
        }
    }
_EOC_

our %Http = map { $_ => ConfExample::http_config("$_.conf") . $Backend }
            qw(appsync lambda-url json-logs metrics);
our %Config = map { $_ => ConfExample::config("$_.conf") }
              qw(appsync lambda-url json-logs metrics);

# the JSON log file, served back (root/alias paths are relative to the prefix)
$Config{'json-logs'} .= <<'_EOC_';
    location = /_log {
        default_type text/plain;
        alias logs/api.json.log;
    }
_EOC_

# metrics from a client outside the allowed networks
our $MetricsClosed = ConfExample::config('metrics.conf',
                                         subst => [qr/allow 127\.0\.0\.1;/ => '']);

our $Tok = Cognito::access_token("cognito:groups" => ["editors", "tenant-acme"]);

no_root_location();
no_shuffle();
run_tests();

__DATA__

=== TEST 1: AppSync user-pool mode: the client's Authorization header reaches AppSync unchanged
--- http_config eval: $::Http{appsync}
--- config eval: $::Config{appsync}
--- request
POST /graphql
{"query":"{ me { id } }"}
--- more_headers eval
"Authorization: Bearer $::Tok\r\nx-api-key: client-key"
--- response_body eval
"POST /graphql host=[127.0.0.1:$ENV{TEST_NGINX_BACKEND_PORT}] auth=[Bearer $::Tok] key=[client-key] sub=[] groups=[] verify=[] tenant=[]\n"
--- no_error_log
[error]
[alert]



=== TEST 2: AppSync API-key mode: nginx's x-api-key, no Authorization, identity as trusted headers
--- http_config eval: $::Http{appsync}
--- config eval: $::Config{appsync}
--- request
POST /api-graphql
{"query":"{ me { id } }"}
--- more_headers eval
"Authorization: Bearer $::Tok\r\nx-api-key: client-key\r\nX-User-Groups: admins"
--- response_body eval
"POST /graphql host=[127.0.0.1:$ENV{TEST_NGINX_BACKEND_PORT}] auth=[] key=[da2-abcdefghijklmnopqrstuvwxyz] sub=[11111111-2222-3333-4444-555555555555] groups=[editors,tenant-acme] verify=[] tenant=[]\n"
--- no_error_log
[error]
[alert]



=== TEST 3: AppSync API-key mode without a token: 401, AppSync never called
--- http_config eval: $::Http{appsync}
--- config eval: $::Config{appsync}
--- request
POST /api-graphql
{}
--- more_headers
x-api-key: da2-guessed
--- error_code: 401
--- response_body_unlike eval
qr/key=/



=== TEST 4: Lambda function URL: path and query pass through, the secret header is added, Authorization is not
--- http_config eval: $::Http{'lambda-url'}
--- config eval: $::Config{'lambda-url'}
--- request
GET /reports/2024?format=csv
--- more_headers eval
"Authorization: Bearer $::Tok\r\nX-Origin-Verify: guessed\r\nX-User-Sub: bob"
--- response_body eval
"GET /reports/2024?format=csv host=[127.0.0.1:$ENV{TEST_NGINX_BACKEND_PORT}] auth=[] key=[] sub=[11111111-2222-3333-4444-555555555555] groups=[editors,tenant-acme] verify=[change-me-to-a-long-random-value] tenant=[]\n"
--- no_error_log
[error]
[alert]



=== TEST 5: Lambda function URL: a forged token is refused before the function is called
--- http_config eval: $::Http{'lambda-url'}
--- config eval: $::Config{'lambda-url'}
--- request
GET /reports/2024
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(-key => "rsa2", -kid => "test-key-1")
--- error_code: 401
--- response_body_like chomp
"error":"invalid_token"



=== TEST 6: JSON logs: an accepted request is one JSON line with the cognito_* fields
--- http_config eval: $::Http{'json-logs'}
--- config eval: $::Config{'json-logs'}
--- request eval
["GET /items", "GET /_log"]
--- more_headers eval
"Authorization: Bearer $::Tok"
--- response_body_like eval
[qr/tenant=\[acme\]/,
 qr/^\{"time":"[^"]+","remote_addr":"127\.0\.0\.1","request_id":"\w+","method":"GET","uri":"\/items","status":200,"request_time":[\d.]+,"cognito_pool":"logged","cognito_sub":"11111111-2222-3333-4444-555555555555","cognito_username":"alice","cognito_client_id":"testclient1","cognito_token_use":"access","cognito_groups":"editors,tenant-acme","cognito_scope":"openid profile","cognito_tenant":"acme","cognito_error":""\}\n$/]



=== TEST 7: JSON logs: a refusal logs its reason, never the token; quotes in the URI stay valid JSON
--- http_config eval: $::Http{'json-logs'}
--- config eval: $::Config{'json-logs'}
--- request eval
["GET /items/%22x%22", "GET /_log"]
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(iat => time - 7200, exp => time - 3600)
--- error_code eval
[401, 200]
--- response_body_like eval
[qr/token expired/,
 qr/\A(?!.*eyJ)\{.*"uri":"\/items\/\\"x\\"","status":401,.*"cognito_sub":"",.*"cognito_error":"token_expired"\}\n\z/s]



=== TEST 8: metrics: the scraper gets Prometheus text with this pool's counters
--- http_config eval: $::Http{metrics}
--- config eval: $::Config{metrics}
--- request eval
["GET /items", "GET /items", "GET /metrics/cognito"]
--- more_headers eval
"Authorization: Bearer $::Tok"
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/^GET \/items/, qr/^GET \/items/,
 qr/# TYPE cognito_auth_requests_total counter\n.*cognito_auth_requests_total\{[^}]*pool="monitored"[^}]*\} \d+/s]



=== TEST 9: metrics: a client outside the allowed networks gets 403
--- http_config eval: $::Http{metrics}
--- config eval: $::MetricsClosed
--- request
GET /metrics/cognito
--- error_code: 403
--- response_body_unlike eval
qr/cognito_auth_requests_total/
