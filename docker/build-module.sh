#!/bin/sh
# Builds ngx_http_cognito_auth_module as a dynamic module against an nginx
# source tree, with --with-compat so that the .so loads into any nginx
# binary of the same version that was configured with --with-compat too
# (the official nginx images, ingress-nginx, Debian's package).
#
#   docker/build-module.sh NGINX_SRC_DIR OUT_DIR [MODULE_SRC_DIR]
#   docker/build-module.sh --version=X.Y.Z OUT_DIR [MODULE_SRC_DIR]
#
#   NGINX_SRC_DIR   an unpacked nginx-<version> source (its ./configure);
#                   it is configured in place
#   --version=      instead: download nginx-X.Y.Z.tar.gz from nginx.org
#                   (curl or wget, whichever is there) and build against it
#                   in OUT_DIR/nginx-X.Y.Z (the controller Dockerfiles);
#                   NGINX_DOWNLOAD replaces https://nginx.org/download
#                   (util/docker-check gives it a file:// directory)
#   OUT_DIR         where ngx_http_cognito_auth_module.so is copied
#   MODULE_SRC_DIR  this repository (default: the directory above this
#                   script; /src in the Dockerfiles)
#
# Needs a C compiler, make, and the headers of OpenSSL, PCRE, zlib, cJSON,
# jansson and cjose.  Environment: EXTRA_CONFIGURE (more ./configure
# options, e.g. ones that change struct layouts beyond --with-compat: none
# are needed for the official images), CC_OPT (default "-O2 -g").
# Used by every Dockerfile in docker/ and by util/docker-check (against
# Debian's nginx sources).

set -eu

if [ $# -lt 2 ]; then
    echo "usage: $0 NGINX_SRC_DIR OUT_DIR [MODULE_SRC_DIR]" >&2
    exit 2
fi

nginx_src=$1
out=$2
module_src=${3:-$(cd "$(dirname "$0")/.." && pwd)}

case $nginx_src in
    --version=*)
        version=${nginx_src#--version=}
        case $version in
            [0-9]*.[0-9]*.[0-9]*) ;;
            *)
                echo "build-module.sh: bad nginx version \"$version\"" >&2
                exit 2
                ;;
        esac
        url="${NGINX_DOWNLOAD:-https://nginx.org/download}/nginx-$version.tar.gz"
        nginx_src=$out/nginx-$version
        mkdir -p "$nginx_src"
        if command -v curl >/dev/null 2>&1; then
            curl -fsSL -o "$nginx_src.tar.gz" "$url"
        else
            wget -q -O "$nginx_src.tar.gz" "$url"
        fi
        tar -xzf "$nginx_src.tar.gz" -C "$nginx_src" --strip-components=1
        rm -f "$nginx_src.tar.gz"
        ;;
esac

if [ ! -x "$nginx_src/configure" ]; then
    echo "build-module.sh: $nginx_src/configure not found" >&2
    exit 1
fi
if [ ! -f "$module_src/config" ]; then
    echo "build-module.sh: $module_src is not the module's source (no config)" >&2
    exit 1
fi

module_src=$(cd "$module_src" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

cd "$nginx_src"

# shellcheck disable=SC2086
./configure --with-compat --with-http_ssl_module \
    --with-cc-opt="${CC_OPT:--O2 -g}" \
    ${EXTRA_CONFIGURE:-} \
    --add-dynamic-module="$module_src" > configure.log 2>&1 || {
    tail -n 30 configure.log >&2
    echo "build-module.sh: configure failed ($nginx_src/configure.log)" >&2
    exit 1
}

make -j"$jobs" -f objs/Makefile modules > make.log 2>&1 || {
    grep -E 'error|warning' make.log | head -n 40 >&2
    echo "build-module.sh: make modules failed ($nginx_src/make.log)" >&2
    exit 1
}

cp objs/ngx_http_cognito_auth_module.so "$out/"
echo "built $out/ngx_http_cognito_auth_module.so for nginx" \
     "$(sed -n 's/^#define NGINX_VERSION *"\(.*\)"/\1/p' src/core/nginx.h)"
