#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""What smsfw keeps about subscribers' messages (dataplane/CONFIG.md
"Privacy"): a generated default mix replayed offline with the starter
bundle and the generator's network.

1. Defaults: a passed or tagged part is logged with masked numbers (first 3
   and last 2 digits), no text, no fingerprint and "redacted": true; a
   blocked one keeps its numbers and text. flagged.pcapng holds exactly the
   packets with a blocked part.
2. `[output] tagged_text = yes`: tagged parts keep numbers and text, and
   their packets join the pcapng (blocked and tagged frames, each once).
3. Retention: rotated logs last written more than `retain_days` ago are
   deleted at start (and every minute while running); younger ones and the
   other rotations stay; `retain_days = 0` deletes nothing.

dp_privacy.py --smsfw BIN --gen PCAPGEN --bundle BUNDLE --network INI --work DIR"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dptest as T  # noqa: E402

def subscriber_fields(v):
    """The fields that hold a subscriber's number or IMSI (sm-RP-OA of an
    MO, sm-RP-DA of an MT; the other is the service centre's address)."""
    return ["tp_oa", "tp_da", "sm_rp_oa" if v["direction"] == "mo" else "sm_rp_da"]


def masked(n):
    """A number keeps its first 3 and last 2 digits; an alphanumeric sender
    (a service's name) or an LMSI (hex, the VLR's own) is no number."""
    if n is None or not n.lstrip("+").isdigit() and "*" not in n:
        return True
    return len(n) <= 5 or n[3:-2] == "*" * (len(n) - 5)


def epb_count(path):
    with open(path, "rb") as f:
        blocks, rest = T.pcapng_blocks(f.read())
    T.check_eq(rest, 0, "%s ends with a whole block" % path)
    return sum(1 for b in blocks if b[0] == 6)


def run(a, work, name, pcap, extra):
    ini = os.path.join(work, name + ".ini")
    with open(a.network, encoding="utf-8") as f:
        net = f.read()
    with open(ini, "w", encoding="utf-8") as f:
        f.write(net + "\n[output]\n" + extra)
    r = T.run_smsfw(a.smsfw, ["--offline", pcap, "--config", ini, "--bundle", a.bundle],
                    os.path.join(work, name))
    T.check_eq(r.rc, 0, name + ": exit code (%s)" % r.stderr[-400:])
    return r


def check_lines(name, verdicts, logged):
    """logged: the verdicts whose lines keep numbers and text."""
    kinds = {}
    for v in verdicts:
        k = v["verdict"]
        kinds[k] = kinds.get(k, 0) + 1
        where = "%s: frame %d %s" % (name, v["frame"], k)
        if k in logged:
            if not T.check(not v.get("redacted") and v["sender"] == v["sender"].replace("*", ""),
                           where + ": full numbers"):
                return kinds
        else:
            if not (T.check(v.get("redacted") is True, where + ": redacted") and
                    T.check(v["text"] is None and "fp" not in v and "data_text" not in v,
                            where + ": no text, no fingerprint: %r" % v.get("text")) and
                    T.check(all(masked(v[f]) for f in subscriber_fields(v)) and masked(v["sender"]) and
                            masked(v["recipient"]), where + ": numbers masked")):
                return kinds
    return kinds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smsfw", default=T.default_arg("--smsfw", __file__))
    ap.add_argument("--gen", default=T.default_arg("--gen", __file__))
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--network", required=True)
    ap.add_argument("--work", default=T.default_arg("--work", __file__))
    a = ap.parse_args()
    work = T.fresh_dir(a.work)
    pcap, _ = T.gen(a.gen, os.path.join(work, "mix"), ["--messages", "3000", "--seed", "11"])

    # 1. defaults
    r = run(a, work, "default", pcap, "")
    v = r.verdicts()
    kinds = check_lines("default", v, ("block",))
    T.check(kinds.get("tag", 0) > 50 and kinds.get("block", 0) > 50 and kinds.get("pass", 0) > 50,
            "default: passes, tags and blocks in the mix: %s" % kinds)
    T.check(any(x["text"] for x in v if x["verdict"] == "block"), "default: blocked parts keep their text")
    blocked = {x["frame"] for x in v if x["verdict"] == "block"}
    T.check_eq(epb_count(os.path.join(r.out, "flagged.pcapng")), len(blocked),
               "default: pcapng packets = frames with a blocked part")

    # 2. tagged_text = yes
    r = run(a, work, "tagged", pcap, "tagged_text = yes\n")
    v2 = r.verdicts()
    check_lines("tagged", v2, ("block", "tag"))
    T.check(any(x["text"] for x in v2 if x["verdict"] == "tag"), "tagged: tagged parts keep their text")
    T.check_eq([(x["frame"], x["verdict"]) for x in v2], [(x["frame"], x["verdict"]) for x in v],
               "tagged: the same verdicts")
    flagged = {x["frame"] for x in v2 if x["verdict"] in ("block", "tag")}
    T.check_eq(epb_count(os.path.join(r.out, "flagged.pcapng")), len(flagged),
               "tagged: pcapng packets = frames with a blocked or tagged part")

    # 3. retention
    for days, gone in ((30, True), (0, False)):
        out = T.fresh_dir(os.path.join(work, "retain%d" % days))
        now = time.time()
        ages = {"verdicts.jsonl.1": 2, "verdicts.jsonl.2": 31, "events.jsonl.5": 40,
                "flagged.pcapng.1": 31, "flagged.pcapng.3": 29}
        for fn, age in ages.items():
            p = os.path.join(out, fn)
            with open(p, "w") as f:
                f.write("old\n")
            os.utime(p, (now - age * 86400, now - age * 86400))
        ini = os.path.join(work, "retain%d.ini" % days)
        with open(ini, "w") as f:
            f.write("[output]\nretain_days = %d\n" % days)
        rr = T.run_smsfw(a.smsfw, ["--offline", pcap, "--config", ini, "--bundle", a.bundle], out)
        T.check_eq(rr.rc, 0, "retain %d: exit code" % days)
        left = sorted(fn for fn in ages if os.path.exists(os.path.join(out, fn)))
        want = sorted(fn for fn, age in ages.items() if not gone or age <= 30)
        T.check_eq(left, want, "retain_days = %d: rotated files left" % days)
        if gone:
            T.check("log retention: %s deleted (older than 30 days)" % os.path.join(out, "verdicts.jsonl.2")
                    in rr.stderr, "retain 30: the deletion is logged")
    T.finish("dp-privacy")


if __name__ == "__main__":
    main()
