# The pure-C core (cognito_util.c, cognito_json.c, cognito_jwt.c,
# cognito_jwks.c, cognito_revoke.c, cognito_session.c): unit tests and
# fuzzing.
#
# Included by the top-level Makefile; also works alone from the repo root:
#
#   make -f mk/core.mk unit                 TAP unit tests
#   make -f mk/core.mk unit SANITIZE=1      the same under ASan + UBSan + LSan
#   make -f mk/core.mk fuzz-replay          every seed corpus file through
#                                           every harness, without libFuzzer
#   make -f mk/core.mk fuzz FUZZ_SECONDS=60 libFuzzer (clang), each harness
#
# Outputs go to build/core/ (build/core/asan/ with SANITIZE=1).


COGNITO_CORE_SRC_DIR  ?= ngx_http_cognito_auth_module
COGNITO_CORE_BUILD    ?= build/core
COGNITO_PKG_CONFIG    ?= pkg-config
COGNITO_CORE_PKGS     := libcjson jansson cjose libcrypto
FUZZ_SECONDS          ?= 60
FUZZ_CC               ?= clang
FUZZ_JOBS_FLAGS       ?=

COGNITO_CORE_PKG_CFLAGS := $(shell $(COGNITO_PKG_CONFIG) --cflags \
                               $(COGNITO_CORE_PKGS))
COGNITO_CORE_PKG_LIBS   := $(shell $(COGNITO_PKG_CONFIG) --libs \
                               $(COGNITO_CORE_PKGS))

COGNITO_CORE_WARN     := -Wall -Wextra -Werror -std=gnu99
COGNITO_CORE_CFLAGS   := $(COGNITO_CORE_WARN) -g -O1 \
                         -I$(COGNITO_CORE_SRC_DIR) $(COGNITO_CORE_PKG_CFLAGS) \
                         $(COGNITO_CORE_EXTRA_CFLAGS)

ifeq ($(SANITIZE),1)
COGNITO_CORE_SAN      := -fsanitize=address,undefined \
                         -fno-sanitize-recover=undefined \
                         -fno-omit-frame-pointer
COGNITO_CORE_OUT      := $(COGNITO_CORE_BUILD)/asan
else
COGNITO_CORE_SAN      :=
COGNITO_CORE_OUT      := $(COGNITO_CORE_BUILD)/plain
endif

COGNITO_CORE_NAMES    := cognito_util cognito_json cognito_jwt cognito_jwks \
                         cognito_revoke cognito_session
COGNITO_CORE_HDRS     := $(COGNITO_CORE_NAMES:%=$(COGNITO_CORE_SRC_DIR)/%.h)
COGNITO_CORE_SRCS     := $(COGNITO_CORE_NAMES:%=$(COGNITO_CORE_SRC_DIR)/%.c)
COGNITO_CORE_OBJS     := $(COGNITO_CORE_NAMES:%=$(COGNITO_CORE_OUT)/%.o)

COGNITO_UNIT_TESTS    := core json revoke session
COGNITO_UNIT_BINS     := $(COGNITO_UNIT_TESTS:%=$(COGNITO_CORE_OUT)/test_%)
COGNITO_FUZZ_TARGETS  := token json jwks revoke appsync session
COGNITO_REPLAY_BINS   := $(COGNITO_FUZZ_TARGETS:%=$(COGNITO_CORE_OUT)/replay_%)
COGNITO_FUZZ_OUT      := $(COGNITO_CORE_BUILD)/fuzz

COGNITO_CORE_COMPILE   = $(CC) $(COGNITO_CORE_CFLAGS) $(COGNITO_CORE_SAN)
COGNITO_CORE_LINK      = $(CC) $(COGNITO_CORE_SAN)

# LeakSanitizer makes any leak fatal under SANITIZE=1
COGNITO_CORE_RUN_ENV  := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
                         UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1


.PHONY: unit fuzz-replay fuzz core-objs core-clean


core-objs: $(COGNITO_CORE_OBJS)

unit: $(COGNITO_UNIT_BINS)
	@set -e; for t in $(COGNITO_UNIT_BINS); do \
	    echo "$$t"; \
	    $(COGNITO_CORE_RUN_ENV) $$t; \
	done

fuzz-replay: $(COGNITO_REPLAY_BINS)
	@set -e; for t in $(COGNITO_FUZZ_TARGETS); do \
	    echo "$(COGNITO_CORE_OUT)/replay_$$t t/fuzz/corpus/$$t"; \
	    $(COGNITO_CORE_RUN_ENV) $(COGNITO_CORE_OUT)/replay_$$t \
	        t/fuzz/corpus/$$t; \
	done

fuzz:
	@mkdir -p $(COGNITO_FUZZ_OUT)
	@if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n)' \
	        '{ return 0; }' \
	     | $(FUZZ_CC) -fsanitize=fuzzer -x c - \
	        -o $(COGNITO_FUZZ_OUT)/probe >/dev/null 2>&1; \
	then \
	    echo "fuzz: skipped: $(FUZZ_CC) with libFuzzer (-fsanitize=fuzzer)" \
	         "is not available (Debian: clang libclang-rt-dev)"; \
	    exit 0; \
	fi; \
	set -e; for t in $(COGNITO_FUZZ_TARGETS); do \
	    echo "fuzz: building fuzz_$$t"; \
	    $(FUZZ_CC) $(COGNITO_CORE_WARN) -g -O1 \
	        -fsanitize=fuzzer,address,undefined \
	        -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
	        -I$(COGNITO_CORE_SRC_DIR) $(COGNITO_CORE_PKG_CFLAGS) \
	        t/fuzz/fuzz_$$t.c $(COGNITO_CORE_SRCS) \
	        $(COGNITO_CORE_PKG_LIBS) -o $(COGNITO_FUZZ_OUT)/fuzz_$$t; \
	    rm -rf $(COGNITO_FUZZ_OUT)/corpus_$$t; \
	    mkdir -p $(COGNITO_FUZZ_OUT)/corpus_$$t \
	             $(COGNITO_FUZZ_OUT)/artifacts_$$t; \
	    echo "fuzz: running fuzz_$$t for $(FUZZ_SECONDS)s"; \
	    $(COGNITO_FUZZ_OUT)/fuzz_$$t \
	        -max_total_time=$(FUZZ_SECONDS) -max_len=9000 \
	        -artifact_prefix=$(COGNITO_FUZZ_OUT)/artifacts_$$t/ \
	        $(FUZZ_JOBS_FLAGS) \
	        $(COGNITO_FUZZ_OUT)/corpus_$$t t/fuzz/corpus/$$t; \
	done

core-clean:
	rm -rf $(COGNITO_CORE_BUILD)


$(COGNITO_CORE_OUT)/%.o: $(COGNITO_CORE_SRC_DIR)/%.c $(COGNITO_CORE_HDRS)
	@mkdir -p $(@D)
	$(COGNITO_CORE_COMPILE) -c $< -o $@

$(COGNITO_CORE_OUT)/test_%: t/unit/test_%.c t/unit/tap.c t/unit/tap.h \
    $(COGNITO_CORE_OBJS) $(COGNITO_CORE_HDRS)
	@mkdir -p $(@D)
	$(COGNITO_CORE_COMPILE) -c t/unit/test_$*.c -o $@.o
	$(COGNITO_CORE_COMPILE) -c t/unit/tap.c -o $@.tap.o
	$(COGNITO_CORE_LINK) $@.o $@.tap.o $(COGNITO_CORE_OBJS) \
	    $(COGNITO_CORE_PKG_LIBS) -o $@

$(COGNITO_CORE_OUT)/replay_%: t/fuzz/fuzz_%.c t/fuzz/replay.c \
    $(COGNITO_CORE_OBJS) $(COGNITO_CORE_HDRS)
	@mkdir -p $(@D)
	$(COGNITO_CORE_COMPILE) -c t/fuzz/fuzz_$*.c -o $@.harness.o
	$(COGNITO_CORE_COMPILE) -c t/fuzz/replay.c -o $@.replay.o
	$(COGNITO_CORE_LINK) $@.harness.o $@.replay.o $(COGNITO_CORE_OBJS) \
	    $(COGNITO_CORE_PKG_LIBS) -o $@
