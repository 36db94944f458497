/* SPDX-License-Identifier: BSD-3-Clause */
/* Scan results of texts seen before (scan.h "results of texts seen
 * before"): 4-way set associative. A set's header line holds the four
 * ways' tags (CRC32C of the text, its length) and ages, so a lookup reads
 * one line and then only the entry whose tag matches, where the text is
 * compared byte for byte. The set comes from a keyed hash (sf_hash.h) of
 * the tag: texts crafted to share a CRC share a set and only push each
 * other out (they are scanned, as without the cache). */
#include <stdlib.h>
#include <string.h>

#include "sf_crc32c.h"
#include "sf_hash.h"
#include "scan/scan.h"
#include "scan/scan_int.h"

#define WAYS 4

struct sc_set {
	uint64_t tag[WAYS];	/* 0 = free; else crc << 32 | len << 1 | 1 */
	uint32_t age[WAYS];	/* the cache's clock at the last use */
	uint32_t pad[WAYS];	/* one cache line */
};
_Static_assert(sizeof(struct sc_set) == 64, "a set's header is one line");

struct sc_ent {
	uint64_t gen;		/* content id of the bundle that gave r */
	uint64_t val;
	uint8_t sender_dep;	/* r holds for this canonical sender only */
	char sender[BUNDLE_SENDER_MAX + 1];
	struct scan_result r;
	char text[SCAN_CACHE_TEXT_MAX];
};

struct scan_cache {
	uint32_t n_sets;	/* power of two */
	uint32_t clock;
	struct sc_set *sets;
	struct sc_ent *ent;	/* n_sets * WAYS */
	struct scan_cache_stats st;
};

struct scan_cache *scan_cache_create(unsigned entries)
{
	struct scan_cache *c;
	uint32_t n = 2;

	if (entries == 0)
		return NULL;
	if (entries > (1u << 24))
		entries = 1u << 24;
	while (n * WAYS < entries)
		n <<= 1;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->n_sets = n;
	c->sets = aligned_alloc(64, (size_t)n * sizeof(struct sc_set));
	c->ent = calloc((size_t)n * WAYS, sizeof(struct sc_ent));
	if (!c->sets || !c->ent) {
		scan_cache_free(c);
		return NULL;
	}
	memset(c->sets, 0, (size_t)n * sizeof(struct sc_set));
	c->st.entries = n * WAYS;
	c->st.bytes = (size_t)n * (sizeof(struct sc_set) + WAYS * sizeof(struct sc_ent));
	return c;
}

void scan_cache_free(struct scan_cache *c)
{
	if (!c)
		return;
	free(c->sets);
	free(c->ent);
	free(c);
}

static uint64_t tag_of(uint32_t h, size_t len)
{
	return (uint64_t)h << 32 | (uint64_t)len << 1 | 1;
}

int scan_cache_find(struct scan_cache *c, const struct scan_bundle *b, const char *norm,
		    size_t len, const char *sender, struct scan_cache_key *k,
		    struct scan_result *out, uint64_t *val)
{
	struct sc_set *set;
	uint64_t tag;

	c->st.lookups++;
	if (len > SCAN_CACHE_TEXT_MAX) {
		c->st.too_long++;
		return -1;
	}
	k->gen = b->content_id;
	k->text = norm;
	k->len = len;
	k->h = sf_crc32c_update(0, (const uint8_t *)norm, len);
	tag = tag_of(k->h, len);
	k->set = (uint32_t)sf_hash_u64(tag) & (c->n_sets - 1);
	set = &c->sets[k->set];
	for (unsigned w = 0; w < WAYS; w++) {
		const struct sc_ent *e;

		if (set->tag[w] != tag)
			continue;
		e = &c->ent[(size_t)k->set * WAYS + w];
		if (e->gen != k->gen || memcmp(e->text, norm, len) != 0)
			continue;
		if (e->sender_dep) {
			char canon[BUNDLE_SENDER_MAX + 1];

			if (!scan_sender_canon(sender, canon))
				canon[0] = 0;
			if (strcmp(canon, e->sender) != 0)
				continue;
		}
		set->age[w] = ++c->clock;
		*out = e->r;
		*val = e->val;
		c->st.hits++;
		return 1;
	}
	return 0;
}

void scan_cache_put(struct scan_cache *c, const struct scan_cache_key *k, const char *sender,
		    const struct scan_result *r, uint64_t val)
{
	struct sc_set *set = &c->sets[k->set];
	struct sc_ent *e;
	unsigned w, victim = 0;

	if (k->len > SCAN_CACHE_TEXT_MAX)
		return;
	/* a free way, else the least recently used one (ages wrap: the
	 * distance from the clock decides) */
	for (w = 0; w < WAYS; w++) {
		if (!set->tag[w]) {
			victim = w;
			break;
		}
		if (c->clock - set->age[w] > c->clock - set->age[victim])
			victim = w;
	}
	if (w == WAYS)
		c->st.replaced++;
	e = &c->ent[(size_t)k->set * WAYS + victim];
	e->gen = k->gen;
	e->val = val;
	e->sender_dep = r->sender_dep;
	e->sender[0] = 0;
	if (r->sender_dep && !scan_sender_canon(sender, e->sender))
		e->sender[0] = 0;
	e->r = *r;
	memcpy(e->text, k->text, k->len);
	set->tag[victim] = tag_of(k->h, k->len);
	set->age[victim] = ++c->clock;
	c->st.inserts++;
}

void scan_cache_get_stats(const struct scan_cache *c, struct scan_cache_stats *out)
{
	if (!c) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = c->st;
}
