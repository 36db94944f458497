/* SPDX-License-Identifier: BSD-3-Clause */
/* The pcapng comment of a flagged part (sf_engine_verdict_comment) against
 * snprintf's rendering of "<verdict> <class> rule <id> policy <id>:
 * <reason>; " for every buffer size: written whole, or not at all (an
 * empty string). And the names of the program's tables that the verdict
 * line writes without looking for characters to escape (sf_json_val_name):
 * every one plain. */
#include <stdio.h>
#include <string.h>

#include "engine/engine_json.h"
#include "policy/policy_ids.h"
#include "sf_sms.h"
#include "sf_test.h"

static int reference(const struct sf_part_verdict *v, char *buf, size_t cap)
{
	const char *cls = sf_class_name(v->pv.class_id);
	int n = snprintf(buf, cap, "%s %s rule %u policy %u: %s", sf_verdict_name(v->pv.verdict),
			 cls ? cls : "?", v->pv.rule_id, v->pv.policy_id, v->pv.reason);

	if (n < 0 || (size_t)n >= cap) {
		if (cap)
			buf[0] = 0;
		return 0;
	}
	if ((size_t)n + 2 < cap) {
		buf[n++] = ';';
		buf[n++] = ' ';
		buf[n] = 0;
	}
	return n;
}

static void test_every_size(void)
{
	static const uint32_t ids[] = { 0, 7, 1032, 4294967295u };
	static const char *reasons[] = { "", "rule 1032 score 50 >= 50",
					 "block number +18765550123 (lists.txt:12)" };
	unsigned bad = 0, cases = 0;

	for (unsigned vi = 0; vi < 3; vi++)
		for (unsigned ci = 0; ci < 8; ci++)
			for (unsigned ri = 0; ri < 3; ri++)
				for (unsigned ii = 0; ii < 4; ii++) {
					struct sf_part_verdict v;

					memset(&v, 0, sizeof(v));
					v.pv.verdict = (uint8_t)vi;
					v.pv.class_id = (uint8_t)ci;
					v.pv.rule_id = ids[ii];
					v.pv.policy_id = ids[3 - ii];
					snprintf(v.pv.reason, sizeof(v.pv.reason), "%s", reasons[ri]);
					for (size_t cap = 0; cap < 120; cap++) {
						char a[128], b[128];
						int na, nb;

						memset(a, 'Z', sizeof(a));
						memset(b, 'Z', sizeof(b));
						na = sf_engine_verdict_comment(&v, a, cap);
						nb = reference(&v, b, cap);
						cases++;
						/* the same string (what follows
						 * its NUL is scratch) */
						if (na != nb || (cap && strcmp(a, b) != 0) ||
						    (!cap && a[0] != 'Z'))
							bad++;
					}
				}
	CHECK(cases > 30000);
	CHECK(bad == 0);
}

/* 1 if s needs nothing escaped in a JSON string (RFC 8259 §7), or is NULL. */
static int plain(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == '"' || *s == '\\' || *s == 0x7F)
			return 0;
	return 1;
}

static void test_names_plain(void)
{
	int bad = 0, named = 0;

	for (unsigned i = 0; i < 16; i++) {
		bad += !plain(sf_sms_op_name((enum sf_sms_op)i)) + !plain(sf_dir_name((enum sf_dir)i)) +
		       !plain(sf_da_type_name((enum sf_da_type)i)) + !plain(sf_verdict_name(i));
	}
	for (unsigned i = 0; i < 256; i++)
		bad += !plain(sf_class_name(i));
	for (unsigned i = 0; i < 100000; i++) {
		bad += !plain(policy_id_name(i));
		named += policy_id_name(i) != NULL;
	}
	CHECK_INT(bad, 0);
	CHECK(named > 20);
}

int main(void)
{
	RUN(test_every_size);
	RUN(test_names_plain);
	return TEST_SUMMARY();
}
