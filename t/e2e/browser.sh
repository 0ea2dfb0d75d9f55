#!/bin/sh
# End-to-end browser sign-in (issue 14): Debian's chromium, driven by
# puppeteer-core, opens a protected page through nginx with the module,
# signs in at oidc-provider standing in for Cognito's hosted UI, calls an
# API from the page, waits until the session is refreshed (by six fetch
# calls at once, with refresh-token rotation), posts a form from another
# site (no session goes along), and signs out (t/e2e/signin.mjs says each
# step).  Everything on 127.0.0.1; about 30 s.
#
#   sh t/e2e/browser.sh
#
# Needs node >= 18, npm and chromium (util/deps --with-extra installs them)
# and the module (make build).  util/npm-cache installs the npm packages
# pinned in t/e2e/package.json into a cache directory outside the
# repository, $NGX_COGNITO_BROWSER_CACHE (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/ngx-cognito-e2e-browser).
#
# BROWSER_PROVIDER_PORT (default 19240), BROWSER_NGINX_PORT (19241),
# BROWSER_BACKEND_PORT (19242): 127.0.0.1 ports.
# BROWSER_MODULE  the module (default build/modules/..., from make build)
# TEST_NGINX_BINARY  the nginx (default /usr/sbin/nginx, as the module's
#                 build is for Debian's)
# CHROMIUM        the browser (default /usr/bin/chromium)
# E2E_KEEP=1      keep the run directory (configuration, logs)

set -u

cd "$(dirname "$0")/../.." || exit 1

die() { echo "browser e2e: $*" >&2; exit 1; }

module=${BROWSER_MODULE:-build/modules/ngx_http_cognito_auth_module.so}
nginx=${TEST_NGINX_BINARY:-/usr/sbin/nginx}
chromium=${CHROMIUM:-/usr/bin/chromium}
cache=${NGX_COGNITO_BROWSER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ngx-cognito-e2e-browser}

# nginx runs with its own prefix: the module's path made absolute
[ -f "$module" ] || die "$module is missing (make build, or set BROWSER_MODULE)"
module=$(cd "$(dirname "$module")" && pwd)/$(basename "$module")
[ -x "$nginx" ] || die "$nginx is missing (set TEST_NGINX_BINARY)"
[ -x "$chromium" ] \
    || die "$chromium is missing (sh util/deps --with-extra installs chromium)"
mods=$(sh util/npm-cache t/e2e/package.json "$cache") \
    || die "installing t/e2e/package.json's packages failed"

E2E_NODE_MODULES=$mods
E2E_MODULE=$module
E2E_NGINX=$nginx
E2E_CHROMIUM=$chromium
E2E_PROVIDER_PORT=${BROWSER_PROVIDER_PORT:-19240}
E2E_NGINX_PORT=${BROWSER_NGINX_PORT:-19241}
E2E_BACKEND_PORT=${BROWSER_BACKEND_PORT:-19242}
NODE_NO_WARNINGS=1
export E2E_NODE_MODULES E2E_MODULE E2E_NGINX E2E_CHROMIUM E2E_PROVIDER_PORT \
       E2E_NGINX_PORT E2E_BACKEND_PORT NODE_NO_WARNINGS

exec node t/e2e/browser.mjs
