#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Reports to 10086999 as whole messages (issue 12 item 1), end to end
through smsfw offline.

Capture T (smsfw-pcapgen --mix report_tricky=…): multi-part reports whose
later parts start with digits, a valid number, "FREE…", "ICBC*…" or
"URGENT:"; text-only reports that start like a number or a sender id;
numbers written with dashes, spaces, dots, +86/0086 or full-width digits;
"ID*text" sender ids; 3% of DATA packets retransmitted. With 0 and 2
workers:
  - exactly one report event per report message (the truth's first
    parts), none for the ham/spam around them;
  - each event names exactly what the message names: the canonical
    number, the sender id, or nothing for a text-only report;
  - every multi-part report is complete (parts = parts_total), none is
    marked incomplete, except a message the capture cut short at its end.
"00000" / "QX00000" to 106 ports split over 2-4 parts, or padded
("00000。", a zero-width space inside, spaces around): exactly one
shield / unshield event each, for (subscriber, port).
Capture T without the frames that carry part 1 of every third multi-part
report: those are still one event each, marked incomplete, with the
parts that came, and name nothing (the head never arrived)."""
import argparse
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dptest as T  # noqa: E402


def canon(reported):
    """POLICY.md "Numbers": a national Chinese mobile number gets 86;
    ports, service numbers and sender ids stay as they are."""
    if not reported:
        return ""
    if len(reported) == 11 and reported[0] == "1" and reported[1] in "3456789":
        return "86" + reported
    return reported


def messages(truth):
    """Report messages of the truth: key → (reporter, reported, total, parts seen)."""
    msgs = collections.OrderedDict()
    for t in truth:
        if t["scenario"] != "report_tricky" or t["retransmission"] or t["tp_da"] != "10086999":
            continue
        c = t["concat"]
        key = (t["sm_rp_oa"], c["ref"], c["total"]) if c else ("frame", t["frame"], t["sm_rp_oa"])
        m = msgs.setdefault(key, {"reporter": t["sm_rp_oa"], "reported": canon(t["reported"]),
                                  "total": c["total"] if c else 1, "seqs": set()})
        m["seqs"].add(c["seq"] if c else 1)
    return msgs


def shield_messages(truth):
    """"00000" / "QX00000" to 106 ports, split over parts or padded oddly:
    Counter of (type, subscriber, port) for the whole messages."""
    seen, want = set(), collections.Counter()
    for t in truth:
        if t["scenario"] != "report_tricky" or t["retransmission"] or not t["tp_da"].startswith("106"):
            continue
        c = t["concat"]
        key = (t["sm_rp_oa"], t["tp_da"], c["ref"] if c else t["frame"])
        if key in seen:
            continue
        seen.add(key)
        texts = [u["text"] for u in truth if u["scenario"] == "report_tricky" and not u["retransmission"]
                 and u["sm_rp_oa"] == t["sm_rp_oa"] and u["tp_da"] == t["tp_da"]
                 and ((u["concat"] or {}).get("ref") == (c or {}).get("ref") if c else u["frame"] == t["frame"])]
        kind = "unshield" if "QX" in "".join(texts) else "shield"
        want[(kind, t["sm_rp_oa"], t["tp_da"])] += 1
    return want


def check_shields(events, want, label):
    got = collections.Counter((e["type"], e["subscriber"], e["port"]) for e in events
                              if e["type"] in ("shield", "unshield"))
    T.check_eq(sorted((got - want).items())[:8], [], label + ": shield events no command explains")
    T.check_eq(sorted((want - got).items())[:8], [], label + ": shield commands without their event")


def check_events(events, msgs, label, dropped_heads=frozenset()):
    reports = [e for e in events if e["type"] == "report"]
    T.check_eq(len(reports), len(msgs), label + ": report events = report messages")
    want = collections.Counter()
    for key, m in msgs.items():
        seqs = m["seqs"] - ({1} if key in dropped_heads else set())
        complete = len(seqs) == m["total"]
        named = m["reported"] if 1 in seqs else ""
        parts = (len(seqs), m["total"]) if m["total"] > 1 else (None, None)
        want[(m["reporter"], named, not complete) + parts] += 1
    got = collections.Counter((e["reporter"], e["reported"], bool(e.get("incomplete")),
                               e.get("parts"), e.get("parts_total")) for e in reports)
    T.check_eq(sorted((got - want).items())[:8], [], label + ": events no message explains")
    T.check_eq(sorted((want - got).items())[:8], [], label + ": messages without their event")
    invented = [e["reported"] for e in reports if e["reported"] and
                e["reported"] not in {m["reported"] for m in msgs.values()}]
    T.check_eq(invented[:8], [], label + ": reported parties no report named")
    return reports


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smsfw", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    work = T.fresh_dir(a.work)
    ini = os.path.join(work, "r.ini")
    with open(ini, "w") as f:
        f.write("[policy]\nreport_number = 10086999\n")

    pcap, truth = T.gen(a.gen, os.path.join(work, "t"), ["--messages", "3000", "--seed", "12",
                                                         "--retrans", "30",
                                                         "--mix", "report_tricky=8,ham=1,spam=1"])
    msgs = messages(truth)
    shields = shield_messages(truth)
    print("T: %d shield commands (split over parts or padded oddly)" % sum(shields.values()))
    T.check(sum(shields.values()) > 100, "T: capture has shield commands")
    multi = [k for k, m in msgs.items() if m["total"] > 1]
    kinds = collections.Counter("named" if m["reported"] else "text" for m in msgs.values())
    print("T: %d report messages (%d multi-part), %s" % (len(msgs), len(multi), dict(kinds)))
    T.check(len(multi) > 300 and kinds["named"] > 300 and kinds["text"] > 300,
            "T: capture has multi-part, named and text-only reports")
    T.check(any(t["retransmission"] and t["scenario"] == "report_tricky" for t in truth),
            "T: capture retransmits report parts")
    for workers in (0, 2):
        label = "T/%d workers" % workers
        run = T.run_smsfw(a.smsfw, ["--offline", pcap, "--config", ini, "--workers", str(workers)],
                          os.path.join(work, "t-w%d" % workers))
        T.check_eq(run.rc, 0, label + ": exit code")
        events = run.events()
        check_events(events, msgs, label)
        check_shields(events, shields, label)
        T.check_eq(run.summary.get("reports"), len(msgs), label + ": summary reports")

    # part 1 of every third multi-part report never arrives
    hdr, pkts = T.read_pcap(pcap)
    per_frame = collections.Counter(t["frame"] for t in truth)
    drop_frames, dropped = set(), set()
    for key in multi[::3]:
        lines = [t for t in truth if t["scenario"] == "report_tricky" and t["concat"] and
                 (t["sm_rp_oa"], t["concat"]["ref"], t["concat"]["total"]) == key and t["concat"]["seq"] == 1]
        if lines and all(per_frame[t["frame"]] == 1 for t in lines):
            drop_frames.update(t["frame"] for t in lines)
            dropped.add(key)
    cut = os.path.join(work, "cut.pcap")
    T.write_pcap(cut, hdr, [p for i, p in enumerate(pkts) if i + 1 not in drop_frames])
    print("C: part 1 of %d multi-part reports removed (%d frames)" % (len(dropped), len(drop_frames)))
    T.check(len(dropped) > 50, "C: enough heads removed")
    run = T.run_smsfw(a.smsfw, ["--offline", cut, "--config", ini], os.path.join(work, "cut"))
    T.check_eq(run.rc, 0, "C: exit code")
    reports = check_events(run.events(), msgs, "C", frozenset(dropped))
    T.check_eq(sum(1 for e in reports if e.get("incomplete")), len(dropped), "C: incomplete reports")
    T.finish("dp-reports")


if __name__ == "__main__":
    main()
