# The verified-token cache (cognito_auth_cache), its per-worker form (the
# default, or a number of entries): a repeated token is found by its bytes
# instead of being verified again; every location still
# applies its own claim rules and policy to a cached token; the cache
# forgets a token when the pool's keys change; "off" turns it off.  Hits
# and misses are read from cognito_auth_metrics.  The shared zone:
# t/042-shared-cache.t.

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a repeated token is a hit after its first verification
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /metrics"]
--- more_headers eval
my $t = Cognito::bearer(sub => "one");
[$t, $t, Cognito::bearer(sub => "two"), $t, ""]
--- response_body_like eval
["^ok one\n\$", "^ok one\n\$", "^ok two\n\$", "^ok one\n\$",
 qr/cognito_auth_cache_total\{result="hit"\} 2\ncognito_auth_cache_total\{result="miss"\} 2\n/]
--- no_error_log
[error]



=== TEST 2: a cached token still meets each location's own policy
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location = /open { cognito_auth test; echo "ok $cognito_groups"; }
    location = /admins {
        cognito_auth test;
        cognito_auth_require_group admins;
        echo admin;
    }
    location = /id-only {
        cognito_auth test;
        cognito_auth_token_use id;
        echo id;
    }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /open", "GET /admins", "GET /id-only", "GET /open", "GET /metrics"]
--- more_headers eval
my $t = Cognito::bearer('cognito:groups' => ["readers"]);
[$t, $t, $t, $t, ""]
--- error_code eval
[200, 403, 401, 200, 200]
--- response_body_like eval
["^ok readers\n\$", "not in a required group|group", "token_use|token use",
 "^ok readers\n\$",
 qr/cognito_auth_cache_total\{result="hit"\} 3\ncognito_auth_cache_total\{result="miss"\} 1\n/]



=== TEST 3: new keys for the pool: a cached token is verified again
The JWKS server hands out the first JWKS once (limit_req), and after that
one without test-key-1.  A token with a new kid brings in those keys; the
token cached under the old keys then fails instead of being served from
the cache.
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks jwks_refresh_min=0s;
    limit_req_zone $server_port zone=first_jwks:1m rate=1r/m;
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        location = /jwks.json {
            limit_req zone=first_jwks nodelay;
            limit_req_status 409;
            error_page 409 = /jwks-key3-only.json;
            alias $TEST_NGINX_DATA_DIR/jwks.json;
        }
        location = /jwks-key3-only.json { root $TEST_NGINX_HTML_DIR; }
    }
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/jwks.json; }
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /metrics { cognito_auth_metrics; }
--- user_files eval
[["jwks-key3-only.json", Cognito::jwks_json("rsa-rotated")]]
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /metrics"]
--- more_headers eval
my $t = Cognito::bearer(sub => "old-key");
[$t, $t,
 Cognito::bearer(sub => "new-key", -key => "rsa-rotated", -kid => "test-key-3"),
 $t, ""]
--- error_code eval
[200, 200, 200, 401, 200]
--- response_body_like eval
["^ok old-key\n\$", "^ok old-key\n\$", "^ok new-key\n\$", "no key for the token.s kid",
 qr/cognito_auth_jwks_fetches_total\{pool="test",result="ok"\} 3\n.*cognito_auth_cache_total\{result="hit"\} 1\ncognito_auth_cache_total\{result="miss"\} 3\n/s]



=== TEST 4: cognito_auth_cache off: every request is verified
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_cache off;
--- config
    location = /t { cognito_auth test; echo ok; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /t", "GET /t", "GET /metrics"]
--- more_headers eval
my $t = Cognito::bearer();
[$t, $t, ""]
--- response_body_like eval
["^ok\n\$", "^ok\n\$",
 qr/cognito_auth_requests_total\{pool="test",result="accepted"\} 2\n(?!.*cognito_auth_cache)/s]



=== TEST 5: a small cache evicts the least recently used token
With room for two tokens: a, b, a (a hit), c (evicts b), a (a hit),
b (a miss again: it was evicted).  Every hit is in the worker's front:
there is no shared zone, so no zone families either.
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_cache 2;
--- config
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
[("GET /t") x 6, "GET /metrics"]
--- more_headers eval
my ($a, $b, $c) = map { Cognito::bearer(sub => $_) } qw(a b c);
[$a, $b, $a, $c, $a, $b, ""]
--- response_body_like eval
["^ok a\n\$", "^ok b\n\$", "^ok a\n\$", "^ok c\n\$", "^ok a\n\$", "^ok b\n\$",
 qr/cognito_auth_cache_total\{result="hit"\} 2\ncognito_auth_cache_total\{result="miss"\} 4\n# HELP [^\n]+\n# TYPE [^\n]+\ncognito_auth_cache_hits_total\{level="front"\} 2\ncognito_auth_cache_hits_total\{level="shared"\} 0\n\z/]



=== TEST 6: a refresh that brings the same JWKS keeps the cached tokens
jwks_ttl=1s: the JWKS is fetched again once the TTL is over (after the
2 s pause; with a 1 s TTL a request that crosses a second boundary may
refresh too, hence at least 2 fetches), and it is byte for byte the same.
Token b, cached before the refresh, is still a hit after it; every fetch
counts as good.
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks jwks_ttl=1s jwks_refresh_min=0s;
--- config
    location = /_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { cognito_auth test; echo "ok $cognito_sub"; }
    location = /pause { echo_sleep 2; echo paused; }
    location = /metrics { cognito_auth_metrics; }
--- request eval
["GET /t", "GET /t", "GET /pause", "GET /t", "GET /t", "GET /metrics"]
--- more_headers eval
my ($a, $b) = map { Cognito::bearer(sub => $_) } qw(a b);
[$a, $b, "", $a, $b, ""]
--- timeout: 5
--- response_body_like eval
["^ok a\n\$", "^ok b\n\$", "^paused\n\$", "^ok a\n\$", "^ok b\n\$",
 qr/cognito_auth_jwks_fetches_total\{pool="test",result="ok"\} [2-9]\n.*cognito_auth_cache_total\{result="hit"\} 2\ncognito_auth_cache_total\{result="miss"\} 2\n/s]
--- no_error_log
[error]
