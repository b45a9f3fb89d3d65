#!/bin/sh
# Sweeps: a grid with a range and a list, resumable, and the same bytes
# from one process and from two MPI ranks.
# Usage: tests/run_sweep.sh ./ktsim build-mpi/ktsim
bin=${1:-./ktsim}
mpibin=${2:-build-mpi/ktsim}
pass=0 fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
no() { echo "FAIL $*"; fail=$((fail + 1)); }

args="scenarios/local-50-25-25.json --set duration_s=15 --set warmup_s=1 -q
 --vary clients[0].arrival.rate_per_s=200:600:200 --vary services[0].externalTrafficPolicy=Cluster,Local"
# shellcheck disable=SC2086
"$bin" sweep $args -o "$tmp/serial" >/dev/null 2>"$tmp/err" && ok || { no "serial sweep"; cat "$tmp/err"; }
[ "$(wc -l <"$tmp/serial/sweep.csv")" -eq 7 ] && ok || no "sweep.csv has 1 + 6 rows"
grep -q '^5,600,Local,web,' "$tmp/serial/sweep.csv" && ok || no "last point is rate 600, Local"
python3 - "$tmp/serial/sweep.csv" <<'PY' && ok || no "Local points are 50/25/25 (max/mean 1.5), Cluster ones 1"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    m = float(r["max_over_mean"])
    want = 1.5 if r["services[0].externalTrafficPolicy"] == "Local" else 1.0
    assert abs(m - want) < 0.08, (r, m)
PY
# Plots: sweep-web.dat, a row per point (3 rates x 2 policies), and its script.
dat="$tmp/serial/plots/sweep-web.dat"
[ -s "$dat" ] && [ -s "$tmp/serial/plots/sweep-web.gp" ] && ok || no "sweep wrote no plots/sweep-web.dat and .gp"
[ "$(grep -c '^[0-9]' "$dat" 2>/dev/null)" -eq 6 ] && ok || no "sweep-web.dat has 6 rows"
# Resume: only a missing point runs again.
touch -d '2000-01-01' "$tmp/serial/points"/*/results.json
rm "$tmp/serial/points/p4_600_Cluster/results.json"
cp "$tmp/serial/sweep.csv" "$tmp/before.csv"
# shellcheck disable=SC2086
"$bin" sweep $args -o "$tmp/serial" >/dev/null 2>&1 && ok || no "resumed sweep"
old=$(find "$tmp/serial/points" -name results.json ! -newermt '2001-01-01' | wc -l)
[ "$old" -eq 5 ] && ok || no "resume re-ran finished points ($old of 5 untouched)"
cmp -s "$tmp/before.csv" "$tmp/serial/sweep.csv" && ok || no "resumed sweep.csv differs"
# MPI: two ranks, same bytes.
if [ -x "$mpibin" ] && command -v mpirun >/dev/null; then
	# shellcheck disable=SC2086
	OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 \
		mpirun -np 2 "$mpibin" sweep $args -o "$tmp/mpi" >/dev/null 2>"$tmp/err" && ok ||
		{ no "mpirun -np 2 sweep"; cat "$tmp/err"; }
	cmp -s "$tmp/before.csv" "$tmp/mpi/sweep.csv" && ok || no "MPI sweep.csv differs from serial"
	cmp -s "$tmp/serial/sweep.json" "$tmp/mpi/sweep.json" && ok || no "MPI sweep.json differs from serial"
else
	no "no MPI build ($mpibin) or no mpirun"
fi
expect2() { "$@" >/dev/null 2>&1; [ $? -eq 2 ] && ok || no "want exit 2: $*"; }
expect2 "$bin" sweep scenarios/local-50-25-25.json
expect2 "$bin" sweep scenarios/local-50-25-25.json --vary duration_s=5:1
echo "sweep: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
