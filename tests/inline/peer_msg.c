/* SPDX-License-Identifier: BSD-3-Clause */
/* The harness's M3UA messages (RFC 4666 §3.3.1 DATA, Q.713 UDT, Q.773
 * Begin/End, TS 29.002 §12.2 MO-ForwardSM, TS 23.040 SMS-SUBMIT), built
 * with the traffic generator's encoders (pcap/gen/gen.h). */
#include "peer_msg.h"

#include <stdio.h>

#include "gen.h"

#define MSC_GT "8613800100"
#define SMSC_GT "8613800200"
#define MSC_PC 100
#define SMSC_PC 200

size_t peer_msg_mo(uint8_t *out, size_t cap, uint32_t seq, const char *text)
{
	uint8_t tpdu[200], arg[300], comp[320], tcap[400], sccp[500];
	struct gbuf ab, cb, tb, sb, mb;
	struct tpdu_in t;
	struct map_sm_arg a;
	struct tcap_hdr h;
	struct sccp_addr cd = { 8, SF_SCCP_NP_E164, SMSC_GT }, cg = { 8, SF_SCCP_NP_E164, MSC_GT };
	struct m3ua_pd pd = { MSC_PC, SMSC_PC, 3, 2, 0, (uint8_t)(seq & 15) };
	int tl;

	memset(&t, 0, sizeof(t));
	t.mti = SF_TP_MTI_SUBMIT;
	t.mr = (uint8_t)seq;
	char da[24], oa[24];

	/* many subscribers, as on a real MSC link: no rate rule fires */
	snprintf(da, sizeof(da), "86139%08u", (seq * 7919u) % 100000000u);
	snprintf(oa, sizeof(oa), "86137%08u", seq % 100000000u);
	t.addr = da;
	t.addr_toa = MAP_TOA_INTL_E164;
	t.ud = (const uint8_t *)text;	/* GSM 7-bit = ASCII for letters, digits, blank */
	t.ud_len = strlen(text);
	t.ud_septets = 1;
	tl = tpdu_encode(tpdu, sizeof(tpdu), &t);
	if (tl < 0)
		return 0;
	memset(&a, 0, sizeof(a));
	a.da_tag = SF_MAP_SM_RP_DA_SCA;
	a.da = "8613800200";
	a.oa_tag = SF_MAP_SM_RP_OA_MSISDN;
	a.oa = oa;
	a.ui = tpdu;
	a.ui_len = (size_t)tl;
	gb_init(&ab, arg, sizeof(arg));
	map_enc_forward_sm(&ab, &a);
	gb_init(&cb, comp, sizeof(comp));
	tcap_invoke(&cb, 1, SF_MAP_OP_MO_FORWARD_SM, arg, ab.len);
	memset(&h, 0, sizeof(h));
	h.type = SF_TCAP_BEGIN;
	h.has_otid = 1;
	h.otid = seq + 1;
	h.dlg = TCAP_DLG_AARQ;
	h.ac = SF_MAP_AC_SHORT_MSG_MO_RELAY;
	h.ac_version = 3;
	gb_init(&tb, tcap, sizeof(tcap));
	tcap_encode(&tb, &h, comp, cb.len);
	gb_init(&sb, sccp, sizeof(sccp));
	if (ab.overflow || cb.overflow || tb.overflow || sccp_enc_udt(&sb, 0, &cd, &cg, tcap, tb.len))
		return 0;
	gb_init(&mb, out, cap);
	m3ua_enc_data(&mb, NULL, &pd, sccp, sb.len);
	return mb.overflow ? 0 : mb.len;
}

size_t peer_msg_end(uint8_t *out, size_t cap, uint32_t otid, int32_t invoke_id, uint8_t sls)
{
	uint8_t comp[32], tcap[128], sccp[256];
	struct gbuf cb, tb, sb, mb;
	struct tcap_hdr h;
	struct sccp_addr cd = { 8, SF_SCCP_NP_E164, MSC_GT }, cg = { 8, SF_SCCP_NP_E164, SMSC_GT };
	struct m3ua_pd pd = { SMSC_PC, MSC_PC, 3, 2, 0, sls };

	gb_init(&cb, comp, sizeof(comp));
	tcap_result_last(&cb, invoke_id, SF_MAP_OP_MO_FORWARD_SM, NULL, 0);
	memset(&h, 0, sizeof(h));
	h.type = SF_TCAP_END;
	h.has_dtid = 1;
	h.dtid = otid;
	h.dlg = TCAP_DLG_AARE;
	h.ac = SF_MAP_AC_SHORT_MSG_MO_RELAY;
	h.ac_version = 3;
	gb_init(&tb, tcap, sizeof(tcap));
	tcap_encode(&tb, &h, comp, cb.len);
	gb_init(&sb, sccp, sizeof(sccp));
	if (cb.overflow || tb.overflow || sccp_enc_udt(&sb, 0, &cd, &cg, tcap, tb.len))
		return 0;
	gb_init(&mb, out, cap);
	m3ua_enc_data(&mb, NULL, &pd, sccp, sb.len);
	return mb.overflow ? 0 : mb.len;
}
