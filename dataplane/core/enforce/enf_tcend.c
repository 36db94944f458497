/* SPDX-License-Identifier: BSD-3-Clause */
/* Build the TC-END answer for a blocked Invoke with the core's encoders:
 * TCAP End (Q.773 §3.2.2, dtid = the Begin's otid) with a ReturnError (Q.773 §3.2.4) or ReturnResultLast (the bare form TS 29.002
 * §12.2 allows for MO/MT-ForwardSM), in an SCCP UDT class 0 (Q.713 §4.10)
 * in an M3UA DATA (RFC 4666 §3.3.1). */
#include "enf_tcend.h"

#include "encode/enc.h"

size_t enf_tcend_build(uint8_t *out, size_t cap, const struct enf_tcend_in *in)
{
	uint8_t comp[64], tcap[192], sccp[320];
	struct gbuf bc, bt, bs, bm;
	struct tcap_hdr h;
	struct sccp_addr cd, cg;
	struct m3ua_pd pd;

	gb_init(&bc, comp, sizeof(comp));
	if (in->is_error)
		tcap_return_error(&bc, in->invoke_id, (int)in->error, NULL, 0);
	else
		tcap_result_last(&bc, in->invoke_id, in->opcode, NULL, 0);
	memset(&h, 0, sizeof(h));
	h.type = SF_TCAP_END;
	h.has_dtid = 1;		/* Q.773 §3.2.2: End carries only the dtid */
	h.dtid = in->dtid;
	if (in->dialogue) {
		h.dlg = TCAP_DLG_AARE;
		h.ac = in->ac;
		h.ac_version = in->ac_version;
	}
	gb_init(&bt, tcap, sizeof(tcap));
	tcap_encode(&bt, &h, comp, bc.len);

	cd.ssn = in->called.ssn;
	cd.np = in->called.np;
	cd.gt = in->called.gt;
	cg.ssn = in->calling.ssn;
	cg.np = in->calling.np;
	cg.gt = in->calling.gt;
	gb_init(&bs, sccp, sizeof(sccp));
	if (bc.overflow || bt.overflow ||
	    sccp_enc_udt(&bs, 0, &cd, &cg, tcap, bt.len) != 0)
		return 0;

	pd.opc = in->opc;
	pd.dpc = in->dpc;
	pd.si = in->si;
	pd.ni = in->ni;
	pd.mp = in->mp;
	pd.sls = in->sls;
	gb_init(&bm, out, cap);
	m3ua_enc_data(&bm, in->has_rc ? &in->rc : NULL, &pd, sccp, bs.len);
	return bm.overflow ? 0 : bm.len;
}
