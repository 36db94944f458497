/* SPDX-License-Identifier: BSD-3-Clause */
/* Validation and normalisation of list entries as stored in Redis and
 * written to generations (notes/LISTS_SPEC.md): block/allow hash fields are
 * "<kind> <value>" (kind number|prefix|sender|gt, sender ids upper-cased),
 * shield fields are "<subscriber> <port>", values are "k=v k=v" attributes. */
#ifndef CTL_LISTS_H
#define CTL_LISTS_H

#include <stddef.h>

#define CTL_MAX_DIGITS 20	/* E.164 is 15; GT/ports/test numbers leave room */
#define CTL_MAX_SENDER 16	/* TP-OA alphanumeric ids are ≤ 11 GSM characters */
#define CTL_MAX_TEXT 1024	/* LISTS_SPEC: report text ≤ 1024 bytes */

/* 1 if s is 1..CTL_MAX_DIGITS decimal digits */
int ctl_valid_digits(const char *s);
/* 1 if s is an alphanumeric sender id: [A-Za-z0-9._-], 1..CTL_MAX_SENDER, with a letter */
int ctl_valid_sender(const char *s);
/* 1 if s is 1..max characters of [A-Za-z0-9._:-] */
int ctl_valid_token(const char *s, size_t max);
/* 1 if s[0..n) is well-formed UTF-8 without NUL or C0 controls other than \t */
int ctl_valid_utf8(const char *s, size_t n);
/* A --reason as stored: words of [A-Za-z0-9._:-] joined by single spaces
 * ("vip complaint"), 1-64 characters, into out. Length, or -1. */
int ctl_reason_words(const char *in, char *out, size_t cap);
/* 1 for "k=v k=v" with token keys/values (or ""), as LISTS_SPEC
 * attributes; words without '=' after reason= continue the reason */
int ctl_valid_attrs(const char *s);

/* A canonical number as the lists text and the lists change log write it
 * (policy_canon_export): the dataplane canonicalises what it reads, and
 * canonicalising a canonical number again may change it ("14155551234"
 * is +1 415…, which read alone is a Chinese mobile). Anything else (a
 * sender id, a prefix that reads back as itself) is copied as it is. */
void ctl_list_export(const char *canon, char *out, size_t cap);
/* A list hash's field as a lists line writes it: "number N" with N
 * exported (other kinds as they are), or for a shield (shield != 0)
 * "SUBSCRIBER PORT" with both exported. */
void ctl_list_field_export(int shield, const char *field, char *out, size_t cap);

/* Normalise a block/allow entry into its hash field "<kind> <value>".
 * kind NULL: inferred (digits → number, otherwise sender). A leading '+'
 * on numbers is dropped. 0, or -1 with a message in err. */
int ctl_list_field(const char *kind, const char *value, char *field, size_t cap,
		   char *err, size_t errlen);
/* "expires=<unix s>" attribute, or 0 when absent */
long long ctl_attr_expires(const char *attrs);

#endif
