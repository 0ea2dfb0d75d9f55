
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * The request pipeline: the access handler, the precontent handler (the
 * check of subrequests, then the trusted headers), and the verdict.
 *
 * A request's token is decided once (ctx->state, as auth_request's:
 * nothing done; waiting for the pool's keys, a fetch started or another
 * request's awaited; decided), then each location that the request enters
 * decides its own verdict from the token's: claims with its rules, then
 * its policy (groups, scopes, tenant, requirements).  A verdict holds only
 * for the pools, token source and token it was made for.  The verdict's
 * outcome is set in one place, ngx_http_cognito_auth_set_verdict(), and
 * counted once per request, where it is final; a rejection is logged here
 * and answered with its status and WWW-Authenticate (RFC 6750).  This
 * file also renders claims as text, for the tenant and for the $cognito_*
 * variables.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"


/* a rejection of the token itself, not of this location's policy */
#define ngx_http_cognito_auth_token_reason(reason)                           \
    ((reason) < COGNITO_ERR_LAST)


/* cognito_auth_require_group and _scope: a claim that must name a value */
typedef struct {
    size_t                         offset;    /* of the lines in calcf */
    const char                    *claim;
    unsigned                       form;
    ngx_uint_t                     reason;
    const char                    *desc;
} ngx_http_cognito_auth_list_t;


static ngx_uint_t ngx_http_cognito_auth_is_preflight(ngx_http_request_t *r);
static void ngx_http_cognito_auth_withdraw(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx);
static ngx_int_t ngx_http_cognito_auth_bound(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf,
    ngx_http_cognito_auth_verdict_t *v);
static ngx_int_t ngx_http_cognito_auth_same_pools(ngx_array_t *a,
    ngx_array_t *b);
static void ngx_http_cognito_auth_reset(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx);
static ngx_int_t ngx_http_cognito_auth_subrequest(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf);
static ngx_int_t ngx_http_cognito_auth_check_token(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf,
    ngx_http_cognito_auth_ctx_t *ctx);
static ngx_int_t ngx_http_cognito_auth_read_token(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf,
    ngx_http_cognito_auth_ctx_t *ctx);
static ngx_int_t ngx_http_cognito_auth_parse(
    ngx_http_cognito_auth_loc_conf_t *calcf,
    ngx_http_cognito_auth_ctx_t *ctx);
static void ngx_http_cognito_auth_token_verdict(
    ngx_http_cognito_auth_ctx_t *ctx, cognito_code_e code, const char *msg);
static ngx_int_t ngx_http_cognito_auth_get_token(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_str_t *token);
static ngx_http_cognito_auth_pool_t *ngx_http_cognito_auth_pick_pool(
    ngx_http_cognito_auth_loc_conf_t *calcf, cognito_token_t *tok);
static ngx_int_t ngx_http_cognito_auth_decide(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf,
    ngx_http_cognito_auth_ctx_t *ctx);
static cognito_code_e ngx_http_cognito_auth_check_claims(
    ngx_http_request_t *r, ngx_http_cognito_auth_loc_conf_t *calcf,
    ngx_http_cognito_auth_verdict_t *v, const char **msg);
static ngx_int_t ngx_http_cognito_auth_policy(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf,
    ngx_http_cognito_auth_verdict_t *v);
static ngx_int_t ngx_http_cognito_auth_all_lines(ngx_http_request_t *r,
    cognito_token_t *tok, ngx_array_t *lines, const char *claim,
    unsigned form);
static ngx_int_t ngx_http_cognito_auth_requires(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, cognito_token_t *tok,
    ngx_uint_t *reason);
static ngx_int_t ngx_http_cognito_auth_tenant(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf,
    ngx_http_cognito_auth_verdict_t *v);
static void ngx_http_cognito_auth_set_verdict(
    ngx_http_cognito_auth_verdict_t *v, ngx_uint_t status,
    ngx_uint_t reason, const char *desc);
static ngx_int_t ngx_http_cognito_auth_finish(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf,
    ngx_http_cognito_auth_ctx_t *ctx);
static ngx_int_t ngx_http_cognito_auth_reject(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf,
    ngx_http_cognito_auth_ctx_t *ctx);
static ngx_int_t ngx_http_cognito_auth_log(ngx_http_request_t *r,
    ngx_http_cognito_auth_verdict_t *v);
static ngx_int_t ngx_http_cognito_auth_escape(ngx_http_request_t *r,
    ngx_str_t *value);
static ngx_http_cognito_auth_ctx_t *ngx_http_cognito_auth_main_ctx(
    ngx_http_request_t *r);
static void ngx_http_cognito_auth_cleanup(void *data);
static void ngx_http_cognito_auth_token_cleanup(void *data);


static ngx_http_cognito_auth_list_t  ngx_http_cognito_auth_lists[] = {

    { offsetof(ngx_http_cognito_auth_loc_conf_t, groups), "cognito:groups",
      COGNITO_CLAIM_ARRAY, NGX_HTTP_COGNITO_AUTH_GROUP_DENIED,
      "not in a required group" },

    { offsetof(ngx_http_cognito_auth_loc_conf_t, scopes), "scope",
      COGNITO_CLAIM_WORDS, NGX_HTTP_COGNITO_AUTH_SCOPE_DENIED,
      "insufficient scope" }
};


ngx_int_t
ngx_http_cognito_auth_handler(ngx_http_request_t *r)
{
    ngx_int_t                          rc;
    ngx_uint_t                         callback;
    ngx_http_cognito_auth_ctx_t       *ctx;
    ngx_http_cognito_auth_loc_conf_t  *calcf;

    calcf = ngx_http_get_module_loc_conf(r, ngx_http_cognito_auth_module);

    /*
     * a sign-in callback needs no token (_session.c); where no sign-in is
     * configured, none of the session's calls has anything to do
     */

    callback = calcf->signin
               && ngx_http_cognito_auth_signin_callback_here(calcf);

    if (calcf->pools == NULL && !callback) {
        return NGX_DECLINED;
    }

    if (calcf->preflight && ngx_http_cognito_auth_is_preflight(r)) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "cognito auth: CORS preflight, not checked");
        return NGX_DECLINED;
    }

    ctx = ngx_http_cognito_auth_get_ctx(r);

    if (ctx == NULL) {
        ctx = ngx_http_cognito_auth_create_ctx(r);
        if (ctx == NULL) {
            return NGX_ERROR;
        }
    }

    /* a fetch started: wait until it is done */

    if (ctx->fetching) {
        if (!ctx->fetch_done) {
            return NGX_AGAIN;
        }

        (void) ngx_http_cognito_auth_fetch_finish(r, ctx);
    }

    if (callback) {
        return ngx_http_cognito_auth_signin_callback(r, calcf, ctx);
    }

    /* a session about to expire is refreshed first (_session.c) */

    if (calcf->signin) {
        rc = ngx_http_cognito_auth_session_refresh(r, calcf, ctx);
        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    /*
     * Every request that reaches a protected location is checked, also
     * after an internal redirect (error_page, try_files, index,
     * X-Accel-Redirect, named locations).  The verdict made elsewhere
     * holds here only for the same pools, token source and token;
     * otherwise the request is checked from scratch.
     */

    ngx_http_cognito_auth_withdraw(r, ctx);

    if (ctx->state != NGX_HTTP_COGNITO_AUTH_NEW) {
        rc = ngx_http_cognito_auth_bound(r, calcf, &ctx->verdict);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc == NGX_DECLINED) {
            ngx_http_cognito_auth_reset(r, ctx);
        }
    }

    if (ctx->state != NGX_HTTP_COGNITO_AUTH_DECIDED) {
        rc = ngx_http_cognito_auth_check_token(r, calcf, ctx);

        if (rc == NGX_HTTP_SERVICE_UNAVAILABLE) {
            /* no keys to check the token with: never a 401 */

            ngx_http_cognito_auth_set_verdict(&ctx->verdict, rc,
                                        NGX_HTTP_COGNITO_AUTH_JWKS_UNAVAILABLE,
                                        "JWKS unavailable");

            return ngx_http_cognito_auth_finish(r, calcf, ctx);
        }

        if (rc != NGX_OK) {
            return rc;
        }
    }

    /* a good token is checked against the current revocation list */

    if (ctx->verdict.sig_code == COGNITO_OK) {
        rc = ngx_http_cognito_auth_revocation_current(r, ctx);

        if (rc == NGX_HTTP_SERVICE_UNAVAILABLE) {
            ngx_http_cognito_auth_set_verdict(&ctx->verdict, rc,
                                  NGX_HTTP_COGNITO_AUTH_REVOCATION_UNAVAILABLE,
                                  "revocation list unavailable");

            return ngx_http_cognito_auth_finish(r, calcf, ctx);
        }

        if (rc != NGX_OK) {
            return rc;
        }
    }

    return ngx_http_cognito_auth_decide(r, calcf, ctx);
}


/*
 * A CORS preflight (cognito_auth_preflight): OPTIONS with both Origin and
 * Access-Control-Request-Method, each non-empty, as browsers send it
 * (without credentials).  Any other OPTIONS is checked like every request.
 */

static ngx_uint_t
ngx_http_cognito_auth_is_preflight(ngx_http_request_t *r)
{
    static ngx_str_t  origin = ngx_string("Origin");
    static ngx_str_t  acrm = ngx_string("Access-Control-Request-Method");

    return r->method == NGX_HTTP_OPTIONS
           && ngx_http_cognito_auth_has_header(r, &origin, NULL)
           && ngx_http_cognito_auth_has_header(r, &acrm, NULL);
}


ngx_http_cognito_auth_ctx_t *
ngx_http_cognito_auth_create_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t           *cln;
    ngx_http_cognito_auth_ctx_t  *ctx;

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_cognito_auth_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_cognito_auth_cleanup;
    cln->data = ctx;

    ngx_http_set_ctx(r, ctx, ngx_http_cognito_auth_module);

    return ctx;
}


/* rejected before a redirect: this location makes its own challenge */

static void
ngx_http_cognito_auth_withdraw(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx)
{
    ngx_table_elt_t  *h;

    if (ctx->verdict.status == NGX_OK) {
        return;
    }

    h = r->headers_out.www_authenticate;

#if (nginx_version >= 1023000)
    for ( /* void */ ; h; h = h->next) {
        h->hash = 0;
    }
#else
    if (h != NULL) {
        h->hash = 0;
    }
#endif

    r->headers_out.www_authenticate = NULL;
    ctx->verdict.status = NGX_OK;
}


/*
 * NGX_OK if the verdict v was made for this location's pools (the same
 * set), token source (cognito_auth_token's value, or Authorization read
 * with the same scheme) and token; NGX_DECLINED if not.
 */

static ngx_int_t
ngx_http_cognito_auth_bound(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_verdict_t *v)
{
    ngx_int_t                  rc;
    ngx_str_t                  token;
    ngx_http_complex_value_t  *a, *b;

    if (!ngx_http_cognito_auth_same_pools(v->pools, calcf->pools)) {
        return NGX_DECLINED;
    }

    a = v->source;
    b = calcf->token;

    if (a != b
        && (a == NULL || b == NULL
            || a->value.len != b->value.len
            || ngx_strncmp(a->value.data, b->value.data, a->value.len) != 0))
    {
        return NGX_DECLINED;
    }

    /* Authorization read another way is another source */

    if (a == NULL && v->scheme != calcf->token_scheme) {
        return NGX_DECLINED;
    }

    /* the same source may yield another token here (arguments, headers) */

    rc = ngx_http_cognito_auth_get_token(r, calcf, &token);
    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rc == NGX_DECLINED) {
        token.len = 0;
    }

    if (token.len != v->token.len
        || (token.len
            && ngx_memcmp(token.data, v->token.data, token.len) != 0))
    {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_cognito_auth_same_pools(ngx_array_t *a, ngx_array_t *b)
{
    ngx_uint_t                      i, j, k;
    ngx_array_t                    *x, *y;
    ngx_http_cognito_auth_pool_t  **p, **q;

    if (a == b) {
        return 1;
    }

    if (a == NULL || b == NULL) {
        return 0;
    }

    /* the same set: each pool of one list is in the other */

    for (k = 0; k < 2; k++) {
        x = k ? b : a;
        y = k ? a : b;

        p = x->elts;
        q = y->elts;

        for (i = 0; i < x->nelts; i++) {
            for (j = 0; j < y->nelts; j++) {
                if (p[i] == q[j]) {
                    break;
                }
            }

            if (j == y->nelts) {
                return 0;
            }
        }
    }

    return 1;
}


/*
 * Forgets the verdict, not the JWKS fetch state: the request's one fetch
 * stays used, and a fetch in flight is never reset (the request waits in
 * the access phase until it ends, so no redirect happens meanwhile).
 */

static void
ngx_http_cognito_auth_reset(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx)
{
    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "cognito auth: other pools, token source or token: "
                   "checking again");

    /* a subrequest's copy of the verdict holds its own reference */

    cognito_token_free(ctx->verdict.tok);

    ngx_memzero(&ctx->verdict, sizeof(ngx_http_cognito_auth_verdict_t));

    ctx->state = NGX_HTTP_COGNITO_AUTH_NEW;
    ctx->cache = NGX_HTTP_COGNITO_AUTH_CACHE_NONE;
    ctx->cached_generation = 0;
}


/*
 * nginx skips the access phase for subrequests (auth_request, SSI,
 * mirror, echo_location, ...); this runs for them in the precontent phase.
 * A subrequest into a protected location is allowed only with the main
 * request's verdict made for the same pools, token source and token, and
 * then only if this location's claim rules and policy pass.  The module's
 * own JWKS fetch and sign-in token exchange are not checked.  NGX_OK:
 * allowed.
 */

static ngx_int_t
ngx_http_cognito_auth_subrequest(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf)
{
    ngx_int_t                         rc;
    ngx_pool_cleanup_t               *cln;
    ngx_http_cognito_auth_ctx_t      *ctx, *mctx;
    ngx_http_cognito_auth_verdict_t  *v, *mv;

    mctx = ngx_http_cognito_auth_main_ctx(r);

    if (mctx != NULL
        && ((mctx->fetching && mctx->sr == r) || mctx->signin_sr == r))
    {
        return NGX_OK;
    }

    rc = NGX_DECLINED;

    if (mctx != NULL && mctx->state == NGX_HTTP_COGNITO_AUTH_DECIDED) {
        rc = ngx_http_cognito_auth_bound(r, calcf, &mctx->verdict);
        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }
    }

    /* the subrequest's own copy: the main request's verdict stays as is */

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_cognito_auth_ctx_t));
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    v = &ctx->verdict;

    if (rc == NGX_OK) {
        mv = &mctx->verdict;

        if (mv->tok != NULL) {
            cln = ngx_pool_cleanup_add(r->pool, 0);
            if (cln == NULL) {
                return NGX_ERROR;
            }

            v->tok = cognito_token_ref(mv->tok);

            cln->handler = ngx_http_cognito_auth_token_cleanup;
            cln->data = v->tok;
        }

        v->pool = mv->pool;
        v->token = mv->token;
        v->pools = mv->pools;
        v->source = mv->source;
        v->scheme = mv->scheme;

        ngx_http_cognito_auth_token_verdict(ctx, mv->sig_code, mv->sig_msg);

    } else {
        ngx_http_cognito_auth_token_verdict(ctx, COGNITO_ERR_TOKEN_MISSING,
                                            "subrequest without the main "
                                            "request's verdict for this "
                                            "location");
    }

    /* the main request is the one counted */
    ctx->counted = 1;

    ngx_http_set_ctx(r, ctx, ngx_http_cognito_auth_module);

    return ngx_http_cognito_auth_decide(r, calcf, ctx);
}


/*
 * The token's verdict: parse, pool, signature.  NGX_OK when it is made
 * (ctx->state is DECIDED), NGX_AGAIN while the pool's keys are loading,
 * NGX_HTTP_SERVICE_UNAVAILABLE when there are none, or NGX_ERROR.
 */

static ngx_int_t
ngx_http_cognito_auth_check_token(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx)
{
    ngx_int_t                         rc;
    cognito_err_t                     err;
    cognito_code_e                    code;
    cognito_keyset_t                 *ks;
    ngx_http_cognito_auth_verdict_t  *v;

    v = &ctx->verdict;

    if (ctx->state == NGX_HTTP_COGNITO_AUTH_NEW) {
        rc = ngx_http_cognito_auth_read_token(r, calcf, ctx);

        if (rc != NGX_OK) {
            return (rc == NGX_ERROR) ? NGX_ERROR : NGX_OK;
        }
    }

    rc = ngx_http_cognito_auth_get_keys(r, ctx, v->pool, 0, &ks);
    if (rc != NGX_OK) {
        return rc;
    }

    if (ctx->cache == NGX_HTTP_COGNITO_AUTH_CACHE_HIT) {
        if (ctx->cached_generation == v->pool->generation) {
            ctx->cache = NGX_HTTP_COGNITO_AUTH_CACHE_HELD;
            ngx_http_cognito_auth_token_verdict(ctx, COGNITO_OK, NULL);
            return NGX_OK;
        }

        /* the pool's keys changed since: verify afresh */

        cognito_token_free(v->tok);
        v->tok = NULL;
        ctx->cache = NGX_HTTP_COGNITO_AUTH_CACHE_MISS;

        if (ngx_http_cognito_auth_parse(calcf, ctx) != NGX_OK) {
            return NGX_OK;
        }
    }

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "cognito auth: verifying signature");

    code = cognito_token_verify(v->tok, ks, &err);
    ngx_http_cognito_auth_count_verify(r);

    if (code == COGNITO_ERR_KID_UNKNOWN
        && ctx->state != NGX_HTTP_COGNITO_AUTH_REFRESH
        && v->pool->jwks_uri.len)
    {
        /* a rotated key: refresh, if the rate limit allows it */

        ctx->state = NGX_HTTP_COGNITO_AUTH_REFRESH;

        rc = ngx_http_cognito_auth_get_keys(r, ctx, v->pool, 1, &ks);

        if (rc == NGX_AGAIN) {
            return NGX_AGAIN;
        }

        if (rc == NGX_OK) {
            code = cognito_token_verify(v->tok, ks, &err);
            ngx_http_cognito_auth_count_verify(r);
        }
    }

    if (code == COGNITO_OK) {
        /* the payload only now: a forged token never costs its parse */
        code = cognito_token_read_payload(v->tok, &err);
    }

    ngx_http_cognito_auth_token_verdict(ctx, code, err.msg);

    return NGX_OK;
}


/*
 * The token, from the cache or parsed, and its pool: NGX_OK (keys are
 * needed next), NGX_DECLINED with the token's verdict made, or NGX_ERROR.
 */

static ngx_int_t
ngx_http_cognito_auth_read_token(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx)
{
    ngx_int_t                         rc;
    ngx_str_t                         token;
    ngx_http_cognito_auth_cached_t    found;
    ngx_http_cognito_auth_verdict_t  *v;

    v = &ctx->verdict;

    v->pools = calcf->pools;
    v->source = calcf->token;
    v->scheme = calcf->token_scheme;

    rc = ngx_http_cognito_auth_get_token(r, calcf, &token);
    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rc == NGX_DECLINED) {
        ngx_http_cognito_auth_token_verdict(ctx, COGNITO_ERR_TOKEN_MISSING,
                                            "token missing");
        return NGX_DECLINED;
    }

    v->token = token;

    rc = ngx_http_cognito_auth_cache_lookup(r, calcf->pools, &token,
                                            &ctx->cache_hash, &found);

    if (rc == NGX_OK) {
        v->tok = found.tok;
        v->pool = found.pool;
        ctx->cached_generation = found.generation;
        ctx->cache = NGX_HTTP_COGNITO_AUTH_CACHE_HIT;
        ctx->state = NGX_HTTP_COGNITO_AUTH_KEYS;

        return NGX_OK;
    }

    if (rc == NGX_DECLINED) {
        ctx->cache = NGX_HTTP_COGNITO_AUTH_CACHE_MISS;
    }

    return ngx_http_cognito_auth_parse(calcf, ctx);
}


/* NGX_OK with the token parsed and its pool, or NGX_DECLINED, decided */

static ngx_int_t
ngx_http_cognito_auth_parse(ngx_http_cognito_auth_loc_conf_t *calcf,
    ngx_http_cognito_auth_ctx_t *ctx)
{
    cognito_err_t                     err;
    ngx_http_cognito_auth_pool_t     *pool;
    ngx_http_cognito_auth_verdict_t  *v;

    v = &ctx->verdict;

    if (cognito_token_parse((const char *) v->token.data, v->token.len,
                            COGNITO_ALG_RS256|COGNITO_ALG_RS384
                            |COGNITO_ALG_RS512,
                            &v->tok, &err)
        != COGNITO_OK)
    {
        ngx_http_cognito_auth_token_verdict(ctx, err.code, err.msg);
        return NGX_DECLINED;
    }

    /* a pool picked by "iss" reads the payload before the signature */

    if (calcf->pools->nelts > 1
        && cognito_token_read_payload(v->tok, &err) != COGNITO_OK)
    {
        ngx_http_cognito_auth_token_verdict(ctx, err.code, err.msg);
        return NGX_DECLINED;
    }

    pool = ngx_http_cognito_auth_pick_pool(calcf, v->tok);
    if (pool == NULL) {
        ngx_http_cognito_auth_token_verdict(ctx, COGNITO_ERR_ISSUER,
                                            "token issuer not accepted here");
        return NGX_DECLINED;
    }

    v->pool = pool;

    /* the pool's own algs= list, before its keys are touched */

    if (!(cognito_token_alg(v->tok) & pool->algs)) {
        ngx_http_cognito_auth_token_verdict(ctx, COGNITO_ERR_ALG_NOT_ALLOWED,
                                            "alg not allowed");
        return NGX_DECLINED;
    }

    ctx->state = NGX_HTTP_COGNITO_AUTH_KEYS;

    return NGX_OK;
}


/* the token is decided */

static void
ngx_http_cognito_auth_token_verdict(ngx_http_cognito_auth_ctx_t *ctx,
    cognito_code_e code, const char *msg)
{
    ctx->verdict.sig_code = code;
    ctx->verdict.sig_msg = msg;
    ctx->state = NGX_HTTP_COGNITO_AUTH_DECIDED;
}


/*
 * The token from cognito_auth_token's value, whole, or else from
 * Authorization as cognito_auth_token_scheme allows (Bearer, bare or
 * either): NGX_OK, NGX_DECLINED when there is none, or NGX_ERROR.
 */

static ngx_int_t
ngx_http_cognito_auth_get_token(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_str_t *token)
{
    size_t       len;
    ngx_int_t    rc;
    ngx_str_t    value;
    const char  *p;

    /* where browsers sign in, the session first (_session.c) */

    if (calcf->signin) {
        rc = ngx_http_cognito_auth_session_token(r, calcf, token);
        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    if (calcf->token != NULL) {
        if (ngx_http_complex_value(r, calcf->token, &value) != NGX_OK) {
            return NGX_ERROR;
        }

        if (value.len == 0) {
            return NGX_DECLINED;
        }

        *token = value;
        return NGX_OK;
    }

    if (r->headers_in.authorization == NULL) {
        return NGX_DECLINED;
    }

    value = r->headers_in.authorization->value;

    if (!cognito_authorization_token((const char *) value.data, value.len,
                                     calcf->token_scheme, &p, &len))
    {
        return NGX_DECLINED;
    }

    token->data = (u_char *) p;
    token->len = len;

    return NGX_OK;
}


static ngx_http_cognito_auth_pool_t *
ngx_http_cognito_auth_pick_pool(ngx_http_cognito_auth_loc_conf_t *calcf,
    cognito_token_t *tok)
{
    char                          **iss;
    const char                     *s;
    ngx_uint_t                      i, j;
    ngx_http_cognito_auth_pool_t  **pools;

    pools = calcf->pools->elts;

    if (calcf->pools->nelts == 1) {
        /* the claim check reports a wrong issuer */
        return pools[0];
    }

    s = cognito_token_iss(tok);
    if (s == NULL) {
        return NULL;
    }

    for (i = 0; i < calcf->pools->nelts; i++) {
        iss = pools[i]->issuers.elts;

        for (j = 0; j < pools[i]->issuers.nelts; j++) {
            if (ngx_strcmp(iss[j], s) == 0) {
                return pools[i];
            }
        }
    }

    return NULL;
}


/*
 * This location's verdict, from the token's: its claim rules, then its
 * policy.  NGX_OK when allowed, else the status to reject with.
 */

static ngx_int_t
ngx_http_cognito_auth_decide(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx)
{
    const char                       *msg;
    cognito_code_e                    code;
    ngx_http_cognito_auth_verdict_t  *v;

    v = &ctx->verdict;

    v->valid = 0;
    ngx_str_null(&v->tenant);

    code = v->sig_code;
    msg = v->sig_msg;

    if (code == COGNITO_OK) {
        code = ngx_http_cognito_auth_check_claims(r, calcf, v, &msg);
    }

    if (code != COGNITO_OK) {
        ngx_http_cognito_auth_set_verdict(v, NGX_HTTP_UNAUTHORIZED, code, msg);
        return ngx_http_cognito_auth_finish(r, calcf, ctx);
    }

    v->valid = 1;

    if (ctx->cache == NGX_HTTP_COGNITO_AUTH_CACHE_MISS) {
        ngx_http_cognito_auth_cache_store(r, ctx->cache_hash, &v->token,
                                          v->tok, v->pool);
        ctx->cache = NGX_HTTP_COGNITO_AUTH_CACHE_HELD;
    }

    if (ngx_http_cognito_auth_policy(r, calcf, v) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_cognito_auth_finish(r, calcf, ctx);
}


static cognito_code_e
ngx_http_cognito_auth_check_claims(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_verdict_t *v,
    const char **msg)
{
    ngx_time_t                         *tp;
    cognito_err_t                       err;
    cognito_rules_t                     rules;
    ngx_http_cognito_auth_pool_t       *pool;
    ngx_http_cognito_auth_main_conf_t  *camcf;

    pool = v->pool;

    rules.issuers = pool->issuers.elts;
    rules.nissuers = pool->issuers.nelts;
    rules.clients = pool->clients.elts;
    rules.nclients = pool->clients.nelts;
    rules.token_use = calcf->token_use;
    rules.leeway = pool->leeway;

    /*
     * to the millisecond, as aws-jwt-verify compares exp and nbf; a cached
     * token that passed this pool's rules with this token_use before has
     * only its time claims checked again (the pool is the memo's key: its
     * issuers, clients and leeway stay the same for the worker's life)
     */

    tp = ngx_timeofday();

    if (cognito_token_check_claims_memo(v->tok, pool, &rules,
                                        tp->sec + tp->msec / 1000.0, &err)
        != COGNITO_OK)
    {
        *msg = err.msg;
        return err.code;
    }

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);

    if (camcf->revocation != NULL
        && cognito_revocation_check(camcf->revocation, v->tok, &err)
           != COGNITO_OK)
    {
        *msg = err.msg;
        return err.code;
    }

    return COGNITO_OK;
}


/*
 * Groups, scopes, tenant and requirements, in this order: the first that
 * fails makes the verdict.  NGX_OK with the verdict set, or NGX_ERROR.
 */

static ngx_int_t
ngx_http_cognito_auth_policy(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_verdict_t *v)
{
    ngx_int_t                      rc;
    ngx_uint_t                     i, reason;
    ngx_array_t                   *lines;
    ngx_http_cognito_auth_list_t  *list;

    for (i = 0; i < sizeof(ngx_http_cognito_auth_lists)
                    / sizeof(ngx_http_cognito_auth_list_t); i++)
    {
        list = &ngx_http_cognito_auth_lists[i];
        lines = *(ngx_array_t **) ((char *) calcf + list->offset);

        rc = ngx_http_cognito_auth_all_lines(r, v->tok, lines, list->claim,
                                             list->form);
        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc == NGX_DECLINED) {
            ngx_http_cognito_auth_set_verdict(v, NGX_HTTP_FORBIDDEN,
                                              list->reason, list->desc);
            return NGX_OK;
        }
    }

    if (calcf->tenant_type) {
        if (ngx_http_cognito_auth_tenant(r, calcf, v) != NGX_OK) {
            return NGX_ERROR;
        }

        if (v->tenant.len == 0 && calcf->tenant_required == 1) {
            ngx_http_cognito_auth_set_verdict(v, NGX_HTTP_FORBIDDEN,
                                          NGX_HTTP_COGNITO_AUTH_TENANT_MISSING,
                                          "no tenant");
            return NGX_OK;
        }
    }

    rc = ngx_http_cognito_auth_requires(r, calcf, v->tok, &reason);

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rc != NGX_OK) {
        ngx_http_cognito_auth_set_verdict(v, rc, reason,
                                 reason == NGX_HTTP_COGNITO_AUTH_REQUIRE_TYPE
                                 ? "claim type does not fit the requirement"
                                 : "requirement not met");
        return NGX_OK;
    }

    ngx_http_cognito_auth_set_verdict(v, NGX_OK, COGNITO_OK, NULL);

    return NGX_OK;
}


/*
 * Lines of cognito_auth_require_group or _scope: each line holds when the
 * claim names one of its values (a variable that is empty names nothing).
 * NGX_OK when every line holds, NGX_DECLINED if one does not, NGX_ERROR.
 */

static ngx_int_t
ngx_http_cognito_auth_all_lines(ngx_http_request_t *r, cognito_token_t *tok,
    ngx_array_t *lines, const char *claim, unsigned form)
{
    ngx_str_t                  value;
    ngx_uint_t                 i, j;
    ngx_array_t               *line;
    ngx_http_complex_value_t  *cv;

    if (lines == NULL) {
        return NGX_OK;
    }

    line = lines->elts;

    for (i = 0; i < lines->nelts; i++) {
        cv = line[i].elts;

        for (j = 0; j < line[i].nelts; j++) {
            if (ngx_http_complex_value(r, &cv[j], &value) != NGX_OK) {
                return NGX_ERROR;
            }

            if (value.len
                && cognito_token_claim_has(tok, claim, form,
                                           (const char *) value.data,
                                           value.len))
            {
                break;
            }
        }

        if (j == line[i].nelts) {
            return NGX_DECLINED;
        }
    }

    return NGX_OK;
}


/*
 * cognito_auth_require: NGX_OK when every value is non-empty and not "0"
 * and every typed rule holds, else the status of the line that failed
 * with *reason (require_failed, or require_type when the claim's type
 * does not fit the rule), or NGX_ERROR.
 */

static ngx_int_t
ngx_http_cognito_auth_requires(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, cognito_token_t *tok,
    ngx_uint_t *reason)
{
    ngx_int_t                         rc;
    ngx_str_t                         value;
    ngx_uint_t                        i, j;
    ngx_http_complex_value_t         *cv;
    ngx_http_cognito_auth_require_t  *req;

    *reason = NGX_HTTP_COGNITO_AUTH_REQUIRE_FAILED;

    if (calcf->requires == NULL) {
        return NGX_OK;
    }

    req = calcf->requires->elts;

    for (i = 0; i < calcf->requires->nelts; i++) {
        if (req[i].rule != NULL) {
            rc = cognito_token_rule(tok, req[i].rule);

            if (rc == 1) {
                continue;
            }

            if (rc < 0) {
                *reason = NGX_HTTP_COGNITO_AUTH_REQUIRE_TYPE;
            }

            return req[i].status;
        }

        cv = req[i].values.elts;

        for (j = 0; j < req[i].values.nelts; j++) {
            if (ngx_http_complex_value(r, &cv[j], &value) != NGX_OK) {
                return NGX_ERROR;
            }

            if (value.len == 0 || (value.len == 1 && value.data[0] == '0')) {
                return req[i].status;
            }
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_cognito_auth_tenant(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_verdict_t *v)
{
    ngx_int_t    rc;
    const char  *path[1];

    if (calcf->tenant_type == NGX_HTTP_COGNITO_AUTH_TENANT_CLAIM) {
        path[0] = (const char *) calcf->tenant_claim.data;

        rc = ngx_http_cognito_auth_claim_text(r, v->tok, path, 1, 0,
                                              &v->tenant);

        if (rc == NGX_DECLINED) {
            ngx_str_null(&v->tenant);
            return NGX_OK;
        }

        return rc;
    }

#if (NGX_PCRE)
    {
    int          caps[6];
    size_t       i, slen;
    ngx_str_t    group;
    const char  *s;

    /*
     * the first group, in token order, that matches the rule; only an
     * array of strings holds groups
     */

    for (i = 0;
         cognito_token_claim_item(v->tok, "cognito:groups", i, &s, &slen);
         i++)
    {
        group.data = (u_char *) s;
        group.len = slen;

        rc = ngx_regex_exec(calcf->tenant_regex, &group, caps, 6);

        if (rc == NGX_REGEX_NO_MATCHED) {
            continue;
        }

        if (rc < 0) {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          ngx_regex_exec_n " failed: %i", rc);
            return NGX_ERROR;
        }

        if (calcf->tenant_captures > 0 && caps[2] >= 0) {
            group.data += caps[2];
            group.len = caps[3] - caps[2];

        } else {
            group.data += caps[0];
            group.len = caps[1] - caps[0];
        }

        /* a copy: the token may be released before the request ends */

        v->tenant.data = ngx_pstrdup(r->pool, &group);
        if (v->tenant.data == NULL && group.len) {
            return NGX_ERROR;
        }

        v->tenant.len = group.len;

        return ngx_http_cognito_auth_escape(r, &v->tenant);
    }
    }
#endif

    return NGX_OK;
}


/*
 * The one place the verdict's outcome is set: NGX_OK (allowed) or the
 * status to reject with, the reason (a cognito_code_e or a policy reason)
 * with its name for $cognito_error and metrics, and the description.
 */

static void
ngx_http_cognito_auth_set_verdict(ngx_http_cognito_auth_verdict_t *v,
    ngx_uint_t status, ngx_uint_t reason, const char *desc)
{
    v->status = status;
    v->reason = reason;

    ngx_str_null(&v->error);
    ngx_str_null(&v->desc);

    if (status == NGX_OK) {
        return;
    }

    v->error.data = (u_char *) ngx_http_cognito_auth_reason_name(reason);
    v->error.len = ngx_strlen(v->error.data);

    v->desc.data = (u_char *) desc;
    v->desc.len = ngx_strlen(desc);
}


/*
 * The verdict is final: counted once per request (a subrequest's copy
 * never is), then NGX_OK, 503 as it is, or the rejection.
 */

static ngx_int_t
ngx_http_cognito_auth_finish(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx)
{
    ngx_http_cognito_auth_verdict_t  *v;

    v = &ctx->verdict;

    if (!ctx->counted) {
        ctx->counted = 1;
        ngx_http_cognito_auth_count(r, v->pool,
                                    v->status == NGX_OK ? COGNITO_OK
                                                        : v->reason);
    }

    if (v->status == NGX_OK) {
        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "cognito auth: %sallowed by pool \"%V\"",
                       r == r->main ? "" : "subrequest ", &v->pool->name);
        return NGX_OK;
    }

    if (v->status == NGX_HTTP_SERVICE_UNAVAILABLE) {
        /*
         * logged where the keys (or the revocation list) were missed; the
         * JSON body as for a 401
         */

        if (v->reason == NGX_HTTP_COGNITO_AUTH_REVOCATION_UNAVAILABLE) {
            ngx_str_set(&ctx->reject_body,
                        "{\"error\":\"temporarily_unavailable\","
                        "\"error_description\":\"revocation list "
                        "unavailable\"}\n");

        } else {
            ngx_str_set(&ctx->reject_body,
                        "{\"error\":\"temporarily_unavailable\","
                        "\"error_description\":\"JWKS unavailable\"}\n");
        }

        ctx->reject_status = NGX_HTTP_SERVICE_UNAVAILABLE;
        ctx->reject_conf = calcf;

        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    return ngx_http_cognito_auth_reject(r, calcf, ctx);
}


/*
 * A 401 or 403: logged, with its WWW-Authenticate challenge (RFC 6750) for
 * a 401 and for insufficient scope, and its JSON body.
 */

static ngx_int_t
ngx_http_cognito_auth_reject(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx)
{
    u_char                           *p;
    size_t                            len;
    ngx_int_t                         rc;
    ngx_str_t                         header, error;
    ngx_http_cognito_auth_verdict_t  *v;

    v = &ctx->verdict;

    if (ngx_http_cognito_auth_log(r, v) != NGX_OK) {
        return NGX_ERROR;
    }

    /* no valid token where browsers sign in: to the hosted UI */

    if (v->status == NGX_HTTP_UNAUTHORIZED
        && ngx_http_cognito_auth_token_reason(v->reason))
    {
        rc = ngx_http_cognito_auth_signin_login(r, calcf);
        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    if (ngx_http_cognito_auth_token_reason(v->reason)) {
        if (v->reason == COGNITO_ERR_TOKEN_MISSING) {
            ngx_str_set(&error, "");

        } else {
            ngx_str_set(&error, "invalid_token");
        }

    } else {
        if (v->reason == NGX_HTTP_COGNITO_AUTH_SCOPE_DENIED) {
            ngx_str_set(&error, "insufficient_scope");

        } else if (v->status == NGX_HTTP_UNAUTHORIZED) {
            /* cognito_auth_require ... error=401: RFC 6750's code */
            ngx_str_set(&error, "invalid_token");

        } else {
            ngx_str_set(&error, "forbidden");
        }
    }

    /* Bearer realm="...", error="...", error_description="..." */

    if (v->status == NGX_HTTP_UNAUTHORIZED
        || v->reason == NGX_HTTP_COGNITO_AUTH_SCOPE_DENIED)
    {
        len = sizeof("Bearer realm=\"\"") - 1 + calcf->realm.len
              + sizeof(", error=\"\", error_description=\"\"") - 1
              + error.len + v->desc.len;

        p = ngx_pnalloc(r->pool, len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        header.data = p;
        p = ngx_sprintf(p, "Bearer realm=\"%V\"", &calcf->realm);

        if (error.len) {
            p = ngx_sprintf(p, ", error=\"%V\", error_description=\"%V\"",
                            &error, &v->desc);
        }

        header.len = p - header.data;

        if (ngx_http_cognito_auth_www_authenticate(r, &header) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    /*
     * The status goes back to the access phase, as auth_basic's does:
     * auth_delay, satisfy and error_page apply.  The output filter sends
     * this JSON body instead of nginx's HTML page if the response is this
     * rejection's own (ngx_http_cognito_auth_filter.c).
     */

    if (error.len == 0) {
        ngx_str_set(&error, "unauthorized");
    }

    len = sizeof("{\"error\":\"\",\"error_description\":\"\"}\n") - 1
          + error.len + v->desc.len;

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ctx->reject_body.data = p;
    p = ngx_sprintf(p, "{\"error\":\"%V\",\"error_description\":\"%V\"}\n",
                    &error, &v->desc);
    ctx->reject_body.len = p - ctx->reject_body.data;
    ctx->reject_status = v->status;
    ctx->reject_conf = calcf;

    return v->status;
}


/*
 * The rejection's log line: its reason code and description, the pool
 * when known; for a valid token refused by policy, also its sub (escaped
 * as $cognito_sub is).  Never the token.
 */

static ngx_int_t
ngx_http_cognito_auth_log(ngx_http_request_t *r,
    ngx_http_cognito_auth_verdict_t *v)
{
    ngx_int_t    rc;
    ngx_str_t    sub;
    const char  *path[1];

    if (ngx_http_cognito_auth_token_reason(v->reason)) {
        if (v->pool == NULL) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "cognito auth: token rejected: %V (%V)",
                          &v->error, &v->desc);

        } else {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "cognito auth: token rejected: %V (%V), "
                          "pool \"%V\"",
                          &v->error, &v->desc, &v->pool->name);
        }

        return NGX_OK;
    }

    ngx_str_null(&sub);

    if (v->tok != NULL) {
        path[0] = "sub";

        rc = ngx_http_cognito_auth_claim_text(r, v->tok, path, 1, 0, &sub);
        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "cognito auth: access denied: %V (%V), pool \"%V\", "
                  "sub \"%V\"",
                  &v->error, &v->desc, &v->pool->name, &sub);

    return NGX_OK;
}


/*
 * A claim as text: strings as they are, arrays joined by ",", and, with
 * list set, only an array of strings.  Claims are attacker-influenced text
 * (custom attributes): control bytes would split a header or a log line,
 * so they are %XX-escaped.  NGX_OK and *value, NGX_DECLINED when absent,
 * or NGX_ERROR.
 */

ngx_int_t
ngx_http_cognito_auth_claim_text(ngx_http_request_t *r, cognito_token_t *tok,
    const char **path, size_t npath, ngx_uint_t list, ngx_str_t *value)
{
    long     n;
    u_char  *buf;

    if (list) {
        n = cognito_token_claim_list(tok, path[0], ",", NULL, 0);

    } else {
        n = cognito_token_claim(tok, path, npath, ",", NULL, 0);
    }

    if (n < 0) {
        return NGX_DECLINED;
    }

    buf = ngx_pnalloc(r->pool, n + 1);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    if (list) {
        (void) cognito_token_claim_list(tok, path[0], ",", (char *) buf,
                                        n + 1);

    } else {
        (void) cognito_token_claim(tok, path, npath, ",", (char *) buf,
                                   n + 1);
    }

    value->data = buf;
    value->len = n;

    return ngx_http_cognito_auth_escape(r, value);
}


static ngx_int_t
ngx_http_cognito_auth_escape(ngx_http_request_t *r, ngx_str_t *value)
{
    u_char      *p, *d, *last;
    ngx_uint_t   n;

    static u_char  hex[] = "0123456789ABCDEF";

    n = 0;
    last = value->data + value->len;

    for (p = value->data; p < last; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            n++;
        }
    }

    if (n == 0) {
        return NGX_OK;
    }

    d = ngx_pnalloc(r->pool, value->len + 2 * n);
    if (d == NULL) {
        return NGX_ERROR;
    }

    p = value->data;
    value->data = d;

    for ( /* void */ ; p < last; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            *d++ = '%';
            *d++ = hex[*p >> 4];
            *d++ = hex[*p & 0xf];
            continue;
        }

        *d++ = *p;
    }

    value->len += 2 * n;

    return NGX_OK;
}


ngx_http_cognito_auth_ctx_t *
ngx_http_cognito_auth_get_ctx(ngx_http_request_t *r)
{
    ngx_http_cognito_auth_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_cognito_auth_module);

    if (ctx != NULL) {
        return ctx;
    }

    /*
     * An internal redirect or a subrequest has a fresh module context;
     * the request's verdict lives on in the pool cleanup (as realip does).
     */

    ctx = ngx_http_cognito_auth_main_ctx(r);

    if (ctx != NULL) {
        ngx_http_set_ctx(r, ctx, ngx_http_cognito_auth_module);
    }

    return ctx;
}


/*
 * The main request's context, found through the pool its subrequests
 * share: only the access handler, which runs for main requests alone,
 * adds this cleanup.
 */

static ngx_http_cognito_auth_ctx_t *
ngx_http_cognito_auth_main_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t  *cln;

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_cognito_auth_cleanup) {
            return cln->data;
        }
    }

    return NULL;
}


static void
ngx_http_cognito_auth_cleanup(void *data)
{
    ngx_http_cognito_auth_ctx_t  *ctx = data;

    if (ctx->verdict.tok != NULL) {
        cognito_token_free(ctx->verdict.tok);
        ctx->verdict.tok = NULL;
    }
}


static void
ngx_http_cognito_auth_token_cleanup(void *data)
{
    cognito_token_free(data);
}


ngx_int_t
ngx_http_cognito_auth_precontent_handler(ngx_http_request_t *r)
{
    ngx_int_t                          rc;
    ngx_http_cognito_auth_loc_conf_t  *calcf;

    calcf = ngx_http_get_module_loc_conf(r, ngx_http_cognito_auth_module);

    if (r != r->main && calcf->pools != NULL) {
        rc = ngx_http_cognito_auth_subrequest(r, calcf);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (r == r->main && calcf->signin
        && ngx_http_cognito_auth_session_upstream(r, calcf) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (calcf->headers == NULL) {
        return NGX_DECLINED;
    }

    if (ngx_http_cognito_auth_set_headers(r, calcf) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_DECLINED;
}
