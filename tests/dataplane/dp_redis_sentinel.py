#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The real dataplane through a Redis failover (issue 12 item 5): a master,
two replicas and three sentinels on free loopback ports; smsfw-controld
and smsfw (offline replay of report messages to 10086999, [control]
redis_sentinels, redis_wait_replicas = 1, a journal) know only the
sentinels. The master is killed with SIGKILL once events flow; the
sentinels promote a replica.

Checked: smsfw exits 0 and gives exactly the verdicts of the same replay
without a control plane (it filtered throughout); its summary has every
queued event delivered (dropped 0, invalid 0, journal dropped 0, pending
0) and it logged the loss and the recovery; on the new master controld
applied exactly one event per report message (none lost, none twice);
telemetry /smsfw/control (read before the kill) says via sentinel and
names the old master.

dp_redis_sentinel.py --smsfw BIN --gen PCAPGEN --controld BIN --redis-server BIN --work DIR"""
import argparse
import collections
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dptest as T  # noqa: E402
from dp_redis_e2e import Redis, wait_port  # noqa: E402
from dp_redis_count import telemetry  # noqa: E402

MASTER = "smsfw"


def stat(port, field):
    """A {smsfw}:stats field over a new connection, -1 if it does not answer
    (the sentinels close the promoted replica's clients)."""
    try:
        st = Redis(port).cmd("HGETALL", "{smsfw}:stats") or []
    except OSError:
        return -1
    return int(dict(zip(st[::2], st[1::2])).get(field, 0))


def redis(a, port, d, procs, *extra):
    os.makedirs(d, exist_ok=True)
    p = subprocess.Popen([a.redis_server, "--port", str(port), "--bind", "127.0.0.1", "--dir", d, "--save", "",
                          "--appendonly", "no", "--repl-diskless-sync-delay", "0"] + list(extra),
                         stdout=open(os.path.join(d, "log"), "a"), stderr=subprocess.STDOUT)
    procs.append(p)
    return p


def run_test(a, work, procs):
    pcap, truth = T.gen(a.gen, os.path.join(work, "r"), ["--messages", str(a.messages), "--seed", "9",
                                                          "--mix", "report=1"])
    msgs = sum(1 for t in truth if t["scenario"] == "report" and not t["retransmission"]
               and (t["concat"] is None or t["concat"]["seq"] == 1))
    print("capture: %d report messages in %d parts" % (msgs, len(truth)))
    base = T.run_smsfw(a.smsfw, ["--offline", pcap], os.path.join(work, "out-base"), timeout=240)
    T.check_eq(base.rc, 0, "without a control plane: exit code")

    mport, r1port, r2port = T.free_port(), T.free_port(), T.free_port()
    master = redis(a, mport, os.path.join(work, "m"), procs)
    redis(a, r1port, os.path.join(work, "r1"), procs, "--replicaof", "127.0.0.1", str(mport))
    # the second replica is never promoted: which one is, is known
    redis(a, r2port, os.path.join(work, "r2"), procs, "--replicaof", "127.0.0.1", str(mport),
          "--replica-priority", "0")
    for p in (mport, r1port, r2port):
        if not T.check(wait_port(p), "redis-server %d listening" % p):
            return
    sports = [T.free_port() for _ in range(3)]
    for i, sp in enumerate(sports):
        conf = os.path.join(work, "sentinel-%d.conf" % i)
        with open(conf, "w") as f:
            f.write("port %d\nbind 127.0.0.1\ndir %s\nsentinel resolve-hostnames no\n"
                    "sentinel monitor %s 127.0.0.1 %d 2\nsentinel down-after-milliseconds %s 1000\n"
                    "sentinel failover-timeout %s 10000\n" % (sp, work, MASTER, mport, MASTER, MASTER))
        procs.append(subprocess.Popen([a.redis_server, conf, "--sentinel"],
                                      stdout=open(os.path.join(work, "sentinel-%d.log" % i), "w"),
                                      stderr=subprocess.STDOUT))
    sentinels = ",".join("127.0.0.1:%d" % p for p in sports)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            ready = all(len(Redis(sp).cmd("SENTINEL", "replicas", MASTER) or []) == 2 and
                        len(Redis(sp).cmd("SENTINEL", "sentinels", MASTER) or []) == 2 for sp in sports)
        except OSError:
            ready = False
        if ready:
            break
        time.sleep(0.2)
    if not T.check(ready, "three sentinels know both replicas and each other"):
        return

    cd_ini = os.path.join(work, "controld.ini")
    with open(cd_ini, "w") as f:
        f.write("[redis]\nsentinels = %s\nmaster_name = %s\n[reports]\nbot_per_hour = 1000000\n"
                "block_threshold = 1000000\n"
                "[publish]\ndebounce_ms = 200\n[metrics]\nport = 0\n" % (sentinels, MASTER))
    procs.append(subprocess.Popen([a.controld, "-c", cd_ini],
                                  stdout=open(os.path.join(work, "controld.log"), "w"), stderr=subprocess.STDOUT))
    dp_ini = os.path.join(work, "dp.ini")
    with open(dp_ini, "w") as f:
        f.write("[dataplane]\nid = dpha\n[control]\nredis_sentinels = %s\nredis_master_name = %s\n"
                "redis_wait_replicas = 1\njournal = %s\njournal_fsync = always\n" %
                (sentinels, MASTER, os.path.join(work, "events.journal")))
    out = os.path.join(work, "out-ha")
    p = subprocess.Popen([a.smsfw, "--offline", pcap, "--config", dp_ini, "--out", out],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    procs.append(p)
    # events flow through the first master; the dataplane says where it is
    deadline, tel = time.time() + 60, None
    while time.time() < deadline and p.poll() is None:
        tel = telemetry(p.pid, "/smsfw/control") or tel
        if stat(mport, "events_applied") >= 200 and tel and tel.get("link") == "up":
            break
        time.sleep(0.02)
    if T.check(tel is not None and tel.get("link") == "up", "telemetry: link up before the kill"):
        T.check_eq((tel.get("via"), tel.get("redis")), ("sentinel", "127.0.0.1:%d" % mport),
                   "telemetry: via sentinel, the first master")
    applied_before = stat(mport, "events_applied")
    t_kill = time.time()
    master.send_signal(signal.SIGKILL)
    master.wait()
    promoted = None
    while time.time() - t_kill < 30 and promoted is None:
        try:
            if Redis(sports[0]).cmd("SENTINEL", "get-master-addr-by-name", MASTER)[1] == str(r1port):
                promoted = time.time() - t_kill
        except OSError:
            pass
        time.sleep(0.02)
    T.check(promoted is not None, "the sentinels promoted the replica")
    print("master killed with %d events applied; replica promoted after %.2f s" %
          (applied_before, promoted or -1))
    _, err = p.communicate(timeout=240)
    err = err.decode("utf-8", "replace")
    T.check_eq(p.returncode, 0, "exit code")
    if not T.check("lost Redis" in err and "back after" in err, "loss and recovery logged"):
        print(err[-3000:])
    run = T.Run(p.returncode, err, out)
    m = re.search(r"events queued (\d+), sent (\d+), dropped (\d+), invalid (\d+)", run.stderr)
    j = re.search(r"journal spilled (\d+) replayed (\d+) dropped (\d+) pending (\d+)", run.stderr)
    if T.check(m is not None and j is not None, "control plane summary line"):
        T.check_eq((int(m.group(1)), int(m.group(3)), int(m.group(4))), (msgs, 0, 0),
                   "events queued, dropped, invalid")
        T.check_eq((int(j.group(3)), int(j.group(4))), (0, 0), "journal dropped, pending")
        print("dataplane: %s sent, journal spilled %s replayed %s" % (m.group(2), j.group(1), j.group(2)))
    # it filtered throughout: the verdicts of the run without Redis (no
    # automatic blocks: block_threshold is out of reach)
    got = collections.Counter(T.verdict_key(v) for v in run.verdicts())
    want = collections.Counter(T.verdict_key(v) for v in base.verdicts())
    T.check_eq(sum(got.values()), sum(want.values()), "verdicts: as many as without a control plane")
    T.check(got == want, "verdicts: the same as without a control plane")
    reports = [e for e in run.events() if e["type"] == "report"]
    T.check_eq(len(reports), msgs, "report events = report messages")
    # none lost, none twice: exactly one applied event per report message
    deadline = time.time() + 60
    while stat(r1port, "events_applied") < msgs and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    T.check_eq(stat(r1port, "events_applied"), msgs, "new master: events applied by controld")
    T.check_eq(stat(r1port, "reports"), msgs, "new master: reports counted")
    print("new master: %d events applied, %d redelivered ones recognised" %
          (stat(r1port, "events_applied"), stat(r1port, "events_duplicate")))


def main():
    T.redis_test_main("dp-redis-sentinel", run_test, 8000)


if __name__ == "__main__":
    main()
