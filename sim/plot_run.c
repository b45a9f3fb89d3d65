/* plot_run — the figures of a run directory (results.json): share, lb and
 * latency of each Service, and the paths of all of them; the time series
 * (plot_series.c) drawn after them when the run kept timeseries.csv.
 * Latency is drawn from the stored quantiles (p50, p90, p99, p99.9, max): a
 * run keeps no samples, so there is no full CDF to draw. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktsim/json.h"
#include "ktsim/mem.h"
#include "plot_int.h"

/* Pods as bars grouped by node (shaded groups), the expected share as a
 * black tick, the even share 1/n dashed. */
static const char SHARE[] =
	"\tset xlabel 'pod and its node (grouped by node)'\n"
	"\tif (rotate) { set xtics rotate by 90 right } else { set xtics norotate; set xlabel offset 0,-1; set bmargin 5 }\n"
	"\tset ylabel 'share of flows (%)'\n"
	"\tset xrange [xmin:xmax]\n"
	"\tset yrange [0:ymax]\n"
	"\tset boxwidth 0.7 absolute\n"
	"\tdo for [i=1:|gx0|:2] {\n"
	"\t\tset object i rect from gx0[i], graph 0 to gx1[i], graph 1 behind fc rgb '#eeeeee' fs solid 1 noborder\n"
	"\t}\n"
	"\tplot data using 1:(100*$6):xtic(lab($0, strcol(2), strcol(3))) with boxes lc 1 title 'measured share', \\\n"
	"\t\tdata using ($1-0.35):(100*$7):(0.7):(0) with vectors nohead lw 4 lc rgb '#000000' \\\n"
	"\t\t\ttitle 'expected share (from the layout)', \\\n"
	"\t\t100*even with lines dt 2 lw 2 lc rgb '#555555' \\\n"
	"\t\t\ttitle sprintf('even share 1/%d = %.1f%%', npods, 100*even), \\\n"
	"\t\tdata using 1:(100*$6):(values ? sprintf('%.1f%%', 100*$6) : '') with labels offset 0,0.8 notitle\n";

/* Nodes as bars: answered (blue) over dropped (red), the expected share. */
static const char LB[] =
	"\tset xlabel 'node and its ready pods of this Service'\n"
	"\tif (rotate) { set xtics rotate by 90 right } else { set xtics norotate; set xlabel offset 0,-1; set bmargin 5 }\n"
	"\tset ylabel 'share of flows entering the node (%)'\n"
	"\tset xrange [0.3:n+0.7]\n"
	"\tset yrange [0:ymax]\n"
	"\tset boxwidth 0.7 absolute\n"
	"\tpods(c) = sprintf('%d pod%s', column(c), column(c) == 1 ? '' : 's')\n"
	"\tplot data using 1:(100*$6):xtic(lab($0, strcol(2), pods(4))) with boxes lc 6 \\\n"
	"\t\t\ttitle (drops ? 'dropped at the node' : ''), \\\n"
	"\t\tdata using 1:(100*$6*$8) with boxes lc 1 title 'answered', \\\n"
	"\t\tdata using ($1-0.35):(100*$7):(0.7):(0) with vectors nohead lw 4 lc rgb '#000000' \\\n"
	"\t\t\ttitle 'expected share (from the layout)', \\\n"
	"\t\tdata using 1:(100*$6):(values ? sprintf('%.1f%%', 100*$6) : '') with labels offset 0,0.8 notitle\n";

/* A row of stacked horizontal bars per Service and question; a data block
 * per segment (index i-1), coloured col[i], named seg[i]. */
static const char PATHS[] =
	"\tset xlabel 'hops and source IP: % of flows routed to a pod;   outcome: % of flows offered'\n"
	"\tset xrange [0:100]\n"
	"\tset yrange [ymin:0.6]\n"
	"\tset xtics 0,10,100\n"
	"\tset ytics scale 0\n"
	"\tunset grid\n"
	"\tset grid xtics lc rgb '#dddddd' lw 1\n"
	"\tplot for [i=1:|seg|] data index (i-1) using (($4+$5)/2):1:4:5:($1-0.38):($1+0.38):ytic(strcol(2).': '.strcol(3)) \\\n"
	"\t\t\twith boxxyerror lc rgb col[i] title seg[i], \\\n"
	"\t\tfor [i=1:|seg|] data index (i-1) using (($4+$5)/2):1:(values && $6 >= 5 ? sprintf('%.0f%%', $6) : '') \\\n"
	"\t\t\twith labels font ',12' notitle, \\\n"
	"\t\tfor [i=1:|seg|] data index (i-1) using (1):1:7 with labels left tc rgb '#555555' notitle\n";

/* Latency at p50 ... max on a "nines" axis (x = -log10(1-p), max one decade
 * on), log y; block 0 is the whole Service, blocks 1.. its pods. */
static const char LATENCY[] =
	"\tset xlabel 'percentile of requests'\n"
	"\tset ylabel 'latency (ms, log scale)'\n"
	"\tset logscale y\n"
	"\tset format y '%g'\n"
	"\tset xrange [-0.1:4.3]\n"
	"\tset xtics ('p50' log10(2), 'p90' 1, 'p99' 2, 'p99.9' 3, 'max' 4)\n"
	"\tset grid xtics ytics mytics lc rgb '#dddddd' lw 1\n"
	"\tpos(v) = v > 0 ? v : NaN\n"
	"\tplot for [i=1:npods] data index i using 1:(pos($3)) with linespoints lw 1 pt 7 ps 0.6 \\\n"
	"\t\t\tlc rgb '#b0b0b0' title (i == 1 ? 'each pod' : ''), \\\n"
	"\t\tlat_mean with lines dt 2 lw 2 lc rgb '#555555' title sprintf('mean %.3g ms', lat_mean), \\\n"
	"\t\tdata index 0 using 1:(pos($3)) with linespoints lw 3 pt 7 ps 1.3 lc 1 title 'all requests', \\\n"
	"\t\tdata index 0 using 1:(pos($3)):(sprintf('%.3g ms', $3)) with labels boxed offset 0,1.2 notitle\n";


static const char *const LAT_KEYS[PLOT_NLAT] = { "mean", "p50", "p90", "p99", "p999", "max" };
/* Per-pod and per-node numbers, in the order of their .dat columns. */
static const char *const POD_KEYS[] = { "flows", "share", "expected_share", "utilization" };
static const char *const NODE_KEYS[] = { "lb_flows", "local_pods", "dropped", "lb_share",
					 "expected_lb_share", "answered_fraction" };

static void latency(struct plot_ctx *x, const cJSON *o, const char *path, double *lat)
{
	char p[PLOT_PATHN];

	plot_nums(x, plot_sub(x, o, path, "latency_ms", 0, p), p, LAT_KEYS, PLOT_NLAT, lat);
}

struct named {
	const char *name;
	int idx;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/* Each pod's index in the node list, by binary search over sorted names. */
static void pod_nodes(struct plot_rsvc *s)
{
	struct named *sorted = ks_calloc((size_t)s->nnodes + 1, sizeof *sorted), key, *hit;

	for (int i = 0; i < s->nnodes; i++)
		sorted[i] = (struct named){ s->nodes[i].name, i };
	qsort(sorted, (size_t)s->nnodes, sizeof *sorted, by_name);
	for (int i = 0; i < s->npods; i++) {
		key.name = s->pods[i].node;
		hit = bsearch(&key, sorted, (size_t)s->nnodes, sizeof *sorted, by_name);
		s->pods[i].nodeidx = hit ? hit->idx : s->nnodes;
	}
	ks_free(sorted);
}

static void read_service(struct plot_ctx *x, const cJSON *o, const char *path,
			 struct plot_rsvc *s)
{
	char p[PLOT_PATHN], q[PLOT_PATHN];
	const cJSON *a, *it;

	s->name = plot_str(x, o, path, "name");
	s->type = plot_str(x, o, path, "type");
	s->etp = plot_str(x, o, path, "externalTrafficPolicy");
	s->itp = plot_str(x, o, path, "internalTrafficPolicy");
	s->lb = plot_str(x, o, path, "loadBalancer");
	s->proxy = plot_str(x, o, path, "proxy");
	a = plot_sub(x, o, path, "flows", 0, p);
	s->offered = plot_num(x, a, p, "offered");
	s->dropped = plot_num(x, a, p, "dropped");
	s->drops = plot_sub(x, a, p, "drops", 0, q);
	cJSON_ArrayForEach(it, s->drops)
		plot_num(x, s->drops, q, it->string);
	a = plot_sub(x, o, path, "hops", 0, p);
	s->hops[0] = plot_num(x, a, p, "1");
	s->hops[1] = plot_num(x, a, p, "2");
	s->snat = plot_num(x, o, path, "snat_fraction");
	s->kept = plot_num(x, o, path, "client_ip_preserved_fraction");
	s->max_over_mean = plot_num(x, plot_sub(x, o, path, "skew", 0, p), p, "max_over_mean");
	latency(x, o, path, s->lat);
	a = plot_sub(x, o, path, "pods", 1, p);
	s->pods = ks_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *s->pods);
	for (it = a ? a->child : NULL; it && plot_item(x, it, p, s->npods, q); it = it->next) {
		struct plot_rpod *pod = &s->pods[s->npods++];

		pod->name = plot_str(x, it, q, "name");
		pod->node = plot_str(x, it, q, "node");
		pod->zone = plot_str(x, it, q, "zone");
		plot_nums(x, it, q, POD_KEYS, PLOT_NPOD, pod->v);
		latency(x, it, q, pod->lat);
	}
	a = plot_sub(x, o, path, "nodes", 1, p);
	s->nodes = ks_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *s->nodes);
	for (it = a ? a->child : NULL; it && plot_item(x, it, p, s->nnodes, q); it = it->next) {
		s->nodes[s->nnodes].name = plot_str(x, it, q, "name");
		plot_nums(x, it, q, NODE_KEYS, PLOT_NNODE, s->nodes[s->nnodes++].v);
	}
	pod_nodes(s);
}

/* "NAME: WHAT, externalTrafficPolicy=Local" (internal for ClusterIP). */
const char *plot_svc_title(char *t, size_t n, const struct plot_rsvc *s, const char *what)
{
	int cip = strcmp(s->type, "ClusterIP") == 0;

	snprintf(t, n, "%s: %s, %s=%s", s->name, what,
		 cip ? "internalTrafficPolicy" : "externalTrafficPolicy", cip ? s->itp : s->etp);
	return t;
}

static int share_plot(struct plot_ctx *x, const struct plot_rsvc *s, const char *file)
{
	struct plot_mf d, v;
	char t[600];
	int *ord = ks_calloc((size_t)s->npods, sizeof *ord), ng = 0;
	int *first = ks_calloc((size_t)s->nnodes + 2, sizeof *first);
	double *gx0 = ks_calloc((size_t)s->npods, sizeof *gx0), xpos = 0, ymax = 1.0 / s->npods;
	double *gx1 = ks_calloc((size_t)s->npods, sizeof *gx1), routed = s->hops[0] + s->hops[1];
	size_t len = 0;

	/* Pods in node order (a counting sort), each node's in results order. */
	for (int i = 0; i < s->npods; i++)
		first[s->pods[i].nodeidx + 1]++;
	for (int nd = 0; nd <= s->nnodes; nd++)
		first[nd + 1] += first[nd];
	for (int i = 0; i < s->npods; i++)
		ord[first[s->pods[i].nodeidx]++] = i;
	plot_mf_open(&d);
	fprintf(d.f, "# ktsim plot data: share of flows per pod of Service %s, grouped by node "
		"(from %s)\n# x\tpod\tnode\tzone\tflows\tshare\texpected_share\tutilization\t"
		"latency_p50_ms\tlatency_p99_ms\n", s->name, x->src);
	for (int k = 0; k < s->npods; k++) {
		const struct plot_rpod *p = &s->pods[ord[k]];

		/* A gap of 0.6 and a new shaded group at each node. */
		if (k == 0 || p->nodeidx != s->pods[ord[k - 1]].nodeidx) {
			xpos += k ? 1.6 : 1;
			if (ng)
				gx1[ng - 1] = xpos - 1.1;
			gx0[ng++] = xpos - 0.5;
		} else {
			xpos += 1;
		}
		ymax = fmax(ymax, fmax(p->v[1], p->v[2]));
		len = plot_zmax(len, plot_zmax(strlen(p->name), strlen(p->node)));
		fprintf(d.f, "%g\t%s\t%s\t%s\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", xpos,
			p->name, p->node, p->zone, p->v[0], p->v[1], p->v[2], p->v[3],
			p->lat[PLOT_LAT_P50], p->lat[PLOT_LAT_P99]);
	}
	gx1[ng - 1] = xpos + 0.5;
	plot_svc_title(t, sizeof t, s, "share of flows per pod");
	if (routed > 0)
		plot_head(x, &v, t, "%s, lb=%s, proxy=%s; %.0f flows routed, max/mean %.2f", s->type,
		     s->lb, s->proxy, routed, s->max_over_mean);
	else
		plot_head(x, &v, t, "no flow reached a pod (%.0f of %.0f offered dropped)", s->dropped,
		     s->offered);
	fprintf(v.f, "npods = %d\neven = %.10g\nxmin = 0.3\nxmax = %g\nymax = %.10g\n", s->npods,
		1.0 / s->npods, xpos + 0.7, 115 * ymax);
	plot_tic_vars(v.f, s->npods, len, 20);
	plot_var_a(v.f, "gx0", gx0, NULL, ng);
	plot_var_a(v.f, "gx1", gx1, NULL, ng);
	ks_free(ord);
	ks_free(first);
	ks_free(gx0);
	ks_free(gx1);
	snprintf(t, sizeof t, "share-%s", file);
	return plot_emit(x, t, "share of flows per pod against the expected share", &d, &v, SHARE);
}

static int lb_plot(struct plot_ctx *x, const struct plot_rsvc *s, const char *file)
{
	struct plot_mf d, v;
	char t[600], w[300];
	double ymax = 0.01;
	size_t len = 8;
	int drops = 0;

	plot_mf_open(&d);
	fprintf(d.f, "# ktsim plot data: share of Service %s's flows entering each node (from %s)\n"
		"# x\tnode\tlb_flows\tlocal_pods\tdropped\tlb_share\texpected_lb_share\t"
		"answered_fraction\n", s->name, x->src);
	for (int i = 0; i < s->nnodes; i++) {
		const struct plot_rnode *n = &s->nodes[i];

		ymax = fmax(ymax, fmax(n->v[3], n->v[4]));
		len = plot_zmax(len, strlen(n->name));
		drops |= n->v[2] > 0;
		fprintf(d.f, "%d\t%s\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", i + 1, n->name,
			n->v[0], n->v[1], n->v[2], n->v[3], n->v[4], n->v[5]);
	}
	snprintf(w, sizeof w, "share of flows entering each node, lb=%s", s->lb);
	plot_head(x, &v, plot_svc_title(t, sizeof t, s, w),
		  "%s; %.0f of %.0f offered flows dropped (%.1f%%)", s->type, s->dropped, s->offered, s->offered > 0 ? 100 * s->dropped / s->offered : 0);
	fprintf(v.f, "n = %d\nymax = %.10g\ndrops = %d\n", s->nnodes, 115 * ymax, drops);
	plot_tic_vars(v.f, s->nnodes, len, 20);
	snprintf(t, sizeof t, "lb-%s", file);
	return plot_emit(x, t, "share of flows entering each node, answered and dropped", &d, &v, LB);
}

static int latency_plot(struct plot_ctx *x, const struct plot_rsvc *s, const char *file)
{
	static const double nines[PLOT_NLAT] = { 0, 0.30102999566, 1, 2, 3, 4 };
	struct plot_mf d, v;
	char t[600];
	int blocks = 0;

	plot_mf_open(&d);
	fprintf(d.f, "# ktsim plot data: request latency of Service %s at percentiles (from %s);\n"
		"# block 0 all requests, then one block per pod; x = -log10(1 - p), max at 4\n"
		"# x\tpercentile\tlatency_ms\tseries\n", s->name, x->src);
	for (int i = -1; i < s->npods; i++) {
		const double *lat = i < 0 ? s->lat : s->pods[i].lat;

		if (lat[PLOT_LAT_MAX] <= 0)
			continue;
		fputs(i < 0 ? "" : "\n\n", d.f);
		for (int q = PLOT_LAT_P50; q < PLOT_NLAT; q++)
			fprintf(d.f, "%.10g\t%s\t%.10g\t%s\n", nines[q], LAT_KEYS[q], lat[q],
				i < 0 ? "all" : s->pods[i].name);
		blocks += i >= 0;
	}
	plot_head(x, &v, plot_svc_title(t, sizeof t, s, "request latency at percentile"),
	     "from the stored quantiles (p50, p90, p99, p99.9, max), not a full CDF");
	fprintf(v.f, "npods = %d\nlat_mean = %.10g\n", blocks, s->lat[PLOT_LAT_MEAN]);
	snprintf(t, sizeof t, "latency-%s", file);
	return plot_emit(x, t, "latency at p50, p90, p99, p99.9 and max", &d, &v, LATENCY);
}

/* A segment of the paths plot: its bar (0 hops, 1 source IP, 2 outcome),
 * legend name, colour, and each Service's percentage. */
struct seg {
	int bar;
	char name[96];
	const char *col;
	double *pct;
};

#define MAX_SEGS 32

static int paths_plot(struct plot_ctx *x, const struct plot_rsvc *sv, int ns)
{
	static const char *const bars[] = { "hops", "source IP", "outcome" };
	static const char *const dcol[] = { "#D55E00", "#8B1A1A", "#F0E442", "#7F3C8D",
					    "#000000", "#A6761D", "#666666" };
	struct seg seg[MAX_SEGS] = {
		{ 0, "1 hop (pod on the entry node)", "#009E73", NULL },
		{ 0, "2 hops (forwarded)", "#E69F00", NULL },
		{ 1, "client IP kept", "#56B4E9", NULL },
		{ 1, "SNAT (client IP lost)", "#CC79A7", NULL },
		{ 2, "completed or in flight", "#0072B2", NULL },
	};
	const char *names[MAX_SEGS], *cols[MAX_SEGS];
	struct plot_mf d, v;
	int nseg = 5;

	for (int i = 0; i < MAX_SEGS; i++)
		seg[i].pct = ks_calloc((size_t)ns, sizeof *seg[i].pct);
	for (int s = 0; s < ns; s++) {
		double routed = sv[s].hops[0] + sv[s].hops[1], off = sv[s].offered;
		const cJSON *r;

		seg[0].pct[s] = routed > 0 ? 100 * sv[s].hops[0] / routed : 0;
		seg[1].pct[s] = routed > 0 ? 100 * sv[s].hops[1] / routed : 0;
		seg[2].pct[s] = 100 * sv[s].kept;
		seg[3].pct[s] = 100 * sv[s].snat;
		seg[4].pct[s] = off > 0 ? 100 * (off - sv[s].dropped) / off : 0;
		/* A segment per drop reason seen in any Service ("dropped: " is 9). */
		cJSON_ArrayForEach(r, sv[s].drops) {
			int k = 5;

			while (k < nseg && strcmp(seg[k].name + 9, r->string) != 0)
				k++;
			if (r->valuedouble <= 0 || off <= 0 || k == MAX_SEGS)
				continue;
			if (k == nseg++) {
				seg[k].bar = 2;
				seg[k].col = dcol[(k - 5) % 7];
				snprintf(seg[k].name, sizeof seg[k].name, "dropped: %s", r->string);
			}
			seg[k].pct[s] = 100 * r->valuedouble / off;
		}
	}
	plot_mf_open(&d);
	fprintf(d.f, "# ktsim plot data: hops, source IP and outcome of each Service's flows "
		"(from %s);\n# a block per segment, stacked left to right from lo to hi (%%)\n"
		"# y\tservice\tbar\tlo\thi\tpercent\tnote\n", x->src);
	for (int i = 0; i < nseg; i++) {
		fprintf(d.f, "%s# %s\n", i ? "\n\n" : "", seg[i].name);
		for (int s = 0; s < ns; s++) {
			int routed = sv[s].hops[0] + sv[s].hops[1] > 0, first = i == 0 || i == 2;
			double lo = 0;

			for (int k = 0; k < i; k++)
				lo += seg[k].bar == seg[i].bar ? seg[k].pct[s] : 0;
			fprintf(d.f, "%g\t%s\t%s\t%.10g\t%.10g\t%.10g\t%s\n", -(s * 3.6 + seg[i].bar),
				sv[s].name, bars[seg[i].bar], lo, lo + seg[i].pct[s], seg[i].pct[s],
				first && !routed ? "(no flow reached a pod)" :
				i == 4 && sv[s].offered <= 0 ? "(no flow offered)" : "");
		}
		names[i] = seg[i].name;
		cols[i] = seg[i].col;
	}
	plot_head(x, &v, "Where each Service's flows go", "one hop or two, client IP kept or SNATed, "
	     "completed or dropped (by reason)");
	fprintf(v.f, "ymin = %g\nvalues = %d\n", -((ns - 1) * 3.6 + 2) - 0.6, ns <= 8);
	plot_var_a(v.f, "seg", NULL, names, nseg);
	plot_var_a(v.f, "col", NULL, cols, nseg);
	for (int i = 0; i < MAX_SEGS; i++)
		ks_free(seg[i].pct);
	return plot_emit(x, "paths", "hops, SNAT/client IP and drops per Service", &d, &v, PATHS);
}

void plot_run_plots(struct plot_ctx *x, const cJSON *root)
{
	char p[PLOT_PATHN], q[PLOT_PATHN], (*files)[80];
	const cJSON *a = plot_sub(x, root, "", "services", 1, p), *it;
	struct plot_rsvc *sv = ks_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *sv);
	int ns = 0;

	files = ks_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *files);
	for (it = a ? a->child : NULL; it && plot_item(x, it, p, ns, q); it = it->next) {
		read_service(x, it, q, &sv[ns]);
		plot_file_name(files, ns, sv[ns].name);
		ns++;
	}
	for (int s = 0; s < ns && !err_is_set(x->e); s++)
		if ((sv[s].npods > 0 && share_plot(x, &sv[s], files[s]) < 0) ||
		    (sv[s].nnodes > 0 && lb_plot(x, &sv[s], files[s]) < 0) ||
		    (sv[s].lat[PLOT_LAT_MAX] > 0 && latency_plot(x, &sv[s], files[s]) < 0))
			break;
	if (ns > 0 && !err_is_set(x->e))
		paths_plot(x, sv, ns);
	if (!err_is_set(x->e))
		plot_series_plots(x, root, sv, files, ns);
	for (int s = 0; s < ns; s++) {
		ks_free(sv[s].pods);
		ks_free(sv[s].nodes);
	}
	ks_free(sv);
	ks_free(files);
}
