/* plot_compare — the figures of a compare directory (comparison.json): per
 * Service, the share of flows per pod in each variant and the headline
 * figures (max/mean, SNAT, drops, second hop, p99) by variant. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktsim/json.h"
#include "ktsim/mem.h"
#include "plot_int.h"

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


/* A comparison row's numbers, in the order of the compare-metrics columns. */
static const char *const CMP_KEYS[] = { "max_over_mean", "snat_fraction", "drop_fraction",
					"second_hop_fraction", "p99_ms" };
enum { NCMP = 5 };

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

/* comparison.json's variants into *out (one more, zeroed, ends it). */
static int read_variants(struct plot_ctx *x, const cJSON *root, struct cvar **out)
{
	char p1[PLOT_PATHN], p2[PLOT_PATHN], p3[PLOT_PATHN], p4[PLOT_PATHN], p5[PLOT_PATHN];
	char p6[PLOT_PATHN];
	const cJSON *a = plot_sub(x, root, "", "variants", 1, p1), *it, *s, *q;
	struct cvar *v = ks_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *v);
	int nv = 0;

	*out = v;
	for (it = a ? a->child : NULL; it && plot_item(x, it, p1, nv, p2); it = it->next, nv++) {
		v[nv].label = plot_str(x, it, p2, "label");
		s = plot_sub(x, it, p2, "services", 1, p3);
		v[nv].svc = ks_calloc((size_t)cJSON_GetArraySize(s) + 1, sizeof *v[nv].svc);
		for (s = s ? s->child : NULL; s && plot_item(x, s, p3, v[nv].nsvc, p4); s = s->next) {
			struct csvc *c = &v[nv].svc[v[nv].nsvc++];

			c->name = plot_str(x, s, p4, "name");
			plot_nums(x, s, p4, CMP_KEYS, NCMP, c->v);
			q = plot_sub(x, s, p4, "pod_shares", 1, p5);
			c->pods = ks_calloc((size_t)cJSON_GetArraySize(q) + 1, sizeof *c->pods);
			for (q = q ? q->child : NULL; q && plot_item(x, q, p5, c->npods, p6); q = q->next) {
				c->pods[c->npods].name = plot_str(x, q, p6, "name");
				c->pods[c->npods].node = plot_str(x, q, p6, "node");
				c->pods[c->npods++].share = plot_num(x, q, p6, "share");
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

static int cmp_share_plot(struct plot_ctx *x, const struct cvar *v, int nv, int s, const char *vary,
			  const char *file)
{
	const char **pod = NULL, **node = NULL, **lab = ks_calloc((size_t)nv, sizeof *lab);
	const char *sname = NULL;
	double *even = ks_calloc((size_t)nv, sizeof *even), ymax = 0;
	char t[600], evt[600] = "";
	struct plot_mf d, vars;
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
		plot_mf_open(&d);
		fprintf(d.f, "# ktsim plot data: share of Service %s's flows per pod in each variant "
			"(from %s); NaN: no such pod\n# x\tpod\tnode", sname, x->src);
		for (int i = 0; i < nv; i++)
			fprintf(d.f, "\tshare[%s]", v[i].label);
		for (int k = 0; k < np; k++) {
			fprintf(d.f, "\n%d\t%s\t%s", k + 1, pod[k], node[k]);
			len = plot_zmax(len, plot_zmax(strlen(pod[k]), strlen(node[k])));
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
		plot_head(x, &vars, t, "varied: %s", vary);
		fprintf(vars.f, "nvar = %d\nnpods = %d\nbw = %.10g\nymax = %.10g\n", nv, np, 0.8 / nv,
			115 * ymax);
		plot_tic_vars(vars.f, np, len, 24 / nv);
		plot_var_a(vars.f, "vlabel", NULL, lab, nv);
		plot_var_a(vars.f, "even", even, NULL, ne);
		if (ne == 1)
			snprintf(t, sizeof t, "even share %s = %.1f%%", evt, 100 * even[0]);
		else
			snprintf(t, sizeof t, "even share (%s)", evt);
		fputs("evtitle = ", vars.f);
		plot_gq(vars.f, t);
		fputc('\n', vars.f);
		snprintf(t, sizeof t, "compare-share-%s", file);
		rc = plot_emit(x, t, "share of flows per pod in each variant", &d, &vars, CMP_SHARE);
	}
	ks_free(pod);
	ks_free(node);
	ks_free(lab);
	ks_free(even);
	return rc;
}

static int cmp_metrics_plot(struct plot_ctx *x, const struct cvar *v, int nv, int s,
			    const char *vary, const char *file)
{
	const char *sname = "";
	char t[600];
	struct plot_mf d, vars;
	size_t len = 0;

	plot_mf_open(&d);
	fprintf(d.f, "# ktsim plot data: headline figures of one Service per variant (from %s)\n"
		"# v\tlabel\tmax_over_mean\tsnat_fraction\tdrop_fraction\tsecond_hop_fraction\t"
		"p99_ms\n", x->src);
	for (int i = 0; i < nv; i++) {
		const struct csvc *c = csvc(v, i, s);

		len = plot_zmax(len, strlen(v[i].label));
		sname = c && !sname[0] ? c->name : sname;
		fprintf(d.f, "%d\t%s", i + 1, v[i].label);
		for (int m = 0; m < NCMP; m++)
			fprintf(d.f, c ? "\t%.10g" : "\tNaN", c ? c->v[m] : 0);
		fputc('\n', d.f);
	}
	snprintf(t, sizeof t, "%s: skew, SNAT, drops and p99 latency by variant", sname);
	plot_head(x, &vars, t, "varied: %s", vary);
	fprintf(vars.f, "nvar = %d\nbw = %.10g\nvalues = %d\nrotate = %d\n", nv, 0.8 / 3, nv <= 4,
		(double)nv * (double)(len + 1) * 9 > 330);
	snprintf(t, sizeof t, "compare-metrics-%s", file);
	return plot_emit(x, t, "max/mean, SNAT, drops, second hop and p99 per variant", &d, &vars,
		    CMP_METRICS);
}

void plot_compare_plots(struct plot_ctx *x, const cJSON *root)
{
	char p[PLOT_PATHN], q[PLOT_PATHN], vary[600] = "", (*files)[80];
	const cJSON *it = plot_sub(x, root, "", "vary", 1, p);
	struct cvar *v;
	int nv, ns = 0, k = 0;

	for (it = it ? it->child : NULL; it && plot_item(x, it, p, k, q); it = it->next)
		snprintf(vary + strlen(vary), sizeof vary - strlen(vary), "%s%s", k++ ? ", " : "",
			 plot_str(x, it, q, "key"));
	nv = read_variants(x, root, &v);
	for (int i = 0; i < nv; i++)
		ns = v[i].nsvc > ns ? v[i].nsvc : ns;
	files = ks_calloc((size_t)ns + 1, sizeof *files);
	for (int s = 0, i = 0; s < ns && !err_is_set(x->e); s++, i = 0) {
		while (s >= v[i].nsvc)
			i++;
		plot_file_name(files, s, v[i].svc[s].name);
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
