
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Private to cognito_jwt.c and cognito_jwks.c: the keyset layout, key
 * lookup and the error helper.  Nothing outside the core includes this.
 */


#ifndef _COGNITO_INTERNAL_H_INCLUDED_
#define _COGNITO_INTERNAL_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "cognito_jwt.h"
#include "cognito_jwks.h"


/* sets *err (when err is not NULL) and evaluates to the code */
#define cognito_error(err, c, m)                                              \
    cognito_set_error(err, c, m, __FILE__, __LINE__)


typedef struct {
    char               *kid;         /* NUL-terminated, own copy */
    size_t              kid_len;
    unsigned            alg;         /* COGNITO_ALG_*, 0: any RS* */
    EVP_PKEY           *pkey;        /* built once at load */
    EVP_PKEY_CTX       *vctx[3];     /* verify contexts, PKCS#1 v1.5 with
                                        SHA-256/384/512 set once; NULL for
                                        an algorithm the key's "alg" rules
                                        out */
} cognito_key_t;


struct cognito_keyset_s {
    cognito_key_t      *keys;
    size_t              nkeys;
    EVP_MD             *md[3];       /* SHA-256/384/512, fetched once */
    EVP_MD_CTX         *mctx;        /* scratch for hashing: a keyset is
                                        used by one thread at a time */
};


int cognito_set_error(cognito_err_t *err, cognito_code_e code,
    const char *msg, const char *file, int line);

const cognito_key_t *cognito_keyset_find(const cognito_keyset_t *ks,
    const char *kid, size_t len);

int cognito_b64url_valid(const char *p, size_t len);

unsigned cognito_alg_bit(const char *alg, size_t len);


#endif /* _COGNITO_INTERNAL_H_INCLUDED_ */
