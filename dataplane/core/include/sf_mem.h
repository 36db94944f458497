/* SPDX-License-Identifier: BSD-3-Clause */
/* Memory for tables that are probed at random on the hot path.
 *
 * sf_big_alloc: n × sz zeroed bytes. From 1 MiB up, an anonymous mapping
 * of whole 2 MiB pages, 2 MiB aligned, that asks for transparent huge
 * pages (THP "madvise" mode is Debian's default) and is faulted in when it
 * is made: a table pays its faults at start-up instead of on its first
 * packets, and a random probe misses the TLB far less (one 2 MiB entry
 * instead of 512 of 4 KiB; in a VM a TLB miss is a two-dimensional page
 * walk, and a prefetch waits for it). Smaller sizes come from calloc.
 * NULL on overflow or when out of memory.
 *
 * sf_big_free: gives back what sf_big_alloc(n, sz) gave (p may be NULL);
 * n and sz must be the ones it was made with. */
#ifndef SF_MEM_H
#define SF_MEM_H

#include <stddef.h>

void *sf_big_alloc(size_t n, size_t sz);
void sf_big_free(void *p, size_t n, size_t sz);

#endif
