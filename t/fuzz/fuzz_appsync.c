
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * libFuzzer harness: where a request carries a token.  The input is read
 * as an Authorization value with each scheme mask, and as AppSync's
 * "header" parameter (base64 of JSON).  An input starting with '{' (never
 * base64) is base64-encoded by the harness first, so that the fuzzer
 * mutates the JSON directly.  The harness (not the core) traps when the
 * core breaks its own contract.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cognito_jwt.h"


#define fuzz_assert(c)  do { if (!(c)) { __builtin_trap(); } } while (0)


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_authorization(const char *value, size_t size);
static void fuzz_appsync(const char *b64, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int     n;
    char   *in, *b64;

    /* an exact-size copy: reading past size is caught by ASan */

    in = calloc(1, size ? size : 1);
    if (in == NULL) {
        return 0;
    }

    if (size) {
        memcpy(in, data, size);
    }

    fuzz_authorization(in, size);

    if (size && in[0] == '{' && size <= COGNITO_APPSYNC_MAX_LEN / 2) {
        b64 = malloc(4 * (size / 3 + 1) + 1);

        if (b64 != NULL) {
            n = EVP_EncodeBlock((unsigned char *) b64,
                                (const unsigned char *) in, (int) size);
            fuzz_appsync(b64, (size_t) n);
            free(b64);
        }

    } else {
        fuzz_appsync(in, size);
    }

    free(in);

    return 0;
}


static void
fuzz_authorization(const char *value, size_t size)
{
    int          rc, shape;
    size_t       len;
    unsigned     schemes;
    const char  *token;

    shape = cognito_token_shape(value, size);
    fuzz_assert(shape == 0 || shape == 3 || shape == 5);

    for (schemes = 0; schemes <= 3; schemes++) {
        token = NULL;
        len = 0;

        rc = cognito_authorization_token(value, size, schemes, &token, &len);
        fuzz_assert(rc == 0 || rc == 1);

        if (rc == 0) {
            continue;
        }

        /* inside the value, never empty */

        fuzz_assert(schemes != 0);
        fuzz_assert(token >= value && len > 0
                    && (size_t) (token - value) + len <= size);

        /* bare: all of a value that has a token's shape */

        if (schemes == COGNITO_SCHEME_BARE) {
            fuzz_assert(token == value && len == size && shape != 0);
        }
    }
}


static void
fuzz_appsync(const char *b64, size_t size)
{
    long    n, m;
    char   *buf;

    buf = malloc(size ? size : 1);
    if (buf == NULL) {
        return;
    }

    n = cognito_appsync_header_token(b64, size, buf, size);

    fuzz_assert(n == -1 || (n > 0 && (size_t) n <= size));

    if (n > 0) {
        /* what it found is a token to Authorization too */

        fuzz_authorization(buf, (size_t) n);

        /* a smaller buffer gives the same length and is left alone */

        m = cognito_appsync_header_token(b64, size, buf, 0);
        fuzz_assert(m == n);
    }

    free(buf);
}
