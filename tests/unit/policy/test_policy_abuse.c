/* SPDX-License-Identifier: BSD-3-Clause */
/* Allow rules and SMS bombing through the engine's path: the starter rule
 * set (rules/set) compiled as smsfw-rulec does, scan_block over the
 * normalised text, then policy_evaluate, as engine.c chains them.
 * Issue 15 item 10 (an appended OTP never makes a fraud text pass; allow
 * rules tied to registered senders or the whole message's shape) and
 * issue 11 item 6 (OTP floods and bombing blocked per recipient; the same
 * weak text from many senders is not blocked). Spec: rules/FORMAT.md
 * "Decision", dataplane/core/policy/POLICY.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_test.h"
#include "sf_wire.h"
#include "policy.h"
#include "scan/bundle.h"
#include "scan/scan.h"
#include "text/normalize.h"
#include "../rules/engine_bundle.h"

#define NS 1000000000ULL
#define T0 (1795305600ULL * NS + 4 * 3600 * NS)	/* 12:00 local */

static struct scan_bundle *b;
static struct scan_scratch *scr;
static struct policy_config cfg;
static struct policy_state *st;
static struct policy_env env;
static struct policy_verdict v;
static struct scan_result sr;

static void setup(void)
{
	char err[256];

	policy_config_defaults(&cfg);
	/* 95588 sends from its own SMSC (GT 8613800...) */
	CHECK_INT(policy_config_set(&cfg, "policy", "protected", "95588:8613800", err, sizeof(err)), 0);
	cfg.senders_max = cfg.pairs_max = cfg.imsi_max = cfg.recipients_max = 4096;
	cfg.sketch_width = 4096;
	cfg.sketch_bloom_bits = 1u << 16;
	policy_state_free(st);
	st = policy_state_create(&cfg, err, sizeof(err));
	CHECK(st != NULL);
	env.cfg = &cfg;
	env.lists = NULL;
	env.geo = NULL;
}

/* An MT (SMS-DELIVER) from oa to msisdn (learned from an SRI-SM), sent by
 * the SMSC 8613800000001. */
static struct sf_sms mt(const char *oa, const char *msisdn, const char *text, uint64_t now)
{
	struct sf_sms s;
	char imsi[32];

	snprintf(imsi, sizeof(imsi), "4600%s", msisdn + strlen(msisdn) - 11);
	memset(&s, 0, sizeof(s));
	s.op = SF_OP_MT_FORWARD_SM;
	s.direction = SF_DIR_MT;
	s.mti = SF_TP_MTI_DELIVER;
	s.da_type = SF_DA_IMSI;
	s.oa_type = SF_OA_SCA;
	snprintf(s.sm_rp_da, sizeof(s.sm_rp_da), "%s", imsi);
	strcpy(s.sm_rp_oa, "8613800000001");
	strcpy(s.calling_gt, "8613800000001");
	snprintf(s.tp_oa, sizeof(s.tp_oa), "%s", oa);
	s.tp_addr_alnum = oa[0] < '0' || oa[0] > '9';
	s.text = text;
	s.text_len = strlen(text);
	policy_learn_sri(st, imsi, msisdn, POLICY_TON_INTERNATIONAL, now);
	return s;
}

/* scan → policy, as engine.c does it */
static void judge(const struct sf_sms *s, uint64_t now)
{
	char norm[2048];
	size_t n = norm_text(s->text, s->text_len, norm, sizeof(norm), NULL);
	struct policy_scan ps;

	CHECK_INT(scan_block(b, scr, norm, n, s->tp_oa, &sr), SF_OK);
	memset(&ps, 0, sizeof(ps));
	ps.action = sr.action == SF_ACT_SCORE ? SF_ACT_NONE : sr.action;
	ps.class_id = sr.class_id;
	ps.rule_id = sr.rule_id;
	ps.score = sr.score > 0 ? (uint32_t)sr.score : 0;
	ps.n_hits = sr.n_hits_total;
	ps.fp = n ? policy_fingerprint(norm, n) : 0;
	ps.text = norm;
	ps.text_len = n;
	policy_evaluate(&env, st, s, &ps, now, &v, NULL);
}

#define VERDICT(kind, cls, pid) do { \
	CHECK_STR(sf_verdict_name(v.verdict), sf_verdict_name(kind)); \
	CHECK_STR(sf_class_name(v.class_id), sf_class_name(cls)); \
	CHECK_INT(v.policy_id, pid); \
} while (0)

static const char fraud[] =
	"我是市公安局刑侦大队民警，您的身份信息涉嫌一起洗钱案件，请配合调查，不要告诉家人";

static void appended_otp_never_passes_fraud(void)
{
	char text[512];
	struct sf_sms s;

	setup();
	/* the fraud text alone */
	s = mt("13912340001", "8613700000001", fraud, T0);
	judge(&s, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_FRAUD_IMPERSONATION, POLICY_ID_CONTENT_RULE);
	CHECK_INT(v.rule_id, 1002);
	/* + "验证码是482913": the allow rule hits, the block rule still decides */
	snprintf(text, sizeof(text), "%s，验证码是482913", fraud);
	s = mt("13912340001", "8613700000001", text, T0);
	judge(&s, T0);
	CHECK(sr.n_hits_total >= 2);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_FRAUD_IMPERSONATION, POLICY_ID_CONTENT_RULE);
	CHECK_INT(v.rule_id, 1002);
	/* ... the same from an alphanumeric id posing as a bank */
	s = mt("BANKSMS", "8613700000001", text, T0);
	judge(&s, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_FRAUD_IMPERSONATION, POLICY_ID_CONTENT_RULE);
	/* "safe account" + an English OTP */
	s = mt("13912340001", "8613700000001",
	       "公安局通知：请将资金转入安全账户配合调查。Your verification code is 773102.", T0);
	judge(&s, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_FRAUD_IMPERSONATION, POLICY_ID_CONTENT_RULE);
	CHECK_INT(v.rule_id, 1001);
}

static void real_otps_pass(void)
{
	static const char bank_otp[] =
		"【工商银行】您的验证码是482913，任何人索取都是诈骗，银行不会要求您向安全账户操作，请勿泄露。";
	struct sf_sms s;

	setup();
	/* a real bank OTP from its registered sender and its own SMSC: the
	 * warning quotes "安全账户" (block rule 1001); the sender-tied allow
	 * rules decide (103 anti-fraud warning, lowest id, and 104 OTP) */
	s = mt("95588", "8613700000002", bank_otp, T0);
	judge(&s, T0);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_ALLOW, POLICY_ID_ALLOW_RULE);
	CHECK_INT(v.rule_id, 103);
	CHECK_STR(v.reason, "allow rule 103");
	s = mt("95588", "8613700000002", "【工商银行】您的验证码是482913，本行不会要求您操作安全账户，请勿泄露。", T0);
	judge(&s, T0);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_ALLOW, POLICY_ID_ALLOW_RULE);
	CHECK_INT(v.rule_id, 104);
	CHECK(sr.flags & SCAN_F_ALLOW_SENDER);
	/* the same text from an unregistered number: rule 1001 blocks */
	s = mt("13912340002", "8613700000002", bank_otp, T0);
	judge(&s, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_FRAUD_IMPERSONATION, POLICY_ID_CONTENT_RULE);
	CHECK_INT(v.rule_id, 1001);
	/* 95588 from a foreign SMSC (fake base station): the spoof check
	 * blocks before content, whatever the allow rule says */
	s = mt("95588", "8613700000002", bank_otp, T0);
	strcpy(s.calling_gt, "8613999000001");
	strcpy(s.sm_rp_oa, "8613999000001");
	judge(&s, T0);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_FAKE_BASE_STATION, POLICY_ID_SPOOF_PROTECTED);
	/* an OTP-shaped message from an unregistered industry port with no
	 * fraud evidence passes by its shape (rule 101) */
	s = mt("1069012345", "8613700000003", "【某某科技】您的验证码是482913，5分钟内有效，请勿泄露。", T0);
	judge(&s, T0);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_ALLOW, POLICY_ID_ALLOW_RULE);
	CHECK_INT(v.rule_id, 101);
	CHECK(!(sr.flags & SCAN_F_ALLOW_SENDER));
	/* and from a plain mobile number */
	s = mt("13912340003", "8613700000003", "Your verification code is 773102. Do not share it.", T0);
	judge(&s, T0);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_ALLOW, POLICY_ID_ALLOW_RULE);
	CHECK_INT(v.rule_id, 101);
	/* a bank transaction notice from the bank */
	s = mt("95588", "8613700000004", "您尾号4821卡于03月12日10:21消费支出150.00元，余额2,031.55元。【工商银行】", T0);
	judge(&s, T0);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_ALLOW, POLICY_ID_ALLOW_RULE);
	CHECK_INT(v.rule_id, 105);
}

/* An OTP flood through many real services to one victim: the allow rule
 * exempts the content, never the volume. */
static void otp_flood_to_one(void)
{
	int passed = 0, blocked = 0;

	setup();
	for (int i = 0; i < 60; i++) {
		char port[32];
		struct sf_sms s;

		snprintf(port, sizeof(port), "10690%05d", 100 + i * 7);
		s = mt(port, "8613700000010", "【某某科技】您的验证码是482913，5分钟内有效，请勿泄露。",
		       T0 + (uint64_t)i * NS);
		judge(&s, T0 + (uint64_t)i * NS);
		passed += v.verdict == SF_VERDICT_PASS;
		blocked += v.verdict == SF_VERDICT_BLOCK;
		if (i == 6) {	/* the 7th OTP in the window */
			VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_RCPT_ALLOWED);
			CHECK_STR(v.reason, "behaviour.recipient_allowed_flood 7 > 6");
		}
	}
	CHECK_INT(passed, 6);
	CHECK_INT(blocked, 54);
	/* other subscribers still get their OTPs at once */
	{
		struct sf_sms s = mt("1069000100", "8613700000011",
				     "【某某科技】您的验证码是482913，5分钟内有效，请勿泄露。", T0 + 60 * NS);

		judge(&s, T0 + 60 * NS);
		VERDICT(SF_VERDICT_PASS, SF_CLASS_ALLOW, POLICY_ID_ALLOW_RULE);
	}
	/* the next window (recipient_window_s = 600) starts afresh */
	{
		struct sf_sms s = mt("1069000100", "8613700000010",
				     "【某某科技】您的验证码是482913，5分钟内有效，请勿泄露。", T0 + 600 * NS);

		judge(&s, T0 + 600 * NS);
		VERDICT(SF_VERDICT_PASS, SF_CLASS_ALLOW, POLICY_ID_ALLOW_RULE);
	}
}

/* A flood stops its own channel (POLICY.md step 6): during an OTP flood
 * through web services, a friend's message and the bank's own notice to
 * the victim pass; people and the bank are then limited on their own. */
static void bombing_channels(void)
{
	const char *victim = "8613700000040";
	struct sf_sms s;
	int blocked = 0;

	setup();
	for (int i = 0; i < 30; i++) {
		char port[32];

		snprintf(port, sizeof(port), "10690%05d", 300 + i * 7);
		s = mt(port, victim, "【某某科技】您的验证码是482913，5分钟内有效，请勿泄露。", T0 + (uint64_t)i * NS);
		judge(&s, T0 + (uint64_t)i * NS);
		blocked += v.verdict == SF_VERDICT_BLOCK;
	}
	CHECK_INT(blocked, 24);
	/* the service channel is over every limit; a friend writes */
	s = mt("13912340500", victim, "晚上一起吃火锅吗？老地方，六点半。", T0 + 31 * NS);
	judge(&s, T0 + 31 * NS);
	CHECK_INT(v.verdict, SF_VERDICT_PASS);
	CHECK_INT(v.policy_id, POLICY_ID_NONE);
	/* the bank (protected, from its own SMSC) sends its notice */
	s = mt("95588", victim, "您尾号4821卡于03月12日10:21消费支出150.00元，余额2,031.55元。【工商银行】", T0 + 32 * NS);
	judge(&s, T0 + 32 * NS);
	VERDICT(SF_VERDICT_PASS, SF_CLASS_ALLOW, POLICY_ID_ALLOW_RULE);
	/* another web service is still in the flooded channel */
	s = mt("1069099999", victim, "【某某科技】您的验证码是482913，5分钟内有效，请勿泄露。", T0 + 33 * NS);
	judge(&s, T0 + 33 * NS);
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_RCPT_ALLOWED);
	/* people: 12 distinct senders (the friend is one) pass, the 13th is
	 * over recipient_senders_max in their own channel */
	for (int i = 1; i <= 12; i++) {
		char from[32];

		snprintf(from, sizeof(from), "139123405%02d", i);
		s = mt(from, victim, "在吗？回个电话", T0 + (uint64_t)(40 + i) * NS);
		judge(&s, T0 + (uint64_t)(40 + i) * NS);
		if (i < 12)
			CHECK_INT(v.verdict, SF_VERDICT_PASS);
	}
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_RCPT_SENDERS);
	CHECK_STR(v.reason, "behaviour.recipient_senders 13 > 12");
	/* the bank's OTPs abused to flood the victim: its own count, the 7th
	 * allowed message of the bank's channel blocks */
	for (int i = 1; i <= 6; i++) {
		s = mt("95588", victim, "【工商银行】您的验证码是482913，请勿泄露。", T0 + (uint64_t)(60 + i) * NS);
		judge(&s, T0 + (uint64_t)(60 + i) * NS);
		if (i < 6)
			VERDICT(SF_VERDICT_PASS, SF_CLASS_ALLOW, POLICY_ID_ALLOW_RULE);
	}
	VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_RCPT_ALLOWED);
	CHECK_STR(v.reason, "behaviour.recipient_allowed_flood 7 > 6");
}

/* Bombing with ordinary texts: many senders, then one exempt sender. */
static void bombing(void)
{
	int passed = 0;

	setup();
	for (int i = 0; i < 20; i++) {
		char from[32];
		struct sf_sms s;

		snprintf(from, sizeof(from), "139123401%02d", i);
		s = mt(from, "8613700000020", "在吗？回个电话", T0 + (uint64_t)i * NS);
		judge(&s, T0 + (uint64_t)i * NS);
		passed += v.verdict == SF_VERDICT_PASS;
		if (i == 12) {
			VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_RCPT_SENDERS);
			CHECK_STR(v.reason, "behaviour.recipient_senders 13 > 12");
		}
	}
	CHECK_INT(passed, 12);
	/* an exempt industry port (rate_exempt 106) flooding one recipient:
	 * 40 messages pass, the 41st blocks */
	setup();
	passed = 0;
	for (int i = 0; i < 45; i++) {
		struct sf_sms s = mt("10657000001", "8613700000021", "会员日活动通知", T0 + (uint64_t)i * NS);

		judge(&s, T0 + (uint64_t)i * NS);
		passed += v.verdict != SF_VERDICT_BLOCK;
		if (i == 40) {
			VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_RCPT_FLOOD);
			CHECK_STR(v.reason, "behaviour.recipient_flood 41 > 40");
		}
	}
	CHECK_INT(passed, 40);
	/* parts 2..n of a concatenated message are not counted again */
	setup();
	cfg.recipient_max = 3;
	for (int i = 0; i < 3; i++) {
		for (int p = 1; p <= 3; p++) {
			struct sf_sms s = mt("10657000001", "8613700000022", "会员日活动通知", T0);

			s.has_concat = 1;
			s.concat_total = 3;
			s.concat_seq = (uint8_t)p;
			s.concat_ref = (uint16_t)i;
			judge(&s, T0 + (uint64_t)i * NS);
			CHECK(v.verdict != SF_VERDICT_BLOCK);
		}
	}
	{
		struct sf_sms s = mt("10657000001", "8613700000022", "会员日活动通知", T0 + 4 * NS);

		judge(&s, T0 + 4 * NS);
		VERDICT(SF_VERDICT_BLOCK, SF_CLASS_HARASSMENT, POLICY_ID_RCPT_FLOOD);
	}
	/* [actions] harassment = tag turns bombing into a tag */
	cfg.class_action[SF_CLASS_HARASSMENT] = SF_ACT_TAG;
	{
		struct sf_sms s = mt("10657000001", "8613700000022", "会员日活动通知", T0 + 5 * NS);

		judge(&s, T0 + 5 * NS);
		VERDICT(SF_VERDICT_TAG, SF_CLASS_HARASSMENT, POLICY_ID_RCPT_FLOOD);
	}
}

/* Two lcores' states on one shared recipient table give the verdicts of
 * one state (issue 11 item 5 for the per-recipient counts). */
static void shared_across_lcores(void)
{
	struct policy_state *one, *lc[2];
	struct policy_shared *sh;
	struct policy_state_stats ss;
	char err[128];
	int v1[30], v2[30];

	setup();
	cfg.recipient_senders_max = 5;
	sh = policy_shared_create(&cfg, err, sizeof(err));
	CHECK(sh != NULL);
	one = policy_state_create(&cfg, err, sizeof(err));
	lc[0] = policy_state_create(&cfg, err, sizeof(err));
	lc[1] = policy_state_create(&cfg, err, sizeof(err));
	CHECK(one && lc[0] && lc[1]);
	if (!sh || !one || !lc[0] || !lc[1])
		return;
	policy_state_attach_shared(lc[0], sh);
	policy_state_attach_shared(lc[1], sh);
	for (int run = 0; run < 2; run++) {
		for (int i = 0; i < 30; i++) {
			char from[32];
			struct sf_sms s;

			snprintf(from, sizeof(from), "139123402%02d", i % 10);
			st = run == 0 ? one : lc[i % 2];
			s = mt(from, "8613700000030", "在吗？回个电话", T0 + (uint64_t)i * NS);
			judge(&s, T0 + (uint64_t)i * NS);
			(run == 0 ? v1 : v2)[i] = (int)v.policy_id;
		}
	}
	CHECK(memcmp(v1, v2, sizeof(v1)) == 0);
	CHECK_INT(v1[4], POLICY_ID_NONE);
	CHECK_INT(v1[5], POLICY_ID_RCPT_SENDERS);	/* the 6th distinct sender */
	CHECK_INT(v1[12], POLICY_ID_RCPT_SENDERS);	/* 10 senders now */
	policy_state_stats(lc[0], &ss);
	CHECK_INT(ss.recipients.inserts, 1);
	CHECK_INT(ss.pairs.inserts, 10);
	CHECK_INT(ss.recipients.refused, 0);
	st = NULL;
	policy_state_free(one);
	policy_state_free(lc[0]);
	policy_state_free(lc[1]);
	policy_shared_free(sh);
}

/* A full neighbourhood takes the least recently used slot for a new
 * recipient (counted as an eviction); a recipient under attack, counted
 * in the current window, outlives the idle ones. */
static void shared_evicts_lru_when_full(void)
{
	struct policy_state_stats ss;

	setup();
	cfg.recipients_max = 8;		/* 64 slots (the minimum), probes of 32 */
	cfg.recipient_senders_max = 5;
	policy_state_free(st);
	{
		char err[128];

		st = policy_state_create(&cfg, err, sizeof(err));
	}
	CHECK(st != NULL);
	/* 40 recipients, one message each, in a window long gone */
	for (int i = 0; i < 40; i++) {
		char to[32];
		struct sf_sms s;

		snprintf(to, sizeof(to), "8613700001%03d", i);
		s = mt("13912340100", to, "你好", T0);
		judge(&s, T0);
	}
	policy_state_stats(st, &ss);
	CHECK_INT(ss.recipients.inserts, 40);
	CHECK_INT(ss.recipients.used + ss.recipients.evictions, 40);
	/* the current window: a victim gets one message from each of 5
	 * senders, then 200 new recipients one message each */
	for (int i = 0; i < 5; i++) {
		char from[32];
		struct sf_sms s;

		snprintf(from, sizeof(from), "1391234%04d", i);
		s = mt(from, "8613700009999", "在吗", T0 + 600 * NS);
		judge(&s, T0 + 600 * NS);
	}
	for (int i = 0; i < 200; i++) {
		char to[32];
		struct sf_sms s;

		snprintf(to, sizeof(to), "8613700002%03d", i);
		s = mt("13912340100", to, "你好", T0 + 600 * NS);
		judge(&s, T0 + 600 * NS);
	}
	policy_state_stats(st, &ss);
	CHECK_INT(ss.recipients.inserts, 40 + 1 + 200);
	CHECK_INT(ss.recipients.refused, 0);
	CHECK_INT(ss.recipients.used, 64);
	CHECK_INT(ss.recipients.used + ss.recipients.expired + ss.recipients.evictions, 241);
	CHECK(ss.recipients.expired > 0);	/* the old window's slots first */
	CHECK(ss.recipients.evictions > 0);
	/* the victim's five senders are still counted: the sixth goes over
	 * (recipient_senders_max 5 in this configuration) */
	{
		struct sf_sms s = mt("13912349999", "8613700009999", "在吗", T0 + 601 * NS);

		judge(&s, T0 + 601 * NS);
		CHECK_INT(v.policy_id, POLICY_ID_RCPT_SENDERS);
	}
}

int main(int argc, char **argv)
{
	uint8_t *img = NULL;
	size_t len = 0;
	char err[256];

	if (argc < 2) {
		fprintf(stderr, "usage: %s RULES_DIR\n", argv[0]);
		return 2;
	}
	if (engine_bundle(argv[1], &img, &len) != 0) {
		fprintf(stderr, "cannot compile %s\n", argv[1]);
		return 1;
	}
	b = scan_bundle_load(img, len, err, sizeof(err));
	if (!b) {
		fprintf(stderr, "bundle: %s\n", err);
		return 1;
	}
	scr = scan_scratch_create(b);
	CHECK(scr != NULL);
	RUN(appended_otp_never_passes_fraud);
	RUN(real_otps_pass);
	RUN(otp_flood_to_one);
	RUN(bombing_channels);
	RUN(bombing);
	RUN(shared_across_lcores);
	RUN(shared_evicts_lru_when_full);
	scan_scratch_free(scr);
	scan_bundle_free(b);
	policy_state_free(st);
	free(img);
	return TEST_SUMMARY();
}
