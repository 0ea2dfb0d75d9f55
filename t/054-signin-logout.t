# Browser sign-in, logout (issue 14): every sign-in cookie cleared and a
# 302 to the pool's /logout with client_id and logout_uri; with revoke=,
# the session's refresh token is revoked first by a clean POST (the mock
# accepts only the exact request), and a failed revocation is logged
# without keeping anyone signed in.

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();

sub session {
    my %a = (id => Cognito::id_token(), at => Cognito::access_token(),
             rt => 'r.good', c => time, e => time + 3600, @_);
    $a{$_} += 0 for qw(c e);
    return Cognito::sealed(\%a);
}

add_block_preprocessor(sub {
    my $block = shift;

    if (!defined $block->http_config) {
        $block->set_value("http_config", <<'_EOC_');
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json domain=auth.example.com;
    cognito_auth_session_key_file $TEST_NGINX_DATA_DIR/session.keys;

    map "$request_method|$content_type|$http_cookie|$http_authorization|$request_body" $mock_revoke {
        "~^POST\|application/x-www-form-urlencoded\|\|\|token=r\.good&client_id=testclient1$" ok;
        default refused;
    }

    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location = /revoke { echo_read_request_body; echo_exec /revoke/$mock_revoke; }
        location = /revoke/ok { return 200 ''; }
        location = /revoke/refused { return 400 '{"error":"invalid_request"}'; }
    }
_EOC_
    }

    if (!defined $block->config) {
        $block->set_value("config", <<'_EOC_');
    cognito_auth test;
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;

    location = /_revoke {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/revoke;
    }

    location = /logout {
        cognito_auth_signin_logout logout_uri=https://app.example.com/bye revoke=/_revoke;
    }

    location = /logout-only {
        cognito_auth_signin_logout logout_uri=https://app.example.com/bye;
    }
_EOC_
    }
});

run_tests();

__DATA__

=== TEST 1: logout: the refresh token revoked, the cookies cleared, to Cognito's /logout
--- request
GET /logout
--- more_headers eval
"Cookie: a=1; cognito_session_0=" . main::session()
--- error_code: 302
--- response_headers_like
Location: https://auth\.example\.com/logout\?client_id=testclient1&logout_uri=https%3A%2F%2Fapp\.example\.com%2Fbye
Cache-Control: no-store
--- raw_response_headers_like eval
qr{Set-Cookie: cognito_session_login=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax\r?\nSet-Cookie: cognito_session_0=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax\r?\n}
--- error_log
cognito auth: logout: refresh token revoked
cognito auth: signed out of pool "test"
--- no_error_log
[error]
[warn]



=== TEST 2: a revocation that fails is logged; the user is signed out all the same
--- request
GET /logout
--- more_headers eval
"Cookie: cognito_session_0=" . main::session(rt => 'r.other')
--- error_code: 302
--- raw_response_headers_like eval
qr{Set-Cookie: cognito_session_0=; Path=/; Max-Age=0}
--- error_log
cognito auth: logout: revoking the refresh token failed (400), signing out anyway
cognito auth: signed out of pool "test"



=== TEST 3: no session: nothing to revoke, still a clean sign-out (and no token needed)
--- request
POST /logout
--- error_code: 302
--- response_headers_like
Location: https://auth\.example\.com/logout\?client_id=testclient1&logout_uri=.*
--- no_error_log
revok
[error]



=== TEST 4: without revoke=, no subrequest; every chunk sent is cleared
--- request
GET /logout-only
--- more_headers eval
"Cookie: cognito_session_0=" . main::session(rt => 'r.other') . "; cognito_session_1=x; cognito_session_2=y"
--- error_code: 302
--- raw_response_headers_like eval
qr{Set-Cookie: cognito_session_0=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax\r?\nSet-Cookie: cognito_session_1=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax\r?\nSet-Cookie: cognito_session_2=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax\r?\n}
--- no_error_log
revok
[warn]



=== TEST 5: logout needs sign-in in force, and logout_uri=
--- config
    location = /logout {
        cognito_auth_signin_logout logout_uri=https://app.example.com/bye;
    }
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_signin_logout needs cognito_auth_signin here in }



=== TEST 6: a logout_uri= is required
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location = /logout {
        cognito_auth_signin_logout revoke=/_revoke;
    }
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_signin_logout takes logout_uri=URL and an optional revoke=/location in }
