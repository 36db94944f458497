/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target for SCTP user-message reassembly. The input is a script of
 * fragments, each: flags(1) key(1) sid(1) ssn/mid(1) tsn/fsn step(1)
 * len(1) then len payload bytes; flags bit 0x80 makes it I-DATA, 0x40
 * runs an expiry first. Checks the bounds the API promises. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "flow/sctp_reasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_MSGS 4
#define MAX_LEN 200

static volatile uint8_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sctp_reasm *r = sctp_reasm_create(MAX_MSGS, MAX_LEN);
	struct sctp_reasm_stats st;
	uint32_t tsn = 0xfffffff0u;	/* crosses the 2^32 wrap */
	uint64_t now = 0;
	size_t off = 0;

	if (!r)
		return 0;
	while (size - off >= 6) {
		const uint8_t *h = data + off;
		struct sctp_data_view d;
		struct sf_bytes out;
		size_t len = h[5];

		off += 6;
		if (len > size - off)
			len = size - off;
		memset(&d, 0, sizeof d);
		d.flags = h[0] & 0x0f;
		d.sid = h[2] & 3;
		tsn += (uint32_t)(int8_t)h[4];
		d.tsn = tsn;
		if (h[0] & 0x80) {
			d.type = SF_SCTP_I_DATA;
			d.mid = h[3] & 7;
			d.fsn = (d.flags & SF_SCTP_DATA_FLAG_B) ? 0 : (uint32_t)(h[4] & 15);
			d.ppid = (d.flags & SF_SCTP_DATA_FLAG_B) ? 3 : 0;
		} else {
			d.type = SF_SCTP_DATA;
			d.ssn = h[3] & 7;
			d.ppid = 3;
		}
		d.payload = sf_bytes_make(data + off, len);
		off += len;
		now += 1000;
		if (h[0] & 0x40)
			sctp_reasm_expire(r, now, 5000);
		sctp_reasm_add(r, h[1] & 3, &d, now, &out);
		if (out.p) {
			uint8_t x = 0;

			if (out.len == 0 || out.len > MAX_LEN ||
			    sctp_reasm_last(r)->n_frags == 0 ||
			    sctp_reasm_last(r)->n_frags > MAX_LEN / (1 + SCTP_REASM_FRAG_OVERHEAD) + 1)
				__builtin_trap();
			for (size_t i = 0; i < out.len; i++)
				x ^= out.p[i];
			sink ^= x;
		} else if (out.len != 0) {
			__builtin_trap();
		}
		sctp_reasm_stats(r, &st);
		if (st.in_use > MAX_MSGS)
			__builtin_trap();
	}
	sctp_reasm_expire(r, UINT64_MAX, 0);
	sctp_reasm_stats(r, &st);
	if (st.in_use != 0)
		__builtin_trap();
	sctp_reasm_destroy(r);
	return 0;
}
