#!/bin/sh
# Command-line behaviour: help on every verb, exit codes, atomic results,
# determinism of the written files, and the results contract.
# Usage: tests/run_cli.sh ./ktsim
bin=${1:-./ktsim}
pass=0 fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
no() { echo "FAIL $*"; fail=$((fail + 1)); }
# expect_rc WANT DESCRIPTION CMD...: run CMD, compare its exit status.
expect_rc() {
	want=$1 what=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else no "$what: exit $rc, want $want"; cat "$tmp/err"; fi
}

expect_rc 0 "--help" "$bin" --help
grep -q "usage: ktsim VERB" "$tmp/out" || no "--help text"
expect_rc 0 "run --help" "$bin" run --help
grep -q "usage: ktsim run SCENARIO" "$tmp/out" || no "run --help text"
expect_rc 0 "check --help" "$bin" check --help
grep -q "usage: ktsim check SCENARIO" "$tmp/out" || no "check --help text"
expect_rc 0 "help run" "$bin" help run
expect_rc 0 "--version" "$bin" --version
expect_rc 2 "no verb" "$bin"
expect_rc 2 "unknown verb" "$bin" frobnicate
grep -q "unknown verb 'frobnicate'" "$tmp/err" || no "unknown verb message"
expect_rc 2 "unknown option" "$bin" run scenarios/local-50-25-25.json --frob
expect_rc 2 "missing scenario" "$bin" run
expect_rc 2 "bad seed" "$bin" run scenarios/local-50-25-25.json --seed -3
expect_rc 2 "missing file" "$bin" run "$tmp/nope.json"
grep -q "nope.json" "$tmp/err" || no "missing file is named"

# A run writes all three files and the summary names each pod.
expect_rc 0 "run" "$bin" run scenarios/local-50-25-25.json -o "$tmp/a" --set duration_s=30
for f in results.json pods.csv nodes.csv; do [ -s "$tmp/a/$f" ] || no "run wrote no $f"; done
grep -q "web-0" "$tmp/out" && grep -q "EXPECTED" "$tmp/out" || no "summary table"
ls -a "$tmp/a" | grep -q '\.tmp' && no "temporary file left behind"
python3 tests/contract.py "$tmp/a/results.json" && ok || no "results contract"
# Same seed, byte-identical files (timing fields aside); another seed differs.
expect_rc 0 "rerun" "$bin" run scenarios/local-50-25-25.json -o "$tmp/b" --set duration_s=30 -q
grep -v -e '"wall_s"' -e '"events_per_s"' -e '"peak_rss_mb"' "$tmp/a/results.json" >"$tmp/a.j"
grep -v -e '"wall_s"' -e '"events_per_s"' -e '"peak_rss_mb"' "$tmp/b/results.json" >"$tmp/b.j"
cmp -s "$tmp/a.j" "$tmp/b.j" && ok || no "same seed gives different results.json"
cmp -s "$tmp/a/pods.csv" "$tmp/b/pods.csv" && ok || no "same seed gives different pods.csv"
expect_rc 0 "other seed" "$bin" run scenarios/local-50-25-25.json -o "$tmp/c" --set duration_s=30 --seed 2 -q
cmp -s "$tmp/a/pods.csv" "$tmp/c/pods.csv" && no "another seed gives identical pods.csv" || ok
# import: a kubectl dump to a scenario the other verbs accept; check flags a placeholder rate.
expect_rc 0 "import" "$bin" import tests/import/gke-3zone-local.json -o "$tmp/imp.json"
expect_rc 0 "check imported" "$bin" check "$tmp/imp.json"
grep -q "placeholder rate" "$tmp/err" || no "check flags the placeholder rate"
expect_rc 0 "import --rps" "$bin" import tests/import/gke-3zone-local.json --rps 500 -o "$tmp/imp2.json"
expect_rc 0 "check imported with rps" "$bin" check "$tmp/imp2.json"
grep -q "placeholder" "$tmp/err" && no "placeholder flagged despite --rps" || ok
# Replications: merged, with 95% intervals.
expect_rc 0 "replications" "$bin" run scenarios/local-50-25-25.json -o "$tmp/rep" --set duration_s=20 --replications 3 -q
python3 - "$tmp/rep/results.json" <<'PY' && ok || no "replications in results.json"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["replications"] == 3
s = r["services"][0]
assert s["ci95"]["max_over_mean"]["half_width"] > 0 and "share_ci95" in s["pods"][0]
PY
expect_rc 2 "bad replications" "$bin" run scenarios/local-50-25-25.json --replications 0
# --set is validated like the file.
expect_rc 2 "--set bad enum" "$bin" check scenarios/local-50-25-25.json --set services[0].externalTrafficPolicy=local
grep -q 'services\[0\].externalTrafficPolicy: expected "Cluster" or "Local", got "local"' "$tmp/err" || no "--set enum message"
# An output directory that cannot be created is a run failure (1), and no results appear.
: >"$tmp/file"
expect_rc 1 "unwritable output" "$bin" run scenarios/local-50-25-25.json -o "$tmp/file/out" --set duration_s=1 --set warmup_s=0 -q
# check prints the placement and expected shares.
expect_rc 0 "check" "$bin" check scenarios/local-50-25-25.json
grep -q "50.00%" "$tmp/out" && grep -q "25.00%" "$tmp/out" || no "check shows expected 50/25/25"
# Every shipped scenario is valid.
for s in scenarios/*.json; do expect_rc 0 "check $s" "$bin" check "$s"; done
# compare: one run per combination, comparison.json/csv, a side-by-side table.
expect_rc 0 "compare" "$bin" compare scenarios/local-50-25-25.json -o "$tmp/cmp" --set duration_s=30 \
	--vary 'services[0].externalTrafficPolicy=Cluster,Local' --vary 'loadBalancer.mode=even,round-robin'
[ -s "$tmp/cmp/comparison.json" ] && [ "$(wc -l <"$tmp/cmp/comparison.csv")" -eq 5 ] && ok || no "compare files"
for d in v1_Cluster_even v2_Cluster_round-robin v3_Local_even v4_Local_round-robin; do
	python3 tests/contract.py "$tmp/cmp/$d/results.json" && ok || no "compare variant $d results"
done
grep -q "Cluster/even" "$tmp/out" && grep -q "max/mean" "$tmp/out" || no "compare table"
python3 - "$tmp/cmp/comparison.json" <<'PY' && ok || no "compare: Local variant is not 50/25/25 or Cluster not thirds"
import json, sys
c = json.load(open(sys.argv[1]))
v = {x["label"]: x["services"][0] for x in c["variants"]}
local = [p["share"] for p in v["Local/even"]["pod_shares"]]
clus = [p["share"] for p in v["Cluster/even"]["pod_shares"]]
assert abs(local[0] - 0.5) < 0.02 and abs(local[1] - 0.25) < 0.02, local
assert all(abs(x - 1 / 3) < 0.02 for x in clus), clus
assert v["Cluster/even"]["snat_fraction"] == 1 and v["Local/even"]["snat_fraction"] == 0
PY
# Seed 003 with the scheduler in the loop: the default scheduler piles three of
# six pods on the idle node (8% each against 25% for the lone pods, max/mean
# 1.5 expected); preferred and required anti-affinity spread them one per node
# (1.0). A seventh replica under required stays Pending. 36,000 flows: a
# share's standard error is under 0.0025, the bounds are over 20 of them.
expect_rc 0 "compare anti-affinity" "$bin" compare scenarios/busy-cluster-placement.json -o "$tmp/aa" \
	--set duration_s=30 --vary 'workloads[0].podAntiAffinity.type=none,preferred,required'
python3 - "$tmp/aa/comparison.json" <<'PY' && ok || no "compare anti-affinity: none should skew 1.5, preferred/required spread"
import json, sys
c = json.load(open(sys.argv[1]))
v = {x["label"]: x["services"][0] for x in c["variants"]}
assert abs(v["none"]["max_over_mean"] - 1.5) < 0.06, v["none"]["max_over_mean"]
for k in ("preferred", "required"):
    assert v[k]["max_over_mean"] < 1.06, (k, v[k]["max_over_mean"])
    assert len({p["node"] for p in v[k]["pod_shares"]}) == 6, k
PY
expect_rc 0 "required leaves the excess Pending" "$bin" check scenarios/busy-cluster-placement.json \
	--set 'workloads[0].podAntiAffinity.type=required' --set 'workloads[0].replicas=7'
grep -qi "pending" "$tmp/out" || no "check names the Pending pod"
expect_rc 2 "compare without --vary" "$bin" compare scenarios/local-50-25-25.json
expect_rc 2 "compare bad value" "$bin" compare scenarios/local-50-25-25.json -o "$tmp/cmp2" \
	--vary 'services[0].externalTrafficPolicy=Cluster,Locale'
grep -q "variant Locale: --set: services\[0\].externalTrafficPolicy: expected" "$tmp/err" || no "compare bad value message"
expect_rc 0 "compare --help" "$bin" compare --help
# SIGINT during a long run: exit 130 and no results.json.
"$bin" run scenarios/bench-reference.json -o "$tmp/int" --set duration_s=100000 -q >/dev/null 2>&1 &
pid=$!
sleep 1
kill -INT $pid
wait $pid
rc=$?
[ "$rc" -eq 130 ] && ok || no "SIGINT: exit $rc, want 130"
[ -e "$tmp/int/results.json" ] && no "interrupted run left results.json" || ok

# SIGTERM: exit 143, nothing written.
"$bin" run scenarios/bench-reference.json -o "$tmp/term" --set duration_s=100000 -q >/dev/null 2>&1 &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
rc=$?
[ "$rc" -eq 143 ] && ok || no "SIGTERM: exit $rc, want 143"
[ -e "$tmp/term/results.json" ] && no "terminated run left results.json" || ok
# Past 200,000 Service x node pairs (here 101 x 2,000), node counters are
# kept per node for all Services: each Service lists no node rows, the
# top-level nodes carry the traffic counters (summing to the offered flows
# the LB placed), nodes.csv has one '*' row per node, and the contract holds.
python3 - "$tmp/wide.json" <<'PY'
import json, sys
n = 101
json.dump({"name": "wide", "seed": 1, "duration_s": 2,
    "nodes": [{"generate": {"count": 2000, "prefix": "n"}}],
    "workloads": [{"kind": "Deployment", "name": f"w{i}", "replicas": 2, "labels": {"app": f"w{i}"},
                   "pin": [f"n{2 * i}", f"n{2 * i + 1}"]} for i in range(n)],
    "services": [{"name": f"s{i}", "type": "LoadBalancer", "selector": {"app": f"w{i}"},
                  "externalTrafficPolicy": "Cluster"}
                 for i in range(n)],
    "clients": [{"name": f"c{i}", "service": f"s{i}", "arrival": {"process": "poisson", "rate_per_s": 200}}
                for i in range(n)],
    "timeline": [{"at_s": 1, "action": "delete_pod", "pod": "w0-0"}]}, open(sys.argv[1], "w"))
PY
expect_rc 0 "run at node-row scale" "$bin" run "$tmp/wide.json" -q -o "$tmp/wide"
python3 tests/contract.py "$tmp/wide/results.json" && ok || no "node-row scale results contract"
python3 - "$tmp/wide" <<'PY' && ok || no "node-row scale: per-node counters for all Services"
import csv, json, sys
r = json.load(open(sys.argv[1] + "/results.json"))
assert all(s["nodes"] == [] for s in r["services"])
placed = sum(s["flows"]["offered"] - s["flows"]["drops"]["lb_no_healthy_node"] for s in r["services"])
assert placed > 0 and sum(n["lb_flows"] for n in r["nodes"]) == placed
rows = list(csv.DictReader(open(sys.argv[1] + "/nodes.csv")))
assert len(rows) == 2000 and all(x["service"] == "*" for x in rows)
assert sum(int(x["lb_flows"]) for x in rows) == placed
# the time series keeps its pod rows and a row per Service but has no
# per-Service node rows; the Service rows count every node healthy (no
# health check: Cluster's nodes all answer) and end at the results' totals
ts = list(csv.DictReader(open(sys.argv[1] + "/timeseries.csv")))
kinds = {x["kind"] for x in ts}
assert kinds == {"pod", "service"}, kinds
svc = [x for x in ts if x["kind"] == "service"]
assert len(svc) == 101 * len({x["time_s"] for x in ts}) and all(x["lb_healthy"] == "2000" for x in svc)
last = {x["service"]: x for x in svc}
for s in r["services"]:
    f = s["flows"]
    assert int(last[s["name"]]["flows"]) == f["offered"], (last[s["name"]], f)
    assert int(last[s["name"]]["completed"]) <= f["completed"] and int(last[s["name"]]["dropped"]) == f["dropped"]
PY
# The time series is kept in a temporary file, not in memory: 2,000 pods
# sampled every 0.05 s write over 1 MB of rows per simulated second, and peak
# RSS after 16 s is within 6 MB of that after 1 s (kept in memory, the rows
# of 16 s add ~22 MB, with the growth of the buffer; the low rate keeps
# the conntrack TIME_WAIT entries, which grow for 120 s, small). The temporary
# file is gone after the run, and timeseries.csv has every sample's rows.
# (Not the memory under the sanitizers: ASan's quarantine keeps what is freed.)
python3 - "$tmp/ts.json" <<'PY'
import json, sys
json.dump({"name": "ts", "seed": 1, "duration_s": 1, "output": {"sample_interval_s": 0.05},
    "nodes": [{"generate": {"count": 20, "prefix": "n"}}],
    "workloads": [{"kind": "Deployment", "name": "w", "replicas": 2000, "labels": {"app": "w"}}],
    "services": [{"name": "s", "type": "LoadBalancer", "selector": {"app": "w"}}],
    "clients": [{"name": "c", "service": "s", "arrival": {"process": "poisson", "rate_per_s": 100}}],
    "timeline": [{"at_s": 0.5, "action": "set_rate", "client": "c", "rate_per_s": 200}]}, open(sys.argv[1], "w"))
PY
mkdir -p "$tmp/tsdir"
for d in 1 16; do
	expect_rc 0 "time series of ${d} s" env TMPDIR="$tmp/tsdir" "$bin" run "$tmp/ts.json" -o "$tmp/ts$d" --set duration_s=$d -q
done
python3 - "$tmp/ts1" "$tmp/ts16" "${KTSIM_SAN:-0}" <<'PY' && ok || no "time series: memory flat, every sample written"
import json, sys
rss = [json.load(open(d + "/results.json"))["sim"]["peak_rss_mb"] for d in sys.argv[1:3]]
assert sys.argv[3] == "1" or rss[1] - rss[0] < 6, rss
rows = open(sys.argv[2] + "/timeseries.csv").read().splitlines()
assert len(rows) > 15.95 / 0.05 * 2000 and float(rows[-1].split(",")[0]) >= 15.95, (len(rows), rows[-1])
PY
[ -z "$(ls -A "$tmp/tsdir")" ] && ok || no "time series: temporary file left in TMPDIR"
# Without a usable TMPDIR the run fails (1), says so, and writes no results.
expect_rc 1 "time series without TMPDIR" env TMPDIR="$tmp/none" "$bin" run "$tmp/ts.json" -o "$tmp/tsno" -q
grep -q "timeseries.csv: cannot keep its rows in a temporary file in $tmp/none (set TMPDIR" "$tmp/err" && ok || no "TMPDIR message"
[ -e "$tmp/tsno/results.json" ] && no "results.json written without the time series" || ok
# IPVS at scale: every (node, Service) pair has its own virtual service; with
# kube-proxy's rr they cost a few dozen bytes each, not a copy of every
# server's weight and counts (1,000 nodes x 100 Services of 50 pods: ~2 MB
# over iptables, was 76 MB), and a short run sizes its TIME_WAIT queue for
# its own length (both ~40 MB, were 291 and 367).
python3 - "$tmp/ipvsmem.json" <<'PY'
import json, sys
json.dump({"name": "ipvs-mem", "seed": 1, "duration_s": 2,
    "nodes": [{"generate": {"count": 1000, "prefix": "n"}}],
    "workloads": [{"kind": "Deployment", "name": f"w{i}", "replicas": 50, "labels": {"app": f"w{i}"}}
                  for i in range(100)],
    "services": [{"name": f"s{i}", "type": "LoadBalancer", "selector": {"app": f"w{i}"}} for i in range(100)],
    "clients": [{"name": f"c{i}", "service": f"s{i}", "arrival": {"process": "poisson", "rate_per_s": 1000}}
                for i in range(100)]}, open(sys.argv[1], "w"))
PY
for m in iptables ipvs; do
	expect_rc 0 "1,000 nodes x 100 Services, $m" "$bin" run "$tmp/ipvsmem.json" -o "$tmp/mem-$m" --set proxy.mode=$m -q
done
python3 - "$tmp/mem-iptables" "$tmp/mem-ipvs" "${KTSIM_SAN:-0}" <<'PY' && ok || no "IPVS memory at 100,000 (node, Service) pairs"
import json, sys
rss = [json.load(open(d + "/results.json"))["sim"]["peak_rss_mb"] for d in sys.argv[1:3]]
assert sys.argv[3] == "1" or (rss[0] < 100 and rss[1] - rss[0] < 25), rss
PY
# The summary at scale: past 10 Services one line each and the blocks of the
# most skewed and the most dropping; past 24 pods a pod table shows the 10
# busiest and the 5 idlest around a line counting the rest.
python3 - "$tmp/many.json" <<'PY'
import json, sys
json.dump({"name": "many", "seed": 1, "duration_s": 5,
    "nodes": [{"generate": {"count": 4, "prefix": "n"}}],
    "workloads": [{"kind": "Deployment", "name": f"w{i}", "replicas": 30, "labels": {"app": f"w{i}"},
                   "pin": [f"n{k % (2 if i == 7 else 4)}" for k in range(30)]} for i in range(12)],
    "services": [{"name": f"s{i}", "type": "LoadBalancer", "selector": {"app": f"w{i}"},
                  "externalTrafficPolicy": "Local" if i == 7 else "Cluster"} for i in range(12)],
    "clients": [{"name": f"c{i}", "service": f"s{i}", "arrival": {"process": "poisson", "rate_per_s": 600}}
                for i in range(12)]}, open(sys.argv[1], "w"))
PY
expect_rc 0 "run with 12 Services of 30 pods" env LANG=C "$bin" run "$tmp/many.json" -o "$tmp/many"
python3 - "$tmp/out" <<'PY' && ok || no "summary at scale: overview, details, pod tables cut"
import re, sys
t = open(sys.argv[1]).read()
assert "12 Services (each in full: results.json, pods.csv)" in t, t[:400]
assert len(re.findall(r"^  s\d+ +(Cluster|Local) ", t, re.M)) == 12
assert "in detail: the 3 most skewed (max/mean) and the 1 dropping the most flows" in t
blocks = re.findall(r"^service (s\d+) ", t, re.M)
assert "s7" in blocks and 3 <= len(blocks) <= 4, blocks
assert t.count("... 15 more pods, shares ") == len(blocks)
assert len(re.findall(r"^  w\d+-\d+ +n\d ", t, re.M)) == 15 * len(blocks)
PY
# plot draws a progress bar when stderr is a terminal (script(1) gives it a
# pty) and there are 20 figures or more, and none into a file.
if command -v gnuplot >/dev/null 2>&1; then
	if script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
		script -qec "$bin plot $tmp/many" /dev/null >"$tmp/pty" 2>&1 </dev/null
		grep -q "37/37 figures" "$tmp/pty" && ok || no "plot progress bar on a terminal"
	else
		echo "cli: no pseudo-terminal here; the progress bar is not checked"
	fi
	expect_rc 0 "plot into a file" "$bin" plot "$tmp/many"
	grep -q "figures" "$tmp/err" && no "plot progress bar into a file" || ok
fi
# run draws its bar once a run has taken half a second, on a terminal only,
# and blanks it before the summary (a 1,000 s reference run takes ~2 s).
if script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
	script -qec "$bin run scenarios/bench-reference.json --set duration_s=1000 -o $tmp/bar" \
		/dev/null >"$tmp/pty" 2>&1 </dev/null
	grep -q "s simulated  ETA" "$tmp/pty" && grep -q "bench-reference  (seed 1)" "$tmp/pty" && ok ||
		no "run progress bar on a terminal"
fi
expect_rc 0 "run into a file" "$bin" run scenarios/bench-reference.json --set duration_s=300 \
	-o "$tmp/bar"
grep -q "ETA" "$tmp/err" && no "run progress bar into a file" || ok
# compare past 10 Services: a line per Service, then the blocks of those whose
# figures differ most between the variants (s7 is the one Local drops).
expect_rc 0 "compare with 12 Services" "$bin" compare "$tmp/many.json" -o "$tmp/cmpmany" \
	--vary 'services[7].externalTrafficPolicy=Local,Cluster'
python3 - "$tmp/out" <<'PY' && ok || no "compare at scale: overview and the differing Services"
import re, sys
t = open(sys.argv[1]).read()
assert "12 Services (each in full: comparison.json, comparison.csv)" in t, t[:400]
assert len(re.findall(r"^  s\d+ +\d", t, re.M)) == 12
assert "and the 1 whose drops differ most" in t
blocks = re.findall(r"^service (s\d+)$", t, re.M)
assert "s7" in blocks and 3 <= len(blocks) <= 4, blocks
PY
# check cuts its pod tables the same way and, past 50 nodes, sums the LB
# split up instead of listing nodes.
expect_rc 0 "check with 12 Services of 30 pods" "$bin" check "$tmp/many.json"
[ "$(grep -c '^  \.\.\. 15 more pods, expected ' "$tmp/out")" -eq 12 ] && ok || no "check cuts pod tables"
expect_rc 0 "check at 2,000 nodes" "$bin" check "$tmp/wide.json"
grep -q "LB split: 2000 of 2000 nodes, 0.05% to 0.05% each" "$tmp/out" && ok || no "check sums up a wide LB split"
grep -q "^placement (the first 200 nodes)" "$tmp/out" && ok || no "check says the placement is cut"
# A directory, not a file.
expect_rc 2 "directory as scenario" "$bin" check "$tmp"
grep -q "is a directory" "$tmp/err" || no "directory message"
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
