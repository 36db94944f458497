#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Numbers read with their type of number, end to end (POLICY.md "Numbers").

One capture of hand-made MO and MT messages whose parties have the same
digits with different types of number, and a lists file that blocks the
international +1 876 555 0123 and the Chinese mobile 139 1111 1111:

  - an MT whose TP-OA is 18765550123 with TON international is blocked by
    "block number +18765550123"; the same digits with TON national are the
    Chinese mobile 8618765550123 and are not (only tagged "unsolicited":
    no SRI-SM was seen for the IMSI);
  - an MO whose sm-RP-OA is 13911111111 with nature international (+1 391)
    passes; the same digits with nature national are blocked by
    "block number 13911111111", and so is 008613911111111 with nature
    international (the prefix is dropped).

tshark is the oracle for the types of number on the wire; smsfw --offline
with a config naming the lists gives the verdicts, with 1 and 2 workers.

intl_numbers.py --smsfw BIN --bundle B --work DIR [--tshark tshark]"""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dataplane"))
import sigtran as st  # noqa: E402
from dptest import run_smsfw  # noqa: E402

HAM = "周末去吃火锅吗，晚上七点老地方见"
SCA = "8613800138000"
RCPT = "8613700000001"
LISTS = ("# smsfw lists v1\nversion 1\n"
         "block number +18765550123 reason=lottery\n"
         "block number 13911111111 reason=reported\n")

# (frame kind, digits, TON/nature octet, verdict, sender as logged: an
# international number that would read as a national one with its '+',
# masked when the message passed)
CASES = [
    ("mt", "18765550123", 0x91, "block", "+18765550123"),
    ("mt", "18765550123", 0xA1, "tag", "861********23"),	# only "unsolicited": no SRI-SM
    ("mo", "13911111111", 0x91, "pass", "+13*******11"),
    ("mo", "13911111111", 0xA1, "block", "8613911111111"),
    ("mo", "008613911111111", 0x91, "block", "8613911111111"),
]


def capture(path):
    frames = []
    for i, (kind, digits, toa, _, _) in enumerate(CASES):
        if kind == "mt":
            arg = st.mt_fsm_arg(st.tlv(0x80, st.tbcd("460001234567890")), SCA,
                                st.tlv(0x04, st.deliver(digits, st.ucs2(HAM), toa=toa)))
            m = st.m3ua_sms(st.tcap_begin(10 + i, st.AC_MT_V3, 44, arg), calling=SCA)
        else:
            arg = st.mo_fsm_arg(SCA, digits, st.tlv(0x04, st.submit(RCPT, st.ucs2(HAM))), ton_npi=toa)
            m = st.m3ua_sms(st.tcap_begin(10 + i, st.AC_MO_V3, 46, arg))
        frames.append(st.frame([st.data_chunk(100 + i, m)]))
    st.write(path, frames)


def tshark_tons(tshark, cap):
    """Per frame: TP-OA's type of number (MT) or sm-RP-OA's nature (MO)."""
    out = subprocess.run([tshark, "-r", cap, "-T", "fields", "-e", "frame.number",
                          "-e", "gsm_sms.dis_field_addr.num_type", "-e", "gsm_map.nature_of_number"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True, timeout=60)
    tons = []
    for line in out.stdout.decode().splitlines():
        _, tp, nat = (line.split("\t") + ["", ""])[:3]
        tons.append((tp.split(",")[0], nat.split(",")))
    return tons


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smsfw", required=True)
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--tshark", default="tshark")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    cap = os.path.join(a.work, "intl.pcap")
    lists = os.path.join(a.work, "intl.lists")
    ini = os.path.join(a.work, "intl.ini")
    capture(cap)
    with open(lists, "w") as f:
        f.write(LISTS)
    with open(ini, "w") as f:
        f.write("[rules]\nbundle = %s\nlists = %s\n" % (a.bundle, lists))
    fails = []
    if shutil.which(a.tshark):
        tons = tshark_tons(a.tshark, cap)
        for (kind, _, toa, _, _), (tp, nat) in zip(CASES, tons):
            want = (toa >> 4) & 7
            # MT: the TPDU's TON; MO: the sm-RP-OA's nature (the second
            # AddressString, after the service centre's)
            got = tp if kind == "mt" else (nat[1] if len(nat) > 1 else "")
            if not got or int(got, 0) != want:
                fails.append("tshark: %s type of number %r, built %s" % (kind, got, want))
    else:
        print("tshark not found: the wire's types of number are not cross-checked")
    for workers in (None, "2"):
        out = os.path.join(a.work, "out-%s" % (workers or "1"))
        args = ["--offline", cap, "--config", ini]
        if workers:
            args += ["--workers", workers]
        r = run_smsfw(a.smsfw, args, out)
        if r.rc != 0:
            fails.append("smsfw exit %d: %s" % (r.rc, r.stderr[-400:]))
            continue
        got = [(v["verdict"], v["sender"]) for v in sorted(r.verdicts(), key=lambda v: v["frame"])]
        want = [(c[3], c[4]) for c in CASES]
        if got != want:
            fails.append("%s worker(s): verdicts %s, want %s" % (workers or "1", got, want))
    for f in fails:
        print("FAIL", f)
    print("%d cases, %s" % (len(CASES), "ok" if not fails else "%d failures" % len(fails)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
