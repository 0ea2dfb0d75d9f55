# Every token rejection: its status, RFC 6750 WWW-Authenticate, JSON body,
# $cognito_error and an info-level log line with the reason (never the token).

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a valid access token passes
--- config
    location = /t {
        cognito_auth test;
        echo "sub=$cognito_sub user=$cognito_username use=$cognito_token_use pool=$cognito_pool";
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- response_body
sub=11111111-2222-3333-4444-555555555555 user=alice use=access pool=test
--- no_error_log
[error]
[alert]



=== TEST 2: no token: 401 without an error attribute
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="cognito"
Content-Type: application/json
--- response_body
{"error":"unauthorized","error_description":"token missing"}
--- error_log
cognito auth: token rejected: token_missing



=== TEST 3: expired token
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(exp => time - 3600, iat => time - 7200)
--- error_code: 401
--- response_headers_like
WWW-Authenticate: Bearer realm="cognito", error="invalid_token", error_description="[^"]*expired[^"]*"
--- response_body_like
^\{"error":"invalid_token","error_description":"[^"]*expired[^"]*"\}$
--- error_log
cognito auth: token rejected: token_expired



=== TEST 4: expired, but within a configured leeway (leeway=60s)
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json leeway=60s;
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(exp => time - 20)
--- response_body
ok
--- no_error_log
[error]



=== TEST 5: not yet valid (nbf in the future)
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(nbf => time + 3600)
--- error_code: 401
--- error_log
cognito auth: token rejected: token_not_yet_valid



=== TEST 6: issued in the future: accepted (iat is informational, as in aws-jwt-verify)
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(iat => time + 3600)
--- response_body
ok
--- no_error_log
[error]
token rejected



=== TEST 7: another pool's token
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(iss => "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool")
--- error_code: 401
--- error_log
cognito auth: token rejected: wrong_issuer



=== TEST 8: another app client
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(client_id => "otherclient9")
--- error_code: 401
--- error_log
cognito auth: token rejected: wrong_client



=== TEST 9: tampered payload
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
my @p = split /\./, Cognito::access_token();
my $evil = Cognito::access_token(sub => "admin");
$p[1] = (split /\./, $evil)[1];
"Authorization: Bearer " . CORE::join(".", @p)
--- error_code: 401
--- error_log
cognito auth: token rejected: bad_signature



=== TEST 10: signed by a key of another kid's owner
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(-key => "rsa2", -kid => "test-key-1")
--- error_code: 401
--- error_log
cognito auth: token rejected: bad_signature



=== TEST 11: unknown kid
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(-key => "rsa-rotated", -kid => "test-key-3")
--- error_code: 401
--- error_log
cognito auth: token rejected: kid_unknown



=== TEST 12: alg none
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(-alg => "none")
--- error_code: 401
--- error_log
cognito auth: token rejected: alg_none



=== TEST 13: HS256 keyed with the public key
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
my $pub = do { local (@ARGV, $/) = ("$ENV{TEST_NGINX_DATA_DIR}/rsa1.pub.pem"); <> };
"Authorization: Bearer " . Cognito::access_token(-alg => "HS256", -secret => $pub)
--- error_code: 401
--- error_log
cognito auth: token rejected: alg_hmac



=== TEST 14: no kid
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(-kid => undef)
--- error_code: 401
--- error_log
cognito auth: token rejected: kid_missing



=== TEST 15: garbage
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers
Authorization: Bearer not-a-token
--- error_code: 401
--- error_log
cognito auth: token rejected: token_malformed



=== TEST 16: encrypted token (five segments)
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers
Authorization: Bearer eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d
--- error_code: 401
--- error_log
cognito auth: token rejected: token_encrypted



=== TEST 17: $cognito_error names the reason; claims stay empty
--- config
    location = /t {
        cognito_auth test;
        error_page 401 = /why;
        echo ok;
    }
    location = /why {
        echo "error=$cognito_error sub=$cognito_sub";
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(exp => time - 3600)
--- response_body
error=token_expired sub=
--- error_log
cognito auth: token rejected: token_expired



=== TEST 18: the token never reaches the log
--- log_level: info
--- config
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(exp => time - 3600, jti => "SECRET-MARKER-5a1f")
--- error_code: 401
--- no_error_log
eyJ



=== TEST 19: an id token where only access tokens are accepted
--- config
    location = /t { cognito_auth test; cognito_auth_token_use access; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token()
--- error_code: 401
--- error_log
cognito auth: token rejected: wrong_token_use



=== TEST 20: an access token where only id tokens are accepted
--- config
    location = /t { cognito_auth test; cognito_auth_token_use id; echo ok; }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token()
--- error_code: 401
--- error_log
cognito auth: token rejected: wrong_token_use



=== TEST 21: a valid id token, with aud as the client
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_token_use id;
        echo "client=$cognito_client_id user=$cognito_username use=$cognito_token_use";
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::id_token()
--- response_body
client=testclient1 user=alice use=id
--- no_error_log
[error]
