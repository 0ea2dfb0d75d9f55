# The shared verified-token cache (cognito_auth_cache zone=name:size
# front=N): a token verified once is found again in the worker's front or
# in the zone; each hit still meets the location's claim rules, revocation
# and policy; entries die at exp and with the pool's keys; a full zone
# evicts its least recently used entries; a forged token that shares a
# bucket (the same signature tail, so the same hash) or the whole signature
# with a cached one is verified and refused.  The counters of
# cognito_auth_metrics are the probe: signatures verified, hits by level,
# evictions, entries.  Sharing between workers and across a reload:
# t/043-shared-cache-reload.t.  Blocks without a pool get t/lib/Cognito.pm's
# (zone "cognito", pool "test" with t/data/jwks.json).

use lib 't/lib';
use Cognito 'no_plan';
use MIME::Base64 ();

no_shuffle();
run_tests();


# a valid token with one signature character changed far from its end:
# the same last 16 bytes, so the same hash and bucket
sub forged_signature {
    my $t = shift;
    my $i = length($t) - 60;
    my $c = substr($t, $i, 1);
    substr($t, $i, 1) = $c eq 'A' ? 'B' : 'A';
    return $t;
}


# a valid token's signature under another payload
sub forged_payload {
    my ($t, $from, $to) = @_;
    my ($h, $p, $s) = split /\./, $t;
    $p =~ tr{-_}{+/};
    my $json = MIME::Base64::decode_base64($p);
    $json =~ s/\Q$from\E/$to/;
    $p = MIME::Base64::encode_base64($json, '');
    $p =~ tr{+/}{-_};
    $p =~ s/=+$//;
    return "$h.$p.$s";
}

__DATA__

=== TEST 1: an entry dies at exp; leeway then accepts the token, verified again
The token expires 6 s after it is minted (this block runs first, when the
file starts; 6 s leave room for nginx under valgrind), with 60 s of
leeway: cached until exp, verified again after it.
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json leeway=60s;
    cognito_auth_cache zone=tokens:1m front=1;
--- config
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /sleep { echo_sleep 6.5; echo slept; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /t", "GET /t", "GET /metrics", "GET /sleep", "GET /t", "GET /metrics"]
--- more_headers eval
my $t = Cognito::bearer(sub => "soon", exp => time + 6);
[$t, $t, "", "", $t, ""]
--- timeout: 10
--- response_body_like eval
["^ok soon\n\$", "^ok soon\n\$",
 qr/\ncognito_auth_signature_verifications_total 1\n.*\ncognito_auth_cache_total\{result="hit"\} 1\n/s,
 "slept", "^ok soon\n\$",
 qr/\ncognito_auth_signature_verifications_total 2\n.*\ncognito_auth_cache_total\{result="hit"\} 1\ncognito_auth_cache_total\{result="miss"\} 2\n/s]
--- no_error_log
[error]
[alert]



=== TEST 2: a token pushed out of the front is found in the zone, not verified again
front=1: a, b (a leaves the front), a (a shared hit, back in the front),
a (a front hit).  Two signatures verified, two entries in the zone.
--- http_config
    cognito_auth_cache zone=tokens:1m front=1;
--- config
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /metrics"]
--- more_headers eval
my ($a, $b) = map { Cognito::bearer(sub => $_) } qw(a b);
[$a, $b, $a, $a, ""]
--- response_body_like eval
["^ok a\n\$", "^ok b\n\$", "^ok a\n\$", "^ok a\n\$",
 qr/\ncognito_auth_signature_verifications_total 2\n# HELP cognito_auth_cache_total [^\n]+\n# TYPE cognito_auth_cache_total counter\ncognito_auth_cache_total\{result="hit"\} 2\ncognito_auth_cache_total\{result="miss"\} 2\n# HELP [^\n]+\n# TYPE [^\n]+\ncognito_auth_cache_hits_total\{level="front"\} 1\ncognito_auth_cache_hits_total\{level="shared"\} 1\n# HELP [^\n]+\n# TYPE [^\n]+\ncognito_auth_cache_evictions_total 0\n# HELP [^\n]+\n# TYPE cognito_auth_cache_zone_bytes gauge\ncognito_auth_cache_zone_bytes\{state="used"\} \d+\ncognito_auth_cache_zone_bytes\{state="size"\} \d+\n# HELP [^\n]+\n# TYPE cognito_auth_cache_entries gauge\ncognito_auth_cache_entries 2\n\z/s]
--- no_error_log
[error]
[alert]



=== TEST 3: every location applies its own policy to a hit, from the front and from the zone
--- http_config
    cognito_auth_cache zone=tokens:1m front=1;
--- config
    location = /readers {
        cognito_auth test;
        cognito_auth_require_group readers;
        echo "reader $cognito_sub";
    }
    location = /admins {
        cognito_auth test;
        cognito_auth_require_group admins;
        echo "admin $cognito_sub";
    }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /readers", "GET /admins", "GET /readers", "GET /admins", "GET /readers",
 "GET /metrics"]
--- more_headers eval
my $t = Cognito::bearer(sub => "r", 'cognito:groups' => ["readers"]);
my $u = Cognito::bearer(sub => "u", 'cognito:groups' => ["readers"]);
[$t, $t, $u, $t, $t, ""]
--- error_code eval
[200, 403, 200, 403, 200, 200]
--- response_body_like eval
["^reader r\n\$", "group", "^reader u\n\$", "group", "^reader r\n\$",
 qr/\ncognito_auth_signature_verifications_total 2\n.*\ncognito_auth_cache_hits_total\{level="front"\} 2\ncognito_auth_cache_hits_total\{level="shared"\} 1\n/s]



=== TEST 4: new keys for the pool: a token in the zone from the old keys is verified again
The JWKS is a file the test rewrites (a POST whose body /echo sends back
and proxy_store keeps: no optional module).  The old-key token leaves the
front (front=1); the JWKS loses test-key-1 and gains test-key-3; a token
with the new kid brings the new keys in; the old-key token, still in the
zone under the old generation, is verified again and refused.
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks jwks_refresh_min=0s;
    cognito_auth_cache zone=tokens:1m front=1;
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/keys/jwks.json; }
    location /keys/ { root html; }
    location = /store { proxy_store $TEST_NGINX_HTML_DIR/keys/jwks.json; proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/echo; }
    location = /echo { echo_read_request_body; echo_request_body; }
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /metrics { cognito_auth_metrics; }
--- user_files eval
[["keys/jwks.json", Cognito::jwks_json("rsa1", "rsa2")]]
--- request eval
["GET /t", "GET /t", "POST /store\n" . Cognito::jwks_json("rsa-rotated"),
 "GET /t", "GET /t", "GET /metrics"]
--- more_headers eval
my $old = Cognito::bearer(sub => "old-key");
[$old, Cognito::bearer(sub => "other"), "",
 Cognito::bearer(sub => "new-key", -key => "rsa-rotated", -kid => "test-key-3"),
 $old, ""]
--- error_code eval
[200, 200, 200, 200, 401, 200]
--- response_body_like eval
["^ok old-key\n\$", "^ok other\n\$", "", "^ok new-key\n\$",
 "no key for the token.s kid",
 qr/\ncognito_auth_jwks_fetches_total\{pool="test",result="ok"\} 3\n.*\ncognito_auth_cache_total\{result="hit"\} 1\ncognito_auth_cache_total\{result="miss"\} 3\n.*\ncognito_auth_cache_hits_total\{level="front"\} 0\ncognito_auth_cache_hits_total\{level="shared"\} 1\n/s]



=== TEST 5: revocation is checked on a hit, in the front and in the zone
front=1: a, b, b (a hit in the zone, which the front then takes: the
worker met b lately); both jti revoked; b (a front hit) and a (a hit in
the zone) are refused.
--- http_config
    cognito_auth_cache zone=tokens:1m front=1;
    cognito_auth_revocation_list $TEST_NGINX_HTML_DIR/lists/revoked.json check=100ms;
--- config
    location = /t { cognito_auth test; echo ok; }
    location = /store { proxy_store $TEST_NGINX_HTML_DIR/lists/revoked.json; proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/echo; }
    location = /echo { echo_read_request_body; echo_request_body; }
    location = /sleep { echo_sleep 0.5; echo slept; }
    location = /metrics { cognito_auth_metrics; }
--- user_files
>>> lists/revoked.json
{"jti": []}
--- request eval
["GET /t", "GET /t", "GET /t",
 "POST /store\n{\"jti\": [\"jti-A\", \"jti-B\"]}",
 "GET /sleep", "GET /t", "GET /t", "GET /metrics"]
--- more_headers eval
my $a = Cognito::bearer(jti => "jti-A");
my $b = Cognito::bearer(jti => "jti-B");
[$a, $b, $b, "", "", $b, $a, ""]
--- error_code eval
[200, 200, 200, 200, 200, 401, 401, 200]
--- response_body_like eval
["^ok\n\$", "^ok\n\$", "^ok\n\$", "", "slept", "revoked", "revoked",
 qr/\ncognito_auth_signature_verifications_total 2\n.*\ncognito_auth_cache_hits_total\{level="front"\} 1\ncognito_auth_cache_hits_total\{level="shared"\} 2\n/s]



=== TEST 6: a full zone evicts its least recently used entries, never failing a request
A 64k zone holds about 50 entries of 1 KiB (an 874-byte token); 80
distinct tokens fill it.  Token 1, evicted, is verified again; token 79,
still in the zone, is a shared hit.
--- http_config
    cognito_auth_cache zone=tokens:64k front=1;
--- config
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
[("GET /t") x 82, "GET /metrics"]
--- more_headers eval
my @t = map { Cognito::bearer(sub => sprintf("user-%02d", $_)) } 1 .. 80;
[@t, $t[0], $t[78], ""]
--- response_body_like eval
[(map { sprintf "^ok user-%02d\n\$", $_ } 1 .. 80), "^ok user-01\n\$",
 "^ok user-79\n\$",
 qr/\ncognito_auth_signature_verifications_total 81\n.*\ncognito_auth_cache_hits_total\{level="front"\} 0\ncognito_auth_cache_hits_total\{level="shared"\} 1\n# HELP [^\n]+\n# TYPE [^\n]+\ncognito_auth_cache_evictions_total (?:[2-7][0-9])\n.*\ncognito_auth_cache_zone_bytes\{state="size"\} [1-6][0-9]{4}\n.*\ncognito_auth_cache_entries (?:[2-5][0-9])\n/s]
--- no_error_log
[error]
[alert]
[crit]



=== TEST 7: a forged token in a cached token's bucket, or with its signature, is refused
The valid token is cached (front and zone).  Forged: its signature with one
character changed 60 from the end (the same last 16 bytes: the same hash,
the same bucket), and its signature under another payload.  Both are
verified and refused, before and after the valid token leaves the front.
--- http_config
    cognito_auth_cache zone=tokens:1m front=1;
--- config
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
[("GET /t") x 8, "GET /metrics"]
--- more_headers eval
my $t = Cognito::access_token(sub => "victim");
my $f1 = main::forged_signature($t);
my $f2 = main::forged_payload($t, '"victim"', '"mallory"');
die "forged token same as valid" if $f1 eq $t || $f2 eq $t;
die "not the same tail" if substr($f1, -16) ne substr($t, -16);
my $u = Cognito::access_token(sub => "other");
[(map { "Authorization: Bearer $_" } $t, $f1, $f2, $t, $u, $f1, $f2, $t), ""]
--- error_code eval
[200, 401, 401, 200, 200, 401, 401, 200, 200]
--- response_body_like eval
["^ok victim\n\$", "signature", "signature", "^ok victim\n\$", "^ok other\n\$",
 "signature", "signature", "^ok victim\n\$",
 qr/\ncognito_auth_signature_verifications_total 6\n.*\ncognito_auth_cache_hits_total\{level="front"\} 1\ncognito_auth_cache_hits_total\{level="shared"\} 1\n.*\ncognito_auth_cache_entries 2\n/s]



=== TEST 8: zone= without a size
--- http_config
    cognito_auth_cache zone=tokens;
--- config
--- must_die
--- error_log
invalid cognito_auth_cache "zone=tokens": expected zone=name:size



=== TEST 9: a zone too small to be useful
--- http_config
    cognito_auth_cache zone=tokens:32k;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] .*cognito_auth_cache zone "tokens" is too small: 32k, at least \d+k in /



=== TEST 10: a zone size that is no size
--- http_config
    cognito_auth_cache zone=tokens:lots;
--- config
--- must_die
--- error_log
invalid cognito_auth_cache zone size "lots"



=== TEST 11: front= out of range
--- http_config
    cognito_auth_cache zone=tokens:1m front=0;
--- config
--- must_die
--- error_log
invalid cognito_auth_cache "front=0": expected front=entries, from 1 to 1000000



=== TEST 12: a second parameter without zone=
--- http_config
    cognito_auth_cache 100 front=10;
--- config
--- must_die
--- error_log
invalid parameter "front=10": only cognito_auth_cache zone= takes a second one



=== TEST 13: the cache zone cannot be cognito_auth_zone's
--- http_config
    cognito_auth_cache zone=cognito:1m;
--- config
--- must_die
--- error_log
the shared memory zone "cognito" is already declared for a different use



=== TEST 14: neither off nor a number nor zone=
--- http_config
    cognito_auth_cache big;
--- config
--- must_die
--- error_log
invalid cognito_auth_cache "big": expected off, a number of entries from 1 to 1000000, or zone=name:size [front=entries]



=== TEST 15: a zone larger than entries' 32-bit offsets can address
--- http_config
    cognito_auth_cache zone=tokens:5000m;
--- config
--- must_die
--- error_log
cognito_auth_cache zone "tokens" is too large: 5000m, at most 4095m



=== TEST 16: with a zone, a token met once does not push a returning one out of the front
front=1: a (verified), a (a hit in the zone: met again, into the front),
a (a front hit), b (verified, met once: not into the front), a (still a
front hit), c (as b), a (a front hit).  A front that took every token
would have lost a to b and to c: 2 front hits and 3 in the zone.
--- http_config
    cognito_auth_cache zone=tokens:1m front=1;
--- config
    location = /t { cognito_auth test; echo "front $cognito_sub"; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
[("GET /t") x 7, "GET /metrics"]
--- more_headers eval
my ($a, $b, $c) = map { Cognito::bearer(sub => $_) } qw(a b c);
[$a, $a, $a, $b, $a, $c, $a, ""]
--- response_body_like eval
[(map { "^front $_\n\$" } qw(a a a b a c a)),
 qr/\ncognito_auth_signature_verifications_total 3\n.*\ncognito_auth_cache_hits_total\{level="front"\} 3\ncognito_auth_cache_hits_total\{level="shared"\} 1\n.*\ncognito_auth_cache_entries 3\n/s]
--- no_error_log
[error]
[alert]



=== TEST 17: a front hit meets each location's token_use, whichever location passed it before
An access token, first passed by /access: the front remembers which rules
it passed (the pool, and the token_use), so /id must check it all again
and refuse it, and /access and /any accept it, in any order.  One
signature verified; every later request is a hit.
--- http_config
    cognito_auth_cache zone=tokens:1m front=4;
--- config
    location = /access { cognito_auth test; cognito_auth_token_use access; echo "access $cognito_sub"; }
    location = /id { cognito_auth test; cognito_auth_token_use id; echo "id $cognito_sub"; }
    location = /any { cognito_auth test; echo "any $cognito_sub"; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /access", "GET /access", "GET /id", "GET /access", "GET /any",
 "GET /id", "GET /access", "GET /metrics"]
--- more_headers eval
my $t = Cognito::bearer(sub => "m");
[($t) x 7, ""]
--- error_code eval
[200, 200, 401, 200, 200, 401, 200, 200]
--- response_body_like eval
["^access m\n\$", "^access m\n\$", "token_use", "^access m\n\$", "^any m\n\$",
 "token_use", "^access m\n\$",
 qr/\ncognito_auth_signature_verifications_total 1\n.*\ncognito_auth_cache_total\{result="hit"\} 6\n/s]
