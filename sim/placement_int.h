/* placement_int — what placement.c (the scheduling cycle: node order,
 * sampling, filters and scores, placement_run, placement_schedule_one,
 * DaemonSets) and placement_terms.c (topology domains and the inter-pod
 * (anti-)affinity and spread terms) share. Not a public interface. */
#ifndef KTSIM_PLACEMENT_INT_H
#define KTSIM_PLACEMENT_INT_H

#include <stdint.h>

#include "ktsim/cluster.h"
#include "ktsim/rng.h"

/* Pods matching one selector, per domain of one topology key. */
struct term {
	int key;
	int *cnt;             /* per domain; allocated when first needed */
	int total;            /* over every domain */
	int dead;             /* its reader is placed: no longer counted */
	uint8_t *incl;        /* spread: nodes whose pods count; NULL: all */
	int max_skew, hard, self, hostname; /* spread constraints only */
	uint8_t *dom_ok;      /* DoNotSchedule: domains the minimum spans */
	int min, nmin;        /* that minimum and how many domains hold it */
};

/* A topology key in use: its values as domain ids 0..ndom-1. */
struct tkey {
	const char *name;
	int *dom;             /* per node; -1 when the node lacks the label */
	int ndom, full;       /* full: every node has the label */
	int *stamp;           /* per domain: the last cycle that counted it */
};

struct ivec {
	int *v;
	int n, cap;
};

struct nstate {
	long long cap_cpu, cap_mem, req_cpu, req_mem, nz_cpu, nz_mem;
	int max_pods, npods;
	int hard_taints, soft_taints; /* has NoSchedule/NoExecute, PreferNoSchedule */
	int memo_w;           /* workload whose resource scores `memo` holds, or -1 */
	long long memo;       /* valid until a pod binds here */
};

struct wstate {
	int anti, aff;        /* terms: pods its (anti-)affinity selects, or -1 */
	int spread, nspread;  /* its spread terms (the defaults when it has none) */
	int nhard, nsoft;     /* DoNotSchedule and ScheduleAnyway ones among them */
	int soft_all;         /* scored nodes must carry every ScheduleAnyway key */
	int aff_self;         /* its labels match its own affinity selector */
	int filter_aff, ipa;  /* InterPodAffinity filters, scores its pods */
	struct ivec feeds;    /* terms its pods count in */
	struct ivec sym;      /* (own term of a workload selecting it, weight);
			       * weight 0: required anti-affinity */
};

struct plc {
	const struct cluster *c; /* written only by placement_run's own code */
	const uint8_t *up;    /* per node: takes new pods; NULL: every node */
	struct rng rng;
	struct tkey *keys;
	int nkeys, gen;
	struct nstate *ns;
	int *order, next;     /* nodeTree order; nextStartNodeIndex */
	struct term *terms;
	int nterms, capterms;
	struct wstate *ws;
	uint8_t *ok, *ign;    /* per node: static filters; per feasible node */
	int *feas;
	long long *base, *taint, *ipa, *pts; /* per feasible node */
	double *wt;           /* per ScheduleAnyway constraint */
};

/* placement_terms.c */

/* One (anti-)affinity term a of w (anti: anti-affinity): registers its
 * terms and who feeds them, using m as scratch. Returns the term w reads,
 * or -1 when a is unset. */
int placement_add_affinity(struct plc *p, int w, const struct affinity_term *a, int anti,
			   struct ivec *m);
/* w's spread terms (its constraints, or the system defaults), m scratch. */
void placement_add_spread(struct plc *p, int w, struct ivec *m);
/* Whether node n passes w's nodeSelector. */
int placement_node_selected(const struct plc *p, int w, int n);
/* A pod of w landed on n: count it in every term that selects it. */
void placement_feed(struct plc *p, int w, int n);
/* InterPodAffinity filter of w's pod on n (interpodaffinity/filtering.go). */
int placement_affinity_fits(const struct plc *p, int w, int n);
/* InterPodAffinity score of w's pod on n before normalisation. */
long long placement_affinity_score(const struct plc *p, int w, int n);
/* PodTopologySpread PreScore over the nf nodes in p->feas: p->ign, p->wt. */
void placement_spread_prescore(struct plc *p, const struct wstate *s, int nf);
/* Ready w's terms for its cycles: counts and DoNotSchedule minima. */
void placement_begin_terms(struct plc *p, int w);
/* Drop a term no cycle reads any more: it stops counting. */
void placement_retire(struct term *t);

/* Pods of term's selector in node n's domain (0 when n lacks the key). */
static inline int placement_count_at(const struct plc *p, int term, int n)
{
	const struct term *t = &p->terms[term];
	int d = p->keys[t->key].dom[n];

	return d < 0 ? 0 : t->cnt[d];
}

#endif
