/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP user-message reassembly (RFC 9260 §6.9, RFC 8260 §2.1): in order,
 * out of order, duplicates, unordered runs, I-DATA, bounds, eviction and
 * expiry, each with exact results and counters. */
#include "flow/sctp_reasm.h"
#include "sf_test.h"

#define B SF_SCTP_DATA_FLAG_B
#define E SF_SCTP_DATA_FLAG_E
#define U SF_SCTP_DATA_FLAG_U
#define SEC 1000000000ull

/* A DATA fragment view over a string. */
static struct sctp_data_view frag(uint32_t tsn, uint16_t sid, uint16_t ssn, uint8_t flags,
				  const char *text)
{
	struct sctp_data_view d;

	memset(&d, 0, sizeof d);
	d.type = SF_SCTP_DATA;
	d.tsn = tsn;
	d.sid = sid;
	d.ssn = ssn;
	d.flags = flags;
	d.ppid = SF_SCTP_PPID_M3UA;
	d.payload = sf_bytes_make((const uint8_t *)text, strlen(text));
	return d;
}

static struct sctp_data_view ifrag(uint32_t tsn, uint32_t mid, uint32_t fsn, uint8_t flags,
				   const char *text)
{
	struct sctp_data_view d = frag(tsn, 2, 0, flags, text);

	d.type = SF_SCTP_I_DATA;
	d.mid = mid;
	d.fsn = (flags & B) ? 0 : fsn;
	d.ppid = (flags & B) ? SF_SCTP_PPID_M3UA : 0;
	return d;
}

/* Feed one fragment: returns the error, *done the completed text or "". */
static int feed(struct sctp_reasm *r, uint64_t key, struct sctp_data_view d, uint64_t now,
		char *done, size_t cap)
{
	struct sf_bytes out;
	int e = sctp_reasm_add(r, key, &d, now, &out);

	done[0] = 0;
	if (out.p) {
		size_t n = out.len < cap - 1 ? out.len : cap - 1;

		memcpy(done, out.p, n);
		done[n] = 0;
	}
	return e;
}

static void in_order(void)
{
	struct sctp_reasm *r = sctp_reasm_create(8, 256);
	struct sctp_reasm_stats st;
	char s[64];

	CHECK(r != NULL);
	CHECK_INT(feed(r, 1, frag(100, 1, 5, B, "hello "), 0, s, sizeof s), SF_OK);
	CHECK_STR(s, "");
	CHECK_INT(feed(r, 1, frag(101, 1, 5, 0, "big "), 0, s, sizeof s), SF_OK);
	CHECK_STR(s, "");
	sctp_reasm_stats(r, &st);
	CHECK_INT(st.in_use, 1);
	CHECK_INT(feed(r, 1, frag(102, 1, 5, E, "world"), 0, s, sizeof s), SF_OK);
	CHECK_STR(s, "hello big world");
	CHECK_INT(sctp_reasm_last(r)->first_tsn, 100);
	CHECK_INT(sctp_reasm_last(r)->ppid, 3);
	CHECK_INT(sctp_reasm_last(r)->n_frags, 3);
	CHECK_INT(sctp_reasm_last(r)->sid, 1);
	sctp_reasm_stats(r, &st);
	CHECK_INT(st.completed, 1);
	CHECK_INT(st.in_use, 0);
	/* a complete chunk is handed back as it is */
	CHECK_INT(feed(r, 1, frag(103, 1, 6, B | E, "whole"), 0, s, sizeof s), SF_OK);
	CHECK_STR(s, "whole");
	sctp_reasm_destroy(r);
}

static void out_of_order_and_interleaved(void)
{
	struct sctp_reasm *r = sctp_reasm_create(8, 256);
	char s[64];

	CHECK_INT(feed(r, 1, frag(102, 1, 5, E, "C"), 0, s, sizeof s), SF_OK);
	/* another association with the same SID/SSN/TSNs does not mix in */
	CHECK_INT(feed(r, 2, frag(101, 1, 5, 0, "x"), 0, s, sizeof s), SF_OK);
	/* another stream of the same association neither */
	CHECK_INT(feed(r, 1, frag(200, 3, 5, B, "y"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 1, frag(100, 1, 5, B, "A"), 0, s, sizeof s), SF_OK);
	CHECK_STR(s, "");
	CHECK_INT(feed(r, 1, frag(101, 1, 5, 0, "B"), 0, s, sizeof s), SF_OK);
	CHECK_STR(s, "ABC");
	CHECK_INT(feed(r, 2, frag(100, 1, 5, B, "w"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 2, frag(102, 1, 5, E, "z"), 0, s, sizeof s), SF_OK);
	CHECK_STR(s, "wxz");
	sctp_reasm_destroy(r);
}

static void duplicates(void)
{
	struct sctp_reasm *r = sctp_reasm_create(8, 256);
	struct sctp_reasm_stats st;
	char s[64];

	CHECK_INT(feed(r, 1, frag(7, 0, 1, B, "ab"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 1, frag(7, 0, 1, B, "ab"), 0, s, sizeof s), SF_E_SCTP_REASM_DUPLICATE);
	CHECK_INT(feed(r, 1, frag(9, 0, 1, E, "ef"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 1, frag(9, 0, 1, E, "ef"), 0, s, sizeof s), SF_E_SCTP_REASM_DUPLICATE);
	CHECK_INT(feed(r, 1, frag(8, 0, 1, 0, "cd"), 0, s, sizeof s), SF_OK);
	CHECK_STR(s, "abcdef");
	sctp_reasm_stats(r, &st);
	CHECK_INT(st.duplicates, 2);
	CHECK_INT(st.completed, 1);
	CHECK_INT(st.dropped, 0);
	/* a retransmission after completion starts nothing harmful: it
	 * waits alone and expires */
	CHECK_INT(feed(r, 1, frag(8, 0, 1, 0, "cd"), 0, s, sizeof s), SF_OK);
	CHECK_STR(s, "");
	sctp_reasm_destroy(r);
}

static void tsn_wrap(void)
{
	struct sctp_reasm *r = sctp_reasm_create(4, 64);
	char s[64];

	CHECK_INT(feed(r, 9, frag(0x00000000u, 4, 65535, 0, "2"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 9, frag(0x00000001u, 4, 65535, E, "3"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 9, frag(0xffffffffu, 4, 65535, B, "1"), 0, s, sizeof s), SF_OK);
	CHECK_STR(s, "123");
	CHECK_INT(sctp_reasm_last(r)->first_tsn, 0xffffffffu);
	sctp_reasm_destroy(r);
}

static void unordered_runs(void)
{
	struct sctp_reasm *r = sctp_reasm_create(8, 256);
	struct sctp_reasm_stats st;
	char s[64];

	/* M1 = TSN 10..12, M2 = TSN 13..14, both unordered on SID 1; the SSN
	 * means nothing for them (RFC 9260 §3.3.1) */
	CHECK_INT(feed(r, 1, frag(11, 1, 99, U, "b"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 1, frag(14, 1, 0, U | E, "e"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 1, frag(12, 1, 3, U | E, "c"), 0, s, sizeof s), SF_OK);
	CHECK_STR(s, "");
	CHECK_INT(feed(r, 1, frag(13, 1, 4, U | B, "d"), 0, s, sizeof s), SF_OK);
	CHECK_STR(s, "de");
	CHECK_INT(feed(r, 1, frag(12, 1, 3, U | E, "c"), 0, s, sizeof s), SF_E_SCTP_REASM_DUPLICATE);
	CHECK_INT(feed(r, 1, frag(10, 1, 7, U | B, "a"), 0, s, sizeof s), SF_OK);
	CHECK_STR(s, "abc");
	CHECK_INT(sctp_reasm_last(r)->unordered, 1);
	CHECK_INT(sctp_reasm_last(r)->first_tsn, 10);
	/* a middle fragment that joins two runs */
	CHECK_INT(feed(r, 1, frag(20, 1, 0, U | B, "x"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 1, frag(23, 1, 0, U | E, "z"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 1, frag(22, 1, 0, U, "y2"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 1, frag(21, 1, 0, U, "y1"), 0, s, sizeof s), SF_OK);
	CHECK_STR(s, "xy1y2z");
	sctp_reasm_stats(r, &st);
	CHECK_INT(st.completed, 3);
	CHECK_INT(st.in_use, 0);
	sctp_reasm_destroy(r);
}

static void idata_by_fsn(void)
{
	struct sctp_reasm *r = sctp_reasm_create(8, 256);
	char s[64];

	/* RFC 8260: TSNs need not be consecutive, the FSN orders */
	CHECK_INT(feed(r, 5, ifrag(500, 7, 2, E, "!"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 5, ifrag(400, 8, 0, B, "other"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 5, ifrag(300, 7, 0, B, "hi"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 5, ifrag(450, 7, 1, 0, " there"), 0, s, sizeof s), SF_OK);
	CHECK_STR(s, "hi there!");
	CHECK_INT(sctp_reasm_last(r)->type, SF_SCTP_I_DATA);
	CHECK_INT(sctp_reasm_last(r)->ppid, 3);
	CHECK_INT(sctp_reasm_last(r)->first_tsn, 300);
	sctp_reasm_destroy(r);
}

static void bounds_and_order_errors(void)
{
	/* 32 bytes: 10-byte fragments cost 10 + SCTP_REASM_FRAG_OVERHEAD each */
	struct sctp_reasm *r = sctp_reasm_create(8, 32);
	struct sctp_reasm_stats st;
	char s[64];

	CHECK(sctp_reasm_create(0, 16) == NULL);
	CHECK(sctp_reasm_create(4, 0) == NULL);
	/* longer than max_msg_len (bytes plus overhead): the message is given up */
	CHECK_INT(feed(r, 1, frag(1, 0, 1, B, "0123456789"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 1, frag(2, 0, 1, 0, "0123456789"), 0, s, sizeof s), SF_E_SCTP_REASM_TOO_LONG);
	CHECK_INT(feed(r, 1, frag(3, 0, 2, B, "012345678901234567890123456789012"), 0, s, sizeof s),
		  SF_E_SCTP_REASM_TOO_LONG);
	/* a second, different B for the same SID/SSN */
	CHECK_INT(feed(r, 1, frag(10, 0, 3, B, "a"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 1, frag(12, 0, 3, B, "b"), 0, s, sizeof s), SF_E_SCTP_REASM_BAD_ORDER);
	/* a fragment before its B */
	CHECK_INT(feed(r, 1, frag(20, 0, 4, B, "a"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 1, frag(19, 0, 4, 0, "b"), 0, s, sizeof s), SF_E_SCTP_REASM_BAD_ORDER);
	/* E before B in TSN order */
	CHECK_INT(feed(r, 1, frag(30, 0, 5, E, "a"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 1, frag(31, 0, 5, B, "b"), 0, s, sizeof s), SF_E_SCTP_REASM_BAD_ORDER);
	/* B and E further apart than the slot's bytes could hold fragments */
	CHECK_INT(feed(r, 1, frag(40, 0, 6, B, "a"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 1, frag(40 + 32, 0, 6, E, "b"), 0, s, sizeof s), SF_E_SCTP_REASM_TOO_LONG);
	/* empty fragment: ignored */
	CHECK_INT(feed(r, 1, frag(50, 0, 7, B, ""), 0, s, sizeof s), SF_E_SCTP_REASM_EMPTY);
	sctp_reasm_stats(r, &st);
	CHECK_INT(st.dropped, 4 + 1);
	CHECK_INT(st.in_use, 0);
	CHECK_INT(st.completed, 0);
	sctp_reasm_destroy(r);
}

/* Issue 15 item 2: bounded by bytes, not by a count of fragments */
static void too_many_fragments(void)
{
	struct sctp_reasm *r = sctp_reasm_create(2, 1024);
	char s[8], want[101];
	int e = SF_OK;
	unsigned i;
	struct sf_bytes out;

	/* 100 one-byte fragments (900 bytes with their overhead), delivered
	 * out of order: one message */
	for (i = 0; i < 100; i++)
		want[i] = (char)('a' + i % 26);
	want[100] = 0;
	for (i = 0; i < 100; i++) {
		unsigned k = (i * 7) % 100;	/* 7 and 100 are coprime: each once */
		char c[2] = { want[k], 0 };
		struct sctp_data_view d = frag(5000 + k, 0, 9, (k == 0 ? B : 0) | (k == 99 ? E : 0), c);

		e = sctp_reasm_add(r, 1, &d, 0, &out);
		CHECK_INT(e, SF_OK);
		CHECK(i == 99 ? out.p != NULL : out.p == NULL);
	}
	CHECK_INT(out.len, 100);
	CHECK(out.p && memcmp(out.p, want, 100) == 0);
	CHECK_INT(sctp_reasm_last(r)->n_frags, 100);
	CHECK_INT(sctp_reasm_last(r)->first_tsn, 5000);
	/* middle fragments only, never a B: refused once their bytes and
	 * overhead pass 1024 (113 * 9 = 1017 fit) */
	e = SF_OK;
	for (i = 0; i < 1000 && e == SF_OK; i++)
		e = feed(r, 1, frag(1000 + i, 0, 1, 0, "m"), 0, s, sizeof s);
	CHECK_INT(e, SF_E_SCTP_REASM_TOO_LONG);
	CHECK_INT(i, 1024 / (1 + SCTP_REASM_FRAG_OVERHEAD) + 1);
	sctp_reasm_destroy(r);
}

static void eviction(void)
{
	struct sctp_reasm *r = sctp_reasm_create(2, 64);
	struct sctp_reasm_stats st;
	char s[64];

	CHECK_INT(feed(r, 1, frag(1, 0, 1, B, "one-"), 1, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 1, frag(11, 0, 2, B, "two-"), 2, s, sizeof s), SF_OK);
	/* full: the third message evicts the first */
	CHECK_INT(feed(r, 1, frag(21, 0, 3, B, "three-"), 3, s, sizeof s), SF_OK);
	sctp_reasm_stats(r, &st);
	CHECK_INT(st.evicted, 1);
	CHECK_INT(st.in_use, 2);
	/* the first's ending now waits in vain; it evicts the second */
	CHECK_INT(feed(r, 1, frag(2, 0, 1, E, "end"), 4, s, sizeof s), SF_OK);
	CHECK_STR(s, "");
	CHECK_INT(feed(r, 1, frag(22, 0, 3, E, "end"), 5, s, sizeof s), SF_OK);
	CHECK_STR(s, "three-end");
	sctp_reasm_stats(r, &st);
	CHECK_INT(st.evicted, 2);
	CHECK_INT(st.in_use, 1);
	sctp_reasm_destroy(r);
}

static void expiry(void)
{
	struct sctp_reasm *r = sctp_reasm_create(4, 64);
	struct sctp_reasm_stats st;
	char s[64];

	CHECK_INT(feed(r, 1, frag(1, 0, 1, B, "old-"), 0, s, sizeof s), SF_OK);
	CHECK_INT(feed(r, 1, frag(11, 0, 2, B, "new-"), 5 * SEC, s, sizeof s), SF_OK);
	sctp_reasm_expire(r, 7 * SEC, 3 * SEC);
	sctp_reasm_stats(r, &st);
	CHECK_INT(st.expired, 1);
	CHECK_INT(st.in_use, 1);
	/* exactly max_age old is kept */
	sctp_reasm_expire(r, 8 * SEC, 3 * SEC);
	sctp_reasm_stats(r, &st);
	CHECK_INT(st.expired, 1);
	CHECK_INT(feed(r, 1, frag(2, 0, 1, E, "end"), 8 * SEC, s, sizeof s), SF_OK);
	CHECK_STR(s, "");
	CHECK_INT(feed(r, 1, frag(12, 0, 2, E, "end"), 8 * SEC, s, sizeof s), SF_OK);
	CHECK_STR(s, "new-end");
	sctp_reasm_expire(r, 100 * SEC, 3 * SEC);
	sctp_reasm_stats(r, &st);
	CHECK_INT(st.expired, 2);
	CHECK_INT(st.in_use, 0);
	sctp_reasm_destroy(r);
}

int main(void)
{
	RUN(in_order);
	RUN(out_of_order_and_interleaved);
	RUN(duplicates);
	RUN(tsn_wrap);
	RUN(unordered_runs);
	RUN(idata_by_fsn);
	RUN(bounds_and_order_errors);
	RUN(too_many_fragments);
	RUN(eviction);
	RUN(expiry);
	return TEST_SUMMARY();
}
