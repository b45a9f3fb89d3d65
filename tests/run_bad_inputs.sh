#!/bin/sh
# Bad-input cases as data (jq/git style): each tests/scenarios/bad/CASE.json
# is checked with `ktsim check` (plus the arguments in CASE.args, if any);
# the exit status must be exactly 2 and stderr must equal CASE.err.
# Usage: tests/run_bad_inputs.sh ./ktsim
bin=${1:-./ktsim}
dir=tests/scenarios/bad
pass=0 fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for json in "$dir"/*.json; do
	case=${json%.json}
	name=$(basename "$case")
	args=""
	[ -f "$case.args" ] && args=$(cat "$case.args")
	# shellcheck disable=SC2086
	"$bin" check "$json" $args >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	if [ "$rc" -ne 2 ]; then
		echo "FAIL bad/$name: exit status $rc, want 2"; cat "$tmp/err"; fail=$((fail + 1)); continue
	fi
	if ! diff -u "$case.err" "$tmp/err" >"$tmp/diff"; then
		echo "FAIL bad/$name: stderr differs from $name.err"; cat "$tmp/diff"; fail=$((fail + 1)); continue
	fi
	pass=$((pass + 1))
done
echo "bad inputs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
