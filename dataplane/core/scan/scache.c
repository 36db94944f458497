/* SPDX-License-Identifier: BSD-3-Clause */
/* Scan results of texts seen before (scan.h "results of texts seen
 * before"), in sets of scan_int.h's struct scan_ways: a way's tag is a
 * keyed hash of the text's CRC32C and length, and a tag that matches
 * leads to the entry, where the text is compared byte for byte. */
#include <stdlib.h>
#include <string.h>

#include "sf_crc32c.h"
#include "scan/scan.h"
#include "scan/scan_int.h"

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
	struct scan_ways *sets;
	struct sc_ent *ent;	/* n_sets * SCAN_WAYS */
	struct scan_cache_stats st;
};

struct scan_cache *scan_cache_create(unsigned entries)
{
	struct scan_cache *c;
	uint32_t n;

	if (entries == 0)
		return NULL;
	n = scan_ways_sets(entries, 1u << 24);
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->n_sets = n;
	c->sets = scan_ways_alloc(n);
	c->ent = calloc((size_t)n * SCAN_WAYS, sizeof(struct sc_ent));
	if (!c->sets || !c->ent) {
		scan_cache_free(c);
		return NULL;
	}
	c->st.entries = n * SCAN_WAYS;
	c->st.bytes = (size_t)n * (sizeof(struct scan_ways) + SCAN_WAYS * sizeof(struct sc_ent));
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

int scan_cache_find(struct scan_cache *c, const struct scan_bundle *b, const char *text,
		    size_t len, const char *sender, struct scan_cache_key *k,
		    struct scan_result *out, uint64_t *val)
{
	struct scan_ways *set;

	c->st.lookups++;
	if (len > SCAN_CACHE_TEXT_MAX) {
		c->st.too_long++;
		return -1;
	}
	k->gen = b->content_id;
	k->text = text;
	k->len = len;
	k->tag = sf_hash_u64((uint64_t)sf_crc32c_update(0, (const uint8_t *)text, len) << 32 | len);
	k->tag += !k->tag;	/* 0 marks a free way */
	k->set = scan_ways_set(k->tag, c->n_sets);
	set = &c->sets[k->set];
	for (unsigned w = 0; w < SCAN_WAYS; w++) {
		const struct sc_ent *e;

		if (set->tag[w] != k->tag)
			continue;
		e = &c->ent[(size_t)k->set * SCAN_WAYS + w];
		if (e->gen != k->gen || memcmp(e->text, text, len) != 0)
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
	struct scan_ways *set = &c->sets[k->set];
	struct sc_ent *e;
	unsigned w;
	int replaced;

	if (k->len > SCAN_CACHE_TEXT_MAX)
		return;
	w = scan_ways_victim(set, c->clock, &replaced);
	e = &c->ent[(size_t)k->set * SCAN_WAYS + w];
	c->st.replaced += (uint64_t)replaced;
	e->gen = k->gen;
	e->val = val;
	e->sender_dep = r->sender_dep;
	if (!r->sender_dep || !scan_sender_canon(sender, e->sender))
		e->sender[0] = 0;
	e->r = *r;
	memcpy(e->text, k->text, k->len);
	set->tag[w] = k->tag;
	set->age[w] = ++c->clock;
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
