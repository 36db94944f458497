/* SPDX-License-Identifier: BSD-3-Clause */
/* Received-TSN tracking of an SCTP receiver (RFC 9260 §6.2, serial number
 * arithmetic of §1.6): see tsn_window.h. */
#include <string.h>

#include "flow/tsn_window.h"

static inline uint64_t bit(uint32_t tsn)
{
	return 1ull << (tsn % 64);
}

static inline uint64_t *word(struct tsn_window *w, uint32_t tsn)
{
	return &w->seen[(tsn % TSN_WINDOW) / 64];
}

/* tsn lies in the bitmap: top - TSN_WINDOW < tsn <= top */
static inline int in_bitmap(const struct tsn_window *w, uint32_t tsn)
{
	return (uint32_t)(w->top - tsn) < TSN_WINDOW;
}

enum tsn_class tsn_window_add(struct tsn_window *w, uint32_t tsn, uint64_t now_ns)
{
	int32_t d;

	if (!w->have) {
		memset(w, 0, sizeof(*w));
		w->have = 1;
		w->top = tsn;
		w->cum = tsn;	/* below it: the bitmap, then resends */
		*word(w, tsn) |= bit(tsn);
		return TSN_NEW;
	}
	d = (int32_t)(tsn - w->top);
	if (d > TSN_AHEAD_MAX)
		return TSN_FAR;
	if (d > 0) {
		/* slide: the TSNs newly inside the window are unseen */
		if (d >= TSN_WINDOW) {
			memset(w->seen, 0, sizeof(w->seen));
		} else {
			for (uint32_t t = w->top + 1; t != tsn; t++)
				*word(w, t) &= ~bit(t);
		}
		w->top = tsn;
		*word(w, tsn) |= bit(tsn);
	} else if (in_bitmap(w, tsn)) {
		if (*word(w, tsn) & bit(tsn))
			return TSN_DUP;
		*word(w, tsn) |= bit(tsn);
	} else if ((int32_t)(tsn - w->cum) <= 0) {
		return TSN_DUP;		/* at or below the cumulative point */
	}
	/* below the window but above the cumulative point: a hole filled,
	 * new data a receiver takes (nothing to record outside the bitmap) */
	if (tsn == w->cum + 1) {
		unsigned n = 0;

		w->cum = tsn;
		while (n++ < TSN_WINDOW && in_bitmap(w, w->cum + 1) && (*word(w, w->cum + 1) & bit(w->cum + 1)))
			w->cum++;
	}
	if ((uint32_t)(w->top - w->cum) >= TSN_WINDOW) {
		if (!w->hole_since_ns) {
			w->hole_since_ns = now_ns ? now_ns : 1;
		} else if (now_ns - w->hole_since_ns > TSN_HOLE_TIMEOUT_NS) {
			w->cum = w->top - TSN_WINDOW;
			w->hole_since_ns = 0;
		}
	} else {
		w->hole_since_ns = 0;
	}
	return TSN_NEW;
}
