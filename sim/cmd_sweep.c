/* cmd_sweep — `ktsim sweep`: a grid of runs over scenario values, one row
 * per point and Service, resumable, and shared out over MPI ranks.
 *
 * Each point runs into DIR/points/pK_<values>/ (results.json and friends,
 * plus point.json naming its settings). A point whose point.json and
 * results.json are already there is not run again, so an interrupted sweep
 * continues where it stopped. The rows are read back from each point's
 * results.json (timing fields left out), so a resumed, a serial and an MPI
 * sweep write the same bytes. Under MPI (make MPI=1, mpirun -np N) rank r
 * runs the points k with k % N == r and sends its rows to rank 0, which
 * writes sweep.json and sweep.csv in point order, then the plots (plot.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#ifdef KTSIM_MPI
#include <mpi.h>
#endif

#include "cmd_int.h"
#include "grid_int.h"
#include "ktsim/json.h"
#include "ktsim/mem.h"
#include "ktsim/plot.h"
#include "ktsim/scenario.h"

#define MAX_POINTS 100000

static const char HELP[] =
	"usage: ktsim sweep SCENARIO --vary KEY=A:B[:STEP] | KEY=V1,V2 [--vary ...] [-o DIR]\n"
	"                   [--seed N] [--set KEY=VALUE]... [--replications R] [-q]\n"
	"\n"
	"Run SCENARIO at every point of a grid of values and tabulate the headline\n"
	"figures per point and Service in DIR/sweep.csv and DIR/sweep.json, and plot\n"
	"them against the first numeric varied key in DIR/plots/sweep-SVC.png.\n"
	"\n"
	"  --vary KEY=A:B[:STEP]  numbers from A to B inclusive (step 1 by default),\n"
	"                     e.g. --vary clients[0].arrival.rate_per_s=500:3000:500\n"
	"  --vary KEY=V1,V2   listed values (JSON when they parse as JSON)\n"
	"  -o, --out DIR      output directory (default out/<scenario name>-sweep);\n"
	"                     points already run in DIR are not run again\n"
	"  --seed N           random seed for every point\n"
	"  --set KEY=VALUE    override a scenario value at every point\n"
	"  --replications R   R replications per point, with 95% intervals\n"
	"  -q, --quiet        no table\n"
	"  -h, --help         show this help\n"
	"\n"
	"Across machines: build with `make MPI=1` and run under `mpirun -np N`;\n"
	"points are shared out among the ranks and the results are the same, byte\n"
	"for byte, as a serial sweep.\n"
	"\n"
	"exit status: 0 ok, 1 a run failed, 2 bad usage or a bad point, 130/143 interrupted\n";

/* The figures a sweep tabulates, from a run's results.json service. */
static const char *const FIGS[] = { "drop_fraction", "snat_fraction", "second_hop_fraction",
	"cross_zone_fraction", "mean_hops", NULL };
static const char *const SKEW[] = { "max_over_mean", "jain", "gini", "cv", NULL };
static const char *const LAT[] = { "mean", "p50", "p99", "p999", NULL };

static const cJSON *get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* One point's row (settings and per-Service figures) as JSON text, read
 * back from its results.json. */
static char *point_row(int k, const char *name, const cJSON *settings, const char *dir,
		       struct err *e)
{
	char path[4600];
	struct jdoc *doc;
	cJSON *row = cJSON_CreateObject(), *svcs, *sv;
	char *text;

	snprintf(path, sizeof path, "%s/results.json", dir);
	if (jdoc_load_results(&doc, path, e) < 0) {
		cJSON_Delete(row);
		return NULL;
	}
	cJSON_AddNumberToObject(row, "point", k);
	cJSON_AddStringToObject(row, "dir", name);
	cJSON_AddItemToObject(row, "settings", cJSON_Duplicate(settings, 1));
	svcs = cJSON_AddArrayToObject(row, "services");
	cJSON_ArrayForEach(sv, get(jdoc_root(doc), "services")) {
		cJSON *o = cJSON_CreateObject();
		const cJSON *ci = get(sv, "ci95");

		cJSON_AddStringToObject(o, "name", get(sv, "name")->valuestring);
		cJSON_AddNumberToObject(o, "offered", grid_num(get(sv, "flows"), "offered"));
		for (int i = 0; FIGS[i]; i++)
			cJSON_AddNumberToObject(o, FIGS[i], grid_num(sv, FIGS[i]));
		for (int i = 0; SKEW[i]; i++)
			cJSON_AddNumberToObject(o, SKEW[i], grid_num(get(sv, "skew"), SKEW[i]));
		for (int i = 0; LAT[i]; i++) {
			char key[32];

			snprintf(key, sizeof key, "latency_%s_ms", LAT[i]);
			cJSON_AddNumberToObject(o, key, grid_num(get(sv, "latency_ms"), LAT[i]));
		}
		if (ci)
			cJSON_AddItemToObject(o, "ci95", cJSON_Duplicate(ci, 1));
		cJSON_AddItemToArray(svcs, o);
	}
	jdoc_destroy(doc);
	text = cJSON_PrintUnformatted(row);
	cJSON_Delete(row);
	return text;
}

static int file_equals(const char *path, const char *text)
{
	FILE *f = fopen(path, "r");
	size_t n = strlen(text), k;
	char *buf;
	int eq;

	if (f == NULL)
		return 0;
	buf = ks_malloc(n + 2);
	k = fread(buf, 1, n + 1, f);
	fclose(f);
	eq = k == n && memcmp(buf, text, n) == 0;
	ks_free(buf);
	return eq;
}

/* Run (or find already run) point k. Returns 0 with its row text in *row. */
static int run_point(const struct cmd_opts *o, const struct grid_axis *ax, int nax, int k,
		     const char *outdir, char **row)
{
	const char *sets[CMD_MAX_SETS + CMD_MAX_VARY];
	char *assign[CMD_MAX_VARY], name[300], dir[4500], path[4600], clean[64];
	cJSON *settings = cJSON_CreateObject();
	char *ptext;
	int nsets = 0, rc = 0;
	struct err e;

	for (int i = 0; i < o->nsets; i++)
		sets[nsets++] = o->sets[i];
	snprintf(name, sizeof name, "p%d", k);
	for (int a = 0; a < nax; a++) {
		const char *v = ax[a].values[grid_index(ax, nax, a, k)];

		assign[a] = ks_malloc(strlen(ax[a].key) + strlen(v) + 2);
		sprintf(assign[a], "%s=%s", ax[a].key, v);
		sets[nsets++] = assign[a];
		cJSON_AddStringToObject(settings, ax[a].key, v);
		grid_sanitize(clean, sizeof clean, v);
		snprintf(name + strlen(name), sizeof name - strlen(name), "_%s", clean);
	}
	snprintf(dir, sizeof dir, "%s/points/%s", outdir, name);
	ptext = cJSON_Print(settings);
	snprintf(path, sizeof path, "%s/point.json", dir);
	err_init(&e);
	if (!file_equals(path, ptext) || (snprintf(path, sizeof path, "%s/results.json", dir),
					  access(path, R_OK) != 0)) {
		struct cluster *c;
		struct cmd_result res;

		if (scenario_load(&c, o->scenario, sets, nsets, &e) < 0) {
			fprintf(stderr, "ktsim sweep: point %s: ", name);
			err_print(stderr, &e);
			rc = 2;
			goto out;
		}
		/* point.json after the results: it marks a complete point */
		rc = cmd_simulate("sweep", c, dir, name, o->replications, &res);
		cluster_destroy(c);
		if (rc)
			goto out;
		cmd_result_fini(&res);
		if (results_write_file(dir, "point.json", ptext, strlen(ptext), &e) < 0) {
			fprintf(stderr, "ktsim sweep: ");
			err_print(stderr, &e);
			rc = 1;
			goto out;
		}
	}
	*row = point_row(k, name, settings, dir, &e);
	if (*row == NULL) {
		fprintf(stderr, "ktsim sweep: ");
		err_print(stderr, &e);
		rc = 1;
	}
out:
	for (int a = 0; a < nax; a++)
		ks_free(assign[a]);
	cJSON_free(ptext);
	cJSON_Delete(settings);
	return rc;
}

/* Write sweep.json and sweep.csv from the rows (in point order). */
static int write_tables(const char *outdir, const struct grid_axis *ax, int nax, char **rows,
			int npoints, const struct cmd_opts *o, int quiet)
{
	cJSON *root = cJSON_CreateObject(), *arr, *vary;
	char *json, *csv = NULL;
	size_t csvlen;
	FILE *f = open_memstream(&csv, &csvlen);
	struct err e;
	int rc;

	cJSON_AddStringToObject(root, "scenario", o->scenario);
	vary = cJSON_AddArrayToObject(root, "vary");
	for (int a = 0; a < nax; a++) {
		cJSON *v = cJSON_CreateObject(), *vals = cJSON_AddArrayToObject(v, "values");

		cJSON_AddStringToObject(v, "key", ax[a].key);
		for (int i = 0; i < ax[a].n; i++)
			cJSON_AddItemToArray(vals, cJSON_CreateString(ax[a].values[i]));
		cJSON_AddItemToArray(vary, v);
	}
	arr = cJSON_AddArrayToObject(root, "points");
	fputs("point", f);
	for (int a = 0; a < nax; a++) {
		fputc(',', f);
		grid_csv_field(f, ax[a].key);
	}
	fputs(",service,offered", f);
	for (int i = 0; FIGS[i]; i++)
		fprintf(f, ",%s", FIGS[i]);
	for (int i = 0; SKEW[i]; i++)
		fprintf(f, ",%s", SKEW[i]);
	for (int i = 0; LAT[i]; i++)
		fprintf(f, ",latency_%s_ms", LAT[i]);
	fputc('\n', f);
	if (!quiet)
		printf("\n%-6s %-40s %-16s %9s %9s %9s %9s\n", "POINT", "SETTINGS", "SERVICE", "DROPPED",
		       "SNAT", "MAX/MEAN", "P99 MS");
	for (int k = 0; k < npoints; k++) {
		cJSON *row = cJSON_Parse(rows[k]), *sv;
		char set[256] = "";
		const cJSON *v;

		cJSON_ArrayForEach(v, get(row, "settings"))
			snprintf(set + strlen(set), sizeof set - strlen(set), "%s%s", set[0] ? " " : "",
				 v->valuestring);
		cJSON_ArrayForEach(sv, get(row, "services")) {
			fprintf(f, "%d", k);
			cJSON_ArrayForEach(v, get(row, "settings")) {
				fputc(',', f);
				grid_csv_field(f, v->valuestring);
			}
			fputc(',', f);
			grid_csv_field(f, get(sv, "name")->valuestring);
			fprintf(f, ",%.15g", grid_num(sv, "offered"));
			for (int i = 0; FIGS[i]; i++)
				fprintf(f, ",%.6f", grid_num(sv, FIGS[i]));
			for (int i = 0; SKEW[i]; i++)
				fprintf(f, ",%.6f", grid_num(sv, SKEW[i]));
			for (int i = 0; LAT[i]; i++) {
				char key[32];

				snprintf(key, sizeof key, "latency_%s_ms", LAT[i]);
				fprintf(f, ",%.4f", grid_num(sv, key));
			}
			fputc('\n', f);
			if (!quiet)
				printf("%-6d %-40.40s %-16.16s %8.2f%% %8.1f%% %9.3f %9.3g\n", k, set,
				       get(sv, "name")->valuestring, 100 * grid_num(sv, "drop_fraction"),
				       100 * grid_num(sv, "snat_fraction"), grid_num(sv, "max_over_mean"),
				       grid_num(sv, "latency_p99_ms"));
		}
		cJSON_AddItemToArray(arr, row);
	}
	fclose(f);
	json = cJSON_Print(root);
	err_init(&e);
	rc = results_write_file(outdir, "sweep.csv", csv, csvlen, &e) < 0 ||
	     results_write_file(outdir, "sweep.json", json, strlen(json), &e) < 0;
	if (rc) {
		fprintf(stderr, "ktsim sweep: ");
		err_print(stderr, &e);
	}
	cJSON_free(json);
	free(csv);
	cJSON_Delete(root);
	return rc ? 1 : 0;
}

int cmd_sweep(int argc, char **argv)
{
	struct cmd_opts o;
	struct grid_axis ax[CMD_MAX_VARY];
	char outdir[4096], seedset[64], **rows = NULL;
	int rc, nax = 0, npoints = 1, rank = 0, size = 1, tty = isatty(2);
	struct cluster *c;
	struct err e;
	time_t t0 = time(NULL);

#ifdef KTSIM_MPI
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
#endif
	rc = cmd_parse("sweep", argc, argv, CMD_OUT | CMD_SEED | CMD_SET | CMD_QUIET | CMD_VARY | CMD_REPS,
		       HELP, &o);
	if (rc || o.help)
		goto done;
	if (o.nvary == 0) {
		rc = cmd_usage_error("sweep", "give at least one --vary KEY=A:B[:STEP] or KEY=V1,V2");
		goto done;
	}
	for (; nax < o.nvary; nax++) {
		if ((rc = grid_parse("sweep", o.vary[nax], 1, &ax[nax])) != 0)
			goto done;
		npoints *= ax[nax].n;
		if (npoints > MAX_POINTS) {
			nax++;
			rc = cmd_usage_error("sweep", "more than %d points; vary fewer keys at once", MAX_POINTS);
			goto done;
		}
	}
	cmd_seed_set(&o, seedset, sizeof seedset);
	err_init(&e);
	if (scenario_load(&c, o.scenario, o.sets, o.nsets, &e) < 0) {
		err_print(stderr, &e);
		rc = 2;
		goto done;
	}
	if (o.out)
		snprintf(outdir, sizeof outdir, "%s", o.out);
	else
		snprintf(outdir, sizeof outdir, "out/%s-sweep", c->name);
	cluster_destroy(c);
	rows = ks_calloc((size_t)npoints, sizeof *rows);
	for (int k = rank; k < npoints; k += size) {
		if ((rc = run_point(&o, ax, nax, k, outdir, &rows[k])) != 0)
			break;
		if (tty && rank == 0) {
			double el = difftime(time(NULL), t0), done_k = k / size + 1,
			       total = (npoints + size - 1) / size;

			fprintf(stderr, "\r  sweep: %d/%d points  ETA %.0f s   ", (int)done_k * size, npoints,
				el / done_k * (total - done_k));
		}
	}
	if (tty && rank == 0)
		fprintf(stderr, "\r%*s\r", 60, "");
#ifdef KTSIM_MPI
	{
		/* rows to rank 0, in point order; a failed rank reports rc */
		int any = rc, worst;

		MPI_Allreduce(&any, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
		if (worst) {
			rc = worst;
			goto done;
		}
		for (int k = 0; k < npoints; k++) {
			int owner = k % size, len;

			if (owner == 0)
				continue;
			if (rank == owner) {
				len = (int)strlen(rows[k]) + 1;
				MPI_Send(&len, 1, MPI_INT, 0, 2 * k, MPI_COMM_WORLD);
				MPI_Send(rows[k], len, MPI_CHAR, 0, 2 * k + 1, MPI_COMM_WORLD);
			} else if (rank == 0) {
				MPI_Recv(&len, 1, MPI_INT, owner, 2 * k, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
				rows[k] = ks_malloc((size_t)len);
				MPI_Recv(rows[k], len, MPI_CHAR, owner, 2 * k + 1, MPI_COMM_WORLD,
					 MPI_STATUS_IGNORE);
			}
		}
	}
#endif
	if (rc == 0 && rank == 0) {
		rc = write_tables(outdir, ax, nax, rows, npoints, &o, o.quiet);
		if (rc == 0) {
			/* the sweep's plots, or their data when gnuplot is missing */
			err_init(&e);
			if (plot_sweep_dir(outdir, &e) < 0) {
				fprintf(stderr, "ktsim sweep: ");
				err_print(stderr, &e);
				rc = 1;
			}
		}
		if (rc == 0 && !o.quiet)
			printf("\nresults: %s/sweep.csv (sweep.json, plots/, one directory per point under "
			       "points/)\n",
			       outdir);
	}
done:
	for (int k = 0; rows && k < npoints; k++)
		cJSON_free(rows[k]);
	ks_free(rows);
	for (int a = 0; a < nax; a++)
		grid_axis_fini(&ax[a]);
#ifdef KTSIM_MPI
	MPI_Finalize();
#endif
	return rc;
}
