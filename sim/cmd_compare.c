/* cmd_compare — `ktsim compare`: run every combination of the --vary values
 * with the same seed, side by side.
 *
 * Each variant is the scenario with its assignments applied as `--set`
 * overrides (so a variant is validated exactly like a file), run into
 * DIR/vN_<values>/ with the usual results files. The comparison itself is
 * built once as a cJSON tree (comparison.json) and the CSV and the table are
 * read back from it, so the three never disagree. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "cmd_int.h"
#include "grid_int.h"
#include "ktsim/mem.h"
#include "ktsim/plot.h"
#include "ktsim/results.h"
#include "ktsim/scenario.h"

#define MAX_VARIANTS 1000

static const char HELP[] =
	"usage: ktsim compare SCENARIO --vary KEY=V1,V2[,...] [--vary ...] [-o DIR]\n"
	"                     [--seed N] [--set KEY=VALUE]... [-q]\n"
	"\n"
	"Run SCENARIO once for every combination of the --vary values, all with the\n"
	"same seed, and show them side by side: per-pod shares, max/mean, Jain,\n"
	"Gini, SNAT fraction, drop fraction and p99 latency per Service.\n"
	"\n"
	"  --vary KEY=V1,V2   a scenario key path and the values to try, e.g.\n"
	"                       --vary services[0].externalTrafficPolicy=Cluster,Local\n"
	"                       --vary workloads[0].podAntiAffinity.type=none,preferred,required\n"
	"                     values are JSON when they parse as JSON, else strings;\n"
	"                     commas inside [...], {...} or \"...\" do not split\n"
	"  -o, --out DIR      output directory (default out/<scenario name>-compare):\n"
	"                     comparison.json, comparison.csv and one run per variant\n"
	"  --seed N           random seed for every variant\n"
	"  --set KEY=VALUE    override a scenario value in every variant\n"
	"  --replications R   run each variant R times and merge\n"
	"  -q, --quiet        no table\n"
	"  -h, --help         show this help\n"
	"\n"
	"exit status: 0 ok, 1 a run failed, 2 bad usage or a bad variant,\n"
	"130/143 interrupted\n";

static cJSON *num(cJSON *o, const char *k, double v)
{
	return cJSON_AddNumberToObject(o, k, v);
}

/* The comparison row of every Service of one finished run. */
static cJSON *services_row(const struct cluster *c, const struct metrics *m)
{
	cJSON *arr = cJSON_CreateArray();
	int pending = 0;

	for (int w = 0; w < c->nworkloads; w++)
		pending += c->workloads[w].pending;
	for (int s = 0; s < c->nservices; s++) {
		const struct svc_stats *ss = &m->svc[s];
		struct svc_summary sum;
		cJSON *o = cJSON_CreateObject(), *pods;

		results_summarize(m, s, &sum);
		cJSON_AddStringToObject(o, "name", c->services[s].name);
		cJSON_AddStringToObject(o, "externalTrafficPolicy", cluster_policy_name(c->services[s].etp));
		num(o, "pods", sum.skew.pods);
		num(o, "pending", pending);
		num(o, "max_over_mean", sum.skew.max_over_mean);
		num(o, "jain", sum.skew.jain);
		num(o, "gini", sum.skew.gini);
		num(o, "cv", sum.skew.cv);
		num(o, "snat_fraction", sum.snat_fraction);
		num(o, "drop_fraction", sum.drop_fraction);
		num(o, "second_hop_fraction", sum.second_hop_fraction);
		num(o, "p99_ms", sum.p99_ms);
		pods = cJSON_AddArrayToObject(o, "pod_shares");
		for (int i = 0; i < ss->neps; i++) {
			const struct pod *p = &c->pods[c->services[s].eps[i]];
			cJSON *po;

			if (!ss->eps[i].ever)
				continue;
			po = cJSON_CreateObject();
			cJSON_AddStringToObject(po, "name", p->name);
			cJSON_AddStringToObject(po, "node", c->nodes[m->pod_node[c->services[s].eps[i]]].name);
			num(po, "share", ss->routed ? (double)ss->eps[i].flows / (double)ss->routed : 0);
			num(po, "expected_share", ss->expected_share[i]);
			cJSON_AddItemToArray(pods, po);
		}
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static char *comparison_csv(const cJSON *root, const struct grid_axis *ax, int nax, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	const cJSON *v, *sv, *p;

	fputs("variant", f);
	for (int a = 0; a < nax; a++) {
		fputc(',', f);
		grid_csv_field(f, ax[a].key);
	}
	fputs(",service,externalTrafficPolicy,pods,pending,max_over_mean,jain,gini,cv,"
	      "snat_fraction,drop_fraction,second_hop_fraction,p99_ms,pod_shares\n", f);
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(root, "variants")) {
		cJSON_ArrayForEach(sv, cJSON_GetObjectItemCaseSensitive(v, "services")) {
			const char *sep = "";

			grid_csv_field(f, grid_str(v, "name"));
			cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(v, "settings")) {
				fputc(',', f);
				grid_csv_field(f, p->valuestring);
			}
			fputc(',', f);
			grid_csv_field(f, grid_str(sv, "name"));
			fprintf(f, ",%s,%g,%g,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.4f,\"",
				grid_str(sv, "externalTrafficPolicy"), grid_num(sv, "pods"),
				grid_num(sv, "pending"), grid_num(sv, "max_over_mean"), grid_num(sv, "jain"),
				grid_num(sv, "gini"), grid_num(sv, "cv"), grid_num(sv, "snat_fraction"),
				grid_num(sv, "drop_fraction"), grid_num(sv, "second_hop_fraction"),
				grid_num(sv, "p99_ms"));
			cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(sv, "pod_shares")) {
				fprintf(f, "%s%s@%s=%.6f", sep, grid_str(p, "name"), grid_str(p, "node"),
					grid_num(p, "share"));
				sep = ";";
			}
			fputs("\"\n", f);
		}
	}
	fclose(f);
	return buf;
}

/* The figures of the comparison table: fmt 0 fraction as %, 1 three
 * decimals, 2 three significant digits. */
static const struct { const char *key, *label; int fmt; } ROWS[] = {
	{ "max_over_mean", "max/mean", 1 }, { "jain", "jain", 1 }, { "gini", "gini", 1 },
	{ "snat_fraction", "SNAT", 0 }, { "drop_fraction", "dropped", 0 },
	{ "second_hop_fraction", "2nd hop", 0 }, { "p99_ms", "p99 ms", 2 },
	{ "pending", "pending pods", 2 },
};

/* Service s of variant v. */
static const cJSON *svc_of(const cJSON *v, int s)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(v, "services"), s);
}

/* Pod i of Service s of variant v, or NULL. */
static const cJSON *pod_of(const cJSON *v, int s, int i)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(svc_of(v, s), "pod_shares"), i);
}

/* Service s's block: a row per figure and per pod, a column per variant. */
static void print_block(const cJSON *vars, int s, int w)
{
	const cJSON *v;
	int maxpods = 0;

	printf("\nservice %s\n  %-16s", grid_str(svc_of(cJSON_GetArrayItem(vars, 0), s), "name"), "");
	cJSON_ArrayForEach(v, vars)
		printf("  %*.*s", w, w, grid_str(v, "label"));
	putchar('\n');
	for (size_t r = 0; r < sizeof ROWS / sizeof ROWS[0]; r++) {
		printf("  %-16s", ROWS[r].label);
		cJSON_ArrayForEach(v, vars) {
			double x = grid_num(svc_of(v, s), ROWS[r].key);

			if (ROWS[r].fmt == 0)
				printf("  %*.1f%%", w - 1, 100 * x);
			else if (ROWS[r].fmt == 1)
				printf("  %*.3f", w, x);
			else
				printf("  %*.3g", w, x);
		}
		putchar('\n');
	}
	cJSON_ArrayForEach(v, vars) {
		int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(svc_of(v, s), "pod_shares"));

		maxpods = n > maxpods ? n : maxpods;
	}
	printf("  pod: share @ node\n");
	for (int i = 0; i < maxpods && i < 60; i++) {
		const char *name = "";

		/* Pod names agree across variants: <workload>-<ordinal>. */
		cJSON_ArrayForEach(v, vars) {
			const cJSON *p = pod_of(v, s, i);

			if (p && !name[0])
				name = grid_str(p, "name");
		}
		printf("  %-16.16s", name);
		cJSON_ArrayForEach(v, vars) {
			const cJSON *p = pod_of(v, s, i);
			char cell[64];

			if (p)
				snprintf(cell, sizeof cell, "%.1f%% @%s", 100 * grid_num(p, "share"), grid_str(p, "node"));
			else
				snprintf(cell, sizeof cell, "-");
			printf("  %*.*s", w, w, cell);
		}
		putchar('\n');
	}
}

/* How much figure `key` of Service s differs between the variants. */
static double spread(const cJSON *vars, int s, const char *key)
{
	double lo = INFINITY, hi = -INFINITY;
	const cJSON *v;

	cJSON_ArrayForEach(v, vars) {
		double x = grid_num(svc_of(v, s), key);

		lo = fmin(lo, x);
		hi = fmax(hi, x);
	}
	return hi - lo;
}

/* Past RESULTS_SERVICES_MAX Services: a line per Service with max/mean,
 * dropped and p99 under each variant, then the blocks of the
 * RESULTS_SERVICES_DETAIL Services whose max/mean and of those whose drop
 * fraction differ most between the variants (in scenario order). */
static void print_overview(const cJSON *vars, int nsvc, int w)
{
	int *pick = ks_calloc((size_t)nsvc + 1, sizeof *pick), nw = 7, ndrop, cw = w < 24 ? 24 : w;
	double *dskew = ks_calloc((size_t)nsvc + 1, sizeof *dskew);
	double *ddrop = ks_calloc((size_t)nsvc + 1, sizeof *ddrop);
	const cJSON *v;

	for (int s = 0; s < nsvc; s++) {
		int n = (int)strlen(grid_str(svc_of(cJSON_GetArrayItem(vars, 0), s), "name"));

		nw = n > nw ? n : nw;
	}
	printf("\n%d Services (each in full: comparison.json, comparison.csv); per variant max/mean, "
	       "dropped, p99 ms\n\n  %-*s", nsvc, nw, "SERVICE");
	cJSON_ArrayForEach(v, vars)
		printf("  %*.*s", cw, cw, grid_str(v, "label"));
	putchar('\n');
	for (int s = 0; s < nsvc; s++) {
		printf("  %-*s", nw, grid_str(svc_of(cJSON_GetArrayItem(vars, 0), s), "name"));
		cJSON_ArrayForEach(v, vars) {
			const cJSON *sv = svc_of(v, s);
			char cell[96];

			snprintf(cell, sizeof cell, "%.3f %6.2f%% %8.3g", grid_num(sv, "max_over_mean"),
				 100 * grid_num(sv, "drop_fraction"), grid_num(sv, "p99_ms"));
			printf("  %*s", cw, cell);
		}
		putchar('\n');
	}
	for (int s = 0; s < nsvc; s++) {
		dskew[s] = spread(vars, s, "max_over_mean");
		ddrop[s] = spread(vars, s, "drop_fraction");
	}
	ndrop = results_pick_top(dskew, ddrop, nsvc, RESULTS_SERVICES_DETAIL, pick);
	printf("\nin detail: the %d Services whose max/mean differs most between the variants",
	       RESULTS_SERVICES_DETAIL);
	if (ndrop)
		printf(" and the %d whose drops differ most\n", ndrop);
	else
		printf("; no drops differ\n");
	for (int s = 0; s < nsvc; s++)
		if (pick[s])
			print_block(vars, s, w);
	ks_free(ddrop);
	ks_free(dskew);
	ks_free(pick);
}

/* The side-by-side table: one block per Service, one column per variant. */
static void print_table(const cJSON *root, int nvar)
{
	const cJSON *vars = cJSON_GetObjectItemCaseSensitive(root, "variants");
	int nsvc = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(vars, 0), "services"));
	const cJSON *v0;
	int w = 16;

	cJSON_ArrayForEach(v0, vars) {
		int n = (int)strlen(grid_str(v0, "label"));

		w = n > w ? n : w;
	}

	printf("\n%s  (seed %g)  %d variant%s\n", grid_str(cJSON_GetObjectItemCaseSensitive(root, "scenario"), "name"),
	       grid_num(root, "seed"), nvar, nvar == 1 ? "" : "s");
	if (nsvc > RESULTS_SERVICES_MAX) {
		print_overview(vars, nsvc, w);
		return;
	}
	for (int s = 0; s < nsvc; s++)
		print_block(vars, s, w);
}

int cmd_compare(int argc, char **argv)
{
	struct cmd_opts o;
	struct grid_axis ax[CMD_MAX_VARY];
	char outdir[4096], seedset[64];
	cJSON *root = NULL, *vars, *arr;
	int rc, nvar = 1, nax = 0;

	rc = cmd_parse("compare", argc, argv, CMD_OUT | CMD_SEED | CMD_SET | CMD_QUIET | CMD_VARY | CMD_REPS,
		       HELP, &o);
	if (rc || o.help)
		return rc;
	if (o.nvary == 0)
		return cmd_usage_error("compare", "give at least one --vary KEY=V1,V2");
	for (; nax < o.nvary; nax++) {
		if ((rc = grid_parse("compare", o.vary[nax], 0, &ax[nax])) != 0)
			goto out;
		nvar *= ax[nax].n;
		if (nvar > MAX_VARIANTS) {
			rc = cmd_usage_error("compare", "more than %d variants; vary fewer keys at once",
					     MAX_VARIANTS);
			nax++;
			goto out;
		}
	}
	cmd_seed_set(&o, seedset, sizeof seedset);
	root = cJSON_CreateObject();
	vars = cJSON_CreateArray();
	for (int v = 0; v < nvar; v++) {
		const char *sets[CMD_MAX_SETS + CMD_MAX_VARY];
		char *assign[CMD_MAX_VARY], label[256] = "", dirname[300], dir[4400];
		struct cluster *c;
		struct cmd_result res;
		struct err e;
		cJSON *row, *settings;
		int k = v, nsets = 0;

		for (int i = 0; i < o.nsets; i++)
			sets[nsets++] = o.sets[i];
		row = cJSON_CreateObject();
		settings = cJSON_CreateObject();
		snprintf(dirname, sizeof dirname, "v%d", v + 1);
		/* The first --vary changes slowest, as in nested loops. */
		for (int a = 0; a < nax; a++) {
			int idx = grid_index(ax, nax, a, k);
			char clean[64];

			assign[a] = ks_malloc(strlen(ax[a].key) + strlen(ax[a].values[idx]) + 2);
			sprintf(assign[a], "%s=%s", ax[a].key, ax[a].values[idx]);
			sets[nsets++] = assign[a];
			cJSON_AddStringToObject(settings, ax[a].key, ax[a].values[idx]);
			snprintf(label + strlen(label), sizeof label - strlen(label), "%s%s", a ? "/" : "",
				 ax[a].values[idx]);
			grid_sanitize(clean, sizeof clean, ax[a].values[idx]);
			snprintf(dirname + strlen(dirname), sizeof dirname - strlen(dirname), "_%s", clean);
		}
		err_init(&e);
		rc = scenario_load(&c, o.scenario, sets, nsets, &e);
		for (int a = 0; a < nax; a++)
			ks_free(assign[a]);
		if (rc < 0) {
			fprintf(stderr, "ktsim compare: variant %s: ", label);
			err_print(stderr, &e);
			cJSON_Delete(row);
			cJSON_Delete(settings);
			cJSON_Delete(vars);
			rc = 2;
			goto out;
		}
		if (v == 0) {
			cJSON *sc = cJSON_AddObjectToObject(root, "scenario");

			cJSON_AddStringToObject(sc, "name", c->name);
			cJSON_AddStringToObject(sc, "description", c->description);
			num(root, "seed", (double)c->seed);
			arr = cJSON_AddArrayToObject(root, "vary");
			for (int a = 0; a < nax; a++) {
				cJSON *vo = cJSON_CreateObject(), *vals = cJSON_AddArrayToObject(vo, "values");

				cJSON_AddStringToObject(vo, "key", ax[a].key);
				for (int i = 0; i < ax[a].n; i++)
					cJSON_AddItemToArray(vals, cJSON_CreateString(ax[a].values[i]));
				cJSON_AddItemToArray(arr, vo);
			}
			if (o.out)
				snprintf(outdir, sizeof outdir, "%s", o.out);
			else
				snprintf(outdir, sizeof outdir, "out/%s-compare", c->name);
		}
		snprintf(dir, sizeof dir, "%s/%s", outdir, dirname);
		rc = cmd_simulate("compare", c, dir, label, o.replications, &res);
		if (rc != 0) {
			cluster_destroy(c);
			cJSON_Delete(row);
			cJSON_Delete(settings);
			cJSON_Delete(vars);
			goto out;
		}
		cJSON_AddStringToObject(row, "name", dirname);
		cJSON_AddStringToObject(row, "label", label);
		cJSON_AddItemToObject(row, "settings", settings);
		cJSON_AddStringToObject(row, "dir", dirname);
		cJSON_AddItemToObject(row, "services", services_row(c, &res.m));
		cJSON_AddItemToArray(vars, row);
		cmd_result_fini(&res);
		cluster_destroy(c);
	}
	cJSON_AddItemToObject(root, "variants", vars);
	{
		struct err e;
		char *json = cJSON_Print(root), *csv;
		size_t csvlen, jlen = strlen(json);

		err_init(&e);
		csv = comparison_csv(root, ax, nax, &csvlen);
		json = ks_realloc(json, jlen + 2, 1);
		json[jlen++] = '\n';
		rc = results_write_file(outdir, "comparison.csv", csv, csvlen, &e) < 0 ||
		     results_write_file(outdir, "comparison.json", json, jlen, &e) < 0;
		free(csv);
		cJSON_free(json);
		if (rc) {
			fprintf(stderr, "ktsim compare: ");
			err_print(stderr, &e);
			goto out;
		}
	}
	{
		struct err e;

		/* the comparison's plots, or their data when gnuplot is missing */
		err_init(&e);
		if (plot_compare_dir(outdir, &e) < 0) {
			fprintf(stderr, "ktsim compare: ");
			err_print(stderr, &e);
			rc = 1;
			goto out;
		}
	}
	if (!o.quiet) {
		print_table(root, nvar);
		printf("\nresults: %s/comparison.json (comparison.csv, one directory per variant)\n", outdir);
	}
out:
	cJSON_Delete(root);
	for (int a = 0; a < nax; a++)
		grid_axis_fini(&ax[a]);
	return rc;
}
