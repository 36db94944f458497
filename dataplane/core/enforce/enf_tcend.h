/* SPDX-License-Identifier: BSD-3-Clause */
/* The answer smsfw injects for a blocked MAP Invoke: an M3UA DATA carrying
 * an SCCP UDT (addresses swapped) with a TCAP End (Q.773 §3.2.2) holding a
 * ReturnError or a ReturnResultLast (TS 29.002 §7.6, §12.2). Kept apart
 * from the decoders because it uses the core's encoders (encode/enc.h),
 * whose struct sccp_addr clashes with decode/sccp.h. */
#ifndef SF_ENF_TCEND_H
#define SF_ENF_TCEND_H

#include <stddef.h>
#include <stdint.h>

#include "sf_sms.h"

/* One SCCP party address as the answer must carry it. */
struct enf_party {
	uint8_t ssn;
	uint8_t np;			/* numbering plan, SF_SCCP_NP_* */
	char gt[SF_DIGITS_MAX + 1];	/* BCD digits; "" → route on SSN */
};

struct enf_tcend_in {
	/* M3UA Protocol Data of the answer (OPC/DPC already swapped) */
	uint8_t has_rc;
	uint32_t rc;
	uint32_t opc, dpc;
	uint8_t si, ni, mp, sls;
	/* SCCP (called = the blocked message's calling party) */
	struct enf_party called, calling;
	/* TCAP */
	uint32_t dtid;			/* the blocked dialogue's otid */
	uint8_t dialogue;		/* answer with an AARE (the Invoke came in a Begin) */
	uint8_t ac, ac_version;		/* SF_MAP_AC_*, 2 or 3 */
	int32_t invoke_id;
	uint8_t opcode;			/* MAP operation of the Invoke */
	uint8_t is_error;		/* 1: ReturnError(error); 0: ReturnResultLast */
	uint32_t error;
};

/* Write the M3UA message into out[0..cap). Returns its length, or 0 when
 * it does not fit. */
size_t enf_tcend_build(uint8_t *out, size_t cap, const struct enf_tcend_in *in);

#endif
