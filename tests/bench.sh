#!/bin/sh
# `make bench`: one line per benchmark with events/s, ns/event, wall time and
# peak RSS. Figures come from each run's results.json (sim.events, wall_s,
# peak_rss_mb), so they measure the real simulator with every statistic on.
# Usage: tests/bench.sh ./ktsim
bin=${1:-./ktsim}
out=${BENCH_OUT:-out/bench}
mkdir -p "$out"
line() { # NAME DIR
	python3 - "$1" "$2/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[2]))
s = r["sim"]
eps = s["events"] / s["wall_s"] if s["wall_s"] > 0 else 0
flows = sum(v["flows"]["completed"] for v in r["services"])
print(f"{sys.argv[1]:<28} {eps/1e6:7.2f} M events/s  {1e9/eps if eps else 0:6.1f} ns/event  "
      f"wall {s['wall_s']:6.2f} s  peak RSS {s['peak_rss_mb']:7.1f} MiB  "
      f"({s['events']} events, {flows} flows completed)")
PY
}
if [ -x build/bench-engine ]; then build/bench-engine; fi
if [ -x build/bench-placement ]; then build/bench-placement; fi
# Best of RUNS runs (default 3): the machine is shared and noisy; the
# fastest run (by the event loop's wall time) is the one least disturbed.
# Sets whole: the wall clock of that run's whole process.
best() { # NAME DIR ARGS...
	name=$1 dir=$2; shift 2
	bestw=""
	for i in $(seq "${RUNS:-3}"); do
		t1=$(date +%s.%N)
		"$bin" run "$@" -q -o "$dir.$i" || exit 1
		t2=$(date +%s.%N)
		w=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sim"]["wall_s"])' "$dir.$i/results.json")
		if [ -z "$bestw" ] || python3 -c "import sys; sys.exit(0 if $w < $bestw else 1)"; then
			bestw=$w; whole=$(python3 -c "print(f'{$t2 - $t1:.2f}')")
			rm -rf "$dir"; cp -r "$dir.$i" "$dir"
		fi
		rm -rf "$dir.$i"
	done
	line "$name" "$dir"
}
for policy in Cluster Local; do
	best "bench-reference ($policy)" "$out/reference-$policy" scenarios/bench-reference.json \
		--set "services[0].externalTrafficPolicy=$policy"
done
# The scale envelope (5,000 nodes, 150,000 pods, 1,000 Services, 500,000
# flows/s): load and placement are timed by `ktsim check`; the run, for
# ENVELOPE_S simulated seconds (default 20: 10 million flows; 200 is the
# whole 100-million-flow scenario, about 3 minutes here), by its
# results.json for the event loop and by the wall clock for everything
# (load, placement, run, writing 150,000 pods' results).
t0=$(date +%s.%N)
"$bin" check scenarios/bench-envelope.json >/dev/null || exit 1
t1=$(date +%s.%N)
echo "bench-envelope load+placement      $(python3 -c "print(f'{$t1 - $t0:.2f}')") s"
# Best of ENVELOPE_RUNS (default 3), as for the reference: this machine's
# memory is shared, and one run can vary by 20%.
es=${ENVELOPE_S:-20}
RUNS=${ENVELOPE_RUNS:-3} best "bench-envelope (${es} s simulated)" "$out/envelope" \
	scenarios/bench-envelope.json --set duration_s="$es"
echo "bench-envelope whole run          $whole s (load, placement, run, results; of the fastest run)"
# Control-plane work: a 1,000-pod rolling update on 500 nodes beside 3,000
# Pending pods (scheduler retries, 500 proxy syncs per endpoint change, an
# LB that follows the nodes' endpoints); the wall clock of the whole run.
t3=$(date +%s.%N)
"$bin" run scenarios/bench-rollout.json -q -o "$out/rollout" || exit 1
t4=$(date +%s.%N)
echo "bench-rollout whole run           $(python3 -c "print(f'{$t4 - $t3:.2f}')") s (500 nodes, 1,000-pod rollout, 3,000 Pending)"
# Memory must not grow with the number of flows simulated: the same model
# (Cluster) for 10 M and for 100 M flows (19.2 flows/ms), peak RSS within 5%.
for n in 10 100; do
	"$bin" run scenarios/bench-reference.json -q -o "$out/flows-${n}M" \
		--set "duration_s=$((n * 1000000 / 19200 + 1))" || exit 1
	line "bench-reference ${n}M flows" "$out/flows-${n}M"
done
python3 - "$out/flows-10M/results.json" "$out/flows-100M/results.json" <<'PY'
import json, sys
a, b = (json.load(open(p))["sim"]["peak_rss_mb"] for p in sys.argv[1:3])
growth = (b - a) / a
print(f"memory check: peak RSS {a:.1f} MiB at 10M flows, {b:.1f} MiB at 100M flows "
      f"({growth:+.1%}): {'ok' if abs(growth) <= 0.05 else 'FAIL, over 5%'}")
sys.exit(0 if abs(growth) <= 0.05 else 1)
PY
