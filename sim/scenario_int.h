/* scenario_int — what the pieces of the scenario loader share: the reading
 * context, the node-name index, and the readers of names, labels,
 * distributions and references every part uses (scenario.c), plus the
 * section readers scenario.c calls in order. Not a public interface. */
#ifndef KTSIM_SCENARIO_INT_H
#define KTSIM_SCENARIO_INT_H

#include "ktsim/json.h"
#include "ktsim/scenario.h"

/* Size of a key-path buffer such as "workloads[3].server". */
#define PATH 160

struct name_index;

/* The document being read, the cluster being built, where the first error
 * goes, and the node name -> id index. */
struct scenario_ctx {
	struct jdoc *doc;
	struct cluster *c;
	struct err *e;
	struct name_index *nodes_ix;
};

/* Report "<what> '<name>' not found", with a did-you-mean from cands. */
int scenario_ref_error(struct scenario_ctx *x, const cJSON *node, const char *path,
		       const char *what, const char *name, const char *const *cands, int n);
/* Resolve a node name (string v) to its id in *out; -1 after an error. */
int scenario_find_node_ref(struct scenario_ctx *x, const cJSON *v, const char *path, int *out);
/* Read obj.key as a name; 1 read, 0 absent and optional, -1 error. */
int scenario_read_name(struct scenario_ctx *x, const cJSON *obj, const char *path,
		       const char *key, int required, const char **out);
/* Read obj.key as an object of label: value strings; 1, 0 absent, -1. */
int scenario_read_labels(struct scenario_ctx *x, const cJSON *obj, const char *path,
			 const char *key, struct labels *out);
/* Node id by name, or -1; and index node id (already in c->nodes). */
int scenario_index_find(const struct scenario_ctx *x, const char *name);
void scenario_index_add(struct scenario_ctx *x, int id);
/* Read obj.key as a distribution (number or {"dist": ...}); 1, 0, -1. */
int scenario_read_dist(struct scenario_ctx *x, const cJSON *obj, const char *path,
		       const char *key, struct dist *d);

/* Section readers, each 0 or -1 after an error (scenario_topology.c). */
int scenario_read_nodes(struct scenario_ctx *x, const cJSON *root);
int scenario_read_workloads(struct scenario_ctx *x, const cJSON *root);
/* scenario_traffic.c: a loadBalancer object at path p into *lb; the
 * services (each starting from deflb), clients, and proxy/network keys. */
int scenario_read_lb(struct scenario_ctx *x, const cJSON *v, const char *p, struct lb_spec *lb);
int scenario_read_services(struct scenario_ctx *x, const cJSON *root,
			   const struct lb_spec *deflb);
int scenario_read_clients(struct scenario_ctx *x, const cJSON *root);
int scenario_read_misc(struct scenario_ctx *x, const cJSON *root);
/* scenario_timeline.c: the timeline, sorted by time; and, after
 * placement, spare pod slots for the pods a timeline creates. */
int scenario_read_timeline(struct scenario_ctx *x, const cJSON *root);
void scenario_add_spares(struct cluster *c);

#endif
