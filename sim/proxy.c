/* proxy — endpoint index per Service and the analytic shares (see proxy.h). */
#include "ktsim/proxy.h"

#include "ktsim/mem.h"

/* Group endpoint indexes by key (node or zone) in counting-sort order. */
static void group(int neps, const int *key, int nkeys, int **list, int **off)
{
	int *fill = ks_calloc((size_t)nkeys + 1, sizeof *fill);

	*list = ks_calloc((size_t)neps + 1, sizeof **list);
	*off = ks_calloc((size_t)nkeys + 1, sizeof **off);
	for (int i = 0; i < neps; i++)
		(*off)[key[i] + 1]++;
	for (int k = 0; k < nkeys; k++)
		(*off)[k + 1] += (*off)[k];
	for (int i = 0; i < neps; i++)
		(*list)[(*off)[key[i]] + fill[key[i]]++] = i;
	ks_free(fill);
}

void proxy_svc_init(struct proxy_svc *ps, const struct cluster *c, int svc, const int *node_zone)
{
	const struct service *s = &c->services[svc];
	int *ep_zone;

	ps->etp = s->etp;
	ps->itp = s->itp;
	ps->td = s->td;
	ps->mode = c->proxy.mode;
	ps->snat_mode = c->proxy.snat;
	ps->neps = s->neps;
	ps->node_zone = node_zone;
	ps->all = ks_calloc((size_t)s->neps + 1, sizeof *ps->all);
	ps->ep_node = ks_calloc((size_t)s->neps + 1, sizeof *ps->ep_node);
	ep_zone = ks_calloc((size_t)s->neps + 1, sizeof *ep_zone);
	for (int i = 0; i < s->neps; i++) {
		ps->all[i] = i;
		ps->ep_node[i] = c->pods[s->eps[i]].node;
		ep_zone[i] = node_zone[ps->ep_node[i]];
	}
	group(s->neps, ps->ep_node, c->nnodes, &ps->local, &ps->local_off);
	group(s->neps, ep_zone, c->nzones, &ps->zonal, &ps->zone_off);
	ks_free(ep_zone);
}

void proxy_svc_fini(struct proxy_svc *ps)
{
	ks_free(ps->all);
	ks_free(ps->ep_node);
	ks_free(ps->local);
	ks_free(ps->local_off);
	ks_free(ps->zonal);
	ks_free(ps->zone_off);
	ps->all = ps->ep_node = ps->local = ps->local_off = ps->zonal = ps->zone_off = NULL;
}

void proxy_expect(const struct proxy_svc *ps, int nnodes, const double *w, enum proxy_rule rule,
		  double snat_local, double snat_remote, double *share, struct proxy_expect *out)
{
	double routed = 0, offered = 0, hop2 = 0, masq = 0;

	*out = (struct proxy_expect){ 0 };
	for (int i = 0; i < ps->neps; i++)
		share[i] = 0;
	for (int n = 0; n < nnodes; n++)
		offered += w[n];
	if (offered == 0)
		return;
	if (ps->neps == 0) {
		out->drop_no_endpoint = 1;
		return;
	}
	for (int n = 0; n < nnodes; n++) {
		const int *list;
		int k;

		if (w[n] == 0)
			continue;
		k = proxy_candidates(ps, n, rule, &list);
		if (k == 0) {
			out->drop_no_local += w[n];
			continue;
		}
		for (int j = 0; j < k; j++) {
			double x = w[n] / k;
			int remote = ps->ep_node[list[j]] != n;

			share[list[j]] += x;
			hop2 += remote ? x : 0;
			masq += x * (remote ? snat_remote : snat_local);
		}
		routed += w[n];
	}
	out->drop_no_local /= offered;
	if (routed > 0) {
		for (int i = 0; i < ps->neps; i++)
			share[i] /= routed;
		out->second_hop = hop2 / routed;
		out->snat = masq / routed;
	}
}
