/* plot — gnuplot figures of a run or a comparison (see plot.h).
 *
 * The input is read whole through jdoc_load and checked as it is read (a
 * missing or mistyped key is reported with file:line:col and key path); a
 * Service's files are only written once its figures are read. The .dat files
 * hold fractions with 10 significant digits; the scripts turn them into
 * percent. A script is its values (titles, ranges, arrays), then STYLE, then
 * a fixed body: changing a figure means changing one body here. Latency is
 * drawn from the stored quantiles (p50, p90, p99, p99.9, max): a run keeps no
 * samples, so there is no full CDF to draw. */
#include "ktsim/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktsim/json.h"
#include "ktsim/mem.h"
#include "ktsim/results.h"

#define GNUPLOT_TIMEOUT_S 120 /* per script */
#define MAX_TICS 60           /* tic labels on an axis before they are thinned */
#define PATHN 256             /* key paths for error messages */

/* Every script, before its body: terminals, the Okabe-Ito palette (safe for
 * colour-blind readers), the title centred on the canvas, the legend under
 * it. emit() wraps each body in a loop drawing PNG, then SVG. */
static const char STYLE[] =
	"set datafile separator tab\n"
	"png = \"set terminal pngcairo size 1280,720 font 'sans,14' noenhanced\"\n"
	"svg = \"set terminal svg size 1280,720 font 'sans,14' dynamic background 'white' noenhanced\"\n"
	"set linetype 1 lc rgb '#0072B2' lw 2 pt 7\n"
	"set linetype 2 lc rgb '#E69F00' lw 2 pt 7\n"
	"set linetype 3 lc rgb '#009E73' lw 2 pt 7\n"
	"set linetype 4 lc rgb '#CC79A7' lw 2 pt 7\n"
	"set linetype 5 lc rgb '#56B4E9' lw 2 pt 7\n"
	"set linetype 6 lc rgb '#D55E00' lw 2 pt 7\n"
	"set linetype 7 lc rgb '#F0E442' lw 2 pt 7\n"
	"set linetype 8 lc rgb '#000000' lw 2 pt 7\n"
	"set linetype cycle 8\n"
	"set style fill solid 0.9 noborder\n"
	"set style textbox opaque noborder\n"
	"set border 3 lw 1.5\n"
	"set tics nomirror out\n"
	"set grid ytics lc rgb '#dddddd' lw 1\n"
	"set tmargin 7\n"
	"set label 1 title at screen 0.5, screen 0.965 center font ',17'\n"
	"set label 2 subtitle at screen 0.5, screen 0.92 center\n"
	"set key at screen 0.5, screen 0.885 center top horizontal reverse Left samplen 2\n"
	"# tic label i: every step-th, 'a (b)' when rotated, else a over b\n"
	"lab(i, a, b) = int(i) % step ? '' : rotate ? a.' ('.b.')' : a.\"\\n\".b\n";

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

/* Clustered bars: pods on x, one colour per variant (vlabel[v]). */
static const char CMP_SHARE[] =
	"\tset xlabel 'pod and its node'\n"
	"\tif (rotate) { set xtics rotate by 90 right } else { set xtics norotate; set xlabel offset 0,-1; set bmargin 5 }\n"
	"\tset ylabel 'share of flows (%)'\n"
	"\tset xrange [0.4:npods+0.6]\n"
	"\tset yrange [0:ymax]\n"
	"\tset boxwidth bw absolute\n"
	"\toff(v) = (v - (nvar+1)/2.0)*bw\n"
	"\tplot data using 1:(NaN):xtic(lab($0, strcol(2), strcol(3))) notitle, \\\n"
	"\t\tfor [v=1:nvar] data using ($1+off(v)):(100*column(3+v)) with boxes lc v title vlabel[v], \\\n"
	"\t\tfor [v=1:|even|] 100*even[v] with lines dt 2 lw 2 lc rgb '#555555' title (v == 1 ? evtitle : ''), \\\n"
	"\t\tfor [v=1:nvar] data using ($1+off(v)):(100*column(3+v)):(values ? sprintf('%.0f', 100*column(3+v)) : '') \\\n"
	"\t\t\twith labels offset 0,0.7 font ',11' notitle\n";

/* Three panels, variants on x: max/mean; SNAT, dropped and second hop (the
 * colours of the paths plot); p99. The figure title goes with panel 1. */
static const char CMP_METRICS[] =
	"\toff(m) = (m - 2)*bw\n"
	"\tarray mcol[3] = ['#CC79A7', '#D55E00', '#E69F00']\n"
	"\tarray mname[3] = ['SNAT', 'dropped', '2nd hop']\n"
	"\tset multiplot layout 1,3\n"
	"\tset tmargin 6\n"
	"\tset label 1 title at screen 0.5, screen 0.965 center font ',17'\n"
	"\tset label 2 subtitle at screen 0.5, screen 0.92 center\n"
	"\tunset key\n"
	"\tset xrange [0.4:nvar+0.6]\n"
	"\tif (rotate) { set xtics rotate by 45 right } else { set xtics norotate }\n"
	"\tset yrange [0:*]\n"
	"\tset ytics autofreq\n"
	"\tset offsets 0,0,graph 0.12,0\n"
	"\tset boxwidth 0.7 absolute\n"
	"\tset title 'skew: max/mean of pod shares'\n"
	"\tset ylabel 'max/mean (1 = even)'\n"
	"\tplot data using 1:3:xtic(strcol(2)) with boxes lc 1, 1 with lines dt 2 lw 2 lc rgb '#555555', \\\n"
	"\t\tdata using 1:3:(values ? sprintf('%.2f', $3) : '') with labels offset 0,0.8\n"
	"\tunset label 1\n"
	"\tunset label 2\n"
	"\tset title 'SNAT, dropped, second hop'\n"
	"\tset ylabel '% of flows'\n"
	"\tset yrange [0:125]\n"
	"\tset ytics 0,20,100\n"
	"\tset offsets 0,0,0,0\n"
	"\tset boxwidth bw absolute\n"
	"\tset key at graph 0.5, graph 1 center top horizontal maxcols 3 samplen 1 width -1\n"
	"\tplot data using 1:(NaN):xtic(strcol(2)) notitle, \\\n"
	"\t\tfor [m=1:3] data using ($1+off(m)):(100*column(3+m)) with boxes lc rgb mcol[m] title mname[m], \\\n"
	"\t\tfor [m=1:3] data using ($1+off(m)):(100*column(3+m)):(values ? sprintf('%.0f', 100*column(3+m)) : '') \\\n"
	"\t\t\twith labels offset 0,0.7 font ',11' notitle\n"
	"\tunset key\n"
	"\tset title 'p99 latency'\n"
	"\tset ylabel 'ms'\n"
	"\tset yrange [0:*]\n"
	"\tset ytics autofreq\n"
	"\tset offsets 0,0,graph 0.12,0\n"
	"\tset boxwidth 0.7 absolute\n"
	"\tplot data using 1:7:xtic(strcol(2)) with boxes lc 1, \\\n"
	"\t\tdata using 1:7:(values ? sprintf('%.3g', $7) : '') with labels offset 0,0.8\n"
	"\tunset multiplot\n";

/* Three panels against the swept value: max/mean, p99, dropped; a line per
 * series (the other varied keys), a shaded 95% band where ci95 was kept. */
static const char SWEEP[] =
	"\tset multiplot layout 1,3\n"
	"\tset tmargin 6 + nser + bands\n"
	"\tset label 1 title at screen 0.5, screen 0.965 center font ',17'\n"
	"\tset label 2 subtitle at screen 0.5, screen 0.92 center\n"
	"\tset key at screen 0.5, screen 0.885 center top vertical reverse Left samplen 2\n"
	"\tset xlabel xname\n"
	"\tset xrange [*:*]\n"
	"\tset offsets graph 0.05, graph 0.05, graph 0.1, 0\n"
	"\tif (|xtl| <= 8) { set xtics (); do for [i=1:|xtl|] { set xtics add (xtl[i] xtv[i]) } }\n"
	"\tif (|xtl| > 8) { set xtics rotate by 45 right }\n"
	"\tset grid xtics ytics lc rgb '#dddddd' lw 1\n"
	"\tdo for [m=1:3] {\n"
	"\t\tset title mtitle[m]\n"
	"\t\tset ylabel mylab[m]\n"
	"\t\tset yrange [0:*]\n"
	"\t\tk = m == 3 ? 100 : 1\n"
	"\t\tc = 5 + 3*(m-1)\n"
	"\t\tplot for [v=1:(bands ? nser : 0)] data index (v-1) using 1:(k*column(c+1)):(k*column(c+2)) \\\n"
	"\t\t\t\twith filledcurves lc v fs transparent solid 0.2 noborder title (m == 1 && v == 1 ? btitle : ''), \\\n"
	"\t\t\tfor [v=1:nser] data index (v-1) using 1:(k*column(c)) with linespoints lc v ps 1.2 \\\n"
	"\t\t\t\ttitle (m == 1 ? slabel[v] : '')\n"
	"\t\tunset label 1\n"
	"\t\tunset label 2\n"
	"\t\tunset key\n"
	"\t}\n"
	"\tunset multiplot\n";

/* Three panels against time, sharing x: flows per second to each pod (a
 * line per pod, the smallest summed as one), flows dropped per second, the
 * nodes in the LB pool; the timeline's events (block 1) as dashed lines,
 * named in the top panel. */
static const char TIMESERIES[] =
	"\tset multiplot\n"
	"\tset lmargin at screen 0.08\n"
	"\tset rmargin at screen 0.76\n"
	"\tset xrange [0:xmax]\n"
	"\tset grid xtics ytics lc rgb '#dddddd' lw 1\n"
	"\tset key at screen 0.775, screen 0.83 left top vertical reverse Left samplen 2 spacing 1.1\n"
	"\tset tmargin at screen 0.83\n"
	"\tset bmargin at screen 0.53\n"
	"\tset format x ''\n"
	"\tset ylabel 'flows/s to the pod'\n"
	"\tset yrange [0:ymax1]\n"
	"\tset label 3 'throughput per pod' at graph 0, graph 1 left offset 0,0.8 font ',13'\n"
	"\tplot for [i=1:npods] data index 0 using 1:(column(4+i)) with lines lw 2 lc i dt 1+(i > 8) \\\n"
	"\t\t\ttitle pod[i], \\\n"
	"\t\tfor [i=1:(nev > 0)] data index 1 using 1:(0):(0):(ymax1) with vectors nohead dt 2 lw 1.5 \\\n"
	"\t\t\tlc rgb '#555555' title 'timeline event', \\\n"
	"\t\tfor [i=1:(nev > 0)] data index 1 using 1:(ymax1*(0.9-0.1*(int($0)%3))):2 with labels boxed left \\\n"
	"\t\t\toffset 0.5,0 font ',12' notitle\n"
	"\tunset label 1\n"
	"\tunset label 2\n"
	"\tunset key\n"
	"\tset tmargin at screen 0.46\n"
	"\tset bmargin at screen 0.31\n"
	"\tset ylabel 'flows/s'\n"
	"\tset yrange [0:ymax2]\n"
	"\tset ytics 0,tic2\n"
	"\tset label 3 'dropped flows (all nodes)'\n"
	"\tplot data index 0 using 1:2 with lines lw 2 lc 6 notitle, \\\n"
	"\t\tfor [i=1:(nev > 0)] data index 1 using 1:(0):(0):(ymax2) with vectors nohead dt 2 lw 1.5 \\\n"
	"\t\t\tlc rgb '#555555' notitle\n"
	"\tset tmargin at screen 0.24\n"
	"\tset bmargin at screen 0.12\n"
	"\tset format x '%g'\n"
	"\tset xlabel 'time (s)'\n"
	"\tset ylabel 'nodes'\n"
	"\tset yrange [0:nnodes+0.6]\n"
	"\tif (nnodes <= 8) { set ytics 0,1 }\n"
	"\tset label 3 sprintf('nodes healthy in the LB pool (of %d)', nnodes)\n"
	"\tplot data index 0 using 1:3 with steps lw 2.5 lc 3 notitle, \\\n"
	"\t\tfor [i=1:(nev > 0)] data index 1 using 1:(0):(0):(nnodes+0.6) with vectors nohead dt 2 \\\n"
	"\t\t\tlw 1.5 lc rgb '#555555' notitle\n"
	"\tunset multiplot\n";

enum { LAT_MEAN, LAT_P50, LAT_P90, LAT_P99, LAT_P999, LAT_MAX, NLAT };
static const char *const LAT_KEYS[NLAT] = { "mean", "p50", "p90", "p99", "p999", "max" };
/* Per-pod and per-node numbers, in the order of their .dat columns. */
static const char *const POD_KEYS[] = { "flows", "share", "expected_share", "utilization" };
static const char *const NODE_KEYS[] = { "lb_flows", "local_pods", "dropped", "lb_share",
					 "expected_lb_share", "answered_fraction" };
enum { NPOD = 4, NNODE = 6 };
/* A comparison row's numbers, in the order of the compare-metrics columns. */
static const char *const CMP_KEYS[] = { "max_over_mean", "snat_fraction", "drop_fraction",
					"second_hop_fraction", "p99_ms" };
enum { NCMP = 5 };

struct rpod {
	const char *name, *node, *zone;
	double v[NPOD], lat[NLAT];
	int nodeidx; /* in the Service's nodes[] (nnodes when absent) */
};

struct rnode {
	const char *name;
	double v[NNODE];
};

struct rsvc {
	const char *name, *type, *etp, *itp, *lb, *proxy;
	double offered, dropped, hops[2], snat, kept, lat[NLAT], max_over_mean;
	const cJSON *drops; /* reason -> count */
	int npods, nnodes;
	struct rpod *pods;
	struct rnode *nodes;
};

/* One variant of a comparison and its Services. */
struct cvar {
	const char *label;
	int nsvc;
	struct csvc {
		const char *name;
		double v[NCMP];
		int npods;
		struct cpod { const char *name, *node; double share; } *pods;
	} *svc;
};

/* One call's state: the input (the first error wins; later reads give 0
 * and ""), where plots go and which were written. */
struct ctx {
	struct jdoc *d;
	struct err *e;
	const char *src, *scenario, *in; /* in: the input directory */
	double seed;
	char dir[4300];
	char (*names)[96];
	int n;
};

/* An in-memory file. */
struct mf {
	FILE *f;
	char *buf;
	size_t len;
};

static double num(struct ctx *x, const cJSON *o, const char *path, const char *key)
{
	double v = 0;

	if (!err_is_set(x->e) &&
	    json_get_number(x->d, o, path, key, -DBL_MAX, DBL_MAX, &v, x->e) == 0)
		jdoc_error(x->d, o, path, x->e, "missing number '%s'", key);
	return err_is_set(x->e) ? 0 : v;
}

static const char *str(struct ctx *x, const cJSON *o, const char *path, const char *key)
{
	const char *s = "";

	if (!err_is_set(x->e) && json_get_string(x->d, o, path, key, &s, x->e) == 0)
		jdoc_error(x->d, o, path, x->e, "missing string '%s'", key);
	return err_is_set(x->e) ? "" : s;
}

/* o[key], an array when arr else an object; its path into subpath[PATHN]. */
static const cJSON *sub(struct ctx *x, const cJSON *o, const char *path, const char *key, int arr,
			char *subpath)
{
	const cJSON *v = json_member(o, key);

	json_path_join(subpath, PATHN, path, key);
	if (err_is_set(x->e))
		return NULL;
	if (v == NULL)
		jdoc_error(x->d, o, path, x->e, "missing %s '%s'", arr ? "array" : "object", key);
	else if (arr ? !cJSON_IsArray(v) : !cJSON_IsObject(v))
		jdoc_error(x->d, v, subpath, x->e, "expected an %s", arr ? "array" : "object");
	return err_is_set(x->e) ? NULL : v;
}

/* Element i of an array, which must be an object; its path into subpath. */
static const cJSON *item(struct ctx *x, const cJSON *it, const char *path, int i, char *subpath)
{
	json_path_index(subpath, PATHN, path, i);
	if (!err_is_set(x->e) && !cJSON_IsObject(it))
		jdoc_error(x->d, it, subpath, x->e, "expected an object");
	return err_is_set(x->e) ? NULL : it;
}

static void nums(struct ctx *x, const cJSON *o, const char *path, const char *const *keys, int n,
		 double *v)
{
	for (int k = 0; k < n; k++)
		v[k] = num(x, o, path, keys[k]);
}

static void latency(struct ctx *x, const cJSON *o, const char *path, double *lat)
{
	char p[PATHN];

	nums(x, sub(x, o, path, "latency_ms", 0, p), p, LAT_KEYS, NLAT, lat);
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
static void pod_nodes(struct rsvc *s)
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

static void read_service(struct ctx *x, const cJSON *o, const char *path, struct rsvc *s)
{
	char p[PATHN], q[PATHN];
	const cJSON *a, *it;

	s->name = str(x, o, path, "name");
	s->type = str(x, o, path, "type");
	s->etp = str(x, o, path, "externalTrafficPolicy");
	s->itp = str(x, o, path, "internalTrafficPolicy");
	s->lb = str(x, o, path, "loadBalancer");
	s->proxy = str(x, o, path, "proxy");
	a = sub(x, o, path, "flows", 0, p);
	s->offered = num(x, a, p, "offered");
	s->dropped = num(x, a, p, "dropped");
	s->drops = sub(x, a, p, "drops", 0, q);
	cJSON_ArrayForEach(it, s->drops)
		num(x, s->drops, q, it->string);
	a = sub(x, o, path, "hops", 0, p);
	s->hops[0] = num(x, a, p, "1");
	s->hops[1] = num(x, a, p, "2");
	s->snat = num(x, o, path, "snat_fraction");
	s->kept = num(x, o, path, "client_ip_preserved_fraction");
	s->max_over_mean = num(x, sub(x, o, path, "skew", 0, p), p, "max_over_mean");
	latency(x, o, path, s->lat);
	a = sub(x, o, path, "pods", 1, p);
	s->pods = ks_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *s->pods);
	for (it = a ? a->child : NULL; it && item(x, it, p, s->npods, q); it = it->next) {
		struct rpod *pod = &s->pods[s->npods++];

		pod->name = str(x, it, q, "name");
		pod->node = str(x, it, q, "node");
		pod->zone = str(x, it, q, "zone");
		nums(x, it, q, POD_KEYS, NPOD, pod->v);
		latency(x, it, q, pod->lat);
	}
	a = sub(x, o, path, "nodes", 1, p);
	s->nodes = ks_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *s->nodes);
	for (it = a ? a->child : NULL; it && item(x, it, p, s->nnodes, q); it = it->next) {
		s->nodes[s->nnodes].name = str(x, it, q, "name");
		nums(x, it, q, NODE_KEYS, NNODE, s->nodes[s->nnodes++].v);
	}
	pod_nodes(s);
}

/* files[k]: name made safe for file names, unique among files[0..k-1]. */
static void file_name(char (*files)[80], int k, const char *name)
{
	char *f = files[k];
	int i = 0;

	for (; name[i] && i < 60; i++)
		f[i] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-",
			      name[i]) ? name[i] : '_';
	f[i] = '\0';
	for (int j = 0; j < k; j++)
		if (strcmp(files[j], f) == 0)
			snprintf(f + i, 16, "-%d", k + 1);
}

static void mf_open(struct mf *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	if (m->f == NULL) {
		fprintf(stderr, "ktsim: out of memory (plot buffer)\n");
		exit(1);
	}
}

/* Close m, write it to dir/name unless an error is set, free it. */
static int mf_write(struct mf *m, const char *dir, const char *name, struct err *e)
{
	int rc;

	fclose(m->f);
	rc = err_is_set(e) ? -1 : results_write_file(dir, name, m->buf, m->len, e);
	free(m->buf);
	return rc;
}

/* A gnuplot double-quoted string. */
static void gq(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fprintf(f, "%s%c", *s == '"' || *s == '\\' ? "\\" : "", *s);
	fputc('"', f);
}

/* `array k[n] = [...]` of numbers (s NULL) or strings; n >= 1. */
static void var_a(FILE *f, const char *k, const double *v, const char *const *s, int n)
{
	fprintf(f, "array %s[%d] = [", k, n);
	for (int i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		if (s)
			gq(f, s[i]);
		else
			fprintf(f, "%.10g", v[i]);
	}
	fputs("]\n", f);
}

/* Open the values block v: the title and the subtitle "scenario S, seed N; "
 * followed by fmt. */
static void head(struct ctx *x, struct mf *v, const char *title, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void head(struct ctx *x, struct mf *v, const char *title, const char *fmt, ...)
{
	char t[900];
	int n = isnan(x->seed) ? snprintf(t, sizeof t, "scenario %.300s; ", x->scenario) :
		snprintf(t, sizeof t, "scenario %.300s, seed %g; ", x->scenario, x->seed);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t + n, sizeof t - (size_t)n, fmt, ap);
	va_end(ap);
	mf_open(v);
	fputs("title = ", v->f);
	gq(v->f, title);
	fputs("\nsubtitle = ", v->f);
	gq(v->f, t);
	fputc('\n', v->f);
}

/* Tic labels of n items up to len characters: every step-th shown, rotated
 * when they do not fit side by side; value labels on up to `values` bars. */
static void tic_vars(FILE *f, int n, size_t len, int values)
{
	int step = n > MAX_TICS ? (n + MAX_TICS - 1) / MAX_TICS : 1;

	fprintf(f, "step = %d\nrotate = %d\nvalues = %d\n", step,
		(double)(n / step) * (double)(len + 2) * 9 > 1050, n <= values);
}

/* Write name.dat (dat) and name.gp (a header, the values in vars, STYLE,
 * body in a loop over PNG and SVG) into x->dir and list the plot. Both
 * buffers are consumed. */
static int emit(struct ctx *x, const char *name, const char *what, struct mf *dat, struct mf *vars,
		const char *body)
{
	struct mf gp;
	char fn[128];

	fclose(vars->f);
	mf_open(&gp);
	fprintf(gp.f, "# ktsim plot: %s\n"
		"# Data: %s.dat (from %s). Written by `ktsim plot` from a template in\n"
		"# sim/plot.c; redraw in this directory: gnuplot %s.gp (makes %s.png and .svg)\n"
		"if (!exists('out')) out = '%s'\ndata = '%s.dat'\n%s\n%s\n"
		"do for [fmt in 'png svg'] {\n\teval(fmt eq 'png' ? png : svg)\n"
		"\tset output out.'.'.fmt\n%s\tset output\n}\n",
		what, name, x->src, name, name, name, name, vars->buf, STYLE, body);
	free(vars->buf);
	snprintf(fn, sizeof fn, "%s.dat", name);
	mf_write(dat, x->dir, fn, x->e);
	snprintf(fn, sizeof fn, "%s.gp", name);
	if (mf_write(&gp, x->dir, fn, x->e) < 0)
		return -1;
	x->names = ks_realloc(x->names, (size_t)x->n + 1, sizeof *x->names);
	snprintf(x->names[x->n++], sizeof x->names[0], "%s", name);
	return 0;
}

static size_t zmax(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* "NAME: WHAT, externalTrafficPolicy=Local" (internal for ClusterIP). */
static const char *svc_title(char *t, size_t n, const struct rsvc *s, const char *what)
{
	int cip = strcmp(s->type, "ClusterIP") == 0;

	snprintf(t, n, "%s: %s, %s=%s", s->name, what,
		 cip ? "internalTrafficPolicy" : "externalTrafficPolicy", cip ? s->itp : s->etp);
	return t;
}

static int share_plot(struct ctx *x, const struct rsvc *s, const char *file)
{
	struct mf d, v;
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
	mf_open(&d);
	fprintf(d.f, "# ktsim plot data: share of flows per pod of Service %s, grouped by node "
		"(from %s)\n# x\tpod\tnode\tzone\tflows\tshare\texpected_share\tutilization\t"
		"latency_p50_ms\tlatency_p99_ms\n", s->name, x->src);
	for (int k = 0; k < s->npods; k++) {
		const struct rpod *p = &s->pods[ord[k]];

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
		len = zmax(len, zmax(strlen(p->name), strlen(p->node)));
		fprintf(d.f, "%g\t%s\t%s\t%s\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", xpos,
			p->name, p->node, p->zone, p->v[0], p->v[1], p->v[2], p->v[3],
			p->lat[LAT_P50], p->lat[LAT_P99]);
	}
	gx1[ng - 1] = xpos + 0.5;
	svc_title(t, sizeof t, s, "share of flows per pod");
	if (routed > 0)
		head(x, &v, t, "%s, lb=%s, proxy=%s; %.0f flows routed, max/mean %.2f", s->type,
		     s->lb, s->proxy, routed, s->max_over_mean);
	else
		head(x, &v, t, "no flow reached a pod (%.0f of %.0f offered dropped)", s->dropped,
		     s->offered);
	fprintf(v.f, "npods = %d\neven = %.10g\nxmin = 0.3\nxmax = %g\nymax = %.10g\n", s->npods,
		1.0 / s->npods, xpos + 0.7, 115 * ymax);
	tic_vars(v.f, s->npods, len, 20);
	var_a(v.f, "gx0", gx0, NULL, ng);
	var_a(v.f, "gx1", gx1, NULL, ng);
	ks_free(ord);
	ks_free(first);
	ks_free(gx0);
	ks_free(gx1);
	snprintf(t, sizeof t, "share-%s", file);
	return emit(x, t, "share of flows per pod against the expected share", &d, &v, SHARE);
}

static int lb_plot(struct ctx *x, const struct rsvc *s, const char *file)
{
	struct mf d, v;
	char t[600], w[300];
	double ymax = 0.01;
	size_t len = 8;
	int drops = 0;

	mf_open(&d);
	fprintf(d.f, "# ktsim plot data: share of Service %s's flows entering each node (from %s)\n"
		"# x\tnode\tlb_flows\tlocal_pods\tdropped\tlb_share\texpected_lb_share\t"
		"answered_fraction\n", s->name, x->src);
	for (int i = 0; i < s->nnodes; i++) {
		const struct rnode *n = &s->nodes[i];

		ymax = fmax(ymax, fmax(n->v[3], n->v[4]));
		len = zmax(len, strlen(n->name));
		drops |= n->v[2] > 0;
		fprintf(d.f, "%d\t%s\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", i + 1, n->name,
			n->v[0], n->v[1], n->v[2], n->v[3], n->v[4], n->v[5]);
	}
	snprintf(w, sizeof w, "share of flows entering each node, lb=%s", s->lb);
	head(x, &v, svc_title(t, sizeof t, s, w), "%s; %.0f of %.0f offered flows dropped (%.1f%%)",
	     s->type, s->dropped, s->offered, s->offered > 0 ? 100 * s->dropped / s->offered : 0);
	fprintf(v.f, "n = %d\nymax = %.10g\ndrops = %d\n", s->nnodes, 115 * ymax, drops);
	tic_vars(v.f, s->nnodes, len, 20);
	snprintf(t, sizeof t, "lb-%s", file);
	return emit(x, t, "share of flows entering each node, answered and dropped", &d, &v, LB);
}

static int latency_plot(struct ctx *x, const struct rsvc *s, const char *file)
{
	static const double nines[NLAT] = { 0, 0.30102999566, 1, 2, 3, 4 };
	struct mf d, v;
	char t[600];
	int blocks = 0;

	mf_open(&d);
	fprintf(d.f, "# ktsim plot data: request latency of Service %s at percentiles (from %s);\n"
		"# block 0 all requests, then one block per pod; x = -log10(1 - p), max at 4\n"
		"# x\tpercentile\tlatency_ms\tseries\n", s->name, x->src);
	for (int i = -1; i < s->npods; i++) {
		const double *lat = i < 0 ? s->lat : s->pods[i].lat;

		if (lat[LAT_MAX] <= 0)
			continue;
		fputs(i < 0 ? "" : "\n\n", d.f);
		for (int q = LAT_P50; q < NLAT; q++)
			fprintf(d.f, "%.10g\t%s\t%.10g\t%s\n", nines[q], LAT_KEYS[q], lat[q],
				i < 0 ? "all" : s->pods[i].name);
		blocks += i >= 0;
	}
	head(x, &v, svc_title(t, sizeof t, s, "request latency at percentile"),
	     "from the stored quantiles (p50, p90, p99, p99.9, max), not a full CDF");
	fprintf(v.f, "npods = %d\nlat_mean = %.10g\n", blocks, s->lat[LAT_MEAN]);
	snprintf(t, sizeof t, "latency-%s", file);
	return emit(x, t, "latency at p50, p90, p99, p99.9 and max", &d, &v, LATENCY);
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

static int paths_plot(struct ctx *x, const struct rsvc *sv, int ns)
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
	struct mf d, v;
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
	mf_open(&d);
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
	head(x, &v, "Where each Service's flows go", "one hop or two, client IP kept or SNATed, "
	     "completed or dropped (by reason)");
	fprintf(v.f, "ymin = %g\nvalues = %d\n", -((ns - 1) * 3.6 + 2) - 0.6, ns <= 8);
	var_a(v.f, "seg", NULL, names, nseg);
	var_a(v.f, "col", NULL, cols, nseg);
	for (int i = 0; i < MAX_SEGS; i++)
		ks_free(seg[i].pct);
	return emit(x, "paths", "hops, SNAT/client IP and drops per Service", &d, &v, PATHS);
}

/* Run gnuplot on dir/name.gp with the images going to temporary names, then
 * rename them into place. */
static int render(const char *dir, const char *name, struct err *e)
{
	static const char *const ext[] = { "png", "svg" };
	char script[128], tmp[128], var[160], a[4500], b[4500];
	struct timespec nap = { 0, 2000000 };
	double waited = 0;
	int st = 0, ok;
	pid_t pid;

	snprintf(script, sizeof script, "%s.gp", name);
	snprintf(tmp, sizeof tmp, ".tmp-%ld-%s", (long)getpid(), name);
	snprintf(var, sizeof var, "out='%s'", tmp);
	fflush(NULL);
	if ((pid = fork()) < 0)
		return err_set(e, ERR_RUN, dir, 0, 0, NULL, "cannot start gnuplot: %s", strerror(errno));
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		if (fd < 0 || chdir(dir) < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0)
			_exit(126);
		execlp("gnuplot", "gnuplot", "-e", var, script, (char *)NULL);
		_exit(127);
	}
	for (pid_t w; (w = waitpid(pid, &st, WNOHANG)) != pid && (w >= 0 || errno == EINTR);) {
		if (waited > GNUPLOT_TIMEOUT_S) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			st = -1;
			break;
		}
		nanosleep(&nap, NULL);
		waited += 0.002;
	}
	ok = st == 0;
	for (int i = 0; i < 2; i++) {
		snprintf(a, sizeof a, "%s/%s.%s", dir, tmp, ext[i]);
		snprintf(b, sizeof b, "%s/%s.%s", dir, name, ext[i]);
		ok = ok && rename(a, b) == 0;
		unlink(a);
	}
	snprintf(a, sizeof a, "%s/%s", dir, script);
	if (ok)
		return 0;
	if (st == -1)
		return err_set(e, ERR_RUN, a, 0, 0, NULL, "gnuplot took more than %d s; stopped it",
			       GNUPLOT_TIMEOUT_S);
	if (st == 0)
		return err_set(e, ERR_RUN, a, 0, 0, NULL, "gnuplot wrote no image");
	return err_set(e, ERR_RUN, a, 0, 0, NULL, "gnuplot failed (%s %d)",
		       WIFEXITED(st) ? "exit status" : "signal",
		       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

int plot_gnuplot_available(void)
{
	const char *p = getenv("PATH");
	char buf[4200];
	struct stat st;

	while (p && *p) {
		int n = (int)strcspn(p, ":");

		snprintf(buf, sizeof buf, "%.*s%sgnuplot", n, p, n ? "/" : "");
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return 1;
		p += n + (p[n] == ':');
	}
	return 0;
}

/* timeseries.csv, split in place: a row per line, its 11 fields. */
struct tsrow {
	double t, flows, dropped, healthy;
	const char *kind, *svc, *pod, *node;
};

struct tsev {
	double at;
	char what[200];
	double dropped;
};

#define MAX_TS_PODS 12 /* lines; past it the smallest pods are summed as one */

/* in/timeseries.csv into *rows (text keeps the strings); the row count,
 * 0 without the file, -1 on an error. */
static int ts_read(struct ctx *x, char **text, struct tsrow **rows)
{
	char path[4400], *line, *next;
	FILE *f;
	long n;
	int nr = 0, ln = 1;

	*text = NULL;
	*rows = NULL;
	snprintf(path, sizeof path, "%s/timeseries.csv", x->in);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	*text = ks_calloc((size_t)(n > 0 ? n : 0) + 1, 1);
	if (n < 0 || fread(*text, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return err_set(x->e, ERR_RUN, path, 0, 0, NULL, "cannot read: %s", strerror(errno));
	}
	fclose(f);
	for (line = *text; (line = strchr(line, '\n')) != NULL; line++)
		nr++;
	*rows = ks_calloc((size_t)nr + 1, sizeof **rows);
	nr = 0;
	for (line = strchr(*text, '\n'); line && line[1]; line = next) {
		char *fld[11], *end;
		struct tsrow *r = &(*rows)[nr];
		int k = 0;

		line++;
		ln++;
		next = line + strcspn(line, "\n");
		if (*next)
			*next = '\0';
		else
			next = NULL;
		for (char *c = line; k < 11; c += strcspn(c, ",") + 1) {
			fld[k++] = c;
			if (c[strcspn(c, ",")] == '\0')
				break;
			c[strcspn(c, ",")] = '\0';
		}
		if (k < 11)
			return err_set(x->e, ERR_INPUT, path, ln, 0, NULL, "expected 11 fields, found %d",
				       k);
		r->t = strtod(fld[0], &end);
		r->kind = fld[1];
		r->svc = fld[2];
		r->pod = fld[3];
		r->node = fld[4];
		r->flows = strtod(fld[5], NULL);
		r->dropped = strtod(fld[7], NULL);
		r->healthy = fld[10][0] ? strtod(fld[10], NULL) : NAN;
		if (end == fld[0] || (nr > 0 && r->t < (*rows)[nr - 1].t))
			return err_set(x->e, ERR_INPUT, path, ln, 1, NULL,
				       "time_s '%s' is not a time after the row before", fld[0]);
		nr++;
		if (next == NULL)
			break;
	}
	return nr;
}

/* Service s over time: pod rows carry the flows of their interval, node
 * rows the running totals (differenced here) and 1/0 for the LB's view. */
static int ts_plot(struct ctx *x, const struct rsvc *s, const char *file, const struct tsrow *r,
		   int nr, const struct tsev *ev, int nev)
{
	const char **pod = ks_calloc((size_t)nr + 1, sizeof *pod), **lab;
	const char **node = ks_calloc((size_t)nr + 1, sizeof *node);
	double *tt = ks_calloc((size_t)nr + 1, sizeof *tt), *tot = ks_calloc((size_t)nr + 1, sizeof *tot);
	double *drop = ks_calloc((size_t)nr + 1, sizeof *drop), *hl = ks_calloc((size_t)nr + 1, sizeof *hl);
	double *fl = NULL, ymax1 = 1, ymax2 = 1, prev = 0, tic;
	int np = 0, nt = 0, nn = 0, nnodes = 0, shown, *ord, *col, rc = 0;
	char (*pl)[300], t[600];
	struct mf d, v;

	/* the times and pods, in order of appearance; the nodes per sample */
	for (int i = 0; i < nr; i++) {
		int k = 0;

		if (strcmp(r[i].svc, s->name) != 0)
			continue;
		if (nt == 0 || r[i].t != tt[nt - 1]) {
			tt[nt++] = r[i].t;
			nnodes = nn > nnodes ? nn : nnodes;
			nn = 0;
		}
		if (strcmp(r[i].kind, "node") == 0) {
			drop[nt - 1] += r[i].dropped;
			hl[nt - 1] += isnan(r[i].healthy) ? 0 : r[i].healthy;
			nn++;
			continue;
		}
		if (strcmp(r[i].kind, "pod") != 0)
			continue;
		while (k < np && strcmp(pod[k], r[i].pod) != 0)
			k++;
		if (k == np)
			pod[np++] = r[i].pod;
		if (r[i].node[0])
			node[k] = r[i].node; /* its last node */
		tot[k] += r[i].flows;
	}
	nnodes = nn > nnodes ? nn : nnodes;
	if (nt == 0 || np == 0) {
		rc = 0;
		goto out;
	}
	/* the largest pods by flows get a line each; the rest are summed */
	ord = ks_calloc((size_t)np, sizeof *ord);
	col = ks_calloc((size_t)np, sizeof *col);
	for (int k = 0; k < np; k++)
		ord[k] = k;
	for (int a = 1; a < np; a++) /* insertion sort, largest first, stable */
		for (int b = a; b > 0 && tot[ord[b]] > tot[ord[b - 1]]; b--) {
			int w = ord[b];

			ord[b] = ord[b - 1];
			ord[b - 1] = w;
		}
	shown = np <= MAX_TS_PODS ? np : MAX_TS_PODS - 1;
	for (int k = 0; k < np; k++)
		col[ord[k]] = k < shown ? 0 : shown; /* mark: summed */
	for (int k = 0, c = 0; k < np; k++) /* shown pods keep their order */
		col[k] = col[k] == shown && np > shown ? shown : c++;
	fl = ks_calloc((size_t)nt * (size_t)(shown + 1), sizeof *fl);
	for (int i = 0; i < nt * (shown + 1); i++)
		fl[i] = NAN;
	for (int i = 0, ti = -1; i < nr; i++) {
		int k = 0;

		if (strcmp(r[i].svc, s->name) != 0)
			continue;
		ti += ti < 0 || r[i].t != tt[ti];
		if (strcmp(r[i].kind, "pod") != 0)
			continue;
		while (strcmp(pod[k], r[i].pod) != 0)
			k++;
		k = col[k];
		fl[ti * (shown + 1) + k] = (isnan(fl[ti * (shown + 1) + k]) ? 0 :
					    fl[ti * (shown + 1) + k]) + r[i].flows;
	}
	lab = ks_calloc((size_t)shown + 2, sizeof *lab);
	pl = ks_calloc((size_t)shown + 2, sizeof *pl);
	for (int k = 0; k < np; k++)
		if (col[k] < shown || np == shown)
			snprintf(pl[col[k]], sizeof pl[0], "%s@%s", pod[k], node[k] ? node[k] : "?");
	if (np > shown)
		snprintf(pl[shown], sizeof pl[0], "other %d pods (summed)", np - shown);
	for (int k = 0; k < shown + (np > shown); k++)
		lab[k] = pl[k];
	mf_open(&d);
	fprintf(d.f, "# ktsim plot data: Service %s over time (from timeseries.csv and %s): flows per "
		"second routed to each pod,\n# flows dropped per second at the nodes, nodes healthy in "
		"the LB pool (of the nodes); block 1: the timeline's events\n# time_s\tdropped_per_s\t"
		"lb_healthy_nodes\tnodes", s->name, x->src);
	for (int k = 0; k < shown + (np > shown); k++)
		fprintf(d.f, "\t%s", lab[k]);
	fputc('\n', d.f);
	for (int i = 0; i < nt; i++) {
		double dt = tt[i] - (i ? tt[i - 1] : 0), dd = drop[i] >= prev ? drop[i] - prev : drop[i];

		dt = dt > 0 ? dt : 1;
		prev = drop[i];
		ymax2 = fmax(ymax2, dd / dt);
		fprintf(d.f, "%.10g\t%.10g\t%.10g\t%d", tt[i], dd / dt, hl[i], nnodes);
		for (int k = 0; k < shown + (np > shown); k++) {
			double f = fl[i * (shown + 1) + k] / dt;

			ymax1 = isnan(f) ? ymax1 : fmax(ymax1, f);
			fprintf(d.f, isnan(f) ? "\tNaN" : "\t%.10g", f);
		}
		fputc('\n', d.f);
	}
	fputs("\n\n# at_s\tevent\tdropped_until_next\n", d.f);
	for (int i = 0; i < nev; i++)
		fprintf(d.f, "%.10g\t%s\t%.10g\n", ev[i].at, ev[i].what, ev[i].dropped);
	svc_title(t, sizeof t, s, "throughput, drops and LB health over time");
	if (np > shown)
		head(x, &v, t, "every %g s; the %d busiest of %d pods, the rest summed; dashed: the "
		     "timeline's events", tt[0], shown, np);
	else
		head(x, &v, t, "sampled every %g s; dashed: the timeline's events", tt[0]);
	/* drops: 2 or 3 tics, at 1, 2 or 5 times a power of ten */
	tic = pow(10, floor(log10(ymax2 / 2)));
	tic *= ymax2 / tic >= 10 ? 5 : ymax2 / tic >= 4 ? 2 : 1;
	fprintf(v.f, "npods = %d\nnnodes = %d\nnev = %d\nxmax = %.10g\nymax1 = %.10g\n"
		"ymax2 = %.10g\ntic2 = %.10g\n", shown + (np > shown), nnodes, nev, tt[nt - 1],
		1.3 * ymax1, 1.15 * ymax2, tic);
	var_a(v.f, "pod", NULL, lab, shown + (np > shown));
	snprintf(t, sizeof t, "timeseries-%s", file);
	rc = emit(x, t, "flows per pod, drops and LB health against time", &d, &v, TIMESERIES);
	ks_free(ord);
	ks_free(col);
	ks_free(lab);
	ks_free(pl);
out:
	ks_free(fl);
	ks_free(pod);
	ks_free(node);
	ks_free(tt);
	ks_free(tot);
	ks_free(drop);
	ks_free(hl);
	return rc;
}

static void run_plots(struct ctx *x, const cJSON *root)
{
	char p[PATHN], q[PATHN], (*files)[80];
	const cJSON *a = sub(x, root, "", "services", 1, p), *it;
	struct rsvc *sv = ks_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *sv);
	struct tsrow *rows = NULL;
	char *text = NULL;
	int ns = 0, nr;

	files = ks_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *files);
	for (it = a ? a->child : NULL; it && item(x, it, p, ns, q); it = it->next) {
		read_service(x, it, q, &sv[ns]);
		file_name(files, ns, sv[ns].name);
		ns++;
	}
	for (int s = 0; s < ns && !err_is_set(x->e); s++)
		if ((sv[s].npods > 0 && share_plot(x, &sv[s], files[s]) < 0) ||
		    (sv[s].nnodes > 0 && lb_plot(x, &sv[s], files[s]) < 0) ||
		    (sv[s].lat[LAT_MAX] > 0 && latency_plot(x, &sv[s], files[s]) < 0))
			break;
	if (ns > 0 && !err_is_set(x->e))
		paths_plot(x, sv, ns);
	if (!err_is_set(x->e) && (nr = ts_read(x, &text, &rows)) > 0) {
		const cJSON *tl = json_member(root, "timeline");
		struct tsev *ev;
		int nev = 0;

		if (tl)
			tl = sub(x, root, "", "timeline", 1, p);
		ev = ks_calloc((size_t)cJSON_GetArraySize(tl) + 1, sizeof *ev);
		for (it = tl ? tl->child : NULL; it && item(x, it, p, nev, q); it = it->next, nev++) {
			ev[nev].at = num(x, it, q, "at_s");
			snprintf(ev[nev].what, sizeof ev[nev].what, "%.90s %.100s", str(x, it, q, "action"),
				 str(x, it, q, "target"));
			ev[nev].dropped = num(x, it, q, "dropped_until_next");
		}
		for (int s = 0; s < ns && !err_is_set(x->e); s++)
			if (ts_plot(x, &sv[s], files[s], rows, nr, ev, nev) < 0)
				break;
		ks_free(ev);
	}
	ks_free(text);
	ks_free(rows);
	for (int s = 0; s < ns; s++) {
		ks_free(sv[s].pods);
		ks_free(sv[s].nodes);
	}
	ks_free(sv);
	ks_free(files);
}

/* comparison.json's variants into *out (one more, zeroed, ends it). */
static int read_variants(struct ctx *x, const cJSON *root, struct cvar **out)
{
	char p1[PATHN], p2[PATHN], p3[PATHN], p4[PATHN], p5[PATHN], p6[PATHN];
	const cJSON *a = sub(x, root, "", "variants", 1, p1), *it, *s, *q;
	struct cvar *v = ks_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *v);
	int nv = 0;

	*out = v;
	for (it = a ? a->child : NULL; it && item(x, it, p1, nv, p2); it = it->next, nv++) {
		v[nv].label = str(x, it, p2, "label");
		s = sub(x, it, p2, "services", 1, p3);
		v[nv].svc = ks_calloc((size_t)cJSON_GetArraySize(s) + 1, sizeof *v[nv].svc);
		for (s = s ? s->child : NULL; s && item(x, s, p3, v[nv].nsvc, p4); s = s->next) {
			struct csvc *c = &v[nv].svc[v[nv].nsvc++];

			c->name = str(x, s, p4, "name");
			nums(x, s, p4, CMP_KEYS, NCMP, c->v);
			q = sub(x, s, p4, "pod_shares", 1, p5);
			c->pods = ks_calloc((size_t)cJSON_GetArraySize(q) + 1, sizeof *c->pods);
			for (q = q ? q->child : NULL; q && item(x, q, p5, c->npods, p6); q = q->next) {
				c->pods[c->npods].name = str(x, q, p6, "name");
				c->pods[c->npods].node = str(x, q, p6, "node");
				c->pods[c->npods++].share = num(x, q, p6, "share");
			}
		}
	}
	return err_is_set(x->e) ? 0 : nv;
}

/* Service s of variant i, or NULL. */
static const struct csvc *csvc(const struct cvar *v, int i, int s)
{
	return s < v[i].nsvc ? &v[i].svc[s] : NULL;
}

static int cmp_share_plot(struct ctx *x, const struct cvar *v, int nv, int s, const char *vary,
			  const char *file)
{
	const char **pod = NULL, **node = NULL, **lab = ks_calloc((size_t)nv, sizeof *lab);
	const char *sname = NULL;
	double *even = ks_calloc((size_t)nv, sizeof *even), ymax = 0;
	char t[600], evt[600] = "";
	struct mf d, vars;
	int np = 0, ne = 0, rc = 0;
	size_t len = 4;

	/* The union of pods in order of appearance; the distinct 1/n. */
	for (int i = 0; i < nv; i++) {
		const struct csvc *c = csvc(v, i, s);
		int k = 0;

		lab[i] = v[i].label;
		while (c && c->npods && k < ne && fabs(even[k] - 1.0 / c->npods) > 1e-12)
			k++;
		if (c && c->npods && k == ne) {
			even[ne++] = 1.0 / c->npods;
			snprintf(evt + strlen(evt), sizeof evt - strlen(evt), "%s1/%d", ne > 1 ? ", " : "",
				 c->npods);
		}
		for (int j = 0; c && j < c->npods; j++) {
			sname = sname ? sname : c->name;
			for (k = 0; k < np && strcmp(pod[k], c->pods[j].name) != 0; k++)
				;
			if (k == np) {
				pod = ks_realloc(pod, (size_t)np + 1, sizeof *pod);
				node = ks_realloc(node, (size_t)np + 1, sizeof *node);
				pod[np] = c->pods[j].name;
				node[np++] = c->pods[j].node;
			} else if (strcmp(node[k], c->pods[j].node) != 0) {
				node[k] = "node varies";
			}
			ymax = fmax(ymax, fmax(c->pods[j].share, 1.0 / c->npods));
		}
	}
	if (np > 0) {
		mf_open(&d);
		fprintf(d.f, "# ktsim plot data: share of Service %s's flows per pod in each variant "
			"(from %s); NaN: no such pod\n# x\tpod\tnode", sname, x->src);
		for (int i = 0; i < nv; i++)
			fprintf(d.f, "\tshare[%s]", v[i].label);
		for (int k = 0; k < np; k++) {
			fprintf(d.f, "\n%d\t%s\t%s", k + 1, pod[k], node[k]);
			len = zmax(len, zmax(strlen(pod[k]), strlen(node[k])));
			for (int i = 0, j; i < nv; i++) {
				const struct csvc *c = csvc(v, i, s);

				for (j = 0; c && j < c->npods && strcmp(c->pods[j].name, pod[k]); j++)
					;
				if (c && j < c->npods)
					fprintf(d.f, "\t%.10g", c->pods[j].share);
				else
					fputs("\tNaN", d.f);
			}
		}
		fputc('\n', d.f);
		snprintf(t, sizeof t, "%s: share of flows per pod, by variant", sname);
		head(x, &vars, t, "varied: %s", vary);
		fprintf(vars.f, "nvar = %d\nnpods = %d\nbw = %.10g\nymax = %.10g\n", nv, np, 0.8 / nv,
			115 * ymax);
		tic_vars(vars.f, np, len, 24 / nv);
		var_a(vars.f, "vlabel", NULL, lab, nv);
		var_a(vars.f, "even", even, NULL, ne);
		if (ne == 1)
			snprintf(t, sizeof t, "even share %s = %.1f%%", evt, 100 * even[0]);
		else
			snprintf(t, sizeof t, "even share (%s)", evt);
		fputs("evtitle = ", vars.f);
		gq(vars.f, t);
		fputc('\n', vars.f);
		snprintf(t, sizeof t, "compare-share-%s", file);
		rc = emit(x, t, "share of flows per pod in each variant", &d, &vars, CMP_SHARE);
	}
	ks_free(pod);
	ks_free(node);
	ks_free(lab);
	ks_free(even);
	return rc;
}

static int cmp_metrics_plot(struct ctx *x, const struct cvar *v, int nv, int s, const char *vary,
			    const char *file)
{
	const char *sname = "";
	char t[600];
	struct mf d, vars;
	size_t len = 0;

	mf_open(&d);
	fprintf(d.f, "# ktsim plot data: headline figures of one Service per variant (from %s)\n"
		"# v\tlabel\tmax_over_mean\tsnat_fraction\tdrop_fraction\tsecond_hop_fraction\t"
		"p99_ms\n", x->src);
	for (int i = 0; i < nv; i++) {
		const struct csvc *c = csvc(v, i, s);

		len = zmax(len, strlen(v[i].label));
		sname = c && !sname[0] ? c->name : sname;
		fprintf(d.f, "%d\t%s", i + 1, v[i].label);
		for (int m = 0; m < NCMP; m++)
			fprintf(d.f, c ? "\t%.10g" : "\tNaN", c ? c->v[m] : 0);
		fputc('\n', d.f);
	}
	snprintf(t, sizeof t, "%s: skew, SNAT, drops and p99 latency by variant", sname);
	head(x, &vars, t, "varied: %s", vary);
	fprintf(vars.f, "nvar = %d\nbw = %.10g\nvalues = %d\nrotate = %d\n", nv, 0.8 / 3, nv <= 4,
		(double)nv * (double)(len + 1) * 9 > 330);
	snprintf(t, sizeof t, "compare-metrics-%s", file);
	return emit(x, t, "max/mean, SNAT, drops, second hop and p99 per variant", &d, &vars,
		    CMP_METRICS);
}

static void compare_plots(struct ctx *x, const cJSON *root)
{
	char p[PATHN], q[PATHN], vary[600] = "", (*files)[80];
	const cJSON *it = sub(x, root, "", "vary", 1, p);
	struct cvar *v;
	int nv, ns = 0, k = 0;

	for (it = it ? it->child : NULL; it && item(x, it, p, k, q); it = it->next)
		snprintf(vary + strlen(vary), sizeof vary - strlen(vary), "%s%s", k++ ? ", " : "",
			 str(x, it, q, "key"));
	nv = read_variants(x, root, &v);
	for (int i = 0; i < nv; i++)
		ns = v[i].nsvc > ns ? v[i].nsvc : ns;
	files = ks_calloc((size_t)ns + 1, sizeof *files);
	for (int s = 0, i = 0; s < ns && !err_is_set(x->e); s++, i = 0) {
		while (s >= v[i].nsvc)
			i++;
		file_name(files, s, v[i].svc[s].name);
		if (cmp_share_plot(x, v, nv, s, vary, files[s]) == 0)
			cmp_metrics_plot(x, v, nv, s, vary, files[s]);
	}
	for (int i = 0; v[i].svc; i++) {
		for (int s = 0; s < v[i].nsvc; s++)
			ks_free(v[i].svc[s].pods);
		ks_free(v[i].svc);
	}
	ks_free(v);
	ks_free(files);
}

/* A sweep: the figures of the plot, per point and Service. */
static const char *const SWP_KEYS[] = { "max_over_mean", "latency_p99_ms", "drop_fraction" };
enum { NSWP = 3 };

struct saxis {
	const char *key;
	int n, numeric;
	const char **val;
};

/* One point of one Service: x, series, the figures (the ci95 mean when
 * kept) and their 95% band (NaN without ci95). */
struct srow {
	int point, ser, xi;
	double x, v[NSWP], lo[NSWP], hi[NSWP];
};

static int by_series_x(const void *a, const void *b)
{
	const struct srow *p = a, *q = b;

	return p->ser != q->ser ? p->ser - q->ser : p->x != q->x ? (p->x < q->x ? -1 : 1) :
									 p->point - q->point;
}

/* Service sname's rows: one per point that has it, in series and x order. */
static int sweep_rows(struct ctx *x, const cJSON *pts, const char *path, const struct saxis *ax,
		      int nax, int xa, const char *sname, struct srow *r, int *bands)
{
	char p[PATHN], q[PATHN], sp[PATHN], cp[PATHN], mp[PATHN];
	const cJSON *it, *set, *sv, *ci, *m;
	int k = 0, nr = 0;

	for (it = pts ? pts->child : NULL; it && item(x, it, path, k, p); it = it->next, k++) {
		struct srow *w = &r[nr];
		int stride = 1;

		set = sub(x, it, p, "settings", 0, q);
		sv = sub(x, it, p, "services", 1, sp);
		for (sv = sv ? sv->child : NULL; sv && strcmp(str(x, sv, sp, "name"), sname); sv = sv->next)
			;
		if (sv == NULL || err_is_set(x->e))
			continue;
		*w = (struct srow){ .point = k };
		for (int a = nax - 1; a >= 0; a--) {
			const char *v = str(x, set, q, ax[a].key);
			int i = 0;

			while (i < ax[a].n && strcmp(ax[a].val[i], v) != 0)
				i++;
			if (i == ax[a].n && !err_is_set(x->e))
				jdoc_error(x->d, set, q, x->e, "'%s' is not one of the varied values of '%s'",
					   v, ax[a].key);
			if (a == xa) {
				w->xi = i;
				w->x = ax[a].numeric ? strtod(v, NULL) : i + 1;
			} else {
				w->ser += i * stride;
				stride *= ax[a].n;
			}
		}
		json_path_join(cp, PATHN, sp, "ci95");
		ci = json_member(sv, "ci95");
		for (int f = 0; f < NSWP; f++) {
			m = ci ? json_member(ci, SWP_KEYS[f]) : NULL;
			w->v[f] = num(x, sv, sp, SWP_KEYS[f]);
			w->lo[f] = w->hi[f] = NAN;
			if (m) {
				json_path_join(mp, PATHN, cp, SWP_KEYS[f]);
				w->v[f] = num(x, m, mp, "mean");
				w->lo[f] = w->v[f] - num(x, m, mp, "half_width");
				w->hi[f] = w->v[f] + num(x, m, mp, "half_width");
				*bands = 1;
			}
		}
		nr++;
	}
	qsort(r, (size_t)nr, sizeof *r, by_series_x);
	return err_is_set(x->e) ? 0 : nr;
}

static int sweep_plot(struct ctx *x, const cJSON *pts, const char *path, const struct saxis *ax,
		      int nax, int xa, const char *sname, const char *file)
{
	struct srow *r = ks_calloc((size_t)cJSON_GetArraySize(pts) + 1, sizeof *r);
	char (*lab)[300] = ks_calloc((size_t)cJSON_GetArraySize(pts) + 1, sizeof *lab);
	const char **labp = ks_calloc((size_t)cJSON_GetArraySize(pts) + 1, sizeof *labp);
	int bands = 0, nr = sweep_rows(x, pts, path, ax, nax, xa, sname, r, &bands), ns = 0, rc = 0;
	char t[900], others[600] = "";
	double *xv = ks_calloc((size_t)ax[xa].n, sizeof *xv);
	struct mf d, v;

	for (int a = 0; a < nax; a++)
		if (a != xa)
			snprintf(others + strlen(others), sizeof others - strlen(others), "%s%s",
				 others[0] ? ", " : "", ax[a].key);
	mf_open(&d);
	fprintf(d.f, "# ktsim plot data: max/mean, p99 latency and dropped fraction of Service %s "
		"against %s (from %s);\n# a block per series (%s); mean: the ci95 mean when "
		"replicated, lo/hi: mean -/+ the 95%% half-width (NaN when not replicated)\n"
		"# x\tvalue\tseries\tpoint", sname, ax[xa].key, x->src, nax > 1 ? others : "one");
	for (int f = 0; f < NSWP; f++)
		fprintf(d.f, "\t%s\t%s_lo\t%s_hi", SWP_KEYS[f], SWP_KEYS[f], SWP_KEYS[f]);
	fputc('\n', d.f);
	for (int i = 0; i < nr; i++) {
		if (i == 0 || r[i].ser != r[i - 1].ser) {
			/* the series' label: the other keys' values */
			int s = r[i].ser;

			lab[ns][0] = '\0';
			for (int a = nax - 1; a >= 0; a--) {
				char one[300];

				if (a == xa)
					continue;
				snprintf(one, sizeof one, "%s=%s%s%s", ax[a].key, ax[a].val[s % ax[a].n],
					 lab[ns][0] ? ", " : "", lab[ns]);
				snprintf(lab[ns], sizeof lab[ns], "%s", one);
				s /= ax[a].n;
			}
			if (nax == 1)
				snprintf(lab[ns], sizeof lab[ns], "%s", bands ? "mean over replications" :
					 "one run per point");
			labp[ns] = lab[ns];
			fprintf(d.f, "%s# %s\n", ns ? "\n\n" : "", lab[ns]);
			ns++;
		}
		fprintf(d.f, "%.10g\t%s\t%d\t%d", r[i].x, ax[xa].val[r[i].xi], ns, r[i].point);
		for (int f = 0; f < NSWP; f++)
			fprintf(d.f, isnan(r[i].lo[f]) ? "\t%.10g\tNaN\tNaN" : "\t%.10g\t%.10g\t%.10g",
				r[i].v[f], r[i].lo[f], r[i].hi[f]);
		fputc('\n', d.f);
	}
	if (ns == 0 || err_is_set(x->e)) {
		fclose(d.f);
		free(d.buf);
		goto out;
	}
	snprintf(t, sizeof t, "%s: skew, p99 latency and drops against %s", sname, ax[xa].key);
	head(x, &v, t, "%s%s%s", bands ? "shaded: 95% confidence interval over the replications" :
	     "one run per point", nax > 1 ? "; a line per " : "", nax > 1 ? others : "");
	for (int i = 0; i < ax[xa].n; i++)
		xv[i] = ax[xa].numeric ? strtod(ax[xa].val[i], NULL) : i + 1;
	fprintf(v.f, "nser = %d\nbands = %d\nxname = ", ns, bands);
	gq(v.f, ax[xa].key);
	fputs("\nbtitle = \"95% confidence interval\"\n", v.f);
	var_a(v.f, "slabel", NULL, labp, ns);
	var_a(v.f, "xtl", NULL, ax[xa].val, ax[xa].n);
	var_a(v.f, "xtv", xv, NULL, ax[xa].n);
	var_a(v.f, "mtitle", NULL, (const char *const[]){ "skew: max/mean of pod shares",
		"p99 latency", "dropped flows" }, NSWP);
	var_a(v.f, "mylab", NULL, (const char *const[]){ "max/mean (1 = even)", "p99 latency (ms)",
		"dropped (% of offered flows)" }, NSWP);
	snprintf(t, sizeof t, "sweep-%s", file);
	rc = emit(x, t, "max/mean, p99 latency and drops against the swept value", &d, &v, SWEEP);
out:
	ks_free(xv);
	ks_free(r);
	ks_free(lab);
	ks_free(labp);
	return rc;
}

static void sweep_plots(struct ctx *x, const cJSON *root)
{
	char p[PATHN], q[PATHN], vp[PATHN], pp[PATHN], sp[PATHN], sq[PATHN], (*files)[80] = NULL;
	const cJSON *va = sub(x, root, "", "vary", 1, p), *pts = sub(x, root, "", "points", 1, pp);
	const cJSON *it, *vals, *sv;
	struct saxis *ax = ks_calloc((size_t)cJSON_GetArraySize(va) + 1, sizeof *ax);
	const char **names = NULL;
	int nax = 0, xa = -1, nn = 0, k = 0;

	for (it = va ? va->child : NULL; it && item(x, it, p, nax, q); it = it->next, nax++) {
		ax[nax].key = str(x, it, q, "key");
		vals = sub(x, it, q, "values", 1, vp);
		ax[nax].val = ks_calloc((size_t)cJSON_GetArraySize(vals) + 1, sizeof *ax[nax].val);
		ax[nax].numeric = 1;
		for (vals = vals ? vals->child : NULL; vals && !err_is_set(x->e); vals = vals->next) {
			char *end;
			const char *s = cJSON_IsString(vals) ? vals->valuestring : "";

			if (!cJSON_IsString(vals))
				jdoc_error(x->d, vals, vp, x->e, "expected a string");
			strtod(s, &end);
			ax[nax].numeric &= end != s && *end == '\0';
			ax[nax].val[ax[nax].n++] = s;
		}
		if (ax[nax].n == 0 && !err_is_set(x->e))
			jdoc_error(x->d, it, q, x->e, "no values");
	}
	/* x: the first numeric key, else the first key (its values as tics) */
	for (int a = 0; a < nax && xa < 0; a++)
		xa = ax[a].numeric ? a : -1;
	xa = xa < 0 ? 0 : xa;
	if (nax == 0 && !err_is_set(x->e))
		jdoc_error(x->d, root, "", x->e, "no varied key in 'vary'");
	/* the Services in order of first appearance */
	for (it = pts ? pts->child : NULL; it && item(x, it, pp, k, q); it = it->next, k++) {
		int j = 0;

		sv = sub(x, it, q, "services", 1, sp);
		for (sv = sv ? sv->child : NULL; sv && item(x, sv, sp, j, sq); sv = sv->next, j++) {
			const char *n = str(x, sv, sq, "name");
			int i = 0;

			while (i < nn && strcmp(names[i], n) != 0)
				i++;
			if (i == nn && !err_is_set(x->e)) {
				names = ks_realloc(names, (size_t)nn + 1, sizeof *names);
				files = ks_realloc(files, (size_t)nn + 1, sizeof *files);
				names[nn] = n;
				file_name(files, nn++, n);
			}
		}
	}
	for (int s = 0; s < nn && !err_is_set(x->e); s++)
		if (sweep_plot(x, pts, pp, ax, nax, xa, names[s], files[s]) < 0)
			break;
	for (int a = 0; a < nax; a++)
		ks_free(ax[a].val);
	ks_free(ax);
	ks_free(names);
	ks_free(files);
}

/* Load dir/file, draw, render (or say why not); the count of plots or -1. */
static int plots(const char *dir, const char *file, void (*draw)(struct ctx *, const cJSON *),
		 struct err *e)
{
	int sweep = draw == sweep_plots;
	struct ctx x = { .e = e, .src = file, .in = dir };
	char path[4300], p[PATHN];
	const cJSON *root;

	snprintf(x.dir, sizeof x.dir, "%s/plots", dir);
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (jdoc_load(&x.d, path, e) < 0)
		return -1;
	root = jdoc_root(x.d);
	if (!cJSON_IsObject(root))
		jdoc_error(x.d, root, "", e, "expected an object");
	/* a sweep names its scenario file and keeps no seed */
	x.scenario = sweep ? str(&x, root, "", "scenario") :
			     str(&x, sub(&x, root, "", "scenario", 0, p), p, "name");
	x.seed = sweep ? NAN : num(&x, root, "", "seed");
	draw(&x, root);
	if (!err_is_set(e) && x.n > 0 && !plot_gnuplot_available())
		fprintf(stderr, "ktsim: gnuplot not found: install gnuplot-nox; data and scripts "
			"are in %s\n", x.dir);
	else
		for (int i = 0; i < x.n && !err_is_set(e); i++)
			render(x.dir, x.names[i], e);
	ks_free(x.names);
	jdoc_destroy(x.d);
	return err_is_set(e) ? -1 : x.n;
}

int plot_run_dir(const char *dir, struct err *e)
{
	return plots(dir, "results.json", run_plots, e);
}

int plot_compare_dir(const char *dir, struct err *e)
{
	return plots(dir, "comparison.json", compare_plots, e);
}

int plot_sweep_dir(const char *dir, struct err *e)
{
	return plots(dir, "sweep.json", sweep_plots, e);
}
