
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Rejection reasons and the counters behind cognito_auth_metrics, which
 * serves them from the shared zone in Prometheus text format.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"


static ngx_int_t ngx_http_cognito_auth_metrics_handler(ngx_http_request_t *r);
static u_char *ngx_http_cognito_auth_metrics_slot(u_char *p,
    ngx_str_t *pool, ngx_http_cognito_auth_slot_t *slot, ngx_uint_t fetched,
    time_t now);


static const char  *ngx_http_cognito_auth_policy_reasons[] = {
    "group_denied",
    "scope_denied",
    "tenant_missing",
    "require_failed",
    "jwks_unavailable"
};


/* a reason's stable name, for $cognito_error and the metrics */

const char *
ngx_http_cognito_auth_reason_name(ngx_uint_t reason)
{
    if (reason < COGNITO_ERR_LAST) {
        return cognito_code_name((cognito_code_e) reason);
    }

    if (reason < NGX_HTTP_COGNITO_AUTH_NREASONS) {
        return ngx_http_cognito_auth_policy_reasons[reason - COGNITO_ERR_LAST];
    }

    return "unknown";
}


/* a final verdict: accepted (COGNITO_OK) or rejected for reason */

void
ngx_http_cognito_auth_count(ngx_http_request_t *r,
    ngx_http_cognito_auth_pool_t *pool, ngx_uint_t reason)
{
    ngx_http_cognito_auth_slot_t       *slot;
    ngx_http_cognito_auth_main_conf_t  *camcf;

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);

    slot = ngx_http_cognito_auth_counters(camcf, pool);

    if (slot == NULL) {
        return;
    }

    /* counters are atomic: no lock on the request path */

    if (reason == COGNITO_OK) {
        (void) ngx_atomic_fetch_add(&slot->accepted, 1);

    } else if (reason < NGX_HTTP_COGNITO_AUTH_NREASONS) {
        (void) ngx_atomic_fetch_add(&slot->rejected[reason], 1);
    }
}


/* cognito_auth_metrics; */

char *
ngx_http_cognito_auth_metrics(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t           *clcf;
    ngx_http_cognito_auth_main_conf_t  *camcf;

    camcf = ngx_http_conf_get_module_main_conf(cf,
                                               ngx_http_cognito_auth_module);

    if (camcf->shm_zone == NULL) {
        return "needs a \"cognito_auth_zone\" defined before it";
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_cognito_auth_metrics_handler;

    return NGX_CONF_OK;
}


#define NGX_HTTP_COGNITO_AUTH_METRIC_LINE  (128 + 64 + NGX_ATOMIC_T_LEN)


static ngx_int_t
ngx_http_cognito_auth_metrics_handler(ngx_http_request_t *r)
{
    u_char                             *p;
    size_t                              size;
    time_t                              now;
    ngx_int_t                           rc;
    ngx_buf_t                          *b;
    ngx_str_t                           none;
    ngx_uint_t                          i;
    ngx_chain_t                         out;
    ngx_http_cognito_auth_pool_t       *pool;
    ngx_http_cognito_auth_slot_t       *slot;
    ngx_http_cognito_auth_zone_ctx_t   *zctx;
    ngx_http_cognito_auth_main_conf_t  *camcf;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);
    zctx = camcf->shm_zone->data;

    size = 2048 + (camcf->pools.nelts + 1)
                  * (NGX_HTTP_COGNITO_AUTH_NREASONS + 8)
                  * NGX_HTTP_COGNITO_AUTH_METRIC_LINE;

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = b->last;
    now = ngx_time();

    p = ngx_cpymem(p, "# HELP cognito_auth_requests_total Requests checked, "
                   "by pool and result (accepted or a rejection reason).\n"
                   "# TYPE cognito_auth_requests_total counter\n"
                   "# HELP cognito_auth_jwks_fetches_total JWKS fetches, by "
                   "result.\n"
                   "# TYPE cognito_auth_jwks_fetches_total counter\n"
                   "# HELP cognito_auth_jwks_keys Keys held.\n"
                   "# TYPE cognito_auth_jwks_keys gauge\n"
                   "# HELP cognito_auth_jwks_last_success_seconds Seconds "
                   "since the last good JWKS fetch.\n"
                   "# TYPE cognito_auth_jwks_last_success_seconds gauge\n",
                   sizeof("# HELP cognito_auth_requests_total Requests "
                          "checked, by pool and result (accepted or a "
                          "rejection reason).\n"
                          "# TYPE cognito_auth_requests_total counter\n"
                          "# HELP cognito_auth_jwks_fetches_total JWKS "
                          "fetches, by result.\n"
                          "# TYPE cognito_auth_jwks_fetches_total counter\n"
                          "# HELP cognito_auth_jwks_keys Keys held.\n"
                          "# TYPE cognito_auth_jwks_keys gauge\n"
                          "# HELP cognito_auth_jwks_last_success_seconds "
                          "Seconds since the last good JWKS fetch.\n"
                          "# TYPE cognito_auth_jwks_last_success_seconds "
                          "gauge\n") - 1);

    pool = camcf->pools.elts;

    ngx_shmtx_lock(&zctx->shpool->mutex);

    for (i = 0; i < camcf->pools.nelts; i++) {
        slot = ngx_http_cognito_auth_slot(zctx, &pool[i]);
        if (slot == NULL) {
            continue;
        }

        p = ngx_http_cognito_auth_metrics_slot(p, &pool[i].name, slot,
                                               pool[i].jwks_uri.len, now);
    }

    ngx_str_set(&none, "");

    p = ngx_http_cognito_auth_metrics_slot(p, &none, &zctx->sh->nopool, 0,
                                           now);

    ngx_shmtx_unlock(&zctx->shpool->mutex);

    p = ngx_sprintf(p, "# HELP cognito_auth_cache_total Verified-token "
                    "cache lookups, by result.\n"
                    "# TYPE cognito_auth_cache_total counter\n"
                    "cognito_auth_cache_total{result=\"hit\"} %uA\n"
                    "cognito_auth_cache_total{result=\"miss\"} %uA\n",
                    zctx->sh->cache_hits, zctx->sh->cache_misses);

    b->last = p;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = b->last - b->pos;
    ngx_str_set(&r->headers_out.content_type,
                "text/plain; version=0.0.4; charset=utf-8");
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


static u_char *
ngx_http_cognito_auth_metrics_slot(u_char *p, ngx_str_t *pool,
    ngx_http_cognito_auth_slot_t *slot, ngx_uint_t fetched, time_t now)
{
    ngx_uint_t  i;

    p = ngx_sprintf(p, "cognito_auth_requests_total{pool=\"%V\","
                    "result=\"accepted\"} %uA\n", pool, slot->accepted);

    for (i = 0; i < NGX_HTTP_COGNITO_AUTH_NREASONS; i++) {
        if (slot->rejected[i] == 0) {
            continue;
        }

        p = ngx_sprintf(p, "cognito_auth_requests_total{pool=\"%V\","
                        "result=\"%s\"} %uA\n", pool,
                        ngx_http_cognito_auth_reason_name(i),
                        slot->rejected[i]);
    }

    if (pool->len == 0) {
        return p;
    }

    p = ngx_sprintf(p, "cognito_auth_jwks_keys{pool=\"%V\"} %ui\n",
                    pool, slot->nkeys);

    if (!fetched) {
        return p;
    }

    p = ngx_sprintf(p, "cognito_auth_jwks_fetches_total{pool=\"%V\","
                    "result=\"ok\"} %uA\n"
                    "cognito_auth_jwks_fetches_total{pool=\"%V\","
                    "result=\"error\"} %uA\n",
                    pool, slot->fetch_ok, pool, slot->fetch_failed);

    if (slot->last_good) {
        p = ngx_sprintf(p, "cognito_auth_jwks_last_success_seconds"
                        "{pool=\"%V\"} %T\n", pool, now - slot->last_good);
    }

    return p;
}
