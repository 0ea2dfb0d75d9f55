# Configuration errors: nginx -t must name the directive and the problem.

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a valid configuration loads
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool main us-east-1_Ab12Cd34E client_id=3n4b5urk1ft4fl3mg5e62d9ado,other_client
        jwks=/_cognito_jwks jwks_ttl=1h leeway=60s jwks_refresh_min=5s algs=RS256,RS512;
    cognito_auth_pool file eu-west-2_Zz99 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json multi_region=on;
--- config
    location = /_cognito_jwks { internal; proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json; }
    location = /t { echo ok; }
--- request
GET /t
--- response_body
ok



=== TEST 2: bad pool id
--- http_config
    cognito_auth_pool main useast1Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
--- must_die
--- error_log
invalid user pool id "useast1Ab12" in cognito_auth_pool "main"



=== TEST 3: unknown pool
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location /t { cognito_auth other; echo ok; }
--- must_die
--- error_log
unknown cognito_auth_pool "other"



=== TEST 4: bad duration
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json leeway=forever;
--- config
--- must_die
--- error_log
invalid duration in "leeway=forever"



=== TEST 5: bad tenant regex
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location /t { cognito_auth main; cognito_auth_tenant group=^tenant-(.+$; echo ok; }
--- must_die
--- error_log
invalid tenant group regex



=== TEST 6: jwks= without a zone
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks=/_jwks;
--- config
--- must_die
--- error_log
needs a "cognito_auth_zone"



=== TEST 7: no app client
--- http_config
    cognito_auth_pool main us-east-1_Ab12 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
--- must_die
--- error_log
cognito_auth_pool "main" needs client_id=



=== TEST 8: both jwks= and jwks_file=
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks=/j jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
--- must_die
--- error_log
needs exactly one of jwks=<location> or jwks_file=<path>



=== TEST 9: a JWKS file that is not JSON
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks-bad.json;
--- config
--- must_die
--- error_log
invalid JWKS file



=== TEST 10: a JWKS file without keys
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks-empty.json;
--- config
--- must_die
--- error_log
invalid JWKS file



=== TEST 11: HMAC is never allowed
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json algs=RS256,HS256;
--- config
--- must_die
--- error_log
only RS256, RS384 and RS512 may be listed



=== TEST 12: bad token_use
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location /t { cognito_auth main; cognito_auth_token_use refresh; echo ok; }
--- must_die
--- error_log
invalid value "refresh": expected id, access or any



=== TEST 13: set_header refuses a header nginx parses
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location /t { cognito_auth main; cognito_auth_set_header Host $cognito_tenant; echo ok; }
--- must_die
--- error_log
"Host" is parsed by nginx itself



=== TEST 14: duplicate pool
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
--- must_die
--- error_log
duplicate cognito_auth_pool "main"



=== TEST 15: bad app client id
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc,,def jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
--- must_die
--- error_log
invalid app client id



=== TEST 16: bad require status
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location /t { cognito_auth main; cognito_auth_require $cognito_sub error=500; echo ok; }
--- must_die
--- error_log
expected error=401 or error=403



=== TEST 17: cognito_auth twice in one location
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
    location /t { cognito_auth main; cognito_auth off; echo ok; }
--- must_die
--- error_log
"cognito_auth" directive is duplicate



=== TEST 18: unknown pool parameter
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json jwks_ttl;
--- config
--- must_die
--- error_log
invalid cognito_auth_pool parameter "jwks_ttl"



=== TEST 19: bad jwks_ttl and jwks_refresh_min
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json jwks_refresh_min=1m jwks_ttl=;
--- config
--- must_die
--- error_log
invalid duration in "jwks_ttl="



=== TEST 20: a trailing comma in algs=
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json algs=RS256,;
--- config
--- must_die
--- error_log
invalid "algs=RS256,": only RS256, RS384 and RS512 may be listed



=== TEST 21: bad multi_region=
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json multi_region=EU;
--- config
--- must_die
--- error_log
invalid "multi_region=EU": expected on or a region such as us-east-1



=== TEST 22: multi_region=on needs a region in the pool id
--- http_config
    cognito_auth_pool main anything client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json issuer=https://idp.example.com multi_region=on;
--- config
--- must_die
--- error_log
"multi_region=on" needs a pool id with a region



=== TEST 23: bad issuer=
--- http_config
    cognito_auth_pool main anything client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json issuer=ftp://idp.example.com;
--- config
--- must_die
--- error_log
invalid "issuer=" URL "ftp://idp.example.com"



=== TEST 24: jwks= must be a URI
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks=_cognito_jwks;
--- config
--- must_die
--- error_log
"jwks=" must name a location URI such as /_cognito_jwks, not "_cognito_jwks"



=== TEST 25: a JWKS file that does not exist
--- http_config
    cognito_auth_pool main us-east-1_Ab12 client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/no-such-jwks.json;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] .*open\(\) ".*no-such-jwks\.json" failed/



=== TEST 26: an explicit issuer accepts any pool id
--- http_config
    cognito_auth_pool main anything client_id=abc jwks_file=$TEST_NGINX_DATA_DIR/jwks.json issuer=https://idp.example.com multi_region=eu-west-1 leeway=5s;
--- config
    location = /t { echo ok; }
--- request
GET /t
--- response_body
ok
