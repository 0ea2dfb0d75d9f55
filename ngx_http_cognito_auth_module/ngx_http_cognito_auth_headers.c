
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Trusted request headers: cognito_auth_set_header, its merge across
 * levels, and the precontent step that replaces every copy the client
 * sent, so a client can never smuggle a tenant or a group upstream.  Also
 * the one response header the module adds, WWW-Authenticate, and finding
 * a request header by name in the list (Origin, Accept, ...).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"


static ngx_str_t *ngx_http_cognito_auth_header_values(ngx_http_request_t *r,
    ngx_http_cognito_auth_header_t *hdr, ngx_uint_t n, ngx_uint_t *nset);
static ngx_uint_t ngx_http_cognito_auth_kept_runs(ngx_list_t *list,
    ngx_http_cognito_auth_header_t *hdr, ngx_uint_t n, ngx_uint_t *ndrop);
static ngx_int_t ngx_http_cognito_auth_trusted_elts(ngx_http_request_t *r,
    ngx_http_cognito_auth_header_t *hdr, ngx_uint_t n, ngx_str_t *values,
    ngx_table_elt_t *set);
static void ngx_http_cognito_auth_relink(ngx_http_request_t *r,
    ngx_http_cognito_auth_header_t *hdr, ngx_uint_t n,
    ngx_list_part_t *parts, ngx_table_elt_t *set, ngx_uint_t nset,
    ngx_uint_t room);
static ngx_uint_t ngx_http_cognito_auth_is_set(ngx_table_elt_t *h,
    ngx_http_cognito_auth_header_t *hdr, ngx_uint_t n);


/* request headers nginx keeps pointers to: not for cognito_auth_set_header */
static ngx_str_t  ngx_http_cognito_auth_parsed_headers[] = {
    ngx_string("Host"),
    ngx_string("Connection"),
    ngx_string("Content-Length"),
    ngx_string("Content-Type"),
    ngx_string("Transfer-Encoding"),
    ngx_string("TE"),
    ngx_string("Expect"),
    ngx_string("Upgrade"),
    ngx_string("Keep-Alive"),
    ngx_string("Authorization"),
    ngx_string("Cookie"),
    ngx_string("User-Agent"),
    ngx_string("Range"),
    ngx_string("If-Range"),
    ngx_string("X-Forwarded-For"),
    ngx_string("X-Real-IP"),
    ngx_null_string
};


/* cognito_auth_set_header Name value; */

char *
ngx_http_cognito_auth_set_header(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cognito_auth_loc_conf_t *calcf = conf;

    u_char                             *p;
    ngx_str_t                          *value;
    ngx_uint_t                          i;
    ngx_http_cognito_auth_header_t     *h;
    ngx_http_compile_complex_value_t    ccv;

    value = cf->args->elts;

    for (p = value[1].data; p < value[1].data + value[1].len; p++) {
        if (!(isalnum(*p) || *p == '-' || *p == '_')) {
            break;
        }
    }

    if (value[1].len == 0 || p != value[1].data + value[1].len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid header name \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    for (i = 0; ngx_http_cognito_auth_parsed_headers[i].len; i++) {
        if (ngx_http_cognito_auth_same_header(&value[1],
                                    &ngx_http_cognito_auth_parsed_headers[i]))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\" is parsed by nginx itself and cannot "
                               "be set by cognito_auth_set_header; use "
                               "proxy_set_header", &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    if (calcf->headers == NGX_CONF_UNSET_PTR) {
        calcf->headers = ngx_array_create(cf->pool, 4,
                                    sizeof(ngx_http_cognito_auth_header_t));
        if (calcf->headers == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    h = calcf->headers->elts;

    for (i = 0; i < calcf->headers->nelts; i++) {
        if (ngx_http_cognito_auth_same_header(&h[i].name, &value[1])) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate cognito_auth_set_header \"%V\"",
                               &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    h = ngx_array_push(calcf->headers);
    if (h == NULL) {
        return NGX_CONF_ERROR;
    }

    h->name = value[1];

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = &value[2];
    ccv.complex_value = &h->value;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* the union of the headers; for a name set at both, the level's own */

char *
ngx_http_cognito_auth_merge_headers(ngx_conf_t *cf,
    ngx_http_cognito_auth_loc_conf_t *conf,
    ngx_http_cognito_auth_loc_conf_t *prev)
{
    ngx_uint_t                       i, j;
    ngx_array_t                     *a;
    ngx_http_cognito_auth_header_t  *ph, *ch, *h;

    if (prev->headers == NGX_CONF_UNSET_PTR || prev->headers == NULL
        || conf->headers == NGX_CONF_UNSET_PTR || conf->headers == NULL)
    {
        ngx_conf_merge_ptr_value(conf->headers, prev->headers, NULL);
        return NGX_CONF_OK;
    }

    a = ngx_array_create(cf->pool, prev->headers->nelts + conf->headers->nelts,
                         sizeof(ngx_http_cognito_auth_header_t));
    if (a == NULL) {
        return NGX_CONF_ERROR;
    }

    ph = prev->headers->elts;
    ch = conf->headers->elts;

    for (i = 0; i < prev->headers->nelts; i++) {

        for (j = 0; j < conf->headers->nelts; j++) {
            if (ngx_http_cognito_auth_same_header(&ph[i].name, &ch[j].name)) {
                break;
            }
        }

        if (j < conf->headers->nelts) {
            continue;
        }

        h = ngx_array_push(a);
        if (h == NULL) {
            return NGX_CONF_ERROR;
        }

        *h = ph[i];
    }

    for (j = 0; j < conf->headers->nelts; j++) {
        h = ngx_array_push(a);
        if (h == NULL) {
            return NGX_CONF_ERROR;
        }

        *h = ch[j];
    }

    conf->headers = a;

    return NGX_CONF_OK;
}


/*
 * The client's copies leave r->headers_in.headers without moving any other
 * element: nginx keeps pointers to elements (r->headers_in.host,
 * .user_agent, the "next" chains of repeated lines), and modules such as
 * headers-more change an element through them, so a copied list would
 * leave them editing elements no longer in it.  Each run of kept elements
 * becomes a part pointing into its old array, and the trusted values form
 * a last part of their own.
 *
 * ngx_list_push writes at last->elts + last->nelts while last->nelts is
 * below nalloc, so the last part's room must be its own: nalloc is the
 * room of the trusted values' array, or, when the list ends in a run of
 * old elements, that run's length (the part is full, and the next push
 * starts a new part instead of overwriting an old element).  No part but
 * an empty list's first one is empty: nginx's list walks read elts[0] of
 * every part they step into.
 */

ngx_int_t
ngx_http_cognito_auth_set_headers(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf)
{
    ngx_str_t                       *values;
    ngx_uint_t                       n, nset, ndrop, nruns, nparts, room;
    ngx_list_t                      *list;
    ngx_list_part_t                 *parts;
    ngx_table_elt_t                 *set;
    ngx_http_cognito_auth_header_t  *hdr;

    list = &r->headers_in.headers;

    hdr = calcf->headers->elts;
    n = calcf->headers->nelts;

    values = ngx_http_cognito_auth_header_values(r, hdr, n, &nset);
    if (values == NULL) {
        return NGX_ERROR;
    }

    /* count the runs of kept elements; nothing changes until all is ready */

    nruns = ngx_http_cognito_auth_kept_runs(list, hdr, n, &ndrop);

    if (ndrop == 0 && nset == 0) {
        return NGX_OK;
    }

    nparts = nruns + (nset ? 1 : 0);

    parts = NULL;

    if (nparts > 1) {
        parts = ngx_palloc(r->pool, (nparts - 1) * sizeof(ngx_list_part_t));
        if (parts == NULL) {
            return NGX_ERROR;
        }
    }

    room = ngx_max(nset, list->nalloc);
    set = NULL;

    if (nset != 0 || nruns == 0) {
        set = ngx_palloc(r->pool, room * sizeof(ngx_table_elt_t));
        if (set == NULL) {
            return NGX_ERROR;
        }
    }

    if (ngx_http_cognito_auth_trusted_elts(r, hdr, n, values, set) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_http_cognito_auth_relink(r, hdr, n, parts, set, nset, room);

    return NGX_OK;
}


/* each trusted header's value for this request; *nset counts non-empty */

static ngx_str_t *
ngx_http_cognito_auth_header_values(ngx_http_request_t *r,
    ngx_http_cognito_auth_header_t *hdr, ngx_uint_t n, ngx_uint_t *nset)
{
    ngx_str_t   *values;
    ngx_uint_t   i;

    values = ngx_palloc(r->pool, n * sizeof(ngx_str_t));
    if (values == NULL) {
        return NULL;
    }

    *nset = 0;

    for (i = 0; i < n; i++) {
        if (ngx_http_complex_value(r, &hdr[i].value, &values[i]) != NGX_OK) {
            return NULL;
        }

        if (values[i].len != 0) {
            (*nset)++;
        }
    }

    return values;
}


/* the runs of client elements that stay; *ndrop counts those that go */

static ngx_uint_t
ngx_http_cognito_auth_kept_runs(ngx_list_t *list,
    ngx_http_cognito_auth_header_t *hdr, ngx_uint_t n, ngx_uint_t *ndrop)
{
    ngx_uint_t        i, nruns;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    *ndrop = 0;
    nruns = 0;

    for (part = &list->part; part; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (ngx_http_cognito_auth_is_set(&h[i], hdr, n)) {
                (*ndrop)++;
                continue;
            }

            if (i == 0 || ngx_http_cognito_auth_is_set(&h[i - 1], hdr, n)) {
                nruns++;
            }
        }
    }

    return nruns;
}


/* the elements of the non-empty trusted values, in set[] */

static ngx_int_t
ngx_http_cognito_auth_trusted_elts(ngx_http_request_t *r,
    ngx_http_cognito_auth_header_t *hdr, ngx_uint_t n, ngx_str_t *values,
    ngx_table_elt_t *set)
{
    ngx_uint_t        i, k;
    ngx_table_elt_t  *h;

    for (i = 0, k = 0; i < n; i++) {
        if (values[i].len == 0) {
            continue;
        }

        h = &set[k++];

        h->key = hdr[i].name;
        h->value = values[i];

        h->lowcase_key = ngx_pnalloc(r->pool, h->key.len);
        if (h->lowcase_key == NULL) {
            return NGX_ERROR;
        }

        h->hash = ngx_hash_strlow(h->lowcase_key, h->key.data, h->key.len);
#if (nginx_version >= 1023000)
        h->next = NULL;
#endif
    }

    return NGX_OK;
}


/*
 * Relinks r->headers_in.headers: a part per run of kept elements (parts
 * has room for all but the first), then set[] as the last part when nset
 * is not 0.  Allocates nothing, so it cannot fail half-way.
 */

static void
ngx_http_cognito_auth_relink(ngx_http_request_t *r,
    ngx_http_cognito_auth_header_t *hdr, ngx_uint_t n,
    ngx_list_part_t *parts, ngx_table_elt_t *set, ngx_uint_t nset,
    ngx_uint_t room)
{
    ngx_uint_t        i;
    ngx_list_t       *list;
    ngx_list_part_t   old, *part, *tail;
    ngx_table_elt_t  *h;

    list = &r->headers_in.headers;

    /* list->part is rewritten, so walk a copy of it */

    old = list->part;
    tail = NULL;

    for (part = &old; part; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (ngx_http_cognito_auth_is_set(&h[i], hdr, n)) {
                ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                               "cognito auth: dropping client header "
                               "\"%V\"", &h[i].key);
                continue;
            }

            if (i != 0 && !ngx_http_cognito_auth_is_set(&h[i - 1], hdr, n)) {
                tail->nelts++;
                continue;
            }

            if (tail == NULL) {
                tail = &list->part;

            } else {
                tail->next = parts++;
                tail = tail->next;
            }

            tail->elts = &h[i];
            tail->nelts = 1;
            tail->next = NULL;
        }
    }

    if (nset != 0) {
        if (tail == NULL) {
            tail = &list->part;

        } else {
            tail->next = parts;
            tail = tail->next;
        }

        tail->elts = set;
        tail->nelts = nset;
        tail->next = NULL;

        list->nalloc = room;

    } else if (tail == NULL) {
        list->part.elts = set;
        list->part.nelts = 0;
        list->part.next = NULL;
        tail = &list->part;

        list->nalloc = room;

    } else {
        list->nalloc = tail->nelts;
    }

    list->last = tail;
}


static ngx_uint_t
ngx_http_cognito_auth_is_set(ngx_table_elt_t *h,
    ngx_http_cognito_auth_header_t *hdr, ngx_uint_t n)
{
    ngx_uint_t  i;

    for (i = 0; i < n; i++) {
        if (ngx_http_cognito_auth_same_header(&h->key, &hdr[i].name)) {
            return 1;
        }
    }

    return 0;
}


/*
 * The proxy_set_header (an array of ngx_keyval_t, as the proxy module
 * keeps it) that replaces one of the level's trusted headers upstream:
 * the proxy module sends its own value instead of the client list's.  One
 * with an empty value sends no such header, a choice, not a mistake.
 */

ngx_keyval_t *
ngx_http_cognito_auth_header_overridden(
    ngx_http_cognito_auth_loc_conf_t *calcf, ngx_array_t *set)
{
    ngx_uint_t                       i, j;
    ngx_keyval_t                    *kv;
    ngx_http_cognito_auth_header_t  *h;

    h = calcf->headers->elts;
    kv = set->elts;

    for (i = 0; i < set->nelts; i++) {
        if (kv[i].value.len == 0) {
            continue;
        }

        for (j = 0; j < calcf->headers->nelts; j++) {
            if (ngx_http_cognito_auth_same_header(&kv[i].key, &h[j].name)) {
                return &kv[i];
            }
        }
    }

    return NULL;
}


/*
 * Names match case-insensitively and with "_" equal to "-": with
 * underscores_in_headers on, a client's X_Tenant_Id would otherwise reach
 * a FastCGI or uwsgi backend as the same HTTP_X_TENANT_ID.  The merge of
 * cognito_auth_set_header across levels uses the same rule.
 */

ngx_uint_t
ngx_http_cognito_auth_same_header(ngx_str_t *a, ngx_str_t *b)
{
    u_char      x, y;
    ngx_uint_t  k;

    if (a->len != b->len) {
        return 0;
    }

    for (k = 0; k < a->len; k++) {
        x = ngx_tolower(a->data[k]);
        y = ngx_tolower(b->data[k]);

        if (x == '_') {
            x = '-';
        }

        if (y == '_') {
            y = '-';
        }

        if (x != y) {
            return 0;
        }
    }

    return 1;
}


ngx_int_t
ngx_http_cognito_auth_www_authenticate(ngx_http_request_t *r,
    ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif
    ngx_str_set(&h->key, "WWW-Authenticate");
    h->value = *value;

    r->headers_out.www_authenticate = h;

    return NGX_OK;
}


/*
 * 1 when the request has a header of this name (compared case-
 * insensitively, as the client sent it) whose value passes test (NULL:
 * any non-empty value), else 0.  Read from the list: nginx keeps fields
 * such as r->headers_in.accept only in some builds, and none for Origin.
 */

ngx_uint_t
ngx_http_cognito_auth_has_header(ngx_http_request_t *r, ngx_str_t *name,
    ngx_http_cognito_auth_value_pt test)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len != name->len
            || ngx_strncasecmp(h[i].key.data, name->data, name->len) != 0)
        {
            continue;
        }

        if (test == NULL ? h[i].value.len != 0 : test(&h[i].value)) {
            return 1;
        }
    }

    return 0;
}
