/* main — `ktsim VERB ...`: dispatch to the verbs in cmd_*.c. */
#include <stdio.h>
#include <string.h>

#include "cmd_int.h"

static const char USAGE[] =
	"usage: ktsim VERB [options]\n"
	"\n"
	"Simulate how a Kubernetes cluster spreads external traffic over its pods:\n"
	"per-pod load share and skew, hops, SNAT and client IPs, drops and latency.\n"
	"\n"
	"verbs:\n"
	"  run SCENARIO     simulate a scenario, write results.json, pods.csv, nodes.csv\n"
	"  compare SCENARIO --vary KEY=V1,V2 ...\n"
	"                   run every combination of values side by side\n"
	"  sweep SCENARIO --vary KEY=A:B[:STEP] ...\n"
	"                   a grid of runs, resumable, across MPI ranks\n"
	"  plan SCENARIO --rps N --slo-p99-ms X\n"
	"                   the fewest replicas per exposure option that meet the SLO\n"
	"  check SCENARIO   validate a scenario, show placement and expected shares\n"
	"  plot DIR         draw PNG/SVG plots (and their data) of a run or compare directory\n"
	"  import DUMP.json [--service NS/NAME] [--rps N] [-o FILE]\n"
	"                   build a scenario from kubectl get ... -o json\n"
	"  help [VERB]      show help for ktsim or a verb\n"
	"\n"
	"options:\n"
	"  -h, --help       show this help\n"
	"  --version        print the version\n"
	"\n"
	"exit status: 0 ok, 1 run failed, 2 bad usage or bad scenario, 130/143 interrupted\n"
	"`ktsim VERB --help` describes each verb.\n";

int main(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;

	if (verb == NULL) {
		fputs(USAGE, stderr);
		return 2;
	}
	if (strcmp(verb, "-h") == 0 || strcmp(verb, "--help") == 0) {
		fputs(USAGE, stdout);
		return 0;
	}
	if (strcmp(verb, "--version") == 0) {
		printf("ktsim %s\n", KTSIM_VERSION);
		return 0;
	}
	if (strcmp(verb, "help") == 0) {
		char *h[] = { argv[2], (char *)"--help", NULL };

		if (argc < 3) {
			fputs(USAGE, stdout);
			return 0;
		}
		if (strcmp(argv[2], "run") == 0)
			return cmd_run(2, h);
		if (strcmp(argv[2], "check") == 0)
			return cmd_check(2, h);
		if (strcmp(argv[2], "compare") == 0)
			return cmd_compare(2, h);
		if (strcmp(argv[2], "sweep") == 0)
			return cmd_sweep(2, h);
		if (strcmp(argv[2], "plan") == 0)
			return cmd_plan(2, h);
		if (strcmp(argv[2], "plot") == 0)
			return cmd_plot(2, h);
		if (strcmp(argv[2], "import") == 0)
			return cmd_import(2, h);
		return cmd_usage_error(NULL, "unknown verb '%s'", argv[2]);
	}
	if (strcmp(verb, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(verb, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(verb, "compare") == 0)
		return cmd_compare(argc - 1, argv + 1);
	if (strcmp(verb, "sweep") == 0)
		return cmd_sweep(argc - 1, argv + 1);
	if (strcmp(verb, "plan") == 0)
		return cmd_plan(argc - 1, argv + 1);
	if (strcmp(verb, "plot") == 0)
		return cmd_plot(argc - 1, argv + 1);
	if (strcmp(verb, "import") == 0)
		return cmd_import(argc - 1, argv + 1);
	return cmd_usage_error(NULL, "unknown verb '%s'", verb);
}
