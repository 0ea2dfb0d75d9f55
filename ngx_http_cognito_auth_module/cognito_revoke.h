
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Revocation lists for the pure-C core: no nginx headers.
 */


#ifndef _COGNITO_REVOKE_H_INCLUDED_
#define _COGNITO_REVOKE_H_INCLUDED_


#include "cognito_jwt.h"


#define COGNITO_REVOCATION_MAX_LEN  (16 * 1024 * 1024)


typedef struct cognito_revocation_s  cognito_revocation_t;   /* opaque */


/*
 * Loads a revocation list:
 *
 *   {
 *     "jti":        ["<jti>", ...],          revoked tokens
 *     "origin_jti": ["<origin_jti>", ...],   every token of a refresh token
 *                                            (Cognito's RevokeToken)
 *     "sub":        {"<sub>": <epoch>, ...}  tokens of that user issued
 *                                            before then (global sign-out)
 *   }
 *
 * Every member is optional; unknown members are refused.  A list that is
 * too large or not of this form fails with COGNITO_ERR_REVOCATION_JSON.
 */
int cognito_revocation_load(const char *json, size_t len,
    cognito_revocation_t **out, cognito_err_t *err);

void cognito_revocation_free(cognito_revocation_t *rl);

size_t cognito_revocation_count(const cognito_revocation_t *rl);

/*
 * 1 when json (len bytes) is the text rl was loaded from (same SHA-256),
 * else 0 (also when rl is NULL or the digest fails): the caller reloads.
 */
int cognito_revocation_same(const cognito_revocation_t *rl, const char *json,
    size_t len);

/*
 * COGNITO_OK, or COGNITO_ERR_REVOKED when the list revokes the token:
 * its "jti" or "origin_jti" string is listed, or its "sub" string is, and
 * its "iat" is absent or earlier than the listed epoch
 */
int cognito_revocation_check(const cognito_revocation_t *rl,
    const cognito_token_t *tok, cognito_err_t *err);


#endif /* _COGNITO_REVOKE_H_INCLUDED_ */
