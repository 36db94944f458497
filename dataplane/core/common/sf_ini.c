/* SPDX-License-Identifier: BSD-3-Clause */
/* INI lint over raw bytes: NUL bytes and duplicate keys, with file:line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_ini.h"

struct ini_key {
	const char *sec;	/* into text; not NUL-terminated */
	size_t sec_len;
	const char *key;
	size_t key_len;
	unsigned line;
};

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int sf_ini_lint(const char *text, size_t len, const char *path, char *err, size_t errlen)
{
	struct ini_key *keys = NULL;
	size_t n_keys = 0, cap = 0, off = 0;
	const char *sec = "";
	size_t sec_len = 0;
	unsigned line = 0;
	int rc = 0;

	while (off < len) {
		const char *s = text + off, *e = memchr(s, '\n', len - off);
		size_t n = e ? (size_t)(e - s) : len - off;
		const char *p = s, *end = s + n, *q;

		line++;
		off += n + (e ? 1 : 0);
		if (memchr(s, '\0', n)) {
			snprintf(err, errlen, "%s:%u: NUL byte in the line (a value would be cut at it)",
				 path, line);
			rc = -1;
			break;
		}
		while (p < end && blank(*p))
			p++;
		if (p == end || *p == '#' || *p == ';')
			continue;
		if (*p == '[') {
			q = memchr(p, ']', (size_t)(end - p));
			if (q) {
				sec = p + 1;
				sec_len = (size_t)(q - p - 1);
			}
			continue;
		}
		q = memchr(p, '=', (size_t)(end - p));
		if (!q)
			continue;	/* the parser refuses it with its own message */
		while (q > p && blank(q[-1]))
			q--;
		for (size_t i = 0; i < n_keys; i++) {
			if (keys[i].sec_len == sec_len && keys[i].key_len == (size_t)(q - p) &&
			    !memcmp(keys[i].sec, sec, sec_len) && !memcmp(keys[i].key, p, keys[i].key_len)) {
				snprintf(err, errlen, "%s:%u: duplicate key '%.*s' in [%.*s] (first set on line %u)",
					 path, line, (int)keys[i].key_len, p, (int)sec_len, sec, keys[i].line);
				rc = -1;
				goto out;
			}
		}
		if (n_keys == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct ini_key *nk = realloc(keys, nc * sizeof(*nk));

			if (!nk) {
				snprintf(err, errlen, "%s: out of memory", path);
				rc = -1;
				goto out;
			}
			keys = nk;
			cap = nc;
		}
		keys[n_keys].sec = sec;
		keys[n_keys].sec_len = sec_len;
		keys[n_keys].key = p;
		keys[n_keys].key_len = (size_t)(q - p);
		keys[n_keys].line = line;
		n_keys++;
	}
out:
	free(keys);
	return rc;
}
