/* SPDX-License-Identifier: BSD-3-Clause */
/* JSON object writer (RFC 8259 §7 string escaping). */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "sf_json.h"

static void put(struct sf_json *j, const char *s, size_t n)
{
	if (j->overflow)
		return;
	if (j->cap - j->len < n + 1) {	/* keep room for the final NUL */
		j->overflow = 1;
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = 0;
}

static void putc1(struct sf_json *j, char c)
{
	if (j->overflow)
		return;
	if (j->cap - j->len < 2) {
		j->overflow = 1;
		return;
	}
	j->buf[j->len++] = c;
	j->buf[j->len] = 0;
}

static const char hex[] = "0123456789abcdef";

/* Bytes that need escaping (RFC 8259 §7): controls, '"', '\\', DEL. */
static const uint8_t needs_escape[256] = {
	[0 ... 0x1F] = 1, ['"'] = 1, ['\\'] = 1, [0x7F] = 1,
};

/* Whether one of the eight octets of x needs escaping: a control
 * (hasless(x, 0x20)), '"', '\\' or DEL (haszero of x xor the octet), as in
 * Anderson's "Bit Twiddling Hacks"; exact about whether, not where. */
static int word_needs_escape(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\'), d = x ^ (ones * 0x7F);

	return ((((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b) |
		 ((d - ones) & ~d)) & high) != 0;
}

static uint64_t load64(const char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

static uint32_t load32(const char *p)
{
	uint32_t x;

	memcpy(&x, p, 4);
	return x;
}

/* Where the first byte of s[i..n) that needs escaping is, or n. Sixteen
 * bytes a step with SSE2 (every x86-64 has it), then the rest as two
 * overlapping words: a log line's keys, numbers and ids are short plain
 * ASCII and its text mostly UTF-8 ideographs, so nearly every string is
 * found plain without a loop over its octets. */
static size_t next_escape(const char *s, size_t i, size_t n)
{
	size_t r;

#ifdef __SSE2__
	const __m128i ctl = _mm_set1_epi8(0x1F), quote = _mm_set1_epi8('"'),
		      bsl = _mm_set1_epi8('\\'), del = _mm_set1_epi8(0x7F);

	for (; i + 16 <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		/* x <= 0x1F unsigned: max(x, 0x1F) == 0x1F */
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(x, ctl), ctl),
						      _mm_cmpeq_epi8(x, quote)),
					 _mm_or_si128(_mm_cmpeq_epi8(x, bsl), _mm_cmpeq_epi8(x, del)));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);

		if (bits)
			return i + (size_t)__builtin_ctz(bits);
	}
#else
	for (; i + 16 <= n; i += 8)
		if (word_needs_escape(load64(s + i)))
			goto scan;
#endif
	r = n - i;
	if (r >= 8) {
		/* up to sixteen: the first and the last eight, overlapping */
		if (!word_needs_escape(load64(s + i)) && !word_needs_escape(load64(s + n - 8)))
			return n;
	} else if (r >= 4) {
		/* four to seven: the first and the last four */
		if (!word_needs_escape((uint64_t)load32(s + i) << 32 | load32(s + n - 4)))
			return n;
	}
#ifndef __SSE2__
scan:
#endif
	for (; i < n; i++)
		if (needs_escape[(unsigned char)s[i]])
			return i;
	return n;
}

/* "s" at once, s known to need no escaping; 0 if it does not fit (the
 * caller then writes it piece by piece, which flags the overflow). */
static int put_quoted(struct sf_json *j, const char *s, size_t n)
{
	char *d;

	if (j->overflow || j->cap - j->len < n + 3)
		return 0;
	d = j->buf + j->len;
	d[0] = '"';
	memcpy(d + 1, s, n);
	d[n + 1] = '"';
	d[n + 2] = 0;
	j->len += n + 2;
	return 1;
}

static void put_escaped(struct sf_json *j, const char *s, size_t n)
{
	size_t i = 0, k = next_escape(s, 0, n);

	/* nothing to escape (nearly every value) */
	if (k == n && put_quoted(j, s, n))
		return;
	putc1(j, '"');
	for (; k < n; k = next_escape(s, i, n)) {
		unsigned char c = (unsigned char)s[k];

		/* the plain bytes before this one in one go */
		put(j, s + i, k - i);
		i = k + 1;
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			put(j, e, 2);
		} else if (c == '\n') {
			put(j, "\\n", 2);
		} else if (c == '\r') {
			put(j, "\\r", 2);
		} else if (c == '\t') {
			put(j, "\\t", 2);
		} else {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			put(j, e, 6);
		}
	}
	put(j, s + i, n - i);
	putc1(j, '"');
}

static const char d2[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Eight digits of v < 10^8 ending at p, leading zeros kept: four pairs in
 * 32-bit arithmetic. */
static void dec8(char *p, uint32_t v)
{
	uint32_t hi = v / 10000, lo = v % 10000;

	memcpy(p - 8, d2 + 2 * (hi / 100), 2);
	memcpy(p - 6, d2 + 2 * (hi % 100), 2);
	memcpy(p - 4, d2 + 2 * (lo / 100), 2);
	memcpy(p - 2, d2 + 2 * (lo % 100), 2);
}

char *sf_dec_u64(char t[SF_DEC_U64], uint64_t v)
{
	char *p = t + SF_DEC_U64;
	uint32_t w;

	/* whole groups of eight while the number is longer (a time in ns
	 * has nineteen digits), then the rest two at a time */
	while (v >= 100000000) {
		dec8(p, (uint32_t)(v % 100000000));
		v /= 100000000;
		p -= 8;
	}
	w = (uint32_t)v;
	while (w >= 100) {
		p -= 2;
		memcpy(p, d2 + 2 * (w % 100), 2);
		w /= 100;
	}
	if (w >= 10) {
		p -= 2;
		memcpy(p, d2 + 2 * w, 2);
	} else {
		*--p = (char)('0' + w);
	}
	return p;
}

void sf_json_init(struct sf_json *j, char *buf, size_t cap)
{
	j->buf = buf;
	j->cap = cap;
	j->len = 0;
	j->overflow = cap == 0;
	j->need_comma = 0;
	if (cap)
		buf[0] = 0;
}

static void sep(struct sf_json *j)
{
	if (j->need_comma)
		putc1(j, ',');
	j->need_comma = 1;
}

void sf_json_key(struct sf_json *j, const char *key)
{
	sep(j);
	if (key) {
		put_escaped(j, key, strlen(key));
		putc1(j, ':');
	}
}

void sf_json_qkey_slow(struct sf_json *j, const char *qk, size_t qn)
{
	/* as sep() and put() would: the comma if it fits, then the key whole
	 * or not at all */
	sep(j);
	put(j, qk, qn);
}

void sf_json_begin(struct sf_json *j)
{
	j->len = 0;
	j->overflow = j->cap == 0;
	j->need_comma = 0;
	putc1(j, '{');
}

void sf_json_end(struct sf_json *j)
{
	putc1(j, '}');
	j->need_comma = 1;
}

void sf_json_val_str(struct sf_json *j, const char *s, size_t n)
{
	if (s)
		put_escaped(j, s, n);
	else
		put(j, "null", 4);
}

void sf_json_val_cstr(struct sf_json *j, const char *s)
{
	sf_json_val_str(j, s, s ? strlen(s) : 0);
}

void sf_json_val_name(struct sf_json *j, const char *s)
{
	size_t n;

	if (!s) {
		put(j, "null", 4);
		return;
	}
	n = strlen(s);
	if (!put_quoted(j, s, n))
		put_escaped(j, s, n);	/* the overflow, as for any string */
}

void sf_json_val_int(struct sf_json *j, int64_t v)
{
	char t[SF_DEC_U64], *p = sf_dec_u64(t, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);

	if (v < 0)
		*--p = '-';
	put(j, p, (size_t)(t + SF_DEC_U64 - p));
}

void sf_json_val_uint(struct sf_json *j, uint64_t v)
{
	char t[SF_DEC_U64], *p = sf_dec_u64(t, v);

	put(j, p, (size_t)(t + SF_DEC_U64 - p));
}

void sf_json_val_bool(struct sf_json *j, int v)
{
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void sf_json_val_hex(struct sf_json *j, const uint8_t *p, size_t n)
{

	putc1(j, '"');
	for (size_t i = 0; i < n; i++) {
		char h[2] = { hex[p[i] >> 4], hex[p[i] & 15] };
		put(j, h, 2);
	}
	putc1(j, '"');
}

void sf_json_val_hex_u64(struct sf_json *j, uint64_t v, unsigned digits)
{
	char t[18];

	if (digits == 0 || digits > 16)
		digits = 16;
	t[0] = t[digits + 1] = '"';
	for (unsigned i = digits; i > 0; i--, v >>= 4)
		t[i] = hex[v & 15];
	put(j, t, digits + 2);
}

void sf_json_val_open(struct sf_json *j, char c)
{
	putc1(j, c);
	j->need_comma = 0;
}

void sf_json_strn(struct sf_json *j, const char *key, const char *s, size_t n)
{
	sf_json_key(j, key);
	sf_json_val_str(j, s, n);
}

void sf_json_str(struct sf_json *j, const char *key, const char *s)
{
	sf_json_key(j, key);
	sf_json_val_cstr(j, s);
}

void sf_json_int(struct sf_json *j, const char *key, int64_t v)
{
	sf_json_key(j, key);
	sf_json_val_int(j, v);
}

void sf_json_uint(struct sf_json *j, const char *key, uint64_t v)
{
	sf_json_key(j, key);
	sf_json_val_uint(j, v);
}

void sf_json_bool(struct sf_json *j, const char *key, int v)
{
	sf_json_key(j, key);
	sf_json_val_bool(j, v);
}

void sf_json_null(struct sf_json *j, const char *key)
{
	sf_json_key(j, key);
	put(j, "null", 4);
}

void sf_json_hex(struct sf_json *j, const char *key, const uint8_t *p, size_t n)
{
	sf_json_key(j, key);
	sf_json_val_hex(j, p, n);
}

void sf_json_hex_u64(struct sf_json *j, const char *key, uint64_t v, unsigned digits)
{
	sf_json_key(j, key);
	sf_json_val_hex_u64(j, v, digits);
}

void sf_json_obj_begin(struct sf_json *j, const char *key)
{
	sf_json_key(j, key);
	sf_json_val_open(j, '{');
}

void sf_json_obj_end(struct sf_json *j)
{
	putc1(j, '}');
	j->need_comma = 1;
}

void sf_json_arr_begin(struct sf_json *j, const char *key)
{
	sf_json_key(j, key);
	sf_json_val_open(j, '[');
}

void sf_json_arr_end(struct sf_json *j)
{
	putc1(j, ']');
	j->need_comma = 1;
}

void sf_json_raw(struct sf_json *j, const char *key, const char *raw)
{
	sf_json_key(j, key);
	put(j, raw, strlen(raw));
}
