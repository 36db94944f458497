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
		sf_json_k_bool(&j, "redacted", 1);
	sf_json_k_uint(&j, "ts_ns", s->ts_ns);
	sf_json_k_hex_u64(&j, "assoc", s->assoc_id, 16);
	sf_json_k_uint(&j, "tsn", s->tsn);
	sf_json_k_bool(&j, "retransmission", s->retransmission);
	if (s->data_text)
		sf_json_k_strn(&j, "data_text", s->data_text, s->data_text_len);
	policy_verdict_json(&j, &v->pv, mask);
	sf_json_k_arr_begin(&j, "hits");
	for (unsigned i = 0; i < v->scan.n_hits; i++)
		sf_json_uint(&j, NULL, v->scan.hits[i]);
	sf_json_arr_end(&j);
	if (v->scan.score)
		sf_json_k_int(&j, "score", v->scan.score);
	if (v->scan.model_version) {	/* the trained content model's opinion */
		sf_json_k_hex_u64(&j, "model", v->scan.model_version, 8);
		sf_json_k_name(&j, "model_class", sf_class_name(v->scan.model_class));
		sf_json_k_int(&j, "model_score", v->scan.model_score);
		if (v->scan.flags & SCAN_F_MODEL)
			sf_json_k_bool(&j, "model_decided", 1);
	}
	if (!mask && v->text_fp)
		sf_json_k_hex_u64(&j, "fp", v->text_fp, 16);
	sf_json_end(&j);
	return j.overflow ? -1 : (int)j.len;
}

/* Appends to a bounded comment: 0, or -1 when it did not fit. */
struct comment {
	char *d;
	size_t len, cap;
};

static int comment_put(struct comment *c, const char *s, size_t n)
{
	if (c->cap - c->len <= n)
		return -1;
	memcpy(c->d + c->len, s, n);
	c->len += n;
	return 0;
}

static int comment_str(struct comment *c, const char *s)
{
	return comment_put(c, s, strlen(s));
}

static int comment_u32(struct comment *c, uint32_t v)
{
	char t[SF_DEC_U64], *p = sf_dec_u64(t, v);

	return comment_put(c, p, (size_t)(t + SF_DEC_U64 - p));
}

int sf_engine_verdict_comment(const struct sf_part_verdict *v, char *buf, size_t cap)
{
	const char *cls = sf_class_name(v->pv.class_id);
	struct comment c = { buf, 0, cap };

	/* "<verdict> <class> rule <id> policy <id>: <reason>; " (as
	 * snprintf would write it; nothing if it does not fit whole) */
	if (comment_str(&c, sf_verdict_name(v->pv.verdict)) || comment_put(&c, " ", 1) ||
	    comment_str(&c, cls ? cls : "?") || comment_put(&c, " rule ", 6) ||
	    comment_u32(&c, v->pv.rule_id) || comment_put(&c, " policy ", 8) ||
	    comment_u32(&c, v->pv.policy_id) || comment_put(&c, ": ", 2) || comment_str(&c, v->pv.reason)) {
		if (cap)
			buf[0] = 0;
		return 0;
	}
	if (c.len + 2 < cap) {
		buf[c.len++] = ';';
		buf[c.len++] = ' ';
	}
	buf[c.len] = 0;
	return (int)c.len;
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
