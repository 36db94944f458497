/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP-aware enforcement on a worker lcore: collect the blocked parts the
 * engine reports for a packet, run the packet through the worker's
 * enforcement table (dataplane/core/enforce), and turn its output into
 * mbufs: the rewritten packet, injected SACKs and TC-END answers. No
 * allocation but mbufs from the pool on this path. */
#include "dp_enforce.h"

#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "dp.h"
#include "enforce/enforce.h"
#include "sf_wire.h"

#define DP_ENF_BLOCKS 32	/* blocked parts per packet */
#define DP_ENF_WINDOW 1024	/* TSNs tracked per direction */

struct dp_enf {
	struct enf_table *tbl;
	unsigned n_blocks;
	struct enf_block blocks[DP_ENF_BLOCKS];
	uint64_t tsc_hz;
	uint64_t no_mbuf, lost_blocks;
	uint64_t chained;	/* packets built as multi-segment mbufs */
	uint64_t not_whole;	/* frames passed unenforced: not read whole */
	struct enf_out out;
	struct enf_inject tick_inj[ENF_INJECT_MAX];
};

struct dp_enf *dp_enforce_create(const struct dp_ctx *ctx, unsigned worker, char *err, size_t errlen)
{
	struct dp_enf *e = calloc(1, sizeof(*e));	/* outlives the EAL for the exit report */
	struct enf_config c;

	(void)worker;
	if (!e) {
		snprintf(err, errlen, "enforcement: out of memory");
		return NULL;
	}
	memset(&c, 0, sizeof(c));
	c.max_assocs = ctx->cfg.enforce_assocs;
	c.window = DP_ENF_WINDOW;
	c.rto_ns = 1000000000ull;	/* RFC 9260 §6.3.1 RTO.Initial is 1 s */
	e->tbl = enf_create(&c, err, errlen);
	if (!e->tbl) {
		free(e);
		return NULL;
	}
	e->tsc_hz = rte_get_tsc_hz();
	return e;
}

void dp_enforce_destroy(struct dp_enf *e)
{
	if (!e)
		return;
	enf_destroy(e->tbl);
	free(e);
}

void dp_enforce_begin(struct dp_enf *e)
{
	e->n_blocks = 0;
}

void dp_enforce_note_part(struct dp_enf *e, const struct dp_ctx *ctx, const struct sf_part_verdict *v)
{
	const struct sf_sms *s = v->sms;
	struct enf_block *b;

	if (v->pv.verdict != SF_VERDICT_BLOCK)
		return;
	if (e->n_blocks == DP_ENF_BLOCKS) {
		e->lost_blocks++;
		return;
	}
	b = &e->blocks[e->n_blocks++];
	memset(b, 0, sizeof(*b));
	b->tsn = s->tsn;
	switch (v->pv.class_id < SF_CLASS__COUNT ? ctx->cfg.block_action[v->pv.class_id] : DP_BLOCK_DROP) {
	case DP_BLOCK_REJECT:
		b->action = ENF_REJECT;
		break;
	case DP_BLOCK_FAKE_ACK:
		b->action = ENF_FAKE_ACK;
		break;
	default:
		b->action = ENF_DROP;
		break;
	}
	b->has_otid = s->has_otid;
	b->otid = s->otid;
	b->invoke_id = s->invoke_id;
	b->opcode = s->op == SF_OP_MT_FORWARD_SM ? SF_MAP_OP_MT_FORWARD_SM : SF_MAP_OP_MO_FORWARD_SM;
	b->begin = s->tcap_type == SF_TCAP_BEGIN;
	b->ac = s->op == SF_OP_MT_FORWARD_SM ? SF_MAP_AC_SHORT_MSG_MT_RELAY : SF_MAP_AC_SHORT_MSG_MO_RELAY;
	b->ac_version = s->map_version;
	b->error = ctx->cfg.reject_error;
}

static uint64_t now_ns(const struct dp_enf *e)
{
	uint64_t c = rte_rdtsc();

	return (c / e->tsc_hz) * 1000000000ull + (c % e->tsc_hz) * 1000000000ull / e->tsc_hz;
}

/* A packet in mbufs from the pool: one segment when it fits, else a chain
 * (a jumbo frame or a large bundle; the ports send multi-segment mbufs). */
static struct rte_mbuf *mbuf_from(struct dp_enf *e, struct rte_mempool *pool,
				  const uint8_t *p, size_t len)
{
	struct rte_mbuf *head = NULL;
	size_t off = 0;

	do {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		size_t n;
		char *d;

		if (!m)
			goto fail;
		n = rte_pktmbuf_tailroom(m);
		if (n > len - off)
			n = len - off;
		d = rte_pktmbuf_append(m, (uint16_t)n);
		if (!d || !n) {
			rte_pktmbuf_free(m);
			goto fail;
		}
		memcpy(d, p + off, n);
		off += n;
		if (!head) {
			head = m;
		} else if (rte_pktmbuf_chain(head, m) != 0) {
			rte_pktmbuf_free(m);
			goto fail;
		}
	} while (off < len);
	if (head->nb_segs > 1)
		e->chained++;
	return head;
fail:
	rte_pktmbuf_free(head);
	e->no_mbuf++;
	return NULL;
}

static void emit_injects(struct dp_enf *e, struct dp_ctx *ctx, const struct enf_inject *inj,
			 unsigned n, dp_enforce_emit_fn emit, void *arg)
{
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = mbuf_from(e, ctx->pool, inj[i].pkt, inj[i].len);

		if (m)
			emit(arg, inj[i].port, m);
	}
}

struct rte_mbuf *dp_enforce_packet(struct dp_enf *e, struct dp_ctx *ctx, struct rte_mbuf *m,
				   const uint8_t *data, uint32_t len, const struct sf_pkt_rec *rec,
				   uint16_t in_port, uint16_t peer,
				   dp_enforce_emit_fn emit, void *arg)
{
	int v;

	if (len != rte_pktmbuf_pkt_len(m)) {
		/* not flattened whole (above DP_PKT_MAX: no IP packet is) */
		e->not_whole++;
		return m;
	}
	/* any frame the port accepts, whatever its segments: data is the
	 * whole frame (flattened by the worker when it has several) */
	v = enf_packet(e->tbl, data, len, ctx->linktype, rec, in_port, peer, e->blocks, e->n_blocks,
		       now_ns(e), &e->out);
	if (e->out.n_inject)
		emit_injects(e, ctx, e->out.inject, e->out.n_inject, emit, arg);
	switch (v) {
	case ENF_CONSUMED:
		rte_pktmbuf_free(m);
		return NULL;
	case ENF_REWRITTEN:
		if (rte_pktmbuf_is_contiguous(m) &&
		    e->out.pkt_len <= (size_t)rte_pktmbuf_data_len(m) + rte_pktmbuf_tailroom(m)) {
			memcpy(rte_pktmbuf_mtod(m, uint8_t *), e->out.pkt, e->out.pkt_len);
			m->data_len = (uint16_t)e->out.pkt_len;
			m->pkt_len = (uint32_t)e->out.pkt_len;
			return m;
		} else {
			struct rte_mbuf *n = mbuf_from(e, ctx->pool, e->out.pkt, e->out.pkt_len);

			rte_pktmbuf_free(m);
			return n;
		}
	default:
		return m;
	}
}

void dp_enforce_tick(struct dp_enf *e, struct dp_ctx *ctx, dp_enforce_emit_fn emit, void *arg)
{
	unsigned n = enf_tick(e->tbl, now_ns(e), e->tick_inj, ENF_INJECT_MAX);

	if (n)
		emit_injects(e, ctx, e->tick_inj, n, emit, arg);
}

void dp_enforce_print(const struct dp_enf *e, unsigned worker, FILE *f)
{
	const struct enf_stats *s = enf_stats(e->tbl);

	fprintf(f, "enforce[%u]: packets=%lu rewritten=%lu consumed=%lu assocs_created=%lu retired=%lu "
		"evicted=%lu monitor=%lu unknown_assoc=%lu removed=%lu removed_retrans=%lu old_retrans=%lu "
		"fwd_retrans=%lu late=%lu late_skipped=%lu fwd_tsn_injected=%lu sack_probes=%lu block_passed=%lu "
		"frag_held=%lu frag_msgs_removed=%lu frag_msgs_skipped=%lu hold_retrans=%lu hold_released=%lu hold_expired=%lu "
		"hold_unheld=%lu hold_dropped=%lu sacks_translated=%lu sacks_injected=%lu "
		"shutdowns=%lu fwd_tsn=%lu answers=%lu answers_retrans=%lu answers_lost=%lu "
		"window_overflow=%lu rewrite_errors=%lu malformed_tail=%lu no_mbuf=%lu lost_blocks=%lu chained=%lu not_whole=%lu mem_bytes=%lu\n",
		worker, s->packets, s->rewritten, s->consumed, s->assocs_created, s->assocs_retired,
		s->assocs_evicted, s->assocs_monitor, s->unknown_assoc, s->chunks_removed,
		s->removed_retrans, s->old_retrans, s->fwd_retrans, s->late_arrivals, s->late_skipped, s->fwd_tsn_injected, s->sack_probes, s->block_passed,
		s->frag_held, s->frag_msgs_removed, s->frag_msgs_skipped, s->hold_retrans, s->hold_released, s->hold_expired,
		s->hold_unheld, s->hold_dropped,
		s->sacks_translated, s->sacks_injected, s->shutdowns_translated, s->fwd_tsn_translated,
		s->answers_injected, s->answers_retransmitted, s->answers_lost, s->window_overflow,
		s->rewrite_errors, s->malformed_tail, e->no_mbuf, e->lost_blocks, e->chained, e->not_whole, s->mem_bytes);
}
