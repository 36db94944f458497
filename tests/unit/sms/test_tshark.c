/* SPDX-License-Identifier: BSD-3-Clause */
/* tshark as the independent oracle: every TPDU and MAP vector is written to
 * a pcap as a Wireshark "exported PDU" (gsm_sms with its direction, or a
 * TCAP Begin/End carrying the MAP component), dissected by tshark, and the
 * fields tshark prints are compared with what our decoders say. Skipped
 * (exit 77) when tshark is not installed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_test.h"
#include "sf_wire.h"
#include "decode/map.h"
#include "decode/tpdu.h"
#include "sms_vectors.h"
#include "text/gsm7.h"

#define MAX_CASES 64
#define MAX_FIELDS 24
#define FIELD_LEN 1024

/* DLT_WIRESHARK_UPPER_PDU and its tags (wireshark epan/exported_pdu.h) */
#define DLT_UPPER_PDU 252
#define EXP_TAG_END 0
#define EXP_TAG_DISSECTOR 12
#define EXP_TAG_P2P_DIR 35
#define P2P_SENT 0	/* gsm_sms: SC→MS */
#define P2P_RECV 1	/* gsm_sms: MS→SC */

struct field_want {
	const char *name;
	int prefix;	/* compare the ';'-list as a prefix of tshark's */
};

struct ocase {
	char name[48];
	uint8_t pdu[600];
	size_t len;
	char want[MAX_FIELDS][FIELD_LEN];	/* "\x01" = not compared */
};

static const char SKIP[] = "\x01";

static void put_le32(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	fwrite(b, 1, 4, f);
}

static size_t exp_tag(uint8_t *o, uint16_t tag, const void *v, size_t n)
{
	size_t padded = (n + 3) & ~(size_t)3;

	o[0] = (uint8_t)(tag >> 8);
	o[1] = (uint8_t)tag;
	o[2] = (uint8_t)(padded >> 8);
	o[3] = (uint8_t)padded;
	memset(o + 4, 0, padded);
	memcpy(o + 4, v, n);
	return 4 + padded;
}

static int write_pcap(const char *path, const char *proto, const int *p2p,
		      const struct ocase *c, int n)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	put_le32(f, 0xA1B2C3D4);
	fwrite("\x02\x00\x04\x00", 1, 4, f);	/* version 2.4 */
	put_le32(f, 0);
	put_le32(f, 0);
	put_le32(f, 65535);
	put_le32(f, DLT_UPPER_PDU);
	for (int i = 0; i < n; i++) {
		uint8_t rec[1024];
		size_t o = 0;

		o += exp_tag(rec + o, EXP_TAG_DISSECTOR, proto, strlen(proto));
		if (p2p) {
			uint8_t d[4] = { 0, 0, 0, (uint8_t)p2p[i] };

			o += exp_tag(rec + o, EXP_TAG_P2P_DIR, d, 4);
		}
		o += exp_tag(rec + o, EXP_TAG_END, "", 0);
		memcpy(rec + o, c[i].pdu, c[i].len);
		o += c[i].len;
		put_le32(f, (uint32_t)i);
		put_le32(f, 0);
		put_le32(f, (uint32_t)o);
		put_le32(f, (uint32_t)o);
		fwrite(rec, 1, o, f);
	}
	return fclose(f);
}

/* Run tshark over path and compare each output line with the cases. */
static void run_and_compare(const char *path, const struct field_want *fw, int nf,
			    const struct ocase *c, int n)
{
	char cmd[4096];
	size_t o;
	FILE *p;
	char *line = NULL;
	size_t cap = 0;
	int row = 0;

	o = (size_t)snprintf(cmd, sizeof cmd, "tshark -r '%s' -o gsm_sms.reassemble:FALSE -T fields "
			     "-E occurrence=a -E aggregator=';'", path);
	for (int i = 0; i < nf; i++)
		o += (size_t)snprintf(cmd + o, sizeof cmd - o, " -e %s", fw[i].name);
	snprintf(cmd + o, sizeof cmd - o, " 2>/dev/null");
	p = popen(cmd, "r");
	CHECK(p != NULL);
	if (!p)
		return;
	while (getline(&line, &cap, p) > 0 && row < n) {
		char *save = NULL, *tok;
		char *s = line;
		int fi = 0;

		s[strcspn(s, "\n")] = '\0';
		/* strsep keeps empty fields */
		while ((tok = strsep(&s, "\t")) != NULL && fi < nf) {
			const char *w = c[row].want[fi];

			(void)save;
			if (strcmp(w, SKIP) != 0) {
				int ok = fw[fi].prefix ? strncmp(tok, w, strlen(w)) == 0 : strcmp(tok, w) == 0;

				if (!ok) {
					fprintf(stderr, "%s: %s: tshark \"%s\", ours \"%s\"\n",
						c[row].name, fw[fi].name, tok, w);
					sf_t_fail_case = 1;
				}
			}
			fi++;
		}
		CHECK_INT(fi, nf);
		row++;
	}
	free(line);
	CHECK_INT(pclose(p), 0);
	CHECK_INT(row, n);
}

/* ---- TPDU cases ---- */

enum { TF_MTI, TF_OA, TF_DA, TF_RA, TF_PID, TF_DCS, TF_MR, TF_TEXT, TF_CREF, TF_CTOT, TF_CSEQ,
       TF_DPORT, TF_SPORT, TF_VPF, TF_NLL, TF_NLS, TF_UDHI, TF_MALFORMED, TF__N };

static const struct field_want tpdu_fields[TF__N] = {
	{ "gsm_sms.tp-mti", 0 }, { "gsm_sms.tp-oa", 0 }, { "gsm_sms.tp-da", 0 }, { "gsm_sms.tp-ra", 0 },
	{ "gsm_sms.tp-pid", 0 }, { "gsm_sms.tp-dcs", 0 }, { "gsm_sms.tp-mr", 0 }, { "gsm_sms.sms_text", 0 },
	{ "gsm_sms.udh.mm.msg_id", 0 }, { "gsm_sms.udh.mm.msg_parts", 0 }, { "gsm_sms.udh.mm.msg_part", 0 },
	{ "gsm_sms.destination_port", 0 }, { "gsm_sms.originator_port", 0 }, { "gsm_sms.tp-vpf", 0 },
	{ "gsm_sms.dis_iei_lang.locking_shift", 0 }, { "gsm_sms.dis_iei_lang.single_shift", 0 },
	{ "gsm_sms.tp-udhi", 0 }, { "_ws.malformed", 0 },
};

#define SETF(c, i, ...) snprintf((c)->want[i], FIELD_LEN, __VA_ARGS__)

/* What tshark should print for one TPDU, from our decoder. */
static void tpdu_expect(struct ocase *c, const uint8_t *p, size_t len, enum sf_dir dir)
{
	struct tpdu_view v;
	char text[1024];
	int r;

	memcpy(c->pdu, p, len);
	c->len = len;
	for (int i = 0; i < TF__N; i++)
		c->want[i][0] = '\0';
	CHECK_INT(tpdu_decode(p, len, dir, &v), SF_OK);
	SETF(c, TF_MTI, "%u", v.mti);
	if (v.type == TPDU_DELIVER)
		SETF(c, TF_OA, "%s", v.addr.text);
	else if (v.type == TPDU_SUBMIT || v.type == TPDU_COMMAND)
		SETF(c, TF_DA, "%s", v.addr.text);
	else if (v.type == TPDU_STATUS_REPORT)
		SETF(c, TF_RA, "%s", v.addr.text);
	SETF(c, TF_PID, "%u", v.pid);
	if (v.type != TPDU_COMMAND)
		SETF(c, TF_DCS, "%u", v.dcs);
	if (v.type != TPDU_DELIVER)
		SETF(c, TF_MR, "%u", v.mr);
	r = tpdu_text_utf8(&v, text, sizeof text, NULL);
	if (r >= 0 && v.has_ud)
		SETF(c, TF_TEXT, "%s", text);
	if (v.nl_locking || v.nl_single)
		SETF(c, TF_TEXT, "%s", SKIP);	/* tshark 4.0 has no national language tables */
	if (v.charset == SF_CS_RESERVED)
		SETF(c, TF_TEXT, "%s", SKIP);	/* TS 23.038 §4 says GSM 7-bit; tshark shows no text */
	if (v.has_concat) {
		SETF(c, TF_CREF, "%u", v.concat_ref);
		SETF(c, TF_CTOT, "%u", v.concat_total);
		SETF(c, TF_CSEQ, "%u", v.concat_seq);
	}
	if (v.has_ports) {
		SETF(c, TF_DPORT, "%u", v.dst_port);
		SETF(c, TF_SPORT, "%u", v.src_port);
	}
	if (v.type == TPDU_SUBMIT)
		SETF(c, TF_VPF, "%u", v.vpf);
	if (v.nl_locking)
		SETF(c, TF_NLL, "%u", v.nl_locking);
	if (v.nl_single)
		SETF(c, TF_NLS, "%u", v.nl_single);
	if (v.type == TPDU_DELIVER || v.type == TPDU_SUBMIT)
		SETF(c, TF_UDHI, "%u", v.udhi);
	else
		SETF(c, TF_UDHI, "%s", SKIP);
}

/* A DELIVER with a UDH of udhl octets (one SC-specific IE 0xC0 filling it)
 * and "abc" after the fill bits: every residue of UDHL + 1 mod 7. */
static size_t build_fill_case(uint8_t *o, unsigned udhl)
{
	static const uint8_t head[] = { 0x44, 0x04, 0x81, 0x01, 0x00, 0x00, 0x00,
					0x62, 0x11, 0x22, 0x61, 0x50, 0x03, 0x23 };
	uint8_t sep[3] = { 'a', 'b', 'c' };
	size_t n = sizeof head, hdr = udhl + 1, hs = (hdr * 8 + 6) / 7;
	unsigned fill = (unsigned)(hs * 7 - hdr * 8);
	int k;

	memcpy(o, head, n);
	o[n++] = (uint8_t)(hs + 3);	/* UDL in septets */
	o[n++] = (uint8_t)udhl;
	if (udhl >= 2) {
		o[n++] = 0xC0;		/* SC specific use IE */
		o[n++] = (uint8_t)(udhl - 2);
		for (unsigned i = 0; i + 2 < udhl; i++)
			o[n++] = (uint8_t)(0x30 + i);
	}
	k = gsm7_pack(sep, 3, fill, o + n, 16);
	return n + (size_t)(k > 0 ? k : 0);
}

static void test_tpdu_vs_tshark(void)
{
	static struct ocase c[MAX_CASES];
	static const struct { const char *name; const uint8_t *p; size_t len; enum sf_dir dir; } v[] = {
#define V(x, d) { #x, x, sizeof x, d }
		V(v_submit_ucs2, SF_DIR_MO), V(v_deliver_alnum, SF_DIR_MT), V(v_submit_hello, SF_DIR_MO),
		V(v_submit_vp_enh, SF_DIR_MO), V(v_submit_vp_enh_hms, SF_DIR_MO), V(v_submit_vp_abs, SF_DIR_MO),
		V(v_deliver_concat8, SF_DIR_MT), V(v_submit_concat16, SF_DIR_MO), V(v_deliver_wap, SF_DIR_MT),
		V(v_deliver_port8, SF_DIR_MT), V(v_deliver_turkish, SF_DIR_MT), V(v_status_report, SF_DIR_MT),
		V(v_command, SF_DIR_MO),
#undef V
	};
	static const uint8_t dcs_values[] = { 0x00, 0x08, 0x04, 0x11, 0xF1, 0x18, 0xC0, 0xD8, 0xE0, 0xF5, 0x40, 0x15, 0x20, 0x0C, 0x80, 0xB4 };
	int p2p[MAX_CASES], n = 0;
	char path[] = "/tmp/sf_sms_tpdu_XXXXXX";
	int fd;

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++, n++) {
		snprintf(c[n].name, sizeof c[n].name, "%s", v[i].name);
		tpdu_expect(&c[n], v[i].p, v[i].len, v[i].dir);
		p2p[n] = v[i].dir == SF_DIR_MO ? P2P_RECV : P2P_SENT;
	}
	for (unsigned udhl = 0; udhl <= 8; udhl++, n++) {
		uint8_t b[64];
		size_t len;

		if (udhl == 1) {	/* one lone octet is not an IE */
			n--;
			continue;
		}
		len = build_fill_case(b, udhl);
		snprintf(c[n].name, sizeof c[n].name, "fill_udhl_%u", udhl);
		tpdu_expect(&c[n], b, len, SF_DIR_MT);
		p2p[n] = P2P_SENT;
	}
	/* the DCS coding groups with text tshark can decode: "hello" or UCS-2 "中文" */
	for (size_t i = 0; i < sizeof dcs_values; i++, n++) {
		uint8_t b[64];
		size_t len = 0;
		struct tpdu_view tv;
		static const uint8_t head[] = { 0x04, 0x04, 0x81, 0x01, 0x00, 0x00 };

		memcpy(b, head, sizeof head);
		len = sizeof head;
		b[len++] = dcs_values[i];
		memcpy(b + len, "\x62\x11\x22\x61\x50\x03\x23", 7);
		len += 7;
		tpdu_decode(b, len + 1, SF_DIR_MT, &tv);	/* DCS only; UD not read yet */
		if (tv.charset == SF_CS_UCS2) {
			memcpy(b + len, "\x04\x4E\x2D\x65\x87", 5);
			len += 5;
		} else if (tv.charset == SF_CS_8BIT) {
			memcpy(b + len, "\x02\xDE\xAD", 3);
			len += 3;
		} else {
			memcpy(b + len, "\x05\xE8\x32\x9B\xFD\x06", 6);
			len += 6;
		}
		snprintf(c[n].name, sizeof c[n].name, "dcs_%02X", dcs_values[i]);
		tpdu_expect(&c[n], b, len, SF_DIR_MT);
		p2p[n] = P2P_SENT;
	}
	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	CHECK_INT(write_pcap(path, "gsm_sms", p2p, c, n), 0);
	run_and_compare(path, tpdu_fields, TF__N, c, n);
	unlink(path);
}

/* ---- MAP cases: TCAP Begin (or End for a result) around one component ---- */

static size_t tlv(uint8_t *o, uint8_t tag, const uint8_t *v, size_t n)
{
	size_t h = 0;

	o[h++] = tag;
	if (n < 128) {
		o[h++] = (uint8_t)n;
	} else {
		o[h++] = 0x82;
		o[h++] = (uint8_t)(n >> 8);
		o[h++] = (uint8_t)n;
	}
	memmove(o + h, v, n);
	return h + n;
}

/* Q.773 Begin/End with a dialogue portion naming MAP application context
 * 0.4.0.0.1.0.<ac>.<ver> and an Invoke (or ReturnResultLast) of opcode. */
static size_t build_tcap(uint8_t *out, int ac, int ver, int opcode, const uint8_t *param,
			 size_t plen, int result)
{
	uint8_t a[700], b[700], d[700], x[700];
	size_t n, m, k;
	const uint8_t oid[] = { 0x06, 0x07, 0x04, 0x00, 0x00, 0x01, 0x00, (uint8_t)ac, (uint8_t)ver };
	static const uint8_t dlg_as_id[] = { 0x06, 0x07, 0x00, 0x11, 0x86, 0x05, 0x01, 0x01, 0x01 };
	static const uint8_t pv[] = { 0x80, 0x02, 0x07, 0x80 };

	/* dialogue PDU: AARQ [APPLICATION 0] or AARE [APPLICATION 1] */
	memcpy(a, pv, sizeof pv);
	n = sizeof pv;
	n += tlv(a + n, 0xA1, oid, sizeof oid);
	if (result) {
		n += tlv(a + n, 0xA2, (const uint8_t *)"\x02\x01\x00", 3);	/* result accepted */
		n += tlv(a + n, 0xA3, (const uint8_t *)"\xA1\x03\x02\x01\x00", 5);	/* dialogue-service-user null */
	}
	m = tlv(b, result ? 0x61 : 0x60, a, n);
	m = tlv(a, 0xA0, b, m);					/* single-ASN1-type [0] */
	memcpy(b, dlg_as_id, sizeof dlg_as_id);
	memcpy(b + sizeof dlg_as_id, a, m);
	m = tlv(a, 0x28, b, sizeof dlg_as_id + m);		/* EXTERNAL */
	m = tlv(d, SF_TCAP_DIALOGUE_PORTION, a, m);
	/* component */
	k = 0;
	x[k++] = 0x02, x[k++] = 0x01, x[k++] = 0x01;		/* invokeID 1 */
	if (result) {
		uint8_t r[700];
		size_t q = 0;

		r[q++] = 0x02, r[q++] = 0x01, r[q++] = (uint8_t)opcode;
		memcpy(r + q, param, plen);
		k += tlv(x + k, SF_BER_SEQUENCE, r, q + plen);
		n = tlv(a, SF_TCAP_RETURN_RESULT_LAST, x, k);
	} else {
		x[k++] = 0x02, x[k++] = 0x01, x[k++] = (uint8_t)opcode;
		memcpy(x + k, param, plen);
		n = tlv(a, SF_TCAP_INVOKE, x, k + plen);
	}
	n = tlv(b, SF_TCAP_COMPONENT_PORTION, a, n);
	/* transaction portion */
	k = tlv(x, result ? SF_TCAP_DTID : SF_TCAP_OTID, (const uint8_t *)"\x01\x02\x03\x04", 4);
	memcpy(x + k, d, m);
	memcpy(x + k + m, b, n);
	return tlv(out, result ? SF_TCAP_END : SF_TCAP_BEGIN, x, k + m + n);
}

enum { MF_DA, MF_OA, MF_DA_OLD, MF_OA_OLD, MF_IMSI, MF_E164, MF_LMSI, MF_LMSI_OLD, MF_PRI,
       MF_OUTCOME, MF_MTI, MF_TP_MTI, MF_TEXT, MF_MALFORMED, MF__N };

static const struct field_want map_fields[MF__N] = {
	{ "gsm_map.sm.sm_RP_DA", 0 }, { "gsm_map.sm.sm_RP_OA", 0 },
	{ "gsm_old.sm_RP_DA", 0 }, { "gsm_old.sm_RP_OA", 0 },
	{ "e212.imsi", 0 }, { "e164.msisdn", 1 },
	{ "gsm_map.sm.lmsi", 0 }, { "gsm_old.lmsi", 0 },
	{ "gsm_map.sm.sm_RP_PRI", 0 }, { "gsm_map.sm.sm_DeliveryOutcome", 0 },
	{ "gsm_map.sm.sm_RP_MTI", 0 }, { "gsm_sms.tp-mti", 0 }, { "gsm_sms.sms_text", 0 },
	{ "_ws.malformed", 0 },
};

/* The SM-RP-DA / SM-RP-OA choice numbers tshark prints */
static unsigned da_choice(uint8_t t)
{
	return t == SF_DA_IMSI ? 0 : t == SF_DA_LMSI ? 1 : t == SF_DA_SCA ? 4 : 5;
}

static unsigned oa_choice(uint8_t t)
{
	return t == SF_OA_MSISDN ? 2 : t == SF_OA_SCA ? 4 : 5;
}

static void map_fsm_expect(struct ocase *c, const uint8_t *p, size_t len, int opcode, int ver)
{
	struct map_forward_sm fs;
	struct tpdu_view v;
	char text[1024];
	enum sf_dir dir;
	int v3 = ver >= 3;

	CHECK_INT(map_forward_sm_decode(p, len, &fs), SF_OK);
	dir = map_forward_sm_direction(opcode, ver, &fs);
	SETF(c, v3 ? MF_DA : MF_DA_OLD, "%u", da_choice(fs.da_type));
	SETF(c, v3 ? MF_OA : MF_OA_OLD, "%u", oa_choice(fs.oa_type));
	if (fs.da_type == SF_DA_IMSI)
		SETF(c, MF_IMSI, "%s", fs.da);
	else if (fs.has_imsi)
		SETF(c, MF_IMSI, "%s", fs.imsi);
	if (fs.da_type == SF_DA_LMSI)
		SETF(c, v3 ? MF_LMSI : MF_LMSI_OLD, "%s", fs.da);
	/* e164.msisdn: the SCA / MSISDN of DA then OA (the TPDU's own
	 * international addresses may follow) */
	if (fs.da_type == SF_DA_SCA && fs.oa_type != SF_OA_NONE)
		SETF(c, MF_E164, "%s;%s", fs.da, fs.oa);
	else if (fs.oa_type != SF_OA_NONE)
		SETF(c, MF_E164, "%s", fs.oa);
	CHECK_INT(tpdu_decode(fs.sm_rp_ui.p, fs.sm_rp_ui.len, dir, &v), SF_OK);
	SETF(c, MF_TP_MTI, "%u", v.mti);
	if (tpdu_text_utf8(&v, text, sizeof text, NULL) >= 0)
		SETF(c, MF_TEXT, "%s", text);
}

static void test_map_vs_tshark(void)
{
	static struct ocase c[16];
	static const struct {
		const char *name; const uint8_t *p; size_t len; int ac, ver, opcode, result;
	} v[] = {
#define V(x, ac, ver, op, res) { #x, x, sizeof x, ac, ver, op, res }
		V(v_map_mo_fsm_v3, SF_MAP_AC_SHORT_MSG_MO_RELAY, 3, SF_MAP_OP_MO_FORWARD_SM, 0),
		V(v_map_mt_fsm_v3, SF_MAP_AC_SHORT_MSG_MT_RELAY, 3, SF_MAP_OP_MT_FORWARD_SM, 0),
		V(v_map_fsm_v2_mo, SF_MAP_AC_SHORT_MSG_MO_RELAY, 2, SF_MAP_OP_MO_FORWARD_SM, 0),
		V(v_map_fsm_v2_mt, SF_MAP_AC_SHORT_MSG_MO_RELAY, 2, SF_MAP_OP_MO_FORWARD_SM, 0),
		V(v_map_sri_sm_arg, SF_MAP_AC_SHORT_MSG_GATEWAY, 3, SF_MAP_OP_SRI_SM, 0),
		V(v_map_sri_sm_res, SF_MAP_AC_SHORT_MSG_GATEWAY, 3, SF_MAP_OP_SRI_SM, 1),
		V(v_map_report_sm_ds, SF_MAP_AC_SHORT_MSG_GATEWAY, 3, SF_MAP_OP_REPORT_SM_DELIVERY, 0),
		V(v_map_alert_sc, SF_MAP_AC_SHORT_MSG_ALERT, 2, SF_MAP_OP_ALERT_SC, 0),
#undef V
	};
	int n = (int)(sizeof v / sizeof v[0]);
	char path[] = "/tmp/sf_sms_map_XXXXXX";
	int fd;

	for (int i = 0; i < n; i++) {
		struct ocase *k = &c[i];

		snprintf(k->name, sizeof k->name, "%s", v[i].name);
		for (int f = 0; f < MF__N; f++)
			k->want[f][0] = '\0';
		k->len = build_tcap(k->pdu, v[i].ac, v[i].ver, v[i].opcode, v[i].p, v[i].len, v[i].result);
		if (v[i].opcode == SF_MAP_OP_MO_FORWARD_SM || v[i].opcode == SF_MAP_OP_MT_FORWARD_SM) {
			map_fsm_expect(k, v[i].p, v[i].len, v[i].opcode, v[i].ver);
		} else if (v[i].opcode == SF_MAP_OP_SRI_SM && !v[i].result) {
			struct map_sri_sm_arg a;

			CHECK_INT(map_sri_sm_arg_decode(v[i].p, v[i].len, &a), SF_OK);
			SETF(k, MF_E164, "%s;%s", a.msisdn.digits, a.sca.digits);
			SETF(k, MF_PRI, "%u", a.sm_rp_pri);
			if (a.has_sm_rp_mti)
				SETF(k, MF_MTI, "%u", a.sm_rp_mti);
		} else if (v[i].opcode == SF_MAP_OP_SRI_SM) {
			struct map_sri_sm_res r;

			CHECK_INT(map_sri_sm_res_decode(v[i].p, v[i].len, &r), SF_OK);
			SETF(k, MF_IMSI, "%s", r.imsi);
			SETF(k, MF_E164, "%s", r.nnn.digits);
			if (r.has_lmsi)
				SETF(k, MF_LMSI, "%02x%02x%02x%02x", r.lmsi[0], r.lmsi[1], r.lmsi[2], r.lmsi[3]);
		} else if (v[i].opcode == SF_MAP_OP_REPORT_SM_DELIVERY) {
			struct map_report_sm_ds_arg a;

			CHECK_INT(map_report_sm_ds_arg_decode(v[i].p, v[i].len, &a), SF_OK);
			SETF(k, MF_E164, "%s;%s", a.msisdn.digits, a.sca.digits);
			if (a.has_outcome)
				SETF(k, MF_OUTCOME, "%u", a.outcome);
		} else {
			struct map_alert_sc_arg a;

			CHECK_INT(map_alert_sc_arg_decode(v[i].p, v[i].len, &a), SF_OK);
			SETF(k, MF_E164, "%s;%s", a.msisdn.digits, a.sca.digits);
		}
	}
	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	CHECK_INT(write_pcap(path, "tcap", NULL, c, n), 0);
	run_and_compare(path, map_fields, MF__N, c, n);
	unlink(path);
}

int main(void)
{
	if (system("command -v tshark >/dev/null 2>&1") != 0) {
		printf("SKIP: tshark not installed\n");
		return 77;
	}
	RUN(test_tpdu_vs_tshark);
	RUN(test_map_vs_tshark);
	return TEST_SUMMARY();
}
