#!/bin/sh
# big_set.sh RULEC STARTER_DIR WORKDIR: the starter set plus 2,000
# generated rules (gen_rules.sh) checks (with the ham check), passes its
# examples and compiles; the counts are asserted, the time is recorded in
# bench/RESULTS.md, not here.
set -u
rulec=$1 starter=$2 work=$3
here=$(dirname "$0")
rm -rf "$work" && mkdir -p "$work" || exit 1
sh "$here/gen_rules.sh" 2000 "$work" || exit 1
cp "$starter"/*.rules "$work"/ || exit 1
n_starter=$(cat "$starter"/*.rules | grep -c '^rule ')
want=$((n_starter + 2000))
out=$("$rulec" check "$work" 2>&1) || { echo "check failed:"; printf '%s\n' "$out"; exit 1; }
case $out in
"ok: $want rules, "*) ;;
*) echo "check: expected ok: $want rules, got: $out"; exit 1 ;;
esac
out=$("$rulec" test "$work" 2>&1) || { echo "test failed:"; printf '%s\n' "$out" | tail -5; exit 1; }
ex=$(grep -c '^  \(no\)\?match ' "$work"/*.rules | awk -F: '{s += $2} END {print s}')
[ "$out" = "$ex examples in $want rules: $ex passed, 0 failed" ] || { echo "test: $out (want $ex examples)"; exit 1; }
"$rulec" compile "$work" -o "$work/big.bundle" || { echo "compile failed"; exit 1; }
[ -s "$work/big.bundle" ] || { echo "no bundle"; exit 1; }
echo "$want rules: check, test and compile ok"
