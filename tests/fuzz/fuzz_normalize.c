/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target for norm_text and norm_urls: any bytes in; checks the
 * output contract (NUL-terminated, within cap, no NUL inside, valid UTF-8,
 * offset map non-decreasing and inside the input) and URL spans in bounds,
 * with a full-size and a truncating buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/normalize.h"

static int valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 :
			   (c & 0xF8) == 0xF0 ? 4 : 0;

		if (k == 0 || n - i < k)
			return 0;
		for (size_t j = 1; j < k; j++)
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
		i += k;
	}
	return 1;
}

static void one(const uint8_t *data, size_t size, size_t cap)
{
	char *out = malloc(cap ? cap : 1);
	uint32_t *map = malloc((cap ? cap : 1) * sizeof *map);
	struct norm_url u[8];
	size_t n;
	unsigned nu;

	n = norm_text((const char *)data, size, out, cap, map);
	if (cap == 0) {
		if (n != 0)
			abort();
		goto done;
	}
	if (n > cap - 1 || out[n] != '\0' || memchr(out, '\0', n) || !valid_utf8((unsigned char *)out, n))
		abort();
	for (size_t i = 0; i < n; i++)
		if (map[i] >= size || (i && map[i] < map[i - 1]))
			abort();
	if (map[n] != size)
		abort();
	nu = norm_urls(out, n, u, 8);
	for (unsigned i = 0; i < nu; i++)
		if ((size_t)u[i].off + u[i].len > n || u[i].host_off < u[i].off ||
		    (size_t)u[i].host_off + u[i].host_len > (size_t)u[i].off + u[i].len)
			abort();
done:
	free(out);
	free(map);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, NORM_CAP(size));
	one(data, size, size / 2 + 1);
	one(data, size, 0);
	return 0;
}
