
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * JWKS: a pool's keys.  jwks_file= keys are parsed at configuration time;
 * jwks= keys come through a single-flight fetch (a subrequest) whose raw
 * bytes go to the pool's slot in the shared zone, one copy for all workers,
 * and each worker parses them into keys of its own, rebuilt only when the
 * slot's generation moves.  A request that finds another one fetching
 * waits for it on a timer.  The clean subrequest, the checks of what it
 * brought and the wait serve the revocation list's fetch (uri=) too.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"


typedef struct {
    ngx_http_cognito_auth_fetch_end_t   end;            /* first */
    ngx_http_cognito_auth_pool_t       *pool;
    time_t                              started;
    time_t                              prev_attempt;   /* restored if
                                                           abandoned */
    unsigned                            warm:1;         /* the startup
                                                           fetch */
} ngx_http_cognito_auth_fetch_t;


static ngx_int_t ngx_http_cognito_auth_start_fetch(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx, ngx_http_cognito_auth_pool_t *pool,
    time_t started, time_t prev_attempt, ngx_uint_t warm);
static ngx_int_t ngx_http_cognito_auth_fetch_done(ngx_http_request_t *sr,
    void *data, ngx_int_t rc);
static ngx_int_t ngx_http_cognito_auth_fetch_store(
    ngx_http_cognito_auth_fetch_end_t *end);
static ngx_int_t ngx_http_cognito_auth_fetch_keys(
    ngx_http_cognito_auth_fetch_t *fetch, cognito_keyset_t **ks,
    size_t *skipped);
static ngx_int_t ngx_http_cognito_auth_fetch_share(
    ngx_http_cognito_auth_fetch_t *fetch, cognito_keyset_t *ks,
    size_t skipped);
static void ngx_http_cognito_auth_fetch_release(ngx_http_request_t *r,
    ngx_http_cognito_auth_pool_t *pool, ngx_http_cognito_auth_fetch_t *fetch,
    ngx_uint_t failed);
static void ngx_http_cognito_auth_fetch_cleanup(void *data);
static void ngx_http_cognito_auth_wake(ngx_http_request_t *r);
static ngx_int_t ngx_http_cognito_auth_install(
    ngx_http_cognito_auth_pool_t *pool, cognito_keyset_t *ks,
    uint64_t generation);
static void ngx_http_cognito_auth_keyset_cleanup(void *data);
static ngx_int_t ngx_http_cognito_auth_file_generation(
    ngx_http_cognito_auth_pool_t *pool, ngx_http_cognito_auth_file_t *file);
static ngx_int_t ngx_http_cognito_auth_unavailable(ngx_http_request_t *r,
    ngx_http_cognito_auth_pool_t *pool);




char *
ngx_http_cognito_auth_load_file(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_t *pool)
{
    ngx_int_t                      rc;
    cognito_err_t                  err;
    ngx_pool_cleanup_t            *cln;
    ngx_http_cognito_auth_file_t   file;

    ngx_memzero(&file, sizeof(ngx_http_cognito_auth_file_t));

    file.name = pool->jwks_file;
    file.max = COGNITO_JWKS_MAX_LEN;

    rc = ngx_http_cognito_auth_conf_file(cf, &file);

    if (rc == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    if (rc == NGX_DECLINED || file.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "JWKS file \"%s\" is empty or larger than %d "
                           "bytes", file.name.data, COGNITO_JWKS_MAX_LEN);
        goto failed;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        goto failed;
    }

    if (cognito_keyset_load((const char *) file.data, file.len,
                            &pool->file_keys, NULL, &err)
        != COGNITO_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid JWKS file \"%s\": %s",
                           file.name.data, err.msg);
        goto failed;
    }

    cln->handler = ngx_http_cognito_auth_keyset_cleanup;
    cln->data = pool->file_keys;

    if (ngx_http_cognito_auth_file_generation(pool, &file) != NGX_OK) {
        goto failed;
    }

    ngx_free(file.data);

    return NGX_CONF_OK;

failed:

    if (file.data != NULL) {
        ngx_free(file.data);
    }

    return NGX_CONF_ERROR;
}


/*
 * The keys to verify a token of this pool with.  NGX_OK and *ks, NGX_AGAIN
 * while a fetch runs, NGX_HTTP_SERVICE_UNAVAILABLE when there are none.
 * "force" asks for a refresh because of an unknown kid (rate-limited).
 */

ngx_int_t
ngx_http_cognito_auth_get_keys(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx, ngx_http_cognito_auth_pool_t *pool,
    ngx_uint_t force, cognito_keyset_t **ks)
{
    u_char                             *copy;
    time_t                              now, prev_attempt;
    size_t                              len;
    uint64_t                            generation;
    ngx_uint_t                          need, start, wait, have, warm;
    cognito_err_t                       err;
    cognito_keyset_t                   *nks;
    ngx_http_cognito_auth_slot_t       *slot;
    ngx_http_cognito_auth_zone_ctx_t   *zctx;
    ngx_http_cognito_auth_main_conf_t  *camcf;

    if (pool->file_keys) {
        *ks = pool->file_keys;
        return NGX_OK;
    }

    now = ngx_time();

    /*
     * Lock-free, the common case: in the second in which this worker's
     * locked check last found nothing to do (its keys of the zone's
     * generation, not expired), they are still the keys, so that cache
     * hits take no global lock.  What it costs: new keys another worker
     * fetched (or a slot a reload reclaimed) are seen here up to about a
     * second later; until then this worker's keys and cache entries of
     * their generation still stand, as they would had its request come a
     * moment earlier.  A refresh that falls due is started by the first
     * request of a later second.  Never for a forced call (an unknown
     * kid checks the zone at once), the startup fetch, a request that
     * started a fetch or waited for one (on waking it must see what the
     * fetch brought, not this worker's older keys), nor a cache hit of
     * another generation (another worker's keys may be newer: taking
     * them now spares verifying it again with these).
     */

    if (force == 0
        && pool->keys_checked == now
        && pool->keys != NULL
        && ctx->waits == 0
        && !ctx->fetch_tried
        && (ctx->cache != NGX_HTTP_COGNITO_AUTH_CACHE_HIT
            || ctx->cached_generation == pool->generation))
    {
        *ks = pool->keys;
        return NGX_OK;
    }

    warm = (force == NGX_HTTP_COGNITO_AUTH_KEYS_WARM);

    if (warm) {
        force = 0;
    }

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);
    zctx = camcf->shm_zone->data;

    copy = NULL;
    len = 0;
    generation = 0;
    start = 0;
    wait = 0;
    prev_attempt = 0;

    ngx_shmtx_lock(&zctx->shpool->mutex);

    slot = ngx_http_cognito_auth_slot(zctx, pool);

    if (slot == NULL) {
        ngx_shmtx_unlock(&zctx->shpool->mutex);
        pool->keys_checked = 0;
        return ngx_http_cognito_auth_unavailable(r, pool);
    }

    if (slot->jwks_len && slot->generation != pool->generation) {

        /* another worker fetched new keys: copy the bytes, parse unlocked */

        copy = ngx_pnalloc(r->pool, slot->jwks_len);

        if (copy != NULL) {
            ngx_memcpy(copy, slot->jwks, slot->jwks_len);
            len = slot->jwks_len;
            generation = slot->generation;
        }
    }

    have = (pool->keys != NULL || copy != NULL);

    need = (!have || force || now >= slot->expires);

    pool->keys_checked = (!need && slot->generation == pool->generation)
                         ? now : 0;

    if (!need) {
        /* nothing to do */

    } else if (slot->loading
               && now - slot->loading_since < NGX_HTTP_COGNITO_AUTH_LOAD_STALE)
    {
        /* another request fetches: wait for it if these keys won't do */
        wait = (!have || force);

    } else if (!ctx->fetch_tried
               && (slot->last_attempt == 0
                   || now - slot->last_attempt >= pool->refresh_min))
    {
        /* one fetch per request at most, and per jwks_refresh_min */

        prev_attempt = slot->last_attempt;

        slot->loading = 1;
        slot->loading_since = now;
        slot->last_attempt = now;
        start = 1;
    }

    ngx_shmtx_unlock(&zctx->shpool->mutex);

    if (copy != NULL) {
        if (cognito_keyset_load((const char *) copy, len, &nks, NULL, &err)
            == COGNITO_OK)
        {
            if (ngx_http_cognito_auth_install(pool, nks, generation)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

        } else {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "cognito auth: shared JWKS of pool \"%V\" "
                          "unusable: %s", &pool->name, err.msg);
        }

    }

    if (start) {
        return ngx_http_cognito_auth_start_fetch(r, ctx, pool, now,
                                                 prev_attempt, warm);
    }

    if (warm && (wait || pool->keys == NULL)) {
        return NGX_DECLINED;
    }

    if (wait) {
        return ngx_http_cognito_auth_wait(r, ctx);
    }

    if (pool->keys == NULL) {
        return ngx_http_cognito_auth_unavailable(r, pool);
    }

    *ks = pool->keys;

    return NGX_OK;
}


static ngx_int_t
ngx_http_cognito_auth_unavailable(ngx_http_request_t *r,
    ngx_http_cognito_auth_pool_t *pool)
{
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "cognito auth: no JWKS keys for pool \"%V\", "
                  "failing closed", &pool->name);

    return NGX_HTTP_SERVICE_UNAVAILABLE;
}


static ngx_int_t
ngx_http_cognito_auth_start_fetch(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx, ngx_http_cognito_auth_pool_t *pool,
    time_t started, time_t prev_attempt, ngx_uint_t warm)
{
    ngx_http_request_t              *sr;
    ngx_http_cognito_auth_fetch_t   *fetch;

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "cognito auth: fetching JWKS of pool \"%V\" from \"%V\"",
                  &pool->name, &pool->jwks_uri);

    fetch = ngx_pcalloc(r->pool, sizeof(ngx_http_cognito_auth_fetch_t));
    if (fetch == NULL) {
        goto failed;
    }

    fetch->end.ctx = ctx;
    fetch->end.r = r;
    fetch->end.store = ngx_http_cognito_auth_fetch_store;
    fetch->pool = pool;
    fetch->started = started;
    fetch->prev_attempt = prev_attempt;
    fetch->warm = warm;

    if (ngx_http_cognito_auth_clean_subrequest(r, &pool->jwks_uri,
                                           &fetch->end, COGNITO_JWKS_MAX_LEN,
                                           ngx_http_cognito_auth_fetch_cleanup,
                                           &sr)
        != NGX_OK)
    {
        goto failed;
    }

    ctx->fetch_tried = 1;

    return NGX_AGAIN;

failed:

    ngx_http_cognito_auth_fetch_release(r, pool, NULL, 1);

    return NGX_ERROR;
}


/*
 * A clean GET of uri, a background subrequest whose body stays in memory
 * (and goes to the module's body filter, up to max bytes): none of the
 * client's method, body, Content-Length, Authorization or other headers
 * go to the server.  How it ends is recorded in end; the request's
 * context waits for it; cleanup(end) runs when the request's pool goes.
 */

ngx_int_t
ngx_http_cognito_auth_clean_subrequest(ngx_http_request_t *r, ngx_str_t *uri,
    ngx_http_cognito_auth_fetch_end_t *end, size_t max,
    ngx_pool_cleanup_pt cleanup, ngx_http_request_t **psr)
{
    ngx_pool_cleanup_t           *cln;
    ngx_http_request_t           *sr;
    ngx_http_post_subrequest_t   *ps;
    ngx_http_cognito_auth_ctx_t  *ctx;

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (ps == NULL) {
        return NGX_ERROR;
    }

    ps->handler = ngx_http_cognito_auth_fetch_done;
    ps->data = end;

    if (ngx_http_subrequest(r, uri, NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_BACKGROUND
                            |NGX_HTTP_SUBREQUEST_IN_MEMORY)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    sr->method = NGX_HTTP_GET;
    sr->method_name = ngx_http_core_get_method;
    sr->header_only = 0;

    sr->request_body = ngx_pcalloc(r->pool, sizeof(ngx_http_request_body_t));
    if (sr->request_body == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(&sr->headers_in, sizeof(ngx_http_headers_in_t));

    if (ngx_list_init(&sr->headers_in.headers, r->pool, 1,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    sr->headers_in.content_length_n = -1;
    sr->headers_in.keep_alive_n = -1;

    ctx = end->ctx;

    ctx->fetching = 1;
    ctx->fetch_done = 0;
    ctx->too_big = 0;
    ctx->body_done = 0;
    ctx->body = NULL;
    ctx->body_max = max;
    ctx->sr = sr;

    cln->handler = cleanup;
    cln->data = end;

    *psr = sr;

    return NGX_OK;
}


/*
 * The fetch is a background subrequest: the client's connection events go
 * to the main request, which ignores them while it waits, so the fetch
 * goes on if the client hangs up (nginx notices when it writes the
 * response).  As auth_request's, the post-subrequest handler only records
 * how the fetch ended; the parent reads the body.  A background subrequest
 * does not wake its parent: the main request is posted here.
 */

static ngx_int_t
ngx_http_cognito_auth_fetch_done(ngx_http_request_t *sr, void *data,
    ngx_int_t rc)
{
    ngx_http_cognito_auth_fetch_end_t *end = data;

    ngx_table_elt_t  *etag;

    if (end->ctx->fetch_done) {
        return rc;
    }

    end->ctx->fetch_done = 1;

    end->rc = rc;
    end->status = sr->headers_out.status;
    end->abandoned = (rc == NGX_HTTP_CLIENT_CLOSED_REQUEST
                      || end->r->connection->error);

    etag = sr->headers_out.etag;

    if (etag != NULL && etag->value.len <= NGX_HTTP_COGNITO_AUTH_ETAG_LEN) {
        end->etag.data = ngx_pnalloc(end->r->pool, etag->value.len);

        if (end->etag.data != NULL) {
            ngx_memcpy(end->etag.data, etag->value.data, etag->value.len);
            end->etag.len = etag->value.len;
        }
    }

    if (ngx_http_post_request(end->r, NULL) != NGX_OK) {
        return NGX_ERROR;
    }

    return rc;
}


/*
 * The parent's side, once a fetch is done: its store reads what it
 * brought (the JWKS: the body goes to the zone and this worker's keys).
 * NGX_ERROR only when memory ran out.
 */

ngx_int_t
ngx_http_cognito_auth_fetch_finish(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx)
{
    ngx_http_cognito_auth_fetch_end_t  *end;

    end = ctx->sr->post_subrequest->data;

    ctx->fetching = 0;
    ctx->sr = NULL;

    return end->store(end);
}


static ngx_int_t
ngx_http_cognito_auth_fetch_store(ngx_http_cognito_auth_fetch_end_t *end)
{
    size_t                          skipped;
    cognito_keyset_t               *ks;
    ngx_http_request_t             *r;
    ngx_http_cognito_auth_pool_t   *pool;
    ngx_http_cognito_auth_fetch_t  *fetch;

    fetch = (ngx_http_cognito_auth_fetch_t *) end;
    pool = fetch->pool;
    r = fetch->end.r;

    fetch->end.stored = 1;

    if (fetch->end.abandoned) {

        /*
         * The fetch ended with its client: that says nothing about the
         * JWKS server.  It is not an attempt; the next request fetches.
         */

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "cognito auth: JWKS fetch of pool \"%V\" abandoned: "
                      "its client went away", &pool->name);

        ngx_http_cognito_auth_fetch_release(r, pool, fetch, 0);

        return NGX_OK;
    }

    if (ngx_http_cognito_auth_fetch_keys(fetch, &ks, &skipped) != NGX_OK) {

        if (pool->keys != NULL) {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "cognito auth: keeping the last good JWKS of pool "
                          "\"%V\"", &pool->name);
        }

        /*
         * A failed startup fetch is counted, but it is no client's
         * attempt: the first client may fetch at once (the network may
         * only now be up), and jwks_refresh_min runs from there.
         */

        ngx_http_cognito_auth_fetch_release(r, pool,
                                            fetch->warm ? fetch : NULL, 1);

        return NGX_OK;
    }

    return ngx_http_cognito_auth_fetch_share(fetch, ks, skipped);
}


/* the fetch's response, checked and parsed; NGX_ERROR logged */

static ngx_int_t
ngx_http_cognito_auth_fetch_keys(ngx_http_cognito_auth_fetch_t *fetch,
    cognito_keyset_t **ks, size_t *skipped)
{
    size_t                          len;
    ngx_str_t                       where;
    ngx_buf_t                      *b;
    cognito_err_t                   err;
    ngx_http_request_t             *r;
    ngx_http_cognito_auth_ctx_t    *ctx;
    ngx_http_cognito_auth_pool_t   *pool;

    static ngx_str_t  jwks = ngx_string("JWKS");

    ctx = fetch->end.ctx;
    pool = fetch->pool;
    r = fetch->end.r;

    where.len = sizeof(" of pool \"\"") - 1 + pool->name.len;
    where.data = ngx_pnalloc(r->pool, where.len);
    if (where.data == NULL) {
        return NGX_ERROR;
    }

    where.len = ngx_sprintf(where.data, " of pool \"%V\"", &pool->name)
                - where.data;

    if (ngx_http_cognito_auth_fetched_body(&fetch->end, &jwks, &where)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    b = ctx->body;
    len = b->last - b->pos;

    if (cognito_keyset_load((const char *) b->pos, len, ks, skipped, &err)
        != COGNITO_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cognito auth: JWKS of pool \"%V\" rejected: %s",
                      &pool->name, err.msg);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * What a fetch brought (how its subrequest ended, the body the filter
 * collected): NGX_OK when ctx->body holds a whole, non-empty body of a
 * 200, else NGX_ERROR, logged as what ("JWKS") and where (" of pool ...")
 * say.
 */

ngx_int_t
ngx_http_cognito_auth_fetched_body(ngx_http_cognito_auth_fetch_end_t *end,
    ngx_str_t *what, ngx_str_t *where)
{
    ngx_int_t                     rc;
    ngx_uint_t                    status;
    ngx_http_request_t           *r;
    ngx_http_cognito_auth_ctx_t  *ctx;

    r = end->r;
    ctx = end->ctx;
    rc = end->rc;
    status = end->status;

    if (rc != NGX_OK || status != NGX_HTTP_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cognito auth: %V fetch%V failed: status %ui, rc %i",
                      what, where, status, rc);
        return NGX_ERROR;
    }

    if (!ctx->body_done && !ctx->too_big) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cognito auth: %V fetch%V ended before its body did "
                      "(an upstream error or timeout)", what, where);
        return NGX_ERROR;
    }

    if (ctx->too_big) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cognito auth: %V%V is larger than %uz bytes",
                      what, where, ctx->body_max);
        return NGX_ERROR;
    }

    if (ctx->body == NULL || ctx->body->last == ctx->body->pos) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cognito auth: %V fetch%V returned an empty body",
                      what, where);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * New keys go to the zone, for every worker, and to this worker's keys.
 * The zone keeps its generation when the bytes are the same.
 */

static ngx_int_t
ngx_http_cognito_auth_fetch_share(ngx_http_cognito_auth_fetch_t *fetch,
    cognito_keyset_t *ks, size_t skipped)
{
    uint64_t                            generation;
    ngx_int_t                           rc;
    ngx_buf_t                          *b;
    ngx_uint_t                          same;
    ngx_http_request_t                 *r;
    ngx_http_cognito_auth_pool_t       *pool;
    ngx_http_cognito_auth_slot_t       *slot;
    ngx_http_cognito_auth_zone_ctx_t   *zctx;
    ngx_http_cognito_auth_main_conf_t  *camcf;

    pool = fetch->pool;
    r = fetch->end.r;
    b = fetch->end.ctx->body;

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);
    zctx = camcf->shm_zone->data;

    ngx_shmtx_lock(&zctx->shpool->mutex);

    slot = ngx_http_cognito_auth_slot(zctx, pool);

    /*
     * The same bytes as the zone holds: the same keys.  The generation
     * stays, so no worker rebuilds its keys or forgets its verified tokens.
     */

    rc = (slot == NULL) ? NGX_ERROR
                        : ngx_http_cognito_auth_zone_keep_locked(zctx,
                                                  &slot->jwks,
                                                  &slot->jwks_len, b);

    if (rc == NGX_ERROR) {
        if (slot != NULL) {
            slot->loading = 0;
        }

        ngx_shmtx_unlock(&zctx->shpool->mutex);

        cognito_keyset_free(ks);

        if (slot != NULL) {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "cognito auth: cognito_auth_zone is full, "
                          "cannot store the JWKS of pool \"%V\"",
                          &pool->name);
        }

        return NGX_OK;
    }

    same = (rc == NGX_DECLINED);

    if (!same) {
        slot->nkeys = cognito_keyset_count(ks);
        slot->generation++;
    }

    slot->fetch_ok++;
    slot->fetch_failing = 0;
    slot->expires = ngx_time() + pool->jwks_ttl;
    slot->last_good = ngx_time();
    slot->loading = 0;

    generation = slot->generation;

    ngx_shmtx_unlock(&zctx->shpool->mutex);

    if (same && pool->keys != NULL && pool->generation == generation) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "cognito auth: JWKS of pool \"%V\" unchanged",
                      &pool->name);

        cognito_keyset_free(ks);

        return NGX_OK;
    }

    if (ngx_http_cognito_auth_install(pool, ks, generation) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "cognito auth: JWKS of pool \"%V\" loaded: %uz keys, "
                  "%uz skipped", &pool->name, cognito_keyset_count(ks),
                  skipped);

    return NGX_OK;
}


/*
 * A fetch that failed counts as one in the metrics; an abandoned one (its
 * request ended first) or the startup one (fetch given) gives back its
 * place in jwks_refresh_min.
 */

static void
ngx_http_cognito_auth_fetch_release(ngx_http_request_t *r,
    ngx_http_cognito_auth_pool_t *pool, ngx_http_cognito_auth_fetch_t *fetch,
    ngx_uint_t failed)
{
    ngx_http_cognito_auth_slot_t       *slot;
    ngx_http_cognito_auth_zone_ctx_t   *zctx;
    ngx_http_cognito_auth_main_conf_t  *camcf;

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);
    zctx = camcf->shm_zone->data;

    ngx_shmtx_lock(&zctx->shpool->mutex);

    slot = ngx_http_cognito_auth_slot(zctx, pool);

    if (slot != NULL) {
        slot->loading = 0;

        if (failed) {
            slot->fetch_failed++;
            slot->fetch_failing++;
        }

        /* not an attempt: abandoned with its client, or the startup one */

        if (fetch != NULL && slot->last_attempt == fetch->started) {
            slot->last_attempt = fetch->prev_attempt;
        }
    }

    ngx_shmtx_unlock(&zctx->shpool->mutex);
}


static void
ngx_http_cognito_auth_fetch_cleanup(void *data)
{
    ngx_http_cognito_auth_fetch_t *fetch = data;    /* its end, first */

    /* the request ended before its fetch did: let another one try */

    if (!fetch->end.ctx->fetch_done) {
        fetch->end.ctx->fetch_done = 1;
        ngx_http_cognito_auth_fetch_release(fetch->end.r, fetch->pool, fetch,
                                            0);
        return;
    }

    /* or after, but before it ran again to read it (it was terminated) */

    if (!fetch->end.stored) {
        (void) ngx_http_cognito_auth_fetch_store(&fetch->end);
    }
}


/*
 * another request is fetching (the JWKS, or the revocation list) or
 * refreshing the session (_flight.c): look again shortly (as limit_req
 * delays)
 */

ngx_int_t
ngx_http_cognito_auth_wait(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx)
{
    if (++ctx->waits > NGX_HTTP_COGNITO_AUTH_LOAD_STALE * 1000
                       / NGX_HTTP_COGNITO_AUTH_WAIT_MSEC)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cognito auth: gave up waiting for a fetch of "
                      "the JWKS or the revocation list, or for a "
                      "session's refresh");

        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "cognito auth: waiting for a fetch (%ui)",
                   ctx->waits);

    r->read_event_handler = ngx_http_test_reading;
    r->write_event_handler = ngx_http_cognito_auth_wake;

    r->connection->write->delayed = 1;
    ngx_add_timer(r->connection->write, NGX_HTTP_COGNITO_AUTH_WAIT_MSEC);

    return NGX_AGAIN;
}


static void
ngx_http_cognito_auth_wake(ngx_http_request_t *r)
{
    ngx_event_t  *wev;

    wev = r->connection->write;

    if (wev->delayed && !wev->timedout) {
        if (ngx_handle_write_event(wev, 0) != NGX_OK) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        }

        return;
    }

    wev->delayed = 0;
    wev->timedout = 0;

    if (ngx_handle_read_event(r->connection->read, 0) != NGX_OK) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    r->read_event_handler = ngx_http_block_reading;
    r->write_event_handler = ngx_http_core_run_phases;

    ngx_http_core_run_phases(r);
}


static ngx_int_t
ngx_http_cognito_auth_install(ngx_http_cognito_auth_pool_t *pool,
    cognito_keyset_t *ks, uint64_t generation)
{
    ngx_pool_t          *kp;
    ngx_pool_cleanup_t  *cln;

    /*
     * A keyset lives in a pool of its own, destroyed when replaced.  The
     * pool outlives the request that built it: it logs to the cycle's log,
     * never to a connection's.
     */

    kp = ngx_create_pool(NGX_MIN_POOL_SIZE, ngx_cycle->log);
    if (kp == NULL) {
        cognito_keyset_free(ks);
        return NGX_ERROR;
    }

    cln = ngx_pool_cleanup_add(kp, 0);
    if (cln == NULL) {
        ngx_destroy_pool(kp);
        cognito_keyset_free(ks);
        return NGX_ERROR;
    }

    cln->handler = ngx_http_cognito_auth_keyset_cleanup;
    cln->data = ks;

    if (pool->keys_pool != NULL) {
        ngx_destroy_pool(pool->keys_pool);
    }

    pool->keys_pool = kp;
    pool->keys = ks;
    pool->generation = generation;

    return NGX_OK;
}


static void
ngx_http_cognito_auth_keyset_cleanup(void *data)
{
    cognito_keyset_free(data);
}


/*
 * A jwks_file= pool's generation: the first 8 bytes of the file's SHA-256.
 * The same file keeps it across reloads (and with it the cache zone's
 * entries); another file, with other keys, never shares it.
 */

static ngx_int_t
ngx_http_cognito_auth_file_generation(ngx_http_cognito_auth_pool_t *pool,
    ngx_http_cognito_auth_file_t *file)
{
    u_char             md[COGNITO_DIGEST_LEN];
    int                rc;
    cognito_digest_t  *d;

    d = cognito_digest_new();
    if (d == NULL) {
        return NGX_ERROR;
    }

    rc = cognito_digest(d, (const char *) file->data, file->len, md);

    cognito_digest_free(d);

    if (rc != COGNITO_OK) {
        return NGX_ERROR;
    }

    ngx_memcpy(&pool->generation, md, sizeof(uint64_t));

    return NGX_OK;
}


/* the keys this worker parsed from the zone */

void
ngx_http_cognito_auth_jwks_exit(ngx_http_cognito_auth_main_conf_t *camcf)
{
    ngx_uint_t                     i;
    ngx_http_cognito_auth_pool_t  *pool;

    pool = camcf->pools.elts;

    for (i = 0; i < camcf->pools.nelts; i++) {
        if (pool[i].keys_pool != NULL) {
            ngx_destroy_pool(pool[i].keys_pool);
            pool[i].keys_pool = NULL;
            pool[i].keys = NULL;
        }
    }
}
