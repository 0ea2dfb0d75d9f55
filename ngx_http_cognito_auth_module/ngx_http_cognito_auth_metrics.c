
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Rejection reasons and the counters behind cognito_auth_metrics, which
 * serves them from the shared zone in Prometheus text format, or in
 * OpenMetrics when the scraper asks for it.  Each family's HELP and TYPE
 * come right before its own samples; a family with no sample is left out.
 * A revocation list fetched with uri= has zone-wide families of its own.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"


#define NGX_HTTP_COGNITO_AUTH_METRIC_LINE  (128 + 64 + NGX_ATOMIC_T_LEN)


/* a pool's counters, copied under the lock; the last row is the no-pool */
typedef struct {
    ngx_str_t                      name;
    ngx_uint_t                     fetched;     /* jwks=, not jwks_file= */
    ngx_http_cognito_auth_slot_t   slot;
} ngx_http_cognito_auth_row_t;


typedef struct {
    ngx_http_cognito_auth_row_t   *rows;
    ngx_uint_t                     nrows;
    time_t                         now;
    ngx_uint_t                     cache;       /* the cache is on */
    ngx_atomic_uint_t              cache_hits;
    ngx_atomic_uint_t              cache_misses;
    ngx_atomic_uint_t              cache_shared_hits;
    ngx_atomic_uint_t              verifications;
    ngx_uint_t                     zone;        /* the cache has a zone */
    ngx_http_cognito_auth_cache_stats_t  stats;

    ngx_uint_t                     revocation;  /* uri= is configured */
    ngx_http_cognito_auth_revocation_sh_t  rsh;
} ngx_http_cognito_auth_snapshot_t;


/* a family's samples for one row (a pool), or zone-wide with row NULL */
typedef u_char *(*ngx_http_cognito_auth_samples_pt)(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);


/* a gauge's value for one pool (zone-wide: row NULL), or -1 for none */
typedef ngx_int_t (*ngx_http_cognito_auth_gauge_pt)(
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);


/*
 * A counter has samples, a gauge a value per pool, or samples when it is
 * zone-wide (zone_gauge)
 */
typedef struct {
    char                              *name;    /* without _total */
    ngx_uint_t                         per_pool;
    char                              *help;
    ngx_http_cognito_auth_samples_pt   samples;
    ngx_http_cognito_auth_gauge_pt     gauge;
    ngx_uint_t                         zone_gauge;
} ngx_http_cognito_auth_family_t;


static ngx_int_t ngx_http_cognito_auth_metrics_handler(ngx_http_request_t *r);
static ngx_uint_t ngx_http_cognito_auth_openmetrics(ngx_http_request_t *r);
static ngx_uint_t ngx_http_cognito_auth_names_openmetrics(ngx_str_t *value);
static ngx_int_t ngx_http_cognito_auth_snapshot(ngx_http_request_t *r,
    ngx_http_cognito_auth_snapshot_t *snap);
static u_char *ngx_http_cognito_auth_requests(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);
static u_char *ngx_http_cognito_auth_fetches(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);
static u_char *ngx_http_cognito_auth_results(u_char *p, char *name,
    ngx_str_t *pool, ngx_atomic_uint_t ok, ngx_atomic_uint_t failed);
static ngx_int_t ngx_http_cognito_auth_keys(
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);
static ngx_int_t ngx_http_cognito_auth_keys_age(
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);
static ngx_int_t ngx_http_cognito_auth_age(
    ngx_http_cognito_auth_snapshot_t *snap, time_t last_good);
static ngx_int_t ngx_http_cognito_auth_failing(
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);
static u_char *ngx_http_cognito_auth_cache(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);
static u_char *ngx_http_cognito_auth_cache_hits(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);
static u_char *ngx_http_cognito_auth_cache_evictions(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);
static u_char *ngx_http_cognito_auth_cache_bytes(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);
static u_char *ngx_http_cognito_auth_cache_entries(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);
static u_char *ngx_http_cognito_auth_zone_sample(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, char *name,
    ngx_atomic_uint_t value);
static u_char *ngx_http_cognito_auth_verifications(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);
static u_char *ngx_http_cognito_auth_revocation_fetches(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);
static ngx_int_t ngx_http_cognito_auth_revocation_entries(
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);
static ngx_int_t ngx_http_cognito_auth_revocation_age(
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);
static ngx_int_t ngx_http_cognito_auth_revocation_failing(
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row);


static ngx_http_cognito_auth_family_t  ngx_http_cognito_auth_families[] = {

    { "cognito_auth_requests", 1,
      "Requests checked, by pool and result (accepted or a rejection "
      "reason).",
      ngx_http_cognito_auth_requests, NULL, 0 },

    { "cognito_auth_jwks_fetches", 1,
      "JWKS fetches, by pool and result.",
      ngx_http_cognito_auth_fetches, NULL, 0 },

    { "cognito_auth_jwks_keys", 1,
      "Keys held, by pool (0 until the first request that needs them "
      "fetches them).",
      NULL, ngx_http_cognito_auth_keys, 0 },

    { "cognito_auth_jwks_last_success_seconds", 1,
      "Age of the keys in use: seconds since a fetch last brought or "
      "confirmed them.",
      NULL, ngx_http_cognito_auth_keys_age, 0 },

    { "cognito_auth_jwks_consecutive_failures", 1,
      "JWKS fetches failed in a row since the last good one (0: the last "
      "fetch succeeded).",
      NULL, ngx_http_cognito_auth_failing, 0 },

    { "cognito_auth_signature_verifications", 0,
      "Token signatures checked with a pool's keys (an RSA operation each, "
      "unless the kid is unknown); cache hits check none.",
      ngx_http_cognito_auth_verifications, NULL, 0 },

    { "cognito_auth_cache", 0,
      "Verified-token cache lookups, by result.",
      ngx_http_cognito_auth_cache, NULL, 0 },

    { "cognito_auth_cache_hits", 0,
      "Verified-token cache hits, by where the token was found: the "
      "worker's front or the shared zone.",
      ngx_http_cognito_auth_cache_hits, NULL, 0 },

    { "cognito_auth_cache_evictions", 0,
      "Entries the full cache zone dropped to make room.",
      ngx_http_cognito_auth_cache_evictions, NULL, 0 },

    { "cognito_auth_cache_zone_bytes", 0,
      "The cache zone's size, and its bytes in use (whole slab pages, the "
      "hash table's included).",
      ngx_http_cognito_auth_cache_bytes, NULL, 1 },

    { "cognito_auth_cache_entries", 0,
      "Tokens held in the cache zone.",
      ngx_http_cognito_auth_cache_entries, NULL, 1 },

    { "cognito_auth_revocation_fetches", 0,
      "Revocation list fetches (uri=), by result (ok: a new list or a "
      "304).",
      ngx_http_cognito_auth_revocation_fetches, NULL, 0 },

    { "cognito_auth_revocation_entries", 0,
      "Entries of the revocation list in use (uri=).",
      NULL, ngx_http_cognito_auth_revocation_entries, 0 },

    { "cognito_auth_revocation_last_success_seconds", 0,
      "Age of the revocation list in use: seconds since a fetch last "
      "brought or confirmed it.",
      NULL, ngx_http_cognito_auth_revocation_age, 0 },

    { "cognito_auth_revocation_consecutive_failures", 0,
      "Revocation list fetches failed in a row since the last good one.",
      NULL, ngx_http_cognito_auth_revocation_failing, 0 }
};


static const char  *ngx_http_cognito_auth_policy_reasons[] = {
    "group_denied",
    "scope_denied",
    "tenant_missing",
    "require_failed",
    "jwks_unavailable",
    "require_type",
    "revocation_unavailable"
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
    ngx_http_cognito_auth_loc_conf_t   *calcf;
    ngx_http_cognito_auth_main_conf_t  *camcf;

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);

    if (pool == NULL) {

        /* rejected before the token named its pool: the location's only */

        calcf = ngx_http_get_module_loc_conf(r, ngx_http_cognito_auth_module);

        if (calcf->pools != NULL && calcf->pools->nelts == 1) {
            pool = ((ngx_http_cognito_auth_pool_t **) calcf->pools->elts)[0];
        }
    }

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


/* a signature checked: what the cache saves, counted for the metrics */

void
ngx_http_cognito_auth_count_verify(ngx_http_request_t *r)
{
    ngx_http_cognito_auth_zone_ctx_t   *zctx;
    ngx_http_cognito_auth_main_conf_t  *camcf;

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);

    if (camcf->shm_zone != NULL) {
        zctx = camcf->shm_zone->data;
        (void) ngx_atomic_fetch_add(&zctx->sh->verifications, 1);
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



static ngx_int_t
ngx_http_cognito_auth_metrics_handler(ngx_http_request_t *r)
{
    u_char                            *p, *start, *mark;
    char                              *total;
    size_t                             size;
    ngx_int_t                          rc, value;
    ngx_buf_t                         *b;
    ngx_uint_t                         i, j, om, gauge;
    ngx_chain_t                        out;
    ngx_http_cognito_auth_row_t       *row;
    ngx_http_cognito_auth_family_t    *f;
    ngx_http_cognito_auth_snapshot_t   snap;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_http_cognito_auth_snapshot(r, &snap) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    size = 8192 + snap.nrows * (NGX_HTTP_COGNITO_AUTH_NREASONS + 8)
                  * NGX_HTTP_COGNITO_AUTH_METRIC_LINE;

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    om = ngx_http_cognito_auth_openmetrics(r);

    p = b->last;

    /*
     * A counter family is named without "_total" in OpenMetrics, with it
     * in the Prometheus text format; its samples end in "_total" in both.
     */

    for (i = 0; i < sizeof(ngx_http_cognito_auth_families)
                    / sizeof(ngx_http_cognito_auth_family_t); i++)
    {
        f = &ngx_http_cognito_auth_families[i];

        start = p;

        gauge = (f->gauge != NULL || f->zone_gauge);
        total = (!gauge && !om) ? "_total" : "";

        p = ngx_sprintf(p, "# HELP %s%s %s\n# TYPE %s%s %s\n",
                        f->name, total, f->help, f->name, total,
                        gauge ? "gauge" : "counter");

        mark = p;

        if (!f->per_pool && f->gauge == NULL) {
            p = f->samples(p, &snap, NULL);

        } else if (!f->per_pool) {
            value = f->gauge(&snap, NULL);

            if (value >= 0) {
                p = ngx_sprintf(p, "%s %i\n", f->name, value);
            }
        }

        for (j = 0; f->per_pool && j < snap.nrows; j++) {
            row = &snap.rows[j];

            if (f->gauge == NULL) {
                p = f->samples(p, &snap, row);
                continue;
            }

            value = f->gauge(&snap, row);

            if (value >= 0) {
                p = ngx_sprintf(p, "%s{pool=\"%V\"} %i\n",
                                f->name, &row->name, value);
            }
        }

        if (p == mark) {
            p = start;
        }
    }

    if (om) {
        p = ngx_cpymem(p, "# EOF\n", sizeof("# EOF\n") - 1);
        ngx_str_set(&r->headers_out.content_type,
                    "application/openmetrics-text; version=1.0.0; "
                    "charset=utf-8");

    } else {
        ngx_str_set(&r->headers_out.content_type,
                    "text/plain; version=0.0.4; charset=utf-8");
    }

    r->headers_out.content_type_len = r->headers_out.content_type.len;

    b->last = p;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = b->last - b->pos;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/*
 * OpenMetrics when an Accept header names it (as Prometheus sends), as the
 * client libraries decide.  The headers are read from the list: nginx
 * keeps r->headers_in.accept only in builds with NGX_HTTP_HEADERS.
 */

static ngx_uint_t
ngx_http_cognito_auth_openmetrics(ngx_http_request_t *r)
{
    static ngx_str_t  accept = ngx_string("Accept");

    return ngx_http_cognito_auth_has_header(r, &accept,
                                       ngx_http_cognito_auth_names_openmetrics);
}


static ngx_uint_t
ngx_http_cognito_auth_names_openmetrics(ngx_str_t *value)
{
    u_char  *p, *last;

    p = value->data;
    last = p + value->len;

    while (p < last) {
        while (p < last && (*p == ' ' || *p == '\t')) {
            p++;
        }

        if ((size_t) (last - p) >= sizeof("application/openmetrics-text") - 1
            && ngx_strncasecmp(p, (u_char *) "application/openmetrics-text",
                               sizeof("application/openmetrics-text") - 1)
               == 0)
        {
            p += sizeof("application/openmetrics-text") - 1;

            if (p == last || *p == ';' || *p == ',' || *p == ' ') {
                return 1;
            }
        }

        while (p < last && *p != ',') {
            p++;
        }

        p++;
    }

    return 0;
}


static ngx_int_t
ngx_http_cognito_auth_snapshot(ngx_http_request_t *r,
    ngx_http_cognito_auth_snapshot_t *snap)
{
    ngx_uint_t                          i;
    ngx_http_cognito_auth_row_t        *row;
    ngx_http_cognito_auth_pool_t       *pool;
    ngx_http_cognito_auth_slot_t       *slot;
    ngx_http_cognito_auth_zone_ctx_t   *zctx;
    ngx_http_cognito_auth_main_conf_t  *camcf;

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);
    zctx = camcf->shm_zone->data;

    snap->rows = ngx_pcalloc(r->pool, (camcf->pools.nelts + 1)
                                      * sizeof(ngx_http_cognito_auth_row_t));
    if (snap->rows == NULL) {
        return NGX_ERROR;
    }

    snap->nrows = 0;
    snap->now = ngx_time();
    snap->cache = (camcf->cache_size != 0);

    pool = camcf->pools.elts;

    ngx_shmtx_lock(&zctx->shpool->mutex);

    for (i = 0; i < camcf->pools.nelts; i++) {
        slot = ngx_http_cognito_auth_slot(zctx, &pool[i]);
        if (slot == NULL) {
            continue;
        }

        row = &snap->rows[snap->nrows++];

        row->name = pool[i].name;
        row->fetched = (pool[i].jwks_uri.len != 0);
        row->slot = *slot;
    }

    /* rejected before a pool was known, in a location with several */

    row = &snap->rows[snap->nrows++];

    ngx_str_set(&row->name, "");
    row->slot = zctx->sh->nopool;

    snap->cache_hits = zctx->sh->cache_hits;
    snap->cache_misses = zctx->sh->cache_misses;
    snap->cache_shared_hits = zctx->sh->cache_shared_hits;
    snap->verifications = zctx->sh->verifications;

    snap->revocation = (camcf->revocation_uri.len != 0);
    snap->rsh = zctx->sh->revocation;

    ngx_shmtx_unlock(&zctx->shpool->mutex);

    /* the cache zone's own lock, never both at once */

    snap->zone = (snap->cache
                  && ngx_http_cognito_auth_cache_stats(camcf, &snap->stats)
                     == NGX_OK);

    return NGX_OK;
}


/* accepted for every pool, from the start; each reason once it happened */

static u_char *
ngx_http_cognito_auth_requests(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row)
{
    ngx_uint_t  i;

    if (row->name.len) {
        p = ngx_sprintf(p, "cognito_auth_requests_total{pool=\"%V\","
                        "result=\"accepted\"} %uA\n",
                        &row->name, row->slot.accepted);
    }

    for (i = 0; i < NGX_HTTP_COGNITO_AUTH_NREASONS; i++) {
        if (row->slot.rejected[i] == 0) {
            continue;
        }

        p = ngx_sprintf(p, "cognito_auth_requests_total{pool=\"%V\","
                        "result=\"%s\"} %uA\n", &row->name,
                        ngx_http_cognito_auth_reason_name(i),
                        row->slot.rejected[i]);
    }

    return p;
}


static u_char *
ngx_http_cognito_auth_fetches(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row)
{
    if (!row->fetched) {
        return p;
    }

    return ngx_http_cognito_auth_results(p, "cognito_auth_jwks_fetches_total",
                                         &row->name, row->slot.fetch_ok,
                                         row->slot.fetch_failed);
}


/* a fetch counter's two samples, ok and error, with the pool if any */

static u_char *
ngx_http_cognito_auth_results(u_char *p, char *name, ngx_str_t *pool,
    ngx_atomic_uint_t ok, ngx_atomic_uint_t failed)
{
    ngx_uint_t  i;

    for (i = 0; i < 2; i++) {
        p = ngx_sprintf(p, "%s{", name);

        if (pool != NULL) {
            p = ngx_sprintf(p, "pool=\"%V\",", pool);
        }

        p = ngx_sprintf(p, "result=\"%s\"} %uA\n", i ? "error" : "ok",
                        i ? failed : ok);
    }

    return p;
}


static ngx_int_t
ngx_http_cognito_auth_keys(ngx_http_cognito_auth_snapshot_t *snap,
    ngx_http_cognito_auth_row_t *row)
{
    return row->name.len ? (ngx_int_t) row->slot.nkeys : -1;
}


static ngx_int_t
ngx_http_cognito_auth_keys_age(ngx_http_cognito_auth_snapshot_t *snap,
    ngx_http_cognito_auth_row_t *row)
{
    return row->fetched ? ngx_http_cognito_auth_age(snap, row->slot.last_good)
                        : -1;
}


/* seconds since a fetch last brought or confirmed it; -1 until one did */

static ngx_int_t
ngx_http_cognito_auth_age(ngx_http_cognito_auth_snapshot_t *snap,
    time_t last_good)
{
    return (last_good == 0) ? -1 : snap->now - last_good;
}


static ngx_int_t
ngx_http_cognito_auth_failing(ngx_http_cognito_auth_snapshot_t *snap,
    ngx_http_cognito_auth_row_t *row)
{
    return row->fetched ? (ngx_int_t) row->slot.fetch_failing : -1;
}


static u_char *
ngx_http_cognito_auth_cache(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row)
{
    /* no samples, so no family, when the cache is off */

    if (snap->cache) {
        p = ngx_sprintf(p, "cognito_auth_cache_total{result=\"hit\"} %uA\n"
                        "cognito_auth_cache_total{result=\"miss\"} %uA\n",
                        snap->cache_hits, snap->cache_misses);
    }

    return p;
}


static u_char *
ngx_http_cognito_auth_cache_hits(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row)
{
    if (snap->cache) {
        p = ngx_sprintf(p, "cognito_auth_cache_hits_total{level=\"front\"} "
                        "%uA\ncognito_auth_cache_hits_total"
                        "{level=\"shared\"} %uA\n",
                        snap->cache_hits - snap->cache_shared_hits,
                        snap->cache_shared_hits);
    }

    return p;
}


static u_char *
ngx_http_cognito_auth_cache_evictions(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row)
{
    return ngx_http_cognito_auth_zone_sample(p, snap,
               "cognito_auth_cache_evictions_total", snap->stats.evictions);
}


static u_char *
ngx_http_cognito_auth_cache_bytes(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row)
{
    if (snap->zone) {
        p = ngx_sprintf(p, "cognito_auth_cache_zone_bytes{state=\"used\"} "
                        "%uz\ncognito_auth_cache_zone_bytes{state=\"size\"} "
                        "%uz\n", snap->stats.bytes, snap->stats.size);
    }

    return p;
}


static u_char *
ngx_http_cognito_auth_cache_entries(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row)
{
    return ngx_http_cognito_auth_zone_sample(p, snap,
               "cognito_auth_cache_entries", snap->stats.entries);
}


/* one sample of the cache zone's, none without a zone */

static u_char *
ngx_http_cognito_auth_zone_sample(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, char *name,
    ngx_atomic_uint_t value)
{
    if (snap->zone) {
        p = ngx_sprintf(p, "%s %uA\n", name, value);
    }

    return p;
}


static u_char *
ngx_http_cognito_auth_verifications(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row)
{
    return ngx_sprintf(p, "cognito_auth_signature_verifications_total %uA\n",
                       snap->verifications);
}


static u_char *
ngx_http_cognito_auth_revocation_fetches(u_char *p,
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row)
{
    if (!snap->revocation) {
        return p;
    }

    return ngx_http_cognito_auth_results(p,
                                     "cognito_auth_revocation_fetches_total",
                                     NULL, snap->rsh.fetch_ok,
                                     snap->rsh.fetch_failed);
}


static ngx_int_t
ngx_http_cognito_auth_revocation_entries(
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row)
{
    if (!snap->revocation || snap->rsh.list == NULL) {
        return -1;
    }

    return snap->rsh.entries;
}


static ngx_int_t
ngx_http_cognito_auth_revocation_age(ngx_http_cognito_auth_snapshot_t *snap,
    ngx_http_cognito_auth_row_t *row)
{
    return snap->revocation ? ngx_http_cognito_auth_age(snap,
                                                        snap->rsh.last_good)
                            : -1;
}


static ngx_int_t
ngx_http_cognito_auth_revocation_failing(
    ngx_http_cognito_auth_snapshot_t *snap, ngx_http_cognito_auth_row_t *row)
{
    return snap->revocation ? (ngx_int_t) snap->rsh.fetch_failing : -1;
}
