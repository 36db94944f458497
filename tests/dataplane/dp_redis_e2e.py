#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""End to end with the control plane (issue 6 "Tests"): a real
redis-server on a free loopback port in a temp dir, smsfw-controld with
reports.block_threshold = 2, and smsfw with [control] redis_host.

1. Replay R (reports to 10086999 and "00000" shields) offline: every report
   and shield event smsfw wrote to events.jsonl reached Redis before smsfw
   exited (the shutdown flushes): {smsfw}:stats reports = the report events,
   the shield hash = the shield events; the committed lists generation
   ({smsfw}:gen:current → gen:<N>) blocks exactly the reported numbers and
   sender ids with 2 or more distinct reporters (POLICY "auto"); the
   dataplane's heartbeat hash exists.
2. Capture B: one generated spam message whose sender is rewritten to one of
   those numbers (TBCD digits patched, SCTP CRC32c recomputed). Without
   Redis it is tagged by content; replayed with Redis (the new generation
   fetched at start), the same part is blocked by block.number, and the
   summary names the generation; smsfw gets no --bundle there: the rule
   bundle published with `smsfwctl rules reload` is fetched from Redis, and
   every other part gets the verdict of the run with the file.

3. While a long replay runs, `smsfwctl block add` appends one entry to the
   lists change log (and controld, with snapshot_every_s = 0, publishes a
   new snapshot too): smsfw applies that one entry in place, without a
   reload ("lists change log rev R, changes received 1, applied 1"), and
   keeps the snapshot it loaded at start.
4. Redis away (nothing listens on the port): smsfw starts, says it will
   retry, and gives exactly the verdicts of a run without Redis.

dp_redis_e2e.py --smsfw BIN --gen PCAPGEN --rulec RULEC --controld BIN --smsfwctl BIN
                --redis-server BIN [--worker-src dp_worker.c] --work DIR"""
import argparse
import collections
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dptest as T  # noqa: E402


class Redis:
    """A minimal RESP client (no Python Redis package needed)."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.f = self.s.makefile("rb")

    def cmd(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)
        return self._read()

    def _read(self):
        line = self.f.readline()[:-2]
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            raise RuntimeError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.f.read(n + 2)[:-2]
            return data.decode("utf-8", "replace")
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self._read() for _ in range(n)]
        raise RuntimeError("bad reply %r" % line)


def tbcd(digits):
    """3GPP TS 29.002/23.040 swapped semi-octets, 'F' filler."""
    d = digits + ("F" if len(digits) % 2 else "")
    return bytes(int(d[i + 1] + d[i], 16) for i in range(0, len(d), 2))


def wait_port(port, timeout=5):
    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.02)
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smsfw", default=T.default_arg("--smsfw", __file__))
    ap.add_argument("--gen", default=T.default_arg("--gen", __file__))
    ap.add_argument("--rulec", default=T.default_arg("--rulec", __file__))
    ap.add_argument("--controld", default=T.default_arg("--controld", __file__))
    ap.add_argument("--smsfwctl", default=T.default_arg("--smsfwctl", __file__))
    ap.add_argument("--redis-server", default=T.default_arg("--redis-server", __file__))
    ap.add_argument("--work", default=T.default_arg("--work", __file__))
    a = ap.parse_args()
    work = T.fresh_dir(a.work)
    procs = []
    try:
        run_test(a, work, procs)
    finally:
        T.stop_procs(procs)
    T.finish("dp-redis-e2e")


def run_test(a, work, procs):
    bundle = T.build_test_bundle(a.rulec, work)
    port = T.free_port()
    rdir = T.fresh_dir(os.path.join(work, "redis"))
    procs.append(subprocess.Popen([a.redis_server, "--port", str(port), "--bind", "127.0.0.1",
                                   "--dir", rdir, "--save", "", "--appendonly", "no"],
                                  stdout=open(os.path.join(rdir, "log"), "w"), stderr=subprocess.STDOUT))
    if not T.check(wait_port(port), "redis-server listening"):
        return
    r = Redis(port)
    cd_ini = os.path.join(work, "controld.ini")
    with open(cd_ini, "w") as f:
        f.write("[redis]\nhost = 127.0.0.1\nport = %d\n[reports]\nblock_threshold = 2\n"
                "[publish]\ndebounce_ms = 20\nsnapshot_every_s = 0\n[metrics]\nport = 0\n" % port)
    procs.append(subprocess.Popen([a.controld, "-c", cd_ini],
                                  stdout=open(os.path.join(work, "controld.log"), "w"), stderr=subprocess.STDOUT))
    dp_ini = os.path.join(work, "dp.ini")
    with open(dp_ini, "w") as f:
        f.write("[dataplane]\nid = dptest\n[control]\nredis_host = 127.0.0.1\nredis_port = %d\n"
                "[policy]\nprotected = %s\n" % (port, T.PROTECTED))
    plain_ini = os.path.join(work, "plain.ini")
    with open(plain_ini, "w") as f:
        f.write("[policy]\nprotected = %s\n" % T.PROTECTED)

    # 1. reports and shields into Redis
    pcap, truth = T.gen(a.gen, os.path.join(work, "r"), ["--messages", "500", "--seed", "41",
                                                          "--mix", "report=6,shield=1,ham=1"])
    run = T.run_smsfw(a.smsfw, ["--offline", pcap, "--config", dp_ini, "--bundle", bundle],
                      os.path.join(work, "r-out"))
    T.check_eq(run.rc, 0, "R: exit code")
    ev = run.events()
    reports = [e for e in ev if e["type"] == "report"]
    shields = [e for e in ev if e["type"] == "shield"]
    m = re.search(r"control plane\s+127\.0\.0\.1:%d connected, lists generation (\d+), events queued (\d+), "
                  r"sent (\d+), dropped (\d+), invalid (\d+)" % port, run.stderr)
    if not T.check(m is not None, "R: control plane summary line"):
        print(run.stderr)
        return
    queued, sent = int(m.group(2)), int(m.group(3))
    T.check_eq(sent, queued, "R: every queued event confirmed by Redis before exit")
    T.check_eq((int(m.group(4)), int(m.group(5))), (0, 0), "R: events dropped, invalid")
    T.check(len(reports) > 50 and len(shields) > 5, "R: capture has reports and shields")

    reporters = collections.defaultdict(set)
    for e in reports:
        if e["reported"]:
            reporters[e["reported"]].add(e["reporter"])
    want_blocked = sorted(n for n, s in reporters.items() if len(s) >= 2)
    print("R: %d reports, %d shields, numbers with >= 2 reporters: %s" % (len(reports), len(shields), want_blocked))
    T.check(len(want_blocked) > 0, "R: some number reported by 2 distinct reporters")

    # controld applies the stream and publishes a generation
    text, t0 = "", time.time()
    while time.time() - t0 < 10:
        stats = r.cmd("HGETALL", "{smsfw}:stats") or []
        st = dict(zip(stats[::2], stats[1::2]))
        cur = r.cmd("GET", "{smsfw}:gen:current")
        text = r.cmd("GET", "{smsfw}:gen:%s" % cur) if cur else ""
        if int(st.get("reports", 0)) == len(reports) and text and \
                all(re.search(r"^block \w+ %s( |$)" % re.escape(n), text, re.M) for n in want_blocked):
            break
        time.sleep(0.05)
    T.check_eq(int(st.get("reports", 0)), len(reports), "Redis: reports applied = report events")
    T.check_eq(int(st.get("shields_added", 0)), len(set((e["subscriber"], e["port"]) for e in shields)),
               "Redis: shields added = distinct shield events")
    auto = sorted(re.findall(r"^block (?:number|sender) (\S+) .*source=auto", text or "", re.M))
    T.check_eq(auto, want_blocked, "generation %s: automatic blocks" % cur)
    shield_keys = sorted(r.cmd("HKEYS", "{smsfw}:shield"))
    T.check_eq(shield_keys, sorted(set("%s %s" % (e["subscriber"], e["port"]) for e in shields)),
               "Redis: shield list = shield events")
    hb = r.cmd("HGETALL", "{smsfw}:dp:dptest") or []
    hb = dict(zip(hb[::2], hb[1::2]))
    T.check("version" in hb and "boot" in hb and "c.dpclient.events_sent" in hb,
            "Redis: heartbeat hash {smsfw}:dp:dptest")

    # 1b. delivery markers only for protected senders, with the configured TTL
    ttl_ini = os.path.join(work, "ttl.ini")
    with open(ttl_ini, "w") as f:
        f.write("[dataplane]\nid = dpttl\n[control]\nredis_host = 127.0.0.1\nredis_port = %d\n"
                "dlv_ttl_s = 3600\n[policy]\nprotected = %s\n" % (port, T.PROTECTED))
    n_pcap, n_truth = T.gen(a.gen, os.path.join(work, "n"), ["--messages", "60", "--seed", "43",
                                                             "--mix", "notice=1,ham=1"])
    before = set(r.cmd("KEYS", "smsfw:{s:*}:dlv:*") or [])
    run = T.run_smsfw(a.smsfw, ["--offline", n_pcap, "--config", ttl_ini, "--bundle", bundle],
                      os.path.join(work, "n-out"))
    T.check_eq(run.rc, 0, "N: exit code")
    dlv = sorted(set(r.cmd("KEYS", "smsfw:{s:*}:dlv:*") or []) - before)
    protected = {p.split(":")[0] for p in T.PROTECTED.split(", ")}
    T.check(len(dlv) > 0, "N: delivery markers written for the notices")
    T.check_eq([k for k in dlv if k.split(":")[-1] not in protected], [],
               "N: markers only for protected senders")
    ttls = [int(r.cmd("TTL", k)) for k in dlv]
    T.check(all(3500 < t <= 3600 for t in ttls), "N: markers expire after dlv_ttl_s = 3600: %s" % ttls[:5])

    # 2. a message from a blocked number
    numbers = [n for n in want_blocked if n.isdigit()]
    if not T.check(numbers, "a blocked number (digits) to send from"):
        return
    spam_pcap, spam_truth = T.gen(a.gen, os.path.join(work, "s"), ["--messages", "60", "--seed", "42",
                                                                     "--mix", "spam=1", "--no-retrans"])
    hdr, pkts = T.read_pcap(spam_pcap)
    chosen = None
    for t in spam_truth:
        sender = t["sm_rp_oa"] if t["direction"] == "mo" else t["tp_oa"]
        if t["concat"] or not sender or not sender.isdigit():
            continue
        for n in numbers:
            if len(n) != len(sender) or n == sender:
                continue
            frame = pkts[t["frame"] - 1][2]
            if frame.count(tbcd(sender)) == 1 and sum(1 for x in spam_truth if x["frame"] == t["frame"]) == 1:
                chosen = (t, n, sender)
                break
        if chosen:
            break
    if not T.check(chosen is not None, "B: a single-part spam frame whose sender can be rewritten"):
        return
    t, number, old = chosen
    ts, us, frame = pkts[t["frame"] - 1]
    pkts[t["frame"] - 1] = (ts, us, T.sctp_fix_checksum(frame.replace(tbcd(old), tbcd(number))))
    b_pcap = os.path.join(work, "b.pcap")
    T.write_pcap(b_pcap, hdr, pkts)
    print("B: frame %d, sender %s rewritten to %s" % (t["frame"], old, number))

    plain = T.run_smsfw(a.smsfw, ["--offline", b_pcap, "--config", plain_ini, "--bundle", bundle],
                        os.path.join(work, "b-plain"))
    v = [x for x in plain.verdicts() if x["frame"] == t["frame"]]
    # a tag does not stop delivery: the line masks the number (first 3 and
    # last 2 digits kept) and has no text (output.tagged_text = no)
    T.check_eq([(x["verdict"], x["policy_name"], x["sender"], x["text"], x.get("redacted")) for x in v],
               [("tag", "content.rule", number[:3] + "*" * (len(number) - 5) + number[-2:], None, True)],
               "B without Redis: frame %d" % t["frame"])
    # the rule bundle from Redis too: published with smsfwctl, not given to smsfw
    ctl = subprocess.run([a.smsfwctl, "--redis", "127.0.0.1:%d" % port, "rules", "reload", bundle],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    T.check_eq(ctl.returncode, 0, "smsfwctl rules reload: exit code (%s)" % ctl.stdout.decode().strip())
    run = T.run_smsfw(a.smsfw, ["--offline", b_pcap, "--config", dp_ini], os.path.join(work, "b-redis"))
    T.check_eq(run.rc, 0, "B with Redis: exit code")
    v = [x for x in run.verdicts() if x["frame"] == t["frame"]]
    T.check_eq([(x["verdict"], x["policy_name"], x["sender"]) for x in v],
               [("block", "block.number", number)], "B with Redis: frame %d" % t["frame"])
    T.check(re.search(r"control plane\s+\S+ connected, lists generation %s," % cur, run.stderr) is not None,
            "B with Redis: summary names generation %s" % cur)
    # the content verdicts come from the bundle smsfw fetched from Redis
    others = [(x["frame"], x["verdict"], x["policy_name"]) for x in run.verdicts() if x["frame"] != t["frame"]]
    T.check_eq(others, [(x["frame"], x["verdict"], x["policy_name"]) for x in plain.verdicts()
                        if x["frame"] != t["frame"]], "B: the other frames' verdicts (Redis rule bundle)")
    T.check(any(x[2] == "content.rule" for x in others), "B: content rules applied")

    # 3. a list change while smsfw runs: one log entry, applied in place
    l_pcap, _ = T.gen(a.gen, os.path.join(work, "l"), ["--messages", "15000", "--seed", "43", "--rate", "20000",
                                                           "--mix", "ham=3,spam=1,notice=1"])
    out = T.fresh_dir(os.path.join(work, "l-out"))
    errf = open(os.path.join(out, "stderr.txt"), "w+")
    p = subprocess.Popen([a.smsfw, "--offline", l_pcap, "--config", dp_ini, "--out", out],
                         stdout=subprocess.DEVNULL, stderr=errf)
    procs.append(p)
    t0 = time.time()
    vpath = os.path.join(out, "verdicts.jsonl")
    while p.poll() is None and time.time() - t0 < 60 and not (os.path.exists(vpath) and os.path.getsize(vpath)):
        time.sleep(0.002)
    ctl = subprocess.run([a.smsfwctl, "--redis", "127.0.0.1:%d" % port, "block", "add", "sender", "LIVETEST"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    T.check_eq(ctl.returncode, 0, "smsfwctl block add: exit code (%s)" % ctl.stdout.decode().strip())
    live_running = p.poll() is None
    p.wait(timeout=120)
    errf.seek(0)
    live = T.Run(p.returncode, errf.read(), out)
    new = r.cmd("GET", "{smsfw}:gen:current")
    T.check(live_running, "live: smsfw still replaying when the block was added")
    T.check_eq(live.rc, 0, "live: exit code")
    T.check(int(new or 0) > int(cur), "live: controld published a newer snapshot than %s (%s)" % (cur, new))
    T.check("LIVETEST" in (r.cmd("GET", "{smsfw}:gen:%s" % new) or ""), "live: snapshot %s has the block" % new)
    T.check_eq(re.findall(r"reloaded from the control plane", live.stderr), [], "live: no reload")
    T.check_eq(live.summary.get("reloads_ok"), 0, "live: summary reloads")
    rev = r.cmd("GET", "{smsfw}:lists:rev")
    T.check("lists change log   rev %s, changes received 1, applied 1, no-op 0, malformed 0" % rev in live.stderr,
            "live: the one change applied from the log (rev %s)" % rev)
    T.check(re.search(r"control plane\s+\S+ connected, lists generation %s," % cur, live.stderr) is not None,
            "live: summary names the snapshot loaded at start, %s" % cur)

    # 4. Redis away: smsfw starts, says so, filters with its local state
    dead = T.free_port()
    dead_ini = os.path.join(work, "dead.ini")
    with open(dead_ini, "w") as f:
        f.write("[control]\nredis_host = 127.0.0.1\nredis_port = %d\n[policy]\nprotected = %s\n"
                % (dead, T.PROTECTED))
    run = T.run_smsfw(a.smsfw, ["--offline", b_pcap, "--config", dead_ini, "--bundle", bundle],
                      os.path.join(work, "b-dead"))
    T.check_eq(run.rc, 0, "Redis away: exit code")
    T.check("smsfw: control plane 127.0.0.1:%d not reachable yet; filtering with the local files, retrying" % dead
            in run.stderr, "Redis away: start-up message")
    T.check_eq([(x["frame"], x["verdict"], x["policy_name"]) for x in run.verdicts()],
               [(x["frame"], x["verdict"], x["policy_name"]) for x in plain.verdicts()],
               "Redis away: verdicts = without Redis")
    T.check(re.search(r"control plane\s+127\.0\.0\.1:%d not connected, lists generation 0" % dead, run.stderr)
            is not None, "Redis away: summary line")


if __name__ == "__main__":
    main()
