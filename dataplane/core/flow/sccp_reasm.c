/* SPDX-License-Identifier: BSD-3-Clause */
/* Bounded SCCP segment reassembly (ITU-T Q.714 §4.1.1.2): a fixed slot
 * table with hash chains on (key, local reference) and an age list
 * (oldest first) for eviction and expiry. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sf_hash.h"
#include "flow/sccp_reasm.h"

#define NIL UINT32_MAX

struct reasm_slot {
	uint64_t key;
	uint64_t t_first;	/* arrival of the first segment */
	size_t len;		/* bytes held */
	uint32_t local_ref;
	uint32_t hnext;		/* hash chain, or free list */
	uint32_t older, newer;	/* age list */
	uint8_t used;
	uint8_t expect;		/* 'remaining' of the next segment */
};

struct sccp_reasm {
	unsigned max_msgs;
	size_t max_msg_len;
	struct reasm_slot *slot;
	uint8_t *buf;		/* max_msgs * max_msg_len */
	uint32_t *bucket;
	uint32_t bucket_mask;
	uint32_t free_head;
	uint32_t oldest, newest;
	struct sccp_reasm_stats st;
};

struct sccp_reasm *sccp_reasm_create(unsigned max_msgs, size_t max_msg_len)
{
	struct sccp_reasm *r;
	size_t nb = 1;

	if (max_msgs == 0 || max_msg_len == 0 || max_msgs >= NIL / 2 ||
	    max_msg_len > SIZE_MAX / max_msgs) {
		errno = EINVAL;
		return NULL;
	}
	while (nb < (size_t)max_msgs * 2)
		nb <<= 1;
	r = calloc(1, sizeof(*r));
	if (!r) {
		errno = ENOMEM;
		return NULL;
	}
	r->max_msgs = max_msgs;
	r->max_msg_len = max_msg_len;
	r->slot = calloc(max_msgs, sizeof(*r->slot));
	r->buf = malloc((size_t)max_msgs * max_msg_len);
	r->bucket = malloc(nb * sizeof(*r->bucket));
	if (!r->slot || !r->buf || !r->bucket) {
		sccp_reasm_destroy(r);
		errno = ENOMEM;
		return NULL;
	}
	r->bucket_mask = (uint32_t)(nb - 1);
	for (size_t i = 0; i < nb; i++)
		r->bucket[i] = NIL;
	for (unsigned i = 0; i < max_msgs; i++)
		r->slot[i].hnext = i + 1 < max_msgs ? i + 1 : NIL;
	r->free_head = 0;
	r->oldest = r->newest = NIL;
	return r;
}

void sccp_reasm_destroy(struct sccp_reasm *r)
{
	if (!r)
		return;
	free(r->slot);
	free(r->buf);
	free(r->bucket);
	free(r);
}

static uint32_t reasm_hash(const struct sccp_reasm *r, uint64_t key, uint32_t lr)
{
	/* keyed: calling GT and local reference come from the wire */
	uint64_t h = sf_hash_u64(key ^ ((uint64_t)lr * 0x9E3779B97F4A7C15ull));

	return (uint32_t)(h >> 32) & r->bucket_mask;
}

static uint32_t reasm_find(const struct sccp_reasm *r, uint64_t key, uint32_t lr)
{
	uint32_t i = r->bucket[reasm_hash(r, key, lr)];

	while (i != NIL && (r->slot[i].key != key || r->slot[i].local_ref != lr))
		i = r->slot[i].hnext;
	return i;
}

/* Unlink slot i from its chain and the age list and free it. */
static void reasm_release(struct sccp_reasm *r, uint32_t i)
{
	struct reasm_slot *s = &r->slot[i];
	uint32_t *pp = &r->bucket[reasm_hash(r, s->key, s->local_ref)];

	while (*pp != i)
		pp = &r->slot[*pp].hnext;
	*pp = s->hnext;
	if (s->older != NIL)
		r->slot[s->older].newer = s->newer;
	else
		r->oldest = s->newer;
	if (s->newer != NIL)
		r->slot[s->newer].older = s->older;
	else
		r->newest = s->older;
	s->used = 0;
	s->hnext = r->free_head;
	r->free_head = i;
	r->st.in_use--;
}

static uint32_t reasm_alloc(struct sccp_reasm *r, uint64_t key, uint32_t lr, uint64_t now)
{
	uint32_t i, b;
	struct reasm_slot *s;

	if (r->free_head == NIL) {
		reasm_release(r, r->oldest);
		r->st.evicted++;
	}
	i = r->free_head;
	s = &r->slot[i];
	r->free_head = s->hnext;
	b = reasm_hash(r, key, lr);
	s->key = key;
	s->local_ref = lr;
	s->t_first = now;
	s->len = 0;
	s->used = 1;
	s->hnext = r->bucket[b];
	r->bucket[b] = i;
	s->newer = NIL;
	s->older = r->newest;
	if (r->newest != NIL)
		r->slot[r->newest].newer = i;
	else
		r->oldest = i;
	r->newest = i;
	r->st.in_use++;
	return i;
}

static enum sf_err reasm_fail(struct sccp_reasm *r, uint32_t i, enum sf_err e)
{
	if (i != NIL)
		reasm_release(r, i);
	r->st.errors++;
	return e;
}

enum sf_err sccp_reasm_add(struct sccp_reasm *r, uint64_t key, const struct sccp_view *v,
			   uint64_t now_ns, struct sf_bytes *out)
{
	const struct sccp_segmentation *sg = &v->seg;
	uint32_t i;
	struct reasm_slot *s;
	uint8_t *dst;

	out->p = NULL;
	out->len = 0;
	if (!sg->present) {
		*out = v->data;
		return SF_OK;
	}
	i = reasm_find(r, key, sg->local_ref);
	if (sg->first) {
		if (i != NIL) {
			/* Q.714 §4.1.1.2: a new first segment: the old message is lost */
			reasm_release(r, i);
			r->st.errors++;
		}
		if (sg->remaining == 0) {
			r->st.completed++;
			*out = v->data;
			return SF_OK;
		}
		if (v->data.len > r->max_msg_len)
			return reasm_fail(r, NIL, SF_E_SCCP_REASM_TOO_LONG);
		i = reasm_alloc(r, key, sg->local_ref, now_ns);
		s = &r->slot[i];
		s->expect = (uint8_t)(sg->remaining - 1);
		if (v->data.len)
			memcpy(r->buf + (size_t)i * r->max_msg_len, v->data.p, v->data.len);
		s->len = v->data.len;
		return SF_OK;
	}
	if (i == NIL)
		return reasm_fail(r, NIL, SF_E_SCCP_REASM_UNEXPECTED);
	s = &r->slot[i];
	/* Q.714 §4.1.1.2: 'remaining segments' counts down by one */
	if (sg->remaining != s->expect)
		return reasm_fail(r, i, SF_E_SCCP_REASM_SEQUENCE);
	if (r->max_msg_len - s->len < v->data.len)
		return reasm_fail(r, i, SF_E_SCCP_REASM_TOO_LONG);
	dst = r->buf + (size_t)i * r->max_msg_len;
	if (v->data.len)
		memcpy(dst + s->len, v->data.p, v->data.len);
	s->len += v->data.len;
	if (sg->remaining == 0) {
		*out = sf_bytes_make(dst, s->len);
		reasm_release(r, i);	/* the bytes stay until the slot is reused */
		r->st.completed++;
		return SF_OK;
	}
	s->expect--;
	return SF_OK;
}

uint64_t sccp_reasm_key(uint32_t opc, const struct sccp_addr *calling)
{
	const struct sccp_gt *gt = &calling->gt;
	uint8_t f[12];
	uint64_t h = SF_FNV_OFFSET;	/* placed by a keyed table (sf_hash.h) */

	sf_wr32(f, opc);
	f[4] = calling->ai;
	sf_wr16(f + 5, calling->pc);
	f[7] = calling->ssn;
	f[8] = gt->tt;
	f[9] = (uint8_t)(gt->np << 4 | gt->es);
	f[10] = gt->nai;
	f[11] = gt->n_digits;
	h = sf_fnv1a64(h, f, sizeof(f));
	return sf_fnv1a64(h, gt->raw.p ? gt->raw.p : f, gt->raw.p ? gt->raw.len : 0);
}

void sccp_reasm_expire(struct sccp_reasm *r, uint64_t now_ns, uint64_t max_age_ns)
{
	while (r->oldest != NIL) {
		const struct reasm_slot *s = &r->slot[r->oldest];

		if (now_ns <= s->t_first || now_ns - s->t_first <= max_age_ns)
			break;
		reasm_release(r, r->oldest);
		r->st.expired++;
	}
}

void sccp_reasm_stats(const struct sccp_reasm *r, struct sccp_reasm_stats *out)
{
	*out = r->st;
}
