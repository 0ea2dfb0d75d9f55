#!/bin/sh
# The differential test against AWS's own verifier (see t/README.md):
# t/aws/diff.js mints tokens across the Cognito claim space and compares the
# verdict of nginx with the module against aws-jwt-verify's, case by case.
#
#   sh t/aws/diff.sh [--list] [--keep] [--verbose]
#
# Needs node >= 18 and npm (util/deps --with-extra installs them).  The npm
# package pinned in t/aws/package.json is installed into a cache directory
# outside the repository, $NGX_COGNITO_DIFF_CACHE (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/ngx-cognito-aws-diff), and reinstalled
# when package.json changes.
#
# DIFF_MODULE   the module to load (default build/modules/..., from make build)
# DIFF_PORT     127.0.0.1 port for nginx (default $TEST_NGINX_SERVER_PORT,
#               else 1984)
# TEST_NGINX_BINARY  the nginx (default nginx from PATH, else /usr/sbin/nginx)

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

die() {
    echo "diff: $*" >&2
    exit 2
}

module=${DIFF_MODULE:-$top/build/modules/ngx_http_cognito_auth_module.so}
port=${DIFF_PORT:-${TEST_NGINX_SERVER_PORT:-1984}}
nginx=${TEST_NGINX_BINARY:-$(command -v nginx || echo /usr/sbin/nginx)}
cache=${NGX_COGNITO_DIFF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ngx-cognito-aws-diff}

[ -f "$module" ] || die "$module is missing (make build, or set DIFF_MODULE)"
case $module in
    /*) ;;
    *)  module=$top/$module ;;
esac

command -v node >/dev/null 2>&1 \
    || die "node is not installed (sh util/deps --with-extra installs it)"
command -v npm >/dev/null 2>&1 \
    || die "npm is not installed (sh util/deps --with-extra installs it)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] \
    || die "Node.js 18 or later is needed (this is $(node -v))"

# aws-jwt-verify, pinned in t/aws/package.json, outside the repository
mods=$cache/node
if ! cmp -s t/aws/package.json "$mods/package.json" \
   || [ ! -d "$mods/node_modules/aws-jwt-verify" ]
then
    echo "diff: installing aws-jwt-verify into $mods"
    mkdir -p "$cache"
    rm -rf "$mods.new"
    mkdir -p "$mods.new"
    cp t/aws/package.json "$mods.new/package.json"
    npm_log=$cache/npm-install.log
    if ! (cd "$mods.new" && npm install --no-package-lock --no-audit \
              --no-fund --omit=dev --loglevel=error) >"$npm_log" 2>&1
    then
        tail -n 40 "$npm_log" >&2
        rm -rf "$mods.new"
        die "npm install failed (log: $npm_log)"
    fi
    rm -rf "$mods"
    mv "$mods.new" "$mods"
fi

NODE_PATH=$mods/node_modules
NODE_NO_WARNINGS=1
export NODE_PATH NODE_NO_WARNINGS

exec node t/aws/diff.js --module "$module" --nginx "$nginx" --port "$port" "$@"
