#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""smsfw inline and tap over net_af_packet on veth pairs (issue 5 "Tests").

Three network namespaces made up for the test: A (sender) ─veth─ DUT
(smsfw, ports d0 and d1, pairs 0:1) ─veth─ B (receiver). IPv6 is off on
every interface so that the kernel sends nothing of its own. A raw
AF_PACKET socket in A sends every frame of a generated capture; one in B
captures.
- inline, enforcement = monitor: B receives exactly the sent frames, in
  order, byte for byte; smsfw's summary: received = forwarded = frames;
  one verdict line per SMS part of the truth.
- tap: B receives none of them; smsfw received them all and forwarded 0.
The namespaces are deleted at the end, also on failure. Needs root and
iproute2 (exit 77 = skipped otherwise).

dp_inline.py --smsfw BIN --gen PCAPGEN --work DIR"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dptest as T  # noqa: E402

ETH_P_ALL = 3
PACKET_OUTGOING = 4


def role_send(iface, pcap, pps):
    _hdr, pkts = T.read_pcap(pcap)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    gap = 1.0 / pps
    t0 = time.time()
    for i, (_ts, _us, f) in enumerate(pkts):
        while time.time() < t0 + i * gap:
            time.sleep(gap / 4)
        s.send(f)
    print("sent %d" % len(pkts), flush=True)


def role_recv(iface, out, quiet_s, limit_s):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 << 20)
    s.bind((iface, 0))
    s.settimeout(0.1)
    print("ready", flush=True)
    got, last, t0 = [], time.time(), time.time()
    # until quiet_s without a frame after the first one (limit_s in all)
    while (not got or time.time() - last < quiet_s) and time.time() - t0 < limit_s:
        try:
            data, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] == PACKET_OUTGOING:
            continue
        got.append((0, 0, data))
        last = time.time()
    T.write_pcap(out, b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00" + b"\0" * 8 + b"\xff\xff\x00\x00\x01\x00\x00\x00", got)


def sh(*args, check=True):
    return subprocess.run(list(args), check=check, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--role")
    ap.add_argument("--iface")
    ap.add_argument("--pcap")
    ap.add_argument("--pps", type=float, default=4000)
    ap.add_argument("--limit", type=float, default=20, help="receiver: seconds in all")
    ap.add_argument("--smsfw", default=T.default_arg("--smsfw", __file__))
    ap.add_argument("--gen", default=T.default_arg("--gen", __file__))
    ap.add_argument("--work", default=T.default_arg("--work", __file__))
    a = ap.parse_args()
    if a.role == "send":
        return role_send(a.iface, a.pcap, a.pps)
    if a.role == "recv":
        return role_recv(a.iface, a.pcap, 1.5, a.limit)
    if os.geteuid() != 0:
        print("SKIP: needs root for network namespaces")
        sys.exit(77)
    work = T.fresh_dir(a.work)
    tag = "%d" % os.getpid()
    ns = {"a": "dpt-a-" + tag, "dut": "dpt-dut-" + tag, "b": "dpt-b-" + tag}
    try:
        try:
            for n in ns.values():
                sh("ip", "netns", "add", n)
            sh("ip", "link", "add", "dpa0", "netns", ns["a"], "type", "veth", "peer", "name", "dpd0",
               "netns", ns["dut"])
            sh("ip", "link", "add", "dpd1", "netns", ns["dut"], "type", "veth", "peer", "name", "dpb0",
               "netns", ns["b"])
            for n, ifs in ((ns["a"], ["dpa0"]), (ns["dut"], ["dpd0", "dpd1"]), (ns["b"], ["dpb0"])):
                for i in ifs:
                    sh("ip", "netns", "exec", n, "sysctl", "-q", "-w", "net.ipv6.conf.%s.disable_ipv6=1" % i)
                    sh("ip", "-n", n, "link", "set", i, "up")
                sh("ip", "-n", n, "link", "set", "lo", "up")
        except (subprocess.CalledProcessError, FileNotFoundError) as e:
            print("SKIP: cannot set up network namespaces/veth: %s" % getattr(e, "stderr", e))
            sys.exit(77)
        pcap, truth = T.gen(a.gen, os.path.join(work, "in"), ["--messages", "300", "--seed", "61", "--mix", "all=1"])
        _hdr, sent = T.read_pcap(pcap)
        sent = [f for _ts, _us, f in sent]
        for mode in ("inline", "tap"):
            run_mode(a, work, ns, mode, pcap, sent, truth)
    finally:
        for n in ns.values():
            sh("ip", "netns", "del", n, check=False)
    T.finish("dp-inline")


def run_mode(a, work, ns, mode, pcap, sent, truth):
    out = T.fresh_dir(os.path.join(work, mode))
    ini = os.path.join(out, "smsfw.ini")
    # rings of 4,096 frames (the PMD's default is 512): the whole capture
    # fits, so a loaded 2-core machine descheduling smsfw for a moment
    # does not drop frames in the kernel (the test is of behaviour, not
    # of capacity)
    with open(ini, "w") as f:
        f.write("[dataplane]\nmode = %s\nenforcement = monitor\n[ports]\nport0 = net_af_packet0,iface=dpd0,framecnt=4096\n"
                "port1 = net_af_packet1,iface=dpd1,framecnt=4096\npairs = 0:1\n[output]\ndir = %s\n" % (mode, out))
    errf = open(os.path.join(out, "stderr.txt"), "w+")
    running_epbs = running_lines = None
    dp = subprocess.Popen(["ip", "netns", "exec", ns["dut"], a.smsfw, "--config", ini],
                          stdout=subprocess.DEVNULL, stderr=errf)
    recv_pcap = os.path.join(out, "received.pcap")
    me = os.path.abspath(__file__)
    rx = subprocess.Popen(["ip", "netns", "exec", ns["b"], sys.executable, me, "--role", "recv",
                           "--iface", "dpb0", "--pcap", recv_pcap,
                           "--limit", "20" if mode == "inline" else "6"], stdout=subprocess.PIPE)
    try:
        T.check(rx.stdout.readline().strip() == b"ready", mode + ": receiver ready")
        t0 = time.time()
        while dp.poll() is None and time.time() - t0 < 30 and \
                not os.path.exists(os.path.join(out, "verdicts.jsonl")):
            time.sleep(0.05)
        time.sleep(0.5)		# ports started after the log files are opened
        if not T.check(dp.poll() is None, mode + ": smsfw running"):
            errf.seek(0)
            print(errf.read())
            return
        t_send = time.time()
        tx = subprocess.run(["ip", "netns", "exec", ns["a"], sys.executable, me, "--role", "send",
                             "--iface", "dpa0", "--pcap", pcap], stdout=subprocess.PIPE)
        T.check_eq(tx.stdout.decode().strip(), "sent %d" % len(sent), mode + ": sender")
        rx.wait(timeout=60)
        # while smsfw still runs: its logs are on disk within a second, in
        # whole lines and whole pcapng blocks (tail -f never shows a partial record)
        time.sleep(1.2)
        with open(os.path.join(out, "verdicts.jsonl"), "rb") as f:
            data = f.read()
        lines = data.split(b"\n")
        T.check_eq(lines[-1], b"", mode + ": verdicts.jsonl on disk ends with a whole line")
        running_lines = len(lines) - 1
        T.check(all(isinstance(json.loads(x), dict) for x in lines[:-1]),
                mode + ": every verdict line on disk is a whole JSON object")
        with open(os.path.join(out, "flagged.pcapng"), "rb") as f:
            blocks, rest = T.pcapng_blocks(f.read())
        T.check_eq(rest, 0, mode + ": flagged.pcapng on disk ends with a whole block")
        running_epbs = sum(1 for b in blocks if b[0] == 6)
        T.check(running_epbs > 0, mode + ": flagged packets on disk while running")
    finally:
        if dp.poll() is None:
            dp.send_signal(signal.SIGTERM)
        try:
            dp.wait(timeout=20)
        except subprocess.TimeoutExpired:
            dp.kill()
            dp.wait()
        if rx.poll() is None:
            rx.kill()
            rx.wait()
    errf.seek(0)
    run = T.Run(dp.returncode, errf.read(), out)
    if running_lines is not None:
        T.check_eq(running_lines, len(run.verdicts()),
                   mode + ": every verdict line was on disk before the stop")
    if running_epbs is not None:
        with open(os.path.join(out, "flagged.pcapng"), "rb") as f:
            T.check_eq(running_epbs, sum(1 for b in T.pcapng_blocks(f.read())[0] if b[0] == 6),
                       mode + ": every flagged packet was on disk before the stop")
    got = [f for _ts, _us, f in T.read_pcap(recv_pcap)[1]] if os.path.exists(recv_pcap) else []
    # live: a packet's time is the wall clock when it was received (rate
    # windows, timeouts and quiet hours count it), not the capture's nor 0
    if running_lines is not None:
        ts = [v["ts_ns"] / 1e9 for v in run.verdicts()]
        T.check(ts and all(t_send - 2 <= t <= time.time() for t in ts) and ts == sorted(ts),
                mode + ": verdict times are the wall clock at receipt, in order: %s .. %s (sent at %.0f)"
                % (ts[:1], ts[-1:], t_send))
    s = run.summary
    T.check_eq(run.rc, 0, mode + ": smsfw exit code")
    T.check_eq(s.get("received"), len(sent), mode + ": smsfw received")
    if mode == "inline":
        T.check_eq(len(got), len(sent), "inline: frames arriving on the far side")
        first_bad = next((i for i, (x, y) in enumerate(zip(got, sent)) if x != y), None)
        T.check_eq(first_bad, None, "inline: first frame that differs from what was sent")
        T.check_eq(s.get("forwarded"), len(sent), "inline: forwarded")
        T.check_eq(s.get("dropped"), 0, "inline: dropped (monitor)")
        T.check_eq(len(run.verdicts()), len(truth), "inline: verdict lines = SMS parts")
    else:
        T.check_eq(len(got), 0, "tap: frames arriving on the far side")
        T.check_eq(s.get("forwarded"), 0, "tap: forwarded")
        T.check_eq(len(run.verdicts()), len(truth), "tap: verdict lines = SMS parts")


if __name__ == "__main__":
    main()
