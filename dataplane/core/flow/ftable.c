/* SPDX-License-Identifier: BSD-3-Clause */
/* Fixed-capacity hash table: open addressing with linear probing over
 * 2×capacity slots (load ≤ 50%), backward-shift deletion, and an
 * intrusive doubly linked age list for oldest-first eviction and expiry.
 *
 * A slot holds the entry index and the low 32 bits of the key's hash: a
 * probe compares the hash bits before it reads the entry (one cache line
 * fewer per slot passed over), and deletion finds a moved entry's home
 * slot from them instead of hashing its key again.
 *
 * The slots and entries, and the values when each is at most a page, come
 * from sf_big_alloc (huge pages from 1 MiB: the dialogue table is probed
 * at random, and a probe or a prefetch that misses the TLB waits for a
 * page walk); larger values (reassembly buffers) come from calloc, so
 * that the pages of buffers never used are never resident. */
#include <stdlib.h>
#include <string.h>

#include "sf_hash.h"
#include "sf_mem.h"
#include "flow/ftable.h"

#define FT_NIL UINT32_MAX
#define FT_EMPTY UINT64_MAX	/* a free slot: index FT_NIL */
#define FT_PAGE 4096		/* values up to this size are a table, larger ones buffers */

/* slot word: hash bits << 32 | entry index */
#define FT_IDX(w) ((uint32_t)(w))
#define FT_HASH(w) ((uint32_t)((w) >> 32))
#define FT_SLOT(h, i) ((uint64_t)(h) << 32 | (i))

struct ft_entry {
	uint64_t key;
	uint64_t stamp;
	uint32_t prev, next;	/* age list: head = oldest */
	uint32_t slot;		/* where the index lives in slots[] */
	uint32_t used;
};

struct ftable {
	unsigned capacity;
	uint32_t mask;		/* slots - 1 */
	size_t value_size;
	uint64_t *slots;	/* FT_SLOT(hash, entry index) or FT_EMPTY */
	struct ft_entry *ent;
	uint8_t *values;
	uint32_t head, tail, free_head;
	struct ftable_stats st;
	/* the hashes of the last two keys prefetched, so that the look-up
	 * that follows does not hash them again (both key 0 at first, with
	 * its hash: an entry is always a true pair) */
	uint64_t pf_key[2];
	uint32_t pf_h[2];
	uint8_t pf_next;
};

static uint32_t ft_mix(uint64_t k)
{
	/* keyed (sf_hash.h): keys come from addresses, ports and transaction
	 * ids on the wire, so nobody may aim many keys at one home slot */
	return (uint32_t)sf_hash_u64(k);
}

/* key's hash, from the prefetch memo when it was just prefetched */
static inline uint32_t ft_hash(const struct ftable *t, uint64_t key)
{
	if (t->pf_key[0] == key)
		return t->pf_h[0];
	if (t->pf_key[1] == key)
		return t->pf_h[1];
	return ft_mix(key);
}

struct ftable *ftable_create(unsigned capacity, size_t value_size)
{
	struct ftable *t;
	uint32_t slots = 2;

	if (capacity == 0 || capacity > (1u << 28))
		return NULL;
	while (slots < 2u * capacity)
		slots <<= 1;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->capacity = capacity;
	t->mask = slots - 1;
	t->value_size = value_size ? value_size : 1;
	t->slots = sf_big_alloc(slots, sizeof(uint64_t));
	t->ent = sf_big_alloc(capacity, sizeof(struct ft_entry));
	t->values = t->value_size <= FT_PAGE ? sf_big_alloc(capacity, t->value_size) :
					       calloc(capacity, t->value_size);
	if (!t->slots || !t->ent || !t->values) {
		ftable_destroy(t);
		return NULL;
	}
	memset(t->slots, 0xFF, sizeof(uint64_t) * slots);
	for (unsigned i = 0; i < capacity; i++)
		t->ent[i].next = i + 1 < capacity ? i + 1 : FT_NIL;
	t->free_head = 0;
	t->head = t->tail = FT_NIL;
	t->pf_h[0] = t->pf_h[1] = ft_mix(0);	/* pf_key[] = { 0, 0 } */
	t->st.capacity = capacity;
	return t;
}

void ftable_destroy(struct ftable *t)
{
	if (!t)
		return;
	sf_big_free(t->slots, (size_t)t->mask + 1, sizeof(uint64_t));
	sf_big_free(t->ent, t->capacity, sizeof(struct ft_entry));
	if (t->value_size <= FT_PAGE)
		sf_big_free(t->values, t->capacity, t->value_size);
	else
		free(t->values);
	free(t);
}

static void age_unlink(struct ftable *t, uint32_t i)
{
	struct ft_entry *e = &t->ent[i];

	if (e->prev != FT_NIL)
		t->ent[e->prev].next = e->next;
	else
		t->head = e->next;
	if (e->next != FT_NIL)
		t->ent[e->next].prev = e->prev;
	else
		t->tail = e->prev;
}

static void age_append(struct ftable *t, uint32_t i)
{
	struct ft_entry *e = &t->ent[i];

	e->prev = t->tail;
	e->next = FT_NIL;
	if (t->tail != FT_NIL)
		t->ent[t->tail].next = i;
	else
		t->head = i;
	t->tail = i;
}

/* The slot holding key (hash h), or the free slot that ends its probe. */
static uint32_t ft_lookup_slot(const struct ftable *t, uint64_t key, uint32_t h)
{
	uint32_t s = h & t->mask;

	for (;;) {
		uint64_t w = t->slots[s];

		if (w == FT_EMPTY || (FT_HASH(w) == h && t->ent[FT_IDX(w)].key == key))
			return s;
		s = (s + 1) & t->mask;
	}
}

/* Backward-shift deletion keeps probe sequences intact without tombstones. */
static void slot_delete(struct ftable *t, uint32_t s)
{
	uint32_t j = s;

	t->slots[s] = FT_EMPTY;
	for (;;) {
		uint64_t w;
		uint32_t home;

		j = (j + 1) & t->mask;
		w = t->slots[j];
		if (w == FT_EMPTY)
			return;
		home = FT_HASH(w) & t->mask;
		/* move it back to s unless its home lies cyclically in (s, j] */
		if ((s <= j) ? (home <= s || home > j) : (home <= s && home > j)) {
			t->slots[s] = w;
			t->ent[FT_IDX(w)].slot = s;
			t->slots[j] = FT_EMPTY;
			s = j;
		}
	}
}

static void entry_free(struct ftable *t, uint32_t i)
{
	slot_delete(t, t->ent[i].slot);
	age_unlink(t, i);
	t->ent[i].used = 0;
	t->ent[i].next = t->free_head;
	t->free_head = i;
	t->st.in_use--;
}

void ftable_prefetch(struct ftable *t, uint64_t key)
{
	unsigned k = t->pf_next;
	uint32_t h = ft_mix(key);

	t->pf_next ^= 1;
	t->pf_key[k] = key;
	t->pf_h[k] = h;
	__builtin_prefetch(&t->slots[h & t->mask]);
}

void *ftable_find(struct ftable *t, uint64_t key)
{
	uint32_t i = FT_IDX(t->slots[ft_lookup_slot(t, key, ft_hash(t, key))]);

	return i == FT_NIL ? NULL : t->values + (size_t)i * t->value_size;
}

void *ftable_upsert(struct ftable *t, uint64_t key, uint64_t now_ns, int *created)
{
	uint32_t h = ft_hash(t, key), s = ft_lookup_slot(t, key, h), i = FT_IDX(t->slots[s]);

	if (i != FT_NIL) {
		if (created)
			*created = 0;
		return t->values + (size_t)i * t->value_size;
	}
	if (t->free_head == FT_NIL) {
		entry_free(t, t->head);
		t->st.evictions++;
		s = ft_lookup_slot(t, key, h);	/* deletion may have shifted slots */
	}
	i = t->free_head;
	t->free_head = t->ent[i].next;
	t->ent[i].key = key;
	t->ent[i].stamp = now_ns;
	t->ent[i].slot = s;
	t->ent[i].used = 1;
	t->slots[s] = FT_SLOT(h, i);
	age_append(t, i);
	memset(t->values + (size_t)i * t->value_size, 0, t->value_size);
	t->st.inserts++;
	t->st.in_use++;
	if (created)
		*created = 1;
	return t->values + (size_t)i * t->value_size;
}

void *ftable_upsert_hint(struct ftable *t, uint64_t key, uint64_t now_ns, int *created,
			 uint32_t *hint)
{
	uint32_t i = *hint;
	void *v;

	/* keys are unique in the table: an entry in use holding key is it */
	if (i < t->capacity && t->ent[i].used && t->ent[i].key == key) {
		if (created)
			*created = 0;
		return t->values + (size_t)i * t->value_size;
	}
	v = ftable_upsert(t, key, now_ns, created);
	*hint = ftable_index(t, v);
	return v;
}

void ftable_touch(struct ftable *t, void *value, uint64_t now_ns)
{
	uint32_t i = ftable_index(t, value);

	t->ent[i].stamp = now_ns;
	if (t->tail == i)
		return;	/* already the youngest */
	age_unlink(t, i);
	age_append(t, i);
}

void ftable_remove(struct ftable *t, uint64_t key)
{
	uint32_t i = FT_IDX(t->slots[ft_lookup_slot(t, key, ft_hash(t, key))]);

	if (i != FT_NIL)
		entry_free(t, i);
}

unsigned ftable_expire(struct ftable *t, uint64_t now_ns, uint64_t max_age_ns, unsigned budget)
{
	unsigned n = 0;

	while (n < budget && t->head != FT_NIL &&
	       now_ns > t->ent[t->head].stamp &&
	       now_ns - t->ent[t->head].stamp > max_age_ns) {
		entry_free(t, t->head);
		n++;
	}
	t->st.expirations += n;
	return n;
}

void ftable_stats(const struct ftable *t, struct ftable_stats *out)
{
	*out = t->st;
}

int ftable_full(const struct ftable *t)
{
	return t->free_head == FT_NIL;
}

size_t ftable_bytes(const struct ftable *t)
{
	return ((size_t)t->mask + 1) * sizeof(*t->slots) +
	       (size_t)t->capacity * (sizeof(struct ft_entry) + t->value_size);
}

void *ftable_oldest(struct ftable *t)
{
	return t->head == FT_NIL ? NULL : t->values + (size_t)t->head * t->value_size;
}

void *ftable_newer(struct ftable *t, const void *value)
{
	uint32_t n = t->ent[ftable_index(t, value)].next;

	return n == FT_NIL ? NULL : t->values + (size_t)n * t->value_size;
}

unsigned ftable_index(const struct ftable *t, const void *value)
{
	return (unsigned)(((const uint8_t *)value - t->values) / t->value_size);
}
