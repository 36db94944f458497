/* SPDX-License-Identifier: BSD-3-Clause */
/* Lists generations (LISTS_SPEC.md): every entry kind looked up exactly,
 * longest prefixes, case-insensitive sender ids, expiry, and every
 * malformed line refused with its exact "file:line: message". */
#include "sf_test.h"
#include "policy_lists.h"

static const char lists_text[] =
	"# smsfw lists v1\n"
	"version 42\n"
	"block number 8613912345678 reason=reported by 57 users source=auto\n"
	"block prefix 170\n"
	"block prefix 1700   # longer prefix, wins for 1700...\n"
	"block sender PRIZE-CENTER\n"
	"block gt 8613999\n"
	"allow number 13800138000\n"		/* national form: stored canonical */
	"allow prefix 955\r\n"			/* CRLF line */
	"allow sender icbc\n"
	"allow gt 8613800\n"
	"shield 8613912345678 106575 source=manual\n"
	"shield 13700000000 1069\n"
	"imsi 460001234567890 8613912345678\n"
	"imsi 460001234567890 +8613912345678\n"	/* same mapping twice: fine */
	"block number 8613500000000 expires=1000\n"	/* expired at now = 1000 */
	"block number 8613500000001 expires=1001\n"
	"\n"
	"   # indented comment\n";

static struct policy_lists *load(void)
{
	char err[256] = "";
	struct policy_lists *l = policy_lists_parse_at(lists_text, strlen(lists_text), "lists.conf",
						       1000, err, sizeof(err));

	CHECK_STR(err, "");
	return l;
}

static void counts(void)
{
	struct policy_lists *l = load();
	struct policy_lists_counts c;

	CHECK(l != NULL);
	policy_lists_counts(l, &c);
	CHECK_INT(c.version, 42);
	CHECK_INT(policy_lists_version(l), 42);
	CHECK_INT(c.entries[POLICY_LIST_BLOCK][POLICY_ENTRY_NUMBER], 2);
	CHECK_INT(c.entries[POLICY_LIST_BLOCK][POLICY_ENTRY_PREFIX], 2);
	CHECK_INT(c.entries[POLICY_LIST_BLOCK][POLICY_ENTRY_SENDER], 1);
	CHECK_INT(c.entries[POLICY_LIST_BLOCK][POLICY_ENTRY_GT], 1);
	CHECK_INT(c.entries[POLICY_LIST_ALLOW][POLICY_ENTRY_NUMBER], 1);
	CHECK_INT(c.entries[POLICY_LIST_ALLOW][POLICY_ENTRY_PREFIX], 1);
	CHECK_INT(c.entries[POLICY_LIST_ALLOW][POLICY_ENTRY_SENDER], 1);
	CHECK_INT(c.entries[POLICY_LIST_ALLOW][POLICY_ENTRY_GT], 1);
	CHECK_INT(c.shields, 2);
	CHECK_INT(c.imsi, 1);
	CHECK_INT(c.expired, 1);
	policy_lists_free(l);
}

static void numbers(void)
{
	struct policy_lists *l = load();
	struct policy_list_match m;

	/* exact, in every number form */
	CHECK_INT(policy_lists_number(l, POLICY_LIST_BLOCK, "8613912345678", &m), 1);
	CHECK_INT(m.type, POLICY_ENTRY_NUMBER);
	CHECK_STR(m.key, "8613912345678");
	CHECK_STR(m.reason, "reported by 57 users");
	CHECK_INT(policy_lists_number(l, POLICY_LIST_BLOCK, "13912345678", &m), 1);
	CHECK_INT(policy_lists_number(l, POLICY_LIST_BLOCK, "+8613912345678", &m), 1);
	CHECK_INT(policy_lists_number(l, POLICY_LIST_BLOCK, "8613912345679", &m), 0);
	CHECK_INT(policy_lists_number(l, POLICY_LIST_ALLOW, "8613912345678", &m), 0);
	/* prefixes match the national form of a canonical mobile number */
	CHECK_INT(policy_lists_number(l, POLICY_LIST_BLOCK, "8617012345678", &m), 1);
	CHECK_INT(m.type, POLICY_ENTRY_PREFIX);
	CHECK_STR(m.key, "170");
	CHECK(m.reason == NULL);
	CHECK_INT(policy_lists_number(l, POLICY_LIST_BLOCK, "17001234567", &m), 1);
	CHECK_STR(m.key, "1700");
	CHECK_INT(policy_lists_number(l, POLICY_LIST_BLOCK, "17101234567", &m), 0);
	CHECK_INT(policy_lists_number(l, POLICY_LIST_ALLOW, "95588", &m), 1);
	CHECK_STR(m.key, "955");
	CHECK_INT(policy_lists_number(l, POLICY_LIST_ALLOW, "8613800138000", &m), 1);
	CHECK_STR(m.key, "8613800138000");
	/* expiry: 1000 is not after now = 1000, 1001 is */
	CHECK_INT(policy_lists_number(l, POLICY_LIST_BLOCK, "8613500000000", &m), 0);
	CHECK_INT(policy_lists_number(l, POLICY_LIST_BLOCK, "8613500000001", &m), 1);
	CHECK_INT(policy_lists_number(l, POLICY_LIST_BLOCK, "not-a-number", &m), 0);
	CHECK_INT(policy_lists_number(NULL, POLICY_LIST_BLOCK, "8613912345678", &m), 0);
	policy_lists_free(l);
}

static void senders_gts(void)
{
	struct policy_lists *l = load();
	struct policy_list_match m;

	CHECK_INT(policy_lists_sender(l, POLICY_LIST_BLOCK, "prize-center", &m), 1);
	CHECK_STR(m.key, "PRIZE-CENTER");
	CHECK_INT(m.type, POLICY_ENTRY_SENDER);
	CHECK_INT(policy_lists_sender(l, POLICY_LIST_BLOCK, "PRIZE-CENTRE", &m), 0);
	CHECK_INT(policy_lists_sender(l, POLICY_LIST_ALLOW, "ICBC", &m), 1);
	CHECK_INT(policy_lists_sender(l, POLICY_LIST_ALLOW, "", &m), 0);
	CHECK_INT(policy_lists_gt(l, POLICY_LIST_BLOCK, "8613999000123", &m), 1);
	CHECK_STR(m.key, "8613999");
	CHECK_INT(m.type, POLICY_ENTRY_GT);
	CHECK_INT(policy_lists_gt(l, POLICY_LIST_BLOCK, "8613998000123", &m), 0);
	CHECK_INT(policy_lists_gt(l, POLICY_LIST_BLOCK, "861399", &m), 0);
	CHECK_INT(policy_lists_gt(l, POLICY_LIST_ALLOW, "8613800", &m), 1);
	policy_lists_free(l);
}

static void shields_imsi(void)
{
	struct policy_lists *l = load();
	struct policy_list_match m;

	CHECK_INT(policy_lists_shielded(l, "8613912345678", "106575", &m), 1);
	CHECK_STR(m.key, "8613912345678|106575");
	CHECK_INT(m.type, POLICY_ENTRY_SHIELD);
	CHECK_INT(policy_lists_shielded(l, "13912345678", "1065751234", &m), 1);
	CHECK_INT(policy_lists_shielded(l, "8613912345678", "106576", &m), 0);
	CHECK_INT(policy_lists_shielded(l, "8613912345679", "106575", &m), 0);
	CHECK_INT(policy_lists_shielded(l, "8613700000000", "10690001", &m), 1);
	CHECK_STR(m.key, "8613700000000|1069");
	CHECK_STR(policy_lists_imsi(l, "460001234567890"), "8613912345678");
	CHECK(policy_lists_imsi(l, "460001234567891") == NULL);
	CHECK(policy_lists_imsi(l, "") == NULL);
	policy_lists_free(l);
}

static void errors(void)
{
	static const struct { const char *text, *err; } cases[] = {
		{ "block foo 1\n", "lists.conf:1: block: expected number, prefix, sender or gt, got 'foo'" },
		{ "\n# c\nfrobnicate x\n", "lists.conf:3: unknown directive 'frobnicate'" },
		{ "block number 12ab\n", "lists.conf:1: block number: '12ab' is not a number (1-20 digits)" },
		{ "allow number 123456789012345678901\n", "lists.conf:1: allow number: '123456789012345678901' is not a number (1-20 digits)" },
		{ "block prefix\n", "lists.conf:1: block prefix: missing value" },
		{ "block\n", "lists.conf:1: block: expected number, prefix, sender or gt" },
		{ "block prefix 1x\n", "lists.conf:1: block prefix: '1x' is not a number prefix (1-20 digits)" },
		{ "block gt +86\n", "lists.conf:1: block gt: '+86' is not a global-title prefix (1-40 digits)" },
		{ "block sender ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ\n",
		  "lists.conf:1: block sender: 'ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ' is longer than 48 bytes" },
		{ "block sender AB\x01" "C\n", "lists.conf:1: block sender: 'AB\x01" "C' is not printable UTF-8" },
		{ "block sender \xff\xfe\n", "lists.conf:1: block sender: '\xff\xfe' is not printable UTF-8" },
		{ "version 1\nversion 2\n", "lists.conf:2: version: given twice" },
		{ "version x\n", "lists.conf:1: version: 'x' is not a number" },
		{ "version 99999999999999999999\n", "lists.conf:1: version: '99999999999999999999' is not a number" },
		{ "version\n", "lists.conf:1: version: missing number" },
		{ "version 1 2\n", "lists.conf:1: unexpected '2'" },
		{ "imsi 123 8613900000000\n", "lists.conf:1: imsi: '123' is not an IMSI (6-15 digits)" },
		{ "imsi 460001234567890 x\n", "lists.conf:1: imsi: MSISDN 'x' is not a number (1-20 digits)" },
		{ "imsi 460001234567890\n", "lists.conf:1: imsi: expected IMSI MSISDN" },
		{ "imsi 460001234567890 8613900000000\n\nimsi 460001234567890 8613900000001\n",
		  "lists.conf:3: imsi 460001234567890 already mapped to 8613900000000" },
		{ "block number 8613900000000 extra\n", "lists.conf:1: unexpected 'extra'" },
		{ "shield 8613900000000\n", "lists.conf:1: shield: expected SUBSCRIBER PORT" },
		{ "shield abc 106\n", "lists.conf:1: shield: subscriber 'abc' is not a number (1-20 digits)" },
		{ "shield 8613900000000 106x\n", "lists.conf:1: shield: port '106x' is not a number prefix (1-20 digits)" },
		{ "block number 1 expires=soon\n", "lists.conf:1: expires: 'soon' is not unix seconds" },
		{ "block number 1 source=robot\n", "lists.conf:1: source: 'robot' is not auto or manual" },
		{ "block number 1 =x\n", "lists.conf:1: unexpected '=x'" },
		{ "ok\0block\n", NULL },	/* NUL: checked below with its length */
	};
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct policy_lists *l;

		if (!cases[i].err)
			continue;
		err[0] = 0;
		l = policy_lists_parse_at(cases[i].text, strlen(cases[i].text), "lists.conf", 0,
					  err, sizeof(err));
		CHECK(l == NULL);
		CHECK_STR(err, cases[i].err);
		policy_lists_free(l);
	}
	/* a NUL byte inside a line */
	CHECK(policy_lists_parse_at("version 1\nblock\0x\n", 18, "l", 0, err, sizeof(err)) == NULL);
	CHECK_STR(err, "l:2: NUL byte in line");
	/* a line over 4096 bytes */
	{
		static char big[5000];

		memset(big, 'x', sizeof(big));
		memcpy(big, "block sender ", 13);
		CHECK(policy_lists_parse_at(big, sizeof(big), "big.conf", 0, err, sizeof(err)) == NULL);
		CHECK_STR(err, "big.conf:1: line longer than 4096 bytes");
	}
	/* attribute values may contain spaces: "reason=a b c" */
	{
		const char *t = "block number 1 reason=a b  c expires=99\n";
		struct policy_lists *l = policy_lists_parse_at(t, strlen(t), "l", 0, err, sizeof(err));
		struct policy_list_match m;

		CHECK(l != NULL);
		CHECK_INT(policy_lists_number(l, POLICY_LIST_BLOCK, "1", &m), 1);
		CHECK_STR(m.reason, "a b c");
		policy_lists_free(l);
	}
	/* empty input is an empty generation */
	{
		struct policy_lists *l = policy_lists_parse("", 0, "empty", err, sizeof(err));

		CHECK(l != NULL);
		CHECK_INT(policy_lists_version(l), 0);
		policy_lists_free(l);
	}
}

/* Many entries: tables grow and every entry is still found. */
static void many(void)
{
	size_t cap = 20000 * 40;
	char *t = malloc(cap), err[128];
	size_t n = 0;
	struct policy_lists *l;
	int found = 0;

	for (int i = 0; i < 20000; i++)
		n += (size_t)snprintf(t + n, cap - n, "block number 86139%08d\n", i);
	l = policy_lists_parse_at(t, n, "many", 0, err, sizeof(err));
	CHECK(l != NULL);
	for (int i = 0; i < 20000; i++) {
		char num[32];

		snprintf(num, sizeof(num), "86139%08d", i);
		found += policy_lists_number(l, POLICY_LIST_BLOCK, num, NULL);
	}
	CHECK_INT(found, 20000);
	CHECK_INT(policy_lists_number(l, POLICY_LIST_BLOCK, "8613900020000", NULL), 0);
	policy_lists_free(l);
	free(t);
}

/* The change log applied in place (issue 12 item 3): one line adds,
 * replaces or deletes exactly one entry, and rev follows the log. */
static void apply(void)
{
	static const char snap[] = "version 7\nrev 100\nblock number 8613900000001\n"
				   "shield 8613700000001 1065\nblock sender SPAM\n";
	struct policy_lists *l = policy_lists_parse_at(snap, strlen(snap), "s", 1000, NULL, 0);
	struct policy_lists_counts c;
	struct policy_list_match m;
	char err[160];

	CHECK(l != NULL);
	CHECK_INT(policy_lists_rev(l), 100);
	CHECK_INT(policy_lists_apply(l, 101, 1, "shield 13700000002 1069", 23, 1000, err, sizeof(err)), 0);
	CHECK_INT(policy_lists_shielded(l, "8613700000002", "106900", &m), 1);
	CHECK_STR(m.key, "8613700000002|1069");
	/* an add of an existing entry replaces its attributes */
	CHECK_INT(policy_lists_apply(l, 102, 1, "block number 8613900000001 reason=vip complaint", 47, 1000,
				     err, sizeof(err)), 0);
	CHECK_INT(policy_lists_number(l, POLICY_LIST_BLOCK, "13900000001", &m), 1);
	CHECK_STR(m.reason, "vip complaint");
	CHECK_INT(policy_lists_apply(l, 103, 0, "shield 8613700000001 1065", 25, 1000, err, sizeof(err)), 0);
	CHECK_INT(policy_lists_shielded(l, "8613700000001", "1065000", &m), 0);
	CHECK_INT(policy_lists_apply(l, 104, 0, "shield 8613700000001 1065", 25, 1000, err, sizeof(err)), 1);
	CHECK_INT(policy_lists_apply(l, 105, 0, "block sender spam", 17, 1000, err, sizeof(err)), 0);
	CHECK_INT(policy_lists_sender(l, POLICY_LIST_BLOCK, "SPAM", &m), 0);
	/* an add that has already expired removes the entry */
	CHECK_INT(policy_lists_apply(l, 106, 1, "block number 8613900000001 expires=999", 38, 1000,
				     err, sizeof(err)), 0);
	CHECK_INT(policy_lists_number(l, POLICY_LIST_BLOCK, "8613900000001", &m), 0);
	CHECK_INT(policy_lists_apply(l, 107, 1, "block gt 86139990001234567890123", 32, 1000, err, sizeof(err)), 0);
	CHECK_INT(policy_lists_gt(l, POLICY_LIST_BLOCK, "861399900012345678901234567", &m), 1);
	CHECK_STR(m.key, "86139990001234567890123");
	CHECK_INT(policy_lists_apply(l, 108, 1, "block prefix 01234567890123456789", 33, 1000, err, sizeof(err)), 0);
	CHECK_INT(policy_lists_number(l, POLICY_LIST_BLOCK, "01234567890123456789", &m), 1);
	CHECK_STR(m.key, "01234567890123456789");
	CHECK_INT(policy_lists_apply(l, 109, 1, "blok number 1", 13, 1000, err, sizeof(err)), -1);
	CHECK_STR(err, "change:109: unknown directive 'blok'");
	CHECK_INT(policy_lists_apply(l, 110, 1, "version 3", 9, 1000, err, sizeof(err)), -1);
	CHECK_STR(err, "change:110: not a list entry");
	policy_lists_counts(l, &c);
	CHECK_INT(c.rev, 110);
	CHECK_INT(c.malformed, 2);
	CHECK_INT(c.applied, 7);
	CHECK_INT(c.noop, 1);
	CHECK_INT(c.shields, 1);
	CHECK_INT(c.entries[POLICY_LIST_BLOCK][POLICY_ENTRY_NUMBER], 0);
	CHECK_INT(c.entries[POLICY_LIST_BLOCK][POLICY_ENTRY_SENDER], 0);
	CHECK_INT(c.entries[POLICY_LIST_BLOCK][POLICY_ENTRY_GT], 1);
	policy_lists_free(l);
}

/* 20-digit keys pack into 64 bits + one digit, leading zeros kept. */
static void packed_keys(void)
{
	static const char snap[] = "block prefix 00012345678901234567\nblock prefix 0001\n"
				   "shield 12345678901234567890 98765432109876543210\n";
	struct policy_lists *l = policy_lists_parse_at(snap, strlen(snap), "p", 0, NULL, 0);
	struct policy_list_match m;

	CHECK(l != NULL);
	CHECK_INT(policy_lists_number(l, POLICY_LIST_BLOCK, "00019", &m), 1);
	CHECK_STR(m.key, "0001");
	CHECK_INT(policy_lists_shielded(l, "12345678901234567890", "98765432109876543210", &m), 1);
	CHECK_STR(m.key, "12345678901234567890|98765432109876543210");
	CHECK_INT(policy_lists_shielded(l, "12345678901234567891", "98765432109876543210", &m), 0);
	policy_lists_free(l);
}

/* Random adds and deletes through the log path against a reference: the
 * plain table's backward-shift deletion keeps every other entry findable. */
static void churn(void)
{
	static unsigned char in[4096];
	struct policy_lists *l = policy_lists_parse_at("rev 0\n", 6, "c", 0, NULL, 0);
	struct policy_lists_counts c;
	uint64_t x = 0x9E3779B97F4A7C15ull;
	unsigned n = 0, wrong = 0;
	char line[64], err[128], sub[32];

	CHECK(l != NULL);
	for (unsigned k = 1; k <= 60000; k++) {
		unsigned i;
		int add, len;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		i = (unsigned)(x % 4096);
		add = (x >> 32) & 1;
		len = snprintf(line, sizeof(line), "shield 861390000%04u %u", i, 1065 + i % 3);
		if (policy_lists_apply(l, k, add, line, (size_t)len, 0, err, sizeof(err)) != (add ? 0 : in[i] ? 0 : 1))
			wrong++;
		n += add && !in[i] ? 1 : !add && in[i] ? -1u : 0;
		in[i] = (unsigned char)add;
	}
	CHECK_INT(wrong, 0);
	for (unsigned i = 0; i < 4096; i++) {
		char port[16];

		snprintf(sub, sizeof(sub), "861390000%04u", i);
		snprintf(port, sizeof(port), "%u99", 1065 + i % 3);
		if (policy_lists_shielded(l, sub, port, NULL) != in[i])
			wrong++;
	}
	CHECK_INT(wrong, 0);
	policy_lists_counts(l, &c);
	CHECK_INT(c.shields, n);
	CHECK_INT(c.rev, 60000);
	policy_lists_free(l);
}

int main(void)
{
	RUN(counts);
	RUN(numbers);
	RUN(senders_gts);
	RUN(shields_imsi);
	RUN(errors);
	RUN(many);
	RUN(apply);
	RUN(packed_keys);
	RUN(churn);
	return TEST_SUMMARY();
}
