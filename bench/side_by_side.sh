#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Two builds' engine time on one capture, measured at the same moment.
#
#   bench/side_by_side.sh OLD_BENCH NEW_BENCH CAPTURE [ROUNDS]
#
# Each round runs `smsfw-bench --pcap CAPTURE --profile engine` of both
# builds at once, one pinned to each of the first two CPUs (taskset), the
# CPUs and which one starts first swapped every round, and prints the
# best of each run's three passes (CPU ns per SMS part) and new/old. On a
# shared host whose speed drifts by tens of percent from one minute to the
# next, two runs side by side meet the same slow moments, so the per-round
# ratio is the figure to compare; its median over the rounds is printed
# last. Run it with the same build twice first: the spread of that A/A
# median is what a difference must exceed. Each build keeps its own work
# directory (BENCH_WORK, default /tmp/smsfw-side), where it compiles its
# starter bundle first, once, alone (so that a compile does not overlap
# the other build's timed passes).
set -eu
if [ $# -lt 3 ]; then
	echo "usage: $0 OLD_BENCH NEW_BENCH CAPTURE [ROUNDS]" >&2
	exit 2
fi
old=$1 new=$2 cap=$3 rounds=${4:-4}
work=${BENCH_WORK:-/tmp/smsfw-side}
mkdir -p "$work/old" "$work/new"
best() {
	sed -n 's/.*profile run [0-9]*: cpu \([0-9.]*\) ns.*/\1/p' "$1" | sort -n | head -n 1
}
for b in old new; do
	eval bin=\$$b
	[ -n "$(ls "$work/$b"/starter-*.bundle 2> /dev/null)" ] ||
		"$bin" --workdir "$work/$b" --pcap "$cap" --profile decode > "$work/$b.txt" 2>&1 ||
		{ echo "$b build failed: $work/$b.txt" >&2; exit 1; }
done
ratios=""
i=1
while [ "$i" -le "$rounds" ]; do
	# odd rounds: old on CPU 0 and started first; even rounds: new
	if [ $((i % 2)) -eq 1 ]; then first=old second=new; else first=new second=old; fi
	for b in $first $second; do
		eval bin=\$$b
		cpu=0
		[ "$b" = "$second" ] && cpu=1
		taskset -c "$cpu" "$bin" --workdir "$work/$b" --pcap "$cap" --profile engine > "$work/$b.txt" 2>&1 &
		eval p$b=\$!
	done
	for b in old new; do
		eval pid=\$p$b
		wait "$pid" || { echo "$b build failed: $work/$b.txt" >&2; exit 1; }
	done
	o=$(best "$work/old.txt")
	n=$(best "$work/new.txt")
	if [ -z "$o" ] || [ -z "$n" ]; then
		echo "no profile figure: $work/old.txt $work/new.txt" >&2
		exit 1
	fi
	r=$(awk -v o="$o" -v n="$n" 'BEGIN { printf "%.4f", n / o }')
	echo "round $i: old $o ns, new $n ns, new/old $r"
	ratios="$ratios $r"
	i=$((i + 1))
done
echo "$ratios" | tr ' ' '\n' | sed '/^$/d' | sort -n |
	awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
	       printf "median new/old over %d rounds: %.4f\n", NR, m }'
