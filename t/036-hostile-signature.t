# Hostile tokens: the signature.  Cut short, too long, zero, one byte,
# out of range, another token's, PSS or SHA-1 under "RS256", and a forged
# token after a good one with the same header (the cache holds only exact
# tokens).
# Every block asserts the exact status and $cognito_error; t/lib/Hostile.pm
# builds the tokens and the blocks' common frame.

use lib 't/lib';
use Cognito 'no_plan';
use Hostile;

Hostile::setup();

no_shuffle();
run_tests();

__DATA__

=== TEST 1: the signature cut short by one byte
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
my $sig = MIME::Base64::decode_base64(do { (my $x = $s) =~ tr{-_}{+/}; $x });
Hostile::bearer("$h.$p." . Hostile::b64u(substr $sig, 0, -1))
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 2: the signature with one byte too many
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
my $sig = MIME::Base64::decode_base64(do { (my $x = $s) =~ tr{-_}{+/}; $x });
Hostile::bearer("$h.$p." . Hostile::b64u($sig . "\0"))
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 3: a signature of 256 zero bytes
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer("$h.$p." . Hostile::b64u("\0" x 256))
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 4: a signature of one byte
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer("$h.$p.AA")
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 5: a signature equal to the modulus n (out of range)
--- more_headers eval
require Crypt::PK::RSA;
my $n = Crypt::PK::RSA->new("$ENV{TEST_NGINX_DATA_DIR}/rsa1.pem")->export_key_jwk('public', 1)->{n};
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer("$h.$p.$n")
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 6: the signature of another token under the same key
--- more_headers eval
my ($h, $p) = split /\./, Hostile::token(payload => Hostile::claims(sub => '"admin"'));
my (undef, undef, $s) = split /\./, Hostile::token();
Hostile::bearer("$h.$p.$s")
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 7: signed with PSS padding under "RS256"
--- more_headers eval
require Crypt::PK::RSA;
my $in = Hostile::b64u(Hostile::header()) . "." . Hostile::b64u(Hostile::claims());
my $sig = Crypt::PK::RSA->new("$ENV{TEST_NGINX_DATA_DIR}/rsa1.pem")->sign_message($in, 'SHA256', 'pss', 32);
Hostile::bearer("$in." . Hostile::b64u($sig))
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 8: signed over SHA-1 under "RS256"
--- more_headers eval
require Crypt::PK::RSA;
my $in = Hostile::b64u(Hostile::header()) . "." . Hostile::b64u(Hostile::claims());
my $sig = Crypt::PK::RSA->new("$ENV{TEST_NGINX_DATA_DIR}/rsa1.pem")->sign_message($in, 'SHA1', 'v1.5');
Hostile::bearer("$in." . Hostile::b64u($sig))
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 9: a forged token after a good one with the same header (the cache holds only exact tokens)
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
my $good = Hostile::token();
my ($h, $p, $s) = split /\./, $good;
my (undef, $evil) = split /\./, Hostile::token(payload => Hostile::claims(username => '"mallory"'));
[Hostile::bearer($good), Hostile::bearer("$h.$evil.$s")]
--- error_code eval
[200, 401]
--- response_body eval
["ok alice\n", "401 bad_signature\n"]



=== TEST 10: a forged token's payload is never parsed: its signature is refused first
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[Hostile::bearer(Hostile::token(payload => 'not JSON', key => 'rsa2')),
 Hostile::bearer(Hostile::token(payload => 'not JSON'))]
--- error_code eval
[401, 401]
--- response_body eval
["401 bad_signature\n", "401 bad_payload\n"]



=== TEST 11: pools picked by iss read the payload before the signature
--- http_config
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool partners eu-west-1_Partners9 client_id=partnerapp jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location = /t { cognito_auth test partners; echo "ok $cognito_pool"; }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[Hostile::bearer(Hostile::token(payload => 'not JSON', key => 'rsa2')),
 Hostile::bearer(Hostile::token(key => 'rsa2')),
 Hostile::bearer(Hostile::token())]
--- error_code eval
[401, 401, 200]
--- response_body eval
["401 bad_payload\n", "401 bad_signature\n", "ok test\n"]
