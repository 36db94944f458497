/* SPDX-License-Identifier: BSD-3-Clause */
/* A tiny JSON object writer into a caller-owned buffer (RFC 8259): strings
 * are escaped, UTF-8 passes through. Used by the offline tools, the
 * generator's ground truth and the verdict log, so that they print fields
 * the same way. Overflow sets ->overflow and stops writing. */
#ifndef SF_JSON_H
#define SF_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct sf_json {
	char *buf;
	size_t cap;
	size_t len;
	int overflow;
	int need_comma;
};

void sf_json_init(struct sf_json *j, char *buf, size_t cap);
void sf_json_begin(struct sf_json *j);			/* { */
void sf_json_end(struct sf_json *j);			/* } and NUL */
void sf_json_key(struct sf_json *j, const char *key);	/* "key": */
void sf_json_str(struct sf_json *j, const char *key, const char *s);	/* NULL → null */
void sf_json_strn(struct sf_json *j, const char *key, const char *s, size_t n);
void sf_json_int(struct sf_json *j, const char *key, int64_t v);
void sf_json_uint(struct sf_json *j, const char *key, uint64_t v);
void sf_json_bool(struct sf_json *j, const char *key, int v);
void sf_json_null(struct sf_json *j, const char *key);
void sf_json_hex(struct sf_json *j, const char *key, const uint8_t *p, size_t n);
/* The low digits hex digits of v (1..16), lower case with leading zeros,
 * as a string: printf's "%0*llx" of v masked to them. */
void sf_json_hex_u64(struct sf_json *j, const char *key, uint64_t v, unsigned digits);
/* Open a nested object or array as the value of key (key NULL inside arrays). */
void sf_json_obj_begin(struct sf_json *j, const char *key);
void sf_json_obj_end(struct sf_json *j);
void sf_json_arr_begin(struct sf_json *j, const char *key);
void sf_json_arr_end(struct sf_json *j);
/* Raw, already-valid JSON text as the value of key. */
void sf_json_raw(struct sf_json *j, const char *key, const char *raw);

/* The decimal digits of v into the end of t, two at a time (the
 * writer's numbers, and other bounded text that wants them); returns
 * where they start. */
#define SF_DEC_U64 24
char *sf_dec_u64(char t[SF_DEC_U64], uint64_t v);

/* ---- keys fixed when the program is compiled ----
 * The dataplane's own lines (a verdict line has some 35 fields, one for
 * every part) have only keys of plain characters written as string
 * literals. With the _k forms the compiler makes the key's quotes and
 * colon, and nothing is measured or checked for escapes per line. lit must
 * be a string literal without '"', '\\' or controls: "\"" lit "\":" does
 * not compile for a pointer. The line is that of the forms above (on an
 * overflow, a key is left out whole rather than in part). */
#define SF_JK(lit) "\"" lit "\":", sizeof(lit) + 2
void sf_json_qkey_slow(struct sf_json *j, const char *qk, size_t qn);

/* The separator and qk ("\"key\":"); inline, so that the copy of a
 * literal's known length is a few moves. */
static inline void sf_json_qkey(struct sf_json *j, const char *qk, size_t qn)
{
	char *d;

	if (j->overflow || j->cap - j->len < qn + 2) {
		sf_json_qkey_slow(j, qk, qn);
		return;
	}
	d = j->buf + j->len;
	if (j->need_comma)
		*d++ = ',';
	memcpy(d, qk, qn);
	d[qn] = 0;
	j->len = (size_t)(d + qn - j->buf);
	j->need_comma = 1;
}
/* values alone, after sf_json_qkey or sf_json_key */
void sf_json_val_str(struct sf_json *j, const char *s, size_t n);	/* NULL → null */
void sf_json_val_cstr(struct sf_json *j, const char *s);	/* NUL-terminated; NULL → null */
/* A name from the program's own tables (an operation, class, verdict or
 * check: plain characters; engine-verdict-comment checks every one):
 * copied without looking for characters to escape. NULL → null. */
void sf_json_val_name(struct sf_json *j, const char *s);
void sf_json_val_int(struct sf_json *j, int64_t v);
void sf_json_val_uint(struct sf_json *j, uint64_t v);
void sf_json_val_bool(struct sf_json *j, int v);
void sf_json_val_hex(struct sf_json *j, const uint8_t *p, size_t n);
void sf_json_val_hex_u64(struct sf_json *j, uint64_t v, unsigned digits);
void sf_json_val_open(struct sf_json *j, char c);	/* '{' or '[' */

#define sf_json_k_str(j, lit, s) (sf_json_qkey((j), SF_JK(lit)), sf_json_val_cstr((j), (s)))
#define sf_json_k_name(j, lit, s) (sf_json_qkey((j), SF_JK(lit)), sf_json_val_name((j), (s)))
#define sf_json_k_strn(j, lit, s, n) (sf_json_qkey((j), SF_JK(lit)), sf_json_val_str((j), (s), (n)))
#define sf_json_k_int(j, lit, v) (sf_json_qkey((j), SF_JK(lit)), sf_json_val_int((j), (v)))
#define sf_json_k_uint(j, lit, v) (sf_json_qkey((j), SF_JK(lit)), sf_json_val_uint((j), (v)))
#define sf_json_k_bool(j, lit, v) (sf_json_qkey((j), SF_JK(lit)), sf_json_val_bool((j), (v)))
#define sf_json_k_null(j, lit) sf_json_k_strn(j, lit, NULL, 0)
#define sf_json_k_hex(j, lit, p, n) (sf_json_qkey((j), SF_JK(lit)), sf_json_val_hex((j), (p), (n)))
#define sf_json_k_hex_u64(j, lit, v, d) (sf_json_qkey((j), SF_JK(lit)), sf_json_val_hex_u64((j), (v), (d)))
#define sf_json_k_obj_begin(j, lit) (sf_json_qkey((j), SF_JK(lit)), sf_json_val_open((j), '{'))
#define sf_json_k_arr_begin(j, lit) (sf_json_qkey((j), SF_JK(lit)), sf_json_val_open((j), '['))

#endif
