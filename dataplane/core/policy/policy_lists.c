/* SPDX-License-Identifier: BSD-3-Clause */
/* Lists generation loader and lookups (LISTS_SPEC.md): a line-oriented text
 * becomes open-addressing hash sets over one string arena; prefix sets
 * carry a bitmask of the key lengths present so that a longest-prefix
 * lookup is at most one probe per present length. Immutable once built. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy_lists.h"
#include "policy_report.h"
#include "policy_util.h"
#include "sf_sms.h"

#define LINE_MAX_BYTES 4096
#define TOKENS_MAX 64
#define NUMBER_DIGITS_MAX 20

enum {
	SET_SHIELD = 8,		/* 0..7: list * 4 + entry type */
	SET_IMSI = 9,
	SET__COUNT
};

struct pl_slot {
	uint64_t h;		/* 0 = empty */
	uint32_t key;		/* arena offset of the NUL-terminated key */
	uint32_t val;		/* arena offset of the value/reason, or NO_VAL */
};

#define NO_VAL UINT32_MAX

struct pl_set {
	struct pl_slot *slots;
	uint32_t mask;
	uint32_t n;
	uint64_t lenmask;	/* bit L: a key (prefix sets: a prefix) of length L */
};

struct policy_lists {
	char *arena;
	size_t arena_len;
	struct pl_set sets[SET__COUNT];
	uint64_t version;
	uint32_t expired;
};

/* ---- building ---- */

struct pl_ent {
	uint8_t set;
	uint8_t masklen;	/* length recorded in lenmask */
	uint32_t key, val;
	uint32_t line;
};

struct pl_builder {
	struct policy_lists *l;
	size_t arena_cap;
	struct pl_ent *ents;
	size_t n_ents, cap_ents;
	const char *origin;
	char *err;
	size_t errlen;
};

static int berr(struct pl_builder *b, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int berr(struct pl_builder *b, unsigned line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (b->err && b->errlen)
		snprintf(b->err, b->errlen, "%s:%u: %s", b->origin, line, msg);
	return -1;
}

/* Append n bytes + NUL to the arena; offset or NO_VAL on failure. */
static uint32_t arena_add(struct pl_builder *b, const char *s, size_t n)
{
	struct policy_lists *l = b->l;
	uint32_t off;

	if (l->arena_len + n + 1 > UINT32_MAX - 1)
		return NO_VAL;
	if (l->arena_len + n + 1 > b->arena_cap) {
		size_t cap = b->arena_cap ? b->arena_cap : 4096;
		char *p;

		while (cap < l->arena_len + n + 1)
			cap *= 2;
		p = realloc(l->arena, cap);
		if (!p)
			return NO_VAL;
		l->arena = p;
		b->arena_cap = cap;
	}
	off = (uint32_t)l->arena_len;
	memcpy(l->arena + off, s, n);
	l->arena[off + n] = 0;
	l->arena_len += n + 1;
	return off;
}

static int add_ent(struct pl_builder *b, unsigned line, int set, const char *key, size_t klen,
		   size_t masklen, uint32_t val)
{
	struct pl_ent *e;

	if (b->n_ents == b->cap_ents) {
		size_t cap = b->cap_ents ? b->cap_ents * 2 : 256;
		struct pl_ent *p = realloc(b->ents, cap * sizeof(*p));

		if (!p)
			return berr(b, line, "out of memory");
		b->ents = p;
		b->cap_ents = cap;
	}
	e = &b->ents[b->n_ents];
	e->key = arena_add(b, key, klen);
	if (e->key == NO_VAL)
		return berr(b, line, "out of memory");
	e->set = (uint8_t)set;
	e->masklen = (uint8_t)masklen;
	e->val = val;
	e->line = line;
	b->n_ents++;
	return 0;
}

static struct pl_slot *set_find(const struct policy_lists *l, const struct pl_set *s,
				const char *key, size_t klen)
{
	uint64_t h;

	if (!s->slots)
		return NULL;
	h = pu_hash(key, klen, 0);
	for (uint32_t i = (uint32_t)h & s->mask;; i = (i + 1) & s->mask) {
		struct pl_slot *sl = &s->slots[i];

		if (sl->h == 0)
			return NULL;
		/* strncmp stops at the stored key's NUL: never reads past it */
		if (sl->h == h && strncmp(l->arena + sl->key, key, klen) == 0 &&
		    l->arena[sl->key + klen] == 0)
			return sl;
	}
}

static int build_sets(struct pl_builder *b)
{
	struct policy_lists *l = b->l;
	uint32_t count[SET__COUNT] = { 0 };

	for (size_t i = 0; i < b->n_ents; i++)
		count[b->ents[i].set]++;
	for (int s = 0; s < SET__COUNT; s++) {
		uint32_t size = 8;

		if (!count[s])
			continue;
		while (size < 2 * (uint64_t)count[s])
			size *= 2;
		l->sets[s].slots = calloc(size, sizeof(struct pl_slot));
		if (!l->sets[s].slots)
			return berr(b, 0, "out of memory");
		l->sets[s].mask = size - 1;
	}
	for (size_t i = 0; i < b->n_ents; i++) {
		const struct pl_ent *e = &b->ents[i];
		struct pl_set *s = &l->sets[e->set];
		const char *key = l->arena + e->key;
		size_t klen = strlen(key);
		struct pl_slot *dup = set_find(l, s, key, klen);
		uint64_t h;

		if (dup) {
			if (e->set == SET_IMSI && strcmp(l->arena + dup->val, l->arena + e->val) != 0)
				return berr(b, e->line, "imsi %s already mapped to %s", key,
					    l->arena + dup->val);
			continue;	/* duplicates: the first entry wins */
		}
		h = pu_hash(key, klen, 0);
		for (uint32_t j = (uint32_t)h & s->mask;; j = (j + 1) & s->mask) {
			if (s->slots[j].h == 0) {
				s->slots[j].h = h;
				s->slots[j].key = e->key;
				s->slots[j].val = e->val;
				break;
			}
		}
		s->n++;
		if (e->masklen < 64)
			s->lenmask |= 1ULL << e->masklen;
	}
	return 0;
}

/* ---- parsing ---- */

static int digits_only(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	if (n < min || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!pu_is_digit(s[i]))
			return 0;
	return 1;
}

/* Printable UTF-8 without spaces or control characters. */
static int printable_utf8(const char *s)
{
	size_t n = strlen(s), i = 0;

	while (i < n) {
		uint32_t c = pu_utf8_next(s, n, &i);

		if (c == 0xFFFD || c < 0x21 || c == 0x7f || (c >= 0x80 && c < 0xA0))
			return 0;
	}
	return 1;
}

static int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!digits_only(s, 1, 20))
		return -1;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

struct attrs {
	char reason[256];
	int has_expires;
	uint64_t expires;
};

/* key=value attributes from tok[k]; a token without '=' continues the
 * previous value ("reason=reported by 57 users"). */
static int parse_attrs(struct pl_builder *b, unsigned line, char **tok, int n, int k,
		       struct attrs *a)
{
	char *cur = NULL;	/* value being continued, or NULL */
	size_t cur_cap = 0;

	memset(a, 0, sizeof(*a));
	for (int i = k; i < n; i++) {
		char *eq = strchr(tok[i], '=');

		if (!eq || eq == tok[i]) {
			if (!cur)
				return berr(b, line, "unexpected '%.64s'", tok[i]);
			if (strlen(cur) + 1 + strlen(tok[i]) < cur_cap) {
				strcat(cur, " ");
				strcat(cur, tok[i]);
			}
			continue;
		}
		*eq = 0;
		cur = NULL;
		if (strcmp(tok[i], "reason") == 0) {
			snprintf(a->reason, sizeof(a->reason), "%s", eq + 1);
			cur = a->reason;
			cur_cap = sizeof(a->reason);
		} else if (strcmp(tok[i], "expires") == 0) {
			if (parse_u64(eq + 1, &a->expires))
				return berr(b, line, "expires: '%.64s' is not unix seconds", eq + 1);
			a->has_expires = 1;
		} else if (strcmp(tok[i], "source") == 0) {
			if (strcmp(eq + 1, "auto") && strcmp(eq + 1, "manual"))
				return berr(b, line, "source: '%.64s' is not auto or manual", eq + 1);
		}
		/* other attributes are allowed and ignored (LISTS_SPEC.md) */
	}
	return 0;
}

static const char *const type_names[] = { "number", "prefix", "sender", "gt" };

static int parse_line(struct pl_builder *b, unsigned line, char *s, uint64_t now_s,
		      int *have_version)
{
	char *tok[TOKENS_MAX];
	int n = 0;
	struct attrs a;
	uint32_t val;

	/* tokens separated by spaces/tabs; a token starting with '#' starts a comment */
	for (char *p = s;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			break;
		if (n == TOKENS_MAX)
			return berr(b, line, "too many fields (max %d)", TOKENS_MAX);
		tok[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = 0;
	}
	if (n == 0)
		return 0;

	if (strcmp(tok[0], "version") == 0) {
		if (n < 2)
			return berr(b, line, "version: missing number");
		if (n > 2)
			return berr(b, line, "unexpected '%.64s'", tok[2]);
		if (*have_version)
			return berr(b, line, "version: given twice");
		if (parse_u64(tok[1], &b->l->version))
			return berr(b, line, "version: '%.64s' is not a number", tok[1]);
		*have_version = 1;
		return 0;
	}

	if (strcmp(tok[0], "block") == 0 || strcmp(tok[0], "allow") == 0) {
		int list = tok[0][0] == 'b' ? POLICY_LIST_BLOCK : POLICY_LIST_ALLOW;
		int type = -1;
		char canon[NUMBER_DIGITS_MAX + 4], up[SF_TPADDR_MAX + 1];
		const char *key;
		size_t masklen;

		if (n < 2)
			return berr(b, line, "%s: expected number, prefix, sender or gt", tok[0]);
		for (int t = 0; t < 4; t++)
			if (strcmp(tok[1], type_names[t]) == 0)
				type = t;
		if (type < 0)
			return berr(b, line, "%s: expected number, prefix, sender or gt, got '%.64s'",
				    tok[0], tok[1]);
		if (n < 3)
			return berr(b, line, "%s %s: missing value", tok[0], tok[1]);
		key = tok[2];
		switch (type) {
		case POLICY_ENTRY_NUMBER:
			if (policy_canon_number(tok[2], strlen(tok[2]), canon, sizeof(canon)) < 0)
				return berr(b, line, "%s number: '%.64s' is not a number (1-%d digits)",
					    tok[0], tok[2], NUMBER_DIGITS_MAX);
			key = canon;
			break;
		case POLICY_ENTRY_PREFIX:
			if (!digits_only(tok[2], 1, NUMBER_DIGITS_MAX))
				return berr(b, line, "%s prefix: '%.64s' is not a number prefix (1-%d digits)",
					    tok[0], tok[2], NUMBER_DIGITS_MAX);
			break;
		case POLICY_ENTRY_SENDER:
			if (strlen(tok[2]) > SF_TPADDR_MAX)
				return berr(b, line, "%s sender: '%.64s' is longer than %d bytes",
					    tok[0], tok[2], SF_TPADDR_MAX);
			if (!printable_utf8(tok[2]))
				return berr(b, line, "%s sender: '%.64s' is not printable UTF-8",
					    tok[0], tok[2]);
			for (size_t i = 0; i <= strlen(tok[2]); i++)
				up[i] = (char)pu_upper((unsigned char)tok[2][i]);
			key = up;
			break;
		case POLICY_ENTRY_GT:
			if (!digits_only(tok[2], 1, SF_DIGITS_MAX))
				return berr(b, line, "%s gt: '%.64s' is not a global-title prefix (1-%d digits)",
					    tok[0], tok[2], SF_DIGITS_MAX);
			break;
		}
		if (parse_attrs(b, line, tok, n, 3, &a))
			return -1;
		if (a.has_expires && a.expires <= now_s) {
			b->l->expired++;
			return 0;
		}
		val = NO_VAL;
		if (a.reason[0] && (val = arena_add(b, a.reason, strlen(a.reason))) == NO_VAL)
			return berr(b, line, "out of memory");
		masklen = strlen(key);
		return add_ent(b, line, list * 4 + type, key, strlen(key), masklen, val);
	}

	if (strcmp(tok[0], "shield") == 0) {
		char sub[NUMBER_DIGITS_MAX + 4], key[2 * NUMBER_DIGITS_MAX + 8];
		int sl;

		if (n < 3)
			return berr(b, line, "shield: expected SUBSCRIBER PORT");
		sl = policy_canon_number(tok[1], strlen(tok[1]), sub, sizeof(sub));
		if (sl < 0)
			return berr(b, line, "shield: subscriber '%.64s' is not a number (1-%d digits)",
				    tok[1], NUMBER_DIGITS_MAX);
		if (!digits_only(tok[2], 1, NUMBER_DIGITS_MAX))
			return berr(b, line, "shield: port '%.64s' is not a number prefix (1-%d digits)",
				    tok[2], NUMBER_DIGITS_MAX);
		if (parse_attrs(b, line, tok, n, 3, &a))
			return -1;
		if (a.has_expires && a.expires <= now_s) {
			b->l->expired++;
			return 0;
		}
		val = NO_VAL;
		if (a.reason[0] && (val = arena_add(b, a.reason, strlen(a.reason))) == NO_VAL)
			return berr(b, line, "out of memory");
		snprintf(key, sizeof(key), "%s|%s", sub, tok[2]);
		return add_ent(b, line, SET_SHIELD, key, strlen(key), strlen(tok[2]), val);
	}

	if (strcmp(tok[0], "imsi") == 0) {
		char msisdn[NUMBER_DIGITS_MAX + 4];

		if (n < 3)
			return berr(b, line, "imsi: expected IMSI MSISDN");
		if (n > 3)
			return berr(b, line, "unexpected '%.64s'", tok[3]);
		/* TS 23.003 §2.2: IMSI = MCC(3) + MNC(2-3) + MSIN, at most 15 digits */
		if (!digits_only(tok[1], 6, 15))
			return berr(b, line, "imsi: '%.64s' is not an IMSI (6-15 digits)", tok[1]);
		if (policy_canon_number(tok[2], strlen(tok[2]), msisdn, sizeof(msisdn)) < 0)
			return berr(b, line, "imsi: MSISDN '%.64s' is not a number (1-%d digits)",
				    tok[2], NUMBER_DIGITS_MAX);
		val = arena_add(b, msisdn, strlen(msisdn));
		if (val == NO_VAL)
			return berr(b, line, "out of memory");
		return add_ent(b, line, SET_IMSI, tok[1], strlen(tok[1]), 0, val);
	}

	return berr(b, line, "unknown directive '%.64s'", tok[0]);
}

struct policy_lists *policy_lists_parse_at(const char *text, size_t len, const char *origin,
					   uint64_t now_s, char *err, size_t errlen)
{
	struct pl_builder b = { .origin = origin ? origin : "lists", .err = err, .errlen = errlen };
	char buf[LINE_MAX_BYTES + 2];
	unsigned line = 0;
	size_t off = 0;
	int have_version = 0;

	if (err && errlen)
		err[0] = 0;
	b.l = calloc(1, sizeof(*b.l));
	if (!b.l) {
		berr(&b, 0, "out of memory");
		return NULL;
	}
	if (!text)
		len = 0;
	/* offset 0 of the arena is never a key: keep it an empty string */
	if (arena_add(&b, "", 0) == NO_VAL) {
		berr(&b, 0, "out of memory");
		goto fail;
	}
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;

		line++;
		if (n && text[off + n - 1] == '\r')
			n--;
		if (n > LINE_MAX_BYTES) {
			berr(&b, line, "line longer than %d bytes", LINE_MAX_BYTES);
			goto fail;
		}
		if (memchr(text + off, 0, n)) {
			berr(&b, line, "NUL byte in line");
			goto fail;
		}
		memcpy(buf, text + off, n);
		buf[n] = 0;
		if (parse_line(&b, line, buf, now_s, &have_version))
			goto fail;
		off += (nl ? (size_t)(nl - (text + off)) + 1 : len - off);
	}
	if (build_sets(&b))
		goto fail;
	free(b.ents);
	return b.l;
fail:
	free(b.ents);
	policy_lists_free(b.l);
	return NULL;
}

struct policy_lists *policy_lists_parse(const char *text, size_t len, const char *origin,
					char *err, size_t errlen)
{
	return policy_lists_parse_at(text, len, origin, (uint64_t)time(NULL), err, errlen);
}

void policy_lists_free(struct policy_lists *l)
{
	if (!l)
		return;
	for (int s = 0; s < SET__COUNT; s++)
		free(l->sets[s].slots);
	free(l->arena);
	free(l);
}

uint64_t policy_lists_version(const struct policy_lists *l)
{
	return l ? l->version : 0;
}

void policy_lists_counts(const struct policy_lists *l, struct policy_lists_counts *out)
{
	memset(out, 0, sizeof(*out));
	if (!l)
		return;
	for (int list = 0; list < 2; list++)
		for (int t = 0; t < 4; t++)
			out->entries[list][t] = l->sets[list * 4 + t].n;
	out->shields = l->sets[SET_SHIELD].n;
	out->imsi = l->sets[SET_IMSI].n;
	out->expired = l->expired;
	out->version = l->version;
}

/* ---- lookups ---- */

static void fill(const struct policy_lists *l, const struct pl_slot *sl, int list, int type,
		 struct policy_list_match *m)
{
	if (!m)
		return;
	m->list = (uint8_t)list;
	m->type = (uint8_t)type;
	m->key = l->arena + sl->key;
	m->reason = sl->val == NO_VAL ? NULL : l->arena + sl->val;
}

/* Longest key of set s that is a prefix of str: one probe per present length. */
static const struct pl_slot *longest_prefix(const struct policy_lists *l, const struct pl_set *s,
					    const char *str, size_t len, size_t *mlen)
{
	if (!s->slots)
		return NULL;
	for (size_t k = len < 63 ? len : 63; k >= 1; k--) {
		const struct pl_slot *sl;

		if (!(s->lenmask & (1ULL << k)))
			continue;
		sl = set_find(l, s, str, k);
		if (sl) {
			*mlen = k;
			return sl;
		}
	}
	return NULL;
}

int policy_lists_number(const struct policy_lists *l, enum policy_list which,
			const char *number, struct policy_list_match *m)
{
	char canon[NUMBER_DIGITS_MAX + 4];
	const struct pl_slot *sl, *best = NULL;
	const char *nat;
	size_t blen = 0, k;
	int cl;

	if (!l || !number)
		return 0;
	cl = policy_canon_number(number, strlen(number), canon, sizeof(canon));
	if (cl < 0)
		return 0;
	sl = set_find(l, &l->sets[which * 4 + POLICY_ENTRY_NUMBER], canon, (size_t)cl);
	if (sl) {
		fill(l, sl, which, POLICY_ENTRY_NUMBER, m);
		return 1;
	}
	sl = longest_prefix(l, &l->sets[which * 4 + POLICY_ENTRY_PREFIX], canon, (size_t)cl, &k);
	if (sl) {
		best = sl;
		blen = k;
	}
	nat = policy_national(canon);
	if (nat) {
		sl = longest_prefix(l, &l->sets[which * 4 + POLICY_ENTRY_PREFIX], nat, strlen(nat), &k);
		if (sl && k > blen)
			best = sl;
	}
	if (!best)
		return 0;
	fill(l, best, which, POLICY_ENTRY_PREFIX, m);
	return 1;
}

int policy_lists_sender(const struct policy_lists *l, enum policy_list which,
			const char *sender, struct policy_list_match *m)
{
	char up[SF_TPADDR_MAX + 1];
	const struct pl_slot *sl;
	size_t n;

	if (!l || !sender || (n = strlen(sender)) > SF_TPADDR_MAX || n == 0)
		return 0;
	for (size_t i = 0; i <= n; i++)
		up[i] = (char)pu_upper((unsigned char)sender[i]);
	sl = set_find(l, &l->sets[which * 4 + POLICY_ENTRY_SENDER], up, n);
	if (!sl)
		return 0;
	fill(l, sl, which, POLICY_ENTRY_SENDER, m);
	return 1;
}

int policy_lists_gt(const struct policy_lists *l, enum policy_list which,
		    const char *gt, struct policy_list_match *m)
{
	const struct pl_slot *sl;
	size_t k;

	if (!l || !gt || !*gt)
		return 0;
	sl = longest_prefix(l, &l->sets[which * 4 + POLICY_ENTRY_GT], gt, strlen(gt), &k);
	if (!sl)
		return 0;
	fill(l, sl, which, POLICY_ENTRY_GT, m);
	return 1;
}

int policy_lists_shielded(const struct policy_lists *l, const char *subscriber,
			  const char *sender, struct policy_list_match *m)
{
	char sub[NUMBER_DIGITS_MAX + 4], snd[NUMBER_DIGITS_MAX + 4];
	char key[2 * NUMBER_DIGITS_MAX + 8];
	const struct pl_set *s;
	int sl, nl;

	if (!l || !subscriber || !sender)
		return 0;
	s = &l->sets[SET_SHIELD];
	if (!s->slots)
		return 0;
	sl = policy_canon_number(subscriber, strlen(subscriber), sub, sizeof(sub));
	nl = policy_canon_number(sender, strlen(sender), snd, sizeof(snd));
	if (sl < 0 || nl < 0)
		return 0;
	memcpy(key, sub, (size_t)sl);
	key[sl] = '|';
	for (int k = nl; k >= 1; k--) {
		const struct pl_slot *hit;

		if (!(s->lenmask & (1ULL << k)))
			continue;
		memcpy(key + sl + 1, snd, (size_t)k);
		hit = set_find(l, s, key, (size_t)(sl + 1 + k));
		if (hit) {
			fill(l, hit, POLICY_LIST_BLOCK, POLICY_ENTRY_SHIELD, m);
			return 1;
		}
	}
	return 0;
}

const char *policy_lists_imsi(const struct policy_lists *l, const char *imsi)
{
	const struct pl_slot *sl;

	if (!l || !imsi || !*imsi)
		return NULL;
	sl = set_find(l, &l->sets[SET_IMSI], imsi, strlen(imsi));
	return sl ? l->arena + sl->val : NULL;
}
