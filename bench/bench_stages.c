/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw-bench, DPDK-free part: the engine's stages run one on top of the
 * other over the in-memory capture (decode; + normalise; + scan; + policy,
 * replicating engine.c's on_sms with the public APIs; then the engine
 * itself), so that each stage's cost is a difference of two runs and no
 * one else's code is instrumented; and the content-matching baselines on
 * the normalised texts: raw hs_scan of the bundle's block database, the
 * engine's scan_block, and naive matchers (POSIX regcomp/regexec, PCRE2)
 * trying every rule one by one. Issue 7. */
#include <locale.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hs/hs.h>
#ifdef BENCH_HAVE_PCRE2
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif

#include "bench.h"
#include "policy/policy_report.h"
#include "policy/policy_state.h"
#include "scan/bundle.h"
#include "score/score.h"
#include "sf_bytes.h"
#include "sf_wire.h"
#include "text/normalize.h"
#include "text/ucs2.h"

#define ST_TEXT_MAX 2048

struct st_ctx {
	enum bench_stage st;
	const struct sf_gen *g;
	struct scan_scratch *scratch;
	struct scan_concat *concat;
	struct policy_state *pst;
	struct policy_shared *sh;	/* made before the clock starts, as a dataplane does */
	struct bench_texts *collect;
	uint64_t parts, verdicts[3], sink;
	char norm[NORM_CAP(ST_TEXT_MAX)];
};

static struct policy_state_stats last_pst;
static int have_pst;

void bench_texts_free(struct bench_texts *t)
{
	free(t->buf);
	free(t->off);
	free(t->len);
	free(t->sender_off);
	memset(t, 0, sizeof(*t));
}

static int texts_add(struct bench_texts *t, const char *s, size_t len, const char *sender)
{
	size_t sl = strlen(sender);

	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 65536;
		uint64_t *o = realloc(t->off, nc * sizeof(*o));
		uint32_t *l, *so;

		if (!o)
			return -1;
		t->off = o;
		l = realloc(t->len, nc * sizeof(*l));
		if (!l)
			return -1;
		t->len = l;
		so = realloc(t->sender_off, nc * sizeof(*so));
		if (!so)
			return -1;
		t->sender_off = so;
		t->cap = nc;
	}
	if (t->buf_cap - t->buf_len < len + sl + 2) {
		size_t nc = t->buf_cap ? t->buf_cap * 2 : (size_t)1 << 24;
		char *b;

		while (nc - t->buf_len < len + sl + 2)
			nc *= 2;
		b = realloc(t->buf, nc);
		if (!b)
			return -1;
		t->buf = b;
		t->buf_cap = nc;
	}
	t->off[t->n] = t->buf_len;
	t->len[t->n] = (uint32_t)len;
	memcpy(t->buf + t->buf_len, s, len);
	t->buf[t->buf_len + len] = 0;
	t->sender_off[t->n] = (uint32_t)(len + 1);
	memcpy(t->buf + t->buf_len + len + 1, sender, sl + 1);
	t->buf_len += len + sl + 2;
	t->bytes += len;
	t->n++;
	return 0;
}

/* What engine.c's on_sms does, stage by stage. */
static void st_on_sms(void *arg, const struct sf_sms *s)
{
	struct st_ctx *c = arg;
	const char *sender, *recipient;
	struct scan_result res;
	struct policy_scan ps;
	struct policy_verdict pv;
	struct policy_event ev;
	struct policy_env env;
	size_t nlen = 0;
	int failed = 0;
	enum sf_err e;

	c->parts++;
	if (c->st == ST_DECODE) {
		c->sink += s->text_len + (uint8_t)s->tp_oa[0];
		return;
	}
	if (s->text)
		nlen = norm_text(s->text, s->text_len, c->norm, sizeof(c->norm), NULL);
	else
		c->norm[0] = 0;
	sender = s->direction == SF_DIR_MO ? s->sm_rp_oa : s->tp_oa;
	recipient = s->direction == SF_DIR_MO ? s->tp_da : s->sm_rp_da;
	if (c->collect)
		texts_add(c->collect, c->norm, nlen, sender);
	if (c->st == ST_NORM) {
		c->sink += nlen;
		return;
	}
	memset(&res, 0, sizeof(res));
	if (c->g->bundle) {
		if (s->has_concat && s->concat_total > 1) {
			uint64_t key = sf_engine_concat_key(s, sender, recipient);
			e = scan_concat_part(c->concat, c->g->bundle, c->scratch, key, s->concat_seq,
					     s->concat_total, c->norm, nlen, sender, s->ts_ns, &res);
		} else {
			e = scan_block(c->g->bundle, c->scratch, c->norm, nlen, sender, &res);
		}
		failed = e != SF_OK;
	}
	if (c->st == ST_SCAN) {
		c->sink += res.action + res.rule_id;
		return;
	}
	memset(&ps, 0, sizeof(ps));
	memset(&ev, 0, sizeof(ev));
	ps.action = res.action == SF_ACT_SCORE ? SF_ACT_NONE : res.action;
	ps.class_id = res.class_id;
	ps.failed = (uint8_t)failed;
	ps.rule_id = res.rule_id;
	ps.score = res.score > 0 ? (uint32_t)res.score : 0;
	ps.n_hits = res.n_hits_total;
	ps.fp = nlen ? policy_fingerprint(c->norm, nlen) : 0;
	ps.text = c->norm;
	ps.text_len = nlen;
	env.cfg = &c->g->policy;
	env.lists = c->g->lists;
	env.geo = c->g->geo;
	policy_evaluate(&env, c->pst, s, &ps, s->ts_ns, &pv, &ev);
	c->verdicts[pv.verdict < 3 ? pv.verdict : 0]++;
}

static void st_on_map_event(void *arg, const struct sf_map_event *ev)
{
	struct st_ctx *c = arg;

	if (c->st == ST_POLICY && ev->kind == SF_MAP_EV_SRI_SM_RES && ev->imsi[0] && ev->msisdn[0] &&
	    !ev->retransmission)
		policy_learn_sri(c->pst, ev->imsi, ev->msisdn, ev->msisdn_ton, ev->ts_ns);
}

int bench_stage_run(const struct bench_capture *cap, enum bench_stage st, const struct sf_gen *g,
		    struct bench_texts *collect, struct bench_stage_result *out,
		    char *err, size_t errlen)
{
	struct sf_pipeline_config pc;
	struct sf_pipeline *pl = NULL;
	struct sf_worker *w = NULL;
	struct st_ctx *c = calloc(1, sizeof(*c));
	struct sf_pipeline_sink sink;
	uint64_t t0, t1;
	struct timespec c0, c1;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->st = st;
	c->g = g;
	c->collect = collect;
	sf_pipeline_config_default(&pc);
	if (st >= ST_POLICY) {
		c->sh = policy_shared_create(&g->policy, err, errlen);
		if (!c->sh)
			goto out;
	}
	if (st == ST_ENGINE) {
		struct sf_engine_config ec;

		ec.pipe = pc;
		ec.concat_max = 16384;
		ec.scan_cache = 16384;	/* dp_config.c's default */
		ec.concat_timeout_ns = 60ull * 1000000000ull;
		ec.policy_shared = c->sh;
		w = sf_worker_create(&ec, g, err, errlen);
		if (!w)
			goto out;
	} else {
		pl = sf_pipeline_create(&pc);
		c->scratch = scan_scratch_create(g->bundle);
		c->concat = scan_concat_create(16384, 60ull * 1000000000ull);
		c->pst = policy_state_create(&g->policy, err, errlen);
		if (!pl || !c->scratch || !c->concat || !c->pst) {
			snprintf(err, errlen, "cannot create the stage's tables");
			goto out;
		}
		if (c->sh)
			policy_state_attach_shared(c->pst, c->sh);
	}
	sink.ctx = c;
	sink.on_sms = st_on_sms;
	sink.on_map_event = st_on_map_event;
	sink.on_tcap = NULL;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	t0 = bench_tsc();
	if (w) {
		for (size_t i = 0; i < cap->n; i++) {
			int v = sf_worker_packet(w, g, cap->data + cap->off[i], cap->len[i], SF_DLT_EN10MB,
						 i + 1, cap->ts_ns[i], NULL);

			c->sink += (unsigned)v;
			if ((i & 31) == 31)
				sf_worker_tick(w, cap->ts_ns[i]);
		}
	} else {
		for (size_t i = 0; i < cap->n; i++) {
			sf_pipeline_packet(pl, cap->data + cap->off[i], cap->len[i], SF_DLT_EN10MB,
					   i + 1, cap->ts_ns[i], &sink);
			if ((i & 31) == 31) {
				sf_pipeline_expire(pl, cap->ts_ns[i], 32);
				if (st >= ST_SCAN)
					scan_concat_expire(c->concat, cap->ts_ns[i], 32);
			}
		}
	}
	t1 = bench_tsc();
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	out->secs = (double)(t1 - t0) / (double)bench_tsc_hz();
	out->cpu_secs = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) * 1e-9;
	out->packets = cap->n;
	if (w) {
		const struct sf_worker_stats *ws = sf_worker_stats(w);

		out->parts = ws->parts;
		memcpy(out->verdicts, ws->verdicts, sizeof(out->verdicts));
	} else {
		out->parts = c->parts;
		memcpy(out->verdicts, c->verdicts, sizeof(out->verdicts));
	}
	if (st == ST_POLICY) {
		policy_state_stats(c->pst, &last_pst);
		have_pst = 1;
	}
	rc = 0;
out:
	sf_worker_destroy(w);
	sf_pipeline_destroy(pl);
	scan_scratch_free(c->scratch);
	scan_concat_free(c->concat);
	policy_state_free(c->pst);
	policy_shared_free(c->sh);
	free(c);
	return rc;
}

int bench_stage_policy_stats(struct policy_state_stats *out)
{
	if (!have_pst)
		return -1;
	*out = last_pst;
	return 0;
}

/* ---- raw Hyperscan ---- */

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		b = malloc((size_t)n);
		if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
			free(b);
			b = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return b;
}

/* The BLOCK_DB section of a bundle (rules/FORMAT.md "Bundle file"). */
static hs_database_t *bundle_block_db(const char *path, char *err, size_t errlen)
{
	size_t len = 0;
	uint8_t *b = slurp(path, &len);
	hs_database_t *db = NULL;
	uint32_t nsec;

	if (!b || !sf_has(len, 0, BUNDLE_HEADER_LEN)) {
		snprintf(err, errlen, "%s: cannot read the bundle", path);
		free(b);
		return NULL;
	}
	nsec = sf_rd32(b + 144);
	for (uint32_t i = 0; i < nsec && sf_has(len, BUNDLE_HEADER_LEN + 12 * (size_t)i, 12); i++) {
		const uint8_t *e = b + BUNDLE_HEADER_LEN + 12 * (size_t)i;
		uint32_t type = sf_rd32(e), off = sf_rd32(e + 4), slen = sf_rd32(e + 8);

		if (type == BUNDLE_SEC_BLOCK_DB && sf_has(len, off, slen)) {
			char *hs_err = NULL;

			if (hs_deserialize_database((const char *)b + off, slen, &db) != HS_SUCCESS) {
				snprintf(err, errlen, "%s: hs_deserialize_database failed", path);
				db = NULL;
			}
			(void)hs_err;
			break;
		}
	}
	if (!db && !err[0])
		snprintf(err, errlen, "%s: no block database", path);
	free(b);
	return db;
}

static int count_match(unsigned id, unsigned long long from, unsigned long long to,
		       unsigned flags, void *ctx)
{
	(void)id;
	(void)from;
	(void)to;
	(void)flags;
	(*(uint64_t *)ctx)++;
	return 0;
}

int bench_raw_hs(const char *bundle_path, const struct bench_texts *t, double *secs,
		 uint64_t *matches, char *err, size_t errlen)
{
	hs_database_t *db;
	hs_scratch_t *scratch = NULL;
	uint64_t t0, t1, m = 0;

	err[0] = 0;
	db = bundle_block_db(bundle_path, err, errlen);
	if (!db)
		return -1;
	if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
		snprintf(err, errlen, "hs_alloc_scratch failed");
		hs_free_database(db);
		return -1;
	}
	t0 = bench_tsc();
	for (size_t i = 0; i < t->n; i++)
		if (hs_scan(db, t->buf + t->off[i], t->len[i], 0, scratch, count_match, &m) != HS_SUCCESS) {
			snprintf(err, errlen, "hs_scan failed on text %zu", i);
			break;
		}
	t1 = bench_tsc();
	*secs = (double)(t1 - t0) / (double)bench_tsc_hz();
	*matches = m;
	hs_free_scratch(scratch);
	hs_free_database(db);
	return err[0] ? -1 : 0;
}

int bench_engine_scan(const struct sf_gen *g, const struct bench_texts *t, double *secs,
		      char *err, size_t errlen)
{
	struct scan_scratch *s = scan_scratch_create(g->bundle);
	struct scan_result res;
	uint64_t t0, t1;

	if (!s) {
		snprintf(err, errlen, "cannot create the scan scratch");
		return -1;
	}
	t0 = bench_tsc();
	for (size_t i = 0; i < t->n; i++) {
		const char *snd = t->buf + t->off[i] + t->sender_off[i];

		scan_block(g->bundle, s, t->buf + t->off[i], t->len[i], snd[0] ? snd : NULL, &res);
	}
	t1 = bench_tsc();
	*secs = (double)(t1 - t0) / (double)bench_tsc_hz();
	scan_scratch_free(s);
	return 0;
}

int bench_model_score(const struct sf_gen *g, const struct bench_texts *t, double *secs,
		      size_t *table_bytes)
{
	const struct score_model *m = g->bundle ? scan_bundle_model(g->bundle) : NULL;
	int32_t sc[SCORE_MAX_CLASSES];
	volatile int32_t sink = 0;
	uint64_t t0, t1;

	if (!m)
		return -1;
	*table_bytes = ((size_t)1 << m->bits) * m->n_classes * sizeof(int16_t);
	t0 = bench_tsc();
	for (size_t i = 0; i < t->n; i++) {
		score_text(m, t->buf + t->off[i], t->len[i], sc);
		sink += sc[0];
	}
	t1 = bench_tsc();
	(void)sink;
	*secs = (double)(t1 - t0) / (double)bench_tsc_hz();
	return 0;
}

/* ---- naive matchers ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hyperscan (PCRE) syntax → POSIX ERE, for what ERE can say: (?:...) →
 * (...), \d \s \w → classes, \xHH and \x{H..} → the character, lazy
 * quantifiers → greedy (same yes/no answer), escaped punctuation kept.
 * Lookarounds, inline options, back-references, \b, \p{..} and escapes
 * ERE has no equivalent for are refused (-1): the rule is skipped. */
static int to_ere(const char *p, char *out, size_t cap)
{
	size_t o = 0;
	int in_br = 0, br_pos = 0;

#define EMIT(str) do { size_t l_ = strlen(str); if (cap - o <= l_) return -1; memcpy(out + o, str, l_); o += l_; } while (0)
#define EMITC(ch) do { if (cap - o <= 1) return -1; out[o++] = (char)(ch); } while (0)
	while (*p) {
		char c = *p;

		if (c == '\\') {
			char n = p[1];
			uint32_t cp;

			if (!n)
				return -1;
			p += 2;
			switch (n) {
			case 'd': if (in_br) EMIT("0-9"); else EMIT("[0-9]"); break;
			case 's': if (in_br) EMIT("[:space:]"); else EMIT("[[:space:]]"); break;
			case 'w': if (in_br) EMIT("[:alnum:]_"); else EMIT("[[:alnum:]_]"); break;
			case 'D': if (in_br) return -1; EMIT("[^0-9]"); break;
			case 'S': if (in_br) return -1; EMIT("[^[:space:]]"); break;
			case 'W': if (in_br) return -1; EMIT("[^[:alnum:]_]"); break;
			case 'n': EMITC('\n'); break;
			case 't': EMITC('\t'); break;
			case 'r': EMITC('\r'); break;
			case 'x':
				cp = 0;
				if (*p == '{') {
					p++;
					while (*p && *p != '}') {
						if (hexval(*p) < 0)
							return -1;
						cp = cp * 16 + (uint32_t)hexval(*p++);
					}
					if (*p != '}')
						return -1;
					p++;
				} else {
					if (hexval(p[0]) < 0 || hexval(p[1]) < 0)
						return -1;
					cp = (uint32_t)(hexval(p[0]) * 16 + hexval(p[1]));
					p += 2;
				}
				if (cp == 0 || cp > 0x10ffff)
					return -1;
				if (cp < 0x80 && strchr(in_br ? "]\\^-[" : ".[]()*+?{}|^$\\", (int)cp)) {
					if (in_br)
						return -1;
					EMITC('\\');
				}
				if (cap - o <= 4)
					return -1;
				o += ucs2_utf8_write(out + o, cp);
				break;
			default:
				if ((n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z') || (n >= '0' && n <= '9'))
					return -1;	/* \b \p \1 \A ...: no ERE equivalent */
				if (in_br) {
					if (strchr("]\\^-[", n))
						return -1;
					EMITC(n);
				} else {
					if (strchr(".[]()*+?{}|^$\\", n))
						EMITC('\\');
					EMITC(n);
				}
			}
			if (in_br)
				br_pos++;
			continue;
		}
		if (in_br) {
			if (c == ']' && br_pos > 0) {
				in_br = 0;
				EMITC(']');
				p++;
				continue;
			}
			if (c == '[' && p[1] == ':') {
				const char *e = strstr(p, ":]");

				if (!e)
					return -1;
				while (p < e + 2)
					EMITC(*p++);
				br_pos++;
				continue;
			}
			EMITC(c);
			p++;
			br_pos++;
			continue;
		}
		switch (c) {
		case '[':
			in_br = 1;
			br_pos = 0;
			EMITC('[');
			p++;
			if (*p == '^') {
				EMITC('^');
				p++;
			}
			break;
		case '(':
			if (p[1] == '?') {
				if (p[2] != ':')
					return -1;	/* lookaround, inline option, named group */
				EMITC('(');
				p += 3;
			} else {
				EMITC('(');
				p++;
			}
			break;
		case '*': case '+': case '?':
			EMITC(c);
			p++;
			if (*p == '?')
				p++;		/* lazy: same yes/no answer */
			else if (*p == '+')
				return -1;	/* possessive */
			break;
		case '{':
			if (p[1] >= '0' && p[1] <= '9') {
				while (*p && *p != '}')
					EMITC(*p++);
				if (*p != '}')
					return -1;
				EMITC('}');
				p++;
				if (*p == '?')
					p++;
			} else {
				EMIT("\\{");
				p++;
			}
			break;
		default:
			EMITC(c);
			p++;
		}
	}
	if (in_br)
		return -1;
	out[o] = 0;
	return 0;
#undef EMIT
#undef EMITC
}

/* A rule's parts: its pattern and its "and" lines, which the bundle keeps
 * as lines of one string. Returns the count (at most max), each a copy. */
#define RULE_PARTS_MAX 8
static unsigned rule_parts(const struct rule_info *r, char **part, unsigned max)
{
	const char *p = r->pattern;
	unsigned n = 0;

	while (p && n < max) {
		const char *nl = strchr(p, '\n');

		part[n] = strndup(p, nl ? (size_t)(nl - p) : strlen(p));
		if (!part[n])
			break;
		n++;
		p = nl ? nl + 1 : NULL;
	}
	return n;
}

static void free_parts(char **part, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(part[i]);
}

/* Every step-th text, so that the subset has the capture's mix. */
static size_t subset_step(const struct bench_texts *t, unsigned max_texts, unsigned *n)
{
	size_t step = t->n > max_texts && max_texts ? t->n / max_texts : 1;

	*n = (unsigned)(t->n / step < max_texts || !max_texts ? t->n / step : max_texts);
	return step;
}

/* A naive matcher: every part of every rule compiled on its own and tried
 * one by one. compile returns NULL when it cannot (*not_expressible: the
 * pattern has no translation at all). */
struct naive_ops {
	void *(*compile)(const char *pat, unsigned hs_flags, int jit, int *not_expressible);
	int (*match)(void *re, const char *s, size_t len, void *md);
	void (*free)(void *re);
};

static int naive_run(const char *bundle_path, const struct bench_texts *t, unsigned max_texts,
		     const struct naive_ops *ops, int jit, void *md, struct bench_naive *out,
		     char *err, size_t errlen)
{
	struct scan_bundle *b = scan_bundle_load_file(bundle_path, err, errlen);
	void **re;
	unsigned *nparts;	/* per compiled rule: its parts, consecutive in re */
	unsigned nr, ok = 0, nre = 0;
	size_t step;
	uint64_t t0, t1;

	memset(out, 0, sizeof(*out));
	if (!b)
		return -1;
	nr = scan_bundle_rule_count(b);
	re = calloc((nr ? nr : 1) * RULE_PARTS_MAX, sizeof(*re));
	nparts = calloc(nr ? nr : 1, sizeof(*nparts));
	if (!re || !nparts) {
		free(re);
		free(nparts);
		scan_bundle_free(b);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	out->rules = nr;
	for (unsigned i = 0; i < nr; i++) {
		const struct rule_info *r = scan_bundle_rule_at(b, i);
		char *part[RULE_PARTS_MAX];
		unsigned np = rule_parts(r, part, RULE_PARTS_MAX), k;
		int skip = 0, bad = 0;

		/* a rule with "and" lines: every part its own regex, all must match */
		for (k = 0; k < np && !bad; k++) {
			re[nre + k] = ops->compile(part[k], r->hs_flags, jit, &skip);
			bad = !re[nre + k];
		}
		free_parts(part, np);
		if (bad) {
			for (unsigned j = 0; j + 1 < k; j++)
				ops->free(re[nre + j]);
			if (skip)
				out->skipped++;
			else
				out->compile_failed++;
			continue;
		}
		nparts[ok++] = np;
		nre += np;
	}
	out->translated = ok;
	step = subset_step(t, max_texts, &out->texts);
	t0 = bench_tsc();
	for (unsigned k = 0; k < out->texts; k++) {
		const char *s = t->buf + t->off[k * step];
		size_t l = t->len[k * step];

		for (unsigned i = 0, at = 0; i < ok; at += nparts[i++]) {
			unsigned p = 0;

			while (p < nparts[i] && ops->match(re[at + p], s, l, md))
				p++;
			if (p == nparts[i])
				out->matches++;
		}
	}
	t1 = bench_tsc();
	out->secs = (double)(t1 - t0) / (double)bench_tsc_hz();
	for (unsigned i = 0; i < nre; i++)
		ops->free(re[i]);
	free(re);
	free(nparts);
	scan_bundle_free(b);
	return 0;
}

static void *posix_compile(const char *pat, unsigned hs_flags, int jit, int *not_expressible)
{
	char ere[16384];
	regex_t *re;

	(void)jit;
	if (to_ere(pat, ere, sizeof(ere))) {
		*not_expressible = 1;
		return NULL;
	}
	re = malloc(sizeof(*re));
	if (re && regcomp(re, ere, REG_EXTENDED | REG_NOSUB |
			  (hs_flags & HS_FLAG_CASELESS ? REG_ICASE : 0))) {
		free(re);
		re = NULL;
	}
	return re;
}

static int posix_match(void *re, const char *s, size_t len, void *md)
{
	(void)len;
	(void)md;
	return regexec(re, s, 0, NULL, 0) == 0;
}

static void posix_free(void *re)
{
	regfree(re);
	free(re);
}

int bench_naive_posix(const char *bundle_path, const struct bench_texts *t, unsigned max_texts,
		      struct bench_naive *out, char *err, size_t errlen)
{
	static const struct naive_ops ops = { posix_compile, posix_match, posix_free };
	int rc;

	/* "." is a character, as in Hyperscan's UTF-8 mode */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "en_US.UTF-8");
	rc = naive_run(bundle_path, t, max_texts, &ops, 0, NULL, out, err, errlen);
	setlocale(LC_CTYPE, "C");
	return rc;
}

#ifdef BENCH_HAVE_PCRE2
static void *pcre_compile_part(const char *pat, unsigned hs_flags, int jit, int *not_expressible)
{
	uint32_t fl = PCRE2_UTF | PCRE2_UCP;
	pcre2_code *re;
	int ec;
	PCRE2_SIZE eo;

	(void)not_expressible;
	if (hs_flags & HS_FLAG_CASELESS)
		fl |= PCRE2_CASELESS;
	if (hs_flags & HS_FLAG_DOTALL)
		fl |= PCRE2_DOTALL;
	if (hs_flags & HS_FLAG_MULTILINE)
		fl |= PCRE2_MULTILINE;
	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, fl, &ec, &eo, NULL);
	if (re && jit && pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) != 0) {
		pcre2_code_free(re);
		re = NULL;
	}
	return re;
}

static int pcre_match(void *re, const char *s, size_t len, void *md)
{
	return pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, NULL) >= 0;
}

static void pcre_free(void *re)
{
	pcre2_code_free(re);
}

int bench_naive_pcre2(const char *bundle_path, const struct bench_texts *t, unsigned max_texts,
		      int jit, struct bench_naive *out, char *err, size_t errlen)
{
	static const struct naive_ops ops = { pcre_compile_part, pcre_match, pcre_free };
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int rc;

	if (!md) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = naive_run(bundle_path, t, max_texts, &ops, jit, md, out, err, errlen);
	pcre2_match_data_free(md);
	return rc;
}
#else
int bench_naive_pcre2(const char *bundle_path, const struct bench_texts *t, unsigned max_texts,
		      int jit, struct bench_naive *out, char *err, size_t errlen)
{
	(void)bundle_path;
	(void)t;
	(void)max_texts;
	(void)jit;
	memset(out, 0, sizeof(*out));
	snprintf(err, errlen, "built without PCRE2 (libpcre2-dev)");
	return -1;
}
#endif

struct rule_cost {
	unsigned idx;
	double ns;
	uint64_t hits;
};

static int cmp_cost(const void *a, const void *b)
{
	const struct rule_cost *x = a, *y = b;

	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

/* One rule as the bundle compiles it: its pattern, or its parts (quiet)
 * and their logical combination. */
static hs_database_t *compile_alone(const struct rule_info *r)
{
	char *part[RULE_PARTS_MAX], comb[RULE_PARTS_MAX * 8];
	const char *pats[RULE_PARTS_MAX + 1];
	unsigned fl[RULE_PARTS_MAX + 1], ids[RULE_PARTS_MAX + 1];
	unsigned np = rule_parts(r, part, RULE_PARTS_MAX);
	hs_database_t *db = NULL;
	hs_compile_error_t *ce = NULL;
	size_t co = 0;

	for (unsigned k = 0; k < np; k++) {
		pats[k] = part[k];
		fl[k] = np > 1 ? r->hs_flags | HS_FLAG_QUIET : r->hs_flags;
		ids[k] = k;
		co += (size_t)snprintf(comb + co, sizeof(comb) - co, "%s%u", k ? " & " : "", k);
	}
	pats[np] = comb;
	fl[np] = HS_FLAG_COMBINATION | HS_FLAG_SINGLEMATCH;
	ids[np] = np;
	if (np && hs_compile_multi(pats, fl, ids, np > 1 ? np + 1 : 1, HS_MODE_BLOCK, NULL, &db,
				   &ce) != HS_SUCCESS) {
		hs_free_compile_error(ce);
		db = NULL;
	}
	free_parts(part, np);
	return db;
}

int bench_rule_costs(const char *bundle_path, const struct bench_texts *t, unsigned max_texts,
		     FILE *f, char *err, size_t errlen)
{
	struct scan_bundle *b = scan_bundle_load_file(bundle_path, err, errlen);
	struct rule_cost *rc;
	unsigned nr, n;
	size_t step;
	double total = 0;

	if (!b)
		return -1;
	nr = scan_bundle_rule_count(b);
	rc = calloc(nr ? nr : 1, sizeof(*rc));
	if (!rc) {
		scan_bundle_free(b);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	step = subset_step(t, max_texts, &n);
	for (unsigned i = 0; i < nr; i++) {
		const struct rule_info *r = scan_bundle_rule_at(b, i);
		hs_database_t *db;
		hs_scratch_t *scr = NULL;
		uint64_t t0, t1;

		rc[i].idx = i;
		rc[i].ns = -1;
		db = compile_alone(r);
		if (!db)
			continue;
		if (hs_alloc_scratch(db, &scr) != HS_SUCCESS) {
			hs_free_database(db);
			continue;
		}
		t0 = bench_tsc();
		for (unsigned k = 0; k < n; k++)
			hs_scan(db, t->buf + t->off[k * step], t->len[k * step], 0, scr, count_match, &rc[i].hits);
		t1 = bench_tsc();
		rc[i].ns = (double)(t1 - t0) * 1e9 / (double)bench_tsc_hz() / (double)n;
		total += rc[i].ns;
		hs_free_scratch(scr);
		hs_free_database(db);
	}
	qsort(rc, nr, sizeof(*rc), cmp_cost);
	fprintf(f, "| rule | ns/text alone | share of the sum | hits in %u texts | source |\n|---:|---:|---:|---:|---|\n", n);
	for (unsigned i = 0; i < nr; i++) {
		const struct rule_info *r = scan_bundle_rule_at(b, rc[i].idx);

		if (rc[i].ns < 0)
			fprintf(f, "| %u | (does not compile alone) | | | %s |\n", r->id, r->src);
		else
			fprintf(f, "| %u | %.0f | %.1f%% | %llu | %s |\n", r->id, rc[i].ns,
				total > 0 ? 100.0 * rc[i].ns / total : 0.0, (unsigned long long)rc[i].hits, r->src);
	}
	fprintf(f, "\nsum of the rules alone: %.0f ns/text\n", total);
	free(rc);
	scan_bundle_free(b);
	return 0;
}
