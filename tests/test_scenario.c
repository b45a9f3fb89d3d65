/* scenario: what a valid file builds (defaults, generated nodes, labels,
 * distributions, placement, endpoints, overrides) and how references and
 * cross-key rules are checked. The byte-exact messages of malformed files
 * live as data in tests/scenarios/bad (run_bad_inputs.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <CUnit/CUnit.h>

#include "ktsim/scenario.h"
#include "tests.h"

/* Load scenario text through a temporary file; returns the cluster or NULL
 * with the formatted error in msg. */
static struct cluster *load_text(const char *text, const char *const *sets, int nsets,
				 char *msg, size_t n)
{
	struct cluster *c;
	struct err e;

	msg[0] = '\0';
	if ((c = tests_load_text(text, sets, nsets, &e)) == NULL) {
		struct err copy = e;

		copy.file[0] = '\0'; /* the temporary name varies */
		err_format(&copy, msg, n);
		if (e.line)
			snprintf(msg + strlen(msg), n - strlen(msg), " @%d:%d", e.line, e.col);
	}
	return c;
}

#define BASE_NODES "\"nodes\": [{\"name\": \"a\", \"zone\": \"z1\"}, {\"name\": \"b\", \"zone\": \"z2\"}]"
#define BASE_CLIENT "\"clients\": [{\"name\": \"c\", \"service\": \"s\", \"arrival\": {\"process\": \"poisson\", \"rate_per_s\": 10}}]"

static void scenario_should_apply_documented_defaults(void)
{
	char msg[600];
	struct cluster *c = load_text("{\"duration_s\": 5, " BASE_NODES ","
		"\"workloads\": [{\"name\": \"w\", \"replicas\": 3, \"labels\": {\"app\": \"w\"}}],"
		"\"services\": [{\"name\": \"s\", \"type\": \"NodePort\", \"selector\": {\"app\": \"w\"}}],"
		BASE_CLIENT "}", NULL, 0, msg, sizeof msg);

	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(strncmp(c->name, "ktsim-test-", 11), 0); /* from the file name */
	CU_ASSERT_EQUAL(c->seed, 1);
	CU_ASSERT_EQUAL(c->warmup_s, 0);
	CU_ASSERT_EQUAL(c->proxy.mode, PROXY_IPTABLES);
	CU_ASSERT_EQUAL(c->proxy.snat_port_lo, 1024);
	CU_ASSERT_EQUAL(c->proxy.snat_port_hi, 65535);
	CU_ASSERT_DOUBLE_EQUAL(c->proxy.time_wait_s, 120, 1e-12);
	CU_ASSERT_EQUAL(c->nodes[0].conntrack_max, 131072);
	CU_ASSERT_EQUAL(c->clients[0].keepalive, 0);
	CU_ASSERT_EQUAL(c->services[0].etp, POLICY_CLUSTER);
	CU_ASSERT_EQUAL(c->services[0].lb.mode, LB_EVEN);
	CU_ASSERT_EQUAL(c->services[0].lb.hc.enabled, 0);
	CU_ASSERT_EQUAL(c->workloads[0].server.concurrency, 1);
	CU_ASSERT_EQUAL(c->workloads[0].server.queue_limit, 1024);
	CU_ASSERT_DOUBLE_EQUAL(c->workloads[0].server.service_ms.mean, 1, 1e-12);
	CU_ASSERT_EQUAL(c->clients[0].count, 1000);
	/* Unpinned pods go through the scheduler, whose default spreading puts
	 * three pods on two empty nodes as 2 + 1. */
	CU_ASSERT_EQUAL(c->npods, 3);
	CU_ASSERT_EQUAL(abs((c->pods[0].node == 0) + (c->pods[1].node == 0) + (c->pods[2].node == 0) -
			    (c->pods[0].node == 1) - (c->pods[1].node == 1) - (c->pods[2].node == 1)), 1);
	CU_ASSERT_STRING_EQUAL(c->pods[2].name, "w-2");
	CU_ASSERT_EQUAL(c->services[0].neps, 3);
	cluster_destroy(c);
}

static void scenario_should_generate_nodes_over_zones_with_well_known_labels(void)
{
	char msg[600];
	struct cluster *c = load_text("{\"duration_s\": 5, \"nodes\": [{\"name\": \"x\"},"
		"{\"generate\": {\"count\": 5, \"prefix\": \"w-\", \"zones\": [\"z1\", \"z2\", \"z3\"]}}],"
		"\"services\": [{\"name\": \"s\", \"type\": \"LoadBalancer\"}]," BASE_CLIENT "}",
		NULL, 0, msg, sizeof msg);
	const struct node *n;

	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(c->nnodes, 6);
	CU_ASSERT_EQUAL(c->nzones, 4); /* default, z1, z2, z3 */
	n = &c->nodes[5];
	CU_ASSERT_STRING_EQUAL(n->name, "w-4");
	CU_ASSERT_STRING_EQUAL(c->zones[n->zone], "z2");
	CU_ASSERT_STRING_EQUAL(c->zones[c->nodes[0].zone], "default");
	CU_ASSERT_EQUAL(n->labels.n, 2);
	CU_ASSERT_STRING_EQUAL(n->labels.kv[0].key, "kubernetes.io/hostname");
	CU_ASSERT_STRING_EQUAL(n->labels.kv[0].value, "w-4");
	CU_ASSERT_STRING_EQUAL(n->labels.kv[1].value, "z2");
	/* A Service without a selector has no endpoints. */
	CU_ASSERT_EQUAL(c->services[0].neps, 0);
	cluster_destroy(c);
}

static void scenario_should_select_pods_of_every_matching_workload(void)
{
	char msg[600];
	struct cluster *c = load_text("{\"duration_s\": 5, " BASE_NODES ","
		"\"workloads\": [{\"name\": \"v1\", \"replicas\": 2, \"labels\": {\"app\": \"w\", \"v\": \"1\"}, \"pin\": [\"b\", \"b\"]},"
		"{\"name\": \"v2\", \"replicas\": 1, \"labels\": {\"app\": \"w\", \"v\": \"2\"},"
		" \"server\": {\"concurrency\": 3, \"queue_limit\": 0, \"service_time_ms\": 2.5}},"
		"{\"name\": \"other\", \"replicas\": 1, \"labels\": {\"app\": \"x\"}}],"
		"\"services\": [{\"name\": \"s\", \"type\": \"NodePort\", \"selector\": {\"app\": \"w\"}},"
		"{\"name\": \"s2\", \"type\": \"NodePort\", \"selector\": {\"app\": \"w\", \"v\": \"2\"}}],"
		BASE_CLIENT "}", NULL, 0, msg, sizeof msg);

	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(c->services[0].neps, 3);
	CU_ASSERT_EQUAL(c->services[1].neps, 1);
	CU_ASSERT_EQUAL(c->pods[c->services[1].eps[0]].workload, 1);
	CU_ASSERT_EQUAL(c->pods[0].node, 1);
	CU_ASSERT_EQUAL(c->workloads[1].server.concurrency, 3);
	CU_ASSERT_EQUAL(c->workloads[1].server.queue_limit, 0);
	CU_ASSERT_EQUAL(c->workloads[1].server.service_ms.kind, DIST_CONST);
	CU_ASSERT_DOUBLE_EQUAL(c->workloads[1].server.service_ms.mean, 2.5, 1e-12);
	cluster_destroy(c);
}

static void scenario_should_apply_set_overrides_before_validation(void)
{
	const char *text = "{\"duration_s\": 5, " BASE_NODES ","
		"\"workloads\": [{\"name\": \"w\", \"replicas\": 1, \"labels\": {\"app\": \"w\"}}],"
		"\"services\": [{\"name\": \"s\", \"type\": \"NodePort\", \"selector\": {\"app\": \"w\"}}],"
		BASE_CLIENT "}";
	const char *ok[] = { "services[0].externalTrafficPolicy=Local", "loadBalancer.mode=round-robin",
			     "workloads[0].server={\"concurrency\": 7}", "seed=99" };
	const char *bad[] = { "services[0].externalTrafficPolicy=local" };
	char msg[600];
	struct cluster *c = load_text(text, ok, 4, msg, sizeof msg);

	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(c->services[0].etp, POLICY_LOCAL);
	CU_ASSERT_EQUAL(c->services[0].lb.mode, LB_ROUND_ROBIN);
	CU_ASSERT_EQUAL(c->workloads[0].server.concurrency, 7);
	CU_ASSERT_EQUAL(c->seed, 99);
	cluster_destroy(c);
	c = load_text(text, bad, 1, msg, sizeof msg);
	CU_ASSERT(c == NULL);
	CU_ASSERT_STRING_EQUAL(msg, "services[0].externalTrafficPolicy: expected \"Cluster\" or \"Local\", "
			       "got \"local\" (did you mean \"Local\"?)");
}

static void scenario_should_check_references_and_cross_key_rules(void)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "{\"duration_s\": 5, " BASE_NODES ", \"workloads\": [{\"name\": \"w\", \"replicas\": 1, \"pin\": [\"nodeb\"]}],"
		  "\"services\": [{\"name\": \"s\", \"type\": \"NodePort\"}]," BASE_CLIENT "}",
		  "workloads[0].pin[0]: node 'nodeb' not found @1:139" },
		{ "{\"duration_s\": 5, " BASE_NODES ", \"services\": [{\"name\": \"s\"}]," BASE_CLIENT "}",
		  "clients[0].service: service 's' is of type ClusterIP, which external clients cannot reach; "
		  "set its type to NodePort or LoadBalancer, or give the client a location \"pod\" or \"host\" @1:153" },
		{ "{\"duration_s\": 5, \"warmup_s\": 5, " BASE_NODES ", \"services\": [{\"name\": \"s\", \"type\": \"NodePort\"}]," BASE_CLIENT "}",
		  "warmup_s: warm-up (5 s) must be shorter than duration_s (5 s) @1:31" },
		{ "{\"duration_s\": 5, " BASE_NODES ", \"services\": [{\"name\": \"s\", \"type\": \"NodePort\","
		  " \"loadBalancer\": {\"mode\": \"direct\", \"target\": \"c\"}}]," BASE_CLIENT "}",
		  "services[0].loadBalancer.target: node 'c' not found @1:180" },
	};
	char msg[600];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cluster *c = load_text(cases[i].text, NULL, 0, msg, sizeof msg);

		CU_ASSERT(c == NULL);
		if (strcmp(msg, cases[i].msg) != 0)
			fprintf(stderr, "\n  case %zu: got  %s\n           want %s\n", i, msg, cases[i].msg);
		CU_ASSERT_STRING_EQUAL(msg, cases[i].msg);
		cluster_destroy(c);
	}
}

CU_ErrorCode suite_scenario(void)
{
	static const struct test_case cases[] = {
		{ "scenario_should_apply_documented_defaults", scenario_should_apply_documented_defaults },
		{ "scenario_should_generate_nodes_over_zones_with_well_known_labels", scenario_should_generate_nodes_over_zones_with_well_known_labels },
		{ "scenario_should_select_pods_of_every_matching_workload", scenario_should_select_pods_of_every_matching_workload },
		{ "scenario_should_apply_set_overrides_before_validation", scenario_should_apply_set_overrides_before_validation },
		{ "scenario_should_check_references_and_cross_key_rules", scenario_should_check_references_and_cross_key_rules },
		{ NULL, NULL },
	};
	return tests_add("scenario", cases);
}
