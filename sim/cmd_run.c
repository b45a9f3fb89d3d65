/* cmd_run — `ktsim run`: simulate a scenario and write its results.
 *
 * SIGINT/SIGTERM set a flag that the run checks between slices, so an
 * interrupted run stops promptly, writes nothing (results are only written
 * whole, see results.h) and exits 130/143. A progress bar goes to stderr
 * when it is a terminal and the run takes more than half a second. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_int.h"
#include "ktsim/results.h"
#include "ktsim/scenario.h"
#include "ktsim/sim.h"

static const char HELP[] =
	"usage: ktsim run SCENARIO [-o DIR] [--seed N] [--set KEY=VALUE]... [-q]\n"
	"\n"
	"Simulate SCENARIO and write DIR/results.json, DIR/pods.csv and DIR/nodes.csv;\n"
	"print a summary table (per-pod share against the expected share, hops,\n"
	"SNAT, drops, latency, skew) on stdout.\n"
	"\n"
	"  -o, --out DIR      output directory (default out/<scenario name>)\n"
	"  --seed N           random seed (default: the scenario's \"seed\", else 1)\n"
	"  --set KEY=VALUE    override a scenario value by key path before validation,\n"
	"                     e.g. --set services[0].externalTrafficPolicy=Local\n"
	"                          --set clients[0].arrival.rate_per_s=5000\n"
	"                     VALUE is JSON when it parses as JSON, else a string\n"
	"  -q, --quiet        no summary table\n"
	"  -h, --help         show this help\n"
	"\n"
	"exit status: 0 ok, 1 run failed (e.g. output not writable),\n"
	"2 bad usage or bad scenario, 130/143 interrupted by SIGINT/SIGTERM\n";

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

struct progress {
	double t0;
	int shown, tty;
};

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int tick(void *ctx, double now_s, double end_s)
{
	struct progress *p = ctx;
	double el = wall() - p->t0, frac = end_s > 0 ? now_s / end_s : 1;

	if (got_signal)
		return 1;
	if (p->tty && el > 0.5 && frac < 1) {
		int w = 30, k = (int)(frac * w);

		fprintf(stderr, "\r  [%.*s%*s] %3.0f%%  %.0f/%.0f s simulated  ETA %.0f s ",
			k, "##############################", w - k, "", 100 * frac, now_s, end_s,
			frac > 0 ? el / frac - el : 0);
		p->shown = 1;
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct cmd_opts o;
	struct cluster *c;
	struct sim *s;
	struct err e;
	struct progress prog = { .t0 = wall(), .tty = isatty(2) };
	struct sigaction sa;
	char outdir[4096], seedset[64];
	uint64_t seed;
	int rc, stopped;

	rc = cmd_parse("run", argc, argv, CMD_OUT | CMD_SEED | CMD_SET | CMD_QUIET, HELP, &o);
	if (rc || o.help)
		return rc;
	err_init(&e);
	/* --seed is `--set seed=N`: placement and the run both follow it. */
	if (o.has_seed) {
		snprintf(seedset, sizeof seedset, "seed=%llu", (unsigned long long)o.seed);
		o.sets[o.nsets++] = seedset;
	}
	if (scenario_load(&c, o.scenario, o.sets, o.nsets, &e) < 0) {
		err_print(stderr, &e);
		return 2;
	}
	seed = c->seed;
	snprintf(outdir, sizeof outdir, "%s", o.out ? o.out : "out/");
	if (o.out == NULL)
		snprintf(outdir, sizeof outdir, "out/%s", c->name);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	s = sim_create(c, seed, 0);
	stopped = sim_run(s, tick, &prog);
	if (prog.shown)
		fprintf(stderr, "\r%*s\r", 78, "");
	if (stopped) {
		fprintf(stderr, "ktsim run: interrupted; no results written\n");
		rc = got_signal == SIGTERM ? 143 : 130;
	} else if (results_write(outdir, c, sim_metrics(s), seed, 0, &e) < 0) {
		fprintf(stderr, "ktsim run: ");
		err_print(stderr, &e);
		rc = 1;
	} else {
		if (!o.quiet) {
			results_print_summary(stdout, c, sim_metrics(s), seed);
			printf("\nresults: %s/results.json (pods.csv, nodes.csv)\n", outdir);
		}
		rc = 0;
	}
	sim_destroy(s);
	cluster_destroy(c);
	return rc;
}
