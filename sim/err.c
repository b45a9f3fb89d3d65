/* err — user-facing errors and assertion failures (see err.h). */
#include "ktsim/err.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void err_init(struct err *e)
{
	memset(e, 0, sizeof *e);
}

int err_set(struct err *e, int code, const char *file, int line, int col,
	    const char *path, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL || err_is_set(e))
		return -1;
	e->code = code;
	snprintf(e->file, sizeof e->file, "%s", file ? file : "");
	e->line = line;
	e->col = col;
	snprintf(e->path, sizeof e->path, "%s", path ? path : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->src[0] = '\0';
	return -1;
}

void err_format(const struct err *e, char *buf, size_t n)
{
	size_t k = 0;

	buf[0] = '\0';
	if (e->file[0]) {
		if (e->line > 0)
			k += (size_t)snprintf(buf + k, n - k, "%s:%d:%d: ", e->file, e->line, e->col);
		else
			k += (size_t)snprintf(buf + k, n - k, "%s: ", e->file);
	}
	if (k < n && e->path[0])
		k += (size_t)snprintf(buf + k, n - k, "%s: ", e->path);
	if (k < n)
		snprintf(buf + k, n - k, "%s", e->msg);
}

void err_print(FILE *f, const struct err *e)
{
	char buf[1200];

	err_format(e, buf, sizeof buf);
	fprintf(f, "%s\n", buf);
	if (e->src[0] && e->col > 0) {
		/* Pad with the line's own tabs so the caret lines up under them. */
		fprintf(f, "  %s\n  ", e->src);
		for (int i = 0; i < e->col - 1 && e->src[i]; i++)
			fputc(e->src[i] == '\t' ? '\t' : ' ', f);
		fputs("^\n", f);
	}
}

void err_assert_fail(const char *expr, const char *file, int line, const char *func)
{
	fprintf(stderr, "ktsim: internal error: %s:%d: %s: assertion '%s' failed\n",
		file, line, func, expr);
	abort();
}
