
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


/* cognito_auth_signin pool client_id=ID redirect_uri=URL [scope=...] */
typedef struct {
    ngx_http_cognito_auth_pool_t       *pool;
    ngx_str_t                           client_id;
    ngx_http_complex_value_t            redirect_uri;
    ngx_str_t                           scope;         /* escaped */
} ngx_http_cognito_auth_signin_t;


/* cognito_auth_session_cookie name [domain=] [max_age=] */
typedef struct {
    ngx_str_t                           name;
    ngx_str_t                           login;         /* name_login */
    ngx_str_t                           domain;
    time_t                              max_age;
} ngx_http_cognito_auth_cookie_t;


struct ngx_http_cognito_auth_session_conf_s {
    ngx_http_cognito_auth_signin_t     *signin;        /* NULL: off */
    ngx_http_complex_value_t           *api;           /* NULL: Accept and
                                                          Sec-Fetch-Mode */
    ngx_http_cognito_auth_cookie_t     *cookie;
};


static ngx_http_cognito_auth_pool_t *ngx_http_cognito_auth_signin_pool(
    ngx_conf_t *cf, ngx_str_t *name);
static char *ngx_http_cognito_auth_signin_param(ngx_conf_t *cf,
    ngx_http_cognito_auth_signin_t *si, ngx_str_t *arg);
static char *ngx_http_cognito_auth_signin_scope(ngx_conf_t *cf,
    ngx_http_cognito_auth_signin_t *si, ngx_str_t *value);
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

    if (sc->signin == NULL) {
        return NGX_CONF_OK;
    }

    return ngx_http_cognito_auth_session_check(cf, conf);
}


/*
 * Sign-in needs the key file, and where tokens are checked, the sign-in
 * pool among the location's pools: a session of another pool would never
 * pass there, and each login would lead to another.
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
 * cognito_auth_pool's domain=: the hosted UI's host ("https://" is added)
 * or origin (http:// for a local stand-in), without a path
 */

char *
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
    ngx_table_elt_t                       *h;
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

    value.len = len;
    value.data = ngx_pnalloc(r->pool, len);

    if (value.data != NULL) {
        ngx_memcpy(value.data, sealed, len);
    }

    cognito_session_free(sealed);

    if (value.data == NULL
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

    ngx_str_set(&value, "no-store");

    h = ngx_http_cognito_auth_header_out(r, "Cache-Control",
                                         sizeof("Cache-Control") - 1, &value);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h = ngx_http_cognito_auth_header_out(r, "Location",
                                         sizeof("Location") - 1, &url);
    if (h == NULL) {
        return NGX_ERROR;
    }

    ngx_http_clear_location(r);
    r->headers_out.location = h;

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "cognito auth: no session, sign-in with pool \"%V\"",
                  &si->pool->name);

    return NGX_HTTP_MOVED_TEMPORARILY;
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
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NULL;
    }

    h->hash = 1;
    h->key.len = len;
    h->key.data = (u_char *) name;
    h->value = *value;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return h;
}
