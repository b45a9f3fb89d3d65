/* scenario_timeline — the timeline of a scenario (events naming nodes,
 * pods, workloads, clients and Services, sorted by time) and the spare pod
 * slots a timeline needs for the pods it creates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktsim/json.h"
#include "ktsim/mem.h"

#include "scenario_int.h"

static int find_by_name(struct scenario_ctx *x, const cJSON *ev, const char *path, const char *key,
			const char *what, int *out)
{
	const struct cluster *c = x->c;
	const cJSON *v = json_member(ev, key);
	const char **names;
	char q[PATH];
	int n = 0;

	json_path_join(q, sizeof q, path, key);
	if (v == NULL)
		return jdoc_error(x->doc, ev, path, x->e, "missing required key '%s'", key);
	if (!cJSON_IsString(v))
		return jdoc_error(x->doc, v, q, x->e, "expected a %s name", what);
	if (strcmp(what, "node") == 0)
		return scenario_find_node_ref(x, v, q, out);
	n = strcmp(what, "workload") == 0 ? c->nworkloads
	    : strcmp(what, "service") == 0 ? c->nservices : c->nclients;
	names = ks_calloc((size_t)n + 1, sizeof *names);
	for (int i = 0; i < n; i++)
		names[i] = strcmp(what, "workload") == 0 ? c->workloads[i].name
			   : strcmp(what, "service") == 0 ? c->services[i].name : c->clients[i].name;
	for (*out = -1; *out + 1 < n && strcmp(names[*out + 1], v->valuestring) != 0;)
		++*out;
	if (++*out < n) {
		ks_free(names);
		return 0;
	}
	scenario_ref_error(x, v, q, what, v->valuestring, names, n);
	ks_free(names);
	return -1;
}

static int cmp_event(const void *a, const void *b)
{
	const struct tl_event *x = a, *y = b;

	return (x->at_s > y->at_s) - (x->at_s < y->at_s);
}

/* timeline[i]: {"at_s", "action", target keys...}; a pod is named
 * <workload>-<ordinal> as ktsim names them. */
int scenario_read_timeline(struct scenario_ctx *x, const cJSON *root)
{
	static const char *const ACTIONS[] = { "delete_pod", "node_down", "node_up", "drain",
		"scale", "rollout", "set_rate", "set_policy", NULL };
	static const char *const POLICIES[] = { "Cluster", "Local", NULL };
	static const char *const KEYS[TL_NACTIONS][5] = {
		{ "pod" }, { "node" }, { "node" }, { "node", "maxUnavailable" },
		{ "workload", "replicas" }, { "workload", "maxSurge", "maxUnavailable" },
		{ "client", "rate_per_s" }, { "service", "externalTrafficPolicy" },
	};
	const cJSON *arr = json_member(root, "timeline"), *it;
	struct cluster *c = x->c;
	char p[PATH], q[PATH];
	int i = 0;

	if (arr == NULL)
		return 0;
	if (json_check_array(x->doc, arr, "timeline", x->e) < 0)
		return -1;
	c->timeline = ks_calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *c->timeline);
	cJSON_ArrayForEach(it, arr) {
		struct tl_event *ev = &c->timeline[c->ntimeline];
		const char *allowed[8] = { "at_s", "action" };
		long long v;
		int act, k = 2;

		json_path_index(p, sizeof p, "timeline", i++);
		if (!cJSON_IsObject(it))
			return jdoc_error(x->doc, it, p, x->e, "expected an object like {\"at_s\": 60, \"action\": \"delete_pod\", \"pod\": \"web-0\"}");
		if (json_get_enum(x->doc, it, p, "action", ACTIONS, &act, x->e) <= 0)
			return err_is_set(x->e) ? -1
				: jdoc_error(x->doc, it, p, x->e, "missing required key 'action'");
		for (int j = 0; j < 5 && KEYS[act][j]; j++)
			allowed[k++] = KEYS[act][j];
		allowed[k] = NULL;
		if (json_check_object(x->doc, it, p, allowed, x->e) < 0)
			return -1;
		if (json_get_number(x->doc, it, p, "at_s", 0, 1e9, &ev->at_s, x->e) <= 0)
			return err_is_set(x->e) ? -1
				: jdoc_error(x->doc, it, p, x->e, "missing required key 'at_s'");
		json_path_join(q, sizeof q, p, "at_s");
		if (ev->at_s > c->duration_s)
			return jdoc_error(x->doc, json_member(it, "at_s"), q, x->e,
					  "at %g s is after the end of the run (duration_s %g)", ev->at_s,
					  c->duration_s);
		ev->action = (enum tl_action)act;
		ev->value = 1;
		switch (ev->action) {
		case TL_DELETE_POD: {
			const cJSON *pv = json_member(it, "pod");
			const char *dash;

			json_path_join(q, sizeof q, p, "pod");
			if (pv == NULL || !cJSON_IsString(pv))
				return jdoc_error(x->doc, pv ? pv : it, pv ? q : p, x->e,
						  "expected 'pod': a pod name like \"web-0\"");
			dash = strrchr(pv->valuestring, '-');
			ev->target = -1;
			for (int w = 0; dash && w < c->nworkloads; w++)
				if ((size_t)(dash - pv->valuestring) == strlen(c->workloads[w].name) &&
				    strncmp(pv->valuestring, c->workloads[w].name, (size_t)(dash - pv->valuestring)) == 0)
					ev->target = w;
			if (ev->target < 0 || sscanf(dash + 1, "%d", &ev->value) != 1 || ev->value < 0 ||
			    (c->workloads[ev->target].kind == WL_DEPLOYMENT &&
			     ev->value >= c->workloads[ev->target].replicas))
				return jdoc_error(x->doc, pv, q, x->e,
						  "no pod '%s' (pods are named <workload>-<ordinal>)", pv->valuestring);
			break;
		}
		case TL_NODE_DOWN:
		case TL_NODE_UP:
		case TL_DRAIN:
			if (find_by_name(x, it, p, "node", "node", &ev->target) < 0 ||
			    json_get_int(x->doc, it, p, "maxUnavailable", 1, 100000, &v, x->e) < 0)
				return -1;
			if (json_member(it, "maxUnavailable"))
				ev->value = (int)v;
			break;
		case TL_SCALE:
			if (find_by_name(x, it, p, "workload", "workload", &ev->target) < 0)
				return -1;
			if (json_get_int(x->doc, it, p, "replicas", 0, 100000, &v, x->e) <= 0)
				return err_is_set(x->e) ? -1
					: jdoc_error(x->doc, it, p, x->e, "missing required key 'replicas'");
			ev->value = (int)v;
			break;
		case TL_ROLLOUT:
			/* Deployment strategy defaults: maxSurge 25%, maxUnavailable
			 * 25% (apps/v1); ktsim takes counts, default 1 and 0. */
			ev->surge = 1;
			ev->value = 0;
			if (find_by_name(x, it, p, "workload", "workload", &ev->target) < 0 ||
			    json_get_int(x->doc, it, p, "maxSurge", 0, 100000, &v, x->e) < 0)
				return -1;
			if (json_member(it, "maxSurge"))
				ev->surge = (int)v;
			if (json_get_int(x->doc, it, p, "maxUnavailable", 0, 100000, &v, x->e) < 0)
				return -1;
			if (json_member(it, "maxUnavailable"))
				ev->value = (int)v;
			if (ev->surge == 0 && ev->value == 0)
				return jdoc_error(x->doc, it, p, x->e,
						  "maxSurge and maxUnavailable cannot both be 0 (apps/v1 validation)");
			break;
		case TL_SET_RATE:
			if (find_by_name(x, it, p, "client", "client", &ev->target) < 0)
				return -1;
			if (json_get_number(x->doc, it, p, "rate_per_s", 1e-9, 1e9, &ev->rate, x->e) <= 0)
				return err_is_set(x->e) ? -1
					: jdoc_error(x->doc, it, p, x->e, "missing required key 'rate_per_s'");
			break;
		default: /* TL_SET_POLICY */
			if (find_by_name(x, it, p, "service", "service", &ev->target) < 0)
				return -1;
			if (json_get_enum(x->doc, it, p, "externalTrafficPolicy", POLICIES, &ev->value, x->e) <= 0)
				return err_is_set(x->e) ? -1
					: jdoc_error(x->doc, it, p, x->e, "missing required key 'externalTrafficPolicy'");
			break;
		}
		c->ntimeline++;
	}
	qsort(c->timeline, (size_t)c->ntimeline, sizeof *c->timeline, cmp_event);
	return 0;
}

/* A timeline may create pods (replacements, scale-ups, rollouts): each
 * workload gets spare pod slots, not yet placed, named on from its last
 * ordinal; memory stays fixed through the run. */
void scenario_add_spares(struct cluster *c)
{
	int total = c->npods;

	for (int w = 0; w < c->nworkloads; w++) {
		struct workload *wl = &c->workloads[w];
		int most = wl->replicas;

		for (int i = 0; i < c->ntimeline; i++)
			if (c->timeline[i].action == TL_SCALE && c->timeline[i].target == w &&
			    c->timeline[i].value > most)
				most = c->timeline[i].value;
		wl->nspare = 2 * most + 2 * c->ntimeline + 4;
		total += wl->nspare;
	}
	c->pods = ks_realloc(c->pods, (size_t)total, sizeof *c->pods);
	for (int w = 0; w < c->nworkloads; w++) {
		struct workload *wl = &c->workloads[w];

		wl->first_spare = c->npods;
		for (int i = 0; i < wl->nspare; i++) {
			struct pod *p = &c->pods[c->npods++];
			char name[300];

			snprintf(name, sizeof name, "%s-%d", wl->name, wl->npods + i);
			p->name = ks_strdup(name);
			p->workload = w;
			p->node = -1;
			p->ready = 0;
		}
	}
}
