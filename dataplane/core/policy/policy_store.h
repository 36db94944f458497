/* SPDX-License-Identifier: BSD-3-Clause */
/* The table behind the lists and shields (policy_lists.c): fixed-size
 * packed keys → one pointer, one writer and lock-free readers. Two
 * implementations behind one small interface:
 *  - the plain-C default here (policy_store.c), open addressing with linear
 *    probing; for one thread (unit tests, fuzzers, offline tools), data of
 *    deleted or replaced entries is freed at once;
 *  - the DPDK one in the dataplane (dataplane/dp/dp_lists_store.c):
 *    rte_hash with RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF (readers on the
 *    lcores never wait; the control thread is the one writer), key slots
 *    and data of deleted entries freed after an rte_rcu_qsbr grace period.
 * policy_store_use() selects one for every table created afterwards; the
 * policy library itself stays DPDK-free. */
#ifndef POLICY_STORE_H
#define POLICY_STORE_H

#include <stddef.h>
#include <stdint.h>

/* 24 bytes. Numbers are packed: the value of the first 19 digits (leading
 * zeros kept by the length) and the 20th digit + 1 in a_hi/b_hi (0: none).
 * Shields: a = subscriber, b = port prefix. Text keys (sender ids, global
 * titles): a, b = two 64-bit hashes of the text, the text itself is kept
 * with the entry and compared on lookup. */
struct pl_key {
	uint64_t a, b;
	uint8_t set;		/* which list (policy_lists.c SET_*) */
	uint8_t alen, blen;	/* digits in a, b (text keys: alen = bytes) */
	uint8_t a_hi, b_hi;
	uint8_t pad[3];		/* always 0 */
};

struct policy_store_ops {
	const char *name;	/* "plain", "rte_hash" */
	/* capacity: entries the table must hold; free_data frees an entry's
	 * data once no reader can see it. NULL with err. */
	void *(*create)(uint32_t capacity, void (*free_data)(void *), char *err, size_t errlen);
	/* frees the table and every entry's data; no reader may be left */
	void (*destroy)(void *t);
	/* insert or replace (the old data is retired): 0 added, 1 replaced,
	 * -1 full */
	int (*add)(void *t, const struct pl_key *k, void *data);
	/* 1 deleted (data retired), 0 absent */
	int (*del)(void *t, const struct pl_key *k);
	/* 1 and *data on a hit, else 0; any thread, any time */
	int (*lookup)(const void *t, const struct pl_key *k, void **data);
	uint32_t (*count)(const void *t);
	uint32_t (*capacity)(const void *t);
	size_t (*bytes)(const void *t);	/* memory of the table itself */
};

extern const struct policy_store_ops policy_store_plain;

/* Select the implementation for tables created from now on (default
 * plain). Call before any table exists and before other threads run. */
void policy_store_use(const struct policy_store_ops *ops);
const struct policy_store_ops *policy_store_ops(void);

#endif
