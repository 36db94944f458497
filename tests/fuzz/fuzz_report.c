/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target for the report and shield parsers (DOMAIN.md §3) and the
 * number helpers, then the whole policy evaluation of the input as an MO
 * to 10086999, to an industry port, and as an MT text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "sf_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct policy_config cfg;
static struct policy_state *st;

static int fuzz_delivered(void *arg, const char *reporter, const char *id)
{
	(void)arg;
	(void)reporter;
	return id[0] == 'A';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data;
	struct policy_report r;
	struct policy_shield sh;
	struct policy_env env;
	struct policy_verdict v;
	struct policy_event ev;
	struct sf_sms s;
	char *z, out[64], masked[4096];
	int n;

	if (!st) {
		char err[128];

		policy_config_defaults(&cfg);
		cfg.senders_max = cfg.pairs_max = cfg.imsi_max = cfg.shields_max = 1024;
		cfg.sketch_width = 1024;
		cfg.sketch_bloom_bits = 1u << 14;
		policy_config_set(&cfg, "policy", "protected", "95588:8613800", err, sizeof(err));
		st = policy_state_create(&cfg, err, sizeof(err));
		if (!st)
			abort();
	}

	if (policy_parse_report(t, size, "13912345678", &r) == SF_OK) {
		if (r.text_len > POLICY_REPORT_TEXT_MAX || (r.text_len && (r.text < t || r.text + r.text_len > t + size)))
			abort();
		if (r.fp != policy_fingerprint(r.text, r.text_len))
			abort();
	}
	{
		/* a report assembled without its first part never names anyone;
		 * with a delivered-sender oracle that says yes it may */
		struct policy_report_opts o = { 1, fuzz_delivered, NULL };

		if (policy_parse_report_ex(t, size, "13912345678", &o, &r) == SF_OK &&
		    (r.reported_kind != POLICY_REPORTED_NONE || r.reported[0]))
			abort();
		o.head_missing = 0;
		if (policy_parse_report_ex(t, size, "13912345678", &o, &r) == SF_OK &&
		    r.reported_kind == POLICY_REPORTED_NUMBER && (n = (int)strlen(r.reported)) > 0) {
			for (int i = 0; i < n; i++)
				if (r.reported[i] < '0' || r.reported[i] > '9')
					abort();	/* a named number is canonical digits */
		}
	}
	policy_parse_shield(t, size, "13912345678", "106575", &cfg, &sh);
	n = policy_canon_number(t, size, out, sizeof(out));
	if (n >= 0 && (size_t)n != strlen(out))
		abort();
	if (n >= 0) {
		/* a canonical number leaves in a form that reads back as itself */
		char x[72], back[64];
		int m = policy_canon_export(out, x, sizeof(x));

		if (m < n || m > n + 1 || policy_canon_number(x, (size_t)m, back, sizeof(back)) != n ||
		    strcmp(back, out) != 0)
			abort();
	}
	policy_fingerprint(t, size);

	z = malloc(size + 1);
	if (!z)
		return 0;
	memcpy(z, data, size);
	z[size] = 0;
	n = policy_mask_number(z, masked, sizeof(masked));
	if (n >= 0 && strlen(masked) != strlen(z))
		abort();

	env.cfg = &cfg;
	env.lists = NULL;
	env.geo = NULL;
	memset(&s, 0, sizeof(s));
	s.op = SF_OP_MO_FORWARD_SM;
	s.direction = SF_DIR_MO;
	s.mti = SF_TP_MTI_SUBMIT;
	s.oa_type = SF_OA_MSISDN;
	strcpy(s.sm_rp_oa, "8613912345678");
	strcpy(s.tp_da, "10086999");
	s.text = t;
	s.text_len = size;
	policy_evaluate(&env, st, &s, NULL, 1795305600ULL * 1000000000ULL, &v, &ev);
	strcpy(s.tp_da, "106575");
	policy_evaluate(&env, st, &s, NULL, 1795305601ULL * 1000000000ULL, &v, &ev);
	/* the input as an MT's sender and text */
	memset(&s, 0, sizeof(s));
	s.op = SF_OP_MT_FORWARD_SM;
	s.direction = SF_DIR_MT;
	s.mti = SF_TP_MTI_DELIVER;
	s.da_type = SF_DA_IMSI;
	s.oa_type = SF_OA_SCA;
	strcpy(s.sm_rp_da, "460001234567890");
	strcpy(s.sm_rp_oa, "8613800000001");
	strcpy(s.calling_gt, "8613800000002");
	memcpy(s.tp_oa, z, size < SF_TPADDR_MAX ? size : SF_TPADDR_MAX);
	s.text = t;
	s.text_len = size;
	policy_evaluate(&env, st, &s, NULL, 1795305602ULL * 1000000000ULL, &v, &ev);
	if (strlen(v.reason) >= sizeof(v.reason))
		abort();
	free(z);
	return 0;
}
