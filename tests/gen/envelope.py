#!/usr/bin/env python3
"""Writes scenarios/bench-envelope.json: the Kubernetes scale envelope
(5,000 nodes in 3 zones, 150,000 pods, 1,000 Services), deterministic."""
import json, random, sys

rnd = random.Random(7)
raw = [rnd.choice([20, 30, 50, 80, 100, 150, 200, 300, 500]) for _ in range(1000)]
sizes = [max(10, round(x * 145000 / sum(raw))) for x in raw]
sizes[-1] += 145000 - sum(sizes)            # exactly 145,000 Deployment pods
assert len(sizes) == 1000 and sizes[-1] > 0 and sum(sizes) == 145000
workloads, services, clients = [], [], []
for i, n in enumerate(sizes):
    app = f"app-{i:04d}"
    wl = {"kind": "Deployment", "name": app, "replicas": n, "labels": {"app": app},
          "requests": {"cpu_m": 100, "memory_mi": 128},
          "server": {"concurrency": 4, "queue_limit": 256,
                     "service_time_ms": {"dist": "exp", "mean": 20}}}
    if i % 10 == 0:
        wl["podAntiAffinity"] = {"type": "preferred", "weight": 100,
                                 "topologyKey": "kubernetes.io/hostname"}
    workloads.append(wl)
    services.append({"name": app, "type": "LoadBalancer", "selector": {"app": app},
                     "externalTrafficPolicy": "Local" if i % 4 == 0 else "Cluster"})
    clients.append({"name": app, "service": app, "count": 10000, "cidr": "100.64.0.0/10",
                    "arrival": {"process": "poisson", "rate_per_s": 500}})
workloads.append({"kind": "DaemonSet", "name": "node-agent", "labels": {"app": "node-agent"},
                  "requests": {"cpu_m": 50, "memory_mi": 64}})
scenario = {
    "name": "bench-envelope",
    "description": "Kubernetes' scale envelope: 5,000 nodes in 3 zones, 150,000 pods (1,000 "
                   "Deployments of 20-500 replicas, a tenth with preferred anti-affinity, plus a "
                   "DaemonSet on every node), 1,000 LoadBalancer Services (a quarter Local) each "
                   "with 500 connections/s; 200 s gives 100 million flows. Written by "
                   "tests/gen/envelope.py.",
    "seed": 1, "duration_s": 200, "warmup_s": 0,
    "nodes": [{"generate": {"count": 5000, "prefix": "node-",
                            "zones": ["zone-a", "zone-b", "zone-c"],
                            "cpu_m": 32000, "memory_mi": 131072}}],
    "workloads": workloads, "services": services,
    "loadBalancer": {"mode": "even", "healthCheck": {"preset": "gcp"}},
    "proxy": {"mode": "iptables", "time_wait_s": 5},
    "clients": clients,
}
json.dump(scenario, open(sys.argv[1] if len(sys.argv) > 1 else "scenarios/bench-envelope.json", "w"),
          indent=1)
