/* SPDX-License-Identifier: BSD-3-Clause */
/* The dataplane's control-plane link: dpclient thread, per-lcore event
 * producers, lists generations and rule bundles from Redis handed to the
 * reload path (issue 6 "Pushing to dataplanes"; control/REDIS.md). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* pthread_{get,set}affinity_np, CPU_SET */
#endif
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_telemetry.h>

#include "dp_redis.h"

/* One piece of state from Redis (a lists text or a rule bundle). */
struct dp_redis_blob {
	char *buf;		/* malloc'd; lists text is NUL-terminated */
	size_t len;
	long long version;	/* lists generation */
	char sha[65];		/* rule bundle */
};

/* One change of the lists change log, from the dpclient thread to the
 * control thread, which applies it in place (policy_lists_apply). */
struct dp_change {
	struct dp_change *next;
	long long rev;
	int add;
	size_t len;
	char line[];
};

#define DP_CHANGES_MAX (1u << 20)	/* queued beyond: dropped, a snapshot is reloaded */

/* Offline: how long a full event ring waits for Redis to come back. */
#define DP_REDIS_OFFLINE_WAIT_MS 30000

struct dp_redis {
	struct sfdp *client;
	unsigned n_prod;
	struct sfdp_producer *prod[DP_MAX_WORKERS];
	/* events each producer was asked to queue (written by its lcore) */
	uint64_t attempted[DP_MAX_WORKERS];
	pthread_mutex_t mu;
	/* incoming: written by the dpclient thread under mu; taken and cur:
	 * the control thread's (taken between dp_redis_source and _done) */
	struct dp_redis_blob in_lists, in_bundle;
	struct dp_redis_blob taken_lists, taken_bundle;
	struct dp_redis_blob cur_lists, cur_bundle;
	char origin_lists[96], origin_bundle[96];
	int pending;		/* an update arrived (atomic) */
	/* lists change log: queued under mu by the dpclient thread */
	struct dp_change *chg_head, *chg_tail;
	size_t chg_n;
	int keep_lists;		/* control thread: the running lists stay (no new snapshot) */
	time_t last_resync;	/* control thread: the last snapshot asked for after a refusal */
	uint64_t chg_applied, chg_noop, chg_malformed, chg_full, chg_dropped;	/* control thread */
	/* what the running lists hold, copied by the control thread for the
	 * heartbeat and telemetry threads (which must not touch ctx->gen) */
	pthread_mutex_t lc_mu;
	struct policy_lists_counts lc;
	/* dp_redis_watch (control thread) */
	int was_connected;
	uint64_t errors_at_loss;
	time_t lost_at, last_note;
};

static void blob_free(struct dp_redis_blob *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

/* dpclient thread: keep a copy of the newest committed generation. */
static void on_generation(void *arg, long long version, const char *text, size_t len)
{
	struct dp_redis *r = arg;
	char *copy = malloc(len + 1);

	if (!copy) {
		dp_msg(DP_MSG_ERR, "control plane generation %lld: out of memory, not applied", version);
		return;
	}
	memcpy(copy, text, len);
	copy[len] = 0;
	pthread_mutex_lock(&r->mu);
	blob_free(&r->in_lists);
	r->in_lists.buf = copy;
	r->in_lists.len = len;
	r->in_lists.version = version;
	__atomic_store_n(&r->pending, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&r->mu);
}

/* dpclient thread: one entry of the lists change log, in rev order. */
static void on_change(void *arg, long long rev, int add, const char *line, size_t len)
{
	struct dp_redis *r = arg;
	struct dp_change *c = malloc(sizeof(*c) + len + 1);

	if (!c) {
		__atomic_fetch_add(&r->chg_dropped, 1, __ATOMIC_RELAXED);
		sfdp_lists_resync(r->client);
		return;
	}
	c->next = NULL;
	c->rev = rev;
	c->add = add;
	c->len = len;
	memcpy(c->line, line, len);
	c->line[len] = 0;
	pthread_mutex_lock(&r->mu);
	if (r->chg_n >= DP_CHANGES_MAX) {
		pthread_mutex_unlock(&r->mu);
		free(c);
		__atomic_fetch_add(&r->chg_dropped, 1, __ATOMIC_RELAXED);
		sfdp_lists_resync(r->client);
		return;
	}
	if (r->chg_tail)
		r->chg_tail->next = c;
	else
		r->chg_head = c;
	r->chg_tail = c;
	r->chg_n++;
	pthread_mutex_unlock(&r->mu);
}

static void changes_free(struct dp_change *c)
{
	while (c) {
		struct dp_change *n = c->next;

		free(c);
		c = n;
	}
}

/* dpclient thread: a rule bundle published with `smsfwctl rules reload`. */
static void on_rules(void *arg, const char *sha256_hex, const void *bundle, size_t len)
{
	struct dp_redis *r = arg;
	char *copy = malloc(len ? len : 1);

	if (!copy) {
		dp_msg(DP_MSG_ERR, "control plane rule bundle %.12s: out of memory, not applied", sha256_hex);
		return;
	}
	memcpy(copy, bundle, len);
	pthread_mutex_lock(&r->mu);
	blob_free(&r->in_bundle);
	r->in_bundle.buf = copy;
	r->in_bundle.len = len;
	snprintf(r->in_bundle.sha, sizeof(r->in_bundle.sha), "%s", sha256_hex);
	__atomic_store_n(&r->pending, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&r->mu);
}

/* The main lcore is pinned to one CPU where it busy-polls; a thread it
 * creates inherits that. Start the client thread with every CPU allowed so
 * the scheduler keeps it off the polling lcores. */
static struct sfdp *start_off_lcores(const struct sfdp_config *sc, char *err, size_t errlen)
{
	cpu_set_t saved, all;
	struct sfdp *c;
	int restore;

	restore = pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved) == 0;
	CPU_ZERO(&all);
	for (long i = 0, n = sysconf(_SC_NPROCESSORS_ONLN); i < n && i < CPU_SETSIZE; i++)
		CPU_SET((int)i, &all);
	if (restore)
		pthread_setaffinity_np(pthread_self(), sizeof(all), &all);
	c = sfdp_start(sc, err, errlen);
	if (restore)
		pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
	return c;
}

/* The dataplane says when it loses and regains Redis (dp_msg stamps the
 * wall time) and how long it was away; events wait in the rings and the
 * journal meanwhile. Called on the client's thread. */
static void on_link(void *arg, int up, const char *host, int port)
{
	static long long down_at_ms;
	struct timespec ts;
	long long now_ms;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &ts);
	now_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (!up) {
		down_at_ms = now_ms;
		dp_msg(DP_MSG_WARN, "control plane: lost Redis %s:%d; filtering goes on with the "
		       "lists it has, events wait in the rings and the journal", host, port);
	} else if (down_at_ms) {
		dp_msg(DP_MSG_NOTICE, "control plane: Redis %s:%d back after %lld ms", host, port,
		       now_ms - down_at_ms);
		down_at_ms = 0;
	}
}

/* "host:port", or "master NAME via sentinels LIST", for log lines. */
static const char *link_name(const struct dp_ctx *ctx)
{
	static __thread char b[700];

	if (ctx->cfg.redis_sentinels[0])
		snprintf(b, sizeof(b), "master \"%s\" via sentinels %s", ctx->cfg.redis_master_name,
			 ctx->cfg.redis_sentinels);
	else
		snprintf(b, sizeof(b), "%s:%u", ctx->cfg.redis_host, ctx->cfg.redis_port);
	return b;
}

/* Telemetry /smsfw/control (on the telemetry thread): the link to the
 * control plane as an operator checks it — up or down and since when,
 * where, and what waits for Redis (rings, journal). Reads only atomics of
 * the client (sfdp_get_stats) and values fixed after start. */
static int tel_control(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_ctx *ctx = dp_global;
	struct sfdp_stats st;
	char since[40] = "", where[300];

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	if (!ctx || !ctx->redis) {
		rte_tel_data_add_dict_string(d, "link", "none");
		return 0;
	}
	sfdp_get_stats(ctx->redis->client, &st);
	sfdp_get_master(ctx->redis->client, where, sizeof(where));
	if (st.link_since_ms > 0) {
		time_t t = (time_t)(st.link_since_ms / 1000);
		struct tm tm;

		gmtime_r(&t, &tm);
		snprintf(since + strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%S", &tm), 8, ".%03dZ",
			 (int)(st.link_since_ms % 1000));
	}
	rte_tel_data_add_dict_string(d, "link", st.connected ? "up" : "down");
	rte_tel_data_add_dict_string(d, "since", since);
	rte_tel_data_add_dict_u64(d, "since_ms", (uint64_t)(st.link_since_ms > 0 ? st.link_since_ms : 0));
	rte_tel_data_add_dict_string(d, "redis", where);
	rte_tel_data_add_dict_string(d, "via", ctx->cfg.redis_sentinels[0] ? "sentinel" : "direct");
	rte_tel_data_add_dict_u64(d, "journal_records", st.journal_records);
	rte_tel_data_add_dict_u64(d, "queued", st.queued);
	rte_tel_data_add_dict_u64(d, "events_sent", st.events_sent);
	rte_tel_data_add_dict_u64(d, "events_spilled", st.events_spilled);
	rte_tel_data_add_dict_u64(d, "events_replayed", st.events_replayed);
	rte_tel_data_add_dict_u64(d, "events_dropped", st.events_dropped);
	rte_tel_data_add_dict_u64(d, "events_journal_dropped", st.events_journal_dropped);
	rte_tel_data_add_dict_u64(d, "connects", st.connects);
	rte_tel_data_add_dict_u64(d, "redis_errors", st.redis_errors);
	rte_tel_data_add_dict_u64(d, "failovers", st.failovers);
	rte_tel_data_add_dict_u64(d, "events_resent", st.events_resent);
	rte_tel_data_add_dict_u64(d, "wait_short", st.wait_short);
	rte_tel_data_add_dict_u64(d, "lists_generation", (uint64_t)(st.version > 0 ? st.version : 0));
	return 0;
}

int dp_redis_start(struct dp_ctx *ctx, unsigned wait_ms, char *err, size_t errlen)
{
	struct sfdp_config sc;
	struct sfdp_stats st;
	struct dp_redis *r;
	char e[256];

	rte_telemetry_register_cmd("/smsfw/control", tel_control,
				   "Control-plane link: up/down and since when, Redis address, journal depth, "
				   "event counters.");
	ctx->redis = NULL;
	if (!ctx->cfg.redis_host[0] && !ctx->cfg.redis_sentinels[0])
		return 0;
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "control plane: out of memory");
		return -1;
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_mutex_init(&r->lc_mu, NULL);
	memset(&sc, 0, sizeof(sc));
	sc.host = ctx->cfg.redis_host;
	sc.port = (int)ctx->cfg.redis_port;
	sc.user = ctx->cfg.redis_user;
	sc.password = ctx->cfg.redis_password;
	sc.sentinels = ctx->cfg.redis_sentinels;
	sc.master_name = ctx->cfg.redis_master_name;
	sc.wait_replicas = ctx->cfg.redis_wait_replicas;
	sc.dp_id = ctx->cfg.id;
	sc.heartbeat_ms = ctx->cfg.heartbeat_s * 1000;
	sc.dlv_ttl_s = ctx->cfg.dlv_ttl_s;
	sc.stream_maxlen = ctx->cfg.events_maxlen;
	sc.heartbeat_ttl_s = ctx->cfg.heartbeat_s * 10 > 10 ? ctx->cfg.heartbeat_s * 10 : 10;
	sc.on_generation = on_generation;
	sc.on_rules = on_rules;
	sc.counters = dp_control_counters;
	sc.on_link = on_link;
	sc.on_change = on_change;
	sc.journal_path = ctx->cfg.journal;
	sc.journal_max_bytes = (unsigned long)ctx->cfg.journal_max_mb << 20;
	sc.journal_fsync = (int)ctx->cfg.journal_fsync;
	sc.arg = r;
	/* dp_control_counters reads dp_global; arg is only ours */
	r->client = start_off_lcores(&sc, e, sizeof(e));
	if (!r->client) {
		snprintf(err, errlen, "control plane %s: %s", link_name(ctx), e);
		pthread_mutex_destroy(&r->mu);
		free(r);
		return -1;
	}
	r->n_prod = ctx->n_workers ? ctx->n_workers : 1;
	for (unsigned i = 0; i < r->n_prod; i++) {
		r->prod[i] = sfdp_producer_new(r->client, 4096);
		if (!r->prod[i]) {
			snprintf(err, errlen, "control plane: no event producer for worker %u", i);
			sfdp_stop(r->client);
			pthread_mutex_destroy(&r->mu);
			free(r);
			return -1;
		}
		/* a replay has no deadline: its events wait for Redis rather
		 * than being dropped because the capture runs faster than the
		 * network (live lcores never wait) */
		if (ctx->cfg.mode == DP_MODE_OFFLINE)
			sfdp_producer_wait_when_full(r->prod[i], DP_REDIS_OFFLINE_WAIT_MS);
	}
	ctx->redis = r;
	for (unsigned waited = 0; waited < wait_ms; waited += 5) {
		sfdp_get_stats(r->client, &st);
		if (st.connected)
			return 0;
		usleep(5000);
	}
	dp_msg(DP_MSG_WARN, "control plane %s not reachable yet; filtering with the local files, retrying",
	       link_name(ctx));
	return 0;
}

static void print_summary(struct dp_ctx *ctx, FILE *f);

void dp_redis_stop(struct dp_ctx *ctx, unsigned wait_ms)
{
	struct dp_redis *r = ctx->redis;
	struct sfdp_stats st;

	if (!r)
		return;
	/* Flush: every event the workers queued is confirmed by Redis, or
	 * counted as dropped/invalid, or the time is up (Redis away). The
	 * lcores have stopped, so attempted[] is final. */
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		uint64_t want = 0, waited;

		for (unsigned i = 0; i < r->n_prod; i++)
			want += r->attempted[i];
		sfdp_get_stats(r->client, &st);
		/* live: spilled events are safe in the journal (delivered by
		 * this run or the next); a replay waits until Redis has them
		 * all, journal included */
		uint64_t gone = st.events_dropped + st.events_invalid + st.events_journal_dropped;

		if (ctx->cfg.mode == DP_MODE_OFFLINE ?
		    st.journal_records == 0 && st.events_sent + st.events_replayed + gone >= want :
		    st.events_sent + st.events_spilled + gone >= want)
			break;
		/* wall time, not a count of sleeps: a loaded machine sleeps longer */
		clock_gettime(CLOCK_MONOTONIC, &t1);
		waited = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000 + (uint64_t)(t1.tv_nsec / 1000000) -
			 (uint64_t)(t0.tv_nsec / 1000000);
		if (waited >= wait_ms) {
			uint64_t done = st.events_sent + st.events_replayed + gone;

			dp_msg(ctx->cfg.journal[0] ? DP_MSG_WARN : DP_MSG_ERR,
			       "control plane: %llu event(s) not delivered at exit%s",
			       (unsigned long long)(want > done ? want - done : st.journal_records),
			       ctx->cfg.journal[0] ? " (journaled for the next start)" : " (LOST: no journal)");
			break;
		}
		usleep(5000);
	}
	if (wait_ms)
		print_summary(ctx, stderr);
	sfdp_stop(r->client);
	blob_free(&r->in_lists);
	blob_free(&r->in_bundle);
	blob_free(&r->taken_lists);
	blob_free(&r->taken_bundle);
	blob_free(&r->cur_lists);
	blob_free(&r->cur_bundle);
	changes_free(r->chg_head);
	pthread_mutex_destroy(&r->mu);
	free(r);
	ctx->redis = NULL;
}

int dp_redis_update_pending(struct dp_ctx *ctx)
{
	/* once per handover: if the reload fails before taking it (the config
	 * file is bad), the update waits for the next SIGHUP or publish
	 * instead of being retried in a loop */
	return ctx->redis && __atomic_exchange_n(&ctx->redis->pending, 0, __ATOMIC_ACQ_REL);
}

void dp_redis_source(struct dp_ctx *ctx, const struct dp_config *cfg, struct sf_gen_source *src)
{
	struct dp_redis *r = ctx->redis;
	const struct dp_redis_blob *l, *b;

	memset(src, 0, sizeof(*src));
	src->bundle_path = cfg->bundle;
	src->lists_path = cfg->lists;
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->taken_lists = r->in_lists;
	r->taken_bundle = r->in_bundle;
	memset(&r->in_lists, 0, sizeof(r->in_lists));
	memset(&r->in_bundle, 0, sizeof(r->in_bundle));
	__atomic_store_n(&r->pending, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&r->mu);
	/* Redis's lists generation replaces the lists file, its rule bundle
	 * the configured one: the control plane is the source of truth.
	 * Without a new snapshot the running lists stay as the change log
	 * made them (dp_redis_keep_lists); their text is not kept. */
	r->keep_lists = !r->taken_lists.buf && r->cur_lists.version > 0;
	if (r->keep_lists)
		src->lists_path = "";
	l = r->taken_lists.buf ? &r->taken_lists : &r->cur_lists;
	b = r->taken_bundle.buf ? &r->taken_bundle : &r->cur_bundle;
	if (l->buf) {
		snprintf(r->origin_lists, sizeof(r->origin_lists), "redis lists generation %lld", l->version);
		src->lists_text = l->buf;
		src->lists_len = l->len;
		src->lists_origin = r->origin_lists;
	}
	if (b->buf) {
		snprintf(r->origin_bundle, sizeof(r->origin_bundle), "redis rule bundle %.12s", b->sha);
		src->bundle = b->buf;
		src->bundle_len = b->len;
		src->bundle_origin = r->origin_bundle;
	}
}

void dp_redis_source_done(struct dp_ctx *ctx, int ok)
{
	struct dp_redis *r = ctx->redis;

	if (!r)
		return;
	if (ok && r->taken_lists.buf) {
		blob_free(&r->cur_lists);
		r->cur_lists = r->taken_lists;
		memset(&r->taken_lists, 0, sizeof(r->taken_lists));
		/* loaded: the lists object is what counts from now on (a
		 * snapshot of 10 M shields is hundreds of MB of text) */
		free(r->cur_lists.buf);
		r->cur_lists.buf = NULL;
		r->cur_lists.len = 0;
	}
	if (ok && r->taken_bundle.buf) {
		blob_free(&r->cur_bundle);
		r->cur_bundle = r->taken_bundle;
		memset(&r->taken_bundle, 0, sizeof(r->taken_bundle));
	}
	blob_free(&r->taken_lists);	/* refused: the current ones stay */
	blob_free(&r->taken_bundle);
}

void dp_redis_watch(struct dp_ctx *ctx)
{
	struct dp_redis *r = ctx->redis;
	struct sfdp_stats st;
	time_t now;

	if (!r)
		return;
	sfdp_get_stats(r->client, &st);
	now = time(NULL);
	if (st.connected && !r->was_connected) {
		/* loss and recovery themselves are told by on_link */
		if (r->lost_at)
			dp_msg(DP_MSG_INFO, "control plane %s: %llu failed attempt(s) in %lld s before it came back",
			       link_name(ctx),
			       (unsigned long long)(st.redis_errors - r->errors_at_loss), (long long)(now - r->lost_at));
		else
			dp_msg(DP_MSG_NOTICE, "control plane %s connected, lists generation %lld",
			       link_name(ctx), st.version);
		r->was_connected = 1;
		r->lost_at = 0;
	} else if (!st.connected && (r->was_connected || !r->lost_at)) {
		r->was_connected = 0;
		r->lost_at = r->last_note = now;
		r->errors_at_loss = st.redis_errors;
	} else if (!st.connected && now - r->last_note >= 60) {
		dp_msg(DP_MSG_WARN, "control plane %s still unreachable: %llu failed attempt(s) in %lld s",
		       link_name(ctx),
		       (unsigned long long)(st.redis_errors - r->errors_at_loss), (long long)(now - r->lost_at));
		r->last_note = now;
	}
}

int dp_redis_keep_lists(struct dp_ctx *ctx)
{
	return ctx->redis && ctx->redis->keep_lists;
}

int dp_redis_apply_changes(struct dp_ctx *ctx)
{
	struct dp_redis *r = ctx->redis;
	struct policy_lists *l = ctx->gen ? ctx->gen->lists : NULL;
	struct dp_change *c, *rest;
	uint64_t now = (uint64_t)time(NULL);
	size_t done = 0;
	char err[256];

	if (!r)
		return 0;
	if (!l)
		goto counts;
	pthread_mutex_lock(&r->mu);
	c = r->chg_head;
	r->chg_head = r->chg_tail = NULL;
	r->chg_n = 0;
	pthread_mutex_unlock(&r->mu);
	while (c) {
		long long cur = (long long)policy_lists_rev(l);
		int rc;

		if (c->rev <= cur) {	/* in the snapshot already */
			rest = c->next;
			free(c);
			c = rest;
			continue;
		}
		if (c->rev > cur + 1) {
			/* after a snapshot on its way, or one this dataplane
			 * refused: then ask again (not more than every 30 s) */
			int on_way;

			pthread_mutex_lock(&r->mu);
			on_way = r->in_lists.buf != NULL;
			pthread_mutex_unlock(&r->mu);
			if (!on_way && time(NULL) - r->last_resync >= 30) {
				r->last_resync = time(NULL);
				dp_msg(DP_MSG_WARN, "lists change log at rev %lld but the lists are at rev %lld "
				       "(their snapshot was refused): asking for a snapshot again", c->rev, cur);
				sfdp_lists_resync(r->client);
			}
			break;
		}
		rc = policy_lists_apply(l, (uint64_t)c->rev, c->add, c->line, c->len, now, err, sizeof(err));
		if (rc == 0) {
			r->chg_applied++;
		} else if (rc == 1) {
			r->chg_noop++;
		} else if (rc == -1) {
			if (r->chg_malformed++ < 10)
				dp_msg(DP_MSG_WARN, "lists change skipped: %s", err);
		} else {
			struct policy_lists_counts lc;

			r->chg_full++;
			/* the next table gets twice the room (the same snapshot
			 * again would be just as full after the log) */
			policy_lists_counts(l, &lc);
			if (policy_lists_headroom() < lc.capacity)
				policy_lists_set_headroom(lc.capacity);
			dp_msg(DP_MSG_WARN, "lists change not applied, reloading a snapshot with room for %u more: %s",
			       policy_lists_headroom(), err);
			changes_free(c);
			c = NULL;
			sfdp_lists_resync(r->client);
			break;
		}
		done++;
		rest = c->next;
		free(c);
		c = rest;
	}
	if (c) {	/* put what waits back in front of what arrived meanwhile */
		size_t n = 1;

		for (rest = c; rest->next; rest = rest->next)
			n++;
		pthread_mutex_lock(&r->mu);
		rest->next = r->chg_head;
		if (!r->chg_head)
			r->chg_tail = rest;
		r->chg_head = c;
		r->chg_n += n;
		pthread_mutex_unlock(&r->mu);
	}
counts:
	{
		struct policy_lists_counts lc;

		policy_lists_counts(l, &lc);
		pthread_mutex_lock(&r->lc_mu);
		r->lc = lc;
		pthread_mutex_unlock(&r->lc_mu);
	}
	return (int)done;
}

void dp_redis_lists_stats(struct dp_ctx *ctx, struct dp_lists_stats *out)
{
	struct dp_redis *r = ctx->redis;
	struct sfdp_stats st;

	memset(out, 0, sizeof(*out));
	if (!r)
		return;
	out->applied = r->chg_applied;
	out->noop = r->chg_noop;
	out->malformed = r->chg_malformed;
	out->full = r->chg_full;
	out->dropped = __atomic_load_n(&r->chg_dropped, __ATOMIC_RELAXED);
	sfdp_get_stats(r->client, &st);
	out->resyncs = st.lists_resyncs;
	out->received = st.lists_changes;
	pthread_mutex_lock(&r->lc_mu);
	out->lists = r->lc;
	pthread_mutex_unlock(&r->lc_mu);
}

long long dp_redis_lists_version(struct dp_ctx *ctx)
{
	return ctx->redis ? ctx->redis->cur_lists.version : 0;
}

static struct sfdp_producer *producer(struct dp_ctx *ctx, unsigned wi)
{
	struct dp_redis *r = ctx->redis;

	if (!r || wi >= r->n_prod)
		return NULL;
	r->attempted[wi]++;
	return r->prod[wi];
}

void dp_redis_event(struct dp_ctx *ctx, unsigned worker_index, const struct policy_event *ev,
		    const struct sf_sms *sms)
{
	struct sfdp_producer *p;
	char a[SF_TPADDR_MAX + 2], b[SF_TPADDR_MAX + 2];

	(void)sms;
	if (!ctx->redis || (ev->type != POLICY_EVENT_REPORT && ev->type != POLICY_EVENT_SHIELD &&
			    ev->type != POLICY_EVENT_UNSHIELD))
		return;
	p = producer(ctx, worker_index);
	if (!p)
		return;
	/* ts 0: the wall clock, as Redis windows and block TTLs are wall
	 * time (a replayed capture's timestamps may be months old) */
	/* numbers leave in the form controld reads back as the canonical one
	 * (policy_canon_export; a and b hold it: one '+' more than a number) */
	if (ev->type == POLICY_EVENT_REPORT) {
		const char *klass = ev->class_id ? sf_class_name(ev->class_id) : "";

		policy_canon_export(ev->report.reporter, a, sizeof(a));
		policy_reported_export(&ev->report, b);
		sfdp_report(p, 0, a, b, ev->report.fp ? &ev->report.fp : NULL, ev->report.text,
			    ev->report.text_len, klass ? klass : "");
	} else {
		policy_canon_export(ev->shield.subscriber, a, sizeof(a));
		policy_canon_export(ev->shield.port, b, sizeof(b));
		sfdp_shield(p, 0, a, b, ev->type == POLICY_EVENT_SHIELD);
	}
}

/* Cut s to at most cap-1 bytes on a UTF-8 character boundary. */
static void copy_utf8(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = 0;
}

void dp_redis_blocked(struct dp_ctx *ctx, unsigned worker_index, const struct sf_part_verdict *v)
{
	struct sfdp_producer *p;
	const char *klass;
	char rule[40], reason[65], snd[SF_TPADDR_MAX + 2], rcp[SF_TPADDR_MAX + 2];

	if (!ctx->redis || v->pv.verdict != SF_VERDICT_BLOCK || v->sms->retransmission || !v->pv.sender[0])
		return;
	p = producer(ctx, worker_index);
	if (!p)
		return;
	klass = sf_class_name(v->pv.class_id);
	if (v->pv.rule_id)
		snprintf(rule, sizeof(rule), "%u", v->pv.rule_id);
	else
		snprintf(rule, sizeof(rule), "%s", policy_id_name(v->pv.policy_id) ? policy_id_name(v->pv.policy_id) : "");
	copy_utf8(reason, sizeof(reason), v->pv.reason);	/* dpclient keeps 64 bytes */
	/* numbers as controld reads them back (policy_canon_export); an
	 * alphanumeric id as it is, even one of digits only */
	if (v->pv.sender_alnum)
		snprintf(snd, sizeof(snd), "%s", v->pv.sender);
	else
		policy_canon_export(v->pv.sender, snd, sizeof(snd));
	policy_canon_export(v->pv.recipient, rcp, sizeof(rcp));
	sfdp_blocked(p, 0, snd, rcp, klass ? klass : "none", rule, reason, v->text_fp ? &v->text_fp : NULL);
}

void dp_redis_delivered(struct dp_ctx *ctx, unsigned worker_index, const struct sf_part_verdict *v)
{
	struct sfdp_producer *p;

	const struct sf_gen *g;

	if (!ctx->redis || v->pv.verdict == SF_VERDICT_BLOCK || v->sms->retransmission ||
	    v->sms->direction != SF_DIR_MT || !v->pv.recipient[0] || !v->pv.sender[0])
		return;
	/* only what filtering needs leaves the dataplane: the fake-base-
	 * station check reads delivery markers of protected senders only */
	g = __atomic_load_n(&ctx->gen, __ATOMIC_ACQUIRE);
	if (!g || !policy_is_protected(&g->policy, v->pv.sender))
		return;
	p = producer(ctx, worker_index);
	if (p)
		sfdp_delivered(p, v->pv.recipient, v->pv.sender);
}

static void print_summary(struct dp_ctx *ctx, FILE *f)
{
	struct sfdp_stats st;
	uint64_t want = 0;

	if (!ctx->redis)
		return;
	for (unsigned i = 0; i < ctx->redis->n_prod; i++)
		want += ctx->redis->attempted[i];
	sfdp_get_stats(ctx->redis->client, &st);
	{
		struct dp_lists_stats ls;

		dp_redis_lists_stats(ctx, &ls);
		fprintf(f, "  lists change log   rev %llu, changes received %llu, applied %llu, no-op %llu, "
			"malformed %llu, table full %llu, dropped %llu, resyncs %llu\n",
			(unsigned long long)ls.lists.rev,
			(unsigned long long)ls.received, (unsigned long long)ls.applied,
			(unsigned long long)ls.noop, (unsigned long long)ls.malformed,
			(unsigned long long)ls.full, (unsigned long long)ls.dropped,
			(unsigned long long)ls.resyncs);
	}
	fprintf(f, "  control plane      %s %s, lists generation %lld, events queued %llu, sent %llu, "
		"dropped %llu, invalid %llu, connects %llu, errors %llu, journal spilled %llu replayed %llu "
		"dropped %llu pending %llu\n",
		link_name(ctx), st.connected ? "connected" : "not connected",
		dp_redis_lists_version(ctx), (unsigned long long)want,
		(unsigned long long)st.events_sent, (unsigned long long)st.events_dropped,
		(unsigned long long)st.events_invalid, (unsigned long long)st.connects,
		(unsigned long long)st.redis_errors, (unsigned long long)st.events_spilled,
		(unsigned long long)st.events_replayed, (unsigned long long)st.events_journal_dropped,
		(unsigned long long)st.journal_records);
}
