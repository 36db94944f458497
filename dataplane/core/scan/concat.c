/* SPDX-License-Identifier: BSD-3-Clause */
/* Concatenated SMS (3GPP TS 23.040 §9.2.3.24.1: parts 1..total of one
 * reference) scanned as one Hyperscan stream, so phrases split between parts
 * are found. Per-message state is kept compressed (hs_compress_stream) in a
 * fixed table (flow/ftable.h: the least recently used message is evicted,
 * counted, when it is full; a message unused for the timeout expires); the
 * thread's one working stream is expanded into for each part
 * (hs_reset_and_expand_stream), so the hot path does not allocate. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sf_hash.h"
#include "sf_verdict.h"
#include "flow/ftable.h"
#include "scan/scan.h"
#include "scan/scan_int.h"
#include "score/score.h"

#define CONCAT_PART_MAX 640	/* normalised bytes buffered per early part */
#define CONCAT_STATE_SLACK 256	/* compressed state may carry a small header */

struct pend {
	uint32_t next;		/* pool index + 1; 0 = end */
	uint16_t len;
	uint8_t seq;
	char text[CONCAT_PART_MAX];
};

struct centry {
	uint64_t key;
	uint64_t last_ns;
	uint64_t gen;		/* content id of the bundle that made the stream state */
	uint8_t total;
	uint8_t next_seq;	/* next part to stream, 1-based; total + 1 = done */
	uint8_t has_state;
	uint8_t broken;		/* streaming given up: parts are scanned alone */
	uint8_t has_sender;
	char sender[BUNDLE_SENDER_MAX + 1];
	uint32_t pending;	/* chain of early parts sorted by seq */
	uint64_t chain;		/* keyed hash of the parts streamed so far, in
				 * order (cc_step); 0: not answerable from the cache */
	size_t state_len;
	struct scan_acc acc;	/* hits of the message so far */
	/* the content model's raw sums over the parts so far (each part
	 * added once, on arrival), and per class the highest score the
	 * message had so far: the model scores the message, not the part,
	 * and what it found in part 1 still holds for part 3 */
	int64_t msum[SCORE_MAX_CLASSES];
	int32_t mbest[SCORE_MAX_CLASSES];
	uint32_t mn;
};

/* The model's view of one part: its sums (sum, n; made when first
 * needed, or taken from the cache for a repeated part) and the scores
 * that decide (s); or, as tot, the message's scores so far. */
struct msg_model {
	const struct score_model *m;
	struct scan_part *p;	/* the part */
	int ready;		/* sum, n and s are set */
	int64_t sum[SCORE_MAX_CLASSES];
	size_t n;
	int32_t s[SCORE_MAX_CLASSES];
};

const char *scan_part_norm(struct scan_part *p)
{
	if (!p->have_norm) {
		p->norm_len = p->normalise(p->text, p->len, p->norm, p->norm_cap);
		p->have_norm = 1;
	}
	return p->norm;
}

uint64_t scan_part_value(struct scan_part *p)
{
	if (!p->val && p->value) {
		const char *norm = scan_part_norm(p);

		p->val = p->value(norm, p->norm_len);
	}
	return p->val;
}

/* The part's scores from its sums. */
static void model_ready(struct msg_model *part)
{
	score_finish(part->m, part->sum, part->n, part->s);
	part->ready = 1;
}

static void model_sum(struct msg_model *part)
{
	const char *norm;

	if (part->ready || !part->m)
		return;
	norm = scan_part_norm(part->p);
	part->n = score_sums(part->m, norm, part->p->norm_len, part->sum);
	model_ready(part);
}

static void model_get(const struct centry *e, struct msg_model *tot)
{
	memcpy(tot->s, e->mbest, sizeof(tot->s));
	tot->ready = 1;
}

static void model_add(struct centry *e, struct msg_model *part, struct msg_model *tot)
{
	int32_t now[SCORE_MAX_CLASSES];

	if (!part->m)
		return;
	model_sum(part);
	for (unsigned k = 0; k < SCORE_MAX_CLASSES; k++)
		e->msum[k] += part->sum[k];
	e->mn += (uint32_t)part->n;
	score_finish(part->m, e->msum, e->mn, now);
	for (unsigned k = 0; k < SCORE_MAX_CLASSES; k++)
		if (now[k] > e->mbest[k])
			e->mbest[k] = now[k];
	model_get(e, tot);
}

/* A campaign sent as a concatenated SMS repeats its parts as well: the
 * message's hits and stream state after a part, for the parts streamed
 * before it (their keyed hash chain: sf_hash.h, under the process secret)
 * and the part's own text as decoded (or as normalised when that is all
 * the caller has: another kind of key), compared byte for byte, with the
 * part's model sums and the caller's value of its normalised text (all
 * functions of the decoded text, the generation's model and the fixed
 * normaliser). A hit skips the normaliser, Hyperscan and the model's
 * n-gram walk. Texts as long as the single-part cache keeps
 * (SCAN_CACHE_TEXT_MAX). */
struct cc_ent {
	uint64_t prev;		/* the chain before this part (the way's tag:
				 * cc_step of prev over this part) */
	uint64_t gen;
	uint16_t len;
	uint8_t seq, total;
	uint8_t sender_dep;	/* acc holds for this canonical sender only */
	uint8_t has_sender;
	uint8_t decoded;	/* text is the part as decoded (else normalised) */
	char sender[BUNDLE_SENDER_MAX + 1];
	size_t state_len;	/* 0: the message ended with this part */
	struct scan_acc acc;	/* the message's hits after this part */
	uint32_t mn;		/* the part's model features (score_sums) */
	int64_t msum[SCORE_MAX_CLASSES];	/* and their weight sums */
	uint64_t val;		/* scan_part.value of the normalised text */
	char text[SCAN_CACHE_TEXT_MAX];
};

static uint64_t cc_step(uint64_t prev, uint8_t seq, uint8_t total, int decoded, const char *t, size_t n)
{
	uint64_t h = sf_hash_bytes(t, n, prev ^ sf_mix64((uint64_t)decoded << 16 | (uint64_t)seq << 8 | total));

	return h ? h : 1;
}

static uint64_t cc_start(uint64_t gen, uint8_t total)
{
	uint64_t h = sf_hash_u64(gen ^ sf_mix64(total));

	return h ? h : 1;
}

struct scan_concat {
	unsigned capacity;
	uint64_t timeout_ns;
	struct ftable *t;	/* key → struct centry */
	uint8_t *states;	/* capacity * state_slot bytes, by entry index */
	size_t state_slot;
	struct pend *pool;
	uint32_t pool_free;	/* free list head, index + 1 */
	struct scan_concat_stats st;
	/* results of repeated concatenated texts (scan_concat_cache) */
	uint32_t cc_sets;	/* 0: off */
	uint32_t cc_clock;
	struct scan_ways *cc_ways;	/* cc_sets (scan_int.h) */
	struct cc_ent *cc;	/* cc_sets * SCAN_WAYS */
	uint8_t *cc_states;	/* the stream state after the part, state_slot bytes each */
};


struct scan_concat *scan_concat_create(unsigned capacity, uint64_t timeout_ns)
{
	struct scan_concat *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	if (capacity < 8)
		capacity = 8;
	if (capacity > (1u << 24))
		capacity = 1u << 24;
	c->capacity = capacity;
	c->timeout_ns = timeout_ns;
	c->t = ftable_create(capacity, sizeof(struct centry));
	c->pool = calloc(c->capacity, sizeof *c->pool);
	if (!c->t || !c->pool) {
		scan_concat_free(c);
		return NULL;
	}
	for (unsigned i = 0; i < c->capacity; i++)
		c->pool[i].next = i + 2 <= c->capacity ? i + 2 : 0;
	c->pool_free = 1;
	return c;
}

void scan_concat_free(struct scan_concat *c)
{
	if (!c)
		return;
	ftable_destroy(c->t);
	free(c->states);
	free(c->pool);
	free(c->cc_ways);
	free(c->cc);
	free(c->cc_states);
	free(c);
}

/* Free the message's buffered parts and its entry. */
static void entry_release(struct scan_concat *c, struct centry *e)
{
	uint32_t p = e->pending;

	while (p) {
		uint32_t nx = c->pool[p - 1].next;

		c->pool[p - 1].next = c->pool_free;
		c->pool_free = p;
		p = nx;
	}
	ftable_remove(c->t, e->key);
}

int scan_concat_fit(struct scan_concat *c, const struct scan_bundle *b)
{
	size_t slot;
	uint8_t *ns;

	if (!b || !b->stream_db || c->state_slot >= b->stream_size + CONCAT_STATE_SLACK)
		return 0;
	slot = (b->stream_size + CONCAT_STATE_SLACK + 63) & ~(size_t)63;
	ns = malloc((size_t)c->capacity * slot);
	if (!ns)
		return -1;
	/* old states are unusable in new slots: every message restarts */
	for (struct centry *e; (e = ftable_oldest(c->t)) != NULL;) {
		c->st.reload_resets++;
		entry_release(c, e);
	}
	free(c->states);
	c->states = ns;
	c->state_slot = slot;
	if (c->cc_sets) {
		/* kept states are unusable in new slots too: the cache restarts */
		uint8_t *cs = malloc((size_t)c->cc_sets * SCAN_WAYS * slot);

		if (!cs)
			return -1;
		free(c->cc_states);
		c->cc_states = cs;
		memset(c->cc_ways, 0, (size_t)c->cc_sets * sizeof(*c->cc_ways));
	}
	return 0;
}

int scan_concat_cache(struct scan_concat *c, unsigned entries)
{
	uint32_t n;

	if (entries == 0 || c->cc_sets)
		return 0;
	n = scan_ways_sets(entries, 1u << 20);
	c->cc_ways = scan_ways_alloc(n);
	c->cc = calloc((size_t)n * SCAN_WAYS, sizeof(*c->cc));
	if (c->cc_ways && c->cc && c->state_slot)
		c->cc_states = malloc((size_t)n * SCAN_WAYS * c->state_slot);
	if (!c->cc_ways || !c->cc || (c->state_slot && !c->cc_states)) {
		free(c->cc_ways);
		free(c->cc);
		c->cc_ways = NULL;
		c->cc = NULL;
		return -1;
	}
	c->cc_sets = n;
	return 0;
}

static int expired(const struct scan_concat *c, const struct centry *e, uint64_t now)
{
	return now >= e->last_ns && now - e->last_ns > c->timeout_ns;
}

unsigned scan_concat_expire(struct scan_concat *c, uint64_t now_ns, unsigned budget)
{
	unsigned n = 0;
	struct centry *e;

	/* oldest first: the first one still in time ends the sweep */
	while (n < budget && (e = ftable_oldest(c->t)) != NULL && expired(c, e, now_ns)) {
		c->st.timeouts++;
		entry_release(c, e);
		n++;
	}
	return n;
}

unsigned scan_concat_active(const struct scan_concat *c)
{
	struct ftable_stats fs;

	ftable_stats(c->t, &fs);
	return (unsigned)fs.in_use;
}

void scan_concat_get_stats(const struct scan_concat *c, struct scan_concat_stats *out)
{
	*out = c->st;
}

/* Find the message's entry or make one (evicting the least recently used
 * message when the table is full). */
static struct centry *entry_get(struct scan_concat *c, const struct scan_bundle *b,
				uint64_t key, uint8_t total, const char *sender, uint64_t now)
{
	/* the table places keys with a keyed hash (sf_hash.h), and a new
	 * message only ever evicts the least recently used one of the whole
	 * table: crafted part-1 messages cannot aim at a victim's stream
	 * (issue 15 item 13), only flood the table, which is counted */
	struct centry *e = ftable_find(c->t, key);
	int created;

	if (e && expired(c, e, now)) {
		c->st.timeouts++;
		entry_release(c, e);
		e = NULL;
	}
	if (e && (e->total != total || e->gen != b->content_id)) {
		if (e->gen != b->content_id)
			c->st.reload_resets++;
		else
			c->st.restarts++;	/* reference reused for another message */
		entry_release(c, e);
		e = NULL;
	}
	if (e) {
		ftable_touch(c->t, e, now);
		return e;
	}
	if (ftable_full(c->t)) {
		struct centry *old = ftable_oldest(c->t);

		if (expired(c, old, now)) {
			c->st.timeouts++;
		} else {
			c->st.evictions++;
		}
		entry_release(c, old);
	}
	e = ftable_upsert(c->t, key, now, &created);	/* zeroed */
	e->key = key;
	e->total = total;
	e->next_seq = 1;
	e->gen = b->content_id;
	e->last_ns = now;
	e->has_sender = sender != NULL;
	if (sender)
		memcpy(e->sender, sender, strlen(sender) + 1);
	scan_acc_init(&e->acc);
	e->chain = cc_start(b->content_id, total);
	for (unsigned k = 0; k < SCORE_MAX_CLASSES; k++)
		e->mbest[k] = INT32_MIN;
	return e;
}

static uint8_t *entry_state(struct scan_concat *c, const struct centry *e)
{
	return c->states + (size_t)ftable_index(c->t, e) * c->state_slot;
}

/* Block scan of one part alone, into acc. */
static enum sf_err scan_alone(const struct scan_bundle *b, struct scan_scratch *s,
			      const char *norm, size_t len, const char *sender,
			      struct scan_acc *acc)
{
	struct scan_ctx ctx = { b, acc, sender };

	if (len > UINT32_MAX)
		return SF_E_RULES_TOO_LONG;
	if (hs_scan(b->block_db, norm, (unsigned)len, 0, s->hs, scan_on_match, &ctx) != HS_SUCCESS)
		return SF_E_RULES_SCAN;
	return SF_OK;
}

/* Stream the part seq (= e->next_seq) and any buffered successors. */
static enum sf_err stream_parts(struct scan_concat *c, const struct scan_bundle *b,
				struct scan_scratch *s, struct centry *e,
				const char *norm, size_t len)
{
	struct scan_ctx ctx = { b, &e->acc, e->has_sender ? e->sender : NULL };
	uint8_t *state = entry_state(c, e);
	hs_error_t r;

	if (e->has_state)
		r = hs_reset_and_expand_stream(s->stream, (const char *)state, e->state_len,
					       NULL, NULL, NULL);
	else
		r = hs_reset_stream(s->stream, 0, NULL, NULL, NULL);
	if (r != HS_SUCCESS)
		return SF_E_RULES_CONCAT_STREAM;
	if (len > UINT32_MAX)
		return SF_E_RULES_TOO_LONG;
	if (hs_scan_stream(s->stream, norm, (unsigned)len, 0, s->hs, scan_on_match, &ctx) != HS_SUCCESS)
		return SF_E_RULES_SCAN;
	e->next_seq++;
	c->st.streamed++;
	while (e->pending && c->pool[e->pending - 1].seq == e->next_seq) {
		uint32_t p = e->pending;
		struct pend *pp = &c->pool[p - 1];

		if (hs_scan_stream(s->stream, pp->text, pp->len, 0, s->hs, scan_on_match, &ctx) != HS_SUCCESS)
			return SF_E_RULES_SCAN;
		e->pending = pp->next;
		pp->next = c->pool_free;
		c->pool_free = p;
		e->next_seq++;
		c->st.streamed++;
	}
	if (e->next_seq > e->total) {
		/* the message is complete: end of data, so end-anchored rules report */
		if (hs_reset_stream(s->stream, 0, s->hs, scan_on_match, &ctx) != HS_SUCCESS)
			return SF_E_RULES_SCAN;
		e->has_state = 0;
		return SF_OK;
	}
	if (hs_compress_stream(s->stream, (char *)state, c->state_slot, &e->state_len) != HS_SUCCESS)
		return SF_E_RULES_CONCAT_STREAM;
	e->has_state = 1;
	return SF_OK;
}

/* The same three on a part's normalised text, made first if need be. */
static enum sf_err part_alone(const struct scan_bundle *b, struct scan_scratch *s,
			      struct scan_part *p, const char *sender, struct scan_acc *acc)
{
	const char *norm = scan_part_norm(p);

	return scan_alone(b, s, norm, p->norm_len, sender, acc);
}

static enum sf_err part_stream(struct scan_concat *c, const struct scan_bundle *b,
			       struct scan_scratch *s, struct centry *e, struct scan_part *p)
{
	const char *norm = scan_part_norm(p);

	return stream_parts(c, b, s, e, norm, p->norm_len);
}

static uint8_t *cc_state(struct scan_concat *c, const struct cc_ent *x)
{
	return c->cc_states + (size_t)(x - c->cc) * c->state_slot;
}

/* Stream the part seq (= e->next_seq, nothing buffered behind it), or,
 * for a repeated part of a repeated message, take the message's hits and
 * stream state after it from the cache; keep what was streamed. */
static enum sf_err stream_part_cached(struct scan_concat *c, const struct scan_bundle *b,
				      struct scan_scratch *s, struct centry *e, uint8_t seq,
				      struct msg_model *part)
{
	struct scan_part *p = part->p;
	int decoded = p->text != NULL;
	const char *kt = decoded ? p->text : p->norm;	/* the key text */
	size_t len = decoded ? p->len : p->norm_len;
	uint64_t tag = cc_step(e->chain, seq, e->total, decoded, kt, len);
	uint32_t si = scan_ways_set(tag, c->cc_sets);
	struct scan_ways *set = &c->cc_ways[si];
	struct cc_ent *x;
	enum sf_err err;
	unsigned w;
	int replaced;

	for (w = 0; w < SCAN_WAYS; w++) {
		x = &c->cc[(size_t)si * SCAN_WAYS + w];
		if (set->tag[w] != tag || x->prev != e->chain || x->gen != e->gen || x->seq != seq ||
		    x->total != e->total || x->decoded != decoded || x->len != len ||
		    memcmp(x->text, kt, len) != 0)
			continue;
		if (x->sender_dep && (x->has_sender != e->has_sender ||
				      (e->has_sender && strcmp(x->sender, e->sender) != 0)))
			continue;
		set->age[w] = ++c->cc_clock;
		e->acc = x->acc;
		e->has_state = x->state_len != 0;
		e->state_len = x->state_len;
		if (x->state_len)
			memcpy(entry_state(c, e), cc_state(c, x), x->state_len);
		if (part->m && !part->ready) {
			memcpy(part->sum, x->msum, sizeof(part->sum));
			part->n = x->mn;
			model_ready(part);
		}
		p->val = x->val;
		e->next_seq++;
		e->chain = tag;
		c->st.streamed++;
		c->st.cache_hits++;
		return SF_OK;
	}
	err = part_stream(c, b, s, e, p);
	if (err != SF_OK)
		return err;
	model_sum(part);
	scan_part_value(p);
	w = scan_ways_victim(set, c->cc_clock, &replaced);
	c->st.cache_replaced += (uint64_t)replaced;
	x = &c->cc[(size_t)si * SCAN_WAYS + w];
	x->prev = e->chain;
	x->gen = e->gen;
	x->len = (uint16_t)len;
	x->seq = seq;
	x->total = e->total;
	x->sender_dep = e->acc.sender_dep;
	x->has_sender = e->has_sender;
	memcpy(x->sender, e->sender, sizeof(x->sender));
	x->acc = e->acc;
	x->mn = part->m ? (uint32_t)part->n : 0;
	memcpy(x->msum, part->sum, sizeof(x->msum));
	x->val = p->val;
	x->decoded = (uint8_t)decoded;
	memcpy(x->text, kt, len);
	x->state_len = e->has_state ? e->state_len : 0;
	if (x->state_len)
		memcpy(cc_state(c, x), entry_state(c, e), x->state_len);
	set->tag[w] = tag;
	set->age[w] = ++c->cc_clock;
	e->chain = tag;
	return SF_OK;
}

static int pend_has(const struct scan_concat *c, const struct centry *e, uint8_t seq)
{
	for (uint32_t p = e->pending; p; p = c->pool[p - 1].next)
		if (c->pool[p - 1].seq == seq)
			return 1;
	return 0;
}

/* Buffer an early part; 0 or -1 (no room). */
static int pend_add(struct scan_concat *c, struct centry *e, uint8_t seq,
		    const char *norm, size_t len)
{
	uint32_t p = c->pool_free, *link = &e->pending;
	struct pend *pp;

	if (len > CONCAT_PART_MAX) {
		c->st.too_long++;
		return -1;
	}
	if (!p) {
		c->st.pool_full++;
		return -1;
	}
	pp = &c->pool[p - 1];
	c->pool_free = pp->next;
	pp->seq = seq;
	pp->len = (uint16_t)len;
	if (len)
		memcpy(pp->text, norm, len);
	while (*link && c->pool[*link - 1].seq < seq)
		link = &c->pool[*link - 1].next;
	pp->next = *link;
	*link = p;
	return 0;
}

static int part_pend(struct scan_concat *c, struct centry *e, uint8_t seq, struct scan_part *p)
{
	const char *norm = scan_part_norm(p);

	return pend_add(c, e, seq, norm, p->norm_len);
}

/* Give up streaming a message: buffered parts are scanned alone into the
 * message's hits and released; later parts are scanned alone too. */
static void entry_break(struct scan_concat *c, const struct scan_bundle *b,
			struct scan_scratch *s, struct centry *e)
{
	const char *snd = e->has_sender ? e->sender : NULL;

	e->broken = 1;
	e->has_state = 0;
	while (e->pending) {
		uint32_t p = e->pending;
		struct pend *pp = &c->pool[p - 1];

		(void)scan_alone(b, s, pp->text, pp->len, snd, &e->acc);
		e->pending = pp->next;
		pp->next = c->pool_free;
		c->pool_free = p;
	}
}

static enum sf_err concat_part_rules(struct scan_concat *c, const struct scan_bundle *b,
				     struct scan_scratch *s, uint64_t key, uint8_t seq, uint8_t total,
				     const char *sender, uint64_t now_ns,
				     struct msg_model *part, struct msg_model *tot,
				     struct scan_result *out)
{
	char canon[BUNDLE_SENDER_MAX + 1];
	const char *snd = scan_sender_canon(sender, canon) ? canon : NULL;
	struct scan_acc acc;
	struct centry *e;
	enum sf_err err;

	memset(out, 0, sizeof *out);
	c->st.parts++;
	if (!b->block_db)
		return SF_OK;
	if (!s || !s->hs)
		return SF_E_RULES_SCRATCH;
	scan_acc_init(&acc);
	/* TS 23.040 §9.2.3.24.1: sequence numbers run 1..total, total >= 1 */
	if (total == 0 || seq == 0 || seq > total) {
		err = part_alone(b, s, part->p, snd, &acc);
		if (err != SF_OK)
			return err;
		scan_acc_result(&acc, b, out);
		out->flags |= SCAN_F_ALONE;
		c->st.alone++;
		return SF_E_RULES_CONCAT_PART;
	}
	if ((s->stream_gen != b->gen && scan_scratch_fit(s, b) != 0) ||
	    scan_concat_fit(c, b) != 0 || !s->stream) {
		err = part_alone(b, s, part->p, snd, &acc);	/* out of memory on reload */
		if (err != SF_OK)
			return err;
		scan_acc_result(&acc, b, out);
		out->flags |= SCAN_F_ALONE;
		c->st.alone++;
		c->st.stream_errors++;
		return SF_OK;
	}
	e = entry_get(c, b, key, total, snd, now_ns);
	e->last_ns = now_ns;

	if (seq < e->next_seq || pend_has(c, e, seq)) {
		/* a retransmitted part: its own verdict plus the message so far */
		c->st.duplicates++;
		err = part_alone(b, s, part->p, snd, &acc);
		if (err != SF_OK)
			return err;
		scan_acc_merge(&acc, &e->acc, b);
		scan_acc_result(&acc, b, out);
		out->flags |= SCAN_F_DUPLICATE;
		model_get(e, tot);
		return SF_OK;
	}
	if (e->broken || (seq > e->next_seq && part_pend(c, e, seq, part->p) != 0)) {
		/* cannot stream (or hold) it: scanned alone, hits kept for the message */
		entry_break(c, b, s, e);
		c->st.alone++;
		err = part_alone(b, s, part->p, snd, &e->acc);
		if (err != SF_OK)
			return err;
		model_add(e, part, tot);
		scan_acc_result(&e->acc, b, out);
		out->flags |= SCAN_F_ALONE;
		if (seq == total) {
			out->flags |= SCAN_F_COMPLETE;
			entry_release(c, e);
		}
		return SF_OK;
	}
	if (seq > e->next_seq) {
		/* early: buffered for the stream, judged alone for now */
		c->st.buffered++;
		err = part_alone(b, s, part->p, snd, &acc);
		if (err != SF_OK)
			return err;
		scan_acc_merge(&acc, &e->acc, b);
		scan_acc_result(&acc, b, out);
		out->flags |= SCAN_F_BUFFERED;
		model_add(e, part, tot);
		return SF_OK;
	}
	if (c->cc_sets && c->cc_states && e->chain && !e->pending &&
	    (part->p->text ? part->p->len : part->p->norm_len) <= SCAN_CACHE_TEXT_MAX) {
		err = stream_part_cached(c, b, s, e, seq, part);
	} else {
		err = part_stream(c, b, s, e, part->p);
		e->chain = 0;	/* buffered parts streamed too, or too long: not kept */
	}
	if (err != SF_OK) {
		/* keep what the stream found; later parts go alone */
		c->st.stream_errors++;
		entry_break(c, b, s, e);
		err = part_alone(b, s, part->p, snd, &e->acc);
		if (err != SF_OK)
			return err;
		model_add(e, part, tot);
		scan_acc_result(&e->acc, b, out);
		out->flags |= SCAN_F_ALONE;
		return SF_OK;
	}
	model_add(e, part, tot);
	scan_acc_result(&e->acc, b, out);
	out->flags |= SCAN_F_STREAMED;
	if (e->next_seq > e->total) {
		out->flags |= SCAN_F_COMPLETE;
		c->st.completed++;
		entry_release(c, e);
	}
	return SF_OK;
}

/* The rules and the model both see the message so far: the rules through
 * the stream (or the hits of the parts scanned alone), the model through
 * the weight sums of every part that arrived, so a part that reads as
 * harmless alone gets the verdict of the scam it continues. */
enum sf_err scan_concat_text(struct scan_concat *c, const struct scan_bundle *b,
			     struct scan_scratch *s, uint64_t key, uint8_t seq, uint8_t total,
			     struct scan_part *p, const char *sender, uint64_t now_ns,
			     struct scan_result *out)
{
	struct msg_model part, tot;
	enum sf_err e;

	memset(&part, 0, sizeof(part));
	part.m = b->model;
	part.p = p;
	tot.ready = 0;
	e = concat_part_rules(c, b, s, key, seq, total, sender, now_ns, &part, &tot, out);
	if (e == SF_OK && part.m) {
		if (!tot.ready) {
			/* not part of a message (no rules, or scanned alone):
			 * the part's own scores */
			model_sum(&part);
			memcpy(tot.s, part.s, sizeof(tot.s));
		}
		scan_model_decide(b, tot.s, out);
	}
	return e;
}

enum sf_err scan_concat_part(struct scan_concat *c, const struct scan_bundle *b,
			     struct scan_scratch *s, uint64_t key, uint8_t seq, uint8_t total,
			     const char *norm, size_t len, const char *sender, uint64_t now_ns,
			     struct scan_result *out)
{
	struct scan_part p;

	memset(&p, 0, sizeof(p));
	p.norm = (char *)(uintptr_t)norm;	/* given: never written */
	p.norm_len = len;
	p.have_norm = 1;
	return scan_concat_text(c, b, s, key, seq, total, &p, sender, now_ns, out);
}
