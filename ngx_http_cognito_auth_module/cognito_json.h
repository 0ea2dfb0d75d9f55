
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * The JSON of a token's header and payload, read per request with cJSON
 * under the rules jansson applied before (cognito_json.c says which), and
 * rendered as jansson's compact encoder rendered it.  Only cognito_jwt.c
 * uses it; the rest of the module sees typed claim accessors.
 */


#ifndef _COGNITO_JSON_H_INCLUDED_
#define _COGNITO_JSON_H_INCLUDED_


#include <stddef.h>

#include <cjson/cJSON.h>


#define COGNITO_JSON_MAX_DEPTH     16       /* header and payload */
#define COGNITO_JSON_NUMS          16       /* numbers kept without malloc */


/* a number of the text, in document order */
typedef struct {
    const cJSON        *item;        /* the tree's number */
    long long           value;       /* when integer */
    unsigned            integer;     /* jansson would keep it an integer */
} cognito_json_num_t;


typedef struct {
    cJSON              *root;        /* an object; NULL before parsing */
    cognito_json_num_t *nums;        /* inl, or malloc() beyond it */
    size_t              nnums;
    size_t              nalloc;
    cognito_json_num_t  inl[COGNITO_JSON_NUMS];
} cognito_json_t;


/*
 * Parses text (len bytes, not NUL-terminated) into doc: COGNITO_OK,
 * COGNITO_ERR_NOMEM, or COGNITO_ERR_INTERNAL for anything that is not a
 * JSON object jansson would have taken with JSON_REJECT_DUPLICATES and
 * the module's depth limit.  doc is freed with cognito_json_free() on
 * every outcome.
 */
int cognito_json_parse(cognito_json_t *doc, const char *text, size_t len);

void cognito_json_free(cognito_json_t *doc);

/*
 * 1 and *value when s (NUL-terminated, len bytes) is exactly one JSON
 * number within a double's range, else 0
 */
int cognito_json_number(const char *s, size_t len, double *value);

/* the member key of an object, or NULL (also when v is no object) */
const cJSON *cognito_json_get(const cJSON *v, const char *key);

/*
 * v rendered into buf: strings as they are, integers in decimal, true and
 * false, arrays of scalars joined by sep ("," when NULL), anything else as
 * compact JSON, byte for byte as jansson's json_dumpb(JSON_COMPACT).
 * Returns the full length (which may exceed size), or -1.
 */
long cognito_json_render(const cognito_json_t *doc, const cJSON *v,
    const char *sep, char *buf, size_t size);


#endif /* _COGNITO_JSON_H_INCLUDED_ */
