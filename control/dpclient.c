/* SPDX-License-Identifier: BSD-3-Clause */
/* Dataplane control client: SPSC event rings drained by one Redis thread,
 * generation/rules fetch on SUBSCRIBE, heartbeats. Design and ownership in
 * dpclient.h; keys in control/REDIS.md; event fields in notes/LISTS_SPEC.md. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "ctl_keys.h"
#include "ctl_sentinel.h"
#include "dpclient.h"
#include "dpjournal.h"

#define SFDP_MAX_PRODUCERS 64
#define SFDP_TEXT_MAX 1024
#define SFDP_BATCH 128
#define SFDP_MAX_COUNTERS 64

enum slot_type { SLOT_REPORT = 1, SLOT_SHIELD, SLOT_UNSHIELD, SLOT_BLOCK, SLOT_DELIVERED };

static const char *const slot_type_name[] = { "", "report", "shield", "unshield", "block", "delivered" };

/* One event as the fast path leaves it; fixed size, copied in place. */
struct slot {
	uint8_t type;
	uint8_t has_fp;
	uint16_t text_len;
	uint64_t ts_ms;
	uint64_t fp;
	char a[24];		/* reporter | subscriber | sender | recipient */
	char b[24];		/* reported | port | recipient | sender */
	char klass[33];
	char rule[65];
	char reason[65];
	char text[SFDP_TEXT_MAX];
};

/* A confirmed event kept for a resend after a failover. */
struct recent_ev {
	long long at_ms;	/* wall time Redis confirmed it */
	char id[128];
	struct slot s;		/* the first SLOT_FIXED + text_len bytes are valid */
};

struct sfdp_producer {
	_Alignas(64) _Atomic uint64_t head;	/* written by the producer only */
	_Alignas(64) _Atomic uint64_t tail;	/* written by the client thread only */
	_Alignas(64) _Atomic uint64_t dropped;	/* producer writes, others read */
	_Atomic uint64_t invalid;
	uint64_t mask;
	unsigned idx;
	struct slot *slots;
	struct sfdp *owner;
	unsigned wait_ms;		/* >0: wait when full (offline replays), see below */
};

struct sfdp {
	char host[256], user[128], password[256], dp_id[65];
	int port;
	/* Sentinel (ctl_sentinel.h): the master is asked of them on every
	 * connect; host/port are then where it was last found */
	int use_sentinel;
	struct ctl_sentinel sentinel;
	unsigned wait_replicas, wait_timeout_ms;	/* WAIT after each batch (0: none) */
	/* events Redis confirmed recently (client thread only): after a
	 * failover those confirmed up to resend_window_ms before the loss are
	 * sent again to the new master, which may lack them (see dpclient.h) */
	struct recent_ev *recent;
	unsigned recent_cap;
	uint64_t recent_n;		/* written so far; slot n % recent_cap */
	unsigned resend_window_ms;
	long long lost_at_ms;		/* wall time the last connection was lost */
	int resend_pending;		/* the master changed: resend on the next connection */
	unsigned hb_ms, hb_ttl, dlv_ttl, timeout_ms, backoff_min, backoff_max;
	unsigned long maxlen;
	sfdp_gen_fn on_gen;
	sfdp_rules_fn on_rules;
	sfdp_counters_fn counters;
	sfdp_link_fn on_link;
	void *arg;

	pthread_t thr;
	_Atomic int stop;
	uint64_t boot_ms;
	redisContext *cmd, *sub;
	struct sfdp_producer *prod[SFDP_MAX_PRODUCERS];
	_Atomic unsigned nprod;
	pthread_mutex_t prod_mu;	/* serialises sfdp_producer_new only */
	pthread_mutex_t addr_mu;	/* host/port: written on a failover, read by sfdp_get_master */
	char rules_sha[65];
	long long last_hb;

	_Atomic uint64_t connects, redis_errors, events_sent, generations, heartbeats, refused;
	_Atomic uint64_t failovers, wait_short, resent;
	_Atomic long long link_since_ms;	/* wall time of the last connect or loss, 0 never */
	_Atomic int connected;
	_Atomic long long version;

	/* lists change log (on_change set) */
	sfdp_change_fn on_change;
	_Atomic long long lists_rev;	/* last change handed over */
	_Atomic int need_snap;		/* 1: hand over the next snapshot */
	_Atomic long long bad_snap;	/* a snapshot version that led to a gap: wait for a newer */
	long long snap_version;		/* the snapshot handed over last */
	long long last_log_check;	/* mono ms */
	int chg_pending;		/* a {smsfw}:lists:chg message was read */
	_Atomic uint64_t lists_changes, lists_resyncs;

	/* journal (dpjournal.h): events that could not reach Redis */
	int jfd;			/* -1: none */
	uint64_t jsize;
	unsigned long jmax;
	int jsync;
	_Atomic uint64_t spilled, replayed, jdropped, jrecords;
	uint8_t jbuf[64 * 1024];	/* spill buffer (client thread, then sfdp_stop) */
};

static uint64_t now_ms_coarse(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME_COARSE, &ts);	/* vDSO: no syscall on the fast path */
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int copy_field(char *dst, size_t cap, const char *s, int may_be_empty)
{
	size_t n = s ? strlen(s) : 0;

	if (n >= cap || (!n && !may_be_empty))
		return -1;
	if (n)
		memcpy(dst, s, n);
	dst[n] = 0;
	return 0;
}

void sfdp_producer_wait_when_full(struct sfdp_producer *p, unsigned max_disconnected_ms)
{
	p->wait_ms = max_disconnected_ms;
}

/* ---- producer side (fast path) ---- */

static struct slot *reserve(struct sfdp_producer *p)
{
	uint64_t h = atomic_load_explicit(&p->head, memory_order_relaxed);
	uint64_t t = atomic_load_explicit(&p->tail, memory_order_acquire);

	if (h - t > p->mask && p->wait_ms) {
		/* a replay may wait for the client thread, never lose an event
		 * to its own speed: wait while Redis drains the ring, and give
		 * up only after wait_ms without a connection */
		long long since = mono_ms();

		while (h - t > p->mask && !atomic_load(&p->owner->stop)) {
			if (atomic_load(&p->owner->connected))
				since = mono_ms();
			else if (mono_ms() - since > (long long)p->wait_ms)
				break;
			sched_yield();
			t = atomic_load_explicit(&p->tail, memory_order_acquire);
		}
	}
	if (h - t > p->mask) {
		atomic_fetch_add_explicit(&p->dropped, 1, memory_order_relaxed);
		return NULL;
	}
	return &p->slots[h & p->mask];
}

static void commit(struct sfdp_producer *p)
{
	uint64_t h = atomic_load_explicit(&p->head, memory_order_relaxed);

	atomic_store_explicit(&p->head, h + 1, memory_order_release);
}

static int invalid(struct sfdp_producer *p)
{
	atomic_fetch_add_explicit(&p->invalid, 1, memory_order_relaxed);
	return -1;
}

int sfdp_report(struct sfdp_producer *p, uint64_t ts_ms, const char *reporter, const char *reported,
		const uint64_t *fp, const char *text, size_t text_len, const char *klass)
{
	struct slot *s;

	if (text_len > SFDP_TEXT_MAX || (text_len && !text))
		return invalid(p);
	if (!(s = reserve(p)))
		return -1;
	if (copy_field(s->a, sizeof(s->a), reporter, 0) || copy_field(s->b, sizeof(s->b), reported, 1) ||
	    copy_field(s->klass, sizeof(s->klass), klass, 1))
		return invalid(p);
	s->type = SLOT_REPORT;
	s->ts_ms = ts_ms ? ts_ms : now_ms_coarse();
	s->has_fp = fp != NULL;
	s->fp = fp ? *fp : 0;
	s->text_len = (uint16_t)text_len;
	if (text_len)
		memcpy(s->text, text, text_len);
	commit(p);
	return 0;
}

int sfdp_shield(struct sfdp_producer *p, uint64_t ts_ms, const char *subscriber, const char *port, int add)
{
	struct slot *s = reserve(p);

	if (!s)
		return -1;
	if (copy_field(s->a, sizeof(s->a), subscriber, 0) || copy_field(s->b, sizeof(s->b), port, 0))
		return invalid(p);
	s->type = add ? SLOT_SHIELD : SLOT_UNSHIELD;
	s->ts_ms = ts_ms ? ts_ms : now_ms_coarse();
	commit(p);
	return 0;
}

int sfdp_blocked(struct sfdp_producer *p, uint64_t ts_ms, const char *sender, const char *recipient,
		 const char *klass, const char *rule, const char *reason, const uint64_t *fp)
{
	struct slot *s = reserve(p);

	if (!s)
		return -1;
	if (copy_field(s->a, sizeof(s->a), sender, 0) || copy_field(s->b, sizeof(s->b), recipient, 1) ||
	    copy_field(s->klass, sizeof(s->klass), klass, 0) || copy_field(s->rule, sizeof(s->rule), rule, 1) ||
	    copy_field(s->reason, sizeof(s->reason), reason, 1))
		return invalid(p);
	s->type = SLOT_BLOCK;
	s->ts_ms = ts_ms ? ts_ms : now_ms_coarse();
	s->has_fp = fp != NULL;
	s->fp = fp ? *fp : 0;
	commit(p);
	return 0;
}

int sfdp_delivered(struct sfdp_producer *p, const char *recipient, const char *sender)
{
	struct slot *s = reserve(p);

	if (!s)
		return -1;
	if (copy_field(s->a, sizeof(s->a), recipient, 0) || copy_field(s->b, sizeof(s->b), sender, 0))
		return invalid(p);
	s->type = SLOT_DELIVERED;
	s->ts_ms = now_ms_coarse();
	commit(p);
	return 0;
}

struct sfdp_producer *sfdp_producer_new(struct sfdp *c, unsigned slots)
{
	struct sfdp_producer *p;
	uint64_t n = 1;
	unsigned idx;

	if (!slots)
		slots = 1024;
	while (n < slots)
		n <<= 1;
	pthread_mutex_lock(&c->prod_mu);
	idx = atomic_load(&c->nprod);
	if (idx == SFDP_MAX_PRODUCERS) {
		pthread_mutex_unlock(&c->prod_mu);
		return NULL;
	}
	p = aligned_alloc(64, (sizeof(*p) + 63) & ~(size_t)63);
	if (!p) {
		pthread_mutex_unlock(&c->prod_mu);
		return NULL;
	}
	memset(p, 0, sizeof(*p));
	p->slots = calloc(n, sizeof(*p->slots));
	if (!p->slots) {
		free(p);
		pthread_mutex_unlock(&c->prod_mu);
		return NULL;
	}
	p->mask = n - 1;
	p->idx = idx;
	p->owner = c;
	c->prod[idx] = p;
	atomic_store_explicit(&c->nprod, idx + 1, memory_order_release);
	pthread_mutex_unlock(&c->prod_mu);
	return p;
}

/* ---- client thread ---- */

static long long wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when a reply tells this node takes no writes now (the master moved,
 * or wait_replicas cannot be met): reconnect, ask the sentinels again, and
 * resend what was not confirmed (the event ids absorb a duplicate). */
static int must_reconnect(const redisReply *r)
{
	return ctl_reply_failover(r);
}

/* WAIT for wait_replicas replicas to hold this connection's writes: 0 yes
 * (or none configured), -1 not in time or the connection failed. */
static int wait_replicas(struct sfdp *c)
{
	redisReply *r;
	int ok;

	if (!c->wait_replicas)
		return 0;
	r = redisCommand(c->cmd, "WAIT %u %u", c->wait_replicas, c->wait_timeout_ms);
	if (!r)
		return -1;
	ok = r->type == REDIS_REPLY_INTEGER && r->integer >= (long long)c->wait_replicas;
	if (r->type == REDIS_REPLY_ERROR && atomic_load(&c->wait_short) % 100 == 0)
		fprintf(stderr, "smsfw: control plane: WAIT refused (%s); events stay in the journal\n", r->str);
	freeReplyObject(r);
	if (!ok)
		atomic_fetch_add(&c->wait_short, 1);
	return ok ? 0 : -1;
}

static redisContext *conn(struct sfdp *c)
{
	struct timeval tv = { (time_t)(c->timeout_ms / 1000), (suseconds_t)(c->timeout_ms % 1000) * 1000 };
	redisContext *r = redisConnectWithTimeout(c->host, c->port, tv);
	redisReply *rep = NULL;

	if (!r || r->err)
		goto fail;
	redisSetTimeout(r, tv);
	redisEnableKeepAlive(r);
	if (c->user[0])
		rep = redisCommand(r, "AUTH %s %s", c->user, c->password);
	else if (c->password[0])
		rep = redisCommand(r, "AUTH %s", c->password);
	else
		rep = redisCommand(r, "PING");
	if (!rep || rep->type == REDIS_REPLY_ERROR)
		goto fail;
	freeReplyObject(rep);
	rep = NULL;
	/* a demoted master or a replica not yet promoted: not now */
	if (c->use_sentinel && ctl_redis_is_master(r) != 1)
		goto fail;
	return r;
fail:
	if (rep)
		freeReplyObject(rep);
	if (r)
		redisFree(r);
	return NULL;
}

static void disconnect(struct sfdp *c)
{
	if (c->cmd)
		redisFree(c->cmd);
	if (c->sub)
		redisFree(c->sub);
	c->cmd = c->sub = NULL;
	if (atomic_exchange(&c->connected, 0)) {
		c->lost_at_ms = wall_ms();
		atomic_store(&c->link_since_ms, c->lost_at_ms);
		if (c->on_link && !atomic_load(&c->stop))
			c->on_link(c->arg, 0, c->host, c->port);	/* lost */
	}
}

/* The "rev N" line of a snapshot's header, -1 when there is none. */
static long long snapshot_rev(const char *t, size_t len)
{
	size_t n = len < 256 ? len : 256;

	for (size_t i = 0; i + 5 < n; i++)
		if ((i == 0 || t[i - 1] == '\n') && !memcmp(t + i, "rev ", 4))
			return strtoll(t + i + 4, NULL, 10);
	return -1;
}

static int follow_log(struct sfdp *c);

/* GET current; if it differs from what we hold, GET the text and hand it
 * over. Following the change log, only when a snapshot is needed. */
static int fetch_generation(struct sfdp *c)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		redisReply *r = redisCommand(c->cmd, "GET %s", CTL_K_GEN_CUR), *t;
		int need = atomic_load(&c->need_snap);
		long long v, rev;

		if (!r)
			return -1;
		if (r->type != REDIS_REPLY_STRING) {	/* nothing published yet */
			freeReplyObject(r);
			return 0;
		}
		v = strtoll(r->str, NULL, 10);
		freeReplyObject(r);
		if (v <= 0 || (v == atomic_load(&c->version) && !(c->on_change && need)))
			return 0;
		if (c->on_change && need && v == atomic_load(&c->bad_snap))
			return 0;	/* that one is older than the log: wait for the next */
		t = redisCommand(c->cmd, "GET %s%lld", CTL_K_GEN_N, v);
		if (!t)
			return -1;
		if (t->type != REDIS_REPLY_STRING) {
			freeReplyObject(t);	/* reclaimed meanwhile: a newer one is current */
			continue;
		}
		rev = snapshot_rev(t->str, (size_t)t->len);
		if (c->on_change && !need) {
			/* the log brings every change: this snapshot is only
			 * acknowledged once the log has passed its rev */
			if (rev >= 0 && rev <= atomic_load(&c->lists_rev))
				atomic_store(&c->version, v);
			freeReplyObject(t);
			return 0;
		}
		if (c->on_gen)
			c->on_gen(c->arg, v, t->str, (size_t)t->len);
		atomic_store(&c->version, v);
		atomic_fetch_add(&c->generations, 1);
		freeReplyObject(t);
		if (c->on_change) {
			atomic_store(&c->lists_rev, rev < 0 ? 0 : rev);
			c->snap_version = v;
			atomic_store(&c->need_snap, 0);
			return follow_log(c);
		}
		return 0;
	}
	return 0;
}

/* Snapshot needed: the log has a gap after what we hold (trimmed past it,
 * or Redis lost it), rev went backwards, or the dataplane asked. */
static int resync(struct sfdp *c, long long bad)
{
	atomic_store(&c->bad_snap, bad);
	atomic_store(&c->need_snap, 1);
	atomic_fetch_add(&c->lists_resyncs, 1);
	return fetch_generation(c);
}

/* XREAD the change log after lists_rev, hand each entry over in order. */
static int follow_log(struct sfdp *c)
{
	if (!c->on_change || atomic_load(&c->need_snap) || !c->snap_version)
		return 0;
	for (;;) {
		char from[32];
		redisReply *r, *entries;
		size_t n;

		snprintf(from, sizeof(from), "%lld-0", atomic_load(&c->lists_rev));
		r = redisCommand(c->cmd, "XREAD COUNT 1000 STREAMS %s %s", CTL_K_LISTS_LOG, from);
		if (!r)
			return -1;
		if (r->type == REDIS_REPLY_ERROR) {
			freeReplyObject(r);
			return -1;
		}
		if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 || r->element[0]->type != REDIS_REPLY_ARRAY ||
		    r->element[0]->elements < 2 || r->element[0]->element[1]->type != REDIS_REPLY_ARRAY) {
			freeReplyObject(r);	/* nil: nothing new */
			return 0;
		}
		entries = r->element[0]->element[1];
		n = entries->elements;
		for (size_t i = 0; i < n; i++) {
			const redisReply *e = entries->element[i], *f;
			long long rev, cur = atomic_load(&c->lists_rev);
			const char *line = NULL;
			size_t line_len = 0;
			int add = -1;

			if (e->type != REDIS_REPLY_ARRAY || e->elements < 2 || e->element[0]->type != REDIS_REPLY_STRING ||
			    e->element[1]->type != REDIS_REPLY_ARRAY)
				continue;
			rev = strtoll(e->element[0]->str, NULL, 10);
			if (rev <= cur)
				continue;
			if (rev != cur + 1) {
				long long snap = c->snap_version;

				freeReplyObject(r);
				return resync(c, snap);	/* trimmed past us */
			}
			f = e->element[1];
			for (size_t k = 0; k + 1 < f->elements; k += 2) {
				const redisReply *fk = f->element[k], *fv = f->element[k + 1];

				if (fk->type != REDIS_REPLY_STRING || fv->type != REDIS_REPLY_STRING)
					continue;
				if (!strcmp(fk->str, "op"))
					add = !strcmp(fv->str, "add") ? 1 : !strcmp(fv->str, "del") ? 0 : -1;
				else if (!strcmp(fk->str, "line")) {
					line = fv->str;
					line_len = (size_t)fv->len;
				}
			}
			/* a malformed entry is handed over as such: the
			 * dataplane counts and skips it, rev still advances */
			c->on_change(c->arg, rev, add < 0 ? 1 : add, line && add >= 0 ? line : "", line && add >= 0 ? line_len : 0);
			atomic_store(&c->lists_rev, rev);
			atomic_fetch_add(&c->lists_changes, 1);
		}
		freeReplyObject(r);
		if (n < 1000)
			return 0;
	}
}

/* Once a second, after following the log: Redis's rev below ours means
 * Redis lost the lists (restarted empty, another database); above ours
 * after reading the log again means entries we need are gone. Either way
 * a snapshot is reloaded (a snapshot that would empty the lists is held
 * by controld's shrink guard; until then the dataplane keeps its lists). */
static int check_log(struct sfdp *c)
{
	redisReply *r;
	long long rev;

	if (!c->on_change)
		return 0;
	if (atomic_load(&c->need_snap))
		return fetch_generation(c);
	if (!c->snap_version)
		return 0;
	if (follow_log(c) < 0)
		return -1;
	r = redisCommand(c->cmd, "GET %s", CTL_K_REV);
	if (!r)
		return -1;
	rev = r->type == REDIS_REPLY_STRING ? strtoll(r->str, NULL, 10) : 0;
	freeReplyObject(r);
	if (atomic_load(&c->need_snap))
		return 0;
	if (rev < atomic_load(&c->lists_rev))
		return resync(c, 0);
	if (follow_log(c) < 0)	/* what was logged between the XREAD and the GET */
		return -1;
	if (!atomic_load(&c->need_snap) && atomic_load(&c->lists_rev) < rev)
		return resync(c, c->snap_version);
	return 0;
}

static int fetch_rules(struct sfdp *c)
{
	redisReply *r = redisCommand(c->cmd, "GET %s", CTL_K_RULES_CUR), *b;
	char sha[65];

	if (!r)
		return -1;
	if (r->type != REDIS_REPLY_STRING || r->len != 64) {
		freeReplyObject(r);
		return 0;
	}
	memcpy(sha, r->str, 65);
	freeReplyObject(r);
	if (!strcmp(sha, c->rules_sha))
		return 0;
	b = redisCommand(c->cmd, "GET %s%s", CTL_K_RULES_N, sha);
	if (!b)
		return -1;
	if (b->type == REDIS_REPLY_STRING) {
		if (c->on_rules)
			c->on_rules(c->arg, sha, b->str, (size_t)b->len);
		memcpy(c->rules_sha, sha, sizeof(sha));
	}
	freeReplyObject(b);
	return 0;
}

static int do_connect(struct sfdp *c)
{
	redisReply *r;

	if (c->use_sentinel) {
		char host[256], e[512];
		int port;

		if (ctl_sentinel_master(&c->sentinel, c->timeout_ms, host, sizeof(host), &port, e, sizeof(e)) < 0)
			return -1;
		if (strcmp(host, c->host) || port != c->port) {
			if (atomic_load(&c->connects)) {
				atomic_fetch_add(&c->failovers, 1);
				c->resend_pending = c->recent != NULL;
			}
			pthread_mutex_lock(&c->addr_mu);
			memcpy(c->host, host, sizeof(host));
			c->port = port;
			pthread_mutex_unlock(&c->addr_mu);
		}
	}
	c->cmd = conn(c);
	c->sub = c->cmd ? conn(c) : NULL;
	if (!c->sub)
		return -1;
	/* with wait_replicas, a master without enough replicas counts as
	 * away: events go to the journal rather than to a master that may
	 * lose them */
	if (wait_replicas(c) < 0)
		return -1;
	if (c->on_change)
		r = redisCommand(c->sub, "SUBSCRIBE %s %s %s", CTL_K_GEN, CTL_K_RULES, CTL_K_LISTS_CHG);
	else
		r = redisCommand(c->sub, "SUBSCRIBE %s %s", CTL_K_GEN, CTL_K_RULES);
	if (!r || r->type != REDIS_REPLY_ARRAY) {
		if (r)
			freeReplyObject(r);
		return -1;
	}
	freeReplyObject(r);
	for (int i = c->on_change ? 2 : 1; i > 0; i--) {	/* the other subscribe confirmations */
		if (redisGetReply(c->sub, (void **)&r) != REDIS_OK)
			return -1;
		freeReplyObject(r);
	}
	/* Subscribed first, then fetched: no publish can fall in between.
	 * Following the log, a reconnect catches up from the log. */
	if (fetch_generation(c) < 0 || fetch_rules(c) < 0 || follow_log(c) < 0)
		return -1;
	atomic_store(&c->link_since_ms, wall_ms());
	c->last_log_check = mono_ms();
	atomic_store(&c->connected, 1);
	atomic_fetch_add(&c->connects, 1);
	if (c->on_link)
		c->on_link(c->arg, 1, c->host, c->port);	/* (re)gained */
	c->last_hb = 0;
	return 0;
}

static int handle_message(struct sfdp *c, redisReply *m)
{
	int rc = 0;

	if (m->type == REDIS_REPLY_ARRAY && m->elements == 3 && m->element[0]->type == REDIS_REPLY_STRING &&
	    !strcmp(m->element[0]->str, "message") && m->element[1]->type == REDIS_REPLY_STRING) {
		if (!strcmp(m->element[1]->str, CTL_K_GEN))
			rc = fetch_generation(c);
		else if (!strcmp(m->element[1]->str, CTL_K_RULES))
			rc = fetch_rules(c);
		else if (!strcmp(m->element[1]->str, CTL_K_LISTS_CHG))
			c->chg_pending = 1;	/* one XREAD for all the messages read */
	}
	freeReplyObject(m);
	return rc;
}

static int drain_sub(struct sfdp *c)
{
	redisReply *m;

	for (;;) {
		m = NULL;
		if (redisGetReplyFromReader(c->sub, (void **)&m) != REDIS_OK)
			return -1;
		if (!m)
			break;
		if (handle_message(c, m) < 0)
			return -1;
	}
	if (c->chg_pending) {
		c->chg_pending = 0;
		return atomic_load(&c->need_snap) ? fetch_generation(c) : follow_log(c);
	}
	return 0;
}

static void slot_id(const struct sfdp *c, const struct sfdp_producer *p, uint64_t pos, char *id, size_t cap)
{
	snprintf(id, cap, "%s:%llu:%u.%llu", c->dp_id, (unsigned long long)c->boot_ms, p->idx,
		 (unsigned long long)pos);
}

static void append_event(struct sfdp *c, const char *id, const struct slot *s);

static void append_slot(struct sfdp *c, const struct sfdp_producer *p, uint64_t pos, const struct slot *s)
{
	char id[160];

	slot_id(c, p, pos, id, sizeof(id));
	append_event(c, id, s);
}

/* XADD (or SET for a delivery marker) of one event with its id. */
static void append_event(struct sfdp *c, const char *id, const struct slot *s)
{
	const char *argv[32];
	size_t argl[32];
	int n = 0;
	char ts[24], maxlen[24], fp[17], key[128];

#define ARG(str, len) (argv[n] = (str), argl[n] = (len), n++)
#define ARGS(str) ARG((str), strlen(str))
	if (s->type == SLOT_DELIVERED) {
		snprintf(key, sizeof(key), CTL_KF_DLV, s->a, s->b);
		snprintf(ts, sizeof(ts), "%llu", (unsigned long long)s->ts_ms);
		snprintf(maxlen, sizeof(maxlen), "%u", c->dlv_ttl);
		ARGS("SET"); ARGS(key); ARGS(ts); ARGS("EX"); ARGS(maxlen);
		redisAppendCommandArgv(c->cmd, n, argv, argl);
		return;
	}
	snprintf(ts, sizeof(ts), "%llu", (unsigned long long)s->ts_ms);
	snprintf(maxlen, sizeof(maxlen), "%lu", c->maxlen);
	snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)s->fp);
	ARGS("XADD"); ARGS(CTL_K_EVENTS); ARGS("MAXLEN"); ARGS("~"); ARGS(maxlen); ARGS("*");
	ARGS("id"); ARGS(id); ARGS("type"); ARGS(slot_type_name[s->type]);
	ARGS("ts"); ARGS(ts); ARGS("dp"); ARGS(c->dp_id);
	switch (s->type) {
	case SLOT_REPORT:
		ARGS("reporter"); ARGS(s->a); ARGS("reported"); ARGS(s->b);
		ARGS("fp"); ARGS(s->has_fp ? fp : "");
		ARGS("text"); ARG(s->text, s->text_len);
		ARGS("class"); ARGS(s->klass);
		break;
	case SLOT_SHIELD:
	case SLOT_UNSHIELD:
		ARGS("subscriber"); ARGS(s->a); ARGS("port"); ARGS(s->b);
		break;
	default:
		ARGS("sender"); ARGS(s->a); ARGS("recipient"); ARGS(s->b);
		ARGS("class"); ARGS(s->klass); ARGS("rule"); ARGS(s->rule);
		ARGS("reason"); ARGS(s->reason); ARGS("fp"); ARGS(s->has_fp ? fp : "");
		break;
	}
#undef ARG
#undef ARGS
	redisAppendCommandArgv(c->cmd, n, argv, argl);
}

/* ---- journal ---- */

#define SLOT_FIXED offsetof(struct slot, text)

/* Keep a copy of an event Redis confirmed (or that is being replayed). */
static void remember(struct sfdp *c, const char *id, const struct slot *s, long long now)
{
	struct recent_ev *e;
	size_t n = strlen(id);

	if (!c->recent || n >= sizeof(e->id))
		return;
	e = &c->recent[c->recent_n++ % c->recent_cap];
	e->at_ms = now;
	memcpy(e->id, id, n + 1);
	memcpy(&e->s, s, SLOT_FIXED + s->text_len);
}

/* The master changed: Redis replicates asynchronously, and the promoted
 * replica may lack what the old master confirmed shortly before it was
 * lost (even with WAIT, when the replica that confirmed is not the one
 * promoted, or when a demoted master kept taking writes). Send again what
 * was confirmed from resend_window_ms before the loss on; the event ids
 * make what the new master has a counted duplicate in controld. */
static int resend_recent(struct sfdp *c)
{
	uint64_t first = c->recent_n > c->recent_cap ? c->recent_n - c->recent_cap : 0;
	long long from = c->lost_at_ms - (long long)c->resend_window_ms;
	unsigned pending = 0;
	uint64_t sent = 0;
	int failed = 0;

	for (uint64_t i = first; i <= c->recent_n; i++) {
		if (i < c->recent_n) {
			const struct recent_ev *e = &c->recent[i % c->recent_cap];

			if (e->at_ms < from)
				continue;
			append_event(c, e->id, &e->s);
			pending++;
		}
		if (pending && (pending == SFDP_BATCH || i == c->recent_n)) {
			for (; pending; pending--) {
				redisReply *r;

				if (redisGetReply(c->cmd, (void **)&r) != REDIS_OK)
					return -1;
				failed |= must_reconnect(r);
				freeReplyObject(r);
				sent++;
			}
			if (failed)
				return -1;
		}
	}
	if (wait_replicas(c) < 0)
		return -1;
	atomic_fetch_add(&c->resent, sent);
	c->resend_pending = 0;
	return 0;
}

/* Redis is away: move what the rings hold into the journal (append,
 * fsync per pass when configured); at the size cap an event is dropped,
 * counted and said loudly. */
static void journal_spill(struct sfdp *c)
{
	unsigned np = atomic_load_explicit(&c->nprod, memory_order_acquire);
	uint8_t *buf = c->jbuf;
	const size_t cap = sizeof(c->jbuf);
	size_t bl = 0;
	int wrote = 0;

	if (c->jfd < 0)
		return;
	for (unsigned i = 0; i < np; i++) {
		struct sfdp_producer *p = c->prod[i];
		uint64_t t = atomic_load_explicit(&p->tail, memory_order_relaxed);
		uint64_t h = atomic_load_explicit(&p->head, memory_order_acquire);

		for (; t != h; t++) {
			const struct slot *s = &p->slots[t & p->mask];
			char id[160];
			size_t n;

			if (cap - bl < SFJ_HDR + 1 + 160 + sizeof(struct slot)) {
				if (write(c->jfd, buf, bl) != (ssize_t)bl)
					break;
				c->jsize += bl;
				bl = 0;
				wrote = 1;
			}
			slot_id(c, p, t, id, sizeof(id));
			n = sfj_encode(buf + bl, cap - bl, id, s, SLOT_FIXED + s->text_len);
			if (!n || c->jsize + bl + n > c->jmax) {
				if (atomic_fetch_add(&c->jdropped, 1) % 1000 == 0)
					fprintf(stderr, "smsfw: control plane: EVENT LOST: journal full (%lu bytes), "
						"%llu event(s) dropped so far\n", c->jmax,
						(unsigned long long)atomic_load(&c->jdropped));
			} else {
				bl += n;
				atomic_fetch_add(&c->spilled, 1);
				atomic_fetch_add(&c->jrecords, 1);
			}
			atomic_store_explicit(&p->tail, t + 1, memory_order_release);
		}
	}
	if (bl && write(c->jfd, buf, bl) == (ssize_t)bl) {
		c->jsize += bl;
		wrote = 1;
	}
	if (wrote && c->jsync)
		fsync(c->jfd);
}

/* Redis is back: send the journal in order with the events' own ids (a
 * resend after a lost reply counts once in controld), then empty it. */
static int journal_replay(struct sfdp *c)
{
	uint8_t *buf;
	size_t off = 0, len;
	struct sfj_record rec;
	unsigned pending = 0;
	int rc, failed = 0;

	if (c->jfd < 0 || c->jsize == 0)
		return 0;
	len = c->jsize;
	buf = malloc(len);
	if (!buf || pread(c->jfd, buf, len, 0) != (ssize_t)len) {
		free(buf);
		return 0;	/* try again on the next connection */
	}
	while ((rc = sfj_next(buf, len, &off, &rec)) == 1) {
		struct slot s;
		char id[160];

		if (rec.event_len < SLOT_FIXED || rec.event_len > sizeof(s))
			continue;
		memset(&s, 0, sizeof(s));
		memcpy(&s, rec.event, rec.event_len);
		if (s.type < SLOT_REPORT || s.type > SLOT_DELIVERED || s.text_len != rec.event_len - SLOT_FIXED)
			continue;
		s.a[sizeof(s.a) - 1] = s.b[sizeof(s.b) - 1] = s.klass[sizeof(s.klass) - 1] = 0;
		s.rule[sizeof(s.rule) - 1] = s.reason[sizeof(s.reason) - 1] = 0;
		memcpy(id, rec.id, rec.id_len);
		id[rec.id_len] = 0;
		append_event(c, id, &s);
		remember(c, id, &s, wall_ms());
		if (++pending == SFDP_BATCH || off >= len) {
			for (; pending; pending--) {
				redisReply *r;

				if (redisGetReply(c->cmd, (void **)&r) != REDIS_OK) {
					free(buf);
					return -1;	/* the journal stays; replayed again */
				}
				failed |= must_reconnect(r);
				freeReplyObject(r);
				atomic_fetch_add(&c->replayed, 1);
			}
			if (failed)
				break;
		}
	}
	for (; pending; pending--) {
		redisReply *r;

		if (redisGetReply(c->cmd, (void **)&r) != REDIS_OK) {
			free(buf);
			return -1;
		}
		failed |= must_reconnect(r);
		freeReplyObject(r);
		atomic_fetch_add(&c->replayed, 1);
	}
	/* the journal is emptied only once the master took it all and, with
	 * wait_replicas, its replicas too */
	if (failed || wait_replicas(c) < 0) {
		free(buf);
		return -1;
	}
	if (rc < 0)
		fprintf(stderr, "smsfw: control plane: journal damaged at byte %zu of %zu; the rest is "
			"discarded\n", off, len);
	free(buf);
	if (ftruncate(c->jfd, 0) == 0) {
		c->jsize = 0;
		atomic_store(&c->jrecords, 0);
		if (c->jsync)
			fsync(c->jfd);
	}
	return 0;
}

/* Send what the rings hold; the tail moves only after Redis answered. */
#define SFDP_BATCHES_PER_PASS 4

static int flush_rings(struct sfdp *c)
{
	unsigned np = atomic_load_explicit(&c->nprod, memory_order_acquire);

	for (unsigned i = 0; i < np; i++) {
		struct sfdp_producer *p = c->prod[i];

		/* a bounded number of batches per pass: a busy dataplane must not
		 * keep this thread from its subscription (new generations) and
		 * heartbeats */
		for (unsigned b = 0; b < SFDP_BATCHES_PER_PASS; b++) {
			uint64_t t = atomic_load_explicit(&p->tail, memory_order_relaxed);
			uint64_t h = atomic_load_explicit(&p->head, memory_order_acquire);
			uint64_t n = h - t < SFDP_BATCH ? h - t : SFDP_BATCH;

			if (!n)
				break;
			for (uint64_t k = 0; k < n; k++)
				append_slot(c, p, t + k, &p->slots[(t + k) & p->mask]);
			uint64_t sent = 0, refused = 0;
			int failed = 0;

			for (uint64_t k = 0; k < n; k++) {
				redisReply *r;

				if (redisGetReply(c->cmd, (void **)&r) != REDIS_OK)
					return -1;
				if (must_reconnect(r))		/* READONLY: the master moved */
					failed = 1;
				else if (r->type == REDIS_REPLY_ERROR)	/* e.g. WRONGTYPE: not retried */
					refused++;
				else
					sent++;
				freeReplyObject(r);
			}
			/* the tail (what counts as delivered) moves only after the
			 * master and, with wait_replicas, its replicas have the
			 * batch; else all of it is sent again after reconnecting */
			if (failed || wait_replicas(c) < 0)
				return -1;
			atomic_fetch_add(&c->refused, refused);
			atomic_fetch_add(&c->events_sent, sent);
			if (c->recent) {
				long long now = wall_ms();

				for (uint64_t k = 0; k < n; k++) {
					char id[160];

					slot_id(c, p, t + k, id, sizeof(id));
					remember(c, id, &p->slots[(t + k) & p->mask], now);
				}
			}
			atomic_store_explicit(&p->tail, t + n, memory_order_release);
		}
	}
	return 0;
}

static int heartbeat(struct sfdp *c)
{
	struct sfdp_counter cnt[SFDP_MAX_COUNTERS];
	size_t nc = c->counters ? c->counters(c->arg, cnt, SFDP_MAX_COUNTERS) : 0;
	const char *argv[16 + 2 * (SFDP_MAX_COUNTERS + 4)];
	size_t argl[sizeof(argv) / sizeof(argv[0])];
	char vals[SFDP_MAX_COUNTERS + 4][24], names[SFDP_MAX_COUNTERS + 4][72], key[128], ttl[16], now[24];
	char ver[24], boot[24], queue[24], journal[24], lrev[24];
	uint64_t dropped = 0, invalid_n = 0, queued = 0;
	unsigned np = atomic_load_explicit(&c->nprod, memory_order_acquire);
	int n = 0, k = 0;
	long long t = (long long)now_ms_coarse();
	redisReply *r;

	for (unsigned i = 0; i < np; i++) {
		dropped += atomic_load_explicit(&c->prod[i]->dropped, memory_order_relaxed);
		invalid_n += atomic_load_explicit(&c->prod[i]->invalid, memory_order_relaxed);
		/* events waiting for Redis in this ring */
		queued += atomic_load_explicit(&c->prod[i]->head, memory_order_acquire) -
			  atomic_load_explicit(&c->prod[i]->tail, memory_order_relaxed);
	}
	if (nc > SFDP_MAX_COUNTERS)
		nc = SFDP_MAX_COUNTERS;
	snprintf(key, sizeof(key), "%s%s", CTL_K_DP, c->dp_id);
	snprintf(now, sizeof(now), "%lld", t);
	snprintf(ver, sizeof(ver), "%lld", atomic_load(&c->version));
	snprintf(lrev, sizeof(lrev), "%lld", atomic_load(&c->lists_rev));
	snprintf(boot, sizeof(boot), "%llu", (unsigned long long)c->boot_ms);
	argv[n] = "HSET"; argl[n++] = 4;
	argv[n] = key; argl[n++] = strlen(key);
	argv[n] = "version"; argl[n++] = 7; argv[n] = ver; argl[n++] = strlen(ver);
	argv[n] = "time"; argl[n++] = 4; argv[n] = now; argl[n++] = strlen(now);
	argv[n] = "boot"; argl[n++] = 4; argv[n] = boot; argl[n++] = strlen(boot);
	/* what smsfwctl status shows: the rule bundle taken from Redis ("" for
	 * one from a file) and the events not yet in Redis */
	snprintf(queue, sizeof(queue), "%llu", (unsigned long long)queued);
	argv[n] = "bundle"; argl[n++] = 6; argv[n] = c->rules_sha; argl[n++] = strlen(c->rules_sha);
	argv[n] = "queue"; argl[n++] = 5; argv[n] = queue; argl[n++] = strlen(queue);
	snprintf(journal, sizeof(journal), "%llu", (unsigned long long)atomic_load(&c->jrecords));
	argv[n] = "journal"; argl[n++] = 7; argv[n] = journal; argl[n++] = strlen(journal);
	/* the lists change log position (0 without the log) */
	argv[n] = "lists"; argl[n++] = 5; argv[n] = lrev; argl[n++] = strlen(lrev);
	for (size_t i = 0; i < nc + 4; i++, k++) {
		const char *name;
		uint64_t v;

		if (i < nc) {
			name = cnt[i].name;
			v = cnt[i].value;
		} else {
			static const char *const own[] = { "dpclient.events_sent", "dpclient.events_dropped",
							   "dpclient.events_invalid", "dpclient.reconnects" };
			uint64_t ov[] = { atomic_load(&c->events_sent), dropped, invalid_n,
					  atomic_load(&c->connects) ? atomic_load(&c->connects) - 1 : 0 };

			name = own[i - nc];
			v = ov[i - nc];
		}
		snprintf(names[k], sizeof(names[k]), "c.%s", name ? name : "?");
		snprintf(vals[k], sizeof(vals[k]), "%llu", (unsigned long long)v);
		argv[n] = names[k]; argl[n++] = strlen(names[k]);
		argv[n] = vals[k]; argl[n++] = strlen(vals[k]);
	}
	snprintf(ttl, sizeof(ttl), "%u", c->hb_ttl);
	redisAppendCommandArgv(c->cmd, n, argv, argl);
	redisAppendCommand(c->cmd, "EXPIRE %s %s", key, ttl);
	redisAppendCommand(c->cmd, "ZADD %s %s %s", CTL_K_DPS, now, c->dp_id);
	for (int i = 0, moved = 0; i < 3; i++) {
		if (redisGetReply(c->cmd, (void **)&r) != REDIS_OK)
			return -1;
		moved |= must_reconnect(r);	/* a demoted master says READONLY here within heartbeat_ms */
		freeReplyObject(r);
		if (moved && i == 2)
			return -1;
	}
	atomic_fetch_add(&c->heartbeats, 1);
	return 0;
}

static int run_connected(struct sfdp *c)
{
	/* first what the old master confirmed (the journal's events were
	 * not confirmed, and are remembered as they are replayed) */
	if (c->resend_pending && resend_recent(c) < 0)
		return -1;
	if (journal_replay(c) < 0)
		return -1;
	while (!atomic_load(&c->stop)) {
		struct pollfd pfd = { .fd = c->sub->fd, .events = POLLIN };
		long long now;
		int pr;

		if (drain_sub(c) < 0)
			return -1;
		pr = poll(&pfd, 1, 10);
		if (pr < 0 && errno != EINTR)
			return -1;
		if (pr > 0) {
			if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
				return -1;
			if (redisBufferRead(c->sub) != REDIS_OK || drain_sub(c) < 0)
				return -1;
		}
		if (flush_rings(c) < 0)
			return -1;
		now = mono_ms();
		if (c->on_change && now - c->last_log_check >= 1000) {
			if (check_log(c) < 0)
				return -1;
			c->last_log_check = now;
		}
		if (!c->last_hb || now - c->last_hb >= (long long)c->hb_ms) {
			if (heartbeat(c) < 0)
				return -1;
			c->last_hb = now;
		}
	}
	return 0;
}

static void *client_thread(void *arg)
{
	struct sfdp *c = arg;
	unsigned backoff = c->backoff_min;
	unsigned seed = (unsigned)c->boot_ms ^ (unsigned)(uintptr_t)c;

	while (!atomic_load(&c->stop)) {
		if (do_connect(c) == 0) {
			backoff = c->backoff_min;
			if (run_connected(c) == 0)
				break;
		}
		atomic_fetch_add(&c->redis_errors, 1);
		disconnect(c);
		/* jittered exponential backoff, interruptible by sfdp_stop; the
		 * rings spill to the journal meanwhile */
		{
			unsigned wait = backoff / 2 + (unsigned)rand_r(&seed) % (backoff / 2 + 1);

			for (unsigned slept = 0; slept < wait && !atomic_load(&c->stop); slept += 10) {
				if (slept % 100 == 0)
					journal_spill(c);
				usleep(10 * 1000);
			}
		}
		backoff = backoff * 2 > c->backoff_max ? c->backoff_max : backoff * 2;
	}
	disconnect(c);
	return NULL;
}

struct sfdp *sfdp_start(const struct sfdp_config *cfg, char *err, size_t errlen)
{
	struct sfdp *c;

	if (!cfg->dp_id || !*cfg->dp_id || strlen(cfg->dp_id) > 64 || strpbrk(cfg->dp_id, " :\t\r\n{}")) {
		snprintf(err, errlen, "dp_id: 1-64 characters, no spaces, ':' or braces");
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (copy_field(c->host, sizeof(c->host), cfg->host && *cfg->host ? cfg->host : "127.0.0.1", 0) ||
	    copy_field(c->user, sizeof(c->user), cfg->user, 1) ||
	    copy_field(c->password, sizeof(c->password), cfg->password, 1)) {
		snprintf(err, errlen, "host, user or password too long");
		free(c);
		return NULL;
	}
	snprintf(c->dp_id, sizeof(c->dp_id), "%s", cfg->dp_id);
	c->port = cfg->port ? cfg->port : 6379;
	c->hb_ms = cfg->heartbeat_ms ? cfg->heartbeat_ms : 1000;
	c->hb_ttl = cfg->heartbeat_ttl_s ? cfg->heartbeat_ttl_s : 10;
	c->maxlen = cfg->stream_maxlen ? cfg->stream_maxlen : 1000000;
	c->dlv_ttl = cfg->dlv_ttl_s ? cfg->dlv_ttl_s : 86400;
	c->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : 1000;
	c->backoff_min = cfg->backoff_min_ms ? cfg->backoff_min_ms : 100;
	/* with Sentinel a failover takes a few seconds: retry at least every
	 * second so the promoted replica is found soon after it is named */
	c->backoff_max = cfg->backoff_max_ms ? cfg->backoff_max_ms :
			 cfg->sentinels && cfg->sentinels[0] ? 1000 : 5000;
	if (c->backoff_max < c->backoff_min)
		c->backoff_max = c->backoff_min;
	if (cfg->sentinels && cfg->sentinels[0]) {
		if (ctl_sentinel_parse(&c->sentinel, cfg->sentinels, cfg->master_name && *cfg->master_name ?
				       cfg->master_name : "smsfw", err, errlen) < 0) {
			free(c);
			return NULL;
		}
		c->use_sentinel = 1;
		c->host[0] = 0;		/* not known before the sentinels name it */
		c->port = 0;
		c->resend_window_ms = cfg->resend_window_ms ? cfg->resend_window_ms : 5000;
		c->recent_cap = cfg->resend_max ? cfg->resend_max : 8192;
		c->recent = calloc(c->recent_cap, sizeof(*c->recent));
		if (!c->recent) {
			snprintf(err, errlen, "out of memory (resend buffer of %u events)", c->recent_cap);
			free(c);
			return NULL;
		}
	}
	c->wait_replicas = cfg->wait_replicas;
	c->wait_timeout_ms = cfg->wait_timeout_ms ? cfg->wait_timeout_ms : 1000;
	c->on_gen = cfg->on_generation;
	c->on_change = cfg->on_change;
	atomic_store(&c->need_snap, cfg->on_change != NULL);
	c->on_rules = cfg->on_rules;
	c->jfd = -1;
	if (cfg->journal_path && cfg->journal_path[0]) {
		struct stat sb;

		c->jmax = cfg->journal_max_bytes ? cfg->journal_max_bytes : 256ul << 20;
		c->jsync = cfg->journal_fsync;
		c->jfd = open(cfg->journal_path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (c->jfd < 0 || fstat(c->jfd, &sb) < 0) {
			snprintf(err, errlen, "journal %s: %s", cfg->journal_path, strerror(errno));
			if (c->jfd >= 0)
				close(c->jfd);
			free(c);
			return NULL;
		}
		c->jsize = (uint64_t)sb.st_size;	/* left by an earlier run: replayed on connect */
		if (c->jsize) {
			uint8_t *b = malloc(c->jsize);
			size_t off = 0;
			struct sfj_record rec;

			if (b && pread(c->jfd, b, c->jsize, 0) == (ssize_t)c->jsize)
				while (sfj_next(b, c->jsize, &off, &rec) == 1)
					atomic_fetch_add(&c->jrecords, 1);
			free(b);
		}
	}
	c->on_link = cfg->on_link;
	c->counters = cfg->counters;
	c->arg = cfg->arg;
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		c->boot_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	}
	pthread_mutex_init(&c->prod_mu, NULL);
	pthread_mutex_init(&c->addr_mu, NULL);
	if (pthread_create(&c->thr, NULL, client_thread, c)) {
		snprintf(err, errlen, "cannot start the client thread");
		pthread_mutex_destroy(&c->prod_mu);
		pthread_mutex_destroy(&c->addr_mu);
		free(c);
		return NULL;
	}
	return c;
}

void sfdp_stop(struct sfdp *c)
{
	unsigned np;

	if (!c)
		return;
	atomic_store(&c->stop, 1);
	pthread_join(c->thr, NULL);
	/* what Redis did not take is kept for the next start */
	journal_spill(c);
	if (c->jfd >= 0)
		close(c->jfd);
	np = atomic_load(&c->nprod);
	for (unsigned i = 0; i < np; i++) {
		free(c->prod[i]->slots);
		free(c->prod[i]);
	}
	pthread_mutex_destroy(&c->prod_mu);
	pthread_mutex_destroy(&c->addr_mu);
	free(c->recent);
	free(c);
}

void sfdp_get_stats(struct sfdp *c, struct sfdp_stats *out)
{
	unsigned np = atomic_load_explicit(&c->nprod, memory_order_acquire);

	memset(out, 0, sizeof(*out));
	out->connects = atomic_load(&c->connects);
	out->redis_errors = atomic_load(&c->redis_errors);
	out->events_sent = atomic_load(&c->events_sent);
	out->generations = atomic_load(&c->generations);
	out->heartbeats = atomic_load(&c->heartbeats);
	out->connected = atomic_load(&c->connected);
	out->version = atomic_load(&c->version);
	out->lists_rev = atomic_load(&c->lists_rev);
	out->lists_changes = atomic_load(&c->lists_changes);
	out->lists_resyncs = atomic_load(&c->lists_resyncs);
	out->events_spilled = atomic_load(&c->spilled);
	out->events_replayed = atomic_load(&c->replayed);
	out->events_journal_dropped = atomic_load(&c->jdropped);
	out->journal_records = atomic_load(&c->jrecords);
	out->failovers = atomic_load(&c->failovers);
	out->wait_short = atomic_load(&c->wait_short);
	out->events_resent = atomic_load(&c->resent);
	out->link_since_ms = atomic_load(&c->link_since_ms);
	for (unsigned i = 0; i < np; i++) {
		out->events_dropped += atomic_load_explicit(&c->prod[i]->dropped, memory_order_relaxed);
		out->events_invalid += atomic_load_explicit(&c->prod[i]->invalid, memory_order_relaxed);
		out->queued += atomic_load_explicit(&c->prod[i]->head, memory_order_acquire) -
			       atomic_load_explicit(&c->prod[i]->tail, memory_order_acquire);
	}
}

void sfdp_get_master(struct sfdp *c, char *buf, size_t cap)
{
	pthread_mutex_lock(&c->addr_mu);
	if (c->host[0])
		snprintf(buf, cap, "%s:%d", c->host, c->port);
	else
		snprintf(buf, cap, "%s", "");
	pthread_mutex_unlock(&c->addr_mu);
}

long long sfdp_version(struct sfdp *c)
{
	return atomic_load(&c->version);
}

void sfdp_lists_resync(struct sfdp *c)
{
	if (!c || !c->on_change)
		return;
	atomic_store(&c->bad_snap, 0);
	atomic_fetch_add(&c->lists_resyncs, 1);
	atomic_store(&c->need_snap, 1);
}
