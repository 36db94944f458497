/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw-idle-bench: what the idle backoff of the polling loops
 * (dataplane/dp/dp_idle.h) costs in latency and saves in CPU. A poller
 * thread runs the same loop shape as an lcore (poll, dp_idle_busy or
 * dp_idle_empty) over a one-slot mailbox; a sender posts a timestamp
 * after a gap (a quiet spell: the poller has backed off) and the poller
 * records how long the post waited to be seen. For each idle_sleep_max_us
 * it prints the wait (p50, p99, max) and the poller's CPU use.
 *
 * smsfw-idle-bench [--samples N] [--gap-us G] [--max-us A,B,...] */
#include <getopt.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dp_idle.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct run {
	unsigned max_us, samples;
	uint64_t mailbox;	/* posted timestamp, 0 = empty */
	int quit;
	uint64_t *waits;
	uint64_t cpu, wall;
};

static void *poller(void *arg)
{
	struct run *r = arg;
	struct dp_idle idle;
	unsigned got = 0;
	uint64_t c0 = cpu_ns(), t0 = mono_ns();

	dp_idle_init(&idle, r->max_us);
	while (!__atomic_load_n(&r->quit, __ATOMIC_ACQUIRE)) {
		uint64_t ts = __atomic_exchange_n(&r->mailbox, 0, __ATOMIC_ACQ_REL);

		if (ts) {
			if (got < r->samples)
				r->waits[got++] = mono_ns() - ts;
			dp_idle_busy(&idle);
		} else {
			dp_idle_empty(&idle);
		}
	}
	r->cpu = cpu_ns() - c0;
	r->wall = mono_ns() - t0;
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "samples", required_argument, NULL, 'n' },
		{ "gap-us", required_argument, NULL, 'g' },
		{ "max-us", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned samples = 400, gap_us = 2000;
	char maxes[256] = "0,20,100,500";
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': samples = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'g': gap_us = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'm': snprintf(maxes, sizeof(maxes), "%s", optarg); break;
		default:
			fprintf(stderr, "usage: smsfw-idle-bench [--samples N] [--gap-us G] [--max-us A,B,...]\n");
			return 2;
		}
	}
	if (!samples || !gap_us) {
		fprintf(stderr, "smsfw-idle-bench: --samples and --gap-us must be positive\n");
		return 2;
	}
	printf("gap between posts %u us, %u samples per setting\n", gap_us, samples);
	printf("%-18s %10s %10s %10s %10s\n", "idle_sleep_max_us", "p50 ns", "p99 ns", "max ns", "cpu %");
	for (char *save, *tok = strtok_r(maxes, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct run r;
		pthread_t th;
		struct timespec gap = { gap_us / 1000000u, (long)(gap_us % 1000000u) * 1000 };

		memset(&r, 0, sizeof(r));
		r.max_us = (unsigned)strtoul(tok, NULL, 10);
		r.samples = samples;
		r.waits = calloc(samples, sizeof(*r.waits));
		if (!r.waits || pthread_create(&th, NULL, poller, &r)) {
			fprintf(stderr, "smsfw-idle-bench: cannot start the poller\n");
			return 1;
		}
		for (unsigned i = 0; i < samples; i++) {
			nanosleep(&gap, NULL);
			/* wait until the previous post was taken, then post */
			while (__atomic_load_n(&r.mailbox, __ATOMIC_ACQUIRE))
				;
			__atomic_store_n(&r.mailbox, mono_ns(), __ATOMIC_RELEASE);
		}
		while (__atomic_load_n(&r.mailbox, __ATOMIC_ACQUIRE))
			;
		__atomic_store_n(&r.quit, 1, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
		qsort(r.waits, samples, sizeof(*r.waits), cmp_u64);
		printf("%-18u %10llu %10llu %10llu %10.1f\n", r.max_us,
		       (unsigned long long)r.waits[samples / 2],
		       (unsigned long long)r.waits[(size_t)samples * 99 / 100],
		       (unsigned long long)r.waits[samples - 1],
		       r.wall ? 100.0 * (double)r.cpu / (double)r.wall : 0.0);
		free(r.waits);
	}
	return 0;
}
