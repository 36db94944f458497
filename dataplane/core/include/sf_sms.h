/* SPDX-License-Identifier: BSD-3-Clause */
/* One decoded SMS part as it leaves the decode pipeline: what the offline
 * tools print, what the policy engine judges and what the generator's
 * ground truth describes. Strings are NUL-terminated copies (small, fixed
 * size); text and user data point into a buffer owned by the pipeline and
 * are valid until its next call. */
#ifndef SF_SMS_H
#define SF_SMS_H

#include <stddef.h>
#include <stdint.h>

#define SF_DIGITS_MAX 40	/* TBCD digits of a MAP AddressString / SCCP GT */
#define SF_TPADDR_MAX 48	/* TP address: 20 digits, or 11 GSM chars as UTF-8 */

enum sf_sms_op {
	SF_OP_NONE = 0,
	SF_OP_MO_FORWARD_SM,	/* MAP v3 mo-forwardSM (46) */
	SF_OP_MT_FORWARD_SM,	/* MAP v3 mt-forwardSM (44) */
	SF_OP_FORWARD_SM,	/* MAP v1/v2 forwardSM (46) */
};

enum sf_dir { SF_DIR_NONE = 0, SF_DIR_MO, SF_DIR_MT };

enum sf_da_type { SF_DA_NONE = 0, SF_DA_IMSI, SF_DA_LMSI, SF_DA_SCA };
enum sf_oa_type { SF_OA_NONE = 0, SF_OA_MSISDN, SF_OA_SCA };

enum sf_charset { SF_CS_GSM7 = 0, SF_CS_8BIT, SF_CS_UCS2, SF_CS_RESERVED };

/* Out-of-spec encodings a receiver still shows: the part was decoded and
 * scanned anyway; the policy's "anomaly" input (POLICY.md). Each bit is
 * also counted under the named error given. */
enum sf_anomaly {
	SF_ANOM_UDL_OVER_MAX = 1u << 0,		/* tpdu.udl_too_long */
	SF_ANOM_UD_SHORT = 1u << 1,		/* tpdu.ud_shorter_than_udl */
	SF_ANOM_UI_OVERSIZE = 1u << 2,		/* map.sm_rp_ui_oversize */
	SF_ANOM_UI_CONSTRUCTED = 1u << 3,	/* map.sm_rp_ui_constructed */
};

struct sf_sms {
	/* where it was seen */
	uint64_t frame;			/* 1-based capture record number */
	uint64_t ts_ns;			/* capture / RX timestamp */
	uint64_t assoc_id;		/* hash of the SCTP association */
	uint32_t tsn;			/* TSN of the (last) DATA chunk */
	uint16_t stream;
	uint16_t chunk_index;		/* that chunk's index among the packet's DATA
					 * chunks (sf_pkt_rec.chunk[] in flow/pipeline.h) */
	uint8_t retransmission;		/* a DATA chunk whose TSN was seen before */
	uint8_t ip_version;
	uint8_t src_ip[16], dst_ip[16];

	/* M3UA / SCCP */
	uint32_t opc, dpc;
	uint8_t sls;
	uint8_t calling_ssn, called_ssn;
	char calling_gt[SF_DIGITS_MAX + 1];	/* "" if none */
	char called_gt[SF_DIGITS_MAX + 1];

	/* TCAP */
	uint8_t tcap_type;		/* SF_TCAP_BEGIN, ... */
	uint32_t otid, dtid;		/* 0 when absent; ids of 1-4 octets */
	uint8_t has_otid, has_dtid;
	int32_t invoke_id;

	/* MAP */
	uint8_t op;			/* enum sf_sms_op */
	uint8_t direction;		/* enum sf_dir */
	uint8_t map_version;		/* 1, 2, 3 */
	uint8_t map_ac;			/* MAP application context of the message or its
					 * dialogue (SF_MAP_AC_*), 0 unknown */
	uint8_t da_type;		/* enum sf_da_type */
	uint8_t oa_type;		/* enum sf_oa_type */
	char sm_rp_da[SF_DIGITS_MAX + 1];	/* IMSI, SCA digits, or LMSI in hex */
	char sm_rp_oa[SF_DIGITS_MAX + 1];	/* MSISDN or SCA digits */
	uint8_t sm_rp_oa_ton;			/* its nature of address (TS 29.002 §17.7.8) */
	char da_imsi[SF_DIGITS_MAX + 1];	/* LMSI sm-RP-DA: the IMSI behind it (MAP-OPEN
						 * destination reference or an SRI-SM result), else "" */

	/* TPDU */
	uint8_t mti;			/* SF_TP_MTI_* */
	uint8_t tp_first_octet;
	uint8_t tp_mr;
	uint8_t tp_pid, tp_dcs;
	uint8_t charset;		/* enum sf_charset */
	uint8_t tp_addr_alnum;		/* TP-OA/TP-DA is an alphanumeric id */
	uint8_t tp_addr_ton, tp_addr_npi;
	char tp_oa[SF_TPADDR_MAX + 1];	/* SMS-DELIVER; "" otherwise */
	char tp_da[SF_TPADDR_MAX + 1];	/* SMS-SUBMIT; "" otherwise */
	uint8_t has_concat, concat_total, concat_seq, concat_ref16;
	uint16_t concat_ref;
	uint8_t has_ports;
	uint16_t dst_port, src_port;
	uint8_t srr;			/* status report requested */

	/* content */
	const char *text;		/* UTF-8, NULL for 8-bit data */
	size_t text_len;
	const uint8_t *data;		/* user data after the UDH (8-bit data) */
	size_t data_len;
	uint32_t text_replaced;		/* characters decoded as U+FFFD */
	const char *data_text;		/* 8-bit data that reads as UTF-8/UTF-16 text, as UTF-8
					 * (scanned like text; NULL otherwise) */
	size_t data_text_len;
	uint32_t anomalies;		/* enum sf_anomaly bits */
};

const char *sf_sms_op_name(enum sf_sms_op op);		/* "mo-forwardSM", ... */
const char *sf_dir_name(enum sf_dir d);			/* "mo" | "mt" */
const char *sf_da_type_name(enum sf_da_type t);	/* "imsi", "lmsi", "serviceCentreAddressDA", "noSM-RP-DA" */

#endif
