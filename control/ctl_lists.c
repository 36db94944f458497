/* SPDX-License-Identifier: BSD-3-Clause */
/* List entry validation shared by controld, smsfwctl and the generation
 * builder (format: notes/LISTS_SPEC.md). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_lists.h"
#include "policy_report.h"

int ctl_valid_digits(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isdigit((unsigned char)s[n]) || n >= CTL_MAX_DIGITS)
			return 0;
	return n > 0;
}

int ctl_valid_sender(const char *s)
{
	size_t n = 0;
	int letter = 0;

	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];

		if (n >= CTL_MAX_SENDER || !(isalnum(c) || c == '.' || c == '_' || c == '-'))
			return 0;
		letter |= isalpha(c) != 0;
	}
	return n > 0 && letter;
}

int ctl_valid_token(const char *s, size_t max)
{
	size_t n = 0;

	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];

		if (n >= max || !(isalnum(c) || c == '.' || c == '_' || c == '-' || c == ':'))
			return 0;
	}
	return n > 0;
}

int ctl_valid_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned c = p[i], need;
		unsigned long cp;

		if (c < 0x80) {
			if (c < 0x20 && c != '\t')
				return 0;
			i++;
			continue;
		}
		/* RFC 3629 §4: lead byte gives the length; no overlongs, no surrogates */
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1; cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2; cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3; cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i - 1 < need)
			return 0;
		for (unsigned k = 1; k <= need; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3F);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += need + 1;
	}
	return 1;
}

int ctl_reason_words(const char *in, char *out, size_t cap)
{
	size_t o = 0, w = 0;

	for (const char *p = in;; p++) {
		unsigned char c = (unsigned char)*p;

		if (!c || c == ' ' || c == '\t') {
			if (w) {	/* end of a word */
				if (!ctl_valid_token(out + o - w, 64))
					return -1;
				w = 0;
			}
			if (!c)
				break;
			if (o && out[o - 1] != ' ') {
				if (o + 1 >= cap)
					return -1;
				out[o++] = ' ';
				out[o] = 0;
			}
			continue;
		}
		if (o + 1 >= cap || c == '=')
			return -1;
		out[o++] = (char)c;
		out[o] = 0;
		w++;
	}
	if (o && out[o - 1] == ' ')
		o--;
	out[o] = 0;
	return o == 0 || o > 64 ? -1 : (int)o;
}

int ctl_valid_attrs(const char *s)
{
	const char *p = s;
	int in_reason = 0;	/* a token without '=' continues the reason */

	while (*p) {
		const char *sp = strchr(p, ' '), *eq;
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		char tok[128];

		if (n == 0 || n >= sizeof(tok))
			return 0;
		memcpy(tok, p, n);
		tok[n] = 0;
		eq = strchr(tok, '=');
		if (!eq && in_reason && ctl_valid_token(tok, 64)) {
			p += n;
			if (*p == ' ')
				p++;
			if (sp && !*p)
				return 0;
			continue;
		}
		if (!eq || eq == tok || !eq[1])
			return 0;
		tok[eq - tok] = 0;
		if (!ctl_valid_token(tok, 32) || !ctl_valid_token(eq + 1, 64))
			return 0;
		in_reason = !strcmp(tok, "reason");
		p += n;
		if (*p == ' ')
			p++;
		if (sp && !*p)
			return 0;	/* trailing space */
	}
	return 1;
}

int ctl_list_field(const char *kind, const char *value, char *field, size_t cap,
		   char *err, size_t errlen)
{
	char v[64];
	size_t n;

	n = strlen(value);
	if (n == 0 || n >= sizeof(v)) {
		snprintf(err, errlen, "empty or too long value");
		return -1;
	}
	/* a number in any common written form ("+86-139-0000-0002",
	 * "138 0000 0001", "13800000001") is stored in the one canonical
	 * form the dataplane uses (policy_canon_number) */
	if ((!kind || !strcmp(kind, "number")) && policy_canon_number(value, n, v, sizeof(v)) > 0) {
		kind = "number";
		value = v;
		n = strlen(v);
	} else {
		if (*value == '+' && (!kind || strcmp(kind, "sender")))
			value++;
		n = strlen(value);
		memmove(v, value, n + 1);
	}
	if (!kind)
		kind = ctl_valid_digits(v) ? "number" : "sender";
	if (!strcmp(kind, "number") || !strcmp(kind, "prefix") || !strcmp(kind, "gt")) {
		if (!ctl_valid_digits(v)) {
			snprintf(err, errlen, "%s must be 1-%d digits", kind, CTL_MAX_DIGITS);
			return -1;
		}
	} else if (!strcmp(kind, "sender")) {
		if (!ctl_valid_sender(v)) {
			snprintf(err, errlen, "sender id must be 1-%d of A-Z a-z 0-9 . _ - with a letter",
				 CTL_MAX_SENDER);
			return -1;
		}
		for (char *c = v; *c; c++)
			*c = (char)toupper((unsigned char)*c);
	} else {
		snprintf(err, errlen, "unknown kind \"%s\" (number, prefix, sender, gt)", kind);
		return -1;
	}
	if ((size_t)snprintf(field, cap, "%s %s", kind, v) >= cap) {
		snprintf(err, errlen, "value too long");
		return -1;
	}
	return 0;
}

void ctl_list_export(const char *canon, char *out, size_t cap)
{
	if (policy_canon_export(canon, out, cap) < 0)
		snprintf(out, cap, "%s", canon);
}

void ctl_list_field_export(int shield, const char *field, char *out, size_t cap)
{
	char a[72], b[72], xa[80], xb[80];
	const char *sp = strchr(field, ' ');
	size_t n = sp ? (size_t)(sp - field) : 0;

	if (!sp || n >= sizeof(a) || strlen(sp + 1) >= sizeof(b)) {
		snprintf(out, cap, "%s", field);
		return;
	}
	memcpy(a, field, n);
	a[n] = 0;
	snprintf(b, sizeof(b), "%s", sp + 1);
	if (shield)
		ctl_list_export(a, xa, sizeof(xa));
	else
		snprintf(xa, sizeof(xa), "%s", a);
	if (shield || !strcmp(a, "number"))
		ctl_list_export(b, xb, sizeof(xb));
	else
		snprintf(xb, sizeof(xb), "%s", b);
	snprintf(out, cap, "%s %s", xa, xb);
}

long long ctl_attr_expires(const char *attrs)
{
	const char *p = attrs;

	while ((p = strstr(p, "expires=")) != NULL) {
		if (p == attrs || p[-1] == ' ')
			return strtoll(p + 8, NULL, 10);
		p += 8;
	}
	return 0;
}
