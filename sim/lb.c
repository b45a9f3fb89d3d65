/* lb — external load balancer pools, weights and choice (see lb.h). */
#include "ktsim/lb.h"

#include <string.h>

#include "ktsim/mem.h"

#define EXCLUDE_LABEL "node.kubernetes.io/exclude-from-external-load-balancers"

static int has_label(const struct labels *l, const char *key)
{
	return labels_get(l, key) != NULL;
}

/* FNV-1a over two strings, for a leader that every speaker agrees on. */
static uint64_t name_hash(const char *a, const char *b)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *a; a++)
		h = (h ^ (unsigned char)*a) * 1099511628211ULL;
	h = (h ^ '#') * 1099511628211ULL;
	for (; *b; b++)
		h = (h ^ (unsigned char)*b) * 1099511628211ULL;
	return h;
}

/* May node n be in the pool of service s? */
static int eligible(const struct cluster *c, const struct service *s, int n, int local,
		    const uint8_t *healthy)
{
	enum lb_mode m = s->lb.mode;

	/* The service controller leaves out nodes labelled
	 * node.kubernetes.io/exclude-from-external-load-balancers; a client
	 * addressing NodePorts itself is not bound by it. */
	if (m != LB_DIRECT && has_label(&c->nodes[n].labels, EXCLUDE_LABEL))
		return 0;
	/* MetalLB: a node whose speaker memberlist has declared dead does not
	 * announce (healthy[] carries that view during a run) */
	if (healthy && !s->lb.hc.enabled && (m == LB_L2 || m == LB_BGP) && !healthy[n])
		return 0;
	switch (m) {
	case LB_DIRECT:
		return 1;
	case LB_ONLY_NODES_WITH_PODS:
		/* TKE local-svc-only-bind-node-with-pod: backends are the nodes
		 * running the Service's pods. */
		return local > 0;
	case LB_L2:
	case LB_BGP:
		/* MetalLB: with Local, only speakers on nodes with a ready
		 * endpoint announce the IP (concepts/layer2.md, bgp.md). */
		if (s->etp == POLICY_LOCAL && local == 0)
			return 0;
		break;
	default:
		break;
	}
	/* healthCheckNodePort answers 503 without a ready local endpoint; under
	 * Cluster the LB probes kube-proxy's healthz, which passes on every up
	 * node (KEP-3836). */
	if (s->lb.hc.enabled && healthy)
		return healthy[n];
	if (s->lb.hc.enabled && s->etp == POLICY_LOCAL && local == 0)
		return 0;
	return 1;
}

static void build(struct lb *lb, const struct cluster *c, int svc, const int *local_eps,
		  const uint8_t *healthy);

void lb_init(struct lb *lb, const struct cluster *c, int svc, const int *local_eps, uint64_t seed)
{
	memset(lb, 0, sizeof *lb);
	rng_init(&lb->rng, seed);
	build(lb, c, svc, local_eps, NULL);
}

void lb_init_view(struct lb *lb, const struct cluster *c, int svc, const int *local_eps,
		  const uint8_t *healthy, const struct rng *rng)
{
	memset(lb, 0, sizeof *lb);
	lb->rng = *rng;
	build(lb, c, svc, local_eps, healthy);
}

static void build(struct lb *lb, const struct cluster *c, int svc, const int *local_eps,
		  const uint8_t *healthy)
{
	const struct service *s = &c->services[svc];

	lb->mode = s->lb.mode;
	lb->pool = ks_calloc((size_t)c->nnodes, sizeof *lb->pool);
	if (s->lb.mode == LB_DIRECT && s->lb.target != LB_TARGET_EACH_NODE) {
		lb->pool[lb->npool++] = s->lb.target;
		return;
	}
	for (int n = 0; n < c->nnodes; n++)
		if (eligible(c, s, n, local_eps[n], healthy))
			lb->pool[lb->npool++] = n;
	if (lb->mode == LB_L2 && lb->npool > 1) {
		/* One speaker owns the IP: MetalLB sorts the eligible nodes by
		 * sha256(node + "#" + IP) and the first wins
		 * (speaker/layer2_controller.go ShouldAnnounce). ktsim has no IPs
		 * nor sha256: FNV-1a of node#service picks a different but
		 * equally deterministic leader. */
		int best = 0;

		for (int i = 1; i < lb->npool; i++)
			if (name_hash(c->nodes[lb->pool[i]].name, s->name) <
			    name_hash(c->nodes[lb->pool[best]].name, s->name))
				best = i;
		lb->pool[0] = lb->pool[best];
		lb->npool = 1;
	}
	if (lb->mode == LB_WEIGHTED) {
		/* The health check's X-Load-Balancing-Endpoint-Weight header
		 * carries the node's ready local endpoints (kubernetes PR
		 * #118999); a Cluster Service's nodes weigh the same. */
		for (int i = 0; i < lb->npool; i++)
			lb->nslots += s->etp == POLICY_LOCAL ? local_eps[lb->pool[i]] : 1;
		lb->slots = ks_calloc((size_t)lb->nslots + 1, sizeof *lb->slots);
		lb->nslots = 0;
		for (int i = 0; i < lb->npool; i++)
			for (int k = s->etp == POLICY_LOCAL ? local_eps[lb->pool[i]] : 1; k > 0; k--)
				lb->slots[lb->nslots++] = lb->pool[i];
		if (lb->nslots == 0)
			lb->npool = 0;
	}
	/* At 5,000 nodes x 1,000 Services the pools are 20 MB read at random;
	 * an everything-healthy pool needs no table lookup. */
	lb->all = lb->npool == c->nnodes && lb->mode != LB_ZONAL;
	if (lb->mode == LB_ZONAL && !s->lb.cross_zone) {
		/* AWS NLB with cross-zone off: each zone's LB node gets an even
		 * share of clients (DNS) and spreads it over its own zone's
		 * targets only; zones without a healthy target are left out. */
		int k = 0;

		lb->zone_off = ks_calloc((size_t)c->nzones + 1, sizeof *lb->zone_off);
		for (int z = 0; z < c->nzones; z++) {
			int start = k;

			for (int i = 0; i < lb->npool; i++)
				if (c->nodes[lb->pool[i]].zone == z)
					k++;
			if (k > start)
				lb->zone_off[++lb->nzones] = k;
		}
		/* regroup the pool by zone */
		{
			int *by = ks_calloc((size_t)lb->npool + 1, sizeof *by), j = 0;

			for (int z = 0; z < c->nzones; z++)
				for (int i = 0; i < lb->npool; i++)
					if (c->nodes[lb->pool[i]].zone == z)
						by[j++] = lb->pool[i];
			memcpy(lb->pool, by, (size_t)lb->npool * sizeof *by);
			ks_free(by);
		}
	}
}

void lb_fini(struct lb *lb)
{
	ks_free(lb->pool);
	ks_free(lb->slots);
	ks_free(lb->zone_off);
	memset(lb, 0, sizeof *lb);
}

void lb_weights(const struct lb *lb, int nnodes, double *w)
{
	for (int n = 0; n < nnodes; n++)
		w[n] = 0;
	if (lb->npool == 0)
		return;
	if (lb->mode == LB_WEIGHTED) {
		for (int i = 0; i < lb->nslots; i++)
			w[lb->slots[i]] += 1.0 / lb->nslots;
	} else if (lb->mode == LB_ZONAL && lb->nzones > 0) {
		for (int z = 0; z < lb->nzones; z++) {
			int k = lb->zone_off[z + 1] - lb->zone_off[z];

			for (int i = lb->zone_off[z]; i < lb->zone_off[z + 1]; i++)
				w[lb->pool[i]] += 1.0 / lb->nzones / k;
		}
	} else {
		/* even, round-robin, direct, only-nodes-with-pods, l2; bgp and
		 * hash in expectation over many clients */
		for (int i = 0; i < lb->npool; i++)
			w[lb->pool[i]] += 1.0 / lb->npool;
	}
}
