/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals shared by bundle.c, scan.c, scache.c and concat.c: the loaded
 * bundle, the per-thread scratch, the hit accumulator behind every decision
 * and the sets of the two result caches. */
#ifndef SF_SCAN_INT_H
#define SF_SCAN_INT_H

#include <hs/hs.h>
#include <stdlib.h>
#include <string.h>

#include "sf_hash.h"
#include "sf_verdict.h"
#include "scan/bundle.h"
#include "scan/scan.h"

struct sender_entry {
	char v[BUNDLE_SENDER_MAX + 1];
	uint8_t len;
	uint8_t prefix;
};

struct sender_set {
	const char *name;
	unsigned n;
	struct sender_entry *e;
};

struct scan_bundle {
	uint64_t gen;
	uint64_t content_id;	/* from the file's SHA-256: equal for identical bundles, so compressed
				 * concat stream states survive a reload of the same rules */
	hs_database_t *block_db;	/* NULL when there are no rules */
	hs_database_t *stream_db;
	size_t stream_size;
	uint32_t threshold;
	unsigned n_rules;
	struct rule_info *rules;
	unsigned n_sets;
	struct sender_set *sets;
	struct sender_entry *entries;
	char *strings;
	size_t strings_len;
	uint8_t src_digest[32];
	struct score_model *model;	/* trained content scorer, NULL for none */
};

struct scan_scratch {
	hs_scratch_t *hs;
	hs_stream_t *stream;	/* working stream for concatenated messages */
	uint64_t stream_gen;	/* bundle generation the stream belongs to */
};

/* The hits of one scan (or one concatenated message so far). */
struct scan_acc {
	uint32_t allow_idx, block_idx, tag_idx;	/* lowest-id rule index + 1, 0 = none */
	uint32_t allow_sender_idx;	/* lowest allow rule whose sender set held, + 1 */
	int32_t score[SF_CLASS__COUNT];
	uint32_t score_idx[SF_CLASS__COUNT];	/* highest-scoring rule index + 1 */
	uint16_t n_hits;
	uint32_t hits[SCAN_MAX_HITS];		/* rule indexes */
	uint8_t sender_dep;			/* a rule with a sender condition matched */
};

/* One set of a 4-way set-associative cache of scan results (scache.c for
 * single parts, concat.c for concatenated ones): the ways' tags (0 = free)
 * and ages (the cache's clock at the last use), one cache line, so a
 * lookup reads the line and then only the entry whose tag matches. */
#define SCAN_WAYS 4

struct scan_ways {
	uint64_t tag[SCAN_WAYS];
	uint32_t age[SCAN_WAYS];
	uint32_t pad[SCAN_WAYS];
};
_Static_assert(sizeof(struct scan_ways) == 64, "a set is one cache line");

/* n empty sets, each on its own cache line; NULL without memory. */
static inline struct scan_ways *scan_ways_alloc(uint32_t n)
{
	struct scan_ways *w = aligned_alloc(64, (size_t)n * sizeof(*w));

	if (w)
		memset(w, 0, (size_t)n * sizeof(*w));
	return w;
}

/* Sets (a power of two, at least 2) for about entries entries, at most max. */
static inline uint32_t scan_ways_sets(unsigned entries, unsigned max)
{
	uint32_t n = 2;

	if (entries > max)
		entries = max;
	while (n * SCAN_WAYS < entries)
		n <<= 1;
	return n;
}

/* The set of a tag. Tags are keyed hashes (sf_hash.h, never 0), so texts
 * crafted to share a set only push each other out. */
static inline uint32_t scan_ways_set(uint64_t tag, uint32_t n_sets)
{
	return (uint32_t)tag & (n_sets - 1);
}

/* The way a new entry takes: a free one, else the least recently used
 * (ages wrap: the distance from the clock decides); *replaced is set when
 * it held an entry. */
static inline unsigned scan_ways_victim(const struct scan_ways *set, uint32_t clock, int *replaced)
{
	unsigned v = 0;

	for (unsigned w = 0; w < SCAN_WAYS; w++) {
		if (!set->tag[w]) {
			*replaced = 0;
			return w;
		}
		if (clock - set->age[w] > clock - set->age[v])
			v = w;
	}
	*replaced = 1;
	return v;
}

/* Match-callback context. */
struct scan_ctx {
	const struct scan_bundle *b;
	struct scan_acc *acc;
	const char *sender;	/* canonical, NULL when unknown */
};

void scan_acc_init(struct scan_acc *a);
/* Add rule index idx if its sender condition holds; no-op if already hit. */
void scan_acc_add(struct scan_acc *a, const struct scan_bundle *b, uint32_t idx, const char *sender);
void scan_acc_merge(struct scan_acc *dst, const struct scan_acc *src, const struct scan_bundle *b);
void scan_acc_result(const struct scan_acc *a, const struct scan_bundle *b, struct scan_result *out);
int scan_on_match(unsigned int id, unsigned long long from, unsigned long long to,
		  unsigned int flags, void *ctx);

#endif
