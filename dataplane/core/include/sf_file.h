/* SPDX-License-Identifier: BSD-3-Clause */
/* Whole-file reads for the loaders (rule bundles, models, lists): one
 * place that sizes, bounds and reads a file. */
#ifndef SF_FILE_H
#define SF_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Read all of path into a new buffer (NUL-terminated, so text loaders may
 * treat it as a string; *len excludes the NUL). Files above max bytes are
 * refused. NULL with "path: reason" in err on any failure; the caller
 * frees the buffer. */
uint8_t *sf_file_read(const char *path, size_t max, size_t *len, char *err, size_t errlen);

#endif
