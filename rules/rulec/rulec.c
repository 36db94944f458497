/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw-rulec: the analysts' rule tool. check (syntax, classes, ids,
 * defines, Hyperscan errors, empty and too expensive patterns, each as
 * file:line), test (every embedded example), compile (bundle), eval (a
 * labelled TSV corpus: JSON per line and confusion matrices) and explain
 * (what hit a text and where, in the original characters).
 * Spec: rules/FORMAT.md. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hs/hs.h>

#include "sf_json.h"
#include "sf_verdict.h"
#include "scan/bundle.h"
#include "scan/rulecomp.h"
#include "scan/rulefile.h"
#include "scan/scan.h"
#include "text/normalize.h"
#include "score/score.h"
#include "rulec/train.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smsfw-rulec COMMAND ...\n"
		"  check [--fast] [--ham FILE]... [--ham-share PCT] [--no-ham-ref] FILES|DIRS...\n"
		"                                        report every mistake as file:line\n"
		"  test [--sender N] FILES|DIRS...        run every match/nomatch example\n"
		"  compile FILES|DIRS... -o BUNDLE [--model M] [--platform host|generic] [--depfile F]\n"
		"  train SPEC -o MODEL [--data DIR]     train the content model (rules/FORMAT.md)\n"
		"  eval --bundle B --tsv FILE [--label-col N] [--group-col N] [--sender N]\n"
		"       [--summary-only] [--count-tag]    score a labelled corpus\n"
		"  explain --bundle B [--sender N] TEXT   what hits TEXT and where ('-': stdin)\n"
		"Directories mean all *.rules in them, in name order.\n");
}

static const char *action_name(unsigned a)
{
	switch (a) {
	case SF_ACT_SCORE: return "score";
	case SF_ACT_TAG: return "tag";
	case SF_ACT_BLOCK: return "block";
	case SF_ACT_ALLOW: return "allow";
	default: return "none";
	}
}

static void print_diags(struct rulefile *rf)
{
	rulefile_sort_diags(rf);
	for (unsigned i = 0; i < rf->n_diags; i++) {
		const struct rulefile_diag *d = &rf->diags[i];

		if (d->line)
			fprintf(stderr, "%s:%u: %s\n", d->file, d->line, d->msg);
		else
			fprintf(stderr, "%s: %s\n", d->file, d->msg);
	}
}

/* Read, resolve and check the sources; NULL after printing errors. */
static struct rulefile *load_rules(char **paths, int n, const struct rulecomp_opts *o)
{
	struct rulefile *rf = rulefile_new();

	if (!rf) {
		fprintf(stderr, "out of memory\n");
		return NULL;
	}
	if (n == 0) {
		fprintf(stderr, "no rule files given\n");
		rulefile_free(rf);
		return NULL;
	}
	for (int i = 0; i < n; i++)
		rulefile_add_path(rf, paths[i]);
	rulefile_resolve(rf);
	rulecomp_check(rf, o);
	if (rf->n_diags) {
		print_diags(rf);
		fprintf(stderr, "%u error%s\n", rf->n_diags, rf->n_diags == 1 ? "" : "s");
		rulefile_free(rf);
		return NULL;
	}
	return rf;
}

static int build(struct rulefile *rf, const struct rulecomp_opts *o, uint8_t **img, size_t *len)
{
	char err[512];

	if (rulecomp_build(rf, o, img, len, err, sizeof err) != 0) {
		print_diags(rf);
		if (err[0])
			fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

#ifndef SMSFW_HAM_REF
#define SMSFW_HAM_REF "rules/ham/reference.txt"
#endif
#ifndef SMSFW_HAM_REF_INSTALLED
#define SMSFW_HAM_REF_INSTALLED "/usr/share/smsfw/ham/reference.txt"
#endif

static const char *ham_ref_path(void)
{
	return access(SMSFW_HAM_REF, R_OK) == 0 ? SMSFW_HAM_REF : SMSFW_HAM_REF_INSTALLED;
}

/* The ham check (rules/FORMAT.md "Ham check"): every block, tag, score and
 * allow rule is run over a sample of ordinary messages; a rule whose
 * pattern hits more than the allowed share of the sample's lines is
 * refused at its pattern line. A hit counts whether or not the rule's
 * sender condition would hold: the breadth of the pattern is checked. */
struct hamcount {
	const struct rulefile *rf;
	unsigned *hits;		/* per rule index, lines hit */
	unsigned char *seen;	/* per rule index, hit on the current line */
};

static int rule_id_cmp(const void *k, const void *e)
{
	uint32_t id = *(const uint32_t *)k;
	const struct rulefile_rule *r = e;

	return id < r->id ? -1 : id > r->id;
}

static void on_ham_hit(void *arg, const struct rule_info *ri, unsigned long long end, int ok)
{
	struct hamcount *h = arg;
	const struct rulefile_rule *r;

	(void)end;
	(void)ok;
	r = bsearch(&ri->id, h->rf->rules, h->rf->n_rules, sizeof *r, rule_id_cmp);
	if (r)
		h->seen[r - h->rf->rules] = 1;
}

/* Returns the number of refused rules, or -1 when the sample is unreadable
 * or empty (printed). */
static int ham_check(struct rulefile *rf, const struct scan_bundle *b, struct scan_scratch *s,
		     const char *path, const char *name, unsigned dflt_pct)
{
	FILE *f = fopen(path, "r");
	struct hamcount h = { rf, NULL, NULL };
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	unsigned n = 0;
	int bad = 0;

	if (!f) {
		fprintf(stderr, "ham sample %s: %s\n", path, strerror(errno));
		return -1;
	}
	h.hits = calloc(rf->n_rules ? rf->n_rules : 1, sizeof *h.hits);
	h.seen = calloc(rf->n_rules ? rf->n_rules : 1, 1);
	if (!h.hits || !h.seen)
		abort();
	while ((got = getline(&line, &cap, f)) >= 0) {
		size_t tl = (size_t)got, nl, ncap;
		char *norm;

		while (tl && (line[tl - 1] == '\n' || line[tl - 1] == '\r'))
			tl--;
		if (!tl)
			continue;
		ncap = NORM_CAP(tl);
		norm = malloc(ncap);
		if (!norm)
			abort();
		nl = norm_text(line, tl, norm, ncap, NULL);
		memset(h.seen, 0, rf->n_rules);
		if (scan_block_hits(b, s, norm, nl, NULL, on_ham_hit, &h) != SF_OK) {
			fprintf(stderr, "ham sample %s: scan failed\n", path);
			free(norm);
			bad = -1;
			break;
		}
		for (unsigned i = 0; i < rf->n_rules; i++)
			h.hits[i] += h.seen[i];
		free(norm);
		n++;
	}
	free(line);
	fclose(f);
	if (bad == 0 && n == 0) {
		fprintf(stderr, "ham sample %s: no lines\n", path);
		bad = -1;
	}
	for (unsigned i = 0; bad >= 0 && i < rf->n_rules; i++) {
		const struct rulefile_rule *r = &rf->rules[i];
		unsigned pct = r->ham_share >= 0 ? (unsigned)r->ham_share : dflt_pct;

		/* hits / n > pct / 100, exactly */
		if ((unsigned long long)h.hits[i] * 100 > (unsigned long long)pct * n) {
			printf("%s:%u: rule %u: pattern hits %u of %u lines (%.1f%%) of the %s; the limit is %u%% (%s): narrow it, or say \"hamshare PCT\" if it "
			       "is meant to\n", r->file, r->pattern_line, r->id, h.hits[i], n,
			       100.0 * h.hits[i] / n, name, pct,
			       r->ham_share >= 0 ? "its hamshare" : "--ham-share");
			bad++;
		}
	}
	free(h.hits);
	free(h.seen);
	return bad;
}

static int cmd_check(int argc, char **argv)
{
	struct rulecomp_opts o;
	struct rulefile *rf;
	char **paths = argv;	/* compacted in place: n <= i */
	int n = 0;
	uint8_t *img;
	size_t len;
	char err[256];
	struct scan_bundle *b;
	struct scan_scratch *s;
	const char *ham[16];
	unsigned n_ham = 0, share = 5;
	int use_ref = 1, refused = 0;

	rulecomp_default_opts(&o);
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--fast") == 0) {
			o.skip_cost = 1;
		} else if (strcmp(argv[i], "--ham") == 0 && i + 1 < argc) {
			if (n_ham == 16) {
				fprintf(stderr, "at most 16 --ham samples\n");
				return 2;
			}
			ham[n_ham++] = argv[++i];
		} else if (strcmp(argv[i], "--no-ham-ref") == 0) {
			use_ref = 0;
		} else if (strcmp(argv[i], "--ham-share") == 0 && i + 1 < argc) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 10);

			if (end == argv[i] || *end || argv[i][0] == '-' || v > 100) {
				fprintf(stderr, "--ham-share wants a percentage 0..100\n");
				return 2;
			}
			share = (unsigned)v;
		} else {
			paths[n++] = argv[i];
		}
	}
	rf = load_rules(paths, n, &o);
	if (!rf)
		return 1;
	if (build(rf, &o, &img, &len) != 0) {
		rulefile_free(rf);
		return 1;
	}
	b = scan_bundle_load(img, len, err, sizeof err);
	if (!b) {
		fprintf(stderr, "compiled bundle does not load: %s\n", err);
		free(img);
		rulefile_free(rf);
		return 1;
	}
	s = scan_scratch_create(b);
	if (!s) {
		fprintf(stderr, "bundle: no scratch\n");
		scan_bundle_free(b);
		free(img);
		rulefile_free(rf);
		return 1;
	}
	for (unsigned k = 0; k < n_ham + (unsigned)use_ref && refused >= 0; k++) {
		char name[1100];
		const char *p = k < (unsigned)use_ref ? ham_ref_path() : ham[k - use_ref];
		int r;

		if (k < (unsigned)use_ref)
			snprintf(name, sizeof name, "reference ham sample");
		else
			snprintf(name, sizeof name, "ham sample %s", p);
		r = ham_check(rf, b, s, p, name, share);

		refused = r < 0 ? -1 : refused + r;
	}
	scan_scratch_free(s);
	if (refused) {
		if (refused > 0)
			printf("%d rule%s refused by the ham check\n", refused, refused == 1 ? "" : "s");
		scan_bundle_free(b);
		free(img);
		rulefile_free(rf);
		return 1;
	}
	printf("ok: %u rules, %u defines, %u sender sets in %u files; threshold %u; "
	       "bundle %zu bytes, %zu bytes of stream state per concatenated message\n",
	       rf->n_rules, rf->n_defines, rf->n_sets, rf->n_files, rf->threshold, len,
	       scan_bundle_stream_size(b));
	scan_bundle_free(b);
	free(img);
	rulefile_free(rf);
	return 0;
}

struct hitset {
	uint32_t want;
	int hit, hit_sender_fail;
	unsigned long long end;
};

static void on_test_hit(void *arg, const struct rule_info *r, unsigned long long end, int ok)
{
	struct hitset *h = arg;

	if (r->id != h->want)
		return;
	if (ok) {
		h->hit = 1;
		h->end = end;
	} else {
		h->hit_sender_fail = 1;
	}
}

static int cmd_test(int argc, char **argv)
{
	struct rulecomp_opts o;
	struct rulefile *rf;
	char **paths = argv;	/* compacted in place: n <= i */
	const char *dflt_sender = NULL;
	int n = 0;
	uint8_t *img;
	size_t len;
	char err[256];
	struct scan_bundle *b;
	struct scan_scratch *s;
	unsigned total = 0, fails = 0;

	rulecomp_default_opts(&o);
	o.skip_cost = 1;	/* check's job; test only needs the examples */
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--sender") == 0 && i + 1 < argc)
			dflt_sender = argv[++i];
		else
			paths[n++] = argv[i];
	}
	rf = load_rules(paths, n, &o);
	if (!rf)
		return 1;
	if (build(rf, &o, &img, &len) != 0) {
		rulefile_free(rf);
		return 1;
	}
	b = scan_bundle_load(img, len, err, sizeof err);
	free(img);
	if (!b || !(s = scan_scratch_create(b))) {
		fprintf(stderr, "bundle: %s\n", b ? "no scratch" : err);
		scan_bundle_free(b);
		rulefile_free(rf);
		return 1;
	}
	for (unsigned i = 0; i < rf->n_rules; i++) {
		const struct rulefile_rule *r = &rf->rules[i];

		for (unsigned k = 0; k < r->n_ex; k++) {
			const struct rulefile_example *ex = &r->ex[k];
			size_t tl = strlen(ex->text), cap = NORM_CAP(tl);
			char *norm = malloc(cap);
			struct hitset h = { r->id, 0, 0, 0 };
			const char *snd = ex->sender ? ex->sender : dflt_sender;
			size_t nl;

			if (!norm)
				abort();
			nl = norm_text(ex->text, tl, norm, cap, NULL);
			total++;
			if (scan_block_hits(b, s, norm, nl, snd, on_test_hit, &h) != SF_OK) {
				printf("%s:%u: rule %u: scan failed\n", r->file, ex->line, r->id);
				fails++;
			} else if (ex->match && !h.hit) {
				printf("%s:%u: rule %u: expected match, got none%s (normalised: %s)\n",
				       r->file, ex->line, r->id,
				       h.hit_sender_fail ? (snd ? " (pattern hits but the sender condition fails)"
								: " (pattern hits but the rule needs a sender=...)")
							 : "", norm);
				fails++;
			} else if (!ex->match && h.hit) {
				printf("%s:%u: rule %u: expected no match, got one ending at byte %llu "
				       "(normalised: %s)\n", r->file, ex->line, r->id, h.end, norm);
				fails++;
			}
			free(norm);
		}
	}
	printf("%u examples in %u rules: %u passed, %u failed\n", total, rf->n_rules,
	       total - fails, fails);
	scan_scratch_free(s);
	scan_bundle_free(b);
	rulefile_free(rf);
	return fails ? 1 : 0;
}

static int write_file_atomic(const char *path, const uint8_t *p, size_t n)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	f = fopen(tmp, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "%s: %s\n", tmp, strerror(errno));
		if (f)
			unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void depfile_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '#' || *s == '\\')
			fputc('\\', f);
		if (*s == '$')
			fputc('$', f);
		fputc(*s, f);
	}
}

static uint8_t *read_model_image(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && n < (64L << 20) &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc(n ? (size_t)n : 1)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
		errno = errno ? errno : EIO;
	}
	fclose(f);
	return buf;
}

static int cmd_compile(int argc, char **argv)
{
	struct rulecomp_opts o;
	struct rulefile *rf;
	char **paths = argv;	/* compacted in place: n <= i */
	const char *outp = NULL, *dep = NULL, *model_path = NULL;
	int n = 0;
	uint8_t *img, *model = NULL;
	size_t len;

	rulecomp_default_opts(&o);
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			outp = argv[++i];
		} else if (strcmp(argv[i], "--depfile") == 0 && i + 1 < argc) {
			dep = argv[++i];
		} else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
			model_path = argv[++i];
		} else if (strcmp(argv[i], "--platform") == 0 && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "generic") == 0) {
				o.generic_platform = 1;
			} else if (strcmp(argv[i], "host") != 0) {
				fprintf(stderr, "--platform host|generic\n");
				return 2;
			}
		} else {
			paths[n++] = argv[i];
		}
	}
	if (!outp) {
		fprintf(stderr, "compile: -o BUNDLE is required\n");
		return 2;
	}
	if (model_path) {
		/* validated like the loader will, before it goes into the bundle */
		char merr[256];
		struct score_model *sm;

		model = read_model_image(model_path, &o.model_len);
		sm = model ? score_model_load(model, o.model_len, merr, sizeof merr) : NULL;
		if (!sm) {
			fprintf(stderr, "%s: %s\n", model_path, model ? merr : strerror(errno));
			free(model);
			return 1;
		}
		score_model_free(sm);
		o.model = model;
	}
	rf = load_rules(paths, n, &o);
	if (!rf) {
		free(model);
		return 1;
	}
	if (build(rf, &o, &img, &len) != 0) {
		rulefile_free(rf);
		free(model);
		return 1;
	}
	free(model);
	if (write_file_atomic(outp, img, len) != 0) {
		free(img);
		rulefile_free(rf);
		return 1;
	}
	if (dep) {
		FILE *f = fopen(dep, "w");

		if (f) {
			depfile_escape(f, outp);
			fputc(':', f);
			for (int i = 0; i < n; i++) {	/* directories: a new file changes their mtime */
				fputc(' ', f);
				depfile_escape(f, paths[i]);
			}
			for (unsigned i = 0; i < rf->n_files; i++) {
				fputc(' ', f);
				depfile_escape(f, rf->files[i]);
			}
			if (model_path) {
				fputc(' ', f);
				depfile_escape(f, model_path);
			}
			fputc('\n', f);
			fclose(f);
		}
	}
	printf("wrote %s: %u rules from %u files, %zu bytes%s%s\n", outp, rf->n_rules,
	       rf->n_files, len, o.generic_platform ? " (generic platform)" : "",
	       model_path ? ", with the content model" : "");
	free(img);
	rulefile_free(rf);
	return 0;
}

/* ---- eval ---- */

struct cm {
	unsigned long tp, fp, fn, tn;
};

static int label_negative(const char *l)
{
	return !*l || strcmp(l, "0") == 0 || strcmp(l, "ham") == 0 || strcmp(l, "normal") == 0 ||
	       strcmp(l, "neg") == 0 || strcmp(l, "none") == 0;
}

static int class_of_label(const char *l)
{
	for (unsigned c = 1; c < SF_CLASS__COUNT; c++)
		if (strcmp(sf_class_name(c), l) == 0)
			return (int)c;
	return -1;
}

static double ratio(unsigned long a, unsigned long b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void print_cm_row(const char *name, const struct cm *m, int full)
{
	if (full)
		printf("  %-20s %7lu %7lu %7lu %8lu   %6.2f%%   %6.2f%%   %7.3f%%\n", name,
		       m->tp, m->fp, m->fn, m->tn, ratio(m->tp, m->tp + m->fp),
		       ratio(m->tp, m->tp + m->fn), ratio(m->fp, m->fp + m->tn));
	else
		printf("  %-20s %7lu %7lu %7s %8s   %6.2f%%   %6.2f%%   %7.3f%%\n", name,
		       m->tp, m->fp, "-", "-", ratio(m->tp, m->tp + m->fp),
		       ratio(m->tp, m->tp + m->fn), ratio(m->fp, m->fp + m->tn));
}

struct mscore {
	int32_t s[SCORE_MAX_CLASSES];
	uint8_t pos;
};

static int cmp_desc_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* The model's part in an eval: what it decided, and per class the recall
 * of the file's positives at the bundle's thresholds and at fixed false-
 * positive rates of its negatives (ROC points). */
static void eval_model_report(const struct score_model *m, const struct mscore *ms, size_t n,
			      unsigned long m_block, unsigned long m_tag, unsigned long m_raise)
{
	static const double fprs[] = { 0.0, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05 };
	int32_t *neg = malloc((n ? n : 1) * sizeof *neg);

	if (!neg)
		abort();
	printf("model %08x: %lu blocked and %lu tagged by the model alone, %lu rule scores raised\n",
	       m->version, m_block, m_tag, m_raise);
	for (unsigned c = 0; c < m->n_classes; c++) {
		const struct score_class *k = &m->cls[c];
		size_t nn = 0, np = 0, pb = 0, pt = 0, fb = 0, ft = 0;

		for (size_t i = 0; i < n; i++) {
			int b = k->block_thr != SCORE_NEVER && ms[i].s[c] >= k->block_thr;
			int t = b || (k->tag_thr != SCORE_NEVER && ms[i].s[c] >= k->tag_thr);

			if (ms[i].pos) {
				np++;
				pb += b;
				pt += t;
			} else {
				neg[nn++] = ms[i].s[c];
				fb += b;
				ft += t;
			}
		}
		char bt[16], tt[16];

		snprintf(bt, sizeof bt, k->block_thr == SCORE_NEVER ? "never" : "%d", k->block_thr);
		snprintf(tt, sizeof tt, k->tag_thr == SCORE_NEVER ? "never" : "%d", k->tag_thr);
		printf("  model class %s (%s): block >= %s: recall %.2f%% FP rate %.3f%%; "
		       "block or tag (>= %s): recall %.2f%% FP rate %.3f%%\n", k->name,
		       sf_class_name(k->sf_class), bt, ratio(pb, np), ratio(fb, nn),
		       tt, ratio(pt, np), ratio(ft, nn));
		qsort(neg, nn, sizeof *neg, cmp_desc_i32);
		printf("    ROC:");
		for (unsigned r = 0; r < sizeof fprs / sizeof fprs[0]; r++) {
			size_t kk = (size_t)(fprs[r] * (double)nn), hit = 0;
			int32_t t = nn == 0 ? INT32_MIN : kk >= nn ? neg[nn - 1] : neg[kk] == INT32_MAX ? INT32_MAX : neg[kk] + 1;

			for (size_t i = 0; i < n; i++)
				hit += ms[i].pos && ms[i].s[c] >= t;
			printf(" FPR %.2f%% recall %.2f%%%s", 100.0 * (double)kk / (double)(nn ? nn : 1),
			       ratio(hit, np), r + 1 < sizeof fprs / sizeof fprs[0] ? "," : "\n");
		}
	}
	free(neg);
}

static int cmd_eval(int argc, char **argv)
{
	const char *bundle = NULL, *tsv = NULL, *dflt_sender = NULL;
	int label_col = 1, summary_only = 0, count_tag = 0, multiclass = 0;
	struct scan_bundle *b;
	struct scan_scratch *s;
	char err[512];
	FILE *f;
	char *line = NULL, *norm = NULL;
	size_t lcap = 0, ncap = 0;
	ssize_t got;
	unsigned long lineno = 0, pos = 0, neg = 0, unlabelled = 0, scan_errors = 0;
	struct cm all = { 0 }, cls[SF_CLASS__COUNT];
	unsigned long tagged = 0, allowed = 0;
	int group_col = 0;
	struct group { char name[64]; unsigned long lines, pos, caught, neg, hit; } groups[64];
	unsigned n_groups = 0;
	const struct score_model *model;
	unsigned long m_block = 0, m_tag = 0, m_raise = 0;
	struct mscore *ms = NULL;	/* per labelled line: model scores, for ROC */
	size_t n_ms = 0, ms_cap = 0;

	memset(cls, 0, sizeof cls);
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--bundle") == 0 && i + 1 < argc)
			bundle = argv[++i];
		else if (strcmp(argv[i], "--tsv") == 0 && i + 1 < argc)
			tsv = argv[++i];
		else if (strcmp(argv[i], "--label-col") == 0 && i + 1 < argc)
			label_col = atoi(argv[++i]);
		else if (strcmp(argv[i], "--sender") == 0 && i + 1 < argc)
			dflt_sender = argv[++i];
		else if (strcmp(argv[i], "--group-col") == 0 && i + 1 < argc)
			group_col = atoi(argv[++i]);
		else if (strcmp(argv[i], "--summary-only") == 0)
			summary_only = 1;
		else if (strcmp(argv[i], "--count-tag") == 0)
			count_tag = 1;
		else {
			fprintf(stderr, "eval: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	if (!bundle || !tsv || label_col < 1) {
		fprintf(stderr, "eval: --bundle B --tsv FILE are required (--label-col >= 1)\n");
		return 2;
	}
	b = scan_bundle_load_file(bundle, err, sizeof err);
	if (!b) {
		fprintf(stderr, "%s: %s\n", bundle, err);
		return 1;
	}
	model = scan_bundle_model(b);
	s = scan_scratch_create(b);
	f = strcmp(tsv, "-") ? fopen(tsv, "r") : stdin;
	if (!s || !f) {
		fprintf(stderr, "%s: %s\n", tsv, s ? strerror(errno) : "no scratch");
		scan_scratch_free(s);
		scan_bundle_free(b);
		return 1;
	}
	while ((got = getline(&line, &lcap, f)) >= 0) {
		char *fields[64], *p = line, *label, *text;
		int nf = 0, pred_pos, lab_pos, lab_cls;
		struct scan_result r;
		size_t tl, nl;
		char js[4096];
		struct sf_json j;

		lineno++;
		while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
			line[--got] = '\0';
		if (got == 0)
			continue;
		fields[nf++] = p;
		while ((p = strchr(p, '\t')) && nf < 64) {
			*p++ = '\0';
			fields[nf++] = p;
		}
		text = fields[nf - 1];
		label = nf > 1 && label_col <= nf - 1 ? fields[label_col - 1] : "";
		tl = strlen(text);
		if (ncap < NORM_CAP(tl)) {
			ncap = NORM_CAP(tl);
			norm = realloc(norm, ncap);
			if (!norm)
				abort();
		}
		nl = norm_text(text, tl, norm, ncap, NULL);
		if (scan_block(b, s, norm, nl, dflt_sender, &r) != SF_OK)
			scan_errors++;
		pred_pos = r.action == SF_ACT_BLOCK || (count_tag && r.action == SF_ACT_TAG);
		if (r.action == SF_ACT_TAG)
			tagged++;
		if (r.action == SF_ACT_ALLOW)
			allowed++;
		if (r.flags & SCAN_F_MODEL) {
			if (r.rule_id == 0 && r.action == SF_ACT_BLOCK)
				m_block++;
			else if (r.rule_id == 0 && r.action == SF_ACT_TAG)
				m_tag++;
			else
				m_raise++;
		}
		if (model && nf >= 2) {
			if (n_ms == ms_cap) {
				ms_cap = ms_cap ? 2 * ms_cap : 4096;
				ms = realloc(ms, ms_cap * sizeof *ms);
				if (!ms)
					abort();
			}
			score_text(model, norm, nl, ms[n_ms].s);
			ms[n_ms].pos = (uint8_t)!label_negative(label);
			n_ms++;
		}
		lab_cls = class_of_label(label);
		if (lab_cls > 0)
			multiclass = 1;
		if (nf < 2) {
			unlabelled++;
		} else {
			lab_pos = !label_negative(label);
			pos += lab_pos;
			neg += !lab_pos;
			if (pred_pos && lab_pos) all.tp++;
			else if (pred_pos) all.fp++;
			else if (lab_pos) all.fn++;
			else all.tn++;
			for (unsigned c = 1; c < SF_CLASS__COUNT; c++) {
				int pc = pred_pos && r.class_id == c;
				int lc = lab_cls > 0 ? lab_cls == (int)c : lab_pos;

				if (pc && lc) cls[c].tp++;
				else if (pc) cls[c].fp++;
				else if (lc) cls[c].fn++;
				else cls[c].tn++;
			}
			if (group_col > 0 && group_col <= nf - 1) {
				const char *g = fields[group_col - 1];
				unsigned k;

				for (k = 0; k < n_groups; k++)
					if (strncmp(groups[k].name, g, sizeof groups[k].name - 1) == 0)
						break;
				if (k == n_groups && n_groups < 64) {
					memset(&groups[k], 0, sizeof groups[k]);
					snprintf(groups[k].name, sizeof groups[k].name, "%s", g);
					n_groups++;
				}
				if (k < n_groups) {
					groups[k].lines++;
					groups[k].pos += lab_pos;
					groups[k].caught += lab_pos && pred_pos;
					groups[k].neg += !lab_pos;
					groups[k].hit += !lab_pos && pred_pos;
				}
			}
		}
		if (summary_only)
			continue;
		sf_json_init(&j, js, sizeof js);
		sf_json_begin(&j);
		sf_json_uint(&j, "line", lineno);
		sf_json_str(&j, "label", nf > 1 ? label : NULL);
		sf_json_str(&j, "class", r.action == SF_ACT_BLOCK || r.action == SF_ACT_TAG
					 ? sf_class_name(r.class_id) : NULL);
		sf_json_str(&j, "action", action_name(r.action));
		if (r.score)
			sf_json_int(&j, "score", r.score);
		if (r.model_version) {
			sf_json_str(&j, "model_class", sf_class_name(r.model_class));
			sf_json_int(&j, "model_score", r.model_score);
			if (r.flags & SCAN_F_MODEL)
				sf_json_str(&j, "by", r.rule_id ? "rule raised by the model" : "model");
		}
		sf_json_arr_begin(&j, "rules");
		for (unsigned k = 0; k < r.n_hits; k++)
			sf_json_uint(&j, NULL, r.hits[k]);
		sf_json_arr_end(&j);
		sf_json_end(&j);
		puts(js);
	}
	if (f != stdin)
		fclose(f);
	printf("\n%s: %lu lines, %lu positive, %lu negative%s; bundle %s\n", tsv, lineno, pos, neg,
	       unlabelled ? " (some unlabelled)" : "", bundle);
	printf("predicted positive = action block%s; %lu tagged, %lu allowed, %lu scan errors\n",
	       count_tag ? " or tag" : "", tagged, allowed, scan_errors);
	printf("  %-20s %7s %7s %7s %8s   %7s   %7s   %8s\n", "class", "TP", "FP", "FN", "TN",
	       "precis.", "recall", "FP rate");
	print_cm_row("overall", &all, 1);
	if (!multiclass)
		printf("  per class (binary labels: TP = positives caught by the class, recall = its share):\n");
	for (unsigned c = 1; c < SF_CLASS__COUNT; c++) {
		if (c == SF_CLASS_ALLOW)
			continue;
		print_cm_row(sf_class_name(c), &cls[c], multiclass);
	}
	if (n_groups) {
		printf("  by column %d:\n  %-28s %7s %9s %8s %9s %8s\n", group_col, "group", "lines",
		       "positive", "recall", "negative", "FP rate");
		for (unsigned k = 0; k < n_groups; k++)
			printf("  %-28s %7lu %9lu %7.2f%% %9lu %7.3f%%\n", groups[k].name, groups[k].lines,
			       groups[k].pos, ratio(groups[k].caught, groups[k].pos), groups[k].neg,
			       ratio(groups[k].hit, groups[k].neg));
	}
	if (model)
		eval_model_report(model, ms, n_ms, m_block, m_tag, m_raise);
	free(ms);
	free(line);
	free(norm);
	scan_scratch_free(s);
	scan_bundle_free(b);
	return 0;
}

/* ---- explain ---- */

#define XPARTS (RULEFILE_MAX_AND + 1)

struct xspan {
	unsigned long long from, to;
	int has_from;
};

struct xhit {
	const struct rule_info *r;
	unsigned long long to;		/* where the scan reported the rule */
	struct xspan part[XPARTS];	/* where each part matched (SOM) */
	unsigned n_parts;		/* 1, or 1 + its "and" lines */
	int sender_ok;
};

struct xctx {
	struct xhit h[256];
	unsigned n;
};

static void on_x_hit(void *arg, const struct rule_info *r, unsigned long long end, int ok)
{
	struct xctx *x = arg;

	if (x->n < 256) {
		x->h[x->n].r = r;
		x->h[x->n].to = end;
		x->h[x->n].sender_ok = ok;
		x->n++;
	}
}

static int on_som(unsigned int id, unsigned long long from, unsigned long long to,
		  unsigned int flags, void *ctx)
{
	struct xspan *sp = ctx;

	(void)id;
	(void)flags;
	/* the leftmost start, with its longest match */
	if (!sp->has_from || from < sp->from || (from == sp->from && to > sp->to)) {
		sp->from = from;
		sp->to = to;
		sp->has_from = 1;
	}
	return 0;
}

/* Where one pattern matches: recompiled with SOM. */
static void part_span(const char *pat, size_t plen, unsigned flags, const char *norm, size_t nl,
		      struct xspan *sp)
{
	unsigned fl = (flags & ~(unsigned)HS_FLAG_SINGLEMATCH) | HS_FLAG_SOM_LEFTMOST;
	char *p = strndup(pat, plen);
	hs_database_t *db = NULL;
	hs_compile_error_t *ce = NULL;
	hs_scratch_t *sc = NULL;

	sp->has_from = 0;
	if (!p)
		return;
	if (hs_compile(p, fl, HS_MODE_BLOCK, NULL, &db, &ce) != HS_SUCCESS) {
		hs_free_compile_error(ce);	/* SOM unsupported for this pattern: end only */
	} else if (hs_alloc_scratch(db, &sc) == HS_SUCCESS) {
		hs_scan(db, norm, (unsigned)nl, 0, sc, on_som, sp);
	}
	hs_free_scratch(sc);
	hs_free_database(db);
	free(p);
}

/* Find leftmost start offsets of the hit rules, part by part (the bundle
 * keeps a rule's "and" parts as lines of its pattern). */
static void find_starts(struct xctx *x, const char *norm, size_t nl)
{
	for (unsigned i = 0; i < x->n; i++) {
		const struct rule_info *r = x->h[i].r;
		const char *p = r->pattern;

		x->h[i].n_parts = 0;
		while (p && x->h[i].n_parts < XPARTS) {
			const char *nlp = strchr(p, '\n');
			size_t len = nlp ? (size_t)(nlp - p) : strlen(p);

			part_span(p, len, r->hs_flags, norm, nl, &x->h[i].part[x->h[i].n_parts++]);
			p = nlp ? nlp + 1 : NULL;
		}
	}
}

static size_t utf8_len_at(const char *s, size_t len, size_t at)
{
	unsigned char c = (unsigned char)s[at];
	size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;

	return at + n <= len ? n : len - at;
}

/* The model's scores and the n-grams that made them. */
static void explain_model(const struct score_model *m, const char *norm, size_t nl)
{
	int32_t sc[SCORE_MAX_CLASSES];
	unsigned cls, act;
	size_t nf = score_text(m, norm, nl, sc);
	struct score_contrib top[8];

	act = score_decide(m, sc, &cls);
	printf("model:      %08x, %zu features; alone it would %s", m->version, nf,
	       act == SF_ACT_BLOCK ? "block" : act == SF_ACT_TAG ? "tag" : "pass");
	if (act != SF_ACT_NONE)
		printf(" as %s", sf_class_name(m->cls[cls].sf_class));
	printf("\n");
	for (unsigned c = 0; c < m->n_classes; c++) {
		const struct score_class *k = &m->cls[c];
		unsigned n = score_top_contrib(m, c, norm, nl, top, 8);

		printf("  class %-8s score %6d  (bias %d; block >= ", k->name, sc[c], k->bias);
		if (k->block_thr == SCORE_NEVER)
			printf("never");
		else
			printf("%d", k->block_thr);
		printf(", tag >= ");
		if (k->tag_thr == SCORE_NEVER)
			printf("never)\n");
		else
			printf("%d)\n", k->tag_thr);
		for (unsigned i = 0; i < n; i++)
			printf("      %+6d  \"%.*s\"%s x%u\n", top[i].milli, top[i].len, norm + top[i].off,
			       top[i].off == 0 && top[i].len < 9 ? " (at start)" : "", top[i].count);
	}
}

static int cmd_explain(int argc, char **argv)
{
	const char *bundle = NULL, *sender = NULL, *text = NULL;
	struct scan_bundle *b;
	struct scan_scratch *s;
	struct scan_result r;
	static struct xctx x;
	char err[512], *buf = NULL, *norm;
	uint32_t *map;
	size_t tl, cap, nl;
	struct norm_url urls[16];
	unsigned nu;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--bundle") == 0 && i + 1 < argc)
			bundle = argv[++i];
		else if (strcmp(argv[i], "--sender") == 0 && i + 1 < argc)
			sender = argv[++i];
		else
			text = argv[i];
	}
	if (!bundle || !text) {
		fprintf(stderr, "explain: --bundle B TEXT\n");
		return 2;
	}
	if (strcmp(text, "-") == 0) {
		size_t n = 0;
		ssize_t g = getdelim(&buf, &n, '\0', stdin);

		if (g < 0) {
			fprintf(stderr, "explain: no text on stdin\n");
			return 2;
		}
		while (g > 0 && (buf[g - 1] == '\n' || buf[g - 1] == '\r'))
			buf[--g] = '\0';
		text = buf;
	}
	b = scan_bundle_load_file(bundle, err, sizeof err);
	if (!b) {
		fprintf(stderr, "%s: %s\n", bundle, err);
		free(buf);
		return 1;
	}
	s = scan_scratch_create(b);
	tl = strlen(text);
	cap = NORM_CAP(tl);
	norm = malloc(cap);
	map = malloc(cap * sizeof *map);
	if (!s || !norm || !map)
		abort();
	nl = norm_text(text, tl, norm, cap, map);
	if (scan_block(b, s, norm, nl, sender, &r) != SF_OK ||
	    scan_block_hits(b, s, norm, nl, sender, on_x_hit, &x) != SF_OK) {
		fprintf(stderr, "scan failed\n");
		return 1;
	}
	find_starts(&x, norm, nl);
	printf("text:       %s\n", text);
	printf("normalised: %s\n", norm);
	if (sender) {
		char canon[BUNDLE_SENDER_MAX + 1];

		printf("sender:     %s (as matched: %s)\n", sender,
		       scan_sender_canon(sender, canon) ? canon : "unusable");
	} else {
		printf("sender:     unknown (rules with a sender condition cannot hit)\n");
	}
	printf("decision:   %s", action_name(r.action));
	if (r.class_id)
		printf("  class %s", sf_class_name(r.class_id));
	if (r.rule_id)
		printf("  rule %u", r.rule_id);
	if (r.score)
		printf("  score %d of %u", r.score, scan_bundle_threshold(b));
	printf("\n");
	printf(x.n ? "hits:\n" : "hits:       none\n");
	for (unsigned i = 0; i < x.n; i++) {
		const struct xhit *h = &x.h[i];
		const struct rule_info *ri = h->r;
		char act[32];

		if (ri->action == SF_ACT_SCORE)
			snprintf(act, sizeof act, "score %d", ri->score);
		else
			snprintf(act, sizeof act, "%s", action_name(ri->action));
		printf("  rule %-8u %-20s %-10s %s  %s\n", ri->id, sf_class_name(ri->class_id), act,
		       ri->src, ri->desc);
		for (unsigned k = 0; k < h->n_parts; k++) {
			const struct xspan *sp = &h->part[k];
			const char *what = h->n_parts == 1 ? "" : k ? "and     " : "pattern ";

			if (sp->has_from && sp->to <= nl && sp->from < sp->to) {
				size_t os = map[sp->from], oe = map[sp->to - 1];

				oe += utf8_len_at(text, tl, oe);
				printf("      %snormalised [%llu,%llu) \"%.*s\"  original [%zu,%zu) \"%.*s\"\n",
				       what, sp->from, sp->to, (int)(sp->to - sp->from), norm + sp->from,
				       os, oe, (int)(oe - os), text + os);
			} else if (h->n_parts == 1 && h->to <= nl && h->to > 0) {
				size_t oe = map[h->to - 1];

				oe += utf8_len_at(text, tl, oe);
				printf("      match ends at normalised byte %llu, original byte %zu\n",
				       h->to, oe);
			}
		}
		if (!h->sender_ok) {
			const char *set = scan_bundle_sender_set_name(b, ri->sender_set);

			if (!sender)
				printf("      ignored: the rule has a sender condition and the sender is unknown\n");
			else if (set && strncmp(set, "rule_", 5) == 0)
				printf("      ignored: sender %s %s the rule's sender list\n", sender,
				       ri->sender_neg ? "is in" : "is not in");
			else
				printf("      ignored: sender %s %s set %s\n", sender,
				       ri->sender_neg ? "is in" : "is not in", set ? set : "?");
		}
	}
	if (scan_bundle_model(b))
		explain_model(scan_bundle_model(b), norm, nl);
	nu = norm_urls(norm, nl, urls, 16);
	for (unsigned i = 0; i < nu; i++) {
		if (i == 0)
			printf("urls:\n");
		printf("  %.*s  host %.*s", urls[i].len, norm + urls[i].off, urls[i].host_len,
		       norm + urls[i].host_off);
		if (urls[i].is_ip)
			printf("  ip %u.%u.%u.%u\n", urls[i].ip[0], urls[i].ip[1], urls[i].ip[2],
			       urls[i].ip[3]);
		else
			printf("  tld %.*s\n", urls[i].tld_len, norm + urls[i].tld_off);
	}
	free(norm);
	free(map);
	free(buf);
	scan_scratch_free(s);
	scan_bundle_free(b);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 2, argv + 2);
	if (strcmp(argv[1], "test") == 0)
		return cmd_test(argc - 2, argv + 2);
	if (strcmp(argv[1], "compile") == 0)
		return cmd_compile(argc - 2, argv + 2);
	if (strcmp(argv[1], "eval") == 0)
		return cmd_eval(argc - 2, argv + 2);
	if (strcmp(argv[1], "explain") == 0)
		return cmd_explain(argc - 2, argv + 2);
	if (strcmp(argv[1], "train") == 0)
		return cmd_train(argc - 2, argv + 2);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "unknown command %s\n", argv[1]);
	usage(stderr);
	return 2;
}
