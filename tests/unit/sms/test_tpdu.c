/* SPDX-License-Identifier: BSD-3-Clause */
/* SMS TPDU decoding (3GPP TS 23.040 §9.2) with the DCS of TS 23.038 §4:
 * exact field values of annotated vectors, every VP format, UDH elements,
 * fill bits, national language tables, and each malformation's named error. */
#include "sf_test.h"
#include "sf_wire.h"
#include "decode/tpdu.h"
#include "sms_vectors.h"
#include "text/gsm7.h"

static void test_submit_ucs2(void)
{
	struct tpdu_view v;
	char text[128];
	uint32_t secs = 0, bad = 0;

	CHECK_INT(tpdu_decode(v_submit_ucs2, sizeof v_submit_ucs2, SF_DIR_MO, &v), SF_OK);
	CHECK_INT(v.type, TPDU_SUBMIT);
	CHECK_INT(v.mti, SF_TP_MTI_SUBMIT);
	CHECK_INT(v.first_octet, 0x11);
	CHECK_INT(v.mr, 42);
	CHECK_INT(v.addr.len, 8);
	CHECK_INT(v.addr.ton, 0);
	CHECK_INT(v.addr.npi, 1);
	CHECK_INT(v.addr.alnum, 0);
	CHECK_STR(v.addr.text, "10086999");
	CHECK_INT(v.pid, 0);
	CHECK_INT(v.dcs, 0x08);
	CHECK_INT(v.charset, SF_CS_UCS2);
	CHECK_INT(v.has_class, 0);
	CHECK_INT(v.has_scts, 0);
	CHECK_INT(v.vpf, TPDU_VPF_RELATIVE);
	CHECK_INT(v.vp.len, 1);
	CHECK_INT(v.vp.p[0], 0xA7);
	CHECK_INT(tpdu_vp_seconds(&v, &secs), SF_OK);
	CHECK_INT(secs, 24 * 3600);
	CHECK_INT(v.udhi, 0);
	CHECK_INT(v.srr, 0);
	CHECK_INT(v.udl, 10);
	CHECK_INT(v.ud.len, 10);
	CHECK(v.ud.p == v_submit_ucs2 + 12);
	CHECK_INT(v.udh.len, 0);
	CHECK_INT(v.text_bytes.len, 10);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, &bad), 15);
	CHECK_STR(text, "您好，银行");
	CHECK_INT(bad, 0);
}

static void test_deliver_alnum_gsm7_ext(void)
{
	struct tpdu_view v;
	char text[256], ts[32];
	uint32_t bad = 0;

	CHECK_INT(tpdu_decode(v_deliver_alnum, sizeof v_deliver_alnum, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.type, TPDU_DELIVER);
	CHECK_INT(v.mms_or_rd, 1);
	CHECK_INT(v.lp, 0);
	CHECK_INT(v.addr.len, 7);
	CHECK_INT(v.addr.ton, SF_TP_TON_ALNUM);
	CHECK_INT(v.addr.npi, 0);
	CHECK_INT(v.addr.alnum, 1);
	CHECK_STR(v.addr.text, "ICBC");
	CHECK_INT(v.has_scts, 1);
	CHECK_MEM(v.scts, "\x62\x11\x22\x61\x50\x03\x23", 7);
	CHECK_INT(tpdu_ts_format(v.scts, ts, sizeof ts), 20);
	CHECK_STR(ts, "26-11-22 16:05:30+32");
	CHECK_INT(tpdu_ts_format(v.scts, ts, 20), SF_E_NO_SPACE);
	CHECK_INT(v.charset, SF_CS_GSM7);
	CHECK_INT(v.udl, 31);
	CHECK_INT(v.ud.len, 28);
	CHECK_INT(v.fill_bits, 0);
	CHECK_INT(v.text_septets, 31);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, &bad), (int)strlen(V_DELIVER_ALNUM_TEXT));
	CHECK_STR(text, V_DELIVER_ALNUM_TEXT);
	CHECK_INT(bad, 0);
	CHECK_INT(tpdu_vp_seconds(&v, &bad), SF_E_TPDU_VP_UNSUPPORTED);
}

/* TP-VPF (§9.2.3.3): none, relative (above), enhanced (two forms), absolute */
static void test_submit_every_vpf(void)
{
	struct tpdu_view v;
	uint32_t secs = 0;
	char text[32], ts[32];

	CHECK_INT(tpdu_decode(v_submit_hello, sizeof v_submit_hello, SF_DIR_MO, &v), SF_OK);
	CHECK_INT(v.vpf, TPDU_VPF_NONE);
	CHECK_INT(v.vp.len, 0);
	CHECK_INT(tpdu_vp_seconds(&v, &secs), SF_E_TPDU_VP_UNSUPPORTED);
	CHECK_STR(v.addr.text, "8613912345678");
	CHECK_INT(v.addr.ton, SF_TP_TON_INTERNATIONAL);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), 5);
	CHECK_STR(text, "hello");

	CHECK_INT(tpdu_decode(v_submit_vp_enh, sizeof v_submit_vp_enh, SF_DIR_MO, &v), SF_OK);
	CHECK_INT(v.vpf, TPDU_VPF_ENHANCED);
	CHECK_INT(v.vp.len, 7);
	CHECK_INT(tpdu_vp_seconds(&v, &secs), SF_OK);
	CHECK_INT(secs, 30);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), 5);

	CHECK_INT(tpdu_decode(v_submit_vp_enh_hms, sizeof v_submit_vp_enh_hms, SF_DIR_MO, &v), SF_OK);
	CHECK_INT(tpdu_vp_seconds(&v, &secs), SF_OK);
	CHECK_INT(secs, 1 * 3600 + 32 * 60 + 45);
	CHECK_INT(v.udl, 0);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), 0);
	CHECK_STR(text, "");

	CHECK_INT(tpdu_decode(v_submit_vp_abs, sizeof v_submit_vp_abs, SF_DIR_MO, &v), SF_OK);
	CHECK_INT(v.vpf, TPDU_VPF_ABSOLUTE);
	CHECK_INT(v.srr, 1);
	CHECK_INT(v.mr, 10);
	CHECK_INT(v.vp.len, 7);
	CHECK_INT(tpdu_ts_format(v.vp.p, ts, sizeof ts), 20);
	CHECK_STR(ts, "26-11-22 16:05:30+32");
	CHECK_INT(tpdu_vp_seconds(&v, &secs), SF_E_TPDU_VP_UNSUPPORTED);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), 5);

	/* §9.2.3.12.1 relative VP boundaries: 143, 167, 196, 255 */
	{
		static const struct { uint8_t r; uint32_t s; } rel[] = {
			{ 0, 300 }, { 143, 12 * 3600 }, { 144, 12 * 3600 + 1800 }, { 167, 24 * 3600 },
			{ 168, 2 * 86400 }, { 196, 30 * 86400 }, { 197, 5 * 7 * 86400 }, { 255, 63 * 7 * 86400 },
		};
		uint8_t b[sizeof v_submit_ucs2];

		memcpy(b, v_submit_ucs2, sizeof b);
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			b[10] = rel[i].r;
			CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MO, &v), SF_OK);
			CHECK_INT(tpdu_vp_seconds(&v, &secs), SF_OK);
			CHECK_INT(secs, rel[i].s);
		}
	}
	/* enhanced format 001 (relative octet follows) and with an extension octet */
	{
		uint8_t b[sizeof v_submit_vp_enh];

		memcpy(b, v_submit_vp_enh, sizeof b);
		b[8] = 0x01, b[9] = 0xA7;
		CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MO, &v), SF_OK);
		CHECK_INT(tpdu_vp_seconds(&v, &secs), SF_OK);
		CHECK_INT(secs, 24 * 3600);
		b[8] = 0x82, b[9] = 0x00, b[10] = 0x1E;	/* ext bit: a second indicator octet */
		CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MO, &v), SF_OK);
		CHECK_INT(tpdu_vp_seconds(&v, &secs), SF_OK);
		CHECK_INT(secs, 30);
		b[8] = 0x00;	/* format 000: no validity period */
		CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MO, &v), SF_OK);
		CHECK_INT(tpdu_vp_seconds(&v, &secs), SF_E_TPDU_VP_UNSUPPORTED);
	}
}

static void test_concat8_fill_bit(void)
{
	struct tpdu_view v;
	char text[64];

	CHECK_INT(tpdu_decode(v_deliver_concat8, sizeof v_deliver_concat8, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.udhi, 1);
	CHECK_STR(v.addr.text, "46708251358");
	CHECK_INT(v.udl, 15);
	CHECK_INT(v.ud.len, 14);
	CHECK_INT(v.udh.len, 5);
	CHECK(v.udh.p == v_deliver_concat8 + 20);
	CHECK_INT(v.udh_ies, 1);
	CHECK_INT(v.has_concat, 1);
	CHECK_INT(v.concat_ref16, 0);
	CHECK_INT(v.concat_ref, 0xA5);
	CHECK_INT(v.concat_total, 2);
	CHECK_INT(v.concat_seq, 1);
	CHECK_INT(v.fill_bits, 1);
	CHECK_INT(v.text_septets, 8);
	CHECK_INT(v.text_bytes.len, 8);
	CHECK(v.text_bytes.p == v_deliver_concat8 + 25);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), 8);
	CHECK_STR(text, "Part one");
}

static void test_concat16_ucs2(void)
{
	struct tpdu_view v;
	char text[64];

	CHECK_INT(tpdu_decode(v_submit_concat16, sizeof v_submit_concat16, SF_DIR_MO, &v), SF_OK);
	CHECK_INT(v.has_concat, 1);
	CHECK_INT(v.concat_ref16, 1);
	CHECK_INT(v.concat_ref, 0x1234);
	CHECK_INT(v.concat_total, 3);
	CHECK_INT(v.concat_seq, 3);
	CHECK_INT(v.fill_bits, 0);
	CHECK_INT(v.text_bytes.len, 4);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), 6);
	CHECK_STR(text, "中文");
}

static void test_ports(void)
{
	struct tpdu_view v;
	char text[64];

	CHECK_INT(tpdu_decode(v_deliver_wap, sizeof v_deliver_wap, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.charset, SF_CS_8BIT);
	CHECK_INT(v.has_ports, 1);
	CHECK_INT(v.dst_port, 2948);
	CHECK_INT(v.src_port, 9200);
	CHECK_INT(v.has_concat, 0);
	CHECK_INT(v.text_bytes.len, 6);
	CHECK_INT(v.text_bytes.p[0], 0x01);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), SF_E_TPDU_BINARY);

	CHECK_INT(tpdu_decode(v_deliver_port8, sizeof v_deliver_port8, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.has_ports, 1);
	CHECK_INT(v.dst_port, 245);
	CHECK_INT(v.src_port, 244);
	CHECK_INT(v.charset, SF_CS_8BIT);
	CHECK_INT(v.has_class, 1);
	CHECK_INT(v.msg_class, 1);
	CHECK_INT(v.text_bytes.len, 2);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), SF_E_TPDU_BINARY);
}

/* §9.2.3.24: GSM 7-bit text after a UDH of k = UDHL + 1 octets starts after
 * (7 - 8k mod 7) mod 7 fill bits; UDHL 0 and 2..8 cover every residue. */
static void test_fill_bits_every_udhl(void)
{
	static const uint8_t want_fill[9] = { 6, 0, 4, 3, 2, 1, 0, 6, 5 };

	for (unsigned udhl = 0; udhl <= 8; udhl++) {
		uint8_t b[64] = { 0x44, 0x04, 0x81, 0x01, 0x00, 0x00, 0x00,
				  0x62, 0x11, 0x22, 0x61, 0x50, 0x03, 0x23 };
		uint8_t sep[3] = { 'x', 'y', 'z' };
		size_t n = 14, k = udhl + 1, hs = (k * 8 + 6) / 7;
		struct tpdu_view v;
		char text[16];
		int r;

		if (udhl == 1)
			continue;	/* one octet cannot hold an IE */
		b[n++] = (uint8_t)(hs + 3);
		b[n++] = (uint8_t)udhl;
		if (udhl >= 2) {
			b[n++] = 0xC0;	/* SC-specific IE, skipped */
			b[n++] = (uint8_t)(udhl - 2);
			for (unsigned i = 0; i + 2 < udhl; i++)
				b[n++] = 0x55;
		}
		r = gsm7_pack(sep, 3, want_fill[udhl], b + n, sizeof b - n);
		CHECK(r > 0);
		n += (size_t)r;
		CHECK_INT(tpdu_decode(b, n, SF_DIR_MT, &v), SF_OK);
		CHECK_INT(v.fill_bits, want_fill[udhl]);
		CHECK_INT(gsm7_fill_bits(k), want_fill[udhl]);
		CHECK_INT(v.text_septets, 3);
		CHECK_INT(v.udh_ies, udhl >= 2);
		CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), 3);
		CHECK_STR(text, "xyz");
	}
}

/* TS 23.038 Annex A via the UDH (§9.2.3.24.15/16) */
static void test_national_language_udh(void)
{
	struct tpdu_view v;
	uint8_t b[sizeof v_deliver_turkish];
	char text[64];
	uint32_t bad = 0;

	CHECK_INT(tpdu_decode(v_deliver_turkish, sizeof v_deliver_turkish, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.nl_locking, SF_NL_TURKISH);
	CHECK_INT(v.nl_single, SF_NL_TURKISH);
	CHECK_INT(v.nl_unknown, 0);
	CHECK_INT(v.fill_bits, 0);
	CHECK_INT(v.text_septets, 6);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, &bad), (int)strlen(V_DELIVER_TURKISH_TEXT));
	CHECK_STR(text, V_DELIVER_TURKISH_TEXT);
	CHECK_INT(bad, 0);

	/* the same septets with the Portuguese tables: 0x0C ô, 0x07 í; ESC 0x73
	 * is not in the Portuguese single shift table → the locking table's 's' */
	memcpy(b, v_deliver_turkish, sizeof b);
	b[18] = SF_NL_PORTUGUESE;
	b[21] = SF_NL_PORTUGUESE;
	CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, &bad), 7);
	CHECK_STR(text, "Iôdís");

	/* default locking, Spanish single shift: ESC 0x73 not in it → 's' */
	b[18] = 0;
	b[21] = SF_NL_SPANISH;
	CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.nl_unknown, 0);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, &bad), 7);
	CHECK_STR(text, "Iødìs");

	/* Spanish has no locking shift table: the default alphabet, as a
	 * receiver without it shows (TS 23.038 §6.2.1.2.4), flagged */
	b[18] = SF_NL_SPANISH;
	bad = 0;
	CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.nl_unknown, 1);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, &bad), 7);
	CHECK_STR(text, "Iødìs");
	CHECK_INT(bad, 0);

	/* Urdu single shift (A.2.13) with the default alphabet: ESC 0x73 is
	 * not in it → the default alphabet's 's' */
	b[18] = 0;
	b[21] = SF_NL_URDU;
	bad = 0;
	CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.nl_unknown, 0);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, &bad), 7);
	CHECK_STR(text, "Iødìs");
	CHECK_INT(bad, 0);

	/* a reserved single shift id (14): the default extension table, flagged */
	b[21] = 14;
	CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.nl_unknown, 1);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, &bad), 7);
	CHECK_STR(text, "Iødìs");
	CHECK_INT(bad, 0);

	/* Hindi locking + single shift (A.3.6, A.2.6): 0x49 व U+0935, 0x0C ऍ
	 * U+090D, 0x64 d, 0x07 उ U+0909; ESC 0x73 is not in A.2.6 → 's' */
	b[18] = SF_NL_HINDI;
	b[21] = SF_NL_HINDI;
	CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.nl_locking, SF_NL_HINDI);
	CHECK_INT(v.nl_single, SF_NL_HINDI);
	CHECK_INT(v.nl_unknown, 0);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, &bad), 11);
	CHECK_STR(text, "\u0935\u090Dd\u0909s");
	CHECK_INT(bad, 0);

	/* Tamil (A.3.11) leaves 0x0C empty: shown as a space and counted */
	b[18] = SF_NL_TAMIL;
	b[21] = SF_NL_TAMIL;
	CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.nl_unknown, 0);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, &bad), 9);
	CHECK_STR(text, "\u0BB5 d\u0B89s");	/* வ, space, d, உ, s */
	CHECK_INT(bad, 1);
}

/* TS 23.038 §4: every coding group */
static void test_dcs_groups(void)
{
	static const struct {
		uint8_t dcs, charset, compressed, has_class, msg_class, has_mwi, mwi_store, mwi_active, mwi_type, auto_del;
	} t[] = {
		{ 0x00, SF_CS_GSM7, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0x08, SF_CS_UCS2, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0x04, SF_CS_8BIT, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0x11, SF_CS_GSM7, 0, 1, 1, 0, 0, 0, 0, 0 },	/* class 1 */
		{ 0x18, SF_CS_UCS2, 0, 1, 0, 0, 0, 0, 0, 0 },	/* UCS2 class 0 (flash) */
		{ 0x16, SF_CS_8BIT, 0, 1, 2, 0, 0, 0, 0, 0 },	/* 8-bit class 2 (SIM) */
		{ 0x20, SF_CS_GSM7, 1, 0, 0, 0, 0, 0, 0, 0 },	/* compressed */
		{ 0x0C, SF_CS_RESERVED, 0, 0, 0, 0, 0, 0, 0, 0 },	/* alphabet 11 reserved */
		{ 0x4C, SF_CS_RESERVED, 0, 0, 0, 0, 0, 0, 0, 1 },	/* automatic deletion group */
		{ 0x48, SF_CS_UCS2, 0, 0, 0, 0, 0, 0, 0, 1 },
		{ 0x80, SF_CS_RESERVED, 0, 0, 0, 0, 0, 0, 0, 0 },	/* reserved coding groups 1000..1011 */
		{ 0xB7, SF_CS_RESERVED, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0xC0, SF_CS_GSM7, 0, 0, 0, 1, 0, 0, 0, 0 },	/* MWI discard, voicemail inactive */
		{ 0xC9, SF_CS_GSM7, 0, 0, 0, 1, 0, 1, 1, 0 },	/* MWI discard, fax active */
		{ 0xD0, SF_CS_GSM7, 0, 0, 0, 1, 1, 0, 0, 0 },	/* MWI store GSM 7-bit */
		{ 0xDA, SF_CS_GSM7, 0, 0, 0, 1, 1, 1, 2, 0 },	/* e-mail active */
		{ 0xE0, SF_CS_UCS2, 0, 0, 0, 1, 1, 0, 0, 0 },	/* MWI store UCS2 */
		{ 0xEB, SF_CS_UCS2, 0, 0, 0, 1, 1, 1, 3, 0 },	/* other, active */
		{ 0xF1, SF_CS_GSM7, 0, 1, 1, 0, 0, 0, 0, 0 },	/* group 1111 GSM 7-bit class 1 */
		{ 0xF4, SF_CS_8BIT, 0, 1, 0, 0, 0, 0, 0, 0 },
		{ 0xFF, SF_CS_8BIT, 0, 1, 3, 0, 0, 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		uint8_t b[sizeof v_deliver_alnum];
		struct tpdu_view v;

		memcpy(b, v_deliver_alnum, sizeof b);
		b[8] = t[i].dcs;
		b[16] = 0x05;	/* UDL 5: within every alphabet's limit and the data */
		CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MT, &v), SF_OK);
		CHECK_INT(v.dcs, t[i].dcs);
		CHECK_INT(v.charset, t[i].charset);
		CHECK_INT(v.compressed, t[i].compressed);
		CHECK_INT(v.has_class, t[i].has_class);
		CHECK_INT(v.msg_class, t[i].msg_class);
		CHECK_INT(v.has_mwi, t[i].has_mwi);
		CHECK_INT(v.mwi_store, t[i].mwi_store);
		CHECK_INT(v.mwi_active, t[i].mwi_active);
		CHECK_INT(v.mwi_type, t[i].mwi_type);
		CHECK_INT(v.auto_delete, t[i].auto_del);
		/* §9.2.3.16: septets for (uncompressed) GSM 7-bit and reserved, else octets */
		CHECK_INT(v.ud.len, 5);	/* 5 septets and 5 octets both take 5 octets */
		CHECK_INT(v.text_septets, (t[i].charset == SF_CS_GSM7 || t[i].charset == SF_CS_RESERVED) && !t[i].compressed ? 5 : 0);
	}
	/* compressed text is not decoded; reserved decodes as GSM 7-bit */
	{
		uint8_t b[sizeof v_submit_hello];
		struct tpdu_view v;
		char text[16];

		memcpy(b, v_submit_hello, sizeof b);
		b[12] = 0x20;
		CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MO, &v), SF_OK);
		CHECK_INT(v.ud.len, 5);	/* octets */
		CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), SF_E_TPDU_COMPRESSED);
		b[12] = 0x8C;
		CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MO, &v), SF_OK);
		CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), 5);
		CHECK_STR(text, "hello");
	}
}

static void test_status_report_and_command(void)
{
	struct tpdu_view v;
	char ts[32], text[8];

	CHECK_INT(tpdu_decode(v_status_report, sizeof v_status_report, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.type, TPDU_STATUS_REPORT);
	CHECK_INT(v.mti, SF_TP_MTI_STATUS_REPORT);
	CHECK_INT(v.mr, 42);
	CHECK_STR(v.addr.text, "46708251358");
	CHECK_INT(v.has_scts, 1);
	CHECK_INT(v.has_dt, 1);
	CHECK_INT(tpdu_ts_format(v.dt, ts, sizeof ts), 20);
	CHECK_STR(ts, "26-11-22 16:06:30+32");
	CHECK_INT(v.st, 0);
	CHECK_INT(v.has_ud, 0);
	CHECK_INT(v.dcs, 0);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), 0);
	/* TP-PI is optional: the report ends after TP-ST */
	CHECK_INT(tpdu_decode(v_status_report, 25, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.st, 0);
	/* PI announces PID and DCS that are not there */
	CHECK_INT(tpdu_decode(v_status_report, 26, SF_DIR_MT, &v), SF_E_TRUNCATED);
	CHECK_INT(tpdu_decode(v_status_report, 27, SF_DIR_MT, &v), SF_E_TRUNCATED);
	for (size_t k = 1; k < 25; k++)
		CHECK_INT(tpdu_decode(v_status_report, k, SF_DIR_MT, &v), SF_E_TRUNCATED);

	CHECK_INT(tpdu_decode(v_command, sizeof v_command, SF_DIR_MO, &v), SF_OK);
	CHECK_INT(v.type, TPDU_COMMAND);
	CHECK_INT(v.mr, 0x2B);
	CHECK_INT(v.ct, 0);
	CHECK_INT(v.mn, 42);
	CHECK_STR(v.addr.text, "46708251358");
	CHECK_INT(v.udl, 0);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), SF_E_TPDU_BINARY);
}

/* §9.2.3.1: MTI by direction; the reports are recognised, reserved MTI */
static void test_mti_by_direction(void)
{
	static const uint8_t submit_report[] = { 0x01, 0x00, 0x62, 0x11, 0x22, 0x61, 0x50, 0x03, 0x23 };
	static const uint8_t deliver_report[] = { 0x00, 0x00 };
	struct tpdu_view v;
	uint8_t b[sizeof v_deliver_alnum];

	CHECK_INT(tpdu_decode(submit_report, sizeof submit_report, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.type, TPDU_SUBMIT_REPORT);
	CHECK_INT(v.raw.len, 8);
	CHECK_INT(tpdu_decode(deliver_report, sizeof deliver_report, SF_DIR_MO, &v), SF_OK);
	CHECK_INT(v.type, TPDU_DELIVER_REPORT);
	CHECK_INT(tpdu_decode((const uint8_t *)"\x03", 1, SF_DIR_MO, &v), SF_E_TPDU_MTI_RESERVED);
	/* an MS takes a reserved MTI as SMS-DELIVER */
	memcpy(b, v_deliver_alnum, sizeof b);
	b[0] = 0x07;
	CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.type, TPDU_DELIVER);
	CHECK_INT(v.mti, 3);
	CHECK_STR(v.addr.text, "ICBC");
	CHECK_INT(tpdu_decode(v_submit_hello, sizeof v_submit_hello, SF_DIR_NONE, &v), SF_E_TPDU_DIR_UNKNOWN);
	CHECK_INT(tpdu_decode(v_submit_hello, 0, SF_DIR_MO, &v), SF_E_TPDU_EMPTY);
}

/* TP address (§9.1.2.5): '*#abc' digits, filler inside the length, length limits */
static void test_addresses(void)
{
	uint8_t b[sizeof v_submit_hello];
	struct tpdu_view v;

	memcpy(b, v_submit_hello, sizeof b);
	b[4] = 0xBA, b[5] = 0xDC, b[6] = 0xFE;	/* "*#abc?" then digits */
	CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MO, &v), SF_OK);
	CHECK_STR(v.addr.text, "*#abc?2345678");
	/* 21 semi-octets: more than §9.1.2.5 allows */
	b[2] = 21;
	CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MO, &v), SF_E_TPDU_ADDR_LEN_INVALID);
	b[2] = 0xFF;
	CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MO, &v), SF_E_TPDU_ADDR_LEN_INVALID);
	/* 20 semi-octets need 10 octets; only 9 follow before the end */
	b[2] = 20;
	CHECK_INT(tpdu_decode(b, 13, SF_DIR_MO, &v), SF_E_TRUNCATED);
	/* empty address */
	{
		static const uint8_t e[] = { 0x01, 0x00, 0x00, 0x81, 0x00, 0x00, 0x00 };

		CHECK_INT(tpdu_decode(e, sizeof e, SF_DIR_MO, &v), SF_OK);
		CHECK_STR(v.addr.text, "");
		CHECK_INT(v.udl, 0);
	}
	/* an 11-character alphanumeric sender (20 semi-octets) */
	{
		uint8_t d[64] = { 0x04, 20, 0xD0 };
		uint8_t sep[11];
		size_t n = 3;
		int k = gsm7_from_utf8("Bank-Notice", 11, sep, sizeof sep);

		CHECK_INT(k, 11);
		k = gsm7_pack(sep, 11, 0, d + n, 10);
		CHECK_INT(k, 10);
		n += 10;
		memcpy(d + n, "\x00\x00\x62\x11\x22\x61\x50\x03\x23\x00", 10);
		n += 10;
		CHECK_INT(tpdu_decode(d, n, SF_DIR_MT, &v), SF_OK);
		CHECK_STR(v.addr.text, "Bank-Notice");
	}
}

/* §9.2.3.16 / §9.2.3.24: each malformation has its own name */
static void test_malformed_user_data(void)
{
	uint8_t b[200];
	struct tpdu_view v;

	char text[64];

	/* Lenient as receivers (issue 15 item 6): out-of-spec lengths decode
	 * what is present and set an anomaly bit. UDL above 160 septets, and
	 * beyond the 5 bytes present: the 5 septets there */
	memcpy(b, v_submit_hello, sizeof v_submit_hello);
	b[13] = 161;
	CHECK_INT(tpdu_decode(b, sizeof v_submit_hello, SF_DIR_MO, &v), SF_OK);
	CHECK_INT(v.anomalies, TPDU_ANOM_UDL_OVER_MAX | TPDU_ANOM_UD_SHORT);
	CHECK_INT(v.text_septets, 5);	/* 40 bits hold 5 whole septets */
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), 5);
	CHECK_STR(text, "hello");
	b[13] = 160;
	CHECK_INT(tpdu_decode(b, sizeof v_submit_hello, SF_DIR_MO, &v), SF_OK);
	CHECK_INT(v.anomalies, TPDU_ANOM_UD_SHORT);
	CHECK_INT(v.udl, 160);
	/* UDL above 140 octets */
	memcpy(b, v_submit_ucs2, sizeof v_submit_ucs2);
	b[11] = 141;
	CHECK_INT(tpdu_decode(b, sizeof v_submit_ucs2, SF_DIR_MO, &v), SF_OK);
	CHECK_INT(v.anomalies, TPDU_ANOM_UDL_OVER_MAX | TPDU_ANOM_UD_SHORT);
	CHECK_INT(v.text_bytes.len, 10);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), 15);
	CHECK_STR(text, "您好，银行");
	/* UDL says 11 octets, 10 present */
	b[11] = 11;
	CHECK_INT(tpdu_decode(b, sizeof v_submit_ucs2, SF_DIR_MO, &v), SF_OK);
	CHECK_INT(v.anomalies, TPDU_ANOM_UD_SHORT);
	CHECK_INT(v.ud.len, 10);
	/* in spec: no anomaly */
	b[11] = 10;
	CHECK_INT(tpdu_decode(b, sizeof v_submit_ucs2, SF_DIR_MO, &v), SF_OK);
	CHECK_INT(v.anomalies, 0);
	/* UDHL beyond the user data */
	memcpy(b, v_deliver_concat8, sizeof v_deliver_concat8);
	b[19] = 14;	/* 15 octets of header in 14 octets of UD */
	CHECK_INT(tpdu_decode(b, sizeof v_deliver_concat8, SF_DIR_MT, &v), SF_E_TPDU_UDHL_EXCEEDS_UD);
	b[19] = 13;	/* 14 octets = 16 septets > UDL 15 */
	CHECK_INT(tpdu_decode(b, sizeof v_deliver_concat8, SF_DIR_MT, &v), SF_E_TPDU_UDHL_EXCEEDS_UD);
	/* UDHI with an empty user data */
	memcpy(b, v_deliver_concat8, 19);
	b[18] = 0;
	CHECK_INT(tpdu_decode(b, 19, SF_DIR_MT, &v), SF_E_TPDU_UDHL_EXCEEDS_UD);
	/* GSM 7-bit UDL 1 with UDHL 0: one header octet is two septets */
	b[18] = 1, b[19] = 0;
	CHECK_INT(tpdu_decode(b, 20, SF_DIR_MT, &v), SF_E_TPDU_UDHL_EXCEEDS_UD);
	/* an IE longer than the header */
	memcpy(b, v_deliver_concat8, sizeof v_deliver_concat8);
	b[21] = 4;
	CHECK_INT(tpdu_decode(b, sizeof v_deliver_concat8, SF_DIR_MT, &v), SF_E_TPDU_UDH_IE_OVERRUN);
	/* an IE header cut by the end of the UDH */
	b[21] = 3;
	b[19] = 6;	/* one stray octet after the concat IE; UDL still covers it */
	b[18] = 15;
	CHECK_INT(tpdu_decode(b, sizeof v_deliver_concat8, SF_DIR_MT, &v), SF_E_TPDU_UDH_IE_OVERRUN);
}

/* §9.2.3.24.1: concatenation IEs with zero or out-of-range numbers are ignored */
static void test_udh_ignored_elements(void)
{
	static const struct { uint8_t total, seq; } bad[] = { { 0, 1 }, { 2, 0 }, { 2, 3 } };
	uint8_t b[sizeof v_deliver_concat8];
	struct tpdu_view v;
	char text[32];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memcpy(b, v_deliver_concat8, sizeof b);
		b[23] = bad[i].total;
		b[24] = bad[i].seq;
		CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MT, &v), SF_OK);
		CHECK_INT(v.has_concat, 0);
		CHECK_INT(v.udh_ignored, 1);
		CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), 8);
	}
	/* wrong IEDL for a known IE */
	memcpy(b, v_deliver_concat8, sizeof b);
	b[20] = SF_UDH_PORT8;	/* 8-bit ports with 3 octets */
	CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.has_ports, 0);
	CHECK_INT(v.udh_ignored, 1);
}

/* Invalid text inside a valid TPDU: exact U+FFFD counts */
static void test_text_replacements(void)
{
	uint8_t b[sizeof v_submit_ucs2];
	struct tpdu_view v;
	char text[64];
	uint32_t bad = 0;

	/* UCS-2 with an odd UDL: the last octet is one U+FFFD */
	memcpy(b, v_submit_ucs2, sizeof b);
	b[11] = 9;
	CHECK_INT(tpdu_decode(b, sizeof b, SF_DIR_MO, &v), SF_OK);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, &bad), 15);
	CHECK_STR(text, "您好，银\xEF\xBF\xBD");
	CHECK_INT(bad, 1);
	/* GSM 7-bit ending in a lone ESC */
	{
		uint8_t d[32];
		uint8_t sep[3] = { 'o', 'k', 0x1B };

		memcpy(d, v_submit_hello, 13);
		d[13] = 3;
		CHECK_INT(gsm7_pack(sep, 3, 0, d + 14, 4), 3);
		bad = 0;
		CHECK_INT(tpdu_decode(d, 17, SF_DIR_MO, &v), SF_OK);
		CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, &bad), 5);
		CHECK_STR(text, "ok\xEF\xBF\xBD");
		CHECK_INT(bad, 1);
		CHECK_INT(tpdu_text_utf8(&v, text, 4, &bad), SF_E_NO_SPACE);
	}
}

/* Every truncation of every vector has one exact outcome: SF_E_TPDU_EMPTY
 * at 0, SF_E_TRUNCATED up to and including the length octet of the user
 * data; after it the part decodes what is there with the UD-short anomaly
 * (or, for a header cut short, SF_E_TPDU_UDHL_EXCEEDS_UD). */
static void test_truncated_everywhere(void)
{
	static const struct { const char *name; const uint8_t *p; size_t len; enum sf_dir dir; size_t udl_off; } t[] = {
#define V(x, d, o) { #x, x, sizeof x, d, o }
		V(v_submit_ucs2, SF_DIR_MO, 11), V(v_deliver_alnum, SF_DIR_MT, 16),
		V(v_submit_hello, SF_DIR_MO, 13), V(v_submit_vp_enh, SF_DIR_MO, 15),
		V(v_submit_vp_abs, SF_DIR_MO, 15), V(v_deliver_concat8, SF_DIR_MT, 18),
		V(v_submit_concat16, SF_DIR_MO, 12), V(v_deliver_wap, SF_DIR_MT, 18),
		V(v_deliver_port8, SF_DIR_MT, 14), V(v_deliver_turkish, SF_DIR_MT, 14),
		V(v_command, SF_DIR_MO, 13),
#undef V
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct tpdu_view v;

		CHECK_INT(tpdu_decode(t[i].p, t[i].len, t[i].dir, &v), SF_OK);
		for (size_t k = 0; k < t[i].len; k++) {
			int want = k == 0 ? SF_E_TPDU_EMPTY : k <= t[i].udl_off ? SF_E_TRUNCATED : SF_OK;
			int got = tpdu_decode(t[i].p, k, t[i].dir, &v);

			/* a UDH longer than the bytes left is refused: no text to
			 * show (GSM 7-bit: longer than the whole septets left) */
			if (want == SF_OK && (t[i].p[0] & 0x40)) {
				size_t rem = k - t[i].udl_off - 1, h = (size_t)t[i].p[t[i].udl_off + 1] + 1;

				if (rem < h || (got == SF_E_TPDU_UDHL_EXCEEDS_UD && (h * 8 + 6) / 7 > rem * 8 / 7))
					want = SF_E_TPDU_UDHL_EXCEEDS_UD;
			}
			if (want == SF_OK && got == SF_OK && !(v.anomalies & TPDU_ANOM_UD_SHORT)) {
				fprintf(stderr, "%s cut at %zu: no ud-short anomaly\n", t[i].name, k);
				sf_t_fail_case = 1;
			}

			if (got != want) {
				fprintf(stderr, "%s cut at %zu: %s, want %s\n", t[i].name, k,
					sf_err_name(got), sf_err_name(want));
				sf_t_fail_case = 1;
			}
		}
	}
}

int main(void)
{
	RUN(test_submit_ucs2);
	RUN(test_deliver_alnum_gsm7_ext);
	RUN(test_submit_every_vpf);
	RUN(test_concat8_fill_bit);
	RUN(test_concat16_ucs2);
	RUN(test_ports);
	RUN(test_fill_bits_every_udhl);
	RUN(test_national_language_udh);
	RUN(test_dcs_groups);
	RUN(test_status_report_and_command);
	RUN(test_mti_by_direction);
	RUN(test_addresses);
	RUN(test_malformed_user_data);
	RUN(test_udh_ignored_elements);
	RUN(test_text_replacements);
	RUN(test_truncated_everywhere);
	return TEST_SUMMARY();
}
