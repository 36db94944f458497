/* SPDX-License-Identifier: BSD-3-Clause */
/* Lists and shields (LISTS_SPEC.md, POLICY.md "Lists"): a snapshot text
 * loaded into one table of packed keys (policy_store.h), then changed in
 * place entry by entry (policy_lists_apply) as the control plane's change
 * log arrives: one writer (the control thread), lock-free readers. Prefix
 * sets keep a count per key length present, so that a longest-prefix
 * lookup is at most one probe per present length. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy_lists.h"
#include "policy_report.h"
#include "policy_store.h"
#include "policy_util.h"
#include "sf_sms.h"

#define LINE_MAX_BYTES 4096
#define TOKENS_MAX 64
#define NUMBER_DIGITS_MAX 20
#define LEN_MAX 64

enum {
	SET_SHIELD = 8,		/* 0..7: list * 4 + entry type */
	SET_IMSI = 9,
	SET__COUNT
};

struct policy_lists {
	const struct policy_store_ops *ops;
	void *t;
	uint64_t version;	/* snapshot (generation) version */
	uint64_t rev;		/* change-log position: the last change applied */
	uint32_t expired;
	uint32_t n[SET__COUNT];
	uint32_t lencount[SET__COUNT][LEN_MAX];
	uint64_t lenmask[SET__COUNT];	/* bit L: a key of length L (atomic) */
	uint64_t applied, noop, malformed;
};

/* Errors "origin:line: message". */
struct pl_ctx {
	const char *origin;
	char *err;
	size_t errlen;
};

static int berr(struct pl_ctx *b, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int berr(struct pl_ctx *b, unsigned line, const char *fmt, ...)
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

/* ---- keys and entry data ---- */

/* Digits → value of the first 19, the 20th + 1 in *hi (n ≤ 20). */
static void pack_digits(const char *s, size_t n, uint64_t *v, uint8_t *hi)
{
	*v = pu_digits_value(s, n);
	*hi = n == 20 ? (uint8_t)(s[19] - '0' + 1) : 0;
}

static size_t unpack_digits(uint64_t v, uint8_t hi, unsigned n, char *out)
{
	pu_digits_write(v, n > 19 ? 19 : n, out);
	if (n == 20)
		out[19] = (char)('0' + hi - 1);
	out[n] = 0;
	return n;
}

static void key_digits(struct pl_key *k, int set, const char *s, size_t n)
{
	memset(k, 0, sizeof(*k));
	k->set = (uint8_t)set;
	k->alen = (uint8_t)n;
	pack_digits(s, n, &k->a, &k->a_hi);
}

static void key_shield(struct pl_key *k, const char *sub, size_t sl, const char *port, size_t pl)
{
	key_digits(k, SET_SHIELD, sub, sl);
	k->blen = (uint8_t)pl;
	pack_digits(port, pl, &k->b, &k->b_hi);
}

/* Sender ids and global titles (up to 40 digits): two hashes; the text
 * is kept with the entry and compared on lookup. */
static void key_text(struct pl_key *k, int set, const char *s, size_t n)
{
	memset(k, 0, sizeof(*k));
	k->set = (uint8_t)set;
	k->alen = (uint8_t)n;
	k->a = pu_hash(s, n, 0x6c697374);
	k->b = pu_hash(s, n, 0x74657874);
}

static int text_keyed(int set)
{
	return set < SET_SHIELD && (set % 4 == POLICY_ENTRY_SENDER || set % 4 == POLICY_ENTRY_GT);
}

/* An entry's data: "TEXT\0VALUE\0" (TEXT: the key of a text-keyed set;
 * VALUE: the reason, or an IMSI's MSISDN), or NULL when both are empty
 * (most shields and numbers: no memory beyond the table slot). */
static char *data_make(const char *text, const char *value)
{
	size_t a = strlen(text), b = strlen(value);
	char *d;

	if (!a && !b)
		return NULL;
	d = malloc(a + b + 2);
	if (d) {
		memcpy(d, text, a + 1);
		memcpy(d + a + 1, value, b + 1);
	}
	return d;
}

static const char *data_text(const char *d)
{
	return d ? d : "";
}

static const char *data_value(const char *d)
{
	return d && d[strlen(d) + 1] ? d + strlen(d) + 1 : NULL;
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
static int parse_attrs(struct pl_ctx *b, unsigned line, char **tok, int n, int k,
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

enum { LINE_NONE, LINE_ENTRY, LINE_VERSION, LINE_REV };

/* One entry line, parsed and validated. */
struct pl_ent {
	struct pl_key k;
	int set;
	unsigned masklen;	/* length recorded in lenmask */
	int expired;		/* expires= ≤ now */
	uint64_t num;		/* version / rev */
	char text[SF_DIGITS_MAX + SF_TPADDR_MAX + 2];
	char value[256];
};

static int parse_line(struct pl_ctx *b, unsigned line, char *s, uint64_t now_s, struct pl_ent *e)
{
	char *tok[TOKENS_MAX];
	int n = 0;
	struct attrs a;

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
		return LINE_NONE;
	e->text[0] = e->value[0] = 0;
	e->expired = 0;

	if (strcmp(tok[0], "version") == 0 || strcmp(tok[0], "rev") == 0) {
		if (n < 2)
			return berr(b, line, "%s: missing number", tok[0]);
		if (n > 2)
			return berr(b, line, "unexpected '%.64s'", tok[2]);
		if (parse_u64(tok[1], &e->num))
			return berr(b, line, "%s: '%.64s' is not a number", tok[0], tok[1]);
		return tok[0][0] == 'v' ? LINE_VERSION : LINE_REV;
	}

	if (strcmp(tok[0], "block") == 0 || strcmp(tok[0], "allow") == 0) {
		int list = tok[0][0] == 'b' ? POLICY_LIST_BLOCK : POLICY_LIST_ALLOW;
		int type = -1;
		char canon[NUMBER_DIGITS_MAX + 4];
		size_t kl;

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
		e->set = list * 4 + type;
		switch (type) {
		case POLICY_ENTRY_NUMBER:
			if (policy_canon_number(tok[2], strlen(tok[2]), canon, sizeof(canon)) < 0 ||
			    strlen(canon) > NUMBER_DIGITS_MAX)
				return berr(b, line, "%s number: '%.64s' is not a number (1-%d digits)",
					    tok[0], tok[2], NUMBER_DIGITS_MAX);
			kl = strlen(canon);
			key_digits(&e->k, e->set, canon, kl);
			break;
		case POLICY_ENTRY_PREFIX:
			if (!digits_only(tok[2], 1, NUMBER_DIGITS_MAX))
				return berr(b, line, "%s prefix: '%.64s' is not a number prefix (1-%d digits)",
					    tok[0], tok[2], NUMBER_DIGITS_MAX);
			kl = strlen(tok[2]);
			key_digits(&e->k, e->set, tok[2], kl);
			break;
		case POLICY_ENTRY_SENDER:
			kl = strlen(tok[2]);
			if (kl > SF_TPADDR_MAX)
				return berr(b, line, "%s sender: '%.64s' is longer than %d bytes",
					    tok[0], tok[2], SF_TPADDR_MAX);
			if (!printable_utf8(tok[2]))
				return berr(b, line, "%s sender: '%.64s' is not printable UTF-8",
					    tok[0], tok[2]);
			for (size_t i = 0; i <= kl; i++)
				e->text[i] = (char)pu_upper((unsigned char)tok[2][i]);
			key_text(&e->k, e->set, e->text, kl);
			break;
		default:	/* POLICY_ENTRY_GT */
			if (!digits_only(tok[2], 1, SF_DIGITS_MAX))
				return berr(b, line, "%s gt: '%.64s' is not a global-title prefix (1-%d digits)",
					    tok[0], tok[2], SF_DIGITS_MAX);
			kl = strlen(tok[2]);
			memcpy(e->text, tok[2], kl + 1);
			key_text(&e->k, e->set, e->text, kl);
			break;
		}
		if (parse_attrs(b, line, tok, n, 3, &a))
			return -1;
		e->expired = a.has_expires && a.expires <= now_s;
		snprintf(e->value, sizeof(e->value), "%s", a.reason);
		e->masklen = (unsigned)kl;
		return LINE_ENTRY;
	}

	if (strcmp(tok[0], "shield") == 0) {
		char sub[NUMBER_DIGITS_MAX + 4], port[NUMBER_DIGITS_MAX + 4];
		int sl, pl;

		if (n < 3)
			return berr(b, line, "shield: expected SUBSCRIBER PORT");
		sl = policy_canon_number(tok[1], strlen(tok[1]), sub, sizeof(sub));
		if (sl < 0 || sl > NUMBER_DIGITS_MAX)
			return berr(b, line, "shield: subscriber '%.64s' is not a number (1-%d digits)",
				    tok[1], NUMBER_DIGITS_MAX);
		/* the port as the senders it matches are written: canonical (a
		 * full number such as "13900000000" is "8613900000000"; a port
		 * prefix such as "10657" stays as it is) */
		pl = policy_canon_number(tok[2], strlen(tok[2]), port, sizeof(port));
		if (pl < 0 || pl > NUMBER_DIGITS_MAX)
			return berr(b, line, "shield: port '%.64s' is not a number prefix (1-%d digits)",
				    tok[2], NUMBER_DIGITS_MAX);
		if (parse_attrs(b, line, tok, n, 3, &a))
			return -1;
		e->expired = a.has_expires && a.expires <= now_s;
		snprintf(e->value, sizeof(e->value), "%s", a.reason);
		e->set = SET_SHIELD;
		e->masklen = (unsigned)pl;
		key_shield(&e->k, sub, (size_t)sl, port, e->masklen);
		return LINE_ENTRY;
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
		if (policy_canon_number(tok[2], strlen(tok[2]), msisdn, sizeof(msisdn)) < 0 ||
		    strlen(msisdn) > NUMBER_DIGITS_MAX)
			return berr(b, line, "imsi: MSISDN '%.64s' is not a number (1-%d digits)",
				    tok[2], NUMBER_DIGITS_MAX);
		e->set = SET_IMSI;
		e->masklen = 0;
		key_digits(&e->k, SET_IMSI, tok[1], strlen(tok[1]));
		snprintf(e->value, sizeof(e->value), "%s", msisdn);
		return LINE_ENTRY;
	}

	return berr(b, line, "unknown directive '%.64s'", tok[0]);
}

/* ---- writing (the one writer) ---- */

static void free_data(void *d)
{
	free(d);
}

static void len_note(struct policy_lists *l, const struct pl_ent *e, int delta)
{
	uint32_t *c = &l->lencount[e->set][e->masklen < LEN_MAX ? e->masklen : LEN_MAX - 1];

	l->n[e->set] += (uint32_t)delta;
	if (delta > 0 && (*c)++ == 0)
		__atomic_fetch_or(&l->lenmask[e->set], 1ULL << (e->masklen & 63), __ATOMIC_RELEASE);
	else if (delta < 0 && --(*c) == 0)
		__atomic_fetch_and(&l->lenmask[e->set], ~(1ULL << (e->masklen & 63)), __ATOMIC_RELEASE);
}

/* 1 and the entry's data when k is in the table (for text keys: the same text). */
static int get(const struct policy_lists *l, const struct pl_key *k, const char *text, void **data)
{
	void *d;

	if (!l->ops->lookup(l->t, k, &d))
		return 0;
	if (text && strcmp(data_text(d), text) != 0)
		return 0;	/* another text with both hashes equal: not this one */
	*data = d;
	return 1;
}

/* replace: 1 for a change (the newer entry wins), 0 for a snapshot (the
 * first of duplicates wins). 0 stored, 1 kept as it was, -1 error. */
static int put(struct policy_lists *l, struct pl_ctx *b, unsigned line, const struct pl_ent *e,
	       int replace)
{
	void *old;
	char *d;
	int r;

	if (get(l, &e->k, text_keyed(e->set) ? e->text : NULL, &old)) {
		if (e->set == SET_IMSI && strcmp(data_value(old), e->value) && !replace) {
			char imsi[24];

			unpack_digits(e->k.a, e->k.a_hi, e->k.alen, imsi);
			return berr(b, line, "imsi %s already mapped to %s", imsi, data_value(old));
		}
		if (!replace)
			return 1;
	} else if (text_keyed(e->set) && l->ops->lookup(l->t, &e->k, &old)) {
		return berr(b, line, "hash collision with '%.64s'", data_text(old));
	}
	d = data_make(e->text, e->value);
	if (!d && (e->text[0] || e->value[0])) {
		berr(b, line, "out of memory");
		return -2;
	}
	r = l->ops->add(l->t, &e->k, d);
	if (r < 0) {
		free(d);
		berr(b, line, "lists table full (%u entries)", l->ops->capacity(l->t));
		return -2;
	}
	if (r == 0)
		len_note(l, e, 1);
	return 0;
}

static int drop(struct policy_lists *l, const struct pl_ent *e)
{
	void *old;

	if (!get(l, &e->k, text_keyed(e->set) ? e->text : NULL, &old))
		return 0;
	if (l->ops->del(l->t, &e->k) != 1)
		return 0;
	len_note(l, e, -1);
	return 1;
}

/* ---- snapshots ---- */

static uint32_t lists_headroom = 4096;

void policy_lists_set_headroom(uint32_t entries)
{
	lists_headroom = entries;
}

uint32_t policy_lists_headroom(void)
{
	return lists_headroom;
}

struct policy_lists *policy_lists_parse_at(const char *text, size_t len, const char *origin,
					   uint64_t now_s, char *err, size_t errlen)
{
	struct pl_ctx b = { .origin = origin ? origin : "lists", .err = err, .errlen = errlen };
	char buf[LINE_MAX_BYTES + 2];
	struct policy_lists *l;
	struct pl_ent e;
	unsigned line = 0;
	size_t off = 0, lines = 0;
	uint64_t cap;
	int have_version = 0, have_rev = 0;

	if (err && errlen)
		err[0] = 0;
	if (!text)
		len = 0;
	for (const char *p = text; p && (p = memchr(p, '\n', len - (size_t)(p - text))) != NULL; p++)
		lines++;
	/* room for the log's changes until the next snapshot: an eighth of
	 * the snapshot or the headroom, whichever is more */
	cap = (uint64_t)lines + 1 + (lines / 8 > lists_headroom ? lines / 8 : lists_headroom);
	if (cap > UINT32_MAX / 2) {
		berr(&b, 0, "too many entries");
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		berr(&b, 0, "out of memory");
		return NULL;
	}
	l->ops = policy_store_ops();
	l->t = l->ops->create((uint32_t)cap, free_data, buf, sizeof(buf));
	if (!l->t) {
		berr(&b, 0, "%s", buf);
		free(l);
		return NULL;
	}
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
		int r;

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
		r = parse_line(&b, line, buf, now_s, &e);
		if (r < 0)
			goto fail;
		if (r == LINE_VERSION || r == LINE_REV) {
			int *have = r == LINE_VERSION ? &have_version : &have_rev;

			if (*have) {
				berr(&b, line, "%s: given twice", r == LINE_VERSION ? "version" : "rev");
				goto fail;
			}
			*have = 1;
			*(r == LINE_VERSION ? &l->version : &l->rev) = e.num;
		} else if (r == LINE_ENTRY) {
			if (e.expired)
				l->expired++;
			else if (put(l, &b, line, &e, 0) < 0)
				goto fail;	/* malformed or full: the snapshot is refused */
		}
		off += (nl ? (size_t)(nl - (text + off)) + 1 : len - off);
	}
	return l;
fail:
	policy_lists_free(l);
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
	l->ops->destroy(l->t);
	free(l);
}

/* ---- changes ---- */

int policy_lists_apply(struct policy_lists *l, uint64_t rev, int add, const char *line, size_t len,
		       uint64_t now_s, char *err, size_t errlen)
{
	struct pl_ctx b = { .origin = "change", .err = err, .errlen = errlen };
	unsigned at = (unsigned)(rev & 0xffffffff);
	char buf[LINE_MAX_BYTES + 2];
	struct pl_ent e;
	int r;

	if (err && errlen)
		err[0] = 0;
	if (!l)
		return berr(&b, at, "no lists");
	if (!line || len > LINE_MAX_BYTES || memchr(line, 0, len) || memchr(line, '\n', len)) {
		r = berr(&b, at, "not one line of at most %d bytes", LINE_MAX_BYTES);
		goto skipped;
	}
	memcpy(buf, line, len);
	buf[len] = 0;
	r = parse_line(&b, at, buf, now_s, &e);
	if (r < 0)
		goto skipped;
	if (r != LINE_ENTRY) {
		r = berr(&b, at, "not a list entry");
		goto skipped;
	}
	if (add && !e.expired) {
		r = put(l, &b, at, &e, 1);
		if (r == -2)
			return -2;	/* full: rev stays, the caller reloads a snapshot */
		if (r < 0)
			goto skipped;
	} else {
		r = drop(l, &e) ? 0 : 1;	/* an expired add removes the entry too */
	}
	__atomic_store_n(&l->rev, rev, __ATOMIC_RELAXED);
	if (r == 0)
		l->applied++;
	else
		l->noop++;
	return r;
skipped:
	__atomic_store_n(&l->rev, rev, __ATOMIC_RELAXED);
	l->malformed++;
	return -1;
}

uint64_t policy_lists_version(const struct policy_lists *l)
{
	return l ? l->version : 0;
}

uint64_t policy_lists_rev(const struct policy_lists *l)
{
	return l ? __atomic_load_n(&l->rev, __ATOMIC_RELAXED) : 0;
}

void policy_lists_counts(const struct policy_lists *l, struct policy_lists_counts *out)
{
	memset(out, 0, sizeof(*out));
	if (!l)
		return;
	for (int list = 0; list < 2; list++)
		for (int t = 0; t < 4; t++)
			out->entries[list][t] = l->n[list * 4 + t];
	out->shields = l->n[SET_SHIELD];
	out->imsi = l->n[SET_IMSI];
	out->expired = l->expired;
	out->version = l->version;
	out->rev = l->rev;
	out->applied = l->applied;
	out->noop = l->noop;
	out->malformed = l->malformed;
	out->capacity = l->ops->capacity(l->t);
	out->table_bytes = l->ops->bytes(l->t);
}

/* ---- lookups (any thread) ---- */

static int lookup(const struct policy_lists *l, const struct pl_key *k, const char *text, void **d)
{
	return get(l, k, text, d);
}

static void fill_digits(struct policy_list_match *m, int list, int type, const struct pl_key *k,
			const void *d)
{
	if (!m)
		return;
	m->list = (uint8_t)list;
	m->type = (uint8_t)type;
	unpack_digits(k->a, k->a_hi, k->alen, m->keybuf);
	if (type == POLICY_ENTRY_SHIELD) {
		m->keybuf[k->alen] = '|';
		unpack_digits(k->b, k->b_hi, k->blen, m->keybuf + k->alen + 1);
	}
	m->key = m->keybuf;
	m->reason = data_value(d);
}

/* Longest key of a digits prefix set that is a prefix of str[0..len). */
static int longest_prefix(const struct policy_lists *l, int set, const char *str, size_t len,
			  struct pl_key *hit, void **d)
{
	uint64_t mask = __atomic_load_n(&l->lenmask[set], __ATOMIC_ACQUIRE);

	if (len > NUMBER_DIGITS_MAX)
		len = NUMBER_DIGITS_MAX;
	for (size_t k = len; k >= 1; k--) {
		if (!(mask & (1ULL << k)))
			continue;
		key_digits(hit, set, str, k);
		if (lookup(l, hit, NULL, d))
			return (int)k;
	}
	return 0;
}

int policy_lists_number(const struct policy_lists *l, enum policy_list which,
			const char *number, struct policy_list_match *m)
{
	char canon[NUMBER_DIGITS_MAX + 4];

	if (!l || !number || policy_canon_number(number, strlen(number), canon, sizeof(canon)) < 0)
		return 0;
	return policy_lists_number_canon(l, which, canon, m);
}

int policy_lists_number_canon(const struct policy_lists *l, enum policy_list which,
			      const char *canon, struct policy_list_match *m)
{
	struct pl_key k, k2;
	void *d, *d2;
	const char *nat;
	size_t cl;
	int a, b = 0;

	if (!l || !canon || !(cl = strlen(canon)) || cl > NUMBER_DIGITS_MAX)
		return 0;
	key_digits(&k, which * 4 + POLICY_ENTRY_NUMBER, canon, cl);
	if (lookup(l, &k, NULL, &d)) {
		fill_digits(m, which, POLICY_ENTRY_NUMBER, &k, d);
		return 1;
	}
	a = longest_prefix(l, which * 4 + POLICY_ENTRY_PREFIX, canon, cl, &k, &d);
	nat = policy_national(canon);
	if (nat)
		b = longest_prefix(l, which * 4 + POLICY_ENTRY_PREFIX, nat, strlen(nat), &k2, &d2);
	if (!a && !b)
		return 0;
	if (b > a)
		fill_digits(m, which, POLICY_ENTRY_PREFIX, &k2, d2);
	else
		fill_digits(m, which, POLICY_ENTRY_PREFIX, &k, d);
	return 1;
}

static void fill_text(struct policy_list_match *m, int list, int type, const void *d)
{
	if (!m)
		return;
	m->list = (uint8_t)list;
	m->type = (uint8_t)type;
	snprintf(m->keybuf, sizeof(m->keybuf), "%s", data_text(d));
	m->key = m->keybuf;
	m->reason = data_value(d);
}

int policy_lists_sender(const struct policy_lists *l, enum policy_list which,
			const char *sender, struct policy_list_match *m)
{
	char up[SF_TPADDR_MAX + 1];
	struct pl_key k;
	void *d;
	size_t n;

	if (!l || !sender || (n = strlen(sender)) > SF_TPADDR_MAX || n == 0)
		return 0;
	for (size_t i = 0; i <= n; i++)
		up[i] = (char)pu_upper((unsigned char)sender[i]);
	key_text(&k, which * 4 + POLICY_ENTRY_SENDER, up, n);
	if (!lookup(l, &k, up, &d))
		return 0;
	fill_text(m, which, POLICY_ENTRY_SENDER, d);
	return 1;
}

int policy_lists_gt(const struct policy_lists *l, enum policy_list which,
		    const char *gt, struct policy_list_match *m)
{
	int set = which * 4 + POLICY_ENTRY_GT;
	uint64_t mask;
	char pre[SF_DIGITS_MAX + 1];
	struct pl_key k;
	size_t len;
	void *d;

	if (!l || !gt || !*gt)
		return 0;
	mask = __atomic_load_n(&l->lenmask[set], __ATOMIC_ACQUIRE);
	len = strlen(gt);
	if (len > SF_DIGITS_MAX)
		len = SF_DIGITS_MAX;
	for (size_t n = len; n >= 1; n--) {
		if (!(mask & (1ULL << n)))
			continue;
		memcpy(pre, gt, n);
		pre[n] = 0;
		key_text(&k, set, pre, n);
		if (lookup(l, &k, pre, &d)) {
			fill_text(m, which, POLICY_ENTRY_GT, d);
			return 1;
		}
	}
	return 0;
}

int policy_lists_shielded(const struct policy_lists *l, const char *subscriber,
			  const char *sender, struct policy_list_match *m)
{
	char sub[NUMBER_DIGITS_MAX + 4], snd[NUMBER_DIGITS_MAX + 4];

	if (!l || !subscriber || !sender ||
	    !__atomic_load_n(&l->lenmask[SET_SHIELD], __ATOMIC_ACQUIRE) ||
	    policy_canon_number(subscriber, strlen(subscriber), sub, sizeof(sub)) < 0 ||
	    policy_canon_number(sender, strlen(sender), snd, sizeof(snd)) < 0)
		return 0;
	return policy_lists_shielded_canon(l, sub, snd, m);
}

int policy_lists_shielded_canon(const struct policy_lists *l, const char *subscriber,
				const char *sender, struct policy_list_match *m)
{
	uint64_t mask;
	struct pl_key k;
	void *d;
	size_t sl, nl;

	if (!l || !subscriber || !sender)
		return 0;
	mask = __atomic_load_n(&l->lenmask[SET_SHIELD], __ATOMIC_ACQUIRE);
	if (!mask)
		return 0;
	sl = strlen(subscriber);
	nl = strlen(sender);
	if (!sl || !nl || sl > NUMBER_DIGITS_MAX || nl > NUMBER_DIGITS_MAX)
		return 0;
	for (size_t n = nl; n >= 1; n--) {
		if (!(mask & (1ULL << n)))
			continue;
		key_shield(&k, subscriber, sl, sender, n);
		if (lookup(l, &k, NULL, &d)) {
			fill_digits(m, POLICY_LIST_BLOCK, POLICY_ENTRY_SHIELD, &k, d);
			return 1;
		}
	}
	return 0;
}

const char *policy_lists_imsi(const struct policy_lists *l, const char *imsi)
{
	struct pl_key k;
	size_t n;
	void *d;

	if (!l || !imsi || !(n = strlen(imsi)) || n > 15)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!pu_is_digit(imsi[i]))
			return NULL;
	key_digits(&k, SET_IMSI, imsi, n);
	return lookup(l, &k, NULL, &d) ? data_value(d) : NULL;
}
