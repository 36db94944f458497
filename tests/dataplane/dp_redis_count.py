#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""No report lost on the way to Redis (issue 12 item 2):
a real redis-server on a free loopback port and smsfw-controld; a capture
of about 20,000 report messages to 10086999 replayed offline three times.
Each run: exit code 0, the control-plane summary says every queued event
was confirmed (dropped 0, invalid 0), events.jsonl holds exactly one
report per report message, and controld's {smsfw}:stats events_applied
grows by exactly that count (event ids make a resend count once).
Then (smsfw with [control] journal): Redis killed 1 s into a run and back
at least 3 s later, once DPDK telemetry /smsfw/control has shown the link
up, then down since the kill with the journal filling (AOF, appendfsync
always) — every report applied, the loss and recovery logged with
timestamps; and Redis away while smsfw journals, smsfw killed with
SIGKILL, Redis back, smsfw started on a one-message capture — exactly the
journaled events applied, the journal emptied.

dp_redis_count.py --smsfw BIN --gen PCAPGEN --controld BIN --redis-server BIN --work DIR"""
import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dptest as T  # noqa: E402
from dp_redis_e2e import Redis, wait_port  # noqa: E402


def applied(r):
    st = r.cmd("HGETALL", "{smsfw}:stats") or []
    return int(dict(zip(st[::2], st[1::2])).get("events_applied", 0))


def start_redis(a, port, rdir, procs):
    """AOF with fsync always: what Redis acknowledged survives its restart."""
    p = subprocess.Popen([a.redis_server, "--port", str(port), "--bind", "127.0.0.1",
                          "--dir", rdir, "--save", "", "--appendonly", "yes", "--appendfsync", "always"],
                         stdout=open(os.path.join(rdir, "log"), "a"), stderr=subprocess.STDOUT)
    procs.append(p)
    return p


def journal_records(path):
    """Records in a journal file (control/dpjournal.h), -1 if damaged."""
    data = open(path, "rb").read() if os.path.exists(path) else b""
    off = n = 0
    while off < len(data):
        if data[off:off + 4] != b"SFJ1" or len(data) - off < 12:
            return -1
        off += 12 + int.from_bytes(data[off + 4:off + 8], "little")
        n += 1
    return n if off == len(data) else -1


def telemetry(pid, cmd):
    """One DPDK telemetry command of process pid (v2 socket, JSON), None if
    it has no socket (yet, or any more)."""
    bases = ["/var/run/dpdk", os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk"), "/tmp/dpdk"]
    for base in bases:
        path = os.path.join(base, "smsfw-%d" % pid, "dpdk_telemetry.v2")
        if os.path.exists(path):
            break
    else:
        return None
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(2)
    try:
        s.connect(path)
        json.loads(s.recv(16384).decode())	# the greeting
        s.send(cmd.encode())
        return json.loads(s.recv(65536).decode()).get(cmd)
    except (OSError, ValueError):
        return None
    finally:
        s.close()


def wait_link(pid, proc, want, deadline_s):
    """Poll /smsfw/control until its link is want (and, down, the journal
    holds events); the last answer."""
    deadline, t = time.time() + deadline_s, None
    while time.time() < deadline and proc.poll() is None:
        t = telemetry(pid, "/smsfw/control")
        if t and t.get("link") == want and (want == "up" or t.get("journal_records", 0) > 0):
            return t
        time.sleep(0.05)
    return t


def run_test(a, work, procs):
    port = T.free_port()
    rdir = T.fresh_dir(os.path.join(work, "redis"))
    redis = start_redis(a, port, rdir, procs)
    if not T.check(wait_port(port), "redis-server listening"):
        return
    r = Redis(port)
    cd_ini = os.path.join(work, "controld.ini")
    with open(cd_ini, "w") as f:
        f.write("[redis]\nhost = 127.0.0.1\nport = %d\n[reports]\nbot_per_hour = 1000000\n"
                "[publish]\ndebounce_ms = 200\n[metrics]\nport = 0\n" % port)
    procs.append(subprocess.Popen([a.controld, "-c", cd_ini],
                                  stdout=open(os.path.join(work, "controld.log"), "w"), stderr=subprocess.STDOUT))
    dp_ini = os.path.join(work, "dp.ini")
    journal = os.path.join(work, "events.journal")
    with open(dp_ini, "w") as f:
        f.write("[dataplane]\nid = dpcount\n[control]\nredis_host = 127.0.0.1\nredis_port = %d\n"
                "journal = %s\njournal_fsync = always\n" % (port, journal))
    pcap, truth = T.gen(a.gen, os.path.join(work, "r"), ["--messages", str(a.messages), "--seed", "5",
                                                          "--mix", "report=1"])
    msgs = sum(1 for t in truth if t["scenario"] == "report" and not t["retransmission"]
               and (t["concat"] is None or t["concat"]["seq"] == 1))
    print("capture: %d report messages in %d parts" % (msgs, len(truth)))
    for run_no in range(1, 4):
        label = "run %d" % run_no
        before = applied(r)
        t0 = time.time()
        run = T.run_smsfw(a.smsfw, ["--offline", pcap, "--config", dp_ini], os.path.join(work, "out%d" % run_no),
                          timeout=240)
        T.check_eq(run.rc, 0, label + ": exit code")
        reports = [e for e in run.events() if e["type"] == "report"]
        T.check_eq(len(reports), msgs, label + ": report events = report messages")
        m = re.search(r"events queued (\d+), sent (\d+), dropped (\d+), invalid (\d+)", run.stderr)
        if not T.check(m is not None, label + ": control plane summary line"):
            print(run.stderr)
            continue
        queued, sent, dropped, invalid = map(int, m.groups())
        T.check_eq((queued, sent, dropped, invalid), (msgs, msgs, 0, 0),
                   label + ": events queued, sent, dropped, invalid")
        deadline = time.time() + 60
        while applied(r) - before < msgs and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(0.3)	# nothing more may arrive
        T.check_eq(applied(r) - before, msgs, label + ": events applied by controld")
        print("%s: %d events applied in %.1f s" % (label, applied(r) - before, time.time() - t0))

    # 4. Redis stopped in the middle of a run, back 3 s later: all delivered
    label = "outage"
    before = applied(r)
    r.cmd("DEL", "{smsfw}:dp:dpcount")	# the earlier runs' heartbeat
    out = os.path.join(work, "out-outage")
    p = subprocess.Popen([a.smsfw, "--offline", pcap, "--config", dp_ini, "--out", out],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 20
    while not r.cmd("EXISTS", "{smsfw}:dp:dpcount") and time.time() < deadline:
        time.sleep(0.05)	# connected: its first heartbeat is there
    # the link as telemetry shows it: up, then down with the journal filling
    up = wait_link(p.pid, p, "up", 10)
    if T.check(up is not None and up.get("link") == "up", label + ": telemetry /smsfw/control link up"):
        T.check_eq(up.get("redis"), "127.0.0.1:%d" % port, label + ": telemetry redis address")
        T.check_eq(up.get("via"), "direct", label + ": telemetry via")
    time.sleep(0.3)
    killed_ms = int(time.time() * 1000)
    redis.send_signal(signal.SIGKILL)
    redis.wait()
    # down at once; the journal fills as the replay's events come (Redis
    # stays away until it shows, at most 15 s)
    down = wait_link(p.pid, p, "down", 15)
    if T.check(down is not None and down.get("link") == "down" and down.get("journal_records", 0) > 0,
               label + ": telemetry link down, journal depth > 0 (got %r)" % (down,)):
        T.check(killed_ms - 50 <= down["since_ms"] <= killed_ms + 1000, label + ": telemetry down since the kill")
        T.check(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", down.get("since", "")) is not None,
                label + ": telemetry since is ISO-8601")
        T.check(down["since_ms"] > up["since_ms"], label + ": down after up")
        print("%s: telemetry while Redis is away: link %s since %s, journal %d, queued %d" %
              (label, down["link"], down["since"], down["journal_records"], down["queued"]))
    time.sleep(max(0.0, 3.0 - (time.time() - killed_ms / 1000.0)))
    redis = start_redis(a, port, rdir, procs)
    T.check(wait_port(port), label + ": redis back")
    _, err = p.communicate(timeout=240)
    err = err.decode("utf-8", "replace")
    T.check_eq(p.returncode, 0, label + ": exit code")
    if not T.check("lost Redis" in err and "back after" in err, label + ": loss and recovery logged"):
        print(err[-3000:])
    ts = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \w+ smsfw: control plane: "
    T.check(re.search(ts + r"lost Redis", err, re.M) is not None and
            re.search(ts + r"Redis 127\.0\.0\.1:\d+ back after \d+ ms", err, re.M) is not None,
            label + ": loss and recovery lines carry timestamps")
    r = Redis(port)
    deadline = time.time() + 60
    while applied(r) - before < msgs and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)
    T.check_eq(applied(r) - before, msgs, label + ": events applied by controld")
    m = re.search(r"journal spilled (\d+) replayed (\d+) dropped (\d+) pending (\d+)", err)
    T.check(m is not None, label + ": journal summary")
    if m:
        print("%s: %d applied; journal spilled %s, replayed %s" % (label, applied(r) - before, m.group(1),
                                                                   m.group(2)))

    # 5. kill -9 after journaling: Redis away, smsfw killed once the journal
    # holds events; the next start (any capture) delivers them, once
    label = "kill-9"
    before = applied(r)
    redis.send_signal(signal.SIGKILL)
    redis.wait()
    out = os.path.join(work, "out-kill")
    p = subprocess.Popen([a.smsfw, "--offline", pcap, "--config", dp_ini, "--out", out],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, last = time.time() + 60, -1
    while time.time() < deadline:
        n = journal_records(journal)
        if n >= 1000 and n == last:
            break
        last = n
        time.sleep(0.3)
    p.send_signal(signal.SIGKILL)
    p.wait()
    kept = journal_records(journal)
    print("%s: %d events in the journal after kill -9" % (label, kept))
    T.check(kept >= 1000, label + ": the journal holds events")
    redis = start_redis(a, port, rdir, procs)
    T.check(wait_port(port), label + ": redis back")
    r = Redis(port)
    tiny, _ = T.gen(a.gen, os.path.join(work, "tiny"), ["--messages", "1", "--seed", "1", "--mix", "ham=1"])
    run = T.run_smsfw(a.smsfw, ["--offline", tiny, "--config", dp_ini], os.path.join(work, "out-after"))
    T.check_eq(run.rc, 0, label + ": restart exit code")
    deadline = time.time() + 30
    while applied(r) - before < kept and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)
    T.check_eq(applied(r) - before, kept, label + ": journaled events applied once after the restart")
    T.check_eq(journal_records(journal), 0, label + ": journal emptied")


def main():
    T.redis_test_main("dp-redis-count", run_test, 24000)


if __name__ == "__main__":
    main()
