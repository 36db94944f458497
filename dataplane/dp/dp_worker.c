/* SPDX-License-Identifier: BSD-3-Clause */
/* Worker lcores: take bursts from the distributor (or the port, when the
 * main lcore runs to completion), decide every packet with the engine,
 * forward or drop, hand verdict records to the log writer, and report a
 * quiescent state to RCU after every burst. No allocation, no locks, no
 * system calls on this path. */
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "dp.h"
#include "dp_idle.h"
#include "dp_redis.h"
#include "dp_enforce.h"
#include "engine/engine_json.h"

/* Nanoseconds of the TSC: the engine's clock on ports without timestamps. */
static uint64_t dp_tsc_ns(void)
{
	uint64_t c = rte_get_tsc_cycles(), hz = rte_get_tsc_hz();

	return c / hz * 1000000000ull + c % hz * 1000000000ull / hz;
}

struct dp_sink_ctx {
	struct dp_ctx *ctx;
	struct dp_worker *w;
	char comment[DP_LOG_COMMENT_MAX];
	size_t clen;
};

/* One part's verdict: the control plane's feed, the counters, enforcement's
 * note, the pcapng comment and the verdict log line. */
static void note_part(struct dp_sink_ctx *s, const struct sf_part_verdict *v)
{
	struct dp_logrec *rec;
	int n, mask;

	if (s->ctx->redis) {
		/* blocks feed the control plane; deliveries let it tell a
		 * fake-base-station report from a real message */
		if (v->pv.verdict == SF_VERDICT_BLOCK)
			dp_redis_blocked(s->ctx, s->w->index, v);
		else
			dp_redis_delivered(s->ctx, s->w->index, v);
	}
	if (v->pv.verdict <= SF_VERDICT_BLOCK)
		s->w->st.by_policy[dp_policy_slot(v->pv.policy_id)][v->pv.verdict]++;
	if (s->w->enf)
		dp_enforce_note_part(s->w->enf, s->ctx, v);
	/* a delivered message is a subscriber's own: only a blocked part
	 * keeps its numbers and text in the logs and its packet in the pcapng
	 * (a tagged one too with output.tagged_text; reports are logged as
	 * events) */
	mask = v->pv.verdict == SF_VERDICT_PASS ||
	       (v->pv.verdict == SF_VERDICT_TAG && !s->ctx->cfg.tagged_text);
	/* the pcapng comment: only when there is a pcapng to write */
	if (!mask && s->ctx->cfg.pcapng[0] && s->clen < sizeof(s->comment) - 1) {
		n = sf_engine_verdict_comment(v, s->comment + s->clen, sizeof(s->comment) - s->clen);
		if (n > 0)
			s->clen += (size_t)n;
	}
	if (!s->ctx->cfg.verdicts[0])
		return;
	if (v->pv.verdict == SF_VERDICT_PASS && !s->ctx->cfg.log_pass)
		return;
	rec = dp_log_get(s->ctx, &s->w->st);
	if (!rec)
		return;
	rec->kind = DP_LOG_VERDICT;
	n = sf_engine_verdict_json(v, mask, rec->json, sizeof(rec->json));
	if (n <= 0) {
		rte_mempool_put(s->ctx->log_pool, rec);
		s->w->st.log_lost++;
		return;
	}
	rec->json_len = (uint16_t)n;
	dp_log_submit(s->ctx, &s->w->st, rec);
}

/* The parts of a packet too big for the verdict record, handed on while
 * it is decoded (sf_pkt_verdict.n_early), and of sf_worker_packet. */
static void sink_part(void *arg, const struct sf_part_verdict *v)
{
	note_part(arg, v);
}

static void sink_event(void *arg, const struct policy_event *ev, const struct sf_sms *sms)
{
	struct dp_sink_ctx *s = arg;
	struct dp_logrec *rec;
	int n;

	dp_redis_event(s->ctx, s->w->index, ev, sms);
	if (!s->ctx->cfg.events[0])
		return;
	rec = dp_log_get(s->ctx, &s->w->st);
	if (!rec)
		return;
	rec->kind = DP_LOG_EVENT;
	n = sf_engine_event_json(ev, sms, s->ctx->cfg.id, rec->json, sizeof(rec->json));
	if (n <= 0) {
		rte_mempool_put(s->ctx->log_pool, rec);
		s->w->st.log_lost++;
		return;
	}
	rec->json_len = (uint16_t)n;
	dp_log_submit(s->ctx, &s->w->st, rec);
}

/* A fact for every other worker's inbox: LMSIs from SRI-SM results, shields
 * seen on the wire and concatenated parts (the IMSI map is in the shared
 * policy state and needs none). A full inbox loses it with a count
 * (facts_lost) rather than waiting. */
static void sink_fact(void *arg, const struct sf_fact *f)
{
	struct dp_sink_ctx *s = arg;
	struct dp_ctx *ctx = s->ctx;

	for (unsigned i = 0; i < ctx->n_workers; i++) {
		struct dp_worker *o = &ctx->workers[i];

		if (o == s->w)
			continue;
		if (rte_ring_mp_enqueue_elem(o->inbox, (void *)(uintptr_t)f, sizeof(*f)) != 0)
			s->w->facts_lost++;
	}
}

static void drain_inbox(struct dp_worker *w)
{
	struct sf_fact facts[16];
	unsigned n;

	if (!w->inbox)
		return;
	while ((n = rte_ring_sc_dequeue_burst_elem(w->inbox, facts, sizeof(facts[0]), 16, NULL)) > 0)
		for (unsigned i = 0; i < n; i++)
			sf_worker_apply_fact(w->eng, &facts[i]);
}

/* A copy of a flagged packet for the pcapng, with the verdicts as comment. */
/* Per-lcore flat copy of a multi-segment frame for decoding */
static __thread uint8_t dp_flat[DP_PKT_MAX];

static void log_packet(struct dp_ctx *ctx, struct dp_worker *w, struct rte_mbuf *m,
		       const struct dp_mbuf_priv *pv, struct dp_sink_ctx *s)
{
	struct dp_logrec *rec;
	uint32_t len = rte_pktmbuf_pkt_len(m);

	if (!ctx->cfg.pcapng[0])
		return;
	rec = dp_log_get(ctx, &w->st);
	if (!rec)
		return;
	rec->kind = DP_LOG_PACKET;
	rec->origlen = len;
	rec->caplen = len < DP_LOG_PKT_MAX ? len : DP_LOG_PKT_MAX;
	rec->ts_ns = pv->ts_ns;
	{
		const void *d = rte_pktmbuf_read(m, 0, rec->caplen, rec->pkt);

		if (d && d != (const void *)rec->pkt)
			memcpy(rec->pkt, d, rec->caplen);
	}
	memcpy(rec->comment, s->comment, s->clen);
	rec->comment[s->clen] = 0;
	dp_log_submit(ctx, &w->st, rec);
}

void dp_worker_sync_gen(struct dp_ctx *ctx, struct dp_worker *w, unsigned rcu_id)
{
	const struct sf_gen *g = __atomic_load_n(&ctx->gen, __ATOMIC_ACQUIRE);

	(void)rcu_id;
	/* Compare versions, not pointers: a freed generation's address can
	 * come back. The publisher frees the old generation only after every
	 * worker acknowledged the new one here and passed a quiescent state,
	 * so adopting (which drops state tied to the old rules) is safe. */
	if (g->version != w->gen_version) {
		/* fit scratch before first use; on failure the engine scans
		 * nothing and applies the fail mode */
		sf_worker_adopt(w->eng, g);
		w->gen = g;
		__atomic_store_n(&w->gen_version, g->version, __ATOMIC_RELEASE);
	}
}

/* Per-port output of a burst; a full array is sent at once. */
struct dp_txbuf {
	struct dp_ctx *ctx;
	struct dp_worker *w;
	unsigned n[DP_MAX_PORTS];
	struct rte_mbuf *m[DP_MAX_PORTS][512];
};

static void tx_flush_port(struct dp_txbuf *tb, unsigned p)
{
	struct dp_ctx *ctx = tb->ctx;
	struct dp_worker *w = tb->w;
	uint16_t sent;

	if (!tb->n[p])
		return;
	if (w->txq >= ctx->port_ntxq[p]) {
		/* a port with fewer TX queues than lcores (never shared) */
		w->st.tx_fail += tb->n[p];
		rte_pktmbuf_free_bulk(tb->m[p], tb->n[p]);
		tb->n[p] = 0;
		return;
	}
	sent = rte_eth_tx_burst(ctx->port_ids[p], w->txq, tb->m[p], (uint16_t)tb->n[p]);
	w->st.tx += sent;
	if (sent < tb->n[p]) {
		w->st.tx_fail += tb->n[p] - sent;
		rte_pktmbuf_free_bulk(tb->m[p] + sent, tb->n[p] - sent);
	}
	tb->n[p] = 0;
}

static void tx_push(void *arg, uint16_t port, struct rte_mbuf *m)
{
	struct dp_txbuf *tb = arg;

	if (port >= tb->ctx->n_ports) {
		rte_pktmbuf_free(m);
		return;
	}
	tb->m[port][tb->n[port]++] = m;
	/* a group decided: on the wire now rather than at the burst's end */
	if (tb->n[port] >= tb->ctx->cfg.tx_batch || tb->n[port] == RTE_DIM(tb->m[port]))
		tx_flush_port(tb, port);
}

/* Enforcement tables of the main lcore (run to completion), whose
 * counters are printed at exit; workers print theirs when they stop. */
static struct dp_enf *main_enf;

static void print_main_enforce(void)
{
	if (main_enf)
		dp_enforce_print(main_enf, 0, stderr);
}

/* The worker's enforcement table, made on first use (once per worker). */
static struct dp_enf *worker_enforce(struct dp_ctx *ctx, struct dp_worker *w)
{
	char err[256];

	if (ctx->cfg.mode != DP_MODE_INLINE || ctx->cfg.enforcement != DP_ENFORCE_SCTP)
		return NULL;
	if (!w->enf && !w->enf_failed) {
		w->enf = dp_enforce_create(ctx, w->index, err, sizeof(err));
		if (!w->enf) {
			/* fail open: forward everything unchanged */
			dp_msg(DP_MSG_ERR, "worker %u: %s", w->index, err);
			w->enf_failed = 1;
		} else if (w == &ctx->main_w) {
			main_enf = w->enf;
			atexit(print_main_enforce);
		}
	}
	return w->enf;
}

void dp_worker_paths_load(struct dp_ctx *ctx, struct dp_worker *w, uint64_t now_ns)
{
	char err[128];

	w->paths_loaded = 1;
	if (sctp_paths_import(sf_pipeline_paths(sf_worker_pipeline(w->eng)), ctx->paths_blob,
			      ctx->paths_blob_len, now_ns, err, sizeof(err)))
		dp_msg(DP_MSG_WARN, "worker %u: path state: %s", w->index, err);
}

void dp_process_burst(struct dp_ctx *ctx, struct dp_worker *w, struct rte_mbuf **pkts, unsigned n)
{
	struct sf_engine_sink sink;
	struct dp_sink_ctx sc;
	static __thread struct dp_txbuf tb;
	struct dp_enf *enf = worker_enforce(ctx, w);
	uint64_t last_ts = 0;
	unsigned i;

	if (ctx->paths_blob && !w->paths_loaded && n)
		dp_worker_paths_load(ctx, w, ((const struct dp_mbuf_priv *)rte_mbuf_to_priv(pkts[0]))->ts_ns);
	sc.ctx = ctx;
	sc.w = w;
	sink.ctx = &sc;
	sink.on_part = sink_part;
	sink.on_event = sink_event;
	sink.on_fact = ctx->n_workers > 1 ? sink_fact : NULL;
	tb.ctx = ctx;
	tb.w = w;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct dp_mbuf_priv *pv = rte_mbuf_to_priv(m);
		const uint8_t *data;
		uint8_t *flat = dp_flat;
		uint32_t len = rte_pktmbuf_pkt_len(m);
		const struct sf_pkt_verdict *pkv;
		const struct sf_l3_pre *pre;
		struct sf_l3_pre own;
		int verdict, peer;

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		sc.clen = 0;
		sc.comment[0] = 0;
		last_ts = pv->ts_ns;
		if (enf)
			dp_enforce_begin(enf);
		/* the whole frame, however many segments: decoding a cut frame
		 * would pass its tail unscanned */
		if (len > DP_PKT_MAX)
			len = DP_PKT_MAX;
		data = rte_pktmbuf_read(m, 0, len, flat);
		/* L2/L3 as the distributor decoded them, else decoded here (one
		 * worker, or a frame of several segments), with the NIC's word
		 * on the CRC32c that RX put beside them: the pipeline starts
		 * there */
		if (pv->l3_done && pv->l3_len == len && data == rte_pktmbuf_mtod(m, const uint8_t *)) {
			pre = &pv->l3;
		} else {
			own.err = l2l3_decode(data, len, ctx->linktype, &own.v);
			own.sctp_csum_good = pv->l3.sctp_csum_good;
			pre = &own;
		}
		/* decide (decode once, scan, policy), then act on the
		 * returned records in one line: each part, the packet */
		pkv = sf_worker_decide_l3(w->eng, w->gen, data, len, ctx->linktype, pre,
					  pv->frame, pv->ts_ns, &sink);
		for (unsigned k = 0; k < pkv->n_parts; k++)
			note_part(&sc, &pkv->part[k]);
		verdict = pkv->verdict;
		if (verdict == SF_VERDICT_BLOCK || (verdict == SF_VERDICT_TAG && ctx->cfg.tagged_text))
			log_packet(ctx, w, m, pv, &sc);

		/* forward: offline → the port's own TX (the replay's output);
		 * tap → nothing; inline → the peer, unless enforcement drops it */
		if (ctx->cfg.mode == DP_MODE_TAP) {
			rte_pktmbuf_free(m);
			continue;
		}
		if (ctx->cfg.mode == DP_MODE_INLINE && verdict == SF_VERDICT_BLOCK &&
		    ctx->cfg.enforcement == DP_ENFORCE_DROP) {
			w->st.dropped++;
			rte_pktmbuf_free(m);
			continue;
		}
		peer = ctx->cfg.mode == DP_MODE_INLINE ? ctx->cfg.peer[pv->in_port] : pv->in_port;
		if (peer < 0 || peer >= ctx->n_ports) {
			rte_pktmbuf_free(m);
			continue;
		}
		if (enf) {
			/* SCTP-aware: remove blocked chunks, renumber, translate,
			 * inject SACKs and answers (issue 8) */
			m = dp_enforce_packet(enf, ctx, m, data, len, pkv->rec, pv->in_port, (uint16_t)peer,
					      tx_push, &tb);
			if (!m) {
				if (verdict == SF_VERDICT_BLOCK)
					w->st.dropped++;
				continue;
			}
		}
		tx_push(&tb, (uint16_t)peer, m);
	}
	if (n) {
		sf_worker_tick(w->eng, last_ts);	/* bounded expiry, packet clock */
		/* reports whose wait ended: packet clock, or the TSC on a
		 * port without timestamps */
		sf_worker_expire_reports(w->eng, last_ts ? last_ts : dp_tsc_ns(), &sink);
	}
	if (enf)
		dp_enforce_tick(enf, ctx, tx_push, &tb);
	for (unsigned p = 0; p < ctx->n_ports; p++)
		tx_flush_port(&tb, p);
}

/* Reports waiting for parts, outside a burst: handed on when the worker
 * stops (end of a capture, shutdown: flush) or, on a live link, when
 * their wait ends while no packet comes (idle). */
static void reports_outside_burst(struct dp_ctx *ctx, struct dp_worker *w, int flush)
{
	struct sf_engine_sink sink;
	struct dp_sink_ctx sc;

	if (!w->eng)
		return;
	memset(&sc, 0, sizeof(sc));
	sc.ctx = ctx;
	sc.w = w;
	memset(&sink, 0, sizeof(sink));
	sink.ctx = &sc;
	sink.on_part = sink_part;
	sink.on_event = sink_event;
	if (flush)
		sf_worker_flush_reports(w->eng, &sink);
	else
		sf_worker_expire_reports(w->eng, dp_tsc_ns(), &sink);
}

void dp_worker_finish(struct dp_ctx *ctx, struct dp_worker *w)
{
	reports_outside_burst(ctx, w, 1);
}

void dp_worker_idle(struct dp_ctx *ctx, struct dp_worker *w, uint64_t *last_tsc)
{
	uint64_t now = rte_get_tsc_cycles();

	if (ctx->cfg.mode == DP_MODE_OFFLINE || now - *last_tsc < rte_get_tsc_hz())
		return;
	*last_tsc = now;
	reports_outside_burst(ctx, w, 0);
}

int dp_worker_main(void *arg)
{
	struct dp_worker *w = arg;
	struct dp_ctx *ctx = dp_global;
	struct rte_mbuf *pkts[512];
	unsigned burst = ctx->cfg.burst;
	uint64_t idle_tsc = 0;
	struct dp_idle idle;

	dp_idle_init(&idle, ctx->cfg.mode == DP_MODE_OFFLINE ? 0 : ctx->cfg.idle_sleep_max_us);
	rte_rcu_qsbr_thread_register(ctx->qs, w->index);
	rte_rcu_qsbr_thread_online(ctx->qs, w->index);
	for (;;) {
		unsigned n;

		dp_worker_sync_gen(ctx, w, w->index);
		n = rte_ring_dequeue_burst(w->ring, (void **)pkts, burst, NULL);
		/* after the dequeue: a fact pushed before one of these packets
		 * was dispatched is in the inbox by now */
		drain_inbox(w);
		if (n) {
			w->st.rx += n;
			dp_process_burst(ctx, w, pkts, n);
			__atomic_store_n(&w->processed, w->processed + n, __ATOMIC_RELEASE);
			dp_idle_busy(&idle);
		} else {
			if (ctx->rx_done && rte_ring_empty(w->ring))
				break;
			if (ctx->stop)
				break;
			if (w->enf)
				dp_process_burst(ctx, w, pkts, 0);	/* answer retransmission timers */
			dp_worker_idle(ctx, w, &idle_tsc);
			dp_idle_empty(&idle);
		}
		rte_rcu_qsbr_quiescent(ctx->qs, w->index);
	}
	dp_worker_finish(ctx, w);
	rte_rcu_qsbr_thread_offline(ctx->qs, w->index);
	rte_rcu_qsbr_thread_unregister(ctx->qs, w->index);
	if (w->enf) {
		dp_enforce_print(w->enf, w->index, stderr);
		dp_enforce_destroy(w->enf);
		w->enf = NULL;
	}
	return 0;
}
