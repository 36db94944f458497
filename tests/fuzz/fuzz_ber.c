/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target for the BER TLV reader (ITU-T X.690 §8.1): decodes the
 * input as a TLV sequence and walks every constructed value recursively
 * (bounded), reading every value and decoding primitives as INTEGER. */
#include <stdint.h>

#include "decode/ber.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned sink;

static void walk(struct sf_bytes b, int depth)
{
	struct ber_iter it;
	struct ber_tlv t;
	int r;

	ber_iter_init(&it, b);
	while ((r = ber_iter_next(&it, &t)) == 1) {
		int32_t x;

		/* the TLV lies inside its parent and its value inside the TLV */
		if (t.total > b.len || t.value.len > t.total)
			__builtin_trap();
		for (size_t i = 0; i < t.value.len; i++)
			sink += t.value.p[i];
		sink += ber_cls(&t) + t.tag + t.indefinite;
		if (ber_constructed(&t) && depth < 32)
			walk(t.value, depth + 1);
		else if (!ber_constructed(&t) && ber_int32(t.value, &x) == SF_OK)
			sink += (unsigned)x;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ber_tlv t;

	if (ber_tlv_decode(data, size, &t) == SF_OK && t.total > size)
		__builtin_trap();
	walk(sf_bytes_make(data, size), 0);
	return 0;
}
