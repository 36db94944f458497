/* SPDX-License-Identifier: BSD-3-Clause */
/* Semi-octet digits (BCD, low nibble first) as characters: the part the
 * three address decoders share, SCCP global titles (Q.713 §3.4.2.3.1),
 * MAP TBCD-STRINGs (TS 29.002 §17.7.8) and TP addresses (TS 23.040
 * §9.1.2.3). Nearly every octet of a number holds two decimal digits;
 * each decoder renders the other signals (fillers, '*', '#', spares) its
 * own specification's way after this. */
#ifndef SF_BCD_H
#define SF_BCD_H

#include <stddef.h>
#include <stdint.h>

/* Four octets' low and high nibbles, each in its own byte. */
static inline void sf_bcd_nibbles4(const uint8_t *p, uint32_t *lo, uint32_t *hi)
{
	uint32_t x = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		     (uint32_t)p[3] << 24;

	*lo = x & 0x0F0F0F0Fu;
	*hi = (x >> 4) & 0x0F0F0F0Fu;
}

/* Byte k of v moved to byte 2k. */
static inline uint64_t sf_bcd_spread(uint32_t v)
{
	uint64_t s = v;

	s = (s | s << 16) & 0x0000FFFF0000FFFFull;
	return (s | s << 8) & 0x00FF00FF00FF00FFull;
}

/* Writes the leading octets of p[0..n) whose two nibbles are both 0-9 to
 * out as two digit characters each, low nibble first, and returns how
 * many octets that was (out receives twice as many characters and no
 * terminator). Four octets at a time: a byte plus 0x76 reaches 0x80 only
 * for a nibble above 9, and no byte carries into the next. */
static inline size_t sf_bcd_pairs(const uint8_t *p, size_t n, char *out)
{
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		uint32_t lo, hi;
		uint64_t d;

		sf_bcd_nibbles4(p + i, &lo, &hi);
		if (((lo + 0x76767676u) | (hi + 0x76767676u)) & 0x80808080u)
			break;
		d = (sf_bcd_spread(lo) | sf_bcd_spread(hi) << 8) + 0x3030303030303030ull;
		for (unsigned k = 0; k < 8; k++)	/* one store where the target allows */
			out[2 * i + k] = (char)(d >> (8 * k));
	}
	for (; i < n; i++) {
		uint8_t l = p[i] & 0x0F, h = p[i] >> 4;

		if (l > 9 || h > 9)
			break;
		out[2 * i] = (char)('0' + l);
		out[2 * i + 1] = (char)('0' + h);
	}
	return i;
}

#endif
