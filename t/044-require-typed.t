# Typed claim rules: cognito_auth_require claim=path op [value ...]
# (issue 16, part 2).  Every operator, nested paths, arrays, scope's words,
# numbers and booleans, a type that does not fit (403 require_type, its own
# reason), the old value syntax beside it, and the configuration errors.
# Tokens carry raw JSON claims (t/lib/Hostile.pm), so each claim has the
# exact JSON type the block names; /why answers "<status> <$cognito_error>".

use lib 't/lib';
use Cognito 'no_plan';
use Hostile;

Hostile::setup();

no_shuffle();
run_tests();

__DATA__

=== TEST 1: eq and ne on a nested string claim (custom:org.role)
--- config
    location = /eq { cognito_auth test; cognito_auth_require claim=custom:org.role eq admin; echo ok; }
    location = /ne { cognito_auth test; cognito_auth_require claim=custom:org.role ne admin; echo ok; }
--- request eval
["GET /eq", "GET /eq", "GET /ne", "GET /ne", "GET /eq"]
--- more_headers eval
[main::tok('custom:org' => '{"role":"admin"}'),
 main::tok('custom:org' => '{"role":"viewer"}'),
 main::tok('custom:org' => '{"role":"admin"}'),
 main::tok('custom:org' => '{"role":"viewer"}'),
 main::tok('custom:org' => '{"team":"admin"}')]
--- error_code eval
[200, 403, 403, 200, 403]
--- response_body eval
["ok\n", "403 require_failed\n", "403 require_failed\n", "ok\n",
 "403 require_failed\n"]



=== TEST 2: in: one of the values, on a string, a number and a boolean
--- config
    location = /s { cognito_auth test; cognito_auth_require claim=tier in gold silver; echo ok; }
    location = /n { cognito_auth test; cognito_auth_require claim=level in 1 2 3; echo ok; }
    location = /b { cognito_auth test; cognito_auth_require claim=mfa in true; echo ok; }
--- request eval
["GET /s", "GET /s", "GET /n", "GET /n", "GET /n", "GET /b", "GET /b"]
--- more_headers eval
[main::tok(tier => '"silver"'), main::tok(tier => '"bronze"'),
 main::tok(level => '2'), main::tok(level => '2.0'), main::tok(level => '4'),
 main::tok(mfa => 'true'), main::tok(mfa => 'false')]
--- error_code eval
[200, 403, 200, 200, 403, 200, 403]
--- response_body eval
["ok\n", "403 require_failed\n", "ok\n", "ok\n", "403 require_failed\n",
 "ok\n", "403 require_failed\n"]



=== TEST 3: any and all on an array claim
--- config
    location = /any { cognito_auth test; cognito_auth_require claim=cognito:groups any admins editors; echo ok; }
    location = /all { cognito_auth test; cognito_auth_require claim=cognito:groups all admins editors; echo ok; }
--- request eval
["GET /any", "GET /any", "GET /all", "GET /all", "GET /any"]
--- more_headers eval
[main::tok('cognito:groups' => '["viewers","editors"]'),
 main::tok('cognito:groups' => '["viewers"]'),
 main::tok('cognito:groups' => '["editors","admins","x"]'),
 main::tok('cognito:groups' => '["editors"]'),
 main::tok('cognito:groups' => '[]')]
--- error_code eval
[200, 403, 200, 403, 403]
--- response_body eval
["ok\n", "403 require_failed\n", "ok\n", "403 require_failed\n",
 "403 require_failed\n"]



=== TEST 4: any and all on scope's space-separated words, and on an array of numbers
--- config
    location = /scope { cognito_auth test; cognito_auth_require claim=scope all shows/read shows/write; echo ok; }
    location = /nums { cognito_auth test; cognito_auth_require claim=regions any 7 9; echo ok; }
--- request eval
["GET /scope", "GET /scope", "GET /nums", "GET /nums"]
--- more_headers eval
[main::tok(scope => '"openid shows/write  shows/read"'),
 main::tok(scope => '"openid shows/read"'),
 main::tok(regions => '[1,9]'), main::tok(regions => '[1,"9"]')]
--- error_code eval
[200, 403, 200, 200]
--- response_body eval
["ok\n", "403 require_failed\n", "ok\n", "ok\n"]



=== TEST 5: lt, le, gt and ge on numbers
--- config
    location = /lt { cognito_auth test; cognito_auth_require claim=custom:org.level lt 3; echo ok; }
    location = /le { cognito_auth test; cognito_auth_require claim=custom:org.level le 3; echo ok; }
    location = /gt { cognito_auth test; cognito_auth_require claim=custom:org.level gt 3; echo ok; }
    location = /ge { cognito_auth test; cognito_auth_require claim=custom:org.level ge 3.5; echo ok; }
--- request eval
["GET /lt", "GET /lt", "GET /le", "GET /le", "GET /gt", "GET /gt", "GET /ge", "GET /ge"]
--- more_headers eval
[main::tok('custom:org' => '{"level":2.5}'), main::tok('custom:org' => '{"level":3}'),
 main::tok('custom:org' => '{"level":3}'), main::tok('custom:org' => '{"level":4}'),
 main::tok('custom:org' => '{"level":1e1}'), main::tok('custom:org' => '{"level":3}'),
 main::tok('custom:org' => '{"level":3.5}'), main::tok('custom:org' => '{"level":-4}')]
--- error_code eval
[200, 403, 200, 403, 200, 403, 200, 403]



=== TEST 6: exists: present of any type; absent or null is not
--- config
    location = /t { cognito_auth test; cognito_auth_require claim=custom:org exists; echo ok; }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok('custom:org' => '{}'), main::tok('custom:org' => 'false'),
 main::tok(), main::tok('custom:org' => 'null')]
--- error_code eval
[200, 200, 403, 403]
--- response_body eval
["ok\n", "ok\n", "403 require_failed\n", "403 require_failed\n"]



=== TEST 7: a type that does not fit fails closed with its own reason
--- config
    location = /num { cognito_auth test; cognito_auth_require claim=level eq high; echo ok; }
    location = /cmp { cognito_auth test; cognito_auth_require claim=level gt 3; echo ok; }
    location = /arr { cognito_auth test; cognito_auth_require claim=cognito:groups eq admins; echo ok; }
    location = /words { cognito_auth test; cognito_auth_require claim=username any alice; echo ok; }
    location = /bool { cognito_auth test; cognito_auth_require claim=mfa eq yes; echo ok; }
    location = /obj { cognito_auth test; cognito_auth_require claim=custom:org ne x; echo ok; }
    location = /401 { cognito_auth test; cognito_auth_require claim=level eq 3 error=401; echo ok; }
--- request eval
["GET /num", "GET /num", "GET /cmp", "GET /arr", "GET /words", "GET /bool", "GET /obj", "GET /401"]
--- more_headers eval
[main::tok(level => '3'), main::tok(level => '[3]'), main::tok(level => '"4"'),
 main::tok('cognito:groups' => '["admins"]'), main::tok(),
 main::tok(mfa => 'true'), main::tok('custom:org' => '{"a":1}'),
 main::tok(level => 'true')]
--- error_code eval
[403, 403, 403, 403, 403, 403, 403, 401]
--- response_body eval
["403 require_type\n", "403 require_type\n", "403 require_type\n",
 "403 require_type\n", "403 require_type\n", "403 require_type\n",
 "403 require_type\n", "401 require_type\n"]



=== TEST 8: values are text until the claim is a number: 3 matches the number 3, 3e0 and the string "3", not "03"
--- config
    location = /t { cognito_auth test; cognito_auth_require claim=level eq 3; echo ok; }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok(level => '3'), main::tok(level => '3e0'), main::tok(level => '"3"'),
 main::tok(level => '"03"')]
--- error_code eval
[200, 200, 200, 403]
--- response_body eval
["ok\n", "ok\n", "ok\n", "403 require_failed\n"]



=== TEST 9: boolean false passes the old value syntax (it reads "false"); a typed rule refuses it
--- http_config
    cognito_auth_claim_set $email_verified email_verified;
--- config
    location = /old { cognito_auth test; cognito_auth_require $email_verified; echo ok; }
    location = /typed { cognito_auth test; cognito_auth_require claim=email_verified eq true; echo ok; }
--- request eval
["GET /old", "GET /typed", "GET /typed", "GET /old"]
--- more_headers eval
[main::tok(email_verified => 'false'), main::tok(email_verified => 'false'),
 main::tok(email_verified => 'true'), main::tok(email_verified => undef)]
--- error_code eval
[200, 403, 200, 403]



=== TEST 10: rules and old values on several lines must all hold, the first failing line decides
--- http_config
    cognito_auth_claim_set $tier tier;
--- config
    location = /t {
        cognito_auth test;
        cognito_auth_require $tier;
        cognito_auth_require claim=tier ne banned error=401;
        cognito_auth_require claim=level ge 2;
        echo ok;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::tok(tier => '"gold"', level => '2'), main::tok(tier => '"banned"', level => '2'),
 main::tok(tier => '"gold"', level => '1'), main::tok(level => '2')]
--- error_code eval
[200, 401, 403, 403]
--- response_body eval
["ok\n", "401 require_failed\n", "403 require_failed\n", "403 require_failed\n"]



=== TEST 11: require_type is counted in the metrics
--- config
    location = /t { cognito_auth test; cognito_auth_require claim=level lt 3; echo ok; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /t", "GET /metrics"]
--- more_headers eval
[main::tok(level => '"2"'), ""]
--- error_code eval
[403, 200]
--- response_body_like eval
["require_type", qr/requests_total\{pool="test",result="require_type"\} 1\n/]



=== TEST 12: an unknown operator is refused by nginx -t
--- config
    location = /t { cognito_auth test; cognito_auth_require claim=level equals 3; echo ok; }
--- must_die
--- no_error_log
[alert]
--- error_log eval
qr{\[emerg\] \d+#\d+: "claim=level" needs an operator: eq, ne, in, any, all, lt, le, gt, ge or exists in \S+/nginx\.conf:\d+$}m



=== TEST 13: an operator given the wrong number of values is refused
--- config
    location = /t { cognito_auth test; cognito_auth_require claim=level eq 1 2; echo ok; }
--- must_die
--- no_error_log
[alert]
--- error_log eval
qr{\[emerg\] \d+#\d+: operator "eq" takes one value in \S+/nginx\.conf:\d+$}m



=== TEST 14: exists with a value is refused
--- config
    location = /t { cognito_auth test; cognito_auth_require claim=level exists 1; echo ok; }
--- must_die
--- no_error_log
[alert]
--- error_log eval
qr{\[emerg\] \d+#\d+: operator "exists" takes no value in \S+/nginx\.conf:\d+$}m



=== TEST 15: in with no value is refused
--- config
    location = /u { cognito_auth test; cognito_auth_require claim=level in; echo ok; }
--- must_die
--- no_error_log
[alert]
--- error_log eval
qr{\[emerg\] \d+#\d+: operator "in" takes one or more values in \S+/nginx\.conf:\d+$}m



=== TEST 16: a comparison with a value that is no number is refused
--- config
    location = /t { cognito_auth test; cognito_auth_require claim=level ge high; echo ok; }
--- must_die
--- no_error_log
[alert]
--- error_log eval
qr{\[emerg\] \d+#\d+: operator "ge" needs a number, not "high" in \S+/nginx\.conf:\d+$}m



=== TEST 17: a variable as a typed value is refused
--- config
    location = /t { cognito_auth test; cognito_auth_require claim=role eq $arg_role; echo ok; }
--- must_die
--- no_error_log
[alert]
--- error_log eval
qr{\[emerg\] \d+#\d+: "\$arg_role": a typed rule takes literal values, not variables in \S+/nginx\.conf:\d+$}m



=== TEST 18: an empty key in the claim path is refused
--- config
    location = /t { cognito_auth test; cognito_auth_require claim=custom:org..role eq x; echo ok; }
--- must_die
--- no_error_log
[alert]
--- error_log eval
qr{\[emerg\] \d+#\d+: "claim=custom:org\.\.role" has an empty claim name in \S+/nginx\.conf:\d+$}m
