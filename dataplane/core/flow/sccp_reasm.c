/* SPDX-License-Identifier: BSD-3-Clause */
/* Bounded SCCP segment reassembly (ITU-T Q.714 §4.1.1.2) on the flow
 * table (flow/ftable.h): one entry per (calling party, local reference),
 * its bytes in the entry, the oldest evicted (counted) when it is full and
 * expired by age. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sf_hash.h"
#include "flow/ftable.h"
#include "flow/sccp_reasm.h"

struct reasm_msg {		/* the table's stamp is the first segment's arrival */
	size_t len;		/* bytes held */
	uint8_t expect;		/* 'remaining' of the next segment */
	uint8_t data[];		/* max_msg_len bytes */
};

struct sccp_reasm {
	size_t max_msg_len;
	struct ftable *t;
	struct sccp_reasm_stats st;	/* completed, errors (the table counts the rest) */
};

struct sccp_reasm *sccp_reasm_create(unsigned max_msgs, size_t max_msg_len)
{
	struct sccp_reasm *r;

	if (max_msgs == 0 || max_msg_len == 0 || max_msgs >= UINT32_MAX / 4 ||
	    max_msg_len > (SIZE_MAX - sizeof(struct reasm_msg)) / max_msgs) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (r)
		r->t = ftable_create(max_msgs, sizeof(struct reasm_msg) + max_msg_len);
	if (!r || !r->t) {
		sccp_reasm_destroy(r);
		errno = ENOMEM;
		return NULL;
	}
	r->max_msg_len = max_msg_len;
	return r;
}

void sccp_reasm_destroy(struct sccp_reasm *r)
{
	if (!r)
		return;
	ftable_destroy(r->t);
	free(r);
}

/* The table key of (calling party, local reference): keyed, since both
 * come from the wire and nobody may make their segments join another's. */
static uint64_t msg_key(uint64_t key, uint32_t lr)
{
	uint8_t b[12];

	sf_wr32(b, lr);
	memcpy(b + 4, &key, 8);
	return sf_hash_bytes(b, sizeof(b), 0x53434350ULL);
}

static enum sf_err reasm_fail(struct sccp_reasm *r, uint64_t k, enum sf_err e)
{
	if (k)
		ftable_remove(r->t, k);
	r->st.errors++;
	return e;
}

enum sf_err sccp_reasm_add(struct sccp_reasm *r, uint64_t key, const struct sccp_view *v,
			   uint64_t now_ns, struct sf_bytes *out)
{
	const struct sccp_segmentation *sg = &v->seg;
	uint64_t k;
	struct reasm_msg *m;
	int created;

	out->p = NULL;
	out->len = 0;
	if (!sg->present) {
		*out = v->data;
		return SF_OK;
	}
	k = msg_key(key, sg->local_ref);
	m = ftable_find(r->t, k);
	if (sg->first) {
		if (m) {
			/* Q.714 §4.1.1.2: a new first segment: the old message is lost */
			ftable_remove(r->t, k);
			r->st.errors++;
		}
		if (sg->remaining == 0) {
			r->st.completed++;
			*out = v->data;
			return SF_OK;
		}
		if (v->data.len > r->max_msg_len)
			return reasm_fail(r, 0, SF_E_SCCP_REASM_TOO_LONG);
		m = ftable_upsert(r->t, k, now_ns, &created);
		m->expect = (uint8_t)(sg->remaining - 1);
		if (v->data.len)
			memcpy(m->data, v->data.p, v->data.len);
		m->len = v->data.len;
		return SF_OK;
	}
	if (!m)
		return reasm_fail(r, 0, SF_E_SCCP_REASM_UNEXPECTED);
	/* Q.714 §4.1.1.2: 'remaining segments' counts down by one */
	if (sg->remaining != m->expect)
		return reasm_fail(r, k, SF_E_SCCP_REASM_SEQUENCE);
	if (r->max_msg_len - m->len < v->data.len)
		return reasm_fail(r, k, SF_E_SCCP_REASM_TOO_LONG);
	if (v->data.len)
		memcpy(m->data + m->len, v->data.p, v->data.len);
	m->len += v->data.len;
	if (sg->remaining == 0) {
		*out = sf_bytes_make(m->data, m->len);
		ftable_remove(r->t, k);	/* the bytes stay until the entry is reused */
		r->st.completed++;
		return SF_OK;
	}
	m->expect--;
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
	(void)ftable_expire(r->t, now_ns, max_age_ns, UINT32_MAX);
}

void sccp_reasm_stats(const struct sccp_reasm *r, struct sccp_reasm_stats *out)
{
	struct ftable_stats fs;

	ftable_stats(r->t, &fs);
	*out = r->st;
	out->evicted = fs.evictions;
	out->expired = fs.expirations;
	out->in_use = fs.in_use;
}
