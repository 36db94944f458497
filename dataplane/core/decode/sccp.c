/* SPDX-License-Identifier: BSD-3-Clause */
/* SCCP connectionless message decoder: UDT, UDTS, XUDT, XUDTS, LUDT, LUDTS
 * and ITU party addresses with global titles (ITU-T Q.713 §2-§4). */
#include <stddef.h>
#include <string.h>

#include "decode/sccp.h"
#include "sf_bcd.h"
#include "sf_wire.h"

/* Q.713 §3.4.2.3.1 address signals, spelled as Wireshark's SCCP dissector
 * spells them (the tshark oracle compares these strings), with their
 * lengths so that the digit loop needs no strlen. */
static const struct {
	uint8_t len;
	char s[8];
} sccp_signal[16] = {
	{ 1, "0" }, { 1, "1" }, { 1, "2" }, { 1, "3" }, { 1, "4" },
	{ 1, "5" }, { 1, "6" }, { 1, "7" }, { 1, "8" }, { 1, "9" },
	{ 7, "(spare)" }, { 2, "11" }, { 2, "12" }, { 7, "(spare)" }, { 7, "(spare)" },
	{ 2, "ST" },
};

uint8_t sccp_gt_render(const struct sccp_gt *gt, char *out, uint8_t *truncated)
{
	const uint8_t *p = gt->raw.p;
	size_t n = gt->raw.len, nibbles, pos, i, whole;
	uint8_t trunc = 0;

	/* Q.713 §3.4.2.3.1: odd number of signals → filler in the last high nibble */
	nibbles = n * 2 - (gt->odd && n ? 1 : 0);
	/* whole octets of two decimal signals (nearly every GT), as many as
	 * fit: their digits at once */
	whole = nibbles / 2 < SF_DIGITS_MAX / 2 ? nibbles / 2 : SF_DIGITS_MAX / 2;
	i = pos = 2 * sf_bcd_pairs(p, whole, out);
	for (; i < nibbles; i++) {
		uint8_t nib = (i & 1) ? p[i / 2] >> 4 : p[i / 2] & 0x0F;
		size_t sl = sccp_signal[nib].len;

		if (i >= SF_DIGITS_MAX || SF_DIGITS_MAX - pos < sl) {
			/* Q.713 sets no limit; we keep what fits and say so */
			trunc = 1;
			break;
		}
		if (sl == 1)
			out[pos] = sccp_signal[nib].s[0];	/* 0-9: one char */
		else
			memcpy(out + pos, sccp_signal[nib].s, sl);
		pos += sl;
	}
	out[pos] = '\0';
	if (truncated)
		*truncated = trunc;
	return (uint8_t)i;
}

void sccp_gt_fill(struct sccp_gt *gt)
{
	if (gt->rendered)
		return;
	gt->n_digits = sccp_gt_render(gt, gt->digits, &gt->truncated);
	gt->rendered = 1;
}

/* Every field zero and the digits "": the octets after the terminator are
 * not part of the value, and clearing them was a tenth of the decode. */
_Static_assert(offsetof(struct sccp_gt, digits) + sizeof(((struct sccp_gt *)0)->digits) +
	       _Alignof(struct sccp_gt) > sizeof(struct sccp_gt), "sccp_gt: digits last");
_Static_assert(offsetof(struct sccp_addr, gt) + sizeof(struct sccp_gt) == sizeof(struct sccp_addr),
	       "sccp_addr: gt last");
_Static_assert(offsetof(struct sccp_view, calling) > offsetof(struct sccp_view, called) &&
	       offsetof(struct sccp_view, called) > offsetof(struct sccp_view, importance),
	       "sccp_view: the addresses last");

static void sccp_addr_clear(struct sccp_addr *a)
{
	memset(a, 0, offsetof(struct sccp_addr, gt) + offsetof(struct sccp_gt, digits));
	a->gt.digits[0] = '\0';
}

static enum sf_err sccp_addr_decode_ex(const uint8_t *p, size_t len, struct sccp_addr *out,
				       unsigned flags)
{
	size_t off = 1, hdr;
	uint8_t ai;

	sccp_addr_clear(out);
	/* Q.713 §3.4.1: at least the address indicator */
	if (len < 1)
		return SF_E_SCCP_ADDR_EMPTY;
	ai = p[0];
	out->ai = ai;
	out->has_pc = ai & SF_SCCP_AI_PC;
	out->has_ssn = (ai & SF_SCCP_AI_SSN) ? 1 : 0;
	out->route_on_ssn = (ai & SF_SCCP_AI_ROUTE_SSN) ? 1 : 0;
	out->gt.gti = (ai & SF_SCCP_AI_GTI_MASK) >> SF_SCCP_AI_GTI_SHIFT;
	if (out->has_pc) {
		/* Q.713 §3.4.2.1: ITU signalling point code, 14 bits, LSB first */
		if (!sf_has(len, off, 2))
			return SF_E_SCCP_ADDR_SHORT;
		out->pc = (uint16_t)(p[off] | ((p[off + 1] & 0x3F) << 8));
		off += 2;
	}
	if (out->has_ssn) {
		/* Q.713 §3.4.2.2: subsystem number, one octet */
		if (!sf_has(len, off, 1))
			return SF_E_SCCP_ADDR_SHORT;
		out->ssn = p[off++];
	}
	/* Q.713 §3.4.2.3: the GT header length depends on the indicator */
	switch (out->gt.gti) {
	case 0:
		out->gt.rendered = 1;	/* no signals: digits "" */
		return SF_OK;
	case 1: hdr = 1; break;	/* O/E + NAI */
	case 2: hdr = 1; break;	/* TT */
	case 3: hdr = 2; break;	/* TT, NP + ES */
	case 4: hdr = 3; break;	/* TT, NP + ES, NAI */
	default:
		/* Q.713 §3.4.1: 0101-1111 spare or reserved */
		return SF_E_SCCP_GTI_RESERVED;
	}
	if (!sf_has(len, off, hdr))
		return SF_E_SCCP_ADDR_SHORT;
	switch (out->gt.gti) {
	case 1:
		/* §3.4.2.3.1: bit 8 odd/even, bits 1-7 nature of address */
		out->gt.odd = p[off] >> 7;
		out->gt.nai = p[off] & 0x7F;
		break;
	case 2:
		/* §3.4.2.3.2: translation type only; no odd/even indication, so
		 * every nibble is a signal (as Wireshark shows it) */
		out->gt.tt = p[off];
		break;
	case 3:
	case 4:
		/* §3.4.2.3.3/4: encoding scheme 2 = BCD even; Wireshark treats
		 * every other scheme as odd BCD, and so do we */
		out->gt.tt = p[off];
		out->gt.np = p[off + 1] >> 4;
		out->gt.es = p[off + 1] & 0x0F;
		out->gt.odd = out->gt.es != SF_SCCP_ES_BCD_EVEN;
		if (out->gt.gti == 4)
			out->gt.nai = p[off + 2] & 0x7F;
		break;
	}
	off += hdr;
	out->gt.raw = sf_bytes_make(p + off, len - off);
	if (!(flags & SCCP_DIGITS_LATER))
		sccp_gt_fill(&out->gt);
	return SF_OK;
}

enum sf_err sccp_addr_decode(const uint8_t *p, size_t len, struct sccp_addr *out)
{
	return sccp_addr_decode_ex(p, len, out, 0);
}

/* Locate the variable parameter whose pointer sits at p[ptr_off] (one
 * octet, or two octets LSB first when wide). min_off is the end of the
 * fixed part and pointers: a parameter cannot start inside it. len_octets
 * is the size of the parameter's length indicator (2 for long data). */
static enum sf_err sccp_var_param(const uint8_t *p, size_t len, size_t ptr_off, int wide,
				  size_t min_off, size_t len_octets, struct sf_bytes *out)
{
	size_t ptr, off, plen;

	if (wide) {
		/* Q.713 §2.3: two-octet pointers in LUDT(S), counted from their
		 * most significant (second) octet, as Wireshark counts them */
		ptr = (size_t)p[ptr_off] | ((size_t)p[ptr_off + 1] << 8);
		off = ptr_off + 1 + ptr;
	} else {
		/* Q.713 §2.3: pointer value = octets from the pointer to the parameter */
		ptr = p[ptr_off];
		off = ptr_off + ptr;
	}
	/* Q.713 §2.3: a mandatory parameter's pointer is never 0 */
	if (ptr == 0 || off < min_off)
		return SF_E_SCCP_POINTER_INVALID;
	if (!sf_has(len, off, len_octets))
		return SF_E_SCCP_PARAM_OVERRUN;
	/* Q.713 §3.16: the long data length indicator is two octets, LSB first */
	plen = len_octets == 2 ? (size_t)p[off] | ((size_t)p[off + 1] << 8) : p[off];
	off += len_octets;
	if (!sf_has(len, off, plen))
		return SF_E_SCCP_PARAM_OVERRUN;
	*out = sf_bytes_make(p + off, plen);
	return SF_OK;
}

/* The optional part (Q.713 §2.4): name, length, value ... end (0). */
static enum sf_err sccp_optional(const uint8_t *p, size_t len, size_t off, struct sccp_view *v)
{
	while (off < len) {
		uint8_t name = p[off], plen;

		/* Q.713 §3.1: end of optional parameters */
		if (name == SF_SCCP_OPT_END)
			return SF_OK;
		if (!sf_has(len, off, 2))
			return SF_E_SCCP_OPT_OVERRUN;
		plen = p[off + 1];
		off += 2;
		if (!sf_has(len, off, plen))
			return SF_E_SCCP_OPT_OVERRUN;
		if (name == SF_SCCP_OPT_SEGMENTATION) {
			/* Q.713 §3.17: F, C, spare, remaining; local reference (3, LSB first) */
			if (plen != 4)
				return SF_E_SCCP_SEGMENTATION_LEN;
			v->seg.present = 1;
			v->seg.first = p[off] >> 7;
			v->seg.seq_class = (p[off] >> 6) & 1;
			v->seg.remaining = p[off] & 0x0F;
			v->seg.local_ref = (uint32_t)p[off + 1] | ((uint32_t)p[off + 2] << 8) |
					   ((uint32_t)p[off + 3] << 16);
		} else if (name == SF_SCCP_OPT_IMPORTANCE) {
			/* Q.713 §3.19: importance, bits 1-3 */
			if (plen != 1)
				return SF_E_SCCP_IMPORTANCE_LEN;
			v->has_importance = 1;
			v->importance = p[off] & 0x07;
		}
		/* Q.713 §2.4: parameters are self-delimiting; unknown ones are skipped */
		off += plen;
	}
	/* tolerated: the part ends with the message instead of an end octet */
	return SF_OK;
}

enum sf_err sccp_decode(const uint8_t *p, size_t len, struct sccp_view *out)
{
	return sccp_decode_ex(p, len, out, 0);
}

enum sf_err sccp_decode_ex(const uint8_t *p, size_t len, struct sccp_view *out, unsigned flags)
{
	size_t fixed, ptrs, hdr;
	int wide = 0, has_opt = 0, is_service;
	enum sf_err e;
	struct sf_bytes called, calling;

	memset(out, 0, offsetof(struct sccp_view, called));
	sccp_addr_clear(&out->called);
	sccp_addr_clear(&out->calling);
	if (len < 1)
		return SF_E_TRUNCATED;
	out->type = p[0];
	switch (out->type) {
	case SF_SCCP_UDT:	/* Q.713 §4.10 */
	case SF_SCCP_UDTS:	/* §4.11 */
		fixed = 2;
		break;
	case SF_SCCP_XUDT:	/* §4.18 */
	case SF_SCCP_XUDTS:	/* §4.19 */
		fixed = 3;
		has_opt = 1;
		break;
	case SF_SCCP_LUDT:	/* §4.20 */
	case SF_SCCP_LUDTS:	/* §4.21 */
		fixed = 3;
		has_opt = 1;
		wide = 1;
		break;
	default:
		return SF_E_SCCP_UNSUPPORTED_TYPE;
	}
	is_service = out->type == SF_SCCP_UDTS || out->type == SF_SCCP_XUDTS ||
		     out->type == SF_SCCP_LUDTS;
	ptrs = (size_t)(3 + has_opt) * (wide ? 2 : 1);
	hdr = fixed + ptrs;
	if (!sf_has(len, 0, hdr))
		return SF_E_TRUNCATED;
	if (is_service) {
		/* Q.713 §3.12 return cause */
		out->return_cause = p[1];
	} else {
		/* Q.713 §3.6: class 0 or 1 for connectionless; bits 5-8 message handling */
		out->proto_class = p[1] & 0x0F;
		out->msg_handling = p[1] >> 4;
		if (out->proto_class > 1)
			return SF_E_SCCP_BAD_PROTOCOL_CLASS;
	}
	if (fixed == 3)
		out->hop_counter = p[2];	/* Q.713 §3.18 */

	size_t step = wide ? 2 : 1;

	e = sccp_var_param(p, len, fixed, wide, hdr, 1, &called);
	if (e)
		return e;
	e = sccp_var_param(p, len, fixed + step, wide, hdr, 1, &calling);
	if (e)
		return e;
	e = sccp_var_param(p, len, fixed + 2 * step, wide, hdr, wide ? 2 : 1, &out->data);
	if (e)
		return e;
	e = sccp_addr_decode_ex(called.p, called.len, &out->called, flags);
	if (e)
		return e;
	e = sccp_addr_decode_ex(calling.p, calling.len, &out->calling, flags);
	if (e)
		return e;
	if (has_opt) {
		size_t po = fixed + 3 * step, ptr, off;

		if (wide) {
			ptr = (size_t)p[po] | ((size_t)p[po + 1] << 8);
			off = po + 1 + ptr;
		} else {
			ptr = p[po];
			off = po + ptr;
		}
		/* Q.713 §2.3: pointer 0 = no optional part */
		if (ptr != 0) {
			if (off < hdr)
				return SF_E_SCCP_POINTER_INVALID;
			if (off >= len)
				return SF_E_SCCP_OPT_OVERRUN;
			e = sccp_optional(p, len, off, out);
			if (e)
				return e;
		}
	}
	return SF_OK;
}
