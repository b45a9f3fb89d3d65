/* importer — `ktsim import`: a cluster as kubectl prints it (a v1 List, a
 * typed list such as PodList, or one object, in one or more files) into a
 * scenario that `ktsim run` and `ktsim compare` accept unchanged.
 *
 * Nodes keep their zone, allocatable resources, taints and labels; ready
 * pods are pinned where they run, grouped into workloads by their owner;
 * the kept Services (chosen, else every LoadBalancer and NodePort one) keep
 * the workloads their selectors match. The data plane and each Service's LB
 * flavour come from ConfigMaps, DaemonSets, annotations and providerIDs.
 * Invariants: only keys scenario.c accepts are written, in a fixed order;
 * what is recognised or assumed, and kept pods or terms left out, are
 * reported one line each.
 * Ownership: the dumps are read and released inside importer_build; the
 * scenario it returns is a new cJSON tree the caller deletes. */
#ifndef KTSIM_IMPORTER_H
#define KTSIM_IMPORTER_H

#include <stdio.h>
#include <cjson/cJSON.h>

#include "ktsim/err.h"

/* Client groups whose rate is a stand-in (no --rps) are named with this
 * prefix, and the scenario's description contains "PLACEHOLDER rate". */
#define IMPORTER_PLACEHOLDER "PLACEHOLDER"

/* What to keep and how to name and drive it. */
struct importer_opts {
	const char *name;               /* the scenario's "name" */
	const char *const *services;    /* "namespace/name" ("name": namespace default) */
	int nservices;                  /* 0: every LoadBalancer and NodePort Service */
	double rps;                     /* connections/s over all kept Services; <= 0: placeholder */
};

/* Read files[0..nfiles-1] and build the scenario into *out, printing each
 * recognised, assumed or noted fact as a line on `report` (NULL: quiet).
 * Returns 0, or -1 with e set (ERR_INPUT, naming the file and line:col). */
int importer_build(const char *const *files, int nfiles, const struct importer_opts *o,
		   FILE *report, cJSON **out, struct err *e);

#endif
