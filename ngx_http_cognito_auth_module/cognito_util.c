
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * What the core files share: rejection code names, the error setter, the
 * algorithm names, base64 (base64url, and the standard alphabet read as
 * base64url) and the arena.  cjose serves its base64url decoder here (and
 * JWE in cognito_session.c); a token's segments are decoded by OpenSSL's
 * EVP_DecodeBlock() into the caller's buffer, with no allocation.
 *
 * The arena: a token's memory (cognito_jwt.c, cognito_json.c) is carved
 * from one block, so that a token costs one malloc() and one free()
 * instead of one for each JSON node and string; a block is the arena's
 * header, then the memory it hands out.
 */


#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define COGNITO_ASAN  1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COGNITO_ASAN  1
#endif
#endif

#ifdef COGNITO_ASAN
#include <sanitizer/asan_interface.h>
#define cognito_poison(p, n)    ASAN_POISON_MEMORY_REGION(p, n)
#define cognito_unpoison(p, n)  ASAN_UNPOISON_MEMORY_REGION(p, n)
#define COGNITO_ARENA_GAP       16       /* poisoned after each allocation */
#else
#define cognito_poison(p, n)
#define cognito_unpoison(p, n)
#define COGNITO_ARENA_GAP       0
#endif

#include <cjose/base64.h>
#include <cjose/util.h>
#include <openssl/evp.h>

#include "cognito_util.h"


static const char  *cognito_code_names[] = {
    "ok",
    "token_missing",
    "token_too_long",
    "token_malformed",
    "token_encrypted",
    "bad_base64",
    "bad_header",
    "bad_payload",
    "alg_missing",
    "alg_none",
    "alg_hmac",
    "alg_not_allowed",
    "crit_unsupported",
    "kid_missing",
    "kid_unknown",
    "key_mismatch",
    "bad_signature",
    "claim_type",
    "exp_missing",
    "token_expired",
    "token_not_yet_valid",
    "iat_in_future",
    "wrong_issuer",
    "wrong_token_use",
    "wrong_client",
    "token_revoked",
    "jwks_invalid",
    "jwks_no_keys",
    "out_of_memory",
    "internal_error",
    "revocation_invalid"
};


/* a compile-time check: one name for every code */

typedef char cognito_code_names_check_t[
    sizeof(cognito_code_names) / sizeof(cognito_code_names[0])
    == COGNITO_ERR_LAST ? 1 : -1];


const unsigned char  cognito_b64url_class[256] = {
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
    ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
    ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
    ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['-'] = 1, ['_'] = 1, ['.'] = 2
};


/*
 * base64url's alphabet as base64's (OpenSSL decodes base64): "-" and "_"
 * become "+" and "/", the others stay; 0 for a byte outside it, so that
 * one load both checks and translates a byte
 */

static const char  cognito_b64url_std[256] = {
    ['A'] = 'A', ['B'] = 'B', ['C'] = 'C', ['D'] = 'D', ['E'] = 'E',
    ['F'] = 'F', ['G'] = 'G', ['H'] = 'H', ['I'] = 'I', ['J'] = 'J',
    ['K'] = 'K', ['L'] = 'L', ['M'] = 'M', ['N'] = 'N', ['O'] = 'O',
    ['P'] = 'P', ['Q'] = 'Q', ['R'] = 'R', ['S'] = 'S', ['T'] = 'T',
    ['U'] = 'U', ['V'] = 'V', ['W'] = 'W', ['X'] = 'X', ['Y'] = 'Y',
    ['Z'] = 'Z', ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd',
    ['e'] = 'e', ['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i',
    ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
    ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's',
    ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
    ['y'] = 'y', ['z'] = 'z', ['0'] = '0', ['1'] = '1', ['2'] = '2',
    ['3'] = '3', ['4'] = '4', ['5'] = '5', ['6'] = '6', ['7'] = '7',
    ['8'] = '8', ['9'] = '9', ['-'] = '+', ['_'] = '/'
};


const char *
cognito_code_name(cognito_code_e code)
{
    if ((unsigned) code >= COGNITO_ERR_LAST
        || (unsigned) code >= sizeof(cognito_code_names)
                              / sizeof(cognito_code_names[0]))
    {
        return "internal_error";
    }

    return cognito_code_names[code];
}


int
cognito_set_error(cognito_err_t *err, cognito_code_e code, const char *msg,
    const char *file, int line)
{
    if (err != NULL) {
        err->code = code;
        err->msg = msg;
        err->file = file;
        err->line = line;
    }

    return (int) code;
}


unsigned
cognito_alg_bit(const char *alg, size_t len)
{
    if (len != 5 || memcmp(alg, "RS", 2) != 0) {
        return 0;
    }

    if (memcmp(alg + 2, "256", 3) == 0) {
        return COGNITO_ALG_RS256;
    }

    if (memcmp(alg + 2, "384", 3) == 0) {
        return COGNITO_ALG_RS384;
    }

    if (memcmp(alg + 2, "512", 3) == 0) {
        return COGNITO_ALG_RS512;
    }

    return 0;
}


int
cognito_b64url_valid(const char *p, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (cognito_b64url_class[(unsigned char) p[i]] != 1) {
            return 0;
        }
    }

    /* one character left over never encodes a byte */

    return len % 4 != 1;
}


/* 4 unused bits when the length is 2 mod 4, 2 bits when 3 mod 4 */

int
cognito_b64url_canonical(const char *p, size_t len)
{
    unsigned char  c, v;

    if (len % 4 == 0) {
        return 1;
    }

    c = (unsigned char) p[len - 1];

    if (c >= 'A' && c <= 'Z') {
        v = (unsigned char) (c - 'A');

    } else if (c >= 'a' && c <= 'z') {
        v = (unsigned char) (c - 'a' + 26);

    } else if (c >= '0' && c <= '9') {
        v = (unsigned char) (c - '0' + 52);

    } else {
        v = (c == '-') ? 62 : 63;
    }

    return (v & (len % 4 == 2 ? 0x0f : 0x03)) == 0;
}


int
cognito_b64url_decode(const char *p, size_t len, uint8_t **out, size_t *n)
{
    cjose_err  cerr;

    *out = NULL;

    if (!cjose_base64url_decode(p, len, out, n, &cerr)) {
        *out = NULL;

        return (cerr.code == CJOSE_ERR_NO_MEMORY) ? COGNITO_ERR_NOMEM
                                                  : COGNITO_ERR_BASE64;
    }

    return COGNITO_OK;
}


void
cognito_b64url_free(uint8_t *p)
{
    if (p != NULL) {
        cjose_get_dealloc()(p);
    }
}


int
cognito_b64url_decode_to(const char *p, size_t len, uint8_t *out,
    size_t *n)
{
    int      rc;
    char     c, std[COGNITO_B64_CHUNK + 2];
    size_t   i, j, m, w, q;

    q = len % 4;

    if (q == 1) {
        return COGNITO_ERR_BASE64;
    }

    /*
     * OpenSSL decodes.  base64url differs from base64 in two characters of
     * its alphabet and in leaving the padding out, so each chunk is copied
     * with "-" and "_" as "+" and "/", and the last one is padded
     */

    *n = 0;

    for (i = 0; i < len; i += m) {
        m = (len - i < COGNITO_B64_CHUNK) ? len - i : COGNITO_B64_CHUNK;

        for (j = 0; j < m; j++) {
            c = cognito_b64url_std[(unsigned char) p[i + j]];

            if (c == 0) {
                return COGNITO_ERR_BASE64;
            }

            std[j] = c;
        }

        w = m;

        if (i + m == len && q != 0) {
            std[w++] = '=';

            if (q == 2) {
                std[w++] = '=';
            }
        }

        rc = EVP_DecodeBlock(out + *n, (const unsigned char *) std, (int) w);
        if (rc < 0) {
            return COGNITO_ERR_BASE64;
        }

        *n += (size_t) rc;
    }

    /* EVP_DecodeBlock() counts the bytes of the padding too */

    if (q != 0) {
        *n -= 4 - q;
    }

    return COGNITO_OK;
}


int
cognito_b64_decode(const char *p, size_t len, uint8_t **out, size_t *n)
{
    int     rc;
    char   *url;
    size_t  i, m;

    *out = NULL;

    /* padding ("=" or "==") only where it makes whole quanta */

    m = len;

    if (m % 4 == 0) {
        for (i = 0; i < 2 && m && p[m - 1] == '='; i++) {
            m--;
        }
    }

    if (m == 0) {
        return COGNITO_ERR_BASE64;
    }

    url = malloc(m);
    if (url == NULL) {
        return COGNITO_ERR_NOMEM;
    }

    for (i = 0; i < m; i++) {
        url[i] = (p[i] == '+') ? '-' : (p[i] == '/') ? '_' : p[i];
    }

    if (cognito_b64url_valid(url, m)) {
        rc = cognito_b64url_decode(url, m, out, n);

    } else {
        rc = COGNITO_ERR_BASE64;
    }

    free(url);

    return rc;
}


/*
 * A block of an arena: the blocks chain from the newest (the one carved
 * from) to the first, which sits in the arena's own malloc() after its
 * header.
 */

typedef struct cognito_arena_block_s  cognito_arena_block_t;

struct cognito_arena_block_s {
    cognito_arena_block_t  *older;
    char                   *start;
    char                   *end;
};

struct cognito_arena_s {
    cognito_arena_block_t  *block;   /* the newest */
    char                   *top;     /* the next allocation, in block */
    size_t                  next;    /* a chained block's least size */
    size_t                  size;    /* bytes from malloc(), in all */
    cognito_arena_block_t   first;
};


#define COGNITO_ARENA_ALIGN     8
#define cognito_arena_align(n)                                               \
    (((n) + COGNITO_ARENA_ALIGN - 1) & ~((size_t) COGNITO_ARENA_ALIGN - 1))


cognito_arena_t *
cognito_arena_new(size_t size)
{
    size_t            head;
    cognito_arena_t  *a;

    head = cognito_arena_align(sizeof(cognito_arena_t));
    size = cognito_arena_align(size);

    a = malloc(head + size);
    if (a == NULL) {
        return NULL;
    }

    a->first.older = NULL;
    a->first.start = (char *) a + head;
    a->first.end = a->first.start + size;
    a->block = &a->first;
    a->top = a->first.start;
    a->next = size;
    a->size = head + size;

    cognito_poison(a->first.start, size);

    return a;
}


void *
cognito_arena_alloc(cognito_arena_t *a, size_t n)
{
    char                   *p;
    size_t                  need, head, size;
    cognito_arena_block_t  *b;

    need = cognito_arena_align(n) + COGNITO_ARENA_GAP;

    if (need < n) {
        return NULL;
    }

    if ((size_t) (a->block->end - a->top) < need) {
        head = cognito_arena_align(sizeof(cognito_arena_block_t));
        size = a->next * 2 > need ? a->next * 2 : need;

        if (size < a->next || head + size < size) {
            return NULL;
        }

        b = malloc(head + size);
        if (b == NULL) {
            return NULL;
        }

        b->older = a->block;
        b->start = (char *) b + head;
        b->end = b->start + size;

        cognito_poison(b->start, size);

        a->block = b;
        a->top = b->start;
        a->next = size;
        a->size += head + size;
    }

    p = a->top;
    a->top += need;

    cognito_unpoison(p, n);

    return p;
}


int
cognito_arena_owns(const cognito_arena_t *a, const void *p)
{
    const char                   *c;
    const cognito_arena_block_t  *b;

    c = p;

    for (b = a->block; b != NULL; b = b->older) {
        if (c >= b->start && c < b->end) {
            return 1;
        }
    }

    return 0;
}


void
cognito_arena_mark(cognito_arena_t *a, cognito_arena_mark_t *m)
{
    m->block = a->block;
    m->top = a->top;
}


void
cognito_arena_release(cognito_arena_t *a, const cognito_arena_mark_t *m)
{
    cognito_arena_block_t  *b;

    while (a->block != m->block && a->block != &a->first) {
        b = a->block;
        a->block = b->older;
        a->size -= (size_t) (b->end - (char *) b);

        cognito_unpoison(b->start, (size_t) (b->end - b->start));
        free(b);
    }

    a->top = m->top;

    cognito_poison(a->top, (size_t) (a->block->end - a->top));
}


size_t
cognito_arena_size(const cognito_arena_t *a)
{
    return a->size;
}


void
cognito_arena_free(cognito_arena_t *a)
{
    cognito_arena_block_t  *b;

    if (a == NULL) {
        return;
    }

    while (a->block != &a->first) {
        b = a->block;
        a->block = b->older;

        cognito_unpoison(b->start, (size_t) (b->end - b->start));
        free(b);
    }

    cognito_unpoison(a->first.start,
                     (size_t) (a->first.end - a->first.start));
    free(a);
}
