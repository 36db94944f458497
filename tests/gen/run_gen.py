#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Test driver for smsfw-pcapgen.

  run_gen.py PCAPGEN tshark [check_tshark args --] [generator args]
      generate into a temporary directory and compare with tshark
  run_gen.py PCAPGEN determinism [generator args]
      same seed twice → identical bytes; another seed → different bytes
  run_gen.py PCAPGEN sample PREFIX [generator args]
      the committed sample PREFIX.{pcap,truth.jsonl} is what these
      arguments generate today (regenerate it when the generator changes)
"""
import filecmp
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def gen(pcapgen, prefix, args):
    r = subprocess.run([pcapgen, "--out", prefix, "--quiet"] + args)
    if r.returncode != 0:
        sys.exit("smsfw-pcapgen failed (%d): %s" % (r.returncode, " ".join(args)))


def main():
    pcapgen, mode = sys.argv[1], sys.argv[2]
    rest = sys.argv[3:]
    with tempfile.TemporaryDirectory(prefix="smsfw-gen-") as d:
        if mode == "tshark":
            check = []
            if "--" in rest:
                i = rest.index("--")
                check, rest = rest[:i], rest[i + 1:]
            for a in rest:	# corpus files of the shared data set may be absent
                if a.startswith("../shared/") or "/shared/data/" in a:
                    if not os.path.exists(a):
                        print("SKIP: %s is absent" % a)
                        return 77
            gen(pcapgen, os.path.join(d, "t"), rest)
            return subprocess.run([sys.executable, os.path.join(HERE, "check_tshark.py"),
                                   os.path.join(d, "t")] + check).returncode
        if mode == "determinism":
            a, b, c = (os.path.join(d, x) for x in "abc")
            gen(pcapgen, a, rest + ["--seed", "42"])
            gen(pcapgen, b, rest + ["--seed", "42"])
            gen(pcapgen, c, rest + ["--seed", "43"])
            fails = 0
            for ext in (".pcap", ".truth.jsonl"):
                same = filecmp.cmp(a + ext, b + ext, shallow=False)
                diff = not filecmp.cmp(a + ext, c + ext, shallow=False)
                print("%s: seed 42 twice %s, seed 43 %s" % (ext, "identical" if same else "DIFFERENT",
                                                            "different" if diff else "IDENTICAL"))
                fails += (not same) + (not diff)
            return 1 if fails else 0
        if mode == "sample":
            ref, args = rest[0], rest[1:]
            gen(pcapgen, os.path.join(d, "s"), args)
            fails = 0
            for ext in (".pcap", ".truth.jsonl"):
                same = filecmp.cmp(ref + ext, os.path.join(d, "s") + ext, shallow=False)
                print("%s%s: %s" % (ref, ext, "current" if same else
                      "STALE: regenerate with smsfw-pcapgen --out %s %s" % (ref, " ".join(args))))
                fails += not same
            return 1 if fails else 0
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    sys.exit(main())
