/* cmd_run — `ktsim run`: simulate a scenario, write its results, print the
 * summary table. */
#include <stdio.h>

#include "cmd_int.h"
#include "ktsim/plot.h"
#include "ktsim/results.h"
#include "ktsim/scenario.h"
#include "ktsim/sim.h"

static const char HELP[] =
	"usage: ktsim run SCENARIO [-o DIR] [--seed N] [--set KEY=VALUE]... [--replications R]\n"
	"                          [--plot] [-q]\n"
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
	"  --replications R   R independent replications (streams from the seed and\n"
	"                     the replication number), merged, with 95%% confidence\n"
	"                     intervals (Student t) of every headline figure\n"
	"  --plot             also draw DIR/plots/ (see ktsim plot)\n"
	"  -q, --quiet        no summary table\n"
	"  -h, --help         show this help\n"
	"\n"
	"exit status: 0 ok, 1 run failed (e.g. output not writable),\n"
	"2 bad usage or bad scenario, 130/143 interrupted by SIGINT/SIGTERM\n";

int cmd_run(int argc, char **argv)
{
	struct cmd_opts o;
	struct cluster *c;
	struct cmd_result res;
	struct err e;
	char outdir[4096], seedset[64];
	int rc;

	rc = cmd_parse("run", argc, argv, CMD_OUT | CMD_SEED | CMD_SET | CMD_QUIET | CMD_REPS | CMD_PLOT,
		       HELP, &o);
	if (rc || o.help)
		return rc;
	err_init(&e);
	/* --seed is `--set seed=N`: placement and the run both follow it. */
	cmd_seed_set(&o, seedset, sizeof seedset);
	if (scenario_load(&c, o.scenario, o.sets, o.nsets, &e) < 0) {
		err_print(stderr, &e);
		return 2;
	}
	if (o.out == NULL)
		snprintf(outdir, sizeof outdir, "out/%s", c->name);
	else
		snprintf(outdir, sizeof outdir, "%s", o.out);
	rc = cmd_simulate("run", c, outdir, NULL, o.replications, &res);
	if (rc == 0 && !o.quiet) {
		results_print_summary(stdout, c, &res.m, res.has_reps ? &res.reps : NULL, c->seed);
		printf("\nresults: %s/results.json (pods.csv, nodes.csv%s)\n", outdir,
		       c->ntimeline ? ", timeseries.csv" : "");
	}
	if (rc == 0 && o.plot) {
		err_init(&e);
		if (plot_run_dir(outdir, &e) < 0) {
			fprintf(stderr, "ktsim run: ");
			err_print(stderr, &e);
			rc = 1;
		}
	}
	if (rc == 0)
		cmd_result_fini(&res);
	cluster_destroy(c);
	return rc;
}
