#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Inline SCTP enforcement of a generated capture whose messages span
several DATA chunks (issue 15 item 9).

smsfw-pcapgen's SMSC2 - STP-A association fragments at 180 octets, so
most of its SMS are two or three DATA chunks, often over several packets.
smsfw inline, enforcement = sctp, between two net_pcap ports replays the
capture (no retransmissions). Exactly:
- the forwarded capture carries, per tshark, the texts of the input minus
  those of the parts smsfw blocked (as a multiset: every ham delivered
  once, no blocked part, not even one of several chunks);
- tshark finds no malformed packet, no error and no bad CRC32c in it;
- the enforcement counters: no blocked message passed, several messages
  of several chunks removed whole, no association in monitor mode.

dp_enforce_frag.py --smsfw BIN --gen PCAPGEN --bundle B --work DIR [--tshark BIN]"""
import argparse
import collections
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dptest as T  # noqa: E402
from dp_enforce_jumbo import enforce_counters, run_inline_pcap  # noqa: E402


def texts(tshark, pcap):
    """The SMS texts tshark decodes, in order (the generator's options)."""
    r = subprocess.run([tshark, "-n", "-r", pcap, "-o", "sctp.checksum:CRC-32C",
                        "-o", "gsm_sms.reassemble:FALSE", "-Y", "gsm_sms", "-T", "fields",
                        "-E", "aggregator=\x1f", "-e", "gsm_sms.sms_text"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return [t for line in r.stdout.decode("utf-8", "replace").split("\n")
            for t in line.split("\x1f") if t]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smsfw", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--tshark", default=shutil.which("tshark"))
    a = ap.parse_args()
    if not a.tshark:
        print("SKIP: no tshark (the oracle)")
        sys.exit(77)
    T.fresh_dir(a.work)
    prefix = os.path.join(a.work, "cap")
    T.gen(a.gen, prefix, ["--messages", "1500", "--seed", "915", "--no-retrans",
                          "--mix", "ham=4,fraud=2,spam=1,illegal=1"])
    cap = prefix + ".pcap"
    parts = sum(1 for _ in open(prefix + ".truth.jsonl"))
    rc, err, _out0, out1 = run_inline_pcap(a.smsfw, a.bundle, cap, a.work, parts)
    T.check_eq(rc, 0, "smsfw exit status")
    verdicts = T.load_jsonl(os.path.join(a.work, "out", "verdicts.jsonl"))
    T.check_eq(len(verdicts), parts, "verdict lines = SMS parts of the truth")
    blocked = [v.get("text") for v in verdicts if v.get("verdict") == "block"]
    T.check(len(blocked) > 50, "blocked parts in the replay (%d)" % len(blocked))
    T.check(None not in blocked, "every blocked part has its text in the verdict")

    cnt = enforce_counters(err) or {}
    T.check(bool(cnt), "one enforcement counter line")
    print("parts %d, blocked %d; enforce: %s" % (parts, len(blocked), " ".join(
        "%s=%s" % (k, cnt.get(k)) for k in ("removed", "frag_held", "frag_msgs_removed",
                                             "block_passed", "hold_released", "hold_unheld"))))
    for k in ("block_passed", "monitor", "rewrite_errors", "not_whole", "hold_expired",
              "hold_dropped", "lost_blocks"):
        T.check_eq(cnt.get(k), 0, "enforce counter %s" % k)
    T.check(cnt.get("frag_msgs_removed", 0) > 10,
            "blocked messages of several chunks removed whole (%s)" % cnt.get("frag_msgs_removed"))

    want = collections.Counter(texts(a.tshark, cap))
    want.subtract(collections.Counter(t for t in blocked if t is not None))
    T.check(all(n >= 0 for n in want.values()), "every blocked text is one tshark decodes in the input")
    want = +want
    got = collections.Counter(texts(a.tshark, out1))
    T.check_eq(sum(got.values()), sum(want.values()), "SMS parts forwarded (input - blocked)")
    T.check(got == want, "forwarded texts = input texts - blocked texts (%d extra, %d missing)" %
            (sum((got - want).values()), sum((want - got).values())))
    bad = subprocess.run([a.tshark, "-n", "-r", out1, "-o", "sctp.checksum:CRC-32C",
                          "-Y", '_ws.malformed || _ws.expert.severity >= "Error" || '
                                'sctp.checksum.status == "Bad"'],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
    T.check_eq(len(bad.splitlines()), 0, "tshark: malformed, error or bad-checksum packets forwarded")
    T.finish("dp-enforce-frag")


if __name__ == "__main__":
    main()
