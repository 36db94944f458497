/* SPDX-License-Identifier: BSD-3-Clause */
/* flow/ftable: fixed-capacity table with oldest-first eviction and expiry. */
#include <string.h>

#include "flow/ftable.h"
#include "sf_test.h"

struct val {
	uint64_t key;
	uint32_t n;
};

static void insert_find_remove(void)
{
	struct ftable *t = ftable_create(4, sizeof(struct val));
	struct ftable_stats st;
	struct val *v;
	int created;

	CHECK(t != NULL);
	v = ftable_upsert(t, 42, 1, &created);
	CHECK_INT(created, 1);
	CHECK_INT(v->n, 0);
	v->n = 7;
	v = ftable_upsert(t, 42, 2, &created);
	CHECK_INT(created, 0);
	CHECK_INT(v->n, 7);
	CHECK(ftable_find(t, 43) == NULL);
	ftable_remove(t, 42);
	CHECK(ftable_find(t, 42) == NULL);
	ftable_stats(t, &st);
	CHECK_INT(st.in_use, 0);
	CHECK_INT(st.inserts, 1);
	ftable_destroy(t);
}

static void evicts_oldest(void)
{
	struct ftable *t = ftable_create(3, sizeof(struct val));
	struct ftable_stats st;

	for (uint64_t k = 1; k <= 3; k++)
		ftable_upsert(t, k, k, NULL);
	/* touching 1 makes 2 the oldest */
	ftable_touch(t, ftable_find(t, 1), 10);
	ftable_upsert(t, 4, 11, NULL);
	CHECK(ftable_find(t, 2) == NULL);
	CHECK(ftable_find(t, 1) != NULL);
	CHECK(ftable_find(t, 3) != NULL);
	CHECK(ftable_find(t, 4) != NULL);
	ftable_stats(t, &st);
	CHECK_INT(st.evictions, 1);
	CHECK_INT(st.in_use, 3);
	ftable_destroy(t);
}

static void expires_in_budget(void)
{
	struct ftable *t = ftable_create(8, sizeof(struct val));
	unsigned n;

	for (uint64_t k = 1; k <= 6; k++)
		ftable_upsert(t, k, k * 100, NULL);
	/* at 1000 with max age 650: stamps 100..300 are older than 350 */
	n = ftable_expire(t, 1000, 650, 2);
	CHECK_INT(n, 2);
	n = ftable_expire(t, 1000, 650, 10);
	CHECK_INT(n, 1);
	CHECK(ftable_find(t, 3) == NULL);
	CHECK(ftable_find(t, 4) != NULL);
	ftable_destroy(t);
}

/* Random operations against a plain array model; exercises backward-shift
 * deletion across probe chains and wrap-around. */
static void random_ops_match_model(void)
{
	enum { CAP = 64, KEYS = 200, OPS = 200000 };
	struct ftable *t = ftable_create(CAP, sizeof(struct val));
	uint64_t present[KEYS] = { 0 }, stamp = 0, x = 88172645463325252ull;
	uint32_t hint[KEYS];	/* each key's last entry: stale after evictions and removals */
	unsigned in_use = 0;

	memset(hint, 0xFF, sizeof(hint));

	for (int op = 0; op < OPS; op++) {
		uint64_t k, r;
		struct val *v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		r = x;
		k = r % KEYS;
		stamp++;
		switch ((r >> 32) % 3) {
		case 0:
			if (!present[k] && in_use == CAP) {
				/* the model evicts the smallest stamp */
				uint64_t best = 0;
				int bi = -1;

				for (int i = 0; i < KEYS; i++)
					if (present[i] && (bi < 0 || present[i] < best)) {
						best = present[i];
						bi = i;
					}
				present[bi] = 0;
				in_use--;
			}
			/* half of the inserts by the hint a caller kept for the key */
			v = (r >> 40) & 1 ? ftable_upsert_hint(t, k, stamp, NULL, &hint[k]) :
					    ftable_upsert(t, k, stamp, NULL);
			if ((r >> 40) & 1)
				CHECK_INT(hint[k], ftable_index(t, v));
			if (!present[k]) {
				present[k] = stamp;
				in_use++;
				v->key = k;
			}
			CHECK_INT(v->key, k);
			break;
		case 1:
			ftable_remove(t, k);
			if (present[k]) {
				present[k] = 0;
				in_use--;
			}
			break;
		default:
			v = ftable_find(t, k);
			CHECK_INT(v != NULL, present[k] != 0);
			if (v)
				CHECK_INT(v->key, k);
			break;
		}
		if (sf_t_fail_case)
			break;
	}
	for (int i = 0; i < KEYS; i++)
		CHECK_INT(ftable_find(t, (uint64_t)i) != NULL, present[i] != 0);
	ftable_destroy(t);
}

/* A hint is tried first and never trusted: one that is out of range, or
 * names an entry removed and given to another key, leads to a search. */
static void hint_is_checked(void)
{
	struct ftable *t = ftable_create(4, sizeof(struct val));
	struct val *v, *w;
	uint32_t h = 12345, h9 = UINT32_MAX;
	int created;

	v = ftable_upsert_hint(t, 7, 1, &created, &h);
	CHECK_INT(created, 1);
	CHECK_INT(h, ftable_index(t, v));
	v->key = 7;
	w = ftable_upsert_hint(t, 7, 2, &created, &h);
	CHECK_INT(created, 0);
	CHECK(w == v);
	ftable_remove(t, 7);
	w = ftable_upsert_hint(t, 9, 3, &created, &h9);	/* takes 7's old entry */
	CHECK_INT(created, 1);
	CHECK_INT(h9, h);
	w->key = 9;
	v = ftable_upsert_hint(t, 7, 4, &created, &h);
	CHECK_INT(created, 1);
	CHECK(v != w);
	CHECK_INT(w->key, 9);
	CHECK_INT(h, ftable_index(t, v));
	CHECK(ftable_find(t, 9) == w);
	ftable_destroy(t);
}

static void refuses_zero_capacity(void)
{
	CHECK(ftable_create(0, 8) == NULL);
}

int main(void)
{
	RUN(insert_find_remove);
	RUN(evicts_oldest);
	RUN(expires_in_budget);
	RUN(random_ops_match_model);
	RUN(hint_is_checked);
	RUN(refuses_zero_capacity);
	return TEST_SUMMARY();
}
