/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target for the SCCP decoder (ITU-T Q.713) and XUDT reassembly
 * (Q.714 §4.1.1.2): decodes the input as a message and as a party
 * address (and with the GT signals rendered later: the same view),
 * touches every view it returns, and feeds decoded segments
 * (and copies with a varied segmentation field) through a small table. */
#include <stdint.h>
#include <string.h>

#include "decode/sccp.h"
#include "flow/sccp_reasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned sink;

static void touch(struct sf_bytes b)
{
	unsigned s = 0;

	for (size_t i = 0; i < b.len; i++)
		s += b.p[i];
	sink += s;
}

static void touch_addr(const struct sccp_addr *a)
{
	sink += a->pc + a->ssn + a->gt.n_digits + (unsigned)strlen(a->gt.digits);
	touch(a->gt.raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sccp_view v;
	struct sccp_addr a;
	struct sccp_reasm *r;
	struct sccp_reasm_stats st;
	struct sf_bytes out;
	uint64_t key;

	if (sccp_addr_decode(data, size, &a) == SF_OK)
		touch_addr(&a);
	{
		/* decoded with the signals left for later, then filled: the same
		 * result and view */
		struct sccp_view l;
		enum sf_err e;

		/* the octets after the digits' terminator are left as they
		 * were: the same in both */
		memset(&v, 0x5A, sizeof(v));
		memset(&l, 0x5A, sizeof(l));
		e = sccp_decode(data, size, &v);

		if (sccp_decode_ex(data, size, &l, SCCP_DIGITS_LATER) != e)
			__builtin_trap();
		if (e != SF_OK)
			return 0;
		sccp_gt_fill(&l.called.gt);
		sccp_gt_fill(&l.calling.gt);
		if (memcmp(&l, &v, sizeof(v)))
			__builtin_trap();
	}
	touch_addr(&v.called);
	touch_addr(&v.calling);
	touch(v.data);

	key = sccp_reasm_key(0x0102, &v.calling);
	r = sccp_reasm_create(2, 256);
	if (!r)
		return 0;
	/* the message itself, then variations of its segmentation field as
	 * a sequence driven by the input bytes */
	for (size_t i = 0; i < size && i < 64; i++) {
		struct sccp_view s = v;
		uint8_t b = data[i];

		if (i > 0) {
			s.seg.present = 1;
			s.seg.first = b >> 7;
			s.seg.remaining = b & 0x0F;
			s.seg.local_ref = (b >> 4) & 3;
		}
		if (sccp_reasm_add(r, key + (b & 1), &s, i * 1000000ull, &out) == SF_OK && out.p)
			touch(out);
		if ((b & 0x70) == 0x70)
			sccp_reasm_expire(r, i * 1000000ull, 3000000ull);
	}
	sccp_reasm_stats(r, &st);
	sink += (unsigned)(st.completed + st.evicted + st.expired + st.errors + st.in_use);
	sccp_reasm_destroy(r);
	return 0;
}
