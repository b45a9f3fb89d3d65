/* cmd — option parsing shared by the verbs (see cmd_int.h). Options may come
 * before or after the scenario path; `--opt=value` and `--opt value` both
 * work. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_int.h"

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
