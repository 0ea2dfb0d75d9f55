
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * The verified-token cache (cognito_auth_cache): its directive, and the
 * cache itself: per worker, built when the worker starts, bounded, keyed
 * by the SHA-256 of the token (never its text).  An entry records that the
 * signature and the pool's claims checked out, and holds the parsed token
 * so that a repeated token costs a digest and a lookup instead of an RSA
 * verification; every location still applies its own claim rules and
 * policy.  A stored token is detached from the request's text, which it
 * outlives (cognito_token_detach()).  Entries expire at the token's "exp"
 * and die with the pool's keys.
 *
 * The index is a hash table with a bucket per entry (rounded up to a power
 * of two), indexed by the digest's first bytes: a SHA-256 is uniform, so
 * chains stay short and a lookup touches one bucket and about one entry,
 * where a tree of 1024 entries touched ten scattered nodes.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"


typedef struct ngx_http_cognito_auth_centry_s
    ngx_http_cognito_auth_centry_t;

struct ngx_http_cognito_auth_centry_s {
    ngx_http_cognito_auth_centry_t  *next;    /* in its bucket */
    ngx_queue_t                    queue;     /* LRU, or the free list */
    u_char                         digest[COGNITO_DIGEST_LEN];
    ngx_http_cognito_auth_pool_t  *pool;
    uint64_t                       generation;
    time_t                         expires;
    cognito_token_t               *tok;
};


struct ngx_http_cognito_auth_cache_s {
    ngx_http_cognito_auth_centry_t  **buckets;
    ngx_uint_t                     mask;
    ngx_queue_t                    lru;
    ngx_queue_t                    free;
    ngx_atomic_t                  *hits;      /* in the zone, if any */
    ngx_atomic_t                  *misses;
    ngx_atomic_t                   local[2];
    cognito_digest_t              *digest;
};


static ngx_http_cognito_auth_centry_t **ngx_http_cognito_auth_cache_bucket(
    ngx_http_cognito_auth_cache_t *cache, u_char *digest);
static ngx_http_cognito_auth_centry_t *ngx_http_cognito_auth_cache_find(
    ngx_http_cognito_auth_cache_t *cache, u_char *digest);
static void ngx_http_cognito_auth_cache_drop(
    ngx_http_cognito_auth_cache_t *cache, ngx_http_cognito_auth_centry_t *e);
static void ngx_http_cognito_auth_cache_cleanup(void *data);


/* cognito_auth_cache off | entries; */

char *
ngx_http_cognito_auth_cache_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cognito_auth_main_conf_t *camcf = conf;

    ngx_int_t   n;
    ngx_str_t  *value;

    if (camcf->cache_size != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        camcf->cache_size = 0;
        return NGX_CONF_OK;
    }

    n = ngx_atoi(value[1].data, value[1].len);

    if (n == NGX_ERROR || n == 0 || n > 1000000) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid cognito_auth_cache \"%V\": expected off "
                           "or a number of entries from 1 to 1000000",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    camcf->cache_size = n;

    return NGX_CONF_OK;
}


/*
 * Built in each worker at its start (init_process), all entries at once.
 * When that fails, the worker runs without a cache.
 */

void
ngx_http_cognito_auth_cache_init(ngx_cycle_t *cycle,
    ngx_http_cognito_auth_main_conf_t *camcf)
{
    ngx_uint_t                          i, n;
    ngx_pool_t                         *pool;
    ngx_pool_cleanup_t                 *cln;
    ngx_http_cognito_auth_cache_t      *cache;
    ngx_http_cognito_auth_centry_t     *entries;
    ngx_http_cognito_auth_zone_ctx_t   *zctx;

    if (camcf->cache_size == 0 || camcf->pools.nelts == 0) {
        return;
    }

    pool = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, cycle->log);
    if (pool == NULL) {
        return;
    }

    cache = ngx_pcalloc(pool, sizeof(ngx_http_cognito_auth_cache_t));
    if (cache == NULL) {
        goto failed;
    }

    entries = ngx_pcalloc(pool, camcf->cache_size
                                * sizeof(ngx_http_cognito_auth_centry_t));
    if (entries == NULL) {
        goto failed;
    }

    for (n = 1; n < camcf->cache_size; n <<= 1) { /* void */ }

    cache->buckets = ngx_pcalloc(pool,
                                 n * sizeof(ngx_http_cognito_auth_centry_t *));
    if (cache->buckets == NULL) {
        goto failed;
    }

    cache->mask = n - 1;

    cln = ngx_pool_cleanup_add(pool, 0);
    if (cln == NULL) {
        goto failed;
    }

    cache->digest = cognito_digest_new();
    if (cache->digest == NULL) {
        goto failed;
    }

    cache->hits = &cache->local[0];
    cache->misses = &cache->local[1];

    if (camcf->shm_zone != NULL) {
        zctx = camcf->shm_zone->data;
        cache->hits = &zctx->sh->cache_hits;
        cache->misses = &zctx->sh->cache_misses;
    }

    ngx_queue_init(&cache->lru);
    ngx_queue_init(&cache->free);

    for (i = 0; i < camcf->cache_size; i++) {
        ngx_queue_insert_tail(&cache->free, &entries[i].queue);
    }

    cln->handler = ngx_http_cognito_auth_cache_cleanup;
    cln->data = cache;

    camcf->cache = cache;
    camcf->cache_pool = pool;

    return;

failed:

    ngx_destroy_pool(pool);
}


void
ngx_http_cognito_auth_cache_exit(ngx_http_cognito_auth_main_conf_t *camcf)
{
    if (camcf->cache_pool != NULL) {
        ngx_destroy_pool(camcf->cache_pool);
        camcf->cache_pool = NULL;
        camcf->cache = NULL;
    }
}


/*
 * Looks the token up by its digest, for a location with these pools.
 * NGX_OK: found, *found holds a new reference to the parsed token, its
 * pool and the pool's key generation when it was stored; NGX_DECLINED:
 * not found, digest holds the token's digest for a store; NGX_ABORT: no
 * cache here (off, not built, or no digest).
 */

ngx_int_t
ngx_http_cognito_auth_cache_lookup(ngx_http_request_t *r, ngx_array_t *pools,
    ngx_str_t *token, u_char *digest, ngx_http_cognito_auth_cached_t *found)
{
    ngx_uint_t                        i;
    ngx_http_cognito_auth_pool_t       **pool;
    ngx_http_cognito_auth_cache_t       *cache;
    ngx_http_cognito_auth_centry_t      *e;
    ngx_http_cognito_auth_main_conf_t   *camcf;

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);

    cache = camcf->cache;
    if (cache == NULL) {
        return NGX_ABORT;
    }

    if (cognito_digest(cache->digest, (const char *) token->data, token->len,
                       digest)
        != COGNITO_OK)
    {
        return NGX_ABORT;
    }

    e = ngx_http_cognito_auth_cache_find(cache, digest);

    if (e == NULL) {
        (void) ngx_atomic_fetch_add(cache->misses, 1);
        return NGX_DECLINED;
    }

    if (e->expires <= ngx_time()
        || e->generation != e->pool->generation)
    {
        ngx_http_cognito_auth_cache_drop(cache, e);
        (void) ngx_atomic_fetch_add(cache->misses, 1);
        return NGX_DECLINED;
    }

    pool = pools->elts;

    for (i = 0; i < pools->nelts; i++) {
        if (pool[i] == e->pool) {
            break;
        }
    }

    if (i == pools->nelts) {
        (void) ngx_atomic_fetch_add(cache->misses, 1);
        return NGX_DECLINED;
    }

    ngx_queue_remove(&e->queue);
    ngx_queue_insert_head(&cache->lru, &e->queue);

    (void) ngx_atomic_fetch_add(cache->hits, 1);

    found->tok = cognito_token_ref(e->tok);
    found->pool = e->pool;
    found->generation = e->generation;

    return NGX_OK;
}


/* a token whose signature and claims checked out, under its digest */

void
ngx_http_cognito_auth_cache_store(ngx_http_request_t *r, u_char *digest,
    cognito_token_t *tok, ngx_http_cognito_auth_pool_t *pool)
{
    time_t                               exp;
    ngx_queue_t                         *q;
    ngx_http_cognito_auth_cache_t       *cache;
    ngx_http_cognito_auth_centry_t      *e, **b;
    ngx_http_cognito_auth_main_conf_t   *camcf;

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);

    cache = camcf->cache;
    if (cache == NULL) {
        return;
    }

    exp = cognito_token_exp(tok);

    if (exp <= ngx_time()) {
        return;
    }

    e = ngx_http_cognito_auth_cache_find(cache, digest);
    if (e != NULL) {
        ngx_http_cognito_auth_cache_drop(cache, e);
    }

    if (ngx_queue_empty(&cache->free)) {
        q = ngx_queue_last(&cache->lru);
        e = ngx_queue_data(q, ngx_http_cognito_auth_centry_t, queue);
        ngx_http_cognito_auth_cache_drop(cache, e);
    }

    q = ngx_queue_head(&cache->free);
    ngx_queue_remove(q);

    e = ngx_queue_data(q, ngx_http_cognito_auth_centry_t, queue);

    ngx_memcpy(e->digest, digest, COGNITO_DIGEST_LEN);
    e->pool = pool;
    e->generation = pool->generation;
    e->expires = exp;

    /* the entry outlives the request and its token text */

    cognito_token_detach(tok);
    e->tok = cognito_token_ref(tok);

    b = ngx_http_cognito_auth_cache_bucket(cache, e->digest);
    e->next = *b;
    *b = e;

    ngx_queue_insert_head(&cache->lru, &e->queue);
}


static ngx_http_cognito_auth_centry_t **
ngx_http_cognito_auth_cache_bucket(ngx_http_cognito_auth_cache_t *cache,
    u_char *digest)
{
    uint64_t  key;

    ngx_memcpy(&key, digest, sizeof(uint64_t));

    return &cache->buckets[key & cache->mask];
}


static ngx_http_cognito_auth_centry_t *
ngx_http_cognito_auth_cache_find(ngx_http_cognito_auth_cache_t *cache,
    u_char *digest)
{
    ngx_http_cognito_auth_centry_t  *e;

    for (e = *ngx_http_cognito_auth_cache_bucket(cache, digest);
         e != NULL;
         e = e->next)
    {
        if (ngx_memcmp(e->digest, digest, COGNITO_DIGEST_LEN) == 0) {
            return e;
        }
    }

    return NULL;
}


static void
ngx_http_cognito_auth_cache_drop(ngx_http_cognito_auth_cache_t *cache,
    ngx_http_cognito_auth_centry_t *e)
{
    ngx_http_cognito_auth_centry_t  **p;

    for (p = ngx_http_cognito_auth_cache_bucket(cache, e->digest);
         *p != NULL;
         p = &(*p)->next)
    {
        if (*p == e) {
            *p = e->next;
            break;
        }
    }

    e->next = NULL;

    ngx_queue_remove(&e->queue);

    cognito_token_free(e->tok);
    e->tok = NULL;

    ngx_queue_insert_head(&cache->free, &e->queue);
}


static void
ngx_http_cognito_auth_cache_cleanup(void *data)
{
    ngx_http_cognito_auth_cache_t *cache = data;

    ngx_queue_t                     *q;
    ngx_http_cognito_auth_centry_t  *e;

    cognito_digest_free(cache->digest);

    while (!ngx_queue_empty(&cache->lru)) {
        q = ngx_queue_head(&cache->lru);
        e = ngx_queue_data(q, ngx_http_cognito_auth_centry_t, queue);

        ngx_queue_remove(q);
        cognito_token_free(e->tok);
        e->tok = NULL;
    }
}
