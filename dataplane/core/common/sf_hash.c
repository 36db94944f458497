/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-process secret of sf_hash.h, drawn from the kernel's CSPRNG
 * (getrandom(2)) before main() runs, so that every table keyed with it
 * sees one secret for the life of the process. */
#include "sf_hash.h"

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

struct sf_hash_key sf_hash_secret = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };

void sf_hash_set_secret(uint64_t k0, uint64_t k1)
{
	sf_hash_secret.k0 = k0;
	sf_hash_secret.k1 = k1;
}

__attribute__((constructor)) static void sf_hash_seed(void)
{
	uint64_t k[2];
	size_t got = 0;

	while (got < sizeof(k)) {
		ssize_t n = getrandom((uint8_t *)k + got, sizeof(k) - got, 0);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < sizeof(k)) {
		/* no CSPRNG (very old kernel, seccomp): weaker, never fatal */
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		k[0] = sf_mix64((uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 32 ^ (uint64_t)getpid());
		k[1] = sf_mix64(k[0] ^ (uint64_t)(uintptr_t)&got);
	}
	sf_hash_set_secret(k[0], k[1]);
}
