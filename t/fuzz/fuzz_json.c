
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * libFuzzer harness, differential: the per-request JSON parse
 * (cognito_json.c, cJSON under jansson's rules) against jansson as the
 * module called it for a token's header and payload before cJSON
 * (JSON_REJECT_DUPLICATES, integers beyond 64 bits read again as reals,
 * an object, no deeper than COGNITO_JSON_MAX_DEPTH), but for one quirk of
 * jansson's (fuzz_oracle() says which).  Both take a text or
 * both refuse it; a taken text has the same members with the same
 * numbers, and renders the same, byte for byte: the whole object as
 * compact JSON, each member as a claim variable renders it.
 */


#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cognito_util.h"
#include "cognito_json.h"


#define fuzz_assert(c)  do { if (!(c)) { __builtin_trap(); } } while (0)


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_t *fuzz_oracle(const char *text, size_t len);
static int fuzz_depth_ok(json_t *json, int depth);
static void fuzz_compare(const cognito_json_t *doc, json_t *json);
static void fuzz_same(const cognito_json_t *doc, const cJSON *v,
    const char *want, size_t n);
static char *fuzz_text(json_t *v, size_t *n);
static char *fuzz_dump(json_t *v, size_t *n);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int              rc;
    char            *text;
    json_t          *json;
    cognito_json_t   doc;

    /* an exact-size copy: reading past size is caught by ASan */

    text = malloc(size ? size : 1);
    if (text == NULL) {
        return 0;
    }

    if (size) {
        memcpy(text, data, size);
    }

    rc = cognito_json_parse(&doc, NULL, text, size);
    fuzz_assert(rc == COGNITO_OK || rc == COGNITO_ERR_INTERNAL
                || rc == COGNITO_ERR_NOMEM);
    fuzz_assert(rc == COGNITO_OK || doc.root == NULL);

    json = fuzz_oracle(text, size);

    if (rc != COGNITO_ERR_NOMEM) {
        fuzz_assert((rc == COGNITO_OK) == (json != NULL));
    }

    if (rc == COGNITO_OK && json != NULL) {
        fuzz_compare(&doc, json);
    }

    if (json != NULL) {
        json_decref(json);
    }

    cognito_json_free(&doc);
    free(text);

    return 0;
}


/* what cognito_jwt.c did with jansson, before cJSON */

static json_t *
fuzz_oracle(const char *text, size_t len)
{
    json_t        *json;
    json_error_t   jerr;

    /*
     * jansson skips one NUL byte right after a number or a literal
     * ("{\"a\":1\0}"), which RFC 8259 and JSON.parse refuse; the module
     * now refuses it too, the one verdict it changed on purpose.  A NUL
     * anywhere else jansson refuses as well.
     */

    if (memchr(text, '\0', len) != NULL) {
        return NULL;
    }

    json = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);

    if (json == NULL && json_error_code(&jerr) == json_error_numeric_overflow)
    {
        json = json_loadb(text, len,
                          JSON_REJECT_DUPLICATES|JSON_DECODE_INT_AS_REAL,
                          &jerr);
    }

    if (json != NULL
        && (!json_is_object(json) || !fuzz_depth_ok(json, 1)))
    {
        json_decref(json);
        json = NULL;
    }

    return json;
}


static int
fuzz_depth_ok(json_t *json, int depth)
{
    size_t       i;
    json_t      *v;
    const char  *key;

    if (!json_is_object(json) && !json_is_array(json)) {
        return 1;
    }

    if (depth > COGNITO_JSON_MAX_DEPTH) {
        return 0;
    }

    if (json_is_array(json)) {
        json_array_foreach(json, i, v) {
            if (!fuzz_depth_ok(v, depth + 1)) {
                return 0;
            }
        }

        return 1;
    }

    json_object_foreach(json, key, v) {
        if (!fuzz_depth_ok(v, depth + 1)) {
            return 0;
        }
    }

    return 1;
}


static void
fuzz_compare(const cognito_json_t *doc, json_t *json)
{
    char          *want;
    size_t         n, members;
    json_t        *v;
    const char    *key;
    const cJSON   *item, *e;

    want = fuzz_dump(json, &n);
    fuzz_same(doc, doc->root, want, n);
    free(want);

    members = 0;

    for (e = doc->root->child; e != NULL; e = e->next) {
        members++;
    }

    fuzz_assert(members == json_object_size(json));

    json_object_foreach(json, key, v) {
        item = cognito_json_get(doc->root, key);
        fuzz_assert(item != NULL);

        fuzz_assert(json_is_number(v) == cJSON_IsNumber(item));
        fuzz_assert(json_is_string(v) == cJSON_IsString(item));

        if (json_is_number(v)) {
            fuzz_assert(json_number_value(v) == item->valuedouble);
        }

        if (json_is_string(v)) {
            fuzz_assert(strlen(item->valuestring) == json_string_length(v));
        }

        if (json_is_null(v)) {
            continue;
        }

        want = fuzz_text(v, &n);
        fuzz_same(doc, item, want, n);
        free(want);
    }
}


static void
fuzz_same(const cognito_json_t *doc, const cJSON *v, const char *want,
    size_t n)
{
    long   m;
    char  *buf;

    m = cognito_json_render(doc, v, ",", NULL, 0);
    fuzz_assert(m == (long) n);

    buf = malloc(n + 1);
    fuzz_assert(buf != NULL);

    m = cognito_json_render(doc, v, ",", buf, n + 1);
    fuzz_assert(m == (long) n && memcmp(buf, want, n) == 0);

    free(buf);
}


/*
 * A claim as the module rendered it with jansson: strings as they are,
 * integers in decimal, true and false, arrays of scalars joined by ",",
 * anything else as compact JSON
 */

static char *
fuzz_text(json_t *v, size_t *n)
{
    int      k;
    char    *p, *q, num[32];
    size_t   i, len, one;
    json_t  *e;

    if (json_is_string(v)) {
        *n = json_string_length(v);
        p = malloc(*n + 1);
        fuzz_assert(p != NULL);
        memcpy(p, json_string_value(v), *n);
        return p;
    }

    if (json_is_integer(v)) {
        k = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
                     json_integer_value(v));
        fuzz_assert(k > 0 && (size_t) k < sizeof(num));
        *n = (size_t) k;
        p = malloc(*n + 1);
        fuzz_assert(p != NULL);
        memcpy(p, num, *n);
        return p;
    }

    if (json_is_boolean(v)) {
        *n = json_is_true(v) ? 4 : 5;
        p = strdup(json_is_true(v) ? "true" : "false");
        fuzz_assert(p != NULL);
        return p;
    }

    if (!json_is_array(v)) {
        return fuzz_dump(v, n);
    }

    json_array_foreach(v, i, e) {
        if (json_is_object(e) || json_is_array(e) || json_is_null(e)) {
            return fuzz_dump(v, n);
        }
    }

    len = 0;
    p = malloc(1);
    fuzz_assert(p != NULL);

    json_array_foreach(v, i, e) {
        q = fuzz_text(e, &one);
        p = realloc(p, len + one + 2);
        fuzz_assert(p != NULL);

        if (i) {
            p[len++] = ',';
        }

        memcpy(p + len, q, one);
        len += one;
        free(q);
    }

    *n = len;

    return p;
}


static char *
fuzz_dump(json_t *v, size_t *n)
{
    char  *p;

    *n = json_dumpb(v, NULL, 0, JSON_COMPACT|JSON_ENCODE_ANY);
    fuzz_assert(*n > 0);

    p = malloc(*n);
    fuzz_assert(p != NULL);
    fuzz_assert(json_dumpb(v, p, *n, JSON_COMPACT|JSON_ENCODE_ANY) == *n);

    return p;
}
