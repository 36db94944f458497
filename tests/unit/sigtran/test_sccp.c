/* SPDX-License-Identifier: BSD-3-Clause */
/* SCCP decoder tests (ITU-T Q.713): annotated messages built from the
 * spec; every expected value was also checked against tshark 4.0. */
#include <stdint.h>
#include <string.h>

#include "decode/sccp.h"
#include "flow/sccp_reasm.h"
#include "sf_test.h"
#include "sf_wire.h"

/* Called: GTI 4, route on GT, SSN 8, E.164 international, 13 digits (odd) */
#define CALLED_GT_ODD \
	0x0c,				/* called party address length 12 */ \
	0x12,				/* AI: GTI 0100, SSN present, no PC, route on GT */ \
	0x08,				/* SSN 8 (MSC) */ \
	0x00,				/* translation type 0 */ \
	0x11,				/* numbering plan 1 (E.164), encoding scheme 1 (BCD odd) */ \
	0x04,				/* nature of address 4 (international) */ \
	0x68, 0x31, 0x08, 0x10, 0x83, 0x00, 0x00 /* 8613800138000 + filler nibble */
/* Calling: GTI 4, SSN 6, E.164 international, 12 digits (even) */
#define CALLING_GT_EVEN \
	0x0b,				/* calling party address length 11 */ \
	0x12,				/* AI: GTI 0100, SSN present */ \
	0x06,				/* SSN 6 (HLR) */ \
	0x00,				/* translation type 0 */ \
	0x12,				/* numbering plan 1 (E.164), encoding scheme 2 (BCD even) */ \
	0x04,				/* nature of address international */ \
	0x68, 0x31, 0x09, 0x10, 0x93, 0x00 /* 861390013900 */

static const uint8_t udt_gt[] = {
	0x09,				/* Q.713 §4.10 UDT */
	0x80,				/* protocol class 0, return message on error */
	0x03,				/* pointer to called: 2 + 3 = offset 5 */
	0x0f,				/* pointer to calling: 3 + 15 = offset 18 */
	0x1a,				/* pointer to data: 4 + 26 = offset 30 */
	CALLED_GT_ODD,
	CALLING_GT_EVEN,
	0x08,				/* data length 8 */
	0x62, 0x06, 0x48, 0x04, 0x00, 0x00, 0x00, 0x01, /* TCAP Begin, otid 1 */
};

static void test_udt_gt(void)
{
	struct sccp_view v;

	CHECK_INT(sccp_decode(udt_gt, sizeof(udt_gt), &v), SF_OK);
	CHECK_INT(v.type, SF_SCCP_UDT);
	CHECK_INT(v.proto_class, 0);
	CHECK_INT(v.msg_handling, 8);
	CHECK_INT(v.called.gt.gti, 4);
	CHECK_INT(v.called.has_ssn, 1);
	CHECK_INT(v.called.ssn, 8);
	CHECK_INT(v.called.has_pc, 0);
	CHECK_INT(v.called.route_on_ssn, 0);
	CHECK_INT(v.called.gt.tt, 0);
	CHECK_INT(v.called.gt.np, SF_SCCP_NP_E164);
	CHECK_INT(v.called.gt.es, SF_SCCP_ES_BCD_ODD);
	CHECK_INT(v.called.gt.nai, SF_SCCP_NAI_INTERNATIONAL);
	CHECK_INT(v.called.gt.odd, 1);
	CHECK_INT(v.called.gt.n_digits, 13);
	CHECK_STR(v.called.gt.digits, "8613800138000");
	CHECK_INT(v.called.gt.raw.len, 7);
	CHECK(v.called.gt.raw.p == udt_gt + 11);
	CHECK_INT(v.calling.ssn, 6);
	CHECK_INT(v.calling.gt.es, SF_SCCP_ES_BCD_EVEN);
	CHECK_INT(v.calling.gt.odd, 0);
	CHECK_INT(v.calling.gt.n_digits, 12);
	CHECK_STR(v.calling.gt.digits, "861390013900");
	CHECK_INT(v.data.len, 8);
	CHECK(v.data.p == udt_gt + 31);
	CHECK_INT(v.seg.present, 0);
	CHECK_INT(v.has_importance, 0);
}

static const uint8_t udt_pc[] = {
	0x09,				/* UDT */
	0x01,				/* protocol class 1, no special options */
	0x03, 0x07, 0x0b,		/* pointers: offsets 5, 10, 15 */
	0x04,				/* called length 4 */
	0x43,				/* AI: PC + SSN present, GTI 0, route on SSN */
	0x23, 0x01,			/* point code 0x0123 = 291, LSB first */
	0x08,				/* SSN 8 */
	0x04,				/* calling length 4 */
	0x43,				/* AI: PC + SSN, route on SSN */
	0x45, 0x23,			/* point code 0x2345 = 9029 */
	0x07,				/* SSN 7 */
	0x08,				/* data length 8 */
	0x62, 0x06, 0x48, 0x04, 0x00, 0x00, 0x00, 0x01,
};

static void test_udt_route_on_ssn(void)
{
	struct sccp_view v;

	CHECK_INT(sccp_decode(udt_pc, sizeof(udt_pc), &v), SF_OK);
	CHECK_INT(v.proto_class, 1);
	CHECK_INT(v.msg_handling, 0);
	CHECK_INT(v.called.route_on_ssn, 1);
	CHECK_INT(v.called.has_pc, 1);
	CHECK_INT(v.called.pc, 291);
	CHECK_INT(v.called.ssn, 8);
	CHECK_INT(v.called.gt.gti, 0);
	CHECK_STR(v.called.gt.digits, "");
	CHECK_INT(v.calling.pc, 9029);
	CHECK_INT(v.calling.ssn, 7);
	CHECK_INT(v.data.len, 8);
}

/* XUDT segments of one message: local reference 0x123456 */
static const uint8_t xudt_first[] = {
	0x11,				/* Q.713 §4.18 XUDT */
	0x81,				/* class 1, return on error */
	0x0f,				/* hop counter 15 */
	0x04, 0x10, 0x1b,		/* pointers: called 7, calling 20, data 32 */
	0x20,				/* pointer to optional part: 6 + 32 = 38 */
	CALLED_GT_ODD,
	CALLING_GT_EVEN,
	0x05, 0x01, 0x02, 0x03, 0x04, 0x05, /* data, 5 octets */
	0x10, 0x04,			/* §3.17 segmentation, length 4 */
	0xc2,				/* F=1, C=1 (class 1), remaining 2 */
	0x56, 0x34, 0x12,		/* local reference 0x123456, LSB first */
	0x12, 0x01, 0x03,		/* §3.19 importance 3 */
	0x00,				/* end of optional parameters */
};

static void test_xudt_first(void)
{
	struct sccp_view v;

	CHECK_INT(sccp_decode(xudt_first, sizeof(xudt_first), &v), SF_OK);
	CHECK_INT(v.type, SF_SCCP_XUDT);
	CHECK_INT(v.proto_class, 1);
	CHECK_INT(v.hop_counter, 15);
	CHECK_STR(v.called.gt.digits, "8613800138000");
	CHECK_STR(v.calling.gt.digits, "861390013900");
	CHECK_INT(v.data.len, 5);
	CHECK_INT(v.data.p[0], 1);
	CHECK_INT(v.seg.present, 1);
	CHECK_INT(v.seg.first, 1);
	CHECK_INT(v.seg.seq_class, 1);
	CHECK_INT(v.seg.remaining, 2);
	CHECK_INT(v.seg.local_ref, 0x123456);
	CHECK_INT(v.has_importance, 1);
	CHECK_INT(v.importance, 3);
}

static const uint8_t xudt_mid[] = {
	0x11, 0x81, 0x0f,		/* XUDT, class 1, hop counter 15 */
	0x04, 0x10, 0x1b, 0x1e,		/* pointers: 7, 20, 32, optional at 36 */
	CALLED_GT_ODD,
	CALLING_GT_EVEN,
	0x03, 0x06, 0x07, 0x08,		/* data, 3 octets */
	0x10, 0x04, 0x41, 0x56, 0x34, 0x12, /* segmentation: F=0, C=1, remaining 1 */
	0x00,
};

static const uint8_t xudt_last[] = {
	0x11, 0x81, 0x0f,
	0x04, 0x10, 0x1b, 0x1d,		/* optional at 6 + 29 = 35 */
	CALLED_GT_ODD,
	CALLING_GT_EVEN,
	0x02, 0x09, 0x0a,		/* data, 2 octets */
	0x10, 0x04, 0x40, 0x56, 0x34, 0x12, /* segmentation: F=0, C=1, remaining 0 */
	0x00,
};

static void test_xudt_middle_last(void)
{
	struct sccp_view v;

	CHECK_INT(sccp_decode(xudt_mid, sizeof(xudt_mid), &v), SF_OK);
	CHECK_INT(v.seg.present, 1);
	CHECK_INT(v.seg.first, 0);
	CHECK_INT(v.seg.remaining, 1);
	CHECK_INT(v.seg.local_ref, 0x123456);
	CHECK_INT(v.has_importance, 0);
	CHECK_INT(v.data.len, 3);
	CHECK_INT(sccp_decode(xudt_last, sizeof(xudt_last), &v), SF_OK);
	CHECK_INT(v.seg.first, 0);
	CHECK_INT(v.seg.remaining, 0);
	CHECK_INT(v.data.len, 2);
	CHECK_INT(v.data.p[1], 0x0a);
}

/* The three decoded segments reassemble into one message (Q.714 §4.1.1.2) */
static void test_xudt_reassembly(void)
{
	static const uint8_t whole[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	const uint8_t *segs[3] = { xudt_first, xudt_mid, xudt_last };
	const size_t lens[3] = { sizeof(xudt_first), sizeof(xudt_mid), sizeof(xudt_last) };
	struct sccp_reasm *r = sccp_reasm_create(8, 1024);
	struct sccp_view v;
	struct sf_bytes out = { NULL, 0 };
	uint64_t key = 0;

	CHECK(r != NULL);
	for (int i = 0; i < 3; i++) {
		CHECK_INT(sccp_decode(segs[i], lens[i], &v), SF_OK);
		if (i == 0)
			key = sccp_reasm_key(0x1234, &v.calling);
		/* the same caller gives the same key; the called side does not count */
		CHECK(sccp_reasm_key(0x1234, &v.calling) == key);
		CHECK(sccp_reasm_key(0x1235, &v.calling) != key);
		CHECK(sccp_reasm_key(0x1234, &v.called) != key);
		CHECK_INT(sccp_reasm_add(r, key, &v, (uint64_t)i, &out), SF_OK);
		CHECK((out.p != NULL) == (i == 2));
	}
	CHECK_INT(out.len, sizeof(whole));
	CHECK_MEM(out.p, whole, sizeof(whole));
	sccp_reasm_destroy(r);
}

static void test_ludt(void)
{
	uint8_t m[11 + 3 + 3 + 2 + 300];
	static const uint8_t head[] = {
		0x13,			/* Q.713 §4.20 LUDT */
		0x81,			/* class 1, return on error */
		0x0a,			/* hop counter 10 */
		0x07, 0x00,		/* called: 4 + 7 = offset 11 (2-octet pointers, LSB first) */
		0x08, 0x00,		/* calling: 6 + 8 = 14 */
		0x09, 0x00,		/* long data: 8 + 9 = 17 */
		0x00, 0x00,		/* no optional part */
		0x02, 0x42, 0x08,	/* called: AI route on SSN, SSN 8 */
		0x02, 0x42, 0x07,	/* calling: SSN 7 */
		0x2c, 0x01,		/* long data length 300, LSB first */
	};
	struct sccp_view v;

	memcpy(m, head, sizeof(head));
	for (size_t i = 0; i < 300; i++)
		m[sizeof(head) + i] = (uint8_t)i;
	CHECK_INT(sccp_decode(m, sizeof(m), &v), SF_OK);
	CHECK_INT(v.type, SF_SCCP_LUDT);
	CHECK_INT(v.hop_counter, 10);
	CHECK_INT(v.called.ssn, 8);
	CHECK_INT(v.called.route_on_ssn, 1);
	CHECK_INT(v.calling.ssn, 7);
	CHECK_INT(v.data.len, 300);
	CHECK(v.data.p == m + 19);
	CHECK_INT(v.seg.present, 0);
	/* one octet short of the long data */
	CHECK_INT(sccp_decode(m, sizeof(m) - 1, &v), SF_E_SCCP_PARAM_OVERRUN);
}

static void test_udts_xudts(void)
{
	static const uint8_t udts[] = {
		0x0a,			/* Q.713 §4.11 UDTS */
		0x01,			/* return cause 1: no translation for this specific address */
		0x03, 0x05, 0x07,	/* pointers: 5, 8, 11 */
		0x02, 0x42, 0x08,	/* called: SSN 8 */
		0x02, 0x42, 0x07,	/* calling: SSN 7 */
		0x01, 0xaa,		/* data */
	};
	static const uint8_t xudts[] = {
		0x12,			/* Q.713 §4.19 XUDTS */
		0x03,			/* return cause 3: subsystem congestion */
		0x05,			/* hop counter */
		0x04, 0x06, 0x08, 0x00,	/* pointers: 7, 10, 13, no optional part */
		0x02, 0x42, 0x08,
		0x02, 0x42, 0x07,
		0x01, 0xbb,
	};
	struct sccp_view v;

	CHECK_INT(sccp_decode(udts, sizeof(udts), &v), SF_OK);
	CHECK_INT(v.type, SF_SCCP_UDTS);
	CHECK_INT(v.return_cause, 1);
	CHECK_INT(v.proto_class, 0);
	CHECK_INT(v.data.len, 1);
	CHECK_INT(v.data.p[0], 0xaa);
	CHECK_INT(sccp_decode(xudts, sizeof(xudts), &v), SF_OK);
	CHECK_INT(v.type, SF_SCCP_XUDTS);
	CHECK_INT(v.return_cause, 3);
	CHECK_INT(v.hop_counter, 5);
	CHECK_INT(v.data.p[0], 0xbb);
}

/* GT indicators 1, 2 and 3 and the signals above 9, rendered as tshark does */
static void test_gt_forms(void)
{
	static const uint8_t gti1[] = {
		0x06,			/* AI: GTI 0001, SSN present */
		0x08,			/* SSN 8 */
		0x84,			/* odd/even 1 (odd), NAI 4 */
		0x21, 0x03,		/* 123 + filler */
	};
	static const uint8_t gti1_even[] = { 0x06, 0x08, 0x04, 0x21, 0xe3 };
	static const uint8_t gti2[] = {
		0x0a,			/* AI: GTI 0010 (translation type only), SSN */
		0x07,			/* SSN 7 */
		0x05,			/* TT 5 */
		0xb1, 0xc2,		/* signals 1 B 2 C: no O/E, every nibble counts */
	};
	static const uint8_t gti3[] = {
		0x0e,			/* AI: GTI 0011, SSN */
		0x08, 0x00,		/* SSN 8, TT 0 */
		0x12,			/* NP 1, ES 2 (even) */
		0xa1, 0xd2, 0xe3, 0xf4,	/* 1 A 2 D 3 E 4 F */
	};
	static const uint8_t gti3_es0[] = {
		0x0e, 0x08, 0x00,
		0x10,			/* NP 1, ES 0 (unknown): odd, as Wireshark */
		0x21, 0x43,		/* 123, last nibble dropped */
	};
	struct sccp_addr a;

	CHECK_INT(sccp_addr_decode(gti1, sizeof(gti1), &a), SF_OK);
	CHECK_INT(a.gt.gti, 1);
	CHECK_INT(a.gt.odd, 1);
	CHECK_INT(a.gt.nai, 4);
	CHECK_STR(a.gt.digits, "123");
	CHECK_INT(a.gt.n_digits, 3);
	CHECK_INT(sccp_addr_decode(gti1_even, sizeof(gti1_even), &a), SF_OK);
	CHECK_STR(a.gt.digits, "123(spare)");
	CHECK_INT(a.gt.n_digits, 4);
	CHECK_INT(sccp_addr_decode(gti2, sizeof(gti2), &a), SF_OK);
	CHECK_INT(a.gt.gti, 2);
	CHECK_INT(a.gt.tt, 5);
	CHECK_STR(a.gt.digits, "111212");
	CHECK_INT(a.gt.n_digits, 4);
	CHECK_INT(sccp_addr_decode(gti3, sizeof(gti3), &a), SF_OK);
	CHECK_INT(a.gt.gti, 3);
	CHECK_INT(a.gt.np, 1);
	CHECK_INT(a.gt.es, 2);
	CHECK_STR(a.gt.digits, "1(spare)2(spare)3(spare)4ST");
	CHECK_INT(a.gt.n_digits, 8);
	CHECK_INT(sccp_addr_decode(gti3_es0, sizeof(gti3_es0), &a), SF_OK);
	CHECK_STR(a.gt.digits, "123");
}

/* SCCP_DIGITS_LATER leaves the GT signals for later; rendered then, they
 * are what a decode renders at once: digits, their count and the
 * truncation flag, for a message and for random GTs of every form and
 * length (spares, ST, 11/12 and GTs too long for SF_DIGITS_MAX). */
static void test_digits_later(void)
{
	struct sccp_view now, later;
	char d[SF_DIGITS_MAX + 1];
	uint64_t x = 0x2545F4914F6CDD1Dull;
	unsigned wrong = 0;
	uint8_t t;

	/* the octets after a terminator are left as they were: the same in both */
	memset(&now, 0xA5, sizeof(now));
	memset(&later, 0xA5, sizeof(later));
	CHECK_INT(sccp_decode(udt_gt, sizeof(udt_gt), &now), SF_OK);
	CHECK_INT(sccp_decode_ex(udt_gt, sizeof(udt_gt), &later, SCCP_DIGITS_LATER), SF_OK);
	CHECK_INT(later.called.gt.rendered, 0);
	CHECK_STR(later.called.gt.digits, "");
	CHECK_INT(later.called.gt.n_digits, 0);
	CHECK_INT(sccp_gt_render(&later.called.gt, d, &t), 13);
	CHECK_STR(d, "8613800138000");
	CHECK_INT(t, 0);
	sccp_gt_fill(&later.called.gt);
	sccp_gt_fill(&later.calling.gt);
	CHECK(memcmp(&now, &later, sizeof(now)) == 0);
	for (int n = 0; n < 4000; n++) {
		uint8_t a[48];
		size_t len;
		struct sccp_addr full;
		struct sccp_gt g;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		a[0] = (uint8_t)((1 + x % 4) << 2);	/* GTI 1-4, no PC, no SSN */
		len = 1 + 3 + (x >> 8) % 40;
		for (size_t k = 1; k < len; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* mostly decimal signals, some of every other nibble */
			a[k] = (x & 7) ? (uint8_t)((x >> 8) % 10 | ((x >> 16) % 10) << 4) : (uint8_t)(x >> 24);
		}
		if (sccp_addr_decode(a, len, &full) != SF_OK) {
			wrong++;
			continue;
		}
		g = full.gt;
		memset(g.digits, 0x55, sizeof(g.digits));
		if (sccp_gt_render(&g, d, &t) != full.gt.n_digits || strcmp(d, full.gt.digits) ||
		    t != full.gt.truncated || !full.gt.rendered)
			wrong++;
	}
	CHECK_INT(wrong, 0);
}

static void test_addr_errors(void)
{
	static const uint8_t pc_short[] = { 0x43, 0x23 };	/* PC needs 2 octets */
	static const uint8_t ssn_short[] = { 0x42 };		/* SSN missing */
	static const uint8_t gt4_short[] = { 0x12, 0x08, 0x00, 0x11 };	/* NAI missing */
	static const uint8_t gti5[] = { 0x16, 0x08, 0x00 };	/* GTI 0101: spare */
	static const uint8_t gti15[] = { 0x3e, 0x08 };		/* GTI 1111: reserved */
	uint8_t long_gt[5 + 21];
	struct sccp_addr a;

	CHECK_INT(sccp_addr_decode(pc_short, 0, &a), SF_E_SCCP_ADDR_EMPTY);
	CHECK_INT(sccp_addr_decode(pc_short, sizeof(pc_short), &a), SF_E_SCCP_ADDR_SHORT);
	CHECK_INT(sccp_addr_decode(ssn_short, sizeof(ssn_short), &a), SF_E_SCCP_ADDR_SHORT);
	CHECK_INT(sccp_addr_decode(gt4_short, sizeof(gt4_short), &a), SF_E_SCCP_ADDR_SHORT);
	CHECK_INT(sccp_addr_decode(gti5, sizeof(gti5), &a), SF_E_SCCP_GTI_RESERVED);
	CHECK_INT(sccp_addr_decode(gti15, sizeof(gti15), &a), SF_E_SCCP_GTI_RESERVED);
	/* 42 signals: the first 40 (SF_DIGITS_MAX) are kept, truncated set */
	memcpy(long_gt, (const uint8_t[]){ 0x12, 0x08, 0x00, 0x12, 0x04 }, 5);
	memset(long_gt + 5, 0x21, 21);
	CHECK_INT(sccp_addr_decode(long_gt, sizeof(long_gt), &a), SF_OK);
	CHECK_INT(a.gt.truncated, 1);
	CHECK_INT(a.gt.n_digits, 40);
	CHECK_STR(a.gt.digits, "1212121212121212121212121212121212121212");
	CHECK_INT(a.gt.raw.len, 21);
	/* 40 signals fit exactly */
	CHECK_INT(sccp_addr_decode(long_gt, sizeof(long_gt) - 1, &a), SF_OK);
	CHECK_INT(a.gt.truncated, 0);
	CHECK_INT(a.gt.n_digits, 40);
	CHECK_INT(strlen(a.gt.digits), 40);
	/* "(spare)" is 7 characters: 5 of them fill 35, the 6th does not fit */
	memset(long_gt + 5, 0xaa, 20);
	CHECK_INT(sccp_addr_decode(long_gt, 5 + 20, &a), SF_OK);
	CHECK_INT(a.gt.truncated, 1);
	CHECK_INT(a.gt.n_digits, 5);
	CHECK_INT(strlen(a.gt.digits), 35);
}

static void test_malformed(void)
{
	uint8_t m[64];
	struct sccp_view v;

	/* every truncation of a valid UDT is refused with a named error */
	for (size_t n = 0; n < sizeof(udt_gt); n++) {
		enum sf_err e = sccp_decode(udt_gt, n, &v);

		CHECK(e < 0);
	}
	CHECK_INT(sccp_decode(udt_gt, 0, &v), SF_E_TRUNCATED);
	CHECK_INT(sccp_decode(udt_gt, 4, &v), SF_E_TRUNCATED);
	CHECK_INT(sccp_decode(udt_gt, 5, &v), SF_E_SCCP_PARAM_OVERRUN);
	CHECK_INT(sccp_decode(udt_gt, sizeof(udt_gt) - 1, &v), SF_E_SCCP_PARAM_OVERRUN);

	/* Q.713 §4.2 CR, a connection-oriented message */
	m[0] = 0x01;
	CHECK_INT(sccp_decode(m, 1, &v), SF_E_SCCP_UNSUPPORTED_TYPE);
	CHECK_STR(sf_err_name(SF_E_SCCP_UNSUPPORTED_TYPE), "sccp.unsupported_type");

	memcpy(m, udt_gt, sizeof(udt_gt));
	m[1] = 0x82;			/* protocol class 2 in a UDT */
	CHECK_INT(sccp_decode(m, sizeof(udt_gt), &v), SF_E_SCCP_BAD_PROTOCOL_CLASS);

	memcpy(m, udt_gt, sizeof(udt_gt));
	m[3] = 0x00;			/* calling pointer 0 */
	CHECK_INT(sccp_decode(m, sizeof(udt_gt), &v), SF_E_SCCP_POINTER_INVALID);
	m[3] = 0x01;			/* calling pointer into the pointer area */
	CHECK_INT(sccp_decode(m, sizeof(udt_gt), &v), SF_E_SCCP_POINTER_INVALID);
	m[3] = 0xff;			/* calling pointer past the end */
	CHECK_INT(sccp_decode(m, sizeof(udt_gt), &v), SF_E_SCCP_PARAM_OVERRUN);

	memcpy(m, udt_gt, sizeof(udt_gt));
	m[5] = 0x00;			/* empty called party address */
	CHECK_INT(sccp_decode(m, sizeof(udt_gt), &v), SF_E_SCCP_ADDR_EMPTY);

	memcpy(m, xudt_first, sizeof(xudt_first));
	m[39] = 0x03;			/* segmentation length 3 */
	CHECK_INT(sccp_decode(m, sizeof(xudt_first), &v), SF_E_SCCP_SEGMENTATION_LEN);
	memcpy(m, xudt_first, sizeof(xudt_first));
	m[45] = 0x02;			/* importance length 2 */
	CHECK_INT(sccp_decode(m, sizeof(xudt_first), &v), SF_E_SCCP_IMPORTANCE_LEN);
	memcpy(m, xudt_first, sizeof(xudt_first));
	m[39] = 0x30;			/* segmentation length runs past the end */
	CHECK_INT(sccp_decode(m, sizeof(xudt_first), &v), SF_E_SCCP_OPT_OVERRUN);
	memcpy(m, xudt_first, sizeof(xudt_first));
	m[6] = 0x40;			/* optional pointer past the end */
	CHECK_INT(sccp_decode(m, sizeof(xudt_first), &v), SF_E_SCCP_OPT_OVERRUN);
	/* optional part ending with the message (no end octet) is tolerated */
	CHECK_INT(sccp_decode(xudt_first, sizeof(xudt_first) - 1, &v), SF_OK);
	CHECK_INT(v.importance, 3);
	/* unknown optional parameters are skipped */
	memcpy(m, xudt_first, sizeof(xudt_first));
	m[44] = 0x0f;			/* importance renamed to 0x0f (data as optional) */
	CHECK_INT(sccp_decode(m, sizeof(xudt_first), &v), SF_OK);
	CHECK_INT(v.has_importance, 0);
	CHECK_INT(v.seg.remaining, 2);
}

int main(void)
{
	RUN(test_udt_gt);
	RUN(test_udt_route_on_ssn);
	RUN(test_xudt_first);
	RUN(test_xudt_middle_last);
	RUN(test_xudt_reassembly);
	RUN(test_ludt);
	RUN(test_udts_xudts);
	RUN(test_gt_forms);
	RUN(test_digits_later);
	RUN(test_addr_errors);
	RUN(test_malformed);
	return TEST_SUMMARY();
}
