/* SPDX-License-Identifier: BSD-3-Clause */
/* Private helpers of the policy engine: UTF-8 stepping (RFC 3629),
 * full-width → ASCII folding (Unicode Halfwidth and Fullwidth Forms block),
 * 64-bit hashing. Not part of the public API. */
#ifndef POLICY_UTIL_H
#define POLICY_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "sf_hash.h"

/* Decode one code point at s[*i] (RFC 3629 §3: shortest form, no
 * surrogates, ≤ U+10FFFF); advances *i by the bytes used (1 for garbage)
 * and returns 0xFFFD for invalid input. Caller ensures *i < len. */
static inline uint32_t pu_utf8_next(const char *s, size_t len, size_t *i)
{
	const uint8_t *p = (const uint8_t *)s + *i;
	size_t rem = len - *i;
	uint32_t c = p[0], min;
	size_t n;

	if (c < 0x80) {
		*i += 1;
		return c;
	}
	/* three bytes (all of CJK): the common case without the loop */
	if ((c & 0xF0) == 0xE0 && rem >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
		c = (c & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
		if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF)) {
			*i += 1;
			return 0xFFFD;
		}
		*i += 3;
		return c;
	}
	if ((c & 0xE0) == 0xC0) { n = 2; c &= 0x1F; min = 0x80; }
	else if ((c & 0xF0) == 0xE0) { n = 3; c &= 0x0F; min = 0x800; }
	else if ((c & 0xF8) == 0xF0) { n = 4; c &= 0x07; min = 0x10000; }
	else { *i += 1; return 0xFFFD; }
	if (rem < n) {
		*i += 1;
		return 0xFFFD;
	}
	for (size_t k = 1; k < n; k++) {
		if ((p[k] & 0xC0) != 0x80) {
			*i += 1;
			return 0xFFFD;
		}
		c = (c << 6) | (p[k] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
		*i += 1;
		return 0xFFFD;
	}
	*i += n;
	return c;
}

/* Full-width ASCII variants U+FF01..U+FF5E → U+0021..U+007E, the
 * ideographic space U+3000 → ' ', other code points unchanged. */
static inline uint32_t pu_fold_width(uint32_t c)
{
	if (c >= 0xFF01 && c <= 0xFF5E)
		return c - 0xFEE0;
	if (c == 0x3000)
		return ' ';
	return c;
}

static inline int pu_is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	       c == '\v' || c == '\f' || c == 0xA0 || c == 0x3000;
}

static inline int pu_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int pu_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

/* Numbers as integers: the value of the first n (≤ 19) ASCII digits of s,
 * and back, n digits with their leading zeros (the length is kept by the
 * caller). Callers check that s holds digits. */
static inline uint64_t pu_digits_value(const char *s, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && i < 19; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v;
}

static inline void pu_digits_write(uint64_t v, size_t n, char *out)
{
	for (size_t i = n; i-- > 0; v /= 10)
		out[i] = (char)('0' + v % 10);
}

/* Hashes come from sf_hash.h: keyed (per-process secret) for table keys
 * built from numbers and ids on the wire, unkeyed where every process
 * must agree (fingerprints, sketch inputs). */
static inline uint64_t pu_mix64(uint64_t x)
{
	return sf_mix64(x);
}

#define PU_FNV_OFFSET SF_FNV_OFFSET
#define PU_FNV_PRIME SF_FNV_PRIME

static inline uint64_t pu_fnv_step(uint64_t h, uint8_t b)
{
	return (h ^ b) * PU_FNV_PRIME;
}

/* Keyed hash of a byte string for table keys, never 0 (0 marks empty
 * slots): SipHash-1-3 under the process secret, so keys that share a
 * bucket (or a key) cannot be crafted. */
static inline uint64_t pu_hash(const void *p, size_t n, uint64_t seed)
{
	uint64_t h = sf_hash_bytes(p, n, seed);

	return h ? h : 1;
}

/* The same in every process (FNV-1a + splitmix64), never 0: inputs of the
 * count-min sketch and Bloom filter, whose estimates decide verdicts and so
 * must not depend on the secret. */
static inline uint64_t pu_hash_stable(const void *p, size_t n, uint64_t seed)
{
	uint64_t h = sf_mix64(sf_fnv1a64(PU_FNV_OFFSET ^ seed, p, n));

	return h ? h : 1;
}

#endif
