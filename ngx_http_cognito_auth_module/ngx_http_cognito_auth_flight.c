
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * One refresh per session at a time (browser sign-in): requests of one
 * session that find its token due at once (a page's parallel fetches)
 * would each send the same refresh token, and with refresh-token rotation
 * all but the first are refused (or the provider revokes the grant).  In
 * cognito_auth_zone, a flight keyed by the SHA-256 of the pool, client and
 * old refresh token: the first request refreshes, the others wait for it
 * on a timer (as for a JWKS fetch) and take what it landed, the new
 * session sealed as its cookie (never a token in the clear), or its
 * failure.  A result is kept for a short while for requests still coming
 * with the old cookie, then forgotten; a flight whose request ended first
 * is dropped, so that the next request refreshes.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"


#define NGX_HTTP_COGNITO_AUTH_FLIGHT_KEEP   30  /* seconds, a new session */
#define NGX_HTTP_COGNITO_AUTH_FLIGHT_FAILED 5   /* seconds, a failure */


typedef enum {
    NGX_HTTP_COGNITO_AUTH_FLYING = 0,
    NGX_HTTP_COGNITO_AUTH_LANDED,
    NGX_HTTP_COGNITO_AUTH_FAILED
} ngx_http_cognito_auth_flight_e;


typedef struct {
    ngx_rbtree_node_t                   node;   /* key: the digest's first
                                                   bytes */
    ngx_queue_t                         queue;  /* oldest first */
    u_char                              key[COGNITO_DIGEST_LEN];
    ngx_uint_t                          id;     /* its leader's */
    time_t                              expires;
    ngx_http_cognito_auth_flight_e      state;
    u_char                             *sealed; /* in the slab */
    size_t                              len;
} ngx_http_cognito_auth_flight_node_t;


typedef struct {
    ngx_rbtree_t                        tree;
    ngx_rbtree_node_t                   sentinel;
    ngx_queue_t                         queue;
    ngx_uint_t                          ids;
} ngx_http_cognito_auth_flights_t;


static ngx_int_t ngx_http_cognito_auth_flight_key(ngx_http_request_t *r,
    ngx_str_t *pool, ngx_str_t *client, ngx_str_t *refresh, u_char *key);
static ngx_http_cognito_auth_flights_t *ngx_http_cognito_auth_flights_locked(
    ngx_http_cognito_auth_zone_ctx_t *zctx);
static ngx_http_cognito_auth_flight_node_t *
    ngx_http_cognito_auth_flight_lookup_locked(
    ngx_http_cognito_auth_zone_ctx_t *zctx,
    ngx_http_cognito_auth_flights_t *fl, u_char *key);
static ngx_int_t ngx_http_cognito_auth_flight_take_locked(
    ngx_http_request_t *r, ngx_http_cognito_auth_flight_node_t *fn,
    ngx_str_t *sealed);
static void ngx_http_cognito_auth_flight_free_locked(
    ngx_http_cognito_auth_zone_ctx_t *zctx,
    ngx_http_cognito_auth_flights_t *fl,
    ngx_http_cognito_auth_flight_node_t *fn);
static ngx_http_cognito_auth_flight_node_t *
    ngx_http_cognito_auth_flight_mine_locked(
    ngx_http_cognito_auth_flight_t *f, ngx_http_cognito_auth_flights_t **pfl);
static void ngx_http_cognito_auth_flight_end(ngx_log_t *log,
    ngx_http_cognito_auth_flight_t *f, ngx_str_t *sealed, ngx_uint_t failed);
static void ngx_http_cognito_auth_flight_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);


/*
 * A request whose session's token is due: NGX_OK when it refreshes (the
 * flight is its own when f->zctx is set: it lands it), NGX_DONE with the
 * new session's sealed value another request landed (in r's pool),
 * NGX_DECLINED when that request's refresh failed, NGX_AGAIN while it
 * runs (a timer set), NGX_HTTP_SERVICE_UNAVAILABLE when waiting too long,
 * NGX_ERROR.
 */

ngx_int_t
ngx_http_cognito_auth_flight_join(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx, ngx_str_t *pool, ngx_str_t *client,
    ngx_str_t *refresh, ngx_http_cognito_auth_flight_t *f, ngx_str_t *sealed)
{
    ngx_int_t                             rc;
    ngx_http_cognito_auth_flights_t      *fl;
    ngx_http_cognito_auth_zone_ctx_t     *zctx;
    ngx_http_cognito_auth_main_conf_t    *camcf;
    ngx_http_cognito_auth_flight_node_t  *fn;

    ngx_memzero(f, sizeof(ngx_http_cognito_auth_flight_t));

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);

    if (camcf->shm_zone == NULL) {
        return NGX_OK;
    }

    if (ngx_http_cognito_auth_flight_key(r, pool, client, refresh, f->key)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    zctx = camcf->shm_zone->data;

    ngx_shmtx_lock(&zctx->shpool->mutex);

    fl = ngx_http_cognito_auth_flights_locked(zctx);

    fn = (fl != NULL)
         ? ngx_http_cognito_auth_flight_lookup_locked(zctx, fl, f->key)
         : NULL;

    if (fn != NULL) {
        rc = ngx_http_cognito_auth_flight_take_locked(r, fn, sealed);

        ngx_shmtx_unlock(&zctx->shpool->mutex);

        return (rc == NGX_AGAIN) ? ngx_http_cognito_auth_wait(r, ctx) : rc;
    }

    fn = (fl != NULL)
         ? ngx_slab_alloc_locked(zctx->shpool,
                                 sizeof(ngx_http_cognito_auth_flight_node_t))
         : NULL;

    if (fn == NULL) {
        ngx_shmtx_unlock(&zctx->shpool->mutex);

        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "cognito auth: cognito_auth_zone is full: a session "
                      "refresh of pool \"%V\" not shared", pool);

        /* refreshed as without the zone */
        return NGX_OK;
    }

    ngx_memzero(fn, sizeof(ngx_http_cognito_auth_flight_node_t));
    ngx_memcpy(fn->key, f->key, COGNITO_DIGEST_LEN);
    ngx_memcpy(&fn->node.key, f->key, sizeof(ngx_rbtree_key_t));

    fn->id = ++fl->ids;
    fn->state = NGX_HTTP_COGNITO_AUTH_FLYING;
    fn->expires = ngx_time() + NGX_HTTP_COGNITO_AUTH_LOAD_STALE;

    ngx_rbtree_insert(&fl->tree, &fn->node);
    ngx_queue_insert_tail(&fl->queue, &fn->queue);

    ngx_shmtx_unlock(&zctx->shpool->mutex);

    f->zctx = zctx;
    f->id = fn->id;

    return NGX_OK;
}


/* SHA-256 of "pool\0client\0refresh token": the token itself is not kept */

static ngx_int_t
ngx_http_cognito_auth_flight_key(ngx_http_request_t *r, ngx_str_t *pool,
    ngx_str_t *client, ngx_str_t *refresh, u_char *key)
{
    int                rc;
    u_char            *p, *buf;
    size_t             len;
    cognito_digest_t  *d;

    len = pool->len + 1 + client->len + 1 + refresh->len;

    buf = ngx_pnalloc(r->pool, len);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(buf, pool->data, pool->len);
    *p++ = '\0';
    p = ngx_cpymem(p, client->data, client->len);
    *p++ = '\0';
    ngx_memcpy(p, refresh->data, refresh->len);

    d = cognito_digest_new();
    if (d == NULL) {
        ngx_explicit_memzero(buf, len);
        return NGX_ERROR;
    }

    rc = cognito_digest(d, (const char *) buf, len, key);

    cognito_digest_free(d);
    ngx_explicit_memzero(buf, len);

    return (rc == COGNITO_OK) ? NGX_OK : NGX_ERROR;
}


/* the zone's flights, made on first use; NULL when the zone is full */

static ngx_http_cognito_auth_flights_t *
ngx_http_cognito_auth_flights_locked(ngx_http_cognito_auth_zone_ctx_t *zctx)
{
    ngx_http_cognito_auth_flights_t  *fl;

    fl = zctx->sh->flights;

    if (fl != NULL) {
        return fl;
    }

    fl = ngx_slab_calloc_locked(zctx->shpool,
                                sizeof(ngx_http_cognito_auth_flights_t));
    if (fl == NULL) {
        return NULL;
    }

    ngx_rbtree_init(&fl->tree, &fl->sentinel,
                    ngx_http_cognito_auth_flight_insert);
    ngx_queue_init(&fl->queue);

    zctx->sh->flights = fl;

    return fl;
}


/* the flight of this key, if any; the expired ones (oldest first) freed */

static ngx_http_cognito_auth_flight_node_t *
ngx_http_cognito_auth_flight_lookup_locked(
    ngx_http_cognito_auth_zone_ctx_t *zctx,
    ngx_http_cognito_auth_flights_t *fl, u_char *key)
{
    time_t                                now;
    ngx_queue_t                          *q;
    ngx_rbtree_key_t                      k;
    ngx_rbtree_node_t                    *node, *sentinel;
    ngx_http_cognito_auth_flight_node_t  *fn;

    now = ngx_time();

    while (!ngx_queue_empty(&fl->queue)) {
        q = ngx_queue_head(&fl->queue);
        fn = ngx_queue_data(q, ngx_http_cognito_auth_flight_node_t, queue);

        if (fn->expires > now) {
            break;
        }

        ngx_http_cognito_auth_flight_free_locked(zctx, fl, fn);
    }

    ngx_memcpy(&k, key, sizeof(ngx_rbtree_key_t));

    node = fl->tree.root;
    sentinel = fl->tree.sentinel;

    while (node != sentinel) {
        if (k != node->key) {
            node = (k < node->key) ? node->left : node->right;
            continue;
        }

        fn = (ngx_http_cognito_auth_flight_node_t *) node;

        if (ngx_memcmp(key, fn->key, COGNITO_DIGEST_LEN) == 0) {
            if (fn->expires > now) {
                return fn;
            }

            /* a leader that never landed, or a result kept long enough */

            ngx_http_cognito_auth_flight_free_locked(zctx, fl, fn);
            return NULL;
        }

        node = (ngx_memcmp(key, fn->key, COGNITO_DIGEST_LEN) < 0)
               ? node->left : node->right;
    }

    return NULL;
}


static void
ngx_http_cognito_auth_flight_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t                    **p;
    ngx_http_cognito_auth_flight_node_t   *fn, *ft;

    fn = (ngx_http_cognito_auth_flight_node_t *) node;

    for ( ;; ) {
        if (node->key != temp->key) {
            p = (node->key < temp->key) ? &temp->left : &temp->right;

        } else {
            ft = (ngx_http_cognito_auth_flight_node_t *) temp;

            p = (ngx_memcmp(fn->key, ft->key, COGNITO_DIGEST_LEN) < 0)
                ? &temp->left : &temp->right;
        }

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}


/* another request's flight: its result (a copy in r's pool), or wait */

static ngx_int_t
ngx_http_cognito_auth_flight_take_locked(ngx_http_request_t *r,
    ngx_http_cognito_auth_flight_node_t *fn, ngx_str_t *sealed)
{
    switch (fn->state) {

    case NGX_HTTP_COGNITO_AUTH_FLYING:
        return NGX_AGAIN;

    case NGX_HTTP_COGNITO_AUTH_LANDED:
        sealed->data = ngx_pnalloc(r->pool, fn->len);
        if (sealed->data == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(sealed->data, fn->sealed, fn->len);
        sealed->len = fn->len;

        return NGX_DONE;

    default: /* NGX_HTTP_COGNITO_AUTH_FAILED */
        return NGX_DECLINED;
    }
}


static void
ngx_http_cognito_auth_flight_free_locked(
    ngx_http_cognito_auth_zone_ctx_t *zctx,
    ngx_http_cognito_auth_flights_t *fl,
    ngx_http_cognito_auth_flight_node_t *fn)
{
    ngx_queue_remove(&fn->queue);
    ngx_rbtree_delete(&fl->tree, &fn->node);

    if (fn->sealed != NULL) {
        ngx_slab_free_locked(zctx->shpool, fn->sealed);
    }

    ngx_slab_free_locked(zctx->shpool, fn);
}


/*
 * The leader's end: the new session's sealed value for the others, or
 * (sealed NULL) its failure.  A result the zone has no room for is no
 * result: the flight is dropped, and the others refresh on their own.
 */

void
ngx_http_cognito_auth_flight_land(ngx_http_request_t *r,
    ngx_http_cognito_auth_flight_t *f, ngx_str_t *sealed)
{
    ngx_http_cognito_auth_flight_end(r->connection->log, f, sealed,
                                     sealed == NULL);
}


/*
 * The leader's request ended before it landed (an error, or its client
 * went away while it waited for keys; one that leaves during the token
 * exchange does not stop the refresh, which lands): its flight is
 * dropped, so that the next request refreshes.  From a pool cleanup: no
 * request to log with.
 */

void
ngx_http_cognito_auth_flight_abandon(ngx_http_cognito_auth_flight_t *f)
{
    ngx_http_cognito_auth_flight_end(ngx_cycle->log, f, NULL, 0);
}


static void
ngx_http_cognito_auth_flight_end(ngx_log_t *log,
    ngx_http_cognito_auth_flight_t *f, ngx_str_t *sealed, ngx_uint_t failed)
{
    u_char                               *p;
    ngx_http_cognito_auth_flights_t      *fl;
    ngx_http_cognito_auth_zone_ctx_t     *zctx;
    ngx_http_cognito_auth_flight_node_t  *fn;

    zctx = f->zctx;

    if (zctx == NULL) {
        return;
    }

    ngx_shmtx_lock(&zctx->shpool->mutex);

    fn = ngx_http_cognito_auth_flight_mine_locked(f, &fl);

    if (fn == NULL) {
        ngx_shmtx_unlock(&zctx->shpool->mutex);
        return;
    }

    if (failed) {
        fn->state = NGX_HTTP_COGNITO_AUTH_FAILED;
        fn->expires = ngx_time() + NGX_HTTP_COGNITO_AUTH_FLIGHT_FAILED;

        ngx_shmtx_unlock(&zctx->shpool->mutex);
        return;
    }

    p = (sealed != NULL) ? ngx_slab_alloc_locked(zctx->shpool, sealed->len)
                         : NULL;

    if (p == NULL) {
        ngx_http_cognito_auth_flight_free_locked(zctx, fl, fn);
        ngx_shmtx_unlock(&zctx->shpool->mutex);

        if (sealed != NULL) {
            ngx_log_error(NGX_LOG_ALERT, log, 0,
                          "cognito auth: cognito_auth_zone is full: a "
                          "refreshed session not shared");
        }

        return;
    }

    ngx_memcpy(p, sealed->data, sealed->len);

    fn->sealed = p;
    fn->len = sealed->len;
    fn->state = NGX_HTTP_COGNITO_AUTH_LANDED;
    fn->expires = ngx_time() + NGX_HTTP_COGNITO_AUTH_FLIGHT_KEEP;

    /* oldest first: it goes behind the flights started before it landed */

    ngx_queue_remove(&fn->queue);
    ngx_queue_insert_tail(&fl->queue, &fn->queue);

    ngx_shmtx_unlock(&zctx->shpool->mutex);
}


/*
 * This leader's flight, still there (not expired and taken over by
 * another leader); the flight is no longer the request's to land
 */

static ngx_http_cognito_auth_flight_node_t *
ngx_http_cognito_auth_flight_mine_locked(ngx_http_cognito_auth_flight_t *f,
    ngx_http_cognito_auth_flights_t **pfl)
{
    ngx_http_cognito_auth_flights_t      *fl;
    ngx_http_cognito_auth_zone_ctx_t     *zctx;
    ngx_http_cognito_auth_flight_node_t  *fn;

    zctx = f->zctx;
    f->zctx = NULL;

    fl = zctx->sh->flights;
    *pfl = fl;

    fn = ngx_http_cognito_auth_flight_lookup_locked(zctx, fl, f->key);

    if (fn == NULL || fn->id != f->id
        || fn->state != NGX_HTTP_COGNITO_AUTH_FLYING)
    {
        return NULL;
    }

    return fn;
}
