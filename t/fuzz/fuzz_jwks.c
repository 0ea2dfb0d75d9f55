
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * libFuzzer harness: a JWKS document through cognito_keyset_load(); any
 * keyset that loads is used to verify the fixed token of fuzz_key.h.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cognito_jwt.h"
#include "cognito_jwks.h"
#include "fuzz_key.h"


#define fuzz_assert(c)  do { if (!(c)) { __builtin_trap(); } } while (0)


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                rc;
    char              *json;
    size_t             skipped;
    cognito_err_t      err;
    cognito_token_t   *tok;
    cognito_keyset_t  *ks;

    json = malloc(size ? size : 1);
    if (json == NULL) {
        return 0;
    }

    if (size) {
        memcpy(json, data, size);
    }

    ks = (cognito_keyset_t *) &rc;
    skipped = (size_t) -1;

    rc = cognito_keyset_load(json, size, &ks, &skipped, &err);

    fuzz_assert(rc >= COGNITO_OK && rc < COGNITO_ERR_LAST);
    fuzz_assert(rc == (int) err.code && err.msg != NULL);
    fuzz_assert((rc == COGNITO_OK) == (ks != NULL));
    fuzz_assert(skipped <= COGNITO_JWKS_MAX_KEYS);

    free(json);

    if (ks == NULL) {
        return 0;
    }

    fuzz_assert(cognito_keyset_count(ks) > 0);
    fuzz_assert(cognito_keyset_count(ks) + skipped <= COGNITO_JWKS_MAX_KEYS);

    rc = cognito_token_parse(FUZZ_TOKEN, sizeof(FUZZ_TOKEN) - 1,
                             COGNITO_ALG_RS256, &tok, &err);
    fuzz_assert(rc == COGNITO_OK);

    rc = cognito_token_verify(tok, ks, &err);
    fuzz_assert(rc == (int) err.code);

    cognito_token_free(tok);
    cognito_keyset_free(ks);

    return 0;
}
