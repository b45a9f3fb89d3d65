/* cmd_import — `ktsim import`: kubectl's JSON in, a scenario out (to -o FILE,
 * written atomically, or to stdout), with what was recognised and assumed on
 * stderr. --service and --rps are parsed here; -o, -h and unknown options go
 * through cmd_parse. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_int.h"
#include "ktsim/importer.h"
#include "ktsim/mem.h"
#include "ktsim/results.h"

static const char HELP[] =
	"usage: ktsim import DUMP.json [DUMP2.json ...] [--service NAMESPACE/NAME]... [--rps N]\n"
	"                    [-o SCENARIO.json]\n"
	"\n"
	"Build a scenario from a cluster as kubectl prints it:\n"
	"  kubectl get nodes,pods,services,endpointslices -A -o json > cluster.json\n"
	"(also several files, one per kind, a single object, and optionally\n"
	"`kubectl get configmaps -n kube-system -o json` for the data plane; DUMP '-'\n"
	"reads stdin). Nodes keep zone, allocatable, taints and labels; ready pods\n"
	"are pinned where they run; the data plane and LB flavour are recognised\n"
	"from ConfigMaps, DaemonSets and annotations. What was recognised, assumed\n"
	"or left out is printed on stderr.\n"
	"\n"
	"  --service NS/NAME  keep this Service and the pods it selects (repeatable;\n"
	"                     NAME alone means namespace default); default: every\n"
	"                     Service of type LoadBalancer or NodePort\n"
	"  --rps N            total connections per second, split evenly over the\n"
	"                     kept Services; without it each client group gets a\n"
	"                     PLACEHOLDER rate of 1/s (its name starts PLACEHOLDER)\n"
	"  -o, --out FILE     write the scenario to FILE (default: stdout)\n"
	"  -h, --help         show this help\n"
	"\n"
	"exit status: 0 ok, 1 output not writable, 2 bad usage or bad dump\n";

#define MAX_ARGS 256

/* The value of `--name=V` or `--name V` at argv[*i], or NULL when argv[*i]
 * is another argument; *bad is set when the value is missing. */
static const char *take(int argc, char **argv, int *i, const char *name, int *bad)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0 || (argv[*i][n] != '\0' && argv[*i][n] != '='))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (*i + 1 >= argc) {
		*bad = cmd_usage_error("import", "option %s needs a value", name);
		return NULL;
	}
	return argv[++*i];
}

/* A growable string for the formatted scenario. */
struct buf {
	char *p;
	size_t n, cap;
};

static void put(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = ks_realloc(b->p, b->cap, 1);
	}
	memcpy(b->p + b->n, s, n + 1);
	b->n += n;
}

static void put_str(struct buf *b, const char *s)
{
	put(b, "\"");
	for (; *s; s++) {
		char esc[8];

		if (*s == '"' || *s == '\\')
			snprintf(esc, sizeof esc, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			snprintf(esc, sizeof esc, "\\u%04x", (unsigned char)*s);
		else
			snprintf(esc, sizeof esc, "%c", *s);
		put(b, esc);
	}
	put(b, "\"");
}

/* v on one line, with ", " and ": " between items. */
static void put_inline(struct buf *b, const cJSON *v)
{
	int obj = cJSON_IsObject(v);

	if (obj || cJSON_IsArray(v)) {
		put(b, obj ? "{" : "[");
		for (const cJSON *c = v->child; c; c = c->next) {
			if (obj) {
				put_str(b, c->string);
				put(b, ": ");
			}
			put_inline(b, c);
			put(b, c->next ? ", " : "");
		}
		put(b, obj ? "}" : "]");
	} else if (cJSON_IsString(v)) {
		put_str(b, v->valuestring);
	} else {
		char *s = cJSON_PrintUnformatted(v);

		put(b, s);
		cJSON_free(s);
	}
}

/* The scenario as the hand-written ones look: a top-level key per line and
 * one node, workload, Service or client per line. */
static char *format(const cJSON *sc)
{
	struct buf b = { 0 };

	put(&b, "{\n");
	for (const cJSON *v = sc->child; v; v = v->next) {
		put(&b, "  ");
		put_str(&b, v->string);
		put(&b, ": ");
		if (cJSON_IsArray(v) && v->child) {
			put(&b, "[\n");
			for (const cJSON *it = v->child; it; it = it->next) {
				put(&b, "    ");
				put_inline(&b, it);
				put(&b, it->next ? ",\n" : "\n");
			}
			put(&b, "  ]");
		} else {
			put_inline(&b, v);
		}
		put(&b, v->next ? ",\n" : "\n");
	}
	put(&b, "}\n");
	return b.p;
}

/* The scenario's name: the output file's, else the first dump's, less .json. */
static char *scenario_name(const char *out, const char *dump)
{
	const char *p = out ? out : strcmp(dump, "-") == 0 ? "imported" : dump, *b = strrchr(p, '/');
	char *s = ks_strdup(b ? b + 1 : p), *dot = strrchr(s, '.');

	if (dot && dot != s && strcmp(dot, ".json") == 0)
		*dot = '\0';
	return s;
}

int cmd_import(int argc, char **argv)
{
	const char *files[MAX_ARGS], *svcs[MAX_ARGS], *v;
	char *fwd[MAX_ARGS + 2], *name, *text, *slash, dir[4096];
	struct importer_opts io = { 0 };
	struct cmd_opts o;
	struct err e;
	cJSON *sc;
	int nfiles = 0, nf = 2, bad = 0, rc;

	if (argc > MAX_ARGS)
		return cmd_usage_error("import", "more than %d arguments", MAX_ARGS);
	fwd[0] = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if ((v = take(argc, argv, &i, "--service", &bad)) != NULL) {
			svcs[io.nservices++] = v;
		} else if ((v = take(argc, argv, &i, "--rps", &bad)) != NULL) {
			char *end;

			errno = 0;
			io.rps = strtod(v, &end);
			if (errno || end == v || *end || !(io.rps > 0) || !isfinite(io.rps))
				return cmd_usage_error("import", "--rps expects a rate > 0, got '%s'", v);
		} else if (bad) {
			return bad;
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) {
			fwd[nf++] = argv[i];
			if (i + 1 < argc)
				fwd[nf++] = argv[++i];
		} else if (a[0] == '-' && a[1] != '\0') {
			fwd[nf++] = argv[i];
		} else {
			files[nfiles++] = a;
		}
	}
	/* cmd_parse wants one positional argument: give it the first dump, or a
	 * stand-in so that -h still works and a missing dump is named here. */
	fwd[1] = (char *)(nfiles ? files[0] : "-");
	rc = cmd_parse("import", nf, fwd, CMD_OUT, HELP, &o);
	if (rc || o.help)
		return rc;
	if (nfiles == 0)
		return cmd_usage_error("import", "missing DUMP file (kubectl get nodes,pods,services,endpointslices -A -o json > cluster.json)");
	io.services = svcs;
	io.name = name = scenario_name(o.out, files[0]);
	for (int i = 0; i < nfiles; i++)
		files[i] = strcmp(files[i], "-") == 0 ? "/dev/stdin" : files[i];
	err_init(&e);
	rc = importer_build(files, nfiles, &io, stderr, &sc, &e);
	ks_free(name);
	if (rc < 0) {
		err_print(stderr, &e);
		return 2;
	}
	text = format(sc);
	cJSON_Delete(sc);
	if (o.out == NULL) {
		fputs(text, stdout);
		ks_free(text);
		return 0;
	}
	snprintf(dir, sizeof dir, "%s", o.out);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	rc = results_write_file(slash ? (dir[0] ? dir : "/") : ".", slash ? slash + 1 : dir, text,
				strlen(text), &e);
	ks_free(text);
	if (rc < 0) {
		fprintf(stderr, "ktsim import: ");
		err_print(stderr, &e);
		return 1;
	}
	fprintf(stderr, "ktsim import: wrote %s\n", o.out);
	return 0;
}
