/* metrics, proxy, lb and server: skew summaries on hand-computed vectors,
 * the analytic shares of known layouts, the kube-proxy choice rules, and
 * the pod server's queue. */
#include <math.h>
#include <string.h>
#include <CUnit/CUnit.h>

#include "ktsim/lb.h"
#include "ktsim/mem.h"
#include "ktsim/metrics.h"
#include "ktsim/pool.h"
#include "ktsim/proxy.h"
#include "ktsim/server.h"
#include "ktsim/results.h"
#include "tests.h"

static const int zones[8]; /* every hand-built node in zone 0 */

static void metrics_should_compute_skew_of_50_25_25(void)
{
	const double x[] = { 50, 25, 25 };
	struct skew s;

	metrics_skew(x, 3, &s);
	CU_ASSERT_EQUAL(s.pods, 3);
	CU_ASSERT_DOUBLE_EQUAL(s.max_share, 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.min_share, 0.25, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.max_over_mean, 1.5, 1e-12);
	/* mean 100/3, population sd = sqrt(((50-m)^2 + 2(25-m)^2)/3) = 11.785 */
	CU_ASSERT_DOUBLE_EQUAL(s.cv, sqrt(2.0) / 4, 1e-12);
	/* Jain: 100^2 / (3 * 3750) = 0.888... */
	CU_ASSERT_DOUBLE_EQUAL(s.jain, 10000.0 / 11250.0, 1e-12);
	/* Gini: sum |xi - xj| over ordered pairs = 4*25 = 100; / (2 n^2 mean) = 100/(2*9*100/3) */
	CU_ASSERT_DOUBLE_EQUAL(s.gini, 100.0 / 600.0, 1e-12);
}

static void metrics_should_report_perfect_balance(void)
{
	const double x[] = { 7, 7, 7, 7 };
	struct skew s;

	metrics_skew(x, 4, &s);
	CU_ASSERT_DOUBLE_EQUAL(s.max_over_mean, 1, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.cv, 0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.jain, 1, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.gini, 0, 1e-12);
}

static void metrics_should_report_one_hot_load(void)
{
	const double x[] = { 0, 0, 0, 12 };
	struct skew s;

	metrics_skew(x, 4, &s);
	CU_ASSERT_DOUBLE_EQUAL(s.max_share, 1, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.min_share, 0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.max_over_mean, 4, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.jain, 0.25, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.gini, 0.75, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.cv, sqrt(3.0), 1e-12);
}

static void metrics_should_give_zeros_without_load(void)
{
	const double x[] = { 0, 0 };
	struct skew s;

	metrics_skew(x, 2, &s);
	CU_ASSERT_EQUAL(s.pods, 2);
	CU_ASSERT_EQUAL(s.max_over_mean, 0);
	CU_ASSERT_EQUAL(s.jain, 0);
	metrics_skew(NULL, 0, &s);
	CU_ASSERT_EQUAL(s.pods, 0);
}

/* A hand-built cluster: nodes with the given pod counts, one Service. */
static struct cluster *layout(const int *pods_per_node, int nnodes, enum traffic_policy etp)
{
	struct cluster *c = cluster_create();
	int total = 0;

	c->nodes = ks_calloc((size_t)nnodes, sizeof *c->nodes);
	for (int n = 0; n < nnodes; n++) {
		c->nodes[n].name = ks_strdup(n == 0 ? "a" : n == 1 ? "b" : n == 2 ? "c" : "d");
		c->nodes[n].zone = cluster_zone(c, "z");
		total += pods_per_node[n];
	}
	c->nnodes = nnodes;
	c->pods = ks_calloc((size_t)total, sizeof *c->pods);
	for (int n = 0; n < nnodes; n++)
		for (int k = 0; k < pods_per_node[n]; k++) {
			c->pods[c->npods].name = ks_strdup("p");
			c->pods[c->npods].node = n;
			c->pods[c->npods++].ready = 1;
		}
	c->services = ks_calloc(1, sizeof *c->services);
	c->nservices = 1;
	c->services[0].name = ks_strdup("s");
	c->services[0].etp = etp;
	c->services[0].eps = ks_calloc((size_t)total + 1, sizeof(int));
	for (int p = 0; p < total; p++)
		c->services[0].eps[c->services[0].neps++] = p;
	return c;
}

static void expect_of(const int *ppn, int nn, enum traffic_policy etp, int hc, double *share,
		      struct proxy_expect *ex)
{
	struct cluster *c = layout(ppn, nn, etp);
	struct proxy_svc ps;
	struct lb lb;
	double w[8];
	int local[8];

	c->services[0].lb.hc.enabled = hc;
	proxy_svc_init(&ps, c, 0, zones, NULL, NULL);
	for (int n = 0; n < nn; n++)
		local[n] = proxy_local_count(&ps, n);
	lb_init(&lb, c, 0, local, 1);
	lb_weights(&lb, nn, w);
	proxy_expect(&ps, nn, w, PROXY_EXTERNAL, proxy_masquerades(&ps, 0, 0),
		     proxy_masquerades(&ps, 1, 0), share, ex);
	lb_fini(&lb);
	proxy_svc_fini(&ps);
	cluster_destroy(c);
}

static void proxy_should_expect_50_25_25_and_thirds(void)
{
	const int ppn[] = { 1, 2 };
	double sh[3];
	struct proxy_expect ex;

	expect_of(ppn, 2, POLICY_LOCAL, 0, sh, &ex);
	CU_ASSERT_DOUBLE_EQUAL(sh[0], 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(sh[1], 0.25, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(sh[2], 0.25, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ex.second_hop, 0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ex.snat, 0, 1e-12);
	expect_of(ppn, 2, POLICY_CLUSTER, 0, sh, &ex);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_DOUBLE_EQUAL(sh[i], 1.0 / 3, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ex.second_hop, 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ex.snat, 1, 1e-12);
}

static void proxy_should_expect_drops_on_empty_node_unless_health_checked(void)
{
	const int ppn[] = { 1, 2, 0 };
	double sh[3];
	struct proxy_expect ex;

	expect_of(ppn, 3, POLICY_LOCAL, 0, sh, &ex);
	CU_ASSERT_DOUBLE_EQUAL(ex.drop_no_local, 1.0 / 3, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(sh[0], 0.5, 1e-12);
	expect_of(ppn, 3, POLICY_LOCAL, 1, sh, &ex);
	CU_ASSERT_DOUBLE_EQUAL(ex.drop_no_local, 0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(sh[2], 0.25, 1e-12);
	/* Cluster keeps the empty node in the pool and forwards from it. */
	expect_of(ppn, 3, POLICY_CLUSTER, 1, sh, &ex);
	CU_ASSERT_DOUBLE_EQUAL(ex.drop_no_local, 0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ex.second_hop, (2.0 / 3 + 1.0 / 3 + 1) / 3, 1e-12);
}

static void proxy_should_reject_without_endpoints_and_drop_without_local_ones(void)
{
	const int ppn[] = { 0, 2 };
	struct cluster *c = layout(ppn, 2, POLICY_LOCAL);
	struct proxy_svc ps;
	struct rng r;
	int snat = -1, hits[2] = { 0, 0 }, pod = -1;

	rng_init(&r, 42);
	proxy_svc_init(&ps, c, 0, zones, NULL, NULL);
	CU_ASSERT_EQUAL(proxy_pick(&ps, 0, PROXY_EXTERNAL, &r, &pod), PROXY_NO_LOCAL_ENDPOINT);
	for (int i = 0; i < 1000; i++) {
		int ep = proxy_pick(&ps, 1, PROXY_EXTERNAL, &r, &pod);

		CU_ASSERT_FATAL(ep == 0 || ep == 1);
		CU_ASSERT_EQUAL(pod, c->services[0].eps[ep]); /* from the node's list */
		hits[ep]++;
	}
	snat = proxy_masquerades(&ps, 0, 0);
	CU_ASSERT_EQUAL(snat, 0);
	/* Two local endpoints share node b's flows: 500 +- 5 sd (sd = 15.8). */
	CU_ASSERT(abs(hits[0] - 500) < 80);
	ps.nall = 0;
	CU_ASSERT_EQUAL(proxy_pick(&ps, 1, PROXY_EXTERNAL, &r, &pod), PROXY_NO_ENDPOINT);
	proxy_svc_fini(&ps);
	c->services[0].etp = POLICY_CLUSTER;
	proxy_svc_init(&ps, c, 0, zones, NULL, NULL);
	for (int i = 0; i < 20; i++) {
		int ep = proxy_pick(&ps, 0, PROXY_EXTERNAL, &r, &pod);

		CU_ASSERT_FATAL(ep >= 0);
		CU_ASSERT_EQUAL(pod, c->services[0].eps[ep]); /* from all_pod */
	}
	CU_ASSERT_EQUAL(proxy_masquerades(&ps, 0, 0), 1); /* even to a local endpoint */
	proxy_svc_fini(&ps);
	cluster_destroy(c);
}

static void lb_should_cycle_round_robin_and_skip_excluded_nodes(void)
{
	const int ppn[] = { 1, 1, 1 };
	struct cluster *c = layout(ppn, 3, POLICY_CLUSTER);
	struct lb lb;
	int local[3] = { 1, 1, 1 };
	double w[3];

	c->services[0].lb.mode = LB_ROUND_ROBIN;
	c->nodes[1].labels.kv = ks_calloc(1, sizeof(struct label));
	c->nodes[1].labels.kv[0].key = ks_strdup("node.kubernetes.io/exclude-from-external-load-balancers");
	c->nodes[1].labels.kv[0].value = ks_strdup("");
	c->nodes[1].labels.n = 1;
	lb_init(&lb, c, 0, local, 1);
	CU_ASSERT_EQUAL(lb.npool, 2);
	CU_ASSERT_EQUAL(lb_pick(&lb, 0, 0), 0);
	CU_ASSERT_EQUAL(lb_pick(&lb, 0, 0), 2);
	CU_ASSERT_EQUAL(lb_pick(&lb, 0, 0), 0);
	lb_weights(&lb, 3, w);
	CU_ASSERT_DOUBLE_EQUAL(w[1], 0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(w[2], 0.5, 1e-12);
	lb_fini(&lb);
	/* A client addressing a NodePort directly is not bound by the label. */
	c->services[0].lb.mode = LB_DIRECT;
	c->services[0].lb.target = LB_TARGET_EACH_NODE;
	lb_init(&lb, c, 0, local, 1);
	CU_ASSERT_EQUAL(lb.npool, 3);
	lb_fini(&lb);
	cluster_destroy(c);
}

struct rec {
	uint32_t next;
	int id;
};

static void server_should_queue_fifo_and_refuse_when_full(void)
{
	struct server sv;
	struct pool p;
	struct dist d;
	double one = 1;
	char msg[64];
	uint32_t f[5];

	pool_init(&p, sizeof(struct rec), 100);
	dist_set(&d, DIST_CONST, &one, msg, sizeof msg);
	server_init(&sv, 2, 2, &d, 1);
	for (int i = 0; i < 5; i++) {
		f[i] = pool_get(&p);
		((struct rec *)pool_at(&p, f[i]))->id = i;
	}
	CU_ASSERT_EQUAL(server_arrive(&sv, &p, f[0], 0), SERVER_START);
	CU_ASSERT_EQUAL(server_arrive(&sv, &p, f[1], 0), SERVER_START);
	CU_ASSERT_EQUAL(server_arrive(&sv, &p, f[2], 0), SERVER_QUEUED);
	CU_ASSERT_EQUAL(server_arrive(&sv, &p, f[3], 0), SERVER_QUEUED);
	CU_ASSERT_EQUAL(server_arrive(&sv, &p, f[4], 0), SERVER_FULL);
	CU_ASSERT_EQUAL(server_depart(&sv, &p, 1), f[2]);
	CU_ASSERT_EQUAL(server_depart(&sv, &p, 1), f[3]);
	CU_ASSERT_EQUAL(server_depart(&sv, &p, 2), POOL_NONE);
	CU_ASSERT_EQUAL(server_depart(&sv, &p, 3), POOL_NONE);
	/* Busy workers: 2 during [0, 2), 1 during [2, 3): area 5 worker-seconds. */
	CU_ASSERT_DOUBLE_EQUAL(server_busy_area(&sv, 4), 5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(server_service_s(&sv), 1e-3, 1e-15);
	pool_fini(&p);
}

/* The queue is a circle through the records (tail's next is the head): FIFO
 * order holds as arrivals and departures interleave, and a killed pod hands
 * back its queue as a list ending in POOL_NONE. */
static void server_should_keep_fifo_order_and_hand_back_its_queue(void)
{
	struct server sv;
	struct pool p;
	struct dist d;
	double one = 1;
	char msg[64];
	uint32_t f[6], x;

	pool_init(&p, sizeof(struct rec), 100);
	dist_set(&d, DIST_CONST, &one, msg, sizeof msg);
	server_init(&sv, 1, 10, &d, 1);
	for (int i = 0; i < 6; i++)
		f[i] = pool_get(&p);
	CU_ASSERT_EQUAL(server_arrive(&sv, &p, f[0], 0), SERVER_START);
	for (int i = 1; i <= 3; i++)
		CU_ASSERT_EQUAL(server_arrive(&sv, &p, f[i], 0), SERVER_QUEUED);
	CU_ASSERT_EQUAL(server_depart(&sv, &p, 1), f[1]);
	CU_ASSERT_EQUAL(server_arrive(&sv, &p, f[4], 1), SERVER_QUEUED);
	CU_ASSERT_EQUAL(server_depart(&sv, &p, 2), f[2]);
	CU_ASSERT_EQUAL(server_arrive(&sv, &p, f[5], 2), SERVER_QUEUED);
	CU_ASSERT_EQUAL(sv.qlen, 3);
	x = server_kill(&sv, &p, 3);
	for (int i = 3; i <= 5; i++) {
		CU_ASSERT_EQUAL_FATAL(x, f[i]);
		x = ((struct rec *)pool_at(&p, x))->next;
	}
	CU_ASSERT_EQUAL(x, POOL_NONE);
	CU_ASSERT_EQUAL(sv.qlen, 0);
	CU_ASSERT_EQUAL(sv.busy, 0);
	/* a pod with an empty queue hands back nothing */
	CU_ASSERT_EQUAL(server_arrive(&sv, &p, f[0], 4), SERVER_START);
	CU_ASSERT_EQUAL(server_kill(&sv, &p, 5), POOL_NONE);
	pool_fini(&p);
}

/* Up to METRICS_NODE_ROWS Service x node pairs each Service has its node
 * rows; beyond, all Services share one row per node, merged once. Per-pod
 * histograms turn coarse beyond METRICS_FINE_EPS endpoints. */
static void metrics_should_share_node_rows_beyond_the_limit(void)
{
	int neps[2] = { 3, 2 }, many[2] = { METRICS_FINE_EPS, 1 };
	struct metrics a, b;

	metrics_init(&a, 2, neps, METRICS_NODE_ROWS / 2, 5);
	CU_ASSERT_EQUAL(a.node_detail, 1);
	CU_ASSERT_PTR_NOT_EQUAL(a.svc[0].nodes, a.svc[1].nodes);
	CU_ASSERT_EQUAL(a.svc[1].eps[0].latency_ms.bits, HISTO_FINE);
	metrics_fini(&a);
	metrics_init(&a, 2, neps, METRICS_NODE_ROWS / 2 + 1, 5);
	metrics_init(&b, 2, neps, METRICS_NODE_ROWS / 2 + 1, 5);
	CU_ASSERT_EQUAL(a.node_detail, 0);
	CU_ASSERT_PTR_EQUAL(a.svc[0].nodes, a.svc[1].nodes);
	a.svc[1].nodes[7].lb_flows = 2;
	b.svc[0].nodes[7].lb_flows = 3;
	metrics_merge(&a, &b);
	CU_ASSERT_EQUAL(a.svc[0].nodes[7].lb_flows, 5);
	metrics_fini(&a);
	metrics_fini(&b);
	metrics_init(&a, 2, many, 2, 5);
	CU_ASSERT_EQUAL(a.svc[0].latency_ms.bits, HISTO_FINE);
	CU_ASSERT_EQUAL(a.svc[0].eps[0].latency_ms.bits, HISTO_COARSE);
	metrics_fini(&a);
}

/* With fine per-pod histograms a Service's latency is summed from its
 * endpoints' when the run ends, and equals what adding each request to the
 * Service would give; with coarse ones the Service keeps its own (fine)
 * histogram and the fold leaves it alone. */
static void metrics_should_sum_service_latency_from_its_endpoints(void)
{
	int neps[2] = { 3, 2 }, many[1] = { METRICS_FINE_EPS + 1 };
	struct metrics a;
	struct histo direct;
	double sum = 0;

	metrics_init(&a, 2, neps, 4, 5);
	CU_ASSERT_EQUAL(a.svc_from_eps, 1);
	histo_init(&direct, HISTO_FINE);
	for (int k = 0; k < 3000; k++) {
		double ms = 0.1 + (k % 97) * 0.37 + (k % 3) * 11.0;
		struct ep_stats *es = &a.svc[0].eps[k % 3];

		tally_add(&es->latency, ms);
		histo_add(&es->latency_ms, ms);
		histo_add(&direct, ms);
		sum += ms;
		if (k % 10 == 0) { /* the other Service's requests stay its own */
			tally_add(&a.svc[1].eps[1].latency, 1e3);
			histo_add(&a.svc[1].eps[1].latency_ms, 1e3);
		}
	}
	metrics_fold_latency(&a);
	CU_ASSERT_EQUAL(a.svc[0].latency.n, 3000);
	CU_ASSERT_DOUBLE_EQUAL(a.svc[0].latency.sum, sum, 1e-9 * sum);
	CU_ASSERT_EQUAL(a.svc[0].latency_ms.n, 3000);
	CU_ASSERT_EQUAL(a.svc[0].latency_ms.max, direct.max);
	for (int q = 1; q < 1000; q += 7)
		CU_ASSERT_EQUAL(histo_quantile(&a.svc[0].latency_ms, q / 1000.0),
				histo_quantile(&direct, q / 1000.0));
	CU_ASSERT_EQUAL(a.svc[1].latency.n, 300);
	CU_ASSERT_DOUBLE_EQUAL(histo_quantile(&a.svc[1].latency_ms, 0.5), 1e3, 1e3 * 0.008);
	histo_fini(&direct);
	metrics_fini(&a);

	metrics_init(&a, 1, many, 2, 5);
	CU_ASSERT_EQUAL(a.svc_from_eps, 0);
	tally_add(&a.svc[0].latency, 2.0);
	histo_add(&a.svc[0].latency_ms, 2.0);
	tally_add(&a.svc[0].eps[0].latency, 2.0);
	histo_add(&a.svc[0].eps[0].latency_ms, 2.0);
	metrics_fold_latency(&a);
	CU_ASSERT_EQUAL(a.svc[0].latency.n, 1);
	CU_ASSERT_EQUAL(a.svc[0].latency_ms.n, 1);
	metrics_fini(&a);
}

/* The summary's selections: a table past 24 rows shows the 10 largest and
 * the 5 smallest (ties in row order); the Services shown in full are the k
 * largest of one figure and the k largest positive of another. */
static void results_should_pick_the_rows_and_services_a_summary_shows(void)
{
	double key[30], x[6] = { 1, 5, 5, 2, 0, 9 }, y[6] = { 0, 0, 0.5, 0, 0.1, 0 };
	int row[30], pick[6] = { 0 }, top;

	for (int i = 0; i < 30; i++)
		key[i] = i % 3 == 0 ? 100 - i : i % 3;
	top = results_table_rows(key, 24, row);
	CU_ASSERT_EQUAL(top, 24);
	for (int i = 0; i < 24; i++)
		CU_ASSERT_EQUAL(row[i], i);
	top = results_table_rows(key, 30, row);
	CU_ASSERT_EQUAL(top, RESULTS_TABLE_TOP);
	for (int k = 0; k < 10; k++) /* 100, 97, ..., 73: rows 0, 3, ..., 27 */
		CU_ASSERT_EQUAL(row[k], 3 * k);
	for (int k = 1; k < 30; k++)
		CU_ASSERT(key[row[k]] <= key[row[k - 1]]);
	/* the smallest five: the last rows with 1 (7, 10, ... 28), in row order */
	CU_ASSERT_EQUAL(row[25], 16);
	CU_ASSERT_EQUAL(row[29], 28);
	CU_ASSERT(results_table_hidden(10, 30, top) && results_table_hidden(24, 30, top));
	CU_ASSERT(!results_table_hidden(9, 30, top) && !results_table_hidden(25, 30, top));
	CU_ASSERT(!results_table_hidden(12, 20, 20));
	CU_ASSERT_EQUAL(results_pick_top(x, y, 6, 2, pick), 2);
	CU_ASSERT_EQUAL(pick[5], 1); /* 9 */
	CU_ASSERT_EQUAL(pick[1], 1); /* the first 5 */
	CU_ASSERT_EQUAL(pick[2], 2); /* 0.5, not the second 5 */
	CU_ASSERT_EQUAL(pick[4], 2);
	CU_ASSERT_EQUAL(pick[0] | pick[3], 0);
	{
		/* a Service over every pod of the scale envelope: 200,000 rows
		 * in order, ties kept in row order */
		enum { BIG = 200000 };
		double *bk = ks_calloc(BIG, sizeof *bk);
		int *br = ks_calloc(BIG, sizeof *br), sorted = 1;

		for (int i = 0; i < BIG; i++)
			bk[i] = (double)((i * 7919) % 1000);
		CU_ASSERT_EQUAL(results_table_rows(bk, BIG, br), RESULTS_TABLE_TOP);
		for (int k = 1; k < BIG; k++)
			sorted &= bk[br[k]] < bk[br[k - 1]] ||
				  (bk[br[k]] == bk[br[k - 1]] && br[k] > br[k - 1]);
		CU_ASSERT(sorted);
		ks_free(br);
		ks_free(bk);
	}
}

CU_ErrorCode suite_metrics(void)
{
	static const struct test_case cases[] = {
		{ "metrics_should_compute_skew_of_50_25_25", metrics_should_compute_skew_of_50_25_25 },
		{ "metrics_should_report_perfect_balance", metrics_should_report_perfect_balance },
		{ "metrics_should_report_one_hot_load", metrics_should_report_one_hot_load },
		{ "metrics_should_give_zeros_without_load", metrics_should_give_zeros_without_load },
		{ "proxy_should_expect_50_25_25_and_thirds", proxy_should_expect_50_25_25_and_thirds },
		{ "proxy_should_expect_drops_on_empty_node_unless_health_checked", proxy_should_expect_drops_on_empty_node_unless_health_checked },
		{ "proxy_should_reject_without_endpoints_and_drop_without_local_ones", proxy_should_reject_without_endpoints_and_drop_without_local_ones },
		{ "lb_should_cycle_round_robin_and_skip_excluded_nodes", lb_should_cycle_round_robin_and_skip_excluded_nodes },
		{ "server_should_queue_fifo_and_refuse_when_full", server_should_queue_fifo_and_refuse_when_full },
		{ "server_should_keep_fifo_order_and_hand_back_its_queue", server_should_keep_fifo_order_and_hand_back_its_queue },
		{ "metrics_should_share_node_rows_beyond_the_limit", metrics_should_share_node_rows_beyond_the_limit },
		{ "metrics_should_sum_service_latency_from_its_endpoints",
		  metrics_should_sum_service_latency_from_its_endpoints },
		{ "results_should_pick_the_rows_and_services_a_summary_shows",
		  results_should_pick_the_rows_and_services_a_summary_shows },
		{ NULL, NULL },
	};
	return tests_add("metrics", cases);
}
