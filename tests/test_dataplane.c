/* dataplane: each external load balancer mode and data-plane rule checked
 * against its defining property, end to end (scenario in, shares out).
 * Shares are compared with 5 binomial standard errors of the routed flows. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <CUnit/CUnit.h>

#include "ktsim/lb.h"
#include "ktsim/proxy.h"
#include "ktsim/scenario.h"
#include "ktsim/sim.h"
#include "tests.h"

struct run {
	struct cluster *c;
	struct sim *s;
	const struct svc_stats *ss;
};

/* Two zones: za holds node a (1 pod); zb holds b (2 pods) and c (none). */
static const char LAYOUT[] =
	"{\"duration_s\": 40, \"nodes\": [{\"name\": \"a\", \"zone\": \"za\"}, {\"name\": \"b\", \"zone\": \"zb\"},"
	" {\"name\": \"c\", \"zone\": \"zb\"}],"
	" \"workloads\": [{\"name\": \"w\", \"replicas\": 3, \"labels\": {\"app\": \"w\"}, \"pin\": [\"a\", \"b\", \"b\"],"
	"  \"server\": {\"concurrency\": 64}}],"
	" \"services\": [{\"name\": \"s\", \"type\": \"LoadBalancer\", \"selector\": {\"app\": \"w\"},"
	"  \"externalTrafficPolicy\": \"Local\"}],"
	" \"clients\": [{\"name\": \"c\", \"service\": \"s\", \"count\": 100000, \"cidr\": \"10.0.0.0/8\","
	"  \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 1000}}]}";

static void run(struct run *r, const char *const *sets, int nsets)
{
	r->c = tests_load_text(LAYOUT, sets, nsets, NULL);
	r->s = sim_create(r->c, r->c->seed, 0);
	sim_run(r->s, NULL, NULL);
	r->ss = &sim_metrics(r->s)->svc[0];
}

static void done(struct run *r)
{
	sim_destroy(r->s);
	cluster_destroy(r->c);
}

static double share(const struct run *r, int ep)
{
	return (double)r->ss->eps[ep].flows / (double)r->ss->routed;
}

static int near(double x, double p, uint64_t n)
{
	double tol = 5 * sqrt(p * (1 - p) / (double)n) + 1e-12;

	if (fabs(x - p) <= tol)
		return 1;
	fprintf(stderr, "\n  %.5f vs %.5f (+- %.5f)\n", x, p, tol);
	return 0;
}

static void assert_shares(const struct run *r, double a, double b, double c)
{
	const double want[3] = { a, b, c };

	for (int i = 0; i < 3; i++) {
		CU_ASSERT(near(share(r, i), want[i], r->ss->routed));
		CU_ASSERT_DOUBLE_EQUAL(r->ss->expected_share[i], want[i], 1e-12);
	}
}

/* GKE pods-per-node / TKE weighted balance: node weight = its ready pods, so
 * every pod gets the same share under Local. */
static void dataplane_should_give_equal_pod_shares_with_a_weighted_lb(void)
{
	const char *sets[] = { "loadBalancer={\"mode\": \"weighted\"}" };
	struct run r;

	run(&r, sets, 1);
	assert_shares(&r, 1.0 / 3, 1.0 / 3, 1.0 / 3);
	CU_ASSERT_EQUAL(r.ss->dropped, 0);
	CU_ASSERT_EQUAL(r.ss->nodes[2].lb_flows, 0);
	done(&r);
}

/* TKE only-bind-node-with-pod: the empty node is not a backend, even
 * without health checks; nodes are still even, so 50/25/25. */
static void dataplane_should_bind_only_nodes_with_pods(void)
{
	const char *sets[] = { "loadBalancer={\"mode\": \"only-nodes-with-pods\"}" };
	struct run r;

	run(&r, sets, 1);
	assert_shares(&r, 0.5, 0.25, 0.25);
	CU_ASSERT_EQUAL(r.ss->dropped, 0);
	done(&r);
}

/* MetalLB L2: one leader node takes everything; under Local it is chosen
 * among nodes with a ready endpoint, so nothing is dropped. */
static void dataplane_should_send_everything_to_the_l2_leader(void)
{
	const char *sets[] = { "loadBalancer={\"mode\": \"l2\"}" };
	struct run r;
	int leaders = 0;

	run(&r, sets, 1);
	for (int n = 0; n < 3; n++) {
		leaders += r.ss->nodes[n].lb_flows > 0;
		if (r.ss->nodes[n].lb_flows > 0)
			CU_ASSERT_EQUAL(r.ss->nodes[n].lb_flows, r.ss->offered);
	}
	CU_ASSERT_EQUAL(leaders, 1);
	CU_ASSERT_EQUAL(r.ss->nodes[2].lb_flows, 0); /* no endpoint: never leader under Local */
	CU_ASSERT_EQUAL(r.ss->dropped, 0);
	done(&r);
}

/* MetalLB BGP: only nodes with a ready endpoint announce under Local; the
 * router's ECMP hash spreads flows evenly over them. */
static void dataplane_should_ecmp_over_announcing_nodes_with_bgp(void)
{
	const char *sets[] = { "loadBalancer={\"mode\": \"bgp\"}" };
	struct run r;

	run(&r, sets, 1);
	assert_shares(&r, 0.5, 0.25, 0.25);
	CU_ASSERT_EQUAL(r.ss->dropped, 0);
	done(&r);
}

/* AWS NLB with cross-zone off: even over zones first; zb's half goes to its
 * nodes b and c, and c has no pod (no health check): 1/4 dropped. With
 * cross-zone on, nodes are even: 1/3 dropped. */
static void dataplane_should_split_by_zone_first_without_cross_zone(void)
{
	const char *off[] = { "loadBalancer={\"mode\": \"zonal\"}" };
	const char *on[] = { "loadBalancer={\"mode\": \"zonal\", \"cross_zone\": true}" };
	struct run r;

	run(&r, off, 1);
	CU_ASSERT(near((double)r.ss->nodes[0].lb_flows / r.ss->offered, 0.5, r.ss->offered));
	CU_ASSERT(near((double)r.ss->dropped / r.ss->offered, 0.25, r.ss->offered));
	/* a: 1/2 of all, b's pods 1/8 each, of the 3/4 routed */
	assert_shares(&r, 2.0 / 3, 1.0 / 6, 1.0 / 6);
	done(&r);
	run(&r, on, 1);
	CU_ASSERT(near((double)r.ss->dropped / r.ss->offered, 1.0 / 3, r.ss->offered));
	assert_shares(&r, 0.5, 0.25, 0.25);
	done(&r);
}

/* Azure-style 5-tuple hash: the same client address and port always reach
 * the same node; many clients spread evenly. */
static void dataplane_should_stick_a_5_tuple_to_one_node_with_hash(void)
{
	const char *sets[] = { "loadBalancer={\"mode\": \"hash\", \"healthCheck\": {}}" };
	struct run r;
	int hits[3] = { 0, 0, 0 }, first;

	run(&r, sets, 1);
	assert_shares(&r, 0.5, 0.25, 0.25);
	first = lb_pick(&(struct lb){ 0 }, 1, 1); /* empty pool */
	CU_ASSERT_EQUAL(first, -1);
	{
		struct lb lb;
		int local[3] = { 1, 2, 0 };

		lb_init(&lb, r.c, 0, local, 1);
		CU_ASSERT_EQUAL(lb.npool, 2);
		for (uint32_t k = 0; k < 20000; k++) {
			int n = lb_pick(&lb, 0x0a000000u + k, 40000);

			CU_ASSERT_EQUAL_FATAL(n, lb_pick(&lb, 0x0a000000u + k, 40000));
			hits[n]++;
		}
		CU_ASSERT(near(hits[0] / 20000.0, 0.5, 20000));
		CU_ASSERT_EQUAL(hits[2], 0);
		lb_fini(&lb);
	}
	done(&r);
}

/* Cilium kube-proxy replacement: snat masquerades only forwarded flows,
 * dsr none (client IP kept even under Cluster), hybrid only UDP ones. */
static void dataplane_should_masquerade_per_cilium_forwarding_mode(void)
{
	const char *snat[] = { "services[0].externalTrafficPolicy=Cluster",
			       "proxy={\"mode\": \"ebpf\"}" };
	const char *dsr[] = { "services[0].externalTrafficPolicy=Cluster",
			      "proxy={\"mode\": \"ebpf\", \"snat\": \"dsr\"}" };
	const char *hyb_tcp[] = { "services[0].externalTrafficPolicy=Cluster",
				  "proxy={\"mode\": \"ebpf\", \"snat\": \"hybrid\"}" };
	const char *hyb_udp[] = { "services[0].externalTrafficPolicy=Cluster",
				  "proxy={\"mode\": \"ebpf\", \"snat\": \"hybrid\"}",
				  "clients[0].protocol=UDP" };
	struct run r;

	run(&r, snat, 2);
	CU_ASSERT(r.ss->hops2 > 0);
	CU_ASSERT_EQUAL(r.ss->snat, r.ss->hops2);
	CU_ASSERT_DOUBLE_EQUAL(r.ss->expect.snat, r.ss->expect.second_hop, 1e-12);
	done(&r);
	run(&r, dsr, 2);
	CU_ASSERT(r.ss->hops2 > 0);
	CU_ASSERT_EQUAL(r.ss->snat, 0);
	CU_ASSERT_DOUBLE_EQUAL(r.ss->expect.snat, 0, 1e-12);
	done(&r);
	run(&r, hyb_tcp, 2);
	CU_ASSERT_EQUAL(r.ss->snat, 0);
	done(&r);
	run(&r, hyb_udp, 3);
	CU_ASSERT_EQUAL(r.ss->snat, r.ss->hops2);
	done(&r);
}

/* In-cluster clients, on a three-node two-zone layout: api pods on a, b
 * (zone z1) and c (z2); web pods (the callers) on a, a and c. */
static const char INCLUSTER[] =
	"{\"duration_s\": 40, \"nodes\": [{\"name\": \"a\", \"zone\": \"z1\"}, {\"name\": \"b\", \"zone\": \"z1\"},"
	" {\"name\": \"c\", \"zone\": \"z2\"}, {\"name\": \"d\", \"zone\": \"z2\"}],"
	" \"workloads\": [{\"name\": \"api\", \"replicas\": 3, \"labels\": {\"app\": \"api\"}, \"pin\": [\"a\", \"b\", \"c\"],"
	"  \"server\": {\"concurrency\": 64}},"
	"  {\"name\": \"web\", \"replicas\": 3, \"labels\": {\"app\": \"web\"}, \"pin\": [\"a\", \"a\", \"c\"]}],"
	" \"services\": [{\"name\": \"api\", \"type\": \"LoadBalancer\", \"selector\": {\"app\": \"api\"},"
	"  \"externalTrafficPolicy\": \"Local\"}],"
	" \"clients\": [{\"name\": \"web\", \"service\": \"api\", \"location\": \"pod\", \"from_workload\": \"web\","
	"  \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 1000}}]}";

static void run_text(struct run *r, const char *text, const char *const *sets, int nsets)
{
	r->c = tests_load_text(text, sets, nsets, NULL);
	r->s = sim_create(r->c, r->c->seed, 0);
	sim_run(r->s, NULL, NULL);
	r->ss = &sim_metrics(r->s)->svc[0];
}

/* ClusterIP: every pod alike; internalTrafficPolicy Local keeps callers on
 * their node (a has api-0; c has api-2), and a caller's node without an
 * endpoint drops (d). */
static void dataplane_should_apply_internal_traffic_policy(void)
{
	const char *local[] = { "services[0].internalTrafficPolicy=Local" };
	const char *from_d[] = { "services[0].internalTrafficPolicy=Local",
				 "clients[0]={\"name\": \"x\", \"service\": \"api\", \"location\": \"pod\","
				 " \"from_nodes\": [\"a\", \"d\"], \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 1000}}" };
	struct run r;

	run_text(&r, INCLUSTER, NULL, 0);
	assert_shares(&r, 1.0 / 3, 1.0 / 3, 1.0 / 3);
	CU_ASSERT_EQUAL(r.ss->snat, 0);
	done(&r);
	run_text(&r, INCLUSTER, local, 1);
	assert_shares(&r, 2.0 / 3, 0, 1.0 / 3);
	CU_ASSERT_EQUAL(r.ss->hops2, 0);
	done(&r);
	run_text(&r, INCLUSTER, from_d, 2);
	CU_ASSERT(near((double)r.ss->drops[DROP_NO_LOCAL_ENDPOINT] / r.ss->offered, 0.5, r.ss->offered));
	done(&r);
}

/* trafficDistribution: PreferSameZone keeps traffic in the zone when the
 * zone has endpoints; PreferSameNode prefers the node, then the zone. */
static void dataplane_should_prefer_close_endpoints(void)
{
	const char *zone[] = { "services[0].trafficDistribution=PreferSameZone" };
	const char *node[] = { "services[0].trafficDistribution=PreferSameNode" };
	struct run r;

	run_text(&r, INCLUSTER, zone, 1);
	/* from a (2/3): api-0, api-1 half each; from c (1/3): api-2 */
	assert_shares(&r, 1.0 / 3, 1.0 / 3, 1.0 / 3);
	CU_ASSERT_EQUAL(r.ss->cross_zone, 0);
	CU_ASSERT(r.ss->hops2 > 0);
	done(&r);
	run_text(&r, INCLUSTER, node, 1);
	assert_shares(&r, 2.0 / 3, 0, 1.0 / 3);
	CU_ASSERT_EQUAL(r.ss->hops2, 0);
	done(&r);
}

/* A pod dialling a Local Service's LoadBalancer IP is short-circuited to
 * the Cluster chain: no drop on a node without an endpoint, no SNAT; a host
 * process doing the same is masqueraded. */
static void dataplane_should_short_circuit_in_cluster_traffic_to_the_lb_ip(void)
{
	const char *pod[] = { "clients[0].via=loadBalancer", "clients[0].from_workload=api",
			      "clients[0].location=pod" };
	const char *host[] = { "clients[0]={\"name\": \"h\", \"service\": \"api\", \"location\": \"host\","
			       " \"via\": \"loadBalancer\", \"from_nodes\": [\"d\"],"
			       " \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 1000}}" };
	struct run r;

	run_text(&r, INCLUSTER, pod, 3);
	CU_ASSERT_EQUAL(r.ss->dropped, 0);
	CU_ASSERT_EQUAL(r.ss->snat, 0);
	assert_shares(&r, 1.0 / 3, 1.0 / 3, 1.0 / 3);
	done(&r);
	run_text(&r, INCLUSTER, host, 1);
	CU_ASSERT_EQUAL(r.ss->dropped, 0);
	CU_ASSERT_EQUAL(r.ss->snat, r.ss->routed);
	done(&r);
}

/* A headless Service: clients take pod IPs in DNS order, so the shares are
 * exactly even (round-robin), with no proxy and no SNAT. */
static void dataplane_should_round_robin_dns_for_headless_services(void)
{
	const char *sets[] = { "services[0]={\"name\": \"api\", \"clusterIP\": \"None\", \"selector\": {\"app\": \"api\"}}" };
	struct run r;

	run_text(&r, INCLUSTER, sets, 1);
	for (int i = 0; i < 3; i++)
		CU_ASSERT(llabs((long long)r.ss->eps[i].flows * 3 - (long long)r.ss->routed) <= 3);
	CU_ASSERT_EQUAL(r.ss->snat, 0);
	done(&r);
}

/* IPVS lc and wlc count a closed connection as inactive while it lingers
 * (TIME_WAIT, T = 120 s) and pick the least activeconns * 256 + inactconns.
 * Over a long run each server's mean active count is lambda_i S_i and its
 * inactive count lambda_i T (Little), and lc keeps the two servers'
 * overheads within about one connection's 256 of each other, so lambda_i
 * (256 S_i + T) is the same for both: with one pod holding a connection 1 ms
 * and the other 500 ms, the slow one gets (1/248) / (1/248 + 1/120.256) =
 * 0.3265 of the connections (rr would give 0.5; counting active
 * connections only, a few percent). The 256 of slack over ~16,000 of
 * overhead bounds the error to ~1.6% of the share. */
static void dataplane_should_weigh_lingering_connections_in_ipvs_lc(void)
{
	static const char text[] =
		"{\"duration_s\": 450, \"warmup_s\": 150, \"nodes\": [{\"name\": \"a\"}],"
		" \"workloads\": ["
		"  {\"name\": \"fast\", \"replicas\": 1, \"labels\": {\"app\": \"w\"},"
		"   \"server\": {\"concurrency\": 256, \"service_time_ms\": {\"dist\": \"const\", \"value\": 1}}},"
		"  {\"name\": \"slow\", \"replicas\": 1, \"labels\": {\"app\": \"w\"},"
		"   \"server\": {\"concurrency\": 256, \"service_time_ms\": {\"dist\": \"const\", \"value\": 500}}}],"
		" \"services\": [{\"name\": \"s\", \"type\": \"LoadBalancer\", \"selector\": {\"app\": \"w\"}}],"
		" \"proxy\": {\"mode\": \"ipvs\", \"ipvs_scheduler\": \"lc\"},"
		" \"clients\": [{\"name\": \"c\", \"service\": \"s\", \"count\": 100000, \"cidr\": \"10.0.0.0/8\","
		"  \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 200}}]}";
	const char *wlc[] = { "proxy={\"mode\": \"ipvs\", \"ipvs_scheduler\": \"wlc\"}" };
	double expect = (1 / 248.0) / (1 / 248.0 + 1 / 120.256);

	for (int k = 0; k < 2; k++) {
		struct run r;
		int slow;

		r.c = tests_load_text(text, wlc, k, NULL);
		r.s = sim_create(r.c, r.c->seed, 0);
		sim_run(r.s, NULL, NULL);
		r.ss = &sim_metrics(r.s)->svc[0];
		slow = strcmp(r.c->pods[r.c->services[0].eps[0]].name, "slow-0") == 0 ? 0 : 1;
		printf("%s: slow pod %.4f of %llu, expected %.4f ", k ? "wlc" : "lc", share(&r, slow),
		       (unsigned long long)r.ss->routed, expect);
		CU_ASSERT_DOUBLE_EQUAL(share(&r, slow), expect, 0.016 * expect);
		done(&r);
	}
}

/* A SYN dropped by a full conntrack table at its entry node dies at
 * PREROUTING, before IPVS's LOCAL_IN hook would schedule it: it leaves no
 * IPVS connection. One dropped further on (masquerade out of ports, or the
 * pod's node's table full) leaves one that lingers as inactive. Node a's
 * table fills with the 120 s TIME_WAIT (about half the flows dropped), b's
 * (holding the slow pod) more so. sim_run checks at the end that every
 * connection lc counts active belongs to an open flow, and aborts if not. */
static void dataplane_should_leave_no_ipvs_connection_for_dropped_flows(void)
{
	static const char text[] =
		"{\"duration_s\": 300, \"warmup_s\": 150, \"nodes\": [{\"name\": \"a\", \"conntrack_max\": 12000},"
		"  {\"name\": \"b\", \"conntrack_max\": 3000}],"
		" \"workloads\": ["
		"  {\"name\": \"fast\", \"replicas\": 1, \"labels\": {\"app\": \"w\"}, \"pin\": [\"a\"],"
		"   \"server\": {\"concurrency\": 256, \"service_time_ms\": {\"dist\": \"const\", \"value\": 1}}},"
		"  {\"name\": \"slow\", \"replicas\": 1, \"labels\": {\"app\": \"w\"}, \"pin\": [\"b\"],"
		"   \"server\": {\"concurrency\": 256, \"service_time_ms\": {\"dist\": \"const\", \"value\": 500}}}],"
		" \"services\": [{\"name\": \"s\", \"type\": \"LoadBalancer\", \"selector\": {\"app\": \"w\"}}],"
		" \"proxy\": {\"mode\": \"ipvs\", \"ipvs_scheduler\": \"lc\"},"
		" \"clients\": [{\"name\": \"c\", \"service\": \"s\", \"count\": 100000, \"cidr\": \"10.0.0.0/8\","
		"  \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 200}}]}";
	struct run r;

	r.c = tests_load_text(text, NULL, 0, NULL);
	r.s = sim_create(r.c, r.c->seed, 0);
	sim_run(r.s, NULL, NULL);
	r.ss = &sim_metrics(r.s)->svc[0];
	printf("%llu of %llu dropped, conntrack full ", (unsigned long long)r.ss->dropped,
	       (unsigned long long)r.ss->offered);
	CU_ASSERT(r.ss->drops[DROP_CONNTRACK_FULL] > r.ss->offered / 4);
	CU_ASSERT_EQUAL(r.ss->drops[DROP_CONNTRACK_FULL], r.ss->dropped);
	done(&r);
}

/* kube-proxy IPVS: rr on each node is exact (every node cycles its own
 * list); dh sends a node's whole Service to one pod, which pod depending on
 * that node's list order (kube-proxy's Go-map order, its own on each
 * node): over four seeds the measured split matches the expected one, and
 * the nodes do not all agree. */
static void dataplane_should_schedule_like_ipvs(void)
{
	const char *rr[] = { "services[0].externalTrafficPolicy=Cluster",
			     "proxy={\"mode\": \"ipvs\"}", "loadBalancer={\"mode\": \"round-robin\"}" };
	const char *dh[] = { "services[0].externalTrafficPolicy=Cluster",
			     "proxy={\"mode\": \"ipvs\", \"ipvs_scheduler\": \"dh\"}" };
	struct run r;
	int split = 0;

	run(&r, rr, 3);
	/* the LB alternates a, b, c; each node's rr cycles its 3 servers */
	for (int i = 0; i < 3; i++)
		CU_ASSERT(llabs((long long)r.ss->eps[i].flows * 3 - (long long)r.ss->routed) <= 9);
	CU_ASSERT_EQUAL(r.ss->snat, r.ss->routed);
	done(&r);
	for (uint64_t seed = 1; seed <= 4; seed++) {
		int pods = 0;

		r.c = tests_load_text(LAYOUT, dh, 2, NULL);
		r.s = sim_create(r.c, seed, 0);
		sim_run(r.s, NULL, NULL);
		r.ss = &sim_metrics(r.s)->svc[0];
		for (int i = 0; i < 3; i++) {
			double e = r.ss->expected_share[i];

			/* a third of the flows per node (the LB's even split) */
			CU_ASSERT(fabs(e * 3 - round(e * 3)) < 1e-9);
			CU_ASSERT(near(share(&r, i), e, r.ss->routed));
			pods += r.ss->eps[i].flows > 0;
		}
		split |= pods > 1;
		done(&r);
	}
	CU_ASSERT(split);
}

/* Every node's IPVS starts its list at its own place, so a big cluster
 * whose nodes each send a Service a few connections spreads them over the
 * pods. Were the order the same on every node, each node's first
 * connection (rr from the list head; lc, wlc, sed, nq on all-zero ties)
 * would go to one pod: half of the flows here, 2 per node over 200 nodes. */
static void dataplane_should_not_send_every_nodes_first_connection_to_one_pod(void)
{
	static const char text[] =
		"{\"duration_s\": 2, \"nodes\": [{\"generate\": {\"count\": 200, \"prefix\": \"n-\"}}],"
		" \"workloads\": [{\"name\": \"w\", \"replicas\": 20, \"labels\": {\"app\": \"w\"},"
		"  \"server\": {\"concurrency\": 64, \"service_time_ms\": 1}}],"
		" \"services\": [{\"name\": \"s\", \"type\": \"LoadBalancer\", \"selector\": {\"app\": \"w\"}}],"
		" \"proxy\": {\"mode\": \"ipvs\"},"
		" \"clients\": [{\"name\": \"c\", \"service\": \"s\", \"count\": 100000, \"cidr\": \"10.0.0.0/8\","
		"  \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 200}}]}";
	const char *kinds[] = { "proxy={\"mode\": \"ipvs\", \"ipvs_scheduler\": \"rr\"}",
				"proxy={\"mode\": \"ipvs\", \"ipvs_scheduler\": \"lc\"}",
				"proxy={\"mode\": \"ipvs\", \"ipvs_scheduler\": \"nq\"}" };
	const char *names[] = { "rr", "lc", "nq" };

	for (int k = 0; k < 3; k++) {
		struct run r;
		double top = 0;

		r.c = tests_load_text(text, &kinds[k], 1, NULL);
		r.s = sim_create(r.c, r.c->seed, 0);
		sim_run(r.s, NULL, NULL);
		r.ss = &sim_metrics(r.s)->svc[0];
		for (int i = 0; i < 20; i++)
			top = fmax(top, share(&r, i));
		printf("%s: busiest pod %.3f of %llu (even 0.05) ", names[k], top,
		       (unsigned long long)r.ss->routed);
		/* the largest of 20 binomial shares stays within 5 sd of 1/20.
		 * rr and lc spread a node's flows over its list, so each flow
		 * is a trial; nq sends all of a node's flows to its first idle
		 * server, the same one while nothing queues, so the trials are
		 * the 200 nodes. */
		CU_ASSERT(top <= 0.05 + 5 * sqrt(0.05 * 0.95 / (k == 2 ? 200.0 : (double)r.ss->routed)));
		done(&r);
	}
}

/* Cilium Maglev: the backend is a function of the flow's 5-tuple alone, so
 * every node picks the same one (from one shared table); the Maglev table
 * splits flows evenly. */
static void dataplane_should_pick_the_same_backend_on_every_node_with_maglev(void)
{
	const char *sets[] = { "services[0].externalTrafficPolicy=Cluster",
			       "proxy={\"mode\": \"ebpf\", \"lb_algorithm\": \"maglev\"}" };
	struct run r;

	run(&r, sets, 2);
	assert_shares(&r, 1.0 / 3, 1.0 / 3, 1.0 / 3);
	done(&r);
	{
		struct cluster *c = tests_load_text(LAYOUT, sets, 2, NULL);
		struct proxy_svc ps;
		const int zones[3] = { 0, 0, 0 };
		int slot, pos, agree = 1;

		proxy_svc_init(&ps, c, 0, zones, NULL, NULL);
		for (uint32_t k = 0; k < 1000; k++) {
			int a = proxy_pick_conn(&ps, 0, PROXY_EXTERNAL, 0x0b000000u + k, 50000, 0, 0.0, &slot, &pos);
			int b = proxy_pick_conn(&ps, 1, PROXY_EXTERNAL, 0x0b000000u + k, 50000, 0, 0.0, &slot, &pos);
			int d = proxy_pick_conn(&ps, 2, PROXY_EXTERNAL, 0x0b000000u + k, 50000, 0, 0.0, &slot, &pos);

			agree &= a == b && b == d;
		}
		CU_ASSERT(agree);
		/* so the nodes share one table (built once, not 5,000 times at
		 * the scale envelope) */
		CU_ASSERT_PTR_NOT_NULL(ps.maglev_all);
		for (int n = 0; n < 3; n++)
			CU_ASSERT_PTR_EQUAL(ps.nodes[n].ch[0].maglev, ps.maglev_all);
		proxy_svc_fini(&ps);
		cluster_destroy(c);
	}
}

/* sessionAffinity ClientIP is per node: one client whom the LB spreads over
 * both nodes with pods sticks to one pod on each; with many clients the
 * iptables xt_recent lists (100 addresses per endpoint) forget clients,
 * nftables sets do not. */
static void dataplane_should_keep_client_affinity_per_node(void)
{
	const char *one[] = { "services[0].externalTrafficPolicy=Cluster",
			      "services[0].sessionAffinity=ClientIP", "clients[0].count=1",
			      "clients[0].cidr=192.0.2.7/32" };
	const char *ipt[] = { "services[0].externalTrafficPolicy=Cluster",
			      "services[0].sessionAffinity=ClientIP", "clients[0].count=400",
			      "clients[0].cidr=192.0.2.0/23" };
	const char *nft[] = { "services[0].externalTrafficPolicy=Cluster",
			      "services[0].sessionAffinity=ClientIP", "clients[0].count=400",
			      "clients[0].cidr=192.0.2.0/23", "proxy.mode=nftables" };
	struct run r;
	int used = 0;
	uint64_t misses_ipt;

	run(&r, one, 4);
	for (int i = 0; i < 3; i++)
		used += r.ss->eps[i].flows > 0;
	CU_ASSERT(used >= 1 && used <= 3); /* at most one pod per node that saw the client */
	CU_ASSERT(r.ss->routed > 30000);
	done(&r);
	run(&r, ipt, 4);
	misses_ipt = r.ss->affinity_misses;
	done(&r);
	run(&r, nft, 5);
	/* nftables: a client misses once per node it reaches (3 nodes, 400
	 * clients); iptables' 100-address lists (3 endpoints: 300 places for
	 * 400 clients per node) forget them again and again */
	printf("affinity misses: iptables %llu, nftables %llu ", (unsigned long long)misses_ipt,
	       (unsigned long long)r.ss->affinity_misses);
	CU_ASSERT(r.ss->affinity_misses <= 3 * 400);
	CU_ASSERT(misses_ipt > 5 * r.ss->affinity_misses);
	CU_ASSERT_EQUAL(r.ss->affinity_hits + r.ss->affinity_misses, r.ss->routed);
	done(&r);
}

CU_ErrorCode suite_dataplane(void)
{
	static const struct test_case cases[] = {
		{ "dataplane_should_give_equal_pod_shares_with_a_weighted_lb", dataplane_should_give_equal_pod_shares_with_a_weighted_lb },
		{ "dataplane_should_bind_only_nodes_with_pods", dataplane_should_bind_only_nodes_with_pods },
		{ "dataplane_should_send_everything_to_the_l2_leader", dataplane_should_send_everything_to_the_l2_leader },
		{ "dataplane_should_ecmp_over_announcing_nodes_with_bgp", dataplane_should_ecmp_over_announcing_nodes_with_bgp },
		{ "dataplane_should_split_by_zone_first_without_cross_zone", dataplane_should_split_by_zone_first_without_cross_zone },
		{ "dataplane_should_stick_a_5_tuple_to_one_node_with_hash", dataplane_should_stick_a_5_tuple_to_one_node_with_hash },
		{ "dataplane_should_masquerade_per_cilium_forwarding_mode", dataplane_should_masquerade_per_cilium_forwarding_mode },
		{ "dataplane_should_apply_internal_traffic_policy", dataplane_should_apply_internal_traffic_policy },
		{ "dataplane_should_prefer_close_endpoints", dataplane_should_prefer_close_endpoints },
		{ "dataplane_should_short_circuit_in_cluster_traffic_to_the_lb_ip", dataplane_should_short_circuit_in_cluster_traffic_to_the_lb_ip },
		{ "dataplane_should_round_robin_dns_for_headless_services", dataplane_should_round_robin_dns_for_headless_services },
		{ "dataplane_should_schedule_like_ipvs", dataplane_should_schedule_like_ipvs },
		{ "dataplane_should_not_send_every_nodes_first_connection_to_one_pod",
		  dataplane_should_not_send_every_nodes_first_connection_to_one_pod },
		{ "dataplane_should_weigh_lingering_connections_in_ipvs_lc",
		  dataplane_should_weigh_lingering_connections_in_ipvs_lc },
		{ "dataplane_should_leave_no_ipvs_connection_for_dropped_flows",
		  dataplane_should_leave_no_ipvs_connection_for_dropped_flows },
		{ "dataplane_should_pick_the_same_backend_on_every_node_with_maglev", dataplane_should_pick_the_same_backend_on_every_node_with_maglev },
		{ "dataplane_should_keep_client_affinity_per_node", dataplane_should_keep_client_affinity_per_node },
		{ NULL, NULL },
	};
	return tests_add("dataplane", cases);
}
