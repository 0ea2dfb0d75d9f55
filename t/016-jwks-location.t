# The jwks= location: a pool's keys come from one internal location that
# every server using the pool has; nginx -t refuses a server without it
# (issue 11, item 1: a request to that server would otherwise fetch the
# keys from whatever serves the URI there, for every server and worker).

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: attack: server B has no jwks location, its catch-all serves the attacker's keys
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        server_name uploads.example;
        location /api/ { cognito_auth test; echo "B ok $cognito_sub"; }
        location / { rewrite ^ /jwks-rotated.json break; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT; }
    }
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { cognito_auth test; echo "A ok $cognito_sub"; }
    location /b/ { proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/; }
--- must_die
--- error_log eval
qr{\[emerg\] .*server "uploads\.example" in \S+/nginx\.conf:\d+ uses cognito_auth_pool "test", but its jwks=/_jwks is served there by "location /": add "location = /_jwks \{ internal; \.\.\. \}" to this server \(or an internal "location \^~", which no regex location can take over\)}



=== TEST 2: the same two servers, each with its own internal jwks location: both serve genuine keys only
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        server_name uploads.example;
        location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
        location /api/ { cognito_auth test; echo "B ok $cognito_sub"; }
        location / { rewrite ^ /jwks-rotated.json break; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT; }
    }
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { cognito_auth test; echo "A ok $cognito_sub"; }
    location /b/ { proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/; }
--- request eval
["GET /b/api/x", "GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer " . Cognito::access_token(-key => 'rsa-rotated', sub => 'mallory'),
 "Authorization: Bearer " . Cognito::access_token(-key => 'rsa-rotated', sub => 'mallory'),
 "Authorization: Bearer " . Cognito::access_token(sub => 'alice')]
--- error_code eval
[401, 401, 200]
--- response_body_like eval
["", "", "^A ok alice\n\$"]
--- no_error_log
[alert]



=== TEST 3: a jwks location that is not internal is refused
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    location = /_jwks { proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { cognito_auth test; echo ok; }
--- must_die
--- error_log eval
qr{\[emerg\] .*server "localhost" in \S+/nginx\.conf:\d+ uses cognito_auth_pool "test", whose jwks=/_jwks is served there by "location = /_jwks", which is not "internal"}



=== TEST 4: a plain prefix location is refused: a regex location could take the URI over
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    location /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location ~ jwks { rewrite ^ /jwks-rotated.json break; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT; }
    location = /t { cognito_auth test; echo ok; }
--- must_die
--- error_log eval
qr{\[emerg\] .*server "localhost" in \S+:\d+ uses cognito_auth_pool "test", but its jwks=/_jwks is served there by "location /_jwks": add "location = /_jwks \{ internal; \.\.\. \}"}



=== TEST 5: an internal "^~" prefix location serves the keys
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_cognito/jwks;
--- config
    location ^~ /_cognito/ { internal; rewrite ^ /jwks.json break; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT; }
    location ~ jwks { return 418; }
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- response_body
ok 11111111-2222-3333-4444-555555555555
--- no_error_log
[error]
[alert]



=== TEST 6: a longer plain prefix takes the URI from a "^~" location: refused
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_cognito/jwks;
--- config
    location ^~ /_cognito/ { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location /_cognito/jw { root $TEST_NGINX_HTML_DIR; }
    location = /t { cognito_auth test; echo ok; }
--- must_die
--- error_log eval
qr{\[emerg\] .*but its jwks=/_cognito/jwks is served there by "location /_cognito/jw"}



=== TEST 7: a regex location does not count
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    location ~ ^/_jwks$ { internal; rewrite ^ /jwks.json break; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT; }
    location = /t { cognito_auth test; echo ok; }
--- must_die
--- error_log eval
qr{\[emerg\] .*server "localhost" in \S+:\d+ uses cognito_auth_pool "test", but its jwks=/_jwks is served there by "location /":}



=== TEST 8: an exact location nested in another does not count (a longer prefix could hide its parent)
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_c/jwks;
--- config
    location /_c/ {
        internal;
        location = /_c/jwks { proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    }
    location = /t { cognito_auth test; echo ok; }
--- must_die
--- error_log eval
qr{\[emerg\] .*but its jwks=/_c/jwks is served there by "location /_c/"}



=== TEST 9: a pool used only in a nested location counts for its server
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        server_name nested.example;
        location /api/ {
            location /api/private/ { cognito_auth test; echo private; }
        }
    }
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { cognito_auth test; echo ok; }
--- must_die
--- error_log eval
qr{\[emerg\] .*server "nested\.example" in \S+:\d+ uses cognito_auth_pool "test" but has no location for its jwks=/_jwks}



=== TEST 10: a pool inherited from server level counts, even with no location at all
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        server_name bare.example;
        cognito_auth test;
        root $TEST_NGINX_HTML_DIR;
    }
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { cognito_auth test; echo ok; }
--- must_die
--- error_log eval
qr{\[emerg\] .*server "bare\.example" in \S+:\d+ uses cognito_auth_pool "test" but has no location for its jwks=/_jwks}



=== TEST 11: cognito_auth at http level: every server needs the location, the JWKS mock server too
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
    cognito_auth test;
--- config
    location = /_jwks { internal; cognito_auth off; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { echo ok; }
--- must_die
--- error_log eval
qr{\[emerg\] .*server "" in \S+:\d+ uses cognito_auth_pool "test", but its jwks=/_jwks is served there by "location /"}



=== TEST 12: cognito_auth at http level, and each server has the location: loads and checks
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
    cognito_auth test;
    # no jwks mock
    server {
        listen 127.0.0.1:$TEST_NGINX_JWKS_PORT;
        cognito_auth off;
        location = /_jwks { internal; return 404; }
        location / { root $TEST_NGINX_DATA_DIR; }
    }
--- config
    location = /_jwks { internal; cognito_auth off; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { echo "ok $cognito_sub"; }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer " . Cognito::access_token(), ""]
--- error_code eval
[200, 401]
--- response_body_like eval
["^ok 11111111-2222-3333-4444-555555555555\n\$", ""]
--- no_error_log
[alert]



=== TEST 13: a server that turns cognito_auth off does not use the pool
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        cognito_auth off;
        location / { echo public; }
    }
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { cognito_auth test; echo ok; }
    location /b/ { proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/; }
--- request
GET /b/x
--- response_body
public
--- no_error_log
[error]
[alert]



=== TEST 14: jwks_file= pools need no location in any server
--- http_config
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth test;
--- config
    location = /t { echo "ok $cognito_sub"; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- response_body
ok 11111111-2222-3333-4444-555555555555
--- no_error_log
[error]
[alert]



=== TEST 15: the message names the server's file and line
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        server_name second.example other.example;
        location / { cognito_auth test; echo b; }
    }
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { cognito_auth test; echo ok; }
--- must_die
--- error_log eval
qr{\[emerg\] .*server "second\.example" in /\S+/conf/nginx\.conf:\d+ uses cognito_auth_pool "test"}



=== TEST 16: a pool used only in a named location counts for its server
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        server_name named.example;
        location / { root $TEST_NGINX_HTML_DIR; try_files $uri @app; }
        location @app { cognito_auth test; echo app; }
    }
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { cognito_auth test; echo ok; }
--- must_die
--- error_log eval
qr{\[emerg\] .*server "named\.example" in \S+:\d+ uses cognito_auth_pool "test", but its jwks=/_jwks is served there by "location /":}
