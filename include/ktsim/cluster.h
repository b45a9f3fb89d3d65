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

/* Random stream purposes, rng_derive's `kind` (rng.h); never renumber, so a
 * new stream never perturbs the others. */
enum stream_kind {
	STREAM_ARRIVAL = 1, STREAM_CLIENT_IP, STREAM_LB, STREAM_PROXY, STREAM_SERVICE,
	STREAM_PLACEMENT, STREAM_TRAFFIC, STREAM_JITTER, STREAM_HEALTH, STREAM_SYNC,
	STREAM_IPVS_ORDER,
};

struct label {
	char *key, *value;
};

struct labels {
	int n;
	struct label *kv;
};

enum taint_effect { TAINT_NO_SCHEDULE, TAINT_PREFER_NO_SCHEDULE, TAINT_NO_EXECUTE,
		   TAINT_ANY /* a toleration without an effect tolerates every effect */ };

struct taint {
	char *key, *value;    /* value may be "" */
	enum taint_effect effect;
};

struct node {
	char *name;
	int zone;             /* index into cluster.zones */
	struct labels labels;
	/* allocatable resources and what is already requested there (other
	 * workloads not in the scenario); pods placed add their requests */
	long long cpu_m, memory_mi, allocated_cpu_m, allocated_memory_mi;
	int max_pods;         /* default 110 (kubelet --max-pods) */
	uint32_t conntrack_max; /* nf_conntrack_max as kube-proxy sets it */
	int ntaints;
	struct taint *taints;
};

enum toleration_op { TOL_EQUAL, TOL_EXISTS };

struct toleration {
	char *key;            /* "" with TOL_EXISTS tolerates every taint */
	char *value;
	enum toleration_op op;
	enum taint_effect effect;  /* TAINT_ANY when not given */
};

enum affinity_mode { AFFINITY_NONE, AFFINITY_PREFERRED, AFFINITY_REQUIRED };

/* One (anti-)affinity term: pods matching `selector` in the same
 * `topology_key` domain attract (affinity) or repel (anti-affinity). */
struct affinity_term {
	enum affinity_mode mode;
	int weight;           /* 1..100, preferred only */
	char *topology_key;   /* a node label key */
	struct labels selector; /* default: the workload's own labels */
};

enum spread_when { SPREAD_DO_NOT_SCHEDULE, SPREAD_SCHEDULE_ANYWAY };

struct spread_constraint {
	int max_skew;
	char *topology_key;
	enum spread_when when;
	struct labels selector; /* default: the workload's own labels */
};

struct server_spec {
	int concurrency;      /* workers serving at once */
	int queue_limit;      /* waiting flows beyond the workers; 0 = none */
	struct dist service_ms;
};

enum workload_kind { WL_DEPLOYMENT, WL_DAEMONSET };

struct workload {
	char *name;
	enum workload_kind kind;
	int replicas;         /* a DaemonSet's is the number of eligible nodes */
	struct labels labels;
	int *pin;             /* replicas node ids, or NULL (the scheduler places) */
	struct labels node_selector;
	int ntolerations;
	struct toleration *tolerations;
	long long cpu_m, memory_mi;        /* requests per pod */
	struct affinity_term anti, aff;    /* podAntiAffinity, podAffinity */
	int nspread;
	struct spread_constraint *spread;  /* none: the scheduler's defaults */
	struct server_spec server;
	int first_pod, npods; /* its pods, after cluster_place */
	int running, pending;
	double readiness_delay_s;   /* a new pod turns Ready this long after it is placed */
	double grace_s;             /* terminationGracePeriodSeconds */
	int first_spare, nspare;    /* spare pod slots for replacements (timeline) */
};

struct pod {
	char *name;           /* <workload>-<ordinal> */
	int node, workload;   /* node -1: Pending (fits nowhere) */
	int ready;
};

enum svc_type { SVC_CLUSTER_IP, SVC_NODE_PORT, SVC_LOAD_BALANCER };
enum traffic_policy { POLICY_CLUSTER, POLICY_LOCAL };
enum lb_mode { LB_EVEN, LB_ROUND_ROBIN, LB_DIRECT, LB_WEIGHTED, LB_ONLY_NODES_WITH_PODS, LB_L2,
	       LB_BGP, LB_ZONAL, LB_HASH, LB_NMODES };
enum proxy_mode { PROXY_IPTABLES, PROXY_NFTABLES, PROXY_IPVS, PROXY_EBPF };
enum snat_mode { SNAT_SNAT, SNAT_DSR, SNAT_HYBRID };

struct health_check {
	int enabled;
	double interval_s, timeout_s;
	int healthy_threshold, unhealthy_threshold;
};

/* Timeline actions: what changes the truth, and when. */
enum tl_action { TL_DELETE_POD, TL_NODE_DOWN, TL_NODE_UP, TL_DRAIN, TL_SCALE, TL_ROLLOUT,
		 TL_SET_RATE, TL_SET_POLICY, TL_NACTIONS };

struct tl_event {
	double at_s;
	enum tl_action action;
	int target;          /* pod, node, workload, client or service id */
	int value;           /* replicas (scale), policy (set_policy), maxUnavailable (drain, rollout) */
	int surge;           /* rollout maxSurge */
	double rate;         /* set_rate */
};

struct lb_spec {
	enum lb_mode mode;
	int target;           /* LB_DIRECT: a node id or LB_TARGET_EACH_NODE */
	int cross_zone;       /* LB_ZONAL: spread over all nodes, not zones first */
	double failover_s;    /* LB_L2: time to elect a new leader */
	struct health_check hc;
};

enum traffic_distribution { TD_NONE, TD_PREFER_SAME_ZONE, TD_PREFER_SAME_NODE };

struct service {
	char *name;
	enum svc_type type;
	int headless;         /* clusterIP: None — clients resolve pod IPs themselves */
	struct labels selector;
	enum traffic_policy etp;
	enum traffic_policy itp;   /* internalTrafficPolicy */
	enum traffic_distribution td;
	int affinity;         /* sessionAffinity: ClientIP */
	double affinity_timeout_s;
	struct lb_spec lb;
	int *eps, neps;       /* members: pods of selected workloads, by pod id (placed or not) */
};

/* Where a client group's connections start. */
enum client_location { LOC_EXTERNAL, LOC_POD, LOC_HOST };
/* What an in-cluster client dials. */
enum client_via { VIA_CLUSTER_IP, VIA_LOAD_BALANCER, VIA_NODE_PORT };

struct client {
	char *name;
	int service;
	enum client_location location;
	enum client_via via;
	int from_workload;    /* LOC_POD: connections start on its running pods' nodes, or -1 */
	int *from_nodes, nfrom; /* else from these nodes, uniformly */
	int target;           /* VIA_NODE_PORT: the node dialled, -1 = the client's own */
	double rate_per_s;    /* Poisson arrivals of connections */
	uint32_t count;       /* distinct client IPs */
	uint32_t cidr_base;   /* first address, host order */
	struct dist requests; /* requests per connection (rounded, >= 1) */
	struct dist think_ms; /* gap between a response and the next request */
	struct dist bytes;    /* bytes per request (request + response) */
	int keepalive;        /* requests is not the constant 1 */
	int udp;              /* protocol UDP (else TCP) */
	int has_bytes;
};

struct latency_spec {
	/* round trip added by each hop, ms: the LB (or the client) to the node it
	 * picks, then the node to the pod (same node, same zone or another) */
	double lb_to_node, same_node, same_zone, cross_zone;
	struct dist jitter_ms;  /* added per hop traversed, when has_jitter */
	int has_jitter;
	double cross_zone_cost_per_gb;
};

struct proxy_spec {
	enum proxy_mode mode;
	enum snat_mode snat;  /* ebpf: loadBalancer.mode snat (default), dsr, hybrid */
	int ipvs_scheduler;   /* ipvs: an enum ipvs_kind, rr by default */
	int maglev;           /* ebpf: lb_algorithm maglev (else random) */
	uint32_t maglev_m;    /* ebpf maglev: table size, a prime */
	uint32_t snat_port_lo, snat_port_hi; /* source ports for masquerade */
	double time_wait_s;   /* conntrack linger after close */
	double snat_cost_ms;  /* extra processing of a masqueraded flow */
	double sync_delay_s, sync_jitter_s; /* endpoint change -> a node's rules */
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
	struct proxy_spec proxy;
	struct latency_spec latency;
	struct tl_event *timeline;  /* in time order */
	int ntimeline;
	double eviction_timeout_s;  /* pods of a down node are replaced after this */
	double sample_interval_s;   /* timeseries.csv; 0 = none */
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
/* Label value of `key` in l, or NULL. */
const char *labels_get(const struct labels *l, const char *key);
/* Fill every Service's members: pods (placed, Pending or spare) of
 * workloads whose labels include all of the selector's pairs. Which are
 * endpoints is a matter of state (proxy.h). */
void cluster_endpoints(struct cluster *c);
/* True when every pair of sel is in labels. */
int labels_match(const struct labels *sel, const struct labels *labels);
/* Names of enum values, for messages and results. */
const char *cluster_policy_name(enum traffic_policy p);
const char *cluster_svc_type_name(enum svc_type t);
const char *cluster_lb_mode_name(enum lb_mode m);
const char *cluster_proxy_name(enum proxy_mode m);
const char *cluster_td_name(enum traffic_distribution t);
const char *cluster_action_name(enum tl_action a);

#endif
