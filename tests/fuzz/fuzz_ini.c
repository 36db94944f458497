/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target for the INI lint (sf_ini.h) that smsfw and smsfw-controld
 * run over a configuration file's raw bytes: it never reads outside the
 * input, a refusal always names "fuzz:LINE:" with LINE within the input's
 * line count, and an input with a NUL byte is always refused. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	char *copy = malloc(size ? size : 1);	/* exactly size bytes: ASan sees an overread */
	unsigned long lines = 1, line;
	int rc;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	err[0] = 0;
	rc = sf_ini_lint(copy, size, "fuzz", err, sizeof(err));
	if (rc != 0) {
		if (rc != -1 || sscanf(err, "fuzz:%lu:", &line) != 1 || line < 1 || line > lines)
			abort();
	} else if (memchr(data, 0, size)) {
		abort();
	}
	free(copy);
	return 0;
}
