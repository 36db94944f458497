/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP-aware blocking: the TC-END answers injected for blocked Invokes
 * (enf_tcend.c builds them), their TSNs and SSNs, and their
 * retransmission (RFC 9260 §6.3, §7.2.4). */
#include "enforce/enf_int.h"

#include <string.h>
#include "decode/m3ua.h"
#include "decode/sccp.h"
#include "enforce/enf_tcend.h"

/* ---- answers (TC-END) ---- */
static uint16_t answer_stream(const struct enf_dir *D, uint16_t sid)
{
	unsigned n = D->n_streams < ENF_STREAMS ? D->n_streams : ENF_STREAMS;

	if (sid < n)
		return sid;
	/* RFC 4666 §1.4.7: stream 0 carries management; use another if any */
	return n > 1 ? (uint16_t)(1 + sid % (n - 1)) : 0;
}

/* Whether an injected answer can take the next R TSN: not while a hole
 * waits for a late chunk (its SSN could collide), nor between the
 * fragments of a message, whose TSNs must be consecutive (RFC 9260 §6.9:
 * a receiver aborts on a gap inside a message). */
int enf_answers_can_go(const struct enf_dir *D)
{
	return D->holes == 0 && !D->frag_open;
}

/* Give a deferred answer its R TSN and SSN and write its DATA chunk. */
size_t enf_pend_emit(struct enf_table *t, struct enf_dir *D, unsigned i, uint64_t now,
			uint8_t *o, size_t cap)
{
	struct enf_pend *p = &D->pend[i];
	struct enf_rrec *rr;
	size_t n;

	if (p->state == PD_DEFERRED) {
		if (sdiff(D->r_next - D->r_lo, (int32_t)t->wmask) >= 0)
			return 0;
		p->r_tsn = D->r_next;
		p->r_ssn = D->r_ssn_next[p->sid];
		n = enf_put_data_chunk(o, cap, p->r_tsn, p->sid, p->r_ssn, p->data, p->len);
		if (!n)
			return 0;
		D->r_next++;
		D->r_ssn_next[p->sid]++;
		D->ssn_delta[p->sid]++;	/* the sender's later messages move up */
		D->renumbered = 1;
		rr = &D->r[p->r_tsn & t->wmask];
		rr->r_tsn = p->r_tsn;
		rr->s_tsn = 0;
		rr->kind = RR_INJ;
		rr->slot = (uint8_t)i;
		p->state = PD_FLIGHT;
		p->rto_ns = t->cfg.rto_ns;
		t->st.answers_injected++;
	} else {
		n = enf_put_data_chunk(o, cap, p->r_tsn, p->sid, p->r_ssn, p->data, p->len);
		if (!n)
			return 0;
		p->rto_ns *= 2;
		if (p->rto_ns > 4000000000ull)
			p->rto_ns = 4000000000ull;
		t->st.answers_retransmitted++;
	}
	p->tries++;
	p->miss = 0;
	p->sent_ns = now;
	return n;
}

/* Build one packet toward D's receiver with the deferred answers (when D
 * has no holes) and the answers to retransmit now. */
void enf_flush_dir(struct enf_table *t, struct enf_dir *D, uint64_t now, int only_due,
		      struct enf_inject *inj, unsigned *n_inj, unsigned max)
{
	size_t off, start;
	uint8_t *p;

	if (!D->n_pend || *n_inj >= max || !D->tmpl.ok)
		return;
	p = inj[*n_inj].pkt;
	start = off = enf_pkt_start(D, &D->tmpl, p);
	if (!off)
		return;
	for (unsigned i = 0; i < ENF_PEND; i++) {
		struct enf_pend *q = &D->pend[i];
		int due;

		if (q->state == PD_DEFERRED)
			due = enf_answers_can_go(D);
		else if (q->state == PD_FLIGHT)
			due = !q->gap && (only_due ? now - q->sent_ns >= q->rto_ns : q->miss >= 3);
		else
			due = 0;
		if (due)
			off += enf_pend_emit(t, D, i, now, p + off, off < t->fmax ? t->fmax - off : 0);
	}
	if (off == start)
		return;
	inj[*n_inj].len = (uint16_t)enf_pkt_finish(&D->tmpl, p, off);
	inj[*n_inj].port = D->tmpl.port;
	(*n_inj)++;
}

int enf_queue_answer(struct enf_table *t, struct enf_dir *D, const struct enf_block *b,
			const struct sctp_data_view *dv)
{
	struct m3ua_view m;
	struct sccp_view sc;
	struct enf_tcend_in in;
	unsigned i;

	for (i = 0; i < ENF_PEND; i++)
		if (D->pend[i].state == PD_FREE)
			break;
	if (i == ENF_PEND || !b->has_otid)
		return -1;
	if (m3ua_decode(dv->payload.p, dv->payload.len, &m) != SF_OK || !m.has_pd ||
	    sccp_decode(m.user_data.p, m.user_data.len, &sc) != SF_OK)
		return -1;
	memset(&in, 0, sizeof(in));
	in.has_rc = m.has_rc;
	in.rc = m.rc;
	in.opc = m.dpc;
	in.dpc = m.opc;
	in.si = m.si;
	in.ni = m.ni;
	in.mp = m.mp;
	in.sls = m.sls;
	in.called.ssn = sc.calling.ssn;
	in.called.np = sc.calling.gt.np;
	memcpy(in.called.gt, sc.calling.gt.digits, sizeof(in.called.gt));
	in.calling.ssn = sc.called.ssn;
	in.calling.np = sc.called.gt.np;
	memcpy(in.calling.gt, sc.called.gt.digits, sizeof(in.calling.gt));
	in.dtid = b->otid;
	in.dialogue = b->begin && b->ac_version >= 2;
	in.ac = b->ac;
	in.ac_version = b->ac_version;
	in.invoke_id = b->invoke_id;
	in.opcode = b->opcode;
	in.is_error = b->action == ENF_REJECT;
	in.error = b->error;
	D->pend[i].len = (uint16_t)enf_tcend_build(D->pend[i].data, sizeof(D->pend[i].data), &in);
	if (!D->pend[i].len)
		return -1;
	D->pend[i].state = PD_DEFERRED;
	D->pend[i].gap = 0;
	D->pend[i].tries = 0;
	D->pend[i].sid = answer_stream(D, dv->sid);
	D->n_pend++;
	t->pend_total++;
	return 0;
}
