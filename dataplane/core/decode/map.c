/* SPDX-License-Identifier: BSD-3-Clause */
/* GSM MAP short message service arguments (3GPP TS 29.002 §17.7.6
 * MAP-SM-DataTypes, §17.7.8 common data types) over the BER reader:
 * ForwardSM, SendRoutingInfoForSM, ReportSM-DeliveryStatus, AlertSC. */
#include <stddef.h>
#include <string.h>

#include "decode/ber.h"
#include "decode/map.h"
#include "sf_bcd.h"
#include "sf_wire.h"

#define MAP_MAX_ADDRESS_LEN	20	/* §17.7.8 maxAddressLength */
#define MAP_MAX_SIGNAL_INFO_LEN	200	/* §17.7.8 maxSignalInfoLength */
#define MAP_IMSI_MIN		3	/* §17.7.8 IMSI ::= TBCD-STRING (SIZE (3..8)) */
#define MAP_IMSI_MAX		8
#define MAP_LMSI_LEN		4	/* §17.7.8 LMSI ::= OCTET STRING (SIZE (4)) */
#define MAP_UI_DEPTH		4	/* constructed OCTET STRING nesting followed */
#define SF_BER_OCTET_STRING_CONS 0x24	/* X.690 §8.7.3: constructed form */

/* Context tags of the SM arguments (implicit tagging, §17.7.6) */
#define MAP_TAG_CTX_PRIM(n)	(0x80 | (n))
#define MAP_TAG_CTX_CONS(n)	(0xA0 | (n))
#define MAP_TAG_NULL		0x05
#define MAP_TAG_ENUMERATED	0x0A

int map_tbcd_digits(const uint8_t *p, size_t len, char *out, size_t cap)
{
	/* §17.7.8 TBCD-STRING: digits 0..9, '*', '#', a, b, c; 1111 is the filler */
	static const char tbcd[16] = "0123456789*#abc";
	size_t n, i;

	if (cap == 0)
		return SF_E_NO_SPACE;
	/* octets of two decimal digits, as many as leave room for the NUL */
	i = sf_bcd_pairs(p, len < (cap - 1) / 2 ? len : (cap - 1) / 2, out);
	n = 2 * i;
	for (; i < len; i++) {
		uint8_t d[2] = { (uint8_t)(p[i] & 0x0F), (uint8_t)(p[i] >> 4) };

		for (int k = 0; k < 2; k++) {
			if (d[k] == 0x0F)
				goto done;
			if (n + 1 >= cap) {
				out[0] = '\0';
				return SF_E_NO_SPACE;
			}
			out[n++] = tbcd[d[k]];
		}
	}
done:
	out[n] = '\0';
	return (int)n;
}

enum sf_err map_address_decode(const uint8_t *p, size_t len, struct map_address *out)
{
	int n;

	memset(out, 0, sizeof *out);
	/* §17.7.8 AddressString ::= OCTET STRING (SIZE (1..maxAddressLength)) */
	if (len < 1 || len > MAP_MAX_ADDRESS_LEN)
		return SF_E_MAP_ADDRESS_INVALID;
	out->ton_npi = p[0];
	n = map_tbcd_digits(p + 1, len - 1, out->digits, sizeof out->digits);
	if (n < 0)
		return SF_E_MAP_ADDRESS_INVALID;
	out->n_digits = (uint8_t)n;
	return SF_OK;
}

static enum sf_err map_imsi_decode(const struct ber_tlv *t, char *out, size_t cap)
{
	if (ber_constructed(t) || t->value.len < MAP_IMSI_MIN || t->value.len > MAP_IMSI_MAX)
		return SF_E_MAP_IMSI_INVALID;
	if (map_tbcd_digits(t->value.p, t->value.len, out, cap) < 0)
		return SF_E_MAP_IMSI_INVALID;
	return SF_OK;
}

/* A primitive AddressString TLV */
static enum sf_err map_address_tlv(const struct ber_tlv *t, struct map_address *a)
{
	if (ber_constructed(t))
		return SF_E_MAP_ADDRESS_INVALID;
	return map_address_decode(t->value.p, t->value.len, a);
}

/* The outer SEQUENCE: p/len must be exactly one TLV with identifier 0x30. */
static enum sf_err map_open_seq(const uint8_t *p, size_t len, struct ber_iter *it)
{
	struct ber_tlv t;
	enum sf_err e = ber_tlv_decode(p, len, &t);

	if (e)
		return e;
	if (t.id != SF_BER_SEQUENCE)
		return SF_E_MAP_NOT_SEQUENCE;
	if (t.total != len)
		return SF_E_MAP_TRAILING_DATA;
	ber_iter_init(it, t.value);
	return SF_OK;
}

/* Next element of a SEQUENCE; a missing mandatory one is a named error. */
static enum sf_err map_next_mandatory(struct ber_iter *it, struct ber_tlv *t)
{
	int r = ber_iter_next(it, t);

	if (r < 0)
		return (enum sf_err)r;
	return r == 0 ? SF_E_MAP_MISSING_FIELD : SF_OK;
}

/* §7.6.8.1 SM-RP-DA ::= CHOICE { imsi [0], lmsi [1], serviceCentreAddressDA [4], noSM-RP-DA [5] } */
static enum sf_err map_sm_rp_da(const struct ber_tlv *t, struct map_forward_sm *o)
{
	struct map_address a;
	static const char hex[] = "0123456789abcdef";

	switch (t->id) {
	case SF_MAP_SM_RP_DA_IMSI:
		o->da_type = SF_DA_IMSI;
		return map_imsi_decode(t, o->da, sizeof o->da) ? SF_E_MAP_SM_RP_DA_INVALID : SF_OK;
	case SF_MAP_SM_RP_DA_LMSI:
		if (t->value.len != MAP_LMSI_LEN)
			return SF_E_MAP_LMSI_INVALID;
		o->da_type = SF_DA_LMSI;
		for (size_t i = 0; i < MAP_LMSI_LEN; i++) {
			o->da[2 * i] = hex[t->value.p[i] >> 4];
			o->da[2 * i + 1] = hex[t->value.p[i] & 0x0F];
		}
		o->da[2 * MAP_LMSI_LEN] = '\0';
		return SF_OK;
	case SF_MAP_SM_RP_DA_SCA:
		if (map_address_tlv(t, &a))
			return SF_E_MAP_SM_RP_DA_INVALID;
		o->da_type = SF_DA_SCA;
		o->da_ton_npi = a.ton_npi;
		memcpy(o->da, a.digits, sizeof o->da);
		return SF_OK;
	case SF_MAP_SM_RP_DA_NONE:
		o->da_type = SF_DA_NONE;
		return t->value.len == 0 ? SF_OK : SF_E_MAP_SM_RP_DA_INVALID;
	default:
		return SF_E_MAP_SM_RP_DA_INVALID;
	}
}

/* §7.6.8.2 SM-RP-OA ::= CHOICE { msisdn [2], serviceCentreAddressOA [4], noSM-RP-OA [5] } */
static enum sf_err map_sm_rp_oa(const struct ber_tlv *t, struct map_forward_sm *o)
{
	struct map_address a;

	switch (t->id) {
	case SF_MAP_SM_RP_OA_MSISDN:
	case SF_MAP_SM_RP_OA_SCA:
		if (map_address_tlv(t, &a))
			return SF_E_MAP_SM_RP_OA_INVALID;
		o->oa_type = t->id == SF_MAP_SM_RP_OA_MSISDN ? SF_OA_MSISDN : SF_OA_SCA;
		o->oa_ton_npi = a.ton_npi;
		memcpy(o->oa, a.digits, sizeof o->oa);
		return SF_OK;
	case SF_MAP_SM_RP_OA_NONE:
		o->oa_type = SF_OA_NONE;
		return t->value.len == 0 ? SF_OK : SF_E_MAP_SM_RP_OA_INVALID;
	default:
		return SF_E_MAP_SM_RP_OA_INVALID;
	}
}

/* X.690 §8.7.3.2: the contents of a constructed OCTET STRING are the
 * concatenation of its primitive (or again constructed) OCTET STRING
 * segments; copied into buf (MAP_UI_BUF_MAX), *n bytes so far. */
static enum sf_err map_ui_segments(struct sf_bytes v, uint8_t *buf, size_t *n, unsigned depth)
{
	struct ber_iter it;
	struct ber_tlv s;
	enum sf_err e;
	int r;

	if (depth >= MAP_UI_DEPTH)
		return SF_E_MAP_SM_RP_UI_INVALID;
	ber_iter_init(&it, v);
	while ((r = ber_iter_next(&it, &s)) == 1) {
		if (s.id == SF_BER_OCTET_STRING_CONS) {
			if ((e = map_ui_segments(s.value, buf, n, depth + 1)) != SF_OK)
				return e;
			continue;
		}
		if (s.id != SF_BER_OCTET_STRING)
			return SF_E_MAP_SM_RP_UI_INVALID;
		if (MAP_UI_BUF_MAX - *n < s.value.len)
			return SF_E_MAP_SM_RP_UI_INVALID;
		memcpy(buf + *n, s.value.p, s.value.len);
		*n += s.value.len;
	}
	return r < 0 ? (enum sf_err)r : SF_OK;
}

/* §17.7.6 MO-ForwardSM-Arg / MT-ForwardSM-Arg / ForwardSM-Arg (v1, v2):
 * SEQUENCE { sm-RP-DA, sm-RP-OA, sm-RP-UI SignalInfo,
 *   [MT, v2] moreMessagesToSend NULL OPTIONAL, extensionContainer OPTIONAL, ...,
 *   [MO v3] imsi IMSI OPTIONAL, ... } */
enum sf_err map_forward_sm_decode(const uint8_t *p, size_t len, struct map_forward_sm *out)
{
	struct ber_iter it;
	struct ber_tlv t;
	enum sf_err e;
	int r;

	/* every field but the join buffer, which sm_rp_ui bounds when used */
	memset(out, 0, offsetof(struct map_forward_sm, ui_buf));
	if ((e = map_open_seq(p, len, &it)) != SF_OK)
		return e;
	if ((e = map_next_mandatory(&it, &t)) != SF_OK)
		return e;
	if ((e = map_sm_rp_da(&t, out)) != SF_OK)
		return e;
	if ((e = map_next_mandatory(&it, &t)) != SF_OK)
		return e;
	if ((e = map_sm_rp_oa(&t, out)) != SF_OK)
		return e;
	if ((e = map_next_mandatory(&it, &t)) != SF_OK)
		return e;
	/* §17.7.8 SignalInfo ::= OCTET STRING (SIZE (1..maxSignalInfoLength)).
	 * Receivers take the constructed form (legal BER) and longer values
	 * too: decode them, flagged as anomalies. */
	if (t.id == SF_BER_OCTET_STRING_CONS) {
		size_t n = 0;

		if ((e = map_ui_segments(t.value, out->ui_buf, &n, 0)) != SF_OK)
			return e;
		out->sm_rp_ui = sf_bytes_make(out->ui_buf, n);
		out->anomalies |= MAP_ANOM_UI_CONSTRUCTED;
	} else if (t.id == SF_BER_OCTET_STRING) {
		out->sm_rp_ui = t.value;
	} else {
		return SF_E_MAP_SM_RP_UI_INVALID;
	}
	if (out->sm_rp_ui.len < 1)
		return SF_E_MAP_SM_RP_UI_INVALID;
	if (out->sm_rp_ui.len > MAP_MAX_SIGNAL_INFO_LEN)
		out->anomalies |= MAP_ANOM_UI_OVERSIZE;
	while ((r = ber_iter_next(&it, &t)) == 1) {
		if (t.id == MAP_TAG_NULL) {
			if (t.value.len != 0)
				return SF_E_MAP_FIELD_INVALID;
			out->has_more_messages = 1;
		} else if (t.id == SF_BER_OCTET_STRING) {
			if (map_imsi_decode(&t, out->imsi, sizeof out->imsi))
				return SF_E_MAP_IMSI_INVALID;
			out->has_imsi = 1;
		}
		/* extensionContainer (0x30) and later extensions are skipped */
	}
	return r < 0 ? (enum sf_err)r : SF_OK;
}

enum sf_dir map_forward_sm_direction(int opcode, int map_version, const struct map_forward_sm *fs)
{
	if (opcode == SF_MAP_OP_MT_FORWARD_SM)
		return SF_DIR_MT;	/* mt-forwardSM exists only from v3 */
	if (opcode != SF_MAP_OP_MO_FORWARD_SM)
		return SF_DIR_NONE;
	if (map_version >= 3)
		return SF_DIR_MO;
	/* v1/v2 forwardSM serves both ways (§12.2 / §12.9): tell by the choices */
	if (fs->da_type == SF_DA_SCA && fs->oa_type == SF_OA_MSISDN)
		return SF_DIR_MO;
	if ((fs->da_type == SF_DA_IMSI || fs->da_type == SF_DA_LMSI) && fs->oa_type == SF_OA_SCA)
		return SF_DIR_MT;
	return SF_DIR_NONE;
}

/* §17.7.6 RoutingInfoForSM-Arg ::= SEQUENCE { msisdn [0], sm-RP-PRI [1] BOOLEAN,
 *   serviceCentreAddress [2], extensionContainer [6] OPTIONAL, ...,
 *   gprsSupportIndicator [7], sm-RP-MTI [8], ... } */
enum sf_err map_sri_sm_arg_decode(const uint8_t *p, size_t len, struct map_sri_sm_arg *out)
{
	struct ber_iter it;
	struct ber_tlv t;
	unsigned seen = 0;
	enum sf_err e;
	int r;

	memset(out, 0, sizeof *out);
	if ((e = map_open_seq(p, len, &it)) != SF_OK)
		return e;
	while ((r = ber_iter_next(&it, &t)) == 1) {
		switch (t.id) {
		case MAP_TAG_CTX_PRIM(0):
			if ((e = map_address_tlv(&t, &out->msisdn)) != SF_OK)
				return e;
			seen |= 1;
			break;
		case MAP_TAG_CTX_PRIM(1):
			if (t.value.len != 1)	/* X.690 §8.2: BOOLEAN is one octet */
				return SF_E_MAP_FIELD_INVALID;
			out->sm_rp_pri = t.value.p[0] != 0;
			seen |= 2;
			break;
		case MAP_TAG_CTX_PRIM(2):
			if ((e = map_address_tlv(&t, &out->sca)) != SF_OK)
				return e;
			seen |= 4;
			break;
		case MAP_TAG_CTX_PRIM(8):	/* SM-RP-MTI ::= INTEGER (0..10) */
			if (t.value.len != 1)
				return SF_E_MAP_FIELD_INVALID;
			out->has_sm_rp_mti = 1;
			out->sm_rp_mti = t.value.p[0];
			break;
		default:
			break;
		}
	}
	if (r < 0)
		return (enum sf_err)r;
	return seen == 7 ? SF_OK : SF_E_MAP_MISSING_FIELD;
}

/* §17.7.6 RoutingInfoForSM-Res ::= SEQUENCE { imsi IMSI,
 *   locationInfoWithLMSI [0] LocationInfoWithLMSI, extensionContainer [4] OPTIONAL, ... }
 * LocationInfoWithLMSI ::= SEQUENCE { networkNode-Number [1] ISDN-AddressString,
 *   lmsi LMSI OPTIONAL, extensionContainer OPTIONAL, ..., gprsNodeIndicator [5], ... }
 * (v1: locationInfo CHOICE { roamingNumber [0], msc-Number [1] }) */
enum sf_err map_sri_sm_res_decode(const uint8_t *p, size_t len, struct map_sri_sm_res *out)
{
	struct ber_iter it, in;
	struct ber_tlv t, u;
	enum sf_err e;
	int r, have_nnn = 0;

	memset(out, 0, sizeof *out);
	if ((e = map_open_seq(p, len, &it)) != SF_OK)
		return e;
	if ((e = map_next_mandatory(&it, &t)) != SF_OK)
		return e;
	if (t.id != SF_BER_OCTET_STRING)
		return SF_E_MAP_MISSING_FIELD;
	if ((e = map_imsi_decode(&t, out->imsi, sizeof out->imsi)) != SF_OK)
		return e;
	if ((e = map_next_mandatory(&it, &t)) != SF_OK)
		return e;
	if (t.id != MAP_TAG_CTX_CONS(0))
		return SF_E_MAP_MISSING_FIELD;
	ber_iter_init(&in, t.value);
	while ((r = ber_iter_next(&in, &u)) == 1) {
		if (u.id == MAP_TAG_CTX_PRIM(1) || u.id == MAP_TAG_CTX_PRIM(0)) {
			if ((e = map_address_tlv(&u, &out->nnn)) != SF_OK)
				return e;
			have_nnn = 1;
		} else if (u.id == SF_BER_OCTET_STRING) {
			if (u.value.len != MAP_LMSI_LEN)
				return SF_E_MAP_LMSI_INVALID;
			memcpy(out->lmsi, u.value.p, MAP_LMSI_LEN);
			out->has_lmsi = 1;
		}
	}
	if (r < 0)
		return (enum sf_err)r;
	if (!have_nnn)
		return SF_E_MAP_MISSING_FIELD;
	/* the rest (extensionContainer, ip-sm-gw guidance) is skipped */
	while ((r = ber_iter_next(&it, &t)) == 1)
		;
	return r < 0 ? (enum sf_err)r : SF_OK;
}

/* §17.4 MAP-DialoguePDU in the AARQ user-information [30]: EXTERNAL {
 * direct-reference map-DialogueAS (0.4.0.0.1.1.1.1), single-ASN1-type [0]
 * { map-open [0] MAP-OpenInfo { destinationReference [0] AddressString
 * OPTIONAL, originationReference [1] AddressString OPTIONAL, ... } } } */
enum sf_err map_open_dest_ref(const uint8_t *p, size_t len, struct map_address *out)
{
	static const uint8_t map_dialogue_as[] = { 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x01 };
	struct ber_iter it, ext, sat, op;
	struct ber_tlv t, u, w, x;
	int r;

	memset(out, 0, sizeof *out);
	ber_iter_init(&it, sf_bytes_make(p, len));
	while ((r = ber_iter_next(&it, &t)) == 1) {
		int is_map = 0;

		if (t.id != 0x28)	/* [UNIVERSAL 8] EXTERNAL */
			continue;
		ber_iter_init(&ext, t.value);
		while ((r = ber_iter_next(&ext, &u)) == 1) {
			if (u.id == 0x06) {
				is_map = u.value.len == sizeof map_dialogue_as &&
					 memcmp(u.value.p, map_dialogue_as, sizeof map_dialogue_as) == 0;
				continue;
			}
			if (u.id != MAP_TAG_CTX_CONS(0) || !is_map)
				continue;
			ber_iter_init(&sat, u.value);
			if ((r = ber_iter_next(&sat, &w)) != 1)
				return r < 0 ? (enum sf_err)r : SF_E_MAP_MISSING_FIELD;
			if (w.id != MAP_TAG_CTX_CONS(0))	/* not map-open */
				return SF_E_MAP_MISSING_FIELD;
			ber_iter_init(&op, w.value);
			while ((r = ber_iter_next(&op, &x)) == 1) {
				if (x.id == MAP_TAG_CTX_PRIM(0))
					return map_address_decode(x.value.p, x.value.len, out);
			}
			return r < 0 ? (enum sf_err)r : SF_E_MAP_MISSING_FIELD;
		}
		if (r < 0)
			return (enum sf_err)r;
	}
	return r < 0 ? (enum sf_err)r : SF_E_MAP_MISSING_FIELD;
}

/* The "msisdn, serviceCentreAddress" head shared by ReportSM-DeliveryStatusArg
 * and AlertServiceCentreArg (§17.7.6) */
static enum sf_err map_msisdn_sca(struct ber_iter *it, struct map_address *msisdn, struct map_address *sca)
{
	struct ber_tlv t;
	enum sf_err e;

	if ((e = map_next_mandatory(it, &t)) != SF_OK)
		return e;
	if (t.id != SF_BER_OCTET_STRING)
		return SF_E_MAP_MISSING_FIELD;
	if ((e = map_address_tlv(&t, msisdn)) != SF_OK)
		return e;
	if ((e = map_next_mandatory(it, &t)) != SF_OK)
		return e;
	if (t.id != SF_BER_OCTET_STRING)
		return SF_E_MAP_MISSING_FIELD;
	return map_address_tlv(&t, sca);
}

/* §17.7.6 ReportSM-DeliveryStatusArg ::= SEQUENCE { msisdn, serviceCentreAddress,
 *   sm-DeliveryOutcome ENUMERATED OPTIONAL (v1: absent), absentSubscriberDiagnosticSM [0], ... } */
enum sf_err map_report_sm_ds_arg_decode(const uint8_t *p, size_t len, struct map_report_sm_ds_arg *out)
{
	struct ber_iter it;
	struct ber_tlv t;
	enum sf_err e;
	int r;

	memset(out, 0, sizeof *out);
	if ((e = map_open_seq(p, len, &it)) != SF_OK)
		return e;
	if ((e = map_msisdn_sca(&it, &out->msisdn, &out->sca)) != SF_OK)
		return e;
	while ((r = ber_iter_next(&it, &t)) == 1) {
		if (t.id == MAP_TAG_ENUMERATED && !out->has_outcome) {
			if (t.value.len != 1)
				return SF_E_MAP_FIELD_INVALID;
			out->outcome = t.value.p[0];
			out->has_outcome = 1;
		}
	}
	return r < 0 ? (enum sf_err)r : SF_OK;
}

/* §17.7.6 AlertServiceCentreArg ::= SEQUENCE { msisdn, serviceCentreAddress, ... } */
enum sf_err map_alert_sc_arg_decode(const uint8_t *p, size_t len, struct map_alert_sc_arg *out)
{
	struct ber_iter it;
	struct ber_tlv t;
	enum sf_err e;
	int r;

	memset(out, 0, sizeof *out);
	if ((e = map_open_seq(p, len, &it)) != SF_OK)
		return e;
	if ((e = map_msisdn_sca(&it, &out->msisdn, &out->sca)) != SF_OK)
		return e;
	while ((r = ber_iter_next(&it, &t)) == 1)
		;
	return r < 0 ? (enum sf_err)r : SF_OK;
}
