#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# train_golden.sh RULEC: train the tiny hand-made model twice (identical
# bytes: seeded, reproducible), put it into the engine test bundle, then
# explain and eval with it; a broken spec gives file:line. The output is
# compared with train_golden.expected by expect.sh. Run from rules/.
set -e
rulec=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== train"
"$rulec" train tests/train/tiny.train --data tests/train -o "$tmp/a.model" |
	sed -e "s|$tmp|TMP|" -e 's/, [0-9.]* s$//'
"$rulec" train tests/train/tiny.train --data tests/train -o "$tmp/b.model" >/dev/null
cmp "$tmp/a.model" "$tmp/b.model" && echo "retrained: the same bytes"
"$rulec" compile tests/engine --model "$tmp/a.model" -o "$tmp/e.bundle" | sed "s|$tmp|TMP|"
echo "== explain"
"$rulec" explain --bundle "$tmp/e.bundle" "您好我是市公安局民警，请立即转账到安全账户"
echo "== eval"
"$rulec" eval --bundle "$tmp/e.bundle" --tsv tests/train/fraud.tsv --group-col 2 | sed "s|$tmp|BUNDLE|"
echo "== eval --count-tag"
"$rulec" eval --bundle "$tmp/e.bundle" --tsv tests/train/ads.tsv --count-tag --summary-only |
	sed "s|$tmp|BUNDLE|"
echo "== broken spec"
printf 'class fraud fraud_impersonation\ncorpus fraud.tsv\nmap 1 nosuch+\n' >"$tmp/bad.train"
"$rulec" train "$tmp/bad.train" -o "$tmp/c.model" 2>&1 | sed "s|$tmp|TMP|" || true
echo "== corrupted model refused by compile"
cp "$tmp/a.model" "$tmp/d.model"
printf 'X' | dd of="$tmp/d.model" bs=1 seek=100 conv=notrunc 2>/dev/null
"$rulec" compile tests/engine --model "$tmp/d.model" -o "$tmp/f.bundle" 2>&1 | sed "s|$tmp|TMP|" || true
