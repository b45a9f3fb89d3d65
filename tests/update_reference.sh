#!/bin/sh
# Regenerate (`make test-update`) or compare (`tests/update_reference.sh BIN --check`)
# the golden summaries: each seed scenario run with its own seed, the summary
# table less its first line (which holds timings) and the results path.
bin=${1:-./ktsim}
# Fix the locale: the table draws its bars in block characters under UTF-8.
export LC_ALL=C.UTF-8
mode=${2:-update}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for s in nodeport-source-ip tke-local-blackhole k3s-whoami-second-hop gitlab-local-spread \
	 kubeadm-nginx-local local-50-25-25 local-empty-node-healthcheck; do
	"$bin" run "scenarios/$s.json" -o "$tmp/$s" | sed -e 1d -e '/^results: /d' >"$tmp/$s.txt" || exit 1
	if [ "$mode" = update ]; then
		cp "$tmp/$s.txt" "tests/reference/$s.txt"
	elif diff -u "tests/reference/$s.txt" "$tmp/$s.txt"; then
		pass=$((pass + 1))
	else
		echo "FAIL reference/$s.txt differs (make test-update regenerates it after a deliberate change)"
		fail=$((fail + 1))
	fi
done
[ "$mode" = update ] && { echo "updated tests/reference"; exit 0; }
echo "reference outputs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
