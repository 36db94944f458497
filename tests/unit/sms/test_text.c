/* SPDX-License-Identifier: BSD-3-Clause */
/* GSM 7-bit (TS 23.038 §6.2.1, Annex A) and UCS-2 (§6.2.3) text: tables,
 * packing with fill bits, UTF-8 round trips and U+FFFD accounting. */
#include "sf_test.h"
#include "sf_wire.h"
#include "text/gsm7.h"
#include "text/data_text.h"
#include "text/ucs2.h"

/* Every character of the default alphabet (§6.2.1) in code order, ESC
 * (0x1B) left out; the UTF-8 text of septets 0x00..0x7F. */
static const char default_table_utf8[] =
	"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ" /* 0x1B ESC */ "ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

static void test_default_table_round_trip(void)
{
	uint8_t sep[160], packed[160];
	char out[512];
	uint32_t bad = 0;
	int n, k, m;

	n = gsm7_from_utf8(default_table_utf8, strlen(default_table_utf8), sep, sizeof sep);
	CHECK_INT(n, 127);
	for (int i = 0, c = 0; i < 128; i++) {
		if (i == 0x1B)
			continue;
		if (sep[c] != i)
			CHECK_INT(sep[c], i);
		c++;
	}
	/* §6.1.2.1.1: 127 septets = 889 bits = 112 octets */
	k = gsm7_pack(sep, (size_t)n, 0, packed, sizeof packed);
	CHECK_INT(k, 112);
	m = gsm7_decode(packed, (size_t)k, 0, (unsigned)n, 0, 0, out, sizeof out, &bad);
	CHECK_INT(m, (int)strlen(default_table_utf8));
	CHECK_STR(out, default_table_utf8);
	CHECK_INT(bad, 0);
}

static void test_extension_round_trip(void)
{
	static const char s[] = "€[]{}~\\^|\f";
	static const uint8_t want[] = {
		0x1B, 0x65, 0x1B, 0x3C, 0x1B, 0x3E, 0x1B, 0x28, 0x1B, 0x29,	/* € [ ] { } */
		0x1B, 0x3D, 0x1B, 0x2F, 0x1B, 0x14, 0x1B, 0x40, 0x1B, 0x0A,	/* ~ \ ^ | FF */
	};
	uint8_t sep[32], packed[32];
	char out[64];
	int n, k;

	n = gsm7_from_utf8(s, strlen(s), sep, sizeof sep);
	CHECK_INT(n, 20);
	CHECK_MEM(sep, want, sizeof want);
	k = gsm7_pack(sep, 20, 0, packed, sizeof packed);
	CHECK_INT(k, 18);
	CHECK_INT(gsm7_decode(packed, (size_t)k, 0, 20, 0, 0, out, sizeof out, NULL), (int)strlen(s));
	CHECK_STR(out, s);
}

/* The classic example of §6.1.2.1.1: "hellohello" packs to E8 32 9B FD 46 97 D9 EC 37 */
static void test_pack_hellohello(void)
{
	static const uint8_t want[] = { 0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37 };
	uint8_t sep[16], packed[16];
	char out[32];
	int n = gsm7_from_utf8("hellohello", 10, sep, sizeof sep);

	CHECK_INT(n, 10);
	CHECK_INT(gsm7_pack(sep, 10, 0, packed, sizeof packed), 9);
	CHECK_MEM(packed, want, sizeof want);
	CHECK_INT(gsm7_decode(want, sizeof want, 0, 10, 0, 0, out, sizeof out, NULL), 10);
	CHECK_STR(out, "hellohello");
}

/* Fill bits 0..6 (TS 23.040 §9.2.3.24): each packs into the expected bytes
 * and decodes back; the fill bits themselves are zero. */
static void test_fill_bits_every_value(void)
{
	uint8_t sep[8] = { 'A', 'B', 'C', 0x7F, 0x00, 0x1C, 'z', '1' };
	for (unsigned fill = 0; fill <= 6; fill++) {
		uint8_t packed[16];
		char out[64];
		int k = gsm7_pack(sep, 8, fill, packed, sizeof packed);

		CHECK_INT(k, (int)((fill + 56 + 7) / 8));
		CHECK_INT(packed[0] & ((1u << fill) - 1), 0);
		CHECK_INT(gsm7_decode(packed, (size_t)k, fill, 8, 0, 0, out, sizeof out, NULL), 10);
		CHECK_STR(out, "ABCà@Æz1");
	}
	/* one septet after 1 fill bit: 'A' = 0x41 << 1 = 0x82 */
	{
		uint8_t a = 'A', b[2];

		CHECK_INT(gsm7_pack(&a, 1, 1, b, sizeof b), 1);
		CHECK_INT(b[0], 0x82);
		/* after 2 fill bits the septet crosses into a second octet */
		CHECK_INT(gsm7_pack(&a, 1, 2, b, sizeof b), 2);
		CHECK_INT(b[0], 0x04);
		CHECK_INT(b[1], 0x01);
	}
}

static void test_gsm7_errors(void)
{
	uint8_t sep[4], b[4] = { 0 };
	char out[8];

	CHECK_INT(gsm7_from_utf8("中", 3, sep, sizeof sep), SF_E_TEXT_UNREPRESENTABLE);
	CHECK_INT(gsm7_from_utf8("ç", 2, sep, sizeof sep), SF_E_TEXT_UNREPRESENTABLE);	/* only Ç is in §6.2.1 */
	CHECK_INT(gsm7_from_utf8("\xC3", 1, sep, sizeof sep), SF_E_TEXT_UTF8_INVALID);
	CHECK_INT(gsm7_from_utf8("\xC0\x80", 2, sep, sizeof sep), SF_E_TEXT_UTF8_INVALID);	/* overlong NUL */
	CHECK_INT(gsm7_from_utf8("\xED\xA0\x80", 3, sep, sizeof sep), SF_E_TEXT_UTF8_INVALID);	/* surrogate */
	CHECK_INT(gsm7_from_utf8("abcde", 5, sep, 4), SF_E_NO_SPACE);
	CHECK_INT(gsm7_from_utf8("abc€", 6, sep, 4), SF_E_NO_SPACE);	/* € needs ESC + 0x65 */
	CHECK_INT(gsm7_pack(sep, 1, 7, b, sizeof b), SF_E_TEXT_FILL_BITS_INVALID);
	sep[0] = 0x80;
	CHECK_INT(gsm7_pack(sep, 1, 0, b, sizeof b), SF_E_TEXT_UNREPRESENTABLE);
	CHECK_INT(gsm7_pack(sep, 8, 0, b, sizeof b), SF_E_NO_SPACE);
	CHECK_INT(gsm7_decode(b, 1, 7, 1, 0, 0, out, sizeof out, NULL), SF_E_TEXT_FILL_BITS_INVALID);
	/* 2 octets hold two septets, not three; with 3 fill bits only one */
	CHECK_INT(gsm7_decode(b, 2, 0, 3, 0, 0, out, sizeof out, NULL), SF_E_TEXT_SEPTETS_BEYOND_DATA);
	CHECK_INT(gsm7_decode(b, 2, 3, 2, 0, 0, out, sizeof out, NULL), SF_E_TEXT_SEPTETS_BEYOND_DATA);
	CHECK_INT(gsm7_decode(b, 2, 2, 2, 0, 0, out, sizeof out, NULL), 2);
	CHECK_INT(gsm7_decode(b, 0, 0, 0, 0, 0, out, sizeof out, NULL), 0);
	CHECK_STR(out, "");
	/* "@@@" needs 4 bytes with its NUL */
	CHECK_INT(gsm7_decode(b, 4, 0, 3, 0, 0, out, 3, NULL), SF_E_NO_SPACE);
}

/* ESC rules of §6.2.1.1: ESC ESC is a space, an undefined escape shows the
 * main table character, a trailing ESC is U+FFFD (counted). */
static void test_escape_rules(void)
{
	uint8_t sep[] = { 0x1B, 0x1B, 'a', 0x1B, 'b', 0x1B };
	uint8_t packed[8];
	char out[32];
	uint32_t bad = 0;
	int k = gsm7_pack(sep, sizeof sep, 0, packed, sizeof packed);

	CHECK_INT(gsm7_decode(packed, (size_t)k, 0, sizeof sep, 0, 0, out, sizeof out, &bad), 6);
	CHECK_STR(out, " ab\xEF\xBF\xBD");
	CHECK_INT(bad, 1);
}

/* Annex A: Turkish locking + single shift, Spanish single shift, Portuguese
 * locking + single shift; characters chosen where they differ from §6.2.1. */
static void test_national_tables(void)
{
	static const struct {
		uint8_t lock, single;
		const char *text;
		uint8_t sep[12];
		int n;
	} v[] = {
		/* Turkish locking: 0x07 ı, 0x0B Ğ, 0x0C ğ, 0x1C Ş, 0x1D ş, 0x40 İ, 0x60 ç, 0x04 € */
		{ 1, 0, "ıĞğŞşİç€", { 0x07, 0x0B, 0x0C, 0x1C, 0x1D, 0x40, 0x60, 0x04 }, 8 },
		/* default locking + Turkish single shift: ESC 0x47 Ğ, ESC 0x69 ı, ESC 0x73 ş */
		{ 0, 1, "ĞışÇ", { 0x1B, 0x47, 0x1B, 0x69, 0x1B, 0x73, 0x09 }, 7 },
		/* default locking + Spanish single shift: ESC 0x41 Á, ESC 0x75 ú, ESC 0x09 ç */
		{ 0, 2, "Áúç€", { 0x1B, 0x41, 0x1B, 0x75, 0x1B, 0x09, 0x1B, 0x65 }, 8 },
		/* Portuguese locking: 0x04 ê, 0x15 ∞, 0x24 º, 0x60 ~, 0x7D ` , 0x18 € */
		{ 3, 0, "ê∞º~`€", { 0x04, 0x15, 0x24, 0x60, 0x7D, 0x18 }, 6 },
		/* Portuguese locking + single: ESC 0x12 Φ, ESC 0x7F â is in both (locking 0x1D wins) */
		{ 3, 3, "ΦâÕ{", { 0x1B, 0x12, 0x1D, 0x5C, 0x1B, 0x28 }, 6 },
	};

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		uint8_t sep[32], packed[32];
		char out[64];
		uint32_t bad = 0;
		int n = gsm7_from_utf8_nl(v[i].text, strlen(v[i].text), v[i].lock, v[i].single, sep, sizeof sep);
		int k;

		CHECK_INT(n, v[i].n);
		CHECK_MEM(sep, v[i].sep, (size_t)v[i].n);
		k = gsm7_pack(v[i].sep, (size_t)v[i].n, 3, packed, sizeof packed);
		CHECK_INT(gsm7_decode(packed, (size_t)k, 3, (unsigned)v[i].n, v[i].lock, v[i].single,
				      out, sizeof out, &bad), (int)strlen(v[i].text));
		CHECK_STR(out, v[i].text);
		CHECK_INT(bad, 0);
	}
	/* Portuguese single shift decoded by hand: ESC 0x7F = â, ESC 0x5B = Ã */
	{
		uint8_t sep[] = { 0x1B, 0x7F, 0x1B, 0x5B }, packed[8];
		char out[16];
		int k = gsm7_pack(sep, 4, 0, packed, sizeof packed);

		CHECK_INT(gsm7_decode(packed, (size_t)k, 0, 4, 0, 3, out, sizeof out, NULL), 4);
		CHECK_STR(out, "âÃ");
	}
	CHECK_INT(gsm7_nl_supported(1, SF_NL_SPANISH), 0);	/* A.3.2 is void: no Spanish locking table */
	CHECK_INT(gsm7_nl_supported(0, SF_NL_SPANISH), 1);
	CHECK_INT(gsm7_nl_supported(1, SF_NL_TURKISH), 1);
	CHECK_INT(gsm7_nl_supported(1, SF_NL_PORTUGUESE), 1);
	for (unsigned id = SF_NL_BENGALI; id <= SF_NL_URDU; id++) {
		CHECK_INT(gsm7_nl_supported(1, (uint8_t)id), 1);
		CHECK_INT(gsm7_nl_supported(0, (uint8_t)id), 1);
	}
	for (unsigned id = 14; id < 256; id++) {	/* reserved (§6.2.1.2.4) */
		CHECK_INT(gsm7_nl_supported(1, (uint8_t)id), 0);
		CHECK_INT(gsm7_nl_supported(0, (uint8_t)id), 0);
	}
	CHECK_INT(gsm7_locking_cp(1, 0x07), 0x0131);
	CHECK_INT(gsm7_single_cp(2, 0x41), 0x00C1);
	CHECK_INT(gsm7_single_cp(0, 0x41), 0);
	CHECK_INT(gsm7_locking_cp(SF_NL_HINDI, 0x1B), 0xFFFF);	/* ESC in every locking table */
	CHECK_INT(gsm7_single_cp(SF_NL_HINDI, 0x1B), 0);
	CHECK_INT(gsm7_locking_cp(SF_NL_TAMIL, 0x00), 0);	/* A.3.11 leaves 0x00 empty */
	CHECK_INT(gsm7_locking_cp(SF_NL_SPANISH, 0x41), 0);
}

/* Annex A.3.4-A.3.13 and A.2.4-A.2.13, identifiers 4..13 (Bengali .. Urdu):
 * eight locking shift codes and five single shift codes (ESC + code) of
 * each table, the expected text written from the tables as TS 23.038
 * prints them. Decoded after 3 fill bits, and encoded back to the same
 * septets. */
static void test_indic_tables(void)
{
	static const struct {
		uint8_t id;
		uint8_t sep[18];
		const char *text;
	} v[] = {
		/* A.3.4, A.2.4 Bengali: 01 ◌ং 13 ও 24 ড 3D প 4D হ 5F ◌্ 7B ◌ৗ 7F ৱ;
		 * 1B1C ২ 1B20 ৬ 1B2A ◌ৣ 1B40 | 1B65 € */
		{ 4, { 0x01, 0x13, 0x24, 0x3D, 0x4D, 0x5F, 0x7B, 0x7F, 0x1B, 0x1C, 0x1B, 0x20, 0x1B, 0x2A, 0x1B, 0x40, 0x1B, 0x65 },
		  "\u0982\u0993\u09A1\u09AA\u09B9\u09CD\u09D7\u09F1\u09E8\u09EC\u09E3|\u20AC" },
		/* A.3.5, A.2.5 Gujarati: 01 ◌ં 13 ઓ 24 ડ 3D પ 4D હ 5F ◌્ 7B ૠ 7F ૱;
		 * 1B1C ૦ 1B20 ૪ 1B2F \ 1B40 | 1B65 € */
		{ 5, { 0x01, 0x13, 0x24, 0x3D, 0x4D, 0x5F, 0x7B, 0x7F, 0x1B, 0x1C, 0x1B, 0x20, 0x1B, 0x2F, 0x1B, 0x40, 0x1B, 0x65 },
		  "\u0A82\u0A93\u0AA1\u0AAA\u0AB9\u0ACD\u0AE0\u0AF1\u0AE6\u0AEA\\|\u20AC" },
		/* A.3.6, A.2.6 Hindi: 01 ◌ं 13 ओ 24 ड 3D प 4D ह 5F ◌् 7B ॲ 7F ॿ;
		 * 1B1C ० 1B20 ४ 1B2A ◌॓ 1B40 | 1B65 € */
		{ 6, { 0x01, 0x13, 0x24, 0x3D, 0x4D, 0x5F, 0x7B, 0x7F, 0x1B, 0x1C, 0x1B, 0x20, 0x1B, 0x2A, 0x1B, 0x40, 0x1B, 0x65 },
		  "\u0902\u0913\u0921\u092A\u0939\u094D\u0972\u097F\u0966\u096A\u0953|\u20AC" },
		/* A.3.7, A.2.7 Kannada: 01 ◌ಂ 13 ಓ 24 ಡ 3D ಪ 4D ಹ 5F ◌್ 7B ◌ೖ 7F ◌ೣ;
		 * 1B1C ೦ 1B20 ೪ 1B2A ೲ 1B40 | 1B65 € */
		{ 7, { 0x01, 0x13, 0x24, 0x3D, 0x4D, 0x5F, 0x7B, 0x7F, 0x1B, 0x1C, 0x1B, 0x20, 0x1B, 0x2A, 0x1B, 0x40, 0x1B, 0x65 },
		  "\u0C82\u0C93\u0CA1\u0CAA\u0CB9\u0CCD\u0CD6\u0CE3\u0CE6\u0CEA\u0CF2|\u20AC" },
		/* A.3.8, A.2.8 Malayalam: 01 ◌ം 13 ഓ 24 ഡ 3D പ 4D ഹ 5F ◌് 7B ൠ 7F ൹;
		 * 1B1C ൦ 1B20 ൪ 1B2A ൲ 1B40 | 1B65 € */
		{ 8, { 0x01, 0x13, 0x24, 0x3D, 0x4D, 0x5F, 0x7B, 0x7F, 0x1B, 0x1C, 0x1B, 0x20, 0x1B, 0x2A, 0x1B, 0x40, 0x1B, 0x65 },
		  "\u0D02\u0D13\u0D21\u0D2A\u0D39\u0D4D\u0D60\u0D79\u0D66\u0D6A\u0D72|\u20AC" },
		/* A.3.9, A.2.9 Oriya: 01 ◌ଂ 13 ଓ 24 ଡ 3D ପ 4D ହ 5F ◌୍ 7B ◌ୗ 7F ◌ୣ;
		 * 1B1C ୦ 1B20 ୪ 1B2A ୟ 1B40 | 1B65 € */
		{ 9, { 0x01, 0x13, 0x24, 0x3D, 0x4D, 0x5F, 0x7B, 0x7F, 0x1B, 0x1C, 0x1B, 0x20, 0x1B, 0x2A, 0x1B, 0x40, 0x1B, 0x65 },
		  "\u0B02\u0B13\u0B21\u0B2A\u0B39\u0B4D\u0B57\u0B63\u0B66\u0B6A\u0B5F|\u20AC" },
		/* A.3.10, A.2.10 Punjabi: 01 ◌ਂ 13 ਓ 24 ਡ 3D ਪ 4D ਹ 5F ◌੍ 7B ◌ੰ 7F ੴ;
		 * 1B1C ੦ 1B20 ੪ 1B2A ਜ਼ 1B40 | 1B65 € */
		{ 10, { 0x01, 0x13, 0x24, 0x3D, 0x4D, 0x5F, 0x7B, 0x7F, 0x1B, 0x1C, 0x1B, 0x20, 0x1B, 0x2A, 0x1B, 0x40, 0x1B, 0x65 },
		  "\u0A02\u0A13\u0A21\u0A2A\u0A39\u0A4D\u0A70\u0A74\u0A66\u0A6A\u0A5B|\u20AC" },
		/* A.3.11, A.2.11 Tamil: 01 ◌ஂ 13 ஓ 26 ண 3D ப 4D ஹ 5F ◌் 7B ◌ௗ 7F ௹;
		 * 1B1C ௦ 1B20 ௪ 1B2A ௵ 1B40 | 1B65 € */
		{ 11, { 0x01, 0x13, 0x26, 0x3D, 0x4D, 0x5F, 0x7B, 0x7F, 0x1B, 0x1C, 0x1B, 0x20, 0x1B, 0x2A, 0x1B, 0x40, 0x1B, 0x65 },
		  "\u0B82\u0B93\u0BA3\u0BAA\u0BB9\u0BCD\u0BD7\u0BF9\u0BE6\u0BEA\u0BF5|\u20AC" },
		/* A.3.12, A.2.12 Telugu: 01 ◌ం 13 ఓ 24 డ 3D ప 4D హ 5F ◌్ 7B ◌ౖ 7F ◌ౣ;
		 * 1B1C ౦ 1B20 ౪ 1B2A ౸ 1B40 | 1B65 € */
		{ 12, { 0x01, 0x13, 0x24, 0x3D, 0x4D, 0x5F, 0x7B, 0x7F, 0x1B, 0x1C, 0x1B, 0x20, 0x1B, 0x2A, 0x1B, 0x40, 0x1B, 0x65 },
		  "\u0C02\u0C13\u0C21\u0C2A\u0C39\u0C4D\u0C56\u0C63\u0C66\u0C6A\u0C78|\u20AC" },
		/* A.3.13, A.2.13 Urdu: 01 آ 13 ڄ 24 ذ 3D س 4D ل 5F ◌ٗ 7B ◌ٕ 7F ◌ٰ;
		 * 1B1C ۰ 1B20 ۴ 1B2A ؎ 1B40 | 1B65 € */
		{ 13, { 0x01, 0x13, 0x24, 0x3D, 0x4D, 0x5F, 0x7B, 0x7F, 0x1B, 0x1C, 0x1B, 0x20, 0x1B, 0x2A, 0x1B, 0x40, 0x1B, 0x65 },
		  "\u0622\u0684\u0630\u0633\u0644\u0657\u0655\u0670\u06F0\u06F4\u060E|\u20AC" },
	};

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		uint8_t sep[32], packed[32];
		char out[128];
		uint32_t bad = 0;
		int k = gsm7_pack(v[i].sep, sizeof v[i].sep, 3, packed, sizeof packed);

		CHECK_INT(k, 17);	/* 3 + 18 * 7 bits */
		CHECK_INT(gsm7_decode(packed, (size_t)k, 3, sizeof v[i].sep, v[i].id, v[i].id,
				      out, sizeof out, &bad), (int)strlen(v[i].text));
		CHECK_STR(out, v[i].text);
		CHECK_INT(bad, 0);
		CHECK_INT(gsm7_from_utf8_nl(v[i].text, strlen(v[i].text), v[i].id, v[i].id, sep, sizeof sep),
			  (int)sizeof v[i].sep);
		CHECK_MEM(sep, v[i].sep, sizeof v[i].sep);
	}
}

/* Tables of different languages together, words, and the codes a national
 * table leaves empty (§6.1.1 note 1: shown as a space, counted). */
static void test_indic_mixed_and_empty(void)
{
	/* "नमस्ते" (Hindi locking): न 0x2F, म 0x42, स 0x4C, ् 0x5F, त 0x27, े 0x59 */
	static const uint8_t namaste[] = { 0x2F, 0x42, 0x4C, 0x5F, 0x27, 0x59 };
	/* Hindi locking + default extension table: ESC 0x65 €, ESC 0x2A (not in
	 * §6.2.1.1) → Hindi 0x2A थ; Urdu locking + Bengali single shift: 0x00 ا,
	 * ESC 0x1C ২ */
	static const uint8_t mixed1[] = { 0x1B, 0x65, 0x1B, 0x2A };
	static const uint8_t mixed2[] = { 0x00, 0x1B, 0x1C };
	/* Tamil (A.3.11, A.2.11): 0x00 empty, 0x02 ஃ, 0x3B ';', 0x41 empty,
	 * ESC 0x5B (empty in both tables), ESC 0x41 'A' (single shift) */
	static const uint8_t tamil[] = { 0x00, 0x02, 0x3B, 0x41, 0x1B, 0x5B, 0x1B, 0x41 };
	uint8_t sep[16], packed[16];
	char out[64];
	uint32_t bad = 0;
	int k;

	k = gsm7_pack(namaste, sizeof namaste, 0, packed, sizeof packed);
	CHECK_INT(gsm7_decode(packed, (size_t)k, 0, sizeof namaste, SF_NL_HINDI, 0, out, sizeof out, &bad), 18);
	CHECK_STR(out, "\u0928\u092E\u0938\u094D\u0924\u0947");
	CHECK_INT(gsm7_from_utf8_nl(out, strlen(out), SF_NL_HINDI, SF_NL_HINDI, sep, sizeof sep), 6);
	CHECK_MEM(sep, namaste, sizeof namaste);
	/* not representable without the Hindi locking table */
	CHECK_INT(gsm7_from_utf8_nl(out, strlen(out), 0, SF_NL_HINDI, sep, sizeof sep), SF_E_TEXT_UNREPRESENTABLE);

	k = gsm7_pack(mixed1, sizeof mixed1, 0, packed, sizeof packed);
	CHECK_INT(gsm7_decode(packed, (size_t)k, 0, sizeof mixed1, SF_NL_HINDI, 0, out, sizeof out, &bad), 6);
	CHECK_STR(out, "\u20AC\u0925");
	k = gsm7_pack(mixed2, sizeof mixed2, 0, packed, sizeof packed);
	CHECK_INT(gsm7_decode(packed, (size_t)k, 0, sizeof mixed2, SF_NL_URDU, SF_NL_BENGALI,
			      out, sizeof out, &bad), 5);
	CHECK_STR(out, "\u0627\u09E8");
	CHECK_INT(bad, 0);

	k = gsm7_pack(tamil, sizeof tamil, 0, packed, sizeof packed);
	CHECK_INT(gsm7_decode(packed, (size_t)k, 0, sizeof tamil, SF_NL_TAMIL, SF_NL_TAMIL,
			      out, sizeof out, &bad), 8);
	CHECK_STR(out, " \u0B83;  A");
	CHECK_INT(bad, 3);
}

/* Every code of every carried table: decode one septet (or ESC + code) to
 * UTF-8, encode it back with the same tables, decode again: same text, and
 * the code itself comes back unless the character also sits in the locking
 * table (which the encoder prefers). */
static void test_every_table_code_round_trips(void)
{
	static const uint8_t lock_ids[] = { 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };
	static const uint8_t single_ids[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };
	int singles = 0;

	for (size_t l = 0; l < sizeof lock_ids; l++) {
		for (size_t s = 0; s < sizeof single_ids; s++) {
			for (unsigned c = 0; c < 128; c++) {
				for (int esc = 0; esc < 2; esc++) {
					uint8_t in[2], sep[4], packed[8];
					char a[16], b[16];
					unsigned n = esc ? 2 : 1;
					int k, m;

					if (c == GSM7_ESC || (esc && gsm7_single_cp(single_ids[s], (uint8_t)c) == 0) ||
					    (!esc && gsm7_locking_cp(lock_ids[l], (uint8_t)c) == 0))
						continue;	/* ESC, or a code the table leaves empty */
					in[0] = esc ? GSM7_ESC : (uint8_t)c;
					in[1] = (uint8_t)c;
					k = gsm7_pack(in, n, 0, packed, sizeof packed);
					CHECK_INT(gsm7_decode(packed, (size_t)k, 0, n, lock_ids[l], single_ids[s],
							      a, sizeof a, NULL) > 0, 1);
					m = gsm7_from_utf8_nl(a, strlen(a), lock_ids[l], single_ids[s], sep, sizeof sep);
					CHECK(m == 1 || m == 2);
					/* the lowest code showing the character (a few tables
					 * print one at two codes: ¡ at 0x13 and 0x15 of A.2.4) */
					if (m == 2) {
						uint32_t cp = gsm7_single_cp(single_ids[s], (uint8_t)c);

						CHECK_INT(sep[0], GSM7_ESC);
						CHECK(sep[1] <= c);
						CHECK_INT(gsm7_single_cp(single_ids[s], sep[1]), cp);
						for (unsigned d = 0; d < sep[1]; d++)
							CHECK(gsm7_single_cp(single_ids[s], (uint8_t)d) != cp);
						singles++;
					} else if (!esc) {
						CHECK_INT(sep[0], c);
					}
					k = gsm7_pack(sep, (size_t)m, 0, packed, sizeof packed);
					CHECK_INT(gsm7_decode(packed, (size_t)k, 0, (unsigned)m, lock_ids[l], single_ids[s],
							      b, sizeof b, NULL) > 0, 1);
					CHECK_STR(b, a);
				}
			}
		}
	}
	CHECK(singles > 0);
	/* defined codes per table, ESC left out (§6.2.1, §6.2.1.1, A.3, A.2) */
	{
		static const int want_single[14] = { 10, 17, 19, 37, 82, 70, 88, 73, 82, 75, 76, 77, 78, 90 };
		static const int want_lock[13] = { 127, 127, 127, 114, 120, 127, 120, 120, 116, 110, 102, 120, 127 };

		for (size_t s = 0; s < sizeof single_ids; s++) {
			int defined = 0;

			for (unsigned c = 0; c < 128; c++)
				defined += gsm7_single_cp(single_ids[s], (uint8_t)c) != 0;
			CHECK_INT(defined, want_single[s]);
		}
		for (size_t l = 0; l < sizeof lock_ids; l++) {
			int defined = 0;

			for (unsigned c = 0; c < 128; c++)
				defined += gsm7_locking_cp(lock_ids[l], (uint8_t)c) != 0 && c != GSM7_ESC;
			CHECK_INT(defined, want_lock[l]);
		}
	}
}

/* Every code of every locking shift table, then 0x41, decoded with room
 * to spare (ASCII written unchecked) and into a buffer of exactly the
 * size needed (every write checked): the same text both ways, an empty
 * code shown as a space; one byte less is SF_E_NO_SPACE. */
static void test_gsm7_every_code_room(void)
{
	static const uint8_t lock_ids[] = { 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };
	unsigned wrong = 0, tried = 0;

	for (size_t l = 0; l < sizeof lock_ids; l++) {
		for (unsigned c = 0; c < 128; c++) {
			uint8_t in[2] = { (uint8_t)c, 0x41 }, packed[4];
			char want[8], roomy[64], tight[8];
			size_t n = 0;
			int k, a, b;

			if (c == GSM7_ESC)
				continue;
			for (int j = 0; j < 2; j++) {
				uint32_t cp = gsm7_locking_cp(lock_ids[l], in[j]);

				CHECK_INT(ucs2_utf8_put(want, sizeof want, &n, cp ? cp : 0x20), 0);
			}
			want[n] = 0;
			k = gsm7_pack(in, 2, 0, packed, sizeof packed);
			a = gsm7_decode(packed, (size_t)k, 0, 2, lock_ids[l], 0, roomy, sizeof roomy, NULL);
			b = gsm7_decode(packed, (size_t)k, 0, 2, lock_ids[l], 0, tight, n + 1, NULL);
			if (a != (int)n || b != (int)n || strcmp(roomy, want) || strcmp(tight, want) ||
			    gsm7_decode(packed, (size_t)k, 0, 2, lock_ids[l], 0, tight, n, NULL) != SF_E_NO_SPACE)
				wrong++;
			tried++;
		}
	}
	CHECK_INT(tried, 13 * 127);
	CHECK_INT(wrong, 0);
}

/* gsm7_decode against a septet-by-septet reading of TS 23.038 written
 * here: random streams (mostly letters, with ESC, escapes, empty codes and
 * non-ASCII characters), every length to 160, every fill, every locking
 * table, into a buffer with room and one exactly as long: the decoder
 * takes eight septets at a time where it can, and the text and the count
 * of replaced characters are the same. */
static uint32_t ref_char(uint8_t lock, uint8_t c, uint32_t *bad)
{
	uint32_t cp = gsm7_locking_cp(lock, c);

	if (lock && !gsm7_nl_supported(1, lock))
		cp = gsm7_locking_cp(0, c);	/* §6.2.1.2.4: the default instead */
	if (cp == 0) {
		(*bad)++;
		return 0x20;
	}
	return cp;
}

static int ref_decode(const uint8_t *sep, unsigned n, uint8_t lock, uint8_t single, char *out,
		      size_t cap, uint32_t *bad)
{
	size_t o = 0;

	for (unsigned i = 0; i < n; i++) {
		uint32_t cp;

		if (sep[i] != GSM7_ESC) {
			cp = ref_char(lock, sep[i], bad);
		} else if (i + 1 == n) {
			cp = 0xFFFD;
			(*bad)++;
		} else if (sep[++i] == GSM7_ESC) {
			cp = 0x20;
		} else {
			cp = gsm7_single_cp(single, sep[i]);
			if (!cp)
				cp = ref_char(lock, sep[i], bad);
		}
		if (ucs2_utf8_put(out, cap, &o, cp))
			return SF_E_NO_SPACE;
	}
	out[o] = 0;
	return (int)o;
}

static void test_gsm7_groups(void)
{
	static const uint8_t lock_ids[] = { 0, 1, 3, 6, 8, 13 };
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	unsigned wrong = 0, tried = 0;

	for (size_t l = 0; l < sizeof lock_ids; l++) {
		for (unsigned n = 0; n <= 160; n++) {
			uint8_t sep[160], packed[160];
			char want[1024], got[1024], tight[1024];
			unsigned fill = n % 7;
			uint32_t bad_want = 0, bad_got = 0, bad_tight = 0;
			int k, w, a, b;

			for (unsigned i = 0; i < n; i++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				/* three in four a letter, else any code (ESC, escapes,
				 * empty codes, non-ASCII characters) */
				sep[i] = (x & 3) ? (uint8_t)('a' + (x >> 8) % 26) : (uint8_t)((x >> 8) & 0x7F);
			}
			k = gsm7_pack(sep, n, fill, packed, sizeof packed);
			CHECK(k >= 0);
			if (k < 0)
				continue;
			w = ref_decode(sep, n, lock_ids[l], lock_ids[l], want, sizeof want, &bad_want);
			a = gsm7_decode(packed, (size_t)k, fill, n, lock_ids[l], lock_ids[l], got, sizeof got,
					&bad_got);
			b = gsm7_decode(packed, (size_t)k, fill, n, lock_ids[l], lock_ids[l], tight,
					(size_t)w + 1, &bad_tight);
			if (w < 0 || a != w || b != w || strcmp(got, want) || strcmp(tight, want) ||
			    bad_got != bad_want || bad_tight != bad_want)
				wrong++;
			tried++;
		}
	}
	CHECK_INT(tried, 6 * 161);
	CHECK_INT(wrong, 0);
}

/* TS 23.038 §6.2.1.2.4: a receiver that does not support a national
 * language id uses the default alphabet (locking) and the default
 * extension table (single shift) instead; nothing is replaced. */
static void test_national_unknown(void)
{
	uint8_t sep[] = { 'a', 0x1B, 0x65, 'b' }, packed[8];
	char out[32];
	uint32_t bad = 0;
	int k = gsm7_pack(sep, 4, 0, packed, sizeof packed);

	CHECK_INT(gsm7_decode(packed, (size_t)k, 0, 4, 9, 0, out, sizeof out, &bad), 5);
	CHECK_STR(out, "a€b");
	CHECK_INT(bad, 0);
	CHECK_INT(gsm7_decode(packed, (size_t)k, 0, 4, 0, 14, out, sizeof out, &bad), 5);
	CHECK_STR(out, "a€b");
	CHECK_INT(gsm7_decode(packed, (size_t)k, 0, 4, 2, 200, out, sizeof out, &bad), 5);	/* Spanish locking */
	CHECK_STR(out, "a€b");
	CHECK_INT(bad, 0);
	CHECK_INT(gsm7_from_utf8_nl("a", 1, 2, 0, sep, sizeof sep), SF_E_TEXT_NL_UNKNOWN);
	CHECK_INT(gsm7_from_utf8_nl("a", 1, 0, 14, sep, sizeof sep), SF_E_TEXT_NL_UNKNOWN);
	CHECK_INT(gsm7_from_utf8_nl("a", 1, 14, 0, sep, sizeof sep), SF_E_TEXT_NL_UNKNOWN);
}

/* UCS-2 / UTF-16BE (§6.2.3): Chinese, a surrogate pair (emoji), round trips */
static void test_ucs2_round_trip(void)
{
	static const char s[] = "您好，银行😀A";
	static const uint8_t want[] = {
		0x60, 0xA8, 0x59, 0x7D, 0xFF, 0x0C,	/* 您 好 ， */
		0x94, 0xF6, 0x88, 0x4C,			/* 银 行 */
		0xD8, 0x3D, 0xDE, 0x00,			/* U+1F600 as a surrogate pair */
		0x00, 0x41,				/* A */
	};
	uint8_t b[64];
	char out[64];
	uint32_t bad = 0;
	int n = ucs2_from_utf8(s, strlen(s), b, sizeof b);

	CHECK_INT(n, (int)sizeof want);
	CHECK_MEM(b, want, sizeof want);
	CHECK_INT(ucs2_decode(want, sizeof want, out, sizeof out, &bad), (int)strlen(s));
	CHECK_STR(out, s);
	CHECK_INT(bad, 0);
	CHECK_INT(ucs2_from_utf8(s, strlen(s), b, 15), SF_E_NO_SPACE);
	CHECK_INT(ucs2_from_utf8("\xF4\x90\x80\x80", 4, b, sizeof b), SF_E_TEXT_UTF8_INVALID);	/* > U+10FFFF */
	CHECK_INT(ucs2_from_utf8("\xE0\x80\xAF", 3, b, sizeof b), SF_E_TEXT_UTF8_INVALID);	/* overlong */
}

/* Invalid UTF-16: each lone surrogate and an odd trailing byte is one
 * U+FFFD; a real U+FFFD in the input is not counted; U+0000 is shown as
 * U+2400 (not garbage: it must not split a phrase, issue 15 item 11). */
static void test_ucs2_invalid(void)
{
	static const uint8_t in[] = {
		0xD8, 0x3D, 0x00, 0x41,	/* high surrogate then 'A': FFFD A */
		0xDE, 0x00,		/* lone low surrogate: FFFD */
		0x00, 0x00,		/* U+0000: 2400 */
		0xFF, 0xFD,		/* literal U+FFFD: not counted */
		0xD8, 0x3D,		/* high surrogate at the end: FFFD */
		0x42,			/* odd byte: FFFD */
	};
	char out[64];
	uint32_t bad = 0;
	int n = ucs2_decode(in, sizeof in, out, sizeof out, &bad);

	CHECK_INT(n, 19);
	CHECK_STR(out, "\xEF\xBF\xBD" "A" "\xEF\xBF\xBD" "\xE2\x90\x80" "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	CHECK_INT(bad, 4);
	CHECK_INT(ucs2_decode(in, 4, out, 4, NULL), SF_E_NO_SPACE);	/* FFFD A needs 5 bytes */
	CHECK_INT(ucs2_decode(in, 0, out, 1, NULL), 0);
	CHECK_STR(out, "");
}

/* Every 16-bit unit followed by 'A', decoded with room to spare (the
 * unchecked path for the common characters) and into a buffer of exactly
 * the size needed (every write checked): the same UTF-8 both ways, as the
 * checked writer (ucs2_utf8_put) gives it (a lone surrogate as U+FFFD,
 * U+0000 as U+2400). */
static void test_ucs2_every_unit(void)
{
	unsigned wrong = 0;

	for (uint32_t u = 0; u <= 0xFFFF; u++) {
		uint8_t in[4] = { (uint8_t)(u >> 8), (uint8_t)u, 0x00, 0x41 };
		uint32_t cp = u == 0 ? 0x2400 : (u >= 0xD800 && u <= 0xDFFF) ? 0xFFFD : u;
		char want[8], roomy[64], tight[8];
		size_t n = 0;
		int a, b;

		CHECK_INT(ucs2_utf8_put(want, sizeof want, &n, cp), 0);
		want[n++] = 'A';
		want[n] = 0;
		a = ucs2_decode(in, sizeof in, roomy, sizeof roomy, NULL);
		b = ucs2_decode(in, sizeof in, tight, n + 1, NULL);
		if (a != (int)n || b != (int)n || strcmp(roomy, want) || strcmp(tight, want) ||
		    ucs2_decode(in, sizeof in, tight, n, NULL) != SF_E_NO_SPACE)
			wrong++;
	}
	CHECK_INT(wrong, 0);
}

/* UTF-16BE read unit by unit as RFC 2781 §2.2 and TS 23.038 §6.2.3 say,
 * with the checked writer: what ucs2_decode must give for any stream. */
static int ucs2_reference(const uint8_t *p, size_t len, char *out, size_t cap, uint32_t *bad)
{
	size_t o = 0, i = 0;

	*bad = 0;
	while (len - i >= 2) {
		uint32_t u = (uint32_t)p[i] << 8 | p[i + 1], cp = u;

		i += 2;
		if (u >= 0xD800 && u <= 0xDBFF && len - i >= 2 &&
		    ((uint32_t)p[i] << 8 | p[i + 1]) >= 0xDC00 && ((uint32_t)p[i] << 8 | p[i + 1]) <= 0xDFFF) {
			cp = 0x10000 + ((u - 0xD800) << 10) + (((uint32_t)p[i] << 8 | p[i + 1]) - 0xDC00);
			i += 2;
		} else if (u >= 0xD800 && u <= 0xDFFF) {
			cp = 0xFFFD;
			(*bad)++;
		} else if (u == 0) {
			cp = 0x2400;
		}
		if (ucs2_utf8_put(out, cap, &o, cp))
			return -1;
	}
	if (i < len) {
		if (ucs2_utf8_put(out, cap, &o, 0xFFFD))
			return -1;
		(*bad)++;
	}
	out[o] = 0;
	return (int)o;
}

/* Streams of every length to 160 octets (odd ones too) drawn from runs of
 * ASCII, Chinese, full-width punctuation, two-octet letters, NULs, U+FFFD
 * and both surrogate halves, alone and paired: ucs2_decode (four units
 * at a time where it can) gives the reference's UTF-8 and count. */
static void test_ucs2_streams(void)
{
	static const uint16_t pool[] = {
		'A', 'z', '0', ' ', 0x7F, 0x0000, 0x00E9, 0x07FF, 0x0800, 0x4E2D, 0x94F6, 0xD7FF,
		0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000, 0xFF0C, 0xFFFD, 0xFFFF,
	};
	uint64_t x = 0x9E3779B97F4A7C15ull;
	unsigned wrong = 0, streams = 0;

	for (size_t len = 0; len <= 160; len++)
		for (int rep = 0; rep < 24; rep++) {
			uint8_t in[160];
			char got[512], want[512];
			uint32_t bg = 0, bw;
			int a, b;

			for (size_t k = 0; k < len; k += 2) {
				uint16_t u;

				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				/* runs: most streams keep to one or two kinds */
				u = pool[(x >> 8) % (rep < 8 ? 5 : rep < 16 ? 12 : 20)];
				if (rep % 4 == 1 && (x & 3))
					u = (uint16_t)(0x4E00 + (x >> 20) % 0x5000);
				in[k] = (uint8_t)(u >> 8);
				if (k + 1 < len)
					in[k + 1] = (uint8_t)u;
			}
			a = ucs2_decode(in, len, got, sizeof got, &bg);
			b = ucs2_reference(in, len, want, sizeof want, &bw);
			streams++;
			if (a != b || bg != bw || strcmp(got, want))
				wrong++;
		}
	CHECK_INT(streams, 161 * 24);
	CHECK_INT(wrong, 0);
}

/* Streams of units of the three UTF-8 lengths in every mix (and, in one
 * stream of four, a NUL or a surrogate somewhere), at every offset of
 * the buffer: ucs2_decode's eight units at a time (each lane's octets
 * packed by a shuffle chosen from which lanes are short) give the
 * reference's UTF-8, whatever lengths a block mixes. */
static void test_ucs2_blocks(void)
{
	uint64_t x = 0xD1B54A32D192ED03ull;
	unsigned wrong = 0;

	for (int n = 0; n < 20000; n++) {
		uint8_t buf[8 + 192], *in;
		char got[1024], want[1024];
		uint32_t bg = 0, bw;
		size_t len;
		unsigned bias;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		in = buf + x % 8;
		len = 2 * (8 + (x >> 3) % 88);
		bias = (unsigned)(x >> 12) % 7;
		for (size_t k = 0; k < len; k += 2) {
			uint16_t u;
			unsigned c;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			c = (unsigned)(x % 3);
			if (bias < 3 && (x & 0x30))
				c = bias;	/* runs of one length */
			u = c == 0 ? (uint16_t)(1 + (x >> 8) % 0x7F) :
			    c == 1 ? (uint16_t)(0x80 + (x >> 8) % 0x780) :
				     (uint16_t)(0x800 + (x >> 8) % 0xF000);
			if (u >= 0xD800 && u <= 0xDFFF && n % 4)
				u = (uint16_t)(u + 0x800);	/* surrogates in one stream of four */
			if (n % 4 == 0 && (x >> 40) % 61 == 0)
				u = 0;
			in[k] = (uint8_t)(u >> 8);
			in[k + 1] = (uint8_t)u;
		}
		if (ucs2_decode(in, len, got, sizeof got, &bg) != ucs2_reference(in, len, want, sizeof want, &bw) ||
		    bg != bw || strcmp(got, want))
			wrong++;
	}
	CHECK_INT(wrong, 0);
}

/* 8-bit data read as text (issue 15 item 8) */
static void test_data_text(void)
{
	static const uint8_t utf8[] = { 0xE9, 0x93, 0xB6, 0xE8, 0xA1, 0x8C, 'o', 'k' };	/* 银行ok */
	static const uint8_t be_bom[] = { 0xFE, 0xFF, 0x94, 0xF6, 0x88, 0x4C };		/* BOM 银行 */
	static const uint8_t le[] = { 0xF6, 0x94, 0x4C, 0x88, 0x31, 0x00 };		/* 银行1, LE */
	static const uint8_t be[] = { 0x94, 0xF6, 0x88, 0x4C, 0x00, 0x31 };		/* 银行1, BE */
	static const uint8_t wsp[] = { 0x01, 0x06, 0x24, 0x61, 0x70, 0x70, 0x00, 0xAF, 0x84 };	/* binary */
	static const uint8_t one[] = { 'a' };
	char out[64];

	CHECK_INT(data_text_decode(utf8, sizeof utf8, out, sizeof out), 8);
	CHECK_STR(out, "银行ok");
	CHECK_INT(data_text_decode(be_bom, sizeof be_bom, out, sizeof out), 6);
	CHECK_STR(out, "银行");
	CHECK_INT(data_text_decode(le, sizeof le, out, sizeof out), 7);
	CHECK_STR(out, "银行1");
	CHECK_INT(data_text_decode(be, sizeof be, out, sizeof out), 7);
	CHECK_STR(out, "银行1");
	CHECK_INT(data_text_decode(wsp, sizeof wsp, out, sizeof out), -1);
	CHECK_INT(data_text_decode(one, sizeof one, out, sizeof out), -1);	/* one character */
	CHECK_INT(data_text_decode(utf8, sizeof utf8, out, 8), -1);		/* no room for the NUL */
	/* a lone surrogate in either order is not text */
	{
		static const uint8_t bad[] = { 0xDC, 0xDC, 0xDC, 0xDC };	/* low surrogates */

		CHECK_INT(data_text_decode(bad, sizeof bad, out, sizeof out), -1);
	}
}

int main(void)
{
	RUN(test_data_text);
	RUN(test_default_table_round_trip);
	RUN(test_extension_round_trip);
	RUN(test_pack_hellohello);
	RUN(test_fill_bits_every_value);
	RUN(test_gsm7_errors);
	RUN(test_escape_rules);
	RUN(test_national_tables);
	RUN(test_indic_tables);
	RUN(test_indic_mixed_and_empty);
	RUN(test_every_table_code_round_trips);
	RUN(test_gsm7_every_code_room);
	RUN(test_gsm7_groups);
	RUN(test_national_unknown);
	RUN(test_ucs2_round_trip);
	RUN(test_ucs2_invalid);
	RUN(test_ucs2_every_unit);
	RUN(test_ucs2_blocks);
	RUN(test_ucs2_streams);
	return TEST_SUMMARY();
}
