/* SPDX-License-Identifier: BSD-3-Clause */
/* The trained content scorer: exact feature rows of known strings (the
 * expected values come from an independent Python transcription of the
 * extractor and hash in score.h, kept below), exact scores and decisions of a tiny hand-made model,
 * model images round-tripped and every kind of corruption refused with its
 * reason, a rule bundle carrying a model (and refusing a corrupted one),
 * and the decision order of scan_model_apply against real rules.
 * Spec: dataplane/core/score/score.h, rules/FORMAT.md "Model section". */
#include <string.h>

#include "sf_bytes.h"
#include "sf_sha256.h"
#include "sf_test.h"
#include "sf_verdict.h"
#include "scan/bundle.h"
#include "scan/rulecomp.h"
#include "scan/rulefile.h"
#include "scan/scan.h"
#include "score/score.h"

static const char *rules_dir;

/* The oracle (python3):
 *   M = (1 << 64) - 1
 *   def mix(h):
 *       h ^= h >> 33; h = h * 0xff51afd7ed558ccd & M; h ^= h >> 33
 *       h = h * 0xc4ceb9fe1a85ec53 & M; return h ^ h >> 33
 *   def row(cps, seed, bits):       # cps oldest first
 *       packed = 0
 *       for c in cps: packed = packed << 21 | c
 *       salt = mix(seed << 8 | len(cps))
 *       return ((packed ^ salt) * 0x9E3779B97F4A7C15 & M) >> (64 - bits)
 * with the begin marker 0x110001 before and the end marker 0x110002 after
 * the code points, n-grams n = 1..3 ending at each, markers alone skipped. */

/* A tiny model: unigrams, 2^10 rows, no folding or markers; "a" weighs
 * +1.0 in class 0 and -0.5 in class 1, everything else 0. */
static struct score_model *tiny(void)
{
	struct score_model *m = calloc(1, sizeof *m);
	uint32_t idx;

	m->bits = 10;
	m->ngram_min = m->ngram_max = 1;
	m->flags = 0;
	m->seed = 7;
	m->scale = 10;
	m->n_classes = 2;
	m->w = calloc((size_t)2 << 10, sizeof *m->w);
	snprintf(m->cls[0].name, SCORE_NAME_MAX, "fraud");
	m->cls[0].sf_class = SF_CLASS_FRAUD_IMPERSONATION;
	m->cls[0].bias = -500;
	m->cls[0].block_thr = 900;
	m->cls[0].tag_thr = 200;
	m->cls[0].raise = 30;
	snprintf(m->cls[1].name, SCORE_NAME_MAX, "ad");
	m->cls[1].sf_class = SF_CLASS_COMMERCIAL_AD;
	m->cls[1].bias = 0;
	m->cls[1].block_thr = SCORE_NEVER;
	m->cls[1].tag_thr = -800;
	score_features(m, "a", 1, &idx, 1);
	m->w[idx * 2] = 1024;
	m->w[idx * 2 + 1] = -512;
	m->n_corpora = 1;
	snprintf(m->corpora[0].name, sizeof m->corpora[0].name, "hand.tsv");
	m->corpora[0].lines = 3;
	memset(m->corpora[0].sha256, 0xab, 32);
	m->report = strdup("made by hand\n");
	return m;
}

static void test_features_known(void)
{
	static const uint32_t ab1[] = {	/* B=begin, E=end marker, '1' folds to '0' */
		0x20786,	/* "a" */
		0x96ad4,	/* B a */
		0xfb1ed,	/* "b" */
		0x8bc7a,	/* "ab" */
		0x958de,	/* B a b */
		0x6916b,	/* "0" */
		0xb150d,	/* "b0" */
		0x6fcda,	/* "ab0" */
		0x0882c,	/* 0 E */
		0x20218,	/* b 0 E */
	};
	static const uint32_t yin[] = { 0xcb59b, 0xe2c87, 0xd3a59, 0xd4199 };	/* 银, B 银, 银 E, B 银 E */
	struct score_model m = { 0 };
	uint32_t f[16], g[16];

	m.bits = 20;
	m.ngram_min = 1;
	m.ngram_max = 3;
	m.flags = SCORE_F_DIGIT_FOLD | SCORE_F_BOUNDARY;
	m.seed = 1;
	CHECK_INT(score_features(&m, "ab1", 3, f, 16), 10);
	CHECK_MEM(f, ab1, sizeof ab1);
	/* digits and x are one symbol: "ab9" and "abx" are "ab1" */
	CHECK_INT(score_features(&m, "ab9", 3, g, 16), 10);
	CHECK_MEM(g, ab1, sizeof ab1);
	CHECK_INT(score_features(&m, "abx", 3, g, 16), 10);
	CHECK_MEM(g, ab1, sizeof ab1);
	/* a code point, not bytes: 3 UTF-8 bytes are one character */
	CHECK_INT(score_features(&m, "银", strlen("银"), f, 16), 4);
	CHECK_MEM(f, yin, sizeof yin);
	/* no text, no features (not even the markers) */
	CHECK_INT(score_features(&m, "", 0, f, 16), 0);
	/* the count is returned even beyond max */
	CHECK_INT(score_features(&m, "ab1", 3, f, 2), 10);
	/* an invalid byte is U+FFFD, the same as the encoded U+FFFD */
	CHECK_INT(score_features(&m, "\xff", 1, f, 16), 4);
	CHECK_INT(score_features(&m, "\xef\xbf\xbd", 3, g, 16), 4);
	CHECK_MEM(f, g, 4 * sizeof *f);
	/* truncated sequence at the end: one U+FFFD, never read past len */
	CHECK_INT(score_features(&m, "\xe9\x93", 2, g, 16), 4);
	CHECK_MEM(f, g, 4 * sizeof *f);
}

static void test_score_exact(void)
{
	struct score_model *m = tiny();
	int32_t s[SCORE_MAX_CLASSES];
	uint32_t ia, ib;
	unsigned c;

	score_features(m, "a", 1, &ia, 1);
	score_features(m, "b", 1, &ib, 1);
	CHECK_INT(ia, 0x383);	/* Python transcription, seed 7, 2^10 */
	CHECK_INT(ib, 0x2ed);
	/* "aa": 2 features, sum 2.0 / sqrt(2) = 1.41421 -> -500 + 1414.21 */
	CHECK_INT(score_text(m, "aa", 2, s), 2);
	CHECK_INT(s[0], 914);
	CHECK_INT(s[1], -707);
	CHECK_INT(s[2], 0);
	CHECK_INT(score_decide(m, s, &c), SF_ACT_BLOCK);
	CHECK_INT(c, 0);
	/* "ab": 1.0 / sqrt(2) */
	score_text(m, "ab", 2, s);
	CHECK_INT(s[0], 207);
	CHECK_INT(s[1], -354);
	/* both classes over their tag thresholds: the furthest over wins */
	CHECK_INT(score_decide(m, s, &c), SF_ACT_TAG);
	CHECK_INT(c, 1);
	/* "bbbb": only the biases */
	score_text(m, "bbbb", 4, s);
	CHECK_INT(s[0], -500);
	CHECK_INT(s[1], 0);
	CHECK_INT(score_decide(m, s, &c), SF_ACT_TAG);
	CHECK_INT(c, 1);
	m->cls[1].tag_thr = 1;
	CHECK_INT(score_decide(m, s, &c), SF_ACT_NONE);
	CHECK_INT(c, 1);	/* -1 from its tag threshold vs -700 */
	/* empty text: no features, the biases */
	CHECK_INT(score_text(m, "", 0, s), 0);
	CHECK_INT(s[0], -500);
	score_model_free(m);
}

static void reseal(uint8_t *p, size_t n)
{
	sha256(p, n - 32, p + n - 32);
}

static const char *try_model(const uint8_t *p, size_t n, char *err, size_t errlen)
{
	struct score_model *m = score_model_load(p, n, err, errlen);

	if (m) {
		score_model_free(m);
		return "";
	}
	return err;
}

static void test_roundtrip_and_corruption(void)
{
	struct score_model *m = tiny(), *x;
	uint8_t *img, *c, d[32];
	size_t n;
	char err[256];
	int32_t s1[SCORE_MAX_CLASSES], s2[SCORE_MAX_CLASSES];

	CHECK_INT(score_model_write(m, &img, &n, err, sizeof err), 0);
	/* 24 + 2 * 48 + 2 + (1 + 8 + 36) + (4 + 13) + 4 + one row (2 + 4) + 32 */
	CHECK_INT(n, 24 + 96 + 2 + 45 + 17 + 4 + 6 + 32);
	x = score_model_load(img, n, err, sizeof err);
	CHECK(x != NULL);
	if (x) {
		sha256(img, n - 32, d);
		CHECK_INT(x->version, sf_rd32(d));
		CHECK_STR(x->report, "made by hand\n");
		CHECK_STR(x->corpora[0].name, "hand.tsv");
		CHECK_INT(x->corpora[0].lines, 3);
		CHECK_INT(x->nonzero_rows, 1);
		CHECK_STR(x->cls[1].name, "ad");
		CHECK_INT(x->cls[1].block_thr, SCORE_NEVER);
		CHECK_INT(x->cls[0].raise, 30);
		CHECK_MEM(x->w, m->w, ((size_t)2 << 10) * sizeof *m->w);
		score_text(m, "aab", 3, s1);
		score_text(x, "aab", 3, s2);
		CHECK_MEM(s1, s2, sizeof s1);
		score_model_free(x);
	}
	CHECK_STR(try_model(img, 40, err, sizeof err), "model truncated: 40 bytes");
	c = malloc(n);
	memcpy(c, img, n);
	c[0] = 'X';
	CHECK_STR(try_model(c, n, err, sizeof err), "model: bad magic");
	memcpy(c, img, n);
	c[11] = 2;
	CHECK_STR(try_model(c, n, err, sizeof err), "model format version 2, this loader reads version 1");
	memcpy(c, img, n);
	c[n / 2] ^= 1;
	CHECK_STR(try_model(c, n, err, sizeof err), "model checksum mismatch: the model is corrupted");
	memcpy(c, img, n);
	c[12] = 23;	/* bits */
	reseal(c, n);
	CHECK_STR(try_model(c, n, err, sizeof err),
		  "model: bad feature settings (bits 23, n-grams 1..1, flags 0x0, scale 10, 2 classes)");
	memcpy(c, img, n);
	c[24 + 24] = SF_CLASS_ALLOW;	/* class 0's smsfw class */
	reseal(c, n);
	CHECK_STR(try_model(c, n, err, sizeof err), "model: class fraud: bad smsfw class 8 or reserved bytes");
	memcpy(c, img, n);
	memset(c + 24, 'f', 24);	/* name without its NUL */
	reseal(c, n);
	CHECK_STR(try_model(c, n, err, sizeof err), "model: class 0 name not NUL-terminated or empty");
	memcpy(c, img, n);
	sf_wr32(c + n - 32 - 10, 5);	/* weight row count 1 -> 5 */
	reseal(c, n);
	CHECK_STR(try_model(c, n, err, sizeof err), "model: weight row 1: bad index");
	memcpy(c, img, n);
	sf_wr32(c + n - 32 - 10, 0);	/* row count 0: the row is stray */
	reseal(c, n);
	CHECK_STR(try_model(c, n, err, sizeof err), "model: 6 stray bytes after the weights");
	memcpy(c, img, n);
	c[n - 32 - 6] = 0x88;	/* index LEB128 0x2cc -> 0x0408 = 1032 + ... past 2^10 */
	c[n - 32 - 5] = 0x08;
	reseal(c, n);
	CHECK_STR(try_model(c, n, err, sizeof err), "model: weight row 0: index 1032 out of range or truncated");
	memcpy(c, img, n);
	sf_wr32(c + 24 + 96 + 2 + 45, 1000);	/* report length past the end */
	reseal(c, n);
	CHECK_STR(try_model(c, n, err, sizeof err), "model: report truncated");
	free(c);
	free(img);
	score_model_free(m);
}

/* The engine test rules with the tiny model in the bundle. */
static int model_bundle(const struct score_model *m, uint8_t **img, size_t *len)
{
	struct rulefile *rf = rulefile_new();
	struct rulecomp_opts o;
	uint8_t *mi;
	size_t ml;
	char err[256];
	int rc = -1;

	if (score_model_write(m, &mi, &ml, err, sizeof err) != 0)
		return -1;
	rulecomp_default_opts(&o);
	o.skip_cost = 1;
	o.model = mi;
	o.model_len = ml;
	rulefile_add_path(rf, rules_dir);
	rulefile_resolve(rf);
	rulecomp_check(rf, &o);
	if (rf->n_diags == 0 && rulecomp_build(rf, &o, img, len, err, sizeof err) == 0)
		rc = 0;
	rulefile_free(rf);
	free(mi);
	return rc;
}

static void test_bundle_model_section(void)
{
	struct score_model *m = tiny();
	struct scan_bundle *b;
	uint8_t *img;
	size_t n;
	char err[256];
	uint32_t nsec, off = 0, len = 0;

	CHECK_INT(model_bundle(m, &img, &n), 0);
	b = scan_bundle_load(img, n, err, sizeof err);
	CHECK(b != NULL);
	if (b) {
		CHECK(scan_bundle_model(b) != NULL);
		CHECK_INT(scan_bundle_model(b)->n_classes, 2);
		scan_bundle_free(b);
	}
	nsec = sf_rd32(img + 144);
	CHECK_INT(nsec, 6);
	for (uint32_t i = 0; i < nsec; i++)
		if (sf_rd32(img + BUNDLE_HEADER_LEN + 12 * i) == BUNDLE_SEC_MODEL) {
			off = sf_rd32(img + BUNDLE_HEADER_LEN + 12 * i + 4);
			len = sf_rd32(img + BUNDLE_HEADER_LEN + 12 * i + 8);
		}
	CHECK(off && len);
	if (off && len) {
		/* a flipped byte inside the model, the bundle resealed: the model's
		 * own checksum refuses it */
		img[off + len / 2] ^= 0x10;
		scan_bundle_seal(img, n);
		CHECK(scan_bundle_load(img, n, err, sizeof err) == NULL);
		CHECK_STR(err, "model section: model checksum mismatch: the model is corrupted");
		img[off + len / 2] ^= 0x10;
		/* a model section cut short */
		sf_wr32(img + BUNDLE_HEADER_LEN + 12 * 5 + 8, len - 40);
		scan_bundle_seal(img, n);
		CHECK(scan_bundle_load(img, n, err, sizeof err) == NULL);
		CHECK_STR(err, "model section: model checksum mismatch: the model is corrupted");
		/* section type 7 is not a model */
		sf_wr32(img + BUNDLE_HEADER_LEN + 12 * 5, 7);
		scan_bundle_seal(img, n);
		CHECK(scan_bundle_load(img, n, err, sizeof err) == NULL);
		CHECK_STR(err, "section 5: unknown or repeated type 7");
	}
	free(img);
	score_model_free(m);
}

static void test_decision_order(void)
{
	struct score_model *m = tiny();
	struct scan_bundle *b;
	struct scan_scratch *s;
	struct scan_result r;
	uint8_t *img;
	size_t n;
	char err[256];

	/* "a" is strong evidence: make any text with 4 a's block as fraud */
	m->cls[0].bias = -1500;
	m->cls[0].block_thr = 400;
	m->cls[0].tag_thr = -1200;
	m->cls[1].tag_thr = SCORE_NEVER;
	CHECK_INT(model_bundle(m, &img, &n), 0);
	b = scan_bundle_load(img, n, err, sizeof err);
	s = b ? scan_scratch_create(b) : NULL;
	CHECK(s != NULL);
	if (!s)
		goto out;
	/* no rule, the model blocks on its own: rule 0, flagged */
	CHECK_INT(scan_block(b, s, "aaaa", 4, NULL, &r), SF_OK);
	CHECK_INT(r.action, SF_ACT_BLOCK);
	CHECK_INT(r.class_id, SF_CLASS_FRAUD_IMPERSONATION);
	CHECK_INT(r.rule_id, 0);
	CHECK_INT(r.flags & SCAN_F_MODEL, SCAN_F_MODEL);
	CHECK_INT(r.model_score, 500);	/* -1500 + 4/sqrt(4) * 1000 */
	/* a concatenated message: the model scores the message so far, and
	 * what it found in an earlier part holds for the later ones */
	{
		struct scan_concat *cc = scan_concat_create(8, 1000000000ull);

		/* "aa" alone: -1500 + 2/sqrt(2) * 1000 = -86: a tag, no block */
		CHECK_INT(scan_concat_part(cc, b, s, 7, 1, 3, "aa", 2, NULL, 1, &r), SF_OK);
		CHECK_INT(r.action, SF_ACT_TAG);
		CHECK_INT(r.model_score, -86);
		/* "aa" + "aa" = "aaaa": 500, blocks; "aa" alone would not */
		CHECK_INT(scan_concat_part(cc, b, s, 7, 2, 3, "aa", 2, NULL, 2, &r), SF_OK);
		CHECK_INT(r.action, SF_ACT_BLOCK);
		CHECK_INT(r.model_score, 500);
		/* the harmless tail dilutes the whole (-1500 + 4/sqrt(10) * 1000
		 * = -235) but part 1-2 blocked: the message stays blocked */
		CHECK_INT(scan_concat_part(cc, b, s, 7, 3, 3, "bbbbbb", 6, NULL, 3, &r), SF_OK);
		CHECK_INT(r.action, SF_ACT_BLOCK);
		CHECK_INT(r.model_score, 500);
		/* a retransmitted part is not counted twice */
		CHECK_INT(scan_concat_part(cc, b, s, 8, 1, 2, "aa", 2, NULL, 4, &r), SF_OK);
		CHECK_INT(scan_concat_part(cc, b, s, 8, 1, 2, "aa", 2, NULL, 5, &r), SF_OK);
		CHECK_INT(r.model_score, -86);
		CHECK_INT(r.action, SF_ACT_TAG);
		scan_concat_free(cc);
	}
	/* the same message again and again with the concatenated parts'
	 * cache: parts 1-3 of every repeat come from the cache (Hyperscan
	 * and the n-gram walk skipped) with the model's scores as computed */
	{
		struct scan_concat *cc = scan_concat_create(8, 1000000000ull);
		static const char *t[3] = { "aa", "aa", "bbbbbb" };
		static const int32_t score[3] = { -86, 500, 500 };	/* the best so far */
		struct scan_concat_stats st;

		CHECK_INT(scan_concat_cache(cc, 16), 0);
		for (uint64_t key = 20; key < 23; key++) {
			for (uint8_t seq = 1; seq <= 3; seq++) {
				CHECK_INT(scan_concat_part(cc, b, s, key, seq, 3, t[seq - 1], strlen(t[seq - 1]),
							   NULL, key * 10 + seq, &r), SF_OK);
				CHECK_INT(r.model_score, score[seq - 1]);
				CHECK_INT(r.action, seq == 1 ? SF_ACT_TAG : SF_ACT_BLOCK);
			}
		}
		scan_concat_get_stats(cc, &st);
		CHECK_INT(st.cache_hits, 6);	/* every part of the two repeats */
		/* a cached first part, then a new second one: its sums are
		 * walked and added to the cached part's ("aa" + "aaaa": 6/sqrt(6)) */
		CHECK_INT(scan_concat_part(cc, b, s, 30, 1, 3, "aa", 2, NULL, 400, &r), SF_OK);
		CHECK_INT(r.model_score, -86);
		CHECK_INT(scan_concat_part(cc, b, s, 30, 2, 3, "aaaa", 4, NULL, 401, &r), SF_OK);
		CHECK_INT(r.model_score, 949);
		scan_concat_get_stats(cc, &st);
		CHECK_INT(st.cache_hits, 7);
		scan_concat_free(cc);
	}
	CHECK_INT(r.model_version, scan_bundle_model(b)->version);
	/* an allow rule wins over the model */
	CHECK_INT(scan_block(b, s, "您的验证码是123456aaaa", strlen("您的验证码是123456aaaa"), NULL, &r), SF_OK);
	CHECK_INT(r.action, SF_ACT_ALLOW);
	CHECK_INT(r.rule_id, 9001);
	CHECK_INT(r.flags & SCAN_F_MODEL, 0);
	/* a rule's block decides its class */
	CHECK_INT(scan_block(b, s, "招聘刷单返利日结aaaa", strlen("招聘刷单返利日结aaaa"), NULL, &r), SF_OK);
	CHECK_INT(r.action, SF_ACT_BLOCK);
	CHECK_INT(r.class_id, SF_CLASS_FAKE_OFFER);
	CHECK_INT(r.rule_id, 4001);
	/* below its block threshold (one a among many features: score < 400)
	 * but over its tag threshold the model raises score rule 1003's 50 by
	 * 30, short of 100: the model's tag stands */
	CHECK_INT(scan_block(b, s, "请立即转账a", strlen("请立即转账a"), NULL, &r), SF_OK);
	CHECK_INT(r.action, SF_ACT_TAG);
	CHECK_INT(r.score, 80);
	CHECK_INT(r.rule_id, 0);
	CHECK_INT(r.model_score, -1092);	/* -1500 + 1000 / sqrt(6) */
	/* 60 + 30 = 90 ... with rule 1002 (60) and the raise: still short */
	CHECK_INT(scan_block(b, s, "请转入安全账户a", strlen("请转入安全账户a"), NULL, &r), SF_OK);
	CHECK_INT(r.score, 90);
	CHECK_INT(r.flags & SCAN_F_MODEL, SCAN_F_MODEL);
	CHECK_INT(r.model_action, SF_ACT_TAG);
	/* raised over the threshold: 60 + 50 + 30 blocks, with the top score rule */
	CHECK_INT(scan_block(b, s, "请转入安全账户a请立即转账", strlen("请转入安全账户a请立即转账"), NULL, &r),
		  SF_OK);
	CHECK_INT(r.action, SF_ACT_BLOCK);	/* 110 >= 100 without the model too */
	CHECK_INT(r.flags & SCAN_F_MODEL, 0);
	/* tag by the model when no rule decided */
	m->cls[0].block_thr = SCORE_NEVER;
	scan_scratch_free(s);
	scan_bundle_free(b);
	free(img);
	CHECK_INT(model_bundle(m, &img, &n), 0);
	b = scan_bundle_load(img, n, err, sizeof err);
	s = b ? scan_scratch_create(b) : NULL;
	CHECK(s != NULL);
	if (!s)
		goto out;
	CHECK_INT(scan_block(b, s, "aaaa", 4, NULL, &r), SF_OK);
	CHECK_INT(r.action, SF_ACT_TAG);
	CHECK_INT(r.rule_id, 0);
	CHECK_INT(r.class_id, SF_CLASS_FRAUD_IMPERSONATION);
	/* a raise that reaches the threshold blocks with the class's top score rule */
	m->cls[0].raise = 50;
	scan_scratch_free(s);
	scan_bundle_free(b);
	free(img);
	CHECK_INT(model_bundle(m, &img, &n), 0);
	b = scan_bundle_load(img, n, err, sizeof err);
	s = b ? scan_scratch_create(b) : NULL;
	CHECK(s != NULL);
	if (!s)
		goto out;
	CHECK_INT(scan_block(b, s, "请转入安全账户a", strlen("请转入安全账户a"), NULL, &r), SF_OK);
	CHECK_INT(r.action, SF_ACT_BLOCK);
	CHECK_INT(r.score, 110);
	CHECK_INT(r.rule_id, 1002);
	CHECK_INT(r.class_id, SF_CLASS_FRAUD_IMPERSONATION);
	CHECK_INT(r.flags & SCAN_F_MODEL, SCAN_F_MODEL);
	/* concatenated parts get the same treatment */
	{
		struct scan_concat *cc = scan_concat_create(8, 1000000000ull);

		CHECK_INT(scan_concat_part(cc, b, s, 42, 1, 2, "aaaa", 4, NULL, 1, &r), SF_OK);
		CHECK_INT(r.action, SF_ACT_TAG);
		CHECK_INT(r.model_score, 500);
		scan_concat_free(cc);
	}
out:
	scan_scratch_free(s);
	scan_bundle_free(b);
	free(img);
	score_model_free(m);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_score RULES_DIR\n");
		return 1;
	}
	rules_dir = argv[1];
	RUN(test_features_known);
	RUN(test_score_exact);
	RUN(test_roundtrip_and_corruption);
	RUN(test_bundle_model_section);
	RUN(test_decision_order);
	return TEST_SUMMARY();
}
