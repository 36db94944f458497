/* SPDX-License-Identifier: BSD-3-Clause */
/* Control-plane tests against a real redis-server: smsfw-controld,
 * smsfwctl and the dataplane client (dpclient) end to end. One scenario per
 * meson test (argv: controld smsfwctl scenario); each starts its own Redis
 * on a free loopback port in a temp dir and kills everything at the end. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_harness.h"
#include "sf_sha256.h"
#include "dpclient.h"
#include "sf_test.h"
#ifdef CTL_TEST_POLICY
#include "policy_lists.h"
#endif

/* ---- a simulated dataplane: dpclient + the generation it holds ---- */

struct dp {
	struct sfdp *c;
	struct sfdp_producer *p;
	pthread_mutex_t mu;
	char *gen;
	long long ver;
	int gens;
	char rules_sha[65];
	size_t rules_len;
};

static void dp_on_gen(void *arg, long long v, const char *text, size_t len)
{
	struct dp *d = arg;

	pthread_mutex_lock(&d->mu);
	free(d->gen);
	d->gen = strndup(text, len);
	d->ver = v;
	d->gens++;
	pthread_mutex_unlock(&d->mu);
}

static void dp_on_rules(void *arg, const char *sha, const void *b, size_t len)
{
	struct dp *d = arg;

	(void)b;
	pthread_mutex_lock(&d->mu);
	snprintf(d->rules_sha, sizeof(d->rules_sha), "%s", sha);
	d->rules_len = len;
	pthread_mutex_unlock(&d->mu);
}

static size_t dp_counters(void *arg, struct sfdp_counter *out, size_t cap)
{
	(void)arg;
	if (cap < 2)
		return 0;
	out[0].name = "verdict.pass";
	out[0].value = 41;
	out[1].name = "verdict.block";
	out[1].value = 7;
	return 2;
}

static const char *dp_journal;	/* journal of the next dp_start, NULL none */

static void dp_start(struct dp *d, const struct h_redis *r, const char *id, const char *user, const char *pass)
{
	struct sfdp_config cfg = { .host = "127.0.0.1", .port = r->port, .user = user, .password = pass,
				   .dp_id = id, .heartbeat_ms = 200, .backoff_min_ms = 50, .backoff_max_ms = 200,
				   .on_generation = dp_on_gen, .on_rules = dp_on_rules, .counters = dp_counters,
				   .arg = d, .journal_path = dp_journal, .journal_fsync = 1 };
	char err[128];

	memset(d, 0, sizeof(*d));
	pthread_mutex_init(&d->mu, NULL);
	d->c = sfdp_start(&cfg, err, sizeof(err));
	if (!d->c) {
		fprintf(stderr, "sfdp_start: %s\n", err);
		exit(1);
	}
	d->p = sfdp_producer_new(d->c, 4096);
}

static void dp_stop(struct dp *d)
{
	sfdp_stop(d->c);
	free(d->gen);
	pthread_mutex_destroy(&d->mu);
}

/* Copy of the generation text the dataplane holds ("" none). */
static void dp_gen(struct dp *d, char *buf, size_t cap)
{
	pthread_mutex_lock(&d->mu);
	snprintf(buf, cap, "%s", d->gen ? d->gen : "");
	pthread_mutex_unlock(&d->mu);
}

/* The dataplane's own parser (policy engine) must accept the published
 * generation; returns 1 when number is blocked (reason copied), 0 when not,
 * -1 when the text is refused. Without the policy engine: -2. */
static int policy_blocks(const char *gen, const char *number, char *reason, size_t cap)
{
#ifdef CTL_TEST_POLICY
	char err[256];
	struct policy_lists *l = policy_lists_parse(gen, strlen(gen), "generation", err, sizeof(err));
	struct policy_list_match m;
	int hit;

	if (!l) {
		fprintf(stderr, "policy refused the generation: %s\n", err);
		return -1;
	}
	hit = policy_lists_number(l, POLICY_LIST_BLOCK, number, &m) &&
	      !policy_lists_number(l, POLICY_LIST_ALLOW, number, NULL);
	snprintf(reason, cap, "%s", hit && m.reason ? m.reason : "");
	policy_lists_free(l);
	return hit;
#else
	(void)gen; (void)number; (void)reason; (void)cap;
	return -2;
#endif
}

static int policy_shielded(const char *gen, const char *sub, const char *sender)
{
#ifdef CTL_TEST_POLICY
	char err[256];
	struct policy_lists *l = policy_lists_parse(gen, strlen(gen), "generation", err, sizeof(err));
	int hit;

	if (!l) {
		fprintf(stderr, "policy refused the generation: %s\n", err);
		return -1;
	}
	hit = policy_lists_shielded(l, sub, sender, NULL);
	policy_lists_free(l);
	return hit;
#else
	(void)gen; (void)sub; (void)sender;
	return -2;
#endif
}

#ifdef CTL_TEST_POLICY
#define WANT_POLICY(got, want) CHECK_INT(got, want)
#else
#define WANT_POLICY(got, want) CHECK_INT(got, -2)
#endif

struct gen_wait {
	struct dp *d;
	const char *needle;
	int absent;
};

static int gen_has(void *arg)
{
	struct gen_wait *w = arg;
	int has;

	pthread_mutex_lock(&w->d->mu);
	has = w->d->gen && strstr(w->d->gen, w->needle);
	pthread_mutex_unlock(&w->d->mu);
	return w->absent ? !has : has;
}

static int wait_gen(struct dp *d, const char *needle, int absent)
{
	struct gen_wait w = { d, needle, absent };

	return h_wait(gen_has, &w, 3000);
}

static int wait_stat(redisContext *c, const char *field, long long want)
{
	h_wait_stat(c, field, want, 10000);
	return (int)(h_hget_ll(c, "{smsfw}:stats", field) == want);
}

/* The test configuration; bot_per_hour 0 keeps the default 150 (a key may
 * be given once only: the INI reader refuses a second one). */
static const char *write_config_bot(const char *name, unsigned bot_per_hour, const char *extra)
{
	char buf[2048];

	snprintf(buf, sizeof(buf),
		 "# test configuration\n[reports]\nwindow_s = 3600\nblock_threshold = 3\nblock_ttl_s = 86400\n"
		 "bot_per_hour = %u\nsample_texts = 3\n\n[fbs]\nprotected = 95588, 10086\nalert_threshold = 2\n"
		 "[publish]\ndebounce_ms = 50\nsnapshot_every_s = 0\n[events]\nblock_ms = 50\nclaim_idle_ms = 0\n[metrics]\nport = 0\n%s",
		 bot_per_hour ? bot_per_hour : 150, extra ? extra : "");
	return h_write_file(name, buf, strlen(buf));
}

static const char *write_config(const char *name, const char *extra)
{
	return write_config_bot(name, 0, extra);
}

static const char *h_bundle;	/* a real compiled bundle, when the rules engine is built */
static struct h_redis redis;
static redisContext *rc;

static void cmd_ok(redisContext *c, const char *fmt, const char *a, const char *b)
{
	redisReply *r = redisCommand(c, fmt, a, b);

	if (!r || r->type == REDIS_REPLY_ERROR) {
		fprintf(stderr, "redis %s: %s\n", fmt, r ? r->str : c->errstr);
		exit(1);
	}
	freeReplyObject(r);
}

/* ---- scenario: reports → automatic block, pushed to two dataplanes ---- */

static struct dp dpa, dpb;
static long long ts0;

static void report(struct dp *d, long long ts, const char *reporter, const char *reported, const char *klass)
{
	CHECK_INT(sfdp_report(d->p, (uint64_t)ts, reporter, reported, NULL, "中奖 click", strlen("中奖 click"),
			      klass), 0);
}

static void one_reporter_counts_once(void)
{
	for (int i = 0; i < 100; i++)
		report(&dpa, ts0 + i, "8613900000001", "8617012345678", "fake_offer");
	CHECK(wait_stat(rc, "events_applied", 100));
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:8617012345678}:rep", "total"), 100);
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:8617012345678}:rep", "distinct"), 1);
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:8617012345678}:rep", "counted"), 1);
	CHECK_INT(h_hget_ll(rc, "{smsfw}:stats", "blocks_auto"), 0);
}

static void distinct_reporters_block_everywhere(void)
{
	char want[512], got[1024], cur[32];
	long long t_send;

	report(&dpb, ts0 + 150, "8613900000001", "8617012345678", "fake_offer");	/* same reporter, other dp */
	CHECK(wait_stat(rc, "events_applied", 101));
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:8617012345678}:rep", "distinct"), 1);
	report(&dpa, ts0 + 160, "8613900000002", "8617012345678", "");
	/* applied before the third reporter's: the report that crosses the
	 * threshold, whose time sets the block's expiry, is then the one at
	 * ts0 + 200 (from two dataplanes at once, either could arrive first,
	 * and the expiry moved a second when the two fell in different ones) */
	CHECK(wait_stat(rc, "events_applied", 102));
	t_send = h_now_ms();
	report(&dpb, ts0 + 200, "8613900000003", "8617012345678", "");
	CHECK(wait_gen(&dpa, "block number 8617012345678", 0));
	CHECK(wait_gen(&dpb, "block number 8617012345678", 0));
	CHECK(h_now_ms() - t_send < 1000);	/* blocked everywhere within a second */
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:8617012345678}:rep", "distinct"), 3);
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:8617012345678}:rep", "total"), 103);
	CHECK_INT(h_hget_ll(rc, "{smsfw}:stats", "blocks_auto"), 1);
	h_get(rc, "{smsfw}:gen:current", cur, sizeof(cur));
	/* the one automatic block is the first change of the lists: rev 1 */
	snprintf(want, sizeof(want), "# smsfw lists v1\nversion %s\nrev 1\n"
		 "block number 8617012345678 reason=reports source=auto expires=%lld\n", cur,
		 (ts0 + 200) / 1000 + 86400);
	dp_gen(&dpa, got, sizeof(got));
	CHECK_STR(got, want);
	dp_gen(&dpb, got, sizeof(got));
	CHECK_STR(got, want);
	CHECK_INT(sfdp_version(dpa.c), atoll(cur));
	{
		char reason[32];

		/* the dataplane's policy engine now blocks the next message from it */
		WANT_POLICY(policy_blocks(got, "8617012345678", reason, sizeof(reason)), 1);
#ifdef CTL_TEST_POLICY
		CHECK_STR(reason, "reports");
#endif
		WANT_POLICY(policy_blocks(got, "8617012345679", reason, sizeof(reason)), 0);
	}
}

static void allow_list_wins(void)
{
	char out[256], err[256];

	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "allow", "add", "prefix", "861700", NULL), 0);
	CHECK(wait_gen(&dpa, "allow prefix 861700 reason=manual source=manual", 0));
	report(&dpa, ts0 + 300, "8613900000011", "8617000000099", "");
	report(&dpa, ts0 + 301, "8613900000012", "8617000000099", "");
	report(&dpb, ts0 + 302, "8613900000013", "8617000000099", "");
	CHECK(wait_stat(rc, "events_applied", 106));
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:8617000000099}:rep", "distinct"), 3);
	CHECK_INT(h_hget_ll(rc, "{smsfw}:stats", "autoblock_allowed"), 1);
	CHECK_INT(h_hget_ll(rc, "{smsfw}:stats", "blocks_auto"), 1);
}

static void fake_base_station_alert(void)
{
	redisReply *r;

	/* R6 really got a message from 95588: its report does not qualify */
	CHECK_INT(sfdp_delivered(dpa.p, "8613900000026", "95588"), 0);
	report(&dpa, ts0 + 400, "8613900000026", "95588", "");
	report(&dpa, ts0 + 401, "8613900000024", "95588", "fake_base_station");
	report(&dpb, ts0 + 402, "8613900000025", "95588", "");
	CHECK(wait_stat(rc, "events_applied", 109));
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:95588}:fbs", "count"), 2);
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:95588}:fbs", "first"), ts0 + 401);
	CHECK_INT(h_hget_ll(rc, "{smsfw}:stats", "fbs_alerts"), 1);
	r = redisCommand(rc, "XRANGE {smsfw}:alerts - +");
	CHECK(r && r->type == REDIS_REPLY_ARRAY && r->elements == 1);
	if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 1) {
		redisReply *f = r->element[0]->element[1];

		CHECK_INT(f->elements, 8);
		CHECK_STR(f->element[3]->str, "95588");
		CHECK_STR(f->element[5]->str, "2");
	}
	if (r)
		freeReplyObject(r);
	/* protected senders are never auto-blocked, even with 3 distinct reporters */
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:95588}:rep", "distinct"), 3);
	r = redisCommand(rc, "HEXISTS {smsfw}:block %s", "number 95588");
	CHECK(r && r->integer == 0);
	if (r)
		freeReplyObject(r);
}

static void bot_reporter_ignored(void)
{
	char num[32];

	for (int i = 0; i < 160; i++) {
		snprintf(num, sizeof(num), "86171%08d", i);
		report(&dpb, ts0 + 500 + i, "8613900000099", num, "");
	}
	CHECK(wait_stat(rc, "events_applied", 269));
	CHECK_INT(h_hget_ll(rc, "{smsfw}:stats", "reports_bot"), 10);
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:8617100000149}:rep", "total"), 1);
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:8617100000150}:rep", "total"), 0);
}

static void fingerprint_campaign(void)
{
	uint64_t fp = 0x0123456789abcdefULL;
	redisReply *r;

	CHECK_INT(sfdp_report(dpa.p, (uint64_t)ts0 + 700, "8613900000031", "8618000000001", &fp, "x", 1, ""), 0);
	CHECK_INT(sfdp_report(dpa.p, (uint64_t)ts0 + 701, "8613900000032", "8618000000002", &fp, "x", 1, ""), 0);
	CHECK_INT(sfdp_report(dpb.p, (uint64_t)ts0 + 702, "8613900000033", "8618000000003", &fp, "x", 1, ""), 0);
	CHECK(wait_stat(rc, "events_applied", 272));
	CHECK_INT(h_hget_ll(rc, "smsfw:{f:0123456789abcdef}:fp", "count"), 3);
	r = redisCommand(rc, "PFCOUNT smsfw:{f:0123456789abcdef}:fp:n");
	CHECK(r && r->type == REDIS_REPLY_INTEGER && r->integer == 3);
	if (r)
		freeReplyObject(r);
}

static void reports_cli(void)
{
	char out[2048], err[256], want[1024];
	long long t = ts0 + 200;

	/* equal scores come in reverse lexicographic order (ZREVRANGE) */
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--json", "reports", "top", "3", NULL), 0);
	snprintf(want, sizeof(want), "{\"reports\":["
		 "{\"reported\":\"95588\",\"distinct\":3,\"total\":3,\"first\":%lld,\"last\":%lld},"
		 "{\"reported\":\"8617012345678\",\"distinct\":3,\"total\":103,\"first\":%lld,\"last\":%lld},"
		 "{\"reported\":\"8617000000099\",\"distinct\":3,\"total\":3,\"first\":%lld,\"last\":%lld}]}\n",
		 ts0 + 400, ts0 + 402, ts0, t, ts0 + 300, ts0 + 302);
	CHECK_STR(out, want);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--json", "--mask", "reports", "show",
			"8617012345678", NULL), 0);
	snprintf(want, sizeof(want), "{\"reported\":\"861********78\",\"distinct\":3,\"total\":103,\"counted\":3,"
		 "\"first\":%lld,\"last\":%lld,\"block\":{\"reason\":\"reports\",\"source\":\"auto\",\"expires\":%lld},"
		 "\"fbs_reports\":0,\"texts\":[\"中奖 click\",\"中奖 click\",\"中奖 click\"]}\n", ts0, t,
		 t / 1000 + 86400);
	CHECK_STR(out, want);
}

/* Is a line starting with needle among the change log's last ones? */
static int log_has(const char *needle)
{
	redisReply *r = redisCommand(rc, "XREVRANGE {smsfw}:lists:log + - COUNT 8");
	int has = 0;

	for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
		const redisReply *kv = r->element[i]->element[1];

		for (size_t k = 0; k + 1 < kv->elements; k += 2)
			has |= !strcmp(kv->element[k]->str, "line") &&
			       !strncmp(kv->element[k + 1]->str, needle, strlen(needle));
	}
	if (r)
		freeReplyObject(r);
	return has;
}

/* Three reporters of a +1 number: the automatic block's lists line and
 * change log entry keep its '+', the dataplane's parser blocks that number
 * and not the Chinese mobile with its digits, smsfwctl shows it as +1. */
static void reports_international(void)
{
	char out[1024], err[256], got[4096], reason[64];

	report(&dpa, ts0 + 300, "8613900000031", "+18765550999", "fraud");
	report(&dpa, ts0 + 301, "8613900000032", "+18765550999", "fraud");
	report(&dpa, ts0 + 302, "8613900000033", "+18765550999", "fraud");
	CHECK(wait_gen(&dpa, "block number +18765550999 reason=reports source=auto", 0));
	CHECK(log_has("block number +18765550999 reason=reports source=auto"));
	dp_gen(&dpa, got, sizeof(got));
	WANT_POLICY(policy_blocks(got, "+18765550999", reason, sizeof(reason)), 1);
	WANT_POLICY(policy_blocks(got, "18765550999", reason, sizeof(reason)), 0);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "reports", "show", "+1 876 555 0999", NULL), 0);
	CHECK(!strncmp(out, "reported +18765550999\ndistinct 3\n", 33));
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "reports", "show", "18765550999", NULL), 1);
}

static int scenario_reports(void)
{
	const char *cfg = write_config("reports.ini", NULL);

	CHECK(h_redis_start(&redis) == 0);
	rc = h_redis_connect(&redis, NULL, NULL);
	h_controld_start(&redis, cfg, NULL);
	dp_start(&dpa, &redis, "dp-a", NULL, NULL);
	dp_start(&dpb, &redis, "dp-b", NULL, NULL);
	CHECK(wait_gen(&dpa, "version ", 0));
	ts0 = h_now_ms();
	RUN(one_reporter_counts_once);
	RUN(distinct_reporters_block_everywhere);
	RUN(allow_list_wins);
	RUN(fake_base_station_alert);
	RUN(bot_reporter_ignored);
	RUN(fingerprint_campaign);
	RUN(reports_cli);
	RUN(reports_international);
	dp_stop(&dpa);
	dp_stop(&dpb);
	return TEST_SUMMARY();
}

/* ---- scenario: shields with ACL authentication everywhere ---- */

static void shields_event_and_cli(void)
{
	char out[1024], err[256], want[1024], got[1024], cur[32], attrs[128];
	redisReply *r;

	CHECK_INT(sfdp_shield(dpa.p, (uint64_t)ts0, "8613911112222", "106575", 1), 0);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--user", "smsfw", "shield", "add",
			"8613933334444", "1065900", NULL), 0);
	CHECK_STR(out, "shield add: 8613933334444 1065900\n");
	/* made on dp-a and by the analyst, enforced by dp-b */
	CHECK(wait_gen(&dpb, "shield 8613933334444 1065900", 0));
	CHECK(wait_gen(&dpb, "shield 8613911112222 106575", 0));
	r = redisCommand(rc, "HGET {smsfw}:shield %s", "8613933334444 1065900");
	snprintf(attrs, sizeof(attrs), "%s", r && r->type == REDIS_REPLY_STRING ? r->str : "?");
	if (r)
		freeReplyObject(r);
	CHECK(!strncmp(attrs, "source=manual added=", 20));
	h_get(rc, "{smsfw}:gen:current", cur, sizeof(cur));
	snprintf(want, sizeof(want), "# smsfw lists v1\nversion %s\nrev 2\n"
		 "shield 8613911112222 106575 source=auto added=%lld\n"
		 "shield 8613933334444 1065900 %s\n", cur, ts0 / 1000, attrs);
	dp_gen(&dpb, got, sizeof(got));
	CHECK_STR(got, want);
	/* dp-b's policy engine drops that port for that subscriber, and only there */
	WANT_POLICY(policy_shielded(got, "8613911112222", "106575"), 1);
	WANT_POLICY(policy_shielded(got, "8613933334444", "1065900123"), 1);
	WANT_POLICY(policy_shielded(got, "8613933334444", "106575"), 0);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--user", "smsfw", "--json", "shield", "list",
			NULL), 0);
	snprintf(want, sizeof(want), "{\"shield\":[{\"subscriber\":\"8613911112222\",\"port\":\"106575\","
		 "\"source\":\"auto\",\"added\":%lld},{\"subscriber\":\"8613933334444\",\"port\":\"1065900\","
		 "\"source\":\"manual\",\"added\":%s}]}\n", ts0 / 1000, attrs + 20);
	CHECK_STR(out, want);
}

static void unshield_and_delete(void)
{
	char out[512], err[256], want[256], got[512], cur[32];

	CHECK_INT(sfdp_shield(dpb.p, (uint64_t)ts0 + 10, "8613911112222", "106575", 0), 0);
	CHECK(wait_gen(&dpa, "shield 8613911112222 106575", 1));
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--user", "smsfw", "shield", "del",
			"8613933334444", "1065900", NULL), 0);
	CHECK(wait_gen(&dpa, "shield 8613933334444", 1));
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--user", "smsfw", "shield", "del",
			"8613933334444", "1065900", NULL), 1);
	CHECK_STR(err, "smsfwctl: no such shield: 8613933334444 1065900\n");
	h_get(rc, "{smsfw}:gen:current", cur, sizeof(cur));
	snprintf(want, sizeof(want), "# smsfw lists v1\nversion %s\nrev 4\n", cur);
	dp_gen(&dpa, got, sizeof(got));
	CHECK_STR(got, want);
	CHECK_INT(h_hget_ll(rc, "{smsfw}:stats", "shields_added"), 1);
	CHECK_INT(h_hget_ll(rc, "{smsfw}:stats", "shields_removed"), 1);
}

/* A +1 number (11 digits 1[3-9]…, which alone reads as a Chinese
 * mobile) through every hop: the dataplane's event, smsfwctl, the Redis
 * hashes (canonical), the generation and the change log (with the '+'
 * that keeps it international), and the dataplane's parser. */
static void international_round_trip(void)
{
	char out[512], err[256], got[1024], reason[64];
	redisReply *r;

	CHECK_INT(sfdp_shield(dpa.p, (uint64_t)ts0 + 20, "8613911112222", "+14155550100", 1), 0);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--user", "smsfw", "block", "add",
			"+1 876 555 0123", NULL), 0);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--user", "smsfw", "shield", "add",
			"139-3333-4444", "+14155550199", NULL), 0);
	CHECK_STR(out, "shield add: 8613933334444 +14155550199\n");	/* as it is written back */
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--user", "smsfw", "block", "list", NULL), 0);
	CHECK_STR(out, "number +18765550123 reason=manual source=manual\n");
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--user", "smsfw", "--mask", "shield", "list",
			"13933334444", NULL), 0);
	CHECK(!strncmp(out, "861********44 +14155550199 source=manual ", 41));
	CHECK(wait_gen(&dpb, "block number +18765550123 reason=manual source=manual\n", 0));
	CHECK(wait_gen(&dpb, "shield 8613911112222 +14155550100 source=auto", 0));
	CHECK(wait_gen(&dpb, "shield 8613933334444 +14155550199 source=manual", 0));
	r = redisCommand(rc, "HEXISTS {smsfw}:shield %s", "8613911112222 14155550100");
	CHECK(r && r->type == REDIS_REPLY_INTEGER && r->integer == 1);	/* canonical in Redis */
	if (r)
		freeReplyObject(r);
	CHECK(log_has("shield 8613911112222 +14155550100 source=auto added="));
	CHECK(log_has("shield 8613933334444 +14155550199 source=manual added="));
	CHECK(log_has("block number +18765550123 reason=manual source=manual"));
	dp_gen(&dpb, got, sizeof(got));
	WANT_POLICY(policy_blocks(got, "+18765550123", reason, sizeof(reason)), 1);
	WANT_POLICY(policy_blocks(got, "18765550123", reason, sizeof(reason)), 0);	/* a Chinese mobile */
	WANT_POLICY(policy_shielded(got, "8613911112222", "+14155550100"), 1);
	WANT_POLICY(policy_shielded(got, "8613911112222", "14155550100"), 0);
	WANT_POLICY(policy_shielded(got, "13933334444", "+14155550199"), 1);
	/* the deletes reach the change log in the same form */
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--user", "smsfw", "block", "del",
			"+18765550123", NULL), 0);
	CHECK(log_has("block number +18765550123"));
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--user", "smsfw", "shield", "del",
			"+8613933334444", "+14155550199", NULL), 0);
	CHECK(log_has("shield 8613933334444 +14155550199"));
	CHECK_INT(sfdp_shield(dpa.p, (uint64_t)ts0 + 30, "8613911112222", "+14155550100", 0), 0);
	CHECK(wait_gen(&dpb, "+1415555", 1));
	CHECK(wait_gen(&dpb, "+1876", 1));
}

static void auth_required(void)
{
	char out[256], err[256];

	unsetenv("SMSFW_REDIS_PASSWORD");
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "stats", NULL), 4);
	CHECK(strstr(err, "NOAUTH") != NULL);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--user", "smsfw", "--password", "wrong",
			"stats", NULL), 4);
	CHECK(strstr(err, "AUTH failed") != NULL);
	setenv("SMSFW_REDIS_PASSWORD", "s3cret", 1);
}

static int scenario_shield(void)
{
	const char *cfg = write_config("shield.ini", NULL);
	static const char *const extra[] = { "--user", "smsfw", NULL };
	redisContext *admin;

	CHECK(h_redis_start(&redis) == 0);
	admin = h_redis_connect(&redis, NULL, NULL);
	/* the least-privilege user documented in control/REDIS.md */
	cmd_ok(admin, "ACL SETUSER smsfw on >%s ~{smsfw}:* %s +@all -@admin -@dangerous +script|load +info",
	       "s3cret", "&{smsfw}:*");
	cmd_ok(admin, "ACL SETUSER default off%s%s", "", "");
	redisFree(admin);
	rc = h_redis_connect(&redis, "smsfw", "s3cret");
	setenv("SMSFW_REDIS_PASSWORD", "s3cret", 1);
	h_controld_start(&redis, cfg, extra);
	dp_start(&dpa, &redis, "dp-a", "smsfw", "s3cret");
	dp_start(&dpb, &redis, "dp-b", "smsfw", "s3cret");
	CHECK(wait_gen(&dpa, "version ", 0));
	CHECK(wait_gen(&dpb, "version ", 0));
	ts0 = h_now_ms();
	RUN(shields_event_and_cli);
	RUN(unshield_and_delete);
	RUN(international_round_trip);
	RUN(auth_required);
	dp_stop(&dpa);
	dp_stop(&dpb);
	return TEST_SUMMARY();
}

/* ---- scenario: kill -9 of controld mid-stream ---- */

#define CRASH_N 4000

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_pair(const void *a, const void *b)
{
	const redisReply *const *x = a, *const *y = b;

	return strcmp(x[0]->str, y[0]->str);
}

/* A canonical dump of every key that event application writes ({smsfw}
 * control keys and the per-entity smsfw:{…} ones)
 * (not the stream, generations or duplicate counter, whose ids/timing differ). */
static char *snapshot(redisContext *c)
{
	char **keys = NULL, cursor[32] = "0";
	size_t nk = 0, cap = 0, len = 0, bcap = 1 << 20;
	char *out = malloc(bcap);

	out[0] = 0;
	do {
		redisReply *r = redisCommand(c, "SCAN %s COUNT 1000", cursor);

		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		for (size_t i = 0; i < r->element[1]->elements; i++) {
			const char *k = r->element[1]->element[i]->str;

			if (!strcmp(k, "{smsfw}:events") || !strncmp(k, "{smsfw}:gen", 11) ||
			    !strcmp(k, "{smsfw}:alerts") || !strncmp(k, "{smsfw}:dp", 10))
				continue;
			if (nk == cap) {
				cap = cap ? 2 * cap : 1024;
				keys = realloc(keys, cap * sizeof(*keys));
			}
			keys[nk++] = strdup(k);
		}
		freeReplyObject(r);
	} while (strcmp(cursor, "0"));
	if (nk)
		qsort(keys, nk, sizeof(*keys), cmp_strp);
	for (size_t i = 0; i < nk; i++) {
		redisReply *t = redisCommand(c, "TYPE %s", keys[i]), *v;
		const char *cmd = !strcmp(t->str, "hash") ? "HGETALL %s" : !strcmp(t->str, "zset") ?
				  "ZRANGE %s 0 -1 WITHSCORES" : !strcmp(t->str, "list") ? "LRANGE %s 0 -1" : "GET %s";

		v = redisCommand(c, cmd, keys[i]);
		if (!strcmp(t->str, "hash"))
			if (v->elements)
				qsort(v->element, v->elements / 2, 2 * sizeof(*v->element), cmp_pair);
		while (len + 4096 + (v->type == REDIS_REPLY_STRING ? 2 * (size_t)v->len : 0) > bcap) {
			bcap *= 2;
			out = realloc(out, bcap);
		}
		len += (size_t)snprintf(out + len, bcap - len, "%s %s:", keys[i], t->str);
		for (size_t k = 0; v->type == REDIS_REPLY_STRING && k < (size_t)v->len; k++)	/* HLLs are binary */
			len += (size_t)snprintf(out + len, bcap - len, "%02x", (unsigned char)v->str[k]);
		for (size_t k = 0; v->type == REDIS_REPLY_ARRAY && k < v->elements; k++) {
			const redisReply *e = v->element[k];

			if (!strcmp(keys[i], "{smsfw}:stats") && k % 2 == 0 &&
			    (!strcmp(e->str, "events_duplicate") || !strcmp(e->str, "events_resumed"))) {
				k++;
				continue;
			}
			while (len + (size_t)e->len + 8 > bcap) {
				bcap *= 2;
				out = realloc(out, bcap);
			}
			out[len++] = ' ';
			memcpy(out + len, e->str, (size_t)e->len);
			len += (size_t)e->len;
		}
		out[len++] = '\n';
		out[len] = 0;
		freeReplyObject(t);
		freeReplyObject(v);
		free(keys[i]);
	}
	free(keys);
	return out;
}

/* Deterministic event i of the crash stream. */
static void xadd_events(redisContext *c, int from, int to, long long base)
{
	for (int i = from; i < to; i++) {
		char id[32], ts[24], rep[24], num[24], fp[20], text[48];

		snprintf(id, sizeof(id), "crash:1:%d", i);
		snprintf(ts, sizeof(ts), "%lld", base + i);
		snprintf(rep, sizeof(rep), "86139%08d", (i * 7) % 61);
		snprintf(num, sizeof(num), "86170%08d", (i * 13) % 37);
		snprintf(fp, sizeof(fp), "%016x", (i % 5) * 0x1111);
		snprintf(text, sizeof(text), "spam text %d", i % 9);
		if (i % 50 == 7)
			redisAppendCommand(c, "XADD {smsfw}:events * id %s type %s ts %s dp crash subscriber %s port 1065%d",
					   id, i % 100 == 7 ? "shield" : "unshield", ts, rep, i % 3);
		else if (i % 97 == 3)
			redisAppendCommand(c, "XADD {smsfw}:events * id %s type block ts %s dp crash sender %s recipient %s"
					   " class fraud_impersonation rule 12 reason rule fp %s", id, ts, num, rep, fp);
		else
			redisAppendCommand(c, "XADD {smsfw}:events * id %s type report ts %s dp crash reporter %s reported %s"
					   " fp %s text %s class fake_offer", id, ts, rep, num, fp, text);
	}
	for (int i = from; i < to; i++) {
		redisReply *r;

		if (redisGetReply(c, (void **)&r) != REDIS_OK || r->type == REDIS_REPLY_ERROR) {
			fprintf(stderr, "XADD failed\n");
			exit(1);
		}
		freeReplyObject(r);
	}
}

static char *crash_run(const char *cfg, int crash, long long base)
{
	struct h_redis r = { 0 };
	redisContext *c;
	static const char *const other[] = { "--consumer", "controld-2", NULL };
	pid_t pid;
	int killed = 0;
	char *snap;

	CHECK(h_redis_start(&r) == 0);
	c = h_redis_connect(&r, NULL, NULL);
	/* crash 1: the daemon kills itself after applying ~1/4 of the events,
	 * between the scripts and the XACK of a batch (deterministic window);
	 * crash 2: the next one kills itself at ~2/5 in the middle of the
	 * report chains (reporter, fingerprint and number steps done, the
	 * control step not: resumed, not repeated); crash 3: kill -9 at a
	 * random point, and another consumer claims the entries */
	if (crash)
		setenv("SMSFW_CONTROLD_FAULT_AFTER_APPLY", "1000", 1);
	pid = h_controld_start(&r, cfg, NULL);
	unsetenv("SMSFW_CONTROLD_FAULT_AFTER_APPLY");
	for (int i = 0; i < CRASH_N || (crash && killed < 3); i += 200) {
		long long applied;

		if (i < CRASH_N)
			xadd_events(c, i, i + 200 > CRASH_N ? CRASH_N : i + 200, base);
		applied = h_hget_ll(c, "{smsfw}:stats", "events_applied");
		if (crash && killed == 0 && h_exited(pid)) {
			setenv("SMSFW_CONTROLD_FAULT_MID_CHAIN", "1600", 1);
			pid = h_controld_start(&r, cfg, NULL);	/* same consumer: own PEL */
			unsetenv("SMSFW_CONTROLD_FAULT_MID_CHAIN");
			killed = 1;
		} else if (crash && killed == 1 && h_exited(pid)) {
			pid = h_controld_start(&r, cfg, NULL);
			killed = 2;
		} else if (crash && killed == 2 && applied >= 2 * CRASH_N / 3) {
			h_kill9(pid);	/* crash 3: kill -9 at a random point */
			pid = h_controld_start(&r, cfg, other);	/* another consumer: XAUTOCLAIM */
			killed = 3;
		}
		h_sleep_ms(i < CRASH_N ? 15 : 2);
	}
	CHECK(wait_stat(c, "events_applied", CRASH_N));
	{
		redisReply *p = redisCommand(c, "XPENDING {smsfw}:events controld");

		h_sleep_ms(100);	/* the XACK follows the last script */
		freeReplyObject(p);
		p = redisCommand(c, "XPENDING {smsfw}:events controld");
		CHECK(p && p->type == REDIS_REPLY_ARRAY && p->element[0]->integer == 0);
		freeReplyObject(p);
	}
	if (crash) {
		long long dup = h_hget_ll(c, "{smsfw}:stats", "events_duplicate");

		long long resumed = h_hget_ll(c, "{smsfw}:stats", "events_resumed");

		printf("crash run: %lld redelivered events recognised as applied, %lld report chains resumed\n",
		       dup, resumed);
		CHECK(dup >= 1);	/* the batch applied before crash 1 was not acked */
		CHECK(resumed >= 1);	/* the batch cut by crash 2 */
		CHECK_INT(killed, 3);
	}
	snap = snapshot(c);
	h_kill9(pid);
	redisFree(c);
	h_redis_kill(&r);
	return snap;
}

static void crash_counts_equal(void)
{
	const char *cfg = write_config("crash.ini", "[events]\nbatch = 64\n");
	long long base = h_now_ms() - 10000;
	char *a = crash_run(cfg, 0, base), *b = crash_run(cfg, 1, base);
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	if (a[i] != b[i]) {
		size_t s = i > 80 ? i - 80 : 0;

		fprintf(stderr, "snapshots differ at %zu:\n  no crash: %.160s\n  crash:    %.160s\n", i, a + s, b + s);
	}
	CHECK(strcmp(a, b) == 0);
	CHECK(strstr(a, "{smsfw}:stats hash:") != NULL);
	if (getenv("CTL_TEST_DUMP"))
		fputs(a, stderr);
	CHECK(strlen(a) > 10000);
	free(a);
	free(b);
}

static int scenario_crash(void)
{
	RUN(crash_counts_equal);
	return TEST_SUMMARY();
}

/* ---- scenario: Redis restart with AOF; dataplane keeps its generation ---- */

static int dp_disconnected(void *arg)
{
	struct sfdp_stats st;

	sfdp_get_stats(((struct dp *)arg)->c, &st);
	return !st.connected;
}

static void redis_restart_keeps_state(void)
{
	char out[512], err[256], before[1024], after[1024], cur[32], cur2[32];
	long long ver;
	struct sfdp_stats st;
	char *snap1, *snap2;

	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "add", "8613000000001", NULL), 0);
	CHECK(wait_gen(&dpa, "block number 8613000000001", 0));
	report(&dpa, ts0, "8613900000001", "8617012345678", "");
	report(&dpa, ts0 + 1, "8613900000002", "8617012345678", "");
	report(&dpa, ts0 + 2, "8613900000003", "8617012345678", "");
	CHECK(wait_gen(&dpa, "block number 8617012345678", 0));
	CHECK(wait_stat(rc, "events_applied", 3));
	h_sleep_ms(300);	/* let the generation settle */
	dp_gen(&dpa, before, sizeof(before));
	ver = sfdp_version(dpa.c);
	h_get(rc, "{smsfw}:gen:current", cur, sizeof(cur));
	CHECK_INT(ver, atoll(cur));
	snap1 = snapshot(rc);
	redisFree(rc);

	h_redis_kill(&redis);	/* kill -9: only the AOF (appendfsync always) survives */
	CHECK(h_wait(dp_disconnected, &dpa, 3000));
	/* the dataplane keeps filtering with what it has; events queue in its ring */
	report(&dpa, ts0 + 3, "8613900000009", "8617099999999", "");
	h_sleep_ms(300);
	dp_gen(&dpa, after, sizeof(after));
	CHECK_STR(after, before);
	CHECK_INT(sfdp_version(dpa.c), ver);

	CHECK(h_redis_start(&redis) == 0);	/* same port, same dir */
	rc = h_redis_connect(&redis, NULL, NULL);
	CHECK(wait_stat(rc, "events_applied", 4));	/* the queued event arrives, once */
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:8617099999999}:rep", "total"), 1);
	h_get(rc, "{smsfw}:gen:current", cur2, sizeof(cur2));
	CHECK_STR(cur2, cur);	/* nothing changed in the lists: no new generation */
	snap2 = snapshot(rc);
	/* everything from before the restart is there, unchanged */
	{
		char *line = snap1, *nl;

		while ((nl = strchr(line, '\n')) != NULL) {
			*nl = 0;
			if (strncmp(line, "{smsfw}:stats ", 14) && strncmp(line, "{smsfw}:reports:top ", 20) &&
			    !strstr(snap2, line)) {
				fprintf(stderr, "lost after restart: %.120s\n", line);
				CHECK(0);
			}
			line = nl + 1;
		}
	}
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:8617012345678}:rep", "distinct"), 3);
	CHECK_INT(h_hget_ll(rc, "{smsfw}:stats", "blocks_auto"), 1);
	free(snap1);
	free(snap2);
	/* both clients are back: a new change reaches the dataplane */
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "add", "sender", "prize-center", NULL), 0);
	CHECK(wait_gen(&dpa, "block sender PRIZE-CENTER reason=manual source=manual", 0));
	CHECK(sfdp_version(dpa.c) > ver);
	sfdp_get_stats(dpa.c, &st);
	CHECK(st.connects >= 2);
	CHECK_INT(st.events_dropped, 0);
}

static int scenario_restart(void)
{
	const char *cfg = write_config("restart.ini", NULL);

	redis.aof = 1;
	CHECK(h_redis_start(&redis) == 0);
	rc = h_redis_connect(&redis, NULL, NULL);
	h_controld_start(&redis, cfg, NULL);
	dp_start(&dpa, &redis, "dp-a", NULL, NULL);
	CHECK(wait_gen(&dpa, "version ", 0));
	ts0 = h_now_ms();
	RUN(redis_restart_keeps_state);
	dp_stop(&dpa);
	return TEST_SUMMARY();
}

/* ---- scenario: malformed events, wrong key types, metrics ---- */

static int metrics_port;

static int metrics_get(int port, const char *path, char *buf, size_t cap)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char req[128];
	size_t n = 0;
	ssize_t k;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	buf[0] = 0;
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\n\r\n", path);
	if (write(fd, req, strlen(req)) < 0) {
		close(fd);
		return -1;
	}
	while (n < cap - 1 && (k = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)k;
	buf[n] = 0;
	close(fd);
	return 0;
}

static int metric_line(void *arg)
{
	const char **a = arg;	/* {port, line} */
	char buf[16384];

	return metrics_get(atoi(a[0]), "/metrics", buf, sizeof(buf)) == 0 && strstr(buf, a[1]) != NULL;
}

static void malformed_events_skipped(void)
{
	static const char *const lines[] = {
		"\nsmsfw_controld_events_read_total 13\n",
		"\nsmsfw_controld_events_applied_total 2\n",
		"\nsmsfw_controld_events_duplicate_total 1\n",
		"\nsmsfw_controld_events_wrongtype_total 1\n",
		"\nsmsfw_controld_events_refused_total{reason=\"missing_field\"} 2\n",
		"\nsmsfw_controld_events_refused_total{reason=\"duplicate_field\"} 1\n",
		"\nsmsfw_controld_events_refused_total{reason=\"unknown_type\"} 1\n",
		"\nsmsfw_controld_events_refused_total{reason=\"bad_value\"} 2\n",
		"\nsmsfw_controld_events_refused_total{reason=\"oversize\"} 2\n",
		"\nsmsfw_controld_events_refused_total{reason=\"bad_utf8\"} 1\n",
		"\nsmsfw_controld_generation_invalid_entries 1\n",
		"\nsmsfw_list_entries{list=\"block\"} 1\n",
		"\nsmsfw_list_entries{list=\"shield\"} 1\n",
		"\nsmsfw_stat{name=\"events_applied\"} 2\n",
	};
	char big[1100], port[16], buf[16384], val[32];
	const char *arg[2] = { port, NULL };
	redisReply *r;
	char now[24];

	snprintf(now, sizeof(now), "%lld", h_now_ms());	/* within the daemon's skew */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	snprintf(port, sizeof(port), "%d", metrics_port);
	/* 1 missing type */
	cmd_ok(rc, "XADD {smsfw}:events * id m:1 ts 1 reporter 8613900000001 reported %s%s", "8617000000001", "");
	/* 2 unknown type */
	cmd_ok(rc, "XADD {smsfw}:events * id m:2 type bogus ts 1%s%s", "", "");
	/* 3 reporter not a number */
	cmd_ok(rc, "XADD {smsfw}:events * id m:3 type report ts 1 reporter abc reported %s%s", "8617000000001", "");
	/* 4 text over 1024 bytes */
	cmd_ok(rc, "XADD {smsfw}:events * id m:4 type report ts 1 reporter 8613900000001 reported 8617000000001 "
	       "text %s%s", big, "");
	/* 5 text not UTF-8 */
	r = redisCommand(rc, "XADD {smsfw}:events * id m:5 type report ts 1 reporter 8613900000001 "
			 "reported 8617000000001 text %b", "\xff\xfe", (size_t)2);
	CHECK(r && r->type == REDIS_REPLY_STRING);
	if (r)
		freeReplyObject(r);
	/* 6 duplicate field */
	cmd_ok(rc, "XADD {smsfw}:events * id m:6 id m:6b type report ts 1 reporter 8613900000001 reported %s%s",
	       "8617000000001", "");
	/* 7 bad timestamp */
	cmd_ok(rc, "XADD {smsfw}:events * id m:7 type report ts 12x reporter 8613900000001 reported %s%s",
	       "8617000000001", "");
	/* 8 oversized reported field (129 bytes) */
	big[129] = 0;
	cmd_ok(rc, "XADD {smsfw}:events * id m:8 type report ts 1 reporter 8613900000001 reported %s%s", big, "");
	/* 9 report naming a number whose Redis key has the wrong type */
	cmd_ok(rc, "XADD {smsfw}:events * id m:9 type report ts %s reporter 8613900000001 reported %s",
	       now, "8610000000001");
	/* 10 valid, 11 the same event again, 12 valid shield missing port */
	cmd_ok(rc, "XADD {smsfw}:events * id m:10 type report ts %s reporter 8613900000001 reported %s",
	       now, "8617000000001");
	cmd_ok(rc, "XADD {smsfw}:events * id m:10 type report ts %s reporter 8613900000001 reported %s",
	       now, "8617000000001");
	cmd_ok(rc, "XADD {smsfw}:events * id m:12 type shield ts 1 subscriber %s%s", "8613900000001", "");
	/* and one good event after all that */
	cmd_ok(rc, "XADD {smsfw}:events * id m:13 type shield ts %s subscriber 8613900000001 port %s", now, "106");
	arg[1] = lines[0];
	CHECK(h_wait(metric_line, arg, 5000));
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		arg[1] = lines[i];	/* the snapshot is refreshed every second */
		if (!h_wait(metric_line, arg, 3000)) {
			fprintf(stderr, "metrics lack %s", lines[i] + 1);
			CHECK(0);
		}
	}
	CHECK(metrics_get(atoi(port), "/metrics", buf, sizeof(buf)) == 0);
	CHECK(strncmp(buf, "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n", 58) == 0);
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:8617000000001}:rep", "total"), 1);
	CHECK_INT(h_hget_ll(rc, "{smsfw}:stats", "shields_added"), 1);
	h_get(rc, "smsfw:{r:8610000000001}:rep", val, sizeof(val));
	CHECK_STR(val, "not-a-hash");	/* untouched */
	r = redisCommand(rc, "XPENDING {smsfw}:events controld");
	CHECK(r && r->type == REDIS_REPLY_ARRAY && r->element[0]->integer == 0);
	if (r)
		freeReplyObject(r);
	CHECK(metrics_get(atoi(port), "/other", buf, sizeof(buf)) == 0);
	CHECK(strncmp(buf, "HTTP/1.0 404", 12) == 0);
}

static long long metric_value(int port, const char *name)
{
	char buf[16384], key[128];
	const char *p;

	snprintf(key, sizeof(key), "\n%s ", name);
	if (metrics_get(port, "/metrics", buf, sizeof(buf)) || !(p = strstr(buf, key)))
		return -1;
	return atoll(p + strlen(key));
}

/* Monitoring does not go blind while Redis is away (issue 12 item 8). */
static void metrics_while_redis_down(void)
{
	char port[16];
	const char *arg[2] = { port, "\nsmsfw_controld_redis_up 1\n" };
	long long e0, last_ok;

	snprintf(port, sizeof(port), "%d", metrics_port);
	CHECK(h_wait(metric_line, arg, 3000));
	last_ok = metric_value(metrics_port, "smsfw_controld_redis_last_success_timestamp_seconds");
	CHECK(last_ok > 1700000000LL && last_ok <= h_now_ms() / 1000);
	e0 = metric_value(metrics_port, "smsfw_controld_redis_errors_total");
	redisFree(rc);
	rc = NULL;
	h_redis_kill(&redis);
	arg[1] = "\nsmsfw_controld_redis_up 0\n";
	CHECK(h_wait(metric_line, arg, 5000));
	h_sleep_ms(2500);
	/* the snapshot keeps changing: errors counted, time down grows */
	CHECK(metric_value(metrics_port, "smsfw_controld_redis_errors_total") > e0 + 1);
	CHECK(metric_value(metrics_port, "smsfw_controld_redis_down_seconds") >= 2);
	CHECK(metric_value(metrics_port, "smsfw_controld_redis_last_success_timestamp_seconds") <= last_ok + 1);
	CHECK(h_redis_start(&redis) == 0);	/* same port */
	rc = h_redis_connect(&redis, NULL, NULL);
	arg[1] = "\nsmsfw_controld_redis_up 1\n";
	CHECK(h_wait(metric_line, arg, 8000));
	CHECK_INT(metric_value(metrics_port, "smsfw_controld_redis_down_seconds"), 0);
}

static int scenario_malformed(void)
{
	const char *cfg = write_config("malformed.ini", NULL);
	char mport[16];
	const char *extra[] = { "--metrics-port", mport, NULL };
	int port = h_free_port();

	snprintf(mport, sizeof(mport), "%d", port);
	metrics_port = port;
	CHECK(h_redis_start(&redis) == 0);
	rc = h_redis_connect(&redis, NULL, NULL);
	/* bad data already in Redis when the daemon starts */
	cmd_ok(rc, "SET smsfw:{r:8610000000001}:rep %s%s", "not-a-hash", "");
	cmd_ok(rc, "HSET {smsfw}:block %s %s", "number abc", "junk");
	cmd_ok(rc, "HSET {smsfw}:block %s %s", "number 8612222222222", "reason=manual source=manual");
	h_controld_start(&redis, cfg, extra);
	RUN(malformed_events_skipped);
	RUN(metrics_while_redis_down);
	return TEST_SUMMARY();
}

/* ---- scenario: forged events (issue 15 item 16) ---- */

static int count_in_file(const char *path, const char *needle)
{
	char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	int k = 0;

	if (f)
		fclose(f);
	buf[n] = 0;
	for (const char *p = buf; (p = strstr(p, needle)); p++)
		k++;
	return k;
}

/* With the shared login an attacker can XADD anything: a far-future ts
 * (an expiry in the year 33658), reports from a made-up dataplane that
 * would auto-block a number, a burst that floods the daemon. */
static void forged_events_refused(void)
{
	static const char *const lines[] = {
		"\nsmsfw_controld_events_read_total 39\n",
		"\nsmsfw_controld_events_applied_total 12\n",
		"\nsmsfw_controld_events_refused_total{reason=\"ts_skew\"} 1\n",
		"\nsmsfw_controld_events_refused_total{reason=\"unknown_dp\"} 6\n",
		"\nsmsfw_controld_events_refused_total{reason=\"rate_limited\"} 20\n",
		"\nsmsfw_controld_event_burst{dp=\"dp-b\"} 1\n",
		"\nsmsfw_controld_event_burst_refused{dp=\"dp-b\"} 20\n",
		"\nsmsfw_controld_event_burst{dp=\"dp-a\"} 0\n",
	};
	char now[24], id[32], sub[32], port[16], logf[300];
	const char *arg[2] = { port, NULL };
	redisReply *r;

	snprintf(now, sizeof(now), "%lld", h_now_ms());
	snprintf(port, sizeof(port), "%d", metrics_port);
	cmd_ok(rc, "XADD {smsfw}:events * id t:1 type report dp dp-a ts %s reporter 8613900000001 reported %s",
	       "999999999999999", "8617000000001");
	for (int i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "t:f%d", i);
		snprintf(sub, sizeof(sub), "861390000010%d", i);
		r = redisCommand(rc, "XADD {smsfw}:events * id %s type report dp forged ts %s reporter %s "
				 "reported 8617000000002", id, now, sub);
		CHECK(r && r->type == REDIS_REPLY_STRING);
		if (r)
			freeReplyObject(r);
	}
	cmd_ok(rc, "XADD {smsfw}:events * id t:7 type report ts %s reporter 8613900000001 reported %s",
	       now, "8617000000002");
	/* national and spaced forms are taken in the canonical form */
	r = redisCommand(rc, "XADD {smsfw}:events * id t:8 type report dp dp-a ts %s reporter 13900000009 "
			 "reported %s", now, "+86 170 0000 0003");
	CHECK(r && r->type == REDIS_REPLY_STRING);
	if (r)
		freeReplyObject(r);
	for (int i = 0; i < 30; i++) {
		snprintf(id, sizeof(id), "t:b%d", i);
		snprintf(sub, sizeof(sub), "86139000002%02d", i);
		redisAppendCommand(rc, "XADD {smsfw}:events * id %s type shield dp dp-b ts %s subscriber %s port 106",
				   id, now, sub);
	}
	for (int i = 0; i < 30; i++) {
		CHECK(redisGetReply(rc, (void **)&r) == REDIS_OK && r->type == REDIS_REPLY_STRING);
		freeReplyObject(r);
	}
	cmd_ok(rc, "XADD {smsfw}:events * id t:9 type shield dp dp-a ts %s subscriber 8613900000009 port %s",
	       now, "106");
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		arg[1] = lines[i];
		if (!h_wait(metric_line, arg, 5000)) {
			fprintf(stderr, "metrics lack %s", lines[i] + 1);
			CHECK(0);
		}
	}
	CHECK_INT(h_hget_ll(rc, "{smsfw}:stats", "shields_added"), 11);
	r = redisCommand(rc, "EXISTS smsfw:{r:8617000000001}:rep smsfw:{r:8617000000002}:rep {smsfw}:block");
	CHECK(r && r->type == REDIS_REPLY_INTEGER && r->integer == 0);
	if (r)
		freeReplyObject(r);
	r = redisCommand(rc, "ZSCORE smsfw:{r:8617000000003}:rep:r 8613900000009");
	CHECK(r && r->type == REDIS_REPLY_STRING && atoll(r->str) == atoll(now));
	if (r)
		freeReplyObject(r);
	snprintf(logf, sizeof(logf), "%s/controld.log", h_tmpdir());
	CHECK_INT(count_in_file(logf, "ALARM: event burst from dataplane \"dp-b\""), 1);
	CHECK_INT(count_in_file(logf, "ALARM: event burst"), 1);
}

static int scenario_trust(void)
{
	char buf[1024];
	const char *cfg;
	char mport[16];
	const char *extra[] = { "--metrics-port", mport, NULL };

	metrics_port = h_free_port();
	snprintf(mport, sizeof(mport), "%d", metrics_port);
	snprintf(buf, sizeof(buf), "[reports]\nblock_threshold = 3\n[publish]\ndebounce_ms = 50\nsnapshot_every_s = 0\n"
		 "[events]\nblock_ms = 50\nclaim_idle_ms = 0\ndataplanes = dp-a, dp-b\nmax_future_s = 60\n"
		 "dp_rate = 1\ndp_burst = 10\ndp_over_rate = refuse\n");
	cfg = h_write_file("trust.ini", buf, strlen(buf));
	CHECK(h_redis_start(&redis) == 0);
	rc = h_redis_connect(&redis, NULL, NULL);
	h_controld_start(&redis, cfg, extra);
	RUN(forged_events_refused);
	return TEST_SUMMARY();
}

/* ---- scenario: one Redis user per role (issue 15 item 16) ---- */

#define PW_DP "dp-secret-0123456789"
#define PW_CD "cd-secret-0123456789"
#define PW_OP "op-secret-0123456789"

/* 1 when the reply is a NOPERM refusal */
static int noperm(redisContext *c, const char *cmd)
{
	redisReply *r = redisCommand(c, cmd);
	int ok = r && r->type == REDIS_REPLY_ERROR && !strncmp(r->str, "NOPERM", 6);

	if (!ok)
		fprintf(stderr, "not refused: %s\n", cmd);
	if (r)
		freeReplyObject(r);
	return ok;
}

static int dp_sent_4(void *arg)
{
	struct sfdp_stats st;

	sfdp_get_stats(((struct dp *)arg)->c, &st);
	return st.events_sent == 4;
}

static void dataplane_user_cannot_write_state(void)
{
	redisContext *dpc = h_redis_connect(&redis, "dataplane", PW_DP);
	char out[4096], err[1024], now[24];
	struct sfdp_stats st;
	redisReply *r;

	/* what the shared login allowed: block 95588, allow a prefix, forge a
	 * generation, run the daemon's scripts, delete or read the events */
	CHECK(noperm(dpc, "HSET {smsfw}:block number 95588 reason=forged"));
	CHECK(noperm(dpc, "SET {smsfw}:block x"));
	CHECK(noperm(dpc, "HSET {smsfw}:allow prefix 8617 reason=forged"));
	CHECK(noperm(dpc, "SADD {smsfw}:allow prefix 8617"));
	CHECK(noperm(dpc, "HSET {smsfw}:shield 8613900000001 106 source=manual"));
	CHECK(noperm(dpc, "SET {smsfw}:gen:current 999"));
	CHECK(noperm(dpc, "SET {smsfw}:rules:current 00"));
	CHECK(noperm(dpc, "HINCRBY {smsfw}:stats reports 1"));
	CHECK(noperm(dpc, "INCR {smsfw}:lists:rev"));
	CHECK(noperm(dpc, "EVAL return 0"));
	CHECK(noperm(dpc, "DEL {smsfw}:events"));
	CHECK(noperm(dpc, "XRANGE {smsfw}:events - +"));
	CHECK(noperm(dpc, "XGROUP DESTROY {smsfw}:events controld"));
	CHECK(noperm(dpc, "PUBLISH {smsfw}:gen 999"));
	CHECK(noperm(dpc, "GET {smsfw}:ev:x"));
	CHECK(noperm(dpc, "FLUSHALL"));
	/* ... while an event it appends by hand is applied by controld */
	snprintf(now, sizeof(now), "%lld", h_now_ms());
	r = redisCommand(dpc, "XADD {smsfw}:events * id dp-a:x:1 type shield dp dp-a ts %s "
			 "subscriber 8613900000007 port 106", now);
	CHECK(r && r->type == REDIS_REPLY_STRING);
	if (r)
		freeReplyObject(r);
	CHECK(wait_gen(&dpa, "shield 8613900000007 106", 0));
	/* the dpclient (dataplane user): three reporters → an automatic block
	 * that reaches the dataplane through the read-only generation keys */
	report(&dpa, h_now_ms(), "8613900000001", "8617000000099", "fraud");
	report(&dpa, h_now_ms(), "8613900000002", "8617000000099", "fraud");
	report(&dpa, h_now_ms(), "8613900000003", "8617000000099", "fraud");
	CHECK(wait_gen(&dpa, "block number 8617000000099", 0));
	CHECK_INT(h_hget_ll(rc, "{smsfw}:stats", "blocks_auto"), 1);
	/* every command the dpclient sends went through: events, a delivered
	 * marker, heartbeats, no reconnect */
	CHECK_INT(sfdp_delivered(dpa.p, "8613900000001", "95588"), 0);
	CHECK(h_wait(dp_sent_4, &dpa, 3000));
	sfdp_get_stats(dpa.c, &st);
	CHECK_INT(st.connects, 1);
	CHECK_INT(st.redis_errors, 0);
	CHECK(st.heartbeats > 0);
	r = redisCommand(rc, "EXISTS smsfw:{s:8613900000001}:dlv:95588 {smsfw}:dp:dp-a");
	CHECK(r && r->type == REDIS_REPLY_INTEGER && r->integer == 2);
	if (r)
		freeReplyObject(r);
	CHECK(h_hget_ll(rc, "{smsfw}:dp:dp-a", "time") > 0);
	r = redisCommand(rc, "ZSCORE {smsfw}:dps dp-a");
	CHECK(r && r->type == REDIS_REPLY_STRING);
	if (r)
		freeReplyObject(r);
	/* the operator user writes lists */
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--user", "smsfwctl", "--password", PW_OP,
			"block", "add", "95588", NULL), 0);
	CHECK(wait_gen(&dpa, "block number 95588", 0));
	/* the dataplane user cannot log in as the others */
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--user", "smsfwctl", "--password", PW_DP,
			"block", "list", NULL), 4);
	redisFree(dpc);
}

static int scenario_acl(void)
{
	const char *cfg = write_config("acl.ini", NULL);
	static const char *const extra[] = { "--user", "controld", NULL };
	char out[4096], err[1024];
	redisContext *admin;

	CHECK(h_redis_start(&redis) == 0);
	setenv("SMSFW_ACL_DATAPLANE_PASSWORD", PW_DP, 1);
	setenv("SMSFW_ACL_CONTROLD_PASSWORD", PW_CD, 1);
	setenv("SMSFW_ACL_SMSFWCTL_PASSWORD", "short", 1);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "acl", "setup", NULL), 3);
	CHECK(strstr(err, "SMSFW_ACL_SMSFWCTL_PASSWORD") != NULL);
	setenv("SMSFW_ACL_SMSFWCTL_PASSWORD", PW_OP, 1);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "acl", "setup", NULL), 0);
	CHECK(strstr(err, "warning: the default user is on without a password") != NULL);
	CHECK(strstr(out, "user dataplane: -@all +ping ") == out);
	/* the ACL file form holds hashes, not the passwords */
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "acl", "file", NULL), 0);
	CHECK(strstr(out, "\nuser dataplane on #") != NULL && strstr(out, PW_DP) == NULL);
	admin = h_redis_connect(&redis, NULL, NULL);
	cmd_ok(admin, "ACL SETUSER default off%s%s", "", "");
	redisFree(admin);
	rc = h_redis_connect(&redis, "controld", PW_CD);
	setenv("SMSFW_REDIS_PASSWORD", PW_CD, 1);
	h_controld_start(&redis, cfg, extra);
	unsetenv("SMSFW_REDIS_PASSWORD");
	dp_start(&dpa, &redis, "dp-a", "dataplane", PW_DP);
	CHECK(wait_gen(&dpa, "version ", 0));
	RUN(dataplane_user_cannot_write_state);
	dp_stop(&dpa);
	return TEST_SUMMARY();
}

/* ---- scenario: journal (issue 12 item 2) ---- */

static int dp_connected(void *arg)
{
	return !dp_disconnected(arg);
}

static int dp_spilled_200(void *arg)
{
	struct sfdp_stats st;

	sfdp_get_stats(((struct dp *)arg)->c, &st);
	return st.events_spilled == 200 && st.journal_records == 200;
}

static long long file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

static void journal_keeps_events(void)
{
	char path[512], copy[600], cmd[1300];
	struct sfdp_stats st;
	struct dp d;

	snprintf(path, sizeof(path), "%s/events.journal", h_tmpdir());
	snprintf(copy, sizeof(copy), "%s.copy", path);
	dp_journal = path;
	dp_start(&d, &redis, "dp-j", NULL, NULL);
	CHECK(h_wait(dp_connected, &d, 5000));
	for (int i = 0; i < 50; i++)
		report(&d, ts0 + i, "8613900000001", "8617000000050", "");
	CHECK(wait_stat(rc, "events_applied", 50));
	redisFree(rc);
	rc = NULL;
	h_redis_kill(&redis);	/* Redis away */
	CHECK(h_wait(dp_disconnected, &d, 3000));
	for (int i = 0; i < 200; i++) {
		char rep[32];

		snprintf(rep, sizeof(rep), "86139%08d", i);
		report(&d, ts0 + 100 + i, rep, "8617000000200", "");
	}
	CHECK(h_wait(dp_spilled_200, &d, 5000));
	dp_stop(&d);		/* the process ends: the journal (fsynced) holds them */
	CHECK(file_size(path) > 200 * 12);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, copy);
	CHECK(system(cmd) == 0);

	CHECK(h_redis_start(&redis) == 0);	/* same port, empty (no AOF here) */
	rc = h_redis_connect(&redis, NULL, NULL);
	dp_start(&d, &redis, "dp-j", NULL, NULL);	/* a new boot replays the journal */
	CHECK(wait_stat(rc, "events_applied", 200));
	sfdp_get_stats(d.c, &st);
	CHECK_INT((long long)st.events_replayed, 200);
	CHECK_INT((long long)st.journal_records, 0);
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:8617000000200}:rep", "total"), 200);
	dp_stop(&d);
	CHECK_INT(file_size(path), 0);

	/* the same journal again (a crash after Redis took it, before it was
	 * emptied): the event ids make it count once */
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", copy, path);
	CHECK(system(cmd) == 0);
	dp_start(&d, &redis, "dp-j", NULL, NULL);
	CHECK(wait_stat(rc, "events_duplicate", 200));
	CHECK_INT(h_hget_ll(rc, "{smsfw}:stats", "events_applied"), 200);
	CHECK_INT(h_hget_ll(rc, "smsfw:{r:8617000000200}:rep", "total"), 200);
	dp_stop(&d);
	dp_journal = NULL;
}

static int scenario_journal(void)
{
	const char *cfg = write_config_bot("journal.ini", 100000, NULL);

	ts0 = h_now_ms();
	CHECK(h_redis_start(&redis) == 0);
	rc = h_redis_connect(&redis, NULL, NULL);
	h_controld_start(&redis, cfg, NULL);
	RUN(journal_keeps_events);
	return TEST_SUMMARY();
}

/* ---- scenario: shrink guard (issue 12 item 6) ---- */

/* Entries ("block " lines) of the current generation, -1 if there is none. */
static int current_entries(void *arg)
{
	char cur[32], key[64];
	redisReply *r;
	int n = 0;

	(void)arg;
	h_get(rc, "{smsfw}:gen:current", cur, sizeof(cur));
	if (!cur[0])
		return -1;
	snprintf(key, sizeof(key), "{smsfw}:gen:%s", cur);
	r = redisCommand(rc, "GET %s", key);
	for (const char *p = r && r->str ? r->str : ""; (p = strstr(p, "block ")) != NULL; p++)
		n++;
	if (r)
		freeReplyObject(r);
	return n;
}

static int has_20(void *arg)
{
	return current_entries(arg) == 20;
}

static int held_set(void *arg)
{
	char v[32];

	h_get(rc, "{smsfw}:gen:held", v, sizeof(v));
	return strcmp(v, (const char *)arg) == 0;
}

static int published_again(void *arg)
{
	return current_entries(arg) == 0 && held_set((void *)"");	/* published, no longer held */
}

static void shrink_guard_holds(void)
{
	char out[512], err[256], num[32];

	for (int i = 0; i < 20; i++) {
		snprintf(num, sizeof(num), "86138000001%02d", i);
		CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "add", num, NULL), 0);
	}
	CHECK(h_wait(has_20, NULL, 5000));
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "lists", "confirm", NULL), 1);
	CHECK_STR(err, "smsfwctl: no generation is held\n");
	/* Redis comes back empty: the new generation would drop all 20 */
	cmd_ok(rc, "FLUSHALL%s%s", "", "");
	CHECK(h_wait(held_set, "0:20", 5000));
	h_sleep_ms(1500);
	CHECK_INT(current_entries(NULL), -1);	/* nothing published: dataplanes keep theirs */
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "lists", "confirm", NULL), 0);
	CHECK_STR(out, "confirmed: the held generation (0:20 entries: new:old) will be published\n");
	CHECK(h_wait(published_again, NULL, 5000));
	/* a small change after that is not held */
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "add", "8613800000999", NULL), 0);
	h_sleep_ms(1500);
	CHECK_INT(current_entries(NULL), 1);
}

static int scenario_shrink(void)
{
	const char *cfg = write_config("shrink.ini", NULL);

	CHECK(h_redis_start(&redis) == 0);
	rc = h_redis_connect(&redis, NULL, NULL);
	h_controld_start(&redis, cfg, NULL);
	RUN(shrink_guard_holds);
	return TEST_SUMMARY();
}

/* ---- scenario: smsfwctl exit codes and exact output (no daemon) ---- */

static void ctl_usage_and_values(void)
{
	char out[1024], err[512];

	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), NULL), 2);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "frobnicate", NULL), 2);
	CHECK(!strncmp(err, "smsfwctl: unknown command \"frobnicate\"\n", 39));
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "add", "number", "12ab", NULL), 3);
	CHECK_STR(err, "smsfwctl: number must be 1-20 digits\n");
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "add", "url", "x", NULL), 3);
	CHECK_STR(err, "smsfwctl: unknown kind \"url\" (number, prefix, sender, gt)\n");
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "add", "123", "--ttl", "-5", NULL), 3);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "del", "number", "123", NULL), 1);
	CHECK_STR(err, "smsfwctl: not in the list: number 123\n");
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "reports", "show", "8611111111111", NULL), 1);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "reports", "top", "0", NULL), 3);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", NULL), 2);
}

static void ctl_lists_json(void)
{
	char out[1024], err[512], want[512];
	long long t;

	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--json", "block", "add", "+8613800000001",
			NULL), 0);
	CHECK_STR(out, "{\"ok\":true,\"list\":\"block\",\"action\":\"add\",\"entry\":\"number 8613800000001\"}\n");
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "add", "prefix", "170", "--reason",
			"campaign-7", NULL), 0);
	CHECK_STR(out, "block add: prefix 170\n");
	t = h_now_ms() / 1000;
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "add", "sender", "Prize-Center",
			"--ttl", "3600", NULL), 0);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "list", NULL), 0);
	snprintf(want, sizeof(want), "number 8613800000001 reason=manual source=manual\n"
		 "prefix 170 reason=campaign-7 source=manual\n"
		 "sender PRIZE-CENTER reason=manual source=manual expires=%lld\n", t + 3600);
	if (strcmp(out, want))	/* the second may have ticked between */
		snprintf(want, sizeof(want), "number 8613800000001 reason=manual source=manual\n"
			 "prefix 170 reason=campaign-7 source=manual\n"
			 "sender PRIZE-CENTER reason=manual source=manual expires=%lld\n", t + 3601);
	CHECK_STR(out, want);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--json", "--mask", "block", "list", NULL), 0);
	{
		redisReply *r = redisCommand(rc, "HGET {smsfw}:block %s", "sender PRIZE-CENTER");
		long long e = r && r->str ? atoll(strstr(r->str, "expires=") + 8) : 0;

		if (r)
			freeReplyObject(r);
		snprintf(want, sizeof(want), "{\"block\":[{\"kind\":\"number\",\"value\":\"861********01\",\"reason\":"
			 "\"manual\",\"source\":\"manual\"},{\"kind\":\"prefix\",\"value\":\"170\",\"reason\":\"campaign-7\","
			 "\"source\":\"manual\"},{\"kind\":\"sender\",\"value\":\"PRIZE-CENTER\",\"reason\":\"manual\","
			 "\"source\":\"manual\",\"expires\":%lld}]}\n", e);
	}
	CHECK_STR(out, want);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "allow", "list", "--json", NULL), 0);
	CHECK_STR(out, "{\"allow\":[]}\n");
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "del", "170", NULL), 1);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "del", "prefix", "170", NULL), 0);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--json", "stats", NULL), 0);
	CHECK_STR(out, "{\"block_entries\":2,\"allow_entries\":0,\"shield_entries\":0,\"generation\":0}\n");
	{
		char rev[16];

		h_get(rc, "{smsfw}:lists:rev", rev, sizeof(rev));
		CHECK_STR(rev, "4");	/* 3 adds + 1 del, each bumps the revision */
	}
	{
		/* ... and each is one entry of the change log, id <rev>-0 */
		redisReply *r = redisCommand(rc, "XREVRANGE {smsfw}:lists:log + - COUNT 1");

		CHECK_INT(h_hget_ll(rc, "{smsfw}:stats", "blocks_auto"), 0);
		CHECK(r && r->type == REDIS_REPLY_ARRAY && r->elements == 1);
		if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 1) {
			const redisReply *e = r->element[0];

			CHECK_STR(e->element[0]->str, "4-0");
			CHECK_INT(e->element[1]->elements, 4);
			CHECK_STR(e->element[1]->element[1]->str, "del");
			CHECK_STR(e->element[1]->element[3]->str, "block prefix 170");
		}
		if (r)
			freeReplyObject(r);
		r = redisCommand(rc, "XLEN {smsfw}:lists:log");
		CHECK(r && r->type == REDIS_REPLY_INTEGER && r->integer == 4);
		if (r)
			freeReplyObject(r);
	}
}

/* One canonical number form through smsfwctl (issue 12 item 7): what is
 * added in one written form is found and deleted in another. */
static void ctl_canonical_forms(void)
{
	char out[1024], err[512], v[128];

	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "add", "13800000009", NULL), 0);
	CHECK_STR(out, "block add: number 8613800000009\n");
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "del", "8613800000009", NULL), 0);
	CHECK_STR(out, "block del: number 8613800000009\n");
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "add", "+86-139-0000-0002", NULL), 0);
	CHECK_STR(out, "block add: number 8613900000002\n");
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "del", "number", "139 0000 0002",
			NULL), 0);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "add", "sender", "icbc-x", NULL), 0);
	CHECK_STR(out, "block add: sender ICBC-X\n");
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "del", "ICBC-X", NULL), 0);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "add", "13700000003", "--reason",
			"vip complaint", NULL), 0);
	{
		redisReply *r = redisCommand(rc, "HGET {smsfw}:block %s", "number 8613700000003");

		snprintf(v, sizeof(v), "%s", r && r->str ? r->str : "");
		if (r)
			freeReplyObject(r);
	}
	CHECK_STR(v, "reason=vip complaint source=manual");
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "add", "13700000004", "--reason",
			"a=b", NULL), 3);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "block", "del", "+8613700000003", NULL), 0);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "shield", "add", "139-3333-4444", "1065900",
			NULL), 0);
	CHECK_STR(out, "shield add: 8613933334444 1065900\n");
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "shield", "list", "13933334444", NULL), 0);
	CHECK(!strncmp(out, "8613933334444 1065900 source=manual", 35));
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "shield", "del", "+8613933334444", "1065900",
			NULL), 0);
	{
		redisReply *r = redisCommand(rc, "HLEN {smsfw}:shield");

		CHECK(r && r->integer == 0);	/* one form: nothing left behind */
		if (r)
			freeReplyObject(r);
		r = redisCommand(rc, "HKEYS {smsfw}:block");
		CHECK(r && r->elements == 2);	/* ctl_lists_json's two entries */
		if (r)
			freeReplyObject(r);
	}
}

static void ctl_status_json(void)
{
	char out[1024], err[256];
	struct dp d;
	const char *tail;

	dp_start(&d, &redis, "dp-7", NULL, NULL);
	for (int i = 0; i < 300; i++) {
		struct sfdp_stats st;

		sfdp_get_stats(d.c, &st);
		if (st.heartbeats)
			break;
		h_sleep_ms(10);
	}
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--json", "status", NULL), 0);
	CHECK(!strncmp(out, "{\"generation\":0,\"dataplanes\":[{\"id\":\"dp-7\",\"alive\":true,\"version\":0,"
		       "\"lag\":0,\"heartbeat_age_ms\":", 95));
	tail = strstr(out, "\"heartbeat_age_ms\":");
	tail = tail ? strchr(tail, ':') : NULL;
	if (!tail || atoll(tail + 1) < 0 || atoll(tail + 1) >= 2000)
		fprintf(stderr, "status: %s", out);
	CHECK(tail && atoll(tail + 1) >= 0 && atoll(tail + 1) < 2000);
	/* the bundle it runs ("" : from a file, none from Redis) and its queue */
	{
		/* the simulated dataplane follows no change log: lists rev 0,
		 * behind by the rev the earlier scenarios' edits reached */
		char rev[16] = "0", tailw[160];

		h_get(rc, "{smsfw}:lists:rev", rev, sizeof(rev));
		snprintf(tailw, sizeof(tailw), ",\"bundle\":\"\",\"queue\":0,\"journal\":0,\"lists_rev\":0,"
			 "\"lists_lag\":%lld}],\"lists_rev\":%lld}\n", atoll(rev), atoll(rev));
		if (!strstr(out, tailw))
			fprintf(stderr, "status: %s", out);
		CHECK(strstr(out, tailw) != NULL);
	}
	CHECK_INT(h_hget_ll(rc, "{smsfw}:dp:dp-7", "c.verdict.block"), 7);
	CHECK_INT(h_hget_ll(rc, "{smsfw}:dp:dp-7", "c.verdict.pass"), 41);
	{
		redisReply *r = redisCommand(rc, "TTL {smsfw}:dp:dp-7");

		CHECK(r && r->integer > 0 && r->integer <= 10);
		if (r)
			freeReplyObject(r);
	}
	dp_stop(&d);
}

/* A bundle with a well-formed header and trailer (bundle.h layout). */
static size_t make_bundle(unsigned char *b, size_t n)
{
	char hex[65];

	memset(b, 0, n);
	memcpy(b, "SMSFWRUL", 8);
	b[11] = 1;		/* format version 1 */
	b[14] = 160 >> 8;	/* header length 160 */
	b[15] = 160 & 0xff;
	for (int i = 0; i < 8; i++)
		b[16 + i] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
	sha256_hex(b, n - 32, hex);
	for (int i = 0; i < 32; i++) {
		unsigned v;

		sscanf(hex + 2 * i, "%2x", &v);
		b[n - 32 + i] = (unsigned char)v;
	}
	return n;
}

static void ctl_rules_reload(void)
{
	unsigned char b[256];
	char out[512], err[512], cur[80], hex[65], want[256];
	struct dp d;
	const char *p;
	size_t bundle_len;

	make_bundle(b, sizeof(b));
	memcpy(b, "NOTABUND", 8);
	p = h_write_file("bad-magic.bin", (const char *)b, sizeof(b));
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "rules", "reload", p, NULL), 3);
	CHECK(strstr(err, "bundle refused: bad magic") != NULL);
	make_bundle(b, sizeof(b));
	p = h_write_file("truncated.bin", (const char *)b, 200);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "rules", "reload", p, NULL), 3);
	CHECK(strstr(err, "truncated") != NULL);
	b[100] ^= 1;
	p = h_write_file("corrupt.bin", (const char *)b, sizeof(b));
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "rules", "reload", p, NULL), 3);
	CHECK(strstr(err, "checksum mismatch") != NULL);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "rules", "reload", "/nonexistent", NULL), 3);
	h_get(rc, "{smsfw}:rules:current", cur, sizeof(cur));
	CHECK_STR(cur, "");	/* nothing changed */

	dp_start(&d, &redis, "dp-r", NULL, NULL);
	h_sleep_ms(200);
	make_bundle(b, sizeof(b));
	sha256_hex(b, sizeof(b), hex);
	p = h_write_file("good.bin", (const char *)b, sizeof(b));
#ifdef CTL_TEST_BUNDLE_LOADER
	/* the full loader wants real Hyperscan databases: a header-only bundle
	 * is refused; the real one (rules/ smsfw.bundle) is published */
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "rules", "reload", p, NULL), 3);
	h_get(rc, "{smsfw}:rules:current", cur, sizeof(cur));
	CHECK_STR(cur, "");
	CHECK(h_bundle != NULL);
	if (!h_bundle) {
		dp_stop(&d);
		return;
	}
	{
		FILE *f = fopen(h_bundle, "rb");
		static unsigned char real[64 << 20];
		size_t n = f ? fread(real, 1, sizeof(real), f) : 0;

		if (f)
			fclose(f);
		CHECK(n > 0 && n < sizeof(real));
		sha256_hex(real, n, hex);
		p = h_bundle;
		bundle_len = n;
	}
#else
	bundle_len = sizeof(b);
#endif
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "--json", "rules", "reload", p, NULL), 0);
	snprintf(want, sizeof(want), "{\"ok\":true,\"sha256\":\"%s\",\"bytes\":%zu}\n", hex, bundle_len);
	CHECK_STR(out, want);
	h_get(rc, "{smsfw}:rules:current", cur, sizeof(cur));
	CHECK_STR(cur, hex);
	for (int i = 0; i < 300; i++) {
		int got;

		pthread_mutex_lock(&d.mu);
		got = !strcmp(d.rules_sha, hex);
		pthread_mutex_unlock(&d.mu);
		if (got)
			break;
		h_sleep_ms(10);
	}
	CHECK_STR(d.rules_sha, hex);
	CHECK_INT(d.rules_len, bundle_len);
	dp_stop(&d);
}

static void ctl_redis_errors(void)
{
	char out[256], err[512], hp[32];
	const char *bad;

	cmd_ok(rc, "SET {smsfw}:allow %s%s", "oops", "");
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "allow", "list", NULL), 5);
	CHECK(strstr(err, "WRONGTYPE") != NULL);
	cmd_ok(rc, "DEL {smsfw}:allow%s%s", "", "");
	bad = h_write_file("bad.ini", "[redis]\nport = 6379x\n", 21);
	CHECK_INT(h_ctl(&redis, out, sizeof(out), err, sizeof(err), "-c", bad, "stats", NULL), 3);
	snprintf(hp, sizeof(hp), "%s:2: redis.port: invalid value", bad);
	CHECK(strstr(err, hp) != NULL);
	{
		struct h_redis closed = { .port = h_free_port() };

		CHECK_INT(h_ctl(&closed, out, sizeof(out), err, sizeof(err), "stats", NULL), 4);
		CHECK(strstr(err, "Connection refused") != NULL);
	}
}

/* ---- scenario: retention of the events stream ---- */

static long long xlen(void)
{
	redisReply *r = redisCommand(rc, "XLEN {smsfw}:events");
	long long n = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;

	if (r)
		freeReplyObject(r);
	return n;
}

static int xlen_is(void *arg)
{
	return xlen() == *(const long long *)arg;
}

static long long pending(void)
{
	redisReply *r = redisCommand(rc, "XPENDING {smsfw}:events controld");
	long long n = r && r->type == REDIS_REPLY_ARRAY && r->elements >= 1 &&
		      r->element[0]->type == REDIS_REPLY_INTEGER ? r->element[0]->integer : -1;

	if (r)
		freeReplyObject(r);
	return n;
}

static int pending_is(void *arg)
{
	return pending() == *(const long long *)arg;
}

/* Applied entries older than events.retain_s leave the stream; one still
 * pending (its consumer died before XACK) holds them, and entries newer
 * than the limit stay. */
static void retention_trims_applied_only(void)
{
	char id[3][32], port[16], now[24];
	static const char ini[] = "[events]\nblock_ms = 50\nclaim_idle_ms = 60000\nretain_s = 3600\n"
				  "[publish]\ndebounce_ms = 50\n[metrics]\nport = 0\n";
	long long old_ms = h_now_ms() - 7200 * 1000LL, one = 1, two = 2;
	const char *cfg = h_write_file("retention.ini", ini, sizeof(ini) - 1);
	redisReply *r;

	snprintf(now, sizeof(now), "%lld", h_now_ms());
	cmd_ok(rc, "XGROUP CREATE {smsfw}:events controld 0 MKSTREAM%s%s", "", "");
	/* three shields whose stream ids are two hours old, two of now */
	for (int i = 0; i < 3; i++) {
		snprintf(id[i], sizeof(id[i]), "%lld-%d", old_ms, i);
		snprintf(port, sizeof(port), "1065%d", i);
		r = redisCommand(rc, "XADD {smsfw}:events %s id old:%d type shield ts %s subscriber 8613900000001 "
				 "port %s", id[i], i, now, port);
		CHECK(r && r->type == REDIS_REPLY_STRING && !strcmp(r->str, id[i]));
		if (r)
			freeReplyObject(r);
	}
	/* the first delivered to a consumer that dies before its XACK */
	r = redisCommand(rc, "XREADGROUP GROUP controld zz COUNT 1 STREAMS {smsfw}:events >");
	CHECK(r && r->type == REDIS_REPLY_ARRAY);
	if (r)
		freeReplyObject(r);
	cmd_ok(rc, "XADD {smsfw}:events * id new:1 type shield ts %s subscriber 8613900000002 port %s", now, "10660");
	cmd_ok(rc, "XADD {smsfw}:events * id new:2 type shield ts %s subscriber 8613900000003 port %s", now, "10661");
	h_controld_start(&redis, cfg, NULL);
	/* the daemon applies the four it was given; zz's stays pending */
	CHECK(h_wait_stat(rc, "shields_added", 4, 10000));
	CHECK(h_wait(pending_is, &one, 5000));
	/* a trim pass runs every 5 s: the pending old entry holds the start */
	h_sleep_ms(6000);
	CHECK_INT(xlen(), 5);
	/* applied at last: the three old ones go, the two of now stay */
	cmd_ok(rc, "XACK {smsfw}:events controld %s%s", id[0], "");
	CHECK(h_wait(xlen_is, &two, 8000));
	r = redisCommand(rc, "XRANGE {smsfw}:events - +");
	CHECK(r && r->type == REDIS_REPLY_ARRAY && r->elements == 2);
	for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements; i++)
		CHECK(strtoll(r->element[i]->element[0]->str, NULL, 10) > old_ms);
	if (r)
		freeReplyObject(r);
}

static int scenario_retention(void)
{
	CHECK(h_redis_start(&redis) == 0);
	rc = h_redis_connect(&redis, NULL, NULL);
	RUN(retention_trims_applied_only);
	return TEST_SUMMARY();
}

static int scenario_ctl(void)
{
	CHECK(h_redis_start(&redis) == 0);
	rc = h_redis_connect(&redis, NULL, NULL);
	RUN(ctl_usage_and_values);
	RUN(ctl_lists_json);
	RUN(ctl_canonical_forms);
	RUN(ctl_status_json);
	RUN(ctl_rules_reload);
	RUN(ctl_redis_errors);
	return TEST_SUMMARY();
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} scenarios[] = {
		{ "reports", scenario_reports }, { "shield", scenario_shield }, { "crash", scenario_crash },
		{ "restart", scenario_restart }, { "malformed", scenario_malformed }, { "ctl", scenario_ctl },
		{ "shrink", scenario_shrink }, { "journal", scenario_journal }, { "trust", scenario_trust },
		{ "acl", scenario_acl }, { "retention", scenario_retention },
	};

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: test_control SMSFW-CONTROLD SMSFWCTL SCENARIO [RULE-BUNDLE]\n");
		return 2;
	}
	h_controld = argv[1];
	h_smsfwctl = argv[2];
	h_bundle = argc == 5 ? argv[4] : NULL;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (!strcmp(argv[3], scenarios[i].name)) {
			h_init(55);
			return scenarios[i].fn();
		}
	fprintf(stderr, "unknown scenario %s\n", argv[3]);
	return 2;
}
