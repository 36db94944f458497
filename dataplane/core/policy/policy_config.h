/* SPDX-License-Identifier: BSD-3-Clause */
/* Policy configuration: every threshold, list and switch of the policy
 * engine with its default, set one INI key at a time (the dataplane's
 * rte_cfgfile reader calls policy_config_set and adds file:line). Keys and
 * defaults are documented in POLICY.md. Immutable once published. */
#ifndef POLICY_CONFIG_H
#define POLICY_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "sf_sms.h"
#include "sf_verdict.h"

#define POLICY_PROTECTED_MAX 64		/* protected senders */
#define POLICY_GT_PREFIXES_MAX 8	/* SMSC GT prefixes per protected sender */
#define POLICY_EXEMPT_MAX 16		/* rate_exempt prefixes */
#define POLICY_COUNTRIES_MAX 64		/* per geo list */
#define POLICY_NUM_MAX 24		/* short numbers / commands, with NUL */
#define POLICY_PATH_MAX 256

struct policy_protected {
	char sender[SF_TPADDR_MAX + 1];		/* number or alnum id (case-insensitive), as written */
	char canon[SF_TPADDR_MAX + 1];		/* the form policy_parties gives a sender: the
						 * canonical number (policy_canon_number) or
						 * the id upper-cased (policy_config_renumber) */
	uint8_t n_gt;
	char gt[POLICY_GT_PREFIXES_MAX][SF_DIGITS_MAX + 1];	/* allowed SMSC GT prefixes */
};

struct policy_config {
	/* [policy] */
	uint32_t n_protected;
	struct policy_protected protected_senders[POLICY_PROTECTED_MAX];
	char report_number[POLICY_NUM_MAX];	/* "10086999" */
	char report_canon[POLICY_NUM_MAX + 4];	/* its canonical form ("" none), made
						 * with it and by policy_config_renumber */
	char shield_command[POLICY_NUM_MAX];	/* "00000" */
	char unshield_command[POLICY_NUM_MAX];	/* "QX00000" (case-insensitive) */
	char industry_prefix[POLICY_NUM_MAX];	/* "106" */
	char care_sender[POLICY_NUM_MAX];	/* "10086" */
	char country_code[8];			/* "86": numbering plan of policy_canon_number */
	char national_prefix[8];		/* "0" */
	uint8_t quiet_enabled;			/* quiet_hours != "off" */
	uint16_t quiet_start_min, quiet_end_min;	/* minutes after local midnight */
	int16_t utc_offset_min;			/* local time = UTC + offset */
	uint8_t fail_closed;			/* fail_mode = closed */
	uint8_t sca_mismatch_action;		/* enum sf_action: NONE (off), TAG, BLOCK */
	uint8_t sca_compare_digits;		/* 0 = whole number */
	uint8_t unsolicited_action;		/* NONE (off) or TAG */
	uint8_t anomaly_action;			/* out-of-spec encoding decoded anyway: NONE (off), TAG, BLOCK */
	uint32_t n_rate_exempt;
	char rate_exempt[POLICY_EXEMPT_MAX][SF_DIGITS_MAX + 1];

	/* [rates] */
	uint32_t sender_per_hour;		/* 200 */
	uint32_t sender_per_day;		/* 1000 */
	uint32_t sender_burst;			/* token bucket depth */
	uint32_t sender_refill_per_min;		/* token bucket refill */
	uint32_t pair_window_s, pair_max;
	uint32_t fanout_window_s, fanout_max;
	uint32_t fanout_suspect_max;	/* distinct recipients of a sender whose text is suspect */
	uint32_t content_window_s, content_senders_max, content_recipients_max;
	uint32_t content_campaign_score;	/* 60: score that makes a same-text campaign block */
	/* SMS bombing: per recipient, from any sender (exempt and allowed included) */
	uint32_t recipient_window_s;		/* 600 */
	uint32_t recipient_max;			/* 40 messages */
	uint32_t recipient_senders_max;		/* 12 distinct senders */
	uint32_t recipient_allowed_max;		/* 6 messages that an allow rule passed (OTPs) */

	/* [tables] */
	uint32_t senders_max, pairs_max, imsi_max, shields_max, recipients_max;
	/* the learned tables sized from the population: senders_max,
	 * pairs_max, recipients_max and imsi_max not set explicitly follow
	 * subscribers (0: the fixed defaults) within memory_mb (0: no cap) */
	uint32_t subscribers, tables_memory_mb;
	uint8_t tables_explicit;	/* POLICY_TBL_* set by their own key */
	uint32_t sketch_width, sketch_bloom_bits;
#define POLICY_TBL_SENDERS	0x01
#define POLICY_TBL_PAIRS	0x02
#define POLICY_TBL_RECIPIENTS	0x04
#define POLICY_TBL_IMSI		0x08
#define POLICY_TBL_SHIELDS	0x10
	uint32_t imsi_ttl_s, sri_window_s, shield_ttl_s;

	/* [geo] */
	char geo_database[POLICY_PATH_MAX];
	uint32_t n_geo_suspicious, n_geo_blocked;
	char geo_suspicious[POLICY_COUNTRIES_MAX][3];
	char geo_blocked[POLICY_COUNTRIES_MAX][3];

	/* [actions]: what a finding of each class does (SF_ACT_NONE = pass) */
	uint8_t class_action[SF_CLASS__COUNT];
};

/* Fill c with the documented defaults. */
void policy_config_defaults(struct policy_config *c);

/* True for the INI sections this module owns: policy, rates, tables, geo,
 * actions. */
int policy_config_owns_section(const char *section);

/* Set one key. 0, or -1 with a message ("unknown key 'x' in [rates]",
 * "rates.pair_max: '0x' is not a number") in err; the caller prefixes
 * file:line. A failed call leaves c unchanged. */
int policy_config_set(struct policy_config *c, const char *section,
		      const char *key, const char *value, char *err, size_t errlen);

/* Cross-key checks after the last key (capacities, windows): 0 or -1. */
int policy_config_check(const struct policy_config *c, char *err, size_t errlen);

/* A sender as written ("+86 138…", "icbc") in the form policy_parties
 * gives it: the canonical number, else the text upper-cased. */
void policy_sender_canon(const char *in, char *out, size_t cap);

/* Derive the protected senders' and the report number's canonical forms
 * again under the current numbering plan (policy_numbering_set): the
 * start-up configuration is parsed before the plan it sets is in force. */
void policy_config_renumber(struct policy_config *c);

/* Parse "HH:MM" → minutes, or -1. */
int policy_parse_hhmm(const char *s);

#endif
