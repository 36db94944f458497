/* SPDX-License-Identifier: BSD-3-Clause */
/* What an SCTP receiver has seen of one association-direction's TSNs
 * (RFC 9260 §6.2): a DATA chunk is a retransmission only if its TSN was
 * seen, or lies at or below the cumulative point (every TSN up to it seen).
 * Data below the highest TSN that was never seen is new data: a chunk far
 * ahead (a TSN jump) does not turn the real data that follows into
 * "resends". Fixed size, no allocation. */
#ifndef SF_FLOW_TSN_WINDOW_H
#define SF_FLOW_TSN_WINDOW_H

#include <stdint.h>

#define TSN_WINDOW 1024			/* TSNs below the highest remembered one by one */
/* RFC 9260 §6.2: a receiver drops DATA beyond its window. No real sender
 * runs 2^16 TSNs ahead of what it sent before; such a chunk is forged or
 * corrupt and must not change any state. */
#define TSN_AHEAD_MAX 65536
/* A hole below the window that nobody fills for this long (a capture
 * that lost packets) is given up: the cumulative point moves up to the
 * window so that late resends are recognised again. */
#define TSN_HOLE_TIMEOUT_NS (10ull * 1000000000ull)

struct tsn_window {
	uint32_t top;			/* highest TSN seen */
	uint32_t cum;			/* every TSN up to here was seen (or given up) */
	uint8_t have;
	uint64_t hole_since_ns;		/* cum fell below the window at this time, 0 none */
	uint64_t seen[TSN_WINDOW / 64];	/* bit tsn % TSN_WINDOW, for top - TSN_WINDOW < tsn <= top */
};

enum tsn_class { TSN_NEW = 0, TSN_DUP = 1, TSN_FAR = 2 };

/* Classify tsn and record it: TSN_NEW (recorded), TSN_DUP (a resend), or
 * TSN_FAR (more than TSN_AHEAD_MAX ahead: nothing recorded). */
enum tsn_class tsn_window_add(struct tsn_window *w, uint32_t tsn, uint64_t now_ns);

#endif
