use lib 't/lib';
use Cognito 'no_plan';

# Self-test of the harness (t/lib/Cognito.pm and the runner): stock nginx
# and the echo module only, no cognito directives.  Every block's
# http_config says "# cognito_auth_ none" so that Cognito.pm adds no default
# pool; the JWKS mock server is still appended (except in TEST 13).

repeat_each(2);
no_long_string();
no_shuffle();

# token minting, checked against the committed fixtures
{
    require Crypt::JWT;
    require JSON::PP;
    require MIME::Base64;
    my $jwks = do {
        local $/;
        open my $fh, '<', "$ENV{TEST_NGINX_DATA_DIR}/jwks.json" or die $!;
        JSON::PP::decode_json(<$fh>);
    };
    my ($hdr, $claims) = Crypt::JWT::decode_jwt(
        token => Cognito::access_token(scope => 'shows/shows.read'),
        kid_keys => $jwks, decode_header => 1);
    is($hdr->{kid}, 'test-key-1', 'access token: kid');
    is($hdr->{alg}, 'RS256', 'access token: alg');
    is($claims->{token_use}, 'access', 'access token: token_use');
    is($claims->{scope}, 'shows/shows.read', 'access token: scope');
    is($claims->{client_id}, 'testclient1', 'access token: client_id');
    like($claims->{exp}, qr/^\d+$/, 'access token: numeric exp');

    (undef, $claims) = Crypt::JWT::decode_jwt(
        token => Cognito::id_token(email => undef), kid_keys => $jwks,
        decode_header => 1);
    is($claims->{aud}, 'testclient1', 'id token: aud');
    is($claims->{'cognito:username'}, 'alice', 'id token: username');
    ok(!exists $claims->{email}, 'id token: a claim given as undef is removed');

    my $t = Cognito::access_token(-key => 'rsa2');
    ($hdr) = Crypt::JWT::decode_jwt(token => $t, kid_keys => $jwks,
                                    decode_header => 1);
    is($hdr->{kid}, 'test-key-2', 'rsa2 is signed as test-key-2');

    $t = Cognito::access_token(-kid => undef);
    my $h = JSON::PP::decode_json(MIME::Base64::decode_base64url((split /\./, $t)[0]));
    ok(!exists $h->{kid}, '-kid => undef omits the kid');

    $t = Cognito::access_token(-alg => 'none');
    like($t, qr/^[\w-]+\.[\w-]+\.$/, 'alg none: empty signature');
    $h = JSON::PP::decode_json(MIME::Base64::decode_base64url((split /\./, $t)[0]));
    is($h->{alg}, 'none', 'alg none: header');

    $t = Cognito::access_token(-alg => 'HS256', -secret => 'k');
    ok(eval { Crypt::JWT::decode_jwt(token => $t, key => 'k'); 1 },
       'HS256 with the given secret');

    $t = Cognito::access_token(-header => { typ => 'at+jwt' });
    $h = JSON::PP::decode_json(MIME::Base64::decode_base64url((split /\./, $t)[0]));
    is($h->{typ}, 'at+jwt', '-header adds header fields');

    my $rot = JSON::PP::decode_json(Cognito::jwks_json('rsa-rotated', 'rsa1'));
    is(join(',', map { $_->{kid} } @{ $rot->{keys} }), 'test-key-3,test-key-1',
       'jwks_json');
}

run_tests();

__DATA__

=== TEST 1: a plain response body
--- http_config
    # cognito_auth_ none
--- config
    location = /t {
        return 200 "hello\n";
    }
--- request
GET /t
--- response_body
hello
--- no_error_log
[error]
[alert]



=== TEST 2: status code
--- http_config
    # cognito_auth_ none
--- config
    location = /t {
        return 403;
    }
--- request
GET /t
--- error_code: 403
--- response_body_like: 403 Forbidden
--- no_error_log
[error]
[alert]



=== TEST 3: response headers present and absent
--- http_config
    # cognito_auth_ none
--- config
    location = /t {
        add_header X-Foo "bar baz" always;
        return 200 "ok\n";
    }
--- request
GET /t
--- response_headers
X-Foo: bar baz
Content-Type: text/plain
!X-Bar
!WWW-Authenticate
--- response_body
ok
--- no_error_log
[error]
[alert]



=== TEST 4: response_headers_like and response_body_like
--- http_config
    # cognito_auth_ none
--- config
    location = /t {
        add_header X-Time $msec;
        return 200 "took $request_time\n";
    }
--- request
GET /t
--- response_headers_like
X-Time: \d+\.\d+
--- response_body_like chomp
^took \d+\.\d+$
--- no_error_log
[error]
[alert]



=== TEST 5: error_log sees the lines of this request
--- http_config
    # cognito_auth_ none
--- config
    location /files/ {
        root html;
    }
--- request
GET /files/missing.txt
--- error_code: 404
--- error_log
[error]
No such file or directory
--- no_error_log
[alert]
[emerg]



=== TEST 6: error_log eval with a regex and an array
--- http_config
    # cognito_auth_ none
--- config
    location /files/ {
        root html;
    }
--- request
GET /files/missing.txt
--- error_code: 404
--- error_log eval
[qr/open\(\) "[^"]+missing\.txt" failed \(2: No such file or directory\)/,
 "request: \"GET /files/missing.txt HTTP/1.1\""]
--- no_error_log eval
qr/\[alert\]|\[crit\]/



=== TEST 7: more_headers eval with a minted token, echoed back
--- http_config
    # cognito_auth_ none
--- config
    location = /t {
        echo $http_authorization;
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . Cognito::access_token(scope => "shows/shows.read")
--- response_body_like chomp
^Bearer [\w-]+\.[\w-]+\.[\w-]+$
--- no_error_log
[error]
[alert]



=== TEST 8: plain more_headers and a request body
--- http_config
    # cognito_auth_ none
--- config
    location = /t {
        echo_read_request_body;
        echo "x-test: $http_x_test";
        echo "length: $http_content_length";
        echo_request_body;
    }
--- request
POST /t
hello world
--- more_headers
X-Test: abc
--- response_body chomp
x-test: abc
length: 11
hello world
--- no_error_log
[error]
[alert]



=== TEST 9: user_files go under the html dir
--- http_config
    # cognito_auth_ none
--- config
--- user_files
>>> foo.txt
file contents
>>> sub/bar.json
{"a": 1}
--- request
GET /sub/bar.json
--- response_body
{"a": 1}
--- no_error_log
[error]
[alert]



=== TEST 10: the JWKS mock serves t/data/jwks.json
--- http_config
    # cognito_auth_ none
--- config
    location = /t {
        proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json;
    }
--- request
GET /t
--- response_body_like: "kid":"test-key-1".*"kid":"test-key-2"
--- no_error_log
[error]
[alert]



=== TEST 11: the JWKS mock's error statuses
--- http_config
    # cognito_auth_ none
--- config
    location /status/ {
        proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT;
    }
--- request eval
["GET /status/500", "GET /status/404"]
--- error_code eval
[500, 404]
--- no_error_log
[error]
[alert]



=== TEST 12: the JWKS mock's slow endpoint (echo module)
--- http_config
    # cognito_auth_ none
--- config
    location = /t {
        proxy_read_timeout 300ms;
        proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/slow;
    }
--- request
GET /t
--- error_code: 504
--- error_log
upstream timed out
--- no_error_log
[alert]



=== TEST 13: "# no jwks mock" leaves the mock out
--- http_config
    # cognito_auth_ none
    # no jwks mock
--- config
    location = /t {
        proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks.json;
    }
--- request
GET /t
--- error_code: 502
--- error_log
Connection refused
--- no_error_log
[alert]



=== TEST 14: grep_error_log
--- http_config
    # cognito_auth_ none
--- config
    rewrite_log on;
    location = /t {
        rewrite ^/t$ /u;
    }
    location = /u {
        return 200 "u\n";
    }
--- request
GET /t
--- response_body
u
--- grep_error_log eval: qr/"\^\/t\$" matches "\/t"/
--- grep_error_log_out
"^/t$" matches "/t"
--- no_error_log
[error]
[alert]



=== TEST 15: must_die with a bad directive
--- http_config
    # cognito_auth_ none
--- config
    location = /t {
        no_such_directive_here on;
    }
--- must_die
--- error_log
[emerg]
unknown directive "no_such_directive_here"
--- no_error_log
[alert]



=== TEST 16: $TEST_NGINX_* variables in the config sections
--- main_config
    env TEST_NGINX_DATA_DIR;
--- http_config
    # cognito_auth_ none
    map $uri $data_dir { default "$TEST_NGINX_DATA_DIR"; }
--- config
    location = /t {
        return 200 "$data_dir $server_port\n";
    }
--- request
GET /t
--- response_body_like chomp
^/\S+/t/data \d+$
--- no_error_log
[error]
[alert]
