
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Tokens for the pure-C core (no nginx headers, no logging, no globals):
 * parse, verify, the Cognito claim rules and typed claim accessors.  Only
 * the core's .c files see cJSON, jansson, cjose and OpenSSL; callers hold
 * opaque handles.
 */


#ifndef _COGNITO_JWT_H_INCLUDED_
#define _COGNITO_JWT_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cognito_util.h"
#include "cognito_jwks.h"


/* hard limits */
#define COGNITO_TOKEN_MAX_LEN      8192     /* whole compact JWS, bytes */
#define COGNITO_DIGEST_LEN         32       /* SHA-256 */
#define COGNITO_APPSYNC_MAX_LEN    16384    /* AppSync "header", base64 */


/* token_use, a bit mask */
#define COGNITO_USE_ID             0x01
#define COGNITO_USE_ACCESS         0x02
#define COGNITO_USE_ANY            (COGNITO_USE_ID|COGNITO_USE_ACCESS)


/* how a token may stand in an Authorization value, a bit mask */
#define COGNITO_SCHEME_BEARER      0x01     /* "Bearer <token>" */
#define COGNITO_SCHEME_BARE        0x02     /* the token alone (AppSync) */


typedef struct cognito_token_s   cognito_token_t;   /* opaque */


/* what the claims must satisfy; all strings are NUL-terminated */
typedef struct {
    const char        **issuers;     /* accepted iss values */
    size_t              nissuers;
    const char        **clients;     /* accepted app client ids; 0: any */
    size_t              nclients;
    unsigned            token_use;   /* COGNITO_USE_* mask */
    time_t              leeway;      /* seconds */
} cognito_rules_t;


/*
 * Splits a compact JWS, checks its base64url, parses and checks the header
 * (alg on the allowlist, no "none", no HMAC, no crit, a string kid).  The
 * signature is decoded when it is verified, and the payload is not parsed:
 * see cognito_token_read_payload().  The token keeps pointers into jwt[]
 * (its signing input and signature): the caller keeps that memory alive
 * until cognito_token_detach() or cognito_token_free().  All the token
 * holds is in one arena (one malloc()).  On failure *out is NULL.
 */
int cognito_token_parse(const char *jwt, size_t len, unsigned algs,
    cognito_token_t **out, cognito_err_t *err);

/*
 * A token whose signature checked out before (the bytes of the
 * verified-token cache's shared zone): every check of
 * cognito_token_parse() (the header's alg against algs included), then
 * the payload's as cognito_token_read_payload(), but its signature is
 * neither decoded nor kept.  The token comes back detached
 * (cognito_token_detach()): it does not point into jwt[], and
 * cognito_token_verify() fails on it.  On failure *out is NULL.
 */
int cognito_token_parse_verified(const char *jwt, size_t len, unsigned algs,
    cognito_token_t **out, cognito_err_t *err);

/*
 * Parses the payload (a JSON object: no duplicate keys, no deeper than
 * 16, strings of valid UTF-8 without U+0000, numbers within a double's
 * range), once: COGNITO_OK when it is read, else COGNITO_ERR_PAYLOAD_JSON
 * or COGNITO_ERR_NOMEM.  Called after cognito_token_verify() succeeds, so
 * that a forged token never costs a payload parse, or before it when the
 * payload picks the keys (a location's pool chosen by "iss").  Until it
 * succeeds, the token has no claims: the accessors find none and
 * cognito_token_check_claims() fails.  A detached token cannot read it.
 */
int cognito_token_read_payload(cognito_token_t *tok, cognito_err_t *err);

/*
 * The shape of a token in text that may hold one: 3 for the base64url
 * alphabet with two dots (a compact JWS), 5 with four dots (a compact JWE,
 * which cognito_token_parse() refuses as such), else 0.
 */
int cognito_token_shape(const char *s, size_t len);

/*
 * The token in an Authorization value.  With COGNITO_SCHEME_BEARER:
 * "Bearer" (in any case), spaces, the token, optional spaces and tabs.
 * With COGNITO_SCHEME_BARE: the whole value, if it has a token's shape
 * (cognito_token_shape()); anything else ("Basic ...") holds no token.
 * Returns 1 with *token and *tlen (pointing into value), or 0.
 */
int cognito_authorization_token(const char *value, size_t len,
    unsigned schemes, const char **token, size_t *tlen);

/*
 * AppSync real-time: the WebSocket handshake's "header" query parameter
 * (URL-decoded) is base64 of a JSON object whose "Authorization" string
 * member holds the token, bare or Bearer.  Returns the token's length,
 * the token copied into buf if it fits in size (len bytes always do), or
 * -1: longer than COGNITO_APPSYNC_MAX_LEN, not base64, not a JSON object
 * (duplicate members refused), no such member, or no token in it.
 */
long cognito_appsync_header_token(const char *b64, size_t len, char *buf,
    size_t size);

/* drops a reference; the last one frees the token, its arena whole */
void cognito_token_free(cognito_token_t *tok);

/* takes another reference: a subrequest's verdict, a cache of tokens */
cognito_token_t *cognito_token_ref(cognito_token_t *tok);

/*
 * Lets go of jwt[]: a token whose signature checked out may then outlive
 * the text it was parsed from, as a cache's tokens outlive their requests.
 * Its header and claims stay readable; cognito_token_verify() fails with
 * COGNITO_ERR_INTERNAL, rather than read memory the caller may have
 * freed.  NULL is let through.
 */
void cognito_token_detach(cognito_token_t *tok);

/*
 * SHA-256 of a token, the key of the verified-token cache.  A digester
 * fetches the algorithm once and reuses its context: one per worker.
 */
typedef struct cognito_digest_s  cognito_digest_t;

cognito_digest_t *cognito_digest_new(void);
void cognito_digest_free(cognito_digest_t *d);
int cognito_digest(cognito_digest_t *d, const char *data, size_t len,
    unsigned char out[COGNITO_DIGEST_LEN]);

/* the header's alg as a COGNITO_ALG_* bit */
unsigned cognito_token_alg(const cognito_token_t *tok);

/* payload "iss" or NULL when absent or not a string */
const char *cognito_token_iss(const cognito_token_t *tok);

/*
 * verifies the signature with the keyset's key named by the token's kid;
 * the keyset hashes in its own scratch context (cognito_keyset_verify());
 * a detached token is an internal error
 */
int cognito_token_verify(const cognito_token_t *tok, cognito_keyset_t *ks,
    cognito_err_t *err);

/*
 * Cognito claim rules: iss, token_use, exp and nbf with leeway (JSON
 * numbers, compared as numbers; exp required), iat a number, sub, jti
 * and scope strings, aud a string or an array of strings, then the app
 * client: an id token's aud, an access token's client_id, each a string.
 * now is in seconds since the epoch, with its fraction (milliseconds).
 */
int cognito_token_check_claims(const cognito_token_t *tok,
    const cognito_rules_t *rules, double now, cognito_err_t *err);

/*
 * cognito_token_check_claims() for a token checked again and again (a
 * cache hit), with the same verdict for every now.  key names the rules
 * for the caller, who promises that one key always means the same
 * issuers, clients and leeway (the glue passes its pool, which does not
 * change in a worker's life); the token remembers the last key and
 * token_use whose rules it passed, with its exp and nbf, and for those
 * only exp and nbf are compared with now again, by the same comparisons
 * (nothing else a check reads changes with time).  A key of NULL
 * remembers nothing.
 */
int cognito_token_check_claims_memo(cognito_token_t *tok, const void *key,
    const cognito_rules_t *rules, double now, cognito_err_t *err);

/*
 * "exp" of a token whose claims checked out, rounded down to a second (a
 * whole second before it, the token is valid for all of that second) and
 * capped far in the future; 0 when absent or not positive
 */
time_t cognito_token_exp(const cognito_token_t *tok);

/*
 * Typed claim accessors, so that no caller renders a claim to text to read
 * it back: each returns 1 and the value, 0 when the claim is absent, -1
 * when it has another JSON type.
 *
 * A number (a NumericDate such as "iat" included), integer or real.
 */
int cognito_token_claim_number(const cognito_token_t *tok,
    const char *claim, double *value);

/*
 * A string: *s (NUL-terminated; it holds no NUL, since the payload's text
 * may hold no "\u0000") and *len, valid while tok lives.
 */
int cognito_token_claim_string(const cognito_token_t *tok,
    const char *claim, const char **s, size_t *len);

/*
 * Renders a claim, found by a path of object keys, as text into buf:
 * strings as they are, integers in decimal, true/false, arrays of scalars
 * joined by sep (e.g. ","), anything else as compact JSON.  Returns the
 * full length (which may exceed size; then call again with a larger
 * buffer), or -1 when the claim is absent or null.  buf is not
 * NUL-terminated.
 */
long cognito_token_claim(const cognito_token_t *tok, const char **path,
    size_t npath, const char *sep, char *buf, size_t size);

/* the form a list claim must have to name anything */
#define COGNITO_CLAIM_ARRAY        1   /* array of strings: cognito:groups */
#define COGNITO_CLAIM_WORDS        2   /* space-separated words: scope */

/*
 * Membership: name is an element of the claim when it is an array of
 * strings (COGNITO_CLAIM_ARRAY; any other JSON type holds no names), or
 * one of its space-separated words when it is a string
 * (COGNITO_CLAIM_WORDS, RFC 6749, section 3.3; an array is no list).
 */
int cognito_token_claim_has(const cognito_token_t *tok, const char *claim,
    unsigned form, const char *name, size_t len);

/*
 * A claim that is an array of strings, joined by sep, as
 * cognito_token_claim() renders it; -1 when absent or of any other type.
 */
long cognito_token_claim_list(const cognito_token_t *tok, const char *claim,
    const char *sep, char *buf, size_t size);

/*
 * The i-th element of a claim that is an array of strings: 1 and *s, *len
 * (valid while tok lives, not NUL-terminated), or 0 past the end or when
 * the claim is absent or of any other type.
 */
int cognito_token_claim_item(const cognito_token_t *tok, const char *claim,
    size_t i, const char **s, size_t *len);


/*
 * Typed claim rules (cognito_auth_require claim=path op value ...), built
 * once from configuration and evaluated on a token's claims.
 */
#define COGNITO_OP_EQ              1    /* one value */
#define COGNITO_OP_NE              2    /* one value */
#define COGNITO_OP_IN              3    /* one of the values */
#define COGNITO_OP_ANY             4    /* an array or words: any value */
#define COGNITO_OP_ALL             5    /* an array or words: all values */
#define COGNITO_OP_LT              6    /* numbers, one value */
#define COGNITO_OP_LE              7
#define COGNITO_OP_GT              8
#define COGNITO_OP_GE              9
#define COGNITO_OP_EXISTS          10   /* no value */

typedef struct {
    const char         *s;           /* NUL-terminated */
    size_t              len;
    double              num;         /* when isnum */
    unsigned            isnum;       /* s is a JSON number */
} cognito_rule_value_t;

typedef struct {
    const char        **path;        /* object keys, outermost first */
    size_t              npath;
    unsigned            op;          /* COGNITO_OP_* */
    unsigned            words;       /* a string claim is space-separated
                                        words (scope) */
    cognito_rule_value_t *values;
    size_t              nvalues;
} cognito_rule_t;

/* an operator's name ("eq", ...) as COGNITO_OP_*, or 0 */
unsigned cognito_rule_op(const char *name);

/* a value as written in the rule: its text, and its number if it is one */
void cognito_rule_value(cognito_rule_value_t *v, const char *s, size_t len);

/*
 * 1 when the token's claims satisfy the rule, 0 when they do not (the
 * claim absent or null included), -1 when the claim's JSON type does not
 * fit the operator or its values (a string compared as a number, an
 * array with eq, words where the claim is not defined as words): such a
 * rule fails closed, with its own reason.
 */
int cognito_token_rule(const cognito_token_t *tok, const cognito_rule_t *rule);


#endif /* _COGNITO_JWT_H_INCLUDED_ */
