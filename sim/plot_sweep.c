/* plot_sweep — the figures of a sweep directory (sweep.json): per Service,
 * max/mean, p99 latency and drops against the first numeric varied key, a
 * line per value of the other keys, 95% bands when replicated. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktsim/json.h"
#include "ktsim/mem.h"
#include "plot_int.h"

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
static int sweep_rows(struct plot_ctx *x, const cJSON *pts, const char *path,
		      const struct saxis *ax, int nax, int xa, const char *sname, struct srow *r, int *bands)
{
	char p[PLOT_PATHN], q[PLOT_PATHN], sp[PLOT_PATHN], cp[PLOT_PATHN], mp[PLOT_PATHN];
	const cJSON *it, *set, *sv, *ci, *m;
	int k = 0, nr = 0;

	for (it = pts ? pts->child : NULL; it && plot_item(x, it, path, k, p); it = it->next, k++) {
		struct srow *w = &r[nr];
		int stride = 1;

		set = plot_sub(x, it, p, "settings", 0, q);
		sv = plot_sub(x, it, p, "services", 1, sp);
		for (sv = sv ? sv->child : NULL; sv && strcmp(plot_str(x, sv, sp, "name"), sname);
		     sv = sv->next)
			;
		if (sv == NULL || err_is_set(x->e))
			continue;
		*w = (struct srow){ .point = k };
		for (int a = nax - 1; a >= 0; a--) {
			const char *v = plot_str(x, set, q, ax[a].key);
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
		json_path_join(cp, PLOT_PATHN, sp, "ci95");
		ci = json_member(sv, "ci95");
		for (int f = 0; f < NSWP; f++) {
			m = ci ? json_member(ci, SWP_KEYS[f]) : NULL;
			w->v[f] = plot_num(x, sv, sp, SWP_KEYS[f]);
			w->lo[f] = w->hi[f] = NAN;
			if (m) {
				json_path_join(mp, PLOT_PATHN, cp, SWP_KEYS[f]);
				w->v[f] = plot_num(x, m, mp, "mean");
				w->lo[f] = w->v[f] - plot_num(x, m, mp, "half_width");
				w->hi[f] = w->v[f] + plot_num(x, m, mp, "half_width");
				*bands = 1;
			}
		}
		nr++;
	}
	qsort(r, (size_t)nr, sizeof *r, by_series_x);
	return err_is_set(x->e) ? 0 : nr;
}

static int sweep_plot(struct plot_ctx *x, const cJSON *pts, const char *path,
		      const struct saxis *ax, int nax, int xa, const char *sname, const char *file)
{
	struct srow *r = ks_calloc((size_t)cJSON_GetArraySize(pts) + 1, sizeof *r);
	char (*lab)[300] = ks_calloc((size_t)cJSON_GetArraySize(pts) + 1, sizeof *lab);
	const char **labp = ks_calloc((size_t)cJSON_GetArraySize(pts) + 1, sizeof *labp);
	int bands = 0, nr = sweep_rows(x, pts, path, ax, nax, xa, sname, r, &bands), ns = 0, rc = 0;
	char t[900], others[600] = "";
	double *xv = ks_calloc((size_t)ax[xa].n, sizeof *xv);
	struct plot_mf d, v;

	for (int a = 0; a < nax; a++)
		if (a != xa)
			snprintf(others + strlen(others), sizeof others - strlen(others), "%s%s",
				 others[0] ? ", " : "", ax[a].key);
	plot_mf_open(&d);
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
	plot_head(x, &v, t, "%s%s%s", bands ? "shaded: 95% confidence interval over the replications" :
	     "one run per point", nax > 1 ? "; a line per " : "", nax > 1 ? others : "");
	for (int i = 0; i < ax[xa].n; i++)
		xv[i] = ax[xa].numeric ? strtod(ax[xa].val[i], NULL) : i + 1;
	fprintf(v.f, "nser = %d\nbands = %d\nxname = ", ns, bands);
	plot_gq(v.f, ax[xa].key);
	fputs("\nbtitle = \"95% confidence interval\"\n", v.f);
	plot_var_a(v.f, "slabel", NULL, labp, ns);
	plot_var_a(v.f, "xtl", NULL, ax[xa].val, ax[xa].n);
	plot_var_a(v.f, "xtv", xv, NULL, ax[xa].n);
	plot_var_a(v.f, "mtitle", NULL, (const char *const[]){ "skew: max/mean of pod shares",
		"p99 latency", "dropped flows" }, NSWP);
	plot_var_a(v.f, "mylab", NULL, (const char *const[]){ "max/mean (1 = even)", "p99 latency (ms)",
		"dropped (% of offered flows)" }, NSWP);
	snprintf(t, sizeof t, "sweep-%s", file);
	rc = plot_emit(x, t, "max/mean, p99 latency and drops against the swept value", &d, &v, SWEEP);
out:
	ks_free(xv);
	ks_free(r);
	ks_free(lab);
	ks_free(labp);
	return rc;
}

void plot_sweep_plots(struct plot_ctx *x, const cJSON *root)
{
	char p[PLOT_PATHN], q[PLOT_PATHN], vp[PLOT_PATHN], pp[PLOT_PATHN], sp[PLOT_PATHN];
	char sq[PLOT_PATHN], (*files)[80] = NULL;
	const cJSON *va = plot_sub(x, root, "", "vary", 1, p);
	const cJSON *pts = plot_sub(x, root, "", "points", 1, pp);
	const cJSON *it, *vals, *sv;
	struct saxis *ax = ks_calloc((size_t)cJSON_GetArraySize(va) + 1, sizeof *ax);
	const char **names = NULL;
	int nax = 0, xa = -1, nn = 0, k = 0;

	for (it = va ? va->child : NULL; it && plot_item(x, it, p, nax, q); it = it->next, nax++) {
		ax[nax].key = plot_str(x, it, q, "key");
		vals = plot_sub(x, it, q, "values", 1, vp);
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
	for (it = pts ? pts->child : NULL; it && plot_item(x, it, pp, k, q); it = it->next, k++) {
		int j = 0;

		sv = plot_sub(x, it, q, "services", 1, sp);
		for (sv = sv ? sv->child : NULL; sv && plot_item(x, sv, sp, j, sq);
		     sv = sv->next, j++) {
			const char *n = plot_str(x, sv, sq, "name");
			int i = 0;

			while (i < nn && strcmp(names[i], n) != 0)
				i++;
			if (i == nn && !err_is_set(x->e)) {
				names = ks_realloc(names, (size_t)nn + 1, sizeof *names);
				files = ks_realloc(files, (size_t)nn + 1, sizeof *files);
				names[nn] = n;
				plot_file_name(files, nn++, n);
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
