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
#include <pthread.h>

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

/* A Hyperscan message about the expanded pattern ("... at index 14.")
 * retold at what the analyst wrote: the column in the rule's line, and
 * the character inside a {NAME} when the fault is in a define's value. */
static void hs_error(struct rulefile *rf, const struct rulefile_rule *r, unsigned line,
		     const char *raw, unsigned value_col, const char *msg)
{
	const char *at = strstr(msg, " at index ");
	char *end;
	unsigned long idx;
	const char *def;
	unsigned def_char, col;

	if (!at || !raw) {
		rulefile_error(rf, r->file, line, "rule %u: Hyperscan: %s", r->id, msg);
		return;
	}
	idx = strtoul(at + 10, &end, 10);
	if (end == at + 10) {
		rulefile_error(rf, r->file, line, "rule %u: Hyperscan: %s", r->id, msg);
		return;
	}
	col = rulefile_raw_column(rf, raw, value_col, idx, &def, &def_char);
	if (def)
		rulefile_error(rf, r->file, line, "rule %u: Hyperscan: %.*s at column %u, in {%s} "
			       "(character %u of its value)%s", r->id, (int)(at - msg), msg, col, def,
			       def_char, end);
	else
		rulefile_error(rf, r->file, line, "rule %u: Hyperscan: %.*s at column %u%s", r->id,
			       (int)(at - msg), msg, col, end);
}

/* The checks of one pattern (a rule's "pattern" or one of its "and"
 * lines), reported at its line. */
static int check_part(struct rulefile *rf, const struct rulefile_rule *r, const char *pat,
		      const char *raw, unsigned line, unsigned value_col,
		      const struct rulecomp_opts *o)
{
	unsigned flags = rulecomp_hs_flags(r);
	hs_expr_info_t *info = NULL;
	hs_compile_error_t *ce = NULL;
	char rep[64];
	unsigned long cost;

	cost = repeat_cost(pat, o->max_repeat, rep, sizeof rep);
	if (rep[0]) {
		rulefile_error(rf, r->file, line,
			       "rule %u: bounded repeat %s is above the limit of %u "
			       "(write a smaller window)", r->id, rep, o->max_repeat);
		return 0;
	}
	if (cost > o->max_repeat_cost) {
		rulefile_error(rf, r->file, line,
			       "rule %u: pattern too expensive: its bounded repeats add up to %lu "
			       "(limit %lu; a repeated group multiplies its contents)",
			       r->id, cost, o->max_repeat_cost);
		return 0;
	}
	if (hs_expression_info(pat, flags | HS_FLAG_ALLOWEMPTY, &info, &ce) != HS_SUCCESS) {
		hs_error(rf, r, line, raw, value_col, ce && ce->message ? ce->message : "invalid pattern");
		hs_free_compile_error(ce);
		return 0;
	}
	if (info->min_width == 0) {
		rulefile_error(rf, r->file, line, "rule %u: pattern can match the empty string", r->id);
		free(info);
		return 0;
	}
	/* a logical combination needs its parts' matches in offset order
	 * (Hyperscan "unordered match in sub-expressions"): an end anchor
	 * reports at the end of the data, out of order */
	if (r->n_and && (info->matches_at_eod || info->matches_only_at_eod)) {
		rulefile_error(rf, r->file, line,
			       "rule %u: a pattern joined with \"and\" cannot use an end-of-text "
			       "anchor ($ or \\z); keep it in a rule of its own", r->id);
		free(info);
		return 0;
	}
	free(info);
	return !o->skip_cost;
}

/* The size checks (c): each pattern compiled on its own in streaming mode.
 * The compiles are independent and take most of a large set's check time,
 * so two threads share them; the results are reported afterwards in rule
 * order, exactly as one thread would. */
struct part_job {
	const struct rulefile_rule *r;
	const char *pat, *raw;
	unsigned line, value_col;
	hs_error_t rc;
	hs_compile_error_t *ce;
	size_t stream, bytecode;
};

struct part_pool {
	struct part_job *j;
	unsigned n;
	const hs_platform_info_t *plat;
	pthread_mutex_t mu;
	unsigned next;
};

static void *part_worker(void *arg)
{
	struct part_pool *p = arg;

	for (;;) {
		struct part_job *j;
		hs_database_t *db = NULL;

		pthread_mutex_lock(&p->mu);
		j = p->next < p->n ? &p->j[p->next++] : NULL;
		pthread_mutex_unlock(&p->mu);
		if (!j)
			return NULL;
		j->rc = hs_compile(j->pat, rulecomp_hs_flags(j->r), HS_MODE_STREAM, p->plat, &db, &j->ce);
		if (j->rc == HS_SUCCESS) {
			if (hs_stream_size(db, &j->stream) != HS_SUCCESS)
				j->stream = 0;
			if (hs_database_size(db, &j->bytecode) != HS_SUCCESS)
				j->bytecode = 0;
			hs_free_database(db);
		}
	}
}

static void report_part(struct rulefile *rf, struct part_job *j, const struct rulecomp_opts *o)
{
	const struct rulefile_rule *r = j->r;

	if (j->rc != HS_SUCCESS) {
		hs_error(rf, r, j->line, j->raw, j->value_col,
			 j->ce && j->ce->message ? j->ce->message : "compile failed");
		hs_free_compile_error(j->ce);
		return;
	}
	if (j->stream > o->max_stream_state)
		rulefile_error(rf, r->file, j->line,
			       "rule %u: pattern too expensive: %zu bytes of stream state "
			       "per message (limit %zu)", r->id, j->stream, o->max_stream_state);
	else if (j->bytecode > o->max_bytecode)
		rulefile_error(rf, r->file, j->line,
			       "rule %u: pattern too expensive: %zu bytes of bytecode (limit %zu)",
			       r->id, j->bytecode, o->max_bytecode);
}

unsigned rulecomp_check(struct rulefile *rf, const struct rulecomp_opts *o)
{
	unsigned before = rf->n_diags;
	hs_platform_info_t plat;
	struct part_pool pool;
	unsigned cap = 0;
	pthread_t t;
	int threaded;

	get_platform(o, &plat);
	for (unsigned i = 0; i < rf->n_rules; i++)
		cap += 1 + rf->rules[i].n_and;
	memset(&pool, 0, sizeof pool);
	pool.j = calloc(cap ? cap : 1, sizeof *pool.j);
	if (!pool.j) {
		rulefile_error(rf, rf->n_rules ? rf->rules[0].file : "", 0, "out of memory");
		return rf->n_diags - before;
	}
	pool.plat = &plat;
	for (unsigned i = 0; i < rf->n_rules; i++) {
		struct rulefile_rule *r = &rf->rules[i];

		if (r->pattern && check_part(rf, r, r->pattern, r->pattern_raw, r->pattern_line,
					     r->pattern_col, o))
			pool.j[pool.n++] = (struct part_job){ r, r->pattern, r->pattern_raw,
							      r->pattern_line, r->pattern_col,
							      HS_SUCCESS, NULL, 0, 0 };
		for (unsigned k = 0; k < r->n_and; k++)
			if (r->and_pat[k] && check_part(rf, r, r->and_pat[k], r->and_raw[k],
							r->and_line[k], r->and_col[k], o))
				pool.j[pool.n++] = (struct part_job){ r, r->and_pat[k], r->and_raw[k],
								      r->and_line[k], r->and_col[k],
								      HS_SUCCESS, NULL, 0, 0 };
	}
	if (pool.n) {
		pthread_mutex_init(&pool.mu, NULL);
		threaded = pool.n > 1 && pthread_create(&t, NULL, part_worker, &pool) == 0;
		part_worker(&pool);
		if (threaded)
			pthread_join(t, NULL);
		pthread_mutex_destroy(&pool.mu);
		for (unsigned i = 0; i < pool.n; i++)
			report_part(rf, &pool.j[i], o);
	}
	free(pool.j);
	return rf->n_diags - before;
}

/* The expressions handed to hs_compile_multi: one per rule (expression id =
 * the rule's index in the id-sorted table), then the quiet parts of the
 * rules with "and" lines, shared between rules (id n_rules + k). */
struct hsx {
	const char **pats;
	unsigned *flags, *ids;
	unsigned n, cap;
	unsigned *rule, *line;	/* where each expression was written, for errors */
	char **owned;		/* combination expressions and display strings */
	unsigned n_owned;
};

static int grow(void *pp, unsigned cap, size_t esz)
{
	void *n = realloc(*(void **)pp, cap * esz);

	if (!n)
		return -1;
	*(void **)pp = n;
	return 0;
}

static int hsx_add(struct hsx *x, const char *pat, unsigned flags, unsigned rule, unsigned line)
{
	if (x->n == x->cap) {
		unsigned cap = x->cap ? x->cap * 2 : 64;

		if (grow(&x->pats, cap, sizeof *x->pats) || grow(&x->flags, cap, sizeof *x->flags) ||
		    grow(&x->ids, cap, sizeof *x->ids) || grow(&x->rule, cap, sizeof *x->rule) ||
		    grow(&x->line, cap, sizeof *x->line))
			return -1;
		x->cap = cap;
	}
	x->pats[x->n] = pat;
	x->flags[x->n] = flags;
	x->ids[x->n] = x->n;
	x->rule[x->n] = rule;
	x->line[x->n] = line;
	x->n++;
	return 0;
}

static char *hsx_own(struct hsx *x, char *s)
{
	char **o = s ? realloc(x->owned, (x->n_owned + 1) * sizeof *o) : NULL;

	if (!o) {
		free(s);
		return NULL;
	}
	x->owned = o;
	x->owned[x->n_owned++] = s;
	return s;
}

static void hsx_free(struct hsx *x)
{
	for (unsigned i = 0; i < x->n_owned; i++)
		free(x->owned[i]);
	free(x->owned);
	free(x->pats);
	free(x->flags);
	free(x->ids);
	free(x->rule);
	free(x->line);
}

/* The id of a quiet part with this pattern and these flags: an existing one
 * (rules share their parts, so a part is matched once) or a new one. */
static int part_id(struct hsx *x, unsigned first_part, const char *pat, unsigned flags,
		   unsigned rule, unsigned line)
{
	for (unsigned k = first_part; k < x->n; k++)
		if (x->flags[k] == flags && strcmp(x->pats[k], pat) == 0)
			return (int)k;
	return hsx_add(x, pat, flags, rule, line) ? -1 : (int)x->n - 1;
}

/* Rule i's expression: its pattern, or for a rule with "and" lines the
 * logical combination "a & b & ..." of its parts (Hyperscan 5.4
 * HS_FLAG_COMBINATION). *display gets the parts joined by newlines (the
 * bundle's pattern string: explain shows where each part hit). */
static int add_rule_parts(struct hsx *x, const struct rulefile *rf, unsigned first_part,
			  unsigned i, char **display)
{
	const struct rulefile_rule *r = &rf->rules[i];
	unsigned flags = rulecomp_hs_flags(r) | HS_FLAG_QUIET;
	const char *parts[RULEFILE_MAX_AND + 1];
	unsigned lines[RULEFILE_MAX_AND + 1], np = 0;
	size_t cl = 1, dl = 1;
	char *comb, *disp;

	parts[np] = r->pattern;
	lines[np++] = r->pattern_line;
	for (unsigned k = 0; k < r->n_and; k++) {
		parts[np] = r->and_pat[k];
		lines[np++] = r->and_line[k];
	}
	for (unsigned k = 0; k < np; k++) {
		if (!parts[k])
			return -1;
		cl += 16;
		dl += strlen(parts[k]) + 1;
	}
	comb = hsx_own(x, malloc(cl));
	disp = hsx_own(x, malloc(dl));
	if (!comb || !disp)
		return -1;
	comb[0] = disp[0] = '\0';
	for (unsigned k = 0, co = 0, dof = 0; k < np; k++) {
		int id = part_id(x, first_part, parts[k], flags, i, lines[k]);

		if (id < 0)
			return -1;
		co += (unsigned)snprintf(comb + co, cl - co, "%s%d", k ? " & " : "", id);
		dof += (unsigned)snprintf(disp + dof, dl - dof, "%s%s", k ? "\n" : "", parts[k]);
	}
	x->pats[i] = comb;
	*display = disp;
	return 0;
}

/* One hs_compile_multi, run on its own thread: the block- and the
 * streaming-mode databases of a set are independent and each takes most of
 * a large set's compile time, so they are compiled side by side. The
 * thread only compiles; errors are reported after the join, in order. */
struct compile_job {
	const struct hsx *x;
	unsigned mode;
	const hs_platform_info_t *plat;
	hs_database_t *db;
	hs_compile_error_t *ce;
	hs_error_t rc;
};

static void *compile_job_run(void *arg)
{
	struct compile_job *j = arg;

	j->rc = hs_compile_multi(j->x->pats, j->x->flags, j->x->ids, j->x->n, j->mode, j->plat,
				 &j->db, &j->ce);
	return NULL;
}

static int compile_done(struct rulefile *rf, struct compile_job *j, char **ser, size_t *serlen,
			char *err, size_t errlen)
{
	const struct hsx *x = j->x;
	hs_compile_error_t *ce = j->ce;

	if (j->rc != HS_SUCCESS) {
		if (ce && ce->expression >= 0 && (unsigned)ce->expression < x->n) {
			struct rulefile_rule *r = &rf->rules[x->rule[ce->expression]];

			rulefile_error(rf, r->file, x->line[ce->expression], "rule %u: Hyperscan: %s",
				       r->id, ce->message);
		} else {
			snprintf(err, errlen, "Hyperscan (%s mode): %s",
				 j->mode == HS_MODE_BLOCK ? "block" : "stream",
				 ce && ce->message ? ce->message : "compile failed");
		}
		hs_free_compile_error(ce);
		hs_free_database(j->db);
		return -1;
	}
	if (hs_serialize_database(j->db, ser, serlen) != HS_SUCCESS) {
		snprintf(err, errlen, "Hyperscan: cannot serialise the database");
		hs_free_database(j->db);
		return -1;
	}
	hs_free_database(j->db);
	return 0;
}

/* Both databases; on an error, the block-mode one's is reported (it names
 * the same expression as the streaming one would). */
static int compile_both(struct rulefile *rf, const struct hsx *x, const hs_platform_info_t *plat,
			char **bser, size_t *blen, char **sser, size_t *slen,
			char *err, size_t errlen)
{
	struct compile_job jb = { x, HS_MODE_BLOCK, plat, NULL, NULL, HS_SUCCESS };
	struct compile_job js = { x, HS_MODE_STREAM, plat, NULL, NULL, HS_SUCCESS };
	pthread_t t;
	int threaded = pthread_create(&t, NULL, compile_job_run, &js) == 0;
	int rb, rs;

	compile_job_run(&jb);
	if (threaded)
		pthread_join(t, NULL);
	rb = compile_done(rf, &jb, bser, blen, err, errlen);
	if (rb != 0) {
		if (threaded) {
			hs_free_compile_error(js.ce);
			hs_free_database(js.db);
		}
		return -1;
	}
	if (!threaded)
		compile_job_run(&js);
	rs = compile_done(rf, &js, sser, slen, err, errlen);
	return rs;
}

int rulecomp_build(struct rulefile *rf, const struct rulecomp_opts *o,
		   uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	struct hsx x;
	struct rule_info *ri = calloc(rf->n_rules + 1, sizeof *ri);
	struct bundle_sender_set *sets = calloc(rf->n_sets + 1, sizeof *sets);
	struct bundle_build bb;
	char *bser = NULL, *sser = NULL;
	size_t blen = 0, slen = 0;
	int rc = -1;

	memset(&x, 0, sizeof x);
	err[0] = '\0';
	*out = NULL;
	*outlen = 0;
	if (!ri || !sets) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	for (unsigned i = 0; i < rf->n_rules; i++) {
		const struct rulefile_rule *r = &rf->rules[i];
		unsigned flags = rulecomp_hs_flags(r);

		if (!r->pattern || r->class_id == SF_CLASS_NONE || !r->action) {
			snprintf(err, errlen, "rule %u is incomplete (run check)", r->id);
			goto done;
		}
		/* a combination rule reports once, like the others */
		if (hsx_add(&x, r->pattern, r->n_and ? HS_FLAG_COMBINATION | HS_FLAG_SINGLEMATCH : flags,
			    i, r->pattern_line)) {
			snprintf(err, errlen, "out of memory");
			goto done;
		}
		ri[i].id = r->id;
		ri[i].class_id = r->class_id;
		ri[i].action = r->action;
		ri[i].score = r->action == SF_ACT_SCORE ? r->score : 0;
		ri[i].sender_set = r->sender_set;
		ri[i].sender_neg = r->sender_set ? r->sender_neg : 0;
		ri[i].hs_flags = flags;
		ri[i].desc = r->desc;
		ri[i].pattern = r->pattern;
		ri[i].src = r->src;
	}
	for (unsigned i = 0; i < rf->n_rules; i++) {
		char *display;

		if (!rf->rules[i].n_and)
			continue;
		if (add_rule_parts(&x, rf, rf->n_rules, i, &display)) {
			snprintf(err, errlen, "rule %u is incomplete (run check)", rf->rules[i].id);
			goto done;
		}
		ri[i].pattern = display;
	}
	for (unsigned i = 0; i < rf->n_sets; i++) {
		sets[i].name = rf->sets[i].name;
		sets[i].n = rf->sets[i].n;
		sets[i].e = rf->sets[i].e;
	}
	memset(&bb, 0, sizeof bb);
	get_platform(o, &bb.platform);
	if (rf->n_rules) {
		if (compile_both(rf, &x, &bb.platform, &bser, &blen, &sser, &slen, err, errlen) != 0)
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
	bb.model = o->model;
	bb.model_len = o->model_len;
	rc = scan_bundle_write(&bb, out, outlen, err, errlen);
done:
	free(bser);
	free(sser);
	hsx_free(&x);
	free(ri);
	free(sets);
	return rc;
}
