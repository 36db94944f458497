/* SPDX-License-Identifier: BSD-3-Clause */
/* SCCP connectionless message encoder: UDT (ITU-T Q.713 §4.10) and XUDT
 * (§4.18) with the segmentation parameter (§3.17); party addresses with
 * SSN and global title indicator 0100 (§3.4). The inverse of decode/sccp.c. */
#include "encode/enc.h"

#define SCCP_ADDR_MAX 2 + 4 + 20	/* AI, SSN, GT header, 40 digits */

/* §3.4: address indicator, SSN, GT (TT, NP|ES, NAI, BCD digits). */
static size_t put_addr(uint8_t *o, const struct sccp_addr *a)
{
	size_t n = 0, nd = strlen(a->gt);

	/* §3.4.1: routing indicator 0 = route on GT, GTI = 0100, SSN present */
	o[n++] = (uint8_t)((4 << SF_SCCP_AI_GTI_SHIFT) | SF_SCCP_AI_SSN);
	o[n++] = a->ssn;
	o[n++] = 0;	/* §3.4.2.3.4: translation type 0 */
	/* numbering plan (high nibble) | encoding scheme: BCD odd (1) / even (2) */
	o[n++] = (uint8_t)((a->np << 4) | (nd & 1 ? SF_SCCP_ES_BCD_ODD : SF_SCCP_ES_BCD_EVEN));
	o[n++] = SF_SCCP_NAI_INTERNATIONAL;	/* bit 8 spare, NAI 4 */
	for (size_t i = 0; i < nd && i < 40; i += 2) {
		uint8_t lo = (uint8_t)(a->gt[i] - '0');
		/* §3.4.2.3.1: odd number of signals → filler 0000 */
		uint8_t hi = i + 1 < nd ? (uint8_t)(a->gt[i + 1] - '0') : 0;

		o[n++] = (uint8_t)((hi << 4) | lo);
	}
	return n;
}

int sccp_enc_udt(struct gbuf *b, uint8_t pclass, const struct sccp_addr *called,
		 const struct sccp_addr *calling, const uint8_t *data, size_t n)
{
	uint8_t cd[SCCP_ADDR_MAX], cg[SCCP_ADDR_MAX];
	size_t lcd = put_addr(cd, called), lcg = put_addr(cg, calling);

	if (n > 255)
		return -1;
	gb_u8(b, SF_SCCP_UDT);
	gb_u8(b, pclass);
	/* §4.10 / §2.2.3: each pointer counts from itself to its parameter's
	 * length octet; the three pointers sit at offsets 2, 3 and 4 */
	gb_u8(b, 3);
	gb_u8(b, (uint8_t)(2 + 1 + lcd));
	gb_u8(b, (uint8_t)(1 + 1 + lcd + 1 + lcg));
	gb_u8(b, (uint8_t)lcd);
	gb_put(b, cd, lcd);
	gb_u8(b, (uint8_t)lcg);
	gb_put(b, cg, lcg);
	gb_u8(b, (uint8_t)n);
	gb_put(b, data, n);
	return b->overflow ? -1 : 0;
}

int sccp_enc_xudt(struct gbuf *b, uint8_t pclass, uint8_t hops,
		  const struct sccp_addr *called, const struct sccp_addr *calling,
		  const uint8_t *data, size_t n, const struct sccp_seg *seg)
{
	uint8_t cd[SCCP_ADDR_MAX], cg[SCCP_ADDR_MAX];
	size_t lcd = put_addr(cd, called), lcg = put_addr(cg, calling);

	/* §4.18: data 2..254 octets in an XUDT */
	if (n > 254 || (seg && 4 + lcd + lcg + n > 255))
		return -1;	/* the optional-part pointer is one octet */
	gb_u8(b, SF_SCCP_XUDT);
	gb_u8(b, pclass);
	gb_u8(b, hops);			/* §3.18 hop counter */
	/* four pointers at offsets 3..6: called, calling, data, optional part */
	gb_u8(b, 4);
	gb_u8(b, (uint8_t)(3 + 1 + lcd));
	gb_u8(b, (uint8_t)(2 + 1 + lcd + 1 + lcg));
	gb_u8(b, seg ? (uint8_t)(1 + 1 + lcd + 1 + lcg + 1 + n) : 0);	/* 0 = no optional part */
	gb_u8(b, (uint8_t)lcd);
	gb_put(b, cd, lcd);
	gb_u8(b, (uint8_t)lcg);
	gb_put(b, cg, lcg);
	gb_u8(b, (uint8_t)n);
	gb_put(b, data, n);
	if (seg) {
		/* §3.17 segmentation: F (bit 8), C (bit 7), remaining segments
		 * (bits 4-1), then a 3-octet segmentation local reference */
		gb_u8(b, SF_SCCP_OPT_SEGMENTATION);
		gb_u8(b, 4);
		gb_u8(b, (uint8_t)((seg->first ? 0x80 : 0) | (seg->in_sequence ? 0x40 : 0) |
				   (seg->remaining & 0x0F)));
		gb_u8(b, (uint8_t)(seg->local_ref >> 16));
		gb_u8(b, (uint8_t)(seg->local_ref >> 8));
		gb_u8(b, (uint8_t)seg->local_ref);
		gb_u8(b, SF_SCCP_OPT_END);	/* §3.1 end of optional parameters */
	}
	return b->overflow ? -1 : 0;
}
