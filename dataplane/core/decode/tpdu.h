/* SPDX-License-Identifier: BSD-3-Clause */
/* SMS transfer-layer PDU (3GPP TS 23.040 §9.2) into a view: SMS-SUBMIT and
 * SMS-DELIVER in full, STATUS-REPORT and COMMAND fields, the reports
 * recognised; the DCS of TS 23.038 §4 and the user data header. */
#ifndef SF_DECODE_TPDU_H
#define SF_DECODE_TPDU_H

#include <stddef.h>
#include <stdint.h>

#include "sf_bytes.h"
#include "sf_err.h"
#include "sf_sms.h"

/* Which TPDU: MTI read with the direction (TS 23.040 §9.2.3.1) */
enum tpdu_type {
	TPDU_NONE = 0,
	TPDU_DELIVER,		/* SC→MS, MTI 0 */
	TPDU_DELIVER_REPORT,	/* MS→SC, MTI 0 */
	TPDU_SUBMIT,		/* MS→SC, MTI 1 */
	TPDU_SUBMIT_REPORT,	/* SC→MS, MTI 1 */
	TPDU_STATUS_REPORT,	/* SC→MS, MTI 2 */
	TPDU_COMMAND,		/* MS→SC, MTI 2 */
};

/* TP-VPF (§9.2.3.3) */
enum tpdu_vpf { TPDU_VPF_NONE = 0, TPDU_VPF_ENHANCED = 1, TPDU_VPF_RELATIVE = 2, TPDU_VPF_ABSOLUTE = 3 };

/* TP address (§9.1.2.5): digits, or an alphanumeric id (TON 5: GSM 7-bit
 * packed) as UTF-8. len is the address-length octet (useful semi-octets). */
struct tpdu_addr {
	uint8_t len;
	uint8_t ton, npi;
	uint8_t alnum;
	char text[SF_TPADDR_MAX + 1];
};

/* Out-of-spec user data that receivers still show (decoded, flagged) */
#define TPDU_ANOM_UDL_OVER_MAX	0x01	/* UDL > 160 septets / 140 octets: count SF_E_TPDU_UDL_TOO_LONG */
#define TPDU_ANOM_UD_SHORT	0x02	/* fewer bytes than UDL: count SF_E_TPDU_UD_SHORT */

struct tpdu_view {
	uint8_t type;		/* enum tpdu_type */
	uint8_t mti; uint8_t first_octet; uint8_t mr;
	struct tpdu_addr addr;	/* OA for DELIVER, DA for SUBMIT and COMMAND, RA for STATUS-REPORT */
	uint8_t pid, dcs;
	uint8_t has_scts; uint8_t scts[7];
	uint8_t vpf; struct sf_bytes vp;	/* enum tpdu_vpf; vp: 0, 1 or 7 octets */
	uint8_t udhi, srr, rp, mms_or_rd;	/* srr: TP-SRR / TP-SRI / TP-SRQ (bit 5) */
	uint8_t lp;				/* DELIVER / STATUS-REPORT TP-LP (bit 3) */
	uint8_t has_ud;				/* PID, DCS and UDL were present */
	uint8_t udl; struct sf_bytes ud;	/* user data as on the wire, including the UDH */
	struct sf_bytes udh;			/* UDH IEs (after UDHL), empty if none */
	/* DCS (TS 23.038 §4) */
	uint8_t charset;			/* enum sf_charset; RESERVED decodes as GSM 7-bit (§4) */
	uint8_t compressed; uint8_t has_class, msg_class;
	uint8_t auto_delete;			/* coding group 01xx */
	uint8_t has_mwi, mwi_store, mwi_active, mwi_type;	/* groups 1100/1101/1110 */
	/* UDH (§9.2.3.24) */
	uint8_t has_concat, concat_ref16; uint16_t concat_ref; uint8_t concat_total, concat_seq;
	uint8_t has_ports; uint16_t dst_port, src_port;
	uint8_t nl_single, nl_locking;		/* national language ids from the UDH, 0 none */
	uint8_t nl_unknown;			/* a table id TS 23.038 does not define (14..255,
						 * Spanish locking): SF_E_TEXT_NL_UNKNOWN */
	uint8_t anomalies;			/* TPDU_ANOM_*: out of spec, decoded anyway */
	uint8_t udh_ies, udh_ignored;		/* IEs seen; IEs ignored as malformed (§9.2.3.24) */
	/* the text */
	uint8_t fill_bits; uint16_t text_septets;	/* GSM 7-bit: fill bits after the UDH, septets of text */
	struct sf_bytes text_bytes;		/* the bytes holding the text (GSM7 from the first byte after the UDH) */
	/* STATUS-REPORT (§9.2.2.3) */
	uint8_t has_dt; uint8_t dt[7]; uint8_t st;
	/* COMMAND (§9.2.2.4) */
	uint8_t ct, mn;
	/* SUBMIT-REPORT / DELIVER-REPORT: first octet only; the rest is left in raw */
	struct sf_bytes raw;
};

/* dir SF_DIR_MO: the TPDU travels MS→SC (SUBMIT, COMMAND, DELIVER-REPORT);
 * SF_DIR_MT: SC→MS (DELIVER, STATUS-REPORT, SUBMIT-REPORT). Bytes after the
 * user data are ignored. */
enum sf_err tpdu_decode(const uint8_t *p, size_t len, enum sf_dir dir, struct tpdu_view *out);

/* The user text as UTF-8 into out (NUL-terminated); invalid input → U+FFFD
 * counted in *replaced (may be NULL). GSM 7-bit with the UDH's national
 * tables (unknown ones: the default alphabet, as a receiver that does not
 * support them, and v->nl_unknown is set), UCS-2. 8-bit
 * data: SF_E_TPDU_BINARY; compressed (TS 23.042): SF_E_TPDU_COMPRESSED
 * (the caller prints hex). Returns bytes written or < 0. */
int tpdu_text_utf8(const struct tpdu_view *v, char *out, size_t cap, uint32_t *replaced);

/* Validity period in seconds: relative (§9.2.3.12.1) or enhanced
 * (§9.2.3.12.3) relative forms. SF_E_TPDU_VP_UNSUPPORTED for none,
 * absolute, or an enhanced format without a relative time. */
enum sf_err tpdu_vp_seconds(const struct tpdu_view *v, uint32_t *secs);

/* A TP-SCTS / absolute VP / TP-DT (§9.2.3.11) as "YY-MM-DD hh:mm:ss+zz"
 * (zz in quarter hours, sign from bit 3). Returns chars written or
 * SF_E_NO_SPACE. */
int tpdu_ts_format(const uint8_t ts[7], char *out, size_t cap);

#endif
