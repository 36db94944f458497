/* SPDX-License-Identifier: BSD-3-Clause */
/* Policy configuration keys (POLICY.md): defaults, accepted values, and
 * the exact message for every refused value (the INI reader adds
 * file:line in front). */
#include "sf_test.h"
#include "policy.h"
#include "policy_config.h"
#include "policy_report.h"
#include "policy_state.h"

static void defaults(void)
{
	struct policy_config c;

	policy_config_defaults(&c);
	CHECK_STR(c.report_number, "10086999");
	CHECK_STR(c.shield_command, "00000");
	CHECK_STR(c.unshield_command, "QX00000");
	CHECK_STR(c.industry_prefix, "106");
	CHECK_STR(c.care_sender, "10086");
	CHECK_INT(c.quiet_enabled, 1);
	CHECK_INT(c.quiet_start_min, 22 * 60);
	CHECK_INT(c.quiet_end_min, 7 * 60);
	CHECK_INT(c.utc_offset_min, 480);
	CHECK_INT(c.sender_per_hour, 200);
	CHECK_INT(c.sender_per_day, 1000);
	CHECK_INT(c.n_protected, 0);
	CHECK_INT(c.class_action[SF_CLASS_FRAUD_IMPERSONATION], SF_ACT_BLOCK);
	CHECK_INT(c.class_action[SF_CLASS_COMMERCIAL_AD], SF_ACT_TAG);
	CHECK_INT(c.class_action[SF_CLASS_HARASSMENT], SF_ACT_BLOCK);
	CHECK_INT(c.class_action[SF_CLASS_FAKE_BASE_STATION], SF_ACT_BLOCK);
	CHECK_INT(c.n_rate_exempt, 1);
	CHECK_STR(c.rate_exempt[0], "106");
	/* SMS bombing and same-text campaigns (issue 11 item 6) */
	CHECK_INT(c.recipient_window_s, 600);
	CHECK_INT(c.recipient_max, 40);
	CHECK_INT(c.recipient_senders_max, 12);
	CHECK_INT(c.recipient_allowed_max, 6);
	CHECK_INT(c.content_campaign_score, 60);
	CHECK_INT(c.recipients_max, 65536);
	CHECK(policy_config_owns_section("rates"));
	CHECK(!policy_config_owns_section("ports"));
	{
		char err[128] = "";

		CHECK_INT(policy_config_check(&c, err, sizeof(err)), 0);
	}
}

static void good_values(void)
{
	struct policy_config c;
	char err[256];

	policy_config_defaults(&c);
	CHECK_INT(policy_config_set(&c, "policy", "protected",
				    " 10086:8613800;8613900 , 95588:86138001, ICBC-BANK:8613", err, sizeof(err)), 0);
	CHECK_INT(c.n_protected, 3);
	CHECK_STR(c.protected_senders[0].sender, "10086");
	CHECK_INT(c.protected_senders[0].n_gt, 2);
	CHECK_STR(c.protected_senders[0].gt[0], "8613800");
	CHECK_STR(c.protected_senders[0].gt[1], "8613900");
	CHECK_STR(c.protected_senders[1].sender, "95588");
	CHECK_STR(c.protected_senders[1].gt[0], "86138001");
	CHECK_STR(c.protected_senders[2].sender, "ICBC-BANK");
	/* matched in the form policy_parties gives a sender: numbers
	 * canonical, ids upper-cased */
	CHECK_INT(policy_config_set(&c, "policy", "protected",
				    "+86-138-0013-8000:8613800, 013800138000:8613800, icbc-bank:8613, 10086:8613800",
				    err, sizeof(err)), 0);
	CHECK_STR(c.protected_senders[0].canon, "8613800138000");
	CHECK_STR(c.protected_senders[1].canon, "8613800138000");
	CHECK_STR(c.protected_senders[2].sender, "icbc-bank");
	CHECK_STR(c.protected_senders[2].canon, "ICBC-BANK");
	CHECK_STR(c.protected_senders[3].canon, "10086");
	CHECK(policy_is_protected(&c, "13800138000"));
	CHECK(policy_is_protected(&c, "+8613800138000"));
	CHECK(policy_is_protected(&c, "Icbc-Bank"));
	CHECK(!policy_is_protected(&c, "13800138001"));
	CHECK(!policy_is_protected(&c, "1008"));
	/* under another numbering plan once it is set (start-up) */
	CHECK_INT(policy_numbering_set("44", "0"), 0);
	policy_config_renumber(&c);
	CHECK_STR(c.protected_senders[1].canon, "4413800138000");
	CHECK_INT(policy_numbering_set("86", "0"), 0);
	policy_config_renumber(&c);
	CHECK_STR(c.protected_senders[1].canon, "8613800138000");
	CHECK_INT(policy_config_set(&c, "policy", "protected", "", err, sizeof(err)), 0);
	CHECK_INT(c.n_protected, 0);
	CHECK_INT(policy_config_set(&c, "policy", "quiet_hours", "23:30-06:00", err, sizeof(err)), 0);
	CHECK_INT(c.quiet_start_min, 23 * 60 + 30);
	CHECK_INT(c.quiet_end_min, 6 * 60);
	CHECK_INT(policy_config_set(&c, "policy", "quiet_hours", "off", err, sizeof(err)), 0);
	CHECK_INT(c.quiet_enabled, 0);
	CHECK_INT(policy_config_set(&c, "policy", "utc_offset", "-05:30", err, sizeof(err)), 0);
	CHECK_INT(c.utc_offset_min, -330);
	CHECK_INT(policy_config_set(&c, "policy", "utc_offset", "+8", err, sizeof(err)), 0);
	CHECK_INT(c.utc_offset_min, 480);
	CHECK_INT(policy_config_set(&c, "policy", "unshield_command", "11111", err, sizeof(err)), 0);
	CHECK_STR(c.unshield_command, "11111");
	CHECK_INT(policy_config_set(&c, "policy", "rate_exempt", "106, 955 10086", err, sizeof(err)), 0);
	CHECK_INT(c.n_rate_exempt, 3);
	CHECK_STR(c.rate_exempt[2], "10086");
	CHECK_INT(policy_config_set(&c, "policy", "fail_mode", "closed", err, sizeof(err)), 0);
	CHECK_INT(c.fail_closed, 1);
	CHECK_INT(policy_config_set(&c, "rates", "sender_per_hour", "0", err, sizeof(err)), 0);
	CHECK_INT(c.sender_per_hour, 0);
	CHECK_INT(policy_config_set(&c, "tables", "pairs_max", "1024", err, sizeof(err)), 0);
	CHECK_INT(c.pairs_max, 1024);
	CHECK_INT(policy_config_set(&c, "rates", "recipient_allowed_max", "3", err, sizeof(err)), 0);
	CHECK_INT(c.recipient_allowed_max, 3);
	CHECK_INT(policy_config_set(&c, "rates", "recipient_window_s", "60", err, sizeof(err)), 0);
	CHECK_INT(c.recipient_window_s, 60);
	CHECK_INT(policy_config_set(&c, "rates", "recipient_window_s", "0", err, sizeof(err)), -1);
	CHECK_STR(err, "rates.recipient_window_s: '0' is not a whole number in 1..2592000");
	CHECK_INT(policy_config_set(&c, "rates", "content_campaign_score", "0", err, sizeof(err)), 0);
	CHECK_INT(c.content_campaign_score, 0);
	CHECK_INT(policy_config_set(&c, "actions", "commercial_ad", "block", err, sizeof(err)), 0);
	CHECK_INT(c.class_action[SF_CLASS_COMMERCIAL_AD], SF_ACT_BLOCK);
	CHECK_INT(policy_config_set(&c, "actions", "harassment", "pass", err, sizeof(err)), 0);
	CHECK_INT(c.class_action[SF_CLASS_HARASSMENT], SF_ACT_NONE);
	CHECK_INT(policy_config_set(&c, "geo", "database", "/var/lib/GeoIP/GeoLite2-Country.mmdb", err, sizeof(err)), 0);
	CHECK_STR(c.geo_database, "/var/lib/GeoIP/GeoLite2-Country.mmdb");
	CHECK_INT(policy_config_set(&c, "geo", "blocked", "kp,ir", err, sizeof(err)), 0);
	CHECK_INT(c.n_geo_blocked, 2);
	CHECK_STR(c.geo_blocked[1], "IR");
}

static void bad_values(void)
{
	static const struct { const char *sec, *key, *val, *err; } cases[] = {
		{ "rates", "pair_max", "0x", "rates.pair_max: '0x' is not a whole number in 0..100000000" },
		{ "rates", "pair_max", "-1", "rates.pair_max: '-1' is not a whole number in 0..100000000" },
		{ "rates", "pair_max", "", "rates.pair_max: '' is not a whole number in 0..100000000" },
		{ "rates", "pair_window_s", "0", "rates.pair_window_s: '0' is not a whole number in 1..2592000" },
		{ "tables", "senders_max", "4", "tables.senders_max: '4' is not a whole number in 8..67108864" },
		{ "tables", "senders_max", "99999999999", "tables.senders_max: '99999999999' is not a whole number in 8..67108864" },
		{ "policy", "protected", "10086", "policy.protected: '10086' needs its SMSC GT prefixes (SENDER:GT;GT...)" },
		{ "policy", "protected", "10086:86a", "policy.protected: sender 10086: GT prefix '86a' is not 1-40 digits" },
		{ "policy", "protected", "10086:", "policy.protected: sender 10086: GT prefix '' is not 1-40 digits" },
		{ "policy", "protected", ":8613", "policy.protected: empty or too long sender before ':'" },
		{ "policy", "protected", "10086:8613,,95588:8613", "policy.protected: empty entry" },
		{ "policy", "protected", "10086:1;2;3;4;5;6;7;8;9", "policy.protected: sender 10086: more than 8 GT prefixes" },
		{ "policy", "quiet_hours", "22:00-22:00", "policy.quiet_hours: '22:00-22:00' is not HH:MM-HH:MM (start != end) or off" },
		{ "policy", "quiet_hours", "25:00-07:00", "policy.quiet_hours: '25:00-07:00' is not HH:MM-HH:MM (start != end) or off" },
		{ "policy", "quiet_hours", "22-7", "policy.quiet_hours: '22-7' is not HH:MM-HH:MM or off" },
		{ "policy", "utc_offset", "+15", "policy.utc_offset: '+15' is not [+-]HH[:MM] within ±14:00" },
		{ "policy", "utc_offset", "8h", "policy.utc_offset: '8h' is not [+-]HH[:MM] within ±14:00" },
		{ "policy", "fail_mode", "maybe", "policy.fail_mode: 'maybe' is not open or closed" },
		{ "policy", "sca_mismatch", "drop", "policy.sca_mismatch: 'drop' is not block, tag or off" },
		{ "policy", "unsolicited", "block", "policy.unsolicited: 'block' is not tag or off" },
		{ "policy", "anomaly", "drop", "policy.anomaly: 'drop' is not block, tag or off" },
		{ "policy", "report_number", "1008a", "policy.report_number: '1008a' is not a number" },
		{ "policy", "shield_command", "00 000", "policy.shield_command: '00 000' must be printable ASCII without spaces" },
		{ "policy", "shield_command", "", "policy.shield_command: '' must be 1-23 characters" },
		{ "policy", "rate_exempt", "106,95x", "policy.rate_exempt: '95x' is not 1-40 digits" },
		{ "actions", "commercial_ad", "drop", "actions.commercial_ad: 'drop' is not block, tag or pass" },
		{ "actions", "allow", "block", "unknown key 'allow' in [actions]" },
		{ "geo", "blocked", "KPX", "geo.blocked: 'KPX' is not an ISO 3166-1 alpha-2 code" },
		{ "geo", "suspicious", "K1", "geo.suspicious: 'K1' is not an ISO 3166-1 alpha-2 code" },
		{ "foo", "bar", "1", "unknown section [foo]" },
		{ "rates", "nope", "1", "unknown key 'nope' in [rates]" },
	};
	struct policy_config c, before;
	char err[256];

	policy_config_defaults(&c);
	policy_config_set(&c, "policy", "protected", "10086:8613800", err, sizeof(err));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = 0;
		before = c;
		CHECK_INT(policy_config_set(&c, cases[i].sec, cases[i].key, cases[i].val, err, sizeof(err)), -1);
		CHECK_STR(err, cases[i].err);
		/* a refused value leaves the config as it was */
		CHECK_MEM(&c, &before, sizeof(c));
	}
}

static void cross_checks(void)
{
	struct policy_config c;
	char err[256];

	policy_config_defaults(&c);
	c.sketch_width = 1000;
	CHECK_INT(policy_config_check(&c, err, sizeof(err)), -1);
	CHECK_STR(err, "tables.sketch_width: 1000 is not a power of two");
	policy_config_defaults(&c);
	policy_config_set(&c, "policy", "unshield_command", "00000", err, sizeof(err));
	CHECK_INT(policy_config_check(&c, err, sizeof(err)), -1);
	CHECK_STR(err, "policy.unshield_command: must differ from shield_command");
	CHECK_INT(policy_parse_hhmm("07:00"), 420);
	CHECK_INT(policy_parse_hhmm("7:00"), -1);
	CHECK_INT(policy_parse_hhmm("07:60"), -1);
}

/* The default tables as allocated per lcore. */
static void state_capacities(void)
{
	struct policy_config c;
	struct policy_state_stats ss;
	struct policy_state *st;
	char err[128];

	policy_config_defaults(&c);
	c.pairs_max = 1000;	/* rounded up to a power of two */
	st = policy_state_create(&c, err, sizeof(err));
	CHECK(st != NULL);
	if (!st)
		return;
	policy_state_stats(st, &ss);
	CHECK_INT(ss.senders.capacity, 0);	/* the shared tables: made on first use */
	{
		struct policy_behaviour b;

		policy_state_behaviour(st, &c, "8613800000000", "8613900000000", 0, 0, &b);
	}
	policy_state_stats(st, &ss);
	CHECK_INT(ss.senders.capacity, 131072);	/* shared by every lcore */
	CHECK_INT(ss.pairs.capacity, 1024);
	CHECK_INT(ss.recipients.capacity, 65536);
	CHECK_INT(ss.imsi.capacity, 65536);
	CHECK_INT(ss.shields.capacity, 65536);
	CHECK_INT(ss.shields.bytes, 65536 * 64);	/* index 16 + entry 32 + value 16 */
	CHECK_INT(ss.senders.used, 1);
	CHECK_INT(ss.senders.evictions, 0);
	policy_state_free(st);
}

/* [tables] subscribers sizes the learned tables not sized by hand, in any
 * key order, within memory_mb by halving the largest derived one */
static void population_sizing(void)
{
	struct policy_config c;
	char err[128];

#define SET(k, v) CHECK_INT(policy_config_set(&c, "tables", k, v, err, sizeof(err)), 0)
	policy_config_defaults(&c);
	SET("subscribers", "10000000");
	CHECK_INT(c.senders_max, 16777216);	/* 2^24 >= 10 M */
	CHECK_INT(c.pairs_max, 33554432);	/* 2^25 >= 20 M */
	CHECK_INT(c.recipients_max, 4194304);	/* 2^22 >= 2.5 M */
	CHECK_INT(c.imsi_max, 2097152);		/* 2^21 >= 1.25 M */
	CHECK_INT(c.shields_max, 131072);	/* 2^17 >= 78,125 */
	/* an explicit size stays, before or after subscribers */
	policy_config_defaults(&c);
	SET("pairs_max", "1000");
	SET("subscribers", "1000000");
	CHECK_INT(c.pairs_max, 1000);
	CHECK_INT(c.senders_max, 1048576);
	SET("senders_max", "4096");
	CHECK_INT(c.senders_max, 4096);
	/* 10 M within 1 GiB: 768 + 1280 + 128 + 64 MiB do not fit; the largest
	 * (pairs, then senders, ...) halve until the total is <= 1024 MiB */
	policy_config_defaults(&c);
	SET("memory_mb", "1024");
	SET("subscribers", "10000000");
	{
		uint64_t total = (uint64_t)c.senders_max * 48 + (uint64_t)c.pairs_max * 40 +
				 (uint64_t)c.recipients_max * 32 + (uint64_t)c.imsi_max * 32;

		CHECK(total <= 1024ull << 20);
		CHECK(total > 512ull << 20);	/* halving stops as soon as it fits */
		CHECK_INT(c.senders_max, 8388608);
		CHECK_INT(c.pairs_max, 8388608);
	}
	/* 0: the fixed defaults */
	policy_config_defaults(&c);
	SET("subscribers", "0");
	CHECK_INT(c.senders_max, 131072);
	CHECK_INT(policy_config_set(&c, "tables", "memory_mb", "-1", err, sizeof(err)), -1);
#undef SET
}

int main(void)
{
	RUN(defaults);
	RUN(good_values);
	RUN(bad_values);
	RUN(cross_checks);
	RUN(state_capacities);
	RUN(population_sizing);
	return TEST_SUMMARY();
}
