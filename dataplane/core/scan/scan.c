/* SPDX-License-Identifier: BSD-3-Clause */
/* Block-mode scanning, per-thread scratch and the decision over rule hits.
 * Spec: rules/FORMAT.md "Decision"; Hyperscan 5.4 runtime API (hs_scan,
 * hs_alloc_scratch: one scratch per thread, grown for every database). */
#include "scan/scan.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sf_verdict.h"
#include "scan/scan_int.h"
#include "score/score.h"

void scan_acc_init(struct scan_acc *a)
{
	memset(a, 0, sizeof *a);
}

static int acc_has(const struct scan_acc *a, uint32_t idx)
{
	for (unsigned i = 0; i < a->n_hits && i < SCAN_MAX_HITS; i++)
		if (a->hits[i] == idx)
			return 1;
	return 0;
}

static void acc_put(struct scan_acc *a, const struct scan_bundle *b, uint32_t idx)
{
	const struct rule_info *r = &b->rules[idx];

	if (a->n_hits < SCAN_MAX_HITS)
		a->hits[a->n_hits] = idx;
	if (a->n_hits < UINT16_MAX)
		a->n_hits++;
	/* rule indexes are in id order, so the lowest index is the lowest id */
	switch (r->action) {
	case SF_ACT_ALLOW:
		if (!a->allow_idx || idx + 1 < a->allow_idx)
			a->allow_idx = idx + 1;
		/* an allow rule tied to a sender set (positive) is entitled: the
		 * hit was only counted because the sender is registered for it */
		if (r->sender_set && !r->sender_neg &&
		    (!a->allow_sender_idx || idx + 1 < a->allow_sender_idx))
			a->allow_sender_idx = idx + 1;
		break;
	case SF_ACT_BLOCK:
		if (!a->block_idx || idx + 1 < a->block_idx)
			a->block_idx = idx + 1;
		break;
	case SF_ACT_TAG:
		if (!a->tag_idx || idx + 1 < a->tag_idx)
			a->tag_idx = idx + 1;
		break;
	case SF_ACT_SCORE:
		if (r->class_id < SF_CLASS__COUNT) {
			uint32_t cur = a->score_idx[r->class_id];

			a->score[r->class_id] += r->score;
			if (!cur || r->score > b->rules[cur - 1].score)
				a->score_idx[r->class_id] = idx + 1;
		}
		break;
	default:
		break;
	}
}

void scan_acc_add(struct scan_acc *a, const struct scan_bundle *b, uint32_t idx, const char *sender)
{
	const struct rule_info *r;

	if (idx >= b->n_rules)
		return;
	r = &b->rules[idx];
	if (r->sender_set) {
		int in;

		a->sender_dep = 1;	/* whoever sent it, the result depended on it */

		if (!sender)
			return;	/* unknown sender: a sender condition cannot hold */
		in = scan_bundle_sender_in_set(b, r->sender_set, sender);
		if (in == r->sender_neg)
			return;
	}
	if (acc_has(a, idx))
		return;
	acc_put(a, b, idx);
}

void scan_acc_merge(struct scan_acc *dst, const struct scan_acc *src, const struct scan_bundle *b)
{
	for (unsigned i = 0; i < src->n_hits && i < SCAN_MAX_HITS; i++)
		if (!acc_has(dst, src->hits[i]))
			acc_put(dst, b, src->hits[i]);
}

void scan_acc_result(const struct scan_acc *a, const struct scan_bundle *b, struct scan_result *out)
{
	unsigned best = 0, i, j, n;
	int32_t best_score = 0;

	memset(out, 0, sizeof *out);
	for (i = 1; i < SF_CLASS__COUNT; i++) {
		if (a->score[i] > best_score) {
			best_score = a->score[i];
			best = i;
		}
	}
	out->score = best_score;
	/* rules/FORMAT.md "Decision": an allow rule tied to the sender (a
	 * registered OTP/notice sender, whose spoofing the policy checks) wins;
	 * a shape-only allow (no sender condition) exempts benign content but
	 * never block-class evidence: a block rule or a class score reaching
	 * the threshold blocks, so an OTP appended to a fraud text is no pass. */
	if (a->allow_sender_idx) {
		out->action = SF_ACT_ALLOW;
		out->class_id = SF_CLASS_ALLOW;
		out->rule_id = b->rules[a->allow_sender_idx - 1].id;
		out->flags |= SCAN_F_ALLOW_SENDER;
	} else if (a->block_idx) {
		out->action = SF_ACT_BLOCK;
		out->class_id = b->rules[a->block_idx - 1].class_id;
		out->rule_id = b->rules[a->block_idx - 1].id;
	} else if (best && best_score >= (int32_t)b->threshold) {
		out->action = SF_ACT_BLOCK;
		out->class_id = (uint8_t)best;
		out->rule_id = b->rules[a->score_idx[best] - 1].id;
	} else if (a->allow_idx) {
		out->action = SF_ACT_ALLOW;
		out->class_id = SF_CLASS_ALLOW;
		out->rule_id = b->rules[a->allow_idx - 1].id;
	} else if (a->tag_idx) {
		out->action = SF_ACT_TAG;
		out->class_id = b->rules[a->tag_idx - 1].class_id;
		out->rule_id = b->rules[a->tag_idx - 1].id;
	} else if (best) {
		out->action = SF_ACT_NONE;
		out->class_id = (uint8_t)best;
		out->rule_id = b->rules[a->score_idx[best] - 1].id;
	}
	n = a->n_hits < SCAN_MAX_HITS ? a->n_hits : SCAN_MAX_HITS;
	for (i = 0; i < n; i++) {		/* ids ascending: insertion sort */
		uint32_t id = b->rules[a->hits[i]].id;

		for (j = i; j > 0 && out->hits[j - 1] > id; j--)
			out->hits[j] = out->hits[j - 1];
		out->hits[j] = id;
	}
	out->n_hits = (uint16_t)n;
	out->n_hits_total = a->n_hits;
	out->sender_dep = a->sender_dep;
}

int scan_on_match(unsigned int id, unsigned long long from, unsigned long long to,
		  unsigned int flags, void *ctx)
{
	struct scan_ctx *c = ctx;

	(void)from;
	(void)to;
	(void)flags;
	scan_acc_add(c->acc, c->b, id, c->sender);
	return 0;
}

struct scan_scratch *scan_scratch_create(const struct scan_bundle *b)
{
	struct scan_scratch *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	if (b && scan_scratch_fit(s, b) != 0) {
		scan_scratch_free(s);
		return NULL;
	}
	return s;
}

int scan_scratch_fit(struct scan_scratch *s, const struct scan_bundle *b)
{
	hs_stream_t *st = NULL;

	if (!b || !b->block_db)
		return 0;
	if (hs_alloc_scratch(b->block_db, &s->hs) != HS_SUCCESS ||
	    hs_alloc_scratch(b->stream_db, &s->hs) != HS_SUCCESS)
		return -1;
	if (s->stream_gen == b->gen)
		return 0;
	if (hs_open_stream(b->stream_db, 0, &st) != HS_SUCCESS)
		return -1;
	if (s->stream)
		hs_close_stream(s->stream, NULL, NULL, NULL);
	s->stream = st;
	s->stream_gen = b->gen;
	return 0;
}

void scan_scratch_free(struct scan_scratch *s)
{
	if (!s)
		return;
	if (s->stream)
		hs_close_stream(s->stream, NULL, NULL, NULL);
	hs_free_scratch(s->hs);
	free(s);
}

enum sf_err scan_block(const struct scan_bundle *b, struct scan_scratch *s,
		       const char *norm, size_t len, const char *sender,
		       struct scan_result *out)
{
	struct scan_acc acc;
	struct scan_ctx ctx;
	char canon[BUNDLE_SENDER_MAX + 1];

	memset(out, 0, sizeof *out);
	if (!b->block_db) {
		scan_model_apply(b, norm, len, out);	/* an empty rule set hits nothing */
		return SF_OK;
	}
	if (len > UINT_MAX)
		return SF_E_RULES_TOO_LONG;
	if (!s || !s->hs)
		return SF_E_RULES_SCRATCH;
	scan_acc_init(&acc);
	ctx.b = b;
	ctx.acc = &acc;
	ctx.sender = scan_sender_canon(sender, canon) ? canon : NULL;
	if (hs_scan(b->block_db, norm, (unsigned)len, 0, s->hs, scan_on_match, &ctx) != HS_SUCCESS)
		return SF_E_RULES_SCAN;
	scan_acc_result(&acc, b, out);
	scan_model_apply(b, norm, len, out);
	return SF_OK;
}

void scan_model_apply(const struct scan_bundle *b, const char *norm, size_t len,
		      struct scan_result *out)
{
	int32_t s[SCORE_MAX_CLASSES];

	if (!b->model)
		return;
	score_text(b->model, norm, len, s);
	scan_model_decide(b, s, out);
}

void scan_model_decide(const struct scan_bundle *b, const int32_t s[SCORE_MAX_CLASSES],
		       struct scan_result *out)
{
	const struct score_model *m = b->model;
	unsigned c, act;

	if (!m)
		return;
	act = score_decide(m, s, &c);
	out->model_action = (uint8_t)act;
	out->model_class = m->cls[c].sf_class;
	out->model_score = s[c];
	out->model_version = m->version;
	if (out->action == SF_ACT_BLOCK ||
	    (out->action == SF_ACT_ALLOW && (out->flags & SCAN_F_ALLOW_SENDER)))
		return;		/* sender-tied allows win; a rule's block decides its class */
	/* a shape-only allow exempts benign content, never block-class
	 * evidence (rules/FORMAT.md "Decision"): the model's block is such */
	if (act == SF_ACT_BLOCK) {
		out->action = SF_ACT_BLOCK;
		out->class_id = m->cls[c].sf_class;
		out->rule_id = 0;
		out->flags |= SCAN_F_MODEL;
		return;
	}
	if (out->score > 0 && out->class_id) {
		/* below its block threshold the model raises a score rule's sum */
		for (unsigned k = 0; k < m->n_classes; k++) {
			const struct score_class *sc = &m->cls[k];

			if (sc->sf_class != out->class_id || !sc->raise || sc->tag_thr == SCORE_NEVER ||
			    s[k] < sc->tag_thr)
				continue;
			out->score += sc->raise;
			out->flags |= SCAN_F_MODEL;
			if (out->score >= (int32_t)b->threshold) {
				out->action = SF_ACT_BLOCK;	/* rule_id: the class's top score rule */
				return;
			}
			break;
		}
	}
	if (act == SF_ACT_TAG && out->action == SF_ACT_NONE) {
		out->action = SF_ACT_TAG;
		out->class_id = m->cls[c].sf_class;
		out->rule_id = 0;
		out->flags |= SCAN_F_MODEL;
	}
}

struct hits_ctx {
	const struct scan_bundle *b;
	const char *sender;
	scan_hit_fn fn;
	void *arg;
};

static int on_hit(unsigned int id, unsigned long long from, unsigned long long to,
		  unsigned int flags, void *ctx)
{
	struct hits_ctx *h = ctx;
	const struct rule_info *r;
	int ok = 1;

	(void)from;
	(void)flags;
	if (id >= h->b->n_rules)
		return 0;
	r = &h->b->rules[id];
	if (r->sender_set)
		ok = h->sender && scan_bundle_sender_in_set(h->b, r->sender_set, h->sender) != r->sender_neg;
	h->fn(h->arg, r, to, ok);
	return 0;
}

enum sf_err scan_block_hits(const struct scan_bundle *b, struct scan_scratch *s,
			    const char *norm, size_t len, const char *sender,
			    scan_hit_fn fn, void *arg)
{
	char canon[BUNDLE_SENDER_MAX + 1];
	struct hits_ctx h = { b, NULL, fn, arg };

	if (!b->block_db)
		return SF_OK;
	if (len > UINT_MAX)
		return SF_E_RULES_TOO_LONG;
	if (!s || !s->hs)
		return SF_E_RULES_SCRATCH;
	h.sender = scan_sender_canon(sender, canon) ? canon : NULL;
	if (hs_scan(b->block_db, norm, (unsigned)len, 0, s->hs, on_hit, &h) != HS_SUCCESS)
		return SF_E_RULES_SCAN;
	return SF_OK;
}
