/* SPDX-License-Identifier: BSD-3-Clause */
/* IP fragment reassembly (issue 15 item 3): in any order, exact duplicates
 * ignored, overlaps drop the datagram (RFC 5722), bounded by bytes. */
#include <string.h>

#include "flow/ip_reasm.h"
#include "sf_test.h"

static struct l2l3_view frag(uint32_t id, uint16_t off8, int more, const char *pay)
{
	struct l2l3_view v;

	memset(&v, 0, sizeof v);
	v.ip_version = 4;
	v.src[0] = 10, v.dst[0] = 10, v.dst[3] = 2;
	v.l4_proto = 132;
	v.is_fragment = 1;
	v.frag_id = id;
	v.frag_offset = off8;
	v.frag_more = (uint8_t)more;
	v.l4 = sf_bytes_make((const uint8_t *)pay, strlen(pay));
	return v;
}

static void test_orders_and_errors(void)
{
	struct ip_reasm *r = ip_reasm_create(4);
	struct sf_bytes out;
	struct l2l3_view a = frag(7, 0, 1, "01234567"), b = frag(7, 1, 1, "89abcdef"), c = frag(7, 2, 0, "xyz");

	CHECK(r != NULL);
	/* last first, then the middle, a duplicate, then the first */
	CHECK_INT(ip_reasm_add(r, &c, 0, &out), SF_OK);
	CHECK(out.p == NULL);
	CHECK_INT(ip_reasm_add(r, &b, 0, &out), SF_OK);
	CHECK_INT(ip_reasm_add(r, &b, 0, &out), SF_OK);	/* exact duplicate: ignored */
	CHECK(out.p == NULL);
	CHECK_INT(ip_reasm_add(r, &a, 0, &out), SF_OK);
	CHECK_INT(out.len, 19);
	CHECK(out.p && memcmp(out.p, "0123456789abcdefxyz", 19) == 0);
	/* an overlap that differs drops the datagram */
	{
		struct l2l3_view o = frag(8, 0, 1, "AAAAAAAAAAAAAAAA"), p = frag(8, 1, 0, "BBBBBBBB");

		CHECK_INT(ip_reasm_add(r, &o, 0, &out), SF_OK);
		CHECK_INT(ip_reasm_add(r, &p, 0, &out), SF_E_FLOW_IP_FRAG_OVERLAP);
		CHECK_INT(ip_reasm_add(r, &a, 0, &out), SF_OK);	/* id 7 again: a new datagram */
		CHECK(out.p == NULL);
	}
	/* a non-final fragment not a multiple of 8; beyond 65,535 bytes */
	{
		struct l2l3_view odd = frag(9, 0, 1, "abc"), far = frag(10, 8191, 0, "0123456789");

		CHECK_INT(ip_reasm_add(r, &odd, 0, &out), SF_E_FLOW_IP_FRAG_BAD);
		CHECK_INT(ip_reasm_add(r, &far, 0, &out), SF_E_FLOW_IP_FRAG_TOO_LONG);
	}
	/* expiry */
	{
		struct l2l3_view x = frag(11, 0, 1, "01234567");

		CHECK_INT(ip_reasm_add(r, &x, 100, &out), SF_OK);
		CHECK(ip_reasm_expire(r, 10000, 50) >= 1);
	}
	ip_reasm_destroy(r);
}

int main(void)
{
	RUN(test_orders_and_errors);
	return TEST_SUMMARY();
}
