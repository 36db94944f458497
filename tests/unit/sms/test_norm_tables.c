/* SPDX-License-Identifier: BSD-3-Clause */
/* Normalisation fast path (direct-index tables in normalize.c): every
 * traditional→simplified pair of t2s_table.h and every CJK code point
 * outside it, UTF-8 sequences at the inline-decoder and table-page
 * boundaries, and truncation at every capacity with and without the offset
 * map. Spec: rules/FORMAT.md "Normalisation"; Unicode 15 §3.9 (U+FFFD for
 * maximal subparts). */
#include <stdint.h>
#include <string.h>

#include "sf_test.h"
#include "text/normalize.h"
#include "text/t2s_table.h"
#include "unicode_norm.h"	/* generated from the UCD (dataplane/core/scan) */

static size_t enc3(uint32_t c, char *o)
{
	o[0] = (char)(0xE0 | (c >> 12));
	o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
	o[2] = (char)(0x80 | (c & 0x3F));
	return 3;
}

/* Step 4: each source of t2s_table becomes its simplified form, alone and
 * after an ASCII letter (a separator-free neighbour), with a map of 0s. */
static void test_t2s_every_entry(void)
{
	unsigned bad = 0;

	for (size_t k = 0; k < T2S_TABLE_LEN; k++) {
		char in[8], want[8], out[16];
		uint32_t map[16];
		size_t n;

		if (t2s_table[k][0] >= 0xF900 && t2s_table[k][0] <= 0xFAFF)
			continue;	/* compatibility ideographs fold first (test_ideo_fold) */
		enc3(t2s_table[k][0], in);
		enc3(t2s_table[k][1], want);
		n = norm_text(in, 3, out, sizeof out, map);
		if (n != 3 || memcmp(out, want, 3) != 0 || map[0] != 0 || map[2] != 0 || map[3] != 3)
			bad++;
		in[0] = 'x';
		enc3(t2s_table[k][0], in + 1);
		n = norm_text(in, 4, out, sizeof out, NULL);
		if (n != 4 || out[0] != 'x' || memcmp(out + 1, want, 3) != 0)
			bad++;
	}
	CHECK_INT(bad, 0);
}

/* Step 4: CJK code points (BMP ranges of the spec) without a table entry
 * stay as they are; the table's sources are sorted, so one walk finds them. */
static void test_cjk_not_in_table_kept(void)
{
	static const uint32_t ranges[][2] = {
		{ 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF },
	};
	size_t k = 0;
	unsigned bad = 0, kept = 0, in_f9 = 0;

	for (size_t i = 0; i < T2S_TABLE_LEN; i++)
		in_f9 += t2s_table[i][0] >= 0xF900;
	for (size_t r = 0; r < 2; r++)
		for (uint32_t c = ranges[r][0]; c <= ranges[r][1]; c++) {
			char in[4], out[8];

			while (k < T2S_TABLE_LEN && t2s_table[k][0] < c)
				k++;
			if (k < T2S_TABLE_LEN && t2s_table[k][0] == c)
				continue;
			enc3(c, in);
			if (norm_text(in, 3, out, sizeof out, NULL) != 3 || memcmp(out, in, 3) != 0)
				bad++;
			kept++;
		}
	CHECK_INT(bad, 0);
	CHECK_INT(kept, 6592 + 20992 - (T2S_TABLE_LEN - in_f9));
}

/* Step 4 (issue 15 item 11): every Kangxi / CJK supplement radical and
 * compatibility ideograph of the UCD becomes its unified ideograph (then
 * simplified), alone and between ideographs; e.g. ⾏ U+2F8F → 行. */
static void test_ideo_fold(void)
{
	unsigned bad = 0, bmp = 0;

	for (size_t k = 0; k < NORM_IDEO_FOLD_LEN; k++) {
		uint32_t c = norm_ideo_fold[k][0], u = norm_ideo_fold[k][1];
		char in[16], want[16], out[32];
		size_t lo = 0, hi = T2S_TABLE_LEN;

		if (c > 0xFFFF || u > 0xFFFF)
			continue;
		bmp++;
		while (lo < hi) {	/* the simplified form of u */
			size_t mid = lo + (hi - lo) / 2;

			if (t2s_table[mid][0] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < T2S_TABLE_LEN && t2s_table[lo][0] == u)
			u = t2s_table[lo][1];
		enc3(0x4E00, in);
		enc3(c, in + 3);
		enc3(0x4E00, in + 6);
		enc3(0x4E00, want);
		enc3(u, want + 3);
		enc3(0x4E00, want + 6);
		if (norm_text(in, 9, out, sizeof out, NULL) != 9 || memcmp(out, want, 9) != 0)
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK(bmp > 500);
	/* the examples of the issue */
	{
		char out[32];

		CHECK_INT(norm_text("\xE2\xBE\x8F", 3, out, sizeof out, NULL), 3);	/* ⾏ */
		CHECK_STR(out, "行");
		CHECK_INT(norm_text("\xE2\xBC\xBE", 3, out, sizeof out, NULL), 3);	/* ⼾ */
		CHECK_STR(out, "户");
	}
}

/* Step 5 (issue 15 item 11): default ignorables, format characters and
 * combining marks inside a phrase vanish; so does a NUL (UCS-2 0x0000). */
static void test_ignorable(void)
{
	static const uint32_t cps[] = { 0x17B4, 0x17B5, 0x1D173, 0x1D17A, 0x1BCA1, 0x0600,
					0x13437, 0x16FE4, 0x0000, 0x200B, 0xFEFF, 0xE0001 };
	unsigned bad = 0;

	for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		char in[16], out[32];
		size_t n = 0;
		uint32_t c = cps[i];

		n += enc3(0x94F6, in);	/* 银 */
		if (c < 0x80) {
			in[n++] = (char)c;
		} else if (c < 0x800) {
			in[n++] = (char)(0xC0 | (c >> 6));
			in[n++] = (char)(0x80 | (c & 0x3F));
		} else if (c < 0x10000) {
			n += enc3(c, in + n);
		} else {
			in[n++] = (char)(0xF0 | (c >> 18));
			in[n++] = (char)(0x80 | ((c >> 12) & 0x3F));
			in[n++] = (char)(0x80 | ((c >> 6) & 0x3F));
			in[n++] = (char)(0x80 | (c & 0x3F));
		}
		n += enc3(0x884C, in + n);	/* 行 */
		if (norm_text(in, n, out, sizeof out, NULL) != 6 || strcmp(out, "银行") != 0)
			bad++;
	}
	CHECK_INT(bad, 0);
	/* NUL between ASCII letters too */
	{
		char out[16];

		CHECK_INT(norm_text("ba\0nk", 5, out, sizeof out, NULL), 4);
		CHECK_STR(out, "bank");
	}
}

/* Step 1 and the table pages: sequences at the edges of the inline 2- and
 * 3-byte decoder (E0/ED/F0/F4 take the full decoder) and code points at
 * 256-entry page boundaries. */
static const struct {
	const char *in, *want, *why;
} edges[] = {
	{ "\xE0\xA0\x80", "\xE0\xA0\x80", "U+0800, smallest 3-byte, kept" },
	{ "\xE0\x9F\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", "overlong after E0: one U+FFFD per byte" },
	{ "\xED\x9F\xBF", "\xED\x9F\xBF", "U+D7FF, last before the surrogates, kept" },
	{ "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", "surrogate U+D800" },
	{ "\xF0\x90\x80\x80", "\xF0\x90\x80\x80", "U+10000 kept" },
	{ "\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF", "U+10FFFF kept" },
	{ "\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", "above U+10FFFF" },
	{ "\xF0\x8F\xBF\xBF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", "overlong 4-byte" },
	{ "\xC2\x80", "", "U+0080, C1 control: a space, trimmed" },
	{ "\xC2", "\xEF\xBF\xBD", "lone 2-byte lead" },
	{ "\xDF\xBF", "\xDF\xBF", "U+07FF, largest 2-byte, kept" },
	{ "\xE1\x80", "\xEF\xBF\xBD", "3-byte sequence cut after 2 bytes: one U+FFFD" },
	{ "a\xE4\xB8", "a\xEF\xBF\xBD", "CJK lead cut at the end of the text" },
	{ "\xC3\xBF", "y", "U+00FF, last of page 0, folded" },
	{ "\xC4\x80", "\xC4\x80", "U+0100, first of page 1, kept" },
	{ "\xE3\x80\x80", "", "U+3000 ideographic space" },
	{ "\xE3\x83\xBF", "\xE3\x83\xBF", "U+30FF katakana, last of page 0x30" },
	{ "\xE3\x84\x80", "\xE3\x84\x80", "U+3100, not bopomofo, kept" },
	{ "\xEF\xBC\x81", "", "U+FF01 full-width !, a symbol" },
	{ "\xEF\xBD\x9E", "~", "U+FF5E full-width ~, last folded to ASCII" },
	{ "\xEF\xBD\x9F", "", "U+FF5F, a symbol" },
	{ "\xEF\xBF\xBF", "\xEF\xBF\xBF", "U+FFFF, last of the BMP, kept" },
	{ "\xE4\xB8\x80", "\xE4\xB8\x80", "U+4E00, first unified ideograph" },
	{ "\xE9\xBF\xBF", "\xE9\xBF\xBF", "U+9FFF, last unified ideograph" },
	{ "\xE4\xB7\xBF", "\xE4\xB7\xBF", "U+4DFF hexagram, kept" },
};

static void test_utf8_and_page_edges(void)
{
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		char out[64];
		size_t n = norm_text(edges[i].in, strlen(edges[i].in), out, sizeof out, NULL);

		if (strcmp(out, edges[i].want) != 0)
			fprintf(stderr, "edge %zu (%s)\n", i, edges[i].why);
		CHECK_STR(out, edges[i].want);
		CHECK_INT(n, strlen(edges[i].want));
	}
}

/* "Ab.銀行 ⑩ ＡＢ.c 中- x" at every capacity: an ASCII run, a separator
 * rolled back before CJK, t2s, a two-digit number, full-width folding, a
 * URL dot, separators dropped after CJK. Input offsets: A0 b1 .2 銀3 行6
 * sp9 ⑩10 sp13 Ａ14 Ｂ17 .20 c21 sp22 中23 -26 sp27 x28; length 29. */
static const char mix[] = "Ab.銀行 ⑩ ＡＢ.c 中- x";
static const char mix_full[] = "ab银行10 ab.c中x";
static const uint32_t mix_map[] = {
	0, 1, 3, 3, 3, 6, 6, 6, 10, 10, 13, 14, 17, 20, 21, 23, 23, 23, 28, 29,
};

/* Output at capacity cap: characters are kept whole, a separator written
 * before a CJK character that does not fit is still rolled back, and
 * trailing spaces go. */
static const char *const mix_at_cap[] = {
	"", "", "a", "ab", "ab", "ab", "ab银", "ab银", "ab银", "ab银行", "ab银行",
	"ab银行10", "ab银行10", "ab银行10 a", "ab银行10 ab", "ab银行10 ab.",
	"ab银行10 ab.c", "ab银行10 ab.c", "ab银行10 ab.c", "ab银行10 ab.c中",
};

static void test_every_cap(void)
{
	size_t len = strlen(mix), full = strlen(mix_full);

	CHECK_INT(len, 29);
	for (size_t cap = 0; cap <= len + 4; cap++) {
		const char *want = cap < sizeof mix_at_cap / sizeof mix_at_cap[0] ?
				   mix_at_cap[cap] : mix_full;
		char out[40], out2[40];
		uint32_t map[40];
		size_t n, n2, wl = strlen(want);

		memset(out, 0x7E, sizeof out);
		n = norm_text(mix, len, out, cap, map);
		n2 = norm_text(mix, len, out2, cap, NULL);
		if (cap == 0) {
			CHECK_INT(n, 0);
			CHECK_INT((uint8_t)out[0], 0x7E);	/* cap 0 writes nothing */
			continue;
		}
		if (n != wl || memcmp(out, want, wl + 1) != 0)
			fprintf(stderr, "cap %zu\n", cap);
		CHECK_INT(n, wl);
		CHECK_MEM(out, want, wl + 1);
		CHECK_INT(n2, wl);
		CHECK_MEM(out2, want, wl + 1);
		/* the map of a prefix is the prefix of the map, then the length */
		CHECK_MEM(map, mix_map, n * sizeof(uint32_t));
		CHECK_INT(map[n], len);
	}
	CHECK_INT(full, 19);
	CHECK_INT(sizeof mix_map / sizeof mix_map[0], full + 1);
}

int main(void)
{
	RUN(test_ideo_fold);
	RUN(test_ignorable);
	RUN(test_t2s_every_entry);
	RUN(test_cjk_not_in_table_kept);
	RUN(test_utf8_and_page_edges);
	RUN(test_every_cap);
	return TEST_SUMMARY();
}
