#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Hostile input, two runs over captures that interleave untouched packets
with hostile copies of them:

1. every kind of damage (truncation, zero and oversized chunk lengths,
   deep BER nesting, random bytes, random packets), checksums ignored:
   smsfw-decode runs clean under valgrind (no invalid access, no definite
   leak) and names the errors in its summary;
2. resent packets whose DATA payloads are damaged but which carry a valid
   CRC32c and their original TSNs (what a broken peer could send):
   every SMS of the untouched packets decodes exactly as in a clean run —
   a resend never disturbs reassembly or dialogue state.

hostile.py --decode BIN --gen PCAPGEN --work DIR"""
import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dataplane"))
from dptest import crc32c, read_pcap, write_pcap  # noqa: E402


def sctp_offset(p):
    """Offset of the SCTP header in an Ethernet/IPv4 frame, or None."""
    if len(p) < 34 or p[12:14] != b"\x08\x00" or p[23] != 132:
        return None
    return 14 + (p[14] & 15) * 4


def with_crc(p, s):
    """The packet with a correct SCTP checksum (RFC 9260 §6.8)."""
    q = bytearray(p)
    q[s + 8:s + 12] = b"\0\0\0\0"
    q[s + 8:s + 12] = struct.pack("<I", crc32c(bytes(q[s:])))
    return bytes(q)


def payload_mutations(rng, p):
    """Copies whose DATA chunk payloads are damaged, headers and CRC valid."""
    s = sctp_offset(p)
    if s is None:
        return []
    spans, off = [], s + 12
    while off + 4 <= len(p):
        t, ln = p[off], struct.unpack(">H", p[off + 2:off + 4])[0]
        if ln < 4 or off + ln > len(p):
            break
        if t == 0 and ln > 16:
            spans.append((off + 16, off + ln))
        off += (ln + 3) & ~3
    out = []
    for kind in range(4):
        q = bytearray(p)
        for a, b in spans:
            for i in range(a, b):
                if kind == 0:
                    q[i] = rng.randrange(256)
                elif kind == 1 and (i - a) % 2 == 0 and i + 1 < b:
                    q[i:i + 2] = b"\x30\x80"
                elif kind == 2 and q[i] < 0x80 and rng.random() < 0.2:
                    q[i] = 0x84
                elif kind == 3 and rng.random() < 0.05:
                    q[i] ^= 1 << rng.randrange(8)
        if spans:
            out.append(with_crc(bytes(q), s))
    return out


def mutations(rng, p):
    """Hostile variants of one packet (each a new packet)."""
    out = []
    for cut in (1, 13, 20, 33, 40, len(p) // 2, len(p) - 1):
        if 0 < cut < len(p):
            out.append(p[:cut])                         # truncated anywhere
    s = sctp_offset(p)
    if s is not None and len(p) > s + 16:
        q = bytearray(p)
        q[s + 14:s + 16] = b"\x00\x00"                  # chunk length 0: would loop
        out.append(bytes(q))
        q = bytearray(p)
        q[s + 14:s + 16] = b"\xff\xff"                  # chunk length past the end
        out.append(bytes(q))
        q = bytearray(p)
        for i in range(s + 28, len(q), 2):              # BER: nested indefinite forms
            q[i:i + 2] = b"\x30\x80"
        out.append(bytes(q))
        q = bytearray(p)
        for i in range(s + 28, len(q)):                 # random bytes after valid headers
            q[i] = rng.randrange(256)
        out.append(bytes(q))
        q = bytearray(p)
        for i in range(s + 28, len(q)):                 # long-form lengths everywhere
            if q[i] < 0x80 and rng.random() < 0.2:
                q[i] = 0x84
        out.append(bytes(q))
    out.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))))
    return out


def decode(binary, capture, valgrind, checksum=False):
    cmd = [binary, "--extra", capture] + ([] if checksum else ["--no-checksum"])
    if valgrind:
        cmd = ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
               "--errors-for-leak-kinds=definite"] + cmd
    r = subprocess.run(cmd, capture_output=True)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--decode", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    base = os.path.join(a.work, "clean")
    subprocess.run([a.gen, "--quiet", "--messages", "120", "--seed", "7", "--no-retrans",
                    "--out", base], check=True)
    hdr, pkts = read_pcap(base + ".pcap")
    rng = random.Random(7)
    hostile, resent, keep = [], [], []   # keep: frames of untouched packets in resent
    for ts, us, p in pkts:
        hostile.append((ts, us, p))
        for m in mutations(rng, p) + payload_mutations(rng, p):
            hostile.append((ts, us, m))
        resent.append((ts, us, p))
        keep.append(len(resent))
        for m in payload_mutations(rng, p):
            resent.append((ts, us, m))
    path = os.path.join(a.work, "hostile.pcap")
    write_pcap(path, hdr, hostile)
    rpath = os.path.join(a.work, "resent.pcap")
    write_pcap(rpath, hdr, resent)

    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL:", what)

    rc, out, err = decode(a.decode, path, valgrind=shutil.which("valgrind") is not None)
    check(rc == 0, f"exit status {rc} (99 = valgrind found an error)\n{err[-3000:]}")
    errs = [l.split()[1] for l in err.splitlines() if l.strip().startswith("error ")]
    for name in ("common.truncated", "sctp.chunk_len_invalid"):
        check(any(e == name or e.startswith(name.split(".")[0] + ".") for e in errs),
              f"summary names {name}-class errors: {errs}")
    check(len(errs) >= 5, f"at least 5 distinct named errors counted, got {errs}")
    rc, out, err = decode(a.decode, rpath, valgrind=False, checksum=True)
    check(rc == 0, f"resent run exit status {rc}")
    mine = {}
    for line in out.splitlines():
        r = json.loads(line)
        mine.setdefault(r["frame"], []).append(r)
    # the clean capture's SMS, renumbered to their frames in the hostile one
    rc2, out2, _ = decode(a.decode, base + ".pcap", valgrind=False)
    clean = {}
    for line in out2.splitlines():
        r = json.loads(line)
        r["frame"] = keep[r["frame"] - 1]
        clean.setdefault(r["frame"], []).append(r)
    strip = lambda rs: sorted(json.dumps({k: v for k, v in r.items() if k != "retransmission"},
                                         sort_keys=True, ensure_ascii=False) for r in rs)
    for fr in clean:
        check(strip(mine.get(fr, [])) == strip(clean[fr]), f"untouched frame {fr} decodes as in a clean run")
    print(f"run 1: {len(hostile)} packets ({len(hostile) - len(pkts)} hostile); run 2: {len(resent)} "
          f"packets ({len(resent) - len(keep)} damaged resends), "
          f"{sum(len(v) for v in clean.values())} SMS parts in untouched packets")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
