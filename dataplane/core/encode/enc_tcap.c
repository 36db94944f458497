/* SPDX-License-Identifier: BSD-3-Clause */
/* TCAP message encoder (ITU-T Q.773 §4.2 transaction and component
 * portions, §4.2.3 dialogue portion with AARQ/AARE): the inverse of
 * decode/tcap.c. Transaction ids are always 4 octets. */
#include "encode/enc.h"

/* Q.773 §4.2.3: dialogue-as-id OBJECT IDENTIFIER {itu-t recommendation q
 * 773 as(1) dialogue-as(1) version1(1)} = 0.0.17.773.1.1.1 */
static const uint8_t dialogue_as_id[] = { 0x00, 0x11, 0x86, 0x05, 0x01, 0x01, 0x01 };
/* protocol-version [0] IMPLICIT BIT STRING { version1 (0) }: 7 unused bits, bit 0 set */
static const uint8_t proto_version[] = { 0x07, 0x80 };

static void put_tid(struct gbuf *b, uint8_t tag, uint32_t tid)
{
	uint8_t v[4];

	sf_wr32(v, tid);
	ber_put(b, tag, v, 4);	/* Q.773 §4.2.1: OCTET STRING (SIZE (1..4)) */
}

static void put_ac_name(struct gbuf *b, uint8_t ac, uint8_t version)
{
	/* TS 29.002 §17.3.3: map-ac <ac> <version> = 0.4.0.0.1.0.<ac>.<version> */
	const uint8_t oid[] = { 0x04, 0x00, 0x00, 0x01, 0x00, ac, version };
	size_t s = ber_open(b, SF_TCAP_DLG_AC_NAME);

	ber_put(b, SF_BER_OID, oid, sizeof(oid));
	ber_close(b, s);
}

static void put_dialogue(struct gbuf *b, const struct tcap_hdr *h)
{
	size_t dp = ber_open(b, SF_TCAP_DIALOGUE_PORTION);
	size_t ext = ber_open(b, SF_BER_EXTERNAL);	/* X.690 EXTERNAL, Q.773 §4.2.3 */
	size_t single, pdu;

	ber_put(b, SF_BER_OID, dialogue_as_id, sizeof(dialogue_as_id));
	single = ber_open(b, 0xA0);	/* single-ASN1-type [0] */
	if (h->dlg == TCAP_DLG_AARQ) {
		pdu = ber_open(b, SF_TCAP_DLG_AARQ);	/* AARQ-apdu [APPLICATION 0] */
		ber_put(b, 0x80, proto_version, sizeof(proto_version));
		put_ac_name(b, h->ac, h->ac_version);
	} else {
		size_t r, d, u;

		pdu = ber_open(b, SF_TCAP_DLG_AARE);	/* AARE-apdu [APPLICATION 1] */
		ber_put(b, 0x80, proto_version, sizeof(proto_version));
		put_ac_name(b, h->ac, h->ac_version);
		r = ber_open(b, 0xA2);		/* result [2] Associate-result: accepted (0) */
		ber_put_int(b, SF_BER_INTEGER, 0);
		ber_close(b, r);
		d = ber_open(b, 0xA3);		/* result-source-diagnostic [3] */
		u = ber_open(b, 0xA1);		/* dialogue-service-user [1]: null (0) */
		ber_put_int(b, SF_BER_INTEGER, 0);
		ber_close(b, u);
		ber_close(b, d);
	}
	ber_close(b, pdu);
	ber_close(b, single);
	ber_close(b, ext);
	ber_close(b, dp);
}

void tcap_encode(struct gbuf *b, const struct tcap_hdr *h,
		 const uint8_t *comps, size_t comps_len)
{
	size_t m = ber_open(b, h->type);	/* Q.773 §4.2.1: [APPLICATION 2/4/5] */

	if (h->has_otid)
		put_tid(b, SF_TCAP_OTID, h->otid);
	if (h->has_dtid)
		put_tid(b, SF_TCAP_DTID, h->dtid);
	if (h->dlg != TCAP_DLG_NONE)
		put_dialogue(b, h);
	if (comps_len)
		ber_put(b, SF_TCAP_COMPONENT_PORTION, comps, comps_len);
	ber_close(b, m);
}

void tcap_invoke(struct gbuf *b, int invoke_id, int opcode,
		 const uint8_t *arg, size_t n)
{
	size_t c = ber_open(b, SF_TCAP_INVOKE);	/* Q.773 §4.2.2: invoke [1] */

	ber_put_int(b, SF_TCAP_INVOKE_ID, invoke_id);
	ber_put_int(b, SF_TCAP_LOCAL_OPCODE, opcode);	/* localValue INTEGER */
	gb_put(b, arg, n);				/* argument: already a TLV */
	ber_close(b, c);
}

void tcap_result_last(struct gbuf *b, int invoke_id, int opcode,
		      const uint8_t *res, size_t n)
{
	size_t c = ber_open(b, SF_TCAP_RETURN_RESULT_LAST);	/* returnResultLast [2] */

	ber_put_int(b, SF_TCAP_INVOKE_ID, invoke_id);
	if (res) {
		/* result SEQUENCE { operationCode, result } */
		size_t s = ber_open(b, SF_BER_SEQUENCE);

		ber_put_int(b, SF_TCAP_LOCAL_OPCODE, opcode);
		gb_put(b, res, n);
		ber_close(b, s);
	}
	ber_close(b, c);
}

void tcap_return_error(struct gbuf *b, int invoke_id, int errcode,
		       const uint8_t *param, size_t n)
{
	size_t c = ber_open(b, SF_TCAP_RETURN_ERROR);	/* returnError [3] */

	ber_put_int(b, SF_TCAP_INVOKE_ID, invoke_id);
	ber_put_int(b, SF_TCAP_LOCAL_OPCODE, errcode);	/* errorCode localValue */
	if (param)
		gb_put(b, param, n);
	ber_close(b, c);
}
