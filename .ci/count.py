#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Sum test cases over a meson testlog.json: a test program that prints
"N passed, M failed" counts N+M cases; any other test counts as one case.
A program that failed but claims no failed case counts one failure.
Prints "passed failed" and details of failures on stderr."""
import json
import re
import sys

PAT = re.compile(r"^(\d+) passed, (\d+) failed", re.M)
passed = failed = 0
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    t = json.loads(line)
    ok = t.get("result") in ("OK", "EXPECTEDFAIL")
    skipped = t.get("result") == "SKIP"
    if skipped:
        continue
    m = PAT.findall(t.get("stdout") or "")
    if m:
        p = sum(int(a) for a, _ in m)
        f = sum(int(b) for _, b in m)
        if not ok and f == 0:
            f = 1
    else:
        p, f = (1, 0) if ok else (0, 1)
    if f:
        print(f"FAILED: {t.get('name')} ({t.get('result')})", file=sys.stderr)
    passed += p
    failed += f
print(passed, failed)
