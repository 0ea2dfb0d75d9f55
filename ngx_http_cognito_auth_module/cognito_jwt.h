
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * The pure-C verification core: no nginx headers, no logging, no globals.
 * Only cognito_jwt.c and cognito_jwks.c see jansson, cjose and OpenSSL;
 * callers hold opaque handles.
 */


#ifndef _COGNITO_JWT_H_INCLUDED_
#define _COGNITO_JWT_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <time.h>


/* hard limits */
#define COGNITO_TOKEN_MAX_LEN      8192     /* whole compact JWS, bytes */
#define COGNITO_KID_MAX_LEN        256
#define COGNITO_JSON_MAX_DEPTH     16       /* header and payload */
#define COGNITO_JWKS_MAX_LEN       (256 * 1024)
#define COGNITO_JWKS_MAX_KEYS      64
#define COGNITO_RSA_MIN_BITS       2048
#define COGNITO_RSA_MAX_BITS       8192
#define COGNITO_DIGEST_LEN         32       /* SHA-256 */


/* allowed signature algorithms, a bit mask */
#define COGNITO_ALG_RS256          0x01
#define COGNITO_ALG_RS384          0x02
#define COGNITO_ALG_RS512          0x04


/* token_use, a bit mask */
#define COGNITO_USE_ID             0x01
#define COGNITO_USE_ACCESS         0x02
#define COGNITO_USE_ANY            (COGNITO_USE_ID|COGNITO_USE_ACCESS)


/*
 * Every rejection has its own code.  cognito_code_name() gives a stable
 * snake_case name (used for $cognito_error and metrics), and the error's
 * msg a short human string (logs and RFC 6750 error_description).
 * Neither ever contains token text.
 */
typedef enum {
    COGNITO_OK = 0,
    COGNITO_ERR_TOKEN_MISSING,       /* no token in the request (glue) */
    COGNITO_ERR_TOKEN_TOO_LONG,
    COGNITO_ERR_TOKEN_MALFORMED,     /* not three non-empty segments */
    COGNITO_ERR_TOKEN_JWE,           /* five segments: encrypted token */
    COGNITO_ERR_BASE64,              /* bad or non-canonical base64url */
    COGNITO_ERR_HEADER_JSON,         /* header is not a JSON object */
    COGNITO_ERR_PAYLOAD_JSON,        /* payload is not a JSON object */
    COGNITO_ERR_ALG_MISSING,
    COGNITO_ERR_ALG_NONE,
    COGNITO_ERR_ALG_HMAC,
    COGNITO_ERR_ALG_NOT_ALLOWED,
    COGNITO_ERR_CRIT,                /* crit header present */
    COGNITO_ERR_KID_MISSING,         /* no kid, or not a non-empty string */
    COGNITO_ERR_KID_UNKNOWN,         /* no key with that kid */
    COGNITO_ERR_KEY_MISMATCH,        /* JWK kty/use/alg unfit for token */
    COGNITO_ERR_SIGNATURE,
    COGNITO_ERR_CLAIM_TYPE,          /* a claim has the wrong JSON type */
    COGNITO_ERR_EXP_MISSING,
    COGNITO_ERR_EXPIRED,
    COGNITO_ERR_NOT_YET_VALID,       /* nbf in the future */
    COGNITO_ERR_IAT_FUTURE,          /* no longer produced: iat is
                                        informational; kept so that the
                                        codes (shm counter slots) and
                                        names stay put */
    COGNITO_ERR_ISSUER,
    COGNITO_ERR_TOKEN_USE,
    COGNITO_ERR_CLIENT,              /* aud / client_id not allowed */
    COGNITO_ERR_REVOKED,             /* on a revocation list */
    COGNITO_ERR_JWKS_JSON,           /* JWKS document unusable */
    COGNITO_ERR_JWKS_NO_KEYS,        /* JWKS has no usable RSA key */
    COGNITO_ERR_NOMEM,
    COGNITO_ERR_INTERNAL,

    COGNITO_ERR_LAST
} cognito_code_e;


typedef struct {
    cognito_code_e      code;
    const char         *msg;         /* static string */
    const char         *file;
    int                 line;
} cognito_err_t;


typedef struct cognito_token_s   cognito_token_t;   /* opaque */
typedef struct cognito_keyset_s  cognito_keyset_t;  /* opaque */


/* what the claims must satisfy; all strings are NUL-terminated */
typedef struct {
    const char        **issuers;     /* accepted iss values */
    size_t              nissuers;
    const char        **clients;     /* accepted app client ids; 0: any */
    size_t              nclients;
    unsigned            token_use;   /* COGNITO_USE_* mask */
    time_t              leeway;      /* seconds */
} cognito_rules_t;


const char *cognito_code_name(cognito_code_e code);


/*
 * Splits, decodes and parses a compact JWS; checks the header (alg on the
 * allowlist, no "none", no HMAC, no crit, a string kid) before any key is
 * touched.  The token keeps pointers into jwt[]: the caller keeps that
 * memory alive until cognito_token_free().  On failure *out is NULL.
 */
int cognito_token_parse(const char *jwt, size_t len, unsigned algs,
    cognito_token_t **out, cognito_err_t *err);

/* drops a reference; the last one frees the token */
void cognito_token_free(cognito_token_t *tok);

/*
 * Takes another reference, for a cache of verified tokens.  Only claims may
 * be read through it: the token's signing input still points into the
 * original jwt[], so a referenced token is never verified again.
 */
cognito_token_t *cognito_token_ref(cognito_token_t *tok);

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

/* header fields, valid while tok lives; never NULL after a good parse */
const char *cognito_token_kid(const cognito_token_t *tok);
/* payload "iss" or NULL when absent or not a string */
const char *cognito_token_iss(const cognito_token_t *tok);

/* verifies the signature with the keyset's key named by the token's kid */
int cognito_token_verify(const cognito_token_t *tok,
    const cognito_keyset_t *ks, cognito_err_t *err);

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
 * "exp" of a token whose claims checked out, rounded down to a second (a
 * whole second before it, the token is valid for all of that second) and
 * capped far in the future; 0 when absent or not positive
 */
time_t cognito_token_exp(const cognito_token_t *tok);

/* a NumericDate claim ("iat"): 1 and *value, 0 absent, -1 not a number */
int cognito_token_date(const cognito_token_t *tok, const char *name,
    double *value);

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


#endif /* _COGNITO_JWT_H_INCLUDED_ */
