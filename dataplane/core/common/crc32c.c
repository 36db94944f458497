/* SPDX-License-Identifier: BSD-3-Clause */
/* CRC32c (Castagnoli), the SCTP checksum of RFC 9260 §6.8 and Appendix A:
 * reflected polynomial 0x82F63B78; the SSE4.2 instruction where the CPU
 * has it, else slicing-by-8 tables built on first use.
 *
 * The instruction takes 3 cycles and depends on the one before, so a
 * packet is one long chain; from CRC_CHUNK bytes up it runs three chains
 * over three adjacent CRC_BLK-byte blocks at once and joins them (Gopal
 * et al., "Fast CRC computation for iSCSI polynomial using CRC32
 * instruction", Intel, 2011). The CRC register is linear, so the CRC of
 * A‖B‖C is shift(crc_A, |B|+|C|) ^ shift(crc_B, |C|) ^ crc_C with B and C
 * started from 0, where shift(c, n) = c·x^(8n) mod P. A carry-less
 * multiply by K = x^(8n−33) mod P and the instruction on the 64-bit
 * product make that shift (the product of two reflected 32-bit values is
 * one bit short of reflected 64, and the instruction multiplies by x^32);
 * the two K below are x^479 and x^991 mod P, bit-reflected. */
#include "sf_crc32c.h"

#define CRC_BLK 64			/* bytes per chain */
#define CRC_CHUNK (3 * CRC_BLK)		/* one join per chunk */
#define CRC_K1 0x9e4addf8u		/* shift by CRC_BLK bytes */
#define CRC_K2 0x0d3b6092u		/* shift by 2 × CRC_BLK bytes */

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
#include <wmmintrin.h>
#include <string.h>

/* c·x^(8n) mod P for the n whose K is given */
__attribute__((target("sse4.2,pclmul")))
static inline uint64_t crc32c_shift(uint64_t c, uint32_t k)
{
	__m128i m = _mm_clmulepi64_si128(_mm_cvtsi32_si128((int)(uint32_t)c),
					 _mm_cvtsi32_si128((int)k), 0x00);

	return _mm_crc32_u64(0, (uint64_t)_mm_cvtsi128_si64(m));
}

/* Three chains of CRC_BLK bytes each, joined, while a chunk remains. */
__attribute__((target("sse4.2,pclmul")))
static uint64_t crc32c_chunks(uint64_t c, const uint8_t **pp, size_t *lenp)
{
	const uint8_t *p = *pp;
	size_t len = *lenp;

	while (len >= CRC_CHUNK) {
		uint64_t b = 0, d = 0, wa, wb, wd;

		for (size_t o = 0; o < CRC_BLK; o += 8) {
			memcpy(&wa, p + o, 8);
			memcpy(&wb, p + CRC_BLK + o, 8);
			memcpy(&wd, p + 2 * CRC_BLK + o, 8);
			c = _mm_crc32_u64(c, wa);
			b = _mm_crc32_u64(b, wb);
			d = _mm_crc32_u64(d, wd);
		}
		c = crc32c_shift(c, CRC_K2) ^ crc32c_shift(b, CRC_K1) ^ d;
		p += CRC_CHUNK;
		len -= CRC_CHUNK;
	}
	*pp = p;
	*lenp = len;
	return c;
}

/* SSE4.2 has the CRC32c instruction (same polynomial, same reflection). */
__attribute__((target("sse4.2")))
static uint32_t crc32c_sse42(uint32_t crc, const uint8_t *p, size_t len, int clmul)
{
	uint64_t c = crc;

	if (clmul && len >= CRC_CHUNK)
		c = crc32c_chunks(c, &p, &len);
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
	static int have_sse42 = -1, have_clmul;

	if (have_sse42 < 0) {
		have_clmul = __builtin_cpu_supports("pclmul") ? 1 : 0;
		have_sse42 = __builtin_cpu_supports("sse4.2") ? 1 : 0;
	}
	if (have_sse42)
		return crc32c_sse42(crc, p, len, have_clmul);
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
