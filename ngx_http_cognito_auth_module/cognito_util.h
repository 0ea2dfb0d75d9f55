
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * What the core files share: the rejection codes and the error struct,
 * the signature algorithm bits, base64 (with cjose's decoder, and one
 * into a caller's buffer), and the arena a token's memory is carved from.
 * cognito_util.c calls no other core file.
 */


#ifndef _COGNITO_UTIL_H_INCLUDED_
#define _COGNITO_UTIL_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


#define COGNITO_KID_MAX_LEN        256      /* token header and JWK */


/* allowed signature algorithms, a bit mask */
#define COGNITO_ALG_RS256          0x01
#define COGNITO_ALG_RS384          0x02
#define COGNITO_ALG_RS512          0x04


/*
 * Every rejection has its own code.  cognito_code_name() gives a stable
 * snake_case name (used for $cognito_error and metrics), and the error's
 * msg a short human string (logs and RFC 6750 error_description).
 * Neither ever contains token text.  Codes are appended, never renumbered:
 * the metrics counters are indexed by code.
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
    COGNITO_ERR_REVOCATION_JSON,     /* revocation list unusable */

    COGNITO_ERR_LAST
} cognito_code_e;


typedef struct {
    cognito_code_e      code;
    const char         *msg;         /* static string */
    const char         *file;
    int                 line;
} cognito_err_t;


/* sets *err (when err is not NULL) and evaluates to the code */
#define cognito_error(err, c, m)                                              \
    cognito_set_error(err, c, m, __FILE__, __LINE__)


const char *cognito_code_name(cognito_code_e code);

int cognito_set_error(cognito_err_t *err, cognito_code_e code,
    const char *msg, const char *file, int line);

/* "RS256", "RS384", "RS512" as a COGNITO_ALG_* bit, anything else 0 */
unsigned cognito_alg_bit(const char *alg, size_t len);


/*
 * base64url (RFC 4648, section 5), unpadded.  The class of a byte: 1 for
 * the alphabet (A-Z a-z 0-9 - _), 2 for the dot of a compact JWS, else 0.
 */
extern const unsigned char  cognito_b64url_class[256];

/* the alphabet only, and a length that can encode whole bytes */
int cognito_b64url_valid(const char *p, size_t len);

/*
 * The unused low bits of the last character are zero, so that a value
 * has one encoding (the caller has checked the alphabet and the length)
 */
int cognito_b64url_canonical(const char *p, size_t len);

/*
 * Decodes into a new buffer, freed with cognito_b64url_free(): COGNITO_OK,
 * COGNITO_ERR_NOMEM or COGNITO_ERR_BASE64
 */
int cognito_b64url_decode(const char *p, size_t len, uint8_t **out,
    size_t *n);

void cognito_b64url_free(uint8_t *p);

/*
 * Decodes base64url into out, which holds COGNITO_B64URL_DECODED(len)
 * bytes, without an allocation, by OpenSSL's EVP_DecodeBlock() (on chunks
 * of COGNITO_B64_CHUNK characters mapped to base64's alphabet): COGNITO_OK
 * and *n, or COGNITO_ERR_BASE64 for a character outside the alphabet or a
 * length that encodes no whole bytes.  The same bytes as
 * cognito_b64url_decode() (cjose's) for the canonical text of tokens.
 */
#define COGNITO_B64URL_DECODED(len)  (((len) + 3) / 4 * 3)
#define COGNITO_B64_CHUNK            1024     /* a multiple of 4 */

int cognito_b64url_decode_to(const char *p, size_t len, uint8_t *out,
    size_t *n);

/*
 * base64 as clients send it outside tokens (AppSync's "header" query
 * parameter): the standard alphabet (RFC 4648, section 4) or base64url,
 * padded or not.  Decodes into a new buffer, freed with
 * cognito_b64url_free(): COGNITO_OK, COGNITO_ERR_NOMEM or
 * COGNITO_ERR_BASE64 (also for an empty value).
 */
int cognito_b64_decode(const char *p, size_t len, uint8_t **out, size_t *n);


/*
 * An arena: one malloc()ed block that allocations are carved from by
 * moving a pointer, and freed whole with cognito_arena_free(); never an
 * allocation freed alone.  When the block is full, another is chained
 * (at least as large as the last, and never smaller than what is asked),
 * so any size fits; one is rare when the first block is sized for what it
 * will hold.  A mark taken with cognito_arena_mark() lets
 * cognito_arena_release() give back all that was carved after it (chained
 * blocks freed).  Allocations are aligned for any of the core's types
 * (pointers, doubles, 64-bit integers).  Under AddressSanitizer every
 * allocation is followed by a poisoned gap and the unused rest of a block
 * is poisoned, so that an overrun is still caught in one block.
 */
typedef struct cognito_arena_s  cognito_arena_t;

typedef struct {
    void               *block;
    char               *top;
} cognito_arena_mark_t;

/* size bytes for allocations, in one malloc(); NULL when out of memory */
cognito_arena_t *cognito_arena_new(size_t size);

/* n bytes, or NULL when out of memory */
void *cognito_arena_alloc(cognito_arena_t *a, size_t n);

/* 1 when p was carved from a's blocks */
int cognito_arena_owns(const cognito_arena_t *a, const void *p);

void cognito_arena_mark(cognito_arena_t *a, cognito_arena_mark_t *m);
void cognito_arena_release(cognito_arena_t *a, const cognito_arena_mark_t *m);

/* the bytes a holds from malloc(): its blocks, headers included */
size_t cognito_arena_size(const cognito_arena_t *a);

/* frees every block; NULL is let through */
void cognito_arena_free(cognito_arena_t *a);


#endif /* _COGNITO_UTIL_H_INCLUDED_ */
