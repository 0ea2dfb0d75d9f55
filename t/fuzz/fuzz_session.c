
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * libFuzzer harness: the session cookie opener.  The input is a Cookie
 * line: its chunks of "s" are collected and joined, and the result, and
 * the input itself, opened as a sealed value and as a login state under a
 * fixed key (bytes 0..31; t/fuzz/gen-corpus seals the seeds with it).
 * What opens is sealed again and must open to the same.  The harness (not
 * the core) traps when the core breaks its own contract.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cognito_session.h"


#define fuzz_assert(c)  do { if (!(c)) { __builtin_trap(); } } while (0)

#define FUZZ_NOW  1700000000

/* bytes 0..31, base64url */
#define FUZZ_SESSION_KEY  "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_open(const char *in, size_t len);


/* loaded once, kept reachable: LeakSanitizer stays quiet */

static cognito_session_keys_t  *fuzz_keys;


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char               *joined;
    size_t              n;
    const char         *msg;
    cognito_chunks_t    c;
    cognito_session_e   rc;

    if (fuzz_keys == NULL) {
        rc = cognito_session_keys_load(FUZZ_SESSION_KEY,
                                       sizeof(FUZZ_SESSION_KEY) - 1,
                                       &fuzz_keys, &msg);
        fuzz_assert(rc == COGNITO_SESSION_OK);
    }

    cognito_chunks_init(&c, "s", 1);
    cognito_chunks_scan(&c, (const char *) data, size);

    joined = malloc(COGNITO_SEALED_MAX);
    if (joined == NULL) {
        return 0;
    }

    rc = cognito_chunks_join(&c, joined, &n);

    fuzz_assert(rc == COGNITO_SESSION_OK || rc == COGNITO_SESSION_MISSING
                || rc == COGNITO_SESSION_MALFORMED
                || rc == COGNITO_SESSION_TOO_MANY);
    fuzz_assert(rc == COGNITO_SESSION_OK || n == 0);
    fuzz_assert(n <= COGNITO_SEALED_MAX);

    if (rc == COGNITO_SESSION_OK) {
        fuzz_open(joined, n);
    }

    free(joined);

    fuzz_open((const char *) data, size);

    return 0;
}


static void
fuzz_open(const char *in, size_t len)
{
    char                *s, error[64];
    size_t               n, n2, ulen;
    cognito_tokens_t     tokens;
    uint8_t             *pt, *pt2;
    cognito_login_t      login, again;
    cognito_session_e    rc;

    rc = cognito_session_open(fuzz_keys, in, len, &pt, &n);

    fuzz_assert(rc <= COGNITO_SESSION_INTERNAL);
    fuzz_assert((rc == COGNITO_SESSION_OK) == (pt != NULL));

    if (rc == COGNITO_SESSION_OK) {
        /* sealed again, it opens to the same bytes */

        rc = cognito_session_seal(fuzz_keys, pt, n, &s, &n2);

        if (rc == COGNITO_SESSION_OK) {
            rc = cognito_session_open(fuzz_keys, s, n2, &pt2, &n2);
            fuzz_assert(rc == COGNITO_SESSION_OK && n2 == n
                        && memcmp(pt, pt2, n) == 0);
            cognito_session_free(pt2);
            cognito_session_free(s);
        }

        cognito_session_free(pt);
    }

    /* as a session: tokens of the right shape, a future end */

    rc = cognito_tokens_open(fuzz_keys, in, len, FUZZ_NOW, &tokens);

    fuzz_assert(rc <= COGNITO_SESSION_INTERNAL);
    fuzz_assert((rc == COGNITO_SESSION_OK) == (tokens.id_token != NULL));
    fuzz_assert(rc != COGNITO_SESSION_OK
                || (tokens.access_token != NULL
                    && tokens.expires > FUZZ_NOW));

    cognito_tokens_clear(&tokens);

    /* and the token endpoint's answer */

    rc = cognito_tokens_parse(in, len, &tokens, error);

    fuzz_assert((rc == COGNITO_SESSION_OK) == (tokens.id_token != NULL));
    fuzz_assert(strlen(error) < 64);

    cognito_tokens_clear(&tokens);

    rc = cognito_login_open(fuzz_keys, in, len, FUZZ_NOW, &login);

    fuzz_assert(rc <= COGNITO_SESSION_INTERNAL);

    if (rc != COGNITO_SESSION_OK) {
        fuzz_assert(login.state[0] == '\0' && login.url[0] == '\0');
        return;
    }

    ulen = strlen(login.url);

    fuzz_assert(login.exp > FUZZ_NOW);
    fuzz_assert(cognito_safe_redirect(login.url, ulen));
    fuzz_assert(strlen(login.state) == COGNITO_RANDOM_LEN);
    fuzz_assert(strlen(login.verifier) == COGNITO_VERIFIER_LEN);

    rc = cognito_login_seal(fuzz_keys, &login, &s, &n);
    fuzz_assert(rc == COGNITO_SESSION_OK);

    rc = cognito_login_open(fuzz_keys, s, n, FUZZ_NOW, &again);
    fuzz_assert(rc == COGNITO_SESSION_OK
                && memcmp(&login, &again, sizeof(login)) == 0);

    cognito_session_free(s);
}
