
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * TAP output for the unit tests of the core.
 */


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjose/base64.h>
#include <cjose/util.h>

#include "cognito_util.h"
#include "tap.h"


static int  t_count;
static int  t_failed;


void
t_ok(int cond, const char *fmt, ...)
{
    va_list  args;

    t_count++;

    if (!cond) {
        t_failed++;
    }

    printf("%sok %d - ", cond ? "" : "not ", t_count);

    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);

    printf("\n");
}


void
t_code(int got, int want, const char *desc)
{
    t_ok(got == want, "%s (%s)", desc, cognito_code_name(want));

    if (got != want) {
        printf("#   got %d %s, want %d %s\n", got,
               got < 0 ? "(inconsistent err)" : cognito_code_name(got),
               want, cognito_code_name(want));
    }
}


void
t_fatal(const char *what)
{
    printf("Bail out! %s\n", what);
    exit(2);
}


char *
t_b64(const void *p, size_t len)
{
    char       *out, *copy;
    size_t      n;
    cjose_err   cerr;

    if (!cjose_base64url_encode(p, len, &out, &n, &cerr)) {
        t_fatal("base64url encode");
    }

    copy = malloc(n + 1);
    if (copy == NULL) {
        t_fatal("malloc");
    }

    memcpy(copy, out, n);
    copy[n] = '\0';

    cjose_get_dealloc()(out);

    return copy;
}


int
t_done(const char *name)
{
    printf("1..%d\n", t_count);
    printf("%s: %d passed, %d failed\n", name, t_count - t_failed, t_failed);

    return t_failed ? 1 : 0;
}
