/* SPDX-License-Identifier: BSD-3-Clause */
/* GSM MAP short message arguments (3GPP TS 29.002 §17.7.6): exact decoded
 * values of annotated BER vectors, direction rules, and the named error of
 * each malformation. */
#include "sf_test.h"
#include "sf_wire.h"
#include "decode/map.h"
#include "decode/tpdu.h"
#include "sms_vectors.h"

static void test_tbcd(void)
{
	char out[16];

	/* §17.7.8 TBCD: low nibble first, F filler ends */
	CHECK_INT(map_tbcd_digits((const uint8_t *)"\x64\x00\x10\xF2", 4, out, sizeof out), 7);
	CHECK_STR(out, "4600012");
	CHECK_INT(map_tbcd_digits((const uint8_t *)"\xBA\xDC\xFE", 3, out, sizeof out), 5);
	CHECK_STR(out, "*#abc");
	CHECK_INT(map_tbcd_digits((const uint8_t *)"\x21\xF3\x54", 3, out, sizeof out), 3);	/* F stops for good */
	CHECK_STR(out, "123");
	CHECK_INT(map_tbcd_digits((const uint8_t *)"", 0, out, sizeof out), 0);
	CHECK_STR(out, "");
	CHECK_INT(map_tbcd_digits((const uint8_t *)"\x21\x43", 2, out, 4), SF_E_NO_SPACE);
	CHECK_INT(map_tbcd_digits((const uint8_t *)"\x21\x43", 2, out, 5), 4);
	CHECK_INT(map_tbcd_digits((const uint8_t *)"\x21", 1, out, 0), SF_E_NO_SPACE);
}

static void test_mo_forward_sm_v3(void)
{
	struct map_forward_sm fs;
	struct tpdu_view v;
	char text[64];

	CHECK_INT(map_forward_sm_decode(v_map_mo_fsm_v3, sizeof v_map_mo_fsm_v3, &fs), SF_OK);
	CHECK_INT(fs.da_type, SF_DA_SCA);
	CHECK_STR(fs.da, "8613800100500");
	CHECK_INT(fs.da_ton_npi, 0x91);
	CHECK_INT(fs.oa_type, SF_OA_MSISDN);
	CHECK_STR(fs.oa, "8613912345678");
	CHECK_INT(fs.oa_ton_npi, 0x91);
	CHECK_INT(fs.sm_rp_ui.len, sizeof v_submit_ucs2);
	CHECK_MEM(fs.sm_rp_ui.p, v_submit_ucs2, sizeof v_submit_ucs2);
	CHECK(fs.sm_rp_ui.p == v_map_mo_fsm_v3 + 24);
	CHECK_INT(fs.has_more_messages, 0);
	CHECK_INT(fs.has_imsi, 1);
	CHECK_STR(fs.imsi, "460001234567890");
	CHECK_INT(map_forward_sm_direction(SF_MAP_OP_MO_FORWARD_SM, 3, &fs), SF_DIR_MO);
	CHECK_INT(tpdu_decode(fs.sm_rp_ui.p, fs.sm_rp_ui.len, SF_DIR_MO, &v), SF_OK);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), 15);
	CHECK_STR(text, "您好，银行");
}

static void test_mt_forward_sm_v3(void)
{
	struct map_forward_sm fs;
	struct tpdu_view v;
	char text[64];

	CHECK_INT(map_forward_sm_decode(v_map_mt_fsm_v3, sizeof v_map_mt_fsm_v3, &fs), SF_OK);
	CHECK_INT(fs.da_type, SF_DA_IMSI);
	CHECK_STR(fs.da, "460001234567890");
	CHECK_INT(fs.oa_type, SF_OA_SCA);
	CHECK_STR(fs.oa, "8613800100500");
	CHECK_INT(fs.oa_ton_npi, 0x91);
	CHECK_INT(fs.sm_rp_ui.len, sizeof v_deliver_alnum);
	CHECK_MEM(fs.sm_rp_ui.p, v_deliver_alnum, sizeof v_deliver_alnum);
	CHECK_INT(fs.has_more_messages, 1);
	CHECK_INT(fs.has_imsi, 0);
	CHECK_INT(map_forward_sm_direction(SF_MAP_OP_MT_FORWARD_SM, 3, &fs), SF_DIR_MT);
	CHECK_INT(tpdu_decode(fs.sm_rp_ui.p, fs.sm_rp_ui.len, SF_DIR_MT, &v), SF_OK);
	CHECK_STR(v.addr.text, "ICBC");
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), (int)strlen(V_DELIVER_ALNUM_TEXT));
	CHECK_STR(text, V_DELIVER_ALNUM_TEXT);
}

static void test_forward_sm_v2_both_ways(void)
{
	struct map_forward_sm fs;
	struct tpdu_view v;
	char text[64];

	CHECK_INT(map_forward_sm_decode(v_map_fsm_v2_mo, sizeof v_map_fsm_v2_mo, &fs), SF_OK);
	CHECK_INT(fs.da_type, SF_DA_SCA);
	CHECK_INT(fs.oa_type, SF_OA_MSISDN);
	CHECK_STR(fs.oa, "8613912345678");
	CHECK_INT(fs.sm_rp_ui.len, sizeof v_submit_hello);
	CHECK_INT(map_forward_sm_direction(SF_MAP_OP_MO_FORWARD_SM, 2, &fs), SF_DIR_MO);
	CHECK_INT(map_forward_sm_direction(SF_MAP_OP_MO_FORWARD_SM, 1, &fs), SF_DIR_MO);
	CHECK_INT(tpdu_decode(fs.sm_rp_ui.p, fs.sm_rp_ui.len, SF_DIR_MO, &v), SF_OK);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), 5);
	CHECK_STR(text, "hello");

	CHECK_INT(map_forward_sm_decode(v_map_fsm_v2_mt, sizeof v_map_fsm_v2_mt, &fs), SF_OK);
	CHECK_INT(fs.da_type, SF_DA_LMSI);
	CHECK_STR(fs.da, "01020304");
	CHECK_INT(fs.oa_type, SF_OA_SCA);
	CHECK_STR(fs.oa, "8613800100500");
	CHECK_INT(fs.has_more_messages, 1);
	CHECK_INT(map_forward_sm_direction(SF_MAP_OP_MO_FORWARD_SM, 2, &fs), SF_DIR_MT);
	CHECK_INT(tpdu_decode(fs.sm_rp_ui.p, fs.sm_rp_ui.len, SF_DIR_MT, &v), SF_OK);
	CHECK_INT(v.has_concat, 1);
	CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, NULL), 8);
	CHECK_STR(text, "Part one");
}

static void test_direction_rules(void)
{
	struct map_forward_sm fs;

	memset(&fs, 0, sizeof fs);
	fs.da_type = SF_DA_IMSI, fs.oa_type = SF_OA_SCA;
	CHECK_INT(map_forward_sm_direction(SF_MAP_OP_MO_FORWARD_SM, 2, &fs), SF_DIR_MT);
	CHECK_INT(map_forward_sm_direction(SF_MAP_OP_MO_FORWARD_SM, 3, &fs), SF_DIR_MO);	/* v3: opcode decides */
	fs.da_type = SF_DA_SCA, fs.oa_type = SF_OA_SCA;
	CHECK_INT(map_forward_sm_direction(SF_MAP_OP_MO_FORWARD_SM, 2, &fs), SF_DIR_NONE);
	fs.da_type = SF_DA_NONE, fs.oa_type = SF_OA_MSISDN;
	CHECK_INT(map_forward_sm_direction(SF_MAP_OP_MO_FORWARD_SM, 2, &fs), SF_DIR_NONE);
	fs.da_type = SF_DA_IMSI, fs.oa_type = SF_OA_MSISDN;
	CHECK_INT(map_forward_sm_direction(SF_MAP_OP_MO_FORWARD_SM, 2, &fs), SF_DIR_NONE);
	CHECK_INT(map_forward_sm_direction(SF_MAP_OP_MT_FORWARD_SM, 3, &fs), SF_DIR_MT);
	CHECK_INT(map_forward_sm_direction(SF_MAP_OP_SRI_SM, 3, &fs), SF_DIR_NONE);
}

/* The same mo-forwardSM with indefinite lengths (X.690 §8.1.3.6) and noSM-RP-OA */
static void test_forward_sm_indefinite(void)
{
	static const uint8_t b[] = {
		0x30, 0x80,			/* SEQUENCE, indefinite */
		0x84, 0x08, 0x91, 0x68, 0x31, 0x08, 0x10, 0x00, 0x05, 0xF0,	/* DA SCA */
		0x85, 0x00,			/* noSM-RP-OA */
		0x04, 0x13,			/* sm-RP-UI: v_submit_hello */
		0x01, 0x07, 0x0D, 0x91, 0x68, 0x31, 0x19, 0x32, 0x54, 0x76, 0xF8,
		0x00, 0x00, 0x05, 0xE8, 0x32, 0x9B, 0xFD, 0x06,
		0xA0, 0x80, 0x00, 0x00,		/* an unknown constructed field, indefinite, skipped */
		0x00, 0x00,			/* end-of-contents */
	};
	struct map_forward_sm fs;

	CHECK_INT(map_forward_sm_decode(b, sizeof b, &fs), SF_OK);
	CHECK_INT(fs.da_type, SF_DA_SCA);
	CHECK_INT(fs.oa_type, SF_OA_NONE);
	CHECK_STR(fs.oa, "");
	CHECK_INT(fs.sm_rp_ui.len, sizeof v_submit_hello);
	CHECK_MEM(fs.sm_rp_ui.p, v_submit_hello, sizeof v_submit_hello);
}

static void test_sri_sm(void)
{
	struct map_sri_sm_arg a;
	struct map_sri_sm_res r;

	CHECK_INT(map_sri_sm_arg_decode(v_map_sri_sm_arg, sizeof v_map_sri_sm_arg, &a), SF_OK);
	CHECK_INT(a.msisdn.ton_npi, 0x91);
	CHECK_INT(a.msisdn.n_digits, 13);
	CHECK_STR(a.msisdn.digits, "8613912345678");
	CHECK_INT(a.sm_rp_pri, 1);
	CHECK_INT(a.sca.ton_npi, 0x91);
	CHECK_STR(a.sca.digits, "8613800100500");
	CHECK_INT(a.has_sm_rp_mti, 1);
	CHECK_INT(a.sm_rp_mti, 0);

	CHECK_INT(map_sri_sm_res_decode(v_map_sri_sm_res, sizeof v_map_sri_sm_res, &r), SF_OK);
	CHECK_STR(r.imsi, "460001234567890");
	CHECK_INT(r.nnn.ton_npi, 0x91);
	CHECK_STR(r.nnn.digits, "8613900000001");
	CHECK_INT(r.has_lmsi, 1);
	CHECK_MEM(r.lmsi, "\x0A\x0B\x0C\x0D", 4);
}

static void test_report_and_alert(void)
{
	struct map_report_sm_ds_arg d;
	struct map_alert_sc_arg a;
	uint8_t b[sizeof v_map_report_sm_ds];

	CHECK_INT(map_report_sm_ds_arg_decode(v_map_report_sm_ds, sizeof v_map_report_sm_ds, &d), SF_OK);
	CHECK_STR(d.msisdn.digits, "8613912345678");
	CHECK_STR(d.sca.digits, "8613800100500");
	CHECK_INT(d.has_outcome, 1);
	CHECK_INT(d.outcome, 2);
	/* without the (v1-absent) outcome */
	memcpy(b, v_map_report_sm_ds, sizeof b);
	b[1] = 20;
	CHECK_INT(map_report_sm_ds_arg_decode(b, 22, &d), SF_OK);
	CHECK_INT(d.has_outcome, 0);

	CHECK_INT(map_alert_sc_arg_decode(v_map_alert_sc, sizeof v_map_alert_sc, &a), SF_OK);
	CHECK_INT(a.msisdn.ton_npi, 0x91);
	CHECK_STR(a.msisdn.digits, "8613912345678");
	CHECK_STR(a.sca.digits, "8613800100500");
}

/* Each malformation's named error */
static void test_malformed(void)
{
	struct map_forward_sm fs;
	struct map_sri_sm_arg a;
	struct map_sri_sm_res r;
	struct map_report_sm_ds_arg d;
	uint8_t b[512];

	/* not a SEQUENCE */
	memcpy(b, v_map_mo_fsm_v3, sizeof v_map_mo_fsm_v3);
	b[0] = 0x31;
	CHECK_INT(map_forward_sm_decode(b, sizeof v_map_mo_fsm_v3, &fs), SF_E_MAP_NOT_SEQUENCE);
	/* a byte after the SEQUENCE */
	memcpy(b, v_map_mo_fsm_v3, sizeof v_map_mo_fsm_v3);
	b[sizeof v_map_mo_fsm_v3] = 0;
	CHECK_INT(map_forward_sm_decode(b, sizeof v_map_mo_fsm_v3 + 1, &fs), SF_E_MAP_TRAILING_DATA);
	/* SM-RP-DA choice [3] (v1 roamingNumber, not used) */
	b[2] = 0x83;
	CHECK_INT(map_forward_sm_decode(b, sizeof v_map_mo_fsm_v3, &fs), SF_E_MAP_SM_RP_DA_INVALID);
	/* SM-RP-OA choice [0] */
	memcpy(b, v_map_mo_fsm_v3, sizeof v_map_mo_fsm_v3);
	b[12] = 0x80;
	CHECK_INT(map_forward_sm_decode(b, sizeof v_map_mo_fsm_v3, &fs), SF_E_MAP_SM_RP_OA_INVALID);
	/* sm-RP-UI with a context tag instead of OCTET STRING */
	memcpy(b, v_map_mo_fsm_v3, sizeof v_map_mo_fsm_v3);
	b[22] = 0x86;
	CHECK_INT(map_forward_sm_decode(b, sizeof v_map_mo_fsm_v3, &fs), SF_E_MAP_SM_RP_UI_INVALID);
	/* sm-RP-UI missing */
	memcpy(b, v_map_mo_fsm_v3, 22);
	b[1] = 20;
	CHECK_INT(map_forward_sm_decode(b, 22, &fs), SF_E_MAP_MISSING_FIELD);
	/* sm-RP-UI empty */
	b[1] = 22, b[22] = 0x04, b[23] = 0x00;
	CHECK_INT(map_forward_sm_decode(b, 24, &fs), SF_E_MAP_SM_RP_UI_INVALID);
	/* sm-RP-UI of 201 octets (maxSignalInfoLength 200) */
	{
		size_t n = 0;

		b[n++] = 0x30, b[n++] = 0x82, b[n++] = 0x00, b[n++] = 24 + 201;
		memcpy(b + n, v_map_mo_fsm_v3 + 2, 20);
		n += 20;
		b[n++] = 0x04, b[n++] = 0x81, b[n++] = 201;
		memset(b + n, 0, 201);
		n += 201;
		b[3] = (uint8_t)(n - 4);
		/* decoded as receivers do, flagged oversize (issue 15 item 6) */
		CHECK_INT(map_forward_sm_decode(b, n, &fs), SF_OK);
		CHECK_INT(fs.sm_rp_ui.len, 201);
		CHECK_INT(fs.anomalies, MAP_ANOM_UI_OVERSIZE);
		b[3]--, b[26]--;
		CHECK_INT(map_forward_sm_decode(b, n - 1, &fs), SF_OK);
		CHECK_INT(fs.sm_rp_ui.len, 200);
		CHECK_INT(fs.anomalies, 0);
	}
	/* IMSI of 2 octets; LMSI of 3 octets; a 21-octet address */
	{
		static const uint8_t imsi2[] = { 0x30, 0x0A, 0x80, 0x02, 0x64, 0x00, 0x85, 0x00, 0x04, 0x02, 0x01, 0x00 };
		static const uint8_t lmsi3[] = { 0x30, 0x0B, 0x81, 0x03, 0x01, 0x02, 0x03, 0x85, 0x00, 0x04, 0x02, 0x01, 0x00 };
		uint8_t big[64] = { 0x30, 27, 0x84, 21, 0x91 };

		CHECK_INT(map_forward_sm_decode(imsi2, sizeof imsi2, &fs), SF_E_MAP_SM_RP_DA_INVALID);
		CHECK_INT(map_forward_sm_decode(lmsi3, sizeof lmsi3, &fs), SF_E_MAP_LMSI_INVALID);
		memset(big + 5, 0x11, 20);
		big[25] = 0x85, big[26] = 0x00, big[27] = 0x04, big[28] = 0x01;	/* ... UI of 1 octet follows */
		big[29] = 0x00;
		CHECK_INT(map_forward_sm_decode(big, 29, &fs), SF_E_MAP_SM_RP_DA_INVALID);
		CHECK_INT(map_address_decode(big + 4, 21, &a.msisdn), SF_E_MAP_ADDRESS_INVALID);
		CHECK_INT(map_address_decode(big + 4, 20, &a.msisdn), SF_OK);
		CHECK_INT(a.msisdn.n_digits, 38);
		CHECK_INT(map_address_decode(big + 4, 0, &a.msisdn), SF_E_MAP_ADDRESS_INVALID);
	}
	/* moreMessagesToSend with contents; a bad trailing imsi */
	memcpy(b, v_map_mt_fsm_v3, sizeof v_map_mt_fsm_v3);
	b[70] = 0x01;	/* NULL with one octet of contents (the 0x30 after it) */
	CHECK_INT(map_forward_sm_decode(b, sizeof v_map_mt_fsm_v3, &fs), SF_E_MAP_FIELD_INVALID);
	memcpy(b, v_map_mo_fsm_v3, sizeof v_map_mo_fsm_v3);
	b[47] = 0x02;	/* imsi of 2 octets, then 6 stray octets */
	CHECK_INT(map_forward_sm_decode(b, sizeof v_map_mo_fsm_v3, &fs), SF_E_MAP_IMSI_INVALID);
	/* an inner length running past the SEQUENCE */
	memcpy(b, v_map_mo_fsm_v3, sizeof v_map_mo_fsm_v3);
	b[23] = 0x30;
	CHECK_INT(map_forward_sm_decode(b, sizeof v_map_mo_fsm_v3, &fs), SF_E_TRUNCATED);
	/* SRI-SM: missing serviceCentreAddress, BOOLEAN of two octets */
	memcpy(b, v_map_sri_sm_arg, sizeof v_map_sri_sm_arg);
	b[15] = 0x83;
	CHECK_INT(map_sri_sm_arg_decode(b, sizeof v_map_sri_sm_arg, &a), SF_E_MAP_MISSING_FIELD);
	memcpy(b, v_map_sri_sm_arg, sizeof v_map_sri_sm_arg);
	b[13] = 0x02;	/* sm-RP-PRI length 2: swallows the next tag, breaking the rest */
	CHECK_INT(map_sri_sm_arg_decode(b, sizeof v_map_sri_sm_arg, &a), SF_E_MAP_FIELD_INVALID);
	/* SRI-SM result without networkNode-Number; with an LMSI of 5 octets */
	memcpy(b, v_map_sri_sm_res, sizeof v_map_sri_sm_res);
	b[14] = 0x89;
	CHECK_INT(map_sri_sm_res_decode(b, sizeof v_map_sri_sm_res, &r), SF_E_MAP_MISSING_FIELD);
	memcpy(b, v_map_sri_sm_res, sizeof v_map_sri_sm_res);
	b[2] = 0x80;
	CHECK_INT(map_sri_sm_res_decode(b, sizeof v_map_sri_sm_res, &r), SF_E_MAP_MISSING_FIELD);
	/* reportSM-DeliveryStatus with an outcome of 2 octets */
	{
		static const uint8_t rd[] = { 0x30, 0x0B, 0x04, 0x02, 0x91, 0x21, 0x04, 0x02, 0x91, 0x43,
					      0x0A, 0x02, 0x00 };

		CHECK_INT(map_report_sm_ds_arg_decode(rd, sizeof rd, &d), SF_E_TRUNCATED);
	}
	{
		static const uint8_t rd[] = { 0x30, 0x0C, 0x04, 0x02, 0x91, 0x21, 0x04, 0x02, 0x91, 0x43,
					      0x0A, 0x02, 0x00, 0x01 };

		CHECK_INT(map_report_sm_ds_arg_decode(rd, sizeof rd, &d), SF_E_MAP_FIELD_INVALID);
	}
}

/* Every truncation of every MAP vector is SF_E_TRUNCATED (X.690 lengths) */
static void test_truncated_everywhere(void)
{
	static const struct { const char *name; const uint8_t *p; size_t len; int kind; } t[] = {
		{ "mo_v3", v_map_mo_fsm_v3, sizeof v_map_mo_fsm_v3, 0 },
		{ "mt_v3", v_map_mt_fsm_v3, sizeof v_map_mt_fsm_v3, 0 },
		{ "v2_mo", v_map_fsm_v2_mo, sizeof v_map_fsm_v2_mo, 0 },
		{ "v2_mt", v_map_fsm_v2_mt, sizeof v_map_fsm_v2_mt, 0 },
		{ "sri_arg", v_map_sri_sm_arg, sizeof v_map_sri_sm_arg, 1 },
		{ "sri_res", v_map_sri_sm_res, sizeof v_map_sri_sm_res, 2 },
		{ "report", v_map_report_sm_ds, sizeof v_map_report_sm_ds, 3 },
		{ "alert", v_map_alert_sc, sizeof v_map_alert_sc, 4 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		for (size_t k = 0; k <= t[i].len; k++) {
			struct map_forward_sm fs;
			struct map_sri_sm_arg a;
			struct map_sri_sm_res r;
			struct map_report_sm_ds_arg d;
			struct map_alert_sc_arg al;
			int got, want = k == t[i].len ? SF_OK : SF_E_TRUNCATED;

			switch (t[i].kind) {
			case 0: got = map_forward_sm_decode(t[i].p, k, &fs); break;
			case 1: got = map_sri_sm_arg_decode(t[i].p, k, &a); break;
			case 2: got = map_sri_sm_res_decode(t[i].p, k, &r); break;
			case 3: got = map_report_sm_ds_arg_decode(t[i].p, k, &d); break;
			default: got = map_alert_sc_arg_decode(t[i].p, k, &al); break;
			}
			if (got != want) {
				fprintf(stderr, "%s cut at %zu: %s, want %s\n", t[i].name, k,
					sf_err_name(got), sf_err_name(want));
				sf_t_fail_case = 1;
			}
		}
	}
}

/* X.690 §8.7.3: sm-RP-UI as a constructed OCTET STRING is legal BER and
 * receivers join its segments: decoded, flagged (issue 15 item 6) */
static void test_sm_rp_ui_constructed(void)
{
	static const uint8_t v[] = {
		0x30, 0x36,			/* MO-ForwardSM-Arg SEQUENCE, 54 octets */
		0x84, 0x08,			/* sm-RP-DA serviceCentreAddressDA [4] */
		0x91, 0x68, 0x31, 0x08, 0x10, 0x00, 0x05, 0xF0,
		0x82, 0x08,			/* sm-RP-OA msisdn [2] */
		0x91, 0x68, 0x31, 0x19, 0x32, 0x54, 0x76, 0xF8,
		0x24, 0x80,			/* sm-RP-UI, constructed, indefinite length */
		0x04, 0x05,			/*   segment 1: 5 octets */
		0x11, 0x2A, 0x08, 0x81, 0x01,
		0x24, 0x0D,			/*   segment 2: constructed again, 13 octets */
		0x04, 0x0B,			/*     11 octets */
		0x80, 0x96, 0x99, 0x00, 0x08, 0xA7, 0x0A, 0x60, 0xA8, 0x59, 0x7D,
		0x04, 0x06,			/*   segment 3: 6 octets */
		0xFF, 0x0C, 0x94, 0xF6, 0x88, 0x4C,
		0x00, 0x00,			/* end of contents */
	};
	struct map_forward_sm fs;
	uint8_t b[sizeof v];

	CHECK_INT(map_forward_sm_decode(v, sizeof v, &fs), SF_OK);
	CHECK_INT(fs.anomalies, MAP_ANOM_UI_CONSTRUCTED);
	CHECK_INT(fs.sm_rp_ui.len, 22);
	CHECK(memcmp(fs.sm_rp_ui.p, v_map_mo_fsm_v3 + 24, 22) == 0);	/* v_submit_ucs2 */
	/* a segment that is not an OCTET STRING */
	memcpy(b, v, sizeof v);
	b[24] = 0x05;
	CHECK_INT(map_forward_sm_decode(b, sizeof v, &fs), SF_E_MAP_SM_RP_UI_INVALID);
	/* an empty constructed string */
	{
		static const uint8_t e[] = { 0x30, 0x16, 0x84, 0x08, 0x91, 0x68, 0x31, 0x08, 0x10, 0x00, 0x05, 0xF0,
					     0x82, 0x08, 0x91, 0x68, 0x31, 0x19, 0x32, 0x54, 0x76, 0xF8, 0x24, 0x00 };

		CHECK_INT(map_forward_sm_decode(e, sizeof e, &fs), SF_E_MAP_SM_RP_UI_INVALID);
	}
}

/* TS 29.002 §17.4 MAP-OpenInfo destinationReference: the IMSI of an
 * LMSI-addressed MT-ForwardSM (issue 15 item 12) */
static void test_open_dest_ref(void)
{
	static const uint8_t ui[] = {
		0x28, 0x18,			/* EXTERNAL */
		0x06, 0x07, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x01,	/* map-DialogueAS */
		0xA0, 0x0D,			/* single-ASN1-type [0] */
		0xA0, 0x0B,			/* map-open [0] MAP-OpenInfo */
		0x80, 0x09,			/* destinationReference [0] AddressString */
		0x16,				/* TON 001 international, NPI 0110 E.212 */
		0x64, 0x00, 0x10, 0x32, 0x54, 0x76, 0x98, 0xF0,	/* 460001234567890 */
	};
	struct map_address a;
	uint8_t b[sizeof ui];

	CHECK_INT(map_open_dest_ref(ui, sizeof ui, &a), SF_OK);
	CHECK_STR(a.digits, "460001234567890");
	CHECK_INT(a.ton_npi, 0x16);
	/* another dialogue AS: not MAP's */
	memcpy(b, ui, sizeof ui);
	b[8] = 0x02;
	CHECK_INT(map_open_dest_ref(b, sizeof b, &a), SF_E_MAP_MISSING_FIELD);
	/* map-open without a destination reference (originationReference only) */
	memcpy(b, ui, sizeof ui);
	b[15] = 0x81;
	CHECK_INT(map_open_dest_ref(b, sizeof b, &a), SF_E_MAP_MISSING_FIELD);
	/* cut short */
	CHECK_INT(map_open_dest_ref(ui, sizeof ui - 3, &a) < 0, 1);
}

int main(void)
{
	RUN(test_tbcd);
	RUN(test_mo_forward_sm_v3);
	RUN(test_mt_forward_sm_v3);
	RUN(test_forward_sm_v2_both_ways);
	RUN(test_direction_rules);
	RUN(test_forward_sm_indefinite);
	RUN(test_sri_sm);
	RUN(test_report_and_alert);
	RUN(test_malformed);
	RUN(test_sm_rp_ui_constructed);
	RUN(test_open_dest_ref);
	RUN(test_truncated_everywhere);
	return TEST_SUMMARY();
}
