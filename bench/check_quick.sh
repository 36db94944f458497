#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The CI check of smsfw-bench (suite 'bench'): run the quick mode and check
# that it produced every figure with a number, the ratios and the plot data.
# Never a timed assertion: how fast is not checked, only that it measured.
set -eu
# bare: this checkout's ./build
build=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
bench=${1:-$build/bench/smsfw-bench}
out=${2:-$build/bench/quick}
rm -rf "$out"
mkdir -p "$out"
"$bench" --quick --out "$out" --workdir "$out/work" --no-plots > "$out/stdout.txt"
tsv="$out/results.tsv"
fail=0
keys_tshark=""
if command -v tshark > /dev/null 2>&1; then
	keys_tshark="tshark.sms_per_s tshark.secs_capture_est ratio.smsfw_over_tshark ratio.tshark_time_over_smsfw ratio.smsfw_over_tshark_paired"
fi
for key in $keys_tshark capture.frames capture.sms_parts full.sms_per_s full.pkts_per_s full.gbit_per_s \
    full.ns_per_sms full.lat_p50 full.lat_p99 full.lat_p999 full.burst_lat_p50 full.burst_lat_p99 full.vmrss full.vmhwm \
    io.pkts_per_s io.gbit_per_s decode.sms_per_s stage.decode_ns stage.normalise_ns \
    stage.scan_ns stage.policy_ns stage.engine_ns tables.senders rawhs.texts_per_s \
    scanblock.texts_per_s scale.1.sms_per_s rules.30.sms_per_s rules.100.sms_per_s \
    reload.count reload.lost reload.dip_pct naive.posix.texts_per_s \
    naive.posix.rules_skipped ratio.full_over_rawhs ratio.full_over_rawhs_apart ratio.full_over_io \
    ratio.smsfw_over_naive_posix ratio.full_over_decode goal.2M_sms_1core goal.50pct_rawhs \
    goal.p99_50us tables.lost goal.tables_no_loss stage.verdicts_match stage.dp_overhead_ns \
    truth.parts truth.pass_blocked truth.ham_blocked truth.block_recall_pct truth.ham goal.ham_blocked_0 \
    full.burst_scans full.tail_burst_scans full.noscan_lat_p99 full.burst_fit_r2 full.burst_resid_p99 \
    stage.scan_phased_ns stage.scan_single_part_ns stage.scan_concat_part_ns \
    full.logged_sms_per_s full.logged_over_full full.logged_verdicts_equal; do
	line=$(grep -P "^\Q$key\E\t" "$tsv" || true)
	if [ -z "$line" ]; then
		echo "missing figure: $key"; fail=1; continue
	fi
	v=$(printf '%s\n' "$line" | cut -f2)
	case "$v" in
	*nan*|*inf*|"") echo "figure $key has no value: $v"; fail=1;;
	esac
done
# a scaling run says how its partition split the packets
if grep -qP '^scale\.2\.sms_per_s\t' "$tsv" && ! grep -qP '^scale\.2\.part_max_pct\t' "$tsv"; then
	echo "missing figure: scale.2.part_max_pct"; fail=1
fi
# every run moved every packet: no loss, with or without reloads
lost=$(grep -P '^reload\.lost\t' "$tsv" | cut -f2)
[ "$lost" = "0" ] || { echo "reload lost $lost packets"; fail=1; }
reloads=$(grep -P '^reload\.count\t' "$tsv" | cut -f2)
[ "$reloads" -ge 1 ] 2>/dev/null || { echo "no reload happened under load"; fail=1; }
# the staged replica and the engine agree with the full path
m=$(grep -P '^stage\.verdicts_match\t' "$tsv" | cut -f2)
[ "$m" = "1" ] || { echo "stage verdicts differ from the full path: $(grep -P '^stage\.verdicts_match' "$tsv")"; fail=1; }
# writing the outputs changes no verdict
eq=$(grep -P '^full\.logged_verdicts_equal\t' "$tsv" | cut -f2)
[ "$eq" = "1" ] || { echo "the run with outputs gave other verdicts"; fail=1; }
# every decided part found its truth line, and none is left over
parts=$(grep -P '^capture\.sms_parts\t' "$tsv" | cut -f2)
matched=$(grep -P '^truth\.parts\t' "$tsv" | cut -f2)
[ "$parts" = "$matched" ] || { echo "truth: $matched parts matched of $parts"; fail=1; }
grep -P '^truth\.parts\t' "$tsv" | grep -q '0 parts and 0 lines unmatched' ||
	{ echo "truth: unmatched $(grep -P '^truth\.parts' "$tsv")"; fail=1; }
for f in scaling.dat rules.dat reload.dat latency.dat results.md; do
	[ -s "$out/$f" ] || { echo "missing $f"; fail=1; }
done
grep -q 'ratio.full_over_rawhs' "$out/stdout.txt" || { echo "table not printed"; fail=1; }
[ $fail -eq 0 ] && echo "smsfw-bench quick: every figure present"
exit $fail
