# SPDX-License-Identifier: BSD-3-Clause
"""A small hand encoder of SIGTRAN SMS frames for crafted captures:
Ethernet / IPv4 / SCTP (RFC 9260; DATA and I-DATA, RFC 8260) / M3UA DATA
(RFC 4666) / SCCP UDT (Q.713) / TCAP Begin (Q.773) / MAP mo- and
mt-forwardSM (TS 29.002) / SMS-SUBMIT and SMS-DELIVER (TS 23.040).
Every layer is a plain function returning bytes so that a test can bend
exactly one field out of spec."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dataplane"))
from dptest import crc32c  # noqa: E402

PCAP_HDR = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)


def tlv(tag, value):
    """BER TLV with a definite length (short or long form)."""
    n = len(value)
    if n < 0x80:
        return bytes([tag, n]) + value
    if n < 0x100:
        return bytes([tag, 0x81, n]) + value
    return bytes([tag, 0x82, n >> 8, n & 255]) + value


def tbcd(digits):
    """TBCD / semi-octet digits, low nibble first, filler F."""
    d = [int(c) for c in digits]
    if len(d) % 2:
        d.append(15)
    return bytes(d[i] | d[i + 1] << 4 for i in range(0, len(d), 2))


def tp_addr(digits, toa=0x91):
    """TP-OA / TP-DA (TS 23.040 §9.1.2.5)."""
    return bytes([len(digits), toa]) + tbcd(digits)


def ucs2(text):
    return text.encode("utf-16-be")


def udh_concat(ref, total, seq, ref16=False):
    """UDH with one concatenation IE (§9.2.3.24.1 / .8), UDHL included."""
    ie = (bytes([0x08, 4]) + struct.pack(">H", ref) if ref16 else bytes([0x00, 3, ref])) + bytes([total, seq])
    return bytes([len(ie)]) + ie


def septets_pack(septs, fill=0):
    """GSM 7-bit packing (TS 23.038 §6.1.2.1.1) after fill bits."""
    out, v, nb = bytearray(), 0, fill
    for x in septs:
        v |= x << nb
        nb += 7
        while nb >= 8:
            out.append(v & 0xFF)
            v >>= 8
            nb -= 8
    if nb:
        out.append(v & 0xFF)
    return bytes(out)


def submit(da, ud, dcs=0x08, udl=None, udh=b"", mr=1):
    """SMS-SUBMIT, no VP; ud already encoded (octets); UDL in octets unless given."""
    fo = 0x01 | (0x40 if udh else 0)
    body = udh + ud
    return bytes([fo, mr]) + tp_addr(da) + bytes([0, dcs]) + \
        bytes([len(body) if udl is None else udl]) + body


def deliver(oa, ud, dcs=0x08, udl=None, udh=b"", toa=0x91):
    fo = 0x04 | (0x40 if udh else 0)
    body = udh + ud
    return bytes([fo]) + tp_addr(oa, toa) + bytes([0, dcs]) + \
        bytes.fromhex("62101021000000") + bytes([len(body) if udl is None else udl]) + body


def address_string(digits, ton_npi=0x91):
    return bytes([ton_npi]) + tbcd(digits)


def mo_fsm_arg(sca, msisdn, ui_tlv, ton_npi=0x91):
    """MO-ForwardSM-Arg: sm-RP-DA serviceCentreAddressDA [4], sm-RP-OA msisdn [2], sm-RP-UI."""
    return tlv(0x30, tlv(0x84, address_string(sca)) + tlv(0x82, address_string(msisdn, ton_npi)) + ui_tlv)


def mt_fsm_arg(da_tlv, sca, ui_tlv):
    """MT-ForwardSM-Arg: sm-RP-DA imsi [0] / lmsi [1], sm-RP-OA serviceCentreAddressOA [4], sm-RP-UI."""
    return tlv(0x30, da_tlv + tlv(0x84, address_string(sca)) + ui_tlv)


AC_MO_V3 = bytes.fromhex("04000001001503")	# shortMsgMO-RelayContext-v3
AC_MT_V3 = bytes.fromhex("04000001001903")	# shortMsgMT-RelayContext-v3
AC_SRI_V3 = bytes.fromhex("04000001001403")	# shortMsgGatewayContext-v3


def dialogue(ac, dest_ref=None):
    """Dialogue portion: EXTERNAL { dialogue-as-id, AARQ { ac } }, optionally
    a MAP-OPEN destination reference in the user information (TS 29.002 §7.3.1)."""
    aarq = tlv(0xA1, tlv(0x06, ac))
    if dest_ref is not None:
        # user-information [30] { EXTERNAL { map-DialogueAS, [0] MAP-OpenInfo { [0] destRef } } }
        open_info = tlv(0xA0, tlv(0x80, dest_ref))
        ext = tlv(0x28, tlv(0x06, bytes.fromhex("04000001010101")) + tlv(0xA0, open_info))
        aarq += tlv(0xBE, ext)
    ext = tlv(0x28, tlv(0x06, bytes.fromhex("00118605010101")) + tlv(0xA0, tlv(0x60, aarq)))
    return tlv(0x6B, ext)


def tcap_begin(otid, ac, opcode, param, dest_ref=None, invoke_id=1):
    inv = tlv(0x02, bytes([invoke_id])) + tlv(0x02, bytes([opcode])) + param
    return tlv(0x62, tlv(0x48, struct.pack(">I", otid)) + dialogue(ac, dest_ref) +
               tlv(0x6C, tlv(0xA1, inv)))


def tcap_end(dtid, ac, opcode, param, invoke_id=1):
    """TC-END with a ReturnResultLast (opcode, param)."""
    res = tlv(0x02, bytes([invoke_id])) + tlv(0x30, tlv(0x02, bytes([opcode])) + param)
    aare = tlv(0x61, tlv(0xA1, tlv(0x06, ac)) + bytes.fromhex("a203020100") +
               bytes.fromhex("a305a1030201" "00"))
    ext = tlv(0x28, tlv(0x06, bytes.fromhex("00118605010101")) + tlv(0xA0, aare))
    return tlv(0x64, tlv(0x49, struct.pack(">I", dtid)) + tlv(0x6B, ext) + tlv(0x6C, tlv(0xA2, res)))


def sccp_party(gt, ssn):
    """Called/calling party: route on GT, SSN present, GTI 4, E.164."""
    odd = len(gt) % 2
    return bytes([0x12, ssn, 0x00, 0x10 | (1 if odd else 2), 0x04]) + tbcd(gt)


def sccp_udt(called_gt, calling_gt, data, called_ssn=8, calling_ssn=8):
    cd = sccp_party(called_gt, called_ssn)
    cg = sccp_party(calling_gt, calling_ssn)
    p1 = 3
    p2 = p1 + len(cd) + 1 - 1
    p3 = p2 + len(cg) + 1 - 1
    return bytes([0x09, 0x80, p1, p2, p3, len(cd)]) + cd + bytes([len(cg)]) + cg + \
        bytes([len(data)]) + data


def sccp_ludt(called_gt, calling_gt, data, called_ssn=8, calling_ssn=8):
    """LUDT (Q.713 §4.20): 2-octet pointers (LSB first, counted from their
    second octet, as Wireshark reads them) and a 2-octet data length."""
    cd = sccp_party(called_gt, called_ssn)
    cg = sccp_party(calling_gt, calling_ssn)
    p1 = 7
    p2 = 6 + len(cd)
    p3 = 5 + len(cd) + len(cg)
    return bytes([0x13, 0x80, 15]) + struct.pack("<HHHH", p1, p2, p3, 0) + bytes([len(cd)]) + cd + \
        bytes([len(cg)]) + cg + struct.pack("<H", len(data)) + data


def m3ua_data(opc, dpc, sccp, si=3):
    pd = struct.pack(">IIBBBB", opc, dpc, si, 2, 0, 0) + sccp
    param = struct.pack(">HH", 0x0210, 4 + len(pd)) + pd + b"\0" * (-len(pd) % 4)
    return struct.pack(">BBBBI", 1, 0, 1, 1, 8 + len(param)) + param


def data_chunk(tsn, payload, sid=0, ssn=0, ppid=3, flags=3):
    c = struct.pack(">BBHIHHI", 0, flags, 16 + len(payload), tsn, sid, ssn, ppid) + payload
    return c + b"\0" * (-len(c) % 4)


def idata_chunk(tsn, payload, sid=0, mid=0, ppid_or_fsn=3, flags=3):
    """I-DATA (RFC 8260 §2.1): TSN, SID, reserved, MID, PPID (B set) or FSN."""
    c = struct.pack(">BBHIHHII", 64, flags, 20 + len(payload), tsn, sid, 0, mid, ppid_or_fsn) + payload
    return c + b"\0" * (-len(c) % 4)


def raw_chunk(ctype, flags, value):
    c = struct.pack(">BBH", ctype, flags, 4 + len(value)) + value
    return c + b"\0" * (-len(c) % 4)


def sctp(chunks, sport=2905, dport=2905, vtag=0x11223344):
    p = bytearray(struct.pack(">HHII", sport, dport, vtag, 0) + b"".join(chunks))
    p[8:12] = struct.pack("<I", crc32c(bytes(p)))
    return bytes(p)


def ipv4(src, dst, payload, proto=132):
    h = bytearray(struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, proto, 0,
                              bytes(src), bytes(dst)))
    s = sum(struct.unpack(">10H", bytes(h)))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    h[10:12] = struct.pack(">H", ~s & 0xFFFF)
    return bytes(h) + payload


def ether(l3):
    return bytes.fromhex("020000000002" "020000000001" "0800") + l3


SRC_IP = (10, 0, 0, 1)
DST_IP = (10, 0, 0, 2)


def frame(chunks, sport=2905, dport=2905, vtag=0x11223344, src=SRC_IP, dst=DST_IP):
    return ether(ipv4(src, dst, sctp(chunks, sport, dport, vtag)))


def m3ua_sms(tcap, opc=100, dpc=200, called="8613800138000", calling="8613900139000"):
    """The M3UA DATA message carrying one TCAP message over SCCP UDT."""
    if len(tcap) > 255:
        return m3ua_data(opc, dpc, sccp_ludt(called, calling, tcap))
    return m3ua_data(opc, dpc, sccp_udt(called, calling, tcap))


def write(path, frames, t0=1767225600):
    """A pcap (Ethernet) of frames, 10 ms apart."""
    with open(path, "wb") as f:
        f.write(PCAP_HDR)
        for i, p in enumerate(frames):
            f.write(struct.pack("<IIII", t0 + i // 100, (i % 100) * 10000, len(p), len(p)))
            f.write(p)
