# Trusted headers next to other modules that edit the request's header
# list: headers-more (more_set_input_headers, in the rewrite phase) and
# proxy_set_header.  cognito_auth_set_header rebuilds
# r->headers_in.headers; the rebuilt list must stay a valid ngx_list_t, so
# that any later ngx_list_push on it (headers-more in a location reached
# by try_files, error_page, ...) works, and the backend sees one copy of
# each trusted header, never the client's.
#
# Needs Debian's libnginx-mod-http-headers-more-filter (util/deps installs
# it; t/lib/Cognito.pm loads it when installed) and the echo module.

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();

# A missing module is a failure, not a skip: without it this file would
# prove nothing (and every block would fail on an unknown directive).
if (ok(Cognito::has_headers_more() && Cognito::has_echo(),
       "headers-more and echo are loaded (util/deps installs "
       . "libnginx-mod-http-headers-more-filter and libnginx-mod-http-echo)"))
{
    run_tests();
}

__DATA__

=== TEST 1: headers-more adds request headers after the rebuild (named location via try_files)
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo -n $echo_client_request_headers; }
    }
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_set_header X-Sub $cognito_sub;
        try_files /nonexistent @back;
    }
    location @back {
        more_set_input_headers "X-Extra-1: one" "X-Extra-2: two";
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /t
--- more_headers eval
"X-Sub: attacker\r\nAuthorization: Bearer " . Cognito::id_token()
--- response_body_like eval
qr/\A(?!.*attacker)(?!(?:.*^X-Sub:){2}).*^X-Sub: 11111111-2222-3333-4444-555555555555\r\n.*^X-Extra-1: one\r\n.*^X-Extra-2: two\r\n/ms
--- no_error_log
[error]
[alert]



=== TEST 2: many request headers, then headers-more pushes beyond the rebuilt part
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo -n $echo_client_request_headers; }
    }
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_set_header X-Sub $cognito_sub;
        cognito_auth_set_header X-User $cognito_username;
        try_files /nonexistent @back;
    }
    location @back {
        more_set_input_headers "X-A: 1" "X-B: 2" "X-C: 3" "X-D: 4" "X-E: 5";
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /t
--- more_headers eval
CORE::join("", map { "X-Pad-$_: $_\r\n" } 1 .. 30)
. "X-User: mallory\r\nAuthorization: Bearer " . Cognito::id_token()
--- response_body_like eval
qr/\A(?!.*mallory).*^X-Pad-1: 1\r\n.*^X-Pad-30: 30\r\n.*^X-Sub: 11111111-2222-3333-4444-555555555555\r\n.*^X-User: alice\r\n.*^X-A: 1\r\n.*^X-E: 5\r\n/ms
--- no_error_log
[error]
[alert]



=== TEST 3: a value headers-more set before ours (same location) is replaced by ours, one copy
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo -n $echo_client_request_headers; }
    }
--- config
    location = /t {
        more_set_input_headers "X-Sub: from-headers-more";
        cognito_auth test;
        cognito_auth_set_header X-Sub $cognito_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /t
--- more_headers eval
"X-Sub: attacker\r\nAuthorization: Bearer " . Cognito::id_token()
--- response_body_like eval
qr/\A(?!.*attacker)(?!.*from-headers-more)(?!(?:.*^X-Sub:){2}).*^X-Sub: 11111111-2222-3333-4444-555555555555\r\n/ms
--- no_error_log
[error]
[alert]



=== TEST 4: headers-more after ours (named location) replaces the value in place, one copy
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo -n $echo_client_request_headers; }
    }
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_set_header X-Sub $cognito_sub;
        try_files /nonexistent @back;
    }
    location @back {
        more_set_input_headers "X-Sub: set-by-admin";
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /t
--- more_headers eval
"X-Sub: attacker\r\nAuthorization: Bearer " . Cognito::id_token()
--- response_body_like eval
qr/\A(?!.*attacker)(?!(?:.*^X-Sub:){2}).*^X-Sub: set-by-admin\r\n/ms
--- no_error_log
[error]
[alert]



=== TEST 5: headers-more clears a header after the rebuild; the others stay
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo -n $echo_client_request_headers; }
    }
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_set_header X-Sub $cognito_sub;
        try_files /nonexistent @back;
    }
    location @back {
        more_clear_input_headers "X-Drop";
        more_set_input_headers "X-Added: yes";
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /t
--- more_headers eval
"X-Drop: gone\r\nX-Keep: kept\r\nX-Sub: attacker\r\nAuthorization: Bearer " . Cognito::id_token()
--- response_body_like eval
qr/\A(?!.*attacker)(?!.*X-Drop).*^X-Keep: kept\r\n.*^X-Sub: 11111111-2222-3333-4444-555555555555\r\n.*^X-Added: yes\r\n/ms
--- no_error_log
[error]
[alert]



=== TEST 6: proxy_set_header sees the trusted value, and its own header is sent once
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo -n $echo_client_request_headers; }
    }
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_set_header X-Sub $cognito_sub;
        try_files /nonexistent @back;
    }
    location @back {
        more_set_input_headers "X-Extra: 1";
        proxy_set_header X-Copy $http_x_sub;
        proxy_set_header X-Static fixed;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /t
--- more_headers eval
"X-Sub: attacker\r\nX-Static: evil\r\nX-Copy: evil\r\nAuthorization: Bearer " . Cognito::id_token()
--- response_body_like eval
qr/\A(?!.*attacker)(?!.*evil)(?!(?:.*^X-Sub:){2})(?=.*^X-Copy: 11111111-2222-3333-4444-555555555555\r\n)(?=.*^X-Static: fixed\r\n)(?=.*^X-Extra: 1\r\n).*^X-Sub: 11111111-2222-3333-4444-555555555555\r\n/ms
--- no_error_log
[error]
[alert]



=== TEST 7: headers-more edits a header nginx keeps a pointer to (User-Agent) after the rebuild
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo -n $echo_client_request_headers; }
    }
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_set_header X-Sub $cognito_sub;
        try_files /nonexistent @back;
    }
    location @back {
        more_set_input_headers "User-Agent: from-headers-more";
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /t
--- more_headers eval
"User-Agent: from-client\r\nX-Sub: attacker\r\nAuthorization: Bearer " . Cognito::id_token()
--- response_body_like eval
qr/\A(?!.*attacker)(?!.*from-client)(?!(?:.*^User-Agent:){2})(?=.*^User-Agent: from-headers-more\r\n).*^X-Sub: 11111111-2222-3333-4444-555555555555\r\n/ms
--- no_error_log
[error]
[alert]



=== TEST 8: client copies first, last and across nginx's 20-element parts; order kept
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo -n $echo_client_request_headers; }
    }
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_set_header X-Sub $cognito_sub;
        try_files /nonexistent @back;
    }
    location @back {
        more_set_input_headers "X-Added-1: 1" "X-Added-2: 2" "X-Added-3: 3";
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /t
--- more_headers eval
"X-Sub: evil-first\r\n"
. CORE::join("", map { "X-Pad-$_: $_\r\n" } 1 .. 16)
. "x-sub: evil-19\r\nX_Sub: evil-20\r\nX-SUB: evil-21\r\n"
. CORE::join("", map { "X-Pad-$_: $_\r\n" } 17 .. 40)
. "Authorization: Bearer " . Cognito::id_token() . "\r\nX-Sub: evil-last"
--- response_body_like eval
my $pads = CORE::join "", map { "X-Pad-$_: $_\r\n" } 1 .. 40;
qr/\A(?!.*evil)(?!(?:.*^X-Sub:){2})GET [^\n]*\n(?:[^\n]*\n)*?\Q$pads\EAuthorization: Bearer [\w.-]+\r\nX-Sub: 11111111-2222-3333-4444-555555555555\r\nX-Added-1: 1\r\nX-Added-2: 2\r\nX-Added-3: 3\r\n\r\n\z/ms
--- no_error_log
[error]
[alert]



=== TEST 9: every client header dropped (an empty list), then headers-more pushes
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo -n $echo_client_request_headers; }
    }
--- config
    location = /t {
        cognito_auth_set_header X-Sub $cognito_sub;
        try_files /nonexistent @back;
    }
    location @back {
        more_set_input_headers "X-Added: yes";
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- raw_request eval
"GET /t HTTP/1.0\r\nX-Sub: evil\r\nx-sub: evil2\r\n\r\n"
--- response_body_like eval
qr/\A(?!.*evil)(?!.*X-Sub)GET [^\n]*\n(?:[^\n]*\n)*?X-Added: yes\r\n\r\n\z/ms
--- no_error_log
[error]
[alert]
