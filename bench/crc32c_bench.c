/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw-crc32c-bench: the SCTP checksum's cost per packet size, the
 * library's sf_crc32c_update (three chains joined from 192 bytes up,
 * common/crc32c.c) against one chain of the same instruction, measured
 * in one run, interleaved, on warm data; prints ns per call and the
 * ratio. x86-64 with SSE4.2 only (elsewhere both are the tables). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sf_crc32c.h"

#if defined(__x86_64__)
#include <nmmintrin.h>

__attribute__((target("sse4.2")))
static uint32_t one_chain(uint32_t crc, const uint8_t *p, size_t len)
{
	uint64_t c = crc, w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		c = _mm_crc32_u64(c, w);
	}
	while (len--)
		c = _mm_crc32_u8((uint32_t)c, *p++);
	return (uint32_t)c;
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

/* best of 5 runs of n calls, ns per call; *sink keeps the result used */
static double time_calls(uint32_t (*f)(uint32_t, const uint8_t *, size_t), const uint8_t *buf,
			 size_t len, unsigned n, uint32_t *sink)
{
	double best = 1e30;

	for (int r = 0; r < 5; r++) {
		uint32_t c = 0;
		double t0 = now_ns();

		for (unsigned i = 0; i < n; i++)
			c ^= f(c, buf + (i & 7), len);
		t0 = (now_ns() - t0) / n;
		*sink ^= c;
		if (t0 < best)
			best = t0;
	}
	return best;
}

int main(void)
{
	static const size_t lens[] = { 60, 120, 236, 300, 500, 1000, 1500 };
	static uint8_t buf[1600];
	uint32_t sink = 0;

	if (!__builtin_cpu_supports("sse4.2")) {
		fprintf(stderr, "smsfw-crc32c-bench: no SSE4.2 on this CPU\n");
		return 1;
	}
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 13 + 7);
	printf("%-8s %12s %12s %8s\n", "bytes", "one chain", "library", "ratio");
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		double a = time_calls(one_chain, buf, lens[k], 1000000, &sink);
		double b = time_calls(sf_crc32c_update, buf, lens[k], 1000000, &sink);

		if (one_chain(0xFFFFFFFFu, buf, lens[k]) != sf_crc32c_update(0xFFFFFFFFu, buf, lens[k])) {
			fprintf(stderr, "smsfw-crc32c-bench: results differ at %zu bytes\n", lens[k]);
			return 1;
		}
		printf("%-8zu %9.1f ns %9.1f ns %8.3f\n", lens[k], a, b, b / a);
	}
	return sink == 0x5a5a5a5a ? 2 : 0;	/* never: keeps the calls */
}
#else
int main(void)
{
	fprintf(stderr, "smsfw-crc32c-bench: x86-64 only\n");
	return 1;
}
#endif
