/* SPDX-License-Identifier: BSD-3-Clause */
/* Reports to 10086999 and "00000" shields as subscribers type them
 * (DOMAIN.md \xa73), number canonicalisation, fingerprints and masking:
 * every form gives exact reporter / reported / text. */
#include "sf_test.h"
#include "policy_config.h"
#include "policy_report.h"

struct report_case {
	const char *in;
	int kind;
	const char *reported;
	const char *text;	/* NULL: no text */
};

static const struct report_case report_cases[] = {
	{ "13800000000*您的银行卡已冻结", POLICY_REPORTED_NUMBER, "8613800000000", "您的银行卡已冻结" },
	{ "13800000000 您中奖了", POLICY_REPORTED_NUMBER, "8613800000000", "您中奖了" },
	{ "+8613800000000：点击领取", POLICY_REPORTED_NUMBER, "8613800000000", "点击领取" },
	{ "8613800000000:text", POLICY_REPORTED_NUMBER, "8613800000000", "text" },
	{ "008613800000000,text", POLICY_REPORTED_NUMBER, "8613800000000", "text" },
	{ "+86 13800000000 text", POLICY_REPORTED_NUMBER, "8613800000000", "text" },
	{ "138-0000-0000 text", POLICY_REPORTED_NUMBER, "8613800000000", "text" },
	/* full-width digits and asterisk (U+FF11.., U+FF0A) */
	{ "\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90"
	  "\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x8a中奖", POLICY_REPORTED_NUMBER,
	  "8613800000000", "中奖" },
	/* ideographic space U+3000 as the separator */
	{ "13800000000\xe3\x80\x80加微信", POLICY_REPORTED_NUMBER, "8613800000000", "加微信" },
	/* full-width colon U+FF1A after spaces */
	{ "  13800000000 \xef\xbc\x9a text  ", POLICY_REPORTED_NUMBER, "8613800000000", "text" },
	{ "10657000123 您的订阅", POLICY_REPORTED_NUMBER, "10657000123", "您的订阅" },
	{ "95588*您的账户异常", POLICY_REPORTED_NUMBER, "95588", "您的账户异常" },
	{ "13800000000发来诈骗短信", POLICY_REPORTED_NUMBER, "8613800000000", "发来诈骗短信" },
	{ "13800000000", POLICY_REPORTED_NUMBER, "8613800000000", NULL },
	{ "ICBC*您的账户", POLICY_REPORTED_SENDER, "ICBC", "您的账户" },
	/* a word names a sender id only as "ID*text" (or when the network
	 * delivered it to the reporter: report_opts) */
	{ "win-prize: you won", POLICY_REPORTED_NONE, "", "win-prize: you won" },
	{ "WIN-PRIZE 恭喜中奖", POLICY_REPORTED_NONE, "", "WIN-PRIZE 恭喜中奖" },
	{ "FREE entry in 2 a wkly comp to win FA Cup", POLICY_REPORTED_NONE, "",
	  "FREE entry in 2 a wkly comp to win FA Cup" },
	{ "URGENT: call 09061701461", POLICY_REPORTED_NONE, "", "URGENT: call 09061701461" },
	{ "FREE*entry", POLICY_REPORTED_SENDER, "FREE", "entry" },
	{ "ICBC \xef\xbc\x8a 您的账户", POLICY_REPORTED_SENDER, "ICBC", "您的账户" },
	/* only numbers written as numbers: what a continuation part or a
	 * date starts with names nothing */
	{ "00-0001，回T退订", POLICY_REPORTED_NONE, "", "00-0001，回T退订" },
	{ "000 text", POLICY_REPORTED_NONE, "", "000 text" },
	{ "2026-01-01 促销", POLICY_REPORTED_NONE, "", "2026-01-01 促销" },
	{ "1380000000 text", POLICY_REPORTED_NONE, "", "1380000000 text" },
	{ "10086999 text", POLICY_REPORTED_NONE, "", "10086999 text" },
	{ "100元话费 text", POLICY_REPORTED_NONE, "", "100元话费 text" },
	/* separators, full width, international forms */
	{ "+86-139-0000-0002 text", POLICY_REPORTED_NUMBER, "8613900000002", "text" },
	{ "138 0000 0000 加微信", POLICY_REPORTED_NUMBER, "8613800000000", "加微信" },
	{ "138.0000.0000*x", POLICY_REPORTED_NUMBER, "8613800000000", "x" },
	{ "86 13800000000 text", POLICY_REPORTED_NUMBER, "8613800000000", "text" },
	{ "\xef\xbc\x90\xef\xbc\x91\xef\xbc\x90\xef\xbc\x8d\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93"
	  "\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96\xef\xbc\x97\xef\xbc\x98 发票", POLICY_REPORTED_NUMBER,
	  "861012345678", "发票" },	/* ０１０－１２３４５６７８ */
	{ "+86 10 1234 5678：text", POLICY_REPORTED_NUMBER, "861012345678", "text" },
	{ "0086 10 12345678 text", POLICY_REPORTED_NUMBER, "861012345678", "text" },
	{ "(010)12345678 text", POLICY_REPORTED_NUMBER, "861012345678", "text" },
	{ "0755-8888 1234 text", POLICY_REPORTED_NUMBER, "8675588881234", "text" },
	{ "95588 3天内", POLICY_REPORTED_NUMBER, "95588", "3天内" },
	{ "106 9000 1234 5678 text", POLICY_REPORTED_NUMBER, "106900012345678", "text" },
	{ "12321 text", POLICY_REPORTED_NUMBER, "12321", "text" },
	{ "10010：text", POLICY_REPORTED_NUMBER, "10010", "text" },
	{ "400-820-8820 text", POLICY_REPORTED_NUMBER, "4008208820", "text" },
	{ "+852 6123 4567 text", POLICY_REPORTED_NUMBER, "85261234567", "text" },
	{ "举报13800000000：诈骗", POLICY_REPORTED_NUMBER, "8613800000000", "诈骗" },
	{ "举报号码 13800000000 诈骗", POLICY_REPORTED_NUMBER, "8613800000000", "诈骗" },
	{ "举报一条诈骗短信", POLICY_REPORTED_NONE, "", "举报一条诈骗短信" },
	/* TS 23.040 \xa79.1.2.5: an alphanumeric address has at most 11 characters */
	{ "PRIZE-CENTER*恭喜中奖", POLICY_REPORTED_NONE, "", "PRIZE-CENTER*恭喜中奖" },
	/* full-width letters ＪＤ + full-width asterisk */
	{ "\xef\xbc\xaa\xef\xbc\xa4\xef\xbc\x8a优惠", POLICY_REPORTED_SENDER, "JD", "优惠" },
	{ "Hello world", POLICY_REPORTED_NONE, "", "Hello world" },
	{ "您的银行卡已冻结，请登录www.abc.cc", POLICY_REPORTED_NONE, "", "您的银行卡已冻结，请登录www.abc.cc" },
	{ "12306提醒您", POLICY_REPORTED_NONE, "", "12306提醒您" },
	{ "12 text", POLICY_REPORTED_NONE, "", "12 text" },
	{ "ICBC", POLICY_REPORTED_NONE, "", "ICBC" },
};

static void report_table(void)
{
	int any = 0;

	for (size_t i = 0; i < sizeof(report_cases) / sizeof(report_cases[0]); i++) {
		const struct report_case *c = &report_cases[i];
		struct policy_report r;
		enum sf_err e = policy_parse_report(c->in, strlen(c->in), "13912345678", &r);
		char text[256] = "";

		if (r.text)
			snprintf(text, sizeof(text), "%.*s", (int)r.text_len, r.text);
		CHECK_INT(e, SF_OK);
		CHECK_STR(r.reporter, "8613912345678");
		CHECK_INT(r.reported_kind, c->kind);
		CHECK_STR(r.reported, c->reported);
		CHECK_STR(r.text ? text : NULL, c->text);
		CHECK_INT(r.fp, c->text ? policy_fingerprint(c->text, strlen(c->text)) : 0);
		if (sf_t_fail_case) {
			fprintf(stderr, "  case %zu: \"%s\"\n", i, c->in);
			sf_t_fail_case = 0;
			any = 1;
		}
	}
	sf_t_fail_case = any;
}

static int delivered_icbc(void *arg, const char *reporter, const char *id)
{
	(void)arg;
	return !strcmp(reporter, "8613912345678") && !strcmp(id, "ICBC");
}

/* What the caller knows: a missing first part, recent deliveries. */
static void report_opts(void)
{
	struct policy_report_opts o = { 1, NULL, NULL };
	struct policy_report r;

	/* the head part never arrived: "13800000000 …" is forwarded text */
	CHECK_INT(policy_parse_report_ex("13800000000 text", 16, "13912345678", &o, &r), SF_OK);
	CHECK_INT(r.reported_kind, POLICY_REPORTED_NONE);
	CHECK_INT((int)r.text_len, 16);
	o.head_missing = 0;
	o.sender_delivered = delivered_icbc;
	CHECK_INT(policy_parse_report_ex("ICBC 您的账户", strlen("ICBC 您的账户"), "13912345678", &o, &r),
		  SF_OK);
	CHECK_INT(r.reported_kind, POLICY_REPORTED_SENDER);
	CHECK_STR(r.reported, "ICBC");
	/* the same id, delivered to someone else */
	CHECK_INT(policy_parse_report_ex("ICBC 您的账户", strlen("ICBC 您的账户"), "13912345679", &o, &r),
		  SF_OK);
	CHECK_INT(r.reported_kind, POLICY_REPORTED_NONE);
	CHECK_INT(policy_parse_report_ex("FREE entry", 10, "13912345678", &o, &r), SF_OK);
	CHECK_INT(r.reported_kind, POLICY_REPORTED_NONE);
}

static void report_errors(void)
{
	struct policy_report r;

	CHECK_INT(policy_parse_report("", 0, "8613912345678", &r), SF_E_POLICY_REPORT_EMPTY);
	CHECK_INT(policy_parse_report(" \xe3\x80\x80 ", 5, "8613912345678", &r), SF_E_POLICY_REPORT_EMPTY);
	CHECK_INT(policy_parse_report(NULL, 0, "8613912345678", &r), SF_E_POLICY_REPORT_EMPTY);
	CHECK_INT(policy_parse_report("x", 1, "ICBC", &r), SF_E_POLICY_REPORT_NO_REPORTER);
	CHECK_INT(policy_parse_report("x", 1, NULL, &r), SF_E_POLICY_REPORT_NO_REPORTER);
	CHECK_INT(policy_parse_report("x", 1, "", &r), SF_E_POLICY_REPORT_NO_REPORTER);
}

/* Reported text is cut at 1024 bytes on a UTF-8 boundary. */
static void report_text_cap(void)
{
	char buf[1300];
	struct policy_report r;
	size_t n = 0;

	while (n + 3 <= 1200) {
		memcpy(buf + n, "诈", 3);	/* E8 AF 88 */
		n += 3;
	}
	CHECK_INT(policy_parse_report(buf, n, "8613912345678", &r), SF_OK);
	CHECK_INT(r.text_len, 1023);
	CHECK(r.text == buf);
}

static void canon(void)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "+86 138-0000-0000", "8613800000000" },
		{ "008613800000000", "8613800000000" },
		{ "13800000000", "8613800000000" },
		{ "8613800000000", "8613800000000" },
		{ "+8613800000000", "8613800000000" },
		{ "10086", "10086" },
		{ "10657512345", "10657512345" },
		{ "12345678901", "12345678901" },
		{ "00000", "00000" },
		/* one form whatever the writing: separators, national prefix */
		{ "+86-139-0000-0002", "8613900000002" },
		{ "139.0000.0002", "8613900000002" },
		{ "\xef\xbc\x91\xef\xbc\x93\xef\xbc\x99 0000 0002", "8613900000002" },	/* １３９ */
		{ "010-1234 5678", "861012345678" },
		{ "(010)12345678", "861012345678" },
		{ "861012345678", "861012345678" },
		{ "0755 8888 1234", "8675588881234" },
		{ "106 5751 2345", "10657512345" },
		{ "95588", "95588" },
		{ "138--0000", NULL }, { "(", NULL },
		{ "abc", NULL }, { "", NULL }, { "138-", NULL }, { "+", NULL },
		{ "1+38", NULL }, { "123456789012345678901", NULL },
	};
	char out[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = policy_canon_number(cases[i].in, strlen(cases[i].in), out, sizeof(out));

		if (!cases[i].out) {
			CHECK_INT(n, -1);
		} else {
			CHECK_INT(n, strlen(cases[i].out));
			CHECK_STR(out, cases[i].out);
		}
	}
	CHECK_INT(policy_canon_number("13800000000", 11, out, 13), -1);	/* needs 14 */
	/* the input is its len bytes, not a C string; out may be the input */
	CHECK_INT(policy_canon_number("13800000000999", 11, out, sizeof(out)), 13);
	CHECK_STR(out, "8613800000000");
	{
		char b[32] = "13900000002", f[32] = "075588881234";

		CHECK_INT(policy_canon_number(b, strlen(b), b, sizeof(b)), 13);
		CHECK_STR(b, "8613900000002");
		CHECK_INT(policy_canon_number(f, strlen(f), f, sizeof(f)), 13);
		CHECK_STR(f, "8675588881234");
	}
	/* digits are read eight at a time: every byte that is not a digit,
	 * at every place of numbers of every length, is still refused (a
	 * space between digits is a separator) */
	for (size_t len = 1; len <= 20; len++) {
		static const uint8_t bad[] = { '/', ':', 'a', 0x7F, 0x80, 0xB9, 0xBA, 0xFF, ' ' };
		char num[24], want[24];

		for (size_t i = 0; i < len; i++)
			num[i] = (char)('0' + (i * 7 + 3) % 10);
		num[len] = 0;
		CHECK_INT(policy_canon_number(num, len, out, sizeof(out)), len);
		CHECK_STR(out, num);
		for (size_t k = 0; k < len; k++)
			for (size_t b = 0; b < sizeof(bad); b++) {
				char s[24];
				int n;

				memcpy(s, num, len + 1);
				s[k] = (char)bad[b];
				n = policy_canon_number(s, len, out, sizeof(out));
				if (bad[b] == ' ' && k > 0 && k + 1 < len) {
					memcpy(want, num, k);
					memcpy(want + k, num + k + 1, len - k);
					CHECK_INT(n, len - 1);
					CHECK_STR(out, want);
				} else {
					CHECK_INT(n, -1);
				}
			}
	}
	CHECK_STR(policy_national("8613800000000"), "13800000000");
	CHECK(policy_national("8610086") == NULL);
	/* another numbering plan: country code 44, national prefix 0 */
	CHECK_INT(policy_numbering_set("44", "0"), 0);
	CHECK_INT(policy_canon_number("07700 900123", 12, out, sizeof(out)), 12);
	CHECK_STR(out, "447700900123");
	CHECK_INT(policy_canon_number("13800000000", 11, out, sizeof(out)), 11);
	CHECK_STR(out, "13800000000");	/* not a mobile of this plan */
	CHECK_STR(policy_numbering_cc(), "44");
	CHECK_INT(policy_numbering_set("", "0"), -1);
	CHECK_INT(policy_numbering_set("0", "0"), -1);
	CHECK_INT(policy_numbering_set("1234", "0"), -1);
	CHECK_INT(policy_numbering_set("4a", "0"), -1);
	CHECK_STR(policy_numbering_cc(), "44");	/* a refused plan changes nothing */
	CHECK_INT(policy_numbering_set("86", "0"), 0);
	CHECK_INT(policy_canon_number("13800000000", 11, out, sizeof(out)), 13);
}

/* Addresses from the wire are read with their type of number, and a
 * canonical number leaves the process in a form that reads back as
 * itself: canon(export(canon(x))) == canon(x) for every x, in both
 * numbering plans where that is not trivially so. */
static void canon_addr_export(void)
{
	static const char *const plans[][2] = { { "86", "0" }, { "44", "0" }, { "1", "1" } };
	char out[40], x[40], again[40];
	uint64_t seed = 0x5eed;

	CHECK_INT(policy_canon_addr("14155551234", POLICY_TON_INTERNATIONAL, out, sizeof(out)), 11);
	CHECK_STR(out, "14155551234");
	CHECK_INT(policy_canon_addr("14155551234", 0, out, sizeof(out)), 13);
	CHECK_STR(out, "8614155551234");
	CHECK_INT(policy_canon_addr("14155551234", 2, out, sizeof(out)), 13);
	CHECK_INT(policy_canon_addr("8613800000000", POLICY_TON_INTERNATIONAL, out, sizeof(out)), 13);
	CHECK_STR(out, "8613800000000");
	CHECK_INT(policy_canon_addr("0086138", POLICY_TON_INTERNATIONAL, out, sizeof(out)), 7);
	CHECK_STR(out, "0086138");	/* too short for a prefix and a number */
	/* an international prefix where the TON or a '+' says international
	 * already: no country code starts with 0, so it is one */
	CHECK_INT(policy_canon_addr("008613800000000", POLICY_TON_INTERNATIONAL, out, sizeof(out)), 13);
	CHECK_STR(out, "8613800000000");
	CHECK_INT(policy_canon_number("+00 86 138 0000 0000", 20, out, sizeof(out)), 13);
	CHECK_STR(out, "8613800000000");
	CHECK_INT(policy_canon_number("00008613800000000", 17, out, sizeof(out)), 13);
	CHECK_STR(out, "8613800000000");
	CHECK_INT(policy_canon_addr("", POLICY_TON_INTERNATIONAL, out, sizeof(out)), -1);
	CHECK_INT(policy_canon_addr("1380*", POLICY_TON_INTERNATIONAL, out, sizeof(out)), -1);
	CHECK_INT(policy_canon_addr(NULL, 0, out, sizeof(out)), -1);
	/* a written '+' is still one '+' */
	CHECK_INT(policy_canon_addr("+8613800000000", POLICY_TON_INTERNATIONAL, out, sizeof(out)), 13);
	CHECK_INT(policy_canon_addr("++8613800000000", 0, out, sizeof(out)), -1);

	CHECK_INT(policy_canon_export("14155551234", out, sizeof(out)), 12);
	CHECK_STR(out, "+14155551234");
	CHECK_INT(policy_canon_export("8613800000000", out, sizeof(out)), 13);
	CHECK_STR(out, "8613800000000");
	CHECK_INT(policy_canon_export("10086", out, sizeof(out)), 5);
	CHECK_STR(out, "10086");
	/* not canonical (canonical numbers of 9 digits or more never start
	 * with "00"): the '+' keeps it from reading as prefix and number */
	CHECK_INT(policy_canon_export("0014155551234", out, sizeof(out)), 14);
	CHECK_STR(out, "+0014155551234");
	CHECK_INT(policy_canon_export("00141555", out, sizeof(out)), 8);
	CHECK_STR(out, "00141555");
	CHECK_INT(policy_canon_export("BANK-SMS", out, sizeof(out)), 8);
	CHECK_STR(out, "BANK-SMS");	/* not a number: as it is */
	CHECK_INT(policy_canon_export("", out, sizeof(out)), 0);
	CHECK_STR(out, "");
	CHECK_INT(policy_canon_export("14155551234", out, 12), -1);	/* needs 13 */
	strcpy(x, "14155551234");
	CHECK_INT(policy_canon_export(x, x, sizeof(x)), 12);	/* in place */
	CHECK_STR(x, "+14155551234");

	for (size_t p = 0; p < sizeof(plans) / sizeof(plans[0]); p++) {
		CHECK_INT(policy_numbering_set(plans[p][0], plans[p][1]), 0);
		for (int i = 0; i < 200000; i++) {
			size_t len, k = 0;
			int n, m;

			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			len = 1 + (seed >> 33) % 20;
			switch ((seed >> 40) & 3) {
			case 0: x[k++] = '+'; break;
			case 1: x[k++] = '0'; x[k++] = '0'; break;
			default: break;
			}
			for (size_t d = 0; d < len && k < 22; d++) {
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				/* digits biased to what the rules look at: 0, 1, 3-9 */
				x[k++] = (char)('0' + (seed >> 59 < 6 ? (seed >> 59) % 2 : (seed >> 33) % 10));
			}
			x[k] = 0;
			if ((n = policy_canon_number(x, k, out, sizeof(out))) < 0)
				continue;
			m = policy_canon_export(out, again, sizeof(again));
			CHECK(m == n || (m == n + 1 && again[0] == '+'));
			CHECK_INT(policy_canon_number(again, (size_t)m, x, sizeof(x)), n);
			CHECK_STR(x, out);
			if (policy_canon_number(out, (size_t)n, x, sizeof(x)) == n && !strcmp(x, out))
				CHECK_INT(m, n);	/* a '+' only where it is needed */
		}
	}
	CHECK_INT(policy_numbering_set("86", "0"), 0);
}

static void fingerprint(void)
{
	uint64_t a = policy_fingerprint("Hello World", 11);
	const char *fw = "hello\xe3\x80\x80\xef\xbd\x97\xef\xbd\x8f\xef\xbd\x92\xef\xbd\x8c\xef\xbd\x84!";

	CHECK(a != 0);
	CHECK_INT(policy_fingerprint(fw, strlen(fw)), a);	/* ｗｏｒｌｄ, U+3000, '!' */
	CHECK(policy_fingerprint("hello", 5) != a);
	CHECK_INT(policy_fingerprint("  ,. \xe3\x80\x82", 8), 0);
	CHECK_INT(policy_fingerprint(NULL, 0), 0);
	CHECK(policy_fingerprint("银 行", 7) == policy_fingerprint("银行", 6));
}

/* The fingerprint as policy_report.h defines it, step by step: each code
 * point (RFC 3629, strict; anything else U+FFFD, one octet), full-width
 * ASCII and U+3000 folded, spaces, ASCII punctuation, CJK punctuation
 * U+3000-U+303F, U+FFFD and the invisible format characters skipped,
 * ASCII lower-cased, three octets of each into FNV-1a, then splitmix64. */
static uint64_t fp_reference(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i = 0, n = 0;

	while (i < len) {
		uint32_t c = p[i], min = 0;
		size_t k = 0;

		if (c >= 0x80) {
			if ((c & 0xE0) == 0xC0) { k = 1; c &= 0x1F; min = 0x80; }
			else if ((c & 0xF0) == 0xE0) { k = 2; c &= 0x0F; min = 0x800; }
			else if ((c & 0xF8) == 0xF0) { k = 3; c &= 0x07; min = 0x10000; }
			else { k = 9; }
			if (k != 9 && len - i - 1 >= k) {
				for (size_t j = 1; j <= k && k != 9; j++) {
					if ((p[i + j] & 0xC0) != 0x80)
						k = 9;
					else
						c = c << 6 | (p[i + j] & 0x3F);
				}
			} else {
				k = 9;
			}
			if (k != 9 && (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)))
				k = 9;
			if (k == 9) {
				c = 0xFFFD;
				k = 0;
			}
		}
		i += 1 + k;
		if (c >= 0xFF01 && c <= 0xFF5E)
			c -= 0xFEE0;
		if (c == 0x3000)
			c = ' ';
		if (c < 0x80 ? !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) :
		    c == 0xA0 || (c >= 0x3000 && c <= 0x303F) || c == 0xFFFD || (c >= 0x200B && c <= 0x200F) ||
		    (c >= 0x2060 && c <= 0x2064) || c == 0xFEFF)
			continue;
		if (c >= 'A' && c <= 'Z')
			c += 32;
		for (int b = 16; b >= 0; b -= 8)
			h = (h ^ ((c >> b) & 0xFF)) * 0x100000001b3ULL;
		n++;
	}
	if (!n)
		return 0;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h ? h : 1;
}

/* Random texts from every kind of character the steps tell apart (ASCII
 * letters, digits, punctuation and controls, CJK ideographs of each lead
 * octet, full-width forms, CJK punctuation, Latin-1, invisible format
 * characters, four-octet emoji, and broken sequences): the same
 * fingerprint as the definition's. */
static void fingerprint_streams(void)
{
	static const char *const pool[] = {
		"a", "Z", "q", "7", "0", " ", "\t", ",", "@", "[", "`", "{", "~", "\x7f", "\x01",
		"\xe4\xb8\x80", "\xe5\x8d\x8e", "\xe9\xbe\xa5", "\xe3\x80\x82", "\xe3\x80\x80",
		"\xe3\x81\x82", "\xef\xbc\xa1", "\xef\xbd\x9a", "\xef\xbc\x90", "\xef\xbd\x9f",
		"\xc3\xa9", "\xc2\xa0", "\xe2\x80\x8b", "\xe2\x81\xa0", "\xef\xbb\xbf",
		"\xef\xbf\xbd", "\xf0\x9f\x98\x80", "\xe4\xb8", "\xe9", "\x80", "\xff",
		"\xe0\x80\xaf", "\xed\xa0\x80", "\xc0\xaf",
	};
	uint64_t x = 0x0123456789ABCDEFull;
	unsigned wrong = 0;

	for (int r = 0; r < 20000; r++) {
		char buf[512];
		size_t len = 0, want;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		want = (size_t)(x % 120);
		while (len < want) {
			const char *c;
			size_t cl;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* mostly ideographs and letters, as in messages */
			c = (x & 1) ? pool[15 + (x >> 8) % 3] : pool[(x >> 8) % (sizeof(pool) / sizeof(pool[0]))];
			cl = strlen(c);
			memcpy(buf + len, c, cl);
			len += cl;
		}
		if (policy_fingerprint(buf, len) != fp_reference(buf, len))
			wrong++;
	}
	CHECK_INT(wrong, 0);
	/* pinned: the fingerprints reports carry (events, Redis) must not
	 * change from one version to the next */
	CHECK(policy_fingerprint("恭喜您中奖 Ok", strlen("恭喜您中奖 Ok")) == 0xa2f3d87de9f6039dULL);
	CHECK(policy_fingerprint("Hello World", 11) == 0xc721117ac81638afULL);
}

static void mask(void)
{
	char out[32];

	CHECK_INT(policy_mask_number("13800000000", out, sizeof(out)), 11);
	CHECK_STR(out, "138******00");
	policy_mask_number("8613800000000", out, sizeof(out));
	CHECK_STR(out, "861********00");
	policy_mask_number("+8613800000000", out, sizeof(out));
	CHECK_STR(out, "+86*********00");
	policy_mask_number("10086", out, sizeof(out));
	CHECK_STR(out, "10086");
	policy_mask_number("106575123", out, sizeof(out));
	CHECK_STR(out, "106****23");
	policy_mask_number("ICBC-BANK", out, sizeof(out));
	CHECK_STR(out, "ICBC-BANK");
	policy_mask_number("", out, sizeof(out));
	CHECK_STR(out, "");
	CHECK_INT(policy_mask_number("13800000000", out, 11), -1);
}

static void shield(void)
{
	struct policy_config c;
	struct policy_shield s;
	static const struct { const char *text; int type; } cases[] = {
		{ "00000", POLICY_SHIELD_ADD },
		{ "  00000 ", POLICY_SHIELD_ADD },
		{ "\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90", POLICY_SHIELD_ADD }, /* ０００００ */
		{ "\xe3\x80\x80" "00000\r\n", POLICY_SHIELD_ADD },
		{ "QX00000", POLICY_SHIELD_REMOVE },
		{ "qx00000", POLICY_SHIELD_REMOVE },
		{ "\xef\xbd\x91\xef\xbd\x98\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90", POLICY_SHIELD_REMOVE },
		{ "0000", POLICY_SHIELD_NONE },
		{ "000000", POLICY_SHIELD_NONE },
		{ "00000 please", POLICY_SHIELD_NONE },
		{ "0 0000", POLICY_SHIELD_NONE },
		/* padded oddly: trailing full stop, NUL (UCS-2 padding), zero-width */
		{ "00000\xe3\x80\x82", POLICY_SHIELD_ADD },	/* 00000。 */
		{ "00000 .", POLICY_SHIELD_ADD },
		{ "0\xe2\x80\x8b" "0000", POLICY_SHIELD_ADD },	/* U+200B inside */
		{ "00.000", POLICY_SHIELD_NONE },
		{ ".00000", POLICY_SHIELD_NONE },
		{ "", POLICY_SHIELD_NONE },
	};

	policy_config_defaults(&c);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(policy_parse_shield(cases[i].text, strlen(cases[i].text), "13912345678",
					      "106575", &c, &s), SF_OK);
		if (s.type != cases[i].type)
			fprintf(stderr, "  case %zu: \"%s\"\n", i, cases[i].text);
		CHECK_INT(s.type, cases[i].type);
		if (cases[i].type) {
			CHECK_STR(s.subscriber, "8613912345678");
			CHECK_STR(s.port, "106575");
		}
	}
	CHECK_INT(policy_parse_shield("00000", 5, "13912345678", "10086", &c, &s),
		  SF_E_POLICY_SHIELD_NOT_PORT);
	CHECK_INT(s.type, POLICY_SHIELD_NONE);
	CHECK_INT(policy_parse_shield("00000", 5, "ICBC", "106575", &c, &s),
		  SF_E_POLICY_SHIELD_NO_SUBSCRIBER);
	CHECK_INT(policy_parse_shield("hello", 5, "ICBC", "10086", &c, &s), SF_OK);
	CHECK_INT(s.type, POLICY_SHIELD_NONE);
	/* a configured cancel command */
	strcpy(c.unshield_command, "11111");
	CHECK_INT(policy_parse_shield("11111", 5, "13912345678", "1065", &c, &s), SF_OK);
	CHECK_INT(s.type, POLICY_SHIELD_REMOVE);
	/* NUL padding after the command (UCS-2 0x0000 code units) */
	CHECK_INT(policy_parse_shield("00000\0\0", 7, "13912345678", "106575", &c, &s), SF_OK);
	CHECK_INT(s.type, POLICY_SHIELD_ADD);
}

int main(void)
{
	RUN(report_table);
	RUN(report_errors);
	RUN(report_opts);
	RUN(report_text_cap);
	RUN(canon);
	RUN(canon_addr_export);
	RUN(fingerprint);
	RUN(fingerprint_streams);
	RUN(mask);
	RUN(shield);
	return TEST_SUMMARY();
}
