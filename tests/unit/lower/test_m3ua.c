/* SPDX-License-Identifier: BSD-3-Clause */
/* M3UA decoding against RFC 4666 §3 layouts (each message also decoded by
 * tshark to the same fields) and the named error of each malformed case. */
#include "decode/m3ua.h"
#include "sf_test.h"

static const uint8_t data_rc[] = {
	0x01, 0x00, 0x01, 0x01,	/* version 1, reserved, XFER, DATA */
	0x00, 0x00, 0x00, 0x30,	/* message length 48 */
	0x00, 0x06, 0x00, 0x08,	/* Routing Context, length 8 */
	0x00, 0x00, 0x00, 0x65,	/* RC 101 */
	0x02, 0x10, 0x00, 0x1f,	/* Protocol Data, length 31 (padding excluded) */
	0x00, 0x00, 0x08, 0x17,	/* OPC 2071 */
	0x00, 0x00, 0x07, 0xa9,	/* DPC 1961 */
	0x03, 0x02, 0x00, 0x05,	/* SI 3 (SCCP), NI 2, MP 0, SLS 5 */
	0x09, 0x80, 0x03, 0x05, 0x07, 0x02, 0x42, 0x08, /* SCCP UDT (15 bytes) */
	0x02, 0x42, 0x08, 0x03, 0xaa, 0xbb, 0xcc,
	0x00,			/* padding */
};

/* No Routing Context, a Network Appearance, 24-bit point codes. */
static const uint8_t data_na_pc24[] = {
	0x01, 0x00, 0x01, 0x01,
	0x00, 0x00, 0x00, 0x24,	/* message length 36 */
	0x02, 0x00, 0x00, 0x08,	/* Network Appearance, length 8 */
	0x00, 0x00, 0x00, 0x06,	/* NA 6 */
	0x02, 0x10, 0x00, 0x14,	/* Protocol Data, length 20 */
	0x00, 0x13, 0xf4, 0x2a,	/* OPC 1307690 (24-bit) */
	0x00, 0x13, 0xf7, 0x6c,	/* DPC 1308524 */
	0x0e, 0x02, 0x00, 0x05,	/* SI 14, NI 2, MP 0, SLS 5 */
	0xde, 0xad, 0xbe, 0xef,	/* user part */
};

static void data_with_rc(void)
{
	struct m3ua_view v;

	CHECK_INT(m3ua_decode(data_rc, sizeof data_rc, &v), SF_OK);
	CHECK_INT(v.version, 1);
	CHECK_INT(v.msg_class, SF_M3UA_CLASS_XFER);
	CHECK_INT(v.msg_type, SF_M3UA_XFER_DATA);
	CHECK_INT(v.msg_len, 48);
	CHECK_INT(v.has_rc, 1);
	CHECK_INT(v.rc, 101);
	CHECK_INT(v.has_na, 0);
	CHECK_INT(v.has_pd, 1);
	CHECK_INT(v.opc, 2071);
	CHECK_INT(v.dpc, 1961);
	CHECK_INT(v.si, SF_MTP3_SI_SCCP);
	CHECK_INT(v.ni, 2);
	CHECK_INT(v.mp, 0);
	CHECK_INT(v.sls, 5);
	CHECK_INT(v.user_data.len, 15);
	CHECK(v.user_data.p == data_rc + 32);
	CHECK_INT(v.user_data.p[14], 0xcc);
	CHECK_INT(v.params.len, 40);
}

static void data_without_rc(void)
{
	struct m3ua_view v;
	struct m3ua_param_iter it;
	struct m3ua_param prm;

	CHECK_INT(m3ua_decode(data_na_pc24, sizeof data_na_pc24, &v), SF_OK);
	CHECK_INT(v.has_rc, 0);
	CHECK_INT(v.has_na, 1);
	CHECK_INT(v.na, 6);
	CHECK_INT(v.opc, 1307690);
	CHECK_INT(v.dpc, 1308524);
	CHECK_INT(v.si, 14);
	CHECK_INT(v.sls, 5);
	CHECK_INT(v.user_data.len, 4);
	m3ua_param_iter_init(&it, &v);
	CHECK_INT(m3ua_param_next(&it, &prm), 1);
	CHECK_INT(prm.tag, SF_M3UA_TAG_NETWORK_APPEARANCE);
	CHECK_INT(prm.len, 8);
	CHECK_INT(m3ua_param_next(&it, &prm), 1);
	CHECK_INT(prm.tag, SF_M3UA_TAG_PROTOCOL_DATA);
	CHECK_INT(prm.value.len, 16);
	CHECK_INT(m3ua_param_next(&it, &prm), 0);
}

static void management_messages(void)
{
	static const uint8_t beat_ack[] = {
		0x01, 0x00, 0x03, 0x06,	/* ASPSM BEAT_ACK */
		0x00, 0x00, 0x00, 0x08,	/* length 8, no parameters */
	};
	static const uint8_t beat[] = {
		0x01, 0x00, 0x03, 0x03,	/* ASPSM BEAT */
		0x00, 0x00, 0x00, 0x10,
		0x00, 0x09, 0x00, 0x07,	/* Heartbeat Data, length 7 */
		0x61, 0x62, 0x63, 0x00,	/* "abc", padding */
	};
	static const uint8_t daud[] = {
		0x01, 0x00, 0x02, 0x03,	/* SSNM DAUD */
		0x00, 0x00, 0x00, 0x1c,
		0x00, 0x06, 0x00, 0x0c,	/* Routing Context list of 2 */
		0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x08,
		0x00, 0x12, 0x00, 0x08,	/* Affected Point Code */
		0x00, 0x13, 0xf4, 0x2a,	/* mask 0, PC 1307690 */
	};
	static const uint8_t ntfy[] = {
		0x01, 0x00, 0x00, 0x01,	/* MGMT NTFY */
		0x00, 0x00, 0x00, 0x10,
		0x00, 0x0d, 0x00, 0x08,	/* Status: type 1 (AS state change), info 3 (AS-ACTIVE) */
		0x00, 0x01, 0x00, 0x03,
	};
	struct m3ua_view v;
	struct m3ua_param_iter it;
	struct m3ua_param prm;

	CHECK_INT(m3ua_decode(beat_ack, sizeof beat_ack, &v), SF_OK);
	CHECK_INT(v.msg_class, SF_M3UA_CLASS_ASPSM);
	CHECK_INT(v.msg_type, SF_M3UA_ASPSM_BEAT_ACK);
	CHECK_INT(v.has_pd, 0);
	CHECK_INT(v.params.len, 0);

	CHECK_INT(m3ua_decode(beat, sizeof beat, &v), SF_OK);
	CHECK_INT(v.msg_type, SF_M3UA_ASPSM_BEAT);
	m3ua_param_iter_init(&it, &v);
	CHECK_INT(m3ua_param_next(&it, &prm), 1);
	CHECK_INT(prm.tag, 0x0009);
	CHECK_INT(prm.len, 7);
	CHECK_INT(prm.value.len, 3);
	CHECK_INT(prm.value.p[2], 'c');
	CHECK_INT(m3ua_param_next(&it, &prm), 0);

	CHECK_INT(m3ua_decode(daud, sizeof daud, &v), SF_OK);
	CHECK_INT(v.msg_class, SF_M3UA_CLASS_SSNM);
	CHECK_INT(v.has_rc, 1);
	CHECK_INT(v.rc, 7);		/* the first of the list */
	CHECK_INT(v.has_pd, 0);

	CHECK_INT(m3ua_decode(ntfy, sizeof ntfy, &v), SF_OK);
	CHECK_INT(v.msg_class, SF_M3UA_CLASS_MGMT);
	CHECK_INT(v.msg_type, 1);
}

static void header_errors(void)
{
	uint8_t m[sizeof data_rc];
	struct m3ua_view v;

	memcpy(m, data_rc, sizeof m);
	CHECK_INT(m3ua_decode(m, 7, &v), SF_E_TRUNCATED);
	m[0] = 2;
	CHECK_INT(m3ua_decode(m, sizeof m, &v), SF_E_M3UA_BAD_VERSION);
	CHECK_INT(v.version, 2);
	m[0] = 1;
	/* message length beyond the bytes there */
	CHECK_INT(m3ua_decode(m, sizeof m - 1, &v), SF_E_TRUNCATED);
	m[7] = 4;			/* shorter than the header */
	CHECK_INT(m3ua_decode(m, sizeof m, &v), SF_E_M3UA_MSG_LEN_INVALID);
	m[7] = 0x30;
	m[2] = 5;			/* class 5: another adaptation layer */
	CHECK_INT(m3ua_decode(m, sizeof m, &v), SF_E_M3UA_BAD_CLASS);
	m[2] = 1;
	m[3] = 2;			/* XFER type 2 does not exist */
	CHECK_INT(m3ua_decode(m, sizeof m, &v), SF_E_M3UA_BAD_TYPE);
	m[3] = 1;
	m[7] = 0x2c;			/* 4 bytes past the length: not padding */
	CHECK_INT(m3ua_decode(m, sizeof m, &v), SF_E_M3UA_MSG_LEN_INVALID);
	/* a sender that leaves the last padding out of the message length */
	m[7] = 0x2f;
	CHECK_INT(m3ua_decode(m, sizeof m, &v), SF_OK);
	CHECK_INT(v.user_data.len, 15);
	CHECK_INT(m3ua_decode(m, sizeof m - 1, &v), SF_OK);
	CHECK_INT(v.user_data.len, 15);
}

static void param_errors(void)
{
	uint8_t m[sizeof data_rc];
	struct m3ua_view v;

	/* parameter length overflow: RC claims 0x100 bytes */
	memcpy(m, data_rc, sizeof m);
	m[10] = 0x01;
	CHECK_INT(m3ua_decode(m, sizeof m, &v), SF_E_M3UA_PARAM_LEN_INVALID);
	/* parameter length below its own header */
	memcpy(m, data_rc, sizeof m);
	m[11] = 0x02;
	CHECK_INT(m3ua_decode(m, sizeof m, &v), SF_E_M3UA_PARAM_LEN_INVALID);
	/* Protocol Data length 0xffff */
	memcpy(m, data_rc, sizeof m);
	m[18] = 0xff;
	m[19] = 0xff;
	CHECK_INT(m3ua_decode(m, sizeof m, &v), SF_E_M3UA_PARAM_LEN_INVALID);
	/* Protocol Data one byte past the message */
	memcpy(m, data_rc, sizeof m);
	m[19] = 0x21;
	CHECK_INT(m3ua_decode(m, sizeof m, &v), SF_E_M3UA_PARAM_LEN_INVALID);
	/* Protocol Data of 29 bytes in a 30-byte rest: its padding can't
	 * fit, and it does not end the message either */
	memcpy(m, data_rc, sizeof m);
	m[19] = 0x1d;
	m[7] = 0x2e;
	CHECK_INT(m3ua_decode(m, sizeof m, &v), SF_E_M3UA_PARAM_LEN_INVALID);
	/* RC in DATA carries exactly one value */
	memcpy(m, data_rc, sizeof m);
	m[11] = 0x0c;			/* RC length 12 eats the PD header */
	CHECK_INT(m3ua_decode(m, sizeof m, &v), SF_E_M3UA_RC_LEN_INVALID);
	/* the RC tag twice */
	memcpy(m, data_rc, sizeof m);
	m[16] = 0x00;
	m[17] = 0x06;
	m[19] = 0x08;			/* 2nd parameter: RC, length 8 */
	CHECK_INT(m3ua_decode(m, sizeof m, &v), SF_E_M3UA_PARAM_DUPLICATE);
	/* DATA without Protocol Data */
	memcpy(m, data_rc, sizeof m);
	m[7] = 0x10;
	CHECK_INT(m3ua_decode(m, 16, &v), SF_E_M3UA_NO_PROTOCOL_DATA);
	/* Protocol Data shorter than OPC..SLS */
	memcpy(m, data_rc, sizeof m);
	m[19] = 0x0f;			/* 11 bytes of value */
	m[7] = 0x20;
	CHECK_INT(m3ua_decode(m, 32, &v), SF_E_M3UA_PD_LEN_INVALID);
	/* Network Appearance of 2 bytes */
	memcpy(m, data_na_pc24, sizeof data_na_pc24);
	m[11] = 0x06;
	CHECK_INT(m3ua_decode(m, sizeof data_na_pc24, &v), SF_E_M3UA_NA_LEN_INVALID);
}

int main(void)
{
	RUN(data_with_rc);
	RUN(data_without_rc);
	RUN(management_messages);
	RUN(header_errors);
	RUN(param_errors);
	return TEST_SUMMARY();
}
