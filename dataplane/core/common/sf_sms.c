/* SPDX-License-Identifier: BSD-3-Clause */
/* Names and the canonical JSON form of a decoded SMS part (struct sf_sms):
 * one definition of the field names that smsfw-decode prints, the
 * generator's ground truth uses and the verdict log extends. */
#include <string.h>

#include "sf_sms.h"
#include "sf_sms_json.h"
#include "sf_wire.h"

const char *sf_sms_op_name(enum sf_sms_op op)
{
	switch (op) {
	case SF_OP_MO_FORWARD_SM:
		return "mo-forwardSM";
	case SF_OP_MT_FORWARD_SM:
		return "mt-forwardSM";
	case SF_OP_FORWARD_SM:
		return "forwardSM";
	default:
		return "none";
	}
}

const char *sf_dir_name(enum sf_dir d)
{
	return d == SF_DIR_MO ? "mo" : d == SF_DIR_MT ? "mt" : "none";
}

const char *sf_da_type_name(enum sf_da_type t)
{
	switch (t) {
	case SF_DA_IMSI:
		return "imsi";
	case SF_DA_LMSI:
		return "lmsi";
	case SF_DA_SCA:
		return "serviceCentreAddressDA";
	default:
		return "noSM-RP-DA";
	}
}

const char *sf_charset_name(enum sf_charset c)
{
	static const char *const n[] = { "gsm7", "8bit", "ucs2", "reserved" };

	return n[c & 3];
}

void sf_sms_json_fields(struct sf_json *j, const struct sf_sms *s)
{
	sf_json_k_uint(j, "frame", s->frame);
	sf_json_k_name(j, "op", sf_sms_op_name((enum sf_sms_op)s->op));
	sf_json_k_name(j, "direction", sf_dir_name((enum sf_dir)s->direction));
	sf_json_k_int(j, "map_version", s->map_version);
	sf_json_k_name(j, "sm_rp_da_type", sf_da_type_name((enum sf_da_type)s->da_type));
	sf_json_k_str(j, "sm_rp_da", s->sm_rp_da);
	sf_json_k_str(j, "sm_rp_oa", s->sm_rp_oa);
	sf_json_k_str(j, "tp_oa", s->mti == SF_TP_MTI_DELIVER && s->direction == SF_DIR_MT ? s->tp_oa : NULL);
	sf_json_k_str(j, "tp_da", s->mti == SF_TP_MTI_SUBMIT && s->direction == SF_DIR_MO ? s->tp_da : NULL);
	sf_json_k_int(j, "dcs", s->tp_dcs);
	if (s->text) {
		sf_json_k_strn(j, "text", s->text, s->text_len);
	} else {
		sf_json_k_null(j, "text");
		sf_json_k_hex(j, "data_hex", s->data, s->data_len);
	}
	if (s->has_concat) {
		sf_json_k_obj_begin(j, "concat");
		sf_json_k_uint(j, "ref", s->concat_ref);
		sf_json_k_uint(j, "total", s->concat_total);
		sf_json_k_uint(j, "seq", s->concat_seq);
		sf_json_obj_end(j);
	} else {
		sf_json_k_null(j, "concat");
	}
	sf_json_k_str(j, "sccp_calling_gt", s->calling_gt);
}
