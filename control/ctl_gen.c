/* SPDX-License-Identifier: BSD-3-Clause */
/* Generation builder and publisher (notes/LISTS_SPEC.md lists text). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_gen.h"
#include "ctl_keys.h"
#include "ctl_log.h"
#include "ctl_lists.h"
#include "ctl_redis.h"
#include "sf_sha256.h"

/* Commit: refuse to go backwards (two controld racing), store, point
 * current at it, record meta, announce. KEYS: current, gen:<N>, meta, hist.
 * ARGV: body, N, rev, sha, time_ms. */
static const char publish_lua[] =
	"local cur = tonumber(redis.call('GET', KEYS[1]) or '0')\n"
	"if cur >= tonumber(ARGV[2]) then return -1 end\n"
	"local text = '# smsfw lists v1\\nversion ' .. ARGV[2] .. '\\nrev ' .. ARGV[3] .. '\\n' .. ARGV[1]\n"
	"redis.call('SET', KEYS[2], text)\n"
	"redis.call('SET', KEYS[1], ARGV[2])\n"
	"redis.call('HSET', KEYS[3], 'version', ARGV[2], 'rev', ARGV[3], 'sha', ARGV[4],"
	" 'time', ARGV[5], 'bytes', #text)\n"
	"redis.call('LPUSH', KEYS[4], ARGV[2])\n"
	"redis.call('PUBLISH', '" CTL_K_GEN "', ARGV[2])\n"
	"return tonumber(ARGV[2])\n";

/* Delete an expired entry only if nobody refreshed it meanwhile, with its
 * change log entry. KEYS: hash, lists rev, log. ARGV: field, value, word,
 * the field as the lists text writes it. */
static const char cad_lua[] =
	CTL_LOG_LUA
	"if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then\n"
	"  redis.call('HDEL', KEYS[1], ARGV[1])\n"
	"  logchg(KEYS[2], KEYS[3], 'del', ARGV[3] .. ' ' .. ARGV[4])\n"
	"  return 1\n"
	"end\n"
	"return 0\n";

struct lines {
	char **v;
	size_t n, cap;
};

static int lines_add(struct lines *l, const char *a, const char *b, const char *c)
{
	size_t len = strlen(a) + strlen(b) + strlen(c) + 3;
	char *s;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 256;
		char **nv = realloc(l->v, ncap * sizeof(*nv));

		if (!nv)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	s = malloc(len + 1);
	if (!s)
		return -1;
	snprintf(s, len + 1, "%s %s%s%s\n", a, b, *c ? " " : "", c);
	l->v[l->n++] = s;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void expire_entry(redisContext *c, const char *key, const char *word, const char *field,
			 const char *val)
{
	char xf[192];
	redisReply *r;

	if (!strcmp(word, "imsi"))
		snprintf(xf, sizeof(xf), "%s", field);
	else
		ctl_list_field_export(!strcmp(word, "shield"), field, xf, sizeof(xf));
	r = redisCommand(c, "EVAL %s 3 %s %s %s %s %s %s %s", cad_lua, key, CTL_K_REV, CTL_K_LISTS_LOG,
			 field, val, word, xf);

	if (r)
		freeReplyObject(r);
}

/* One hash → lines; kind: 0 block/allow, 1 shield, 2 imsi. Fields and
 * values hold canonical numbers; the lines hold them as exported. */
static int add_hash(redisContext *c, const redisReply *h, const char *word, const char *key, int kind,
		    long long now_s, struct ctl_gen_body *b, struct lines *l, size_t *count)
{
	for (size_t i = 0; i + 1 < h->elements; i += 2) {
		const redisReply *f = h->element[i], *v = h->element[i + 1];
		char field[96], val[256], sub[64], port[64], tmp[96], e[64], x[72], line[192];
		const char *lf = field, *lv = val;
		long long exp;
		int ok = f->type == REDIS_REPLY_STRING && v->type == REDIS_REPLY_STRING &&
			 !ctl_reply_str(f, field, sizeof(field)) && !ctl_reply_str(v, val, sizeof(val));

		if (ok && kind == 0) {
			char *sp = strchr(field, ' ');

			ok = sp && ctl_valid_attrs(val);
			if (ok) {
				/* a field is what ctl_list_field makes of its value
				 * as the line writes it */
				ctl_list_field_export(0, field, line, sizeof(line));
				lf = line;
				*sp = 0;
				ok = !ctl_list_field(field, strchr(line, ' ') + 1, tmp, sizeof(tmp), e,
						     sizeof(e)) &&
				     (*sp = ' ', !strcmp(tmp, field));
			}
		} else if (ok && kind == 1) {
			ok = sscanf(field, "%63s %63s", sub, port) == 2 &&
			     ctl_valid_digits(sub) && ctl_valid_digits(port) &&
			     strlen(sub) + strlen(port) + 1 == strlen(field) && ctl_valid_attrs(val);
			if (ok) {
				ctl_list_field_export(1, field, line, sizeof(line));
				lf = line;
			}
		} else if (ok) {
			ok = ctl_valid_digits(field) && ctl_valid_digits(val);
			if (ok) {
				ctl_list_export(val, x, sizeof(x));
				lv = x;
			}
		}
		if (!ok) {
			b->n_invalid++;
			continue;
		}
		exp = kind == 2 ? 0 : ctl_attr_expires(val);
		if (exp && exp <= now_s) {
			b->n_expired++;
			expire_entry(c, key, word, field, val);
			continue;
		}
		if (exp && (!b->next_expiry || exp < b->next_expiry))
			b->next_expiry = exp;
		if (lines_add(l, word, lf, lv) < 0)
			return -1;
		(*count)++;
	}
	return 0;
}

int ctl_gen_build(redisContext *c, long long now_s, struct ctl_gen_body *out,
		  char *err, size_t errlen)
{
	static const char *const keys[] = { CTL_K_BLOCK, CTL_K_ALLOW, CTL_K_SHIELD, CTL_K_IMSI };
	static const char *const words[] = { "block", "allow", "shield", "imsi" };
	static const int kinds[] = { 0, 0, 1, 2 };
	size_t *counts[] = { &out->n_block, &out->n_allow, &out->n_shield, &out->n_imsi };
	redisReply *r = NULL;
	struct lines l = { 0 };
	int rc = -1;

	memset(out, 0, sizeof(*out));
	redisAppendCommand(c, "MULTI");
	redisAppendCommand(c, "GET %s", CTL_K_REV);
	for (int i = 0; i < 4; i++)
		redisAppendCommand(c, "HGETALL %s", keys[i]);
	redisAppendCommand(c, "EXEC");
	for (int i = 0; i < 6; i++) {	/* OK + 5 QUEUED */
		if (redisGetReply(c, (void **)&r) != REDIS_OK) {
			snprintf(err, errlen, "redis: %s", c->errstr);
			return -1;
		}
		freeReplyObject(r);
	}
	if (redisGetReply(c, (void **)&r) != REDIS_OK) {
		snprintf(err, errlen, "redis: %s", c->errstr);
		return -1;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 5) {
		snprintf(err, errlen, "snapshot failed: %s", r->type == REDIS_REPLY_ERROR ? r->str : "bad reply");
		goto out;
	}
	if (r->element[0]->type == REDIS_REPLY_STRING)
		out->rev = strtoll(r->element[0]->str, NULL, 10);
	else if (r->element[0]->type != REDIS_REPLY_NIL) {
		snprintf(err, errlen, "%s: wrong type", CTL_K_REV);
		goto out;
	}
	for (int i = 0; i < 4; i++) {
		const redisReply *h = r->element[i + 1];

		if (h->type != REDIS_REPLY_ARRAY) {
			snprintf(err, errlen, "%s: wrong type (expected hash)", keys[i]);
			goto out;
		}
		if (add_hash(c, h, words[i], keys[i], kinds[i], now_s, out, &l, counts[i]) < 0) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), cmp_str);
	for (size_t i = 0; i < l.n; i++)
		out->len += strlen(l.v[i]);
	out->text = malloc(out->len + 1);
	if (!out->text) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	out->len = 0;
	for (size_t i = 0; i < l.n; i++) {
		size_t n = strlen(l.v[i]);

		memcpy(out->text + out->len, l.v[i], n);
		out->len += n;
	}
	out->text[out->len] = 0;
	sha256_hex(out->text, out->len, out->sha);
	rc = 0;
out:
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	freeReplyObject(r);
	return rc;
}

void ctl_gen_free(struct ctl_gen_body *b)
{
	free(b->text);
	b->text = NULL;
}

long long ctl_gen_publish(redisContext *c, const struct ctl_gen_body *b, unsigned keep,
			  long long now_ms, char *err, size_t errlen)
{
	char kgen[64], nbuf[32], rev[32], tbuf[32];
	const char *argv[12];
	size_t argl[12];
	redisReply *r = redisCommand(c, "INCR %s", CTL_K_GEN_SEQ);
	long long n, v;

	if (ctl_reply_failed(r) || r->type != REDIS_REPLY_INTEGER) {
		snprintf(err, errlen, "INCR %s: %s", CTL_K_GEN_SEQ, r ? r->str : c->errstr);
		if (r)
			freeReplyObject(r);
		return -1;
	}
	n = r->integer;
	freeReplyObject(r);
	snprintf(kgen, sizeof(kgen), "%s%lld", CTL_K_GEN_N, n);
	snprintf(nbuf, sizeof(nbuf), "%lld", n);
	snprintf(rev, sizeof(rev), "%lld", b->rev);
	snprintf(tbuf, sizeof(tbuf), "%lld", now_ms);
	argv[0] = "EVAL"; argv[1] = publish_lua; argv[2] = "4";
	argv[3] = CTL_K_GEN_CUR; argv[4] = kgen; argv[5] = CTL_K_GEN_META; argv[6] = CTL_K_GEN_HIST;
	argv[7] = b->text ? b->text : ""; argv[8] = nbuf; argv[9] = rev; argv[10] = b->sha;
	argv[11] = tbuf;
	for (int i = 0; i < 12; i++)
		argl[i] = strlen(argv[i]);
	argl[7] = b->len;
	r = redisCommandArgv(c, 12, argv, argl);
	if (ctl_reply_failed(r) || r->type != REDIS_REPLY_INTEGER) {
		snprintf(err, errlen, "publish: %s", r ? r->str : c->errstr);
		if (r)
			freeReplyObject(r);
		return -1;
	}
	v = r->integer;
	freeReplyObject(r);
	if (v < 0) {
		snprintf(err, errlen, "publish: a newer generation is already current");
		return -1;
	}
	/* Reclaim generations beyond the last `keep`. */
	r = redisCommand(c, "LRANGE %s %u -1", CTL_K_GEN_HIST, keep);
	if (r && r->type == REDIS_REPLY_ARRAY) {
		for (size_t i = 0; i < r->elements; i++) {
			redisReply *d = redisCommand(c, "DEL %s%s", CTL_K_GEN_N, r->element[i]->str);

			if (d)
				freeReplyObject(d);
		}
	}
	if (r)
		freeReplyObject(r);
	r = redisCommand(c, "LTRIM %s 0 %u", CTL_K_GEN_HIST, keep - 1);
	if (r)
		freeReplyObject(r);
	return v;
}
