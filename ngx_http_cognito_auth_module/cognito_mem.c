
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * Token memory.  jansson allocates every JSON value with its own malloc: a
 * Cognito payload is some fifty values, so parsing a token cost fifty
 * mallocs and freeing it fifty frees, of cold memory when the verified-token
 * cache evicted it.  jansson has no per-call allocator, only process-wide
 * functions (json_set_alloc_funcs).  The ones installed here put jansson's
 * allocations into the arena of the token being parsed, while one is being
 * parsed on this thread, and pass everything else to the functions that
 * were installed before (malloc and free).
 *
 * An arena is either memory its owner hands out (an nginx request pool: the
 * arena frees nothing) or malloc'd chunks, freed together with the token.
 *
 * Every block carries a header saying where it came from, so a free goes to
 * the right place whatever arena was current when the block was made; a
 * block without one (made before these functions were installed) goes to
 * the previous free function.
 */


#include <stdlib.h>

#include <jansson.h>

#include "cognito_internal.h"


#define COGNITO_MEM_HEAP       0x68636f676e69746fULL
#define COGNITO_MEM_ARENA      0x61636f676e69746fULL
#define COGNITO_MEM_ALIGN      16
#define COGNITO_MEM_CHUNK_MAX  (64 * 1024)


typedef struct {
    uint64_t            tag;         /* COGNITO_MEM_HEAP or _ARENA */
    uint64_t            check;       /* tag ^ the header's address */
} cognito_mem_hdr_t;


struct cognito_chunk_s {
    cognito_chunk_t    *next;
    uint64_t            pad;         /* keeps what follows aligned */
};


static void *cognito_mem_malloc(size_t size);
static void cognito_mem_free(void *p);


static _Thread_local cognito_arena_t  *cognito_arena_current;

static json_malloc_t  cognito_prev_malloc;
static json_free_t    cognito_prev_free;
static unsigned       cognito_mem_users;


void
cognito_mem_init(void)
{
    json_malloc_t  m;
    json_free_t    f;

    json_get_alloc_funcs(&m, &f);

    if (m == cognito_mem_malloc) {
        cognito_mem_users++;
        return;
    }

    cognito_prev_malloc = (m != NULL) ? m : malloc;
    cognito_prev_free = (f != NULL) ? f : free;

    json_set_alloc_funcs(cognito_mem_malloc, cognito_mem_free);

    cognito_mem_users = 1;
}


void
cognito_mem_done(void)
{
    json_malloc_t  m;
    json_free_t    f;

    if (cognito_mem_users == 0 || --cognito_mem_users > 0) {
        return;
    }

    json_get_alloc_funcs(&m, &f);

    if (m == cognito_mem_malloc) {
        json_set_alloc_funcs(cognito_prev_malloc, cognito_prev_free);
    }
}


void *
cognito_arena_alloc(cognito_arena_t *a, size_t size)
{
    size_t            n;
    uintptr_t         pos;
    unsigned char    *p;
    cognito_chunk_t  *c;

    if (size > COGNITO_MEM_CHUNK_MAX * 16) {
        return NULL;
    }

    size = (size + COGNITO_MEM_ALIGN - 1) & ~((size_t) COGNITO_MEM_ALIGN - 1);

    pos = ((uintptr_t) a->pos + COGNITO_MEM_ALIGN - 1)
          & ~((uintptr_t) COGNITO_MEM_ALIGN - 1);

    if (a->pos == NULL || pos > (uintptr_t) a->end
        || (uintptr_t) a->end - pos < size)
    {
        n = a->next;

        if (n < size + sizeof(cognito_chunk_t) + COGNITO_MEM_ALIGN) {
            n = size + sizeof(cognito_chunk_t) + COGNITO_MEM_ALIGN;
        }

        if (a->alloc != NULL) {
            p = a->alloc(a->data, n);
            if (p == NULL) {
                return NULL;
            }

        } else {
            c = malloc(n);
            if (c == NULL) {
                return NULL;
            }

            c->next = a->chunks;
            a->chunks = c;
            p = (unsigned char *) c;
        }

        a->pos = p + sizeof(cognito_chunk_t);
        a->end = p + n;

        if (a->next < COGNITO_MEM_CHUNK_MAX) {
            a->next *= 2;
        }

        pos = ((uintptr_t) a->pos + COGNITO_MEM_ALIGN - 1)
              & ~((uintptr_t) COGNITO_MEM_ALIGN - 1);
    }

    a->pos = (unsigned char *) pos + size;

    return (void *) pos;
}


void
cognito_arena_free(cognito_arena_t *a)
{
    cognito_chunk_t  *c, *next;

    for (c = a->chunks; c != NULL; c = next) {
        next = c->next;
        free(c);
    }

    a->chunks = NULL;
    a->pos = NULL;
    a->end = NULL;
}


cognito_arena_t *
cognito_arena_enter(cognito_arena_t *a)
{
    cognito_arena_t  *prev;

    prev = cognito_arena_current;
    cognito_arena_current = a;

    return prev;
}


void
cognito_arena_leave(cognito_arena_t *prev)
{
    cognito_arena_current = prev;
}


static void *
cognito_mem_malloc(size_t size)
{
    cognito_mem_hdr_t  *h;

    if (size > SIZE_MAX - sizeof(cognito_mem_hdr_t)) {
        return NULL;
    }

    if (cognito_arena_current != NULL) {
        h = cognito_arena_alloc(cognito_arena_current,
                                sizeof(cognito_mem_hdr_t) + size);
        if (h == NULL) {
            return NULL;
        }

        h->tag = COGNITO_MEM_ARENA;

    } else {
        h = cognito_prev_malloc(sizeof(cognito_mem_hdr_t) + size);
        if (h == NULL) {
            return NULL;
        }

        h->tag = COGNITO_MEM_HEAP;
    }

    h->check = h->tag ^ (uint64_t) (uintptr_t) h;

    return h + 1;
}


static void
cognito_mem_free(void *p)
{
    cognito_mem_hdr_t  *h;

    if (p == NULL) {
        return;
    }

    h = (cognito_mem_hdr_t *) p - 1;

    if (h->check != (h->tag ^ (uint64_t) (uintptr_t) h)) {
        /* made before these functions were installed */
        cognito_prev_free(p);
        return;
    }

    if (h->tag == COGNITO_MEM_HEAP) {
        h->tag = 0;
        h->check = 0;
        cognito_prev_free(h);
        return;
    }

    /* COGNITO_MEM_ARENA: released with its arena */
}
