/* cmd_plot — `ktsim plot DIR`: draw the plots of a run or compare directory
 * (see plot.h): comparison.json first, then sweep.json, else results.json. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd_int.h"
#include "ktsim/plot.h"

static const char HELP[] =
	"usage: ktsim plot DIR\n"
	"\n"
	"Draw the plots of DIR into DIR/plots/: PNG (1280x720) and SVG, each with\n"
	"its tab-separated data (.dat) and the gnuplot script that draws it (.gp;\n"
	"run `gnuplot NAME.gp` there to redraw after editing).\n"
	"\n"
	"  DIR from `ktsim run` (results.json), per Service:\n"
	"    share-SVC     share of flows per pod (grouped by node) against the\n"
	"                  expected share and the even share 1/n\n"
	"    lb-SVC        share of flows entering each node, answered and dropped\n"
	"    latency-SVC   latency at p50, p90, p99, p99.9 and max, per pod too\n"
	"  and paths       hops, SNAT/client IP and drops by reason, every Service\n"
	"  DIR from `ktsim compare` (comparison.json), per Service:\n"
	"    compare-share-SVC    share per pod, one bar per variant\n"
	"    compare-metrics-SVC  max/mean, SNAT, drops, second hop, p99 per variant\n"
	"  DIR from `ktsim sweep` (sweep.json), per Service:\n"
	"    sweep-SVC     max/mean, p99 latency and drops against the first numeric\n"
	"                  varied key, a line per value of the others, 95% bands\n"
	"\n"
	"Without gnuplot on PATH the data and scripts are still written, a notice\n"
	"says so on stderr, and the exit status is 0.\n"
	"\n"
	"  -h, --help    show this help\n"
	"\n"
	"exit status: 0 ok, 1 a file could not be written or gnuplot failed,\n"
	"2 bad usage, or DIR holds no results.json, comparison.json or sweep.json\n"
	"(or a bad one)\n";

static int exists(const char *dir, const char *name)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

int cmd_plot(int argc, char **argv)
{
	const char *dir = NULL;
	struct stat st;
	struct err e;
	int n, cmp, swp;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(HELP, stdout);
			return 0;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cmd_usage_error("plot", "unknown option '%s'", argv[i]);
		if (dir)
			return cmd_usage_error("plot", "one directory at a time (got '%s' and '%s')",
					       dir, argv[i]);
		dir = argv[i];
	}
	if (dir == NULL)
		return cmd_usage_error("plot", "missing DIR (a directory written by ktsim run, compare or sweep)");
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "ktsim plot: %s: %s\n", dir,
			stat(dir, &st) < 0 ? strerror(errno) : "not a directory");
		return 2;
	}
	cmp = exists(dir, "comparison.json");
	swp = !cmp && exists(dir, "sweep.json");
	if (!cmp && !swp && !exists(dir, "results.json")) {
		fprintf(stderr, "ktsim plot: %s: no results.json, comparison.json or sweep.json here; "
			"give a directory written by ktsim run, compare or sweep\n", dir);
		return 2;
	}
	err_init(&e);
	n = cmp ? plot_compare_dir(dir, &e) : swp ? plot_sweep_dir(dir, &e) : plot_run_dir(dir, &e);
	if (n < 0) {
		fprintf(stderr, "ktsim plot: ");
		err_print(stderr, &e);
		return e.code == ERR_INPUT ? 2 : 1;
	}
	printf("plots: %d in %s/plots (%s)\n", n, dir,
	       plot_gnuplot_available() ? "PNG, SVG, data and scripts" : "data and scripts only");
	return 0;
}
