/* placement — stand-in: pinned pods where `pin` says, the others round-robin
 * (pod i on node i mod nnodes), a DaemonSet one pod per node. */
#include "ktsim/placement.h"

#include <stdio.h>

#include "ktsim/err.h"
#include "ktsim/mem.h"

void placement_run(struct cluster *c, uint64_t seed)
{
	int total = 0;

	(void)seed;
	KS_ASSERT(c->npods == 0 && c->nnodes > 0);
	for (int w = 0; w < c->nworkloads; w++) {
		if (c->workloads[w].kind == WL_DAEMONSET)
			c->workloads[w].replicas = c->nnodes;
		total += c->workloads[w].replicas;
	}
	c->pods = ks_calloc((size_t)total + 1, sizeof *c->pods);
	for (int w = 0; w < c->nworkloads; w++) {
		struct workload *wl = &c->workloads[w];
		char name[300];

		wl->first_pod = c->npods;
		for (int i = 0; i < wl->replicas; i++) {
			struct pod *p = &c->pods[c->npods++];

			snprintf(name, sizeof name, "%s-%d", wl->name, i);
			p->name = ks_strdup(name);
			p->workload = w;
			p->node = wl->pin ? wl->pin[i] : i % c->nnodes;
			p->ready = 1;
		}
		wl->npods = wl->replicas;
		wl->running = wl->replicas;
		wl->pending = 0;
	}
}
