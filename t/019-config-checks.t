# nginx -t refuses, or warns with what to do (issue 17): configurations
# that load but cannot mean what they say.  Each block asserts the exact
# message; a warning leaves nginx running.

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: require_scope where only id tokens are accepted is refused (every request would be 403)
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_token_use id;
        cognito_auth_require_scope shows/read;
        echo ok;
    }
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_require_scope in location "/t" of server "localhost" in \S+/nginx\.conf:\d+ can never pass: cognito_auth_token_use is "id" there, and id tokens carry no scope \(every request would be 403\); accept access tokens \("cognito_auth_token_use access"\) or require a group or a claim instead}



=== TEST 2: the same when token_use id and the scope come from http and server levels
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_token_use id;
--- config
    cognito_auth_require_scope shows/read;
    location /api/ {
        location /api/v1/ { cognito_auth test; echo ok; }
    }
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_require_scope in location "/api/v1/" of server "localhost" in \S+/nginx\.conf:\d+ can never pass}



=== TEST 3: an inherited scope with token_use access in the location loads and is enforced
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_token_use id;
    cognito_auth_require_scope shows/read;
--- config
    location = /t { cognito_auth test; cognito_auth_token_use access; echo ok; }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[Cognito::bearer(scope => "shows/read"), Cognito::bearer(scope => "openid")]
--- error_code eval
[200, 403]
--- no_error_log
[emerg]
[alert]



=== TEST 4: cognito_auth_token without a "$" is refused: a literal is never a token
--- config
    location = /t { cognito_auth test; cognito_auth_token cookie_id_token; echo ok; }
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_token "cookie_id_token" in location "/t" of server "localhost" in \S+/nginx\.conf:\d+ is a literal, never a token: did you mean "\$cookie_id_token"\?}



=== TEST 5: a literal cognito_auth_token at server level is refused there
--- config
    cognito_auth_token "Bearer x";
    location = /t { cognito_auth test; echo ok; }
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_token "Bearer x" in server "localhost" in \S+/nginx\.conf:\d+ is a literal, never a token: did you mean "\$cookie_id_token"\?}



=== TEST 6: a pool named twice in cognito_auth is refused
--- config
    location = /t { cognito_auth test test; echo ok; }
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth lists "test" twice: name each pool once in \S+/nginx\.conf:\d+}



=== TEST 7: a leeway longer than any Cognito token lives is refused
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json leeway=2d;
--- config
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: leeway=172800s in cognito_auth_pool "main" is longer than any Cognito token lives \(1d at most\): leeway is for clock skew; use seconds in \S+/nginx\.conf:\d+}



=== TEST 8: a leeway of more than 5 minutes warns, and nginx runs
--- http_config
    cognito_auth_pool main us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json leeway=10m;
--- config
    location = /t { cognito_auth main; echo ok; }
--- request
GET /t
--- more_headers eval
Cognito::bearer(exp => time - 300)
--- response_body
ok
--- error_log eval
qr{\[warn\] \d+#\d+: leeway=600s in cognito_auth_pool "main" accepts tokens that long after they expire: leeway is for clock skew, a few seconds with NTP; to keep tokens longer, raise their validity in Cognito in \S+/nginx\.conf:\d+}



=== TEST 9: a leeway of 5 minutes does not warn
--- http_config
    cognito_auth_pool main us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json leeway=5m;
--- config
    location = /t { cognito_auth main; echo ok; }
--- request
GET /t
--- more_headers eval
Cognito::bearer(exp => time - 360)
--- error_code: 401
--- no_error_log
[warn]
[emerg]



=== TEST 10: jwks_ttl=0 is refused
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks=/_jwks jwks_ttl=0;
--- config
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: jwks_ttl=0 in cognito_auth_pool "main" keeps no keys: every request would fetch the JWKS again; an unknown kid already forces a refresh, so use minutes or hours \(default 1h\) in \S+/nginx\.conf:\d+}



=== TEST 11: jwks_ttl below jwks_refresh_min (default 10s) is refused
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks=/_jwks jwks_ttl=5s;
--- config
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: jwks_ttl=5s in cognito_auth_pool "main" is below jwks_refresh_min=10s, which spaces the fetches: the keys would be refreshed every 10s, not every 5s; raise jwks_ttl or lower jwks_refresh_min in \S+/nginx\.conf:\d+}



=== TEST 12: a jwks_ttl under a minute warns, and nginx runs
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks=/_jwks jwks_ttl=30s jwks_refresh_min=5s;
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { echo ok; }
--- request
GET /t
--- response_body
ok
--- error_log eval
qr{\[warn\] \d+#\d+: jwks_ttl=30s in cognito_auth_pool "main" fetches the JWKS that often for nothing: an unknown kid forces a refresh; use minutes or hours in \S+/nginx\.conf:\d+}



=== TEST 13: proxy_set_header of a trusted header (set_header at server level) is refused
--- config
    cognito_auth test;
    cognito_auth_set_header X-Sub $cognito_sub;
    location /api/ {
        proxy_set_header X-Sub $http_x_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: "proxy_set_header X-Sub" in location "/api/" of server "localhost" in \S+/nginx\.conf:\d+ replaces the trusted value of "cognito_auth_set_header X-Sub" upstream: remove the proxy_set_header \(proxy_set_header X-Sub "" sends none\)}



=== TEST 14: the same from http level, spelled with underscores and another case
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    proxy_set_header x_tenant_id $arg_tenant;
--- config
    location /api/ {
        cognito_auth test;
        cognito_auth_set_header X-Tenant-Id $cognito_tenant;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: "proxy_set_header x_tenant_id" in location "/api/" of server "localhost" in \S+/nginx\.conf:\d+ replaces the trusted value of "cognito_auth_set_header x_tenant_id" upstream}



=== TEST 15: proxy_set_header with an empty value (send none) and other headers load
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo -n $echo_client_request_headers; }
    }
--- config
    cognito_auth test;
    cognito_auth_set_header X-Sub $cognito_sub;
    cognito_auth_set_header X-Groups $cognito_groups;
    location = /t {
        proxy_set_header X-Sub "";
        proxy_set_header X-Other other;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /t
--- more_headers eval
Cognito::bearer(sub => "alice", "cognito:groups" => ["admins"]) . "\r\nX-Sub: mallory"
--- response_body_like eval
qr{\AGET /t HTTP/1\.[01]\r\n(?!.*X-Sub)(?=.*X-Other: other\r\n)(?=.*X-Groups: admins\r\n).*\z}si
--- no_error_log
[emerg]
[alert]



=== TEST 16: a jwks= location proxying https:// without proxy_ssl_verify warns
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    location = /_jwks { internal; proxy_pass https://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /p { cognito_auth test; echo ok; }
    location = /t { echo ok; }
--- request
GET /t
--- response_body
ok
--- error_log eval
qr{\[warn\] \d+#\d+: server "localhost" in \S+/nginx\.conf:\d+: the jwks=/_jwks location of cognito_auth_pool "test" proxies over TLS without "proxy_ssl_verify on", so anyone on the network path can serve keys and mint accepted tokens: add "proxy_ssl_verify on; proxy_ssl_trusted_certificate <CA bundle>; proxy_ssl_server_name on;" to "location /_jwks"}



=== TEST 17: with proxy_ssl_verify on (inherited from server) it does not warn
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks;
--- config
    proxy_ssl_verify on;
    proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;
    proxy_ssl_server_name on;
    location = /_jwks { internal; proxy_pass https://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /p { cognito_auth test; echo ok; }
    location = /t { echo ok; }
--- request
GET /t
--- response_body
ok
--- no_error_log
[warn]
[emerg]



=== TEST 18: a protected location that answers with "return" warns: the access phase never comes
--- http_config
    cognito_auth_pool main us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location = /p { cognito_auth main; return 200 "unchecked\n"; }
--- request
GET /p
--- response_body
unchecked
--- error_log eval
qr{\[warn\] \d+#\d+: cognito_auth never checks location "/p" of server "localhost" in \S+/nginx\.conf:\d+: its "return" answers in the rewrite phase, before the access phase; serve the response from a content handler \(proxy_pass, root, echo, \.\.\.\), or say "cognito_auth off;" there if it is meant to be public$}m



=== TEST 19: the same for a server whose first rewrite instruction is "return"
--- http_config
    cognito_auth_pool main us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    cognito_auth main;
    return 200 "unchecked\n";
    location = /t { echo ok; }
--- request
GET /t
--- response_body
unchecked
--- error_log eval
qr{\[warn\] \d+#\d+: cognito_auth never checks server "localhost" in \S+/nginx\.conf:\d+: its "return" answers in the rewrite phase}



=== TEST 20: "return" inside "if", after "set", or where cognito_auth is off does not warn, and the check runs
--- http_config
    cognito_auth_pool main us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location = /p {
        cognito_auth main;
        if ($arg_bye) { return 204; }
        echo ok;
    }
    location = /s { cognito_auth main; set $x 1; echo ok; }
    location = /public { cognito_auth off; return 200 "public\n"; }
--- request
GET /p
--- error_code: 401
--- no_error_log
[warn]
[emerg]
