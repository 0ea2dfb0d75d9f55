
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Trusted request headers: cognito_auth_set_header replaces every copy the
 * client sent, so a client can never smuggle a tenant or a group upstream.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"


static ngx_uint_t ngx_http_cognito_auth_is_set(ngx_table_elt_t *h,
    ngx_http_cognito_auth_header_t *hdr, ngx_uint_t n);


ngx_int_t
ngx_http_cognito_auth_set_headers(ngx_http_request_t *r,
    ngx_http_cognito_auth_loc_conf_t *calcf)
{
    ngx_str_t                       *values;
    ngx_uint_t                       i, n, total;
    ngx_list_t                       list;
    ngx_list_part_t                 *part;
    ngx_table_elt_t                 *h, *nh;
    ngx_http_cognito_auth_header_t  *hdr;

    hdr = calcf->headers->elts;
    n = calcf->headers->nelts;

    values = ngx_palloc(r->pool, n * sizeof(ngx_str_t));
    if (values == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        if (ngx_http_complex_value(r, &hdr[i].value, &values[i]) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    total = n;

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        total += part->nelts;
    }

    /*
     * A fresh list without the client's copies: removing elements from
     * nginx's list in place is fragile, and headers_in's own pointers keep
     * pointing at the old, still valid elements.
     */

    if (ngx_list_init(&list, r->pool, total, sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (ngx_http_cognito_auth_is_set(&h[i], hdr, n)) {
                ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                               "cognito auth: dropping client header "
                               "\"%V\"", &h[i].key);
                continue;
            }

            nh = ngx_list_push(&list);
            if (nh == NULL) {
                return NGX_ERROR;
            }

            *nh = h[i];
        }
    }

    for (i = 0; i < n; i++) {
        if (values[i].len == 0) {
            continue;
        }

        nh = ngx_list_push(&list);
        if (nh == NULL) {
            return NGX_ERROR;
        }

        nh->key = hdr[i].name;
        nh->value = values[i];

        nh->lowcase_key = ngx_pnalloc(r->pool, nh->key.len);
        if (nh->lowcase_key == NULL) {
            return NGX_ERROR;
        }

        nh->hash = ngx_hash_strlow(nh->lowcase_key, nh->key.data,
                                   nh->key.len);
#if (nginx_version >= 1023000)
        nh->next = NULL;
#endif
    }

    r->headers_in.headers = list;

    return NGX_OK;
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
