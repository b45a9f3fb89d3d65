/* err — the one error type for user-facing errors, and KS_ASSERT for bugs.
 *
 * Bad input is reported through a struct err filled by the function that
 * found it; functions return 0 on success and -1 on failure, the first error
 * wins (later err_set calls on a set error are ignored).  The printed form is
 *   FILE:LINE:COL: key.path: message
 * with line/col omitted when unknown (0).  A broken invariant is a bug, not
 * bad input: KS_ASSERT prints file, function, line and expression and aborts,
 * in every build.
 * Ownership: struct err holds copies; it owns no heap memory. */
#ifndef KTSIM_ERR_H
#define KTSIM_ERR_H

#include <stdio.h>

enum { ERR_NONE = 0, ERR_INPUT = 2, ERR_RUN = 1 };

struct err {
	int code;            /* ERR_NONE, ERR_INPUT (exit 2) or ERR_RUN (exit 1) */
	char file[256];      /* input file, or "" */
	int line, col;       /* 1-based; 0 when unknown */
	char path[128];      /* key path such as services[0].externalTrafficPolicy */
	char msg[512];       /* what is wrong */
	char src[160];       /* optional source line for a caret display, or "" */
};

/* Clear an error to "no error". */
void err_init(struct err *e);
/* Set the error unless one is already set (first error wins). Returns -1 so
 * callers can write `return err_set(...)`. file/path may be NULL. */
int err_set(struct err *e, int code, const char *file, int line, int col,
	    const char *path, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* True when an error has been set. */
static inline int err_is_set(const struct err *e) { return e->code != ERR_NONE; }
/* Print "file:line:col: path: msg\n" (and the source line with a caret when
 * known) to f. */
void err_print(FILE *f, const struct err *e);
/* Format the first line of err_print into buf (no newline). */
void err_format(const struct err *e, char *buf, size_t n);

/* Report a bug (file, function, line, expression) and abort. */
_Noreturn void err_assert_fail(const char *expr, const char *file, int line, const char *func);
#define KS_ASSERT(x) ((x) ? (void)0 : err_assert_fail(#x, __FILE__, __LINE__, __func__))

#endif
