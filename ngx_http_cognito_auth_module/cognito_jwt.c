
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Tokens: where a request carries one (an Authorization value, AppSync's
 * "header" parameter), compact JWS parsing, the Cognito claim rules, typed
 * claim accessors and claim rendering, and the token's SHA-256 (the
 * cache's key).  The RS256/384/512 signature is checked with cognito_jwks.c's
 * keys.  The caller passes the time; nothing here logs or prints, and the
 * one piece of global state is the header memo (cognito_header_recall()):
 * a worker runs one request at a time on one thread, as cognito_json.c's
 * current arena also assumes.
 */


#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "cognito_json.h"
#include "cognito_jwt.h"


/*
 * The claims the Cognito rules read on every request, cache hits included:
 * found in one walk of the payload when it is read, instead of a walk of
 * all its members for each (bench/profile: most of the claims stage).
 */

typedef enum {
    COGNITO_C_ISS = 0,
    COGNITO_C_TOKEN_USE,
    COGNITO_C_EXP,
    COGNITO_C_NBF,
    COGNITO_C_IAT,
    COGNITO_C_SUB,
    COGNITO_C_JTI,
    COGNITO_C_SCOPE,
    COGNITO_C_AUD,
    COGNITO_C_CLIENT_ID,
    COGNITO_C_N
} cognito_std_claim_e;

static const char  *cognito_std_names[COGNITO_C_N] = {
    "iss", "token_use", "exp", "nbf", "iat", "sub", "jti", "scope", "aud",
    "client_id"
};


/*
 * A token and all it holds are carved from its own arena, sized from the
 * payload's length (cognito_token_arena()): this struct, the kid, the
 * payload's tree, strings and number records.  The header's tree is given
 * back to the arena once the header is checked; the segments are decoded
 * into buffers on the stack (the header and payload for their parse, the
 * signature for its verification), never kept.  So a parsed token is one
 * malloc() (a chained block only for an unusual payload), and the last
 * cognito_token_free() is one free(), however cold the token.
 */

struct cognito_token_s {
    const char         *input;       /* the token, "header.payload.sig",
                                        in the caller's jwt[]; NULL once
                                        detached */
    size_t              input_len;   /* the signing input's length */
    size_t              len;         /* the whole token's */
    size_t              payload_off; /* the payload's base64url in input */
    cognito_arena_t    *arena;       /* holds this struct */
    cognito_json_t      payload;     /* root NULL until read */
    const cJSON        *std[COGNITO_C_N];  /* payload members, NULL when
                                              absent or not read */
    unsigned            alg;         /* COGNITO_ALG_* */
    unsigned            refs;        /* cognito_token_ref() */
    const void         *memo_key;    /* the rules last passed, by the */
    unsigned            memo_use;    /* caller's key and their token_use
                                        (cognito_token_check_claims_memo) */
    unsigned            memo_nbf_set;
    double              memo_exp;    /* exp and nbf, the numbers the time */
    double              memo_nbf;    /* checks read, once they passed */
    size_t              kid_len;
    char               *kid;         /* NUL-terminated, in the arena */
};


/*
 * A token's first arena block: the struct, its kid, and its payload's
 * parse, from the payload's base64url length (the header's tree, parsed
 * first, is smaller, and given back)
 */
#define cognito_token_arena(b64)                                             \
    (sizeof(cognito_token_t) + 64 + COGNITO_JSON_ARENA((b64) / 4 * 3 + 2))

/*
 * The header memo: the last few headers whose checks passed, by their
 * base64url text, with what a token keeps of them (its alg and kid).  The
 * tokens of a user pool carry one header per signing key, byte for byte
 * ({"kid":"...","alg":"RS256"}), so nearly every token's header is one
 * met before, and its base64url and JSON need not be read again
 * (bench/stages: "parse").  A header is recalled only when its text is the
 * very same bytes, which decode to the same JSON and so pass the same
 * checks; the only check that depends on more than the text, the alg
 * against the caller's allowlist, is made again on every recall.  Headers
 * that fail a check are not remembered, and a header longer than the memo
 * keeps is checked every time.  Four entries, replaced in turn: a pool's
 * two keys, or two pools' current keys; a flood of other headers only
 * costs the checks every token paid before the memo.
 */
#define COGNITO_HEADER_MEMO        4
#define COGNITO_HEADER_MEMO_MAX    384      /* base64url bytes */

typedef struct {
    size_t              len;         /* of text; 0: empty */
    unsigned            alg;
    size_t              kid_len;
    char                kid[COGNITO_KID_MAX_LEN + 1];
    char                text[COGNITO_HEADER_MEMO_MAX];
} cognito_header_memo_t;

static cognito_header_memo_t  cognito_header_memo[COGNITO_HEADER_MEMO];
static unsigned               cognito_header_memo_next;

/* a segment decoded, on the stack */
#define COGNITO_SEGMENT_MAX        COGNITO_B64URL_DECODED(COGNITO_TOKEN_MAX_LEN)


static int cognito_token_split(const char *jwt, size_t len, size_t *dot,
    cognito_err_t *err);
static int cognito_token_header(cognito_token_t *tok, const char *p,
    size_t len, unsigned algs, cognito_err_t *err);
static int cognito_header_check(cognito_token_t *tok, const cJSON *header,
    unsigned algs, char *kid, cognito_err_t *err);
static const cognito_header_memo_t *cognito_header_recall(const char *p,
    size_t len);
static void cognito_header_remember(const char *p, size_t len, unsigned alg,
    const char *kid, size_t kid_len);
static int cognito_segment_json(cognito_json_t *doc, cognito_arena_t *arena,
    const char *p, size_t len, cognito_code_e code, cognito_err_t *err);
static int cognito_check_time(const cognito_token_t *tok,
    const cognito_rules_t *rules, double now, cognito_err_t *err);
static void cognito_std_claims(cognito_token_t *tok);
static const cJSON *cognito_claim(const cognito_token_t *tok,
    const char *name);
static int cognito_time_value(const cJSON *v, double *value);
static int cognito_str_eq(const cJSON *v, const char *s);
static int cognito_str_ieq(const char *a, size_t alen, const char *b);
static int cognito_time_claim(const cognito_token_t *tok, const char *name,
    double *value);
static int cognito_string_array(const cJSON *v);
static int cognito_check_types(const cognito_token_t *tok,
    cognito_err_t *err);
static int cognito_check_client(const cognito_token_t *tok, unsigned use,
    const cognito_rules_t *rules, cognito_err_t *err);
static int cognito_client_allowed(const cJSON *v,
    const cognito_rules_t *rules);
static int cognito_rule_scalar(const cJSON *v, const cognito_rule_t *rule);
static int cognito_rule_set(const cJSON *v, const cognito_rule_t *rule);
static int cognito_rule_match(const cJSON *v,
    const cognito_rule_value_t *val);
static int cognito_rule_word(const char *s, const cognito_rule_value_t *val);


int
cognito_token_parse(const char *jwt, size_t len, unsigned algs,
    cognito_token_t **out, cognito_err_t *err)
{
    int               rc;
    size_t            dot[2];
    cognito_arena_t  *arena;
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

    arena = cognito_arena_new(cognito_token_arena(dot[1] - dot[0] - 1));
    if (arena == NULL) {
        return cognito_error(err, COGNITO_ERR_NOMEM, "out of memory");
    }

    tok = cognito_arena_alloc(arena, sizeof(cognito_token_t));
    if (tok == NULL) {
        cognito_arena_free(arena);
        return cognito_error(err, COGNITO_ERR_NOMEM, "out of memory");
    }

    memset(tok, 0, sizeof(cognito_token_t));

    tok->arena = arena;
    tok->input = jwt;
    tok->input_len = dot[1];
    tok->len = len;
    tok->payload_off = dot[0] + 1;

    /*
     * The header is checked before any key is touched; the payload is
     * left for cognito_token_read_payload(), after the signature, so that
     * a forged token never costs its payload's parse.
     */

    rc = cognito_token_header(tok, jwt, dot[0], algs, err);
    if (rc != COGNITO_OK) {
        goto failed;
    }

    /*
     * The signature's base64url is checked by the split (the alphabet,
     * the length, canonical), and decoded when it is verified
     */

    if (dot[1] == len - 1) {
        rc = cognito_error(err, COGNITO_ERR_TOKEN_MALFORMED,
                           "token has an empty signature");
        goto failed;
    }

    *out = tok;

    return cognito_error(err, COGNITO_OK, "ok");

failed:

    cognito_token_free(tok);

    return rc;
}


/*
 * The verified-token cache's zone holds tokens whose signatures checked
 * out when they were stored: parsed with every check (the signature's
 * base64url is decoded only by cognito_token_verify(), which is not
 * called), the payload read, then detached, since nothing will verify it.
 */

int
cognito_token_parse_verified(const char *jwt, size_t len, unsigned algs,
    cognito_token_t **out, cognito_err_t *err)
{
    int  rc;

    if (out == NULL) {
        return cognito_error(err, COGNITO_ERR_INTERNAL, "no output");
    }

    rc = cognito_token_parse(jwt, len, algs, out, err);
    if (rc != COGNITO_OK) {
        return rc;
    }

    rc = cognito_token_read_payload(*out, err);
    if (rc != COGNITO_OK) {
        cognito_token_free(*out);
        *out = NULL;
        return rc;
    }

    cognito_token_detach(*out);

    return COGNITO_OK;
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

    /* frees nothing but a tree of cJSON's other hooks, if any */

    cognito_json_free(&tok->payload);

    /* tok itself is in its arena */

    cognito_arena_free(tok->arena);
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
    tok->len = 0;
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


int
cognito_token_read_payload(cognito_token_t *tok, cognito_err_t *err)
{
    int                   rc;
    cognito_arena_mark_t  mark;

    if (tok == NULL) {
        return cognito_error(err, COGNITO_ERR_INTERNAL, "no token");
    }

    if (tok->payload.root != NULL) {
        return cognito_error(err, COGNITO_OK, "ok");
    }

    if (tok->input == NULL) {
        return cognito_error(err, COGNITO_ERR_INTERNAL,
                             "token detached from its text");
    }

    cognito_arena_mark(tok->arena, &mark);

    rc = cognito_segment_json(&tok->payload, tok->arena,
                              tok->input + tok->payload_off,
                              tok->input_len - tok->payload_off,
                              COGNITO_ERR_PAYLOAD_JSON, err);
    if (rc != COGNITO_OK) {
        /* what the refused parse carved goes back */
        cognito_arena_release(tok->arena, &mark);
        return rc;
    }

    cognito_std_claims(tok);

    return cognito_error(err, COGNITO_OK, "ok");
}


const char *
cognito_token_iss(const cognito_token_t *tok)
{
    const cJSON  *v;

    if (tok == NULL) {
        return NULL;
    }

    v = tok->std[COGNITO_C_ISS];

    return cJSON_IsString(v) ? v->valuestring : NULL;
}


int
cognito_token_verify(const cognito_token_t *tok, cognito_keyset_t *ks,
    cognito_err_t *err)
{
    size_t   n;
    uint8_t  sig[COGNITO_SEGMENT_MAX];

    if (tok == NULL) {
        return cognito_error(err, COGNITO_ERR_INTERNAL, "no token");
    }

    if (tok->input == NULL) {
        return cognito_error(err, COGNITO_ERR_INTERNAL,
                             "token detached from its text");
    }

    /* the split has checked it: this cannot fail */

    if (cognito_b64url_decode_to(tok->input + tok->input_len + 1,
                                 tok->len - tok->input_len - 1, sig, &n)
        != COGNITO_OK)
    {
        return cognito_error(err, COGNITO_ERR_BASE64,
                             "bad base64url in signature");
    }

    return cognito_keyset_verify(ks, tok->kid, tok->kid_len, tok->alg,
                                 tok->input, tok->input_len, sig, n, err);
}


int
cognito_token_check_claims(const cognito_token_t *tok,
    const cognito_rules_t *rules, double now, cognito_err_t *err)
{
    int           rc;
    size_t        i;
    unsigned      use;
    const cJSON  *v;

    if (tok == NULL || tok->payload.root == NULL || rules == NULL) {
        return cognito_error(err, COGNITO_ERR_INTERNAL, "no token or rules");
    }

    /* no issuers configured accepts none: the core fails closed */

    v = tok->std[COGNITO_C_ISS];

    for (i = 0; i < rules->nissuers; i++) {
        if (rules->issuers[i] != NULL && cognito_str_eq(v, rules->issuers[i]))
        {
            break;
        }
    }

    if (i == rules->nissuers) {
        return cognito_error(err, COGNITO_ERR_ISSUER, "wrong issuer");
    }

    v = tok->std[COGNITO_C_TOKEN_USE];

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

    rc = cognito_check_time(tok, rules, now, err);
    if (rc != COGNITO_OK) {
        return rc;
    }

    rc = cognito_check_types(tok, err);
    if (rc != COGNITO_OK) {
        return rc;
    }

    rc = cognito_check_client(tok, use, rules, err);
    if (rc != COGNITO_OK) {
        return rc;
    }

    return cognito_error(err, COGNITO_OK, "ok");
}


/*
 * The time claims, the only checks whose verdict depends on now: exp
 * required, exp and nbf against now with the leeway, iat's type.  The
 * comparisons are macros, so that the claims memo makes the very same
 * ones: expired once now >= exp + leeway, not yet valid while
 * now + leeway < nbf; a negative leeway counts as 0.
 */

#define cognito_leeway(rules)                                                \
    ((rules)->leeway > 0 ? (double) (rules)->leeway : 0)
#define cognito_expired(exp, now, leeway)  ((now) - (exp) >= (leeway))
#define cognito_early(nbf, now, leeway)    ((nbf) - (now) > (leeway))

static int
cognito_check_time(const cognito_token_t *tok, const cognito_rules_t *rules,
    double now, cognito_err_t *err)
{
    int     rc;
    double  t, leeway, exp;

    /*
     * exp, nbf and iat are NumericDates (RFC 7519, section 2): JSON
     * numbers, integer or not, possibly negative, compared as doubles
     * (the parse refuses a number beyond a double's range, and the
     * differences of two finite doubles this far apart cannot overflow).
     */

    leeway = cognito_leeway(rules);

    rc = cognito_time_value(tok->std[COGNITO_C_EXP], &exp);

    if (rc == 0) {
        return cognito_error(err, COGNITO_ERR_EXP_MISSING, "exp missing");
    }

    if (rc < 0) {
        return cognito_error(err, COGNITO_ERR_CLAIM_TYPE,
                             "exp is not a number");
    }

    if (cognito_expired(exp, now, leeway)) {
        return cognito_error(err, COGNITO_ERR_EXPIRED, "token expired");
    }

    rc = cognito_time_value(tok->std[COGNITO_C_NBF], &t);

    if (rc < 0) {
        return cognito_error(err, COGNITO_ERR_CLAIM_TYPE,
                             "nbf is not a number");
    }

    if (rc > 0 && cognito_early(t, now, leeway)) {
        return cognito_error(err, COGNITO_ERR_NOT_YET_VALID,
                             "token not yet valid");
    }

    /*
     * iat is informational (RFC 7519, section 4.1.6): its type is checked,
     * as aws-jwt-verify does, its value is not.
     */

    if (cognito_time_value(tok->std[COGNITO_C_IAT], &t) < 0) {
        return cognito_error(err, COGNITO_ERR_CLAIM_TYPE,
                             "iat is not a number");
    }

    return COGNITO_OK;
}


int
cognito_token_check_claims_memo(cognito_token_t *tok, const void *key,
    const cognito_rules_t *rules, double now, cognito_err_t *err)
{
    int     rc;
    double  leeway;

    if (tok != NULL && key != NULL && rules != NULL
        && tok->payload.root != NULL
        && tok->memo_key == key && tok->memo_use == rules->token_use)
    {
        /* exp is there and a number, nbf absent or a number, iat too */

        leeway = cognito_leeway(rules);

        if (cognito_expired(tok->memo_exp, now, leeway)) {
            return cognito_error(err, COGNITO_ERR_EXPIRED, "token expired");
        }

        if (tok->memo_nbf_set && cognito_early(tok->memo_nbf, now, leeway)) {
            return cognito_error(err, COGNITO_ERR_NOT_YET_VALID,
                                 "token not yet valid");
        }

        return cognito_error(err, COGNITO_OK, "ok");
    }

    rc = cognito_token_check_claims(tok, rules, now, err);

    if (rc == COGNITO_OK && key != NULL) {
        tok->memo_key = key;
        tok->memo_use = rules->token_use;
        (void) cognito_time_value(tok->std[COGNITO_C_EXP], &tok->memo_exp);
        tok->memo_nbf_set = (cognito_time_value(tok->std[COGNITO_C_NBF],
                                                &tok->memo_nbf) > 0);
    }

    return rc;
}


time_t
cognito_token_exp(const cognito_token_t *tok)
{
    double  exp, max;
    time_t  t;

    if (tok == NULL
        || cognito_time_value(tok->std[COGNITO_C_EXP], &exp) != 1
        || !(exp > 0))
    {
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
    if (claim == NULL) {
        return 0;
    }

    return cognito_time_claim(tok, claim, value);
}


int
cognito_token_claim_string(const cognito_token_t *tok, const char *claim,
    const char **s, size_t *len)
{
    const cJSON  *v;

    if (claim == NULL) {
        return 0;
    }

    v = cognito_claim(tok, claim);

    if (v == NULL) {
        return 0;
    }

    if (!cJSON_IsString(v)) {
        return -1;
    }

    *s = v->valuestring;
    *len = strlen(v->valuestring);

    return 1;
}


long
cognito_token_claim(const cognito_token_t *tok, const char **path,
    size_t npath, const char *sep, char *buf, size_t size)
{
    size_t        i;
    const cJSON  *v;

    if (tok == NULL || tok->payload.root == NULL || (npath && path == NULL))
    {
        return -1;
    }

    v = tok->payload.root;

    for (i = 0; i < npath; i++) {
        if (path[i] == NULL) {
            return -1;
        }

        v = cognito_json_get(v, path[i]);
    }

    if (v == NULL || cJSON_IsNull(v)) {
        return -1;
    }

    return cognito_json_render(&tok->payload, v, sep, buf, size);
}


int
cognito_token_claim_has(const cognito_token_t *tok, const char *claim,
    unsigned form, const char *name, size_t len)
{
    size_t        slen;
    const char   *s, *end, *w;
    const cJSON  *v, *e;

    if (claim == NULL || name == NULL || len == 0) {
        return 0;
    }

    v = cognito_claim(tok, claim);

    if (form == COGNITO_CLAIM_ARRAY) {

        /* anything but an array of strings holds no names at all */

        if (!cognito_string_array(v)) {
            return 0;
        }

        for (e = v->child; e != NULL; e = e->next) {
            if (strlen(e->valuestring) == len
                && memcmp(e->valuestring, name, len) == 0)
            {
                return 1;
            }
        }

        return 0;
    }

    if (form != COGNITO_CLAIM_WORDS || !cJSON_IsString(v)) {
        return 0;
    }

    s = v->valuestring;
    slen = strlen(s);
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
    const cJSON  *v;

    if (claim == NULL) {
        return -1;
    }

    v = cognito_claim(tok, claim);

    if (!cognito_string_array(v)) {
        return -1;
    }

    return cognito_json_render(&tok->payload, v, sep, buf, size);
}


int
cognito_token_claim_item(const cognito_token_t *tok, const char *claim,
    size_t i, const char **s, size_t *len)
{
    const cJSON  *v, *e;

    if (claim == NULL) {
        return 0;
    }

    v = cognito_claim(tok, claim);

    if (!cognito_string_array(v)) {
        return 0;
    }

    for (e = v->child; e != NULL && i > 0; e = e->next) {
        i--;
    }

    if (e == NULL) {
        return 0;
    }

    *s = e->valuestring;
    *len = strlen(e->valuestring);

    return 1;
}


static int
cognito_token_header(cognito_token_t *tok, const char *p, size_t len,
    unsigned algs, cognito_err_t *err)
{
    int                           rc;
    char                          kid[COGNITO_KID_MAX_LEN + 1];
    cognito_json_t                header;
    cognito_arena_mark_t          mark;
    const cognito_header_memo_t  *memo;

    memo = cognito_header_recall(p, len);

    if (memo != NULL) {
        tok->alg = memo->alg;

        if ((tok->alg & algs) == 0) {
            return cognito_error(err, COGNITO_ERR_ALG_NOT_ALLOWED,
                                 "alg not allowed");
        }

        tok->kid_len = memo->kid_len;
        tok->kid = cognito_arena_alloc(tok->arena, tok->kid_len + 1);
        if (tok->kid == NULL) {
            return cognito_error(err, COGNITO_ERR_NOMEM, "out of memory");
        }

        memcpy(tok->kid, memo->kid, tok->kid_len + 1);

        return COGNITO_OK;
    }

    cognito_arena_mark(tok->arena, &mark);

    rc = cognito_segment_json(&header, tok->arena, p, len,
                              COGNITO_ERR_HEADER_JSON, err);

    if (rc == COGNITO_OK) {
        rc = cognito_header_check(tok, header.root, algs, kid, err);
    }

    /* what the token needs of its header is copied: the tree goes now */

    cognito_json_free(&header);
    cognito_arena_release(tok->arena, &mark);

    if (rc != COGNITO_OK) {
        return rc;
    }

    tok->kid = cognito_arena_alloc(tok->arena, tok->kid_len + 1);
    if (tok->kid == NULL) {
        return cognito_error(err, COGNITO_ERR_NOMEM, "out of memory");
    }

    memcpy(tok->kid, kid, tok->kid_len + 1);

    cognito_header_remember(p, len, tok->alg, kid, tok->kid_len);

    return COGNITO_OK;
}


static const cognito_header_memo_t *
cognito_header_recall(const char *p, size_t len)
{
    unsigned                      i;
    const cognito_header_memo_t  *m;

    for (i = 0; i < COGNITO_HEADER_MEMO; i++) {
        m = &cognito_header_memo[i];

        if (m->len == len && memcmp(m->text, p, len) == 0) {
            return m;
        }
    }

    return NULL;
}


static void
cognito_header_remember(const char *p, size_t len, unsigned alg,
    const char *kid, size_t kid_len)
{
    cognito_header_memo_t  *m;

    if (len == 0 || len > COGNITO_HEADER_MEMO_MAX
        || kid_len > COGNITO_KID_MAX_LEN)
    {
        return;
    }

    m = &cognito_header_memo[cognito_header_memo_next];
    cognito_header_memo_next = (cognito_header_memo_next + 1)
                               % COGNITO_HEADER_MEMO;

    memcpy(m->text, p, len);
    m->len = len;
    m->alg = alg;
    m->kid_len = kid_len;
    memcpy(m->kid, kid, kid_len + 1);
}


static int
cognito_header_check(cognito_token_t *tok, const cJSON *header,
    unsigned algs, char *kid, cognito_err_t *err)
{
    size_t        alen, klen;
    const char   *alg;
    const cJSON  *v;

    v = cognito_json_get(header, "alg");

    if (!cJSON_IsString(v)) {
        return cognito_error(err, COGNITO_ERR_ALG_MISSING, "alg missing");
    }

    alg = v->valuestring;
    alen = strlen(alg);

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

    if (cognito_json_get(header, "crit") != NULL) {
        return cognito_error(err, COGNITO_ERR_CRIT,
                             "crit header not supported");
    }

    /* a string: its JSON text holds no "\u0000", so strlen() is its size */

    v = cognito_json_get(header, "kid");
    klen = cJSON_IsString(v) ? strlen(v->valuestring) : 0;

    if (klen == 0 || klen > COGNITO_KID_MAX_LEN) {
        return cognito_error(err, COGNITO_ERR_KID_MISSING,
                             "kid missing or invalid");
    }

    memcpy(kid, v->valuestring, klen + 1);
    tok->kid_len = klen;

    return COGNITO_OK;
}


/*
 * base64url-decodes a segment into a JSON object no deeper than the limit:
 * COGNITO_OK, or the error: NOMEM, BASE64 (the split has checked the
 * alphabet, so only in theory), or code (HEADER_JSON or PAYLOAD_JSON) for
 * "not a usable JSON object"; doc is left empty on failure
 */

static int
cognito_segment_json(cognito_json_t *doc, cognito_arena_t *arena,
    const char *p, size_t len, cognito_code_e code, cognito_err_t *err)
{
    int      rc;
    size_t   n;
    uint8_t  bin[COGNITO_SEGMENT_MAX];

    memset(doc, 0, sizeof(cognito_json_t));

    /* the token's length is capped: its segments fit */

    if (COGNITO_B64URL_DECODED(len) > sizeof(bin)) {
        return cognito_error(err, COGNITO_ERR_INTERNAL, "segment too long");
    }

    rc = cognito_b64url_decode_to(p, len, bin, &n);

    if (rc == COGNITO_OK) {
        rc = cognito_json_parse(doc, arena, (const char *) bin, n);
    }

    switch (rc) {

    case COGNITO_OK:
        return COGNITO_OK;

    case COGNITO_ERR_NOMEM:
        return cognito_error(err, COGNITO_ERR_NOMEM, "out of memory");

    case COGNITO_ERR_BASE64:
        return cognito_error(err, COGNITO_ERR_BASE64,
                             code == COGNITO_ERR_HEADER_JSON
                             ? "bad base64url in header"
                             : "bad base64url in payload");

    default:
        return cognito_error(err, code,
                             code == COGNITO_ERR_HEADER_JSON
                             ? "header is not a JSON object"
                             : "payload is not a JSON object");
    }
}


/*
 * tok->std[] from one walk of the payload's members; the parse refuses
 * duplicate names, so each is the member cognito_claim() would find.
 */

static void
cognito_std_claims(cognito_token_t *tok)
{
    size_t        i;
    const cJSON  *e;

    if (!cJSON_IsObject(tok->payload.root)) {
        return;
    }

    for (e = tok->payload.root->child;
         e != NULL && e->string != NULL;
         e = e->next)
    {
        for (i = 0; i < COGNITO_C_N; i++) {
            if (e->string[0] == cognito_std_names[i][0]
                && strcmp(e->string, cognito_std_names[i]) == 0)
            {
                tok->std[i] = e;
                break;
            }
        }
    }
}


/* a payload member, or NULL when absent or the payload is not read */

static const cJSON *
cognito_claim(const cognito_token_t *tok, const char *name)
{
    if (tok == NULL) {
        return NULL;
    }

    return cognito_json_get(tok->payload.root, name);
}


/* a JSON string exactly equal to the NUL-terminated s */

static int
cognito_str_eq(const cJSON *v, const char *s)
{
    if (!cJSON_IsString(v)) {
        return 0;
    }

    return strcmp(v->valuestring, s) == 0;
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
cognito_time_claim(const cognito_token_t *tok, const char *name,
    double *value)
{
    return cognito_time_value(cognito_claim(tok, name), value);
}


static int
cognito_time_value(const cJSON *v, double *value)
{
    if (v == NULL) {
        return 0;
    }

    if (!cJSON_IsNumber(v)) {
        return -1;
    }

    *value = v->valuedouble;

    return 1;
}


/* a JSON array whose elements are all strings (an empty one is) */

static int
cognito_string_array(const cJSON *v)
{
    const cJSON  *e;

    if (!cJSON_IsArray(v)) {
        return 0;
    }

    for (e = v->child; e != NULL; e = e->next) {
        if (!cJSON_IsString(e)) {
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
cognito_check_types(const cognito_token_t *tok, cognito_err_t *err)
{
    const cJSON  *v;

    v = tok->std[COGNITO_C_SUB];

    if (v != NULL && !cJSON_IsString(v)) {
        return cognito_error(err, COGNITO_ERR_CLAIM_TYPE,
                             "sub is not a string");
    }

    v = tok->std[COGNITO_C_JTI];

    if (v != NULL && !cJSON_IsString(v)) {
        return cognito_error(err, COGNITO_ERR_CLAIM_TYPE,
                             "jti is not a string");
    }

    v = tok->std[COGNITO_C_SCOPE];

    if (v != NULL && !cJSON_IsString(v)) {
        return cognito_error(err, COGNITO_ERR_CLAIM_TYPE,
                             "scope is not a string");
    }

    v = tok->std[COGNITO_C_AUD];

    if (v != NULL && !cJSON_IsString(v) && !cognito_string_array(v)) {
        return cognito_error(err, COGNITO_ERR_CLAIM_TYPE,
                             "aud is not a string or an array of strings");
    }

    return COGNITO_OK;
}


static int
cognito_check_client(const cognito_token_t *tok, unsigned use,
    const cognito_rules_t *rules, cognito_err_t *err)
{
    const cJSON  *v;

    if (rules->nclients == 0) {
        return COGNITO_OK;
    }

    /*
     * Cognito puts the app client in an id token's aud and an access
     * token's client_id, each a string; an aud array is refused, as
     * aws-jwt-verify's Cognito verifier does.
     */

    v = tok->std[(use == COGNITO_USE_ID) ? COGNITO_C_AUD
                                          : COGNITO_C_CLIENT_ID];

    if (v != NULL && !cJSON_IsString(v)) {
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
cognito_client_allowed(const cJSON *v, const cognito_rules_t *rules)
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


unsigned
cognito_rule_op(const char *name)
{
    unsigned  i;

    static const char  *names[] = {
        "", "eq", "ne", "in", "any", "all", "lt", "le", "gt", "ge", "exists"
    };

    for (i = 1; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i]) == 0) {
            return i;
        }
    }

    return 0;
}


void
cognito_rule_value(cognito_rule_value_t *v, const char *s, size_t len)
{
    v->s = s;
    v->len = len;
    v->isnum = (unsigned) cognito_json_number(s, len, &v->num);

    if (!v->isnum) {
        v->num = 0;
    }
}


int
cognito_token_rule(const cognito_token_t *tok, const cognito_rule_t *rule)
{
    size_t        i;
    const cJSON  *v;

    if (tok == NULL || rule == NULL) {
        return 0;
    }

    v = tok->payload.root;

    for (i = 0; i < rule->npath; i++) {
        v = cognito_json_get(v, rule->path[i]);
    }

    /* absent or null: no rule holds, exists included */

    if (v == NULL || cJSON_IsNull(v)) {
        return 0;
    }

    switch (rule->op) {

    case COGNITO_OP_EXISTS:
        return 1;

    case COGNITO_OP_ANY:
    case COGNITO_OP_ALL:
        return cognito_rule_set(v, rule);

    default:
        if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
            return -1;
        }

        return cognito_rule_scalar(v, rule);
    }
}


/* eq, ne, in and the comparisons, on a string, a number or a boolean */

static int
cognito_rule_scalar(const cJSON *v, const cognito_rule_t *rule)
{
    int     m;
    double  a, b;
    size_t  i;

    if (rule->op >= COGNITO_OP_LT && rule->op <= COGNITO_OP_GE) {
        if (!cJSON_IsNumber(v) || rule->nvalues != 1
            || !rule->values[0].isnum)
        {
            return -1;
        }

        a = v->valuedouble;
        b = rule->values[0].num;

        switch (rule->op) {

        case COGNITO_OP_LT:
            return a < b;

        case COGNITO_OP_LE:
            return a <= b;

        case COGNITO_OP_GT:
            return a > b;

        default:
            return a >= b;
        }
    }

    m = 0;

    for (i = 0; i < rule->nvalues && m == 0; i++) {
        m = cognito_rule_match(v, &rule->values[i]);
    }

    if (m < 0) {
        return -1;
    }

    return (rule->op == COGNITO_OP_NE) ? !m : m;
}


/*
 * any and all: on an array, each value is looked for among its elements;
 * on a string, among its space-separated words, where the claim is
 * defined that way (rule->words)
 */

static int
cognito_rule_set(const cJSON *v, const cognito_rule_t *rule)
{
    size_t        i, found;
    const cJSON  *e;

    if (cJSON_IsString(v) && !rule->words) {
        return -1;
    }

    if (!cJSON_IsString(v) && !cJSON_IsArray(v)) {
        return -1;
    }

    found = 0;

    for (i = 0; i < rule->nvalues; i++) {
        if (cJSON_IsString(v)) {
            found += (size_t) cognito_rule_word(v->valuestring,
                                                &rule->values[i]);
            continue;
        }

        for (e = v->child; e != NULL; e = e->next) {
            if (cognito_rule_match(e, &rule->values[i]) == 1) {
                found++;
                break;
            }
        }
    }

    return (rule->op == COGNITO_OP_ANY) ? found > 0
                                        : found == rule->nvalues;
}


/* one value against one scalar: 1, 0, or -1 when their types differ */

static int
cognito_rule_match(const cJSON *v, const cognito_rule_value_t *val)
{
    if (cJSON_IsString(v)) {
        return strlen(v->valuestring) == val->len
               && memcmp(v->valuestring, val->s, val->len) == 0;
    }

    if (cJSON_IsNumber(v)) {
        return val->isnum ? v->valuedouble == val->num : -1;
    }

    if (cJSON_IsBool(v)) {
        if (strcmp(val->s, "true") == 0) {
            return cJSON_IsTrue(v);
        }

        if (strcmp(val->s, "false") == 0) {
            return cJSON_IsFalse(v);
        }
    }

    return -1;
}


static int
cognito_rule_word(const char *s, const cognito_rule_value_t *val)
{
    const char  *w;

    while (*s != '\0') {
        while (*s == ' ') {
            s++;
        }

        w = s;

        while (*s != '\0' && *s != ' ') {
            s++;
        }

        if ((size_t) (s - w) == val->len && val->len > 0
            && memcmp(w, val->s, val->len) == 0)
        {
            return 1;
        }
    }

    return 0;
}
