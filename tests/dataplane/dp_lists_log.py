#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The lists change log (issue 12 item 3) with a real redis-server,
smsfw-controld and smsfw: snapshot once, then entry by entry.

0. Lists seeded with smsfwctl (20 blocks, 5 shields: rev 25) before
   controld starts: its first snapshot is generation 1 at rev 25
   (snapshot_every_s = 3600, so no other snapshot comes by itself). A live
   smsfw (tap on a silent net_null port) loads it at start.
1. One change → one log entry → applied in place: `smsfwctl block add`
   appends exactly one entry (id 26-0, the lists line); the dataplane's
   heartbeat shows lists rev 26, 1 change applied, no reload (generation
   1, reloads_ok 0), no new snapshot in Redis; a shield delete likewise;
   `smsfwctl status` shows the dataplane's lists rev with lag 0.
2. Catching up after being down: smsfw stopped (its summary counts the 2
   changes), 5 blocks added (one of them the sender of a spam frame),
   then an offline replay loads snapshot 1 (rev 25) and applies the 7
   logged changes before the first packet: that frame is blocked by
   block.number; a restarted live smsfw reaches rev 32 with 7 changes
   applied, no resync.
3. Fallback to a snapshot when the log was trimmed past the dataplane:
   live smsfw stopped (SIGSTOP), 3 changes, controld restarted (snapshot
   generation 2 at rev 35), the log trimmed to nothing, 1 more change;
   SIGCONT: smsfw finds the gap, reloads generation 2 once (resyncs 1,
   reloads_ok 1) and applies rev 36 from the log.
4. Shrink guard: Redis flushed (restarted empty): controld holds the empty
   snapshot with its alarm, smsfw keeps its 31 entries and rev 36; after
   `smsfwctl lists confirm` it loads the empty snapshot.

dp_lists_log.py --smsfw BIN --gen PCAPGEN --rulec RULEC --controld BIN --smsfwctl BIN
                --redis-server BIN --work DIR"""
import argparse
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dptest as T  # noqa: E402
from dp_redis_e2e import Redis, tbcd, wait_port  # noqa: E402


def hb(r):
    h = r.cmd("HGETALL", "{smsfw}:dp:live") or []
    return dict(zip(h[::2], h[1::2]))


def wait_hb(r, cond, timeout=10):
    """Heartbeat of the live dataplane once cond(hb) holds (or the last)."""
    t0, h = time.time(), {}
    while time.time() - t0 < timeout:
        h = hb(r)
        if h and cond(h):
            return h
        time.sleep(0.05)
    print("heartbeat:", h)
    return h


def c(h, name):
    return int(h.get("c." + name, -1))


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--smsfw", "--gen", "--rulec", "--controld", "--smsfwctl", "--redis-server", "--work"):
        ap.add_argument(opt, default=T.default_arg(opt, __file__))
    a = ap.parse_args()
    work = T.fresh_dir(a.work)
    procs = []
    try:
        run_test(a, work, procs)
    finally:
        T.stop_procs(procs)
    T.finish("dp-lists-log")


def run_test(a, work, procs):
    port = T.free_port()
    rdir = T.fresh_dir(os.path.join(work, "redis"))
    procs.append(subprocess.Popen([a.redis_server, "--port", str(port), "--bind", "127.0.0.1",
                                   "--dir", rdir, "--save", "", "--appendonly", "no"],
                                  stdout=open(os.path.join(rdir, "log"), "w"), stderr=subprocess.STDOUT))
    if not T.check(wait_port(port), "redis-server listening"):
        return
    r = Redis(port)

    def ctl(*args):
        p = subprocess.run([a.smsfwctl, "--redis", "127.0.0.1:%d" % port] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        T.check_eq(p.returncode, 0, "smsfwctl %s (%s)" % (" ".join(args), p.stdout.decode().strip()))
        return p.stdout.decode()

    # 0. seed, then controld's first snapshot
    for i in range(20):
        ctl("block", "add", "86139000000%02d" % i)
    for i in range(5):
        ctl("shield", "add", "861370000000%d" % i, "1065")
    T.check_eq(r.cmd("GET", "{smsfw}:lists:rev"), "25", "seeded: lists rev")
    T.check_eq(r.cmd("XLEN", "{smsfw}:lists:log"), 25, "seeded: one log entry per change")
    cd_ini = os.path.join(work, "controld.ini")
    with open(cd_ini, "w") as f:
        f.write("[redis]\nhost = 127.0.0.1\nport = %d\n[publish]\ndebounce_ms = 20\nsnapshot_every_s = 3600\n"
                "shrink_max_pct = 50\n[metrics]\nport = 0\n" % port)
    cd_log = os.path.join(work, "controld.log")

    def start_controld():
        p = subprocess.Popen([a.controld, "-c", cd_ini], stdout=open(cd_log, "a"), stderr=subprocess.STDOUT)
        procs.append(p)
        return p

    controld = start_controld()
    t0 = time.time()
    while time.time() - t0 < 10 and r.cmd("GET", "{smsfw}:gen:current") != "1":
        time.sleep(0.02)
    T.check_eq(r.cmd("GET", "{smsfw}:gen:current"), "1", "controld: first snapshot")
    T.check_eq(r.cmd("HGET", "{smsfw}:gen:meta", "rev"), "25", "snapshot 1 is at rev 25")
    T.check((r.cmd("GET", "{smsfw}:gen:1") or "").startswith("# smsfw lists v1\nversion 1\nrev 25\n"),
            "snapshot 1 header names its rev")

    live_ini = os.path.join(work, "live.ini")
    with open(live_ini, "w") as f:
        f.write("[dataplane]\nid = live\nmode = tap\n[ports]\nport0 = net_null0,no-rx=1\n"
                "[control]\nredis_host = 127.0.0.1\nredis_port = %d\nheartbeat_s = 1\n"
                "[policy]\nprotected = %s\n" % (port, T.PROTECTED))

    def start_live(name):
        out = T.fresh_dir(os.path.join(work, name))
        errf = open(os.path.join(out, "stderr.txt"), "w+")
        p = subprocess.Popen([a.smsfw, "--config", live_ini, "--no-rules", "--out", out],
                             stdout=subprocess.DEVNULL, stderr=errf)
        procs.append(p)
        return p, errf

    def stop_live(p, errf):
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=30)
        errf.seek(0)
        return errf.read()

    live, lerr = start_live("live1")
    h = wait_hb(r, lambda h: c(h, "lists_rev") == 25)
    T.check_eq((c(h, "lists_rev"), c(h, "lists_entries"), c(h, "generation"), c(h, "reloads_ok")),
               (25, 25, 1, 0), "live: snapshot 1 loaded at start (rev, entries, generation, reloads)")

    # 1. one change, one entry, applied in place
    ctl("block", "add", "8613911110000")
    T.check_eq(r.cmd("XLEN", "{smsfw}:lists:log"), 26, "block add: one more log entry")
    last = r.cmd("XREVRANGE", "{smsfw}:lists:log", "+", "-", "COUNT", "1")
    T.check_eq(last, [["26-0", ["op", "add", "line", "block number 8613911110000 reason=manual source=manual"]]],
               "block add: the log entry")
    h = wait_hb(r, lambda h: c(h, "lists_rev") == 26)
    T.check_eq((c(h, "lists_rev"), c(h, "lists_changes_applied"), c(h, "lists_entries"), c(h, "generation"),
                c(h, "reloads_ok"), c(h, "lists_resyncs")), (26, 1, 26, 1, 0, 0),
               "live: change 26 applied in place (rev, applied, entries, generation, reloads, resyncs)")
    T.check_eq(r.cmd("GET", "{smsfw}:gen:current"), "1", "no new snapshot for one change")
    ctl("shield", "del", "8613700000003", "1065")
    h = wait_hb(r, lambda h: c(h, "lists_rev") == 27)
    T.check_eq((c(h, "lists_rev"), c(h, "lists_changes_applied"), c(h, "lists_entries"), c(h, "reloads_ok")),
               (27, 2, 25, 0), "live: shield delete 27 applied in place")
    st = ctl("status")
    T.check(re.search(r"^dataplane live alive .* lists_rev=27 lists_lag=0$", st, re.M) is not None,
            "smsfwctl status: lists rev of the dataplane (%s)" % st.strip())
    stderr = stop_live(live, lerr)
    T.check("lists change log   rev 27, changes received 2, applied 2, no-op 0, malformed 0, table full 0, "
            "dropped 0, resyncs 0" in stderr, "live: summary line of the change log")

    # 2. down while the lists change; catching up from the log
    pcap, truth = T.gen(a.gen, os.path.join(work, "s"), ["--messages", "60", "--seed", "42",
                                                          "--mix", "spam=1", "--no-retrans"])
    hdr, pkts = T.read_pcap(pcap)
    chosen = None
    for t in truth:
        sender = t["sm_rp_oa"] if t["direction"] == "mo" else t["tp_oa"]
        if t["concat"] or not sender or not sender.isdigit() or len(sender) != 13 or not sender.startswith("86"):
            continue
        frame = pkts[t["frame"] - 1][2]
        if frame.count(tbcd(sender)) == 1 and sum(1 for x in truth if x["frame"] == t["frame"]) == 1:
            chosen = (t, sender)
            break
    if not T.check(chosen is not None, "a single-part spam frame with a 13-digit sender"):
        return
    t, old = chosen
    number = "8613922220003"
    ts, us, frame = pkts[t["frame"] - 1]
    pkts[t["frame"] - 1] = (ts, us, T.sctp_fix_checksum(frame.replace(tbcd(old), tbcd(number))))
    b_pcap = os.path.join(work, "b.pcap")
    T.write_pcap(b_pcap, hdr, pkts)
    for i in range(5):
        ctl("block", "add", "861392222000%d" % i, "--reason", "while down")
    dp_ini = os.path.join(work, "dp.ini")
    with open(dp_ini, "w") as f:
        f.write("[dataplane]\nid = offline\n[control]\nredis_host = 127.0.0.1\nredis_port = %d\n"
                "[policy]\nprotected = %s\n" % (port, T.PROTECTED))
    run = T.run_smsfw(a.smsfw, ["--offline", b_pcap, "--config", dp_ini, "--no-rules"], os.path.join(work, "b"))
    T.check_eq(run.rc, 0, "offline: exit code")
    v = [(x["verdict"], x["policy_name"], x["sender"], x["reason"]) for x in run.verdicts()
         if x["frame"] == t["frame"]]
    T.check_eq(v, [("block", "block.number", number, "block number %s: while down" % number)],
               "offline: frame %d blocked by the entry that came from the log" % t["frame"])
    T.check("lists change log   rev 32, changes received 7, applied 7, no-op 0, malformed 0, table full 0, "
            "dropped 0, resyncs 0" in run.stderr, "offline: snapshot rev 25 + 7 changes from the log")
    T.check(re.search(r"lists generation 1, ", run.stderr) is not None, "offline: from snapshot 1")
    live, lerr = start_live("live2")
    h = wait_hb(r, lambda h: c(h, "lists_rev") == 32)
    T.check_eq((c(h, "lists_rev"), c(h, "lists_changes_applied"), c(h, "lists_entries"), c(h, "generation"),
                c(h, "lists_resyncs")), (32, 7, 30, 1, 0),
               "live restarted: caught up from the log (rev, applied, entries, generation, resyncs)")

    # 3. the log trimmed past a stopped dataplane: back to a snapshot
    live.send_signal(signal.SIGSTOP)
    for i in range(3):
        ctl("block", "add", "861393333000%d" % i)
    controld.send_signal(signal.SIGTERM)
    controld.wait(timeout=10)
    controld = start_controld()
    t0 = time.time()
    while time.time() - t0 < 10 and r.cmd("GET", "{smsfw}:gen:current") != "2":
        time.sleep(0.02)
    T.check_eq(r.cmd("HGET", "{smsfw}:gen:meta", "rev"), "35", "restarted controld: snapshot 2 at rev 35")
    r.cmd("XTRIM", "{smsfw}:lists:log", "MAXLEN", "0")
    ctl("block", "add", "8613944440000")
    T.check_eq(r.cmd("XRANGE", "{smsfw}:lists:log", "-", "+")[0][0], "36-0", "log starts after the gap")
    live.send_signal(signal.SIGCONT)
    h = wait_hb(r, lambda h: c(h, "lists_rev") == 36)
    T.check_eq((c(h, "lists_rev"), c(h, "lists_resyncs"), c(h, "reloads_ok"), c(h, "generation"),
                c(h, "lists_entries"), c(h, "lists_changes_applied")), (36, 1, 1, 2, 34, 8),
               "live: gap → snapshot 2 reloaded once, then change 36 from the log (8 applied since start)")

    # 4. Redis restarted empty: the shrink guard holds, the dataplane keeps its lists
    r.cmd("FLUSHALL")
    t0 = time.time()
    while time.time() - t0 < 15 and not r.cmd("GET", "{smsfw}:gen:held"):
        time.sleep(0.05)
    T.check(r.cmd("GET", "{smsfw}:gen:held") is not None, "shrink guard: empty snapshot held")
    time.sleep(2.5)
    h = wait_hb(r, lambda h: c(h, "lists_resyncs") == 2)
    T.check_eq((c(h, "lists_rev"), c(h, "lists_entries"), c(h, "reloads_ok"), c(h, "lists_resyncs")),
               (36, 34, 1, 2), "live: rev went backwards, nothing applied while the guard holds")
    T.check("ALARM: generation held" in open(cd_log).read(), "controld: alarm logged")
    ctl("lists", "confirm")
    h = wait_hb(r, lambda h: c(h, "lists_entries") == 0, timeout=15)
    T.check_eq((c(h, "lists_rev"), c(h, "lists_entries"), c(h, "reloads_ok")), (0, 0, 2),
               "live: confirmed empty snapshot loaded")
    stop_live(live, lerr)


if __name__ == "__main__":
    main()
