/* SPDX-License-Identifier: BSD-3-Clause */
/* High availability of the control plane (issue 12 item 5), with real
 * processes on loopback ports:
 *
 *  sentinel  a master, two replicas and three sentinels; smsfw-controld and a
 *            dataplane client (dpclient, the dataplane's event path) find
 *            the master through the sentinels; the dataplane streams
 *            report events (WAIT 1: an event is delivered once the replica
 *            has it), the master is killed with SIGKILL in the middle, the
 *            sentinels promote a replica (the other follows it, so WAIT 1
 *            is met again); every event is applied exactly
 *            once on the new master, the producer never lost or waited on
 *            an event (the dataplane's lcores keep filtering), smsfwctl
 *            finds the new master; the failover time is printed. Then the
 *            old master comes back (as a replica) and SENTINEL FAILOVER
 *            moves the role to it while a second stream runs: the demoted
 *            master stays up, its clients follow, again exactly once.
 *  group     two smsfw-controld in one consumer group share the stream;
 *            one dies by SIGKILL between applying a batch and its XACK;
 *            the other claims its pending entries (XAUTOCLAIM): every event
 *            applied exactly once, nothing left pending.
 *  cluster   a one-node Redis Cluster (all slots on it, so anything that
 *            spans two slots fails with CROSSSLOT): controld's scripts,
 *            smsfwctl's and the dataplane client's commands all work, and
 *            every key name of ctl_keys.h is in one slot (CLUSTER KEYSLOT).
 *
 * test_ha SMSFW-CONTROLD SMSFWCTL SCENARIO */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl_harness.h"
#include "dpclient.h"
#include "sf_test.h"

#define MASTER "smsfw"

static long long mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static redisReply *cmd_ok(redisContext *c, const char *fmt, ...)
{
	va_list ap;
	redisReply *r;

	va_start(ap, fmt);
	r = redisvCommand(c, fmt, ap);
	va_end(ap);
	if (!r || r->type == REDIS_REPLY_ERROR) {
		fprintf(stderr, "redis command \"%s\" failed: %s\n", fmt, r ? r->str : c->errstr);
		exit(1);
	}
	return r;
}

/* ---- the event stream from a dataplane ---- */

struct producer {
	struct sfdp_producer *p;
	int base;		/* number of the first event */
	int n;			/* events to send */
	int gap_us;		/* between events */
	_Atomic int done;	/* events queued so far */
	int failed;		/* sfdp_report refused one (ring full) */
	long long max_call_us;	/* the longest a fast-path call took */
};

static void number(char *buf, size_t cap, const char *prefix, int i)
{
	snprintf(buf, cap, "%s%08d", prefix, i);
}

static void *produce(void *arg)
{
	struct producer *pr = arg;

	for (int k = 0; k < pr->n; k++) {
		char reporter[24], reported[24], text[32];
		long long t0 = mono_us(), dt;
		int i = pr->base + k;

		number(reporter, sizeof(reporter), "86139", i);
		number(reported, sizeof(reported), "86170", i);
		snprintf(text, sizeof(text), "ha test %d", i);
		if (sfdp_report(pr->p, 0, reporter, reported, NULL, text, strlen(text), "fake_offer") < 0)
			pr->failed++;
		dt = mono_us() - t0;
		if (dt > pr->max_call_us)
			pr->max_call_us = dt;
		atomic_store(&pr->done, k + 1);
		if (pr->gap_us)
			usleep((useconds_t)pr->gap_us);
	}
	return NULL;
}

/* Every reported number of the stream has exactly one report (0: lost,
 * 2: applied twice); returns how many differ and prints the first. */
static int reports_exactly_once(redisContext *c, int n)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		char num[24];

		number(num, sizeof(num), "86170", i);
		redisAppendCommand(c, "HGET smsfw:{r:%s}:rep total", num);
	}
	for (int i = 0; i < n; i++) {
		redisReply *r;
		long long v;

		if (redisGetReply(c, (void **)&r) != REDIS_OK)
			exit(1);
		v = r->type == REDIS_REPLY_STRING ? strtoll(r->str, NULL, 10) : 0;
		if (v != 1 && bad++ == 0)
			fprintf(stderr, "report %d: total %lld, want 1\n", i, v);
		freeReplyObject(r);
	}
	return bad;
}

static long long pending(redisContext *c, const char *consumer)
{
	redisReply *r = consumer ? redisCommand(c, "XPENDING {smsfw}:events controld - + 100000 %s", consumer) :
			redisCommand(c, "XPENDING {smsfw}:events controld");
	long long n = -1;

	if (r && r->type == REDIS_REPLY_ARRAY && consumer)
		n = (long long)r->elements;
	else if (r && r->type == REDIS_REPLY_ARRAY && r->elements >= 1 && r->element[0]->type == REDIS_REPLY_INTEGER)
		n = r->element[0]->integer;
	if (r)
		freeReplyObject(r);
	return n;
}

/* GET /metrics of controld's metrics server into buf; 0 or -1. */
static int metrics_get(int port, char *buf, size_t cap)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	static const char req[] = "GET /metrics HTTP/1.0\r\n\r\n";
	size_t n = 0;
	ssize_t k;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	buf[0] = 0;
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    write(fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (n < cap - 1 && (k = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)k;
	buf[n] = 0;
	close(fd);
	return 0;
}

struct metric_want {
	int port;
	char line[160];
};

static int metric_has(void *arg)
{
	struct metric_want *w = arg;
	char buf[32768];

	return metrics_get(w->port, buf, sizeof(buf)) == 0 && strstr(buf, w->line) != NULL;
}

static const char *write_config(const char *name, const char *extra)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf),
			 "[reports]\nblock_threshold = 3\n[publish]\ndebounce_ms = 50\n[events]\nbatch = 32\n"
			 "claim_idle_ms = 500\n[metrics]\nport = 0\n%s", extra);

	return h_write_file(name, buf, (size_t)n);
}

/* ---- sentinel: kill the master in the middle of a stream ---- */

#define SENT_N 3000

struct sentinels {
	int port[3];
	char list[128];
};

static void sentinels_start(struct sentinels *s, int master_port)
{
	int len = 0;

	for (int i = 0; i < 3; i++) {
		char conf[1024], name[32], logn[32];
		const char *path;
		int n;

		s->port[i] = h_free_port();
		n = snprintf(conf, sizeof(conf),
			     "port %d\nbind 127.0.0.1\ndir %s\nsentinel resolve-hostnames no\n"
			     "sentinel monitor " MASTER " 127.0.0.1 %d 2\n"
			     "sentinel down-after-milliseconds " MASTER " 1000\n"
			     "sentinel failover-timeout " MASTER " 10000\n"
			     "sentinel parallel-syncs " MASTER " 1\n",
			     s->port[i], h_tmpdir(), master_port);
		snprintf(name, sizeof(name), "sentinel-%d.conf", i);
		path = h_write_file(name, conf, (size_t)n);
		snprintf(logn, sizeof(logn), "sentinel-%d.log", i);
		{
			const char *argv[] = { "redis-server", path, "--sentinel", NULL };

			h_spawn(argv, logn);
		}
		len += snprintf(s->list + len, sizeof(s->list) - (size_t)len, "%s127.0.0.1:%d", i ? "," : "",
				s->port[i]);
	}
}

/* A sentinel that knows the other two and the replica: ready to fail over. */
struct sentinel_ready {
	int port;
};

static long long sentinel_count(int port, const char *what)
{
	redisContext *c = redisConnect("127.0.0.1", port);
	redisReply *r;
	long long n = -1;

	if (!c || c->err) {
		if (c)
			redisFree(c);
		return -1;
	}
	r = redisCommand(c, "SENTINEL %s " MASTER, what);
	if (r && r->type == REDIS_REPLY_ARRAY)
		n = (long long)r->elements;
	if (r)
		freeReplyObject(r);
	redisFree(c);
	return n;
}

static int sentinel_ready(void *arg)
{
	const struct sentinels *s = arg;

	for (int i = 0; i < 3; i++)
		if (sentinel_count(s->port[i], "sentinels") != 2 || sentinel_count(s->port[i], "replicas") != 2)
			return 0;
	return 1;
}

/* The master the sentinels name now (port), 0 unknown. */
static int sentinel_master_port(const struct sentinels *s)
{
	redisContext *c = redisConnect("127.0.0.1", s->port[0]);
	redisReply *r;
	int port = 0;

	if (!c || c->err) {
		if (c)
			redisFree(c);
		return 0;
	}
	r = redisCommand(c, "SENTINEL GET-MASTER-ADDR-BY-NAME " MASTER);
	if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2)
		port = atoi(r->element[1]->str);
	if (r)
		freeReplyObject(r);
	redisFree(c);
	return port;
}

static int replica_linked(void *arg)
{
	redisContext *c = arg;
	redisReply *r = redisCommand(c, "INFO replication");
	int up = r && r->type == REDIS_REPLY_STRING && strstr(r->str, "master_link_status:up");

	if (r)
		freeReplyObject(r);
	return up;
}

/* A {smsfw}:stats field on the server at port over a new connection (the
 * promoted replica's clients are disconnected by the sentinels); -1 when
 * it does not answer. */
static long long stat_at(int port, const char *field)
{
	redisContext *c = redisConnect("127.0.0.1", port);
	redisReply *r;
	long long v = -1;

	if (!c || c->err) {
		if (c)
			redisFree(c);
		return -1;
	}
	r = redisCommand(c, "HGET {smsfw}:stats %s", field);
	if (r)
		v = r->type == REDIS_REPLY_STRING ? strtoll(r->str, NULL, 10) : 0;
	if (r)
		freeReplyObject(r);
	redisFree(c);
	return v;
}

struct dp_done {
	struct sfdp *c;
	int n;
};

/* Every event is in Redis (confirmed with WAIT 1) and none is left in the
 * rings or the journal. */
static int dp_delivered(void *arg)
{
	struct dp_done *d = arg;
	struct sfdp_stats st;

	sfdp_get_stats(d->c, &st);
	return st.connected && st.journal_records == 0 && st.events_sent + st.events_spilled >= (uint64_t)d->n;
}

static void sentinel_failover(void)
{
	struct h_redis m = { 0 }, rep = { 0 }, rep2 = { 0 };
	struct sentinels s;
	redisContext *mc, *rc, *rc2;
	struct sfdp_config dc = { 0 };
	struct sfdp *dp;
	struct producer pr = { 0 };
	struct sfdp_stats st;
	pthread_t thr;
	const char *cfg;
	char journal[300], err[256], out[4096], cerr[4096];
	long long t_kill, t_promoted = 0, t_dp = 0, t_cd = 0, applied_at_kill, sent_at_kill;
	pid_t cd;
	int new_port = 0, mport;
	char mport_s[16];

	/* master and replica; full syncs without the default 5 s delay */
	snprintf(m.extra[0], sizeof(m.extra[0]), "--repl-diskless-sync-delay 0");
	snprintf(rep.extra[0], sizeof(rep.extra[0]), "--repl-diskless-sync-delay 0");
	snprintf(rep2.extra[0], sizeof(rep2.extra[0]), "--repl-diskless-sync-delay 0");
	/* the second replica is not a candidate: the promoted one is known */
	snprintf(rep2.extra[1], sizeof(rep2.extra[1]), "--replica-priority 0");
	CHECK(h_redis_start(&m) == 0);
	CHECK(h_redis_start(&rep) == 0);
	CHECK(h_redis_start(&rep2) == 0);
	mc = h_redis_connect(&m, NULL, NULL);
	rc = h_redis_connect(&rep, NULL, NULL);
	rc2 = h_redis_connect(&rep2, NULL, NULL);
	freeReplyObject(cmd_ok(rc, "REPLICAOF 127.0.0.1 %d", m.port));
	freeReplyObject(cmd_ok(rc2, "REPLICAOF 127.0.0.1 %d", m.port));
	CHECK(h_wait(replica_linked, rc, 10000));
	CHECK(h_wait(replica_linked, rc2, 10000));
	redisFree(rc2);
	sentinels_start(&s, m.port);
	CHECK(h_wait(sentinel_ready, &s, 20000));

	/* controld and the dataplane know only the sentinels */
	cfg = write_config("ha.ini", "");
	mport = h_free_port();
	snprintf(mport_s, sizeof(mport_s), "%d", mport);
	{
		const char *extra[] = { "--sentinel", s.list, "--master-name", MASTER, "--metrics-port", mport_s, NULL };

		cd = h_controld_start(&m, cfg, extra);
	}
	snprintf(journal, sizeof(journal), "%s/dp.journal", h_tmpdir());
	dc.sentinels = s.list;
	dc.master_name = MASTER;
	dc.wait_replicas = 1;
	dc.wait_timeout_ms = 500;
	dc.dp_id = "ha1";
	dc.heartbeat_ms = 200;
	dc.timeout_ms = 500;	/* backoff: the defaults, as a dataplane has them */
	dc.journal_path = journal;
	dc.journal_fsync = 1;
	dp = sfdp_start(&dc, err, sizeof(err));
	CHECK(dp != NULL);
	if (!dp) {
		fprintf(stderr, "sfdp_start: %s\n", err);
		exit(1);
	}
	pr.p = sfdp_producer_new(dp, 8192);
	pr.n = SENT_N;
	pr.gap_us = 2000;	/* ~450 events/s: the stream spans the failover */
	pthread_create(&thr, NULL, produce, &pr);

	/* the master dies a third of the way through the stream */
	while (atomic_load(&pr.done) < SENT_N / 3)
		h_sleep_ms(5);
	CHECK(h_wait_stat(mc, "reports", 1, 10000));	/* controld is applying */
	sfdp_get_stats(dp, &st);
	sent_at_kill = (long long)st.events_sent;
	applied_at_kill = h_hget_ll(mc, "{smsfw}:stats", "reports");
	t_kill = h_now_ms();
	h_redis_kill(&m);
	redisFree(mc);

	/* the promotion, the dataplane's and controld's move to the new master */
	while (h_now_ms() - t_kill < 30000 && (!t_promoted || !t_dp || !t_cd)) {
		if (!t_promoted && sentinel_master_port(&s) == rep.port) {
			t_promoted = h_now_ms();
			new_port = rep.port;
		}
		sfdp_get_stats(dp, &st);
		if (!t_dp && st.connected && st.failovers >= 1)
			t_dp = h_now_ms();
		/* controld applies there: more reports than the old master had */
		if (!t_cd && new_port && stat_at(rep.port, "reports") > applied_at_kill)
			t_cd = h_now_ms();
		h_sleep_ms(10);
	}
	redisFree(rc);
	rc = h_redis_connect(&rep, NULL, NULL);
	CHECK(t_promoted && t_dp && t_cd);
	if (!t_dp)
		t_dp = h_now_ms();
	if (!t_cd)
		t_cd = h_now_ms();
	printf("failover: master killed at event %d (%lld confirmed, %lld applied); replica promoted after %lld ms, "
	       "dataplane writing to it after %lld ms, controld applying there after %lld ms\n",
	       SENT_N / 3, sent_at_kill, applied_at_kill, t_promoted - t_kill, t_dp - t_kill, t_cd - t_kill);

	pthread_join(thr, NULL);
	{
		struct dp_done d = { dp, SENT_N };

		CHECK(h_wait(dp_delivered, &d, 20000));
	}
	sfdp_get_stats(dp, &st);
	printf("dataplane: %llu sent, %llu spilled to the journal, %llu replayed, %llu resent, %llu WAIT short, "
	       "%llu failover(s); the longest event call took %lld us\n", (unsigned long long)st.events_sent,
	       (unsigned long long)st.events_spilled, (unsigned long long)st.events_replayed,
	       (unsigned long long)st.events_resent,
	       (unsigned long long)st.wait_short, (unsigned long long)st.failovers, pr.max_call_us);
	/* the fast path neither lost nor waited for an event during the failover */
	CHECK_INT(pr.failed, 0);
	CHECK_INT(st.events_dropped, 0);
	CHECK_INT(st.events_journal_dropped, 0);
	CHECK(pr.max_call_us < 20000);
	CHECK_INT(st.failovers, 1);
	CHECK(h_wait_stat(rc, "reports", SENT_N, 20000));
	h_sleep_ms(300);	/* a duplicate would land late: give it the time */
	/* nothing acknowledged lost, nothing applied twice */
	CHECK_INT(h_hget_ll(rc, "{smsfw}:stats", "reports"), SENT_N);
	CHECK_INT(reports_exactly_once(rc, SENT_N), 0);
	CHECK_INT(pending(rc, NULL), 0);
	printf("new master: %lld reports applied, %lld redelivered events recognised as applied\n",
	       h_hget_ll(rc, "{smsfw}:stats", "reports"), h_hget_ll(rc, "{smsfw}:stats", "events_duplicate"));

	/* controld's metrics name the new master and count the failover */
	{
		struct metric_want w = { mport, "" };

		snprintf(w.line, sizeof(w.line), "\nsmsfw_controld_redis_master{address=\"127.0.0.1:%d\"} 1\n", rep.port);
		CHECK(h_wait(metric_has, &w, 5000));
		snprintf(w.line, sizeof(w.line), "\nsmsfw_controld_redis_failovers_total 1\n");
		CHECK(h_wait(metric_has, &w, 5000));
	}

	/* smsfwctl through the sentinels writes to the new master */
	{
		int code = h_ctl(&rep, out, sizeof(out), cerr, sizeof(cerr), "--sentinel", s.list, "--master-name",
				 MASTER, "block", "add", "13800000077", NULL);
		redisReply *r;

		CHECK_INT(code, 0);
		r = cmd_ok(rc, "HEXISTS {smsfw}:block %s", "number 8613800000077");
		CHECK_INT(r->integer, 1);
		freeReplyObject(r);
		/* a sentinel list nobody answers: Redis unavailable (exit 4) */
		code = h_ctl(&rep, out, sizeof(out), cerr, sizeof(cerr), "--sentinel", "127.0.0.1:1", "stats", NULL);
		CHECK_INT(code, 4);
		CHECK(strstr(cerr, "no sentinel answered") != NULL);
	}

	/* A switchover: the old master's machine comes back (empty, it is
	 * made a replica of the new master by the sentinels), then an
	 * operator's SENTINEL FAILOVER hands the master role back to it while
	 * a second stream runs. The demoted master stays up: its clients are
	 * moved by the sentinels' CLIENT KILL or by its READONLY replies. */
	{
		struct producer pr2 = { 0 };
		struct dp_done d = { dp, 2 * SENT_N };
		redisContext *sc, *mc2;
		redisReply *x;
		long long t_sw, t_back = 0;
		uint64_t fo_before;

		CHECK(h_redis_start(&m) == 0);	/* same port, empty */
		mc2 = h_redis_connect(&m, NULL, NULL);
		/* what the sentinels would do some seconds later */
		freeReplyObject(cmd_ok(mc2, "REPLICAOF 127.0.0.1 %d", rep.port));
		CHECK(h_wait(replica_linked, mc2, 20000));
		redisFree(mc2);
		sfdp_get_stats(dp, &st);
		fo_before = st.failovers;
		pr2.p = pr.p;
		pr2.base = SENT_N;
		pr2.n = SENT_N;
		pr2.gap_us = 1000;
		pthread_create(&thr, NULL, produce, &pr2);
		while (atomic_load(&pr2.done) < SENT_N / 3)
			h_sleep_ms(5);
		sc = redisConnect("127.0.0.1", s.port[1]);
		x = redisCommand(sc, "SENTINEL FAILOVER " MASTER);
		CHECK(x && x->type == REDIS_REPLY_STATUS);
		if (x)
			freeReplyObject(x);
		redisFree(sc);
		t_sw = h_now_ms();
		while (h_now_ms() - t_sw < 30000 && !t_back) {
			sfdp_get_stats(dp, &st);
			if (st.connected && st.failovers > fo_before)
				t_back = h_now_ms();
			h_sleep_ms(10);
		}
		CHECK(t_back != 0);
		pthread_join(thr, NULL);
		CHECK(h_wait(dp_delivered, &d, 20000));
		redisFree(rc);
		rc = h_redis_connect(&m, NULL, NULL);
		CHECK(h_wait_stat(rc, "reports", 2 * SENT_N, 20000));
		h_sleep_ms(300);
		sfdp_get_stats(dp, &st);
		printf("switchover (SENTINEL FAILOVER, old master alive): the dataplane writes to the new master "
		       "after %lld ms; %lld reports there; %llu events resent after the switch\n", t_back - t_sw,
		       h_hget_ll(rc, "{smsfw}:stats", "reports"), (unsigned long long)st.events_resent);
		CHECK_INT(pr2.failed, 0);
		CHECK_INT(st.events_dropped, 0);
		CHECK_INT(st.failovers, fo_before + 1);
		CHECK_INT(h_hget_ll(rc, "{smsfw}:stats", "reports"), 2 * SENT_N);
		CHECK_INT(reports_exactly_once(rc, 2 * SENT_N), 0);
		for (int i = 0; i < 200 && pending(rc, NULL) != 0; i++)
			h_sleep_ms(10);
		CHECK_INT(pending(rc, NULL), 0);
	}
	sfdp_stop(dp);
	h_kill9(cd);
	redisFree(rc);
	h_redis_kill(&m);
	h_redis_kill(&rep);
	h_redis_kill(&rep2);
}

static int scenario_sentinel(void)
{
	RUN(sentinel_failover);
	return TEST_SUMMARY();
}

/* ---- group: two controld, one killed between apply and XACK ---- */

#define GROUP_N 3000

static void two_consumers_one_killed(void)
{
	struct h_redis r = { 0 };
	redisContext *c;
	struct sfdp_config dc = { 0 };
	struct sfdp *dp;
	struct producer pr = { 0 };
	pthread_t thr;
	const char *cfg = write_config("group.ini", "");
	char err[256];
	pid_t c1, c2;
	long long left_by_c1 = 0;
	int c1_dead = 0;

	CHECK(h_redis_start(&r) == 0);
	c = h_redis_connect(&r, NULL, NULL);
	{
		static const char *const e1[] = { "--consumer", "controld-a", NULL };
		static const char *const e2[] = { "--consumer", "controld-b", NULL };

		/* controld-a kills itself (SIGKILL) after applying 100 events (it
		 * gets them even when a loaded machine favours controld-b),
		 * between a batch's scripts and its XACK: the worst moment */
		setenv("SMSFW_CONTROLD_FAULT_AFTER_APPLY", "100", 1);
		c1 = h_controld_start(&r, cfg, e1);
		unsetenv("SMSFW_CONTROLD_FAULT_AFTER_APPLY");
		c2 = h_controld_start(&r, cfg, e2);
	}
	dc.host = "127.0.0.1";
	dc.port = r.port;
	dc.dp_id = "grp1";
	dc.heartbeat_ms = 200;
	dc.backoff_min_ms = 50;
	dc.backoff_max_ms = 200;
	dp = sfdp_start(&dc, err, sizeof(err));
	if (!dp) {
		fprintf(stderr, "sfdp_start: %s\n", err);
		exit(1);
	}
	pr.p = sfdp_producer_new(dp, 8192);
	pr.n = GROUP_N;
	pr.gap_us = 1000;
	pthread_create(&thr, NULL, produce, &pr);
	while (atomic_load(&pr.done) < GROUP_N) {
		if (!c1_dead && h_exited(c1)) {
			c1_dead = 1;
			left_by_c1 = pending(c, "controld-a");
		}
		h_sleep_ms(5);
	}
	pthread_join(thr, NULL);
	for (int i = 0; i < 400 && !c1_dead; i++, h_sleep_ms(10))
		if (h_exited(c1)) {
			c1_dead = 1;
			left_by_c1 = pending(c, "controld-a");
		}
	CHECK(c1_dead);
	printf("controld-a died with %lld entries read and applied but not acked\n", left_by_c1);
	CHECK(left_by_c1 > 0);
	/* controld-b claims them after claim_idle_ms (it looks every 5 s) */
	CHECK(h_wait_stat(c, "reports", GROUP_N, 20000));
	for (int i = 0; i < 1000 && pending(c, NULL) != 0; i++)
		h_sleep_ms(10);
	h_sleep_ms(300);
	CHECK_INT(h_hget_ll(c, "{smsfw}:stats", "reports"), GROUP_N);
	CHECK_INT(reports_exactly_once(c, GROUP_N), 0);
	CHECK_INT(pending(c, NULL), 0);
	CHECK_INT(pending(c, "controld-a"), 0);
	CHECK(h_hget_ll(c, "{smsfw}:stats", "events_duplicate") >= 1);	/* its applied, unacked batch */
	printf("%lld events applied once each by two consumers; %lld redelivered ones recognised\n",
	       h_hget_ll(c, "{smsfw}:stats", "reports"), h_hget_ll(c, "{smsfw}:stats", "events_duplicate"));
	{
		/* both consumers took part */
		redisReply *x = cmd_ok(c, "XINFO CONSUMERS {smsfw}:events controld");

		CHECK_INT(x->elements, 2);
		freeReplyObject(x);
	}
	CHECK(!h_exited(c2));
	sfdp_stop(dp);
	h_kill9(c2);
	redisFree(c);
	h_redis_kill(&r);
}

static int scenario_group(void)
{
	RUN(two_consumers_one_killed);
	return TEST_SUMMARY();
}

/* ---- cluster: every script and transaction stays in one slot ---- */

static int cluster_ok(void *arg)
{
	redisContext *c = arg;
	redisReply *r = redisCommand(c, "CLUSTER INFO");
	int ok = r && r->type == REDIS_REPLY_STRING && strstr(r->str, "cluster_state:ok");

	if (r)
		freeReplyObject(r);
	return ok;
}

struct gen_seen {
	pthread_mutex_t mu;
	char text[4096];
	long long version;
};

static void on_gen(void *arg, long long v, const char *text, size_t len)
{
	struct gen_seen *g = arg;

	pthread_mutex_lock(&g->mu);
	snprintf(g->text, sizeof(g->text), "%.*s", (int)len, text);
	g->version = v;
	pthread_mutex_unlock(&g->mu);
}

static int gen_has(void *arg)
{
	struct gen_seen *g = arg;
	int yes;

	pthread_mutex_lock(&g->mu);
	yes = strstr(g->text, "number 8617000000042 ") && strstr(g->text, "shield 8613900000001 10690001") &&
	      strstr(g->text, "number 8613800000077 ");
	pthread_mutex_unlock(&g->mu);
	return yes;
}

static void one_node_cluster(void)
{
	struct h_redis r = { 0 };
	redisContext *c;
	struct sfdp_config dc = { 0 };
	struct sfdp *dp;
	struct sfdp_producer *p;
	struct gen_seen g = { .mu = PTHREAD_MUTEX_INITIALIZER };
	const char *cfg = write_config("cluster.ini", "");
	char err[256], out[4096], cerr[4096];
	/* the keys of each script (and of each group read together), as
	 * controld, the dataplane client and smsfwctl name them */
	static const char *const groups[][12] = {
		{ "{smsfw}:events", "{smsfw}:ev:dp1:1:0.1", "{smsfw}:stats", "{smsfw}:reports:top",
		  "{smsfw}:fp:top", "{smsfw}:block", "{smsfw}:allow", "{smsfw}:lists:rev", "{smsfw}:alerts",
		  "{smsfw}:lists:log", "{smsfw}:shield", "{smsfw}:blocked:top" },
		{ "{smsfw}:imsi", "{smsfw}:gen", "{smsfw}:gen:seq", "{smsfw}:gen:current", "{smsfw}:gen:meta",
		  "{smsfw}:gen:7", "{smsfw}:gen:hist", "{smsfw}:gen:held", "{smsfw}:gen:confirm", "{smsfw}:rules",
		  "{smsfw}:rules:current", "{smsfw}:rules:hist" },
		{ "{smsfw}:rules:ab12", "{smsfw}:dps", "{smsfw}:dp:dp1", "{smsfw}:events" },
		/* reporter step */
		{ "smsfw:{s:8613900000001}:ev:dp1:1:0.1", "smsfw:{s:8613900000001}:rpt:493000",
		  "smsfw:{s:8613900000001}:dlv:10086" },
		/* fingerprint step */
		{ "smsfw:{f:00000000000000ff}:ev:dp1:1:0.1", "smsfw:{f:00000000000000ff}:fp",
		  "smsfw:{f:00000000000000ff}:fp:n" },
		/* reported number step */
		{ "smsfw:{r:8617000000042}:ev:dp1:1:0.1", "smsfw:{r:8617000000042}:rep",
		  "smsfw:{r:8617000000042}:rep:r", "smsfw:{r:8617000000042}:rep:s", "smsfw:{r:8617000000042}:fbs" },
	};
	long long gslot[6];
	pid_t cd;

	snprintf(r.extra[0], sizeof(r.extra[0]), "--cluster-enabled yes");
	/* the bus port is port + 10000 by default: past 65535 for a high one */
	snprintf(r.extra[1], sizeof(r.extra[1]), "--cluster-port %d", h_free_port());
	CHECK(h_redis_start(&r) == 0);
	c = h_redis_connect(&r, NULL, NULL);
	freeReplyObject(cmd_ok(c, "CLUSTER ADDSLOTSRANGE 0 16383"));
	CHECK(h_wait(cluster_ok, c, 10000));
	/* the cluster refuses what spans two slots: the check is real */
	{
		redisReply *x = redisCommand(c, "EVAL %s 2 a b", "return redis.call('SET', KEYS[1], KEYS[2])");

		CHECK(x && x->type == REDIS_REPLY_ERROR && !strncmp(x->str, "CROSSSLOT", 9));
		if (x)
			freeReplyObject(x);
	}
	for (size_t gi = 0; gi < sizeof(groups) / sizeof(groups[0]); gi++) {
		long long slot = -1;

		for (size_t i = 0; i < 12 && groups[gi][i]; i++) {
			redisReply *x = cmd_ok(c, "CLUSTER KEYSLOT %s", groups[gi][i]);

			if (slot < 0)
				slot = x->integer;
			if (x->integer != slot)
				fprintf(stderr, "%s: slot %lld, want %lld\n", groups[gi][i], x->integer, slot);
			CHECK_INT(x->integer, slot);
			freeReplyObject(x);
		}
		gslot[gi] = slot;
	}
	/* control state in one slot; each entity in its own, not the control one */
	CHECK_INT(gslot[1], gslot[0]);
	CHECK_INT(gslot[2], gslot[0]);
	CHECK(gslot[3] != gslot[0] && gslot[4] != gslot[0] && gslot[5] != gslot[0]);
	CHECK(gslot[3] != gslot[5] && gslot[4] != gslot[5]);
	cd = h_controld_start(&r, cfg, NULL);
	dc.host = "127.0.0.1";
	dc.port = r.port;
	dc.dp_id = "cl1";
	dc.heartbeat_ms = 200;
	dc.on_generation = on_gen;
	dc.arg = &g;
	dp = sfdp_start(&dc, err, sizeof(err));
	if (!dp) {
		fprintf(stderr, "sfdp_start: %s\n", err);
		exit(1);
	}
	p = sfdp_producer_new(dp, 1024);
	/* three reporters about one number (block_threshold 3: auto block),
	 * a fingerprinted report, a shield, a block event */
	for (int i = 0; i < 3; i++) {
		char rep[24];
		uint64_t fp = 0xff;

		snprintf(rep, sizeof(rep), "861390000000%d", i + 1);
		CHECK_INT(sfdp_report(p, 0, rep, "8617000000042", &fp, "win a prize", 11, "fake_offer"), 0);
	}
	CHECK_INT(sfdp_shield(p, 0, "8613900000001", "10690001", 1), 0);
	CHECK_INT(sfdp_blocked(p, 0, "8617000000099", "8613900000002", "fraud_impersonation", "12", "rule", NULL), 0);
	CHECK_INT(sfdp_delivered(p, "8613900000001", "10086"), 0);
	CHECK_INT(h_ctl(&r, out, sizeof(out), cerr, sizeof(cerr), "block", "add", "13800000077", NULL), 0);
	CHECK(h_wait_stat(c, "events_applied", 5, 10000));
	CHECK(h_wait(gen_has, &g, 10000));
	CHECK_INT(h_hget_ll(c, "{smsfw}:stats", "events_applied"), 5);
	CHECK_INT(h_hget_ll(c, "{smsfw}:stats", "blocks_auto"), 1);
	CHECK_INT(h_hget_ll(c, "{smsfw}:stats", "dp_blocked"), 1);
	CHECK_INT(h_hget_ll(c, "smsfw:{f:00000000000000ff}:fp", "count"), 3);
	printf("one-node cluster: 5 events applied, generation %lld taken by the dataplane\n", g.version);
	sfdp_stop(dp);
	h_kill9(cd);
	redisFree(c);
	h_redis_kill(&r);
}

static int scenario_cluster(void)
{
	RUN(one_node_cluster);
	return TEST_SUMMARY();
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: test_ha SMSFW-CONTROLD SMSFWCTL sentinel|group|cluster\n");
		return 2;
	}
	h_controld = argv[1];
	h_smsfwctl = argv[2];
	setvbuf(stdout, NULL, _IOLBF, 0);
	h_init(85);
	if (!strcmp(argv[3], "sentinel"))
		return scenario_sentinel();
	if (!strcmp(argv[3], "group"))
		return scenario_group();
	if (!strcmp(argv[3], "cluster"))
		return scenario_cluster();
	fprintf(stderr, "unknown scenario %s\n", argv[3]);
	return 2;
}
