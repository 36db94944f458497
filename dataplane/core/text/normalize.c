/* SPDX-License-Identifier: BSD-3-Clause */
/* Text normalisation for content matching and URL extraction over the
 * result. Spec: rules/FORMAT.md "Normalisation" (steps 1-6 below); UTF-8
 * decoding per Unicode 15 §3.9 (maximal subpart → one U+FFFD); the
 * traditional→simplified table is generated from Unihan (t2s_table.h);
 * the ignorable code points and the radical / compatibility ideograph
 * folding are generated from the UCD when building (unicode_norm.h). 
 * map_char defines steps 2-4; the hot loop reads it from direct-index
 * tables built from it once per process (see "Direct-index tables"). */
#include "normalize.h"

#include <string.h>

#include "t2s_table.h"
#include "unicode_norm.h"	/* generated from the UCD at build time */
#include "ucs2.h"

/* What one input character becomes. */
enum nk {
	NK_DROP,	/* invisible: removed without a trace (step 5) */
	NK_SPACE,	/* whitespace or control (step 6) */
	NK_URL,		/* ASCII . / : - _ @ ? = & % # + ~ (kept between non-CJK) */
	NK_SYM,		/* other punctuation, symbol, emoji (step 6) */
	NK_CJK,		/* Han, kana, hangul, bopomofo */
	NK_WORD,	/* letters, digits, other scripts, U+FFFD */
};

struct nmap {
	uint8_t kind;
	uint8_t n;	/* n > 0: the character becomes the ASCII a[0..n-1] */
	char a[2];
	uint32_t cp;	/* n == 0: the character becomes cp */
};

/* Step 1: decode one UTF-8 character at in[0..len). Returns the bytes
 * consumed (>= 1); invalid or truncated sequences yield U+FFFD for their
 * maximal valid prefix (Unicode §3.9, "U+FFFD substitution of maximal
 * subparts"). */
static size_t utf8_decode(const uint8_t *in, size_t len, uint32_t *cp)
{
	uint8_t b0 = in[0];
	size_t n, i;
	uint32_t c;
	uint8_t lo = 0x80, hi = 0xBF;

	if (b0 < 0x80) {
		*cp = b0;
		return 1;
	}
	if (b0 >= 0xC2 && b0 <= 0xDF) {
		n = 2;
		c = b0 & 0x1F;
	} else if (b0 >= 0xE0 && b0 <= 0xEF) {
		n = 3;
		c = b0 & 0x0F;
		if (b0 == 0xE0)
			lo = 0xA0;	/* no overlongs */
		else if (b0 == 0xED)
			hi = 0x9F;	/* no surrogates */
	} else if (b0 >= 0xF0 && b0 <= 0xF4) {
		n = 4;
		c = b0 & 0x07;
		if (b0 == 0xF0)
			lo = 0x90;
		else if (b0 == 0xF4)
			hi = 0x8F;	/* <= U+10FFFF */
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	for (i = 1; i < n; i++) {
		uint8_t b;

		if (i >= len) {
			*cp = 0xFFFD;
			return i;
		}
		b = in[i];
		if (b < lo || b > hi) {
			*cp = 0xFFFD;
			return i;
		}
		lo = 0x80;
		hi = 0xBF;
		c = (c << 6) | (b & 0x3F);
	}
	*cp = c;
	return n;
}

static void set_ascii(struct nmap *m, uint8_t kind, char a)
{
	m->kind = kind;
	m->n = 1;
	m->a[0] = a;
}

static void set_number(struct nmap *m, unsigned v)
{
	m->kind = NK_WORD;
	if (v >= 10) {
		m->n = 2;
		m->a[0] = (char)('0' + v / 10);
		m->a[1] = (char)('0' + v % 10);
	} else {
		m->n = 1;
		m->a[0] = (char)('0' + v);
	}
}

/* Step 2 for ASCII (and full-width forms folded to ASCII). */
static void map_ascii(uint32_t c, struct nmap *m)
{
	if (c >= 'A' && c <= 'Z') {
		set_ascii(m, NK_WORD, (char)(c + 32));
	} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
		set_ascii(m, NK_WORD, (char)c);
	} else if (c <= 0x20 || c == 0x7F) {
		set_ascii(m, NK_SPACE, ' ');	/* controls never reach the output */
	} else if (strchr("./:-_@?=&%#+~", (int)c)) {
		set_ascii(m, NK_URL, (char)c);
	} else {
		set_ascii(m, NK_SYM, (char)c);
	}
}

/* Step 2: Greek and Cyrillic letters that look like Latin ones. */
static const struct { uint16_t cp; char a; } lookalike[] = {
	{ 0x0391, 'a' }, { 0x0392, 'b' }, { 0x0395, 'e' }, { 0x0396, 'z' },
	{ 0x0397, 'h' }, { 0x0399, 'i' }, { 0x039A, 'k' }, { 0x039C, 'm' },
	{ 0x039D, 'n' }, { 0x039F, 'o' }, { 0x03A1, 'p' }, { 0x03A4, 't' },
	{ 0x03A5, 'y' }, { 0x03A7, 'x' }, { 0x03B1, 'a' }, { 0x03B2, 'b' },
	{ 0x03B3, 'y' }, { 0x03B5, 'e' }, { 0x03B9, 'i' }, { 0x03BA, 'k' },
	{ 0x03BD, 'v' }, { 0x03BF, 'o' }, { 0x03C1, 'p' }, { 0x03C4, 't' },
	{ 0x03C5, 'u' }, { 0x03C7, 'x' }, { 0x03C9, 'w' },
	{ 0x0401, 'e' }, { 0x0405, 's' }, { 0x0406, 'i' }, { 0x0407, 'i' },
	{ 0x0408, 'j' }, { 0x0410, 'a' }, { 0x0412, 'b' }, { 0x0415, 'e' },
	{ 0x041A, 'k' }, { 0x041C, 'm' }, { 0x041D, 'h' }, { 0x041E, 'o' },
	{ 0x0420, 'p' }, { 0x0421, 'c' }, { 0x0422, 't' }, { 0x0423, 'y' },
	{ 0x0425, 'x' }, { 0x0430, 'a' }, { 0x0432, 'b' }, { 0x0435, 'e' },
	{ 0x043A, 'k' }, { 0x043C, 'm' }, { 0x043D, 'h' }, { 0x043E, 'o' },
	{ 0x0440, 'p' }, { 0x0441, 'c' }, { 0x0442, 't' }, { 0x0443, 'y' },
	{ 0x0445, 'x' }, { 0x044C, 'b' }, { 0x0451, 'e' }, { 0x0455, 's' },
	{ 0x0456, 'i' }, { 0x0457, 'i' }, { 0x0458, 'j' }, { 0x0501, 'd' },
	{ 0x051B, 'q' }, { 0x051D, 'w' },
	/* letterlike symbols used as the holes of the mathematical alphabets */
	{ 0x2102, 'c' }, { 0x210A, 'g' }, { 0x210B, 'h' }, { 0x210C, 'h' },
	{ 0x210D, 'h' }, { 0x210E, 'h' }, { 0x2110, 'i' }, { 0x2111, 'i' },
	{ 0x2112, 'l' }, { 0x2113, 'l' }, { 0x2115, 'n' }, { 0x2119, 'p' },
	{ 0x211A, 'q' }, { 0x211B, 'r' }, { 0x211C, 'r' }, { 0x211D, 'r' },
	{ 0x2124, 'z' }, { 0x2128, 'z' }, { 0x212C, 'b' }, { 0x212D, 'c' },
	{ 0x212F, 'e' }, { 0x2130, 'e' }, { 0x2131, 'f' }, { 0x2133, 'm' },
	{ 0x2134, 'o' }, { 0x2139, 'i' },
};

/* Latin-1 letters U+00C0-00FF folded to their base letter; '*' = symbol,
 * '!' = keep as is. */
static const char latin1_fold[64 + 1] =
	"aaaaaaaceeeeiiiidnooooo*ouuuuyp!"
	"aaaaaaaceeeeiiiidnooooo*ouuuuypy";

static uint32_t t2s(uint32_t c)
{
	size_t lo = 0, hi = T2S_TABLE_LEN;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t2s_table[mid][0] == c)
			return t2s_table[mid][1];
		if (t2s_table[mid][0] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return c;
}

/* c in a sorted table of [lo, hi] ranges or (lo, value) pairs: its row or -1 */
static long ucd_find(const uint32_t (*t)[2], size_t n, uint32_t c, int ranges)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c < t[mid][0])
			hi = mid;
		else if (ranges ? c > t[mid][1] : c > t[mid][0])
			lo = mid + 1;
		else
			return (long)mid;
	}
	return -1;
}

/* Step 4: a Kangxi or CJK supplement radical, or a compatibility
 * ideograph, as the unified ideograph it stands for; else c. */
static uint32_t ideo_fold(uint32_t c)
{
	long k;

	if (!((c >= 0x2E80 && c <= 0x2FDF) || (c >= 0xF900 && c <= 0xFAFF) ||
	      (c >= 0x2F800 && c <= 0x2FA1F)))
		return c;
	k = ucd_find(norm_ideo_fold, NORM_IDEO_FOLD_LEN, c, 0);
	return k < 0 ? c : norm_ideo_fold[k][1];
}

static int is_drop(uint32_t c)
{
	/* Step 5: NUL (a UCS-2 0x0000 inside a phrase), every default
	 * ignorable, format character and combining mark of the UCD, and
	 * Hangul fillers */
	if (c == 0 || ucd_find(norm_ignorable, NORM_IGNORABLE_LEN, c, 1) >= 0)
		return 1;
	return c == 0x00AD || c == 0x034F || c == 0x061C || c == 0xFEFF ||
	       (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
	       (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x200B && c <= 0x200F) ||
	       (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F) ||
	       (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE00 && c <= 0xFE0F) ||
	       (c >= 0xFE20 && c <= 0xFE2F) || (c >= 0x180B && c <= 0x180F) ||
	       c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0 ||
	       (c >= 0xFFF9 && c <= 0xFFFB) ||
	       (c >= 0xE0000 && c <= 0xE007F) || (c >= 0xE0100 && c <= 0xE01EF);
}

static int is_space(uint32_t c)
{
	return (c >= 0x80 && c <= 0xA0) || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
	       c == 0x202F || c == 0x205F || c == 0x3000;
}

static int is_cjk(uint32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F) ||
	       (c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
	       (c >= 0x3105 && c <= 0x312F) || (c >= 0x31A0 && c <= 0x31BF) ||
	       (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF) ||
	       (c >= 0x3131 && c <= 0x318E) || c == 0x3005 || c == 0x3006 ||
	       (c >= 0xFF66 && c <= 0xFF9F);
}

static int is_sym(uint32_t c)
{
	return (c >= 0x00A1 && c <= 0x00BF) || c == 0x00D7 || c == 0x00F7 ||
	       (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205E) ||
	       (c >= 0x20A0 && c <= 0x20CF) || (c >= 0x2100 && c <= 0x2BFF) ||
	       (c >= 0x2E00 && c <= 0x2E7F) || (c >= 0x3001 && c <= 0x3004) ||
	       (c >= 0x3008 && c <= 0x3030) || (c >= 0x303B && c <= 0x303F) ||
	       (c >= 0x3200 && c <= 0x33FF) || (c >= 0xE000 && c <= 0xF8FF) ||
	       (c >= 0xFE10 && c <= 0xFE1F) || (c >= 0xFE30 && c <= 0xFE6F) ||
	       (c >= 0xFF5F && c <= 0xFF65) || (c >= 0xFFE0 && c <= 0xFFEE) ||
	       c == 0xFFFC || (c >= 0x1F000 && c <= 0x1FBFF);
}

/* Step 3: digit look-alikes; returns the value or -1. */
static int digit_value(uint32_t c)
{
	if (c == 0x00B9) return 1;			/* superscripts */
	if (c == 0x00B2 || c == 0x00B3) return (int)(c - 0x00B0);
	if (c == 0x2070) return 0;
	if (c >= 0x2074 && c <= 0x2079) return (int)(c - 0x2070);
	if (c >= 0x2080 && c <= 0x2089) return (int)(c - 0x2080);	/* subscripts */
	if (c >= 0x2460 && c <= 0x2473) return (int)(c - 0x2460 + 1);	/* ①-⑳ */
	if (c >= 0x2474 && c <= 0x2487) return (int)(c - 0x2474 + 1);	/* ⑴-⒇ */
	if (c >= 0x2488 && c <= 0x249B) return (int)(c - 0x2488 + 1);	/* ⒈-⒛ */
	if (c == 0x24EA || c == 0x24FF) return 0;			/* ⓪ ⓿ */
	if (c >= 0x24EB && c <= 0x24F4) return (int)(c - 0x24EB + 11);	/* ⓫-⓴ */
	if (c >= 0x24F5 && c <= 0x24FE) return (int)(c - 0x24F5 + 1);	/* ⓵-⓾ */
	if (c >= 0x2776 && c <= 0x277F) return (int)(c - 0x2776 + 1);	/* ❶-❿ */
	if (c >= 0x2780 && c <= 0x2789) return (int)(c - 0x2780 + 1);	/* ➀-➉ */
	if (c >= 0x278A && c <= 0x2793) return (int)(c - 0x278A + 1);	/* ➊-➓ */
	if (c == 0x3007) return 0;					/* 〇 */
	if (c >= 0x0660 && c <= 0x0669) return (int)(c - 0x0660);	/* Arabic-Indic */
	if (c >= 0x06F0 && c <= 0x06F9) return (int)(c - 0x06F0);
	if (c >= 0x0966 && c <= 0x096F) return (int)(c - 0x0966);	/* Devanagari */
	if (c >= 0x1D7CE && c <= 0x1D7FF) return (int)((c - 0x1D7CE) % 10);	/* math */
	if (c == 0x1F100 || c == 0x1F10B || c == 0x1F10C) return 0;
	if (c >= 0x1F101 && c <= 0x1F10A) return (int)(c - 0x1F101);	/* 🄁-🄊 */
	if (c >= 0x1FBF0 && c <= 0x1FBF9) return (int)(c - 0x1FBF0);	/* segmented */
	return -1;
}

/* Step 2: enclosed and mathematical Latin letters; returns 'a'..'z' or 0. */
static char letter_value(uint32_t c)
{
	if (c >= 0x249C && c <= 0x24B5) return (char)('a' + (c - 0x249C));	/* ⒜ */
	if (c >= 0x24B6 && c <= 0x24CF) return (char)('a' + (c - 0x24B6));	/* Ⓐ */
	if (c >= 0x24D0 && c <= 0x24E9) return (char)('a' + (c - 0x24D0));	/* ⓐ */
	if (c >= 0x1D400 && c <= 0x1D6A3) {					/* 𝐀 */
		unsigned i = (c - 0x1D400) % 52;
		return (char)('a' + (i < 26 ? i : i - 26));
	}
	if (c >= 0x1F110 && c <= 0x1F129) return (char)('a' + (c - 0x1F110));
	if (c >= 0x1F130 && c <= 0x1F149) return (char)('a' + (c - 0x1F130));
	if (c >= 0x1F150 && c <= 0x1F169) return (char)('a' + (c - 0x1F150));
	if (c >= 0x1F170 && c <= 0x1F189) return (char)('a' + (c - 0x1F170));
	return 0;
}

static void map_char(uint32_t c, struct nmap *m)
{
	int d;
	char l;

	m->n = 0;
	m->cp = c;
	if (c == 0) {
		m->kind = NK_DROP;
		return;
	}
	if (c < 0x80) {
		map_ascii(c, m);
		return;
	}
	if (c >= 0xFF01 && c <= 0xFF5E) {	/* step 2: full-width → ASCII */
		map_ascii(c - 0xFEE0, m);
		return;
	}
	if (is_drop(c)) {
		m->kind = NK_DROP;
		return;
	}
	if (is_space(c)) {			/* U+3000 → space, step 2 */
		set_ascii(m, NK_SPACE, ' ');
		return;
	}
	if (c == 0x3002 || c == 0xFF61 || c == 0x2024) {	/* 。 ｡ ․ used as dots in hosts */
		set_ascii(m, NK_URL, '.');
		return;
	}
	if ((d = digit_value(c)) >= 0) {
		set_number(m, (unsigned)d);
		return;
	}
	if ((l = letter_value(c)) != 0) {
		set_ascii(m, NK_WORD, l);
		return;
	}
	if (c >= 0x00C0 && c <= 0x00FF) {
		char f = latin1_fold[c - 0xC0];

		if (f == '*')
			m->kind = NK_SYM;
		else if (f == '!')
			m->kind = NK_WORD;
		else
			set_ascii(m, NK_WORD, f);
		return;
	}
	if (c == 0x00B5) {
		set_ascii(m, NK_WORD, 'u');
		return;
	}
	if ((c >= 0x0391 && c <= 0x051D) || (c >= 0x2102 && c <= 0x2139)) {
		size_t lo = 0, hi = sizeof lookalike / sizeof lookalike[0];

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (lookalike[mid].cp == c) {
				set_ascii(m, NK_WORD, lookalike[mid].a);
				return;
			}
			if (lookalike[mid].cp < c)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	if (ideo_fold(c) != c) {		/* step 4: radicals, compatibility ideographs */
		uint32_t u = ideo_fold(c);

		m->kind = NK_CJK;
		m->cp = u <= 0xFFFF ? t2s(u) : u;
		return;
	}
	if (is_cjk(c)) {			/* step 4 */
		m->kind = NK_CJK;
		if (c <= 0xFFFF)
			m->cp = t2s(c);
		return;
	}
	m->kind = is_sym(c) ? NK_SYM : NK_WORD;
}

/* ---- Direct-index tables (the fast path) -------------------------------
 * map_char above is the definition of steps 2-4. For the hot path it is
 * tabulated once per process for the whole BMP: stage1[c >> 8] names one
 * of a few distinct 256-entry pages, whose entry packs map_char's result
 * (kind, n, a[0], a[1]); a CJK entry stands for cp = t2s(c), found through
 * a bitmap of t2s_table's sources plus a rank per 64-bit word instead of
 * a binary search. The builder checks that every entry reproduces
 * map_char exactly and leaves the fast path off otherwise, so the tables
 * can never change the output; code points above U+FFFF, and any call
 * made before the tables are ready, use map_char itself. */

#define NORM_PAGES_MAX 64	/* distinct pages; the BMP needs 25 today */

#define NORM_CJK_MAP_MAX (T2S_TABLE_LEN + NORM_IDEO_FOLD_LEN)

struct norm_tables {
	uint8_t stage1[256];		/* c >> 8 → page */
	uint16_t t2s_rank[1024];	/* cjk_map entries before bitmap word w */
	uint64_t t2s_bits[1024];	/* bit c: cjk_map has a source c */
	uint32_t cjk_map[NORM_CJK_MAP_MAX][2];	/* BMP CJK c → its output (t2s, radical fold) */
	uint32_t page[NORM_PAGES_MAX][256];	/* kind | n << 8 | a[0] << 16 | a[1] << 24 */
};

static struct norm_tables norm_tab;
static int norm_tab_state;	/* 0 unbuilt, 1 building, 2 ready, 3 unusable */

static inline unsigned popcount64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
	return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

/* A CJK character's output for c <= 0xFFFF (t2s, radical folding) by
 * bitmap and rank. */
static inline uint32_t t2s_fast(const struct norm_tables *t, uint32_t c)
{
	uint64_t w = t->t2s_bits[c >> 6], bit = 1ULL << (c & 63);

	if (!(w & bit))
		return c;
	return t->cjk_map[t->t2s_rank[c >> 6] + popcount64(w & (bit - 1))][1];
}

static uint32_t norm_pack(const struct nmap *m)
{
	uint32_t e = m->kind | (uint32_t)m->n << 8;

	if (m->n >= 1)
		e |= (uint32_t)(uint8_t)m->a[0] << 16;
	if (m->n >= 2)
		e |= (uint32_t)(uint8_t)m->a[1] << 24;
	return e;
}

static int norm_tables_build(struct norm_tables *t)
{
	unsigned npages = 0, pg, lo, w, rank = 0;
	uint32_t tmp[256];

	size_t ncjk = 0;

	memset(t, 0, sizeof(*t));
	/* every BMP CJK character map_char changes, in code point order */
	for (uint32_t c = 0; c <= 0xFFFF; c++) {
		struct nmap m;

		map_char(c, &m);
		if (m.kind != NK_CJK || m.n != 0 || m.cp == c)
			continue;
		if (ncjk == NORM_CJK_MAP_MAX)
			return -1;
		t->cjk_map[ncjk][0] = c;
		t->cjk_map[ncjk++][1] = m.cp;
		t->t2s_bits[c >> 6] |= 1ULL << (c & 63);
	}
	for (w = 0; w < 1024; w++) {
		t->t2s_rank[w] = (uint16_t)rank;
		rank += popcount64(t->t2s_bits[w]);
	}
	for (pg = 0; pg < 256; pg++) {
		unsigned k;

		for (lo = 0; lo < 256; lo++) {
			uint32_t c = pg << 8 | lo;
			struct nmap m;

			map_char(c, &m);
			/* at most two ASCII bytes; one for ASCII (copied in runs,
			 * NUL dropped) and for the separators */
			if (m.n > 2 || ((c < 0x80 || m.kind == NK_SPACE || m.kind == NK_URL) &&
					m.n != 1 && m.kind != NK_DROP))
				return -1;
			/* an entry with n == 0 stands for c, or t2s(c) for CJK */
			if (m.n == 0 && m.cp != (m.kind == NK_CJK ? t2s_fast(t, c) : c))
				return -1;
			tmp[lo] = norm_pack(&m);
		}
		for (k = 0; k < npages; k++)
			if (memcmp(t->page[k], tmp, sizeof(tmp)) == 0)
				break;
		if (k == npages) {
			if (npages == NORM_PAGES_MAX)
				return -1;
			memcpy(t->page[npages++], tmp, sizeof(tmp));
		}
		t->stage1[pg] = (uint8_t)k;
	}
	return 0;
}

/* The tables, or NULL while another thread builds them (or if they could
 * not reproduce map_char): the caller then uses map_char. Built at most
 * once, by the one thread that moves the state from 0 to 1. */
static const struct norm_tables *norm_tables(void)
{
	int s = __atomic_load_n(&norm_tab_state, __ATOMIC_ACQUIRE);

	if (s == 2)
		return &norm_tab;
	if (s == 0 && __atomic_compare_exchange_n(&norm_tab_state, &s, 1, 0,
						  __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		s = norm_tables_build(&norm_tab) == 0 ? 2 : 3;
		__atomic_store_n(&norm_tab_state, s, __ATOMIC_RELEASE);
		return s == 2 ? &norm_tab : NULL;
	}
	return NULL;
}

/* Build the tables at load time, before any lcore runs. */
__attribute__((constructor)) static void norm_tables_init(void)
{
	(void)norm_tables();
}

/* utf8_decode with the well-formed 2- and 3-byte sequences (Latin, Greek,
 * Cyrillic, CJK, full-width forms) decoded inline; everything else,
 * including every invalid or truncated sequence, goes to utf8_decode. */
static inline __attribute__((always_inline))
size_t utf8_next(const uint8_t *s, size_t rem, uint32_t *cp)
{
	uint8_t b0 = s[0];

	if (b0 >= 0xE1 && b0 != 0xED && b0 <= 0xEF && rem >= 3 &&
	    (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
		*cp = (uint32_t)(b0 & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		return 3;
	}
	if (b0 >= 0xC2 && b0 <= 0xDF && rem >= 2 && (s[1] & 0xC0) == 0x80) {
		*cp = (uint32_t)(b0 & 0x1F) << 6 | (s[1] & 0x3F);
		return 2;
	}
	return utf8_decode(s, rem, cp);
}

/* The body of norm_text; with_map is a constant at each call so that the
 * engine's map-less call carries no per-byte map test. Characters are
 * written straight into out (no staging buffer). */
static inline __attribute__((always_inline))
size_t norm_text_run(const char *in, size_t len, char *out, size_t cap, uint32_t *map,
		     const int with_map)
{
	const uint8_t *p = (const uint8_t *)in;
	const struct norm_tables *t = norm_tables();
	const uint32_t *page0 = t ? t->page[t->stage1[0]] : NULL;
	size_t i = 0, o = 0, run_start = 0;
	size_t room = cap - 1;	/* output bytes before the NUL */
	int prev = NK_SPACE;	/* kind of the last emitted character; start of text */
	int in_run = 0, run_emit = 0;

	while (i < len) {
		uint32_t c, cp, e;
		size_t at = i, n;
		unsigned kind;

		if (p[i] < 0x80 && t) {
			e = page0[p[i]];
			kind = e & 0xFF;
			if (kind == NK_WORD) {
				/* a run of ASCII letters and digits, one byte each
				 * (ends a separator run without rolling it back) */
				in_run = 0;
				do {
					if (o == room)
						goto full;
					if (with_map)
						map[o] = (uint32_t)i;
					out[o++] = (char)(e >> 16);
					i++;
				} while (i < len && p[i] < 0x80 &&
					 ((e = page0[p[i]]) & 0xFF) == NK_WORD);
				prev = NK_WORD;
				continue;
			}
			cp = c = p[i++];
		} else {
			i += utf8_next(p + i, len - i, &c);
			if (t && c <= 0xFFFF) {
				e = t->page[t->stage1[c >> 8]][c & 0xFF];
				kind = e & 0xFF;
				cp = kind == NK_CJK ? t2s_fast(t, c) : c;
			} else {
				struct nmap m;

				map_char(c, &m);
				e = norm_pack(&m);
				kind = m.kind;
				cp = m.cp;
			}
		}
		if (kind == NK_DROP)
			continue;
		if (kind == NK_SPACE || kind == NK_URL || kind == NK_SYM) {
			/* Step 6: a separator run; its fate depends on what follows.
			 * After CJK it is dropped; otherwise it is written tentatively
			 * and rolled back if a CJK character follows. */
			if (!in_run) {
				in_run = 1;
				run_start = o;
				run_emit = prev != NK_CJK;
			}
			if (!run_emit || kind == NK_SYM)
				continue;
			if (kind == NK_SPACE && (o == 0 || out[o - 1] == ' '))
				continue;
			if (o == room)
				break;
			if (with_map)
				map[o] = (uint32_t)at;
			out[o++] = (char)(e >> 16);
			continue;
		}
		if (in_run) {
			in_run = 0;
			if (kind == NK_CJK)
				o = run_start;
		}
		n = (e >> 8) & 0xFF;
		if (n == 0) {
			/* the character itself, or its simplified form */
			n = ucs2_utf8_len(cp);
			if (room - o < n)
				break;
			ucs2_utf8_write(out + o, cp);
		} else {
			if (room - o < n)
				break;
			out[o] = (char)(e >> 16);
			if (n == 2)
				out[o + 1] = (char)(e >> 24);
		}
		if (with_map)
			for (size_t k = 0; k < n; k++)
				map[o + k] = (uint32_t)at;
		o += n;
		prev = (int)kind;
	}
full:
	while (o > 0 && out[o - 1] == ' ')	/* no trailing space */
		o--;
	out[o] = '\0';
	if (with_map)
		map[o] = (uint32_t)len;
	return o;
}

size_t norm_text(const char *in, size_t len, char *out, size_t cap, uint32_t *map)
{
	if (cap == 0)
		return 0;
	if (map)
		return norm_text_run(in, len, out, cap, map, 1);
	return norm_text_run(in, len, out, cap, NULL, 0);
}

size_t norm_text_out(const char *in, size_t len, struct norm_out *o)
{
	o->len = norm_text(in, len, o->buf, o->cap, o->map);
	return o->len;
}

/* ---- URL extraction ---------------------------------------------------- */

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_tok(char c)
{
	return is_alnum(c) || (c && strchr("./:-_@?=&%#+~", c));
}

static int is_hostch(char c)
{
	return is_alnum(c) || c == '-' || c == '.';
}

/* TLDs accepted for a bare host (no scheme, no "www."): the common generic
 * and country ones and the cheap ones spam favours. */
static const char *const known_tld[] = {
	"app", "asia", "bid", "biz", "cc", "cf", "click", "club", "cn", "co",
	"com", "de", "fun", "ga", "gq", "hk", "icu", "in", "info", "io", "jp",
	"kr", "la", "link", "live", "loan", "ltd", "me", "ml", "mo", "mobi",
	"name", "net", "online", "org", "pro", "pw", "ren", "ru", "shop", "site",
	"space", "store", "su", "tech", "tk", "top", "tv", "tw", "uk", "us",
	"vip", "wang", "website", "win", "work", "ws", "xin", "xyz",
};

static int tld_known(const char *t, size_t n)
{
	for (size_t k = 0; k < sizeof known_tld / sizeof known_tld[0]; k++)
		if (strlen(known_tld[k]) == n && memcmp(known_tld[k], t, n) == 0)
			return 1;
	return 0;
}

/* Parse the token [s, e) of URL characters; fill u and return 1 for a URL. */
static int url_parse(const char *t, size_t s, size_t e, struct norm_url *u)
{
	size_t p = s, h, he, ae, k, labels = 1, last_dot = 0;
	int scheme = 0, all_digits = 1, ok = 1;
	unsigned oct[4] = { 0 }, noct = 0, digits = 0;

	while (p < e && !is_alnum(t[p]))
		p++;
	s = p;
	if (e - p > 7 && memcmp(t + p, "http://", 7) == 0) {
		scheme = 1;
		p += 7;
	} else if (e - p > 8 && memcmp(t + p, "https://", 8) == 0) {
		scheme = 1;
		p += 8;
	}
	for (ae = p; ae < e && t[ae] != '/' && t[ae] != '?' && t[ae] != '#'; ae++)
		;
	h = p;
	for (k = p; k < ae; k++)
		if (t[k] == '@')
			h = k + 1;
	if (h != p && !scheme)
		return 0;	/* user@host without a scheme: an e-mail address */
	for (he = h; he < ae && is_hostch(t[he]); he++)
		;
	while (he > h && (t[he - 1] == '.' || t[he - 1] == '-'))
		he--;
	if (he == h || !is_alnum(t[h]))
		return 0;
	for (k = h; k < he; k++) {
		if (t[k] == '.') {
			if (t[k - 1] == '.')
				return 0;	/* empty label */
			labels++;
			last_dot = k;
			if (noct < 4)
				oct[noct] = digits <= 3 ? oct[noct] : 256;
			noct++;
			digits = 0;
			continue;
		}
		if (t[k] >= '0' && t[k] <= '9') {
			if (noct < 4)
				oct[noct] = oct[noct] * 10 + (unsigned)(t[k] - '0');
			digits++;
			if (noct < 4 && oct[noct] > 255)
				oct[noct] = 256;
		} else {
			all_digits = 0;
		}
	}
	if (labels < 2)
		return 0;
	if (noct < 4)
		oct[noct] = digits <= 3 ? oct[noct] : 256;
	noct++;
	memset(u, 0, sizeof *u);
	if (all_digits) {
		if (noct != 4)
			return 0;
		for (k = 0; k < 4; k++) {
			if (oct[k] > 255)
				return 0;
			u->ip[k] = (uint8_t)oct[k];
		}
		u->is_ip = 1;
	} else {
		size_t tl = he - last_dot - 1;

		for (k = last_dot + 1; k < he; k++)
			if (!(t[k] >= 'a' && t[k] <= 'z'))
				ok = 0;
		if (tl >= 4 && memcmp(t + last_dot + 1, "xn--", 4) == 0)
			ok = 1;		/* punycode TLD */
		if (!ok || tl < 2 || tl > 24)
			return 0;
		if (!scheme && !(he - h > 4 && memcmp(t + h, "www.", 4) == 0) &&
		    !tld_known(t + last_dot + 1, tl))
			return 0;
		u->tld_off = (uint16_t)(last_dot + 1);
		u->tld_len = (uint16_t)tl;
	}
	/* the URL runs to the end of the token, less trailing punctuation */
	while (e > he && strchr(".:-_?=&#+~@%", t[e - 1]))
		e--;
	u->off = (uint16_t)s;
	u->len = (uint16_t)(e - s);
	u->host_off = (uint16_t)h;
	u->host_len = (uint16_t)(he - h);
	return 1;
}

unsigned norm_urls(const char *norm, size_t len, struct norm_url *out, unsigned max)
{
	unsigned n = 0;
	size_t i = 0;

	if (len > 65535)
		len = 65535;
	while (i < len && n < max) {
		size_t s;

		if (!is_tok(norm[i])) {
			i++;
			continue;
		}
		s = i;
		while (i < len && is_tok(norm[i]))
			i++;
		if (url_parse(norm, s, i, &out[n]))
			n++;
	}
	return n;
}
