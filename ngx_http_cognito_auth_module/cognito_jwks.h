
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * JWKS loading for the pure-C core: no nginx headers.  A keyset owns the
 * keys and the one operation that uses them, signature verification.
 */


#ifndef _COGNITO_JWKS_H_INCLUDED_
#define _COGNITO_JWKS_H_INCLUDED_


#include "cognito_util.h"


#define COGNITO_JWKS_MAX_LEN       (256 * 1024)
#define COGNITO_JWKS_MAX_KEYS      64
#define COGNITO_RSA_MIN_BITS       2048
#define COGNITO_RSA_MAX_BITS       8192


typedef struct cognito_keyset_s  cognito_keyset_t;  /* opaque */


/*
 * Loads a JWKS document.  Keeps RSA signing keys with a non-empty kid and
 * usable n/e (others are skipped; *skipped counts them), parsed once into
 * ready-to-use key objects.  Fails when no key is usable.
 */
int cognito_keyset_load(const char *json, size_t len,
    cognito_keyset_t **out, size_t *skipped, cognito_err_t *err);

void cognito_keyset_free(cognito_keyset_t *ks);

size_t cognito_keyset_count(const cognito_keyset_t *ks);

/*
 * Verifies an RSASSA-PKCS1-v1_5 signature of input with the key named
 * kid, for alg (one COGNITO_ALG_* bit).  The keyset is not const: it
 * hashes in its own scratch context, so one thread uses it at a time.
 */
int cognito_keyset_verify(cognito_keyset_t *ks, const char *kid,
    size_t kid_len, unsigned alg, const char *input, size_t input_len,
    const uint8_t *sig, size_t sig_len, cognito_err_t *err);


#endif /* _COGNITO_JWKS_H_INCLUDED_ */
