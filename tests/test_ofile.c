/* Tests for output files: whole or absent, buffered writes of any size,
 * write errors kept until the commit. Work in a fresh /tmp directory. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests.h"
#include "ktsim/mem.h"
#include "ktsim/ofile.h"

/* The names in dir but . and .., each followed by a space. */
static void list_dir(const char *dir, char *out, size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	out[0] = '\0';
	CU_ASSERT_FATAL(d != NULL);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			snprintf(out + strlen(out), n - strlen(out), "%s ", de->d_name);
	closedir(d);
}

static void ofile_should_write_every_byte_then_rename(void)
{
	char dir[] = "/tmp/ktsim-ofile-XXXXXX", path[64], names[256];
	size_t big = 3 * OFILE_BUF_BYTES + 7, len, off = 0;
	char *block = ks_malloc(big), *longs = ks_malloc(OFILE_BUF_BYTES + 100), *got;
	struct ofile o;
	struct err e;
	int ok = 1;

	for (size_t i = 0; i < big; i++)
		block[i] = (char)('a' + i % 26);
	memset(longs, 'x', OFILE_BUF_BYTES + 99);
	longs[OFILE_BUF_BYTES + 99] = '\0';
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	err_init(&e);
	CU_ASSERT_FATAL(ofile_open(&o, dir, "f.txt", &e) == 0);
	ofile_puts(&o, "head\n");
	ofile_write(&o, block, big);                     /* larger than the buffer */
	for (int i = 0; i < 5000; i++)                   /* crosses buffer ends */
		ofile_printf(&o, "%d,%.3f\n", i, i / 7.0);
	ofile_printf(&o, "[%s]\n", longs);               /* longer than the buffer */
	list_dir(dir, names, sizeof names);
	CU_ASSERT_PTR_NULL(strstr(names, "f.txt ")); /* only the temporary so far */
	CU_ASSERT_EQUAL(ofile_commit(&o, &e), 0);
	list_dir(dir, names, sizeof names);
	CU_ASSERT_STRING_EQUAL(names, "f.txt ");
	snprintf(path, sizeof path, "%s/f.txt", dir);
	got = tests_read_file(path, &len);
	ok = len > 5 + big && memcmp(got, "head\n", 5) == 0 && memcmp(got + 5, block, big) == 0;
	off = 5 + big;
	for (int i = 0; ok && i < 5000; i++) {
		char line[64];
		int k = snprintf(line, sizeof line, "%d,%.3f\n", i, i / 7.0);

		ok = off + (size_t)k <= len && memcmp(got + off, line, (size_t)k) == 0;
		off += (size_t)k;
	}
	CU_ASSERT(ok);
	CU_ASSERT(len == off + OFILE_BUF_BYTES + 102 && got[off] == '[' &&
		  memcmp(got + off + 1, longs, OFILE_BUF_BYTES + 99) == 0);
	unlink(path);
	rmdir(dir);
	ks_free(got);
	ks_free(longs);
	ks_free(block);
}

static void ofile_should_leave_nothing_when_discarded(void)
{
	char dir[] = "/tmp/ktsim-ofile-XXXXXX", names[256];
	struct ofile o;
	struct err e;

	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	err_init(&e);
	CU_ASSERT_FATAL(ofile_open(&o, dir, "f.txt", &e) == 0);
	ofile_puts(&o, "never seen");
	ofile_discard(&o);
	list_dir(dir, names, sizeof names);
	CU_ASSERT_STRING_EQUAL(names, "");
	rmdir(dir);
}

/* A write that fails (here: the descriptor swapped for /dev/full) is
 * reported by the commit, with its cause, and the file does not appear. */
static void ofile_should_report_a_failed_write_at_commit(void)
{
	char dir[] = "/tmp/ktsim-ofile-XXXXXX", names[256], msg[1200];
	struct ofile o;
	struct err e;
	int full = open("/dev/full", O_WRONLY);

	CU_ASSERT_FATAL(full >= 0);
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	err_init(&e);
	CU_ASSERT_FATAL(ofile_open(&o, dir, "f.txt", &e) == 0);
	CU_ASSERT_FATAL(dup2(full, o.fd) == o.fd);
	close(full);
	for (int i = 0; i < 20000; i++)
		ofile_printf(&o, "line %d\n", i);
	CU_ASSERT_EQUAL(ofile_commit(&o, &e), -1);
	CU_ASSERT_EQUAL(e.code, ERR_RUN);
	err_format(&e, msg, sizeof msg);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "f.txt: cannot write: No space left on device"));
	list_dir(dir, names, sizeof names);
	CU_ASSERT_STRING_EQUAL(names, "");
	rmdir(dir);
}

static void ofile_should_fail_to_open_in_a_missing_directory(void)
{
	struct ofile o;
	struct err e;
	char msg[1200];

	err_init(&e);
	CU_ASSERT_EQUAL(ofile_open(&o, "/tmp/ktsim-no-such-dir/x", "f.txt", &e), -1);
	CU_ASSERT_EQUAL(e.code, ERR_RUN);
	err_format(&e, msg, sizeof msg);
	CU_ASSERT_STRING_EQUAL(msg, "/tmp/ktsim-no-such-dir/x/f.txt: cannot write: No such file or directory");
}

CU_ErrorCode suite_ofile(void)
{
	static const struct test_case cases[] = {
		{ "ofile_should_write_every_byte_then_rename", ofile_should_write_every_byte_then_rename },
		{ "ofile_should_leave_nothing_when_discarded", ofile_should_leave_nothing_when_discarded },
		{ "ofile_should_report_a_failed_write_at_commit", ofile_should_report_a_failed_write_at_commit },
		{ "ofile_should_fail_to_open_in_a_missing_directory",
		  ofile_should_fail_to_open_in_a_missing_directory },
		{ NULL, NULL },
	};

	return tests_add("ofile", cases);
}
