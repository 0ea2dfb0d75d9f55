
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * What the core files share: rejection code names, the error setter, the
 * algorithm names and base64 (base64url, and the standard alphabet read
 * as base64url).  cjose serves its base64url decoder here (and JWE in
 * cognito_session.c).
 */


#include <stdlib.h>
#include <string.h>

#include <cjose/base64.h>
#include <cjose/util.h>

#include "cognito_util.h"


static const char  *cognito_code_names[] = {
    "ok",
    "token_missing",
    "token_too_long",
    "token_malformed",
    "token_encrypted",
    "bad_base64",
    "bad_header",
    "bad_payload",
    "alg_missing",
    "alg_none",
    "alg_hmac",
    "alg_not_allowed",
    "crit_unsupported",
    "kid_missing",
    "kid_unknown",
    "key_mismatch",
    "bad_signature",
    "claim_type",
    "exp_missing",
    "token_expired",
    "token_not_yet_valid",
    "iat_in_future",
    "wrong_issuer",
    "wrong_token_use",
    "wrong_client",
    "token_revoked",
    "jwks_invalid",
    "jwks_no_keys",
    "out_of_memory",
    "internal_error",
    "revocation_invalid"
};


/* a compile-time check: one name for every code */

typedef char cognito_code_names_check_t[
    sizeof(cognito_code_names) / sizeof(cognito_code_names[0])
    == COGNITO_ERR_LAST ? 1 : -1];


const unsigned char  cognito_b64url_class[256] = {
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
    ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
    ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
    ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['-'] = 1, ['_'] = 1, ['.'] = 2
};


const char *
cognito_code_name(cognito_code_e code)
{
    if ((unsigned) code >= COGNITO_ERR_LAST
        || (unsigned) code >= sizeof(cognito_code_names)
                              / sizeof(cognito_code_names[0]))
    {
        return "internal_error";
    }

    return cognito_code_names[code];
}


int
cognito_set_error(cognito_err_t *err, cognito_code_e code, const char *msg,
    const char *file, int line)
{
    if (err != NULL) {
        err->code = code;
        err->msg = msg;
        err->file = file;
        err->line = line;
    }

    return (int) code;
}


unsigned
cognito_alg_bit(const char *alg, size_t len)
{
    if (len != 5 || memcmp(alg, "RS", 2) != 0) {
        return 0;
    }

    if (memcmp(alg + 2, "256", 3) == 0) {
        return COGNITO_ALG_RS256;
    }

    if (memcmp(alg + 2, "384", 3) == 0) {
        return COGNITO_ALG_RS384;
    }

    if (memcmp(alg + 2, "512", 3) == 0) {
        return COGNITO_ALG_RS512;
    }

    return 0;
}


int
cognito_b64url_valid(const char *p, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (cognito_b64url_class[(unsigned char) p[i]] != 1) {
            return 0;
        }
    }

    /* one character left over never encodes a byte */

    return len % 4 != 1;
}


/* 4 unused bits when the length is 2 mod 4, 2 bits when 3 mod 4 */

int
cognito_b64url_canonical(const char *p, size_t len)
{
    unsigned char  c, v;

    if (len % 4 == 0) {
        return 1;
    }

    c = (unsigned char) p[len - 1];

    if (c >= 'A' && c <= 'Z') {
        v = (unsigned char) (c - 'A');

    } else if (c >= 'a' && c <= 'z') {
        v = (unsigned char) (c - 'a' + 26);

    } else if (c >= '0' && c <= '9') {
        v = (unsigned char) (c - '0' + 52);

    } else {
        v = (c == '-') ? 62 : 63;
    }

    return (v & (len % 4 == 2 ? 0x0f : 0x03)) == 0;
}


int
cognito_b64url_decode(const char *p, size_t len, uint8_t **out, size_t *n)
{
    cjose_err  cerr;

    *out = NULL;

    if (!cjose_base64url_decode(p, len, out, n, &cerr)) {
        *out = NULL;

        return (cerr.code == CJOSE_ERR_NO_MEMORY) ? COGNITO_ERR_NOMEM
                                                  : COGNITO_ERR_BASE64;
    }

    return COGNITO_OK;
}


void
cognito_b64url_free(uint8_t *p)
{
    if (p != NULL) {
        cjose_get_dealloc()(p);
    }
}


int
cognito_b64_decode(const char *p, size_t len, uint8_t **out, size_t *n)
{
    int     rc;
    char   *url;
    size_t  i, m;

    *out = NULL;

    /* padding ("=" or "==") only where it makes whole quanta */

    m = len;

    if (m % 4 == 0) {
        for (i = 0; i < 2 && m && p[m - 1] == '='; i++) {
            m--;
        }
    }

    if (m == 0) {
        return COGNITO_ERR_BASE64;
    }

    url = malloc(m);
    if (url == NULL) {
        return COGNITO_ERR_NOMEM;
    }

    for (i = 0; i < m; i++) {
        url[i] = (p[i] == '+') ? '-' : (p[i] == '/') ? '_' : p[i];
    }

    if (cognito_b64url_valid(url, m)) {
        rc = cognito_b64url_decode(url, m, out, n);

    } else {
        rc = COGNITO_ERR_BASE64;
    }

    free(url);

    return rc;
}
