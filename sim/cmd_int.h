/* cmd_int — the verbs of the command line and their shared option parser.
 * Each verb returns the process exit status: 0 ok, 1 run failed, 2 bad usage
 * or bad scenario, 130/143 interrupted by SIGINT/SIGTERM. */
#ifndef KTSIM_CMD_INT_H
#define KTSIM_CMD_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ktsim/cluster.h"
#include "ktsim/results.h"
#include "ktsim/sim.h"

#define KTSIM_VERSION "0.1.0"
#define CMD_MAX_SETS 256

/* Options common to the verbs; which ones a verb accepts is its `allow`. */
enum { CMD_OUT = 1, CMD_SEED = 2, CMD_SET = 4, CMD_QUIET = 8, CMD_VARY = 16, CMD_REPS = 32,
       CMD_PLOT = 64 };
#define CMD_MAX_VARY 16

struct cmd_opts {
	const char *scenario;
	const char *out;              /* -o DIR */
	uint64_t seed;                /* --seed N */
	int has_seed, quiet;
	const char *sets[CMD_MAX_SETS];
	int nsets;
	const char *vary[CMD_MAX_VARY]; /* --vary KEY=V1,V2,... */
	int nvary;
	int replications;             /* --replications R (default 1) */
	int plot;                     /* --plot */
	int help;                     /* --help was given (help printed) */
};

/* Parse argv[1..] of `verb` (argv[0] is the verb). Prints `help` for
 * -h/--help (o->help = 1, returns 0). Returns 0, or 2 after printing a usage
 * error. */
int cmd_parse(const char *verb, int argc, char **argv, unsigned allow, const char *help,
	      struct cmd_opts *o);
/* Print "ktsim VERB: msg" and a hint to use --help; returns 2. */
int cmd_usage_error(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Turn --seed N into the assignment "seed=N" (stored in buf) appended to
 * o->sets, so placement and the run both follow it. */
void cmd_seed_set(struct cmd_opts *o, char *buf, size_t n);
/* What cmd_simulate leaves: the merged measurements and, with several
 * replications, each figure's values for confidence intervals. */
struct cmd_result {
	struct metrics m;
	struct results_reps reps;
	int has_reps;
};

/* Simulate the loaded cluster c with its seed, `replications` times
 * (replication numbers 0..R-1 derive the streams), showing progress
 * labelled `label` (or none), merge the runs and write the results to dir.
 * Returns 0 with *out filled (the caller cmd_result_fini's it), 1 when
 * writing failed, 130/143 when interrupted; messages go to stderr prefixed
 * by verb. */
int cmd_simulate(const char *verb, const struct cluster *c, const char *dir, const char *label,
		 int replications, struct cmd_result *out);
void cmd_result_fini(struct cmd_result *r);

/* ktsim run SCENARIO [options] */
int cmd_run(int argc, char **argv);
/* ktsim compare SCENARIO --vary KEY=V1,V2 [options] */
int cmd_compare(int argc, char **argv);
/* ktsim sweep SCENARIO --vary KEY=A:B[:STEP] [options] */
int cmd_sweep(int argc, char **argv);
/* ktsim plan SCENARIO --rps N --slo-p99-ms X [options] */
int cmd_plan(int argc, char **argv);
/* ktsim check SCENARIO [options] */
int cmd_check(int argc, char **argv);
/* ktsim import DUMP.json... [--service NS/NAME]... [--rps N] [-o FILE] */
int cmd_import(int argc, char **argv);
/* ktsim plot DIR: PNG/SVG plots of a run or compare directory */
int cmd_plot(int argc, char **argv);

#endif
