#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# expect.sh TOOL EXPECTED_FILE EXIT_CODE ARGS...: run TOOL ARGS, compare its
# stdout+stderr with EXPECTED_FILE exactly and its exit code with EXIT_CODE.
tool=$1 expected=$2 code=$3
shift 3
out=$("$tool" "$@" 2>&1)
rc=$?
if [ "$rc" != "$code" ]; then
	echo "exit code $rc, expected $code"
	printf '%s\n' "$out"
	exit 1
fi
if ! printf '%s\n' "$out" | diff -u "$expected" -; then
	echo "output differs from $expected"
	exit 1
fi
echo "1 passed, 0 failed"
