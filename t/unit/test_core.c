
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Unit tests of the pure-C core, TAP output.  Keys are generated at start,
 * the JWKS is built from their n/e and tokens are minted and signed here.
 */


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <cjose/base64.h>
#include <cjose/util.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cognito_jwt.h"
#include "cognito_jwks.h"
#include "tap.h"


#define T_NOW       1700000000
#define T_EXP       "1700003600"
#define T_IAT       "1699999990"
#define T_ISS       "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Test"
#define T_CLIENT    "client1"
#define T_LEEWAY    60
#define T_ALL_ALGS  (COGNITO_ALG_RS256|COGNITO_ALG_RS384|COGNITO_ALG_RS512)

#define T_HDR       "{\"alg\":\"RS256\",\"kid\":\"k1\"}"
#define T_ID        "{\"iss\":\"" T_ISS "\",\"token_use\":\"id\"," \
                    "\"aud\":\"" T_CLIENT "\",\"exp\":" T_EXP ","   \
                    "\"iat\":" T_IAT ",\"sub\":\"u-1\"}"
#define T_ACCESS    "{\"iss\":\"" T_ISS "\",\"token_use\":\"access\"," \
                    "\"client_id\":\"" T_CLIENT "\",\"exp\":" T_EXP "," \
                    "\"scope\":\"openid  profile aws.cognito.signin\"}"


static EVP_PKEY    *t_key1;          /* kid k1 (and k512 with alg RS512) */
static EVP_PKEY    *t_key2;          /* the "wrong" key */
static EVP_PKEY    *t_key_small;     /* 1024 bits */

static const char  *t_issuers[] = { T_ISS };
static const char  *t_clients[] = { T_CLIENT, "client2" };

/* t_run_len()'s tokens through cognito_token_parse_verified() too */
static unsigned     t_verified_runs;
static unsigned     t_verified_bad;


static char *
t_bn_b64(EVP_PKEY *pkey, const char *name)
{
    int             n;
    char           *s;
    BIGNUM         *bn;
    unsigned char   bin[1100];

    bn = NULL;

    if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) {
        t_fatal("get bn param");
    }

    n = BN_bn2bin(bn, bin);
    BN_free(bn);

    s = t_b64(bin, (size_t) n);

    return s;
}


/* a JWK object text for pkey; extra is appended inside the braces */

static char *
t_jwk(EVP_PKEY *pkey, const char *kid, const char *extra)
{
    char    *n, *e, *s;
    size_t   size;

    n = t_bn_b64(pkey, OSSL_PKEY_PARAM_RSA_N);
    e = t_bn_b64(pkey, OSSL_PKEY_PARAM_RSA_E);

    size = strlen(n) + strlen(e) + strlen(kid) + strlen(extra) + 128;

    s = malloc(size);
    if (s == NULL) {
        t_fatal("malloc");
    }

    snprintf(s, size, "{\"kty\":\"RSA\",\"kid\":\"%s\",\"n\":\"%s\","
             "\"e\":\"%s\"%s}", kid, n, e, extra);

    free(n);
    free(e);

    return s;
}


static char *
t_strcat(const char *a, const char *b, const char *c)
{
    char    *s;
    size_t   la, lb, lc;

    la = strlen(a);
    lb = strlen(b);
    lc = strlen(c);

    s = malloc(la + lb + lc + 1);
    if (s == NULL) {
        t_fatal("malloc");
    }

    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc + 1);

    return s;
}


/* a JWKS of up to 3 JWKs, freeing them */

static char *
t_jwks(char *k1, char *k2, char *k3)
{
    char  *a, *b, *s;

    a = t_strcat("{\"keys\":[", k1, k2 ? "," : "");
    b = t_strcat(a, k2 ? k2 : "", k3 ? "," : "");
    s = t_strcat(b, k3 ? k3 : "", "]}");

    free(a);
    free(b);
    free(k1);
    free(k2);
    free(k3);

    return s;
}


static cognito_keyset_t *
t_load(const char *json, size_t *skipped, int *rc)
{
    cognito_err_t      err;
    cognito_keyset_t  *ks;

    ks = NULL;
    *rc = cognito_keyset_load(json, strlen(json), &ks, skipped, &err);

    if (*rc != (int) err.code || err.msg == NULL || err.file == NULL
        || (*rc == COGNITO_OK) != (ks != NULL))
    {
        *rc = -1;
    }

    return ks;
}


/* h.p as given (base64url), signed; md NULL: the signature is junk */

static char *
t_sign(const char *h, const char *p, EVP_PKEY *pkey, const EVP_MD *md)
{
    char           *in, *sig, *jwt;
    size_t          siglen;
    EVP_MD_CTX     *mctx;
    unsigned char   buf[1024];

    in = t_strcat(h, ".", p);

    if (md == NULL) {
        memset(buf, 'x', 256);
        siglen = 256;

    } else {
        mctx = EVP_MD_CTX_new();
        siglen = sizeof(buf);

        if (mctx == NULL
            || EVP_DigestSignInit(mctx, NULL, md, NULL, pkey) != 1
            || EVP_DigestSign(mctx, buf, &siglen, (unsigned char *) in,
                              strlen(in)) != 1)
        {
            t_fatal("sign");
        }

        EVP_MD_CTX_free(mctx);
    }

    sig = t_b64(buf, siglen);
    jwt = t_strcat(in, ".", sig);

    free(in);
    free(sig);

    return jwt;
}


/* header.payload.signature from JSON texts */

static char *
t_mint(const char *hdr, const char *payload, EVP_PKEY *pkey,
    const EVP_MD *md)
{
    char  *h, *p, *jwt;

    h = t_b64(hdr, strlen(hdr));
    p = t_b64(payload, strlen(payload));

    jwt = t_sign(h, p, pkey, md);

    free(h);
    free(p);

    return jwt;
}


/* HS256 keyed with the PEM of the public key: the classic confusion */

static char *
t_mint_hmac(const char *hdr, const char *payload, EVP_PKEY *pkey)
{
    BIO            *bio;
    char           *h, *p, *in, *sig, *jwt, *pem;
    long            pemlen;
    size_t          maclen;
    unsigned char   mac[64];

    bio = BIO_new(BIO_s_mem());
    if (bio == NULL || PEM_write_bio_PUBKEY(bio, pkey) != 1) {
        t_fatal("PEM");
    }

    pemlen = BIO_get_mem_data(bio, &pem);

    h = t_b64(hdr, strlen(hdr));
    p = t_b64(payload, strlen(payload));
    in = t_strcat(h, ".", p);

    if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, pem, (size_t) pemlen,
                  (unsigned char *) in, strlen(in), mac, sizeof(mac),
                  &maclen) == NULL)
    {
        t_fatal("HMAC");
    }

    BIO_free(bio);

    sig = t_b64(mac, maclen);
    jwt = t_strcat(in, ".", sig);

    free(h);
    free(p);
    free(in);
    free(sig);

    return jwt;
}


/*
 * cognito_token_parse_verified() must give every token the verdict of
 * cognito_token_parse() then cognito_token_read_payload() (it only skips
 * the signature), and the same claims' verdict; its token is detached.
 * Counts a disagreement in t_verified_bad.
 */

static void
t_verified_agrees(const char *jwt, size_t len, unsigned algs,
    const cognito_rules_t *rules, double now)
{
    int               rc, vrc;
    cognito_err_t     err, verr;
    cognito_token_t  *tok, *vtok;

    t_verified_runs++;

    memset(&verr, 0, sizeof(verr));
    vtok = (cognito_token_t *) 1;

    vrc = cognito_token_parse_verified(jwt, len, algs, &vtok, &verr);

    if (vrc != (int) verr.code || verr.msg == NULL
        || (vrc == COGNITO_OK) != (vtok != NULL))
    {
        t_verified_bad++;
        cognito_token_free(vrc == COGNITO_OK ? vtok : NULL);
        return;
    }

    tok = NULL;
    rc = cognito_token_parse(jwt, len, algs, &tok, &err);

    if (rc == COGNITO_OK) {
        rc = cognito_token_read_payload(tok, &err);
    }

    if (rc != vrc) {
        t_verified_bad++;

    } else if (rc == COGNITO_OK
               && (cognito_token_alg(tok) != cognito_token_alg(vtok)
                   || cognito_token_exp(tok) != cognito_token_exp(vtok)
                   || cognito_token_check_claims(tok, rules, now, &err)
                      != cognito_token_check_claims(vtok, rules, now, &verr)
                   || cognito_token_verify(vtok, NULL, &verr)
                      != COGNITO_ERR_INTERNAL))
    {
        t_verified_bad++;
    }

    cognito_token_free(tok);
    cognito_token_free(vtok);
}


/* parse, verify, check claims: the first failure, or -1 on a bad err */

static int
t_run_len(const char *jwt, size_t len, unsigned algs,
    cognito_keyset_t *ks, const cognito_rules_t *rules, double now)
{
    int               rc;
    cognito_err_t     err;
    cognito_token_t  *tok;

    t_verified_agrees(jwt, len, algs, rules, now);

    tok = (cognito_token_t *) 1;
    memset(&err, 0, sizeof(err));

    rc = cognito_token_parse(jwt, len, algs, &tok, &err);

    if (rc != (int) err.code || err.msg == NULL || err.file == NULL
        || err.line <= 0 || (rc == COGNITO_OK) != (tok != NULL))
    {
        cognito_token_free(rc == COGNITO_OK ? tok : NULL);
        return -1;
    }

    if (rc != COGNITO_OK) {
        return rc;
    }

    rc = cognito_token_verify(tok, ks, &err);

    if (rc == COGNITO_OK) {
        rc = cognito_token_read_payload(tok, &err);
    }

    if (rc == COGNITO_OK) {
        rc = cognito_token_check_claims(tok, rules, now, &err);
    }

    if (rc != (int) err.code || err.msg == NULL) {
        rc = -1;
    }

    cognito_token_free(tok);

    return rc;
}


static int
t_run(const char *jwt, unsigned algs, cognito_keyset_t *ks,
    const cognito_rules_t *rules, double now)
{
    return t_run_len(jwt, strlen(jwt), algs, ks, rules, now);
}


/* parse and verify a token with that kid, signed with pkey */

static int
t_kid_known(cognito_keyset_t *ks, const char *kid, EVP_PKEY *pkey)
{
    int               rc;
    char             *jwt, hdr[64];
    cognito_err_t     err;
    cognito_token_t  *tok;

    (void) snprintf(hdr, sizeof(hdr),
                    "{\"alg\":\"RS256\",\"kid\":\"%s\"}", kid);

    jwt = t_mint(hdr, T_ID, pkey, EVP_sha256());

    rc = cognito_token_parse(jwt, strlen(jwt), T_ALL_ALGS, &tok, &err);

    if (rc == COGNITO_OK) {
        rc = cognito_token_verify(tok, ks, &err);
        cognito_token_free(tok);
    }

    free(jwt);

    return rc;
}


static void
t_rules(cognito_rules_t *rules)
{
    rules->issuers = t_issuers;
    rules->nissuers = 1;
    rules->clients = t_clients;
    rules->nclients = 2;
    rules->token_use = COGNITO_USE_ANY;
    rules->leeway = T_LEEWAY;
}


/* a signed token with k1 for the payload, run with the default rules */

static int
t_claims(const char *payload, cognito_keyset_t *ks, double now)
{
    int               rc;
    char             *jwt;
    cognito_rules_t   rules;

    t_rules(&rules);

    jwt = t_mint(T_HDR, payload, t_key1, EVP_sha256());
    rc = t_run(jwt, T_ALL_ALGS, ks, &rules, now);
    free(jwt);

    return rc;
}


/* a token whose header is hdr, signed with k1, parse result only */

static int
t_header(const char *hdr, unsigned algs)
{
    int               rc;
    char             *jwt;
    cognito_rules_t   rules;

    t_rules(&rules);

    jwt = t_mint(hdr, T_ID, t_key1, EVP_sha256());
    rc = t_run(jwt, algs, NULL, &rules, T_NOW);
    free(jwt);

    /* a good header reaches verify, which fails with no keyset */

    return rc == COGNITO_ERR_KID_UNKNOWN ? COGNITO_OK : rc;
}


static int
t_time_payload(char *buf, size_t size, const char *extra)
{
    return snprintf(buf, size,
                    "{\"iss\":\"" T_ISS "\",\"token_use\":\"id\","
                    "\"aud\":\"" T_CLIENT "\"%s}", extra);
}


/* the base64url character of the same high bits with the lowest bit set */

static char
t_b64_low_bit(char c)
{
    static const char  abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "abcdefghijklmnopqrstuvwxyz0123456789-_";

    return abc[(strchr(abc, c) - abc) | 1];
}


/*
 * Each segment's last character with an unused low bit set encodes the
 * same bytes: refused.  The header and payload are signed as sent.
 */

static void
t_canonical(const char *jwt, cognito_keyset_t *ks,
    const cognito_rules_t *rules)
{
    int          i;
    char        *p, *h, *pl;
    size_t       n;

    static const char  *pays[] = {
        T_ID,
        "{\"iss\":\"" T_ISS "\",\"token_use\":\"id\",\"aud\":\"client1\","
        "\"exp\":" T_EXP ",\"p\":\"x\"}",
        "{\"iss\":\"" T_ISS "\",\"token_use\":\"id\",\"aud\":\"client1\","
        "\"exp\":" T_EXP ",\"p\":\"xx\"}"
    };

    /* the signature: 256 bytes, 342 characters, 4 unused bits */

    p = strdup(jwt);
    n = strlen(p);
    t_ok((n - (size_t) (strrchr(p, '.') - p) - 1) % 4 == 2,
         "canonical: the signature has 4 unused bits");
    t_code(t_run(p, T_ALL_ALGS, ks, rules, T_NOW), COGNITO_OK,
           "canonical: the token as minted");
    p[n - 1] = t_b64_low_bit(p[n - 1]);
    t_code(t_run(p, T_ALL_ALGS, ks, rules, T_NOW), COGNITO_ERR_BASE64,
           "canonical: signature's unused low bit set");
    free(p);

    /* the header: 26 bytes, 35 characters, 2 unused bits */

    h = t_b64(T_HDR, strlen(T_HDR));
    pl = t_b64(T_ID, strlen(T_ID));
    n = strlen(h);
    t_ok(n % 4 == 3, "canonical: the header has 2 unused bits");
    h[n - 1] = t_b64_low_bit(h[n - 1]);
    p = t_sign(h, pl, t_key1, EVP_sha256());
    t_code(t_run(p, T_ALL_ALGS, ks, rules, T_NOW), COGNITO_ERR_BASE64,
           "canonical: header's unused low bit set, signed as sent");
    free(p);
    free(h);
    free(pl);

    /* the payload: one of three lengths leaves unused bits */

    h = t_b64(T_HDR, strlen(T_HDR));

    for (i = 0; i < 3; i++) {
        pl = t_b64(pays[i], strlen(pays[i]));
        n = strlen(pl);

        if (n % 4 == 0) {
            free(pl);
            continue;
        }

        pl[n - 1] = t_b64_low_bit(pl[n - 1]);
        p = t_sign(h, pl, t_key1, EVP_sha256());
        t_code(t_run(p, T_ALL_ALGS, ks, rules, T_NOW), COGNITO_ERR_BASE64,
               "canonical: payload's unused low bit set, signed as sent");
        free(p);
        free(pl);
    }

    free(h);
}


static void
t_tokens(cognito_keyset_t *ks)
{
    int               i;
    char             *jwt, *p, *q, big[COGNITO_TOKEN_MAX_LEN + 2];
    char              payload[512], extra[300];
    size_t            len;
    cognito_err_t     err;
    cognito_rules_t   rules;
    cognito_token_t  *tok;

    t_rules(&rules);

    /* accepted */

    t_code(t_claims(T_ID, ks, T_NOW), COGNITO_OK, "valid id token");
    t_code(t_claims(T_ACCESS, ks, T_NOW), COGNITO_OK, "valid access token");

    jwt = t_mint("{\"alg\":\"RS384\",\"kid\":\"k1\",\"typ\":\"JWT\"}", T_ID,
                 t_key1, EVP_sha384());
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_OK,
           "RS384 token, key without alg");
    free(jwt);

    jwt = t_mint("{\"alg\":\"RS512\",\"kid\":\"k512\"}", T_ID, t_key1,
                 EVP_sha512());
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_OK,
           "RS512 token, key with alg RS512");
    free(jwt);

    /* accessors */

    jwt = t_mint(T_HDR, T_ID, t_key1, EVP_sha256());
    tok = NULL;
    t_code(cognito_token_parse(jwt, strlen(jwt), T_ALL_ALGS, &tok, &err),
           COGNITO_OK, "parse for accessors");

    if (tok != NULL) {
        t_ok(cognito_token_iss(tok) == NULL && cognito_token_exp(tok) == 0,
             "no claims before the payload is read");
        t_code(cognito_token_check_claims(tok, &rules, T_NOW, &err),
               COGNITO_ERR_INTERNAL, "no claim check before the payload");
        t_code(cognito_token_read_payload(tok, &err), COGNITO_OK,
               "read payload");
        t_code(cognito_token_read_payload(tok, &err), COGNITO_OK,
               "read payload again: a no-op");
        t_ok(cognito_token_alg(tok) == COGNITO_ALG_RS256, "alg accessor");
        t_ok(strcmp(cognito_token_iss(tok), T_ISS) == 0, "iss accessor");
        t_ok(cognito_token_exp(tok) == 1700003600, "exp accessor");
        cognito_token_free(tok);
    }

    /* the token is not NUL-terminated: the parser keeps within len */

    len = strlen(jwt);
    p = malloc(len);
    if (p == NULL) {
        t_fatal("malloc");
    }

    memcpy(p, jwt, len);
    t_code(t_run_len(p, len, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_OK,
           "token without a terminating NUL");
    free(p);

    /* signatures */

    t_code(t_claims("{\"iss\":\"x\"}", ks, T_NOW), COGNITO_ERR_ISSUER,
           "wrong iss (signature fine)");

    q = t_mint(T_HDR, T_ACCESS, t_key1, EVP_sha256());
    p = strchr(jwt, '.');
    len = (size_t) (p - jwt);
    p = malloc(strlen(q) + len + 1);
    if (p == NULL) {
        t_fatal("malloc");
    }

    /* header and signature of the id token, payload of the access token */

    memcpy(p, jwt, len);
    strcpy(p + len, strchr(q, '.'));
    *strrchr(p, '.') = '\0';
    strcat(p, strrchr(jwt, '.'));
    t_code(t_run(p, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_ERR_SIGNATURE,
           "tampered payload");
    free(p);
    free(q);

    p = strdup(jwt);
    q = strrchr(p, '.') + 5;
    *q = (*q == 'A') ? 'B' : 'A';
    t_code(t_run(p, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_ERR_SIGNATURE,
           "tampered signature");
    free(p);

    /* 342 characters cut to 340 (255 bytes) end canonically */

    p = strdup(jwt);
    len = strlen(p) - 2;
    t_code(t_run_len(p, len, T_ALL_ALGS, ks, &rules, T_NOW),
           COGNITO_ERR_SIGNATURE, "truncated signature");
    p[strrchr(p, '.') - p] = '\0';
    t_code(t_run(p, T_ALL_ALGS, ks, &rules, T_NOW),
           COGNITO_ERR_TOKEN_MALFORMED, "truncated token (no signature)");
    free(p);

    p = strdup(jwt);
    p[strrchr(p, '.') - p + 1] = '\0';
    t_code(t_run(p, T_ALL_ALGS, ks, &rules, T_NOW),
           COGNITO_ERR_TOKEN_MALFORMED, "empty signature");
    free(p);

    free(jwt);

    jwt = t_mint(T_HDR, T_ID, t_key2, EVP_sha256());
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_ERR_SIGNATURE,
           "signed by another key");
    free(jwt);

    jwt = t_mint("{\"alg\":\"RS256\",\"kid\":\"nope\"}", T_ID, t_key1,
                 EVP_sha256());
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_ERR_KID_UNKNOWN,
           "wrong kid");
    free(jwt);

    jwt = t_mint("{\"alg\":\"RS256\",\"kid\":\"k512\"}", T_ID, t_key1,
                 EVP_sha256());
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_ERR_KEY_MISMATCH,
           "RS256 token, key with alg RS512");
    free(jwt);

    jwt = t_mint_hmac("{\"alg\":\"HS256\",\"kid\":\"k1\"}", T_ID, t_key1);
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_ERR_ALG_HMAC,
           "HS256 keyed with the public key PEM");
    free(jwt);

    jwt = t_mint("{\"alg\":\"none\",\"kid\":\"k1\"}", T_ID, NULL, NULL);
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_ERR_ALG_NONE,
           "alg none");
    *(strrchr(jwt, '.') + 1) = '\0';
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_ERR_ALG_NONE,
           "alg none, unsecured (empty signature)");
    free(jwt);

    /* the header */

    t_code(t_header("{\"alg\":\"nOnE\",\"kid\":\"k1\"}", T_ALL_ALGS),
           COGNITO_ERR_ALG_NONE, "alg nOnE");
    t_code(t_header("{\"alg\":\"hs512\",\"kid\":\"k1\"}", T_ALL_ALGS),
           COGNITO_ERR_ALG_HMAC, "alg hs512");
    t_code(t_header("{\"kid\":\"k1\"}", T_ALL_ALGS),
           COGNITO_ERR_ALG_MISSING, "alg missing");
    t_code(t_header("{\"alg\":256,\"kid\":\"k1\"}", T_ALL_ALGS),
           COGNITO_ERR_ALG_MISSING, "alg not a string");
    t_code(t_header("{\"alg\":\"RS384\",\"kid\":\"k1\"}", COGNITO_ALG_RS256),
           COGNITO_ERR_ALG_NOT_ALLOWED, "RS384 when only RS256 allowed");
    t_code(t_header("{\"alg\":\"ES256\",\"kid\":\"k1\"}", T_ALL_ALGS),
           COGNITO_ERR_ALG_NOT_ALLOWED, "alg ES256");
    t_code(t_header("{\"alg\":\"rs256\",\"kid\":\"k1\"}", T_ALL_ALGS),
           COGNITO_ERR_ALG_NOT_ALLOWED, "alg rs256 (case matters)");
    t_code(t_header("{\"alg\":\"RS256\",\"kid\":\"k1\",\"crit\":[\"exp\"]}",
                    T_ALL_ALGS),
           COGNITO_ERR_CRIT, "crit header");
    t_code(t_header("{\"alg\":\"RS256\"}", T_ALL_ALGS),
           COGNITO_ERR_KID_MISSING, "kid missing");
    t_code(t_header("{\"alg\":\"RS256\",\"kid\":\"\"}", T_ALL_ALGS),
           COGNITO_ERR_KID_MISSING, "kid empty");
    t_code(t_header("{\"alg\":\"RS256\",\"kid\":7}", T_ALL_ALGS),
           COGNITO_ERR_KID_MISSING, "kid not a string");
    t_code(t_header("{\"alg\":\"RS256\",\"kid\":\"k\\u00001\"}", T_ALL_ALGS),
           COGNITO_ERR_HEADER_JSON, "kid with \\u0000 (JSON refused)");

    memset(extra, 'k', 257);
    extra[257] = '\0';
    snprintf(payload, sizeof(payload), "{\"alg\":\"RS256\",\"kid\":\"%s\"}",
             extra);
    t_code(t_header(payload, T_ALL_ALGS), COGNITO_ERR_KID_MISSING,
           "kid too long");
    extra[256] = '\0';
    snprintf(payload, sizeof(payload), "{\"alg\":\"RS256\",\"kid\":\"%s\"}",
             extra);
    t_code(t_header(payload, T_ALL_ALGS), COGNITO_OK, "kid of 256 bytes");

    t_code(t_header("{\"alg\":\"RS256\",\"kid\":\"k1\",\"kid\":\"k2\"}",
                    T_ALL_ALGS),
           COGNITO_ERR_HEADER_JSON, "duplicate key in header");
    t_code(t_header("not json", T_ALL_ALGS), COGNITO_ERR_HEADER_JSON,
           "non-JSON header");
    t_code(t_header("[\"RS256\"]", T_ALL_ALGS), COGNITO_ERR_HEADER_JSON,
           "header is an array");
    t_code(t_header("{\"alg\":\"RS256\",\"kid\":\"k1\"} x", T_ALL_ALGS),
           COGNITO_ERR_HEADER_JSON, "header with trailing garbage");

    /* header checks come before the payload is decoded */

    t_code(t_run("eyJhbGciOiJub25lIn0.!!!!.AAAA", T_ALL_ALGS, ks, &rules,
                 T_NOW),
           COGNITO_ERR_BASE64, "bad base64 in any segment, before the header");

    /* the payload */

    t_code(t_claims("{\"iss\":\"a\",\"iss\":\"b\"}", ks, T_NOW),
           COGNITO_ERR_PAYLOAD_JSON, "duplicate key in payload");
    t_code(t_claims("[1,2]", ks, T_NOW), COGNITO_ERR_PAYLOAD_JSON,
           "payload is an array");
    t_code(t_claims("{\"exp\":1e400}", ks, T_NOW), COGNITO_ERR_PAYLOAD_JSON,
           "payload with 1e400");

    /* 16 levels deep is fine, 17 is not */

    strcpy(payload, "{\"iss\":\"x\",\"d\":");
    for (i = 0; i < 14; i++) {
        strcat(payload, "[");
    }
    strcat(payload, "{}");
    for (i = 0; i < 14; i++) {
        strcat(payload, "]");
    }
    strcat(payload, "}");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_ISSUER,
           "payload 16 levels deep");

    strcpy(payload, "{\"iss\":\"x\",\"d\":");
    for (i = 0; i < 15; i++) {
        strcat(payload, "[");
    }
    strcat(payload, "{}");
    for (i = 0; i < 15; i++) {
        strcat(payload, "]");
    }
    strcat(payload, "}");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_PAYLOAD_JSON,
           "payload 17 levels deep");

    /* segments */

    t_code(t_run("", T_ALL_ALGS, ks, &rules, T_NOW),
           COGNITO_ERR_TOKEN_MALFORMED, "empty token");
    t_code(t_run("abc", T_ALL_ALGS, ks, &rules, T_NOW),
           COGNITO_ERR_TOKEN_MALFORMED, "one segment");
    t_code(t_run("abc.def", T_ALL_ALGS, ks, &rules, T_NOW),
           COGNITO_ERR_TOKEN_MALFORMED, "two segments");
    t_code(t_run(".abc.def", T_ALL_ALGS, ks, &rules, T_NOW),
           COGNITO_ERR_TOKEN_MALFORMED, "empty header segment");
    t_code(t_run("abc..def", T_ALL_ALGS, ks, &rules, T_NOW),
           COGNITO_ERR_TOKEN_MALFORMED, "empty payload segment");
    t_code(t_run("a.b.c.d", T_ALL_ALGS, ks, &rules, T_NOW),
           COGNITO_ERR_TOKEN_MALFORMED, "four segments");
    t_code(t_run("eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d", T_ALL_ALGS, ks, &rules,
                 T_NOW),
           COGNITO_ERR_TOKEN_JWE, "JWE (five segments)");

    memset(big, 'A', sizeof(big));
    big[100] = '.';
    big[200] = '.';
    t_code(t_run_len(big, COGNITO_TOKEN_MAX_LEN + 1, T_ALL_ALGS, ks, &rules,
                     T_NOW),
           COGNITO_ERR_TOKEN_TOO_LONG, "oversized token");

    jwt = t_mint(T_HDR, T_ID, t_key1, EVP_sha256());
    len = strlen(jwt);

    p = t_strcat(jwt, "=", "");
    t_code(t_run(p, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_ERR_BASE64,
           "padding '=' in the signature");
    free(p);

    p = strdup(jwt);
    p[3] = '+';
    t_code(t_run(p, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_ERR_BASE64,
           "'+' in the header");
    p[3] = '/';
    t_code(t_run(p, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_ERR_BASE64,
           "'/' in the header");
    p[3] = ' ';
    t_code(t_run(p, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_ERR_BASE64,
           "space in the header");
    p[3] = '\0';
    t_code(t_run_len(p, len, T_ALL_ALGS, ks, &rules, T_NOW),
           COGNITO_ERR_BASE64, "NUL in the header");
    free(p);

    p = t_strcat(jwt, "A", "");
    *strrchr(p, '.') = '\0';
    strcat(p, ".AAAAA");
    t_code(t_run(p, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_ERR_BASE64,
           "segment length 1 mod 4");
    free(p);

    t_canonical(jwt, ks, &rules);

    free(jwt);

    /* claims */

    t_code(t_claims("{\"token_use\":\"id\",\"aud\":\"client1\","
                    "\"exp\":" T_EXP "}", ks, T_NOW),
           COGNITO_ERR_ISSUER, "iss missing");
    t_code(t_claims("{\"iss\":\"" T_ISS "x\",\"token_use\":\"id\"}", ks,
                    T_NOW),
           COGNITO_ERR_ISSUER, "wrong iss");
    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"refresh\"}", ks,
                    T_NOW),
           COGNITO_ERR_TOKEN_USE, "wrong token_use");
    t_code(t_claims("{\"iss\":\"" T_ISS "\"}", ks, T_NOW),
           COGNITO_ERR_TOKEN_USE, "token_use missing");

    rules.token_use = COGNITO_USE_ACCESS;
    jwt = t_mint(T_HDR, T_ID, t_key1, EVP_sha256());
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_ERR_TOKEN_USE,
           "id token where only access tokens are allowed");
    free(jwt);
    rules.token_use = COGNITO_USE_ANY;

    t_time_payload(payload, sizeof(payload), "");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_EXP_MISSING,
           "exp missing");

    t_time_payload(payload, sizeof(payload), ",\"exp\":\"1700003600\"");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_CLAIM_TYPE,
           "exp as a string");
    t_time_payload(payload, sizeof(payload), ",\"exp\":1700003600.5");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK,
           "exp as a real (a NumericDate)");
    t_time_payload(payload, sizeof(payload), ",\"exp\":1700003600.0");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK,
           "exp as an integral real");
    t_time_payload(payload, sizeof(payload), ",\"exp\":-5");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_EXPIRED,
           "exp negative: long expired");
    t_time_payload(payload, sizeof(payload), ",\"exp\":99999999999999999999");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK,
           "exp beyond 64 bits: read as a double, far future");
    t_time_payload(payload, sizeof(payload),
                   ",\"exp\":-99999999999999999999");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_EXPIRED,
           "exp below -2^63: read as a double, long expired");
    t_time_payload(payload, sizeof(payload), ",\"exp\":1e400");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_PAYLOAD_JSON,
           "exp beyond a double (JSON refused)");
    t_time_payload(payload, sizeof(payload), ",\"exp\":1.7e10");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK,
           "exp in exponent notation");
    t_time_payload(payload, sizeof(payload), ",\"exp\":1e300");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK,
           "exp 1e300, leeway 60: no overflow");
    t_time_payload(payload, sizeof(payload), ",\"exp\":-1e300");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_EXPIRED,
           "exp -1e300, leeway 60: no overflow");
    t_time_payload(payload, sizeof(payload), ",\"exp\":null");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_CLAIM_TYPE,
           "exp null");
    t_time_payload(payload, sizeof(payload), ",\"exp\":true");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_CLAIM_TYPE,
           "exp true");
    t_time_payload(payload, sizeof(payload), ",\"exp\":9223372036854775807");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK, "exp at INT64_MAX");
    t_time_payload(payload, sizeof(payload),
                   ",\"exp\":" T_EXP ",\"nbf\":\"0\"");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_CLAIM_TYPE,
           "nbf as a string");
    t_time_payload(payload, sizeof(payload),
                   ",\"exp\":" T_EXP ",\"nbf\":-1e300");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK,
           "nbf -1e300: no overflow");
    t_time_payload(payload, sizeof(payload),
                   ",\"exp\":" T_EXP ",\"nbf\":1e300");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_NOT_YET_VALID,
           "nbf 1e300: no overflow");
    t_time_payload(payload, sizeof(payload),
                   ",\"exp\":" T_EXP ",\"nbf\":-1");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK, "nbf negative");
    t_time_payload(payload, sizeof(payload),
                   ",\"exp\":" T_EXP ",\"iat\":1.5");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK, "iat as a real");
    t_time_payload(payload, sizeof(payload),
                   ",\"exp\":" T_EXP ",\"iat\":-86400");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK, "iat negative");
    t_time_payload(payload, sizeof(payload),
                   ",\"exp\":" T_EXP ",\"iat\":1e300");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK,
           "iat far in the future: not checked");
    t_time_payload(payload, sizeof(payload),
                   ",\"exp\":" T_EXP ",\"iat\":99999999999999999999");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK,
           "iat beyond 64 bits");
    t_time_payload(payload, sizeof(payload),
                   ",\"exp\":" T_EXP ",\"iat\":\"1\"");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_CLAIM_TYPE,
           "iat as a string");
    t_time_payload(payload, sizeof(payload),
                   ",\"exp\":" T_EXP ",\"iat\":null");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_CLAIM_TYPE,
           "iat null");

    t_time_payload(payload, sizeof(payload), ",\"exp\":1699990000");
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_EXPIRED, "expired");

    snprintf(extra, sizeof(extra), ",\"exp\":%d", T_NOW - T_LEEWAY);
    t_time_payload(payload, sizeof(payload), extra);
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_EXPIRED,
           "expired at now == exp + leeway");
    snprintf(extra, sizeof(extra), ",\"exp\":%d", T_NOW - T_LEEWAY + 1);
    t_time_payload(payload, sizeof(payload), extra);
    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK,
           "valid at now == exp + leeway - 1");
    snprintf(extra, sizeof(extra), ",\"exp\":%d.5", T_NOW - T_LEEWAY);
    t_time_payload(payload, sizeof(payload), extra);
    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK,
           "valid at now == exp + leeway - 0.5");

    snprintf(extra, sizeof(extra), ",\"exp\":" T_EXP ",\"nbf\":%d",
             T_NOW + 3600);
    t_time_payload(payload, sizeof(payload), extra);
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_NOT_YET_VALID,
           "nbf in the future");
    snprintf(extra, sizeof(extra), ",\"exp\":" T_EXP ",\"nbf\":%d",
             T_NOW + T_LEEWAY + 1);
    t_time_payload(payload, sizeof(payload), extra);
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_NOT_YET_VALID,
           "nbf == now + leeway + 1");
    snprintf(extra, sizeof(extra), ",\"exp\":" T_EXP ",\"nbf\":%d.5",
             T_NOW + T_LEEWAY);
    t_time_payload(payload, sizeof(payload), extra);
    t_code(t_claims(payload, ks, T_NOW), COGNITO_ERR_NOT_YET_VALID,
           "nbf == now + leeway + 0.5");
    snprintf(extra, sizeof(extra), ",\"exp\":" T_EXP ",\"nbf\":%d",
             T_NOW + T_LEEWAY);
    t_time_payload(payload, sizeof(payload), extra);
    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK,
           "nbf == now + leeway accepted");

    snprintf(extra, sizeof(extra), ",\"exp\":" T_EXP ",\"iat\":%d",
             T_NOW + 3600);
    t_time_payload(payload, sizeof(payload), extra);
    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK,
           "iat in the future: informational, accepted");

    /* no leeway: exp is the first second the token is invalid */

    rules.leeway = 0;

    snprintf(extra, sizeof(extra), ",\"exp\":%d", T_NOW);
    t_time_payload(payload, sizeof(payload), extra);
    jwt = t_mint(T_HDR, payload, t_key1, EVP_sha256());
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_ERR_EXPIRED,
           "leeway 0: expired at now == exp");
    free(jwt);

    snprintf(extra, sizeof(extra), ",\"exp\":%d.5", T_NOW);
    t_time_payload(payload, sizeof(payload), extra);
    jwt = t_mint(T_HDR, payload, t_key1, EVP_sha256());
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_OK,
           "leeway 0: valid at now == exp - 0.5");
    free(jwt);

    snprintf(extra, sizeof(extra), ",\"exp\":" T_EXP ",\"nbf\":%d", T_NOW);
    t_time_payload(payload, sizeof(payload), extra);
    jwt = t_mint(T_HDR, payload, t_key1, EVP_sha256());
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_OK,
           "leeway 0: valid at now == nbf");
    free(jwt);

    snprintf(extra, sizeof(extra), ",\"exp\":" T_EXP ",\"nbf\":%d",
             T_NOW + 1);
    t_time_payload(payload, sizeof(payload), extra);
    jwt = t_mint(T_HDR, payload, t_key1, EVP_sha256());
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW),
           COGNITO_ERR_NOT_YET_VALID, "leeway 0: not yet valid at nbf - 1");
    free(jwt);

    /* now to the millisecond: a real exp passes within its second */

    snprintf(extra, sizeof(extra), ",\"exp\":%d.5", T_NOW);
    t_time_payload(payload, sizeof(payload), extra);
    jwt = t_mint(T_HDR, payload, t_key1, EVP_sha256());
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW + 0.499), COGNITO_OK,
           "leeway 0: valid at now == exp - 0.001");
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW + 0.5),
           COGNITO_ERR_EXPIRED, "leeway 0: expired at now == exp (reals)");
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW + 0.7),
           COGNITO_ERR_EXPIRED,
           "leeway 0: expired 0.2 s after exp, within the same second");
    free(jwt);

    snprintf(extra, sizeof(extra), ",\"exp\":" T_EXP ",\"nbf\":%d.5",
             T_NOW);
    t_time_payload(payload, sizeof(payload), extra);
    jwt = t_mint(T_HDR, payload, t_key1, EVP_sha256());
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW + 0.2),
           COGNITO_ERR_NOT_YET_VALID,
           "leeway 0: not yet valid 0.3 s before nbf, within its second");
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW + 0.5), COGNITO_OK,
           "leeway 0: valid at now == nbf (reals)");
    free(jwt);

    rules.leeway = -5;

    snprintf(extra, sizeof(extra), ",\"exp\":%d.5", T_NOW);
    t_time_payload(payload, sizeof(payload), extra);
    jwt = t_mint(T_HDR, payload, t_key1, EVP_sha256());
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_OK,
           "a negative leeway counts as 0");
    free(jwt);

    t_rules(&rules);

    /* types aws-jwt-verify refuses a token for */

    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"access\","
                    "\"client_id\":\"client1\",\"exp\":" T_EXP ","
                    "\"scope\":[\"openid\"]}", ks, T_NOW),
           COGNITO_ERR_CLAIM_TYPE, "scope as an array");
    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"access\","
                    "\"client_id\":\"client1\",\"exp\":" T_EXP ","
                    "\"scope\":null}", ks, T_NOW),
           COGNITO_ERR_CLAIM_TYPE, "scope null");
    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"access\","
                    "\"client_id\":\"client1\",\"exp\":" T_EXP ","
                    "\"sub\":1}", ks, T_NOW),
           COGNITO_ERR_CLAIM_TYPE, "sub as a number");
    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"access\","
                    "\"client_id\":\"client1\",\"exp\":" T_EXP ","
                    "\"jti\":[\"a\"]}", ks, T_NOW),
           COGNITO_ERR_CLAIM_TYPE, "jti as an array");
    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"access\","
                    "\"client_id\":\"client1\",\"exp\":" T_EXP ","
                    "\"aud\":[\"a\",\"b\"]}", ks, T_NOW),
           COGNITO_OK, "aud as an array of strings on an access token");
    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"access\","
                    "\"client_id\":\"client1\",\"exp\":" T_EXP ","
                    "\"aud\":[\"a\",2]}", ks, T_NOW),
           COGNITO_ERR_CLAIM_TYPE, "aud array with a number, access token");
    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"access\","
                    "\"client_id\":\"client1\",\"exp\":" T_EXP ","
                    "\"aud\":5}", ks, T_NOW),
           COGNITO_ERR_CLAIM_TYPE, "aud a number, access token");

    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"id\","
                    "\"aud\":\"other\",\"exp\":" T_EXP "}", ks, T_NOW),
           COGNITO_ERR_CLIENT, "wrong aud on an id token");
    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"id\","
                    "\"exp\":" T_EXP "}", ks, T_NOW),
           COGNITO_ERR_CLIENT, "aud missing on an id token");
    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"id\","
                    "\"client_id\":\"client1\",\"exp\":" T_EXP "}", ks,
                    T_NOW),
           COGNITO_ERR_CLIENT, "id token checks aud, not client_id");
    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"access\","
                    "\"client_id\":\"other\",\"exp\":" T_EXP "}", ks, T_NOW),
           COGNITO_ERR_CLIENT, "wrong client_id on an access token");
    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"access\","
                    "\"aud\":\"client1\",\"exp\":" T_EXP "}", ks, T_NOW),
           COGNITO_ERR_CLIENT, "access token checks client_id, not aud");
    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"id\","
                    "\"aud\":[\"x\",\"client2\"],\"exp\":" T_EXP "}", ks,
                    T_NOW),
           COGNITO_ERR_CLAIM_TYPE, "id token: aud an array with our client");
    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"id\","
                    "\"aud\":[\"client1\"],\"exp\":" T_EXP "}", ks,
                    T_NOW),
           COGNITO_ERR_CLAIM_TYPE, "id token: aud an array of our client");
    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"id\","
                    "\"aud\":[\"x\",\"y\"],\"exp\":" T_EXP "}", ks, T_NOW),
           COGNITO_ERR_CLAIM_TYPE, "id token: aud array without our client");
    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"id\","
                    "\"aud\":{\"client1\":1},\"exp\":" T_EXP "}", ks, T_NOW),
           COGNITO_ERR_CLAIM_TYPE, "aud as an object");
    t_code(t_claims("{\"iss\":\"" T_ISS "\",\"token_use\":\"id\","
                    "\"aud\":\"client1\\u0000x\",\"exp\":" T_EXP "}", ks,
                    T_NOW),
           COGNITO_ERR_PAYLOAD_JSON, "aud with \\u0000 (JSON refused)");

    rules.nclients = 0;
    jwt = t_mint(T_HDR, "{\"iss\":\"" T_ISS "\",\"token_use\":\"access\","
                 "\"client_id\":\"other\",\"exp\":" T_EXP "}", t_key1,
                 EVP_sha256());
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_OK,
           "no clients configured: any client");
    free(jwt);
    jwt = t_mint(T_HDR, "{\"iss\":\"" T_ISS "\",\"token_use\":\"id\","
                 "\"aud\":[\"a\",\"b\"],\"exp\":" T_EXP "}", t_key1,
                 EVP_sha256());
    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_OK,
           "no clients configured: an id token's aud array of strings");
    free(jwt);
    t_rules(&rules);
}


static void
t_keysets(void)
{
    int                rc;
    char              *json;
    size_t             skipped;
    cognito_keyset_t  *ks;
    char               many[COGNITO_JWKS_MAX_KEYS * 4 + 32];

    ks = t_load("{\"keys\":[", &skipped, &rc);
    t_code(rc, COGNITO_ERR_JWKS_JSON, "JWKS: invalid JSON");

    ks = t_load("[]", &skipped, &rc);
    t_code(rc, COGNITO_ERR_JWKS_JSON, "JWKS: not an object");

    ks = t_load("{\"keys\":{}}", &skipped, &rc);
    t_code(rc, COGNITO_ERR_JWKS_JSON, "JWKS: keys not an array");

    ks = t_load("{\"keys\":[],\"keys\":[]}", &skipped, &rc);
    t_code(rc, COGNITO_ERR_JWKS_JSON, "JWKS: duplicate keys");

    strcpy(many, "{\"keys\":[");
    for (rc = 0; rc <= COGNITO_JWKS_MAX_KEYS; rc++) {
        strcat(many, rc ? ",{}" : "{}");
    }
    strcat(many, "]}");
    ks = t_load(many, &skipped, &rc);
    t_code(rc, COGNITO_ERR_JWKS_JSON, "JWKS: too many keys");

    ks = t_load("{\"keys\":[]}", &skipped, &rc);
    t_code(rc, COGNITO_ERR_JWKS_NO_KEYS, "JWKS: empty keys");
    t_ok(ks == NULL, "JWKS: no keyset on failure");

    json = t_jwks(t_jwk(t_key1, "", ""), NULL, NULL);
    strstr(json, "\"kid\"")[3] = 'x';
    ks = t_load(json, &skipped, &rc);
    t_code(rc, COGNITO_ERR_JWKS_NO_KEYS, "JWKS: key without kid");
    t_ok(skipped == 1, "JWKS: the key without kid is skipped");
    free(json);

    json = t_jwks(t_jwk(t_key1, "k1", ",\"use\":\"enc\""),
                  t_jwk(t_key1, "k2", ",\"kty\":\"EC\""),
                  t_jwk(t_key1, "k3", ",\"alg\":\"HS256\""));
    ks = t_load(json, &skipped, &rc);
    t_code(rc, COGNITO_ERR_JWKS_JSON, "JWKS: duplicate kty in a key");
    free(json);

    json = t_jwks(t_jwk(t_key1, "k1", ",\"use\":\"enc\""),
                  strdup("{\"kty\":\"EC\",\"kid\":\"k2\",\"crv\":\"P-256\"}"),
                  t_jwk(t_key1, "k3", ",\"alg\":\"HS256\""));
    ks = t_load(json, &skipped, &rc);
    t_code(rc, COGNITO_ERR_JWKS_NO_KEYS, "JWKS: enc, EC and HS256 keys");
    t_ok(skipped == 3, "JWKS: all three skipped");
    free(json);

    json = t_jwks(t_jwk(t_key_small, "small", ""),
                  t_jwk(t_key1, "k1", ",\"use\":\"sig\",\"alg\":\"RS256\""),
                  strdup("\"string\""));
    ks = t_load(json, &skipped, &rc);
    t_code(rc, COGNITO_OK, "JWKS: a 1024-bit key and a string skipped");
    t_ok(skipped == 2 && cognito_keyset_count(ks) == 1,
         "JWKS: one key kept, two skipped");
    t_ok(t_kid_known(ks, "k1", t_key1) == COGNITO_OK
         && t_kid_known(ks, "small", t_key_small) == COGNITO_ERR_KID_UNKNOWN
         && t_kid_known(ks, "k", t_key1) == COGNITO_ERR_KID_UNKNOWN,
         "JWKS: only the loaded kid verifies");
    cognito_keyset_free(ks);
    free(json);

    json = t_jwks(t_jwk(t_key2, "dup", ""), t_jwk(t_key1, "dup", ""),
                  t_jwk(t_key1, "k1", ",\"e\":\"AQAB=\""));
    ks = t_load(json, &skipped, &rc);
    t_code(rc, COGNITO_ERR_JWKS_JSON, "JWKS: duplicate e in a key");
    free(json);

    json = t_jwks(t_jwk(t_key2, "dup", ""), t_jwk(t_key1, "dup", ""), NULL);
    ks = t_load(json, &skipped, &rc);
    t_code(rc, COGNITO_OK, "JWKS: duplicate kid");
    t_ok(skipped == 1 && cognito_keyset_count(ks) == 1,
         "JWKS: duplicate kid, the first kept");

    if (ks != NULL) {
        cognito_rules_t   rules;
        char             *jwt;

        t_rules(&rules);

        jwt = t_mint("{\"alg\":\"RS256\",\"kid\":\"dup\"}", T_ID, t_key2,
                     EVP_sha256());
        t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_OK,
               "JWKS: duplicate kid, first key verifies");
        free(jwt);

        jwt = t_mint("{\"alg\":\"RS256\",\"kid\":\"dup\"}", T_ID, t_key1,
                     EVP_sha256());
        t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW),
               COGNITO_ERR_SIGNATURE,
               "JWKS: duplicate kid, second key unused");
        free(jwt);
    }

    cognito_keyset_free(ks);
    free(json);

    ks = t_load("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"x\",\"n\":\"AQAB+\","
                "\"e\":\"AQAB\"},{\"kty\":\"RSA\",\"kid\":\"y\",\"e\":\"AQAB\"}"
                "]}", &skipped, &rc);
    t_code(rc, COGNITO_ERR_JWKS_NO_KEYS, "JWKS: bad and missing n");
    t_ok(skipped == 2, "JWKS: keys with bad n skipped");

    ks = NULL;
    rc = cognito_keyset_load("{}", 0, &ks, NULL, NULL);
    t_ok(rc == COGNITO_ERR_JWKS_JSON && ks == NULL,
         "JWKS: empty input, NULL err and skipped");
}


static void
t_render(cognito_keyset_t *ks)
{
    long              n;
    char             *jwt, buf[256];
    double            d;
    size_t            ilen;
    cognito_err_t     err;
    cognito_token_t  *tok;
    const char       *path[3], *item;

    jwt = t_mint(T_HDR,
                 "{\"sub\":\"u-1\",\"n\":-42,\"t\":true,\"f\":false,"
                 "\"z\":null,\"r\":1.5,"
                 "\"cognito:groups\":[\"admin\",\"dev ops\",\"x\"],"
                 "\"mixed\":[\"a\",1,true],\"nested\":[[1],{\"a\":1}],"
                 "\"address\":{\"country\":\"FR\",\"geo\":{\"x\":1}},"
                 "\"scope\":\"openid  email\",\"e\":\"\",\"ea\":[],"
                 "\"gs\":\"readers admins\",\"ga\":[\"admins\",1]}",
                 t_key1, EVP_sha256());

    tok = NULL;
    (void) cognito_token_parse(jwt, strlen(jwt), T_ALL_ALGS, &tok, &err);

    if (tok == NULL) {
        t_ok(0, "claims: parse");
        free(jwt);
        return;
    }

    t_code(cognito_token_verify(tok, ks, &err), COGNITO_OK,
           "claims: signature");
    t_code(cognito_token_read_payload(tok, &err), COGNITO_OK,
           "claims: payload");

#define T_CLAIM(want, desc)                                                   \
    n = cognito_token_claim(tok, path, 1, ",", buf, sizeof(buf));             \
    t_ok(n == (long) strlen(want) && memcmp(buf, want, (size_t) n) == 0,      \
         "claim: %s", desc)

    path[0] = "sub";
    T_CLAIM("u-1", "string");
    path[0] = "n";
    T_CLAIM("-42", "integer");
    path[0] = "t";
    T_CLAIM("true", "true");
    path[0] = "f";
    T_CLAIM("false", "false");
    path[0] = "r";
    T_CLAIM("1.5", "real");
    path[0] = "cognito:groups";
    T_CLAIM("admin,dev ops,x", "array joined");
    path[0] = "mixed";
    T_CLAIM("a,1,true", "mixed scalar array joined");
    path[0] = "nested";
    T_CLAIM("[[1],{\"a\":1}]", "nested array as JSON");
    path[0] = "address";
    T_CLAIM("{\"country\":\"FR\",\"geo\":{\"x\":1}}", "object as JSON");
    path[0] = "e";
    T_CLAIM("", "empty string");
    path[0] = "ea";
    T_CLAIM("", "empty array");

    path[0] = "address";
    path[1] = "country";
    n = cognito_token_claim(tok, path, 2, ",", buf, sizeof(buf));
    t_ok(n == 2 && memcmp(buf, "FR", 2) == 0, "claim: nested path");

    path[1] = "geo";
    path[2] = "x";
    n = cognito_token_claim(tok, path, 3, ",", buf, sizeof(buf));
    t_ok(n == 1 && buf[0] == '1', "claim: three-level path");

    path[1] = "nope";
    t_ok(cognito_token_claim(tok, path, 2, ",", buf, sizeof(buf)) == -1,
         "claim: nested path absent");

    path[0] = "sub";
    path[1] = "x";
    t_ok(cognito_token_claim(tok, path, 2, ",", buf, sizeof(buf)) == -1,
         "claim: path through a string");

    path[0] = "absent";
    t_ok(cognito_token_claim(tok, path, 1, ",", buf, sizeof(buf)) == -1,
         "claim: absent is -1");
    path[0] = "z";
    t_ok(cognito_token_claim(tok, path, 1, ",", buf, sizeof(buf)) == -1,
         "claim: null is -1");

    path[0] = "cognito:groups";
    memset(buf, '#', sizeof(buf));
    n = cognito_token_claim(tok, path, 1, "\n", buf, 4);
    t_ok(n == 15 && memcmp(buf, "admi#", 5) == 0,
         "claim: buffer too small gives the full length");
    t_ok(cognito_token_claim(tok, path, 1, "\n", NULL, 0) == 15,
         "claim: NULL buffer gives the length");

    path[0] = "address";
    memset(buf, '#', sizeof(buf));
    n = cognito_token_claim(tok, path, 1, ",", buf, 3);
    t_ok(n == 30 && buf[3] == '#',
         "claim: JSON into a small buffer, nothing past size");

#define T_HAS_A(c, s)                                                         \
    cognito_token_claim_has(tok, c, COGNITO_CLAIM_ARRAY, s, strlen(s))
#define T_HAS_W(c, s)                                                         \
    cognito_token_claim_has(tok, c, COGNITO_CLAIM_WORDS, s, strlen(s))

    t_ok(T_HAS_A("cognito:groups", "admin"), "claim_has: array element");
    t_ok(T_HAS_A("cognito:groups", "dev ops"),
         "claim_has: array element with a space");
    t_ok(!T_HAS_A("cognito:groups", "adm"),
         "claim_has: array prefix is no match");
    t_ok(!T_HAS_A("cognito:groups", "dev"),
         "claim_has: array elements are not split");
    t_ok(!T_HAS_W("cognito:groups", "admin"),
         "claim_has: an array is no list of words");
    t_ok(T_HAS_W("scope", "email") && T_HAS_W("scope", "openid"),
         "claim_has: space-separated words");
    t_ok(!T_HAS_W("scope", "open")
         && !cognito_token_claim_has(tok, "scope", COGNITO_CLAIM_WORDS, "", 0)
         && !T_HAS_W("scope", "openid  email"),
         "claim_has: no partial or empty word");
    t_ok(!T_HAS_A("scope", "email") && !T_HAS_A("scope", "openid  email")
         && !T_HAS_A("gs", "readers admins") && !T_HAS_A("gs", "admins"),
         "claim_has: a string holds no array elements");
    t_ok(!T_HAS_A("mixed", "a") && !T_HAS_A("ga", "admins"),
         "claim_has: an array with a non-string holds nothing");
    t_ok(!T_HAS_A("absent", "x") && !T_HAS_W("absent", "x")
         && !T_HAS_W("n", "-42") && !T_HAS_A("n", "-42")
         && !T_HAS_A("address", "country"),
         "claim_has: absent or other types");
    t_ok(!cognito_token_claim_has(tok, "scope", 0, "email", 5)
         && !cognito_token_claim_has(tok, "cognito:groups", 3, "admin", 5),
         "claim_has: an unknown form names nothing");

    memset(buf, '#', sizeof(buf));
    n = cognito_token_claim_list(tok, "cognito:groups", ",", buf, sizeof(buf));
    t_ok(n == 15 && memcmp(buf, "admin,dev ops,x", 15) == 0,
         "claim_list: an array of strings joined");
    t_ok(cognito_token_claim_list(tok, "cognito:groups", ",", NULL, 0) == 15,
         "claim_list: NULL buffer gives the length");
    t_ok(cognito_token_claim_list(tok, "ea", ",", buf, sizeof(buf)) == 0,
         "claim_list: an empty array is empty");
    t_ok(cognito_token_claim_list(tok, "gs", ",", buf, sizeof(buf)) == -1
         && cognito_token_claim_list(tok, "ga", ",", buf, sizeof(buf)) == -1
         && cognito_token_claim_list(tok, "mixed", ",", buf, sizeof(buf))
            == -1
         && cognito_token_claim_list(tok, "nested", ",", buf, sizeof(buf))
            == -1
         && cognito_token_claim_list(tok, "z", ",", buf, sizeof(buf)) == -1
         && cognito_token_claim_list(tok, "absent", ",", buf, sizeof(buf))
            == -1,
         "claim_list: a string, mixed array, null or absent is -1");

    t_ok(cognito_token_claim_item(tok, "cognito:groups", 1, &item, &ilen)
         && ilen == 7 && memcmp(item, "dev ops", 7) == 0
         && cognito_token_claim_item(tok, "cognito:groups", 2, &item, &ilen)
         && ilen == 1 && item[0] == 'x'
         && !cognito_token_claim_item(tok, "cognito:groups", 3, &item,
                                      &ilen),
         "claim_item: elements in order, then the end");
    t_ok(!cognito_token_claim_item(tok, "gs", 0, &item, &ilen)
         && !cognito_token_claim_item(tok, "ga", 0, &item, &ilen)
         && !cognito_token_claim_item(tok, "ea", 0, &item, &ilen)
         && !cognito_token_claim_item(tok, "absent", 0, &item, &ilen),
         "claim_item: nothing from a string, a mixed array or none");

    t_ok(cognito_token_claim_number(tok, "r", &d) == 1 && d == 1.5
         && cognito_token_claim_number(tok, "n", &d) == 1 && d == -42
         && cognito_token_claim_number(tok, "sub", &d) == -1
         && cognito_token_claim_number(tok, "absent", &d) == 0,
         "claim_number: numbers, other types, absent");

    t_ok(cognito_token_claim_string(tok, "sub", &item, &ilen) == 1
         && ilen == 3 && memcmp(item, "u-1", 3) == 0
         && cognito_token_claim_string(tok, "e", &item, &ilen) == 1
         && ilen == 0
         && cognito_token_claim_string(tok, "n", &item, &ilen) == -1
         && cognito_token_claim_string(tok, "z", &item, &ilen) == -1
         && cognito_token_claim_string(tok, "ea", &item, &ilen) == -1
         && cognito_token_claim_string(tok, "absent", &item, &ilen) == 0,
         "claim_string: strings, other types, absent");

    cognito_token_free(tok);
    free(jwt);
}


static void
t_ref_digest(void)
{
    char             *jwt;
    cognito_err_t     err;
    cognito_token_t   *tok, *ref;
    cognito_digest_t  *dg;
    unsigned char      d[COGNITO_DIGEST_LEN];

    static const unsigned char  abc[] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
        0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
        0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
        0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad
    };

    dg = cognito_digest_new();

    t_ok(dg != NULL
         && cognito_digest(dg, "abc", 3, d) == COGNITO_OK
         && memcmp(d, abc, sizeof(abc)) == 0
         && cognito_digest(dg, "abc", 3, d) == COGNITO_OK
         && memcmp(d, abc, sizeof(abc)) == 0,
         "digest: SHA-256 of \"abc\", twice with one digester");

    cognito_digest_free(dg);

    jwt = t_mint(T_HDR, T_ID, t_key1, EVP_sha256());
    tok = NULL;
    (void) cognito_token_parse(jwt, strlen(jwt), T_ALL_ALGS, &tok, &err);

    if (tok == NULL) {
        t_ok(0, "ref: parse");
        free(jwt);
        return;
    }

    (void) cognito_token_read_payload(tok, &err);

    ref = cognito_token_ref(tok);
    cognito_token_free(tok);

    /* the first free only dropped a reference */

    t_ok(ref == tok && strcmp(cognito_token_iss(ref), T_ISS) == 0,
         "ref: a referenced token outlives one free");

    cognito_token_free(ref);
    free(jwt);
}


/*
 * A detached token outlives its text: its claims stay readable, and a
 * verification fails closed instead of reading the text (freed here first,
 * so that the sanitizer build catches any read of it).
 */

static void
t_detach(cognito_keyset_t *ks)
{
    char             *jwt;
    size_t            len;
    const char       *sub;
    cognito_err_t     err;
    cognito_token_t  *tok, *ref;

    jwt = t_mint(T_HDR, T_ID, t_key1, EVP_sha256());
    len = strlen(jwt);

    tok = NULL;
    (void) cognito_token_parse(jwt, len, T_ALL_ALGS, &tok, &err);

    if (tok == NULL) {
        t_ok(0, "detach: parse");
        free(jwt);
        return;
    }

    t_code(cognito_token_verify(tok, ks, &err), COGNITO_OK,
           "detach: verified before");
    t_code(cognito_token_read_payload(tok, &err), COGNITO_OK,
           "detach: payload read before");

    ref = cognito_token_ref(tok);
    cognito_token_detach(ref);

    memset(jwt, 'A', len);
    free(jwt);

    t_ok(cognito_token_iss(tok) != NULL
         && strcmp(cognito_token_iss(tok), T_ISS) == 0
         && cognito_token_claim_string(tok, "sub", &sub, &len) == 1
         && cognito_token_alg(tok) == COGNITO_ALG_RS256,
         "detach: claims readable once the text is gone");

    t_code(cognito_token_verify(ref, ks, &err), COGNITO_ERR_INTERNAL,
           "detach: verifying a detached token fails closed");

    cognito_token_detach(tok);
    cognito_token_detach(NULL);

    t_code(cognito_token_verify(tok, ks, &err), COGNITO_ERR_INTERNAL,
           "detach: twice, still closed");

    cognito_token_free(ref);
    cognito_token_free(tok);
}


/*
 * A token's memory: the arena (chained blocks, a mark given back), the
 * decoder into a caller's buffer (the same bytes as cjose's), and a token
 * whose payload outgrows its first block.  LeakSanitizer (make unit
 * SANITIZE=1) checks that each token's free() frees it all.
 */

static void
t_arena(cognito_keyset_t *ks)
{
    int                    ok;
    char                  *b64, *payload, *p, *jwt;
    size_t                 i, n, len, size;
    uint8_t               *bin, out[160], data[96];
    const char            *s;
    cognito_err_t          err;
    cognito_arena_t       *a;
    cognito_token_t       *tok;
    cognito_arena_mark_t   mark;

    a = cognito_arena_new(64);
    if (a == NULL) {
        t_fatal("cognito_arena_new");
        return;
    }

    p = cognito_arena_alloc(a, 40);
    cognito_arena_mark(a, &mark);
    size = cognito_arena_size(a);
    b64 = cognito_arena_alloc(a, 1000);

    t_ok(p != NULL && b64 != NULL && cognito_arena_owns(a, p)
         && cognito_arena_owns(a, b64 + 999)
         && cognito_arena_size(a) > size + 1000
         && ((uintptr_t) b64 & 7) == 0,
         "arena: a block chained for what the first cannot hold, aligned");

    memset(b64, 'x', 1000);

    cognito_arena_release(a, &mark);

    t_ok(cognito_arena_size(a) == size && !cognito_arena_owns(a, b64)
         && cognito_arena_owns(a, p),
         "arena: released to a mark, the chained block is freed");

    p = cognito_arena_alloc(a, 8);
    t_ok(p != NULL && cognito_arena_owns(a, p), "arena: carves again");

    cognito_arena_free(a);
    cognito_arena_free(NULL);

    /* every length, every byte value: cjose's bytes */

    ok = 1;

    for (i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t) (i * 37 + 11);
    }

    for (len = 1; len <= sizeof(data); len++) {
        b64 = t_b64(data, len);
        n = strlen(b64);

        if (COGNITO_B64URL_DECODED(n) < len
            || cognito_b64url_decode_to(b64, n, out, &n) != COGNITO_OK
            || n != len || memcmp(out, data, len) != 0
            || cognito_b64url_decode(b64, strlen(b64), &bin, &size)
               != COGNITO_OK
            || size != n || memcmp(bin, out, n) != 0)
        {
            ok = 0;
        }

        cognito_b64url_free(bin);
        free(b64);
    }

    t_ok(ok, "b64url into a buffer: the bytes cjose decodes, 1..96 bytes");

    t_code(cognito_b64url_decode_to("", 0, out, &n), COGNITO_OK,
           "b64url into a buffer: empty");
    t_code(cognito_b64url_decode_to("AAAAA", 5, out, &n), COGNITO_ERR_BASE64,
           "b64url into a buffer: 1 character left over");
    t_code(cognito_b64url_decode_to("AA=A", 4, out, &n), COGNITO_ERR_BASE64,
           "b64url into a buffer: outside the alphabet");

    /* 600 groups: a tree of about 40 KiB, beyond the first block */

    payload = malloc(8192);
    if (payload == NULL) {
        t_fatal("malloc");
        return;
    }

    n = (size_t) t_time_payload(payload, 8192, ",\"exp\":1700003600,"
                                "\"cognito:groups\":[");
    n -= 1;

    for (i = 0; i < 600; i++) {
        n += (size_t) snprintf(payload + n, 8192 - n, "%s\"g%zu\"",
                               i ? "," : "", i);
    }

    (void) snprintf(payload + n, 8192 - n, "]}");

    t_code(t_claims(payload, ks, T_NOW), COGNITO_OK,
           "arena: a payload beyond the first block verifies");

    jwt = t_mint(T_HDR, payload, t_key1, EVP_sha256());
    tok = NULL;

    if (cognito_token_parse(jwt, strlen(jwt), T_ALL_ALGS, &tok, &err)
        == COGNITO_OK
        && cognito_token_read_payload(tok, &err) == COGNITO_OK)
    {
        cognito_token_detach(tok);
        memset(jwt, 'A', strlen(jwt));

        t_ok(cognito_token_claim_item(tok, "cognito:groups", 599, &s, &len)
             == 1 && len == 4 && memcmp(s, "g599", 4) == 0
             && cognito_token_claim_item(tok, "cognito:groups", 0, &s, &len)
                == 1 && len == 2 && memcmp(s, "g0", 2) == 0,
             "arena: its claims read from the chained blocks, detached");

    } else {
        t_ok(0, "arena: a payload beyond the first block: parse");
    }

    cognito_token_free(tok);
    free(jwt);

    /* a refused payload: what it carved goes back, the token goes whole */

    jwt = t_mint(T_HDR, "{\"a\":1,\"a\":2}", t_key1, EVP_sha256());
    tok = NULL;

    t_ok(cognito_token_parse(jwt, strlen(jwt), T_ALL_ALGS, &tok, &err)
         == COGNITO_OK
         && cognito_token_verify(tok, ks, &err) == COGNITO_OK
         && cognito_token_read_payload(tok, &err) == COGNITO_ERR_PAYLOAD_JSON
         && cognito_token_read_payload(tok, &err) == COGNITO_ERR_PAYLOAD_JSON,
         "arena: a refused payload, read twice (bad_payload)");

    cognito_token_free(tok);
    free(jwt);
    free(payload);
}


/*
 * The cache's parse of a token it verified before: it does not verify
 * (a token whose signature is another key's passes), it keeps no pointer
 * into the text (freed first here, for the sanitizer build), and it
 * still refuses what cognito_token_parse() refuses (t_run_len() compares
 * every token of this file: t_verified_bad).
 */

static void
t_verified(cognito_keyset_t *ks)
{
    int               rc;
    char             *jwt, *copy;
    size_t            len, slen;
    const char       *sub;
    cognito_err_t     err;
    cognito_rules_t   rules;
    cognito_token_t  *tok;

    t_rules(&rules);

    jwt = t_mint(T_HDR, T_ID, t_key2, EVP_sha256());
    len = strlen(jwt);
    copy = strdup(jwt);

    if (copy == NULL) {
        t_fatal("strdup");
    }

    t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW),
           COGNITO_ERR_SIGNATURE,
           "verified: a token signed with another key is refused");

    tok = NULL;
    rc = cognito_token_parse_verified(copy, len, T_ALL_ALGS, &tok, &err);

    memset(copy, 'A', len);
    free(copy);

    t_code(rc, COGNITO_OK,
           "verified: the same token, taken as verified, is read");

    t_ok(tok != NULL
         && strcmp(cognito_token_iss(tok), T_ISS) == 0
         && cognito_token_claim_string(tok, "sub", &sub, &slen) == 1
         && cognito_token_check_claims(tok, &rules, T_NOW, &err)
            == COGNITO_OK,
         "verified: claims read, readable once the text is gone");

    t_code(cognito_token_verify(tok, ks, &err), COGNITO_ERR_INTERNAL,
           "verified: the token is detached: verifying it fails closed");

    cognito_token_free(tok);

    tok = (cognito_token_t *) 1;
    t_code(cognito_token_parse_verified(jwt, len, COGNITO_ALG_RS384, &tok,
                                        &err),
           COGNITO_ERR_ALG_NOT_ALLOWED,
           "verified: an alg the caller no longer allows is refused");
    t_ok(tok == NULL, "verified: no token on failure");

    jwt[len - 1] = t_b64_low_bit(jwt[len - 1]);
    t_code(cognito_token_parse_verified(jwt, len, T_ALL_ALGS, &tok, &err),
           COGNITO_ERR_BASE64,
           "verified: a non-canonical signature is still refused");

    t_code(cognito_token_parse_verified(jwt, strrchr(jwt, '.') - jwt + 1,
                                        T_ALL_ALGS, &tok, &err),
           COGNITO_ERR_TOKEN_MALFORMED,
           "verified: an empty signature is still refused");

    free(jwt);
}


/*
 * The header memo (cognito_jwt.c): a header met before is recalled by its
 * very bytes, its kid whole; the alg is checked again against each
 * caller's allowlist; a header that failed a check is checked anew every
 * time; one pushed out of the memo is checked again, with the same result
 */

static void
t_memo(void)
{
    int                i, rc;
    char               kid[COGNITO_KID_MAX_LEN + 1];
    char               hdr[COGNITO_KID_MAX_LEN + 64];
    char              *jwt, *json;
    size_t             skipped;
    cognito_rules_t    rules;
    cognito_keyset_t  *ks;

    t_rules(&rules);

    /* a kid of the longest length, named by the only key */

    memset(kid, 'q', COGNITO_KID_MAX_LEN);
    kid[COGNITO_KID_MAX_LEN] = '\0';

    json = t_jwks(t_jwk(t_key1, kid, ""), NULL, NULL);
    ks = t_load(json, &skipped, &rc);
    free(json);

    if (ks == NULL) {
        t_fatal("no keyset");
    }

    snprintf(hdr, sizeof(hdr), "{\"alg\":\"RS256\",\"kid\":\"%s\"}", kid);

    for (i = 0; i < 3; i++) {
        jwt = t_mint(hdr, T_ID, t_key1, EVP_sha256());
        t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW), COGNITO_OK,
               i == 0 ? "memo: a header with a 256-byte kid, checked"
                      : "memo: the header recalled: its kid finds its key");
        free(jwt);
    }

    /* one byte shorter: another header, another kid, no key */

    kid[COGNITO_KID_MAX_LEN - 1] = '\0';
    snprintf(hdr, sizeof(hdr), "{\"alg\":\"RS256\",\"kid\":\"%s\"}", kid);

    for (i = 0; i < 2; i++) {
        jwt = t_mint(hdr, T_ID, t_key1, EVP_sha256());
        t_code(t_run(jwt, T_ALL_ALGS, ks, &rules, T_NOW),
               COGNITO_ERR_KID_UNKNOWN,
               "memo: a kid one byte shorter is not the remembered one");
        free(jwt);
    }

    cognito_keyset_free(ks);

    /* the alg, against each caller's allowlist */

    for (i = 0; i < 2; i++) {
        t_code(t_header("{\"alg\":\"RS384\",\"kid\":\"k1\"}", T_ALL_ALGS),
               COGNITO_OK, "memo: RS384 allowed");
        t_code(t_header("{\"alg\":\"RS384\",\"kid\":\"k1\"}",
                        COGNITO_ALG_RS256),
               COGNITO_ERR_ALG_NOT_ALLOWED,
               "memo: the recalled RS384 header, with RS256 only");
    }

    /* failures are not remembered */

    for (i = 0; i < 2; i++) {
        t_code(t_header("{\"alg\":\"RS256\",\"kid\":\"k1\",\"crit\":[\"x\"]}",
                        T_ALL_ALGS),
               COGNITO_ERR_CRIT, "memo: a crit header, each time");
        t_code(t_header("{\"alg\":\"RS256\",\"kid\":\"k1\",\"kid\":\"k2\"}",
                        T_ALL_ALGS),
               COGNITO_ERR_HEADER_JSON, "memo: a duplicate kid, each time");
    }

    /* more headers than the memo keeps: the first is checked again */

    for (i = 0; i < 10; i++) {
        snprintf(hdr, sizeof(hdr), "{\"alg\":\"RS512\",\"kid\":\"m%d\"}", i);
        t_code(t_header(hdr, T_ALL_ALGS), COGNITO_OK,
               "memo: one of ten headers");
    }

    t_code(t_header("{\"alg\":\"RS384\",\"kid\":\"k1\"}", COGNITO_ALG_RS256),
           COGNITO_ERR_ALG_NOT_ALLOWED,
           "memo: a header pushed out, checked again");
}


/*
 * cognito_token_check_claims_memo(): once a token passed a key's rules,
 * the same verdict as cognito_token_check_claims() at every time around
 * nbf and exp; another key or token_use checks everything again; a
 * failure is not remembered
 */

static void
t_claims_memo(void)
{
    int                full, memo, seen_ok, seen_exp, seen_nbf, bad;
    char               buf[512], *jwt;
    size_t             i;
    cognito_err_t      err;
    cognito_rules_t    rules, access;
    cognito_token_t   *tok;
    static const int   key1 = 1, key2 = 2;
    static const double  times[] = {
        1700000000.0 - T_LEEWAY - 1, 1700000000.0 - T_LEEWAY - 0.001,
        1700000000.0 - T_LEEWAY, 1700000000.0, T_NOW,
        1700003600.0 - 1, 1700003600.0 + T_LEEWAY - 0.001,
        1700003600.0 + T_LEEWAY, 1700003600.0 + T_LEEWAY + 5, T_NOW
    };

    t_rules(&rules);
    access = rules;
    access.token_use = COGNITO_USE_ACCESS;

    t_time_payload(buf, sizeof(buf), ",\"exp\":1700003600,"
                   "\"nbf\":1700000000,\"iat\":1699999990");

    jwt = t_mint(T_HDR, buf, t_key1, EVP_sha256());

    tok = NULL;
    t_code(cognito_token_parse_verified(jwt, strlen(jwt), T_ALL_ALGS, &tok,
                                        &err),
           COGNITO_OK, "claims memo: a token with nbf and exp");

    if (tok == NULL) {
        free(jwt);
        return;
    }

    /* a failure first: nothing remembered */

    t_code(cognito_token_check_claims_memo(tok, &key1, &rules,
                                           1700003600.0 + T_LEEWAY, &err),
           COGNITO_ERR_EXPIRED, "claims memo: expired, not remembered");
    t_code(cognito_token_check_claims_memo(tok, &key1, &access, T_NOW, &err),
           COGNITO_ERR_TOKEN_USE,
           "claims memo: after a failure, every rule is checked");

    t_code(cognito_token_check_claims_memo(tok, &key1, &rules, T_NOW, &err),
           COGNITO_OK, "claims memo: passed, remembered");

    bad = 0;
    seen_ok = 0;
    seen_exp = 0;
    seen_nbf = 0;

    for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
        memo = cognito_token_check_claims_memo(tok, &key1, &rules, times[i],
                                               &err);
        bad += (memo != (int) err.code || err.msg == NULL);
        full = cognito_token_check_claims(tok, &rules, times[i], &err);
        bad += (memo != full);
        seen_ok += (memo == COGNITO_OK);
        seen_exp += (memo == COGNITO_ERR_EXPIRED);
        seen_nbf += (memo == COGNITO_ERR_NOT_YET_VALID);
    }

    t_ok(bad == 0 && seen_ok >= 4 && seen_exp == 2 && seen_nbf == 2,
         "claims memo: the full check's verdict at every time");

    t_code(cognito_token_check_claims_memo(tok, &key1, &access, T_NOW, &err),
           COGNITO_ERR_TOKEN_USE,
           "claims memo: the same key, another token_use: checked again");

    rules.issuers = t_clients;

    t_code(cognito_token_check_claims_memo(tok, &key2, &rules, T_NOW, &err),
           COGNITO_ERR_ISSUER, "claims memo: another key: checked again");

    t_code(cognito_token_check_claims_memo(tok, NULL, &rules, T_NOW, &err),
           COGNITO_ERR_ISSUER, "claims memo: no key: checked");

    cognito_token_free(tok);
    free(jwt);
}


static void
t_exp(void)
{
    size_t             i;
    char              *jwt, payload[256];
    cognito_err_t      err;
    cognito_token_t   *tok;

    static const struct {
        const char  *exp;
        time_t       want;
    } cases[] = {
        { "1700003600", 1700003600 },
        { "1700003600.999", 1700003600 },
        { "1700003600.0", 1700003600 },
        { "0.5", 0 },
        { "-5", 0 },
        { "-1e300", 0 },
        { "\"1700003600\"", 0 },
        { "1e300", sizeof(time_t) < 8 ? (time_t) 2147483647
                                      : (time_t) 4611686018427387904LL },
        { "9223372036854775807", sizeof(time_t) < 8
                                 ? (time_t) 2147483647
                                 : (time_t) 4611686018427387904LL },
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(payload, sizeof(payload), "{\"exp\":%s}", cases[i].exp);
        jwt = t_mint(T_HDR, payload, t_key1, EVP_sha256());
        tok = NULL;
        (void) cognito_token_parse(jwt, strlen(jwt), T_ALL_ALGS, &tok, &err);
        (void) cognito_token_read_payload(tok, &err);
        t_ok(tok != NULL && cognito_token_exp(tok) == cases[i].want,
             "token_exp: %s rounds down and is capped", cases[i].exp);
        cognito_token_free(tok);
        free(jwt);
    }
}


static void
t_names(void)
{
    int          i, j, bad;
    const char  *a;

    bad = 0;

    for (i = 0; i < COGNITO_ERR_LAST; i++) {
        a = cognito_code_name(i);

        if (a == NULL || a[0] == '\0') {
            bad++;
            continue;
        }

        for (j = 0; j < i; j++) {
            if (strcmp(a, cognito_code_name(j)) == 0) {
                bad++;
            }
        }
    }

    t_ok(bad == 0, "code names: all distinct and non-empty");
    t_ok(strcmp(cognito_code_name(COGNITO_ERR_EXPIRED), "token_expired") == 0
         && strcmp(cognito_code_name(COGNITO_ERR_TOKEN_JWE),
                   "token_encrypted") == 0
         && strcmp(cognito_code_name(COGNITO_ERR_INTERNAL),
                   "internal_error") == 0
         && strcmp(cognito_code_name(COGNITO_ERR_CRIT),
                   "crit_unsupported") == 0,
         "code names: stable spellings");
    t_ok(strcmp(cognito_code_name(COGNITO_ERR_LAST), "internal_error") == 0
         && strcmp(cognito_code_name((cognito_code_e) -1),
                   "internal_error") == 0,
         "code names: out of range");
}


/* standard base64 of s, padded (EVP_EncodeBlock), or unpadded */

static char *
t_std_b64(const char *s, int pad)
{
    int     n;
    size_t  len;
    char   *out;

    len = strlen(s);

    out = malloc(4 * (len / 3 + 1) + 1);
    if (out == NULL) {
        t_fatal("malloc");
    }

    n = EVP_EncodeBlock((unsigned char *) out, (const unsigned char *) s,
                        (int) len);

    while (!pad && n > 0 && out[n - 1] == '=') {
        out[--n] = '\0';
    }

    return out;
}


/* the AppSync "header" of json, its token compared with want (NULL: none) */

static void
t_appsync(const char *json, int pad, const char *want, const char *desc)
{
    long   n;
    char  *b64, buf[256];

    b64 = t_std_b64(json, pad);
    n = cognito_appsync_header_token(b64, strlen(b64), buf, sizeof(buf));

    if (want == NULL) {
        t_ok(n == -1, "appsync: %s", desc);

    } else {
        t_ok(n == (long) strlen(want) && memcmp(buf, want, n) == 0,
             "appsync: %s", desc);
    }

    free(b64);
}


static void
t_sources(void)
{
    long         n;
    char        *big, buf[64];
    size_t       i, len;
    uint8_t     *bin;
    const char  *tok;

    static const struct {
        const char  *value;
        unsigned     schemes;
        const char  *want;    /* NULL: no token */
    } cases[] = {
        { "Bearer a.b.c", COGNITO_SCHEME_BEARER, "a.b.c" },
        { "bEARER   a.b.c \t", COGNITO_SCHEME_BEARER, "a.b.c" },
        { "Bearer x", COGNITO_SCHEME_BEARER, "x" },
        { "Bearer ", COGNITO_SCHEME_BEARER, NULL },
        { "Bearer    ", COGNITO_SCHEME_BEARER, NULL },
        { "Bearer\ta.b.c", COGNITO_SCHEME_BEARER, NULL },
        { "Bearera.b.c", COGNITO_SCHEME_BEARER, NULL },
        { "a.b.c", COGNITO_SCHEME_BEARER, NULL },
        { "a.b.c", COGNITO_SCHEME_BARE, "a.b.c" },
        { "eyJ-_0.eyJ9.s_-", COGNITO_SCHEME_BARE, "eyJ-_0.eyJ9.s_-" },
        { "a.b.c.d.e", COGNITO_SCHEME_BARE, "a.b.c.d.e" },
        { "a.b.c.d", COGNITO_SCHEME_BARE, NULL },
        { "a.b", COGNITO_SCHEME_BARE, NULL },
        { "Basic dXNlcjpwYXNz", COGNITO_SCHEME_BARE, NULL },
        { "Basic dXNlcjpwYXNz", COGNITO_SCHEME_BEARER|COGNITO_SCHEME_BARE,
          NULL },
        { "Digest a.b.c", COGNITO_SCHEME_BEARER|COGNITO_SCHEME_BARE, NULL },
        { "a.b.c ", COGNITO_SCHEME_BARE, NULL },
        { "a+b.c.d", COGNITO_SCHEME_BARE, NULL },
        { "Bearer a.b.c", COGNITO_SCHEME_BARE, NULL },
        { "Bearer a.b.c", COGNITO_SCHEME_BEARER|COGNITO_SCHEME_BARE,
          "a.b.c" },
        { "a.b.c", COGNITO_SCHEME_BEARER|COGNITO_SCHEME_BARE, "a.b.c" },
        { "", COGNITO_SCHEME_BEARER|COGNITO_SCHEME_BARE, NULL },
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tok = NULL;
        len = 0;

        n = cognito_authorization_token(cases[i].value,
                                        strlen(cases[i].value),
                                        cases[i].schemes, &tok, &len);

        if (cases[i].want == NULL) {
            t_ok(n == 0, "authorization: \"%s\" (%u) holds no token",
                 cases[i].value, cases[i].schemes);

        } else {
            t_ok(n == 1 && len == strlen(cases[i].want)
                 && memcmp(tok, cases[i].want, len) == 0,
                 "authorization: \"%s\" (%u) holds \"%s\"",
                 cases[i].value, cases[i].schemes, cases[i].want);
        }
    }

    t_ok(cognito_token_shape("a.b.c", 5) == 3
         && cognito_token_shape("a.b.c.d.e", 9) == 5
         && cognito_token_shape("abc", 3) == 0
         && cognito_token_shape("", 0) == 0
         && cognito_token_shape("a.b\0.c", 6) == 0,
         "token_shape: JWS 3, JWE 5, else 0 (a NUL included)");

    /* base64: both alphabets, padded or not */

    t_code(cognito_b64_decode("+/8=", 4, &bin, &len), COGNITO_OK,
           "b64: standard, padded");
    t_ok(bin != NULL && len == 2 && bin[0] == 0xfb && bin[1] == 0xff,
         "b64: standard alphabet decoded");
    cognito_b64url_free(bin);

    t_code(cognito_b64_decode("-_8", 3, &bin, &len), COGNITO_OK,
           "b64: url-safe, unpadded");
    cognito_b64url_free(bin);

    t_code(cognito_b64_decode("+/8", 3, &bin, &len), COGNITO_OK,
           "b64: standard, unpadded");
    cognito_b64url_free(bin);

    t_code(cognito_b64_decode("+/8==", 5, &bin, &len), COGNITO_ERR_BASE64,
           "b64: padding that does not make quanta");
    t_code(cognito_b64_decode("+=/8", 4, &bin, &len), COGNITO_ERR_BASE64,
           "b64: padding inside");
    t_code(cognito_b64_decode("====", 4, &bin, &len), COGNITO_ERR_BASE64,
           "b64: padding only");
    t_code(cognito_b64_decode("", 0, &bin, &len), COGNITO_ERR_BASE64,
           "b64: empty");
    t_code(cognito_b64_decode("ab%d", 4, &bin, &len), COGNITO_ERR_BASE64,
           "b64: outside both alphabets");
    t_code(cognito_b64_decode("abcde", 5, &bin, &len), COGNITO_ERR_BASE64,
           "b64: a character left over");
    t_ok(bin == NULL, "b64: no buffer on failure");

    /* AppSync's "header" */

    t_appsync("{\"Authorization\":\"a.b.c\",\"host\":\"x.appsync-api."
              "us-east-1.amazonaws.com\"}", 1, "a.b.c", "bare, padded");
    t_appsync("{\"host\":\"h\",\"Authorization\":\"Bearer  a.b.c\"}", 0,
              "a.b.c", "Bearer, unpadded");
    t_appsync("{\"Authorization\":\"a.b.c.d.e\"}", 1, "a.b.c.d.e",
              "a JWE is passed on (the parser refuses it)");
    t_appsync("{\"authorization\":\"a.b.c\"}", 1, NULL,
              "only \"Authorization\"");
    t_appsync("{\"Authorization\":\"Basic dXNlcjpwYXNz\"}", 1, NULL,
              "Basic is no token");
    t_appsync("{\"Authorization\":\"a.b.c\",\"Authorization\":\"d.e.f\"}",
              1, NULL, "duplicate members refused");
    t_appsync("{\"Authorization\":[\"a.b.c\"]}", 1, NULL,
              "not a string");
    t_appsync("[\"a.b.c\"]", 1, NULL, "not an object");
    t_appsync("{\"Authorization\":\"a.b.c\"", 1, NULL, "not JSON");
    t_appsync("{\"Authorization\":\"a.b\\u0000.c\"}", 1, NULL,
              "a NUL is no token");
    t_appsync("{\"Authorization\":\"\"}", 1, NULL, "empty");

    n = cognito_appsync_header_token("e30", 3, buf, sizeof(buf));
    t_ok(n == -1, "appsync: {} holds no token");

    n = cognito_appsync_header_token("!!!!", 4, buf, sizeof(buf));
    t_ok(n == -1, "appsync: not base64");

    /* the whole length is returned; nothing is written past size */

    big = t_std_b64("{\"Authorization\":\"aaaa.bbbb.cccc\"}", 1);
    memset(buf, 'x', sizeof(buf));
    n = cognito_appsync_header_token(big, strlen(big), buf, 4);
    t_ok(n == 14 && buf[0] == 'x', "appsync: a short buffer is untouched");
    free(big);

    len = COGNITO_APPSYNC_MAX_LEN + 4;
    big = malloc(len);
    if (big == NULL) {
        t_fatal("malloc");
    }

    memset(big, 'A', len);
    n = cognito_appsync_header_token(big, len, buf, sizeof(buf));
    t_ok(n == -1, "appsync: over COGNITO_APPSYNC_MAX_LEN");
    free(big);
}


int
main(void)
{
    int                rc;
    char              *json;
    size_t             skipped;
    cognito_keyset_t  *ks;

    setvbuf(stdout, NULL, _IOLBF, 0);

    t_key1 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) 2048);
    t_key2 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) 2048);
    t_key_small = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) 1024);

    if (t_key1 == NULL || t_key2 == NULL || t_key_small == NULL) {
        t_fatal("RSA key generation");
    }

    json = t_jwks(t_jwk(t_key1, "k1", ",\"use\":\"sig\""),
                  t_jwk(t_key1, "k512", ",\"alg\":\"RS512\""),
                  NULL);

    ks = t_load(json, &skipped, &rc);
    t_code(rc, COGNITO_OK, "JWKS: load two keys");
    free(json);

    if (ks == NULL) {
        t_fatal("no keyset");
    }

    t_ok(cognito_keyset_count(ks) == 2 && skipped == 0, "JWKS: count");

    t_tokens(ks);
    t_keysets();
    t_render(ks);
    t_names();
    t_exp();
    t_ref_digest();
    t_detach(ks);
    t_arena(ks);
    t_verified(ks);
    t_memo();
    t_claims_memo();
    t_sources();

    t_ok(t_verified_runs > 100 && t_verified_bad == 0,
         "verified: all %u tokens of this file have the verdict of parse "
         "and payload (%u differ)", t_verified_runs, t_verified_bad);

    cognito_keyset_free(ks);

    EVP_PKEY_free(t_key1);
    EVP_PKEY_free(t_key2);
    EVP_PKEY_free(t_key_small);

    return t_done("unit");
}
