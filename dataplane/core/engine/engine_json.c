/* SPDX-License-Identifier: BSD-3-Clause */
/* Verdict and event log lines. */
#include <stdio.h>
#include <string.h>

#include "engine/engine_json.h"
#include "sf_json.h"
#include "sf_sms_json.h"

static void mask_into(char *dst, size_t cap, const char *src)
{
	if (policy_mask_number(src, dst, cap) < 0)
		dst[0] = 0;
}

int sf_engine_verdict_json(const struct sf_part_verdict *v, int mask, char *buf, size_t cap)
{
	const struct sf_sms *s = v->sms;
	struct sf_sms masked;
	struct sf_json j;
	char hex[17];

	if (mask) {
		masked = *s;
		if (s->da_type == SF_DA_IMSI || s->da_type == SF_DA_LMSI)
			mask_into(masked.sm_rp_da, sizeof(masked.sm_rp_da), s->sm_rp_da);
		if (s->oa_type == SF_OA_MSISDN)
			mask_into(masked.sm_rp_oa, sizeof(masked.sm_rp_oa), s->sm_rp_oa);
		mask_into(masked.tp_oa, sizeof(masked.tp_oa), s->tp_oa);
		mask_into(masked.tp_da, sizeof(masked.tp_da), s->tp_da);
		masked.text = NULL;
		masked.data_text = NULL;
		masked.data = NULL;
		masked.data_len = 0;
		s = &masked;
	}
	sf_json_init(&j, buf, cap);
	sf_json_begin(&j);
	sf_sms_json_fields(&j, s);
	if (mask)
		sf_json_bool(&j, "redacted", 1);
	sf_json_uint(&j, "ts_ns", s->ts_ns);
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)s->assoc_id);
	sf_json_str(&j, "assoc", hex);
	sf_json_uint(&j, "tsn", s->tsn);
	sf_json_bool(&j, "retransmission", s->retransmission);
	if (s->data_text)
		sf_json_strn(&j, "data_text", s->data_text, s->data_text_len);
	policy_verdict_json(&j, &v->pv, mask);
	sf_json_arr_begin(&j, "hits");
	for (unsigned i = 0; i < v->scan.n_hits; i++)
		sf_json_uint(&j, NULL, v->scan.hits[i]);
	sf_json_arr_end(&j);
	if (v->scan.score)
		sf_json_int(&j, "score", v->scan.score);
	if (v->scan.model_version) {	/* the trained content model's opinion */
		snprintf(hex, sizeof(hex), "%08x", (unsigned)v->scan.model_version);
		sf_json_str(&j, "model", hex);
		sf_json_str(&j, "model_class", sf_class_name(v->scan.model_class));
		sf_json_int(&j, "model_score", v->scan.model_score);
		if (v->scan.flags & SCAN_F_MODEL)
			sf_json_bool(&j, "model_decided", 1);
	}
	if (!mask && v->text_fp) {
		snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)v->text_fp);
		sf_json_str(&j, "fp", hex);
	}
	sf_json_end(&j);
	return j.overflow ? -1 : (int)j.len;
}

int sf_engine_verdict_comment(const struct sf_part_verdict *v, char *buf, size_t cap)
{
	const char *cls = sf_class_name(v->pv.class_id);
	int n = snprintf(buf, cap, "%s %s rule %u policy %u: %s",
			 sf_verdict_name(v->pv.verdict), cls ? cls : "?",
			 v->pv.rule_id, v->pv.policy_id, v->pv.reason);

	if (n < 0 || (size_t)n >= cap) {
		if (cap)
			buf[0] = 0;
		return 0;
	}
	if ((size_t)n + 2 < cap) {
		buf[n++] = ';';
		buf[n++] = ' ';
		buf[n] = 0;
	}
	return n;
}

int sf_engine_event_json(const struct policy_event *ev, const struct sf_sms *sms,
			 const char *dp_id, char *buf, size_t cap)
{
	struct sf_json j;

	sf_json_init(&j, buf, cap);
	sf_json_begin(&j);
	policy_event_json(&j, ev);
	sf_json_str(&j, "dp", dp_id);
	sf_json_uint(&j, "frame", sms->frame);
	sf_json_uint(&j, "ts_ns", sms->ts_ns);
	sf_json_end(&j);
	return j.overflow ? -1 : (int)j.len;
}
