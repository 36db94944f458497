/* SPDX-License-Identifier: BSD-3-Clause */
/* The one hash header: SipHash-1-3 (Aumasson & Bernstein 2012, the
 * reference's 64-bit output, one compression and three finalisation
 * rounds) keyed with a per-process secret for every table indexed by
 * attacker-controlled input (flow, concatenation and policy tables), so
 * that nobody can craft keys that share a bucket or a key; and,
 * unkeyed, FNV-1a and the splitmix64 finaliser for what must be the
 * same in every process (text fingerprints sent to the control plane,
 * sketches whose estimates decide verdicts).
 *
 * Verdicts do not depend on the secret while no table is full: keyed
 * hashes only place exact keys in tables (a 64-bit key collision is the
 * only way the secret could show, 2^-64 per pair). A full learned table
 * that evicts within a bucket (the shared SRI-SM IMSI table) keeps a
 * set of entries that does depend on it: size it from the population
 * ([tables] subscribers, POLICY.md) so that it does not evict; its
 * evictions are counted (/smsfw/stats). The secret comes from
 * getrandom() before main(); tests may set it (sf_hash_set_secret). */
#ifndef SF_HASH_H
#define SF_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct sf_hash_key {
	uint64_t k0, k1;
};

/* The per-process secret (sf_hash.c). Read-only after start-up. */
extern struct sf_hash_key sf_hash_secret;

/* Replace the secret (tests, before any table is built). */
void sf_hash_set_secret(uint64_t k0, uint64_t k1);

#define SF_ROTL64(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SF_SIPROUND(v0, v1, v2, v3) do { \
	v0 += v1; v1 = SF_ROTL64(v1, 13); v1 ^= v0; v0 = SF_ROTL64(v0, 32); \
	v2 += v3; v3 = SF_ROTL64(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = SF_ROTL64(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = SF_ROTL64(v1, 17); v1 ^= v2; v2 = SF_ROTL64(v2, 32); \
} while (0)

/* SipHash-c-d of p[0..n) under key k (little-endian words, as the
 * reference implementation); c and d are constants at every call. */
static inline uint64_t sf_siphash_cd(const struct sf_hash_key *k, const void *p, size_t n,
				     const int c, const int d)
{
	const uint8_t *in = p;
	uint64_t v0 = 0x736f6d6570736575ULL ^ k->k0, v1 = 0x646f72616e646f6dULL ^ k->k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k->k0, v3 = 0x7465646279746573ULL ^ k->k1;
	uint64_t b = (uint64_t)n << 56, m;
	size_t i, left = n & 7;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&m, in + i, 8);	/* one load; the word is little-endian */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		m = __builtin_bswap64(m);
#endif
		v3 ^= m;
		for (int r = 0; r < c; r++)
			SF_SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	for (size_t j = 0; j < left; j++)
		b |= (uint64_t)in[i + j] << (8 * j);
	v3 ^= b;
	for (int r = 0; r < c; r++)
		SF_SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	for (int r = 0; r < d; r++)
		SF_SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* SipHash-2-4, the reference's recommended PRF. */
static inline uint64_t sf_siphash(const struct sf_hash_key *k, const void *p, size_t n)
{
	return sf_siphash_cd(k, p, n, 2, 4);
}

/* SipHash-1-3: the variant hash tables use against flooding where every
 * key costs (Rust's standard HashMap, CPython's str/bytes hash since
 * 3.11, Linux's hsiphash family): three fifths of 2-4's rounds on a
 * number or a table key, no known attack at that use. */
static inline uint64_t sf_siphash13(const struct sf_hash_key *k, const void *p, size_t n)
{
	return sf_siphash_cd(k, p, n, 1, 3);
}

/* Keyed hash of bytes under the process secret; seed separates uses (and
 * chains: sf_hash_bytes(b, n, sf_hash_bytes(a, m, s)) hashes a then b). */
static inline uint64_t sf_hash_bytes(const void *p, size_t n, uint64_t seed)
{
	struct sf_hash_key k = { sf_hash_secret.k0 ^ seed, sf_hash_secret.k1 };

	return sf_siphash13(&k, p, n);
}

/* Keyed hash of one 64-bit word (a table's bucket from a key that an
 * attacker can compute): sf_siphash13 of its 8 little-endian bytes. */
static inline uint64_t sf_hash_u64(uint64_t x)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(x >> (8 * i));
	return sf_siphash13(&sf_hash_secret, b, sizeof(b));
}

/* ---- unkeyed: the same in every process ---- */

/* splitmix64's finaliser (Steele, Lea & Flood 2014): spreads structured
 * keys; not for attacker-controlled table placement. */
static inline uint64_t sf_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

#define SF_FNV_OFFSET 0xcbf29ce484222325ULL
#define SF_FNV_PRIME 0x100000001b3ULL

/* FNV-1a, 64-bit, chained from h (SF_FNV_OFFSET to start): stable
 * fingerprints only. */
static inline uint64_t sf_fnv1a64(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * SF_FNV_PRIME;
	return h;
}

#endif
