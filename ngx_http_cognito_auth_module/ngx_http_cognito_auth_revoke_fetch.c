
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * cognito_auth_revocation_list uri=: the list fetched from a location, for
 * a fleet of nginx instances that share one list.  As the JWKS: a clean
 * GET by a background subrequest (its body bounded by the module's body
 * filter), single-flight across workers, started by the first request
 * that finds a fetch due (every check= interval) and waited for by it;
 * If-None-Match with the ETag the list came with, so that a 304 keeps it.
 * The list's bytes go to the shared zone, one copy with a generation; each
 * worker parses them again only when the generation moves.  A failed
 * fetch keeps the last good list; with none yet, tokens are refused with
 * 503 (revocation_unavailable): a revocation list that cannot be read
 * must not let revoked tokens in.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"


static ngx_int_t ngx_http_cognito_auth_revocation_start(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx, u_char *etag, size_t etag_len);
static ngx_int_t ngx_http_cognito_auth_if_none_match(ngx_http_request_t *r,
    ngx_http_request_t *sr, u_char *etag, size_t etag_len);
static ngx_int_t ngx_http_cognito_auth_revocation_store(
    ngx_http_cognito_auth_fetch_end_t *end);
static ngx_int_t ngx_http_cognito_auth_revocation_share(
    ngx_http_cognito_auth_fetch_end_t *end, cognito_revocation_t *rl);
static void ngx_http_cognito_auth_revocation_release(ngx_http_request_t *r,
    ngx_uint_t outcome);
static ngx_int_t ngx_http_cognito_auth_revocation_install(
    ngx_http_cognito_auth_main_conf_t *camcf, cognito_revocation_t *rl,
    uint64_t generation);
static void ngx_http_cognito_auth_revocation_fetch_cleanup(void *data);


/* what a request does about the list: use it, fetch it, wait for it */
#define NGX_HTTP_COGNITO_AUTH_USE              0
#define NGX_HTTP_COGNITO_AUTH_FETCH            1
#define NGX_HTTP_COGNITO_AUTH_WAIT             2

/* how a fetch ended, for the zone's state */
#define NGX_HTTP_COGNITO_AUTH_FETCH_ABANDONED  0
#define NGX_HTTP_COGNITO_AUTH_FETCH_FAILED     1
#define NGX_HTTP_COGNITO_AUTH_FETCH_UNCHANGED  2


/*
 * The list to check tokens against is this worker's, brought up to the
 * zone's generation here.  NGX_OK: camcf->revocation is current (or no
 * uri= list is configured); NGX_AGAIN while a fetch runs or, with no list
 * yet, while another request's fetch runs; NGX_HTTP_SERVICE_UNAVAILABLE
 * when there is no list; NGX_ERROR.
 */

ngx_int_t
ngx_http_cognito_auth_revocation_current(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx)
{
    u_char                                 *copy;
    u_char                                 etag[NGX_HTTP_COGNITO_AUTH_ETAG_LEN];
    size_t                                  etag_len;
    time_t                                  now;
    ngx_str_t                               bytes;
    uint64_t                                generation;
    ngx_uint_t                              have, todo;
    cognito_err_t                           err;
    cognito_revocation_t                   *rl;
    ngx_http_cognito_auth_zone_ctx_t       *zctx;
    ngx_http_cognito_auth_main_conf_t      *camcf;
    ngx_http_cognito_auth_revocation_sh_t  *sh;

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);

    if (camcf->revocation_uri.len == 0) {
        return NGX_OK;
    }

    zctx = camcf->shm_zone->data;
    sh = &zctx->sh->revocation;

    copy = NULL;
    bytes.len = 0;
    etag_len = 0;
    generation = 0;
    todo = NGX_HTTP_COGNITO_AUTH_USE;
    now = ngx_time();

    ngx_shmtx_lock(&zctx->shpool->mutex);

    if (sh->len && sh->generation != camcf->revocation_generation) {

        /* another worker fetched a new list: copied, parsed unlocked */

        bytes.len = sh->len;
        bytes.data = sh->list;

        copy = ngx_pstrdup(r->pool, &bytes);
        generation = sh->generation;
    }

    have = (camcf->revocation != NULL || copy != NULL);

    if (now < sh->next) {
        /* not due */

    } else if (sh->loading
               && now - sh->loading_since < NGX_HTTP_COGNITO_AUTH_LOAD_STALE)
    {
        /* another request fetches: wait for it only without any list */

        if (!have) {
            todo = NGX_HTTP_COGNITO_AUTH_WAIT;
        }

    } else if (!ctx->revocation_tried) {
        sh->loading = 1;
        sh->loading_since = now;
        todo = NGX_HTTP_COGNITO_AUTH_FETCH;

        /* the zone's list is the one this worker holds once it is parsed */

        if (sh->len) {
            etag_len = sh->etag_len;
            ngx_memcpy(etag, sh->etag, etag_len);
        }
    }

    ngx_shmtx_unlock(&zctx->shpool->mutex);

    if (copy != NULL) {
        if (cognito_revocation_load((const char *) copy, bytes.len, &rl,
                                    &err)
            == COGNITO_OK)
        {
            if (ngx_http_cognito_auth_revocation_install(camcf, rl,
                                                         generation)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

        } else {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "cognito auth: shared revocation list unusable: "
                          "%s", err.msg);
        }
    }

    if (todo == NGX_HTTP_COGNITO_AUTH_FETCH) {
        return ngx_http_cognito_auth_revocation_start(r, ctx, etag,
                                                      etag_len);
    }

    if (todo == NGX_HTTP_COGNITO_AUTH_WAIT) {
        return ngx_http_cognito_auth_wait(r, ctx);
    }

    if (camcf->revocation == NULL) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cognito auth: no revocation list from \"%V\", "
                      "failing closed", &camcf->revocation_uri);

        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_cognito_auth_revocation_start(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx, u_char *etag, size_t etag_len)
{
    ngx_http_request_t                 *sr;
    ngx_http_cognito_auth_fetch_end_t  *end;
    ngx_http_cognito_auth_main_conf_t  *camcf;

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "cognito auth: fetching the revocation list from \"%V\"",
                  &camcf->revocation_uri);

    end = ngx_pcalloc(r->pool, sizeof(ngx_http_cognito_auth_fetch_end_t));
    if (end == NULL) {
        goto failed;
    }

    end->ctx = ctx;
    end->r = r;
    end->store = ngx_http_cognito_auth_revocation_store;

    if (ngx_http_cognito_auth_clean_subrequest(r, &camcf->revocation_uri,
                              end, COGNITO_REVOCATION_MAX_LEN,
                              ngx_http_cognito_auth_revocation_fetch_cleanup,
                              &sr)
        != NGX_OK)
    {
        goto failed;
    }

    if (etag_len
        && ngx_http_cognito_auth_if_none_match(r, sr, etag, etag_len)
           != NGX_OK)
    {
        goto failed;
    }

    ctx->revocation_tried = 1;

    return NGX_AGAIN;

failed:

    ngx_http_cognito_auth_revocation_release(r,
                                         NGX_HTTP_COGNITO_AUTH_FETCH_FAILED);

    return NGX_ERROR;
}


/* the only header of the clean GET: the list's ETag, for a 304 */

static ngx_int_t
ngx_http_cognito_auth_if_none_match(ngx_http_request_t *r,
    ngx_http_request_t *sr, u_char *etag, size_t etag_len)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&sr->headers_in.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->value.data = ngx_pnalloc(r->pool, etag_len);
    if (h->value.data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(h->value.data, etag, etag_len);
    h->value.len = etag_len;

    ngx_str_set(&h->key, "If-None-Match");
    h->lowcase_key = (u_char *) "if-none-match";
    h->hash = ngx_hash_key(h->lowcase_key, h->key.len);

#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    sr->headers_in.if_none_match = h;

    return NGX_OK;
}


/*
 * The parent read what the fetch brought (ngx_http_cognito_auth_fetch_
 * finish()): a new list, a 304, or a failure.  NGX_ERROR: out of memory.
 */

static ngx_int_t
ngx_http_cognito_auth_revocation_store(ngx_http_cognito_auth_fetch_end_t *end)
{
    size_t                                  len;
    ngx_int_t                               rc;
    ngx_buf_t                              *b;
    cognito_err_t                           err;
    ngx_http_request_t                     *r;
    cognito_revocation_t                   *rl;
    ngx_http_cognito_auth_main_conf_t      *camcf;

    static ngx_str_t  what = ngx_string("revocation list");
    static ngx_str_t  where = ngx_null_string;

    r = end->r;
    end->stored = 1;

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);

    if (end->abandoned) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "cognito auth: revocation list fetch abandoned: its "
                      "client went away");

        ngx_http_cognito_auth_revocation_release(r,
                                      NGX_HTTP_COGNITO_AUTH_FETCH_ABANDONED);
        return NGX_OK;
    }

    if (end->rc == NGX_OK && end->status == NGX_HTTP_NOT_MODIFIED
        && camcf->revocation != NULL)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "cognito auth: revocation list unchanged (304)");

        ngx_http_cognito_auth_revocation_release(r,
                                      NGX_HTTP_COGNITO_AUTH_FETCH_UNCHANGED);
        return NGX_OK;
    }

    rc = ngx_http_cognito_auth_fetched_body(end, &what, &where);

    if (rc == NGX_OK) {
        b = end->ctx->body;
        len = b->last - b->pos;

        if (cognito_revocation_load((const char *) b->pos, len, &rl, &err)
            == COGNITO_OK)
        {
            return ngx_http_cognito_auth_revocation_share(end, rl);
        }

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cognito auth: revocation list from \"%V\" rejected: "
                      "%s", &camcf->revocation_uri, err.msg);
    }

    if (camcf->revocation != NULL) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "cognito auth: keeping the last good revocation list");
    }

    ngx_http_cognito_auth_revocation_release(r,
                                         NGX_HTTP_COGNITO_AUTH_FETCH_FAILED);

    return NGX_OK;
}


/*
 * A new list goes to the zone, for every worker, with its ETag, and to
 * this worker.  The same bytes as the zone holds keep its generation.
 */

static ngx_int_t
ngx_http_cognito_auth_revocation_share(ngx_http_cognito_auth_fetch_end_t *end,
    cognito_revocation_t *rl)
{
    uint64_t                                generation;
    ngx_int_t                               rc;
    ngx_buf_t                              *b;
    ngx_uint_t                              same;
    ngx_http_request_t                     *r;
    ngx_http_cognito_auth_zone_ctx_t       *zctx;
    ngx_http_cognito_auth_main_conf_t      *camcf;
    ngx_http_cognito_auth_revocation_sh_t  *sh;

    r = end->r;
    b = end->ctx->body;

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);
    zctx = camcf->shm_zone->data;
    sh = &zctx->sh->revocation;

    ngx_shmtx_lock(&zctx->shpool->mutex);

    rc = ngx_http_cognito_auth_zone_keep_locked(zctx, &sh->list, &sh->len,
                                                b);

    if (rc == NGX_ERROR) {
        ngx_shmtx_unlock(&zctx->shpool->mutex);

        cognito_revocation_free(rl);

        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "cognito auth: cognito_auth_zone is full, cannot "
                      "store the revocation list (%uz bytes)",
                      (size_t) (b->last - b->pos));

        ngx_http_cognito_auth_revocation_release(r,
                                         NGX_HTTP_COGNITO_AUTH_FETCH_FAILED);
        return NGX_OK;
    }

    same = (rc == NGX_DECLINED);

    if (!same) {
        sh->entries = cognito_revocation_count(rl);
        sh->generation++;
    }

    sh->etag_len = end->etag.len;
    ngx_memcpy(sh->etag, end->etag.data, end->etag.len);

    generation = sh->generation;

    ngx_shmtx_unlock(&zctx->shpool->mutex);

    ngx_http_cognito_auth_revocation_release(r,
                                      NGX_HTTP_COGNITO_AUTH_FETCH_UNCHANGED);

    if (same && camcf->revocation_generation == generation) {
        cognito_revocation_free(rl);
        return NGX_OK;
    }

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "cognito auth: revocation list from \"%V\" loaded: "
                  "%uz entries", &camcf->revocation_uri,
                  cognito_revocation_count(rl));

    return ngx_http_cognito_auth_revocation_install(camcf, rl, generation);
}


/*
 * The fetch is over: a good one (a new list or a 304, "unchanged") and a
 * failed one are attempts, the next is due in check=; an abandoned one
 * (its request ended first) lets the next request fetch.
 */

static void
ngx_http_cognito_auth_revocation_release(ngx_http_request_t *r,
    ngx_uint_t outcome)
{
    time_t                                  now;
    ngx_http_cognito_auth_zone_ctx_t       *zctx;
    ngx_http_cognito_auth_main_conf_t      *camcf;
    ngx_http_cognito_auth_revocation_sh_t  *sh;

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);
    zctx = camcf->shm_zone->data;
    sh = &zctx->sh->revocation;

    now = ngx_time();

    ngx_shmtx_lock(&zctx->shpool->mutex);

    sh->loading = 0;

    if (outcome == NGX_HTTP_COGNITO_AUTH_FETCH_UNCHANGED) {
        sh->fetch_ok++;
        sh->fetch_failing = 0;
        sh->last_good = now;
        sh->next = now + camcf->revocation_check / 1000;

    } else if (outcome == NGX_HTTP_COGNITO_AUTH_FETCH_FAILED) {
        sh->fetch_failed++;
        sh->fetch_failing++;
        sh->next = now + camcf->revocation_check / 1000;
    }

    ngx_shmtx_unlock(&zctx->shpool->mutex);
}


static ngx_int_t
ngx_http_cognito_auth_revocation_install(
    ngx_http_cognito_auth_main_conf_t *camcf, cognito_revocation_t *rl,
    uint64_t generation)
{
    if (camcf->revocation != NULL
        && camcf->revocation != camcf->revocation_conf)
    {
        cognito_revocation_free(camcf->revocation);
    }

    camcf->revocation = rl;
    camcf->revocation_generation = generation;

    return NGX_OK;
}


static void
ngx_http_cognito_auth_revocation_fetch_cleanup(void *data)
{
    ngx_http_cognito_auth_fetch_end_t *end = data;

    /* the request ended before its fetch did: let another one fetch */

    if (!end->ctx->fetch_done) {
        end->ctx->fetch_done = 1;
        ngx_http_cognito_auth_revocation_release(end->r,
                                      NGX_HTTP_COGNITO_AUTH_FETCH_ABANDONED);
        return;
    }

    /* or after, but before it ran again to read it */

    if (!end->stored) {
        (void) ngx_http_cognito_auth_revocation_store(end);
    }
}
