/* SPDX-License-Identifier: BSD-3-Clause */
/* The generator's PRNG: xoshiro256** (Blackman & Vigna 2018) seeded with
 * splitmix64, so that one seed gives the same capture everywhere. */
#include "gen.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void rng_seed(struct gen_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

void rng_digits(struct gen_rng *r, char *out, unsigned n)
{
	uint64_t v = rng_next(r);
	unsigned left = 19;

	for (unsigned i = 0; i < n; i++) {
		if (!left) {
			v = rng_next(r);
			left = 19;
		}
		out[i] = (char)('0' + v % 10);
		v /= 10;
		left--;
	}
	out[n] = 0;
}
