# Hostile tokens, part 2: the payload (duplicate keys, nesting, huge
# numbers, every wrong type of exp/nbf/iat, iss, token_use, client_id,
# aud, invalid JSON text), the signature, and claims that travel on into
# variables and trusted headers.  Every block asserts the exact status and
# $cognito_error, as in t/030-hostile-tokens.t.

use lib 't/lib';
use Cognito 'no_plan';
use Hostile;

our $Preamble = <<'_EOC_';
    large_client_header_buffers 4 64k;
    error_page 401 403 503 /why;
    location = /why { internal; echo "$status $cognito_error"; }
_EOC_

our $Locations = <<'_EOC_';
    location = /t { cognito_auth test; echo "ok $cognito_username"; }
    location = /i { cognito_auth test; cognito_auth_token_use id; echo "ok $cognito_username"; }
_EOC_

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('config', $Preamble . ($block->config // $Locations));
    $block->set_value('request', "GET /t")
        unless defined $block->request || defined $block->raw_request;
    $block->set_value('no_error_log', "[alert]\n[crit]\n[emerg]\n")
        unless defined $block->no_error_log;
});

no_shuffle();
run_tests();

sub tok { Hostile::bearer(Hostile::token(payload => Hostile::claims(@_))) }
sub idtok { Hostile::bearer(Hostile::token(payload => Hostile::id_claims(@_))) }

# the payload JSON text as given, signed
sub raw { Hostile::bearer(Hostile::token(payload => shift)) }

__DATA__

=== TEST 1: baseline
--- more_headers eval
main::tok()
--- response_body
ok alice



=== TEST 2: duplicate "sub" in the payload
--- more_headers eval
my $p = Hostile::claims();
$p =~ s/^\{/{"sub":"admin",/;
main::raw($p)
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 3: duplicate "exp" in the payload (expired, then far future)
--- more_headers eval
my $p = Hostile::claims(exp => 1);
$p =~ s/\}$/,"exp":4102444800}/;
main::raw($p)
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 4: duplicate "iss" in the payload
--- more_headers eval
my $p = Hostile::claims();
$p =~ s/\}$/,"iss":"https:\/\/evil.example"}/;
main::raw($p)
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 5: duplicate "token_use" (id, then access)
--- more_headers eval
my $p = Hostile::claims(token_use => '"id"');
$p =~ s/\}$/,"token_use":"access"}/;
main::raw($p)
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 6: 100 nested arrays in a claim
--- more_headers eval
main::tok(deep => ('[' x 100) . (']' x 100))
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 7: 100 nested objects in a claim
--- more_headers eval
main::tok(deep => ('{"a":' x 100) . '1' . ('}' x 100))
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 8: 15 nested arrays (depth 16 with the payload object, the limit) pass
--- more_headers eval
main::tok(deep => ('[' x 15) . (']' x 15))
--- response_body
ok alice



=== TEST 9: 16 nested arrays (depth 17) do not
--- more_headers eval
main::tok(deep => ('[' x 16) . (']' x 16))
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 10: 2100 nested arrays (beyond jansson's own parser depth of 2048)
--- more_headers eval
main::tok(deep => ('[' x 2100) . (']' x 2100))
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 11: a huge integer in an unrelated claim is read as a double (as JavaScript, so aws-jwt-verify, reads it)
--- more_headers eval
main::tok(big => '1' . ('0' x 40))
--- response_body
ok alice



=== TEST 12: a huge real in an unrelated claim (beyond a double: refused on purpose)
--- more_headers eval
main::tok(big => '1e400')
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 13: exp as a string
--- more_headers eval
main::tok(exp => '"' . (time + 3600) . '"')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 14: exp as a real passes (a NumericDate)
--- more_headers eval
main::tok(exp => (time + 3600) . '.5')
--- response_body
ok alice



=== TEST 15: exp as a real with no fraction ("1234.0") passes
--- more_headers eval
main::tok(exp => (time + 3600) . '.0')
--- response_body
ok alice



=== TEST 16: exp in exponent notation passes
--- more_headers eval
main::tok(exp => '4.1e9')
--- response_body
ok alice



=== TEST 17: exp negative is a date before 1970: expired
--- more_headers eval
main::tok(exp => '-1')
--- error_code: 401
--- response_body
401 token_expired



=== TEST 18: exp 1e400 (overflows a double)
--- more_headers eval
main::tok(exp => '1e400')
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 19: exp beyond 64 bits is read as a double: far in the future
--- more_headers eval
main::tok(exp => '99999999999999999999999')
--- response_body
ok alice



=== TEST 20: exp at INT64_MAX is far in the future: accepted, also from the token cache
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
my $t = main::tok(exp => '9223372036854775807');
[$t, $t]
--- response_body eval
["ok alice\n", "ok alice\n"]



=== TEST 21: exp null
--- more_headers eval
main::tok(exp => 'null')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 22: exp true
--- more_headers eval
main::tok(exp => 'true')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 23: exp an array
--- more_headers eval
main::tok(exp => '[' . (time + 3600) . ']')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 24: exp missing
--- more_headers eval
main::tok(exp => undef)
--- error_code: 401
--- response_body
401 exp_missing



=== TEST 25: exp 0
--- more_headers eval
main::tok(exp => '0')
--- error_code: 401
--- response_body
401 token_expired



=== TEST 26: exp an hour ago
--- more_headers eval
main::tok(exp => time - 3600)
--- error_code: 401
--- response_body
401 token_expired



=== TEST 27: nbf an hour in the future
--- more_headers eval
main::tok(nbf => time + 3600)
--- error_code: 401
--- response_body
401 token_not_yet_valid



=== TEST 28: exp 30 s ago: expired, no leeway by default (tokens are minted when the file is read: only past times are exact here)
--- more_headers eval
main::tok(exp => time - 30)
--- error_code: 401
--- response_body
401 token_expired



=== TEST 29: nbf as a string
--- more_headers eval
main::tok(nbf => '"0"')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 30: nbf INT64_MAX
--- more_headers eval
main::tok(nbf => '9223372036854775807')
--- error_code: 401
--- response_body
401 token_not_yet_valid



=== TEST 31: iat an hour in the future passes (iat is informational)
--- more_headers eval
main::tok(iat => time + 3600)
--- response_body
ok alice



=== TEST 32: iat negative passes (a date before 1970)
--- more_headers eval
main::tok(iat => '-5')
--- response_body
ok alice



=== TEST 33: iss missing
--- more_headers eval
main::tok(iss => undef)
--- error_code: 401
--- response_body
401 wrong_issuer



=== TEST 34: iss with a trailing slash
--- more_headers eval
main::tok(iss => '"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1/"')
--- error_code: 401
--- response_body
401 wrong_issuer



=== TEST 35: iss over http
--- more_headers eval
main::tok(iss => '"http://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"')
--- error_code: 401
--- response_body
401 wrong_issuer



=== TEST 36: iss as an array holding the right issuer
--- more_headers eval
main::tok(iss => '["https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"]')
--- error_code: 401
--- response_body
401 wrong_issuer



=== TEST 37: iss followed by an escaped NUL and more text
--- more_headers eval
main::tok(iss => '"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1\u0000.evil"')
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 38: token_use missing
--- more_headers eval
main::tok(token_use => undef)
--- error_code: 401
--- response_body
401 wrong_token_use



=== TEST 39: token_use "ACCESS"
--- more_headers eval
main::tok(token_use => '"ACCESS"')
--- error_code: 401
--- response_body
401 wrong_token_use



=== TEST 40: token_use ["access"]
--- more_headers eval
main::tok(token_use => '["access"]')
--- error_code: 401
--- response_body
401 wrong_token_use



=== TEST 41: token_use "refresh"
--- more_headers eval
main::tok(token_use => '"refresh"')
--- error_code: 401
--- response_body
401 wrong_token_use



=== TEST 42: access token without client_id
--- more_headers eval
main::tok(client_id => undef)
--- error_code: 401
--- response_body
401 wrong_client



=== TEST 43: client_id as an array holding the right client
--- more_headers eval
main::tok(client_id => '["testclient1"]')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 44: access token with only an aud of the right client
--- more_headers eval
main::tok(client_id => undef, aud => '"testclient1"')
--- error_code: 401
--- response_body
401 wrong_client



=== TEST 45: id token with aud as an array holding the right client (aud must be a string, as in aws-jwt-verify)
--- request
GET /i
--- more_headers eval
main::idtok(aud => '["other","testclient1"]')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 46: id token with an aud array holding a number
--- request
GET /i
--- more_headers eval
main::idtok(aud => '[1,"testclient1"]')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 47: id token with aud a number
--- request
GET /i
--- more_headers eval
main::idtok(aud => '7')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 48: id token with only a client_id of the right client
--- request
GET /i
--- more_headers eval
main::idtok(aud => undef, client_id => '"testclient1"')
--- error_code: 401
--- response_body
401 wrong_client



=== TEST 49: id token with an empty aud array
--- request
GET /i
--- more_headers eval
main::idtok(aud => '[]')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 50: payload is a JSON array
--- more_headers eval
main::raw('[' . Hostile::claims() . ']')
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 51: payload is an empty object
--- more_headers eval
main::raw('{}')
--- error_code: 401
--- response_body
401 wrong_issuer



=== TEST 52: payload is not JSON
--- more_headers eval
main::raw('iss=https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1')
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 53: payload with trailing garbage after the object
--- more_headers eval
main::raw(Hostile::claims() . '{"sub":"admin"}')
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 54: payload with a UTF-8 byte order mark
--- more_headers eval
main::raw("\xef\xbb\xbf" . Hostile::claims())
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 55: payload with invalid UTF-8 in a claim
--- more_headers eval
main::tok(username => "\"al\xffice\"")
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 56: payload with a lone UTF-16 surrogate escape
--- more_headers eval
main::tok(username => '"\ud800"')
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 57: payload of whitespace around the object passes (valid JSON)
--- more_headers eval
main::raw(" \n\t" . Hostile::claims() . " \n")
--- response_body
ok alice



=== TEST 58: payload "null"
--- more_headers eval
main::raw('null')
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 59: 500 groups (within the 8 KiB limit) pass
--- config
    location = /t { cognito_auth test; cognito_auth_require_group g499; echo "ok $cognito_username"; }
--- more_headers eval
main::tok("cognito:groups" => "[" . CORE::join(',', map { "\"g$_\"" } 0 .. 499) . ']')
--- response_body
ok alice



=== TEST 60: the signature cut short by one byte
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
my $sig = MIME::Base64::decode_base64(do { (my $x = $s) =~ tr{-_}{+/}; $x });
Hostile::bearer("$h.$p." . Hostile::b64u(substr $sig, 0, -1))
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 61: the signature with one byte too many
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
my $sig = MIME::Base64::decode_base64(do { (my $x = $s) =~ tr{-_}{+/}; $x });
Hostile::bearer("$h.$p." . Hostile::b64u($sig . "\0"))
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 62: a signature of 256 zero bytes
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer("$h.$p." . Hostile::b64u("\0" x 256))
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 63: a signature of one byte
--- more_headers eval
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer("$h.$p.AA")
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 64: a signature equal to the modulus n (out of range)
--- more_headers eval
require Crypt::PK::RSA;
my $n = Crypt::PK::RSA->new("$ENV{TEST_NGINX_DATA_DIR}/rsa1.pem")->export_key_jwk('public', 1)->{n};
my ($h, $p, $s) = split /\./, Hostile::token();
Hostile::bearer("$h.$p.$n")
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 65: the signature of another token under the same key
--- more_headers eval
my ($h, $p) = split /\./, Hostile::token(payload => Hostile::claims(sub => '"admin"'));
my (undef, undef, $s) = split /\./, Hostile::token();
Hostile::bearer("$h.$p.$s")
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 66: signed with PSS padding under "RS256"
--- more_headers eval
require Crypt::PK::RSA;
my $in = Hostile::b64u(Hostile::header()) . "." . Hostile::b64u(Hostile::claims());
my $sig = Crypt::PK::RSA->new("$ENV{TEST_NGINX_DATA_DIR}/rsa1.pem")->sign_message($in, 'SHA256', 'pss', 32);
Hostile::bearer("$in." . Hostile::b64u($sig))
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 67: signed over SHA-1 under "RS256"
--- more_headers eval
require Crypt::PK::RSA;
my $in = Hostile::b64u(Hostile::header()) . "." . Hostile::b64u(Hostile::claims());
my $sig = Crypt::PK::RSA->new("$ENV{TEST_NGINX_DATA_DIR}/rsa1.pem")->sign_message($in, 'SHA1', 'v1.5');
Hostile::bearer("$in." . Hostile::b64u($sig))
--- error_code: 401
--- response_body
401 bad_signature



=== TEST 68: a forged token after a good one with the same header (the cache holds only exact tokens)
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



=== TEST 69: a claim holding CR LF cannot inject a header upstream through cognito_auth_set_header (escaped as %0D%0A)
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "tenant=[$http_x_tenant_id] injected=[$http_x_injected]\n"; }
    }
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_tenant claim=custom:tenant;
        cognito_auth_set_header X-Tenant-Id $cognito_tenant;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- more_headers eval
main::tok('custom:tenant' => '"acme\r\nX-Injected: 1"')
--- error_code: 200
--- response_body
tenant=[acme%0D%0AX-Injected: 1] injected=[]



=== TEST 70: a claim holding CR LF cannot inject a header upstream through proxy_set_header and cognito_auth_claim_set
--- http_config
    cognito_auth_claim_set $cognito_email_claim email;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location / { return 200 "email=[$http_x_email] injected=[$http_x_injected]\n"; }
    }
--- config
    location = /t {
        cognito_auth test;
        proxy_set_header X-Email $cognito_email_claim;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
    }
--- more_headers eval
main::tok(email => '"a@example.com\r\nX-Injected: 1"')
--- error_code: 200
--- response_body
email=[a@example.com%0D%0AX-Injected: 1] injected=[]



=== TEST 71: cognito:groups as one string of words grants none of them
--- config
    location = /t { cognito_auth test; cognito_auth_require_group admins; echo "ok $cognito_username"; }
--- more_headers eval
main::tok("cognito:groups" => '"readers admins"')
--- error_code: 403
--- response_body
403 group_denied



=== TEST 72: cognito:groups as a string that is exactly the group grants nothing (only an array of strings carries groups)
--- config
    location = /t { cognito_auth test; cognito_auth_require_group admins; echo "ok $cognito_username"; }
--- more_headers eval
main::tok("cognito:groups" => '"admins"')
--- error_code: 403
--- response_body
403 group_denied



=== TEST 73: cognito:groups as an array holding a number is not an array of strings: no groups
--- config
    location = /t { cognito_auth test; cognito_auth_require_group admins; echo "ok $cognito_username"; }
--- more_headers eval
main::tok("cognito:groups" => '["admins",1]')
--- error_code: 403
--- response_body
403 group_denied



=== TEST 74: cognito:groups as an array of strings grants its elements
--- config
    location = /t { cognito_auth test; cognito_auth_require_group admins; echo "ok $cognito_username [$cognito_groups]"; }
--- more_headers eval
main::tok("cognito:groups" => '["readers","admins"]')
--- response_body
ok alice [readers,admins]



=== TEST 75: $cognito_groups is empty when cognito:groups is not an array of strings
--- config
    location = /t { cognito_auth test; echo "ok [$cognito_groups]"; }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok("cognito:groups" => '"readers admins"'),
 main::tok("cognito:groups" => '["admins",{"a":1}]'),
 main::tok("cognito:groups" => '{"admins":true}')]
--- response_body eval
["ok []\n", "ok []\n", "ok []\n"]



=== TEST 76: the tenant group rule finds nothing in a cognito:groups string
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_tenant group=^tenant-(.+)$ required;
        echo "tenant=$cognito_tenant";
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::tok("cognito:groups" => '"tenant-acme"'),
 main::tok("cognito:groups" => '["tenant-acme"]')]
--- error_code eval
[403, 200]
--- response_body eval
["403 tenant_missing\n", "tenant=acme\n"]



=== TEST 77: scope as an array is no scope list: the token is refused (as aws-jwt-verify does)
--- config
    location = /t { cognito_auth test; cognito_auth_require_scope openid; echo "ok $cognito_username"; }
--- more_headers eval
main::tok(scope => '["openid","profile"]')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 78: scope as an array is refused also where no scope is required
--- more_headers eval
main::tok(scope => '["openid"]')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 79: scope of other types (number, null, object) is refused
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok(scope => '1'), main::tok(scope => 'null'), main::tok(scope => '{"openid":1}')]
--- error_code eval
[401, 401, 401]
--- response_body eval
["401 claim_type\n", "401 claim_type\n", "401 claim_type\n"]



=== TEST 80: sub or jti not a string is refused (as aws-jwt-verify does)
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok(sub => '12345'), main::tok(sub => '["a"]'), main::tok(jti => '7'), main::tok(jti => 'null')]
--- error_code eval
[401, 401, 401, 401]
--- response_body eval
["401 claim_type\n", "401 claim_type\n", "401 claim_type\n", "401 claim_type\n"]



=== TEST 81: aud that is neither a string nor an array of strings is refused on an access token too
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok(aud => '7'), main::tok(aud => '["x",1]'), main::tok(aud => '["x","y"]')]
--- error_code eval
[401, 401, 200]
--- response_body eval
["401 claim_type\n", "401 claim_type\n", "ok alice\n"]



=== TEST 82: id token with an aud array holding only the right client
--- request
GET /i
--- more_headers eval
main::idtok(aud => '["testclient1"]')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 83: NumericDates: a real exp, nbf and iat pass and are compared as numbers
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
my $now = time;
[main::tok(exp => ($now + 3600) . '.25', nbf => ($now - 60) . '.5', iat => ($now - 60) . '.75'),
 main::tok(exp => '2.5e9'),
 main::tok(exp => '1e300'),
 main::tok(exp => ($now - 3600) . '.5'),
 main::tok(nbf => ($now + 3600) . '.5')]
--- error_code eval
[200, 200, 200, 401, 401]
--- response_body eval
["ok alice\n", "ok alice\n", "ok alice\n", "401 token_expired\n", "401 token_not_yet_valid\n"]



=== TEST 84: NumericDates: negative values are dates before 1970
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok(nbf => '-1'), main::tok(nbf => '-1e300'), main::tok(exp => '-1e300'), main::tok(iat => '-86400.5')]
--- error_code eval
[200, 200, 401, 200]
--- response_body eval
["ok alice\n", "ok alice\n", "401 token_expired\n", "ok alice\n"]



=== TEST 85: NumericDates beyond 64-bit integers are numbers too
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok(iat => '99999999999999999999999'),
 main::tok(nbf => '-99999999999999999999999'),
 main::tok(exp => '-99999999999999999999999')]
--- error_code eval
[200, 200, 401]
--- response_body eval
["ok alice\n", "ok alice\n", "401 token_expired\n"]



=== TEST 86: iat in the future is no reason to refuse (RFC 7519: informational)
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::tok(iat => time + 3600), main::tok(iat => '1e30')]
--- response_body eval
["ok alice\n", "ok alice\n"]



=== TEST 87: iat of a type other than a number is refused (as aws-jwt-verify does)
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok(iat => '"' . time . '"'), main::tok(iat => 'null'), main::tok(iat => '[1]')]
--- error_code eval
[401, 401, 401]
--- response_body eval
["401 claim_type\n", "401 claim_type\n", "401 claim_type\n"]



=== TEST 88: no leeway by default: tokens that expired 10 s and 59 s ago are refused
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::tok(exp => time - 10), main::tok(exp => time - 59)]
--- error_code eval
[401, 401]
--- response_body eval
["401 token_expired\n", "401 token_expired\n"]



=== TEST 89: a real exp from the token cache: accepted twice, until it passes
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
my $t = main::tok(exp => '1e300');
[$t, $t]
--- response_body eval
["ok alice\n", "ok alice\n"]



=== TEST 90: a real exp a fraction of a second ago is expired (now is compared to the millisecond)
--- more_headers eval
require Time::HiRes;
main::tok(exp => sprintf '%.3f', Time::HiRes::time() - 0.3)
--- error_code: 401
--- response_body
401 token_expired
