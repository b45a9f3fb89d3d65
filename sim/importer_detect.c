/* importer_detect — what `ktsim import` recognises beyond the objects
 * themselves (see importer.h): each Service's LB flavour from its
 * annotations, MetalLB and the cloud; the data plane (kube-proxy and its
 * mode, or Cilium replacing it) from ConfigMaps and DaemonSets. */
#include <stdlib.h>
#include <string.h>

#include "importer_int.h"

#define AWS_LB "service.beta.kubernetes.io/aws-load-balancer-"

/* ---- Services and their load balancers ---------------------------------- */

static const char *ann(const struct ksvc *s, const char *key)
{
	return importer_member(s->k->o, "metadata.annotations", key);
}

/* The external LB's mode, from the Service's annotations and the cluster:
 * GKE and TKE weighted, TKE nodes-with-pods, AWS NLB (zonal; *cross set),
 * MetalLB, Azure, else even; why (n bytes) says which and whether assumed. */
static const char *lb_mode(const struct imp *m, const struct ksvc *s, char *why, size_t n,
			   int *cross)
{
	static const struct { const char *key, *value, *mode; } RULES[] = {
		{ "networking.gke.io/weighted-load-balancing", "pods-per-node", "weighted" },
		{ "service.cloud.tencent.com/local-svc-weighted-balance", "true", "weighted" },
		{ "service.kubernetes.io/local-svc-only-bind-node-with-pod", "true", "only-nodes-with-pods" },
	};
	const char *t = ann(s, AWS_LB "type"), *attrs = ann(s, AWS_LB "attributes");
	int metallb = m->metallb;
	const cJSON *a;

	if (!importer_eq(importer_svc_type(s->k), "LoadBalancer")) {
		snprintf(why, n, "assumed: clients spread evenly over the nodes' NodePorts");
		return "even";
	}
	for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++)
		if (importer_eq(ann(s, RULES[i].key), RULES[i].value)) {
			snprintf(why, n, "%s: %s", RULES[i].key, RULES[i].value);
			return RULES[i].mode;
		}
	if (importer_eq(t, "nlb") || importer_eq(t, "nlb-ip") || importer_eq(t, "external")) {
		*cross = importer_eq(ann(s, AWS_LB "cross-zone-load-balancing-enabled"), "true") ||
			 (attrs && strstr(attrs, "load_balancing.cross_zone.enabled=true"));
		snprintf(why, n, "AWS NLB, %stype: %s; cross-zone %s", AWS_LB, t,
			 *cross ? "on" : "off, the NLB default");
		if (importer_eq(t, "nlb-ip") || importer_eq(ann(s, AWS_LB "nlb-target-type"), "ip"))
			importer_say(m, "note: service %s: NLB IP targets reach pods directly, bypassing nodes; not modelled: written as instance targets",
			    s->name);
		return "zonal";
	}
	cJSON_ArrayForEach(a, importer_get(s->k->o, "metadata.annotations"))
		if (strncmp(a->string, "metallb.universe.tf/", 20) == 0 ||
		    strncmp(a->string, "metallb.io/", 11) == 0)
			metallb = metallb ? metallb : 1;
	if (metallb) {
		snprintf(why, n, "MetalLB %s", metallb == 2 ? "BGP: BGPPeer/BGPAdvertisement in the dump"
			 : "L2, assumed: no BGPPeer or BGPAdvertisement in the dump");
		return metallb == 2 ? "bgp" : "l2";
	}
	if (importer_eq(m->cloud, "azure")) {
		snprintf(why, n, "Azure Load Balancer (providerID azure://): 5-tuple hash");
		return "hash";
	}
	snprintf(why, n, "assumed: no recognised LB annotation%s%s, an even cloud LB",
		 m->cloud ? "; cloud " : "", m->cloud ? m->cloud : "");
	return "even";
}

/* The health-check preset of the cloud LB in front of s, or NULL. */
static const char *hc_preset(const struct imp *m, const struct ksvc *s, const char *mode)
{
	if (importer_eq(mode, "zonal"))
		return importer_eq(ann(s, AWS_LB "type"), "nlb") ? "aws-nlb" : "aws-lbc-nlb";
	if (ann(s, "networking.gke.io/weighted-load-balancing") ||
	    importer_eq(ann(s, "cloud.google.com/l4-rbs"), "enabled"))
		return "gke-l4";
	if (importer_eq(m->cloud, "aws") && importer_eq(mode, "even"))
		return "aws-elb";
	return importer_eq(m->cloud, "gce") ? "gcp" : importer_eq(m->cloud, "azure") ? "azure" : NULL;
}

cJSON *importer_lb_json(const struct imp *m, const struct ksvc *s, int local)
{
	cJSON *o = cJSON_CreateObject(), *hc;
	char why[300];
	int cross = -1;
	const char *mode = lb_mode(m, s, why, sizeof why, &cross), *preset = hc_preset(m, s, mode);

	cJSON_AddStringToObject(o, "mode", mode);
	if (cross >= 0)
		cJSON_AddBoolToObject(o, "cross_zone", cross);
	/* cloud LBs probe healthCheckNodePort, which fails without a local
	 * endpoint; MetalLB announces only from such nodes instead */
	if (local && importer_eq(importer_svc_type(s->k), "LoadBalancer") && !importer_eq(mode, "l2") && !importer_eq(mode, "bgp")) {
		hc = cJSON_AddObjectToObject(o, "healthCheck");
		importer_add_str(hc, "preset", preset);
		snprintf(why + strlen(why), sizeof why - strlen(why),
			 "; healthCheck on healthCheckNodePort%s%s", preset ? ", preset " : "",
			 preset ? preset : "");
	}
	importer_say(m, "service %s: loadBalancer %s (%s)", s->name, mode, why);
	return o;
}

/* ---- data plane --------------------------------------------------------- */

/* The value of `key:` in a plain YAML text, at the top level or indented
 * under the top-level `section:`; quotes stripped. 1 when found. */
static int yaml_value(const char *text, const char *section, const char *key, char *buf, size_t n)
{
	size_t k = strlen(key), sl = section ? strlen(section) : 0;
	int in = section == NULL;

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t ind = strspn(l, " ");
		const char *v = l + ind + k + 1;

		if (ind == 0 && section)
			in = strncmp(l, section, sl) == 0 && l[sl] == ':';
		if (!in || (ind == 0) != (section == NULL) || strncmp(l + ind, key, k) != 0 || l[ind + k] != ':')
			continue;
		v += strspn(v, " \t\"'");
		snprintf(buf, n, "%.*s", (int)strcspn(v, "\"' \t\r\n#"), v);
		return 1;
	}
	return 0;
}

/* A kube-system DaemonSet (the object or its pods) or static pods `name`-*. */
static int has_daemon(const struct imp *m, const char *name)
{
	size_t n = strlen(name);

	for (int g = 0; g < m->ngroups; g++) {
		const struct kpod *p = &m->pods[m->groups[g].first];

		if (strcmp(p->k->ns, "kube-system") == 0 && (strcmp(p->wl, name) == 0 ||
		    (p->kind == GK_OTHER && strncmp(p->wl, name, n) == 0 && p->wl[n] == '-')))
			return 1;
	}
	return importer_find(m, "DaemonSet", "kube-system", name) != NULL;
}

/* Cilium replacing kube-proxy: eBPF with its forwarding mode and Maglev. */
static cJSON *cilium_json(struct imp *m, const struct kobj *cc, const char *kpr)
{
	static const int MAGLEV[] = { 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071 };
	const char *v = cc ? importer_member(cc->o, "data", "bpf-lb-mode") : NULL, *size;
	cJSON *o = cJSON_CreateObject();

	v = v ? v : cc ? importer_member(cc->o, "data", "loadBalancer.mode") : NULL;
	if (v && !importer_eq(v, "snat") && !importer_eq(v, "dsr") && !importer_eq(v, "hybrid")) {
		importer_say(m, "note: cilium-config bpf-lb-mode %s not modelled: snat assumed", v);
		v = NULL;
	}
	cJSON_AddStringToObject(o, "mode", "ebpf");
	cJSON_AddStringToObject(o, "snat", v ? v : "snat");
	snprintf(m->dataplane, sizeof m->dataplane, "Cilium kube-proxy replacement, %s%s",
		 v ? v : "snat", v ? "" : " (assumed)");
	importer_say(m, "recognised: data plane Cilium eBPF replacing kube-proxy (%s), forwarding %s%s",
	    kpr ? "cilium-config kube-proxy-replacement" : "assumed: Cilium and no kube-proxy in the dump",
	    v ? v : "snat", v ? " (cilium-config bpf-lb-mode)" : " (assumed: Cilium's default)");
	if (cc && importer_eq(importer_member(cc->o, "data", "bpf-lb-algorithm"), "maglev")) {
		cJSON_AddStringToObject(o, "lb_algorithm", "maglev");
		size = importer_member(cc->o, "data", "bpf-lb-maglev-table-size");
		for (size_t i = 0; size && i < sizeof MAGLEV / sizeof MAGLEV[0]; i++)
			if (atoi(size) == MAGLEV[i])
				cJSON_AddNumberToObject(o, "maglev_table_size", MAGLEV[i]);
		importer_say(m, "recognised: Cilium Maglev backend selection (cilium-config bpf-lb-algorithm)");
	}
	return o;
}

cJSON *importer_proxy_json(struct imp *m)
{
	static const char *const SCHED[] = { "rr", "wrr", "lc", "wlc", "sh", "dh", "sed", "nq", "mh",
		NULL };
	const struct kobj *cc = importer_find(m, "ConfigMap", "kube-system", "cilium-config");
	const struct kobj *kc = importer_find(m, "ConfigMap", "kube-system", "kube-proxy");
	const char *kpr = cc ? importer_member(cc->o, "data", "kube-proxy-replacement") : NULL, *conf;
	const char *const *s = SCHED;
	cJSON *o;
	char mode[32] = "", sched[32] = "";

	kc = kc ? kc : importer_find(m, "ConfigMap", "kube-system", "kube-proxy-config"); /* EKS */
	if ((cc || has_daemon(m, "cilium")) &&
	    (kpr ? !importer_eq(kpr, "false") && !importer_eq(kpr, "disabled") : !kc && !has_daemon(m, "kube-proxy")))
		return cilium_json(m, cc, kpr);
	conf = kc ? importer_member(kc->o, "data", "config.conf") : NULL;
	conf = conf ? conf : kc ? importer_member(kc->o, "data", "config") : NULL;
	if (conf && yaml_value(conf, NULL, "mode", mode, sizeof mode) && mode[0] == '\0')
		snprintf(mode, sizeof mode, "iptables"); /* kube-proxy's default on Linux */
	o = cJSON_CreateObject();
	if (!importer_eq(mode, "iptables") && !importer_eq(mode, "ipvs") && !importer_eq(mode, "nftables")) {
		importer_say(m, "assumed: data plane kube-proxy iptables (%s%s%s)",
		    kc ? "its ConfigMap names no mode ktsim models" : "no kube-proxy ConfigMap in the dump",
		    mode[0] ? ": " : "", mode);
		snprintf(m->dataplane, sizeof m->dataplane, "kube-proxy iptables (assumed)");
		cJSON_AddStringToObject(o, "mode", "iptables");
		return o;
	}
	cJSON_AddStringToObject(o, "mode", mode);
	if (importer_eq(mode, "ipvs")) {
		yaml_value(conf, "ipvs", "scheduler", sched, sizeof sched);
		while (*s && strcmp(*s, sched) != 0)
			s++;
		if (*s == NULL && sched[0])
			importer_say(m, "note: IPVS scheduler %s not modelled: rr assumed", sched);
		snprintf(sched, sizeof sched, "%s", *s ? *s : "rr");
		cJSON_AddStringToObject(o, "ipvs_scheduler", sched);
	}
	snprintf(m->dataplane, sizeof m->dataplane, "kube-proxy %s%s%s", mode, sched[0] ? " " : "", sched);
	importer_say(m, "recognised: data plane %s (ConfigMap kube-system/%s)", m->dataplane, kc->name);
	return o;
}


/* MetalLB: a metallb-system namespace or objects in it; BGP when a BGPPeer or
 * BGPAdvertisement is in the dump, else L2. */
void importer_metallb(struct imp *m)
{
	int a, b = importer_kind_range(m, "BGPPeer", &a), c, d = importer_kind_range(m, "BGPAdvertisement", &c);

	for (int i = 0; i < m->nobjs && !m->metallb; i++)
		m->metallb = strcmp(m->objs[i].ns, "metallb-system") == 0 ||
			     (strcmp(m->objs[i].kind, "Namespace") == 0 &&
			      strcmp(m->objs[i].name, "metallb-system") == 0);
	m->metallb = b > a || d > c ? 2 : m->metallb;
	if (m->metallb)
		importer_say(m, "recognised: MetalLB (%s)",
		    m->metallb == 2 ? "BGP objects in the dump" : "metallb-system namespace");
}
