/* scenario_traffic — the traffic side of a scenario: Services and their
 * load balancers (with health checks), client groups and where they dial
 * from, and the proxy and network settings. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ktsim/json.h"
#include "ktsim/mem.h"

#include "scenario_int.h"

/* A key that only applies to one mode is an error elsewhere, not ignored. */
static int only_for(struct scenario_ctx *x, const cJSON *obj, const char *path, const char *key,
		    int ok, const char *mode)
{
	char q[PATH];

	if (ok || json_member(obj, key) == NULL)
		return 0;
	json_path_join(q, sizeof q, path, key);
	return jdoc_error(x->doc, json_member(obj, key), q, x->e, "'%s' applies only with %s", key,
			  mode);
}

int scenario_read_lb(struct scenario_ctx *x, const cJSON *v, const char *p, struct lb_spec *lb)
{
	static const char *const KEYS[] = { "mode", "target", "healthCheck", "cross_zone",
		"failover_s", NULL };
	static const char *const HC_KEYS[] = { "preset", "interval_s", "timeout_s", "healthyThreshold",
		"unhealthyThreshold", NULL };
	/* Defaults of real load balancers for a Local Service's
	 * healthCheckNodePort: cloud-provider-aws defaultNlb* (10 s, 10 s, 2, 2),
	 * aws-load-balancer-controller model_builder.go (10, 6, 2, 2),
	 * cloud-provider-aws defaultElbHC* (10, 5, 2, 6), cloud-provider-gcp
	 * gce.go gceHcCheckIntervalSeconds... (8, 1, 1, 3), ingress-gce
	 * healthchecksl4.go (3, 1, 1, 2), cloud-provider-azure
	 * HealthProbeDefaultProbeInterval/NumOfProbe (5, 5, 2, 2). */
	static const char *const PRESETS[] = { "aws-nlb", "aws-lbc-nlb", "aws-elb", "gcp", "gke-l4",
		"azure", NULL };
	static const double PRESET_VAL[][4] = { { 10, 10, 2, 2 }, { 10, 6, 2, 2 }, { 10, 5, 2, 6 },
		{ 8, 1, 1, 3 }, { 3, 1, 1, 2 }, { 5, 5, 2, 2 } };
	int preset = -1;
	static const char *const MODES[] = { "even", "round-robin", "direct", "weighted",
		"only-nodes-with-pods", "l2", "bgp", "zonal", "hash", NULL };
	const cJSON *hc, *tgt;
	char q[PATH];
	int mode = LB_EVEN;
	long long th;

	memset(lb, 0, sizeof *lb);
	lb->target = LB_TARGET_EACH_NODE;
	if (json_check_object(x->doc, v, p, KEYS, x->e) < 0)
		return -1;
	if (json_get_enum(x->doc, v, p, "mode", MODES, &mode, x->e) < 0)
		return -1;
	lb->mode = (enum lb_mode)mode;
	tgt = json_member(v, "target");
	json_path_join(q, sizeof q, p, "target");
	if (tgt && lb->mode != LB_DIRECT)
		return jdoc_error(x->doc, tgt, q, x->e, "'target' applies only to mode \"direct\"");
	if (lb->mode == LB_DIRECT) {
		if (tgt == NULL)
			return jdoc_error(x->doc, v, p, x->e,
					  "mode \"direct\" needs a 'target': \"each-node\" or a node name");
		if (!(cJSON_IsString(tgt) && strcmp(tgt->valuestring, "each-node") == 0) &&
		    scenario_find_node_ref(x, tgt, q, &lb->target) < 0)
			return -1;
	}
	lb->failover_s = 10;
	if (only_for(x, v, p, "cross_zone", lb->mode == LB_ZONAL, "mode \"zonal\"") < 0 ||
	    only_for(x, v, p, "failover_s", lb->mode == LB_L2, "mode \"l2\"") < 0 ||
	    json_get_bool(x->doc, v, p, "cross_zone", &lb->cross_zone, x->e) < 0 ||
	    json_get_number(x->doc, v, p, "failover_s", 0, 3600, &lb->failover_s, x->e) < 0)
		return -1;
	hc = json_member(v, "healthCheck");
	if (hc == NULL)
		return 0;
	json_path_join(q, sizeof q, p, "healthCheck");
	if (lb->mode == LB_DIRECT)
		return jdoc_error(x->doc, hc, q, x->e,
				  "a client addressing nodes directly has no health check; remove 'healthCheck' or use mode \"even\"");
	if (json_check_object(x->doc, hc, q, HC_KEYS, x->e) < 0)
		return -1;
	lb->hc.enabled = 1;
	lb->hc.interval_s = 10;
	lb->hc.timeout_s = 5;
	lb->hc.healthy_threshold = 2;
	lb->hc.unhealthy_threshold = 2;
	if (json_get_enum(x->doc, hc, q, "preset", PRESETS, &preset, x->e) < 0)
		return -1;
	if (preset >= 0) {
		lb->hc.interval_s = PRESET_VAL[preset][0];
		lb->hc.timeout_s = PRESET_VAL[preset][1];
		lb->hc.healthy_threshold = (int)PRESET_VAL[preset][2];
		lb->hc.unhealthy_threshold = (int)PRESET_VAL[preset][3];
	}
	if (json_get_number(x->doc, hc, q, "interval_s", 0.001, 3600, &lb->hc.interval_s, x->e) < 0 ||
	    json_get_number(x->doc, hc, q, "timeout_s", 0.001, 3600, &lb->hc.timeout_s, x->e) < 0)
		return -1;
	if (json_get_int(x->doc, hc, q, "healthyThreshold", 1, 100, &th, x->e) < 0)
		return -1;
	if (json_member(hc, "healthyThreshold"))
		lb->hc.healthy_threshold = (int)th;
	if (json_get_int(x->doc, hc, q, "unhealthyThreshold", 1, 100, &th, x->e) < 0)
		return -1;
	if (json_member(hc, "unhealthyThreshold"))
		lb->hc.unhealthy_threshold = (int)th;
	return 0;
}

int scenario_read_services(struct scenario_ctx *x, const cJSON *root, const struct lb_spec *deflb)
{
	static const char *const KEYS[] = { "name", "type", "selector", "externalTrafficPolicy",
		"loadBalancer", "internalTrafficPolicy", "trafficDistribution", "clusterIP",
		"sessionAffinity", "sessionAffinityTimeoutSeconds", NULL };
	static const char *const AFFINITY[] = { "None", "ClientIP", NULL };
	/* PreferClose is the deprecated alias of PreferSameZone (KEP-3015). */
	static const char *const TD[] = { "PreferSameZone", "PreferClose", "PreferSameNode", NULL };
	static const char *const TYPES[] = { "ClusterIP", "NodePort", "LoadBalancer", NULL };
	static const char *const POLICIES[] = { "Cluster", "Local", NULL };
	const cJSON *arr = json_member(root, "services"), *it;
	char p[PATH], q[PATH];
	int i = 0;

	if (arr == NULL)
		return jdoc_error(x->doc, root, "", x->e, "missing required key 'services'");
	if (json_check_array(x->doc, arr, "services", x->e) < 0)
		return -1;
	x->c->services = ks_calloc((size_t)cJSON_GetArraySize(arr), sizeof *x->c->services);
	cJSON_ArrayForEach(it, arr) {
		struct service *s;
		const char *name;
		int type = SVC_CLUSTER_IP, etp = POLICY_CLUSTER, r;

		json_path_index(p, sizeof p, "services", i++);
		if (json_check_object(x->doc, it, p, KEYS, x->e) < 0)
			return -1;
		if (scenario_read_name(x, it, p, "name", 1, &name) < 0)
			return -1;
		if (cluster_find_service(x->c, name) >= 0) {
			json_path_join(q, sizeof q, p, "name");
			return jdoc_error(x->doc, json_member(it, "name"), q, x->e,
					  "duplicate service name '%s'", name);
		}
		s = &x->c->services[x->c->nservices++];
		s->name = ks_strdup(name);
		if (json_get_enum(x->doc, it, p, "type", TYPES, &type, x->e) < 0)
			return -1;
		s->type = (enum svc_type)type;
		r = json_get_enum(x->doc, it, p, "externalTrafficPolicy", POLICIES, &etp, x->e);
		if (r < 0)
			return -1;
		/* The API server refuses it too: "may only be set when `type` is
		 * 'NodePort' or 'LoadBalancer'" (core/v1 validation). */
		if (r == 1 && type == SVC_CLUSTER_IP && etp == POLICY_LOCAL) {
			json_path_join(q, sizeof q, p, "externalTrafficPolicy");
			return jdoc_error(x->doc, json_member(it, "externalTrafficPolicy"), q, x->e,
					  "may only be set when type is NodePort or LoadBalancer");
		}
		s->etp = (enum traffic_policy)etp;
		{
			int itp = POLICY_CLUSTER, td = -1;
			const char *cip = "";

			if (json_get_enum(x->doc, it, p, "internalTrafficPolicy", POLICIES, &itp, x->e) < 0 ||
			    json_get_enum(x->doc, it, p, "trafficDistribution", TD, &td, x->e) < 0 ||
			    json_get_string(x->doc, it, p, "clusterIP", &cip, x->e) < 0)
				return -1;
			s->itp = (enum traffic_policy)itp;
			/* timeoutSeconds: default 10800, valid (0, 86400] (core/v1
			 * ClientIPConfig) */
			s->affinity_timeout_s = 10800;
			if (json_get_enum(x->doc, it, p, "sessionAffinity", AFFINITY, &s->affinity, x->e) < 0 ||
			    only_for(x, it, p, "sessionAffinityTimeoutSeconds", s->affinity,
				     "sessionAffinity \"ClientIP\"") < 0 ||
			    json_get_number(x->doc, it, p, "sessionAffinityTimeoutSeconds", 1, 86400,
					    &s->affinity_timeout_s, x->e) < 0)
				return -1;
			s->td = td < 0 ? TD_NONE : td == 2 ? TD_PREFER_SAME_NODE : TD_PREFER_SAME_ZONE;
			if (json_member(it, "clusterIP")) {
				json_path_join(q, sizeof q, p, "clusterIP");
				if (strcmp(cip, "None") != 0)
					return jdoc_error(x->doc, json_member(it, "clusterIP"), q, x->e,
							  "only \"None\" (a headless Service) is modelled; leave it out for a virtual IP");
				if (type != SVC_CLUSTER_IP)
					return jdoc_error(x->doc, json_member(it, "clusterIP"), q, x->e,
							  "a headless Service must be of type ClusterIP");
				s->headless = 1;
			}
		}
		if (scenario_read_labels(x, it, p, "selector", &s->selector) < 0)
			return -1;
		s->lb = *deflb;
		if (json_member(it, "loadBalancer")) {
			json_path_join(q, sizeof q, p, "loadBalancer");
			if (scenario_read_lb(x, json_member(it, "loadBalancer"), q, &s->lb) < 0)
				return -1;
		}
	}
	if (x->c->nservices == 0)
		return jdoc_error(x->doc, arr, "services", x->e, "expected at least one service");
	return 0;
}

static int parse_cidr(const char *s, uint32_t *base, int *prefix)
{
	unsigned a, b, c, d;
	int pl, n = 0;

	if (sscanf(s, "%u.%u.%u.%u/%d%n", &a, &b, &c, &d, &pl, &n) != 5 || s[n] != '\0' ||
	    a > 255 || b > 255 || c > 255 || d > 255 || pl < 0 || pl > 32)
		return -1;
	*prefix = pl;
	*base = (a << 24 | b << 16 | c << 8 | d) & (pl ? ~0u << (32 - pl) : 0u);
	return 0;
}

/* In-cluster clients: where they run (from_workload / from_nodes) and what
 * they dial (via: clusterIP, loadBalancer, nodePort with a target node). */
static int read_client_origin(struct scenario_ctx *x, const cJSON *it, const char *p,
			      struct client *cl)
{
	static const char *const VIA[] = { "clusterIP", "loadBalancer", "nodePort", NULL };
	const struct service *svc = &x->c->services[cl->service];
	const cJSON *wl = json_member(it, "from_workload"), *nodes = json_member(it, "from_nodes");
	const cJSON *tgt = json_member(it, "target");
	char q[PATH];
	int via = VIA_CLUSTER_IP;

	cl->from_workload = -1;
	cl->target = -1;
	if (cl->location == LOC_EXTERNAL) {
		const char *k = wl ? "from_workload" : nodes ? "from_nodes"
			      : json_member(it, "via") ? "via" : tgt ? "target" : NULL;

		if (k) {
			json_path_join(q, sizeof q, p, k);
			return jdoc_error(x->doc, json_member(it, k), q, x->e,
					  "'%s' applies to in-cluster clients (location \"pod\" or \"host\")", k);
		}
		return 0;
	}
	if (json_get_enum(x->doc, it, p, "via", VIA, &via, x->e) < 0)
		return -1;
	cl->via = (enum client_via)via;
	json_path_join(q, sizeof q, p, "via");
	if (via != VIA_CLUSTER_IP && svc->type == SVC_CLUSTER_IP)
		return jdoc_error(x->doc, json_member(it, "via"), q, x->e,
				  "service '%s' is of type ClusterIP; it has no %s", svc->name,
				  via == VIA_LOAD_BALANCER ? "load balancer IP" : "NodePort");
	if (via == VIA_LOAD_BALANCER && svc->type != SVC_LOAD_BALANCER)
		return jdoc_error(x->doc, json_member(it, "via"), q, x->e,
				  "service '%s' is of type NodePort; it has no load balancer IP", svc->name);
	if (tgt) {
		json_path_join(q, sizeof q, p, "target");
		if (via != VIA_NODE_PORT)
			return jdoc_error(x->doc, tgt, q, x->e, "'target' applies only to via \"nodePort\"");
		if (scenario_find_node_ref(x, tgt, q, &cl->target) < 0)
			return -1;
	}
	if ((wl != NULL) == (nodes != NULL))
		return jdoc_error(x->doc, it, p, x->e,
				  "an in-cluster client needs exactly one of 'from_workload' (its pods' nodes) or 'from_nodes'");
	if (wl && cl->location == LOC_HOST) {
		json_path_join(q, sizeof q, p, "from_workload");
		return jdoc_error(x->doc, wl, q, x->e, "a host client runs on nodes: use 'from_nodes'");
	}
	if (wl) {
		json_path_join(q, sizeof q, p, "from_workload");
		if (!cJSON_IsString(wl))
			return jdoc_error(x->doc, wl, q, x->e, "expected a workload name");
		for (int w = 0; w < x->c->nworkloads; w++)
			if (strcmp(x->c->workloads[w].name, wl->valuestring) == 0)
				cl->from_workload = w;
		if (cl->from_workload < 0)
			return jdoc_error(x->doc, wl, q, x->e, "workload '%s' not found", wl->valuestring);
		return 0;
	}
	json_path_join(q, sizeof q, p, "from_nodes");
	if (json_check_array(x->doc, nodes, q, x->e) < 0)
		return -1;
	if (cJSON_GetArraySize(nodes) == 0)
		return jdoc_error(x->doc, nodes, q, x->e, "expected at least one node");
	cl->from_nodes = ks_calloc((size_t)cJSON_GetArraySize(nodes), sizeof *cl->from_nodes);
	for (const cJSON *n = nodes->child; n; n = n->next) {
		char r[PATH];

		json_path_index(r, sizeof r, q, cl->nfrom);
		if (scenario_find_node_ref(x, n, r, &cl->from_nodes[cl->nfrom++]) < 0)
			return -1;
	}
	return 0;
}

/* Connections versus requests: a connection carries `requests` requests
 * (rounded, at least 1) to the endpoint chosen when it opened, with
 * `think_time_ms` between a response and the next request, as HTTP
 * keep-alive or gRPC do over L4 balancing; `flow_bytes` per request. */
static int read_client_traffic(struct scenario_ctx *x, const cJSON *it, const char *p,
			       struct client *cl)
{
	double one = 1, zero = 0;
	char msg[100];
	int r;

	dist_set(&cl->requests, DIST_CONST, &one, msg, sizeof msg);
	dist_set(&cl->think_ms, DIST_CONST, &zero, msg, sizeof msg);
	if ((r = scenario_read_dist(x, it, p, "requests", &cl->requests)) < 0 ||
	    scenario_read_dist(x, it, p, "think_time_ms", &cl->think_ms) < 0)
		return -1;
	if (r == 1 && cl->requests.kind == DIST_CONST && cl->requests.p[0] < 0.5) {
		char q[PATH];

		json_path_join(q, sizeof q, p, "requests");
		return jdoc_error(x->doc, json_member(it, "requests"), q, x->e,
				  "a connection carries at least 1 request");
	}
	cl->keepalive = !(cl->requests.kind == DIST_CONST && lround(cl->requests.p[0]) == 1);
	if ((r = scenario_read_dist(x, it, p, "flow_bytes", &cl->bytes)) < 0)
		return -1;
	cl->has_bytes = r == 1;
	return 0;
}

int scenario_read_clients(struct scenario_ctx *x, const cJSON *root)
{
	static const char *const KEYS[] = { "name", "service", "location", "count", "cidr",
		"arrival", "requests", "think_time_ms", "flow_bytes", "protocol", "from_workload",
		"from_nodes", "via", "target", NULL };
	static const char *const PROTOCOLS[] = { "TCP", "UDP", NULL };
	static const char *const ARR_KEYS[] = { "process", "rate_per_s", NULL };
	static const char *const LOCATIONS[] = { "external", "pod", "host", NULL };
	static const char *const PROCESSES[] = { "poisson", NULL };
	const cJSON *arr = json_member(root, "clients"), *it;
	char p[PATH], q[PATH];
	int i = 0;

	if (arr == NULL)
		return jdoc_error(x->doc, root, "", x->e, "missing required key 'clients'");
	if (json_check_array(x->doc, arr, "clients", x->e) < 0)
		return -1;
	if (cJSON_GetArraySize(arr) > CLUSTER_MAX_CLIENTS)
		return jdoc_error(x->doc, arr, "clients", x->e, "more than %d client groups",
				  CLUSTER_MAX_CLIENTS);
	x->c->clients = ks_calloc((size_t)cJSON_GetArraySize(arr), sizeof *x->c->clients);
	cJSON_ArrayForEach(it, arr) {
		struct client *cl;
		const char *name, *svc, *cidr = "198.18.0.0/15";
		const cJSON *av;
		long long count = 1000;
		int loc = 0, proc = 0, prefix, sid;
		uint32_t base;

		json_path_index(p, sizeof p, "clients", i++);
		if (json_check_object(x->doc, it, p, KEYS, x->e) < 0)
			return -1;
		if (scenario_read_name(x, it, p, "name", 1, &name) < 0)
			return -1;
		cl = &x->c->clients[x->c->nclients++];
		cl->name = ks_strdup(name);
		if (scenario_read_name(x, it, p, "service", 1, &svc) < 0)
			return -1;
		json_path_join(q, sizeof q, p, "service");
		sid = cluster_find_service(x->c, svc);
		if (sid < 0) {
			const char **names = ks_calloc((size_t)x->c->nservices, sizeof *names);
			int n = x->c->nservices;

			for (int k = 0; k < n; k++)
				names[k] = x->c->services[k].name;
			scenario_ref_error(x, json_member(it, "service"), q, "service", svc, names, n);
			ks_free(names);
			return -1;
		}
		cl->service = sid;
		if (json_get_enum(x->doc, it, p, "location", LOCATIONS, &loc, x->e) < 0)
			return -1;
		cl->location = (enum client_location)loc;
		if (loc == LOC_EXTERNAL && x->c->services[sid].type == SVC_CLUSTER_IP)
			return jdoc_error(x->doc, json_member(it, "service"), q, x->e,
					  "service '%s' is of type ClusterIP, which external clients cannot reach; set its type to NodePort or LoadBalancer, or give the client a location \"pod\" or \"host\"",
					  svc);
		if (read_client_origin(x, it, p, cl) < 0)
			return -1;
		if (json_get_int(x->doc, it, p, "count", 1, 1LL << 32, &count, x->e) < 0 ||
		    json_get_string(x->doc, it, p, "cidr", &cidr, x->e) < 0)
			return -1;
		json_path_join(q, sizeof q, p, "cidr");
		if (parse_cidr(cidr, &base, &prefix) < 0)
			return jdoc_error(x->doc, json_member(it, "cidr"), q, x->e,
					  "expected an IPv4 CIDR like \"198.51.100.0/22\", got \"%s\"", cidr);
		if (prefix > 0 && count > (1LL << (32 - prefix))) {
			json_path_join(q, sizeof q, p, "count");
			return jdoc_error(x->doc, json_member(it, "count"), q, x->e,
					  "%lld clients do not fit in %s (%lld addresses)", count, cidr,
					  1LL << (32 - prefix));
		}
		cl->count = count > UINT32_MAX ? UINT32_MAX : (uint32_t)count;
		cl->cidr_base = base;
		av = json_member(it, "arrival");
		json_path_join(q, sizeof q, p, "arrival");
		if (av == NULL)
			return jdoc_error(x->doc, it, p, x->e,
					  "missing required key 'arrival' (e.g. {\"process\": \"poisson\", \"rate_per_s\": 1000})");
		if (json_check_object(x->doc, av, q, ARR_KEYS, x->e) < 0 ||
		    json_get_enum(x->doc, av, q, "process", PROCESSES, &proc, x->e) < 0)
			return -1;
		if (json_get_number(x->doc, av, q, "rate_per_s", 0, DBL_MAX, &cl->rate_per_s, x->e) <= 0)
			return err_is_set(x->e) ? -1
				: jdoc_error(x->doc, av, q, x->e, "missing required key 'rate_per_s'");
		if (read_client_traffic(x, it, p, cl) < 0 ||
		    json_get_enum(x->doc, it, p, "protocol", PROTOCOLS, &cl->udp, x->e) < 0)
			return -1;
		if (cl->rate_per_s <= 0) {
			char r[PATH];

			json_path_join(r, sizeof r, q, "rate_per_s");
			return jdoc_error(x->doc, json_member(av, "rate_per_s"), r, x->e,
					  "expected a rate > 0 flows per second, got 0");
		}
	}
	if (x->c->nclients == 0)
		return jdoc_error(x->doc, arr, "clients", x->e,
				  "expected at least one client group; nothing would send traffic");
	return 0;
}

static int read_proxy(struct scenario_ctx *x, const cJSON *v)
{
	static const char *const KEYS[] = { "mode", "snat_port_range", "time_wait_s", "snat_cost_ms",
		"snat", "ipvs_scheduler", "lb_algorithm", "maglev_table_size", "sync_delay_ms",
		"sync_jitter_ms", NULL };
	static const char *const SCHEDS[] = { "rr", "wrr", "lc", "wlc", "sh", "dh", "sed", "nq", "mh",
		NULL };
	static const char *const ALGOS[] = { "random", "maglev", NULL };
	/* Cilium's allowed Maglev table sizes (kubeproxy-free.rst) */
	static const long long PRIMES[] = { 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521,
		131071 };
	long long m = 16381;
	int sched = 0, algo = 0;
	static const char *const MODES[] = { "iptables", "nftables", "ipvs", "ebpf", NULL };
	static const char *const SNAT[] = { "snat", "dsr", "hybrid", NULL };
	struct proxy_spec *ps = &x->c->proxy;
	const cJSON *r;
	int mode = PROXY_IPTABLES, snat = SNAT_SNAT;

	if (json_check_object(x->doc, v, "proxy", KEYS, x->e) < 0 ||
	    json_get_enum(x->doc, v, "proxy", "mode", MODES, &mode, x->e) < 0 ||
	    only_for(x, v, "proxy", "snat", mode == PROXY_EBPF, "mode \"ebpf\"") < 0 ||
	    json_get_enum(x->doc, v, "proxy", "snat", SNAT, &snat, x->e) < 0 ||
	    json_get_number(x->doc, v, "proxy", "time_wait_s", 0, 86400, &ps->time_wait_s, x->e) < 0 ||
	    json_get_number(x->doc, v, "proxy", "snat_cost_ms", 0, 60000, &ps->snat_cost_ms, x->e) < 0)
		return -1;
	if (only_for(x, v, "proxy", "ipvs_scheduler", mode == PROXY_IPVS, "mode \"ipvs\"") < 0 ||
	    only_for(x, v, "proxy", "lb_algorithm", mode == PROXY_EBPF, "mode \"ebpf\"") < 0 ||
	    json_get_enum(x->doc, v, "proxy", "ipvs_scheduler", SCHEDS, &sched, x->e) < 0 ||
	    json_get_enum(x->doc, v, "proxy", "lb_algorithm", ALGOS, &algo, x->e) < 0 ||
	    only_for(x, v, "proxy", "maglev_table_size", algo == 1, "lb_algorithm \"maglev\"") < 0 ||
	    json_get_int(x->doc, v, "proxy", "maglev_table_size", 251, 131071, &m, x->e) < 0)
		return -1;
	if (json_member(v, "maglev_table_size")) {
		int ok = 0;

		for (size_t i = 0; i < sizeof PRIMES / sizeof PRIMES[0]; i++)
			ok |= PRIMES[i] == m;
		if (!ok)
			return jdoc_error(x->doc, json_member(v, "maglev_table_size"),
					  "proxy.maglev_table_size", x->e,
					  "Cilium accepts 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521 or 131071");
	}
	{
		double d = ps->sync_delay_s * 1e3, j = 0;

		if (json_get_number(x->doc, v, "proxy", "sync_delay_ms", 0, 3600e3, &d, x->e) < 0 ||
		    json_get_number(x->doc, v, "proxy", "sync_jitter_ms", 0, 3600e3, &j, x->e) < 0)
			return -1;
		ps->sync_delay_s = d * 1e-3;
		ps->sync_jitter_s = j * 1e-3;
	}
	ps->ipvs_scheduler = sched;
	ps->maglev = algo == 1;
	ps->maglev_m = (uint32_t)m;
	ps->mode = (enum proxy_mode)mode;
	ps->snat = (enum snat_mode)snat;
	if ((r = json_member(v, "snat_port_range")) != NULL) {
		const cJSON *lo = cJSON_GetArrayItem(r, 0), *hi = cJSON_GetArrayItem(r, 1);

		if (!cJSON_IsArray(r) || cJSON_GetArraySize(r) != 2 || !cJSON_IsNumber(lo) ||
		    !cJSON_IsNumber(hi) || lo->valuedouble != (int)lo->valuedouble ||
		    hi->valuedouble != (int)hi->valuedouble || lo->valuedouble < 1 ||
		    hi->valuedouble > 65535 || lo->valuedouble > hi->valuedouble)
			return jdoc_error(x->doc, r, "proxy.snat_port_range", x->e,
					  "expected [first, last] ports with 1 <= first <= last <= 65535");
		ps->snat_port_lo = (uint32_t)lo->valuedouble;
		ps->snat_port_hi = (uint32_t)hi->valuedouble;
	}
	return 0;
}

static int read_network(struct scenario_ctx *x, const cJSON *v)
{
	static const char *const KEYS[] = { "latency_ms", "jitter_ms", "cross_zone_cost_per_gb", NULL };
	static const char *const LAT_KEYS[] = { "lb_to_node", "same_node", "same_zone", "cross_zone",
		NULL };
	static const char *const P = "network.latency_ms";
	struct latency_spec *ls = &x->c->latency;
	const cJSON *l;
	int r;

	if (json_check_object(x->doc, v, "network", KEYS, x->e) < 0 ||
	    json_get_number(x->doc, v, "network", "cross_zone_cost_per_gb", 0, 1000,
			    &ls->cross_zone_cost_per_gb, x->e) < 0)
		return -1;
	if ((r = scenario_read_dist(x, v, "network", "jitter_ms", &ls->jitter_ms)) < 0)
		return -1;
	ls->has_jitter = r == 1;
	if ((l = json_member(v, "latency_ms")) == NULL)
		return 0;
	if (json_check_object(x->doc, l, P, LAT_KEYS, x->e) < 0 ||
	    json_get_number(x->doc, l, P, "lb_to_node", 0, 60000, &ls->lb_to_node, x->e) < 0 ||
	    json_get_number(x->doc, l, P, "same_node", 0, 60000, &ls->same_node, x->e) < 0 ||
	    json_get_number(x->doc, l, P, "same_zone", 0, 60000, &ls->same_zone, x->e) < 0 ||
	    json_get_number(x->doc, l, P, "cross_zone", 0, 60000, &ls->cross_zone, x->e) < 0)
		return -1;
	return 0;
}

int scenario_read_misc(struct scenario_ctx *x, const cJSON *root)
{
	const cJSON *v;

	/* MASQUERADE of forwarded traffic keeps the client's port when the
	 * tuple is unique and otherwise picks from 1024-65535 for ports >= 1024
	 * (net/netfilter/nf_nat_core.c), so a (node, backend) pair holds at most
	 * 64,512 connections; TIME_WAIT entries keep theirs for
	 * nf_conntrack_tcp_timeout_time_wait = 120 s
	 * (Documentation/networking/nf_conntrack-sysctl.rst). */
	x->c->proxy = (struct proxy_spec){ .mode = PROXY_IPTABLES, .snat_port_lo = 1024,
					   .snat_port_hi = 65535, .time_wait_s = 120,
					   .maglev_m = 16381, .sync_delay_s = 1 };
	/* kube-proxy applies endpoint changes within iptables.minSyncPeriod
	 * (1 s by default, virtual-ips.md). */
	/* AWS bills $0.01/GB in each direction between zones of a region. */
	x->c->latency.cross_zone_cost_per_gb = 0.02;
	if ((v = json_member(root, "proxy")) != NULL && read_proxy(x, v) < 0)
		return -1;
	if ((v = json_member(root, "network")) != NULL && read_network(x, v) < 0)
		return -1;
	return 0;
}
