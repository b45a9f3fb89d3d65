/* ofile — an output file that appears whole or not at all.
 *
 * ofile_open creates a temporary file DIR/.NAME.tmp.PID; writes go through a
 * buffer to it, so a file of any size costs a fixed amount of memory;
 * ofile_commit flushes, fsyncs and renames it to DIR/NAME; ofile_discard
 * removes it. Writes cannot fail visibly: the first failure (its errno) is
 * kept and ofile_commit reports it, so writers check once, at the end. A
 * failed commit removes the temporary file.
 * Ownership: the ofile owns its buffer and descriptor from ofile_open until
 * ofile_commit or ofile_discard, which release both. */
#ifndef KTSIM_OFILE_H
#define KTSIM_OFILE_H

#include <stddef.h>
#include <string.h>

#include "ktsim/err.h"

#define OFILE_BUF_BYTES (1u << 16)

struct ofile {
	int fd;
	int errnum;      /* errno of the first failed write; 0 while all went well */
	size_t len;      /* bytes waiting in buf */
	char *buf;       /* OFILE_BUF_BYTES */
	char path[4200]; /* DIR/NAME, for messages and the rename */
	char tmp[4300];
};

/* Create dir/name's temporary file (dir must exist). Returns 0, or -1 with
 * e set (code ERR_RUN) naming dir/name and the cause. */
int ofile_open(struct ofile *o, const char *dir, const char *name, struct err *e);
/* ofile_write when the buffer has no room for n bytes. */
void ofile_spill(struct ofile *o, const char *p, size_t n);
/* Append n bytes (inline: JSON is written a few bytes at a time). */
static inline void ofile_write(struct ofile *o, const char *p, size_t n)
{
	if (n > OFILE_BUF_BYTES - o->len) {
		ofile_spill(o, p, n);
		return;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}
/* Append a NUL-terminated string. */
void ofile_puts(struct ofile *o, const char *s);
/* Append printf-formatted text. */
void ofile_printf(struct ofile *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Flush, fsync and rename the file into place. Returns 0, or -1 with e set
 * (code ERR_RUN: "cannot write: CAUSE" naming dir/name) when this or any
 * earlier write failed; the temporary file is then removed. */
int ofile_commit(struct ofile *o, struct err *e);
/* Close and remove the temporary file: dir/name is left as it was. */
void ofile_discard(struct ofile *o);

#endif
