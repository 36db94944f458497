/* SPDX-License-Identifier: BSD-3-Clause */
/* One generation of the allow/block/shield/IMSI lists (format: LISTS_SPEC.md
 * and POLICY.md "Lists"), parsed from text into immutable hash tables.
 * Built aside by the control thread, published by RCU, read lock-free by
 * every lcore, freed by the publisher after the grace period. */
#ifndef POLICY_LISTS_H
#define POLICY_LISTS_H

#include <stddef.h>
#include <stdint.h>

struct policy_lists;

enum policy_list { POLICY_LIST_ALLOW = 0, POLICY_LIST_BLOCK = 1 };

enum policy_entry_type {
	POLICY_ENTRY_NUMBER = 0,	/* exact number (canonical) */
	POLICY_ENTRY_PREFIX,		/* number prefix */
	POLICY_ENTRY_SENDER,		/* alphanumeric sender id */
	POLICY_ENTRY_GT,		/* SCCP calling GT prefix */
	POLICY_ENTRY_SHIELD,		/* (subscriber, port prefix) */
};

/* What matched: both strings point into the lists object. */
struct policy_list_match {
	uint8_t list;		/* enum policy_list */
	uint8_t type;		/* enum policy_entry_type */
	const char *key;	/* the entry as stored (for shields: "SUBSCRIBER|PORT") */
	const char *reason;	/* the reason= attribute, or NULL */
};

struct policy_lists_counts {
	uint32_t entries[2][4];	/* [list][NUMBER..GT] */
	uint32_t shields, imsi, expired;
	uint64_t version;
};

/* Parse a lists file. origin names it in errors ("lists.conf:12: ...").
 * Entries whose expires= is ≤ now_s are skipped. NULL with
 * "origin:line: message" in err on any malformed line (the whole text is
 * refused) or on allocation failure. */
struct policy_lists *policy_lists_parse_at(const char *text, size_t len, const char *origin,
					   uint64_t now_s, char *err, size_t errlen);
/* The same with now_s = time(NULL). */
struct policy_lists *policy_lists_parse(const char *text, size_t len, const char *origin,
					char *err, size_t errlen);
void policy_lists_free(struct policy_lists *l);

uint64_t policy_lists_version(const struct policy_lists *l);
void policy_lists_counts(const struct policy_lists *l, struct policy_lists_counts *out);

/* Lookups (all lock-free reads; l may be NULL → no match). Each returns 1
 * and fills m (may be NULL) on a match, else 0. */
/* number: exact match on its canonical form, else the longest prefix
 * entry matching the canonical or the national form. */
int policy_lists_number(const struct policy_lists *l, enum policy_list which,
			const char *number, struct policy_list_match *m);
/* alphanumeric sender id, ASCII case-insensitive */
int policy_lists_sender(const struct policy_lists *l, enum policy_list which,
			const char *sender, struct policy_list_match *m);
/* SCCP global title: longest prefix entry */
int policy_lists_gt(const struct policy_lists *l, enum policy_list which,
		    const char *gt, struct policy_list_match *m);
/* Is sender (a port or any number, as in TP-OA) shielded for subscriber
 * (canonical MSISDN)? Entries are port prefixes. */
int policy_lists_shielded(const struct policy_lists *l, const char *subscriber,
			  const char *sender, struct policy_list_match *m);
/* Provisioned IMSI → MSISDN (canonical), or NULL. */
const char *policy_lists_imsi(const struct policy_lists *l, const char *imsi);

#endif
