
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

#include "cognito_util.h"


#define COGNITO_JSON_MAX_DEPTH     16       /* header and payload */
#define COGNITO_JSON_NUMS          4        /* number records at first */

/*
 * An arena's size for a parse of len bytes of JSON text: a Cognito
 * token's payload takes about 3.2 times its text in nodes (64 bytes each),
 * strings and number records; a text of smaller values takes more, in
 * chained blocks.
 */
#define COGNITO_JSON_ARENA(len)    ((len) * 3 + 512)


/* a number of the text, in document order */
typedef struct {
    const cJSON        *item;        /* the tree's number */
    long long           value;       /* when integer */
    unsigned            integer;     /* jansson would keep it an integer */
} cognito_json_num_t;


typedef struct {
    cJSON              *root;        /* an object; NULL before parsing */
    cognito_json_num_t *nums;        /* in the arena */
    size_t              nnums;
    size_t              nalloc;
    cognito_arena_t    *arena;       /* the tree's, numbers' and strings' */
    cognito_arena_t    *own;         /* the parse's own arena, if any */
    cJSON              *foreign;     /* a tree cJSON's hooks did not give
                                        the arena: cJSON_Delete()d */
} cognito_json_t;


/*
 * Parses text (len bytes, not NUL-terminated) into doc: COGNITO_OK,
 * COGNITO_ERR_NOMEM, or COGNITO_ERR_INTERNAL for anything that is not a
 * JSON object jansson would have taken with JSON_REJECT_DUPLICATES and
 * the module's depth limit.  The tree, its strings and the number records
 * are carved from arena, which the caller frees (after
 * cognito_json_free(), which then frees nothing else); with a NULL arena
 * the parse makes its own, which cognito_json_free() frees.  Call
 * cognito_json_free() on every outcome; on failure what the parse carved
 * from the caller's arena stays there until the arena goes.
 */
int cognito_json_parse(cognito_json_t *doc, cognito_arena_t *arena,
    const char *text, size_t len);

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
