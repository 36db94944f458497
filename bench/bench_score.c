/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw-bench-score: the content model's cost on one core. Scores a fixed
 * 70-character SMS (the UCS-2 single-part maximum) a million times, and
 * optionally every text of a TSV corpus after normalisation, with the
 * bundle's model through score_text (what scan_block adds per SMS), timed in
 * the thread's CPU time (the machine is shared); prints
 * ns per SMS and the model's table size. Issue 13: <= 300 ns, <= 8 MB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scan/bundle.h"
#include "score/score.h"
#include "text/normalize.h"

/* 70 characters after normalisation (no punctuation: it is folded away) */
static const char sms70[] =
	"尊敬的客户您好本店新品上市全场五折起会员再享九五折活动时间本周六至下周日"
	"地址人民路八十八号详询电话回复td退订祝您生活愉快欢迎光临本店谢谢您";

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);	/* CPU time: a shared machine preempts */
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static size_t cps(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int main(int argc, char **argv)
{
	const char *bundle = "build/rules/smsfw.bundle", *tsv = NULL;
	unsigned long iters = 1000000;
	struct scan_bundle *b;
	const struct score_model *m;
	char err[512];
	int32_t s[SCORE_MAX_CLASSES];
	volatile int32_t sink = 0;
	double best = 1e30;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--bundle") == 0 && i + 1 < argc)
			bundle = argv[++i];
		else if (strcmp(argv[i], "--tsv") == 0 && i + 1 < argc)
			tsv = argv[++i];
		else if (strcmp(argv[i], "--iters") == 0 && i + 1 < argc)
			iters = strtoul(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: smsfw-bench-score [--bundle B] [--tsv FILE] [--iters N]\n");
			return 2;
		}
	}
	if (!iters)
		iters = 1;
	b = scan_bundle_load_file(bundle, err, sizeof err);
	if (!b) {
		fprintf(stderr, "%s: %s\n", bundle, err);
		return 1;
	}
	m = scan_bundle_model(b);
	if (!m) {
		fprintf(stderr, "%s: the bundle has no content model\n", bundle);
		scan_bundle_free(b);
		return 1;
	}
	printf("model %08x: 2^%u rows x %u classes, %u non-zero rows; table %zu bytes (%.2f MB)\n",
	       m->version, m->bits, m->n_classes, m->nonzero_rows,
	       ((size_t)1 << m->bits) * m->n_classes * sizeof(int16_t),
	       (double)(((size_t)1 << m->bits) * m->n_classes * sizeof(int16_t)) / (1 << 20));
	for (int rep = 0; rep < 5; rep++) {
		double t0 = now_ns(), t;

		for (unsigned long i = 0; i < iters; i++) {
			score_text(m, sms70, sizeof sms70 - 1, s);
			sink += s[0];
		}
		t = (now_ns() - t0) / (double)iters;
		if (t < best)
			best = t;
	}
	printf("70-character SMS (%zu characters, %zu bytes): %.1f ns per SMS (best of 5 x %lu)\n",
	       cps(sms70), sizeof sms70 - 1, best, iters);
	if (tsv) {
		FILE *f = fopen(tsv, "r");
		char *line = NULL, **texts = NULL;
		size_t cap = 0, n = 0, ncap = 0, *lens = NULL, chars = 0;
		ssize_t got;

		if (!f) {
			perror(tsv);
			return 1;
		}
		while ((got = getline(&line, &cap, f)) > 0) {
			char *t = strrchr(line, '\t');
			size_t tl;

			t = t ? t + 1 : line;
			tl = strcspn(t, "\r\n");
			if (n == ncap) {
				ncap = ncap ? 2 * ncap : 65536;
				texts = realloc(texts, ncap * sizeof *texts);
				lens = realloc(lens, ncap * sizeof *lens);
				if (!texts || !lens)
					return 1;
			}
			texts[n] = malloc(NORM_CAP(tl));
			if (!texts[n])
				return 1;
			lens[n] = norm_text(t, tl, texts[n], NORM_CAP(tl), NULL);
			chars += cps(texts[n]);
			n++;
		}
		fclose(f);
		free(line);
		best = 1e30;
		for (int rep = 0; rep < 5 && n; rep++) {
			double t0 = now_ns(), t;

			for (size_t i = 0; i < n; i++) {
				score_text(m, texts[i], lens[i], s);
				sink += s[0];
			}
			t = (now_ns() - t0) / (double)n;
			if (t < best)
				best = t;
		}
		printf("%s: %zu texts, %.1f characters on average: %.1f ns per text (best of 5)\n", tsv,
		       n, n ? (double)chars / (double)n : 0.0, best);
		for (size_t i = 0; i < n; i++)
			free(texts[i]);
		free(texts);
		free(lens);
	}
	(void)sink;
	scan_bundle_free(b);
	return 0;
}
