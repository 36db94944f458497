#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Inline SCTP enforcement of a frame above 4,096 bytes (issue 15 item 4).

smsfw inline, enforcement = sctp, between two net_pcap ports, replays one
association: INIT, INIT-ACK, a 6.6 kB frame (a jumbo frame: net_pcap hands
it over as a multi-segment mbuf) bundling 29 ham MO-ForwardSM and, in its
middle, one fraud text, then one more ham, then the receiver's SACK of
everything. The forwarded capture must hold:
- the jumbo frame without the fraud chunk, the chunks after it renumbered
  (TSN and SSN one down), CRC32c right, still above 4,096 bytes;
- the last ham renumbered the same way; the SACK translated back (cum TSN
  of the sender's numbering);
- per tshark: the 30 ham texts, no fraud text, no malformed packet, no
  error, no bad checksum.
smsfw's counters: one chunk removed, the rewritten frame built as a
multi-segment mbuf, nothing passed unenforced.

dp_enforce_jumbo.py --smsfw BIN --bundle B --work DIR [--tshark BIN]"""
import argparse
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "pcap"))
import dptest as T  # noqa: E402
import sigtran as st  # noqa: E402

FRAUD = "您好，我是市公安局民警，您涉嫌一起洗钱案件，请配合调查"
HAM = "周末去吃火锅吗，晚上七点老地方见"
SCA = "8613800138000"
A_IP, B_IP = (10, 0, 0, 1), (10, 0, 0, 2)
TAG_A, TAG_B = 0x0A0A0A0A, 0x0B0B0B0B
ISN_A, ISN_B = 1000, 5000
N_HAM = 29
FRAUD_AT = 14			# index of the fraud chunk in the jumbo frame


def mo(text, sender, otid):
    # one recipient per message: no flood policy in the way
    tpdu = st.submit("86137000%05d" % otid, st.ucs2(text))
    return st.m3ua_sms(st.tcap_begin(otid, st.AC_MO_V3, 46, st.mo_fsm_arg(SCA, sender, st.tlv(0x04, tpdu))))


def a_to_b(chunks, vtag=TAG_B):
    return st.frame(chunks, vtag=vtag, src=A_IP, dst=B_IP)


def b_to_a(chunks):
    return st.frame(chunks, vtag=TAG_A, src=B_IP, dst=A_IP)


def capture():
    # RFC 9260 §3.3.2/§3.3.3: tag, a_rwnd, OS, MIS, initial TSN (+ cookie)
    init = st.raw_chunk(1, 0, struct.pack(">IIHHI", TAG_A, 65536, 10, 10, ISN_A))
    init_ack = st.raw_chunk(2, 0, struct.pack(">IIHHI", TAG_B, 65536, 10, 10, ISN_B) +
                            struct.pack(">HH4s", 7, 8, b"\xc0\x0c\x1e\x00"))
    chunks, texts = [], []
    for i in range(N_HAM + 1):
        fraud = i == FRAUD_AT
        text = FRAUD if fraud else HAM + "第%d次" % i + "。" * 45
        texts.append(text)
        chunks.append(st.data_chunk(ISN_A + i, mo(text, "8613912345%03d" % i, 100 + i), sid=1, ssn=i))
    last = HAM + "再见"
    texts.append(last)
    n = N_HAM + 1
    frames = [a_to_b([init], vtag=0), b_to_a([init_ack]), a_to_b(chunks),
              a_to_b([st.data_chunk(ISN_A + n, mo(last, "8613912345999", 200), sid=1, ssn=n)])]
    # the receiver acks everything it got: R TSNs ISN_A .. ISN_A + n - 1
    sack = st.raw_chunk(3, 0, struct.pack(">IIHH", ISN_A + n - 1, 65536, 0, 0))
    frames.append(b_to_a([sack]))
    return frames, chunks, texts


def data_chunks(frame):
    """(tsn, sid, ssn, chunk bytes) of the DATA chunks of an Ethernet/IPv4 frame."""
    off, out = 34 + 12, []
    while off + 4 <= len(frame):
        ctype, _flags, clen = struct.unpack(">BBH", frame[off:off + 4])
        if clen < 4:
            break
        if ctype == 0:
            tsn, sid, ssn = struct.unpack(">IHH", frame[off + 4:off + 12])
            out.append((tsn, sid, ssn, frame[off:off + clen]))
        off += (clen + 3) & ~3
    return out


def run_inline_pcap(smsfw, bundle, cap, work, parts, extra=()):
    """smsfw inline, enforcement = sctp, port 0 reading cap, port 1 reading
    nothing; both write what they send. Stopped (SIGINT) once the verdicts
    of parts SMS parts are written and a second passed. Returns the exit
    status, stderr and the two output captures (port 0: toward the senders,
    port 1: the forwarded traffic)."""
    empty = os.path.join(work, "empty.pcap")
    st.write(empty, [])
    out0, out1 = os.path.join(work, "out0.pcap"), os.path.join(work, "out1.pcap")
    outdir = os.path.join(work, "out")
    verdicts = os.path.join(outdir, "verdicts.jsonl")
    p = subprocess.Popen([smsfw, "--bundle", bundle, "--out", outdir,
                          "--set", "dataplane.mode=inline", "--set", "dataplane.enforcement=sctp",
                          "--set", "ports.port0=net_pcap0,rx_pcap=%s,tx_pcap=%s" % (cap, out0),
                          "--set", "ports.port1=net_pcap1,rx_pcap=%s,tx_pcap=%s" % (empty, out1),
                          "--set", "ports.pairs=0:1"] + list(extra),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # the replay takes milliseconds; give start-up its time, then stop
    deadline = time.time() + 60
    while time.time() < deadline and p.poll() is None:
        if os.path.exists(verdicts) and sum(1 for _ in open(verdicts)) >= parts:
            break
        time.sleep(0.2)
    time.sleep(1.0)
    p.send_signal(signal.SIGINT)
    try:
        _o, err = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        _o, err = p.communicate()
    return p.returncode, err.decode("utf-8", "replace"), out0, out1


def enforce_counters(err):
    """The enforce[N]: exit line as a dict (None when not exactly one)."""
    enf = [ln for ln in err.splitlines() if ln.startswith("enforce[")]
    if len(enf) != 1:
        return None
    return dict((k, int(v)) for k, v in re.findall(r" (\w+)=(\d+)", enf[0]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smsfw", required=True)
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--tshark", default=shutil.which("tshark"))
    a = ap.parse_args()
    T.fresh_dir(a.work)
    frames, chunks, texts = capture()
    jumbo_in = frames[2]
    T.check(len(jumbo_in) > 6000, "the bundle is a jumbo frame (%d bytes)" % len(jumbo_in))
    cap = os.path.join(a.work, "in.pcap")
    st.write(cap, frames)
    rc, err, out0, out1 = run_inline_pcap(a.smsfw, a.bundle, cap, a.work, len(texts))
    T.check_eq(rc, 0, "smsfw exit status")
    cnt = enforce_counters(err) or {}
    T.check(bool(cnt), "one enforcement counter line")
    for k, want in (("removed", 1), ("block_passed", 0), ("monitor", 0), ("not_whole", 0),
                    ("rewrite_errors", 0), ("chained", 1), ("assocs_created", 1)):
        T.check_eq(cnt.get(k), want, "enforce counter %s" % k)

    _h, fwd = T.read_pcap(out1)
    fwd = [f for _ts, _us, f in fwd]
    T.check_eq(len(fwd), 5, "frames forwarded (INIT, INIT-ACK, jumbo, ham, SACK)")
    if len(fwd) == 5:
        fraud_len = len(chunks[FRAUD_AT])
        T.check_eq(len(fwd[2]), len(jumbo_in) - fraud_len, "jumbo frame length without the fraud chunk")
        T.check(len(fwd[2]) > 4096, "the rewritten frame is still above 4,096 bytes")
        got = data_chunks(fwd[2])
        want = []
        for i, c in enumerate(chunks):
            if i == FRAUD_AT:
                continue
            shift = 1 if i > FRAUD_AT else 0
            c = bytearray(c)
            c[4:8] = struct.pack(">I", ISN_A + i - shift)
            c[10:12] = struct.pack(">H", i - shift)
            want.append(bytes(c[:struct.unpack(">H", c[2:4])[0]]))
        T.check_eq([g[3] for g in got], want, "the jumbo frame's chunks (fraud removed, renumbered)")
        T.check_eq([(t, s) for t, _sid, s, _c in data_chunks(fwd[3])], [(ISN_A + N_HAM, N_HAM)],
                   "the last ham's TSN and SSN")
        T.check_eq(struct.unpack(">I", fwd[4][46 + 4:46 + 8])[0], ISN_A + N_HAM + 1,
                   "the SACK's cum TSN in the sender's numbering")
        for i, f in enumerate(fwd):
            T.check_eq(T.crc32c(f[34:34 + 8] + b"\0\0\0\0" + f[34 + 12:]),
                       struct.unpack("<I", f[34 + 8:34 + 12])[0], "CRC32c of forwarded frame %d" % i)
    if a.tshark:
        tsh = [a.tshark, "-r", out1, "-o", "sctp.checksum:CRC-32C"]
        bad = subprocess.run(tsh + ["-Y", '_ws.malformed || _ws.expert.severity >= "Error" || '
                                          'sctp.checksum.status == "Bad"'],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
        T.check_eq(bad.strip(), "", "tshark: no malformed packet, error or bad checksum")
        txt = subprocess.run(tsh + ["-Y", "gsm_sms", "-T", "fields", "-E", "aggregator=|",
                                    "-e", "gsm_sms.sms_text"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
        got = [t for line in txt.split("\n") for t in line.split("|") if t]
        T.check_eq(got, [t for i, t in enumerate(texts) if i != FRAUD_AT], "tshark: the ham texts, in order")
    else:
        print("note: no tshark, the oracle checks are skipped")
    T.finish("dp-enforce-jumbo")


if __name__ == "__main__":
    main()
