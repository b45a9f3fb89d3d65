/* cmd — what the verbs share (see cmd_int.h): option parsing (options may
 * come before or after the scenario path; `--opt=value` and `--opt value`
 * both work) and running one simulation into a directory.
 *
 * SIGINT/SIGTERM set a flag that a run checks between slices, so an
 * interrupted run stops promptly, writes nothing (results are only written
 * whole, see results.h) and the verb exits 130/143. A progress bar goes to
 * stderr when it is a terminal and the run takes more than half a second. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_int.h"
#include "ktsim/progress.h"
#include "ktsim/results.h"

int cmd_usage_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ktsim%s%s: ", verb ? " " : "", verb ? verb : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry 'ktsim %s%s--help'\n", verb ? verb : "", verb ? " " : "");
	return 2;
}

/* The value of option `name` at argv[*i]: "--name=v" or "--name v". */
static const char *opt_value(const char *verb, int argc, char **argv, int *i, const char *arg,
			     const char *name)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) == 0 && arg[n] == '=')
		return arg + n + 1;
	if (*i + 1 >= argc) {
		cmd_usage_error(verb, "option %s needs a value", name);
		return NULL;
	}
	return argv[++*i];
}

static int is_opt(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

int cmd_parse(const char *verb, int argc, char **argv, unsigned allow, const char *help,
	      struct cmd_opts *o)
{
	memset(o, 0, sizeof *o);
	o->replications = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(help, stdout);
			o->help = 1;
			return 0;
		} else if ((allow & CMD_OUT) && (strcmp(a, "-o") == 0 || is_opt(a, "--out"))) {
			if ((v = opt_value(verb, argc, argv, &i, a, a[1] == 'o' ? "-o" : "--out")) == NULL)
				return 2;
			o->out = v;
		} else if ((allow & CMD_SEED) && is_opt(a, "--seed")) {
			char *end;

			if ((v = opt_value(verb, argc, argv, &i, a, "--seed")) == NULL)
				return 2;
			errno = 0;
			o->seed = strtoull(v, &end, 10);
			if (errno || end == v || *end || v[0] == '-')
				return cmd_usage_error(verb, "--seed expects a non-negative integer, got '%s'", v);
			o->has_seed = 1;
		} else if ((allow & CMD_SET) && is_opt(a, "--set")) {
			if ((v = opt_value(verb, argc, argv, &i, a, "--set")) == NULL)
				return 2;
			if (o->nsets == CMD_MAX_SETS - 1) /* one slot kept for --seed */
				return cmd_usage_error(verb, "more than %d --set options", CMD_MAX_SETS);
			o->sets[o->nsets++] = v;
		} else if ((allow & CMD_VARY) && is_opt(a, "--vary")) {
			if ((v = opt_value(verb, argc, argv, &i, a, "--vary")) == NULL)
				return 2;
			if (o->nvary == CMD_MAX_VARY)
				return cmd_usage_error(verb, "more than %d --vary options", CMD_MAX_VARY);
			o->vary[o->nvary++] = v;
		} else if ((allow & CMD_REPS) && is_opt(a, "--replications")) {
			char *end;
			long r;

			if ((v = opt_value(verb, argc, argv, &i, a, "--replications")) == NULL)
				return 2;
			r = strtol(v, &end, 10);
			if (end == v || *end || r < 1 || r > 100000)
				return cmd_usage_error(verb, "--replications expects 1 to 100000, got '%s'", v);
			o->replications = (int)r;
		} else if ((allow & CMD_PLOT) && strcmp(a, "--plot") == 0) {
			o->plot = 1;
		} else if ((allow & CMD_QUIET) && (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)) {
			o->quiet = 1;
		} else if (a[0] == '-' && a[1] != '\0') {
			return cmd_usage_error(verb, "unknown option '%s'", a);
		} else if (o->scenario) {
			return cmd_usage_error(verb, "one scenario at a time (got '%s' and '%s')",
					       o->scenario, a);
		} else {
			o->scenario = a;
		}
	}
	if (o->scenario == NULL)
		return cmd_usage_error(verb, "missing SCENARIO file");
	return 0;
}

void cmd_seed_set(struct cmd_opts *o, char *buf, size_t n)
{
	if (!o->has_seed)
		return;
	snprintf(buf, n, "seed=%llu", (unsigned long long)o->seed);
	o->sets[o->nsets++] = buf;
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

struct progress {
	double t0;
	int shown, tty;
	const char *label;
};

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int tick(void *ctx, double now_s, double end_s)
{
	struct progress *p = ctx;
	double el = wall() - p->t0, frac = end_s > 0 ? now_s / end_s : 1;

	if (got_signal)
		return 1;
	if (p->tty && el > 0.5 && frac < 1) {
		char detail[64];

		snprintf(detail, sizeof detail, "%.0f/%.0f s simulated", now_s, end_s);
		progress_draw(p->label, frac, detail, el);
		p->shown = 1;
	}
	return 0;
}

int cmd_simulate(const char *verb, const struct cluster *c, const char *dir, const char *label,
		 int replications, struct cmd_result *out)
{
	struct progress prog = { .t0 = wall(), .tty = isatty(2) };
	struct sigaction sa;
	struct err e;
	char lab[300];

	memset(out, 0, sizeof *out);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (int r = 0; r < replications; r++) {
		struct sim *s = sim_create(c, c->seed, (uint32_t)r);
		struct metrics m;
		int stopped;

		if (replications > 1)
			snprintf(lab, sizeof lab, "%s%sreplication %d/%d", label ? label : "", label ? " " : "",
				 r + 1, replications);
		else
			snprintf(lab, sizeof lab, "%s", label ? label : "");
		prog.label = lab[0] ? lab : NULL;
		stopped = sim_run(s, tick, &prog);
		if (prog.shown)
			progress_clear();
		if (stopped) {
			fprintf(stderr, "ktsim %s: interrupted; no results written for this run\n", verb);
			sim_destroy(s);
			cmd_result_fini(out);
			return got_signal == SIGTERM ? 143 : 130;
		}
		sim_take_metrics(s, &m);
		sim_destroy(s);
		if (replications > 1) {
			if (r == 0)
				results_reps_init(&out->reps, &m);
			results_reps_add(&out->reps, &m);
			out->has_reps = 1;
		}
		if (r == 0) {
			out->m = m;
		} else {
			metrics_merge(&out->m, &m);
			metrics_fini(&m);
		}
	}
	err_init(&e);
	if (results_write(dir, c, &out->m, out->has_reps ? &out->reps : NULL, c->seed, &e) < 0) {
		fprintf(stderr, "ktsim %s: ", verb);
		err_print(stderr, &e);
		cmd_result_fini(out);
		return 1;
	}
	return 0;
}

void cmd_result_fini(struct cmd_result *r)
{
	metrics_fini(&r->m);
	if (r->has_reps)
		results_reps_fini(&r->reps);
	memset(r, 0, sizeof *r);
}
