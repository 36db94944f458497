#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Live reload during a replay (issue 5 "Live reload").

1. Reference: a large generated capture, the test rule set and a lists
   file (block sender LUCKYDRAW, so the lists matter), no reloads.
2. SIGHUP every 3 ms for the whole replay: every signal the control thread
   saw became a reload ("reloaded, generation N" lines = summary's reloads
   ok, more than 10, none refused); received = forwarded + dropped = the
   capture's frames; the verdict lines are exactly the reference's.
3. The config switched to a corrupt rule bundle, then to a lists file with
   a bad line, each followed by SIGHUPs: every reload is refused with the
   loader's message in stderr, the summary counts them, no reload succeeds,
   and the verdicts are still exactly the reference's (the old generation
   kept running).

dp_reload.py --smsfw BIN --gen PCAPGEN --rulec RULEC --work DIR"""
import argparse
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dptest as T  # noqa: E402


def write_ini(path, bundle, lists):
    with open(path + ".tmp", "w") as f:
        f.write("[policy]\nprotected = %s\n[rules]\nbundle = %s\nlists = %s\n" % (T.PROTECTED, bundle, lists))
    os.replace(path + ".tmp", path)


def run_with_signals(smsfw, pcap, ini, out, on_started):
    """Start smsfw, call on_started(proc) once it is replaying (its first
    verdict line is written: the SIGHUP handler is installed by then),
    then collect the run."""
    os.makedirs(out, exist_ok=True)
    errf = open(os.path.join(out, "stderr.txt"), "w+")
    p = subprocess.Popen([smsfw, "--offline", pcap, "--config", ini, "--out", out],
                         stdout=subprocess.DEVNULL, stderr=errf)
    vpath = os.path.join(out, "verdicts.jsonl")
    t0 = time.time()
    while p.poll() is None and time.time() - t0 < 60:
        if os.path.exists(vpath) and os.path.getsize(vpath) > 0:
            break
        time.sleep(0.001)
    started = p.poll() is None
    sent = on_started(p) if started else 0
    p.wait(timeout=120)
    errf.seek(0)
    run = T.Run(p.returncode, errf.read(), out)
    return run, started, sent


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smsfw", default=T.default_arg("--smsfw", __file__))
    ap.add_argument("--gen", default=T.default_arg("--gen", __file__))
    ap.add_argument("--rulec", default=T.default_arg("--rulec", __file__))
    ap.add_argument("--work", default=T.default_arg("--work", __file__))
    a = ap.parse_args()
    work = T.fresh_dir(a.work)
    bundle = T.build_test_bundle(a.rulec, work)
    lists = os.path.join(work, "good.lists")
    with open(lists, "w") as f:
        f.write("# smsfw lists v1\nversion 7\nblock sender LUCKYDRAW reason=test\nallow prefix 95588\n")
    bad_lists = os.path.join(work, "bad.lists")
    with open(bad_lists, "w") as f:
        f.write("# smsfw lists v1\nblock number 8613800000000\nblock bogus 123\n")
    bad_bundle = os.path.join(work, "bad.bundle")
    with open(bundle, "rb") as f:
        img = bytearray(f.read())
    img[len(img) // 2] ^= 0xFF		# one flipped byte: the checksum must catch it
    with open(bad_bundle, "wb") as f:
        f.write(img)
    # long enough that the replay still runs when the SIGHUPs start (the
    # first verdict lines on disk): 20,000 messages gave 21 reloads with
    # the verdict log of 88aa7f7 and 2-3 once it was written faster;
    # 40,000 gave 3-14 of 70-81 signals once it was cheaper again (e6725d3),
    # 80,000 give 72-86 of 126-142 (a 0.45 s replay)
    pcap, truth = T.gen(a.gen, os.path.join(work, "big"),
                        ["--messages", "80000", "--seed", "31", "--rate", "20000"])
    frames = len(T.read_pcap(pcap)[1])
    ini = os.path.join(work, "smsfw.ini")

    write_ini(ini, bundle, lists)
    ref = T.run_smsfw(a.smsfw, ["--offline", pcap, "--config", ini], os.path.join(work, "ref"))
    T.check_eq(ref.rc, 0, "reference: exit code")
    ref_v = sorted(T.verdict_key(v) for v in ref.verdicts())
    T.check_eq(len(ref_v), len(truth), "reference: verdict lines = truth parts")
    T.check(any(v["policy_name"] == "block.sender" and v["verdict"] == "block" for v in ref.verdicts()),
            "reference: the lists file blocks LUCKYDRAW (block.sender)")

    def hammer(p):
        n = 0
        while p.poll() is None:
            try:
                p.send_signal(signal.SIGHUP)
            except ProcessLookupError:
                break
            n += 1
            time.sleep(0.003)
        return n

    run, started, sent = run_with_signals(a.smsfw, pcap, ini, os.path.join(work, "hup"), hammer)
    s = run.summary
    T.check(started, "reload run: smsfw replaying before the first SIGHUP")
    T.check_eq(run.rc, 0, "reload run: exit code")
    # the first reload of a burst has its line, the rest are summed up in
    # "reloaded N more time(s), generation G" lines
    ok_lines = len(re.findall(r"^smsfw: reloaded, generation \d+$", run.stderr, re.M)) + \
        sum(int(n) for n in re.findall(r"^smsfw: reloaded (\d+) more time\(s\), generation \d+$",
                                       run.stderr, re.M))
    print("reload run: %d SIGHUPs sent, %d reloads" % (sent, ok_lines))
    T.check(len(re.findall(r"^smsfw: reloaded, generation \d+$", run.stderr, re.M)) <= 3,
            "reload run: a burst of reloads is summed up, not logged one line each")
    T.check(ok_lines > 10, "reload run: more than 10 reloads (got %d of %d signals)" % (ok_lines, sent))
    T.check_eq(s.get("reloads_ok"), ok_lines, "reload run: summary reloads ok = reloaded lines")
    T.check_eq(s.get("reloads_refused"), 0, "reload run: refused")
    T.check_eq(s.get("generation"), ok_lines + 1, "reload run: generation = 1 + reloads")
    T.check_eq(s.get("received"), frames, "reload run: received = frames")
    T.check_eq(s.get("forwarded", 0) + s.get("dropped", 0), s.get("received"),
               "reload run: forwarded + dropped = received")
    T.check_eq(s.get("dropped"), 0, "reload run: dropped (offline forwards everything)")
    got = sorted(T.verdict_key(v) for v in run.verdicts())
    T.check_eq(len(got), len(ref_v), "reload run: verdict lines")
    T.check(got == ref_v, "reload run: verdicts differ from the run without reloads: %d lines"
            % (len(set(got) ^ set(ref_v))))

    for what, b, l, msg in (
            ("bad bundle", bad_bundle, lists, r"rule bundle %s: .+" % re.escape(bad_bundle)),
            ("bad lists", bundle, bad_lists, r"%s:3: .+" % re.escape(bad_lists))):
        write_ini(ini, bundle, lists)

        def refuse(p, b=b, l=l):
            write_ini(ini, b, l)
            n = 0
            for _ in range(5):
                if p.poll() is not None:
                    break
                p.send_signal(signal.SIGHUP)
                n += 1
                time.sleep(0.02)
            return n

        out = os.path.join(work, what.replace(" ", "-"))
        run, started, sent = run_with_signals(a.smsfw, pcap, ini, out, refuse)
        s = run.summary
        T.check(started and sent > 0, "%s: signals sent while replaying" % what)
        T.check_eq(run.rc, 0, "%s: exit code" % what)
        refused = re.findall(r"^smsfw: reload refused, the running rules and lists stay: (.*)$", run.stderr, re.M)
        print("%s: %d SIGHUPs, refused: %s" % (what, sent, refused[:1]))
        T.check(len(refused) >= 1, "%s: no 'reload refused' message" % what)
        T.check(all(re.fullmatch(msg, r) for r in refused), "%s: message %r does not match %r"
                % (what, refused[:1], msg))
        T.check_eq(s.get("reloads_refused"), len(refused), "%s: summary refused = messages" % what)
        T.check_eq(s.get("reloads_ok"), 0, "%s: reloads ok" % what)
        T.check_eq(s.get("generation"), 1, "%s: still generation 1" % what)
        got = sorted(T.verdict_key(v) for v in run.verdicts())
        T.check(got == ref_v, "%s: verdicts differ from the reference: %d lines" % (what, len(set(got) ^ set(ref_v))))
    T.finish("dp-reload")


if __name__ == "__main__":
    main()
