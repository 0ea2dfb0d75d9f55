# cognito_auth_revocation_list uri=: the list fetched from a location (as
# a fleet serves one list to every instance), on an interval, with
# If-None-Match; kept in the shared zone, so that every worker refuses a
# token revoked at the source within one interval; the last good list kept
# when a fetch fails (500, timeout, invalid JSON, oversized); its age and
# failures in the metrics.
#
# Two workers.  The gateway (cognito_auth) listens with reuseport on
# $TEST_NGINX_JWKS_PORT (the pool reads jwks_file=, no JWKS mock is
# needed), so that the kernel spreads the test's connections over both
# workers; the test server forwards to it.  The list's source, on
# $TEST_NGINX_BACKEND_PORT, serves html/lists/revoked.json as a static file
# (ETag, 304) unless a file in html/mode/ tells it to fail; the test
# writes both with a POST whose body the source echoes back and the test
# server keeps (proxy_store: no optional module).

use lib 't/lib';
use Cognito 'no_plan';

our $Http = <<'_EOC_';
    # no jwks mock
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_revocation_list uri=/_revoked check=1s;

    server {
        listen 127.0.0.1:$TEST_NGINX_JWKS_PORT reuseport;

        location = /_revoked {
            internal;
            proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/lists/revoked.json;
            proxy_read_timeout 1s;
        }

        location = /t {
            cognito_auth test;
            error_page 401 /denied;
            echo "ok $pid";
        }

        location = /denied {
            internal;
            echo "denied $pid $cognito_error";
        }

        location = /metrics { cognito_auth_metrics; }
    }

    log_format fetches 'fetch $status [$http_if_none_match]';

    # the list's source: a static file, as an S3 object or any HTTP server
    server {
        listen 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        access_log logs/fetches.log fetches;
        root html;

        location / {
            if (-f $document_root/mode/fail500) { return 500; }
            if (-f $document_root/mode/slow) { rewrite ^ /slow last; }
            if (-f $document_root/mode/huge) { rewrite ^ /huge last; }
        }

        # 2 s: past the fetch's 1 s timeout, and over before Test::Nginx's
        # 3 s wait for nginx to quit (which waits for this request)
        location = /slow { echo_sleep 2; echo '{"jti": []}'; }
        location = /huge { echo_duplicate 17000000 " "; }
        location ^~ /echo { echo_read_request_body; echo_request_body; }
    }
_EOC_

our $Config = <<'_EOC_';
    location = /t {
        proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT;
        proxy_set_header Connection close;
    }
    location = /metrics {
        proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT;
        proxy_set_header Connection close;
    }
    location /lists/ { root html; proxy_store on; proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/echo; }
    location /mode/ { root html; proxy_store on; proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/echo; }
    location = /sleep { echo_sleep 1.5; echo slept; }
    location = /fetches { alias logs/fetches.log; }
_EOC_

# the pids of the workers that refused a token, per block
our %Pids;

add_response_body_check(sub {
    my ($block, $body, $idx, $rep, $dry_run) = @_;
    return if $dry_run || !defined $body;
    if ($body =~ /^denied (\d+) token_revoked$/m) {
        $Pids{$block->name}{$1} = 1;
    }
    if ($body =~ /^# HELP cognito_auth_/ && $block->name =~ /every worker/) {
        is(scalar(keys %{ $Pids{$block->name} || {} }), 2,
           $block->name . " - both workers refused the revoked token");
    }
});

sub bearer { "Authorization: Bearer " . Cognito::access_token(jti => $_[0]) }

# blocks but the "nginx -t" ones run the gateway above; "--- break" names
# the request that makes the source fail (see failing()); "--- first_fetch"
# the user_files that make the first fetch fail
add_block_preprocessor(sub {
    my $block = shift;
    return if $block->name =~ /nginx -t/;
    $block->set_value('http_config', $Http);
    $block->set_value('config', $Config);
    if (defined $block->first_fetch) {
        # no list yet, and the first fetch fails as the file says
        $block->set_value('user_files', $block->first_fetch);
        $block->set_value('request', "GET /t");
        $block->set_value('more_headers', bearer("jti-B"));
        $block->set_value('error_code', 503);
        return;
    }
    my $break = $block->break // return;
    chomp $break;
    my $f = failing($break);
    $block->set_value('user_files', ">>> lists/revoked.json\n"
                                    . "{\"jti\": [\"jti-A\"]}\n");
    $block->set_value('request', $f->{request});
    $block->set_value('more_headers', $f->{headers});
    $block->set_value('error_code', $f->{codes});
    $block->set_value('response_body_like', $f->{bodies});
});

# a list revoking jti-A is in force; then the source fails (the request
# that breaks it); one interval later jti-A is still refused, jti-B not.
# Intervals are counted in whole seconds of nginx's clock: a failure at the
# end of one second may be retried at the start of the next, so the
# failures are one or more.
sub failing {
    my ($break) = @_;
    return {
        request => ["GET /t", $break, "GET /sleep", "GET /t", "GET /t",
                    "GET /metrics"],
        headers => [bearer("jti-A"), "", "", bearer("jti-A"), bearer("jti-B"),
                    ""],
        codes => [401, 200, 200, 401, 200, 200],
        bodies => ["^denied \\d+ token_revoked\n\$", "", "^slept\n\$",
                   "^denied \\d+ token_revoked\n\$", "^ok \\d+\n\$",
                   qr/\ncognito_auth_revocation_fetches_total\{result="ok"\} 1\ncognito_auth_revocation_fetches_total\{result="error"\} [1-9]\n.*\ncognito_auth_revocation_entries 1\n.*\ncognito_auth_revocation_consecutive_failures [1-9]\n/s],
    };
}

master_on();
workers(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: revoked at the source: refused within one interval, on every worker
--- user_files
>>> lists/revoked.json
{"jti": []}
--- request eval
[("GET /t") x 6,
 "POST /lists/revoked.json\n{\"jti\": [\"jti-A\"]}",
 "GET /sleep",
 ("GET /t") x 16,
 "GET /t",
 "GET /metrics"]
--- more_headers eval
[(main::bearer("jti-A")) x 6, "", "", (main::bearer("jti-A")) x 16,
 main::bearer("jti-B"), ""]
--- error_code eval
[(200) x 6, 200, 200, (401) x 16, 200, 200]
--- response_body_like eval
[("^ok \\d+\n\$") x 6, "", "^slept\n\$",
 ("^denied \\d+ token_revoked\n\$") x 16,
 "^ok \\d+\n\$",
 qr/\ncognito_auth_revocation_fetches_total\{result="ok"\} [2-9]\ncognito_auth_revocation_fetches_total\{result="error"\} 0\n.*\ncognito_auth_revocation_entries 1\n.*\ncognito_auth_revocation_last_success_seconds [01]\n.*\ncognito_auth_revocation_consecutive_failures 0\n/s]
--- no_error_log
[alert]
[emerg]



=== TEST 2: the source answers 500: the last list stays
--- break
POST /mode/fail500
x



=== TEST 3: the source times out: the last list stays
--- break
POST /mode/slow
x
--- timeout: 6



=== TEST 4: the source serves invalid JSON: the last list stays
--- break
POST /lists/revoked.json
{"jti": ["jti-A"]]



=== TEST 5: the source serves more than 16 MiB: refused, the last list stays
--- break
POST /mode/huge
x
--- timeout: 6



=== TEST 6: no list yet and the source fails: 503, fail closed
--- first_fetch
>>> mode/fail500
x
--- response_body
{"error":"temporarily_unavailable","error_description":"revocation list unavailable"}
--- error_log
cognito auth: revocation list fetch failed: status 500
no revocation list from "/_revoked", failing closed



=== TEST 7: no list yet, a timeout: 503
--- first_fetch
>>> mode/slow
x
--- error_log
cognito auth: revocation list fetch failed: status 0, rc 504
--- timeout: 6



=== TEST 8: no list yet, invalid JSON: 503
--- first_fetch
>>> lists/revoked.json
{"jti": "jti-A"}
--- error_log
cognito auth: revocation list from "/_revoked" rejected:



=== TEST 9: no list yet, oversized: 503
--- first_fetch
>>> mode/huge
x
--- error_log
cognito auth: revocation list is larger than 16777216 bytes
--- timeout: 6



=== TEST 10: the list again, unchanged: If-None-Match, 304, the list stays
--- user_files
>>> lists/revoked.json
{"jti": ["jti-A"]}
--- request eval
["GET /t", "GET /sleep", "GET /t", "GET /t", "GET /fetches"]
--- more_headers eval
[main::bearer("jti-A"), "", main::bearer("jti-A"), main::bearer("jti-B"), ""]
--- error_code eval
[401, 200, 401, 200, 200]
--- response_body_like eval
["^denied", "^slept", "^denied \\d+ token_revoked\n\$", "^ok",
 qr/\Afetch 200 \[-\]\n(?:fetch 304 \[\\x22[^\]]+\\x22\]\n)+\z/]



=== TEST 11: nginx -t: uri= takes a location
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_revocation_list uri=_revoked;
--- config
--- must_die
--- error_log
invalid revocation list "uri=_revoked": uri= takes a location, such as uri=/_cognito_revoked



=== TEST 12: nginx -t: check= of at least a second with uri=
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_revocation_list uri=/_revoked check=500ms;
--- config
--- must_die
--- error_log
revocation list "uri=/_revoked": check= must be 1s or more with uri=



=== TEST 13: nginx -t: uri= needs the zone first
--- http_config
    cognito_auth_revocation_list uri=/_revoked;
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
--- config
--- must_die
--- error_log
revocation list "uri=/_revoked" needs a "cognito_auth_zone" defined before it



=== TEST 14: nginx -t: a server with cognito_auth must serve the list's location
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_revocation_list uri=/_revoked;
--- config
    location = /t { cognito_auth test; echo ok; }
--- must_die
--- error_log eval
qr/server "localhost" in \S+:\d+ uses cognito_auth_revocation_list, but its uri=\/_revoked is served there by "location \/": add "location = \/_revoked \{ internal; ... \}" to this server/



=== TEST 15: nginx -t: the list's location must be internal
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_revocation_list uri=/_revoked;
--- config
    location = /_revoked { proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/; }
    location = /t { cognito_auth test; echo ok; }
--- must_die
--- error_log eval
qr/uses cognito_auth_revocation_list, whose uri=\/_revoked is served there by "location = \/_revoked", which is not "internal"/



=== TEST 16: nginx -t: one list only
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_revocation_list uri=/_revoked;
    cognito_auth_revocation_list $TEST_NGINX_DATA_DIR/jwks.json;
--- config
--- must_die
--- error_log
"cognito_auth_revocation_list" directive is duplicate



=== TEST 17: nginx -t: the list's location proxying https:// without proxy_ssl_verify warns
--- http_config
    cognito_auth_zone cognito:1m;
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_revocation_list uri=/_revoked;
--- config
    location = /_revoked { internal; proxy_pass https://127.0.0.1:$TEST_NGINX_BACKEND_PORT/revoked.json; }
    location = /t { cognito_auth test; echo ok; }
--- request
GET /t
--- error_code: 401
--- error_log eval
qr{\[warn\] \d+#\d+: server "localhost" in \S+/nginx\.conf:\d+: the uri=/_revoked location of cognito_auth_revocation_list proxies over TLS without "proxy_ssl_verify on", so anyone on the network path can serve an empty list and let revoked tokens in: add "proxy_ssl_verify on; proxy_ssl_trusted_certificate <CA bundle>; proxy_ssl_server_name on;" to "location /_revoked"}
