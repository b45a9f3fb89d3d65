/* ofile — buffered output files renamed into place (see ofile.h). */
#include "ktsim/ofile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ktsim/mem.h"

int ofile_open(struct ofile *o, const char *dir, const char *name, struct err *e)
{
	snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
	snprintf(o->tmp, sizeof o->tmp, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
	o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (o->fd < 0)
		return err_set(e, ERR_RUN, o->path, 0, 0, NULL, "cannot write: %s", strerror(errno));
	o->errnum = 0;
	o->len = 0;
	o->buf = ks_malloc(OFILE_BUF_BYTES);
	return 0;
}

/* write(2) all n bytes, unless a write has failed already. */
static void put(struct ofile *o, const char *p, size_t n)
{
	while (n > 0 && o->errnum == 0) {
		ssize_t k = write(o->fd, p, n);

		if (k > 0) {
			p += k;
			n -= (size_t)k;
		} else if (k == 0) {
			o->errnum = EIO;
		} else if (errno != EINTR) {
			o->errnum = errno;
		}
	}
}

static void flush(struct ofile *o)
{
	put(o, o->buf, o->len);
	o->len = 0;
}

void ofile_spill(struct ofile *o, const char *p, size_t n)
{
	flush(o);
	if (n >= OFILE_BUF_BYTES) {
		put(o, p, n);
		return;
	}
	memcpy(o->buf, p, n);
	o->len = n;
}

void ofile_puts(struct ofile *o, const char *s)
{
	ofile_write(o, s, strlen(s));
}

void ofile_printf(struct ofile *o, const char *fmt, ...)
{
	va_list ap;
	size_t room = OFILE_BUF_BYTES - o->len;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(o->buf + o->len, room, fmt, ap);
	va_end(ap);
	if (k < 0) {
		o->errnum = o->errnum ? o->errnum : errno;
		return;
	}
	if ((size_t)k < room) {
		o->len += (size_t)k;
		return;
	}
	/* It did not fit: flush, and format it again where it does. */
	flush(o);
	char *big = (size_t)k < OFILE_BUF_BYTES ? o->buf : ks_malloc((size_t)k + 1);

	va_start(ap, fmt);
	vsnprintf(big, (size_t)k + 1, fmt, ap);
	va_end(ap);
	if (big == o->buf) {
		o->len = (size_t)k;
	} else {
		put(o, big, (size_t)k);
		ks_free(big);
	}
}

int ofile_commit(struct ofile *o, struct err *e)
{
	flush(o);
	ks_free(o->buf);
	o->buf = NULL;
	if (o->errnum == 0 && fsync(o->fd) < 0 && errno != EINVAL)
		o->errnum = errno;
	if (close(o->fd) < 0 && o->errnum == 0)
		o->errnum = errno;
	if (o->errnum == 0 && rename(o->tmp, o->path) < 0)
		o->errnum = errno;
	if (o->errnum == 0)
		return 0;
	unlink(o->tmp);
	return err_set(e, ERR_RUN, o->path, 0, 0, NULL, "cannot write: %s", strerror(o->errnum));
}

void ofile_discard(struct ofile *o)
{
	ks_free(o->buf);
	o->buf = NULL;
	close(o->fd);
	unlink(o->tmp);
}
