/* SPDX-License-Identifier: BSD-3-Clause */
/* CRC32c for SCTP (RFC 9260 §6.8). */
#ifndef SF_CRC32C_H
#define SF_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Raw reflected CRC32c update; start with 0xFFFFFFFF, finish with ~. */
uint32_t sf_crc32c_update(uint32_t crc, const uint8_t *p, size_t len);

/* The checksum of an SCTP packet (common header + chunks) as it must appear
 * in the header, computed as if the checksum field were zero. The value is
 * in host order; the wire carries its bytes little-endian first, i.e. write
 * it with (v & 0xFF) at offset 8 ... (v >> 24) at offset 11. */
uint32_t sf_sctp_checksum(const uint8_t *pkt, size_t len);

#endif
