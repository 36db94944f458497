/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz IP fragment reassembly (flow/ip_reasm.c): the input is a sequence
 * of fragments [id (1)][offset in 8-byte units (2, BE)][more (1)][len (1)]
 * [payload]; a completed datagram must be non-empty, at most
 * IP_REASM_MAX_LEN bytes, and readable. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow/ip_reasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ip_reasm *r;
	volatile uint8_t sink = 0;
	size_t off = 0;
	uint64_t now = 0;

	if (!r && !(r = ip_reasm_create(4)))
		abort();
	ip_reasm_expire(r, UINT64_MAX, 0);	/* each input starts empty */
	while (size - off >= 5) {
		struct l2l3_view v;
		struct sf_bytes out;
		size_t n = data[off + 4];

		memset(&v, 0, sizeof v);
		v.ip_version = (data[off] & 0x80) ? 6 : 4;
		v.l4_proto = 132;
		v.is_fragment = 1;
		v.frag_id = data[off] & 7;
		v.frag_offset = (uint16_t)(data[off + 1] << 8 | data[off + 2]) & 0x1FFF;
		v.frag_more = data[off + 3] & 1;
		off += 5;
		if (n > size - off)
			n = size - off;
		v.l4 = sf_bytes_make(data + off, n);
		off += n;
		now += 1000;
		(void)ip_reasm_add(r, &v, now, &out);
		if (out.p) {
			if (out.len == 0 || out.len > IP_REASM_MAX_LEN)
				abort();
			for (size_t i = 0; i < out.len; i++)
				sink ^= out.p[i];
		}
	}
	(void)sink;
	return 0;
}
