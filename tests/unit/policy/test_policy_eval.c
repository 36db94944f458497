/* SPDX-License-Identifier: BSD-3-Clause */
/* The policy engine's evaluation order (issue 5 "Policy engine"), one case
 * per step with exact verdict, class, policy id and reason: allow beats
 * block; block lists; shields (by MSISDN learned from SRI-SM and by the
 * provisioned IMSI map); spoofing; content and fail mode; behaviour
 * thresholds at exactly N / N+1 with a controlled clock; quiet-hours
 * boundaries; reports and shields on the wire; table eviction. */
#include <pthread.h>

#include "sf_test.h"
#include "sf_wire.h"
#include "policy.h"
#include "sf_hash.h"

#define NS 1000000000ULL
/* 2026-11-22 00:00:00 UTC = 08:00 local (UTC+8, the default offset) */
#define DAY0 1795305600ULL
#define AT(h, m) ((DAY0 + (uint64_t)(((h) + 24 - 8) % 24) * 3600 + (uint64_t)(m) * 60) * NS)
#define T0 AT(12, 0)

static struct policy_config cfg;
static struct policy_lists *lists;
static struct policy_state *st;
static struct policy_env env;

static const char lists_text[] =
	"version 7\n"
	"block number 8613912345678 reason=reported\n"
	"allow number 8613912345678\n"		/* allow beats block */
	"block number 8613911111111\n"
	"block prefix 170\n"
	"block sender PRIZE-CENTER\n"
	"block gt 8613999\n"
	"allow gt 8613888\n"
	"block number 8613922222222\n"
	"shield 8613700000001 106575\n"
	"imsi 460000000000002 8613700000002\n"
	"shield 8613700000002 106575\n"
	"block number +18765550123 reason=lottery\n"	/* +1 876: reads as a Chinese mobile without '+' */
	"shield 8613700000001 +14155550100\n";

static void setup(void)
{
	char err[256];

	policy_config_defaults(&cfg);
	CHECK_INT(policy_config_set(&cfg, "policy", "protected",
				    "95588:8613800;8613801, 10086:8613800", err, sizeof(err)), 0);
	/* small tables: the tests use a few hundred entries */
	cfg.senders_max = cfg.pairs_max = cfg.imsi_max = 4096;
	cfg.sketch_width = 4096;
	cfg.sketch_bloom_bits = 1u << 16;
	policy_lists_free(lists);
	lists = policy_lists_parse_at(lists_text, strlen(lists_text), "t", 0, err, sizeof(err));
	CHECK(lists != NULL);
	policy_state_free(st);
	st = policy_state_create(&cfg, err, sizeof(err));
	CHECK(st != NULL);
	env.cfg = &cfg;
	env.lists = lists;
	env.geo = NULL;
}

/* An MT-forwardSM (SMS-DELIVER) from oa to an IMSI, sent by the SMSC sca
 * with SCCP calling GT gt. */
static struct sf_sms mt(const char *oa, const char *imsi, const char *gt, const char *sca)
{
	struct sf_sms s;

	memset(&s, 0, sizeof(s));
	s.op = SF_OP_MT_FORWARD_SM;
	s.direction = SF_DIR_MT;
	s.mti = SF_TP_MTI_DELIVER;
	s.da_type = SF_DA_IMSI;
	s.oa_type = SF_OA_SCA;
	snprintf(s.sm_rp_da, sizeof(s.sm_rp_da), "%s", imsi);
	snprintf(s.sm_rp_oa, sizeof(s.sm_rp_oa), "%s", sca);
	snprintf(s.calling_gt, sizeof(s.calling_gt), "%s", gt);
	snprintf(s.tp_oa, sizeof(s.tp_oa), "%s", oa);
	s.text = "hello";
	s.text_len = 5;
	return s;
}

/* An MO-forwardSM (SMS-SUBMIT) from msisdn to da. */
static struct sf_sms mo(const char *msisdn, const char *da, const char *text)
{
	struct sf_sms s;

	memset(&s, 0, sizeof(s));
	s.op = SF_OP_MO_FORWARD_SM;
	s.direction = SF_DIR_MO;
	s.mti = SF_TP_MTI_SUBMIT;
	s.da_type = SF_DA_SCA;
	s.oa_type = SF_OA_MSISDN;
	strcpy(s.sm_rp_da, "8613800000001");
	snprintf(s.sm_rp_oa, sizeof(s.sm_rp_oa), "%s", msisdn);
	strcpy(s.calling_gt, "8613900000009");
	snprintf(s.tp_da, sizeof(s.tp_da), "%s", da);
	s.text = text;
	s.text_len = strlen(text);
	return s;
}

/* mo() from the sender "<from><i>" to "<to><i>", i in width digits */
static struct sf_sms mo_nth(const char *from, const char *to, int width, int i, const char *text)
{
	char f[32], t[32];

	snprintf(f, sizeof(f), "%s%0*d", from, width, i);
	snprintf(t, sizeof(t), "%s%0*d", to, width, i);
	return mo(f, t, text);
}

static struct policy_verdict v;

/* The event's JSON object, in buf. */
static const char *json_of_event(const struct policy_event *ev, char *buf, size_t cap)
{
	struct sf_json j;

	sf_json_init(&j, buf, cap);
	sf_json_begin(&j);
	policy_event_json(&j, ev);
	sf_json_end(&j);
	return buf;
}

/* The verdict's JSON fields, numbers masked or not, in buf. */
static const char *json_of_verdict(const struct policy_verdict *pv, int mask, char *buf, size_t cap)
{
	struct sf_json j;

	sf_json_init(&j, buf, cap);
	sf_json_begin(&j);
	policy_verdict_json(&j, pv, mask);
	sf_json_end(&j);
	return buf;
}

static void eval(const struct sf_sms *s, const struct policy_scan *scan, uint64_t now)
{
	policy_evaluate(&env, st, s, scan, now, &v, NULL);
}

#define VERDICT(kind, cls, pid) do { \
	CHECK_STR(sf_verdict_name(v.verdict), sf_verdict_name(kind)); \
	CHECK_STR(sf_class_name(v.class_id), sf_class_name(cls)); \
	CHECK_INT(v.policy_id, pid); \
} while (0)

static void allow_beats_block(void)
{
	struct sf_sms s;

	setup();
	s = mo("8613912345678", "8613800000000", "hi");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_ALLOW, POLICY_ID_ALLOW_NUMBER);
	CHECK_STR(v.reason, "allow number 8613912345678");
	CHECK_INT(v.step, POLICY_STEP_ALLOW);
	/* an allowed GT lets a blocked sender through */
	s = mo("8613911111111", "8613800000000", "hi");
	strcpy(s.calling_gt, "8613888000001");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_ALLOW, POLICY_ID_ALLOW_GT);
	CHECK_STR(v.reason, "allow gt 8613888");
	/* an allow rule exempts the content, not the sender: a block list
	 * wins over it (issue 15 item 10) */
	{
		struct policy_scan sc = { .action = SF_ACT_ALLOW, .class_id = SF_CLASS_ALLOW, .rule_id = 9001 };

		s = mo("8613911111111", "8613800000000", "您的验证码是123456");
		eval(&s, &sc, T0);
		VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_BLOCK_NUMBER);
		CHECK_INT(v.rule_id, 0);
		s = mo("8613933333333", "8613800000000", "您的验证码是123456");
		eval(&s, &sc, T0);
		VERDICT(SF_VERDICT_PASS, SF_CLASS_ALLOW, POLICY_ID_ALLOW_RULE);
		CHECK_INT(v.rule_id, 9001);
		CHECK_STR(v.reason, "allow rule 9001");
		CHECK_INT(v.step, POLICY_STEP_ALLOW);
	}
}

static void block_lists(void)
{
	struct sf_sms s;

	setup();
	s = mo("13911111111", "8613800000000", "hi");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_BLOCK_NUMBER);
	CHECK_STR(v.reason, "block number 8613911111111");
	CHECK_STR(v.sender, "8613911111111");
	CHECK_STR(v.recipient, "8613800000000");
	CHECK_INT(v.step, POLICY_STEP_BLOCK);

	s = mo("17012345678", "8613800000000", "hi");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_BLOCK_PREFIX);
	CHECK_STR(v.reason, "block prefix 170");

	s = mt("prize-center", "460000000000009", "8613800000001", "8613800000001");
	s.tp_addr_alnum = 1;
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_BLOCK_SENDER);
	CHECK_STR(v.reason, "block sender PRIZE-CENTER");
	CHECK_STR(v.sender, "PRIZE-CENTER");

	s = mt("8613633333333", "460000000000009", "8613999000001", "8613999000001");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_BLOCK_GT);
	CHECK_STR(v.reason, "block gt 8613999");

	/* no lists generation: nothing listed */
	env.lists = NULL;
	s = mo("13911111111", "8613800000000", "hi");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	CHECK_INT(v.step, POLICY_STEP_NONE);
	CHECK_STR(v.reason, "");
	env.lists = lists;
}

static void shields(void)
{
	struct sf_sms s;

	setup();
	/* the MT is addressed by IMSI; an SRI-SM taught us its MSISDN */
	policy_learn_sri(st, "460000000000001", "+8613700000001", POLICY_TON_INTERNATIONAL, T0 - 5 * NS);
	s = mt("1065751234", "460000000000001", "8613800000001", "8613800000001");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_SHIELD_LIST);
	CHECK_STR(v.recipient, "8613700000001");
	CHECK_STR(v.reason, "shielded by 8613700000001");
	/* another port to the same subscriber passes */
	s = mt("1065761234", "460000000000001", "8613800000001", "8613800000001");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	/* the provisioned IMSI map (no SRI-SM seen: also tagged unsolicited) */
	s = mt("106575", "460000000000002", "8613800000001", "8613800000001");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_SHIELD_LIST);
	CHECK_STR(v.recipient, "8613700000002");
	CHECK_STR(v.reason, "shielded by 8613700000002");
	/* the same port to an unknown subscriber passes (tagged unsolicited) */
	s = mt("106575", "460000000000003", "8613800000001", "8613800000001");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_TAG, SF_CLASS_NONE, POLICY_ID_UNSOLICITED);
	CHECK_STR(v.recipient, "");
	/* learned entries time out after tables.imsi_ttl_s */
	s = mt("1065751234", "460000000000001", "8613800000001", "8613800000001");
	eval(&s, NULL, T0 - 5 * NS + (uint64_t)cfg.imsi_ttl_s * NS + 1);
	CHECK_STR(v.recipient, "");
	CHECK(v.verdict != SF_VERDICT_BLOCK);
}

/* Every address is read with its own type of number, once: an
 * international "18765550123" (+1 876, Jamaica) is not the Chinese mobile
 * 187 6555 0123, and lists entries and shields for one never catch the
 * other. */
static void international_numbers(void)
{
	struct sf_sms s;
	struct policy_event ev;
	char buf[512];

	setup();
	/* the +1 number is blocked when the TPDU says it is international */
	s = mt("18765550123", "460000000000009", "8613800000001", "8613800000001");
	s.tp_addr_ton = POLICY_TON_INTERNATIONAL;
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_BLOCK_NUMBER);
	CHECK_STR(v.sender, "18765550123");
	/* what an analyst reads is what an analyst may write back */
	CHECK_STR(v.reason, "block number +18765550123: lottery");
	CHECK(strstr(json_of_verdict(&v, 0, buf, sizeof(buf)), "\"sender\":\"+18765550123\"") != NULL);
	CHECK(strstr(json_of_verdict(&v, 1, buf, sizeof(buf)), "\"sender\":\"+18*******23\"") != NULL);
	/* the same digits as a national number are a Chinese mobile: not blocked */
	s.tp_addr_ton = 2;
	eval(&s, NULL, T0);
	CHECK_STR(v.sender, "8618765550123");
	CHECK(v.policy_id != POLICY_ID_BLOCK_NUMBER);
	/* and a block of a Chinese mobile does not catch the +1 number with
	 * the same national digits */
	s = mo("13911111111", "8613800000000", "hi");
	s.sm_rp_oa_ton = POLICY_TON_INTERNATIONAL;
	eval(&s, NULL, T0);
	CHECK_STR(v.sender, "13911111111");
	CHECK(v.policy_id != POLICY_ID_BLOCK_NUMBER);
	s.sm_rp_oa_ton = 2;
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_BLOCK_NUMBER);
	/* a listed shield of a +1 port */
	policy_learn_sri(st, "460000000000001", "8613700000001", POLICY_TON_INTERNATIONAL, T0);
	s = mt("14155550100", "460000000000001", "8613800000001", "8613800000001");
	s.tp_addr_ton = POLICY_TON_INTERNATIONAL;
	eval(&s, NULL, T0 + NS);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_SHIELD_LIST);
	s.tp_addr_ton = 0;	/* unknown: read as written, a Chinese mobile */
	eval(&s, NULL, T0 + NS);
	CHECK_STR(v.sender, "8614155550100");
	CHECK(v.policy_id != POLICY_ID_SHIELD_LIST);
	/* a roaming +1 subscriber learned from SRI-SM, who shields a port */
	policy_learn_sri(st, "310150000000001", "14155550111", POLICY_TON_INTERNATIONAL, T0);
	s = mo("14155550111", "1069000", "00000");
	s.sm_rp_oa_ton = POLICY_TON_INTERNATIONAL;
	CHECK_INT(policy_evaluate(&env, st, &s, NULL, T0 + 2 * NS, &v, &ev), SF_OK);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_SERVICE_SHIELD);
	CHECK_INT(ev.type, POLICY_EVENT_SHIELD);
	CHECK_STR(ev.shield.subscriber, "14155550111");
	CHECK_STR(json_of_event(&ev, buf, sizeof(buf)),
		  "{\"type\":\"shield\",\"subscriber\":\"+14155550111\",\"port\":\"1069000\"}");
	s = mt("1069000", "310150000000001", "8613800000001", "8613800000001");
	eval(&s, NULL, T0 + 3 * NS);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_SHIELD_LOCAL);
	CHECK_STR(v.recipient, "14155550111");
	CHECK_STR(v.reason, "shielded by +14155550111 (local)");
	/* ... and not the Chinese mobile with the same national digits */
	/* a +1 roaming subscriber's report of a +1 number */
	s = mo("14155550111", "10086999", "+1 876 555 0123*恭喜您中奖");
	s.sm_rp_oa_ton = POLICY_TON_INTERNATIONAL;
	CHECK_INT(policy_evaluate(&env, st, &s, NULL, T0 + 3 * NS, &v, &ev), SF_OK);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_SERVICE_REPORT);
	CHECK_STR(ev.report.reporter, "14155550111");
	CHECK_STR(ev.report.reported, "18765550123");
	CHECK_STR(v.reason, "report of +18765550123");
	policy_learn_sri(st, "460000000000077", "14155550111", 2, T0);
	s = mt("1069000", "460000000000077", "8613800000001", "8613800000001");
	eval(&s, NULL, T0 + 3 * NS);
	CHECK_STR(v.recipient, "8614155550111");
	CHECK(v.policy_id != POLICY_ID_SHIELD_LOCAL);
}

static void shields_on_the_wire(void)
{
	struct sf_sms s;
	struct policy_event ev;
	struct policy_scan ad = { .action = SF_ACT_BLOCK, .class_id = SF_CLASS_COMMERCIAL_AD, .rule_id = 7 };
	char buf[512];

	setup();
	policy_learn_sri(st, "460000000000005", "8613700000005", POLICY_TON_INTERNATIONAL, T0);
	/* before: the port's MT passes */
	s = mt("1069000", "460000000000005", "8613800000001", "8613800000001");
	eval(&s, NULL, T0 + NS);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	/* "00000" to the port: shield event, applied locally at once; the
	 * command itself always goes through (even if it scanned as an ad) */
	s = mo("13700000005", "1069000", " ００００ ０");
	policy_evaluate(&env, st, &s, &ad, T0 + 2 * NS, &v, &ev);
	CHECK_INT(ev.type, POLICY_EVENT_NONE);	/* "００００ ０" is not the command */
	s = mo("13700000005", "1069000", " ０００００ ");
	CHECK_INT(policy_evaluate(&env, st, &s, &ad, T0 + 2 * NS, &v, &ev), SF_OK);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_SERVICE_SHIELD);
	CHECK_STR(v.reason, "shield 1069000");
	CHECK_INT(ev.type, POLICY_EVENT_SHIELD);
	CHECK_STR(ev.shield.subscriber, "8613700000005");
	CHECK_STR(ev.shield.port, "1069000");
	CHECK_STR(json_of_event(&ev, buf, sizeof(buf)),
		  "{\"type\":\"shield\",\"subscriber\":\"8613700000005\",\"port\":\"1069000\"}");
	/* after: MT from the port (and its sub-ports) to that subscriber is dropped */
	s = mt("1069000", "460000000000005", "8613800000001", "8613800000001");
	eval(&s, NULL, T0 + 3 * NS);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_SHIELD_LOCAL);
	CHECK_STR(v.reason, "shielded by 8613700000005 (local)");
	s = mt("106900012", "460000000000005", "8613800000001", "8613800000001");
	eval(&s, NULL, T0 + 3 * NS);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_SHIELD_LOCAL);
	/* to another subscriber it passes */
	policy_learn_sri(st, "460000000000006", "8613700000006", POLICY_TON_INTERNATIONAL, T0);
	s = mt("1069000", "460000000000006", "8613800000001", "8613800000001");
	eval(&s, NULL, T0 + 3 * NS);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	/* the cancel command removes it */
	s = mo("8613700000005", "1069000", "qx00000");
	policy_evaluate(&env, st, &s, NULL, T0 + 4 * NS, &v, &ev);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_SERVICE_UNSHIELD);
	CHECK_INT(ev.type, POLICY_EVENT_UNSHIELD);
	s = mt("1069000", "460000000000005", "8613800000001", "8613800000001");
	eval(&s, NULL, T0 + 5 * NS);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	/* a local cancel also overrides the published list's shield */
	policy_learn_sri(st, "460000000000001", "8613700000001", POLICY_TON_INTERNATIONAL, T0);
	s = mo("8613700000001", "106575", "QX00000");
	policy_evaluate(&env, st, &s, NULL, T0 + 6 * NS, &v, &ev);
	s = mt("106575", "460000000000001", "8613800000001", "8613800000001");
	eval(&s, NULL, T0 + 7 * NS);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	/* "00000" to a number that is not an industry port: no event, normal evaluation */
	s = mo("8613700000005", "8613800000000", "00000");
	CHECK_INT(policy_evaluate(&env, st, &s, NULL, T0 + 8 * NS, &v, &ev), SF_OK);
	CHECK_INT(ev.type, POLICY_EVENT_NONE);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
}

static void reports(void)
{
	struct sf_sms s;
	struct policy_event ev;
	struct policy_scan sc = { .action = SF_ACT_BLOCK, .class_id = SF_CLASS_FAKE_OFFER, .rule_id = 4001 };
	char buf[512], want[512];

	setup();
	/* the reporter is on the block list: the report still goes through */
	s = mo("13911111111", "10086999", "13800000000*恭喜您中奖");
	CHECK_INT(policy_evaluate(&env, st, &s, &sc, T0, &v, &ev), SF_OK);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_SERVICE_REPORT);
	CHECK_STR(v.reason, "report of 8613800000000");
	CHECK_INT(ev.type, POLICY_EVENT_REPORT);
	CHECK_STR(ev.report.reporter, "8613911111111");
	CHECK_STR(ev.report.reported, "8613800000000");
	CHECK_INT(ev.class_id, SF_CLASS_FAKE_OFFER);
	json_of_event(&ev, buf, sizeof(buf));
	snprintf(want, sizeof(want), "{\"type\":\"report\",\"reporter\":\"8613911111111\","
		 "\"reported\":\"8613800000000\",\"fp\":\"%016llx\",\"text\":\"恭喜您中奖\","
		 "\"class\":\"fake_offer\"}",
		 (unsigned long long)policy_fingerprint("恭喜您中奖", strlen("恭喜您中奖")));
	CHECK_STR(buf, want);
	/* an empty report: passes, counted error, no event */
	s = mo("13911111111", "+8610086999", "   ");
	s.tp_da[0] = 0;
	strcpy(s.tp_da, "10086999");
	CHECK_INT(policy_evaluate(&env, st, &s, NULL, T0, &v, &ev), SF_E_POLICY_REPORT_EMPTY);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_SERVICE_REPORT);
	CHECK_INT(ev.type, POLICY_EVENT_NONE);
	CHECK_STR(v.reason, "report: policy.report_empty");
}

static void spoofing(void)
{
	struct sf_sms s;

	setup();
	policy_learn_sri(st, "460000000000001", "8613700000001", POLICY_TON_INTERNATIONAL, T0);
	/* 95588 from a GT that is not one of its SMSCs */
	s = mt("95588", "460000000000001", "8613555000001", "8613555000001");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_FAKE_BASE_STATION, POLICY_ID_SPOOF_PROTECTED);
	CHECK_STR(v.reason, "spoof: 95588 from gt 8613555000001");
	CHECK_INT(v.step, POLICY_STEP_SPOOF);
	/* the genuine GT passes */
	s = mt("95588", "460000000000001", "8613801000007", "8613801000007");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	/* genuine SCCP GT but a foreign service centre in sm-RP-OA */
	s = mt("+8695588", "460000000000001", "8613800000001", "8613555000001");
	strcpy(s.tp_oa, "95588");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_FAKE_BASE_STATION, POLICY_ID_SPOOF_PROTECTED);
	CHECK_STR(v.reason, "spoof: 95588 from gt 8613555000001");
	/* [actions] fake_base_station = tag turns it into a tag */
	cfg.class_action[SF_CLASS_FAKE_BASE_STATION] = SF_ACT_TAG;
	s = mt("95588", "460000000000001", "8613555000001", "8613555000001");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_TAG, SF_CLASS_FAKE_BASE_STATION, POLICY_ID_SPOOF_PROTECTED);
	cfg.class_action[SF_CLASS_FAKE_BASE_STATION] = SF_ACT_BLOCK;
	/* a protected sender on MO (a subscriber's own number) is not judged */
	s = mo("8613700000001", "95588", "查询余额");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
}

static void gt_sca_mismatch(void)
{
	struct sf_sms s;
	char err[128];

	setup();
	policy_learn_sri(st, "460000000000001", "8613700000001", POLICY_TON_INTERNATIONAL, T0);
	s = mt("8613633333333", "460000000000001", "8613800000111", "8613800000222");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_FAKE_BASE_STATION, POLICY_ID_SPOOF_SCA);
	CHECK_STR(v.reason, "spoof: gt 8613800000111 != sca 8613800000222");
	/* same node prefix when only 10 digits are compared */
	CHECK_INT(policy_config_set(&cfg, "policy", "sca_compare_digits", "10", err, sizeof(err)), 0);
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	CHECK_INT(policy_config_set(&cfg, "policy", "sca_compare_digits", "0", err, sizeof(err)), 0);
	CHECK_INT(policy_config_set(&cfg, "policy", "sca_mismatch", "tag", err, sizeof(err)), 0);
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_TAG, SF_CLASS_FAKE_BASE_STATION, POLICY_ID_SPOOF_SCA);
	CHECK_INT(policy_config_set(&cfg, "policy", "sca_mismatch", "off", err, sizeof(err)), 0);
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
}

static void unsolicited(void)
{
	struct sf_sms s;

	setup();
	s = mt("8613633333333", "460000000000001", "8613800000001", "8613800000001");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_TAG, SF_CLASS_NONE, POLICY_ID_UNSOLICITED);
	CHECK_STR(v.reason, "unsolicited: no sri-sm");
	/* SRI-SM 60 s before (tables.sri_window_s): solicited */
	policy_learn_sri(st, "460000000000001", "8613700000001", POLICY_TON_INTERNATIONAL, T0);
	eval(&s, NULL, T0 + 60 * NS);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	eval(&s, NULL, T0 + 60 * NS + 1);
	VERDICT(SF_VERDICT_TAG, SF_CLASS_NONE, POLICY_ID_UNSOLICITED);
	/* a tag does not stop the later steps: content still blocks */
	{
		struct policy_scan sc = { .action = SF_ACT_BLOCK, .class_id = SF_CLASS_FRAUD_IMPERSONATION,
					  .rule_id = 1001 };

		eval(&s, &sc, T0 + 61 * NS);
		VERDICT(SF_VERDICT_BLOCK, SF_CLASS_FRAUD_IMPERSONATION, POLICY_ID_CONTENT_RULE);
		CHECK_STR(v.reason, "unsolicited: no sri-sm; rule 1001 fraud_impersonation");
		CHECK_INT(v.n_reasons, 2);
		CHECK_INT(v.steps, (1u << POLICY_STEP_SPOOF) | (1u << POLICY_STEP_CONTENT));
	}
	cfg.unsolicited_action = SF_ACT_NONE;
	eval(&s, NULL, T0 + 61 * NS);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
}

static void content(void)
{
	struct sf_sms s;
	struct policy_scan sc = { .action = SF_ACT_BLOCK, .class_id = SF_CLASS_FRAUD_IMPERSONATION,
				  .rule_id = 1001, .n_hits = 1 };

	setup();
	s = mo("8613633333333", "8613800000000", "您的银行卡已被冻结");
	eval(&s, &sc, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_FRAUD_IMPERSONATION, POLICY_ID_CONTENT_RULE);
	CHECK_INT(v.rule_id, 1001);
	CHECK_STR(v.reason, "rule 1001 fraud_impersonation");
	CHECK_INT(v.step, POLICY_STEP_CONTENT);
	sc.action = SF_ACT_TAG;
	eval(&s, &sc, T0);
	VERDICT(SF_VERDICT_TAG, SF_CLASS_FRAUD_IMPERSONATION, POLICY_ID_CONTENT_RULE);
	/* [actions] caps a class: fraud_impersonation = tag */
	sc.action = SF_ACT_BLOCK;
	cfg.class_action[SF_CLASS_FRAUD_IMPERSONATION] = SF_ACT_TAG;
	eval(&s, &sc, T0);
	VERDICT(SF_VERDICT_TAG, SF_CLASS_FRAUD_IMPERSONATION, POLICY_ID_CONTENT_RULE);
	cfg.class_action[SF_CLASS_FRAUD_IMPERSONATION] = SF_ACT_NONE;
	eval(&s, &sc, T0);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	cfg.class_action[SF_CLASS_FRAUD_IMPERSONATION] = SF_ACT_BLOCK;
	/* a list block wins before content is looked at */
	s = mo("8613911111111", "8613800000000", "x");
	eval(&s, &sc, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_BLOCK_NUMBER);
	CHECK_INT(v.rule_id, 0);
	/* fail mode */
	{
		struct policy_scan bad = { .failed = 1 };
		struct policy_event ev;

		s = mo("8613633333333", "8613800000000", "x");
		CHECK_INT(policy_evaluate(&env, st, &s, &bad, T0, &v, &ev), SF_E_POLICY_SCAN_FAILED);
		VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
		CHECK_STR(v.reason, "scan failed (fail open)");
		cfg.fail_closed = 1;
		CHECK_INT(policy_evaluate(&env, st, &s, &bad, T0, &v, &ev), SF_E_POLICY_SCAN_FAILED);
		VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_CONTENT_SCAN_FAILED);
		cfg.fail_closed = 0;
	}
}

/* The anomaly input (issue 15 item 6): tag by default, configurable;
 * a content block wins over it. */
static void anomaly(void)
{
	struct sf_sms s;
	struct policy_scan none = { 0 };
	struct policy_scan sc = { .action = SF_ACT_BLOCK, .class_id = SF_CLASS_FRAUD_IMPERSONATION,
				  .rule_id = 1002, .n_hits = 1 };

	setup();
	s = mo("8613644444444", "8613800000000", "hello");
	s.anomalies = SF_ANOM_UDL_OVER_MAX | SF_ANOM_UI_CONSTRUCTED;
	eval(&s, &none, T0);
	VERDICT(SF_VERDICT_TAG, SF_CLASS_NONE, POLICY_ID_CONTENT_ANOMALY);
	CHECK_STR(v.reason, "anomaly udl_too_long; anomaly ui_constructed");
	eval(&s, &sc, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_FRAUD_IMPERSONATION, POLICY_ID_CONTENT_RULE);
	CHECK_INT(v.rule_id, 1002);
	cfg.anomaly_action = SF_ACT_BLOCK;
	eval(&s, &none, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_CONTENT_ANOMALY);
	cfg.anomaly_action = SF_ACT_NONE;
	eval(&s, &none, T0);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	cfg.anomaly_action = SF_ACT_TAG;
	s.anomalies = 0;
	eval(&s, &none, T0);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
}

/* Send n messages from sender to "to" (or, with to == NULL, to n
 * distinct recipients 8613500000000 + i); returns how many passed. */
static int send_n(int n, const char *sender, const char *rcpt, uint64_t t,
		  uint64_t step_ns, const struct policy_scan *sc)
{
	int passed = 0;

	for (int i = 0; i < n; i++) {
		char to[32];
		struct sf_sms s;

		if (rcpt)
			snprintf(to, sizeof(to), "%s", rcpt);
		else
			snprintf(to, sizeof(to), "86135%08d", i);
		s = mo(sender, to, "hi");
		eval(&s, sc, t + (uint64_t)i * step_ns);
		passed += v.verdict == SF_VERDICT_PASS;
	}
	return passed;
}

static void rates(void)
{
	setup();
	cfg.recipient_max = cfg.recipient_senders_max = 0;	/* one recipient: not bombing here */
	cfg.sender_burst = 0;
	cfg.sender_refill_per_min = 0;
	cfg.pair_max = 0;
	cfg.fanout_max = 0;
	/* 200 an hour: 200 pass, the 201st blocks */
	CHECK_INT(send_n(200, "8613600000001", "8613500000000", T0, NS, NULL), 200);
	send_n(1, "8613600000001", "8613500000000", T0 + 200 * NS, NS, NULL);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_RATE_HOUR);
	CHECK_STR(v.reason, "behaviour.sender_hour 201 > 200");
	CHECK_INT(v.step, POLICY_STEP_BEHAVIOUR);
	/* the next hour starts afresh (T0 is 12:00 local, a whole hour) */
	send_n(1, "8613600000001", "8613500000000", T0 + 3600 * NS, NS, NULL);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	/* industry ports are exempt (rate_exempt = 106) */
	CHECK_INT(send_n(300, "10657000001", "8613500000000", T0, NS, NULL), 300);

	/* 1000 a (local) day */
	setup();
	cfg.recipient_max = 0;
	cfg.sender_burst = 0;
	cfg.sender_refill_per_min = 0;
	cfg.pair_max = 0;
	cfg.fanout_max = 0;
	cfg.sender_per_hour = 0;
	CHECK_INT(send_n(1000, "8613600000002", "8613500000000", AT(8, 0), 30 * NS, NULL), 1000);
	send_n(1, "8613600000002", "8613500000000", AT(23, 59), NS, NULL);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_RATE_DAY);
	CHECK_STR(v.reason, "behaviour.sender_day 1001 > 1000");
	/* local midnight (16:00 UTC) resets the day */
	send_n(1, "8613600000002", "8613500000000", AT(23, 59) + 60 * NS, NS, NULL);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);

	/* token bucket: burst 5, refill one a second */
	setup();
	cfg.sender_burst = 5;
	cfg.sender_refill_per_min = 60;
	CHECK_INT(send_n(5, "8613600000003", NULL, T0, 0, NULL), 5);
	send_n(1, "8613600000003", NULL, T0, 0, NULL);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_RATE_BUCKET);
	CHECK_STR(v.reason, "behaviour.sender_burst 6 > 5");
	send_n(1, "8613600000003", NULL, T0 + NS, 0, NULL);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	send_n(1, "8613600000003", NULL, T0 + NS, 0, NULL);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_RATE_BUCKET);
	/* [actions] harassment = tag */
	cfg.class_action[SF_CLASS_HARASSMENT] = SF_ACT_TAG;
	send_n(1, "8613600000003", NULL, T0 + NS, 0, NULL);
	VERDICT(SF_VERDICT_TAG, SF_CLASS_HARASSMENT, POLICY_ID_RATE_BUCKET);
}

static void pairs_fanout(void)
{
	setup();
	cfg.pair_max = 3;
	CHECK_INT(send_n(3, "8613600000004", "8613500000001", T0, NS, NULL), 3);
	send_n(1, "8613600000004", "8613500000001", T0 + 3 * NS, NS, NULL);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_RATE_PAIR);
	CHECK_STR(v.reason, "behaviour.pair 4 > 3");
	/* another recipient is fine */
	send_n(1, "8613600000004", "8613500000002", T0 + 4 * NS, NS, NULL);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	/* the next pair window (pair_window_s = 3600) */
	send_n(1, "8613600000004", "8613500000001", T0 + 3600 * NS, NS, NULL);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);

	setup();
	cfg.fanout_max = 3;
	CHECK_INT(send_n(3, "8613600000005", NULL, T0, NS, NULL), 3);
	/* repeats to the same recipients do not count as new ones */
	CHECK_INT(send_n(3, "8613600000005", NULL, T0 + 10 * NS, NS, NULL), 3);
	send_n(1, "8613600000005", "8613599999999", T0 + 20 * NS, NS, NULL);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_RATE_FANOUT);
	CHECK_STR(v.reason, "behaviour.fanout 4 > 3");

	/* suspect content to many recipients (fanout_suspect_max, default 10):
	 * an ad rule's tag from a personal number, recipient 11 blocks */
	setup();
	CHECK_INT((int)cfg.fanout_suspect_max, 10);
	{
		struct policy_scan ad = { .action = SF_ACT_TAG, .class_id = SF_CLASS_COMMERCIAL_AD,
					  .rule_id = 6001, .n_hits = 1, .fp = 0x77 };
		struct policy_scan model_ad = ad;
		struct policy_scan greeting = { .fp = 0x78 };

		model_ad.rule_id = 0;
		model_ad.n_hits = 0;
		/* tagged, never passed: the ad rule's tag is the verdict */
		send_n(10, "8613600000006", NULL, T0, NS, &ad);
		VERDICT(SF_VERDICT_TAG, SF_CLASS_COMMERCIAL_AD, POLICY_ID_CONTENT_RULE);
		send_n(1, "8613600000006", "8613599999998", T0 + 10 * NS, NS, &ad);
		VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_FANOUT_SUSPECT);
		CHECK_STR(v.reason, "rule 6001 commercial_ad; behaviour.fanout_suspect 11 > 10");
		/* a greeting to 30 friends passes; the model's ad tag from one
		 * sender to many recipients counts (its own volume) */
		CHECK_INT(send_n(30, "8613600000007", NULL, T0, NS, &greeting), 30);
		send_n(11, "8613600000008", NULL, T0, NS, &model_ad);
		CHECK_INT(v.verdict, SF_VERDICT_BLOCK);
		CHECK_INT(v.policy_id, POLICY_ID_FANOUT_SUSPECT);
		/* 0 turns the check off */
		cfg.fanout_suspect_max = 0;
		send_n(1, "8613600000006", "8613599999997", T0 + 11 * NS, NS, &ad);
		CHECK_INT(v.verdict, SF_VERDICT_TAG);
	}
}

static void same_text(void)
{
	struct policy_scan sc = { .fp = 0x1234567890abcdefULL };
	int passed = 0;

	setup();
	cfg.content_senders_max = 3;
	for (int i = 0; i < 3; i++) {
		char from[32];
		struct sf_sms s;

		snprintf(from, sizeof(from), "86136000001%02d", i);
		s = mo(from, "8613500000001", "same");
		eval(&s, &sc, T0 + (uint64_t)i * NS);
		passed += v.verdict == SF_VERDICT_PASS;
		/* a sender repeating itself is not a new sender */
		eval(&s, &sc, T0 + (uint64_t)i * NS);
		passed += v.verdict == SF_VERDICT_PASS;
	}
	CHECK_INT(passed, 6);
	{
		struct sf_sms s = mo("8613600000199", "8613500000001", "same");
		struct policy_scan other = { .fp = 0x1234567890abcdeeULL };

		struct sf_sms s5 = mo("8613600000198", "8613500000001", "same");
		struct policy_scan hit = sc;

		/* nothing found anything in the text: identical ham ("收到")
		 * passes; the verdict names the check that saw the volume */
		eval(&s, &sc, T0 + 10 * NS);
		VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_CONTENT_SENDERS);
		CHECK_INT(v.step, POLICY_STEP_NONE);
		CHECK(v.steps & (1u << POLICY_STEP_BEHAVIOUR));
		CHECK_STR(v.reason, "behaviour.same_text_senders 4 > 3");
		/* a rule's score alone, below every threshold, is a signal:
		 * tagged for the analysts */
		hit.score = 10;
		eval(&s5, &hit, T0 + 10 * NS);
		VERDICT(SF_VERDICT_TAG, SF_CLASS_HARASSMENT, POLICY_ID_CONTENT_SENDERS);
		CHECK_STR(v.reason, "behaviour.same_text_senders 5 > 3");
		/* a weak score (a meeting notice hitting a score-50 rule) is no
		 * campaign: tagged (issue 11 item 6) */
		hit.n_hits = 1;
		hit.score = 50;
		eval(&s5, &hit, T0 + 10 * NS);
		VERDICT(SF_VERDICT_TAG, SF_CLASS_HARASSMENT, POLICY_ID_CONTENT_SENDERS);
		CHECK_STR(v.reason, "behaviour.same_text_senders 5 > 3");
		/* content_campaign_score (60) reached: blocked */
		hit.score = 60;
		eval(&s5, &hit, T0 + 10 * NS);
		VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_CONTENT_SENDERS);
		/* the model's commercial_ad tag alone (no rule, rule_id 0)
		 * with the volume: tagged, never blocked (identical ham the
		 * model mistakes for an ad) */
		hit.score = 0;
		hit.n_hits = 0;
		hit.action = SF_ACT_TAG;
		hit.class_id = SF_CLASS_COMMERCIAL_AD;
		hit.rule_id = 0;
		eval(&s5, &hit, T0 + 10 * NS);
		CHECK_INT(v.verdict, SF_VERDICT_TAG);
		/* its tag for a class the operator blocks, with the volume: blocked */
		hit.class_id = SF_CLASS_FRAUD_IMPERSONATION;
		eval(&s5, &hit, T0 + 10 * NS);
		VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_CONTENT_SENDERS);
		/* a tag rule's hit with the volume: blocked */
		hit.n_hits = 1;
		hit.score = 0;
		hit.action = SF_ACT_TAG;
		hit.class_id = SF_CLASS_FAKE_OFFER;
		hit.rule_id = 4002;
		eval(&s5, &hit, T0 + 10 * NS);
		VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_CONTENT_SENDERS);
		/* other text from the same sender passes */
		eval(&s, &other, T0 + 11 * NS);
		VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
		/* the next content window (600 s) starts afresh */
		eval(&s, &sc, T0 + 600 * NS);
		VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	}
	/* to many recipients: the 4th distinct recipient is over the limit */
	setup();
	cfg.content_recipients_max = 3;
	cfg.content_senders_max = 0;
	passed = 0;
	for (int i = 0; i < 4; i++) {
		struct sf_sms s = mo_nth("86136000002", "86135000002", 2, i, "same");

		eval(&s, &sc, T0 + (uint64_t)i * NS);
		passed += v.verdict == SF_VERDICT_PASS;
	}
	/* nothing in the text: the 4th passes too, naming the check */
	CHECK_INT(passed, 4);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_CONTENT_RECIPIENTS);
	CHECK_STR(v.reason, "behaviour.same_text_recipients 4 > 3");
	{
		struct sf_sms s = mo("8613600000299", "8613500000299", "same");
		struct policy_scan hit = sc;

		hit.n_hits = 1;
		hit.score = 70;
		eval(&s, &hit, T0 + 5 * NS);
		VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_CONTENT_RECIPIENTS);
		CHECK_STR(v.reason, "behaviour.same_text_recipients 5 > 3");
	}
}

static void quiet_hours(void)
{
	struct policy_scan ad = { .action = SF_ACT_TAG, .class_id = SF_CLASS_COMMERCIAL_AD, .rule_id = 6001 };
	struct policy_scan fraud = { .action = SF_ACT_TAG, .class_id = SF_CLASS_FAKE_OFFER, .rule_id = 4002 };
	struct sf_sms s;

	setup();
	policy_learn_sri(st, "460000000000001", "8613700000001", POLICY_TON_INTERNATIONAL, AT(21, 0));
	s = mt("10657000001", "460000000000001", "8613800000001", "8613800000001");
	CHECK(!policy_in_quiet_hours(&cfg, AT(21, 59)));
	CHECK(policy_in_quiet_hours(&cfg, AT(22, 0)));
	CHECK(policy_in_quiet_hours(&cfg, AT(6, 59)));
	CHECK(!policy_in_quiet_hours(&cfg, AT(7, 0)));

	policy_learn_sri(st, "460000000000001", "8613700000001", POLICY_TON_INTERNATIONAL, AT(21, 59));
	eval(&s, &ad, AT(21, 59));
	VERDICT(SF_VERDICT_TAG, SF_CLASS_COMMERCIAL_AD, POLICY_ID_CONTENT_RULE);
	CHECK_STR(v.reason, "rule 6001 commercial_ad");
	policy_learn_sri(st, "460000000000001", "8613700000001", POLICY_TON_INTERNATIONAL, AT(22, 0));
	eval(&s, &ad, AT(22, 0));
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_COMMERCIAL_AD, POLICY_ID_QUIET_HOURS);
	CHECK_STR(v.reason, "rule 6001 commercial_ad; quiet hours 22:00-07:00");
	CHECK_INT(v.rule_id, 6001);
	policy_learn_sri(st, "460000000000001", "8613700000001", POLICY_TON_INTERNATIONAL, AT(6, 59));
	eval(&s, &ad, AT(6, 59));
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_COMMERCIAL_AD, POLICY_ID_QUIET_HOURS);
	policy_learn_sri(st, "460000000000001", "8613700000001", POLICY_TON_INTERNATIONAL, AT(7, 0));
	eval(&s, &ad, AT(7, 0));
	VERDICT(SF_VERDICT_TAG, SF_CLASS_COMMERCIAL_AD, POLICY_ID_CONTENT_RULE);
	/* other classes are not affected by quiet hours */
	policy_learn_sri(st, "460000000000001", "8613700000001", POLICY_TON_INTERNATIONAL, AT(23, 0));
	eval(&s, &fraud, AT(23, 0));
	VERDICT(SF_VERDICT_TAG, SF_CLASS_FAKE_OFFER, POLICY_ID_CONTENT_RULE);
	/* 10086 customer care: exempt from the ad rules, not from quiet hours */
	s = mt("10086", "460000000000001", "8613800000001", "8613800000001");
	policy_learn_sri(st, "460000000000001", "8613700000001", POLICY_TON_INTERNATIONAL, AT(21, 59));
	eval(&s, &ad, AT(21, 59));
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	CHECK_STR(v.reason, "rule 6001 commercial_ad: care sender exempt");
	policy_learn_sri(st, "460000000000001", "8613700000001", POLICY_TON_INTERNATIONAL, AT(22, 0));
	eval(&s, &ad, AT(22, 0));
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_COMMERCIAL_AD, POLICY_ID_QUIET_HOURS);
	/* a 10086 notice that is not an ad passes at night */
	eval(&s, NULL, AT(22, 0));
	VERDICT(SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_NONE);
	/* quiet hours off */
	cfg.quiet_enabled = 0;
	s = mt("10657000001", "460000000000001", "8613800000001", "8613800000001");
	eval(&s, &ad, AT(22, 0));
	VERDICT(SF_VERDICT_TAG, SF_CLASS_COMMERCIAL_AD, POLICY_ID_CONTENT_RULE);
}

static void eviction(void)
{
	char err[128];
	struct policy_state_stats ss;

	setup();
	CHECK_INT(policy_config_set(&cfg, "tables", "senders_max", "8", err, sizeof(err)), 0);
	CHECK_INT(policy_config_set(&cfg, "tables", "pairs_max", "8", err, sizeof(err)), 0);
	CHECK_INT(policy_config_set(&cfg, "tables", "imsi_max", "8", err, sizeof(err)), 0);
	CHECK_INT(policy_config_set(&cfg, "tables", "shields_max", "8", err, sizeof(err)), 0);
	policy_state_free(st);
	st = policy_state_create(&cfg, err, sizeof(err));
	CHECK(st != NULL);
	for (int i = 0; i < 10; i++) {
		char from[32], imsi[32];

		snprintf(from, sizeof(from), "86136000003%02d", i);
		send_n(1, from, "8613500000001", T0 + (uint64_t)i * NS, NS, NULL);
		snprintf(imsi, sizeof(imsi), "4600000000001%02d", i);
		policy_learn_sri(st, imsi, from, POLICY_TON_INTERNATIONAL, T0 + (uint64_t)i * NS);
	}
	policy_state_stats(st, &ss);
	/* senders and pairs are shared by all lcores (at least 64 slots each)
	 * and never evict a live count */
	CHECK_INT(ss.senders.capacity, 64);
	CHECK_INT(ss.senders.used, 10);
	CHECK_INT(ss.senders.inserts, 10);
	CHECK_INT(ss.senders.evictions, 0);
	CHECK_INT(ss.pairs.used, 10);
	CHECK_INT(ss.pairs.evictions, 0);
	CHECK_INT(ss.imsi.evictions, 2);
	CHECK_INT(ss.imsi.used, 8);
	/* the two oldest IMSIs are gone, the newest are there */
	{
		char m[32] = "";
		uint64_t age = 0;

		CHECK_INT(policy_state_imsi(st, &cfg, "460000000000100", T0 + 10 * NS, NULL, m, sizeof(m)), 0);
		CHECK_INT(policy_state_imsi(st, &cfg, "460000000000101", T0 + 10 * NS, NULL, m, sizeof(m)), 0);
		CHECK_INT(policy_state_imsi(st, &cfg, "460000000000102", T0 + 10 * NS, &age, m, sizeof(m)), 1);
		CHECK_STR(m, "8613600000302");
		CHECK(age == 8 * NS);
		CHECK_INT(policy_state_imsi(st, &cfg, "460000000000109", T0 + 10 * NS, NULL, m, sizeof(m)), 1);
		CHECK_STR(m, "8613600000309");
		/* too small a buffer: not found rather than cut */
		CHECK_INT(policy_state_imsi(st, &cfg, "460000000000109", T0 + 10 * NS, NULL, m, 13), 0);
		/* not digits: never learned, never found */
		policy_learn_sri(st, "46000000000010x", "8613600000310", POLICY_TON_INTERNATIONAL, T0 + 10 * NS);
		CHECK_INT(policy_state_imsi(st, &cfg, "46000000000010x", T0 + 10 * NS, NULL, m, sizeof(m)), 0);
	}
	/* 200 more senders in one minute: the shared table fills and takes
	 * the least recently used slots (counted): every new sender is counted */
	cfg.recipient_max = cfg.recipient_senders_max = 0;	/* not bombing here */
	for (int i = 0; i < 200; i++) {
		char from[32];

		snprintf(from, sizeof(from), "86137000%05d", i);
		send_n(1, from, "8613500000001", T0 + 10 * NS, NS, NULL);
	}
	policy_state_stats(st, &ss);
	CHECK_INT(ss.senders.inserts, 210);
	CHECK_INT(ss.senders.refused, 0);
	CHECK_INT(ss.senders.used, 64);
	CHECK_INT(ss.senders.evictions, 210 - 64);
	CHECK_INT(ss.senders.expired, 0);
	/* two days later every slot is stale: a new sender takes one */
	{
		struct policy_state_stats s2;

		send_n(1, "8613600000399", "8613500000001", T0 + 2 * 86400 * NS, NS, NULL);
		policy_state_stats(st, &s2);
		CHECK_INT(s2.senders.inserts, ss.senders.inserts + 1);
		CHECK_INT(s2.senders.refused, ss.senders.refused);
		CHECK_INT(s2.senders.expired + s2.senders.used, ss.senders.expired + ss.senders.used + 1);
	}
}

/* SipHash reference vectors, message 00..len-1: SipHash-2-4 as Aumasson &
 * Bernstein give them (key 00..0f), SipHash-1-3 as the reference
 * implementation computes it with its round counts set to 1 and 3 (key
 * zero); and sf_hash_u64 as SipHash-1-3 of the word's little-endian
 * bytes. */
static void siphash_vectors(void)
{
	static const struct {
		int rounds13;
		size_t len;
		uint64_t want;
	} vec[] = {
		{ 0, 0, 0x726fdb47dd0e0e31ULL }, { 0, 7, 0xab0200f58b01d137ULL },
		{ 0, 8, 0x93f5f5799a932462ULL }, { 0, 15, 0xa129ca6149be45e5ULL },
		{ 0, 63, 0x958a324ceb064572ULL },
		{ 1, 0, 0xd1fba762150c532cULL }, { 1, 1, 0x68a914128e01e473ULL },
		{ 1, 7, 0x2f098ab0c751325aULL }, { 1, 8, 0xead411e67ebe2eeaULL },
		{ 1, 15, 0xf30eb725bb91c9eaULL },
	};
	struct sf_hash_key k = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL }, z = { 0, 0 };
	struct sf_hash_key saved = sf_hash_secret;
	uint64_t x = 0x0123456789abcdefULL;
	uint8_t m[64], w[8];

	for (unsigned i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++)
		CHECK(vec[i].want == (vec[i].rounds13 ? sf_siphash13(&z, m, vec[i].len)
						  : sf_siphash(&k, m, vec[i].len)));
	for (int i = 0; i < 8; i++)
		w[i] = (uint8_t)(x >> (8 * i));
	sf_hash_set_secret(k.k0, k.k1);
	CHECK(sf_hash_u64(x) == sf_siphash13(&sf_hash_secret, w, 8));
	CHECK(sf_hash_u64(x) != sf_siphash(&sf_hash_secret, w, 8));
	sf_hash_set_secret(saved.k0, saved.k1);
}

/* Issue 15 item 13: "00000" from many attackers never evicts a victim's
 * local shield; the overlay refuses (and counts) new entries instead. */
static void shield_never_evicted(void)
{
	char err[128], sub[32];
	struct policy_state_stats ss;
	struct sf_sms s;

	setup();
	CHECK_INT(policy_config_set(&cfg, "tables", "shields_max", "8", err, sizeof(err)), 0);
	policy_state_free(st);
	st = policy_state_create(&cfg, err, sizeof(err));
	CHECK(st != NULL);
	policy_state_shield(st, 1, "8613700000009", "1065700", T0);	/* one bucket of 8 */
	for (int i = 0; i < 20; i++) {
		snprintf(sub, sizeof(sub), "86136000009%02d", i);
		policy_state_shield(st, 1, sub, "1065799", T0 + (uint64_t)(i + 1) * NS);
	}
	policy_state_stats(st, &ss);
	CHECK_INT(ss.shields.capacity, 8);
	CHECK_INT(ss.shields.used, 8);
	CHECK_INT(ss.shields.evictions, 0);
	CHECK_INT(ss.shields.refused, 13);
	CHECK_INT(policy_state_shielded(st, &cfg, "8613700000009", "10657001234", T0 + 30 * NS), 1);
	/* and the verdict: the victim's MT from the shielded port is blocked */
	policy_learn_sri(st, "460000000000009", "8613700000009", POLICY_TON_INTERNATIONAL, T0 + 30 * NS);
	s = mt("10657001234", "460000000000009", "8613800000001", "8613800000001");
	eval(&s, NULL, T0 + 30 * NS);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_SHIELD_LOCAL);
	/* once the attackers' entries time out (shield_ttl_s), room again */
	policy_state_shield(st, 1, "8613600000999", "1065799", T0 + 3700 * NS);
	policy_state_stats(st, &ss);
	CHECK_INT(ss.shields.refused, 13);
	CHECK_INT(ss.shields.expired, 1);
}

/* The overlay holds exactly what it is sized for, whatever the keys hash
 * to (with one 8-way bucket per key, a 65,536-slot overlay refused 2 of
 * 14,733 shields on the bench capture): 1,024 shields in 1,024 entries
 * under eight secrets, the next one refused and counted, none lost. */
static void shields_fill(void)
{
	struct sf_hash_key saved = sf_hash_secret;
	char err[128], sub[32];
	struct policy_state_stats ss;

	for (unsigned run = 0; run < 8; run++) {
		sf_hash_set_secret(0x9e37 + run, 0x79b9 * (run + 1));
		setup();
		CHECK_INT(policy_config_set(&cfg, "tables", "shields_max", "1024", err, sizeof(err)), 0);
		policy_state_free(st);
		st = policy_state_create(&cfg, err, sizeof(err));
		CHECK(st != NULL);
		for (int i = 0; i < 1025; i++) {
			snprintf(sub, sizeof(sub), "8613900%06d", i);
			policy_state_shield(st, 1, sub, "10690000", T0);
		}
		policy_state_stats(st, &ss);
		CHECK_INT(ss.shields.capacity, 1024);
		CHECK_INT(ss.shields.used, 1024);
		CHECK_INT(ss.shields.refused, 1);
		CHECK_INT(ss.shields.evictions, 0);
		for (int i = 0; i < 1024; i++) {
			snprintf(sub, sizeof(sub), "8613900%06d", i);
			CHECK_INT(policy_state_shielded(st, &cfg, sub, "1069000012", T0 + NS), 1);
		}
		CHECK_INT(policy_state_shielded(st, &cfg, "8613900001024", "1069000012", T0 + NS), 0);
		/* a shield already held is updated in place when full */
		policy_state_shield(st, 0, "8613900000007", "10690000", T0 + 2 * NS);
		CHECK_INT(policy_state_shielded(st, &cfg, "8613900000007", "1069000012", T0 + 3 * NS), -1);
		policy_state_stats(st, &ss);
		CHECK_INT(ss.shields.refused, 1);
	}
	sf_hash_secret = saved;
}

/* The IMSI table is shared by every lcore: what one lcore learned from an
 * SRI-SM result serves the MT that another decides, and lcores learning
 * and reading at once never see one subscriber's IMSI with another's
 * MSISDN (each slot is read as a seqlock). */
struct imsi_thr {
	struct policy_state *st;
	unsigned seed, bad, found;
};

static void imsi_pair(unsigned i, char *imsi, size_t il, char *msisdn, size_t ml)
{
	snprintf(imsi, il, "46000%010u", i);
	snprintf(msisdn, ml, "86139%08u", i);
}

static void *imsi_churn(void *arg)
{
	struct imsi_thr *t = arg;
	char imsi[32], msisdn[32], got[32];

	for (unsigned n = 0; n < 400000; n++) {
		unsigned i;

		t->seed = t->seed * 1103515245u + 12345u;
		i = (t->seed >> 8) % 3000;	/* 3,000 subscribers in 1,024 slots: evictions */
		imsi_pair(i, imsi, sizeof(imsi), msisdn, sizeof(msisdn));
		if (n & 1) {
			policy_state_learn_imsi(t->st, imsi, msisdn, POLICY_TON_INTERNATIONAL, T0 + n);
		} else if (policy_state_imsi(t->st, &cfg, imsi, T0 + n, NULL, got, sizeof(got))) {
			t->found++;
			t->bad += strcmp(got, msisdn) != 0;
		}
	}
	return NULL;
}

static void imsi_shared(void)
{
	char err[128], m[32];
	struct policy_shared *sh;
	struct policy_state *lc[2];
	struct policy_state_stats ss;
	struct imsi_thr t[2] = { { NULL, 1, 0, 0 }, { NULL, 7, 0, 0 } };
	pthread_t th[2];
	struct sf_sms s;

	setup();
	CHECK_INT(policy_config_set(&cfg, "tables", "imsi_max", "1024", err, sizeof(err)), 0);
	sh = policy_shared_create(&cfg, err, sizeof(err));
	lc[0] = policy_state_create(&cfg, err, sizeof(err));
	lc[1] = policy_state_create(&cfg, err, sizeof(err));
	CHECK(sh && lc[0] && lc[1]);
	if (!sh || !lc[0] || !lc[1])
		return;
	policy_state_attach_shared(lc[0], sh);
	policy_state_attach_shared(lc[1], sh);
	/* learned on lcore 0, used on lcore 1: the MT is not unsolicited and
	 * reaches the subscriber's shield */
	policy_learn_sri(lc[0], "460000000000001", "+8613700000001", POLICY_TON_INTERNATIONAL, T0 - 5 * NS);
	CHECK_INT(policy_state_imsi(lc[1], &cfg, "460000000000001", T0, NULL, m, sizeof(m)), 1);
	CHECK_STR(m, "8613700000001");
	policy_state_free(st);
	st = lc[1];
	s = mt("1065751234", "460000000000001", "8613800000001", "8613800000001");
	eval(&s, NULL, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_SHIELD_LIST);
	CHECK_STR(v.recipient, "8613700000001");
	st = NULL;
	/* two lcores churning one table */
	for (int i = 0; i < 2; i++) {
		t[i].st = lc[i];
		CHECK_INT(pthread_create(&th[i], NULL, imsi_churn, &t[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	CHECK_INT(t[0].bad + t[1].bad, 0);
	CHECK(t[0].found > 1000 && t[1].found > 1000);
	policy_state_stats(lc[0], &ss);
	CHECK_INT(ss.imsi.capacity, 1024);
	CHECK(ss.imsi.used == 1024);
	CHECK(ss.imsi.evictions > 0);
	CHECK(ss.imsi.bytes == 1024 * 40);	/* a 32-byte slot and its key in the bucket's key line */
	policy_state_free(lc[0]);
	policy_state_free(lc[1]);
	policy_shared_free(sh);
}

/* The content sketches shared by three lcores' states: a sender is new
 * for a text once, whichever lcore sees it, and the fourth distinct sender
 * goes over content_senders_max 3 on any of them; the next content window
 * counts afresh. Every state attached counts the tables' inserts in its
 * own set (the last of the 128 sets shared, with atomic adds, by the
 * states attached beyond them), and the stats are their sum. */
static void shared_sketch_and_counters(void)
{
	struct policy_scan sc = { .fp = 0x5eed5eed5eedULL };
	struct policy_table_stats ts, tp, tr;
	struct policy_state *lc[200];
	struct policy_shared *sh;
	struct policy_state_stats ss;
	char err[128];

	setup();
	cfg.content_senders_max = 3;
	sh = policy_shared_create(&cfg, err, sizeof(err));
	CHECK(sh != NULL);
	if (!sh)
		return;
	for (int i = 0; i < 200; i++) {
		lc[i] = policy_state_create(&cfg, err, sizeof(err));
		CHECK(lc[i] != NULL);
		if (!lc[i])
			return;
		policy_state_attach_shared(lc[i], sh);
	}
	policy_state_free(st);
	for (int i = 0; i < 4; i++) {
		char from[32];
		struct sf_sms s;

		snprintf(from, sizeof(from), "86136000002%02d", i);
		s = mo(from, "8613500000001", "same");
		/* the sender on one lcore, then again on the two others */
		for (int k = 0; k < 3; k++) {
			st = lc[(i + k) % 3];
			eval(&s, &sc, T0 + (uint64_t)(3 * i + k) * NS);
			if (i < 3)
				CHECK_INT(v.policy_id, POLICY_ID_NONE);
			else
				CHECK_INT(v.policy_id, POLICY_ID_CONTENT_SENDERS);
		}
	}
	CHECK_STR(v.reason, "behaviour.same_text_senders 4 > 3");
	{
		struct sf_sms s = mo("8613600000299", "8613500000001", "same");

		st = lc[1];
		eval(&s, &sc, T0 + 600 * NS);	/* the next window */
		CHECK_INT(v.policy_id, POLICY_ID_NONE);
	}
	/* a new sender and recipient on each of the 200 states: 128 sets,
	 * the last one shared by 73 states */
	for (int i = 0; i < 200; i++) {
		struct sf_sms s = mo_nth("8613700", "8613510", 6, i, "hi");

		st = lc[i];
		eval(&s, NULL, T0 + 700 * NS);
	}
	policy_shared_stats(sh, &ts, &tp, &tr);
	CHECK_INT(ts.inserts, 5 + 200);
	CHECK_INT(ts.used, 5 + 200);
	CHECK_INT(ts.evictions + ts.expired + ts.refused, 0);
	CHECK_INT(tp.inserts, 5 + 200);
	CHECK_INT(ts.capacity, cfg.senders_max);
	policy_state_stats(lc[199], &ss);
	CHECK_INT(ss.senders.inserts, 205);
	CHECK_INT(ss.recipients.inserts, tr.inserts);
	CHECK(ss.sketch_bytes == 4 * ((uint64_t)cfg.sketch_width * 8 + cfg.sketch_bloom_bits / 64 * 4));	/* counts of 64 bits, marks of 32 */
	st = NULL;
	for (int i = 0; i < 200; i++)
		policy_state_free(lc[i]);
	policy_shared_free(sh);
}

/* Same messages, two secrets: the same verdicts (keyed hashes only place
 * exact keys; the sketches use secret-free hashes). */
static void verdicts_independent_of_secret(void)
{
	struct sf_hash_key saved = sf_hash_secret;
	struct policy_scan sc = { .fp = 0x42, .n_hits = 1, .score = 70 };
	uint32_t pid[2][200];

	for (int run = 0; run < 2; run++) {
		sf_hash_set_secret(run ? 0x1111 : 0x2222, run ? 0x3333 : 0x4444);
		setup();
		cfg.content_senders_max = 5;
		cfg.pair_max = 4;
		cfg.senders_max = cfg.pairs_max = 64;	/* small: evictions happen */
		policy_state_free(st);
		{
			char err[128];

			st = policy_state_create(&cfg, err, sizeof(err));
		}
		for (int i = 0; i < 200; i++) {
			char from[32], to[32];
			struct sf_sms s;

			snprintf(from, sizeof(from), "86136%08d", i % 37);
			snprintf(to, sizeof(to), "86135%08d", i % 11);
			s = mo(from, to, "same");
			eval(&s, &sc, T0 + (uint64_t)i * NS);
			pid[run][i] = v.policy_id;
		}
	}
	CHECK(memcmp(pid[0], pid[1], sizeof(pid[0])) == 0);
	CHECK_INT(pid[0][0], POLICY_ID_NONE);
	CHECK_INT(pid[0][5], POLICY_ID_CONTENT_SENDERS);
	sf_hash_set_secret(saved.k0, saved.k1);
}

static void verdict_json(void)
{
	struct sf_sms s;
	char buf[512];

	setup();
	s = mo("8613633333333", "8613500000001", "hi");
	eval(&s, NULL, T0);
	json_of_verdict(&v, 1, buf, sizeof(buf));
	CHECK_STR(buf, "{\"verdict\":\"pass\",\"class\":\"none\",\"rule\":0,\"policy\":0,"
		  "\"policy_name\":\"none\",\"reason\":\"\",\"sender\":\"861********33\","
		  "\"recipient\":\"861********01\"}");
	s = mo("8613911111111", "8613500000001", "hi");
	eval(&s, NULL, T0);
	json_of_verdict(&v, 0, buf, sizeof(buf));
	CHECK_STR(buf, "{\"verdict\":\"block\",\"class\":\"none\",\"rule\":0,\"policy\":2001,"
		  "\"policy_name\":\"block.number\",\"reason\":\"block number 8613911111111\","
		  "\"sender\":\"8613911111111\",\"recipient\":\"8613500000001\"}");
}

/* The reason buffer is cut, never overrun. */
static void reason_overflow(void)
{
	struct sf_sms s;
	struct policy_scan sc = { .action = SF_ACT_TAG, .class_id = SF_CLASS_OBSCENE_VIOLENT, .rule_id = 4294967295u };

	setup();
	cfg.class_action[SF_CLASS_FAKE_BASE_STATION] = SF_ACT_TAG;
	s = mt("95588", "460000000000001", "86135550000011234567890123456789",
	       "86135550000021234567890123456789");
	eval(&s, &sc, T0);
	CHECK_INT(strlen(v.reason), POLICY_REASON_MAX - 1);
	/* cut where snprintf would cut it: in the middle of the second reason */
	CHECK_STR(v.reason, "spoof: 95588 from gt 86135550000011234567890123456789; "
			    "spoof: gt 861355500000112345678901234567");
	VERDICT(SF_VERDICT_TAG, SF_CLASS_FAKE_BASE_STATION, POLICY_ID_SPOOF_PROTECTED);
	CHECK_INT(v.n_reasons, 4);

	/* the largest rule id, whole */
	setup();
	s = mo("13912340000", "8613800000000", "hi");
	eval(&s, &sc, T0);
	CHECK_STR(v.reason, "rule 4294967295 obscene_violent");
	CHECK_INT(v.n_reasons, 1);
}

int main(void)
{
	RUN(allow_beats_block);
	RUN(block_lists);
	RUN(shields);
	RUN(shields_on_the_wire);
	RUN(international_numbers);
	RUN(shields_fill);
	RUN(imsi_shared);
	RUN(shared_sketch_and_counters);
	RUN(reports);
	RUN(spoofing);
	RUN(gt_sca_mismatch);
	RUN(unsolicited);
	RUN(content);
	RUN(anomaly);
	RUN(rates);
	RUN(pairs_fanout);
	RUN(same_text);
	RUN(quiet_hours);
	RUN(eviction);
	RUN(siphash_vectors);
	RUN(shield_never_evicted);
	RUN(verdicts_independent_of_secret);
	RUN(verdict_json);
	RUN(reason_overflow);
	policy_lists_free(lists);
	policy_state_free(st);
	return TEST_SUMMARY();
}
