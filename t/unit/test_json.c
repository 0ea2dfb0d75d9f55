
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Unit tests for cognito_json.c: each rule jansson applied to a token's
 * header and payload, and which cJSON alone does not, is kept (one case
 * per gap found in cJSON 1.7.15); numbers keep jansson's integer and real
 * semantics and rendering.  The expected renderings are jansson's own
 * output for the same text (the fuzz_json harness compares with jansson
 * directly).  Memory: trees carved from arenas, chained blocks, and cJSON
 * as other code in the process sees it with this file's hooks set.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cognito_util.h"
#include "cognito_json.h"
#include "tap.h"


#define T_TEXT(s)  s, sizeof(s) - 1


typedef struct {
    const char  *text;
    size_t       len;
    const char  *desc;
} t_case_t;


static int t_parse(const char *text, size_t len);
static void t_cases(const t_case_t *cases, size_t n, int want);
static void t_render(const char *text, size_t len, const char *key,
    const char *want, const char *desc);
static void t_refused(void);
static void t_accepted(void);
static void t_numbers(void);
static void t_rendering(void);
static void t_memory(void);
static void t_others(void);
static void t_foreign(void);
static void *t_count_malloc(size_t size);
static void t_count_free(void *p);


static long  t_allocs;                  /* t_foreign()'s hooks */


/* COGNITO_OK or the parse's code, the document freed */

static int
t_parse(const char *text, size_t len)
{
    int              rc;
    char            *copy;
    cognito_json_t   doc;

    /* an exact-size copy: no NUL after it for the parser to lean on */

    copy = malloc(len ? len : 1);
    if (copy == NULL) {
        t_fatal("malloc");
        return -1;
    }

    memcpy(copy, text, len);

    rc = cognito_json_parse(&doc, NULL, copy, len);

    if (rc == COGNITO_OK && doc.root == NULL) {
        rc = -1;
    }

    cognito_json_free(&doc);
    free(copy);

    return rc;
}


/* the member key (the whole object when NULL) rendered as want */

static void
t_render(const char *text, size_t len, const char *key, const char *want,
    const char *desc)
{
    long             n;
    char             buf[512];
    const cJSON     *v;
    cognito_json_t   doc;

    if (cognito_json_parse(&doc, NULL, text, len) != COGNITO_OK) {
        t_ok(0, "render: %s: parse", desc);
        return;
    }

    v = (key == NULL) ? doc.root : cognito_json_get(doc.root, key);

    n = cognito_json_render(&doc, v, ",", buf, sizeof(buf));

    t_ok(n == (long) strlen(want) && memcmp(buf, want, (size_t) n) == 0,
         "render: %s (%s)", desc, want);

    cognito_json_free(&doc);
}


/* each case parsed, with the code wanted */

static void
t_cases(const t_case_t *cases, size_t n, int want)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        t_code(t_parse(cases[i].text, cases[i].len), want, cases[i].desc);
    }
}


static void
t_refused(void)
{
    size_t  i;
    char    deep[64], many[512];
    int     n;

    static const t_case_t  cases[] = {

        /* cJSON skips a byte order mark and takes any byte <= 0x20 */
        { T_TEXT("\xef\xbb\xbf{\"a\":1}"), "a UTF-8 byte order mark" },
        { T_TEXT("{\x01\"a\":1}"), "a control byte as whitespace" },
        { T_TEXT("{\f\"a\":1}"), "a form feed as whitespace" },
        { T_TEXT("{\"a\":1\0}"), "a NUL byte after a number (jansson "
                                 "skipped it; RFC 8259 does not)" },
        { T_TEXT("{\"a\":true\0}"), "a NUL byte after a literal" },

        /* cJSON copies raw bytes into strings as they are */
        { T_TEXT("{\"a\":\"x\ty\"}"), "a raw tab in a string" },
        { T_TEXT("{\"a\":\"x\0y\"}"), "a raw NUL in a string" },
        { T_TEXT("{\"a\":\"al\xff" "ice\"}"), "invalid UTF-8" },
        { T_TEXT("{\"a\":\"\xc0\xaf\"}"), "overlong UTF-8" },
        { T_TEXT("{\"a\":\"\xed\xa0\x80\"}"), "a surrogate in UTF-8" },
        { T_TEXT("{\"a\":\"\xf4\x90\x80\x80\"}"), "UTF-8 beyond U+10FFFF" },
        { T_TEXT("{\"a\":\"\xe2\x82\"}"), "truncated UTF-8" },

        /* cJSON decodes these escapes to a NUL that ends the C string */
        { T_TEXT("{\"iss\":\"good\\u0000.evil\"}"), "\\u0000 in a value" },
        { T_TEXT("{\"a\\u0000b\":1}"), "\\u0000 in a key" },
        { T_TEXT("{\"a\":\"x\\uZZZZ\"}"), "\\u with non-hex digits" },
        { T_TEXT("{\"a\":\"x\\u12\"}"), "\\u with two digits" },
        { T_TEXT("{\"a\":\"\\x\"}"), "an unknown escape" },

        /* lone surrogate escapes (cJSON refuses them itself) */
        { T_TEXT("{\"a\":\"\\ud800\"}"), "a lone high surrogate" },
        { T_TEXT("{\"a\":\"\\udc00\"}"), "a lone low surrogate" },
        { T_TEXT("{\"a\":\"\\ud800\\u0041\"}"), "a high surrogate, then A" },

        /* what strtod() takes and RFC 8259 does not */
        { T_TEXT("{\"a\":01}"), "a leading zero" },
        { T_TEXT("{\"a\":-01}"), "a negative leading zero" },
        { T_TEXT("{\"a\":1.}"), "no digit after the point" },
        { T_TEXT("{\"a\":-.5}"), "no digit before the point" },
        { T_TEXT("{\"a\":1.e5}"), "a point, then the exponent" },
        { T_TEXT("{\"a\":1e}"), "an empty exponent" },
        { T_TEXT("{\"a\":+1}"), "a plus sign" },
        { T_TEXT("{\"a\":1.2.3}"), "two points" },
        { T_TEXT("{\"a\":0x10}"), "hexadecimal" },
        { T_TEXT("{\"a\":-}"), "a minus alone" },

        /* numbers beyond a double (cJSON keeps infinity) */
        { T_TEXT("{\"a\":1e400}"), "a real beyond a double" },
        { T_TEXT("{\"a\":-1e400}"), "a negative real beyond a double" },

        /* cJSON keeps duplicates and stops at the value */
        { T_TEXT("{\"a\":1,\"a\":2}"), "a duplicate key" },
        { T_TEXT("{\"a\":{\"b\":1,\"b\":2}}"), "a duplicate nested key" },
        { T_TEXT("{\"a\":[{\"c\":1,\"c\":1}]}"),
          "a duplicate key in an array's object" },
        { T_TEXT("{\"a\":1}{\"b\":2}"), "a second value" },
        { T_TEXT("{\"a\":1} x"), "trailing garbage" },

        /* shapes */
        { T_TEXT("[1]"), "an array" },
        { T_TEXT("null"), "null" },
        { T_TEXT("\"a\""), "a string" },
        { T_TEXT(""), "nothing" },
        { T_TEXT("  "), "whitespace" },
        { T_TEXT("{\"a\":1,}"), "a trailing comma" },
        { T_TEXT("{\"a\":tru}"), "a cut literal" },
        { T_TEXT("{\"a\":TRUE}"), "an upper-case literal" },
        { T_TEXT("{\"a\":1"), "an unclosed object" },
        { T_TEXT("{\"a\":\"x}"), "an unclosed string" },
    };

    t_cases(cases, sizeof(cases) / sizeof(cases[0]), COGNITO_ERR_INTERNAL);

    /* 17 levels with the object itself: one beyond COGNITO_JSON_MAX_DEPTH */

    n = snprintf(deep, sizeof(deep), "{\"a\":%.*s%.*s}",
                 16, "[[[[[[[[[[[[[[[[", 16, "]]]]]]]]]]]]]]]]");
    t_code(t_parse(deep, (size_t) n), COGNITO_ERR_INTERNAL,
           "depth 17 is refused");

    /* an integer too long for a double: infinity, refused */

    n = snprintf(many, sizeof(many), "{\"a\":%0400d}", 9);
    memset(many + 5, '9', 400);
    t_code(t_parse(many, (size_t) n), COGNITO_ERR_INTERNAL,
           "an integer of 400 digits (beyond a double) is refused");

    /* more members than are compared pairwise: sorted, still found */

    n = 0;
    many[n++] = '{';

    for (i = 0; i < 40; i++) {
        n += snprintf(many + n, sizeof(many) - n, "\"k%zu\":%zu,", i, i);
    }

    n += snprintf(many + n, sizeof(many) - n, "\"k13\":0}");
    t_code(t_parse(many, (size_t) n), COGNITO_ERR_INTERNAL,
           "a duplicate among 41 members");

    many[n - 6] = '9';
    many[n - 5] = '9';
    t_code(t_parse(many, (size_t) n), COGNITO_OK,
           "41 distinct members");
}


static void
t_accepted(void)
{
    char    deep[64];
    int     n;

    static const t_case_t  cases[] = {
        { T_TEXT("{}"), "an empty object" },
        { T_TEXT(" \n\t\r{\"a\":1} \r\n\t"), "whitespace around" },
        { T_TEXT("{\"a\":\"\\ud83d\\ude00\"}"), "a surrogate pair escape" },
        { T_TEXT("{\"a\":\"\xf0\x9f\x98\x80\",\"\xc3\xa9\":\"\xe2\x82\xac\"}"),
          "UTF-8 in keys and values" },
        { T_TEXT("{\"a\":\"\\\\u0000\"}"), "an escaped backslash, then "
                                            "u0000 as text" },
        { T_TEXT("{\"a\":\"\\u0001\\u001F\\u00e9\"}"),
          "escapes of control characters" },
        { T_TEXT("{\"\":1,\"a\":{},\"b\":[],\"c\":[[]],\"d\":[{}]}"),
          "an empty key, empty containers" },
        { T_TEXT("{\"a\":1e-400}"), "a real below a double's range: 0" },
        { T_TEXT("{\"a\":-0,\"b\":0e0,\"c\":1E+5,\"d\":1e-05}"),
          "number forms of RFC 8259" },
        { T_TEXT("{\"a\":{\"a\":1},\"b\":{\"a\":1}}"),
          "the same key in two objects" },
        { T_TEXT("{\"t\":true,\"f\":false,\"n\":null}"), "literals" },
    };

    t_cases(cases, sizeof(cases) / sizeof(cases[0]), COGNITO_OK);

    n = snprintf(deep, sizeof(deep), "{\"a\":%.*s%.*s}",
                 15, "[[[[[[[[[[[[[[[", 15, "]]]]]]]]]]]]]]]");
    t_code(t_parse(deep, (size_t) n), COGNITO_OK, "depth 16 is taken");
}


static void
t_numbers(void)
{
    int              i, n;
    char             text[1024], key[16], want[32];
    cognito_json_t   doc;

    /* integers stay exact beyond 2^53, as jansson's 64-bit integers did */

    t_render(T_TEXT("{\"a\":9223372036854775807}"), "a",
             "9223372036854775807", "the largest 64-bit integer");
    t_render(T_TEXT("{\"a\":-9223372036854775808}"), "a",
             "-9223372036854775808", "the smallest 64-bit integer");
    t_render(T_TEXT("{\"a\":9007199254740993}"), "a", "9007199254740993",
             "2^53 + 1, exact");
    t_render(T_TEXT("{\"a\":-0}"), "a", "0", "-0 is the integer 0");

    /*
     * an integer beyond 64 bits: jansson read the whole text again with
     * every number a real, as JavaScript reads them
     */

    t_render(T_TEXT("{\"a\":9223372036854775808,\"b\":5}"), "b", "5.0",
             "beside an integer beyond 64 bits, 5 is a real");
    t_render(T_TEXT("{\"a\":9223372036854775808,\"b\":5}"), "a",
             "9.2233720368547758e18", "2^63 as a real");
    t_render(T_TEXT("{\"a\":10000000000000000000000000000000000000000}"),
             "a", "1e40", "10^40 as a real");

    /* reals as jansson's "%.17g" with ".0" and a short exponent */

    t_render(T_TEXT("{\"a\":2.0}"), "a", "2.0", "2.0 stays a real");
    t_render(T_TEXT("{\"a\":-0.0}"), "a", "-0.0", "-0.0");
    t_render(T_TEXT("{\"a\":0.1}"), "a", "0.10000000000000001", "0.1");
    t_render(T_TEXT("{\"a\":1.5e-7}"), "a", "1.4999999999999999e-7",
             "a negative exponent");
    t_render(T_TEXT("{\"a\":1E5}"), "a", "100000.0", "1E5");
    t_render(T_TEXT("{\"a\":-1.25e+300}"), "a", "-1.2500000000000001e300",
             "a large exponent");
    t_render(T_TEXT("{\"a\":1e-400}"), "a", "0.0", "an underflow is 0.0");

    /* values as doubles, for exp, nbf and iat */

    if (cognito_json_parse(&doc, NULL,
                           T_TEXT("{\"exp\":1700003600.5,\"n\":1e3}"))
        == COGNITO_OK)
    {
        t_ok(cognito_json_get(doc.root, "exp")->valuedouble == 1700003600.5
             && cognito_json_get(doc.root, "n")->valuedouble == 1000.0,
             "numbers read as doubles");
        cognito_json_free(&doc);

    } else {
        t_ok(0, "numbers read as doubles: parse");
    }

    /* more numbers than fit without malloc: each still paired */

    n = 0;
    text[n++] = '{';

    for (i = 0; i < 40; i++) {
        n += snprintf(text + n, sizeof(text) - n, "%s\"k%d\":%d%s",
                      i ? "," : "", i, 1000 + i, i % 2 ? ".5" : "");
    }

    text[n++] = '}';

    for (i = 38; i < 40; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        snprintf(want, sizeof(want), i % 2 ? "%d.5" : "%d", 1000 + i);
        t_render(text, (size_t) n, key, want, "the 39th and 40th numbers");
    }
}


static void
t_rendering(void)
{
    t_render(T_TEXT("{\"a\":\"x\\/\\u00e9y\"}"), "a", "x/\xc3\xa9y",
             "a string as it is, escapes decoded");
    t_render(T_TEXT("{\"a\":\"x\\ny\\u001f\\/\\u00e9\\\"\\\\\","
                    "\"b\\t\":\"\\u007f\"}"), NULL,
             "{\"a\":\"x\\ny\\u001F/\xc3\xa9\\\"\\\\\",\"b\\t\":\"\x7f\"}",
             "JSON escapes as jansson writes them");
    t_render(T_TEXT("{\"g\":[\"a\",\"b\",1,2.5,true]}"), "g",
             "a,b,1,2.5,true", "an array of scalars, joined");
    t_render(T_TEXT("{\"g\":[\"a\",null]}"), "g", "[\"a\",null]",
             "an array holding null, as JSON");
    t_render(T_TEXT("{\"g\":[1,[2]]}"), "g", "[1,[2]]",
             "an array holding an array, as JSON");
    t_render(T_TEXT("{\"g\":[]}"), "g", "", "an empty array");
    t_render(T_TEXT("{\"o\":{\"r\":\"x\",\"n\":[1,{}],\"t\":false}}"), "o",
             "{\"r\":\"x\",\"n\":[1,{}],\"t\":false}",
             "an object, members in order");
    t_render(T_TEXT("{\"t\":true}"), "t", "true", "true");
}


int
main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);

    t_refused();
    t_accepted();
    t_numbers();
    t_rendering();
    t_memory();
    t_others();

    /* last: it leaves cJSON's hooks as other code would have set them */

    t_foreign();

    return t_done("unit json");
}


/*
 * Trees, strings and number records carved from an arena: the caller's,
 * or the parse's own; beyond the first block in chained blocks, every
 * number still paired with its record (rendered as an integer).
 */

static void
t_memory(void)
{
    int               ok;
    char             *text, *want;
    long              n;
    size_t            i, len, wlen;
    cognito_arena_t  *a;
    cognito_json_t    doc, doc2;

    a = cognito_arena_new(64);
    text = malloc(8192);
    want = malloc(8192);

    if (a == NULL || text == NULL || want == NULL) {
        t_fatal("malloc");
        return;
    }

    ok = cognito_json_parse(&doc, a, T_TEXT("{\"a\":\"x\",\"n\":[1,2,3]}"))
         == COGNITO_OK
         && cognito_json_parse(&doc2, a, T_TEXT("{\"b\":1.5}")) == COGNITO_OK
         && cognito_arena_owns(a, doc.root)
         && cognito_arena_owns(a, doc2.root)
         && cognito_arena_owns(a, cognito_json_get(doc.root, "a")->valuestring)
         && cognito_arena_owns(a, doc.nums);

    cognito_json_free(&doc2);

    t_ok(ok && cognito_json_get(doc.root, "a") != NULL,
         "memory: two trees in the caller's arena, which outlives a free");

    cognito_json_free(&doc);
    cognito_arena_free(a);

    /* 1,000 numbers: 64 KiB of nodes, 24 KiB of records */

    len = (size_t) snprintf(text, 8192, "{\"a\":[");
    wlen = 0;

    for (i = 0; i < 1000; i++) {
        len += (size_t) snprintf(text + len, 8192 - len, "%s%zu",
                                 i ? "," : "", i * 7919);
        wlen += (size_t) snprintf(want + wlen, 8192 - wlen, "%s%zu",
                                  i ? "," : "", i * 7919);
    }

    len += (size_t) snprintf(text + len, 8192 - len, "]}");

    if (cognito_json_parse(&doc, NULL, text, len) == COGNITO_OK) {
        n = cognito_json_render(&doc, cognito_json_get(doc.root, "a"), ",",
                                text, 8192);

        t_ok(n == (long) wlen && memcmp(text, want, wlen) == 0
             && doc.nnums == 1000 && doc.own != NULL,
             "memory: 1,000 numbers in chained blocks, each paired");

        cognito_json_free(&doc);

    } else {
        t_ok(0, "memory: 1,000 numbers: parse");
    }

    free(text);
    free(want);
}


/*
 * The hooks this file sets are malloc() and free() outside its parses:
 * other code's trees, printing (which no longer uses realloc()) and
 * cJSON_free() work as before, their memory in no arena.
 */

static void
t_others(void)
{
    char             *out, key[16], want[8192];
    cJSON            *root, *obj;
    size_t            i, n;
    cognito_json_t    doc;

    if (cognito_json_parse(&doc, NULL, T_TEXT("{\"a\":1}")) != COGNITO_OK) {
        t_ok(0, "others: parse");
        return;
    }

    root = cJSON_Parse("{\"x\":[1,2,3],\"y\":\"z\"}");
    obj = cJSON_CreateObject();

    n = 0;

    for (i = 0; obj != NULL && i < 200; i++) {
        (void) snprintf(key, sizeof(key), "k%zu", i);
        (void) cJSON_AddStringToObject(obj, key, "a value of some length");
        n += (size_t) snprintf(want + n, sizeof(want) - n, "%c\"%s\":%s",
                               i ? ',' : '{', key,
                               "\"a value of some length\"");
    }

    (void) snprintf(want + n, sizeof(want) - n, "}");

    out = (obj != NULL) ? cJSON_PrintUnformatted(obj) : NULL;

    t_ok(root != NULL && !cognito_arena_owns(doc.arena, root)
         && !cognito_arena_owns(doc.arena, root->child)
         && out != NULL && strcmp(out, want) == 0,
         "others: cJSON_Parse and a printer's grown buffer, from malloc()");

    /* as cJSON.h allows: the printed text freed with free() */

    free(out);
    cJSON_Delete(obj);
    cJSON_Delete(root);

    out = cJSON_malloc(16);
    t_ok(out != NULL && !cognito_arena_owns(doc.arena, out),
         "others: cJSON_malloc() outside a parse is malloc()");
    cJSON_free(out);

    cognito_json_free(&doc);
}


/*
 * Other code sets cJSON's hooks after this file's first parse: its trees
 * then come from those hooks, and the parse keeps them apart and frees
 * them with cJSON_Delete(), through those hooks; the rules still hold.
 */

static void
t_foreign(void)
{
    int              rc;
    cognito_json_t   doc;
    cJSON_Hooks      hooks = { t_count_malloc, t_count_free };

    cJSON_InitHooks(&hooks);

    rc = cognito_json_parse(&doc, NULL, T_TEXT("{\"a\":[1,{\"b\":\"c\"}]}"));

    t_ok(rc == COGNITO_OK && doc.foreign == doc.root && t_allocs > 0
         && !cognito_arena_owns(doc.arena, doc.root),
         "foreign hooks: the tree is theirs, kept apart");

    if (rc == COGNITO_OK) {
        cognito_json_free(&doc);
    }

    t_ok(t_allocs == 0, "foreign hooks: freed through them");

    t_code(cognito_json_parse(&doc, NULL, T_TEXT("{\"a\":1,\"a\":2}")),
           COGNITO_ERR_INTERNAL, "foreign hooks: a duplicate key refused");
    cognito_json_free(&doc);

    t_ok(t_allocs == 0, "foreign hooks: a refused tree freed through them");

    cJSON_InitHooks(NULL);
}


static void *
t_count_malloc(size_t size)
{
    t_allocs++;

    return malloc(size);
}


static void
t_count_free(void *p)
{
    t_allocs -= (p != NULL);

    free(p);
}
