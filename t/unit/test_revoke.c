
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Unit tests of cognito_revoke.c, TAP output: loading a revocation list
 * and checking tokens against it.  Revocation reads claims only, so the
 * tokens here carry a dummy signature and are never verified.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cognito_revoke.h"
#include "tap.h"


#define T_HDR       "{\"alg\":\"RS256\",\"kid\":\"k1\"}"
#define T_LIST                                                                \
    "{\"jti\":[\"j-1\",\"j-2\"],\"origin_jti\":[\"o-1\"],"                    \
    "\"sub\":{\"u-1\":100,\"u-2\":0}}"


static cognito_revocation_t *t_load(const char *json, int *rc);
static int t_check(const cognito_revocation_t *rl, const char *payload);
static void t_loading(void);
static void t_checks(void);
static void t_same(void);


static cognito_revocation_t *
t_load(const char *json, int *rc)
{
    cognito_err_t          err;
    cognito_revocation_t  *rl;

    rl = (cognito_revocation_t *) 1;
    memset(&err, 0, sizeof(err));

    *rc = cognito_revocation_load(json, strlen(json), &rl, &err);

    if (*rc != (int) err.code || err.msg == NULL
        || (*rc == COGNITO_OK) != (rl != NULL))
    {
        *rc = -1;
    }

    return rl;
}


/* the verdict on a token with that payload, -1 on a bad err */

static int
t_check(const cognito_revocation_t *rl, const char *payload)
{
    int               rc;
    char             *h, *p, *jwt;
    size_t            len;
    cognito_err_t     err;
    cognito_token_t  *tok;

    h = t_b64(T_HDR, strlen(T_HDR));
    p = t_b64(payload, strlen(payload));

    len = strlen(h) + strlen(p) + 7;

    jwt = malloc(len);
    if (jwt == NULL) {
        t_fatal("malloc");
        return -1;
    }

    (void) snprintf(jwt, len, "%s.%s.AAAA", h, p);

    rc = cognito_token_parse(jwt, strlen(jwt), COGNITO_ALG_RS256, &tok,
                             &err);
    if (rc == COGNITO_OK) {
        rc = cognito_token_read_payload(tok, &err);
    }

    if (rc != COGNITO_OK) {
        t_fatal("token parse");
    }

    memset(&err, 0, sizeof(err));

    rc = cognito_revocation_check(rl, tok, &err);

    if (rc != (int) err.code || err.msg == NULL) {
        rc = -1;
    }

    cognito_token_free(tok);
    free(jwt);
    free(p);
    free(h);

    return rc;
}


static void
t_loading(void)
{
    int                    rc;
    size_t                 i;
    cognito_err_t          err;
    cognito_revocation_t  *rl;

    static const char     *bad[] = {
        "",
        "not json",
        "[]",
        "{\"jti\":\"j-1\"}",
        "{\"jti\":[\"j-1\",2]}",
        "{\"jti\":[],\"jti\":[]}",
        "{\"origin_jti\":{}}",
        "{\"sub\":[\"u-1\"]}",
        "{\"sub\":{\"u-1\":-1}}",
        "{\"sub\":{\"u-1\":1.5}}",
        "{\"sub\":{\"u-1\":\"100\"}}",
        "{\"kid\":[]}"
    };

    rl = t_load(T_LIST, &rc);
    t_code(rc, COGNITO_OK, "load: jti, origin_jti and sub");
    t_ok(rl != NULL && cognito_revocation_count(rl) == 5,
         "load: every entry counted");
    cognito_revocation_free(rl);

    rl = t_load("{}", &rc);
    t_code(rc, COGNITO_OK, "load: an empty list");
    t_ok(rl != NULL && cognito_revocation_count(rl) == 0,
         "load: an empty list has no entries");
    t_code(rl != NULL ? t_check(rl, "{\"jti\":\"j-1\",\"sub\":\"u-1\"}") : -1,
           COGNITO_OK, "check: an empty list revokes nothing");
    cognito_revocation_free(rl);

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        rl = t_load(bad[i], &rc);
        t_ok(rc == COGNITO_ERR_REVOCATION_JSON && rl == NULL,
             "load: refused: %s", bad[i][0] ? bad[i] : "(empty)");
    }

    /* the size is checked before the text is read */

    rl = (cognito_revocation_t *) 1;
    rc = cognito_revocation_load("{}", COGNITO_REVOCATION_MAX_LEN + 1, &rl,
                                 &err);
    t_ok(rc == COGNITO_ERR_REVOCATION_JSON && rl == NULL,
         "load: a list over the size limit");

    t_ok(strcmp(cognito_code_name(COGNITO_ERR_REVOCATION_JSON),
                "revocation_invalid") == 0
         && strcmp(cognito_code_name(COGNITO_ERR_REVOKED), "token_revoked")
            == 0,
         "code names: revocation_invalid, token_revoked");

    cognito_revocation_free(NULL);
}


static void
t_checks(void)
{
    int                    rc;
    cognito_revocation_t  *rl;

    rl = t_load(T_LIST, &rc);
    if (rl == NULL) {
        t_fatal("no revocation list");
    }

    t_code(t_check(rl, "{\"jti\":\"j-2\",\"sub\":\"u-9\"}"),
           COGNITO_ERR_REVOKED, "check: a listed jti");
    t_code(t_check(rl, "{\"jti\":\"j-3\",\"sub\":\"u-9\",\"iat\":1}"),
           COGNITO_OK, "check: an unlisted jti");
    t_code(t_check(rl, "{\"origin_jti\":\"o-1\"}"),
           COGNITO_ERR_REVOKED, "check: a listed origin_jti");
    t_code(t_check(rl, "{\"jti\":\"o-1\",\"origin_jti\":\"j-1x\"}"),
           COGNITO_OK, "check: jti and origin_jti lists are apart");

    t_code(t_check(rl, "{\"sub\":\"u-1\",\"iat\":99}"),
           COGNITO_ERR_REVOKED, "check: sub, issued before the epoch");
    t_code(t_check(rl, "{\"sub\":\"u-1\",\"iat\":99.5}"),
           COGNITO_ERR_REVOKED, "check: sub, a real iat before the epoch");
    t_code(t_check(rl, "{\"sub\":\"u-1\",\"iat\":100}"),
           COGNITO_OK, "check: sub, issued at the epoch");
    t_code(t_check(rl, "{\"sub\":\"u-1\",\"iat\":101}"),
           COGNITO_OK, "check: sub, issued after the epoch");
    t_code(t_check(rl, "{\"sub\":\"u-1\"}"),
           COGNITO_ERR_REVOKED, "check: sub, no iat");
    t_code(t_check(rl, "{\"sub\":\"u-1\",\"iat\":\"200\"}"),
           COGNITO_ERR_REVOKED, "check: sub, an iat that is no number");
    t_code(t_check(rl, "{\"sub\":\"u-2\",\"iat\":0}"),
           COGNITO_OK, "check: sub, epoch 0");
    t_code(t_check(rl, "{\"sub\":\"u-3\"}"),
           COGNITO_OK, "check: an unlisted sub");

    /* claims are read as strings, never rendered */

    t_code(t_check(rl, "{\"jti\":\"j-1x\"}"),
           COGNITO_OK, "check: a jti is matched whole");
    t_code(t_check(rl, "{\"origin_jti\":[\"o-1\"]}"),
           COGNITO_OK, "check: an origin_jti array names nothing");
    t_code(t_check(rl, "{\"sub\":[\"u-1\"]}"),
           COGNITO_OK, "check: a sub array names nothing");
    t_code(t_check(rl, "{}"),
           COGNITO_OK, "check: no claims");

    cognito_revocation_free(rl);
}


static void
t_same(void)
{
    int                    rc;
    cognito_revocation_t  *rl;

    rl = t_load(T_LIST, &rc);
    if (rl == NULL) {
        t_fatal("no revocation list");
    }

    t_ok(cognito_revocation_same(rl, T_LIST, strlen(T_LIST)) == 1,
         "same: the text it was loaded from");
    t_ok(cognito_revocation_same(rl, T_LIST, strlen(T_LIST) - 1) == 0,
         "same: another text");
    t_ok(cognito_revocation_same(NULL, T_LIST, strlen(T_LIST)) == 0,
         "same: no list");

    cognito_revocation_free(rl);
}


int
main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);

    t_loading();
    t_checks();
    t_same();

    return t_done("unit revoke");
}
