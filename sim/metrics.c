/* metrics — result storage and skew summaries (see metrics.h). */
#include "ktsim/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ktsim/err.h"
#include "ktsim/mem.h"

_Static_assert(sizeof(struct ep_stats) == 128, "an endpoint's counters are two cache lines");

void metrics_init(struct metrics *m, int nsvc, const int *neps, int nnodes, int npods)
{
	size_t total_eps = 0, row = 0;
	int ep_bits;

	memset(m, 0, sizeof *m);
	m->nsvc = nsvc;
	m->nnodes = nnodes;
	m->npods = npods;
	m->replications = 1;
	m->svc = ks_calloc_lines((size_t)nsvc, sizeof *m->svc);
	for (int s = 0; s < nsvc; s++)
		total_eps += (size_t)neps[s];
	ep_bits = total_eps > METRICS_FINE_EPS ? HISTO_COARSE : HISTO_FINE;
	m->svc_from_eps = ep_bits == HISTO_FINE;
	/* One block per kind of row for all Services, so the big ones (1,000
	 * Services x 5,000 nodes) get huge pages (mem.c). */
	m->ep_rows = ks_calloc_lines(total_eps + 1, sizeof *m->ep_rows);
	m->share_rows = ks_calloc(total_eps + 1, sizeof *m->share_rows);
	m->node_detail = (size_t)nsvc * (size_t)nnodes <= METRICS_NODE_ROWS;
	m->node_rows = ks_calloc((m->node_detail ? (size_t)nsvc : 1) * (size_t)nnodes + 1,
				 sizeof *m->node_rows);
	m->weight_rows = ks_calloc((size_t)nsvc * (size_t)nnodes + 1, sizeof *m->weight_rows);
	for (int s = 0; s < nsvc; s++) {
		struct svc_stats *ss = &m->svc[s];

		histo_init(&ss->latency_ms, HISTO_FINE);
		ss->neps = neps[s];
		ss->eps = m->ep_rows + row;
		ss->expected_share = m->share_rows + row;
		row += (size_t)neps[s];
		for (int i = 0; i < neps[s]; i++)
			histo_init(&ss->eps[i].latency_ms, ep_bits);
		ss->nodes = m->node_rows + (m->node_detail ? (size_t)s * (size_t)nnodes : 0);
		ss->lb_weight = m->weight_rows + (size_t)s * (size_t)nnodes;
	}
	m->peak_conntrack = ks_calloc((size_t)nnodes, sizeof *m->peak_conntrack);
	m->peak_snat_ports = ks_calloc((size_t)nnodes, sizeof *m->peak_snat_ports);
	m->conntrack_max = ks_calloc((size_t)nnodes, sizeof *m->conntrack_max);
	m->utilization = ks_calloc((size_t)npods, sizeof *m->utilization);
	m->queue_mean = ks_calloc((size_t)npods, sizeof *m->queue_mean);
	m->pod_node = ks_calloc((size_t)npods + 1, sizeof *m->pod_node);
}

void metrics_fold_latency(struct metrics *m)
{
	if (!m->svc_from_eps)
		return;
	for (int s = 0; s < m->nsvc; s++) {
		struct svc_stats *ss = &m->svc[s];

		KS_ASSERT(ss->latency.n == 0 && ss->latency_ms.n == 0);
		for (int i = 0; i < ss->neps; i++) {
			tally_merge(&ss->latency, &ss->eps[i].latency);
			histo_merge(&ss->latency_ms, &ss->eps[i].latency_ms);
		}
	}
}

void metrics_fini(struct metrics *m)
{
	for (int s = 0; s < m->nsvc; s++) {
		struct svc_stats *ss = &m->svc[s];

		histo_fini(&ss->latency_ms);
		for (int i = 0; i < ss->neps; i++)
			histo_fini(&ss->eps[i].latency_ms);
	}
	ks_free(m->ep_rows);
	ks_free(m->share_rows);
	ks_free(m->node_rows);
	ks_free(m->weight_rows);
	ks_free(m->svc);
	ks_free(m->peak_conntrack);
	ks_free(m->peak_snat_ports);
	ks_free(m->conntrack_max);
	ks_free(m->utilization);
	ks_free(m->queue_mean);
	ks_free(m->pod_node);
	ks_free(m->timeline_drops);
	if (m->timeseries)
		fclose(m->timeseries);
	m->timeseries = NULL;
	m->svc = NULL;
}

const char *metrics_drop_name(enum drop_reason r)
{
	static const char *const names[DROP_NREASONS] = {
		"no_local_endpoint", "no_endpoint", "node_down", "lb_no_healthy_node",
		"queue_full", "snat_ports_exhausted", "conntrack_full", "stale_endpoint",
		"pod_terminated",
	};
	return names[r];
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void metrics_skew(const double *x, int n, struct skew *out)
{
	double sum = 0, sumsq = 0, max = 0, min = INFINITY, mean, var, g = 0;
	double *sorted;

	*out = (struct skew){ .pods = n };
	for (int i = 0; i < n; i++) {
		sum += x[i];
		sumsq += x[i] * x[i];
		max = fmax(max, x[i]);
		min = fmin(min, x[i]);
	}
	if (n == 0 || sum <= 0)
		return;
	mean = sum / n;
	out->max_share = max / sum;
	out->min_share = min / sum;
	out->max_over_mean = max / mean;
	var = sumsq / n - mean * mean;
	out->cv = sqrt(var > 0 ? var : 0) / mean;
	out->jain = sum * sum / (n * sumsq);
	/* Gini = 2*sum(i*x_(i)) / (n*sum) - (n+1)/n, ranks i from 1 ascending. */
	sorted = ks_malloc((size_t)n * sizeof *sorted);
	for (int i = 0; i < n; i++)
		sorted[i] = x[i];
	qsort(sorted, (size_t)n, sizeof *sorted, cmp_double);
	for (int i = 0; i < n; i++)
		g += (i + 1) * sorted[i];
	ks_free(sorted);
	out->gini = 2 * g / (n * sum) - (double)(n + 1) / n;
	if (out->gini < 0)
		out->gini = 0;
}

void metrics_merge(struct metrics *dst, const struct metrics *src)
{
	double a = dst->replications, b = src->replications;

	KS_ASSERT(dst->nsvc == src->nsvc && dst->nnodes == src->nnodes && dst->npods == src->npods);
	for (int s = 0; s < dst->nsvc; s++) {
		struct svc_stats *d = &dst->svc[s];
		const struct svc_stats *x = &src->svc[s];

		d->offered += x->offered;
		d->completed += x->completed;
		d->dropped += x->dropped;
		d->in_flight += x->in_flight;
		for (int r = 0; r < DROP_NREASONS; r++)
			d->drops[r] += x->drops[r];
		d->routed += x->routed;
		d->hops2 += x->hops2;
		d->snat += x->snat;
		d->cross_zone += x->cross_zone;
		d->requests += x->requests;
		d->req_completed += x->req_completed;
		d->req_refused += x->req_refused;
		d->waited += x->waited;
		d->bytes += x->bytes;
		d->cross_zone_bytes += x->cross_zone_bytes;
		d->affinity_hits += x->affinity_hits;
		d->affinity_misses += x->affinity_misses;
		tally_merge(&d->latency, &x->latency);
		tally_merge(&d->wait, &x->wait);
		histo_merge(&d->latency_ms, &x->latency_ms);
		for (int i = 0; i < d->neps; i++) {
			struct ep_stats *e = &d->eps[i];
			const struct ep_stats *f = &x->eps[i];

			e->ever |= f->ever;
			e->flows += f->flows;
			e->completed += f->completed;
			e->dropped += f->dropped;
			e->requests += f->requests;
			e->bytes += f->bytes;
			tally_merge(&e->latency, &f->latency);
			histo_merge(&e->latency_ms, &f->latency_ms);
		}
		for (int n = 0; n < dst->nnodes && (dst->node_detail || s == 0); n++) {
			struct node_stats *e = &d->nodes[n];
			const struct node_stats *f = &x->nodes[n];

			e->lb_flows += f->lb_flows;
			e->forwarded_out += f->forwarded_out;
			e->snat_flows += f->snat_flows;
			e->dropped += f->dropped;
			e->bytes += f->bytes;
		}
	}
	for (int n = 0; n < dst->nnodes; n++) {
		if (src->peak_conntrack[n] > dst->peak_conntrack[n])
			dst->peak_conntrack[n] = src->peak_conntrack[n];
		if (src->peak_snat_ports[n] > dst->peak_snat_ports[n])
			dst->peak_snat_ports[n] = src->peak_snat_ports[n];
	}
	for (int p = 0; p < dst->npods; p++) {
		dst->utilization[p] = (a * dst->utilization[p] + b * src->utilization[p]) / (a + b);
		dst->queue_mean[p] = (a * dst->queue_mean[p] + b * src->queue_mean[p]) / (a + b);
	}
	for (int i = 0; i < dst->ntimeline && src->timeline_drops; i++)
		dst->timeline_drops[i] += src->timeline_drops[i];
	dst->events += src->events;
	dst->scheduler_runs += src->scheduler_runs;
	dst->lb_rebuilds += src->lb_rebuilds;
	dst->versions_freed += src->versions_freed;
	dst->wall_s += src->wall_s;
	dst->measured_s += src->measured_s;
	dst->replications += src->replications;
}
