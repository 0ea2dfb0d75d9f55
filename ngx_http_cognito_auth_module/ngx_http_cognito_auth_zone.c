
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * The shared zone (cognito_auth_zone): its directive, its initialisation
 * across reloads (as limit_req's), and the slots in it, one per pool that
 * fetches its JWKS, plus one for requests rejected before a pool was
 * known in a location with several (with one, its pool counts them).  A
 * slot holds bytes and counters only: the raw JWKS, its generation and
 * refresh state (written by the JWKS fetch) and the request counters
 * (written by the metrics).  A slot found again by its pool's key after a
 * reload keeps its keys and their generation, so that the verified-token
 * cache zone's entries stay good across the reload.  Bytes are replaced in
 * the zone here (the JWKS, the fetched revocation list).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"


static ngx_int_t ngx_http_cognito_auth_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static void ngx_http_cognito_auth_assign_slots(
    ngx_http_cognito_auth_zone_ctx_t *ctx);


/* cognito_auth_zone name:size; */

char *
ngx_http_cognito_auth_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cognito_auth_main_conf_t *camcf = conf;

    u_char                            *p;
    ssize_t                            size;
    ngx_str_t                         *value, name, s;
    ngx_http_cognito_auth_zone_ctx_t  *ctx;

    if (camcf->shm_zone != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    p = (u_char *) ngx_strchr(value[1].data, ':');

    if (p == NULL || p == value[1].data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone \"%V\": expected name:size",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    name.data = value[1].data;
    name.len = p - value[1].data;

    s.data = p + 1;
    s.len = value[1].data + value[1].len - s.data;

    size = ngx_parse_size(&s);

    if (size == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone size \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (size < (ssize_t) (8 * ngx_pagesize)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "zone \"%V\" is too small", &value[1]);
        return NGX_CONF_ERROR;
    }

    ctx = ngx_pcalloc(cf->pool, sizeof(ngx_http_cognito_auth_zone_ctx_t));
    if (ctx == NULL) {
        return NGX_CONF_ERROR;
    }

    ctx->camcf = camcf;

    camcf->shm_zone = ngx_shared_memory_add(cf, &name, size,
                                            &ngx_http_cognito_auth_module);
    if (camcf->shm_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (camcf->shm_zone->data != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate zone \"%V\"", &name);
        return NGX_CONF_ERROR;
    }

    camcf->shm_zone->init = ngx_http_cognito_auth_init_zone;
    camcf->shm_zone->data = ctx;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_cognito_auth_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_cognito_auth_zone_ctx_t  *octx = data;

    size_t                             len;
    ngx_http_cognito_auth_zone_ctx_t  *ctx;

    ctx = shm_zone->data;

    if (octx != NULL) {
        ctx->sh = octx->sh;
        ctx->shpool = octx->shpool;

        ngx_http_cognito_auth_assign_slots(ctx);

        return NGX_OK;
    }

    ctx->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        ctx->sh = ctx->shpool->data;

        ngx_http_cognito_auth_assign_slots(ctx);

        return NGX_OK;
    }

    ctx->sh = ngx_slab_calloc(ctx->shpool,
                              sizeof(ngx_http_cognito_auth_shctx_t));
    if (ctx->sh == NULL) {
        return NGX_ERROR;
    }

    ctx->shpool->data = ctx->sh;

    len = sizeof(" in cognito_auth_zone \"\"") + shm_zone->shm.name.len;

    ctx->shpool->log_ctx = ngx_slab_alloc(ctx->shpool, len);
    if (ctx->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(ctx->shpool->log_ctx, " in cognito_auth_zone \"%V\"%Z",
                &shm_zone->shm.name);

    ngx_http_cognito_auth_assign_slots(ctx);

    return NGX_OK;
}


/*
 * Each pool that fetches its JWKS owns a slot, found again across reloads
 * by its key (name, pool id, JWKS location, issuer).  Slots no pool of the
 * new configuration names are reclaimed; old workers still running check
 * the key under the lock, so they never touch a reclaimed slot.
 */

static void
ngx_http_cognito_auth_assign_slots(ngx_http_cognito_auth_zone_ctx_t *ctx)
{
    ngx_uint_t                      i, j;
    ngx_uint_t                      referenced[NGX_HTTP_COGNITO_AUTH_MAX_POOLS];
    ngx_http_cognito_auth_slot_t   *slot;
    ngx_http_cognito_auth_pool_t   *pool;

    ngx_memzero(referenced, sizeof(referenced));

    pool = ctx->camcf->pools.elts;
    slot = ctx->sh->slots;

    ngx_shmtx_lock(&ctx->shpool->mutex);

    for (i = 0; i < ctx->camcf->pools.nelts; i++) {
        pool[i].slot = NGX_HTTP_COGNITO_AUTH_MAX_POOLS;

        for (j = 0; j < NGX_HTTP_COGNITO_AUTH_MAX_POOLS; j++) {
            if (slot[j].used && slot[j].key_len == pool[i].key_len
                && ngx_memcmp(slot[j].key, pool[i].key, pool[i].key_len) == 0)
            {
                pool[i].slot = j;
                referenced[j] = 1;
                break;
            }
        }
    }

    for (j = 0; j < NGX_HTTP_COGNITO_AUTH_MAX_POOLS; j++) {
        if (slot[j].used && !referenced[j]) {
            if (slot[j].jwks) {
                ngx_slab_free_locked(ctx->shpool, slot[j].jwks);
            }

            ngx_memzero(&slot[j], sizeof(ngx_http_cognito_auth_slot_t));
        }
    }

    for (i = 0; i < ctx->camcf->pools.nelts; i++) {
        if (pool[i].slot != NGX_HTTP_COGNITO_AUTH_MAX_POOLS) {
            continue;
        }

        for (j = 0; j < NGX_HTTP_COGNITO_AUTH_MAX_POOLS; j++) {
            if (!slot[j].used) {
                slot[j].used = 1;

                /*
                 * Generations unique in the zone's life: a pool that
                 * leaves the configuration and comes back, or another pool
                 * in a reclaimed slot, never sees a generation that the
                 * cache zone holds entries of.
                 */
                slot[j].generation = (uint64_t) ++ctx->sh->epoch << 32;

                ngx_memcpy(slot[j].key, pool[i].key, pool[i].key_len);
                slot[j].key_len = pool[i].key_len;
                pool[i].slot = j;
                break;
            }
        }
    }

    for (i = 0; i < ctx->camcf->pools.nelts; i++) {
        if (pool[i].file_keys != NULL
            && pool[i].slot < NGX_HTTP_COGNITO_AUTH_MAX_POOLS)
        {
            slot[pool[i].slot].nkeys =
                                     cognito_keyset_count(pool[i].file_keys);
        }
    }

    ngx_shmtx_unlock(&ctx->shpool->mutex);
}


ngx_http_cognito_auth_slot_t *
ngx_http_cognito_auth_slot(ngx_http_cognito_auth_zone_ctx_t *zctx,
    ngx_http_cognito_auth_pool_t *pool)
{
    ngx_http_cognito_auth_slot_t  *slot;

    /* the caller holds the lock */

    if (pool->slot >= NGX_HTTP_COGNITO_AUTH_MAX_POOLS) {
        return NULL;
    }

    slot = &zctx->sh->slots[pool->slot];

    if (!slot->used || slot->key_len != pool->key_len
        || ngx_memcmp(slot->key, pool->key, pool->key_len) != 0)
    {
        return NULL;
    }

    return slot;
}


/* where a request's counters go: its pool's slot, or the no-pool one */

ngx_http_cognito_auth_slot_t *
ngx_http_cognito_auth_counters(ngx_http_cognito_auth_main_conf_t *camcf,
    ngx_http_cognito_auth_pool_t *pool)
{
    ngx_http_cognito_auth_zone_ctx_t  *zctx;

    if (camcf->shm_zone == NULL) {
        return NULL;
    }

    zctx = camcf->shm_zone->data;

    if (pool != NULL && pool->slot < NGX_HTTP_COGNITO_AUTH_MAX_POOLS) {
        return &zctx->sh->slots[pool->slot];
    }

    return &zctx->sh->nopool;
}


/*
 * Bytes kept in the zone (a pool's JWKS, the fetched revocation list),
 * with the mutex held: NGX_DECLINED when *bytes already holds the same;
 * NGX_OK when they are replaced by a copy of b's; NGX_ERROR when the zone
 * has no room for it (the old bytes stay).
 */

ngx_int_t
ngx_http_cognito_auth_zone_keep_locked(ngx_http_cognito_auth_zone_ctx_t *zctx,
    u_char **bytes, size_t *len, ngx_buf_t *b)
{
    u_char  *p;
    size_t   n;

    n = b->last - b->pos;

    if (*bytes != NULL && *len == n && ngx_memcmp(*bytes, b->pos, n) == 0) {
        return NGX_DECLINED;
    }

    p = ngx_slab_alloc_locked(zctx->shpool, n);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(p, b->pos, n);

    if (*bytes != NULL) {
        ngx_slab_free_locked(zctx->shpool, *bytes);
    }

    *bytes = p;
    *len = n;

    return NGX_OK;
}
