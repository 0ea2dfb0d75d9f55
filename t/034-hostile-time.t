# Hostile tokens: time.  exp, nbf and iat of every JSON type and range
# (strings, reals, exponents, negatives, beyond 64 bits, null, missing),
# the default leeway of 0, the comparison to the millisecond, and real
# exps from the verified-token cache.
# Every block asserts the exact status and $cognito_error; t/lib/Hostile.pm
# builds the tokens and the blocks' common frame.

use lib 't/lib';
use Cognito 'no_plan';
use Hostile;

Hostile::setup();

no_shuffle();
run_tests();

__DATA__

=== TEST 1: baseline
--- more_headers eval
main::tok()
--- response_body
ok alice



=== TEST 2: duplicate "exp" in the payload (expired, then far future)
--- more_headers eval
my $p = Hostile::claims(exp => 1);
$p =~ s/\}$/,"exp":4102444800}/;
main::raw($p)
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 3: exp as a string
--- more_headers eval
main::tok(exp => '"' . (time + 3600) . '"')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 4: exp as a real passes (a NumericDate)
--- more_headers eval
main::tok(exp => (time + 3600) . '.5')
--- response_body
ok alice



=== TEST 5: exp as a real with no fraction ("1234.0") passes
--- more_headers eval
main::tok(exp => (time + 3600) . '.0')
--- response_body
ok alice



=== TEST 6: exp in exponent notation passes
--- more_headers eval
main::tok(exp => '4.1e9')
--- response_body
ok alice



=== TEST 7: exp negative is a date before 1970: expired
--- more_headers eval
main::tok(exp => '-1')
--- error_code: 401
--- response_body
401 token_expired



=== TEST 8: exp 1e400 (overflows a double)
--- more_headers eval
main::tok(exp => '1e400')
--- error_code: 401
--- response_body
401 bad_payload



=== TEST 9: exp beyond 64 bits is read as a double: far in the future
--- more_headers eval
main::tok(exp => '99999999999999999999999')
--- response_body
ok alice



=== TEST 10: exp at INT64_MAX is far in the future: accepted, also from the token cache
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
my $t = main::tok(exp => '9223372036854775807');
[$t, $t]
--- response_body eval
["ok alice\n", "ok alice\n"]



=== TEST 11: exp null
--- more_headers eval
main::tok(exp => 'null')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 12: exp true
--- more_headers eval
main::tok(exp => 'true')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 13: exp an array
--- more_headers eval
main::tok(exp => '[' . (time + 3600) . ']')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 14: exp missing
--- more_headers eval
main::tok(exp => undef)
--- error_code: 401
--- response_body
401 exp_missing



=== TEST 15: exp 0
--- more_headers eval
main::tok(exp => '0')
--- error_code: 401
--- response_body
401 token_expired



=== TEST 16: exp an hour ago
--- more_headers eval
main::tok(exp => time - 3600)
--- error_code: 401
--- response_body
401 token_expired



=== TEST 17: nbf an hour in the future
--- more_headers eval
main::tok(nbf => time + 3600)
--- error_code: 401
--- response_body
401 token_not_yet_valid



=== TEST 18: exp 30 s ago: expired, no leeway by default (tokens are minted when the file is read: only past times are exact here)
--- more_headers eval
main::tok(exp => time - 30)
--- error_code: 401
--- response_body
401 token_expired



=== TEST 19: nbf as a string
--- more_headers eval
main::tok(nbf => '"0"')
--- error_code: 401
--- response_body
401 claim_type



=== TEST 20: nbf INT64_MAX
--- more_headers eval
main::tok(nbf => '9223372036854775807')
--- error_code: 401
--- response_body
401 token_not_yet_valid



=== TEST 21: iat an hour in the future passes (iat is informational)
--- more_headers eval
main::tok(iat => time + 3600)
--- response_body
ok alice



=== TEST 22: iat negative passes (a date before 1970)
--- more_headers eval
main::tok(iat => '-5')
--- response_body
ok alice



=== TEST 23: NumericDates: a real exp, nbf and iat pass and are compared as numbers
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



=== TEST 24: NumericDates: negative values are dates before 1970
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok(nbf => '-1'), main::tok(nbf => '-1e300'), main::tok(exp => '-1e300'), main::tok(iat => '-86400.5')]
--- error_code eval
[200, 200, 401, 200]
--- response_body eval
["ok alice\n", "ok alice\n", "401 token_expired\n", "ok alice\n"]



=== TEST 25: NumericDates beyond 64-bit integers are numbers too
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



=== TEST 26: iat in the future is no reason to refuse (RFC 7519: informational)
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::tok(iat => time + 3600), main::tok(iat => '1e30')]
--- response_body eval
["ok alice\n", "ok alice\n"]



=== TEST 27: iat of a type other than a number is refused (as aws-jwt-verify does)
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok(iat => '"' . time . '"'), main::tok(iat => 'null'), main::tok(iat => '[1]')]
--- error_code eval
[401, 401, 401]
--- response_body eval
["401 claim_type\n", "401 claim_type\n", "401 claim_type\n"]



=== TEST 28: no leeway by default: tokens that expired 10 s and 59 s ago are refused
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::tok(exp => time - 10), main::tok(exp => time - 59)]
--- error_code eval
[401, 401]
--- response_body eval
["401 token_expired\n", "401 token_expired\n"]



=== TEST 29: a real exp from the token cache: accepted twice, until it passes
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
my $t = main::tok(exp => '1e300');
[$t, $t]
--- response_body eval
["ok alice\n", "ok alice\n"]



=== TEST 30: a real exp a fraction of a second ago is expired (now is compared to the millisecond)
--- more_headers eval
require Time::HiRes;
main::tok(exp => sprintf '%.3f', Time::HiRes::time() - 0.3)
--- error_code: 401
--- response_body
401 token_expired
