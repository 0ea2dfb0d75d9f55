# Browser sign-in, refresh (issue 14): a session whose token expires
# within a minute is refreshed through token= (a clean POST with the
# refresh token), the new id token checked as at the callback, the request
# let in with the new token and the new session cookie set; a refresh that
# fails (revoked refresh token, bad answer) leaves no session: sign in
# again.  A rotated refresh token is the new session's.  Requests of one
# session refresh once: the others wait for that refresh and take its
# result (the new session, or its failure), kept in cognito_auth_zone for
# a short while.
#
# A refresh whose client leaves before the token endpoint answers is still
# landed (TEST 14, 15).
#
# Needs echo, for TEST 10 auth_request (--with-http_auth_request_module:
# Debian's nginx and the official images have it; a bare ./configure not),
# for TEST 15 the HTTP/2 and gRPC modules (--with-http_v2_module, and
# grpc, on by default).

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();

our $old_at = Cognito::access_token(exp => time - 10);
our $new_at = Cognito::access_token(jti => 'new-access-token');
our $id = Cognito::id_token();
our $after_at = Cognito::access_token(jti => 'after-rotation');

sub session {
    my %a = (id => $id, at => $old_at, rt => 'r.good', c => time,
             e => time + 3600, @_);
    delete $a{$_} for grep { !defined $a{$_} } keys %a;
    $a{$_} += 0 for qw(c e);
    return Cognito::sealed(\%a);
}

# the mock token endpoint's answers by refresh token; 'turn' gives a token
# due again (its 30 s run from each block's start, however slow the run)
sub answers {
    my $soon_at = Cognito::access_token(exp => time + 30, jti => 'soon-due');
    return (
        'good'    => qq({"id_token":"$id","access_token":"$new_at","token_type":"Bearer","expires_in":3600}),
        'rotate'  => qq({"id_token":"$id","access_token":"$new_at","refresh_token":"r.rotated","token_type":"Bearer"}),
        'turn'    => qq({"id_token":"$id","access_token":"$soon_at","refresh_token":"r.rotated","token_type":"Bearer"}),
        'rotated' => qq({"id_token":"$id","access_token":"$after_at","token_type":"Bearer"}),
        'client'  => '{"id_token":"' . Cognito::id_token(aud => 'testclient2')
                     . qq(","access_token":"$new_at","token_type":"Bearer"}),
    );
}

my $http = <<'_EOC_' . "%MOCK%" . <<'_EOC2_';
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1,testclient2 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json domain=auth.example.com token=/_token;
    cognito_auth_session_key_file $TEST_NGINX_DATA_DIR/session.keys;

    # /app/once/...: the token endpoint that takes a refresh token once;
    # /app/slow/...: the same, answering after 1.5 s
    map $request_uri $token_path {
        ~^/app/once/ token-once;
        ~^/app/slow/ token-slow;
        default token;
    }

    map "$request_method|$content_type|$http_cookie|$http_authorization|$request_body" $mock_rt {
        "~^POST\|application/x-www-form-urlencoded\|\|\|grant_type=refresh_token&client_id=testclient1&refresh_token=(r\.[a-z]+)$" $1;
        default unexpected-request;
    }

    # a token endpoint that takes one refresh token once (as Cognito's and
    # oidc-provider's refresh-token rotation): a second POST is refused
    limit_req_zone $request_method zone=once:1m rate=1r/m;

    map $mock_pace $mock_delay {
        slow 1.5;
        default 0.5;
    }

    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;

        location = /token { echo_read_request_body; echo_exec /mock/$mock_rt; }
        location ~ ^/token-(?<mock_pace>once|slow)$ {
            limit_req zone=once;
            limit_req_status 409;
            error_page 409 = /mock/r.revoked;
            echo_read_request_body;
            echo_sleep $mock_delay;
            echo_exec /mock/$mock_rt;
        }
        location = /mock/r.revoked { return 400 '{"error":"invalid_grant"}'; }
        location /mock/ { return 418 '{"error":"unexpected_request"}'; }
        location / { echo "auth=[$http_authorization]"; }
_EOC_
    }
_EOC2_

# sign-in, the token endpoint (by $token_path) and the protected /app/
our $app_config = <<'_EOC_';
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;

    location = /_token {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/$token_path;
    }

    location /app/ {
        cognito_auth test;
        cognito_auth_session_bearer access;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
_EOC_

add_block_preprocessor(sub {
    my $block = shift;

    if (!defined $block->http_config) {
        my %answer = answers();
        my $mock = '';
        for my $rt (sort keys %answer) {
            $mock .= "        location = /mock/r.$rt { return 200 '$answer{$rt}'; }\n";
        }
        $block->set_value("http_config", $http =~ s/%MOCK%/$mock/r);
    }

    if (!defined $block->config) {
        $block->set_value("config", $::app_config . <<'_EOC_');

    # six requests of one session at once, as a page's fetch() calls
    location = /par {
        echo_location_async /p/1;
        echo_location_async /p/2;
        echo_location_async /p/3;
        echo_location_async /p/4;
        echo_location_async /p/5;
        echo_location_async /p/6;
    }

    location /p/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/app/once/;
        proxy_pass_request_body off;
        proxy_set_header Cookie "cognito_session_0=$http_x_session";
    }
_EOC_
    }
});

run_tests();

__DATA__

=== TEST 1: an expired access token is refreshed: the request goes on with the new one, and the new session is set
--- request
GET /app/
--- more_headers eval
"Cookie: cognito_session_0=" . main::session()
--- error_code: 200
--- response_body eval
"auth=[Bearer $::new_at]\n"
--- raw_response_headers_like eval
qr{Set-Cookie: cognito_session_0=eyJ[A-Za-z0-9_.-]+; Path=/; Max-Age=28800; HttpOnly; Secure; SameSite=Lax}
--- error_log
cognito auth: session refreshed with pool "test"
--- no_error_log
[error]
[warn]



=== TEST 2: a token that ends within the minute is refreshed too
--- request
GET /app/
--- more_headers eval
"Cookie: cognito_session_0=" . main::session(at => Cognito::access_token(exp => time + 30))
--- error_code: 200
--- response_body eval
"auth=[Bearer $::new_at]\n"
--- error_log
cognito auth: session refreshed with pool "test"



=== TEST 3: a token good for longer is not refreshed
--- request
GET /app/
--- more_headers eval
"Cookie: cognito_session_0=" . main::session(at => $::new_at, rt => 'r.revoked')
--- error_code: 200
--- response_body eval
"auth=[Bearer $::new_at]\n"
--- raw_response_headers_like eval
qr{\A(?!.*Set-Cookie)}s
--- no_error_log
refresh



=== TEST 4: a rotated refresh token is taken (the answer with one is accepted and sealed)
--- request
GET /app/
--- more_headers eval
"Cookie: cognito_session_0=" . main::session(rt => 'r.rotate')
--- error_code: 200
--- raw_response_headers_like eval
qr{Set-Cookie: cognito_session_0=eyJ}
--- error_log
cognito auth: session refreshed with pool "test"



=== TEST 5: a revoked refresh token: no session, so a browser signs in again
--- request
GET /app/
--- more_headers eval
"Cookie: cognito_session_0=" . main::session(rt => 'r.revoked')
--- error_code: 302
--- response_headers_like
Location: https://auth\.example\.com/oauth2/authorize\?.*
--- error_log
token endpoint of pool "test" answered 400 (invalid_grant)
cognito auth: session refresh with pool "test" failed



=== TEST 6: the same for an API call: 401, as without a session
--- request
GET /app/
--- more_headers eval
"Accept: application/json\nCookie: cognito_session_0=" . main::session(rt => 'r.revoked')
--- error_code: 401
--- response_body
{"error":"unauthorized","error_description":"token missing"}



=== TEST 7: a refreshed id token for another client is refused: no session
--- request
GET /app/
--- more_headers eval
"Cookie: cognito_session_0=" . main::session(rt => 'r.client')
--- error_code: 302
--- error_log
id token of pool "test" refused
cognito auth: session refresh with pool "test" failed



=== TEST 8: no refresh token: an expired session is a sign-in
--- request
GET /app/
--- more_headers eval
"Cookie: cognito_session_0=" . main::session(rt => undef)
--- error_code: 302
--- no_error_log
refreshed



=== TEST 9: a request that comes with the old cookie after the refresh takes its result (the token endpoint takes a refresh token once)
--- request eval
["GET /app/once/", "GET /app/once/"]
--- more_headers eval
[("Cookie: cognito_session_0=" . main::session()) x 2]
--- error_code eval
[200, 200]
--- response_body eval
["auth=[Bearer $::new_at]\n", "auth=[Bearer $::new_at]\n"]
--- raw_response_headers_like eval
[qr{Set-Cookie: cognito_session_0=eyJ}, qr{Set-Cookie: cognito_session_0=eyJ}]
--- no_error_log
limiting requests
[error]



=== TEST 10: rotation: the next refresh of the new session sends the new refresh token (a browser's two requests, chained by auth_request)
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;

    location = /_token {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/token;
    }

    location /app/ {
        cognito_auth test;
        cognito_auth_session_bearer access;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }

    # the first request: r.turn refreshed to a token due again, r.rotated
    location = /first {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/app/;
        proxy_pass_request_body off;
        proxy_set_header Cookie "cognito_session_0=$http_x_session";
    }

    # the second, with the cookie the first one set
    location = /chain {
        auth_request /first;
        auth_request_set $next $upstream_cookie_cognito_session_0;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/app/;
        proxy_set_header Cookie "cognito_session_0=$next";
    }
--- request
GET /chain
--- more_headers eval
"X-Session: " . main::session(rt => 'r.turn')
--- error_code: 200
--- response_body eval
"auth=[Bearer $::after_at]\n"
--- grep_error_log: session refreshed with pool
--- grep_error_log_out
session refreshed with pool
session refreshed with pool
--- no_error_log
[error]



=== TEST 11: six requests of one session at once: one refresh (the token endpoint takes a refresh token once), all six let in with its token
--- request
GET /par
--- more_headers eval
"X-Session: " . main::session()
--- error_code: 200
--- response_body eval
"auth=[Bearer $::new_at]\n" x 6
--- grep_error_log: session refreshed with pool
--- grep_error_log_out
session refreshed with pool
--- error_log
refreshed by another request of it
--- no_error_log
limiting requests
[error]
[alert]



=== TEST 12: the same when the refresh fails: one refresh, its failure for all six (sign in again)
--- request
GET /par
--- more_headers eval
"X-Session: " . main::session(rt => 'r.revoked')
--- error_code: 200
--- response_body_like eval
qr{\A(?:<html>\r?\n<head><title>302 Found</title>.*?</html>\r?\n){6}\z}s
--- grep_error_log: answered 400
--- grep_error_log_out
answered 400
--- error_log
failed (in another request of the session)
--- no_error_log
limiting requests
[alert]



=== TEST 13: refresh (token=) without cognito_auth_zone is refused: concurrent requests of a session would each refresh
--- http_config
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json domain=auth.example.com token=/_token;
    cognito_auth_session_key_file $TEST_NGINX_DATA_DIR/session.keys;
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_signin refreshes sessions of pool "test" with token=, which needs a "cognito_auth_zone" in \S+/nginx\.conf:\d+}



=== TEST 14: the client of the request that refreshes hangs up before the token endpoint answers: the refresh still lands, and the session's next requests take it
The token endpoint takes a refresh token once and rotates it (r.rotate),
answering after 1.5 s; the first client gives up after 1 s.  The refresh
goes on without it and its result is kept: the second request (sent
while the token endpoint still works on the first one's, so it waits)
and the third (after it landed) are let in with the new token, and the
token endpoint saw one POST (a second would be refused: "limiting
requests", then sign-in).  Before, the refresh ended with its client:
the refresh token was spent and its rotated successor lost, so the
second request refreshed again, was refused, and went to sign-in.
--- request eval
["GET /app/slow/", "GET /app/slow/", "GET /app/slow/"]
--- more_headers eval
[("Cookie: cognito_session_0=" . main::session(rt => 'r.rotate')) x 3]
--- timeout: 1
--- abort
--- error_code eval
["", 200, 200]
--- response_body eval
["", "auth=[Bearer $::new_at]\n", "auth=[Bearer $::new_at]\n"]
--- raw_response_headers_like eval
["", qr{Set-Cookie: cognito_session_0=eyJ}, qr{Set-Cookie: cognito_session_0=eyJ}]
--- no_error_log
limiting requests
failed
[alert]



=== TEST 15: the same for an HTTP/2 client that closes the connection: the refresh is landed as its request ends
An HTTP/2 client that leaves marks its requests' connection as failed, so
the request ends with the token endpoint's answer, never to run again:
the refresh is taken to its end there.  The HTTP/2 client is nginx's own
gRPC proxy, which gives up after 1 s and closes its connection (a 504
for the first request); the token endpoint answers after 1.5 s.  Before,
that answer was lost: the second request refreshed again, was refused,
and went to sign-in.
--- config eval
$::app_config . <<'_EOC_'
    listen unix:$TEST_NGINX_HTML_DIR/h2.sock http2;

    # an HTTP/2 client of /app/slow/ that gives up after 1 s
    location = /h2 {
        rewrite ^ /app/slow/ break;
        grpc_pass grpc://unix:$TEST_NGINX_HTML_DIR/h2.sock;
        grpc_set_header Cookie "cognito_session_0=$http_x_session";
        grpc_read_timeout 1s;
    }
_EOC_
--- request eval
["GET /h2", "GET /app/slow/", "GET /app/slow/"]
--- more_headers eval
["X-Session: " . main::session(rt => 'r.rotate'),
 ("Cookie: cognito_session_0=" . main::session(rt => 'r.rotate')) x 2]
--- error_code eval
[504, 200, 200]
--- response_body_like eval
["504 Gateway", "\\Aauth=\\[Bearer \Q$::new_at\E\\]\n\\z", "\\Aauth=\\[Bearer \Q$::new_at\E\\]\n\\z"]
--- no_error_log
limiting requests
failed
[alert]
