/* SPDX-License-Identifier: BSD-3-Clause */
/* The trained content scorer: hashed character 1-3-grams of the normalised
 * text (the text the rules see) and one linear model per class, with
 * quantised weights. One feature extractor (score_extract) serves training
 * (smsfw-rulec train) and scoring (the engine, eval, explain); scoring
 * makes one pass over the text and allocates nothing.
 * Spec: rules/FORMAT.md "Model section".
 *
 * Model image (the MODEL section of a rule bundle, and the .model file
 * smsfw-rulec train writes; all integers big-endian):
 *   0   magic "SMSFWMDL"                         8
 *   8   format version (1)                       4
 *   12  hash bits (10..22)                       1
 *   13  n-gram min, max (1..3)                   1+1
 *   15  feature flags (SCORE_F_*)                1
 *   16  hash seed                                4
 *   20  weight scale: weights are w * 2^scale    1
 *   21  class count (1..SCORE_MAX_CLASSES)       1
 *   22  reserved, zero                           2
 *   24  classes, 48 bytes each: name (24, NUL-padded), smsfw class id u8,
 *       3 reserved zero bytes, bias, block threshold, tag threshold,
 *       rule raise (i32 each, milli-logits; thresholds SCORE_NEVER = off),
 *       4 reserved zero bytes
 *   .   corpus count u16, then per corpus: name length u8, name, lines u32,
 *       SHA-256 of the file (32)
 *   .   report length u32, report text (UTF-8, the cross-validated figures)
 *   .   weight row count u32, then per non-zero row (rising feature index):
 *       index delta as LEB128 (from the previous index + 1; the first from 0),
 *       class-count weights i16
 *   end-32  SHA-256 of every byte before it
 */
#ifndef SF_SCORE_H
#define SF_SCORE_H

#include <stddef.h>
#include <stdint.h>

#define SCORE_MAGIC "SMSFWMDL"
#define SCORE_FORMAT_VERSION 1
#define SCORE_MAX_CLASSES 8
#define SCORE_NAME_MAX 24
#define SCORE_NEVER INT32_MAX	/* threshold: the class never blocks / tags */
#define SCORE_MAX_CORPORA 32

/* feature flags */
#define SCORE_F_DIGIT_FOLD 0x01	/* 0-9 and 'x' are one symbol (corpora mask digits as x) */
#define SCORE_F_BOUNDARY 0x02	/* begin/end-of-text markers take part in n-grams */

struct score_class {
	char name[SCORE_NAME_MAX];
	uint8_t sf_class;	/* enum sf_class it blocks / tags as */
	int32_t bias;		/* milli-logits */
	int32_t block_thr;	/* score >= this blocks (SCORE_NEVER: never) */
	int32_t tag_thr;	/* score >= this tags */
	int32_t raise;		/* points added to a same-class rule score sum when score >= tag_thr */
};

struct score_corpus {
	char name[256];
	uint32_t lines;
	uint8_t sha256[32];
};

struct score_model {
	uint8_t bits, ngram_min, ngram_max, flags, scale, n_classes;
	uint32_t seed;
	struct score_class cls[SCORE_MAX_CLASSES];
	unsigned n_corpora;
	struct score_corpus corpora[SCORE_MAX_CORPORA];
	char *report;		/* NUL-terminated */
	int16_t *w;		/* [(1 << bits) * n_classes], row = feature */
	uint32_t version;	/* first 4 bytes of the image's SHA-256 */
	uint32_t nonzero_rows;
};

/* ---- the feature extractor ---- */

#define SCORE_CP_BEGIN 0x110001u	/* outside Unicode: cannot collide with text */
#define SCORE_CP_END 0x110002u
#define SCORE_CP_MASK 0x1FFFFFull	/* 21 bits */

/* Decode one UTF-8 code point at *pp (< end); invalid bytes give U+FFFD. */
static inline uint32_t score_utf8_next(const uint8_t **pp, const uint8_t *end)
{
	const uint8_t *p = *pp;
	uint32_t c = p[0], need, min;

	if (c < 0x80) {
		*pp = p + 1;
		return c;
	}
	if (c >= 0xE0 && c <= 0xEF && end - p >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
		/* the common case (CJK): three bytes */
		c = (c & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
		*pp = p + 3;
		return c < 0x800 || (c >= 0xD800 && c <= 0xDFFF) ? 0xFFFD : c;
	}
	if (c >= 0xC2 && c <= 0xDF) { need = 1; c &= 0x1F; min = 0x80; }
	else if (c >= 0xE0 && c <= 0xEF) { need = 2; c &= 0x0F; min = 0x800; }
	else if (c >= 0xF0 && c <= 0xF4) { need = 3; c &= 0x07; min = 0x10000; }
	else { *pp = p + 1; return 0xFFFD; }
	if ((size_t)(end - p) <= need) {
		*pp = end;
		return 0xFFFD;
	}
	for (uint32_t i = 1; i <= need; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*pp = p + i;
			return 0xFFFD;
		}
		c = c << 6 | (p[i] & 0x3F);
	}
	*pp = p + need + 1;
	return c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) ? 0xFFFD : c;
}

static inline uint64_t score_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* The salt of n-grams of length n (mixed from the seed). */
static inline uint64_t score_salt(uint32_t seed, unsigned n)
{
	return score_mix((uint64_t)seed << 8 | n);
}

/* The row of an n-gram: its code points packed 21 bits each (newest
 * lowest), xor the salt of its length, times a 64-bit odd constant; the
 * top bits are the row (multiplicative hashing). */
static inline uint32_t score_row(uint64_t packed, uint64_t salt, unsigned bits)
{
	return (uint32_t)(((packed ^ salt) * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
}

/* Called for each feature: its row, n-gram length and byte range
 * [off, end) in the text (the markers have no bytes). */
typedef void (*score_sink_fn)(void *ctx, uint32_t row, unsigned n, uint32_t off, uint32_t end);

/* THE feature extractor, for training, scoring and explaining alike: every
 * n-gram (n = ngram_min..ngram_max) of code points ending at each code
 * point of the text, in text order and then by n, repeats kept; with
 * SCORE_F_BOUNDARY a begin marker before and an end marker after a
 * non-empty text take part in n-grams (a marker alone is never a feature);
 * with SCORE_F_DIGIT_FOLD 0-9 and 'x' are one symbol '0'. Invalid UTF-8 is
 * U+FFFD. Calls sink per feature (inlined: sink is a constant at every
 * call site) and returns the count. One pass, no allocation. */
static inline __attribute__((always_inline)) uint32_t
score_cp_next(const uint8_t **pp, const uint8_t *e, int fold)
{
	uint32_t c = score_utf8_next(pp, e);

	if (fold && ((c - '0') < 10u || c == 'x'))
		c = '0';
	return c;
}

/* The 2- and 3-grams that end at the code point just shifted into key
 * (the 1-gram is the caller's: the boundary marker has none). */
static inline __attribute__((always_inline)) size_t
score_emit23(score_sink_fn sink, void *ctx, uint64_t key, uint64_t m2, uint64_t s2, uint64_t s3,
	     unsigned bits, unsigned have, unsigned nmin, unsigned nmax, uint32_t st0, uint32_t st1,
	     uint32_t at)
{
	size_t n = 0;

	if (have >= 2 && nmin <= 2 && nmax >= 2) {
		sink(ctx, score_row(key & m2, s2, bits), 2, st1, at);
		n++;
	}
	if (have >= 3 && nmax >= 3) {
		sink(ctx, score_row(key, s3, bits), 3, st0, at);
		n++;
	}
	return n;
}

static inline __attribute__((always_inline)) size_t
score_extract(const struct score_model *m, const char *text, size_t len, score_sink_fn sink,
	      void *ctx)
{
	const uint8_t *p = (const uint8_t *)text, *base = p, *e = p + len;
	const uint64_t m2 = SCORE_CP_MASK << 21 | SCORE_CP_MASK, m3 = 0x7FFFFFFFFFFFFFFFULL;
	const unsigned bits = m->bits, nmin = m->ngram_min, nmax = m->ngram_max;
	const int fold = m->flags & SCORE_F_DIGIT_FOLD, bound = m->flags & SCORE_F_BOUNDARY;
	uint64_t s1, s2, s3, key = 0;
	uint32_t st0 = 0, st1 = 0, st2 = 0, at;	/* starts of the last 3 code points, st2 newest */
	unsigned have = 0;
	size_t n = 0;

	if (!len)
		return 0;
	s1 = score_salt(m->seed, 1);
	s2 = score_salt(m->seed, 2);
	s3 = score_salt(m->seed, 3);
	if (bound) {
		key = SCORE_CP_BEGIN;	/* alone: no feature */
		have = 1;
	}
	for (;;) {
		if (p >= e)
			break;
		if (have >= 2 && nmin == 1 && nmax == 3) {
			/* the usual settings once 3 code points are known: the
			 * same n-grams as below without the tests */
			while (p < e) {
				at = (uint32_t)(p - base);
				key = (key << 21 | score_cp_next(&p, e, fold)) & m3;
				st0 = st1;
				st1 = st2;
				st2 = at;
				at = (uint32_t)(p - base);
				sink(ctx, score_row(key & SCORE_CP_MASK, s1, bits), 1, st2, at);
				sink(ctx, score_row(key & m2, s2, bits), 2, st1, at);
				sink(ctx, score_row(key, s3, bits), 3, st0, at);
				n += 3;
			}
			have = 3;
			break;
		}
		at = (uint32_t)(p - base);
		key = (key << 21 | score_cp_next(&p, e, fold)) & m3;
		st0 = st1;
		st1 = st2;
		st2 = at;
		if (have < 3)
			have++;
		at = (uint32_t)(p - base);
		if (nmin <= 1) {
			sink(ctx, score_row(key & SCORE_CP_MASK, s1, bits), 1, st2, at);
			n++;
		}
		n += score_emit23(sink, ctx, key, m2, s2, s3, bits, have, nmin, nmax, st0, st1, at);
	}
	if (bound) {
		at = (uint32_t)len;
		key = (key << 21 | SCORE_CP_END) & m3;
		st0 = st1;
		st1 = st2;
		st2 = at;
		if (have < 3)
			have++;
		n += score_emit23(sink, ctx, key, m2, s2, s3, bits, have, nmin, nmax, st0, st1, at);
	}
	return n;
}

/* Row indexes of every feature of text, in order (repeats kept): at most
 * max written, the total count returned. */
size_t score_features(const struct score_model *m, const char *text, size_t len,
		      uint32_t *out, size_t max);

/* ---- scoring ---- */

/* Per-class scores in milli-logits: bias + sum of the feature weights
 * divided by the square root of the feature count. One pass, no
 * allocation. Returns the feature count. */
size_t score_text(const struct score_model *m, const char *text, size_t len,
		  int32_t out[SCORE_MAX_CLASSES]);
/* The same in two steps, for a message that arrives in parts: the raw
 * per-class weight sums of text and its feature count (sums and counts of
 * several parts add up: the features do not depend on the order), then
 * the scores of the whole. score_text = score_sums + score_finish. */
size_t score_sums(const struct score_model *m, const char *text, size_t len,
		  int64_t sum[SCORE_MAX_CLASSES]);
void score_finish(const struct score_model *m, const int64_t sum[SCORE_MAX_CLASSES], size_t n,
		  int32_t out[SCORE_MAX_CLASSES]);

/* The model's own opinion: for the classes at or above their block
 * threshold, the one furthest above it blocks; else the same for tag.
 * Returns SF_ACT_BLOCK, SF_ACT_TAG or SF_ACT_NONE with *cls the model class
 * index (for NONE: the class with the highest score over its tag threshold). */
unsigned score_decide(const struct score_model *m, const int32_t s[SCORE_MAX_CLASSES], unsigned *cls);

/* ---- model images ---- */

/* Validate and load a model image; NULL + reason. The caller keeps buf. */
struct score_model *score_model_load(const uint8_t *buf, size_t len, char *err, size_t errlen);
struct score_model *score_model_load_file(const char *path, char *err, size_t errlen);
void score_model_free(struct score_model *m);

/* Serialise m (its weights, classes, corpora and report) into a malloc'd
 * image; 0 or -1 + reason. */
int score_model_write(const struct score_model *m, uint8_t **out, size_t *outlen,
		      char *err, size_t errlen);

/* "fraud:1234" contributions: the n features of text with the largest
 * |weight| for class c, by descending contribution (a feature that occurs
 * k times counts k times). For explain. Returns how many were written. */
struct score_contrib {
	uint32_t idx;		/* feature row */
	int32_t milli;		/* contribution to the score, milli-logits */
	uint16_t count;
	uint16_t off, len;	/* the n-gram's first occurrence, bytes of text */
};
unsigned score_top_contrib(const struct score_model *m, unsigned c, const char *text, size_t len,
			   struct score_contrib *out, unsigned max);

#endif
