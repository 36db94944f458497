/* SPDX-License-Identifier: BSD-3-Clause */
/* The geo step (issue 5 step 8) against a MaxMind DB that the test writes
 * itself with mkmmdb.pl (libmaxmind-db-writer-perl): IP-literal URL hosts
 * and SIGTRAN peers, blocked and suspicious countries.
 * Usage: test_policy_geo MKMMDB.pl OUT.mmdb; exits 77 (skip) without the
 * Perl module. */
#include <arpa/inet.h>
#include <sys/wait.h>

#include "sf_test.h"
#include "sf_wire.h"
#include "policy.h"

#define T0 (1795305600ULL * 1000000000ULL)

static const char *db_path;

static void lookups(void)
{
	char err[512], cc[3];
	struct policy_geo *g = policy_geo_open(db_path, err, sizeof(err));
	uint8_t a[16];

	CHECK(g != NULL);
	inet_pton(AF_INET, "192.0.2.5", a);
	CHECK_INT(policy_geo_country(g, 4, a, cc), 1);
	CHECK_STR(cc, "KP");
	inet_pton(AF_INET, "198.51.100.7", a);
	CHECK_INT(policy_geo_country(g, 4, a, cc), 1);
	CHECK_STR(cc, "XS");
	inet_pton(AF_INET, "203.0.113.1", a);
	CHECK_INT(policy_geo_country(g, 4, a, cc), 1);
	CHECK_STR(cc, "CN");
	inet_pton(AF_INET, "10.0.0.1", a);
	CHECK_INT(policy_geo_country(g, 4, a, cc), 0);
	CHECK_STR(cc, "");
	inet_pton(AF_INET6, "2001:db8::1", a);	/* only registered_country */
	CHECK_INT(policy_geo_country(g, 6, a, cc), 1);
	CHECK_STR(cc, "KP");
	inet_pton(AF_INET6, "2001:db9::1", a);
	CHECK_INT(policy_geo_country(g, 6, a, cc), 0);
	CHECK_INT(policy_geo_country(g, 5, a, cc), 0);
	CHECK_INT(policy_geo_country(NULL, 4, a, cc), 0);
	policy_geo_close(g);

	CHECK(policy_geo_open("/nonexistent/x.mmdb", err, sizeof(err)) == NULL);
	CHECK(strncmp(err, "/nonexistent/x.mmdb: ", 21) == 0);
	/* a file that is not a MaxMind DB */
	{
		char bad[1024];
		FILE *f;

		snprintf(bad, sizeof(bad), "%s.bad", db_path);
		f = fopen(bad, "wb");
		CHECK(f != NULL);
		if (f) {
			fputs("not a maxmind database\n", f);
			fclose(f);
		}
		CHECK(policy_geo_open(bad, err, sizeof(err)) == NULL);
		CHECK(strncmp(err, bad, strlen(bad)) == 0);
		remove(bad);
	}
}

static struct sf_sms mo(const char *text)
{
	struct sf_sms s;

	memset(&s, 0, sizeof(s));
	s.op = SF_OP_MO_FORWARD_SM;
	s.direction = SF_DIR_MO;
	s.mti = SF_TP_MTI_SUBMIT;
	s.oa_type = SF_OA_MSISDN;
	strcpy(s.sm_rp_oa, "8613600000001");
	strcpy(s.tp_da, "8613500000001");
	s.text = text;
	s.text_len = strlen(text);
	return s;
}

static void evaluate(void)
{
	struct policy_config cfg;
	struct policy_env env = { .cfg = &cfg };
	struct policy_state *st;
	struct policy_verdict v;
	struct sf_sms s;
	char err[512];
	static const struct {
		const char *text;
		int verdict;
		unsigned policy;
		const char *reason;
	} cases[] = {
		{ "点击 http://192.0.2.5/login 解冻", SF_VERDICT_BLOCK, POLICY_ID_GEO_URL_BLOCKED, "geo url 192.0.2.5 KP blocked" },
		{ "http://198.51.100.7:8080/x", SF_VERDICT_TAG, POLICY_ID_GEO_URL_SUSPICIOUS, "geo url 198.51.100.7 XS suspicious" },
		{ "visit 203.0.113.1 now", SF_VERDICT_PASS, POLICY_ID_NONE, "" },
		{ "http://[2001:db8::1]/a", SF_VERDICT_BLOCK, POLICY_ID_GEO_URL_BLOCKED, "geo url 2001:db8::1 KP blocked" },
		/* not IP literals: part of longer runs, octet > 255 */
		{ "v1.192.0.2.5 and 192.0.2.256 and 1192.0.2.5", SF_VERDICT_PASS, POLICY_ID_NONE, "" },
		/* the first blocked host decides, a suspicious one before it is a tag */
		{ "198.51.100.1 192.0.2.1", SF_VERDICT_BLOCK, POLICY_ID_GEO_URL_BLOCKED,
		  "geo url 198.51.100.1 XS suspicious; geo url 192.0.2.1 KP blocked" },
	};

	policy_config_defaults(&cfg);
	cfg.senders_max = cfg.pairs_max = cfg.imsi_max = 1024;
	CHECK_INT(policy_config_set(&cfg, "geo", "blocked", "kp", err, sizeof(err)), 0);
	CHECK_INT(policy_config_set(&cfg, "geo", "suspicious", "XS, ZZ", err, sizeof(err)), 0);
	env.geo = policy_geo_open(db_path, err, sizeof(err));
	CHECK(env.geo != NULL);
	st = policy_state_create(&cfg, err, sizeof(err));

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = mo(cases[i].text);
		CHECK_INT(policy_evaluate(&env, st, &s, NULL, T0, &v, NULL), SF_OK);
		CHECK_INT(v.verdict, cases[i].verdict);
		CHECK_INT(v.policy_id, cases[i].policy);
		CHECK_STR(v.reason, cases[i].reason);
		if (v.verdict != SF_VERDICT_PASS)
			CHECK_INT(v.step, POLICY_STEP_GEO);
	}
	/* the normalised text from the scan is preferred: full-width digits */
	{
		const char *norm = "http://192.0.2.5/";
		struct policy_scan sc = { .text = norm, .text_len = strlen(norm) };

		s = mo("ｈｔｔｐ://１９２.０.２.５/");
		policy_evaluate(&env, st, &s, &sc, T0, &v, NULL);
		CHECK_INT(v.policy_id, POLICY_ID_GEO_URL_BLOCKED);
	}
	/* SIGTRAN peers */
	s = mo("hello");
	s.ip_version = 4;
	inet_pton(AF_INET, "203.0.113.9", s.src_ip);
	inet_pton(AF_INET, "192.0.2.9", s.dst_ip);
	policy_evaluate(&env, st, &s, NULL, T0, &v, NULL);
	CHECK_INT(v.verdict, SF_VERDICT_BLOCK);
	CHECK_INT(v.policy_id, POLICY_ID_GEO_PEER_BLOCKED);
	CHECK_STR(v.reason, "geo peer 192.0.2.9 KP blocked");
	s.ip_version = 6;
	memset(s.dst_ip, 0, 16);
	inet_pton(AF_INET6, "2001:db8::5", s.src_ip);
	policy_evaluate(&env, st, &s, NULL, T0, &v, NULL);
	CHECK_INT(v.policy_id, POLICY_ID_GEO_PEER_BLOCKED);
	CHECK_STR(v.reason, "geo peer 2001:db8::5 KP blocked");
	/* geo decides last: a content block comes first */
	{
		struct policy_scan sc = { .action = SF_ACT_BLOCK, .class_id = SF_CLASS_FRAUD_IMPERSONATION,
					  .rule_id = 1001 };

		s = mo("http://192.0.2.5/");
		policy_evaluate(&env, st, &s, &sc, T0, &v, NULL);
		CHECK_INT(v.policy_id, POLICY_ID_CONTENT_RULE);
	}
	/* no country lists: no lookups */
	cfg.n_geo_blocked = cfg.n_geo_suspicious = 0;
	s = mo("http://192.0.2.5/");
	policy_evaluate(&env, st, &s, NULL, T0, &v, NULL);
	CHECK_INT(v.verdict, SF_VERDICT_PASS);

	policy_state_free(st);
	policy_geo_close((struct policy_geo *)env.geo);
}

int main(int argc, char **argv)
{
	char cmd[4096];
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: %s MKMMDB.pl OUT.mmdb\n", argv[0]);
		return 1;
	}
	snprintf(cmd, sizeof(cmd), "perl '%s' '%s'", argv[1], argv[2]);
	rc = system(cmd);
	if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) == 127) {
		printf("SKIP: cannot run perl\n");
		return 77;
	}
	if (WEXITSTATUS(rc) == 77) {
		printf("SKIP: MaxMind::DB::Writer (libmaxmind-db-writer-perl) is not installed\n");
		return 77;
	}
	if (WEXITSTATUS(rc) != 0) {
		fprintf(stderr, "%s failed with %d\n", cmd, WEXITSTATUS(rc));
		return 1;
	}
	db_path = argv[2];
	RUN(lookups);
	RUN(evaluate);
	return TEST_SUMMARY();
}
