# Browser sign-in, the session (issue 14): where sign-in is on, the
# session cookie's token goes through the same pipeline as a Bearer token
# (signature, rules, groups, trusted headers); a session that does not
# open (tampered, truncated, re-ordered, unknown key, too many chunks,
# past its end) is no session; the sign-in cookies never reach the
# upstream, and the session's token may, as Authorization.

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();

our $at = Cognito::access_token();
our $id = Cognito::id_token();
our $admin_at = Cognito::access_token('cognito:groups' => ['admins']);

sub session {
    my %a = (id => $id, at => $at, rt => 'r.e.f.r.esh', c => time,
             e => time + 3600, @_);
    my %opt = map { $_ => delete $a{$_} } grep { /^-/ } keys %a;
    delete $a{$_} for grep { !defined $a{$_} } keys %a;
    $a{$_} += 0 for qw(c e);
    return Cognito::sealed(\%a, %opt);
}

our $s = session();
our $ends = time + 1800;
our $s_ends = session(e => $ends);
our $big = session(id => Cognito::id_token(pad => 'x' x 3000));
our @chunks = unpack '(A3800)*', $big;
die "want two or three chunks" unless @chunks == 2 || @chunks == 3;

add_block_preprocessor(sub {
    my $block = shift;

    if (!defined $block->http_config) {
        $block->set_value("http_config", <<'_EOC_');
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1,testclient2 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json domain=auth.example.com token=/_token;
    cognito_auth_session_key_file $TEST_NGINX_DATA_DIR/session.keys;

    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / {
            echo "cookie=[$http_cookie] auth=[$http_authorization] user=[$http_x_user]";
        }
    }
_EOC_
    }
});

run_tests();

__DATA__

=== TEST 1: a valid session is let in; the upstream gets the other cookies only
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location /app/ {
        cognito_auth test;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /app/
--- more_headers eval
"Cookie: a=1; cognito_session_0=$::s; cognito_session_login=x; b=2"
--- error_code: 200
--- response_body
cookie=[a=1; b=2] auth=[] user=[]
--- no_error_log
[error]
[warn]



=== TEST 2: only sign-in cookies: the Cookie line is left empty
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location /app/ {
        cognito_auth test;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /app/
--- more_headers eval
"Cookie: cognito_session_0=$::s"
--- error_code: 200
--- response_body
cookie=[] auth=[] user=[]



=== TEST 3: cognito_auth_session_bearer access: the upstream gets the session's access token, in place of the client's
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location /app/ {
        cognito_auth test;
        cognito_auth_session_bearer access;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /app/
--- more_headers eval
"Authorization: Bearer forged.token.here\nCookie: cognito_session_0=$::s"
--- error_code: 200
--- response_body eval
"cookie=[] auth=[Bearer $::at] user=[]\n"



=== TEST 4: session_token=id: the id token is checked (token_use id) and can go upstream; trusted headers from it
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb session_token=id;
    location /app/ {
        cognito_auth test;
        cognito_auth_token_use id;
        cognito_auth_session_bearer id;
        cognito_auth_set_header X-User $cognito_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /app/
--- more_headers eval
"X-User: mallory\nCookie: cognito_session_0=$::s"
--- error_code: 200
--- response_body eval
"cookie=[] auth=[Bearer $::id] user=[$Cognito::Sub]\n"



=== TEST 5: the location's policy holds for sessions: a group missing is a 403, not a sign-in
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location /app/ {
        cognito_auth test;
        cognito_auth_require_group admins;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request eval
["GET /app/", "GET /app/"]
--- more_headers eval
["Cookie: cognito_session_0=$::s", "Cookie: cognito_session_0=" . main::session(at => $::admin_at)]
--- error_code eval
[403, 200]



=== TEST 6: a session whose access token expired, with no refresh token: sign in again
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location /app/ {
        cognito_auth test;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /app/
--- more_headers eval
"Cookie: cognito_session_0=" . main::session(at => Cognito::access_token(exp => time - 10), rt => undef)
--- error_code: 302
--- response_headers_like
Location: https://auth\.example\.com/oauth2/authorize\?.*
--- error_log
token rejected: token_expired



=== TEST 7: a session past its end (max_age): sign in again
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location /app/ {
        cognito_auth test;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /app/
--- more_headers eval
"Cookie: cognito_session_0=" . main::session(e => time - 1)
--- error_code: 302
--- error_log
cognito auth: session cookie refused: session expired



=== TEST 8: a tampered session: sign in again, and nothing of it logged
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location /app/ {
        cognito_auth test;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /app/
--- more_headers eval
"Cookie: cognito_session_0=" . ($::s =~ s/\.(.)([^.]*)\.([^.]*)$/"." . ($1 eq "A" ? "B" : "A") . "$2.$3"/er)
--- error_code: 302
--- error_log
cognito auth: session cookie refused: session cookie does not decrypt
--- no_error_log eval
qr/cognito auth: [^\n]*eyJ/



=== TEST 9: a truncated session
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location /app/ {
        cognito_auth test;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /app/
--- more_headers eval
"Cookie: cognito_session_0=" . substr($::s, 0, length($::s) - 30)
--- error_code: 302
--- error_log
cognito auth: session cookie refused: session cookie malformed



=== TEST 10: a session under a key no longer in the file
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location /app/ {
        cognito_auth test;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /app/
--- more_headers eval
"Cookie: cognito_session_0=" . main::session(-keys => 'session-other')
--- error_code: 302
--- error_log
cognito auth: session cookie refused: session sealed under an unknown key



=== TEST 11: a session in several chunks opens; the same chunks in reverse order do not
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location /app/ {
        cognito_auth test;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request eval
["GET /app/", "GET /app/"]
--- more_headers eval
["Cookie: " . CORE::join("; ", map { "cognito_session_$_=$::chunks[$_]" } 0 .. $#::chunks),
 "Cookie: " . CORE::join("; ", map { "cognito_session_$_=$::chunks[$#::chunks - $_]" } 0 .. $#::chunks)]
--- error_code eval
[200, 302]



=== TEST 12: too many chunks: refused before anything is decrypted
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location /app/ {
        cognito_auth test;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /app/
--- more_headers eval
"Cookie: " . CORE::join("; ", map { "cognito_session_$_=x" } 0 .. 6)
--- error_code: 302
--- error_log
cognito auth: session cookie refused: session cookie has too many chunks



=== TEST 13: no session: a Bearer token still works where sign-in is on
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location /app/ {
        cognito_auth test;
        cognito_auth_session_bearer access;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /app/
--- more_headers eval
"Authorization: Bearer $::at\nCookie: a=1"
--- error_code: 200
--- response_body eval
"cookie=[a=1] auth=[Bearer $::at] user=[]\n"



=== TEST 14: the session holds across an internal redirect (try_files to a named location), after its cookie left the request
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location /app/ {
        cognito_auth test;
        try_files /nonexistent @backend;
    }
    location @backend {
        cognito_auth test;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /app/
--- more_headers eval
"Cookie: cognito_session_0=$::s; b=2"
--- error_code: 200
--- response_body
cookie=[b=2] auth=[] user=[]



=== TEST 15: where sign-in is off, the cookies pass untouched and are no token
--- config
    location /app/ {
        cognito_auth test;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
    location /open/ {
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request eval
["GET /app/", "GET /open/"]
--- more_headers eval
["Cookie: cognito_session_0=$::s", "Cookie: cognito_session_0=x; a=1"]
--- error_code eval
[401, 200]
--- response_body eval
[qr/token missing/, "cookie=[cognito_session_0=x; a=1] auth=[] user=[]\n"]



=== TEST 16: cognito_auth_session_bearer takes off, access or id
--- config
    cognito_auth_session_bearer refresh;
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: "cognito_auth_session_bearer" directive must be "off", "access" or "id" in }



=== TEST 17: $cognito_session_expires is when the session ends; empty without one
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location /app/ {
        cognito_auth test;
        cognito_auth_set_header X-User "ends=$cognito_session_expires";
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
    location = /open { echo "ends=[$cognito_session_expires]"; }
--- request eval
["GET /app/", "GET /app/", "GET /open"]
--- more_headers eval
["Cookie: cognito_session_0=$::s_ends",
 "Authorization: Bearer $::at",
 "Cookie: cognito_session_0=$::s_ends"]
--- error_code eval
[200, 200, 200]
--- response_body eval
["cookie=[] auth=[] user=[ends=$::ends]\n",
 "cookie=[] auth=[Bearer $::at] user=[ends=]\n",
 "ends=[]\n"]

