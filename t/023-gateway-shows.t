# Gateway 4 (conf-examples/shows-m2m.conf): client-credentials access
# tokens, shows.read for GET, shows.write for writes (a map on the method
# feeding cognito_auth_require_scope), /health open.

use lib 't/lib';
use Cognito 'no_plan';
use ConfExample;

our $Backend = <<'_EOC_';

    # shows service stand-in
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / {
            echo "$request_method $request_uri caller=[$http_x_caller_client_id]";
        }
    }
_EOC_

our $Http = ConfExample::http_config('shows-m2m.conf') . $Backend;
our $Config = ConfExample::config('shows-m2m.conf');

# a client-credentials access token: no user, scopes of the resource server
sub m2m {
    my $scope = shift;
    return "Authorization: Bearer "
        . Cognito::access_token(scope => $scope, username => undef,
                                sub => "testclient2", client_id => "testclient2");
}

no_root_location();
no_shuffle();
run_tests();

__DATA__

=== TEST 1: GET /shows with shows.read
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /shows?genre=drama
--- more_headers eval
main::m2m("shows-api/shows.read")
--- response_body
GET /shows?genre=drama caller=[testclient2]
--- no_error_log
[error]
[alert]



=== TEST 2: GET /shows/{id} with both scopes
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /shows/42
--- more_headers eval
main::m2m("shows-api/shows.write shows-api/shows.read")
--- response_body
GET /shows/42 caller=[testclient2]



=== TEST 3: POST /shows with shows.write
--- http_config eval: $::Http
--- config eval: $::Config
--- request
POST /shows
{"title":"x"}
--- more_headers eval
main::m2m("shows-api/shows.write")
--- response_body
POST /shows caller=[testclient2]



=== TEST 4: PUT and DELETE with shows.write
--- http_config eval: $::Http
--- config eval: $::Config
--- request eval
["PUT /shows/42\n{}", "DELETE /shows/42"]
--- more_headers eval
main::m2m("shows-api/shows.write")
--- response_body eval
["PUT /shows/42 caller=[testclient2]\n", "DELETE /shows/42 caller=[testclient2]\n"]



=== TEST 5: a read-only token cannot write: 403
--- http_config eval: $::Http
--- config eval: $::Config
--- request eval
["POST /shows\n{}", "DELETE /shows/42"]
--- more_headers eval
main::m2m("shows-api/shows.read")
--- error_code eval
[403, 403]
--- response_body_unlike eval
[qr/caller=/, qr/caller=/]



=== TEST 6: a write-only token cannot read: 403
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /shows
--- more_headers eval
main::m2m("shows-api/shows.write")
--- error_code: 403
--- response_headers_like
WWW-Authenticate: Bearer realm="cognito", error="insufficient_scope".*
--- error_log
access denied: scope_denied (insufficient scope), pool "m2m", sub "testclient2"



=== TEST 7: neither scope: 403 with error="insufficient_scope"
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /shows
--- more_headers eval
main::m2m("other-api/things.read")
--- error_code: 403
--- response_headers_like
WWW-Authenticate: Bearer realm="cognito", error="insufficient_scope".*



=== TEST 8: a scope that only starts like shows.read does not count
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /shows
--- more_headers eval
main::m2m("shows-api/shows.readonly")
--- error_code: 403



=== TEST 9: a scope that only ends like shows.read does not count
--- http_config eval: $::Http
--- config eval: $::Config
--- request
GET /shows
--- more_headers eval
main::m2m("x-shows-api/shows.read")
--- error_code: 403



=== TEST 10: no token: 401; /health is open
--- http_config eval: $::Http
--- config eval: $::Config
--- request eval
["GET /shows", "GET /health"]
--- error_code eval
[401, 200]
--- response_body_like eval
[qr/invalid_request|token/, qr/^ok$/]
