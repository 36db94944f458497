/* SPDX-License-Identifier: BSD-3-Clause */
/* The log writer: a control thread (never an lcore) that takes verdict,
 * event and packet records from a ring and writes verdicts.jsonl,
 * events.jsonl and a pcapng of flagged packets, rotating each by size
 * (name, name.1, ... name.N). Lcores never block on it in live modes: when
 * the ring or the record pool is full the record is counted as lost. In
 * offline mode they wait, so that every SMS part is logged.
 *
 * What reaches the files is always whole lines (whole pcapng blocks): a
 * record that would not fit in the stdio buffer flushes it first, so the
 * buffer only ever goes to the file at a record boundary. The buffers are
 * flushed whenever the ring is empty and at least every second while it
 * is not, so `tail -f` is current to the second and never shows half a
 * JSON object. Also: the timestamped stderr lines of the whole program. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
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
	uint64_t records;	/* written since it was opened */
	int64_t day;		/* UTC day it was opened in */
	size_t pending;		/* bytes in the stdio buffer (JSON files) */
};

#define LOG_BUF_BYTES (1u << 20)	/* stdio buffer; a record is at most a few KiB */
#define LOG_FLUSH_NS 1000000000ull	/* at least once a second while busy */
#define LOG_AGE_NS 60000000000ull	/* day rotation and retention checked every minute */

static const char *const level_name[] = { "error", "warning", "notice", "info" };

void dp_msg_prefix(enum dp_msg_level level, char *buf, size_t len)
{
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s smsfw: ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (long)(tv.tv_usec / 1000), level_name[level <= DP_MSG_INFO ? level : DP_MSG_INFO]);
}

void dp_msg(enum dp_msg_level level, const char *fmt, ...)
{
	char line[2048];
	size_t n;
	va_list ap;

	dp_msg_prefix(level, line, sizeof(line));
	n = strlen(line);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	n = strlen(line);
	line[n++] = '\n';
	/* one write: lines of several threads never mix */
	fwrite(line, 1, n, stderr);
	fflush(stderr);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void rot_flush(struct rot_file *r)
{
	if (r->f && r->pending) {
		fflush(r->f);
		r->pending = 0;
	}
	if (r->png)
		pcapng_out_flush(r->png);
}

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

static int64_t utc_day(time_t t)
{
	return (int64_t)t / 86400;
}

/* Rotated files (name.1 .. name.rotate_keep) last written more than
 * retain_days ago are deleted: each holds at most one UTC day, so a record
 * is gone between retain_days and retain_days + 1 day after it was
 * written. */
static void rot_prune(const struct dp_ctx *ctx, const char *path)
{
	char a[DP_PATH_MAX * 2 + 16];
	time_t cutoff = time(NULL) - (time_t)ctx->cfg.retain_days * 86400;
	struct stat sb;

	if (!ctx->cfg.retain_days || !path[0])
		return;
	for (unsigned i = 1; i <= ctx->cfg.rotate_keep; i++) {
		snprintf(a, sizeof(a), "%s.%u", path, i);
		if (stat(a, &sb) == 0 && sb.st_mtime < cutoff) {
			if (unlink(a) == 0)
				dp_msg(DP_MSG_INFO, "log retention: %s deleted (older than %u days)", a,
				       ctx->cfg.retain_days);
			else
				dp_msg(DP_MSG_ERR, "log retention: cannot delete %s: %s", a, strerror(errno));
		}
	}
}

static int rot_open(struct dp_ctx *ctx, struct rot_file *r, int pcapng, char *err, size_t errlen)
{
	r->records = 0;
	r->day = utc_day(time(NULL));
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
	setvbuf(r->f, NULL, _IOFBF, LOG_BUF_BYTES);
	r->pending = 0;
	return 0;
}

/* Rotate at rotate_bytes, and (with retain_days) when a file that holds
 * records was opened on an earlier UTC day. */
static void rot_maybe(struct dp_ctx *ctx, struct rot_file *r, int pcapng, int64_t today)
{
	char err[256];

	if (!r->f && !r->png)
		return;
	if (r->bytes < ctx->cfg.rotate_bytes &&
	    !(ctx->cfg.retain_days && r->records && today != r->day))
		return;
	rot_flush(r);
	if (pcapng)
		pcapng_out_close(r->png);
	else
		fclose(r->f);
	r->png = NULL;
	r->f = NULL;
	rotate_names(r->path, ctx->cfg.rotate_keep);
	if (rot_open(ctx, r, pcapng, err, sizeof(err)))
		dp_msg(DP_MSG_ERR, "log rotation: %s (logging to it stops)", err);
	rot_prune(ctx, r->path);
}

static int64_t log_today;	/* UTC day, refreshed by the writer every minute */

static void prune_all(const struct dp_ctx *ctx)
{
	rot_prune(ctx, f_verdicts.path);
	rot_prune(ctx, f_events.path);
	rot_prune(ctx, f_pcapng.path);
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
		/* whole lines only: never let stdio cut one at its buffer's end */
		if (r->pending + rec->json_len + 1u >= LOG_BUF_BYTES)
			rot_flush(r);
		fwrite(rec->json, 1, rec->json_len, r->f);
		fputc('\n', r->f);
		r->pending += rec->json_len + 1u;
		r->bytes += rec->json_len + 1u;
		if (!r->records++)
			r->day = log_today;	/* a file's day is its first record's */
		rot_maybe(ctx, r, 0, log_today);
		break;
	case DP_LOG_PACKET:
		r = &f_pcapng;
		if (!r->png)
			return;
		pcapng_out_write(r->png, rec->ts_ns, rec->pkt, rec->caplen, rec->origlen, rec->comment);
		r->bytes = pcapng_out_bytes(r->png);
		if (!r->records++)
			r->day = log_today;
		rot_maybe(ctx, r, 1, log_today);
		break;
	default:
		break;
	}
}

static void *log_main(void *arg)
{
	struct dp_ctx *ctx = arg;
	void *recs[64];
	uint64_t last_flush = mono_ns(), last_age = last_flush;
	unsigned idle_us = 200;

	for (;;) {
		unsigned n = rte_ring_sc_dequeue_burst(ctx->log_ring, recs, 64, NULL);
		uint64_t now;

		for (unsigned i = 0; i < n; i++)
			write_rec(ctx, recs[i]);
		if (n)
			rte_mempool_put_bulk(ctx->log_pool, recs, n);
		now = n ? mono_ns() : 0;
		if (!n || now - last_flush >= LOG_FLUSH_NS) {
			/* a quiet moment, or a second of steady writing */
			rot_flush(&f_verdicts);
			rot_flush(&f_events);
			rot_flush(&f_pcapng);
			last_flush = n ? now : mono_ns();
			if (last_flush - last_age >= LOG_AGE_NS) {
				/* a new day rotates files that have records; a
				 * quiet file's old rotations age out too */
				last_age = last_flush;
				log_today = utc_day(time(NULL));
				rot_maybe(ctx, &f_verdicts, 0, log_today);
				rot_maybe(ctx, &f_events, 0, log_today);
				rot_maybe(ctx, &f_pcapng, 1, log_today);
				prune_all(ctx);
			}
		}
		if (n) {
			idle_us = 200;
			continue;
		}
		if (log_quit)
			break;
		usleep(idle_us);
		/* back off while idle (at most 5 ms: a burst of 5 ms fits the ring) */
		if (idle_us < 5000)
			idle_us += idle_us / 2;
	}
	return NULL;
}

/* One record written through (the pool's object initialiser). */
static void touch_rec(struct rte_mempool *mp, void *arg, void *obj, unsigned idx)
{
	(void)mp;
	(void)arg;
	(void)idx;
	memset(obj, 0, sizeof(struct dp_logrec));
}

int dp_log_start(struct dp_ctx *ctx, char *err, size_t errlen)
{
	const char *dir = ctx->cfg.out_dir;

	if (mkdir(dir, 0750) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	/* every record written through as the pool is made (touch_rec):
	 * without hugepages the pool is memory not touched yet, and each first
	 * touch of a record's pages (a few µs a page on a VM) would fall in a
	 * worker's packet path. (madvise(MADV_POPULATE_WRITE) of the pool's
	 * chunks starts faster, 0.02 s against 0.17 s for the default 16,383
	 * records, but the runs after it were 5 % slower here, unexplained.) */
	ctx->log_pool = rte_mempool_create("smsfw_log", ctx->cfg.log_queue * 2 - 1,
					   sizeof(struct dp_logrec), 32, 0, NULL, NULL, touch_rec, NULL,
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
	/* what an earlier run left beyond the retention limit goes now */
	prune_all(ctx);
	log_today = utc_day(time(NULL));
	log_quit = 0;
	if (rte_ctrl_thread_create(&log_thread, "smsfw-log", NULL, log_main, ctx)) {
		snprintf(err, errlen, "cannot start the log writer thread");
		return -1;
	}
	return 0;
}

pthread_t dp_log_writer(void)
{
	return log_thread;
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
