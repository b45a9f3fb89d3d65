/* importer: kubectl dumps (tests/import/, written to the Kubernetes API
 * schema as kubectl prints it) into scenarios. Each scenario built is loaded
 * with scenario_load, and the Local-policy ones are run: every pod's share
 * must sit within 5 binomial standard errors of the analytic share the
 * layout gives (a false alarm about once in 1.7 million checks). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <CUnit/CUnit.h>

#include "ktsim/importer.h"
#include "ktsim/mem.h"
#include "ktsim/scenario.h"
#include "../sim/cmd_int.h"
#include "ktsim/sim.h"
#include "tests.h"


#define GKE "import/gke-3zone-local.json"
#define EKS "import/eks-nlb-daemonset.json"
#define METAL "import/cilium-metallb.json"
#define A1 "gke-prod-default-pool-6f1e2d3c-4kzr"
#define B1 "gke-prod-default-pool-8b7a6c5d-2mnx"

static char report[1 << 16];

/* Import files (and the chosen Services) with --rps rps; the report lands
 * in `report`. Returns the scenario, or NULL with *e set. */
static cJSON *import(const char *const *files, int nfiles, const char *const *svcs, int nsvcs,
		     double rps, struct err *e)
{
	struct importer_opts o = { .name = "t", .services = svcs, .nservices = nsvcs, .rps = rps };
	FILE *f = fmemopen(report, sizeof report, "w");
	cJSON *sc;

	CU_ASSERT_FATAL(f != NULL);
	err_init(e);
	if (importer_build(files, nfiles, &o, f, &sc, e) < 0)
		sc = NULL;
	fclose(f);
	return sc;
}

static cJSON *import1(const char *file, double rps)
{
	struct err e;
	cJSON *sc = import(&file, 1, NULL, 0, rps, &e);

	if (sc == NULL)
		err_print(stderr, &e);
	CU_ASSERT_FATAL(sc != NULL);
	return sc;
}

static const cJSON *at(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *s_at(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(at(o, key));
}

/* The element of scenario array `arr` named `name`. */
static const cJSON *named(const cJSON *sc, const char *arr, const char *name)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, at(sc, arr))
		if (strcmp(s_at(it, "name"), name) == 0)
			return it;
	CU_FAIL_FATAL("no such element");
	return NULL;
}

/* Load the scenario as `ktsim run` would (written out, then scenario_load). */
static struct cluster *load(const cJSON *sc)
{
	char *text = cJSON_Print(sc);
	struct cluster *c = tests_load_text(text, NULL, 0, NULL);

	cJSON_free(text);
	return c;
}

/* Run it; Service `svc`'s expected shares (endpoint order) must be `want`
 * and the observed ones within 5 binomial standard errors of them. */
static void assert_run_shares(const cJSON *sc, const char *svc, const double *want, int n)
{
	struct cluster *c = load(sc);
	struct sim *s = sim_create(c, c->seed, 0);
	const struct svc_stats *ss;
	int i = cluster_find_service(c, svc);

	CU_ASSERT_FATAL(i >= 0);
	sim_run(s, NULL, NULL);
	ss = &sim_metrics(s)->svc[i];
	CU_ASSERT_EQUAL_FATAL(ss->neps, n);
	CU_ASSERT(ss->routed > 5000);
	CU_ASSERT_EQUAL(ss->dropped, 0);
	for (int k = 0; k < n; k++) {
		double p = ss->expected_share[k], obs = (double)ss->eps[k].flows / (double)ss->routed;

		CU_ASSERT_DOUBLE_EQUAL(p, want[k], 1e-9);
		CU_ASSERT(fabs(obs - p) <= 5 * sqrt(p * (1 - p) / (double)ss->routed));
	}
	sim_destroy(s);
	cluster_destroy(c);
}

static void importer_should_convert_allocatable_quantities(void)
{
	cJSON *sc = import1(GKE, 600);
	/* 3920m, 13311304Ki; 4, 15Gi; 3.5, 16G, pods 64; 7910m, 29000Mi; 1930m, 5.5Gi */
	static const struct { const char *node; double cpu, mem, pods; } W[] = {
		{ A1, 3920, 12999, 110 }, { B1, 4000, 15360, 110 },
		{ "gke-prod-default-pool-8b7a6c5d-t7vb", 3500, 15258, 64 },
		{ "gke-prod-default-pool-d4c3b2a1-h8js", 7910, 29000, 110 },
		{ "gke-prod-default-pool-d4c3b2a1-p3ld", 1930, 5632, 32 },
	};

	for (size_t i = 0; i < sizeof W / sizeof W[0]; i++) {
		const cJSON *n = named(sc, "nodes", W[i].node);

		CU_ASSERT_EQUAL(cJSON_GetNumberValue(at(n, "cpu_m")), W[i].cpu);
		CU_ASSERT_EQUAL(cJSON_GetNumberValue(at(n, "memory_mi")), W[i].mem);
		CU_ASSERT_EQUAL(cJSON_GetNumberValue(at(n, "max_pods")), W[i].pods);
	}
	/* web: 250m + 0.1 CPU, 256Mi + 128M (122 MiB) per pod */
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(at(at(named(sc, "workloads", "web"), "requests"), "cpu_m")), 350);
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(at(at(named(sc, "workloads", "web"), "requests"), "memory_mi")), 378);
	cJSON_Delete(sc);
}

static void importer_should_map_zones_taints_labels_and_room_left(void)
{
	cJSON *sc = import1(GKE, 600);
	const cJSON *c2 = named(sc, "nodes", "gke-prod-default-pool-d4c3b2a1-p3ld");
	const cJSON *c1 = named(sc, "nodes", "gke-prod-default-pool-d4c3b2a1-h8js");
	const cJSON *t = cJSON_GetArrayItem(at(c2, "taints"), 0);

	CU_ASSERT_EQUAL(cJSON_GetArraySize(at(sc, "nodes")), 6);
	CU_ASSERT_STRING_EQUAL(s_at(named(sc, "nodes", A1), "zone"), "us-central1-a");
	/* only the legacy failure-domain label on this one */
	CU_ASSERT_STRING_EQUAL(s_at(c2, "zone"), "us-central1-c");
	CU_ASSERT_STRING_EQUAL(s_at(t, "key"), "workload");
	CU_ASSERT_STRING_EQUAL(s_at(t, "value"), "batch");
	CU_ASSERT_STRING_EQUAL(s_at(t, "effect"), "NoSchedule");
	CU_ASSERT_STRING_EQUAL(s_at(at(c2, "labels"), "workload"), "batch");
	CU_ASSERT_PTR_NULL(at(at(c2, "labels"), "kubernetes.io/hostname"));
	CU_ASSERT_PTR_NULL(at(at(c2, "labels"), "topology.kubernetes.io/zone"));
	/* c1 holds the not-ready web pod (350m) and kube-proxy (100m); the
	 * finished backup Job on another node holds nothing */
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(at(c1, "allocated_cpu_m")), 450);
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(at(named(sc, "nodes", "gke-prod-default-pool-8b7a6c5d-t7vb"),
						    "allocated_cpu_m")), 360);
	cJSON_Delete(sc);
}

static void importer_should_pin_ready_pods_and_report_the_rest(void)
{
	cJSON *sc = import1(GKE, 600);
	const cJSON *w = named(sc, "workloads", "web"), *aa = at(w, "podAntiAffinity");
	const char *pin[] = { A1, A1, A1, B1 };

	CU_ASSERT_EQUAL(cJSON_GetArraySize(at(sc, "workloads")), 1); /* kube-dns is not kept */
	CU_ASSERT_STRING_EQUAL(s_at(w, "kind"), "Deployment");
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(at(w, "replicas")), 4);
	for (int i = 0; i < 4; i++)
		CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetArrayItem(at(w, "pin"), i)), pin[i]);
	CU_ASSERT_PTR_NULL(at(at(w, "labels"), "pod-template-hash"));
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(at(w, "terminationGracePeriod_s")), 30);
	CU_ASSERT_STRING_EQUAL(s_at(at(w, "labels"), "tier"), "frontend");
	/* preferred term, its matchExpressions `app In [web]` as matchLabels */
	CU_ASSERT_STRING_EQUAL(s_at(aa, "type"), "preferred");
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(at(aa, "weight")), 100);
	CU_ASSERT_STRING_EQUAL(s_at(at(aa, "labelSelector"), "app"), "web");
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "web-5d8f7b9c6d-vb6ls (not ready)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "web-5d8f7b9c6d-zz2kd (Pending)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "left out of pin"));
	cJSON_Delete(sc);
}

static void importer_should_reproduce_local_skew_behind_an_even_cloud_lb(void)
{
	cJSON *sc = import1(GKE, 600);
	const cJSON *svc = named(sc, "services", "web");
	/* the LB splits over the two nodes with pods: 3 pods share a half */
	const double want[] = { 1.0 / 6, 1.0 / 6, 1.0 / 6, 0.5 };

	CU_ASSERT_STRING_EQUAL(s_at(svc, "externalTrafficPolicy"), "Local");
	CU_ASSERT_STRING_EQUAL(s_at(at(svc, "loadBalancer"), "mode"), "even");
	/* a plain GCE network LB's probe timing */
	CU_ASSERT_STRING_EQUAL(s_at(at(at(svc, "loadBalancer"), "healthCheck"), "preset"), "gcp");
	CU_ASSERT_STRING_EQUAL(s_at(at(sc, "proxy"), "mode"), "iptables");
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "assumed: data plane kube-proxy iptables"));
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "healthCheckNodePort 31942 recognised, not yet modelled"));
	assert_run_shares(sc, "web", want, 4);
	cJSON_Delete(sc);
}

static void importer_should_weight_gke_pods_per_node(void)
{
	cJSON *sc = import1(GKE, 600);
	const double want[] = { 0.25, 0.25, 0.25, 0.25 };
	const cJSON *lb = at(named(sc, "services", "web-weighted"), "loadBalancer");

	CU_ASSERT_STRING_EQUAL(s_at(lb, "mode"), "weighted");
	CU_ASSERT_STRING_EQUAL(s_at(at(lb, "healthCheck"), "preset"), "gke-l4");
	assert_run_shares(sc, "web-weighted", want, 4);
	cJSON_Delete(sc);
}

static void importer_should_keep_a_daemonset_on_every_eligible_node(void)
{
	cJSON *sc = import1(EKS, 600);
	const cJSON *w = named(sc, "workloads", "ingress-nginx-controller");
	struct cluster *c;

	CU_ASSERT_STRING_EQUAL(s_at(w, "kind"), "DaemonSet");
	CU_ASSERT_PTR_NULL(at(w, "pin"));
	CU_ASSERT_PTR_NULL(at(w, "replicas"));
	CU_ASSERT_PTR_NULL(at(at(w, "labels"), "controller-revision-hash"));
	CU_ASSERT_PTR_NULL(at(at(w, "labels"), "pod-template-generation"));
	CU_ASSERT_STRING_EQUAL(s_at(at(w, "nodeSelector"), "kubernetes.io/os"), "linux");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(at(w, "tolerations")), 6);
	/* the scenario's DaemonSet lands where the real one runs: not on the
	 * batch node, whose taint it does not tolerate */
	c = load(sc);
	CU_ASSERT_EQUAL(c->npods, 3);
	for (int p = 0; p < c->npods; p++)
		CU_ASSERT_STRING_NOT_EQUAL(c->nodes[c->pods[p].node].name, "ip-10-0-3-12.ec2.internal");
	cluster_destroy(c);
	cJSON_Delete(sc);
}

static void importer_should_model_an_aws_nlb_zonal_without_cross_zone(void)
{
	cJSON *sc = import1(EKS, 600);
	const cJSON *lb = at(named(sc, "services", "ingress-nginx-controller"), "loadBalancer");
	const cJSON *xz = at(named(sc, "services", "ingress-nginx-controller-internal"), "loadBalancer");
	/* two pods in us-east-1a share its half, the one in us-east-1b has the
	 * other; us-east-1c has no pod and fails the health check */
	const double want[] = { 0.25, 0.25, 0.5 }, even[] = { 1.0 / 3, 1.0 / 3, 1.0 / 3 };

	CU_ASSERT_STRING_EQUAL(s_at(lb, "mode"), "zonal");
	CU_ASSERT(cJSON_IsFalse(at(lb, "cross_zone")));
	/* the in-tree NLB and the AWS Load Balancer Controller's probe timings */
	CU_ASSERT_STRING_EQUAL(s_at(at(lb, "healthCheck"), "preset"), "aws-nlb");
	CU_ASSERT(cJSON_IsTrue(at(xz, "cross_zone")));
	CU_ASSERT_STRING_EQUAL(s_at(at(xz, "healthCheck"), "preset"), "aws-lbc-nlb");
	assert_run_shares(sc, "ingress-nginx-controller", want, 3);
	assert_run_shares(sc, "ingress-nginx-controller-internal", even, 3);
	cJSON_Delete(sc);
}

static void importer_should_recognise_kube_proxy_ipvs(void)
{
	cJSON *sc = import1(EKS, 600);

	CU_ASSERT_STRING_EQUAL(s_at(at(sc, "proxy"), "mode"), "ipvs");
	CU_ASSERT_STRING_EQUAL(s_at(at(sc, "proxy"), "ipvs_scheduler"), "rr");
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "kube-proxy ipvs rr (ConfigMap kube-system/kube-proxy-config)"));
	cJSON_Delete(sc);
}

static void importer_should_recognise_cilium_dsr_and_metallb_bgp(void)
{
	cJSON *sc = import1(METAL, 600);
	const cJSON *px = at(sc, "proxy");
	const double want[] = { 0.25, 0.25, 0.5 };

	CU_ASSERT_STRING_EQUAL(s_at(px, "mode"), "ebpf");
	CU_ASSERT_STRING_EQUAL(s_at(px, "snat"), "dsr");
	CU_ASSERT_STRING_EQUAL(s_at(px, "lb_algorithm"), "maglev");
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(at(px, "maglev_table_size")), 16381);
	CU_ASSERT_STRING_EQUAL(s_at(at(named(sc, "services", "echo"), "loadBalancer"), "mode"), "bgp");
	/* MetalLB announces only from nodes with a local endpoint: no probe */
	CU_ASSERT_PTR_NULL(at(at(named(sc, "services", "echo"), "loadBalancer"), "healthCheck"));
	CU_ASSERT_STRING_EQUAL(s_at(at(named(sc, "services", "db"), "loadBalancer"), "mode"), "even");
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "Cilium eBPF replacing kube-proxy"));
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "MetalLB"));
	assert_run_shares(sc, "echo", want, 3);
	cJSON_Delete(sc);
}

static void importer_should_pin_a_statefulset_with_its_constraints(void)
{
	cJSON *sc = import1(METAL, 600);
	const cJSON *db = named(sc, "workloads", "db"), *aa = at(db, "podAntiAffinity");
	const cJSON *ts = cJSON_GetArrayItem(at(named(sc, "workloads", "echo"), "topologySpreadConstraints"), 0);

	CU_ASSERT_STRING_EQUAL(s_at(db, "kind"), "Deployment");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(at(db, "pin")), 3);
	CU_ASSERT_PTR_NULL(at(at(db, "labels"), "statefulset.kubernetes.io/pod-name"));
	CU_ASSERT_PTR_NULL(at(at(db, "labels"), "apps.kubernetes.io/pod-index"));
	CU_ASSERT_STRING_EQUAL(s_at(aa, "type"), "required");
	CU_ASSERT_STRING_EQUAL(s_at(aa, "topologyKey"), "kubernetes.io/hostname");
	CU_ASSERT_STRING_EQUAL(s_at(at(aa, "labelSelector"), "app"), "db");
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(at(ts, "maxSkew")), 1);
	CU_ASSERT_STRING_EQUAL(s_at(ts, "whenUnsatisfiable"), "ScheduleAnyway");
	CU_ASSERT_STRING_EQUAL(s_at(at(ts, "labelSelector"), "app"), "echo");
	cJSON_Delete(sc);
}

static void importer_should_read_per_kind_files_and_single_objects(void)
{
	static const char *const SPLIT[] = { "import/split/nodes.json", "import/split/pods.json",
		"import/split/service-web.json", "import/split/service-web-weighted.json",
		"import/split/services.json", "import/split/endpointslices.json" };
	static const char *const KEYS[] = { "nodes", "workloads", "services", "proxy", "clients" };
	cJSON *whole = import1(GKE, 600), *split;
	struct err e;

	split = import((const char *const *)SPLIT, 6, NULL, 0, 600, &e);
	CU_ASSERT_FATAL(split != NULL);
	for (int i = 0; i < 5; i++)
		CU_ASSERT(cJSON_Compare(at(whole, KEYS[i]), at(split, KEYS[i]), 1));
	cJSON_Delete(whole);
	cJSON_Delete(split);
}

static void importer_should_prefix_namespaces_only_when_names_collide(void)
{
	static const char *const F[] = { GKE, "import/other-namespace.json" };
	struct err e;
	cJSON *sc = import(F, 2, NULL, 0, 900, &e);
	const double want[] = { 0.5, 0.5 };

	CU_ASSERT_FATAL(sc != NULL);
	CU_ASSERT_STRING_EQUAL(s_at(named(sc, "services", "shop/web"), "name"), "shop/web");
	CU_ASSERT_STRING_EQUAL(s_at(named(sc, "services", "web-weighted"), "name"), "web-weighted");
	CU_ASSERT_STRING_EQUAL(s_at(at(named(sc, "workloads", "blog/web"), "labels"), "ktsim.io/namespace"),
			       "blog");
	CU_ASSERT_STRING_EQUAL(s_at(at(named(sc, "services", "blog/web"), "selector"), "ktsim.io/namespace"),
			       "blog");
	/* blog's Service selects blog's two pods only, not shop's app=web */
	assert_run_shares(sc, "blog/web", want, 2);
	cJSON_Delete(sc);
}

static void importer_should_mark_a_placeholder_rate_without_rps(void)
{
	cJSON *sc = import1(GKE, 0);
	const cJSON *cl = cJSON_GetArrayItem(at(sc, "clients"), 0);

	CU_ASSERT_EQUAL(strncmp(s_at(cl, "name"), IMPORTER_PLACEHOLDER, strlen(IMPORTER_PLACEHOLDER)), 0);
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(at(at(cl, "arrival"), "rate_per_s")), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(s_at(sc, "description"), "PLACEHOLDER rate"));
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "warning: no --rps"));
	cJSON_Delete(sc);
}

static void importer_should_split_rps_evenly_over_services(void)
{
	cJSON *sc = import1(GKE, 2000);
	const cJSON *cl;

	cJSON_ArrayForEach(cl, at(sc, "clients")) {
		CU_ASSERT_EQUAL(cJSON_GetNumberValue(at(at(cl, "arrival"), "rate_per_s")), 1000);
		CU_ASSERT_EQUAL(strncmp(s_at(cl, "name"), IMPORTER_PLACEHOLDER, strlen(IMPORTER_PLACEHOLDER)) != 0, 1);
	}
	CU_ASSERT_PTR_NULL(strstr(s_at(sc, "description"), "PLACEHOLDER"));
	cJSON_Delete(sc);
}

static void importer_should_keep_only_the_chosen_services(void)
{
	static const char *const SVC[] = { "shop/web-internal" }, *const HL[] = { "apps/db-headless" };
	const char *f = GKE, *g = METAL;
	struct err e;
	cJSON *sc = import(&f, 1, SVC, 1, 100, &e), *hl;
	const cJSON *svc, *cl;
	struct cluster *c;

	CU_ASSERT_FATAL(sc != NULL);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(at(sc, "services")), 1);
	svc = named(sc, "services", "web-internal");
	cl = cJSON_GetArrayItem(at(sc, "clients"), 0);
	/* a ClusterIP Service: reached from in-cluster hosts, not from outside */
	CU_ASSERT_STRING_EQUAL(s_at(svc, "type"), "ClusterIP");
	CU_ASSERT_PTR_NULL(at(svc, "externalTrafficPolicy"));
	CU_ASSERT_STRING_EQUAL(s_at(svc, "sessionAffinity"), "ClientIP");
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(at(svc, "sessionAffinityTimeoutSeconds")), 600);
	CU_ASSERT_STRING_EQUAL(s_at(cl, "location"), "host");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(at(cl, "from_nodes")), 6);
	c = load(sc);
	CU_ASSERT_EQUAL(c->nservices, 1);
	cluster_destroy(c);
	hl = import(&g, 1, HL, 1, 100, &e);
	CU_ASSERT_FATAL(hl != NULL);
	CU_ASSERT_STRING_EQUAL(s_at(named(hl, "services", "db-headless"), "clusterIP"), "None");
	c = load(hl);
	CU_ASSERT(c->services[0].headless);
	cluster_destroy(c);
	cJSON_Delete(hl);
	cJSON_Delete(sc);
}

static void importer_should_note_unknown_kinds(void)
{
	cJSON *sc = import1(GKE, 600);

	CU_ASSERT_PTR_NOT_NULL(strstr(report, "1 HorizontalPodAutoscaler"));
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "read 4 EndpointSlice, 6 Node, 15 Pod, 5 Service"));
	cJSON_Delete(sc);
}

/* The import fails with ERR_INPUT and a message containing `want`. */
static void assert_rejected(const char *file, const char *const *svcs, int nsvcs, const char *want,
			    int line)
{
	struct err e;
	char msg[1200];

	CU_ASSERT_PTR_NULL(import(&file, 1, svcs, nsvcs, 100, &e));
	err_format(&e, msg, sizeof msg);
	CU_ASSERT_EQUAL(e.code, ERR_INPUT);
	CU_ASSERT_EQUAL(e.line, line);
	if (strstr(msg, want) == NULL)
		fprintf(stderr, "\n  got: %s\n  want: %s\n", msg, want);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, want));
}

static void importer_should_reject_bad_json_with_line_and_column(void)
{
	assert_rejected("import/bad/truncated.json", NULL, 0, "import/bad/truncated.json:41:1: ", 41);
	assert_rejected("import/bad/not-kubernetes.json", NULL, 0,
			"import/bad/not-kubernetes.json:1:1: not a Kubernetes List or object", 1);
	assert_rejected("import/bad/item-without-kind.json", NULL, 0,
			"item-without-kind.json:116:9: items[1]: not a Kubernetes object", 116);
}

static void importer_should_reject_a_dump_without_nodes(void)
{
	assert_rejected("import/bad/no-nodes.json", NULL, 0,
			"import/bad/no-nodes.json: no Node objects; dump them with the rest", 0);
}

static void importer_should_reject_a_dump_without_services_naming_what_it_found(void)
{
	static const char *const GONE[] = { "shop/nope" };

	assert_rejected("import/bad/no-services.json", NULL, 0,
			"none of type LoadBalancer or NodePort with a selector (found 2 Services: default/kubernetes ClusterIP, default/web ClusterIP); choose one with --service NAMESPACE/NAME",
			0);
	assert_rejected(GKE, GONE, 1, "--service: Service shop/nope is not in the dump (5 Services read)", 0);
}

static void importer_should_reject_a_pod_on_an_unknown_node(void)
{
	assert_rejected("import/bad/unknown-node.json", NULL, 0,
			"items[1].spec.nodeName: pod default/web-6b7c8d9f5-abcde runs on node 'n9', which is not in the dump",
			173);
}

/* The CLI writes a loadable, stable file through results_write_file, and
 * nothing at all for a bad dump. */
static void importer_should_write_a_readable_file_or_nothing(void)
{
	char dir[] = "/tmp/ktsim-import-cli-XXXXXX", out[128], out2[128], *args[8];
	struct cluster *c;
	struct err e;
	FILE *f;
	char *a, *b;
	long n;
	int err2, nul;

	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	fflush(stderr); /* the report goes to stderr: keep the test output clean */
	err2 = dup(2);
	nul = open("/dev/null", O_WRONLY);
	dup2(nul, 2);
	close(nul);
	snprintf(out, sizeof out, "%s/mine.json", dir);
	snprintf(out2, sizeof out2, "%s/again.json", dir);
	args[0] = (char *)"import";
	args[1] = (char *)"import/bad/unknown-node.json";
	args[2] = (char *)"-o";
	args[3] = out;
	CU_ASSERT_EQUAL(cmd_import(4, args), 2);
	CU_ASSERT_EQUAL(access(out, F_OK), -1);
	args[1] = (char *)GKE;
	args[4] = (char *)"--rps=600";
	CU_ASSERT_EQUAL(cmd_import(5, args), 0);
	args[3] = out2;
	CU_ASSERT_EQUAL(cmd_import(5, args), 0);
	fflush(stderr);
	close(2);
	dup2(err2, 2);
	close(err2);
	err_init(&e);
	CU_ASSERT_FATAL(scenario_load(&c, out, NULL, 0, &e) == 0);
	CU_ASSERT_STRING_EQUAL(c->name, "mine");
	CU_ASSERT_EQUAL(c->npods, 4);
	cluster_destroy(c);
	/* one top-level key per line, one element per line, same every time */
	f = fopen(out, "r");
	CU_ASSERT_FATAL(f != NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	a = ks_calloc((size_t)n + 1, 1);
	CU_ASSERT(fread(a, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	CU_ASSERT_EQUAL(strncmp(a, "{\n  \"name\": \"mine\",\n  \"description\": ", 37), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "\n  \"workloads\": [\n    {\"kind\": \"Deployment\", \"name\": \"web\", \"replicas\": 4,"));
	b = strstr(a, "\"seed\"");
	f = fopen(out2, "r");
	CU_ASSERT_FATAL(f != NULL && b != NULL);
	{
		char *c2 = ks_calloc((size_t)n + 64, 1);
		size_t k = fread(c2, 1, (size_t)n + 63, f);

		/* the name differs ("again"); everything from "seed" on is equal */
		CU_ASSERT(k > 0 && strstr(c2, "\"seed\"") && strcmp(strstr(c2, "\"seed\""), b) == 0);
		ks_free(c2);
	}
	fclose(f);
	ks_free(a);
	unlink(out);
	unlink(out2);
	CU_ASSERT_EQUAL(rmdir(dir), 0);
}

CU_ErrorCode suite_importer(void)
{
	static const struct test_case cases[] = {
		{ "importer_should_convert_allocatable_quantities", importer_should_convert_allocatable_quantities },
		{ "importer_should_map_zones_taints_labels_and_room_left", importer_should_map_zones_taints_labels_and_room_left },
		{ "importer_should_pin_ready_pods_and_report_the_rest", importer_should_pin_ready_pods_and_report_the_rest },
		{ "importer_should_reproduce_local_skew_behind_an_even_cloud_lb", importer_should_reproduce_local_skew_behind_an_even_cloud_lb },
		{ "importer_should_weight_gke_pods_per_node", importer_should_weight_gke_pods_per_node },
		{ "importer_should_keep_a_daemonset_on_every_eligible_node", importer_should_keep_a_daemonset_on_every_eligible_node },
		{ "importer_should_model_an_aws_nlb_zonal_without_cross_zone", importer_should_model_an_aws_nlb_zonal_without_cross_zone },
		{ "importer_should_recognise_kube_proxy_ipvs", importer_should_recognise_kube_proxy_ipvs },
		{ "importer_should_recognise_cilium_dsr_and_metallb_bgp", importer_should_recognise_cilium_dsr_and_metallb_bgp },
		{ "importer_should_pin_a_statefulset_with_its_constraints", importer_should_pin_a_statefulset_with_its_constraints },
		{ "importer_should_read_per_kind_files_and_single_objects", importer_should_read_per_kind_files_and_single_objects },
		{ "importer_should_prefix_namespaces_only_when_names_collide", importer_should_prefix_namespaces_only_when_names_collide },
		{ "importer_should_mark_a_placeholder_rate_without_rps", importer_should_mark_a_placeholder_rate_without_rps },
		{ "importer_should_split_rps_evenly_over_services", importer_should_split_rps_evenly_over_services },
		{ "importer_should_keep_only_the_chosen_services", importer_should_keep_only_the_chosen_services },
		{ "importer_should_note_unknown_kinds", importer_should_note_unknown_kinds },
		{ "importer_should_reject_bad_json_with_line_and_column", importer_should_reject_bad_json_with_line_and_column },
		{ "importer_should_reject_a_dump_without_nodes", importer_should_reject_a_dump_without_nodes },
		{ "importer_should_reject_a_dump_without_services_naming_what_it_found", importer_should_reject_a_dump_without_services_naming_what_it_found },
		{ "importer_should_reject_a_pod_on_an_unknown_node", importer_should_reject_a_pod_on_an_unknown_node },
		{ "importer_should_write_a_readable_file_or_nothing", importer_should_write_a_readable_file_or_nothing },
		{ NULL, NULL },
	};

	return tests_add("importer", cases);
}
