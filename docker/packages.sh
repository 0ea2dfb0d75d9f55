#!/bin/sh
# The distribution packages of the libraries the module links beside
# nginx's own (OpenSSL, PCRE2, zlib), for the controller Dockerfiles:
#
#   docker/packages.sh debian|alpine build|runtime
#
# prints them on one line: "build" is what the builder stage compiles
# against (headers), "runtime" what the final stage adds to the controller
# image.  A new library is one line of the table below; util/docker-check
# fails while a library the module's ./config probes for has no line.

set -eu

case "${1:-}/${2:-}" in
    debian/build) col=2 ;;
    debian/runtime) col=3 ;;
    alpine/build) col=4 ;;
    alpine/runtime) col=5 ;;
    *)
        echo "usage: $0 debian|alpine build|runtime" >&2
        exit 2
        ;;
esac

# library  Debian (build)  Debian 13 (runtime)  Alpine (build)  Alpine 3.23
awk -v col="$col" '!/^#/ && NF == 5 { printf "%s%s", sep, $col; sep = " " }
                   END { print "" }' <<'TABLE'
cjson      libcjson-dev    libcjson1            cjson-dev       cjson
jansson    libjansson-dev  libjansson4          jansson-dev     jansson
cjose      libcjose-dev    libcjose0            cjose-dev       cjose
TABLE
