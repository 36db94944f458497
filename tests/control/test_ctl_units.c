/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of the control plane's pure parts: the stream event decoder
 * (notes/LISTS_SPEC.md "Events"), list entry normalisation, the INI loader's
 * file:line errors, and SHA-256 (FIPS 180-4 test vectors). */
#include <stdio.h>
#include <string.h>

#include "ctl_cfg.h"
#include "ctl_event.h"
#include "ctl_lists.h"
#include "ctl_sentinel.h"
#include "sf_sha256.h"
#include "sf_test.h"

static const char *tmp_dir;

/* Decode a NULL-terminated field/value list. */
static enum ctl_ev_err dec(struct ctl_event *ev, const char *const *fv)
{
	size_t lens[64], n = 0;

	while (fv[n]) {
		lens[n] = strlen(fv[n]);
		n++;
	}
	return ctl_event_decode(fv, lens, n / 2, ev);
}

static void event_report_ok(void)
{
	static const char *const fv[] = { "id", "dp1:1700:7", "type", "report", "ts", "1700000000123", "dp", "dp1",
		"reporter", "+8613900000001", "reported", "prize-center", "fp", "0123456789ABCDEF",
		"text", "中奖了", "class", "fake_offer", "extra", "ignored", NULL };
	struct ctl_event ev;

	CHECK_INT(dec(&ev, fv), CTL_EV_OK);
	CHECK_INT(ev.type, CTL_EV_REPORT);
	CHECK_STR(ev.id, "dp1:1700:7");
	CHECK_INT(ev.ts_ms, 1700000000123LL);
	CHECK_STR(ev.reporter, "8613900000001");	/* '+' dropped */
	CHECK_STR(ev.reported, "PRIZE-CENTER");	/* sender ids upper-cased */
	CHECK_INT(ev.reported_is_number, 0);
	CHECK_STR(ev.fp, "0123456789abcdef");
	CHECK_INT(ev.text_len, strlen("中奖了"));
	CHECK_STR(ev.klass, "fake_offer");
}

static void event_shield_block_ok(void)
{
	static const char *const sh[] = { "id", "a:1:1", "type", "unshield", "ts", "1", "subscriber", "8613900000001",
		"port", "106575", NULL };
	static const char *const bl[] = { "id", "a:1:2", "type", "block", "ts", "1", "sender", "95588",
		"recipient", "8613900000001", "class", "fake_base_station", "rule", "42", "reason", "rule", NULL };
	struct ctl_event ev;

	CHECK_INT(dec(&ev, sh), CTL_EV_OK);
	CHECK_INT(ev.type, CTL_EV_UNSHIELD);
	CHECK_STR(ev.port, "106575");
	CHECK_INT(dec(&ev, bl), CTL_EV_OK);
	CHECK_INT(ev.type, CTL_EV_BLOCK);
	CHECK_STR(ev.sender, "95588");
	CHECK_STR(ev.klass, "fake_base_station");
}

static void event_errors(void)
{
	static const char *const no_type[] = { "id", "a", "ts", "1", NULL };
	static const char *const bad_type[] = { "id", "a", "type", "rep0rt", "ts", "1", NULL };
	static const char *const no_reporter[] = { "id", "a", "type", "report", "ts", "1", "reported", "", NULL };
	static const char *const bad_ts[] = { "id", "a", "type", "report", "ts", "-1", "reporter", "1", "reported", "",
		NULL };
	static const char *const long_ts[] = { "id", "a", "type", "report", "ts", "1234567890123456", "reporter", "1",
		"reported", "", NULL };
	static const char *const dup[] = { "id", "a", "type", "report", "type", "report", "ts", "1", NULL };
	static const char *const bad_fp[] = { "id", "a", "type", "report", "ts", "1", "reporter", "1", "reported", "",
		"fp", "0123", NULL };
	static const char *const bad_rep[] = { "id", "a", "type", "report", "ts", "1", "reporter", "1",
		"reported", "has space", NULL };
	static const char *const bad_id[] = { "id", "a b", "type", "report", "ts", "1", NULL };
	static const char *const bad_class[] = { "id", "a", "type", "report", "ts", "1", "reporter", "1",
		"reported", "", "class", "Fraud", NULL };
	static const char *const overlong_utf8[] = { "id", "a", "type", "report", "ts", "1", "reporter", "1",
		"reported", "", "text", "\xc0\xaf", NULL };	/* RFC 3629: overlong '/' */
	static const char *const surrogate[] = { "id", "a", "type", "report", "ts", "1", "reporter", "1",
		"reported", "", "text", "\xed\xa0\x80", NULL };	/* U+D800 */
	static const char *const no_port[] = { "id", "a", "type", "shield", "ts", "1", "subscriber", "1", NULL };
	struct ctl_event ev;
	const char *fv[4] = { "id", "x", NULL, NULL };
	size_t lens[4] = { 2, 1, 0, 0 };
	char big[1026];

	CHECK_INT(dec(&ev, no_type), CTL_EV_MISSING_FIELD);
	CHECK_INT(dec(&ev, bad_type), CTL_EV_UNKNOWN_TYPE);
	CHECK_INT(dec(&ev, no_reporter), CTL_EV_MISSING_FIELD);
	CHECK_INT(dec(&ev, bad_ts), CTL_EV_BAD_VALUE);
	CHECK_INT(dec(&ev, long_ts), CTL_EV_BAD_VALUE);
	CHECK_INT(dec(&ev, dup), CTL_EV_DUPLICATE_FIELD);
	CHECK_INT(dec(&ev, bad_fp), CTL_EV_BAD_VALUE);
	CHECK_INT(dec(&ev, bad_rep), CTL_EV_BAD_VALUE);
	CHECK_INT(dec(&ev, bad_id), CTL_EV_BAD_VALUE);
	CHECK_INT(dec(&ev, bad_class), CTL_EV_BAD_VALUE);
	CHECK_INT(dec(&ev, overlong_utf8), CTL_EV_BAD_UTF8);
	CHECK_INT(dec(&ev, surrogate), CTL_EV_BAD_UTF8);
	CHECK_INT(dec(&ev, no_port), CTL_EV_MISSING_FIELD);
	/* text: 1024 bytes is the limit (LISTS_SPEC) */
	memset(big, 'a', sizeof(big));
	fv[2] = "text";
	fv[3] = big;
	lens[2] = 4;
	lens[3] = 1025;
	CHECK_INT(ctl_event_decode(fv, lens, 2, &ev), CTL_EV_OVERSIZE);
	/* a NUL inside a value */
	fv[1] = "a\0b";
	lens[1] = 3;
	lens[3] = 1;
	CHECK_INT(ctl_event_decode(fv, lens, 2, &ev), CTL_EV_MISSING_FIELD);
	{
		static const char *const nul_id[] = { "id", "type", "ts" };
		const char *v[6] = { nul_id[0], "a\0b", nul_id[1], "report", nul_id[2], "1" };
		size_t l[6] = { 2, 3, 4, 6, 2, 1 };

		CHECK_INT(ctl_event_decode(v, l, 3, &ev), CTL_EV_BAD_VALUE);
	}
	CHECK_STR(ctl_ev_err_name(CTL_EV_BAD_UTF8), "bad_utf8");
}

static void list_fields(void)
{
	char f[96], err[128];

	CHECK_INT(ctl_list_field(NULL, "+8613800138000", f, sizeof(f), err, sizeof(err)), 0);
	CHECK_STR(f, "number 8613800138000");
	CHECK_INT(ctl_list_field(NULL, "icbc", f, sizeof(f), err, sizeof(err)), 0);
	CHECK_STR(f, "sender ICBC");
	CHECK_INT(ctl_list_field("gt", "8613800", f, sizeof(f), err, sizeof(err)), 0);
	CHECK_STR(f, "gt 8613800");
	CHECK_INT(ctl_list_field("prefix", "17x", f, sizeof(f), err, sizeof(err)), -1);
	CHECK_STR(err, "prefix must be 1-20 digits");
	CHECK_INT(ctl_list_field("number", "123456789012345678901", f, sizeof(f), err, sizeof(err)), -1);
	CHECK_INT(ctl_list_field("sender", "A B", f, sizeof(f), err, sizeof(err)), -1);
	/* one canonical number form (policy_canon_number), any written form */
	CHECK_INT(ctl_list_field(NULL, "13800000001", f, sizeof(f), err, sizeof(err)), 0);
	CHECK_STR(f, "number 8613800000001");
	CHECK_INT(ctl_list_field("number", "+86-139-0000-0002", f, sizeof(f), err, sizeof(err)), 0);
	CHECK_STR(f, "number 8613900000002");
	CHECK_INT(ctl_list_field(NULL, "010-1234 5678", f, sizeof(f), err, sizeof(err)), 0);
	CHECK_STR(f, "number 861012345678");
	CHECK_INT(ctl_list_field(NULL, "\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98 0000 0001", f, sizeof(f), err,
				 sizeof(err)), 0);	/* full-width １３８ */
	CHECK_STR(f, "number 8613800000001");
	CHECK_INT(ctl_list_field(NULL, "Prize-Center", f, sizeof(f), err, sizeof(err)), 0);
	CHECK_STR(f, "sender PRIZE-CENTER");
	CHECK_INT(ctl_list_field("prefix", "170", f, sizeof(f), err, sizeof(err)), 0);
	CHECK_STR(f, "prefix 170");
	{
		char w[128];

		CHECK_INT(ctl_reason_words("vip complaint", w, sizeof(w)), 13);
		CHECK_STR(w, "vip complaint");
		CHECK_INT(ctl_reason_words("  vip   complaint\t", w, sizeof(w)), 13);
		CHECK_STR(w, "vip complaint");
		CHECK_INT(ctl_reason_words("a=b", w, sizeof(w)), -1);
		CHECK_INT(ctl_reason_words("   ", w, sizeof(w)), -1);
		CHECK_INT(ctl_reason_words("bad\nline", w, sizeof(w)), -1);
	}
	CHECK_INT(ctl_valid_attrs("reason=vip complaint source=manual"), 1);
	CHECK_INT(ctl_valid_attrs("source=manual vip"), 0);	/* only a reason continues */
	CHECK_INT(ctl_valid_attrs("reason=reports source=auto expires=1700000000"), 1);
	CHECK_INT(ctl_valid_attrs(""), 1);
	CHECK_INT(ctl_valid_attrs("reason=a\nblock"), 0);
	CHECK_INT(ctl_valid_attrs("reason= x"), 0);
	CHECK_INT(ctl_valid_attrs("reason=x "), 0);
	CHECK_INT(ctl_attr_expires("reason=x expires=1700000000"), 1700000000LL);
	CHECK_INT(ctl_attr_expires("reason=noexpires=5"), 0);
}

static void config_errors(void)
{
	struct ctl_config c;
	char path[512], err[512], want[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/test_ctl_units.ini", tmp_dir);
	f = fopen(path, "w");
	fputs("# ok\n[redis]\nhost = 10.0.0.1\nport = 6380\n[reports]\nblock_threshold = 0\n", f);
	fclose(f);
	ctl_config_defaults(&c);
	CHECK_INT(ctl_config_load(&c, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:6: reports.block_threshold: expected an integer in [1, 1000000], got \"0\"",
		 path);
	CHECK_STR(err, want);
	f = fopen(path, "w");
	fputs("[redis]\nhost = 10.0.0.1\nport = 6380\nuser = smsfw\n[fbs]\nprotected = 95588 10086,10010\n"
	      "[publish]\ndebounce_ms = 150\n", f);
	fclose(f);
	ctl_config_defaults(&c);
	CHECK_INT(ctl_config_load(&c, path, err, sizeof(err)), 0);
	CHECK_STR(c.redis.host, "10.0.0.1");
	CHECK_INT(c.redis.port, 6380);
	CHECK_STR(c.redis.user, "smsfw");
	CHECK_INT(c.n_protected, 3);
	CHECK_INT(ctl_config_is_protected(&c, "10010"), 1);
	CHECK_INT(ctl_config_is_protected(&c, "95533"), 0);
	CHECK_INT(c.debounce_ms, 150);
	CHECK_STR(c.redis.sentinels, "");
	CHECK_STR(c.redis.master_name, "smsfw");
	CHECK_INT(c.redis.wait_replicas, 0);
	/* Sentinel: the list, the master name, WAIT */
	f = fopen(path, "w");
	fputs("[redis]\nsentinels = 10.0.0.5:26379, 10.0.0.6:26379 10.0.0.7:26379\nmaster_name = smsfw-a\n"
	      "wait_replicas = 1\nwait_timeout_ms = 300\n", f);
	fclose(f);
	ctl_config_defaults(&c);
	CHECK_INT(ctl_config_load(&c, path, err, sizeof(err)), 0);
	CHECK_STR(c.redis.sentinels, "10.0.0.5:26379, 10.0.0.6:26379 10.0.0.7:26379");
	CHECK_STR(c.redis.master_name, "smsfw-a");
	CHECK_INT(c.redis.wait_replicas, 1);
	CHECK_INT(c.redis.wait_timeout_ms, 300);
	f = fopen(path, "w");
	fputs("[redis]\nsentinels = 10.0.0.5\n", f);
	fclose(f);
	ctl_config_defaults(&c);
	CHECK_INT(ctl_config_load(&c, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: redis.sentinels: sentinels: expected at most 8 HOST:PORT, got \"10.0.0.5\"",
		 path);
	CHECK_STR(err, want);
	f = fopen(path, "w");
	fputs("[redis]\nhost = x\n[nope]\n", f);
	fclose(f);
	CHECK_INT(ctl_config_load(&c, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: unknown section [nope]", path);
	CHECK_STR(err, want);
	f = fopen(path, "w");
	fputs("port = 1\n", f);
	fclose(f);
	CHECK_INT(ctl_config_load(&c, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1: key outside of a [section]", path);
	CHECK_STR(err, want);
	/* a key given twice in one section, even across a reopened section */
	f = fopen(path, "w");
	fputs("[redis]\nhost = a\n[reports]\nwindow_s = 60\n[redis]\n host= b\n", f);
	fclose(f);
	CHECK_INT(ctl_config_load(&c, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:6: duplicate key 'host' in [redis] (first set on line 2)", path);
	CHECK_STR(err, want);
	/* a NUL inside a value would cut it: "10.0.0.1\0garbage" */
	f = fopen(path, "w");
	fwrite("[redis]\nport = 6380\nhost = 10.0.0.1\0garbage\n", 1, 44, f);
	fclose(f);
	CHECK_INT(ctl_config_load(&c, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: NUL byte in the line (a value would be cut at it)", path);
	CHECK_STR(err, want);
	remove(path);
}

static void sha256_vectors(void)
{
	char hex[65];
	static char million[1000000];

	sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("", 0, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(million, 'a', sizeof(million));
	sha256_hex(million, sizeof(million), hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Write text to a file in the test directory; returns its path (static). */
static const char *h_write_tmp(const char *name, const char *text)
{
	static char path[2][512];
	static int k;
	FILE *f;

	k ^= 1;
	snprintf(path[k], sizeof(path[k]), "%s/%s", tmp_dir, name);
	f = fopen(path[k], "w");
	if (!f)
		return path[k];
	fputs(text, f);
	fclose(f);
	return path[k];
}

/* Numbers in events take the one canonical form; ts and dp are checked
 * against the daemon's clock and its dataplane list (issue 15 item 16). */
static void sentinel_list_and_failover_errors(void)
{
	struct ctl_sentinel s;
	char err[160];
	redisReply r = { 0 };
	char ro[] = "READONLY You can't write against a read only replica.", ld[] = "LOADING Redis is loading",
	     wt[] = "WRONGTYPE Operation against a key", rox[] = "READONLYX";

	CHECK_INT(ctl_sentinel_parse(&s, "10.0.0.1:26379, 10.0.0.2:26380 [::1]:26381", "smsfw", err, sizeof(err)), 0);
	CHECK_INT(s.n, 3);
	CHECK_STR(s.host[0], "10.0.0.1");
	CHECK_INT(s.port[0], 26379);
	CHECK_STR(s.host[1], "10.0.0.2");
	CHECK_INT(s.port[1], 26380);
	CHECK_STR(s.host[2], "[::1]");
	CHECK_INT(s.port[2], 26381);
	CHECK_STR(s.master, "smsfw");
	CHECK_INT(ctl_sentinel_parse(&s, "10.0.0.1", "smsfw", err, sizeof(err)), -1);
	CHECK_STR(err, "sentinels: expected at most 8 HOST:PORT, got \"10.0.0.1\"");
	CHECK_INT(ctl_sentinel_parse(&s, "h:0", "smsfw", err, sizeof(err)), -1);
	CHECK_STR(err, "sentinels: bad port in \"h:0\"");
	CHECK_INT(ctl_sentinel_parse(&s, " , ", "smsfw", err, sizeof(err)), -1);
	CHECK_STR(err, "sentinels: none given");
	CHECK_INT(ctl_sentinel_parse(&s, "h:1", "my master", err, sizeof(err)), -1);
	CHECK_INT(ctl_sentinel_parse(&s, "a:1 b:2 c:3 d:4 e:5 f:6 g:7 h:8 i:9", "m", err, sizeof(err)), -1);
	r.type = REDIS_REPLY_ERROR;
	r.str = ro;
	CHECK_INT(ctl_reply_failover(&r), 1);
	r.str = ld;
	CHECK_INT(ctl_reply_failover(&r), 1);
	r.str = wt;
	CHECK_INT(ctl_reply_failover(&r), 0);
	r.str = rox;
	CHECK_INT(ctl_reply_failover(&r), 0);
	r.type = REDIS_REPLY_STATUS;
	r.str = ro;
	CHECK_INT(ctl_reply_failover(&r), 0);
	CHECK_INT(ctl_reply_failover(NULL), 0);
}

static void event_canonical_and_checked(void)
{
	static const char *const fv[] = { "id", "dp-a:1:1", "type", "report", "ts", "1800000000000", "dp", "dp-a",
		"reporter", "+86 139-0000-0001", "reported", "13700000001", NULL };
	static const char *const far[] = { "id", "dp-a:1:2", "type", "shield", "ts", "999999999999999", "dp", "dp-a",
		"subscriber", "008613900000001", "port", "106575", NULL };
	static const char *const nodp[] = { "id", "x:1", "type", "block", "ts", "1800000000000",
		"sender", "+8613700000001", "class", "fraud", NULL };
	struct ctl_config cfg;
	struct ctl_event ev;
	char err[256];
	const char *path = h_write_tmp("dps.ini", "[events]\ndataplanes = dp-a, dp-b\nmax_future_s = 60\n"
				       "max_age_s = 3600\n");

	ctl_config_defaults(&cfg);
	CHECK_INT(cfg.n_dataplanes, 0);
	CHECK_INT(dec(&ev, nodp), CTL_EV_OK);
	CHECK_STR(ev.sender, "8613700000001");
	CHECK_INT(ctl_event_check(&ev, &cfg, 1800000000000LL), CTL_EV_OK);	/* no list: any dp */
	CHECK_INT(ctl_config_load(&cfg, path, err, sizeof(err)), 0);
	CHECK_INT(cfg.n_dataplanes, 2);
	CHECK_INT(ctl_event_check(&ev, &cfg, 1800000000000LL), CTL_EV_UNKNOWN_DP);
	CHECK_INT(dec(&ev, fv), CTL_EV_OK);
	CHECK_STR(ev.reporter, "8613900000001");
	CHECK_STR(ev.reported, "8613700000001");
	CHECK_INT(ev.reported_is_number, 1);
	CHECK_INT(ctl_event_check(&ev, &cfg, 1800000000000LL), CTL_EV_OK);
	CHECK_INT(ctl_event_check(&ev, &cfg, 1800000000000LL - 60000), CTL_EV_OK);	/* 60 s ahead: edge */
	CHECK_INT(ctl_event_check(&ev, &cfg, 1800000000000LL - 60001), CTL_EV_TS_SKEW);
	CHECK_INT(ctl_event_check(&ev, &cfg, 1800000000000LL + 3600000), CTL_EV_OK);
	CHECK_INT(ctl_event_check(&ev, &cfg, 1800000000000LL + 3600001), CTL_EV_TS_SKEW);
	CHECK_INT(dec(&ev, far), CTL_EV_OK);
	CHECK_STR(ev.subscriber, "8613900000001");
	CHECK_INT(ctl_event_check(&ev, &cfg, 1800000000000LL), CTL_EV_TS_SKEW);	/* year 33658 */
	path = h_write_tmp("dps-age.ini", "[reports]\nevent_id_ttl_s = 3600\n[events]\nmax_age_s = 3601\n");
	CHECK_INT(ctl_config_load(&cfg, path, err, sizeof(err)), -1);
	CHECK(strstr(err, "dps-age.ini: events.max_age_s (3601) exceeds reports.event_id_ttl_s (3600)") != NULL);
	path = h_write_tmp("dps-bad.ini", "[events]\ndataplanes = dp-a, bad/id\n");
	CHECK_INT(ctl_config_load(&cfg, path, err, sizeof(err)), -1);
	CHECK(strstr(err, "dps-bad.ini:2: events.dataplanes") != NULL);
}

int main(int argc, char **argv)
{
	tmp_dir = argc > 1 ? argv[1] : "/tmp";
	RUN(event_report_ok);
	RUN(event_shield_block_ok);
	RUN(event_errors);
	RUN(event_canonical_and_checked);
	RUN(list_fields);
	RUN(config_errors);
	RUN(sha256_vectors);
	RUN(sentinel_list_and_failover_errors);
	return TEST_SUMMARY();
}
