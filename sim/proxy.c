/* proxy — endpoint index per Service and the analytic shares (see proxy.h). */
#include "ktsim/proxy.h"

#include <string.h>

#include "ktsim/err.h"

#include "ktsim/maglev.h"
#include "ktsim/mem.h"

/* ktsim has no addresses for Services; every one dials this virtual IP. */
#define SERVICE_VIP 0x0a600001u

/* Group the members i with key[i] >= 0 by key, counting-sort order. */
static void group(int n, const int *key, int nkeys, int **list, int **off)
{
	int *fill = ks_calloc((size_t)nkeys + 1, sizeof *fill);

	*list = ks_calloc((size_t)n + 1, sizeof **list);
	*off = ks_calloc((size_t)nkeys + 2, sizeof **off);
	for (int i = 0; i < n; i++)
		if (key[i] >= 0)
			(*off)[key[i] + 1]++;
	for (int k = 0; k < nkeys; k++)
		(*off)[k + 1] += (*off)[k];
	for (int i = 0; i < n; i++)
		if (key[i] >= 0)
			(*list)[(*off)[key[i]] + fill[key[i]]++] = i;
	ks_free(fill);
}

void proxy_svc_init(struct proxy_svc *ps, const struct cluster *c, int svc, const int *node_zone,
		    const uint8_t *state, const int *node)
{
	const struct service *s = &c->services[svc];
	int n = s->neps, *rkey, *tkey, *zkey;

	memset(ps, 0, sizeof *ps);
	ps->etp = s->etp;
	ps->itp = s->itp;
	ps->td = s->td;
	ps->mode = c->proxy.mode;
	ps->order_salt = rng_derive(c->seed, 0, STREAM_IPVS_ORDER, (uint64_t)svc);
	ps->snat_mode = c->proxy.snat;
	ps->neps = n;
	ps->node_zone = node_zone;
	ps->all = ks_calloc((size_t)n + 1, sizeof *ps->all);
	ps->all_pod = ks_calloc((size_t)n + 1, sizeof *ps->all_pod);
	ps->member_pod = s->eps;
	ps->term = ks_calloc((size_t)n + 1, sizeof *ps->term);
	ps->ep_node = ks_calloc((size_t)n + 1, sizeof *ps->ep_node);
	rkey = ks_calloc((size_t)n + 1, sizeof *rkey);
	tkey = ks_calloc((size_t)n + 1, sizeof *tkey);
	zkey = ks_calloc((size_t)n + 1, sizeof *zkey);
	for (int i = 0; i < n; i++) {
		const struct pod *p = &c->pods[s->eps[i]];
		int st = state ? state[i] : (p->ready && p->node >= 0 ? EP_READY : EP_ABSENT);

		ps->ep_node[i] = node ? node[i] : p->node;
		rkey[i] = tkey[i] = zkey[i] = -1;
		if (st == EP_READY) {
			ps->all_pod[ps->nall] = s->eps[i];
			ps->all[ps->nall++] = i;
			rkey[i] = ps->ep_node[i];
			zkey[i] = node_zone[ps->ep_node[i]];
		} else if (st == EP_TERMINATING) {
			ps->term[ps->nterm++] = i;
			tkey[i] = ps->ep_node[i];
		}
	}
	group(n, rkey, c->nnodes, &ps->local, &ps->local_off);
	ps->local_pod = ks_calloc((size_t)ps->local_off[c->nnodes] + 1, sizeof *ps->local_pod);
	for (int j = 0; j < ps->local_off[c->nnodes]; j++)
		ps->local_pod[j] = s->eps[ps->local[j]];
	group(n, tkey, c->nnodes, &ps->tlocal, &ps->tlocal_off);
	group(n, zkey, c->nzones, &ps->zonal, &ps->zone_off);
	ks_free(rkey);
	ks_free(tkey);
	ks_free(zkey);
	ps->stateful = c->proxy.mode == PROXY_IPVS || (c->proxy.mode == PROXY_EBPF && c->proxy.maglev);
	ps->ipvs_kind = c->proxy.ipvs_scheduler;
	/* IPVS keeps a closed TCP connection in its table, as inactive, through
	 * FIN_WAIT / TIME_WAIT (2 min each by default, ip_vs_proto_tcp.c
	 * tcp_timeouts; kube-proxy's --ipvs-tcpfin-timeout 0 keeps them), and
	 * lc/wlc add inactconns to the overhead they compare
	 * (ip_vs_dest_conn_overhead). ktsim holds them for time_wait_s, the
	 * conntrack TIME_WAIT (also 120 s by default). */
	if (ps->mode == PROXY_IPVS && (ps->ipvs_kind == IPVS_LC || ps->ipvs_kind == IPVS_WLC))
		ps->inactive_s = c->proxy.time_wait_s;
	if (ps->inactive_s > 0)
		ring_init(&ps->closed, sizeof(struct proxy_closed), 0);
	ps->maglev_m = c->proxy.maglev_m;
	ps->nnodes = c->nnodes;
	if (ps->stateful) {
		ps->nodes = ks_calloc((size_t)c->nnodes + 1, sizeof *ps->nodes);
		ps->names = ks_calloc((size_t)n + 1, sizeof *ps->names);
		for (int i = 0; i < n; i++)
			ps->names[i] = c->pods[s->eps[i]].name;
	}
}

/* Where the kernel's list of node's IPVS real servers for a candidate set
 * of k starts in that set. kube-proxy adds a node's real servers in the
 * order of a Go map (newEndpoints.UnsortedList() in syncEndpoint,
 * pkg/proxy/ipvs/proxier.go), which Go randomises: each node has its own
 * order, so rr (and lc/wlc/sed/nq on ties) do not send every node's first
 * connection to one pod. Iterating a map of up to 8 keys is a rotation
 * from a random start; ktsim keeps that rotation for any size (a hash of
 * order_salt, node and k: the same for every endpoint version while the
 * set keeps its size, as the kernel keeps existing servers where they
 * are). */
static int list_start(const struct proxy_svc *ps, int node, int k)
{
	return k > 1 ? (int)(rng_derive(ps->order_salt, (uint64_t)node, 0, (uint64_t)k) % (uint64_t)k)
		     : 0;
}

/* The names of candidates list[0..k) from list[first] on, wrapping (an
 * array to free; the names are the cluster's). */
static const char **cand_names(const struct proxy_svc *ps, const int *list, int k, int first)
{
	const char **names = ks_calloc((size_t)k + 1, sizeof *names);

	for (int i = 0; i < k; i++)
		names[i] = ps->names[list[(first + i) % k]];
	return names;
}

/* The chooser of `node` for the candidate set list[0..k), built on first use:
 * kube-proxy's IPVS gives every real server weight 1 (proxier.go
 * syncEndpoint); Cilium's Maglev fills its table from the backends' names. */
static struct proxy_chooser *chooser(struct proxy_svc *ps, int node, const int *list, int k,
				     int *slot)
{
	struct proxy_node *pn = &ps->nodes[node];
	struct proxy_chooser *ch;

	for (int i = 0; i < pn->n; i++)
		if (pn->ch[i].list == list && pn->ch[i].ipvs.n == k) {
			*slot = i;
			return &pn->ch[i];
		}
	KS_ASSERT(pn->n < 3);
	*slot = pn->n;
	pn->ch = ks_realloc(pn->ch, (size_t)pn->n + 1, sizeof *pn->ch);
	ch = &pn->ch[pn->n++];
	memset(ch, 0, sizeof *ch);
	ch->list = list;
	ch->ipvs.n = k;
	if (ps->mode == PROXY_IPVS) {
		/* only mh hashes the servers' names */
		const char **names = ps->ipvs_kind == IPVS_MH
			? cand_names(ps, list, k, list_start(ps, node, k)) : NULL;

		ipvs_init(&ch->ipvs, (enum ipvs_kind)ps->ipvs_kind, k, NULL, names, 0);
		ks_free(names);
	} else if (k > 1) {
		/* A table is a function of the candidates alone (and the hash
		 * seed, which "must be the same on every node": Cilium's
		 * Documentation/network/kubernetes/kubeproxy-free.rst), so every
		 * node holds the same one for all[] and picks as the others would;
		 * built once here. One candidate needs none. */
		int shared = list == ps->all && k == ps->nall;
		const char **names;

		if (shared && ps->maglev_all) {
			ch->maglev = ps->maglev_all;
			return ch;
		}
		names = cand_names(ps, list, k, 0);
		ch->maglev = ks_calloc(ps->maglev_m, sizeof *ch->maglev);
		KS_ASSERT(maglev_build(ch->maglev, ps->maglev_m, names, NULL, k) == 0);
		ks_free(names);
		if (shared)
			ps->maglev_all = ch->maglev;
	}
	return ch;
}

int proxy_pick_conn(struct proxy_svc *ps, int node, enum proxy_rule rule, uint32_t saddr,
		    uint16_t sport, int udp, double now, int *slot, int *pos)
{
	const int *list;
	struct proxy_chooser *ch;
	int k, i;

	*slot = *pos = -1;
	if (ps->nall + ps->nterm == 0)
		return PROXY_NO_ENDPOINT;
	/* IPVS with no real server answers ICMP port unreachable and Cilium
	 * drops; ktsim counts both like iptables' DROP (unverified for
	 * kube-proxy's IPVS mode). */
	k = proxy_candidates(ps, node, rule, &list, NULL);
	if (k == 0)
		return PROXY_NO_LOCAL_ENDPOINT;
	ch = chooser(ps, node, list, k, slot);
	if (ps->mode == PROXY_IPVS) {
		/* what has lingered long enough leaves the tables first (every
		 * node's: only a pick reads them, and it runs this first) */
		while (ps->closed.len > 0) {
			const struct proxy_closed *x = ring_at(&ps->closed, 0);

			if (x->t > now)
				break;
			ipvs_conn_expire(&ps->nodes[x->node_slot / 4].ch[x->node_slot % 4].ipvs,
					 x->pos);
			ring_pop(&ps->closed);
		}
		/* the virtual IP is the Service's; one per Service here */
		i = ipvs_pick(&ch->ipvs, saddr, sport, SERVICE_VIP);
		KS_ASSERT(i >= 0);
		ipvs_conn_open(&ch->ipvs, i);
		*pos = i; /* the server's place in this node's list */
		return list[(i + list_start(ps, node, k)) % k];
	}
	i = k == 1 ? 0 : maglev_lookup(ch->maglev, ps->maglev_m,
				       maglev_flow_hash(saddr, sport, 80, udp ? 17 : 6));
	*pos = i;
	return list[i];
}

void proxy_conn_close(struct proxy_svc *ps, int node, int slot, int pos, double now)
{
	struct proxy_chooser *ch;

	if (slot < 0 || ps->mode != PROXY_IPVS)
		return;
	ch = &ps->nodes[node].ch[slot];
	ipvs_conn_close(&ch->ipvs, pos);
	if (ps->inactive_s > 0)
		*(struct proxy_closed *)ring_push(&ps->closed) =
			(struct proxy_closed){ now + ps->inactive_s, (uint32_t)node * 4 + (uint32_t)slot, pos };
	else
		ipvs_conn_expire(&ch->ipvs, pos);
}

int64_t proxy_conns_active(const struct proxy_svc *ps)
{
	int64_t sum = 0;

	for (int n = 0; ps->nodes && n < ps->nnodes; n++)
		for (int i = 0; i < ps->nodes[n].n; i++)
			sum += (int64_t)ipvs_active_total(&ps->nodes[n].ch[i].ipvs);
	return sum;
}

void proxy_conn_cancel(struct proxy_svc *ps, int node, int slot, int pos)
{
	struct proxy_chooser *ch;

	if (slot < 0 || ps->mode != PROXY_IPVS)
		return;
	ch = &ps->nodes[node].ch[slot];
	ipvs_conn_close(&ch->ipvs, pos);
	ipvs_conn_expire(&ch->ipvs, pos);
}

void proxy_svc_fini(struct proxy_svc *ps)
{
	for (int n = 0; ps->nodes && n < ps->nnodes; n++) {
		for (int i = 0; i < ps->nodes[n].n; i++) {
			ipvs_fini(&ps->nodes[n].ch[i].ipvs);
			if (ps->nodes[n].ch[i].maglev != ps->maglev_all)
				ks_free(ps->nodes[n].ch[i].maglev);
		}
		ks_free(ps->nodes[n].ch);
	}
	ks_free(ps->maglev_all);
	ps->maglev_all = NULL;
	ring_fini(&ps->closed);
	ks_free(ps->nodes);
	ks_free(ps->names);
	ps->nodes = NULL;
	ps->names = NULL;
	ks_free(ps->all);
	ks_free(ps->all_pod);
	ps->all_pod = NULL;
	ks_free(ps->term);
	ks_free(ps->ep_node);
	ks_free(ps->local);
	ks_free(ps->local_off);
	ks_free(ps->local_pod);
	ks_free(ps->tlocal);
	ks_free(ps->tlocal_off);
	ks_free(ps->zonal);
	ks_free(ps->zone_off);
	ps->all = ps->term = ps->ep_node = ps->local = ps->local_off = ps->local_pod = NULL;
	ps->tlocal = ps->tlocal_off = ps->zonal = ps->zone_off = NULL;
}

/* The server IPVS dh picks among k for the Service VIP (as in
 * proxy_pick_conn). */
static int dh_server(int k)
{
	struct ipvs_sched sch;
	int i;

	ipvs_init(&sch, IPVS_DH, k, NULL, NULL, 0);
	i = ipvs_pick(&sch, 0, 0, SERVICE_VIP);
	ipvs_fini(&sch);
	return i;
}

void proxy_expect(const struct proxy_svc *ps, int nnodes, const double *w, enum proxy_rule rule,
		  double snat_local, double snat_remote, double *share, struct proxy_expect *out)
{
	double routed = 0, offered = 0, hop2 = 0, masq = 0, everywhere = 0;

	*out = (struct proxy_expect){ 0 };
	for (int i = 0; i < ps->neps; i++)
		share[i] = 0;
	for (int n = 0; n < nnodes; n++)
		offered += w[n];
	if (offered == 0)
		return;
	if (ps->nall + ps->nterm == 0) {
		out->drop_no_endpoint = 1;
		return;
	}
	for (int n = 0; n < nnodes; n++) {
		const int *list;
		int k, dh = -1;

		if (w[n] == 0)
			continue;
		k = proxy_candidates(ps, n, rule, &list, NULL);
		if (k == 0) {
			out->drop_no_local += w[n];
			continue;
		}
		if (list == ps->all && !(ps->mode == PROXY_IPVS && ps->ipvs_kind == IPVS_DH)) {
			/* every Ready endpoint alike: add them up once, below */
			double remote = (double)(k - proxy_local_count(ps, n)) / k;

			everywhere += w[n];
			hop2 += w[n] * remote;
			masq += w[n] * (remote * snat_remote + (1 - remote) * snat_local);
			routed += w[n];
			continue;
		}
		if (ps->mode == PROXY_IPVS && ps->ipvs_kind == IPVS_DH)
			dh = (dh_server(k) + list_start(ps, n, k)) % k;
		for (int j = 0; j < k; j++) {
			double x = w[n] / k;
			int remote = ps->ep_node[list[j]] != n;

			if (dh >= 0) {
				/* dh hashes the destination, the Service's one VIP:
				 * the whole candidate set goes to one server. */
				if (j != dh)
					continue;
				x = w[n];
			}

			share[list[j]] += x;
			hop2 += remote ? x : 0;
			masq += x * (remote ? snat_remote : snat_local);
		}
		routed += w[n];
	}
	for (int i = 0; everywhere > 0 && i < ps->nall; i++)
		share[ps->all[i]] += everywhere / ps->nall;
	out->drop_no_local /= offered;
	if (routed > 0) {
		for (int i = 0; i < ps->neps; i++)
			share[i] /= routed;
		out->second_hop = hop2 / routed;
		out->snat = masq / routed;
	}
}
