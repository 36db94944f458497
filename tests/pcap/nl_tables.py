#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""National language tables end to end (issue 15 item 7): Hindi and Bengali
fraud texts sent in their TS 23.038 locking and single shift tables (UDH IEs
0x25 / 0x24) reach the scanner as the text the handset shows and are
blocked by a rule written in that script, as the same text in UCS-2 is,
also when the phrase spans two concatenated parts; a Hindi ham text passes;
reserved table ids fall back to the default alphabet (counted
text.nl_table_unknown) exactly as tshark shows them.

tshark (4.0) does not apply the Annex A tables at all (it shows the default
alphabet for every id), so it is the oracle only for the fallback frames;
the national frames are checked against the text that was encoded.

nl_tables.py --smsfw BIN --rulec BIN --decode BIN --work DIR [--tshark tshark]"""
import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "dataplane"))
import sigtran as st  # noqa: E402
from dptest import run_smsfw  # noqa: E402

# the tables smsfw decodes with, as gen_gsm7_tables.py writes them from the spec
_spec = importlib.util.spec_from_file_location(
    "gen_gsm7_tables", os.path.join(HERE, "..", "..", "dataplane", "core", "text", "gen_gsm7_tables.py"))
_gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_gen)
LOCKING = {k: _gen.parse(v[1]) for k, v in _gen.LOCKING.items()}
SINGLE = {k: _gen.parse(v[1]) for k, v in _gen.SINGLE.items()}

HINDI, BENGALI = 6, 4
SCA = "8613800138000"
RCPT = "919812345678"
SENDERS = ["91981234%04d" % i for i in range(20)]
HI_FRAUD = "आपका बैंक खाता बंद कर दिया गया है, तुरंत 95588 पर कॉल करें और OTP बताएं"
HI_FRAUD_PLAIN = "आपका बैंक खाता बंद कर दिया गया है"	# no single shift character
BN_FRAUD = "আপনার ব্যাংক একাউন্ট বন্ধ হয়েছে, এখনই ৯৫৫৮৮ নম্বরে কল করুন"
HI_HAM = "कल शाम को घर पर मिलते हैं"
ASCII_TEXT = "Your account is frozen, call 95588 now"

# Rules over the normalised text (rules/FORMAT.md: the Indic vowel signs
# and viramas stay, so the rules are the words as written)
RULES = """class fraud_impersonation

rule 9001
  action  block
  pattern बैंक खाता बंद
  desc    Hindi: your bank account is closed
  match   आपका बैंक खाता बंद कर दिया गया है
  nomatch बैंक में जमा

rule 9002
  action  block
  pattern ব্যাংক একাউন্ট বন্ধ
  desc    Bengali: your bank account is closed
  match   আপনার ব্যাংক একাউন্ট বন্ধ হয়েছে
  nomatch ব্যাংক
"""


def encode(text, lock, single):
    """UTF-8 → septets with a locking / single shift table pair (TS 23.038
    §6.2.1.2): one septet from the locking table, else ESC + code."""
    out = []
    for ch in text:
        c = ord(ch)
        if c in LOCKING[lock]:
            out.append(LOCKING[lock].index(c))
        elif c in SINGLE[single]:
            out += [0x1B, SINGLE[single].index(c)]
        else:
            raise ValueError("U+%04X is in neither table" % c)
    return out


def nl_submit(septs, lock, single, concat=b""):
    """SMS-SUBMIT in GSM 7-bit behind the IEs 0x25 (locking) and 0x24
    (single shift) of TS 23.040 §9.2.3.24.15/16, after the concatenation
    IE concat (without UDHL) when given."""
    ies = concat + bytes([0x25, 1, lock, 0x24, 1, single])
    udh = bytes([len(ies)]) + ies
    hs = (len(udh) * 8 + 6) // 7	# the text starts on a septet boundary
    return st.submit(RCPT, st.septets_pack(septs, hs * 7 - len(udh) * 8), dcs=0, udl=hs + len(septs), udh=udh)


def mo(tpdu, sender, otid):
    ui = st.tlv(0x04, tpdu)
    return st.m3ua_sms(st.tcap_begin(otid, st.AC_MO_V3, 46, st.mo_fsm_arg(SCA, sender, ui)))


def frames():
    """(frame, verdicts it may get, the text smsfw must decode or None for tshark's)"""
    f = []

    def add(tpdu, want, text, sender=None):
        i = len(f)
        f.append((st.frame([st.data_chunk(100 + i, mo(tpdu, SENDERS[i if sender is None else sender], 10 + i))]),
                  want, text))

    add(nl_submit(encode(HI_FRAUD, HINDI, HINDI), HINDI, HINDI), ("block",), HI_FRAUD)
    add(nl_submit(encode(BN_FRAUD, BENGALI, BENGALI), BENGALI, BENGALI), ("block",), BN_FRAUD)
    add(st.submit(RCPT, st.ucs2(HI_FRAUD_PLAIN)), ("block",), HI_FRAUD_PLAIN)	# control: UCS-2
    add(nl_submit(encode(HI_HAM, HINDI, HINDI), HINDI, HINDI), ("pass",), HI_HAM)
    # Hindi locking table with a reserved single shift id: the locking table
    # still applies, the extension table is the default one (§6.2.1.2.4)
    add(nl_submit(encode(HI_FRAUD_PLAIN, HINDI, 0), HINDI, 14), ("block",), HI_FRAUD_PLAIN)
    # reserved locking id: the default alphabet, as tshark shows it
    add(nl_submit(encode(ASCII_TEXT, 0, 0), 200, 0), ("pass",), None)
    # a concatenated Hindi message whose phrase spans the parts, scanned as
    # one stream: part 1 alone holds half the phrase and passes, part 2
    # completes it and blocks (as evasion.py's split cases)
    cut = HI_FRAUD.index("खा") + 1
    for seq, part, want in ((1, HI_FRAUD[:cut], ("pass", "tag")), (2, HI_FRAUD[cut:], ("block",))):
        add(nl_submit(encode(part, HINDI, HINDI), HINDI, HINDI, concat=bytes([0x00, 3, 0x77, 2, seq])),
            want, part, sender=10)
    return f


def tshark_texts(tshark, cap):
    p = subprocess.run([tshark, "-r", cap, "-Y", "gsm_sms", "-T", "fields", "-e", "frame.number",
                        "-e", "gsm_sms.sms_text"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    out = {}
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        n, _, t = line.partition("\t")
        out[int(n)] = t
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smsfw", required=True)
    ap.add_argument("--rulec", required=True)
    ap.add_argument("--decode", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--tshark", default=shutil.which("tshark"))
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(os.path.join(a.work, "rules"))
    fails = []

    with open(os.path.join(a.work, "rules", "indic.rules"), "w", encoding="utf-8") as f:
        f.write(RULES)
    bundle = os.path.join(a.work, "indic.bundle")
    for cmd in (["test", os.path.join(a.work, "rules")],
                ["compile", os.path.join(a.work, "rules"), "-o", bundle]):
        r = subprocess.run([a.rulec] + cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        if r.returncode != 0:
            print("FAIL: smsfw-rulec %s: %s" % (cmd[0], r.stdout.decode("utf-8", "replace")))
            sys.exit(1)

    fr = frames()
    cap = os.path.join(a.work, "nl-tables.pcap")
    st.write(cap, [x[0] for x in fr])

    # the decoded text of every part (smsfw-decode shares smsfw's decoder)
    d = subprocess.run([a.decode, cap], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    mine = {}
    for line in d.stdout.decode("utf-8").splitlines():
        rec = json.loads(line)
        mine[rec["frame"]] = rec["text"]
    tt = tshark_texts(a.tshark, cap) if a.tshark else {}
    for i, (_, _, want) in enumerate(fr):
        n = i + 1
        if want is None:
            if not a.tshark:
                print("SKIP: no tshark for frame %d" % n)
            elif mine.get(n) != tt.get(n) or tt.get(n) != ASCII_TEXT:
                fails.append("frame %d: %r, tshark %r" % (n, mine.get(n), tt.get(n)))
        elif mine.get(n) != want:
            fails.append("frame %d: decoded %r, want %r" % (n, mine.get(n), want))

    out = os.path.join(a.work, "out")
    r = run_smsfw(a.smsfw, ["--offline", cap, "--bundle", bundle], out)
    if r.rc != 0:
        fails.append("smsfw exit %d: %s" % (r.rc, r.stderr[-500:]))
    got = [v["verdict"] for v in sorted(r.verdicts(), key=lambda v: v["frame"])]
    want = [x[1] for x in fr]
    if len(got) != len(want) or any(g not in w for g, w in zip(got, want)):
        fails.append("verdicts %s, want %s" % (got, want))
    n = r.summary["errors"].get("text.nl_table_unknown")
    if n != 2:
        fails.append("text.nl_table_unknown = %s, want 2" % n)
    m = re.search(r"U\+FFFD replacements (\d+)", r.raw_stderr)
    if not m or m.group(1) != "0":
        fails.append("characters replaced: %s" % (m and m.group(1)))
    if r.summary["errors"].keys() - {"text.nl_table_unknown"}:
        fails.append("errors: %s" % r.summary["errors"])
    print("nl-tables-e2e            %s" % ("ok" if not fails else "FAIL: " + "; ".join(fails)))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
