#!/usr/bin/env python3
"""contract.py RESULTS.json... -- check results.json against the results
contract in the README: every key present with the right type, counts that
balance, drops by reason adding up, shares summing to 1. Exit 1 on a problem."""
import json
import sys

NUM = (int, float)
SERVICE = {"name": str, "externalTrafficPolicy": str, "flows": dict, "hops": dict,
           "mean_hops": NUM, "snat_fraction": NUM, "client_ip_preserved_fraction": NUM,
           "cross_zone_fraction": NUM, "latency_ms": dict, "skew": dict, "pods": list,
           "nodes": list}
DROPS = ["no_local_endpoint", "no_endpoint", "node_down", "lb_no_healthy_node",
         "queue_full", "snat_ports_exhausted", "conntrack_full"]
LAT = ["mean", "p50", "p90", "p99", "p999", "max"]
SKEW = ["pods", "max_share", "min_share", "max_over_mean", "cv", "jain", "gini"]
POD = ["name", "node", "zone", "flows", "share", "expected_share", "completed", "dropped",
       "utilization", "latency_ms"]
NODE = ["name", "zone", "lb_flows", "lb_share", "local_pods", "forwarded_out", "snat_flows",
        "peak_conntrack", "dropped"]


def check(path):
    bad = []
    r = json.load(open(path))

    def need(obj, keys, where):
        bad.extend(f"{where}: missing '{k}'" for k in keys if k not in obj)

    need(r, ["scenario", "seed", "replication", "sim", "services", "workloads"], "top")
    need(r["scenario"], ["name"], "scenario")
    need(r["sim"], ["duration_s", "warmup_s", "events", "wall_s", "events_per_s"], "sim")
    for i, s in enumerate(r["services"]):
        w = f"services[{i}]"
        for k, t in SERVICE.items():
            if not isinstance(s.get(k), t):
                bad.append(f"{w}.{k}: missing or wrong type")
        f = s["flows"]
        need(f, ["offered", "completed", "dropped", "in_flight", "drops"], w + ".flows")
        need(f["drops"], DROPS, w + ".flows.drops")
        if f["offered"] != f["completed"] + f["dropped"] + f["in_flight"]:
            bad.append(f"{w}.flows: offered != completed + dropped + in_flight")
        if sum(f["drops"].values()) != f["dropped"]:
            bad.append(f"{w}.flows: drops by reason do not add up")
        need(s["hops"], ["1", "2"], w + ".hops")
        need(s["latency_ms"], LAT, w + ".latency_ms")
        need(s["skew"], SKEW, w + ".skew")
        for j, p in enumerate(s["pods"]):
            need(p, POD, f"{w}.pods[{j}]")
        for j, n in enumerate(s["nodes"]):
            need(n, NODE, f"{w}.nodes[{j}]")
        if sum(p["flows"] for p in s["pods"]) > 0 and abs(sum(p["share"] for p in s["pods"]) - 1) > 1e-6:
            bad.append(f"{w}: pod shares do not sum to 1")
        exp = sum(p["expected_share"] for p in s["pods"])
        if exp != 0 and abs(exp - 1) > 1e-6:
            bad.append(f"{w}: expected shares sum to {exp}")
    for j, wl in enumerate(r["workloads"]):
        need(wl, ["name", "kind", "replicas", "running", "pending"], f"workloads[{j}]")
    return [f"{path}: {b}" for b in bad]


if __name__ == "__main__":
    problems = [p for a in sys.argv[1:] for p in check(a)]
    if problems:
        print("\n".join(problems), file=sys.stderr)
    sys.exit(1 if problems or len(sys.argv) < 2 else 0)
