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
for policy in Cluster Local; do
	"$bin" run scenarios/bench-reference.json -q -o "$out/reference-$policy" \
		--set "services[0].externalTrafficPolicy=$policy" || exit 1
	line "bench-reference ($policy)" "$out/reference-$policy"
done
