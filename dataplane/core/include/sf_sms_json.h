/* SPDX-License-Identifier: BSD-3-Clause */
/* The canonical JSON fields of an SMS part (see sf_sms.c). */
#ifndef SF_SMS_JSON_H
#define SF_SMS_JSON_H

#include "sf_json.h"
#include "sf_sms.h"

const char *sf_charset_name(enum sf_charset c);

/* Appends frame, op, direction, map_version, sm_rp_da_type, sm_rp_da,
 * sm_rp_oa, tp_oa, tp_da, dcs, text (or null + data_hex), concat and
 * sccp_calling_gt to an open JSON object. */
void sf_sms_json_fields(struct sf_json *j, const struct sf_sms *s);

#endif
