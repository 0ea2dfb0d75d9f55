
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * JWKS loading and the keys: every usable RSA signing key is turned into
 * an EVP_PKEY once, here, so that verification never parses key material;
 * the signature check that uses them lives here too.
 */


#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/param_build.h>

#include "cognito_jwks.h"


/* a public exponent wider than this is refused (OpenSSL's own cap) */
#define COGNITO_RSA_MAX_E_BITS     64


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


typedef enum {
    COGNITO_KEY_OK = 0,
    COGNITO_KEY_SKIP,
    COGNITO_KEY_NOMEM
} cognito_key_rc_e;


static const cognito_key_t *cognito_keyset_find(const cognito_keyset_t *ks,
    const char *kid, size_t len);
static int cognito_keyset_new(size_t n, cognito_keyset_t **out,
    cognito_err_t *err);
static cognito_key_rc_e cognito_key_load(json_t *jwk, cognito_keyset_t *ks);
static int cognito_key_fields(json_t *jwk, unsigned *alg, const char **kid,
    size_t *kid_len);
static EVP_PKEY *cognito_key_rsa(json_t *jwk);
static int cognito_key_vctx(cognito_keyset_t *ks, EVP_PKEY *pkey,
    unsigned alg, EVP_PKEY_CTX **vctx);
static int cognito_key_str(json_t *jwk, const char *name, const char **s,
    size_t *len);
static BIGNUM *cognito_key_bn(json_t *jwk, const char *name);
static EVP_PKEY *cognito_key_pkey(BIGNUM *n, BIGNUM *e);
static void cognito_vctx_free(EVP_PKEY_CTX **vctx);


int
cognito_keyset_load(const char *json, size_t len, cognito_keyset_t **out,
    size_t *skipped, cognito_err_t *err)
{
    int                rc;
    size_t             i, n, nskipped;
    json_t            *root, *keys;
    json_error_t       jerr;
    cognito_keyset_t  *ks;

    root = NULL;
    ks = NULL;
    nskipped = 0;

    if (out != NULL) {
        *out = NULL;
    }

    if (skipped != NULL) {
        *skipped = 0;
    }

    if (out == NULL) {
        return cognito_error(err, COGNITO_ERR_INTERNAL, "no output");
    }

    if (json == NULL || len == 0 || len > COGNITO_JWKS_MAX_LEN) {
        return cognito_error(err, COGNITO_ERR_JWKS_JSON,
                             "JWKS empty or too large");
    }

    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL || !json_is_object(root)) {
        rc = cognito_error(err, COGNITO_ERR_JWKS_JSON,
                           "JWKS is not a JSON object");
        goto failed;
    }

    keys = json_object_get(root, "keys");
    if (!json_is_array(keys)) {
        rc = cognito_error(err, COGNITO_ERR_JWKS_JSON,
                           "JWKS has no \"keys\" array");
        goto failed;
    }

    n = json_array_size(keys);
    if (n > COGNITO_JWKS_MAX_KEYS) {
        rc = cognito_error(err, COGNITO_ERR_JWKS_JSON,
                           "JWKS has too many keys");
        goto failed;
    }

    rc = cognito_keyset_new(n, &ks, err);
    if (rc != COGNITO_OK) {
        goto failed;
    }

    for (i = 0; i < n; i++) {

        switch (cognito_key_load(json_array_get(keys, i), ks)) {

        case COGNITO_KEY_OK:
            break;

        case COGNITO_KEY_SKIP:
            nskipped++;
            break;

        default: /* COGNITO_KEY_NOMEM */
            rc = cognito_error(err, COGNITO_ERR_NOMEM, "out of memory");
            goto failed;
        }
    }

    if (skipped != NULL) {
        *skipped = nskipped;
    }

    if (ks->nkeys == 0) {
        rc = cognito_error(err, COGNITO_ERR_JWKS_NO_KEYS,
                           "JWKS has no usable RSA signing key");
        goto failed;
    }

    json_decref(root);

    *out = ks;

    return cognito_error(err, COGNITO_OK, "ok");

failed:

    cognito_keyset_free(ks);

    if (root != NULL) {
        json_decref(root);
    }

    ERR_clear_error();

    return rc;
}


void
cognito_keyset_free(cognito_keyset_t *ks)
{
    size_t  i;

    if (ks == NULL) {
        return;
    }

    for (i = 0; i < ks->nkeys; i++) {
        cognito_vctx_free(ks->keys[i].vctx);
        EVP_PKEY_free(ks->keys[i].pkey);
        free(ks->keys[i].kid);
    }

    EVP_MD_CTX_free(ks->mctx);
    EVP_MD_free(ks->md[0]);
    EVP_MD_free(ks->md[1]);
    EVP_MD_free(ks->md[2]);

    free(ks->keys);
    free(ks);
}


size_t
cognito_keyset_count(const cognito_keyset_t *ks)
{
    return ks != NULL ? ks->nkeys : 0;
}



int
cognito_keyset_verify(cognito_keyset_t *ks, const char *kid, size_t kid_len,
    unsigned alg, const char *input, size_t input_len, const uint8_t *sig,
    size_t sig_len, cognito_err_t *err)
{
    int                   rc;
    size_t                i;
    unsigned int          hlen;
    const cognito_key_t  *key;
    unsigned char         hash[EVP_MAX_MD_SIZE];

    key = cognito_keyset_find(ks, kid, kid_len);
    if (key == NULL) {
        return cognito_error(err, COGNITO_ERR_KID_UNKNOWN,
                             "no key for the token's kid");
    }

    switch (alg) {

    case COGNITO_ALG_RS256:
        i = 0;
        break;

    case COGNITO_ALG_RS384:
        i = 1;
        break;

    case COGNITO_ALG_RS512:
        i = 2;
        break;

    default:
        return cognito_error(err, COGNITO_ERR_INTERNAL, "bad algorithm");
    }

    /* a key with an "alg" has a verify context for that algorithm only */

    if (key->vctx[i] == NULL) {
        return cognito_error(err, COGNITO_ERR_KEY_MISMATCH,
                             "key algorithm differs from the token's");
    }

    /* hash the signing input, then one RSA public operation */

    if (EVP_DigestInit_ex(ks->mctx, ks->md[i], NULL) != 1
        || EVP_DigestUpdate(ks->mctx, input, input_len) != 1
        || EVP_DigestFinal_ex(ks->mctx, hash, &hlen) != 1)
    {
        rc = cognito_error(err, COGNITO_ERR_INTERNAL,
                           "signature verification setup failed");
        goto done;
    }

    if (EVP_PKEY_verify(key->vctx[i], sig, sig_len, hash, hlen) != 1) {
        rc = cognito_error(err, COGNITO_ERR_SIGNATURE,
                           "signature verification failed");
        goto done;
    }

    rc = cognito_error(err, COGNITO_OK, "ok");

done:

    ERR_clear_error();

    return rc;
}


/* an empty keyset with room for n keys, and its digests */

static int
cognito_keyset_new(size_t n, cognito_keyset_t **out, cognito_err_t *err)
{
    int                rc;
    cognito_keyset_t  *ks;

    *out = NULL;

    ks = calloc(1, sizeof(cognito_keyset_t));
    if (ks == NULL) {
        return cognito_error(err, COGNITO_ERR_NOMEM, "out of memory");
    }

    /* explicit fetches, once per keyset, spare verification the lookup */

    ks->md[0] = EVP_MD_fetch(NULL, "SHA256", NULL);
    ks->md[1] = EVP_MD_fetch(NULL, "SHA384", NULL);
    ks->md[2] = EVP_MD_fetch(NULL, "SHA512", NULL);

    ks->mctx = EVP_MD_CTX_new();

    if (ks->md[0] == NULL || ks->md[1] == NULL || ks->md[2] == NULL
        || ks->mctx == NULL)
    {
        ERR_clear_error();
        rc = cognito_error(err, COGNITO_ERR_INTERNAL,
                           "SHA-2 digests unavailable");
        goto failed;
    }

    if (n) {
        ks->keys = calloc(n, sizeof(cognito_key_t));
        if (ks->keys == NULL) {
            rc = cognito_error(err, COGNITO_ERR_NOMEM, "out of memory");
            goto failed;
        }
    }

    *out = ks;

    return COGNITO_OK;

failed:

    cognito_keyset_free(ks);

    return rc;
}


static const cognito_key_t *
cognito_keyset_find(const cognito_keyset_t *ks, const char *kid, size_t len)
{
    size_t  i;

    if (ks == NULL || kid == NULL) {
        return NULL;
    }

    for (i = 0; i < ks->nkeys; i++) {
        if (ks->keys[i].kid_len == len
            && memcmp(ks->keys[i].kid, kid, len) == 0)
        {
            return &ks->keys[i];
        }
    }

    return NULL;
}


static cognito_key_rc_e
cognito_key_load(json_t *jwk, cognito_keyset_t *ks)
{
    char           *kid_copy;
    size_t          kid_len;
    unsigned        alg;
    EVP_PKEY       *pkey;
    const char     *kid;
    EVP_PKEY_CTX   *vctx[3];
    cognito_key_t  *key;

    if (!cognito_key_fields(jwk, &alg, &kid, &kid_len)) {
        return COGNITO_KEY_SKIP;
    }

    if (cognito_keyset_find(ks, kid, kid_len) != NULL) {
        /* a duplicate kid: the first one wins */
        return COGNITO_KEY_SKIP;
    }

    pkey = cognito_key_rsa(jwk);

    if (pkey == NULL) {
        ERR_clear_error();
        return COGNITO_KEY_SKIP;
    }

    if (cognito_key_vctx(ks, pkey, alg, vctx) != 0) {
        ERR_clear_error();
        EVP_PKEY_free(pkey);
        return COGNITO_KEY_SKIP;
    }

    kid_copy = malloc(kid_len + 1);
    if (kid_copy == NULL) {
        cognito_vctx_free(vctx);
        EVP_PKEY_free(pkey);
        return COGNITO_KEY_NOMEM;
    }

    memcpy(kid_copy, kid, kid_len);
    kid_copy[kid_len] = '\0';

    key = &ks->keys[ks->nkeys++];

    key->kid = kid_copy;
    key->kid_len = kid_len;
    key->alg = alg;
    key->pkey = pkey;
    memcpy(key->vctx, vctx, sizeof(vctx));

    return COGNITO_KEY_OK;
}


/*
 * A JWK's "kty", "use", "alg" and "kid": 1 for an RSA signing key with a
 * usable kid (*alg is 0 when the key names no algorithm), 0 to skip it
 */

static int
cognito_key_fields(json_t *jwk, unsigned *alg, const char **kid,
    size_t *kid_len)
{
    size_t       len;
    const char  *s;

    if (!json_is_object(jwk)) {
        return 0;
    }

    if (cognito_key_str(jwk, "kty", &s, &len) != 1
        || len != 3 || memcmp(s, "RSA", 3) != 0)
    {
        return 0;
    }

    switch (cognito_key_str(jwk, "use", &s, &len)) {

    case 0:
        break;

    case 1:
        if (len == 3 && memcmp(s, "sig", 3) == 0) {
            break;
        }

        /* fall through */

    default:
        return 0;
    }

    *alg = 0;

    switch (cognito_key_str(jwk, "alg", &s, &len)) {

    case 0:
        break;

    case 1:
        *alg = cognito_alg_bit(s, len);
        if (*alg != 0) {
            break;
        }

        /* fall through */

    default:
        return 0;
    }

    if (cognito_key_str(jwk, "kid", kid, kid_len) != 1
        || *kid_len == 0 || *kid_len > COGNITO_KID_MAX_LEN
        || memchr(*kid, '\0', *kid_len) != NULL)
    {
        return 0;
    }

    return 1;
}


/* the RSA public key of a JWK's "n" and "e", NULL if either is unfit */

static EVP_PKEY *
cognito_key_rsa(json_t *jwk)
{
    int        bits;
    BIGNUM    *n, *e;
    EVP_PKEY  *pkey;

    pkey = NULL;

    n = cognito_key_bn(jwk, "n");
    e = cognito_key_bn(jwk, "e");

    if (n == NULL || e == NULL) {
        goto done;
    }

    bits = BN_num_bits(n);

    if (bits < COGNITO_RSA_MIN_BITS || bits > COGNITO_RSA_MAX_BITS) {
        goto done;
    }

    if (BN_num_bits(e) > COGNITO_RSA_MAX_E_BITS || !BN_is_odd(e)
        || BN_is_one(e))
    {
        goto done;
    }

    pkey = cognito_key_pkey(n, e);

done:

    BN_free(n);
    BN_free(e);

    return pkey;
}


/*
 * The verify contexts are set up once too, one per algorithm the key may
 * serve (alg 0: all three), each with its digest: verification then only
 * hashes and does the RSA operation.  0, or -1 with none left allocated.
 */

static int
cognito_key_vctx(cognito_keyset_t *ks, EVP_PKEY *pkey, unsigned alg,
    EVP_PKEY_CTX **vctx)
{
    size_t  i;

    for (i = 0; i < 3; i++) {
        vctx[i] = NULL;
    }

    for (i = 0; i < 3; i++) {
        if (alg != 0 && alg != (1u << i)) {
            continue;
        }

        vctx[i] = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);

        if (vctx[i] == NULL
            || EVP_PKEY_verify_init(vctx[i]) != 1
            || EVP_PKEY_CTX_set_rsa_padding(vctx[i], RSA_PKCS1_PADDING) <= 0
            || EVP_PKEY_CTX_set_signature_md(vctx[i], ks->md[i]) <= 0)
        {
            cognito_vctx_free(vctx);
            return -1;
        }
    }

    return 0;
}


/* 1: a string member, 0: absent, -1: present but not a string */

static int
cognito_key_str(json_t *jwk, const char *name, const char **s, size_t *len)
{
    json_t  *v;

    v = json_object_get(jwk, name);

    if (v == NULL) {
        return 0;
    }

    if (!json_is_string(v)) {
        return -1;
    }

    *s = json_string_value(v);
    *len = json_string_length(v);

    return 1;
}


static BIGNUM *
cognito_key_bn(json_t *jwk, const char *name)
{
    size_t       len, blen;
    BIGNUM      *bn;
    uint8_t     *bin;
    const char  *s;

    if (cognito_key_str(jwk, name, &s, &len) != 1) {
        return NULL;
    }

    /* 8192 bits is 1366 base64url characters; allow a few leading zeros */

    if (len == 0 || len > 2048 || !cognito_b64url_valid(s, len)) {
        return NULL;
    }

    if (cognito_b64url_decode(s, len, &bin, &blen) != COGNITO_OK) {
        return NULL;
    }

    bn = BN_bin2bn(bin, (int) blen, NULL);

    cognito_b64url_free(bin);

    return bn;
}


static EVP_PKEY *
cognito_key_pkey(BIGNUM *n, BIGNUM *e)
{
    EVP_PKEY        *pkey;
    OSSL_PARAM      *params;
    EVP_PKEY_CTX    *ctx;
    OSSL_PARAM_BLD  *bld;

    pkey = NULL;
    params = NULL;
    ctx = NULL;

    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL) {
        return NULL;
    }

    if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1
        || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1)
    {
        goto failed;
    }

    params = OSSL_PARAM_BLD_to_param(bld);
    if (params == NULL) {
        goto failed;
    }

    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (ctx == NULL) {
        goto failed;
    }

    if (EVP_PKEY_fromdata_init(ctx) != 1
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
    {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }

failed:

    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);

    return pkey;
}


static void
cognito_vctx_free(EVP_PKEY_CTX **vctx)
{
    size_t  i;

    for (i = 0; i < 3; i++) {
        EVP_PKEY_CTX_free(vctx[i]);
        vctx[i] = NULL;
    }
}
