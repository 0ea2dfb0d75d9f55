
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * The verified-token cache (cognito_auth_cache): its directive, its shared
 * zone and each worker's front.  An entry records that a token's signature
 * checked out with a pool's keys of one generation; every location still
 * applies its own claim rules, revocation and policy to a cached token.
 *
 * Two levels:
 *
 *   - the zone (zone=name:size), shared by all workers and kept across
 *     reloads: per token a compact entry (the pool's identity, the keys'
 *     generation, exp, and the token's bytes), in a hash table and an LRU
 *     under the slab mutex; a full zone evicts its least recently used
 *     entries.  No parsed token lives there: a worker that finds a token
 *     in the zone parses it again (no signature check) into its front;
 *
 *   - the front, per worker: an LRU of parsed tokens (with a copy of their
 *     bytes), built when the worker starts.  Without a zone it is the whole
 *     cache, as the "cognito_auth_cache N" form has always been.  With a
 *     zone, a token enters it only when the worker meets it again soon
 *     (ngx_http_cognito_auth_cache_admit()), so that a token seen once
 *     does not push out one that comes back all the time.
 *
 * Both are keyed alike: a hash of the token's last bytes picks a bucket
 * (ngx_http_cognito_auth_cache_hash()), and an entry matches only a token
 * of the same length and the very same bytes, so nothing but that token
 * finds it.  Entries die at the token's "exp" and when the pool's keys
 * change (their generation, checked by the handler once the keys are
 * known); a stored token is detached from the request's text, which it
 * outlives (cognito_token_detach()).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"


/* the token's bytes the bucket is picked by */
#define NGX_HTTP_COGNITO_AUTH_CACHE_TAIL   16

/* the zone's hash table: a bucket per this many bytes of zone */
#define NGX_HTTP_COGNITO_AUTH_CACHE_SPAN   1024


/*
 * The cache zone's tag, not the module's (cognito_auth_zone's): nginx
 * hands a zone's old data to the new init_zone after a reload only when
 * the name, the size and the tag match, so a zone renamed from one kind
 * to the other starts afresh instead of being read as the other's.
 */
static const char  ngx_http_cognito_auth_cache_tag[] = "cognito_auth_cache";


typedef struct ngx_http_cognito_auth_centry_s
    ngx_http_cognito_auth_centry_t;

/* a front entry, per worker */
struct ngx_http_cognito_auth_centry_s {
    ngx_http_cognito_auth_centry_t  *next;    /* in its bucket */
    ngx_queue_t                    queue;     /* LRU, or the free list */
    uint32_t                       hash;
    size_t                         len;
    u_char                        *token;     /* ngx_alloc()ed copy */
    ngx_http_cognito_auth_pool_t  *pool;
    uint64_t                       generation;
    time_t                         expires;
    cognito_token_t               *tok;
};


/*
 * A zone entry: 36 bytes and the token's.  The slab rounds a chunk up to a
 * power of two, so a token of up to 988 bytes (a Cognito access token is
 * about 830) takes 1 KiB, up to 2,012 bytes 2 KiB.  To stay that small,
 * entries link to each other by their 32-bit offsets in the zone (0: none;
 * the slab's own header is at 0) rather than by pointers, "exp" is kept in
 * 32 bits (cognito_token_exp() caps it far below 2106), and the hash is
 * not kept: its bytes, the token's last, are compared first.
 */
typedef struct {
    uint64_t                       pool;      /* the pool's identity */
    uint64_t                       generation;
    uint32_t                       next;      /* in its bucket */
    uint32_t                       newer;     /* the zone's LRU */
    uint32_t                       older;
    uint32_t                       expires;
    uint32_t                       len;
    u_char                         token[1];
} ngx_http_cognito_auth_snode_t;


/* the zone's header, at the start of its slab */
typedef struct {
    uint32_t                      *buckets;   /* offsets of entries */
    ngx_uint_t                     mask;
    uint32_t                       newest;    /* the LRU's ends */
    uint32_t                       oldest;
    ngx_atomic_t                   entries;
    ngx_atomic_t                   evictions;
} ngx_http_cognito_auth_cache_sh_t;


typedef struct {
    ngx_http_cognito_auth_cache_sh_t  *sh;
    ngx_slab_pool_t                   *shpool;
    ngx_uint_t                         pages;   /* the slab's, in all */
} ngx_http_cognito_auth_cache_zone_t;


/* an entry of the zone by its offset, and back */
#define ngx_http_cognito_auth_snode(zone, off)                               \
    ((ngx_http_cognito_auth_snode_t *) ((u_char *) (zone)->shpool + (off)))
#define ngx_http_cognito_auth_soff(zone, node)                               \
    ((uint32_t) ((u_char *) (node) - (u_char *) (zone)->shpool))


struct ngx_http_cognito_auth_cache_s {
    ngx_http_cognito_auth_centry_t  **buckets;
    ngx_uint_t                     mask;
    ngx_queue_t                    lru;
    ngx_queue_t                    free;
    ngx_atomic_t                  *hits;      /* in the zone, if any */
    ngx_atomic_t                  *misses;
    ngx_atomic_t                  *shared_hits;
    ngx_atomic_t                   local[3];
    uint32_t                      *seen;      /* zone only: the hashes of
                                                 tokens met once, 2 a set */
    ngx_uint_t                     seen_mask;
    uint64_t                      *ids;       /* the pools' identities */
    ngx_http_cognito_auth_pool_t  *all;       /* the pools, ids' order */
    ngx_http_cognito_auth_cache_zone_t  *zone;      /* NULL: front only */
};


static char *ngx_http_cognito_auth_cache_zone(ngx_conf_t *cf,
    ngx_http_cognito_auth_main_conf_t *camcf, ngx_str_t *value);
static ngx_int_t ngx_http_cognito_auth_cache_init_zone(
    ngx_shm_zone_t *shm_zone, void *data);
static ngx_int_t ngx_http_cognito_auth_cache_ids(
    ngx_http_cognito_auth_main_conf_t *camcf,
    ngx_http_cognito_auth_cache_t *cache, ngx_pool_t *pool);
static uint32_t ngx_http_cognito_auth_cache_hash(ngx_str_t *token);
static ngx_http_cognito_auth_centry_t **ngx_http_cognito_auth_cache_bucket(
    ngx_http_cognito_auth_cache_t *cache, uint32_t hash);
static ngx_http_cognito_auth_centry_t *ngx_http_cognito_auth_cache_find(
    ngx_http_cognito_auth_cache_t *cache, ngx_str_t *token, uint32_t hash);
static ngx_int_t ngx_http_cognito_auth_cache_front(
    ngx_http_cognito_auth_cache_t *cache, ngx_str_t *token, uint32_t hash,
    cognito_token_t *tok, ngx_http_cognito_auth_pool_t *pool,
    uint64_t generation);
static void ngx_http_cognito_auth_cache_drop(
    ngx_http_cognito_auth_cache_t *cache, ngx_http_cognito_auth_centry_t *e);
static ngx_uint_t ngx_http_cognito_auth_cache_admit(
    ngx_http_cognito_auth_cache_t *cache, uint32_t hash);
static ngx_int_t ngx_http_cognito_auth_cache_shared(ngx_http_request_t *r,
    ngx_http_cognito_auth_cache_t *cache, ngx_array_t *pools,
    ngx_str_t *token, uint32_t hash, ngx_http_cognito_auth_cached_t *found);
static ngx_http_cognito_auth_pool_t *ngx_http_cognito_auth_cache_pool(
    ngx_http_cognito_auth_cache_t *cache, ngx_array_t *pools, uint64_t id);
static ngx_http_cognito_auth_snode_t *ngx_http_cognito_auth_cache_sfind(
    ngx_http_cognito_auth_cache_zone_t *zone, ngx_str_t *token,
    uint32_t hash);
static void ngx_http_cognito_auth_cache_unlink(
    ngx_http_cognito_auth_cache_zone_t *zone,
    ngx_http_cognito_auth_snode_t *node);
static void ngx_http_cognito_auth_cache_newest(
    ngx_http_cognito_auth_cache_zone_t *zone,
    ngx_http_cognito_auth_snode_t *node);
static void ngx_http_cognito_auth_cache_share(
    ngx_http_cognito_auth_cache_t *cache, ngx_str_t *token, uint32_t hash,
    ngx_http_cognito_auth_pool_t *pool, time_t expires);
static ngx_http_cognito_auth_snode_t *ngx_http_cognito_auth_cache_salloc(
    ngx_http_cognito_auth_cache_zone_t *zone, size_t size);
static void ngx_http_cognito_auth_cache_sdrop(
    ngx_http_cognito_auth_cache_zone_t *zone,
    ngx_http_cognito_auth_snode_t *node);
static void ngx_http_cognito_auth_cache_cleanup(void *data);


/*
 * cognito_auth_cache off | entries | zone=name:size [front=entries];
 */

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

    if (ngx_strncmp(value[1].data, "zone=", 5) == 0) {
        return ngx_http_cognito_auth_cache_zone(cf, camcf, value);
    }

    if (cf->args->nelts > 2) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\": only "
                           "cognito_auth_cache zone= takes a second one",
                           &value[2]);
        return NGX_CONF_ERROR;
    }

    if (ngx_strcmp(value[1].data, "off") == 0) {
        camcf->cache_size = 0;
        return NGX_CONF_OK;
    }

    n = ngx_atoi(value[1].data, value[1].len);

    if (n == NGX_ERROR || n == 0 || n > 1000000) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid cognito_auth_cache \"%V\": expected off, "
                           "a number of entries from 1 to 1000000, or "
                           "zone=name:size [front=entries]", &value[1]);
        return NGX_CONF_ERROR;
    }

    camcf->cache_size = n;

    return NGX_CONF_OK;
}


static char *
ngx_http_cognito_auth_cache_zone(ngx_conf_t *cf,
    ngx_http_cognito_auth_main_conf_t *camcf, ngx_str_t *value)
{
    u_char                              *p;
    ssize_t                              size;
    ngx_int_t                            n;
    ngx_str_t                            name, s;
    ngx_shm_zone_t                      *shm_zone;
    ngx_http_cognito_auth_cache_zone_t  *zone;

    name.data = value[1].data + 5;
    name.len = value[1].len - 5;

    p = ngx_strlchr(name.data, name.data + name.len, ':');

    if (p == NULL || p == name.data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid cognito_auth_cache \"%V\": expected "
                           "zone=name:size", &value[1]);
        return NGX_CONF_ERROR;
    }

    s.data = p + 1;
    s.len = name.data + name.len - s.data;
    name.len = p - name.data;

    size = ngx_parse_size(&s);

    if (size == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid cognito_auth_cache zone size \"%V\"",
                           &s);
        return NGX_CONF_ERROR;
    }

    if ((uint64_t) size > 0xffffffff) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cognito_auth_cache zone \"%V\" is too large: "
                           "%V, at most 4095m", &name, &s);
        return NGX_CONF_ERROR;
    }

    if (size < (ssize_t) (16 * ngx_pagesize)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cognito_auth_cache zone \"%V\" is too small: "
                           "%V, at least %uzk", &name, &s,
                           16 * ngx_pagesize / 1024);
        return NGX_CONF_ERROR;
    }

    camcf->cache_size = NGX_HTTP_COGNITO_AUTH_CACHE_SIZE;

    if (cf->args->nelts > 2) {
        n = NGX_ERROR;

        if (ngx_strncmp(value[2].data, "front=", 6) == 0) {
            n = ngx_atoi(value[2].data + 6, value[2].len - 6);
        }

        if (n == NGX_ERROR || n == 0 || n > 1000000) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid cognito_auth_cache \"%V\": expected "
                               "front=entries, from 1 to 1000000",
                               &value[2]);
            return NGX_CONF_ERROR;
        }

        camcf->cache_size = n;
    }

    zone = ngx_pcalloc(cf->pool, sizeof(ngx_http_cognito_auth_cache_zone_t));
    if (zone == NULL) {
        return NGX_CONF_ERROR;
    }

    shm_zone = ngx_shared_memory_add(cf, &name, size,
                                     (void *) ngx_http_cognito_auth_cache_tag);
    if (shm_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (shm_zone->data != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate zone \"%V\"", &name);
        return NGX_CONF_ERROR;
    }

    shm_zone->init = ngx_http_cognito_auth_cache_init_zone;
    shm_zone->data = zone;

    camcf->cache_zone = shm_zone;

    return NGX_CONF_OK;
}


/*
 * As limit_req's: a reload with the same name and size keeps the zone
 * and its entries (old and new workers share them meanwhile).
 */

static ngx_int_t
ngx_http_cognito_auth_cache_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_cognito_auth_cache_zone_t  *ozone = data;

    size_t                               len;
    ngx_uint_t                           n;
    ngx_http_cognito_auth_cache_sh_t    *sh;
    ngx_http_cognito_auth_cache_zone_t  *zone;

    zone = shm_zone->data;
    zone->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;
    zone->pages = (zone->shpool->end - zone->shpool->start) / ngx_pagesize;

    if (ozone != NULL) {
        zone->sh = ozone->sh;
        return NGX_OK;
    }

    if (shm_zone->shm.exists) {
        zone->sh = zone->shpool->data;
        return NGX_OK;
    }

    sh = ngx_slab_calloc(zone->shpool,
                         sizeof(ngx_http_cognito_auth_cache_sh_t));
    if (sh == NULL) {
        return NGX_ERROR;
    }

    for (n = 8; n * 2 * NGX_HTTP_COGNITO_AUTH_CACHE_SPAN <= shm_zone->shm.size;
         n <<= 1)
    { /* void */ }

    sh->buckets = ngx_slab_calloc(zone->shpool, n * sizeof(uint32_t));
    if (sh->buckets == NULL) {
        return NGX_ERROR;
    }

    sh->mask = n - 1;

    zone->sh = sh;
    zone->shpool->data = sh;

    len = sizeof(" in cognito_auth_cache zone \"\"") + shm_zone->shm.name.len;

    zone->shpool->log_ctx = ngx_slab_alloc(zone->shpool, len);
    if (zone->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(zone->shpool->log_ctx, " in cognito_auth_cache zone \"%V\"%Z",
                &shm_zone->shm.name);

    /* a full zone evicts: no "no memory" alerts for it */
    zone->shpool->log_nomem = 0;

    return NGX_OK;
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

    if (camcf->cache_zone != NULL) {
        if (ngx_http_cognito_auth_cache_ids(camcf, cache, pool) != NGX_OK) {
            goto failed;
        }

        cache->zone = camcf->cache_zone->data;

        /* as many hashes as the front has buckets, 2 a set */

        cache->seen = ngx_pcalloc(pool, ngx_max(n, 2) * sizeof(uint32_t));
        if (cache->seen == NULL) {
            goto failed;
        }

        cache->seen_mask = ngx_max(n, 2) / 2 - 1;
    }

    cache->hits = &cache->local[0];
    cache->misses = &cache->local[1];
    cache->shared_hits = &cache->local[2];

    if (camcf->shm_zone != NULL) {
        zctx = camcf->shm_zone->data;
        cache->hits = &zctx->sh->cache_hits;
        cache->misses = &zctx->sh->cache_misses;
        cache->shared_hits = &zctx->sh->cache_shared_hits;
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


/*
 * A pool's identity in the zone: the first 8 bytes of the SHA-256 of its
 * key (name, pool id, JWKS location, issuer), so that the same pool is
 * found again after a reload and another pool never takes its entries.
 * Computed once per worker; the request path never hashes with SHA-256.
 */

static ngx_int_t
ngx_http_cognito_auth_cache_ids(ngx_http_cognito_auth_main_conf_t *camcf,
    ngx_http_cognito_auth_cache_t *cache, ngx_pool_t *pool)
{
    u_char                         md[COGNITO_DIGEST_LEN];
    ngx_int_t                      rc;
    ngx_uint_t                     i;
    cognito_digest_t              *d;
    ngx_http_cognito_auth_pool_t  *p;

    cache->ids = ngx_palloc(pool, camcf->pools.nelts * sizeof(uint64_t));
    if (cache->ids == NULL) {
        return NGX_ERROR;
    }

    d = cognito_digest_new();
    if (d == NULL) {
        return NGX_ERROR;
    }

    rc = NGX_OK;
    p = camcf->pools.elts;
    cache->all = p;

    for (i = 0; i < camcf->pools.nelts; i++) {
        if (cognito_digest(d, (const char *) p[i].key, p[i].key_len, md)
            != COGNITO_OK)
        {
            rc = NGX_ERROR;
            break;
        }

        ngx_memcpy(&cache->ids[i], md, sizeof(uint64_t));
    }

    cognito_digest_free(d);

    return rc;
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
 * Looks the token up, for a location with these pools: in the front, then
 * in the zone.  NGX_OK: found, *found holds a new reference to the parsed
 * token, its pool and the generation of the keys that verified it (the
 * caller compares it with the pool's once it has the keys); NGX_DECLINED:
 * not found, *hash is the token's for a store; NGX_ABORT: no cache here.
 */

ngx_int_t
ngx_http_cognito_auth_cache_lookup(ngx_http_request_t *r, ngx_array_t *pools,
    ngx_str_t *token, uint32_t *hash, ngx_http_cognito_auth_cached_t *found)
{
    ngx_uint_t                           i;
    ngx_http_cognito_auth_pool_t       **pool;
    ngx_http_cognito_auth_cache_t       *cache;
    ngx_http_cognito_auth_centry_t      *e;
    ngx_http_cognito_auth_main_conf_t   *camcf;

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);

    cache = camcf->cache;
    if (cache == NULL) {
        return NGX_ABORT;
    }

    *hash = ngx_http_cognito_auth_cache_hash(token);

    e = ngx_http_cognito_auth_cache_find(cache, token, *hash);

    if (e != NULL
        && (e->expires <= ngx_time()
            || e->generation != e->pool->generation))
    {
        ngx_http_cognito_auth_cache_drop(cache, e);
        e = NULL;
    }

    if (e != NULL) {
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

        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "cognito auth: cache hit in the worker's front");

        found->tok = cognito_token_ref(e->tok);
        found->pool = e->pool;
        found->generation = e->generation;

        return NGX_OK;
    }

    if (cache->zone != NULL
        && ngx_http_cognito_auth_cache_shared(r, cache, pools, token, *hash,
                                              found)
           == NGX_OK)
    {
        (void) ngx_atomic_fetch_add(cache->hits, 1);
        (void) ngx_atomic_fetch_add(cache->shared_hits, 1);
        return NGX_OK;
    }

    (void) ngx_atomic_fetch_add(cache->misses, 1);

    return NGX_DECLINED;
}


/*
 * The token in the zone, for one of these pools: parsed again here (the
 * zone holds bytes only; its signature is not checked again) with the
 * pool's own algs= list, as a reload may have changed it; then kept in
 * the front.
 */

static ngx_int_t
ngx_http_cognito_auth_cache_shared(ngx_http_request_t *r,
    ngx_http_cognito_auth_cache_t *cache, ngx_array_t *pools,
    ngx_str_t *token, uint32_t hash, ngx_http_cognito_auth_cached_t *found)
{
    uint64_t                             id, generation;
    cognito_err_t                        err;
    cognito_token_t                     *tok;
    ngx_http_cognito_auth_pool_t        *pool;
    ngx_http_cognito_auth_snode_t       *node;
    ngx_http_cognito_auth_cache_zone_t  *zone;

    zone = cache->zone;
    pool = NULL;
    generation = 0;

    ngx_shmtx_lock(&zone->shpool->mutex);

    node = ngx_http_cognito_auth_cache_sfind(zone, token, hash);

    if (node != NULL && (time_t) node->expires <= ngx_time()) {
        ngx_http_cognito_auth_cache_sdrop(zone, node);
        node = NULL;
    }

    if (node != NULL) {
        id = node->pool;
        pool = ngx_http_cognito_auth_cache_pool(cache, pools, id);

        if (pool != NULL) {
            generation = node->generation;
            ngx_http_cognito_auth_cache_unlink(zone, node);
            ngx_http_cognito_auth_cache_newest(zone, node);
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    if (pool == NULL) {
        return NGX_DECLINED;
    }

    /*
     * Its signature checked out when it was stored: parsed with the
     * pool's own algs= (a reload may have changed them), its claims read,
     * its signature neither decoded nor kept.
     */

    if (cognito_token_parse_verified((const char *) token->data, token->len,
                                     pool->algs, &tok, &err)
        != COGNITO_OK)
    {
        return NGX_DECLINED;
    }

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "cognito auth: cache hit in the shared zone");

    found->pool = pool;
    found->generation = generation;

    if (!ngx_http_cognito_auth_cache_admit(cache, hash)) {
        /* not met lately: the parse is the request's, freed with it */
        found->tok = tok;
        return NGX_OK;
    }

    /* the front keeps or frees tok */

    if (ngx_http_cognito_auth_cache_front(cache, token, hash, tok, pool,
                                          generation)
        != NGX_OK)
    {
        return NGX_DECLINED;
    }

    found->tok = cognito_token_ref(tok);

    return NGX_OK;
}


/* the location's pool with this identity, if any */

static ngx_http_cognito_auth_pool_t *
ngx_http_cognito_auth_cache_pool(ngx_http_cognito_auth_cache_t *cache,
    ngx_array_t *pools, uint64_t id)
{
    ngx_uint_t                      i;
    ngx_http_cognito_auth_pool_t  **pool;

    pool = pools->elts;

    for (i = 0; i < pools->nelts; i++) {
        if (cache->ids[pool[i] - cache->all] == id) {
            return pool[i];
        }
    }

    return NULL;
}


/*
 * A token whose signature and claims checked out: into the front, and
 * into the zone for the other workers.  A zone that cannot take it is
 * never the request's failure.
 */

void
ngx_http_cognito_auth_cache_store(ngx_http_request_t *r, uint32_t hash,
    ngx_str_t *token, cognito_token_t *tok, ngx_http_cognito_auth_pool_t *pool)
{
    time_t                               exp;
    ngx_http_cognito_auth_cache_t       *cache;
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

    /* the entry outlives the request and its token text */

    cognito_token_detach(tok);

    if (cache->zone == NULL
        || ngx_http_cognito_auth_cache_admit(cache, hash))
    {
        (void) ngx_http_cognito_auth_cache_front(cache, token, hash,
                                                 cognito_token_ref(tok), pool,
                                                 pool->generation);
    }

    if (cache->zone != NULL) {
        ngx_http_cognito_auth_cache_share(cache, token, hash, pool, exp);
    }
}


/* takes the reference to tok, kept or freed */

static ngx_int_t
ngx_http_cognito_auth_cache_front(ngx_http_cognito_auth_cache_t *cache,
    ngx_str_t *token, uint32_t hash, cognito_token_t *tok,
    ngx_http_cognito_auth_pool_t *pool, uint64_t generation)
{
    u_char                           *copy;
    time_t                            exp;
    ngx_queue_t                      *q;
    ngx_http_cognito_auth_centry_t   *e, **b;

    exp = cognito_token_exp(tok);

    copy = ngx_alloc(token->len, ngx_cycle->log);
    if (copy == NULL) {
        cognito_token_free(tok);
        return NGX_ERROR;
    }

    ngx_memcpy(copy, token->data, token->len);

    e = ngx_http_cognito_auth_cache_find(cache, token, hash);
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

    e->hash = hash;
    e->len = token->len;
    e->token = copy;
    e->pool = pool;
    e->generation = generation;
    e->expires = exp;
    e->tok = tok;

    b = ngx_http_cognito_auth_cache_bucket(cache, hash);
    e->next = *b;
    *b = e;

    ngx_queue_insert_head(&cache->lru, &e->queue);

    return NGX_OK;
}


/*
 * The bucket key: murmur2 of the token's last 16 bytes.  For any token the
 * cache can hold (RS256 or stronger, verified) they are signature
 * characters: 16 of at least 342 base64url characters of an RSA signature,
 * 94 bits that no one can choose without the pool's private key, so valid
 * tokens spread evenly over the buckets, and hashing them costs a few
 * nanoseconds where a SHA-256 of the whole token cost a microsecond.  The
 * hash only picks the bucket: an entry matches only the same bytes, so a
 * forged token with the same tail (the same hash) shares a bucket with a
 * cached token but never its entry.  Forged tokens are never stored, so
 * they cannot lengthen a chain either.
 */

static uint32_t
ngx_http_cognito_auth_cache_hash(ngx_str_t *token)
{
    size_t  n;

    n = ngx_min(token->len, NGX_HTTP_COGNITO_AUTH_CACHE_TAIL);

    return ngx_murmur_hash2(token->data + token->len - n, n);
}


static ngx_http_cognito_auth_centry_t **
ngx_http_cognito_auth_cache_bucket(ngx_http_cognito_auth_cache_t *cache,
    uint32_t hash)
{
    return &cache->buckets[hash & cache->mask];
}


static ngx_http_cognito_auth_centry_t *
ngx_http_cognito_auth_cache_find(ngx_http_cognito_auth_cache_t *cache,
    ngx_str_t *token, uint32_t hash)
{
    ngx_http_cognito_auth_centry_t  *e;

    for (e = *ngx_http_cognito_auth_cache_bucket(cache, hash);
         e != NULL;
         e = e->next)
    {
        if (e->hash == hash && e->len == token->len
            && ngx_memcmp(e->token, token->data, token->len) == 0)
        {
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

    for (p = ngx_http_cognito_auth_cache_bucket(cache, e->hash);
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

    ngx_free(e->token);
    e->token = NULL;

    ngx_queue_insert_head(&cache->free, &e->queue);
}


/*
 * With a zone, whether a token the worker meets outside its front enters
 * it: only when its hash is among those of tokens met once lately (then
 * it is forgotten there), else it is remembered, in place of the older
 * of its set's two.  In a mix where a few tokens come back all the time
 * and many come once in a long while (users' requests), the front then
 * keeps the former, instead of taking every token met and evicting the
 * least recently used: with bench/run's mix Z (100,000 tokens drawn by
 * Zipf, s = 1) and front=1024, 64 % of the hits are in the front instead
 * of 55 %, and most of the others cost a parse only, without an eviction
 * (measured on one worker: 0.82 x the worker's time per request).  A
 * token the front does not take costs one parse more (it is in the zone),
 * never a verification.  The hash only decides where a token's parse is
 * kept: 0 or another token's hash admits a token sooner, no more.
 */

static ngx_uint_t
ngx_http_cognito_auth_cache_admit(ngx_http_cognito_auth_cache_t *cache,
    uint32_t hash)
{
    uint32_t  *set;

    set = &cache->seen[(hash & cache->seen_mask) * 2];

    if (set[0] == hash || set[1] == hash) {
        if (set[0] == hash) {
            set[0] = set[1];
        }

        set[1] = 0;

        return 1;
    }

    set[1] = set[0];
    set[0] = hash;

    return 0;
}


/* the caller holds the zone's lock */

static ngx_http_cognito_auth_snode_t *
ngx_http_cognito_auth_cache_sfind(ngx_http_cognito_auth_cache_zone_t *zone,
    ngx_str_t *token, uint32_t hash)
{
    size_t                          tail;
    uint32_t                        off;
    ngx_http_cognito_auth_snode_t  *node;

    /* the signature's end first: where two tokens differ at once */

    tail = token->len - ngx_min(token->len, NGX_HTTP_COGNITO_AUTH_CACHE_TAIL);

    for (off = zone->sh->buckets[hash & zone->sh->mask];
         off != 0;
         off = node->next)
    {
        node = ngx_http_cognito_auth_snode(zone, off);

        if (node->len == token->len
            && ngx_memcmp(node->token + tail, token->data + tail,
                          token->len - tail) == 0
            && ngx_memcmp(node->token, token->data, tail) == 0)
        {
            return node;
        }
    }

    return NULL;
}


/* out of the zone's LRU; the caller holds the lock */

static void
ngx_http_cognito_auth_cache_unlink(ngx_http_cognito_auth_cache_zone_t *zone,
    ngx_http_cognito_auth_snode_t *node)
{
    if (node->newer != 0) {
        ngx_http_cognito_auth_snode(zone, node->newer)->older = node->older;

    } else {
        zone->sh->newest = node->older;
    }

    if (node->older != 0) {
        ngx_http_cognito_auth_snode(zone, node->older)->newer = node->newer;

    } else {
        zone->sh->oldest = node->newer;
    }
}


/* at the LRU's recent end; the caller holds the lock */

static void
ngx_http_cognito_auth_cache_newest(ngx_http_cognito_auth_cache_zone_t *zone,
    ngx_http_cognito_auth_snode_t *node)
{
    uint32_t  off;

    off = ngx_http_cognito_auth_soff(zone, node);

    node->newer = 0;
    node->older = zone->sh->newest;

    if (zone->sh->newest != 0) {
        ngx_http_cognito_auth_snode(zone, zone->sh->newest)->newer = off;

    } else {
        zone->sh->oldest = off;
    }

    zone->sh->newest = off;
}


/*
 * Into the zone, or its entry renewed.  The lock is held for a lookup, a
 * copy of the token and, when the zone is full, the least recently used
 * entries' removal; an expired entry at the LRU's end goes first.
 */

static void
ngx_http_cognito_auth_cache_share(ngx_http_cognito_auth_cache_t *cache,
    ngx_str_t *token, uint32_t hash, ngx_http_cognito_auth_pool_t *pool,
    time_t expires)
{
    uint32_t                            *b;
    uint64_t                             id;
    ngx_http_cognito_auth_snode_t       *node;
    ngx_http_cognito_auth_cache_zone_t  *zone;

    id = cache->ids[pool - cache->all];
    zone = cache->zone;

    ngx_shmtx_lock(&zone->shpool->mutex);

    node = ngx_http_cognito_auth_cache_sfind(zone, token, hash);

    if (node == NULL) {
        if (zone->sh->oldest != 0) {
            node = ngx_http_cognito_auth_snode(zone, zone->sh->oldest);

            if ((time_t) node->expires <= ngx_time()) {
                ngx_http_cognito_auth_cache_sdrop(zone, node);
            }
        }

        node = ngx_http_cognito_auth_cache_salloc(zone,
                   offsetof(ngx_http_cognito_auth_snode_t, token) + token->len);

        if (node == NULL) {
            ngx_shmtx_unlock(&zone->shpool->mutex);
            return;
        }

        node->len = token->len;
        ngx_memcpy(node->token, token->data, token->len);

        b = &zone->sh->buckets[hash & zone->sh->mask];
        node->next = *b;
        *b = ngx_http_cognito_auth_soff(zone, node);

        zone->sh->entries++;

    } else {
        ngx_http_cognito_auth_cache_unlink(zone, node);
    }

    node->pool = id;
    node->generation = pool->generation;
    node->expires = (uint32_t) ngx_min(expires, (time_t) 0xffffffff);

    ngx_http_cognito_auth_cache_newest(zone, node);

    ngx_shmtx_unlock(&zone->shpool->mutex);
}


/* a chunk of the zone, evicting the least recently used until it fits */

static ngx_http_cognito_auth_snode_t *
ngx_http_cognito_auth_cache_salloc(ngx_http_cognito_auth_cache_zone_t *zone,
    size_t size)
{
    ngx_http_cognito_auth_snode_t  *node;

    for ( ;; ) {
        node = ngx_slab_alloc_locked(zone->shpool, size);

        if (node != NULL || zone->sh->oldest == 0) {
            return node;
        }

        node = ngx_http_cognito_auth_snode(zone, zone->sh->oldest);

        ngx_http_cognito_auth_cache_sdrop(zone, node);
        zone->sh->evictions++;
    }
}


/* the caller holds the zone's lock */

static void
ngx_http_cognito_auth_cache_sdrop(ngx_http_cognito_auth_cache_zone_t *zone,
    ngx_http_cognito_auth_snode_t *node)
{
    uint32_t                        off, hash, *p;
    ngx_str_t                       token;
    ngx_http_cognito_auth_snode_t  *n;

    off = ngx_http_cognito_auth_soff(zone, node);

    token.data = node->token;
    token.len = node->len;
    hash = ngx_http_cognito_auth_cache_hash(&token);

    for (p = &zone->sh->buckets[hash & zone->sh->mask];
         *p != 0;
         p = &n->next)
    {
        if (*p == off) {
            *p = node->next;
            break;
        }

        n = ngx_http_cognito_auth_snode(zone, *p);
    }

    ngx_http_cognito_auth_cache_unlink(zone, node);

    zone->sh->entries--;

    ngx_slab_free_locked(zone->shpool, node);
}


/* the zone's figures for the metrics: NGX_DECLINED without a zone */

ngx_int_t
ngx_http_cognito_auth_cache_stats(ngx_http_cognito_auth_main_conf_t *camcf,
    ngx_http_cognito_auth_cache_stats_t *stats)
{
    ngx_http_cognito_auth_cache_zone_t  *zone;

    if (camcf->cache_zone == NULL) {
        return NGX_DECLINED;
    }

    zone = camcf->cache_zone->data;

    ngx_shmtx_lock(&zone->shpool->mutex);

    stats->entries = zone->sh->entries;
    stats->evictions = zone->sh->evictions;
    stats->bytes = (zone->pages - zone->shpool->pfree) * ngx_pagesize;
    stats->size = zone->pages * ngx_pagesize;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return NGX_OK;
}


static void
ngx_http_cognito_auth_cache_cleanup(void *data)
{
    ngx_http_cognito_auth_cache_t *cache = data;

    ngx_queue_t                     *q;
    ngx_http_cognito_auth_centry_t  *e;

    while (!ngx_queue_empty(&cache->lru)) {
        q = ngx_queue_head(&cache->lru);
        e = ngx_queue_data(q, ngx_http_cognito_auth_centry_t, queue);

        ngx_queue_remove(q);
        cognito_token_free(e->tok);
        e->tok = NULL;
        ngx_free(e->token);
        e->token = NULL;
    }
}
