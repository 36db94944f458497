#!/usr/bin/env python3
"""How fast smsfw-controld applies report events (control/REDIS.md "Redis
Cluster" records the figures).

    python3 bench/controld_apply_rate.py build/control/smsfw-controld [N]

Starts a throw-away redis-server on a free loopback port, puts N report
events (default 20,000: 5,000 reported numbers, 200,000 reporters, 1,000
fingerprints, fixed seed) in the stream before the daemon starts, then
times the daemon from its start until the stats say N applied. Prints the
rate, Redis's used_memory and how many numbers were auto-blocked (equal
for two binaries that apply the same way). Run two binaries alternately
for a side-by-side figure on a shared machine."""
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def resp(*args):
    out = b"*%d\r\n" % len(args)
    for x in args:
        x = x.encode() if isinstance(x, str) else x
        out += b"$%d\r\n%s\r\n" % (len(x), x)
    return out


def cli(port, *args):
    return subprocess.run(["redis-cli", "-p", str(port)] + list(args), capture_output=True,
                          text=True).stdout.strip()


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    port = free_port()
    work = tempfile.mkdtemp(prefix="smsfw-apply-rate-")
    rs = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                           "--appendonly", "no", "--dir", work], stdout=subprocess.DEVNULL)
    cd = None
    try:
        while cli(port, "PING") != "PONG":
            time.sleep(0.05)
        now = int(time.time() * 1000)
        rnd = random.Random(1)
        buf = bytearray()
        for i in range(n):
            buf += resp("XADD", "{smsfw}:events", "*", "id", "bench:1:%d" % i, "type", "report",
                        "ts", str(now - 1000 + i % 500), "dp", "bench",
                        "reporter", "86139%08d" % rnd.randrange(200000),
                        "reported", "86170%08d" % rnd.randrange(5000),
                        "fp", "%016x" % rnd.randrange(1000), "text", "spam text %d" % (i % 50),
                        "class", "fake_offer")
        subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=bytes(buf),
                       stdout=subprocess.DEVNULL, check=True)
        cfg = os.path.join(work, "controld.ini")
        with open(cfg, "w") as f:
            f.write("[reports]\nwindow_s = 3600\nblock_threshold = 3\n[publish]\ndebounce_ms = 50\n"
                    "[events]\nblock_ms = 50\n[metrics]\nport = 0\n")
        t0 = time.time()
        cd = subprocess.Popen([binary, "-c", cfg, "--redis", "127.0.0.1:%d" % port],
                              stderr=subprocess.DEVNULL)
        while True:
            v = cli(port, "HGET", "{smsfw}:stats", "events_applied")
            if v and int(v) >= n:
                break
            if cd.poll() is not None:
                sys.exit("controld exited with %d" % cd.returncode)
            time.sleep(0.01)
        dt = time.time() - t0
        used = [l for l in cli(port, "INFO", "memory").splitlines() if l.startswith("used_memory:")]
        print("%s: %d events in %.2f s = %.0f events/s, redis used_memory %.1f MB, numbers blocked %s"
              % (binary, n, dt, n / dt, int(used[0].split(":")[1]) / 1e6, cli(port, "HLEN", "{smsfw}:block")))
    finally:
        if cd:
            cd.kill()
        rs.kill()
        rs.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
