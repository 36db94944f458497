#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# run_fuzz.sh TARGET [SEEDS [SECONDS]]: a time-boxed libFuzzer run that keeps
# new inputs in a scratch corpus beside the build, never in the source tree.
# TARGET may be a name (tcap): build-fuzz/tests/fuzz/fuzz_tcap with the
# seeds of tests/fuzz/corpus/tcap, 10 s.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: run_fuzz.sh TARGET|NAME [SEEDS [SECONDS]]" >&2; exit 2; }
target=$1
case "$target" in
*/*) ;;
*) target=$here/../../build-fuzz/tests/fuzz/fuzz_${1#fuzz_} ;;
esac
name=${target##*/fuzz_}
seeds=${2:-$here/corpus/$name}
secs=${FUZZ_SECONDS:-${3:-10}}
work="${target}.corpus"
mkdir -p "$work"
# a fixed seed by default so that a failure in CI reproduces; FUZZ_SEED
# picks another (the long runs in the README use random ones)
exec "$target" -seed="${FUZZ_SEED:-1}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 "$work" "$seeds"
