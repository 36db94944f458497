/* SPDX-License-Identifier: BSD-3-Clause */
/* M3UA message decoder (RFC 4666 §3): common header, parameter walk, and
 * the DATA message's Protocol Data (OPC, DPC, SI, NI, MP, SLS, MTP3 user
 * part). Views into the message; nothing is copied. */
#ifndef SF_M3UA_H
#define SF_M3UA_H

#include <stddef.h>
#include <stdint.h>

#include "sf_bytes.h"
#include "sf_err.h"
#include "sf_wire.h"

struct m3ua_view {
	uint8_t version, msg_class, msg_type;
	uint32_t msg_len;		/* Message Length: header included */
	uint8_t has_rc, has_na, has_pd;
	uint32_t rc, na;		/* rc: the first Routing Context of the list */
	uint32_t opc, dpc;		/* Protocol Data, RFC 4666 §3.3.1 */
	uint8_t si, ni, mp, sls;
	struct sf_bytes user_data;	/* the MTP3 user part (SCCP when si == 3) */
	struct sf_bytes params;		/* all parameters, after the common header */
};

/* Decode one M3UA message p[0..len) (one SCTP user message). Every
 * message gets its common header and parameters checked; the DATA message
 * (class 1, type 1) also its Protocol Data (has_pd = 1), others SF_OK with
 * has_pd = 0. Errors: SF_E_TRUNCATED, SF_E_M3UA_* (see errs/m3ua.def);
 * out is filled as far as decoding got. */
enum sf_err m3ua_decode(const uint8_t *p, size_t len, struct m3ua_view *out);

/* Parameter walk over view->params (RFC 4666 §3.2). */
struct m3ua_param {
	uint16_t tag;
	uint16_t len;			/* Parameter Length: tag + length + value */
	struct sf_bytes value;		/* padding excluded */
};

struct m3ua_param_iter {
	struct sf_bytes buf;
	size_t off;
};

void m3ua_param_iter_init(struct m3ua_param_iter *it, const struct m3ua_view *v);
/* 1 and *out filled; 0 at the end; SF_E_M3UA_PARAM_LEN_INVALID (stop). */
int m3ua_param_next(struct m3ua_param_iter *it, struct m3ua_param *out);

#endif
