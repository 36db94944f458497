/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz the path table's state file (flow/sctp_paths.c, [flow] paths_state):
 * the input is the file. When its first byte is odd its last 4 bytes are
 * replaced by the right CRC32c, so the fuzzer gets past the checksum to the
 * records. A file import takes must export again to a file import takes
 * (a small table: associations evicted on the way), and the checking-only
 * import must agree with the real one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow/sctp_paths.h"
#include "sf_bytes.h"
#include "sf_crc32c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sctp_paths *t, *t2;
	uint8_t *buf, *ex;
	char err[128];
	size_t need;
	int rc;

	if (size < 1)
		return 0;
	buf = malloc(size);	/* exactly size bytes, so ASan sees any over-read */
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if ((buf[0] & 1) && size >= 4)
		sf_wr32(buf + size - 4, ~sf_crc32c_update(0xFFFFFFFFu, buf, size - 4));
	t = sctp_paths_create(16);
	t2 = sctp_paths_create(16);
	if (!t || !t2)
		abort();
	rc = sctp_paths_import(t, buf, size, 1, err, sizeof(err));
	if (rc != sctp_paths_import(NULL, buf, size, 1, err, sizeof(err)))
		abort();	/* checking alone must say what importing says */
	if (rc == 0) {
		need = sctp_paths_export(t, NULL, 0);
		ex = malloc(need);
		if (!ex)
			abort();
		if (sctp_paths_export(t, ex, need) != need || sctp_paths_import(t2, ex, need, 2, err, sizeof(err)))
			abort();	/* what was taken must export to a valid file */
		free(ex);
	}
	sctp_paths_destroy(t);
	sctp_paths_destroy(t2);
	free(buf);
	return 0;
}
