/* SPDX-License-Identifier: BSD-3-Clause */
/* The receiver's TSN view (RFC 9260 §6.2; issue 15 item 1): data below the
 * highest TSN that was never seen is new data, whatever jumped ahead. */
#include <string.h>

#include "flow/tsn_window.h"
#include "sf_test.h"

#define S 1000000000ull

static void test_in_order_and_resends(void)
{
	struct tsn_window w;

	memset(&w, 0, sizeof w);
	CHECK_INT(tsn_window_add(&w, 1000, 0), TSN_NEW);
	CHECK_INT(tsn_window_add(&w, 1001, 0), TSN_NEW);
	CHECK_INT(tsn_window_add(&w, 1001, 0), TSN_DUP);
	CHECK_INT(tsn_window_add(&w, 1000, 0), TSN_DUP);
	CHECK_INT(w.cum, 1001);
	/* reordered: 1003 before 1002 */
	CHECK_INT(tsn_window_add(&w, 1003, 0), TSN_NEW);
	CHECK_INT(w.cum, 1001);
	CHECK_INT(tsn_window_add(&w, 1002, 0), TSN_NEW);
	CHECK_INT(w.cum, 1003);
	/* before the first TSN seen: not seen, new */
	CHECK_INT(tsn_window_add(&w, 999, 0), TSN_NEW);
	CHECK_INT(tsn_window_add(&w, 999, 0), TSN_DUP);
	/* far below everything: at or below the cumulative point */
	CHECK_INT(tsn_window_add(&w, 1003 - 5000, 0), TSN_DUP);
	/* wrap-around of the 32-bit TSN (serial arithmetic) */
	memset(&w, 0, sizeof w);
	CHECK_INT(tsn_window_add(&w, 0xFFFFFFFFu, 0), TSN_NEW);
	CHECK_INT(tsn_window_add(&w, 0, 0), TSN_NEW);
	CHECK_INT(tsn_window_add(&w, 0xFFFFFFFFu, 0), TSN_DUP);
	CHECK_INT(w.cum, 0);
}

static void test_jump_ahead(void)
{
	struct tsn_window w;

	memset(&w, 0, sizeof w);
	CHECK_INT(tsn_window_add(&w, 5000, 0), TSN_NEW);
	/* one chunk 2,000 TSNs ahead: taken, but the real data after it ... */
	CHECK_INT(tsn_window_add(&w, 7000, 1), TSN_NEW);
	/* ... below it and never seen is new, and its resends are resends */
	CHECK_INT(tsn_window_add(&w, 5001, 2), TSN_NEW);
	CHECK_INT(tsn_window_add(&w, 5002, 3), TSN_NEW);
	CHECK_INT(tsn_window_add(&w, 5003, 4), TSN_NEW);
	CHECK_INT(tsn_window_add(&w, 5002, 5), TSN_DUP);
	CHECK_INT(w.cum, 5003);
	/* beyond TSN_AHEAD_MAX: refused, nothing recorded */
	CHECK_INT(tsn_window_add(&w, 7000 + TSN_AHEAD_MAX + 1, 6), TSN_FAR);
	CHECK_INT(w.top, 7000);
	CHECK_INT(tsn_window_add(&w, 5004, 7), TSN_NEW);
	/* a hole nobody fills for longer than TSN_HOLE_TIMEOUT_NS is given up */
	CHECK_INT(tsn_window_add(&w, 7001, 20 * S), TSN_NEW);
	CHECK_INT(w.cum, 7001 - TSN_WINDOW);
	CHECK_INT(tsn_window_add(&w, 5005, 21 * S), TSN_DUP);
	CHECK_INT(tsn_window_add(&w, 7001 - TSN_WINDOW + 1, 21 * S), TSN_NEW);
}

int main(void)
{
	RUN(test_in_order_and_resends);
	RUN(test_jump_ahead);
	return TEST_SUMMARY();
}
