/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw-controld: reads dataplane events from the {smsfw}:events stream
 * (consumer group, XACK after applying, XAUTOCLAIM for what a crashed
 * consumer left), applies them idempotently (ctl_apply.c), publishes list
 * generations (ctl_gen.c) debounced after every change, and serves
 * Prometheus metrics. One thread owns Redis; the metrics thread only copies
 * the snapshot the main loop leaves it. Redis layout: control/REDIS.md;
 * configuration and exit codes: control/CONTROLD.md. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl_apply.h"
#include "ctl_cfg.h"
#include "ctl_event.h"
#include "ctl_gen.h"
#include "ctl_keys.h"
#include "ctl_metrics.h"
#include "ctl_redis.h"
#include "ctl_sentinel.h"

struct counters {
	unsigned long long read, applied, duplicate, resumed, wrongtype, script_errors, claimed;
	unsigned long long malformed[CTL_EV__ERR_COUNT];
	unsigned long long redis_errors, connects, generations, gen_build_errors, gen_held;
	unsigned long long gen_invalid_entries, gen_expired_entries;
	unsigned long long failovers, wait_short;
	unsigned long long trimmed;
};

struct daemon {
	struct ctl_config cfg;
	redisContext *c;
	struct ctl_redis_addr addr;	/* where c is (the master the sentinels named) */
	struct ctl_apply apply;
	struct ctl_metrics *metrics;
	struct counters n;
	int verbose;
	unsigned long long fault_after_apply;	/* SMSFW_CONTROLD_FAULT_AFTER_APPLY, tests only */
	unsigned long long fault_mid_chain;	/* SMSFW_CONTROLD_FAULT_MID_CHAIN, tests only */
	/* generation state */
	long long published_rev;	/* rev in the current generation, -1 unknown */
	char published_sha[65];
	long long current_version;
	long long next_expiry;		/* unix s, 0 none */
	long long last_lists_snapshot;	/* mono ms of the last lists snapshot build, 0 none since start */
	long long lists_rev;		/* {smsfw}:lists:rev as last read */
	long long dirty_at;		/* monotonic ms when a change was seen, 0 clean */
	size_t n_block, n_allow, n_shield;
	long long last_claim, last_snapshot, last_trim;
	int redis_up;			/* connected and the last command answered */
	size_t guard_total;		/* entries of the last generation published here */
	int held;			/* a shrinking generation is held back */
	long long last_success_ms;	/* wall time of the last answered XREADGROUP, 0 never */
	long long down_since_ms;	/* wall time Redis was lost, 0 while up */
	/* per-dataplane event rate limit (token bucket; [events] dp_rate/dp_burst) */
	struct dp_bucket {
		char dp[65];
		double tokens;
		long long last_ms;		/* monotonic ms of the last refill */
		long long burst_at_ms;		/* monotonic ms of the last refused event, 0 none */
		unsigned long long refused;	/* events refused in the current burst */
	} buckets[CTL_MAX_DATAPLANES + 1];
	unsigned n_buckets;
	/* log rate limit */
	long long log_window;
	int log_count;
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One stderr line in one write, as the dataplane writes its own:
 * ISO-8601 UTC time with milliseconds, level, program, message. */
static void ctl_vmsg(const char *level, const char *fmt, va_list ap)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s smsfw-controld: ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     ts.tv_nsec / 1000000, level);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	fwrite(line, 1, (size_t)n, stderr);
	fflush(stderr);
}

__attribute__((format(printf, 2, 3)))
static void ctl_msg(const char *level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctl_vmsg(level, fmt, ap);
	va_end(ap);
}

/* Warnings are rate-limited (50 a second) so a flood of bad events cannot
 * flood the log; they never carry message text or full numbers. */
__attribute__((format(printf, 2, 3)))
static void logw(struct daemon *d, const char *fmt, ...)
{
	long long now = mono_ms() / 1000;
	va_list ap;

	if (now != d->log_window) {
		if (d->log_count > 50)
			ctl_msg("warning", "%d messages suppressed", d->log_count - 50);
		d->log_window = now;
		d->log_count = 0;
	}
	if (++d->log_count > 50)
		return;
	va_start(ap, fmt);
	ctl_vmsg("warning", fmt, ap);
	va_end(ap);
}

static void disconnect(struct daemon *d)
{
	if (d->c)
		redisFree(d->c);
	d->c = NULL;
}

static int setup(struct daemon *d)
{
	char err[256];
	redisReply *r;

	struct ctl_redis_addr was = d->addr;

	d->c = ctl_redis_connect_at(&d->cfg.redis, &d->addr, err, sizeof(err));
	if (!d->c) {
		logw(d, "%s", err);
		return -1;
	}
	d->n.connects++;
	if (d->cfg.redis.sentinels[0] && (strcmp(was.host, d->addr.host) || was.port != d->addr.port)) {
		if (was.port)
			d->n.failovers++;
		logw(d, "redis master \"%s\" is %s:%d%s", d->cfg.redis.master_name, d->addr.host, d->addr.port,
		     was.port ? " (failover followed)" : "");
	}
	if (ctl_apply_load(d->c, &d->apply, err, sizeof(err)) < 0) {
		logw(d, "%s", err);
		return -1;
	}
	/* Start at 0: events written before the group existed are applied too. */
	r = redisCommand(d->c, "XGROUP CREATE %s %s 0 MKSTREAM", CTL_K_EVENTS, CTL_GROUP);
	if (!r || (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "BUSYGROUP", 9))) {
		logw(d, "XGROUP CREATE %s: %s", CTL_K_EVENTS, r ? r->str : d->c->errstr);
		if (r)
			freeReplyObject(r);
		return -1;
	}
	freeReplyObject(r);
	/* What the current generation holds, so a restart does not republish. */
	r = redisCommand(d->c, "HMGET %s version rev sha", CTL_K_GEN_META);
	d->published_rev = -1;
	d->published_sha[0] = 0;
	d->current_version = 0;
	if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 3 && r->element[0]->type == REDIS_REPLY_STRING) {
		d->current_version = strtoll(r->element[0]->str, NULL, 10);
		if (r->element[1]->type == REDIS_REPLY_STRING)
			d->published_rev = strtoll(r->element[1]->str, NULL, 10);
		ctl_reply_str(r->element[2], d->published_sha, sizeof(d->published_sha));
	}
	if (r)
		freeReplyObject(r);
	d->dirty_at = 0;
	d->last_claim = 0;
	return 0;
}

#define BURST_HOLD_MS 10000	/* the burst alarm stays up this long after the last refusal */

/* The bucket of a dataplane id; ids beyond the table share its last slot. */
static struct dp_bucket *bucket_of(struct daemon *d, const char *dp)
{
	unsigned i;

	for (i = 0; i < d->n_buckets; i++)
		if (!strcmp(d->buckets[i].dp, dp))
			return &d->buckets[i];
	if (d->n_buckets == CTL_MAX_DATAPLANES + 1)
		return &d->buckets[CTL_MAX_DATAPLANES];
	i = d->n_buckets++;
	snprintf(d->buckets[i].dp, sizeof(d->buckets[i].dp), "%s", i == CTL_MAX_DATAPLANES ? "other" : dp);
	d->buckets[i].tokens = d->cfg.dp_burst;
	d->buckets[i].last_ms = mono_ms();
	return &d->buckets[i];
}

/* 1 when the dataplane may apply one more event now; on a refusal the
 * burst alarm is raised (one log line a burst, the metrics gauge). */
static int rate_ok(struct daemon *d, const char *dp)
{
	struct dp_bucket *b;
	long long now;

	if (!d->cfg.dp_rate)
		return 1;
	b = bucket_of(d, dp);
	now = mono_ms();
	b->tokens += (double)(now - b->last_ms) * d->cfg.dp_rate / 1000.0;
	if (b->tokens > d->cfg.dp_burst)
		b->tokens = d->cfg.dp_burst;
	b->last_ms = now;
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		return 1;
	}
	if (!b->burst_at_ms || now - b->burst_at_ms > BURST_HOLD_MS) {
		b->refused = 0;
		logw(d, "ALARM: event burst from dataplane \"%s\": over %u events/s (burst %u), %s",
		     *b->dp ? b->dp : "-", d->cfg.dp_rate, d->cfg.dp_burst,
		     d->cfg.dp_over_rate_refuse ? "refusing" : "applying them (events.dp_over_rate = alarm)");
	}
	b->burst_at_ms = now;
	b->refused++;		/* over the rate: refused, or applied under the alarm */
	return !d->cfg.dp_over_rate_refuse;
}

/* Read and drop the replies still in the pipeline: job i's from its k-th
 * on, then every later job's (before a reconnect). */
static void drain(struct daemon *d, const int *appended, size_t i, int k, size_t n)
{
	redisReply *r;

	for (; i < n; i++, k = 0)
		for (; k < appended[i]; k++)
			if (redisGetReply(d->c, (void **)&r) == REDIS_OK)
				freeReplyObject(r);
}

/* Read the replies of one wave into the jobs. 0, or -1 on a Redis error
 * or a NOSCRIPT/failover reply (the rest of the pipeline drained: the
 * caller reconnects, which reloads the scripts and finds the master). */
static int read_wave(struct daemon *d, struct ctl_apply_job *job, const int *appended, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < appended[i]; k++) {
			redisReply *r;

			if (redisGetReply(d->c, (void **)&r) != REDIS_OK)
				return -1;
			if (r && r->type == REDIS_REPLY_ERROR &&
			    (!strncmp(r->str, "NOSCRIPT", 8) || ctl_reply_failover(r))) {
				freeReplyObject(r);
				drain(d, appended, i, k + 1, n);
				return -1;
			}
			ctl_apply_take(&job[i], r);
			freeReplyObject(r);
		}
	return 0;
}

/* Apply the entries of one XREADGROUP/XAUTOCLAIM reply and XACK them.
 * 0, or -1 on a Redis error (nothing of this batch is acked then; the
 * entries stay pending and are re-read after the reconnect, and what a
 * cut chain had done is resumed, not repeated: ctl_apply.h). */
static int process_entries(struct daemon *d, const redisReply *entries)
{
	size_t n = entries->elements;
	const char **ack = calloc(n + 3, sizeof(*ack));
	size_t *ackl = calloc(n + 3, sizeof(*ackl));
	struct ctl_event *ev = calloc(n ? n : 1, sizeof(*ev));
	struct ctl_apply_job *job = calloc(n ? n : 1, sizeof(*job));
	int *appended = calloc(n ? n : 1, sizeof(*appended));
	int rc = -1;
	size_t nack = 3;

	if (!ack || !ackl || !ev || !job || !appended)
		goto out;
	ack[0] = "XACK"; ack[1] = CTL_K_EVENTS; ack[2] = CTL_GROUP;
	for (int k = 0; k < 3; k++)
		ackl[k] = strlen(ack[k]);
	for (size_t i = 0; i < n; i++) {
		const redisReply *e = entries->element[i], *f;
		const char *fv[64];
		size_t fl[64];
		enum ctl_ev_err err;

		job[i].done = 1;	/* until its event is accepted */
		if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 || e->element[0]->type != REDIS_REPLY_STRING)
			continue;
		d->n.read++;
		ack[nack] = e->element[0]->str;
		ackl[nack++] = (size_t)e->element[0]->len;
		f = e->element[1];
		if (f->type != REDIS_REPLY_ARRAY) {	/* trimmed away while pending */
			d->n.malformed[CTL_EV_DELETED]++;
			continue;
		}
		if (f->elements > 64 || f->elements % 2) {
			err = CTL_EV_OVERSIZE;
		} else {
			for (size_t k = 0; k < f->elements; k++) {
				fv[k] = f->element[k]->str ? f->element[k]->str : "";
				fl[k] = f->element[k]->str ? (size_t)f->element[k]->len : 0;
			}
			err = ctl_event_decode(fv, fl, f->elements / 2, &ev[i]);
			if (err == CTL_EV_OK)
				err = ctl_event_check(&ev[i], &d->cfg, wall_ms());
			if (err == CTL_EV_OK && !rate_ok(d, ev[i].dp))
				err = CTL_EV_RATE_LIMITED;
		}
		if (err != CTL_EV_OK) {
			d->n.malformed[err]++;
			logw(d, "event %s refused: %s", e->element[0]->str, ctl_ev_err_name(err));
			continue;
		}
		ctl_apply_start(&job[i], &ev[i]);
	}
	for (int w = 0; w < CTL_APPLY_WAVES; w++) {
		for (size_t i = 0; i < n; i++) {
			int a = ctl_apply_append(d->c, &d->apply, &d->cfg, &job[i], w);

			if (a < 0)
				goto out;
			appended[i] = a;
		}
		if (read_wave(d, job, appended, n) < 0)
			goto out;
		/* Fault injection for the crash test: die in the middle of the
		 * report chains (entity steps done, control step not). */
		if (w == CTL_APPLY_WAVE_CTL - 1 && d->fault_mid_chain && d->n.applied >= d->fault_mid_chain)
			raise(SIGKILL);
	}
	for (size_t i = 0; i < n; i++) {
		if (!job[i].ev)
			continue;
		if (job[i].resumed && job[i].res == CTL_APPLIED)
			d->n.resumed++;
		switch (job[i].res) {
		case CTL_APPLIED:
			d->n.applied++;
			break;
		case CTL_DUPLICATE:
			d->n.duplicate++;
			break;
		case CTL_WRONGTYPE:
			d->n.wrongtype++;
			logw(d, "event %s refused: wrong Redis type for the %s key",
			     entries->element[i]->element[0]->str, job[i].what);
			break;
		case CTL_SCRIPT_ERROR:
			d->n.script_errors++;
			logw(d, "event %s: script error: %s", entries->element[i]->element[0]->str, job[i].what);
			break;
		}
	}
	/* Fault injection for the crash test: die between apply and XACK. */
	if (d->fault_after_apply && d->n.applied >= d->fault_after_apply)
		raise(SIGKILL);
	if (nack > 3) {
		redisReply *r = redisCommandArgv(d->c, (int)nack, ack, ackl);

		if (ctl_reply_failed(r)) {
			if (r)
				freeReplyObject(r);
			goto out;
		}
		freeReplyObject(r);
	}
	rc = 0;
out:
	free(ack);
	free(ackl);
	free(ev);
	free(job);
	free(appended);
	return rc;
}

/* Own pending entries (ID 0), e.g. after kill -9 with the same consumer name. */
static int recover_own(struct daemon *d)
{
	char start[64] = "0";

	for (;;) {
		redisReply *r = redisCommand(d->c, "XREADGROUP GROUP %s %s COUNT %u STREAMS %s %s", CTL_GROUP,
					     d->cfg.consumer, d->cfg.batch, CTL_K_EVENTS, start);
		const redisReply *entries;
		int rc;

		if (ctl_reply_failed(r) || r->type != REDIS_REPLY_ARRAY || r->elements != 1) {
			if (r)
				freeReplyObject(r);
			return -1;
		}
		entries = r->element[0]->element[1];
		if (entries->elements == 0) {
			freeReplyObject(r);
			return 0;
		}
		snprintf(start, sizeof(start), "%s", entries->element[entries->elements - 1]->element[0]->str);
		rc = process_entries(d, entries);
		freeReplyObject(r);
		if (rc < 0)
			return -1;
	}
}

/* Entries other (dead) consumers left pending longer than claim_idle_ms. */
static int autoclaim(struct daemon *d)
{
	char cursor[64] = "0-0";

	for (;;) {
		redisReply *r = redisCommand(d->c, "XAUTOCLAIM %s %s %s %u %s COUNT %u", CTL_K_EVENTS, CTL_GROUP,
					     d->cfg.consumer, d->cfg.claim_idle_ms, cursor, d->cfg.batch);
		int rc;

		if (ctl_reply_failed(r) || r->type != REDIS_REPLY_ARRAY || r->elements < 2 ||
		    ctl_reply_str(r->element[0], cursor, sizeof(cursor))) {
			logw(d, "XAUTOCLAIM: %s", r && r->type == REDIS_REPLY_ERROR ? r->str : "failed");
			if (r)
				freeReplyObject(r);
			return -1;
		}
		d->n.claimed += r->element[1]->elements;
		rc = process_entries(d, r->element[1]);
		freeReplyObject(r);
		if (rc < 0)
			return -1;
		if (!strcmp(cursor, "0-0"))
			return 0;
	}
}

/* "ms-seq" of a stream id; -1 if it is not one. */
static int parse_stream_id(const char *s, unsigned long long *ms, unsigned long long *seq)
{
	char *end;

	errno = 0;
	*ms = strtoull(s, &end, 10);
	if (errno || end == s || *end != '-')
		return -1;
	s = end + 1;
	*seq = strtoull(s, &end, 10);
	return errno || end == s || *end ? -1 : 0;
}

static int id_before(unsigned long long ams, unsigned long long aseq, unsigned long long bms,
		     unsigned long long bseq)
{
	return ams < bms || (ams == bms && aseq < bseq);
}

/* The events stream holds blocked messages' texts and reporters' numbers:
 * entries older than events.retain_s (by the stream id, Redis's clock at
 * XADD) leave it once the group has applied them, rather than when a
 * million newer events push them out. What is not applied yet (never
 * delivered, or pending with any consumer) stays however old: trimming
 * never loses state. The stream is trimmed from its start only, so an old
 * pending entry keeps the ones after it. 0 = nothing to do, -1 = Redis
 * error (the caller reconnects). */
static int trim_events(struct daemon *d)
{
	unsigned long long cut_ms, cut_seq = 0, ms, seq;
	char id[64];
	redisReply *r = redisCommand(d->c, "TIME");
	int found = 0;

	if (ctl_reply_failed(r) || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING) {
		if (r)
			freeReplyObject(r);
		return -1;
	}
	cut_ms = strtoull(r->element[0]->str, NULL, 10) * 1000;
	freeReplyObject(r);
	if (cut_ms <= (unsigned long long)d->cfg.retain_s * 1000)
		return 0;
	cut_ms -= (unsigned long long)d->cfg.retain_s * 1000;

	/* nothing past what the group was given */
	r = redisCommand(d->c, "XINFO GROUPS %s", CTL_K_EVENTS);
	if (!r)
		return -1;
	if (r->type == REDIS_REPLY_ARRAY) {
		for (size_t g = 0; g < r->elements && !found; g++) {
			const redisReply *e = r->element[g];
			const char *name = NULL, *last = NULL;

			for (size_t i = 0; e->type == REDIS_REPLY_ARRAY && i + 1 < e->elements; i += 2) {
				if (e->element[i]->type != REDIS_REPLY_STRING || e->element[i + 1]->type != REDIS_REPLY_STRING)
					continue;
				if (!strcmp(e->element[i]->str, "name"))
					name = e->element[i + 1]->str;
				else if (!strcmp(e->element[i]->str, "last-delivered-id"))
					last = e->element[i + 1]->str;
			}
			if (name && last && !strcmp(name, CTL_GROUP)) {
				found = 1;
				if (parse_stream_id(last, &ms, &seq) < 0) {
					found = 0;
					break;
				}
				if (id_before(ms, seq, cut_ms, cut_seq)) {
					cut_ms = ms;
					cut_seq = seq;
				}
			}
		}
	}
	freeReplyObject(r);
	if (!found)
		return 0;	/* no group (yet): nothing was applied */

	/* nor from the first entry still pending with any consumer */
	r = redisCommand(d->c, "XPENDING %s %s", CTL_K_EVENTS, CTL_GROUP);
	if (ctl_reply_failed(r) || r->type != REDIS_REPLY_ARRAY || r->elements < 2) {
		if (r)
			freeReplyObject(r);
		return -1;
	}
	if (r->element[0]->type == REDIS_REPLY_INTEGER && r->element[0]->integer > 0) {
		if (r->element[1]->type != REDIS_REPLY_STRING ||
		    parse_stream_id(r->element[1]->str, &ms, &seq) < 0) {
			freeReplyObject(r);
			return 0;
		}
		if (id_before(ms, seq, cut_ms, cut_seq)) {
			cut_ms = ms;
			cut_seq = seq;
		}
	}
	freeReplyObject(r);

	snprintf(id, sizeof(id), "%llu-%llu", cut_ms, cut_seq);
	r = redisCommand(d->c, "XTRIM %s MINID %s", CTL_K_EVENTS, id);
	if (ctl_reply_failed(r) || r->type != REDIS_REPLY_INTEGER) {
		if (r)
			freeReplyObject(r);
		return -1;
	}
	d->n.trimmed += (unsigned long long)r->integer;
	freeReplyObject(r);
	return 0;
}

static int check_publish(struct daemon *d)
{
	long long now = mono_ms(), rev = 0;
	redisReply *r = redisCommand(d->c, "GET %s", CTL_K_REV);
	struct ctl_gen_body b;
	char err[256];

	if (!r)
		return -1;
	if (r->type == REDIS_REPLY_STRING)
		rev = strtoll(r->str, NULL, 10);
	freeReplyObject(r);
	d->lists_rev = rev;
	/* The dataplanes follow the change log: a snapshot is only their
	 * starting point, rebuilt when the lists changed and snapshot_every_s
	 * passed (or this daemon has built none since it started: it cannot
	 * know how old the current one is), or snapshot_changes were logged (well inside the log's cap,
	 * so a snapshot is never older than the log's first entry), or rev
	 * went backwards (Redis restarted empty: the shrink guard decides),
	 * or an entry expires (its delete is logged by the builder). */
	if (!d->dirty_at && (d->current_version == 0 || rev < d->published_rev ||
			     (rev != d->published_rev &&
			      (rev - d->published_rev >= (long long)d->cfg.snapshot_changes || !d->last_lists_snapshot ||
			       now - d->last_lists_snapshot >= (long long)d->cfg.snapshot_every_s * 1000)) ||
			     (d->next_expiry && wall_ms() / 1000 >= d->next_expiry)))
		d->dirty_at = now;
	if (!d->dirty_at || now < d->dirty_at + (long long)d->cfg.debounce_ms)
		return 0;
	d->dirty_at = 0;
	d->last_lists_snapshot = now;
	if (ctl_gen_build(d->c, wall_ms() / 1000, &b, err, sizeof(err)) < 0) {
		if (d->c->err)
			return -1;
		d->n.gen_build_errors++;
		d->dirty_at = now + 5000;	/* the old generation stays; retry later */
		logw(d, "generation not built, the current one stays: %s", err);
		return 0;
	}
	d->n.gen_invalid_entries = b.n_invalid;
	d->n.gen_expired_entries += b.n_expired;
	if (b.n_invalid)
		logw(d, "generation: %zu malformed list entries skipped", b.n_invalid);
	d->next_expiry = b.next_expiry;
	{
		/* shrink guard: Redis restarted empty or a wrong database would
		 * wipe every dataplane's lists; hold such a generation until an
		 * operator confirms it (smsfwctl lists confirm) */
		size_t total = b.n_block + b.n_allow + b.n_shield;

		if (d->cfg.shrink_max_pct && d->guard_total >= 10 &&
		    total * 100 < d->guard_total * (100 - d->cfg.shrink_max_pct)) {
			redisReply *cf = redisCommand(d->c, "GETDEL %s", CTL_K_GEN_CONFIRM);
			int confirmed = cf && cf->type == REDIS_REPLY_STRING;

			if (cf)
				freeReplyObject(cf);
			if (!cf && d->c->err) {
				ctl_gen_free(&b);
				return -1;
			}
			if (!confirmed) {
				if (!d->held) {
					d->n.gen_held++;
					ctl_msg("warning", "ALARM: generation held: it would drop %zu of "
						"%zu list entries (more than %u%%); the dataplanes keep their lists; "
						"'smsfwctl lists confirm' publishes it", d->guard_total - total,
						d->guard_total, d->cfg.shrink_max_pct);
				}
				d->held = 1;
				cf = redisCommand(d->c, "SET %s %llu:%llu", CTL_K_GEN_HELD, (unsigned long long)total,
						  (unsigned long long)d->guard_total);
				if (cf)
					freeReplyObject(cf);
				ctl_gen_free(&b);
				d->dirty_at = now + 1000;	/* look for a confirmation again */
				return d->c->err ? -1 : 0;
			}
			logw(d, "shrinking generation confirmed by an operator: %zu -> %zu entries", d->guard_total, total);
		}
		if (d->held) {
			redisReply *cf = redisCommand(d->c, "DEL %s", CTL_K_GEN_HELD);

			if (cf)
				freeReplyObject(cf);
			d->held = 0;
		}
		d->guard_total = total;
	}
	d->n_block = b.n_block;
	d->n_allow = b.n_allow;
	d->n_shield = b.n_shield;
	if (d->current_version && !strcmp(b.sha, d->published_sha) && b.rev == d->published_rev) {
		/* same content at the same rev: no new generation */
	} else {
		long long v = ctl_gen_publish(d->c, &b, d->cfg.keep_generations, wall_ms(), err, sizeof(err));

		if (v < 0) {
			ctl_gen_free(&b);
			if (d->c->err)
				return -1;
			logw(d, "%s", err);
			/* another controld published meanwhile: reread meta */
			d->current_version = 0;
			d->dirty_at = now;
			return -1;
		}
		d->n.generations++;
		/* a generation lost in a failover would be published again
		 * under the same version number, which dataplanes that took
		 * the lost one skip: with [redis] wait_replicas, wait for it */
		switch (ctl_redis_wait(d->c, &d->cfg.redis)) {
		case -1:
			ctl_gen_free(&b);
			return -1;
		case 1:
			d->n.wait_short++;
			logw(d, "generation %lld: not confirmed by %u replica(s) within %u ms", v,
			     d->cfg.redis.wait_replicas, d->cfg.redis.wait_timeout_ms);
			break;
		}
		d->current_version = v;
		d->published_rev = b.rev;
		memcpy(d->published_sha, b.sha, sizeof(d->published_sha));
		if (d->verbose)
			ctl_msg("notice", "published generation %lld (%zu block, %zu allow, %zu shield)",
				v, b.n_block, b.n_allow, b.n_shield);
	}
	ctl_gen_free(&b);
	return 0;
}

struct sbuf {
	char *p;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(s->p ? s->p + s->len : NULL, s->p ? s->cap - s->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (s->p && (size_t)n < s->cap - s->len) {
			s->len += (size_t)n;
			return;
		}
		{
			size_t ncap = (s->cap ? s->cap * 2 : 4096) + (size_t)n;
			char *np = realloc(s->p, ncap);

			if (!np)
				return;
			s->p = np;
			s->cap = ncap;
		}
	}
}

/* Label values: dataplane ids and counter names are tokens already; escape anyway. */
static void sb_label(struct sbuf *s, const char *v)
{
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			sb_printf(s, "\\%c", *v);
		else if (*v == '\n')
			sb_printf(s, "\\n");
		else
			sb_printf(s, "%c", *v);
	}
}

static void metrics_snapshot(struct daemon *d)
{
	struct sbuf s = { 0 };
	redisReply *r;
	long long now = wall_ms();

#define M(name, help, type, v) sb_printf(&s, "# HELP smsfw_controld_" name " " help "\n# TYPE smsfw_controld_" \
					 name " " type "\nsmsfw_controld_" name " %llu\n", (unsigned long long)(v))
	M("events_read_total", "Stream entries read.", "counter", d->n.read);
	M("events_applied_total", "Events applied.", "counter", d->n.applied);
	M("events_duplicate_total", "Events already applied (redelivery).", "counter", d->n.duplicate);
	M("events_resumed_total", "Events whose step chain an earlier attempt had cut short, completed.",
	  "counter", d->n.resumed);
	M("events_wrongtype_total", "Events refused because a Redis key had the wrong type.", "counter",
	  d->n.wrongtype);
	M("events_script_errors_total", "Events whose script failed.", "counter", d->n.script_errors);
	M("events_claimed_total", "Entries reclaimed with XAUTOCLAIM.", "counter", d->n.claimed);
	M("events_trimmed_total", "Applied stream entries older than events.retain_s, trimmed.", "counter",
	  d->n.trimmed);
	sb_printf(&s, "# HELP smsfw_controld_events_refused_total Events refused by validation.\n"
		  "# TYPE smsfw_controld_events_refused_total counter\n");
	for (int i = 1; i < CTL_EV__ERR_COUNT; i++)
		sb_printf(&s, "smsfw_controld_events_refused_total{reason=\"%s\"} %llu\n",
			  ctl_ev_err_name((enum ctl_ev_err)i), d->n.malformed[i]);
	M("redis_connects_total", "Successful Redis connections.", "counter", d->n.connects);
	M("redis_errors_total", "Redis errors that forced a reconnect.", "counter", d->n.redis_errors);
	M("redis_failovers_total", "Reconnections that found another master through Sentinel.", "counter",
	  d->n.failovers);
	M("redis_wait_short_total", "Writes not confirmed by redis.wait_replicas replicas in time.", "counter",
	  d->n.wait_short);
	M("generations_published_total", "List generations published.", "counter", d->n.generations);
	M("generation_build_errors_total", "Generations refused (the old one stays).", "counter",
	  d->n.gen_build_errors);
	M("generation_invalid_entries", "Malformed list entries skipped by the last build.", "gauge",
	  d->n.gen_invalid_entries);
	M("generation_current", "Version of the current generation.", "gauge", (unsigned long long)d->current_version);
	M("generation_held", "1 while a shrinking generation waits for 'smsfwctl lists confirm'.", "gauge",
	  (unsigned long long)d->held);
	M("generations_held_total", "Generations held by the shrink guard.", "counter", d->n.gen_held);
	M("lists_rev", "Lists change log position ({smsfw}:lists:rev).", "gauge", (unsigned long long)d->lists_rev);
	M("snapshot_rev", "Lists change log position of the current snapshot (generation).", "gauge",
	  (unsigned long long)(d->published_rev > 0 ? d->published_rev : 0));
	M("redis_up", "1 while Redis answers, 0 while it is away.", "gauge", (unsigned long long)d->redis_up);
	M("redis_last_success_timestamp_seconds", "Wall time of the last answered Redis command (0 never).",
	  "gauge", (unsigned long long)(d->last_success_ms / 1000));
	M("redis_down_seconds", "Seconds since Redis was lost (0 while up).", "gauge",
	  (unsigned long long)(d->down_since_ms && !d->redis_up ? (now - d->down_since_ms) / 1000 : 0));
#undef M
	if (d->addr.port) {
		/* where the daemon writes: the master the sentinels named last */
		sb_printf(&s, "# HELP smsfw_controld_redis_master The Redis this daemon uses (1).\n"
			  "# TYPE smsfw_controld_redis_master gauge\nsmsfw_controld_redis_master{address=\"");
		sb_label(&s, d->addr.host);
		sb_printf(&s, ":%d\"} 1\n", d->addr.port);
	}
	sb_printf(&s, "# HELP smsfw_controld_event_burst 1 while a dataplane is over its event rate limit "
		  "(alarm; held %d s after the last refusal).\n# TYPE smsfw_controld_event_burst gauge\n"
		  "# HELP smsfw_controld_event_burst_refused Events refused in the dataplane's current or last burst.\n"
		  "# TYPE smsfw_controld_event_burst_refused gauge\n", BURST_HOLD_MS / 1000);
	for (unsigned i = 0; i < d->n_buckets; i++) {
		const struct dp_bucket *b = &d->buckets[i];

		sb_printf(&s, "smsfw_controld_event_burst{dp=\"");
		sb_label(&s, *b->dp ? b->dp : "-");
		sb_printf(&s, "\"} %d\nsmsfw_controld_event_burst_refused{dp=\"",
			  b->burst_at_ms && mono_ms() - b->burst_at_ms <= BURST_HOLD_MS);
		sb_label(&s, *b->dp ? b->dp : "-");
		sb_printf(&s, "\"} %llu\n", b->refused);
	}
	sb_printf(&s, "# HELP smsfw_list_entries Entries in the current generation.\n"
		  "# TYPE smsfw_list_entries gauge\n"
		  "smsfw_list_entries{list=\"block\"} %zu\nsmsfw_list_entries{list=\"allow\"} %zu\n"
		  "smsfw_list_entries{list=\"shield\"} %zu\n", d->n_block, d->n_allow, d->n_shield);
	/* while Redis is away the snapshot still changes: the gauges above
	 * and the error counter; what lives in Redis is left out */
	r = d->redis_up ? redisCommand(d->c, "HGETALL %s", CTL_K_STATS) : NULL;
	if (r && r->type == REDIS_REPLY_ARRAY) {
		sb_printf(&s, "# HELP smsfw_stat Shared counters in " CTL_K_STATS " (reports, blocks, shields, ...).\n"
			  "# TYPE smsfw_stat counter\n");
		for (size_t i = 0; i + 1 < r->elements; i += 2) {
			sb_printf(&s, "smsfw_stat{name=\"");
			sb_label(&s, r->element[i]->str);
			sb_printf(&s, "\"} %lld\n", strtoll(r->element[i + 1]->str, NULL, 10));
		}
	}
	if (r)
		freeReplyObject(r);
	r = d->redis_up ? redisCommand(d->c, "ZRANGE %s 0 999", CTL_K_DPS) : NULL;
	if (r && r->type == REDIS_REPLY_ARRAY) {
		sb_printf(&s, "# HELP smsfw_dataplane_heartbeat_age_seconds Age of the last heartbeat.\n"
			  "# TYPE smsfw_dataplane_heartbeat_age_seconds gauge\n"
			  "# HELP smsfw_dataplane_version Generation version the dataplane holds.\n"
			  "# TYPE smsfw_dataplane_version gauge\n"
			  "# HELP smsfw_dataplane_counter Counters reported by the dataplane (verdicts, errors).\n"
			  "# TYPE smsfw_dataplane_counter gauge\n");
		for (size_t i = 0; i < r->elements; i++) {
			redisReply *h = redisCommand(d->c, "HGETALL %s%s", CTL_K_DP, r->element[i]->str);
			long long t = 0, ver = -1;

			if (!h || h->type != REDIS_REPLY_ARRAY || h->elements == 0) {
				if (h)
					freeReplyObject(h);
				continue;
			}
			for (size_t k = 0; k + 1 < h->elements; k += 2) {
				const char *f = h->element[k]->str;
				long long v = strtoll(h->element[k + 1]->str, NULL, 10);

				if (!strcmp(f, "time"))
					t = v;
				else if (!strcmp(f, "version"))
					ver = v;
				else if (!strncmp(f, "c.", 2)) {
					sb_printf(&s, "smsfw_dataplane_counter{dp=\"");
					sb_label(&s, r->element[i]->str);
					sb_printf(&s, "\",name=\"");
					sb_label(&s, f + 2);
					sb_printf(&s, "\"} %lld\n", v);
				}
			}
			sb_printf(&s, "smsfw_dataplane_heartbeat_age_seconds{dp=\"");
			sb_label(&s, r->element[i]->str);
			sb_printf(&s, "\"} %.3f\nsmsfw_dataplane_version{dp=\"", (double)(now - t) / 1000.0);
			sb_label(&s, r->element[i]->str);
			sb_printf(&s, "\"} %lld\n", ver);
			freeReplyObject(h);
		}
	}
	if (r)
		freeReplyObject(r);
	if (s.p)
		ctl_metrics_set(d->metrics, s.p, s.len);
	free(s.p);
}

static int run_connected(struct daemon *d)
{
	if (recover_own(d) < 0 || autoclaim(d) < 0)
		return -1;
	d->last_claim = mono_ms();
	while (!stop_flag) {
		long long now = mono_ms();
		unsigned block = d->cfg.block_ms;
		redisReply *r;
		int rc = 0;

		if (d->dirty_at) {
			long long left = d->dirty_at + d->cfg.debounce_ms - now;

			block = left < 1 ? 1 : left < block ? (unsigned)left : block;
		}
		r = redisCommand(d->c, "XREADGROUP GROUP %s %s COUNT %u BLOCK %u STREAMS %s >", CTL_GROUP,
				 d->cfg.consumer, d->cfg.batch, block, CTL_K_EVENTS);
		if (!r)
			return -1;
		if (!d->redis_up && d->down_since_ms)
			logw(d, "redis back after %lld ms", wall_ms() - d->down_since_ms);
		d->redis_up = 1;
		d->down_since_ms = 0;
		d->last_success_ms = wall_ms();
		if (r->type == REDIS_REPLY_ERROR) {
			logw(d, "XREADGROUP: %s", r->str);
			freeReplyObject(r);
			return -1;
		}
		if (r->type == REDIS_REPLY_ARRAY && r->elements == 1)
			rc = process_entries(d, r->element[0]->element[1]);
		freeReplyObject(r);
		if (rc < 0 || check_publish(d) < 0)
			return -1;
		now = mono_ms();
		if (now - d->last_claim >= 5000) {
			if (autoclaim(d) < 0)
				return -1;
			d->last_claim = now;
		}
		if (now - d->last_trim >= 5000) {
			if (trim_events(d) < 0)
				return -1;
			d->last_trim = now;
		}
		if (d->metrics && now - d->last_snapshot >= 1000) {
			metrics_snapshot(d);
			d->last_snapshot = now;
		}
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: smsfw-controld [-c FILE] [--redis HOST:PORT] [--user USER] [--password PASS]\n"
		   "                      [--sentinel HOST:PORT,... [--master-name NAME]]\n"
		   "                      [--consumer NAME] [--metrics-port N] [--metrics-listen ADDR] [-v]\n"
		   "Password also from SMSFW_REDIS_PASSWORD (preferred over the command line).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, 0, 'c' }, { "redis", required_argument, 0, 'r' },
		{ "user", required_argument, 0, 'u' }, { "password", required_argument, 0, 'p' },
		{ "consumer", required_argument, 0, 'n' }, { "metrics-port", required_argument, 0, 'm' },
		{ "metrics-listen", required_argument, 0, 'l' }, { "verbose", no_argument, 0, 'v' },
		{ "sentinel", required_argument, 0, 'S' }, { "master-name", required_argument, 0, 'N' },
		{ "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
	struct daemon *d = calloc(1, sizeof(*d));
	const char *cfg_path = NULL, *o_redis = NULL, *o_user = NULL, *o_pass = NULL, *o_cons = NULL,
		   *o_mport = NULL, *o_mlisten = NULL, *o_sent = NULL, *o_master = NULL;
	char err[512];
	unsigned backoff = 100;
	int c;

	if (!d)
		return 1;
	while ((c = getopt_long(argc, argv, "c:r:u:p:n:m:l:vhS:N:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cfg_path = optarg; break;
		case 'r': o_redis = optarg; break;
		case 'u': o_user = optarg; break;
		case 'p': o_pass = optarg; break;
		case 'n': o_cons = optarg; break;
		case 'm': o_mport = optarg; break;
		case 'l': o_mlisten = optarg; break;
		case 'v': d->verbose = 1; break;
		case 'S': o_sent = optarg; break;
		case 'N': o_master = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	ctl_config_defaults(&d->cfg);
	if (cfg_path && ctl_config_load(&d->cfg, cfg_path, err, sizeof(err)) < 0) {
		ctl_msg("error", "%s", err);
		return 3;
	}
	ctl_config_env(&d->cfg);
	if (o_redis && ctl_parse_hostport(&d->cfg.redis, o_redis) < 0) {
		ctl_msg("error", "--redis: expected HOST:PORT");
		return 2;
	}
	if (o_redis)
		d->cfg.redis.sentinels[0] = 0;	/* an explicit address wins over the config's sentinels */
	if (o_sent)
		snprintf(d->cfg.redis.sentinels, sizeof(d->cfg.redis.sentinels), "%s", o_sent);
	if (o_master)
		snprintf(d->cfg.redis.master_name, sizeof(d->cfg.redis.master_name), "%s", o_master);
	if (d->cfg.redis.sentinels[0]) {
		struct ctl_sentinel t;

		if (ctl_sentinel_parse(&t, d->cfg.redis.sentinels, d->cfg.redis.master_name, err, sizeof(err)) < 0) {
			ctl_msg("error", "%s", err);
			return 2;
		}
	}
	if (o_user)
		snprintf(d->cfg.redis.user, sizeof(d->cfg.redis.user), "%s", o_user);
	if (o_pass)
		snprintf(d->cfg.redis.password, sizeof(d->cfg.redis.password), "%s", o_pass);
	if (o_cons)
		snprintf(d->cfg.consumer, sizeof(d->cfg.consumer), "%s", o_cons);
	if (o_mlisten)
		snprintf(d->cfg.metrics_listen, sizeof(d->cfg.metrics_listen), "%s", o_mlisten);
	if (o_mport) {
		char *end;
		long p = strtol(o_mport, &end, 10);

		if (*end || p < 0 || p > 65535) {
			ctl_msg("error", "--metrics-port: expected 0-65535 (0 off)");
			return 2;
		}
		d->cfg.metrics_port = (int)p;
	}
	if (getenv("SMSFW_CONTROLD_FAULT_MID_CHAIN"))
		d->fault_mid_chain = strtoull(getenv("SMSFW_CONTROLD_FAULT_MID_CHAIN"), NULL, 10);
	if (getenv("SMSFW_CONTROLD_FAULT_AFTER_APPLY"))
		d->fault_after_apply = strtoull(getenv("SMSFW_CONTROLD_FAULT_AFTER_APPLY"), NULL, 10);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (d->cfg.metrics_port > 0) {
		d->metrics = ctl_metrics_start(d->cfg.metrics_listen, d->cfg.metrics_port, err, sizeof(err));
		if (!d->metrics) {
			ctl_msg("error", "%s", err);
			return 3;
		}
	}
	if (d->verbose && d->cfg.redis.sentinels[0])
		ctl_msg("notice", "consumer %s, redis master \"%s\" through sentinels %s",
			d->cfg.consumer, d->cfg.redis.master_name, d->cfg.redis.sentinels);
	else if (d->verbose)
		ctl_msg("notice", "consumer %s, redis %s:%d", d->cfg.consumer,
			d->cfg.redis.host, d->cfg.redis.port);
	while (!stop_flag) {
		if (setup(d) == 0) {
			backoff = 100;
			if (run_connected(d) == 0)
				break;
			d->n.redis_errors++;
			logw(d, "redis connection lost (%s), reconnecting", d->c && d->c->err ? d->c->errstr : "error");
		} else {
			d->n.redis_errors++;	/* refused or timed out: counted too */
		}
		if (d->redis_up || !d->down_since_ms)
			d->down_since_ms = wall_ms();
		d->redis_up = 0;
		disconnect(d);
		for (unsigned slept = 0; slept < backoff && !stop_flag; slept += 50) {
			/* /metrics keeps moving while Redis is away */
			if (d->metrics && mono_ms() - d->last_snapshot >= 1000) {
				metrics_snapshot(d);
				d->last_snapshot = mono_ms();
			}
			usleep(50 * 1000);
		}
		{
			/* with Sentinel retry at least every second: a failover
			 * is over in a few seconds and asking is cheap */
			unsigned cap = d->cfg.redis.sentinels[0] ? 1000 : 5000;

			backoff = backoff * 2 > cap ? cap : backoff * 2;
		}
	}
	disconnect(d);
	ctl_metrics_stop(d->metrics);
	free(d);
	return 0;
}
