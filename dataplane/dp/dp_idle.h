/* SPDX-License-Identifier: BSD-3-Clause */
/* Adaptive idle backoff for the polling loops (main lcore RX, workers):
 * while packets come, poll without pause; after DP_IDLE_SPINS empty polls
 * in a row (a few microseconds), sleep, 1 µs first, doubling up to the
 * configured maximum; the first non-empty poll resets it. An idle tap or
 * inline dataplane then uses a few percent of a core instead of all of
 * it; the cost is at most max_us (plus the kernel's wake-up) of added
 * latency for the first packet after a quiet spell, measured by
 * smsfw-idle-bench (bench/RESULTS.md). max_us = 0 busy-polls. */
#ifndef DP_IDLE_H
#define DP_IDLE_H

#include <sys/prctl.h>
#include <time.h>

#include <rte_pause.h>

#define DP_IDLE_SPINS 512u

struct dp_idle {
	unsigned empty;		/* empty polls in a row */
	unsigned sleep_ns;	/* next sleep */
	unsigned max_ns;	/* 0: never sleep */
};

/* For the calling thread: a tight timer slack (the default 50 µs would
 * add itself to every sleep). */
static inline void dp_idle_init(struct dp_idle *d, unsigned max_us)
{
	d->empty = 0;
	d->sleep_ns = 1000;
	d->max_ns = max_us * 1000u;
	if (d->max_ns)
		prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
}

static inline void dp_idle_busy(struct dp_idle *d)
{
	d->empty = 0;
	d->sleep_ns = 1000;
}

static inline void dp_idle_empty(struct dp_idle *d)
{
	struct timespec ts;

	if (!d->max_ns || ++d->empty < DP_IDLE_SPINS) {
		rte_pause();
		return;
	}
	ts.tv_sec = 0;
	ts.tv_nsec = d->sleep_ns;
	nanosleep(&ts, NULL);
	if (d->sleep_ns < d->max_ns) {
		d->sleep_ns *= 2;
		if (d->sleep_ns > d->max_ns)
			d->sleep_ns = d->max_ns;
	}
}

#endif
