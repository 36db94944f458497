/* SPDX-License-Identifier: BSD-3-Clause */
/* The generator's per-layer encoders against byte arrays written from the
 * specs (X.690, Q.773, Q.713, RFC 4666, RFC 9260, TS 23.040, TS 29.002). */
#include "sf_test.h"

#include "gen.h"
#include "sf_crc32c.h"

static void test_ber_lengths(void)
{
	uint8_t buf[512], big[300];
	struct gbuf b;
	size_t s;

	memset(big, 0xAB, sizeof(big));
	gb_init(&b, buf, sizeof(buf));
	ber_put(&b, SF_BER_OCTET_STRING, big, 5);
	static const uint8_t short_form[] = { 0x04, 0x05 };	/* X.690 §8.1.3.4 */
	CHECK_INT(b.len, 7);
	CHECK_MEM(buf, short_form, 2);

	gb_init(&b, buf, sizeof(buf));
	ber_put(&b, SF_BER_OCTET_STRING, big, 130);
	static const uint8_t long1[] = { 0x04, 0x81, 0x82 };	/* §8.1.3.5: 0x81 + 1 octet */
	CHECK_INT(b.len, 133);
	CHECK_MEM(buf, long1, 3);
	CHECK_INT(buf[3], 0xAB);

	gb_init(&b, buf, sizeof(buf));
	s = ber_open(&b, SF_BER_SEQUENCE);
	gb_put(&b, big, 300);
	ber_close(&b, s);
	static const uint8_t long2[] = { 0x30, 0x82, 0x01, 0x2C };	/* 300 = 0x012C */
	CHECK_INT(b.len, 304);
	CHECK_MEM(buf, long2, 4);
	CHECK_INT(buf[303], 0xAB);
}

static void test_ber_int_and_tbcd(void)
{
	uint8_t buf[64], t[16];
	struct gbuf b;

	gb_init(&b, buf, sizeof(buf));
	ber_put_int(&b, SF_BER_INTEGER, 0);
	ber_put_int(&b, SF_BER_INTEGER, 127);
	ber_put_int(&b, SF_BER_INTEGER, 128);
	ber_put_int(&b, SF_BER_INTEGER, -1);
	ber_put_int(&b, SF_TCAP_LOCAL_OPCODE, SF_MAP_OP_MO_FORWARD_SM);
	static const uint8_t want[] = {
		0x02, 0x01, 0x00,		/* 0 */
		0x02, 0x01, 0x7F,		/* 127 */
		0x02, 0x02, 0x00, 0x80,		/* 128: leading 0 keeps it positive (§8.3.2) */
		0x02, 0x01, 0xFF,		/* -1 */
		0x02, 0x01, 0x2E,		/* opcode 46 */
	};
	CHECK_INT(b.len, sizeof(want));
	CHECK_MEM(buf, want, sizeof(want));

	/* TS 29.002 §17.7.8: low nibble first, odd count filled with F */
	static const uint8_t sca[] = { 0x68, 0x31, 0x08, 0x90, 0x00, 0x05, 0xF0 };
	CHECK_INT(enc_tbcd("8613800900500", t, sizeof(t)), 7);
	CHECK_MEM(t, sca, 7);
	CHECK_INT(enc_tbcd("8613800900500", t, 6), 0);	/* no room */
}

static void test_tcap_begin_aarq(void)
{
	uint8_t comps[32], buf[128];
	struct gbuf c, b;
	struct tcap_hdr h;
	static const uint8_t arg[] = { 0x30, 0x00 };

	gb_init(&c, comps, sizeof(comps));
	tcap_invoke(&c, 1, SF_MAP_OP_MO_FORWARD_SM, arg, sizeof(arg));
	memset(&h, 0, sizeof(h));
	h.type = SF_TCAP_BEGIN;
	h.has_otid = 1;
	h.otid = 0x11223344;
	h.dlg = TCAP_DLG_AARQ;
	h.ac = SF_MAP_AC_SHORT_MSG_MO_RELAY;
	h.ac_version = 3;
	gb_init(&b, buf, sizeof(buf));
	tcap_encode(&b, &h, c.p, c.len);
	static const uint8_t want[] = {
		0x62, 0x32,				/* Begin [APPLICATION 2] */
		0x48, 0x04, 0x11, 0x22, 0x33, 0x44,	/* otid */
		0x6B, 0x1E,				/* dialogue portion */
		0x28, 0x1C,				/* EXTERNAL */
		0x06, 0x07, 0x00, 0x11, 0x86, 0x05, 0x01, 0x01, 0x01,	/* dialogue-as-id */
		0xA0, 0x11,				/* single-ASN1-type */
		0x60, 0x0F,				/* AARQ */
		0x80, 0x02, 0x07, 0x80,			/* protocol-version: version1 */
		0xA1, 0x09, 0x06, 0x07,			/* application-context-name */
		0x04, 0x00, 0x00, 0x01, 0x00, 0x15, 0x03,	/* shortMsgMO-RelayContext-v3 */
		0x6C, 0x0A,				/* component portion */
		0xA1, 0x08,				/* invoke */
		0x02, 0x01, 0x01,			/* invokeID 1 */
		0x02, 0x01, 0x2E,			/* localValue 46 mo-forwardSM */
		0x30, 0x00,				/* argument */
	};
	CHECK_INT(b.len, sizeof(want));
	CHECK_MEM(buf, want, sizeof(want));
}

static void test_tcap_end_aare_error(void)
{
	uint8_t comps[32], buf[128], p[8];
	struct gbuf c, b, pb;
	struct tcap_hdr h;

	gb_init(&pb, p, sizeof(p));
	map_enc_delivery_failure(&pb, 0);
	gb_init(&c, comps, sizeof(comps));
	tcap_return_error(&c, 5, MAP_ERR_SM_DELIVERY_FAILURE, pb.p, pb.len);
	memset(&h, 0, sizeof(h));
	h.type = SF_TCAP_END;
	h.has_dtid = 1;
	h.dtid = 0xA0B0C0D0;
	h.dlg = TCAP_DLG_AARE;
	h.ac = SF_MAP_AC_SHORT_MSG_MT_RELAY;
	h.ac_version = 3;
	gb_init(&b, buf, sizeof(buf));
	tcap_encode(&b, &h, c.p, c.len);
	static const uint8_t want[] = {
		0x64, 0x41,				/* End [APPLICATION 4] */
		0x49, 0x04, 0xA0, 0xB0, 0xC0, 0xD0,	/* dtid */
		0x6B, 0x2A, 0x28, 0x28,
		0x06, 0x07, 0x00, 0x11, 0x86, 0x05, 0x01, 0x01, 0x01,
		0xA0, 0x1D,
		0x61, 0x1B,				/* AARE */
		0x80, 0x02, 0x07, 0x80,
		0xA1, 0x09, 0x06, 0x07, 0x04, 0x00, 0x00, 0x01, 0x00, 0x19, 0x03,	/* MT-Relay v3 */
		0xA2, 0x03, 0x02, 0x01, 0x00,		/* result: accepted */
		0xA3, 0x05, 0xA1, 0x03, 0x02, 0x01, 0x00,	/* dialogue-service-user: null */
		0x6C, 0x0D,
		0xA3, 0x0B,				/* returnError */
		0x02, 0x01, 0x05,			/* invokeID 5 */
		0x02, 0x01, 0x20,			/* sm-DeliveryFailure (32) */
		0x30, 0x03, 0x0A, 0x01, 0x00,		/* memoryCapacityExceeded */
	};
	CHECK_INT(b.len, sizeof(want));
	CHECK_MEM(buf, want, sizeof(want));
}

static void test_map_mt_forward_sm(void)
{
	uint8_t buf[64];
	struct gbuf b;
	static const uint8_t ui[] = { 0x04, 0x00 };
	struct map_sm_arg a = { SF_MAP_SM_RP_DA_IMSI, "460001234567890", SF_MAP_SM_RP_OA_SCA,
				"8613800900500", ui, sizeof(ui), 0 };

	gb_init(&b, buf, sizeof(buf));
	map_enc_forward_sm(&b, &a);
	static const uint8_t want[] = {
		0x30, 0x18,
		0x80, 0x08, 0x64, 0x00, 0x10, 0x32, 0x54, 0x76, 0x98, 0xF0,	/* imsi [0] */
		0x84, 0x08, 0x91, 0x68, 0x31, 0x08, 0x90, 0x00, 0x05, 0xF0,	/* serviceCentreAddressOA [4] */
		0x04, 0x02, 0x04, 0x00,		/* sm-RP-UI */
	};
	CHECK_INT(b.len, sizeof(want));
	CHECK_MEM(buf, want, sizeof(want));
}

static void test_sccp_udt(void)
{
	uint8_t buf[64];
	struct gbuf b;
	static const uint8_t data[] = { 0xAA, 0xBB, 0xCC };
	struct sccp_addr cd = { SF_SCCP_SSN_MSC, SF_SCCP_NP_E164, "8613800900500" };
	struct sccp_addr cg = { SF_SCCP_SSN_MSC, SF_SCCP_NP_E164, "8613900900001" };

	gb_init(&b, buf, sizeof(buf));
	CHECK_INT(sccp_enc_udt(&b, 0x81, &cd, &cg, data, sizeof(data)), 0);
	static const uint8_t want[] = {
		0x09,			/* UDT */
		0x81,			/* class 1, return on error */
		0x03, 0x0F, 0x1B,	/* pointers to called, calling, data */
		0x0C, 0x12, 0x08, 0x00, 0x11, 0x04,	/* AI: GT 0100 + SSN; SSN 8; TT 0; E.164/BCD odd; NAI 4 */
		0x68, 0x31, 0x08, 0x90, 0x00, 0x05, 0x00,	/* digits, filler 0 (Q.713 §3.4.2.3.1) */
		0x0C, 0x12, 0x08, 0x00, 0x11, 0x04,
		0x68, 0x31, 0x09, 0x90, 0x00, 0x00, 0x01,
		0x03, 0xAA, 0xBB, 0xCC,	/* data */
	};
	CHECK_INT(b.len, sizeof(want));
	CHECK_MEM(buf, want, sizeof(want));
	gb_init(&b, buf, sizeof(buf));
	CHECK_INT(sccp_enc_udt(&b, 0x81, &cd, &cg, data, 256), -1);
}

static void test_sccp_xudt_segment(void)
{
	uint8_t buf[64];
	struct gbuf b;
	static const uint8_t data[] = { 0xAA, 0xBB };
	struct sccp_addr cd = { 6, SF_SCCP_NP_E164, "12" };
	struct sccp_addr cg = { 8, SF_SCCP_NP_E164, "345" };
	struct sccp_seg seg = { 1, 1, 1, 0x0A0B0C };

	gb_init(&b, buf, sizeof(buf));
	CHECK_INT(sccp_enc_xudt(&b, 0x81, 15, &cd, &cg, data, sizeof(data), &seg), 0);
	static const uint8_t want[] = {
		0x11, 0x81, 0x0F,		/* XUDT, class 1, hop counter 15 */
		0x04, 0x0A, 0x11, 0x13,		/* pointers: called, calling, data, optional */
		0x06, 0x12, 0x06, 0x00, 0x12, 0x04, 0x21,	/* "12": BCD even */
		0x07, 0x12, 0x08, 0x00, 0x11, 0x04, 0x43, 0x05,	/* "345": BCD odd */
		0x02, 0xAA, 0xBB,
		0x10, 0x04, 0xC1, 0x0A, 0x0B, 0x0C,	/* segmentation: F, C, 1 remaining, ref */
		0x00,				/* end of optional parameters */
	};
	CHECK_INT(b.len, sizeof(want));
	CHECK_MEM(buf, want, sizeof(want));
}

static void test_m3ua_data(void)
{
	uint8_t buf[64];
	struct gbuf b;
	static const uint8_t data[] = { 0xAA, 0xBB, 0xCC };
	uint32_t rc = 101;
	struct m3ua_pd pd = { 1001, 2001, SF_MTP3_SI_SCCP, 2, 0, 5 };

	gb_init(&b, buf, sizeof(buf));
	m3ua_enc_data(&b, &rc, &pd, data, sizeof(data));
	static const uint8_t want[] = {
		0x01, 0x00, 0x01, 0x01,		/* version 1, class transfer, DATA */
		0x00, 0x00, 0x00, 0x24,		/* length 36 */
		0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x65,	/* routing context 101 */
		0x02, 0x10, 0x00, 0x13,		/* protocol data, length 19 (no padding) */
		0x00, 0x00, 0x03, 0xE9,		/* OPC 1001 */
		0x00, 0x00, 0x07, 0xD1,		/* DPC 2001 */
		0x03, 0x02, 0x00, 0x05,		/* SI SCCP, NI 2, MP 0, SLS 5 */
		0xAA, 0xBB, 0xCC, 0x00,		/* data + padding */
	};
	CHECK_INT(b.len, sizeof(want));
	CHECK_MEM(buf, want, sizeof(want));
}

static void test_sctp_packet(void)
{
	uint8_t buf[128];
	struct gbuf b;
	static const uint8_t payload[] = { 0xAA, 0xBB, 0xCC };
	uint32_t dup = 7, c;

	gb_init(&b, buf, sizeof(buf));
	sctp_common_hdr(&b, 2905, 40000, 0x01020304);
	sctp_chunk_sack(&b, 0x10, 106496, &dup, 1);
	sctp_chunk_data(&b, SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E, 0x11, 1, 2,
			SF_SCTP_PPID_M3UA, payload, sizeof(payload));
	sctp_finish(buf, b.len);
	static const uint8_t want[] = {
		0x0B, 0x59, 0x9C, 0x40,		/* ports 2905 → 40000 */
		0x01, 0x02, 0x03, 0x04,		/* verification tag */
		0x00, 0x00, 0x00, 0x00,		/* checksum (compared below) */
		0x03, 0x00, 0x00, 0x14,		/* SACK, length 20 */
		0x00, 0x00, 0x00, 0x10,		/* cumulative TSN ack */
		0x00, 0x01, 0xA0, 0x00,		/* a_rwnd 106496 */
		0x00, 0x00, 0x00, 0x01,		/* 0 gap blocks, 1 duplicate */
		0x00, 0x00, 0x00, 0x07,		/* duplicate TSN */
		0x00, 0x03, 0x00, 0x13,		/* DATA, B|E, length 19 */
		0x00, 0x00, 0x00, 0x11,		/* TSN */
		0x00, 0x01, 0x00, 0x02,		/* stream 1, SSN 2 */
		0x00, 0x00, 0x00, 0x03,		/* PPID M3UA */
		0xAA, 0xBB, 0xCC, 0x00,		/* payload + padding */
	};
	CHECK_INT(b.len, sizeof(want));
	CHECK_MEM(buf, want, 8);
	CHECK_MEM(buf + 12, want + 12, sizeof(want) - 12);
	/* RFC 9260 §6.8: CRC32c over the packet with a zero checksum field,
	 * least significant byte first on the wire */
	c = sf_sctp_checksum(buf, b.len);
	CHECK_INT(buf[8] | buf[9] << 8 | buf[10] << 16 | (uint32_t)buf[11] << 24, c);
}

static void test_tpdu_submit(void)
{
	uint8_t out[64];
	static const uint8_t hi[] = { 0x68, 0x69 };	/* "hi" as septets */
	struct tpdu_in t;

	memset(&t, 0, sizeof(t));
	t.mti = SF_TP_MTI_SUBMIT;
	t.mr = 7;
	t.addr = "10086999";
	t.addr_toa = 0x81;
	t.ud = hi;
	t.ud_len = 2;
	t.ud_septets = 1;
	static const uint8_t want[] = {
		0x11,				/* SUBMIT, VPF relative */
		0x07,				/* TP-MR */
		0x08, 0x81, 0x01, 0x80, 0x96, 0x99,	/* TP-DA 10086999 */
		0x00, 0x00,			/* PID, DCS */
		0xA7,				/* VP 24 h */
		0x02, 0xE8, 0x34,		/* UDL 2, "hi" packed */
	};
	CHECK_INT(tpdu_encode(out, sizeof(out), &t), sizeof(want));
	CHECK_MEM(out, want, sizeof(want));
}

static void test_tpdu_submit_concat_fill(void)
{
	uint8_t out[64], udh[8];
	static const uint8_t a[] = { 0x41 };	/* "A" */
	struct tpdu_in t;

	memset(&t, 0, sizeof(t));
	t.mti = SF_TP_MTI_SUBMIT;
	t.srr = 1;
	t.addr = "123";
	t.addr_toa = 0x81;
	t.udh = udh;
	t.udh_len = udh_concat(udh, 0, 0x42, 2, 1);
	t.ud = a;
	t.ud_len = 1;
	t.ud_septets = 1;
	static const uint8_t want[] = {
		0x71,				/* SUBMIT, VPF relative, SRR, UDHI */
		0x00,
		0x03, 0x81, 0x21, 0xF3,		/* TP-DA 123 */
		0x00, 0x00, 0xA7,
		0x08,				/* UDL: 7 septets of UDH + 1 */
		0x05, 0x00, 0x03, 0x42, 0x02, 0x01,	/* UDHL 5, concat8 ref 0x42 2/1 */
		0x82,				/* 1 fill bit then 'A' (TS 23.038 §6.1.2.1.1) */
	};
	CHECK_INT(tpdu_encode(out, sizeof(out), &t), sizeof(want));
	CHECK_MEM(out, want, sizeof(want));
}

static void test_tpdu_deliver_alnum_ucs2(void)
{
	uint8_t out[64], udh[8];
	static const uint8_t zh[] = { 0x4F, 0x60 };	/* 你 */
	struct tpdu_in t;

	memset(&t, 0, sizeof(t));
	t.mti = SF_TP_MTI_DELIVER;
	t.addr = "Notice";
	t.addr_alnum = 1;
	t.dcs = 0x08;
	t.scts_unix = 1767225600;	/* 2026-01-01 00:00:00 UTC */
	t.tz_quarters = 32;
	t.udh = udh;
	t.udh_len = udh_concat(udh, 1, 0x1234, 3, 2);
	t.ud = zh;
	t.ud_len = 2;
	static const uint8_t want[] = {
		0x44,				/* DELIVER, MMS (no more), UDHI */
		0x0B, 0xD0,			/* 11 semi-octets, alphanumeric */
		0xCE, 0x37, 0x3D, 0x3D, 0x2E, 0x03,	/* "Notice" in GSM 7-bit */
		0x00, 0x08,			/* PID, DCS UCS2 */
		0x62, 0x10, 0x10, 0x80, 0x00, 0x00, 0x23,	/* 26-01-01 08:00:00 +8h */
		0x09,				/* UDL: 7 UDH octets + 2 */
		0x06, 0x08, 0x04, 0x12, 0x34, 0x03, 0x02,	/* concat16 ref 0x1234 3/2 */
		0x4F, 0x60,
	};
	CHECK_INT(tpdu_encode(out, sizeof(out), &t), sizeof(want));
	CHECK_MEM(out, want, sizeof(want));
	t.addr = "An alphanumeric id too long";
	CHECK_INT(tpdu_encode(out, sizeof(out), &t), -1);
}

static void test_ipv4_header(void)
{
	uint8_t f[64];
	struct l2l3_path p;

	memset(&p, 0, sizeof(p));
	memcpy(p.src_ip, (uint8_t[]){ 10, 20, 1, 1 }, 4);
	memcpy(p.dst_ip, (uint8_t[]){ 10, 20, 0, 1 }, 4);
	p.vlan = 100;
	CHECK_INT(l2l3_hdr_len(&p), 14 + 4 + 20);
	l2l3_write(f, &p, 40, 0x1234);
	static const uint8_t want[] = {
		0x81, 0x00, 0x00, 0x64,		/* 802.1Q VID 100 */
		0x08, 0x00,			/* IPv4 */
		0x45, 0xB8, 0x00, 0x3C,		/* v4 IHL 5, DSCP EF, total 60 */
		0x12, 0x34, 0x40, 0x00,		/* id, DF */
		0x40, 0x84,			/* TTL 64, SCTP */
	};
	CHECK_MEM(f + 12, want, sizeof(want));
	/* RFC 791: the header sums to 0xFFFF with its checksum */
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)(f[18 + i] << 8 | f[18 + i + 1]);
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	CHECK_INT(s, 0xFFFF);
}

int main(void)
{
	RUN(test_ber_lengths);
	RUN(test_ber_int_and_tbcd);
	RUN(test_tcap_begin_aarq);
	RUN(test_tcap_end_aare_error);
	RUN(test_map_mt_forward_sm);
	RUN(test_sccp_udt);
	RUN(test_sccp_xudt_segment);
	RUN(test_m3ua_data);
	RUN(test_sctp_packet);
	RUN(test_tpdu_submit);
	RUN(test_tpdu_submit_concat_fill);
	RUN(test_tpdu_deliver_alnum_ucs2);
	RUN(test_ipv4_header);
	return TEST_SUMMARY();
}
