# JWKS faults through the subrequest path (jwks=/_jwks, proxied to a mock
# server block on $TEST_NGINX_BACKEND_PORT whose /jwks.json misbehaves as
# the block's "--- fault" says).  Each fault is run twice:
#
#   cold:  the first fetch fails and there are no keys: 503 with
#          $cognito_error jwks_unavailable, and error.log says why;
#   stale (--- mode: stale): /_jwks goes to an upstream of two servers,
#          round-robin: the first fetch gets the good JWKS (the mock of
#          t/lib/Cognito.pm), the refresh forced by an unknown kid gets the
#          fault; the last good keys keep serving and the metrics count one
#          good and one failed fetch.  The requests and their expected
#          answers of a stale block are filled in by the preprocessor below.
#
# "--- jwks_location" adds directives to the /_jwks location,
# "--- jwks_upstream" replaces the host:port it proxies to, and
# "--- refresh_min" the pool's jwks_refresh_min.

use lib 't/lib';
use Cognito 'no_plan';
use Hostile;

add_block_preprocessor(sub {
    my $block = shift;
    my $fault = $block->fault // return;
    my $stale = ($block->mode // '') =~ /stale/;
    my $extra = $block->jwks_location // '';
    my $to = $block->jwks_upstream
             // ($stale ? 'jwks_rr' : '127.0.0.1:$TEST_NGINX_BACKEND_PORT');
    chomp $to;
    # stale blocks need the forced refresh of an unknown kid to happen at
    # once; cold blocks keep the default (see TEST 38 for why)
    my $min = $block->refresh_min // ($stale ? '0s' : '10s');
    chomp $min;

    $block->set_value('http_config', <<"_EOC_");
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks=/_jwks jwks_refresh_min=$min;
    upstream jwks_rr {
        server 127.0.0.1:\$TEST_NGINX_JWKS_PORT;
        server 127.0.0.1:\$TEST_NGINX_BACKEND_PORT;
    }
    server {
        listen 127.0.0.1:\$TEST_NGINX_BACKEND_PORT;
        location = /jwks.json {
            $fault
        }
    }
_EOC_

    $block->set_value('config', <<"_EOC_");
    error_page 401 403 503 /why;
    location = /why { internal; echo "\$status \$cognito_error"; }
    location = /_jwks {
        internal;
        proxy_pass http://$to/jwks.json;
        proxy_next_upstream off;
        proxy_connect_timeout 1s;
        proxy_read_timeout 1s;
        $extra
    }
    location = /t { cognito_auth test; echo "ok \$cognito_sub"; }
    location = /metrics { cognito_auth_metrics; }
    # two requests at once, each a main request of its own (TEST 39)
    location = /both { echo_location_async /p1; echo_location_async /p2; }
    location = /p1 { internal; proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/t; }
    location = /p2 { internal; proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/t; }
_EOC_

    if ($stale) {
        $block->set_value('request', ["GET /t", "GET /t", "GET /t", "GET /metrics"]);
        $block->set_value('more_headers', [
            Cognito::bearer(sub => "first"),
            Cognito::bearer(sub => "rotated", -key => "rsa-rotated", -kid => "test-key-3"),
            Cognito::bearer(sub => "stale"),
            ""]);
        $block->set_value('error_code', [200, 401, 200, 200]);
        $block->set_value('response_body_like', ["^ok first\n\$", "^401 kid_unknown\n\$", "^ok stale\n\$",
            qr/cognito_auth_jwks_fetches_total\{pool="test",result="ok"\} 1\ncognito_auth_jwks_fetches_total\{pool="test",result="error"\} 1\n.*cognito_auth_jwks_keys\{pool="test"\} 2\n.*consecutive_failures\{pool="test"\} 1\n/s]);
    } else {
        $block->set_value('request', "GET /t") unless defined $block->request;
        $block->set_value('more_headers', Cognito::bearer()) unless defined $block->more_headers;
    }
    $block->set_value('no_error_log', "[alert]\n[crit]\n[emerg]\n")
        unless defined $block->no_error_log;
});

no_shuffle();
run_tests();

sub jwks_text {
    local $/;
    open my $f, '<', "$ENV{TEST_NGINX_DATA_DIR}/jwks.json" or die $!;
    my $t = <$f>;
    chomp $t;
    return $t;
}

# the good JWKS in two halves, with a pause between them
sub slow_body {
    my $pause = shift;
    my $t = jwks_text();
    my $half = int(length($t) / 2);
    return "echo -n '" . substr($t, 0, $half) . "'; echo_flush; echo_sleep $pause; "
         . "echo '" . substr($t, $half) . "';";
}

# n distinct keys with rsa1 last as test-key-1
sub many_keys {
    my $n = shift;
    return Hostile::jwks((map { ["rsa2", "filler-$_", "RS256"] } 1 .. $n - 1),
                         ["rsa1", "test-key-1", "RS256"]);
}

# a valid JWKS of exactly $len bytes (spaces before the closing brace)
sub sized_jwks {
    my $len = shift;
    my $t = jwks_text();
    $t =~ s/\}$//;
    return $t . (' ' x ($len - length($t) - 1)) . '}';
}

sub small_key_jwks {
    require Crypt::PK::RSA;
    my $jwk = Crypt::PK::RSA->new->generate_key(128, 65537)->export_key_jwk('public', 1);
    return qq({"keys":[{"alg":"RS256","e":"$jwk->{e}","kid":"test-key-1","kty":"RSA","n":"$jwk->{n}","use":"sig"}]});
}

__DATA__

=== TEST 1: control: a good JWKS from the mock server
--- fault
alias $TEST_NGINX_DATA_DIR/jwks.json;
--- response_body
ok 11111111-2222-3333-4444-555555555555



=== TEST 2: status 500, no keys: 503
--- fault
return 500;
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
JWKS fetch of pool "test" failed: status 500
no JWKS keys for pool "test", failing closed



=== TEST 3: status 500 on refresh: the last good keys keep serving
--- mode: stale
--- fault
return 500;



=== TEST 4: status 404, no keys: 503
--- fault
return 404;
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
JWKS fetch of pool "test" failed: status 404
no JWKS keys for pool "test", failing closed



=== TEST 5: status 404 on refresh: stale keys
--- mode: stale
--- fault
return 404;



=== TEST 6: a redirect (302) is not followed, no keys: 503
--- fault
return 302 http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json;
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
JWKS fetch of pool "test" failed: status 302
no JWKS keys for pool "test", failing closed



=== TEST 7: a redirect on refresh: stale keys
--- mode: stale
--- fault
return 302 http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json;



=== TEST 8: timeout (the server sleeps past proxy_read_timeout 1s), no keys: 503
--- fault
echo_sleep 3; echo '{}';
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
upstream timed out (110: Connection timed out) while reading response header from upstream
JWKS fetch of pool "test" failed: status 0, rc 504
no JWKS keys for pool "test", failing closed



=== TEST 9: timeout on refresh: stale keys
--- mode: stale
--- fault
echo_sleep 3; echo '{}';



=== TEST 10: invalid JSON, no keys: 503
--- fault
default_type application/json; return 200 '{"keys":[{"kty":"RSA",';
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
JWKS of pool "test" rejected: JWKS is not a JSON object
no JWKS keys for pool "test", failing closed



=== TEST 11: invalid JSON on refresh: stale keys
--- mode: stale
--- fault
default_type application/json; return 200 '{"keys":[{"kty":"RSA",';



=== TEST 12: an HTML page with status 200 (a captive portal), no keys: 503
--- fault
default_type text/html; return 200 '<html><body>Please log in</body></html>';
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
JWKS of pool "test" rejected: JWKS is not a JSON object



=== TEST 13: an empty 200 body, no keys: 503
--- fault
return 200 '';
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
JWKS fetch of pool "test" returned an empty body
no JWKS keys for pool "test", failing closed



=== TEST 14: an empty 200 body on refresh: stale keys
--- mode: stale
--- fault
return 200 '';



=== TEST 15: empty "keys", no keys: 503
--- fault
return 200 '{"keys":[]}';
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
JWKS of pool "test" rejected: JWKS has no usable RSA signing key



=== TEST 16: empty "keys" on refresh: stale keys
--- mode: stale
--- fault
return 200 '{"keys":[]}';



=== TEST 17: "keys" is an object, no keys: 503
--- fault
return 200 '{"keys":{}}';
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
JWKS of pool "test" rejected: JWKS has no "keys" array



=== TEST 18: duplicate "keys" members (good, then empty), no keys: 503
--- fault eval
my $t = main::jwks_text();
$t =~ s/\}$/,"keys":[]}/;
"return 200 '$t';"
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
JWKS of pool "test" rejected: JWKS is not a JSON object



=== TEST 19: keys without "kid", no keys: 503
--- fault eval
my $t = main::jwks_text();
$t =~ s/"kid":"[^"]*",//g;
"return 200 '$t';"
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
JWKS of pool "test" rejected: JWKS has no usable RSA signing key



=== TEST 20: keys without "kid" on refresh: stale keys
--- mode: stale
--- fault eval
my $t = main::jwks_text();
$t =~ s/"kid":"[^"]*",//g;
"return 200 '$t';"



=== TEST 21: only EC keys (kid test-key-1), no keys: 503
--- fault
return 200 '{"keys":[{"alg":"ES256","crv":"P-256","kid":"test-key-1","kty":"EC","use":"sig","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}';
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
JWKS of pool "test" rejected: JWKS has no usable RSA signing key



=== TEST 22: only EC keys on refresh: stale keys
--- mode: stale
--- fault
return 200 '{"keys":[{"alg":"ES256","crv":"P-256","kid":"test-key-3","kty":"EC","use":"sig","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}';



=== TEST 23: only a 1024-bit RSA key, no keys: 503
--- fault eval
"return 200 '" . main::small_key_jwks() . "';"
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
JWKS of pool "test" rejected: JWKS has no usable RSA signing key



=== TEST 24: 10 MiB body with the default subrequest buffer, no keys: 503, not a dropped connection
--- fault
echo -n '{"keys":['; echo_duplicate 1048576 '{"kty":"x"},'; echo '{}]}';
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
JWKS of pool "test" is larger than 262144 bytes
no JWKS keys for pool "test", failing closed



=== TEST 25: 10 MiB body with the default subrequest buffer on refresh: stale keys
--- mode: stale
--- fault
echo -n '{"keys":['; echo_duplicate 1048576 '{"kty":"x"},'; echo '{}]}';



=== TEST 26: 10 MiB body with a 16 MiB subrequest buffer: the core's 256 KiB limit refuses it: 503
--- jwks_location
subrequest_output_buffer_size 16m;
--- fault
echo -n '{"keys":['; echo_duplicate 1048576 '{"kty":"x"},'; echo '{}]}';
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
JWKS of pool "test" is larger than 262144 bytes
no JWKS keys for pool "test", failing closed



=== TEST 27: 10 MiB body with a 16 MiB subrequest buffer on refresh: stale keys
--- mode: stale
--- jwks_location
subrequest_output_buffer_size 16m;
--- fault
echo -n '{"keys":['; echo_duplicate 1048576 '{"kty":"x"},'; echo '{}]}';



=== TEST 28: a good JWKS of exactly 256 KiB (padded with spaces) is accepted
--- jwks_location
subrequest_output_buffer_size 1m;
--- user_files eval
">>> big.json\n" . main::sized_jwks(262144)
--- fault
alias $TEST_NGINX_HTML_DIR/big.json;
--- response_body
ok 11111111-2222-3333-4444-555555555555



=== TEST 29: a good JWKS of 256 KiB + 1 byte is refused: 503
--- jwks_location
subrequest_output_buffer_size 1m;
--- user_files eval
">>> big.json\n" . main::sized_jwks(262145)
--- fault
alias $TEST_NGINX_HTML_DIR/big.json;
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
JWKS of pool "test" is larger than 262144 bytes



=== TEST 30: 64 keys (the limit), the signing key last, are accepted
--- jwks_location
subrequest_output_buffer_size 1m;
--- user_files eval
">>> keys.json\n" . main::many_keys(64)
--- fault
alias $TEST_NGINX_HTML_DIR/keys.json;
--- response_body
ok 11111111-2222-3333-4444-555555555555



=== TEST 31: 65 keys, no keys: 503
--- jwks_location
subrequest_output_buffer_size 1m;
--- user_files eval
">>> keys.json\n" . main::many_keys(65)
--- fault
alias $TEST_NGINX_HTML_DIR/keys.json;
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
JWKS of pool "test" rejected: JWKS has too many keys



=== TEST 32: 65 keys on refresh: stale keys
--- mode: stale
--- jwks_location
subrequest_output_buffer_size 1m;
--- user_files eval
">>> keys.json\n" . main::many_keys(65)
--- fault
alias $TEST_NGINX_HTML_DIR/keys.json;



=== TEST 33: a slow body whose pauses stay under proxy_read_timeout is fetched
--- fault eval
main::slow_body("0.3")
--- response_body
ok 11111111-2222-3333-4444-555555555555



=== TEST 34: a slow body stalling past proxy_read_timeout, no keys: 503
--- fault eval
main::slow_body(3)
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
upstream timed out (110: Connection timed out) while reading upstream
JWKS fetch of pool "test"
no JWKS keys for pool "test", failing closed



=== TEST 35: a slow body stalling on refresh: stale keys
--- mode: stale
--- fault eval
main::slow_body(3)



=== TEST 36: the JWKS server refuses connections, no keys: 503
--- fault
return 444;
--- jwks_upstream
127.0.0.1:9
--- error_code: 503
--- response_body
503 jwks_unavailable
--- error_log
connect() failed (111: Connection refused)
JWKS fetch of pool "test" failed: status 0, rc 502
no JWKS keys for pool "test", failing closed



=== TEST 37: the connection is closed without a response on refresh (444): stale keys
--- mode: stale
--- fault
return 444;



=== TEST 38: jwks_refresh_min=0s and a failing JWKS server: one request, one 503 (not a fetch loop)
--- refresh_min: 0s
--- fault
return 500;
--- request eval
["GET /t", "GET /metrics"]
--- more_headers eval
[Cognito::bearer(), ""]
--- error_code eval
[503, 200]
--- response_body_like eval
["^503 jwks_unavailable\n\$",
 qr/cognito_auth_jwks_fetches_total\{pool="test",result="ok"\} 0\ncognito_auth_jwks_fetches_total\{pool="test",result="error"\} [12]\n/]
--- timeout: 5



=== TEST 39: concurrent requests during the first fetch wait for it instead of failing with 503
--- refresh_min: 10s
--- fault eval
main::slow_body("0.5")
--- request
GET /both
--- more_headers eval
Cognito::bearer()
--- response_body
ok 11111111-2222-3333-4444-555555555555
ok 11111111-2222-3333-4444-555555555555
