#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Malformed and hostile captures through smsfw (issue 5 "Tests"): a clean
generated capture with hostile frames interleaved (one after every third
clean frame), all on an SCTP association of their own (source port
rewritten) so that they cannot touch the clean associations' TSN state:

- truncated: copies of DATA frames cut inside SCTP/M3UA/SCCP/TCAP;
- bad checksum: copies with the CRC32c flipped;
- random bytes: the IP/SCTP headers of a DATA frame, then random bytes as
  the chunks (valid CRC32c);
- chunk loops: a DATA chunk with length 0, and one whose length points past
  the packet (valid CRC32c);
- deep BER: an M3UA DATA → SCCP UDT → TCAP Begin nested 58 levels deep
  with indefinite lengths (valid CRC32c).

Checks: exit 0, no crash; received = forwarded = all frames; bad checksum
= the bad-checksum frames; the clean run has no error line; in the
hostile run every hostile frame with a valid checksum is exactly one named
error (common.truncated = truncated frames, common.depth_exceeded = deep
BER frames, sctp.chunk_len_too_short + sctp.chunk_len_overflow = chunk
length and random-bytes frames); the clean frames' verdict lines are
exactly the clean run's (frame numbers mapped back), and hostile frames
have none.

dp_hostile.py --smsfw BIN --gen PCAPGEN --work DIR"""
import argparse
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dptest as T  # noqa: E402

HOSTILE_PORT = 40999


def own_assoc(frame):
    o = T.sctp_offset(frame)
    b = bytearray(frame)
    b[o:o + 2] = struct.pack(">H", HOSTILE_PORT)
    return bytes(b), o


def data_frames(pkts):
    """Frames whose first chunk is DATA with PPID 3 (M3UA)."""
    out = []
    for _ts, _us, f in pkts:
        o = T.sctp_offset(f)
        if o is not None and len(f) > o + 28 and f[o + 12] == 0 and struct.unpack(">I", f[o + 24:o + 28])[0] == 3:
            out.append(f)
    return out


def deep_ber(template):
    """Eth/IP/SCTP of a template DATA frame around a new DATA chunk:
    M3UA DATA (RFC 4666 §3.3.1) → SCCP UDT (Q.713 §4.10) → TCAP Begin
    (Q.773) whose content nests SEQUENCEs with indefinite lengths."""
    f, o = own_assoc(template)
    depth = 58
    tcap = b"\x62\x80" + b"\x30\x80" * (depth - 1) + b"\x00\x00" * depth
    party = b"\x02\x42\x08"			# length 2: AI route on SSN + SSN, SSN 8
    sccp = bytes([0x09, 0x00, 3, 3 + 3 - 1, 3 + 6 - 2]) + party + party + bytes([len(tcap)]) + tcap
    proto = struct.pack(">IIBBBB", 1001, 2001, 3, 2, 0, 0) + sccp
    plen = 4 + len(proto)
    param = struct.pack(">HH", 0x0210, plen) + proto + b"\0" * ((4 - plen % 4) % 4)
    m3ua = struct.pack(">BBBBI", 1, 0, 1, 1, 8 + len(param)) + param
    chunk = struct.pack(">BBHIHHI", 0, 0x03, 16 + len(m3ua), 7000, 0, 0, 3) + m3ua
    chunk += b"\0" * ((4 - len(chunk) % 4) % 4)
    return fix_ip(f[:o + 12] + chunk, o)


def fix_ip(frame, sctp_off):
    """Set the IPv4 total length / IPv6 payload length (and the IPv4 header
    checksum) for a rebuilt frame, then the SCTP CRC32c."""
    b = bytearray(frame)
    ip = 14
    while struct.unpack(">H", b[ip - 2:ip])[0] in (0x8100, 0x88A8):
        ip += 4
    if b[ip] >> 4 == 4:
        b[ip + 2:ip + 4] = struct.pack(">H", len(b) - ip)
        b[ip + 10:ip + 12] = b"\0\0"
        ihl = (b[ip] & 15) * 4
        s = sum(struct.unpack(">%dH" % (ihl // 2), bytes(b[ip:ip + ihl])))
        while s >> 16:
            s = (s & 0xFFFF) + (s >> 16)
        b[ip + 10:ip + 12] = struct.pack(">H", ~s & 0xFFFF)
    else:
        b[ip + 4:ip + 6] = struct.pack(">H", len(b) - ip - 40)
    return T.sctp_fix_checksum(bytes(b))


def hostile_frames(pkts, rnd):
    data = data_frames(pkts)
    out = []
    for i, f in enumerate(data[:300]):
        g, o = own_assoc(f)
        kind = i % 6
        if kind == 0:		# truncated somewhere after the DATA chunk header
            cut = rnd.randrange(o + 28, len(g))
            out.append(("truncated", T.sctp_fix_checksum(g)[:cut]))
        elif kind == 1:		# bad checksum
            b = bytearray(T.sctp_fix_checksum(g))
            b[o + 8] ^= 0x5A
            out.append(("bad checksum", bytes(b)))
        elif kind == 2:		# random bytes after valid headers
            junk = bytes(rnd.randrange(256) for _ in range(rnd.randrange(16, 200)))
            out.append(("random bytes", fix_ip(g[:o + 12] + junk, o)))
        elif kind == 3:		# chunk length 0: a parser that loops on it never ends
            b = bytearray(g)
            b[o + 14:o + 16] = b"\0\0"
            out.append(("chunk length 0", T.sctp_fix_checksum(bytes(b))))
        elif kind == 4:		# chunk length past the end
            b = bytearray(g)
            b[o + 14:o + 16] = b"\xff\xfc"
            out.append(("chunk length past end", T.sctp_fix_checksum(bytes(b))))
        else:
            out.append(("deep BER", deep_ber(f)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smsfw", default=T.default_arg("--smsfw", __file__))
    ap.add_argument("--gen", default=T.default_arg("--gen", __file__))
    ap.add_argument("--work", default=T.default_arg("--work", __file__))
    a = ap.parse_args()
    work = T.fresh_dir(a.work)
    rnd = random.Random(5)
    pcap, truth = T.gen(a.gen, os.path.join(work, "clean"), ["--messages", "400", "--seed", "51", "--mix", "all=1"])
    hdr, pkts = T.read_pcap(pcap)
    bad = hostile_frames(pkts, rnd)
    mixed, orig_frame, kinds = [], {}, {}
    hi = 0
    for i, (ts, us, f) in enumerate(pkts):
        mixed.append((ts, us, f))
        orig_frame[len(mixed)] = i + 1
        if i % 3 == 2 and hi < len(bad):
            kinds[len(mixed) + 1] = bad[hi][0]
            mixed.append((ts, us, bad[hi][1]))
            hi += 1
    while hi < len(bad):
        kinds[len(mixed) + 1] = bad[hi][0]
        mixed.append((pkts[-1][0], pkts[-1][1], bad[hi][1]))
        hi += 1
    hpcap = os.path.join(work, "hostile.pcap")
    T.write_pcap(hpcap, hdr, mixed)
    count = {}
    for k in kinds.values():
        count[k] = count.get(k, 0) + 1
    print("hostile frames:", count)

    clean = T.run_smsfw(a.smsfw, ["--offline", pcap], os.path.join(work, "clean-out"))
    host = T.run_smsfw(a.smsfw, ["--offline", hpcap], os.path.join(work, "hostile-out"))
    T.check_eq(clean.rc, 0, "clean: exit code")
    T.check_eq(host.rc, 0, "hostile: exit code (no crash)")
    T.check_eq(clean.summary.get("errors"), {}, "clean: no decode errors")
    s = host.summary
    print("hostile: errors", s.get("errors"))
    T.check_eq(s.get("received"), len(mixed), "hostile: received")
    T.check_eq(s.get("forwarded"), len(mixed), "hostile: forwarded (offline forwards every frame)")
    T.check_eq(s.get("bad_checksum"), count["bad checksum"], "hostile: bad checksum = bad-checksum frames")
    errs = s.get("errors", {})
    # each hostile frame with a valid checksum is one named error; random
    # chunk bytes land on one of the SCTP chunk-length errors
    T.check_eq(sum(errs.values()), len(mixed) - len(pkts) - count["bad checksum"],
               "hostile: errors counted = hostile frames with a valid checksum")
    T.check_eq(errs.get("common.truncated"), count["truncated"], "hostile: truncated frames")
    T.check_eq(errs.get("common.depth_exceeded"), count["deep BER"], "hostile: deep BER frames")
    T.check(errs.get("sctp.chunk_len_too_short", 0) >= count["chunk length 0"],
            "hostile: chunk length 0 frames counted as sctp.chunk_len_too_short")
    T.check(errs.get("sctp.chunk_len_overflow", 0) >= count["chunk length past end"],
            "hostile: chunk length past the end counted as sctp.chunk_len_overflow")
    T.check_eq(errs.get("sctp.chunk_len_too_short", 0) + errs.get("sctp.chunk_len_overflow", 0),
               count["chunk length 0"] + count["chunk length past end"] + count["random bytes"],
               "hostile: SCTP chunk-length errors = chunk-length and random-bytes frames")

    want = sorted(T.verdict_key(v) for v in clean.verdicts())
    got = []
    for v in host.verdicts():
        if v["frame"] not in orig_frame:
            T.check(False, "hostile: a verdict for hostile frame %d (%s)" % (v["frame"], kinds.get(v["frame"])))
            continue
        v = dict(v)
        v["frame"] = orig_frame[v["frame"]]
        got.append(T.verdict_key(v))
    got.sort()
    T.check_eq(len(got), len(want), "hostile: verdict lines of the clean frames")
    T.check(got == want, "hostile: clean frames' verdicts differ from the clean run (%d lines)"
            % len(set(got) ^ set(want)))
    T.finish("dp-hostile")


if __name__ == "__main__":
    main()
