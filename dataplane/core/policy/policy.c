/* SPDX-License-Identifier: BSD-3-Clause */
/* Policy evaluation in the order of issue 5 "Policy engine" (service
 * messages of DOMAIN.md §3 first): each step may add a reason and tag, and
 * the first allow or block decides. Policy ids in policy_ids.h, config in
 * POLICY.md. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "policy_util.h"
#include "sf_wire.h"

#define NS 1000000000ULL

const char *policy_event_type_name(unsigned type)
{
	switch (type) {
	case POLICY_EVENT_REPORT: return "report";
	case POLICY_EVENT_SHIELD: return "shield";
	case POLICY_EVENT_UNSHIELD: return "unshield";
	}
	return NULL;
}

int policy_in_quiet_hours(const struct policy_config *cfg, uint64_t now_ns)
{
	int64_t local = (int64_t)(now_ns / NS) + (int64_t)cfg->utc_offset_min * 60;
	int64_t day = 86400;
	unsigned m = (unsigned)(((local % day) + day) % day / 60);

	if (!cfg->quiet_enabled)
		return 0;
	if (cfg->quiet_start_min < cfg->quiet_end_min)
		return m >= cfg->quiet_start_min && m < cfg->quiet_end_min;
	return m >= cfg->quiet_start_min || m < cfg->quiet_end_min;
}

/* ---- verdict building ---- */

struct eval {
	const struct policy_env *env;
	const struct policy_config *cfg;
	struct policy_state *st;
	const struct sf_sms *sms;
	const struct policy_scan *scan;
	uint64_t now_ns;
	struct policy_verdict *v;
	const struct policy_parties *pp;
	enum sf_err err;
	int mt, mo, alnum;
	int tagged;
	int is_ad;
	int care;
	int allowed;		/* the scan's allow rule passed the content */
	const char *imsi;	/* pp->imsi */
	size_t reason_len;	/* strlen(v->reason) */
};

/* The reason text, appended as the steps find things: most parts' verdicts
 * carry one, so the formatting is on the hot path, and vsnprintf's
 * general machinery cost more than all the policy's own bookkeeping of a
 * part (issue 11: no snprintf per message). rsn_fmt knows what the
 * reasons use (%s, %u, %02u); the format attribute keeps the compiler
 * checking the arguments. The format's own characters are stored as it
 * is walked, the arguments copied whole, and where the text ends is kept
 * in the evaluation rather than found again. The text is cut to fit
 * exactly as snprintf cuts it, and NUL-terminated. */
struct rsn {
	char *d;		/* the next character's place */
	char *end;		/* the terminator's place when the text is full */
};

static inline void rsn_str(struct rsn *r, const char *s)
{
	size_t n = strnlen(s, (size_t)(r->end - r->d));

	memcpy(r->d, s, n);
	r->d += n;
}

static void rsn_uint(struct rsn *r, unsigned u, unsigned width)
{
	char b[24];
	size_t i = sizeof(b) - 1;

	b[i] = '\0';
	do {
		b[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (sizeof(b) - 1 - i < width)
		b[--i] = '0';
	rsn_str(r, b + i);
}

static void rsn_fmt(struct rsn *r, const char *f, va_list ap)
{
	for (; *f && r->d < r->end; f++) {
		unsigned width = 0;

		if (*f != '%') {
			*r->d++ = *f;
			continue;
		}
		f++;
		if (f[0] == '0' && f[1] >= '1' && f[1] <= '9') {
			width = (unsigned)(f[1] - '0');
			f += 2;
		}
		switch (*f) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			rsn_str(r, s ? s : "(null)");
			break;
		}
		case 'u':
			rsn_uint(r, va_arg(ap, unsigned), width);
			break;
		default:
			/* not a conversion the reasons use: stop rather than
			 * read an argument of a type we do not know */
			return;
		}
	}
}

static void add_reason(struct eval *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_reason(struct eval *e, const char *fmt, ...)
{
	struct policy_verdict *v = e->v;
	struct rsn r = { v->reason + e->reason_len, v->reason + sizeof(v->reason) - 1 };
	va_list ap;

	v->n_reasons++;		/* counted even when the text no longer fits */
	if (r.d >= r.end)
		return;
	if (v->n_reasons > 1)
		rsn_str(&r, "; ");
	va_start(ap, fmt);
	rsn_fmt(&r, fmt, ap);
	va_end(ap);
	*r.d = '\0';
	e->reason_len = (size_t)(r.d - v->reason);
}

static void note_err(struct eval *e, enum sf_err err)
{
	if (err != SF_OK && e->err == SF_OK)
		e->err = err;
}

/* A decisive result: returns 1 (stop). */
static int decide(struct eval *e, enum sf_verdict_kind kind, unsigned cls, uint32_t pid,
		  uint32_t rule, enum policy_step step)
{
	struct policy_verdict *v = e->v;

	v->verdict = (uint8_t)kind;
	v->class_id = (uint8_t)cls;
	v->policy_id = pid;
	v->rule_id = rule;
	v->step = (uint8_t)step;
	v->steps |= 1u << step;
	return 1;
}

static void tag(struct eval *e, unsigned cls, uint32_t pid, uint32_t rule, enum policy_step step)
{
	struct policy_verdict *v = e->v;

	v->steps |= 1u << step;
	if (e->tagged)
		return;
	e->tagged = 1;
	v->verdict = SF_VERDICT_TAG;
	v->class_id = (uint8_t)cls;
	v->policy_id = pid;
	v->rule_id = rule;
	v->step = (uint8_t)step;
}

/* A check that saw something but decides nothing: a part that still
 * passes names it (policy_id, the summary's count per check) unless a tag
 * or a block comes later. */
static void note(struct eval *e, uint32_t pid, enum policy_step step)
{
	struct policy_verdict *v = e->v;

	v->steps |= 1u << step;
	if (e->tagged || v->policy_id)
		return;
	v->policy_id = pid;
}

/* Apply a classed finding with the requested action, capped by the
 * operator's action for the class ([actions]). 1 if decisive. */
static int finding(struct eval *e, unsigned cls, unsigned want, uint32_t pid, uint32_t rule,
		   enum policy_step step)
{
	unsigned act = want;

	if (cls < SF_CLASS__COUNT && e->cfg->class_action[cls] < act)
		act = e->cfg->class_action[cls];
	if (act == SF_ACT_BLOCK)
		return decide(e, SF_VERDICT_BLOCK, cls, pid, rule, step);
	if (act == SF_ACT_TAG)
		tag(e, cls, pid, rule, step);
	return 0;
}

/* ---- helpers ---- */

/* The prefixes are a few digits: compared where they are, without a
 * strlen and a strncmp call each (191,000 calls in 150,000 parts). */
static int starts_with(const char *s, const char *prefix)
{
	while (*prefix && *s == *prefix) {
		s++;
		prefix++;
	}
	return *prefix == '\0';
}

/* Same sender: ASCII case-insensitive, or equal canonical numbers. */
/* sender: canonical, as policy_parties makes it (a number in the
 * numbering plan's form, an alphanumeric id upper-cased) */
static const struct policy_protected *protected_entry(const struct policy_config *c,
						      const char *sender)
{
	for (uint32_t i = 0; i < c->n_protected; i++)
		if (sender[0] == c->protected_senders[i].canon[0] &&
		    !strcmp(sender, c->protected_senders[i].canon))
			return &c->protected_senders[i];
	return NULL;
}

int policy_is_protected(const struct policy_config *c, const char *sender)
{
	char canon[SF_TPADDR_MAX + 1];

	policy_sender_canon(sender, canon, sizeof(canon));
	return protected_entry(c, canon) != NULL;
}

static int gt_allowed(const struct policy_protected *p, const char *gt)
{
	for (unsigned i = 0; i < p->n_gt; i++)
		if (starts_with(gt, p->gt[i]))
			return 1;
	return 0;
}

static int rate_exempt(const struct eval *e, const char *sender)
{
	const struct policy_config *c = e->cfg;

	if (e->alnum || e->care || e->pp->protected)
		return 1;
	for (uint32_t i = 0; i < c->n_rate_exempt; i++)
		if (starts_with(sender, c->rate_exempt[i]))
			return 1;
	return 0;
}

static const char *list_type_name(unsigned t)
{
	static const char *const n[] = { "number", "prefix", "sender", "gt", "shield" };

	return t < 5 ? n[t] : "?";
}

/* ---- steps ---- */

static int step_service(struct eval *e, struct policy_event *ev)
{
	const struct sf_sms *sms = e->sms;
	const struct policy_config *c = e->cfg;
	const char *da = e->pp->recipient;	/* MO: the canonical TP-DA */
	struct policy_event tmp, *out = ev ? ev : &tmp;
	enum sf_err err;

	if (!e->mo || !da[0] || sms->tp_addr_alnum)
		return 0;

	/* DOMAIN.md §3: MO to 10086999 is a spam report; it always goes through */
	if (c->report_canon[0] && strcmp(da, c->report_canon) == 0) {
		char reporter[SF_TPADDR_MAX + 2], reported[SF_TPADDR_MAX + 2];

		if (sms->has_concat && sms->concat_total > 1) {
			/* one part of a longer report: the engine assembles the
			 * parts and parses the whole message once (a part alone
			 * names nothing, whatever it starts with) */
			add_reason(e, "report part %u/%u", sms->concat_seq, sms->concat_total);
			return decide(e, SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_SERVICE_REPORT, 0,
				      POLICY_STEP_SERVICE);
		}
		memset(out, 0, sizeof(*out));
		/* the parser reads numbers as written: give it the sender in the
		 * form that reads back as its canonical one */
		if (policy_canon_export(e->v->sender, reporter, sizeof(reporter)) < 0)
			reporter[0] = 0;
		err = policy_parse_report(sms->text, sms->text ? sms->text_len : 0, reporter,
					  &out->report);
		note_err(e, err);
		if (err == SF_OK) {
			out->type = POLICY_EVENT_REPORT;
			if (e->scan && (e->scan->action == SF_ACT_BLOCK || e->scan->action == SF_ACT_TAG))
				out->class_id = e->scan->class_id;
			/* as it is written back ("+18765550123") */
			policy_reported_export(&out->report, reported);
			add_reason(e, "report of %s", reported[0] ? reported : "text");
		} else {
			add_reason(e, "report: %s", sf_err_name(err));
		}
		return decide(e, SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_SERVICE_REPORT, 0,
			      POLICY_STEP_SERVICE);
	}

	/* DOMAIN.md §3: "00000" to an industry port (106…) shields it */
	if (starts_with(da, c->industry_prefix) && sms->text && sms->text_len <= 64) {
		char subscriber[SF_TPADDR_MAX + 2], port[SF_TPADDR_MAX + 2];

		memset(out, 0, sizeof(*out));
		if (policy_canon_export(e->v->sender, subscriber, sizeof(subscriber)) < 0)
			subscriber[0] = 0;
		if (policy_canon_export(da, port, sizeof(port)) < 0)
			port[0] = 0;
		err = policy_parse_shield(sms->text, sms->text_len, subscriber, port, c, &out->shield);
		note_err(e, err);
		if (err != SF_OK || out->shield.type == POLICY_SHIELD_NONE)
			return 0;
		policy_state_shield(e->st, out->shield.type == POLICY_SHIELD_ADD,
				    out->shield.subscriber, out->shield.port, e->now_ns);
		if (out->shield.type == POLICY_SHIELD_ADD) {
			out->type = POLICY_EVENT_SHIELD;
			add_reason(e, "shield %s", out->shield.port);
			return decide(e, SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_SERVICE_SHIELD, 0,
				      POLICY_STEP_SERVICE);
		}
		out->type = POLICY_EVENT_UNSHIELD;
		add_reason(e, "unshield %s", out->shield.port);
		return decide(e, SF_VERDICT_PASS, SF_CLASS_NONE, POLICY_ID_SERVICE_UNSHIELD, 0,
			      POLICY_STEP_SERVICE);
	}
	return 0;
}

/* Steps 1 and 2: sender and calling GT against the allow or block list. */
static int step_lists(struct eval *e, enum policy_list which)
{
	const struct policy_lists *l = e->env->lists;
	struct policy_list_match m;
	const char *sender = e->v->sender;
	char key[sizeof(m.keybuf) + 1];
	int allow = which == POLICY_LIST_ALLOW;
	enum policy_step step = allow ? POLICY_STEP_ALLOW : POLICY_STEP_BLOCK;
	uint32_t base = allow ? POLICY_ID_ALLOW_NUMBER : POLICY_ID_BLOCK_NUMBER;
	int hit = 0;

	if (!l)
		return 0;
	if (sender[0])
		hit = e->alnum ? policy_lists_sender(l, which, sender, &m)
			       : policy_lists_number_canon(l, which, sender, &m);
	if (!hit && e->sms->calling_gt[0])
		hit = policy_lists_gt(l, which, e->sms->calling_gt, &m);
	if (!hit)
		return 0;
	/* a number entry as its lists line writes it ("+18765550123") */
	if (m.type != POLICY_ENTRY_NUMBER || policy_canon_export(m.key, key, sizeof(key)) < 0)
		snprintf(key, sizeof(key), "%s", m.key);
	add_reason(e, "%s %s %s%s%s", allow ? "allow" : "block", list_type_name(m.type), key,
		   m.reason ? ": " : "", m.reason ? m.reason : "");
	return decide(e, allow ? SF_VERDICT_PASS : SF_VERDICT_BLOCK,
		      allow ? SF_CLASS_ALLOW : SF_CLASS_NONE, base + m.type, 0, step);
}

static int step_shield(struct eval *e)
{
	struct policy_list_match m;
	const char *sub = e->v->recipient, *snd = e->v->sender;
	char xs[SF_TPADDR_MAX + 2];
	int local;

	if (!e->mt || !sub[0] || !snd[0] || e->alnum)
		return 0;
	local = policy_state_shielded(e->st, e->cfg, sub, snd, e->now_ns);
	if (local > 0) {
		policy_canon_export(sub, xs, sizeof(xs));	/* fits: one '+' more */
		add_reason(e, "shielded by %s (local)", xs);
		return decide(e, SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_SHIELD_LOCAL, 0,
			      POLICY_STEP_SHIELD);
	}
	if (local < 0)
		return 0;	/* cancelled on the wire after the last lists generation */
	if (policy_lists_shielded_canon(e->env->lists, sub, snd, &m)) {
		policy_canon_export(sub, xs, sizeof(xs));
		add_reason(e, "shielded by %s", xs);
		return decide(e, SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_SHIELD_LIST, 0,
			      POLICY_STEP_SHIELD);
	}
	return 0;
}

static int step_spoof(struct eval *e)
{
	const struct sf_sms *sms = e->sms;
	const struct policy_config *c = e->cfg;
	const struct policy_protected *p;
	const char *sca = sms->oa_type == SF_OA_SCA ? sms->sm_rp_oa : "";

	if (!e->mt)
		return 0;
	/* a protected sender must come from one of its own SMSC GTs (SCCP
	 * calling GT and the sm-RP-OA service centre address, when present) */
	p = e->pp->protected;
	if (p) {
		const char *bad = NULL;

		if (sms->calling_gt[0] && !gt_allowed(p, sms->calling_gt))
			bad = sms->calling_gt;
		else if (sca[0] && !gt_allowed(p, sca))
			bad = sca;
		if (bad) {
			add_reason(e, "spoof: %s from gt %s", p->sender, bad);
			if (finding(e, SF_CLASS_FAKE_BASE_STATION, SF_ACT_BLOCK,
				    POLICY_ID_SPOOF_PROTECTED, 0, POLICY_STEP_SPOOF))
				return 1;
		}
	}
	/* TS 29.002 §12.9: on MT the sm-RP-OA is the sending service centre;
	 * its SCCP calling GT should be the same node */
	if (c->sca_mismatch_action != SF_ACT_NONE && sms->calling_gt[0] && sca[0]) {
		size_t n = c->sca_compare_digits;
		int differ = n ? strncmp(sms->calling_gt, sca, n) != 0 || strlen(sca) < n ||
				 strlen(sms->calling_gt) < n
			       : strcmp(sms->calling_gt, sca) != 0;

		if (differ) {
			add_reason(e, "spoof: gt %s != sca %s", sms->calling_gt, sca);
			if (finding(e, SF_CLASS_FAKE_BASE_STATION, c->sca_mismatch_action,
				    POLICY_ID_SPOOF_SCA, 0, POLICY_STEP_SPOOF))
				return 1;
		}
	}
	/* an MT addressed by IMSI normally follows an SRI-SM for that IMSI */
	if (c->unsolicited_action == SF_ACT_TAG && sms->da_type == SF_DA_IMSI && e->imsi[0]) {
		/* the parties' look-up of the IMSI */
		if (!e->pp->imsi_learned || e->pp->imsi_age_ns > (uint64_t)c->sri_window_s * NS) {
			add_reason(e, "unsolicited: no sri-sm");
			tag(e, SF_CLASS_NONE, POLICY_ID_UNSOLICITED, 0, POLICY_STEP_SPOOF);
		}
	}
	return 0;
}

static int step_content(struct eval *e)
{
	const struct policy_scan *s = e->scan;
	unsigned cls, act;

	if (!s)
		return 0;
	if (s->failed) {
		note_err(e, SF_E_POLICY_SCAN_FAILED);
		if (e->cfg->fail_closed) {
			add_reason(e, "scan failed (fail closed)");
			return decide(e, SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_CONTENT_SCAN_FAILED,
				      0, POLICY_STEP_CONTENT);
		}
		add_reason(e, "scan failed (fail open)");
		return 0;
	}
	act = s->action;
	cls = s->class_id;
	if (act == SF_ACT_ALLOW) {
		/* an allow rule exempts the content, not the sender (lists,
		 * shields, spoofing came first) nor the volume (step 6) */
		e->allowed = 1;
		return 0;
	}
	if ((act != SF_ACT_BLOCK && act != SF_ACT_TAG) || cls >= SF_CLASS__COUNT)
		return 0;
	if (cls == SF_CLASS_COMMERCIAL_AD) {
		e->is_ad = 1;
		if (e->care) {
			/* DOMAIN.md §2: the operator's own customer-care port is exempt
			 * from the ad rules (but not from quiet hours) */
			add_reason(e, "rule %u commercial_ad: care sender exempt", s->rule_id);
			e->v->steps |= 1u << POLICY_STEP_CONTENT;
			return 0;
		}
	}
	if (s->rule_id)
		add_reason(e, "rule %u %s", s->rule_id, sf_class_name(cls));
	else	/* the trained content model decided alone (scan_model_apply) */
		add_reason(e, "model %s", sf_class_name(cls));
	return finding(e, cls, act, POLICY_ID_CONTENT_RULE, s->rule_id, POLICY_STEP_CONTENT);
}

/* The part was decoded although out of spec (sf_sms.anomalies): a
 * receiver shows it, so it was scanned; the operator chooses what the
 * oddity itself is worth. After the content step: a content block wins. */
static int step_anomaly(struct eval *e)
{
	static const char *const names[] = { "udl_too_long", "ud_short", "ui_oversize",
					     "ui_constructed" };
	uint32_t a = e->sms->anomalies;
	unsigned act = e->cfg->anomaly_action;

	if (!a || act == SF_ACT_NONE)
		return 0;
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (a & (1u << i))
			add_reason(e, "anomaly %s", names[i]);
	if (act == SF_ACT_BLOCK)
		return decide(e, SF_VERDICT_BLOCK, SF_CLASS_NONE, POLICY_ID_CONTENT_ANOMALY, 0,
			      POLICY_STEP_CONTENT);
	tag(e, SF_CLASS_NONE, POLICY_ID_CONTENT_ANOMALY, 0, POLICY_STEP_CONTENT);
	return 0;
}

/* SMS bombing: many messages to one recipient in the sender's channel,
 * from any sender, exempt and allowed ones included (an OTP flood goes
 * through real services). */
static int step_recipient(struct eval *e)
{
	struct policy_behaviour b;
	unsigned flags = 0;

	if (!e->st || !e->pp->kr_bomb)
		return 0;
	if (!e->sms->has_concat || e->sms->concat_seq <= 1)
		flags |= POLICY_RCPT_NEW_MESSAGE;
	if (e->allowed)
		flags |= POLICY_RCPT_ALLOWED;
	if (!policy_state_recipient_keys(e->st, e->cfg, &e->pp->keys, e->pp->kr_bomb, e->pp->bomb_channel,
					 flags, e->now_ns, &b))
		return 0;
	add_reason(e, "%s %u > %u", policy_id_name(b.policy_id), b.count, b.limit);
	return finding(e, SF_CLASS_HARASSMENT, SF_ACT_BLOCK, b.policy_id, 0, POLICY_STEP_BEHAVIOUR);
}

/* Is the text itself suspect, so that volume may turn it into a block?
 * Identical ham is common (holiday greetings, meeting notices, "收到")
 * and a false positive costs more than a miss, so volume blocks only on
 * the combination: a content score of at least content_campaign_score, a
 * tag rule's hit, or the model's tag for a class the operator blocks
 * (fraud, illegal content). The model's commercial_ad tag alone is no
 * such evidence: it takes in ~1% of ham, and identical out-of-domain ham
 * (an English meeting notice forwarded by colleagues) would be blocked by
 * volume alone. */
static int content_suspect(const struct eval *e)
{
	const struct policy_scan *sc = e->scan;

	if (!sc)
		return 0;
	if (sc->action == SF_ACT_TAG &&
	    (sc->rule_id || e->cfg->class_action[sc->class_id] == SF_ACT_BLOCK))
		return 1;
	return e->cfg->content_campaign_score && sc->score >= e->cfg->content_campaign_score;
}

/* Did anything find anything in the text: a rule's hit or score, or the
 * model's tag? Weaker than content_suspect: it tags, never blocks. */
static int content_signal(const struct eval *e)
{
	const struct policy_scan *sc = e->scan;

	return sc && (sc->n_hits || sc->score || sc->action == SF_ACT_TAG);
}

static int step_behaviour(struct eval *e)
{
	struct policy_behaviour b;
	const char *sender = e->v->sender;
	uint32_t id;

	if (step_recipient(e))
		return 1;
	if (e->allowed || !e->st || !sender[0] || rate_exempt(e, sender))
		return 0;
	id = policy_state_behaviour_keys(e->st, e->cfg, &e->pp->keys,
					 e->scan ? e->scan->fp : 0, e->now_ns, &b);
	if (!id) {
		/* one sender spreading suspect content to many recipients (an
		 * ad or a scam texted from a personal number: the regulator's
		 * definition of spam) blocks long before the plain fan-out cap
		 * that a busy person may reach; here the model's tag of any
		 * class counts, since it is one sender's own volume */
		if (!e->cfg->fanout_suspect_max || b.fanout <= e->cfg->fanout_suspect_max ||
		    !(content_suspect(e) || (e->scan && e->scan->action == SF_ACT_TAG)))
			return 0;
		add_reason(e, "%s %u > %u", policy_id_name(POLICY_ID_FANOUT_SUSPECT), b.fanout,
			   e->cfg->fanout_suspect_max);
		return finding(e, SF_CLASS_HARASSMENT, SF_ACT_BLOCK, POLICY_ID_FANOUT_SUSPECT, 0,
			       POLICY_STEP_BEHAVIOUR);
	}
	add_reason(e, "%s %u > %u", policy_id_name(b.policy_id), b.count, b.limit);
	/* one text from many senders, or to many recipients, is a campaign
	 * only if the text itself is suspect: then it blocks. A text that some
	 * rule or the model found anything in is tagged for the analysts. A
	 * text nothing found anything in ("收到，谢谢！", a greeting) is common
	 * ham: it passes, and the verdict names the check that saw the volume
	 * (the summary's count of it), without the tag that would put
	 * subscribers' everyday messages in front of the analysts */
	if (b.policy_id == POLICY_ID_CONTENT_SENDERS || b.policy_id == POLICY_ID_CONTENT_RECIPIENTS) {
		if (content_suspect(e))
			return finding(e, SF_CLASS_HARASSMENT, SF_ACT_BLOCK, b.policy_id, 0,
				       POLICY_STEP_BEHAVIOUR);
		if (content_signal(e))
			return finding(e, SF_CLASS_HARASSMENT, SF_ACT_TAG, b.policy_id, 0,
				       POLICY_STEP_BEHAVIOUR);
		note(e, b.policy_id, POLICY_STEP_BEHAVIOUR);
		return 0;
	}
	return finding(e, SF_CLASS_HARASSMENT, SF_ACT_BLOCK, b.policy_id, 0, POLICY_STEP_BEHAVIOUR);
}

static int step_quiet(struct eval *e)
{
	const struct policy_config *c = e->cfg;

	if (!e->is_ad || c->class_action[SF_CLASS_COMMERCIAL_AD] == SF_ACT_NONE ||
	    !policy_in_quiet_hours(c, e->now_ns))
		return 0;
	add_reason(e, "quiet hours %02u:%02u-%02u:%02u", c->quiet_start_min / 60,
		   c->quiet_start_min % 60, c->quiet_end_min / 60, c->quiet_end_min % 60);
	return decide(e, SF_VERDICT_BLOCK, SF_CLASS_COMMERCIAL_AD, POLICY_ID_QUIET_HOURS,
		      e->scan ? e->scan->rule_id : 0, POLICY_STEP_QUIET);
}

static int country_in(const char (*list)[3], uint32_t n, const char *cc)
{
	for (uint32_t i = 0; i < n; i++)
		if (list[i][0] == cc[0] && list[i][1] == cc[1])
			return 1;
	return 0;
}

/* One address: 1 if it decided (blocked). */
static int geo_one(struct eval *e, int family, const uint8_t *addr, int url)
{
	const struct policy_config *c = e->cfg;
	char cc[3], txt[INET6_ADDRSTRLEN];
	int rc = policy_geo_country(e->env->geo, family, addr, cc);

	if (rc < 0)
		note_err(e, SF_E_POLICY_GEO_LOOKUP);
	if (rc <= 0)
		return 0;
	inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, txt, sizeof(txt));
	if (country_in(c->geo_blocked, c->n_geo_blocked, cc)) {
		add_reason(e, "geo %s %s %s blocked", url ? "url" : "peer", txt, cc);
		return decide(e, SF_VERDICT_BLOCK, SF_CLASS_NONE,
			      url ? POLICY_ID_GEO_URL_BLOCKED : POLICY_ID_GEO_PEER_BLOCKED, 0,
			      POLICY_STEP_GEO);
	}
	if (country_in(c->geo_suspicious, c->n_geo_suspicious, cc)) {
		add_reason(e, "geo %s %s %s suspicious", url ? "url" : "peer", txt, cc);
		tag(e, SF_CLASS_NONE, url ? POLICY_ID_GEO_URL_SUSPICIOUS : POLICY_ID_GEO_PEER_SUSPICIOUS,
		    0, POLICY_STEP_GEO);
	}
	return 0;
}

#define URL_HOSTS_MAX 4

/* IP-literal hosts in text: dotted-quad IPv4 (RFC 3986 §3.2.2
 * IPv4address) not part of a longer digit/dot run, and bracketed IPv6
 * ("[2001:db8::1]", IP-literal). */
static int url_hosts(const char *t, size_t len, uint8_t out[][16], int *fam)
{
	int n = 0;

	for (size_t i = 0; i < len && n < URL_HOSTS_MAX; i++) {
		if (t[i] == '[') {
			char buf[INET6_ADDRSTRLEN];
			size_t k = 0, j = i + 1;

			while (j < len && k < sizeof(buf) - 1 && t[j] != ']' &&
			       (pu_is_digit(t[j]) || t[j] == ':' || t[j] == '.' ||
				((t[j] | 32) >= 'a' && (t[j] | 32) <= 'f')))
				buf[k++] = t[j++];
			buf[k] = 0;
			if (j < len && t[j] == ']' && inet_pton(AF_INET6, buf, out[n]) == 1) {
				fam[n++] = 6;
				i = j;
			}
			continue;
		}
		if (!pu_is_digit(t[i]) || (i > 0 && (pu_is_digit(t[i - 1]) || t[i - 1] == '.')))
			continue;
		{
			size_t j = i;
			unsigned oct[4];
			int k;

			for (k = 0; k < 4; k++) {
				unsigned v = 0, d = 0;

				while (j < len && pu_is_digit(t[j]) && d < 4) {
					v = v * 10 + (unsigned)(t[j++] - '0');
					d++;
				}
				if (d == 0 || d > 3 || v > 255)
					break;
				oct[k] = v;
				if (k < 3) {
					if (j >= len || t[j] != '.')
						break;
					j++;
				}
			}
			if (k == 4 && !(j < len && (pu_is_digit(t[j]) ||
				     (t[j] == '.' && j + 1 < len && pu_is_digit(t[j + 1]))))) {
				memset(out[n], 0, 16);
				for (k = 0; k < 4; k++)
					out[n][k] = (uint8_t)oct[k];
				fam[n++] = 4;
			}
			while (i + 1 < len && (pu_is_digit(t[i + 1]) || t[i + 1] == '.'))
				i++;
		}
	}
	return n;
}

int policy_reads_text(const struct policy_env *env)
{
	return env->geo && (env->cfg->n_geo_blocked || env->cfg->n_geo_suspicious);
}

static int step_geo(struct eval *e)
{
	const struct sf_sms *sms = e->sms;
	uint8_t hosts[URL_HOSTS_MAX][16];
	int fam[URL_HOSTS_MAX], n;
	const char *t = e->scan && e->scan->text ? e->scan->text : sms->text;
	size_t tl = e->scan && e->scan->text ? e->scan->text_len : sms->text_len;

	if (!policy_reads_text(e->env))
		return 0;
	n = t ? url_hosts(t, tl, hosts, fam) : 0;
	for (int i = 0; i < n; i++)
		if (geo_one(e, fam[i], hosts[i], 1))
			return 1;
	if (sms->ip_version == 4 || sms->ip_version == 6) {
		if (geo_one(e, sms->ip_version, sms->src_ip, 0) ||
		    geo_one(e, sms->ip_version, sms->dst_ip, 0))
			return 1;
	}
	return 0;
}

/* The scan's allow rule passed the content and nothing blocked on the
 * sender or the volume: pass. */
static int step_allowed(struct eval *e)
{
	if (!e->allowed)
		return 0;
	add_reason(e, "allow rule %u", e->scan->rule_id);
	return decide(e, SF_VERDICT_PASS, SF_CLASS_ALLOW, POLICY_ID_ALLOW_RULE, e->scan->rule_id,
		      POLICY_STEP_ALLOW);
}

/* ---- entry point ---- */

/* The one place that decides who sends and who receives a part. */
/* SMS bombing is counted per channel of the recipient (POLICY.md step 6):
 * messages from people (a mobile number of the numbering plan, 1), from
 * each protected sender (2 + its index), and from every other service
 * (industry ports, short codes, alphanumeric ids: 0). A flood stops its
 * own channel: an OTP flood through web services does not block a
 * friend's message or the bank's own notice to its victim, a flood from
 * many SIM cards does not block the victim's OTPs, and a protected
 * sender's OTPs abused to flood are counted on their own. */
static unsigned bomb_channel(const struct policy_config *c, const struct policy_parties *pp)
{
	if (!pp->sender[0])
		return 0;
	if (!pp->alnum && policy_national(pp->sender))
		return 1;
	return pp->protected ? 2 + (unsigned)(pp->protected - c->protected_senders) : 0;
}

void policy_parties(const struct policy_env *env, struct policy_state *st, const struct sf_sms *sms,
		    uint64_t now_ns, struct policy_parties *pp)
{
	const char *snd = "", *rcp = "";
	char learned[SF_TPADDR_MAX + 1];
	unsigned snd_ton = 0, rcp_ton = 0;
	int sl, rl, rcp_canonical = 0;

	pp->alnum = 0;
	pp->sender[0] = pp->recipient[0] = pp->imsi[0] = 0;
	pp->imsi_learned = 0;
	pp->imsi_age_ns = 0;
	/* the MAP layer's direction; for forwardSM (v1/v2) without one, the
	 * TPDU type: SMS-SUBMIT is MO, SMS-DELIVER is MT (TS 23.040 §9.2.3.1) */
	pp->mo = sms->direction == SF_DIR_MO ||
		 (sms->direction == SF_DIR_NONE && sms->op != SF_OP_NONE &&
		  sms->mti == SF_TP_MTI_SUBMIT);
	pp->mt = sms->direction == SF_DIR_MT ||
		 (sms->direction == SF_DIR_NONE && sms->op != SF_OP_NONE &&
		  sms->mti == SF_TP_MTI_DELIVER);
	/* the identities as the wire gives them (MT: the IMSI, also when the
	 * MT was addressed by LMSI) */
	pp->wire_sender = sms->direction == SF_DIR_MO ? sms->sm_rp_oa : sms->tp_oa;
	pp->wire_recipient = sms->direction == SF_DIR_MO ? sms->tp_da :
			     sms->da_type == SF_DA_LMSI && sms->da_imsi[0] ? sms->da_imsi : sms->sm_rp_da;
	/* each address read with its own type of number: the TPDU's for
	 * TP-DA/TP-OA, the MAP AddressString's for sm-RP-OA */
	if (pp->mo) {
		if (sms->oa_type == SF_OA_MSISDN || sms->oa_type == SF_OA_NONE) {
			snd = sms->sm_rp_oa;
			snd_ton = sms->sm_rp_oa_ton;
		}
		rcp = sms->tp_da;
		rcp_ton = sms->tp_addr_ton;
	} else if (pp->mt) {
		snd = sms->tp_oa;
		snd_ton = sms->tp_addr_ton;
		pp->alnum = sms->tp_addr_alnum;
		/* an LMSI-addressed MT whose IMSI the signalling gave (sf_sms.da_imsi) */
		const char *imsi = sms->da_type == SF_DA_IMSI ? sms->sm_rp_da :
				   sms->da_type == SF_DA_LMSI && sms->da_imsi[0] ? sms->da_imsi : NULL;
		size_t il = imsi ? strlen(imsi) : 0;

		if (imsi && il < sizeof(pp->imsi)) {
			memcpy(pp->imsi, imsi, il + 1);
			rcp = NULL;
			/* one look-up for the recipient and the "unsolicited" check */
			if (st)
				pp->imsi_learned = (uint8_t)policy_state_imsi(st, env->cfg, pp->imsi, now_ns,
									     &pp->imsi_age_ns, learned,
									     sizeof(learned));
			if (pp->imsi_learned)
				rcp = learned;
			if (!rcp)
				rcp = policy_lists_imsi(env->lists, pp->imsi);
			/* both are canonical already */
			rcp_canonical = 1;
			if (!rcp)
				rcp = "";
		}
	}
	if (pp->alnum) {
		for (sl = 0; snd[sl] && sl < (int)sizeof(pp->sender) - 1; sl++)
			pp->sender[sl] = (char)pu_upper((unsigned char)snd[sl]);
		pp->sender[sl] = 0;
	} else if ((sl = policy_canon_addr(snd, snd_ton, pp->sender, sizeof(pp->sender))) < 0) {
		pp->sender[0] = 0;
		sl = 0;
	}
	if (rcp_canonical) {
		rl = (int)strnlen(rcp, sizeof(pp->recipient) - 1);
		memcpy(pp->recipient, rcp, (size_t)rl);
		pp->recipient[rl] = 0;
	} else if ((rl = policy_canon_addr(rcp, rcp_ton, pp->recipient, sizeof(pp->recipient))) < 0) {
		pp->recipient[0] = 0;
		rl = 0;
	}
	/* the behaviour tables' keys, hashed once */
	policy_state_keys_n(pp->sender, (size_t)sl, pp->recipient, (size_t)rl, &pp->keys);
	pp->kr_bomb = pp->keys.kr;
	if (!pp->recipient[0] && pp->imsi[0]) {
		/* SMS bombing of a subscriber known only by IMSI */
		char key[SF_DIGITS_MAX + 8];

		memcpy(key, "imsi:", 5);
		memcpy(key + 5, pp->imsi, strlen(pp->imsi) + 1);
		pp->kr_bomb = policy_state_key(key);
	}
	pp->protected = pp->sender[0] ? protected_entry(env->cfg, pp->sender) : NULL;
	pp->bomb_channel = bomb_channel(env->cfg, pp);
}

enum sf_err policy_evaluate_parties(const struct policy_env *env, struct policy_state *st,
				    const struct sf_sms *sms, const struct policy_parties *pp,
				    const struct policy_scan *scan, uint64_t now_ns,
				    struct policy_verdict *v, struct policy_event *ev)
{
	struct eval e = { .env = env, .cfg = env->cfg, .st = st, .sms = sms, .scan = scan,
			  .now_ns = now_ns, .v = v, .pp = pp, .err = SF_OK };

	/* the reason text is built as steps add to it: only its start is set */
	v->verdict = SF_VERDICT_PASS;
	v->class_id = 0;
	v->n_reasons = 0;
	v->rule_id = v->policy_id = v->steps = 0;
	v->reason[0] = 0;
	v->step = POLICY_STEP_NONE;
	if (ev)
		ev->type = POLICY_EVENT_NONE;	/* the service step fills the rest of an event */
	e.mo = pp->mo;
	e.mt = pp->mt;
	e.alnum = pp->alnum;
	e.imsi = pp->imsi;
	memcpy(v->sender, pp->sender, sizeof(v->sender));
	memcpy(v->recipient, pp->recipient, sizeof(v->recipient));
	v->sender_alnum = pp->alnum;
	if (!v->sender[0])
		note_err(&e, SF_E_POLICY_NO_SENDER);
	e.care = v->sender[0] && !e.alnum && strcmp(v->sender, e.cfg->care_sender) == 0;

	if (step_service(&e, ev) ||
	    step_lists(&e, POLICY_LIST_ALLOW) ||
	    step_lists(&e, POLICY_LIST_BLOCK) ||
	    step_shield(&e) ||
	    step_spoof(&e) ||
	    step_content(&e) ||
	    step_anomaly(&e) ||
	    step_behaviour(&e) ||
	    step_allowed(&e) ||
	    step_quiet(&e) ||
	    step_geo(&e))
		return e.err;
	return e.err;
}

enum sf_err policy_evaluate(const struct policy_env *env, struct policy_state *st,
			    const struct sf_sms *sms, const struct policy_scan *scan,
			    uint64_t now_ns, struct policy_verdict *v, struct policy_event *ev)
{
	struct policy_parties pp;

	policy_parties(env, st, sms, now_ns, &pp);
	return policy_evaluate_parties(env, st, sms, &pp, scan, now_ns, v, ev);
}

/* ---- JSON ---- */

void policy_verdict_json(struct sf_json *j, const struct policy_verdict *v, int mask)
{
	char ms[SF_TPADDR_MAX + 2], mr[SF_TPADDR_MAX + 2], xs[SF_TPADDR_MAX + 2], xr[SF_TPADDR_MAX + 2];
	const char *snd = v->sender, *rcp = xr;

	sf_json_k_name(j, "verdict", sf_verdict_name(v->verdict));
	sf_json_k_name(j, "class", sf_class_name(v->class_id));
	sf_json_k_uint(j, "rule", v->rule_id);
	sf_json_k_uint(j, "policy", v->policy_id);
	sf_json_k_name(j, "policy_name", policy_id_name(v->policy_id));
	sf_json_k_str(j, "reason", v->reason);
	/* numbers as an analyst may write them back: "+18765550123" is +1 876,
	 * where "18765550123" would read as a Chinese mobile */
	if (!v->sender_alnum && policy_canon_export(v->sender, xs, sizeof(xs)) >= 0)
		snd = xs;
	if (policy_canon_export(v->recipient, xr, sizeof(xr)) < 0)
		rcp = v->recipient;
	if (mask && policy_mask_number(snd, ms, sizeof(ms)) >= 0 &&
	    policy_mask_number(rcp, mr, sizeof(mr)) >= 0) {
		sf_json_k_str(j, "sender", ms);
		sf_json_k_str(j, "recipient", mr);
	} else {
		sf_json_k_str(j, "sender", snd);
		sf_json_k_str(j, "recipient", rcp);
	}
}

/* A canonical number as it leaves the process (policy_canon_export). */
static void json_number(struct sf_json *j, const char *name, const char *canon)
{
	char x[SF_TPADDR_MAX + 2];

	sf_json_str(j, name, policy_canon_export(canon, x, sizeof(x)) >= 0 ? x : canon);
}

void policy_event_json(struct sf_json *j, const struct policy_event *ev)
{
	char reported[SF_TPADDR_MAX + 2];

	sf_json_str(j, "type", policy_event_type_name(ev->type));
	if (ev->type == POLICY_EVENT_REPORT) {
		policy_reported_export(&ev->report, reported);
		json_number(j, "reporter", ev->report.reporter);
		sf_json_str(j, "reported", reported);
		sf_json_hex_u64(j, "fp", ev->report.fp, 16);
		sf_json_strn(j, "text", ev->report.text ? ev->report.text : "", ev->report.text_len);
		sf_json_str(j, "class", ev->class_id ? sf_class_name(ev->class_id) : "");
		if (ev->parts_total > 1) {
			sf_json_uint(j, "parts", ev->parts);
			sf_json_uint(j, "parts_total", ev->parts_total);
		}
		if (ev->incomplete)
			sf_json_bool(j, "incomplete", 1);
	} else if (ev->type == POLICY_EVENT_SHIELD || ev->type == POLICY_EVENT_UNSHIELD) {
		json_number(j, "subscriber", ev->shield.subscriber);
		json_number(j, "port", ev->shield.port);
	}
}
