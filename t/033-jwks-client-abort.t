# The JWKS fetch and the client that triggered it: the fetch goes on when
# that client hangs up, and a client cannot use up jwks_refresh_min.  The
# blocks rely on the client's timeout (--- timeout, --- abort) ending a
# request while the JWKS server is still slow, so this file is left out of
# util/test's valgrind step (the fallback runner scales timeouts there).
#
# A worker fetches the JWKS when it starts (ngx_http_cognito_auth_warm.c).
# Here that startup fetch is refused at once (500, by a limit_req gate that
# lets only the first request of the JWKS server through to it), so that
# the fetch under test is a client's: a failed startup fetch is counted,
# but it uses up no jwks_refresh_min.

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a client that hangs up during the fetch does not use up jwks_refresh_min
The first client's fetch is slow (the JWKS server answers it after 1.5 s;
limit_req sends every later one to the fast copy); its client gives
up after 1 s and closes the connection.  The fetch goes on, and the next
request gets in; the first is let in too, and nginx finds its client gone
when it writes the response (on c74a7ee the fetch ended with its client, 499, and
used up jwks_refresh_min: 503 for 60 s).
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks jwks_refresh_min=60s;
    limit_req_zone $server_port zone=startup_jwks:1m rate=1r/m;
    limit_req_zone $server_port zone=first_jwks:1m rate=1r/m;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        recursive_error_pages on;
        location = /jwks.json {
            limit_req zone=startup_jwks nodelay;
            limit_req_status 409;
            error_page 409 = /client.json;
            echo_status 500;
            echo "down at startup";
        }
        location = /client.json {
            limit_req zone=first_jwks nodelay;
            limit_req_status 409;
            error_page 409 = /fast.json;
            echo_sleep 1.5;
            echo_exec /fast.json;
        }
        location = /fast.json { alias $TEST_NGINX_DATA_DIR/jwks.json; }
    }
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/jwks.json; }
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /t", "GET /t", "GET /metrics"]
--- more_headers eval
[Cognito::bearer(sub => "gone"), Cognito::bearer(sub => "stays"), ""]
--- timeout: 1
--- abort
--- error_code eval
["", 200, 200]
--- response_body_like eval
["", "^ok stays\n\$",
 qr/cognito_auth_requests_total\{pool="test",result="accepted"\} 2\n.*cognito_auth_jwks_fetches_total\{pool="test",result="ok"\} 1\n/s]
--- no_error_log
no JWKS keys for pool "test"
[alert]



=== TEST 2: the fetch goes on after its client has hung up
The JWKS server answers the first client's fetch after 2 s with the good
JWKS, and every later one with a JWKS that lacks test-key-1.  The client of the
fetch gives up after 1 s; the fetch still completes and fills the zone:
after three pauses of 0.8 s the next request is let in with the first
fetch's keys, and there was a single fetch.
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks jwks_refresh_min=60s;
    limit_req_zone $server_port zone=startup_jwks:1m rate=1r/m;
    limit_req_zone $server_port zone=first_jwks:1m rate=1r/m;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        recursive_error_pages on;
        location = /jwks.json {
            limit_req zone=startup_jwks nodelay;
            limit_req_status 409;
            error_page 409 = /client.json;
            echo_status 500;
            echo "down at startup";
        }
        location = /client.json {
            limit_req zone=first_jwks nodelay;
            limit_req_status 409;
            error_page 409 = /rotated.json;
            echo_sleep 2;
            echo_exec /good.json;
        }
        location = /good.json { alias $TEST_NGINX_DATA_DIR/jwks.json; }
        location = /rotated.json { root $TEST_NGINX_HTML_DIR; }
    }
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/jwks.json; }
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /pause { echo_sleep 0.8; echo paused; }
    location = /metrics { cognito_auth_metrics; }
--- user_files eval
[["rotated.json", Cognito::jwks_json("rsa-rotated")]]
--- request eval
["GET /t", "GET /pause", "GET /pause", "GET /pause", "GET /t", "GET /metrics"]
--- more_headers eval
[Cognito::bearer(sub => "gone"), "", "", "", Cognito::bearer(sub => "later"), ""]
--- timeout: 1
--- abort
--- error_code eval
["", 200, 200, 200, 200, 200]
--- response_body_like eval
["", "^paused\n\$", "^paused\n\$", "^paused\n\$", "^ok later\n\$",
 qr/cognito_auth_jwks_fetches_total\{pool="test",result="ok"\} 1\ncognito_auth_jwks_fetches_total\{pool="test",result="error"\} 1\n.*cognito_auth_jwks_keys\{pool="test"\} 2\n/s]
--- no_error_log
[alert]
