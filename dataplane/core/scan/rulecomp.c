/* SPDX-License-Identifier: BSD-3-Clause */
/* Rule compiler: Hyperscan checks per pattern, then hs_compile_multi into a
 * block-mode and a streaming-mode database, serialised into a bundle.
 * Spec: rules/FORMAT.md "check" and "Bundle file"; Hyperscan 5.4 compile
 * API (hs_expression_info, hs_compile, hs_compile_multi). */
#include "scan/rulecomp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs/hs.h>

#include "sf_verdict.h"

void rulecomp_default_opts(struct rulecomp_opts *o)
{
	memset(o, 0, sizeof *o);
	o->max_repeat = 255;
	o->max_repeat_cost = 1000;
	o->max_stream_state = 4096;
	o->max_bytecode = 1u << 20;
}

unsigned rulecomp_hs_flags(const struct rulefile_rule *r)
{
	return r->hs_flags | HS_FLAG_UTF8 | HS_FLAG_UCP | HS_FLAG_SINGLEMATCH;
}

/* Static cost of a pattern's counted repeats: every {m,n} adds n (or m when
 * unbounded), and a repeated group multiplies its contents' cost. Also finds
 * the first single repeat above max. Character classes and escapes are
 * skipped. Returns the cost; *big names the first oversized repeat. */
static unsigned long repeat_cost(const char *p, unsigned max, char *big, size_t n)
{
	unsigned long stack[64], cur = 0, last_group = 0;
	unsigned depth = 0;
	int in_class = 0, after_group = 0;

	big[0] = '\0';
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			after_group = 0;
			continue;
		}
		if (in_class) {
			if (*p == ']')
				in_class = 0;
			continue;
		}
		if (*p == '[') {
			in_class = 1;
			after_group = 0;
			if (p[1] == '^')
				p++;
			if (p[1] == ']')
				p++;	/* a leading ] is literal */
			continue;
		}
		if (*p == '(') {
			if (depth < 64)
				stack[depth] = cur;
			depth++;
			cur = 0;
			after_group = 0;
			continue;
		}
		if (*p == ')' && depth > 0) {
			depth--;
			last_group = cur;
			cur = (depth < 64 ? stack[depth] : 0) + last_group;
			after_group = 1;
			continue;
		}
		if (*p == '{' && p[1] >= '0' && p[1] <= '9') {
			const char *q = p + 1;
			unsigned long a = 0, b = 0;
			int has_b = 0;

			while (*q >= '0' && *q <= '9' && a < 100000000)
				a = a * 10 + (unsigned long)(*q++ - '0');
			if (*q == ',') {
				q++;
				while (*q >= '0' && *q <= '9' && b < 100000000) {
					b = b * 10 + (unsigned long)(*q++ - '0');
					has_b = 1;
				}
			}
			if (*q != '}') {
				after_group = 0;
				continue;
			}
			if (!has_b)
				b = a;
			if (!big[0] && (a > max || b > max))
				snprintf(big, n, "%.*s", (int)(q - p + 1), p);
			if (after_group)
				cur += last_group * (b > 0 ? b - 1 : 0);	/* group already counted once */
			else
				cur += b;
			p = q;
			after_group = 0;
			continue;
		}
		after_group = 0;
	}
	while (depth > 0) {	/* unbalanced: Hyperscan reports it */
		depth--;
		cur += depth < 64 ? stack[depth] : 0;
	}
	return cur;
}

static void get_platform(const struct rulecomp_opts *o, hs_platform_info_t *p)
{
	memset(p, 0, sizeof *p);
	if (o->generic_platform || hs_populate_platform(p) != HS_SUCCESS) {
		p->tune = HS_TUNE_FAMILY_GENERIC;
		p->cpu_features = 0;
	}
}

unsigned rulecomp_check(struct rulefile *rf, const struct rulecomp_opts *o)
{
	unsigned before = rf->n_diags;
	hs_platform_info_t plat;

	get_platform(o, &plat);
	for (unsigned i = 0; i < rf->n_rules; i++) {
		struct rulefile_rule *r = &rf->rules[i];
		unsigned flags = rulecomp_hs_flags(r);
		hs_expr_info_t *info = NULL;
		hs_compile_error_t *ce = NULL;
		hs_database_t *db = NULL;
		char rep[64];
		size_t sz;
		unsigned long cost;

		if (!r->pattern)
			continue;
		cost = repeat_cost(r->pattern, o->max_repeat, rep, sizeof rep);
		if (rep[0]) {
			rulefile_error(rf, r->file, r->pattern_line,
				       "rule %u: bounded repeat %s is above the limit of %u "
				       "(write a smaller window)", r->id, rep, o->max_repeat);
			continue;
		}
		if (cost > o->max_repeat_cost) {
			rulefile_error(rf, r->file, r->pattern_line,
				       "rule %u: pattern too expensive: its bounded repeats add up to %lu "
				       "(limit %lu; a repeated group multiplies its contents)",
				       r->id, cost, o->max_repeat_cost);
			continue;
		}
		if (hs_expression_info(r->pattern, flags | HS_FLAG_ALLOWEMPTY, &info, &ce) != HS_SUCCESS) {
			rulefile_error(rf, r->file, r->pattern_line, "rule %u: Hyperscan: %s", r->id,
				       ce && ce->message ? ce->message : "invalid pattern");
			hs_free_compile_error(ce);
			continue;
		}
		if (info->min_width == 0) {
			rulefile_error(rf, r->file, r->pattern_line,
				       "rule %u: pattern can match the empty string", r->id);
			free(info);
			continue;
		}
		free(info);
		if (o->skip_cost)
			continue;
		if (hs_compile(r->pattern, flags, HS_MODE_STREAM, &plat, &db, &ce) != HS_SUCCESS) {
			rulefile_error(rf, r->file, r->pattern_line, "rule %u: Hyperscan: %s", r->id,
				       ce && ce->message ? ce->message : "compile failed");
			hs_free_compile_error(ce);
			continue;
		}
		if (hs_stream_size(db, &sz) == HS_SUCCESS && sz > o->max_stream_state)
			rulefile_error(rf, r->file, r->pattern_line,
				       "rule %u: pattern too expensive: %zu bytes of stream state "
				       "per message (limit %zu)", r->id, sz, o->max_stream_state);
		else if (hs_database_size(db, &sz) == HS_SUCCESS && sz > o->max_bytecode)
			rulefile_error(rf, r->file, r->pattern_line,
				       "rule %u: pattern too expensive: %zu bytes of bytecode (limit %zu)",
				       r->id, sz, o->max_bytecode);
		hs_free_database(db);
	}
	return rf->n_diags - before;
}

static int compile_mode(struct rulefile *rf, unsigned mode, const char *const *pats,
			const unsigned *flags, const unsigned *ids, const hs_platform_info_t *plat,
			char **ser, size_t *serlen, char *err, size_t errlen)
{
	hs_database_t *db = NULL;
	hs_compile_error_t *ce = NULL;

	if (hs_compile_multi(pats, flags, ids, rf->n_rules, mode, plat, &db, &ce) != HS_SUCCESS) {
		if (ce && ce->expression >= 0 && (unsigned)ce->expression < rf->n_rules) {
			struct rulefile_rule *r = &rf->rules[ce->expression];

			rulefile_error(rf, r->file, r->pattern_line, "rule %u: Hyperscan: %s", r->id,
				       ce->message);
		} else {
			snprintf(err, errlen, "Hyperscan (%s mode): %s",
				 mode == HS_MODE_BLOCK ? "block" : "stream",
				 ce && ce->message ? ce->message : "compile failed");
		}
		hs_free_compile_error(ce);
		return -1;
	}
	if (hs_serialize_database(db, ser, serlen) != HS_SUCCESS) {
		snprintf(err, errlen, "Hyperscan: cannot serialise the database");
		hs_free_database(db);
		return -1;
	}
	hs_free_database(db);
	return 0;
}

int rulecomp_build(struct rulefile *rf, const struct rulecomp_opts *o,
		   uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	const char **pats = calloc(rf->n_rules + 1, sizeof *pats);
	unsigned *flags = calloc(rf->n_rules + 1, sizeof *flags);
	unsigned *ids = calloc(rf->n_rules + 1, sizeof *ids);
	struct rule_info *ri = calloc(rf->n_rules + 1, sizeof *ri);
	struct bundle_sender_set *sets = calloc(rf->n_sets + 1, sizeof *sets);
	struct bundle_build bb;
	char *bser = NULL, *sser = NULL;
	size_t blen = 0, slen = 0;
	int rc = -1;

	err[0] = '\0';
	*out = NULL;
	*outlen = 0;
	if (!pats || !flags || !ids || !ri || !sets) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	for (unsigned i = 0; i < rf->n_rules; i++) {
		const struct rulefile_rule *r = &rf->rules[i];

		if (!r->pattern || r->class_id == SF_CLASS_NONE || !r->action) {
			snprintf(err, errlen, "rule %u is incomplete (run check)", r->id);
			goto done;
		}
		pats[i] = r->pattern;
		flags[i] = rulecomp_hs_flags(r);
		ids[i] = i;	/* expression id = index in the id-sorted table */
		ri[i].id = r->id;
		ri[i].class_id = r->class_id;
		ri[i].action = r->action;
		ri[i].score = r->action == SF_ACT_SCORE ? r->score : 0;
		ri[i].sender_set = r->sender_set;
		ri[i].sender_neg = r->sender_set ? r->sender_neg : 0;
		ri[i].hs_flags = flags[i];
		ri[i].desc = r->desc;
		ri[i].pattern = r->pattern;
		ri[i].src = r->src;
	}
	for (unsigned i = 0; i < rf->n_sets; i++) {
		sets[i].name = rf->sets[i].name;
		sets[i].n = rf->sets[i].n;
		sets[i].e = rf->sets[i].e;
	}
	memset(&bb, 0, sizeof bb);
	get_platform(o, &bb.platform);
	if (rf->n_rules) {
		if (compile_mode(rf, HS_MODE_BLOCK, pats, flags, ids, &bb.platform, &bser, &blen,
				 err, errlen) != 0 ||
		    compile_mode(rf, HS_MODE_STREAM, pats, flags, ids, &bb.platform, &sser, &slen,
				 err, errlen) != 0)
			goto done;
	}
	rulefile_digest(rf, bb.src_digest);
	bb.threshold = rf->threshold;
	bb.block_db = bser;
	bb.block_len = blen;
	bb.stream_db = sser;
	bb.stream_len = slen;
	bb.n_rules = rf->n_rules;
	bb.rules = ri;
	bb.n_sets = rf->n_sets;
	bb.sets = sets;
	rc = scan_bundle_write(&bb, out, outlen, err, errlen);
done:
	free(bser);
	free(sser);
	free(pats);
	free(flags);
	free(ids);
	free(ri);
	free(sets);
	return rc;
}
