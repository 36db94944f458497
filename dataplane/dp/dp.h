/* SPDX-License-Identifier: BSD-3-Clause */
/* The smsfw DPDK application: shared context of the main lcore, the worker
 * lcores, the log writer and the control thread. */
#ifndef DP_H
#define DP_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dp_config.h"
#include "engine/engine.h"
#include "flow/sctp_paths.h"
#include "policy/policy_ids.h"

#define DP_MAX_WORKERS 64
#define DP_LOG_JSON_MAX 3072
#define DP_LOG_PKT_MAX 4096
/* The longest frame decoded whole (multi-segment mbufs are flattened into
 * a per-lcore buffer of this size): an IPv4/IPv6 packet of 65,535 bytes
 * plus link headers (issue 15 item 4: jumbo frames and large bundles). */
#define DP_PKT_MAX (65535 + 64)
#define DP_LOG_COMMENT_MAX 512
#define DP_RING_SIZE 4096		/* distributor → worker ring (power of 2) */

/* Per-mbuf private area: what the RX side knows about a packet. */
struct dp_mbuf_priv {
	uint64_t frame;		/* 1-based receive order (= frame number offline) */
	uint64_t ts_ns;
	uint16_t in_port;
	/* L2/L3 as the distributor decoded them to pick the worker, over the
	 * first l3_len bytes of a one-segment mbuf; the worker's pipeline
	 * starts from them (l3_done 0: it decodes them itself) */
	uint8_t l3_done;
	uint32_t l3_len;
	struct sf_l3_pre l3;	/* its sctp_csum_good is set at RX whatever l3_done says */
};

/* A record for the log writer, from a lcore's mempool. */
enum dp_logrec_kind { DP_LOG_VERDICT = 1, DP_LOG_EVENT, DP_LOG_PACKET };
struct dp_logrec {
	uint8_t kind;
	uint16_t json_len;
	uint32_t caplen, origlen;
	uint64_t ts_ns;
	char json[DP_LOG_JSON_MAX];
	char comment[DP_LOG_COMMENT_MAX];
	uint8_t pkt[DP_LOG_PKT_MAX];
};

/* Verdicts by deciding policy check (policy_ids.h), for the summary: one
 * slot per id in POLICY_ID_LIST, the last for an id it does not list. */
enum dp_policy_slot {
#define DP_PS_X(id, n, name) DP_PSLOT_##id,
	POLICY_ID_LIST(DP_PS_X)
#undef DP_PS_X
	DP_PSLOT_OTHER,
	DP_PSLOT__COUNT
};

static inline unsigned dp_policy_slot(uint32_t policy_id)
{
	switch (policy_id) {
#define DP_PS_X(id, n, name) case n: return DP_PSLOT_##id;
	POLICY_ID_LIST(DP_PS_X)
#undef DP_PS_X
	}
	return DP_PSLOT_OTHER;
}

/* Counters of one lcore (single writer); all uint64_t (summed as an array). */
struct dp_lcore_stats {
	uint64_t rx, tx, tx_fail, dropped, bypass, log_lost, ring_full;
	uint64_t by_policy[DP_PSLOT__COUNT][3];	/* [slot][enum sf_verdict_kind] */
} __rte_cache_aligned;

struct dp_worker {
	unsigned index;			/* 0..n_workers-1 */
	unsigned lcore;
	uint16_t txq;			/* this worker's TX queue on every port */
	struct rte_ring *ring;		/* from the distributor */
	struct rte_ring *inbox;		/* struct sf_fact from other workers (MP/SC) */
	uint64_t processed;		/* packets done: published for the causal replay */
	uint64_t dispatched;		/* packets given to it (main lcore only) */
	uint64_t *disp_ts;		/* capture time of dispatched packets, by sequence (main lcore) */
	uint64_t facts_lost;
	struct sf_worker *eng;
	const struct sf_gen *gen;	/* the generation this worker uses */
	uint64_t gen_version;		/* its version: acknowledged to the publisher */
	struct dp_lcore_stats st;
	struct dp_enf *enf;		/* SCTP-aware enforcement (inline, enforcement = sctp) */
	int enf_failed;			/* could not be created: forward unchanged */
	int paths_loaded;		/* flow.paths_state read into its pipeline */
} __rte_cache_aligned;

struct dp_ctx {
	struct dp_config cfg;
	struct policy_shared *pshared;	/* per-recipient behaviour, shared by the workers */
	struct sctp_paths *rx_paths;	/* the distributor's multi-homed associations (with workers) */
	uint8_t *paths_blob;		/* flow.paths_state as read at start (checked), NULL none */
	size_t paths_blob_len;
	int linktype;			/* SF_DLT_* of the ports (Ethernet) */
	uint16_t n_ports;
	uint16_t port_ids[DP_MAX_PORTS];
	uint16_t port_ntxq[DP_MAX_PORTS];	/* TX queues each port really has */
	uint8_t port_sctp_csum[DP_MAX_PORTS];	/* the port verifies SCTP CRC32c on RX */
	uint16_t n_ports_set;
	struct rte_mempool *pool;	/* packet mbufs */
	struct rte_mempool *log_pool;	/* struct dp_logrec */
	struct rte_ring *log_ring;
	struct rte_rcu_qsbr *qs;
	struct sf_gen *gen;		/* published generation (atomic pointer) */
	struct sf_gen *gen_prev;	/* one not yet freed when a reload met the stop */
	uint64_t gen_version;
	unsigned n_workers;
	unsigned n_threads;		/* RCU threads: workers, or the main lcore alone */
	struct dp_worker workers[DP_MAX_WORKERS];
	struct dp_worker main_w;	/* run-to-completion state when n_workers == 0 */
	uint64_t offline_total;		/* packets in the capture (offline) */
	volatile int rx_done;
	volatile int stop;
	volatile int lcores_done;	/* every lcore has left its loop: no reader of gen is left */
	volatile int reload_req;
	int log_backpressure;		/* offline: wait for the log writer, never lose a record */
	uint64_t reloads_ok, reloads_failed;
	uint64_t run_start_ns, run_end_ns;	/* CLOCK_MONOTONIC around the receive loop */
	struct dp_lcore_stats main_st;
	struct dp_redis *redis;		/* control-plane link (dp_redis.h); NULL without Redis */
};

extern struct dp_ctx *dp_global;

/* dp_worker.c */
int dp_worker_main(void *arg);
void dp_process_burst(struct dp_ctx *ctx, struct dp_worker *w, struct rte_mbuf **pkts, unsigned n);
/* flow.paths_state (ctx->paths_blob, checked at start) into the worker's
 * pipeline, its paths stamped now_ns: at its first packet, or at exit when
 * it saw none (so that the file saved then keeps them). */
void dp_worker_paths_load(struct dp_ctx *ctx, struct dp_worker *w, uint64_t now_ns);
void dp_worker_finish(struct dp_ctx *ctx, struct dp_worker *w);
/* Between bursts on a live link: at most once a second, reports whose
 * wait ended go on. *last_tsc is the caller's. */
void dp_worker_idle(struct dp_ctx *ctx, struct dp_worker *w, uint64_t *last_tsc);
void dp_worker_sync_gen(struct dp_ctx *ctx, struct dp_worker *w, unsigned rcu_id);

/* dp_log.c */
/* stderr lines: "2026-01-01T00:00:00.123Z error smsfw: message", one
 * write per line (threads never interleave inside a line). */
enum dp_msg_level { DP_MSG_ERR = 0, DP_MSG_WARN, DP_MSG_NOTICE, DP_MSG_INFO };
void dp_msg(enum dp_msg_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same prefix alone, for a block of lines that follows it (the summary). */
void dp_msg_prefix(enum dp_msg_level level, char *buf, size_t len);
int dp_log_start(struct dp_ctx *ctx, char *err, size_t errlen);
void dp_log_stop(struct dp_ctx *ctx);
/* The log writer thread (after dp_log_start), for a caller that places it. */
pthread_t dp_log_writer(void);
void dp_log_submit(struct dp_ctx *ctx, struct dp_lcore_stats *st, struct dp_logrec *rec);
struct dp_logrec *dp_log_get(struct dp_ctx *ctx, struct dp_lcore_stats *st);

/* dp_control.c */
int dp_control_start(struct dp_ctx *ctx);
void dp_control_stop(struct dp_ctx *ctx);
int dp_reload(struct dp_ctx *ctx, char *err, size_t errlen);
void dp_telemetry_register(struct dp_ctx *ctx);
void dp_print_summary(struct dp_ctx *ctx, FILE *f);

#endif
