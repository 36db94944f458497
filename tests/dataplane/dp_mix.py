#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The generator's default mix through smsfw offline with the starter rule
set (rules/set) and default thresholds, against the ground truth (issue 11
items 5 and 6):
- no part whose truth says "pass" (ham, notices, OTP pushes, reports,
  shields) is blocked: a false positive costs far more than a miss;
- SMS bombing (flood_to_one: OTPs through many real 106 ports to one
  victim) is blocked per recipient: behaviour.recipient_* blocks at least
  half of those parts, and the first ones of each flood pass;
- 2 workers give the verdicts of 1 (frame, verdict, class, policy of every
  part: behaviour is shared). The count in a reason may differ: two
  messages closer than the replay guard (100 us) on two workers may be
  counted in either order.
- with the starter bundle (rules and the content model): a ham-only
  capture, where the same ham texts come from many senders (a meeting
  notice forwarded by colleagues), has no part blocked, and a fraud-only
  capture has every fraud part blocked or tagged;
- the scan cache ([flow] scan_cache) answers repeated texts and changes
  nothing: verdicts.jsonl and events.jsonl are byte-identical with it off.

dp_mix.py --smsfw BIN --gen PCAPGEN --rulec RULEC --rules DIR --work DIR"""
import argparse
import collections
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dptest as T  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smsfw", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--rulec", required=True)
    ap.add_argument("--rules", required=True)
    ap.add_argument("--starter-bundle", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    work = T.fresh_dir(a.work)
    bundle = os.path.join(work, "set.bundle")
    subprocess.run([a.rulec, "compile", a.rules, "-o", bundle], check=True, stdout=subprocess.DEVNULL)
    ini = os.path.join(work, "m.ini")
    with open(ini, "w") as f:
        f.write("[policy]\nprotected = %s\n" % T.PROTECTED)
    pcap, truth = T.gen(a.gen, os.path.join(work, "m"), ["--messages", "6000", "--seed", "7"])
    base = None
    for workers in (0, 2):
        run = T.run_smsfw(a.smsfw, ["--offline", pcap, "--config", ini, "--bundle", bundle,
                                    "--workers", str(workers)], os.path.join(work, "out%d" % workers))
        T.check_eq(run.rc, 0, "%d workers: exit code" % workers)
        verdicts = run.verdicts()
        T.check_eq(len(verdicts), len(truth), "%d workers: one verdict line per truth part" % workers)
        if base is None:
            base = verdicts
            by = collections.defaultdict(list)
            for v in verdicts:
                by[v["frame"]].append(v)
            got = collections.Counter()
            for t in truth:
                v = by[t["frame"]].pop(0) if by[t["frame"]] else None
                if v is None:
                    continue
                got[(t["scenario"], v["verdict"], v["policy_name"] if v["verdict"] == "block" else "")] += 1
                if t["expected"] == "pass":
                    T.check(v["verdict"] != "block", "frame %d %s (truth pass) blocked by %s: %s"
                            % (t["frame"], t["scenario"], v["policy_name"], v["reason"]))
            flood = sum(n for (sc, _, _), n in got.items() if sc == "flood_to_one")
            bombed = sum(n for (sc, vd, pol), n in got.items()
                         if sc == "flood_to_one" and pol.startswith("behaviour.recipient_"))
            passed = sum(n for (sc, vd, _), n in got.items() if sc == "flood_to_one" and vd == "pass")
            print("flood_to_one: %d parts, %d blocked per recipient, %d passed" % (flood, bombed, passed))
            T.check(flood > 0, "the mix has flood_to_one parts")
            T.check(2 * bombed >= flood, "bombing blocked per recipient: %d of %d" % (bombed, flood))
            T.check(passed > 0, "the first messages of a flood pass")
            ham = sum(n for (sc, _, _), n in got.items() if sc == "ham")
            print("ham: %d parts, %s" % (ham, {k[1]: n for k, n in got.items() if k[0] == "ham"}))
        else:
            def key(v):
                return (v["frame"], v["tsn"], v["assoc"], v["verdict"], v["class"], v["policy_name"])
            a_ = sorted(map(key, base))
            b_ = sorted(map(key, verdicts))
            T.check(a_ == b_, "2 workers: %d verdicts differ from 1, e.g. %s"
                    % (len(set(a_) ^ set(b_)) // 2, sorted(set(a_) ^ set(b_))[:4]))
    # the starter bundle (its content model tags some English ham as ads):
    # identical ham from many senders is never blocked by volume alone
    for scen, n in (("ham", 12000), ("fraud", 4000)):
        pcap, truth = T.gen(a.gen, os.path.join(work, scen), ["--messages", str(n), "--seed", "11",
                                                             "--mix", "%s=1" % scen])
        run = T.run_smsfw(a.smsfw, ["--offline", pcap, "--config", ini, "--bundle", a.starter_bundle],
                          os.path.join(work, "out-" + scen))
        T.check_eq(run.rc, 0, "%s only: exit code" % scen)
        got = collections.Counter(v["verdict"] for v in run.verdicts())
        print("%s only, starter bundle: %d parts, %s" % (scen, len(truth), dict(got)))
        T.check_eq(sum(got.values()), len(truth), "%s only: one verdict per part" % scen)
        if scen == "ham":
            T.check_eq(got["block"], 0, "ham only: parts blocked")
        else:
            T.check_eq(got["pass"], 0, "fraud only: parts passed")
        sc = run.summary.get("scan_cache", {})
        cc = run.summary.get("concat_cache", {})
        print("%s only: scan cache %s, concatenated parts %s" % (scen, sc, cc))
        T.check(cc.get("hits", -1) >= 0 and cc["hits"] <= cc["streamed"],
                "%s only: the concatenated parts' cache is counted (%s)" % (scen, cc))
        T.check(sc.get("hits", 0) > 0 and sc["hits"] <= sc["lookups"],
                "%s only: repeated texts answered from the scan cache (%s)" % (scen, sc))
        T.check_eq(sc.get("entries"), 16384, "%s only: the default scan cache size" % scen)
        ini0 = os.path.join(work, "nocache.ini")
        with open(ini0, "w") as f:
            f.write("[policy]\nprotected = %s\n[flow]\nscan_cache = 0\n" % T.PROTECTED)
        run0 = T.run_smsfw(a.smsfw, ["--offline", pcap, "--config", ini0, "--bundle", a.starter_bundle],
                           os.path.join(work, "out0-" + scen))
        T.check_eq(run0.rc, 0, "%s only, no scan cache: exit code" % scen)
        T.check("scan_cache" not in run0.summary and "concat_cache" not in run0.summary,
                "%s only: scan_cache = 0 keeps no cache" % scen)
        for name in ("verdicts.jsonl", "events.jsonl"):
            with open(os.path.join(run.out, name), "rb") as f1, open(os.path.join(run0.out, name), "rb") as f2:
                T.check(f1.read() == f2.read(), "%s only: %s the same with the scan cache off" % (scen, name))
    T.finish("dp-mix")


if __name__ == "__main__":
    main()
