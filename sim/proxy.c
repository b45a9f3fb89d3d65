/* proxy — endpoint index per Service and the analytic shares (see proxy.h). */
#include "ktsim/proxy.h"

#include "ktsim/mem.h"

void proxy_svc_init(struct proxy_svc *ps, const struct cluster *c, int svc)
{
	const struct service *s = &c->services[svc];
	int *fill;

	ps->etp = s->etp;
	ps->mode = c->proxy.mode;
	ps->snat_mode = c->proxy.snat;
	ps->neps = s->neps;
	ps->ep_node = ks_calloc((size_t)s->neps, sizeof *ps->ep_node);
	ps->local = ks_calloc((size_t)s->neps, sizeof *ps->local);
	ps->local_off = ks_calloc((size_t)c->nnodes + 1, sizeof *ps->local_off);
	for (int i = 0; i < s->neps; i++) {
		ps->ep_node[i] = c->pods[s->eps[i]].node;
		ps->local_off[ps->ep_node[i] + 1]++;
	}
	for (int n = 0; n < c->nnodes; n++)
		ps->local_off[n + 1] += ps->local_off[n];
	fill = ks_calloc((size_t)c->nnodes, sizeof *fill);
	for (int i = 0; i < s->neps; i++) {
		int n = ps->ep_node[i];

		ps->local[ps->local_off[n] + fill[n]++] = i;
	}
	ks_free(fill);
}

void proxy_svc_fini(struct proxy_svc *ps)
{
	ks_free(ps->ep_node);
	ks_free(ps->local);
	ks_free(ps->local_off);
	ps->ep_node = ps->local = ps->local_off = NULL;
}

void proxy_expect(const struct proxy_svc *ps, int nnodes, const double *w, double udp,
		  double *share, struct proxy_expect *out)
{
	double routed = 0, offered = 0, hop2 = 0;

	out->drop_no_local = out->drop_no_endpoint = out->second_hop = out->snat = 0;
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
		int k = proxy_local_count(ps, n);

		if (w[n] == 0)
			continue;
		if (ps->etp == POLICY_CLUSTER) {
			for (int i = 0; i < ps->neps; i++)
				share[i] += w[n] / ps->neps;
			hop2 += w[n] * (ps->neps - k) / ps->neps;
			routed += w[n];
		} else if (k > 0) {
			for (int j = ps->local_off[n]; j < ps->local_off[n + 1]; j++)
				share[ps->local[j]] += w[n] / k;
			routed += w[n];
		} else {
			out->drop_no_local += w[n];
		}
	}
	out->drop_no_local /= offered;
	if (routed > 0) {
		for (int i = 0; i < ps->neps; i++)
			share[i] /= routed;
		out->second_hop = hop2 / routed;
		/* masqueraded: all, the forwarded ones, or forwarded UDP ones */
		out->snat = udp * proxy_masquerades(ps, 1, 1) * out->second_hop +
			    (1 - udp) * proxy_masquerades(ps, 1, 0) * out->second_hop +
			    udp * proxy_masquerades(ps, 0, 1) * (1 - out->second_hop) +
			    (1 - udp) * proxy_masquerades(ps, 0, 0) * (1 - out->second_hop);
	}
}
