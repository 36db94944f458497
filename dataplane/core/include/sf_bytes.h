/* SPDX-License-Identifier: BSD-3-Clause */
/* Byte views and big-endian readers: the only way decoders touch the wire.
 * Readers take a view and an offset the caller has already proved to be in
 * range (off <= len and len - off >= width). */
#ifndef SF_BYTES_H
#define SF_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A pointer+length pair into a buffer owned by someone else. */
struct sf_bytes {
	const uint8_t *p;
	size_t len;
};

static inline struct sf_bytes sf_bytes_make(const uint8_t *p, size_t len)
{
	struct sf_bytes b = { p, len };
	return b;
}

/* True when [off, off + n) lies inside a buffer of len bytes, written so
 * that it cannot overflow. */
static inline int sf_has(size_t len, size_t off, size_t n)
{
	return off <= len && len - off >= n;
}

static inline uint16_t sf_rd16(const uint8_t *p)
{
	uint8_t b[2];

	memcpy(b, p, 2);
	return (uint16_t)((b[0] << 8) | b[1]);
}

static inline uint32_t sf_rd24(const uint8_t *p)
{
	return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}

static inline uint32_t sf_rd32(const uint8_t *p)
{
	uint8_t b[4];

	memcpy(b, p, 4);
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	       ((uint32_t)b[2] << 8) | b[3];
}

/* Eight octets in one load: little-endian (GSM 7-bit septets, packed
 * from bit 0) and big-endian (the wire's order: UCS-2 text units). */
static inline uint64_t sf_rd64le(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline uint64_t sf_rd64(const uint8_t *p)
{
	return __builtin_bswap64(sf_rd64le(p));
}

static inline void sf_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void sf_wr24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

static inline void sf_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The 16 octets at a and b are equal (an IPv6 or IPv4-mapped address):
 * two 8-octet loads each, where gcc calls memcmp. */
static inline int sf_eq16(const uint8_t *a, const uint8_t *b)
{
	return ((sf_rd64le(a) ^ sf_rd64le(b)) | (sf_rd64le(a + 8) ^ sf_rd64le(b + 8))) == 0;
}

#endif
