#!/bin/sh
# A short run under valgrind: no invalid access, no uninitialised use, no
# definite leak (exit 3 otherwise).
# Usage: tests/run_valgrind.sh ./ktsim
bin=${1:-./ktsim}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if ! command -v valgrind >/dev/null; then
	echo "valgrind: 0 passed, 1 failed (valgrind not installed)"
	exit 1
fi
fail=0
for s in local-50-25-25 local-pod-loss; do
	valgrind -q --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite \
		"$bin" run "scenarios/$s.json" --set duration_s=75 --set warmup_s=1 -q -o "$tmp/$s" \
		>"$tmp/out" 2>"$tmp/err" || { echo "FAIL valgrind $s"; cat "$tmp/err"; fail=$((fail + 1)); }
done
echo "valgrind: $((2 - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
