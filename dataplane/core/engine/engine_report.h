/* SPDX-License-Identifier: BSD-3-Clause */
/* Reports to the report number (DOMAIN.md §3) as whole messages: the parts
 * of a concatenated report (TS 23.040 §9.2.3.24.1) are collected in order,
 * retransmissions and duplicate parts ignored, for a bounded wait; then the
 * message is handed on once, whole or marked incomplete. Also remembers
 * which alphanumeric sender ids were recently delivered to which
 * subscriber, so a report "ID text" can name one. Per worker (one thread),
 * fixed memory, no allocation after create. */
#ifndef ENGINE_REPORT_H
#define ENGINE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "sf_sms.h"

#define ENG_REPORT_SLOTS 128		/* reports being assembled per worker */
#define ENG_REPORT_ARENA 4096		/* UTF-8 bytes kept per report */
#define ENG_REPORT_DELIVERED 8192	/* remembered (recipient, sender id) pairs */
#define ENG_REPORT_DELIVERED_NS (72ull * 3600 * 1000000000ull)	/* "recently" */

/* One report message, valid only during the emit call. */
struct eng_report_msg {
	const struct sf_sms *sms;	/* a part of it (the last one that arrived) */
	const char *reporter;		/* canonical MSISDN */
	const char *text;		/* the parts' texts in order */
	size_t text_len;
	uint8_t parts, total;		/* parts that arrived / announced */
	uint8_t incomplete;		/* some part never arrived */
	uint8_t head_missing;		/* part 1 never arrived */
	uint8_t class_id;		/* strongest content class over the parts */
};

struct eng_report_stats {
	uint64_t messages, parts, incomplete, retrans_ignored, dup_parts;
	uint64_t evicted;		/* handed on early (table full), marked incomplete */
	uint64_t text_cut;		/* a part's text did not fit the arena */
};

typedef void (*eng_report_emit_fn)(void *arg, const struct eng_report_msg *m);

struct eng_reports;

struct eng_reports *eng_reports_create(uint64_t wait_ns);
void eng_reports_free(struct eng_reports *r);

/* One SMS part to the report number from reporter (canonical). class_id
 * / severity: the content scan's class and 2 = block, 1 = tag, 0 = none.
 * Emits the message when it is whole (a single-part report at once). */
void eng_reports_part(struct eng_reports *r, const struct sf_sms *s, const char *reporter,
		      uint8_t class_id, int severity, eng_report_emit_fn emit, void *arg);

/* Hand on, marked incomplete, every report whose first part arrived more
 * than the wait before now_ns (packet clock). */
void eng_reports_expire(struct eng_reports *r, uint64_t now_ns, eng_report_emit_fn emit, void *arg);

/* Hand on every report still waiting (end of a capture, shutdown). */
void eng_reports_flush(struct eng_reports *r, eng_report_emit_fn emit, void *arg);

/* An MT message from the alphanumeric sender_id reached recipient
 * (canonical MSISDN). */
void eng_reports_note_delivery(struct eng_reports *r, const char *recipient,
			       const char *sender_id, uint64_t ts_ns);

/* 1 if sender_id (upper case) was delivered to recipient within
 * ENG_REPORT_DELIVERED_NS of the latest packet seen. */
int eng_reports_delivered(struct eng_reports *r, const char *recipient, const char *sender_id);

const struct eng_report_stats *eng_reports_stats(const struct eng_reports *r);

#endif
