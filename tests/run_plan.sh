#!/bin/sh
# ktsim plan: the minimum it finds for each option equals an exhaustive
# sweep's, and the recommended plan holds in runs with other seeds.
# Usage: tests/run_plan.sh ./ktsim
bin=${1:-./ktsim}
pass=0 fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
no() { echo "FAIL $*"; fail=$((fail + 1)); }

sc=scenarios/capacity-plan.json
common="--set duration_s=20 --set warmup_s=3"
# shellcheck disable=SC2086
"$bin" plan $sc --rps 4000 --slo-p99-ms 30 $common -o "$tmp/plan" >"$tmp/out" 2>"$tmp/err" && ok ||
	{ no "plan"; cat "$tmp/err"; }
for f in report.md report.html plan.json p99.png skew.png; do
	[ -s "$tmp/plan/$f" ] && ok || no "plan wrote no $f"
done
grep -q '^recommended: ' "$tmp/out" && ok || no "plan names a recommendation"
grep -q 'data:image/png;base64,' "$tmp/plan/report.html" && ok || no "report.html inlines its plots"
# Exhaustive: every replica count from 1 to 14 for the Local and Cluster options.
for pol in Local Cluster; do
	# shellcheck disable=SC2086
	"$bin" sweep $sc $common --set "clients[0].arrival.rate_per_s=4000" \
		--set "services[0].externalTrafficPolicy=$pol" --vary 'workloads[0].replicas=1:14' \
		-q -o "$tmp/sweep-$pol" >/dev/null 2>&1 || no "sweep $pol"
done
python3 - "$tmp/plan/plan.json" "$tmp/sweep-Local/sweep.csv" "$tmp/sweep-Cluster/sweep.csv" <<'PY' && ok || no "plan minimum differs from the exhaustive sweep"
import csv, json, sys
plan = json.load(open(sys.argv[1]))
found = {o["option"]: o["replicas"] for o in plan["options"]}
for name, path in (("Local", sys.argv[2]), ("Cluster", sys.argv[3])):
    rows = list(csv.DictReader(open(path)))
    meets = [int(r["workloads[0].replicas"]) for r in rows
             if float(r["latency_p99_ms"]) <= 30 and float(r["drop_fraction"]) <= 0.001]
    want = min(meets) if meets else 0
    assert found[name] == want, (name, found[name], want)
PY
# The recommendation holds with other seeds.
rec=$(python3 -c "
import json,sys; p=json.load(open(sys.argv[1])); o=[x for x in p['options'] if x['replicas']]
o.sort(key=lambda x: x['replicas']); print(o[0]['option'], o[0]['replicas'])" "$tmp/plan/plan.json")
set -- $rec
case "$1" in Cluster) pol=Cluster ;; *) pol=Local ;; esac
reps=$(echo "$rec" | awk '{print $NF}')
for seed in 11 12; do
	# shellcheck disable=SC2086
	"$bin" run $sc $common --seed $seed -q -o "$tmp/check-$seed" --set "workloads[0].replicas=$reps" \
		--set "clients[0].arrival.rate_per_s=4000" --set "services[0].externalTrafficPolicy=$pol" \
		$( [ "$*" = "Local + weighted LB $reps" ] && echo "--set services[0].loadBalancer={\"mode\":\"weighted\"}" ) \
		>/dev/null 2>&1 || no "check run seed $seed"
	python3 - "$tmp/check-$seed/results.json" <<'PY' && ok || no "recommended plan misses the SLO with seed $seed"
import json, sys
s = json.load(open(sys.argv[1]))["services"][0]
assert s["latency_ms"]["p99"] <= 30 * 1.1 and s["drop_fraction"] <= 0.002, s["latency_ms"]
PY
done
echo "plan: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
