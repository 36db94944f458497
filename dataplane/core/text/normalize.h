/* SPDX-License-Identifier: BSD-3-Clause */
/* Text normalisation for content matching: folds the evasions spammers use
 * (full-width forms, case, homoglyphs, digit look-alikes, traditional
 * characters, zero-width and separator characters inside words) so that rule
 * patterns see one canonical UTF-8 spelling, and finds URLs in the result.
 * Spec: rules/FORMAT.md "Normalisation" (the agreed RULE_FORMAT_SPEC §1-6). */
#ifndef SF_NORMALIZE_H
#define SF_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

/* Worst-case growth: one invalid input byte becomes U+FFFD (3 bytes), so an
 * output buffer of NORM_CAP(len) bytes never truncates. */
#define NORM_CAP(len) (3 * (size_t)(len) + 1)

/* Convenience holder for a caller-owned output buffer (and optional map of
 * the same capacity). */
struct norm_out {
	char *buf;
	size_t cap;
	size_t len;
	uint32_t *map;	/* optional: map[i] = byte offset in the input of normalised byte i */
};

/* Normalise len bytes of UTF-8 (invalid sequences become U+FFFD) into out.
 * Writes at most cap-1 bytes plus a NUL, never splitting a UTF-8 sequence,
 * and returns the bytes written (excluding the NUL); cap == 0 writes
 * nothing. If map is non-NULL it must hold cap entries: map[i] is the input
 * offset of the character that produced output byte i, and map[ret] = len.
 * Pure, allocation-free, O(len). */
size_t norm_text(const char *in, size_t len, char *out, size_t cap, uint32_t *map);

/* norm_text into o->buf/o->map (o->cap entries); sets and returns o->len. */
size_t norm_text_out(const char *in, size_t len, struct norm_out *o);

/* A URL or bare host found in normalised text; offsets into that text. */
struct norm_url {
	uint16_t off, len;		/* the whole URL, scheme to path */
	uint16_t host_off, host_len;
	uint16_t tld_off, tld_len;	/* last label; 0/0 for an IP literal */
	uint8_t is_ip;			/* host is a dotted-quad IPv4 literal */
	uint8_t ip[4];
};

/* Find URLs in normalised text: anything with an http:// or https:// scheme,
 * hosts starting with "www.", IPv4 literals, and bare hosts whose TLD is a
 * well-known one (com, cn, cc, top, xyz, ...). E-mail addresses are not
 * URLs. Returns how many were written to out (at most max), in text order.
 * Text beyond 65535 bytes is not searched. */
unsigned norm_urls(const char *norm, size_t len, struct norm_url *out, unsigned max);

#endif
