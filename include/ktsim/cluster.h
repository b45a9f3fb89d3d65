/* cluster — the static model a scenario describes: zones, nodes, workloads
 * and their pods, Services with their external load balancer, the proxy
 * mode, network latencies and client groups.
 *
 * Everything lives in flat arrays indexed by small integer ids (zone, node,
 * workload, pod, service, client); cross references are ids, never pointers.
 * Pods are created by cluster_place (pin, else round-robin) and a Service's
 * ready endpoints are computed by cluster_endpoints; both are pure functions
 * of the spec, so a run and `ktsim check` see the same layout.
 * Ownership: the cluster owns every string and array in it;
 * cluster_destroy frees them all. */
#ifndef KTSIM_CLUSTER_H
#define KTSIM_CLUSTER_H

#include <stdint.h>

#include "ktsim/dist.h"

#define CLUSTER_MAX_NODES 100000
#define CLUSTER_MAX_PODS 10000000
#define CLUSTER_MAX_SERVICES 100000
#define CLUSTER_MAX_CLIENTS 100000
#define LB_TARGET_EACH_NODE (-1)

struct label {
	char *key, *value;
};

struct labels {
	int n;
	struct label *kv;
};

struct node {
	char *name;
	int zone;             /* index into cluster.zones */
	struct labels labels;
};

struct server_spec {
	int concurrency;      /* workers serving at once */
	int queue_limit;      /* waiting flows beyond the workers; 0 = none */
	struct dist service_ms;
};

struct workload {
	char *name;
	int replicas;
	struct labels labels;
	int *pin;             /* replicas node ids, or NULL (round-robin) */
	struct server_spec server;
	int first_pod, npods; /* its pods, after cluster_place */
	int running, pending;
};

struct pod {
	char *name;           /* <workload>-<ordinal> */
	int node, workload;
	int ready;
};

enum svc_type { SVC_CLUSTER_IP, SVC_NODE_PORT, SVC_LOAD_BALANCER };
enum traffic_policy { POLICY_CLUSTER, POLICY_LOCAL };
enum lb_mode { LB_EVEN, LB_ROUND_ROBIN, LB_DIRECT };
enum proxy_mode { PROXY_IPTABLES, PROXY_NFTABLES };

struct health_check {
	int enabled;
	double interval_s, timeout_s;
	int healthy_threshold, unhealthy_threshold;
};

struct lb_spec {
	enum lb_mode mode;
	int target;           /* LB_DIRECT: a node id or LB_TARGET_EACH_NODE */
	struct health_check hc;
};

struct service {
	char *name;
	enum svc_type type;
	struct labels selector;
	enum traffic_policy etp;
	struct lb_spec lb;
	int *eps, neps;       /* ready endpoints (pod ids, by pod id), from cluster_endpoints */
};

struct client {
	char *name;
	int service;
	double rate_per_s;    /* Poisson arrivals */
	uint32_t count;       /* distinct client IPs */
	uint32_t cidr_base;   /* first address, host order */
};

struct latency_spec {
	double same_node, same_zone, cross_zone; /* round trip added by the hop, ms */
};

struct cluster {
	char *name, *description;
	uint64_t seed;
	double duration_s, warmup_s;
	char **zones;
	int nzones;
	struct node *nodes;
	int nnodes;
	struct workload *workloads;
	int nworkloads;
	struct pod *pods;
	int npods;
	struct service *services;
	int nservices;
	struct client *clients;
	int nclients;
	enum proxy_mode proxy;
	struct latency_spec latency;
};

/* An empty cluster; free with cluster_destroy. */
struct cluster *cluster_create(void);
/* Free the cluster and everything it owns; NULL does nothing. */
void cluster_destroy(struct cluster *c);
/* Index of zone `name`, adding it when new. */
int cluster_zone(struct cluster *c, const char *name);
/* Id of the node, workload or service named `name`, or -1. */
int cluster_find_node(const struct cluster *c, const char *name);
int cluster_find_service(const struct cluster *c, const char *name);
/* Create the pods: pinned pods on their nodes, the others of a workload
 * round-robin from the first node (pod i on node i mod nnodes). All ready. */
void cluster_place(struct cluster *c);
/* Fill every Service's ready endpoints: pods of workloads whose labels
 * include all of the selector's pairs. */
void cluster_endpoints(struct cluster *c);
/* True when every pair of sel is in labels. */
int labels_match(const struct labels *sel, const struct labels *labels);
/* Names of enum values, for messages and results. */
const char *cluster_policy_name(enum traffic_policy p);
const char *cluster_svc_type_name(enum svc_type t);
const char *cluster_lb_mode_name(enum lb_mode m);
const char *cluster_proxy_name(enum proxy_mode m);

#endif
