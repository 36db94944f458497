/* SPDX-License-Identifier: BSD-3-Clause */
/* ASN.1 BER tag-length-value reader (ITU-T X.690 §8.1) for TCAP and MAP. */
#ifndef SF_BER_H
#define SF_BER_H

#include <stddef.h>
#include <stdint.h>

#include "sf_bytes.h"
#include "sf_err.h"

/* Deepest nesting an indefinite-length search will follow. TCAP+MAP need
 * about 8; anything deeper is hostile. */
#define BER_MAX_DEPTH 16

enum ber_class { BER_UNIVERSAL = 0, BER_APPLICATION = 1, BER_CONTEXT = 2, BER_PRIVATE = 3 };

struct ber_tlv {
	uint8_t id;		/* first identifier octet as on the wire (e.g. 0xA1) */
	uint8_t indefinite;	/* X.690 §8.1.3.6: length octet 0x80 */
	uint32_t tag;		/* tag number (high-tag-number form decoded) */
	struct sf_bytes value;	/* contents, without end-of-contents octets */
	size_t total;		/* bytes used: identifier + length + contents (+ EOC) */
};

/* X.690 §8.1.2.2: class (bits 8-7) and primitive/constructed (bit 6) are
 * read from the identifier octet when asked, not stored for every TLV */
static inline enum ber_class ber_cls(const struct ber_tlv *t)
{
	return (enum ber_class)(t->id >> 6);
}

static inline int ber_constructed(const struct ber_tlv *t)
{
	return (t->id >> 5) & 1;
}

/* ber_tlv_decode for what its inline fast path leaves: high tag numbers,
 * long and indefinite lengths, and every error. */
enum sf_err ber_tlv_decode_other(const uint8_t *p, size_t len, struct ber_tlv *out);

/* Decode one TLV at the start of p[0..len). Nearly every TLV of TCAP and
 * MAP has a low tag number and a short definite length (X.690 §8.1.2.2,
 * §8.1.3.4): those are read inline, the rest out of line. */
static inline enum sf_err ber_tlv_decode(const uint8_t *p, size_t len, struct ber_tlv *out)
{
	if (len >= 2 && (p[0] & 0x1F) != 0x1F && p[1] < 0x80 && len - 2 >= p[1]) {
		out->id = p[0];
		out->tag = p[0] & 0x1F;
		out->indefinite = 0;
		out->value = sf_bytes_make(p + 2, p[1]);
		out->total = 2 + (size_t)p[1];
		return SF_OK;
	}
	return ber_tlv_decode_other(p, len, out);
}

/* Iterate the TLVs inside a constructed value. */
struct ber_iter {
	struct sf_bytes buf;
	size_t off;
};

static inline void ber_iter_init(struct ber_iter *it, struct sf_bytes b)
{
	it->buf = b;
	it->off = 0;
}

/* 1 and *out filled: next TLV; 0: end; negative: enum sf_err. A pair of
 * end-of-contents octets at the very end (inside an indefinite form's
 * value) ends the iteration. Inline: TCAP and MAP call it for every
 * element, a dozen and more per message. */
static inline int ber_iter_next(struct ber_iter *it, struct ber_tlv *out)
{
	const uint8_t *p;
	size_t rem;
	enum sf_err e;

	if (it->off >= it->buf.len)
		return 0;
	p = it->buf.p + it->off;
	rem = it->buf.len - it->off;
	/* X.690 §8.1.5: identifier 0 is only ever an end-of-contents */
	if (p[0] == 0 && rem == 2 && p[1] == 0)
		return 0;
	e = ber_tlv_decode(p, rem, out);
	if (e)
		return e;
	it->off += out->total;
	return 1;
}

/* Decode a non-negative or negative INTEGER of 1..4 octets (X.690 §8.3). */
enum sf_err ber_int32(struct sf_bytes v, int32_t *out);

#endif
