/* importer_int — what the pieces of `ktsim import` share: the objects read
 * from the dumps (nodes, pods grouped into workloads, kept Services), the
 * state of one import, and the helpers that read kubectl's JSON. Internal
 * to importer.c (orchestration, writing the scenario), importer_objects.c
 * (reading the dumps) and importer_detect.c (data plane and LB flavour). */
#ifndef KTSIM_IMPORTER_INT_H
#define KTSIM_IMPORTER_INT_H

#include <stddef.h>
#include <stdio.h>
#include <cjson/cJSON.h>

#include "ktsim/err.h"
#include "ktsim/importer.h"
#include "ktsim/json.h"

#define ZONE_LABEL "topology.kubernetes.io/zone"
#define HOST_LABEL "kubernetes.io/hostname"
#define NS_LABEL "ktsim.io/namespace"
#define NAME_MAX_ 320

enum gkind { GK_DEPLOYMENT, GK_DAEMONSET, GK_STATEFULSET, GK_OTHER };

struct kobj {
	const cJSON *o;
	const char *kind, *ns, *name;
	int file, item;               /* item: index in its List, -1 for a lone object */
};

struct knode {
	const struct kobj *k;
	const char *zone;
	long long cpu_m, mem_mi;      /* requested by pods left out of the scenario */
};

struct kpod {
	const struct kobj *k;
	char wl[NAME_MAX_];           /* the workload it belongs to */
	enum gkind kind;
	int node;                     /* index in nodes; -1 unscheduled, -2 not in the dump */
	int ready, done;              /* Running and Ready; Succeeded or Failed */
};

struct group {                        /* a workload: pods[first .. first + n), by name */
	int first, n, kept;
	enum gkind kind;
	char name[NAME_MAX_];         /* its name in the scenario */
};

struct ksvc {
	const struct kobj *k;
	char name[NAME_MAX_];
};

struct imp {
	const char *const *files;
	int nfiles, nobjs, nnodes, npods, ngroups, nsvcs;
	struct jdoc **docs;
	char (*list_kind)[64];        /* per file: "Pod" for a PodList, else "" */
	struct kobj *objs;
	struct knode *nodes;
	struct kpod *pods;
	struct group *groups;
	struct ksvc *svcs;
	int multi_ns, metallb;        /* metallb: 0 absent, 1 present (L2), 2 BGP */
	const char *cloud;            /* from providerIDs: "aws", "gce", "azure" or NULL */
	char dataplane[200];
	FILE *rep;
	struct err *e;
};

/* importer.c: one line "ktsim import: ..." on m->rep (nothing when NULL). */
void importer_say(const struct imp *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* importer_objects.c — Kubernetes quantities. */
/* The quantity ("3920m", "4", "16331868Ki", "15Gi", "1G", "2e3") in `unit`s,
 * or -1 when absent or malformed. */
double importer_quantity(const cJSON *v, double unit);
/* Millicores rounded up, or MiB rounded down; 0 when absent or malformed. */
long long importer_cpu_m(const cJSON *v);
long long importer_mem_mi(const cJSON *v);

/* importer_objects.c — object access. */
/* The value at a dotted path ("spec.nodeName"); keys there hold no dots. */
const cJSON *importer_get(const cJSON *o, const char *path);
/* The string at path, or NULL. */
const char *importer_str(const cJSON *o, const char *path);
/* The string member `key` (label keys hold dots) of the object at path. */
const char *importer_member(const cJSON *o, const char *path, const char *key);
/* Both non-NULL and equal. */
int importer_eq(const char *a, const char *b);
/* Add key: v when v is a non-empty string. */
void importer_add_str(cJSON *o, const char *key, const char *v);
/* The object (kind, ns, name) in m->objs, or NULL. */
const struct kobj *importer_find(const struct imp *m, const char *kind, const char *ns,
				 const char *name);
/* Objects of `kind` are objs[*first .. return value). */
int importer_kind_range(const struct imp *m, const char *kind, int *first);
/* The dump files, comma-separated, into buf (n bytes). */
void importer_files_list(const struct imp *m, char *buf, size_t n);

/* importer_objects.c — reading the dumps, in the order importer_build calls
 * them; those returning int give 0, or -1 with m->e set. */
/* Every file into m->objs, sorted by (kind, namespace, name). */
int importer_load(struct imp *m);
/* Drop repeats (one object in two files) and report what was read. */
void importer_census(struct imp *m);
/* The Node objects into m->nodes, noting the cloud and not-Ready nodes. */
int importer_read_nodes(struct imp *m);
/* The pods into m->pods, grouped by workload into m->groups. */
void importer_read_pods(struct imp *m);
/* The Services chosen in o, else every LoadBalancer and NodePort one. */
int importer_select_services(struct imp *m, const struct importer_opts *o);
/* Keep and name the workloads a kept Service selects; every other pod's
 * requests count against its node. */
int importer_keep_workloads(struct imp *m);
/* Labels the controllers add per revision or per pod: not workload labels. */
int importer_hash_label(const char *k);
/* A pod's requests: its containers summed, or its largest init container. */
void importer_pod_requests(const cJSON *pod, long long *cpu, long long *mem);
/* spec.type of a Service, "ClusterIP" when absent. */
const char *importer_svc_type(const struct kobj *k);

/* importer_detect.c — recognising the data plane and LB flavours. */
/* Note MetalLB (m->metallb) from the metallb-system namespace or BGP objects. */
void importer_metallb(struct imp *m);
/* The scenario's "proxy": Cilium or kube-proxy and its mode, from the
 * ConfigMaps and DaemonSets; sets m->dataplane. */
cJSON *importer_proxy_json(struct imp *m);
/* A Service's "loadBalancer" (mode, cross_zone, healthCheck) from its
 * annotations and the cluster; local: externalTrafficPolicy Local. */
cJSON *importer_lb_json(const struct imp *m, const struct ksvc *s, int local);

#endif
