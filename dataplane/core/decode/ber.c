/* SPDX-License-Identifier: BSD-3-Clause */
/* ASN.1 BER TLV reader (ITU-T X.690 §8.1): short, long and indefinite
 * lengths, high tag numbers, with a depth cap on indefinite nesting. */
#include "decode/ber.h"

/* Parse identifier and length octets; on success *hdr is their size and
 * *clen the contents length (SIZE_MAX for indefinite). */
static enum sf_err ber_header(const uint8_t *p, size_t len, struct ber_tlv *t,
			      size_t *hdr, size_t *clen)
{
	size_t off = 0;

	if (len < 2)
		return SF_E_TRUNCATED;
	t->id = p[0];
	t->tag = p[0] & 0x1F;
	off = 1;
	if (t->tag == 0x1F) {
		/* X.690 §8.1.2.4: high tag number, base-128, at most 4 octets here */
		uint32_t tag = 0;
		int n = 0;

		for (;;) {
			if (off >= len)
				return SF_E_TRUNCATED;
			if (++n > 4)
				return SF_E_BER_TAG_TOO_LONG;
			tag = (tag << 7) | (p[off] & 0x7F);
			if (!(p[off++] & 0x80))
				break;
		}
		t->tag = tag;
	}
	if (off >= len)
		return SF_E_TRUNCATED;
	uint8_t l0 = p[off++];

	if (l0 < 0x80) {
		*clen = l0;
	} else if (l0 == 0x80) {
		/* X.690 §8.1.3.6: indefinite form only for constructed encodings */
		if (!ber_constructed(t))
			return SF_E_BER_INDEFINITE_PRIMITIVE;
		*clen = SIZE_MAX;
	} else if (l0 == 0xFF) {
		return SF_E_BER_LEN_INVALID;	/* X.690 §8.1.3.5 c): reserved */
	} else {
		size_t n = l0 & 0x7F, v = 0;

		if (n > 4)
			return SF_E_BER_LEN_INVALID;
		if (len - off < n)
			return SF_E_TRUNCATED;
		for (size_t i = 0; i < n; i++)
			v = (v << 8) | p[off + i];
		off += n;
		*clen = v;
	}
	*hdr = off;
	return SF_OK;
}

/* Length of an indefinite-form contents up to (not including) its EOC. */
static enum sf_err ber_indefinite_len(const uint8_t *p, size_t len, int depth,
				      size_t *clen)
{
	size_t off = 0;

	if (depth >= BER_MAX_DEPTH)
		return SF_E_DEPTH;
	for (;;) {
		struct ber_tlv t;
		size_t hdr, n;
		enum sf_err e;

		if (len - off < 2)
			return SF_E_BER_NO_EOC;
		if (p[off] == 0 && p[off + 1] == 0) {
			*clen = off;
			return SF_OK;
		}
		e = ber_header(p + off, len - off, &t, &hdr, &n);
		if (e)
			return e;
		off += hdr;
		if (n == SIZE_MAX) {
			e = ber_indefinite_len(p + off, len - off, depth + 1, &n);
			if (e)
				return e;
			n += 2;	/* its EOC */
		}
		if (len - off < n)
			return SF_E_TRUNCATED;
		off += n;
	}
}

enum sf_err ber_tlv_decode_other(const uint8_t *p, size_t len, struct ber_tlv *out)
{
	size_t hdr, clen;
	enum sf_err e = ber_header(p, len, out, &hdr, &clen);

	if (e)
		return e;
	out->indefinite = clen == SIZE_MAX;
	if (out->indefinite) {
		e = ber_indefinite_len(p + hdr, len - hdr, 0, &clen);
		if (e)
			return e;
		out->value = sf_bytes_make(p + hdr, clen);
		out->total = hdr + clen + 2;
		return SF_OK;
	}
	if (len - hdr < clen)
		return SF_E_TRUNCATED;
	out->value = sf_bytes_make(p + hdr, clen);
	out->total = hdr + clen;
	return SF_OK;
}

enum sf_err ber_int32(struct sf_bytes v, int32_t *out)
{
	uint32_t u;

	/* X.690 §8.3.1: at least one octet */
	if (v.len == 0 || v.len > 4)
		return SF_E_BER_INT_INVALID;
	u = (v.p[0] & 0x80) ? 0xFFFFFFFFu : 0;
	for (size_t i = 0; i < v.len; i++)
		u = (u << 8) | v.p[i];
	*out = (int32_t)u;
	return SF_OK;
}
