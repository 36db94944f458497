/* SPDX-License-Identifier: BSD-3-Clause */
/* Bounded reassembly of fragmented SCTP user messages: RFC 9260 §6.9
 * (DATA: B/E flags, consecutive TSNs, SSN shared by the fragments of an
 * ordered message) and RFC 8260 §2.1 (I-DATA: MID + FSN). Fixed slots
 * allocated once, a hash on (key, SID) to find them, a FIFO by age for
 * eviction and expiry. A message is bounded by bytes (and by time, in
 * sctp_reasm_expire), as a receiver's window bounds it, not by a count of
 * fragments: each fragment is a record (seq, len, bytes) in its slot's
 * buffer, and the record headers count against the slot's bytes. */
#include "sf_hash.h"
#include "flow/sctp_reasm.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define NIL (-1)

/* How a message's fragments are placed. */
enum reasm_mode {
	MODE_POSITIONED,	/* ordered DATA (by TSN) and I-DATA (by FSN) */
	MODE_CONTIGUOUS,	/* unordered DATA: a run of consecutive TSNs */
};

/* A fragment in the slot buffer: seq (TSN, or FSN for I-DATA) and len,
 * 4 octets each in host order, then len bytes. */
#define REC_HDR SCTP_REASM_FRAG_OVERHEAD

struct reasm_slot {
	uint64_t key;
	uint64_t born_ns;
	int32_t hnext;		/* hash chain */
	int32_t older, newer;	/* age FIFO; free list uses newer */
	uint8_t in_use, mode, type, unordered;
	uint8_t has_b, has_e;
	uint16_t sid, ssn;
	uint32_t mid;
	uint32_t b_seq, e_seq;	/* positioned: seq of B and E when seen */
	uint32_t lo, hi;	/* contiguous: TSN run held */
	uint32_t ppid, first_tsn;
	uint32_t used;		/* bytes of records in buf */
	uint32_t n_frags;
	uint8_t *buf;
};

struct sctp_reasm {
	unsigned max_msgs;
	size_t max_msg_len;
	uint32_t hmask;
	int32_t *heads;		/* hash buckets */
	int32_t oldest, newest;	/* age FIFO of slots in use */
	int32_t free_head;
	struct reasm_slot *slots;
	uint8_t *bufs;
	uint8_t *out;
	uint32_t max_frags;	/* fragments that fit in one slot: max_msg_len / (REC_HDR + 1) */
	uint32_t *order;	/* max_frags record offsets, for complete() */
	struct sctp_reasm_msg last;
	struct sctp_reasm_stats st;
};

static uint32_t bucket_of(const struct sctp_reasm *r, uint64_t key, uint16_t sid)
{
	/* keyed (sf_hash.h): association and stream come from the wire */
	uint64_t h = sf_hash_u64(key ^ ((uint64_t)sid * 0x9E3779B97F4A7C15ull));

	return (uint32_t)h & r->hmask;
}

struct sctp_reasm *sctp_reasm_create(unsigned max_msgs, size_t max_msg_len)
{
	struct sctp_reasm *r;
	uint32_t nb = 1;

	if (max_msgs == 0 || max_msgs > (1u << 24) || max_msg_len == 0 ||
	    max_msg_len > UINT32_MAX || max_msg_len > SIZE_MAX / max_msgs) {
		errno = EINVAL;
		return NULL;
	}
	while (nb < max_msgs * 2u)
		nb <<= 1;
	r = calloc(1, sizeof(*r));
	if (!r) {
		errno = ENOMEM;
		return NULL;
	}
	r->max_msgs = max_msgs;
	r->max_msg_len = max_msg_len;
	r->hmask = nb - 1;
	r->heads = malloc(nb * sizeof(*r->heads));
	r->slots = calloc(max_msgs, sizeof(*r->slots));
	r->bufs = malloc(max_msgs * max_msg_len);
	r->out = malloc(max_msg_len);
	r->max_frags = (uint32_t)(max_msg_len / (REC_HDR + 1)) + 1;
	r->order = malloc(r->max_frags * sizeof(*r->order));
	if (!r->heads || !r->slots || !r->bufs || !r->out || !r->order) {
		sctp_reasm_destroy(r);
		errno = ENOMEM;
		return NULL;
	}
	for (uint32_t i = 0; i < nb; i++)
		r->heads[i] = NIL;
	for (unsigned i = 0; i < max_msgs; i++) {
		r->slots[i].buf = r->bufs + (size_t)i * max_msg_len;
		r->slots[i].newer = i + 1 < max_msgs ? (int32_t)(i + 1) : NIL;
	}
	r->free_head = 0;
	r->oldest = r->newest = NIL;
	return r;
}

void sctp_reasm_destroy(struct sctp_reasm *r)
{
	if (!r)
		return;
	free(r->heads);
	free(r->slots);
	free(r->bufs);
	free(r->out);
	free(r->order);
	free(r);
}

static void slot_release(struct sctp_reasm *r, int32_t i)
{
	struct reasm_slot *s = &r->slots[i];
	int32_t *pp = &r->heads[bucket_of(r, s->key, s->sid)];

	while (*pp != NIL && *pp != i)
		pp = &r->slots[*pp].hnext;
	if (*pp == i)
		*pp = s->hnext;
	if (s->older != NIL)
		r->slots[s->older].newer = s->newer;
	else
		r->oldest = s->newer;
	if (s->newer != NIL)
		r->slots[s->newer].older = s->older;
	else
		r->newest = s->older;
	s->in_use = 0;
	s->newer = r->free_head;
	r->free_head = i;
	r->st.in_use--;
}

static int32_t slot_alloc(struct sctp_reasm *r, uint64_t key, const struct sctp_data_view *d,
			  uint8_t mode, uint64_t now_ns)
{
	struct reasm_slot *s;
	uint32_t b;
	int32_t i;

	if (r->free_head == NIL) {
		/* full: the oldest message in progress makes room */
		slot_release(r, r->oldest);
		r->st.evicted++;
	}
	i = r->free_head;
	s = &r->slots[i];
	r->free_head = s->newer;
	memset(s, 0, offsetof(struct reasm_slot, buf));
	s->key = key;
	s->born_ns = now_ns;
	s->in_use = 1;
	s->mode = mode;
	s->type = d->type;
	s->unordered = (d->flags & SF_SCTP_DATA_FLAG_U) != 0;
	s->sid = d->sid;
	s->ssn = d->ssn;
	s->mid = d->mid;
	b = bucket_of(r, key, d->sid);
	s->hnext = r->heads[b];
	r->heads[b] = i;
	s->older = r->newest;
	s->newer = NIL;
	if (r->newest != NIL)
		r->slots[r->newest].newer = i;
	else
		r->oldest = i;
	r->newest = i;
	r->st.in_use++;
	return i;
}

static void rec_read(const struct reasm_slot *s, uint32_t off, uint32_t *seq, uint32_t *len)
{
	memcpy(seq, s->buf + off, 4);
	memcpy(len, s->buf + off + 4, 4);
}

/* Append one fragment as a record; the caller checked room. */
static void frag_append(struct reasm_slot *s, uint32_t seq, struct sf_bytes pl)
{
	uint32_t len = (uint32_t)pl.len;

	memcpy(s->buf + s->used, &seq, 4);
	memcpy(s->buf + s->used + 4, &len, 4);
	memcpy(s->buf + s->used + REC_HDR, pl.p, pl.len);
	s->used += REC_HDR + len;
	s->n_frags++;
}

/* 1 if a fragment with this seq is held */
static int frag_held(const struct reasm_slot *s, uint32_t seq)
{
	for (uint32_t off = 0; off < s->used;) {
		uint32_t q, n;

		rec_read(s, off, &q, &n);
		if (q == seq)
			return 1;
		off += REC_HDR + n;
	}
	return 0;
}

static enum sf_err drop(struct sctp_reasm *r, int32_t i, enum sf_err e)
{
	slot_release(r, i);
	r->st.dropped++;
	return e;
}

/* Copy the fragments in sequence order from base into r->out and free the
 * slot. All of base .. base + n_frags - 1 are present once (checked). */
static void complete(struct sctp_reasm *r, int32_t i, uint32_t base, struct sf_bytes *out)
{
	struct reasm_slot *s = &r->slots[i];
	size_t len = 0;

	for (uint32_t off = 0; off < s->used;) {
		uint32_t q, n;

		rec_read(s, off, &q, &n);
		r->order[(uint32_t)(q - base)] = off;
		off += REC_HDR + n;
	}
	for (uint32_t k = 0; k < s->n_frags; k++) {
		uint32_t q, n;

		rec_read(s, r->order[k], &q, &n);
		memcpy(r->out + len, s->buf + r->order[k] + REC_HDR, n);
		len += n;
	}
	r->last.type = s->type;
	r->last.unordered = s->unordered;
	r->last.sid = s->sid;
	r->last.n_frags = s->n_frags > UINT16_MAX ? UINT16_MAX : (uint16_t)s->n_frags;
	r->last.first_tsn = s->first_tsn;
	r->last.ppid = s->ppid;
	out->p = r->out;
	out->len = len;
	slot_release(r, i);
	r->st.completed++;
}

/* The slot's bytes bound the message: payload plus a record header per
 * fragment (so tiny fragments cost what they take). */
static int room_for(const struct sctp_reasm *r, const struct reasm_slot *s, size_t n)
{
	return sf_has(r->max_msg_len, s->used, REC_HDR) && sf_has(r->max_msg_len, s->used + REC_HDR, n);
}

/* 1 if q lies in the window of seqs a message with the B/E seen can have */
static int in_window(const struct sctp_reasm *r, const struct reasm_slot *s, uint32_t q)
{
	return !((s->has_b && (uint32_t)(q - s->b_seq) >= r->max_frags) ||
		 (s->has_e && (uint32_t)(s->e_seq - q) >= r->max_frags));
}

/* Ordered DATA (seq = TSN; same SID + SSN) and I-DATA (seq = FSN; same
 * SID + U + MID). */
static enum sf_err add_positioned(struct sctp_reasm *r, uint64_t key, const struct sctp_data_view *d,
				  uint64_t now_ns, struct sf_bytes *out)
{
	int is_idata = d->type == SF_SCTP_I_DATA;
	int unordered = (d->flags & SF_SCTP_DATA_FLAG_U) != 0;
	uint32_t seq = is_idata ? d->fsn : d->tsn;
	struct reasm_slot *s;
	int32_t i;

	for (i = r->heads[bucket_of(r, key, d->sid)]; i != NIL; i = r->slots[i].hnext) {
		s = &r->slots[i];
		if (s->key == key && s->sid == d->sid && s->mode == MODE_POSITIONED &&
		    s->type == d->type && s->unordered == unordered &&
		    (is_idata ? s->mid == d->mid : s->ssn == d->ssn))
			break;
	}
	if (i == NIL)
		i = slot_alloc(r, key, d, MODE_POSITIONED, now_ns);
	s = &r->slots[i];
	if (frag_held(s, seq)) {
		/* a retransmission: keep what we have */
		r->st.duplicates++;
		return SF_E_SCTP_REASM_DUPLICATE;
	}
	if (d->flags & SF_SCTP_DATA_FLAG_B) {
		/* RFC 8260 §2.1: the first fragment has FSN 0 */
		if (s->has_b || (is_idata && seq != 0))
			return drop(r, i, SF_E_SCTP_REASM_BAD_ORDER);
		s->has_b = 1;
		s->b_seq = seq;
		s->first_tsn = d->tsn;
		s->ppid = d->ppid;
	}
	if (d->flags & SF_SCTP_DATA_FLAG_E) {
		if (s->has_e)
			return drop(r, i, SF_E_SCTP_REASM_BAD_ORDER);
		s->has_e = 1;
		s->e_seq = seq;
	}
	if (!room_for(r, s, d->payload.len))
		return drop(r, i, SF_E_SCTP_REASM_TOO_LONG);
	frag_append(s, seq, d->payload);
	/* RFC 9260 §6.9: the fragments of a message have consecutive TSNs
	 * from B to E; a message longer than the slot's bytes can hold is
	 * too long, and everything held must lie in that window */
	if (s->has_b && s->has_e &&
	    (uint32_t)(s->e_seq - s->b_seq) >= r->max_frags)
		return drop(r, i, (uint32_t)(s->e_seq - s->b_seq) < 0x80000000u ?
			    SF_E_SCTP_REASM_TOO_LONG : SF_E_SCTP_REASM_BAD_ORDER);
	if (d->flags & (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E)) {
		/* the window just narrowed: check every fragment held */
		for (uint32_t off = 0; off < s->used;) {
			uint32_t q, n;

			rec_read(s, off, &q, &n);
			if (!in_window(r, s, q))
				return drop(r, i, SF_E_SCTP_REASM_BAD_ORDER);
			off += REC_HDR + n;
		}
	} else if (!in_window(r, s, seq)) {
		return drop(r, i, SF_E_SCTP_REASM_BAD_ORDER);
	}
	if (s->has_b && s->has_e && s->n_frags == (uint32_t)(s->e_seq - s->b_seq) + 1)
		complete(r, i, s->b_seq, out);
	return SF_OK;
}

/* Unordered DATA: only TSN contiguity ties fragments together, so a slot
 * always holds one run lo..hi of consecutive TSNs. */
static enum sf_err add_contiguous(struct sctp_reasm *r, uint64_t key, const struct sctp_data_view *d,
				  uint64_t now_ns, struct sf_bytes *out)
{
	int is_b = (d->flags & SF_SCTP_DATA_FLAG_B) != 0;
	int is_e = (d->flags & SF_SCTP_DATA_FLAG_E) != 0;
	uint32_t t = d->tsn;
	int32_t left = NIL, right = NIL, i;
	struct reasm_slot *s;

	for (i = r->heads[bucket_of(r, key, d->sid)]; i != NIL; i = r->slots[i].hnext) {
		s = &r->slots[i];
		if (s->key != key || s->sid != d->sid || s->mode != MODE_CONTIGUOUS)
			continue;
		if ((uint32_t)(t - s->lo) <= (uint32_t)(s->hi - s->lo)) {
			r->st.duplicates++;
			return SF_E_SCTP_REASM_DUPLICATE;
		}
		/* a B fragment only starts a run, an E fragment only ends one */
		if (!is_b && !s->has_e && s->hi + 1 == t)
			left = i;
		if (!is_e && !s->has_b && s->lo - 1 == t)
			right = i;
	}
	if (left != NIL) {
		s = &r->slots[left];
		if (!room_for(r, s, d->payload.len))
			goto full_left;
		frag_append(s, t, d->payload);
		s->hi = t;
		s->has_e = (uint8_t)is_e;
		if (right != NIL) {
			/* t filled the gap between two runs: join them */
			struct reasm_slot *rs = &r->slots[right];

			for (uint32_t off = 0; off < rs->used;) {
				uint32_t q, n;
				struct sf_bytes pl;

				rec_read(rs, off, &q, &n);
				pl = sf_bytes_make(rs->buf + off + REC_HDR, n);
				off += REC_HDR + n;
				if (!room_for(r, s, pl.len)) {
					drop(r, right, SF_E_SCTP_REASM_TOO_LONG);
					goto full_left;
				}
				frag_append(s, q, pl);
			}
			s->hi = rs->hi;
			s->has_e = rs->has_e;
			slot_release(r, right);
		}
		i = left;
	} else if (right != NIL) {
		s = &r->slots[right];
		if (!room_for(r, s, d->payload.len))
			return drop(r, right, SF_E_SCTP_REASM_TOO_LONG);
		frag_append(s, t, d->payload);
		s->lo = t;
		if (is_b) {
			s->has_b = 1;
			s->first_tsn = t;
			s->ppid = d->ppid;
		}
		i = right;
	} else {
		i = slot_alloc(r, key, d, MODE_CONTIGUOUS, now_ns);
		s = &r->slots[i];
		if (!room_for(r, s, d->payload.len))
			return drop(r, i, SF_E_SCTP_REASM_TOO_LONG);
		frag_append(s, t, d->payload);
		s->lo = s->hi = t;
		s->has_b = (uint8_t)is_b;
		s->has_e = (uint8_t)is_e;
		if (is_b) {
			s->first_tsn = t;
			s->ppid = d->ppid;
		}
	}
	if (s->has_b && s->has_e)
		complete(r, i, s->lo, out);
	return SF_OK;

full_left:
	return drop(r, left, SF_E_SCTP_REASM_TOO_LONG);
}

enum sf_err sctp_reasm_add(struct sctp_reasm *r, uint64_t key, const struct sctp_data_view *d,
			   uint64_t now_ns, struct sf_bytes *out)
{
	out->p = NULL;
	out->len = 0;
	if (d->payload.len == 0)
		return SF_E_SCTP_REASM_EMPTY;
	if (d->payload.len > r->max_msg_len)
		return SF_E_SCTP_REASM_TOO_LONG;
	if ((d->flags & (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E)) ==
	    (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E)) {
		/* not fragmented: hand it back as a message of its own */
		memcpy(r->out, d->payload.p, d->payload.len);
		r->last.type = d->type;
		r->last.unordered = (d->flags & SF_SCTP_DATA_FLAG_U) != 0;
		r->last.sid = d->sid;
		r->last.n_frags = 1;
		r->last.first_tsn = d->tsn;
		r->last.ppid = d->ppid;
		out->p = r->out;
		out->len = d->payload.len;
		r->st.completed++;
		return SF_OK;
	}
	if (d->type == SF_SCTP_DATA && (d->flags & SF_SCTP_DATA_FLAG_U))
		return add_contiguous(r, key, d, now_ns, out);
	return add_positioned(r, key, d, now_ns, out);
}

void sctp_reasm_expire(struct sctp_reasm *r, uint64_t now_ns, uint64_t max_age_ns)
{
	while (r->oldest != NIL) {
		const struct reasm_slot *s = &r->slots[r->oldest];

		if (now_ns < s->born_ns || now_ns - s->born_ns <= max_age_ns)
			break;
		slot_release(r, r->oldest);
		r->st.expired++;
	}
}

const struct sctp_reasm_msg *sctp_reasm_last(const struct sctp_reasm *r)
{
	return &r->last;
}

void sctp_reasm_stats(const struct sctp_reasm *r, struct sctp_reasm_stats *out)
{
	*out = r->st;
}
