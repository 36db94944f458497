/* SPDX-License-Identifier: BSD-3-Clause */
/* The policy engine (issue 5 "Policy engine"): turns one decoded SMS part
 * (struct sf_sms) plus the content scan's outcome into a verdict — pass,
 * tag or block — with class, rule or policy id and the reasons, checking
 * in order: service messages (reports, shields), allow lists, block
 * lists, shields, spoofing, content, behaviour (SMS bombing per recipient
 * first), the content's allow rule, quiet hours, geo. The first decisive
 * (allow or block) result wins; tags accumulate. An allow rule exempts the
 * content only, never the sender checks or the volume. Pure C over
 * explicit state: the immutable inputs (config, lists, geo) are published
 * by the dataplane with RCU; the behaviour counts are shared by every
 * lcore (policy_shared), the IMSI map and shield overlay are per lcore. */
#ifndef POLICY_H
#define POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "sf_err.h"
#include "sf_json.h"
#include "sf_sms.h"
#include "sf_verdict.h"
#include "policy_config.h"
#include "policy_geo.h"
#include "policy_ids.h"
#include "policy_lists.h"
#include "policy_report.h"
#include "policy_state.h"

/* The immutable generation an lcore evaluates against. cfg is required;
 * lists and geo may be NULL (that check is skipped). */
struct policy_env {
	const struct policy_config *cfg;
	const struct policy_lists *lists;
	const struct policy_geo *geo;
};

/* 1 when an evaluation reads the normalised text itself (policy_scan.text:
 * the URL hosts of the geo step), not only its scan result and
 * fingerprint: a caller that has both from a cache normalises anyway. */
int policy_reads_text(const struct policy_env *env);

/* The content scan's outcome, filled by the caller from the rule engine's
 * decision for the normalised text (so that policy does not depend on the
 * scan library). */
struct policy_scan {
	uint8_t action;		/* enum sf_action: NONE, TAG, BLOCK, ALLOW (SCORE counts as NONE) */
	uint8_t class_id;	/* enum sf_class of the deciding rule */
	uint8_t failed;		/* the scan could not run: policy.fail_mode applies */
	uint32_t rule_id;	/* deciding rule, 0 if none */
	uint32_t score;		/* summed score of the deciding class */
	uint32_t n_hits;	/* rules hit */
	uint64_t fp;		/* policy_fingerprint() of the normalised text; 0 = no text */
	const char *text;	/* normalised text for URL hosts; NULL → sms->text */
	size_t text_len;
};

enum policy_step {
	POLICY_STEP_SERVICE = 0,
	POLICY_STEP_ALLOW,
	POLICY_STEP_BLOCK,
	POLICY_STEP_SHIELD,
	POLICY_STEP_SPOOF,
	POLICY_STEP_CONTENT,
	POLICY_STEP_BEHAVIOUR,
	POLICY_STEP_QUIET,
	POLICY_STEP_GEO,
	POLICY_STEP_NONE = 15,	/* nothing decided: plain pass */
};

#define POLICY_REASON_MAX 96

struct policy_verdict {
	uint8_t verdict;	/* enum sf_verdict_kind */
	uint8_t class_id;	/* enum sf_class; SF_CLASS_ALLOW for allow-list/rule passes */
	uint8_t step;		/* enum policy_step that decided (first tag if only tags) */
	uint8_t n_reasons;	/* contributing reasons in reason[] */
	uint8_t sender_alnum;	/* sender is an alphanumeric id, not a number */
	uint32_t rule_id;	/* content rule id when a rule decided, else 0 */
	uint32_t policy_id;	/* enum policy_id of the deciding check */
	uint32_t steps;		/* bitmask (1 << step) of every contributing step */
	char reason[POLICY_REASON_MAX];	/* "; "-joined reasons, cut to fit */
	char sender[SF_TPADDR_MAX + 1];		/* canonical sender (MO: sm-RP-OA, MT: TP-OA) */
	char recipient[SF_TPADDR_MAX + 1];	/* canonical recipient (MT: resolved MSISDN or "") */
};

enum policy_event_type {
	POLICY_EVENT_NONE = 0,
	POLICY_EVENT_REPORT,
	POLICY_EVENT_SHIELD,
	POLICY_EVENT_UNSHIELD,
};

/* An event for the control plane (LISTS_SPEC.md "Events"); the dataplane
 * adds id, ts and dp and serialises it (policy_event_json). After an
 * evaluation only type is set when it is POLICY_EVENT_NONE. */
struct policy_event {
	uint8_t type;			/* enum policy_event_type */
	uint8_t class_id;		/* report: the scan's class of the reported text, or 0 */
	struct policy_report report;	/* type REPORT (text points into the SMS) */
	struct policy_shield shield;	/* type SHIELD / UNSHIELD */
	uint8_t parts;			/* report: parts assembled (0: not counted) */
	uint8_t parts_total;		/* report: parts the message announced */
	uint8_t incomplete;		/* report: the wait ended before every part came */
};

/* "report", "shield", "unshield", or NULL */
const char *policy_event_type_name(unsigned type);

/* Judge one SMS part at now_ns (capture or RX time: rates, windows and
 * quiet hours use it, so a replay gives the same verdicts). scan may be
 * NULL (no content verdict); ev may be NULL. Always fills v. Updates st
 * (behaviour counters, local shields). Returns SF_OK or a named error the
 * caller counts (report/shield parse errors, scan failure, geo lookup
 * failure); the verdict is valid either way. */
enum sf_err policy_evaluate(const struct policy_env *env, struct policy_state *st,
			    const struct sf_sms *sms, const struct policy_scan *scan,
			    uint64_t now_ns, struct policy_verdict *v, struct policy_event *ev);

/* Who sends and who receives one SMS part, decided once per part (the
 * only place that does): the scan reads the wire sender, the
 * concatenation key both wire identities, policy and the logs the
 * canonical ones, the behaviour tables their hashed keys. */
struct policy_parties {
	uint8_t mo, mt;		/* the MAP direction; forwardSM without one: by TPDU type */
	uint8_t alnum;		/* MT from an alphanumeric TP-OA */
	const char *wire_sender;	/* MO: sm-RP-OA, else TP-OA (points into the SMS) */
	const char *wire_recipient;	/* MO: TP-DA, else the IMSI (LMSI resolved) or sm-RP-DA */
	char sender[SF_TPADDR_MAX + 1];		/* canonical (MO: sm-RP-OA when an MSISDN;
						 * MT: TP-OA, ids upper-cased), "" unknown */
	char recipient[SF_TPADDR_MAX + 1];	/* canonical (MO: TP-DA; MT: the MSISDN of
						 * the IMSI learned or listed), "" unknown */
	char imsi[SF_DIGITS_MAX + 1];		/* MT addressed by IMSI (or LMSI resolved) */
	uint8_t imsi_learned;			/* imsi is in the learned map (an SRI-SM
						 * answer within the TTL), */
	uint64_t imsi_age_ns;			/* learned that long ago */
	const struct policy_protected *protected;	/* the sender's entry in the
							 * config's protected senders */
	struct policy_keys keys;		/* sender/recipient table keys */
	uint64_t kr_bomb;			/* recipient key for SMS bombing: the
						 * recipient, else "imsi:<IMSI>"; 0 none */
	unsigned bomb_channel;			/* the sender's SMS-bombing channel: 0
						 * services, 1 people, 2 + i protected
						 * sender i (policy_state_recipient_keys) */
};

/* Decide the parties of sms (reads the IMSI → MSISDN map of st and the
 * lists' IMSI entries). */
void policy_parties(const struct policy_env *env, struct policy_state *st, const struct sf_sms *sms,
		    uint64_t now_ns, struct policy_parties *pp);

/* policy_evaluate with the parties already decided (the engine's path). */
enum sf_err policy_evaluate_parties(const struct policy_env *env, struct policy_state *st,
				    const struct sf_sms *sms, const struct policy_parties *pp,
				    const struct policy_scan *scan, uint64_t now_ns,
				    struct policy_verdict *v, struct policy_event *ev);

/* An SRI-SM exchange seen on the wire resolved imsi ↔ msisdn: remember it
 * for IMSI-addressed MT (shields) and for the "unsolicited" check. */
static inline void policy_learn_sri(struct policy_state *st, const char *imsi,
				    const char *msisdn, unsigned ton, uint64_t now_ns)
{
	policy_state_learn_imsi(st, imsi, msisdn, ton, now_ns);
}

/* 1 if sender is one of cfg's protected senders (same canonical number or
 * the same id in any letter case). */
int policy_is_protected(const struct policy_config *c, const char *sender);

/* True if the local time (UTC + cfg->utc_offset_min) of now_ns is inside
 * the quiet hours [start, end) (wrapping midnight when start > end). */
int policy_in_quiet_hours(const struct policy_config *cfg, uint64_t now_ns);

/* Add the verdict's fields to an open JSON object: verdict, class,
 * rule, policy, policy_name, reason, sender, recipient. With mask, numbers
 * are masked (policy_mask_number) — for messages that pass. */
void policy_verdict_json(struct sf_json *j, const struct policy_verdict *v, int mask);

/* Add the event's LISTS_SPEC fields to an open JSON object: type, then
 * reporter, reported, fp (16 hex digits), text, class — or subscriber,
 * port. */
void policy_event_json(struct sf_json *j, const struct policy_event *ev);

#endif
