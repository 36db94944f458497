/* SPDX-License-Identifier: BSD-3-Clause */
/* The concatenation key (issue 15 item 12): the parts of one message share
 * it whatever form the parties are written in and whichever reference IE
 * (8-bit or 16-bit) each part uses; another message does not. */
#include <string.h>

#include "engine/engine.h"
#include "sf_test.h"

static struct sf_sms part(uint16_t ref, uint8_t ref16, uint8_t total)
{
	struct sf_sms s;

	memset(&s, 0, sizeof s);
	s.has_concat = 1;
	s.concat_ref = ref;
	s.concat_ref16 = ref16;
	s.concat_total = total;
	return s;
}

static void test_same_message(void)
{
	struct sf_sms a = part(0x34, 0, 2), b = part(0x34, 1, 2);
	uint64_t k = sf_engine_concat_key(&a, "8613912345001", "8613700000001");

	/* 8-bit reference 0x34 and 16-bit reference 0x0034: one message */
	CHECK(sf_engine_concat_key(&b, "8613912345001", "8613700000001") == k);
	/* national and international forms of the recipient and sender */
	CHECK(sf_engine_concat_key(&b, "8613912345001", "13700000001") == k);
	CHECK(sf_engine_concat_key(&b, "+8613912345001", "008613700000001") == k);
	/* alphanumeric ids: case does not matter */
	CHECK(sf_engine_concat_key(&a, "ICBC", "8613700000001") ==
	      sf_engine_concat_key(&b, "icbc", "13700000001"));
}

static void test_other_messages(void)
{
	struct sf_sms a = part(0x34, 0, 2), c = part(0x35, 0, 2), d = part(0x34, 0, 3);
	uint64_t k = sf_engine_concat_key(&a, "8613912345001", "8613700000001");

	CHECK(sf_engine_concat_key(&c, "8613912345001", "8613700000001") != k);	/* reference */
	CHECK(sf_engine_concat_key(&d, "8613912345001", "8613700000001") != k);	/* total */
	CHECK(sf_engine_concat_key(&a, "8613912345002", "8613700000001") != k);	/* sender */
	CHECK(sf_engine_concat_key(&a, "8613912345001", "8613700000002") != k);	/* recipient */
	/* the parties are not interchangeable */
	CHECK(sf_engine_concat_key(&a, "8613700000001", "8613912345001") != k);
}

int main(void)
{
	RUN(test_same_message);
	RUN(test_other_messages);
	return TEST_SUMMARY();
}
