
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * TAP output for the unit tests of the core: one line per check, a plan
 * and a summary at the end.
 */


#ifndef _COGNITO_TAP_H_INCLUDED_
#define _COGNITO_TAP_H_INCLUDED_


#include <stddef.h>


void t_ok(int cond, const char *fmt, ...);

/* got == want, both cognito_code_e values, named in the output */
void t_code(int got, int want, const char *desc);

void t_fatal(const char *what);

/* base64url of p, a NUL-terminated malloc()ed copy */
char *t_b64(const void *p, size_t len);

/* prints the plan and the summary; the exit status of main() */
int t_done(const char *name);


#endif /* _COGNITO_TAP_H_INCLUDED_ */
