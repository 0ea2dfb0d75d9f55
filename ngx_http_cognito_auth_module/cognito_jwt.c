
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Tokens: where a request carries one (an Authorization value, AppSync's
 * "header" parameter), compact JWS parsing, the Cognito claim rules, typed
 * claim accessors and claim rendering, and the token's SHA-256 (the
 * cache's key).  The RS256/384/512 signature is checked with cognito_jwks.c's
 * keys.  The caller passes the time; nothing here logs, prints or keeps
 * global state.
 */


#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "cognito_jwt.h"


struct cognito_token_s {
    const char         *input;       /* signing input, "header.payload",
                                        in the caller's jwt[]; NULL once
                                        detached */
    size_t              input_len;
    json_t             *header;
    json_t             *payload;
    const char         *kid;         /* borrowed from header */
    size_t              kid_len;
    unsigned            alg;         /* COGNITO_ALG_* */
    uint8_t            *sig;         /* cognito_b64url_decode() */
    size_t              sig_len;
    unsigned            refs;        /* cognito_token_ref() */
};


typedef struct {
    char               *buf;
    size_t              size;
    size_t              len;         /* may run past size */
} cognito_out_t;


static int cognito_token_split(const char *jwt, size_t len, size_t *dot,
    cognito_err_t *err);
static int cognito_token_header(cognito_token_t *tok, const char *p,
    size_t len, unsigned algs, cognito_err_t *err);
static int cognito_token_payload(cognito_token_t *tok, const char *p,
    size_t len, cognito_err_t *err);
static json_t *cognito_json_decode(const char *p, size_t len, int *rc);
static int cognito_json_depth_ok(json_t *json, int depth);
static int cognito_str_eq(json_t *v, const char *s);
static int cognito_str_ieq(const char *a, size_t alen, const char *b);
static int cognito_time_claim(json_t *payload, const char *name,
    double *value);
static int cognito_string_array(json_t *v);
static int cognito_check_types(json_t *payload, cognito_err_t *err);
static int cognito_check_client(json_t *payload, unsigned use,
    const cognito_rules_t *rules, cognito_err_t *err);
static int cognito_client_allowed(json_t *v, const cognito_rules_t *rules);
static long cognito_render_text(json_t *v, const char *sep, char *buf,
    size_t size);
static int cognito_render(json_t *v, const char *sep, cognito_out_t *out);
static int cognito_render_scalar(json_t *v, cognito_out_t *out);
static int cognito_render_json(json_t *v, cognito_out_t *out);
static void cognito_out_write(cognito_out_t *out, const char *p, size_t n);


int
cognito_token_parse(const char *jwt, size_t len, unsigned algs,
    cognito_token_t **out, cognito_err_t *err)
{
    int               rc;
    size_t            dot[2];
    cognito_token_t  *tok;

    if (out == NULL) {
        return cognito_error(err, COGNITO_ERR_INTERNAL, "no output");
    }

    *out = NULL;

    if (jwt == NULL || len == 0) {
        return cognito_error(err, COGNITO_ERR_TOKEN_MALFORMED,
                             "token is empty");
    }

    if (len > COGNITO_TOKEN_MAX_LEN) {
        return cognito_error(err, COGNITO_ERR_TOKEN_TOO_LONG,
                             "token too long");
    }

    rc = cognito_token_split(jwt, len, dot, err);
    if (rc != COGNITO_OK) {
        return rc;
    }

    tok = calloc(1, sizeof(cognito_token_t));
    if (tok == NULL) {
        return cognito_error(err, COGNITO_ERR_NOMEM, "out of memory");
    }

    tok->input = jwt;
    tok->input_len = dot[1];

    /* the header is checked before the payload or any key is touched */

    rc = cognito_token_header(tok, jwt, dot[0], algs, err);
    if (rc != COGNITO_OK) {
        goto failed;
    }

    rc = cognito_token_payload(tok, jwt + dot[0] + 1, dot[1] - dot[0] - 1,
                               err);
    if (rc != COGNITO_OK) {
        goto failed;
    }

    if (dot[1] == len - 1) {
        rc = cognito_error(err, COGNITO_ERR_TOKEN_MALFORMED,
                           "token has an empty signature");
        goto failed;
    }

    rc = cognito_b64url_decode(jwt + dot[1] + 1, len - dot[1] - 1,
                               &tok->sig, &tok->sig_len);
    if (rc != COGNITO_OK) {
        rc = cognito_error(err, rc, rc == COGNITO_ERR_NOMEM
                                    ? "out of memory"
                                    : "bad base64url in signature");
        goto failed;
    }

    *out = tok;

    return cognito_error(err, COGNITO_OK, "ok");

failed:

    cognito_token_free(tok);

    return rc;
}


int
cognito_token_shape(const char *s, size_t len)
{
    size_t         i, ndots;
    unsigned char  c;

    ndots = 0;

    for (i = 0; i < len; i++) {
        c = cognito_b64url_class[(unsigned char) s[i]];

        if (c == 0) {
            return 0;
        }

        if (c == 2) {
            ndots++;
        }
    }

    return (ndots == 2) ? 3 : (ndots == 4) ? 5 : 0;
}


int
cognito_authorization_token(const char *value, size_t len,
    unsigned schemes, const char **token, size_t *tlen)
{
    const char  *p, *last;

    if ((schemes & COGNITO_SCHEME_BEARER)
        && len >= sizeof("Bearer ") - 1
        && cognito_str_ieq(value, sizeof("Bearer") - 1, "bearer")
        && value[sizeof("Bearer") - 1] == ' ')
    {
        p = value + sizeof("Bearer ") - 1;
        last = value + len;

        while (p < last && *p == ' ') {
            p++;
        }

        while (last > p && (last[-1] == ' ' || last[-1] == '\t')) {
            last--;
        }

        if (p == last) {
            return 0;
        }

        *token = p;
        *tlen = last - p;

        return 1;
    }

    if ((schemes & COGNITO_SCHEME_BARE) && cognito_token_shape(value, len)) {
        *token = value;
        *tlen = len;

        return 1;
    }

    return 0;
}


long
cognito_appsync_header_token(const char *b64, size_t len, char *buf,
    size_t size)
{
    long          n;
    size_t        binlen, tlen;
    json_t       *json, *auth;
    uint8_t      *bin;
    const char   *token;
    json_error_t  jerr;

    if (len > COGNITO_APPSYNC_MAX_LEN
        || cognito_b64_decode(b64, len, &bin, &binlen) != COGNITO_OK)
    {
        return -1;
    }

    json = json_loadb((const char *) bin, binlen, JSON_REJECT_DUPLICATES,
                      &jerr);

    cognito_b64url_free(bin);

    if (json == NULL) {
        return -1;
    }

    n = -1;

    /* borrowed; NULL when json is an array */

    auth = json_object_get(json, "Authorization");

    if (json_is_string(auth)
        && cognito_authorization_token(json_string_value(auth),
                                       json_string_length(auth),
                                       COGNITO_SCHEME_BEARER
                                       |COGNITO_SCHEME_BARE,
                                       &token, &tlen))
    {
        if (tlen <= size) {
            memcpy(buf, token, tlen);
        }

        n = (long) tlen;
    }

    json_decref(json);

    return n;
}


/*
 * Finds the two dots of a compact JWS (dot[0], dot[1]) and checks its shape
 * and its base64url: three segments, the first two non-empty, canonical
 * base64url only.
 */

static int
cognito_token_split(const char *jwt, size_t len, size_t *dot,
    cognito_err_t *err)
{
    int            bad;
    size_t         i, ndots;
    unsigned char  c;

    /*
     * One pass over the token finds the dots and any byte outside the
     * base64url alphabet; the verdicts keep their order: the shape of the
     * token first, then its alphabet.
     */

    ndots = 0;
    dot[0] = 0;
    dot[1] = 0;
    bad = 0;

    for (i = 0; i < len; i++) {
        c = cognito_b64url_class[(unsigned char) jwt[i]];

        if (c == 1) {
            continue;
        }

        if (c == 2) {
            if (ndots < 2) {
                dot[ndots] = i;
            }

            ndots++;
            continue;
        }

        bad = 1;
    }

    if (ndots == 4) {
        return cognito_error(err, COGNITO_ERR_TOKEN_JWE,
                             "encrypted tokens are not supported");
    }

    /*
     * An empty signature is let through to the header check, so that an
     * unsecured "alg":"none" token is reported as such.
     */

    if (ndots != 2
        || dot[0] == 0
        || dot[1] == dot[0] + 1)
    {
        return cognito_error(err, COGNITO_ERR_TOKEN_MALFORMED,
                             "token is not three non-empty segments");
    }

    /* one character left over in a segment never encodes a byte */

    if (bad
        || dot[0] % 4 == 1
        || (dot[1] - dot[0] - 1) % 4 == 1
        || (len - dot[1] - 1) % 4 == 1)
    {
        return cognito_error(err, COGNITO_ERR_BASE64,
                             "bad base64url in token");
    }

    /*
     * Canonical base64url only (RFC 4648, section 3.5): a token has one
     * string form, so that caches and block lists keyed on it see one.
     */

    if (!cognito_b64url_canonical(jwt, dot[0])
        || !cognito_b64url_canonical(jwt + dot[0] + 1, dot[1] - dot[0] - 1)
        || !cognito_b64url_canonical(jwt + dot[1] + 1, len - dot[1] - 1))
    {
        return cognito_error(err, COGNITO_ERR_BASE64,
                             "non-canonical base64url in token");
    }

    return COGNITO_OK;
}


void
cognito_token_free(cognito_token_t *tok)
{
    if (tok == NULL) {
        return;
    }

    if (tok->refs > 0) {
        tok->refs--;
        return;
    }

    if (tok->header != NULL) {
        json_decref(tok->header);
    }

    if (tok->payload != NULL) {
        json_decref(tok->payload);
    }

    cognito_b64url_free(tok->sig);

    free(tok);
}


cognito_token_t *
cognito_token_ref(cognito_token_t *tok)
{
    tok->refs++;

    return tok;
}


void
cognito_token_detach(cognito_token_t *tok)
{
    if (tok == NULL) {
        return;
    }

    tok->input = NULL;
    tok->input_len = 0;

    cognito_b64url_free(tok->sig);
    tok->sig = NULL;
    tok->sig_len = 0;
}


struct cognito_digest_s {
    EVP_MD             *md;          /* fetched once */
    EVP_MD_CTX         *ctx;         /* reused */
};


cognito_digest_t *
cognito_digest_new(void)
{
    cognito_digest_t  *d;

    d = calloc(1, sizeof(cognito_digest_t));
    if (d == NULL) {
        return NULL;
    }

    d->md = EVP_MD_fetch(NULL, "SHA256", NULL);
    d->ctx = EVP_MD_CTX_new();

    if (d->md == NULL || d->ctx == NULL) {
        ERR_clear_error();
        cognito_digest_free(d);
        return NULL;
    }

    return d;
}


void
cognito_digest_free(cognito_digest_t *d)
{
    if (d == NULL) {
        return;
    }

    EVP_MD_CTX_free(d->ctx);
    EVP_MD_free(d->md);
    free(d);
}


int
cognito_digest(cognito_digest_t *d, const char *data, size_t len,
    unsigned char out[COGNITO_DIGEST_LEN])
{
    unsigned int  n;

    n = COGNITO_DIGEST_LEN;

    if (EVP_DigestInit_ex(d->ctx, d->md, NULL) != 1
        || EVP_DigestUpdate(d->ctx, data, len) != 1
        || EVP_DigestFinal_ex(d->ctx, out, &n) != 1
        || n != COGNITO_DIGEST_LEN)
    {
        ERR_clear_error();
        return COGNITO_ERR_INTERNAL;
    }

    return COGNITO_OK;
}


unsigned
cognito_token_alg(const cognito_token_t *tok)
{
    return tok->alg;
}


const char *
cognito_token_iss(const cognito_token_t *tok)
{
    json_t  *v;

    if (tok == NULL || tok->payload == NULL) {
        return NULL;
    }

    v = json_object_get(tok->payload, "iss");

    return json_is_string(v) ? json_string_value(v) : NULL;
}


int
cognito_token_verify(const cognito_token_t *tok, cognito_keyset_t *ks,
    cognito_err_t *err)
{
    if (tok == NULL) {
        return cognito_error(err, COGNITO_ERR_INTERNAL, "no token");
    }

    if (tok->input == NULL || tok->sig == NULL) {
        return cognito_error(err, COGNITO_ERR_INTERNAL,
                             "token detached from its text");
    }

    return cognito_keyset_verify(ks, tok->kid, tok->kid_len, tok->alg,
                                 tok->input, tok->input_len, tok->sig,
                                 tok->sig_len, err);
}


int
cognito_token_check_claims(const cognito_token_t *tok,
    const cognito_rules_t *rules, double now, cognito_err_t *err)
{
    int        rc;
    double     t, leeway, exp;
    size_t     i;
    json_t    *payload, *v;
    unsigned   use;

    if (tok == NULL || tok->payload == NULL || rules == NULL) {
        return cognito_error(err, COGNITO_ERR_INTERNAL, "no token or rules");
    }

    payload = tok->payload;

    /* no issuers configured accepts none: the core fails closed */

    v = json_object_get(payload, "iss");

    for (i = 0; i < rules->nissuers; i++) {
        if (rules->issuers[i] != NULL && cognito_str_eq(v, rules->issuers[i]))
        {
            break;
        }
    }

    if (i == rules->nissuers) {
        return cognito_error(err, COGNITO_ERR_ISSUER, "wrong issuer");
    }

    v = json_object_get(payload, "token_use");

    if (cognito_str_eq(v, "id")) {
        use = COGNITO_USE_ID;

    } else if (cognito_str_eq(v, "access")) {
        use = COGNITO_USE_ACCESS;

    } else {
        use = 0;
    }

    if ((use & rules->token_use) == 0) {
        return cognito_error(err, COGNITO_ERR_TOKEN_USE, "wrong token_use");
    }

    /*
     * exp, nbf and iat are NumericDates (RFC 7519, section 2): JSON
     * numbers, integer or not, possibly negative, compared as doubles
     * (JSON has no NaN or infinity, and the differences of two finite
     * doubles this far apart cannot overflow).  A negative leeway counts
     * as 0.
     */

    leeway = rules->leeway > 0 ? (double) rules->leeway : 0;

    rc = cognito_time_claim(payload, "exp", &exp);

    if (rc == 0) {
        return cognito_error(err, COGNITO_ERR_EXP_MISSING, "exp missing");
    }

    if (rc < 0) {
        return cognito_error(err, COGNITO_ERR_CLAIM_TYPE,
                             "exp is not a number");
    }

    /* expired once now >= exp + leeway */

    if (now - exp >= leeway) {
        return cognito_error(err, COGNITO_ERR_EXPIRED, "token expired");
    }

    rc = cognito_time_claim(payload, "nbf", &t);

    if (rc < 0) {
        return cognito_error(err, COGNITO_ERR_CLAIM_TYPE,
                             "nbf is not a number");
    }

    /* not yet valid while now + leeway < nbf */

    if (rc > 0 && t - now > leeway) {
        return cognito_error(err, COGNITO_ERR_NOT_YET_VALID,
                             "token not yet valid");
    }

    /*
     * iat is informational (RFC 7519, section 4.1.6): its type is checked,
     * as aws-jwt-verify does, its value is not.
     */

    if (cognito_time_claim(payload, "iat", &t) < 0) {
        return cognito_error(err, COGNITO_ERR_CLAIM_TYPE,
                             "iat is not a number");
    }

    rc = cognito_check_types(payload, err);
    if (rc != COGNITO_OK) {
        return rc;
    }

    rc = cognito_check_client(payload, use, rules, err);
    if (rc != COGNITO_OK) {
        return rc;
    }

    return cognito_error(err, COGNITO_OK, "ok");
}


time_t
cognito_token_exp(const cognito_token_t *tok)
{
    double  exp, max;
    time_t  t;

    if (tok == NULL || tok->payload == NULL) {
        return 0;
    }

    if (cognito_time_claim(tok->payload, "exp", &exp) != 1 || !(exp > 0)) {
        return 0;
    }

    /* 2^31 - 1 or 2^62: exact as doubles, and far in the future */

    max = sizeof(time_t) < 8 ? 2147483647.0 : 4611686018427387904.0;

    if (exp >= max) {
        return (time_t) max;
    }

    /* rounded down: a whole second now < result means now + 1 <= exp */

    t = (time_t) exp;

    return t;
}


int
cognito_token_claim_number(const cognito_token_t *tok, const char *claim,
    double *value)
{
    if (tok == NULL || tok->payload == NULL || claim == NULL) {
        return 0;
    }

    return cognito_time_claim(tok->payload, claim, value);
}


int
cognito_token_claim_string(const cognito_token_t *tok, const char *claim,
    const char **s, size_t *len)
{
    json_t  *v;

    if (tok == NULL || tok->payload == NULL || claim == NULL) {
        return 0;
    }

    v = json_object_get(tok->payload, claim);

    if (v == NULL) {
        return 0;
    }

    if (!json_is_string(v)) {
        return -1;
    }

    *s = json_string_value(v);
    *len = json_string_length(v);

    return 1;
}


long
cognito_token_claim(const cognito_token_t *tok, const char **path,
    size_t npath, const char *sep, char *buf, size_t size)
{
    size_t   i;
    json_t  *v;

    if (tok == NULL || tok->payload == NULL || (npath && path == NULL)) {
        return -1;
    }

    v = tok->payload;

    for (i = 0; i < npath; i++) {
        if (!json_is_object(v) || path[i] == NULL) {
            return -1;
        }

        v = json_object_get(v, path[i]);
    }

    if (v == NULL || json_is_null(v)) {
        return -1;
    }

    return cognito_render_text(v, sep, buf, size);
}


int
cognito_token_claim_has(const cognito_token_t *tok, const char *claim,
    unsigned form, const char *name, size_t len)
{
    size_t       i, n, slen;
    json_t      *v, *e;
    const char  *s, *end, *w;

    if (tok == NULL || tok->payload == NULL || claim == NULL
        || name == NULL || len == 0)
    {
        return 0;
    }

    v = json_object_get(tok->payload, claim);

    if (form == COGNITO_CLAIM_ARRAY) {

        /* anything but an array of strings holds no names at all */

        if (!cognito_string_array(v)) {
            return 0;
        }

        n = json_array_size(v);

        for (i = 0; i < n; i++) {
            e = json_array_get(v, i);

            if (json_string_length(e) == len
                && memcmp(json_string_value(e), name, len) == 0)
            {
                return 1;
            }
        }

        return 0;
    }

    if (form != COGNITO_CLAIM_WORDS || !json_is_string(v)) {
        return 0;
    }

    s = json_string_value(v);
    slen = json_string_length(v);
    end = s + slen;

    while (s < end) {
        while (s < end && *s == ' ') {
            s++;
        }

        w = s;

        while (s < end && *s != ' ') {
            s++;
        }

        if ((size_t) (s - w) == len && memcmp(w, name, len) == 0) {
            return 1;
        }
    }

    return 0;
}


long
cognito_token_claim_list(const cognito_token_t *tok, const char *claim,
    const char *sep, char *buf, size_t size)
{
    json_t  *v;

    if (tok == NULL || tok->payload == NULL || claim == NULL) {
        return -1;
    }

    v = json_object_get(tok->payload, claim);

    if (!cognito_string_array(v)) {
        return -1;
    }

    return cognito_render_text(v, sep, buf, size);
}


int
cognito_token_claim_item(const cognito_token_t *tok, const char *claim,
    size_t i, const char **s, size_t *len)
{
    json_t  *v, *e;

    if (tok == NULL || tok->payload == NULL || claim == NULL) {
        return 0;
    }

    v = json_object_get(tok->payload, claim);

    if (!cognito_string_array(v) || i >= json_array_size(v)) {
        return 0;
    }

    e = json_array_get(v, i);

    *s = json_string_value(e);
    *len = json_string_length(e);

    return 1;
}


static int
cognito_token_header(cognito_token_t *tok, const char *p, size_t len,
    unsigned algs, cognito_err_t *err)
{
    int          rc;
    json_t      *v;
    size_t       alen;
    const char  *alg;

    tok->header = cognito_json_decode(p, len, &rc);

    if (tok->header == NULL) {
        switch (rc) {

        case COGNITO_ERR_NOMEM:
            return cognito_error(err, COGNITO_ERR_NOMEM, "out of memory");

        case COGNITO_ERR_BASE64:
            return cognito_error(err, COGNITO_ERR_BASE64,
                                 "bad base64url in header");

        default:
            return cognito_error(err, COGNITO_ERR_HEADER_JSON,
                                 "header is not a JSON object");
        }
    }

    v = json_object_get(tok->header, "alg");

    if (!json_is_string(v)) {
        return cognito_error(err, COGNITO_ERR_ALG_MISSING, "alg missing");
    }

    alg = json_string_value(v);
    alen = json_string_length(v);

    if (cognito_str_ieq(alg, alen, "none")) {
        return cognito_error(err, COGNITO_ERR_ALG_NONE,
                             "unsigned tokens are not accepted");
    }

    if (alen >= 2 && (alg[0] == 'H' || alg[0] == 'h')
        && (alg[1] == 'S' || alg[1] == 's'))
    {
        return cognito_error(err, COGNITO_ERR_ALG_HMAC,
                             "HMAC tokens are not accepted");
    }

    tok->alg = cognito_alg_bit(alg, alen);

    if (tok->alg == 0 || (tok->alg & algs) == 0) {
        return cognito_error(err, COGNITO_ERR_ALG_NOT_ALLOWED,
                             "alg not allowed");
    }

    if (json_object_get(tok->header, "crit") != NULL) {
        return cognito_error(err, COGNITO_ERR_CRIT,
                             "crit header not supported");
    }

    v = json_object_get(tok->header, "kid");

    if (!json_is_string(v)
        || json_string_length(v) == 0
        || json_string_length(v) > COGNITO_KID_MAX_LEN
        || memchr(json_string_value(v), '\0', json_string_length(v)) != NULL)
    {
        return cognito_error(err, COGNITO_ERR_KID_MISSING,
                             "kid missing or invalid");
    }

    tok->kid = json_string_value(v);
    tok->kid_len = json_string_length(v);

    return COGNITO_OK;
}


static int
cognito_token_payload(cognito_token_t *tok, const char *p, size_t len,
    cognito_err_t *err)
{
    int  rc;

    tok->payload = cognito_json_decode(p, len, &rc);

    if (tok->payload != NULL) {
        return COGNITO_OK;
    }

    switch (rc) {

    case COGNITO_ERR_NOMEM:
        return cognito_error(err, COGNITO_ERR_NOMEM, "out of memory");

    case COGNITO_ERR_BASE64:
        return cognito_error(err, COGNITO_ERR_BASE64,
                             "bad base64url in payload");

    default:
        return cognito_error(err, COGNITO_ERR_PAYLOAD_JSON,
                             "payload is not a JSON object");
    }
}


/*
 * base64url-decodes a segment into a JSON object no deeper than the limit;
 * on failure returns NULL with *rc one of NOMEM, BASE64 or INTERNAL (the
 * latter standing for "not a usable JSON object")
 */

static json_t *
cognito_json_decode(const char *p, size_t len, int *rc)
{
    size_t        n;
    json_t       *json;
    uint8_t      *bin;
    json_error_t  jerr;

    *rc = cognito_b64url_decode(p, len, &bin, &n);
    if (*rc != COGNITO_OK) {
        return NULL;
    }

    json = json_loadb((const char *) bin, n, JSON_REJECT_DUPLICATES, &jerr);

    /*
     * JSON numbers are not bounded; jansson's integers are 64-bit.  An
     * integer beyond them is read again, with every number as a double,
     * as JavaScript (and so aws-jwt-verify) reads it.  A real beyond a
     * double's range still fails.
     */

    if (json == NULL && json_error_code(&jerr) == json_error_numeric_overflow)
    {
        json = json_loadb((const char *) bin, n,
                          JSON_REJECT_DUPLICATES|JSON_DECODE_INT_AS_REAL,
                          &jerr);
    }

    cognito_b64url_free(bin);

    if (json == NULL) {
        *rc = (json_error_code(&jerr) == json_error_out_of_memory)
              ? COGNITO_ERR_NOMEM : COGNITO_ERR_INTERNAL;
        return NULL;
    }

    if (!json_is_object(json) || !cognito_json_depth_ok(json, 1)) {
        json_decref(json);
        *rc = COGNITO_ERR_INTERNAL;
        return NULL;
    }

    *rc = COGNITO_OK;

    return json;
}


static int
cognito_json_depth_ok(json_t *json, int depth)
{
    size_t       i, n;
    json_t      *v;
    const char  *key;

    if (!json_is_object(json) && !json_is_array(json)) {
        return 1;
    }

    if (depth > COGNITO_JSON_MAX_DEPTH) {
        return 0;
    }

    if (json_is_array(json)) {
        n = json_array_size(json);

        for (i = 0; i < n; i++) {
            if (!cognito_json_depth_ok(json_array_get(json, i), depth + 1)) {
                return 0;
            }
        }

        return 1;
    }

    json_object_foreach(json, key, v) {
        if (!cognito_json_depth_ok(v, depth + 1)) {
            return 0;
        }
    }

    return 1;
}


/* a JSON string exactly equal to the NUL-terminated s */

static int
cognito_str_eq(json_t *v, const char *s)
{
    size_t  len;

    if (!json_is_string(v)) {
        return 0;
    }

    len = strlen(s);

    return json_string_length(v) == len
           && memcmp(json_string_value(v), s, len) == 0;
}


/* ASCII case-insensitive comparison with a lowercase NUL-terminated b */

static int
cognito_str_ieq(const char *a, size_t alen, const char *b)
{
    unsigned char  c;
    size_t  i;

    if (alen != strlen(b)) {
        return 0;
    }

    for (i = 0; i < alen; i++) {
        c = (unsigned char) a[i];

        if (c >= 'A' && c <= 'Z') {
            c = (unsigned char) (c - 'A' + 'a');
        }

        if (c != (unsigned char) b[i]) {
            return 0;
        }
    }

    return 1;
}


/* 1: a JSON number, 0: absent, -1: anything else */

static int
cognito_time_claim(json_t *payload, const char *name, double *value)
{
    json_t  *v;

    v = json_object_get(payload, name);

    if (v == NULL) {
        return 0;
    }

    if (!json_is_number(v)) {
        return -1;
    }

    *value = json_number_value(v);

    return 1;
}


/* a JSON array whose elements are all strings (an empty one is) */

static int
cognito_string_array(json_t *v)
{
    size_t  i, n;

    if (!json_is_array(v)) {
        return 0;
    }

    n = json_array_size(v);

    for (i = 0; i < n; i++) {
        if (!json_is_string(json_array_get(v, i))) {
            return 0;
        }
    }

    return 1;
}


/*
 * The claim types aws-jwt-verify refuses a token for, whatever the rules:
 * sub, jti and scope are strings, aud a string or an array of strings.
 */

static int
cognito_check_types(json_t *payload, cognito_err_t *err)
{
    json_t  *v;

    v = json_object_get(payload, "sub");

    if (v != NULL && !json_is_string(v)) {
        return cognito_error(err, COGNITO_ERR_CLAIM_TYPE,
                             "sub is not a string");
    }

    v = json_object_get(payload, "jti");

    if (v != NULL && !json_is_string(v)) {
        return cognito_error(err, COGNITO_ERR_CLAIM_TYPE,
                             "jti is not a string");
    }

    v = json_object_get(payload, "scope");

    if (v != NULL && !json_is_string(v)) {
        return cognito_error(err, COGNITO_ERR_CLAIM_TYPE,
                             "scope is not a string");
    }

    v = json_object_get(payload, "aud");

    if (v != NULL && !json_is_string(v) && !cognito_string_array(v)) {
        return cognito_error(err, COGNITO_ERR_CLAIM_TYPE,
                             "aud is not a string or an array of strings");
    }

    return COGNITO_OK;
}


static int
cognito_check_client(json_t *payload, unsigned use,
    const cognito_rules_t *rules, cognito_err_t *err)
{
    json_t      *v;
    const char  *name;

    if (rules->nclients == 0) {
        return COGNITO_OK;
    }

    /*
     * Cognito puts the app client in an id token's aud and an access
     * token's client_id, each a string; an aud array is refused, as
     * aws-jwt-verify's Cognito verifier does.
     */

    name = (use == COGNITO_USE_ID) ? "aud" : "client_id";

    v = json_object_get(payload, name);

    if (v != NULL && !json_is_string(v)) {
        return cognito_error(err, COGNITO_ERR_CLAIM_TYPE,
                             use == COGNITO_USE_ID
                             ? "aud is not a string"
                             : "client_id is not a string");
    }

    if (v != NULL && cognito_client_allowed(v, rules)) {
        return COGNITO_OK;
    }

    return cognito_error(err, COGNITO_ERR_CLIENT,
                         use == COGNITO_USE_ID ? "wrong audience"
                                               : "wrong client_id");
}


static int
cognito_client_allowed(json_t *v, const cognito_rules_t *rules)
{
    size_t  i;

    for (i = 0; i < rules->nclients; i++) {
        if (rules->clients[i] != NULL && cognito_str_eq(v, rules->clients[i]))
        {
            return 1;
        }
    }

    return 0;
}


/* v rendered into buf (sep joins arrays, "," when NULL): its full length */

static long
cognito_render_text(json_t *v, const char *sep, char *buf, size_t size)
{
    cognito_out_t  out;

    out.buf = buf;
    out.size = buf != NULL ? size : 0;
    out.len = 0;

    if (cognito_render(v, sep != NULL ? sep : ",", &out) != COGNITO_OK) {
        return -1;
    }

    return (long) out.len;
}


/*
 * Scalars as text; an array of scalars joined by sep; an object, or an
 * array holding an object, an array or null, as compact JSON.
 */

static int
cognito_render(json_t *v, const char *sep, cognito_out_t *out)
{
    size_t   i, n, slen;
    json_t  *e;

    if (!json_is_array(v)) {
        if (json_is_object(v)) {
            return cognito_render_json(v, out);
        }

        return cognito_render_scalar(v, out);
    }

    n = json_array_size(v);

    for (i = 0; i < n; i++) {
        e = json_array_get(v, i);

        if (json_is_object(e) || json_is_array(e) || json_is_null(e)) {
            return cognito_render_json(v, out);
        }
    }

    slen = strlen(sep);

    for (i = 0; i < n; i++) {
        if (i) {
            cognito_out_write(out, sep, slen);
        }

        if (cognito_render_scalar(json_array_get(v, i), out) != COGNITO_OK) {
            return COGNITO_ERR_INTERNAL;
        }
    }

    return COGNITO_OK;
}


static int
cognito_render_scalar(json_t *v, cognito_out_t *out)
{
    int   n;
    char  num[32];

    switch (json_typeof(v)) {

    case JSON_STRING:
        cognito_out_write(out, json_string_value(v), json_string_length(v));
        return COGNITO_OK;

    case JSON_INTEGER:
        n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
                     json_integer_value(v));
        if (n <= 0 || (size_t) n >= sizeof(num)) {
            return COGNITO_ERR_INTERNAL;
        }

        cognito_out_write(out, num, (size_t) n);
        return COGNITO_OK;

    case JSON_TRUE:
        cognito_out_write(out, "true", 4);
        return COGNITO_OK;

    case JSON_FALSE:
        cognito_out_write(out, "false", 5);
        return COGNITO_OK;

    default:
        return cognito_render_json(v, out);
    }
}


static int
cognito_render_json(json_t *v, cognito_out_t *out)
{
    char    *p;
    size_t   n, room;

    n = json_dumpb(v, NULL, 0, JSON_COMPACT|JSON_ENCODE_ANY);
    if (n == 0) {
        return COGNITO_ERR_INTERNAL;
    }

    room = out->len < out->size ? out->size - out->len : 0;

    if (n <= room) {
        p = out->buf + out->len;

        if (json_dumpb(v, p, n, JSON_COMPACT|JSON_ENCODE_ANY) != n) {
            return COGNITO_ERR_INTERNAL;
        }
    }

    out->len += n;

    return COGNITO_OK;
}


static void
cognito_out_write(cognito_out_t *out, const char *p, size_t n)
{
    size_t  room;

    if (out->len < out->size) {
        room = out->size - out->len;
        memcpy(out->buf + out->len, p, n < room ? n : room);
    }

    out->len += n;
}
