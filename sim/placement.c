/* placement — a model of kube-scheduler's default profile, one pod at a time.
 *
 * Workloads are placed in file order, pod by pod, each pod seeing the pods
 * placed before it. Pinned pods bypass the scheduler (as spec.nodeName does)
 * but count like any other pod afterwards. A DaemonSet gets one pod per node
 * that passes its nodeSelector and NoSchedule/NoExecute taints, in node
 * order, with the controller's automatic tolerations (pkg/controller/daemon/
 * util/daemonset_util.go; hostNetwork's network-unavailable one is not
 * modelled); the default scheduler binds those pods (since v1.12), so one
 * that does not fit stays Pending. Every other pod runs a scheduling cycle
 * (pkg/scheduler/schedule_one.go) with the default plugins and weights of
 * pkg/scheduler/apis/config/v1/default_plugins.go; under
 * pkg/scheduler/framework/plugins:
 *
 * Filters: taints (nodeunschedulable/, tainttoleration/: NoSchedule and
 * NoExecute must be tolerated); nodeSelector (nodeaffinity/); NodeResourcesFit
 * (noderesources/fit.go: requests there + allocated_* + the pod's within
 * allocatable, fewer pods than max_pods); InterPodAffinity
 * (interpodaffinity/filtering.go: the pod's required anti-affinity, existing
 * pods' required anti-affinity against it, and its required affinity, which
 * the first pod of a group matching its own term may skip); PodTopologySpread
 * (podtopologyspread/filtering.go: count + selfMatch - min <= maxSkew per
 * DoNotSchedule constraint, counting pods on nodes that pass the pod's
 * nodeSelector and carry every constraint key: nodeAffinityPolicy Honor,
 * nodeTaintsPolicy Ignore, the upstream defaults).
 *
 * Scores, 0..100 each, weighted: TaintToleration x3 (intolerable
 * PreferNoSchedule taints, DefaultNormalizeScore reversed); NodeResourcesFit
 * x1 (noderesources/least_allocated.go on non-zero requests, 100m / 200Mi
 * for a pod requesting nothing); BalancedAllocation x1
 * (noderesources/balanced_allocation.go: 100 (1 - |cpu - mem fraction| / 2)
 * on real requests, skipped for BestEffort pods); InterPodAffinity x2
 * (interpodaffinity/scoring.go: weight x matching pods in the node's domain,
 * for the pod's preferred terms and for existing pods' terms selecting it,
 * min-max normalised); PodTopologySpread x2 (podtopologyspread/scoring.go:
 * count x log(domains + 2) + maxSkew - 1 summed over ScheduleAnyway
 * constraints, or plugin.go's system defaults hostname/3 and zone/5 when the
 * pod has none, reversed against the maximum). NodeAffinity, VolumeBinding
 * and ImageLocality give every node 0 (nothing to score in this model). The
 * best total wins; ties go to a uniform pick on the placement stream
 * (selectHost's reservoir). A pod no node passes stays Pending: it is not
 * retried when later pods arrive, and nothing is preempted.
 *
 * Sampling (schedule_one.go numFeasibleNodesToFind, percentageOfNodesToScore
 * unset): under 100 nodes all are filtered; otherwise the search stops once
 * max(5, 50 - nodes/125) percent of the nodes (at least 100) passed, and the
 * next cycle starts where it stopped (nextStartNodeIndex), over the
 * zone-interleaved order of the scheduler cache's nodeTree. Besides being
 * faithful, this is what makes 5,000 nodes cheap.
 *
 * This file holds the scheduling cycle; the topology domains and the
 * (anti-)affinity and spread terms it counts pods in are placement_terms.c
 * (placement_int.h between them).
 *
 * During a run (placement_schedule_one) the same machinery is rebuilt from
 * the caller's pod -> node state for each pod created (replacement,
 * scale-up, rollout): every running pod counts, wherever it runs (a down
 * node's pods too, until the caller drops them); nodes that take no new pods
 * fail every filter, and a DoNotSchedule constraint's minimum is taken over
 * the domains holding a node that does take them (upstream's nodeTaintsPolicy Ignore would
 * still count a cordoned or NotReady node's domain, whose zero can then
 * block every other domain). The search starts at a node drawn from the
 * call's stream, standing for wherever nextStartNodeIndex happens to be. A
 * DaemonSet's pod goes to the first node (by index) that passes its filters
 * and has room but runs none of its pods; a pinned workload's to pin[k], the
 * first k whose node takes pods and runs fewer of them than pin names it
 * (unfiltered, as in placement_run; -1 once every pin is running). */
#include "ktsim/placement.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktsim/err.h"
#include "ktsim/mem.h"
#include "ktsim/rng.h"

#include "placement_int.h"

#define MAX_SCORE 100            /* framework.MaxNodeScore */
#define NONZERO_CPU_M 100        /* schedutil.DefaultMilliCPURequest */
#define NONZERO_MEM_MI 200       /* schedutil.DefaultMemoryRequest */
#define MIN_FEASIBLE 100         /* minFeasibleNodesToFind */
#define MIN_PERCENT 5            /* minFeasibleNodesPercentageToFind */

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* nodeTree.list() (pkg/scheduler/backend/cache/node_tree.go): a node of
 * each zone in turn, zones in order of first appearance; that is, nodes by
 * (position within their zone, zone rank). */
static void node_order(struct plc *p)
{
	int nn = p->c->nnodes, nz = 0, nr = 0;
	int *rank, *seen;
	long long *key;

	for (int n = 0; n < nn; n++) {
		KS_ASSERT(p->c->nodes[n].zone >= 0);
		if (p->c->nodes[n].zone >= nz)
			nz = p->c->nodes[n].zone + 1;
	}
	rank = ks_calloc((size_t)nz, sizeof *rank);
	seen = ks_calloc((size_t)nz, sizeof *seen);
	key = ks_calloc((size_t)nn, sizeof *key);
	for (int n = 0; n < nn; n++) {
		int z = p->c->nodes[n].zone;

		if (seen[z] == 0)
			rank[z] = nr++;
		key[n] = ((long long)seen[z]++ * nz + rank[z]) * nn + n;
	}
	qsort(key, (size_t)nn, sizeof *key, cmp_ll);
	for (int n = 0; n < nn; n++)
		p->order[n] = (int)(key[n] % nn);
	ks_free(rank);
	ks_free(seen);
	ks_free(key);
}

static void setup(struct plc *p)
{
	const struct cluster *c = p->c;
	int nn = c->nnodes, nw = c->nworkloads, maxspread = 2;
	struct ivec m = { 0 };

	p->ns = ks_calloc((size_t)nn, sizeof *p->ns);
	for (int n = 0; n < nn; n++) {
		const struct node *nd = &c->nodes[n];
		struct nstate *s = &p->ns[n];

		*s = (struct nstate){ .cap_cpu = nd->cpu_m, .cap_mem = nd->memory_mi,
			.req_cpu = nd->allocated_cpu_m, .req_mem = nd->allocated_memory_mi,
			.nz_cpu = nd->allocated_cpu_m, .nz_mem = nd->allocated_memory_mi,
			.max_pods = nd->max_pods, .memo_w = -1 };
		for (int t = 0; t < nd->ntaints; t++) {
			s->soft_taints |= nd->taints[t].effect == TAINT_PREFER_NO_SCHEDULE;
			s->hard_taints |= nd->taints[t].effect != TAINT_PREFER_NO_SCHEDULE;
		}
	}
	p->order = ks_calloc((size_t)nn, sizeof *p->order);
	node_order(p);
	p->ws = ks_calloc((size_t)nw + 1, sizeof *p->ws);
	for (int w = 0; w < nw; w++) {
		const struct workload *wl = &c->workloads[w];

		p->ws[w].anti = placement_add_affinity(p, w, &wl->anti, 1, &m);
		p->ws[w].aff = placement_add_affinity(p, w, &wl->aff, 0, &m);
		maxspread = wl->nspread > maxspread ? wl->nspread : maxspread;
		/* A DaemonSet pod's required node affinity names one node, so its
		 * spread constraints see one domain and always pass. */
		if (wl->kind == WL_DEPLOYMENT)
			placement_add_spread(p, w, &m);
	}
	ks_free(m.v);
	for (int w = 0; w < nw; w++) {
		const struct workload *wl = &c->workloads[w];
		struct wstate *s = &p->ws[w];

		s->filter_aff = wl->anti.mode == AFFINITY_REQUIRED || wl->aff.mode == AFFINITY_REQUIRED;
		s->ipa = wl->anti.mode == AFFINITY_PREFERRED || wl->aff.mode == AFFINITY_PREFERRED;
		for (int i = 0; i < s->sym.n; i += 2) {
			s->filter_aff |= s->sym.v[i + 1] == 0;
			s->ipa |= s->sym.v[i + 1] != 0;
		}
	}
	p->ok = ks_calloc(2 * (size_t)nn, 1);
	p->ign = p->ok + nn;
	p->feas = ks_calloc((size_t)nn, sizeof *p->feas);
	p->base = ks_calloc(4 * (size_t)nn, sizeof *p->base);
	p->taint = p->base + nn;
	p->ipa = p->base + 2 * nn;
	p->pts = p->base + 3 * nn;
	p->wt = ks_calloc((size_t)maxspread, sizeof *p->wt);
}

/* Frees every term's state: after placement_run only own terms hold any,
 * after placement_schedule_one the terms its workload reads do. */
static void teardown(struct plc *p)
{
	for (int k = 0; k < p->nkeys; k++) {
		ks_free(p->keys[k].dom);
		ks_free(p->keys[k].stamp);
	}
	for (int t = 0; t < p->nterms; t++) {
		ks_free(p->terms[t].cnt);
		ks_free(p->terms[t].incl);
		ks_free(p->terms[t].dom_ok);
	}
	for (int w = 0; w < p->c->nworkloads; w++) {
		ks_free(p->ws[w].feeds.v);
		ks_free(p->ws[w].sym.v);
	}
	ks_free(p->keys);
	ks_free(p->ns);
	ks_free(p->order);
	ks_free(p->terms);
	ks_free(p->ws);
	ks_free(p->ok);
	ks_free(p->feas);
	ks_free(p->base);
	ks_free(p->wt);
}

/* core/v1 Toleration.ToleratesTaint. */
static int tolerates(const struct toleration *t, const struct taint *x)
{
	if (t->effect != TAINT_ANY && t->effect != x->effect)
		return 0;
	if (t->key[0] && strcmp(t->key, x->key) != 0)
		return 0;
	return t->op == TOL_EXISTS || strcmp(t->value, x->value) == 0;
}

/* The tolerations the DaemonSet controller adds to every pod it creates. */
static int daemon_tolerates(const struct taint *x)
{
	static const struct { const char *key; enum taint_effect effect; } tol[] = {
		{ "node.kubernetes.io/not-ready", TAINT_NO_EXECUTE },
		{ "node.kubernetes.io/unreachable", TAINT_NO_EXECUTE },
		{ "node.kubernetes.io/disk-pressure", TAINT_NO_SCHEDULE },
		{ "node.kubernetes.io/memory-pressure", TAINT_NO_SCHEDULE },
		{ "node.kubernetes.io/pid-pressure", TAINT_NO_SCHEDULE },
		{ "node.kubernetes.io/unschedulable", TAINT_NO_SCHEDULE },
	};

	for (size_t i = 0; i < sizeof tol / sizeof tol[0]; i++)
		if (tol[i].effect == x->effect && strcmp(tol[i].key, x->key) == 0)
			return 1;
	return 0;
}

/* TaintToleration: soft counts intolerable PreferNoSchedule taints (only
 * tolerations with that effect or none count); otherwise 1 when a NoSchedule
 * or NoExecute taint is not tolerated. */
static int intolerable(const struct workload *wl, const struct node *nd, int soft)
{
	int bad = 0;

	for (int i = 0; i < nd->ntaints; i++) {
		const struct taint *x = &nd->taints[i];
		int ok = 0;

		if ((x->effect == TAINT_PREFER_NO_SCHEDULE) != soft)
			continue;
		for (int j = 0; j < wl->ntolerations && !ok; j++)
			ok = (!soft || wl->tolerations[j].effect == TAINT_ANY ||
			      wl->tolerations[j].effect == TAINT_PREFER_NO_SCHEDULE) &&
			     tolerates(&wl->tolerations[j], x);
		if (!ok && !soft && wl->kind == WL_DAEMONSET)
			ok = daemon_tolerates(x);
		if (!ok && !soft)
			return 1;
		bad += !ok;
	}
	return bad;
}

/* The static filters (nodeSelector, taints) into p->ok; returns the count. */
static int eligible(struct plc *p, int w)
{
	const struct workload *wl = &p->c->workloads[w];
	int count = 0;

	for (int n = 0; n < p->c->nnodes; n++) {
		p->ok[n] = (uint8_t)(placement_node_selected(p, w, n) &&
				     (!p->ns[n].hard_taints || !intolerable(wl, &p->c->nodes[n], 0)));
		count += p->ok[n];
	}
	return count;
}

/* Every filter but the static ones in p->ok. */
static int fits(const struct plc *p, int w, int n)
{
	const struct workload *wl = &p->c->workloads[w];
	const struct wstate *s = &p->ws[w];
	const struct nstate *ns = &p->ns[n];

	if ((wl->cpu_m > 0 && wl->cpu_m > ns->cap_cpu - ns->req_cpu) ||
	    (wl->memory_mi > 0 && wl->memory_mi > ns->cap_mem - ns->req_mem) ||
	    ns->npods + 1 > ns->max_pods)
		return 0;
	if (s->filter_aff && !placement_affinity_fits(p, w, n))
		return 0;
	for (int i = s->spread; i < s->spread + s->nspread && s->nhard; i++) {
		const struct term *t = &p->terms[i];
		int d = p->keys[t->key].dom[n];

		if (t->hard && (d < 0 || t->cnt[d] + t->self - t->min > t->max_skew))
			return 0;
	}
	return 1;
}

/* noderesources/least_allocated.go on non-zero requests and
 * balanced_allocation.go on real ones; a resource the node has none of is
 * left out of both. */
static long long resource_score(const struct nstate *ns, const struct workload *wl)
{
	const long long cap[2] = { ns->cap_cpu, ns->cap_mem };
	const long long nz[2] = { ns->nz_cpu + (wl->cpu_m ? wl->cpu_m : NONZERO_CPU_M),
				  ns->nz_mem + (wl->memory_mi ? wl->memory_mi : NONZERO_MEM_MI) };
	const long long req[2] = { ns->req_cpu + wl->cpu_m, ns->req_mem + wl->memory_mi };
	long long least = 0;
	double f[2];
	int nres = 0;

	for (int i = 0; i < 2; i++)
		if (cap[i] > 0) {
			least += nz[i] > cap[i] ? 0 : (cap[i] - nz[i]) * MAX_SCORE / cap[i];
			f[nres++] = fmin(1, (double)req[i] / (double)cap[i]);
		}
	least = nres ? least / nres : 0;
	if (wl->cpu_m == 0 && wl->memory_mi == 0) /* BestEffort: no balance score */
		return least;
	return least + (long long)((1 - (nres == 2 ? fabs((f[0] - f[1]) / 2) : 0)) * MAX_SCORE);
}

/* math.Round (half away from zero) of x >= 0, without a libm call. */
static long long round_pos(double x)
{
	long long i = (long long)x;

	return i + (x - (double)i >= 0.5);
}

/* Score the nf feasible nodes in p->feas and pick the best. */
static int pick(struct plc *p, int w, int nf)
{
	const struct workload *wl = &p->c->workloads[w];
	const struct wstate *s = &p->ws[w];
	long long tmax = 0, imin = LLONG_MAX, imax = LLONG_MIN, pmin = LLONG_MAX, pmax = 0;
	long long best = LLONG_MIN;
	int chosen = -1, ties = 0;

	if (s->nsoft)
		placement_spread_prescore(p, s, nf);
	for (int k = 0; k < nf; k++) {
		int n = p->feas[k];
		struct nstate *ns = &p->ns[n];

		p->taint[k] = ns->soft_taints ? intolerable(wl, &p->c->nodes[n], 1) : 0;
		tmax = p->taint[k] > tmax ? p->taint[k] : tmax;
		if (ns->memo_w != w) {
			ns->memo_w = w;
			ns->memo = resource_score(ns, wl);
		}
		p->base[k] = ns->memo;
		if (s->ipa) {
			p->ipa[k] = placement_affinity_score(p, w, n);
			imin = p->ipa[k] < imin ? p->ipa[k] : imin;
			imax = p->ipa[k] > imax ? p->ipa[k] : imax;
		}
		if (s->nsoft && !p->ign[k]) {
			double sc = 0;

			for (int i = s->spread, j = 0; i < s->spread + s->nspread; i++) {
				const struct term *t = &p->terms[i];

				if (!t->hard && p->keys[t->key].dom[n] >= 0)
					sc += placement_count_at(p, i, n) * p->wt[j] + (t->max_skew - 1);
				j += !t->hard;
			}
			p->pts[k] = round_pos(sc);
			pmin = p->pts[k] < pmin ? p->pts[k] : pmin;
			pmax = p->pts[k] > pmax ? p->pts[k] : pmax;
		}
	}
	for (int k = 0; k < nf; k++) {
		long long total = p->base[k];

		total += 3 * (tmax ? MAX_SCORE - MAX_SCORE * p->taint[k] / tmax : MAX_SCORE);
		if (s->ipa && imax > imin)
			total += 2 * (long long)(MAX_SCORE * ((double)(p->ipa[k] - imin) /
							  (double)(imax - imin)));
		if (s->nsoft && !p->ign[k])
			total += 2 * (pmax ? MAX_SCORE * (pmax + pmin - p->pts[k]) / pmax : MAX_SCORE);
		/* selectHost: replace the pick with probability 1/ties */
		if (total > best) {
			best = total;
			chosen = p->feas[k];
			ties = 1;
		} else if (total == best && rng_below(&p->rng, (uint32_t)++ties) == 0) {
			chosen = p->feas[k];
		}
	}
	return chosen;
}

/* numFeasibleNodesToFind with percentageOfNodesToScore unset. */
static int nodes_to_find(int nn)
{
	int pct = 50 - nn / 125;

	if (nn < MIN_FEASIBLE)
		return nn;
	pct = pct < MIN_PERCENT ? MIN_PERCENT : pct;
	return nn * pct / 100 < MIN_FEASIBLE ? MIN_FEASIBLE : nn * pct / 100;
}

/* One scheduling cycle: filter from nextStartNodeIndex until enough nodes
 * pass, then score them. Returns the node or -1 (Pending). */
static int schedule(struct plc *p, int w)
{
	int nn = p->c->nnodes, want = nodes_to_find(nn), nf = 0, j = p->next;

	for (int i = 0; i < nn && nf < want; i++) {
		int n = p->order[j];

		if (p->ok[n] && fits(p, w, n))
			p->feas[nf++] = n;
		j = j + 1 == nn ? 0 : j + 1;
	}
	p->next = j;
	if (nf <= 1) /* a single node is not scored */
		return nf ? p->feas[0] : -1;
	return pick(p, w, nf);
}

/* A pod of w runs on n: its requests count there, and it counts in every
 * term that selects it. */
static void occupy(struct plc *p, int w, int n)
{
	const struct workload *wl = &p->c->workloads[w];
	struct nstate *ns = &p->ns[n];

	KS_ASSERT(n >= 0 && n < p->c->nnodes);
	ns->req_cpu += wl->cpu_m;
	ns->req_mem += wl->memory_mi;
	ns->nz_cpu += wl->cpu_m ? wl->cpu_m : NONZERO_CPU_M;
	ns->nz_mem += wl->memory_mi ? wl->memory_mi : NONZERO_MEM_MI;
	ns->npods++;
	ns->memo_w = -1;
	placement_feed(p, w, n);
}

static void bind(struct plc *p, struct cluster *c, struct pod *pod, int n)
{
	occupy(p, pod->workload, n);
	pod->node = n;
	pod->ready = 1;
	c->workloads[pod->workload].running++;
}

static struct pod *new_pod(struct cluster *c, int w, int ordinal)
{
	struct pod *pod = &c->pods[c->npods++];
	size_t len = strlen(c->workloads[w].name) + 16;

	pod->name = ks_malloc(len);
	snprintf(pod->name, len, "%s-%d", c->workloads[w].name, ordinal);
	pod->workload = w;
	pod->node = -1;
	return pod;
}

static void place_workload(struct plc *p, struct cluster *c, int w)
{
	struct workload *wl = &c->workloads[w];
	const struct wstate *s = &p->ws[w];

	eligible(p, w);
	placement_begin_terms(p, w);
	wl->first_pod = c->npods;
	wl->running = 0;
	if (wl->kind == WL_DAEMONSET) {
		for (int n = 0, i = 0; n < c->nnodes; n++) {
			struct pod *pod;

			if (!p->ok[n])
				continue;
			pod = new_pod(c, w, i++);
			if (fits(p, w, n))
				bind(p, c, pod, n);
			/* a cycle over the one node its affinity names still
			 * moves nextStartNodeIndex */
			p->next = p->next + 1 == c->nnodes ? 0 : p->next + 1;
		}
	} else {
		for (int i = 0; i < wl->replicas; i++) {
			struct pod *pod = new_pod(c, w, i);
			int n = wl->pin ? wl->pin[i] : schedule(p, w);

			if (n >= 0)
				bind(p, c, pod, n);
		}
	}
	wl->npods = c->npods - wl->first_pod;
	wl->pending = wl->npods - wl->running;
	if (s->anti >= 0)
		placement_retire(&p->terms[s->anti]);
	if (s->aff >= 0)
		placement_retire(&p->terms[s->aff]);
	for (int i = s->spread; i < s->spread + s->nspread; i++)
		placement_retire(&p->terms[i]);
}

void placement_run(struct cluster *c, uint64_t seed)
{
	struct plc p = { .c = c };
	long long total = 0;

	KS_ASSERT(c->npods == 0 && c->nnodes > 0);
	rng_init(&p.rng, rng_derive(seed, 0, STREAM_PLACEMENT, 0));
	setup(&p);
	for (int w = 0; w < c->nworkloads; w++) {
		if (c->workloads[w].kind == WL_DAEMONSET)
			c->workloads[w].replicas = eligible(&p, w);
		total += c->workloads[w].replicas;
	}
	KS_ASSERT(total <= CLUSTER_MAX_PODS);
	c->pods = ks_calloc((size_t)total + 1, sizeof *c->pods);
	for (int w = 0; w < c->nworkloads; w++)
		place_workload(&p, c, w);
	teardown(&p);
}

/* The node for one more pod of a pinned workload: pin[k] for the first k
 * whose node runs fewer of w's pods than pin entries name it and takes new
 * pods (spec.nodeName: no filter, no score). */
static int pinned_slot(const struct cluster *c, const int *pod_node, int w,
		       const uint8_t *node_ok)
{
	const struct workload *wl = &c->workloads[w];
	int *want = ks_calloc((size_t)c->nnodes, sizeof *want), chosen = -1;

	for (int k = 0; k < wl->replicas; k++)
		want[wl->pin[k]]++;
	for (int i = 0; i < c->npods; i++)
		if (pod_node[i] >= 0 && c->pods[i].workload == w)
			want[pod_node[i]]--;
	for (int k = 0; k < wl->replicas && chosen < 0; k++)
		if (want[wl->pin[k]] > 0 && node_ok[wl->pin[k]])
			chosen = wl->pin[k];
	ks_free(want);
	return chosen;
}

/* The whole model is rebuilt from pod_node on every call: setup is
 * O(nodes x topology keys + workloads x affinity and spread selectors x
 * workloads), counting the running pods O(pods), and the cycle itself
 * O(nodes). Timeline events are few, so no state is kept between calls.
 * Terms no cycle of w reads are dropped before counting, so the per-domain
 * counts held are those of w's own terms and of the terms of workloads
 * whose (anti-)affinity selects w. Callers pass nonce >= 1: nonce 0 is
 * placement_run's stream. */
int placement_schedule_one(const struct cluster *c, const int *pod_node, int w,
			   const uint8_t *node_ok, uint64_t seed, uint64_t nonce)
{
	const struct workload *wl;
	struct plc p = { .c = c, .up = node_ok };
	uint8_t *read;
	const struct wstate *s;
	int chosen = -1;

	KS_ASSERT(w >= 0 && w < c->nworkloads && pod_node && node_ok);
	wl = &c->workloads[w];
	if (c->nnodes == 0)
		return -1;
	if (wl->pin && wl->kind == WL_DEPLOYMENT)
		return pinned_slot(c, pod_node, w, node_ok);
	setup(&p);
	/* keep the terms w reads; the rest would only cost counts */
	s = &p.ws[w];
	read = ks_calloc((size_t)p.nterms + 1, 1);
	if (s->anti >= 0)
		read[s->anti] = 1;
	if (s->aff >= 0)
		read[s->aff] = 1;
	for (int i = 0; i < s->sym.n; i += 2)
		read[s->sym.v[i]] = 1;
	for (int i = s->spread; i < s->spread + s->nspread; i++)
		read[i] = 1;
	for (int t = 0; t < p.nterms; t++)
		if (!read[t])
			placement_retire(&p.terms[t]);
	ks_free(read);
	/* every running pod counts, on whichever node it is */
	for (int i = 0; i < c->npods; i++) {
		KS_ASSERT(pod_node[i] < c->nnodes && c->pods[i].workload >= 0 &&
			  c->pods[i].workload < c->nworkloads);
		if (pod_node[i] >= 0)
			occupy(&p, c->pods[i].workload, pod_node[i]);
	}
	eligible(&p, w);
	for (int n = 0; n < c->nnodes; n++)
		p.ok[n] &= node_ok[n] != 0;
	placement_begin_terms(&p, w);
	if (wl->kind == WL_DAEMONSET) {
		/* the first node that passes the controller's filters, lacks
		 * its pod and has room for it (one without room keeps its pod
		 * Pending, as placement_run does) */
		uint8_t *has = ks_calloc((size_t)c->nnodes, 1);

		for (int i = 0; i < c->npods; i++)
			if (pod_node[i] >= 0 && c->pods[i].workload == w)
				has[pod_node[i]] = 1;
		for (int n = 0; n < c->nnodes && chosen < 0; n++)
			if (p.ok[n] && !has[n] && fits(&p, w, n))
				chosen = n;
		ks_free(has);
	} else {
		/* the search starts where the scheduler's nextStartNodeIndex
		 * happens to be: a uniform draw */
		rng_init(&p.rng, rng_derive(seed, 0, STREAM_PLACEMENT, nonce));
		p.next = (int)rng_below(&p.rng, (uint32_t)c->nnodes);
		chosen = schedule(&p, w);
	}
	teardown(&p);
	return chosen;
}
