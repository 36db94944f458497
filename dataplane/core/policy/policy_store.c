/* SPDX-License-Identifier: BSD-3-Clause */
/* The plain-C list table (policy_store.h): open addressing with linear
 * probing and backward-shift deletion, grown to keep the load under 3/4.
 * One thread only: a grow moves every slot. 32 bytes a slot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_store.h"
#include "sf_hash.h"

struct plain_slot {
	struct pl_key k;	/* k.pad[0] = 1: slot in use */
	void *data;
};

struct plain {
	struct plain_slot *s;
	uint32_t mask, n;
	void (*free_data)(void *);
};

static uint64_t key_hash(const struct pl_key *k)
{
	return sf_mix64(k->a ^ sf_mix64(k->b ^ ((uint64_t)k->set << 40 | (uint64_t)k->alen << 32 |
					       (uint64_t)k->blen << 24 | (uint64_t)k->a_hi << 16 |
					       (uint64_t)k->b_hi << 8)));
}

static int key_eq(const struct pl_key *x, const struct pl_key *y)
{
	return x->a == y->a && x->b == y->b && x->set == y->set && x->alen == y->alen &&
	       x->blen == y->blen && x->a_hi == y->a_hi && x->b_hi == y->b_hi;
}

static int plain_alloc(struct plain *p, uint32_t size)
{
	p->s = calloc(size, sizeof(*p->s));
	if (!p->s)
		return -1;
	p->mask = size - 1;
	return 0;
}

static void *plain_create(uint32_t capacity, void (*free_data)(void *), char *err, size_t errlen)
{
	struct plain *p = calloc(1, sizeof(*p));
	uint32_t size = 16;

	while (size < capacity + capacity / 3 + 1 && size < (1u << 31))
		size *= 2;
	if (!p || plain_alloc(p, size)) {
		free(p);
		snprintf(err, errlen, "out of memory (%u list entries)", capacity);
		return NULL;
	}
	p->free_data = free_data;
	return p;
}

static void plain_destroy(void *t)
{
	struct plain *p = t;

	if (!p)
		return;
	for (uint32_t i = 0; i <= p->mask; i++)
		if (p->s[i].k.pad[0] && p->s[i].data && p->free_data)
			p->free_data(p->s[i].data);
	free(p->s);
	free(p);
}

static struct plain_slot *find(const struct plain *p, const struct pl_key *k)
{
	for (uint32_t i = (uint32_t)key_hash(k) & p->mask;; i = (i + 1) & p->mask) {
		struct plain_slot *s = &p->s[i];

		if (!s->k.pad[0] || key_eq(&s->k, k))
			return s;
	}
}

static int grow(struct plain *p)
{
	struct plain old = *p;

	if (p->mask >= (1u << 30) || plain_alloc(p, (p->mask + 1) * 2)) {
		*p = old;
		return -1;
	}
	for (uint32_t i = 0; i <= old.mask; i++)
		if (old.s[i].k.pad[0])
			*find(p, &old.s[i].k) = old.s[i];
	free(old.s);
	return 0;
}

static int plain_add(void *t, const struct pl_key *k, void *data)
{
	struct plain *p = t;
	struct plain_slot *s;

	if ((uint64_t)(p->n + 1) * 4 > (uint64_t)(p->mask + 1) * 3 && grow(p))
		return -1;
	s = find(p, k);
	if (s->k.pad[0]) {
		if (s->data && s->data != data && p->free_data)
			p->free_data(s->data);
		s->data = data;
		return 1;
	}
	s->k = *k;
	memset(s->k.pad, 0, sizeof(s->k.pad));
	s->k.pad[0] = 1;
	s->data = data;
	p->n++;
	return 0;
}

static int plain_del(void *t, const struct pl_key *k)
{
	struct plain *p = t;
	struct plain_slot *s = find(p, k);
	uint32_t i, j;

	if (!s->k.pad[0])
		return 0;
	if (s->data && p->free_data)
		p->free_data(s->data);
	/* backward shift: move later members of the run into the hole */
	i = (uint32_t)(s - p->s);
	for (j = (i + 1) & p->mask; p->s[j].k.pad[0]; j = (j + 1) & p->mask) {
		uint32_t home = (uint32_t)key_hash(&p->s[j].k) & p->mask;

		/* j may move to i when its home is not in (i, j] cyclically */
		if (((j - home) & p->mask) >= ((j - i) & p->mask)) {
			p->s[i] = p->s[j];
			i = j;
		}
	}
	memset(&p->s[i], 0, sizeof(p->s[i]));
	p->n--;
	return 1;
}

static int plain_lookup(const void *t, const struct pl_key *k, void **data)
{
	const struct plain_slot *s = find(t, k);

	if (!s->k.pad[0])
		return 0;
	*data = s->data;
	return 1;
}

static uint32_t plain_count(const void *t)
{
	return ((const struct plain *)t)->n;
}

static uint32_t plain_capacity(const void *t)
{
	const struct plain *p = t;

	return (p->mask + 1) / 4 * 3;
}

static size_t plain_bytes(const void *t)
{
	const struct plain *p = t;

	return sizeof(*p) + ((size_t)p->mask + 1) * sizeof(struct plain_slot);
}

const struct policy_store_ops policy_store_plain = {
	.name = "plain",
	.create = plain_create,
	.destroy = plain_destroy,
	.add = plain_add,
	.del = plain_del,
	.lookup = plain_lookup,
	.count = plain_count,
	.capacity = plain_capacity,
	.bytes = plain_bytes,
};

static const struct policy_store_ops *cur_ops = &policy_store_plain;

void policy_store_use(const struct policy_store_ops *ops)
{
	cur_ops = ops ? ops : &policy_store_plain;
}

const struct policy_store_ops *policy_store_ops(void)
{
	return cur_ops;
}
