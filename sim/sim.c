/* sim — event handlers of the flow path and the run loop (see sim.h).
 *
 * Event kinds: ARRIVAL (a = client group) reschedules itself; DONE
 * (a = pod, b = flow record) frees a worker; WARMUP resets busy-time
 * integration so utilization covers the measured period only. Only flows
 * that arrive after warm-up are counted, and each counted flow is in exactly
 * one of: completed, dropped, in flight — checked after every event in test
 * builds and at the end of every run. */
#include "ktsim/sim.h"

#include <math.h>
#include <time.h>

#include "ktsim/engine.h"
#include "ktsim/err.h"
#include "ktsim/lb.h"
#include "ktsim/mem.h"
#include "ktsim/pool.h"
#include "ktsim/proxy.h"
#include "ktsim/server.h"

enum { EV_ARRIVAL, EV_DONE, EV_WARMUP };

enum { F_MEASURED = 1, F_HOP2 = 2, F_SNAT = 4, F_CROSS_ZONE = 8 };

/* A flow in flight. `next` must come first (server.h queue link). */
struct flow {
	uint32_t next;
	uint32_t svc, ep, pod, node;
	uint32_t client_ip;
	uint32_t flags;
	double t0;
};

struct client_rt {
	struct rng arrivals, addrs;
	double mean_gap_s;
	uint32_t svc;
};

struct sim {
	const struct cluster *c;
	struct engine *eng;
	struct pool flows;
	struct server *servers;     /* by pod */
	struct rng *proxy_rng;      /* by node */
	struct lb *lbs;             /* by service */
	struct proxy_svc *psvc;     /* by service */
	struct client_rt *clients;
	double warmup_s;
	struct metrics m;
};

static void check_balance(const struct svc_stats *ss)
{
	KS_ASSERT(ss->offered == ss->completed + ss->dropped + ss->in_flight);
}

static void drop(struct svc_stats *ss, int node, enum drop_reason why)
{
	ss->dropped++;
	ss->drops[why]++;
	if (node >= 0)
		ss->nodes[node].dropped++;
}

static void start_service(struct sim *s, uint32_t pod, uint32_t f, double now)
{
	engine_schedule(s->eng, now + server_service_s(&s->servers[pod]), EV_DONE, pod, f);
}

static void on_arrival(struct engine *eng, const struct event *ev, void *ctx)
{
	struct sim *s = ctx;
	struct client_rt *cl = &s->clients[ev->a];
	const struct cluster *c = s->c;
	double now = ev->time;
	struct svc_stats *ss = &s->m.svc[cl->svc];
	int measured = now >= s->warmup_s;
	int node, ep, snat = 0, pod;
	uint32_t f, addr;
	struct flow *fl;

	engine_schedule(eng, now + cl->mean_gap_s * rng_exp1(&cl->arrivals), EV_ARRIVAL,
			ev->a, 0);
	addr = c->clients[ev->a].cidr_base + rng_below(&cl->addrs, c->clients[ev->a].count);
	if (measured)
		ss->offered++;
	node = lb_pick(&s->lbs[cl->svc]);
	if (node < 0) {
		if (measured)
			drop(ss, -1, DROP_LB_NO_HEALTHY_NODE);
		return;
	}
	if (measured)
		ss->nodes[node].lb_flows++;
	ep = proxy_pick(&s->psvc[cl->svc], node, &s->proxy_rng[node], &snat);
	if (ep < 0) {
		if (measured)
			drop(ss, node, ep == PROXY_NO_ENDPOINT ? DROP_NO_ENDPOINT
								  : DROP_NO_LOCAL_ENDPOINT);
		return;
	}
	pod = c->services[cl->svc].eps[ep];
	f = pool_get(&s->flows);
	KS_ASSERT(f != POOL_NONE);
	fl = pool_at(&s->flows, f);
	fl->svc = cl->svc;
	fl->ep = (uint32_t)ep;
	fl->pod = (uint32_t)pod;
	fl->node = (uint32_t)node;
	fl->client_ip = addr;
	fl->t0 = now;
	fl->flags = (measured ? F_MEASURED : 0) | (snat ? F_SNAT : 0);
	if (c->pods[pod].node != node) {
		fl->flags |= F_HOP2;
		if (c->nodes[c->pods[pod].node].zone != c->nodes[node].zone)
			fl->flags |= F_CROSS_ZONE;
	}
	if (measured) {
		ss->routed++;
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
	switch (server_arrive(&s->servers[pod], &s->flows, f, now)) {
	case SERVER_START:
		start_service(s, (uint32_t)pod, f, now);
		break;
	case SERVER_QUEUED:
		break;
	default: /* SERVER_FULL: the pod refuses; nothing holds state for it */
		if (measured) {
			drop(ss, node, DROP_QUEUE_FULL);
			ss->eps[ep].dropped++;
		}
		pool_put(&s->flows, f);
		return;
	}
	/* Conntrack entries on the entry node, and on the pod's node when
	 * forwarded, for as long as the flow lives. */
	if (++s->m.conntrack[node] > s->m.peak_conntrack[node] && measured)
		s->m.peak_conntrack[node] = s->m.conntrack[node];
	if (fl->flags & F_HOP2) {
		int pn = c->pods[pod].node;

		if (++s->m.conntrack[pn] > s->m.peak_conntrack[pn] && measured)
			s->m.peak_conntrack[pn] = s->m.conntrack[pn];
	}
	if (measured)
		ss->in_flight++;
#ifdef KTSIM_CHECKS
	check_balance(ss);
#endif
}

static double hop_rtt_ms(const struct cluster *c, uint32_t flags)
{
	if (!(flags & F_HOP2))
		return c->latency.same_node;
	return (flags & F_CROSS_ZONE) ? c->latency.cross_zone : c->latency.same_zone;
}

static void on_done(struct engine *eng, const struct event *ev, void *ctx)
{
	struct sim *s = ctx;
	uint32_t pod = ev->a, f = (uint32_t)ev->b, next;
	struct flow *fl = pool_at(&s->flows, f);
	double now = ev->time;

	(void)eng;
	s->m.conntrack[fl->node]--;
	if (fl->flags & F_HOP2)
		s->m.conntrack[s->c->pods[pod].node]--;
	if (fl->flags & F_MEASURED) {
		struct svc_stats *ss = &s->m.svc[fl->svc];
		double ms = (now - fl->t0) * 1e3 + hop_rtt_ms(s->c, fl->flags);

		ss->completed++;
		ss->in_flight--;
		ss->nodes[fl->node].completed++;
		ss->eps[fl->ep].completed++;
		welford_add(&ss->latency, ms);
		histo_add(&ss->latency_ms, ms);
		histo_add(&ss->eps[fl->ep].latency_ms, ms);
#ifdef KTSIM_CHECKS
		check_balance(ss);
#endif
	}
	pool_put(&s->flows, f);
	next = server_depart(&s->servers[pod], &s->flows, now);
	if (next != POOL_NONE)
		start_service(s, pod, next, now);
}

static void on_warmup(struct engine *eng, const struct event *ev, void *ctx)
{
	struct sim *s = ctx;

	(void)eng;
	for (int p = 0; p < s->c->npods; p++)
		server_reset_busy(&s->servers[p], ev->time);
}

struct sim *sim_create(const struct cluster *c, uint64_t seed, uint32_t replication)
{
	struct sim *s = ks_calloc(1, sizeof *s);
	int *neps = ks_calloc((size_t)c->nservices + 1, sizeof *neps);
	int *local = ks_calloc((size_t)c->nnodes, sizeof *local);

	s->c = c;
	s->warmup_s = c->warmup_s;
	s->eng = engine_create();
	engine_set_horizon(s->eng, c->duration_s);
	engine_on(s->eng, EV_ARRIVAL, on_arrival, s);
	engine_on(s->eng, EV_DONE, on_done, s);
	engine_on(s->eng, EV_WARMUP, on_warmup, s);
	/* Flow records are capped only by 32-bit indexes; in-flight flows are
	 * bounded by workers + queue limits anyway. */
	pool_init(&s->flows, sizeof(struct flow), POOL_NONE - 1);
	for (int i = 0; i < c->nservices; i++)
		neps[i] = c->services[i].neps;
	metrics_init(&s->m, c->nservices, neps, c->nnodes, c->npods);
	ks_free(neps);

	s->servers = ks_calloc((size_t)c->npods, sizeof *s->servers);
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
	for (int i = 0; i < c->nservices; i++) {
		struct svc_stats *ss = &s->m.svc[i];

		proxy_svc_init(&s->psvc[i], c, i);
		for (int n = 0; n < c->nnodes; n++)
			local[n] = proxy_local_count(&s->psvc[i], n);
		lb_init(&s->lbs[i], c, i, local,
			rng_derive(seed, replication, STREAM_LB, (uint64_t)i));
		lb_weights(&s->lbs[i], c->nnodes, ss->lb_weight);
		proxy_expect(&s->psvc[i], c->nnodes, ss->lb_weight, ss->expected_share, &ss->expect);
	}
	s->clients = ks_calloc((size_t)c->nclients, sizeof *s->clients);
	for (int i = 0; i < c->nclients; i++) {
		struct client_rt *cl = &s->clients[i];

		rng_init(&cl->arrivals, rng_derive(seed, replication, STREAM_ARRIVAL, (uint64_t)i));
		rng_init(&cl->addrs, rng_derive(seed, replication, STREAM_CLIENT_IP, (uint64_t)i));
		cl->mean_gap_s = 1.0 / c->clients[i].rate_per_s;
		cl->svc = (uint32_t)c->clients[i].service;
		engine_schedule(s->eng, cl->mean_gap_s * rng_exp1(&cl->arrivals),
				EV_ARRIVAL, (uint32_t)i, 0);
	}
	if (c->warmup_s > 0)
		engine_schedule(s->eng, c->warmup_s, EV_WARMUP, 0, 0);
	ks_free(local);
	return s;
}

void sim_destroy(struct sim *s)
{
	if (s == NULL)
		return;
	for (int p = 0; p < s->c->npods; p++)
		server_fini(&s->servers[p]);
	for (int n = 0; n < s->c->nnodes; n++)
		rng_fini(&s->proxy_rng[n]);
	for (int i = 0; i < s->c->nservices; i++) {
		lb_fini(&s->lbs[i]);
		proxy_svc_fini(&s->psvc[i]);
	}
	for (int i = 0; i < s->c->nclients; i++) {
		rng_fini(&s->clients[i].arrivals);
		rng_fini(&s->clients[i].addrs);
	}
	ks_free(s->servers);
	ks_free(s->proxy_rng);
	ks_free(s->lbs);
	ks_free(s->psvc);
	ks_free(s->clients);
	pool_fini(&s->flows);
	metrics_fini(&s->m);
	engine_destroy(s->eng);
	ks_free(s);
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
	s->m.wall_s = wall_now() - t0;
	s->m.events = engine_events(s->eng);
	s->m.interrupted = stopped;
	s->m.measured_s = engine_now(s->eng) - c->warmup_s;
	if (s->m.measured_s < 0)
		s->m.measured_s = 0;
	for (int p = 0; p < c->npods; p++) {
		double cap = s->servers[p].conc * s->m.measured_s;

		s->m.utilization[p] = cap > 0 ? server_busy_area(&s->servers[p], engine_now(s->eng)) / cap : 0;
	}
	for (int i = 0; i < c->nservices; i++)
		check_balance(&s->m.svc[i]);
	return stopped;
}

const struct metrics *sim_metrics(const struct sim *s)
{
	return &s->m;
}
