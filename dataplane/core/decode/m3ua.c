/* SPDX-License-Identifier: BSD-3-Clause */
/* M3UA message decoder: common message header (RFC 4666 §3.1), variable
 * length parameter format (§3.2) and the Payload Data message with its
 * Protocol Data parameter (§3.3.1). */
#include "decode/m3ua.h"

#include <string.h>

#define PARAM_HDR_LEN	4	/* Tag(2) Length(2) */

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

void m3ua_param_iter_init(struct m3ua_param_iter *it, const struct m3ua_view *v)
{
	it->buf = v->params;
	it->off = 0;
}

int m3ua_param_next(struct m3ua_param_iter *it, struct m3ua_param *out)
{
	const uint8_t *p = it->buf.p;
	size_t len = it->buf.len, off = it->off, plen;

	if (off >= len)
		return 0;
	/* RFC 4666 §3.2: Tag(2) Length(2) */
	if (!sf_has(len, off, PARAM_HDR_LEN))
		return SF_E_M3UA_PARAM_LEN_INVALID;
	plen = sf_rd16(p + off + 2);
	/* RFC 4666 §3.2: Parameter Length counts Tag, Length and Value */
	if (plen < PARAM_HDR_LEN || !sf_has(len, off, plen))
		return SF_E_M3UA_PARAM_LEN_INVALID;
	/* RFC 4666 §3.2: padding to 4 bytes is not in the Parameter Length;
	 * a peer may leave it out after the last parameter */
	if (!sf_has(len, off, pad4(plen)) && len - off != plen)
		return SF_E_M3UA_PARAM_LEN_INVALID;
	out->tag = sf_rd16(p + off);
	out->len = (uint16_t)plen;
	out->value = sf_bytes_make(p + off + PARAM_HDR_LEN, plen - PARAM_HDR_LEN);
	it->off = sf_has(len, off, pad4(plen)) ? off + pad4(plen) : len;
	return 1;
}

/* RFC 4666 §3.1.2: the message types defined per class; 0 for an unknown
 * class, -1 for an unknown type. */
static int known_message(uint8_t cls, uint8_t type)
{
	switch (cls) {
	case SF_M3UA_CLASS_MGMT:	/* ERR 0, NTFY 1 */
		return type <= 1 ? 1 : -1;
	case SF_M3UA_CLASS_XFER:	/* DATA 1 */
		return type == SF_M3UA_XFER_DATA ? 1 : -1;
	case SF_M3UA_CLASS_SSNM:	/* DUNA 1 .. DRST 6 */
	case SF_M3UA_CLASS_ASPSM:	/* ASPUP 1 .. BEAT_ACK 6 */
		return type >= 1 && type <= 6 ? 1 : -1;
	case SF_M3UA_CLASS_ASPTM:	/* ASPAC 1 .. ASPIA_ACK 4 */
	case SF_M3UA_CLASS_RKM:		/* REG_REQ 1 .. DEREG_RSP 4 */
		return type >= 1 && type <= 4 ? 1 : -1;
	default:			/* 5-8 other adaptation layers, 10+ reserved */
		return 0;
	}
}

static enum sf_err protocol_data(const struct m3ua_param *prm, struct m3ua_view *out)
{
	const uint8_t *v = prm->value.p;

	/* RFC 4666 §3.3.1: OPC(4) DPC(4) SI(1) NI(1) MP(1) SLS(1) then the
	 * user protocol data */
	if (!sf_has(prm->value.len, 0, SF_M3UA_PD_FIXED_LEN))
		return SF_E_M3UA_PD_LEN_INVALID;
	out->opc = sf_rd32(v);
	out->dpc = sf_rd32(v + 4);
	out->si = v[8];
	out->ni = v[9];
	out->mp = v[10];
	out->sls = v[11];
	out->user_data = sf_bytes_make(v + SF_M3UA_PD_FIXED_LEN,
				       prm->value.len - SF_M3UA_PD_FIXED_LEN);
	out->has_pd = 1;
	return SF_OK;
}

enum sf_err m3ua_decode(const uint8_t *p, size_t len, struct m3ua_view *out)
{
	struct m3ua_param_iter it;
	struct m3ua_param prm;
	int is_data, known, r;
	enum sf_err e;

	memset(out, 0, sizeof(*out));
	/* RFC 4666 §3.1: Version(1) Reserved(1) Class(1) Type(1) Length(4) */
	if (!sf_has(len, 0, SF_M3UA_COMMON_HDR_LEN))
		return SF_E_TRUNCATED;
	out->version = p[0];
	out->msg_class = p[2];
	out->msg_type = p[3];
	out->msg_len = sf_rd32(p + 4);
	/* RFC 4666 §3.1.1: version 1 only */
	if (out->version != SF_M3UA_VERSION)
		return SF_E_M3UA_BAD_VERSION;
	/* RFC 4666 §3.1.4: Message Length includes the header */
	if (out->msg_len < SF_M3UA_COMMON_HDR_LEN)
		return SF_E_M3UA_MSG_LEN_INVALID;
	if (out->msg_len > len)
		return SF_E_TRUNCATED;
	/* One message per SCTP user message; up to 3 bytes beyond the
	 * length are the last parameter's padding left out of it. */
	if (len - out->msg_len > 3)
		return SF_E_M3UA_MSG_LEN_INVALID;
	out->params = sf_bytes_make(p + SF_M3UA_COMMON_HDR_LEN,
				    out->msg_len - SF_M3UA_COMMON_HDR_LEN);
	known = known_message(out->msg_class, out->msg_type);
	if (known == 0)
		return SF_E_M3UA_BAD_CLASS;
	if (known < 0)
		return SF_E_M3UA_BAD_TYPE;
	is_data = out->msg_class == SF_M3UA_CLASS_XFER &&
		  out->msg_type == SF_M3UA_XFER_DATA;

	m3ua_param_iter_init(&it, out);
	while ((r = m3ua_param_next(&it, &prm)) > 0) {
		switch (prm.tag) {
		case SF_M3UA_TAG_ROUTING_CONTEXT:
			if (out->has_rc)
				return SF_E_M3UA_PARAM_DUPLICATE;
			/* RFC 4666 §3.3.1: one 32-bit RC in DATA; §3.5.1 etc.:
			 * a list of 32-bit values elsewhere */
			if (prm.value.len == 0 || prm.value.len % 4 != 0 ||
			    (is_data && prm.value.len != 4))
				return SF_E_M3UA_RC_LEN_INVALID;
			out->rc = sf_rd32(prm.value.p);
			out->has_rc = 1;
			break;
		case SF_M3UA_TAG_NETWORK_APPEARANCE:
			if (out->has_na)
				return SF_E_M3UA_PARAM_DUPLICATE;
			/* RFC 4666 §3.3.1: a 32-bit value */
			if (prm.value.len != 4)
				return SF_E_M3UA_NA_LEN_INVALID;
			out->na = sf_rd32(prm.value.p);
			out->has_na = 1;
			break;
		case SF_M3UA_TAG_PROTOCOL_DATA:
			if (!is_data)
				break;
			if (out->has_pd)
				return SF_E_M3UA_PARAM_DUPLICATE;
			e = protocol_data(&prm, out);
			if (e != SF_OK)
				return e;
			break;
		default:
			break;
		}
	}
	if (r < 0)
		return (enum sf_err)r;
	/* RFC 4666 §3.3.1: Protocol Data is mandatory in DATA */
	if (is_data && !out->has_pd)
		return SF_E_M3UA_NO_PROTOCOL_DATA;
	return SF_OK;
}
