/* SPDX-License-Identifier: BSD-3-Clause */
/* The log writer: a control thread (never an lcore) that takes verdict,
 * event and packet records from a ring and writes verdicts.jsonl,
 * events.jsonl and a pcapng of flagged packets, rotating each by size
 * (name, name.1, ... name.N). Lcores never block on it in live modes: when
 * the ring or the record pool is full the record is counted as lost. In
 * offline mode they wait, so that every SMS part is logged. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "dp.h"
#include "pcapng_out.h"

struct rot_file {
	char path[DP_PATH_MAX * 2];
	FILE *f;
	struct pcapng_out *png;
	uint64_t bytes;
};

static pthread_t log_thread;
static volatile int log_quit;
static struct rot_file f_verdicts, f_events, f_pcapng;

static void rotate_names(const char *path, unsigned keep)
{
	char a[DP_PATH_MAX * 2 + 16], b[DP_PATH_MAX * 2 + 16];

	for (unsigned i = keep; i > 1; i--) {
		snprintf(a, sizeof(a), "%s.%u", path, i - 1);
		snprintf(b, sizeof(b), "%s.%u", path, i);
		rename(a, b);
	}
	snprintf(b, sizeof(b), "%s.1", path);
	rename(path, b);
}

static int rot_open(struct dp_ctx *ctx, struct rot_file *r, int pcapng, char *err, size_t errlen)
{
	if (pcapng) {
		r->png = pcapng_out_open(r->path, 1 /* LINKTYPE_ETHERNET */, err, errlen);
		r->bytes = 0;
		return r->png ? 0 : -1;
	}
	(void)ctx;
	r->f = fopen(r->path, "w");
	r->bytes = 0;
	if (!r->f) {
		snprintf(err, errlen, "%s: %s", r->path, strerror(errno));
		return -1;
	}
	setvbuf(r->f, NULL, _IOFBF, 1 << 20);
	return 0;
}

static void rot_maybe(struct dp_ctx *ctx, struct rot_file *r, int pcapng)
{
	char err[256];

	if (r->bytes < ctx->cfg.rotate_bytes)
		return;
	if (pcapng)
		pcapng_out_close(r->png);
	else
		fclose(r->f);
	r->png = NULL;
	r->f = NULL;
	rotate_names(r->path, ctx->cfg.rotate_keep);
	if (rot_open(ctx, r, pcapng, err, sizeof(err)))
		fprintf(stderr, "smsfw: log rotation: %s (logging to it stops)\n", err);
}

static void write_rec(struct dp_ctx *ctx, struct dp_logrec *rec)
{
	struct rot_file *r;

	switch (rec->kind) {
	case DP_LOG_VERDICT:
	case DP_LOG_EVENT:
		r = rec->kind == DP_LOG_VERDICT ? &f_verdicts : &f_events;
		if (!r->f)
			return;
		fwrite(rec->json, 1, rec->json_len, r->f);
		fputc('\n', r->f);
		r->bytes += rec->json_len + 1u;
		rot_maybe(ctx, r, 0);
		break;
	case DP_LOG_PACKET:
		r = &f_pcapng;
		if (!r->png)
			return;
		pcapng_out_write(r->png, rec->ts_ns, rec->pkt, rec->caplen, rec->origlen, rec->comment);
		r->bytes = pcapng_out_bytes(r->png);
		rot_maybe(ctx, r, 1);
		break;
	default:
		break;
	}
}

static void *log_main(void *arg)
{
	struct dp_ctx *ctx = arg;
	void *recs[64];

	for (;;) {
		unsigned n = rte_ring_sc_dequeue_burst(ctx->log_ring, recs, 64, NULL);

		for (unsigned i = 0; i < n; i++)
			write_rec(ctx, recs[i]);
		if (n)
			rte_mempool_put_bulk(ctx->log_pool, recs, n);
		else if (log_quit)
			break;
		else
			usleep(200);
	}
	return NULL;
}

int dp_log_start(struct dp_ctx *ctx, char *err, size_t errlen)
{
	const char *dir = ctx->cfg.out_dir;

	if (mkdir(dir, 0750) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	ctx->log_pool = rte_mempool_create("smsfw_log", ctx->cfg.log_queue * 2 - 1,
					   sizeof(struct dp_logrec), 32, 0, NULL, NULL, NULL, NULL,
					   SOCKET_ID_ANY, 0);
	ctx->log_ring = rte_ring_create("smsfw_log", rte_align32pow2(ctx->cfg.log_queue * 2),
					SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (!ctx->log_pool || !ctx->log_ring) {
		snprintf(err, errlen, "cannot allocate the log queue (%u records)", ctx->cfg.log_queue);
		return -1;
	}
	if (ctx->cfg.verdicts[0]) {
		snprintf(f_verdicts.path, sizeof(f_verdicts.path), "%s/%s", dir, ctx->cfg.verdicts);
		if (rot_open(ctx, &f_verdicts, 0, err, errlen))
			return -1;
	}
	if (ctx->cfg.events[0]) {
		snprintf(f_events.path, sizeof(f_events.path), "%s/%s", dir, ctx->cfg.events);
		if (rot_open(ctx, &f_events, 0, err, errlen))
			return -1;
	}
	if (ctx->cfg.pcapng[0]) {
		snprintf(f_pcapng.path, sizeof(f_pcapng.path), "%s/%s", dir, ctx->cfg.pcapng);
		if (rot_open(ctx, &f_pcapng, 1, err, errlen))
			return -1;
	}
	log_quit = 0;
	if (rte_ctrl_thread_create(&log_thread, "smsfw-log", NULL, log_main, ctx)) {
		snprintf(err, errlen, "cannot start the log writer thread");
		return -1;
	}
	return 0;
}

void dp_log_stop(struct dp_ctx *ctx)
{
	(void)ctx;
	log_quit = 1;
	pthread_join(log_thread, NULL);
	if (f_verdicts.f)
		fclose(f_verdicts.f);
	if (f_events.f)
		fclose(f_events.f);
	pcapng_out_close(f_pcapng.png);
	memset(&f_verdicts, 0, sizeof(f_verdicts));
	memset(&f_events, 0, sizeof(f_events));
	memset(&f_pcapng, 0, sizeof(f_pcapng));
}

struct dp_logrec *dp_log_get(struct dp_ctx *ctx, struct dp_lcore_stats *st)
{
	void *rec;

	while (rte_mempool_get(ctx->log_pool, &rec) != 0) {
		if (!ctx->log_backpressure) {
			st->log_lost++;
			return NULL;
		}
		rte_pause();
	}
	return rec;
}

void dp_log_submit(struct dp_ctx *ctx, struct dp_lcore_stats *st, struct dp_logrec *rec)
{
	while (rte_ring_mp_enqueue(ctx->log_ring, rec) != 0) {
		if (!ctx->log_backpressure) {
			st->log_lost++;
			rte_mempool_put(ctx->log_pool, rec);
			return;
		}
		rte_pause();
	}
}
