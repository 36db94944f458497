/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target for the dataplane's event journal reader (control/dpjournal.h):
 * a journal file is read back after a crash, so any bytes must decode to
 * records that lie inside the input and re-encode to the same bytes, or
 * stop with -1; never a read past the end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dpjournal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t again[SFJ_HDR + SFJ_PAYLOAD_MAX];
	struct sfj_record rec;
	size_t off = 0, prev = 0;
	int rc;

	while ((rc = sfj_next(data, size, &off, &rec)) == 1) {
		char id[160];
		size_t n;

		if (off <= prev || off > size || rec.id < (const char *)data + prev ||
		    rec.event + rec.event_len != data + off || rec.id_len == 0 || rec.id_len > 159)
			abort();
		memcpy(id, rec.id, rec.id_len);
		id[rec.id_len] = 0;
		/* an id with a NUL inside re-encodes shorter: only compare clean ones */
		if (strlen(id) == rec.id_len) {
			n = sfj_encode(again, sizeof(again), id, rec.event, rec.event_len);
			if (n != off - prev || memcmp(again, data + prev, n))
				abort();
		}
		prev = off;
	}
	if (rc == 0 && off != size)
		abort();
	if (rc < 0 && off != prev)
		abort();
	return 0;
}
