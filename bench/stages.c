/*
 * bench/stages.c: where a verification's time goes, stage by stage, on the
 * module's own core (cognito_jwt.c, cognito_json.c, cognito_jwks.c) and
 * the same tokens as mix C.  bench/run builds and runs it on the worker's CPU.
 *
 *   stages jwks.json tokens.txt [rounds]
 *
 * Prints one "stage-result:" line of microseconds per token (wall clock on
 * a pinned, otherwise idle CPU), in the order a worker runs them:
 *   parse    cognito_token_parse: the token's arena, the split, the
 *            header's base64url and JSON (or its recall from the header
 *            memo, as C's tokens share one header); the payload is not
 *            read yet
 *   digest   SHA-256 of the whole token (the cache key)
 *   verify   cognito_token_verify: the signature's base64url, SHA-256 of
 *            the signing input and the RSA public operation
 *   payload  cognito_token_read_payload: base64url and the payload's JSON
 *            (cJSON under jansson's rules), after the signature
 *   claims   cognito_token_check_claims
 *   free     cognito_token_free, of the token just parsed (warm)
 * then, outside the sum, as the worker's front keeps tokens:
 *   cold free  every token parsed, read and detached and kept, then all
 *            freed in order: what the front's eviction of a token stored
 *            1,024 requests ago costs
 *   kept     the bytes a kept token holds from malloc() (glibc's
 *            mallinfo2(), chunk headers included), the cache's copy of
 *            the token's text not counted
 * and, on the decoded payload alone, outside the sum:
 *   json     cognito_json_parse and free (cJSON, the lexical pass, the
 *            walk for duplicate keys)
 *   jansson  json_loadb and json_decref, as the module parsed it before
 *   forged   the same token with one signature byte changed: parse,
 *            verify (refused), free; its payload is never parsed
 */

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <cjose/base64.h>
#include <cjose/util.h>

#include "cognito_json.h"
#include "cognito_jwt.h"
#include "cognito_jwks.h"


#define ISS  "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"


static double
now_us(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}


static char *
slurp(const char *path, size_t *len)
{
    FILE    *f;
    char    *buf;
    long     n;

    f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
        fprintf(stderr, "stages: cannot read %s\n", path);
        exit(1);
    }

    rewind(f);

    buf = malloc(n + 1);
    if (buf == NULL || fread(buf, 1, n, f) != (size_t) n) {
        fprintf(stderr, "stages: cannot read %s\n", path);
        exit(1);
    }

    buf[n] = '\0';
    fclose(f);
    *len = n;

    return buf;
}


int
main(int argc, char **argv)
{
    int                 rounds, r, rc;
    char               *jwks, *text, *p, **tok_text;
    size_t              i, n, len, jlen, *tok_len, skipped;
    time_t              now;
    char               *forged, *q;
    double              t0, t1, t2, t3, t4, t[10], kept;
    size_t             *blens;
    uint8_t           **bins;
    json_t             *json;
    cognito_json_t      doc;
    cjose_err           cerr;
    const char         *dot1, *dot2;
    cognito_err_t       err;
    cognito_rules_t     rules;
    cognito_token_t    *tok, **toks;
    cognito_keyset_t   *ks;
    struct mallinfo2    m0, m1;
    cognito_digest_t   *dg;
    unsigned char       d[COGNITO_DIGEST_LEN];

    static const char  *issuers[] = { ISS };
    static const char  *clients[] = { "testclient1" };

    if (argc < 3) {
        fprintf(stderr, "usage: stages jwks.json tokens.txt [rounds]\n");
        return 2;
    }

    rounds = argc > 3 ? atoi(argv[3]) : 3;

    jwks = slurp(argv[1], &jlen);

    if (cognito_keyset_load(jwks, jlen, &ks, &skipped, &err) != COGNITO_OK) {
        fprintf(stderr, "stages: JWKS: %s\n", err.msg);
        return 1;
    }

    text = slurp(argv[2], &len);

    n = 0;
    for (p = text; *p; p++) {
        n += (*p == '\n');
    }

    tok_text = calloc(n + 1, sizeof(char *));
    tok_len = calloc(n + 1, sizeof(size_t));
    dg = cognito_digest_new();

    if (tok_text == NULL || tok_len == NULL || dg == NULL) {
        return 1;
    }

    n = 0;
    for (p = strtok(text, "\n"); p != NULL; p = strtok(NULL, "\n")) {
        tok_text[n] = p;
        tok_len[n] = strlen(p);
        n++;
    }

    memset(&rules, 0, sizeof(cognito_rules_t));
    rules.issuers = issuers;
    rules.nissuers = 1;
    rules.clients = clients;
    rules.nclients = 1;
    rules.token_use = COGNITO_USE_ANY;
    rules.leeway = 60;

    bins = calloc(n, sizeof(uint8_t *));
    blens = calloc(n, sizeof(size_t));
    forged = malloc(COGNITO_TOKEN_MAX_LEN);

    if (bins == NULL || blens == NULL || forged == NULL) {
        return 1;
    }

    /* the payloads' JSON text, for the parsers alone */

    for (i = 0; i < n; i++) {
        dot1 = memchr(tok_text[i], '.', tok_len[i]);
        dot2 = dot1 ? memchr(dot1 + 1, '.', tok_len[i]
                             - (dot1 + 1 - tok_text[i])) : NULL;

        if (dot2 == NULL
            || !cjose_base64url_decode(dot1 + 1, dot2 - dot1 - 1, &bins[i],
                                       &blens[i], &cerr))
        {
            fprintf(stderr, "stages: token %zu is not a JWS\n", i);
            return 1;
        }
    }

    now = time(NULL);
    memset(t, 0, sizeof(t));

    /*
     * Token by token, as a worker handles them: the clock (vDSO, some tens
     * of nanoseconds a read) is read around each stage.
     */

    for (r = 0; r < rounds; r++) {
        for (i = 0; i < n; i++) {
            t0 = now_us();
            json = json_loadb((const char *) bins[i], blens[i],
                              JSON_REJECT_DUPLICATES, NULL);
            json_decref(json);
            t1 = now_us();
            t[7] += t1 - t0;

            rc = cognito_json_parse(&doc, NULL, (const char *) bins[i],
                                    blens[i]);
            cognito_json_free(&doc);
            t0 = now_us();
            t[1] += t0 - t1;

            if (rc != COGNITO_OK) {
                fprintf(stderr, "stages: token %zu: payload refused\n", i);
                return 1;
            }

            rc = cognito_token_parse(tok_text[i], tok_len[i],
                                     COGNITO_ALG_RS256, &tok, &err);
            t1 = now_us();
            t[0] += t1 - t0;

            if (rc != COGNITO_OK) {
                fprintf(stderr, "stages: token %zu: %s\n", i, err.msg);
                return 1;
            }

            (void) cognito_digest(dg, tok_text[i], tok_len[i], d);
            t2 = now_us();
            t[2] += t2 - t1;

            rc = cognito_token_verify(tok, ks, &err);
            t3 = now_us();
            t[3] += t3 - t2;

            rc |= cognito_token_read_payload(tok, &err);
            t4 = now_us();
            t[6] += t4 - t3;

            rc |= cognito_token_check_claims(tok, &rules, now, &err);
            t3 = now_us();
            t[4] += t3 - t4;
            t4 = t3;

            cognito_token_free(tok);
            t1 = now_us();
            t[5] += t1 - t4;

            if (rc != COGNITO_OK) {
                fprintf(stderr, "stages: token %zu: %s\n", i, err.msg);
                return 1;
            }

            /* a forged signature: a middle character changed */

            memcpy(forged, tok_text[i], tok_len[i]);
            q = &forged[tok_len[i] - 20];
            *q = (*q == 'A') ? 'B' : 'A';

            t1 = now_us();
            rc = cognito_token_parse(forged, tok_len[i], COGNITO_ALG_RS256,
                                     &tok, &err);
            if (rc == COGNITO_OK) {
                rc = cognito_token_verify(tok, ks, &err);
                cognito_token_free(tok);
            }

            t[8] += now_us() - t1;

            if (rc != COGNITO_ERR_SIGNATURE) {
                fprintf(stderr, "stages: forged %zu: %s\n", i, err.msg);
                return 1;
            }
        }
    }

    /*
     * Cold: tokens kept as the front keeps them (read, detached), each
     * freed long after its parse, when the CPU's caches hold others
     */

    toks = calloc(n, sizeof(cognito_token_t *));
    if (toks == NULL) {
        return 1;
    }

    kept = 0;

    for (r = 0; r < rounds; r++) {
        m0 = mallinfo2();

        for (i = 0; i < n; i++) {
            if (cognito_token_parse(tok_text[i], tok_len[i],
                                    COGNITO_ALG_RS256, &toks[i], &err)
                != COGNITO_OK
                || cognito_token_read_payload(toks[i], &err) != COGNITO_OK)
            {
                fprintf(stderr, "stages: token %zu: %s\n", i, err.msg);
                return 1;
            }

            cognito_token_detach(toks[i]);
        }

        m1 = mallinfo2();
        kept += (double) (m1.uordblks - m0.uordblks)
                + (double) (m1.hblkhd - m0.hblkhd);

        t0 = now_us();

        for (i = 0; i < n; i++) {
            cognito_token_free(toks[i]);
        }

        t[9] += now_us() - t0;
    }

    free(toks);

    for (i = 0; i < n; i++) {
        cjose_get_dealloc()(bins[i]);
    }

    free(bins);
    free(blens);
    free(forged);

    n *= rounds;

    printf("stage-result: tokens=%zu parse_us=%.2f json_us=%.2f "
           "digest_us=%.2f verify_us=%.2f claims_us=%.2f free_us=%.2f "
           "payload_us=%.2f jansson_us=%.2f forged_us=%.2f "
           "cold_free_us=%.2f kept_bytes=%.0f\n",
           n, t[0] / n, t[1] / n, t[2] / n, t[3] / n, t[4] / n, t[5] / n,
           t[6] / n, t[7] / n, t[8] / n, t[9] / n, kept / n);

    cognito_digest_free(dg);
    cognito_keyset_free(ks);
    free(tok_len);
    free(tok_text);
    free(text);
    free(jwks);

    return 0;
}
