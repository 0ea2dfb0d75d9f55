
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * The glue's shared types and its cross-file functions.  Each section
 * names the file that owns it; only that file writes what it declares.
 */


#ifndef _NGX_HTTP_COGNITO_AUTH_MODULE_H_INCLUDED_
#define _NGX_HTTP_COGNITO_AUTH_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "cognito_jwt.h"
#include "cognito_jwks.h"
#include "cognito_revoke.h"
#include "cognito_session.h"


#define NGX_HTTP_COGNITO_AUTH_MAX_POOLS    64
#define NGX_HTTP_COGNITO_AUTH_KEY_LEN      256
#define NGX_HTTP_COGNITO_AUTH_WAIT_MSEC    20
#define NGX_HTTP_COGNITO_AUTH_LOAD_STALE   30    /* seconds */
#define NGX_HTTP_COGNITO_AUTH_CACHE_SIZE   1024  /* verified tokens */
#define NGX_HTTP_COGNITO_AUTH_ETAG_LEN     256   /* longer: not kept */


/*
 * Reasons beyond the core's codes, for $cognito_error and metrics: the
 * verdict's (ngx_http_cognito_auth_handler.c), named by _metrics.c.
 */
#define NGX_HTTP_COGNITO_AUTH_GROUP_DENIED      (COGNITO_ERR_LAST + 0)
#define NGX_HTTP_COGNITO_AUTH_SCOPE_DENIED      (COGNITO_ERR_LAST + 1)
#define NGX_HTTP_COGNITO_AUTH_TENANT_MISSING    (COGNITO_ERR_LAST + 2)
#define NGX_HTTP_COGNITO_AUTH_REQUIRE_FAILED    (COGNITO_ERR_LAST + 3)
#define NGX_HTTP_COGNITO_AUTH_JWKS_UNAVAILABLE  (COGNITO_ERR_LAST + 4)
#define NGX_HTTP_COGNITO_AUTH_REQUIRE_TYPE      (COGNITO_ERR_LAST + 5)
#define NGX_HTTP_COGNITO_AUTH_REVOCATION_UNAVAILABLE  (COGNITO_ERR_LAST + 6)
#define NGX_HTTP_COGNITO_AUTH_NREASONS          (COGNITO_ERR_LAST + 7)


/* cognito_auth_tenant: parsed by _module.c, applied by _handler.c */
#define NGX_HTTP_COGNITO_AUTH_TENANT_CLAIM  1
#define NGX_HTTP_COGNITO_AUTH_TENANT_GROUP  2


/*
 * The shared zone (ngx_http_cognito_auth_jwks.c; _metrics.c adds to the
 * counters).  A pool's state in it: bytes and counters only.
 */
typedef struct {
    u_char                         key[NGX_HTTP_COGNITO_AUTH_KEY_LEN];
    size_t                         key_len;
    ngx_uint_t                     used;

    uint64_t                       generation;
    u_char                        *jwks;          /* in the slab */
    size_t                         jwks_len;
    ngx_uint_t                     nkeys;

    time_t                         expires;       /* refresh due */
    time_t                         last_attempt;  /* last fetch started */
    time_t                         last_good;
    time_t                         loading_since;
    ngx_uint_t                     loading;

    ngx_atomic_t                   accepted;
    ngx_atomic_t                   rejected[NGX_HTTP_COGNITO_AUTH_NREASONS];
    ngx_atomic_t                   fetch_ok;
    ngx_atomic_t                   fetch_failed;
    ngx_uint_t                     fetch_failing; /* failed in a row */
} ngx_http_cognito_auth_slot_t;


/*
 * The revocation list of cognito_auth_revocation_list uri= in the zone
 * (ngx_http_cognito_auth_revoke_fetch.c): its bytes, one copy for all
 * workers, the generation that moves when they change, the ETag they came
 * with, and the fetch state and counters.
 */
typedef struct {
    uint64_t                       generation;
    u_char                        *list;          /* in the slab */
    size_t                         len;
    ngx_uint_t                     entries;
    u_char                         etag[NGX_HTTP_COGNITO_AUTH_ETAG_LEN];
    size_t                         etag_len;

    time_t                         next;          /* a fetch is due */
    time_t                         last_good;
    time_t                         loading_since;
    ngx_uint_t                     loading;

    ngx_atomic_t                   fetch_ok;      /* 200 or 304 */
    ngx_atomic_t                   fetch_failed;
    ngx_uint_t                     fetch_failing; /* failed in a row */
} ngx_http_cognito_auth_revocation_sh_t;


typedef struct {
    ngx_http_cognito_auth_slot_t   slots[NGX_HTTP_COGNITO_AUTH_MAX_POOLS];
    ngx_http_cognito_auth_slot_t   nopool;        /* rejected before the
                                                     token named one of a
                                                     location's pools */
    ngx_atomic_t                   cache_hits;      /* front and shared */
    ngx_atomic_t                   cache_misses;
    ngx_atomic_t                   cache_shared_hits;
    ngx_atomic_t                   verifications;   /* signatures checked */
    uint64_t                       epoch;           /* slots assigned */

    ngx_http_cognito_auth_revocation_sh_t  revocation;

    void                          *flights;         /* _flight.c's, in
                                                       the slab */
} ngx_http_cognito_auth_shctx_t;


typedef struct ngx_http_cognito_auth_main_conf_s
    ngx_http_cognito_auth_main_conf_t;


typedef struct {
    ngx_http_cognito_auth_shctx_t      *sh;
    ngx_slab_pool_t                    *shpool;
    ngx_http_cognito_auth_main_conf_t  *camcf;
} ngx_http_cognito_auth_zone_ctx_t;


/*
 * One configured user pool (cognito_auth_pool): parsed by _module.c; its
 * keys are _jwks.c's.
 */
typedef struct {
    ngx_str_t                      name;
    ngx_str_t                      pool_id;
    ngx_str_t                      region;

    ngx_array_t                    issuers;        /* char * */
    ngx_array_t                    clients;        /* char * */

    ngx_str_t                      jwks_uri;       /* subrequest location */
    ngx_http_conf_ctx_t           *jwks_ctx;       /* a server serving it */
    ngx_str_t                      jwks_file;
    ngx_str_t                      domain;         /* hosted UI origin */
    ngx_str_t                      token_uri;      /* subrequest location */

    time_t                         jwks_ttl;
    time_t                         leeway;
    time_t                         refresh_min;
    unsigned                       algs;

    /* identity of the pool's slot in the shared zone */
    u_char                         key[NGX_HTTP_COGNITO_AUTH_KEY_LEN];
    size_t                         key_len;
    ngx_uint_t                     slot;

    /* jwks_file: keys parsed once at configuration time */
    cognito_keyset_t              *file_keys;

    /*
     * Per worker, never set during configuration: jwks= keys this worker
     * parsed, rebuilt when the zone's generation moves; freed at exit.
     * A jwks_file= pool's generation is set once, when the file is read:
     * a hash of its bytes, so that the cache zone tells its keys apart
     * across reloads.
     */
    cognito_keyset_t              *keys;
    ngx_pool_t                    *keys_pool;
    uint64_t                       generation;

    /* the second whose locked check found these keys current (_jwks.c) */
    time_t                         keys_checked;
} ngx_http_cognito_auth_pool_t;


/* ngx_http_cognito_auth_cache.c's, opaque */
typedef struct ngx_http_cognito_auth_cache_s  ngx_http_cognito_auth_cache_t;


/* _module.c's; the cache and revocation fields are their files' */
struct ngx_http_cognito_auth_main_conf_s {
    ngx_array_t                    pools;   /* ngx_http_cognito_auth_pool_t */
    ngx_shm_zone_t                *shm_zone;

    ngx_uint_t                     cache_size;      /* front entries */
    ngx_shm_zone_t                *cache_zone;      /* NULL: front only */

    /* cognito_auth_revocation_list: a file, or uri= (a location) */
    ngx_str_t                      revocation_file;
    ngx_str_t                      revocation_uri;
    ngx_msec_t                     revocation_check;
    cognito_revocation_t          *revocation_conf;   /* read at load */

    /* cognito_auth_session_key_file (_session.c) */
    cognito_session_keys_t        *session_keys;

    /*
     * Per worker: set up by init_process (the module's dispatch) and
     * changed only by the worker itself, freed by exit_process.
     */
    ngx_http_cognito_auth_cache_t *cache;       /* NULL: no cache */
    ngx_pool_t                    *cache_pool;
    cognito_revocation_t          *revocation;  /* revocation_conf until the
                                                   timer loads a new one;
                                                   uri=: the zone's list */
    uint64_t                       revocation_generation;
    ngx_file_uniq_t                revocation_uniq;
    time_t                         revocation_mtime;
    off_t                          revocation_size;
    ngx_event_t                    revocation_ev;
};


/*
 * Location configuration: _module.c parses and merges it; cognito_auth_
 * set_header's entries are applied by _headers.c.
 */

typedef struct {
    ngx_str_t                      name;
    ngx_http_complex_value_t       value;
} ngx_http_cognito_auth_header_t;


/* a small local file read whole: jwks_file=, the revocation list */
typedef struct {
    ngx_str_t                      name;     /* NUL-terminated */
    size_t                         max;
    ngx_file_info_t                fi;
    u_char                        *data;     /* ngx_alloc(); the caller
                                                frees it */
    size_t                         len;
    char                          *failed;   /* the call that failed */
    ngx_err_t                      err;
    unsigned                       opened:1;
} ngx_http_cognito_auth_file_t;


typedef struct {
    ngx_array_t                    values;  /* ngx_http_complex_value_t */
    cognito_rule_t                *rule;    /* claim=...: a typed rule */
    ngx_uint_t                     status;  /* 401 or 403 */
} ngx_http_cognito_auth_require_t;


/* browser sign-in's settings: ngx_http_cognito_auth_session.c's, opaque */
typedef struct ngx_http_cognito_auth_session_conf_s
    ngx_http_cognito_auth_session_conf_t;


typedef struct {
    ngx_array_t                   *pools;     /* ngx_http_cognito_auth_pool_t *;
                                                 NULL: off */
    ngx_uint_t                     token_use;
    ngx_str_t                      realm;
    ngx_http_complex_value_t      *token;     /* cognito_auth_token */
    ngx_uint_t                     token_scheme;  /* COGNITO_SCHEME_* */

    ngx_array_t                   *groups;    /* arrays of complex values */
    ngx_array_t                   *scopes;    /* arrays of complex values */
    ngx_array_t                   *requires;  /* require_t */

    ngx_uint_t                     tenant_type;
    ngx_str_t                      tenant_claim;
#if (NGX_PCRE)
    ngx_regex_t                   *tenant_regex;
    ngx_int_t                      tenant_captures;
#endif
    ngx_flag_t                     tenant_required;

    ngx_array_t                   *headers;   /* header_t */

    ngx_http_cognito_auth_session_conf_t  *session;
    ngx_uint_t                     signin;    /* cognito_auth_signin here:
                                                 set by _session.c's merge;
                                                 without it no session call
                                                 has anything to do */
    ngx_flag_t                     preflight; /* CORS preflights unchecked */
} ngx_http_cognito_auth_loc_conf_t;


/*
 * The request pipeline (ngx_http_cognito_auth_handler.c).  The token's
 * progress, as auth_request's: nothing done; the token read and its pool
 * known, the pool's keys loading (a fetch started, or another request's
 * awaited: ctx->fetching and ctx->fetch_done tell which); the token
 * decided.  Each location then decides its own verdict from the token's.
 */

typedef enum {
    NGX_HTTP_COGNITO_AUTH_NEW = 0,
    NGX_HTTP_COGNITO_AUTH_KEYS,           /* waiting for the pool's keys */
    NGX_HTTP_COGNITO_AUTH_REFRESH,        /* unknown kid: a refresh asked */
    NGX_HTTP_COGNITO_AUTH_DECIDED         /* sig_code holds the verdict */
} ngx_http_cognito_auth_state_e;


/* what the cache holds for this request's token */
typedef enum {
    NGX_HTTP_COGNITO_AUTH_CACHE_NONE = 0, /* no cache, or no digest */
    NGX_HTTP_COGNITO_AUTH_CACHE_MISS,     /* digest known, not stored */
    NGX_HTTP_COGNITO_AUTH_CACHE_HIT,      /* found: check its generation */
    NGX_HTTP_COGNITO_AUTH_CACHE_HELD      /* found, or stored */
} ngx_http_cognito_auth_cache_e;


/*
 * The verdict: the token's (parse, pool, signature), kept for as long as
 * the request stays with the same pools, token source and token, and the
 * location's (claims, policy).  status, reason, error and desc are set by
 * ngx_http_cognito_auth_set_verdict() alone.
 */

typedef struct {
    /* what it was made for: a location's pools and token source */
    ngx_array_t                   *pools;
    ngx_http_complex_value_t      *source;    /* NULL: Authorization */
    ngx_uint_t                     scheme;    /* of Authorization */
    ngx_str_t                      token;

    cognito_token_t               *tok;       /* a reference of its own */
    ngx_http_cognito_auth_pool_t  *pool;
    cognito_code_e                 sig_code;  /* parse and signature */
    const char                    *sig_msg;

    /* this location's */
    ngx_uint_t                     status;    /* NGX_OK (allowed, or not
                                                 decided yet), 401, 403,
                                                 503 */
    ngx_uint_t                     reason;    /* a cognito_code_e or a
                                                 policy reason */
    ngx_str_t                      error;     /* $cognito_error */
    ngx_str_t                      desc;      /* error_description */
    ngx_str_t                      tenant;
    unsigned                       valid:1;   /* token and claims good */
} ngx_http_cognito_auth_verdict_t;


/* the cache zone's figures, for the metrics */
typedef struct {
    ngx_atomic_uint_t              entries;
    ngx_atomic_uint_t              evictions;
    size_t                         bytes;         /* slab pages in use */
    size_t                         size;
} ngx_http_cognito_auth_cache_stats_t;


/* a verified-token cache entry, as a lookup returns it */
typedef struct {
    cognito_token_t               *tok;       /* a new reference */
    ngx_http_cognito_auth_pool_t  *pool;
    uint64_t                       generation;
} ngx_http_cognito_auth_cached_t;


typedef struct {
    ngx_http_cognito_auth_state_e    state;
    ngx_http_cognito_auth_verdict_t  verdict;

    ngx_http_cognito_auth_cache_e    cache;
    uint64_t                         cached_generation;
    uint32_t                         cache_hash;

    /* the module's own rejection: its JSON body, for the output filter */
    ngx_str_t                        reject_body;
    ngx_uint_t                       reject_status;
    void                            *reject_conf;  /* its location's calcf */

    /* the JWKS fetch: ngx_http_cognito_auth_jwks.c and _filter.c */
    ngx_http_request_t              *sr;
    ngx_buf_t                       *body;         /* its body, bounded */
    size_t                           body_max;     /* by this */
    ngx_uint_t                       waits;

    unsigned                         fetching:1;
    unsigned                         fetch_done:1;
    unsigned                         fetch_tried:1;
    unsigned                         too_big:1;
    unsigned                         body_done:1;
    unsigned                         revocation_tried:1;

    unsigned                         counted:1;    /* in the metrics */

    /* a sign-in callback (_session.c): its state and token exchange */
    void                            *signin;
    ngx_http_request_t              *signin_sr;
    void                            *session;      /* the session cookie,
                                                      opened once */
} ngx_http_cognito_auth_ctx_t;


/*
 * How a fetch by subrequest (the JWKS, the revocation list) ended, as its
 * post-subrequest handler records it (ngx_http_cognito_auth_jwks.c), and
 * who reads what it brought: the first member of each fetch's state.
 */

typedef struct ngx_http_cognito_auth_fetch_end_s
    ngx_http_cognito_auth_fetch_end_t;

typedef ngx_int_t (*ngx_http_cognito_auth_store_pt)(
    ngx_http_cognito_auth_fetch_end_t *end);

struct ngx_http_cognito_auth_fetch_end_s {
    ngx_http_cognito_auth_ctx_t     *ctx;
    ngx_http_request_t              *r;
    ngx_http_cognito_auth_store_pt   store;

    ngx_int_t                        rc;
    ngx_uint_t                       status;
    ngx_str_t                        etag;       /* its ETag, if short */
    unsigned                         abandoned:1; /* with its client */
    unsigned                         stored:1;    /* the parent read it */
};


/* ngx_http_cognito_auth_handler.c */
ngx_int_t ngx_http_cognito_auth_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_cognito_auth_precontent_handler(ngx_http_request_t *r);
ngx_http_cognito_auth_ctx_t *ngx_http_cognito_auth_get_ctx(
    ngx_http_request_t *r);
ngx_http_cognito_auth_ctx_t *ngx_http_cognito_auth_create_ctx(
    ngx_http_request_t *r);
ngx_int_t ngx_http_cognito_auth_claim_text(ngx_http_request_t *r,
    cognito_token_t *tok, const char **path, size_t npath, ngx_uint_t list,
    ngx_str_t *value);

/* ngx_http_cognito_auth_jwks.c */
char *ngx_http_cognito_auth_load_file(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_t *pool);
ngx_int_t ngx_http_cognito_auth_get_keys(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx, ngx_http_cognito_auth_pool_t *pool,
    ngx_uint_t force, cognito_keyset_t **ks);
ngx_int_t ngx_http_cognito_auth_fetch_finish(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx);

/* get_keys' "force" for the startup fetch: never waits, never logs 503 */
#define NGX_HTTP_COGNITO_AUTH_KEYS_WARM  2

/* ngx_http_cognito_auth_warm.c */
void ngx_http_cognito_auth_warm_init(ngx_cycle_t *cycle,
    ngx_http_cognito_auth_main_conf_t *camcf);
ngx_int_t ngx_http_cognito_auth_clean_subrequest(ngx_http_request_t *r,
    ngx_str_t *uri, ngx_http_cognito_auth_fetch_end_t *end, size_t max,
    ngx_pool_cleanup_pt cleanup, ngx_http_request_t **psr);
ngx_int_t ngx_http_cognito_auth_fetched_body(
    ngx_http_cognito_auth_fetch_end_t *end, ngx_str_t *what,
    ngx_str_t *where);
ngx_int_t ngx_http_cognito_auth_wait(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx);
void ngx_http_cognito_auth_jwks_exit(
    ngx_http_cognito_auth_main_conf_t *camcf);

/* ngx_http_cognito_auth_zone.c */
char *ngx_http_cognito_auth_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_http_cognito_auth_slot_t *ngx_http_cognito_auth_slot(
    ngx_http_cognito_auth_zone_ctx_t *zctx,
    ngx_http_cognito_auth_pool_t *pool);
ngx_http_cognito_auth_slot_t *ngx_http_cognito_auth_counters(
    ngx_http_cognito_auth_main_conf_t *camcf,
    ngx_http_cognito_auth_pool_t *pool);
ngx_int_t ngx_http_cognito_auth_zone_keep_locked(
    ngx_http_cognito_auth_zone_ctx_t *zctx, u_char **bytes, size_t *len,
    ngx_buf_t *b);

/* ngx_http_cognito_auth_cache.c */
char *ngx_http_cognito_auth_cache_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_cognito_auth_cache_lookup(ngx_http_request_t *r,
    ngx_array_t *pools, ngx_str_t *token, uint32_t *hash,
    ngx_http_cognito_auth_cached_t *found);
void ngx_http_cognito_auth_cache_store(ngx_http_request_t *r, uint32_t hash,
    ngx_str_t *token, cognito_token_t *tok,
    ngx_http_cognito_auth_pool_t *pool);
ngx_int_t ngx_http_cognito_auth_cache_stats(
    ngx_http_cognito_auth_main_conf_t *camcf,
    ngx_http_cognito_auth_cache_stats_t *stats);
void ngx_http_cognito_auth_cache_init(ngx_cycle_t *cycle,
    ngx_http_cognito_auth_main_conf_t *camcf);
void ngx_http_cognito_auth_cache_exit(
    ngx_http_cognito_auth_main_conf_t *camcf);

/* ngx_http_cognito_auth_revoke.c */
char *ngx_http_cognito_auth_revocation_list(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_cognito_auth_read_file(ngx_http_cognito_auth_file_t *file,
    ngx_log_t *log);
ngx_int_t ngx_http_cognito_auth_conf_file(ngx_conf_t *cf,
    ngx_http_cognito_auth_file_t *file);
void ngx_http_cognito_auth_revocation_init(ngx_cycle_t *cycle,
    ngx_http_cognito_auth_main_conf_t *camcf);
void ngx_http_cognito_auth_revocation_exit(
    ngx_http_cognito_auth_main_conf_t *camcf);

/* ngx_http_cognito_auth_session.c */
ngx_http_cognito_auth_session_conf_t *ngx_http_cognito_auth_session_create_conf(
    ngx_conf_t *cf);
char *ngx_http_cognito_auth_session_merge_conf(ngx_conf_t *cf,
    ngx_http_cognito_auth_loc_conf_t *conf,
    ngx_http_cognito_auth_loc_conf_t *prev);
char *ngx_http_cognito_auth_session_pool_param(ngx_conf_t *cf,
    ngx_str_t *name, ngx_str_t *value, ngx_str_t *field);
char *ngx_http_cognito_auth_session_key_file(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
char *ngx_http_cognito_auth_signin(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_cognito_auth_signin_api(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_cognito_auth_session_cookie(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_cognito_auth_signin_login(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf);
char *ngx_http_cognito_auth_signin_callback_conf(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
char *ngx_http_cognito_auth_signin_logout_conf(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_cognito_auth_session_token(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_str_t *token);
ngx_int_t ngx_http_cognito_auth_session_refresh(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf,
    ngx_http_cognito_auth_ctx_t *ctx);
ngx_int_t ngx_http_cognito_auth_session_upstream(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf);
char *ngx_http_cognito_auth_session_bearer(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
time_t ngx_http_cognito_auth_session_expires(ngx_http_request_t *r);
ngx_uint_t ngx_http_cognito_auth_signin_callback_here(
    ngx_http_cognito_auth_loc_conf_t *calcf);
ngx_int_t ngx_http_cognito_auth_signin_callback(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf,
    ngx_http_cognito_auth_ctx_t *ctx);

/* ngx_http_cognito_auth_flight.c: a session's refresh, one at a time */
typedef struct {
    ngx_http_cognito_auth_zone_ctx_t  *zctx;   /* set: the request's to
                                                  land */
    ngx_uint_t                         id;
    u_char                             key[COGNITO_DIGEST_LEN];
} ngx_http_cognito_auth_flight_t;

ngx_int_t ngx_http_cognito_auth_flight_join(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx, ngx_str_t *pool, ngx_str_t *client,
    ngx_str_t *refresh, ngx_http_cognito_auth_flight_t *f,
    ngx_str_t *sealed);
void ngx_http_cognito_auth_flight_land(ngx_http_request_t *r,
    ngx_http_cognito_auth_flight_t *f, ngx_str_t *sealed);
void ngx_http_cognito_auth_flight_abandon(ngx_http_cognito_auth_flight_t *f);

/* ngx_http_cognito_auth_revoke_fetch.c */
ngx_int_t ngx_http_cognito_auth_revocation_current(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx);

/* ngx_http_cognito_auth_metrics.c */
const char *ngx_http_cognito_auth_reason_name(ngx_uint_t reason);
void ngx_http_cognito_auth_count(ngx_http_request_t *r,
    ngx_http_cognito_auth_pool_t *pool, ngx_uint_t reason);
void ngx_http_cognito_auth_count_verify(ngx_http_request_t *r);
char *ngx_http_cognito_auth_metrics(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* ngx_http_cognito_auth_variables.c */
ngx_int_t ngx_http_cognito_auth_add_variables(ngx_conf_t *cf);
char *ngx_http_cognito_auth_claim_set(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* ngx_http_cognito_auth_headers.c */
typedef ngx_uint_t (*ngx_http_cognito_auth_value_pt)(ngx_str_t *value);

char *ngx_http_cognito_auth_set_header(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_cognito_auth_merge_headers(ngx_conf_t *cf,
    ngx_http_cognito_auth_loc_conf_t *conf,
    ngx_http_cognito_auth_loc_conf_t *prev);
ngx_int_t ngx_http_cognito_auth_set_headers(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf);
ngx_int_t ngx_http_cognito_auth_www_authenticate(ngx_http_request_t *r,
    ngx_str_t *value);
ngx_uint_t ngx_http_cognito_auth_same_header(ngx_str_t *a, ngx_str_t *b);
ngx_keyval_t *ngx_http_cognito_auth_header_overridden(
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_array_t *set);
ngx_uint_t ngx_http_cognito_auth_has_header(ngx_http_request_t *r,
    ngx_str_t *name, ngx_http_cognito_auth_value_pt test);


extern ngx_module_t  ngx_http_cognito_auth_module;


#endif /* _NGX_HTTP_COGNITO_AUTH_MODULE_H_INCLUDED_ */
