/* End-to-end: every seed scenario in ../scenarios reproduces the outcome its
 * operator write-up reports (SEEDS table in the README), and the simulation
 * agrees with the analytic layout and with queueing theory.
 *
 * Tolerances: a share p estimated from N routed flows has binomial standard
 * error sqrt(p(1-p)/N); we accept 5 standard errors (a false alarm about
 * once in 1.7 million checks). Round-robin ("direct each-node") splits are
 * deterministic and must match to within one flow. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <CUnit/CUnit.h>

#include "ktsim/results.h"
#include "ktsim/scenario.h"
#include "ktsim/sim.h"
#include "tests.h"

struct run {
	struct cluster *c;
	struct sim *s;
	const struct metrics *m;
};

/* -1: each run looks ahead as sim_create decides; 0 or 1: forced off or on. */
static int lookahead = -1;

static int run_scenario(struct run *r, const char *path, const char *const *sets, int nsets)
{
	struct err e;

	err_init(&e);
	if (scenario_load(&r->c, path, sets, nsets, &e) < 0) {
		err_print(stderr, &e);
		return -1;
	}
	r->s = sim_create(r->c, r->c->seed, 0);
	if (lookahead >= 0)
		sim_set_prefetch(r->s, lookahead);
	sim_run(r->s, NULL, NULL);
	r->m = sim_metrics(r->s);
	printf("[%s seed %llu] ", r->c->name, (unsigned long long)r->c->seed);
	return 0;
}

static void run_free(struct run *r)
{
	sim_destroy(r->s);
	cluster_destroy(r->c);
}

static const struct svc_stats *svc(const struct run *r, const char *name)
{
	int i = cluster_find_service(r->c, name);

	CU_ASSERT_FATAL(i >= 0);
	return &r->m->svc[i];
}

static double frac(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0;
}

/* |observed - p| within 5 binomial standard errors of n trials. */
static int near_binomial(double observed, double p, uint64_t n)
{
	double se = sqrt(p * (1 - p) / (double)n);

	if (fabs(observed - p) <= 5 * se + 1e-12)
		return 1;
	fprintf(stderr, "\n  observed %.6f, expected %.6f +- %.6f (5 se, n=%llu)\n", observed, p,
		5 * se, (unsigned long long)n);
	return 0;
}

/* Every pod's share is within 5 se of `want` (in endpoint order). */
static void assert_shares(const struct svc_stats *ss, const double *want, int n)
{
	CU_ASSERT_EQUAL_FATAL(ss->neps, n);
	CU_ASSERT(ss->routed > 1000);
	for (int i = 0; i < n; i++) {
		CU_ASSERT(near_binomial(frac(ss->eps[i].flows, ss->routed), want[i], ss->routed));
		CU_ASSERT_DOUBLE_EQUAL(ss->expected_share[i], want[i], 1e-12);
	}
}

static void assert_balanced(const struct run *r)
{
	for (int i = 0; i < r->m->nsvc; i++) {
		const struct svc_stats *ss = &r->m->svc[i];
		uint64_t d = 0;

		CU_ASSERT_EQUAL(ss->offered, ss->completed + ss->dropped + ss->in_flight);
		for (int k = 0; k < DROP_NREASONS; k++)
			d += ss->drops[k];
		CU_ASSERT_EQUAL(d, ss->dropped);
	}
}

static int node_id(const struct run *r, const char *name)
{
	int n = cluster_find_node(r->c, name);

	CU_ASSERT_FATAL(n >= 0);
	return n;
}

static void seeds_should_give_50_25_25_under_local(void)
{
	struct run r;
	const double want[] = { 0.5, 0.25, 0.25 };
	const struct svc_stats *ss;

	CU_ASSERT_FATAL(run_scenario(&r, "../scenarios/local-50-25-25.json", NULL, 0) == 0);
	ss = svc(&r, "web");
	assert_shares(ss, want, 3);
	CU_ASSERT_EQUAL(ss->dropped, 0);
	CU_ASSERT_EQUAL(ss->snat, 0);
	CU_ASSERT_EQUAL(ss->hops2, 0);
	/* Utilization = lambda * E[S] / c: 600/s * 0.5 * 10 ms / 4 = 0.75 on
	 * node-a's pod and 0.375 on node-b's; 5 se is about 2% here. */
	CU_ASSERT_DOUBLE_EQUAL(r.m->utilization[r.c->services[0].eps[0]], 0.75, 0.02);
	CU_ASSERT_DOUBLE_EQUAL(r.m->utilization[r.c->services[0].eps[1]], 0.375, 0.012);
	assert_balanced(&r);
	run_free(&r);
}

static void seeds_should_give_thirds_and_snat_under_cluster(void)
{
	struct run r;
	const char *sets[] = { "services[0].externalTrafficPolicy=Cluster" };
	const double want[] = { 1.0 / 3, 1.0 / 3, 1.0 / 3 };
	const struct svc_stats *ss;

	CU_ASSERT_FATAL(run_scenario(&r, "../scenarios/local-50-25-25.json", sets, 1) == 0);
	ss = svc(&r, "web");
	assert_shares(ss, want, 3);
	CU_ASSERT_EQUAL(ss->snat, ss->routed);
	/* Entering node-a (1 pod) 2/3 go remote, node-b 1/3: half overall. */
	CU_ASSERT(near_binomial(frac(ss->hops2, ss->routed), 0.5, ss->routed));
	CU_ASSERT_DOUBLE_EQUAL(ss->expect.second_hop, 0.5, 1e-12);
	assert_balanced(&r);
	run_free(&r);
}

static void seeds_should_drop_a_third_without_health_check(void)
{
	struct run r;
	const double want[] = { 0.5, 0.25, 0.25 };
	const struct svc_stats *no, *hc;

	CU_ASSERT_FATAL(run_scenario(&r, "../scenarios/local-empty-node-healthcheck.json", NULL, 0) == 0);
	no = svc(&r, "web-no-healthcheck");
	hc = svc(&r, "web-healthcheck");
	CU_ASSERT(near_binomial(frac(no->dropped, no->offered), 1.0 / 3, no->offered));
	CU_ASSERT_EQUAL(no->drops[DROP_NO_LOCAL_ENDPOINT], no->dropped);
	CU_ASSERT_EQUAL(no->nodes[node_id(&r, "node-c")].dropped, no->nodes[node_id(&r, "node-c")].lb_flows);
	assert_shares(no, want, 3);
	CU_ASSERT_EQUAL(hc->dropped, 0);
	CU_ASSERT_EQUAL(hc->nodes[node_id(&r, "node-c")].lb_flows, 0);
	assert_shares(hc, want, 3);
	assert_balanced(&r);
	run_free(&r);
}

/* Seed 000: curl each of 3 nodes; Cluster answers on all, SNATed; Local only
 * on the pod's node, with the client IP. */
static void seeds_should_answer_on_one_node_of_three_under_local(void)
{
	struct run r;
	const struct svc_stats *cl, *lo;
	int node1;

	CU_ASSERT_FATAL(run_scenario(&r, "../scenarios/nodeport-source-ip.json", NULL, 0) == 0);
	cl = svc(&r, "nodeport-cluster");
	lo = svc(&r, "nodeport-local");
	node1 = node_id(&r, "node1");
	for (int n = 0; n < 3; n++) {
		CU_ASSERT(llabs((long long)cl->nodes[n].lb_flows - (long long)cl->offered / 3) <= 1);
		CU_ASSERT_EQUAL(cl->nodes[n].dropped, 0);
		if (n == node1) {
			CU_ASSERT(lo->nodes[n].dropped == 0 && lo->nodes[n].lb_flows > 0);
		} else {
			CU_ASSERT(lo->nodes[n].dropped == lo->nodes[n].lb_flows && lo->nodes[n].lb_flows > 0);
		}
	}
	CU_ASSERT_EQUAL(cl->snat, cl->routed);
	CU_ASSERT_EQUAL(lo->snat, 0);
	CU_ASSERT(llabs((long long)(3 * lo->dropped) - (long long)(2 * lo->offered)) <= 3);
	CU_ASSERT_EQUAL(lo->drops[DROP_NO_LOCAL_ENDPOINT], lo->dropped);
	assert_balanced(&r);
	run_free(&r);
}

/* Seed 001: the TKE LB bound to all nodes without weights or health checks. */
static void seeds_should_blackhole_two_thirds_on_tke_local(void)
{
	struct run r;
	const struct svc_stats *cl, *lo;

	CU_ASSERT_FATAL(run_scenario(&r, "../scenarios/tke-local-blackhole.json", NULL, 0) == 0);
	cl = svc(&r, "nginx-cluster");
	lo = svc(&r, "nginx-externaltrafficpolicy");
	CU_ASSERT_EQUAL(cl->dropped, 0);
	CU_ASSERT_EQUAL(cl->snat, cl->routed);
	CU_ASSERT(near_binomial(frac(cl->hops2, cl->routed), 2.0 / 3, cl->routed));
	CU_ASSERT(near_binomial(frac(lo->dropped, lo->offered), 2.0 / 3, lo->offered));
	CU_ASSERT_EQUAL(lo->snat, 0);
	CU_ASSERT_EQUAL(lo->hops2, 0);
	assert_balanced(&r);
	run_free(&r);
}

/* Seed 002: two nodes, one pod; Cluster's gz1 half takes a cross-zone hop. */
static void seeds_should_take_second_hop_from_gz1_under_cluster(void)
{
	struct run r;
	const struct svc_stats *cl, *lo;
	int gz1, xjp1;

	CU_ASSERT_FATAL(run_scenario(&r, "../scenarios/k3s-whoami-second-hop.json", NULL, 0) == 0);
	cl = svc(&r, "traffic-test-cluster");
	lo = svc(&r, "traffic-test-local");
	gz1 = node_id(&r, "gz1");
	xjp1 = node_id(&r, "xjp1");
	CU_ASSERT_EQUAL(cl->dropped, 0);
	CU_ASSERT_EQUAL(cl->snat, cl->routed);
	CU_ASSERT_EQUAL(cl->hops2, cl->nodes[gz1].lb_flows);
	CU_ASSERT_EQUAL(cl->cross_zone, cl->hops2);
	CU_ASSERT(llabs((long long)(2 * cl->hops2) - (long long)cl->routed) <= 2);
	CU_ASSERT_EQUAL(lo->nodes[gz1].dropped, lo->nodes[gz1].lb_flows);
	CU_ASSERT_EQUAL(lo->nodes[xjp1].dropped, 0);
	CU_ASSERT_EQUAL(lo->snat, 0);
	/* The second hop adds its 35 ms round trip to half of Cluster's flows;
	 * Local's completed flows all stay on xjp1 (0.05 ms). */
	CU_ASSERT_DOUBLE_EQUAL(tally_mean(&cl->latency) - tally_mean(&lo->latency), 0.5 * 35 - 0.5 * 0.05, 0.5);
	assert_balanced(&r);
	run_free(&r);
}

/* Seed 003: packed 2+1+0 versus spread 1+1+1 under Local, no health check. */
static void seeds_should_even_out_gitlab_when_spread(void)
{
	struct run r;
	const double packed[] = { 0.25, 0.25, 0.5 }, spread[] = { 1.0 / 3, 1.0 / 3, 1.0 / 3 };
	const struct svc_stats *pk, *sp;

	CU_ASSERT_FATAL(run_scenario(&r, "../scenarios/gitlab-local-spread.json", NULL, 0) == 0);
	pk = svc(&r, "gitlab-packed");
	sp = svc(&r, "gitlab-spread");
	assert_shares(pk, packed, 3);
	assert_shares(sp, spread, 3);
	CU_ASSERT(near_binomial(frac(pk->drops[DROP_NO_LOCAL_ENDPOINT], pk->offered), 1.0 / 3, pk->offered));
	CU_ASSERT_EQUAL(sp->dropped, 0);
	assert_balanced(&r);
	run_free(&r);
}

/* Seed 004: 50/25/25 under Local, thirds under Cluster, a hang through the
 * master, and real client IPs with every pod on the master. */
static void seeds_should_reproduce_kubeadm_nginx(void)
{
	struct run r;
	const double local[] = { 0.5, 0.25, 0.25 }, thirds[] = { 1.0 / 3, 1.0 / 3, 1.0 / 3 };
	const struct svc_stats *lo, *cl, *via, *pin;

	CU_ASSERT_FATAL(run_scenario(&r, "../scenarios/kubeadm-nginx-local.json", NULL, 0) == 0);
	lo = svc(&r, "nginx-local");
	cl = svc(&r, "nginx-cluster");
	via = svc(&r, "nginx-local-via-master");
	pin = svc(&r, "nginx-pinned-master");
	assert_shares(lo, local, 3);
	CU_ASSERT_EQUAL(lo->snat, 0);
	CU_ASSERT_EQUAL(lo->nodes[node_id(&r, "hkk8smaster001")].lb_flows, 0);
	assert_shares(cl, thirds, 3);
	CU_ASSERT_EQUAL(cl->snat, cl->routed);
	CU_ASSERT(near_binomial(frac(cl->hops2, cl->routed), 0.5, cl->routed));
	CU_ASSERT(via->offered > 0);
	CU_ASSERT_EQUAL(via->drops[DROP_NO_LOCAL_ENDPOINT], via->offered);
	CU_ASSERT_EQUAL(pin->dropped, 0);
	CU_ASSERT_EQUAL(pin->snat, 0);
	CU_ASSERT_EQUAL(pin->hops2, 0);
	assert_balanced(&r);
	run_free(&r);
}

/* M/M/1 check of the engine, streams and server: mean time in system
 * 1/(mu - lambda) = 2 ms at lambda = 500/s, mu = 1000/s. */
static void seeds_should_match_mm1_sojourn(void)
{
	static const char text[] =
		"{\"duration_s\": 400, \"warmup_s\": 10, \"nodes\": [{\"name\": \"n\"}],"
		" \"workloads\": [{\"name\": \"w\", \"replicas\": 1, \"labels\": {\"a\": \"b\"},"
		"  \"server\": {\"concurrency\": 1, \"queue_limit\": 100000,"
		"   \"service_time_ms\": {\"dist\": \"exp\", \"mean\": 1}}}],"
		" \"services\": [{\"name\": \"s\", \"type\": \"NodePort\", \"selector\": {\"a\": \"b\"},"
		"  \"externalTrafficPolicy\": \"Local\"}],"
		" \"clients\": [{\"name\": \"c\", \"service\": \"s\","
		"  \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 500}}]}";
	char path[32];
	struct run r;
	const struct svc_stats *ss;

	tests_temp_file(path, text, sizeof text - 1);
	CU_ASSERT_FATAL(run_scenario(&r, path, NULL, 0) == 0);
	unlink(path);
	ss = svc(&r, "s");
	/* ~195,000 flows; with the M/M/1 autocorrelation at rho = 0.5 the
	 * relative standard error of the mean sojourn is about 1%. */
	CU_ASSERT_DOUBLE_EQUAL(tally_mean(&ss->latency), 2.0, 0.1);
	CU_ASSERT_DOUBLE_EQUAL(r.m->utilization[0], 0.5, 0.02);
	/* P(sojourn > t) = exp(-(mu - lambda) t): the median is ln 2 / 500 s. */
	CU_ASSERT_DOUBLE_EQUAL(histo_quantile(&ss->latency_ms, 0.5), 1e3 * log(2) / 500, 0.05);
	run_free(&r);
}

static char *slurp_without_timing(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096], *out;
	size_t n = 0, cap = 1 << 16;

	CU_ASSERT_FATAL(f != NULL);
	out = calloc(1, cap);
	while (fgets(line, sizeof line, f)) {
		if (strstr(line, "\"wall_s\"") || strstr(line, "\"events_per_s\"") ||
		    strstr(line, "\"peak_rss_mb\""))
			continue;
		size_t k = strlen(line);
		if (n + k + 1 > cap)
			out = realloc(out, cap = 2 * (n + k + 1));
		memcpy(out + n, line, k + 1);
		n += k;
	}
	fclose(f);
	return out;
}

static char *results_text(const char *scenario, const char *const *sets, int nsets, const char *dir)
{
	struct run r;
	struct err e;
	char path[512];
	char *t;

	err_init(&e);
	CU_ASSERT_FATAL(run_scenario(&r, scenario, sets, nsets) == 0);
	CU_ASSERT_FATAL(results_write(dir, r.c, r.m, NULL, r.c->seed, &e) == 0);
	run_free(&r);
	snprintf(path, sizeof path, "%s/results.json", dir);
	t = slurp_without_timing(path);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	CU_ASSERT(system(path) == 0);
	return t;
}

static void seeds_should_be_byte_identical_for_the_same_seed(void)
{
	const char *s7[] = { "seed=7" }, *s8[] = { "seed=8" };
	char *a = results_text("../scenarios/tke-local-blackhole.json", s7, 1, "/tmp/ktsim-det-a");
	char *b = results_text("../scenarios/tke-local-blackhole.json", s7, 1, "/tmp/ktsim-det-b");
	char *c = results_text("../scenarios/tke-local-blackhole.json", s8, 1, "/tmp/ktsim-det-c");

	CU_ASSERT(strlen(a) > 1000);
	CU_ASSERT_STRING_EQUAL(a, b);
	CU_ASSERT(strcmp(a, c) != 0);
	free(a);
	free(b);
	free(c);
}

/* Looking ahead (engine peek, latency updates applied in batches) changes
 * speed, never results: a small scenario with a timeline, and one of 20,001
 * pods, where Service histograms are kept per request beside the coarse
 * per-pod ones (METRICS_FINE_EPS), give the same results.json either way. */
static void seeds_should_not_change_results_when_looking_ahead(void)
{
	const char *s7[] = { "seed=7" };
	const char *big = "/tmp/ktsim-lookahead.json";
	FILE *f = fopen(big, "w");
	char *a, *b;

	CU_ASSERT_FATAL(f != NULL);
	fprintf(f, "{\"name\": \"lookahead\", \"duration_s\": 0.6,"
		   " \"nodes\": [{\"generate\": {\"count\": 200, \"zones\": [\"a\", \"b\"]}}],"
		   " \"workloads\": [{\"name\": \"w\", \"replicas\": %d, \"labels\": {\"app\": \"w\"},"
		   "  \"requests\": {\"cpu_m\": 1, \"memory_mi\": 1},"
		   "  \"server\": {\"concurrency\": 2, \"queue_limit\": 4,"
		   "   \"service_time_ms\": {\"dist\": \"exp\", \"mean\": 5}}}],"
		   " \"services\": [{\"name\": \"s\", \"type\": \"LoadBalancer\","
		   "  \"selector\": {\"app\": \"w\"}}],"
		   " \"clients\": [{\"name\": \"c\", \"service\": \"s\","
		   "  \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 40000}}]}\n",
		METRICS_FINE_EPS + 1);
	fclose(f);
	for (int k = 0; k < 2; k++) {
		const char *path = k ? big : "../scenarios/tke-local-blackhole.json";

		lookahead = 0;
		a = results_text(path, k ? NULL : s7, k ? 0 : 1, "/tmp/ktsim-look-a");
		lookahead = 1;
		b = results_text(path, k ? NULL : s7, k ? 0 : 1, "/tmp/ktsim-look-b");
		lookahead = -1;
		CU_ASSERT(strlen(a) > 1000);
		CU_ASSERT_STRING_EQUAL(a, b);
		free(a);
		free(b);
	}
	remove(big);
}

/* Replications merge exactly: counts add up, the merged latency histogram
 * holds every sample, and the 95% interval of the share covers theory. */
static void seeds_should_merge_replications_exactly(void)
{
	struct run r[3];
	struct metrics total;
	struct results_reps reps;
	uint64_t offered = 0, hist = 0;
	const char *sets[] = { "duration_s=40" };

	for (int k = 0; k < 3; k++) {
		struct err e;

		err_init(&e);
		CU_ASSERT_FATAL(scenario_load(&r[k].c, "../scenarios/local-50-25-25.json", sets, 1, &e) == 0);
		r[k].s = sim_create(r[k].c, r[k].c->seed, (uint32_t)k);
		sim_run(r[k].s, NULL, NULL);
		r[k].m = sim_metrics(r[k].s);
		offered += r[k].m->svc[0].offered;
		hist += r[k].m->svc[0].latency_ms.n;
	}
	CU_ASSERT(r[0].m->svc[0].offered != r[1].m->svc[0].offered); /* independent streams */
	sim_take_metrics(r[0].s, &total);
	results_reps_init(&reps, &total);
	results_reps_add(&reps, &total);
	for (int k = 1; k < 3; k++) {
		results_reps_add(&reps, r[k].m);
		metrics_merge(&total, r[k].m);
	}
	CU_ASSERT_EQUAL(total.replications, 3);
	CU_ASSERT_EQUAL(total.svc[0].offered, offered);
	CU_ASSERT_EQUAL(total.svc[0].latency_ms.n, hist);
	CU_ASSERT_EQUAL(total.svc[0].offered, total.svc[0].completed + total.svc[0].dropped +
			total.svc[0].in_flight);
	CU_ASSERT(results_ci95(&reps.share[0][0]) > 0);
	CU_ASSERT(fabs(reps.share[0][0].mean - 0.5) <= 2 * results_ci95(&reps.share[0][0]) + 0.01);
	results_reps_fini(&reps);
	metrics_fini(&total);
	for (int k = 0; k < 3; k++)
		run_free(&r[k]);
}

CU_ErrorCode suite_seeds(void)
{
	static const struct test_case cases[] = {
		{ "seeds_should_give_50_25_25_under_local", seeds_should_give_50_25_25_under_local },
		{ "seeds_should_give_thirds_and_snat_under_cluster", seeds_should_give_thirds_and_snat_under_cluster },
		{ "seeds_should_drop_a_third_without_health_check", seeds_should_drop_a_third_without_health_check },
		{ "seeds_should_answer_on_one_node_of_three_under_local", seeds_should_answer_on_one_node_of_three_under_local },
		{ "seeds_should_blackhole_two_thirds_on_tke_local", seeds_should_blackhole_two_thirds_on_tke_local },
		{ "seeds_should_take_second_hop_from_gz1_under_cluster", seeds_should_take_second_hop_from_gz1_under_cluster },
		{ "seeds_should_even_out_gitlab_when_spread", seeds_should_even_out_gitlab_when_spread },
		{ "seeds_should_reproduce_kubeadm_nginx", seeds_should_reproduce_kubeadm_nginx },
		{ "seeds_should_match_mm1_sojourn", seeds_should_match_mm1_sojourn },
		{ "seeds_should_be_byte_identical_for_the_same_seed", seeds_should_be_byte_identical_for_the_same_seed },
		{ "seeds_should_merge_replications_exactly", seeds_should_merge_replications_exactly },
		{ "seeds_should_not_change_results_when_looking_ahead",
		  seeds_should_not_change_results_when_looking_ahead },
		{ NULL, NULL },
	};
	return tests_add("seeds", cases);
}
