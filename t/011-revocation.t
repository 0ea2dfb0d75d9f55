# cognito_auth_revocation_list: revoked jti, origin_jti (RevokeToken) and
# sub issued-before entries (global sign-out) get 401 "token revoked", even
# when the token is cached as verified; the list is re-read when it changes,
# without a reload.

use lib 't/lib';
use Cognito 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a revoked jti
--- http_config
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_revocation_list $TEST_NGINX_HTML_DIR/revoked.json;
--- config
    location = /t { cognito_auth test; echo ok; }
--- user_files
>>> revoked.json
{"jti": ["jti-revoked", "jti-other"]}
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(jti => "jti-revoked")
--- error_code: 401
--- response_body
{"error":"invalid_token","error_description":"token revoked"}
--- error_log
cognito auth: token rejected: token_revoked



=== TEST 2: a revoked refresh token's access tokens (origin_jti)
--- http_config
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_revocation_list $TEST_NGINX_HTML_DIR/revoked.json;
--- config
    location = /t { cognito_auth test; echo ok; }
--- user_files
>>> revoked.json
{"origin_jti": ["origin-1"]}
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer " . Cognito::access_token(origin_jti => "origin-1"),
 "Authorization: Bearer " . Cognito::access_token(origin_jti => "origin-2")]
--- error_code eval
[401, 200]



=== TEST 3: global sign-out: tokens issued before the time are revoked
--- http_config
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_revocation_list $TEST_NGINX_HTML_DIR/revoked.json;
--- config
    location = /t { cognito_auth test; echo ok; }
--- user_files eval
">>> revoked.json\n{\"sub\": {\"user-1\": " . (time - 100) . "}}\n"
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer " . Cognito::access_token(sub => "user-1", iat => time - 200),
 "Authorization: Bearer " . Cognito::access_token(sub => "user-1", iat => time - 50),
 "Authorization: Bearer " . Cognito::access_token(sub => "user-2", iat => time - 200)]
--- error_code eval
[401, 200, 200]



=== TEST 4: the list is re-read when it changes, without a reload, and beats the token cache
--- http_config
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_revocation_list $TEST_NGINX_HTML_DIR/lists/revoked.json check=100ms;
--- config
    location = /t { cognito_auth test; echo ok; }
    location /lists/ { root html; dav_methods PUT; }
    location = /sleep { echo_sleep 0.5; echo slept; }
--- user_files
>>> lists/revoked.json
{"jti": []}
--- request eval
["GET /t", "GET /t",
 "PUT /lists/revoked.json\n{\"jti\": [\"jti-A\"]}",
 "GET /sleep", "GET /t", "GET /t"]
--- more_headers eval
my $a = Cognito::access_token(jti => "jti-A");
my $b = Cognito::access_token(jti => "jti-B");
["Authorization: Bearer $a", "Authorization: Bearer $a", "", "",
 "Authorization: Bearer $a", "Authorization: Bearer $b"]
--- error_code eval
[200, 200, 204, 200, 401, 200]



=== TEST 5: a broken list at start is a configuration error
--- http_config
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_revocation_list $TEST_NGINX_DATA_DIR/jwks-bad.json;
--- config
--- must_die
--- error_log
invalid revocation list



=== TEST 6: a list rewritten in place with the same size and the same mtime is still re-read
--- http_config
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_revocation_list $TEST_NGINX_HTML_DIR/same/revoked.json check=100ms;
--- config
    location = /t { cognito_auth test; echo ok; }
    location = /sleep { echo_sleep 1; echo slept; }
--- user_files
>>> same/revoked.json
{"jti": ["jti-AAAA", "jti-keep"]}
--- init
# After the worker has checked the file a few times, swap one jti for
# another of the same length: same inode, same size, no truncation, and
# the exact same mtime (nanoseconds included) put back, which is what a
# rewrite within one timestamp tick of the filesystem looks like.
my $f = "$ENV{TEST_NGINX_HTML_DIR}/same/revoked.json";
chomp(my $before = `stat -c '%.9Y %s %i' '$f'`);
die "stat '$f' failed\n" unless $before =~ /^(\d+\.\d{9}) \d+ \d+$/;
my $mtime = $1;
select(undef, undef, undef, 0.5);
open my $fh, '+<', $f or die "open $f: $!";
print $fh '{"jti": ["jti-BBBB", "jti-keep"]}' or die "write $f: $!";
close $fh or die "close $f: $!";
system('touch', '-m', '-d', "\@$mtime", $f) == 0 or die "touch $f failed\n";
chomp(my $after = `stat -c '%.9Y %s %i' '$f'`);
die "$f: not the same mtime, size and inode ($before, $after)\n"
    unless $after eq $before;
--- request eval
["GET /sleep", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
["",
 "Authorization: Bearer " . Cognito::access_token(jti => "jti-BBBB"),
 "Authorization: Bearer " . Cognito::access_token(jti => "jti-AAAA"),
 "Authorization: Bearer " . Cognito::access_token(jti => "jti-keep")]
--- error_code eval
[200, 401, 200, 401]
--- no_error_log
[error]
[alert]



=== TEST 7: a broken rewrite in place (same size, same mtime) is reported once, and the last list stays
--- http_config
    cognito_auth_pool test us-east-1_TestPool1 client_id=testclient1 jwks_file=$TEST_NGINX_DATA_DIR/jwks.json;
    cognito_auth_revocation_list $TEST_NGINX_HTML_DIR/same/revoked.json check=100ms;
--- config
    location = /t { cognito_auth test; echo ok; }
--- user_files
>>> same/revoked.json
{"jti": ["jti-AAAA", "jti-keep"]}
--- init
my $f = "$ENV{TEST_NGINX_HTML_DIR}/same/revoked.json";
chomp(my $before = `stat -c '%.9Y %s %i' '$f'`);
die "stat '$f' failed\n" unless $before =~ /^(\d+\.\d{9}) \d+ \d+$/;
my $mtime = $1;
select(undef, undef, undef, 0.5);
open my $fh, '+<', $f or die "open $f: $!";
print $fh '{"jti": ["jti-BBBB", "jti-keep"]]' or die "write $f: $!";
close $fh or die "close $f: $!";
system('touch', '-m', '-d', "\@$mtime", $f) == 0 or die "touch $f failed\n";
chomp(my $after = `stat -c '%.9Y %s %i' '$f'`);
die "$f: not the same mtime, size and inode ($before, $after)\n"
    unless $after eq $before;
# several checks see the broken file before the request
select(undef, undef, undef, 1);
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(jti => "jti-AAAA")
--- error_code: 401
--- grep_error_log eval
qr/revocation list "[^"]+" revocation list is not a JSON object, keeping the last one/
--- grep_error_log_out eval
qr/\A[^\n]+\n\z/
--- no_error_log
[alert]
[crit]
