/* SPDX-License-Identifier: BSD-3-Clause */
/* BER writer (ITU-T X.690 §8.1, definite lengths only) and TBCD digits
 * (TS 29.002 §17.7.8): the inverse of decode/ber.c for TCAP and MAP. */
#include "encode/enc.h"

void ber_close_long(struct gbuf *b, size_t start)
{
	size_t n = b->len - start, extra;

	/* X.690 §8.1.3.5 long form: 0x80 | number of length octets, then the
	 * length big-endian; the contents move right to make room */
	extra = n < 256 ? 1 : 2;
	if (n > 0xFFFF || !gb_reserve(b, extra))
		return;
	memmove(b->p + start + extra, b->p + start, n);
	b->p[start - 1] = (uint8_t)(0x80 | extra);
	if (extra == 1) {
		b->p[start] = (uint8_t)n;
	} else {
		b->p[start] = (uint8_t)(n >> 8);
		b->p[start + 1] = (uint8_t)n;
	}
}

void ber_put(struct gbuf *b, uint8_t tag, const uint8_t *v, size_t n)
{
	size_t s = ber_open(b, tag);

	gb_put(b, v, n);
	ber_close(b, s);
}

void ber_put_int(struct gbuf *b, uint8_t tag, int32_t v)
{
	uint8_t o[4];
	int n = 4;

	sf_wr32(o, (uint32_t)v);
	/* X.690 §8.3.2: the first nine bits must not be all 0 or all 1 */
	while (n > 1 && ((o[4 - n] == 0x00 && !(o[5 - n] & 0x80)) ||
			 (o[4 - n] == 0xFF && (o[5 - n] & 0x80))))
		n--;
	ber_put(b, tag, o + 4 - n, (size_t)n);
}

size_t enc_tbcd(const char *digits, uint8_t *out, size_t cap)
{
	size_t n = strlen(digits), o = (n + 1) / 2;

	if (o > cap)
		return 0;
	for (size_t i = 0; i < n; i += 2) {
		uint8_t lo = (uint8_t)(digits[i] - '0');
		/* §17.7.8: odd number of digits → filler 0xF in the last high nibble */
		uint8_t hi = i + 1 < n ? (uint8_t)(digits[i + 1] - '0') : 0x0F;

		out[i / 2] = (uint8_t)((hi << 4) | (lo & 0x0F));
	}
	return o;
}
