/* cmd_check — `ktsim check`: validate a scenario and show the layout it
 * gives — which pods sit on which node, each Service's LB pool and the
 * expected per-pod shares and drop fraction — without running anything. */
#include <stdio.h>
#include <string.h>

#include "cmd_int.h"
#include "ktsim/importer.h"
#include "ktsim/mem.h"
#include "ktsim/results.h"
#include "ktsim/scenario.h"
#include "ktsim/sim.h"

static const char HELP[] =
	"usage: ktsim check SCENARIO [--set KEY=VALUE]...\n"
	"\n"
	"Validate SCENARIO (every key, type, range and reference; errors name\n"
	"FILE:LINE:COL and the key path) and print the placement of pods on nodes\n"
	"and, per Service, the LB's node split and the expected share of each pod.\n"
	"Runs nothing.\n"
	"\n"
	"  --set KEY=VALUE    override a scenario value first (as for run)\n"
	"  -h, --help         show this help\n"
	"\n"
	"exit status: 0 valid, 2 bad usage or bad scenario\n";

/* The pods' expected shares, cut as results_table_rows says. */
static void print_expected(const struct cluster *c, const struct svc_stats *ss,
			   const struct service *svc)
{
	int *ep = ks_calloc((size_t)ss->neps + 1, sizeof *ep), *row, n = 0, top;
	double *sh = ks_calloc((size_t)ss->neps + 1, sizeof *sh);

	for (int k = 0; k < ss->neps; k++)
		if (ss->eps[k].ever) {
			sh[n] = ss->expected_share[k];
			ep[n++] = k;
		}
	row = ks_calloc((size_t)n + 1, sizeof *row);
	top = results_table_rows(sh, n, row);
	for (int k = 0; k < n; k++) {
		const struct pod *p = &c->pods[svc->eps[ep[row[k]]]];

		if (k == top && top < n)
			printf("  ... %d more pods, expected %.2f%% to %.2f%%\n",
			       n - top - RESULTS_TABLE_BOTTOM,
			       100 * sh[row[n - RESULTS_TABLE_BOTTOM - 1]], 100 * sh[row[top]]);
		if (!results_table_hidden(k, n, top))
			printf("  %-24s %-20s %6.2f%%\n", p->name, c->nodes[p->node].name,
			       100 * sh[row[k]]);
	}
	ks_free(row);
	ks_free(sh);
	ks_free(ep);
}

int cmd_check(int argc, char **argv)
{
	struct cmd_opts o;
	struct cluster *c;
	struct sim *s;
	struct err e;
	const struct metrics *m;
	int rc;

	rc = cmd_parse("check", argc, argv, CMD_SET, HELP, &o);
	if (rc || o.help)
		return rc;
	err_init(&e);
	if (scenario_load(&c, o.scenario, o.sets, o.nsets, &e) < 0) {
		err_print(stderr, &e);
		return 2;
	}
	printf("%s: valid. %d nodes in %d zones, %d workloads, %d pods, %d services, %d client groups\n",
	       o.scenario, c->nnodes, c->nzones, c->nworkloads, c->npods, c->nservices, c->nclients);
	for (int i = 0; i < c->nclients; i++)
		if (strncmp(c->clients[i].name, IMPORTER_PLACEHOLDER, strlen(IMPORTER_PLACEHOLDER)) == 0)
			fprintf(stderr, "%s: warning: client group %s has a placeholder rate (%g/s) from "
					"ktsim import; set the real one, e.g. --set clients[%d].arrival.rate_per_s=N\n",
				o.scenario, c->clients[i].name, c->clients[i].rate_per_s, i);
	printf("\nplacement%s\n", c->nnodes > 200 ? " (the first 200 nodes)" : "");
	for (int n = 0; n < c->nnodes && n < 200; n++) {
		int k = 0;

		printf("  %-20s %-12s", c->nodes[n].name, c->zones[c->nodes[n].zone]);
		for (int p = 0; p < c->npods; p++)
			if (c->pods[p].node == n && k++ < 12)
				printf(" %s", c->pods[p].name);
		printf(k > 12 ? " ... (%d pods)\n" : "%.0d\n", k > 12 ? k : 0);
	}
	for (int w = 0; w < c->nworkloads; w++)
		if (c->workloads[w].pending)
			printf("  workload %s: %d pods Pending\n", c->workloads[w].name,
			       c->workloads[w].pending);
	/* The expected shares come from the same code a run uses. */
	s = sim_create(c, c->seed, 0);
	m = sim_metrics(s);
	for (int i = 0; i < c->nservices; i++) {
		const struct service *svc = &c->services[i];
		const struct svc_stats *ss = &m->svc[i];

		printf("\nservice %s  %s  externalTrafficPolicy=%s  lb=%s%s\n", svc->name,
		       cluster_svc_type_name(svc->type), cluster_policy_name(svc->etp),
		       cluster_lb_mode_name(svc->lb.mode), svc->lb.hc.enabled ? "+healthcheck" : "");
		printf("  expected: dropped %.1f%%  second hop %.1f%%  SNAT %.1f%%\n",
		       100 * (ss->expect.drop_no_local + ss->expect.drop_no_endpoint),
		       100 * ss->expect.second_hop, 100 * ss->expect.snat);
		printf("  LB split:");
		if (c->nnodes <= 50) {
			for (int n = 0; n < c->nnodes; n++)
				if (ss->lb_weight[n] > 0)
					printf(" %s %.1f%%", c->nodes[n].name, 100 * ss->lb_weight[n]);
		} else { /* too many to list: how many nodes get traffic, and the range */
			double lo = 1, hi = 0;
			int k = 0;

			for (int n = 0; n < c->nnodes; n++)
				if (ss->lb_weight[n] > 0) {
					k++;
					lo = ss->lb_weight[n] < lo ? ss->lb_weight[n] : lo;
					hi = ss->lb_weight[n] > hi ? ss->lb_weight[n] : hi;
				}
			printf(" %d of %d nodes, %.3g%% to %.3g%% each", k, c->nnodes, k ? 100 * lo : 0,
			       100 * hi);
		}
		printf("\n  %-24s %-20s %s\n", "POD", "NODE", "EXPECTED");
		print_expected(c, ss, svc);
		if (ss->expect.drop_no_endpoint > 0)
			printf("  (no ready endpoints: every flow is refused)\n");
	}
	sim_destroy(s);
	cluster_destroy(c);
	return 0;
}
