/* SPDX-License-Identifier: BSD-3-Clause */
/* CRC32c (Castagnoli), the SCTP checksum of RFC 9260 §6.8 and Appendix A:
 * reflected polynomial 0x82F63B78; the SSE4.2 instruction where the CPU
 * has it, else slicing-by-8 tables built on first use. */
#include "sf_crc32c.h"

static uint32_t crc32c_tab[8][256];
static int crc32c_ready;

static void crc32c_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
		crc32c_tab[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc32c_tab[t][i] = (crc32c_tab[t - 1][i] >> 8) ^
					   crc32c_tab[0][crc32c_tab[t - 1][i] & 0xFF];
	__atomic_store_n(&crc32c_ready, 1, __ATOMIC_RELEASE);
}

#if defined(__x86_64__)
#include <nmmintrin.h>
#include <string.h>

/* SSE4.2 has the CRC32c instruction (same polynomial, same reflection). */
__attribute__((target("sse4.2")))
static uint32_t crc32c_sse42(uint32_t crc, const uint8_t *p, size_t len)
{
	uint64_t c = crc;

	while (len >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		c = _mm_crc32_u64(c, w);
		p += 8;
		len -= 8;
	}
	while (len--)
		c = _mm_crc32_u8((uint32_t)c, *p++);
	return (uint32_t)c;
}
#endif

static uint32_t crc32c_table(uint32_t crc, const uint8_t *p, size_t len);

uint32_t sf_crc32c_update(uint32_t crc, const uint8_t *p, size_t len)
{
#if defined(__x86_64__)
	static int have_sse42 = -1;

	if (have_sse42 < 0)
		have_sse42 = __builtin_cpu_supports("sse4.2") ? 1 : 0;
	if (have_sse42)
		return crc32c_sse42(crc, p, len);
#endif
	return crc32c_table(crc, p, len);
}

static uint32_t crc32c_table(uint32_t crc, const uint8_t *p, size_t len)
{
	if (!__atomic_load_n(&crc32c_ready, __ATOMIC_ACQUIRE))
		crc32c_init();
	while (len >= 8) {
		uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
				     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
		crc = crc32c_tab[7][lo & 0xFF] ^ crc32c_tab[6][(lo >> 8) & 0xFF] ^
		      crc32c_tab[5][(lo >> 16) & 0xFF] ^ crc32c_tab[4][lo >> 24] ^
		      crc32c_tab[3][p[4]] ^ crc32c_tab[2][p[5]] ^
		      crc32c_tab[1][p[6]] ^ crc32c_tab[0][p[7]];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ crc32c_tab[0][(crc ^ *p++) & 0xFF];
	return crc;
}

uint32_t sf_sctp_checksum(const uint8_t *pkt, size_t len)
{
	static const uint8_t zero[4];
	uint32_t crc = 0xFFFFFFFFu;

	if (len < 12)
		return 0;
	/* RFC 9260 §6.8: computed with the checksum field set to zero. */
	crc = sf_crc32c_update(crc, pkt, 8);
	crc = sf_crc32c_update(crc, zero, 4);
	crc = sf_crc32c_update(crc, pkt + 12, len - 12);
	return ~crc;
}
