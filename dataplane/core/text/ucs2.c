/* SPDX-License-Identifier: BSD-3-Clause */
/* UCS-2 SMS text as UTF-16BE (3GPP TS 23.038 §6.2.3; surrogates per
 * ISO/IEC 10646 / RFC 2781) to and from UTF-8 (RFC 3629). */
#include <endian.h>
#include <string.h>

#include "text/ucs2.h"

static void ucs2_terminate(char *out, size_t cap, size_t o)
{
	if (cap > 0)
		out[o < cap ? o : cap - 1] = '\0';
}

int ucs2_decode(const uint8_t *p, size_t len, char *out, size_t cap, uint32_t *replaced)
{
	uint32_t bad = 0;
	size_t o = 0, i = 0;
	/* every unit takes at most 3 bytes of UTF-8 (a surrogate pair 4 for
	 * two), the odd octet's U+FFFD 3, and the NUL 1: with that much room
	 * the common characters are written without a check */
	int roomy = cap / 3 > len / 2 + 2;
	int e;

	ucs2_terminate(out, cap, 0);
	while (len - i >= 2) {
		uint32_t u, cp;

		if (roomy && len - i >= 8) {
			/* four units from one 8-octet load, while all four take
			 * three UTF-8 octets (U+0800-U+FFFF but surrogates: Chinese
			 * text, full-width punctuation) or all four are ASCII (not
			 * NUL); anything else goes one by one below */
			uint64_t w = sf_rd64(p + i);	/* unit k in bits 63-16k..48-16k */
			uint32_t q[4];
			int k;

			for (k = 0; k < 4; k++)
				q[k] = (uint32_t)(w >> (48 - 16 * k)) & 0xFFFF;
			for (k = 0; k < 4 && q[k] >= 0x800 && (q[k] & 0xF800) != 0xD800; k++)
				;
			if (k == 4) {
				/* each as one 4-octet store whose last octet the next
				 * overwrites (roomy leaves more than one spare octet) */
				for (k = 0; k < 4; k++) {
					uint32_t v = 0x008080E0u | q[k] >> 12 | (q[k] << 2 & 0x3F00) |
						     (q[k] << 16 & 0x3F0000);

					v = htole32(v);
					memcpy(out + o, &v, 4);
					o += 3;
				}
				i += 8;
				continue;
			}
			if (!(w & 0xFF80FF80FF80FF80ull) && q[0] && q[1] && q[2] && q[3]) {
				for (k = 0; k < 4; k++)
					out[o + k] = (char)q[k];
				o += 4;
				i += 8;
				continue;
			}
		}
		u = sf_rd16(p + i);
		cp = u;
		i += 2;
		if (roomy && u != 0 && (u < 0xD800 || u > 0xDFFF)) {
			/* neither NUL nor a surrogate: nearly all text */
			o += ucs2_utf8_write(out + o, u);
			continue;
		}
		if (u >= 0xD800 && u <= 0xDBFF) {
			/* RFC 2781 §2.2: a high surrogate needs a low one next */
			if (len - i >= 2) {
				uint32_t lo = sf_rd16(p + i);

				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
					i += 2;
				} else {
					cp = UCS2_REPLACEMENT;
				}
			} else {
				cp = UCS2_REPLACEMENT;
			}
		} else if (u >= 0xDC00 && u <= 0xDFFF) {
			cp = UCS2_REPLACEMENT;	/* low surrogate without a high one */
		} else if (u == 0) {
			/* a NUL would end the C string: shown as ␀ (U+2400), which
			 * is not garbage and does not split a phrase for the
			 * normaliser (a symbol between words) */
			cp = UCS2_NUL_SYMBOL;
		}
		if (cp == UCS2_REPLACEMENT && u != UCS2_REPLACEMENT)
			bad++;
		e = ucs2_utf8_put(out, cap, &o, cp);
		if (e) {
			ucs2_terminate(out, cap, o);
			return e;
		}
	}
	if (i < len) {
		/* TS 23.038 §6.2.3: characters are 16 bits; an odd octet is garbage */
		e = ucs2_utf8_put(out, cap, &o, UCS2_REPLACEMENT);
		if (e) {
			ucs2_terminate(out, cap, o);
			return e;
		}
		bad++;
	}
	ucs2_terminate(out, cap, o);
	if (replaced)
		*replaced += bad;
	return (int)o;
}

int ucs2_from_utf8(const char *s, size_t len, uint8_t *out, size_t cap)
{
	size_t off = 0, o = 0;

	while (off < len) {
		int32_t cp = ucs2_utf8_next(s, len, &off);

		if (cp < 0)
			return SF_E_TEXT_UTF8_INVALID;
		if (cp >= 0x10000) {
			uint32_t v = (uint32_t)cp - 0x10000;

			if (cap - o < 4)
				return SF_E_NO_SPACE;
			out[o++] = (uint8_t)(0xD8 | (v >> 18));
			out[o++] = (uint8_t)(v >> 10);
			out[o++] = (uint8_t)(0xDC | ((v >> 8) & 0x03));
			out[o++] = (uint8_t)v;
		} else {
			if (cap - o < 2)
				return SF_E_NO_SPACE;
			out[o++] = (uint8_t)(cp >> 8);
			out[o++] = (uint8_t)cp;
		}
	}
	return (int)o;
}
