
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * The per-request JSON of tokens: cJSON builds the tree (about five times
 * faster than jansson on a Cognito payload), and this file holds it to the
 * rules jansson applied with JSON_REJECT_DUPLICATES.  cJSON 1.7.15 is
 * laxer in these ways, each found by reading its behaviour (t/unit's
 * test_json.c holds one case each):
 *
 *   - any byte up to 0x20 counts as whitespace, and a UTF-8 byte order
 *     mark is skipped: RFC 8259 whitespace is space, tab, LF and CR only;
 *   - strings: raw control bytes, invalid UTF-8 and overlong forms are
 *     copied as they are; "\u0000" and "\u" with non-hex digits decode to
 *     a NUL that cuts the C string short (an "iss" of "good\u0000.evil"
 *     would read "good");
 *   - numbers are whatever strtod() takes after a '-' or a digit ("01",
 *     "1.", "-.5", "1.e5"), an overflow is kept as infinity, and there is
 *     no integer type;
 *   - duplicate object keys are kept, and the nesting limit is 1000;
 *   - the text may go on after the value.
 *
 * So a lexical pass runs first over the text: RFC 8259's whitespace,
 * strings (UTF-8 as RFC 3629 has it, escapes, no "\u0000") and numbers,
 * the nesting depth; it records each number, in document order, and
 * whether jansson would have made it an integer.  cJSON then parses, which
 * decides the structure (and refuses lone surrogate escapes on its own);
 * a walk of the tree refuses duplicate keys and infinite numbers and pairs
 * each number item with its record.  No second parser: the lexical pass
 * only checks tokens, and builds nothing.
 *
 * Memory: a parse carves the tree, its strings and the number records
 * from an arena (cognito_util.c; cognito_jwt.c gives each token one), so
 * that a token costs one malloc() and one free() instead of one for each
 * node and string, and a cold tree is freed without being walked.  cJSON
 * allocates only through its global hooks (cJSON_InitHooks()), so this
 * file sets them, once, at its first parse: cognito_json_malloc() and
 * cognito_json_dealloc().  They carve from "the current arena", a static
 * pointer set only for the duration of the cJSON_ParseWithLengthOpts()
 * call in cognito_json_parse() (an nginx worker runs one request at a time
 * on one thread, and the parse calls nothing that could parse again);
 * with no current arena they are exactly malloc() and free(), so any
 * other code in the process that uses cJSON gets what it got before: its
 * trees from malloc(), cJSON_Delete() and free() on them as before.  The
 * one change others can see: cJSON uses realloc() only while its hooks
 * are malloc() and free() themselves, so with these hooks its printers
 * grow their buffers by allocate, copy and free (the same text, through
 * malloc() and free()); read in the disassembly of Debian's
 * cJSON_InitHooks() (libcjson1 1.7.15), whose source is not at hand, and
 * tested (test_json.c: t_others()).  During a parse, cJSON frees only
 * what it has just carved (a partial tree after a syntax error, a refused
 * string): the free hook leaves the arena's pointers alone, as they go
 * with the arena.  An arena tree is never passed to cJSON_Delete().
 *
 * Global hooks are shared: should other code in the process set its own
 * after the first parse, cJSON would allocate through those; the parse
 * notices (the root is not in the arena) and keeps such a tree as
 * "foreign", freed by cognito_json_free() with cJSON_Delete(), as before
 * arenas.  Other code that sets its own hooks before this file's first
 * parse would lose them: no nginx module we know of links cJSON, and
 * cJSON offers no way to read the hooks back to chain to them.
 *
 * cJSON keeps the last parse error in a global of its own, which nothing
 * here reads.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cognito_util.h"
#include "cognito_json.h"


#define COGNITO_JSON_PAIRWISE      32       /* members checked pairwise */


typedef struct {
    char               *buf;
    size_t              size;
    size_t              len;         /* may run past size */
} cognito_out_t;


static int cognito_json_lex(cognito_json_t *doc, const unsigned char *p,
    size_t len);
static long cognito_json_lex_string(const unsigned char *p, size_t len);
static size_t cognito_json_lex_utf8(const unsigned char *p, size_t len);
static size_t cognito_json_lex_number(const unsigned char *p, size_t len,
    cognito_json_num_t *num, int *overflow);
static int cognito_json_add(cognito_json_t *doc, cognito_json_num_t *num);
static int cognito_json_walk(cognito_json_t *doc, const cJSON *v,
    size_t *k);
static int cognito_json_unique(const cJSON *obj);
static int cognito_json_keycmp(const void *a, const void *b);
static const cognito_json_num_t *cognito_json_num(const cognito_json_t *doc,
    const cJSON *v);
static int cognito_json_render_list(const cognito_json_t *doc,
    const cJSON *v, const char *sep, cognito_out_t *out);
static void cognito_json_scalar(const cognito_json_t *doc, const cJSON *v,
    cognito_out_t *out);
static void cognito_json_dump(const cognito_json_t *doc, const cJSON *v,
    cognito_out_t *out);
static void cognito_json_dump_number(const cognito_json_t *doc,
    const cJSON *v, cognito_out_t *out);
static void cognito_json_dump_string(const char *s, cognito_out_t *out);
static void cognito_out_write(cognito_out_t *out, const char *p, size_t n);
static void *cognito_json_malloc(size_t size);
static void cognito_json_dealloc(void *p);


/* the arena cJSON's hooks carve from, during a parse only; else NULL */
static cognito_arena_t     *cognito_json_current;

static int                  cognito_json_hooked;

static cJSON_Hooks          cognito_json_hooks = {
    cognito_json_malloc, cognito_json_dealloc
};


/* bytes a string holds as they are: printable ASCII but '"' and '\\' */

static const unsigned char  cognito_json_plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};


int
cognito_json_parse(cognito_json_t *doc, cognito_arena_t *arena,
    const char *text, size_t len)
{
    int          rc;
    size_t       k;
    const char  *end;

    doc->root = NULL;
    doc->nums = NULL;
    doc->nnums = 0;
    doc->nalloc = 0;
    doc->own = NULL;
    doc->foreign = NULL;

    if (arena == NULL) {
        arena = cognito_arena_new(COGNITO_JSON_ARENA(len));
        if (arena == NULL) {
            doc->arena = NULL;
            return COGNITO_ERR_NOMEM;
        }

        doc->own = arena;
    }

    doc->arena = arena;

    rc = cognito_json_lex(doc, (const unsigned char *) text, len);
    if (rc != COGNITO_OK) {
        goto failed;
    }

    if (!cognito_json_hooked) {
        cJSON_InitHooks(&cognito_json_hooks);
        cognito_json_hooked = 1;
    }

    end = NULL;

    cognito_json_current = arena;
    doc->root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    cognito_json_current = NULL;

    if (doc->root != NULL && !cognito_arena_owns(arena, doc->root)) {
        /* another user of cJSON has set its hooks since the first parse */
        doc->foreign = doc->root;
    }

    rc = COGNITO_ERR_INTERNAL;

    if (doc->root == NULL || !cJSON_IsObject(doc->root) || end == NULL) {
        goto failed;
    }

    /* after the value, whitespace only (the lexical pass refused others) */

    for ( /* void */ ; end < text + len; end++) {
        if (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\r') {
            goto failed;
        }
    }

    k = 0;

    rc = cognito_json_walk(doc, doc->root, &k);

    if (rc == COGNITO_OK && k != doc->nnums) {
        /* cJSON saw other numbers than the lexical pass: fail closed */
        rc = COGNITO_ERR_INTERNAL;
    }

    if (rc != COGNITO_OK) {
        goto failed;
    }

    return COGNITO_OK;

failed:

    cognito_json_free(doc);

    return rc;
}


void
cognito_json_free(cognito_json_t *doc)
{
    if (doc->foreign != NULL) {
        cJSON_Delete(doc->foreign);
        doc->foreign = NULL;
    }

    if (doc->own != NULL) {
        cognito_arena_free(doc->own);
        doc->own = NULL;
    }

    doc->root = NULL;
    doc->nums = NULL;
    doc->nnums = 0;
    doc->nalloc = 0;
    doc->arena = NULL;
}


/* cJSON's hooks: the current arena during a parse, else malloc() and free() */

static void *
cognito_json_malloc(size_t size)
{
    if (cognito_json_current != NULL) {
        return cognito_arena_alloc(cognito_json_current, size);
    }

    return malloc(size);
}


static void
cognito_json_dealloc(void *p)
{
    if (cognito_json_current != NULL && p != NULL
        && cognito_arena_owns(cognito_json_current, p))
    {
        /* freed with the arena */
        return;
    }

    free(p);
}


int
cognito_json_number(const char *s, size_t len, double *value)
{
    int                  overflow;
    char                *end;
    cognito_json_num_t   num;

    overflow = 0;

    if (len == 0
        || cognito_json_lex_number((const unsigned char *) s, len, &num,
                                   &overflow)
           != len)
    {
        return 0;
    }

    *value = strtod(s, &end);

    return end == s + len && isfinite(*value);
}


/*
 * cJSON_GetObjectItemCaseSensitive()'s walk, with the first bytes compared
 * before strcmp(): a policy check looks up about ten claims on every
 * request, cache hits included, each a walk over all of a Cognito
 * payload's members, and a strcmp() call per member was most of a cache
 * hit's cost in the module (bench/profile).  Member names are unique (the
 * parse refuses duplicates), so the first match is the only one.
 */

const cJSON *
cognito_json_get(const cJSON *v, const char *key)
{
    const cJSON  *e;

    if (!cJSON_IsObject(v) || key == NULL) {
        return NULL;
    }

    for (e = v->child; e != NULL && e->string != NULL; e = e->next) {
        if (e->string[0] == key[0] && strcmp(e->string, key) == 0) {
            return e;
        }
    }

    return NULL;
}


/*
 * The lexical rules (RFC 8259 with jansson's additions) over the whole
 * text, outside strings and in them; records the numbers.
 */

static int
cognito_json_lex(cognito_json_t *doc, const unsigned char *p, size_t len)
{
    int                  overflow;
    long                 n;
    size_t               i, depth, m;
    unsigned char        c;
    cognito_json_num_t   num;

    depth = 0;
    overflow = 0;
    i = 0;

    while (i < len) {
        c = p[i];

        switch (c) {

        case ' ': case '\t': case '\n': case '\r': case ',': case ':':
            i++;
            continue;

        case '{': case '[':
            if (++depth > COGNITO_JSON_MAX_DEPTH) {
                return COGNITO_ERR_INTERNAL;
            }

            i++;
            continue;

        case '}': case ']':
            depth -= (depth > 0);
            i++;
            continue;

        case '"':
            n = cognito_json_lex_string(p + i + 1, len - i - 1);
            if (n < 0) {
                return COGNITO_ERR_INTERNAL;
            }

            i += (size_t) n + 2;
            continue;
        }

        if (c == '-' || (c >= '0' && c <= '9')) {
            m = cognito_json_lex_number(p + i, len - i, &num, &overflow);
            if (m == 0) {
                return COGNITO_ERR_INTERNAL;
            }

            if (cognito_json_add(doc, &num) != COGNITO_OK) {
                return COGNITO_ERR_NOMEM;
            }

            i += m;
            continue;
        }

        /* letters of true, false and null, which cJSON reads exactly */

        if (c < 'a' || c > 'z') {
            return COGNITO_ERR_INTERNAL;
        }

        i++;
    }

    /*
     * An integer beyond 64 bits made jansson read the whole text again
     * with every number a real (JSON_DECODE_INT_AS_REAL), as JavaScript,
     * and so aws-jwt-verify, reads numbers
     */

    if (overflow) {
        for (i = 0; i < doc->nnums; i++) {
            doc->nums[i].integer = 0;
        }
    }

    return COGNITO_OK;
}


/*
 * A string's content, after its opening quote: the length up to the
 * closing quote, or -1
 */

static long
cognito_json_lex_string(const unsigned char *p, size_t len)
{
    size_t         i, k, n;
    unsigned       v;
    unsigned char  c;

    i = 0;

    while (i < len) {
        c = p[i];

        if (cognito_json_plain[c]) {
            i++;
            continue;
        }

        if (c == '"') {
            return (long) i;
        }

        if (c < 0x20) {
            return -1;
        }

        if (c >= 0x80) {
            n = cognito_json_lex_utf8(p + i, len - i);
            if (n == 0) {
                return -1;
            }

            i += n;
            continue;
        }

        if (i + 1 >= len) {
            return -1;
        }

        c = p[i + 1];

        if (c != 'u') {
            if (c == '\0' || strchr("\"\\/bfnrt", c) == NULL) {
                return -1;
            }

            i += 2;
            continue;
        }

        /* four hex digits, not U+0000 (jansson's JSON_ALLOW_NUL is off) */

        if (len - i < 6) {
            return -1;
        }

        v = 0;

        for (k = 2; k < 6; k++) {
            c = p[i + k];

            if (c >= '0' && c <= '9') {
                v = v << 4 | (unsigned) (c - '0');

            } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
                v = v << 4 | (unsigned) ((c | 0x20) - 'a' + 10);

            } else {
                return -1;
            }
        }

        if (v == 0) {
            return -1;
        }

        i += 6;
    }

    return -1;
}


/* a well-formed UTF-8 sequence (RFC 3629): its length, or 0 */

static size_t
cognito_json_lex_utf8(const unsigned char *p, size_t len)
{
    size_t         n, i;
    unsigned char  c, lo, hi;

    c = p[0];
    lo = 0x80;
    hi = 0xbf;

    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;

    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        lo = (c == 0xe0) ? 0xa0 : 0x80;     /* overlong */
        hi = (c == 0xed) ? 0x9f : 0xbf;     /* surrogates */

    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        lo = (c == 0xf0) ? 0x90 : 0x80;     /* overlong */
        hi = (c == 0xf4) ? 0x8f : 0xbf;     /* beyond U+10FFFF */

    } else {
        return 0;
    }

    if (len < n || p[1] < lo || p[1] > hi) {
        return 0;
    }

    for (i = 2; i < n; i++) {
        if (p[i] < 0x80 || p[i] > 0xbf) {
            return 0;
        }
    }

    return n;
}


/*
 * A number as RFC 8259 writes it: its length, or 0.  *num says whether it
 * is an integer (no fraction, no exponent) and, if it fits 64 bits, its
 * value; *overflow is set when an integer does not.
 */

static size_t
cognito_json_lex_number(const unsigned char *p, size_t len,
    cognito_json_num_t *num, int *overflow)
{
    int                 neg, big;
    size_t              i;
    unsigned char       c;
    unsigned long long  v, max;

    i = 0;
    neg = (p[0] == '-');
    i += neg;

    if (i == len || p[i] < '0' || p[i] > '9') {
        return 0;
    }

    /* the integer part, without leading zeros */

    max = neg ? 9223372036854775808ULL : 9223372036854775807ULL;
    v = 0;
    big = 0;

    if (p[i] == '0') {
        i++;

    } else {
        while (i < len && p[i] >= '0' && p[i] <= '9') {
            if (v > (max - (p[i] - '0')) / 10) {
                big = 1;

            } else {
                v = v * 10 + (p[i] - '0');
            }

            i++;
        }
    }

    num->item = NULL;
    num->integer = 1;

    if (i < len && p[i] == '.') {
        num->integer = 0;

        if (++i == len || p[i] < '0' || p[i] > '9') {
            return 0;
        }

        while (i < len && p[i] >= '0' && p[i] <= '9') {
            i++;
        }
    }

    if (i < len && (p[i] == 'e' || p[i] == 'E')) {
        num->integer = 0;
        i++;

        if (i < len && (p[i] == '+' || p[i] == '-')) {
            i++;
        }

        if (i == len || p[i] < '0' || p[i] > '9') {
            return 0;
        }

        while (i < len && p[i] >= '0' && p[i] <= '9') {
            i++;
        }
    }

    /* "01", "1.2.3", "1e5e5": the number would run on */

    if (i < len) {
        c = p[i];

        if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E'
            || c == '+' || c == '-')
        {
            return 0;
        }
    }

    if (num->integer && big) {
        *overflow = 1;
    }

    if (num->integer && !big) {
        num->value = neg ? (long long) (0ULL - v) : (long long) v;

    } else {
        num->value = 0;
    }

    return i;
}


static int
cognito_json_add(cognito_json_t *doc, cognito_json_num_t *num)
{
    size_t               n;
    cognito_json_num_t  *nums;

    if (doc->nnums == doc->nalloc) {
        n = doc->nalloc ? doc->nalloc * 2 : COGNITO_JSON_NUMS;

        /* the arena keeps the smaller arrays, less than this one in all */

        nums = cognito_arena_alloc(doc->arena,
                                   n * sizeof(cognito_json_num_t));
        if (nums == NULL) {
            return COGNITO_ERR_NOMEM;
        }

        if (doc->nnums) {
            memcpy(nums, doc->nums,
                   doc->nnums * sizeof(cognito_json_num_t));
        }

        doc->nums = nums;
        doc->nalloc = n;
    }

    doc->nums[doc->nnums++] = *num;

    return COGNITO_OK;
}


/*
 * The tree in document order: numbers finite and paired with the lexical
 * pass's records (the k-th number item is the k-th number of the text),
 * object keys unique.  The depth is bounded by the lexical pass.
 */

static int
cognito_json_walk(cognito_json_t *doc, const cJSON *v, size_t *k)
{
    int           rc;
    const cJSON  *e;

    if (cJSON_IsNumber(v)) {
        if (*k >= doc->nnums || !isfinite(v->valuedouble)) {
            return COGNITO_ERR_INTERNAL;
        }

        doc->nums[(*k)++].item = v;

        return COGNITO_OK;
    }

    if (cJSON_IsObject(v)) {
        rc = cognito_json_unique(v);
        if (rc != COGNITO_OK) {
            return rc;
        }

    } else if (!cJSON_IsArray(v)) {
        return COGNITO_OK;
    }

    for (e = v->child; e != NULL; e = e->next) {
        rc = cognito_json_walk(doc, e, k);
        if (rc != COGNITO_OK) {
            return rc;
        }
    }

    return COGNITO_OK;
}


/*
 * No key twice in an object (keys hold no NUL: the lexical pass refuses
 * "\u0000").  A few members are compared pairwise, more are sorted.
 */

static int
cognito_json_unique(const cJSON *obj)
{
    size_t        i, n;
    const char  **keys;
    const cJSON  *a, *b;

    n = 0;

    for (a = obj->child; a != NULL; a = a->next) {
        n++;
    }

    if (n <= COGNITO_JSON_PAIRWISE) {
        for (a = obj->child; a != NULL; a = a->next) {
            for (b = a->next; b != NULL; b = b->next) {
                if (a->string[0] == b->string[0]
                    && strcmp(a->string, b->string) == 0)
                {
                    return COGNITO_ERR_INTERNAL;
                }
            }
        }

        return COGNITO_OK;
    }

    keys = malloc(n * sizeof(const char *));
    if (keys == NULL) {
        return COGNITO_ERR_NOMEM;
    }

    i = 0;

    for (a = obj->child; a != NULL; a = a->next) {
        keys[i++] = a->string;
    }

    qsort(keys, n, sizeof(const char *), cognito_json_keycmp);

    for (i = 1; i < n; i++) {
        if (strcmp(keys[i - 1], keys[i]) == 0) {
            free(keys);
            return COGNITO_ERR_INTERNAL;
        }
    }

    free(keys);

    return COGNITO_OK;
}


static int
cognito_json_keycmp(const void *a, const void *b)
{
    return strcmp(*(const char * const *) a, *(const char * const *) b);
}


static const cognito_json_num_t *
cognito_json_num(const cognito_json_t *doc, const cJSON *v)
{
    size_t  i;

    for (i = 0; i < doc->nnums; i++) {
        if (doc->nums[i].item == v) {
            return &doc->nums[i];
        }
    }

    return NULL;
}


long
cognito_json_render(const cognito_json_t *doc, const cJSON *v,
    const char *sep, char *buf, size_t size)
{
    cognito_out_t  out;

    if (v == NULL) {
        return -1;
    }

    out.buf = buf;
    out.size = buf != NULL ? size : 0;
    out.len = 0;

    if (cJSON_IsObject(v)) {
        cognito_json_dump(doc, v, &out);

    } else if (cJSON_IsArray(v)) {
        if (cognito_json_render_list(doc, v, sep != NULL ? sep : ",", &out)
            != COGNITO_OK)
        {
            cognito_json_dump(doc, v, &out);
        }

    } else {
        cognito_json_scalar(doc, v, &out);
    }

    return (long) out.len;
}


/*
 * An array of scalars, joined by sep; COGNITO_ERR_INTERNAL, with nothing
 * written, when it holds an object, an array or null
 */

static int
cognito_json_render_list(const cognito_json_t *doc, const cJSON *v,
    const char *sep, cognito_out_t *out)
{
    size_t        slen;
    const cJSON  *e;

    for (e = v->child; e != NULL; e = e->next) {
        if (cJSON_IsObject(e) || cJSON_IsArray(e) || cJSON_IsNull(e)) {
            return COGNITO_ERR_INTERNAL;
        }
    }

    slen = strlen(sep);

    for (e = v->child; e != NULL; e = e->next) {
        if (e != v->child) {
            cognito_out_write(out, sep, slen);
        }

        cognito_json_scalar(doc, e, out);
    }

    return COGNITO_OK;
}


/* a string as it is, anything else as JSON */

static void
cognito_json_scalar(const cognito_json_t *doc, const cJSON *v,
    cognito_out_t *out)
{
    if (cJSON_IsString(v)) {
        cognito_out_write(out, v->valuestring, strlen(v->valuestring));
        return;
    }

    cognito_json_dump(doc, v, out);
}


/* compact JSON, as jansson's json_dumpb(JSON_COMPACT|JSON_ENCODE_ANY) */

static void
cognito_json_dump(const cognito_json_t *doc, const cJSON *v,
    cognito_out_t *out)
{
    const cJSON  *e;

    if (cJSON_IsString(v)) {
        cognito_json_dump_string(v->valuestring, out);

    } else if (cJSON_IsNumber(v)) {
        cognito_json_dump_number(doc, v, out);

    } else if (cJSON_IsTrue(v)) {
        cognito_out_write(out, "true", 4);

    } else if (cJSON_IsFalse(v)) {
        cognito_out_write(out, "false", 5);

    } else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        cognito_out_write(out, cJSON_IsArray(v) ? "[" : "{", 1);

        for (e = v->child; e != NULL; e = e->next) {
            if (e != v->child) {
                cognito_out_write(out, ",", 1);
            }

            if (cJSON_IsObject(v)) {
                cognito_json_dump_string(e->string, out);
                cognito_out_write(out, ":", 1);
            }

            cognito_json_dump(doc, e, out);
        }

        cognito_out_write(out, cJSON_IsArray(v) ? "]" : "}", 1);

    } else {
        cognito_out_write(out, "null", 4);
    }
}


/*
 * An integer in decimal; a real as jansson's jsonp_dtostr() writes it:
 * "%.17g", ".0" added when that looks like an integer, and the exponent
 * without '+' and leading zeros ("1e40", "1e-5")
 */

static void
cognito_json_dump_number(const cognito_json_t *doc, const cJSON *v,
    cognito_out_t *out)
{
    int                        n;
    char                       num[40], *start, *end;
    const cognito_json_num_t  *rec;

    rec = cognito_json_num(doc, v);

    if (rec != NULL && rec->integer) {
        n = snprintf(num, sizeof(num), "%lld", rec->value);

    } else {
        n = snprintf(num, sizeof(num), "%.17g", v->valuedouble);
    }

    if (n <= 0 || (size_t) n >= sizeof(num) - 2) {
        return;
    }

    if (rec != NULL && rec->integer) {
        cognito_out_write(out, num, (size_t) n);
        return;
    }

    if (strchr(num, '.') == NULL && strchr(num, 'e') == NULL) {
        num[n++] = '.';
        num[n++] = '0';
        num[n] = '\0';
    }

    start = strchr(num, 'e');

    if (start != NULL) {
        start++;
        end = start + 1;

        if (*start == '-') {
            start++;
        }

        while (*end == '0') {
            end++;
        }

        if (end != start) {
            memmove(start, end, (size_t) (n - (end - num)) + 1);
            n -= (int) (end - start);
        }
    }

    cognito_out_write(out, num, (size_t) n);
}


/* as jansson escapes: '"', '\\' and control characters; UTF-8 as is */

static void
cognito_json_dump_string(const char *s, cognito_out_t *out)
{
    char                 esc[8];
    const char          *run;
    unsigned char        c;

    cognito_out_write(out, "\"", 1);

    for (run = s; *s != '\0'; s++) {
        c = (unsigned char) *s;

        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }

        cognito_out_write(out, run, (size_t) (s - run));
        run = s + 1;

        switch (c) {

        case '"': case '\\':
            esc[0] = '\\';
            esc[1] = (char) c;
            cognito_out_write(out, esc, 2);
            break;

        case '\b': cognito_out_write(out, "\\b", 2); break;
        case '\f': cognito_out_write(out, "\\f", 2); break;
        case '\n': cognito_out_write(out, "\\n", 2); break;
        case '\r': cognito_out_write(out, "\\r", 2); break;
        case '\t': cognito_out_write(out, "\\t", 2); break;

        default:
            (void) snprintf(esc, sizeof(esc), "\\u%04X", (unsigned) c);
            cognito_out_write(out, esc, 6);
        }
    }

    cognito_out_write(out, run, (size_t) (s - run));
    cognito_out_write(out, "\"", 1);
}


static void
cognito_out_write(cognito_out_t *out, const char *p, size_t n)
{
    size_t  room;

    if (out->len < out->size) {
        room = out->size - out->len;
        memcpy(out->buf + out->len, p, n < room ? n : room);
    }

    out->len += n;
}
