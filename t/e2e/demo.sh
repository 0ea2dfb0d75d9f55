#!/bin/sh
# End-to-end: the demo's walk-through (cognito-local, the AppSync simulator,
# a Lambda-style handler, nginx with the module) in its quiet mode.  Exit 0
# when every step went as expected.  Skipped, with exit 0, only when
# Node.js is not installed.  Ports as util/demo (COGNITO_PORT, APPSYNC_PORT,
# LAMBDA_PORT, NGINX_PORT).

top=$(cd "$(dirname "$0")/../.." && pwd)

if ! command -v node >/dev/null 2>&1; then
    echo "e2e demo: skipped: Node.js not installed"
    exit 0
fi

exec sh "$top/util/demo" --check
