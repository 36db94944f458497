/* SPDX-License-Identifier: BSD-3-Clause */
/* policy_store.h on DPDK's rte_hash with RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF
 * (readers never take a lock or wait; a writer's update is atomic per
 * entry) and RTE_HASH_EXTRA_FLAGS_EXT_TABLE (an insert never fails before
 * the capacity is reached). With LF, rte_hash does not free a deleted key's
 * slot: the writer frees it with rte_hash_free_key_with_position, and the
 * entry's data, once rte_rcu_qsbr says every lcore has passed a quiescent
 * state since the delete (a FIFO of retired entries, reclaimed on every
 * write; when it is full the writer waits, never a reader).
 *
 * Memory per entry (capacity, DPDK 22.11): key store 32 B (8 B data
 * pointer + 24 B key, 16-byte aligned), buckets 8 B (64 B bucket of 8) and
 * as much again for the extension table, free-slot rings ~8 B: ~56 B
 * (bench/lists_bench.c measures it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>

#include "dp_lists_store.h"
#include "policy_lists.h"

#define RETIRE_SLOTS 65536	/* power of two */

struct retired {
	uint64_t token;
	int32_t pos;		/* key slot to free, or -1 (replaced data only) */
	void *data;
};

struct rte_store {
	struct rte_hash *h;
	uint32_t cap;
	void (*free_data)(void *);
	struct retired *q;
	uint64_t qhead, qtail;	/* qtail: next to reclaim */
};

static struct rte_rcu_qsbr *store_qs;
static uint64_t store_pending;
static unsigned store_seq;

void dp_lists_store_set_qsbr(struct rte_rcu_qsbr *qs)
{
	__atomic_store_n(&store_qs, qs, __ATOMIC_RELEASE);
}

uint64_t dp_lists_store_pending(void)
{
	return __atomic_load_n(&store_pending, __ATOMIC_RELAXED);
}

static void release(struct rte_store *s, const struct retired *r)
{
	if (r->pos >= 0)
		rte_hash_free_key_with_position(s->h, r->pos);
	if (r->data && s->free_data)
		s->free_data(r->data);
}

/* Free what every reader has moved past; wait: also what is still held
 * (the queue is full). */
static void reclaim(struct rte_store *s, int wait)
{
	struct rte_rcu_qsbr *qs = __atomic_load_n(&store_qs, __ATOMIC_ACQUIRE);

	while (s->qtail != s->qhead) {
		struct retired *r = &s->q[s->qtail & (RETIRE_SLOTS - 1)];

		if (qs && !rte_rcu_qsbr_check(qs, r->token, wait ? true : false))
			break;
		release(s, r);
		s->qtail++;
		__atomic_fetch_sub(&store_pending, 1, __ATOMIC_RELAXED);
		wait = 0;
	}
}

static void retire(struct rte_store *s, int32_t pos, void *data)
{
	struct rte_rcu_qsbr *qs = __atomic_load_n(&store_qs, __ATOMIC_ACQUIRE);
	struct retired r = { .pos = pos, .data = data };

	if (!qs) {
		release(s, &r);
		return;
	}
	if (s->qhead - s->qtail == RETIRE_SLOTS)
		reclaim(s, 1);
	r.token = rte_rcu_qsbr_start(qs);
	s->q[s->qhead++ & (RETIRE_SLOTS - 1)] = r;
	__atomic_fetch_add(&store_pending, 1, __ATOMIC_RELAXED);
}

static void *rte_create(uint32_t capacity, void (*free_data)(void *), char *err, size_t errlen)
{
	struct rte_store *s = calloc(1, sizeof(*s));
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = name,
		.entries = capacity < 64 ? 64 : capacity,
		.key_len = sizeof(struct pl_key),
		.hash_func = rte_hash_crc,
		.hash_func_init_val = 0,
		.socket_id = (int)rte_socket_id(),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	if (!s || !(s->q = calloc(RETIRE_SLOTS, sizeof(*s->q)))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(name, sizeof(name), "smsfw_lists_%u", __atomic_fetch_add(&store_seq, 1, __ATOMIC_RELAXED));
	s->h = rte_hash_create(&p);
	if (!s->h) {
		snprintf(err, errlen, "rte_hash_create(%u entries): %s (raise dataplane.memory_mb)",
			 p.entries, rte_strerror(rte_errno));
		free(s->q);
		free(s);
		return NULL;
	}
	s->cap = p.entries;
	s->free_data = free_data;
	return s;
}

static void rte_destroy(void *t)
{
	struct rte_store *s = t;
	const void *k;
	void *d;
	uint32_t it = 0;

	if (!s)
		return;
	while (s->qtail != s->qhead) {
		struct retired *r = &s->q[s->qtail++ & (RETIRE_SLOTS - 1)];

		if (r->data && s->free_data)
			s->free_data(r->data);
		__atomic_fetch_sub(&store_pending, 1, __ATOMIC_RELAXED);
	}
	while (rte_hash_iterate(s->h, &k, &d, &it) >= 0)
		if (d && s->free_data)
			s->free_data(d);
	rte_hash_free(s->h);
	free(s->q);
	free(s);
}

static int rte_add(void *t, const struct pl_key *k, void *data)
{
	struct rte_store *s = t;
	void *old = NULL;
	int had = rte_hash_lookup_data(s->h, k, &old) >= 0;

	reclaim(s, 0);
	if (rte_hash_add_key_data(s->h, k, data) < 0)
		return -1;
	if (had && old && old != data)
		retire(s, -1, old);
	return had;
}

static int rte_del(void *t, const struct pl_key *k)
{
	struct rte_store *s = t;
	void *old = NULL;
	int32_t pos;

	reclaim(s, 0);
	if (rte_hash_lookup_data(s->h, k, &old) < 0)
		return 0;
	pos = rte_hash_del_key(s->h, k);
	if (pos < 0)
		return 0;
	retire(s, pos, old);
	return 1;
}

static int rte_lookup(const void *t, const struct pl_key *k, void **data)
{
	const struct rte_store *s = t;

	return rte_hash_lookup_data(s->h, k, data) >= 0;
}

static uint32_t rte_count(const void *t)
{
	const struct rte_store *s = t;
	int32_t n = rte_hash_count(s->h);

	return n < 0 ? 0 : (uint32_t)n;
}

static uint32_t rte_capacity(const void *t)
{
	return ((const struct rte_store *)t)->cap;
}

/* The allocations of rte_cuckoo_hash.c for these parameters (22.11). */
static size_t rte_bytes(const void *t)
{
	const struct rte_store *s = t;
	size_t slots = (size_t)s->cap + 1;
	size_t buckets = rte_align32pow2(s->cap) / 8;

	return slots * RTE_ALIGN(8 + sizeof(struct pl_key), 16) +	/* key store */
	       2 * buckets * 64 +					/* main + ext buckets */
	       (size_t)rte_align32pow2((uint32_t)slots) * 4 +		/* free key slots ring */
	       (size_t)rte_align32pow2((uint32_t)buckets) * 4 +		/* free ext buckets ring */
	       (size_t)RETIRE_SLOTS * sizeof(struct retired);
}

const struct policy_store_ops dp_lists_store_rte = {
	.name = "rte_hash",
	.create = rte_create,
	.destroy = rte_destroy,
	.add = rte_add,
	.del = rte_del,
	.lookup = rte_lookup,
	.count = rte_count,
	.capacity = rte_capacity,
	.bytes = rte_bytes,
};

void dp_lists_store_init(void)
{
	policy_store_use(&dp_lists_store_rte);
	/* the adds controld logs between two snapshots (snapshot_changes) */
	policy_lists_set_headroom(1u << 17);
}
