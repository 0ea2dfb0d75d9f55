
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * libFuzzer harness: a revocation list through cognito_revocation_load();
 * any list that loads is checked against fixed tokens and compared with
 * its own text.  The harness (not the core) traps when the core breaks
 * its own contract.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cognito_revoke.h"
#include "fuzz_key.h"


#define fuzz_assert(c)  do { if (!(c)) { __builtin_trap(); } } while (0)


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check(const cognito_revocation_t *rl,
    const cognito_token_t *tok);


/*
 * The tokens are parsed once (never verified: revocation reads claims
 * only); they stay reachable, so LeakSanitizer is quiet
 */

static cognito_token_t  *fuzz_tokens[2];


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                    rc;
    char                  *json;
    size_t                 i;
    cognito_err_t          err;
    cognito_revocation_t  *rl;

    static const char     *jwts[2] = { FUZZ_TOKEN, FUZZ_REVOKE_TOKEN };

    for (i = 0; i < 2; i++) {
        if (fuzz_tokens[i] == NULL) {
            rc = cognito_token_parse(jwts[i], strlen(jwts[i]),
                                     COGNITO_ALG_RS256, &fuzz_tokens[i],
                                     &err);
            fuzz_assert(rc == COGNITO_OK);
            rc = cognito_token_read_payload(fuzz_tokens[i], &err);
            fuzz_assert(rc == COGNITO_OK);
        }
    }

    json = malloc(size ? size : 1);
    if (json == NULL) {
        return 0;
    }

    if (size) {
        memcpy(json, data, size);
    }

    rl = (cognito_revocation_t *) &rc;

    rc = cognito_revocation_load(json, size, &rl, &err);

    fuzz_assert(rc == (int) err.code && err.msg != NULL);
    fuzz_assert(rc == COGNITO_OK || rc == COGNITO_ERR_REVOCATION_JSON
                || rc == COGNITO_ERR_NOMEM || rc == COGNITO_ERR_INTERNAL);
    fuzz_assert((rc == COGNITO_OK) == (rl != NULL));

    if (rl != NULL) {
        fuzz_assert(cognito_revocation_same(rl, json, size) == 1);
        (void) cognito_revocation_count(rl);

        fuzz_check(rl, fuzz_tokens[0]);
        fuzz_check(rl, fuzz_tokens[1]);

        cognito_revocation_free(rl);
    }

    free(json);

    return 0;
}


static void
fuzz_check(const cognito_revocation_t *rl, const cognito_token_t *tok)
{
    int            rc;
    cognito_err_t  err;

    rc = cognito_revocation_check(rl, tok, &err);

    fuzz_assert(rc == (int) err.code && err.msg != NULL);
    fuzz_assert(rc == COGNITO_OK || rc == COGNITO_ERR_REVOKED);
}
