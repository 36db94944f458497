/* SPDX-License-Identifier: BSD-3-Clause */
/* A small test harness: named cases, exact-value checks that say what was
 * expected and what came, hex helpers for annotated byte arrays. Each test
 * program is one meson test; it prints one line per case and exits 1 on
 * any failure. */
#ifndef SF_TEST_H
#define SF_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sf_t_fail_case, sf_t_cases, sf_t_failed_cases;
static const char *sf_t_name;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", __FILE__, __LINE__, sf_t_name, #cond); \
		sf_t_fail_case = 1; \
	} \
} while (0)

#define CHECK_INT(got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ != w_) { \
		fprintf(stderr, "%s:%d: %s: %s == %lld, want %lld\n", __FILE__, __LINE__, sf_t_name, #got, g_, w_); \
		sf_t_fail_case = 1; \
	} \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if ((g_ == NULL) != (w_ == NULL) || (g_ && strcmp(g_, w_) != 0)) { \
		fprintf(stderr, "%s:%d: %s: %s == \"%s\", want \"%s\"\n", __FILE__, __LINE__, sf_t_name, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
		sf_t_fail_case = 1; \
	} \
} while (0)

#define CHECK_MEM(got, want, n) do { \
	if (memcmp((got), (want), (n)) != 0) { \
		fprintf(stderr, "%s:%d: %s: %s differs from %s over %zu bytes\n", __FILE__, __LINE__, sf_t_name, #got, #want, (size_t)(n)); \
		sf_t_fail_case = 1; \
	} \
} while (0)

/* Run one case: a function void name(void). */
#define RUN(fn) do { \
	sf_t_name = #fn; sf_t_fail_case = 0; sf_t_cases++; \
	fn(); \
	if (sf_t_fail_case) { sf_t_failed_cases++; printf("FAIL %s\n", #fn); } \
	else printf("ok   %s\n", #fn); \
} while (0)

#define TEST_SUMMARY() ( \
	printf("%d passed, %d failed\n", sf_t_cases - sf_t_failed_cases, sf_t_failed_cases), \
	sf_t_failed_cases ? 1 : 0)

/* Parse "01 0a ff" (spaces, newlines and commas ignored) into out; returns
 * the byte count, or -1 if it does not fit or is not hex. */
static inline int sf_t_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (*s >= '0' && *s <= '9') v = *s - '0';
		else if (*s >= 'a' && *s <= 'f') v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F') v = *s - 'A' + 10;
		else if (*s == ' ' || *s == '\n' || *s == ',' || *s == ':' || *s == '\t') continue;
		else return -1;
		if (hi < 0) {
			hi = v;
		} else {
			if (n >= cap)
				return -1;
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return hi < 0 ? (int)n : -1;
}

#endif
