/* plot — the shared machinery of the gnuplot figures (see plot.h): loading
 * and checking the input, the values block and STYLE of every script,
 * writing .dat/.gp files, running gnuplot, and the public entry points. The
 * figures of each kind of directory are in plot_run.c, plot_series.c,
 * plot_compare.c and plot_sweep.c.
 *
 * The input is read whole through jdoc_load_results and checked as it is
 * read (a missing or mistyped key is reported with file:line:col and key
 * path); a Service's files are only written once its figures are read. The
 * .dat files hold fractions with 10 significant digits; the scripts turn
 * them into percent. A script is its values (titles, ranges, arrays), then
 * STYLE, then a fixed body: changing a figure means changing one body in
 * its file. */
#define _GNU_SOURCE /* posix_spawn_file_actions_addchdir_np (glibc 2.29) */
#include "ktsim/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#include "ktsim/json.h"
#include "ktsim/mem.h"
#include "ktsim/progress.h"
#include "ktsim/results.h"
#include "plot_int.h"

#define GNUPLOT_TIMEOUT_S 120 /* per script */
#define PLOT_JOBS 8           /* gnuplot runs at once, at most */
#define PLOT_BATCH 25         /* scripts per gnuplot run, at most */
#define PLOT_BAR_MIN 20       /* figures from which a terminal gets a progress bar */
#define MAX_TICS 60           /* tic labels on an axis before they are thinned */

/* Every script, before its body: terminals, the Okabe-Ito palette (safe for
 * colour-blind readers), the title centred on the canvas, the legend under
 * it. plot_emit() wraps each body in a loop drawing PNG, then SVG. */
static const char STYLE[] =
	"set datafile separator tab\n"
	"png = \"set terminal pngcairo size 1280,720 font 'sans,14' noenhanced\"\n"
	"svg = \"set terminal svg size 1280,720 font 'sans,14' dynamic background 'white' noenhanced\"\n"
	"set linetype 1 lc rgb '#0072B2' lw 2 pt 7\n"
	"set linetype 2 lc rgb '#E69F00' lw 2 pt 7\n"
	"set linetype 3 lc rgb '#009E73' lw 2 pt 7\n"
	"set linetype 4 lc rgb '#CC79A7' lw 2 pt 7\n"
	"set linetype 5 lc rgb '#56B4E9' lw 2 pt 7\n"
	"set linetype 6 lc rgb '#D55E00' lw 2 pt 7\n"
	"set linetype 7 lc rgb '#F0E442' lw 2 pt 7\n"
	"set linetype 8 lc rgb '#000000' lw 2 pt 7\n"
	"set linetype cycle 8\n"
	"set style fill solid 0.9 noborder\n"
	"set style textbox opaque noborder\n"
	"set border 3 lw 1.5\n"
	"set tics nomirror out\n"
	"set grid ytics lc rgb '#dddddd' lw 1\n"
	"set tmargin 7\n"
	"set label 1 title at screen 0.5, screen 0.965 center font ',17'\n"
	"set label 2 subtitle at screen 0.5, screen 0.92 center\n"
	"set key at screen 0.5, screen 0.885 center top horizontal reverse Left samplen 2\n"
	"# tic label i: every step-th, 'a (b)' when rotated, else a over b\n"
	"lab(i, a, b) = int(i) % step ? '' : rotate ? a.' ('.b.')' : a.\"\\n\".b\n";

double plot_num(struct plot_ctx *x, const cJSON *o, const char *path, const char *key)
{
	double v = 0;

	if (!err_is_set(x->e) &&
	    json_get_number(x->d, o, path, key, -DBL_MAX, DBL_MAX, &v, x->e) == 0)
		jdoc_error(x->d, o, path, x->e, "missing number '%s'", key);
	return err_is_set(x->e) ? 0 : v;
}

const char *plot_str(struct plot_ctx *x, const cJSON *o, const char *path, const char *key)
{
	const char *s = "";

	if (!err_is_set(x->e) && json_get_string(x->d, o, path, key, &s, x->e) == 0)
		jdoc_error(x->d, o, path, x->e, "missing string '%s'", key);
	return err_is_set(x->e) ? "" : s;
}

/* o[key], an array when arr else an object; its path into subpath[PLOT_PATHN]. */
const cJSON *plot_sub(struct plot_ctx *x, const cJSON *o, const char *path, const char *key,
		      int arr, char *subpath)
{
	const cJSON *v = json_member(o, key);

	json_path_join(subpath, PLOT_PATHN, path, key);
	if (err_is_set(x->e))
		return NULL;
	if (v == NULL)
		jdoc_error(x->d, o, path, x->e, "missing %s '%s'", arr ? "array" : "object", key);
	else if (arr ? !cJSON_IsArray(v) : !cJSON_IsObject(v))
		jdoc_error(x->d, v, subpath, x->e, "expected an %s", arr ? "array" : "object");
	return err_is_set(x->e) ? NULL : v;
}

/* Element i of an array, which must be an object; its path into subpath. */
const cJSON *plot_item(struct plot_ctx *x, const cJSON *it, const char *path, int i,
		       char *subpath)
{
	json_path_index(subpath, PLOT_PATHN, path, i);
	if (!err_is_set(x->e) && !cJSON_IsObject(it))
		jdoc_error(x->d, it, subpath, x->e, "expected an object");
	return err_is_set(x->e) ? NULL : it;
}

void plot_nums(struct plot_ctx *x, const cJSON *o, const char *path, const char *const *keys,
	       int n, double *v)
{
	for (int k = 0; k < n; k++)
		v[k] = plot_num(x, o, path, keys[k]);
}

/* files[k]: name made safe for file names, unique among files[0..k-1]. */
void plot_file_name(char (*files)[80], int k, const char *name)
{
	char *f = files[k];
	int i = 0;

	for (; name[i] && i < 60; i++)
		f[i] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-",
			      name[i]) ? name[i] : '_';
	f[i] = '\0';
	for (int j = 0; j < k; j++)
		if (strcmp(files[j], f) == 0)
			snprintf(f + i, 16, "-%d", k + 1);
}

void plot_mf_open(struct plot_mf *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	if (m->f == NULL) {
		fprintf(stderr, "ktsim: out of memory (plot buffer)\n");
		exit(1);
	}
}

/* Close m, write it to dir/name unless an error is set, free it. */
static int mf_write(struct plot_mf *m, const char *dir, const char *name, struct err *e)
{
	int rc;

	fclose(m->f);
	rc = err_is_set(e) ? -1 : results_write_file(dir, name, m->buf, m->len, e);
	free(m->buf);
	return rc;
}

/* A gnuplot double-quoted string. */
void plot_gq(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fprintf(f, "%s%c", *s == '"' || *s == '\\' ? "\\" : "", *s);
	fputc('"', f);
}

/* `array k[n] = [...]` of numbers (s NULL) or strings; n >= 1. */
void plot_var_a(FILE *f, const char *k, const double *v, const char *const *s, int n)
{
	fprintf(f, "array %s[%d] = [", k, n);
	for (int i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		if (s)
			plot_gq(f, s[i]);
		else
			fprintf(f, "%.10g", v[i]);
	}
	fputs("]\n", f);
}

/* Open the values block v: the title and the subtitle "scenario S, seed N; "
 * followed by fmt. */
void plot_head(struct plot_ctx *x, struct plot_mf *v, const char *title, const char *fmt, ...)
{
	char t[900];
	int n = isnan(x->seed) ? snprintf(t, sizeof t, "scenario %.300s; ", x->scenario) :
		snprintf(t, sizeof t, "scenario %.300s, seed %g; ", x->scenario, x->seed);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t + n, sizeof t - (size_t)n, fmt, ap);
	va_end(ap);
	plot_mf_open(v);
	fputs("title = ", v->f);
	plot_gq(v->f, title);
	fputs("\nsubtitle = ", v->f);
	plot_gq(v->f, t);
	fputc('\n', v->f);
}

/* Tic labels of n items up to len characters: every step-th shown, rotated
 * when they do not fit side by side; value labels on up to `values` bars. */
void plot_tic_vars(FILE *f, int n, size_t len, int values)
{
	int step = n > MAX_TICS ? (n + MAX_TICS - 1) / MAX_TICS : 1;

	fprintf(f, "step = %d\nrotate = %d\nvalues = %d\n", step,
		(double)(n / step) * (double)(len + 2) * 9 > 1050, n <= values);
}

/* Write name.dat (dat) and name.gp (a header, the values in vars, STYLE,
 * body in a loop over PNG and SVG) into x->dir and list the plot. Both
 * buffers are consumed. */
int plot_emit(struct plot_ctx *x, const char *name, const char *what, struct plot_mf *dat,
	      struct plot_mf *vars, const char *body)
{
	struct plot_mf gp;
	char fn[128];

	fclose(vars->f);
	plot_mf_open(&gp);
	fprintf(gp.f, "# ktsim plot: %s\n"
		"# Data: %s.dat (from %s). Written by `ktsim plot` from a template in\n"
		"# sim/plot*.c; redraw in this directory: gnuplot %s.gp (makes %s.png and .svg)\n"
		"if (!exists('out')) out = '%s'\ndata = '%s.dat'\n%s\n%s\n"
		"do for [fmt in 'png svg'] {\n\teval(fmt eq 'png' ? png : svg)\n"
		"\tset output out.'.'.fmt\n%s\tset output\n}\n",
		what, name, x->src, name, name, name, name, vars->buf, STYLE, body);
	free(vars->buf);
	snprintf(fn, sizeof fn, "%s.dat", name);
	mf_write(dat, x->dir, fn, x->e);
	snprintf(fn, sizeof fn, "%s.gp", name);
	if (mf_write(&gp, x->dir, fn, x->e) < 0)
		return -1;
	x->names = ks_realloc(x->names, (size_t)x->n + 1, sizeof *x->names);
	snprintf(x->names[x->n++], sizeof x->names[0], "%s", name);
	return 0;
}

size_t plot_zmax(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* One gnuplot run: the plots it draws (a batch of the list), its process,
 * when it started. */
struct job {
	int first, count;
	pid_t pid;
	struct timespec t0;
};

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* Start one gnuplot on a batch of dir's scripts in turn, each from a clean
 * session and with its images going to temporary names (gnuplot stops at
 * the first script that fails). posix_spawn, so a parent holding a large
 * results.json is not copied; one process for many scripts, since starting
 * gnuplot costs about as much as drawing one figure. */
static int spawn(const char *dir, const char (*names)[96], struct job *j, struct err *e)
{
	char prog[] = "gnuplot", opt[] = "-e", reset[] = "reset session";
	char (*script)[128] = ks_calloc((size_t)j->count, sizeof *script);
	char (*var)[160] = ks_calloc((size_t)j->count, sizeof *var);
	char **argv = ks_calloc(5 * (size_t)j->count + 2, sizeof *argv);
	posix_spawn_file_actions_t fa;
	int rc, a = 0;

	argv[a++] = prog;
	for (int k = 0; k < j->count; k++) {
		snprintf(script[k], sizeof script[k], "%s.gp", names[j->first + k]);
		snprintf(var[k], sizeof var[k], "out='.tmp-%ld-%s'", (long)getpid(),
			 names[j->first + k]);
		argv[a++] = opt;
		argv[a++] = reset;
		argv[a++] = opt;
		argv[a++] = var[k];
		argv[a++] = script[k];
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDWR, 0);
	posix_spawn_file_actions_adddup2(&fa, 0, 1);
	posix_spawn_file_actions_addchdir_np(&fa, dir);
	fflush(NULL);
	rc = posix_spawnp(&j->pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	ks_free(argv);
	ks_free(var);
	ks_free(script);
	if (rc != 0)
		return err_set(e, ERR_RUN, dir, 0, 0, NULL, "cannot start gnuplot: %s", strerror(rc));
	clock_gettime(CLOCK_MONOTONIC, &j->t0);
	return 0;
}

/* Move a batch's images into place once its gnuplot has ended (st: its
 * wait status, -1 when it was stopped for taking too long). The first plot
 * without both images is where it stopped: that plot's error is returned,
 * with its index in *bad. */
static int finish(const char *dir, const char (*names)[96], const struct job *j, int st, int *bad,
		  struct err *e)
{
	static const char *const ext[] = { "png", "svg" };
	char a[4500], b[4500];

	for (int k = 0; k < j->count; k++) {
		const char *name = names[j->first + k];
		int ok = 1;

		for (int i = 0; i < 2; i++) {
			snprintf(a, sizeof a, "%s/.tmp-%ld-%s.%s", dir, (long)getpid(), name, ext[i]);
			snprintf(b, sizeof b, "%s/%s.%s", dir, name, ext[i]);
			ok = ok && rename(a, b) == 0;
			unlink(a);
		}
		if (ok)
			continue;
		*bad = j->first + k;
		snprintf(a, sizeof a, "%s/%s.gp", dir, name);
		for (k++; k < j->count; k++) /* not reached: nothing to keep */
			for (int i = 0; i < 2; i++) {
				snprintf(b, sizeof b, "%s/.tmp-%ld-%s.%s", dir, (long)getpid(),
					 names[j->first + k], ext[i]);
				unlink(b);
			}
		if (st == -1)
			return err_set(e, ERR_RUN, a, 0, 0, NULL,
				       "gnuplot took more than %d s for %d script%s; stopped it",
				       GNUPLOT_TIMEOUT_S * j->count, j->count, j->count == 1 ? "" : "s");
		if (st == 0)
			return err_set(e, ERR_RUN, a, 0, 0, NULL, "gnuplot wrote no image");
		return err_set(e, ERR_RUN, a, 0, 0, NULL, "gnuplot failed (%s %d)",
			       WIFEXITED(st) ? "exit status" : "signal",
			       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	}
	return 0;
}

/* Draw names[0..n) in batches of up to PLOT_BATCH scripts, up to one
 * gnuplot per online CPU (PLOT_JOBS at most) at a time: a run with a
 * thousand Services has two thousand figures (a progress bar on stderr when
 * it is a terminal). After a failure nothing new
 * starts; the error reported is that of the first failed figure in list
 * order, so it does not depend on which run finished first. */
static void render_all(const char *dir, const char (*names)[96], int n, struct err *e)
{
	struct job run[PLOT_JOBS];
	struct err first;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int jobs = cpus < 1 ? 1 : cpus > PLOT_JOBS ? PLOT_JOBS : (int)cpus;
	int nrun = 0, next = 0, failed = n; /* the lowest failed index */
	/* batches small enough that every CPU gets several */
	int batch = n / (4 * jobs) < 1 ? 1 : n / (4 * jobs) > PLOT_BATCH ? PLOT_BATCH : n / (4 * jobs);
	struct timespec nap = { 0, 2000000 }, t0;
	/* a progress bar on a terminal when there are enough figures to wait for */
	int bar = n >= PLOT_BAR_MIN && isatty(2), drawn = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	err_init(&first);
	while (nrun > 0 || (next < n && failed == n)) {
		int reaped = 0;

		while (nrun < jobs && next < n && failed == n) {
			struct job *j = &run[nrun];

			j->first = next;
			j->count = n - next < batch ? n - next : batch;
			if (spawn(dir, names, j, &first) < 0) {
				failed = next;
				break;
			}
			next += j->count;
			nrun++;
		}
		for (int k = 0; k < nrun; k++) {
			struct err fe;
			int st = 0, bad = n;
			pid_t w = waitpid(run[k].pid, &st, WNOHANG);

			if (w < 0 && errno == EINTR)
				continue;
			if (w == 0) {
				if (since(&run[k].t0) <= (double)GNUPLOT_TIMEOUT_S * run[k].count)
					continue;
				kill(run[k].pid, SIGKILL);
				waitpid(run[k].pid, NULL, 0);
				st = -1;
			}
			/* (w < 0, not ours to wait for: the images tell) */
			err_init(&fe);
			if (finish(dir, names, &run[k], st, &bad, &fe) < 0 && bad < failed) {
				failed = bad;
				first = fe;
			}
			drawn += run[k].count;
			run[k--] = run[--nrun];
			reaped = 1;
			if (bar) {
				char detail[64];

				snprintf(detail, sizeof detail, "%d/%d figures", drawn, n);
				progress_draw("plots", (double)drawn / n, detail, since(&t0));
			}
		}
		if (!reaped && nrun > 0)
			nanosleep(&nap, NULL);
	}
	if (bar)
		progress_clear();
	if (failed < n)
		*e = first;
}

int plot_gnuplot_available(void)
{
	const char *p = getenv("PATH");
	char buf[4200];
	struct stat st;

	while (p && *p) {
		int n = (int)strcspn(p, ":");

		snprintf(buf, sizeof buf, "%.*s%sgnuplot", n, p, n ? "/" : "");
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return 1;
		p += n + (p[n] == ':');
	}
	return 0;
}

/* Load dir/file, draw, render (or say why not); the count of plots or -1. */
static int plots(const char *dir, const char *file,
		 void (*draw)(struct plot_ctx *, const cJSON *), struct err *e)
{
	int sweep = draw == plot_sweep_plots;
	struct plot_ctx x = { .e = e, .src = file, .in = dir };
	char path[4300], p[PLOT_PATHN];
	const cJSON *root;

	snprintf(x.dir, sizeof x.dir, "%s/plots", dir);
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (jdoc_load_results(&x.d, path, e) < 0)
		return -1;
	root = jdoc_root(x.d);
	if (!cJSON_IsObject(root))
		jdoc_error(x.d, root, "", e, "expected an object");
	/* a sweep names its scenario file and keeps no seed */
	x.scenario = sweep ? plot_str(&x, root, "", "scenario") :
			     plot_str(&x, plot_sub(&x, root, "", "scenario", 0, p), p, "name");
	x.seed = sweep ? NAN : plot_num(&x, root, "", "seed");
	draw(&x, root);
	if (!err_is_set(e) && x.n > 0 && !plot_gnuplot_available())
		fprintf(stderr, "ktsim: gnuplot not found: install gnuplot-nox; data and scripts "
			"are in %s\n", x.dir);
	else
		render_all(x.dir, (const char (*)[96])x.names, x.n, e);
	ks_free(x.names);
	jdoc_destroy(x.d);
	return err_is_set(e) ? -1 : x.n;
}

int plot_run_dir(const char *dir, struct err *e)
{
	return plots(dir, "results.json", plot_run_plots, e);
}

int plot_compare_dir(const char *dir, struct err *e)
{
	return plots(dir, "comparison.json", plot_compare_plots, e);
}

int plot_sweep_dir(const char *dir, struct err *e)
{
	return plots(dir, "sweep.json", plot_sweep_plots, e);
}
