/* cmd_plan — `ktsim plan`: the smallest replica count that meets a p99
 * latency SLO (and a drop ceiling) at a given peak rate, for each way of
 * exposing the Service, optionally with the worst single node or zone lost.
 *
 * The Service is the scenario's first; its workload the first one its
 * selector picks, placed by the scheduler (it must not be pinned). Each
 * option is a set of overrides: Cluster; Local; Local with preferred pod
 * anti-affinity (weight 100 on the hostname); Local behind a weighted LB.
 * The peak rate is split over the Service's client groups in proportion to
 * their rates. A lost node is the timeline event node_down at time 0 with an
 * eviction timeout of 0, measured after a warm-up long enough for the
 * replacements and the health checks to settle; the worst case over nodes
 * (or zones) counts. Replica counts are scanned upward from the count the
 * raw capacity needs, so the answer is the minimum even where the figures
 * are not monotone in replicas (Local skew can jump with placement). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdarg.h>
#include <cjson/cJSON.h>

#include "cmd_int.h"
#include "ktsim/mem.h"
#include "ktsim/scenario.h"

static const char HELP[] =
	"usage: ktsim plan SCENARIO --rps N --slo-p99-ms X [--max-drop F] [--tolerate none|node|zone]\n"
	"                  [--max-replicas M] [-o DIR] [--seed N] [--set KEY=VALUE]...\n"
	"\n"
	"Find, for each way of exposing the scenario's first Service, the smallest\n"
	"replica count of its workload that keeps the p99 latency at or under X ms\n"
	"and the dropped fraction at or under F at a peak of N requests/s:\n"
	"Cluster; Local; Local + preferred pod anti-affinity; Local + a weighted LB.\n"
	"With --tolerate node (zone) each candidate must also hold with any one node\n"
	"(zone) lost; the worst case counts. Writes DIR/report.md, DIR/report.html\n"
	"(plots inlined), DIR/plan.json and the plots; prints the table.\n"
	"\n"
	"  --rps N            peak rate, split over the Service's client groups\n"
	"  --slo-p99-ms X     p99 latency target (ms)\n"
	"  --max-drop F       largest acceptable dropped fraction (default 0.001)\n"
	"  --tolerate T       none (default), node or zone\n"
	"  --max-replicas M   give up above M replicas (default 4 x the raw-capacity\n"
	"                     count + 2 x the nodes)\n"
	"  -o, --out DIR      output directory (default out/<scenario name>-plan)\n"
	"  --seed N, --set KEY=VALUE   as for run\n"
	"  -h, --help         show this help\n"
	"\n"
	"exit status: 0 a plan was written (options that never meet the SLO are\n"
	"reported as such), 1 a run failed, 2 bad usage or bad scenario\n";

enum { OPT_CLUSTER, OPT_LOCAL, OPT_ANTI, OPT_WEIGHTED, NOPTS };
static const char *const OPT_NAME[NOPTS] = { "Cluster", "Local", "Local + anti-affinity",
	"Local + weighted LB" };

struct eval {
	int replicas;
	double p99, drop, max_over_mean, snat, cross_cost;
	int meets;
	char why[80];          /* the main drop reason */
};

struct plan {
	struct cmd_opts o;
	double rps, slo, max_drop;
	int tolerate, max_replicas;        /* 0 none, 1 node, 2 zone */
	char outdir[4096];
	struct cluster *base;
	int svc, wl;
	struct eval *evals[NOPTS];
	int nevals[NOPTS];
	int best[NOPTS];                   /* replicas found, 0 = none */
	struct eval found[NOPTS];
};

static char *dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dupf(const char *fmt, ...)
{
	va_list ap;
	char buf[8192];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return ks_strdup(buf);
}

/* One run of option opt at r replicas with failure f (-1: none; else a node
 * or zone index). Fills *ev; returns 0 or the exit status of a failure. */
static int evaluate(struct plan *pl, int opt, int r, int f, struct eval *ev)
{
	const struct cluster *b = pl->base;
	char *sets[CMD_MAX_SETS + 32];
	int n = 0, rc;
	double total = 0, warm = b->warmup_s;
	struct cluster *c;
	struct err e;
	struct cmd_result res;
	char dir[4300];

	for (int i = 0; i < pl->o.nsets; i++)
		sets[n++] = ks_strdup(pl->o.sets[i]);
	sets[n++] = dupf("workloads[%d].replicas=%d", pl->wl, r);
	sets[n++] = dupf("services[%d].externalTrafficPolicy=%s", pl->svc,
			 opt == OPT_CLUSTER ? "Cluster" : "Local");
	if (opt == OPT_ANTI)
		sets[n++] = dupf("workloads[%d].podAntiAffinity={\"type\": \"preferred\", \"weight\": 100, "
				 "\"topologyKey\": \"kubernetes.io/hostname\"}", pl->wl);
	if (opt == OPT_WEIGHTED)
		sets[n++] = dupf("services[%d].loadBalancer={\"mode\": \"weighted\"}", pl->svc);
	for (int g = 0; g < b->nclients; g++)
		total += b->clients[g].service == pl->svc ? b->clients[g].rate_per_s : 0;
	for (int g = 0; g < b->nclients; g++)
		if (b->clients[g].service == pl->svc)
			sets[n++] = dupf("clients[%d].arrival.rate_per_s=%.9g", g,
					 pl->rps * b->clients[g].rate_per_s / total);
	if (f >= 0) {
		char tl[8192] = "timeline=[";

		for (int k = 0; k < b->nnodes; k++)
			if ((pl->tolerate == 1 && k == f) || (pl->tolerate == 2 && b->nodes[k].zone == f))
				snprintf(tl + strlen(tl), sizeof tl - strlen(tl),
					 "%s{\"at_s\": 0, \"action\": \"node_down\", \"node\": \"%s\"}",
					 tl[10] ? ", " : "", b->nodes[k].name);
		strcat(tl, "]");
		sets[n++] = ks_strdup(tl);
		sets[n++] = ks_strdup("pod_eviction_timeout_s=0");
		/* let replacements turn Ready and health checks converge */
		if (warm < 60)
			warm = 60;
		sets[n++] = dupf("warmup_s=%g", warm);
		sets[n++] = dupf("duration_s=%g", b->duration_s - b->warmup_s + warm);
	}
	err_init(&e);
	rc = scenario_load(&c, pl->o.scenario, (const char *const *)sets, n, &e);
	for (int i = 0; i < n; i++)
		ks_free(sets[i]);
	if (rc < 0) {
		fprintf(stderr, "ktsim plan: %s at %d replicas: ", OPT_NAME[opt], r);
		err_print(stderr, &e);
		return 2;
	}
	snprintf(dir, sizeof dir, "%s/runs/opt%d-r%d-f%d", pl->outdir, opt, r, f);
	rc = cmd_simulate("plan", c, dir, NULL, 1, &res);
	if (rc == 0) {
		struct svc_summary sum;
		const struct svc_stats *ss = &res.m.svc[pl->svc];

		results_summarize(&res.m, pl->svc, &sum);
		ev->replicas = r;
		ev->p99 = sum.p99_ms;
		ev->drop = sum.drop_fraction;
		ev->max_over_mean = sum.skew.max_over_mean;
		ev->snat = sum.snat_fraction;
		ev->cross_cost = (double)ss->cross_zone_bytes / 1e9 * c->latency.cross_zone_cost_per_gb;
		ev->why[0] = '\0';
		{
			int top = -1;

			for (int r2 = 0; r2 < DROP_NREASONS; r2++)
				if (ss->drops[r2] && (top < 0 || ss->drops[r2] > ss->drops[top]))
					top = r2;
			if (top >= 0)
				snprintf(ev->why, sizeof ev->why, "%s", metrics_drop_name((enum drop_reason)top));
		}
		/* pods the scheduler could not place count as a failure */
		for (int w = 0; w < c->nworkloads; w++)
			if (c->workloads[w].pending)
				ev->drop = fmax(ev->drop, 1e-9 + pl->max_drop);
		cmd_result_fini(&res);
	}
	cluster_destroy(c);
	return rc;
}

/* The worst case of option opt at r replicas over the tolerated failures. */
static int worst(struct plan *pl, int opt, int r, struct eval *ev)
{
	int nf = pl->tolerate == 0 ? 0 : pl->tolerate == 1 ? pl->base->nnodes : pl->base->nzones, rc;

	if ((rc = evaluate(pl, opt, r, -1, ev)) != 0)
		return rc;
	for (int f = 0; f < nf; f++) {
		struct eval x;

		if ((rc = evaluate(pl, opt, r, f, &x)) != 0)
			return rc;
		if (x.p99 > ev->p99 || x.drop > ev->drop)
			*ev = x;
	}
	ev->meets = ev->p99 <= pl->slo && ev->drop <= pl->max_drop;
	return 0;
}

/* Write a two-column-per-option data file and a gnuplot script, render. */
static void plot(const struct plan *pl, const char *name, const char *title, const char *ylabel,
		 int field, double hline)
{
	char path[4400];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.dat", pl->outdir, name);
	if ((f = fopen(path, "w")) == NULL)
		return;
	fprintf(f, "# replicas then %s per option: %s | %s | %s | %s\n", ylabel, OPT_NAME[0],
		OPT_NAME[1], OPT_NAME[2], OPT_NAME[3]);
	for (int o = 0; o < NOPTS; o++) {
		for (int i = 0; i < pl->nevals[o]; i++) {
			const struct eval *e = &pl->evals[o][i];

			fprintf(f, "%d %g\n", e->replicas,
				field == 0 ? e->p99 : e->max_over_mean);
		}
		fprintf(f, "\n\n");
	}
	fclose(f);
	snprintf(path, sizeof path, "%s/%s.gp", pl->outdir, name);
	if ((f = fopen(path, "w")) == NULL)
		return;
	fprintf(f, "set terminal pngcairo size 1280,720 font 'sans,14'\nset output '%s.png'\n"
		   "set title '%s'\nset xlabel 'replicas'\nset ylabel '%s'\nset grid\n"
		   "set key top right\nset style data linespoints\n", name, title, ylabel);
	if (hline > 0)
		fprintf(f, "set arrow from graph 0, first %g to graph 1, first %g nohead dt 2 lw 2 lc rgb '#c00000'\n"
			   "set label 'SLO %g ms' at graph 0.02, first %g offset 0,0.6 tc rgb '#c00000'\n",
			hline, hline, hline, hline);
	fprintf(f, "plot");
	for (int o = 0; o < NOPTS; o++)
		fprintf(f, "%s '%s.dat' index %d using 1:2 lw 2 pt 7 title '%s'", o ? "," : "", name, o,
			OPT_NAME[o]);
	fprintf(f, "\n");
	fclose(f);
	{
		pid_t pid = fork();

		if (pid == 0) {
			if (chdir(pl->outdir) == 0) {
				char gp[300];

				snprintf(gp, sizeof gp, "%s.gp", name);
				if (freopen("/dev/null", "w", stderr) == NULL)
					_exit(127);
				execlp("gnuplot", "gnuplot", gp, (char *)NULL);
			}
			_exit(127);
		} else if (pid > 0) {
			int st;

			waitpid(pid, &st, 0);
		}
	}
}

/* base64 of a file, for images inlined in the HTML report. */
static void b64_file(FILE *out, const char *path)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	FILE *f = fopen(path, "rb");
	unsigned char b[3];
	size_t n;

	if (f == NULL)
		return;
	while ((n = fread(b, 1, 3, f)) > 0) {
		unsigned v = (unsigned)b[0] << 16 | (n > 1 ? (unsigned)b[1] << 8 : 0) | (n > 2 ? b[2] : 0);

		fputc(t[v >> 18 & 63], out);
		fputc(t[v >> 12 & 63], out);
		fputc(n > 1 ? t[v >> 6 & 63] : '=', out);
		fputc(n > 2 ? t[v & 63] : '=', out);
	}
	fclose(f);
}

static int write_json(const struct plan *pl)
{
	cJSON *root = cJSON_CreateObject(), *opts = cJSON_AddArrayToObject(root, "options");
	char *text;
	struct err e;
	int rc;

	cJSON_AddStringToObject(root, "scenario", pl->o.scenario);
	cJSON_AddNumberToObject(root, "rps", pl->rps);
	cJSON_AddNumberToObject(root, "slo_p99_ms", pl->slo);
	cJSON_AddNumberToObject(root, "max_drop", pl->max_drop);
	cJSON_AddStringToObject(root, "tolerate", pl->tolerate == 0 ? "none" : pl->tolerate == 1 ? "node" : "zone");
	for (int o = 0; o < NOPTS; o++) {
		cJSON *x = cJSON_CreateObject(), *tried = cJSON_AddArrayToObject(x, "tried");

		cJSON_AddStringToObject(x, "option", OPT_NAME[o]);
		cJSON_AddNumberToObject(x, "replicas", pl->best[o]);
		for (int i = 0; i < pl->nevals[o]; i++) {
			const struct eval *ev = &pl->evals[o][i];
			cJSON *t = cJSON_CreateObject();

			cJSON_AddNumberToObject(t, "replicas", ev->replicas);
			cJSON_AddNumberToObject(t, "p99_ms", ev->p99);
			cJSON_AddNumberToObject(t, "drop_fraction", ev->drop);
			cJSON_AddNumberToObject(t, "max_over_mean", ev->max_over_mean);
			cJSON_AddNumberToObject(t, "snat_fraction", ev->snat);
			cJSON_AddNumberToObject(t, "cross_zone_cost", ev->cross_cost);
			cJSON_AddBoolToObject(t, "meets", ev->meets);
			cJSON_AddItemToArray(tried, t);
		}
		cJSON_AddItemToArray(opts, x);
	}
	text = cJSON_Print(root);
	err_init(&e);
	rc = results_write_file(pl->outdir, "plan.json", text, strlen(text), &e);
	if (rc < 0) {
		fprintf(stderr, "ktsim plan: ");
		err_print(stderr, &e);
	}
	cJSON_free(text);
	cJSON_Delete(root);
	return rc < 0 ? 1 : 0;
}

/* Why option o never met the SLO, from its last try. */
static const char *unmet(const struct plan *pl, int o)
{
	static char buf[160];
	const struct eval *e = &pl->evals[o][pl->nevals[o] - 1];

	if (e->drop > pl->max_drop)
		snprintf(buf, sizeof buf, "%.1f%% dropped, mostly %s", 100 * e->drop, e->why);
	else
		snprintf(buf, sizeof buf, "p99 %.3g ms", e->p99);
	return buf;
}

static int recommend(const struct plan *pl)
{
	int best = -1;

	/* fewest replicas; on a tie keep the client IP (a Local option) and
	 * the lower skew */
	for (int o = 0; o < NOPTS; o++) {
		if (!pl->best[o])
			continue;
		if (best < 0 || pl->best[o] < pl->best[best] ||
		    (pl->best[o] == pl->best[best] &&
		     ((best == OPT_CLUSTER && o != OPT_CLUSTER) ||
		      pl->found[o].max_over_mean < pl->found[best].max_over_mean)))
			best = o;
	}
	return best;
}

static void report(const struct plan *pl)
{
	char path[4400];
	const char *tol[] = { "none", "any one node", "any one zone" };
	int rec = recommend(pl);
	FILE *f;

	for (int html = 0; html < 2; html++) {
		snprintf(path, sizeof path, "%s/report.%s", pl->outdir, html ? "html" : "md");
		if ((f = fopen(path, "w")) == NULL)
			continue;
		if (html)
			fprintf(f, "<!doctype html><meta charset=utf-8><title>ktsim plan</title>"
				   "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
				   "td,th{padding:.2em .8em;text-align:right}</style>\n<h1>Capacity plan: %s</h1>\n<p>",
				pl->base->name);
		else
			fprintf(f, "# Capacity plan: %s\n\n", pl->base->name);
		fprintf(f, "**Question.** How many replicas of `%s` does Service `%s` need to serve "
			   "%g requests/s with p99 latency at most %g ms and at most %.3g%% of flows dropped, "
			   "tolerating the loss of %s?\n\n",
			pl->base->workloads[pl->wl].name, pl->base->services[pl->svc].name, pl->rps, pl->slo,
			100 * pl->max_drop, tol[pl->tolerate]);
		fprintf(f, "%s**Assumptions.** Scenario `%s` (%s): %d nodes in %d zones; per pod %d workers, "
			   "queue %d, mean service time %g ms; proxy %s; seed %llu; %g s simulated after "
			   "%g s warm-up per run; the rate split over %d client group(s) as in the scenario.\n\n",
			html ? "<p>" : "", pl->o.scenario, pl->base->description, pl->base->nnodes,
			pl->base->nzones, pl->base->workloads[pl->wl].server.concurrency,
			pl->base->workloads[pl->wl].server.queue_limit,
			pl->base->workloads[pl->wl].server.service_ms.mean,
			cluster_proxy_name(pl->base->proxy.mode), (unsigned long long)pl->base->seed,
			pl->base->duration_s - pl->base->warmup_s, pl->base->warmup_s, pl->base->nclients);
		if (html)
			fprintf(f, "<table><tr><th>option<th>replicas<th>p99 ms<th>dropped<th>max/mean<th>SNAT<th>cross-zone $\n");
		else
			fprintf(f, "| option | replicas | p99 ms | dropped | max/mean | SNAT | cross-zone $ |\n"
				   "|---|---|---|---|---|---|---|\n");
		for (int o = 0; o < NOPTS; o++) {
			const struct eval *e = &pl->found[o];

			if (!pl->best[o])
				fprintf(f, html ? "<tr><td>%s<td colspan=6>not met up to %d replicas (%s)\n"
						: "| %s | not met up to %d (%s) | | | | | |\n",
					OPT_NAME[o], pl->evals[o][pl->nevals[o] - 1].replicas, unmet(pl, o));
			else
				fprintf(f, html ? "<tr><td>%s<td>%d<td>%.3g<td>%.3f%%<td>%.2f<td>%.0f%%<td>%.4g\n"
						: "| %s | %d | %.3g | %.3f%% | %.2f | %.0f%% | %.4g |\n",
					OPT_NAME[o], pl->best[o], e->p99, 100 * e->drop, e->max_over_mean,
					100 * e->snat, e->cross_cost);
		}
		if (html)
			fprintf(f, "</table>\n<p>");
		else
			fprintf(f, "\n");
		if (rec < 0)
			fprintf(f, "**Recommendation.** No option meets the SLO within %d replicas: relax the "
				   "target, add nodes or make each pod faster (see why in the table).\n\n",
				pl->max_replicas);
		else
			fprintf(f, "**Recommendation.** Use %s with %d replicas: it is the fewest that meets "
				   "p99 %.3g ms ≤ %g ms with %.3f%% dropped%s. %s\n\n", OPT_NAME[rec], pl->best[rec],
				pl->found[rec].p99, pl->slo, 100 * pl->found[rec].drop,
				pl->tolerate ? " in the worst failure case" : "",
				rec == OPT_CLUSTER ? "Cluster masquerades every flow: pods do not see client IPs, "
						     "and half or more of the flows take a second hop."
						   : "Local keeps client IPs and avoids the second hop; its load "
						     "follows how pods sit on nodes (see max/mean).");
		if (html) {
			const char *imgs[] = { "p99.png", "skew.png" };

			for (int i = 0; i < 2; i++) {
				snprintf(path, sizeof path, "%s/%s", pl->outdir, imgs[i]);
				fprintf(f, "<p><img alt='%s' style='max-width:100%%' src='data:image/png;base64,", imgs[i]);
				b64_file(f, path);
				fprintf(f, "'>\n");
			}
		} else {
			fprintf(f, "![p99 latency against replicas](p99.png)\n\n![skew against replicas](skew.png)\n");
		}
		fclose(f);
	}
}

int cmd_plan(int argc, char **argv)
{
	struct plan pl = { .max_drop = 0.001 };
	char seedset[64], **rest = ks_calloc((size_t)argc + 1, sizeof *rest);
	int nrest = 0, rc = 0;
	struct err e;

	/* plan's own options first; the rest go to the common parser */
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		double *dst = strcmp(a, "--rps") == 0 ? &pl.rps : strcmp(a, "--slo-p99-ms") == 0 ? &pl.slo
			    : strcmp(a, "--max-drop") == 0 ? &pl.max_drop : NULL;

		if (dst || strcmp(a, "--tolerate") == 0 || strcmp(a, "--max-replicas") == 0) {
			char *end;

			if (i + 1 >= argc) {
				rc = cmd_usage_error("plan", "option %s needs a value", a);
				goto out;
			}
			if (strcmp(a, "--tolerate") == 0) {
				const char *v = argv[++i];

				pl.tolerate = strcmp(v, "none") == 0 ? 0 : strcmp(v, "node") == 0 ? 1
					    : strcmp(v, "zone") == 0 ? 2 : -1;
				if (pl.tolerate < 0) {
					rc = cmd_usage_error("plan", "--tolerate expects none, node or zone, got '%s'", v);
					goto out;
				}
				continue;
			}
			if (strcmp(a, "--max-replicas") == 0) {
				pl.max_replicas = (int)strtol(argv[++i], &end, 10);
				if (*end || pl.max_replicas < 1) {
					rc = cmd_usage_error("plan", "--max-replicas expects a positive integer");
					goto out;
				}
				continue;
			}
			*dst = strtod(argv[++i], &end);
			if (*end || !(*dst > 0) || (dst == &pl.max_drop && *dst > 1)) {
				rc = cmd_usage_error("plan", "%s expects a positive number%s, got '%s'", a,
						     dst == &pl.max_drop ? " up to 1" : "", argv[i]);
				goto out;
			}
			continue;
		}
		rest[nrest++] = argv[i];
	}
	rc = cmd_parse("plan", nrest, rest, CMD_OUT | CMD_SEED | CMD_SET, HELP, &pl.o);
	if (rc || pl.o.help)
		goto out;
	if (pl.rps <= 0 || pl.slo <= 0) {
		rc = cmd_usage_error("plan", "--rps and --slo-p99-ms are required");
		goto out;
	}
	cmd_seed_set(&pl.o, seedset, sizeof seedset);
	err_init(&e);
	if (scenario_load(&pl.base, pl.o.scenario, pl.o.sets, pl.o.nsets, &e) < 0) {
		err_print(stderr, &e);
		rc = 2;
		goto out;
	}
	pl.wl = -1;
	for (int w = 0; w < pl.base->nworkloads && pl.wl < 0; w++)
		if (pl.base->services[0].selector.n &&
		    labels_match(&pl.base->services[0].selector, &pl.base->workloads[w].labels))
			pl.wl = w;
	if (pl.wl < 0 || pl.base->workloads[pl.wl].pin || pl.base->workloads[pl.wl].kind != WL_DEPLOYMENT) {
		fprintf(stderr, "ktsim plan: %s: the first Service's workload must be a Deployment placed by "
				"the scheduler (not pinned)\n", pl.o.scenario);
		rc = 2;
		goto out;
	}
	if (pl.o.out)
		snprintf(pl.outdir, sizeof pl.outdir, "%s", pl.o.out);
	else
		snprintf(pl.outdir, sizeof pl.outdir, "out/%s-plan", pl.base->name);
	{
		/* start where raw capacity would suffice: rate x mean service / workers */
		const struct workload *wl = &pl.base->workloads[pl.wl];
		int r0 = (int)floor(pl.rps * wl->server.service_ms.mean * 1e-3 / wl->server.concurrency);

		if (r0 < 1)
			r0 = 1;
		/* enough room for skew and a lost node, unless the user says */
		if (pl.max_replicas == 0)
			pl.max_replicas = 4 * r0 + 2 * pl.base->nnodes;
		for (int o = 0; o < NOPTS && rc == 0; o++) {
			pl.evals[o] = ks_calloc((size_t)pl.max_replicas + 2, sizeof **pl.evals);
			for (int r = r0; r <= pl.max_replicas && rc == 0; r++) {
				struct eval *ev = &pl.evals[o][pl.nevals[o]++];

				rc = worst(&pl, o, r, ev);
				if (rc == 0 && ev->meets) {
					pl.best[o] = r;
					pl.found[o] = *ev;
					break;
				}
			}
		}
	}
	if (rc == 0) {
		plot(&pl, "p99", "p99 latency against replicas, per option", "p99 latency (ms)", 0, pl.slo);
		plot(&pl, "skew", "Load skew against replicas, per option", "max/mean of per-pod flows", 1, 0);
		report(&pl);
		rc = write_json(&pl);
		printf("\n%-24s %9s %9s %9s %9s %6s\n", "OPTION", "REPLICAS", "P99 MS", "DROPPED", "MAX/MEAN", "SNAT");
		for (int o = 0; o < NOPTS; o++)
			if (pl.best[o])
				printf("%-24s %9d %9.3g %8.3f%% %9.2f %5.0f%%\n", OPT_NAME[o], pl.best[o],
				       pl.found[o].p99, 100 * pl.found[o].drop, pl.found[o].max_over_mean,
				       100 * pl.found[o].snat);
			else
				printf("%-24s %9s  (%s)\n", OPT_NAME[o], "not met", unmet(&pl, o));
		printf("\nrecommended: %s\nreport: %s/report.md (report.html, plan.json)\n",
		       recommend(&pl) >= 0 ? OPT_NAME[recommend(&pl)] : "none", pl.outdir);
	}
out:
	for (int o = 0; o < NOPTS; o++)
		ks_free(pl.evals[o]);
	cluster_destroy(pl.base);
	ks_free(rest);
	return rc;
}
