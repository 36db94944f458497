/* SPDX-License-Identifier: BSD-3-Clause */
/* M3UA message encoder (RFC 4666 §3): common header, DATA with optional
 * Routing Context and Protocol Data, and the ASPSM/ASPTM management
 * messages that bring an ASP up. The inverse of decode/m3ua.c. */
#include "encode/enc.h"

#define M3UA_TAG_TRAFFIC_MODE 0x000B	/* RFC 4666 §3.8.1 Traffic Mode Type */

/* §3.1: version 1, reserved, class, type, length of the whole message. */
static size_t put_common(struct gbuf *b, uint8_t cls, uint8_t type)
{
	size_t start = b->len;

	gb_u8(b, SF_M3UA_VERSION);
	gb_u8(b, 0);
	gb_u8(b, cls);
	gb_u8(b, type);
	gb_u32(b, 0);	/* length, fixed by fix_len */
	return start;
}

static void fix_len(struct gbuf *b, size_t start)
{
	if (!b->overflow)
		sf_wr32(b->p + start + 4, (uint32_t)(b->len - start));
}

static void put_u32_param(struct gbuf *b, uint16_t tag, uint32_t v)
{
	/* §3.2: tag, length (includes the 4-byte header, excludes padding) */
	gb_u16(b, tag);
	gb_u16(b, 8);
	gb_u32(b, v);
}

void m3ua_enc_data(struct gbuf *b, const uint32_t *rc, const struct m3ua_pd *pd,
		   const uint8_t *data, size_t n)
{
	size_t start = put_common(b, SF_M3UA_CLASS_XFER, SF_M3UA_XFER_DATA);
	size_t pad = (4 - n % 4) % 4;
	static const uint8_t zero[4];

	if (rc)
		put_u32_param(b, SF_M3UA_TAG_ROUTING_CONTEXT, *rc);
	/* §3.3.1 Protocol Data: OPC, DPC, SI, NI, MP, SLS, user data */
	gb_u16(b, SF_M3UA_TAG_PROTOCOL_DATA);
	gb_u16(b, (uint16_t)(4 + SF_M3UA_PD_FIXED_LEN + n));
	gb_u32(b, pd->opc);
	gb_u32(b, pd->dpc);
	gb_u8(b, pd->si);
	gb_u8(b, pd->ni);
	gb_u8(b, pd->mp);
	gb_u8(b, pd->sls);
	gb_put(b, data, n);
	gb_put(b, zero, pad);	/* §3.2: parameters padded to 4 octets */
	fix_len(b, start);
}

void m3ua_enc_mgmt(struct gbuf *b, uint8_t msg_class, uint8_t type,
		   const uint32_t *rc, uint32_t traffic_mode)
{
	size_t start = put_common(b, msg_class, type);

	if (traffic_mode)
		put_u32_param(b, M3UA_TAG_TRAFFIC_MODE, traffic_mode);
	if (rc)
		put_u32_param(b, SF_M3UA_TAG_ROUTING_CONTEXT, *rc);
	fix_len(b, start);
}
