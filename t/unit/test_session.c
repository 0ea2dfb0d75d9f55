
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Unit tests of cognito_session.c, TAP output: the key file and rotation,
 * sealing and opening (tampered, truncated, re-ordered, unknown key),
 * cookie chunks and their cap, the login state, PKCE, random values and
 * the same-site check of the URL to return to.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cognito_session.h"
#include "tap.h"


/* three keys of 32 bytes, base64url */
#define T_K1  "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
#define T_K2  "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8"
#define T_K3  "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8"


static void t_sc(cognito_session_e got, cognito_session_e want,
    const char *desc);
static cognito_session_keys_t *t_keys(const char *text);
static void t_key_file(void);
static void t_seal_open(void);
static void t_tamper(void);
static void t_chunks(void);
static void t_login(void);
static void t_redirects(void);
static void t_pkce_random(void);
static void t_tokens(void);
static void t_cookie(void);
static cognito_session_e t_open(cognito_session_keys_t *keys,
    const char *in);


/* t_code() for cognito_session_e */

static void
t_sc(cognito_session_e got, cognito_session_e want, const char *desc)
{
    t_ok(got == want, "%s (%s)", desc, cognito_session_msg(want));

    if (got != want) {
        printf("#   got \"%s\"\n", cognito_session_msg(got));
    }
}


static cognito_session_keys_t *
t_keys(const char *text)
{
    const char              *msg;
    cognito_session_keys_t  *keys;

    if (cognito_session_keys_load(text, strlen(text), &keys, &msg)
        != COGNITO_SESSION_OK)
    {
        t_fatal(msg);
    }

    return keys;
}


static cognito_session_e
t_open(cognito_session_keys_t *keys, const char *in)
{
    size_t             n;
    uint8_t           *pt;
    cognito_session_e  rc;

    rc = cognito_session_open(keys, in, strlen(in), &pt, &n);

    if ((rc == COGNITO_SESSION_OK) != (pt != NULL)) {
        t_fatal("open: result and status disagree");
    }

    cognito_session_free(pt);

    return rc;
}


static void
t_key_file(void)
{
    size_t                   i;
    const char              *msg;
    cognito_session_keys_t  *keys;

    static const struct {
        const char         *text;
        cognito_session_e   rc;
        size_t              n;
        const char         *desc;
    } cases[] = {
        { T_K1 "\n", COGNITO_SESSION_OK, 1, "one key" },
        { T_K1, COGNITO_SESSION_OK, 1, "one key, no newline" },
        { "# current\r\n  " T_K1 " \r\n\n# previous\n\t" T_K2 "\n",
          COGNITO_SESSION_OK, 2, "comments, blanks, CRLF" },
        { "", COGNITO_SESSION_CONTENT, 0, "empty file" },
        { "# only a comment\n", COGNITO_SESSION_CONTENT, 0, "no key" },
        { T_K1 "A\n", COGNITO_SESSION_CONTENT, 0, "44 characters" },
        { "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh\n",
          COGNITO_SESSION_CONTENT, 0, "42 characters" },
        { "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+\n",
          COGNITO_SESSION_CONTENT, 0, "standard base64" },
        { "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9\n",
          COGNITO_SESSION_CONTENT, 0, "non-canonical last character" },
        { T_K1 "\n" T_K1 "\n", COGNITO_SESSION_CONTENT, 0,
          "a key twice" },
        { T_K1 " " T_K2 "\n", COGNITO_SESSION_CONTENT, 0,
          "two keys on a line" },
        { T_K1 "\n" T_K2 "\n" T_K3 "\n"
          "YGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn8\n"
          "gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp8\n"
          "oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr8\n"
          "wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t8\n"
          "4OHi4-Tl5ufo6err7O3u7_Dx8vP09fb3-Pn6-_z9_v8\n",
          COGNITO_SESSION_OK, 8, "eight keys" },
        { T_K1 "\n" T_K2 "\n" T_K3 "\n"
          "YGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn8\n"
          "gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp8\n"
          "oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr8\n"
          "wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t8\n"
          "4OHi4-Tl5ufo6err7O3u7_Dx8vP09fb3-Pn6-_z9_v8\n"
          "AQECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n",
          COGNITO_SESSION_CONTENT, 0, "nine keys" }
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        keys = (cognito_session_keys_t *) &i;
        msg = NULL;

        t_sc(cognito_session_keys_load(cases[i].text,
                                         strlen(cases[i].text), &keys,
                                         &msg),
               cases[i].rc, cases[i].desc);

        t_ok(msg != NULL
             && (cases[i].rc == COGNITO_SESSION_OK) == (keys != NULL),
             "key file: %s: a message, keys only on success", cases[i].desc);

        if (keys != NULL) {
            t_ok(cognito_session_keys_count(keys) == cases[i].n,
                 "key file: %s: %zu keys", cases[i].desc, cases[i].n);
            cognito_session_keys_free(keys);
        }
    }
}


static void
t_seal_open(void)
{
    char                    *s, *s2;
    size_t                   n, n2;
    uint8_t                 *pt;
    cognito_session_e        rc;
    cognito_session_keys_t  *k1, *k21, *k2, *k3;

    static const char        data[] = "{\"hello\":\"session\"}";

    k1 = t_keys(T_K1);
    k21 = t_keys(T_K2 "\n" T_K1 "\n");
    k2 = t_keys(T_K2);
    k3 = t_keys(T_K3 "\n" T_K2 "\n");

    rc = cognito_session_seal(k1, (const uint8_t *) data, strlen(data), &s,
                              &n);
    t_sc(rc, COGNITO_SESSION_OK, "seal");
    if (rc != COGNITO_SESSION_OK) {
        t_fatal("seal");
    }

    t_ok(n == strlen(s) && strstr(s, "hello") == NULL,
         "sealed: compact, the content not visible");

    rc = cognito_session_open(k1, s, n, &pt, &n2);
    t_sc(rc, COGNITO_SESSION_OK, "open with the same key");
    t_ok(rc == COGNITO_SESSION_OK && n2 == strlen(data)
         && memcmp(pt, data, n2) == 0, "opened: the same bytes");
    cognito_session_free(pt);

    /* rotation: the new current key first, the old one still opens */

    t_sc(t_open(k21, s), COGNITO_SESSION_OK,
         "rotation: a previous key still opens");

    rc = cognito_session_seal(k21, (const uint8_t *) data, strlen(data),
                              &s2, &n2);
    t_sc(rc, COGNITO_SESSION_OK, "seal under the new key");
    t_sc(t_open(k2, s2), COGNITO_SESSION_OK,
         "rotation: sealed under the current key (the first)");
    t_sc(t_open(k1, s2), COGNITO_SESSION_UNKNOWN_KEY,
         "rotation: the old file does not know the new key");

    t_sc(t_open(k2, s), COGNITO_SESSION_UNKNOWN_KEY,
         "the previous key dropped: unknown key");
    t_sc(t_open(k3, s), COGNITO_SESSION_UNKNOWN_KEY,
         "another key file: unknown key");

    t_ok(strcmp(s, s2) != 0, "two seals differ");

    cognito_session_free(s);
    cognito_session_free(s2);

    /* the same plaintext twice: a fresh IV each time */

    (void) cognito_session_seal(k1, (const uint8_t *) data, strlen(data),
                                &s, &n);
    (void) cognito_session_seal(k1, (const uint8_t *) data, strlen(data),
                                &s2, &n2);
    t_ok(s != NULL && s2 != NULL && strcmp(s, s2) != 0,
         "the same content sealed twice differs (fresh IV)");
    cognito_session_free(s);
    cognito_session_free(s2);

    cognito_session_keys_free(k1);
    cognito_session_keys_free(k21);
    cognito_session_keys_free(k2);
    cognito_session_keys_free(k3);
}


/* one byte changed, removed or added anywhere: never opens */

static void
t_tamper(void)
{
    char                    *s, *t, *dot;
    size_t                   n, i, seg, bad;
    cognito_session_e        rc;
    cognito_session_keys_t  *k1;

    static const char        data[] = "{\"at\":\"x\"}";

    k1 = t_keys(T_K1);

    if (cognito_session_seal(k1, (const uint8_t *) data, strlen(data), &s,
                             &n)
        != COGNITO_SESSION_OK)
    {
        t_fatal("seal");
    }

    t = malloc(n + 2);
    if (t == NULL) {
        t_fatal("malloc");
    }

    bad = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '.') {
            continue;
        }

        memcpy(t, s, n + 1);
        t[i] = (t[i] == 'A') ? 'B' : 'A';

        rc = t_open(k1, t);
        if (rc == COGNITO_SESSION_OK) {
            bad++;
        }
    }

    t_ok(bad == 0, "every single changed character is refused (%zu)", bad);

    /* truncated at every length */

    bad = 0;

    for (i = 0; i < n; i++) {
        memcpy(t, s, i);
        t[i] = '\0';

        if (t_open(k1, t) == COGNITO_SESSION_OK) {
            bad++;
        }
    }

    t_ok(bad == 0, "every truncation is refused (%zu)", bad);

    /* the tag cut short and padded: the tag length is ours to check */

    dot = strrchr(s, '.');
    seg = dot - s;

    memcpy(t, s, seg + 1);
    memcpy(t + seg + 1, "AAAAAAAAAAAAAAAAAAAAAA", 22);
    t[seg + 23] = '\0';
    t_sc(t_open(k1, t), COGNITO_SESSION_DECRYPT, "a wrong tag");

    memcpy(t, s, seg + 2);
    t[seg + 2] = '\0';
    t_sc(t_open(k1, t), COGNITO_SESSION_MALFORMED, "a one-byte tag");

    memcpy(t, s, n + 1);
    t[n] = 'A';
    t[n + 1] = '\0';
    t_sc(t_open(k1, t), COGNITO_SESSION_MALFORMED, "a longer tag");

    t_sc(t_open(k1, ""), COGNITO_SESSION_MISSING, "empty");
    t_sc(t_open(k1, "a.b.c"), COGNITO_SESSION_MALFORMED, "three segments");
    t_sc(t_open(k1, "a.b.c.d.e.f"), COGNITO_SESSION_MALFORMED,
         "six segments");
    t_sc(t_open(k1, "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAAAAAAAAA"
                    "AAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA"),
         COGNITO_SESSION_MALFORMED, "no kid in the header");
    t_sc(t_open(k1, "eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMjU2R0NNIiwia2lkIjo"
                    "ieCJ9..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA"),
         COGNITO_SESSION_MALFORMED, "alg A256KW");
    t_sc(t_open(k1, "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIiwia2lkIjoieCJ9"
                    "..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA"),
         COGNITO_SESSION_MALFORMED, "enc A128GCM");
    t_sc(t_open(k1, "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoieCJ9"
                    "..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA"),
         COGNITO_SESSION_UNKNOWN_KEY, "well formed, unknown kid");
    t_sc(t_open(k1, "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoieCIs"
                    "InppcCI6IkRFRiJ9..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAA"
                      "AAAAAAAAAAA"),
         COGNITO_SESSION_MALFORMED, "an extra header member (zip)");
    t_sc(t_open(k1, "e30.AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA"),
         COGNITO_SESSION_MALFORMED, "an encrypted key for dir");
    t_sc(t_open(k1, "e30..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAA AAAAAA"),
         COGNITO_SESSION_MALFORMED, "a space");

    free(t);
    cognito_session_free(s);
    cognito_session_keys_free(k1);
}


static void
t_chunks(void)
{
    char                    *s, *line, *line2, *out;
    size_t                   n, len, k, i;
    cognito_chunks_t         c;
    cognito_session_e        rc;
    cognito_session_keys_t  *k1;

    static char              data[9000];

    k1 = t_keys(T_K1);

    memset(data, 'x', sizeof(data) - 1);

    if (cognito_session_seal(k1, (const uint8_t *) data, sizeof(data) - 1,
                             &s, &n)
        != COGNITO_SESSION_OK)
    {
        t_fatal("seal");
    }

    k = cognito_chunks_count(n);
    t_ok(k == 4, "a 9000-byte content takes 4 chunks (%zu)", k);
    t_ok(cognito_chunks_count(COGNITO_SEALED_MAX) == COGNITO_CHUNKS_MAX,
         "the cap's worth of bytes fits");
    t_ok(cognito_chunks_count(COGNITO_SEALED_MAX + 1) == 0,
         "one byte more does not");

    line = malloc(n + 512);
    line2 = malloc(n + 512);
    out = malloc(COGNITO_SEALED_MAX);
    if (line == NULL || line2 == NULL || out == NULL) {
        t_fatal("malloc");
    }

    /* the chunks out of order in the line, other cookies around */

    len = sprintf(line, "other=1; s_2=%.*s;s_0=%.*s ; s=x; s_x=1; ss_0=2; "
                  "s_1=%.*s; s_3=%s",
                  COGNITO_CHUNK_LEN, s + 2 * COGNITO_CHUNK_LEN,
                  COGNITO_CHUNK_LEN, s,
                  COGNITO_CHUNK_LEN, s + COGNITO_CHUNK_LEN,
                  s + 3 * COGNITO_CHUNK_LEN);

    cognito_chunks_init(&c, "s", 1);
    cognito_chunks_scan(&c, line, len);
    rc = cognito_chunks_join(&c, out, &i);
    t_sc(rc, COGNITO_SESSION_OK, "chunks joined");
    t_ok(i == n && memcmp(out, s, n) == 0, "joined: the sealed value");
    t_ok(c.seen == 0xf, "seen: chunks 0..3");

    /* over two Cookie lines (HTTP/2 sends one a cookie) */

    cognito_chunks_init(&c, "s", 1);
    len = sprintf(line, "s_0=%.*s; s_1=%.*s", COGNITO_CHUNK_LEN, s,
                  COGNITO_CHUNK_LEN, s + COGNITO_CHUNK_LEN);
    cognito_chunks_scan(&c, line, len);
    len = sprintf(line2, "s_2=%.*s; s_3=%s", COGNITO_CHUNK_LEN,
                  s + 2 * COGNITO_CHUNK_LEN, s + 3 * COGNITO_CHUNK_LEN);
    cognito_chunks_scan(&c, line2, len);
    rc = cognito_chunks_join(&c, out, &i);
    t_ok(rc == COGNITO_SESSION_OK && i == n && memcmp(out, s, n) == 0,
         "chunks over two lines joined");

    /* re-ordered: chunks 0 and 1 swapped */

    cognito_chunks_init(&c, "s", 1);
    len = sprintf(line, "s_1=%.*s; s_0=%.*s; s_2=%.*s; s_3=%s",
                  COGNITO_CHUNK_LEN, s,
                  COGNITO_CHUNK_LEN, s + COGNITO_CHUNK_LEN,
                  COGNITO_CHUNK_LEN, s + 2 * COGNITO_CHUNK_LEN,
                  s + 3 * COGNITO_CHUNK_LEN);
    cognito_chunks_scan(&c, line, len);
    rc = cognito_chunks_join(&c, out, &i);
    out[i] = '\0';
    t_ok(rc == COGNITO_SESSION_OK && t_open(k1, out) != COGNITO_SESSION_OK,
         "re-ordered chunks join but never open");

    /* a chunk missing */

    cognito_chunks_init(&c, "s", 1);
    len = sprintf(line, "s_0=%.*s; s_1=%.*s; s_3=%s",
                  COGNITO_CHUNK_LEN, s, COGNITO_CHUNK_LEN,
                  s + COGNITO_CHUNK_LEN, s + 3 * COGNITO_CHUNK_LEN);
    cognito_chunks_scan(&c, line, len);
    t_sc(cognito_chunks_join(&c, out, &i), COGNITO_SESSION_MALFORMED,
         "a gap in the chunks");

    cognito_chunks_init(&c, "s", 1);
    len = sprintf(line, "s_0=%.*s; s_1=%.*s; s_2=%.*s",
                  COGNITO_CHUNK_LEN, s, COGNITO_CHUNK_LEN,
                  s + COGNITO_CHUNK_LEN, COGNITO_CHUNK_LEN,
                  s + 2 * COGNITO_CHUNK_LEN);
    cognito_chunks_scan(&c, line, len);
    rc = cognito_chunks_join(&c, out, &i);
    out[i] = '\0';
    t_ok(rc == COGNITO_SESSION_OK
         && t_open(k1, out) == COGNITO_SESSION_MALFORMED,
         "the last chunk missing: joins, does not open");

    /* a chunk twice, too many, an empty chunk */

    cognito_chunks_init(&c, "s", 1);
    cognito_chunks_scan(&c, "s_0=a; s_0=b", 12);
    t_sc(cognito_chunks_join(&c, out, &i), COGNITO_SESSION_MALFORMED,
         "a chunk sent twice");

    cognito_chunks_init(&c, "s", 1);
    cognito_chunks_scan(&c, "s_0=a", 5);
    cognito_chunks_scan(&c, "s_0=a", 5);
    t_sc(cognito_chunks_join(&c, out, &i), COGNITO_SESSION_MALFORMED,
         "a chunk sent twice, on two lines");

    cognito_chunks_init(&c, "s", 1);
    cognito_chunks_scan(&c, "s_0=a; s_1=b; s_2=c; s_3=d; s_4=e; s_5=f", 41);
    t_sc(cognito_chunks_join(&c, out, &i), COGNITO_SESSION_OK,
         "the cap (6 chunks) is allowed");

    cognito_chunks_init(&c, "s", 1);
    cognito_chunks_scan(&c, "s_0=a; s_1=b; s_2=c; s_3=d; s_4=e; s_5=f; "
                        "s_6=g", 48);
    t_sc(cognito_chunks_join(&c, out, &i), COGNITO_SESSION_TOO_MANY,
         "7 chunks: too many");

    cognito_chunks_init(&c, "s", 1);
    cognito_chunks_scan(&c, "s_0=a; s_99999999999999999999=b", 31);
    t_sc(cognito_chunks_join(&c, out, &i), COGNITO_SESSION_TOO_MANY,
         "a huge chunk number: too many");

    cognito_chunks_init(&c, "s", 1);
    cognito_chunks_scan(&c, "s_0=", 4);
    t_sc(cognito_chunks_join(&c, out, &i), COGNITO_SESSION_MALFORMED,
         "an empty chunk");

    cognito_chunks_init(&c, "s", 1);
    cognito_chunks_scan(&c, "s=a; s_=b; s_00=c; s_01=d; S_0=e; xs_0=f", 39);
    t_sc(cognito_chunks_join(&c, out, &i), COGNITO_SESSION_MISSING,
         "no cookie of ours (look-alike names)");

    cognito_chunks_init(&c, "s", 1);
    cognito_chunks_scan(&c, "", 0);
    t_sc(cognito_chunks_join(&c, out, &i), COGNITO_SESSION_MISSING,
         "an empty Cookie line");

    free(line);
    free(line2);
    free(out);
    cognito_session_free(s);
    cognito_session_keys_free(k1);
}


static void
t_login(void)
{
    char                    *s;
    size_t                   n;
    cognito_login_t          a, b;
    cognito_session_e        rc;
    cognito_session_keys_t  *k1, *k2;

    k1 = t_keys(T_K1);
    k2 = t_keys(T_K2);

    t_sc(cognito_login_new(&a, "/app/page?x=1", 13, 1000),
         COGNITO_SESSION_OK, "login state");
    t_ok(strlen(a.state) == COGNITO_RANDOM_LEN
         && strlen(a.nonce) == COGNITO_RANDOM_LEN
         && strlen(a.verifier) == COGNITO_VERIFIER_LEN
         && strcmp(a.url, "/app/page?x=1") == 0 && a.exp == 1000,
         "login state: fields");
    t_ok(strcmp(a.state, a.nonce) != 0, "state and nonce differ");

    rc = cognito_login_seal(k1, &a, &s, &n);
    t_sc(rc, COGNITO_SESSION_OK, "login state sealed");
    t_ok(strstr(s, a.state) == NULL && strstr(s, a.verifier) == NULL,
         "sealed: state and verifier not visible");

    t_sc(cognito_login_open(k1, s, n, 999, &b), COGNITO_SESSION_OK,
         "login state opened");
    t_ok(memcmp(&a, &b, sizeof(a)) == 0, "opened: the same state");

    t_sc(cognito_login_open(k1, s, n, 1000, &b), COGNITO_SESSION_EXPIRED,
         "login state expired");
    t_ok(b.state[0] == '\0', "an expired state is wiped");
    t_sc(cognito_login_open(k2, s, n, 999, &b),
         COGNITO_SESSION_UNKNOWN_KEY, "login state under another key");
    cognito_session_free(s);

    (void) cognito_login_new(&a, "//evil.example/", 15, 1000);
    t_ok(strcmp(a.url, "/") == 0, "an unsafe URL is replaced by /");

    (void) cognito_login_new(&a, "relative", 8, 1000);
    t_ok(strcmp(a.url, "/") == 0, "a URL without / is replaced by /");

    /* a session sealed with other content is no login state */

    rc = cognito_session_seal(k1, (const uint8_t *) "{\"s\":\"x\"}", 9, &s,
                              &n);
    t_sc(cognito_login_open(k1, s, n, 0, &b), COGNITO_SESSION_CONTENT,
         "other content: not a login state");
    cognito_session_free(s);

    cognito_session_keys_free(k1);
    cognito_session_keys_free(k2);
}


static void
t_redirects(void)
{
    size_t  i;

    static const struct {
        const char  *url;
        int          ok;
    } cases[] = {
        { "/", 1 },
        { "/app", 1 },
        { "/app/page?x=1&y=%2F#frag", 1 },
        { "/a//b", 1 },
        { "/%41pp", 1 },
        { "", 0 },
        { "app", 0 },
        { "//evil.example", 0 },
        { "//evil.example/path", 0 },
        { "https://evil.example", 0 },
        { "http:/evil.example", 0 },
        { "javascript:alert(1)", 0 },
        { "/\\evil.example", 0 },
        { "\\\\evil.example", 0 },
        { "/app\\..\\x", 0 },
        { "/%2Fevil.example", 0 },
        { "/%2fevil.example", 0 },
        { "/%5Cevil.example", 0 },
        { "/%5cevil.example", 0 },
        { "/%252Fevil.example", 0 },
        { "/%25252fevil.example", 0 },
        { "/%09/evil.example", 0 },
        { "/\t/evil.example", 0 },
        { "/\r\nSet-Cookie: x=1", 0 },
        { "/ evil", 0 },
        { "/\x7f", 0 },
        { "/\xc3\xa9", 0 },
        { "/%", 1 },
        { "/%2", 1 }
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        t_ok(cognito_safe_redirect(cases[i].url, strlen(cases[i].url))
             == cases[i].ok,
             "redirect %zu is %s", i, cases[i].ok ? "safe" : "refused");
    }
}


static void
t_pkce_random(void)
{
    char    a[COGNITO_RANDOM_LEN + 1], b[COGNITO_RANDOM_LEN + 1];
    char    ch[COGNITO_CHALLENGE_LEN + 1];
    size_t  i, good;

    /* RFC 7636, appendix B */

    t_ok(cognito_pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
                                ch)
         && strcmp(ch, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM") == 0,
         "S256 challenge: RFC 7636's example");

    t_ok(cognito_random_alnum(a, COGNITO_RANDOM_LEN)
         && cognito_random_alnum(b, COGNITO_RANDOM_LEN),
         "random values");

    good = strlen(a) == COGNITO_RANDOM_LEN;

    for (i = 0; i < COGNITO_RANDOM_LEN; i++) {
        if (!((a[i] >= 'a' && a[i] <= 'z') || (a[i] >= 'A' && a[i] <= 'Z')
              || (a[i] >= '0' && a[i] <= '9')))
        {
            good = 0;
        }
    }

    t_ok(good, "random: letters and digits only, the length asked");
    t_ok(strcmp(a, b) != 0, "two random values differ");

    t_ok(strcmp(cognito_session_msg(COGNITO_SESSION_TOO_MANY),
                "session cookie has too many chunks") == 0
         && strcmp(cognito_session_msg((cognito_session_e) 99), "unknown")
            == 0,
         "messages");
}


static void
t_tokens(void)
{
    char                    *s, err[64];
    size_t                   i, n;
    cognito_login_t          login;
    cognito_tokens_t         t, u;
    cognito_session_e        rc;
    cognito_session_keys_t  *k1;

    static const struct {
        const char         *json;
        cognito_session_e   rc;
        const char         *error;
        const char         *desc;
    } cases[] = {
        { "{\"id_token\":\"a.b.c\",\"access_token\":\"d.e.f\","
          "\"refresh_token\":\"g.h.i.j.k\",\"expires_in\":3600,"
          "\"token_type\":\"Bearer\"}", COGNITO_SESSION_OK, "",
          "all three tokens" },
        { "{\"id_token\":\"a.b.c\",\"access_token\":\"d.e.f\","
          "\"token_type\":\"bearer\"}", COGNITO_SESSION_OK, "",
          "no refresh token (a refresh answer)" },
        { "{\"error\":\"invalid_grant\"}", COGNITO_SESSION_CONTENT,
          "invalid_grant", "an error answer" },
        { "{\"error\":\"<script>\"}", COGNITO_SESSION_CONTENT, "",
          "an error that is no plain word is not repeated" },
        { "{\"access_token\":\"d.e.f\",\"token_type\":\"Bearer\"}",
          COGNITO_SESSION_CONTENT, "", "no id token" },
        { "{\"id_token\":\"a.b.c\",\"token_type\":\"Bearer\"}",
          COGNITO_SESSION_CONTENT, "", "no access token" },
        { "{\"id_token\":\"a.b.c\",\"access_token\":\"d.e.f\"}",
          COGNITO_SESSION_CONTENT, "", "no token_type" },
        { "{\"id_token\":\"a.b.c\",\"access_token\":\"d.e.f\","
          "\"token_type\":\"MAC\"}", COGNITO_SESSION_CONTENT, "",
          "token_type MAC" },
        { "{\"id_token\":\"a b\",\"access_token\":\"d.e.f\","
          "\"token_type\":\"Bearer\"}", COGNITO_SESSION_CONTENT, "",
          "a token with a space" },
        { "{\"id_token\":1,\"access_token\":\"d.e.f\","
          "\"token_type\":\"Bearer\"}", COGNITO_SESSION_CONTENT, "",
          "a number for a token" },
        { "{\"id_token\":\"a.b.c\",\"id_token\":\"x.y.z\","
          "\"access_token\":\"d.e.f\",\"token_type\":\"Bearer\"}",
          COGNITO_SESSION_CONTENT, "", "a duplicate member" },
        { "[]", COGNITO_SESSION_CONTENT, "", "an array" },
        { "{\"id_token\":", COGNITO_SESSION_CONTENT, "", "truncated JSON" },
        { "", COGNITO_SESSION_CONTENT, "", "empty" }
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rc = cognito_tokens_parse(cases[i].json, strlen(cases[i].json), &t,
                                  err);
        t_sc(rc, cases[i].rc, cases[i].desc);
        t_ok(strcmp(err, cases[i].error) == 0
             && (rc == COGNITO_SESSION_OK) == (t.id_token != NULL),
             "tokens: %s: error \"%s\"", cases[i].desc, err);
        cognito_tokens_clear(&t);
    }

    k1 = t_keys(T_K1);

    rc = cognito_tokens_parse(cases[0].json, strlen(cases[0].json), &t, err);
    t.created = 100;
    t.expires = 200;

    rc = cognito_tokens_seal(k1, &t, &s, &n);
    t_sc(rc, COGNITO_SESSION_OK, "session sealed");

    rc = cognito_tokens_open(k1, s, n, 199, &u);
    t_sc(rc, COGNITO_SESSION_OK, "session opened");
    t_ok(rc == COGNITO_SESSION_OK && strcmp(u.id_token, "a.b.c") == 0
         && strcmp(u.access_token, "d.e.f") == 0
         && strcmp(u.refresh_token, "g.h.i.j.k") == 0
         && u.created == 100 && u.expires == 200,
         "session: the same tokens and times");
    cognito_tokens_clear(&u);

    t_sc(cognito_tokens_open(k1, s, n, 200, &u), COGNITO_SESSION_EXPIRED,
         "session past its end");
    t_ok(u.id_token == NULL, "an expired session gives no token");
    cognito_session_free(s);

    t_sc(cognito_tokens_set_refresh(&t, "r.otated", 8), COGNITO_SESSION_OK,
         "a rotated refresh token replaces the old");
    t_ok(strcmp(t.refresh_token, "r.otated") == 0, "rotated: the new one");

    free(t.refresh_token);
    t.refresh_token = NULL;

    (void) cognito_tokens_seal(k1, &t, &s, &n);
    rc = cognito_tokens_open(k1, s, n, 0, &u);
    t_ok(rc == COGNITO_SESSION_OK && u.refresh_token == NULL,
         "session without a refresh token");
    cognito_tokens_clear(&u);
    cognito_session_free(s);

    /* a login state is no session, and the other way round */

    (void) cognito_login_new(&login, "/", 1, 1000);
    (void) cognito_login_seal(k1, &login, &s, &n);
    t_sc(cognito_tokens_open(k1, s, n, 0, &u), COGNITO_SESSION_CONTENT,
         "a login state is no session");
    cognito_session_free(s);

    (void) cognito_tokens_seal(k1, &t, &s, &n);
    t_sc(cognito_login_open(k1, s, n, 0, &login), COGNITO_SESSION_CONTENT,
         "a session is no login state");
    cognito_session_free(s);

    cognito_tokens_clear(&t);
    cognito_session_keys_free(k1);
}


static void
t_cookie(void)
{
    int          rc;
    size_t       n;
    const char  *v;

    v = NULL;
    rc = cognito_cookie_value("a=1; st=xyz ; b=2", 17, "st", 2, &v, &n);
    t_ok(rc == 1 && n == 3 && memcmp(v, "xyz", 3) == 0, "cookie found");

    rc = cognito_cookie_value("st=again", 8, "st", 2, &v, &n);
    t_ok(rc == 2, "cookie: again on a second line");

    v = NULL;
    rc = cognito_cookie_value("st=1; st=2", 10, "st", 2, &v, &n);
    t_ok(rc == 2, "cookie twice in a line");

    v = NULL;
    rc = cognito_cookie_value("xst=1; st_0=2; s=3; st", 22, "st", 2, &v, &n);
    t_ok(rc == 0 && v == NULL, "cookie: look-alike names are not it");

    v = NULL;
    rc = cognito_cookie_value("st=", 3, "st", 2, &v, &n);
    t_ok(rc == 1 && n == 0, "cookie: empty value");

    t_ok(cognito_same("abc", 3, "abc", 3) && !cognito_same("abc", 3, "abd", 3)
         && !cognito_same("abc", 3, "ab", 2) && cognito_same("", 0, "", 0),
         "constant-time comparison");
}


int
main(void)
{
    t_key_file();
    t_seal_open();
    t_tamper();
    t_chunks();
    t_login();
    t_redirects();
    t_pkce_random();
    t_tokens();
    t_cookie();

    return t_done("unit session");
}
