/* SPDX-License-Identifier: BSD-3-Clause */
/* The verdict log's line format (verdicts.jsonl, events.jsonl) and the
 * pcapng packet comment. Privacy (DOMAIN.md §3): for a part that passes,
 * subscriber numbers are masked (first 3 and last 2 digits kept) and no
 * text is written; blocked, tagged and reported parts keep both. */
#ifndef SF_ENGINE_JSON_H
#define SF_ENGINE_JSON_H

#include <stddef.h>

#include "engine/engine.h"

/* One JSON object (no newline) into buf; returns its length, or -1 if it
 * does not fit. mask: the privacy rule applies (subscriber numbers masked,
 * no text, no fingerprint, "redacted": true); the caller decides which
 * verdicts it applies to. */
int sf_engine_verdict_json(const struct sf_part_verdict *v, int mask, char *buf, size_t cap);

/* "block fraud_impersonation rule 1001: <reason>; " style summary appended
 * to a packet comment; returns bytes written (0 if it does not fit). */
int sf_engine_verdict_comment(const struct sf_part_verdict *v, char *buf, size_t cap);

/* An event line with the LISTS_SPEC fields plus dp, frame and ts_ns. */
int sf_engine_event_json(const struct policy_event *ev, const struct sf_sms *sms,
			 const char *dp_id, char *buf, size_t cap);

#endif
