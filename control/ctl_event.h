/* SPDX-License-Identifier: BSD-3-Clause */
/* Decoding and validation of one event from the {smsfw}:events stream
 * (field list: notes/LISTS_SPEC.md "Events"). A pure function over the
 * field/value views of a stream entry: no allocation, no logging; the
 * result names why an event was refused. */
#ifndef CTL_EVENT_H
#define CTL_EVENT_H

#include <stddef.h>

enum ctl_ev_type { CTL_EV_REPORT = 1, CTL_EV_SHIELD, CTL_EV_UNSHIELD, CTL_EV_BLOCK };

/* Why an event was refused; each has a counter in controld. */
#define CTL_EV_ERR_LIST(X) \
	X(OK, "ok") \
	X(MISSING_FIELD, "missing_field") \
	X(DUPLICATE_FIELD, "duplicate_field") \
	X(UNKNOWN_TYPE, "unknown_type") \
	X(BAD_VALUE, "bad_value") \
	X(OVERSIZE, "oversize") \
	X(BAD_UTF8, "bad_utf8") \
	X(DELETED, "deleted") \
	X(TS_SKEW, "ts_skew") \
	X(UNKNOWN_DP, "unknown_dp") \
	X(RATE_LIMITED, "rate_limited")

enum ctl_ev_err {
#define X(id, name) CTL_EV_##id,
	CTL_EV_ERR_LIST(X)
#undef X
	CTL_EV__ERR_COUNT
};

const char *ctl_ev_err_name(enum ctl_ev_err e);

#define CTL_EV_MAX_ID 128
#define CTL_EV_MAX_FIELD 128	/* any field but text */

/* Values are NUL-terminated copies (the event is small and bounded). */
struct ctl_event {
	enum ctl_ev_type type;
	char id[CTL_EV_MAX_ID + 1];
	long long ts_ms;
	char dp[65];
	char reporter[24], reported[24];	/* reported: digits, sender id or "" */
	int reported_is_number;
	char fp[17];				/* 16 hex digits or "" */
	char text[1024 + 1];
	size_t text_len;
	char klass[33];
	char subscriber[24], port[24];
	char sender[24], recipient[24], rule[65], reason[65];
};

/* fields/lens: the 2*n strings of a stream entry (field, value, ...).
 * Unknown fields are ignored. */
enum ctl_ev_err ctl_event_decode(const char *const *fv, const size_t *lens, size_t n_pairs,
				 struct ctl_event *ev);

/* What the fields alone cannot tell: the event's ts within
 * [now - max_age_s, now + max_future_s] of the daemon's clock
 * (CTL_EV_TS_SKEW), its dp one of the configured dataplanes when a list is
 * configured (CTL_EV_UNKNOWN_DP). Pure; the rate limit is the daemon's. */
struct ctl_config;
enum ctl_ev_err ctl_event_check(const struct ctl_event *ev, const struct ctl_config *cfg, long long now_ms);

#endif
