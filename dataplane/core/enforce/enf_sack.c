/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP-aware blocking: SACK computation toward a sender and translation
 * of the receiver's SACKs (RFC 9260 §3.3.4), FORWARD-TSN (RFC 3758 §3.2)
 * translation and the injected FORWARD-TSN that skips a late blocked chunk. */
#include "enforce/enf_int.h"

#include <string.h>

static int srec_valid(const struct enf_dir *D, uint32_t wmask, uint32_t s)
{
	const struct enf_srec *r = &D->s[s & wmask];

	return r->s_tsn == s && r->state != SR_NONE;
}

/* Whether the receiver holds forwarded S TSN s (cum or gap ack), or, for
 * a removed one, would hold it: a removed chunk counts as received when
 * the forwarded chunk before it or the one after it was, so the sender
 * never sees it acked ahead of chunks still in flight (that would be a
 * gap report and, three times, a spurious fast retransmission, §7.2.4). */
size_t enf_sack_write(struct enf_table *t, struct enf_dir *D, const struct rsack *rs,
			 const uint32_t *dups, unsigned n_dups, uint8_t *o, size_t cap)
{
	uint32_t s, cum_s, run_start = 0, rcum = rs->have ? rs->cum : D->r_lo - 1;
	unsigned gi = 0, n_gaps = 0;
	int in_run = 0, near;
	size_t len;

	if (cap < 16)
		return 0;
	/* forwarded chunks: the receiver's view (pad = acked) */
	for (s = D->s_lo; sdiff(s, D->s_next) < 0; s++) {
		struct enf_srec *r = &D->s[s & t->wmask];

		if (!srec_valid(D, t->wmask, s))
			break;
		if (r->state == SR_REMOVED)
			continue;
		if (r->state == SR_HELD) {
			r->pad = 0;	/* the receiver has not got it */
			continue;
		}
		if (rs->have) {
			r->gap = 0;
			while (gi < rs->n_gaps && sdiff(rcum + sf_rd16(rs->gaps + gi * 4 + 2), r->r_tsn) < 0)
				gi++;
			if (gi < rs->n_gaps && sdiff(rcum + sf_rd16(rs->gaps + gi * 4), r->r_tsn) <= 0)
				r->gap = 1;
		}
		r->pad = sdiff(r->r_tsn, rcum) <= 0 || r->gap;
	}
	/* removed chunks: like their forwarded neighbours (after, then before) */
	near = 0;
	for (s = D->s_next - 1; sdiff(s, D->s_lo) >= 0; s--) {
		struct enf_srec *r = &D->s[s & t->wmask];

		if (!srec_valid(D, t->wmask, s))
			continue;
		if (r->state == SR_REMOVED)
			r->pad = (uint8_t)near;
		else
			near = r->pad;
	}
	near = 1;	/* everything below s_lo is acked */
	for (s = D->s_lo; sdiff(s, D->s_next) < 0; s++) {
		struct enf_srec *r = &D->s[s & t->wmask];

		if (!srec_valid(D, t->wmask, s))
			break;
		if (r->state == SR_REMOVED)
			r->pad = (uint8_t)(r->pad || near);
		else
			near = r->pad;
	}
	/* the cumulative point */
	for (s = D->s_lo; sdiff(s, D->s_next) < 0; s++) {
		struct enf_srec *r = &D->s[s & t->wmask];

		if (!srec_valid(D, t->wmask, s) || !r->pad)
			break;
		if (r->state == SR_HOLE)
			D->holes--;
		r->state = SR_NONE;
	}
	D->s_lo = s;
	cum_s = s - 1;
	len = 16;
	/* gap blocks over the rest */
	for (; sdiff(s, D->s_next) < 0; s++) {
		struct enf_srec *r = &D->s[s & t->wmask];
		int acked = srec_valid(D, t->wmask, s) && r->pad;

		if (acked && !in_run) {
			in_run = 1;
			run_start = s;
		} else if (!acked && in_run) {
			in_run = 0;
			if (n_gaps < ENF_MAX_GAPS && cap - len >= 4) {
				sf_wr16(o + len, (uint16_t)(run_start - cum_s));
				sf_wr16(o + len + 2, (uint16_t)(s - 1 - cum_s));
				len += 4;
				n_gaps++;
			}
		}
	}
	if (in_run && n_gaps < ENF_MAX_GAPS && cap - len >= 4) {
		sf_wr16(o + len, (uint16_t)(run_start - cum_s));
		sf_wr16(o + len + 2, (uint16_t)(s - 1 - cum_s));
		len += 4;
		n_gaps++;
	}
	for (unsigned i = 0; i < n_dups && cap - len >= 4; i++) {
		sf_wr32(o + len, dups[i]);
		len += 4;
	}
	/* RFC 9260 §3.3.4: type 3, flags 0, length, cum TSN, a_rwnd, #gaps, #dups */
	o[0] = SF_SCTP_SACK;
	o[1] = 0;
	sf_wr16(o + 2, (uint16_t)len);
	sf_wr32(o + 4, cum_s);
	sf_wr32(o + 8, D->a_rwnd);
	sf_wr16(o + 12, (uint16_t)n_gaps);
	sf_wr16(o + 14, (uint16_t)((len - 16) / 4 - n_gaps));
	return len;
}

/* Release one R entry whose TSN r the receiver has acked. */
static void r_release(struct enf_table *t, struct enf_dir *D, struct enf_rrec *rr, uint32_t r)
{
	if (rr->r_tsn == r && rr->kind == RR_ORIG) {
		const struct enf_srec *sr = &D->s[rr->s_tsn & t->wmask];

		if (sr->s_tsn == rr->s_tsn && sr->state == SR_SKIP && D->skips) {
			D->skips--;
			t->skip_total--;
		}
	}
	if (rr->r_tsn == r && rr->kind == RR_INJ && rr->slot < ENF_PEND &&
	    D->pend[rr->slot].state == PD_FLIGHT && D->pend[rr->slot].r_tsn == r) {
		D->pend[rr->slot].state = PD_FREE;
		D->n_pend--;
		t->pend_total--;
	}
	rr->kind = RR_NONE;
}

/* The receiver's cumulative ack (SACK or SHUTDOWN) for direction D: free
 * acked injected answers, release R entries. The work is bounded by the
 * window whatever the ack says: a range longer than the window (a forged
 * or corrupt SACK, state from mid-association) visits each slot once. */
void enf_r_advance(struct enf_table *t, struct enf_dir *D, uint32_t rcum)
{
	uint32_t r;

	if (sdiff(rcum, D->r_next) >= 0)
		rcum = D->r_next - 1;
	if (sdiff(rcum, D->r_lo) < 0)
		return;
	if ((uint32_t)sdiff(rcum, D->r_lo) > t->wmask) {
		for (uint32_t i = 0; i <= t->wmask; i++) {
			struct enf_rrec *rr = &D->r[i];

			if (rr->kind != RR_NONE && sdiff(rr->r_tsn, D->r_lo) >= 0 &&
			    sdiff(rr->r_tsn, rcum) <= 0)
				r_release(t, D, rr, rr->r_tsn);
		}
		D->r_lo = rcum + 1;
		return;
	}
	for (r = D->r_lo; sdiff(r, rcum) <= 0; r++)
		r_release(t, D, &D->r[r & t->wmask], r);
	D->r_lo = r;
}


/* ---- SACK from the receiver of D ---- */
size_t enf_on_sack(struct enf_table *t, struct enf_dir *D, const struct sctp_chunk *c,
		      uint8_t *o, size_t cap)
{
	struct sctp_sack_view sv;
	struct rsack rs;
	uint32_t dups[ENF_MAX_DUPS];
	unsigned nd = 0;
	uint32_t top_gap;

	if (sctp_sack_decode(c, &sv) != SF_OK)
		return 0;
	D->a_rwnd = sv.a_rwnd;
	D->sack_ns = t->now;
	for (unsigned i = 0; i < sv.n_dups && nd < ENF_MAX_DUPS; i++) {
		uint32_t r;
		const struct enf_rrec *rr;

		sctp_sack_dup(&sv, i, &r);
		rr = &D->r[r & t->wmask];
		if (rr->r_tsn == r && rr->kind == RR_ORIG)
			dups[nd++] = rr->s_tsn;
		else if (!D->renumbered)
			dups[nd++] = r;
	}
	enf_r_advance(t, D, sv.cum_tsn);
	/* answers: gap-acked ones are not resent; missing below a gap count
	 * as a miss (fast retransmit after 3, RFC 9260 §7.2.4) */
	top_gap = sv.cum_tsn;
	for (unsigned i = 0; i < sv.n_gaps; i++) {
		uint16_t st, en;

		sctp_sack_gap(&sv, i, &st, &en);
		for (unsigned k = 0; k < ENF_PEND; k++) {
			struct enf_pend *p = &D->pend[k];

			if (p->state == PD_FLIGHT && sdiff(p->r_tsn, sv.cum_tsn + st) >= 0 &&
			    sdiff(p->r_tsn, sv.cum_tsn + en) <= 0)
				p->gap = 1;
		}
		top_gap = sv.cum_tsn + en;
	}
	for (unsigned k = 0; k < ENF_PEND; k++) {
		struct enf_pend *p = &D->pend[k];

		if (p->state == PD_FLIGHT && !p->gap && sdiff(p->r_tsn, top_gap) < 0)
			p->miss++;
	}
	rs.have = 1;
	rs.cum = sv.cum_tsn;
	rs.gaps = sv.gaps.p;
	rs.n_gaps = sv.n_gaps;
	t->st.sacks_translated++;
	return enf_sack_write(t, D, &rs, dups, nd, o, cap);
}

/* RFC 3758 §3.2: FORWARD-TSN from D's sender; S → R. */
size_t enf_on_fwd_tsn(struct enf_table *t, struct enf_dir *D, const struct sctp_chunk *c,
			 uint8_t *o, size_t cap)
{
	struct sctp_fwd_tsn_view fv;
	uint32_t r_out = D->r_lo - 1;
	size_t len;

	if (sctp_fwd_tsn_decode(c, &fv) != SF_OK)
		return 0;
	for (uint32_t s = D->s_lo; sdiff(s, fv.new_cum_tsn) <= 0 && sdiff(s, D->s_next) < 0; s++) {
		const struct enf_srec *r = &D->s[s & t->wmask];

		if (r->s_tsn == s && (r->state == SR_FWD || r->state == SR_HOLE || r->state == SR_SKIP))
			r_out = r->r_tsn;
	}
	len = 8 + 4u * fv.n_streams;
	if (cap < len)
		return 0;
	o[0] = SF_SCTP_FORWARD_TSN;
	o[1] = 0;
	sf_wr16(o + 2, (uint16_t)len);
	sf_wr32(o + 4, D->renumbered ? r_out : fv.new_cum_tsn);
	for (unsigned i = 0; i < fv.n_streams; i++) {
		uint16_t sid, ssn;

		sctp_fwd_tsn_stream(&fv, i, &sid, &ssn);
		if (sid < ENF_STREAMS)
			ssn = (uint16_t)(ssn + D->ssn_delta[sid]);
		sf_wr16(o + 8 + 4 * i, sid);
		sf_wr16(o + 10 + 4 * i, ssn);
	}
	t->st.fwd_tsn_translated++;
	return len;
}

/* RFC 3758 §3.2: once the receiver of D holds every TSN below a skipped
 * one (its cumulative ack is just below), tell it to move past: new
 * cumulative TSN = the last skipped R TSN of the run, with the stream
 * sequence numbers of the ordered ones. Sent again after the RTO while
 * the receiver does not move. */
void enf_skip_flush(struct enf_table *t, struct enf_dir *D, uint64_t now,
		       struct enf_inject *inj, unsigned *n_inj, unsigned max)
{
	uint32_t r = D->r_lo, last = 0;
	unsigned n = 0;
	size_t off;
	uint8_t *p;
	uint16_t sids[16], ssns[16];
	unsigned ns = 0;

	if (!D->skips || *n_inj >= max || !D->tmpl.ok)
		return;
	for (; sdiff(r, D->r_next) < 0 && n < 64; r++, n++) {
		const struct enf_rrec *rr = &D->r[r & t->wmask];
		const struct enf_srec *sr;

		if (rr->r_tsn != r || rr->kind != RR_ORIG)
			break;
		sr = &D->s[rr->s_tsn & t->wmask];
		if (sr->s_tsn != rr->s_tsn || sr->state != SR_SKIP)
			break;
		last = r;
		if (!sr->unordered) {
			unsigned k;

			for (k = 0; k < ns && sids[k] != sr->sid; k++)
				;
			if (k == ns && ns < 16)
				sids[ns++] = sr->sid;
			if (k < 16)
				ssns[k] = sr->ssn;
		}
	}
	if (!n) {
		/* a skip waits above the receiver's last known cumulative ack;
		 * when its SACKs stopped (lost, and the sender, seeing its data
		 * acked, sends nothing that would bring another), ask for one:
		 * a duplicate DATA chunk is SACKed at once (RFC 9260 §6.2) */
		if (now - D->sack_ns < t->cfg.rto_ns || now - D->skip_ns < t->cfg.rto_ns)
			return;
		p = inj[*n_inj].pkt;
		off = enf_pkt_start(D, &D->tmpl, p);
		if (!off)
			return;
		off += enf_put_data_chunk(p + off, ENF_PKT_MAX - off, D->r_lo - 1, 0, 0,
				      (const uint8_t *)"\0\0\0\0", 4);
		inj[*n_inj].len = (uint16_t)enf_pkt_finish(&D->tmpl, p, off);
		inj[*n_inj].port = D->tmpl.port;
		(*n_inj)++;
		D->skip_ns = now;
		t->st.sack_probes++;
		return;
	}
	if (D->skip_cum == last && now - D->skip_ns < t->cfg.rto_ns)
		return;
	p = inj[*n_inj].pkt;
	off = enf_pkt_start(D, &D->tmpl, p);
	if (!off)
		return;
	p[off] = SF_SCTP_FORWARD_TSN;
	p[off + 1] = 0;
	sf_wr16(p + off + 2, (uint16_t)(8 + 4 * ns));
	sf_wr32(p + off + 4, last);
	for (unsigned k = 0; k < ns; k++) {
		sf_wr16(p + off + 8 + 4 * k, sids[k]);
		sf_wr16(p + off + 10 + 4 * k, ssns[k]);
	}
	off += 8 + 4 * ns;
	inj[*n_inj].len = (uint16_t)enf_pkt_finish(&D->tmpl, p, off);
	inj[*n_inj].port = D->tmpl.port;
	(*n_inj)++;
	D->skip_cum = last;
	D->skip_ns = now;
	t->st.fwd_tsn_injected++;
}
