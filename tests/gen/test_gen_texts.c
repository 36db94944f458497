/* SPDX-License-Identifier: BSD-3-Clause */
/* The generator's corpus loader (label<TAB>...<TAB>text) on well-formed and
 * hostile files: which rows land in which pool, with which label, category
 * and class, and which are skipped. */
#include <unistd.h>

#include "sf_test.h"

#include "gen.h"

static char dir[] = "/tmp/smsfw-gen-texts-XXXXXX";

static const char *write_file(const char *name, const char *data, size_t n)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return NULL;
	fwrite(data, 1, n, f);
	fclose(f);
	return path;
}

static void test_builtins(void)
{
	struct text_db *db = text_db_new();
	struct gen_rng r;
	const struct gen_text *t;

	CHECK(db != NULL);
	rng_seed(&r, 1);
	for (int p = 0; p < POOL__COUNT; p++)
		CHECK(text_db_count(db, (enum text_pool)p) > 0);
	t = text_db_pick(db, POOL_FRAUD, &r);
	CHECK(t != NULL);
	CHECK_STR(t->cls, "fraud_impersonation");
	CHECK(t->label == NULL);	/* built-in: no corpus label */
	text_db_free(db);
}

static void test_spam_corpus(void)
{
	static const char data[] =
		"1\t买二送一，回T退订\r\n"	/* CRLF: the CR is dropped */
		"0\t明天见\n"
		"spam\tFREE entry\n"
		"ham\tok\n"
		"\n"				/* empty line */
		"no tab here\n"
		"2\tunknown label\n"
		"1\t\n"				/* empty text */
		"1\tbad \xff\xfe utf8\n"	/* not UTF-8: skipped */
		"0\tctl\x01" "char";		/* no final newline; control char → space */
	struct text_db *db = text_db_new();
	char err[128];
	const char *path = write_file("zh_sms.tsv", data, sizeof(data) - 1);
	struct gen_rng r;
	const struct gen_text *t;
	int saw_ctl = 0;

	CHECK_INT(text_db_load(db, path, err, sizeof(err)), 5);
	CHECK_INT(text_db_count(db, POOL_SPAM), 2);	/* corpus rows replace built-ins */
	CHECK_INT(text_db_count(db, POOL_HAM), 3);
	CHECK(text_db_count(db, POOL_FRAUD) > 0);	/* still the built-ins */
	rng_seed(&r, 2);
	for (int i = 0; i < 50; i++) {
		t = text_db_pick(db, POOL_SPAM, &r);
		CHECK_STR(t->cls, "commercial_ad");
		CHECK(strcmp(t->text, "买二送一，回T退订") == 0 || strcmp(t->text, "FREE entry") == 0);
		CHECK(t->len == strlen(t->text));
		t = text_db_pick(db, POOL_HAM, &r);
		CHECK(t->cls == NULL);
		if (!strcmp(t->text, "ctl char"))
			saw_ctl = 1;
	}
	CHECK(saw_ctl);
	text_db_free(db);
}

static void test_fraud_corpus(void)
{
	static const char data[] =
		"1\timpersonate_police_gov\t我是公安局民警\n"
		"0\tnormal\t欢迎光临\n";
	struct text_db *db = text_db_new();
	char err[128];
	const char *path = write_file("zh_telecom_fraud.tsv", data, sizeof(data) - 1);
	struct gen_rng r;
	const struct gen_text *t;

	/* its "normal" row is not fraud but not ham either (advertising) */
	CHECK_INT(text_db_load(db, path, err, sizeof(err)), 1);
	CHECK_INT(text_db_count(db, POOL_FRAUD), 1);
	rng_seed(&r, 3);
	t = text_db_pick(db, POOL_FRAUD, &r);
	CHECK_STR(t->text, "我是公安局民警");
	CHECK_STR(t->label, "1");
	CHECK_STR(t->category, "impersonate_police_gov");
	CHECK_STR(t->cls, "fraud_impersonation");
	t = text_db_pick(db, POOL_HAM, &r);
	CHECK(t->label == NULL);	/* still the built-in ham */
	text_db_free(db);
}

static void test_missing_file(void)
{
	struct text_db *db = text_db_new();
	char err[128];

	CHECK_INT(text_db_load(db, "/nonexistent/x.tsv", err, sizeof(err)), -1);
	CHECK(strstr(err, "cannot open") != NULL);
	text_db_free(db);
}

static void test_scenario_names(void)
{
	for (int i = 0; i < SCN__COUNT; i++)
		CHECK_INT(gen_scn_parse(gen_scn_name((enum gen_scn)i)), i);
	CHECK_INT(gen_scn_parse("shielded_delivery"), SCN_SHIELDED);
	CHECK_INT(gen_scn_parse("nope"), -1);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	RUN(test_builtins);
	RUN(test_spam_corpus);
	RUN(test_fraud_corpus);
	RUN(test_missing_file);
	RUN(test_scenario_names);
	unlink(write_file("zh_sms.tsv", "", 0));
	unlink(write_file("zh_telecom_fraud.tsv", "", 0));
	rmdir(dir);
	return TEST_SUMMARY();
}
