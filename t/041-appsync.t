# Tokens the way AppSync clients send them: a bare JWT in Authorization
# (cognito_auth_token_scheme), and the real-time WebSocket handshake whose
# "header" query parameter is base64 JSON ($cognito_appsync_header_token).

use lib 't/lib';
use Cognito 'no_plan';

use MIME::Base64 qw(encode_base64);

# The handshakes below leave out "Connection: Upgrade": the test client
# needs its own "Connection: close"; nginx sends "upgrade" to the backend.
#
# "header=...&payload=e30=" as AppSync's real-time clients build it, with
# base64 '+', '/' and '=' percent-encoded when $escape is set
sub main::appsync_args {
    my ($auth, $escape) = @_;
    my $host = "example.appsync-api.us-east-1.amazonaws.com";
    my $b64;
    for my $pad ("", "?", "??", "???", "????", "?????") {
        my $json = Cognito::_json({ Authorization => $auth,
                                    host => "$host$pad" });
        $b64 = encode_base64($json, "");
        last if !$escape || ($b64 =~ m{[+/]} && $b64 =~ /=$/);
    }
    $b64 =~ s{([+/=])}{sprintf "%%%02X", ord $1}ge if $escape;
    return "header=$b64&payload=e30=";
}

# AppSync's real-time endpoint, the token taken from "header"
our $Realtime = <<'_EOC_';
    location = /graphql/realtime {
        cognito_auth test;
        cognito_auth_token $cognito_appsync_header_token;
        echo ok;
    }
_EOC_

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a bare JWT is refused by default
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: " . Cognito::id_token()
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="cognito"
--- error_log
cognito auth: token rejected: token_missing (token missing)



=== TEST 2: "any" takes a bare JWT, as AppSync and Amplify send it
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_token_scheme any;
        echo "ok $cognito_sub";
    }
--- request
GET /t
--- more_headers eval
"Authorization: " . Cognito::id_token()
--- response_body
ok 11111111-2222-3333-4444-555555555555
--- no_error_log
[error]
[alert]



=== TEST 3: "any" keeps Bearer, in any case
--- config
    location = /t { cognito_auth test; cognito_auth_token_scheme any; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: bEARER " . Cognito::access_token()
--- response_body
ok
--- no_error_log
[error]
[alert]



=== TEST 4: "bare" takes only a bare JWT
--- config
    location = /t { cognito_auth test; cognito_auth_token_scheme bare; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- error_code: 401
--- error_log
cognito auth: token rejected: token_missing



=== TEST 5: "bare" takes a bare JWT
--- config
    location = /t { cognito_auth test; cognito_auth_token_scheme bare; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: " . Cognito::access_token()
--- response_body
ok
--- no_error_log
[error]
[alert]



=== TEST 6: Basic is not taken for a token
--- config
    location = /t { cognito_auth test; cognito_auth_token_scheme any; echo ok; }
--- request
GET /t
--- more_headers
Authorization: Basic YWxpY2U6c2VjcmV0
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="cognito"
--- error_log
cognito auth: token rejected: token_missing



=== TEST 7: another scheme followed by a JWT is not a bare token
--- config
    location = /t { cognito_auth test; cognito_auth_token_scheme any; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Token " . Cognito::access_token()
--- error_code: 401
--- error_log
cognito auth: token rejected: token_missing



=== TEST 8: a bare JWE is a token, refused as encrypted
--- config
    location = /t { cognito_auth test; cognito_auth_token_scheme any; echo ok; }
--- request
GET /t
--- more_headers
Authorization: eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d
--- error_code: 401
--- response_headers_like
WWW-Authenticate: Bearer realm="cognito", error="invalid_token", .*
--- error_log
cognito auth: token rejected: token_encrypted



=== TEST 9: a bare token with a forged signature
--- config
    location = /t { cognito_auth test; cognito_auth_token_scheme any; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: " . Cognito::access_token(-key => "rsa2", -kid => "test-key-1")
--- error_code: 401
--- error_log
cognito auth: token rejected: bad_signature (signature verification failed), pool "test"



=== TEST 10: set at http level, inherited by a location
--- http_config
    cognito_auth_token_scheme any;
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: " . Cognito::access_token()
--- response_body
ok



=== TEST 11: an inner level sets it back to bearer
--- http_config
    cognito_auth_token_scheme any;
--- config
    location = /t { cognito_auth test; cognito_auth_token_scheme bearer; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: " . Cognito::access_token()
--- error_code: 401
--- error_log
cognito auth: token rejected: token_missing



=== TEST 12: the scheme is part of the token source: a redirect into a location that reads Authorization otherwise checks again
--- config
    location = /a {
        cognito_auth test;
        cognito_auth_token_scheme any;
        try_files /nonexistent /b;
    }
    location = /b { cognito_auth test; echo "b $cognito_sub"; }
--- request
GET /a
--- more_headers eval
"Authorization: " . Cognito::access_token()
--- error_code: 401
--- error_log
cognito auth: token rejected: token_missing



=== TEST 13: a redirect into a location with the same scheme keeps the verdict
--- config
    location = /a {
        cognito_auth test;
        cognito_auth_token_scheme any;
        try_files /nonexistent /b;
    }
    location = /b { cognito_auth test; cognito_auth_token_scheme any; echo "b $cognito_sub"; }
--- request
GET /a
--- more_headers eval
"Authorization: " . Cognito::access_token()
--- response_body
b 11111111-2222-3333-4444-555555555555
--- no_error_log
[error]
[alert]



=== TEST 14: nginx -t refuses an unknown scheme
--- config
    location = /t { cognito_auth test; cognito_auth_token_scheme basic; echo ok; }
--- must_die
--- error_log
invalid value "basic"



=== TEST 15: nginx -t refuses it twice at one level
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_token_scheme any;
        cognito_auth_token_scheme bare;
        echo ok;
    }
--- must_die
--- error_log
"cognito_auth_token_scheme" directive is duplicate



=== TEST 16: AppSync real-time: a WebSocket handshake with a valid token reaches the backend
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / {
            return 200 "backend: $request_method $uri $http_upgrade sub=$http_x_sub payload=$arg_payload\n";
        }
    }
--- config
    location = /graphql/realtime {
        cognito_auth test;
        cognito_auth_token $cognito_appsync_header_token;
        cognito_auth_set_header X-Sub $cognito_sub;

        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request eval
"GET /graphql/realtime?" . main::appsync_args(Cognito::id_token())
--- more_headers
Upgrade: websocket
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==
Sec-WebSocket-Version: 13
Sec-WebSocket-Protocol: graphql-ws
--- response_body
backend: GET /graphql/realtime websocket sub=11111111-2222-3333-4444-555555555555 payload=e30=
--- no_error_log
[error]
[alert]



=== TEST 17: AppSync real-time: base64 with '+', '/' and '=' URL-encoded, a Bearer token inside
--- config
    location = /graphql/realtime {
        cognito_auth test;
        cognito_auth_token $cognito_appsync_header_token;
        echo "ok $cognito_token_use $arg_header";
    }
--- request eval
"GET /graphql/realtime?" . main::appsync_args("Bearer " . Cognito::access_token(), 1)
--- more_headers
Upgrade: websocket
--- response_body_like
^ok access [A-Za-z0-9]+%(2B|2F)[A-Za-z0-9%]*%3D$
--- no_error_log
[error]
[alert]



=== TEST 18: AppSync real-time: no header parameter
--- config eval: $::Realtime
--- request
GET /graphql/realtime?payload=e30=
--- more_headers
Upgrade: websocket
--- error_code: 401
--- error_log
cognito auth: token rejected: token_missing



=== TEST 19: AppSync real-time: a forged token
--- config eval: $::Realtime
--- request eval
"GET /graphql/realtime?" . main::appsync_args(Cognito::id_token(-key => "rsa2", -kid => "test-key-1"))
--- more_headers
Upgrade: websocket
--- error_code: 401
--- error_log
cognito auth: token rejected: bad_signature



=== TEST 20: AppSync real-time: header is not base64 JSON, or names no token
--- config eval: $::Realtime
--- request eval
[
    "GET /graphql/realtime?header=not-base64!&payload=e30=",
    "GET /graphql/realtime?header=e30=&payload=e30=",
    "GET /graphql/realtime?" . main::appsync_args("Basic YWxpY2U6c2VjcmV0"),
]
--- error_code eval
[401, 401, 401]
--- error_log
cognito auth: token rejected: token_missing



=== TEST 21: AppSync real-time: a token in the request's own Authorization is not this source
--- config eval: $::Realtime
--- request
GET /graphql/realtime?payload=e30=
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- error_code: 401
--- error_log
cognito auth: token rejected: token_missing



=== TEST 22: AppSync real-time: the token's JSON key is exactly "Authorization"
--- config eval: $::Realtime
--- request eval
use MIME::Base64;
"GET /graphql/realtime?header=" . encode_base64('{"authorization":"' . Cognito::id_token() . '"}', "") . "&payload=e30="
--- error_code: 401
--- error_log
cognito auth: token rejected: token_missing
