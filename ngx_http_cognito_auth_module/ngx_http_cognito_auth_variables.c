
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * $cognito_* variables and cognito_auth_claim_set.  Claims are exposed only
 * for a token whose signature and claims checked out.  One variable is a
 * token source, not a claim: $cognito_appsync_header_token, the token in
 * AppSync's "header" query parameter (real-time WebSocket handshakes).
 * $cognito_claims is the verified payload whole, as signed (base64url).
 * $cognito_session_expires is when the request's sign-in session ends.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"


#define NGX_HTTP_COGNITO_AUTH_VAR_TENANT  0
#define NGX_HTTP_COGNITO_AUTH_VAR_POOL    1
#define NGX_HTTP_COGNITO_AUTH_VAR_ERROR   2
#define NGX_HTTP_COGNITO_AUTH_VAR_CLAIMS  3


typedef struct {
    const char                   **path;
    size_t                         npath;
    const char                    *fallback;  /* tried when path is absent */
    ngx_uint_t                     list;      /* an array of strings only */
} ngx_http_cognito_auth_claim_t;


static ngx_int_t ngx_http_cognito_auth_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_cognito_auth_ctx_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_cognito_auth_session_variable(
    ngx_http_request_t *r, ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_cognito_auth_appsync_variable(
    ngx_http_request_t *r, ngx_http_variable_value_t *v, uintptr_t data);
static ngx_http_cognito_auth_ctx_t *ngx_http_cognito_auth_valid_ctx(
    ngx_http_request_t *r);
static void ngx_http_cognito_auth_payload(ngx_str_t *token,
    ngx_str_t *payload);


static const char  *ngx_http_cognito_auth_sub[] = { "sub" };
static const char  *ngx_http_cognito_auth_username[] = { "cognito:username" };
static const char  *ngx_http_cognito_auth_client[] = { "client_id" };
static const char  *ngx_http_cognito_auth_use[] = { "token_use" };
static const char  *ngx_http_cognito_auth_groups[] = { "cognito:groups" };
static const char  *ngx_http_cognito_auth_scope[] = { "scope" };


static ngx_http_cognito_auth_claim_t  ngx_http_cognito_auth_claims[] = {
    { ngx_http_cognito_auth_sub, 1, NULL, 0 },
    { ngx_http_cognito_auth_username, 1, "username", 0 },
    { ngx_http_cognito_auth_client, 1, "aud", 0 },
    { ngx_http_cognito_auth_use, 1, NULL, 0 },

    /* groups are an array of strings; anything else grants none */
    { ngx_http_cognito_auth_groups, 1, NULL, 1 },

    { ngx_http_cognito_auth_scope, 1, NULL, 0 },
};


static ngx_http_variable_t  ngx_http_cognito_auth_vars[] = {

    { ngx_string("cognito_sub"), NULL,
      ngx_http_cognito_auth_claim_variable,
      (uintptr_t) &ngx_http_cognito_auth_claims[0],
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cognito_username"), NULL,
      ngx_http_cognito_auth_claim_variable,
      (uintptr_t) &ngx_http_cognito_auth_claims[1],
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cognito_client_id"), NULL,
      ngx_http_cognito_auth_claim_variable,
      (uintptr_t) &ngx_http_cognito_auth_claims[2],
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cognito_token_use"), NULL,
      ngx_http_cognito_auth_claim_variable,
      (uintptr_t) &ngx_http_cognito_auth_claims[3],
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cognito_groups"), NULL,
      ngx_http_cognito_auth_claim_variable,
      (uintptr_t) &ngx_http_cognito_auth_claims[4],
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cognito_scope"), NULL,
      ngx_http_cognito_auth_claim_variable,
      (uintptr_t) &ngx_http_cognito_auth_claims[5],
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cognito_tenant"), NULL,
      ngx_http_cognito_auth_ctx_variable, NGX_HTTP_COGNITO_AUTH_VAR_TENANT,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cognito_pool"), NULL,
      ngx_http_cognito_auth_ctx_variable, NGX_HTTP_COGNITO_AUTH_VAR_POOL,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cognito_error"), NULL,
      ngx_http_cognito_auth_ctx_variable, NGX_HTTP_COGNITO_AUTH_VAR_ERROR,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cognito_claims"), NULL,
      ngx_http_cognito_auth_ctx_variable, NGX_HTTP_COGNITO_AUTH_VAR_CLAIMS,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cognito_session_expires"), NULL,
      ngx_http_cognito_auth_session_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cognito_appsync_header_token"), NULL,
      ngx_http_cognito_auth_appsync_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_cognito_auth_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_cognito_auth_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


/* cognito_auth_claim_set $variable claim [key ...]; */

char *
ngx_http_cognito_auth_claim_set(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    char                           **path;
    ngx_str_t                       *value, name;
    ngx_uint_t                       i;
    ngx_http_variable_t             *v;
    ngx_http_cognito_auth_claim_t   *claim;

    value = cf->args->elts;

    if (value[1].len < 2 || value[1].data[0] != '$') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid variable name \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    name.data = value[1].data + 1;
    name.len = value[1].len - 1;

    v = ngx_http_add_variable(cf, &name, NGX_HTTP_VAR_CHANGEABLE);
    if (v == NULL) {
        return NGX_CONF_ERROR;
    }

    if (v->get_handler != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "variable \"%V\" is already defined", &value[1]);
        return NGX_CONF_ERROR;
    }

    claim = ngx_pcalloc(cf->pool, sizeof(ngx_http_cognito_auth_claim_t));
    if (claim == NULL) {
        return NGX_CONF_ERROR;
    }

    path = ngx_palloc(cf->pool, (cf->args->nelts - 2) * sizeof(char *));
    if (path == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 2; i < cf->args->nelts; i++) {
        if (value[i].len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "empty claim name");
            return NGX_CONF_ERROR;
        }

        /* configuration strings are NUL-terminated */
        path[i - 2] = (char *) value[i].data;
    }

    claim->path = (const char **) path;
    claim->npath = cf->args->nelts - 2;

    v->get_handler = ngx_http_cognito_auth_claim_variable;
    v->data = (uintptr_t) claim;
    v->flags |= NGX_HTTP_VAR_NOCACHEABLE;

    return NGX_CONF_OK;
}


/*
 * The token of an AppSync real-time handshake, for cognito_auth_token:
 * "header" is URL-decoded here, then decoded by the core.  Empty when
 * there is none, so that the token is missing.
 */

/*
 * The end of the request's sign-in session (seconds since the epoch), as
 * sealed into its cookie; not found without a session that opened.
 */

static ngx_int_t
ngx_http_cognito_auth_session_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char  *p;
    time_t   expires;

    expires = ngx_http_cognito_auth_session_expires(r);

    if (expires == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, NGX_TIME_T_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    v->len = ngx_sprintf(p, "%T", expires) - p;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->data = p;

    return NGX_OK;
}


static ngx_int_t
ngx_http_cognito_auth_appsync_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    long        n;
    u_char     *b64, *last, *src, *token;
    ngx_str_t   arg;

    if (ngx_http_arg(r, (u_char *) "header", sizeof("header") - 1, &arg)
        != NGX_OK
        || arg.len == 0
        || arg.len > 3 * COGNITO_APPSYNC_MAX_LEN)
    {
        v->not_found = 1;
        return NGX_OK;
    }

    b64 = ngx_pnalloc(r->pool, 2 * arg.len);
    if (b64 == NULL) {
        return NGX_ERROR;
    }

    last = b64;
    src = arg.data;

    ngx_unescape_uri(&last, &src, arg.len, 0);

    /* the token is shorter than its base64 */

    token = b64 + arg.len;

    n = cognito_appsync_header_token((const char *) b64, last - b64,
                                     (char *) token, arg.len);

    if (n <= 0 || (size_t) n > arg.len) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = token;
    v->len = n;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


static ngx_http_cognito_auth_ctx_t *
ngx_http_cognito_auth_valid_ctx(ngx_http_request_t *r)
{
    ngx_http_cognito_auth_ctx_t  *ctx;

    ctx = ngx_http_cognito_auth_get_ctx(r);

    if (ctx == NULL || !ctx->verdict.valid || ctx->verdict.tok == NULL) {
        return NULL;
    }

    return ctx;
}


static ngx_int_t
ngx_http_cognito_auth_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_cognito_auth_claim_t *claim = (ngx_http_cognito_auth_claim_t *)
                                               data;

    const char                   *path[1];
    ngx_int_t                     rc;
    ngx_str_t                     value;
    ngx_http_cognito_auth_ctx_t  *ctx;

    ctx = ngx_http_cognito_auth_valid_ctx(r);

    if (ctx == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    rc = ngx_http_cognito_auth_claim_text(r, ctx->verdict.tok, claim->path,
                                          claim->npath, claim->list, &value);

    if (rc == NGX_DECLINED && claim->fallback) {
        path[0] = claim->fallback;
        rc = ngx_http_cognito_auth_claim_text(r, ctx->verdict.tok, path, 1,
                                              claim->list, &value);
    }

    if (rc == NGX_DECLINED) {
        v->not_found = 1;
        return NGX_OK;
    }

    if (rc != NGX_OK) {
        return rc;
    }

    v->data = value.data;
    v->len = value.len;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


static ngx_int_t
ngx_http_cognito_auth_ctx_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t                    *s, payload;
    ngx_http_cognito_auth_ctx_t  *ctx;

    s = NULL;

    if (data == NGX_HTTP_COGNITO_AUTH_VAR_ERROR) {
        ctx = ngx_http_cognito_auth_get_ctx(r);

        if (ctx != NULL) {
            s = &ctx->verdict.error;
        }

    } else {
        ctx = ngx_http_cognito_auth_valid_ctx(r);

        if (ctx == NULL) {
            /* not verified: nothing */

        } else if (data == NGX_HTTP_COGNITO_AUTH_VAR_CLAIMS) {
            ngx_http_cognito_auth_payload(&ctx->verdict.token, &payload);
            s = &payload;

        } else {
            s = (data == NGX_HTTP_COGNITO_AUTH_VAR_TENANT)
                ? &ctx->verdict.tenant : &ctx->verdict.pool->name;
        }
    }

    if (s == NULL || s->len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = s->data;
    v->len = s->len;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


/*
 * The payload segment of the token the verdict was made for, as it was
 * signed: the text between its two dots.  The verdict's token is the
 * request's own text, which the signature was checked over (or, from the
 * cache, a text with the same SHA-256), so nothing is decoded or encoded
 * again.  Empty when there are not two dots, which a token that parsed
 * always has.
 */

static void
ngx_http_cognito_auth_payload(ngx_str_t *token, ngx_str_t *payload)
{
    u_char  *p, *q, *last;

    payload->len = 0;
    payload->data = NULL;

    last = token->data + token->len;

    p = ngx_strlchr(token->data, last, '.');
    if (p == NULL) {
        return;
    }

    p++;

    q = ngx_strlchr(p, last, '.');
    if (q == NULL) {
        return;
    }

    payload->data = p;
    payload->len = q - p;
}
