# Hostile tokens: the JOSE header.  alg (none, HMAC keyed with the public
# key, names, the pool's algs=), kid (missing, empty, long, odd bytes,
# wrong types), crit, duplicate keys, a header that is no JSON object,
# foreign key hints (jku, x5u, jwk) and re-encoded headers.
# Every block asserts the exact status and $cognito_error; t/lib/Hostile.pm
# builds the tokens and the blocks' common frame.

use lib 't/lib';
use Cognito 'no_plan';
use Hostile;

Hostile::setup();

no_shuffle();
run_tests();

__DATA__

=== TEST 1: baseline: a valid hand-built token passes
--- more_headers eval
Hostile::bearer(Hostile::token())
--- response_body
ok alice



=== TEST 2: alg "none", empty signature
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "none"), sign_alg => ""))
--- error_code: 401
--- response_body
401 alg_none



=== TEST 3: alg "None"
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "None"), sign_alg => ""))
--- error_code: 401
--- response_body
401 alg_none



=== TEST 4: alg "NONE"
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "NONE"), sign_alg => ""))
--- error_code: 401
--- response_body
401 alg_none



=== TEST 5: alg "nOnE" with a real RS256 signature attached
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "nOnE")))
--- error_code: 401
--- response_body
401 alg_none



=== TEST 6: HS256 keyed with the RSA public key (PEM)
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "HS256"),
    sign_alg => "HS256", key => Hostile::public_pem("rsa1")))
--- error_code: 401
--- response_body
401 alg_hmac



=== TEST 7: HS384 keyed with the RSA public key (PEM)
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "HS384"),
    sign_alg => "HS384", key => Hostile::public_pem("rsa1")))
--- error_code: 401
--- response_body
401 alg_hmac



=== TEST 8: HS512 keyed with the RSA public key (PEM)
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "HS512"),
    sign_alg => "HS512", key => Hostile::public_pem("rsa1")))
--- error_code: 401
--- response_body
401 alg_hmac



=== TEST 9: HS256 keyed with the RSA public key (DER)
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "HS256"),
    sign_alg => "HS256", key => Hostile::public_der("rsa1")))
--- error_code: 401
--- response_body
401 alg_hmac



=== TEST 10: HS512 keyed with the RSA public key (DER), lowercase "hs512"
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "hs512"),
    sign_alg => "HS512", key => Hostile::public_der("rsa1")))
--- error_code: 401
--- response_body
401 alg_hmac



=== TEST 11: no alg
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => undef)))
--- error_code: 401
--- response_body
401 alg_missing



=== TEST 12: alg is a number
--- more_headers eval
Hostile::bearer(Hostile::token(header => '{"alg":256,"kid":"test-key-1"}'))
--- error_code: 401
--- response_body
401 alg_missing



=== TEST 13: alg "rs256" (algorithm names are case-sensitive)
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "rs256")))
--- error_code: 401
--- response_body
401 alg_not_allowed



=== TEST 14: alg "RS256 " with a trailing space
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "RS256 ")))
--- error_code: 401
--- response_body
401 alg_not_allowed



=== TEST 15: alg "ES256"
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "ES256")))
--- error_code: 401
--- response_body
401 alg_not_allowed



=== TEST 16: alg "PS256"
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "PS256")))
--- error_code: 401
--- response_body
401 alg_not_allowed



=== TEST 17: RS384 token against a pool with the default algs=RS256 (JWK says RS256)
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "RS384"), sign_alg => "RS384"))
--- error_code: 401
--- response_body
401 alg_not_allowed



=== TEST 18: RS512 token against a pool with the default algs=RS256, JWK without "alg"
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_HTML_DIR/noalg.json;
--- user_files eval
">>> noalg.json\n" . Hostile::jwks(["rsa1", "test-key-1", undef]) . "\n"
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "RS512"), sign_alg => "RS512"))
--- error_code: 401
--- response_body
401 alg_not_allowed



=== TEST 19: algs=RS256,RS384: an RS384 token whose kid's JWK says RS256
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 algs=RS256,RS384 jwks_file=$TEST_NGINX_HTML_DIR/algs.json;
--- user_files eval
">>> algs.json\n" . Hostile::jwks(["rsa1", "test-key-1", "RS256"], ["rsa2", "test-key-2", "RS384"]) . "\n"
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "RS384", kid => "test-key-1"), sign_alg => "RS384", key => "rsa1"))
--- error_code: 401
--- response_body
401 key_mismatch



=== TEST 20: algs=RS256,RS384: an RS384 token whose kid's JWK says RS384 passes
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 algs=RS256,RS384 jwks_file=$TEST_NGINX_HTML_DIR/algs.json;
--- user_files eval
">>> algs.json\n" . Hostile::jwks(["rsa1", "test-key-1", "RS256"], ["rsa2", "test-key-2", "RS384"]) . "\n"
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "RS384", kid => "test-key-2"), sign_alg => "RS384", key => "rsa2"))
--- response_body
ok alice



=== TEST 21: algs=RS256,RS384: an RS256 token whose kid's JWK says RS384
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 algs=RS256,RS384 jwks_file=$TEST_NGINX_HTML_DIR/algs.json;
--- user_files eval
">>> algs.json\n" . Hostile::jwks(["rsa1", "test-key-1", "RS256"], ["rsa2", "test-key-2", "RS384"]) . "\n"
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "RS256", kid => "test-key-2"), key => "rsa2"))
--- error_code: 401
--- response_body
401 key_mismatch



=== TEST 22: algs=RS256,RS384: an RS512 token (JWK without "alg") is not allowed
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 algs=RS256,RS384 jwks_file=$TEST_NGINX_HTML_DIR/algs.json;
--- user_files eval
">>> algs.json\n" . Hostile::jwks(["rsa1", "test-key-1", undef]) . "\n"
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(alg => "RS512"), sign_alg => "RS512"))
--- error_code: 401
--- response_body
401 alg_not_allowed



=== TEST 23: no kid
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(kid => undef)))
--- error_code: 401
--- response_body
401 kid_missing



=== TEST 24: empty kid
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(kid => "")))
--- error_code: 401
--- response_body
401 kid_missing



=== TEST 25: kid of 300 characters
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(kid => "k" x 300)))
--- error_code: 401
--- response_body
401 kid_missing



=== TEST 26: kid of 256 characters (the limit) is looked up, and unknown
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(kid => "k" x 256)))
--- error_code: 401
--- response_body
401 kid_unknown



=== TEST 27: kid "../../etc/passwd"
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(kid => "../../etc/passwd")))
--- error_code: 401
--- response_body
401 kid_unknown



=== TEST 28: kid "test-key-1\u0000evil": a NUL in JSON text is refused by the parser
--- more_headers eval
Hostile::bearer(Hostile::token(header => '{"alg":"RS256","kid":"test-key-1\u0000evil"}'))
--- error_code: 401
--- response_body
401 bad_header



=== TEST 29: kid "\u0000" alone
--- more_headers eval
Hostile::bearer(Hostile::token(header => '{"alg":"RS256","kid":"\u0000"}'))
--- error_code: 401
--- response_body
401 bad_header



=== TEST 30: non-ASCII kid (UTF-8 "tëst-key-1")
--- more_headers eval
Hostile::bearer(Hostile::token(header => "{\"alg\":\"RS256\",\"kid\":\"t\xc3\xabst-key-1\"}"))
--- error_code: 401
--- response_body
401 kid_unknown



=== TEST 31: kid with invalid UTF-8 (a lone \xff byte)
--- more_headers eval
Hostile::bearer(Hostile::token(header => "{\"alg\":\"RS256\",\"kid\":\"test-key-1\xff\"}"))
--- error_code: 401
--- response_body
401 bad_header



=== TEST 32: kid is a number
--- more_headers eval
Hostile::bearer(Hostile::token(header => '{"alg":"RS256","kid":1}'))
--- error_code: 401
--- response_body
401 kid_missing



=== TEST 33: kid is an object
--- more_headers eval
Hostile::bearer(Hostile::token(header => '{"alg":"RS256","kid":{"kid":"test-key-1"}}'))
--- error_code: 401
--- response_body
401 kid_missing



=== TEST 34: duplicate "alg" in the header (RS256, then none)
--- more_headers eval
Hostile::bearer(Hostile::token(header => '{"alg":"RS256","kid":"test-key-1","alg":"none"}'))
--- error_code: 401
--- response_body
401 bad_header



=== TEST 35: duplicate "kid" in the header
--- more_headers eval
Hostile::bearer(Hostile::token(header => '{"alg":"RS256","kid":"test-key-2","kid":"test-key-1"}'))
--- error_code: 401
--- response_body
401 bad_header



=== TEST 36: header is a JSON array
--- more_headers eval
Hostile::bearer(Hostile::token(header => '[{"alg":"RS256","kid":"test-key-1"}]'))
--- error_code: 401
--- response_body
401 bad_header



=== TEST 37: header is a JSON string
--- more_headers eval
Hostile::bearer(Hostile::token(header => '"RS256"'))
--- error_code: 401
--- response_body
401 bad_header



=== TEST 38: header is not JSON
--- more_headers eval
Hostile::bearer(Hostile::token(header => 'alg=RS256;kid=test-key-1'))
--- error_code: 401
--- response_body
401 bad_header



=== TEST 39: header followed by trailing garbage
--- more_headers eval
Hostile::bearer(Hostile::token(header => '{"alg":"RS256","kid":"test-key-1"}x'))
--- error_code: 401
--- response_body
401 bad_header



=== TEST 40: header nested 100 deep
--- more_headers eval
Hostile::bearer(Hostile::token(header => '{"alg":"RS256","kid":"test-key-1","x":' . ('[' x 100) . (']' x 100) . '}'))
--- error_code: 401
--- response_body
401 bad_header



=== TEST 41: crit ["exp"]
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(crit => '["exp"]', exp => 1)))
--- error_code: 401
--- response_body
401 crit_unsupported



=== TEST 42: crit as an empty array
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(crit => '[]')))
--- error_code: 401
--- response_body
401 crit_unsupported



=== TEST 43: jku/x5u pointing elsewhere and an embedded jwk, signed by that other key: ignored
--- more_headers eval
my $jwk = do { require Crypt::PK::RSA; Crypt::PK::RSA->new("$ENV{TEST_NGINX_DATA_DIR}/rsa-rotated.pem")->export_key_jwk('public') };
Hostile::bearer(Hostile::token(header => Hostile::header(jku => '"http://127.0.0.1:9/jwks.json"',
    x5u => '"http://127.0.0.1:9/cert.pem"', jwk => $jwk), key => "rsa-rotated"))
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 44: header fields re-encoded (same meaning, different bytes) under the old signature
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer(Hostile::b64u('{"kid":"test-key-1","alg":"RS256"}') . ".$p.$s")
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 45: one header, two pools' algs=, in turn: each pool's algs= decides every time
The same RS384 token to a pool that allows RS384 and to one that does
not (the default, RS256), with no cache: every request parses the
token, and from the second on its header is one the worker has met (the
header memo; a zone hit's parse with the memo: t/043).
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_cache off;
    cognito_auth_pool wide us-east-1_TestPool1 client_id=testclient1 algs=RS256,RS384 jwks_file=$TEST_NGINX_HTML_DIR/algs.json;
    cognito_auth_pool narrow us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_HTML_DIR/algs.json;
--- config
    location = /wide { cognito_auth wide; echo "ok $cognito_username"; }
    location = /narrow { cognito_auth narrow; echo "ok $cognito_username"; }
--- user_files eval
">>> algs.json\n" . Hostile::jwks(["rsa1", "test-key-1", "RS256"], ["rsa2", "test-key-2", "RS384"]) . "\n"
--- request eval
["GET /narrow", "GET /wide", "GET /narrow", "GET /wide"]
--- more_headers eval
my $t = Hostile::bearer(Hostile::token(header => Hostile::header(alg => "RS384", kid => "test-key-2"), sign_alg => "RS384", key => "rsa2"));
[($t) x 4]
--- error_code eval
[401, 200, 401, 200]
--- response_body eval
["401 alg_not_allowed\n", "ok alice\n", "401 alg_not_allowed\n", "ok alice\n"]
