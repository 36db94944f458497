#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# run_fuzz.sh TARGET SEEDS SECONDS: a time-boxed libFuzzer run that keeps
# new inputs in a scratch corpus beside the build, never in the source tree.
set -eu
target=$1 seeds=$2 secs=${FUZZ_SECONDS:-$3}
work="${target}.corpus"
mkdir -p "$work"
# a fixed seed by default so that a failure in CI reproduces; FUZZ_SEED
# picks another (the long runs in the README use random ones)
exec "$target" -seed="${FUZZ_SEED:-1}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 "$work" "$seeds"
