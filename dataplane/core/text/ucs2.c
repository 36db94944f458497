/* SPDX-License-Identifier: BSD-3-Clause */
/* UCS-2 SMS text as UTF-16BE (3GPP TS 23.038 §6.2.3; surrogates per
 * ISO/IEC 10646 / RFC 2781) to and from UTF-8 (RFC 3629). */
#include <endian.h>
#include <string.h>

#include "text/ucs2.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <pthread.h>

/* Eight units at a time with AVX2 (checked at run time: the build
 * targets baseline x86-64): each unit's UTF-8 made in a 32-bit lane,
 * then each four lanes' 1, 2 or 3 octets packed by one byte shuffle,
 * from a table indexed by which lanes are ASCII (bits 0-3) and which are
 * below U+0800 (bits 4-7). A block with a NUL or a surrogate is left to
 * the unit-by-unit code. The table is made once, by the first call of
 * any thread (pthread_once), before ucs2_simd says it is ready. */
static uint8_t ucs2_shuf[256][16];
static uint8_t ucs2_shuf_len[256];
static int ucs2_simd = -1;	/* -1 not yet known, 0 no AVX2, 1 ready */
static pthread_once_t ucs2_once = PTHREAD_ONCE_INIT;

static void ucs2_simd_init(void)
{
	int ok = __builtin_cpu_supports("avx2") ? 1 : 0;

	for (unsigned m = 0; ok && m < 256; m++) {
		unsigned pos = 0;

		memset(ucs2_shuf[m], 0x80, 16);	/* pshufb: 0x80 writes a 0 */
		for (unsigned k = 0; k < 4; k++) {
			unsigned n = (m >> k & 1) ? 1 : (m >> (4 + k) & 1) ? 2 : 3;

			for (unsigned b = 0; b < n; b++)
				ucs2_shuf[m][pos++] = (uint8_t)(4 * k + b);
		}
		ucs2_shuf_len[m] = (uint8_t)pos;
	}
	__atomic_store_n(&ucs2_simd, ok, __ATOMIC_RELEASE);
}

/* Blocks of eight units from p[0..len) as UTF-8 at out, while a whole
 * block remains and has no NUL and no surrogate; each block may store up
 * to 28 octets from where its text starts (the caller's room). Returns
 * the octets of text written and sets *used to the input octets read. */
__attribute__((target("avx2")))
static size_t ucs2_blocks(const uint8_t *p, size_t len, char *out, size_t *used)
{
	const __m128i swap = _mm_setr_epi8(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
	const __m128i zero = _mm_setzero_si128(), hi5 = _mm_set1_epi16((short)0xF800);
	const __m128i sur = _mm_set1_epi16((short)0xD800), nonascii = _mm_set1_epi16((short)0xFF80);
	const __m256i lead3 = _mm256_set1_epi32(0x008080E0), lead2 = _mm256_set1_epi32(0x80C0);
	const __m256i mid = _mm256_set1_epi32(0x3F00), low3 = _mm256_set1_epi32(0x3F0000);
	const __m256i lim1 = _mm256_set1_epi32(0x80), lim2 = _mm256_set1_epi32(0x800);
	size_t i = 0, o = 0;

	for (; len - i >= 16; i += 16) {
		__m128i x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i)), swap);
		__m256i c, v3, v2, one, two, w;
		unsigned m1, m2, lo, hi;

		if (_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi16(x, zero),
						   _mm_cmpeq_epi16(_mm_and_si128(x, hi5), sur))))
			break;
		if (_mm_testz_si128(x, nonascii)) {
			/* all ASCII */
			_mm_storel_epi64((__m128i *)(void *)(out + o), _mm_packus_epi16(x, x));
			o += 8;
			continue;
		}
		c = _mm256_cvtepu16_epi32(x);
		/* 3 octets: 1110xxxx 10xxxxxx 10xxxxxx; 2: 110xxxxx 10xxxxxx */
		v3 = _mm256_or_si256(_mm256_or_si256(lead3, _mm256_srli_epi32(c, 12)),
				     _mm256_or_si256(_mm256_and_si256(_mm256_slli_epi32(c, 2), mid),
						     _mm256_and_si256(_mm256_slli_epi32(c, 16), low3)));
		v2 = _mm256_or_si256(_mm256_or_si256(lead2, _mm256_srli_epi32(c, 6)),
				     _mm256_and_si256(_mm256_slli_epi32(c, 8), mid));
		one = _mm256_cmpgt_epi32(lim1, c);
		two = _mm256_cmpgt_epi32(lim2, c);
		w = _mm256_blendv_epi8(_mm256_blendv_epi8(v3, v2, two), c, one);
		m1 = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(one));
		m2 = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(two));
		lo = (m1 & 0xF) | (m2 & 0xF) << 4;
		hi = m1 >> 4 | (m2 & 0xF0);
		_mm_storeu_si128((__m128i *)(void *)(out + o),
				 _mm_shuffle_epi8(_mm256_castsi256_si128(w),
						  _mm_loadu_si128((const __m128i *)(const void *)ucs2_shuf[lo])));
		o += ucs2_shuf_len[lo];
		_mm_storeu_si128((__m128i *)(void *)(out + o),
				 _mm_shuffle_epi8(_mm256_extracti128_si256(w, 1),
						  _mm_loadu_si128((const __m128i *)(const void *)ucs2_shuf[hi])));
		o += ucs2_shuf_len[hi];
	}
	*used = i;
	return o;
}
#endif

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
#if defined(__x86_64__)
	int simd = __atomic_load_n(&ucs2_simd, __ATOMIC_ACQUIRE);

	if (simd < 0) {
		pthread_once(&ucs2_once, ucs2_simd_init);
		simd = __atomic_load_n(&ucs2_simd, __ATOMIC_ACQUIRE);
	}
#endif

	ucs2_terminate(out, cap, 0);
	while (len - i >= 2) {
		uint32_t u, cp;

#if defined(__x86_64__)
		/* roomy leaves 3 octets a unit and 9 more: with eight units
		 * to go that is 33, more than a block's stores reach (28) */
		if (simd > 0 && roomy && len - i >= 16) {
			size_t used;

			o += ucs2_blocks(p + i, len - i, out + o, &used);
			i += used;
			if (len - i < 2)
				break;
			/* the tail, or a block with a NUL or a surrogate: below */
		}
#endif
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
