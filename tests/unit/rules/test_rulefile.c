/* SPDX-License-Identifier: BSD-3-Clause */
/* Rule file reader: keys, defines expanded across files in any order (and
 * cycles refused), sender lists and sets, example sender prefixes, trailing
 * comments on simple values, and the file:line of each mistake.
 * Spec: rules/FORMAT.md. */
#include <string.h>

#include <hs/hs.h>

#include "sf_test.h"
#include "sf_verdict.h"
#include "scan/rulefile.h"

static struct rulefile *parse2(const char *a, const char *b)
{
	struct rulefile *rf = rulefile_new();

	rulefile_add_buf(rf, "a.rules", a, strlen(a));
	if (b)
		rulefile_add_buf(rf, "b.rules", b, strlen(b));
	rulefile_resolve(rf);
	rulefile_sort_diags(rf);
	return rf;
}

static void check_diag(const struct rulefile *rf, unsigned i, const char *file, unsigned line,
		       const char *msg)
{
	CHECK(i < rf->n_diags);
	if (i >= rf->n_diags)
		return;
	CHECK_STR(rf->diags[i].file, file);
	CHECK_INT(rf->diags[i].line, line);
	CHECK_STR(rf->diags[i].msg, msg);
}

static void test_full_rule(void)
{
	struct rulefile *rf = parse2(
		"# comment\n"
		"class fake_base_station   # trailing comment\r\n"
		"\n"
		"rule 42\n"
		"  action  score 30   # comment\n"
		"  pattern 积分.{0,10}{URL}\n"
		"  flags   is\n"
		"  sender  !@BANKS\n"
		"  desc    Points # not a comment in a desc\n"
		"  match   sender=+8695588 积分 a.cn\n"
		"  nomatch 你好\n",
		"define URL = [a-z]+\\.{TLD}\n"
		"define TLD = (?:cn|cc)\n"
		"senders BANKS = 95588 106*\n"
		"threshold 150\n");
	const struct rulefile_rule *r;

	CHECK_INT(rf->n_diags, 0);
	CHECK_INT(rf->n_rules, 1);
	CHECK_INT(rf->threshold, 150);
	r = &rf->rules[0];
	CHECK_INT(r->id, 42);
	CHECK_INT(r->class_id, SF_CLASS_FAKE_BASE_STATION);
	CHECK_INT(r->action, SF_ACT_SCORE);
	CHECK_INT(r->score, 30);
	CHECK_INT(r->hs_flags, HS_FLAG_CASELESS | HS_FLAG_DOTALL);
	CHECK_STR(r->pattern, "积分.{0,10}(?:[a-z]+\\.(?:(?:cn|cc)))");
	CHECK_STR(r->desc, "Points # not a comment in a desc");
	CHECK_INT(r->sender_neg, 1);
	CHECK_INT(r->sender_set, 1);
	CHECK_INT(r->n_ex, 2);
	CHECK_STR(r->ex[0].sender, "+8695588");
	CHECK_STR(r->ex[0].text, "积分 a.cn");
	CHECK_INT(r->ex[0].match, 1);
	CHECK_INT(r->ex[0].line, 10);
	CHECK(r->ex[1].sender == NULL);
	CHECK_INT(r->ex[1].match, 0);
	CHECK_INT(r->line, 4);
	CHECK_INT(r->pattern_line, 6);
	CHECK_STR(r->src, "a.rules:4");
	CHECK_INT(rf->n_sets, 1);
	CHECK_INT(rf->sets[0].n, 2);
	CHECK_STR(rf->sets[0].e[0].value, "95588");
	CHECK_INT(rf->sets[0].e[1].prefix, 1);
	CHECK_STR(rf->sets[0].e[1].value, "106");
	rulefile_free(rf);
}

static void test_inline_senders_and_sort(void)
{
	struct rulefile *rf = parse2(
		"class allow\n"
		"rule 9\n"
		"  pattern 验证码\n"
		"  sender  95588 95533\n"
		"  desc    d\n"
		"  match   验证码\n"
		"rule 3\n"
		"  action  allow\n"
		"  pattern 通知\n"
		"  desc    d\n"
		"  match   通知\n", NULL);

	CHECK_INT(rf->n_diags, 0);
	CHECK_INT(rf->n_rules, 2);
	CHECK_INT(rf->rules[0].id, 3);	/* sorted by id */
	CHECK_INT(rf->rules[1].action, SF_ACT_ALLOW);	/* class allow defaults to allow */
	CHECK_INT(rf->rules[1].sender_set, 1);
	CHECK_STR(rf->sets[0].name, "rule_9");
	CHECK_INT(rf->sets[0].n, 2);
	rulefile_free(rf);
}

static void test_define_errors(void)
{
	struct rulefile *rf = parse2(
		"define A = x{B}\n"
		"define B = y{A}\n"
		"define C = {NOPE}\n"
		"define bad = z\n"
		"senders S =\n", NULL);

	CHECK_INT(rf->n_diags, 4);
	check_diag(rf, 0, "a.rules", 2, "define B: define {A} refers to itself");
	check_diag(rf, 1, "a.rules", 3, "define C: unknown define {NOPE}");
	check_diag(rf, 2, "a.rules", 4,
		   "bad define name \"bad\" (A-Z, 0-9, _; starting with a letter)");
	check_diag(rf, 3, "a.rules", 5, "senders S has no value");
	rulefile_free(rf);
}

static void test_rule_errors(void)
{
	struct rulefile *rf = parse2(
		"rule 5\n"
		"  action block\n"
		"  pattern x{2}y\n"
		"  desc d\n"
		"  match xxy\n"
		"class contraband\n",
		"class contraband\n"
		"rule 5\n"
		"  action tag\n"
		"  pattern z\n"
		"  desc d\n"
		"  match z\n"
		"  sender @\n"
		"rule 99999999999\n"
		"  pattern q\n");

	check_diag(rf, 0, "a.rules", 1, "rule 5 before any class line");
	check_diag(rf, 1, "b.rules", 2, "duplicate rule id 5 (first at a.rules:1)");
	check_diag(rf, 2, "b.rules", 7, "rule 5: bad sender set name \"\"");
	check_diag(rf, 3, "b.rules", 8, "bad rule id \"99999999999\" (1..4294967295)");
	CHECK_INT(rf->n_diags, 4);
	/* "{2}" is a quantifier, not a define */
	CHECK_STR(rf->rules[0].pattern, "x{2}y");
	rulefile_free(rf);
}

static void test_and_lines(void)
{
	struct rulefile *rf = parse2(
		"class fake_offer\n"
		"define QQ = (?:qq|扣扣)\n"
		"rule 7\n"
		"  action block\n"
		"  pattern 兼职\n"
		"  and     日结 # not a comment\n"
		"  and     加{QQ}\n"
		"  desc d\n"
		"  match 兼职日结加qq\n"
		"rule 8\n"
		"  action tag\n"
		"  pattern a\n"
		"  and\n"
		"  and b\n  and c\n  and d\n  and e\n  and f\n  and g\n  and h\n  and i\n"
		"  desc d\n"
		"  match abcdefgh\n", NULL);

	check_diag(rf, 0, "a.rules", 13, "rule 8: empty \"and\" pattern");
	check_diag(rf, 1, "a.rules", 21, "rule 8: more than 7 \"and\" lines");
	CHECK_INT(rf->n_diags, 2);
	CHECK_INT(rf->rules[0].n_and, 2);
	CHECK_STR(rf->rules[0].and_pat[0], "日结 # not a comment");
	CHECK_STR(rf->rules[0].and_pat[1], "加(?:(?:qq|扣扣))");
	CHECK_INT(rf->rules[0].and_line[1], 7);
	CHECK_INT(rf->rules[1].n_and, 7);
	rulefile_free(rf);
}

static void test_digest(void)
{
	struct rulefile *a = parse2("define X = a\n", NULL);
	struct rulefile *b = parse2("define X = b\n", NULL);
	uint8_t da[32], db[32], da2[32];

	rulefile_digest(a, da);
	rulefile_digest(b, db);
	rulefile_digest(a, da2);
	CHECK(memcmp(da, db, 32) != 0);
	CHECK_MEM(da, da2, 32);
	rulefile_free(a);
	rulefile_free(b);
}

int main(void)
{
	RUN(test_full_rule);
	RUN(test_inline_senders_and_sort);
	RUN(test_define_errors);
	RUN(test_rule_errors);
	RUN(test_and_lines);
	RUN(test_digest);
	return TEST_SUMMARY();
}
