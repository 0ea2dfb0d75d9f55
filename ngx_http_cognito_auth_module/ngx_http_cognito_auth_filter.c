
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * The module's output filters, an HTTP_FILTER module of their own so that
 * nginx places them in its filter chain in both builds (before the copy
 * filter, as for any third-party filter; a filter installed from an
 * HTTP module's postconfiguration comes before the write filter resets the
 * chain in a static build, and is lost).
 *
 * The body filter collects the body of a subrequest the module makes (the
 * JWKS, the revocation list, a sign-in's token exchange) into the main
 * request's context.  The header and body filters replace nginx's HTML
 * page with a small JSON body when the response is the module's own
 * rejection: the status its access handler returned (401, 403, or 503
 * when a pool has no keys or no revocation list), sent by nginx from the
 * access phase of the location that rejected, with no error_page taking
 * it over.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"


typedef struct {
    ngx_str_t                     body;
    ngx_uint_t                    sent;
} ngx_http_cognito_auth_filter_ctx_t;


static ngx_int_t ngx_http_cognito_auth_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_cognito_auth_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static ngx_int_t ngx_http_cognito_auth_reject_body(ngx_http_request_t *r,
    ngx_http_cognito_auth_filter_ctx_t *fctx, ngx_chain_t *in);
static ngx_int_t ngx_http_cognito_auth_jwks_body(ngx_http_request_t *r,
    ngx_chain_t *in);
static ngx_int_t ngx_http_cognito_auth_filter_init(ngx_conf_t *cf);


static ngx_http_module_t  ngx_http_cognito_auth_filter_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_http_cognito_auth_filter_init,     /* postconfiguration */

    NULL,                                  /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    NULL,                                  /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_http_cognito_auth_filter_module = {
    NGX_MODULE_V1,
    &ngx_http_cognito_auth_filter_module_ctx, /* module context */
    NULL,                                  /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


static ngx_int_t
ngx_http_cognito_auth_header_filter(ngx_http_request_t *r)
{
    ngx_http_phase_handler_t            *ph;
    ngx_http_core_main_conf_t           *cmcf;
    ngx_http_cognito_auth_ctx_t         *ctx;
    ngx_http_cognito_auth_filter_ctx_t  *fctx;

    if (r != r->main || r->err_status == 0) {
        return ngx_http_next_header_filter(r);
    }

    /* not ngx_http_cognito_auth_get_ctx(): an internal redirect ends it */

    ctx = ngx_http_get_module_ctx(r, ngx_http_cognito_auth_module);

    if (ctx == NULL
        || ctx->reject_body.len == 0
        || ctx->reject_status != (ngx_uint_t) r->err_status
        || ctx->reject_status != r->headers_out.status
        || ctx->reject_conf
           != ngx_http_get_module_loc_conf(r, ngx_http_cognito_auth_module))
    {
        return ngx_http_next_header_filter(r);
    }

    /*
     * Sent from the access phase (satisfy all) or the post-access phase
     * (satisfy any), auth_delay included; a 401 or 403 of a later phase
     * (the access was granted by another module) is not the rejection.
     */

    cmcf = ngx_http_get_module_main_conf(r, ngx_http_core_module);

    ph = &cmcf->phase_engine.handlers[r->phase_handler];

    if (ph->checker != ngx_http_core_access_phase
        && ph->checker != ngx_http_core_post_access_phase)
    {
        return ngx_http_next_header_filter(r);
    }

    fctx = ngx_pcalloc(r->pool, sizeof(ngx_http_cognito_auth_filter_ctx_t));
    if (fctx == NULL) {
        return NGX_ERROR;
    }

    fctx->body = ctx->reject_body;

    ngx_http_set_ctx(r, fctx, ngx_http_cognito_auth_filter_module);

    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;
    r->headers_out.charset.len = 0;

    r->headers_out.content_length_n = fctx->body.len;

    if (r->headers_out.content_length) {
        r->headers_out.content_length->hash = 0;
        r->headers_out.content_length = NULL;
    }

    return ngx_http_next_header_filter(r);
}


static ngx_int_t
ngx_http_cognito_auth_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_http_cognito_auth_filter_ctx_t  *fctx;

    if (r != r->main) {
        return ngx_http_cognito_auth_jwks_body(r, in);
    }

    fctx = ngx_http_get_module_ctx(r, ngx_http_cognito_auth_filter_module);

    if (fctx == NULL) {
        return ngx_http_next_body_filter(r, in);
    }

    return ngx_http_cognito_auth_reject_body(r, fctx, in);
}


/* nginx's page is dropped, the JSON body goes out once, with last_buf */

static ngx_int_t
ngx_http_cognito_auth_reject_body(ngx_http_request_t *r,
    ngx_http_cognito_auth_filter_ctx_t *fctx, ngx_chain_t *in)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl, out;

    for (cl = in; cl; cl = cl->next) {
        cl->buf->pos = cl->buf->last;
        cl->buf->file_pos = cl->buf->file_last;
    }

    if (fctx->sent) {
        return ngx_http_next_body_filter(r, NULL);
    }

    fctx->sent = 1;

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->pos = fctx->body.data;
    b->last = fctx->body.data + fctx->body.len;
    b->memory = 1;
    b->last_buf = 1;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_next_body_filter(r, &out);
}


/*
 * The body of a fetch (the JWKS, the revocation list, a sign-in's token
 * exchange; one at a time) is collected here, up to the limit its starter
 * set, and never passed on: a body too large for the location's
 * subrequest_output_buffer_size would otherwise end the client's request,
 * and an oversized one is simply refused.  Buffers are marked consumed so
 * that the upstream can reuse them.
 */

static ngx_int_t
ngx_http_cognito_auth_jwks_body(ngx_http_request_t *r, ngx_chain_t *in)
{
    size_t                        n, size;
    ngx_buf_t                    *b, *nb;
    ngx_chain_t                  *cl;
    ngx_http_cognito_auth_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_cognito_auth_module);

    if (ctx == NULL
        || !((ctx->fetching && ctx->sr == r) || ctx->signin_sr == r))
    {
        return ngx_http_next_body_filter(r, in);
    }

    for (cl = in; cl; cl = cl->next) {
        b = cl->buf;

        if (b->last_buf || b->last_in_chain) {
            ctx->body_done = 1;
        }

        if (b->in_file && !ngx_buf_in_memory(b)) {
            /* spilled to a temporary file: far beyond any real JWKS */
            ctx->too_big = 1;
            b->file_pos = b->file_last;
            continue;
        }

        n = b->last - b->pos;

        if (n == 0 || ctx->too_big) {
            b->pos = b->last;
            continue;
        }

        if (ctx->body == NULL
            || (size_t) (ctx->body->end - ctx->body->last) < n)
        {
            size = (ctx->body ? ctx->body->last - ctx->body->pos : 0) + n;

            if (size > ctx->body_max) {
                ctx->too_big = 1;
                b->pos = b->last;
                continue;
            }

            size = ngx_max(size * 2, 4096);
            size = ngx_min(size, ctx->body_max);

            nb = ngx_create_temp_buf(r->main->pool, size);
            if (nb == NULL) {
                return NGX_ERROR;
            }

            if (ctx->body != NULL) {
                nb->last = ngx_cpymem(nb->last, ctx->body->pos,
                                      ctx->body->last - ctx->body->pos);
            }

            ctx->body = nb;
        }

        ctx->body->last = ngx_cpymem(ctx->body->last, b->pos, n);
        b->pos = b->last;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_cognito_auth_filter_init(ngx_conf_t *cf)
{
    ngx_http_cognito_auth_main_conf_t  *camcf;

    camcf = ngx_http_conf_get_module_main_conf(cf,
                                               ngx_http_cognito_auth_module);

    if (camcf->pools.nelts == 0) {
        return NGX_OK;
    }

    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_cognito_auth_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_cognito_auth_body_filter;

    return NGX_OK;
}
