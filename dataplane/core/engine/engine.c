/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-packet decision: pipeline → normalise → scan → policy. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/engine_report.h"
#include "text/normalize.h"
#include "sf_file.h"
#include "sf_hash.h"

#define ENG_TEXT_MAX 2048			/* pipeline's text buffer */
#define ENG_VCACHE 4096				/* retransmission verdict cache (power of 2) */

struct eng_vcache {
	uint64_t key;				/* assoc_id ^ tsn */
	uint64_t text_fp;			/* the first copy's */
	struct policy_verdict pv;
	struct scan_result scan;
};

#define ENG_NORM_CAP NORM_CAP(ENG_TEXT_MAX)

struct sf_worker {
	struct sf_engine_config cfg;
	struct sf_pipeline *pl;
	struct scan_scratch *scratch;
	int scratch_ok;				/* fitted to gen's bundle */
	struct scan_concat *concat;
	struct scan_cache *scache;		/* NULL: every text is scanned */
	struct policy_state *pst;
	struct sf_worker_stats st;
	/* per packet */
	const struct sf_gen *gen;
	const struct sf_engine_sink *sink;
	struct eng_vcache *vcache;
	struct eng_reports *reports;		/* reports being assembled (engine_report.c) */
	struct eng_reports *commands;		/* "00000" split over parts, being assembled */
	struct sf_pkt_verdict out;		/* the packet's verdicts (returned) */
	char (*norm)[ENG_NORM_CAP];		/* normalised text per part of out */
};

#define ENG_REPORT_WAIT_NS (60ull * 1000000000ull)	/* when concat_timeout_ns is 0 */

struct sf_gen *sf_gen_load(const char *bundle_path, const char *lists_path,
			   const struct policy_config *policy, int fail_block,
			   char *err, size_t errlen)
{
	struct sf_gen *g = calloc(1, sizeof(*g));

	if (!g) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	g->policy = *policy;
	g->fail_block = fail_block;
	if (bundle_path && bundle_path[0]) {
		char e[512];

		snprintf(g->bundle_path, sizeof(g->bundle_path), "%s", bundle_path);
		g->bundle = scan_bundle_load_file(bundle_path, e, sizeof(e));
		if (!g->bundle) {
			snprintf(err, errlen, "rule bundle %s: %s", bundle_path, e);
			goto fail;
		}
	}
	if (lists_path && lists_path[0]) {
		size_t len;
		char *text;

		snprintf(g->lists_path, sizeof(g->lists_path), "%s", lists_path);
		text = (char *)sf_file_read(lists_path, (size_t)4 << 30, &len, err, errlen);
		if (!text)
			goto fail;
		g->lists = policy_lists_parse(text, len, lists_path, err, errlen);
		free(text);
		if (!g->lists)
			goto fail;
	}
	if (policy->geo_database[0]) {
		char e[512];

		g->geo = policy_geo_open(policy->geo_database, e, sizeof(e));
		if (!g->geo) {
			snprintf(err, errlen, "geo database %s: %s", policy->geo_database, e);
			goto fail;
		}
	}
	return g;
fail:
	sf_gen_free(g);
	return NULL;
}

struct sf_gen *sf_gen_load_source(const struct sf_gen_source *src,
				  const struct policy_config *policy, int fail_block,
				  char *err, size_t errlen)
{
	struct sf_gen *g;
	char e[512];

	if (!src->bundle && !src->lists_text)
		return sf_gen_load(src->bundle_path, src->lists_path, policy, fail_block, err, errlen);
	g = sf_gen_load(src->bundle ? NULL : src->bundle_path, src->lists_text ? NULL : src->lists_path,
			policy, fail_block, err, errlen);
	if (!g)
		return NULL;
	if (src->bundle) {
		const char *origin = src->bundle_origin ? src->bundle_origin : "rule bundle";

		snprintf(g->bundle_path, sizeof(g->bundle_path), "%s", origin);
		g->bundle = scan_bundle_load(src->bundle, src->bundle_len, e, sizeof(e));
		if (!g->bundle) {
			snprintf(err, errlen, "%s: %s", origin, e);
			goto fail;
		}
	}
	if (src->lists_text) {
		const char *origin = src->lists_origin ? src->lists_origin : "lists";

		snprintf(g->lists_path, sizeof(g->lists_path), "%s", origin);
		g->lists = policy_lists_parse(src->lists_text, src->lists_len, origin, err, errlen);
		if (!g->lists)
			goto fail;
	}
	return g;
fail:
	sf_gen_free(g);
	return NULL;
}

void sf_gen_free(struct sf_gen *g)
{
	if (!g)
		return;
	scan_bundle_free(g->bundle);
	policy_lists_free(g->lists);
	policy_geo_close(g->geo);
	free(g);
}

struct sf_worker *sf_worker_create(const struct sf_engine_config *c, const struct sf_gen *g,
				   char *err, size_t errlen)
{
	struct sf_worker *w = calloc(1, sizeof(*w));

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->cfg = *c;
	w->pl = sf_pipeline_create(&c->pipe);
	w->scratch = scan_scratch_create(g ? g->bundle : NULL);
	w->concat = scan_concat_create(c->concat_max, c->concat_timeout_ns);
	w->scache = scan_cache_create(c->scan_cache);
	w->pst = policy_state_create(&g->policy, err, errlen);
	w->vcache = calloc(ENG_VCACHE, sizeof(*w->vcache));
	w->norm = malloc(sizeof(*w->norm) * SF_PKT_SMS_MAX);
	w->reports = eng_reports_create(c->concat_timeout_ns ? c->concat_timeout_ns : ENG_REPORT_WAIT_NS);
	w->commands = eng_reports_create(c->concat_timeout_ns ? c->concat_timeout_ns : ENG_REPORT_WAIT_NS);
	/* the concatenated parts' cache: a quarter as many entries as the
	 * single-part one, each holds a stream state */
	if (!w->pl || !w->scratch || !w->concat || !w->pst || !w->vcache || !w->norm || !w->reports ||
	    !w->commands || (c->scan_cache && !w->scache) ||
	    scan_concat_cache(w->concat, c->scan_cache / 4) != 0) {
		if (w->pst)
			snprintf(err, errlen, "out of memory for the worker's tables");
		sf_worker_destroy(w);
		return NULL;
	}
	if (c->policy_shared)
		policy_state_attach_shared(w->pst, c->policy_shared);
	w->scratch_ok = 1;
	w->gen = g;
	return w;
}

void sf_worker_scan_cache_stats(const struct sf_worker *w, struct sf_scan_cache_stats *out)
{
	struct scan_concat_stats cs;

	scan_cache_get_stats(w->scache, &out->single);
	scan_concat_get_stats(w->concat, &cs);
	out->concat_streamed = cs.streamed;
	out->concat_hits = cs.cache_hits;
	out->concat_replaced = cs.cache_replaced;
}

int sf_worker_adopt(struct sf_worker *w, const struct sf_gen *g)
{
	w->scratch_ok = scan_scratch_fit(w->scratch, g->bundle) == 0 &&
			scan_concat_fit(w->concat, g->bundle) == 0;
	if (!w->scratch_ok) {
		w->st.adopt_failures++;
		return -1;
	}
	/* the retransmission cache stays: a resend gets the verdict its first
	 * copy got, whatever the rules are now */
	w->gen = g;
	return 0;
}

void sf_worker_destroy(struct sf_worker *w)
{
	if (!w)
		return;
	sf_pipeline_destroy(w->pl);
	scan_scratch_free(w->scratch);
	scan_concat_free(w->concat);
	scan_cache_free(w->scache);
	policy_state_free(w->pst);
	free(w->vcache);
	free(w->norm);
	eng_reports_free(w->reports);
	eng_reports_free(w->commands);
	free(w);
}

#define SEED_CONCAT 0x636f6e636174ULL	/* "concat": separates this use of the secret */

/* One party as the concatenation key sees it, written to c (cap bytes,
 * cap ≥ SF_TPADDR_MAX + 1): a number in its canonical international form
 * (national and international forms of one number are one party),
 * anything else (alphanumeric ids, LMSI hex) upper-cased. Its length. */
static size_t party_canon(const char *p, char *c, size_t cap)
{
	size_t i;
	int n = policy_canon_number(p, strlen(p), c, cap);

	if (n >= 0)
		return strlen(c);
	for (i = 0; p[i] && i < cap - 1; i++)
		c[i] = (char)(p[i] >= 'a' && p[i] <= 'z' ? p[i] - 32 : p[i]);
	c[i] = 0;
	return i;
}

/* TS 23.040 §9.2.3.24.1/.8: the parts of one message share the parties and
 * the reference value; whether the reference travels in an 8-bit or a
 * 16-bit IE is the sender's choice per part and does not split a message.
 * Keyed (sf_hash.h): nobody can craft parties whose parts join another's
 * message. */
uint64_t sf_engine_concat_key(const struct sf_sms *s, const char *sender, const char *recipient)
{
	char k[2 * (SF_TPADDR_MAX + 1) + 4];
	size_t n = party_canon(sender, k, SF_TPADDR_MAX + 1);

	k[n++] = '|';
	n += party_canon(recipient, k + n, SF_TPADDR_MAX + 1);
	k[n++] = (char)(s->concat_ref >> 8);
	k[n++] = (char)s->concat_ref;
	k[n++] = (char)s->concat_total;
	return sf_hash_bytes(k, n, SEED_CONCAT);
}

/* A part of a message of several: streamed with the others (concat.c). */
static int concatenated(const struct sf_sms *s)
{
	return s->has_concat && s->concat_total > 1;
}

static size_t eng_normalise(const char *text, size_t len, char *out, size_t cap)
{
	return norm_text(text, len, out, cap, NULL);
}

/* Scan one part: streamed across the parts of a concatenated message
 * (normalised there if it has to be: scan_part), else scanned whole
 * (normalised already). */
static void do_scan(struct sf_worker *w, const struct sf_sms *s, const char *sender,
		    const char *recipient, struct scan_part *pt, struct scan_result *res,
		    int *failed)
{
	enum sf_err e;

	memset(res, 0, sizeof(*res));
	*failed = 0;
	if (!w->gen->bundle)
		return;
	if (!w->scratch_ok) {
		*failed = 1;
		w->st.scan_fail_mode++;
		return;
	}
	if (concatenated(s)) {
		uint64_t key = sf_engine_concat_key(s, sender, recipient);
		size_t nlen;

		e = scan_concat_text(w->concat, w->gen->bundle, w->scratch, key, s->concat_seq,
				     s->concat_total, pt, sender, s->ts_ns, res);
		nlen = pt->norm_len;
		if (w->sink && w->sink->on_fact && !s->retransmission) {
			/* the next part may reach another worker (another STP link):
			 * give it this part so its stream holds the message so far
			 * (normalised before the scan: decide_part) */
			if (nlen <= SF_FACT_TEXT_MAX) {
				struct sf_fact f;

				f.kind = SF_FACT_CONCAT_PART;
				f.ts_ns = s->ts_ns;
				f.key = key;
				f.seq = s->concat_seq;
				f.total = s->concat_total;
				f.len = (uint16_t)nlen;
				snprintf(f.a, sizeof(f.a), "%s", sender);
				f.b[0] = 0;
				memcpy(f.text, pt->norm, nlen);
				w->st.facts_sent++;
				w->sink->on_fact(w->sink->ctx, &f);
			} else {
				w->st.concat_facts_skipped++;
			}
		}
	} else {
		e = scan_block(w->gen->bundle, w->scratch, pt->norm, pt->norm_len, sender, res);
	}
	if (e) {
		w->st.scan_errors++;
		*failed = 1;
	}
}

/* A single-part text (as decoded) whose scan result and fingerprint the
 * worker kept: 1 and pv->scan, pv->text_fp filled. Else 0, with k->text
 * set when the result of the scan that follows may be kept
 * (scan_cache_put). */
static int scan_cached(struct sf_worker *w, const struct sf_sms *s, const char *sender,
		       const char *text, size_t len, struct sf_part_verdict *pv,
		       struct scan_cache_key *k)
{
	k->text = NULL;
	if (!w->scache || !len || !w->gen->bundle || !w->scratch_ok || concatenated(s))
		return 0;
	/* a text too long to keep (-1) leaves k->text NULL */
	return scan_cache_find(w->scache, w->gen->bundle, text, len, sender, k, &pv->scan,
			       &pv->text_fp) == 1;
}

static int report_sender_delivered(void *arg, const char *reporter, const char *id)
{
	return eng_reports_delivered(arg, reporter, id);
}

/* An event for the control plane: counted, handed to the sink, and a
 * shield change shared with the other workers as a fact. */
static void emit_event(struct sf_worker *w, const struct policy_event *ev, const struct sf_sms *s)
{
	if (ev->type == POLICY_EVENT_REPORT)
		w->st.reports++;
	else if (ev->type == POLICY_EVENT_SHIELD)
		w->st.shields++;
	else
		w->st.unshields++;
	if (w->sink && w->sink->on_event)
		w->sink->on_event(w->sink->ctx, ev, s);
	if (ev->type != POLICY_EVENT_REPORT && w->sink && w->sink->on_fact) {
		struct sf_fact f;

		memset(&f, 0, sizeof(f));
		f.kind = ev->type == POLICY_EVENT_SHIELD ? SF_FACT_SHIELD : SF_FACT_UNSHIELD;
		f.ts_ns = s->ts_ns;
		snprintf(f.a, sizeof(f.a), "%s", ev->shield.subscriber);
		snprintf(f.b, sizeof(f.b), "%s", ev->shield.port);
		w->st.facts_sent++;
		w->sink->on_fact(w->sink->ctx, &f);
	}
}

/* A whole report message (or what arrived of it): parsed once, one event. */
static void report_emit(void *arg, const struct eng_report_msg *m)
{
	struct sf_worker *w = arg;
	struct policy_report_opts o = { m->head_missing, report_sender_delivered, w->reports };
	struct policy_event ev;
	char reporter[SF_TPADDR_MAX + 2];
	enum sf_err e;

	memset(&ev, 0, sizeof(ev));
	/* the parser reads numbers as written: the canonical reporter in the
	 * form that reads back as itself */
	if (policy_canon_export(m->reporter, reporter, sizeof(reporter)) < 0)
		reporter[0] = 0;
	e = policy_parse_report_ex(m->text, m->text_len, reporter, &o, &ev.report);
	if (e) {
		w->st.policy_errors++;
		return;
	}
	ev.type = POLICY_EVENT_REPORT;
	ev.class_id = m->class_id;
	ev.parts = m->parts;
	ev.parts_total = m->total;
	ev.incomplete = m->incomplete;
	emit_event(w, &ev, m->sms);
}

/* A short MO to an industry port sent in parts ("000" + "00"): whole, it
 * may be the shield command (DOMAIN.md §3) that no part is on its own. The
 * assembler's key is "subscriber|port". */
static void command_emit(void *arg, const struct eng_report_msg *m)
{
	struct sf_worker *w = arg;
	char sub[SF_TPADDR_MAX + 1], xs[SF_TPADDR_MAX + 2], xp[SF_TPADDR_MAX + 2];
	const char *bar = strchr(m->reporter, '|');
	struct policy_event ev;
	enum sf_err e;

	if (m->incomplete || !bar || !w->gen || (size_t)(bar - m->reporter) >= sizeof(sub))
		return;		/* part of a command is no command */
	memcpy(sub, m->reporter, (size_t)(bar - m->reporter));
	sub[bar - m->reporter] = 0;
	memset(&ev, 0, sizeof(ev));
	/* both canonical: as written back, for the parser (policy_canon_export) */
	if (policy_canon_export(sub, xs, sizeof(xs)) < 0 || policy_canon_export(bar + 1, xp, sizeof(xp)) < 0)
		return;
	e = policy_parse_shield(m->text, m->text_len, xs, xp, &w->gen->policy, &ev.shield);
	if (e) {
		w->st.policy_errors++;
		return;
	}
	if (ev.shield.type == POLICY_SHIELD_NONE)
		return;
	ev.type = ev.shield.type == POLICY_SHIELD_ADD ? POLICY_EVENT_SHIELD : POLICY_EVENT_UNSHIELD;
	policy_state_shield(w->pst, ev.type == POLICY_EVENT_SHIELD, ev.shield.subscriber, ev.shield.port,
			    m->sms->ts_ns);
	emit_event(w, &ev, m->sms);
}

/* An MO part that may be a piece of a split shield command. */
static void maybe_command_part(struct sf_worker *w, const struct sf_sms *s, const struct policy_verdict *v)
{
	char key[SF_TPADDR_MAX + 1];
	const char *pfx = w->gen->policy.industry_prefix;
	const char *da = v->recipient;	/* MO: the canonical TP-DA (policy_parties) */

	if (s->direction != SF_DIR_MO || !s->has_concat || s->concat_total < 2 || s->concat_total > 8 ||
	    !s->text || s->text_len > 32 || s->tp_addr_alnum || !v->sender[0] ||
	    v->policy_id == POLICY_ID_SERVICE_SHIELD || v->policy_id == POLICY_ID_SERVICE_UNSHIELD ||
	    !da[0] || strncmp(da, pfx, strlen(pfx)))
		return;
	if ((size_t)snprintf(key, sizeof(key), "%s|%s", v->sender, da) >= sizeof(key))
		return;
	eng_reports_part(w->commands, s, key, 0, 0, command_emit, w);
}

/* Decide one SMS part into pv, its normalised text into norm when it was
 * needed. */
static void decide_part(struct sf_worker *w, const struct sf_sms *s, struct sf_part_verdict *pv,
			char *norm)
{
	/* the text as decoded, or 8-bit data that reads as text */
	const char *text = s->text ? s->text : s->data_text;
	size_t text_len = s->text ? s->text_len : s->data_text ? s->data_text_len : 0;
	struct policy_parties pp;
	struct policy_scan ps;
	struct policy_event ev;
	struct policy_env env;
	struct eng_vcache *vc;
	uint64_t vkey;
	int failed, hit, reads, lazy;
	struct scan_cache_key ck;
	struct scan_part pt;
	enum sf_err e;

	pv->sms = s;
	w->st.parts++;
	vkey = sf_mix64(s->assoc_id ^ ((uint64_t)s->tsn << 16));
	vc = &w->vcache[vkey & (ENG_VCACHE - 1)];

	if (s->retransmission && vc->key == vkey) {
		/* the first copy was decided: same verdict, nothing counted
		 * again, nothing normalised or scanned */
		norm[0] = 0;
		pv->norm = norm;
		pv->norm_len = 0;
		pv->text_fp = vc->text_fp;
		pv->pv = vc->pv;
		pv->scan = vc->scan;
		w->st.retrans_cached++;
		goto count;
	}
	env.cfg = &w->gen->policy;
	env.lists = w->gen->lists;
	env.geo = w->gen->geo;
	policy_parties(&env, w->pst, s, s->ts_ns, &pp);
	/* the parties' behaviour slots load while the scan cache is asked */
	policy_state_prefetch_parties(w->pst, &pp.keys, pp.kr_bomb, pp.bomb_channel);
	/* a text seen before has its scan result and fingerprint kept, under
	 * the decoded text: the normalised one is a function of it, and
	 * only a text that is scanned, or that the policy reads itself,
	 * is normalised */
	hit = scan_cached(w, s, pp.wire_sender, text, text_len, pv, &ck);
	reads = policy_reads_text(&env);
	/* a part of a concatenated message (never answered by that cache) is
	 * normalised in its scan, and only if its own cache does not answer
	 * it, unless the text is needed here anyway (the policy reads it, or
	 * the other workers get it as a fact) */
	lazy = text && concatenated(s) && !reads && !(w->sink && w->sink->on_fact);
	memset(&pt, 0, sizeof(pt));
	pt.text = text;
	pt.len = text_len;
	pt.norm = norm;
	pt.norm_cap = ENG_NORM_CAP;
	pt.normalise = eng_normalise;
	pt.value = policy_fingerprint;
	norm[0] = 0;
	if (!lazy) {
		if (text && (!hit || reads))
			scan_part_norm(&pt);
		pt.have_norm = 1;	/* "" otherwise: no text, or answered from the cache */
		if (!hit)
			pv->text_fp = scan_part_value(&pt);
		pt.val = pv->text_fp;
	} else {
		pv->text_fp = 0;	/* from the scan */
	}
	/* the text's sketch cells load while a text not seen before is
	 * scanned */
	policy_state_prefetch_text(w->pst, &pp.keys, pv->text_fp);
	failed = 0;
	if (!hit) {
		do_scan(w, s, pp.wire_sender, pp.wire_recipient, &pt, &pv->scan, &failed);
		/* the fingerprint the concatenated parts' cache kept or made,
		 * else of the text normalised now */
		if (lazy)
			pv->text_fp = scan_part_value(&pt);
		if (ck.text && !failed)
			scan_cache_put(w->scache, &ck, pp.wire_sender, &pv->scan, pv->text_fp);
	}
	pv->norm = norm;	/* "" when it was not normalised */
	pv->norm_len = pt.norm_len;
	memset(&ps, 0, sizeof(ps));
	ps.action = pv->scan.action == SF_ACT_SCORE ? SF_ACT_NONE : pv->scan.action;
	ps.class_id = pv->scan.class_id;
	ps.failed = (uint8_t)failed;
	ps.rule_id = pv->scan.rule_id;
	ps.score = pv->scan.score > 0 ? (uint32_t)pv->scan.score : 0;
	ps.n_hits = pv->scan.n_hits_total;
	ps.fp = pv->text_fp;
	ps.text = norm;
	ps.text_len = pv->norm_len;
	e = policy_evaluate_parties(&env, w->pst, s, &pp, &ps, s->ts_ns, &pv->pv, &ev);
	if (e)
		w->st.policy_errors++;
	if (failed && w->gen->fail_block && pv->pv.verdict == SF_VERDICT_PASS) {
		pv->pv.verdict = SF_VERDICT_BLOCK;
		snprintf(pv->pv.reason, sizeof(pv->pv.reason), "scan failed, fail mode closed");
	}
	vc->key = vkey;
	vc->text_fp = pv->text_fp;
	vc->pv = pv->pv;
	vc->scan = pv->scan;
	if (pv->pv.policy_id == POLICY_ID_SERVICE_REPORT && pv->pv.sender[0]) {
		/* a report is one message, however many parts: the
		 * assembler hands it on whole (report_emit) */
		int sev = ps.action == SF_ACT_BLOCK ? 2 : ps.action == SF_ACT_TAG ? 1 : 0;

		if (ev.type == POLICY_EVENT_REPORT)
			ev.type = POLICY_EVENT_NONE;
		eng_reports_part(w->reports, s, pv->pv.sender, sev ? ps.class_id : 0, sev,
				 report_emit, w);
	} else if (s->direction == SF_DIR_MT && s->tp_addr_alnum && pv->pv.recipient[0] &&
		   !s->retransmission) {
		eng_reports_note_delivery(w->reports, pv->pv.recipient, s->tp_oa, s->ts_ns);
	} else if (s->direction == SF_DIR_MO && s->has_concat) {
		maybe_command_part(w, s, &pv->pv);
	}
	/* a retransmission whose verdict fell out of the cache is
	 * decided again, but its first copy already gave the event */
	if (s->retransmission)
		ev.type = POLICY_EVENT_NONE;
	if (ev.type != POLICY_EVENT_NONE)
		emit_event(w, &ev, s);
count:
	w->st.verdicts[pv->pv.verdict < 3 ? pv->pv.verdict : 0]++;
	if (pv->pv.verdict != SF_VERDICT_PASS && pv->pv.class_id < SF_CLASS__COUNT)
		w->st.by_class[pv->pv.class_id]++;
	if (pv->pv.verdict > w->out.verdict)
		w->out.verdict = pv->pv.verdict;
}

static void handle_map_event(struct sf_worker *w, const struct sf_map_event *ev)
{
	if (ev->kind == SF_MAP_EV_SRI_SM_RES && ev->imsi[0] && ev->has_lmsi && !ev->retransmission &&
	    w->sink && w->sink->on_fact) {
		/* the MT that uses this LMSI may reach another worker */
		struct sf_fact f;

		memset(&f, 0, offsetof(struct sf_fact, text));	/* the text is for concat parts */
		f.kind = SF_FACT_LMSI;
		f.ts_ns = ev->ts_ns;
		memcpy(f.a, ev->imsi, strnlen(ev->imsi, sizeof(ev->imsi) - 1));
		memcpy(f.lmsi, ev->lmsi, sizeof(f.lmsi));
		w->st.facts_sent++;
		w->sink->on_fact(w->sink->ctx, &f);
	}
	if (ev->kind == SF_MAP_EV_SRI_SM_RES && ev->imsi[0] && ev->msisdn[0] && !ev->retransmission) {
		policy_learn_sri(w->pst, ev->imsi, ev->msisdn, ev->msisdn_ton, ev->ts_ns);
		/* the IMSI table is in the shared policy state when the workers
		 * share one (every dataplane): nothing to tell the others */
		if (!w->cfg.policy_shared && w->sink && w->sink->on_fact) {
			struct sf_fact f;

			memset(&f, 0, sizeof(f));
			f.kind = SF_FACT_IMSI;
			f.ts_ns = ev->ts_ns;
			snprintf(f.a, sizeof(f.a), "%s", ev->imsi);
			snprintf(f.b, sizeof(f.b), "%s", ev->msisdn);
			f.ton = ev->msisdn_ton;
			w->st.facts_sent++;
			w->sink->on_fact(w->sink->ctx, &f);
		}
	}
}

void sf_worker_apply_fact(struct sf_worker *w, const struct sf_fact *f)
{
	w->st.facts_applied++;
	if (f->kind == SF_FACT_CONCAT_PART) {
		struct scan_result res;

		/* only the stream state matters here; the part's verdict was
		 * given by the worker that saw it */
		if (w->gen && w->gen->bundle && w->scratch_ok)
			scan_concat_part(w->concat, w->gen->bundle, w->scratch, f->key, f->seq, f->total,
					 f->text, f->len, f->a, f->ts_ns, &res);
		return;
	}
	if (f->kind == SF_FACT_LMSI) {
		sf_pipeline_learn_lmsi(w->pl, f->lmsi, f->a, f->ts_ns);
		return;
	}
	if (f->kind == SF_FACT_IMSI)
		policy_learn_sri(w->pst, f->a, f->b, f->ton, f->ts_ns);
	else
		policy_state_shield(w->pst, f->kind == SF_FACT_SHIELD, f->a, f->b, f->ts_ns);
}

/* The record's parts and events in wire order: each part's verdict into
 * the next slot of w->out. */
static void decide_items(struct sf_worker *w, const struct sf_pkt_rec *rec)
{
	for (unsigned i = 0; i < rec->n_items; i++) {
		if (rec->item[i].kind == SF_PKT_ITEM_SMS) {
			unsigned k = w->out.n_parts++;	/* ≤ rec->n_sms ≤ SF_PKT_SMS_MAX */

			decide_part(w, &rec->sms[rec->item[i].idx], &w->out.part[k], w->norm[k]);
		} else {
			handle_map_event(w, &rec->ev[rec->item[i].idx]);
		}
	}
}

/* A packet with more parts than the record holds: this batch is decided
 * now and handed to the sink, as its storage is about to be reused. */
static void decide_flush(void *ctx, const struct sf_pkt_rec *rec)
{
	struct sf_worker *w = ctx;

	decide_items(w, rec);
	for (unsigned i = 0; i < w->out.n_parts; i++)
		if (w->sink && w->sink->on_part)
			w->sink->on_part(w->sink->ctx, &w->out.part[i]);
	w->out.n_early += w->out.n_parts;
	w->out.n_parts = 0;
}

const struct sf_pkt_verdict *sf_worker_decide_l3(struct sf_worker *w, const struct sf_gen *g,
						 const uint8_t *p, size_t len, int linktype,
						 const struct sf_l3_pre *pre,
						 uint64_t frame, uint64_t ts_ns,
						 const struct sf_engine_sink *sink)
{
	struct sf_pipeline_flush fl = { w, decide_flush };
	const struct sf_pkt_rec *rec;

	w->gen = g;
	w->sink = sink;
	w->out.verdict = SF_VERDICT_PASS;
	w->out.n_parts = 0;
	w->out.n_early = 0;
	w->st.packets++;
	rec = sf_pipeline_decode_l3(w->pl, p, len, linktype, pre, frame, ts_ns, &fl);
	decide_items(w, rec);
	w->out.rec = rec;
	return &w->out;
}

const struct sf_pkt_verdict *sf_worker_decide(struct sf_worker *w, const struct sf_gen *g,
					      const uint8_t *p, size_t len, int linktype,
					      uint64_t frame, uint64_t ts_ns,
					      const struct sf_engine_sink *sink)
{
	return sf_worker_decide_l3(w, g, p, len, linktype, NULL, frame, ts_ns, sink);
}

int sf_worker_packet(struct sf_worker *w, const struct sf_gen *g,
		     const uint8_t *p, size_t len, int linktype,
		     uint64_t frame, uint64_t ts_ns, const struct sf_engine_sink *sink)
{
	const struct sf_pkt_verdict *pv = sf_worker_decide(w, g, p, len, linktype, frame, ts_ns, sink);

	if (sink && sink->on_part)
		for (unsigned i = 0; i < pv->n_parts; i++)
			sink->on_part(sink->ctx, &pv->part[i]);
	return pv->verdict;
}

void sf_worker_expire_reports(struct sf_worker *w, uint64_t now_ns, const struct sf_engine_sink *sink)
{
	const struct sf_engine_sink *saved = w->sink;

	w->sink = sink;
	eng_reports_expire(w->reports, now_ns, report_emit, w);
	eng_reports_expire(w->commands, now_ns, command_emit, w);
	w->sink = saved;
}

void sf_worker_flush_reports(struct sf_worker *w, const struct sf_engine_sink *sink)
{
	const struct sf_engine_sink *saved = w->sink;

	w->sink = sink;
	eng_reports_flush(w->reports, report_emit, w);
	eng_reports_flush(w->commands, command_emit, w);
	w->sink = saved;
}

const struct eng_report_stats *sf_worker_report_stats(const struct sf_worker *w)
{
	return eng_reports_stats(w->reports);
}

void sf_worker_tick(struct sf_worker *w, uint64_t now_ns)
{
	sf_pipeline_expire(w->pl, now_ns, 32);
	scan_concat_expire(w->concat, now_ns, 32);
}

const struct sf_worker_stats *sf_worker_stats(const struct sf_worker *w)
{
	return &w->st;
}

struct sf_pipeline *sf_worker_pipeline(struct sf_worker *w)
{
	return w->pl;
}

const struct sf_pipeline_stats *sf_worker_pipeline_stats(const struct sf_worker *w)
{
	return sf_pipeline_stats(w->pl);
}

void sf_worker_table_stats(const struct sf_worker *w, struct policy_state_stats *pol,
			   struct scan_concat_stats *concat, unsigned *concat_active)
{
	policy_state_stats(w->pst, pol);
	scan_concat_get_stats(w->concat, concat);
	*concat_active = scan_concat_active(w->concat);
}
