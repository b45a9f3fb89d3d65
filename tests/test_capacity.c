/* capacity: the simulator against queueing theory and against the
 * arithmetic of held resources.
 *
 * Waiting times are checked with independent replications: the replication
 * means are i.i.d., so their mean +- t(0.9995, R-1) * s / sqrt(R) is a 99.9%
 * confidence interval that must contain the theoretical value. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <CUnit/CUnit.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "ktsim/nat.h"
#include "ktsim/scenario.h"
#include "ktsim/sim.h"
#include "tests.h"

/* One pod with `conc` workers fed by Poisson arrivals (no NAT limits). */
static char *one_pod(char *buf, size_t n, int conc, const char *service, double rate, double dur)
{
	snprintf(buf, n,
		 "{\"duration_s\": %g, \"warmup_s\": 20, \"nodes\": [{\"name\": \"n\"}],"
		 " \"workloads\": [{\"name\": \"w\", \"replicas\": 1, \"labels\": {\"a\": \"b\"},"
		 "  \"server\": {\"concurrency\": %d, \"queue_limit\": 1000000, \"service_time_ms\": %s}}],"
		 " \"services\": [{\"name\": \"s\", \"type\": \"NodePort\", \"selector\": {\"a\": \"b\"},"
		 "  \"externalTrafficPolicy\": \"Local\"}],"
		 " \"proxy\": {\"time_wait_s\": 0},"
		 " \"clients\": [{\"name\": \"c\", \"service\": \"s\","
		 "  \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": %g}}]}",
		 dur, conc, service, rate);
	return buf;
}

/* Mean over R replications of the mean wait (ms) and of P(wait), with the
 * half-widths of their 99.9% confidence intervals. */
static void replicate(const struct cluster *c, int R, double *wait, double *wait_hw,
		      double *pw, double *pw_hw)
{
	double sw = 0, sw2 = 0, sp = 0, sp2 = 0, t = gsl_cdf_tdist_Pinv(0.9995, R - 1);

	printf("seed %llu, %d replications ", (unsigned long long)c->seed, R);
	for (int r = 0; r < R; r++) {
		struct sim *s = sim_create(c, c->seed, (uint32_t)r);
		const struct svc_stats *ss;
		double w, p;

		sim_run(s, NULL, NULL);
		ss = &sim_metrics(s)->svc[0];
		w = tally_mean(&ss->wait);
		p = (double)ss->waited / (double)ss->requests;
		sw += w;
		sw2 += w * w;
		sp += p;
		sp2 += p * p;
		sim_destroy(s);
	}
	*wait = sw / R;
	*pw = sp / R;
	*wait_hw = t * sqrt((sw2 - R * *wait * *wait) / (R - 1) / R);
	*pw_hw = t * sqrt((sp2 - R * *pw * *pw) / (R - 1) / R);
}

/* Erlang C: P(wait) for c servers at offered load a = lambda/mu, from GSL's
 * Poisson pmf and cdf: C = p(c) c/(c-a) / (P(c-1) + p(c) c/(c-a)). */
static double erlang_c(int c, double a)
{
	double top = gsl_ran_poisson_pdf((unsigned)c, a) * c / (c - a);

	return top / (gsl_cdf_poisson_P((unsigned)c - 1, a) + top);
}

static void capacity_should_match_erlang_c_for_mmc(void)
{
	char buf[2048];
	/* c = 4 workers, mean service 10 ms (mu = 100/s), lambda = 300/s: rho 0.75 */
	struct cluster *c = tests_load_text(one_pod(buf, sizeof buf, 4, "{\"dist\": \"exp\", \"mean\": 10}", 300, 220),
				 NULL, 0, NULL);
	double pc = erlang_c(4, 3.0), wq = pc / (4 * 100.0 - 300) * 1e3;
	double w, whw, p, phw;

	replicate(c, 12, &w, &whw, &p, &phw);
	printf("Wq %.4f +- %.4f ms (Erlang C %.4f), P(wait) %.4f +- %.4f (%.4f) ", w, whw, wq, p,
	       phw, pc);
	CU_ASSERT(fabs(w - wq) <= whw);
	CU_ASSERT(fabs(p - pc) <= phw);
	CU_ASSERT(whw < 0.1 * wq); /* the interval is tight enough to mean something */
	cluster_destroy(c);
}

static void capacity_should_match_erlang_c_for_mm1(void)
{
	char buf[2048];
	/* M/M/1, rho = 0.6: P(wait) = rho, Wq = rho / (mu - lambda) */
	struct cluster *c = tests_load_text(one_pod(buf, sizeof buf, 1, "{\"dist\": \"exp\", \"mean\": 2}", 300, 220),
				 NULL, 0, NULL);
	double w, whw, p, phw, wq = 0.6 / (500.0 - 300) * 1e3;

	replicate(c, 12, &w, &whw, &p, &phw);
	printf("Wq %.4f +- %.4f ms (%.4f) ", w, whw, wq);
	CU_ASSERT(fabs(w - wq) <= whw);
	CU_ASSERT(fabs(p - 0.6) <= phw);
	CU_ASSERT_DOUBLE_EQUAL(erlang_c(1, 0.6), 0.6, 1e-12);
	cluster_destroy(c);
}

/* M/D/1: Pollaczek-Khinchine, Wq = rho / (2 mu (1 - rho)). */
static void capacity_should_match_pollaczek_khinchine_for_md1(void)
{
	char buf[2048];
	struct cluster *c = tests_load_text(one_pod(buf, sizeof buf, 1, "1", 700, 220), NULL, 0, NULL);
	double w, whw, p, phw, wq = 0.7 / (2 * 1000.0 * 0.3) * 1e3;

	replicate(c, 12, &w, &whw, &p, &phw);
	printf("Wq %.4f +- %.4f ms (P-K %.4f) ", w, whw, wq);
	CU_ASSERT(fabs(w - wq) <= whw);
	CU_ASSERT(fabs(p - 0.7) <= phw);
	cluster_destroy(c);
}

/* Little's law per pod: time-average number in the pod = throughput x mean
 * time in the pod (latency less the fixed network round trip). */
static void capacity_should_obey_littles_law_per_pod(void)
{
	const char *sets[] = { "duration_s=200" };
	struct err e;
	struct cluster *c;
	struct sim *s;
	const struct metrics *m;

	err_init(&e);
	CU_ASSERT_FATAL(scenario_load(&c, "../scenarios/local-50-25-25.json", sets, 1, &e) == 0);
	s = sim_create(c, c->seed, 0);
	sim_run(s, NULL, NULL);
	m = sim_metrics(s);
	for (int i = 0; i < m->svc[0].neps; i++) {
		const struct ep_stats *es = &m->svc[0].eps[i];
		int pod = c->services[0].eps[i];
		double L = m->queue_mean[pod] + m->utilization[pod] * 4;
		double lambda = (double)es->latency.n / m->measured_s;
		double W = (tally_mean(&es->latency) - c->latency.same_node) * 1e-3;

		printf("pod %d: L %.4f, lambda W %.4f ", i, L, lambda * W);
		CU_ASSERT_DOUBLE_EQUAL(L, lambda * W, 0.02 * L);
	}
	sim_destroy(s);
	cluster_destroy(c);
}

/* Cluster minus Local mean latency = second-hop share x (hop RTT - same-node
 * RTT) + SNAT cost, with no queueing (many workers, constant service). */
static void capacity_should_add_the_second_hop_to_cluster_latency(void)
{
	static const char text[] =
		"{\"duration_s\": 60, \"nodes\": [{\"name\": \"a\", \"zone\": \"z1\"}, {\"name\": \"b\", \"zone\": \"z2\"}],"
		" \"workloads\": [{\"name\": \"w\", \"replicas\": 3, \"labels\": {\"a\": \"b\"}, \"pin\": [\"a\", \"b\", \"b\"],"
		"  \"server\": {\"concurrency\": 1000, \"service_time_ms\": 5}}],"
		" \"services\": [{\"name\": \"s\", \"type\": \"LoadBalancer\", \"selector\": {\"a\": \"b\"}}],"
		" \"proxy\": {\"snat_cost_ms\": 0.05},"
		" \"network\": {\"latency_ms\": {\"lb_to_node\": 1, \"same_node\": 0.1, \"same_zone\": 0.5, \"cross_zone\": 2}},"
		" \"clients\": [{\"name\": \"c\", \"service\": \"s\", \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 1000}}]}";
	const char *local[] = { "services[0].externalTrafficPolicy=Local" };
	struct cluster *cc = tests_load_text(text, NULL, 0, NULL), *cl = tests_load_text(text, local, 1, NULL);
	struct sim *sc = sim_create(cc, 1, 0), *sl = sim_create(cl, 1, 0);
	const struct svc_stats *c_ss, *l_ss;
	double h, se;

	sim_run(sc, NULL, NULL);
	sim_run(sl, NULL, NULL);
	c_ss = &sim_metrics(sc)->svc[0];
	l_ss = &sim_metrics(sl)->svc[0];
	/* Local: 5 + 1 + 0.1 exactly; Cluster: the expected forwarded share
	 * (a half, all cross-zone here) pays 2 instead of 0.1, all pay 0.05. */
	CU_ASSERT_DOUBLE_EQUAL(tally_mean(&l_ss->latency), 6.1, 1e-9);
	h = sim_metrics(sc)->svc[0].expect.second_hop;
	se = sqrt(h * (1 - h) / (double)c_ss->routed) * (2 - 0.1);
	printf("Cluster - Local = %.4f ms, expected %.4f +- %.4f ", tally_mean(&c_ss->latency) - tally_mean(&l_ss->latency),
	       h * (2 - 0.1) + 0.05, 5 * se);
	CU_ASSERT_DOUBLE_EQUAL(h, 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(tally_mean(&c_ss->latency) - tally_mean(&l_ss->latency), h * (2 - 0.1) + 0.05, 5 * se);
	sim_destroy(sc);
	sim_destroy(sl);
	cluster_destroy(cc);
	cluster_destroy(cl);
}

/* Held resources: the admitted rate is what Little's law allows on a full
 * pool, capacity / (time held), where time held = time in the pod + linger. */
static void check_admitted(const char *path, int svc, double capacity, enum drop_reason why,
			   double min_drop)
{
	struct err e;
	struct cluster *c;
	struct sim *s;
	const struct svc_stats *ss;
	double held, admitted, predicted;

	err_init(&e);
	CU_ASSERT_FATAL(scenario_load(&c, path, NULL, 0, &e) == 0);
	s = sim_create(c, c->seed, 0);
	sim_run(s, NULL, NULL);
	ss = &sim_metrics(s)->svc[svc];
	held = c->proxy.time_wait_s + tally_mean(&ss->latency) * 1e-3;
	admitted = (double)(ss->completed + ss->in_flight) / sim_metrics(s)->measured_s;
	predicted = capacity / held;
	printf("%s: admitted %.2f/s, Little %.2f/s, dropped %.4f ", c->name, admitted, predicted,
	       (double)ss->dropped / (double)ss->offered);
	CU_ASSERT_DOUBLE_EQUAL(admitted, predicted, 0.01 * predicted);
	CU_ASSERT_EQUAL(ss->drops[why], ss->dropped);
	CU_ASSERT((double)ss->dropped > min_drop * (double)ss->offered);
	sim_destroy(s);
	cluster_destroy(c);
}

static void capacity_should_exhaust_snat_ports_under_cluster_only(void)
{
	struct err e;
	struct cluster *c;
	struct sim *s;

	check_admitted("../scenarios/snat-exhaustion.json", 0, 64512, DROP_SNAT_PORTS_EXHAUSTED, 0.9);
	err_init(&e);
	CU_ASSERT_FATAL(scenario_load(&c, "../scenarios/snat-exhaustion.json", NULL, 0, &e) == 0);
	s = sim_create(c, c->seed, 0);
	sim_run(s, NULL, NULL);
	CU_ASSERT_EQUAL(sim_metrics(s)->svc[1].dropped, 0);           /* Local */
	CU_ASSERT_EQUAL(sim_metrics(s)->peak_snat_ports[0], 64512);
	sim_destroy(s);
	cluster_destroy(c);
}

static void capacity_should_fill_conntrack(void)
{
	struct err e;
	struct cluster *c;
	struct sim *s;

	check_admitted("../scenarios/conntrack-full.json", 0, 131072, DROP_CONNTRACK_FULL, 0.4);
	err_init(&e);
	CU_ASSERT_FATAL(scenario_load(&c, "../scenarios/conntrack-full.json", NULL, 0, &e) == 0);
	s = sim_create(c, c->seed, 0);
	sim_run(s, NULL, NULL);
	CU_ASSERT_EQUAL(sim_metrics(s)->peak_conntrack[0], 131072);
	CU_ASSERT_EQUAL(sim_metrics(s)->conntrack_max[0], 131072);
	sim_destroy(s);
	cluster_destroy(c);
}

/* The pair table and the linger queue on their own. */
static void capacity_should_release_nat_entries_after_the_linger(void)
{
	const uint32_t max[2] = { 3, 10 };
	const int pod_node[2] = { 0, 1 };
	struct nat t;

	nat_init(&t, 2, 2, max, pod_node, 2, 10.0, 0);
	t.measuring = 1;
	CU_ASSERT_EQUAL(nat_admit(&t, 0, 1, 1), NAT_OK);      /* forwarded to node 1 */
	CU_ASSERT_EQUAL(nat_admit(&t, 0, 1, 1), NAT_OK);
	CU_ASSERT_EQUAL(nat_admit(&t, 0, 1, 1), NAT_SNAT_EXHAUSTED); /* pool of 2 */
	CU_ASSERT_EQUAL(nat_admit(&t, 0, 0, 0), NAT_OK);      /* local, no SNAT */
	CU_ASSERT_EQUAL(nat_admit(&t, 0, 0, 0), NAT_CONNTRACK_FULL); /* node 0 holds 3 */
	CU_ASSERT_EQUAL(t.ct[1], 2);
	CU_ASSERT_EQUAL(nat_ports(&t, 0, 1), 2);
	nat_close(&t, 1.0, 0, 1, 1);
	nat_expire(&t, 10.9);
	CU_ASSERT_EQUAL(nat_ports(&t, 0, 1), 2);              /* still in TIME_WAIT */
	nat_expire(&t, 11.0);
	CU_ASSERT_EQUAL(nat_ports(&t, 0, 1), 1);
	CU_ASSERT_EQUAL(t.ct[0], 2);
	CU_ASSERT_EQUAL(t.ct[1], 1);
	CU_ASSERT_EQUAL(t.ct_peak[0], 3);
	CU_ASSERT_EQUAL(t.snat_peak[0], 2);
	nat_fini(&t);
}

/* A forwarded SYN meets the entry node's table, then its masquerade, then
 * the pod's node's table: nat_admit names the first that refuses it, and a
 * refusal holds nothing (no empty pair is left in the table). */
static void capacity_should_refuse_in_the_kernels_order(void)
{
	const uint32_t max[2] = { 10, 1 };
	const int pod_node[2] = { 0, 1 };
	struct nat t;

	nat_init(&t, 2, 2, max, pod_node, 1, 10.0, 0);
	CU_ASSERT_EQUAL(nat_admit(&t, 0, 1, 1), NAT_OK);      /* node 1 now full, pair's port taken */
	CU_ASSERT_EQUAL(nat_admit(&t, 0, 1, 1), NAT_SNAT_EXHAUSTED);
	CU_ASSERT_EQUAL(nat_admit(&t, 0, 1, 0), NAT_CONNTRACK_FULL_POD_NODE);
	CU_ASSERT_EQUAL(nat_admit(&t, 1, 1, 0), NAT_CONNTRACK_FULL);
	CU_ASSERT_EQUAL(t.ct[0], 1);
	CU_ASSERT_EQUAL(t.ct[1], 1);
	nat_fini(&t);
	/* the same through the pair table (more pods than the flat table takes) */
	{
		static int pn[(1 << 22) + 1];
		const uint32_t big[2] = { 10, 1 };

		pn[1] = 1;
		nat_init(&t, 2, (1 << 22) + 1, big, pn, 1, 10.0, 0);
		CU_ASSERT_PTR_NULL(t.dense);
		CU_ASSERT_EQUAL(nat_admit(&t, 0, 2, 1), NAT_OK);  /* pod 2 on node 0 */
		CU_ASSERT_EQUAL(nat_admit(&t, 0, 1, 1), NAT_OK);
		CU_ASSERT_EQUAL(nat_admit(&t, 0, 1, 1), NAT_SNAT_EXHAUSTED);
		CU_ASSERT_EQUAL(nat_admit(&t, 0, 3, 1), NAT_OK);  /* a new pair */
		CU_ASSERT_EQUAL(t.used, 3);
		pn[4] = 1;
		CU_ASSERT_EQUAL(nat_admit(&t, 0, 4, 1), NAT_CONNTRACK_FULL_POD_NODE);
		CU_ASSERT_EQUAL(t.used, 3);                       /* no empty pair left */
		nat_fini(&t);
	}
}

/* Many pairs come and go: the pair table stays consistent (backward-shift
 * deletion) and empties when every linger has passed. */
static void capacity_should_keep_the_pair_table_consistent(void)
{
	static int pod_node[(1 << 22) + 1];
	const uint32_t max[1] = { 1000000 };
	struct nat t;

	/* more pairs than the flat table takes: the hash is exercised */
	nat_init(&t, 1, (1 << 22) + 1, max, pod_node, 4, 0.5, 0);
	for (uint32_t i = 0; i < 60000; i++) {
		double now = i * 1e-3;
		uint32_t pod = (i * 7919u) % 3000;

		nat_expire(&t, now);
		CU_ASSERT_EQUAL_FATAL(nat_admit(&t, 0, pod, 1), NAT_OK);
		nat_close(&t, now, 0, pod, 1);
	}
	CU_ASSERT(t.used > 400 && t.used <= 501);
	nat_expire(&t, 1e9);
	CU_ASSERT_EQUAL(t.used, 0);
	CU_ASSERT_EQUAL(t.ct[0], 0);
	for (size_t i = 0; i < t.cap; i++)
		CU_ASSERT_EQUAL_FATAL(t.tab[i].key, 0);
	nat_fini(&t);
}

CU_ErrorCode suite_capacity(void)
{
	static const struct test_case cases[] = {
		{ "capacity_should_match_erlang_c_for_mmc", capacity_should_match_erlang_c_for_mmc },
		{ "capacity_should_match_erlang_c_for_mm1", capacity_should_match_erlang_c_for_mm1 },
		{ "capacity_should_match_pollaczek_khinchine_for_md1", capacity_should_match_pollaczek_khinchine_for_md1 },
		{ "capacity_should_obey_littles_law_per_pod", capacity_should_obey_littles_law_per_pod },
		{ "capacity_should_add_the_second_hop_to_cluster_latency", capacity_should_add_the_second_hop_to_cluster_latency },
		{ "capacity_should_exhaust_snat_ports_under_cluster_only", capacity_should_exhaust_snat_ports_under_cluster_only },
		{ "capacity_should_fill_conntrack", capacity_should_fill_conntrack },
		{ "capacity_should_release_nat_entries_after_the_linger", capacity_should_release_nat_entries_after_the_linger },
		{ "capacity_should_refuse_in_the_kernels_order", capacity_should_refuse_in_the_kernels_order },
		{ "capacity_should_keep_the_pair_table_consistent", capacity_should_keep_the_pair_table_consistent },
		{ NULL, NULL },
	};
	return tests_add("capacity", cases);
}
