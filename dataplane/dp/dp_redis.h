/* SPDX-License-Identifier: BSD-3-Clause */
/* The dataplane's link to the control plane (issue 6 "Pushing to
 * dataplanes"; keys in control/REDIS.md, events in notes/LISTS_SPEC.md):
 * a dpclient thread (never an lcore) with one event producer per worker
 * lcore; report/shield/block/delivered events go out through it, committed
 * lists generations and rule bundles come in and are handed to the
 * control thread's reload (the same RCU path as SIGHUP); heartbeats carry
 * the summed worker counters. Without [control] redis_host nothing runs.
 *
 * Ownership: struct dp_redis belongs to the main lcore (dp_redis_start /
 * dp_redis_stop); the buffers dpclient hands over are copied under a mutex
 * by its thread and taken by the control thread (dp_redis_source /
 * dp_redis_source_done), so the workers never touch them. If Redis is
 * down the dataplane keeps filtering with the last generation it built. */
#ifndef DP_REDIS_H
#define DP_REDIS_H

#include <stddef.h>
#include <stdio.h>

#include "dp.h"
#include "dpclient.h"

/* Start the client when cfg.redis_host is set (else 0 and nothing runs):
 * one producer per worker (or one for the main lcore), then wait up to
 * wait_ms for the first connection, which fetches the committed lists
 * generation and rule bundle. Not reaching Redis is not an error (it
 * keeps retrying with backoff). -1 with err only if the client cannot
 * start. Call before the first generation is built. */
int dp_redis_start(struct dp_ctx *ctx, unsigned wait_ms, char *err, size_t errlen);

/* Give the client up to wait_ms to deliver every queued event (so an
 * offline run's reports reach Redis), print the summary line ("control
 * plane ...") on stderr unless wait_ms is 0 (start-up failed), then stop
 * it. Safe without Redis. */
void dp_redis_stop(struct dp_ctx *ctx, unsigned wait_ms);

/* Control thread: 1 (once, the flag is cleared) if Redis handed over a
 * lists generation or rule bundle since the last call or reload; the
 * update itself stays until a reload takes it (dp_redis_source). */
int dp_redis_update_pending(struct dp_ctx *ctx);

/* Control thread (or main before the lcores start): the source of the next
 * generation — cfg's bundle and lists files, replaced by the newest lists
 * text and rule bundle from Redis (taken now, pending ones first). Then
 * dp_redis_source_done(ok): a generation built from it was published (the
 * taken parts become the current ones) or refused (they are dropped and
 * the previous ones stay). */
void dp_redis_source(struct dp_ctx *ctx, const struct dp_config *cfg, struct sf_gen_source *src);
void dp_redis_source_done(struct dp_ctx *ctx, int ok);
/* Control thread, called often: log the connection's changes, one line
 * each — lost, still away (at most once a minute, with the count of
 * failed attempts), back (with the attempts and time it took). */
void dp_redis_watch(struct dp_ctx *ctx);

/* Between dp_redis_source and _done: 1 when no new snapshot came and the
 * lists are Redis's: the reload keeps the running lists object, which the
 * change log has been changing in place, instead of a rebuilt one. */
int dp_redis_keep_lists(struct dp_ctx *ctx);
/* Control thread (the lists' one writer): apply the queued change-log
 * entries that follow the running lists' rev, in order; entries after a
 * gap wait for the snapshot on its way. A full table asks dpclient for a
 * snapshot (sized with room). Returns the number applied or skipped. */
int dp_redis_apply_changes(struct dp_ctx *ctx);

struct dp_lists_stats {
	uint64_t received;	/* handed over by dpclient */
	uint64_t applied, noop, malformed, full, dropped;
	uint64_t resyncs;	/* snapshots asked for after the first (gap, rev backwards, full) */
	struct policy_lists_counts lists;	/* of the running lists, as of the last apply pass */
};
void dp_redis_lists_stats(struct dp_ctx *ctx, struct dp_lists_stats *out);

/* Redis lists generation the current one was built from (0: none). */
long long dp_redis_lists_version(struct dp_ctx *ctx);

/* Fast path, from worker worker_index's own lcore (main lcore: 0). Each
 * queues at most one event without waiting; a full ring is counted by
 * dpclient. No-ops without Redis. */
/* a report or shield/unshield the engine emitted (sink on_event) */
void dp_redis_event(struct dp_ctx *ctx, unsigned worker_index, const struct policy_event *ev,
		    const struct sf_sms *sms);
/* a blocked part (sink on_part, verdict block, not a retransmission) */
void dp_redis_blocked(struct dp_ctx *ctx, unsigned worker_index, const struct sf_part_verdict *v);
/* a part that goes through: for MT with a known recipient and sender,
 * writes the delivered marker the fake-base-station check reads */
void dp_redis_delivered(struct dp_ctx *ctx, unsigned worker_index, const struct sf_part_verdict *v);

/* dp_control.c: the heartbeat's counters (summed over the workers). */
size_t dp_control_counters(void *arg, struct sfdp_counter *out, size_t cap);

#endif
