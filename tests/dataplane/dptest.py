# SPDX-License-Identifier: BSD-3-Clause
"""Shared helpers of the dataplane suite: run smsfw, parse its exit
summary and outputs, read/write classic pcap, CRC32c for SCTP, the test
rule set (built from the generator's built-in texts, so that content
verdicts do not depend on the evolving starter rules), and a failure
counter that makes every check count."""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys

FAILS = []


def check(cond, what):
    """Record a failed assertion (the test goes on, then exits 1)."""
    if not cond:
        FAILS.append(what)
        print("FAIL:", what, flush=True)
    return cond


def check_eq(got, want, what):
    return check(got == want, "%s: got %r, want %r" % (what, got, want))


def finish(name):
    if FAILS:
        print("%s: %d check(s) failed" % (name, len(FAILS)))
        sys.exit(1)
    print("%s: all checks passed" % name)
    sys.exit(0)


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


# ---- pcap ---------------------------------------------------------------

def read_pcap(path):
    data = open(path, "rb").read()
    hdr, off, pkts = data[:24], 24, []
    while off + 16 <= len(data):
        ts, us, cl, _ol = struct.unpack("<IIII", data[off:off + 16])
        pkts.append((ts, us, data[off + 16:off + 16 + cl]))
        off += 16 + cl
    return hdr, pkts


def write_pcap(path, hdr, pkts):
    with open(path, "wb") as f:
        f.write(hdr)
        for ts, us, p in pkts:
            f.write(struct.pack("<IIII", ts, us, len(p), len(p)))
            f.write(p)


def _crc32c_table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


_CRC_T = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC_T[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def sctp_offset(frame):
    """Offset of the SCTP common header in an Ethernet frame (IPv4/IPv6,
    optional 802.1Q tags), or None."""
    off, et = 12, struct.unpack(">H", frame[12:14])[0]
    while et in (0x8100, 0x88A8):
        off += 4
        et = struct.unpack(">H", frame[off:off + 2])[0]
    off += 2
    if et == 0x0800 and frame[off + 9] == 132:
        return off + (frame[off] & 0x0F) * 4
    if et == 0x86DD and frame[off + 6] == 132:
        return off + 40
    return None


def sctp_fix_checksum(frame):
    """The frame with its SCTP CRC32c recomputed (RFC 9260 appendix A)."""
    o = sctp_offset(frame)
    b = bytearray(frame)
    b[o + 8:o + 12] = b"\0\0\0\0"
    b[o + 8:o + 12] = struct.pack("<I", crc32c(bytes(b[o:])))
    return bytes(b)



# ---- defaults: run bare from the checkout, with the build in ./build ----

BUILD = os.environ.get("BUILD") or os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "build")
DEFAULTS = {
    "--smsfw": os.path.join(BUILD, "dataplane/dp/smsfw"),
    "--gen": os.path.join(BUILD, "pcap/gen/smsfw-pcapgen"),
    "--rulec": os.path.join(BUILD, "rules/smsfw-rulec"),
    "--controld": os.path.join(BUILD, "control/smsfw-controld"),
    "--smsfwctl": os.path.join(BUILD, "control/smsfwctl"),
    "--redis-server": shutil.which("redis-server") or "/usr/bin/redis-server",
}


def default_arg(opt, script):
    """The build's default for a command-line option (--work: a directory
    under the build named after the script)."""
    if opt == "--work":
        return os.path.join(BUILD, "tests/dataplane",
                            os.path.splitext(os.path.basename(script))[0] + ".work")
    return DEFAULTS[opt]


# Every stderr line of smsfw starts "2026-01-01T00:00:00.123Z LEVEL smsfw: ";
# tests read the text after the timestamp and level.
LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (error|warning|notice|info) (?=smsfw: )",
                        re.M)


def pcapng_blocks(data):
    """(type, length) of every whole block in a pcapng file's bytes (host
    byte order, as smsfw writes it) and the count of bytes after the last
    whole one (a block cut short)."""
    blocks, off = [], 0
    while len(data) - off >= 12:
        btype, blen = struct.unpack("=II", data[off:off + 8])
        if blen < 12 or blen % 4 or len(data) - off < blen or \
                struct.unpack("=I", data[off + blen - 4:off + blen])[0] != blen:
            break
        blocks.append((btype, blen))
        off += blen
    return blocks, len(data) - off


def strip_log(text):
    """stderr without the timestamps and levels (checked by check_log)."""
    return LOG_PREFIX.sub("", text)

# ---- running smsfw --------------------------------------------------------

class Run:
    def __init__(self, rc, stderr, out):
        self.rc, self.raw_stderr, self.out = rc, stderr, out
        self.stderr = strip_log(stderr)
        self.summary = parse_summary(stderr)

    def verdicts(self):
        return load_jsonl(os.path.join(self.out, "verdicts.jsonl"))

    def events(self):
        return load_jsonl(os.path.join(self.out, "events.jsonl"))


def run_smsfw(smsfw, args, out, timeout=120, env=None):
    p = subprocess.run([smsfw] + args + ["--out", out], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout, env=env)
    return Run(p.returncode, p.stderr.decode("utf-8", "replace"), out)


def load_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


_NUM = re.compile(r"([a-zA-Z][a-zA-Z ()+-]*?)\s+(\d+)")


def parse_summary(text):
    """The exit summary as a dict: received, forwarded, dropped, tx_failed,
    bypassed, packets, sctp_packets, bad_checksum, nic_checksum, sms_parts, pass, tag,
    block, reports, shields, unshields, reloads_ok, reloads_refused,
    errors {name: n}, tables {name: {used, capacity, evicted, expired,
    refused}}, scan_cache {hits, lookups, entries, replaced} and
    concat_cache {hits, streamed, replaced} when on."""
    s = {"errors": {}}
    for line in text.splitlines():
        m = re.match(r"\s+received\s+(\d+), forwarded (\d+), dropped (\d+), tx failed (\d+), "
                     r"bypassed \(overload\) (\d+)", line)
        if m:
            s.update(zip(("received", "forwarded", "dropped", "tx_failed", "bypassed"),
                         map(int, m.groups())))
        m = re.match(r"\s+packets\s+(\d+) \(non-IP (\d+), IP fragments (\d+), non-SCTP (\d+)\)", line)
        if m:
            s.update(zip(("packets", "non_ip", "ip_fragments", "non_sctp"), map(int, m.groups())))
        m = re.match(r"\s+SCTP packets\s+(\d+) \(bad checksum (\d+), checksum verified by the NIC (\d+)\)",
                     line)
        if m:
            s["sctp_packets"], s["bad_checksum"], s["nic_checksum"] = map(int, m.groups())
        m = re.match(r"\s+SMS parts\s+(\d+)", line)
        if m:
            s["sms_parts"] = int(m.group(1))
        m = re.match(r"\s+verdicts\s+pass (\d+), tag (\d+), block (\d+)", line)
        if m:
            s["pass"], s["tag"], s["block"] = map(int, m.groups())
        m = re.match(r"\s+events\s+reports (\d+), shields (\d+), unshields (\d+)", line)
        if m:
            s["reports"], s["shields"], s["unshields"] = map(int, m.groups())
        m = re.search(r"rules generation (\d+) \(reloads (\d+) ok, (\d+) refused\)", line)
        if m:
            s["generation"], s["reloads_ok"], s["reloads_refused"] = map(int, m.groups())
        m = re.match(r"\s+elapsed\s+([\d.]+) s, (\d+) SMS parts/s, (\d+) packets/s$", line)
        if m:
            s["elapsed_s"], s["sms_per_s"] = float(m.group(1)), int(m.group(2))
        m = re.match(r"\s+policy (\S+)\s+pass (\d+), tag (\d+), block (\d+)$", line)
        if m:
            s.setdefault("policy", {})[m.group(1)] = tuple(map(int, m.group(2, 3, 4)))
        m = re.match(r"\s+table (\S+)\s+used (\d+) of (\d+), evicted (\d+), "
                     r"(?:expired|timed out) (\d+)(?:, refused (\d+))?$", line)
        if m:
            s.setdefault("tables", {})[m.group(1)] = {
                "used": int(m.group(2)), "capacity": int(m.group(3)), "evicted": int(m.group(4)),
                "expired": int(m.group(5)), "refused": int(m.group(6) or 0)}
        m = re.match(r"\s+scan cache\s+(\d+) of (\d+) single-part texts answered without a scan "
                     r"\((\d+) entries, (\d+) replaced\)$", line)
        if m:
            s["scan_cache"] = dict(zip(("hits", "lookups", "entries", "replaced"), map(int, m.groups())))
        m = re.match(r"\s+concat cache\s+(\d+) of (\d+) streamed parts answered without a scan "
                     r"\((\d+) replaced\)$", line)
        if m:
            s["concat_cache"] = dict(zip(("hits", "streamed", "replaced"), map(int, m.groups())))
        m = re.match(r"\s+error (\S+)\s+(\d+)$", line)
        if m:
            s["errors"][m.group(1)] = int(m.group(2))
    return s


def verdict_key(v):
    """A verdict line as a comparable, order-free value."""
    return json.dumps(v, sort_keys=True, ensure_ascii=False)


# ---- the test rule set --------------------------------------------------
# One literal per content text of the generator's built-ins (pcap/gen/texts.c),
# normalised (rules/FORMAT.md: lower case, no punctuation between CJK), near
# the start so that the first part of a concatenated message carries it.
TEST_RULES = {
    "fraud_impersonation": ("block", ["信用卡因异常交易已被冻结", "最高检通知", "刑侦大队民警",
                                      "我是你领导", "快递理赔", "社保卡已停用", "我手机掉了",
                                      "学生贷未注销"]),
    "obscene_violent": ("block", ["澳门线上娱乐城"]),
    "contraband": ("block", ["代开各类发票", "出售高仿证件"]),
    "fake_offer": ("block", ["幸运观众抽奖", "诚招网络兼职刷单"]),
    "commercial_ad": ("tag", ["优品商城", "悦享健身", "专属装修优惠券", "金悦楼盘", "本店新到一批进口红酒",
                              "购物车里的宝贝降价啦", "速贷通", "英语培训暑期班",
                              "free entry to our weekly draw"]),
    "fake_base_station": ("block", ["话费积分3680即将清零", "实名认证未通过", "电子密码器将于次日过期",
                                    "账户积分可兑换现金386元"]),
}


def build_test_bundle(rulec, work):
    """Compile TEST_RULES with smsfw-rulec; returns the bundle path."""
    d = fresh_dir(os.path.join(work, "rules"))
    rid = 100
    for cls, (action, lits) in TEST_RULES.items():
        with open(os.path.join(d, cls + ".rules"), "w", encoding="utf-8") as f:
            f.write("# dataplane suite: literals of the generator's built-in %s texts\n" % cls)
            f.write("class %s\n\n" % cls)
            for lit in lits:
                rid += 1
                f.write("rule %d\n  action  %s\n  pattern %s\n  desc    test literal\n"
                        "  match   %s\n  nomatch 收到，谢谢！\n\n"
                        % (rid, action, re.sub(r"([.^$|()\[\]{}*+?\\])", r"\\\1", lit), lit))
    bundle = os.path.join(work, "test.bundle")
    p = subprocess.run([rulec, "compile", d, "-o", bundle], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if p.returncode != 0:
        print(p.stdout.decode())
        raise SystemExit("smsfw-rulec compile of the test rules failed")
    return bundle


# The generator's network (pcap/gen/README.md "The network"): each protected
# sender and the SMSC global title it really uses.
PROTECTED = ("10086:8613800900500, 95588:8613800905500, 95533:8613800905500, "
             "95599:8613800905500, 95566:8613800905500, 95555:8613800905500, "
             "10010:8613010090500, 10000:8613310090500")


def gen(pcapgen, prefix, args):
    subprocess.run([pcapgen, "--out", prefix, "--quiet"] + args, check=True)
    return prefix + ".pcap", load_jsonl(prefix + ".truth.jsonl")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def redis_test_main(name, run_test, messages):
    """main() of a dataplane test with Redis: the common arguments, a
    fresh work directory, run_test(a, work, procs), every process it
    started stopped however it ends, and the summary line."""
    ap = argparse.ArgumentParser()
    for arg in ("--smsfw", "--gen", "--controld", "--redis-server", "--work"):
        ap.add_argument(arg, required=True)
    ap.add_argument("--messages", type=int, default=messages, help="SMS parts to generate")
    a, _ = ap.parse_known_args()
    work = fresh_dir(a.work)
    procs = []
    try:
        run_test(a, work, procs)
    finally:
        stop_procs(procs)
    finish(name)


def stop_procs(procs):
    """SIGTERM the processes a test started, newest first; SIGKILL what
    does not exit within 5 s."""
    for p in reversed(procs):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
