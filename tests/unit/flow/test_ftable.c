/* SPDX-License-Identifier: BSD-3-Clause */
/* flow/ftable: fixed-capacity table with oldest-first eviction and expiry. */
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
	unsigned in_use = 0;

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
			v = ftable_upsert(t, k, stamp, NULL);
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
	RUN(refuses_zero_capacity);
	return TEST_SUMMARY();
}
