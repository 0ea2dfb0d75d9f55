
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * libFuzzer harness: a token through parse, verify against the fixed JWKS
 * of fuzz_key.h, the payload's parse, the claim rules and claim
 * rendering.  The harness (not the
 * core) traps when the core breaks its own contract.
 *
 * An input starting with '{' (never valid base64url) is also read as
 * "header JSON\npayload JSON": the harness base64url-encodes both parts
 * and adds a junk signature, so that the fuzzer mutates JSON directly.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjose/base64.h>
#include <cjose/util.h>

#include "cognito_jwt.h"
#include "cognito_jwks.h"
#include "fuzz_key.h"


#define fuzz_assert(c)  do { if (!(c)) { __builtin_trap(); } } while (0)


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_token(const char *jwt, size_t size, unsigned algs);
static void fuzz_json(const uint8_t *data, size_t size, unsigned algs);
static void fuzz_verified(const char *jwt, size_t size, unsigned algs);
static void fuzz_check_err(int rc, const cognito_err_t *err);
static void fuzz_claim(const cognito_token_t *tok, const char **path,
    size_t npath, const char *sep);
static void fuzz_rules(const cognito_token_t *tok);


/* the keyset is built once; it stays reachable, so LeakSanitizer is quiet */

static cognito_keyset_t  *fuzz_keyset;


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int             rc;
    char           *jwt;
    size_t          skipped;
    unsigned        algs;
    cognito_err_t   err;

    if (fuzz_keyset == NULL) {
        rc = cognito_keyset_load(FUZZ_JWKS, sizeof(FUZZ_JWKS) - 1,
                                 &fuzz_keyset, &skipped, &err);
        fuzz_assert(rc == COGNITO_OK && skipped == 0);
    }

    /* the last byte, when it is a digit, also narrows the allowed algs */

    algs = COGNITO_ALG_RS256|COGNITO_ALG_RS384|COGNITO_ALG_RS512;

    if (size && data[size - 1] >= '1' && data[size - 1] <= '7') {
        algs = (unsigned) (data[size - 1] - '0');
    }

    /* an exact-size copy: reading past size is caught by ASan */

    jwt = malloc(size ? size : 1);
    if (jwt == NULL) {
        return 0;
    }

    if (size) {
        memcpy(jwt, data, size);
    }

    fuzz_token(jwt, size, algs);

    free(jwt);

    if (size && data[0] == '{') {
        fuzz_json(data, size, algs);
    }

    return 0;
}


static void
fuzz_json(const uint8_t *data, size_t size, unsigned algs)
{
    char        *h, *p, *jwt;
    size_t       hlen, plen, n;
    cjose_err    cerr;
    const void  *nl;

    nl = memchr(data, '\n', size);
    if (nl == NULL) {
        return;
    }

    n = (size_t) ((const uint8_t *) nl - data);

    h = NULL;
    p = NULL;

    if (!cjose_base64url_encode(data, n, &h, &hlen, &cerr)
        || !cjose_base64url_encode(data + n + 1, size - n - 1, &p, &plen,
                                   &cerr))
    {
        goto done;
    }

    jwt = malloc(hlen + plen + 6);
    if (jwt == NULL) {
        goto done;
    }

    memcpy(jwt, h, hlen);
    jwt[hlen] = '.';
    memcpy(jwt + hlen + 1, p, plen);
    memcpy(jwt + hlen + 1 + plen, ".AAAA", 5);

    fuzz_token(jwt, hlen + plen + 6, algs);

    free(jwt);

done:

    if (h != NULL) {
        cjose_get_dealloc()(h);
    }

    if (p != NULL) {
        cjose_get_dealloc()(p);
    }
}


static void
fuzz_token(const char *jwt, size_t size, unsigned algs)
{
    int                rc;
    long               n, total;
    size_t             i, slen;
    double             d;
    time_t             exp;
    const char        *path[3], *s;
    cognito_err_t      err;
    cognito_rules_t    rules;
    cognito_token_t   *tok;
    static const char *issuers[] = { FUZZ_ISS, "x" };
    static const char *clients[] = { FUZZ_CLIENT, "other" };
    static const double times[] = {
        -1e300, -1, 0, FUZZ_NOW - 61, FUZZ_NOW - 59.999, FUZZ_NOW + 59.999,
        FUZZ_NOW + 60, FUZZ_NOW + 3600, 9.2e18, 1e300
    };

    fuzz_verified(jwt, size, algs);

    tok = (cognito_token_t *) &rc;

    rc = cognito_token_parse(jwt, size, algs, &tok, &err);
    fuzz_check_err(rc, &err);

    if (rc != COGNITO_OK) {
        fuzz_assert(tok == NULL);
        return;
    }

    fuzz_assert(tok != NULL);

    /* no claims before the payload is read */

    fuzz_assert(cognito_token_iss(tok) == NULL);

    rc = cognito_token_verify(tok, fuzz_keyset, &err);
    fuzz_check_err(rc, &err);

    /*
     * The payload is read, and claims are checked, on unverified tokens
     * too (as a pool picked by "iss" reads it), to reach more code
     */

    rc = cognito_token_read_payload(tok, &err);
    fuzz_check_err(rc, &err);
    fuzz_assert(rc == COGNITO_OK || rc == COGNITO_ERR_PAYLOAD_JSON
                || rc == COGNITO_ERR_NOMEM);
    fuzz_assert(cognito_token_read_payload(tok, &err) == rc
                || rc == COGNITO_ERR_NOMEM);

    rules.issuers = issuers;
    rules.nissuers = 2;
    rules.clients = clients;
    rules.nclients = size % 3 ? 2 : 0;
    rules.token_use = size % 2 ? COGNITO_USE_ANY : COGNITO_USE_ACCESS;
    rules.leeway = 60;

    rc = cognito_token_check_claims(tok, &rules, FUZZ_NOW, &err);
    fuzz_check_err(rc, &err);

    exp = cognito_token_exp(tok);
    fuzz_assert(exp >= 0);

    rc = cognito_token_check_claims(tok, &rules, (time_t) -1, &err);
    fuzz_check_err(rc, &err);

    rules.leeway = (time_t) ((~(uint64_t) 0) >> 1);
    rc = cognito_token_check_claims(tok, &rules, FUZZ_NOW, &err);
    fuzz_check_err(rc, &err);

    /* the claims memo gives the full check's verdict at any time */

    rules.leeway = 60;
    rc = cognito_token_check_claims_memo(tok, &rules, &rules, FUZZ_NOW,
                                         &err);
    fuzz_check_err(rc, &err);
    fuzz_assert(rc == cognito_token_check_claims(tok, &rules, FUZZ_NOW,
                                                 &err));

    for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
        rc = cognito_token_check_claims_memo(tok, &rules, &rules, times[i],
                                             &err);
        fuzz_check_err(rc, &err);
        fuzz_assert(rc == cognito_token_check_claims(tok, &rules, times[i],
                                                     &err));
    }

    path[0] = "sub";
    fuzz_claim(tok, path, 1, ",");
    path[0] = "cognito:groups";
    fuzz_claim(tok, path, 1, "\n");
    path[0] = "aud";
    fuzz_claim(tok, path, 1, "");
    path[0] = "address";
    path[1] = "country";
    fuzz_claim(tok, path, 2, ",");
    fuzz_claim(tok, path, 1, ",");
    path[1] = "geo";
    path[2] = "x";
    fuzz_claim(tok, path, 3, NULL);
    fuzz_claim(tok, path, 0, ",");

    (void) cognito_token_claim_has(tok, "scope", COGNITO_CLAIM_WORDS,
                                   "openid", 6);
    (void) cognito_token_claim_has(tok, "cognito:groups", COGNITO_CLAIM_ARRAY,
                                   "admin", 5);
    (void) cognito_token_claim_has(tok, "aud", COGNITO_CLAIM_ARRAY, "a", 1);
    (void) cognito_token_claim_has(tok, "aud", COGNITO_CLAIM_WORDS, "a", 1);

    /* a list and its items agree */

    n = cognito_token_claim_list(tok, "cognito:groups", ",", NULL, 0);
    total = 0;

    for (i = 0; cognito_token_claim_item(tok, "cognito:groups", i, &s, &slen);
         i++)
    {
        total += (long) slen + (i ? 1 : 0);
        fuzz_assert(cognito_token_claim_has(tok, "cognito:groups",
                                            COGNITO_CLAIM_ARRAY, s, slen)
                    || slen == 0);
    }

    fuzz_assert(i > 0 ? n == total : (n == 0 || n == -1));

    fuzz_rules(tok);

    (void) cognito_token_claim_number(tok, "iat", &d);
    rc = cognito_token_claim_string(tok, "sub", &s, &slen);
    fuzz_assert(rc >= -1 && rc <= 1);

    fuzz_assert(cognito_token_ref(tok) == tok);
    cognito_token_free(tok);
    fuzz_assert(cognito_token_alg(tok) & algs);

    /* detached, as the cache keeps it: claims stay, verification closes */

    cognito_token_detach(tok);
    fuzz_assert(cognito_token_verify(tok, NULL, &err)
                == COGNITO_ERR_INTERNAL);
    fuzz_assert(cognito_token_claim_string(tok, "sub", &s, &slen) == rc);
    cognito_token_free(tok);
}


/*
 * The cache's parse of a token it verified before gives the verdict of a
 * parse then the payload's read (it only skips the signature), the same
 * claims, and a detached token.
 */

static void
fuzz_verified(const char *jwt, size_t size, unsigned algs)
{
    int               rc, vrc;
    time_t            exp;
    cognito_err_t     err, verr;
    cognito_token_t  *tok, *vtok;

    vtok = (cognito_token_t *) &vrc;

    vrc = cognito_token_parse_verified(jwt, size, algs, &vtok, &verr);
    fuzz_check_err(vrc, &verr);
    fuzz_assert((vrc == COGNITO_OK) == (vtok != NULL));

    rc = cognito_token_parse(jwt, size, algs, &tok, &err);

    if (rc == COGNITO_OK) {
        rc = cognito_token_read_payload(tok, &err);
    }

    fuzz_assert(rc == vrc || rc == COGNITO_ERR_NOMEM
                || vrc == COGNITO_ERR_NOMEM);

    if (rc == COGNITO_OK && vrc == COGNITO_OK) {
        exp = cognito_token_exp(tok);
        fuzz_assert(cognito_token_exp(vtok) == exp);
        fuzz_assert(cognito_token_alg(vtok) == cognito_token_alg(tok));
        fuzz_assert(cognito_token_verify(vtok, NULL, &verr)
                    == COGNITO_ERR_INTERNAL);
    }

    cognito_token_free(tok);
    cognito_token_free(vtok);
}


static void
fuzz_check_err(int rc, const cognito_err_t *err)
{
    fuzz_assert(rc >= COGNITO_OK && rc < COGNITO_ERR_LAST);
    fuzz_assert(rc == (int) err->code);
    fuzz_assert(err->msg != NULL && err->file != NULL && err->line > 0);
    fuzz_assert(cognito_code_name(err->code) != NULL);
}


static void
fuzz_claim(const cognito_token_t *tok, const char **path, size_t npath,
    const char *sep)
{
    long   n, m;
    char  *buf, small[8];

    n = cognito_token_claim(tok, path, npath, sep, NULL, 0);
    fuzz_assert(n >= -1);

    m = cognito_token_claim(tok, path, npath, sep, small, sizeof(small));
    fuzz_assert(m == n);

    if (n <= 0) {
        return;
    }

    buf = malloc((size_t) n);
    if (buf == NULL) {
        return;
    }

    m = cognito_token_claim(tok, path, npath, sep, buf, (size_t) n);
    fuzz_assert(m == n);

    if (n <= (long) sizeof(small)) {
        fuzz_assert(memcmp(buf, small, (size_t) n) == 0);
    }

    free(buf);
}


/* typed rules: every operator over a few paths; results stay in range */

static void
fuzz_rules(const cognito_token_t *tok)
{
    int                    rc;
    size_t                 i, j;
    cognito_rule_t         rule;
    cognito_rule_value_t   values[3];

    static const char     *paths[][2] = {
        { "scope", NULL }, { "cognito:groups", NULL }, { "exp", NULL },
        { "address", "country" }, { "custom:org", "role" }
    };

    cognito_rule_value(&values[0], "admin", 5);
    cognito_rule_value(&values[1], "1700000000", 10);
    cognito_rule_value(&values[2], "true", 4);

    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        rule.path = paths[i];
        rule.npath = (paths[i][1] != NULL) ? 2 : 1;
        rule.words = (i == 0);

        for (j = COGNITO_OP_EQ; j <= COGNITO_OP_EXISTS; j++) {
            rule.op = (unsigned) j;
            rule.values = (j >= COGNITO_OP_LT && j <= COGNITO_OP_GE)
                          ? &values[1] : values;
            rule.nvalues = (j == COGNITO_OP_EXISTS) ? 0
                           : (j == COGNITO_OP_IN || j == COGNITO_OP_ANY
                              || j == COGNITO_OP_ALL) ? 3 : 1;

            rc = cognito_token_rule(tok, &rule);
            fuzz_assert(rc >= -1 && rc <= 1);

            if (j == COGNITO_OP_EXISTS) {
                fuzz_assert(rc >= 0);
            }
        }
    }
}
