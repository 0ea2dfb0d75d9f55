
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Revocation lists: jti, origin_jti and sub-issued-before entries, held in
 * jansson objects used as hash sets.  Claims are read through the token's
 * typed accessors only.
 */


#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "cognito_revoke.h"


#define COGNITO_REVOKE_DIGEST     32              /* SHA-256 */


struct cognito_revocation_s {
    json_t             *jti;         /* object: jti -> true */
    json_t             *origin_jti;  /* object: origin_jti -> true */
    json_t             *sub;         /* object: sub -> issued-before epoch */
    size_t              count;
    unsigned char       digest[COGNITO_REVOKE_DIGEST];  /* of the source */
};


static int cognito_revocation_set(json_t *list, json_t **set,
    size_t *count);
static int cognito_revocation_sub(json_t *v, size_t *count);
static int cognito_revocation_has(json_t *set, const cognito_token_t *tok,
    const char *claim);
static int cognito_revocation_digest(const char *json, size_t len,
    unsigned char *md);


int
cognito_revocation_load(const char *json, size_t len,
    cognito_revocation_t **out, cognito_err_t *err)
{
    json_t                *root, *v;
    const char            *key;
    json_error_t           jerr;
    cognito_revocation_t  *rl;

    *out = NULL;

    if (len > COGNITO_REVOCATION_MAX_LEN) {
        return cognito_error(err, COGNITO_ERR_REVOCATION_JSON,
                             "revocation list too large");
    }

    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);

    if (root == NULL || !json_is_object(root)) {
        json_decref(root);
        return cognito_error(err, COGNITO_ERR_REVOCATION_JSON,
                             "revocation list is not a JSON object");
    }

    rl = calloc(1, sizeof(cognito_revocation_t));
    if (rl == NULL) {
        json_decref(root);
        return cognito_error(err, COGNITO_ERR_NOMEM, "out of memory");
    }

    json_object_foreach(root, key, v) {

        if (strcmp(key, "jti") == 0) {
            if (cognito_revocation_set(v, &rl->jti, &rl->count)
                != COGNITO_OK)
            {
                goto invalid;
            }

        } else if (strcmp(key, "origin_jti") == 0) {
            if (cognito_revocation_set(v, &rl->origin_jti, &rl->count)
                != COGNITO_OK)
            {
                goto invalid;
            }

        } else if (strcmp(key, "sub") == 0) {
            if (cognito_revocation_sub(v, &rl->count) != COGNITO_OK) {
                goto invalid;
            }

            rl->sub = json_incref(v);

        } else {
            goto invalid;
        }
    }

    json_decref(root);

    if (cognito_revocation_digest(json, len, rl->digest) != COGNITO_OK) {
        cognito_revocation_free(rl);
        return cognito_error(err, COGNITO_ERR_INTERNAL,
                             "revocation list: SHA-256 failed");
    }

    *out = rl;

    return cognito_error(err, COGNITO_OK, "ok");

invalid:

    json_decref(root);
    cognito_revocation_free(rl);

    return cognito_error(err, COGNITO_ERR_REVOCATION_JSON,
                         "revocation list: \"jti\" and \"origin_jti\" must "
                         "be arrays of strings, \"sub\" an object of "
                         "epoch seconds");
}


static int
cognito_revocation_set(json_t *list, json_t **set, size_t *count)
{
    size_t   i;
    json_t  *v;

    if (!json_is_array(list) || *set != NULL) {
        return COGNITO_ERR_REVOCATION_JSON;
    }

    *set = json_object();
    if (*set == NULL) {
        return COGNITO_ERR_NOMEM;
    }

    json_array_foreach(list, i, v) {
        if (!json_is_string(v)
            || json_object_set_new(*set, json_string_value(v), json_true())
               != 0)
        {
            return COGNITO_ERR_REVOCATION_JSON;
        }

        (*count)++;
    }

    return COGNITO_OK;
}


/* "sub": an object of epoch seconds, each an integer >= 0 */

static int
cognito_revocation_sub(json_t *v, size_t *count)
{
    json_t      *t;
    const char  *sub;

    if (!json_is_object(v)) {
        return COGNITO_ERR_REVOCATION_JSON;
    }

    json_object_foreach(v, sub, t) {
        if (!json_is_integer(t) || json_integer_value(t) < 0) {
            return COGNITO_ERR_REVOCATION_JSON;
        }

        (*count)++;
    }

    return COGNITO_OK;
}


void
cognito_revocation_free(cognito_revocation_t *rl)
{
    if (rl == NULL) {
        return;
    }

    json_decref(rl->jti);
    json_decref(rl->origin_jti);
    json_decref(rl->sub);

    free(rl);
}


size_t
cognito_revocation_count(const cognito_revocation_t *rl)
{
    return rl->count;
}


int
cognito_revocation_same(const cognito_revocation_t *rl, const char *json,
    size_t len)
{
    unsigned char  md[COGNITO_REVOKE_DIGEST];

    if (rl == NULL
        || cognito_revocation_digest(json, len, md) != COGNITO_OK)
    {
        return 0;
    }

    return memcmp(md, rl->digest, COGNITO_REVOKE_DIGEST) == 0;
}


static int
cognito_revocation_digest(const char *json, size_t len, unsigned char *md)
{
    unsigned int  n;

    n = 0;

    if (EVP_Digest(json, len, md, &n, EVP_sha256(), NULL) != 1
        || n != COGNITO_REVOKE_DIGEST)
    {
        ERR_clear_error();
        return COGNITO_ERR_INTERNAL;
    }

    return COGNITO_OK;
}


int
cognito_revocation_check(const cognito_revocation_t *rl,
    const cognito_token_t *tok, cognito_err_t *err)
{
    double       iat;
    size_t       len;
    json_t      *before;
    const char  *sub;

    if (cognito_revocation_has(rl->jti, tok, "jti")
        || cognito_revocation_has(rl->origin_jti, tok, "origin_jti"))
    {
        return cognito_error(err, COGNITO_ERR_REVOKED, "token revoked");
    }

    if (rl->sub == NULL
        || cognito_token_claim_string(tok, "sub", &sub, &len) != 1
        || memchr(sub, '\0', len) != NULL)
    {
        return cognito_error(err, COGNITO_OK, "ok");
    }

    before = json_object_get(rl->sub, sub);

    /* no iat: issued at an unknown time, so revoked */

    if (before != NULL
        && (cognito_token_claim_number(tok, "iat", &iat) != 1
            || iat < (double) json_integer_value(before)))
    {
        return cognito_error(err, COGNITO_ERR_REVOKED, "token revoked");
    }

    return cognito_error(err, COGNITO_OK, "ok");
}


/*
 * A string claim that is a member of a set (keys are C strings: a claim
 * holding a NUL names nothing)
 */

static int
cognito_revocation_has(json_t *set, const cognito_token_t *tok,
    const char *claim)
{
    size_t       len;
    const char  *s;

    if (set == NULL
        || cognito_token_claim_string(tok, claim, &s, &len) != 1
        || memchr(s, '\0', len) != NULL)
    {
        return 0;
    }

    return json_object_get(set, s) != NULL;
}
