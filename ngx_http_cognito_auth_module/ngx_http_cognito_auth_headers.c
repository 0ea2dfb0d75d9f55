
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
    ngx_uint_t                       i, k, n, nset, ndrop, nruns, nparts,
                                     room;
    ngx_list_t                      *list;
    ngx_list_part_t                  old, *part, *parts, *tail;
    ngx_table_elt_t                 *h, *set;
    ngx_http_cognito_auth_header_t  *hdr;

    list = &r->headers_in.headers;

    hdr = calcf->headers->elts;
    n = calcf->headers->nelts;

    values = ngx_palloc(r->pool, n * sizeof(ngx_str_t));
    if (values == NULL) {
        return NGX_ERROR;
    }

    nset = 0;

    for (i = 0; i < n; i++) {
        if (ngx_http_complex_value(r, &hdr[i].value, &values[i]) != NGX_OK) {
            return NGX_ERROR;
        }

        if (values[i].len != 0) {
            nset++;
        }
    }

    /* count the runs of kept elements; nothing changes until all is ready */

    ndrop = 0;
    nruns = 0;

    for (part = &list->part; part; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (ngx_http_cognito_auth_is_set(&h[i], hdr, n)) {
                ndrop++;
                continue;
            }

            if (i == 0 || ngx_http_cognito_auth_is_set(&h[i - 1], hdr, n)) {
                nruns++;
            }
        }
    }

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

    /* relink: list->part is rewritten, so walk a copy of it */

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
