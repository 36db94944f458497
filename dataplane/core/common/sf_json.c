/* SPDX-License-Identifier: BSD-3-Clause */
/* JSON object writer (RFC 8259 §7 string escaping). */
#include <string.h>

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
	put(j, &c, 1);
}

/* Bytes that need escaping (RFC 8259 §7): controls, '"', '\\', DEL. */
static const uint8_t needs_escape[256] = {
	[0 ... 0x1F] = 1, ['"'] = 1, ['\\'] = 1, [0x7F] = 1,
};

static void put_escaped(struct sf_json *j, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	putc1(j, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!needs_escape[c])
			continue;
		/* copy the plain bytes before this one in one go */
		put(j, s + run, i - run);
		run = i + 1;
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
	put(j, s + run, n - run);
	putc1(j, '"');
}

/* Decimal digits of v into the end of t[24]; returns where they start. */
static char *fmt_u64(char t[24], uint64_t v)
{
	char *p = t + 24;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
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

void sf_json_strn(struct sf_json *j, const char *key, const char *s, size_t n)
{
	sf_json_key(j, key);
	if (s)
		put_escaped(j, s, n);
	else
		put(j, "null", 4);
}

void sf_json_str(struct sf_json *j, const char *key, const char *s)
{
	sf_json_strn(j, key, s, s ? strlen(s) : 0);
}

void sf_json_int(struct sf_json *j, const char *key, int64_t v)
{
	char t[24], *p = fmt_u64(t, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);

	if (v < 0)
		*--p = '-';
	sf_json_key(j, key);
	put(j, p, (size_t)(t + 24 - p));
}

void sf_json_uint(struct sf_json *j, const char *key, uint64_t v)
{
	char t[24], *p = fmt_u64(t, v);

	sf_json_key(j, key);
	put(j, p, (size_t)(t + 24 - p));
}

void sf_json_bool(struct sf_json *j, const char *key, int v)
{
	sf_json_key(j, key);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void sf_json_null(struct sf_json *j, const char *key)
{
	sf_json_key(j, key);
	put(j, "null", 4);
}

void sf_json_hex(struct sf_json *j, const char *key, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	sf_json_key(j, key);
	putc1(j, '"');
	for (size_t i = 0; i < n; i++) {
		char h[2] = { hex[p[i] >> 4], hex[p[i] & 15] };
		put(j, h, 2);
	}
	putc1(j, '"');
}

void sf_json_obj_begin(struct sf_json *j, const char *key)
{
	sf_json_key(j, key);
	putc1(j, '{');
	j->need_comma = 0;
}

void sf_json_obj_end(struct sf_json *j)
{
	putc1(j, '}');
	j->need_comma = 1;
}

void sf_json_arr_begin(struct sf_json *j, const char *key)
{
	sf_json_key(j, key);
	putc1(j, '[');
	j->need_comma = 0;
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
