/* SPDX-License-Identifier: BSD-3-Clause */
/* Normalisation: a table of evasions with their exact normalised output,
 * the offset map, truncation, invalid UTF-8, and URL extraction.
 * Spec: rules/FORMAT.md "Normalisation". */
#include <stdint.h>
#include <string.h>

#include "sf_test.h"
#include "text/normalize.h"

static const struct {
	const char *in, *want, *why;
} cases[] = {
	{ "银 行", "银行", "space inside a CJK word" },
	{ "加.微.信", "加微信", "dots inside a CJK word" },
	{ "ＷＷＷ", "www", "full-width Latin, case folded" },
	{ "１３８", "138", "full-width digits" },
	{ "V❤X", "vx", "symbol between Latin letters" },
	{ "V❤\xEF\xB8\x8FX", "vx", "emoji with variation selector" },
	{ "①③⑧", "138", "circled digits" },
	{ "⑴⒉⑩❶➀➊〇", "12101110", "parenthesised, full stop, circled 10, dingbats, 〇" },
	{ "²³₄⁵", "2345", "super- and subscripts" },
	{ "\xF0\x9D\x9F\x8F\xF0\x9D\x9F\x90", "12", "mathematical bold digits" },
	{ "銀行貸款", "银行贷款", "traditional to simplified" },
	{ "您的積分即將清零", "您的积分即将清零", "traditional in a sentence" },
	{ "週末遊戲裡", "周末游戏里", "traditional added beside Unihan" },
	{ "乾坤著名", "乾坤著名", "characters that are also simplified stay" },
	{ "\xEF\xA4\x80", "岂", "compatibility ideograph U+F900 = 豈, simplified" },
	{ "银\xE2\x80\x8B行", "银行", "zero-width space inside a word" },
	{ "v\xE2\x80\x8Dx\xEF\xBB\xBF", "vx", "ZWJ and BOM inside Latin" },
	{ "a\xC2\xAD" "b", "ab", "soft hyphen" },
	{ "你好，请", "你好请", "CJK punctuation between CJK" },
	{ "加 v", "加v", "separator with CJK on one side" },
	{ "Hello,   World!", "hello world", "punctuation dropped, spaces collapsed" },
	{ "  lead and trail  ", "lead and trail", "outer spaces trimmed" },
	{ "ＡＢＣ＠ＱＱ．ＣＯＭ", "abc@qq.com", "full-width e-mail keeps URL characters" },
	{ "www。abc。com", "www.abc.com", "ideographic full stop used as a dot" },
	{ "点击 http://x.cn/a 领取", "点击http://x.cn/a领取", "URL between CJK" },
	{ "你　好", "你好", "ideographic space" },
	{ "Васк", "back", "Cyrillic look-alikes" },
	{ "ΑΒΟ", "abo", "Greek look-alikes" },
	{ "Ⓥⓧ", "vx", "circled letters" },
	{ "Café", "cafe", "Latin-1 accents folded" },
	{ "e\xCC\x81", "e", "combining accent removed" },
	{ "\t\r\n", "", "only whitespace" },
	{ "a\x01" "b", "a b", "control becomes a space" },
	{ "a\xFF" "b", "a\xEF\xBF\xBD" "b", "invalid byte becomes U+FFFD" },
	{ "\xE4\xBD", "\xEF\xBF\xBD", "truncated sequence: one U+FFFD" },
	{ "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD", "overlong: one U+FFFD per byte" },
	{ "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", "surrogate: U+FFFD per byte" },
	{ "刷单 - 返利", "刷单返利", "mixed separator run between CJK" },
	{ "138 0013 8000", "138 0013 8000", "spaces between digits kept as one" },
	{ "a.b-c_d", "a.b-c_d", "URL characters between Latin kept" },
};

static void test_table(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[256];
		size_t n = norm_text(cases[i].in, strlen(cases[i].in), out, sizeof out, NULL);

		if (strcmp(out, cases[i].want) != 0 || n != strlen(cases[i].want))
			fprintf(stderr, "case %zu (%s):\n", i, cases[i].why);
		CHECK_STR(out, cases[i].want);
		CHECK_INT(n, strlen(cases[i].want));
	}
}

static void test_map(void)
{
	/* "銀 行" = E9 8A 80 20 E8 A1 8C: 銀 at 0, space at 3, 行 at 4 */
	const char *in = "銀 行";
	char out[32];
	uint32_t map[32];
	size_t n = norm_text(in, strlen(in), out, sizeof out, map);

	CHECK_STR(out, "银行");
	CHECK_INT(n, 6);
	for (int i = 0; i < 3; i++)
		CHECK_INT(map[i], 0);
	for (int i = 3; i < 6; i++)
		CHECK_INT(map[i], 4);
	CHECK_INT(map[6], 7);	/* end sentinel = input length */
}

static void test_map_rollback(void)
{
	/* "ab 中": the tentative space is rolled back, 中 maps to byte 3 */
	char out[16];
	uint32_t map[16];
	size_t n = norm_text("ab 中", 6, out, sizeof out, map);

	CHECK_STR(out, "ab中");
	CHECK_INT(n, 5);
	CHECK_INT(map[2], 3);
	CHECK_INT(map[1], 1);
}

static void test_truncate(void)
{
	char out[8];
	size_t n;

	memset(out, 'x', sizeof out);
	n = norm_text("银行卡", 9, out, 5, NULL);	/* room for 4 bytes: one character */
	CHECK_INT(n, 3);
	CHECK_STR(out, "银");
	n = norm_text("abc", 3, out, 1, NULL);
	CHECK_INT(n, 0);
	CHECK_STR(out, "");
	n = norm_text("abc", 3, out, 0, NULL);
	CHECK_INT(n, 0);
	CHECK_INT(out[0], 0);	/* untouched from the previous call */
}

static void test_worst_case_cap(void)
{
	char in[64], out[NORM_CAP(64)];
	size_t n;

	memset(in, 0xFF, sizeof in);
	n = norm_text(in, sizeof in, out, sizeof out, NULL);
	CHECK_INT(n, 3 * 64);
	CHECK_MEM(out + 189, "\xEF\xBF\xBD", 3);
}

static void test_norm_out(void)
{
	char buf[32];
	struct norm_out o = { buf, sizeof buf, 0, NULL };

	CHECK_INT(norm_text_out("ＡＢ", 6, &o), 2);
	CHECK_INT(o.len, 2);
	CHECK_STR(buf, "ab");
}

static unsigned urls(const char *raw, struct norm_url *u, unsigned max, char *norm)
{
	size_t n = norm_text(raw, strlen(raw), norm, 512, NULL);

	return norm_urls(norm, n, u, max);
}


static void check_span(const char *norm, uint16_t off, uint16_t len, const char *want)
{
	char got[256];

	snprintf(got, sizeof got, "%.*s", (int)len, norm + off);
	CHECK_STR(got, want);
}

static void test_urls(void)
{
	struct norm_url u[4];
	char norm[512];

	CHECK_INT(urls("点击 HTTP://WWW.Abc-Bank.cc/login?id=1 领取", u, 4, norm), 1);
	check_span(norm, u[0].off, u[0].len, "http://www.abc-bank.cc/login?id=1");
	check_span(norm, u[0].host_off, u[0].host_len, "www.abc-bank.cc");
	check_span(norm, u[0].tld_off, u[0].tld_len, "cc");
	CHECK_INT(u[0].is_ip, 0);

	CHECK_INT(urls("登录abc.top解冻", u, 4, norm), 1);
	check_span(norm, u[0].host_off, u[0].host_len, "abc.top");
	check_span(norm, u[0].tld_off, u[0].tld_len, "top");

	CHECK_INT(urls("访问192.168.1.10:8080/x", u, 4, norm), 1);
	CHECK_INT(u[0].is_ip, 1);
	CHECK_INT(u[0].ip[0], 192);
	CHECK_INT(u[0].ip[3], 10);
	check_span(norm, u[0].off, u[0].len, "192.168.1.10:8080/x");
	CHECK_INT(u[0].tld_len, 0);

	CHECK_INT(urls("http://95588.com@10.1.2.3/a", u, 4, norm), 1);
	CHECK_INT(u[0].is_ip, 1);
	check_span(norm, u[0].host_off, u[0].host_len, "10.1.2.3");

	CHECK_INT(urls("www.foo.qpon.", u, 4, norm), 1);	/* www.: any TLD, trailing dot cut */
	check_span(norm, u[0].off, u[0].len, "www.foo.qpon");
	check_span(norm, u[0].tld_off, u[0].tld_len, "qpon");

	CHECK_INT(urls("ｗｗｗ．ａｂｃ．ｃｏｍ 与 t.cn/xyz", u, 4, norm), 2);
	check_span(norm, u[1].off, u[1].len, "t.cn/xyz");

	CHECK_INT(urls("邮箱abc@qq.com", u, 4, norm), 0);	/* e-mail, not a URL */
	CHECK_INT(urls("版本1.2.3更新", u, 4, norm), 0);
	CHECK_INT(urls("hello.world", u, 4, norm), 0);	/* unknown TLD, no scheme */
	CHECK_INT(urls("999.1.1.1", u, 4, norm), 0);
	CHECK_INT(urls("1.2.3.4.5", u, 4, norm), 0);
	CHECK_INT(urls("a.cn b.cn c.cn", u, 2, norm), 2);	/* max respected */
}

int main(void)
{
	RUN(test_table);
	RUN(test_map);
	RUN(test_map_rollback);
	RUN(test_truncate);
	RUN(test_worst_case_cap);
	RUN(test_norm_out);
	RUN(test_urls);
	return TEST_SUMMARY();
}
