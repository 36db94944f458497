/* SPDX-License-Identifier: BSD-3-Clause */
/* SCCP XUDT segment reassembly tests (ITU-T Q.714 §4.1.1.2): in order,
 * a lost middle segment, the reassembly timer, a full table. */
#include <stdint.h>
#include <string.h>

#include "flow/sccp_reasm.h"
#include "sf_test.h"

#define MS 1000000ull

/* A view as sccp_decode would give for one XUDT segment. */
static struct sccp_view seg(int first, int remaining, uint32_t lr, const uint8_t *d, size_t n)
{
	struct sccp_view v;

	memset(&v, 0, sizeof(v));
	v.type = 0x11;
	v.data = sf_bytes_make(d, n);
	v.seg.present = 1;
	v.seg.first = (uint8_t)first;
	v.seg.seq_class = 1;
	v.seg.remaining = (uint8_t)remaining;
	v.seg.local_ref = lr;
	return v;
}

static const uint8_t d1[] = { 0x62, 0x81, 0x10 }, d2[] = { 0x01, 0x02, 0x03, 0x04 },
		     d3[] = { 0x05, 0x06 };

static void test_in_order(void)
{
	struct sccp_reasm *r = sccp_reasm_create(4, 64);
	struct sccp_reasm_stats st;
	struct sf_bytes out;
	struct sccp_view v;
	static const uint8_t whole[] = { 0x62, 0x81, 0x10, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06 };

	CHECK(r != NULL);
	v = seg(1, 2, 0x123456, d1, sizeof(d1));
	CHECK_INT(sccp_reasm_add(r, 7, &v, 1 * MS, &out), SF_OK);
	CHECK(out.p == NULL);
	v = seg(0, 1, 0x123456, d2, sizeof(d2));
	CHECK_INT(sccp_reasm_add(r, 7, &v, 2 * MS, &out), SF_OK);
	CHECK(out.p == NULL);
	sccp_reasm_stats(r, &st);
	CHECK_INT(st.in_use, 1);
	v = seg(0, 0, 0x123456, d3, sizeof(d3));
	CHECK_INT(sccp_reasm_add(r, 7, &v, 3 * MS, &out), SF_OK);
	CHECK(out.p != NULL);
	CHECK_INT(out.len, sizeof(whole));
	CHECK_MEM(out.p, whole, sizeof(whole));
	sccp_reasm_stats(r, &st);
	CHECK_INT(st.completed, 1);
	CHECK_INT(st.in_use, 0);
	CHECK_INT(st.errors, 0);
	sccp_reasm_destroy(r);
}

static void test_interleaved_keys(void)
{
	struct sccp_reasm *r = sccp_reasm_create(4, 64);
	struct sf_bytes out;
	struct sccp_view v;

	/* same local reference from two callers, and two references from one */
	v = seg(1, 1, 5, d1, sizeof(d1));
	CHECK_INT(sccp_reasm_add(r, 100, &v, 0, &out), SF_OK);
	v = seg(1, 1, 5, d2, sizeof(d2));
	CHECK_INT(sccp_reasm_add(r, 200, &v, 0, &out), SF_OK);
	v = seg(1, 1, 6, d3, sizeof(d3));
	CHECK_INT(sccp_reasm_add(r, 100, &v, 0, &out), SF_OK);
	v = seg(0, 0, 5, d3, sizeof(d3));
	CHECK_INT(sccp_reasm_add(r, 200, &v, 0, &out), SF_OK);
	CHECK_INT(out.len, 6);
	CHECK_MEM(out.p, ((const uint8_t[]){ 1, 2, 3, 4, 5, 6 }), 6);
	v = seg(0, 0, 6, d1, sizeof(d1));
	CHECK_INT(sccp_reasm_add(r, 100, &v, 0, &out), SF_OK);
	CHECK_INT(out.len, 5);
	CHECK_MEM(out.p, ((const uint8_t[]){ 5, 6, 0x62, 0x81, 0x10 }), 5);
	v = seg(0, 0, 5, d2, sizeof(d2));
	CHECK_INT(sccp_reasm_add(r, 100, &v, 0, &out), SF_OK);
	CHECK_INT(out.len, 7);
	sccp_reasm_destroy(r);
}

static void test_missing_middle(void)
{
	struct sccp_reasm *r = sccp_reasm_create(4, 64);
	struct sccp_reasm_stats st;
	struct sf_bytes out;
	struct sccp_view v;

	v = seg(1, 2, 1, d1, sizeof(d1));
	CHECK_INT(sccp_reasm_add(r, 1, &v, 0, &out), SF_OK);
	v = seg(0, 0, 1, d3, sizeof(d3));	/* remaining 1 never came */
	CHECK_INT(sccp_reasm_add(r, 1, &v, 0, &out), SF_E_SCCP_REASM_SEQUENCE);
	CHECK(out.p == NULL);
	/* the message is gone: a late middle segment is unexpected */
	v = seg(0, 1, 1, d2, sizeof(d2));
	CHECK_INT(sccp_reasm_add(r, 1, &v, 0, &out), SF_E_SCCP_REASM_UNEXPECTED);
	sccp_reasm_stats(r, &st);
	CHECK_INT(st.errors, 2);
	CHECK_INT(st.in_use, 0);
	CHECK_INT(st.completed, 0);
	sccp_reasm_destroy(r);
}

static void test_timeout(void)
{
	struct sccp_reasm *r = sccp_reasm_create(4, 64);
	struct sccp_reasm_stats st;
	struct sf_bytes out;
	struct sccp_view v;

	v = seg(1, 1, 1, d1, sizeof(d1));
	CHECK_INT(sccp_reasm_add(r, 1, &v, 100 * MS, &out), SF_OK);
	v = seg(1, 1, 2, d1, sizeof(d1));
	CHECK_INT(sccp_reasm_add(r, 1, &v, 900 * MS, &out), SF_OK);
	sccp_reasm_expire(r, 1000 * MS, 1000 * MS);	/* nothing older than 1 s */
	sccp_reasm_stats(r, &st);
	CHECK_INT(st.in_use, 2);
	sccp_reasm_expire(r, 1101 * MS, 1000 * MS);	/* the first is 1.001 s old */
	sccp_reasm_stats(r, &st);
	CHECK_INT(st.expired, 1);
	CHECK_INT(st.in_use, 1);
	v = seg(0, 0, 1, d2, sizeof(d2));
	CHECK_INT(sccp_reasm_add(r, 1, &v, 1102 * MS, &out), SF_E_SCCP_REASM_UNEXPECTED);
	v = seg(0, 0, 2, d2, sizeof(d2));
	CHECK_INT(sccp_reasm_add(r, 1, &v, 1102 * MS, &out), SF_OK);
	CHECK_INT(out.len, 7);
	sccp_reasm_stats(r, &st);
	CHECK_INT(st.completed, 1);
	sccp_reasm_destroy(r);
}

static void test_table_full(void)
{
	struct sccp_reasm *r = sccp_reasm_create(2, 64);
	struct sccp_reasm_stats st;
	struct sf_bytes out;
	struct sccp_view v;

	for (uint32_t lr = 1; lr <= 3; lr++) {
		v = seg(1, 1, lr, d1, sizeof(d1));
		CHECK_INT(sccp_reasm_add(r, 9, &v, lr * MS, &out), SF_OK);
	}
	sccp_reasm_stats(r, &st);
	CHECK_INT(st.evicted, 1);
	CHECK_INT(st.in_use, 2);
	/* the oldest (reference 1) was evicted; 2 and 3 complete */
	v = seg(0, 0, 1, d2, sizeof(d2));
	CHECK_INT(sccp_reasm_add(r, 9, &v, 4 * MS, &out), SF_E_SCCP_REASM_UNEXPECTED);
	v = seg(0, 0, 3, d2, sizeof(d2));
	CHECK_INT(sccp_reasm_add(r, 9, &v, 4 * MS, &out), SF_OK);
	CHECK_INT(out.len, 7);
	v = seg(0, 0, 2, d3, sizeof(d3));
	CHECK_INT(sccp_reasm_add(r, 9, &v, 4 * MS, &out), SF_OK);
	CHECK_INT(out.len, 5);
	sccp_reasm_stats(r, &st);
	CHECK_INT(st.completed, 2);
	CHECK_INT(st.in_use, 0);
	sccp_reasm_destroy(r);
}

static void test_edge_cases(void)
{
	struct sccp_reasm *r = sccp_reasm_create(2, 6);
	struct sccp_reasm_stats st;
	struct sf_bytes out;
	struct sccp_view v;

	CHECK(sccp_reasm_create(0, 10) == NULL);
	CHECK(sccp_reasm_create(10, 0) == NULL);
	/* no segmentation parameter: passes through */
	memset(&v, 0, sizeof(v));
	v.data = sf_bytes_make(d2, sizeof(d2));
	CHECK_INT(sccp_reasm_add(r, 1, &v, 0, &out), SF_OK);
	CHECK(out.p == d2);
	CHECK_INT(out.len, 4);
	/* a single segment (F, remaining 0) is complete */
	v = seg(1, 0, 1, d3, sizeof(d3));
	CHECK_INT(sccp_reasm_add(r, 1, &v, 0, &out), SF_OK);
	CHECK(out.p == d3);
	/* longer than max_msg_len (6) */
	v = seg(1, 1, 1, d2, sizeof(d2));
	CHECK_INT(sccp_reasm_add(r, 1, &v, 0, &out), SF_OK);
	v = seg(0, 0, 1, d1, sizeof(d1));
	CHECK_INT(sccp_reasm_add(r, 1, &v, 0, &out), SF_E_SCCP_REASM_TOO_LONG);
	CHECK(out.p == NULL);
	/* a repeated first segment restarts the message */
	v = seg(1, 1, 1, d3, sizeof(d3));
	CHECK_INT(sccp_reasm_add(r, 1, &v, 0, &out), SF_OK);
	v = seg(1, 1, 1, d2, sizeof(d2));
	CHECK_INT(sccp_reasm_add(r, 1, &v, 0, &out), SF_OK);
	v = seg(0, 0, 1, d3, sizeof(d3));
	CHECK_INT(sccp_reasm_add(r, 1, &v, 0, &out), SF_OK);
	CHECK_INT(out.len, 6);
	CHECK_MEM(out.p, ((const uint8_t[]){ 1, 2, 3, 4, 5, 6 }), 6);
	sccp_reasm_stats(r, &st);
	CHECK_INT(st.errors, 2);
	CHECK_INT(st.completed, 2);
	CHECK_INT(st.in_use, 0);
	sccp_reasm_destroy(r);
	sccp_reasm_destroy(NULL);
}

int main(void)
{
	RUN(test_in_order);
	RUN(test_interleaved_keys);
	RUN(test_missing_middle);
	RUN(test_timeout);
	RUN(test_table_full);
	RUN(test_edge_cases);
	return TEST_SUMMARY();
}
