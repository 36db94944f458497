/* SPDX-License-Identifier: BSD-3-Clause */
/* CRC32c (sf_crc32c.h): the published check values (RFC 3720 §B.4, the
 * CRC catalogue's "123456789"), and every length from 0 to 1,100 bytes at
 * every alignment, from several starting values and split at every
 * place, against a bit-at-a-time reference written from the definition;
 * the long lengths go through the three interleaved chains and their
 * join, the short ones through one chain. */
#include "sf_crc32c.h"
#include "sf_test.h"

/* reflected polynomial 0x82F63B78, one bit at a time */
static uint32_t ref_update(uint32_t c, const uint8_t *p, size_t n)
{
	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
	}
	return c;
}

static uint32_t crc(const uint8_t *p, size_t n)
{
	return ~sf_crc32c_update(0xFFFFFFFFu, p, n);
}

static void check_values(void)
{
	uint8_t b[32];

	memset(b, 0, sizeof(b));
	CHECK_INT(crc(b, 32), 0x8A9136AAu);	/* RFC 3720 B.4: 32 bytes of zeros */
	memset(b, 0xFF, sizeof(b));
	CHECK_INT(crc(b, 32), 0x62A8AB43u);	/* 32 bytes of ones */
	for (int i = 0; i < 32; i++)
		b[i] = (uint8_t)i;
	CHECK_INT(crc(b, 32), 0x46DD794Eu);	/* incrementing */
	for (int i = 0; i < 32; i++)
		b[i] = (uint8_t)(31 - i);
	CHECK_INT(crc(b, 32), 0x113FDB5Cu);	/* decrementing */
	CHECK_INT(crc((const uint8_t *)"123456789", 9), 0xE3069283u);
	CHECK_INT(crc(b, 0), 0);
}

static void every_length_and_alignment(void)
{
	static uint8_t buf[1100 + 8];
	static const uint32_t starts[] = { 0xFFFFFFFFu, 0, 0x12345678u, 0x80000001u };
	uint64_t x = 0x9E3779B97F4A7C15ull;
	int bad = 0;

	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	for (size_t len = 0; len <= 1100; len++)
		for (size_t al = 0; al < 8; al++)
			for (size_t s = 0; s < sizeof(starts) / sizeof(starts[0]); s++)
				if (sf_crc32c_update(starts[s], buf + al, len) !=
				    ref_update(starts[s], buf + al, len) && bad++ < 5)
					fprintf(stderr, "length %zu, offset %zu, start %08x: differs\n",
						len, al, starts[s]);
	CHECK_INT(bad, 0);
}

static void split_anywhere(void)
{
	static uint8_t buf[700];
	uint32_t whole;
	int bad = 0;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	whole = sf_crc32c_update(0xFFFFFFFFu, buf, sizeof(buf));
	CHECK_INT(whole, ref_update(0xFFFFFFFFu, buf, sizeof(buf)));
	for (size_t cut = 0; cut <= sizeof(buf); cut++) {
		uint32_t c = sf_crc32c_update(0xFFFFFFFFu, buf, cut);

		if (sf_crc32c_update(c, buf + cut, sizeof(buf) - cut) != whole)
			bad++;
	}
	CHECK_INT(bad, 0);
}

int main(void)
{
	RUN(check_values);
	RUN(every_length_and_alignment);
	RUN(split_anywhere);
	return TEST_SUMMARY();
}
