/* SPDX-License-Identifier: BSD-3-Clause */
/* 8-bit user data read as text when it is printable UTF-8 or UTF-16
 * (RFC 3629, RFC 2781): see data_text.h. Pure, no allocation. */
#include "text/data_text.h"

#include "text/ucs2.h"

#define DT_MIN_CHARS 2

static int dt_printable(uint32_t c)
{
	if (c < 0x20)
		return c == '\t' || c == '\n' || c == '\r';
	if (c >= 0x7F && c <= 0x9F)
		return 0;
	if ((c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE)
		return 0;	/* noncharacters */
	return 1;
}

static int dt_put(char *out, size_t cap, size_t *o, uint32_t c)
{
	size_t n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;

	if (cap - *o <= n)
		return -1;	/* keep room for the NUL */
	if (n == 1) {
		out[(*o)++] = (char)c;
	} else if (n == 2) {
		out[(*o)++] = (char)(0xC0 | (c >> 6));
		out[(*o)++] = (char)(0x80 | (c & 0x3F));
	} else if (n == 3) {
		out[(*o)++] = (char)(0xE0 | (c >> 12));
		out[(*o)++] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[(*o)++] = (char)(0x80 | (c & 0x3F));
	} else {
		out[(*o)++] = (char)(0xF0 | (c >> 18));
		out[(*o)++] = (char)(0x80 | ((c >> 12) & 0x3F));
		out[(*o)++] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[(*o)++] = (char)(0x80 | (c & 0x3F));
	}
	return 0;
}

/* RFC 3629 strict UTF-8, every character printable */
static int dt_utf8(const uint8_t *p, size_t len, char *out, size_t cap)
{
	size_t off = 0, o = 0, n = 0;

	while (off < len) {
		int32_t c = ucs2_utf8_next((const char *)p, len, &off);

		if (c < 0 || !dt_printable((uint32_t)c) || dt_put(out, cap, &o, (uint32_t)c))
			return -1;
		n++;
	}
	out[o] = 0;
	return n >= DT_MIN_CHARS ? (int)o : -1;
}

/* RFC 2781 UTF-16 in one byte order; *score counts ideographs and ASCII
 * letters and digits (what a text in that order would be made of) */
static int dt_utf16(const uint8_t *p, size_t len, int le, char *out, size_t cap, unsigned *score)
{
	size_t o = 0, n = 0;

	*score = 0;
	if (len % 2)
		return -1;
	for (size_t i = 0; i < len; i += 2) {
		uint32_t u = le ? (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 : (uint32_t)p[i] << 8 | p[i + 1];

		if (u >= 0xD800 && u <= 0xDBFF) {
			uint32_t lo;

			if (len - i < 4)
				return -1;
			lo = le ? (uint32_t)p[i + 2] | (uint32_t)p[i + 3] << 8 : (uint32_t)p[i + 2] << 8 | p[i + 3];
			if (lo < 0xDC00 || lo > 0xDFFF)
				return -1;
			u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
			i += 2;
		} else if (u >= 0xDC00 && u <= 0xDFFF) {
			return -1;
		}
		if (!dt_printable(u) || dt_put(out, cap, &o, u))
			return -1;
		if ((u >= 0x4E00 && u <= 0x9FFF) || (u >= '0' && u <= '9') ||
		    ((u | 0x20) >= 'a' && (u | 0x20) <= 'z') || (u >= 0xFF01 && u <= 0xFF5E))
			(*score)++;
		n++;
	}
	out[o] = 0;
	return n >= DT_MIN_CHARS ? (int)o : -1;
}

int data_text_decode(const uint8_t *p, size_t len, char *out, size_t cap)
{
	unsigned sbe, sle;
	int r;

	if (cap == 0)
		return -1;
	out[0] = 0;
	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return dt_utf8(p + 3, len - 3, out, cap);
	if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF)
		return dt_utf16(p + 2, len - 2, 0, out, cap, &sbe);
	if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE)
		return dt_utf16(p + 2, len - 2, 1, out, cap, &sle);
	if ((r = dt_utf8(p, len, out, cap)) >= 0)
		return r;
	/* no BOM: the byte order in which it reads as more of a text */
	r = dt_utf16(p, len, 1, out, cap, &sle);
	if (dt_utf16(p, len, 0, out, cap, &sbe) >= 0 && (r < 0 || sbe >= sle))
		return dt_utf16(p, len, 0, out, cap, &sbe);
	if (r < 0)
		return -1;
	return dt_utf16(p, len, 1, out, cap, &sle);
}
