/* lb — external load balancer pool and choice (see lb.h). */
#include "ktsim/lb.h"

#include <string.h>

#include "ktsim/mem.h"

#define EXCLUDE_LABEL "node.kubernetes.io/exclude-from-external-load-balancers"

static int has_label(const struct labels *l, const char *key)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->kv[i].key, key) == 0)
			return 1;
	return 0;
}

void lb_init(struct lb *lb, const struct cluster *c, int svc, const int *local_eps, uint64_t seed)
{
	const struct service *s = &c->services[svc];

	lb->mode = s->lb.mode;
	lb->cursor = 0;
	lb->npool = 0;
	lb->pool = ks_calloc((size_t)c->nnodes, sizeof *lb->pool);
	rng_init(&lb->rng, seed);
	if (s->lb.mode == LB_DIRECT && s->lb.target != LB_TARGET_EACH_NODE) {
		lb->pool[lb->npool++] = s->lb.target;
		return;
	}
	for (int n = 0; n < c->nnodes; n++) {
		/* The service controller leaves out nodes labelled
		 * node.kubernetes.io/exclude-from-external-load-balancers (as
		 * kubeadm labels control-plane nodes); a client addressing
		 * NodePorts itself is not bound by it. */
		if (s->lb.mode != LB_DIRECT && has_label(&c->nodes[n].labels, EXCLUDE_LABEL))
			continue;
		/* healthCheckNodePort answers 503 when the node has no ready
		 * local endpoint; under Cluster the LB probes kube-proxy's
		 * healthz, which passes on every up node (KEP-3836). */
		if (s->lb.mode != LB_DIRECT && s->lb.hc.enabled && s->etp == POLICY_LOCAL &&
		    local_eps[n] == 0)
			continue;
		lb->pool[lb->npool++] = n;
	}
}

void lb_fini(struct lb *lb)
{
	ks_free(lb->pool);
	lb->pool = NULL;
	rng_fini(&lb->rng);
}

void lb_weights(const struct lb *lb, int nnodes, double *w)
{
	for (int n = 0; n < nnodes; n++)
		w[n] = 0;
	for (int i = 0; i < lb->npool; i++)
		w[lb->pool[i]] += 1.0 / lb->npool;
}
