/* sim — event handlers of the flow path and the run loop (see sim.h).
 *
 * A flow is a connection carrying one or more requests to the endpoint
 * chosen when it opened (L4 balancing of keep-alive or gRPC traffic).
 * Event kinds: ARRIVAL (a = client group) opens a connection and
 * reschedules itself; DONE (a = pod, b = flow record) ends a request and
 * frees a worker; THINK (a = pod, b = flow) sends a connection's next
 * request; WARMUP restarts busy-time integration and peak tracking so they
 * cover the measured period only. Only connections that open after warm-up
 * are counted, and each counted one is in exactly one of: completed,
 * dropped, in flight — checked after every event in test builds and at the
 * end of every run. */
#include "ktsim/sim.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "ktsim/affinity.h"
#include "ktsim/engine.h"
#include "ktsim/err.h"
#include "ktsim/ipvs.h"
#include "ktsim/lb.h"
#include "ktsim/mem.h"
#include "ktsim/nat.h"
#include "ktsim/path.h"
#include "ktsim/pool.h"
#include "ktsim/proxy.h"
#include "ktsim/server.h"
#include "sim_int.h"

/* From this many pods on, the engine's peek prefetches for the next event
 * (at the scale envelope it saves ~10%; below, everything is cached). */
#define SIM_PEEK_PODS 10000

void sim_check_balance(const struct svc_stats *ss)
{
	KS_ASSERT(ss->offered == ss->completed + ss->dropped + ss->in_flight);
}

void sim_drop(struct svc_stats *ss, int node, enum drop_reason why)
{
	ss->dropped++;
	ss->drops[why]++;
	if (node >= 0)
		ss->nodes[node].dropped++;
}

/* DONE carries the flow's Service beside the flow (b = svc << 32 | f) so
 * that the engine's peek can prefetch the Service's counters too. */
static void start_service(struct sim *s, uint32_t pod, uint32_t f, double now)
{
	uint64_t svc = ((const struct flow *)pool_at(&s->flows, f))->svc;

	engine_schedule(s->eng, now + server_service_s(&s->servers[pod]), EV_DONE, pod,
			svc << 32 | f);
}

/* The lines of Service svc's counters that every flow touches. */
static void prefetch_svc(const struct sim *s, uint32_t svc)
{
	const struct svc_stats *ss = &s->m.svc[svc];

	__builtin_prefetch(ss, 1);
	__builtin_prefetch((const char *)ss + 64, 1);
	__builtin_prefetch(&ss->wait, 1);
	__builtin_prefetch(&ss->latency_ms, 1);
}

/* A counted connection leaves the system (completed or dropped). */
void sim_close_flow(struct sim *s, uint32_t f, double now)
{
	struct flow *fl = pool_at(&s->flows, f);

	nat_close(&s->nat, now, fl->node, fl->pod, fl->flags & F_SNAT);
	{
		uint32_t v;
		struct proxy_svc *ps = s->dyn ? &s->dyn->ver[fl->svc][fl->ver]
					      : sim_view(s, (int)fl->svc, 0, &v);

		proxy_conn_close(ps, (int)fl->node, fl->pslot, fl->ppos, now);
		if (fl->pslot >= 0)
			s->conns_open--;
		if (s->dyn && fl->pslot >= 0)
			dyn_ver_release(s, fl->svc, fl->ver);
	}
	if (fl->flags & F_MEASURED)
		s->m.svc[fl->svc].in_flight--;
	pool_put(&s->flows, f);
}

/* Send the current request of flow f to its pod at time now. Returns 0, or
 * -1 when the pod's queue is full (the caller drops the connection). */
static int send_request(struct sim *s, uint32_t f, double now)
{
	struct flow *fl = pool_at(&s->flows, f);
	uint32_t pod = fl->pod;
	int measured = fl->flags & F_MEASURED;
	struct svc_stats *ss = &s->m.svc[fl->svc];
	int r;

	fl->t_req = now;
	r = server_arrive(&s->servers[pod], &s->flows, f, now);
	if (measured) {
		ss->requests++;
		ss->eps[fl->ep].requests++;
	}
	if (r == SERVER_FULL) {
		if (measured) {
			ss->req_refused++;
			ss->eps[fl->ep].dropped++;
		}
		return -1;
	}
	if (r == SERVER_START) {
		if (measured)
			tally_add(&ss->wait, 0);
		start_service(s, pod, f, now);
	} else if (measured) {
		ss->waited++;
	}
	return 0;
}

/* sessionAffinity ClientIP: the node's remembered endpoint for this
 * address if still fresh and a candidate, else a fresh pick; either way the
 * entry is (re)set, as the chosen KUBE-SEP chain's `recent --set` does. */
static int pick_with_affinity(struct sim *s, const struct proxy_svc *ps, uint32_t svc, int node,
			      enum proxy_rule rule, uint32_t addr, double now)
{
	const int *cand;
	int k, ep;

	if (ps->nall + ps->nterm == 0)
		return PROXY_NO_ENDPOINT;
	k = proxy_candidates(ps, node, rule, &cand, NULL);
	if (k == 0)
		return PROXY_NO_LOCAL_ENDPOINT;
	ep = affinity_lookup(&s->aff[svc], node, addr, now, cand, k);
	if (ep < 0)
		ep = cand[k == 1 ? 0 : (int)rng_below(&s->proxy_rng[node], (uint32_t)k)];
	affinity_set(&s->aff[svc], node, addr, ep, now);
	return ep;
}

static void on_arrival(struct engine *eng, const struct event *ev, void *ctx)
{
	struct sim *s = ctx;
	struct client_rt *cl = &s->clients[ev->a];
	const struct cluster *c = s->c;
	const struct client *spec = &c->clients[ev->a];
	double now = ev->time;
	struct svc_stats *ss = &s->m.svc[cl->svc];
	int measured = now >= s->warmup_s;
	uint32_t f, addr, ver;
	struct proxy_svc *ps = sim_view(s, (int)cl->svc, 0, &ver);
	struct path_step st = { 0 };
	int node, ep, snat = 0, pod = -1, nr, r, pod_node, src = -1, pslot = -1, ppos = -1;
	uint16_t port;
	struct flow *fl;

	if (ev->b != cl->gen)
		return; /* scheduled at a rate since changed */
	engine_schedule(eng, now + cl->mean_gap_s * rng_exp1(&cl->arrivals), EV_ARRIVAL,
			ev->a, cl->gen);
	if (cl->needs_addr) {
		addr = spec->cidr_base + rng_below(&cl->addrs, spec->count);
		/* the client's ephemeral port (Linux ip_local_port_range 32768-60999) */
		port = (uint16_t)(32768 + rng_below(&cl->addrs, 28232));
	} else {
		addr = 0; /* nothing on this path reads them */
		port = 0;
	}
	if (measured)
		ss->offered++;
	if (cl->path.loc == LOC_EXTERNAL) {
		node = lb_pick(&s->lbs[cl->svc], addr, port);
		st.rule = PROXY_EXTERNAL;
		st.snat_local = proxy_masquerades(ps, 0, spec->udp);
		st.snat_remote = proxy_masquerades(ps, 1, spec->udp);
	} else if (cl->path.nsrc == 0) {
		node = -1; /* the client workload has no running pod */
	} else {
		src = cl->path.src[rng_below(&cl->addrs, (uint32_t)cl->path.nsrc)];
		path_route(&cl->path, ps, src, &st);
		node = st.entry;
	}
	if (node < 0) {
		if (measured)
			sim_drop(ss, -1, DROP_LB_NO_HEALTHY_NODE);
		return;
	}
	if (measured)
		ss->nodes[node].lb_flows++;
	if (s->dyn && !s->dyn->node_up[node]) {
		/* the LB (or client) has not noticed yet */
		if (measured)
			sim_drop(ss, node, DROP_NODE_DOWN);
		return;
	}
	ps = sim_view(s, (int)cl->svc, node, &ver);
	if (cl->path.headless)
		ep = ps->nall ? ps->all[cl->path.dns++ % (uint32_t)ps->nall] : PROXY_NO_ENDPOINT;
	else if (s->aff[cl->svc].nodes)
		ep = pick_with_affinity(s, ps, cl->svc, node, st.rule, addr, now);
	else if (ps->stateful)
		ep = proxy_pick_conn(ps, node, st.rule, addr, port, spec->udp, now, &pslot, &ppos);
	else
		ep = proxy_pick(ps, node, st.rule, &s->proxy_rng[node], &pod);
	if (ep < 0) {
		if (measured)
			sim_drop(ss, node, ep == PROXY_NO_ENDPOINT ? DROP_NO_ENDPOINT
								  : DROP_NO_LOCAL_ENDPOINT);
		return;
	}
	if (pod < 0) /* proxy_pick gives it; the other choosers do not */
		pod = c->services[cl->svc].eps[ep];
	/* At the scale envelope each of these is a cache miss of ~250 ns on
	 * the build machine; asking for them as soon as the pod is known lets
	 * the misses overlap instead of queueing one behind another. */
	__builtin_prefetch(&s->servers[pod], 1);
	__builtin_prefetch(&ss->eps[ep].flows, 1);
	pod_node = s->pod_node[pod];
	if (s->dyn && (pod_node < 0 || !s->dyn->node_up[pod_node] ||
		       s->dyn->pod_state[pod] == PS_GONE)) {
		/* this node's rules still name a pod that is gone */
		if (measured)
			sim_drop(ss, node, pod_node >= 0 && !s->dyn->node_up[pod_node]
					   ? DROP_NODE_DOWN : DROP_STALE_ENDPOINT);
		proxy_conn_close(ps, node, pslot, ppos, now);
		return;
	}
	snat = pod_node != node ? st.snat_remote : st.snat_local;
	nat_prefetch(&s->nat, (uint32_t)node, (uint32_t)pod, snat);
	nat_expire(&s->nat, now);
	r = nat_admit(&s->nat, (uint32_t)node, (uint32_t)pod, snat);
	switch (r) {
	case NAT_CONNTRACK_FULL:
		/* The SYN is dropped at PREROUTING (nf_conntrack_in: "table
		 * full, dropping packet"), before IPVS's LOCAL_IN hook would
		 * schedule it: no IPVS connection is made. */
		if (measured)
			sim_drop(ss, node, DROP_CONNTRACK_FULL);
		proxy_conn_cancel(ps, node, pslot, ppos);
		return;
	case NAT_SNAT_EXHAUSTED:
	case NAT_CONNTRACK_FULL_POD_NODE:
		/* Dropped after IPVS made the connection: masquerade fails at
		 * POSTROUTING, or the pod's node's table is full. The entry
		 * lingers as inactive, as a closed one does (the kernel's
		 * SYN_RECV entry times out after 60 s rather than TIME_WAIT's
		 * 120, tcp_timeouts in ip_vs_proto_tcp.c: ktsim keeps one
		 * linger). */
		if (measured)
			sim_drop(ss, node, r == NAT_SNAT_EXHAUSTED ? DROP_SNAT_PORTS_EXHAUSTED
								   : DROP_CONNTRACK_FULL);
		proxy_conn_close(ps, node, pslot, ppos, now);
		return;
	default:
		break;
	}
	f = pool_get(&s->flows);
	KS_ASSERT(f != POOL_NONE);
	fl = pool_at(&s->flows, f);
	fl->svc = cl->svc;
	fl->ep = (uint32_t)ep;
	fl->pod = (uint32_t)pod;
	fl->node = (uint32_t)node;
	fl->client = ev->a;
	fl->src = src < 0 ? FLOW_EXTERNAL : (uint32_t)src;
	fl->pslot = pslot;
	fl->ppos = ppos;
	fl->ver = ver;
	if (pslot >= 0)
		s->conns_open++;
	if (s->dyn && pslot >= 0) /* its chooser lives in that version */
		dyn_ver_hold(s, cl->svc, ver);
	fl->epoch = s->dyn ? s->dyn->pod_epoch[pod] : 0;
	fl->flags = (measured ? F_MEASURED : 0) | (snat ? F_SNAT : 0);
	nr = spec->keepalive ? (int)lround(dist_sample(&spec->requests, &cl->traffic)) : 1;
	fl->remaining = nr < 1 ? 1 : (uint32_t)nr;
	if (pod_node != node) {
		fl->flags |= F_HOP2;
		if (c->nodes[pod_node].zone != c->nodes[node].zone)
			fl->flags |= F_CROSS_ZONE;
		if (cl->path.loc == LOC_EXTERNAL && proxy_dsr(ps, 1, spec->udp))
			fl->flags |= F_DSR;
	}
	if (measured) {
		ss->routed++;
		ss->in_flight++;
		ss->eps[ep].flows++;
		if (fl->flags & F_HOP2) {
			ss->hops2++;
			ss->nodes[node].forwarded_out++;
		}
		if (snat) {
			ss->snat++;
			ss->nodes[node].snat_flows++;
		}
		if (fl->flags & F_CROSS_ZONE)
			ss->cross_zone++;
	}
	if (send_request(s, f, now) < 0) {
		/* The pod refused the connection's first request. */
		if (measured)
			sim_drop(ss, node, DROP_QUEUE_FULL);
		sim_close_flow(s, f, now);
	}
#ifdef KTSIM_CHECKS
	sim_check_balance(ss);
#endif
}

/* Network time of one request: the LB-to-node hop, the hop to the pod, an
 * optional jitter per hop, and the masquerade cost. */
static double network_ms(struct sim *s, const struct flow *fl)
{
	const struct latency_spec *l = &s->c->latency;
	const struct cluster *c = s->c;
	double ms;

	/* The first hop: the LB (or outside client) to the node, or an
	 * in-cluster client's node to the node whose NodePort it dials. */
	if (fl->src == FLOW_EXTERNAL)
		ms = l->lb_to_node;
	else if (fl->src == fl->node)
		ms = 0;
	else
		ms = c->nodes[fl->src].zone == c->nodes[fl->node].zone ? l->same_zone : l->cross_zone;

	if (!(fl->flags & F_HOP2))
		ms += l->same_node;
	else
		/* With DSR only the request crosses the hop; the reply goes
		 * from the pod's node straight back. */
		ms += ((fl->flags & F_CROSS_ZONE) ? l->cross_zone : l->same_zone) *
		      ((fl->flags & F_DSR) ? 0.5 : 1);
	if (fl->flags & F_SNAT)
		ms += c->proxy.snat_cost_ms;
	if (l->has_jitter) {
		struct rng *r = &s->clients[fl->client].jitter;

		ms += dist_sample(&l->jitter_ms, r) + dist_sample(&l->jitter_ms, r);
	}
	return ms;
}

static void ep_done_apply(const struct ep_done *d)
{
	struct ep_stats *es = d->es;

	if (d->ss) { /* else summed from the endpoints at the end */
		tally_add(&d->ss->latency, d->ms);
		histo_add(&d->ss->latency_ms, d->ms);
	}
	es->completed += (uint64_t)d->last;
	es->bytes += d->bytes;
	tally_add(&es->latency, d->ms);
	histo_add(&es->latency_ms, d->ms);
}

/* Queue a completed request's latency update (or apply it at once when the
 * model fits in cache, s->prefetch off). A full queue is applied as a batch:
 * first every update's histogram buckets are asked for, then each is
 * applied, so the misses on EP_LAG updates' buckets overlap instead of
 * coming one per completion (the endpoint's lines were asked for when it was
 * queued). Updates keep their order, so every figure is the same as applying
 * them at once. */
static void ep_done_push(struct sim *s, struct svc_stats *ss, struct ep_stats *es, double ms,
			 uint64_t bytes, int last)
{
	if (!s->prefetch) { /* everything is in cache: no reason to wait */
		ep_done_apply(&(struct ep_done){ ss, es, ms, bytes, last });
		return;
	}
	if (s->lag_n == EP_LAG)
		sim_flush_eps(s);
	s->lag[s->lag_n++] = (struct ep_done){ ss, es, ms, bytes, last };
}

void sim_flush_eps(struct sim *s)
{
	for (unsigned k = 0; k < s->lag_n; k++) {
		const struct ep_done *d = &s->lag[k];

		if (d->ss)
			histo_prefetch(&d->ss->latency_ms, d->ms);
		histo_prefetch(&d->es->latency_ms, d->ms);
	}
	for (unsigned k = 0; k < s->lag_n; k++)
		ep_done_apply(&s->lag[k]);
	s->lag_n = 0;
}

static void on_done(struct engine *eng, const struct event *ev, void *ctx)
{
	struct sim *s = ctx;
	uint32_t pod = ev->a, f = (uint32_t)ev->b, next;
	struct flow *fl = pool_at(&s->flows, f);
	const struct client *spec = &s->c->clients[fl->client];
	double now = ev->time;
	uint32_t svc = fl->svc;

	__builtin_prefetch(&s->servers[pod], 1);
	__builtin_prefetch(&s->m.svc[svc].eps[fl->ep].completed, 1);
	__builtin_prefetch(&s->m.svc[svc].eps[fl->ep].latency_ms.c, 1);

	if (s->dyn && fl->epoch != s->dyn->pod_epoch[pod]) {
		/* the pod died while serving it (its workers are gone) */
		if (fl->flags & F_MEASURED)
			sim_drop(&s->m.svc[svc], (int)fl->node,
				 (enum drop_reason)s->dyn->kill_reason[pod]);
		sim_close_flow(s, f, now);
		return;
	}

	if (fl->flags & F_MEASURED) {
		struct svc_stats *ss = &s->m.svc[fl->svc];
		double ms = (now - fl->t_req) * 1e3 + network_ms(s, fl);
		uint64_t b = 0;

		ss->req_completed++;
		if (spec->has_bytes) {
			b = (uint64_t)llround(dist_sample(&spec->bytes, &s->clients[fl->client].traffic));
			ss->bytes += b;
			ss->nodes[fl->node].bytes += b;
			if (fl->flags & F_CROSS_ZONE)
				ss->cross_zone_bytes += b;
		}
		if (fl->remaining == 1)
			ss->completed++;
		ep_done_push(s, s->m.svc_from_eps ? NULL : ss, &ss->eps[fl->ep], ms, b,
			     fl->remaining == 1);
	}
	if (--fl->remaining > 0)
		engine_schedule(eng, now + 1e-3 * dist_sample(&spec->think_ms,
							      &s->clients[fl->client].traffic),
				EV_THINK, pod, f);
	else
		sim_close_flow(s, f, now);
	next = server_depart(&s->servers[pod], &s->flows, now);
	if (next != POOL_NONE) {
		struct flow *nf = pool_at(&s->flows, next);

		if (nf->flags & F_MEASURED)
			tally_add(&s->m.svc[nf->svc].wait, (now - nf->t_req) * 1e3);
		start_service(s, pod, next, now);
	}
#ifdef KTSIM_CHECKS
	sim_check_balance(&s->m.svc[svc]);
#else
	(void)svc;
#endif
}

/* A keep-alive connection sends its next request after thinking. */
static void on_think(struct engine *eng, const struct event *ev, void *ctx)
{
	struct sim *s = ctx;
	uint32_t f = (uint32_t)ev->b;
	struct flow *fl = pool_at(&s->flows, f);

	(void)eng;
	if (s->dyn && fl->epoch != s->dyn->pod_epoch[fl->pod]) {
		if (fl->flags & F_MEASURED)
			sim_drop(&s->m.svc[fl->svc], (int)fl->node,
				 (enum drop_reason)s->dyn->kill_reason[fl->pod]);
		sim_close_flow(s, f, ev->time);
		return;
	}
	if (send_request(s, f, ev->time) < 0) {
		if (fl->flags & F_MEASURED)
			sim_drop(&s->m.svc[fl->svc], (int)fl->node, DROP_QUEUE_FULL);
		sim_close_flow(s, f, ev->time);
	}
}

static void on_warmup(struct engine *eng, const struct event *ev, void *ctx)
{
	struct sim *s = ctx;

	(void)eng;
	for (int p = 0; p < s->c->npods; p++)
		server_reset_busy(&s->servers[p], ev->time);
	s->nat.measuring = 1;
}

/* The engine's look at the next event: start loading its flow record, pod
 * and client while the current event runs (worth it when the pods' state
 * outgrows the caches, see sim_create). */
static void peek_next(const struct event *next, void *ctx)
{
	struct sim *s = ctx;

	switch (next->kind) {
	case EV_DONE:
		__builtin_prefetch(&s->servers[next->a], 1);
		__builtin_prefetch(pool_at(&s->flows, (uint32_t)next->b), 1);
		prefetch_svc(s, (uint32_t)(next->b >> 32));
		break;
	case EV_THINK:
		__builtin_prefetch(pool_at(&s->flows, (uint32_t)next->b), 1);
		break;
	case EV_ARRIVAL: {
		uint32_t svc = s->client_svc[next->a];

		__builtin_prefetch(&s->clients[next->a], 1);
		__builtin_prefetch(&s->c->clients[next->a], 0);
		prefetch_svc(s, svc);
		__builtin_prefetch(&s->lbs[svc], 1);
		__builtin_prefetch(&s->psvc[svc], 0);
		break;
	}
	default:
		break;
	}
}

/* The expected outcome of each Service is its client groups' expectations
 * mixed by rate (a Service without clients keeps the external LB's). */
static void expect_mix(struct sim *s)
{
	const struct cluster *c = s->c;
	double *w = ks_calloc((size_t)c->nnodes + 1, sizeof *w);

	for (int i = 0; i < c->nservices; i++) {
		struct svc_stats *ss = &s->m.svc[i];
		double *sh = ks_calloc((size_t)ss->neps + 1, sizeof *sh);
		double total = 0, routed = 0;
		struct proxy_expect e, sum = { 0 };

		for (int g = 0; g < c->nclients; g++)
			total += c->clients[g].service == i ? c->clients[g].rate_per_s : 0;
		if (total > 0) {
			for (int n = 0; n < c->nnodes; n++)
				ss->lb_weight[n] = 0;
			for (int k = 0; k < ss->neps; k++)
				ss->expected_share[k] = 0;
		}
		for (int g = 0; g < c->nclients && total > 0; g++) {
			double f, r;

			if (c->clients[g].service != i)
				continue;
			f = c->clients[g].rate_per_s / total;
			path_expect(&s->clients[g].path, &s->lbs[i], &s->psvc[i], c->nnodes, w, sh, &e);
			r = f * (1 - e.drop_no_local - e.drop_no_endpoint);
			for (int n = 0; n < c->nnodes; n++)
				ss->lb_weight[n] += f * w[n];
			for (int k = 0; k < ss->neps; k++)
				ss->expected_share[k] += r * sh[k];
			sum.drop_no_local += f * e.drop_no_local;
			sum.drop_no_endpoint += f * e.drop_no_endpoint;
			sum.second_hop += r * e.second_hop;
			sum.snat += r * e.snat;
			routed += r;
		}
		if (routed > 0) {
			for (int k = 0; k < ss->neps; k++)
				ss->expected_share[k] /= routed;
			sum.second_hop /= routed;
			sum.snat /= routed;
		}
		if (total > 0)
			ss->expect = sum;
		ks_free(sh);
	}
	ks_free(w);
}

struct sim *sim_create(const struct cluster *c, uint64_t seed, uint32_t replication)
{
	struct sim *s = ks_calloc(1, sizeof *s);
	double rate = 0;
	int *neps = ks_calloc((size_t)c->nservices + 1, sizeof *neps);
	int *local = ks_calloc((size_t)c->nnodes, sizeof *local);

	s->c = c;
	s->warmup_s = c->warmup_s;
	s->eng = engine_create();
	engine_set_horizon(s->eng, c->duration_s);
	engine_on(s->eng, EV_ARRIVAL, on_arrival, s);
	engine_on(s->eng, EV_DONE, on_done, s);
	engine_on(s->eng, EV_THINK, on_think, s);
	engine_on(s->eng, EV_WARMUP, on_warmup, s);
	sim_set_prefetch(s, c->npods >= SIM_PEEK_PODS);
	/* Flow records are capped only by 32-bit indexes; in-flight flows are
	 * bounded by workers + queue limits anyway. */
	pool_init(&s->flows, sizeof(struct flow), POOL_NONE - 1);
	for (int i = 0; i < c->nservices; i++)
		neps[i] = c->services[i].neps;
	metrics_init(&s->m, c->nservices, neps, c->nnodes, c->npods);
	ks_free(neps);
	for (int n = 0; n < c->nnodes; n++)
		s->m.conntrack_max[n] = c->nodes[n].conntrack_max;
	s->node_zone = ks_calloc((size_t)c->nnodes + 1, sizeof *s->node_zone);
	for (int n = 0; n < c->nnodes; n++)
		s->node_zone[n] = c->nodes[n].zone;
	s->pod_node = ks_calloc((size_t)c->npods + 1, sizeof *s->pod_node);
	for (int p = 0; p < c->npods; p++) {
		s->pod_node[p] = c->pods[p].ready ? c->pods[p].node : -1;
		s->m.pod_node[p] = s->pod_node[p];
	}
	for (int i = 0; i < c->nservices; i++)
		for (int k = 0; k < c->services[i].neps; k++)
			s->m.svc[i].eps[k].ever = s->pod_node[c->services[i].eps[k]] >= 0;
	for (int i = 0; i < c->nclients; i++)
		rate += c->clients[i].rate_per_s;
	/* the node a pod was placed on, kept after it is gone: its
	 * connections' entries linger there; the TIME_WAIT queue is sized for
	 * what lingers at the offered rate (no longer than the run) */
	nat_init(&s->nat, c->nnodes, c->npods, s->m.conntrack_max, s->m.pod_node,
		 c->proxy.snat_port_hi - c->proxy.snat_port_lo + 1, c->proxy.time_wait_s,
		 (size_t)fmin(rate * fmin(c->proxy.time_wait_s, c->duration_s) * 1.1, 1 << 26));
	s->nat.measuring = c->warmup_s <= 0;

	s->servers = ks_calloc_lines((size_t)c->npods, sizeof *s->servers);
	for (int p = 0; p < c->npods; p++) {
		const struct server_spec *sp = &c->workloads[c->pods[p].workload].server;

		server_init(&s->servers[p], sp->concurrency, sp->queue_limit, &sp->service_ms,
			    rng_derive(seed, replication, STREAM_SERVICE, (uint64_t)p));
	}
	s->proxy_rng = ks_calloc((size_t)c->nnodes, sizeof *s->proxy_rng);
	for (int n = 0; n < c->nnodes; n++)
		rng_init(&s->proxy_rng[n], rng_derive(seed, replication, STREAM_PROXY, (uint64_t)n));
	s->lbs = ks_calloc((size_t)c->nservices, sizeof *s->lbs);
	s->psvc = ks_calloc((size_t)c->nservices, sizeof *s->psvc);
	s->aff = ks_calloc((size_t)c->nservices, sizeof *s->aff);
	for (int i = 0; i < c->nservices; i++) {
		struct svc_stats *ss = &s->m.svc[i];

		proxy_svc_init(&s->psvc[i], c, i, s->node_zone, NULL, NULL);
		s->psvc[i].order_salt = rng_derive(seed, replication, STREAM_IPVS_ORDER, (uint64_t)i);
		for (int n = 0; n < c->nnodes; n++)
			local[n] = proxy_local_count(&s->psvc[i], n);
		lb_init(&s->lbs[i], c, i, local,
			rng_derive(seed, replication, STREAM_LB, (uint64_t)i));
		lb_weights(&s->lbs[i], c->nnodes, ss->lb_weight);
		if (c->services[i].affinity)
			affinity_init(&s->aff[i], c->nnodes, c->services[i].neps,
				      c->services[i].affinity_timeout_s,
				      c->proxy.mode == PROXY_IPTABLES ? AFFINITY_XT_RECENT_LIMIT : 0);
		proxy_expect(&s->psvc[i], c->nnodes, ss->lb_weight, PROXY_EXTERNAL,
			     proxy_masquerades(&s->psvc[i], 0, 0), proxy_masquerades(&s->psvc[i], 1, 0),
			     ss->expected_share, &ss->expect);
	}
	s->clients = ks_calloc((size_t)c->nclients, sizeof *s->clients);
	s->client_svc = ks_calloc((size_t)c->nclients + 1, sizeof *s->client_svc);
	for (int i = 0; i < c->nclients; i++) {
		struct client_rt *cl = &s->clients[i];

		rng_init(&cl->arrivals, rng_derive(seed, replication, STREAM_ARRIVAL, (uint64_t)i));
		rng_init(&cl->addrs, rng_derive(seed, replication, STREAM_CLIENT_IP, (uint64_t)i));
		rng_init(&cl->traffic, rng_derive(seed, replication, STREAM_TRAFFIC, (uint64_t)i));
		rng_init(&cl->jitter, rng_derive(seed, replication, STREAM_JITTER, (uint64_t)i));
		cl->mean_gap_s = 1.0 / c->clients[i].rate_per_s;
		cl->svc = (uint32_t)c->clients[i].service;
		s->client_svc[i] = cl->svc;
		path_init(&cl->path, c, i);
		{
			enum lb_mode lm = c->services[cl->svc].lb.mode;

			cl->needs_addr = cl->path.loc != LOC_EXTERNAL || lm == LB_HASH ||
					 lm == LB_BGP || c->services[cl->svc].affinity ||
					 s->psvc[cl->svc].stateful;
		}
		engine_schedule(s->eng, cl->mean_gap_s * rng_exp1(&cl->arrivals),
				EV_ARRIVAL, (uint32_t)i, 0);
	}
	if (c->warmup_s > 0)
		engine_schedule(s->eng, c->warmup_s, EV_WARMUP, 0, 0);
	ks_free(local);
	expect_mix(s);
	dyn_create(s, seed, replication);
	return s;
}

void sim_set_prefetch(struct sim *s, int on)
{
	sim_flush_eps(s);
	s->prefetch = on;
	engine_on_peek(s->eng, on ? peek_next : NULL, s);
}

void sim_destroy(struct sim *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < s->c->nservices; i++) {
		lb_fini(&s->lbs[i]);
		proxy_svc_fini(&s->psvc[i]);
		if (s->aff[i].nodes)
			affinity_fini(&s->aff[i]);
	}
	for (int i = 0; i < s->c->nclients; i++) {
		path_fini(&s->clients[i].path);
	}
	ks_free(s->servers);
	ks_free(s->proxy_rng);
	ks_free(s->lbs);
	ks_free(s->psvc);
	ks_free(s->aff);
	ks_free(s->clients);
	ks_free(s->client_svc);
	pool_fini(&s->flows);
	dyn_destroy(s);
	nat_fini(&s->nat);
	ks_free(s->pod_node);
	ks_free(s->node_zone);
	metrics_fini(&s->m);
	engine_destroy(s->eng);
	ks_free(s);
}

/* Every connection IPVS counts as active belongs to a flow still open:
 * none is left behind by a flow dropped after its pick. */
static void check_conns(const struct sim *s)
{
	const struct cluster *c = s->c;
	int64_t active = 0;

	if (c->proxy.mode != PROXY_IPVS || !ipvs_counts_conns((enum ipvs_kind)c->proxy.ipvs_scheduler))
		return; /* no counts kept */
	for (int i = 0; i < c->nservices; i++)
		for (int v = 0; v < (s->dyn ? s->dyn->nver[i] : 1); v++)
			active += proxy_conns_active(s->dyn ? &s->dyn->ver[i][v] : &s->psvc[i]);
	KS_ASSERT(active == (int64_t)s->conns_open);
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int sim_run(struct sim *s, sim_tick_fn tick, void *ctx)
{
	const struct cluster *c = s->c;
	const int slices = 256;
	double t0 = wall_now(), end = c->duration_s;
	int stopped = 0;

	for (int i = 1; i <= slices && !stopped; i++) {
		engine_run_until(s->eng, i == slices ? end : end * i / slices);
		if (tick && tick(ctx, engine_now(s->eng), end))
			stopped = 1;
	}
	sim_flush_eps(s);
	metrics_fold_latency(&s->m);
	s->m.wall_s = wall_now() - t0;
	s->m.events = engine_events(s->eng);
	s->m.interrupted = stopped;
	s->m.measured_s = engine_now(s->eng) - c->warmup_s;
	if (s->m.measured_s < 0)
		s->m.measured_s = 0;
	for (int p = 0; p < c->npods; p++) {
		double cap = s->servers[p].conc * s->m.measured_s, now = engine_now(s->eng);

		s->m.utilization[p] = cap > 0 ? server_busy_area(&s->servers[p], now) / cap : 0;
		s->m.queue_mean[p] = s->m.measured_s > 0
			? server_queue_area(&s->servers[p], now) / s->m.measured_s : 0;
	}
	for (int n = 0; n < c->nnodes; n++) {
		s->m.peak_conntrack[n] = s->nat.ct_peak[n];
		s->m.peak_snat_ports[n] = s->nat.snat_peak[n];
	}
	dyn_finish(s);
	for (int p = 0; p < c->npods; p++)
		if (s->pod_node[p] >= 0)
			s->m.pod_node[p] = s->pod_node[p];
	for (int i = 0; i < c->nservices; i++) {
		s->m.svc[i].affinity_hits = s->aff[i].hits;
		s->m.svc[i].affinity_misses = s->aff[i].misses;
		sim_check_balance(&s->m.svc[i]);
		/* every completed request has its latency, folded or not */
		KS_ASSERT(s->m.svc[i].latency.n == s->m.svc[i].req_completed &&
			  s->m.svc[i].latency_ms.n == s->m.svc[i].req_completed);
	}
	check_conns(s);
	return stopped;
}

void sim_take_metrics(struct sim *s, struct metrics *out)
{
	*out = s->m;
	memset(&s->m, 0, sizeof s->m);
}

const struct metrics *sim_metrics(const struct sim *s)
{
	return &s->m;
}
