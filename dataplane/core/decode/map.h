/* SPDX-License-Identifier: BSD-3-Clause */
/* GSM MAP short message operations (3GPP TS 29.002 §7.6.8, §12, §17.7.6):
 * MO/MT-ForwardSM and v1/v2 ForwardSM arguments, SendRoutingInfoForSM
 * argument and result, ReportSM-DeliveryStatus and AlertServiceCentre
 * arguments, decoded from BER into small fixed records. */
#ifndef SF_DECODE_MAP_H
#define SF_DECODE_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "sf_bytes.h"
#include "sf_err.h"
#include "sf_sms.h"

/* AddressString (§17.7.8): ext/TON/NPI octet + TBCD digits */
struct map_address {
	uint8_t ton_npi;
	uint8_t n_digits;
	char digits[SF_DIGITS_MAX + 1];
};

/* The nature of address of an AddressString's first octet (§17.7.8: ext,
 * nature of address in bits 7-5, numbering plan); 1 is international. */
static inline uint8_t map_nature(uint8_t ton_npi)
{
	return (ton_npi >> 4) & 7;
}

/* TBCD-STRING (§17.7.8) → "4600...": low nibble first; 0..9, '*' (A),
 * '#' (B), 'a'..'c' (C..E); a filler F ends the string. Returns the digit
 * count or SF_E_NO_SPACE (cap must hold the digits and a NUL). */
int map_tbcd_digits(const uint8_t *p, size_t len, char *out, size_t cap);

/* AddressString / ISDN-AddressString contents (1..20 octets) → *out.
 * SF_E_MAP_ADDRESS_INVALID when empty or longer than maxAddressLength. */
enum sf_err map_address_decode(const uint8_t *p, size_t len, struct map_address *out);

/* sm-RP-UI out of spec but decoded, as receivers do */
#define MAP_ANOM_UI_OVERSIZE	0x01	/* above maxSignalInfoLength (200): count SF_E_MAP_SM_RP_UI_OVERSIZE */
#define MAP_ANOM_UI_CONSTRUCTED	0x02	/* constructed OCTET STRING: count SF_E_MAP_SM_RP_UI_CONSTRUCTED */
#define MAP_UI_BUF_MAX		1024	/* a constructed sm-RP-UI is joined here */

struct map_forward_sm {
	uint8_t da_type; char da[SF_DIGITS_MAX + 1]; uint8_t da_ton_npi;	/* enum sf_da_type; IMSI digits, SCA digits, LMSI as 8 hex chars */
	uint8_t oa_type; char oa[SF_DIGITS_MAX + 1]; uint8_t oa_ton_npi;	/* enum sf_oa_type; MSISDN or SCA digits */
	struct sf_bytes sm_rp_ui;						/* the TPDU (into the packet, or ui_buf) */
	uint8_t anomalies;							/* MAP_ANOM_* */
	uint8_t has_more_messages; uint8_t has_imsi; char imsi[SF_DIGITS_MAX + 1];
	uint8_t ui_buf[MAP_UI_BUF_MAX];						/* a constructed sm-RP-UI, joined */
};

/* p/len: the whole Invoke parameter TLV (SEQUENCE 0x30) of mo-forwardSM
 * (46 v3), mt-forwardSM (44 v3) or forwardSM (46 v1/v2). Unknown trailing
 * fields and extension containers are skipped. */
enum sf_err map_forward_sm_decode(const uint8_t *p, size_t len, struct map_forward_sm *out);

/* MO or MT: v3 by opcode (46 MO, 44 MT); v1/v2 forwardSM by the choices:
 * DA=SCA & OA=MSISDN → MO; DA=IMSI/LMSI & OA=SCA → MT; else SF_DIR_NONE. */
enum sf_dir map_forward_sm_direction(int opcode, int map_version, const struct map_forward_sm *fs);

/* The destinationReference of a MAP-OPEN (§17.4 MAP-OpenInfo) in the TCAP
 * dialogue portion's user-information (p/len: its contents, tcap_view
 * user_info). For an LMSI-addressed MT-ForwardSM it carries the IMSI
 * (§12.9, TS 29.120 §23.2.1). SF_E_MAP_MISSING_FIELD when absent. */
enum sf_err map_open_dest_ref(const uint8_t *p, size_t len, struct map_address *out);

/* RoutingInfoForSM-Arg (§12.1) and -Res (networkNode-Number of
 * locationInfoWithLMSI; the v1 msc-Number / roamingNumber choice too). */
struct map_sri_sm_arg {
	struct map_address msisdn; uint8_t sm_rp_pri; struct map_address sca;
	uint8_t has_sm_rp_mti, sm_rp_mti;	/* [8] SM-RP-MTI, Rel-6+ */
};
struct map_sri_sm_res {
	char imsi[SF_DIGITS_MAX + 1]; struct map_address nnn; uint8_t has_lmsi; uint8_t lmsi[4];
};
enum sf_err map_sri_sm_arg_decode(const uint8_t *p, size_t len, struct map_sri_sm_arg *out);
enum sf_err map_sri_sm_res_decode(const uint8_t *p, size_t len, struct map_sri_sm_res *out);

/* ReportSM-DeliveryStatusArg (§12.3); outcome: SM-DeliveryOutcome
 * (0 memoryCapacityExceeded, 1 absentSubscriber, 2 successfulTransfer) */
struct map_report_sm_ds_arg { struct map_address msisdn, sca; uint8_t outcome; uint8_t has_outcome; };
enum sf_err map_report_sm_ds_arg_decode(const uint8_t *p, size_t len, struct map_report_sm_ds_arg *out);

/* AlertServiceCentreArg (§12.4), also the v1 alertServiceCentreWithoutResult */
struct map_alert_sc_arg { struct map_address msisdn, sca; };
enum sf_err map_alert_sc_arg_decode(const uint8_t *p, size_t len, struct map_alert_sc_arg *out);

#endif
