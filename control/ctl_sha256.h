/* SPDX-License-Identifier: BSD-3-Clause */
/* SHA-256 (FIPS 180-4) for naming rule bundles and generation bodies. */
#ifndef CTL_SHA256_H
#define CTL_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* hex: 65 bytes, lowercase, NUL-terminated */
void ctl_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
