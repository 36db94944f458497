/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw-bench rule-set generator: the starter set (rules/set, copied as it
 * is) plus generated rules up to a total count, so that throughput can be
 * plotted against rule count (100, 1,000, 10,000). A generated rule is a
 * variant built from the starter set's own vocabulary: two Chinese words
 * taken from the starter patterns, "W1.{0,8}W2", a score rule of a starter
 * class, with a match example. Deterministic: same starter set, same
 * output. Format: rules/FORMAT.md. Issue 7. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench.h"

#define RG_MAX_FILES 64
#define RG_MAX_VOCAB 8192
#define RG_MAX_CLASSES 16

struct rg {
	char *vocab[RG_MAX_VOCAB];
	unsigned n_vocab;
	char classes[RG_MAX_CLASSES][48];
	unsigned n_classes;
	unsigned starter_rules;
};

static int is_han(const unsigned char *p)
{
	/* U+4E00..U+9FFF: E4 B8 80 .. E9 BF BF */
	return p[0] >= 0xe4 && p[0] <= 0xe9 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
	       !(p[0] == 0xe4 && p[1] < 0xb8);
}

static void vocab_add(struct rg *g, const char *w, size_t len)
{
	for (unsigned i = 0; i < g->n_vocab; i++)
		if (strlen(g->vocab[i]) == len && !memcmp(g->vocab[i], w, len))
			return;
	if (g->n_vocab < RG_MAX_VOCAB) {
		char *s = malloc(len + 1);

		if (!s)
			return;
		memcpy(s, w, len);
		s[len] = 0;
		g->vocab[g->n_vocab++] = s;
	}
}

/* Runs of 2..4 Han characters in a pattern (longer runs are cut). */
static void vocab_from_pattern(struct rg *g, const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	while (*u) {
		const unsigned char *s = u;
		unsigned n = 0;

		while (u[0] && u[1] && u[2] && is_han(u) && n < 4) {
			u += 3;
			n++;
		}
		if (n >= 2)
			vocab_add(g, (const char *)s, (size_t)(u - s));
		if (n == 0)
			u++;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int copy_and_scan(struct rg *g, const char *src, const char *dst, char *err, size_t errlen)
{
	FILE *in = fopen(src, "r"), *out;
	char line[16384];

	if (!in) {
		snprintf(err, errlen, "%s: %s", src, strerror(errno));
		return -1;
	}
	out = fopen(dst, "w");
	if (!out) {
		snprintf(err, errlen, "%s: %s", dst, strerror(errno));
		fclose(in);
		return -1;
	}
	while (fgets(line, sizeof(line), in)) {
		const char *t = line + strspn(line, " \t");

		fputs(line, out);
		if (!strncmp(t, "rule ", 5))
			g->starter_rules++;
		else if (!strncmp(t, "pattern ", 8) || !strncmp(t, "define ", 7))
			vocab_from_pattern(g, t);
		else if (!strncmp(t, "class ", 6) && g->n_classes < RG_MAX_CLASSES) {
			char name[48];

			if (sscanf(t + 6, "%47s", name) == 1 && strcmp(name, "allow") &&
			    strcmp(name, "harassment"))
				snprintf(g->classes[g->n_classes++], sizeof(g->classes[0]), "%s", name);
		}
	}
	fclose(in);
	if (fclose(out)) {
		snprintf(err, errlen, "%s: write error", dst);
		return -1;
	}
	return 0;
}

int bench_rulegen(const char *starter_dir, unsigned n, const char *out_dir, char *err, size_t errlen)
{
	struct rg *g = calloc(1, sizeof(*g));
	char *files[RG_MAX_FILES];
	unsigned nf = 0, made = 0, want;
	DIR *d;
	struct dirent *de;
	uint8_t *used = NULL;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	int rc = -1;
	FILE *out[RG_MAX_CLASSES] = { 0 };

	if (!g) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (mkdir(out_dir, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", out_dir, strerror(errno));
		goto done;
	}
	/* a generated directory holds only what this run writes */
	d = opendir(out_dir);
	if (d) {
		while ((de = readdir(d)) != NULL) {
			size_t l = strlen(de->d_name);
			char p[1024];

			if (l > 6 && !strcmp(de->d_name + l - 6, ".rules")) {
				snprintf(p, sizeof(p), "%s/%s", out_dir, de->d_name);
				remove(p);
			}
		}
		closedir(d);
	}
	d = opendir(starter_dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", starter_dir, strerror(errno));
		goto done;
	}
	while ((de = readdir(d)) != NULL && nf < RG_MAX_FILES) {
		size_t l = strlen(de->d_name);

		if (l > 6 && !strcmp(de->d_name + l - 6, ".rules"))
			files[nf++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(files, nf, sizeof(files[0]), cmp_str);
	for (unsigned i = 0; i < nf; i++) {
		char s[1024], t[1024];

		snprintf(s, sizeof(s), "%s/%s", starter_dir, files[i]);
		snprintf(t, sizeof(t), "%s/%s", out_dir, files[i]);
		if (copy_and_scan(g, s, t, err, errlen))
			goto done;
	}
	if (g->n_vocab < 2 || !g->n_classes) {
		snprintf(err, errlen, "%s: not enough vocabulary to generate rules from", starter_dir);
		goto done;
	}
	qsort(g->vocab, g->n_vocab, sizeof(g->vocab[0]), cmp_str);
	want = n > g->starter_rules ? n - g->starter_rules : 0;
	if ((uint64_t)want > (uint64_t)g->n_vocab * (g->n_vocab - 1)) {
		snprintf(err, errlen, "only %u words: cannot make %u distinct rules", g->n_vocab, want);
		goto done;
	}
	used = calloc((size_t)g->n_vocab * g->n_vocab, 1);
	if (!used) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	for (unsigned c = 0; c < g->n_classes && want; c++) {
		char p[1024];

		snprintf(p, sizeof(p), "%s/zz_generated_%s.rules", out_dir, g->classes[c]);
		out[c] = fopen(p, "w");
		if (!out[c]) {
			snprintf(err, errlen, "%s: %s", p, strerror(errno));
			goto done;
		}
		fprintf(out[c], "# Generated by smsfw-bench (bench/bench_rulegen.c): variants of the\n"
				"# starter vocabulary for the rule-count benchmark. Not for production.\n"
				"class %s\n\n", g->classes[c]);
	}
	while (made < want) {
		unsigned a, b;
		FILE *f;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		a = (unsigned)(x % g->n_vocab);
		b = (unsigned)((x >> 32) % g->n_vocab);
		if (a == b || used[(size_t)a * g->n_vocab + b])
			continue;
		used[(size_t)a * g->n_vocab + b] = 1;
		f = out[made % g->n_classes];
		fprintf(f, "rule %u\n  action  score 10\n  pattern %s.{0,8}%s\n"
			   "  desc    generated variant %u (%s ... %s)\n  match   %s%s\n\n",
			900000u + made, g->vocab[a], g->vocab[b], made + 1, g->vocab[a], g->vocab[b],
			g->vocab[a], g->vocab[b]);
		made++;
	}
	rc = 0;
done:
	for (unsigned c = 0; c < RG_MAX_CLASSES; c++)
		if (out[c] && fclose(out[c]) && !rc) {
			snprintf(err, errlen, "%s: write error", out_dir);
			rc = -1;
		}
	for (unsigned i = 0; i < nf; i++)
		free(files[i]);
	for (unsigned i = 0; i < g->n_vocab; i++)
		free(g->vocab[i]);
	free(used);
	free(g);
	return rc;
}
