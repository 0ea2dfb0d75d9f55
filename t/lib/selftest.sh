#!/bin/sh
# Proves that the test runner can FAIL: runs small .t files that must fail
# (wrong body, wrong status, a missing error_log line, an unexpected
# no_error_log line, wrong headers, nginx that does not start, must_die that
# does not die) and one that must pass, each in a scratch directory, and
# checks prove's verdict.
#
#   sh t/lib/selftest.sh                         our fallback runner
#   sh t/lib/selftest.sh -I/path/to/test-nginx/lib   the real Test::Nginx too
#
# Ports: TEST_NGINX_SERVER_PORT (default 1984) and TEST_NGINX_JWKS_PORT.

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
real_inc=${1:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/cognito-selftest.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/t"
ln -s "$top/t/lib" "$work/t/lib"

failures=0

# the runner is under test, not the module: stock nginx plus the echo module
if [ -z "${TEST_NGINX_LOAD_MODULES:-}" ]; then
    TEST_NGINX_LOAD_MODULES=/usr/lib/nginx/modules/ngx_http_echo_module.so
    export TEST_NGINX_LOAD_MODULES
fi

# case NAME EXPECT(pass|fail) BLOCK-TEXT
case_t() {
    name=$1
    expect=$2
    body=$3
    cat > "$work/t/$name.t" <<EOF
use lib 't/lib';
use Cognito 'no_plan';
no_shuffle();
run_tests();

__DATA__

$body
EOF
}

case_t pass-ok pass '=== TEST 1: passes
--- http_config
    # cognito_auth_ none
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- response_body
hello
--- no_error_log
[error]'

case_t fail-body fail '=== TEST 1: wrong body
--- http_config
    # cognito_auth_ none
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- response_body
goodbye'

case_t fail-status fail '=== TEST 1: wrong status (200 is expected by default)
--- http_config
    # cognito_auth_ none
--- config
    location = /t { return 401; }
--- request
GET /t'

case_t fail-error-log fail '=== TEST 1: a line that is not in the log
--- http_config
    # cognito_auth_ none
--- config
    location = /t { return 200; }
--- request
GET /t
--- error_log
this text is never logged'

case_t fail-no-error-log fail '=== TEST 1: a line that is in the log
--- http_config
    # cognito_auth_ none
--- config
    location /f/ { root html; }
--- request
GET /f/missing
--- error_code: 404
--- no_error_log
[error]'

case_t fail-header fail '=== TEST 1: a header that is there
--- http_config
    # cognito_auth_ none
--- config
    location = /t { add_header X-Foo bar; return 200; }
--- request
GET /t
--- response_headers
!X-Foo'

case_t fail-header-value fail '=== TEST 1: a header value
--- http_config
    # cognito_auth_ none
--- config
    location = /t { add_header X-Foo bar; return 200; }
--- request
GET /t
--- response_headers
X-Foo: baz'

case_t fail-start fail '=== TEST 1: nginx does not start
--- http_config
    # cognito_auth_ none
--- config
    location = /t { bogus_directive; }
--- request
GET /t'

case_t fail-must-die fail '=== TEST 1: must_die but nginx starts
--- http_config
    # cognito_auth_ none
--- config
    location = /t { return 200; }
--- must_die'

case_t fail-timeout fail '=== TEST 1: the request times out
--- http_config
    # cognito_auth_ none
--- config
    location = /t {
        proxy_read_timeout 10s;
        proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/slow;
    }
--- timeout: 1
--- request
GET /t'

run_one() {
    label=$1
    shift
    for f in "$work"/t/*.t; do
        name=$(basename "$f" .t)
        case $name in
            pass-*) expect=pass ;;
            *) expect=fail ;;
        esac
        if (cd "$work" && prove "$@" "t/$name.t") > "$work/$name.out" 2>&1; then
            got=pass
        else
            got=fail
        fi
        if [ "$got" = "$expect" ]; then
            echo "ok: [$label] $name: $got as expected"
        else
            echo "NOT OK: [$label] $name: expected $expect, got $got"
            sed 's/^/    /' "$work/$name.out"
            failures=$((failures + 1))
        fi
    done
}

TEST_NGINX_USE_FALLBACK=1 run_one fallback
if [ -n "$real_inc" ]; then
    run_one real "$real_inc"
fi

if [ $failures -gt 0 ]; then
    echo "selftest: $failures unexpected results"
    exit 1
fi
echo "selftest: all cases behaved"
