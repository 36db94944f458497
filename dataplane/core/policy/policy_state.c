/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-lcore behaviour and learning state of the policy engine: 8-way
 * set-associative tables with least-recently-touched eviction, a token
 * bucket and fixed hour/day windows per sender (the regulator's per-number
 * caps), per-pair windows, distinct-recipient counting through the pair
 * table, and a count-min sketch (Cormode & Muthukrishnan 2005) fed through
 * a Bloom filter for distinct senders/recipients per content fingerprint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/ftable.h"
#include "sf_mem.h"
#include "policy_report.h"
#include "policy_state.h"
#include "policy_util.h"

#define WAYS 8
#define NS 1000000000ULL
#define SKETCH_DEPTH 4
#define SALT_SENDERS 0x5be0cd19137e2179ULL
#define SALT_RECIPIENTS 0x1f83d9abfb41bd6bULL
#define SALT_CHANNEL 0x6a09e667f3bcc909ULL	/* a recipient's SMS-bombing channels */

/* The shared tables' counters (policy_table_stats), one set for each
 * policy_state attached, summed when read: an insert then adds to its own
 * lcore's cache line with plain stores instead of a locked add on a line
 * every lcore writes. COUNT_SLOTS covers RTE_MAX_LCORE (128 in Debian's
 * DPDK); states attached beyond it share the last set, with atomic adds. */
enum { T_SENDERS, T_PAIRS, T_RECIPIENTS, T_IMSI, T_N };
#define COUNT_SLOTS 128
struct table_counts {
	struct policy_table_stats t[T_N];
} __attribute__((aligned(64)));

/* Tables of population size (a 10 M-subscriber network: 2.2 GiB) come
 * from sf_big_alloc (sf_mem.h): huge pages, faulted in when they are made. */

/* A shield in the local overlay (a flow table, flow/ftable.h: exact
 * capacity, single writer). */
struct shield_ent {
	uint64_t set_ns;	/* when it was last set or cancelled */
	int8_t state;		/* 1 shielded, -1 cancelled */
};

/* ---- IMSI learned from SRI-SM: shared by every lcore ----
 * An SRI-SM result seen by one lcore serves the MT-ForwardSM that another
 * decides: one table for all, not a copy per lcore fed by facts. Numbers
 * are packed as integers (digits, length in the top bits), so a slot is
 * four words: a sequence word (odd while a writer fills the slot), the
 * packed IMSI (the exact key), the packed canonical MSISDN and the time it
 * was learned. Writers take a slot with one compare-and-swap of its
 * sequence word and never wait (a slot another lcore is filling at that
 * instant is left to it, counted as refused); readers copy the slot and
 * retry when the sequence word moved (a seqlock). Two buckets of 8 slots
 * per key, keyed hash, each bucket's keys also in one line of their own
 * (struct ibucket) so that a search touches a line per bucket, not all
 * eight slots; a full pair of buckets gives up its least recently learned
 * slot (an eviction; expired when it had timed out). */

struct islot {
	uint64_t seq;		/* even: stable; odd: being written */
	uint64_t key;		/* packed IMSI, 0 = free */
	uint64_t msisdn;	/* packed canonical MSISDN */
	uint64_t learned_ns;
};

/* A bucket: its slots' keys in one cache line first, so that a search
 * reads one line per bucket and then the one slot whose key matches. The
 * line is a copy for the search (written after its slot); the slot's own
 * key, read under its sequence word, decides. */
struct ibucket {
	uint64_t tag[WAYS];	/* slot[w].key, 0 = free */
	struct islot slot[WAYS];
};

struct policy_state {
	struct ftable *shields;
	uint64_t shields_refused;
	struct policy_shared *shared;	/* behaviour counts, shared by every lcore */
	int own_shared;
	struct policy_config shared_cfg;
	uint64_t shield_lenmask;	/* port lengths present in the overlay */
	uint64_t content_win;		/* window index + 1 (for the rollover count) */
	uint64_t content_windows;
	uint64_t imsi_ttl_ns, shield_ttl_ns;	/* reuse of timed-out entries (create-time config) */
	struct policy_table_stats *cnt;	/* this state's counters of the shared tables [T_N] */
	int cnt_atomic;			/* cnt is the last, shared set */
};

struct policy_state *policy_state_create(const struct policy_config *c, char *err, size_t errlen)
{
	struct policy_state *st = calloc(1, sizeof(*st));

	if (!st)
		goto oom;
	st->shields = ftable_create(c->shields_max, sizeof(struct shield_ent));
	if (!st->shields)
		goto oom;
	st->shared_cfg = *c;	/* sizes of the private shared state, made on first use */
	st->imsi_ttl_ns = (uint64_t)c->imsi_ttl_s * NS;
	st->shield_ttl_ns = (uint64_t)c->shield_ttl_s * NS;
	return st;
oom:
	if (err && errlen)
		snprintf(err, errlen, "policy state: out of memory");
	policy_state_free(st);
	return NULL;
}

void policy_state_free(struct policy_state *st)
{
	if (!st)
		return;
	ftable_destroy(st->shields);
	if (st->own_shared)
		policy_shared_free(st->shared);
	free(st);
}

/* Keyed: "00000" senders choose subscriber and port, so they must not be
 * able to aim at a victim's bucket (issue 15 item 13). */
static uint64_t shield_key(const char *sub, size_t sl, const char *port, size_t pl)
{
	char buf[2 * (SF_TPADDR_MAX + 1) + 1];

	memcpy(buf, sub, sl);
	buf[sl] = '|';
	memcpy(buf + sl + 1, port, pl);
	return pu_hash(buf, sl + 1 + pl, 0x5348494cULL);
}

void policy_state_shield(struct policy_state *st, int add, const char *subscriber,
			 const char *port, uint64_t now_ns)
{
	struct shield_ent *e;
	uint64_t key;
	size_t sl, pl;
	int created;

	if (!subscriber || !port)
		return;
	sl = strlen(subscriber);
	pl = strlen(port);
	if (!sl || !pl || sl > SF_TPADDR_MAX || pl >= 64)
		return;
	key = shield_key(subscriber, sl, port, pl);
	e = ftable_find(st->shields, key);
	if (!e && ftable_full(st->shields)) {
		/* room from a timed-out shield (the oldest first), never a live one */
		ftable_expire(st->shields, now_ns, st->shield_ttl_ns, 1);
		if (ftable_full(st->shields)) {
			st->shields_refused++;	/* counted; the control plane still gets the event */
			return;
		}
	}
	if (!e)
		e = ftable_upsert(st->shields, key, now_ns, &created);
	ftable_touch(st->shields, e, now_ns);
	e->set_ns = now_ns;
	e->state = add ? 1 : -1;
	st->shield_lenmask |= 1ULL << pl;
}

int policy_state_shielded(struct policy_state *st, const struct policy_config *c,
			  const char *subscriber, const char *sender, uint64_t now_ns)
{
	size_t sl, nl;

	if (!st->shield_lenmask || !subscriber || !sender)
		return 0;
	sl = strlen(subscriber);
	nl = strlen(sender);
	if (!sl || !nl || sl > SF_TPADDR_MAX || nl > SF_TPADDR_MAX)
		return 0;
	for (int k = (int)nl; k >= 1; k--) {
		struct shield_ent *e;

		if (k >= 64 || !(st->shield_lenmask & (1ULL << k)))
			continue;
		e = ftable_find(st->shields, shield_key(subscriber, sl, sender, (size_t)k));
		if (e && now_ns >= e->set_ns && now_ns - e->set_ns <= (uint64_t)c->shield_ttl_s * NS)
			return e->state;
	}
	return 0;
}

/* ---- behaviour, shared by all lcores ----
 * Lock-free open-addressing tables with exact 64-bit keys (keyed hashes,
 * linear probing over PROBE slots) for senders, (sender, recipient) pairs
 * and recipients, and two count-min sketches for the same-text checks.
 * Every counter carries its window in its upper 32 bits and is updated by
 * compare-and-swap, so a new window needs no sweep and several lcores can
 * count the same key: the verdicts do not depend on how packets are spread
 * over lcores. A slot not touched for its table's lifetime is taken over
 * by a new key (expired); a key whose PROBE slots all hold live keys takes
 * the least recently used one (counted as an eviction). */

#define PROBE 32

struct sslot {			/* a sender */
	uint64_t key;		/* 0 = free */
	uint64_t touched;	/* minute of the last message << 32 */
	uint64_t tat;		/* token bucket: GCRA theoretical arrival time, ns */
	uint64_t hour, day, fan;	/* (window << 32) | count */
};

struct pslot {			/* a (sender, recipient) pair */
	uint64_t key;
	uint64_t touched;	/* minute << 32 */
	uint64_t pair;		/* (pair window << 32) | messages */
	uint64_t fan_mark;	/* fan-out window the pair was counted in, << 32 */
	uint64_t rcpt_mark;	/* recipient window the pair was counted in, << 32 */
};

struct rslot {			/* a recipient (SMS bombing) */
	uint64_t key;
	uint64_t msgs, allowed, senders;	/* (window << 32) | count; msgs's window ages the slot */
};

struct policy_shared {
	struct sslot *s;
	struct pslot *p;
	struct rslot *r;
	uint64_t smask, pmask, rmask;
	uint64_t *cms;			/* SKETCH_DEPTH rows, (window << 32) | count */
	uint32_t *nov;			/* SKETCH_DEPTH rows, the window a cell was last marked in */
	uint64_t cms_mask, nov_mask;
	struct ibucket *im;		/* IMSI → MSISDN, two buckets per key */
	uint64_t ibmask;		/* IMSI buckets - 1 */
	uint64_t capacity[T_N];
	struct table_counts *cnt;	/* COUNT_SLOTS sets */
	uint32_t n_cnt;			/* sets handed out (atomic) */
};

static uint64_t pow2_at_least(uint64_t n, uint64_t max)
{
	uint64_t x = 64;

	while (x < n && x < max)
		x *= 2;
	return x;
}

struct policy_shared *policy_shared_create(const struct policy_config *c, char *err, size_t errlen)
{
	struct policy_shared *sh = calloc(1, sizeof(*sh));
	uint64_t ns = pow2_at_least(c->senders_max, 1ULL << 30);
	uint64_t np = pow2_at_least(c->pairs_max, 1ULL << 30);
	uint64_t nr = pow2_at_least(c->recipients_max, 1ULL << 30);
	uint64_t w = pow2_at_least(c->sketch_width, 1ULL << 24);
	uint64_t nw = pow2_at_least(c->sketch_bloom_bits / 64, 1ULL << 24);
	uint64_t ib = 1;

	while (ib * WAYS < c->imsi_max)
		ib *= 2;
	if (sh) {
		sh->ibmask = ib - 1;
		sh->im = sf_big_alloc(ib, sizeof(*sh->im));
		sh->smask = ns - 1;	/* before anything is allocated: the free sizes */
		sh->pmask = np - 1;
		sh->rmask = nr - 1;
		sh->cms_mask = w - 1;
		sh->nov_mask = nw - 1;
		sh->s = sf_big_alloc(ns, sizeof(*sh->s));
		sh->p = sf_big_alloc(np, sizeof(*sh->p));
		sh->r = sf_big_alloc(nr, sizeof(*sh->r));
		sh->cms = sf_big_alloc(SKETCH_DEPTH * w, sizeof(uint64_t));
		sh->nov = sf_big_alloc(SKETCH_DEPTH * nw, sizeof(uint32_t));
		sh->cnt = aligned_alloc(64, COUNT_SLOTS * sizeof(struct table_counts));
		if (sh->cnt)
			memset(sh->cnt, 0, COUNT_SLOTS * sizeof(struct table_counts));
	}
	if (!sh || !sh->s || !sh->p || !sh->r || !sh->cms || !sh->nov || !sh->im || !sh->cnt) {
		if (err && errlen)
			snprintf(err, errlen, "policy shared state: out of memory");
		policy_shared_free(sh);
		return NULL;
	}
	sh->capacity[T_SENDERS] = ns;
	sh->capacity[T_PAIRS] = np;
	sh->capacity[T_RECIPIENTS] = nr;
	sh->capacity[T_IMSI] = ib * WAYS;
	return sh;
}

void policy_shared_free(struct policy_shared *sh)
{
	if (!sh)
		return;
	sf_big_free(sh->s, sh->smask + 1, sizeof(*sh->s));
	sf_big_free(sh->p, sh->pmask + 1, sizeof(*sh->p));
	sf_big_free(sh->r, sh->rmask + 1, sizeof(*sh->r));
	sf_big_free(sh->cms, SKETCH_DEPTH * (sh->cms_mask + 1), sizeof(uint64_t));
	sf_big_free(sh->nov, SKETCH_DEPTH * (sh->nov_mask + 1), sizeof(uint32_t));
	sf_big_free(sh->im, sh->ibmask + 1, sizeof(*sh->im));
	free(sh->cnt);
	free(sh);
}

/* One more in a counter of this state's set (plain stores: one writer). */
static void stat_add(const struct policy_state *st, uint64_t *x)
{
	if (st->cnt_atomic)
		__atomic_fetch_add(x, 1, __ATOMIC_RELAXED);
	else
		__atomic_store_n(x, __atomic_load_n(x, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

/* Hands st a set of counters of sh. */
static void counts_attach(struct policy_state *st, struct policy_shared *sh)
{
	uint32_t i = __atomic_fetch_add(&sh->n_cnt, 1, __ATOMIC_RELAXED);

	st->cnt_atomic = i >= COUNT_SLOTS - 1;
	st->cnt = sh->cnt[st->cnt_atomic ? COUNT_SLOTS - 1 : i].t;
}

/* Table t's counters, every set summed (each word read atomically; the
 * sum is of moments a few nanoseconds apart). */
static struct policy_table_stats counts_sum(const struct policy_shared *sh, unsigned t, size_t esz)
{
	struct policy_table_stats r = { .capacity = sh->capacity[t] };
	uint32_t n = __atomic_load_n(&sh->n_cnt, __ATOMIC_RELAXED);

	for (uint32_t i = 0; i < n && i < COUNT_SLOTS; i++) {
		const struct policy_table_stats *c = &sh->cnt[i].t[t];

		r.used += __atomic_load_n(&c->used, __ATOMIC_RELAXED);
		r.inserts += __atomic_load_n(&c->inserts, __ATOMIC_RELAXED);
		r.evictions += __atomic_load_n(&c->evictions, __ATOMIC_RELAXED);
		r.expired += __atomic_load_n(&c->expired, __ATOMIC_RELAXED);
		r.refused += __atomic_load_n(&c->refused, __ATOMIC_RELAXED);
	}
	r.bytes = r.capacity * esz;
	return r;
}

void policy_shared_stats(const struct policy_shared *sh, struct policy_table_stats *senders,
			 struct policy_table_stats *pairs, struct policy_table_stats *recipients)
{
	*senders = counts_sum(sh, T_SENDERS, sizeof(struct sslot));
	*pairs = counts_sum(sh, T_PAIRS, sizeof(struct pslot));
	*recipients = counts_sum(sh, T_RECIPIENTS, sizeof(struct rslot));
}

void policy_state_stats(const struct policy_state *st, struct policy_state_stats *out)
{
	struct ftable_stats fs;

	memset(out, 0, sizeof(*out));
	ftable_stats(st->shields, &fs);
	out->shields.capacity = fs.capacity;
	out->shields.bytes = ftable_bytes(st->shields);
	out->shields.used = fs.in_use;
	out->shields.inserts = fs.inserts;
	out->shields.evictions = fs.evictions;	/* never: a full overlay refuses */
	out->shields.expired = fs.expirations;
	out->shields.refused = st->shields_refused;
	if (st->shared) {
		const struct policy_shared *sh = st->shared;

		policy_shared_stats(sh, &out->senders, &out->pairs, &out->recipients);
		out->imsi = counts_sum(sh, T_IMSI, 0);
		out->imsi.bytes = (sh->ibmask + 1) * sizeof(struct ibucket);
		out->sketch_bytes = SKETCH_DEPTH * ((sh->cms_mask + 1) * sizeof(uint64_t) +
						    (sh->nov_mask + 1) * sizeof(uint32_t));
	}
	out->content_windows = st->content_windows;
}

/* The shared state: the attached one, else this state's own, made on first
 * use (NULL if that allocation fails: behaviour is then not counted). */
static struct policy_shared *shared_of(struct policy_state *st)
{
	if (!st->shared) {
		st->shared = policy_shared_create(&st->shared_cfg, NULL, 0);
		st->own_shared = st->shared != NULL;
		if (st->shared)
			counts_attach(st, st->shared);
	}
	return st->shared;
}

void policy_state_attach_shared(struct policy_state *st, struct policy_shared *sh)
{
	if (st->own_shared)
		policy_shared_free(st->shared);
	st->own_shared = 0;
	st->shared = sh;
	st->cnt = NULL;
	if (sh)
		counts_attach(st, sh);
}

#define PACK_MAX_DIGITS 17	/* 10^17 < 2^59: five bits left for the length */

/* "46000…" → (len << 59) | value; 0 if not 1..PACK_MAX_DIGITS digits. */
static uint64_t pack_number(const char *d, size_t n)
{
	if (n == 0 || n > PACK_MAX_DIGITS)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!pu_is_digit(d[i]))
			return 0;
	return ((uint64_t)n << 59) | pu_digits_value(d, n);
}

static void unpack_number(uint64_t p, char *out)
{
	size_t n = (size_t)(p >> 59);

	pu_digits_write(p & ((1ULL << 59) - 1), n, out);
	out[n] = 0;
}

static void islot_buckets(const struct policy_shared *sh, uint64_t key, struct ibucket *b[2])
{
	uint64_t h = sf_hash_u64(key ^ 0x494d5349ULL);
	size_t b0 = (size_t)(h & sh->ibmask), b1 = (size_t)((h >> 32) & sh->ibmask);

	if (b1 == b0)
		b1 = (b0 ^ 1) & sh->ibmask;
	b[0] = &sh->im[b0];
	b[1] = &sh->im[b1];
}

/* A consistent copy of slot e if it holds key: 1 and *msisdn, *learned. */
static int islot_read(const struct islot *e, uint64_t key, uint64_t *msisdn, uint64_t *learned)
{
	for (int tries = 0; tries < 4; tries++) {
		uint64_t s1 = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE), s2, k, m, t;

		if (s1 & 1)
			continue;
		k = __atomic_load_n(&e->key, __ATOMIC_RELAXED);
		m = __atomic_load_n(&e->msisdn, __ATOMIC_RELAXED);
		t = __atomic_load_n(&e->learned_ns, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);
		if (s1 != s2)
			continue;
		if (k != key)
			return 0;
		*msisdn = m;
		*learned = t;
		return 1;
	}
	return 0;	/* rewritten under us four times: as if absent */
}

/* The slot for key in its two buckets (racy reads: the CAS decides): its
 * own, else an empty one of the emptier bucket, else the least recently
 * learned of the 16. *tag gets the bucket's key line entry for it. */
static struct islot *islot_pick(struct policy_shared *sh, uint64_t key, uint64_t **tag)
{
	unsigned nempty[2] = { 0, 0 }, empty[2] = { WAYS, WAYS }, vb = 0, vw = WAYS;
	struct ibucket *b[2];

	islot_buckets(sh, key, b);
	for (unsigned i = 0; i < 2; i++)
		for (unsigned w = 0; w < WAYS; w++) {
			uint64_t k = __atomic_load_n(&b[i]->tag[w], __ATOMIC_RELAXED);

			if (k == key) {
				*tag = &b[i]->tag[w];
				return &b[i]->slot[w];
			}
			if (k == 0) {
				if (empty[i] == WAYS)
					empty[i] = w;
				nempty[i]++;
			}
		}
	if (nempty[0] || nempty[1]) {
		unsigned i = nempty[1] > nempty[0];

		*tag = &b[i]->tag[empty[i]];
		return &b[i]->slot[empty[i]];
	}
	/* both full: the least recently learned slot */
	for (unsigned i = 0; i < 2; i++)
		for (unsigned w = 0; w < WAYS; w++)
			if (vw == WAYS || __atomic_load_n(&b[i]->slot[w].learned_ns, __ATOMIC_RELAXED) <
						  __atomic_load_n(&b[vb]->slot[vw].learned_ns, __ATOMIC_RELAXED)) {
				vb = i;
				vw = w;
			}
	*tag = &b[vb]->tag[vw];
	return &b[vb]->slot[vw];
}

void policy_state_learn_imsi(struct policy_state *st, const char *imsi, const char *msisdn,
			     unsigned ton, uint64_t now_ns)
{
	char canon[SF_TPADDR_MAX + 1];
	struct policy_shared *sh;
	struct islot *e;
	uint64_t key, m, s, k0, *tag;
	int cl;

	if (!imsi || !msisdn || !(key = pack_number(imsi, strlen(imsi))))
		return;
	if ((cl = policy_canon_addr(msisdn, ton, canon, sizeof(canon))) < 0 ||
	    !(m = pack_number(canon, (size_t)cl)))
		return;
	sh = shared_of(st);
	if (!sh || !(e = islot_pick(sh, key, &tag)))
		return;
	s = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);
	if ((s & 1) || !__atomic_compare_exchange_n(&e->seq, &s, s + 1, 0, __ATOMIC_ACQUIRE,
						    __ATOMIC_RELAXED)) {
		stat_add(st, &st->cnt[T_IMSI].refused);	/* another lcore is filling it */
		return;
	}
	k0 = __atomic_load_n(&e->key, __ATOMIC_RELAXED);
	if (k0 != key) {
		stat_add(st, &st->cnt[T_IMSI].inserts);
		if (k0 == 0)
			stat_add(st, &st->cnt[T_IMSI].used);
		else if (now_ns >= e->learned_ns && now_ns - e->learned_ns > st->imsi_ttl_ns)
			stat_add(st, &st->cnt[T_IMSI].expired);
		else
			stat_add(st, &st->cnt[T_IMSI].evictions);
	}
	__atomic_store_n(&e->key, key, __ATOMIC_RELAXED);
	__atomic_store_n(&e->msisdn, m, __ATOMIC_RELAXED);
	__atomic_store_n(&e->learned_ns, now_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&e->seq, s + 2, __ATOMIC_RELEASE);
	__atomic_store_n(tag, key, __ATOMIC_RELAXED);
}

int policy_state_imsi(struct policy_state *st, const struct policy_config *c, const char *imsi,
		      uint64_t now_ns, uint64_t *age_ns, char *msisdn, size_t cap)
{
	const struct policy_shared *sh = st->shared;
	uint64_t key, m, t;
	struct ibucket *b[2];

	if (!sh || !imsi || !(key = pack_number(imsi, strlen(imsi))))
		return 0;
	islot_buckets(sh, key, b);
	for (int i = 0; i < 2; i++)
		for (size_t w = 0; w < WAYS; w++) {
			if (__atomic_load_n(&b[i]->tag[w], __ATOMIC_RELAXED) != key ||
			    !islot_read(&b[i]->slot[w], key, &m, &t))
				continue;
			if (now_ns < t || now_ns - t > (uint64_t)c->imsi_ttl_s * NS ||
			    (msisdn && (size_t)(m >> 59) + 1 > cap))
				return 0;
			if (age_ns)
				*age_ns = now_ns - t;
			if (msisdn)
				unpack_number(m, msisdn);
			return 1;
		}
	return 0;
}

/* The counter's value in window win (0 if it belongs to another one). */
static uint32_t cell_get(uint64_t *cell, uint32_t win)
{
	uint64_t v = __atomic_load_n(cell, __ATOMIC_RELAXED);

	return (uint32_t)(v >> 32) == win ? (uint32_t)v : 0;
}

/* Add 1 in window win; the new count. */
static uint32_t cell_inc(uint64_t *cell, uint32_t win)
{
	uint64_t old = __atomic_load_n(cell, __ATOMIC_RELAXED), nv;

	do {
		if ((uint32_t)(old >> 32) != win)
			nv = (uint64_t)win << 32 | 1;
		else if ((uint32_t)old == UINT32_MAX)
			return UINT32_MAX;
		else
			nv = old + 1;
	} while (!__atomic_compare_exchange_n(cell, &old, nv, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return (uint32_t)nv;
}

/* Mark the cell with window win; 1 if this call moved it there (first). */
static int mark_once(uint64_t *cell, uint32_t win)
{
	uint64_t old = __atomic_load_n(cell, __ATOMIC_RELAXED);

	while ((uint32_t)(old >> 32) != win)
		if (__atomic_compare_exchange_n(cell, &old, (uint64_t)win << 32, 1,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return 1;
	return 0;
}

/* Find or claim the slot of key (nonzero) among PROBE slots from its home:
 * the key, else a free slot, else one whose age word (the one after the
 * key: window or minute << 32, with a count below) is below stale_before
 * (expired), else the least recently used one: the lowest age word, i.e.
 * the oldest window or minute and, within it, the lowest count (counted
 * as an eviction). Learned state, so it is bounded: a flood of new keys
 * takes the slots of idle ones, never the new keys' counting. NULL only
 * when another lcore took the chosen slot in the same instant (counted as
 * refused). An lcore still adding to a slot that was just taken over adds
 * one count to the new key at most. */
static void *slot_get(const struct policy_state *st, void *base, size_t esz, uint64_t mask,
		      uint64_t key, uint32_t stale_before, unsigned t)
{
	uint64_t home = key & mask;
	uint64_t *stale = NULL, *lru = NULL;
	uint64_t stale_key = 0, lru_key = 0, lru_age = UINT64_MAX;
	struct policy_table_stats *ts = &st->cnt[t];

	for (uint64_t i = 0; i < PROBE; i++) {
		uint64_t *k = (uint64_t *)(void *)((uint8_t *)base + ((home + i) & mask) * esz);
		uint64_t cur = __atomic_load_n(k, __ATOMIC_ACQUIRE), zero = 0, age;

		if (cur == key)
			return k;
		if (cur == 0) {
			if (__atomic_compare_exchange_n(k, &zero, key, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
				stat_add(st, &ts->used);
				stat_add(st, &ts->inserts);
				return k;
			}
			if (zero == key)
				return k;
			continue;
		}
		age = __atomic_load_n(k + 1, __ATOMIC_RELAXED);
		if (!stale && (uint32_t)(age >> 32) < stale_before) {
			stale = k;
			stale_key = cur;
		}
		if (age < lru_age) {
			lru = k;
			lru_key = cur;
			lru_age = age;
		}
	}
	if (!stale) {
		stale = lru;
		stale_key = lru_key;
	}
	if (stale && __atomic_compare_exchange_n(stale, &stale_key, key, 0,
						 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		for (size_t j = 1; j < esz / sizeof(uint64_t); j++)
			__atomic_store_n(stale + j, 0, __ATOMIC_RELAXED);
		stat_add(st, &ts->inserts);
		stat_add(st, stale == lru && lru_age >> 32 >= stale_before ? &ts->evictions : &ts->expired);
		return stale;
	}
	stat_add(st, &ts->refused);
	return NULL;
}

static uint64_t nz(uint64_t h)
{
	return h ? h : 1;
}

static uint64_t mix2(uint64_t a, uint64_t b)
{
	return nz(pu_mix64(a ^ (b * 0x9e3779b97f4a7c15ULL) ^ (b >> 29)));
}

/* The cell of row r for x in rows of mask + 1 cells. */
static size_t sketch_cell(uint64_t mask, uint64_t x, uint32_t r)
{
	return (size_t)r * (mask + 1) + (pu_mix64(x + (r + 1) * 0x9e3779b97f4a7c15ULL) & mask);
}

/* Windowed count-min sketch (Cormode & Muthukrishnan 2005) with epoch
 * cells: add 1 in window win (if add) and return the minimum over the rows
 * of this window's counts. */
static uint32_t ecms(uint64_t *rows, uint64_t mask, uint64_t x, uint32_t win, int add)
{
	uint32_t min = UINT32_MAX;

	for (uint32_t r = 0; r < SKETCH_DEPTH; r++) {
		uint64_t *cell = rows + sketch_cell(mask, x, r);
		uint32_t v = add ? cell_inc(cell, win) : cell_get(cell, win);

		if (v < min)
			min = v;
	}
	return min;
}

/* The novelty sketch, a Bloom filter whose cells hold the window they were
 * last set in: 1 if the (text, party) pair x had not been seen in window
 * win (one of its cells holds an older window), and sets it. Loads only
 * for a pair seen before, and plain stores for a new one: marking is
 * idempotent, so it needs no locked instruction (a compare-and-swap
 * would be a full barrier, with a cache miss in it, four times a pair).
 * Two lcores seeing one new pair at once may both count it, as they could
 * with counting cells; a store that lands after another lcore has moved
 * the cell into the next window takes it back, which can count a pair
 * once more in a window that has just begun. */
static int novel(uint32_t *rows, uint64_t mask, uint64_t x, uint32_t win)
{
	uint32_t *cell[SKETCH_DEPTH], v[SKETCH_DEPTH];
	int fresh = 0;

	for (uint32_t r = 0; r < SKETCH_DEPTH; r++) {
		cell[r] = rows + sketch_cell(mask, x, r);
		v[r] = __atomic_load_n(cell[r], __ATOMIC_RELAXED);
		fresh |= v[r] != win;
	}
	if (fresh)
		for (uint32_t r = 0; r < SKETCH_DEPTH; r++)
			if (v[r] < win)
				__atomic_store_n(cell[r], win, __ATOMIC_RELAXED);
	return fresh;
}

/* The cells of x in rows of cells of esz bytes (either sketch). */
static void sketch_prefetch(const void *rows, size_t esz, uint64_t mask, uint64_t x)
{
	for (uint32_t r = 0; r < SKETCH_DEPTH; r++)
		__builtin_prefetch((const uint8_t *)rows + sketch_cell(mask, x, r) * esz, 1);
}

/* The recipient slot of a channel: the channel of services keeps the
 * recipient's key */
static uint64_t rslot_key(uint64_t kr, unsigned channel)
{
	return channel && kr ? mix2(kr, SALT_CHANNEL + channel) : kr;
}

void policy_state_prefetch_parties(struct policy_state *st, const struct policy_keys *k,
				   uint64_t kr_bomb, unsigned channel)
{
	struct policy_shared *sh = shared_of(st);

	if (!sh)
		return;
	if (k->ks) {
		__builtin_prefetch(&sh->s[k->ks & sh->smask], 1);
		if (k->kr)
			__builtin_prefetch(&sh->p[mix2(k->ks, k->kr) & sh->pmask], 1);
		if (kr_bomb && kr_bomb != k->kr)
			__builtin_prefetch(&sh->p[mix2(k->ks, kr_bomb) & sh->pmask], 1);
	}
	if (kr_bomb)
		__builtin_prefetch(&sh->r[rslot_key(kr_bomb, channel) & sh->rmask], 1);
}

void policy_state_prefetch_text(struct policy_state *st, const struct policy_keys *k, uint64_t fp)
{
	struct policy_shared *sh = shared_of(st);

	if (!sh || !fp || !k->ks)
		return;
	sketch_prefetch(sh->nov, sizeof(*sh->nov), sh->nov_mask, mix2(fp ^ SALT_SENDERS, k->ks_stable));
	sketch_prefetch(sh->cms, sizeof(*sh->cms), sh->cms_mask, fp ^ SALT_SENDERS);
	if (k->kr) {
		sketch_prefetch(sh->nov, sizeof(*sh->nov), sh->nov_mask, mix2(fp ^ SALT_RECIPIENTS, k->kr_stable));
		sketch_prefetch(sh->cms, sizeof(*sh->cms), sh->cms_mask, fp ^ SALT_RECIPIENTS);
	}
}

/* Token bucket as GCRA (ITU-T I.371): one word, the theoretical arrival
 * time; a message conforms if it is at most tau ahead of now. 1 if over. */
static int gcra_over(uint64_t *tat, uint64_t now, uint64_t t, uint64_t tau)
{
	uint64_t old = __atomic_load_n(tat, __ATOMIC_RELAXED), at, nv;

	do {
		at = old > now ? old : now;
		if (at - now > tau)
			return 1;
		nv = at + t;
	} while (!__atomic_compare_exchange_n(tat, &old, nv, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return 0;
}

static int over(uint32_t limit, uint32_t count, uint32_t id, struct policy_behaviour *out)
{
	if (limit && count > limit && !out->policy_id) {
		out->policy_id = id;
		out->count = count;
		out->limit = limit;
		return 1;
	}
	return 0;
}

void policy_state_keys(const char *sender, const char *recipient, struct policy_keys *k)
{
	policy_state_keys_n(sender, sender ? strlen(sender) : 0, recipient,
			    recipient ? strlen(recipient) : 0, k);
}

void policy_state_keys_n(const char *sender, size_t sl, const char *recipient, size_t rl,
			 struct policy_keys *k)
{
	k->ks = sl ? pu_hash(sender, sl, 0x53454e44ULL) : 0;
	k->ks_stable = sl ? pu_hash_stable(sender, sl, 0x53454e44ULL) : 0;
	k->kr = rl ? pu_hash(recipient, rl, 0x52435054ULL) : 0;
	k->kr_stable = rl ? pu_hash_stable(recipient, rl, 0x52435054ULL) : 0;
}

uint64_t policy_state_key(const char *recipient)
{
	size_t rl = recipient ? strlen(recipient) : 0;

	return rl ? pu_hash(recipient, rl, 0x52435054ULL) : 0;
}

uint32_t policy_state_behaviour(struct policy_state *st, const struct policy_config *c,
				const char *sender, const char *recipient, uint64_t fp,
				uint64_t now_ns, struct policy_behaviour *out)
{
	struct policy_keys k;

	policy_state_keys(sender, recipient, &k);
	return policy_state_behaviour_keys(st, c, &k, fp, now_ns, out);
}

uint32_t policy_state_behaviour_keys(struct policy_state *st, const struct policy_config *c,
				     const struct policy_keys *k, uint64_t fp, uint64_t now_ns,
				     struct policy_behaviour *out)
{
	struct policy_shared *sh = shared_of(st);
	uint64_t now_s = now_ns / NS, ks = k->ks, kr = k->kr, ks_stable = k->ks_stable,
		 kr_stable = k->kr_stable;
	uint32_t now_min = (uint32_t)(now_s / 60) + 1;
	struct sslot *s;
	int burst_over = 0;
	uint32_t hour_win = (uint32_t)(now_s / 3600) + 1;
	uint32_t day_win = (uint32_t)(((int64_t)now_s + c->utc_offset_min * 60) / 86400) + 1;
	/* windows of 0 s (a config not built by policy_config_set) act as 1 s */
	uint32_t pair_w = c->pair_window_s ? c->pair_window_s : 1;
	uint32_t fan_w = c->fanout_window_s ? c->fanout_window_s : 1;
	uint32_t content_w = c->content_window_s ? c->content_window_s : 1;
	uint32_t fan_win = (uint32_t)(now_s / fan_w) + 1;
	uint32_t hour_n, day_n, fan_n;

	memset(out, 0, sizeof(*out));
	/* the sketches see secret-free hashes (ks_stable, kr_stable): their
	 * estimates decide */
	if (!ks || !sh)
		return 0;

	/* per sender: token bucket, hour and local-day windows; a sender idle
	 * for a day has nothing left to count */
	s = slot_get(st, sh->s, sizeof(*sh->s), sh->smask, ks, now_min > 1441 ? now_min - 1441 : 0, T_SENDERS);
	if (s) {
		__atomic_store_n(&s->touched, (uint64_t)now_min << 32, __ATOMIC_RELAXED);
		if (c->sender_burst) {
			/* refill_per_min tokens a minute; none: one a day */
			uint64_t t = c->sender_refill_per_min ? 60 * NS / c->sender_refill_per_min : 86400 * NS;
			uint64_t tau = (uint64_t)(c->sender_burst - 1) > UINT64_MAX / t ? UINT64_MAX
				     : (uint64_t)(c->sender_burst - 1) * t;

			burst_over = gcra_over(&s->tat, now_ns, t, tau);
		}
		hour_n = cell_inc(&s->hour, hour_win);
		day_n = cell_inc(&s->day, day_win);

		/* per (sender, recipient): window count; a pair new in the
		 * sender's fan-out window adds one distinct recipient */
		if (kr) {
			uint32_t pair_win = (uint32_t)(now_s / pair_w) + 1;
			uint32_t ttl_min = (pair_w > fan_w ? pair_w : fan_w) / 60 + 2;
			struct pslot *p = slot_get(st, sh->p, sizeof(*sh->p), sh->pmask, mix2(ks, kr),
						   now_min > ttl_min ? now_min - ttl_min : 0, T_PAIRS);
			uint32_t pair_n = 0;

			fan_n = cell_get(&s->fan, fan_win);
			if (p) {
				__atomic_store_n(&p->touched, (uint64_t)now_min << 32, __ATOMIC_RELAXED);
				pair_n = cell_inc(&p->pair, pair_win);
				if (mark_once(&p->fan_mark, fan_win))
					fan_n = cell_inc(&s->fan, fan_win);
			}
			if (burst_over)
				over(1, 2, POLICY_ID_RATE_BUCKET, out);
			over(c->sender_per_hour, hour_n, POLICY_ID_RATE_HOUR, out);
			over(c->sender_per_day, day_n, POLICY_ID_RATE_DAY, out);
			over(c->pair_max, pair_n, POLICY_ID_RATE_PAIR, out);
			over(c->fanout_max, fan_n, POLICY_ID_RATE_FANOUT, out);
			out->fanout = fan_n;
		} else {
			if (burst_over)
				over(1, 2, POLICY_ID_RATE_BUCKET, out);
			over(c->sender_per_hour, hour_n, POLICY_ID_RATE_HOUR, out);
			over(c->sender_per_day, day_n, POLICY_ID_RATE_DAY, out);
		}
		if (out->policy_id == POLICY_ID_RATE_BUCKET) {
			out->count = c->sender_burst + 1;
			out->limit = c->sender_burst;
		}
	}

	/* same text from many senders / to many recipients: a sketch of
	 * distinct (text, party) pairs says whether this party is new for the
	 * text, a second one counts the new ones per text */
	if (fp) {
		uint32_t win = (uint32_t)(now_s / content_w) + 1, senders_n, recipients_n = 0;
		int fresh;

		if (st->content_win != win) {
			if (st->content_win)
				st->content_windows++;
			st->content_win = win;
		}
		fresh = novel(sh->nov, sh->nov_mask, mix2(fp ^ SALT_SENDERS, ks_stable), win);
		senders_n = ecms(sh->cms, sh->cms_mask, fp ^ SALT_SENDERS, win, fresh);
		if (kr) {
			fresh = novel(sh->nov, sh->nov_mask, mix2(fp ^ SALT_RECIPIENTS, kr_stable), win);
			recipients_n = ecms(sh->cms, sh->cms_mask, fp ^ SALT_RECIPIENTS, win, fresh);
		}
		over(c->content_senders_max, senders_n, POLICY_ID_CONTENT_SENDERS, out);
		over(c->content_recipients_max, recipients_n, POLICY_ID_CONTENT_RECIPIENTS, out);
	}
	return out->policy_id;
}

/* ---- SMS bombing, per recipient ---- */

uint32_t policy_state_recipient(struct policy_state *st, const struct policy_config *c,
				const char *recipient, const char *sender, unsigned flags,
				uint64_t now_ns, struct policy_behaviour *out)
{
	struct policy_keys k;

	policy_state_keys(sender, NULL, &k);
	return policy_state_recipient_keys(st, c, &k, policy_state_key(recipient), 0, flags, now_ns, out);
}

uint32_t policy_state_recipient_keys(struct policy_state *st, const struct policy_config *c,
				     const struct policy_keys *k, uint64_t kr, unsigned channel,
				     unsigned flags, uint64_t now_ns, struct policy_behaviour *out)
{
	struct policy_shared *sh = shared_of(st);
	uint32_t w = c->recipient_window_s ? c->recipient_window_s : 1;
	uint32_t win = (uint32_t)(now_ns / NS / w) + 1;
	uint32_t now_min = (uint32_t)(now_ns / NS / 60) + 1;
	uint32_t ttl_min = (w > c->pair_window_s ? w : c->pair_window_s) / 60 + 2;
	uint32_t msgs, senders, allowed = 0;
	struct rslot *r;

	memset(out, 0, sizeof(*out));
	if (!kr || !sh)
		return 0;
	r = slot_get(st, sh->r, sizeof(*sh->r), sh->rmask, rslot_key(kr, channel), win, T_RECIPIENTS);
	if (!r)
		return 0;
	if (flags & POLICY_RCPT_NEW_MESSAGE) {
		msgs = cell_inc(&r->msgs, win);
		if (flags & POLICY_RCPT_ALLOWED)
			allowed = cell_inc(&r->allowed, win);
	} else {
		msgs = cell_get(&r->msgs, win);
		if (flags & POLICY_RCPT_ALLOWED)
			allowed = cell_get(&r->allowed, win);
	}
	senders = cell_get(&r->senders, win);
	if (k->ks) {
		uint64_t ks = k->ks;
		struct pslot *p = slot_get(st, sh->p, sizeof(*sh->p), sh->pmask, mix2(ks, kr),
					   now_min > ttl_min ? now_min - ttl_min : 0, T_PAIRS);

		if (p) {
			__atomic_store_n(&p->touched, (uint64_t)now_min << 32, __ATOMIC_RELAXED);
			/* the first to move the pair into this window counts it */
			if (mark_once(&p->rcpt_mark, win))
				senders = cell_inc(&r->senders, win);
		}
	}
	if (flags & POLICY_RCPT_ALLOWED)
		over(c->recipient_allowed_max, allowed, POLICY_ID_RCPT_ALLOWED, out);
	over(c->recipient_max, msgs, POLICY_ID_RCPT_FLOOD, out);
	over(c->recipient_senders_max, senders, POLICY_ID_RCPT_SENDERS, out);
	return out->policy_id;
}
