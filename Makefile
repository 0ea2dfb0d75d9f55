# ngx_http_cognito_auth_module
#
#   make build     the .so for Debian's nginx (build/modules/)
#   make test      everything CI runs; ends with a summary line
#   make demo      the local Cognito demo gateway
#   make clean

MODULE     = build/modules/ngx_http_cognito_auth_module.so
ASAN_MODULE = build/modules/ngx_http_cognito_auth_module-asan.so
SRCS       = $(wildcard ngx_http_cognito_auth_module/*.[ch]) config

.PHONY: all build build-source build-static build-asan test test-t test-asan demo \
        clean conf-check lint

all: build

build: $(MODULE)

$(MODULE): $(SRCS)
	util/build-module debian

$(ASAN_MODULE): $(SRCS)
	SANITIZE=1 util/build-module debian

build-asan: $(ASAN_MODULE)

build-source:
	util/build-module source
	util/check-load build/source/objs/ngx_http_cognito_auth_module.so

# nginx with the module compiled in (./configure --add-module)
build-static:
	util/build-module static

test-t: $(MODULE)
	prove -r t/

test-asan: $(ASAN_MODULE)
	util/test-asan

conf-check: $(MODULE)
	util/conf-check

lint:
	util/lint

test:
	util/test

demo: $(MODULE)
	util/demo

clean:
	rm -rf build t/servroot*

-include mk/core.mk
