
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * The module: its tables, the configuration's lifecycle (create, merge,
 * pre- and postconfiguration, and the check that every server serves a
 * pool's jwks= location itself), the per-worker init/exit dispatch to each
 * concern, and the directives cognito_auth, cognito_auth_token_use,
 * cognito_auth_realm, cognito_auth_token, cognito_auth_pool (a table of
 * parameters, one small handler each), cognito_auth_require* and
 * cognito_auth_tenant.  Other directives are parsed by the file that owns
 * their runtime: _zone.c, _cache.c, _revoke.c, _metrics.c, _headers.c and
 * _variables.c.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"


/* a cognito_auth_pool directive while its parameters are read */

typedef struct ngx_http_cognito_auth_pool_param_s
    ngx_http_cognito_auth_pool_param_t;

typedef struct {
    ngx_http_cognito_auth_pool_t        *pool;
    ngx_http_cognito_auth_pool_param_t  *param;
    ngx_str_t                           *arg;     /* name=value, for
                                                     messages */
    ngx_str_t                            value;   /* after the '=' */
    ngx_str_t                            issuer;  /* issuer= */
    ngx_str_t                            multi;   /* multi_region= */
} ngx_http_cognito_auth_pool_arg_t;

typedef char *(*ngx_http_cognito_auth_pool_param_pt)(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg);

struct ngx_http_cognito_auth_pool_param_s {
    ngx_str_t                             name;     /* with its '=' */
    ngx_http_cognito_auth_pool_param_pt   handler;
    size_t                                offset;   /* of a duration */
};


/*
 * Per server: the pools its locations use and its top-level locations,
 * noted while locations merge, to check the jwks= locations once the
 * whole configuration is read.
 */

typedef struct {
    ngx_array_t                    pools;      /* ngx_http_cognito_auth_pool_t
                                                  * */
    ngx_array_t                    locations;  /* ngx_http_core_loc_conf_t
                                                  * */
    ngx_array_t                    headered;   /* void **: the loc_conf of
                                                  each level with trusted
                                                  headers */
} ngx_http_cognito_auth_srv_conf_t;


/* nginx's slot functions, as in ngx_command_t */
typedef char *(*ngx_http_cognito_auth_slot_pt)(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);


/*
 * leeway= above 5m warns: it is Cognito's shortest token validity, and the
 * clock skew Kerberos and Microsoft's JWT handlers tolerate by default;
 * above 1d, Cognito's longest id and access token validity, it is refused:
 * an expired token would then be accepted longer than any token lives.
 * jwks_ttl= below 1m warns: an unknown kid forces a refresh anyway.
 */
#define NGX_HTTP_COGNITO_AUTH_LEEWAY_WARN     300
#define NGX_HTTP_COGNITO_AUTH_LEEWAY_MAX      86400
#define NGX_HTTP_COGNITO_AUTH_JWKS_TTL_WARN   60

/* "location ... of server ... in file:line", for messages */
#define NGX_HTTP_COGNITO_AUTH_WHERE_LEN       512


static void *ngx_http_cognito_auth_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_cognito_auth_init_main_conf(ngx_conf_t *cf,
    void *conf);
static void *ngx_http_cognito_auth_create_srv_conf(ngx_conf_t *cf);
static void *ngx_http_cognito_auth_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_cognito_auth_merge_loc_conf(ngx_conf_t *cf,
    void *parent, void *child);
static char *ngx_http_cognito_auth_merge_all(ngx_conf_t *cf,
    ngx_array_t **conf, ngx_array_t *prev);
static char *ngx_http_cognito_auth_note_location(ngx_conf_t *cf,
    ngx_http_cognito_auth_loc_conf_t *conf,
    ngx_http_cognito_auth_loc_conf_t *prev);
static ngx_int_t ngx_http_cognito_auth_check_loc(ngx_conf_t *cf,
    ngx_http_cognito_auth_loc_conf_t *conf);
static u_char *ngx_http_cognito_auth_where(ngx_http_core_srv_conf_t *cscf,
    ngx_http_core_loc_conf_t *clcf, u_char *buf);
static ngx_int_t ngx_http_cognito_auth_check_servers(ngx_conf_t *cf);
static ngx_int_t ngx_http_cognito_auth_check_server_jwks(ngx_conf_t *cf,
    ngx_http_core_srv_conf_t *cscf, ngx_http_cognito_auth_pool_t *pool);
static ngx_http_core_loc_conf_t *ngx_http_cognito_auth_check_server_uri(
    ngx_conf_t *cf, ngx_http_core_srv_conf_t *cscf, ngx_str_t *uri,
    ngx_str_t *user, const char *param, const char *what);
#if (NGX_HTTP_SSL)
static void ngx_http_cognito_auth_check_fetch_tls(ngx_conf_t *cf,
    ngx_http_core_srv_conf_t *cscf, ngx_http_core_loc_conf_t *clcf,
    ngx_str_t *user, const char *param, ngx_str_t *uri, const char *risk);
#endif
static ngx_int_t ngx_http_cognito_auth_check_server_headers(ngx_conf_t *cf,
    ngx_http_core_srv_conf_t *cscf, ngx_command_t *cmd, ngx_uint_t index);
static void ngx_http_cognito_auth_check_return(ngx_conf_t *cf,
    ngx_http_cognito_auth_loc_conf_t *conf);
static ngx_command_t *ngx_http_cognito_auth_proxy_command(ngx_conf_t *cf,
    char *name, ngx_http_cognito_auth_slot_pt set, ngx_uint_t *index);
static ngx_int_t ngx_http_cognito_auth_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_cognito_auth_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_cognito_auth_init_process(ngx_cycle_t *cycle);
static void ngx_http_cognito_auth_exit_process(ngx_cycle_t *cycle);
static ngx_http_cognito_auth_main_conf_t *ngx_http_cognito_auth_cycle_conf(
    ngx_cycle_t *cycle);

static char *ngx_http_cognito_auth_pool(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_cognito_auth_pool_params_parse(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg);
static char *ngx_http_cognito_auth_pool_times(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_t *pool);
static ngx_http_cognito_auth_pool_t *ngx_http_cognito_auth_find_pool(
    ngx_http_cognito_auth_main_conf_t *camcf, ngx_str_t *name);
static char *ngx_http_cognito_auth_pool_client_id(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg);
static char *ngx_http_cognito_auth_pool_jwks(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg);
static char *ngx_http_cognito_auth_pool_jwks_file(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg);
static char *ngx_http_cognito_auth_pool_issuer(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg);
static char *ngx_http_cognito_auth_pool_multi_region(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg);
static char *ngx_http_cognito_auth_pool_duration(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg);
static char *ngx_http_cognito_auth_pool_signin(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg);
static char *ngx_http_cognito_auth_pool_algs(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg);
static char *ngx_http_cognito_auth_pool_issuers(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg);
static ngx_int_t ngx_http_cognito_auth_valid_pool_id(ngx_str_t *id,
    ngx_str_t *region);
static char *ngx_http_cognito_auth_add_issuer(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_t *pool, const char *fmt, ngx_str_t *region);
static char *ngx_http_cognito_auth_cstr(ngx_conf_t *cf, ngx_array_t *a,
    u_char *data, size_t len);
static char *ngx_http_cognito_auth(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_cognito_auth_token_use(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_cognito_auth_any_list(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_cognito_auth_tenant_conf(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_cognito_auth_require(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static cognito_rule_t *ngx_http_cognito_auth_rule(ngx_conf_t *cf,
    ngx_str_t *args, ngx_uint_t nargs);
static ngx_int_t ngx_http_cognito_auth_rule_path(ngx_conf_t *cf,
    cognito_rule_t *rule, ngx_str_t *arg);
static ngx_int_t ngx_http_cognito_auth_compile(ngx_conf_t *cf,
    ngx_str_t *value, ngx_http_complex_value_t *cv);


/* cognito_auth_token_scheme: how Authorization carries the token */
static ngx_conf_enum_t  ngx_http_cognito_auth_token_schemes[] = {
    { ngx_string("bearer"), COGNITO_SCHEME_BEARER },
    { ngx_string("bare"), COGNITO_SCHEME_BARE },
    { ngx_string("any"), COGNITO_SCHEME_BEARER|COGNITO_SCHEME_BARE },
    { ngx_null_string, 0 }
};


static ngx_command_t  ngx_http_cognito_auth_commands[] = {

    { ngx_string("cognito_auth_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_cognito_auth_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth_cache"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_cognito_auth_cache_conf,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth_revocation_list"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_cognito_auth_revocation_list,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth_pool"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_2MORE,
      ngx_http_cognito_auth_pool,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth_session_key_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_cognito_auth_session_key_file,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth_signin"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_cognito_auth_signin,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth_signin_callback"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_cognito_auth_signin_callback_conf,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth_signin_logout"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_cognito_auth_signin_logout_conf,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth_session_bearer"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_cognito_auth_session_bearer,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth_signin_api"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_cognito_auth_signin_api,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth_session_cookie"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_cognito_auth_session_cookie,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_cognito_auth,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth_token_use"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_cognito_auth_token_use,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth_realm"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_cognito_auth_loc_conf_t, realm),
      NULL },

    { ngx_string("cognito_auth_token"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_cognito_auth_loc_conf_t, token),
      NULL },

    { ngx_string("cognito_auth_token_scheme"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_cognito_auth_loc_conf_t, token_scheme),
      &ngx_http_cognito_auth_token_schemes },

    { ngx_string("cognito_auth_preflight"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_cognito_auth_loc_conf_t, preflight),
      NULL },

    { ngx_string("cognito_auth_require_group"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_cognito_auth_any_list,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_cognito_auth_loc_conf_t, groups),
      NULL },

    { ngx_string("cognito_auth_require_scope"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_cognito_auth_any_list,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_cognito_auth_loc_conf_t, scopes),
      NULL },

    { ngx_string("cognito_auth_require"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_cognito_auth_require,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth_tenant"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_cognito_auth_tenant_conf,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth_set_header"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_cognito_auth_set_header,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth_metrics"),
      NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_cognito_auth_metrics,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cognito_auth_claim_set"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_2MORE,
      ngx_http_cognito_auth_claim_set,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_cognito_auth_module_ctx = {
    ngx_http_cognito_auth_preconfiguration, /* preconfiguration */
    ngx_http_cognito_auth_init,             /* postconfiguration */

    ngx_http_cognito_auth_create_main_conf, /* create main configuration */
    ngx_http_cognito_auth_init_main_conf,   /* init main configuration */

    ngx_http_cognito_auth_create_srv_conf,  /* create server configuration */
    NULL,                                   /* merge server configuration */

    ngx_http_cognito_auth_create_loc_conf,  /* create location configuration */
    ngx_http_cognito_auth_merge_loc_conf    /* merge location configuration */
};


ngx_module_t  ngx_http_cognito_auth_module = {
    NGX_MODULE_V1,
    &ngx_http_cognito_auth_module_ctx,     /* module context */
    ngx_http_cognito_auth_commands,        /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_cognito_auth_init_process,    /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_cognito_auth_exit_process,    /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_http_cognito_auth_pool_param_t
    ngx_http_cognito_auth_pool_params[] =
{

    { ngx_string("client_id="), ngx_http_cognito_auth_pool_client_id, 0 },
    { ngx_string("jwks="), ngx_http_cognito_auth_pool_jwks, 0 },
    { ngx_string("jwks_file="), ngx_http_cognito_auth_pool_jwks_file, 0 },
    { ngx_string("issuer="), ngx_http_cognito_auth_pool_issuer, 0 },
    { ngx_string("multi_region="), ngx_http_cognito_auth_pool_multi_region,
      0 },
    { ngx_string("jwks_ttl="), ngx_http_cognito_auth_pool_duration,
      offsetof(ngx_http_cognito_auth_pool_t, jwks_ttl) },
    { ngx_string("leeway="), ngx_http_cognito_auth_pool_duration,
      offsetof(ngx_http_cognito_auth_pool_t, leeway) },
    { ngx_string("jwks_refresh_min="), ngx_http_cognito_auth_pool_duration,
      offsetof(ngx_http_cognito_auth_pool_t, refresh_min) },
    { ngx_string("algs="), ngx_http_cognito_auth_pool_algs, 0 },
    { ngx_string("domain="), ngx_http_cognito_auth_pool_signin,
      offsetof(ngx_http_cognito_auth_pool_t, domain) },
    { ngx_string("token="), ngx_http_cognito_auth_pool_signin,
      offsetof(ngx_http_cognito_auth_pool_t, token_uri) },
    { ngx_null_string, NULL, 0 }
};


static ngx_str_t  ngx_http_cognito_auth_default_realm = ngx_string("cognito");
static ngx_str_t  ngx_http_cognito_auth_token_example =
    ngx_string("cookie_id_token");


static void *
ngx_http_cognito_auth_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_cognito_auth_main_conf_t  *camcf;

    camcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_cognito_auth_main_conf_t));
    if (camcf == NULL) {
        return NULL;
    }

    /*
     * Room for every pool at once: locations hold pointers to pools, and a
     * pool defined after a server that uses an earlier one (a conf.d file
     * each) must not move the array, or they would keep a stale copy.
     */

    if (ngx_array_init(&camcf->pools, cf->pool,
                       NGX_HTTP_COGNITO_AUTH_MAX_POOLS,
                       sizeof(ngx_http_cognito_auth_pool_t))
        != NGX_OK)
    {
        return NULL;
    }

    camcf->cache_size = NGX_CONF_UNSET_UINT;

    return camcf;
}


static char *
ngx_http_cognito_auth_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_cognito_auth_main_conf_t *camcf = conf;

    ngx_conf_init_uint_value(camcf->cache_size,
                             NGX_HTTP_COGNITO_AUTH_CACHE_SIZE);

    return NGX_CONF_OK;
}


static void *
ngx_http_cognito_auth_create_srv_conf(ngx_conf_t *cf)
{
    ngx_http_cognito_auth_srv_conf_t  *cascf;

    cascf = ngx_pcalloc(cf->pool, sizeof(ngx_http_cognito_auth_srv_conf_t));
    if (cascf == NULL) {
        return NULL;
    }

    if (ngx_array_init(&cascf->pools, cf->pool, 2,
                       sizeof(ngx_http_cognito_auth_pool_t *))
        != NGX_OK
        || ngx_array_init(&cascf->locations, cf->pool, 4,
                          sizeof(ngx_http_core_loc_conf_t *))
           != NGX_OK
        || ngx_array_init(&cascf->headered, cf->pool, 4, sizeof(void **))
           != NGX_OK)
    {
        return NULL;
    }

    return cascf;
}


static void *
ngx_http_cognito_auth_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_cognito_auth_loc_conf_t  *calcf;

    calcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_cognito_auth_loc_conf_t));
    if (calcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     calcf->realm = { 0, NULL };
     *     calcf->tenant_type = 0;
     *     calcf->tenant_claim = { 0, NULL };
     *     calcf->tenant_regex = NULL;
     */

    calcf->pools = NGX_CONF_UNSET_PTR;
    calcf->token_use = NGX_CONF_UNSET_UINT;
    calcf->token = NGX_CONF_UNSET_PTR;
    calcf->token_scheme = NGX_CONF_UNSET_UINT;
    calcf->groups = NGX_CONF_UNSET_PTR;
    calcf->scopes = NGX_CONF_UNSET_PTR;
    calcf->requires = NGX_CONF_UNSET_PTR;
    calcf->headers = NGX_CONF_UNSET_PTR;
    calcf->tenant_required = NGX_CONF_UNSET;
    calcf->preflight = NGX_CONF_UNSET;

    calcf->session = ngx_http_cognito_auth_session_create_conf(cf);
    if (calcf->session == NULL) {
        return NULL;
    }

    return calcf;
}


static char *
ngx_http_cognito_auth_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child)
{
    ngx_http_cognito_auth_loc_conf_t  *prev = parent;
    ngx_http_cognito_auth_loc_conf_t  *conf = child;

    ngx_conf_merge_ptr_value(conf->pools, prev->pools, NULL);
    ngx_conf_merge_uint_value(conf->token_use, prev->token_use,
                              COGNITO_USE_ANY);
    ngx_conf_merge_str_value(conf->realm, prev->realm,
                             ngx_http_cognito_auth_default_realm.data);
    ngx_conf_merge_ptr_value(conf->token, prev->token, NULL);
    ngx_conf_merge_uint_value(conf->token_scheme, prev->token_scheme,
                              COGNITO_SCHEME_BEARER);
    ngx_conf_merge_value(conf->preflight, prev->preflight, 0);

    /*
     * Requirements and trusted headers add up from http to the innermost
     * location: a level adds its own to its parent's and never drops one.
     * Requirement lines are all checked (AND); a header set at several
     * levels takes the innermost value.
     */

    if (ngx_http_cognito_auth_merge_all(cf, &conf->groups, prev->groups)
        != NGX_CONF_OK
        || ngx_http_cognito_auth_merge_all(cf, &conf->scopes, prev->scopes)
           != NGX_CONF_OK
        || ngx_http_cognito_auth_merge_all(cf, &conf->requires,
                                           prev->requires)
           != NGX_CONF_OK
        || ngx_http_cognito_auth_merge_headers(cf, conf, prev) != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    /*
     * One tenant rule defines $cognito_tenant: the innermost.  "required"
     * is a requirement, so it holds in every inner level, whose own rule
     * must then find a tenant.
     */

    if (conf->tenant_type == 0) {
        conf->tenant_type = prev->tenant_type;
        conf->tenant_claim = prev->tenant_claim;
#if (NGX_PCRE)
        conf->tenant_regex = prev->tenant_regex;
        conf->tenant_captures = prev->tenant_captures;
#endif
        conf->tenant_required = prev->tenant_required;

    } else if (prev->tenant_required == 1) {
        conf->tenant_required = 1;
    }

    ngx_conf_merge_value(conf->tenant_required, prev->tenant_required, 0);

    if (conf->realm.len == 0 || ngx_strchr(conf->realm.data, '"') != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"cognito_auth_realm\" must be non-empty and "
                           "must not contain '\"'");
        return NGX_CONF_ERROR;
    }

    if (ngx_http_cognito_auth_check_loc(cf, conf) != NGX_OK
        || ngx_http_cognito_auth_session_merge_conf(cf, conf, prev)
           != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    return ngx_http_cognito_auth_note_location(cf, conf, prev);
}


/*
 * What a level's merged configuration cannot mean.  Checked at every
 * level, so a setting inherited from http or server counts where it acts.
 */

static ngx_int_t
ngx_http_cognito_auth_check_loc(ngx_conf_t *cf,
    ngx_http_cognito_auth_loc_conf_t *conf)
{
    u_char                    *p, *last, where[NGX_HTTP_COGNITO_AUTH_WHERE_LEN];
    ngx_str_t                 *v;
    ngx_http_core_srv_conf_t  *cscf;
    ngx_http_core_loc_conf_t  *clcf;

    cscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);
    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (conf->token != NULL && conf->token->lengths == NULL) {
        v = &conf->token->value;
        last = ngx_http_cognito_auth_where(cscf, clcf, where);

        for (p = v->data; p < v->data + v->len; p++) {
            if (!(isalnum(*p) || *p == '_')) {
                break;
            }
        }

        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "cognito_auth_token \"%V\" in %*s is a literal, "
                      "never a token: did you mean \"$%V\"?",
                      v, last - where, where,
                      (v->len && p == v->data + v->len)
                      ? v : &ngx_http_cognito_auth_token_example);
        return NGX_ERROR;
    }

    if (conf->pools != NULL && conf->scopes != NULL
        && conf->token_use == COGNITO_USE_ID)
    {
        last = ngx_http_cognito_auth_where(cscf, clcf, where);

        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "cognito_auth_require_scope in %*s can never pass: "
                      "cognito_auth_token_use is \"id\" there, and id "
                      "tokens carry no scope (every request would be "
                      "403); accept access tokens "
                      "(\"cognito_auth_token_use access\") or require a "
                      "group or a claim instead",
                      last - where, where);
        return NGX_ERROR;
    }

    if (conf->pools != NULL) {
        ngx_http_cognito_auth_check_return(cf, conf);
    }

    return NGX_OK;
}


/*
 * A level whose first rewrite instruction is "return" answers in the
 * (server) rewrite phase, before the access phase: cognito_auth never runs
 * there.  The rewrite module keeps its instructions, for this level only,
 * in the array its location configuration begins with (the same struct
 * from nginx 1.22 to 1.31); a "return" inside "if" comes after the "if"
 * instruction and is not unconditional, so only the first one counts.
 * Found by name, as the proxy module's directives are: nginx may be built
 * without the rewrite module.  A warning, not an error: a redirect such as
 * "return 301 https://..." under a protected server is common and harmless.
 */

static void
ngx_http_cognito_auth_check_return(ngx_conf_t *cf,
    ngx_http_cognito_auth_loc_conf_t *conf)
{
    u_char                     *last, where[NGX_HTTP_COGNITO_AUTH_WHERE_LEN];
    ngx_uint_t                  m;
    ngx_array_t               **codes;
    ngx_module_t              **modules;
    ngx_http_script_code_pt    *code;
    ngx_http_core_srv_conf_t   *cscf;
    ngx_http_core_loc_conf_t   *clcf;

    modules = cf->cycle->modules;

    for (m = 0; modules[m]; m++) {
        if (modules[m]->type == NGX_HTTP_MODULE
            && modules[m]->name != NULL
            && ngx_strcmp(modules[m]->name, "ngx_http_rewrite_module") == 0)
        {
            break;
        }
    }

    if (modules[m] == NULL) {
        return;
    }

    codes = ((ngx_http_conf_ctx_t *) cf->ctx)
                ->loc_conf[modules[m]->ctx_index];

    if (codes == NULL || *codes == NULL || (*codes)->nelts == 0) {
        return;
    }

    code = (*codes)->elts;

    if (*code != ngx_http_script_return_code) {
        return;
    }

    cscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);
    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    last = ngx_http_cognito_auth_where(cscf, clcf, where);

    ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                  "cognito_auth never checks %*s: its \"return\" answers "
                  "in the rewrite phase, before the access phase; serve the "
                  "response from a content handler (proxy_pass, root, "
                  "echo, ...), or say \"cognito_auth off;\" there if it is "
                  "meant to be public",
                  last - where, where);
}


static u_char *
ngx_http_cognito_auth_where(ngx_http_core_srv_conf_t *cscf,
    ngx_http_core_loc_conf_t *clcf, u_char *buf)
{
    u_char  *p, *last;

    p = buf;
    last = buf + NGX_HTTP_COGNITO_AUTH_WHERE_LEN;

    if (clcf != NULL && clcf->name.len) {
        p = ngx_slprintf(p, last, "location \"%V\" of ", &clcf->name);
    }

    return ngx_slprintf(p, last, "server \"%V\" in %s:%ui",
                        &cscf->server_name, cscf->file_name, cscf->line);
}


/* the parent's elements, then the level's own; unset at http level */

static char *
ngx_http_cognito_auth_merge_all(ngx_conf_t *cf, ngx_array_t **conf,
    ngx_array_t *prev)
{
    ngx_array_t  *a;

    if (prev == NGX_CONF_UNSET_PTR || prev == NULL || prev->nelts == 0) {
        if (*conf == NGX_CONF_UNSET_PTR) {
            *conf = NULL;
        }

        return NGX_CONF_OK;
    }

    if (*conf == NGX_CONF_UNSET_PTR || *conf == NULL) {
        *conf = prev;
        return NGX_CONF_OK;
    }

    a = ngx_array_create(cf->pool, prev->nelts + (*conf)->nelts, prev->size);
    if (a == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(a->elts, prev->elts, prev->nelts * prev->size);
    ngx_memcpy((u_char *) a->elts + prev->nelts * prev->size, (*conf)->elts,
               (*conf)->nelts * prev->size);
    a->nelts = prev->nelts + (*conf)->nelts;

    *conf = a;

    return NGX_CONF_OK;
}


/*
 * Notes, for the server being merged, the pools this level uses, the level
 * if it sets trusted headers (checked against proxy_set_header once all
 * is merged) and, for a location directly in the server, the location
 * itself.
 */

static char *
ngx_http_cognito_auth_note_location(ngx_conf_t *cf,
    ngx_http_cognito_auth_loc_conf_t *conf,
    ngx_http_cognito_auth_loc_conf_t *prev)
{
    void                             ***lc;
    ngx_uint_t                          i, j;
    ngx_http_core_srv_conf_t           *cscf;
    ngx_http_core_loc_conf_t           *clcf, **cl;
    ngx_http_cognito_auth_pool_t      **pools, **used, **pp;
    ngx_http_cognito_auth_srv_conf_t   *cascf;
    ngx_http_cognito_auth_loc_conf_t   *server;

    cscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);
    cascf = ngx_http_conf_get_module_srv_conf(cf,
                                              ngx_http_cognito_auth_module);

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    server = cscf->ctx->loc_conf[ngx_http_cognito_auth_module.ctx_index];

    if (prev == server) {
        cl = ngx_array_push(&cascf->locations);
        if (cl == NULL) {
            return NGX_CONF_ERROR;
        }

        *cl = clcf;
    }

    if (conf->headers != NULL) {

        /* a server's own clcf->loc_conf is not set: the level's ctx is */

        lc = ngx_array_push(&cascf->headered);
        if (lc == NULL) {
            return NGX_CONF_ERROR;
        }

        *lc = ((ngx_http_conf_ctx_t *) cf->ctx)->loc_conf;
    }

    if (conf->pools == NULL) {
        return NGX_CONF_OK;
    }

    pools = conf->pools->elts;

    for (i = 0; i < conf->pools->nelts; i++) {
        used = cascf->pools.elts;

        for (j = 0; j < cascf->pools.nelts; j++) {
            if (used[j] == pools[i]) {
                break;
            }
        }

        if (j < cascf->pools.nelts) {
            continue;
        }

        pp = ngx_array_push(&cascf->pools);
        if (pp == NULL) {
            return NGX_CONF_ERROR;
        }

        *pp = pools[i];
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_cognito_auth_preconfiguration(ngx_conf_t *cf)
{
    return ngx_http_cognito_auth_add_variables(cf);
}


static ngx_int_t
ngx_http_cognito_auth_init(ngx_conf_t *cf)
{
    ngx_uint_t                          i;
    ngx_http_handler_pt                *h;
    ngx_http_core_main_conf_t          *cmcf;
    ngx_http_cognito_auth_pool_t       *pool;
    ngx_http_cognito_auth_main_conf_t  *camcf;

    camcf = ngx_http_conf_get_module_main_conf(cf,
                                               ngx_http_cognito_auth_module);

    if (camcf->pools.nelts == 0) {
        return NGX_OK;
    }

    pool = camcf->pools.elts;

    for (i = 0; i < camcf->pools.nelts; i++) {
        if (pool[i].jwks_uri.len && camcf->shm_zone == NULL) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "cognito_auth_pool \"%V\" fetches its JWKS with "
                          "jwks=, which needs a \"cognito_auth_zone\"",
                          &pool[i].name);
            return NGX_ERROR;
        }
    }

    if (ngx_http_cognito_auth_check_servers(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_cognito_auth_handler;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_PRECONTENT_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_cognito_auth_precontent_handler;

    return NGX_OK;
}


/*
 * Once the whole configuration is merged, server by server: the jwks=
 * locations of the pools it uses, and its levels' trusted headers against
 * proxy_set_header.
 */

static ngx_int_t
ngx_http_cognito_auth_check_servers(ngx_conf_t *cf)
{
    ngx_uint_t                          s, i, index;
    ngx_command_t                      *cmd;
    ngx_http_core_srv_conf_t          **cscfp;
    ngx_http_core_main_conf_t          *cmcf;
    ngx_http_cognito_auth_pool_t      **pools;
    ngx_http_core_loc_conf_t           *clcf;
    ngx_http_cognito_auth_srv_conf_t   *cascf;
    ngx_http_cognito_auth_main_conf_t  *camcf;

    static ngx_str_t  revocation = ngx_string("cognito_auth_revocation_list");

    camcf = ngx_http_conf_get_module_main_conf(cf,
                                               ngx_http_cognito_auth_module);

    cmd = ngx_http_cognito_auth_proxy_command(cf, "proxy_set_header",
                                              ngx_conf_set_keyval_slot,
                                              &index);

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    cscfp = cmcf->servers.elts;

    for (s = 0; s < cmcf->servers.nelts; s++) {
        cascf = cscfp[s]->ctx->srv_conf[ngx_http_cognito_auth_module.ctx_index];
        pools = cascf->pools.elts;

        for (i = 0; i < cascf->pools.nelts; i++) {
            if (pools[i]->jwks_uri.len == 0) {
                continue;
            }

            if (ngx_http_cognito_auth_check_server_jwks(cf, cscfp[s],
                                                        pools[i])
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        /* the revocation list's uri=, where any token is checked */

        if (camcf->revocation_uri.len && cascf->pools.nelts) {
            clcf = ngx_http_cognito_auth_check_server_uri(cf, cscfp[s],
                                                   &camcf->revocation_uri,
                                                   &revocation, "uri",
                                                   "the revocation list");
            if (clcf == NULL) {
                return NGX_ERROR;
            }

#if (NGX_HTTP_SSL)
            ngx_http_cognito_auth_check_fetch_tls(cf, cscfp[s], clcf,
                                                  &revocation, "uri",
                                                  &camcf->revocation_uri,
                                                  "serve an empty list and "
                                                  "let revoked tokens in");
#endif
        }

        if (cmd != NULL
            && ngx_http_cognito_auth_check_server_headers(cf, cscfp[s], cmd,
                                                          index)
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * The jwks= URI is looked up, by the subrequest, in the server of the
 * request that triggers the fetch, and the keys it brings serve every
 * server.  So every server that uses the pool must serve the URI itself,
 * from an internal "location =" or "location ^~" that no regex location
 * can take over; otherwise a client could choose where the keys come from.
 */

static ngx_int_t
ngx_http_cognito_auth_check_server_jwks(ngx_conf_t *cf,
    ngx_http_core_srv_conf_t *cscf, ngx_http_cognito_auth_pool_t *pool)
{
    ngx_str_t                  user;
    ngx_http_core_loc_conf_t  *clcf;

    user.len = sizeof("cognito_auth_pool \"\"") - 1 + pool->name.len;
    user.data = ngx_pnalloc(cf->temp_pool, user.len);
    if (user.data == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(user.data, "cognito_auth_pool \"%V\"", &pool->name);

    clcf = ngx_http_cognito_auth_check_server_uri(cf, cscf, &pool->jwks_uri,
                                                  &user, "jwks",
                                                  "the pool's keys");
    if (clcf == NULL) {
        return NGX_ERROR;
    }

#if (NGX_HTTP_SSL)
    ngx_http_cognito_auth_check_fetch_tls(cf, cscf, clcf, &user, "jwks",
                                          &pool->jwks_uri,
                                          "serve keys and mint accepted "
                                          "tokens");
#endif

    if (pool->jwks_ctx == NULL) {
        pool->jwks_ctx = cscf->ctx;      /* where the startup fetch runs */
    }

    return NGX_OK;
}


/*
 * The location that serves a fetch's uri in this server, as nginx finds a
 * static location, if it is an internal exact or "^~" one; else NULL,
 * logged: "user" (a directive) has no such location for its "param"=uri,
 * which brings "what".
 */

static ngx_http_core_loc_conf_t *
ngx_http_cognito_auth_check_server_uri(ngx_conf_t *cf,
    ngx_http_core_srv_conf_t *cscf, ngx_str_t *uri, ngx_str_t *user,
    const char *param, const char *what)
{
    ngx_uint_t                          i;
    ngx_http_core_loc_conf_t          **cl, *clcf, *prefix;
    ngx_http_cognito_auth_srv_conf_t   *cascf;

    cascf = cscf->ctx->srv_conf[ngx_http_cognito_auth_module.ctx_index];

    cl = cascf->locations.elts;

    clcf = NULL;
    prefix = NULL;

    /* as nginx finds a static location: the exact one, or longest prefix */

    for (i = 0; i < cascf->locations.nelts; i++) {

        if (cl[i]->named || cl[i]->noname
#if (NGX_PCRE)
            || cl[i]->regex != NULL
#endif
           )
        {
            continue;
        }

        if (cl[i]->exact_match) {
            if (cl[i]->name.len == uri->len
                && ngx_filename_cmp(cl[i]->name.data, uri->data, uri->len)
                   == 0)
            {
                clcf = cl[i];
                break;
            }

            continue;
        }

        if (cl[i]->name.len <= uri->len
            && ngx_filename_cmp(cl[i]->name.data, uri->data,
                                cl[i]->name.len)
               == 0
            && (prefix == NULL || cl[i]->name.len > prefix->name.len))
        {
            prefix = cl[i];
        }
    }

    if (clcf == NULL) {
        clcf = prefix;
    }

    if (clcf == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "server \"%V\" in %s:%ui uses %V but has no location "
                      "for its %s=%V: add \"location = %V { internal; ... }\" "
                      "to this server, or a request to it fetches %s from "
                      "whatever serves \"%V\" there",
                      &cscf->server_name, cscf->file_name, cscf->line,
                      user, param, uri, uri, what, uri);
        return NULL;
    }

    if (!clcf->exact_match && !clcf->noregex) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "server \"%V\" in %s:%ui uses %V, but its %s=%V is "
                      "served there by \"location %V\": add \"location = %V "
                      "{ internal; ... }\" to this server (or an internal "
                      "\"location ^~\", which no regex location can take "
                      "over)",
                      &cscf->server_name, cscf->file_name, cscf->line,
                      user, param, uri, &clcf->name, uri);
        return NULL;
    }

    if (!clcf->internal) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "server \"%V\" in %s:%ui uses %V, whose %s=%V is "
                      "served there by \"location %s%V\", which is not "
                      "\"internal\"",
                      &cscf->server_name, cscf->file_name, cscf->line,
                      user, param, uri, clcf->exact_match ? "= " : "^~ ",
                      &clcf->name);
        return NULL;
    }

    return clcf;
}


#if (NGX_HTTP_SSL)

/*
 * A jwks= (or revocation list uri=) location that proxies over TLS without
 * verifying the peer lets anyone on the network path serve keys (or an
 * empty list).  The proxy module's location configuration is private: its
 * upstream settings, a public ngx_http_upstream_conf_t, are found at the
 * offset its own directive table gives for proxy_ssl_verify, confirmed by
 * proxy_connect_timeout's; if the two disagree nothing is checked.
 * upstream.ssl is set for a proxy_pass to https:// (and for one with
 * variables, whose scheme is known only at run time).
 */

static void
ngx_http_cognito_auth_check_fetch_tls(ngx_conf_t *cf,
    ngx_http_core_srv_conf_t *cscf, ngx_http_core_loc_conf_t *clcf,
    ngx_str_t *user, const char *param, ngx_str_t *uri, const char *risk)
{
    size_t                     base;
    ngx_uint_t                 index;
    ngx_command_t             *verify, *timeout;
    ngx_http_upstream_conf_t  *ucf;

    verify = ngx_http_cognito_auth_proxy_command(cf, "proxy_ssl_verify",
                                                 ngx_conf_set_flag_slot,
                                                 &index);
    timeout = ngx_http_cognito_auth_proxy_command(cf, "proxy_connect_timeout",
                                                  ngx_conf_set_msec_slot,
                                                  &index);

    if (verify == NULL || timeout == NULL) {
        return;
    }

    base = verify->offset - offsetof(ngx_http_upstream_conf_t, ssl_verify);

    if (timeout->offset
        != base + offsetof(ngx_http_upstream_conf_t, connect_timeout))
    {
        return;
    }

    ucf = (ngx_http_upstream_conf_t *)
              ((u_char *) clcf->loc_conf[index] + base);

    if (ucf->ssl == NULL || ucf->ssl_verify == 1) {
        return;
    }

    ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                  "server \"%V\" in %s:%ui: the %s=%V location of %V "
                  "proxies over TLS without \"proxy_ssl_verify on\", so "
                  "anyone on the network path can %s: add "
                  "\"proxy_ssl_verify on; proxy_ssl_trusted_certificate "
                  "<CA bundle>; proxy_ssl_server_name on;\" to "
                  "\"location %V\"",
                  &cscf->server_name, cscf->file_name, cscf->line,
                  param, uri, user, risk, &clcf->name);
}

#endif


/*
 * proxy_set_header Name in a level that also has cognito_auth_set_header
 * Name replaces the trusted value upstream.  proxy_set_header is parsed by
 * ngx_conf_set_keyval_slot, which stores an array of ngx_keyval_t at the
 * offset the proxy module's directive table gives; proxy's merge inherits
 * it as nginx documents, so each level holds what it sends.
 */

static ngx_int_t
ngx_http_cognito_auth_check_server_headers(ngx_conf_t *cf,
    ngx_http_core_srv_conf_t *cscf, ngx_command_t *cmd, ngx_uint_t index)
{
    void                             ***lc;
    u_char                             *last;
    ngx_uint_t                          i;
    ngx_keyval_t                       *kv;
    ngx_array_t                        *set;
    ngx_http_cognito_auth_srv_conf_t   *cascf;
    ngx_http_cognito_auth_loc_conf_t   *calcf;
    u_char                              where[NGX_HTTP_COGNITO_AUTH_WHERE_LEN];

    cascf = cscf->ctx->srv_conf[ngx_http_cognito_auth_module.ctx_index];
    lc = cascf->headered.elts;

    for (i = 0; i < cascf->headered.nelts; i++) {
        set = *(ngx_array_t **) ((u_char *) lc[i][index] + cmd->offset);

        if (set == NULL || set == NGX_CONF_UNSET_PTR) {
            continue;
        }

        calcf = lc[i][ngx_http_cognito_auth_module.ctx_index];

        kv = ngx_http_cognito_auth_header_overridden(calcf, set);
        if (kv == NULL) {
            continue;
        }

        last = ngx_http_cognito_auth_where(cscf,
                                  lc[i][ngx_http_core_module.ctx_index], where);

        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"proxy_set_header %V\" in %*s replaces the trusted "
                      "value of \"cognito_auth_set_header %V\" upstream: "
                      "remove the proxy_set_header (proxy_set_header %V "
                      "\"\" sends none)",
                      &kv->key, last - where, where, &kv->key, &kv->key);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * A directive of ngx_http_proxy_module, when nginx has the module and the
 * directive is parsed by the slot function given, whose contract says what
 * the location configuration holds at cmd->offset.  NULL otherwise, and
 * the check that asked is skipped.  Found by name: a reference to the
 * module's symbol would keep the module from loading into an nginx built
 * without the proxy module.
 */

static ngx_command_t *
ngx_http_cognito_auth_proxy_command(ngx_conf_t *cf, char *name,
    ngx_http_cognito_auth_slot_pt set, ngx_uint_t *index)
{
    ngx_uint_t      m;
    ngx_module_t  **modules;
    ngx_command_t  *cmd;

    modules = cf->cycle->modules;

    for (m = 0; modules[m]; m++) {
        if (modules[m]->type != NGX_HTTP_MODULE
            || modules[m]->name == NULL
            || ngx_strcmp(modules[m]->name, "ngx_http_proxy_module") != 0)
        {
            continue;
        }

        for (cmd = modules[m]->commands; cmd && cmd->name.len; cmd++) {
            if (ngx_strcmp(cmd->name.data, name) == 0
                && cmd->set == set
                && cmd->conf == NGX_HTTP_LOC_CONF_OFFSET)
            {
                *index = modules[m]->ctx_index;
                return cmd;
            }
        }

        return NULL;
    }

    return NULL;
}


/*
 * Each worker's own state: the verified-token cache and the revocation
 * list's timer start with the worker; the cache, the revocation list it
 * loaded and the JWKS keys it parsed go with it.
 */

static ngx_int_t
ngx_http_cognito_auth_init_process(ngx_cycle_t *cycle)
{
    ngx_http_cognito_auth_main_conf_t  *camcf;

    camcf = ngx_http_cognito_auth_cycle_conf(cycle);
    if (camcf == NULL) {
        return NGX_OK;
    }

    ngx_http_cognito_auth_cache_init(cycle, camcf);
    ngx_http_cognito_auth_revocation_init(cycle, camcf);
    ngx_http_cognito_auth_warm_init(cycle, camcf);

    return NGX_OK;
}


static void
ngx_http_cognito_auth_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_cognito_auth_main_conf_t  *camcf;

    camcf = ngx_http_cognito_auth_cycle_conf(cycle);
    if (camcf == NULL) {
        return;
    }

    ngx_http_cognito_auth_revocation_exit(camcf);
    ngx_http_cognito_auth_cache_exit(camcf);
    ngx_http_cognito_auth_jwks_exit(camcf);
}


static ngx_http_cognito_auth_main_conf_t *
ngx_http_cognito_auth_cycle_conf(ngx_cycle_t *cycle)
{
    ngx_http_conf_ctx_t  *hctx;

    hctx = (ngx_http_conf_ctx_t *) cycle->conf_ctx[ngx_http_module.index];
    if (hctx == NULL) {
        return NULL;
    }

    return hctx->main_conf[ngx_http_cognito_auth_module.ctx_index];
}


/*
 * cognito_auth_pool name pool_id client_id=a,b (jwks=/uri | jwks_file=path)
 *     [issuer=URL] [multi_region=on|REGION] [jwks_ttl=1h] [leeway=0s]
 *     [jwks_refresh_min=10s] [algs=RS256,RS384,RS512];
 */

static char *
ngx_http_cognito_auth_pool(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cognito_auth_main_conf_t *camcf = conf;

    u_char                            *p;
    char                              *rv;
    ngx_str_t                         *value;
    ngx_http_cognito_auth_pool_t      *pool;
    ngx_http_cognito_auth_pool_arg_t   arg;

    value = cf->args->elts;

    if (ngx_http_cognito_auth_find_pool(camcf, &value[1]) != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate cognito_auth_pool \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (camcf->pools.nelts >= NGX_HTTP_COGNITO_AUTH_MAX_POOLS) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "too many cognito_auth_pool directives (max %d)",
                           NGX_HTTP_COGNITO_AUTH_MAX_POOLS);
        return NGX_CONF_ERROR;
    }

    pool = ngx_array_push(&camcf->pools);
    if (pool == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(pool, sizeof(ngx_http_cognito_auth_pool_t));

    pool->name = value[1];
    pool->pool_id = value[2];
    pool->jwks_ttl = 3600;
    pool->leeway = 0;
    pool->refresh_min = 10;
    pool->algs = COGNITO_ALG_RS256;

    if (value[1].len == 0 || value[1].len > 64) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid cognito_auth_pool name \"%V\"",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    if (ngx_array_init(&pool->issuers, cf->pool, 2, sizeof(char *))
        != NGX_OK
        || ngx_array_init(&pool->clients, cf->pool, 2, sizeof(char *))
           != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&arg, sizeof(ngx_http_cognito_auth_pool_arg_t));

    arg.pool = pool;

    rv = ngx_http_cognito_auth_pool_params_parse(cf, &arg);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    rv = ngx_http_cognito_auth_pool_issuers(cf, &arg);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    if (pool->clients.nelts == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cognito_auth_pool \"%V\" needs "
                           "client_id=<app client id>[,...]", &pool->name);
        return NGX_CONF_ERROR;
    }

    if ((pool->jwks_uri.len == 0) == (pool->jwks_file.len == 0)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cognito_auth_pool \"%V\" needs exactly one of "
                           "jwks=<location> or jwks_file=<path>",
                           &pool->name);
        return NGX_CONF_ERROR;
    }

    rv = ngx_http_cognito_auth_pool_times(cf, pool);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    p = ngx_snprintf(pool->key, NGX_HTTP_COGNITO_AUTH_KEY_LEN - 1,
                     "%V|%V|%V|%s", &pool->name, &pool->pool_id,
                     &pool->jwks_uri, ((char **) pool->issuers.elts)[0]);
    pool->key_len = p - pool->key;

    if (pool->jwks_file.len) {
        return ngx_http_cognito_auth_load_file(cf, pool);
    }

    return NGX_CONF_OK;
}


/* leeway=, jwks_ttl= and jwks_refresh_min= that make no sense */

static char *
ngx_http_cognito_auth_pool_times(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_t *pool)
{
    if (pool->leeway > NGX_HTTP_COGNITO_AUTH_LEEWAY_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "leeway=%Ts in cognito_auth_pool \"%V\" is "
                           "longer than any Cognito token lives (1d at "
                           "most): leeway is for clock skew; use seconds",
                           pool->leeway, &pool->name);
        return NGX_CONF_ERROR;
    }

    if (pool->leeway > NGX_HTTP_COGNITO_AUTH_LEEWAY_WARN) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "leeway=%Ts in cognito_auth_pool \"%V\" accepts "
                           "tokens that long after they expire: leeway is "
                           "for clock skew, a few seconds with NTP; to keep "
                           "tokens longer, raise their validity in Cognito",
                           pool->leeway, &pool->name);
    }

    if (pool->jwks_uri.len == 0) {
        return NGX_CONF_OK;
    }

    if (pool->jwks_ttl == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwks_ttl=0 in cognito_auth_pool \"%V\" keeps "
                           "no keys: every request would fetch the JWKS "
                           "again; an unknown kid already forces a refresh, "
                           "so use minutes or hours (default 1h)",
                           &pool->name);
        return NGX_CONF_ERROR;
    }

    if (pool->jwks_ttl < pool->refresh_min) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwks_ttl=%Ts in cognito_auth_pool \"%V\" is "
                           "below jwks_refresh_min=%Ts, which spaces the "
                           "fetches: the keys would be refreshed every %Ts, "
                           "not every %Ts; raise jwks_ttl or lower "
                           "jwks_refresh_min",
                           pool->jwks_ttl, &pool->name, pool->refresh_min,
                           pool->refresh_min, pool->jwks_ttl);
        return NGX_CONF_ERROR;
    }

    if (pool->jwks_ttl < NGX_HTTP_COGNITO_AUTH_JWKS_TTL_WARN) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "jwks_ttl=%Ts in cognito_auth_pool \"%V\" fetches "
                           "the JWKS that often for nothing: an unknown kid "
                           "forces a refresh; use minutes or hours",
                           pool->jwks_ttl, &pool->name);
    }

    return NGX_CONF_OK;
}


/* the parameters after the pool id, each through its handler */

static char *
ngx_http_cognito_auth_pool_params_parse(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg)
{
    char                                *rv;
    ngx_str_t                           *value;
    ngx_uint_t                           i;
    ngx_http_cognito_auth_pool_param_t  *param;

    value = cf->args->elts;

    for (i = 3; i < cf->args->nelts; i++) {

        for (param = ngx_http_cognito_auth_pool_params;
             param->name.len;
             param++)
        {
            if (value[i].len >= param->name.len
                && ngx_strncmp(value[i].data, param->name.data,
                               param->name.len)
                   == 0)
            {
                break;
            }
        }

        if (param->name.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid cognito_auth_pool parameter \"%V\"",
                               &value[i]);
            return NGX_CONF_ERROR;
        }

        arg->param = param;
        arg->arg = &value[i];
        arg->value.data = value[i].data + param->name.len;
        arg->value.len = value[i].len - param->name.len;

        rv = param->handler(cf, arg);
        if (rv != NGX_CONF_OK) {
            return rv;
        }
    }

    return NGX_CONF_OK;
}


static ngx_http_cognito_auth_pool_t *
ngx_http_cognito_auth_find_pool(ngx_http_cognito_auth_main_conf_t *camcf,
    ngx_str_t *name)
{
    ngx_uint_t                     i;
    ngx_http_cognito_auth_pool_t  *pool;

    pool = camcf->pools.elts;

    for (i = 0; i < camcf->pools.nelts; i++) {
        if (pool[i].name.len == name->len
            && ngx_strncmp(pool[i].name.data, name->data, name->len) == 0)
        {
            return &pool[i];
        }
    }

    return NULL;
}


/* client_id=a,b: app client ids */

static char *
ngx_http_cognito_auth_pool_client_id(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg)
{
    u_char  *p, *q, *last, *start;
    char    *rv;

    p = arg->value.data;
    last = arg->value.data + arg->value.len;

    while (p <= last) {
        start = p;

        while (p < last && *p != ',') {
            p++;
        }

        for (q = start; q < p; q++) {
            if (!(isalnum(*q) || *q == '_' || *q == '+' || *q == '-')) {
                break;
            }
        }

        if (p == start || q != p || p - start > 128) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid app client id in \"%V\"", arg->arg);
            return NGX_CONF_ERROR;
        }

        rv = ngx_http_cognito_auth_cstr(cf, &arg->pool->clients, start,
                                        p - start);
        if (rv != NGX_CONF_OK) {
            return rv;
        }

        p++;
    }

    return NGX_CONF_OK;
}


/* jwks=/uri: the internal location the keys are fetched from */

static char *
ngx_http_cognito_auth_pool_jwks(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg)
{
    arg->pool->jwks_uri = arg->value;

    if (arg->value.len == 0 || arg->value.data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"jwks=\" must name a location URI "
                           "such as /_cognito_jwks, not \"%V\"", &arg->value);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_cognito_auth_pool_jwks_file(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg)
{
    arg->pool->jwks_file = arg->value;

    if (arg->value.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "empty \"jwks_file=\"");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_cognito_auth_pool_issuer(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg)
{
    ngx_str_t  *issuer;

    issuer = &arg->value;

    if (issuer->len < sizeof("http://x") - 1
        || (ngx_strncmp(issuer->data, "https://", 8) != 0
            && ngx_strncmp(issuer->data, "http://", 7) != 0))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid \"issuer=\" URL \"%V\"", issuer);
        return NGX_CONF_ERROR;
    }

    arg->issuer = *issuer;

    return NGX_CONF_OK;
}


/* domain= and token=: for browser sign-in, checked by _session.c */

static char *
ngx_http_cognito_auth_pool_signin(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg)
{
    return ngx_http_cognito_auth_session_pool_param(cf, &arg->param->name,
               &arg->value, (ngx_str_t *) ((u_char *) arg->pool
                                           + arg->param->offset));
}


/* multi_region=on|REGION: checked with the pool id, once all are read */

static char *
ngx_http_cognito_auth_pool_multi_region(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg)
{
    arg->multi = arg->value;

    return NGX_CONF_OK;
}


/* jwks_ttl=, leeway=, jwks_refresh_min=: the field at its offset */

static char *
ngx_http_cognito_auth_pool_duration(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg)
{
    time_t     t;
    ngx_str_t  s;

    s = arg->value;

    t = ngx_parse_time(&s, 1);

    if (t == (time_t) NGX_ERROR || s.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid duration in \"%V\"", arg->arg);
        return NGX_CONF_ERROR;
    }

    *(time_t *) ((u_char *) arg->pool + arg->param->offset) = t;

    return NGX_CONF_OK;
}


/* algs=RS256,RS384,RS512 */

static char *
ngx_http_cognito_auth_pool_algs(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg)
{
    u_char    *p, *last;
    unsigned   algs;

    algs = 0;
    p = arg->value.data;
    last = arg->value.data + arg->value.len;

    while (p < last) {
        if (last - p < 5) {
            goto invalid;
        }

        if (ngx_strncmp(p, "RS256", 5) == 0) {
            algs |= COGNITO_ALG_RS256;

        } else if (ngx_strncmp(p, "RS384", 5) == 0) {
            algs |= COGNITO_ALG_RS384;

        } else if (ngx_strncmp(p, "RS512", 5) == 0) {
            algs |= COGNITO_ALG_RS512;

        } else {
            goto invalid;
        }

        p += 5;

        if (p < last && (*p++ != ',' || p == last)) {
            goto invalid;
        }
    }

    if (algs == 0) {
        goto invalid;
    }

    arg->pool->algs = algs;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid \"%V\": only RS256, RS384 and RS512 "
                       "may be listed", arg->arg);
    return NGX_CONF_ERROR;
}


/*
 * The issuers a pool accepts: Cognito's, from a pool id <region>_<id>,
 * unless issuer= names another, and with multi_region= the multi-region
 * issuer of the primary or a named region.
 */

static char *
ngx_http_cognito_auth_pool_issuers(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_arg_t *arg)
{
    char                          *rv;
    ngx_str_t                      multi;
    ngx_uint_t                     n;
    ngx_http_cognito_auth_pool_t  *pool;

    pool = arg->pool;

    if (arg->issuer.len == 0) {
        if (ngx_http_cognito_auth_valid_pool_id(&pool->pool_id, &pool->region)
            != NGX_OK)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid user pool id \"%V\" in "
                               "cognito_auth_pool \"%V\": expected "
                               "<region>_<id> such as us-east-1_Ab12Cd34E",
                               &pool->pool_id, &pool->name);
            return NGX_CONF_ERROR;
        }

        rv = ngx_http_cognito_auth_add_issuer(cf, pool,
                                  "https://cognito-idp.%V.amazonaws.com/%V",
                                  &pool->region);

    } else {
        if (pool->pool_id.len == 0 || pool->pool_id.len > 64) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid user pool id \"%V\"",
                               &pool->pool_id);
            return NGX_CONF_ERROR;
        }

        rv = ngx_http_cognito_auth_cstr(cf, &pool->issuers, arg->issuer.data,
                                        arg->issuer.len);
    }

    if (rv != NGX_CONF_OK || arg->multi.len == 0) {
        return rv;
    }

    multi = arg->multi;

    if (ngx_strcmp(multi.data, "on") == 0) {
        if (pool->region.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"multi_region=on\" needs a pool id "
                               "with a region; name the primary region");
            return NGX_CONF_ERROR;
        }

        multi = pool->region;

    } else {
        for (n = 0; n < multi.len; n++) {
            if (!(islower(multi.data[n]) || isdigit(multi.data[n])
                  || multi.data[n] == '-'))
            {
                break;
            }
        }

        if (n != multi.len || multi.len < 4 || multi.len > 32) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid \"multi_region=%V\": expected "
                               "on or a region such as us-east-1", &multi);
            return NGX_CONF_ERROR;
        }
    }

    return ngx_http_cognito_auth_add_issuer(cf, pool,
                              "https://issuer-cognito-idp.%V.amazonaws.com/%V",
                              &multi);
}


static ngx_int_t
ngx_http_cognito_auth_valid_pool_id(ngx_str_t *id, ngx_str_t *region)
{
    u_char  *p, *last, *us;

    /* region: letters and digits in dash-separated parts; id: [0-9A-Za-z] */

    last = id->data + id->len;
    us = ngx_strlchr(id->data, last, '_');

    if (us == NULL || us == id->data || us + 1 == last
        || us - id->data > 32 || last - us > 56)
    {
        return NGX_ERROR;
    }

    if (!islower(id->data[0]) || !isdigit(us[-1])
        || ngx_strlchr(id->data, us, '-') == NULL)
    {
        return NGX_ERROR;
    }

    for (p = id->data; p < us; p++) {
        if (!(islower(*p) || isdigit(*p) || *p == '-')
            || (*p == '-' && p[1] == '-'))
        {
            return NGX_ERROR;
        }
    }

    for (p = us + 1; p < last; p++) {
        if (!isalnum(*p)) {
            return NGX_ERROR;
        }
    }

    region->data = id->data;
    region->len = us - id->data;

    return NGX_OK;
}


static char *
ngx_http_cognito_auth_add_issuer(ngx_conf_t *cf,
    ngx_http_cognito_auth_pool_t *pool, const char *fmt, ngx_str_t *region)
{
    u_char  buf[256], *p;

    p = ngx_snprintf(buf, sizeof(buf), fmt, region, &pool->pool_id);

    return ngx_http_cognito_auth_cstr(cf, &pool->issuers, buf, p - buf);
}


static char *
ngx_http_cognito_auth_cstr(ngx_conf_t *cf, ngx_array_t *a, u_char *data,
    size_t len)
{
    char  **s;

    s = ngx_array_push(a);
    if (s == NULL) {
        return NGX_CONF_ERROR;
    }

    *s = ngx_pnalloc(cf->pool, len + 1);
    if (*s == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(*s, data, len);
    (*s)[len] = '\0';

    return NGX_CONF_OK;
}


/* cognito_auth off | pool ...; */

static char *
ngx_http_cognito_auth(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cognito_auth_loc_conf_t *calcf = conf;

    ngx_str_t                           *value;
    ngx_uint_t                           i, j;
    ngx_http_cognito_auth_pool_t        *pool, **pp;
    ngx_http_cognito_auth_main_conf_t   *camcf;

    if (calcf->pools != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        calcf->pools = NULL;
        return NGX_CONF_OK;
    }

    camcf = ngx_http_conf_get_module_main_conf(cf,
                                               ngx_http_cognito_auth_module);

    calcf->pools = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                    sizeof(ngx_http_cognito_auth_pool_t *));
    if (calcf->pools == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 1; i < cf->args->nelts; i++) {

        pool = ngx_http_cognito_auth_find_pool(camcf, &value[i]);

        if (pool == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unknown cognito_auth_pool \"%V\" (pools "
                               "must be defined at http level before use)",
                               &value[i]);
            return NGX_CONF_ERROR;
        }

        pp = calcf->pools->elts;

        for (j = 0; j < calcf->pools->nelts; j++) {
            if (pp[j] == pool) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "cognito_auth lists \"%V\" twice: "
                                   "name each pool once", &value[i]);
                return NGX_CONF_ERROR;
            }
        }

        pp = ngx_array_push(calcf->pools);
        if (pp == NULL) {
            return NGX_CONF_ERROR;
        }

        *pp = pool;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_cognito_auth_token_use(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cognito_auth_loc_conf_t *calcf = conf;

    ngx_str_t  *value;

    if (calcf->token_use != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "id") == 0) {
        calcf->token_use = COGNITO_USE_ID;

    } else if (ngx_strcmp(value[1].data, "access") == 0) {
        calcf->token_use = COGNITO_USE_ACCESS;

    } else if (ngx_strcmp(value[1].data, "any") == 0) {
        calcf->token_use = COGNITO_USE_ANY;

    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid value \"%V\": expected id, access "
                           "or any", &value[1]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* require_group / require_scope: any of the names on a line; all lines */

static char *
ngx_http_cognito_auth_any_list(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    ngx_str_t                          *value;
    ngx_uint_t                          i;
    ngx_array_t                       **lines, *names;
    ngx_http_complex_value_t           *cv;

    lines = (ngx_array_t **) (p + cmd->offset);

    if (*lines == NGX_CONF_UNSET_PTR) {
        *lines = ngx_array_create(cf->pool, 2, sizeof(ngx_array_t));
        if (*lines == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    names = ngx_array_push(*lines);
    if (names == NULL) {
        return NGX_CONF_ERROR;
    }

    if (ngx_array_init(names, cf->pool, cf->args->nelts - 1,
                       sizeof(ngx_http_complex_value_t))
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        if (value[i].len == 0 || ngx_strlchr(value[i].data,
                                             value[i].data + value[i].len,
                                             ' ')
                                 != NULL)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid name \"%V\"", &value[i]);
            return NGX_CONF_ERROR;
        }

        cv = ngx_array_push(names);
        if (cv == NULL) {
            return NGX_CONF_ERROR;
        }

        /* names may come from variables, e.g. a map on $request_method */

        if (ngx_http_cognito_auth_compile(cf, &value[i], cv) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


/* cognito_auth_tenant claim=NAME | group=REGEX [required]; */

static char *
ngx_http_cognito_auth_tenant_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cognito_auth_loc_conf_t *calcf = conf;

    ngx_str_t  *value;

    if (calcf->tenant_type) {
        return "is duplicate";
    }

    value = cf->args->elts;

    calcf->tenant_required = 0;

    if (cf->args->nelts == 3) {
        if (ngx_strcmp(value[2].data, "required") != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\": expected "
                               "\"required\"", &value[2]);
            return NGX_CONF_ERROR;
        }

        calcf->tenant_required = 1;
    }

    if (ngx_strncmp(value[1].data, "claim=", 6) == 0 && value[1].len > 6) {
        calcf->tenant_type = NGX_HTTP_COGNITO_AUTH_TENANT_CLAIM;
        calcf->tenant_claim.data = value[1].data + 6;
        calcf->tenant_claim.len = value[1].len - 6;
        return NGX_CONF_OK;
    }

    if (ngx_strncmp(value[1].data, "group=", 6) == 0 && value[1].len > 6) {
#if (NGX_PCRE)
        u_char               errstr[NGX_MAX_CONF_ERRSTR];
        ngx_regex_compile_t  rc;

        ngx_memzero(&rc, sizeof(ngx_regex_compile_t));

        rc.pattern.data = value[1].data + 6;
        rc.pattern.len = value[1].len - 6;
        rc.pool = cf->pool;
        rc.err.len = NGX_MAX_CONF_ERRSTR;
        rc.err.data = errstr;

        if (ngx_regex_compile(&rc) != NGX_OK) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid tenant group regex: %V", &rc.err);
            return NGX_CONF_ERROR;
        }

        calcf->tenant_type = NGX_HTTP_COGNITO_AUTH_TENANT_GROUP;
        calcf->tenant_regex = rc.regex;
        calcf->tenant_captures = rc.captures;

        return NGX_CONF_OK;
#else
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"group=\" needs nginx built with PCRE");
        return NGX_CONF_ERROR;
#endif
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\": expected claim=NAME or "
                       "group=REGEX", &value[1]);
    return NGX_CONF_ERROR;
}


/*
 * cognito_auth_require $var ... [error=401|403];
 * cognito_auth_require claim=path op [value ...] [error=401|403];
 */

static char *
ngx_http_cognito_auth_require(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cognito_auth_loc_conf_t *calcf = conf;

    ngx_str_t                          *value;
    ngx_uint_t                          i, n;
    ngx_http_complex_value_t           *cv;
    ngx_http_cognito_auth_require_t    *req;

    if (calcf->requires == NGX_CONF_UNSET_PTR) {
        calcf->requires = ngx_array_create(cf->pool, 2,
                                   sizeof(ngx_http_cognito_auth_require_t));
        if (calcf->requires == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    req = ngx_array_push(calcf->requires);
    if (req == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;
    n = cf->args->nelts;

    req->status = NGX_HTTP_FORBIDDEN;

    if (ngx_strncmp(value[n - 1].data, "error=", 6) == 0) {
        if (ngx_strcmp(value[n - 1].data, "error=401") == 0) {
            req->status = NGX_HTTP_UNAUTHORIZED;

        } else if (ngx_strcmp(value[n - 1].data, "error=403") == 0) {
            req->status = NGX_HTTP_FORBIDDEN;

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid \"%V\": expected error=401 or "
                               "error=403", &value[n - 1]);
            return NGX_CONF_ERROR;
        }

        n--;
    }

    if (n < 2) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cognito_auth_require needs at least one value");
        return NGX_CONF_ERROR;
    }

    req->rule = NULL;

    if (ngx_strncmp(value[1].data, "claim=", 6) == 0) {
        req->rule = ngx_http_cognito_auth_rule(cf, &value[1], n - 1);
        return (req->rule != NULL) ? NGX_CONF_OK : NGX_CONF_ERROR;
    }

    if (ngx_array_init(&req->values, cf->pool, n - 1,
                       sizeof(ngx_http_complex_value_t))
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    for (i = 1; i < n; i++) {
        cv = ngx_array_push(&req->values);
        if (cv == NULL) {
            return NGX_CONF_ERROR;
        }

        if (ngx_http_cognito_auth_compile(cf, &value[i], cv) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


/*
 * A typed rule, parsed once: claim=path (object keys joined by '.'), an
 * operator and literal values, checked here for their number and type;
 * cognito_token_rule() evaluates it.  NULL after logging the error.
 */

static cognito_rule_t *
ngx_http_cognito_auth_rule(ngx_conf_t *cf, ngx_str_t *args,
    ngx_uint_t nargs)
{
    ngx_uint_t       i, want;
    cognito_rule_t  *rule;

    rule = ngx_pcalloc(cf->pool, sizeof(cognito_rule_t));
    if (rule == NULL) {
        return NULL;
    }

    if (ngx_http_cognito_auth_rule_path(cf, rule, &args[0]) != NGX_OK) {
        return NULL;
    }

    rule->op = (nargs > 1) ? cognito_rule_op((char *) args[1].data) : 0;

    if (rule->op == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" needs an operator: eq, ne, in, any, all, "
                           "lt, le, gt, ge or exists", &args[0]);
        return NULL;
    }

    rule->nvalues = nargs - 2;

    /* 0: none, 1: one, 2: one or more */

    want = (rule->op == COGNITO_OP_EXISTS) ? 0
           : (rule->op == COGNITO_OP_IN || rule->op == COGNITO_OP_ANY
              || rule->op == COGNITO_OP_ALL) ? 2 : 1;

    if ((want == 0 && rule->nvalues != 0)
        || (want == 1 && rule->nvalues != 1)
        || (want == 2 && rule->nvalues == 0))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "operator \"%V\" takes %s", &args[1],
                           want == 0 ? "no value"
                           : want == 1 ? "one value" : "one or more values");
        return NULL;
    }

    rule->values = ngx_pcalloc(cf->pool,
                               (rule->nvalues + 1)
                               * sizeof(cognito_rule_value_t));
    if (rule->values == NULL) {
        return NULL;
    }

    for (i = 0; i < rule->nvalues; i++) {
        if (args[i + 2].data[0] == '$') {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\": a typed rule takes literal values, "
                               "not variables", &args[i + 2]);
            return NULL;
        }

        cognito_rule_value(&rule->values[i], (char *) args[i + 2].data,
                           args[i + 2].len);

        if (rule->op >= COGNITO_OP_LT && rule->op <= COGNITO_OP_GE
            && !rule->values[i].isnum)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "operator \"%V\" needs a number, not \"%V\"",
                               &args[1], &args[i + 2]);
            return NULL;
        }
    }

    return rule;
}


/* claim=a.b.c: the keys, each non-empty and NUL-terminated */

static ngx_int_t
ngx_http_cognito_auth_rule_path(ngx_conf_t *cf, cognito_rule_t *rule,
    ngx_str_t *arg)
{
    u_char      *p, *last, *dot, *key;
    ngx_uint_t   i, n;

    p = arg->data + sizeof("claim=") - 1;
    last = arg->data + arg->len;

    n = 1;

    for (dot = p; dot < last; dot++) {
        n += (*dot == '.');
    }

    rule->path = ngx_palloc(cf->pool, n * sizeof(char *));
    if (rule->path == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        dot = ngx_strlchr(p, last, '.');
        if (dot == NULL) {
            dot = last;
        }

        if (dot == p) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\" has an empty claim name", arg);
            return NGX_ERROR;
        }

        key = ngx_pnalloc(cf->pool, dot - p + 1);
        if (key == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(key, p, dot - p);
        key[dot - p] = '\0';
        rule->path[i] = (const char *) key;

        p = dot + 1;
    }

    rule->npath = n;

    /* scope is defined as space-separated words (RFC 6749, 3.3) */

    rule->words = (n == 1 && ngx_strcmp(rule->path[0], "scope") == 0);

    return NGX_OK;
}


static ngx_int_t
ngx_http_cognito_auth_compile(ngx_conf_t *cf, ngx_str_t *value,
    ngx_http_complex_value_t *cv)
{
    ngx_http_compile_complex_value_t  ccv;

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = value;
    ccv.complex_value = cv;

    return ngx_http_compile_complex_value(&ccv);
}
