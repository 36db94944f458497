#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# starter_model.sh RULEC: retrain the starter model from the dev corpora in
# ../shared/data/corpora with rules/model/starter.train and check that it is
# byte for byte rules/model/starter.model (the command in that spec
# reproduces the shipped model). Skipped (77) when the corpora are absent.
# Run from rules/.
rulec=$1
data=../../shared/data/corpora
[ -d "$data" ] || data=../shared/data/corpora
if [ ! -f "$data/zh_telecom_fraud.dev.tsv" ]; then
	echo "skipped: ../shared/data/corpora is absent"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$rulec" train model/starter.train --data "$data" -o "$tmp/starter.model" >"$tmp/log" || {
	cat "$tmp/log"
	exit 1
}
if cmp -s "$tmp/starter.model" model/starter.model; then
	tail -1 "$tmp/log" | sed "s|$tmp/||"
	echo "1 passed, 0 failed: retrained starter model is identical"
	exit 0
fi
cat "$tmp/log"
echo "retrained model differs from rules/model/starter.model"
exit 1
