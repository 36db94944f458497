/* SPDX-License-Identifier: BSD-3-Clause */
/* Report assembly (engine_report.c): parts in any order give one message
 * in sequence order; retransmissions and duplicate parts are ignored; the
 * wait ends with what arrived, marked incomplete; a full table hands its
 * oldest report on instead of losing it; delivered sender ids expire. */
#include <stdio.h>
#include <string.h>

#include "sf_test.h"
#include "engine/engine_report.h"

#define NS 1000000000ull

struct got {
	unsigned n;
	char text[8][256];
	uint8_t parts[8], total[8], incomplete[8], head_missing[8], class_id[8];
	uint64_t frame[8];
};

static void collect(void *arg, const struct eng_report_msg *m)
{
	struct got *g = arg;

	if (g->n >= 8)
		return;
	snprintf(g->text[g->n], sizeof(g->text[0]), "%.*s", (int)m->text_len, m->text);
	g->parts[g->n] = m->parts;
	g->total[g->n] = m->total;
	g->incomplete[g->n] = m->incomplete;
	g->head_missing[g->n] = m->head_missing;
	g->class_id[g->n] = m->class_id;
	g->frame[g->n] = m->sms->frame;
	g->n++;
}

static struct sf_sms part(const char *text, unsigned ref, unsigned seq, unsigned total, uint64_t ts)
{
	struct sf_sms s;

	memset(&s, 0, sizeof(s));
	s.text = text;
	s.text_len = strlen(text);
	s.has_concat = total > 1;
	s.concat_ref = (uint16_t)ref;
	s.concat_seq = (uint8_t)seq;
	s.concat_total = (uint8_t)total;
	s.ts_ns = ts;
	s.frame = ts / NS;
	return s;
}

static void in_order_and_out_of_order(void)
{
	struct eng_reports *r = eng_reports_create(30 * NS);
	struct got g = { 0 };
	struct sf_sms a = part("00-0001，回T退订", 7, 2, 3, 1 * NS);
	struct sf_sms b = part("13800000000*您好", 7, 1, 3, 2 * NS);
	struct sf_sms c = part("结束", 7, 3, 3, 3 * NS);
	struct sf_sms single = part("FREE entry", 0, 0, 1, 4 * NS);

	eng_reports_part(r, &a, "8613900000001", 0, 0, collect, &g);
	CHECK_INT(g.n, 0);
	eng_reports_part(r, &b, "8613900000001", 4, 2, collect, &g);
	/* the same reference from another reporter is another message */
	eng_reports_part(r, &c, "8613900000002", 0, 0, collect, &g);
	CHECK_INT(g.n, 0);
	eng_reports_part(r, &c, "8613900000001", 6, 1, collect, &g);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.text[0], "13800000000*您好00-0001，回T退订结束");
	CHECK_INT(g.parts[0], 3);
	CHECK_INT(g.incomplete[0], 0);
	CHECK_INT(g.head_missing[0], 0);
	CHECK_INT(g.class_id[0], 4);	/* block beats tag */
	CHECK_INT((int)g.frame[0], 3);	/* the part that completed it */
	eng_reports_part(r, &single, "8613900000001", 0, 0, collect, &g);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.text[1], "FREE entry");
	CHECK_INT(g.total[1], 1);
	/* the lone part of reporter 2 waits until flushed */
	eng_reports_flush(r, collect, &g);
	CHECK_INT(g.n, 3);
	CHECK_STR(g.text[2], "结束");
	CHECK_INT(g.incomplete[2], 1);
	CHECK_INT(g.head_missing[2], 1);
	CHECK_INT((int)eng_reports_stats(r)->messages, 3);
	eng_reports_free(r);
}

static void retransmissions_and_duplicates(void)
{
	struct eng_reports *r = eng_reports_create(30 * NS);
	struct got g = { 0 };
	struct sf_sms a = part("AAA", 9, 1, 2, 1 * NS);
	struct sf_sms b = part("BBB", 9, 2, 2, 2 * NS);
	struct sf_sms ra = a;

	ra.retransmission = 1;
	eng_reports_part(r, &a, "8613900000001", 0, 0, collect, &g);
	eng_reports_part(r, &ra, "8613900000001", 0, 0, collect, &g);
	eng_reports_part(r, &a, "8613900000001", 0, 0, collect, &g);	/* resent by the SMSC */
	CHECK_INT(g.n, 0);
	eng_reports_part(r, &b, "8613900000001", 0, 0, collect, &g);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.text[0], "AAABBB");
	CHECK_INT((int)eng_reports_stats(r)->retrans_ignored, 1);
	CHECK_INT((int)eng_reports_stats(r)->dup_parts, 1);
	/* a retransmission, or a copy with a new TSN, of a part after its
	 * message went on: nothing */
	eng_reports_part(r, &ra, "8613900000001", 0, 0, collect, &g);
	eng_reports_part(r, &b, "8613900000001", 0, 0, collect, &g);
	eng_reports_flush(r, collect, &g);
	CHECK_INT(g.n, 1);
	CHECK_INT((int)eng_reports_stats(r)->dup_parts, 2);
	eng_reports_free(r);
}

static void wait_ends(void)
{
	struct eng_reports *r = eng_reports_create(30 * NS);
	struct got g = { 0 };
	struct sf_sms a = part("head", 1, 1, 3, 100 * NS);
	struct sf_sms c = part("tail", 1, 3, 3, 110 * NS);

	eng_reports_part(r, &a, "8613900000001", 0, 0, collect, &g);
	eng_reports_part(r, &c, "8613900000001", 0, 0, collect, &g);
	eng_reports_expire(r, 130 * NS, collect, &g);	/* 30 s after the first part: not yet */
	CHECK_INT(g.n, 0);
	eng_reports_expire(r, 131 * NS, collect, &g);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.text[0], "headtail");
	CHECK_INT(g.parts[0], 2);
	CHECK_INT(g.total[0], 3);
	CHECK_INT(g.incomplete[0], 1);
	CHECK_INT(g.head_missing[0], 0);
	eng_reports_free(r);
}

static void table_full(void)
{
	struct eng_reports *r = eng_reports_create(3600 * NS);
	struct got g = { 0 };
	char rep[20];

	for (unsigned i = 0; i <= ENG_REPORT_SLOTS; i++) {
		struct sf_sms s = part(i == 0 ? "first" : "x", 5, 1, 2, (i + 1) * NS);

		snprintf(rep, sizeof(rep), "86139%08u", i);
		eng_reports_part(r, &s, rep, 0, 0, collect, &g);
	}
	/* the oldest went on early, incomplete, not lost */
	CHECK_INT(g.n, 1);
	CHECK_STR(g.text[0], "first");
	CHECK_INT(g.incomplete[0], 1);
	CHECK_INT((int)eng_reports_stats(r)->evicted, 1);
	eng_reports_free(r);
}

static void deliveries(void)
{
	struct eng_reports *r = eng_reports_create(30 * NS);
	struct got g = { 0 };
	struct sf_sms s = part("x", 0, 0, 1, 0);

	eng_reports_note_delivery(r, "8613900000001", "icbc", 1000 * NS);
	CHECK_INT(eng_reports_delivered(r, "8613900000001", "ICBC"), 1);
	CHECK_INT(eng_reports_delivered(r, "8613900000002", "ICBC"), 0);
	CHECK_INT(eng_reports_delivered(r, "8613900000001", "JD"), 0);
	/* the packet clock moves past the window */
	s.ts_ns = 1000 * NS + ENG_REPORT_DELIVERED_NS + NS;
	eng_reports_part(r, &s, "8613900000003", 0, 0, collect, &g);
	CHECK_INT(eng_reports_delivered(r, "8613900000001", "ICBC"), 0);
	eng_reports_free(r);
}

int main(void)
{
	RUN(in_order_and_out_of_order);
	RUN(retransmissions_and_duplicates);
	RUN(wait_ends);
	RUN(table_full);
	RUN(deliveries);
	return TEST_SUMMARY();
}
