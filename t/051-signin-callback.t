# Browser sign-in, the callback (issue 14): the state checked against its
# sealed cookie, the code exchanged at token= by a clean POST subrequest
# (the mock below accepts only the exact form body, no client Cookie or
# Authorization), the id token verified with the pool's keys and rules,
# its nonce and aud; then the session cookie and a redirect to where the
# sign-in started.  Every failure answers without a session.

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();

my $good = Cognito::id_token(nonce => 'N' x 32);
my %answer = (
    'good'          => $good,
    'nonce-missing' => Cognito::id_token(),
    'nonce-wrong'   => Cognito::id_token(nonce => 'X' x 32),
    'other-client'  => Cognito::id_token(nonce => 'N' x 32,
                                         aud => 'testclient2'),
    'expired'       => Cognito::id_token(nonce => 'N' x 32,
                                         exp => time - 100),
    'access'        => Cognito::access_token(nonce => 'N' x 32),
    'unknown-key'   => Cognito::id_token(nonce => 'N' x 32,
                                         -key => 'rsa-rotated'),
);

my $mock = '';
for my $code (sort keys %answer) {
    $mock .= "        location = /mock/$code { return 200 '{\"id_token\":\""
           . $answer{$code} . "\",\"access_token\":\""
           . Cognito::access_token() . "\",\"refresh_token\":\"r.e.f.r.esh\","
           . "\"expires_in\":3600,\"token_type\":\"Bearer\"}'; }\n";
}

my $http = <<'_EOC_' . $mock . <<'_EOC2_';
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1,testclient2 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json domain=auth.example.com token=/_token;
    cognito_auth_session_key_file $TEST_NGINX_DATA_DIR/session.keys;

    # the token endpoint's stand-in: the code from an exact request only
    map "$request_method|$content_type|$http_cookie|$http_authorization|$request_body" $mock_code {
        "~^POST\|application/x-www-form-urlencoded\|\|\|grant_type=authorization_code&client_id=testclient1&code=([a-z0-9-]+)&redirect_uri=https%3A%2F%2Fapp\.example\.com%2Fcb&code_verifier=V{64}$" $1;
        "~^POST\|application/x-www-form-urlencoded\|\|Basic dGVzdGNsaWVudDE6czNjcmV0\|grant_type=authorization_code&client_id=testclient1&code=([a-z0-9-]+)&redirect_uri=https%3A%2F%2Fapp\.example\.com%2Fcb&code_verifier=V{64}$" secret-$1;
        default unexpected-request;
    }

    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;

        location = /token { echo_read_request_body; echo_exec /mock/$mock_code; }
        location = /mock/secret-good { return 200 '{"id_token":"$good_id","access_token":"a.b.c","token_type":"Bearer"}'; }
        location = /mock/used { return 400 '{"error":"invalid_grant"}'; }
        location = /mock/error500 { return 500; }
        location = /mock/garbage { return 200 'not json'; }
        location = /mock/noid { return 200 '{"access_token":"a.b.c","token_type":"Bearer"}'; }
        location = /mock/slow { echo_sleep 3; echo '{}'; }
        location = /mock/big {
            echo -n '{"token_type":"Bearer","access_token":"a.b.c","id_token":"';
            echo_duplicate 30000 "A";
            echo '.b.c"}';
        }
        location /mock/ { return 418 '{"error":"unexpected_request"}'; }
_EOC_
    }
_EOC2_

$http =~ s/\$good_id/$good/;

add_block_preprocessor(sub {
    my $block = shift;

    $block->set_value("http_config", $http) if !defined $block->http_config;

    if (!defined $block->config) {
        $block->set_value("config", <<'_EOC_');
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;

    location = /_token {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/token;
        proxy_read_timeout 1s;
        subrequest_output_buffer_size 8k;
    }

    location = /cb {
        cognito_auth_signin_callback;
    }
_EOC_
    }
});

run_tests();

__DATA__

=== TEST 1: a good callback: session cookie set, state cookie cleared, back to the page the sign-in started from
--- request
GET /cb?code=good&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: other=1; cognito_session_login=" . Cognito::login_cookie()
--- error_code: 302
--- response_headers_like
Location: http://localhost:\d+/app/page\?x=1
Cache-Control: no-store
--- raw_response_headers_like eval
qr{Set-Cookie: cognito_session_login=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax\r?\n(?:.*\n)*Set-Cookie: cognito_session_0=eyJ[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}; Path=/; Max-Age=28800; HttpOnly; Secure; SameSite=Lax\r?\n}
--- error_log
cognito auth: signed in with pool "test"
--- no_error_log
[error]
[warn]


=== TEST 2: the client's Authorization and a body do not reach the token endpoint (the mock accepts only a clean request)
--- request
GET /cb?code=good&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Authorization: Bearer x.y.z\nContent-Type: text/plain\nCookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 302
--- error_log
cognito auth: signed in with pool "test"
--- no_error_log
[error]


=== TEST 3: a confidential client: client_secret_basic
--- config
    cognito_auth_signin test client_id=testclient1 client_secret_file=$TEST_NGINX_DATA_DIR/client.secret redirect_uri=https://app.example.com/cb;
    location = /_token { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/token; }
    location = /cb { cognito_auth_signin_callback; }
--- request
GET /cb?code=good&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 302
--- raw_response_headers_like eval
qr{Set-Cookie: cognito_session_0=eyJ}
--- no_error_log
[error]


=== TEST 4: state differs from its cookie: 400, no session
--- request
GET /cb?code=good&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSST
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 400
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)(?=.*Set-Cookie: cognito_session_login=; Path=/; Max-Age=0)}s
--- error_log
cognito auth: sign-in callback: state does not match its cookie


=== TEST 5: no state cookie: 400
--- request
GET /cb?code=good&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- error_code: 400
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in callback: state cookie: no session cookie


=== TEST 6: the state cookie twice: 400
--- request
GET /cb?code=good&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie() . "; cognito_session_login=" . Cognito::login_cookie(state => 'T' x 32)
--- error_code: 400
--- error_log
cognito auth: sign-in callback: state cookie: session cookie malformed


=== TEST 7: an expired state cookie: 400
--- request
GET /cb?code=good&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie(exp => time - 1)
--- error_code: 400
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in callback: state cookie: session expired


=== TEST 8: a state cookie under a key no longer in the file: 400
--- request
GET /cb?code=good&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie(-keys => 'session-other')
--- error_code: 400
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in callback: state cookie: session sealed under an unknown key


=== TEST 9: a tampered state cookie: 400
--- request
GET /cb?code=good&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . (Cognito::login_cookie() =~ s/\.(.)([^.]*)\.([^.]*)$/"." . ($1 eq "A" ? "B" : "A") . "$2.$3"/er)
--- error_code: 400
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in callback: state cookie: session cookie does not decrypt


=== TEST 10: a state cookie whose URL leads off-site (//) is refused: 400
--- request
GET /cb?code=good&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie(url => '//evil.example/')
--- error_code: 400
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in callback: state cookie: session content invalid


=== TEST 11: a state cookie whose URL leads off-site (https://) is refused: 400
--- request
GET /cb?code=good&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie(url => 'https://evil.example/')
--- error_code: 400
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in callback: state cookie: session content invalid


=== TEST 12: a state cookie whose URL leads off-site (/\) is refused: 400
--- request
GET /cb?code=good&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie(url => '/\\evil.example/')
--- error_code: 400
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in callback: state cookie: session content invalid


=== TEST 13: a replayed code (the endpoint says invalid_grant): 502, no session
--- request
GET /cb?code=used&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 502
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in: token endpoint of pool "test" answered 400 (invalid_grant)


=== TEST 14: the id token has no nonce: 401
--- request
GET /cb?code=nonce-missing&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 401
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in: id token of pool "test" refused: nonce missing or not this sign-in's


=== TEST 15: the id token has another nonce: 401
--- request
GET /cb?code=nonce-wrong&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 401
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in: id token of pool "test" refused: nonce missing or not this sign-in's


=== TEST 16: an id token for another client of the pool: 401
--- request
GET /cb?code=other-client&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 401
--- error_log
id token of pool "test" refused


=== TEST 17: an expired id token: 401
--- request
GET /cb?code=expired&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 401
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in: id token of pool "test" refused: token expired


=== TEST 18: an access token in place of the id token: 401
--- request
GET /cb?code=access&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 401
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in: id token of pool "test" refused


=== TEST 19: an id token under a key the pool does not have: 401
--- request
GET /cb?code=unknown-key&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 401
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in: id token of pool "test" refused


=== TEST 20: the token endpoint fails: 502
--- request
GET /cb?code=error500&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 502
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in: token endpoint of pool "test" answered 500, no tokens


=== TEST 21: the token endpoint answers garbage: 502
--- request
GET /cb?code=garbage&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 502
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in: token endpoint of pool "test" answered 200, no tokens


=== TEST 22: the token endpoint answers without an id token: 502
--- request
GET /cb?code=noid&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 502
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in: token endpoint of pool "test" answered 200, no tokens


=== TEST 23: the token endpoint answers more than its buffer (8k) and more than a session can hold: 502
--- request
GET /cb?code=big&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 502
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in: token endpoint of pool "test" answered 200, no tokens


=== TEST 24: the token endpoint is too slow: 502
--- request
GET /cb?code=slow&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 502
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- timeout: 10
--- error_log
upstream timed out


=== TEST 25: the provider's error: 403, no exchange
--- request
GET /cb?error=access_denied&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 403
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in failed at the provider: access_denied


=== TEST 26: no code: 400
--- request
GET /cb?state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 400
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in callback: no code or state


=== TEST 27: a malformed code: 400
--- request
GET /cb?code=a%26b&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 400
--- raw_response_headers_like eval
qr{\A(?!.*cognito_session_0=)}s
--- error_log
cognito auth: sign-in callback: malformed code


=== TEST 28: only GET and HEAD
--- request
POST /cb?code=good&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
x
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 405


=== TEST 29: the callback needs a pool with token=
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json domain=auth.example.com;
    cognito_auth_session_key_file $TEST_NGINX_DATA_DIR/session.keys;
--- config
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location = /cb { cognito_auth_signin_callback; }
--- must_die
--- error_log eval
qr{\[emerg\] \d+#\d+: cognito_auth_signin_callback needs cognito_auth_signin here, with a pool that has token= in }


=== TEST 30: a server protected as a whole: the callback still needs no token
--- config
    cognito_auth test;
    cognito_auth_signin test client_id=testclient1 redirect_uri=https://app.example.com/cb;
    location = /_token { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/token; subrequest_output_buffer_size 8k; }
    location = /cb { cognito_auth_signin_callback; }
--- request
GET /cb?code=good&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie()
--- error_code: 302
--- error_log
cognito auth: signed in with pool "test"
--- no_error_log
[error]



=== TEST 31: the verifier sent is the state cookie's (the mock wants V x 64): another is refused by the endpoint
--- request
GET /cb?code=good&state=SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS
--- more_headers eval
"Cookie: cognito_session_login=" . Cognito::login_cookie(verifier => 'W' x 64)
--- error_code: 502
--- error_log
cognito auth: sign-in: token endpoint of pool "test" answered 418 (unexpected_request)
