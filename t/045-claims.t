# $cognito_claims: the verified payload whole, as the token's signed second
# segment (base64url of the JSON as signed), for backends that want every
# claim (cognito_auth_set_header X-Cognito-Claims $cognito_claims).  Empty
# when no token was verified; a client's copy of the header never reaches
# the backend; the same on a cache hit and for a token from a cookie.

use lib 't/lib';
use Cognito 'no_plan';

# one token per case, so that a body can be compared with its payload
our %T = (
    id     => Cognito::id_token("cognito:groups" => ["a", "b"],
                                "custom:org" => "acme"),
    access => Cognito::access_token(scope => "shows/read"),
    cached => Cognito::access_token(sub => "cached"),
    cookie => Cognito::id_token(sub => "from-cookie"),
    sub    => Cognito::access_token(sub => "subreq"),
);

sub payload { (split /\./, $T{$_[0]})[1] }

no_shuffle();
run_tests();

__DATA__

=== TEST 1: the value is the payload segment of an id token
--- config
    location = /t {
        cognito_auth test;
        echo "claims=[$cognito_claims]";
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer $main::T{id}"
--- response_body eval
"claims=[" . main::payload("id") . "]\n"
--- no_error_log
[error]
[alert]



=== TEST 2: the value is the payload segment of an access token; bare token
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_token_scheme bare;
        echo "claims=[$cognito_claims]";
    }
--- request
GET /t
--- more_headers eval
"Authorization: $main::T{access}"
--- response_body eval
"claims=[" . main::payload("access") . "]\n"
--- no_error_log
[error]
[alert]



=== TEST 3: a token from a cookie (a session) gives its payload too
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_token $cookie_id_token;
        echo "claims=[$cognito_claims]";
    }
--- request
GET /t
--- more_headers eval
"Cookie: a=b; id_token=$main::T{cookie}; c=d"
--- response_body eval
"claims=[" . main::payload("cookie") . "]\n"
--- no_error_log
[error]
[alert]



=== TEST 4: the backend gets the payload (the claims' JSON), the client's copies are replaced
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo "claims=[$http_x_cognito_claims]"; }
    }
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_set_header X-Cognito-Claims $cognito_claims;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /t
--- more_headers eval
"X-Cognito-Claims: eyJzdWIiOiJldmlsIn0\r\nx-cognito-claims: second\r\n"
. "X_Cognito_Claims: third\r\nAuthorization: Bearer $main::T{id}"
--- response_body eval
use MIME::Base64 ();
my $p = main::payload("id");
$p =~ tr{-_}{+/};
my $json = MIME::Base64::decode_base64($p);
$json =~ /"custom:org":"acme"/ && $json =~ /"cognito:groups":\["a","b"\]/
    or die "the minted payload lacks its claims: $json";
"claims=[" . main::payload("id") . "]\n"
--- no_error_log
[error]
[alert]



=== TEST 5: no token, an expired or a badly signed one: 401, empty, not taken from the client
--- http_config
    log_format claims 'claims=[$cognito_claims] error=$cognito_error';
--- config
    location = /t {
        cognito_auth test;
        access_log logs/error.log claims;
        cognito_auth_set_header X-Cognito-Claims $cognito_claims;
        echo "claims=[$cognito_claims]";
    }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
my ($h, $p) = split /\./, Cognito::access_token();
my (undef, undef, $s) = split /\./, Cognito::access_token(sub => "other");
["X-Cognito-Claims: eyJzdWIiOiJldmlsIn0",
 "X-Cognito-Claims: eyJzdWIiOiJldmlsIn0\r\nAuthorization: Bearer "
 . Cognito::access_token(exp => time - 3600),
 "Authorization: Bearer $h.$p.$s"]
--- error_code eval
[401, 401, 401]
--- response_body_unlike eval
[qr/eyJ/, qr/eyJ/, qr/eyJ/]
--- error_log eval
qr/claims=\[-\] error=(token_missing|token_expired|bad_signature)/



=== TEST 6: an unprotected location under a server-wide header: stripped
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { echo "claims=[$http_x_cognito_claims]"; }
    }
--- config
    cognito_auth_set_header X-Cognito-Claims $cognito_claims;
    location = /open {
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- request
GET /open
--- more_headers eval
"X-Cognito-Claims: eyJzdWIiOiJldmlsIn0\r\nAuthorization: Bearer $main::T{id}"
--- response_body
claims=[]
--- no_error_log
[error]
[alert]



=== TEST 7: a cache hit gives the same payload
--- config
    location = /t { cognito_auth test; echo "claims=[$cognito_claims]"; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /metrics"]
--- more_headers eval
my $t = "Authorization: Bearer $main::T{cached}";
[$t, $t, $t, ""]
--- response_body_like eval
my $c = "^claims=\\[" . quotemeta(main::payload("cached")) . "\\]\n\\z";
[$c, $c, $c,
 qr/cognito_auth_cache_total\{result="hit"\} 2\ncognito_auth_cache_total\{result="miss"\} 1\n/]
--- no_error_log
[error]



=== TEST 8: a subrequest into the location sees the main request's payload
--- config
    location = /t {
        cognito_auth test;
        echo_location /inner;
    }
    location = /inner {
        cognito_auth test;
        echo "inner=[$cognito_claims]";
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer $main::T{sub}"
--- response_body eval
"inner=[" . main::payload("sub") . "]\n"
--- no_error_log
[error]
[alert]
