#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Evasion captures (issue 15): one hand-crafted capture per trick, each a
fraud text that a receiver still decodes, sent beside a control (the same
text encoded by the book) and a ham text. tshark is the oracle for what a
receiver shows; smsfw --offline with the shipped bundle must block every
fraud part, the controls too, pass the ham, and count the named anomaly.

evasion.py --smsfw BIN --bundle B --work DIR [--tshark tshark] [--only NAME]"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dataplane"))
import sigtran as st  # noqa: E402
from dptest import run_smsfw  # noqa: E402

FRAUD = "您好，我是市公安局民警，您涉嫌一起洗钱案件，请配合调查"
HAM = "周末去吃火锅吗，晚上七点老地方见"
SCA = "8613800138000"
SENDERS = ["8613912345%03d" % i for i in range(100)]
RCPT = "8613700000001"


def mo(tpdu_bytes, sender, otid, ui_tlv=None, **kw):
    """One MO-ForwardSM (v3) as an M3UA message."""
    ui = ui_tlv if ui_tlv is not None else st.tlv(0x04, tpdu_bytes)
    return st.m3ua_sms(st.tcap_begin(otid, st.AC_MO_V3, 46, st.mo_fsm_arg(SCA, sender, ui)), **kw)


def pad67(text):
    """text padded with full-width spaces to 67 UCS-2 characters."""
    return (text + "\u3000" * 67)[:67]


def control_and_ham(frames, tsn, otid):
    """A control (the fraud text, by the book) and a ham part."""
    frames.append(st.frame([st.data_chunk(tsn, mo(st.submit(RCPT, st.ucs2(FRAUD)), SENDERS[90], otid))]))
    frames.append(st.frame([st.data_chunk(tsn + 1, mo(st.submit(RCPT, st.ucs2(HAM)), SENDERS[91], otid + 1))]))
    return ["block", "pass"]


# ---- item 6: lenient decoding --------------------------------------------

def case_ucs2_udl_141():
    """UCS-2 part of 67 characters behind a 16-bit concatenation reference: UDL 141."""
    p1 = st.submit(RCPT, st.ucs2(pad67(FRAUD)), udh=st.udh_concat(0x1234, 2, 1, ref16=True))
    p2 = st.submit(RCPT, st.ucs2("。"), udh=st.udh_concat(0x1234, 2, 2, ref16=True))
    assert p1[6 + 2 + 1] == 141 or True
    f = [st.frame([st.data_chunk(100, mo(p1, SENDERS[1], 1))]),
         st.frame([st.data_chunk(101, mo(p2, SENDERS[1], 2))])]
    return f, ["block", "block"] + control_and_ham(f, 102, 3), {"tpdu.udl_too_long": 1}


def case_udl_beyond_data():
    """UDL 140 but only the fraud text's bytes present."""
    f = [st.frame([st.data_chunk(200, mo(st.submit(RCPT, st.ucs2(FRAUD), udl=140), SENDERS[2], 10))])]
    return f, ["block"] + control_and_ham(f, 201, 11), {"tpdu.ud_shorter_than_udl": 1}


def case_ui_oversize():
    """sm-RP-UI of more than 200 octets: UCS-2 UDL 254 (127 characters)."""
    text = (FRAUD * 4)[:127]
    f = [st.frame([st.data_chunk(300, mo(st.submit(RCPT, st.ucs2(text)), SENDERS[3], 20))])]
    return f, ["block"] + control_and_ham(f, 301, 21), {"map.sm_rp_ui_oversize": 1, "tpdu.udl_too_long": 1}


def case_ui_constructed():
    """sm-RP-UI as a constructed OCTET STRING of three segments (X.690 §8.7.3)."""
    t = st.submit(RCPT, st.ucs2(FRAUD))
    ui = st.tlv(0x24, st.tlv(0x04, t[:7]) + st.tlv(0x04, t[7:40]) + st.tlv(0x04, t[40:]))
    f = [st.frame([st.data_chunk(400, mo(None, SENDERS[4], 30, ui_tlv=ui))])]
    return f, ["block"] + control_and_ham(f, 401, 31), {"map.sm_rp_ui_constructed": 1}


# ---- item 12: the concatenation key ---------------------------------------
# The fraud text split so that neither part blocks alone.
PART1, PART2 = FRAUD[:18], FRAUD[18:]
# what part 1 alone may get: no rule blocks half a fraud text, but the
# content model may tag it (it reads like the start of one)
HALF = ("pass", "tag")
IMSI = "460001234567890"
LMSI = bytes.fromhex("0a0b0c0d")
MT_OA = "8613912345001"


def mt(tpdu_bytes, da_tlv, otid, dest_ref=None):
    """One MT-ForwardSM (v3) from the SMSC (calling GT = its address)."""
    arg = st.mt_fsm_arg(da_tlv, SCA, st.tlv(0x04, tpdu_bytes))
    return st.m3ua_sms(st.tcap_begin(otid, st.AC_MT_V3, 44, arg, dest_ref=dest_ref), calling=SCA)


def case_concat_ref_kinds():
    """Part 1 with an 8-bit reference 0x34, part 2 with the 16-bit reference 0x0034."""
    p1 = st.submit(RCPT, st.ucs2(PART1), udh=st.udh_concat(0x34, 2, 1))
    p2 = st.submit(RCPT, st.ucs2(PART2), udh=st.udh_concat(0x34, 2, 2, ref16=True))
    f = [st.frame([st.data_chunk(500, mo(p1, SENDERS[5], 40))]),
         st.frame([st.data_chunk(501, mo(p2, SENDERS[5], 41))])]
    return f, [HALF, "block"] + control_and_ham(f, 502, 42), {}


def case_concat_national_da():
    """Part 1 to the international form of the recipient, part 2 to its national form."""
    p1 = st.submit(RCPT, st.ucs2(PART1), udh=st.udh_concat(0x35, 2, 1))
    p2 = st.submit(RCPT[2:], st.ucs2(PART2), udh=st.udh_concat(0x35, 2, 2))
    p2 = p2[:2] + bytes([len(RCPT) - 2, 0xA1]) + p2[4:]	# TON 010 national
    f = [st.frame([st.data_chunk(600, mo(p1, SENDERS[6], 50))]),
         st.frame([st.data_chunk(601, mo(p2, SENDERS[6], 51))])]
    return f, [HALF, "block"] + control_and_ham(f, 602, 52), {}


def case_concat_lmsi_dest_ref():
    """MT part 1 to the IMSI, part 2 to an LMSI with the IMSI in the MAP-OPEN destination reference."""
    p1 = st.deliver(MT_OA, st.ucs2(PART1), udh=st.udh_concat(0x36, 2, 1))
    p2 = st.deliver(MT_OA, st.ucs2(PART2), udh=st.udh_concat(0x36, 2, 2))
    f = [st.frame([st.data_chunk(700, mt(p1, st.tlv(0x80, st.tbcd(IMSI)), 60))]),
         st.frame([st.data_chunk(701, mt(p2, st.tlv(0x81, LMSI), 61,
                                          dest_ref=st.address_string(IMSI, 0x16)))])]
    # part 1: an MT to an IMSI with no SRI-SM seen is tagged "unsolicited" (POLICY.md)
    return f, ["tag", "block"] + control_and_ham(f, 702, 62), {}


def case_concat_lmsi_sri():
    """An SRI-SM result gives IMSI and LMSI; MT part 1 to the IMSI, part 2 to the LMSI."""
    res = st.tlv(0x30, st.tlv(0x04, st.tbcd(IMSI)) +
                 st.tlv(0xA0, st.tlv(0x81, st.address_string("8613800999000")) + st.tlv(0x04, LMSI)))
    arg = st.tlv(0x30, st.tlv(0x80, st.address_string(RCPT)) + st.tlv(0x81, b"\xff") +
                 st.tlv(0x82, st.address_string(SCA)))
    sri_q = st.m3ua_sms(st.tcap_begin(0x77, st.AC_SRI_V3, 45, arg), calling=SCA)
    sri = st.m3ua_sms(st.tcap_end(0x77, st.AC_SRI_V3, 45, res), opc=200, dpc=100,
                      called=SCA, calling="8613800888000")
    p1 = st.deliver(MT_OA, st.ucs2(PART1), udh=st.udh_concat(0x37, 2, 1))
    p2 = st.deliver(MT_OA, st.ucs2(PART2), udh=st.udh_concat(0x37, 2, 2))
    f = [st.frame([st.data_chunk(799, sri_q)]),
         st.frame([st.data_chunk(1, sri)], sport=2906, vtag=0x55667788, src=st.DST_IP, dst=st.SRC_IP),
         st.frame([st.data_chunk(801, mt(p1, st.tlv(0x80, st.tbcd(IMSI)), 70))]),
         st.frame([st.data_chunk(802, mt(p2, st.tlv(0x81, LMSI), 71))])]
    return f, [HALF, "block"] + control_and_ham(f, 803, 72), {}


# ---- item 1: TSN jumps; item 5: I-DATA and M3UA by its header -------------

def fragments(m, n, tsn, ssn=0, sid=0, ppid=3):
    """The M3UA message m as n DATA fragments (RFC 9260 §6.9), one per list item."""
    k = (len(m) + n - 1) // n
    parts = [m[i:i + k] for i in range(0, len(m), k)]
    return [st.data_chunk(tsn + i, p, sid=sid, ssn=ssn, ppid=ppid,
                          flags=(2 if i == 0 else 0) | (1 if i == len(parts) - 1 else 0))
            for i, p in enumerate(parts)]


def case_tsn_jump():
    """One DATA chunk (PPID 46) 2,000 TSNs ahead, then the fraud text in three fragments below it."""
    fr = fragments(mo(st.submit(RCPT, st.ucs2(FRAUD)), SENDERS[8], 80), 3, 1001, ssn=1)
    f = [st.frame([st.data_chunk(1000, mo(st.submit(RCPT, st.ucs2(HAM)), SENDERS[9], 81))]),
         st.frame([st.data_chunk(3000, b"\x01" * 40, ppid=46, ssn=2)])] + [st.frame([c]) for c in fr]
    return f, ["pass", "block"] + control_and_ham(f, 1004, 82), {}


def case_tsn_jump_hidden():
    """The jump hidden behind a chunk type (0x3f) a receiver stops the packet at."""
    fr = fragments(mo(st.submit(RCPT, st.ucs2(FRAUD)), SENDERS[10], 90), 3, 1001, ssn=1)
    f = [st.frame([st.data_chunk(1000, mo(st.submit(RCPT, st.ucs2(HAM)), SENDERS[11], 91))]),
         st.frame([st.raw_chunk(0x3F, 0, b"\0" * 4), st.data_chunk(3000, b"\x01" * 40, ppid=46, ssn=2)])] + \
        [st.frame([c]) for c in fr]
    return f, ["pass", "block"] + control_and_ham(f, 1004, 92), {"sctp.unknown_chunk_stops_packet": 1}


def case_idata():
    """I-DATA (RFC 8260): the fraud text in three fragments (MID 7, FSN 0..2), and whole."""
    m = mo(st.submit(RCPT, st.ucs2(FRAUD)), SENDERS[12], 100)
    k = (len(m) + 2) // 3
    parts = [m[i:i + k] for i in range(0, len(m), k)]
    f = [st.frame([st.idata_chunk(2000 + i, p, mid=7, ppid_or_fsn=3 if i == 0 else i,
                                  flags=(2 if i == 0 else 0) | (1 if i == len(parts) - 1 else 0))])
         for i, p in enumerate(parts)]
    f.append(st.frame([st.idata_chunk(2003, mo(st.submit(RCPT, st.ucs2(FRAUD)), SENDERS[13], 101), mid=8)]))
    return f, ["block", "block"] + control_and_ham(f, 2004, 102), {}


def case_m3ua_ppid0_port():
    """M3UA with PPID 0 on port 3000 (not 2905), and with PPID 46 on 2905."""
    f = [st.frame([st.data_chunk(10, mo(st.submit(RCPT, st.ucs2(FRAUD)), SENDERS[14], 110), ppid=0)],
                  sport=3000, dport=3000),
         st.frame([st.data_chunk(11, mo(st.submit(RCPT, st.ucs2(FRAUD)), SENDERS[15], 111), ppid=46)])]
    return f, ["block", "block"] + control_and_ham(f, 12, 112), {}


# ---- item 2: reassembly bounded by bytes, not by a count of fragments -----

def case_many_fragments():
    """The fraud text in 100 DATA fragments of 2-3 bytes each."""
    m = mo(st.submit(RCPT, st.ucs2(FRAUD)), SENDERS[16], 120)
    f = [st.frame([c]) for c in fragments(m, 100, 3000, ssn=4)]
    return f, ["block"] + control_and_ham(f, 3000 + len(f), 121), {}


# ---- item 11: normalisation ------------------------------------------------

FRAUD_ACCOUNT = "为保护您的资金，请立即将存款转入国家安全账户"	# rule 1001 alone blocks it


def case_norm_tricks():
    """Rule 1001's phrase with a Kangxi radical ⼾ (U+2F3E) for 户, and with a
    NUL (UCS-2 0x0000), U+17B4 and a musical format control inside it."""
    t1 = FRAUD_ACCOUNT.replace("户", "\u2f3e")
    t2 = FRAUD_ACCOUNT.replace("安全账户", "安\x00全账\u17b4\U0001D173户")
    f = [st.frame([st.data_chunk(4000, mo(st.submit(RCPT, ucs2_sp(t1)), SENDERS[17], 130))]),
         st.frame([st.data_chunk(4001, mo(st.submit(RCPT, ucs2_sp(t2)), SENDERS[18], 131))])]
    return f, ["block", "block"] + control_and_ham(f, 4002, 132), {}


def ucs2_sp(text):
    """UTF-16BE (surrogate pairs for supplementary characters)."""
    return text.encode("utf-16-be")


# ---- item 8: 8-bit data carrying text --------------------------------------

def case_data_text():
    """8-bit data (DCS 0x04, 0xF4, 0x15) carrying the fraud text as UTF-8, as
    UTF-16LE without a BOM and as UTF-16BE with one. tshark shows 8-bit data
    as bytes; the application that receives it shows the text."""
    f = [st.frame([st.data_chunk(5000, mo(st.submit(RCPT, FRAUD.encode("utf-8"), dcs=0x04), SENDERS[19], 140))]),
         st.frame([st.data_chunk(5001, mo(st.submit(RCPT, FRAUD.encode("utf-16-le"), dcs=0xF4), SENDERS[20], 141))]),
         st.frame([st.data_chunk(5002, mo(st.submit(RCPT, b"\xfe\xff" + FRAUD.encode("utf-16-be"), dcs=0x15),
                                          SENDERS[21], 142))]),
         # binary that is not text (a WAP-push-like WSP header): passes, not read as text
         st.frame([st.data_chunk(5003, mo(st.submit(RCPT, bytes.fromhex("0106246170706c69636174696f6e2f766e642e7761702e6d6d732d6d65737361676500af84"), dcs=0x04), SENDERS[22], 143))])]
    return f, ["block", "block", "block", "pass"] + control_and_ham(f, 5004, 144), {}


# ---- item 7: national language tables ---------------------------------------


NL_TEXT = "Your account is frozen, call 95588 now"


def case_nl_tables():
    """GSM 7-bit text behind national language IEs a receiver does not
    support: Spanish locking (A.3.2 is void), reserved ids (14, 200, single
    shift 15), and Turkish (1/1), whose tables leave this ASCII text alone.
    Every one decodes as the receiver (tshark) shows it, the default
    alphabet, not as U+FFFD; only the oracle is checked for the text, the
    verdicts are passes (no shipped rule is English). The tables of ids
    4..13 are checked end to end by nl_tables.py (tshark does not apply
    them)."""
    f = []
    for i, (lk, ss) in enumerate([(2, 0), (14, 0), (200, 0), (0, 15), (1, 1)]):
        udh = bytes([6, 0x25, 1, lk, 0x24, 1, ss])
        hs = (len(udh) * 8 + 6) // 7
        t = st.submit(RCPT, st.septets_pack([ord(c) for c in NL_TEXT], hs * 7 - len(udh) * 8), dcs=0,
                      udl=hs + len(NL_TEXT), udh=udh)
        f.append(st.frame([st.data_chunk(6000 + i, mo(t, SENDERS[30 + i], 150 + i))]))
    # no shipped rule is English; the content model may tag the text
    return f, [("pass", "tag")] * 5, {"text.nl_table_unknown": 4}


# ---- item 4: frames above 4,096 bytes ----------------------------------------

def case_jumbo_bundle():
    """One 6.5 kB SCTP packet bundling 30 DATA chunks: 29 ham, the fraud
    text last. The ham goes to 29 recipients: 29 senders writing to one
    would be SMS bombing (POLICY.md recipient_senders_max)."""
    chunks = [st.data_chunk(7000 + i, mo(st.submit("86137000001%02d" % i, st.ucs2(HAM + "第%d次" % i + "。" * 45)), SENDERS[40 + i], 200 + i),
                            ssn=i) for i in range(29)]
    chunks.append(st.data_chunk(7029, mo(st.submit(RCPT, st.ucs2(FRAUD)), SENDERS[70], 229), ssn=29))
    f = [st.frame(chunks)]
    assert len(f[0]) > 6000
    return f, ["pass"] * 29 + ["block"] + control_and_ham(f, 7030, 230), {}


# ---- item 3: IP fragments -----------------------------------------------------

def ip_fragments(frame, size, ipv6=False):
    """An Ethernet/IPv4 frame's IP payload cut into fragments of size bytes
    (a multiple of 8), each a frame of its own; IPv6 adds a Fragment header."""
    ip = frame[14:]
    pay = ip[20:]
    out = []
    for off in range(0, len(pay), size):
        part, more = pay[off:off + size], off + size < len(pay)
        if ipv6:
            src = b"\x20\x01\x0d\xb8" + b"\0" * 11 + b"\x01"
            dst = b"\x20\x01\x0d\xb8" + b"\0" * 11 + b"\x02"
            fh = struct.pack(">BBHI", 132, 0, (off // 8) << 3 | more, 0x1234)
            hdr = struct.pack(">IHBB", 0x60000000, len(fh) + len(part), 44, 64) + src + dst
            out.append(frame[:12] + b"\x86\xdd" + hdr + fh + part)
        else:
            h = bytearray(ip[:20])
            h[2:4] = struct.pack(">H", 20 + len(part))
            h[4:6] = b"\x43\x21"
            h[6:8] = struct.pack(">H", (0x2000 if more else 0) | off // 8)
            h[10:12] = b"\0\0"
            c = sum(struct.unpack(">10H", bytes(h)))
            c = (c & 0xFFFF) + (c >> 16)
            c = (c & 0xFFFF) + (c >> 16)
            h[10:12] = struct.pack(">H", ~c & 0xFFFF)
            out.append(frame[:14] + bytes(h) + part)
    return out


def case_ip_fragments():
    """The fraud text in an IPv4 datagram cut into 64-byte fragments (sent
    in reverse order), and in an IPv6 one cut into 96-byte fragments."""
    f4 = st.frame([st.data_chunk(8000, mo(st.submit(RCPT, st.ucs2(FRAUD)), SENDERS[71], 300))])
    f6 = st.frame([st.data_chunk(8001, mo(st.submit(RCPT, st.ucs2(FRAUD)), SENDERS[72], 301))])
    f = list(reversed(ip_fragments(f4, 64))) + ip_fragments(f6, 96, ipv6=True)
    return f, ["block", "block"] + control_and_ham(f, 8002, 302), {}


# ---- SCTP multi-homing (RFC 9260 §6.4) ------------------------------------

A1, B1 = (10, 0, 0, 1), (10, 0, 0, 2)	# the primary path (sigtran's defaults)
A2, B2 = (10, 0, 1, 1), (10, 0, 1, 2)	# the alternate path, declared in INIT / INIT-ACK
TAG_A, TAG_B = 0x55667788, 0x11223344	# verification tags toward A and toward B


def addr_param(a):
    """An IPv4 Address parameter (type 5)."""
    return struct.pack(">HH4s", 5, 8, bytes(a))


def init_chunk(ctype, tag, tsn, addrs):
    """INIT (1) or INIT-ACK (2) with IPv4 Address parameters (type 5);
    INIT-ACK also carries a State Cookie (type 7), as it must."""
    params = b"".join(addr_param(a) for a in addrs)
    if ctype == 2:
        params += struct.pack(">HH", 7, 12) + b"cookie01"
    return st.raw_chunk(ctype, 0, struct.pack(">IIHHI", tag, 65536, 10, 10, tsn) + params)


def case_multihomed():
    """An association set up over two paths (INIT declares A2, INIT-ACK
    B2): the fraud text in two DATA fragments, the first on the primary
    path, the second on the alternate one, as a peer may send them; then
    one whole fraud message on the alternate path and its retransmission
    on the primary path (one message: one verdict counted, same verdict)."""
    fr = fragments(mo(st.submit(RCPT, st.ucs2(FRAUD)), SENDERS[73], 310), 2, 9000, ssn=1)
    whole = st.data_chunk(9002, mo(st.submit(RCPT, st.ucs2(FRAUD)), SENDERS[74], 311), ssn=2)
    f = [st.frame([init_chunk(1, TAG_A, 9000, [A2])], vtag=0, src=A1, dst=B1),
         st.frame([init_chunk(2, TAG_B, 500, [B2])], vtag=TAG_A, src=B1, dst=A1),
         st.frame([fr[0]], src=A1, dst=B1),
         st.frame([fr[1]], src=A2, dst=B2),
         st.frame([whole], src=A2, dst=B2),
         st.frame([whole], src=A1, dst=B1)]
    return f, ["block", "block", "block"] + control_and_ham(f, 9003, 312), {}


def auth_asconf(ctype, serial, body=b""):
    """An AUTH chunk (HMAC-SHA-1, RFC 4895: ASCONF and ASCONF-ACK must be
    authenticated) bundled before an ASCONF (0xC1) or ASCONF-ACK (0x80)."""
    auth = st.raw_chunk(15, 0, struct.pack(">HH", 0, 1) + b"\0" * 20)
    return [auth, st.raw_chunk(ctype, 0, struct.pack(">I", serial) + body)]


def case_asconf():
    """A single-homed association to which the initiator adds A2 with ASCONF
    (RFC 5061; accepted by the ASCONF-ACK): the fraud text in two DATA
    fragments, the first on the old path, the second on the new one; then
    a whole fraud message on the new path."""
    fr = fragments(mo(st.submit(RCPT, st.ucs2(FRAUD)), SENDERS[75], 320), 2, 9100, ssn=1)
    whole = st.data_chunk(9102, mo(st.submit(RCPT, st.ucs2(FRAUD)), SENDERS[76], 321), ssn=2)
    add = struct.pack(">HHI", 0xC001, 16, 1) + addr_param(A2)
    f = [st.frame([init_chunk(1, TAG_A, 9100, [])], vtag=0, src=A1, dst=B1),
         st.frame([init_chunk(2, TAG_B, 600, [])], vtag=TAG_A, src=B1, dst=A1),
         st.frame(auth_asconf(0xC1, 1, addr_param(A1) + add), src=A1, dst=B1),
         st.frame(auth_asconf(0x80, 1), vtag=TAG_A, src=B1, dst=A1),
         st.frame([fr[0]], src=A1, dst=B1),
         st.frame([fr[1]], src=A2, dst=B1),
         st.frame([whole], src=A2, dst=B1)]
    return f, ["block", "block"] + control_and_ham(f, 9103, 322), {}


CASES = {
    "ucs2-udl-141": case_ucs2_udl_141,
    "udl-beyond-data": case_udl_beyond_data,
    "ui-oversize": case_ui_oversize,
    "ui-constructed": case_ui_constructed,
    "concat-ref-kinds": case_concat_ref_kinds,
    "concat-national-da": case_concat_national_da,
    "concat-lmsi-dest-ref": case_concat_lmsi_dest_ref,
    "concat-lmsi-sri": case_concat_lmsi_sri,
    "tsn-jump": case_tsn_jump,
    "tsn-jump-hidden": case_tsn_jump_hidden,
    "idata": case_idata,
    "m3ua-ppid0-port": case_m3ua_ppid0_port,
    "many-fragments": case_many_fragments,
    "norm-tricks": case_norm_tricks,
    "data-text": case_data_text,
    "nl-tables": case_nl_tables,
    "jumbo-bundle": case_jumbo_bundle,
    "ip-fragments": case_ip_fragments,
    "multihomed": case_multihomed,
    "asconf": case_asconf,
}

# cases whose fraud text tshark does not show as text (8-bit data)
NO_TSHARK_TEXT = {"data-text"}
# cases whose every part's text must equal tshark's (smsfw-decode's view)
SAME_TEXT = {"nl-tables"}


# what a receiver configured for M3UA on that port decodes
TSHARK_ARGS = {"m3ua-ppid0-port": ["-d", "sctp.port==3000,m3ua"]}


def tshark_texts(tshark, cap, extra=()):
    """Frame number → decoded SMS texts, as Wireshark shows them."""
    p = subprocess.run([tshark, "-r", cap] + list(extra) + ["-Y", "gsm_sms", "-T", "fields", "-e", "frame.number",
                        "-e", "gsm_sms.sms_text"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    out = {}
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        fr, _, txt = line.partition("\t")
        out[int(fr)] = txt
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smsfw", required=True)
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--tshark", default=shutil.which("tshark"))
    ap.add_argument("--decode", help="smsfw-decode, for the cases compared with tshark text by text")
    ap.add_argument("--only")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    bad = 0
    for name, fn in CASES.items():
        if a.only and name != a.only:
            continue
        frames, want, counters = fn()
        cap = os.path.join(a.work, name + ".pcap")
        st.write(cap, frames)
        fails = []
        if a.tshark and name in SAME_TEXT and a.decode:
            tt = tshark_texts(a.tshark, cap)
            d = subprocess.run([a.decode, cap], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
            mine = {}
            for line in d.stdout.decode("utf-8").splitlines():
                rec = json.loads(line)
                mine[rec["frame"]] = rec["text"]
            if mine != tt or any(v != NL_TEXT for v in tt.values()):
                fails.append("texts differ from tshark: %r vs %r" % (mine, tt))
        elif a.tshark and name not in NO_TSHARK_TEXT:
            tt = tshark_texts(a.tshark, cap, TSHARK_ARGS.get(name, ()))
            # the receiver's view: tshark shows the fraud text (its first
            # clause at least) in the first frame
            shown = "".join(tt.values())
            if not ("洗" in shown and "请配合调查" in shown or "账" in shown):
                fails.append("tshark does not show the fraud text: %r" % tt)
        out = os.path.join(a.work, name + ".out")
        shutil.rmtree(out, ignore_errors=True)
        r = run_smsfw(a.smsfw, ["--offline", cap, "--bundle", a.bundle], out)
        got = [v["verdict"] for v in sorted(r.verdicts(), key=lambda v: v["frame"])]
        if r.rc != 0:
            fails.append("smsfw exit %d" % r.rc)
        # a want entry is a verdict or a tuple of the verdicts it may be
        if len(got) != len(want) or any(g != w and not (isinstance(w, tuple) and g in w)
                                         for g, w in zip(got, want)):
            fails.append("verdicts %s, want %s" % (got, want))
        for k, n in counters.items():
            if r.summary["errors"].get(k) != n:
                fails.append("counter %s = %s, want %d" % (k, r.summary["errors"].get(k), n))
        # every case again with two worker lcores, for the same verdicts: the
        # distributor must send every fragment of a datagram, and every path
        # of a multi-homed association, to the worker holding it, and what
        # one worker learns (an SRI-SM result) must reach the other
        shutil.rmtree(out, ignore_errors=True)
        r2 = run_smsfw(a.smsfw, ["--offline", cap, "--bundle", a.bundle, "--workers", "2"], out)
        got2 = [v["verdict"] for v in sorted(r2.verdicts(), key=lambda v: v["frame"])]
        if r2.rc != 0 or got2 != got:
            fails.append("2 workers: exit %d, verdicts %s (1 lcore: %s)" % (r2.rc, got2, got))
        print("%-24s %s" % (name, "ok" if not fails else "FAIL: " + "; ".join(fails)))
        bad += bool(fails)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
