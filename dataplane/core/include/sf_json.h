/* SPDX-License-Identifier: BSD-3-Clause */
/* A tiny JSON object writer into a caller-owned buffer (RFC 8259): strings
 * are escaped, UTF-8 passes through. Used by the offline tools, the
 * generator's ground truth and the verdict log, so that they print fields
 * the same way. Overflow sets ->overflow and stops writing. */
#ifndef SF_JSON_H
#define SF_JSON_H

#include <stddef.h>
#include <stdint.h>

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
/* Open a nested object or array as the value of key (key NULL inside arrays). */
void sf_json_obj_begin(struct sf_json *j, const char *key);
void sf_json_obj_end(struct sf_json *j);
void sf_json_arr_begin(struct sf_json *j, const char *key);
void sf_json_arr_end(struct sf_json *j);
/* Raw, already-valid JSON text as the value of key. */
void sf_json_raw(struct sf_json *j, const char *key, const char *raw);

#endif
