
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * JWKS loading for the pure-C core: no nginx headers.
 */


#ifndef _COGNITO_JWKS_H_INCLUDED_
#define _COGNITO_JWKS_H_INCLUDED_


#include "cognito_jwt.h"


/*
 * Loads a JWKS document.  Keeps RSA signing keys with a non-empty kid and
 * usable n/e (others are skipped; *skipped counts them), parsed once into
 * ready-to-use key objects.  Fails when no key is usable.
 */
int cognito_keyset_load(const char *json, size_t len,
    cognito_keyset_t **out, size_t *skipped, cognito_err_t *err);

void cognito_keyset_free(cognito_keyset_t *ks);

size_t cognito_keyset_count(const cognito_keyset_t *ks);

int cognito_keyset_has_kid(const cognito_keyset_t *ks, const char *kid);


#endif /* _COGNITO_JWKS_H_INCLUDED_ */
