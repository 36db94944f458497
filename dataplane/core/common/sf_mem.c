/* SPDX-License-Identifier: BSD-3-Clause */
/* Huge-page backed table memory (sf_mem.h). */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "sf_mem.h"

#define BIG_PAGE ((size_t)2 << 20)	/* a huge page */
#define BIG_FROM ((size_t)1 << 20)	/* from here a table gets (rounded up to) huge pages */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14 */
#endif

static size_t big_len(size_t n, size_t sz)
{
	size_t b = n * sz;

	return b < BIG_FROM ? b : (b + BIG_PAGE - 1) & ~(BIG_PAGE - 1);
}

void *sf_big_alloc(size_t n, size_t sz)
{
	size_t b, map;
	uint8_t *p, *a;

	if (sz && n > SIZE_MAX / sz / 2)
		return NULL;
	b = big_len(n, sz);
	if (b < BIG_FROM)
		return calloc(n, sz);
	/* 2 MiB aligned: map one huge page more, give back head and tail */
	map = b + BIG_PAGE;
	p = mmap(NULL, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = (uint8_t *)(((uintptr_t)p + BIG_PAGE - 1) & ~(uintptr_t)(BIG_PAGE - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + b < p + map)
		munmap(a + b, (size_t)(p + map - (a + b)));
	(void)madvise(a, b, MADV_HUGEPAGE);
	if (madvise(a, b, MADV_POPULATE_WRITE) != 0)
		for (size_t i = 0; i < b; i += 4096)	/* older kernels */
			((volatile uint8_t *)a)[i] = 0;
	return a;
}

void sf_big_free(void *p, size_t n, size_t sz)
{
	if (!p)
		return;
	if (big_len(n, sz) < BIG_FROM)
		free(p);
	else
		munmap(p, big_len(n, sz));
}
