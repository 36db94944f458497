/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz the GSM 7-bit and UCS-2 text modules (3GPP TS 23.038): decoders on
 * raw bytes, encoders on the input as UTF-8, and the round trips
 * UTF-8 → septets → packed → UTF-8 and UTF-8 → UTF-16BE → UTF-8, which must
 * give back the input exactly; 8-bit data read as text (data_text.c). Byte 0: fill bits, byte 1: locking table,
 * byte 2: single shift table; the rest is the data. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/data_text.h"
#include "text/gsm7.h"
#include "text/ucs2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[4096];
	static uint8_t sep[2048], packed[2048], u16[4096];
	const uint8_t *p = data + 3;
	size_t n;
	unsigned fill;
	uint8_t lock, single;
	uint32_t bad = 0;
	int k, m;

	if (size < 3 || size > 1024)
		return 0;
	fill = data[0] % 7;
	lock = data[1] % 15;	/* national language ids 0..13 plus one reserved id */
	single = data[2] % 15;
	n = size - 3;

	/* tables */
	if (n && (lock <= 1 || lock == 3) && gsm7_locking_cp(lock, p[0] & 0x7F) == 0)
		abort();	/* the default, Turkish and Portuguese tables define all 128 codes */
	if (n && gsm7_nl_supported(1, lock) &&
	    (gsm7_locking_cp(lock, p[0] & 0x7F) == 0xFFFF) != ((p[0] & 0x7F) == GSM7_ESC))
		abort();	/* ESC sits at 0x1B of every locking table, nowhere else */
	if (n)
		(void)gsm7_single_cp(single, p[0]);
	if (gsm7_fill_bits(n) > 6)
		abort();

	/* decoders on raw bytes */
	(void)gsm7_decode(p, n, fill, (unsigned)((n * 8 - (n ? fill : 0)) / 7), lock, single, out, sizeof out, &bad);
	(void)gsm7_decode(p, n, data[0], (unsigned)n, lock, single, out, 16, &bad);
	(void)ucs2_decode(p, n, out, sizeof out, &bad);
	(void)ucs2_decode(p, n, out, 5, &bad);
	/* 8-bit data read as text: NUL-free UTF-8 of the length returned */
	m = data_text_decode(p, n, out, sizeof out);
	if (m >= 0 && strlen(out) != (size_t)m)
		abort();
	(void)data_text_decode(p, n, out, 7);

	/* UTF-8 → GSM 7-bit → packed → UTF-8 is the identity */
	k = gsm7_from_utf8_nl((const char *)p, n, lock, single, sep, sizeof sep);
	if (k >= 0) {
		m = gsm7_pack(sep, (size_t)k, fill, packed, sizeof packed);
		if (m < 0)
			abort();
		bad = 0;
		m = gsm7_decode(packed, (size_t)m, fill, (unsigned)k, lock, single, out, sizeof out, &bad);
		if (m < 0 || (size_t)m != n || memcmp(out, p, n) != 0 || bad != 0)
			abort();
	}
	/* UTF-8 → UTF-16BE → UTF-8 is the identity for text without U+0000 */
	k = ucs2_from_utf8((const char *)p, n, u16, sizeof u16);
	if (k >= 0 && memchr(p, 0, n) == NULL) {
		bad = 0;
		m = ucs2_decode(u16, (size_t)k, out, sizeof out, &bad);
		if (m < 0 || (size_t)m != n || memcmp(out, p, n) != 0 || bad != 0)
			abort();
	}
	return 0;
}
