#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# gen_check.sh [PCAPGEN DECODE ORACLE WORKDIR NAME [pcapgen options...]]
# Generates a capture, then checks smsfw-decode against tshark and against
# the generator's ground truth. Ends with "N passed, M failed". Bare, it
# uses this checkout's ./build and a 300-message capture named "bare".
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-$here/../../build}
if [ $# -ge 5 ]; then
	gen=$1 dec=$2 oracle=$3 work=$4 name=$5
	shift 5
else
	gen=$build/pcap/gen/smsfw-pcapgen dec=$build/pcap/decode/smsfw-decode
	oracle=$here/oracle.py work=$build/tests/pcap/work name=bare
	set -- --messages 300 --seed 11
fi
mkdir -p "$work"
"$gen" --quiet --out "$work/$name" "$@" || { echo "0 passed, 1 failed"; exit 1; }
rc=0
python3 "$oracle" --decode "$dec" --capture "$work/$name.pcap" --mode sms || rc=1
python3 "$oracle" --decode "$dec" --capture "$work/$name.pcap" --mode truth --truth "$work/$name.truth.jsonl" || rc=1
exit $rc
