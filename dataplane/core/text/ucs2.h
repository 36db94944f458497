/* SPDX-License-Identifier: BSD-3-Clause */
/* UCS-2 / UTF-16BE SMS text (3GPP TS 23.038 §6.2.3, ISO/IEC 10646) to and
 * from UTF-8 (RFC 3629), plus the small UTF-8 reader/writer the GSM 7-bit
 * module shares. Invalid input becomes U+FFFD and is counted. */
#ifndef SF_TEXT_UCS2_H
#define SF_TEXT_UCS2_H

#include <stddef.h>
#include <stdint.h>

#include "sf_bytes.h"
#include "sf_err.h"

#define UCS2_REPLACEMENT 0xFFFDu
#define UCS2_NUL_SYMBOL 0x2400u	/* ␀: what U+0000 is shown as */

/* UTF-16BE (surrogate pairs included) → UTF-8, NUL-terminated. A lone
 * surrogate and a trailing odd byte each become U+FFFD and add one to
 * *replaced (may be NULL); U+0000 (which would cut a C string) is shown
 * as U+2400 ␀, which the normaliser treats as a symbol. Returns the
 * UTF-8 bytes written (without the NUL) or SF_E_NO_SPACE. */
int ucs2_decode(const uint8_t *p, size_t len, char *out, size_t cap, uint32_t *replaced);

/* UTF-8 → UTF-16BE; code points above U+FFFF become surrogate pairs.
 * Returns bytes written, SF_E_TEXT_UTF8_INVALID or SF_E_NO_SPACE. */
int ucs2_from_utf8(const char *s, size_t len, uint8_t *out, size_t cap);

/* Read one strict UTF-8 sequence (RFC 3629 §4: no overlongs, no
 * surrogates, nothing above U+10FFFF) at s[*off..len). Returns the code
 * point and advances *off, or -1 (invalid; *off advanced by one byte). */
static inline int32_t ucs2_utf8_next(const char *s, size_t len, size_t *off)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = *off, n;
	uint32_t cp, min;
	uint8_t b = p[i];

	if (b < 0x80) {
		*off = i + 1;
		return b;
	} else if ((b & 0xE0) == 0xC0) {
		n = 1, cp = b & 0x1F, min = 0x80;
	} else if ((b & 0xF0) == 0xE0) {
		n = 2, cp = b & 0x0F, min = 0x800;
	} else if ((b & 0xF8) == 0xF0) {
		n = 3, cp = b & 0x07, min = 0x10000;
	} else {
		*off = i + 1;
		return -1;
	}
	if (len - i - 1 < n) {
		*off = i + 1;
		return -1;
	}
	for (size_t k = 1; k <= n; k++) {
		if ((p[i + k] & 0xC0) != 0x80) {
			*off = i + 1;
			return -1;
		}
		cp = (cp << 6) | (p[i + k] & 0x3F);
	}
	*off = i + 1;
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*off = i + 1 + n;
	return (int32_t)cp;
}

/* Bytes of cp in UTF-8. */
static inline size_t ucs2_utf8_len(uint32_t cp)
{
	return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* Write cp as UTF-8 at d (room for 4 bytes is the caller's); returns the
 * bytes written. */
static inline size_t ucs2_utf8_write(char *d, uint32_t cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xC0 | (cp >> 6));
		d[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xE0 | (cp >> 12));
		d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		d[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	d[0] = (char)(0xF0 | (cp >> 18));
	d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	d[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Append cp as UTF-8 at out[*o], keeping room for a final NUL. Returns 0
 * or SF_E_NO_SPACE (nothing written). */
static inline int ucs2_utf8_put(char *out, size_t cap, size_t *o, uint32_t cp)
{
	size_t n = ucs2_utf8_len(cp);

	if (*o > cap || cap - *o < n + 1)
		return SF_E_NO_SPACE;
	*o += ucs2_utf8_write(out + *o, cp);
	return 0;
}

#endif
