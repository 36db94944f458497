/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP-aware blocking: DATA chunks (RFC 9260 §3.3.1, §6.9): their S → R
 * mapping, removal of blocked messages, late chunks filling holes, and the
 * fragments of a message held until it is whole. */
#include "enforce/enf_int.h"

#include <string.h>

/* ---- DATA ---- */
const struct enf_block *enf_find_block(const struct enf_block *b, unsigned n, uint32_t tsn)
{
	for (unsigned i = 0; i < n; i++)
		if (b[i].tsn == tsn)
			return &b[i];
	return NULL;
}

/* SSN shift of a late chunk (filling a hole): the stream's current shift
 * minus the removals on that stream after it in TSN order. */
static int16_t late_delta(struct enf_table *t, const struct enf_dir *D, uint32_t tsn, uint16_t sid)
{
	int16_t delta = D->ssn_delta[sid];

	for (uint32_t s = tsn + 1; sdiff(s, D->s_next) < 0; s++) {
		const struct enf_srec *r = &D->s[s & t->wmask];

		if (r->s_tsn == s && r->state == SR_REMOVED && r->sid == sid && !r->unordered)
			delta++;
	}
	return delta;
}


/* TSNs between the highest seen and tsn were lost or reordered upstream:
 * each keeps an R slot of its own for when it comes (a hole). */
static void reserve_holes(struct enf_table *t, struct enf_dir *D, uint32_t tsn)
{
	for (; sdiff(D->s_next, tsn) < 0; D->s_next++) {
		struct enf_srec *r = &D->s[D->s_next & t->wmask];

		r->s_tsn = D->s_next;
		r->r_tsn = D->r_next;
		r->state = SR_HOLE;
		r->gap = 0;
		D->r[D->r_next & t->wmask] = (struct enf_rrec){ D->r_next, D->s_next, RR_ORIG, 0 };
		D->r_next++;
		D->holes++;
	}
}

/* A blocked message of several fragments of which some were forwarded
 * already (a fragment came late, or its hold was given up) cannot be
 * withdrawn; but when the ends support FORWARD-TSN, a receiver whose
 * cumulative TSN is moved past a partial message discards its fragments
 * (RFC 3758 §3.6). The fragment at tsn (its R slot taken, its R SSN set)
 * and its forwarded neighbours of the same message (consecutive TSNs, same
 * stream and SSN, RFC 9260 §6.9) are skipped together, like a late
 * blocked chunk. Ordered messages only: unordered ones have no SSN that
 * tells neighbouring messages apart. No answer: the message's head (its
 * SCCP addresses) left with the forwarded fragments; a reject or
 * fake-ack is counted lost and the sender's MAP timer expires. */
static void skip_message(struct enf_table *t, struct enf_dir *D, uint32_t tsn,
			 const struct enf_block *blk)
{
	struct enf_srec *r = &D->s[tsn & t->wmask];
	unsigned n = 1;
	uint32_t s;

	r->state = SR_SKIP;
	for (int dir = -1; dir <= 1; dir += 2) {
		for (s = tsn + (uint32_t)dir; sdiff(s, D->s_lo) >= 0 && sdiff(s, D->s_next) < 0;
		     s += (uint32_t)dir) {
			struct enf_srec *q = &D->s[s & t->wmask];

			/* one the receiver acked already is passed by the
			 * FORWARD-TSN without being counted as a skip */
			if (q->s_tsn != s || q->state != SR_FWD || q->sid != r->sid || q->unordered ||
			    q->ssn != r->ssn || sdiff(q->r_tsn, D->r_lo) < 0)
				break;
			q->state = SR_SKIP;
			n++;
		}
	}
	D->skips += n;
	t->skip_total += n;
	D->renumbered = 1;
	t->st.chunks_removed++;
	t->st.frag_msgs_skipped++;
	if (blk->action != ENF_DROP)
		t->st.answers_lost++;
}

/* Decide one DATA chunk of direction D: DATA_KEEP with the TSN/SSN to
 * write, DATA_REMOVE (need a SACK to the sender), DATA_MONITOR. */
int enf_on_data(struct enf_table *t, struct enf_dir *D, const struct sctp_data_view *dv,
		   const struct enf_block *blk, uint32_t *tsn_out, uint16_t *ssn_out, int *dup,
		   int *answer)
{
	uint32_t tsn = dv->tsn;
	int ordered = !(dv->flags & SF_SCTP_DATA_FLAG_U);
	struct enf_srec *r;

	*answer = 0;
	*dup = 0;
	if (sdiff(tsn, D->s_lo) < 0) {
		/* already acked to the sender: a retransmission after a lost
		 * SACK; acknowledge it again (RFC 9260 §6.2 duplicate) */
		t->st.old_retrans++;
		*dup = 1;
		return DATA_REMOVE;
	}
	if (sdiff(tsn, D->s_next) < 0) {
		r = &D->s[tsn & t->wmask];
		if (r->s_tsn != tsn)
			return DATA_MONITOR;
		switch (r->state) {
		case SR_FWD:
			t->st.fwd_retrans++;
			*tsn_out = r->r_tsn;
			*ssn_out = r->unordered ? dv->ssn : r->ssn;
			return DATA_KEEP;
		case SR_REMOVED:
		case SR_SKIP:
			t->st.removed_retrans++;
			*dup = 1;
			return DATA_REMOVE;
		case SR_HOLE:
			t->st.late_arrivals++;
			r->state = SR_FWD;
			r->sid = dv->sid;
			r->unordered = (uint8_t)!ordered;
			r->ssn = dv->ssn;
			if (ordered && dv->sid < ENF_STREAMS) {
				r->ssn = (uint16_t)(dv->ssn + late_delta(t, D, tsn, dv->sid));
				if (sdiff16(r->ssn, D->r_ssn_next[dv->sid]) >= 0)
					D->r_ssn_next[dv->sid] = (uint16_t)(r->ssn + 1);
			}
			if (blk) {
				int whole = (dv->flags & (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E)) ==
					    (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E);

				/* its R slot is taken: skip it with a FORWARD-TSN,
				 * or forward it when the ends cannot */
				if (whole && D->prsctp && (!ordered || dv->sid < ENF_STREAMS)) {
					r->state = SR_SKIP;
					D->skips++;
					t->skip_total++;
					D->renumbered = 1;
					t->st.chunks_removed++;
					t->st.late_skipped++;
					*answer = blk->action != ENF_DROP;
				} else if (!whole && D->prsctp && ordered && dv->sid < ENF_STREAMS) {
					skip_message(t, D, tsn, blk);
				} else {
					t->st.block_passed++;
				}
			}
			D->holes--;
			*tsn_out = r->r_tsn;
			*ssn_out = r->ssn;
			return r->state == SR_SKIP ? DATA_REMOVE : DATA_KEEP;
		default:
			return DATA_MONITOR;
		}
	}
	/* new TSN, maybe above a hole */
	if ((uint32_t)(tsn - D->s_lo) > t->wmask || (uint32_t)(D->r_next + (tsn - D->s_next) - D->r_lo) > t->wmask) {
		t->st.window_overflow++;
		if (D->renumbered)
			return DATA_MONITOR;
		/* identity so far: slide both windows */
		for (uint32_t s = D->s_lo; sdiff(s, D->s_next) < 0; s++)
			D->s[s & t->wmask].state = SR_NONE;
		D->holes = 0;
		D->s_lo = D->s_next = D->r_lo = D->r_next = tsn;
	}
	reserve_holes(t, D, tsn);
	r = &D->s[tsn & t->wmask];
	r->s_tsn = tsn;
	r->gap = 0;
	r->sid = dv->sid;
	r->unordered = (uint8_t)!ordered;
	D->s_next = tsn + 1;
	D->frag_open = !(dv->flags & SF_SCTP_DATA_FLAG_E);
	if (blk) {
		/* one chunk per message: fragments already forwarded cannot be
		 * taken back; streams beyond ENF_STREAMS are not renumbered */
		int whole = (dv->flags & (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E)) ==
			    (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E);

		if (whole && (!ordered || dv->sid < ENF_STREAMS)) {
			r->state = SR_REMOVED;
			r->ssn = dv->ssn;
			if (ordered)
				D->ssn_delta[dv->sid]--;
			D->renumbered = 1;
			t->st.chunks_removed++;
			*answer = blk->action != ENF_DROP;
			return DATA_REMOVE;
		}
		if (D->prsctp && ordered && dv->sid < ENF_STREAMS) {
			/* its other fragments left already (a hold given up):
			 * this one takes its R slot and the message is skipped */
			r->r_tsn = D->r_next;
			r->ssn = (uint16_t)(dv->ssn + D->ssn_delta[dv->sid]);
			if (sdiff16(r->ssn, D->r_ssn_next[dv->sid]) >= 0)
				D->r_ssn_next[dv->sid] = (uint16_t)(r->ssn + 1);
			D->r[D->r_next & t->wmask] = (struct enf_rrec){ D->r_next, tsn, RR_ORIG, 0 };
			D->r_next++;
			skip_message(t, D, tsn, blk);
			return DATA_REMOVE;
		}
		t->st.block_passed++;
	}
	r->state = SR_FWD;
	r->r_tsn = D->r_next;
	r->ssn = dv->ssn;
	if (ordered && dv->sid < ENF_STREAMS) {
		r->ssn = (uint16_t)(dv->ssn + D->ssn_delta[dv->sid]);
		if (sdiff16(r->ssn, D->r_ssn_next[dv->sid]) >= 0)
			D->r_ssn_next[dv->sid] = (uint16_t)(r->ssn + 1);
	}
	D->r[D->r_next & t->wmask] = (struct enf_rrec){ D->r_next, tsn, RR_ORIG, 0 };
	D->r_next++;
	*tsn_out = r->r_tsn;
	*ssn_out = r->ssn;
	return DATA_KEEP;
}


/* ---- the fragments of a message, held until it is whole ---- */
const struct enf_block *enf_find_block_range(const struct enf_block *b, unsigned n,
						uint32_t first, uint32_t next)
{
	for (unsigned i = 0; i < n; i++)
		if (sdiff(b[i].tsn, first) >= 0 && sdiff(b[i].tsn, next) < 0)
			return &b[i];
	return NULL;
}

/* Payload bytes of a released packet toward D's receiver. */
static size_t hold_budget(const struct enf_table *t, const struct enf_dir *D)
{
	size_t hdr = (size_t)D->tmpl.len + SF_SCTP_COMMON_HDR_LEN;

	return t->fmax > hdr ? t->fmax - hdr : 0;
}

/* Whether a chunk of plen bytes (padded) can join h (NULL: start one):
 * within hold_bytes, alone within an injected packet, and the release
 * (greedy packing into packets of fmax) within ENF_HOLD_PKTS packets. */
int enf_hold_fits(const struct enf_table *t, const struct enf_dir *D, const struct enf_hold *h,
		     size_t plen, uint8_t *pkts, uint32_t *cur)
{
	unsigned np = h ? h->pkts : 0;
	size_t c = h ? h->cur : 0, held = h ? h->len : 0;

	if (held + plen > t->hold_bytes || ENF_HDR_MAX + SF_SCTP_COMMON_HDR_LEN + plen > ENF_PKT_MAX)
		return 0;
	if (!np || c + plen > hold_budget(t, D)) {
		np++;
		c = plen;
	} else {
		c += plen;
	}
	if (np > ENF_HOLD_PKTS)
		return 0;
	*pkts = (uint8_t)np;
	*cur = (uint32_t)c;
	return 1;
}

/* The next fragment of the message held in h: consecutive TSN, same
 * stream, same SSN (ordered), not a B (RFC 9260 §6.9). */
int enf_hold_next(const struct enf_table *t, const struct enf_dir *D, const struct enf_hold *h,
		     const struct sctp_data_view *dv)
{
	uint8_t u = !!(dv->flags & SF_SCTP_DATA_FLAG_U);

	return dv->tsn == h->next && !(dv->flags & SF_SCTP_DATA_FLAG_B) && dv->sid == h->sid &&
	       u == h->unordered && (u || dv->ssn == h->ssn) &&
	       (uint32_t)(dv->tsn - D->s_lo) < t->wmask;
}

/* Hold fragment dv (its chunk: src, clen bytes) in D's hold; its TSN is
 * D->s_next. */
void enf_hold_put(struct enf_table *t, struct enf_dir *D, const struct sctp_data_view *dv,
		     const uint8_t *src, size_t clen, uint8_t pkts, uint32_t cur)
{
	struct enf_hold *h = &t->holds[D->hold - 1];
	struct enf_srec *r = &D->s[dv->tsn & t->wmask];
	size_t plen = (clen + 3) & ~(size_t)3;

	memcpy(h->buf + h->len, src, clen);
	memset(h->buf + h->len + clen, 0, plen - clen);
	h->len += (uint32_t)plen;
	h->pkts = pkts;
	h->cur = cur;
	h->next = dv->tsn + 1;
	r->s_tsn = dv->tsn;
	r->state = SR_HELD;
	r->gap = r->pad = 0;
	r->sid = dv->sid;
	r->unordered = !!(dv->flags & SF_SCTP_DATA_FLAG_U);
	r->ssn = dv->ssn;
	D->s_next = dv->tsn + 1;
	D->frag_open = 0;	/* held: answers may go before it */
	t->st.frag_held++;
}

/* Start holding the message whose B fragment dv is (a new TSN; the TSNs
 * skipped below it become holes). 0 when it cannot be held. */
int enf_hold_start(struct enf_table *t, struct enf_assoc *a, unsigned d,
		      const struct sctp_data_view *dv, const uint8_t *src, size_t clen)
{
	struct enf_dir *D = &a->d[d];
	struct enf_hold *h = NULL;
	uint8_t pkts;
	uint32_t cur;
	int u = !!(dv->flags & SF_SCTP_DATA_FLAG_U);

	if (sdiff(dv->tsn, D->s_next) < 0 || !D->tmpl.ok || (!u && dv->sid >= ENF_STREAMS) ||
	    (uint32_t)(dv->tsn - D->s_lo) >= t->wmask ||
	    (uint32_t)(D->r_next + (dv->tsn - D->s_next) - D->r_lo) >= t->wmask ||
	    t->hold_total >= t->n_holds || !enf_hold_fits(t, D, NULL, (clen + 3) & ~(size_t)3, &pkts, &cur))
		return 0;
	reserve_holes(t, D, dv->tsn);
	for (unsigned i = 0; i < t->n_holds; i++) {
		h = &t->holds[t->hold_hand];
		t->hold_hand = (t->hold_hand + 1) % t->n_holds;
		if (!h->owner)
			break;
	}
	h->owner = (uint32_t)(a - t->a) * 2 + d + 1;
	h->first = h->next = dv->tsn;
	h->sid = dv->sid;
	h->ssn = dv->ssn;
	h->unordered = (uint8_t)u;
	h->len = 0;
	h->since_ns = t->now;
	h->call = t->calls;
	D->hold = (uint16_t)(h - t->holds + 1);
	t->hold_total++;
	enf_hold_put(t, D, dv, src, clen, pkts, cur);
	return 1;
}

/* Give the held fragments of D their R TSNs and SSN, in order, and write
 * them: at o when they fit in room (o non-NULL), else in packets of their
 * own toward the receiver, appended to inj[*n_inj..max). Frees the hold.
 * Returns the bytes written at o; -1 (the hold stays) when the injected
 * packets do not fit in inj, -2 when the R window or the template cannot
 * take them. */
long enf_hold_release(struct enf_table *t, struct enf_dir *D, uint8_t *o, size_t room,
			 struct enf_inject *inj, unsigned *n_inj, unsigned max)
{
	struct enf_hold *h = &t->holds[D->hold - 1];
	uint32_t n = h->next - h->first;
	int in_place = o && h->len <= room;
	size_t pos, off = 0, start = 0, b = hold_budget(t, D);
	uint8_t *p = NULL;

	if ((uint32_t)(D->r_next + n - D->r_lo) > t->wmask)
		return -2;
	if (!in_place) {
		unsigned need = 0;

		if (!D->tmpl.ok)
			return -2;
		/* the same greedy packing as below */
		for (pos = 0; pos < h->len;) {
			size_t plen = ((size_t)sf_rd16(h->buf + pos + 2) + 3) & ~(size_t)3;

			if (!need || off + plen > b) {
				need++;
				off = 0;
			}
			off += plen;
			pos += plen;
		}
		if (*n_inj > max || max - *n_inj < need)
			return -1;
	}
	pos = 0;
	for (uint32_t s = h->first; s != h->next; s++) {
		const uint8_t *c = h->buf + pos;
		size_t plen = ((size_t)sf_rd16(c + 2) + 3) & ~(size_t)3;
		struct enf_srec *r = &D->s[s & t->wmask];
		uint8_t *dst;

		r->state = SR_FWD;
		r->r_tsn = D->r_next;
		if (!h->unordered) {
			r->ssn = (uint16_t)(h->ssn + D->ssn_delta[h->sid]);
			if (sdiff16(r->ssn, D->r_ssn_next[h->sid]) >= 0)
				D->r_ssn_next[h->sid] = (uint16_t)(r->ssn + 1);
		}
		D->r[D->r_next & t->wmask] = (struct enf_rrec){ D->r_next, s, RR_ORIG, 0 };
		D->r_next++;
		if (in_place) {
			dst = o + pos;
		} else {
			if (p && off - start + plen > b) {
				inj[*n_inj].len = (uint16_t)enf_pkt_finish(&D->tmpl, p, off);
				inj[*n_inj].port = D->tmpl.port;
				(*n_inj)++;
				p = NULL;
			}
			if (!p) {
				p = inj[*n_inj].pkt;
				start = off = enf_pkt_start(D, &D->tmpl, p);
			}
			dst = p + off;
			off += plen;
		}
		memcpy(dst, c, plen);
		sf_wr32(dst + 4, r->r_tsn);
		sf_wr16(dst + 10, r->ssn);
		pos += plen;
	}
	if (p) {
		inj[*n_inj].len = (uint16_t)enf_pkt_finish(&D->tmpl, p, off);
		inj[*n_inj].port = D->tmpl.port;
		(*n_inj)++;
	}
	D->frag_open = 1;	/* its E fragment is still to come */
	enf_hold_free(t, D);
	return in_place ? (long)pos : 0;
}

/* The message held in D is blocked: remove its fragments and its last
 * one, dv (TSN D->s_next), like one chunk: one SSN, acked to the sender
 * with its neighbours. Its M3UA bytes, for the answer, go to *msg. */
void enf_hold_remove(struct enf_table *t, struct enf_dir *D, const struct sctp_data_view *dv,
			struct sf_bytes *msg)
{
	struct enf_hold *h = &t->holds[D->hold - 1];
	struct enf_srec *r;
	size_t pos = 0, m = 0, cap = t->hold_bytes + ENF_PKT_MAX;

	for (uint32_t s = h->first; s != h->next; s++) {
		size_t clen = sf_rd16(h->buf + pos + 2);

		r = &D->s[s & t->wmask];
		r->state = SR_REMOVED;
		r->unordered = h->unordered ? 1 : SR_U_FRAG_NOT_LAST;
		if (clen > SF_SCTP_DATA_HDR_LEN && cap - m >= clen - SF_SCTP_DATA_HDR_LEN) {
			memcpy(t->scratch + m, h->buf + pos + SF_SCTP_DATA_HDR_LEN, clen - SF_SCTP_DATA_HDR_LEN);
			m += clen - SF_SCTP_DATA_HDR_LEN;
		}
		pos += (clen + 3) & ~(size_t)3;
	}
	if (cap - m >= dv->payload.len) {
		memcpy(t->scratch + m, dv->payload.p, dv->payload.len);
		m += dv->payload.len;
	}
	msg->p = t->scratch;
	msg->len = m;
	r = &D->s[dv->tsn & t->wmask];
	r->s_tsn = dv->tsn;
	r->state = SR_REMOVED;
	r->gap = r->pad = 0;
	r->sid = dv->sid;
	r->unordered = h->unordered;
	r->ssn = dv->ssn;
	D->s_next = dv->tsn + 1;
	D->frag_open = 0;
	if (!h->unordered)
		D->ssn_delta[h->sid]--;
	D->renumbered = 1;
	t->st.chunks_removed += h->next - h->first + 1;
	t->st.frag_msgs_removed++;
	enf_hold_free(t, D);
}

/* The association goes to monitor mode: messages held from earlier
 * packets leave first (their chunks are not in this one). */
int enf_go_monitor(struct enf_table *t, struct enf_assoc *a, struct enf_out *out)
{
	for (unsigned d = 0; d < 2; d++) {
		struct enf_dir *D = &a->d[d];

		if (!D->hold)
			continue;
		if (t->holds[D->hold - 1].call == t->calls) {
			enf_hold_free(t, D);	/* in this packet, forwarded as it is */
		} else if (enf_hold_release(t, D, NULL, 0, out->inject, &out->n_inject, ENF_INJECT_MAX) < 0) {
			t->st.hold_dropped += t->holds[D->hold - 1].next - t->holds[D->hold - 1].first;
			enf_hold_free(t, D);
		} else {
			t->st.hold_released++;
		}
	}
	enf_to_monitor(t, a);
	return ENF_PASS;
}
