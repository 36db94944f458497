/* SPDX-License-Identifier: BSD-3-Clause */
/* The JSON writer (sf_json.c) against a byte-by-byte reference of RFC 8259
 * §7 escaping: random strings of every length up to 70 octets at every
 * offset, with controls, '"', '\\', DEL and UTF-8 mixed in, as values and
 * as keys; and every buffer size up to the whole line, where the writer
 * must flag the overflow and leave a NUL-terminated prefix of the line.
 * Numbers and hex ids as printf writes them. */
#include <stdio.h>
#include <string.h>

#include "sf_json.h"
#include "sf_test.h"

/* The reference: one octet at a time. */
static size_t ref_escape(const char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	out[o++] = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (c == '\r') {
			out[o++] = '\\';
			out[o++] = 'r';
		} else if (c == '\t') {
			out[o++] = '\\';
			out[o++] = 't';
		} else if (c < 0x20 || c == 0x7F) {
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[c >> 4];
			out[o + 5] = hex[c & 15];
			o += 6;
		} else {
			out[o++] = (char)c;
		}
	}
	out[o++] = '"';
	out[o] = 0;
	return o;
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* An octet as log text has them: mostly plain or UTF-8, some to escape. */
static char rnd_octet(void)
{
	static const char special[] = { '"', '\\', '\n', '\r', '\t', 0x01, 0x1F, 0x7F, 0x00 };
	unsigned k = rnd(10);

	if (k == 0)
		return special[rnd(sizeof(special))];
	if (k < 4)
		return (char)(0x80 + rnd(0x80));	/* UTF-8 lead and continuation octets */
	return (char)(0x20 + rnd(0x5F));		/* printable ASCII, DEL excluded */
}

static void test_values_and_keys(void)
{
	char src[96 + 16], want[1024], got[1024], key[80];
	unsigned bad = 0;

	for (unsigned round = 0; round < 20000; round++) {
		size_t n = rnd(71), off = rnd(16), wl, kl;
		struct sf_json j;

		for (size_t i = 0; i < n; i++)
			src[off + i] = rnd_octet();
		/* {"k":"v"}: the key without NULs (a C string) */
		for (kl = 0; kl < n && kl < sizeof(key) - 1; kl++)
			key[kl] = src[off + kl] ? src[off + kl] : 'x';
		key[kl] = 0;
		want[0] = '{';
		wl = 1 + ref_escape(key, kl, want + 1);
		want[wl++] = ':';
		wl += ref_escape(src + off, n, want + wl);
		want[wl++] = '}';
		want[wl] = 0;

		sf_json_init(&j, got, sizeof(got));
		sf_json_begin(&j);
		sf_json_strn(&j, key, src + off, n);
		sf_json_end(&j);
		if (j.overflow || j.len != wl || memcmp(got, want, wl + 1) != 0)
			bad++;
	}
	CHECK(bad == 0);
}

/* A short line with every kind of escape, into buf[0..cap). */
static int short_line(char *buf, size_t cap, size_t *len)
{
	const char *text = "\xe4\xb8\xad\xe5\x9b\xbd \"quoted\" back\\slash\x01 tab\t \xe6\x96\x87\xe5\xad\x97";
	struct sf_json j;

	sf_json_init(&j, buf, cap);
	sf_json_begin(&j);
	sf_json_str(&j, "text", text);
	sf_json_uint(&j, "n", 1234567890123ull);
	sf_json_int(&j, "neg", -42);
	sf_json_bool(&j, "b", 1);
	sf_json_end(&j);
	*len = j.len;
	return j.overflow;
}

static void test_overflow_prefix(void)
{
	char want[512], got[512];
	size_t wl, gl;
	unsigned bad = 0;

	CHECK(!short_line(want, sizeof(want), &wl));
	CHECK(strcmp(want, "{\"text\":\"\xe4\xb8\xad\xe5\x9b\xbd \\\"quoted\\\" back\\\\slash\\u0001 tab\\t "
			   "\xe6\x96\x87\xe5\xad\x97\",\"n\":1234567890123,\"neg\":-42,\"b\":true}") == 0);
	for (size_t cap = 1; cap <= wl + 1; cap++) {
		int overflow;

		memset(got, 'Z', sizeof(got));
		overflow = short_line(got, cap, &gl);
		/* the whole line needs wl + 1 octets; anything less overflows,
		 * and what was written is a terminated prefix of the line */
		if (overflow != (cap < wl + 1) || strlen(got) >= cap || strncmp(got, want, strlen(got)) != 0 ||
		    got[cap] != 'Z')
			bad++;
	}
	CHECK(bad == 0);
}

static void test_hex_u64(void)
{
	char got[64], want[64];
	unsigned bad = 0;

	for (unsigned round = 0; round < 20000; round++) {
		uint64_t v = (uint64_t)rnd(1u << 31) << 33 ^ (uint64_t)rnd(1u << 31) << 2 ^ rnd(4);
		unsigned digits = round % 2 ? 16 : 8;
		struct sf_json j;

		if (round % 7 == 0)
			v >>= rnd(64);
		sf_json_init(&j, got, sizeof(got));
		sf_json_begin(&j);
		sf_json_hex_u64(&j, "fp", v, digits);
		sf_json_end(&j);
		if (digits == 16)
			snprintf(want, sizeof(want), "{\"fp\":\"%016llx\"}", (unsigned long long)v);
		else
			snprintf(want, sizeof(want), "{\"fp\":\"%08x\"}", (unsigned)v);
		if (strcmp(got, want) != 0)
			bad++;
	}
	CHECK(bad == 0);
}

static void test_numbers(void)
{
	static const uint64_t u[] = { 0, 9, 10, 99, 100, 101, 999, 1000, 65535, 4294967295ull,
				      1733575200123456789ull, 18446744073709551615ull };
	char got[64], want[64];

	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		struct sf_json j;

		sf_json_init(&j, got, sizeof(got));
		sf_json_begin(&j);
		sf_json_uint(&j, "u", u[i]);
		sf_json_int(&j, "i", -(int64_t)(u[i] >> 1));
		sf_json_end(&j);
		snprintf(want, sizeof(want), "{\"u\":%llu,\"i\":%lld}", (unsigned long long)u[i],
			 -(long long)(u[i] >> 1));
		CHECK(strcmp(got, want) == 0);
	}
	/* every length: the powers of ten and their neighbours (zeros and
	 * nines inside the groups of eight), and random numbers of every
	 * length, against printf */
	{
		uint64_t p10 = 1;
		int bad = 0;

		for (int d = 0; d < 20; d++, p10 *= 10) {
			uint64_t c[] = { p10 - 1, p10, p10 + 1, p10 * 9 + (p10 - 1), p10 + p10 / 2 };

			for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
				char t[SF_DEC_U64], *q = sf_dec_u64(t, c[k]);

				snprintf(want, sizeof(want), "%llu", (unsigned long long)c[k]);
				bad += (size_t)(t + SF_DEC_U64 - q) != strlen(want) ||
				       memcmp(q, want, strlen(want)) != 0;
			}
		}
		for (int n = 0; n < 200000; n++) {
			uint64_t v = ((uint64_t)rnd(1u << 31) << 33 ^ (uint64_t)rnd(1u << 31) << 2 ^ rnd(4)) >>
				     rnd(64);
			char t[SF_DEC_U64], *q = sf_dec_u64(t, v);

			snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
			bad += (size_t)(t + SF_DEC_U64 - q) != strlen(want) ||
			       memcmp(q, want, strlen(want)) != 0;
		}
		CHECK(bad == 0);
	}
}

/* One line of every kind of field; P is the prefix of the forms that
 * write it: sf_json_ (run-time keys) or sf_json_k_ (compiled keys). */
#define WRITE_LINE(P, j, text, u, i, data, dn) do { \
	P##uint(j, "frame", u); \
	P##str(j, "text", text); \
	P##str(j, "none", NULL); \
	P##int(j, "dcs", i); \
	P##obj_begin(j, "concat"); \
	P##uint(j, "ref", (u) & 0xFFFF); \
	P##bool(j, "last", (int)((u) & 1)); \
	sf_json_obj_end(j); \
	P##null(j, "nothing"); \
	P##hex(j, "data_hex", data, dn); \
	P##arr_begin(j, "hits"); \
	sf_json_uint(j, NULL, (u) % 7); \
	sf_json_uint(j, NULL, (u) % 11); \
	sf_json_arr_end(j); \
	P##hex_u64(j, "fp", u, 16); \
	P##strn(j, "prefix", text, strlen(text) / 2); \
} while (0)

/* One line written with run-time keys and with compiled ones. */
static size_t line(char *buf, size_t cap, int compiled, const char *text, uint64_t u, int64_t i,
		   const uint8_t *data, size_t dn, int *overflow)
{
	struct sf_json j;

	sf_json_init(&j, buf, cap);
	sf_json_begin(&j);
	if (compiled)
		WRITE_LINE(sf_json_k_, &j, text, u, i, data, dn);
	else
		WRITE_LINE(sf_json_, &j, text, u, i, data, dn);
	sf_json_end(&j);
	*overflow = j.overflow;
	return j.len;
}

static void test_compiled_keys(void)
{
	char text[64], a[1024], b[1024];
	uint8_t data[16];
	unsigned bad = 0;

	for (unsigned round = 0; round < 5000; round++) {
		size_t n = rnd(40), la, lb, dn;
		uint64_t u = (uint64_t)rnd(1u << 30) << 30 ^ rnd(1u << 30);
		int64_t i = (int64_t)rnd(1u << 20) - (1 << 19);
		int oa, ob;

		for (size_t k = 0; k < n; k++) {
			text[k] = rnd_octet();
			if (!text[k])
				text[k] = 'x';
		}
		text[n] = 0;
		for (size_t k = 0; k < sizeof(data); k++)
			data[k] = (uint8_t)rnd(256);
		dn = rnd(sizeof(data) + 1);
		la = line(a, sizeof(a), 0, text, u, i, data, dn, &oa);
		lb = line(b, sizeof(b), 1, text, u, i, data, dn, &ob);
		if (oa || ob || la != lb || strcmp(a, b) != 0)
			bad++;
		/* a short buffer: both overflow, the compiled keys leave a
		 * terminated prefix of the line */
		{
			size_t cap = 1 + rnd((unsigned)la);
			char c[1024];

			memset(c, 'Z', sizeof(c));
			line(c, cap, 1, text, u, i, data, dn, &ob);
			if (!ob || strlen(c) >= cap || strncmp(c, a, strlen(c)) != 0 || c[cap] != 'Z')
				bad++;
		}
	}
	CHECK(bad == 0);
}

int main(void)
{
	RUN(test_values_and_keys);
	RUN(test_overflow_prefix);
	RUN(test_hex_u64);
	RUN(test_numbers);
	RUN(test_compiled_keys);
	return TEST_SUMMARY();
}
