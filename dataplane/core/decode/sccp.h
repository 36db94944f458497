/* SPDX-License-Identifier: BSD-3-Clause */
/* SCCP connectionless message decoder (ITU-T Q.713 §4.10-4.11, §4.18-4.21):
 * UDT, UDTS, XUDT, XUDTS, LUDT, LUDTS with ITU party addresses (§3.4). */
#ifndef SF_SCCP_H
#define SF_SCCP_H

#include <stddef.h>
#include <stdint.h>

#include "sf_bytes.h"
#include "sf_err.h"
#include "sf_sms.h"

/* Global title (Q.713 §3.4.2.3). Fields absent for a GTI stay 0. digits is
 * the address information as Wireshark renders it: BCD low nibble first,
 * 0-9 as digits, 0xB "11", 0xC "12", 0xF "ST", 0xA/0xD/0xE "(spare)";
 * n_digits counts the signals in digits. When the rendering would exceed
 * SF_DIGITS_MAX characters, digits keeps the signals that fit and
 * truncated is set (the message still decodes: a long GT must not make a
 * message unfilterable). raw is the whole address information (the digit
 * octets after the GT header). A decode told SCCP_DIGITS_LATER leaves
 * digits "", n_digits and truncated 0 (rendered 0) for sccp_gt_render
 * or sccp_gt_fill to make when they are needed. digits is last: a decode
 * clears the fields before it and the first character (the octets after
 * the terminator are not part of the value). */
struct sccp_gt {
	uint8_t gti;		/* 0 none, 1-4 */
	uint8_t tt, np, es, nai, odd;
	uint8_t n_digits;
	uint8_t truncated;
	uint8_t rendered;	/* digits, n_digits and truncated are filled */
	struct sf_bytes raw;
	char digits[SF_DIGITS_MAX + 1];
};

/* Party address (Q.713 §3.4, ITU format: 14-bit point code, LSB first). */
struct sccp_addr {
	uint8_t ai;		/* address indicator octet as on the wire */
	uint8_t has_pc, has_ssn, route_on_ssn;
	uint16_t pc;
	uint8_t ssn;
	struct sccp_gt gt;
};

/* Segmentation optional parameter (Q.713 §3.17). */
struct sccp_segmentation {
	uint8_t present;
	uint8_t first;		/* F bit: first segment */
	uint8_t seq_class;	/* C bit: class 1 (in-sequence) selected */
	uint8_t remaining;	/* remaining segments, 0..15 */
	uint32_t local_ref;	/* 24 bits, LSB first on the wire */
};

struct sccp_view {
	uint8_t type;		/* SF_SCCP_UDT, ... */
	uint8_t proto_class;	/* UDT/XUDT/LUDT: class 0/1 (low nibble) */
	uint8_t msg_handling;	/* high nibble of the protocol class octet */
	uint8_t hop_counter;	/* XUDT(S), LUDT(S) */
	uint8_t return_cause;	/* UDTS, XUDTS, LUDTS */
	struct sf_bytes data;	/* user data (TCAP), long data for LUDT(S) */
	struct sccp_segmentation seg;
	uint8_t has_importance, importance;
	struct sccp_addr called, calling;	/* last: see sccp_gt */
};

/* Decode one SCCP message. Other message types return
 * SF_E_SCCP_UNSUPPORTED_TYPE ("sccp.unsupported_type"). */
enum sf_err sccp_decode(const uint8_t *p, size_t len, struct sccp_view *out);

/* sccp_decode_ex flags */
#define SCCP_DIGITS_LATER 1u	/* GT signals not rendered (sccp_gt above) */

/* sccp_decode with flags: a caller that needs the global titles' digits
 * of only some messages renders them itself. Errors are the same. */
enum sf_err sccp_decode_ex(const uint8_t *p, size_t len, struct sccp_view *out, unsigned flags);

/* Decode a called/calling party address (the parameter contents, without
 * its length octet). */
enum sf_err sccp_addr_decode(const uint8_t *p, size_t len, struct sccp_addr *out);

/* The signals of gt (its raw octets and odd indicator) as digits holds
 * them, into out (SF_DIGITS_MAX + 1 characters, NUL-terminated); returns
 * the signal count and sets *truncated (may be NULL) as the fields. */
uint8_t sccp_gt_render(const struct sccp_gt *gt, char *out, uint8_t *truncated);

/* Fill digits, n_digits and truncated of a GT decoded SCCP_DIGITS_LATER
 * (nothing when they are filled already). */
void sccp_gt_fill(struct sccp_gt *gt);

#endif
