/* SPDX-License-Identifier: BSD-3-Clause */
/* Fixed-capacity hash table of 64-bit keys to fixed-size values for
 * per-thread state (associations, TCAP dialogues, LMSIs, SCCP reassembly,
 * the policy's local shield overlay). All memory is
 * allocated at creation; when full the oldest entry (by insertion) is
 * evicted and counted; entries older than a timeout can be expired in
 * bounded steps. Single writer, no locks. */
#ifndef SF_FTABLE_H
#define SF_FTABLE_H

#include <stddef.h>
#include <stdint.h>

struct ftable;

struct ftable_stats {
	uint64_t inserts, evictions, expirations, in_use, capacity;
};

/* capacity: entries kept at most; value_size: bytes per value (zeroed on
 * insert). NULL on allocation failure or a zero capacity. */
struct ftable *ftable_create(unsigned capacity, size_t value_size);
void ftable_destroy(struct ftable *t);

/* Start loading the slot where key's search begins; its hash is kept for
 * the look-up that follows (the last two keys). Changes no entry. */
void ftable_prefetch(struct ftable *t, uint64_t key);

/* The value for key, or NULL. */
void *ftable_find(struct ftable *t, uint64_t key);

/* The value for key, inserted (zeroed, *created = 1) when absent, evicting
 * the oldest entry if the table is full. now_ns stamps the entry. Never
 * NULL for a table that was created. */
void *ftable_upsert(struct ftable *t, uint64_t key, uint64_t now_ns, int *created);

/* ftable_upsert for a caller that keeps where a key was last found:
 * *hint (an entry index, any value at first) is tried before the hash;
 * when it does not hold key the table is searched and *hint updated. */
void *ftable_upsert_hint(struct ftable *t, uint64_t key, uint64_t now_ns, int *created,
			 uint32_t *hint);

/* Mark an entry as used at now_ns (moves it to the young end). */
void ftable_touch(struct ftable *t, void *value, uint64_t now_ns);

void ftable_remove(struct ftable *t, uint64_t key);

/* Expire at most budget entries last touched before now_ns - max_age_ns;
 * returns how many were expired. */
unsigned ftable_expire(struct ftable *t, uint64_t now_ns, uint64_t max_age_ns, unsigned budget);

void ftable_stats(const struct ftable *t, struct ftable_stats *out);

/* The value of the oldest entry (least recently inserted or touched), or
 * NULL when the table is empty. */
void *ftable_oldest(struct ftable *t);

/* The value of the entry after value in age order (inserted or touched
 * later), or NULL: with ftable_oldest, every entry, oldest first. */
void *ftable_newer(struct ftable *t, const void *value);

/* The entry index (0..capacity-1) of a value: for arrays kept beside the
 * table. */
unsigned ftable_index(const struct ftable *t, const void *value);

/* 1 when every entry is in use (the next new key evicts the oldest). */
int ftable_full(const struct ftable *t);

/* Memory held by the table (index, entries and values). */
size_t ftable_bytes(const struct ftable *t);

#endif
