/* SPDX-License-Identifier: BSD-3-Clause */
/* GeoIP country lookups for the policy engine's geo step through
 * libmaxminddb (MaxMind DB format 2.0): one immutable opened database per
 * generation, read concurrently by every lcore (libmaxminddb lookups only
 * read the mapped file), replaced through RCU on reload. */
#ifndef POLICY_GEO_H
#define POLICY_GEO_H

#include <stddef.h>
#include <stdint.h>

struct policy_geo;

/* Open path (mmap). NULL with "path: reason" in err. */
struct policy_geo *policy_geo_open(const char *path, char *err, size_t errlen);
void policy_geo_close(struct policy_geo *g);

/* Country of an address: family 4 (4 bytes) or 6 (16 bytes). Writes the
 * ISO 3166-1 alpha-2 code of "country" (else "registered_country") into
 * cc and returns 1; 0 when the address is not in the database or has no
 * country; -1 on a lookup error. */
int policy_geo_country(const struct policy_geo *g, int family, const uint8_t *addr, char cc[3]);

#endif
