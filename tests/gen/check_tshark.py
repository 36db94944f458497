#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compare a generated capture with its ground truth, using tshark as the
independent oracle: no malformed packet, no expert error, no bad SCTP
checksum (CRC-32C), and per frame the SMS texts, TP-OA and TP-DA that
tshark decodes equal the truth lines of that frame, in order.

usage: check_tshark.py PREFIX [--expect-scenarios a,b,...] [--parts N]
(--parts: exactly N truth lines besides retransmissions, in frame order)
Prints agreement figures; exits 1 on any disagreement, 77 (skip) without tshark."""
import collections
import json
import shutil
import subprocess
import sys


def tshark(args):
    r = subprocess.run(["tshark", "-n", "-o", "sctp.checksum:CRC-32C",
                        "-o", "gsm_sms.reassemble:FALSE"] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        sys.exit("tshark failed: " + r.stderr.decode(errors="replace"))
    return r.stdout


# Protected senders and the SMSC global title each really uses
# (pcap/gen/README.md); a spoof comes from any other.
REAL_GT = {"10086": "8613800900500", "95588": "8613800905500", "95533": "8613800905500",
           "95599": "8613800905500", "95566": "8613800905500", "95555": "8613800905500",
           "10010": "8613010090500", "10000": "8613310090500"}


def semantics(truth):
    """What each scenario promises, checked on the truth alone."""
    fails = []
    shields = set()
    for t in truth:
        s = t["scenario"]
        if s == "shield":
            if t["text"] != "00000" or not t["tp_da"].startswith("106"):
                fails.append("frame %d: shield is not 00000 to a 106 port" % t["frame"])
            shields.add((t["sm_rp_oa"], t["tp_da"]))
        elif s == "shielded_delivery":
            if (t["recipient"], t["tp_oa"]) not in shields:
                fails.append("frame %d: shielded delivery without an earlier shield" % t["frame"])
        elif s == "spoof":
            if REAL_GT.get(t["tp_oa"]) in (None, t["sccp_calling_gt"]):
                fails.append("frame %d: spoof of %s from %s" % (t["frame"], t["tp_oa"], t["sccp_calling_gt"]))
        elif s == "notice" and t["tp_oa"] in REAL_GT:
            if REAL_GT[t["tp_oa"]] != t["sccp_calling_gt"]:
                fails.append("frame %d: notice from %s via %s" % (t["frame"], t["tp_oa"], t["sccp_calling_gt"]))
        elif s == "notice":
            # DOMAIN.md: once "00000" went to a port, its messages to that
            # subscriber are dropped; every other notice passes
            want = "block" if (t["recipient"], t["tp_oa"]) in shields else "pass"
            if t["expected"] != want:
                fails.append("frame %d: notice from %s to %s expected %s, not %s"
                             % (t["frame"], t["tp_oa"], t["recipient"], want, t["expected"]))
        elif s == "report" and t["tp_da"] != "10086999":
            fails.append("frame %d: report to %s" % (t["frame"], t["tp_da"]))
        if t["direction"] == "mt" and t["op"] != "forwardSM" and t["sm_rp_da_type"] not in ("imsi", "lmsi"):
            fails.append("frame %d: MT addressed by %s" % (t["frame"], t["sm_rp_da_type"]))
        if t["expected"] not in ("pass", "tag", "block"):
            fails.append("frame %d: expected %r" % (t["frame"], t["expected"]))
    return fails


def main():
    if not shutil.which("tshark"):
        print("SKIP: tshark not installed")
        return 77
    prefix = sys.argv[1]
    expect = []
    parts = None
    args = sys.argv[2:]
    while args:
        if args[0] == "--expect-scenarios":
            expect = args[1].split(",")
            args = args[2:]
        elif args[0] == "--parts":
            parts = int(args[1])
            args = args[2:]
        else:
            sys.exit("unknown argument " + args[0])
    pcap = prefix + ".pcap"
    truth = [json.loads(l) for l in open(prefix + ".truth.jsonl", encoding="utf-8")]
    fails = []

    # 1. problems: malformed, expert errors and warnings, checksums
    out = tshark(["-r", pcap, "-Y",
                  "_ws.malformed || _ws.expert.severity >= warning || "
                  "sctp.checksum.status == \"Bad\" || sctp.checksum.status == 0",
                  "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message"])
    bad = [l for l in out.decode().splitlines() if l.strip()]
    for l in bad[:20]:
        fails.append("frame with a problem: " + l)
    out = tshark(["-r", pcap, "-T", "fields", "-e", "sctp.checksum.status"])
    status = collections.Counter(v for l in out.decode().splitlines() for v in l.split(",") if v)
    good = status.get("Good", 0) + status.get("1", 0)
    if not good or len(status) != 1:
        fails.append("checksum status not all Good: %s" % dict(status))

    # 2. SMS fields frame by frame. With TSN analysis on (the default)
    # Wireshark does not hand a retransmitted DATA chunk to M3UA; turn it
    # off here so that retransmissions are decoded like the truth says.
    out = tshark(["-r", pcap, "-o", "sctp.tsn_analysis:FALSE", "-Y", "gsm_sms", "-T", "json",
                  "-e", "frame.number", "-e", "gsm_sms.sms_text",
                  "-e", "gsm_sms.tp-oa", "-e", "gsm_sms.tp-da"])
    seen = {}
    for pkt in json.loads(out.decode("utf-8") or "[]"):
        f = pkt["_source"]["layers"]
        n = int(f["frame.number"][0])
        seen[n] = (f.get("gsm_sms.sms_text", []), f.get("gsm_sms.tp-oa", []),
                   f.get("gsm_sms.tp-da", []))
    want = collections.OrderedDict()
    for t in truth:
        w = want.setdefault(t["frame"], ([], [], []))
        if t["text"] is not None:
            w[0].append(t["text"])
        if t["tp_oa"] is not None:
            w[1].append(t["tp_oa"])
        if t["tp_da"] is not None:
            w[2].append(t["tp_da"])
    agree = {"text": 0, "tp_oa": 0, "tp_da": 0}
    for n, w in want.items():
        g = seen.get(n)
        if g is None:
            fails.append("frame %d: tshark sees no SMS, truth has %d" % (n, len(w[0]) or 1))
            continue
        for i, k in enumerate(("text", "tp_oa", "tp_da")):
            if g[i] == w[i]:
                agree[k] += len(w[i])
            else:
                fails.append("frame %d %s: tshark %r truth %r" % (n, k, g[i], w[i]))
    for n in seen:
        if n not in want:
            fails.append("frame %d: tshark sees an SMS the truth does not list" % n)

    scen = collections.Counter(t["scenario"] for t in truth)
    retrans = sum(1 for t in truth if t.get("retransmission"))
    for s in expect:
        if not scen.get(s):
            fails.append("no %s message in the capture" % s)
    fails += semantics(truth)
    originals = sum(1 for t in truth if not t.get("retransmission"))
    if parts is not None and originals != parts:
        fails.append("%d truth lines besides retransmissions, want %d" % (originals, parts))
    if any(a["frame"] > b["frame"] for a, b in zip(truth, truth[1:])):
        fails.append("truth lines are not in frame order")
    print("%s: %d truth lines (%d retransmitted) in %d frames; tshark agrees on "
          "%d texts, %d TP-OA, %d TP-DA; checksums %s; %d problem frames"
          % (prefix, len(truth), retrans, len(want), agree["text"], agree["tp_oa"],
             agree["tp_da"], dict(status), len(bad)))
    print("scenarios:", dict(sorted(scen.items())))
    for f in fails[:40]:
        print("FAIL:", f)
    if len(fails) > 40:
        print("... %d more" % (len(fails) - 40))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
