
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * The startup fetch: when a worker starts, each jwks= pool gets its keys
 * before any traffic comes, so a healthy instance never shows "keys 0" and
 * the first client never waits for the JWKS.  A fetch is a subrequest, and
 * a subrequest needs a main request: a worker has none at start, so this
 * file makes one of its own, on a connection of its own with no socket,
 * in a server that serves the pool's jwks= location (the configuration
 * check guarantees one).  The fetch itself is _jwks.c's, the same single
 * flight as a client's: a worker that finds another one fetching, or the
 * keys already in the zone, only parses them.  No client is involved, so
 * nothing is logged in the access log and no response is sent.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"


typedef struct {
    ngx_event_t                     event;
    ngx_connection_t                connection;
    ngx_event_t                     read;
    ngx_event_t                     write;
    ngx_http_cognito_auth_pool_t   *pool;
} ngx_http_cognito_auth_warm_t;


/* what one startup fetch allocates in its request's pool */
typedef struct {
    ngx_http_request_t              r;
    ngx_log_t                       log;
    ngx_http_log_ctx_t              lctx;
} ngx_http_cognito_auth_warm_req_t;


static void ngx_http_cognito_auth_warm_handler(ngx_event_t *ev);
static ngx_http_request_t *ngx_http_cognito_auth_warm_request(
    ngx_http_cognito_auth_warm_t *warm);
static void ngx_http_cognito_auth_warm_done(ngx_http_request_t *r);
static void ngx_http_cognito_auth_warm_close(ngx_http_request_t *r);
static u_char *ngx_http_cognito_auth_warm_log(ngx_log_t *log, u_char *buf,
    size_t len);


/*
 * The request's peer and local address: the fetch comes from nginx
 * itself, so an "allow 127.0.0.1" in the jwks= location lets it through,
 * and $remote_addr and $server_addr read as loopback.
 */
static struct sockaddr_in  ngx_http_cognito_auth_warm_addr;
static ngx_str_t           ngx_http_cognito_auth_warm_text =
    ngx_string("127.0.0.1");


/* one timer per jwks= pool, armed when the worker starts */

void
ngx_http_cognito_auth_warm_init(ngx_cycle_t *cycle,
    ngx_http_cognito_auth_main_conf_t *camcf)
{
    ngx_uint_t                      i;
    ngx_http_cognito_auth_pool_t   *pools;
    ngx_http_cognito_auth_warm_t   *warm;

    ngx_http_cognito_auth_warm_addr.sin_family = AF_INET;
    ngx_http_cognito_auth_warm_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    pools = camcf->pools.elts;

    for (i = 0; i < camcf->pools.nelts; i++) {

        if (pools[i].jwks_uri.len == 0 || pools[i].jwks_ctx == NULL) {
            continue;
        }

        warm = ngx_pcalloc(cycle->pool, sizeof(ngx_http_cognito_auth_warm_t));
        if (warm == NULL) {
            return;
        }

        warm->pool = &pools[i];

        warm->event.handler = ngx_http_cognito_auth_warm_handler;
        warm->event.data = warm;
        warm->event.log = cycle->log;
        warm->event.cancelable = 1;

        ngx_add_timer(&warm->event, 1);
    }
}


static void
ngx_http_cognito_auth_warm_handler(ngx_event_t *ev)
{
    ngx_int_t                       rc;
    cognito_keyset_t               *ks;
    ngx_connection_t               *c;
    ngx_http_request_t             *r;
    ngx_http_cognito_auth_ctx_t    *ctx;
    ngx_http_cognito_auth_warm_t   *warm;

    warm = ev->data;

    if (ngx_exiting || ngx_terminate || ngx_quit) {
        return;
    }

    r = ngx_http_cognito_auth_warm_request(warm);
    if (r == NULL) {
        ngx_log_error(NGX_LOG_ERR, ev->log, 0,
                      "cognito auth: no memory for the startup fetch of "
                      "pool \"%V\"", &warm->pool->name);
        return;
    }

    c = r->connection;

    ctx = ngx_http_cognito_auth_create_ctx(r);
    if (ctx == NULL) {
        ngx_http_cognito_auth_warm_close(r);
        return;
    }

    rc = ngx_http_cognito_auth_get_keys(r, ctx, warm->pool,
                                        NGX_HTTP_COGNITO_AUTH_KEYS_WARM, &ks);

    if (rc != NGX_AGAIN || !ctx->fetching) {

        /* keys this worker has, parsed from the zone, or none to get now */

        ngx_http_cognito_auth_warm_close(r);
        return;
    }

    /* the fetch runs; its end posts this request (warm_done) */

    ngx_http_run_posted_requests(c);
}


/*
 * A main request as nginx makes one for a new client (ngx_http_alloc_
 * request() is static), in the server that serves the jwks= location,
 * on a connection with no socket: its events are marked active, so the
 * upstream never adds them to the event loop.
 */

static ngx_http_request_t *
ngx_http_cognito_auth_warm_request(ngx_http_cognito_auth_warm_t *warm)
{
    ngx_log_t                         *log;
    ngx_pool_t                        *pool;
    ngx_time_t                        *tp;
    ngx_connection_t                  *c;
    ngx_http_request_t                *r;
    ngx_http_log_ctx_t                *lctx;
    ngx_http_conf_ctx_t               *conf;
    ngx_http_core_srv_conf_t          *cscf;
    ngx_http_core_main_conf_t         *cmcf;
    ngx_http_cognito_auth_warm_req_t  *req;

    conf = warm->pool->jwks_ctx;
    cscf = conf->srv_conf[ngx_http_core_module.ctx_index];
    cmcf = conf->main_conf[ngx_http_core_module.ctx_index];

    pool = ngx_create_pool(cscf->request_pool_size, ngx_cycle->log);
    if (pool == NULL) {
        return NULL;
    }

    req = ngx_pcalloc(pool, sizeof(ngx_http_cognito_auth_warm_req_t));
    if (req == NULL) {
        goto failed;
    }

    r = &req->r;
    log = &req->log;
    lctx = &req->lctx;

    c = &warm->connection;
    ngx_memzero(c, sizeof(ngx_connection_t));
    ngx_memzero(&warm->read, sizeof(ngx_event_t));
    ngx_memzero(&warm->write, sizeof(ngx_event_t));

    *log = *ngx_cycle->log;
    log->handler = ngx_http_cognito_auth_warm_log;
    log->data = lctx;
    log->action = "fetching the JWKS at startup";

    lctx->connection = c;
    lctx->request = r;
    lctx->current_request = r;

    c->fd = (ngx_socket_t) -1;
    c->pool = pool;
    c->log = log;
    c->data = r;
    c->read = &warm->read;
    c->write = &warm->write;
    c->sockaddr = (struct sockaddr *) &ngx_http_cognito_auth_warm_addr;
    c->socklen = sizeof(struct sockaddr_in);
    c->local_sockaddr = c->sockaddr;
    c->local_socklen = c->socklen;
    c->addr_text = ngx_http_cognito_auth_warm_text;
    c->number = ngx_atomic_fetch_add(ngx_connection_counter, 1);

    c->read->data = c;
    c->read->log = log;
    c->read->active = 1;
    c->write->data = c;
    c->write->log = log;
    c->write->active = 1;

    r->pool = pool;
    r->signature = NGX_HTTP_MODULE;
    r->connection = c;
    r->main = r;
    r->count = 1;

    r->main_conf = conf->main_conf;
    r->srv_conf = conf->srv_conf;
    r->loc_conf = conf->loc_conf;

    r->ctx = ngx_pcalloc(pool, sizeof(void *) * ngx_http_max_module);
    if (r->ctx == NULL) {
        goto failed;
    }

    r->variables = ngx_pcalloc(pool, cmcf->variables.nelts
                                     * sizeof(ngx_http_variable_value_t));
    if (r->variables == NULL) {
        goto failed;
    }

    if (ngx_list_init(&r->headers_in.headers, pool, 1,
                      sizeof(ngx_table_elt_t))
        != NGX_OK
        || ngx_list_init(&r->headers_out.headers, pool, 1,
                         sizeof(ngx_table_elt_t))
           != NGX_OK
        || ngx_list_init(&r->headers_out.trailers, pool, 1,
                         sizeof(ngx_table_elt_t))
           != NGX_OK)
    {
        goto failed;
    }

    tp = ngx_timeofday();
    r->start_sec = tp->sec;
    r->start_msec = tp->msec;

    r->method = NGX_HTTP_GET;
    r->method_name = ngx_http_core_get_method;
    r->http_version = NGX_HTTP_VERSION_10;
    r->http_protocol.len = sizeof("HTTP/1.0") - 1;
    r->http_protocol.data = (u_char *) "HTTP/1.0";
    r->uri = warm->pool->jwks_uri;
    r->unparsed_uri = warm->pool->jwks_uri;
    r->request_line = warm->pool->jwks_uri;

    r->headers_in.content_length_n = -1;
    r->headers_in.keep_alive_n = -1;
    r->headers_out.content_length_n = -1;
    r->headers_out.last_modified_time = -1;

    r->uri_changes = NGX_HTTP_MAX_URI_CHANGES + 1;
    r->subrequests = NGX_HTTP_MAX_SUBREQUESTS + 1;
    r->http_state = NGX_HTTP_PROCESS_REQUEST_STATE;
    r->internal = 1;
    r->logged = 1;

    r->read_event_handler = ngx_http_block_reading;
    r->write_event_handler = ngx_http_cognito_auth_warm_done;

    return r;

failed:

    ngx_destroy_pool(pool);

    return NULL;
}


/* posted by the fetch's end: store what it brought, then close */

static void
ngx_http_cognito_auth_warm_done(ngx_http_request_t *r)
{
    ngx_http_cognito_auth_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_cognito_auth_module);

    if (ctx == NULL || !ctx->fetch_done) {
        return;
    }

    r->connection->log->action = "storing the JWKS fetched at startup";

    (void) ngx_http_cognito_auth_fetch_finish(r, ctx);

    ngx_http_cognito_auth_warm_close(r);
}


/*
 * As nginx closes a request and its connection, without a socket: the
 * connection itself lives in the warm-up's memory (the cycle's pool), so
 * ngx_http_run_posted_requests() may still read c->destroyed after this.
 */

static void
ngx_http_cognito_auth_warm_close(ngx_http_request_t *r)
{
    ngx_connection_t  *c;

    c = r->connection;

    ngx_http_free_request(r, 0);

    c->destroyed = 1;
}


/*
 * Context for the fetch's log lines, as nginx gives a client's ("while
 * reading response header from upstream, client: ..."): what it was
 * doing, the server, the pool, the subrequest and its upstream.
 */

static u_char *
ngx_http_cognito_auth_warm_log(ngx_log_t *log, u_char *buf, size_t len)
{
    u_char                        *p;
    ngx_http_request_t            *sr;
    ngx_http_log_ctx_t            *lctx;
    ngx_http_upstream_t           *u;
    ngx_http_cognito_auth_warm_t  *warm;
    ngx_http_core_srv_conf_t      *cscf;

    p = buf;

    if (log->action) {
        p = ngx_snprintf(p, len, " while %s", log->action);
        len -= p - buf;
        buf = p;
    }

    lctx = log->data;

    warm = (ngx_http_cognito_auth_warm_t *)
               ((u_char *) lctx->connection
                - offsetof(ngx_http_cognito_auth_warm_t, connection));

    cscf = warm->pool->jwks_ctx->srv_conf[ngx_http_core_module.ctx_index];

    p = ngx_snprintf(p, len, ", server: %V, request: \"startup JWKS fetch "
                     "of pool %V\"", &cscf->server_name, &warm->pool->name);
    len -= p - buf;
    buf = p;

    sr = lctx->current_request;

    if (sr == NULL || sr == sr->main) {
        return p;
    }

    p = ngx_snprintf(p, len, ", subrequest: \"%V\"", &sr->uri);
    len -= p - buf;

    u = sr->upstream;

    if (u != NULL && u->peer.name != NULL) {
        p = ngx_snprintf(p, len, ", upstream: \"%V\"", u->peer.name);
    }

    return p;
}
