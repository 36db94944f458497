/* SPDX-License-Identifier: BSD-3-Clause */
/* The allow/block/shield/IMSI lists (format: LISTS_SPEC.md and POLICY.md
 * "Lists"): a snapshot text parsed into one table of packed keys
 * (policy_store.h), built aside and published by RCU, then changed in
 * place entry by entry by policy_lists_apply as the control plane's change
 * log arrives. One writer (the control thread); lookups are lock-free and
 * never wait when the table is the DPDK one (dataplane/dp/dp_lists_store.c);
 * with the plain-C default table everything runs on one thread. */
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

/* What matched. key points into keybuf; reason into the entry, valid
 * until the reader's next RCU quiescent state. */
struct policy_list_match {
	uint8_t list;		/* enum policy_list */
	uint8_t type;		/* enum policy_entry_type */
	const char *key;	/* the entry as stored (for shields: "SUBSCRIBER|PORT") */
	const char *reason;	/* the reason= attribute, or NULL */
	char keybuf[96];
};

struct policy_lists_counts {
	uint32_t entries[2][4];	/* [list][NUMBER..GT] */
	uint32_t shields, imsi, expired;
	uint64_t version;
	uint64_t rev;		/* the last change applied (the snapshot's "rev" before any) */
	uint64_t applied;	/* changes applied since the snapshot */
	uint64_t noop;		/* changes that changed nothing (delete of an absent entry) */
	uint64_t malformed;	/* changes skipped as malformed */
	uint32_t capacity;	/* entries the table holds before it is full */
	size_t table_bytes;	/* memory of the table (without reasons) */
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

/* Room a snapshot's table leaves for changes: max(entries / 8, this)
 * (default 4096). The writer's thread only. */
void policy_lists_set_headroom(uint32_t entries);
uint32_t policy_lists_headroom(void);

/* Apply one change of the control plane's log in place (the one writer):
 * add (insert or replace) or delete the entry of one lists line ("block
 * number 8613800000001 reason=x", "shield 8613900000001 1065"; an add
 * already expired at now_s deletes). rev becomes the lists' rev.
 * 0 applied, 1 nothing to do (absent); -1 malformed, skipped (rev still
 * advances), -2 the table is full (rev stays: the caller reloads a
 * snapshot, which is sized for it); both with "change:<rev>: message". */
int policy_lists_apply(struct policy_lists *l, uint64_t rev, int add, const char *line, size_t len,
		       uint64_t now_s, char *err, size_t errlen);
uint64_t policy_lists_rev(const struct policy_lists *l);

uint64_t policy_lists_version(const struct policy_lists *l);
void policy_lists_counts(const struct policy_lists *l, struct policy_lists_counts *out);

/* Lookups (all lock-free reads; l may be NULL → no match). Each returns 1
 * and fills m (may be NULL) on a match, else 0. */
/* number (any written form, canonicalised here): exact match on its
 * canonical form, else the longest prefix entry matching the canonical
 * or the national form. */
int policy_lists_number(const struct policy_lists *l, enum policy_list which,
			const char *number, struct policy_list_match *m);
/* The same for a number that is canonical already (the policy's parties),
 * used as it is: canonicalising a canonical number again may change it
 * ("14155551234", +1 415…, would read as a Chinese mobile). */
int policy_lists_number_canon(const struct policy_lists *l, enum policy_list which,
			      const char *canon, struct policy_list_match *m);
/* alphanumeric sender id, ASCII case-insensitive */
int policy_lists_sender(const struct policy_lists *l, enum policy_list which,
			const char *sender, struct policy_list_match *m);
/* SCCP global title: longest prefix entry */
int policy_lists_gt(const struct policy_lists *l, enum policy_list which,
		    const char *gt, struct policy_list_match *m);
/* Is sender (a port or any number) shielded for subscriber? Both in any
 * written form, canonicalised here. Entries are port prefixes. */
int policy_lists_shielded(const struct policy_lists *l, const char *subscriber,
			  const char *sender, struct policy_list_match *m);
/* The same for a subscriber and sender that are canonical already. */
int policy_lists_shielded_canon(const struct policy_lists *l, const char *subscriber,
				const char *sender, struct policy_list_match *m);
/* Provisioned IMSI → MSISDN (canonical), or NULL. */
const char *policy_lists_imsi(const struct policy_lists *l, const char *imsi);

#endif
