/* dynamics: what happens while the layout changes, against the arithmetic
 * of detection times. Losses are Poisson counts, so a count expected to be
 * m is accepted within 5 sqrt(m). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <CUnit/CUnit.h>

#include "ktsim/scenario.h"
#include "ktsim/sim.h"
#include "tests.h"

struct run {
	struct cluster *c;
	struct sim *s;
	const struct svc_stats *ss;
	const struct metrics *m;
};

static void run(struct run *r, const char *path, const char *const *sets, int nsets)
{
	struct err e;

	err_init(&e);
	if (scenario_load(&r->c, path, sets, nsets, &e) < 0)
		err_print(stderr, &e);
	CU_ASSERT_FATAL(r->c != NULL);
	r->s = sim_create(r->c, r->c->seed, 0);
	sim_run(r->s, NULL, NULL);
	r->m = sim_metrics(r->s);
	r->ss = &r->m->svc[0];
	printf("[%s seed %llu] ", r->c->name, (unsigned long long)r->c->seed);
}

/* run() on a scenario given as text (through a temporary file). */
static void run_text(struct run *r, const char *text, size_t len)
{
	char path[32];

	tests_temp_file(path, text, len);
	run(r, path, NULL, 0);
	unlink(path);
}

static void done(struct run *r)
{
	for (int i = 0; i < r->m->nsvc; i++) {
		const struct svc_stats *ss = &r->m->svc[i];

		CU_ASSERT_EQUAL(ss->offered, ss->completed + ss->dropped + ss->in_flight);
	}
	sim_destroy(r->s);
	cluster_destroy(r->c);
}

/* Local, a pod dies at once: its node's third of the traffic is lost for
 * the proxy sync (1 s) and then until the LB's health checks fail twice
 * (interval 5 s): between (U-1) I and U I after the sync. */
static void dynamics_should_blackhole_local_until_the_lb_notices(void)
{
	struct run r;
	double rate = 900.0 / 3, lo = rate * (1 + 1 * 5), hi = rate * (1 + 2 * 5);

	run(&r, "../scenarios/local-pod-loss.json", NULL, 0);
	printf("dropped %llu, bounds [%.0f, %.0f] ", (unsigned long long)r.ss->dropped, lo, hi);
	CU_ASSERT((double)r.ss->dropped >= lo - 5 * sqrt(lo));
	CU_ASSERT((double)r.ss->dropped <= hi + 5 * sqrt(hi));
	CU_ASSERT(r.ss->drops[DROP_NO_LOCAL_ENDPOINT] > 0);
	CU_ASSERT_DOUBLE_EQUAL((double)r.ss->drops[DROP_STALE_ENDPOINT], rate * 1, 5 * sqrt(rate));
	CU_ASSERT_EQUAL(r.m->timeline_drops[0], r.ss->dropped);
	/* the replacement came up and serves */
	CU_ASSERT_EQUAL(r.ss->neps >= 4, 1);
	CU_ASSERT(r.ss->eps[3].ever && r.ss->eps[3].flows > 0);
	done(&r);
}

/* Cluster: only what reaches the dead pod before the proxies resync (its
 * third of 1 s) and what it held are lost. */
static void dynamics_should_lose_only_the_sync_window_under_cluster(void)
{
	const char *sets[] = { "services[0].externalTrafficPolicy=Cluster" };
	struct run r;
	double m = 900.0 / 3 * 1;

	run(&r, "../scenarios/local-pod-loss.json", sets, 1);
	printf("dropped %llu, expected %.0f + in flight ", (unsigned long long)r.ss->dropped, m);
	CU_ASSERT(r.ss->drops[DROP_NO_LOCAL_ENDPOINT] == 0);
	CU_ASSERT_DOUBLE_EQUAL((double)r.ss->drops[DROP_STALE_ENDPOINT], m, 5 * sqrt(m));
	CU_ASSERT(r.ss->drops[DROP_POD_TERMINATED] <= 16); /* its workers' flows */
	done(&r);
}

/* With a grace period the dying pod stays a serving-terminating endpoint:
 * kube-proxy keeps using it under Local while the health check (Ready
 * endpoints only) drains the node, so nothing is lost (KEP-1669). */
static void dynamics_should_drain_gracefully_with_terminating_endpoints(void)
{
	const char *sets[] = { "workloads[0].terminationGracePeriod_s=30" };
	struct run r;

	run(&r, "../scenarios/local-pod-loss.json", sets, 1);
	printf("dropped %llu ", (unsigned long long)r.ss->dropped);
	CU_ASSERT_EQUAL(r.ss->dropped, 0);
	done(&r);
}

/* A rolling update under Local: pods killed at once leave nodes black-holed
 * until the checks catch up; with a grace period and readiness delay the
 * same rollout loses nothing. */
static void dynamics_should_roll_out_without_loss_only_when_tuned(void)
{
	const char *tuned[] = { "workloads[0].terminationGracePeriod_s=30" };
	struct run r;
	uint64_t lost;

	run(&r, "../scenarios/local-rollout.json", NULL, 0);
	lost = r.ss->dropped;
	printf("default: %llu lost ", (unsigned long long)lost);
	CU_ASSERT(lost > 100);
	done(&r);
	run(&r, "../scenarios/local-rollout.json", tuned, 1);
	printf("tuned: %llu lost ", (unsigned long long)r.ss->dropped);
	CU_ASSERT_EQUAL(r.ss->dropped, 0);
	/* every old pod was replaced: 3 old + 3 new served */
	{
		int served = 0;

		for (int i = 0; i < r.ss->neps; i++)
			served += r.ss->eps[i].ever;
		CU_ASSERT_EQUAL(served, 6);
	}
	done(&r);
}

/* A node fails: what it holds and what the LB still sends it are lost
 * (node_down) until the LB's checks time out; its pods return elsewhere
 * after the eviction timeout. */
static void dynamics_should_drop_on_a_failed_node_until_detected(void)
{
	const char *sets[] = { "timeline=[{\"at_s\": 30, \"action\": \"node_down\", \"node\": \"node-b\"}]",
			       "pod_eviction_timeout_s=20" };
	struct run r;
	/* detected (U - 1) I + T to U I + T after the failure (I 5 s, U 2, T 2 s) */
	double rate = 300, lo = rate * (1 * 5 + 2), hi = rate * (2 * 5 + 2);

	run(&r, "../scenarios/local-pod-loss.json", sets, 2);
	printf("node_down %llu in [%.0f, %.0f] ", (unsigned long long)r.ss->drops[DROP_NODE_DOWN], lo, hi);
	CU_ASSERT((double)r.ss->drops[DROP_NODE_DOWN] >= lo - 5 * sqrt(lo));
	CU_ASSERT((double)r.ss->drops[DROP_NODE_DOWN] <= hi + 5 * sqrt(hi) + 16);
	CU_ASSERT(r.ss->eps[3].ever); /* replaced after 20 s */
	done(&r);
}

/* A failed node does not answer its probes: each fails only when its
 * timeout T runs out, so the LB drops the node (U - 1) I + T after the first
 * probe past the failure, which comes uniformly within I: on average
 * rate x (I / 2 + (U - 1) I + T) flows are lost (3750 with T = I = 5 s,
 * U = 2; counting the verdict at the probe's time would give 2250). Eight
 * replications: per run the uniform phase gives sd rate x I / sqrt(12) and
 * the count its Poisson sd; the mean is accepted within 5 sd. */
static void dynamics_should_notice_a_failed_node_only_when_probes_time_out(void)
{
	const char *sets[] = { "timeline=[{\"at_s\": 30, \"action\": \"node_down\", \"node\": \"node-b\"}]",
			       "services[0].loadBalancer.healthCheck.timeout_s=5" };
	const int reps = 8;
	double rate = 300, interval = 5, timeout = 5, u = 2;
	double expect = rate * (interval / 2 + (u - 1) * interval + timeout);
	double sd = sqrt(pow(rate * interval, 2) / 12 + expect) / sqrt(reps), sum = 0;
	struct cluster *c;
	struct err e;

	err_init(&e);
	CU_ASSERT_FATAL(scenario_load(&c, "../scenarios/local-pod-loss.json", sets, 2, &e) == 0);
	for (int k = 0; k < reps; k++) {
		struct sim *s = sim_create(c, c->seed, (uint32_t)k);

		sim_run(s, NULL, NULL);
		sum += (double)sim_metrics(s)->svc[0].drops[DROP_NODE_DOWN];
		sim_destroy(s);
	}
	printf("node_down mean %.0f, expected %.0f +- %.0f ", sum / reps, expect, 5 * sd);
	CU_ASSERT_DOUBLE_EQUAL(sum / reps, expect, 5 * sd);
	cluster_destroy(c);
}

/* A pod that did not fit is scheduled when another workload's pod goes
 * away and frees its requests: b waits Pending behind a's two pods on a
 * 1000m node, a scales to one at 10 s (grace 0), b starts and serves. */
static void dynamics_should_schedule_a_pending_pod_when_another_workload_frees_room(void)
{
	static const char text[] =
		"{\"duration_s\": 40, \"nodes\": [{\"name\": \"n\", \"cpu_m\": 1000}],"
		" \"workloads\": ["
		"  {\"name\": \"a\", \"replicas\": 2, \"labels\": {\"app\": \"a\"}, \"requests\": {\"cpu_m\": 400},"
		"   \"terminationGracePeriod_s\": 0},"
		"  {\"name\": \"b\", \"replicas\": 1, \"labels\": {\"app\": \"b\"}, \"requests\": {\"cpu_m\": 400}}],"
		" \"services\": [{\"name\": \"b\", \"type\": \"LoadBalancer\", \"selector\": {\"app\": \"b\"}}],"
		" \"clients\": [{\"name\": \"c\", \"service\": \"b\", \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 100}}],"
		" \"timeline\": [{\"at_s\": 10, \"action\": \"scale\", \"workload\": \"a\", \"replicas\": 1}]}";
	struct run r;

	run_text(&r, text, sizeof text - 1);
	/* Ready at 15 s (readiness 5 s), in the proxies at 16 s: ~24 s of 40 */
	printf("b served %llu of %llu ", (unsigned long long)r.ss->completed,
	       (unsigned long long)r.ss->offered);
	CU_ASSERT(r.ss->eps[0].ever);
	CU_ASSERT_DOUBLE_EQUAL((double)r.ss->completed, 100.0 * 24, 5 * sqrt(2400) + 100);
	CU_ASSERT_DOUBLE_EQUAL((double)r.ss->drops[DROP_NO_ENDPOINT], 100.0 * 16, 5 * sqrt(1600) + 100);
	done(&r);
}

/* Pods of one workload are alike: once one stays Pending in a retry the
 * rest of its workload are passed over. 50 of b's 400m pods wait behind a's
 * two on a 1000m node; a scales to 0 at 10 s and each deletion makes room
 * for exactly one b pod (600m free, then 200m). Trying every Pending pod on
 * each deletion would run the scheduler ~100 times; passing over runs it
 * twice per deletion (the pod that fits and the next that does not). */
static void dynamics_should_pass_over_alike_pending_pods(void)
{
	static const char text[] =
		"{\"duration_s\": 30, \"nodes\": [{\"name\": \"n\", \"cpu_m\": 1000}],"
		" \"workloads\": ["
		"  {\"name\": \"a\", \"replicas\": 2, \"labels\": {\"app\": \"a\"}, \"requests\": {\"cpu_m\": 400},"
		"   \"terminationGracePeriod_s\": 0},"
		"  {\"name\": \"b\", \"replicas\": 50, \"labels\": {\"app\": \"b\"}, \"requests\": {\"cpu_m\": 400}}],"
		" \"services\": [{\"name\": \"b\", \"type\": \"LoadBalancer\", \"selector\": {\"app\": \"b\"}}],"
		" \"clients\": [{\"name\": \"c\", \"service\": \"b\", \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 100}}],"
		" \"timeline\": [{\"at_s\": 10, \"action\": \"scale\", \"workload\": \"a\", \"replicas\": 0}]}";
	struct run r;
	int placed = 0;

	run_text(&r, text, sizeof text - 1);
	for (int p = 0; p < r.c->npods; p++)
		placed += r.c->pods[p].workload == 1 && r.m->pod_node[p] >= 0;
	printf("b placed %d, scheduler runs %llu ", placed, (unsigned long long)r.m->scheduler_runs);
	CU_ASSERT_EQUAL(placed, 2);
	CU_ASSERT(r.m->scheduler_runs >= 4);
	CU_ASSERT(r.m->scheduler_runs <= 6);
	done(&r);
}

/* An LB that follows the nodes' endpoints (here TKE's only-nodes-with-pods
 * binding, no health check) is rebuilt only when a node's sync changes what
 * it knows of that node. A rolling update of 4 pods over 20 nodes makes 12
 * endpoint changes (each new pod Ready, each old one Terminating, then
 * Gone), each synced by all 20 nodes: rebuilding on every sync costs 240.
 * Only a node whose ready local count changed needs one - a new pod's node
 * and an old pod's node, 8 in all (16 allowed). The LB still follows the
 * pods: all 8 serve in turn. */
static void dynamics_should_rebuild_the_lb_only_when_its_view_changes(void)
{
	static const char text[] =
		"{\"duration_s\": 60, \"nodes\": [{\"generate\": {\"count\": 20, \"prefix\": \"n\"}}],"
		" \"workloads\": [{\"name\": \"w\", \"replicas\": 4, \"labels\": {\"app\": \"w\"},"
		"  \"terminationGracePeriod_s\": 0, \"readiness_delay_s\": 2,"
		"  \"podAntiAffinity\": {\"type\": \"required\", \"topologyKey\": \"kubernetes.io/hostname\"}}],"
		" \"services\": [{\"name\": \"s\", \"type\": \"LoadBalancer\", \"selector\": {\"app\": \"w\"},"
		"  \"externalTrafficPolicy\": \"Local\", \"loadBalancer\": {\"mode\": \"only-nodes-with-pods\"}}],"
		" \"clients\": [{\"name\": \"c\", \"service\": \"s\", \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 200}}],"
		" \"timeline\": [{\"at_s\": 10, \"action\": \"rollout\", \"workload\": \"w\", \"maxSurge\": 1, \"maxUnavailable\": 0}]}";
	struct run r;
	int served = 0;

	run_text(&r, text, sizeof text - 1);
	for (int k = 0; k < r.ss->neps; k++)
		served += r.ss->eps[k].completed > 0;
	printf("lb rebuilds %llu, pods served %d ", (unsigned long long)r.m->lb_rebuilds, served);
	CU_ASSERT_EQUAL(served, 8); /* the 4 old pods, then the 4 new ones */
	CU_ASSERT(r.m->lb_rebuilds >= 8);
	CU_ASSERT(r.m->lb_rebuilds <= 16);
	done(&r);
}

/* An endpoint version no node uses, no sync is bringing and no stateful
 * connection chose in is freed: after a 4-pod rollout (12 endpoint changes)
 * only the newest of the 13 is kept. Under IPVS, keep-alive connections
 * that outlive the run keep the versions they chose in (their choosers
 * count them until they close), and every connection still balances. */
static void dynamics_should_free_endpoint_versions_nobody_uses(void)
{
	static const char text[] =
		"{\"duration_s\": 60, \"nodes\": [{\"generate\": {\"count\": 6, \"prefix\": \"n\"}}],"
		" \"workloads\": [{\"name\": \"w\", \"replicas\": 4, \"labels\": {\"app\": \"w\"},"
		"  \"terminationGracePeriod_s\": 5, \"readiness_delay_s\": 2}],"
		" \"services\": [{\"name\": \"s\", \"type\": \"LoadBalancer\", \"selector\": {\"app\": \"w\"}}],"
		" \"clients\": [{\"name\": \"c\", \"service\": \"s\","
		"  \"requests\": {\"dist\": \"const\", \"value\": %d}, \"think_time_ms\": {\"dist\": \"const\", \"value\": 100},"
		"  \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 50}}],"
		" \"proxy\": {\"mode\": \"%s\"},"
		" \"timeline\": [{\"at_s\": 10, \"action\": \"rollout\", \"workload\": \"w\", \"maxSurge\": 1, \"maxUnavailable\": 0}]}";
	char buf[2048];
	struct run r;
	int n;

	n = snprintf(buf, sizeof buf, text, 1, "iptables");
	run_text(&r, buf, (size_t)n);
	printf("iptables: %llu freed ", (unsigned long long)r.m->versions_freed);
	CU_ASSERT_EQUAL(r.m->versions_freed, 12);
	done(&r);
	/* 2,000 requests 0.1 s apart: every connection outlives the run */
	n = snprintf(buf, sizeof buf, text, 2000, "ipvs");
	run_text(&r, buf, (size_t)n);
	printf("ipvs, long connections: %llu freed ", (unsigned long long)r.m->versions_freed);
	CU_ASSERT(r.m->versions_freed < 12);
	done(&r);
}

/* Health checks that would find what the LB already believes are not
 * simulated: 50 nodes probed every second for 60 s would be 3,000 probe
 * events per Service, but with nothing changing the run holds only the
 * flows' arrivals and completions, the timeline event and the samples. */
static void dynamics_should_not_simulate_probes_that_change_nothing(void)
{
	static const char text[] =
		"{\"duration_s\": 60, \"nodes\": [{\"generate\": {\"count\": 50, \"prefix\": \"n\"}}],"
		" \"workloads\": [{\"name\": \"w\", \"replicas\": 10, \"labels\": {\"app\": \"w\"}}],"
		" \"services\": [{\"name\": \"s\", \"type\": \"LoadBalancer\", \"selector\": {\"app\": \"w\"},"
		"  \"externalTrafficPolicy\": \"Local\", \"loadBalancer\": {\"mode\": \"even\","
		"  \"healthCheck\": {\"interval_s\": 1}}}],"
		" \"clients\": [{\"name\": \"c\", \"service\": \"s\", \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 100}}],"
		" \"timeline\": [{\"at_s\": 30, \"action\": \"set_rate\", \"client\": \"c\", \"rate_per_s\": 200}]}";
	struct run r;
	uint64_t flow_events;

	run_text(&r, text, sizeof text - 1);
	flow_events = r.ss->offered + r.ss->completed + r.ss->in_flight;
	printf("events %llu, flow events %llu ", (unsigned long long)r.m->events,
	       (unsigned long long)flow_events);
	/* the LB sends only to the nodes with pods, and drops nothing */
	CU_ASSERT_EQUAL(r.ss->dropped, 0);
	CU_ASSERT(r.m->events >= flow_events);
	CU_ASSERT(r.m->events <= flow_events + 100);
	done(&r);
}

/* set_rate changes the Poisson rate from its time on. */
static void dynamics_should_change_the_rate(void)
{
	const char *sets[] = { "timeline=[{\"at_s\": 65, \"action\": \"set_rate\", \"client\": \"internet\", \"rate_per_s\": 300}]" };
	struct run r;
	double m = 900 * 60 + 300 * 55;

	run(&r, "../scenarios/local-pod-loss.json", sets, 1);
	CU_ASSERT_DOUBLE_EQUAL((double)r.ss->offered, m, 5 * sqrt(m));
	done(&r);
}

/* MetalLB L2: the leader takes everything; when it fails, a new leader is
 * elected failover_s later and what reached the old one meanwhile is lost. */
static void dynamics_should_fail_over_the_l2_leader(void)
{
	static const char text[] =
		"{\"duration_s\": 60, \"nodes\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": \"c\"}],"
		" \"workloads\": [{\"name\": \"w\", \"replicas\": 3, \"labels\": {\"app\": \"w\"},"
		"  \"pin\": [\"a\", \"b\", \"c\"], \"server\": {\"concurrency\": 16}}],"
		" \"services\": [{\"name\": \"s\", \"type\": \"LoadBalancer\", \"selector\": {\"app\": \"w\"},"
		"  \"externalTrafficPolicy\": \"Local\", \"loadBalancer\": {\"mode\": \"l2\", \"failover_s\": 10}}],"
		" \"clients\": [{\"name\": \"c\", \"service\": \"s\", \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 1000}}],"
		" \"timeline\": [{\"at_s\": 20, \"action\": \"node_down\", \"node\": \"c\"}]}";
	int leaders = 0;
	struct run r;
	double lost = 1000 * 10;

	run_text(&r, text, sizeof text - 1);
	/* c leads (the hash of node and Service), then one other node */
	for (int n = 0; n < 3; n++)
		leaders += r.ss->nodes[n].lb_flows > 0;
	CU_ASSERT_EQUAL(leaders, 2);
	CU_ASSERT(r.ss->nodes[2].lb_flows > 0);
	printf("lost at the dead leader %llu, expected %.0f ", (unsigned long long)r.ss->drops[DROP_NODE_DOWN], lost);
	CU_ASSERT_DOUBLE_EQUAL((double)r.ss->drops[DROP_NODE_DOWN], lost, 5 * sqrt(lost) + 16);
	done(&r);
}

/* Keep-alive connections after a scale-up from 3 to 6 pods at 120 s,
 * measured over the next minute. A connection carries 600 requests about
 * 104 ms apart (62.4 s, 9.6 requests/s). The ~5/s x 62.4 s = 312 connections
 * open at the scale-up stay on the old pods and, with remaining lives uniform
 * over 62.4 s, send ~312 x 300 = 93.6k requests in the window. The new pods
 * take connections only after readiness (5 s) and the proxy sync (1 s): the
 * 30 opened before go to the old pods (~16.4k requests), the 270 after are
 * split six ways (5 x 9.6 x 54^2 / 2 = 70k). Old pods 48.4k requests each,
 * new 11.7k: busy-time ratio 4.1. The new pods' ~135 connections with
 * triangular weights make that ~10% noisy; bounds are 3 sigma. */
static void dynamics_should_keep_old_connections_on_old_pods_after_a_scale_up(void)
{
	struct run r;
	double old = 0, young = 0, ratio;

	run(&r, "../scenarios/keepalive-scale-up.json", NULL, 0);
	CU_ASSERT_FATAL(r.ss->neps >= 6);
	for (int i = 6; i < r.ss->neps; i++)
		CU_ASSERT(!r.ss->eps[i].ever);
	for (int i = 0; i < 3; i++) {
		old += r.m->utilization[i] / 3;
		young += r.m->utilization[i + 3] / 3;
	}
	ratio = old / young;
	printf("utilization old %.3f new %.3f, ratio %.2f (theory 4.1) ", old, young, ratio);
	CU_ASSERT(ratio > 2.9 && ratio < 5.4);
	/* new connections are balanced over all six */
	for (int i = 0; i < 6; i++)
		CU_ASSERT(r.ss->eps[i].flows > 0);
	done(&r);
}

CU_ErrorCode suite_dynamics(void)
{
	static const struct test_case cases[] = {
		{ "dynamics_should_blackhole_local_until_the_lb_notices", dynamics_should_blackhole_local_until_the_lb_notices },
		{ "dynamics_should_lose_only_the_sync_window_under_cluster", dynamics_should_lose_only_the_sync_window_under_cluster },
		{ "dynamics_should_drain_gracefully_with_terminating_endpoints", dynamics_should_drain_gracefully_with_terminating_endpoints },
		{ "dynamics_should_roll_out_without_loss_only_when_tuned", dynamics_should_roll_out_without_loss_only_when_tuned },
		{ "dynamics_should_drop_on_a_failed_node_until_detected", dynamics_should_drop_on_a_failed_node_until_detected },
		{ "dynamics_should_notice_a_failed_node_only_when_probes_time_out",
		  dynamics_should_notice_a_failed_node_only_when_probes_time_out },
		{ "dynamics_should_schedule_a_pending_pod_when_another_workload_frees_room",
		  dynamics_should_schedule_a_pending_pod_when_another_workload_frees_room },
		{ "dynamics_should_pass_over_alike_pending_pods", dynamics_should_pass_over_alike_pending_pods },
		{ "dynamics_should_rebuild_the_lb_only_when_its_view_changes",
		  dynamics_should_rebuild_the_lb_only_when_its_view_changes },
		{ "dynamics_should_free_endpoint_versions_nobody_uses",
		  dynamics_should_free_endpoint_versions_nobody_uses },
		{ "dynamics_should_not_simulate_probes_that_change_nothing",
		  dynamics_should_not_simulate_probes_that_change_nothing },
		{ "dynamics_should_change_the_rate", dynamics_should_change_the_rate },
		{ "dynamics_should_fail_over_the_l2_leader", dynamics_should_fail_over_the_l2_leader },
		{ "dynamics_should_keep_old_connections_on_old_pods_after_a_scale_up",
		  dynamics_should_keep_old_connections_on_old_pods_after_a_scale_up },
		{ NULL, NULL },
	};
	return tests_add("dynamics", cases);
}
