# Hostile tokens, part 1: transport (Authorization header forms, several
# headers, sizes), the compact serialization (segments, base64url) and the
# JOSE header (alg, kid, crit, duplicate keys, foreign key hints), plus
# tokens of another pool or the other token_use.  Every block asserts the
# exact status and $cognito_error: the server-level error_page below keeps
# the module's status and answers "<status> <$cognito_error>".
# t/031-hostile-tokens-2.t covers the payload and the signature.

use lib 't/lib';
use Cognito 'no_plan';
use Hostile;

# every block: big header buffers (so that nginx does not answer 400 before
# the module sees an 8 KiB+ token), /why, and unless the block has its own
# config the locations /t (any token_use), /a (access only), /i (id only)
our $Preamble = <<'_EOC_';
    large_client_header_buffers 4 64k;
    error_page 401 403 503 /why;
    location = /why { internal; echo "$status $cognito_error"; }
_EOC_

our $Locations = <<'_EOC_';
    location = /t { cognito_auth test; echo "ok $cognito_username"; }
    location = /a { cognito_auth test; cognito_auth_token_use access; echo "ok $cognito_username"; }
    location = /i { cognito_auth test; cognito_auth_token_use id; echo "ok $cognito_username"; }
_EOC_

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('config', $Preamble . ($block->config // $Locations));
    $block->set_value('request', "GET /t")
        unless defined $block->request || defined $block->raw_request;
    # a crashed worker logs "[alert] ... exited on signal"
    $block->set_value('no_error_log', "[alert]\n[crit]\n[emerg]\n")
        unless defined $block->no_error_log;
});

no_shuffle();
run_tests();

# a valid access token of exactly $len bytes (padded with a "pad" claim)
sub sized_token {
    my $len = shift;
    my $t0 = Hostile::token(payload => Hostile::claims(pad => '""'));
    my $guess = int(($len - length $t0) * 3 / 4) - 3;
    for my $pad ($guess .. $guess + 8) {
        next if $pad < 0;
        my $t = Hostile::token(payload => Hostile::claims(pad => '"' . ('x' x $pad) . '"'));
        return $t if length $t == $len;
    }
    die "no token of exactly $len bytes\n";
}

# a valid token whose signature holds '-' or '_', rewritten in base64's
# '+' '/' alphabet (and '=' padding)
sub std_alphabet_token {
    while (1) {
        my $t = Hostile::token();
        my ($hp, $sig) = $t =~ /^(.*)\.([^.]+)$/;
        next unless $sig =~ /[-_]/;
        $sig =~ tr{-_}{+/};
        return "$hp.$sig==";
    }
}

sub raw_get {
    my $auth = shift;
    return "GET /t HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
           . $auth . "\r\n";
}

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



=== TEST 45: JWE (five segments)
--- more_headers eval
my $t = Hostile::token();
Hostile::bearer(Hostile::b64u('{"alg":"RSA-OAEP","enc":"A256GCM"}') . ".AAAA.BBBB.CCCC.DDDD")
--- error_code: 401
--- response_body
401 token_encrypted



=== TEST 46: two segments
--- more_headers eval
my ($h, $p) = split /\./, Hostile::token();
Hostile::bearer("$h.$p")
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 47: four segments
--- more_headers eval
Hostile::bearer(Hostile::token() . ".AAAA")
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 48: six segments
--- more_headers eval
Hostile::bearer(Hostile::token() . ".AAAA.BBBB.CCCC")
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 49: one segment
--- more_headers eval
Hostile::bearer(Hostile::b64u('{"alg":"RS256","kid":"test-key-1"}'))
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 50: empty header segment
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer(".$p.$s")
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 51: empty payload segment
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer("$h..$s")
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 52: empty signature segment under RS256
--- more_headers eval
Hostile::bearer(Hostile::token(sign_alg => ""))
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 53: just dots
--- more_headers
Authorization: Bearer ..
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 54: base64 '=' padding on the header segment
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer("$h==.$p.$s")
--- error_code: 401
--- response_body
401 bad_base64



=== TEST 55: the signature in base64's '+' '/' alphabet with '=' padding
--- more_headers eval
Hostile::bearer(main::std_alphabet_token())
--- error_code: 401
--- response_body
401 bad_base64



=== TEST 56: a payload segment one character too long (length % 4 == 1)
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
$p .= "A" x ((1 - length($p)) % 4);
Hostile::bearer("$h.$p.$s")
--- error_code: 401
--- response_body
401 bad_base64



=== TEST 57: a space inside the token
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer("$h.$p .$s")
--- error_code: 401
--- response_body
401 bad_base64



=== TEST 58: a tab inside the token
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer("$h.$p\t.$s")
--- error_code: 401
--- response_body
401 bad_base64



=== TEST 59: non-ASCII bytes inside the token
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer("$h.$p\xc3\xa9.$s")
--- error_code: 401
--- response_body
401 bad_base64



=== TEST 60: a line break inside the token (obs-fold): nginx answers 400 itself
--- raw_request eval
my ($h, $p, $s) = split /\./, Hostile::token();
main::raw_get("Authorization: Bearer $h.$p\r\n .$s\r\n")
--- error_code: 400
--- error_log
client sent invalid header line: "\x20



=== TEST 61: a bare LF inside the token ends the header line the same way
--- raw_request eval
my ($h, $p, $s) = split /\./, Hostile::token();
main::raw_get("Authorization: Bearer $h.$p\n.$s\r\n")
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 62: a NUL byte in the Authorization header: nginx answers 400 itself
--- raw_request eval
my ($h, $p, $s) = split /\./, Hostile::token();
main::raw_get("Authorization: Bearer $h.$p\0.$s\r\n")
--- error_code: 400
--- error_log
client sent invalid header line



=== TEST 63: a token of exactly 8192 bytes (the limit) passes
--- more_headers eval
Hostile::bearer(main::sized_token(8192))
--- response_body
ok alice



=== TEST 64: a validly signed token of 8193 bytes
--- more_headers eval
Hostile::bearer(main::sized_token(8193))
--- error_code: 401
--- response_body
401 token_too_long



=== TEST 65: a validly signed token of 16 KiB
--- more_headers eval
Hostile::bearer(main::sized_token(16384))
--- error_code: 401
--- response_body
401 token_too_long



=== TEST 66: 60 KiB of garbage (length is checked before anything else)
--- more_headers eval
Hostile::bearer("A" x 61440)
--- error_code: 401
--- response_body
401 token_too_long



=== TEST 67: a token larger than large_client_header_buffers: nginx answers 400 itself
--- more_headers eval
Hostile::bearer(main::sized_token(70000))
--- error_code: 400
--- response_body_like: Request Header Or Cookie Too Large



=== TEST 68: two Authorization headers: nginx refuses the request (400) before the access phase
--- more_headers eval
Hostile::bearer(Hostile::token()) . "\r\n" . Hostile::bearer(Hostile::token(header => Hostile::header(alg => "none"), sign_alg => ""))
--- error_code: 400
--- error_log
client sent duplicate header line: "Authorization



=== TEST 69: a valid and an empty Authorization header: still 400
--- raw_request eval
main::raw_get("Authorization:\r\n" . Hostile::bearer(Hostile::token()) . "\r\n")
--- error_code: 400
--- error_log
client sent duplicate header line



=== TEST 70: scheme "bearer" (lowercase)
--- more_headers eval
"Authorization: bearer " . Hostile::token()
--- response_body
ok alice



=== TEST 71: scheme "BEARER"
--- more_headers eval
"Authorization: BEARER " . Hostile::token()
--- response_body
ok alice



=== TEST 72: extra spaces before and after the token
--- more_headers eval
"Authorization: Bearer     " . Hostile::token() . "   "
--- response_body
ok alice



=== TEST 73: a tab between the scheme and the token is not a Bearer credential
--- more_headers eval
"Authorization: Bearer\t" . Hostile::token()
--- error_code: 401
--- response_body
401 token_missing



=== TEST 74: scheme "Bearer" glued to the token
--- more_headers eval
"Authorization: Bearer" . Hostile::token()
--- error_code: 401
--- response_body
401 token_missing



=== TEST 75: "Bearer" and nothing else
--- more_headers
Authorization: Bearer
--- error_code: 401
--- response_body
401 token_missing



=== TEST 76: "Bearer" and only spaces
--- raw_request eval
main::raw_get("Authorization: Bearer      \r\n")
--- error_code: 401
--- response_body
401 token_missing



=== TEST 77: Basic credentials
--- more_headers
Authorization: Basic YWxpY2U6c2VjcmV0
--- error_code: 401
--- response_body
401 token_missing



=== TEST 78: the token under another scheme ("Token <jwt>")
--- more_headers eval
"Authorization: Token " . Hostile::token()
--- error_code: 401
--- response_body
401 token_missing



=== TEST 79: a token of another user pool, signed with a key this pool trusts
--- more_headers eval
Hostile::bearer(Hostile::token(payload => Hostile::claims(iss => '"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool"')))
--- error_code: 401
--- response_body
401 wrong_issuer



=== TEST 80: two pools: a token naming pool B but signed with pool A's key is checked against B's keys
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool a us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool b us-east-1_PoolB client_id=testclient1 jwks_file=$TEST_NGINX_HTML_DIR/b.json;
--- user_files eval
">>> b.json\n" . Hostile::jwks(["rsa-rotated", "test-key-3", "RS256"]) . "\n"
--- config
    location = /t { cognito_auth a b; echo "ok $cognito_pool"; }
--- more_headers eval
Hostile::bearer(Hostile::token(payload => Hostile::claims(iss => '"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_PoolB"')))
--- error_code: 401
--- response_body
401 kid_unknown



=== TEST 81: two pools: pool B's own token passes as pool b
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool a us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool b us-east-1_PoolB client_id=testclient1 jwks_file=$TEST_NGINX_HTML_DIR/b.json;
--- user_files eval
">>> b.json\n" . Hostile::jwks(["rsa-rotated", "test-key-3", "RS256"]) . "\n"
--- config
    location = /t { cognito_auth a b; echo "ok $cognito_pool"; }
--- more_headers eval
Hostile::bearer(Hostile::token(header => Hostile::header(kid => "test-key-3"), key => "rsa-rotated",
    payload => Hostile::claims(iss => '"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_PoolB"')))
--- response_body
ok b



=== TEST 82: two pools: a third pool's issuer
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool a us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool b us-east-1_PoolB client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location = /t { cognito_auth a b; echo "ok $cognito_pool"; }
--- more_headers eval
Hostile::bearer(Hostile::token(payload => Hostile::claims(iss => '"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_PoolC"')))
--- error_code: 401
--- response_body
401 wrong_issuer



=== TEST 83: an id token where an access token is required
--- request
GET /a
--- more_headers eval
Hostile::bearer(Hostile::token(payload => Hostile::id_claims()))
--- error_code: 401
--- response_body
401 wrong_token_use



=== TEST 84: an access token where an id token is required
--- request
GET /i
--- more_headers eval
Hostile::bearer(Hostile::token())
--- error_code: 401
--- response_body
401 wrong_token_use



=== TEST 85: an id token where an id token is required passes
--- request
GET /i
--- more_headers eval
Hostile::bearer(Hostile::token(payload => Hostile::id_claims()))
--- response_body
ok alice



=== TEST 86: the signature's last character with its unused low bits set (the same bytes, another string) is refused
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
[Hostile::bearer("$h.$p." . Hostile::noncanonical($s, 1)),
 Hostile::bearer("$h.$p." . Hostile::noncanonical($s, 0xf)),
 Hostile::bearer("$h.$p.$s")]
--- error_code eval
[401, 401, 200]
--- response_body eval
["401 bad_base64\n", "401 bad_base64\n", "ok alice\n"]



=== TEST 87: the header's last character non-canonical, signed as sent, is refused
--- more_headers eval
my $h = Hostile::noncanonical(Hostile::b64u(Hostile::header())) // die "header has no spare bits\n";
my $in = $h . '.' . Hostile::b64u(Hostile::claims());
Hostile::bearer("$in." . Hostile::b64u(Hostile::sign('RS256', $in)))
--- error_code: 401
--- response_body
401 bad_base64



=== TEST 88: the payload's last character non-canonical, signed as sent, is refused
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
my @t;
for my $pad ('', 'x', 'xx') {
    my $p = Hostile::b64u(Hostile::claims(pad => qq{"$pad"}));
    my $n = Hostile::noncanonical($p) // next;
    my $in = Hostile::b64u(Hostile::header()) . ".$n";
    push @t, Hostile::bearer("$in." . Hostile::b64u(Hostile::sign('RS256', $in)));
    last;
}
my $in = Hostile::b64u(Hostile::header()) . '.' . Hostile::b64u(Hostile::claims());
push @t, Hostile::bearer("$in." . Hostile::b64u(Hostile::sign('RS256', $in)));
\@t
--- error_code eval
[401, 200]
--- response_body eval
["401 bad_base64\n", "ok alice\n"]
