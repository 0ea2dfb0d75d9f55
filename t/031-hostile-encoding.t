# Hostile tokens: the encodings.  The compact serialization (segments,
# JWE), base64url (padding, alphabet, length, canonical last characters),
# the Authorization header (bytes nginx refuses, sizes, several headers,
# the Bearer scheme), and the payload's JSON text (duplicate keys,
# nesting, huge numbers, not an object, trailing bytes, BOM, UTF-8).
# Every block asserts the exact status and $cognito_error; t/lib/Hostile.pm
# builds the tokens and the blocks' common frame.

use lib 't/lib';
use Cognito 'no_plan';
use Hostile;

Hostile::setup();

no_shuffle();
run_tests();

__DATA__

=== TEST 1: JWE (five segments)
--- more_headers eval
my $t = Hostile::token();
Hostile::bearer(Hostile::b64u('{"alg":"RSA-OAEP","enc":"A256GCM"}') . ".AAAA.BBBB.CCCC.DDDD")
--- error_code: 401
--- response_body
401 token_encrypted



=== TEST 2: two segments
--- more_headers eval
my ($h, $p) = split /\./, Hostile::token();
Hostile::bearer("$h.$p")
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 3: four segments
--- more_headers eval
Hostile::bearer(Hostile::token() . ".AAAA")
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 4: six segments
--- more_headers eval
Hostile::bearer(Hostile::token() . ".AAAA.BBBB.CCCC")
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 5: one segment
--- more_headers eval
Hostile::bearer(Hostile::b64u('{"alg":"RS256","kid":"test-key-1"}'))
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 6: empty header segment
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer(".$p.$s")
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 7: empty payload segment
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer("$h..$s")
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 8: empty signature segment under RS256
--- more_headers eval
Hostile::bearer(Hostile::token(sign_alg => ""))
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 9: just dots
--- more_headers
Authorization: Bearer ..
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 10: base64 '=' padding on the header segment
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer("$h==.$p.$s")
--- error_code: 401
--- response_body
401 bad_base64



=== TEST 11: the signature in base64's '+' '/' alphabet with '=' padding
--- more_headers eval
Hostile::bearer(main::std_alphabet_token())
--- error_code: 401
--- response_body
401 bad_base64



=== TEST 12: a payload segment one character too long (length % 4 == 1)
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
$p .= "A" x ((1 - length($p)) % 4);
Hostile::bearer("$h.$p.$s")
--- error_code: 401
--- response_body
401 bad_base64



=== TEST 13: a space inside the token
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer("$h.$p .$s")
--- error_code: 401
--- response_body
401 bad_base64



=== TEST 14: a tab inside the token
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer("$h.$p\t.$s")
--- error_code: 401
--- response_body
401 bad_base64



=== TEST 15: non-ASCII bytes inside the token
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer("$h.$p\xc3\xa9.$s")
--- error_code: 401
--- response_body
401 bad_base64



=== TEST 16: a line break inside the token (obs-fold): nginx answers 400 itself
--- raw_request eval
my ($h, $p, $s) = split /\./, Hostile::token();
main::raw_get("Authorization: Bearer $h.$p\r\n .$s\r\n")
--- error_code: 400
--- error_log
client sent invalid header line: "\x20



=== TEST 17: a bare LF inside the token ends the header line the same way
--- raw_request eval
my ($h, $p, $s) = split /\./, Hostile::token();
main::raw_get("Authorization: Bearer $h.$p\n.$s\r\n")
--- error_code: 401
--- response_body
401 token_malformed



=== TEST 18: a NUL byte in the Authorization header: nginx answers 400 itself
--- raw_request eval
my ($h, $p, $s) = split /\./, Hostile::token();
main::raw_get("Authorization: Bearer $h.$p\0.$s\r\n")
--- error_code: 400
--- error_log
client sent invalid header line



=== TEST 19: a token of exactly 8192 bytes (the limit) passes
--- more_headers eval
Hostile::bearer(main::sized_token(8192))
--- response_body
ok alice



=== TEST 20: a validly signed token of 8193 bytes
--- more_headers eval
Hostile::bearer(main::sized_token(8193))
--- error_code: 401
--- response_body
401 token_too_long



=== TEST 21: a validly signed token of 16 KiB
--- more_headers eval
Hostile::bearer(main::sized_token(16384))
--- error_code: 401
--- response_body
401 token_too_long



=== TEST 22: 60 KiB of garbage (length is checked before anything else)
--- more_headers eval
Hostile::bearer("A" x 61440)
--- error_code: 401
--- response_body
401 token_too_long



=== TEST 23: a token larger than large_client_header_buffers: nginx answers 400 itself
--- more_headers eval
Hostile::bearer(main::sized_token(70000))
--- error_code: 400
--- response_body_like: Request Header Or Cookie Too Large



=== TEST 24: two Authorization headers: nginx refuses the request (400) before the access phase
--- more_headers eval
Hostile::bearer(Hostile::token()) . "\r\n" . Hostile::bearer(Hostile::token(header => Hostile::header(alg => "none"), sign_alg => ""))
--- error_code: 400
--- error_log
client sent duplicate header line: "Authorization



=== TEST 25: a valid and an empty Authorization header: still 400
--- raw_request eval
main::raw_get("Authorization:\r\n" . Hostile::bearer(Hostile::token()) . "\r\n")
--- error_code: 400
--- error_log
client sent duplicate header line



=== TEST 26: scheme "bearer" (lowercase)
--- more_headers eval
"Authorization: bearer " . Hostile::token()
--- response_body
ok alice



=== TEST 27: scheme "BEARER"
--- more_headers eval
"Authorization: BEARER " . Hostile::token()
--- response_body
ok alice



=== TEST 28: extra spaces before and after the token
--- more_headers eval
"Authorization: Bearer     " . Hostile::token() . "   "
--- response_body
ok alice



=== TEST 29: a tab between the scheme and the token is not a Bearer credential
--- more_headers eval
"Authorization: Bearer\t" . Hostile::token()
--- error_code: 401
--- response_body
401 token_missing



=== TEST 30: scheme "Bearer" glued to the token
--- more_headers eval
"Authorization: Bearer" . Hostile::token()
--- error_code: 401
--- response_body
401 token_missing



=== TEST 31: "Bearer" and nothing else
--- more_headers
Authorization: Bearer
--- error_code: 401
--- response_body
401 token_missing



=== TEST 32: "Bearer" and only spaces
--- raw_request eval
main::raw_get("Authorization: Bearer      \r\n")
--- error_code: 401
--- response_body
401 token_missing



=== TEST 33: Basic credentials
--- more_headers
Authorization: Basic YWxpY2U6c2VjcmV0
--- error_code: 401
--- response_body
401 token_missing



=== TEST 34: the token under another scheme ("Token <jwt>")
--- more_headers eval
"Authorization: Token " . Hostile::token()
--- error_code: 401
--- response_body
401 token_missing



=== TEST 35: the signature's last character with its unused low bits set (the same bytes, another string) is refused
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



=== TEST 36: the header's last character non-canonical, signed as sent, is refused
--- more_headers eval
my $h = Hostile::noncanonical(Hostile::b64u(Hostile::header())) // die "header has no spare bits\n";
my $in = $h . '.' . Hostile::b64u(Hostile::claims());
Hostile::bearer("$in." . Hostile::b64u(Hostile::sign('RS256', $in)))
--- error_code: 401
--- response_body
401 bad_base64



=== TEST 37: the payload's last character non-canonical, signed as sent, is refused
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



=== TEST 38: duplicate "sub" in the payload
--- more_headers eval
my $p = Hostile::claims();
$p =~ s/^\{/{"sub":"admin",/;
main::raw($p)
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 39: duplicate "iss" in the payload
--- more_headers eval
my $p = Hostile::claims();
$p =~ s/\}$/,"iss":"https:\/\/evil.example"}/;
main::raw($p)
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 40: duplicate "token_use" (id, then access)
--- more_headers eval
my $p = Hostile::claims(token_use => '"id"');
$p =~ s/\}$/,"token_use":"access"}/;
main::raw($p)
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 41: 100 nested arrays in a claim
--- more_headers eval
main::tok(deep => ('[' x 100) . (']' x 100))
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 42: 100 nested objects in a claim
--- more_headers eval
main::tok(deep => ('{"a":' x 100) . '1' . ('}' x 100))
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 43: 15 nested arrays (depth 16 with the payload object, the limit) pass
--- more_headers eval
main::tok(deep => ('[' x 15) . (']' x 15))
--- response_body
ok alice



=== TEST 44: 16 nested arrays (depth 17) do not
--- more_headers eval
main::tok(deep => ('[' x 16) . (']' x 16))
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 45: 2100 nested arrays (beyond jansson's own parser depth of 2048)
--- more_headers eval
main::tok(deep => ('[' x 2100) . (']' x 2100))
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 46: a huge integer in an unrelated claim is read as a double (as JavaScript, so aws-jwt-verify, reads it)
--- more_headers eval
main::tok(big => '1' . ('0' x 40))
--- response_body
ok alice



=== TEST 47: a huge real in an unrelated claim (beyond a double: refused on purpose)
--- more_headers eval
main::tok(big => '1e400')
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 48: payload is a JSON array
--- more_headers eval
main::raw('[' . Hostile::claims() . ']')
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 49: payload is an empty object
--- more_headers eval
main::raw('{}')
--- error_code: 401
--- response_body
401 wrong_issuer



=== TEST 50: payload is not JSON
--- more_headers eval
main::raw('iss=https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1')
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 51: payload with trailing garbage after the object
--- more_headers eval
main::raw(Hostile::claims() . '{"sub":"admin"}')
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 52: payload with a UTF-8 byte order mark
--- more_headers eval
main::raw("\xef\xbb\xbf" . Hostile::claims())
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 53: payload with invalid UTF-8 in a claim
--- more_headers eval
main::tok(username => "\"al\xffice\"")
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 54: payload with a lone UTF-16 surrogate escape
--- more_headers eval
main::tok(username => '"\ud800"')
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 55: payload of whitespace around the object passes (valid JSON)
--- more_headers eval
main::raw(" \n\t" . Hostile::claims() . " \n")
--- response_body
ok alice



=== TEST 56: payload "null"
--- more_headers eval
main::raw('null')
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 57: payload with a NUL byte after a number, after a literal (jansson skipped one; RFC 8259 and JSON.parse refuse it)
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::tok(exp => (time + 3600) . "\0"), main::tok(flag => "true\0")]
--- error_code eval
[401, 401]
--- response_body eval
["401 bad_payload\n", "401 bad_payload\n"]



=== TEST 58: payload with a form feed between members, a raw tab in a string, a \u escape of non-hex digits (cJSON alone takes each)
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
my $p = Hostile::claims();
$p =~ s/^\{/{\x0c/;
[main::raw($p), main::tok(username => "\"al\tice\""),
 main::tok(iss => '"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1\uZZZZ"')]
--- error_code eval
[401, 401, 401]
--- response_body eval
["401 bad_payload\n", "401 bad_payload\n", "401 bad_payload\n"]



=== TEST 59: numbers that strtod takes and JSON does not: a leading zero, a bare point
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok(n => '01'), main::tok(n => '1.'), main::tok(n => '-.5')]
--- error_code eval
[401, 401, 401]
--- response_body eval
["401 bad_payload\n", "401 bad_payload\n", "401 bad_payload\n"]



=== TEST 60: numbers render as before: integers exact beyond 2^53, reals as jansson wrote them
--- http_config
    cognito_auth_claim_set $big big;
    cognito_auth_claim_set $real real;
    cognito_auth_claim_set $two two;
--- config
    location = /t { cognito_auth test; echo "$big $real $two"; }
--- more_headers eval
main::tok(big => '9007199254740993', real => '0.1', two => '2.0')
--- response_body
9007199254740993 0.10000000000000001 2.0
