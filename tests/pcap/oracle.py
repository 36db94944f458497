#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""tshark as the independent oracle for smsfw-decode.

sms mode: for every frame, the SMS parts smsfw-decode reports must equal
tshark's (gsm_sms with reassembly off): text, TP-OA, TP-DA and DCS as
multisets; each part's MAP operation code, sm-RP-DA/OA digits and SCCP
calling GT must appear in tshark's decode of that frame. Frames where
tshark sees SMS text and smsfw-decode does not (or the reverse) fail.

tcap mode: for every frame, the TCAP message types, transaction ids and
local operation codes must equal tshark's, and no SMS may be reported.

Prints each mismatch, then "N passed, M failed" (checks), exit 1 on any
failure. A missing capture is a skip (exit 77, meson's skip code)."""
import argparse
import collections
import json
import os
import subprocess
import sys

TCAP_TYPES = {
    "tcap.begin_element": "begin", "tcap.continue_element": "continue",
    "tcap.end_element": "end", "tcap.abort_element": "abort",
    "tcap.unidirectional_element": "unidirectional",
}
OPCODE = {"mo-forwardSM": 46, "forwardSM": 46, "mt-forwardSM": 44}
FIELDS = ["frame", "op", "direction", "map_version", "sm_rp_da_type", "sm_rp_da",
          "sm_rp_oa", "tp_oa", "tp_da", "dcs", "text", "concat", "sccp_calling_gt"]


def walk(obj, out):
    """All (key, scalar) pairs of a tshark JSON packet, in document order."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, (dict, list)):
                out.append((k, None))
                walk(v, out)
            else:
                out.append((k, v))
    elif isinstance(obj, list):
        for x in obj:
            walk(x, out)


def tshark_frames(capture, extra):
    cmd = ["tshark", "-r", capture, "-n", "-T", "json", "--no-duplicate-keys",
           "-o", "gsm_sms.reassemble:FALSE", "-o", "sctp.checksum:CRC-32C",
           "-o", "sctp.reassembly:TRUE"] + extra
    res = subprocess.run(cmd, capture_output=True, check=True)
    frames = {}
    for pkt in json.loads(res.stdout or b"[]"):
        layers = pkt["_source"]["layers"]
        kv = []
        walk(layers, kv)
        num = int(layers["frame"]["frame.number"])
        frames[num] = kv
    return frames


def values(kv, key):
    return [v for k, v in kv if k == key and v is not None]


def hexid(s):
    return s.replace(":", "").lower()


def run_decode(binary, capture, mode):
    args = [binary, "--quiet"] + (["--tcap"] if mode == "tcap" else ["--extra"]) + [capture]
    res = subprocess.run(args, capture_output=True, check=True)
    per = collections.defaultdict(list)
    for line in res.stdout.decode("utf-8").splitlines():
        rec = json.loads(line)
        per[rec["frame"]].append(rec)
    return per


class Checker:
    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def eq(self, frame, what, got, want):
        if got == want:
            self.passed += 1
        else:
            self.failed += 1
            print(f"{self.name}: frame {frame}: {what}: smsfw-decode {got!r}, tshark {want!r}")

    def within(self, frame, what, got, pool):
        if got in pool:
            self.passed += 1
        else:
            self.failed += 1
            print(f"{self.name}: frame {frame}: {what}: smsfw-decode {got!r} not in tshark's {sorted(set(pool))!r}")


def check_sms(args, ck):
    mine = run_decode(args.decode, args.capture, "sms")
    ts = tshark_frames(args.capture, [])
    n_parts = 0
    for frame in sorted(set(ts) | set(mine)):
        kv = ts.get(frame, [])
        parts = mine.get(frame, [])
        n_parts += len(parts)
        # tshark's TSN analysis flags a resent DATA chunk and does not
        # dissect it again: there both must agree it is a retransmission
        if any(k == "sctp.retransmission" for k, _ in kv):
            resent = [p for p in parts if p["retransmission"]]
            ck.eq(frame, "retransmitted parts flagged", len(resent) > 0 or not parts, True)
            parts = [p for p in parts if not p["retransmission"]]
        t_text = collections.Counter(values(kv, "gsm_sms.sms_text"))
        m_text = collections.Counter(p["text"] for p in parts if p["text"] is not None)
        ck.eq(frame, "SMS texts", m_text, t_text)
        # TP-OA / TP-DA: tshark has one per TPDU (also for binary ones)
        ck.eq(frame, "TP-OA", collections.Counter(p["tp_oa"] for p in parts if p["tp_oa"] is not None),
              collections.Counter(values(kv, "gsm_sms.tp-oa")))
        ck.eq(frame, "TP-DA", collections.Counter(p["tp_da"] for p in parts if p["tp_da"] is not None),
              collections.Counter(values(kv, "gsm_sms.tp-da")))
        # the type of number of each TPDU's address, which the policy
        # reads the parties with
        ck.eq(frame, "TP address type of number",
              collections.Counter(p["tp_addr_ton"] for p in parts if "tp_addr_ton" in p),
              collections.Counter(int(v, 0) for v in values(kv, "gsm_sms.dis_field_addr.num_type")))
        ck.eq(frame, "TP-DCS", collections.Counter(p["dcs"] for p in parts),
              collections.Counter(int(v, 0) for v in values(kv, "gsm_sms.tp-dcs")))
        addrs = values(kv, "e164.msisdn") + values(kv, "e212.imsi") + values(kv, "gsm_map.sm.lmsi")
        ops = [int(v) for v in values(kv, "gsm_old.localValue")]
        gts = values(kv, "sccp.calling.digits")
        natures = [int(v, 0) for v in values(kv, "gsm_map.nature_of_number")]
        for p in parts:
            ck.within(frame, "MAP operation", OPCODE[p["op"]], ops)
            if p["sm_rp_da_type"] != "noSM-RP-DA" and p["sm_rp_da_type"] != "lmsi":
                ck.within(frame, "sm-RP-DA", p["sm_rp_da"], addrs)
            if p["sm_rp_oa"]:
                ck.within(frame, "sm-RP-OA", p["sm_rp_oa"], addrs)
                ck.within(frame, "sm-RP-OA nature of address", p.get("sm_rp_oa_ton"), natures)
            ck.within(frame, "SCCP calling GT", p["sccp_calling_gt"], gts)
    return n_parts


def check_truth(args, ck):
    """Round trip: smsfw-decode must print exactly the generator's truth."""
    mine = run_decode(args.decode, args.capture, "sms")
    truth = collections.defaultdict(list)
    with open(args.truth, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            truth[rec["frame"]].append(rec)
    key = lambda r: json.dumps([r.get(k) for k in FIELDS] + [bool(r.get("retransmission"))],
                               ensure_ascii=False, sort_keys=True)
    n = 0
    for frame in sorted(set(truth) | set(mine)):
        n += len(mine.get(frame, []))
        ck.eq(frame, "parts (all fields)", collections.Counter(map(key, mine.get(frame, []))),
              collections.Counter(map(key, truth.get(frame, []))))
    return n


def check_tcap(args, ck):
    mine = run_decode(args.decode, args.capture, "tcap")
    sms = run_decode(args.decode, args.capture, "sms")
    ck.eq(0, "SMS parts in a capture without SMS", sum(len(v) for v in sms.values()), 0)
    ts = tshark_frames(args.capture, [])
    n = 0
    for frame in sorted(set(ts) | set(mine)):
        kv = ts.get(frame, [])
        recs = mine.get(frame, [])
        n += len(recs)
        t_types = collections.Counter(TCAP_TYPES[k] for k, _ in kv if k in TCAP_TYPES)
        if not t_types and not recs:
            continue
        ck.eq(frame, "TCAP message types", collections.Counter(r["tcap"] for r in recs), t_types)
        ck.eq(frame, "otid", collections.Counter(r["otid"] for r in recs if "otid" in r),
              collections.Counter(hexid(v) for v in values(kv, "tcap.otid")))
        ck.eq(frame, "dtid", collections.Counter(r["dtid"] for r in recs if "dtid" in r),
              collections.Counter(hexid(v) for v in values(kv, "tcap.dtid")))
        ck.eq(frame, "local operation codes",
              collections.Counter(c["opcode"] for r in recs for c in r["components"] if "opcode" in c),
              collections.Counter(int(v) for v in values(kv, "gsm_old.localValue")))
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--decode", required=True, help="smsfw-decode binary")
    ap.add_argument("--capture", required=True)
    ap.add_argument("--mode", choices=["sms", "tcap", "truth"], default="sms")
    ap.add_argument("--truth", help="ground truth (truth mode)")
    args = ap.parse_args()
    if not os.path.exists(args.capture):
        print(f"SKIP: {args.capture} is absent")
        return 77
    ck = Checker(os.path.basename(args.capture))
    check = {"sms": check_sms, "tcap": check_tcap, "truth": check_truth}[args.mode]
    n = check(args, ck)
    judge = "the ground truth" if args.mode == "truth" else "tshark"
    print(f"{ck.name}: {n} {'TCAP messages' if args.mode == 'tcap' else 'SMS parts'} compared with {judge}")
    print(f"{ck.passed} passed, {ck.failed} failed")
    return 1 if ck.failed else 0


if __name__ == "__main__":
    sys.exit(main())
