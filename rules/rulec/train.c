/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw-rulec train: logistic regression over the scorer's hashed n-gram
 * features (score/score.h: the same extractor the engine scores with),
 * one binary model per class, trained by seeded SGD from labelled TSV
 * corpora mapped to classes by a training spec; k-fold cross-validation
 * chooses each class's block and tag thresholds for a target false-positive
 * rate and gives the figures the model image carries.
 * Spec: rules/FORMAT.md "Training". */
#include "rulec/train.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sf_sha256.h"
#include "sf_verdict.h"
#include "score/score.h"
#include "text/normalize.h"

#define TR_MAX_MAPS 16
#define TR_NEVER (-1.0)		/* fpr target: never act */

enum { ROLE_IGNORE = 0, ROLE_POS, ROLE_NEG, ROLE_NEG_TRAIN };	/* NEG_TRAIN: not for thresholds */

struct tr_map {
	char label[64], category[64];	/* category "" = any */
	uint8_t role[SCORE_MAX_CLASSES];
};

struct tr_corpus {
	char path[1024], name[256];
	unsigned n_maps;
	struct tr_map maps[TR_MAX_MAPS];
	/* figures */
	unsigned long lines, used, unmapped;
	uint8_t sha[32];
};

struct tr_class {
	char name[SCORE_NAME_MAX];
	unsigned sf_class;
	double block_fpr, tag_fpr;	/* TR_NEVER: off */
	double block_corpus_fpr;	/* cap in each corpus's negatives, TR_NEVER: none */
	int32_t raise;
};

struct tr_spec {
	unsigned bits, nmin, nmax, flags, seed, epochs, folds;
	double rate, l2;
	unsigned n_classes, n_corpora;
	struct tr_class cls[SCORE_MAX_CLASSES];
	struct tr_corpus corp[SCORE_MAX_CORPORA];
};

/* One training message: its normalised text, features and roles. */
struct tr_msg {
	char *norm;
	uint32_t nlen;
	uint32_t feat_off, n_feat;
	uint8_t role[SCORE_MAX_CLASSES];
	uint8_t corpus, positive, fold;	/* positive: the corpus label is not 0/normal */
};

struct tr_data {
	struct tr_msg *m;
	size_t n, cap;
	uint32_t *feat;
	size_t nfeat, featcap;
};

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fprintf(stderr, "train: out of memory\n");
		exit(1);
	}
	return q;
}

static int class_id_by_name(const char *s)
{
	for (unsigned c = 1; c < SF_CLASS_ALLOW; c++)
		if (strcmp(sf_class_name(c), s) == 0)
			return (int)c;
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

static int parse_fpr(const char *v, double *out)
{
	char *end;

	if (strcmp(v, "never") == 0) {
		*out = TR_NEVER;
		return 0;
	}
	*out = strtod(v, &end);
	return *end || *out < 0 || *out > 1 ? -1 : 0;
}

/* The spec file (rules/FORMAT.md "Training"); 0 or -1 after file:line. */
static int read_spec(const char *path, const char *data_dir, struct tr_spec *sp)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	unsigned ln = 0;
	struct tr_corpus *cur = NULL;

	memset(sp, 0, sizeof *sp);
	sp->bits = 18;
	sp->nmin = 1;
	sp->nmax = 3;
	sp->flags = SCORE_F_DIGIT_FOLD | SCORE_F_BOUNDARY;
	sp->seed = 1;
	sp->epochs = 5;
	sp->folds = 5;
	sp->rate = 0.5;
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		char *s = trim(line), *kw, *save = NULL;

		ln++;
		if (!*s || *s == '#')
			continue;
		kw = strtok_r(s, " \t", &save);
#define ARG() strtok_r(NULL, " \t", &save)
#define BAD(...) do { fprintf(stderr, "%s:%u: ", path, ln); fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); fclose(f); return -1; } while (0)
		if (strcmp(kw, "bits") == 0 || strcmp(kw, "seed") == 0 || strcmp(kw, "epochs") == 0 ||
		    strcmp(kw, "folds") == 0) {
			char *v = ARG(), *end;
			unsigned long x = v ? strtoul(v, &end, 10) : 0;

			if (!v || *end)
				BAD("%s needs a number", kw);
			if (kw[0] == 'b') {
				if (x < 10 || x > 22)
					BAD("bits must be 10..22");
				sp->bits = (unsigned)x;
			} else if (kw[0] == 's') {
				sp->seed = (unsigned)x;
			} else if (kw[0] == 'e') {
				if (x < 1 || x > 100)
					BAD("epochs must be 1..100");
				sp->epochs = (unsigned)x;
			} else {
				if (x < 2 || x > 20)
					BAD("folds must be 2..20");
				sp->folds = (unsigned)x;
			}
		} else if (strcmp(kw, "rate") == 0 || strcmp(kw, "l2") == 0) {
			char *v = ARG(), *end;
			double x = v ? strtod(v, &end) : 0;

			if (!v || *end || x < 0)
				BAD("%s needs a non-negative number", kw);
			if (kw[0] == 'r')
				sp->rate = x;
			else
				sp->l2 = x;
		} else if (strcmp(kw, "ngrams") == 0) {
			char *a = ARG(), *b = ARG();

			if (!a || !b || atoi(a) < 1 || atoi(b) > 3 || atoi(a) > atoi(b))
				BAD("ngrams MIN MAX, 1 <= MIN <= MAX <= 3");
			sp->nmin = (unsigned)atoi(a);
			sp->nmax = (unsigned)atoi(b);
		} else if (strcmp(kw, "features") == 0) {
			char *a;

			sp->flags = 0;
			while ((a = ARG())) {
				if (strcmp(a, "digit_fold") == 0)
					sp->flags |= SCORE_F_DIGIT_FOLD;
				else if (strcmp(a, "boundary") == 0)
					sp->flags |= SCORE_F_BOUNDARY;
				else
					BAD("unknown feature option %s (digit_fold, boundary)", a);
			}
		} else if (strcmp(kw, "class") == 0) {
			struct tr_class *c;
			char *name = ARG(), *cls = ARG(), *a;
			int id;

			if (sp->n_classes >= SCORE_MAX_CLASSES)
				BAD("too many classes (at most %d)", SCORE_MAX_CLASSES);
			if (!name || !cls || strlen(name) >= SCORE_NAME_MAX)
				BAD("class NAME SMSFW_CLASS [block=FPR|never] [tag=FPR|never] "
				    "[block_corpus=FPR] [raise=N]");
			if ((id = class_id_by_name(cls)) < 0)
				BAD("unknown smsfw class %s", cls);
			c = &sp->cls[sp->n_classes++];
			snprintf(c->name, sizeof c->name, "%s", name);
			c->sf_class = (unsigned)id;
			c->block_fpr = 0.0005;
			c->tag_fpr = 0.002;
			c->block_corpus_fpr = TR_NEVER;
			while ((a = ARG())) {
				if (strncmp(a, "block=", 6) == 0 && parse_fpr(a + 6, &c->block_fpr) == 0)
					continue;
				if (strncmp(a, "tag=", 4) == 0 && parse_fpr(a + 4, &c->tag_fpr) == 0)
					continue;
				if (strncmp(a, "block_corpus=", 13) == 0 &&
				    parse_fpr(a + 13, &c->block_corpus_fpr) == 0)
					continue;
				if (strncmp(a, "raise=", 6) == 0 && atoi(a + 6) >= 0) {
					c->raise = atoi(a + 6);
					continue;
				}
				BAD("bad class option %s", a);
			}
		} else if (strcmp(kw, "corpus") == 0) {
			char *p = ARG();

			if (!p)
				BAD("corpus FILE");
			if (sp->n_corpora >= SCORE_MAX_CORPORA)
				BAD("too many corpora");
			cur = &sp->corp[sp->n_corpora++];
			if (p[0] == '/' || !data_dir)
				snprintf(cur->path, sizeof cur->path, "%s", p);
			else
				snprintf(cur->path, sizeof cur->path, "%s/%s", data_dir, p);
			snprintf(cur->name, sizeof cur->name, "%s", strrchr(p, '/') ? strrchr(p, '/') + 1 : p);
		} else if (strcmp(kw, "map") == 0) {
			struct tr_map *m;
			char *key = ARG(), *a, *colon;

			if (!cur)
				BAD("map before any corpus");
			if (!key)
				BAD("map LABEL[:CATEGORY] CLASS+|CLASS-|CLASS~ ...");
			if (cur->n_maps >= TR_MAX_MAPS)
				BAD("too many maps for one corpus");
			m = &cur->maps[cur->n_maps++];
			colon = strchr(key, ':');
			if (colon)
				*colon = 0;
			snprintf(m->label, sizeof m->label, "%s", key);
			snprintf(m->category, sizeof m->category, "%s", colon ? colon + 1 : "");
			while ((a = ARG())) {
				size_t n = strlen(a);
				unsigned c;
				char r = n ? a[n - 1] : 0;

				if (n < 2 || (r != '+' && r != '-' && r != '~'))
					BAD("role %s: CLASS+ (positive), CLASS- (negative) or CLASS~ "
					    "(negative, not used for thresholds)", a);
				a[n - 1] = 0;
				for (c = 0; c < sp->n_classes && strcmp(sp->cls[c].name, a); c++)
					;
				if (c == sp->n_classes)
					BAD("unknown class %s (declare it with class first)", a);
				m->role[c] = r == '+' ? ROLE_POS : r == '-' ? ROLE_NEG : ROLE_NEG_TRAIN;
			}
		} else {
			BAD("unknown keyword %s", kw);
		}
#undef ARG
#undef BAD
	}
	fclose(f);
	if (!sp->n_classes || !sp->n_corpora) {
		fprintf(stderr, "%s: needs at least one class and one corpus\n", path);
		return -1;
	}
	return 0;
}

static uint64_t rng_next(uint64_t *s)
{
	/* splitmix64: seeded, the same sequence everywhere */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int label_positive(const char *l)
{
	return !(!*l || strcmp(l, "0") == 0 || strcmp(l, "ham") == 0 || strcmp(l, "normal") == 0);
}

static int load_corpus(struct tr_spec *sp, unsigned ci, const struct score_model *fm,
		       struct tr_data *d)
{
	struct tr_corpus *k = &sp->corp[ci];
	FILE *f = fopen(k->path, "r");
	char *line = NULL, *norm = NULL;
	size_t lcap = 0, ncap = 0;
	ssize_t got;
	struct sha256 h;

	if (!f) {
		fprintf(stderr, "%s: %s\n", k->path, strerror(errno));
		return -1;
	}
	sha256_init(&h);
	while ((got = getline(&line, &lcap, f)) >= 0) {
		char *fields[4], *p = line, *text, *label, *cat = "";
		int nf = 1;
		const struct tr_map *mp = NULL;
		struct tr_msg *m;
		size_t nl, nfeat;

		sha256_update(&h, line, (size_t)got);
		k->lines++;
		while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
			line[--got] = 0;
		fields[0] = p;
		while (nf < 4 && (p = strchr(p, '\t'))) {
			*p++ = 0;
			fields[nf++] = p;
		}
		if (nf < 2)
			continue;
		label = fields[0];
		text = fields[nf - 1];
		if (nf >= 3)
			cat = fields[1];
		for (unsigned i = 0; i < k->n_maps && !mp; i++)
			if (strcmp(k->maps[i].label, label) == 0 &&
			    (!k->maps[i].category[0] || strcmp(k->maps[i].category, cat) == 0))
				mp = &k->maps[i];
		if (!mp) {
			k->unmapped++;
			continue;
		}
		k->used++;
		if (ncap < NORM_CAP(strlen(text))) {
			ncap = NORM_CAP(strlen(text));
			norm = xrealloc(norm, ncap);
		}
		nl = norm_text(text, strlen(text), norm, ncap, NULL);
		if (d->n == d->cap) {
			d->cap = d->cap ? 2 * d->cap : 65536;
			d->m = xrealloc(d->m, d->cap * sizeof *d->m);
		}
		m = &d->m[d->n++];
		memset(m, 0, sizeof *m);
		m->norm = xrealloc(NULL, nl + 1);
		memcpy(m->norm, norm, nl + 1);
		m->nlen = (uint32_t)nl;
		memcpy(m->role, mp->role, sizeof m->role);
		m->corpus = (uint8_t)ci;
		m->positive = (uint8_t)label_positive(label);
		nfeat = score_features(fm, norm, nl, NULL, 0);
		if (d->featcap - d->nfeat < nfeat) {
			while (d->featcap - d->nfeat < nfeat)
				d->featcap = d->featcap ? 2 * d->featcap : (1u << 22);
			d->feat = xrealloc(d->feat, d->featcap * sizeof *d->feat);
		}
		m->feat_off = (uint32_t)d->nfeat;
		m->n_feat = (uint32_t)score_features(fm, norm, nl, d->feat + d->nfeat, nfeat);
		d->nfeat += nfeat;
	}
	sha256_final(&h, k->sha);
	free(line);
	free(norm);
	fclose(f);
	return 0;
}

/* Train every class on the messages whose fold != skip_fold (skip_fold =
 * folds: all). w: [(1 << bits) * nc] floats, bias[nc]. */
static void sgd(const struct tr_spec *sp, const struct tr_data *d, unsigned skip_fold,
		float *w, double *bias)
{
	unsigned nc = sp->n_classes;
	size_t nrows = (size_t)1 << sp->bits;
	size_t *order = xrealloc(NULL, d->n * sizeof *order), n = 0;
	uint64_t rs = sp->seed * 0x2545F4914F6CDD1DULL + skip_fold;

	memset(w, 0, nrows * nc * sizeof *w);
	for (unsigned c = 0; c < nc; c++)
		bias[c] = 0;
	for (size_t i = 0; i < d->n; i++)
		if (d->m[i].fold != skip_fold)
			order[n++] = i;
	for (unsigned ep = 0; ep < sp->epochs; ep++) {
		double lr = sp->rate / (1.0 + ep);

		for (size_t i = n; i > 1; i--) {	/* Fisher-Yates, seeded */
			size_t j = (size_t)(rng_next(&rs) % i), t = order[i - 1];

			order[i - 1] = order[j];
			order[j] = t;
		}
		for (size_t oi = 0; oi < n; oi++) {
			const struct tr_msg *m = &d->m[order[oi]];
			const uint32_t *f = d->feat + m->feat_off;
			double inv = m->n_feat ? 1.0 / sqrt((double)m->n_feat) : 0;

			for (unsigned c = 0; c < nc; c++) {
				double z, p, g;
				float gf;

				if (m->role[c] == ROLE_IGNORE)
					continue;
				z = 0;
				for (uint32_t k = 0; k < m->n_feat; k++)
					z += w[(size_t)f[k] * nc + c];
				z = bias[c] + z * inv;
				p = 1.0 / (1.0 + exp(-z));
				g = p - (m->role[c] == ROLE_POS ? 1.0 : 0.0);
				bias[c] -= lr * g;
				gf = (float)(lr * g * inv);
				for (uint32_t k = 0; k < m->n_feat; k++) {
					float *x = &w[(size_t)f[k] * nc + c];

					*x -= gf + (float)(sp->l2 * lr) * *x;
				}
			}
		}
	}
	free(order);
}

/* Quantise float weights into m (w, scale, bias). */
static void quantise(const struct tr_spec *sp, const float *w, const double *bias,
		     struct score_model *m)
{
	size_t nw = ((size_t)1 << sp->bits) * sp->n_classes;
	double mx = 0;
	unsigned scale = 14;

	for (size_t i = 0; i < nw; i++)
		if (fabs(w[i]) > mx)
			mx = fabs(w[i]);
	while (scale > 0 && mx * ldexp(1.0, (int)scale) > 32767.0)
		scale--;
	m->scale = (uint8_t)scale;
	for (size_t i = 0; i < nw; i++)
		m->w[i] = (int16_t)lrint(w[i] * ldexp(1.0, (int)scale));
	for (unsigned c = 0; c < sp->n_classes; c++)
		m->cls[c].bias = (int32_t)lrint(bias[c] * 1000.0);
}

static int cmp_i32_desc(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* The lowest threshold with at most fpr * n of the negatives at or above
 * it (scores sorted descending). */
static int32_t pick_threshold(const int32_t *neg, size_t n, double fpr)
{
	size_t k;

	if (fpr < 0)
		return SCORE_NEVER;
	if (!n)
		return 0;
	k = (size_t)floor(fpr * (double)n);
	if (k >= n)
		return neg[n - 1];
	return neg[k] == INT32_MAX ? SCORE_NEVER : neg[k] + 1;
}

static double pct(unsigned long a, unsigned long b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

struct rep {
	char *p;
	size_t len, cap;
};

static void rep_add(struct rep *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void rep_add(struct rep *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(r->p ? r->p + r->len : NULL, r->p ? r->cap - r->len : 0, fmt, ap);
		va_end(ap);
		if (n >= 0 && r->p && (size_t)n < r->cap - r->len) {
			r->len += (size_t)n;
			return;
		}
		r->cap = r->cap ? 2 * r->cap + (size_t)n : 4096 + (size_t)n;
		r->p = xrealloc(r->p, r->cap);
	}
}

int cmd_train(int argc, char **argv)
{
	const char *spec_path = NULL, *data_dir = NULL, *outp = NULL;
	struct tr_spec sp;
	struct tr_data d = { 0 };
	struct score_model *m;
	float *w;
	double bias[SCORE_MAX_CLASSES];
	int32_t *oof;	/* [n * nc] out-of-fold scores */
	unsigned nc;
	size_t nrows;
	struct rep rep = { 0 };
	uint8_t *img;
	size_t img_len;
	char err[256];
	struct timespec t0, t1;
	FILE *f;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			outp = argv[++i];
		else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
			data_dir = argv[++i];
		else if (!spec_path && argv[i][0] != '-')
			spec_path = argv[i];
		else {
			fprintf(stderr, "train: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	if (!spec_path || !outp) {
		fprintf(stderr, "train: SPEC -o MODEL [--data DIR] are required\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (read_spec(spec_path, data_dir, &sp) != 0)
		return 1;
	nc = sp.n_classes;
	nrows = (size_t)1 << sp.bits;
	m = calloc(1, sizeof *m);
	if (!m)
		return 1;
	m->bits = (uint8_t)sp.bits;
	m->ngram_min = (uint8_t)sp.nmin;
	m->ngram_max = (uint8_t)sp.nmax;
	m->flags = (uint8_t)sp.flags;
	m->seed = sp.seed;
	m->n_classes = (uint8_t)nc;
	for (unsigned c = 0; c < nc; c++) {
		snprintf(m->cls[c].name, sizeof m->cls[c].name, "%s", sp.cls[c].name);
		m->cls[c].sf_class = (uint8_t)sp.cls[c].sf_class;
		m->cls[c].raise = sp.cls[c].raise;
	}
	for (unsigned i = 0; i < sp.n_corpora; i++)
		if (load_corpus(&sp, i, m, &d) != 0)
			return 1;
	if (!d.n) {
		fprintf(stderr, "train: no labelled message mapped to a class\n");
		return 1;
	}
	m->n_corpora = sp.n_corpora;
	for (unsigned i = 0; i < sp.n_corpora; i++) {
		snprintf(m->corpora[i].name, sizeof m->corpora[i].name, "%s", sp.corp[i].name);
		m->corpora[i].lines = (uint32_t)sp.corp[i].lines;
		memcpy(m->corpora[i].sha256, sp.corp[i].sha, 32);
	}
	{	/* folds: seeded, stratified by nothing but position in a shuffle */
		uint64_t rs = sp.seed ^ 0xF01D5ULL;

		for (size_t i = 0; i < d.n; i++)
			d.m[i].fold = (uint8_t)(rng_next(&rs) % sp.folds);
	}
	w = xrealloc(NULL, nrows * nc * sizeof *w);
	m->w = xrealloc(NULL, nrows * nc * sizeof *m->w);
	oof = xrealloc(NULL, d.n * nc * sizeof *oof);
	for (unsigned k = 0; k < sp.folds; k++) {
		sgd(&sp, &d, k, w, bias);
		quantise(&sp, w, bias, m);
		for (size_t i = 0; i < d.n; i++) {
			int32_t s[SCORE_MAX_CLASSES];

			if (d.m[i].fold != k)
				continue;
			score_text(m, d.m[i].norm, d.m[i].nlen, s);
			memcpy(oof + i * nc, s, nc * sizeof *s);
		}
	}
	/* thresholds from the out-of-fold scores of each class's negatives */
	rep_add(&rep, "smsfw-rulec train %s: %zu messages, %u-fold cross-validation, seed %u, "
		"%u epochs, 2^%u features, n-grams %u..%u%s%s\n",
		strrchr(spec_path, '/') ? strrchr(spec_path, '/') + 1 : spec_path,
		d.n, sp.folds, sp.seed, sp.epochs, sp.bits, sp.nmin, sp.nmax,
		sp.flags & SCORE_F_DIGIT_FOLD ? ", digits folded" : "",
		sp.flags & SCORE_F_BOUNDARY ? ", boundary markers" : "");
	for (unsigned c = 0; c < nc; c++) {
		int32_t *neg = xrealloc(NULL, d.n * sizeof *neg);
		size_t nn = 0, np = 0, hit_b = 0, hit_t = 0;
		static const double roc[] = { 0.0001, 0.0005, 0.001, 0.005, 0.01 };

		for (size_t i = 0; i < d.n; i++) {
			if (d.m[i].role[c] == ROLE_NEG)
				neg[nn++] = oof[i * nc + c];
			np += d.m[i].role[c] == ROLE_POS;
		}
		qsort(neg, nn, sizeof *neg, cmp_i32_desc);
		m->cls[c].block_thr = pick_threshold(neg, nn, sp.cls[c].block_fpr);
		m->cls[c].tag_thr = pick_threshold(neg, nn, sp.cls[c].tag_fpr);
		/* a looser cap holds in each corpus's negatives too (a small corpus
		 * of hard ham is not drowned by a big easy one) */
		for (unsigned k = 0; k < sp.n_corpora && m->cls[c].block_thr != SCORE_NEVER &&
		     sp.cls[c].block_corpus_fpr >= 0; k++) {
			int32_t *kn = xrealloc(NULL, d.n * sizeof *kn), t;
			size_t kk = 0;

			for (size_t i = 0; i < d.n; i++)
				if (d.m[i].corpus == k && d.m[i].role[c] == ROLE_NEG)
					kn[kk++] = oof[i * nc + c];
			qsort(kn, kk, sizeof *kn, cmp_i32_desc);
			t = pick_threshold(kn, kk, sp.cls[c].block_corpus_fpr);
			if (kk && t > m->cls[c].block_thr)
				m->cls[c].block_thr = t;
			free(kn);
		}
		if (m->cls[c].tag_thr != SCORE_NEVER && m->cls[c].block_thr != SCORE_NEVER &&
		    m->cls[c].tag_thr > m->cls[c].block_thr)
			m->cls[c].tag_thr = m->cls[c].block_thr;
		for (size_t i = 0; i < d.n; i++) {
			if (d.m[i].role[c] != ROLE_POS)
				continue;
			hit_b += m->cls[c].block_thr != SCORE_NEVER && oof[i * nc + c] >= m->cls[c].block_thr;
			hit_t += m->cls[c].tag_thr != SCORE_NEVER && oof[i * nc + c] >= m->cls[c].tag_thr;
		}
		char bt[16], tt[16];

		snprintf(bt, sizeof bt, m->cls[c].block_thr == SCORE_NEVER ? "never" : "%d",
			 m->cls[c].block_thr);
		snprintf(tt, sizeof tt, m->cls[c].tag_thr == SCORE_NEVER ? "never" : "%d",
			 m->cls[c].tag_thr);
		rep_add(&rep, "class %s (%s): %zu positive, %zu negative for thresholds; "
			"block >= %s, tag >= %s (milli-logits)\n", sp.cls[c].name,
			sf_class_name(sp.cls[c].sf_class), np, nn, bt, tt);
		rep_add(&rep, "  positives caught: block %.2f%%, tag or block %.2f%%\n",
			pct(hit_b, np), pct(hit_t, np));
		rep_add(&rep, "  ROC (cross-validated): ");
		for (unsigned r = 0; r < sizeof roc / sizeof roc[0]; r++) {
			int32_t t = pick_threshold(neg, nn, roc[r]);
			size_t hit = 0;

			for (size_t i = 0; i < d.n; i++)
				hit += d.m[i].role[c] == ROLE_POS && oof[i * nc + c] >= t;
			rep_add(&rep, "%sFPR %.2f%% recall %.2f%%", r ? ", " : "", roc[r] * 100, pct(hit, np));
		}
		rep_add(&rep, "\n");
		free(neg);
	}
	/* per corpus, the model's own decision with the chosen thresholds */
	rep_add(&rep, "per corpus (model alone, cross-validated; positive = label not 0/normal):\n");
	rep_add(&rep, "  %-30s %7s %7s %9s %13s %9s %11s\n", "corpus", "lines", "pos", "blocked",
		"block or tag", "ham", "ham blocked");
	for (unsigned k = 0; k < sp.n_corpora; k++) {
		unsigned long pos = 0, neg = 0, pb = 0, pt = 0, nb = 0, ntg = 0;

		for (size_t i = 0; i < d.n; i++) {
			int32_t s[SCORE_MAX_CLASSES] = { 0 };
			unsigned cls, act;

			if (d.m[i].corpus != k)
				continue;
			memcpy(s, oof + i * nc, nc * sizeof *s);
			act = score_decide(m, s, &cls);
			if (d.m[i].positive) {
				pos++;
				pb += act == SF_ACT_BLOCK;
				pt += act != SF_ACT_NONE;
			} else {
				neg++;
				nb += act == SF_ACT_BLOCK;
				ntg += act == SF_ACT_TAG;
			}
		}
		rep_add(&rep, "  %-30s %7lu %7lu %8.2f%% %12.2f%% %9lu %10.3f%%  (ham tagged %.3f%%)\n",
			sp.corp[k].name, sp.corp[k].lines, pos, pct(pb, pos), pct(pt, pos), neg,
			pct(nb, neg), pct(ntg, neg));
	}
	/* the shipped model: trained on everything */
	sgd(&sp, &d, sp.folds, w, bias);
	quantise(&sp, w, bias, m);
	m->report = rep.p;
	if (score_model_write(m, &img, &img_len, err, sizeof err) != 0) {
		fprintf(stderr, "train: %s\n", err);
		return 1;
	}
	f = fopen(outp, "wb");
	if (!f || fwrite(img, 1, img_len, f) != img_len || fclose(f) != 0) {
		fprintf(stderr, "%s: %s\n", outp, strerror(errno));
		return 1;
	}
	{
		uint8_t dg[32];
		char hex[65];

		sha256(img, img_len, dg);
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", dg[i]);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fputs(rep.p, stdout);
		printf("wrote %s: %zu bytes, sha256 %s, %.1f s\n", outp, img_len, hex,
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	free(img);
	free(w);
	free(oof);
	for (size_t i = 0; i < d.n; i++)
		free(d.m[i].norm);
	free(d.m);
	free(d.feat);
	score_model_free(m);
	return 0;
}
