/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP-aware enforcement on a worker lcore (inline mode, enforcement =
 * sctp, issue 8): the DPDK side of dataplane/core/enforce. Each worker owns
 * one table (both directions of an association reach the same worker);
 * rewritten packets replace the mbuf, injected SACKs and TC-END answers
 * are built in mbufs from the packet pool and leave on the worker's own
 * TX queue. */
#ifndef DP_ENFORCE_H
#define DP_ENFORCE_H

#include <stdio.h>

#include <rte_mbuf.h>

#include "engine/engine.h"

struct dp_ctx;
struct dp_worker;
struct dp_enf;

/* One worker's state; NULL with the reason. */
struct dp_enf *dp_enforce_create(const struct dp_ctx *ctx, unsigned worker, char *err, size_t errlen);
void dp_enforce_destroy(struct dp_enf *e);

/* Before each packet: forget the blocked parts of the previous one. */
void dp_enforce_begin(struct dp_enf *e);
/* From the engine sink: remember a blocked part and its action. */
void dp_enforce_note_part(struct dp_enf *e, const struct dp_ctx *ctx, const struct sf_part_verdict *v);

/* A packet's way out. The mbuf to forward to peer (the same one, rewritten
 * in place, or a new one) or NULL (consumed or dropped: the mbuf is freed).
 * Injected packets are handed to emit(port, mbuf). data/len is the flat
 * packet the engine decided. */
typedef void (*dp_enforce_emit_fn)(void *arg, uint16_t port, struct rte_mbuf *m);
struct sf_pkt_rec;
struct rte_mbuf *dp_enforce_packet(struct dp_enf *e, struct dp_ctx *ctx, struct rte_mbuf *m,
				   const uint8_t *data, uint32_t len, const struct sf_pkt_rec *rec,
				   uint16_t in_port, uint16_t peer,
				   dp_enforce_emit_fn emit, void *arg);

/* Retransmissions of injected answers; call between bursts and when idle. */
void dp_enforce_tick(struct dp_enf *e, struct dp_ctx *ctx, dp_enforce_emit_fn emit, void *arg);

/* Counters as one line of text. */
void dp_enforce_print(const struct dp_enf *e, unsigned worker, FILE *f);

#endif
