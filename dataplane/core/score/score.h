/* SPDX-License-Identifier: BSD-3-Clause */
/* The trained content scorer: hashed character 1-3-grams of the normalised
 * text (the text the rules see) and one linear model per class, with
 * quantised weights. One feature extractor (score_iter) serves training
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

struct score_iter {
	const uint8_t *p, *end;
	uint32_t cp[3];		/* last code points, cp[2] newest */
	unsigned have;		/* code points seen (capped at 3) */
	unsigned n;		/* next n-gram length to emit at this position */
	uint32_t seed, mask;
	uint8_t nmin, nmax, flags;
	uint8_t state;		/* 0 start, 1 text, 2 end marker done */
	const uint8_t *base;
	uint32_t start[3];	/* byte offsets of cp[] in the text (markers: 0 or len) */
	uint32_t gram_off, gram_len;	/* the emitted n-gram's bytes (for explain) */
};

#define SCORE_CP_BEGIN 0x110001u	/* outside Unicode: cannot collide with text */
#define SCORE_CP_END 0x110002u

/* Decode one UTF-8 code point at *pp (< end); invalid bytes give U+FFFD. */
static inline uint32_t score_utf8_next(const uint8_t **pp, const uint8_t *end)
{
	const uint8_t *p = *pp;
	uint32_t c = p[0], need, min;

	if (c < 0x80) {
		*pp = p + 1;
		return c;
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

static inline uint32_t score_fold(uint32_t c, uint8_t flags)
{
	if ((flags & SCORE_F_DIGIT_FOLD) && ((c >= '0' && c <= '9') || c == 'x'))
		return '0';
	return c;
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

/* The hash of an n-gram (n = 1..3) of the newest code points. */
static inline uint32_t score_gram_hash(const uint32_t cp[3], unsigned n, uint32_t seed)
{
	uint64_t h = (uint64_t)seed << 32 | n;

	for (unsigned i = 3 - n; i < 3; i++)
		h = score_mix(h ^ ((uint64_t)cp[i] << 8 | i));
	return (uint32_t)h;
}

static inline void score_iter_init(struct score_iter *it, const char *text, size_t len,
				   const struct score_model *m)
{
	it->p = (const uint8_t *)text;
	it->base = it->p;
	it->end = it->p + len;
	it->have = 0;
	it->n = 0;
	it->seed = m->seed;
	it->mask = (1u << m->bits) - 1;
	it->nmin = m->ngram_min;
	it->nmax = m->ngram_max;
	it->flags = m->flags;
	it->state = 0;
	it->cp[0] = it->cp[1] = it->cp[2] = 0;
}

static inline void score_iter_push(struct score_iter *it, uint32_t c, uint32_t at)
{
	it->cp[0] = it->cp[1];
	it->cp[1] = it->cp[2];
	it->cp[2] = c;
	it->start[0] = it->start[1];
	it->start[1] = it->start[2];
	it->start[2] = at;
	if (it->have < 3)
		it->have++;
	it->n = it->nmin;
}

/* The next feature's row index; 0 at the end of the text, 1 with *idx set.
 * Features: every n-gram (n = nmin..nmax) ending at each code point, with
 * the begin marker before the text and the end marker after it (when
 * SCORE_F_BOUNDARY), so n-grams of the markers alone are never emitted. */
static inline int score_iter_next(struct score_iter *it, uint32_t *idx)
{
	for (;;) {
		if (it->n && it->n <= it->nmax && it->n <= it->have) {
			unsigned n = it->n++;

			/* a marker alone is not a feature */
			if (n == 1 && (it->cp[2] == SCORE_CP_BEGIN || it->cp[2] == SCORE_CP_END))
				continue;
			*idx = score_gram_hash(it->cp, n, it->seed) & it->mask;
			it->gram_off = it->start[3 - n];
			it->gram_len = (uint32_t)(it->p - it->base) - it->gram_off;
			return 1;
		}
		if (it->state == 0) {
			it->state = 1;
			if (it->flags & SCORE_F_BOUNDARY) {
				score_iter_push(it, SCORE_CP_BEGIN, 0);
				continue;
			}
		}
		if (it->state == 1) {
			if (it->p < it->end) {
				uint32_t at = (uint32_t)(it->p - it->base);

				score_iter_push(it, score_fold(score_utf8_next(&it->p, it->end), it->flags), at);
				continue;
			}
			it->state = 2;
			if ((it->flags & SCORE_F_BOUNDARY) && it->end > it->base) {
				score_iter_push(it, SCORE_CP_END, (uint32_t)(it->p - it->base));
				continue;
			}
		}
		return 0;
	}
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
