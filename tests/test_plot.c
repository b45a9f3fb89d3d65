/* plot: the data files carry results.json's numbers, scripts are written
 * without gnuplot, bad directories are named, images appear when gnuplot is
 * on PATH, and `ktsim plot` picks the comparison before the run. Each test
 * runs in its own directory under /tmp, removed afterwards. */
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <CUnit/CUnit.h>
#include <cjson/cJSON.h>

#include "ktsim/mem.h"
#include "ktsim/plot.h"
#include "ktsim/results.h"
#include "ktsim/scenario.h"
#include "ktsim/sim.h"
#include "tests.h"

int cmd_plot(int argc, char **argv);

/* Remove dir and everything below it. */
static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[512];
	struct stat st;

	while (d && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(p);
		else
			unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Run scenarios/file with the n settings in sets into dir. */
static void run_scenario(const char *dir, const char *file, const char **sets, int n)
{
	struct cluster *c;
	struct sim *s;
	struct err e;
	char path[256];

	snprintf(path, sizeof path, "../scenarios/%s", file);
	err_init(&e);
	CU_ASSERT_FATAL(scenario_load(&c, path, sets, n, &e) == 0);
	s = sim_create(c, c->seed, 0);
	sim_run(s, NULL, NULL);
	CU_ASSERT_FATAL(results_write(dir, c, sim_metrics(s), NULL, c->seed, &e) == 0);
	sim_destroy(s);
	cluster_destroy(c);
}

/* Run the 50/25/25 scenario (30 s) with `set` (or none) into a new dir. */
static void run_into(char *dir, const char *set)
{
	const char *sets[] = { "duration_s=30", set };

	strcpy(dir, "/tmp/ktsim-plot-XXXXXX");
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	run_scenario(dir, "local-50-25-25.json", sets, set ? 2 : 1);
}

static char *slurp(const char *dir, const char *name)
{
	char p[512];
	FILE *f;
	long n;
	char *buf;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	if ((f = fopen(p, "r")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = ks_calloc((size_t)n + 1, 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

/* The data rows of dir/name split at tabs: row[r][c], up to 64 x 16. */
static int dat_rows(const char *dir, const char *name, char *rows[64][16])
{
	char *text = slurp(dir, name), *line, *save = NULL;
	int n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (line = strtok_r(text, "\n", &save); line && n < 64; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (int c = 0; c < 16; c++) {
			char *tab = line ? strchr(line, '\t') : NULL;

			rows[n][c] = ks_strdup(line ? line : "");
			if (tab)
				rows[n][c][tab - line] = '\0';
			line = tab ? tab + 1 : NULL;
		}
		n++;
	}
	ks_free(text);
	return n;
}

static void rows_free(char *rows[64][16], int n)
{
	for (int r = 0; r < n; r++)
		for (int c = 0; c < 16; c++)
			ks_free(rows[r][c]);
}

static int exists(const char *dir, const char *name, long min_size)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &st) == 0 && st.st_size >= min_size;
}

/* Write text to dir/name. */
static void write_file(const char *dir, const char *name, const char *text)
{
	char p[160];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	CU_ASSERT_FATAL((f = fopen(p, "w")) != NULL);
	fputs(text, f);
	fclose(f);
}

static cJSON *results(const char *dir)
{
	char *text = slurp(dir, "results.json");
	cJSON *root = cJSON_Parse(text);

	ks_free(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	return root;
}

static double jnum(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key)->valuedouble;
}

/* A .dat number against the exact value: the files keep 10 digits. */
static int same(const char *dat, double exact)
{
	return fabs(atof(dat) - exact) <= 1e-9 * fmax(1, fabs(exact));
}

/* Send fd to /dev/null; returns the saved descriptor for unmute. */
static int mute(int fd)
{
	int saved, nul;

	fflush(NULL);
	saved = dup(fd);
	nul = open("/dev/null", O_WRONLY);
	dup2(nul, fd);
	close(nul);
	return saved;
}

static void unmute(int fd, int saved)
{
	fflush(NULL);
	dup2(saved, fd);
	close(saved);
}

/* Run f with stderr going to a file; returns what was written there. */
static char *quietly(const char *dir, int (*f)(const char *, struct err *), struct err *e, int *rc)
{
	char p[512];
	int saved, fd;

	snprintf(p, sizeof p, "%s/stderr.txt", dir);
	fflush(stderr);
	saved = dup(2);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fd, 2);
	close(fd);
	*rc = f(dir, e);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	return slurp(dir, "stderr.txt");
}

static void plot_should_write_the_shares_of_results_json(void)
{
	char dir[64], pdir[96], *rows[64][16];
	struct err e;
	cJSON *root, *svc, *p;
	int n, rc;

	run_into(dir, NULL);
	snprintf(pdir, sizeof pdir, "%s/plots", dir);
	err_init(&e);
	ks_free(quietly(dir, plot_run_dir, &e, &rc));
	CU_ASSERT_EQUAL(rc, 4);
	root = results(dir);
	svc = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "services"), 0);
	/* share-web.dat: pod, node, flows, share, expected share per pod */
	n = dat_rows(pdir, "share-web.dat", rows);
	CU_ASSERT_EQUAL(n, 3);
	for (int r = 0; r < n; r++) {
		cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(svc, "pods"))
			if (strcmp(cJSON_GetObjectItemCaseSensitive(p, "name")->valuestring, rows[r][1]) == 0)
				break;
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT_STRING_EQUAL(rows[r][2], cJSON_GetObjectItemCaseSensitive(p, "node")->valuestring);
		CU_ASSERT_DOUBLE_EQUAL(atof(rows[r][4]), jnum(p, "flows"), 0.5);
		CU_ASSERT(same(rows[r][5], jnum(p, "share")));
		CU_ASSERT(same(rows[r][6], jnum(p, "expected_share")));
	}
	/* Grouped by node: web-0 alone on node-a, then a gap before node-b. */
	CU_ASSERT_STRING_EQUAL(rows[0][1], "web-0");
	CU_ASSERT_DOUBLE_EQUAL(atof(rows[1][0]) - atof(rows[0][0]), 1.6, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(atof(rows[2][0]) - atof(rows[1][0]), 1.0, 1e-9);
	rows_free(rows, n);
	/* lb-web.dat: node, lb_share, expected_lb_share */
	n = dat_rows(pdir, "lb-web.dat", rows);
	CU_ASSERT_EQUAL(n, 2);
	for (int r = 0; r < n; r++) {
		p = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(svc, "nodes"), r);
		CU_ASSERT_STRING_EQUAL(rows[r][1], cJSON_GetObjectItemCaseSensitive(p, "name")->valuestring);
		CU_ASSERT(same(rows[r][5], jnum(p, "lb_share")));
		CU_ASSERT(same(rows[r][6], jnum(p, "expected_lb_share")));
	}
	rows_free(rows, n);
	/* latency-web.dat: block 0 holds the Service's p50 ... max */
	n = dat_rows(pdir, "latency-web.dat", rows);
	CU_ASSERT_EQUAL(n, 5 * 4);
	p = cJSON_GetObjectItemCaseSensitive(svc, "latency_ms");
	CU_ASSERT(same(rows[0][2], jnum(p, "p50")));
	CU_ASSERT(same(rows[2][2], jnum(p, "p99")));
	CU_ASSERT(same(rows[4][2], jnum(p, "max")));
	rows_free(rows, n);
	cJSON_Delete(root);
	rm_tree(dir);
}

/* Under Cluster half the flows take a second hop and all are SNATed. */
static void plot_should_stack_hops_snat_and_drops_in_percent(void)
{
	char dir[64], pdir[96], *rows[64][16];
	struct err e;
	cJSON *root, *svc;
	double routed;
	int n, rc;

	run_into(dir, "services[0].externalTrafficPolicy=Cluster");
	snprintf(pdir, sizeof pdir, "%s/plots", dir);
	err_init(&e);
	ks_free(quietly(dir, plot_run_dir, &e, &rc));
	CU_ASSERT_EQUAL(rc, 4);
	root = results(dir);
	svc = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "services"), 0);
	routed = jnum(cJSON_GetObjectItemCaseSensitive(svc, "hops"), "1") +
		 jnum(cJSON_GetObjectItemCaseSensitive(svc, "hops"), "2");
	/* blocks: 1 hop, 2 hops, client IP kept, SNAT, completed */
	n = dat_rows(pdir, "paths.dat", rows);
	CU_ASSERT_EQUAL_FATAL(n, 5);
	CU_ASSERT_STRING_EQUAL(rows[1][2], "hops");
	CU_ASSERT_DOUBLE_EQUAL(atof(rows[1][5]),
			       100 * jnum(cJSON_GetObjectItemCaseSensitive(svc, "hops"), "2") / routed, 1e-7);
	CU_ASSERT_DOUBLE_EQUAL(atof(rows[1][3]), atof(rows[0][4]), 1e-9); /* stacked on 1 hop */
	CU_ASSERT_DOUBLE_EQUAL(atof(rows[1][4]), 100, 1e-7);
	CU_ASSERT_DOUBLE_EQUAL(atof(rows[3][5]), 100 * jnum(svc, "snat_fraction"), 1e-7);
	CU_ASSERT_DOUBLE_EQUAL(atof(rows[3][5]), 100, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(atof(rows[4][5]), 100, 1e-9);
	rows_free(rows, n);
	cJSON_Delete(root);
	rm_tree(dir);
}

static void plot_should_write_scripts_without_gnuplot(void)
{
	char dir[64], pdir[96], empty[96], *old = getenv("PATH"), *saved, *msg;
	const char *names[] = { "share-web", "lb-web", "latency-web", "paths" };
	struct err e;
	int rc;

	run_into(dir, NULL);
	snprintf(pdir, sizeof pdir, "%s/plots", dir);
	snprintf(empty, sizeof empty, "%s/empty", dir);
	CU_ASSERT_FATAL(mkdir(empty, 0777) == 0);
	saved = ks_strdup(old ? old : "");
	setenv("PATH", empty, 1);
	CU_ASSERT_EQUAL(plot_gnuplot_available(), 0);
	err_init(&e);
	msg = quietly(dir, plot_run_dir, &e, &rc);
	setenv("PATH", saved, 1);
	ks_free(saved);
	CU_ASSERT_EQUAL(rc, 4);
	CU_ASSERT_FALSE(err_is_set(&e));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "gnuplot not found: install gnuplot-nox"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, pdir));
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char f[64];

		snprintf(f, sizeof f, "%s.gp", names[i]);
		CU_ASSERT(exists(pdir, f, 100));
		snprintf(f, sizeof f, "%s.dat", names[i]);
		CU_ASSERT(exists(pdir, f, 50));
		snprintf(f, sizeof f, "%s.png", names[i]);
		CU_ASSERT_FALSE(exists(pdir, f, 0));
	}
	ks_free(msg);
	rm_tree(dir);
}

static void plot_should_name_a_missing_or_bad_directory(void)
{
	char dir[64], p[128], buf[1024], *argv[] = { (char *)"plot", p, NULL };
	struct err e;
	int saved;

	err_init(&e);
	CU_ASSERT_EQUAL(plot_run_dir("/nonexistent/ktsim-run", &e), -1);
	CU_ASSERT_EQUAL(e.code, ERR_INPUT);
	err_format(&e, buf, sizeof buf);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "/nonexistent/ktsim-run/results.json"));
	/* A results.json whose services are not an array: file, line and key. */
	strcpy(dir, "/tmp/ktsim-plot-XXXXXX");
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	write_file(dir, "results.json", "{\"scenario\": {\"name\": \"x\"}, \"seed\": 1,\n \"services\": 3}\n");
	err_init(&e);
	CU_ASSERT_EQUAL(plot_run_dir(dir, &e), -1);
	err_format(&e, buf, sizeof buf);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "results.json:2:14: services: expected an array"));
	/* The verb: no such directory, or nothing to plot in it, is exit 2. */
	saved = mute(2);
	snprintf(p, sizeof p, "%s/none", dir);
	CU_ASSERT_EQUAL(cmd_plot(2, argv), 2);
	CU_ASSERT_FATAL(mkdir(p, 0777) == 0);
	CU_ASSERT_EQUAL(cmd_plot(2, argv), 2);
	snprintf(p, sizeof p, "%s", dir);
	CU_ASSERT_EQUAL(cmd_plot(2, argv), 2); /* the bad results.json */
	unmute(2, saved);
	rm_tree(dir);
}

/* Rewrite dir/results.json with k copies of its one Service (web-0 ..). */
static void many_services(const char *dir, int k)
{
	cJSON *root = results(dir), *svcs = cJSON_GetObjectItemCaseSensitive(root, "services");
	cJSON *web = cJSON_DetachItemFromArray(svcs, 0);
	char *text;

	for (int i = 0; i < k; i++) {
		cJSON *c = cJSON_Duplicate(web, 1);
		char name[16];

		snprintf(name, sizeof name, "web-%d", i);
		cJSON_ReplaceItemInObjectCaseSensitive(c, "name", cJSON_CreateString(name));
		cJSON_AddItemToArray(svcs, c);
	}
	cJSON_Delete(web);
	text = cJSON_Print(root);
	write_file(dir, "results.json", text);
	cJSON_free(text);
	cJSON_Delete(root);
}

static void plot_should_render_png_and_svg_with_gnuplot(void)
{
	const char *names[] = { "share-web", "lb-web", "latency-web", "paths" };
	char dir[64], pdir[96], f[64];
	struct err e;
	struct dirent *de;
	DIR *d;
	int rc;

	if (!plot_gnuplot_available()) {
		printf("[gnuplot not on PATH: not rendered] ");
		return;
	}
	run_into(dir, NULL);
	snprintf(pdir, sizeof pdir, "%s/plots", dir);
	err_init(&e);
	ks_free(quietly(dir, plot_run_dir, &e, &rc));
	CU_ASSERT_EQUAL(rc, 4);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(f, sizeof f, "%s.png", names[i]);
		CU_ASSERT(exists(pdir, f, 10000));
		snprintf(f, sizeof f, "%s.svg", names[i]);
		CU_ASSERT(exists(pdir, f, 10000));
	}
	/* No temporary image is left behind. */
	d = opendir(pdir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((de = readdir(d)) != NULL)
		CU_ASSERT(strncmp(de->d_name, ".tmp-", 5) != 0);
	closedir(d);
	/* Ten Services, 31 figures: several scripts per gnuplot (each from a
	 * clean session) on a machine with up to 7 CPUs; every one drawn. */
	rm_tree(pdir);
	many_services(dir, 10);
	err_init(&e);
	ks_free(quietly(dir, plot_run_dir, &e, &rc));
	CU_ASSERT_EQUAL(rc, 31);
	for (int k = 0; k < 10; k++)
		for (size_t i = 0; i < 3; i++) {
			snprintf(f, sizeof f, "%s-%d.png", names[i], k);
			CU_ASSERT(exists(pdir, f, 10000));
			snprintf(f, sizeof f, "%s-%d.svg", names[i], k);
			CU_ASSERT(exists(pdir, f, 10000));
		}
	rm_tree(dir);
}

/* A stand-in gnuplot: one line in $KTSIM_TEST_LOG per process; for each
 * script in turn, empty images named by the `out` set before it, or exit 3
 * on a script named in $KTSIM_TEST_FAIL (as gnuplot stops at a failing
 * script). */
static const char FAKE_GNUPLOT[] =
	"#!/bin/sh\n"
	"echo run >> \"$KTSIM_TEST_LOG\"\n"
	"out=\n"
	"while [ $# -gt 0 ]; do\n"
	"  case \"$1\" in\n"
	"  -e) case \"$2\" in out=*) out=${2#out=\\'}; out=${out%\\'};; esac; shift 2;;\n"
	"  *) case \" $KTSIM_TEST_FAIL \" in *\" $1 \"*) exit 3;; esac\n"
	"     : > \"$out.png\"; : > \"$out.svg\"; shift;;\n"
	"  esac\n"
	"done\n";

static int lines_in(const char *dir, const char *name)
{
	char *t = slurp(dir, name);
	int n = 0;

	for (const char *c = t; c && *c; c++)
		n += *c == '\n';
	ks_free(t);
	return n;
}

/* Count dir's entries named with prefix. */
static int entries(const char *dir, const char *prefix)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

/* Thirty Services (91 figures): gnuplot runs in batches, fewer processes
 * than figures, every image in place; a failing script is named, the first
 * in list order when two fail, every figure before it is drawn, and no
 * temporary image is left. */
static void plot_should_render_many_figures_in_batches_and_name_the_first_failure(void)
{
	char dir[64], pdir[96], bin[96], log[128], f[64], buf[1024];
	char *old = getenv("PATH"), *saved = ks_strdup(old ? old : "");
	struct err e;
	FILE *fp;
	int rc;

	run_into(dir, NULL);
	snprintf(pdir, sizeof pdir, "%s/plots", dir);
	snprintf(bin, sizeof bin, "%s/bin", dir);
	snprintf(log, sizeof log, "%s/runs.log", dir);
	many_services(dir, 30);
	CU_ASSERT_FATAL(mkdir(bin, 0777) == 0);
	snprintf(f, sizeof f, "%s/gnuplot", bin);
	CU_ASSERT_FATAL((fp = fopen(f, "w")) != NULL);
	fputs(FAKE_GNUPLOT, fp);
	fclose(fp);
	CU_ASSERT_FATAL(chmod(f, 0755) == 0);
	snprintf(buf, sizeof buf, "%s:%s", bin, saved);
	setenv("PATH", buf, 1);
	setenv("KTSIM_TEST_LOG", log, 1);

	setenv("KTSIM_TEST_FAIL", "", 1);
	err_init(&e);
	ks_free(quietly(dir, plot_run_dir, &e, &rc));
	CU_ASSERT_EQUAL(rc, 91);
	CU_ASSERT_FALSE(err_is_set(&e));
	CU_ASSERT_EQUAL(entries(pdir, "share-web-"), 30 * 4);
	CU_ASSERT_EQUAL(entries(pdir, "latency-web-29."), 4);
	CU_ASSERT(lines_in(dir, "runs.log") >= 1);
	CU_ASSERT(lines_in(dir, "runs.log") <= 91 / 2);
	CU_ASSERT_EQUAL(entries(pdir, ".tmp-"), 0);

	rm_tree(pdir);
	setenv("KTSIM_TEST_FAIL", "share-web-20.gp latency-web-7.gp", 1);
	err_init(&e);
	ks_free(quietly(dir, plot_run_dir, &e, &rc));
	CU_ASSERT_EQUAL(rc, -1);
	err_format(&e, buf, sizeof buf);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "plots/latency-web-7.gp"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "gnuplot failed (exit status 3)"));
	CU_ASSERT_EQUAL(entries(pdir, ".tmp-"), 0);
	for (int k = 0; k < 7; k++) {
		snprintf(f, sizeof f, "latency-web-%d.png", k);
		CU_ASSERT(exists(pdir, f, 0));
	}
	CU_ASSERT(exists(pdir, "lb-web-7.svg", 0)); /* just before the failure */
	CU_ASSERT_FALSE(exists(pdir, "latency-web-7.png", 0));
	setenv("PATH", saved, 1);
	unsetenv("KTSIM_TEST_FAIL");
	unsetenv("KTSIM_TEST_LOG");
	ks_free(saved);
	rm_tree(dir);
}

/* A comparison of 2 and 3 replicas of web, as `ktsim compare` writes it. */
static const char CMP[] =
	"{\"scenario\": {\"name\": \"cmp\"}, \"seed\": 7,\n"
	" \"vary\": [{\"key\": \"workloads[0].replicas\", \"values\": [\"2\", \"3\"]}],\n"
	" \"variants\": [\n"
	"  {\"label\": \"2\", \"services\": [{\"name\": \"web\", \"max_over_mean\": 1.02,\n"
	"   \"snat_fraction\": 1, \"drop_fraction\": 0, \"second_hop_fraction\": 0.5, \"p99_ms\": 40,\n"
	"   \"pod_shares\": [{\"name\": \"web-0\", \"node\": \"a\", \"share\": 0.51},\n"
	"                  {\"name\": \"web-1\", \"node\": \"b\", \"share\": 0.49}]}]},\n"
	"  {\"label\": \"3\", \"services\": [{\"name\": \"web\", \"max_over_mean\": 1.5,\n"
	"   \"snat_fraction\": 0, \"drop_fraction\": 0.25, \"second_hop_fraction\": 0, \"p99_ms\": 55,\n"
	"   \"pod_shares\": [{\"name\": \"web-0\", \"node\": \"a\", \"share\": 0.5},\n"
	"                  {\"name\": \"web-1\", \"node\": \"c\", \"share\": 0.25},\n"
	"                  {\"name\": \"web-2\", \"node\": \"c\", \"share\": 0.25}]}]}]}\n";

/* The comparison: the union of pods, NaN where a variant has no such pod,
 * the headline figures per variant; the verb prefers comparison.json to
 * results.json. */
static void plot_should_draw_a_comparison_with_missing_pods(void)
{
	char dir[64], pdir[96], *rows[64][16], *argv[] = { (char *)"plot", dir, NULL };
	int n, saved, out;

	run_into(dir, NULL); /* a results.json too: comparison.json must win */
	write_file(dir, "comparison.json", CMP);
	snprintf(pdir, sizeof pdir, "%s/plots", dir);
	out = mute(1);
	saved = mute(2);
	CU_ASSERT_EQUAL(cmd_plot(2, argv), 0);
	unmute(2, saved);
	unmute(1, out);
	CU_ASSERT_FALSE(exists(pdir, "share-web.dat", 0));
	n = dat_rows(pdir, "compare-share-web.dat", rows);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_STRING_EQUAL(rows[0][2], "a");
	CU_ASSERT_STRING_EQUAL(rows[1][2], "node varies");
	CU_ASSERT_DOUBLE_EQUAL(atof(rows[0][3]), 0.51, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(atof(rows[1][4]), 0.25, 1e-12);
	CU_ASSERT_STRING_EQUAL(rows[2][1], "web-2");
	CU_ASSERT_STRING_EQUAL(rows[2][3], "NaN");
	rows_free(rows, n);
	n = dat_rows(pdir, "compare-metrics-web.dat", rows);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(rows[1][1], "3");
	CU_ASSERT_DOUBLE_EQUAL(atof(rows[1][2]), 1.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(atof(rows[1][4]), 0.25, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(atof(rows[1][6]), 55, 1e-12);
	rows_free(rows, n);
	rm_tree(dir);
}

/* A sweep of three rates with 95% intervals, as `ktsim sweep` writes it
 * (the points out of x order, the mean apart from the first replication). */
static const char SWP[] =
	"{\"scenario\": \"scenarios/x.json\",\n"
	" \"vary\": [{\"key\": \"clients[0].arrival.rate_per_s\", \"values\": [\"300\", \"100\", \"200\"]}],\n"
	" \"points\": [\n"
	"  {\"point\": 0, \"dir\": \"p0_300\", \"settings\": {\"clients[0].arrival.rate_per_s\": \"300\"},\n"
	"   \"services\": [{\"name\": \"web\", \"max_over_mean\": 1.9, \"latency_p99_ms\": 90, \"drop_fraction\": 0.3,\n"
	"    \"ci95\": {\"max_over_mean\": {\"mean\": 1.8, \"half_width\": 0.2},\n"
	"             \"latency_p99_ms\": {\"mean\": 80, \"half_width\": 10},\n"
	"             \"drop_fraction\": {\"mean\": 0.25, \"half_width\": 0.05}}}]},\n"
	"  {\"point\": 1, \"dir\": \"p1_100\", \"settings\": {\"clients[0].arrival.rate_per_s\": \"100\"},\n"
	"   \"services\": [{\"name\": \"web\", \"max_over_mean\": 1.1, \"latency_p99_ms\": 40, \"drop_fraction\": 0,\n"
	"    \"ci95\": {\"max_over_mean\": {\"mean\": 1.2, \"half_width\": 0.1},\n"
	"             \"latency_p99_ms\": {\"mean\": 42, \"half_width\": 4},\n"
	"             \"drop_fraction\": {\"mean\": 0, \"half_width\": 0}}}]},\n"
	"  {\"point\": 2, \"dir\": \"p2_200\", \"settings\": {\"clients[0].arrival.rate_per_s\": \"200\"},\n"
	"   \"services\": [{\"name\": \"web\", \"max_over_mean\": 1.4, \"latency_p99_ms\": 50, \"drop_fraction\": 0.1,\n"
	"    \"ci95\": {\"max_over_mean\": {\"mean\": 1.5, \"half_width\": 0.3},\n"
	"             \"latency_p99_ms\": {\"mean\": 55, \"half_width\": 5},\n"
	"             \"drop_fraction\": {\"mean\": 0.1, \"half_width\": 0.02}}}]}]}\n";

/* A sweep: a row per point in x order, each figure as the ci95 mean with
 * its band mean -/+ half-width; the verb finds sweep.json. */
static void plot_should_draw_a_sweep_with_bands(void)
{
	static const double want[3][10] = {
		/* x, then mean, lo, hi of max/mean, p99 and dropped */
		{ 100, 1.2, 1.1, 1.3, 42, 38, 46, 0, 0, 0 },
		{ 200, 1.5, 1.2, 1.8, 55, 50, 60, 0.1, 0.08, 0.12 },
		{ 300, 1.8, 1.6, 2.0, 80, 70, 90, 0.25, 0.2, 0.3 },
	};
	static const int col[10] = { 0, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	char dir[64], pdir[96], *rows[64][16], *argv[] = { (char *)"plot", dir, NULL };
	char *gp, dat[160];
	int n, saved, out;
	struct err e;

	strcpy(dir, "/tmp/ktsim-plot-XXXXXX");
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	write_file(dir, "sweep.json", SWP);
	snprintf(pdir, sizeof pdir, "%s/plots", dir);
	err_init(&e);
	out = mute(1);
	saved = mute(2);
	CU_ASSERT_EQUAL(plot_sweep_dir(dir, &e), 1);
	unmute(2, saved);
	unmute(1, out);
	n = dat_rows(pdir, "sweep-web.dat", rows);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	for (int r = 0; r < 3; r++) {
		CU_ASSERT_STRING_EQUAL(rows[r][2], "1");
		for (int c = 0; c < 10; c++)
			CU_ASSERT_DOUBLE_EQUAL(atof(rows[r][col[c]]), want[r][c], 1e-9);
	}
	CU_ASSERT_STRING_EQUAL(rows[0][1], "100");
	CU_ASSERT_STRING_EQUAL(rows[0][3], "1");
	rows_free(rows, n);
	gp = slurp(pdir, "sweep-web.gp");
	CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "bands = 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "with filledcurves"));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "xname = \"clients[0].arrival.rate_per_s\"\n"));
	ks_free(gp);
	/* `ktsim plot DIR` on a sweep directory */
	snprintf(dat, sizeof dat, "%s/sweep-web.dat", pdir);
	unlink(dat);
	out = mute(1);
	saved = mute(2);
	CU_ASSERT_EQUAL(cmd_plot(2, argv), 0);
	unmute(2, saved);
	unmute(1, out);
	CU_ASSERT(exists(pdir, "sweep-web.dat", 100));
	rm_tree(dir);
}

/* Plot dir (4 figures and the time series) and read the time series' rows. */
static int plot_timeseries(const char *dir, const char *pdir, char *rows[64][16])
{
	struct err e;
	int rc, n;

	err_init(&e);
	ks_free(quietly(dir, plot_run_dir, &e, &rc));
	CU_ASSERT_EQUAL(rc, 5);
	n = dat_rows(pdir, "timeseries-web.dat", rows);
	CU_ASSERT_EQUAL_FATAL(n, 5);
	return n;
}

/* A hand-written timeseries.csv (samples every 2 s, 13 pods) and timeline:
 * per-second rates per pod, the 11 busiest pods apart and the other two
 * summed, drops differenced from the nodes' running totals, healthy nodes
 * counted, the events as block 1. */
static void plot_should_draw_the_time_series_of_a_timeline(void)
{
	char dir[64], pdir[96], p[160], *rows[64][16], *gp;
	cJSON *root, *tl;
	FILE *f;
	int n;
	/* node-1 and node-2: running totals of drops and the LB's view */
	static const int drops[3][2] = { { 0, 0 }, { 10, 4 }, { 10, 20 } };
	static const int healthy[3][2] = { { 1, 1 }, { 0, 1 }, { 1, 1 } };

	run_into(dir, NULL);
	snprintf(pdir, sizeof pdir, "%s/plots", dir);
	root = results(dir);
	tl = cJSON_AddArrayToObject(root, "timeline");
	cJSON_AddItemToArray(tl, cJSON_Parse("{\"at_s\": 3, \"action\": \"delete_pod\", "
		"\"target\": \"p00\", \"dropped_until_next\": 30}"));
	cJSON_AddItemToArray(tl, cJSON_Parse("{\"at_s\": 5, \"action\": \"node_down\", "
		"\"target\": \"node-2\", \"dropped_until_next\": 0}"));
	gp = cJSON_Print(root);
	write_file(dir, "results.json", gp);
	free(gp);
	cJSON_Delete(root);
	snprintf(p, sizeof p, "%s/timeseries.csv", dir);
	CU_ASSERT_FATAL((f = fopen(p, "w")) != NULL);
	fputs("time_s,kind,service,pod,node,flows,completed,dropped,queue,latency_mean_ms,"
	      "lb_healthy\n", f);
	for (int t = 0; t < 3; t++) {
		/* p00 sends 100, 0, 50 (its node gone at the end), pK 100 - K */
		for (int k = 0; k < 13; k++)
			fprintf(f, "%d,pod,web,p%02d,%s,%d,0,0,0,1.0,\n", 2 * (t + 1), k,
				k == 0 && t == 2 ? "" : k % 2 ? "node-a" : "node-b",
				k == 0 ? (int[]){ 100, 0, 50 }[t] : 100 - k);
		for (int nd = 0; nd < 2; nd++)
			fprintf(f, "%d,node,web,,node-%d,999,,%d,,,%d\n", 2 * (t + 1), nd + 1,
				drops[t][nd], healthy[t][nd]);
	}
	fclose(f);
	n = plot_timeseries(dir, pdir, rows);
	for (int t = 0; t < 3; t++) {
		CU_ASSERT_EQUAL(atof(rows[t][0]), 2 * (t + 1));
		/* drops 0, 14, 30 in all: 0, 7, 8 per second */
		CU_ASSERT(same(rows[t][1], (double[]){ 0, 7, 8 }[t]));
		CU_ASSERT(same(rows[t][2], (double[]){ 2, 1, 2 }[t]));
		CU_ASSERT_STRING_EQUAL(rows[t][3], "2");
		/* p01 .. p11, then p00 + p12 */
		for (int k = 1; k <= 11; k++)
			CU_ASSERT(same(rows[t][3 + k], (100 - k) / 2.0));
		CU_ASSERT(same(rows[t][15], ((double[]){ 100, 0, 50 }[t] + 88) / 2));
	}
	CU_ASSERT_STRING_EQUAL(rows[3][0], "3");
	CU_ASSERT_STRING_EQUAL(rows[3][1], "delete_pod p00");
	CU_ASSERT_STRING_EQUAL(rows[3][2], "30");
	CU_ASSERT_STRING_EQUAL(rows[4][0], "5");
	CU_ASSERT_STRING_EQUAL(rows[4][1], "node_down node-2");
	rows_free(rows, n);
	gp = slurp(pdir, "timeseries-web.gp");
	CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "npods = 12\nnnodes = 2\nnev = 2\nxmax = 6\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "array pod[12] = [\"p01@node-a\", \"p02@node-b\", "));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "\"p11@node-a\", \"other 2 pods (summed)\"]\n"));
	ks_free(gp);
	/* As ktsim writes it past 200,000 Service x node pairs: no node rows,
	 * the Service's row with every drop (no-node ones too) and the count
	 * of healthy nodes; the node axis goes up to the most seen healthy. */
	rm_tree(pdir);
	CU_ASSERT_FATAL((f = fopen(p, "w")) != NULL);
	fputs("time_s,kind,service,pod,node,flows,completed,dropped,queue,latency_mean_ms,"
	      "lb_healthy\n", f);
	for (int t = 0; t < 3; t++) {
		fprintf(f, "%d,pod,web,p00,node-a,10,0,0,0,1.0,\n", 2 * (t + 1));
		fprintf(f, "%d,service,web,,,999,990,%d,,,%d\n", 2 * (t + 1),
			(int[]){ 0, 20, 36 }[t], (int[]){ 3, 2, 3 }[t]);
	}
	fclose(f);
	n = plot_timeseries(dir, pdir, rows);
	for (int t = 0; t < 3; t++) {
		CU_ASSERT(same(rows[t][1], (double[]){ 0, 10, 8 }[t]));
		CU_ASSERT(same(rows[t][2], (double[]){ 3, 2, 3 }[t]));
		CU_ASSERT_STRING_EQUAL(rows[t][3], "3");
	}
	rows_free(rows, n);
	rm_tree(dir);
}

/* The scripts in plots/ are copies of what ktsim writes: from `set datafile`
 * on (the style and the body) they must match the scripts written now. */
static void plot_should_keep_the_example_scripts_in_step(void)
{
	static const char *const pairs[][2] = {
		{ "share-web.gp", "share.gp" }, { "lb-web.gp", "lb.gp" },
		{ "latency-web.gp", "latency.gp" }, { "paths.gp", "paths.gp" },
		{ "compare-share-web.gp", "compare-share.gp" },
		{ "compare-metrics-web.gp", "compare-metrics.gp" },
		{ "sweep-web.gp", "sweep.gp" },
		{ "timeseries-web.gp", "timeseries.gp" },
	};
	char dir[64], cdir[96], sdir[96], tdir[96], pdir[128];
	struct err e;
	int rc;

	run_into(dir, NULL);
	snprintf(cdir, sizeof cdir, "%s/cmp", dir);
	CU_ASSERT_FATAL(mkdir(cdir, 0777) == 0);
	write_file(cdir, "comparison.json", CMP);
	snprintf(sdir, sizeof sdir, "%s/swp", dir);
	CU_ASSERT_FATAL(mkdir(sdir, 0777) == 0);
	write_file(sdir, "sweep.json", SWP);
	/* 50/25/25 has no timeline: timeseries.gp is from the pod-loss run */
	snprintf(tdir, sizeof tdir, "%s/tl", dir);
	CU_ASSERT_FATAL(mkdir(tdir, 0777) == 0);
	run_scenario(tdir, "local-pod-loss.json", NULL, 0);
	err_init(&e);
	ks_free(quietly(dir, plot_run_dir, &e, &rc));
	ks_free(quietly(cdir, plot_compare_dir, &e, &rc));
	ks_free(quietly(sdir, plot_sweep_dir, &e, &rc));
	ks_free(quietly(tdir, plot_run_dir, &e, &rc));
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		char *mine, *example;
		const char *a, *b;

		snprintf(pdir, sizeof pdir, "%s/plots", i < 4 ? dir : i < 6 ? cdir : i < 7 ? sdir : tdir);
		mine = slurp(pdir, pairs[i][0]);
		example = slurp("../plots", pairs[i][1]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(mine);
		CU_ASSERT_PTR_NOT_NULL_FATAL(example);
		a = strstr(mine, "set datafile separator");
		b = strstr(example, "set datafile separator");
		CU_ASSERT(a && b && strcmp(a, b) == 0);
		if (!(a && b && strcmp(a, b) == 0))
			printf("\n  plots/%s differs from what ktsim writes ", pairs[i][1]);
		ks_free(mine);
		ks_free(example);
	}
	rm_tree(dir);
}

CU_ErrorCode suite_plot(void)
{
	static const struct test_case cases[] = {
		{ "plot_should_write_the_shares_of_results_json", plot_should_write_the_shares_of_results_json },
		{ "plot_should_stack_hops_snat_and_drops_in_percent", plot_should_stack_hops_snat_and_drops_in_percent },
		{ "plot_should_write_scripts_without_gnuplot", plot_should_write_scripts_without_gnuplot },
		{ "plot_should_name_a_missing_or_bad_directory", plot_should_name_a_missing_or_bad_directory },
		{ "plot_should_render_png_and_svg_with_gnuplot", plot_should_render_png_and_svg_with_gnuplot },
		{ "plot_should_render_many_figures_in_batches_and_name_the_first_failure",
		  plot_should_render_many_figures_in_batches_and_name_the_first_failure },
		{ "plot_should_draw_a_comparison_with_missing_pods", plot_should_draw_a_comparison_with_missing_pods },
		{ "plot_should_draw_a_sweep_with_bands", plot_should_draw_a_sweep_with_bands },
		{ "plot_should_draw_the_time_series_of_a_timeline", plot_should_draw_the_time_series_of_a_timeline },
		{ "plot_should_keep_the_example_scripts_in_step", plot_should_keep_the_example_scripts_in_step },
		{ NULL, NULL },
	};
	return tests_add("plot", cases);
}
