
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Browser sign-in, the nginx side: cognito_auth_signin,
 * cognito_auth_signin_api, cognito_auth_session_cookie and
 * cognito_auth_session_key_file, and the login redirect to the pool's
 * hosted UI (authorization code with PKCE) with its state cookie.  The
 * sealing, the login state and the checks are cognito_session.c's.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"
#include "cognito_session.h"


#define NGX_HTTP_COGNITO_AUTH_LOGIN_TTL     600      /* the state cookie */
#define NGX_HTTP_COGNITO_AUTH_SESSION_TTL   28800    /* 8h */
#define NGX_HTTP_COGNITO_AUTH_KEY_FILE_MAX  4096
#define NGX_HTTP_COGNITO_AUTH_REFRESH_EARLY 60       /* seconds */


/* cognito_auth_signin pool client_id=ID redirect_uri=URL [scope=...] */
typedef struct {
    ngx_http_cognito_auth_pool_t       *pool;
    ngx_str_t                           client_id;
    ngx_http_complex_value_t            redirect_uri;
    ngx_str_t                           scope;         /* escaped */
    ngx_str_t                           basic;         /* "Basic ..." for a
                                                          client secret */
    ngx_uint_t                          use;           /* COGNITO_USE_ID or
                                                          _ACCESS: what the
                                                          session gives */
} ngx_http_cognito_auth_signin_t;


/* cognito_auth_session_cookie name [domain=] [max_age=] */
typedef struct {
    ngx_str_t                           name;
    ngx_str_t                           login;         /* name_login */
    ngx_str_t                           domain;
    time_t                              max_age;
} ngx_http_cognito_auth_cookie_t;


/* cognito_auth_signin_logout logout_uri=URL [revoke=URI] */
typedef struct {
    ngx_http_complex_value_t            logout_uri;
    ngx_str_t                           revoke;
} ngx_http_cognito_auth_logout_t;


struct ngx_http_cognito_auth_session_conf_s {
    ngx_http_cognito_auth_signin_t     *signin;        /* NULL: off */
    ngx_http_complex_value_t           *api;           /* NULL: Accept and
                                                          Sec-Fetch-Mode */
    ngx_http_cognito_auth_cookie_t     *cookie;
    ngx_uint_t                          callback;      /* not inherited */
    ngx_http_cognito_auth_logout_t     *logout;        /* not inherited */
    ngx_uint_t                          bearer;        /* 0, COGNITO_USE_* */
};


/* a request's session cookie, opened once (ctx->session) */

typedef struct {
    cognito_session_e                   status;
    ngx_str_t                           access;
    ngx_str_t                           id;
    ngx_str_t                           refresh;       /* empty: none */
    time_t                              created;
    time_t                              expires;
} ngx_http_cognito_auth_sess_t;


/* a callback request, from the state cookie to the session */

typedef enum {
    NGX_HTTP_COGNITO_AUTH_CB_EXCHANGE = 0,  /* the code at /oauth2/token */
    NGX_HTTP_COGNITO_AUTH_CB_VERIFY         /* the id token, keys ready */
} ngx_http_cognito_auth_cb_e;


/* what the state is for: one a request, never taken for another */
#define NGX_HTTP_COGNITO_AUTH_CB_CALLBACK   1
#define NGX_HTTP_COGNITO_AUTH_CB_REFRESH    2
#define NGX_HTTP_COGNITO_AUTH_CB_LOGOUT     3


typedef struct {
    ngx_http_cognito_auth_cb_e          phase;
    ngx_uint_t                          kind;     /* _CB_CALLBACK, ... */
    ngx_uint_t                          finished;
    cognito_login_t                     login;
    cognito_tokens_t                    tokens;
    cognito_token_t                    *id;
    ngx_uint_t                          forced;   /* a JWKS refresh asked */
    ngx_http_cognito_auth_flight_t      flight;   /* a refresh's, when its
                                                     request leads it */

    /* the token exchange's end, from its post-subrequest handler */
    ngx_http_cognito_auth_ctx_t        *ctx;
    ngx_int_t                           rc;
    ngx_uint_t                          status;
    ngx_str_t                           body;
    unsigned                            done:1;
} ngx_http_cognito_auth_cb_t;


static ngx_http_cognito_auth_pool_t *ngx_http_cognito_auth_signin_pool(
    ngx_conf_t *cf, ngx_str_t *name);
static char *ngx_http_cognito_auth_signin_param(ngx_conf_t *cf,
    ngx_http_cognito_auth_signin_t *si, ngx_str_t *arg);
static char *ngx_http_cognito_auth_signin_scope(ngx_conf_t *cf,
    ngx_http_cognito_auth_signin_t *si, ngx_str_t *value);
static char *ngx_http_cognito_auth_session_domain(ngx_conf_t *cf,
    ngx_str_t *value, ngx_str_t *domain);
static char *ngx_http_cognito_auth_session_value(ngx_conf_t *cf,
    ngx_str_t *value, ngx_http_complex_value_t *cv);
static char *ngx_http_cognito_auth_session_check(ngx_conf_t *cf,
    ngx_http_cognito_auth_loc_conf_t *conf);
static void ngx_http_cognito_auth_session_keys_cleanup(void *data);
static ngx_uint_t ngx_http_cognito_auth_is_api(ngx_http_request_t *r,
    ngx_http_cognito_auth_session_conf_t *sc);
static ngx_table_elt_t *ngx_http_cognito_auth_header_in(
    ngx_http_request_t *r, const char *name, size_t len,
    ngx_table_elt_t *after);
static ngx_int_t ngx_http_cognito_auth_login_url(ngx_http_request_t *r,
    ngx_http_cognito_auth_signin_t *si, cognito_login_t *login,
    ngx_str_t *url);
static ngx_int_t ngx_http_cognito_auth_set_cookie(ngx_http_request_t *r,
    ngx_http_cognito_auth_cookie_t *ck, ngx_str_t *name, ngx_str_t *value,
    time_t max_age);
static ngx_table_elt_t *ngx_http_cognito_auth_header_out(
    ngx_http_request_t *r, const char *name, size_t len, ngx_str_t *value);
static ngx_int_t ngx_http_cognito_auth_sealed(ngx_http_request_t *r,
    char *sealed, size_t len, ngx_str_t *value);
static ngx_int_t ngx_http_cognito_auth_redirect(ngx_http_request_t *r,
    ngx_str_t *url);
static ngx_table_elt_t *ngx_http_cognito_auth_header(ngx_pool_t *pool,
    ngx_list_t *headers, const char *name, size_t len, ngx_str_t *value);
static ngx_http_cognito_auth_sess_t *ngx_http_cognito_auth_session_open(
    ngx_http_request_t *r, ngx_http_cognito_auth_cookie_t *ck);
static ngx_int_t ngx_http_cognito_auth_session_strip(ngx_http_request_t *r,
    ngx_http_cognito_auth_cookie_t *ck);
static ngx_uint_t ngx_http_cognito_auth_ours(ngx_http_cognito_auth_cookie_t *ck,
    u_char *name, size_t len);
static char *ngx_http_cognito_auth_signin_secret(ngx_conf_t *cf,
    ngx_http_cognito_auth_signin_t *si, ngx_str_t *path);
static ngx_http_cognito_auth_cb_t *ngx_http_cognito_auth_cb_new(
    ngx_http_request_t *r, ngx_http_cognito_auth_ctx_t *ctx, ngx_uint_t kind);
static void ngx_http_cognito_auth_cb_cleanup(void *data);
static ngx_int_t ngx_http_cognito_auth_cb_start(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx,
    ngx_http_cognito_auth_cb_t *cb);
static ngx_int_t ngx_http_cognito_auth_cb_fail(ngx_http_request_t *r,
    ngx_int_t status, const char *why);
static cognito_session_e ngx_http_cognito_auth_cb_login(
    ngx_http_request_t *r, ngx_http_cognito_auth_main_conf_t *camcf,
    ngx_http_cognito_auth_cookie_t *ck, cognito_login_t *login);
static ngx_int_t ngx_http_cognito_auth_cb_exchange(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx,
    ngx_http_cognito_auth_cb_t *cb, ngx_str_t *code);
static ngx_int_t ngx_http_cognito_auth_token_request(ngx_http_request_t *r,
    ngx_http_cognito_auth_signin_t *si, ngx_str_t *uri,
    ngx_http_cognito_auth_ctx_t *ctx, ngx_http_cognito_auth_cb_t *cb,
    ngx_str_t *body);
static ngx_int_t ngx_http_cognito_auth_token_done(ngx_http_request_t *sr,
    void *data, ngx_int_t rc);
static ngx_int_t ngx_http_cognito_auth_cb_tokens(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_cb_t *cb);
static ngx_int_t ngx_http_cognito_auth_cb_verify(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx,
    ngx_http_cognito_auth_cb_t *cb);
static ngx_int_t ngx_http_cognito_auth_logout(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx);
static ngx_int_t ngx_http_cognito_auth_logout_revoke(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx);
static ngx_int_t ngx_http_cognito_auth_logout_done(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf);
static ngx_int_t ngx_http_cognito_auth_cookies_clear(ngx_http_request_t *r,
    ngx_http_cognito_auth_cookie_t *ck);
static ngx_int_t ngx_http_cognito_auth_refresh_join(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx,
    ngx_http_cognito_auth_sess_t *sess);
static ngx_int_t ngx_http_cognito_auth_refresh_start(ngx_http_request_t *r,
    ngx_http_cognito_auth_signin_t *si, ngx_http_cognito_auth_ctx_t *ctx,
    ngx_http_cognito_auth_sess_t *sess, ngx_http_cognito_auth_flight_t *f);
static ngx_int_t ngx_http_cognito_auth_refresh_shared(ngx_http_request_t *r,
    ngx_http_cognito_auth_sess_t *sess, ngx_str_t *sealed);
static ngx_uint_t ngx_http_cognito_auth_refresh_due(
    ngx_http_cognito_auth_signin_t *si, ngx_http_cognito_auth_sess_t *sess);
static ngx_int_t ngx_http_cognito_auth_refresh_done(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_cb_t *cb,
    ngx_http_cognito_auth_sess_t *sess);
static ngx_int_t ngx_http_cognito_auth_sess_copy(ngx_http_request_t *r,
    ngx_http_cognito_auth_sess_t *sess, cognito_tokens_t *t);
static ngx_int_t ngx_http_cognito_auth_cb_session(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_cb_t *cb);
static ngx_int_t ngx_http_cognito_auth_session_set(ngx_http_request_t *r,
    ngx_http_cognito_auth_cookie_t *ck, ngx_str_t *value);


static ngx_http_cognito_auth_cookie_t  ngx_http_cognito_auth_default_cookie =
{
    ngx_string("cognito_session"),
    ngx_string("cognito_session_login"),
    ngx_null_string,
    NGX_HTTP_COGNITO_AUTH_SESSION_TTL
};


ngx_http_cognito_auth_session_conf_t *
ngx_http_cognito_auth_session_create_conf(ngx_conf_t *cf)
{
    ngx_http_cognito_auth_session_conf_t  *sc;

    sc = ngx_pcalloc(cf->pool, sizeof(ngx_http_cognito_auth_session_conf_t));
    if (sc == NULL) {
        return NULL;
    }

    sc->signin = NGX_CONF_UNSET_PTR;
    sc->api = NGX_CONF_UNSET_PTR;
    sc->cookie = NGX_CONF_UNSET_PTR;
    sc->bearer = NGX_CONF_UNSET_UINT;

    return sc;
}


char *
ngx_http_cognito_auth_session_merge_conf(ngx_conf_t *cf,
    ngx_http_cognito_auth_loc_conf_t *conf,
    ngx_http_cognito_auth_loc_conf_t *prev)
{
    ngx_http_cognito_auth_session_conf_t  *sc, *psc;

    sc = conf->session;
    psc = prev->session;

    ngx_conf_merge_ptr_value(sc->signin, psc->signin, NULL);
    ngx_conf_merge_ptr_value(sc->api, psc->api, NULL);
    ngx_conf_merge_ptr_value(sc->cookie, psc->cookie,
                             &ngx_http_cognito_auth_default_cookie);
    ngx_conf_merge_uint_value(sc->bearer, psc->bearer, 0);

    if (sc->callback
        && (sc->signin == NULL || sc->signin->pool->token_uri.len == 0))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cognito_auth_signin_callback needs "
                           "cognito_auth_signin here, with a pool that has "
                           "token=");
        return NGX_CONF_ERROR;
    }

    if (sc->logout != NULL && sc->signin == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cognito_auth_signin_logout needs "
                           "cognito_auth_signin here");
        return NGX_CONF_ERROR;
    }

    conf->signin = (sc->signin != NULL);

    if (sc->signin == NULL) {
        return NGX_CONF_OK;
    }

    return ngx_http_cognito_auth_session_check(cf, conf);
}


/*
 * Sign-in needs the key file, the zone to refresh in (with token=), and
 * where tokens are checked, the sign-in pool among the location's pools:
 * a session of another pool would never pass there, and each login would
 * lead to another.
 */

static char *
ngx_http_cognito_auth_session_check(ngx_conf_t *cf,
    ngx_http_cognito_auth_loc_conf_t *conf)
{
    ngx_uint_t                           i;
    ngx_http_cognito_auth_pool_t       **pp;
    ngx_http_cognito_auth_signin_t      *si;
    ngx_http_cognito_auth_main_conf_t   *camcf;

    camcf = ngx_http_conf_get_module_main_conf(cf,
                                               ngx_http_cognito_auth_module);
    si = conf->session->signin;

    if (camcf->session_keys == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cognito_auth_signin needs "
                           "cognito_auth_session_key_file at http level");
        return NGX_CONF_ERROR;
    }

    /* a session's refresh is one at a time, in the zone (_flight.c) */

    if (si->pool->token_uri.len && camcf->shm_zone == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cognito_auth_signin refreshes sessions of pool "
                           "\"%V\" with token=, which needs a "
                           "\"cognito_auth_zone\"", &si->pool->name);
        return NGX_CONF_ERROR;
    }

    if (conf->pools == NULL) {
        return NGX_CONF_OK;
    }

    pp = conf->pools->elts;

    for (i = 0; i < conf->pools->nelts; i++) {
        if (pp[i] == si->pool) {
            return NGX_CONF_OK;
        }
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "cognito_auth_signin signs in with pool \"%V\", "
                       "which cognito_auth does not name here: its "
                       "sessions could never pass", &si->pool->name);

    return NGX_CONF_ERROR;
}


/*
 * cognito_auth_pool's domain= and token=.  token=: an internal location
 * that proxies to the domain's /oauth2/token, as jwks= does for the keys.
 */

char *
ngx_http_cognito_auth_session_pool_param(ngx_conf_t *cf, ngx_str_t *name,
    ngx_str_t *value, ngx_str_t *field)
{
    if (name->len == sizeof("token=") - 1) {
        if (value->len == 0 || value->data[0] != '/') {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"token=\" must name a location URI "
                               "(\"/...\"), not \"%V\"", value);
            return NGX_CONF_ERROR;
        }

        *field = *value;
        return NGX_CONF_OK;
    }

    return ngx_http_cognito_auth_session_domain(cf, value, field);
}


/*
 * domain=: the hosted UI's host ("https://" is added) or origin (http://
 * for a local stand-in), without a path
 */

static char *
ngx_http_cognito_auth_session_domain(ngx_conf_t *cf, ngx_str_t *value,
    ngx_str_t *domain)
{
    u_char  *p, *host, *last;

    host = value->data;
    last = value->data + value->len;

    if (value->len > 8 && ngx_strncmp(host, "https://", 8) == 0) {
        host += 8;

    } else if (value->len > 7 && ngx_strncmp(host, "http://", 7) == 0) {
        host += 7;
    }

    for (p = host; p < last; p++) {
        if (!(isalnum(*p) || *p == '.' || *p == '-' || *p == ':'
              || *p == '[' || *p == ']'))
        {
            break;
        }
    }

    if (p == host || p < last) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid \"domain=%V\" (a host name, or an "
                           "origin such as https://auth.example.com, no "
                           "path)", value);
        return NGX_CONF_ERROR;
    }

    if (host != value->data) {
        *domain = *value;
        return NGX_CONF_OK;
    }

    domain->len = sizeof("https://") - 1 + value->len;
    domain->data = ngx_pnalloc(cf->pool, domain->len);
    if (domain->data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(ngx_cpymem(domain->data, "https://", 8), value->data,
               value->len);

    return NGX_CONF_OK;
}


/* cognito_auth_session_key_file path; */

char *
ngx_http_cognito_auth_session_key_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cognito_auth_main_conf_t *camcf = conf;

    char                          *rv;
    ngx_int_t                      rc;
    ngx_str_t                     *value;
    const char                    *msg;
    ngx_pool_cleanup_t            *cln;
    ngx_http_cognito_auth_file_t   file;

    if (camcf->session_keys != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    ngx_memzero(&file, sizeof(ngx_http_cognito_auth_file_t));

    file.name = value[1];
    file.max = NGX_HTTP_COGNITO_AUTH_KEY_FILE_MAX;

    rc = ngx_http_cognito_auth_conf_file(cf, &file);

    if (rc == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    rv = NGX_CONF_ERROR;

    if (rc == NGX_DECLINED) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session key file \"%s\" is larger than %d bytes",
                           file.name.data, NGX_HTTP_COGNITO_AUTH_KEY_FILE_MAX);
        goto done;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        goto done;
    }

    if (cognito_session_keys_load((const char *) file.data, file.len,
                                  &camcf->session_keys, &msg)
        != COGNITO_SESSION_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid session key file \"%s\": %s",
                           file.name.data, msg);
        goto done;
    }

    cln->handler = ngx_http_cognito_auth_session_keys_cleanup;
    cln->data = camcf->session_keys;

    rv = NGX_CONF_OK;

done:

    if (file.data != NULL) {
        ngx_explicit_memzero(file.data, file.len);
        ngx_free(file.data);
    }

    return rv;
}


static void
ngx_http_cognito_auth_session_keys_cleanup(void *data)
{
    cognito_session_keys_free(data);
}


/*
 * cognito_auth_signin off | pool client_id=ID redirect_uri=URL
 *     [scope=openid[,...]];
 */

char *
ngx_http_cognito_auth_signin(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cognito_auth_loc_conf_t *calcf = conf;

    char                            *rv;
    ngx_str_t                       *value, openid;
    ngx_uint_t                       i;
    ngx_http_cognito_auth_signin_t  *si;

    if (calcf->session->signin != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        calcf->session->signin = NULL;
        return NGX_CONF_OK;
    }

    si = ngx_pcalloc(cf->pool, sizeof(ngx_http_cognito_auth_signin_t));
    if (si == NULL) {
        return NGX_CONF_ERROR;
    }

    si->pool = ngx_http_cognito_auth_signin_pool(cf, &value[1]);
    if (si->pool == NULL) {
        return NGX_CONF_ERROR;
    }

    si->use = COGNITO_USE_ACCESS;

    ngx_str_set(&openid, "openid");

    if (ngx_http_cognito_auth_signin_scope(cf, si, &openid) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    for (i = 2; i < cf->args->nelts; i++) {
        rv = ngx_http_cognito_auth_signin_param(cf, si, &value[i]);
        if (rv != NGX_CONF_OK) {
            return rv;
        }
    }

    if (si->client_id.len == 0 || si->redirect_uri.value.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cognito_auth_signin needs client_id= and "
                           "redirect_uri=");
        return NGX_CONF_ERROR;
    }

    calcf->session->signin = si;

    return NGX_CONF_OK;
}


/* a defined pool with a domain= */

static ngx_http_cognito_auth_pool_t *
ngx_http_cognito_auth_signin_pool(ngx_conf_t *cf, ngx_str_t *name)
{
    ngx_uint_t                          i;
    ngx_http_cognito_auth_pool_t       *pool;
    ngx_http_cognito_auth_main_conf_t  *camcf;

    camcf = ngx_http_conf_get_module_main_conf(cf,
                                               ngx_http_cognito_auth_module);
    pool = camcf->pools.elts;

    for (i = 0; i < camcf->pools.nelts; i++) {
        if (pool[i].name.len == name->len
            && ngx_strncmp(pool[i].name.data, name->data, name->len) == 0)
        {
            if (pool[i].domain.len == 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "cognito_auth_signin: pool \"%V\" has no "
                                   "domain= (its hosted UI)", name);
                return NULL;
            }

            return &pool[i];
        }
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "unknown cognito_auth_pool \"%V\" (pools must be "
                       "defined at http level before use)", name);

    return NULL;
}


static char *
ngx_http_cognito_auth_signin_param(ngx_conf_t *cf,
    ngx_http_cognito_auth_signin_t *si, ngx_str_t *arg)
{
    char        **id;
    ngx_str_t     v;
    ngx_uint_t    i;

    if (ngx_strncmp(arg->data, "client_id=", 10) == 0) {
        v.data = arg->data + 10;
        v.len = arg->len - 10;

        id = si->pool->clients.elts;

        for (i = 0; i < si->pool->clients.nelts; i++) {
            if (ngx_strlen(id[i]) == v.len
                && ngx_strncmp(id[i], v.data, v.len) == 0)
            {
                si->client_id = v;
                return NGX_CONF_OK;
            }
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cognito_auth_signin: \"%V\" is not among pool "
                           "\"%V\"'s client_id=", &v, &si->pool->name);
        return NGX_CONF_ERROR;
    }

    if (ngx_strncmp(arg->data, "redirect_uri=", 13) == 0) {
        v.data = arg->data + 13;
        v.len = arg->len - 13;

        if (v.len == 0 || v.data[0] == '$') {
            /* a variable: its value is checked per request */

        } else if ((v.len <= 8 || ngx_strncmp(v.data, "https://", 8) != 0)
                   && (v.len <= 7 || ngx_strncmp(v.data, "http://", 7) != 0))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "cognito_auth_signin: redirect_uri= must be "
                               "an absolute http(s) URL, not \"%V\"", &v);
            return NGX_CONF_ERROR;
        }

        return ngx_http_cognito_auth_session_value(cf, &v,
                                                   &si->redirect_uri);
    }

    if (ngx_strncmp(arg->data, "client_secret_file=", 19) == 0) {
        v.data = arg->data + 19;
        v.len = arg->len - 19;

        return ngx_http_cognito_auth_signin_secret(cf, si, &v);
    }

    if (ngx_strcmp(arg->data, "session_token=access") == 0
        || ngx_strcmp(arg->data, "session_token=id") == 0)
    {
        si->use = (arg->data[14] == 'a') ? COGNITO_USE_ACCESS
                                         : COGNITO_USE_ID;
        return NGX_CONF_OK;
    }

    if (ngx_strncmp(arg->data, "scope=", 6) == 0) {
        v.data = arg->data + 6;
        v.len = arg->len - 6;

        return ngx_http_cognito_auth_signin_scope(cf, si, &v);
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "cognito_auth_signin: unknown parameter \"%V\"", arg);

    return NGX_CONF_ERROR;
}


/*
 * client_secret_file=: the app client's secret, read at load; sent as
 * client_secret_basic (Authorization: Basic base64(client_id:secret))
 */

static char *
ngx_http_cognito_auth_signin_secret(ngx_conf_t *cf,
    ngx_http_cognito_auth_signin_t *si, ngx_str_t *path)
{
    u_char                        *p, *last;
    char                          *rv;
    ngx_int_t                      rc;
    ngx_str_t                      pair, enc;
    ngx_http_cognito_auth_file_t   file;

    if (si->client_id.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cognito_auth_signin: client_id= must come "
                           "before client_secret_file=");
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_http_cognito_auth_file_t));

    file.name = *path;
    file.max = 512;

    rc = ngx_http_cognito_auth_conf_file(cf, &file);

    if (rc == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    rv = NGX_CONF_ERROR;

    last = (rc == NGX_OK) ? file.data + file.len : NULL;

    while (last != NULL && last > file.data
           && (last[-1] == '\n' || last[-1] == '\r' || last[-1] == ' '))
    {
        last--;
    }

    for (p = file.data; last != NULL && p < last; p++) {
        if (*p <= 0x20 || *p >= 0x7f || *p == ':') {
            break;
        }
    }

    if (last == NULL || last == file.data || p < last) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "client secret file \"%s\" must hold one secret "
                           "of visible characters, up to 512 bytes",
                           file.name.data);
        goto done;
    }

    pair.len = si->client_id.len + 1 + (last - file.data);
    pair.data = ngx_pnalloc(cf->temp_pool, pair.len);
    if (pair.data == NULL) {
        goto done;
    }

    si->basic.data = ngx_pnalloc(cf->pool, sizeof("Basic ") - 1
                                           + ngx_base64_encoded_length(
                                                 pair.len));
    if (si->basic.data == NULL) {
        goto done;
    }

    p = ngx_cpymem(pair.data, si->client_id.data, si->client_id.len);
    *p++ = ':';
    ngx_memcpy(p, file.data, last - file.data);

    enc.data = ngx_cpymem(si->basic.data, "Basic ", sizeof("Basic ") - 1);
    ngx_encode_base64(&enc, &pair);
    si->basic.len = sizeof("Basic ") - 1 + enc.len;

    ngx_explicit_memzero(pair.data, pair.len);

    rv = NGX_CONF_OK;

done:

    if (file.data != NULL) {
        ngx_explicit_memzero(file.data, file.len);
        ngx_free(file.data);
    }

    return rv;
}


/*
 * scope=openid,email: the scopes, comma-separated, kept space-separated
 * and escaped for the query; openid is required, for the id token and
 * its nonce
 */

static char *
ngx_http_cognito_auth_signin_scope(ngx_conf_t *cf,
    ngx_http_cognito_auth_signin_t *si, ngx_str_t *value)
{
    u_char      *p, *q, *last;
    ngx_uint_t   openid;

    last = value->data + value->len;
    openid = 0;

    for (p = value->data; p < last; p = q + 1) {
        q = ngx_strlchr(p, last, ',');
        if (q == NULL) {
            q = last;
        }

        if (q == p) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "cognito_auth_signin: empty scope in "
                               "\"scope=%V\"", value);
            return NGX_CONF_ERROR;
        }

        if (q - p == 6 && ngx_strncmp(p, "openid", 6) == 0) {
            openid = 1;
        }
    }

    if (!openid) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cognito_auth_signin: scope= must include "
                           "\"openid\" (sign-in checks the id token)");
        return NGX_CONF_ERROR;
    }

    /* "," becomes "%20"; the rest escaped as a query component */

    si->scope.data = ngx_pnalloc(cf->pool, 3 * value->len);
    if (si->scope.data == NULL) {
        return NGX_CONF_ERROR;
    }

    q = si->scope.data;

    for (p = value->data; p < last; p++) {
        if (*p == ',') {
            q = ngx_cpymem(q, "%20", 3);
            continue;
        }

        q = (u_char *) ngx_escape_uri(q, p, 1, NGX_ESCAPE_URI_COMPONENT);
    }

    si->scope.len = q - si->scope.data;

    return NGX_CONF_OK;
}


/* cognito_auth_signin_api string; */

char *
ngx_http_cognito_auth_signin_api(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cognito_auth_loc_conf_t *calcf = conf;

    ngx_str_t  *value;

    if (calcf->session->api != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    calcf->session->api = ngx_palloc(cf->pool,
                                     sizeof(ngx_http_complex_value_t));
    if (calcf->session->api == NULL) {
        return NGX_CONF_ERROR;
    }

    return ngx_http_cognito_auth_session_value(cf, &value[1],
                                               calcf->session->api);
}


static char *
ngx_http_cognito_auth_session_value(ngx_conf_t *cf, ngx_str_t *value,
    ngx_http_complex_value_t *cv)
{
    ngx_http_compile_complex_value_t  ccv;

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = value;
    ccv.complex_value = cv;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* cognito_auth_session_cookie name [domain=NAME] [max_age=TIME]; */

char *
ngx_http_cognito_auth_session_cookie(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cognito_auth_loc_conf_t *calcf = conf;

    u_char                          *p;
    ngx_str_t                       *value, v;
    ngx_uint_t                       i;
    ngx_http_cognito_auth_cookie_t  *ck;

    if (calcf->session->cookie != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    ck = ngx_pcalloc(cf->pool, sizeof(ngx_http_cognito_auth_cookie_t));
    if (ck == NULL) {
        return NGX_CONF_ERROR;
    }

    ck->name = value[1];
    ck->max_age = NGX_HTTP_COGNITO_AUTH_SESSION_TTL;

    for (p = ck->name.data; p < ck->name.data + ck->name.len; p++) {
        if (!(isalnum(*p) || *p == '_' || *p == '-')) {
            break;
        }
    }

    if (ck->name.len == 0 || ck->name.len > 64
        || p < ck->name.data + ck->name.len)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cognito_auth_session_cookie: invalid name "
                           "\"%V\" (letters, digits, '_' and '-', up to 64)",
                           &ck->name);
        return NGX_CONF_ERROR;
    }

    ck->login.len = ck->name.len + sizeof("_login") - 1;
    ck->login.data = ngx_pnalloc(cf->pool, ck->login.len);
    if (ck->login.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(ngx_cpymem(ck->login.data, ck->name.data, ck->name.len),
               "_login", sizeof("_login") - 1);

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "domain=", 7) == 0) {
            ck->domain.data = value[i].data + 7;
            ck->domain.len = value[i].len - 7;

            for (p = ck->domain.data;
                 p < ck->domain.data + ck->domain.len;
                 p++)
            {
                if (!(isalnum(*p) || *p == '.' || *p == '-')) {
                    break;
                }
            }

            if (ck->domain.len == 0
                || p < ck->domain.data + ck->domain.len)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "cognito_auth_session_cookie: invalid "
                                   "\"%V\"", &value[i]);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "max_age=", 8) == 0) {
            v.data = value[i].data + 8;
            v.len = value[i].len - 8;

            ck->max_age = ngx_parse_time(&v, 1);

            if (ck->max_age == (time_t) NGX_ERROR || ck->max_age < 60) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "cognito_auth_session_cookie: invalid "
                                   "\"%V\" (a time of 1m or more)",
                                   &value[i]);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cognito_auth_session_cookie: unknown parameter "
                           "\"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    calcf->session->cookie = ck;

    return NGX_CONF_OK;
}


/*
 * A request that needs a session and has none.  For a browser: a 302 to
 * the pool's /oauth2/authorize, with the state cookie.  NGX_DECLINED when
 * sign-in is off here, for a subrequest, and for an API call, which the
 * caller answers with its 401.
 */

ngx_int_t
ngx_http_cognito_auth_signin_login(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf)
{
    char                                  *sealed;
    size_t                                 len;
    ngx_str_t                              url, value;
    cognito_login_t                       *login;
    cognito_session_e                      rc;
    ngx_http_core_loc_conf_t              *clcf;
    ngx_http_cognito_auth_signin_t        *si;
    ngx_http_cognito_auth_main_conf_t     *camcf;
    ngx_http_cognito_auth_session_conf_t  *sc;

    sc = calcf->session;
    si = sc->signin;
    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    /*
     * Under "satisfy any" a redirect would end the access phase before
     * allow/deny or another module could let the request in: a 401 then
     */

    if (si == NULL || r != r->main || clcf->satisfy == NGX_HTTP_SATISFY_ANY
        || ngx_http_cognito_auth_is_api(r, sc))
    {
        return NGX_DECLINED;
    }

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);

    login = ngx_palloc(r->pool, sizeof(cognito_login_t));
    if (login == NULL) {
        return NGX_ERROR;
    }

    rc = cognito_login_new(login, (const char *) r->unparsed_uri.data,
                           r->unparsed_uri.len,
                           ngx_time() + NGX_HTTP_COGNITO_AUTH_LOGIN_TTL);

    if (rc == COGNITO_SESSION_OK) {
        rc = cognito_login_seal(camcf->session_keys, login, &sealed, &len);
    }

    if (rc != COGNITO_SESSION_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cognito auth: sign-in state: %s",
                      cognito_session_msg(rc));
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_cognito_auth_sealed(r, sealed, len, &value) != NGX_OK
        || ngx_http_cognito_auth_login_url(r, si, login, &url) != NGX_OK)
    {
        ngx_explicit_memzero(login, sizeof(cognito_login_t));
        return NGX_ERROR;
    }

    ngx_explicit_memzero(login, sizeof(cognito_login_t));

    if (url.len == 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_cognito_auth_set_cookie(r, sc->cookie, &sc->cookie->login,
                                         &value,
                                         NGX_HTTP_COGNITO_AUTH_LOGIN_TTL)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "cognito auth: no session, sign-in with pool \"%V\"",
                  &si->pool->name);

    return ngx_http_cognito_auth_redirect(r, &url);
}


/*
 * An API call: cognito_auth_signin_api's value when set (non-empty and not
 * "0"); otherwise a fetch or XHR that is no navigation (Sec-Fetch-Mode),
 * or an Accept that names application/json
 */

static ngx_uint_t
ngx_http_cognito_auth_is_api(ngx_http_request_t *r,
    ngx_http_cognito_auth_session_conf_t *sc)
{
    u_char           *p, *last;
    ngx_str_t         value;
    ngx_table_elt_t  *h;

    if (sc->api != NULL) {
        if (ngx_http_complex_value(r, sc->api, &value) != NGX_OK) {
            return 1;
        }

        return value.len != 0 && !(value.len == 1 && value.data[0] == '0');
    }

    h = ngx_http_cognito_auth_header_in(r, "Sec-Fetch-Mode",
                                        sizeof("Sec-Fetch-Mode") - 1, NULL);

    if (h != NULL && !(h->value.len == sizeof("navigate") - 1
                       && ngx_strncasecmp(h->value.data,
                                          (u_char *) "navigate",
                                          sizeof("navigate") - 1)
                          == 0))
    {
        return 1;
    }

    for (h = ngx_http_cognito_auth_header_in(r, "Accept",
                                             sizeof("Accept") - 1, NULL);
         h != NULL;
         h = ngx_http_cognito_auth_header_in(r, "Accept",
                                             sizeof("Accept") - 1, h))
    {
        p = h->value.data;
        last = p + h->value.len;

        if (ngx_strlcasestrn(p, last, (u_char *) "application/json",
                             sizeof("application/json") - 1 - 1)
            != NULL)
        {
            return 1;
        }
    }

    return 0;
}


/* the next request header of that name after "after" (NULL: the first) */

static ngx_table_elt_t *
ngx_http_cognito_auth_header_in(ngx_http_request_t *r, const char *name,
    size_t len, ngx_table_elt_t *after)
{
    ngx_uint_t        i, found;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    found = (after == NULL);
    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (&h[i] == after) {
            found = 1;
            continue;
        }

        if (found && h[i].key.len == len
            && ngx_strncasecmp(h[i].key.data, (u_char *) name, len) == 0)
        {
            return &h[i];
        }
    }
}


/*
 * https://domain/oauth2/authorize?response_type=code&client_id=..&
 * redirect_uri=..&scope=..&state=..&nonce=..&code_challenge=..&
 * code_challenge_method=S256.  url->len is 0 when redirect_uri's value
 * is no absolute http(s) URL (logged).
 */

static ngx_int_t
ngx_http_cognito_auth_login_url(ngx_http_request_t *r,
    ngx_http_cognito_auth_signin_t *si, cognito_login_t *login,
    ngx_str_t *url)
{
    u_char     *p;
    size_t      len;
    ngx_str_t   redirect;
    char        challenge[COGNITO_CHALLENGE_LEN + 1];

    ngx_str_null(url);

    if (ngx_http_complex_value(r, &si->redirect_uri, &redirect) != NGX_OK) {
        return NGX_ERROR;
    }

    if ((redirect.len <= 8
         || ngx_strncmp(redirect.data, "https://", 8) != 0)
        && (redirect.len <= 7
            || ngx_strncmp(redirect.data, "http://", 7) != 0))
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cognito auth: redirect_uri \"%V\" is no absolute "
                      "http(s) URL", &redirect);
        return NGX_OK;
    }

    if (!cognito_pkce_challenge(login->verifier, challenge)) {
        return NGX_ERROR;
    }

    len = si->pool->domain.len + sizeof("/oauth2/authorize") - 1
          + sizeof("?response_type=code&client_id=") - 1 + si->client_id.len
          + sizeof("&redirect_uri=") - 1
          + redirect.len + 2 * ngx_escape_uri(NULL, redirect.data,
                                              redirect.len,
                                              NGX_ESCAPE_URI_COMPONENT)
          + sizeof("&scope=") - 1 + si->scope.len
          + sizeof("&state=") - 1 + COGNITO_RANDOM_LEN
          + sizeof("&nonce=") - 1 + COGNITO_RANDOM_LEN
          + sizeof("&code_challenge=") - 1 + COGNITO_CHALLENGE_LEN
          + sizeof("&code_challenge_method=S256") - 1;

    url->data = ngx_pnalloc(r->pool, len);
    if (url->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(url->data, "%V/oauth2/authorize"
                    "?response_type=code&client_id=%V&redirect_uri=",
                    &si->pool->domain, &si->client_id);
    p = (u_char *) ngx_escape_uri(p, redirect.data, redirect.len,
                                  NGX_ESCAPE_URI_COMPONENT);
    p = ngx_sprintf(p, "&scope=%V&state=%s&nonce=%s&code_challenge=%s"
                    "&code_challenge_method=S256",
                    &si->scope, login->state, login->nonce, challenge);

    url->len = p - url->data;

    return NGX_OK;
}


/*
 * Set-Cookie: name=value; Path=/; Max-Age=N; HttpOnly; Secure;
 * SameSite=Lax[; Domain=d]
 */

static ngx_int_t
ngx_http_cognito_auth_set_cookie(ngx_http_request_t *r,
    ngx_http_cognito_auth_cookie_t *ck, ngx_str_t *name, ngx_str_t *value,
    time_t max_age)
{
    u_char     *p;
    size_t      len;
    ngx_str_t   cookie;

    len = name->len + 1 + value->len
          + sizeof("; Path=/; Max-Age=") - 1 + NGX_TIME_T_LEN
          + sizeof("; HttpOnly; Secure; SameSite=Lax") - 1
          + sizeof("; Domain=") - 1 + ck->domain.len;

    cookie.data = ngx_pnalloc(r->pool, len);
    if (cookie.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(cookie.data, "%V=%V; Path=/; Max-Age=%T; HttpOnly; "
                    "Secure; SameSite=Lax", name, value, max_age);

    if (ck->domain.len) {
        p = ngx_sprintf(p, "; Domain=%V", &ck->domain);
    }

    cookie.len = p - cookie.data;

    if (ngx_http_cognito_auth_header_out(r, "Set-Cookie",
                                         sizeof("Set-Cookie") - 1, &cookie)
        == NULL)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_table_elt_t *
ngx_http_cognito_auth_header_out(ngx_http_request_t *r, const char *name,
    size_t len, ngx_str_t *value)
{
    return ngx_http_cognito_auth_header(r->pool, &r->headers_out.headers,
                                        name, len, value);
}


/* cognito_auth_signin_callback; */

char *
ngx_http_cognito_auth_signin_callback_conf(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf)
{
    ngx_http_cognito_auth_loc_conf_t *calcf = conf;

    if (calcf->session->callback) {
        return "is duplicate";
    }

    calcf->session->callback = 1;

    return NGX_CONF_OK;
}


/* the callback and the logout locations need no token */

ngx_uint_t
ngx_http_cognito_auth_signin_callback_here(
    ngx_http_cognito_auth_loc_conf_t *calcf)
{
    return calcf->session->callback || calcf->session->logout != NULL;
}


/*
 * The callback, in the access phase as auth_request works: the state
 * checked against its cookie, the code exchanged by a subrequest, the id
 * token verified, then the session cookie and a 302 to the URL the
 * sign-in started from.  NGX_AGAIN while waiting; every failure is a
 * status of its own, logged, and never a session.
 */

ngx_int_t
ngx_http_cognito_auth_signin_callback(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx)
{
    ngx_int_t                    rc;
    ngx_http_cognito_auth_cb_t  *cb;

    if (r != r->main) {
        return NGX_HTTP_NOT_FOUND;
    }

    if (calcf->session->logout != NULL) {
        return ngx_http_cognito_auth_logout(r, calcf, ctx);
    }

    cb = ctx->signin;

    if (cb == NULL) {
        if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
            return NGX_HTTP_NOT_ALLOWED;
        }

        cb = ngx_http_cognito_auth_cb_new(r, ctx,
                                          NGX_HTTP_COGNITO_AUTH_CB_CALLBACK);
        if (cb == NULL) {
            return NGX_ERROR;
        }

        return ngx_http_cognito_auth_cb_start(r, calcf, ctx, cb);
    }

    /* reached again by an internal redirect after a refresh or logout */

    if (cb->kind != NGX_HTTP_COGNITO_AUTH_CB_CALLBACK) {
        return NGX_HTTP_NOT_FOUND;
    }

    if (cb->phase == NGX_HTTP_COGNITO_AUTH_CB_EXCHANGE) {
        if (!cb->done) {
            return NGX_AGAIN;
        }

        ctx->signin_sr = NULL;

        rc = ngx_http_cognito_auth_cb_tokens(r, calcf, cb);
        if (rc != NGX_OK) {
            return rc;
        }

        cb->phase = NGX_HTTP_COGNITO_AUTH_CB_VERIFY;
    }

    rc = ngx_http_cognito_auth_cb_verify(r, calcf, ctx, cb);
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_http_cognito_auth_cb_session(r, calcf, cb);
}


/* a callback's, refresh's or logout's state, as the request's */

static ngx_http_cognito_auth_cb_t *
ngx_http_cognito_auth_cb_new(ngx_http_request_t *r,
    ngx_http_cognito_auth_ctx_t *ctx, ngx_uint_t kind)
{
    ngx_pool_cleanup_t          *cln;
    ngx_http_cognito_auth_cb_t  *cb;

    cb = ngx_pcalloc(r->pool, sizeof(ngx_http_cognito_auth_cb_t));
    if (cb == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_cognito_auth_cb_cleanup;
    cln->data = cb;

    cb->kind = kind;
    ctx->signin = cb;

    return cb;
}


static void
ngx_http_cognito_auth_cb_cleanup(void *data)
{
    ngx_http_cognito_auth_cb_t  *cb = data;

    cognito_tokens_clear(&cb->tokens);

    /* a refresh whose request ended before it landed: dropped */
    ngx_http_cognito_auth_flight_abandon(&cb->flight);

    if (cb->id != NULL) {
        cognito_token_free(cb->id);
        cb->id = NULL;
    }

    ngx_explicit_memzero(&cb->login, sizeof(cognito_login_t));
}


/*
 * The provider's error, the code and state arguments, the state cookie
 * (cleared by this answer whatever comes next: it is good once), then
 * the exchange
 */

static ngx_int_t
ngx_http_cognito_auth_cb_start(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx,
    ngx_http_cognito_auth_cb_t *cb)
{
    u_char                                *p;
    ngx_str_t                              code, state, error, empty;
    cognito_session_e                      rc;
    ngx_http_cognito_auth_main_conf_t     *camcf;
    ngx_http_cognito_auth_session_conf_t  *sc;

    sc = calcf->session;
    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);

    ngx_str_null(&empty);

    if (ngx_http_cognito_auth_set_cookie(r, sc->cookie, &sc->cookie->login,
                                         &empty, 0)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_arg(r, (u_char *) "error", 5, &error) == NGX_OK) {
        for (p = error.data; p < error.data + error.len; p++) {
            if (!(isalnum(*p) || *p == '_')) {
                break;
            }
        }

        if (p < error.data + error.len || error.len > 64) {
            ngx_str_set(&error, "(not shown)");
        }

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "cognito auth: sign-in failed at the provider: %V",
                      &error);
        return NGX_HTTP_FORBIDDEN;
    }

    if (ngx_http_arg(r, (u_char *) "code", 4, &code) != NGX_OK
        || code.len == 0 || code.len > 512
        || ngx_http_arg(r, (u_char *) "state", 5, &state) != NGX_OK)
    {
        return ngx_http_cognito_auth_cb_fail(r, NGX_HTTP_BAD_REQUEST,
                                             "no code or state");
    }

    for (p = code.data; p < code.data + code.len; p++) {
        if (!(isalnum(*p) || *p == '-' || *p == '_' || *p == '.'
              || *p == '~'))
        {
            return ngx_http_cognito_auth_cb_fail(r, NGX_HTTP_BAD_REQUEST,
                                                 "malformed code");
        }
    }

    rc = ngx_http_cognito_auth_cb_login(r, camcf, sc->cookie, &cb->login);

    if (rc != COGNITO_SESSION_OK) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "cognito auth: sign-in callback: state cookie: %s",
                      cognito_session_msg(rc));
        return NGX_HTTP_BAD_REQUEST;
    }

    if (!cognito_same((const char *) state.data, state.len, cb->login.state,
                      COGNITO_RANDOM_LEN))
    {
        return ngx_http_cognito_auth_cb_fail(r, NGX_HTTP_BAD_REQUEST,
                                             "state does not match its "
                                             "cookie");
    }

    return ngx_http_cognito_auth_cb_exchange(r, calcf, ctx, cb, &code);
}


static ngx_int_t
ngx_http_cognito_auth_cb_fail(ngx_http_request_t *r, ngx_int_t status,
    const char *why)
{
    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "cognito auth: sign-in callback: %s", why);

    return status;
}


/* the state cookie, opened: one cookie of its name in all Cookie lines */

static cognito_session_e
ngx_http_cognito_auth_cb_login(ngx_http_request_t *r,
    ngx_http_cognito_auth_main_conf_t *camcf,
    ngx_http_cognito_auth_cookie_t *ck, cognito_login_t *login)
{
    int               rc;
    size_t            len;
    const char       *value;
    ngx_table_elt_t  *h;

    value = NULL;
    len = 0;

    for (h = ngx_http_cognito_auth_header_in(r, "Cookie",
                                             sizeof("Cookie") - 1, NULL);
         h != NULL;
         h = ngx_http_cognito_auth_header_in(r, "Cookie",
                                             sizeof("Cookie") - 1, h))
    {
        rc = cognito_cookie_value((const char *) h->value.data,
                                  h->value.len, (const char *) ck->login.data,
                                  ck->login.len, &value, &len);
        if (rc == 2) {
            return COGNITO_SESSION_MALFORMED;
        }
    }

    if (value == NULL) {
        return COGNITO_SESSION_MISSING;
    }

    return cognito_login_open(camcf->session_keys, value, len, ngx_time(),
                              login);
}


/*
 * POST <token=> with grant_type=authorization_code, client_id, code,
 * redirect_uri, code_verifier; with a client secret, client_secret_basic.
 * A clean request: none of the client's headers, cookies or body.
 */

static ngx_int_t
ngx_http_cognito_auth_cb_exchange(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx,
    ngx_http_cognito_auth_cb_t *cb, ngx_str_t *code)
{
    u_char                          *p;
    size_t                           len;
    ngx_str_t                        redirect, body;
    ngx_http_cognito_auth_signin_t  *si;

    si = calcf->session->signin;

    if (ngx_http_complex_value(r, &si->redirect_uri, &redirect) != NGX_OK) {
        return NGX_ERROR;
    }

    len = sizeof("grant_type=authorization_code&client_id=") - 1
          + si->client_id.len + sizeof("&code=") - 1 + code->len
          + sizeof("&redirect_uri=") - 1 + redirect.len
          + 2 * ngx_escape_uri(NULL, redirect.data, redirect.len,
                               NGX_ESCAPE_URI_COMPONENT)
          + sizeof("&code_verifier=") - 1 + COGNITO_VERIFIER_LEN;

    body.data = ngx_pnalloc(r->pool, len);
    if (body.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(body.data, "grant_type=authorization_code&client_id=%V"
                    "&code=%V&redirect_uri=", &si->client_id, code);
    p = (u_char *) ngx_escape_uri(p, redirect.data, redirect.len,
                                  NGX_ESCAPE_URI_COMPONENT);
    p = ngx_sprintf(p, "&code_verifier=%s", cb->login.verifier);

    body.len = p - body.data;

    return ngx_http_cognito_auth_token_request(r, si, &si->pool->token_uri,
                                               ctx, cb, &body);
}


static ngx_int_t
ngx_http_cognito_auth_token_request(ngx_http_request_t *r,
    ngx_http_cognito_auth_signin_t *si, ngx_str_t *uri,
    ngx_http_cognito_auth_ctx_t *ctx, ngx_http_cognito_auth_cb_t *cb,
    ngx_str_t *body)
{
    ngx_buf_t                   *b;
    ngx_str_t                    v;
    ngx_chain_t                 *cl;
    ngx_http_request_t          *sr;
    ngx_http_post_subrequest_t  *ps;

    static ngx_str_t             post = ngx_string("POST");

    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (ps == NULL) {
        return NGX_ERROR;
    }

    ps->handler = ngx_http_cognito_auth_token_done;
    ps->data = cb;

    /*
     * A background subrequest, as the JWKS fetch: the client's connection
     * events go to the main request, which ignores them while it waits,
     * so the exchange is not cut short when the client hangs up (nginx
     * notices when it writes the response).  A refresh is taken to its
     * end and its result landed for the session's other requests, rather
     * than dropped: the token endpoint may have spent the refresh token
     * (rotation), and the new one would be lost with the answer.
     */

    if (ngx_http_subrequest(r, uri, NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_BACKGROUND
                            |NGX_HTTP_SUBREQUEST_IN_MEMORY)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    sr->method = NGX_HTTP_POST;
    sr->method_name = post;
    sr->header_only = 0;

    b = ngx_calloc_buf(r->pool);
    cl = ngx_alloc_chain_link(r->pool);
    sr->request_body = ngx_pcalloc(r->pool, sizeof(ngx_http_request_body_t));

    if (b == NULL || cl == NULL || sr->request_body == NULL) {
        return NGX_ERROR;
    }

    b->pos = body->data;
    b->last = body->data + body->len;
    b->memory = 1;
    b->last_buf = 1;

    cl->buf = b;
    cl->next = NULL;

    sr->request_body->bufs = cl;
    sr->request_body->buf = b;

    ngx_memzero(&sr->headers_in, sizeof(ngx_http_headers_in_t));

    if (ngx_list_init(&sr->headers_in.headers, r->pool, 4,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    sr->headers_in.content_length_n = body->len;
    sr->headers_in.keep_alive_n = -1;

    ngx_str_set(&v, "application/x-www-form-urlencoded");

    sr->headers_in.content_type =
        ngx_http_cognito_auth_header(r->pool, &sr->headers_in.headers,
                                     "Content-Type",
                                     sizeof("Content-Type") - 1, &v);

    ngx_str_set(&v, "application/json");

    if (sr->headers_in.content_type == NULL
        || ngx_http_cognito_auth_header(r->pool, &sr->headers_in.headers,
                                        "Accept", sizeof("Accept") - 1, &v)
           == NULL)
    {
        return NGX_ERROR;
    }

    if (si->basic.len) {
        sr->headers_in.authorization =
            ngx_http_cognito_auth_header(r->pool, &sr->headers_in.headers,
                                         "Authorization",
                                         sizeof("Authorization") - 1,
                                         &si->basic);
        if (sr->headers_in.authorization == NULL) {
            return NGX_ERROR;
        }
    }

    /* the body is collected by the output filter (_filter.c), bounded */

    ctx->signin_sr = sr;
    ctx->body = NULL;
    ctx->body_max = COGNITO_JWKS_MAX_LEN;
    ctx->too_big = 0;
    ctx->body_done = 0;

    cb->ctx = ctx;
    cb->done = 0;

    return NGX_AGAIN;
}


/*
 * As auth_request's: records how the exchange ended, and its body.  A
 * background subrequest does not wake its parent: it is posted here.
 */

static ngx_int_t
ngx_http_cognito_auth_token_done(ngx_http_request_t *sr, void *data,
    ngx_int_t rc)
{
    ngx_http_cognito_auth_cb_t *cb = data;

    ngx_http_request_t                *r;
    ngx_http_cognito_auth_ctx_t       *ctx;
    ngx_http_cognito_auth_loc_conf_t  *calcf;

    ctx = cb->ctx;
    r = sr->parent;

    if (cb->done) {
        return rc;
    }

    cb->done = 1;
    cb->rc = rc;
    cb->status = sr->headers_out.status;

    /* whole and within bounds, or none at all */

    if (ctx->body != NULL && ctx->body_done && !ctx->too_big) {
        cb->body.data = ctx->body->pos;
        cb->body.len = ctx->body->last - ctx->body->pos;
    }

    ctx->body = NULL;
    ctx->too_big = 0;
    ctx->body_done = 0;

    if (cb->kind == NGX_HTTP_COGNITO_AUTH_CB_REFRESH && r->connection->error) {

        /*
         * The request ends with this subrequest, never to run again (an
         * HTTP/2 client reset its stream or closed the connection): the
         * refresh is taken to its end here, so that its result is landed
         * for the session's other requests.  Only when keys are to be
         * waited for does it stay in flight, to be dropped as the request
         * ends (its cleanup).
         */

        calcf = ngx_http_get_module_loc_conf(r, ngx_http_cognito_auth_module);

        (void) ngx_http_cognito_auth_session_refresh(r, calcf, ctx);

        return rc;
    }

    if (ngx_http_post_request(r, NULL) != NGX_OK) {
        return NGX_ERROR;
    }

    return rc;
}


/* the exchange's answer: 200 and the tokens, else a 502 */

static ngx_int_t
ngx_http_cognito_auth_cb_tokens(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_cb_t *cb)
{
    char                            error[64];
    cognito_err_t                   err;
    cognito_session_e               rc;
    ngx_http_cognito_auth_signin_t  *si;

    si = calcf->session->signin;

    rc = COGNITO_SESSION_CONTENT;
    error[0] = '\0';

    if (cb->rc == NGX_OK || cb->rc == NGX_DONE) {
        rc = cognito_tokens_parse((const char *) cb->body.data, cb->body.len,
                                  &cb->tokens, error);
    }

    if (cb->status != NGX_HTTP_OK || rc != COGNITO_SESSION_OK) {
        cognito_tokens_clear(&cb->tokens);

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cognito auth: sign-in: token endpoint of pool \"%V\" "
                      "answered %ui%s%s%s", &si->pool->name, cb->status,
                      error[0] ? " (" : ", no tokens", error,
                      error[0] ? ")" : "");

        return NGX_HTTP_BAD_GATEWAY;
    }

    if (cognito_token_parse(cb->tokens.id_token,
                            ngx_strlen(cb->tokens.id_token), si->pool->algs,
                            &cb->id, &err)
        != COGNITO_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cognito auth: sign-in: id token of pool \"%V\" "
                      "refused: %s", &si->pool->name, err.msg);
        return NGX_HTTP_BAD_GATEWAY;
    }

    return NGX_OK;
}


/*
 * The id token with the pool's keys and rules, for this client, with the
 * login's nonce (not for a refresh): NGX_OK, NGX_AGAIN while keys load,
 * or the status to answer with
 */

static ngx_int_t
ngx_http_cognito_auth_cb_verify(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx,
    ngx_http_cognito_auth_cb_t *cb)
{
    size_t                           len;
    ngx_int_t                        rc;
    ngx_time_t                      *tp;
    const char                      *client, *nonce;
    cognito_err_t                    err;
    cognito_rules_t                  rules;
    cognito_keyset_t                *ks;
    ngx_http_cognito_auth_pool_t    *pool;
    ngx_http_cognito_auth_signin_t  *si;

    si = calcf->session->signin;
    pool = si->pool;

    rc = ngx_http_cognito_auth_get_keys(r, ctx, pool, cb->forced, &ks);

    if (rc != NGX_OK) {
        return rc;
    }

    if (cognito_token_verify(cb->id, ks, &err) != COGNITO_OK) {
        if (err.code == COGNITO_ERR_KID_UNKNOWN && !cb->forced) {
            /* a rotated key: the keys again, once */
            cb->forced = 1;
            return ngx_http_cognito_auth_cb_verify(r, calcf, ctx, cb);
        }

        goto refused;
    }

    /* its claims, read once the signature checked out */

    if (cognito_token_read_payload(cb->id, &err) != COGNITO_OK) {
        goto refused;
    }

    client = (const char *) si->client_id.data;

    rules.issuers = pool->issuers.elts;
    rules.nissuers = pool->issuers.nelts;
    rules.clients = &client;
    rules.nclients = 1;
    rules.token_use = COGNITO_USE_ID;
    rules.leeway = pool->leeway;

    tp = ngx_timeofday();

    if (cognito_token_check_claims(cb->id, &rules,
                                   tp->sec + tp->msec / 1000.0, &err)
        != COGNITO_OK)
    {
        goto refused;
    }

    /* a refreshed id token carries no nonce: it is bound by the session */

    if (cb->kind == NGX_HTTP_COGNITO_AUTH_CB_CALLBACK
        && (!cognito_token_claim_string(cb->id, "nonce", &nonce, &len)
            || !cognito_same(nonce, len, cb->login.nonce,
                             COGNITO_RANDOM_LEN)))
    {
        err.msg = "nonce missing or not this sign-in's";
        goto refused;
    }

    return NGX_OK;

refused:

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "cognito auth: sign-in: id token of pool \"%V\" refused: "
                  "%s", &pool->name, err.msg);

    return NGX_HTTP_UNAUTHORIZED;
}


/* the session cookies set, stale chunks dropped, back where it started */

static ngx_int_t
ngx_http_cognito_auth_cb_session(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_cb_t *cb)
{
    char                                  *sealed;
    size_t                                 len;
    ngx_str_t                              url, value;
    cognito_session_e                      rc;
    ngx_http_cognito_auth_main_conf_t     *camcf;
    ngx_http_cognito_auth_session_conf_t  *sc;

    sc = calcf->session;
    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);

    cb->tokens.created = ngx_time();
    cb->tokens.expires = cb->tokens.created + sc->cookie->max_age;

    rc = cognito_tokens_seal(camcf->session_keys, &cb->tokens, &sealed, &len);

    if (rc != COGNITO_SESSION_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cognito auth: sign-in: session: %s",
                      cognito_session_msg(rc));
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_cognito_auth_sealed(r, sealed, len, &value) != NGX_OK
        || ngx_http_cognito_auth_session_set(r, sc->cookie, &value) != NGX_OK)
    {
        return NGX_ERROR;
    }

    url.data = (u_char *) cb->login.url;
    url.len = ngx_strlen(cb->login.url);

    if (!cognito_safe_redirect(cb->login.url, url.len)) {
        ngx_str_set(&url, "/");
    }

    url.data = ngx_pstrdup(r->pool, &url);
    if (url.data == NULL) {
        return NGX_ERROR;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "cognito auth: signed in with pool \"%V\"",
                  &sc->signin->pool->name);

    return ngx_http_cognito_auth_redirect(r, &url);
}


/*
 * The sealed session in chunks name_0.., and the request's chunks beyond
 * them expired
 */

static ngx_int_t
ngx_http_cognito_auth_session_set(ngx_http_request_t *r,
    ngx_http_cognito_auth_cookie_t *ck, ngx_str_t *value)
{
    u_char            *p;
    size_t             i, n;
    ngx_str_t          name, chunk, empty;
    cognito_chunks_t   c;
    ngx_table_elt_t   *h;

    n = cognito_chunks_count(value->len);
    if (n == 0 && value->len != 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cognito auth: sign-in: the session needs more than "
                      "%d cookies", COGNITO_CHUNKS_MAX);
        return NGX_ERROR;
    }

    cognito_chunks_init(&c, (const char *) ck->name.data, ck->name.len);

    for (h = ngx_http_cognito_auth_header_in(r, "Cookie",
                                             sizeof("Cookie") - 1, NULL);
         h != NULL;
         h = ngx_http_cognito_auth_header_in(r, "Cookie",
                                             sizeof("Cookie") - 1, h))
    {
        cognito_chunks_scan(&c, (const char *) h->value.data, h->value.len);
    }

    ngx_str_null(&empty);

    for (i = 0; i < COGNITO_CHUNKS_MAX; i++) {
        if (i >= n && !(c.seen & (1u << i))) {
            continue;
        }

        name.data = ngx_pnalloc(r->pool, ck->name.len + 1 + NGX_INT_T_LEN);
        if (name.data == NULL) {
            return NGX_ERROR;
        }

        p = ngx_sprintf(name.data, "%V_%uz", &ck->name, i);
        name.len = p - name.data;

        if (i >= n) {
            if (ngx_http_cognito_auth_set_cookie(r, ck, &name, &empty, 0)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            continue;
        }

        chunk.data = value->data + i * COGNITO_CHUNK_LEN;
        chunk.len = ngx_min(COGNITO_CHUNK_LEN,
                            value->len - i * COGNITO_CHUNK_LEN);

        if (ngx_http_cognito_auth_set_cookie(r, ck, &name, &chunk,
                                             ck->max_age)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_table_elt_t *
ngx_http_cognito_auth_header(ngx_pool_t *pool, ngx_list_t *headers,
    const char *name, size_t len, ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(headers);
    if (h == NULL) {
        return NULL;
    }

    h->lowcase_key = ngx_pnalloc(pool, len);
    if (h->lowcase_key == NULL) {
        return NULL;
    }

    h->key.len = len;
    h->key.data = (u_char *) name;
    h->hash = ngx_hash_strlow(h->lowcase_key, h->key.data, len);
    h->value = *value;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return h;
}


/* the sealed value into the request's pool, the core's copy freed */

static ngx_int_t
ngx_http_cognito_auth_sealed(ngx_http_request_t *r, char *sealed, size_t len,
    ngx_str_t *value)
{
    value->len = len;
    value->data = ngx_pnalloc(r->pool, len);

    if (value->data != NULL) {
        ngx_memcpy(value->data, sealed, len);
    }

    cognito_session_free(sealed);

    return value->data != NULL ? NGX_OK : NGX_ERROR;
}


/* a 302 to url, never cached */

static ngx_int_t
ngx_http_cognito_auth_redirect(ngx_http_request_t *r, ngx_str_t *url)
{
    ngx_str_t         value;
    ngx_table_elt_t  *h;

    ngx_str_set(&value, "no-store");

    if (ngx_http_cognito_auth_header_out(r, "Cache-Control",
                                         sizeof("Cache-Control") - 1, &value)
        == NULL)
    {
        return NGX_ERROR;
    }

    h = ngx_http_cognito_auth_header_out(r, "Location",
                                         sizeof("Location") - 1, url);
    if (h == NULL) {
        return NGX_ERROR;
    }

    ngx_http_clear_location(r);
    r->headers_out.location = h;

    return NGX_HTTP_MOVED_TEMPORARILY;
}


/* cognito_auth_session_bearer off | access | id; */

char *
ngx_http_cognito_auth_session_bearer(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cognito_auth_loc_conf_t *calcf = conf;

    ngx_str_t  *value;

    if (calcf->session->bearer != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        calcf->session->bearer = 0;

    } else if (ngx_strcmp(value[1].data, "access") == 0) {
        calcf->session->bearer = COGNITO_USE_ACCESS;

    } else if (ngx_strcmp(value[1].data, "id") == 0) {
        calcf->session->bearer = COGNITO_USE_ID;

    } else {
        return "must be \"off\", \"access\" or \"id\"";
    }

    return NGX_CONF_OK;
}


/*
 * Where sign-in is on, the session's token (access, or id with
 * session_token=id) is the request's token: NGX_OK and *token, or
 * NGX_DECLINED when there is no session (or none that opens: logged), so
 * that the location's own source is read; NGX_ERROR.
 */

ngx_int_t
ngx_http_cognito_auth_session_token(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_str_t *token)
{
    ngx_http_cognito_auth_ctx_t           *ctx;
    ngx_http_cognito_auth_sess_t          *sess;
    ngx_http_cognito_auth_session_conf_t  *sc;

    sc = calcf->session;

    if (sc->signin == NULL) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_cognito_auth_module);

    sess = (ctx != NULL) ? ctx->session : NULL;

    if (sess == NULL) {
        sess = ngx_http_cognito_auth_session_open(r->main, sc->cookie);
        if (sess == NULL) {
            return NGX_ERROR;
        }

        if (ctx != NULL) {
            ctx->session = sess;
        }
    }

    if (sess->status != COGNITO_SESSION_OK) {
        return NGX_DECLINED;
    }

    *token = (sc->signin->use == COGNITO_USE_ID) ? sess->id : sess->access;

    return NGX_OK;
}


static ngx_http_cognito_auth_sess_t *
ngx_http_cognito_auth_session_open(ngx_http_request_t *r,
    ngx_http_cognito_auth_cookie_t *ck)
{
    char                               *joined;
    size_t                              len;
    cognito_chunks_t                    c;
    cognito_tokens_t                    t;
    ngx_table_elt_t                    *h;
    ngx_http_cognito_auth_sess_t       *sess;
    ngx_http_cognito_auth_main_conf_t  *camcf;

    sess = ngx_pcalloc(r->pool, sizeof(ngx_http_cognito_auth_sess_t));
    joined = ngx_pnalloc(r->pool, COGNITO_SEALED_MAX);

    if (sess == NULL || joined == NULL) {
        return NULL;
    }

    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);

    cognito_chunks_init(&c, (const char *) ck->name.data, ck->name.len);

    for (h = ngx_http_cognito_auth_header_in(r, "Cookie",
                                             sizeof("Cookie") - 1, NULL);
         h != NULL;
         h = ngx_http_cognito_auth_header_in(r, "Cookie",
                                             sizeof("Cookie") - 1, h))
    {
        cognito_chunks_scan(&c, (const char *) h->value.data, h->value.len);
    }

    sess->status = cognito_chunks_join(&c, joined, &len);

    if (sess->status == COGNITO_SESSION_OK) {
        sess->status = cognito_tokens_open(camcf->session_keys, joined, len,
                                           ngx_time(), &t);
    }

    if (sess->status != COGNITO_SESSION_OK) {
        if (sess->status != COGNITO_SESSION_MISSING) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "cognito auth: session cookie refused: %s",
                          cognito_session_msg(sess->status));
        }

        return sess;
    }

    if (ngx_http_cognito_auth_sess_copy(r, sess, &t) != NGX_OK) {
        cognito_tokens_clear(&t);
        return NULL;
    }

    cognito_tokens_clear(&t);

    return sess;
}


/*
 * Before the content phase of a main request where sign-in is on: the
 * sign-in cookies leave the Cookie lines (the upstream, and the access
 * log's $http_cookie, never see them), and with cognito_auth_session_bearer
 * the session's token becomes Authorization when the request was let in
 * with it
 */

ngx_int_t
ngx_http_cognito_auth_session_upstream(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf)
{
    u_char                                *p;
    ngx_str_t                              value, *token;
    ngx_table_elt_t                       *h;
    ngx_http_cognito_auth_ctx_t           *ctx;
    ngx_http_cognito_auth_sess_t          *sess;
    ngx_http_cognito_auth_session_conf_t  *sc;

    sc = calcf->session;

    if (sc->signin == NULL) {
        return NGX_OK;
    }

    if (ngx_http_cognito_auth_session_strip(r, sc->cookie) != NGX_OK) {
        return NGX_ERROR;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_cognito_auth_module);
    sess = (ctx != NULL) ? ctx->session : NULL;

    if (sc->bearer == 0 || sess == NULL || sess->status != COGNITO_SESSION_OK
        || !ctx->verdict.valid || ctx->verdict.status != NGX_OK
        || (ctx->verdict.token.data != sess->access.data
            && ctx->verdict.token.data != sess->id.data))
    {
        return NGX_OK;
    }

    token = (sc->bearer == COGNITO_USE_ID) ? &sess->id : &sess->access;

    value.len = sizeof("Bearer ") - 1 + token->len;
    value.data = ngx_pnalloc(r->pool, value.len);
    if (value.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(value.data, "Bearer ", sizeof("Bearer ") - 1);
    ngx_memcpy(p, token->data, token->len);

    /* the client's own Authorization, if any, is this one now */

    h = ngx_http_cognito_auth_header_in(r, "Authorization",
                                        sizeof("Authorization") - 1, NULL);

    if (h == NULL) {
        h = ngx_http_cognito_auth_header(r->pool, &r->headers_in.headers,
                                         "Authorization",
                                         sizeof("Authorization") - 1, &value);
        if (h == NULL) {
            return NGX_ERROR;
        }
    }

    h->value = value;
    r->headers_in.authorization = h;

    for (h = ngx_http_cognito_auth_header_in(r, "Authorization",
                                             sizeof("Authorization") - 1, h);
         h != NULL;
         h = ngx_http_cognito_auth_header_in(r, "Authorization",
                                             sizeof("Authorization") - 1, h))
    {
        h->value = value;
    }

    return NGX_OK;
}


/* name_N and name_login out of every Cookie line, the rest as it was */

static ngx_int_t
ngx_http_cognito_auth_session_strip(ngx_http_request_t *r,
    ngx_http_cognito_auth_cookie_t *ck)
{
    u_char           *p, *e, *eq, *last, *out, *o;
    ngx_table_elt_t  *h;

    for (h = ngx_http_cognito_auth_header_in(r, "Cookie",
                                             sizeof("Cookie") - 1, NULL);
         h != NULL;
         h = ngx_http_cognito_auth_header_in(r, "Cookie",
                                             sizeof("Cookie") - 1, h))
    {
        out = NULL;
        o = NULL;
        last = h->value.data + h->value.len;

        for (p = h->value.data; p < last; p = e + 1) {
            while (p < last && (*p == ' ' || *p == '\t')) {
                p++;
            }

            e = ngx_strlchr(p, last, ';');
            if (e == NULL) {
                e = last;
            }

            eq = ngx_strlchr(p, e, '=');

            if (eq != NULL && ngx_http_cognito_auth_ours(ck, p, eq - p)) {
                if (out == NULL) {
                    out = ngx_pnalloc(r->pool, h->value.len);
                    if (out == NULL) {
                        return NGX_ERROR;
                    }

                    o = ngx_cpymem(out, h->value.data, p - h->value.data);

                    /* what was kept so far ends without "; " */

                    while (o > out && (o[-1] == ' ' || o[-1] == ';')) {
                        o--;
                    }
                }

                continue;
            }

            if (out != NULL && e > p) {
                if (o > out) {
                    o = ngx_cpymem(o, "; ", 2);
                }

                o = ngx_cpymem(o, p, e - p);
            }
        }

        if (out != NULL) {
            h->value.data = out;
            h->value.len = o - out;
        }
    }

    return NGX_OK;
}


/* name_login, or name_N with N a decimal number */

static ngx_uint_t
ngx_http_cognito_auth_ours(ngx_http_cognito_auth_cookie_t *ck, u_char *name,
    size_t len)
{
    size_t  i;

    if (len == ck->login.len
        && ngx_strncmp(name, ck->login.data, len) == 0)
    {
        return 1;
    }

    if (len <= ck->name.len + 1
        || ngx_strncmp(name, ck->name.data, ck->name.len) != 0
        || name[ck->name.len] != '_')
    {
        return 0;
    }

    for (i = ck->name.len + 1; i < len; i++) {
        if (name[i] < '0' || name[i] > '9') {
            return 0;
        }
    }

    return 1;
}


/* the tokens into the request's pool, as the session of this request */

static ngx_int_t
ngx_http_cognito_auth_sess_copy(ngx_http_request_t *r,
    ngx_http_cognito_auth_sess_t *sess, cognito_tokens_t *t)
{
    u_char  *p;

    sess->access.len = ngx_strlen(t->access_token);
    sess->id.len = ngx_strlen(t->id_token);
    sess->refresh.len = t->refresh_token ? ngx_strlen(t->refresh_token) : 0;
    sess->created = (time_t) t->created;
    sess->expires = (time_t) t->expires;

    p = ngx_pnalloc(r->pool,
                    sess->access.len + sess->id.len + sess->refresh.len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    sess->access.data = p;
    sess->id.data = ngx_cpymem(p, t->access_token, sess->access.len);
    sess->refresh.data = ngx_cpymem(sess->id.data, t->id_token,
                                    sess->id.len);

    if (sess->refresh.len) {
        ngx_memcpy(sess->refresh.data, t->refresh_token, sess->refresh.len);
    }

    sess->status = COGNITO_SESSION_OK;

    return NGX_OK;
}


/*
 * Before the pipeline, where sign-in is on and the pool has token=: a
 * session whose token expires within a minute is refreshed with its
 * refresh token (a subrequest, then the new id token checked as at the
 * callback, without a nonce), and the request goes on with the new
 * token and sets the new session cookie.  A refresh that fails leaves no
 * session: the request is then answered as without one (sign-in).
 * NGX_DECLINED to go on, NGX_AGAIN while waiting, NGX_ERROR.
 */

ngx_int_t
ngx_http_cognito_auth_session_refresh(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx)
{
    ngx_int_t                        rc;
    ngx_str_t                        token;
    ngx_http_cognito_auth_cb_t      *cb;
    ngx_http_cognito_auth_sess_t    *sess;
    ngx_http_cognito_auth_signin_t  *si;

    si = calcf->session->signin;

    if (si == NULL || r != r->main || si->pool->token_uri.len == 0) {
        return NGX_DECLINED;
    }

    cb = ctx->signin;

    if (cb == NULL) {
        /* opens the session once, into ctx->session */

        rc = ngx_http_cognito_auth_session_token(r, calcf, &token);
        sess = ctx->session;

        if (rc != NGX_OK || sess == NULL || sess->refresh.len == 0
            || !ngx_http_cognito_auth_refresh_due(si, sess))
        {
            return rc == NGX_ERROR ? NGX_ERROR : NGX_DECLINED;
        }

        return ngx_http_cognito_auth_refresh_join(r, calcf, ctx, sess);
    }

    if (cb->kind != NGX_HTTP_COGNITO_AUTH_CB_REFRESH || cb->finished) {
        return NGX_DECLINED;
    }

    sess = ctx->session;

    if (cb->phase == NGX_HTTP_COGNITO_AUTH_CB_EXCHANGE) {
        if (!cb->done) {
            return NGX_AGAIN;
        }

        ctx->signin_sr = NULL;

        rc = ngx_http_cognito_auth_cb_tokens(r, calcf, cb);
        if (rc != NGX_OK) {
            goto failed;
        }

        cb->phase = NGX_HTTP_COGNITO_AUTH_CB_VERIFY;
    }

    rc = ngx_http_cognito_auth_cb_verify(r, calcf, ctx, cb);

    if (rc == NGX_AGAIN) {
        return NGX_AGAIN;
    }

    if (rc == NGX_OK) {
        cb->finished = 1;
        return ngx_http_cognito_auth_refresh_done(r, calcf, cb, sess);
    }

failed:

    cb->finished = 1;
    sess->status = COGNITO_SESSION_EXPIRED;

    ngx_http_cognito_auth_flight_land(r, &cb->flight, NULL);

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "cognito auth: session refresh with pool \"%V\" failed",
                  &si->pool->name);

    return rc == NGX_ERROR ? NGX_ERROR : NGX_DECLINED;
}


/* the session's token (the one the pipeline checks) ends within a minute */

static ngx_uint_t
ngx_http_cognito_auth_refresh_due(ngx_http_cognito_auth_signin_t *si,
    ngx_http_cognito_auth_sess_t *sess)
{
    time_t            exp;
    ngx_str_t        *token;
    cognito_err_t     err;
    cognito_token_t  *tok;

    token = (si->use == COGNITO_USE_ID) ? &sess->id : &sess->access;

    if (cognito_token_parse((const char *) token->data, token->len,
                            COGNITO_ALG_RS256|COGNITO_ALG_RS384
                            |COGNITO_ALG_RS512, &tok, &err)
        != COGNITO_OK)
    {
        return 0;
    }

    /*
     * Only when to refresh is read here, from a token this module sealed
     * into the session; the token still goes through the whole pipeline.
     */

    if (cognito_token_read_payload(tok, &err) != COGNITO_OK) {
        cognito_token_free(tok);
        return 0;
    }

    exp = cognito_token_exp(tok);
    cognito_token_free(tok);

    return exp - ngx_time() < NGX_HTTP_COGNITO_AUTH_REFRESH_EARLY;
}


/*
 * One refresh of a session at a time (_flight.c): this request's, or
 * another's result taken (the new session, or its failure), or a wait
 */

static ngx_int_t
ngx_http_cognito_auth_refresh_join(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx,
    ngx_http_cognito_auth_sess_t *sess)
{
    ngx_int_t                        rc;
    ngx_str_t                        sealed;
    ngx_http_cognito_auth_flight_t   flight;
    ngx_http_cognito_auth_signin_t  *si;

    si = calcf->session->signin;

    rc = ngx_http_cognito_auth_flight_join(r, ctx, &si->pool->name,
                                           &si->client_id, &sess->refresh,
                                           &flight, &sealed);
    switch (rc) {

    case NGX_OK:
        return ngx_http_cognito_auth_refresh_start(r, si, ctx, sess,
                                                   &flight);

    case NGX_DONE:
        return ngx_http_cognito_auth_refresh_shared(r, sess, &sealed);

    case NGX_DECLINED:
        sess->status = COGNITO_SESSION_EXPIRED;

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "cognito auth: session refresh with pool \"%V\" "
                      "failed (in another request of the session)",
                      &si->pool->name);

        return NGX_DECLINED;

    default:
        /* NGX_AGAIN, NGX_HTTP_SERVICE_UNAVAILABLE, NGX_ERROR */
        return rc;
    }
}


/*
 * The new session another request of it refreshed to, as this one's: its
 * sealed value (what the zone holds) opened, and set as the cookie, so
 * that the browser holds the same session whichever answer comes last
 */

static ngx_int_t
ngx_http_cognito_auth_refresh_shared(ngx_http_request_t *r,
    ngx_http_cognito_auth_sess_t *sess, ngx_str_t *sealed)
{
    ngx_int_t                              rc;
    cognito_tokens_t                       t;
    ngx_http_cognito_auth_loc_conf_t      *calcf;
    ngx_http_cognito_auth_main_conf_t     *camcf;
    ngx_http_cognito_auth_session_conf_t  *sc;

    calcf = ngx_http_get_module_loc_conf(r, ngx_http_cognito_auth_module);
    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);
    sc = calcf->session;

    sess->status = cognito_tokens_open(camcf->session_keys,
                                       (const char *) sealed->data,
                                       sealed->len, ngx_time(), &t);

    if (sess->status != COGNITO_SESSION_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cognito auth: shared session refresh: %s",
                      cognito_session_msg(sess->status));
        return NGX_DECLINED;
    }

    rc = ngx_http_cognito_auth_session_set(r, sc->cookie, sealed);

    if (rc == NGX_OK) {
        rc = ngx_http_cognito_auth_sess_copy(r, sess, &t);
    }

    cognito_tokens_clear(&t);

    if (rc != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "cognito auth: session of pool \"%V\" refreshed by "
                  "another request of it", &sc->signin->pool->name);

    return NGX_DECLINED;
}


static ngx_int_t
ngx_http_cognito_auth_refresh_start(ngx_http_request_t *r,
    ngx_http_cognito_auth_signin_t *si, ngx_http_cognito_auth_ctx_t *ctx,
    ngx_http_cognito_auth_sess_t *sess, ngx_http_cognito_auth_flight_t *f)
{
    u_char                      *p;
    size_t                       len;
    ngx_str_t                    body;
    ngx_http_cognito_auth_cb_t  *cb;

    cb = ngx_http_cognito_auth_cb_new(r, ctx, NGX_HTTP_COGNITO_AUTH_CB_REFRESH);
    if (cb == NULL) {
        ngx_http_cognito_auth_flight_abandon(f);
        return NGX_ERROR;
    }

    cb->flight = *f;

    /* a refresh token is base64url and dots: no escaping needed */

    len = sizeof("grant_type=refresh_token&client_id=") - 1
          + si->client_id.len + sizeof("&refresh_token=") - 1
          + sess->refresh.len;

    body.data = ngx_pnalloc(r->pool, len);
    if (body.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(body.data, "grant_type=refresh_token&client_id=%V"
                    "&refresh_token=%V", &si->client_id, &sess->refresh);
    body.len = p - body.data;

    return ngx_http_cognito_auth_token_request(r, si, &si->pool->token_uri,
                                               ctx, cb, &body);
}


/*
 * The new tokens are this request's session; the refresh token is kept
 * unless a new one came (rotation); the session's end does not move
 */

static ngx_int_t
ngx_http_cognito_auth_refresh_done(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_cb_t *cb,
    ngx_http_cognito_auth_sess_t *sess)
{
    char                                  *sealed;
    size_t                                 len;
    ngx_str_t                              value;
    cognito_session_e                      rc;
    ngx_http_cognito_auth_main_conf_t     *camcf;
    ngx_http_cognito_auth_session_conf_t  *sc;

    sc = calcf->session;
    camcf = ngx_http_get_module_main_conf(r, ngx_http_cognito_auth_module);

    if (cb->tokens.refresh_token == NULL
        && cognito_tokens_set_refresh(&cb->tokens,
                                      (const char *) sess->refresh.data,
                                      sess->refresh.len)
           != COGNITO_SESSION_OK)
    {
        return NGX_ERROR;
    }

    cb->tokens.created = sess->created;
    cb->tokens.expires = sess->expires;

    rc = cognito_tokens_seal(camcf->session_keys, &cb->tokens, &sealed, &len);

    if (rc != COGNITO_SESSION_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cognito auth: session refresh: %s",
                      cognito_session_msg(rc));
        sess->status = COGNITO_SESSION_EXPIRED;
        ngx_http_cognito_auth_flight_land(r, &cb->flight, NULL);
        return NGX_DECLINED;
    }

    if (ngx_http_cognito_auth_sealed(r, sealed, len, &value) != NGX_OK
        || ngx_http_cognito_auth_session_set(r, sc->cookie, &value) != NGX_OK
        || ngx_http_cognito_auth_sess_copy(r, sess, &cb->tokens) != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* the other requests of the session take the same */
    ngx_http_cognito_auth_flight_land(r, &cb->flight, &value);

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "cognito auth: session refreshed with pool \"%V\"",
                  &sc->signin->pool->name);

    return NGX_DECLINED;
}


/* cognito_auth_signin_logout logout_uri=URL [revoke=URI]; */

char *
ngx_http_cognito_auth_signin_logout_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cognito_auth_loc_conf_t *calcf = conf;

    ngx_str_t                       *value, v;
    ngx_uint_t                       i;
    ngx_http_cognito_auth_logout_t  *lo;

    if (calcf->session->logout != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    lo = ngx_pcalloc(cf->pool, sizeof(ngx_http_cognito_auth_logout_t));
    if (lo == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "logout_uri=", 11) == 0) {
            v.data = value[i].data + 11;
            v.len = value[i].len - 11;

            if (v.len == 0) {
                break;
            }

            if (ngx_http_cognito_auth_session_value(cf, &v, &lo->logout_uri)
                != NGX_CONF_OK)
            {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "revoke=", 7) == 0
            && value[i].len > 7 && value[i].data[7] == '/')
        {
            lo->revoke.data = value[i].data + 7;
            lo->revoke.len = value[i].len - 7;
            continue;
        }

        break;
    }

    if (i < cf->args->nelts || lo->logout_uri.value.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cognito_auth_signin_logout takes "
                           "logout_uri=URL and an optional revoke=/location");
        return NGX_CONF_ERROR;
    }

    calcf->session->logout = lo;

    return NGX_CONF_OK;
}


/*
 * Logout: the refresh token revoked first when revoke= names the
 * location that proxies to /oauth2/revoke (its failure is logged, the
 * logout goes on), then every sign-in cookie cleared and a 302 to the
 * pool's /logout with client_id and logout_uri (Cognito's parameters)
 */

static ngx_int_t
ngx_http_cognito_auth_logout(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx)
{
    ngx_http_cognito_auth_cb_t  *cb;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    cb = ctx->signin;

    if (cb == NULL) {
        if (calcf->session->logout->revoke.len == 0) {
            return ngx_http_cognito_auth_logout_done(r, calcf);
        }

        return ngx_http_cognito_auth_logout_revoke(r, calcf, ctx);
    }

    if (cb->kind != NGX_HTTP_COGNITO_AUTH_CB_LOGOUT) {
        return ngx_http_cognito_auth_logout_done(r, calcf);
    }

    if (!cb->done) {
        return NGX_AGAIN;
    }

    ctx->signin_sr = NULL;

    if (cb->status != NGX_HTTP_OK
        || (cb->rc != NGX_OK && cb->rc != NGX_DONE))
    {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "cognito auth: logout: revoking the refresh token "
                      "failed (%ui), signing out anyway", cb->status);

    } else {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "cognito auth: logout: refresh token revoked");
    }

    return ngx_http_cognito_auth_logout_done(r, calcf);
}


static ngx_int_t
ngx_http_cognito_auth_logout_revoke(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_http_cognito_auth_ctx_t *ctx)
{
    u_char                           *p;
    ngx_int_t                         rc;
    ngx_str_t                         body, token;
    ngx_http_cognito_auth_cb_t       *cb;
    ngx_http_cognito_auth_sess_t     *sess;
    ngx_http_cognito_auth_signin_t   *si;

    si = calcf->session->signin;

    rc = ngx_http_cognito_auth_session_token(r, calcf, &token);
    sess = ctx->session;

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rc != NGX_OK || sess == NULL || sess->refresh.len == 0) {
        return ngx_http_cognito_auth_logout_done(r, calcf);
    }

    cb = ngx_http_cognito_auth_cb_new(r, ctx, NGX_HTTP_COGNITO_AUTH_CB_LOGOUT);
    if (cb == NULL) {
        return NGX_ERROR;
    }

    body.data = ngx_pnalloc(r->pool, sizeof("token=&client_id=") - 1
                                     + sess->refresh.len
                                     + si->client_id.len);
    if (body.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(body.data, "token=%V&client_id=%V", &sess->refresh,
                    &si->client_id);
    body.len = p - body.data;

    /* the same request as the token exchange's, to revoke= */

    return ngx_http_cognito_auth_token_request(r, si,
                                               &calcf->session->logout->revoke,
                                               ctx, cb, &body);
}


static ngx_int_t
ngx_http_cognito_auth_logout_done(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf)
{
    u_char                                *p;
    size_t                                 len;
    ngx_str_t                              url, back;
    ngx_http_cognito_auth_signin_t        *si;
    ngx_http_cognito_auth_session_conf_t  *sc;

    sc = calcf->session;
    si = sc->signin;

    if (ngx_http_cognito_auth_cookies_clear(r, sc->cookie) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_complex_value(r, &sc->logout->logout_uri, &back) != NGX_OK) {
        return NGX_ERROR;
    }

    len = si->pool->domain.len + sizeof("/logout?client_id=") - 1
          + si->client_id.len + sizeof("&logout_uri=") - 1
          + back.len + 2 * ngx_escape_uri(NULL, back.data, back.len,
                                          NGX_ESCAPE_URI_COMPONENT);

    url.data = ngx_pnalloc(r->pool, len);
    if (url.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(url.data, "%V/logout?client_id=%V&logout_uri=",
                    &si->pool->domain, &si->client_id);
    p = (u_char *) ngx_escape_uri(p, back.data, back.len,
                                  NGX_ESCAPE_URI_COMPONENT);
    url.len = p - url.data;

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "cognito auth: signed out of pool \"%V\"",
                  &si->pool->name);

    return ngx_http_cognito_auth_redirect(r, &url);
}


/* every sign-in cookie the request carries, expired */

static ngx_int_t
ngx_http_cognito_auth_cookies_clear(ngx_http_request_t *r,
    ngx_http_cognito_auth_cookie_t *ck)
{
    ngx_str_t  empty;

    ngx_str_null(&empty);

    if (ngx_http_cognito_auth_set_cookie(r, ck, &ck->login, &empty, 0)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* an empty session: no chunk kept, every chunk sent expired */

    return ngx_http_cognito_auth_session_set(r, ck, &empty);
}


/*
 * When the request's session ends ($cognito_session_expires), 0 without a
 * session that opened.  The session is the main request's, opened once by
 * the access phase where sign-in is on.
 */

time_t
ngx_http_cognito_auth_session_expires(ngx_http_request_t *r)
{
    ngx_http_cognito_auth_ctx_t   *ctx;
    ngx_http_cognito_auth_sess_t  *sess;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_cognito_auth_module);

    sess = (ctx != NULL) ? ctx->session : NULL;

    if (sess == NULL || sess->status != COGNITO_SESSION_OK) {
        return 0;
    }

    return sess->expires;
}
