
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Browser sign-in, the pure part: the session key file, JWE sealing and
 * opening (dir + A256GCM, cjose; the protected header checked by us
 * first), the login state and PKCE, cookie chunks with a cap, and the
 * same-site check of the URL to return to.  Calls only cognito_util.c.
 */


#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjose/cjose.h>
#include <jansson.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "cognito_util.h"
#include "cognito_session.h"


#define COGNITO_KEY_B64_LEN     43      /* 32 bytes, unpadded base64url */
#define COGNITO_IV_B64_LEN      16      /* 12 bytes */
#define COGNITO_TAG_B64_LEN     22      /* 16 bytes */
#define COGNITO_SESSION_TOKEN_MAX  8192  /* as cognito_jwt.c's cap */


struct cognito_session_keys_s {
    size_t                   n;
    cjose_jwk_t             *jwk[COGNITO_SESSION_MAX_KEYS];
    char                     kid[COGNITO_SESSION_MAX_KEYS]
                                [COGNITO_SESSION_KID_LEN + 1];
};


static cognito_session_e cognito_session_key_add(cognito_session_keys_t *keys,
    const char *p, size_t len, const char **msg);
static cognito_session_e cognito_session_check_header(
    const cognito_session_keys_t *keys, const char *in, size_t len,
    size_t *key);
static int cognito_session_segments(const char *in, size_t len,
    size_t seg[4]);
static int cognito_session_alnum(const char *s, size_t len);
static int cognito_session_string(json_t *o, const char *name, char *out,
    size_t max);
static size_t cognito_session_b64url(const uint8_t *in, size_t len,
    char *out);
static int cognito_session_hex(int c);
static int cognito_session_token_shape(json_t *v);
static char *cognito_session_strdup(json_t *v);
static cognito_session_e cognito_session_seal_json(
    const cognito_session_keys_t *keys, json_t *o, char **out,
    size_t *out_len);
static cognito_session_e cognito_tokens_take(cognito_tokens_t *t, json_t *id,
    json_t *at, json_t *rt);


static const char  *cognito_session_msgs[] = {
    "ok",
    "no session cookie",
    "session cookie malformed",
    "session cookie has too many chunks",
    "session sealed under an unknown key",
    "session cookie does not decrypt",
    "session content invalid",
    "session expired",
    "out of memory",
    "internal error"
};


static const char  cognito_session_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";


const char *
cognito_session_msg(cognito_session_e rc)
{
    if ((size_t) rc >= sizeof(cognito_session_msgs)
                       / sizeof(cognito_session_msgs[0]))
    {
        return "unknown";
    }

    return cognito_session_msgs[rc];
}


cognito_session_e
cognito_session_keys_load(const char *data, size_t len,
    cognito_session_keys_t **keys, const char **msg)
{
    size_t                   i, e, b, eol;
    cognito_session_e        rc;
    cognito_session_keys_t  *ks;

    *keys = NULL;
    *msg = "no key";

    ks = calloc(1, sizeof(cognito_session_keys_t));
    if (ks == NULL) {
        *msg = "out of memory";
        return COGNITO_SESSION_NOMEM;
    }

    for (i = 0; i < len; i = eol + 1) {
        for (eol = i; eol < len && data[eol] != '\n'; eol++) {
            /* the line's end */
        }

        /* blanks trimmed on both sides; a '#' line is a comment */

        for (b = i; b < eol && (data[b] == ' ' || data[b] == '\t'); b++) {
            /* void */
        }

        for (e = eol; e > b && (data[e - 1] == ' ' || data[e - 1] == '\t'
                                || data[e - 1] == '\r'); e--)
        {
            /* void */
        }

        if (b == e || data[b] == '#') {
            continue;
        }

        rc = cognito_session_key_add(ks, data + b, e - b, msg);
        if (rc != COGNITO_SESSION_OK) {
            cognito_session_keys_free(ks);
            return rc;
        }
    }

    if (ks->n == 0) {
        cognito_session_keys_free(ks);
        *msg = "no key in the file";
        return COGNITO_SESSION_CONTENT;
    }

    *keys = ks;
    *msg = "ok";

    return COGNITO_SESSION_OK;
}


static cognito_session_e
cognito_session_key_add(cognito_session_keys_t *keys, const char *p,
    size_t len, const char **msg)
{
    size_t         n, i;
    uint8_t       *raw;
    cjose_err      cerr;
    unsigned char  md[SHA256_DIGEST_LENGTH];

    if (keys->n == COGNITO_SESSION_MAX_KEYS) {
        *msg = "more than 8 keys";
        return COGNITO_SESSION_CONTENT;
    }

    if (len != COGNITO_KEY_B64_LEN || !cognito_b64url_valid(p, len)
        || !cognito_b64url_canonical(p, len))
    {
        *msg = "a key is not 32 bytes in base64url (43 characters)";
        return COGNITO_SESSION_CONTENT;
    }

    if (cognito_b64url_decode(p, len, &raw, &n) != COGNITO_OK) {
        *msg = "out of memory";
        return COGNITO_SESSION_NOMEM;
    }

    if (n != COGNITO_SESSION_KEY_LEN) {
        cognito_b64url_free(raw);
        *msg = "a key is not 32 bytes";
        return COGNITO_SESSION_CONTENT;
    }

    /* the kid: 6 bytes of the key's SHA-256, not the key */

    SHA256(raw, n, md);

    if (cognito_session_b64url(md, 6, keys->kid[keys->n])
        != COGNITO_SESSION_KID_LEN)
    {
        cognito_b64url_free(raw);
        *msg = "out of memory";
        return COGNITO_SESSION_NOMEM;
    }

    for (i = 0; i < keys->n; i++) {
        if (strcmp(keys->kid[i], keys->kid[keys->n]) == 0) {
            memset(raw, 0, n);
            cognito_b64url_free(raw);
            *msg = "a key is listed twice";
            return COGNITO_SESSION_CONTENT;
        }
    }

    keys->jwk[keys->n] = cjose_jwk_create_oct_spec(raw, n, &cerr);

    memset(raw, 0, n);
    cognito_b64url_free(raw);

    if (keys->jwk[keys->n] == NULL) {
        *msg = "out of memory";
        return COGNITO_SESSION_NOMEM;
    }

    keys->n++;

    return COGNITO_SESSION_OK;
}


void
cognito_session_keys_free(cognito_session_keys_t *keys)
{
    size_t  i;

    if (keys == NULL) {
        return;
    }

    for (i = 0; i < keys->n; i++) {
        cjose_jwk_release(keys->jwk[i]);
    }

    free(keys);
}


size_t
cognito_session_keys_count(const cognito_session_keys_t *keys)
{
    return keys->n;
}


cognito_session_e
cognito_session_seal(const cognito_session_keys_t *keys, const uint8_t *data,
    size_t len, char **out, size_t *out_len)
{
    char               *s;
    cjose_err           cerr;
    cjose_jwe_t        *jwe;
    cjose_header_t     *hdr;
    cognito_session_e   rc;

    *out = NULL;
    *out_len = 0;
    jwe = NULL;
    rc = COGNITO_SESSION_NOMEM;

    hdr = cjose_header_new(&cerr);
    if (hdr == NULL) {
        return COGNITO_SESSION_NOMEM;
    }

    if (!cjose_header_set(hdr, CJOSE_HDR_ALG, CJOSE_HDR_ALG_DIR, &cerr)
        || !cjose_header_set(hdr, CJOSE_HDR_ENC, CJOSE_HDR_ENC_A256GCM,
                             &cerr)
        || !cjose_header_set(hdr, CJOSE_HDR_KID, keys->kid[0], &cerr))
    {
        goto failed;
    }

    jwe = cjose_jwe_encrypt(keys->jwk[0], hdr, data, len, &cerr);
    if (jwe == NULL) {
        rc = COGNITO_SESSION_INTERNAL;
        goto failed;
    }

    s = cjose_jwe_export(jwe, &cerr);
    if (s == NULL) {
        goto failed;
    }

    *out = s;
    *out_len = strlen(s);
    rc = COGNITO_SESSION_OK;

    if (*out_len > COGNITO_SEALED_MAX) {
        cognito_session_free(s);
        *out = NULL;
        *out_len = 0;
        rc = COGNITO_SESSION_TOO_MANY;
    }

failed:

    if (jwe != NULL) {
        cjose_jwe_release(jwe);
    }

    cjose_header_release(hdr);

    return rc;
}


/*
 * Ours only: five segments, an empty encrypted key (dir), an IV of 12
 * bytes and a tag of 16 (the tag's length checked here, not left to the
 * library), a protected header of exactly alg "dir", enc "A256GCM" and the
 * kid of a key of the file, which *key is set to.
 */

cognito_session_e
cognito_session_open(const cognito_session_keys_t *keys, const char *in,
    size_t len, uint8_t **out, size_t *out_len)
{
    size_t              key, n;
    uint8_t            *pt;
    cjose_err           cerr;
    cjose_jwe_t        *jwe;
    cognito_session_e   rc;

    *out = NULL;
    *out_len = 0;

    if (len == 0) {
        return COGNITO_SESSION_MISSING;
    }

    if (len > COGNITO_SEALED_MAX) {
        return COGNITO_SESSION_MALFORMED;
    }

    rc = cognito_session_check_header(keys, in, len, &key);
    if (rc != COGNITO_SESSION_OK) {
        return rc;
    }

    jwe = cjose_jwe_import(in, len, &cerr);
    if (jwe == NULL) {
        return cerr.code == CJOSE_ERR_NO_MEMORY ? COGNITO_SESSION_NOMEM
                                                : COGNITO_SESSION_MALFORMED;
    }

    pt = cjose_jwe_decrypt(jwe, keys->jwk[key], &n, &cerr);

    cjose_jwe_release(jwe);

    if (pt == NULL) {
        return cerr.code == CJOSE_ERR_NO_MEMORY ? COGNITO_SESSION_NOMEM
                                                : COGNITO_SESSION_DECRYPT;
    }

    *out = pt;
    *out_len = n;

    return COGNITO_SESSION_OK;
}


static cognito_session_e
cognito_session_check_header(const cognito_session_keys_t *keys,
    const char *in, size_t len, size_t *key)
{
    size_t         i, n, b, e, seg[4];
    uint8_t       *raw;
    json_t        *h, *alg, *enc, *kid;
    json_error_t   jerr;

    if (!cognito_session_segments(in, len, seg)) {
        return COGNITO_SESSION_MALFORMED;
    }

    /* header.key.iv.ciphertext.tag: segment i ends at seg[i] */

    if (seg[1] != seg[0] + 1
        || seg[2] - seg[1] - 1 != COGNITO_IV_B64_LEN
        || seg[3] - seg[2] - 1 == 0
        || len - seg[3] - 1 != COGNITO_TAG_B64_LEN)
    {
        return COGNITO_SESSION_MALFORMED;
    }

    /* one encoding a value: a changed unused bit is a changed cookie */

    for (i = 0; i < 5; i++) {
        b = (i == 0) ? 0 : seg[i - 1] + 1;
        e = (i == 4) ? len : seg[i];

        if (e > b && (!cognito_b64url_valid(in + b, e - b)
                      || !cognito_b64url_canonical(in + b, e - b)))
        {
            return COGNITO_SESSION_MALFORMED;
        }
    }

    if (cognito_b64url_decode(in, seg[0], &raw, &n) != COGNITO_OK) {
        return COGNITO_SESSION_MALFORMED;
    }

    h = json_loadb((const char *) raw, n, JSON_REJECT_DUPLICATES, &jerr);
    cognito_b64url_free(raw);

    if (h == NULL) {
        return COGNITO_SESSION_MALFORMED;
    }

    alg = json_object_get(h, "alg");
    enc = json_object_get(h, "enc");
    kid = json_object_get(h, "kid");

    if (!json_is_object(h) || json_object_size(h) != 3
        || !json_is_string(alg) || strcmp(json_string_value(alg), "dir")
        || !json_is_string(enc) || strcmp(json_string_value(enc), "A256GCM")
        || !json_is_string(kid))
    {
        json_decref(h);
        return COGNITO_SESSION_MALFORMED;
    }

    for (i = 0; i < keys->n; i++) {
        if (strcmp(json_string_value(kid), keys->kid[i]) == 0) {
            json_decref(h);
            *key = i;
            return COGNITO_SESSION_OK;
        }
    }

    json_decref(h);

    return COGNITO_SESSION_UNKNOWN_KEY;
}


/* five segments of base64url: seg[i] is the offset of the i-th dot */

static int
cognito_session_segments(const char *in, size_t len, size_t seg[4])
{
    size_t  i, dots;

    dots = 0;

    for (i = 0; i < len; i++) {
        switch (cognito_b64url_class[(unsigned char) in[i]]) {

        case 1:
            break;

        case 2:
            if (dots == 4) {
                return 0;
            }

            seg[dots++] = i;
            break;

        default:
            return 0;
        }
    }

    return dots == 4 && seg[0] > 0;
}


void
cognito_session_free(void *p)
{
    if (p != NULL) {
        cjose_get_dealloc()(p);
    }
}


cognito_session_e
cognito_login_new(cognito_login_t *login, const char *url, size_t url_len,
    int64_t exp)
{
    memset(login, 0, sizeof(cognito_login_t));

    if (!cognito_random_alnum(login->state, COGNITO_RANDOM_LEN)
        || !cognito_random_alnum(login->nonce, COGNITO_RANDOM_LEN)
        || !cognito_random_alnum(login->verifier, COGNITO_VERIFIER_LEN))
    {
        return COGNITO_SESSION_INTERNAL;
    }

    if (url_len <= COGNITO_URL_MAX && cognito_safe_redirect(url, url_len)) {
        memcpy(login->url, url, url_len);
        login->url[url_len] = '\0';

    } else {
        login->url[0] = '/';
    }

    login->exp = exp;

    return COGNITO_SESSION_OK;
}


cognito_session_e
cognito_login_seal(const cognito_session_keys_t *keys,
    const cognito_login_t *login, char **out, size_t *out_len)
{
    json_t  *o;

    o = json_pack("{s:s, s:s, s:s, s:s, s:I}",
                  "s", login->state, "n", login->nonce,
                  "v", login->verifier, "u", login->url,
                  "e", (json_int_t) login->exp);
    return cognito_session_seal_json(keys, o, out, out_len);
}


/* o sealed, and released; its text wiped */

static cognito_session_e
cognito_session_seal_json(const cognito_session_keys_t *keys, json_t *o,
    char **out, size_t *out_len)
{
    char               *s;
    cognito_session_e   rc;

    *out = NULL;
    *out_len = 0;

    if (o == NULL) {
        return COGNITO_SESSION_NOMEM;
    }

    s = json_dumps(o, JSON_COMPACT);
    json_decref(o);

    if (s == NULL) {
        return COGNITO_SESSION_NOMEM;
    }

    rc = cognito_session_seal(keys, (const uint8_t *) s, strlen(s), out,
                              out_len);

    memset(s, 0, strlen(s));
    free(s);

    return rc;
}


cognito_session_e
cognito_login_open(const cognito_session_keys_t *keys, const char *in,
    size_t len, int64_t now, cognito_login_t *login)
{
    size_t              n;
    json_t             *o, *e;
    uint8_t            *pt;
    json_error_t        jerr;
    cognito_session_e   rc;

    memset(login, 0, sizeof(cognito_login_t));

    rc = cognito_session_open(keys, in, len, &pt, &n);
    if (rc != COGNITO_SESSION_OK) {
        return rc;
    }

    o = json_loadb((const char *) pt, n, JSON_REJECT_DUPLICATES, &jerr);
    cognito_session_free(pt);

    if (o == NULL) {
        return COGNITO_SESSION_CONTENT;
    }

    e = json_object_get(o, "e");

    rc = COGNITO_SESSION_CONTENT;

    if (!json_is_object(o) || json_object_size(o) != 5
        || !json_is_integer(e)
        || !cognito_session_string(o, "s", login->state, COGNITO_RANDOM_LEN)
        || !cognito_session_string(o, "n", login->nonce, COGNITO_RANDOM_LEN)
        || !cognito_session_string(o, "v", login->verifier,
                                   COGNITO_VERIFIER_LEN)
        || !cognito_session_string(o, "u", login->url, COGNITO_URL_MAX))
    {
        goto failed;
    }

    login->exp = json_integer_value(e);

    if (strlen(login->state) != COGNITO_RANDOM_LEN
        || strlen(login->nonce) != COGNITO_RANDOM_LEN
        || strlen(login->verifier) != COGNITO_VERIFIER_LEN
        || !cognito_session_alnum(login->state, COGNITO_RANDOM_LEN)
        || !cognito_session_alnum(login->nonce, COGNITO_RANDOM_LEN)
        || !cognito_session_alnum(login->verifier, COGNITO_VERIFIER_LEN)
        || !cognito_safe_redirect(login->url, strlen(login->url)))
    {
        goto failed;
    }

    rc = login->exp > now ? COGNITO_SESSION_OK : COGNITO_SESSION_EXPIRED;

failed:

    json_decref(o);

    if (rc != COGNITO_SESSION_OK) {
        memset(login, 0, sizeof(cognito_login_t));
    }

    return rc;
}


/* a string member of at most max bytes, copied with its NUL */

static int
cognito_session_string(json_t *o, const char *name, char *out, size_t max)
{
    size_t   n;
    json_t  *v;

    v = json_object_get(o, name);

    if (!json_is_string(v)) {
        return 0;
    }

    n = json_string_length(v);

    if (n > max || memchr(json_string_value(v), '\0', n) != NULL) {
        return 0;
    }

    memcpy(out, json_string_value(v), n);
    out[n] = '\0';

    return 1;
}


static int
cognito_session_alnum(const char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (strchr(cognito_session_alphabet, s[i]) == NULL || s[i] == '\0') {
            return 0;
        }
    }

    return 1;
}


int
cognito_pkce_challenge(const char *verifier,
    char out[COGNITO_CHALLENGE_LEN + 1])
{
    unsigned char  md[SHA256_DIGEST_LENGTH];

    SHA256((const unsigned char *) verifier, strlen(verifier), md);

    return cognito_session_b64url(md, sizeof(md), out)
           == COGNITO_CHALLENGE_LEN;
}


/* unbiased: bytes of 248 or more (4 * 62) are drawn again */

int
cognito_random_alnum(char *out, size_t len)
{
    size_t         i, j;
    unsigned char  buf[64];

    i = 0;

    while (i < len) {
        if (RAND_bytes(buf, sizeof(buf)) != 1) {
            return 0;
        }

        for (j = 0; j < sizeof(buf) && i < len; j++) {
            if (buf[j] < 248) {
                out[i++] = cognito_session_alphabet[buf[j] % 62];
            }
        }
    }

    out[len] = '\0';
    memset(buf, 0, sizeof(buf));

    return 1;
}


int
cognito_safe_redirect(const char *url, size_t len)
{
    int            c1, c2;
    char           buf[32];
    size_t         i, j, n, round;
    unsigned char  c;

    if (len == 0 || url[0] != '/') {
        return 0;
    }

    /*
     * Only visible ASCII: browsers drop tabs and newlines from URLs
     * ("/\t/evil" is "//evil"), and CR LF would split the header
     */

    for (i = 0; i < len; i++) {
        c = (unsigned char) url[i];

        if (c <= 0x20 || c >= 0x7f || c == '\\') {
            return 0;
        }
    }

    /*
     * The character after the first slash is no slash or backslash, also
     * when percent-decoded up to three times ("/%2F", "/%252F", "/%5C")
     */

    n = len < sizeof(buf) ? len : sizeof(buf);
    memcpy(buf, url, n);

    for (round = 0; round < 4 && n > 1; round++) {
        c = (unsigned char) buf[1];

        if (c == '/' || c == '\\' || c <= 0x20 || c >= 0x7f) {
            return 0;
        }

        if (memchr(buf, '%', n) == NULL) {
            break;
        }

        for (i = 0, j = 0; i < n; i++, j++) {
            if (buf[i] == '%' && i + 2 < n) {
                c1 = cognito_session_hex(buf[i + 1]);
                c2 = cognito_session_hex(buf[i + 2]);

                if (c1 >= 0 && c2 >= 0) {
                    buf[j] = (char) (c1 * 16 + c2);
                    i += 2;
                    continue;
                }
            }

            buf[j] = buf[i];
        }

        n = j;
    }

    return 1;
}


static int
cognito_session_hex(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


void
cognito_chunks_init(cognito_chunks_t *c, const char *name, size_t name_len)
{
    memset(c, 0, sizeof(cognito_chunks_t));

    c->name = name;
    c->name_len = name_len;
}


/*
 * One Cookie line: "a=b; c=d".  A cookie of ours is name_N, N in decimal
 * without leading zeros; N at or beyond the cap counts as too many.
 */

void
cognito_chunks_scan(cognito_chunks_t *c, const char *line, size_t len)
{
    size_t       i, e, eq, k, n;
    const char  *p;

    for (i = 0; i < len; i = e + 1) {
        while (i < len && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }

        for (e = i; e < len && line[e] != ';'; e++) {
            /* the pair's end */
        }

        p = memchr(line + i, '=', e - i);
        if (p == NULL) {
            continue;
        }

        eq = p - line;

        if (eq - i <= c->name_len + 1
            || memcmp(line + i, c->name, c->name_len) != 0
            || line[i + c->name_len] != '_')
        {
            continue;
        }

        n = 0;

        for (k = i + c->name_len + 1; k < eq; k++) {
            if (line[k] < '0' || line[k] > '9'
                || (k == i + c->name_len + 1 && line[k] == '0'
                    && k + 1 < eq)
                || n >= COGNITO_CHUNKS_MAX)
            {
                break;
            }

            n = n * 10 + (line[k] - '0');
        }

        if (k < eq) {
            if (n >= COGNITO_CHUNKS_MAX && line[k] >= '0' && line[k] <= '9') {
                c->too_many = 1;
            }

            continue;
        }

        if (n >= COGNITO_CHUNKS_MAX) {
            c->too_many = 1;
            continue;
        }

        /* trailing blanks of the value are not part of it */

        k = e;
        while (k > eq + 1 && (line[k - 1] == ' ' || line[k - 1] == '\t')) {
            k--;
        }

        if (c->seen & (1u << n)) {
            c->twice = 1;
        }

        c->seen |= 1u << n;
        c->value[n] = line + eq + 1;
        c->len[n] = k - eq - 1;
    }
}


cognito_session_e
cognito_chunks_join(const cognito_chunks_t *c, char *out, size_t *out_len)
{
    size_t  i, n;

    *out_len = 0;

    if (c->too_many) {
        return COGNITO_SESSION_TOO_MANY;
    }

    if (c->seen == 0) {
        return COGNITO_SESSION_MISSING;
    }

    if (c->twice) {
        return COGNITO_SESSION_MALFORMED;
    }

    /* name_0 .. name_(n-1), no gap */

    for (n = 0; n < COGNITO_CHUNKS_MAX && (c->seen & (1u << n)); n++) {
        /* void */
    }

    if (c->seen >> n) {
        return COGNITO_SESSION_MALFORMED;
    }

    for (i = 0; i < n; i++) {
        if (c->len[i] == 0 || c->len[i] > COGNITO_CHUNK_LEN) {
            *out_len = 0;
            return COGNITO_SESSION_MALFORMED;
        }

        memcpy(out + *out_len, c->value[i], c->len[i]);
        *out_len += c->len[i];
    }

    return COGNITO_SESSION_OK;
}


size_t
cognito_chunks_count(size_t len)
{
    size_t  n;

    n = (len + COGNITO_CHUNK_LEN - 1) / COGNITO_CHUNK_LEN;

    return n <= COGNITO_CHUNKS_MAX ? n : 0;
}


/* unpadded base64url; out has room for it and a NUL */

static size_t
cognito_session_b64url(const uint8_t *in, size_t len, char *out)
{
    char       *s;
    size_t      n;
    cjose_err   cerr;

    if (!cjose_base64url_encode(in, len, &s, &n, &cerr)) {
        out[0] = '\0';
        return 0;
    }

    memcpy(out, s, n);
    out[n] = '\0';
    cjose_get_dealloc()(s);

    return n;
}


/* a compact JWS or JWE: base64url and dots, at most 8 KiB */

static int
cognito_session_token_shape(json_t *v)
{
    size_t       i, n;
    const char  *s;

    if (!json_is_string(v)) {
        return 0;
    }

    s = json_string_value(v);
    n = json_string_length(v);

    if (n == 0 || n > COGNITO_SESSION_TOKEN_MAX) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        if (cognito_b64url_class[(unsigned char) s[i]] == 0) {
            return 0;
        }
    }

    return 1;
}


static char *
cognito_session_strdup(json_t *v)
{
    char    *s;
    size_t   n;

    n = json_string_length(v);

    s = malloc(n + 1);
    if (s == NULL) {
        return NULL;
    }

    memcpy(s, json_string_value(v), n);
    s[n] = '\0';

    return s;
}


cognito_session_e
cognito_tokens_parse(const char *json, size_t len, cognito_tokens_t *t,
    char error[64])
{
    size_t              i, n;
    json_t             *o, *id, *at, *rt, *type, *e;
    json_error_t        jerr;
    const char         *s;
    cognito_session_e   rc;

    memset(t, 0, sizeof(cognito_tokens_t));
    error[0] = '\0';

    if (len > COGNITO_SEALED_MAX) {
        return COGNITO_SESSION_CONTENT;
    }

    o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (o == NULL) {
        return COGNITO_SESSION_CONTENT;
    }

    rc = COGNITO_SESSION_CONTENT;

    if (!json_is_object(o)) {
        goto done;
    }

    e = json_object_get(o, "error");

    if (json_is_string(e)) {
        s = json_string_value(e);
        n = json_string_length(e);

        for (i = 0; i < n && i < 63; i++) {
            if (!(isalnum((unsigned char) s[i]) || s[i] == '_')) {
                break;
            }
        }

        if (i == n && n < 64) {
            memcpy(error, s, n);
            error[n] = '\0';
        }

        goto done;
    }

    id = json_object_get(o, "id_token");
    at = json_object_get(o, "access_token");
    rt = json_object_get(o, "refresh_token");
    type = json_object_get(o, "token_type");

    if (!cognito_session_token_shape(id)
        || !cognito_session_token_shape(at)
        || (rt != NULL && !cognito_session_token_shape(rt))
        || !json_is_string(type)
        || strcasecmp(json_string_value(type), "Bearer") != 0)
    {
        goto done;
    }

    rc = cognito_tokens_take(t, id, at, rt);

done:

    json_decref(o);

    if (rc != COGNITO_SESSION_OK) {
        cognito_tokens_clear(t);
    }

    return rc;
}


/* the tokens copied out of the JSON; rt may be NULL */

static cognito_session_e
cognito_tokens_take(cognito_tokens_t *t, json_t *id, json_t *at, json_t *rt)
{
    t->id_token = cognito_session_strdup(id);
    t->access_token = cognito_session_strdup(at);
    t->refresh_token = (rt != NULL) ? cognito_session_strdup(rt) : NULL;

    if (t->id_token == NULL || t->access_token == NULL
        || (rt != NULL && t->refresh_token == NULL))
    {
        return COGNITO_SESSION_NOMEM;
    }

    return COGNITO_SESSION_OK;
}


cognito_session_e
cognito_tokens_set_refresh(cognito_tokens_t *t, const char *rt, size_t len)
{
    char  *s;

    s = malloc(len + 1);
    if (s == NULL) {
        return COGNITO_SESSION_NOMEM;
    }

    memcpy(s, rt, len);
    s[len] = '\0';

    if (t->refresh_token != NULL) {
        memset(t->refresh_token, 0, strlen(t->refresh_token));
        free(t->refresh_token);
    }

    t->refresh_token = s;

    return COGNITO_SESSION_OK;
}


void
cognito_tokens_clear(cognito_tokens_t *t)
{
    char  **p[3];
    size_t  i;

    p[0] = &t->id_token;
    p[1] = &t->access_token;
    p[2] = &t->refresh_token;

    for (i = 0; i < 3; i++) {
        if (*p[i] != NULL) {
            memset(*p[i], 0, strlen(*p[i]));
            free(*p[i]);
            *p[i] = NULL;
        }
    }

    t->created = 0;
    t->expires = 0;
}


cognito_session_e
cognito_tokens_seal(const cognito_session_keys_t *keys,
    const cognito_tokens_t *t, char **out, size_t *out_len)
{
    json_t  *o;

    o = json_pack("{s:s, s:s, s:I, s:I}",
                  "id", t->id_token, "at", t->access_token,
                  "c", (json_int_t) t->created,
                  "e", (json_int_t) t->expires);
    if (o != NULL && t->refresh_token != NULL
        && json_object_set_new(o, "rt", json_string(t->refresh_token)) != 0)
    {
        json_decref(o);
        o = NULL;
    }

    return cognito_session_seal_json(keys, o, out, out_len);
}


cognito_session_e
cognito_tokens_open(const cognito_session_keys_t *keys, const char *in,
    size_t len, int64_t now, cognito_tokens_t *t)
{
    size_t              n;
    json_t             *o, *id, *at, *rt, *c, *e;
    uint8_t            *pt;
    json_error_t        jerr;
    cognito_session_e   rc;

    memset(t, 0, sizeof(cognito_tokens_t));

    rc = cognito_session_open(keys, in, len, &pt, &n);
    if (rc != COGNITO_SESSION_OK) {
        return rc;
    }

    o = json_loadb((const char *) pt, n, JSON_REJECT_DUPLICATES, &jerr);

    memset(pt, 0, n);
    cognito_session_free(pt);

    if (o == NULL) {
        return COGNITO_SESSION_CONTENT;
    }

    id = json_object_get(o, "id");
    at = json_object_get(o, "at");
    rt = json_object_get(o, "rt");
    c = json_object_get(o, "c");
    e = json_object_get(o, "e");

    rc = COGNITO_SESSION_CONTENT;

    if (!json_is_object(o)
        || json_object_size(o) != (size_t) (rt != NULL ? 5 : 4)
        || !cognito_session_token_shape(id)
        || !cognito_session_token_shape(at)
        || (rt != NULL && !cognito_session_token_shape(rt))
        || !json_is_integer(c) || !json_is_integer(e))
    {
        goto done;
    }

    if (json_integer_value(e) <= now) {
        rc = COGNITO_SESSION_EXPIRED;
        goto done;
    }

    rc = cognito_tokens_take(t, id, at, rt);

    t->created = json_integer_value(c);
    t->expires = json_integer_value(e);

done:

    json_decref(o);

    if (rc != COGNITO_SESSION_OK) {
        cognito_tokens_clear(t);
    }

    return rc;
}


int
cognito_cookie_value(const char *line, size_t len, const char *name,
    size_t name_len, const char **value, size_t *value_len)
{
    int          found;
    size_t       i, e, k;
    const char  *p;

    found = 0;

    for (i = 0; i < len; i = e + 1) {
        while (i < len && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }

        for (e = i; e < len && line[e] != ';'; e++) {
            /* the pair's end */
        }

        p = memchr(line + i, '=', e - i);

        if (p == NULL || (size_t) (p - line) - i != name_len
            || memcmp(line + i, name, name_len) != 0)
        {
            continue;
        }

        if (*value != NULL) {
            return 2;
        }

        k = e;
        while (k > (size_t) (p - line) + 1
               && (line[k - 1] == ' ' || line[k - 1] == '\t'))
        {
            k--;
        }

        *value = p + 1;
        *value_len = k - (p - line) - 1;
        found = 1;
    }

    return found;
}


int
cognito_same(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t         i;
    unsigned char  d;

    if (alen != blen) {
        return 0;
    }

    d = 0;

    for (i = 0; i < alen; i++) {
        d |= (unsigned char) (a[i] ^ b[i]);
    }

    return d == 0;
}
