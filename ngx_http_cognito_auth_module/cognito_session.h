
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Browser sign-in, the pure part: the session key file (a current key and
 * previous keys), sealing and opening with JWE (dir + A256GCM, cjose),
 * the login state (state, nonce, PKCE verifier, original URL) and its
 * S256 challenge, cookies split into chunks with a cap, and the check
 * that a URL to return to is a same-site relative path.
 * cognito_session.c calls only cognito_util.c.
 */


#ifndef _COGNITO_SESSION_H_INCLUDED_
#define _COGNITO_SESSION_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


#define COGNITO_SESSION_KEY_LEN     32       /* A256GCM */
#define COGNITO_SESSION_MAX_KEYS    8        /* in one key file */
#define COGNITO_SESSION_KID_LEN     8        /* base64url of 6 bytes */

#define COGNITO_CHUNK_LEN           3800     /* a cookie value's bytes */
#define COGNITO_CHUNKS_MAX          6        /* cookies of one value */
#define COGNITO_SEALED_MAX          (COGNITO_CHUNK_LEN * COGNITO_CHUNKS_MAX)

#define COGNITO_RANDOM_LEN          32       /* state and nonce */
#define COGNITO_VERIFIER_LEN        64       /* RFC 7636: 43..128 */
#define COGNITO_CHALLENGE_LEN       43       /* base64url of SHA-256 */
#define COGNITO_URL_MAX             2048     /* the URL to return to */


typedef enum {
    COGNITO_SESSION_OK = 0,
    COGNITO_SESSION_MISSING,       /* no cookie */
    COGNITO_SESSION_MALFORMED,     /* not a JWE of ours, or bad chunks */
    COGNITO_SESSION_TOO_MANY,      /* more chunks than the cap */
    COGNITO_SESSION_UNKNOWN_KEY,   /* kid of no key in the key file */
    COGNITO_SESSION_DECRYPT,       /* tampered, truncated, re-ordered */
    COGNITO_SESSION_CONTENT,       /* decrypted, but not what we seal */
    COGNITO_SESSION_EXPIRED,
    COGNITO_SESSION_NOMEM,
    COGNITO_SESSION_INTERNAL
} cognito_session_e;


typedef struct cognito_session_keys_s  cognito_session_keys_t;


/* what the login redirect remembers for the callback (the state cookie) */
typedef struct {
    char                state[COGNITO_RANDOM_LEN + 1];
    char                nonce[COGNITO_RANDOM_LEN + 1];
    char                verifier[COGNITO_VERIFIER_LEN + 1];
    char                url[COGNITO_URL_MAX + 1];  /* a safe path */
    int64_t             exp;
} cognito_login_t;


/* a cookie's chunks, collected over all of a request's Cookie lines */
typedef struct {
    const char         *name;
    size_t              name_len;
    const char         *value[COGNITO_CHUNKS_MAX];
    size_t              len[COGNITO_CHUNKS_MAX];
    unsigned            seen;       /* bit i: name_i was sent */
    unsigned            too_many;   /* name_N with N >= the cap */
    unsigned            twice;      /* one chunk sent twice */
} cognito_chunks_t;


/* what a sign-in session holds (the session cookie, sealed) */
typedef struct {
    char               *id_token;       /* malloc()ed, NUL-terminated */
    char               *access_token;
    char               *refresh_token;  /* NULL: none */
    int64_t             created;        /* when signed in */
    int64_t             expires;        /* the session's end, at the most */
} cognito_tokens_t;


/* a short static description of a cognito_session_e */
const char *cognito_session_msg(cognito_session_e rc);

/*
 * The key file: lines of base64url keys of 32 bytes (43 characters), the
 * first one seals, all of them open; blank lines and "#" comments are
 * skipped.  *msg says what is wrong on failure.
 */
cognito_session_e cognito_session_keys_load(const char *data, size_t len,
    cognito_session_keys_t **keys, const char **msg);
void cognito_session_keys_free(cognito_session_keys_t *keys);
size_t cognito_session_keys_count(const cognito_session_keys_t *keys);

/*
 * Seals bytes into a compact JWE under the current key, and opens one
 * sealed under any key of the file.  Results are malloc()ed, freed with
 * cognito_session_free().
 */
cognito_session_e cognito_session_seal(const cognito_session_keys_t *keys,
    const uint8_t *data, size_t len, char **out, size_t *out_len);
cognito_session_e cognito_session_open(const cognito_session_keys_t *keys,
    const char *in, size_t len, uint8_t **out, size_t *out_len);
void cognito_session_free(void *p);

/*
 * The login state: a fresh one (random state, nonce and verifier, the URL
 * when it is safe, else "/"), sealed and opened; opening checks exp
 * against now and the fields' shapes.
 */
cognito_session_e cognito_login_new(cognito_login_t *login, const char *url,
    size_t url_len, int64_t exp);
cognito_session_e cognito_login_seal(const cognito_session_keys_t *keys,
    const cognito_login_t *login, char **out, size_t *out_len);
cognito_session_e cognito_login_open(const cognito_session_keys_t *keys,
    const char *in, size_t len, int64_t now, cognito_login_t *login);

/*
 * The token endpoint's JSON answer: id_token and access_token required,
 * refresh_token optional, token_type Bearer; every value a token-shaped
 * string.  On COGNITO_SESSION_CONTENT, *error is the answer's "error"
 * when it is a short token of letters, digits and '_' (else "").
 */
cognito_session_e cognito_tokens_parse(const char *json, size_t len,
    cognito_tokens_t *t, char error[64]);
void cognito_tokens_clear(cognito_tokens_t *t);

/* a copy of rt as t's refresh token (a refresh answer without one) */
cognito_session_e cognito_tokens_set_refresh(cognito_tokens_t *t,
    const char *rt, size_t len);

/* the session, sealed; opening checks expires against now */
cognito_session_e cognito_tokens_seal(const cognito_session_keys_t *keys,
    const cognito_tokens_t *t, char **out, size_t *out_len);
cognito_session_e cognito_tokens_open(const cognito_session_keys_t *keys,
    const char *in, size_t len, int64_t now, cognito_tokens_t *t);

/*
 * A plain cookie of that name in one Cookie line: 0 none, 1 found (*value
 * set), 2 found more than once (in this line or, with *value already
 * set, an earlier one)
 */
int cognito_cookie_value(const char *line, size_t len, const char *name,
    size_t name_len, const char **value, size_t *value_len);

/* constant-time equality of two byte strings */
int cognito_same(const char *a, size_t alen, const char *b, size_t blen);

/* S256: base64url(SHA-256(verifier)), 43 characters and a NUL */
int cognito_pkce_challenge(const char *verifier,
    char out[COGNITO_CHALLENGE_LEN + 1]);

/* len random letters and digits and a NUL; 0 when RAND_bytes fails */
int cognito_random_alnum(char *out, size_t len);

/*
 * A URL safe to redirect to after sign-in: a path on this site ("/..."),
 * no scheme, no authority ("//", "/\", also percent-encoded), only
 * visible ASCII
 */
int cognito_safe_redirect(const char *url, size_t len);

/* chunk collection: init, then scan every Cookie header line, then join */
void cognito_chunks_init(cognito_chunks_t *c, const char *name,
    size_t name_len);
void cognito_chunks_scan(cognito_chunks_t *c, const char *line, size_t len);

/* the chunks in order into out (COGNITO_SEALED_MAX bytes at least) */
cognito_session_e cognito_chunks_join(const cognito_chunks_t *c, char *out,
    size_t *out_len);

/* how many chunks a sealed value of len bytes takes: 0 when too many */
size_t cognito_chunks_count(size_t len);


#endif /* _COGNITO_SESSION_H_INCLUDED_ */
