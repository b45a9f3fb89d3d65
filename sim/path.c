/* path — a client group's way into its Service (see path.h). */
#include "ktsim/path.h"

#include <string.h>

#include "ktsim/mem.h"

void path_init(struct path *p, const struct cluster *c, int client)
{
	const struct client *cl = &c->clients[client];

	memset(p, 0, sizeof *p);
	p->loc = cl->location;
	p->via = cl->via;
	p->target = cl->target;
	p->headless = c->services[cl->service].headless;
	p->udp = cl->udp;
	if (cl->location == LOC_EXTERNAL)
		return;
	if (cl->from_workload >= 0) {
		const struct workload *w = &c->workloads[cl->from_workload];

		p->src = ks_calloc((size_t)w->npods + 1, sizeof *p->src);
		for (int i = w->first_pod; i < w->first_pod + w->npods; i++)
			if (c->pods[i].node >= 0)
				p->src[p->nsrc++] = c->pods[i].node;
	} else {
		p->src = ks_calloc((size_t)cl->nfrom + 1, sizeof *p->src);
		memcpy(p->src, cl->from_nodes, (size_t)cl->nfrom * sizeof *p->src);
		p->nsrc = cl->nfrom;
	}
}

void path_fini(struct path *p)
{
	ks_free(p->src);
	p->src = NULL;
}

void path_route(const struct path *p, const struct proxy_svc *ps, int src, struct path_step *o)
{
	/* kube-proxy masquerades host (non-pod) sources to Service IPs
	 * (localDetector.IfNotLocal, "masquerade LOCAL traffic"); Cilium's
	 * socket LB translates at connect() and masquerades nothing. */
	int host_masq = p->loc == LOC_HOST && ps->mode != PROXY_EBPF;

	o->entry = src;
	o->rule = PROXY_CLUSTER_WIDE;
	o->snat_local = o->snat_remote = host_masq;
	if (p->via == VIA_CLUSTER_IP) {
		o->rule = PROXY_INTERNAL;
		return;
	}
	if (p->via == VIA_NODE_PORT && p->target >= 0 && p->target != src) {
		o->entry = p->target;
		if (p->loc == LOC_HOST) {
			/* a node address is an outside source to another node */
			o->rule = PROXY_EXTERNAL;
			o->snat_local = proxy_masquerades(ps, 0, p->udp);
			o->snat_remote = proxy_masquerades(ps, 1, p->udp);
		}
	}
}

void path_expect(const struct path *p, const struct lb *lb, const struct proxy_svc *ps, int nnodes,
		 double *w, double *share, struct proxy_expect *out)
{
	double *ws = ks_calloc((size_t)nnodes + 1, sizeof *ws);
	double *sh = ks_calloc((size_t)ps->neps + 1, sizeof *sh);
	struct proxy_expect e;
	double routed = 0;

	for (int n = 0; n < nnodes; n++)
		w[n] = 0;
	for (int i = 0; i < ps->neps; i++)
		share[i] = 0;
	*out = (struct proxy_expect){ 0 };
	if (p->loc == LOC_EXTERNAL) {
		lb_weights(lb, nnodes, w);
		proxy_expect(ps, nnodes, w, PROXY_EXTERNAL, proxy_masquerades(ps, 0, p->udp),
			     proxy_masquerades(ps, 1, p->udp), share, out);
		goto done;
	}
	if (p->headless) {
		/* DNS order: every pod alike, from wherever the client runs */
		for (int i = 0; i < p->nsrc; i++)
			w[p->src[i]] += 1.0 / p->nsrc;
		if (ps->nall == 0) {
			out->drop_no_endpoint = p->nsrc > 0;
			goto done;
		}
		for (int i = 0; i < ps->nall; i++)
			share[ps->all[i]] = 1.0 / ps->nall;
		for (int n = 0; n < nnodes; n++)
			out->second_hop += w[n] * (ps->nall - proxy_local_count(ps, n)) / ps->nall;
		goto done;
	}
	/* In-cluster: mix the steps from each source node. */
	for (int i = 0; i < p->nsrc; i++) {
		struct path_step st;
		double f = 1.0 / p->nsrc, r;

		path_route(p, ps, p->src[i], &st);
		w[st.entry] += f;
		for (int n = 0; n < nnodes; n++)
			ws[n] = 0;
		ws[st.entry] = 1;
		proxy_expect(ps, nnodes, ws, st.rule, st.snat_local, st.snat_remote, sh, &e);
		r = f * (1 - e.drop_no_local - e.drop_no_endpoint);
		for (int k = 0; k < ps->neps; k++)
			share[k] += r * sh[k];
		out->drop_no_local += f * e.drop_no_local;
		out->drop_no_endpoint += f * e.drop_no_endpoint;
		out->second_hop += r * e.second_hop;
		out->snat += r * e.snat;
		routed += r;
	}
	if (routed > 0) {
		for (int k = 0; k < ps->neps; k++)
			share[k] /= routed;
		out->second_hop /= routed;
		out->snat /= routed;
	}
done:
	ks_free(ws);
	ks_free(sh);
}
