/* plot_series — the time series of a run that kept timeseries.csv: per
 * Service, flows per second to each pod, drops per second and the nodes
 * healthy in the LB pool against time, the timeline's events marked. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktsim/json.h"
#include "ktsim/mem.h"
#include "plot_int.h"

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
static int ts_read(struct plot_ctx *x, char **text, struct tsrow **rows)
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
 * and Service rows the running totals (differenced here), node rows 1/0 for
 * the LB's view and the Service row the count of nodes it sees healthy. */
static int ts_plot(struct plot_ctx *x, const struct plot_rsvc *s, const char *file,
		   const struct tsrow *r, int nr, const struct tsev *ev, int nev)
{
	const char **pod = ks_calloc((size_t)nr + 1, sizeof *pod), **lab;
	const char **node = ks_calloc((size_t)nr + 1, sizeof *node);
	double *tt = ks_calloc((size_t)nr + 1, sizeof *tt), *tot = ks_calloc((size_t)nr + 1, sizeof *tot);
	double *drop = ks_calloc((size_t)nr + 1, sizeof *drop), *hl = ks_calloc((size_t)nr + 1, sizeof *hl);
	double *fl = NULL, ymax1 = 1, ymax2 = 1, prev = 0, tic, svc_nodes = 0;
	int np = 0, nt = 0, nn = 0, nnodes = 0, shown, *ord, *col, rc = 0;
	char (*pl)[300], t[600];
	struct plot_mf d, v;

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
		/* The Service's row (after its node rows) has every drop, those
		 * with no node too, and the healthy count, also where node rows
		 * are not written; files without it keep the node rows' sums. */
		if (strcmp(r[i].kind, "service") == 0) {
			drop[nt - 1] = r[i].dropped;
			hl[nt - 1] = isnan(r[i].healthy) ? hl[nt - 1] : r[i].healthy;
			svc_nodes = fmax(svc_nodes, hl[nt - 1]);
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
	if (nnodes == 0) /* no node rows: the most nodes ever seen healthy */
		nnodes = (int)svc_nodes;
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
	plot_mf_open(&d);
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
	plot_svc_title(t, sizeof t, s, "throughput, drops and LB health over time");
	if (np > shown)
		plot_head(x, &v, t, "every %g s; the %d busiest of %d pods, the rest summed; dashed: the "
		     "timeline's events", tt[0], shown, np);
	else
		plot_head(x, &v, t, "sampled every %g s; dashed: the timeline's events", tt[0]);
	/* drops: 2 or 3 tics, at 1, 2 or 5 times a power of ten */
	tic = pow(10, floor(log10(ymax2 / 2)));
	tic *= ymax2 / tic >= 10 ? 5 : ymax2 / tic >= 4 ? 2 : 1;
	fprintf(v.f, "npods = %d\nnnodes = %d\nnev = %d\nxmax = %.10g\nymax1 = %.10g\n"
		"ymax2 = %.10g\ntic2 = %.10g\n", shown + (np > shown), nnodes, nev, tt[nt - 1],
		1.3 * ymax1, 1.15 * ymax2, tic);
	plot_var_a(v.f, "pod", NULL, lab, shown + (np > shown));
	snprintf(t, sizeof t, "timeseries-%s", file);
	rc = plot_emit(x, t, "flows per pod, drops and LB health against time", &d, &v, TIMESERIES);
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

/* ts_read, the timeline events of root, ts_plot for each Service. */
void plot_series_plots(struct plot_ctx *x, const cJSON *root, const struct plot_rsvc *sv,
		       char (*files)[80], int ns)
{
	char p[PLOT_PATHN], q[PLOT_PATHN];
	const cJSON *it;
	struct tsrow *rows = NULL;
	char *text = NULL;
	int nr;

	if ((nr = ts_read(x, &text, &rows)) > 0) {
		const cJSON *tl = json_member(root, "timeline");
		struct tsev *ev;
		int nev = 0;

		if (tl)
			tl = plot_sub(x, root, "", "timeline", 1, p);
		ev = ks_calloc((size_t)cJSON_GetArraySize(tl) + 1, sizeof *ev);
		for (it = tl ? tl->child : NULL; it && plot_item(x, it, p, nev, q);
		     it = it->next, nev++) {
			ev[nev].at = plot_num(x, it, q, "at_s");
			snprintf(ev[nev].what, sizeof ev[nev].what, "%.90s %.100s",
				 plot_str(x, it, q, "action"), plot_str(x, it, q, "target"));
			ev[nev].dropped = plot_num(x, it, q, "dropped_until_next");
		}
		for (int s = 0; s < ns && !err_is_set(x->e); s++)
			if (ts_plot(x, &sv[s], files[s], rows, nr, ev, nev) < 0)
				break;
		ks_free(ev);
	}
	ks_free(text);
	ks_free(rows);
}
