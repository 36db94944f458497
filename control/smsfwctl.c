/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfwctl: the analyst's and operator's command line for the control plane
 * (lists, shields, reports, rule bundles, status). Commands, output and exit
 * codes: control/CONTROLD.md "smsfwctl"; keys: control/REDIS.md. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ctl_acl.h"
#include "ctl_cfg.h"
#include "ctl_keys.h"
#include "ctl_log.h"
#include "ctl_lists.h"
#include "ctl_redis.h"
#include "ctl_sentinel.h"
#include "policy_report.h"
#include "sf_sha256.h"
#include "sf_json.h"
#ifdef SMSFWCTL_HAVE_BUNDLE_LOADER
#include "scan/bundle.h"
#endif

enum exit_code {
	EX_OK = 0,
	EX_NOT_FOUND = 1,	/* the entry/number does not exist */
	EX_USAGE = 2,		/* unknown command, wrong arguments */
	EX_INVALID = 3,		/* invalid value, bad bundle, bad config file */
	EX_UNAVAILABLE = 4,	/* Redis unreachable or AUTH refused */
	EX_REDIS = 5,		/* Redis answered with an error (wrong key type, ...) */
};

struct ctl {
	redisContext *c;
	int json;
	int mask;
	const char *ttl;
	const char *reason;
};

__attribute__((format(printf, 2, 3)))
static int fail(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "smsfwctl: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return code;
}

static long long now_s(void)
{
	return (long long)time(NULL);
}

/* Reply helper: NULL or error → message + EX_REDIS / EX_UNAVAILABLE. */
static int check(struct ctl *x, redisReply *r)
{
	if (!r)
		return fail(EX_UNAVAILABLE, "redis: %s", x->c->errstr);
	if (r->type == REDIS_REPLY_ERROR) {
		fail(EX_REDIS, "redis: %s", r->str);
		freeReplyObject(r);
		return EX_REDIS;
	}
	return EX_OK;
}

static void mask_number(const char *in, char *out, size_t cap, int mask)
{
	size_t p = in[0] == '+', n = strlen(in);	/* "+1415…": the '+' is kept */

	snprintf(out, cap, "%s", in);
	if (!mask || !ctl_valid_digits(in + p) || n - p < 7)
		return;
	for (size_t i = p + 3; i + 2 < n && i < cap - 1; i++)
		out[i] = '*';
}

/* JSON output grows with the data: a malloc'd buffer of a given capacity. */
static char *json_buf(size_t cap, struct sf_json *j)
{
	char *b = malloc(cap);

	if (b)
		sf_json_init(j, b, cap);
	return b;
}

static int json_print(struct sf_json *j, char *buf)
{
	if (j->overflow) {
		free(buf);
		return fail(EX_REDIS, "%s", "output too large");
	}
	puts(buf);
	free(buf);
	return EX_OK;
}

static void json_attrs(struct sf_json *j, const char *attrs)
{
	char tmp[256], *save = NULL;

	snprintf(tmp, sizeof(tmp), "%s", attrs);
	for (char *t = strtok_r(tmp, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(t, '=');

		if (!eq)
			continue;
		*eq = 0;
		if (!strcmp(t, "expires") || !strcmp(t, "added"))
			sf_json_int(j, t, strtoll(eq + 1, NULL, 10));
		else
			sf_json_str(j, t, eq + 1);
	}
}

static int cmp_pair(const void *a, const void *b)
{
	const redisReply *const *x = a, *const *y = b;

	return strcmp(x[0]->str, y[0]->str);
}

/* ---- block / allow ---- */

/* A list hash, entries sorted by field, and (with --json) a JSON buffer
 * opened with an array named name sized for it. The caller frees *r and
 * closes the array. */
static int hash_fetch(struct ctl *x, const char *key, const char *name, redisReply **r,
		      struct sf_json *j, char **buf)
{
	size_t cap = 256;
	int rc;

	*r = redisCommand(x->c, "HGETALL %s", key);
	if ((rc = check(x, *r)))
		return rc;
	if ((*r)->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(*r);
		return fail(EX_REDIS, "%s: unexpected reply", key);
	}
	if ((*r)->elements)
		qsort((*r)->element, (*r)->elements / 2, 2 * sizeof(*(*r)->element), cmp_pair);
	for (size_t i = 0; i < (*r)->elements; i++)
		cap += (size_t)(*r)->element[i]->len * 6 + 64;
	if (x->json) {
		*buf = json_buf(cap, j);
		if (!*buf) {
			freeReplyObject(*r);
			return fail(EX_REDIS, "%s", "out of memory");
		}
		sf_json_begin(j);
		sf_json_arr_begin(j, name);
	}
	return EX_OK;
}

/* Add (attrs set) or delete an entry of a list hash, bump the lists
 * revision and append the change to the lists change log in one script
 * (control/ctl_log.h), so every dataplane applies exactly this entry; a
 * delete of an entry that is not there is EX_NOT_FOUND with
 * "<missing>: <field>". */
static int hash_edit(struct ctl *x, const char *key, const char *field, const char *attrs,
		     const char *missing)
{
	static const char add_lua[] = CTL_LOG_LUA
		"redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
		"local line = ARGV[3] .. ' ' .. ARGV[4]\n"
		"if ARGV[2] ~= '' then line = line .. ' ' .. ARGV[2] end\n"
		"return logchg(KEYS[2], KEYS[3], 'add', line)\n";
	static const char del_lua[] = CTL_LOG_LUA
		"if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end\n"
		"return logchg(KEYS[2], KEYS[3], 'del', ARGV[3] .. ' ' .. ARGV[4])\n";
	const char *word = !strcmp(key, CTL_K_BLOCK) ? "block" : !strcmp(key, CTL_K_ALLOW) ? "allow" : "shield";
	char xf[192];
	redisReply *r;
	int rc;

	/* the change log's line holds the numbers as the dataplane reads them
	 * back (ctl_list_field_export) */
	ctl_list_field_export(word[0] == 's', field, xf, sizeof(xf));
	if (attrs)
		r = redisCommand(x->c, "EVAL %s 3 %s %s %s %s %s %s %s", add_lua, key, CTL_K_REV,
				 CTL_K_LISTS_LOG, field, attrs, word, xf);
	else
		r = redisCommand(x->c, "EVAL %s 3 %s %s %s %s %s %s %s", del_lua, key, CTL_K_REV,
				 CTL_K_LISTS_LOG, field, "", word, xf);
	if ((rc = check(x, r)))
		return rc;
	rc = r->type == REDIS_REPLY_INTEGER && r->integer == 0 ? EX_NOT_FOUND : EX_OK;
	freeReplyObject(r);
	if (rc == EX_NOT_FOUND)
		return fail(EX_NOT_FOUND, "%s: %s", missing, field);
	return EX_OK;
}

static int list_cmd(struct ctl *x, const char *list, int argc, char **argv)
{
	const char *key = !strcmp(list, "block") ? CTL_K_BLOCK : CTL_K_ALLOW;
	char field[96], err[160], attrs[160], xf[112];
	redisReply *r;
	int rc;

	if (argc < 1)
		return fail(EX_USAGE, "%s: expected add|del|list", list);
	if (!strcmp(argv[0], "list")) {
		struct sf_json j;
		char *buf = NULL;

		if (argc != 1)
			return fail(EX_USAGE, "%s list: no arguments", list);
		if ((rc = hash_fetch(x, key, list, &r, &j, &buf)))
			return rc;
		for (size_t i = 0; i + 1 < r->elements; i += 2) {
			const char *f = r->element[i]->str, *v = r->element[i + 1]->str, *sp = strchr(f, ' ');
			char shown[96];
			long long exp = ctl_attr_expires(v);

			if (!sp || (exp && exp <= now_s()))
				continue;	/* malformed or expired: not in the lists */
			/* numbers as they are written back ("+1415…") */
			ctl_list_field_export(0, f, xf, sizeof(xf));
			sp = strchr(xf, ' ');
			f = xf;
			mask_number(sp + 1, shown, sizeof(shown), x->mask);
			if (x->json) {
				sf_json_obj_begin(&j, NULL);
				sf_json_strn(&j, "kind", f, (size_t)(sp - f));
				sf_json_str(&j, "value", shown);
				json_attrs(&j, v);
				sf_json_obj_end(&j);
			} else {
				printf("%.*s %s%s%s\n", (int)(sp - f), f, shown, *v ? " " : "", v);
			}
		}
		freeReplyObject(r);
		if (x->json) {
			sf_json_arr_end(&j);
			sf_json_end(&j);
			return json_print(&j, buf);
		}
		return EX_OK;
	}
	if (strcmp(argv[0], "add") && strcmp(argv[0], "del"))
		return fail(EX_USAGE, "%s: expected add|del|list", list);
	if (argc != 2 && argc != 3)
		return fail(EX_USAGE, "%s add|del [number|prefix|sender|gt] VALUE", list);
	if (ctl_list_field(argc == 3 ? argv[1] : NULL, argv[argc - 1], field, sizeof(field), err, sizeof(err)) < 0)
		return fail(EX_INVALID, "%s", err);
	if (!strcmp(argv[0], "add")) {
		const char *reason = x->reason ? x->reason : "manual";
		size_t n;

		char words[128];

		/* words separated by single spaces ("vip complaint"): the
		 * lists format continues a reason over tokens without '=' */
		if (ctl_reason_words(reason, words, sizeof(words)) < 0)
			return fail(EX_INVALID, "--reason: 1-64 characters, words of A-Z a-z 0-9 . _ - : "
				    "separated by spaces, got \"%s\"", reason);
		n = (size_t)snprintf(attrs, sizeof(attrs), "reason=%s source=manual", words);
		if (x->ttl) {
			char *end;
			long long t = strtoll(x->ttl, &end, 10);

			if (*end || t <= 0 || t > 100LL * 365 * 86400)
				return fail(EX_INVALID, "--ttl: expected seconds > 0, got \"%s\"", x->ttl);
			snprintf(attrs + n, sizeof(attrs) - n, " expires=%lld", now_s() + t);
		}
		rc = hash_edit(x, key, field, attrs, "not in the list");
	} else {
		rc = hash_edit(x, key, field, NULL, "not in the list");
	}
	if (rc)
		return rc;
	ctl_list_field_export(0, field, xf, sizeof(xf));	/* as it is written back */
	if (x->json) {
		char buf[512];
		struct sf_json j;

		sf_json_init(&j, buf, sizeof(buf));
		sf_json_begin(&j);
		sf_json_bool(&j, "ok", 1);
		sf_json_str(&j, "list", list);
		sf_json_str(&j, "action", argv[0]);
		sf_json_str(&j, "entry", xf);
		sf_json_end(&j);
		puts(buf);
	} else {
		printf("%s %s: %s\n", list, argv[0], xf);
	}
	return EX_OK;
}

/* ---- shields ---- */

static int shield_cmd(struct ctl *x, int argc, char **argv)
{
	char field[64], attrs[64], csub[32], cport[32], xs[40], xp[40];
	redisReply *r;
	int rc;

	if (argc >= 1 && !strcmp(argv[0], "list")) {
		struct sf_json j;
		char *buf = NULL;

		char want[32];

		if (argc > 2 || (argc == 2 && policy_canon_number(argv[1], strlen(argv[1]), want, sizeof(want)) < 0))
			return fail(EX_USAGE, "%s", "shield list [SUBSCRIBER]");
		if ((rc = hash_fetch(x, CTL_K_SHIELD, "shield", &r, &j, &buf)))
			return rc;
		for (size_t i = 0; i + 1 < r->elements; i += 2) {
			char sub[32], port[32], shown[40];

			if (sscanf(r->element[i]->str, "%31s %31s", sub, port) != 2)
				continue;
			if (argc == 2 && strcmp(sub, want))
				continue;
			/* numbers as they are written back ("+1415…") */
			ctl_list_export(sub, xs, sizeof(xs));
			ctl_list_export(port, xp, sizeof(xp));
			mask_number(xs, shown, sizeof(shown), x->mask);
			if (x->json) {
				sf_json_obj_begin(&j, NULL);
				sf_json_str(&j, "subscriber", shown);
				sf_json_str(&j, "port", xp);
				json_attrs(&j, r->element[i + 1]->str);
				sf_json_obj_end(&j);
			} else {
				printf("%s %s %s\n", shown, xp, r->element[i + 1]->str);
			}
		}
		freeReplyObject(r);
		if (x->json) {
			sf_json_arr_end(&j);
			sf_json_end(&j);
			return json_print(&j, buf);
		}
		return EX_OK;
	}
	if (argc != 3 || (strcmp(argv[0], "add") && strcmp(argv[0], "del")))
		return fail(EX_USAGE, "%s", "shield add|del SUBSCRIBER PORT, shield list [SUBSCRIBER]");
	/* both in the canonical form the dataplane's shield events use */
	if (policy_canon_number(argv[1], strlen(argv[1]), csub, sizeof(csub)) < 0 ||
	    policy_canon_number(argv[2], strlen(argv[2]), cport, sizeof(cport)) < 0)
		return fail(EX_INVALID, "%s", "subscriber and port must be 1-20 digits");
	snprintf(field, sizeof(field), "%s %s", csub, cport);
	if (!strcmp(argv[0], "add")) {
		snprintf(attrs, sizeof(attrs), "source=manual added=%lld", now_s());
		rc = hash_edit(x, CTL_K_SHIELD, field, attrs, "no such shield");
	} else {
		rc = hash_edit(x, CTL_K_SHIELD, field, NULL, "no such shield");
	}
	if (rc)
		return rc;
	/* as they are written back ("+1415…") */
	ctl_list_export(csub, xs, sizeof(xs));
	ctl_list_export(cport, xp, sizeof(xp));
	if (x->json) {
		char buf[256];
		struct sf_json j;

		sf_json_init(&j, buf, sizeof(buf));
		sf_json_begin(&j);
		sf_json_bool(&j, "ok", 1);
		sf_json_str(&j, "list", "shield");
		sf_json_str(&j, "action", argv[0]);
		sf_json_str(&j, "subscriber", xs);
		sf_json_str(&j, "port", xp);
		sf_json_end(&j);
		puts(buf);
	} else {
		printf("shield %s: %s %s\n", argv[0], xs, xp);
	}
	return EX_OK;
}

/* ---- reports ---- */

static long long hget_ll(const redisReply *h, const char *name)
{
	for (size_t i = 0; i + 1 < h->elements; i += 2)
		if (!strcmp(h->element[i]->str, name))
			return strtoll(h->element[i + 1]->str, NULL, 10);
	return 0;
}

static int reports_top(struct ctl *x, int argc, char **argv)
{
	long n = 10;
	redisReply *r;
	struct sf_json j;
	char *buf = NULL;
	int rc, shown_n = 0;

	if (argc > 1)
		return fail(EX_USAGE, "%s", "reports top [N]");
	if (argc == 1) {
		char *end;

		n = strtol(argv[0], &end, 10);
		if (*end || n < 1 || n > 10000)
			return fail(EX_INVALID, "N must be 1-10000, got \"%s\"", argv[0]);
	}
	r = redisCommand(x->c, "ZREVRANGE %s 0 %ld", CTL_K_TOP, 2 * n + 16);
	if ((rc = check(x, r)))
		return rc;
	if (r->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(r);
		return fail(EX_REDIS, "%s: unexpected reply", CTL_K_TOP);
	}
	if (x->json) {
		buf = json_buf((size_t)n * 256 + 256, &j);
		if (!buf) {
			freeReplyObject(r);
			return fail(EX_REDIS, "%s", "out of memory");
		}
		sf_json_begin(&j);
		sf_json_arr_begin(&j, "reports");
	}
	for (size_t i = 0; i < r->elements && shown_n < n; i++) {
		char shown[72], key[128], xr[72];
		redisReply *h;

		snprintf(key, sizeof(key), CTL_KF_REP, r->element[i]->str);
		h = redisCommand(x->c, "HGETALL %s", key);

		if (!h)
			break;
		if (h->type != REDIS_REPLY_ARRAY || h->elements == 0) {	/* expired record */
			freeReplyObject(h);
			continue;
		}
		ctl_list_export(r->element[i]->str, xr, sizeof(xr));	/* "+1415…" */
		mask_number(xr, shown, sizeof(shown), x->mask);
		if (x->json) {
			sf_json_obj_begin(&j, NULL);
			sf_json_str(&j, "reported", shown);
			sf_json_int(&j, "distinct", hget_ll(h, "distinct"));
			sf_json_int(&j, "total", hget_ll(h, "total"));
			sf_json_int(&j, "first", hget_ll(h, "first"));
			sf_json_int(&j, "last", hget_ll(h, "last"));
			sf_json_obj_end(&j);
		} else {
			printf("%s distinct=%lld total=%lld first=%lld last=%lld\n", shown, hget_ll(h, "distinct"),
			       hget_ll(h, "total"), hget_ll(h, "first"), hget_ll(h, "last"));
		}
		shown_n++;
		freeReplyObject(h);
	}
	freeReplyObject(r);
	if (x->json) {
		sf_json_arr_end(&j);
		sf_json_end(&j);
		return json_print(&j, buf);
	}
	return EX_OK;
}

static int reports_show(struct ctl *x, int argc, char **argv)
{
	char num[64], field[96], err[128], shown[72], key[128], xr[72];
	redisReply *h, *s, *b, *f;
	int rc;
	long long exp;

	if (argc != 1)
		return fail(EX_USAGE, "%s", "reports show NUMBER");
	if (ctl_list_field(NULL, argv[0], field, sizeof(field), err, sizeof(err)) < 0)
		return fail(EX_INVALID, "%s", err);
	snprintf(num, sizeof(num), "%s", strchr(field, ' ') + 1);
	snprintf(key, sizeof(key), CTL_KF_REP, num);
	h = redisCommand(x->c, "HGETALL %s", key);
	if ((rc = check(x, h)))
		return rc;
	if (h->type != REDIS_REPLY_ARRAY || h->elements == 0) {
		freeReplyObject(h);
		return fail(EX_NOT_FOUND, "no reports for %s", argv[0]);
	}
	snprintf(key, sizeof(key), CTL_KF_REP_S, num);
	s = redisCommand(x->c, "LRANGE %s 0 -1", key);
	b = redisCommand(x->c, "HGET %s %s", CTL_K_BLOCK, field);
	snprintf(key, sizeof(key), CTL_KF_FBS, num);
	f = redisCommand(x->c, "HGET %s count", key);
	if (!s || !b || !f) {
		if (s) freeReplyObject(s);
		if (b) freeReplyObject(b);
		if (f) freeReplyObject(f);
		freeReplyObject(h);
		return fail(EX_UNAVAILABLE, "redis: %s", x->c->errstr);
	}
	exp = b->type == REDIS_REPLY_STRING ? ctl_attr_expires(b->str) : 0;
	ctl_list_export(num, xr, sizeof(xr));	/* as it is written back: "+1415…" */
	mask_number(xr, shown, sizeof(shown), x->mask);
	if (x->json) {
		size_t cap = 1024;
		struct sf_json j;
		char *buf;

		for (size_t i = 0; s->type == REDIS_REPLY_ARRAY && i < s->elements; i++)
			cap += (size_t)s->element[i]->len * 6 + 8;
		buf = json_buf(cap, &j);
		if (!buf)
			return fail(EX_REDIS, "%s", "out of memory");
		sf_json_begin(&j);
		sf_json_str(&j, "reported", shown);
		sf_json_int(&j, "distinct", hget_ll(h, "distinct"));
		sf_json_int(&j, "total", hget_ll(h, "total"));
		sf_json_int(&j, "counted", hget_ll(h, "counted"));
		sf_json_int(&j, "first", hget_ll(h, "first"));
		sf_json_int(&j, "last", hget_ll(h, "last"));
		if (b->type == REDIS_REPLY_STRING && (!exp || exp > now_s())) {
			sf_json_obj_begin(&j, "block");
			json_attrs(&j, b->str);
			sf_json_obj_end(&j);
		} else {
			sf_json_null(&j, "block");
		}
		sf_json_int(&j, "fbs_reports", f->type == REDIS_REPLY_STRING ? strtoll(f->str, NULL, 10) : 0);
		sf_json_arr_begin(&j, "texts");
		for (size_t i = 0; s->type == REDIS_REPLY_ARRAY && i < s->elements; i++)
			sf_json_strn(&j, NULL, s->element[i]->str, (size_t)s->element[i]->len);
		sf_json_arr_end(&j);
		sf_json_end(&j);
		rc = json_print(&j, buf);
	} else {
		printf("reported %s\ndistinct %lld\ntotal %lld\ncounted %lld\nfirst %lld\nlast %lld\n", shown,
		       hget_ll(h, "distinct"), hget_ll(h, "total"), hget_ll(h, "counted"), hget_ll(h, "first"),
		       hget_ll(h, "last"));
		printf("block %s\n", b->type == REDIS_REPLY_STRING && (!exp || exp > now_s()) ? b->str : "no");
		printf("fbs_reports %lld\n", f->type == REDIS_REPLY_STRING ? strtoll(f->str, NULL, 10) : 0);
		for (size_t i = 0; s->type == REDIS_REPLY_ARRAY && i < s->elements; i++)
			printf("text %.*s\n", (int)s->element[i]->len, s->element[i]->str);
	}
	freeReplyObject(h);
	freeReplyObject(s);
	freeReplyObject(b);
	freeReplyObject(f);
	return rc;
}

/* ---- rules ---- */

static uint64_t rd_be(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Checks what the file format (dataplane/core/scan/bundle.h) lets us check
 * without Hyperscan: magic, format version, header length, total length,
 * trailing SHA-256; with the loader linked, the full validation. */
static int validate_bundle(const unsigned char *p, size_t n, char *err, size_t errlen)
{
	char hex[65], want[65];

	if (n < 160 + 32) {
		snprintf(err, errlen, "too short for a bundle (%zu bytes)", n);
		return -1;
	}
	if (memcmp(p, "SMSFWRUL", 8)) {
		snprintf(err, errlen, "bad magic (not an smsfw rule bundle)");
		return -1;
	}
	if (rd_be(p + 8, 4) != 1) {
		snprintf(err, errlen, "unsupported format version %llu", (unsigned long long)rd_be(p + 8, 4));
		return -1;
	}
	if (rd_be(p + 12, 4) != 160) {
		snprintf(err, errlen, "bad header length");
		return -1;
	}
	if (rd_be(p + 16, 8) != n) {
		snprintf(err, errlen, "file length %zu, header says %llu (truncated?)", n,
			 (unsigned long long)rd_be(p + 16, 8));
		return -1;
	}
	sha256_hex(p, n - 32, hex);
	for (int i = 0; i < 32; i++)
		snprintf(want + 2 * i, 3, "%02x", p[n - 32 + i]);
	if (strcmp(hex, want)) {
		snprintf(err, errlen, "checksum mismatch (corrupted)");
		return -1;
	}
#ifdef SMSFWCTL_HAVE_BUNDLE_LOADER
	{
		struct scan_bundle *b = scan_bundle_load(p, n, err, errlen);

		if (!b)
			return -1;
		scan_bundle_free(b);
	}
#endif
	return 0;
}

static int rules_cmd(struct ctl *x, int argc, char **argv)
{
	static const char store_lua[] =
		"redis.call('SET', KEYS[1], ARGV[1])\n"
		"redis.call('SET', KEYS[2], ARGV[2])\n"
		"redis.call('LREM', KEYS[3], 0, ARGV[2])\n"
		"redis.call('LPUSH', KEYS[3], ARGV[2])\n"
		"redis.call('PUBLISH', '" CTL_K_RULES "', ARGV[2])\n"
		"return redis.call('LRANGE', KEYS[3], 3, -1)\n";
	FILE *fp;
	struct stat st;
	unsigned char *data;
	char sha[65], key[128], err[256];
	const char *av[8];
	size_t al[8];
	redisReply *r;
	int rc;

	if (argc != 2 || strcmp(argv[0], "reload"))
		return fail(EX_USAGE, "%s", "rules reload BUNDLE");
	fp = fopen(argv[1], "rb");
	if (!fp || fstat(fileno(fp), &st) < 0) {
		if (fp)
			fclose(fp);
		fprintf(stderr, "smsfwctl: %s: %s\n", argv[1], strerror(errno));
		return EX_INVALID;
	}
	if (st.st_size <= 0 || st.st_size > 256L * 1024 * 1024) {
		fclose(fp);
		fprintf(stderr, "smsfwctl: %s: bundle refused: size %lld out of range\n", argv[1],
			(long long)st.st_size);
		return EX_INVALID;
	}
	data = malloc((size_t)st.st_size);
	if (!data || fread(data, 1, (size_t)st.st_size, fp) != (size_t)st.st_size) {
		fclose(fp);
		free(data);
		return fail(EX_INVALID, "%s: read error", argv[1]);
	}
	fclose(fp);
	if (validate_bundle(data, (size_t)st.st_size, err, sizeof(err)) < 0) {
		free(data);
		fprintf(stderr, "smsfwctl: %s: bundle refused: %s\n", argv[1], err);
		return EX_INVALID;
	}
	sha256_hex(data, (size_t)st.st_size, sha);
	snprintf(key, sizeof(key), "%s%s", CTL_K_RULES_N, sha);
	av[0] = "EVAL"; av[1] = store_lua; av[2] = "3"; av[3] = key; av[4] = CTL_K_RULES_CUR;
	av[5] = CTL_K_RULES_HIST; av[6] = (const char *)data; av[7] = sha;
	for (int i = 0; i < 8; i++)
		al[i] = strlen(av[i]);
	al[6] = (size_t)st.st_size;
	r = redisCommandArgv(x->c, 8, av, al);
	free(data);
	if ((rc = check(x, r)))
		return rc;
	for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
		redisReply *d = redisCommand(x->c, "DEL %s%s", CTL_K_RULES_N, r->element[i]->str);

		if (d)
			freeReplyObject(d);
	}
	freeReplyObject(r);
	r = redisCommand(x->c, "LTRIM %s 0 2", CTL_K_RULES_HIST);
	if (r)
		freeReplyObject(r);
	if (x->json)
		printf("{\"ok\":true,\"sha256\":\"%s\",\"bytes\":%lld}\n", sha, (long long)st.st_size);
	else
		printf("rules published: %s (%lld bytes)\n", sha, (long long)st.st_size);
	return EX_OK;
}

/* ---- shrink guard ---- */

/* The daemon holds a generation that would drop more than
 * publish.shrink_max_pct of the entries; this lets it publish it. */
static int lists_confirm(struct ctl *x, int argc, char **argv)
{
	redisReply *r;
	int rc;

	if (argc != 1 || strcmp(argv[0], "confirm"))
		return fail(EX_USAGE, "%s", "lists confirm");
	r = redisCommand(x->c, "GET %s", CTL_K_GEN_HELD);
	if ((rc = check(x, r)))
		return rc;
	if (r->type != REDIS_REPLY_STRING) {
		freeReplyObject(r);
		return fail(EX_NOT_FOUND, "%s", "no generation is held");
	}
	printf("confirmed: the held generation (%s entries: new:old) will be published\n", r->str);
	freeReplyObject(r);
	r = redisCommand(x->c, "SET %s 1 EX 300", CTL_K_GEN_CONFIRM);
	if ((rc = check(x, r)))
		return rc;
	freeReplyObject(r);
	return EX_OK;
}

/* ---- status / stats ---- */

static int status_cmd(struct ctl *x, int argc)
{
	redisReply *cur, *dps;
	long long version = 0, now, lists_rev = 0;
	struct timespec ts;
	struct sf_json j;
	char *buf = NULL;
	int rc;

	if (argc)
		return fail(EX_USAGE, "%s", "status: no arguments");
	cur = redisCommand(x->c, "GET %s", CTL_K_GEN_CUR);
	if ((rc = check(x, cur)))
		return rc;
	if (cur->type == REDIS_REPLY_STRING)
		version = strtoll(cur->str, NULL, 10);
	freeReplyObject(cur);
	/* the lists change log's head: each dataplane says how far it applied it */
	cur = redisCommand(x->c, "GET %s", CTL_K_REV);
	if ((rc = check(x, cur)))
		return rc;
	if (cur->type == REDIS_REPLY_STRING)
		lists_rev = strtoll(cur->str, NULL, 10);
	freeReplyObject(cur);
	dps = redisCommand(x->c, "ZRANGE %s 0 -1", CTL_K_DPS);
	if ((rc = check(x, dps)))
		return rc;
	if (x->json) {
		buf = json_buf(dps->elements * 256 + 256, &j);
		if (!buf)
			return fail(EX_REDIS, "%s", "out of memory");
		sf_json_begin(&j);
		sf_json_int(&j, "generation", version);
		sf_json_arr_begin(&j, "dataplanes");
	} else {
		printf("generation %lld lists_rev %lld\n", version, lists_rev);
	}
	for (size_t i = 0; dps->type == REDIS_REPLY_ARRAY && i < dps->elements; i++) {
		redisReply *h = redisCommand(x->c, "HMGET %s%s version time bundle queue journal lists c.lists_rev",
					     CTL_K_DP, dps->element[i]->str);
		int alive = h && h->type == REDIS_REPLY_ARRAY && h->elements == 7 &&
			    h->element[0]->type == REDIS_REPLY_STRING;
		const char *bundle = alive && h->element[2]->type == REDIS_REPLY_STRING ? h->element[2]->str : "";
		long long queue = alive && h->element[3]->type == REDIS_REPLY_STRING ?
				  strtoll(h->element[3]->str, NULL, 10) : 0;
		long long journal = alive && h->element[4]->type == REDIS_REPLY_STRING ?
				    strtoll(h->element[4]->str, NULL, 10) : 0;
		long long v = alive ? strtoll(h->element[0]->str, NULL, 10) : 0;
		/* the rev the dataplane applied (its counter), else the one
		 * its client was handed */
		const redisReply *lr = !alive ? NULL : h->element[6]->type == REDIS_REPLY_STRING ? h->element[6] :
				       h->element[5];
		long long lv = lr && lr->type == REDIS_REPLY_STRING ? strtoll(lr->str, NULL, 10) : 0;
		long long t = alive && h->element[1]->type == REDIS_REPLY_STRING ?
			      strtoll(h->element[1]->str, NULL, 10) : 0;

		/* the clock after the read: a heartbeat may land in between */
		clock_gettime(CLOCK_REALTIME, &ts);
		now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;

		if (x->json) {
			sf_json_obj_begin(&j, NULL);
			sf_json_str(&j, "id", dps->element[i]->str);
			sf_json_bool(&j, "alive", alive);
			if (alive) {
				sf_json_int(&j, "version", v);
				sf_json_int(&j, "lag", version - v);
				sf_json_int(&j, "heartbeat_age_ms", now - t);
				sf_json_str(&j, "bundle", bundle);
				sf_json_int(&j, "queue", queue);
				sf_json_int(&j, "journal", journal);
				sf_json_int(&j, "lists_rev", lv);
				sf_json_int(&j, "lists_lag", lists_rev - lv);
			}
			sf_json_obj_end(&j);
		} else if (alive) {
			printf("dataplane %s alive version=%lld lag=%lld heartbeat_age=%.1fs bundle=%.12s queue=%lld "
			       "journal=%lld lists_rev=%lld lists_lag=%lld\n", dps->element[i]->str, v, version - v,
			       (double)(now - t) / 1000.0, bundle[0] ? bundle : "file", queue, journal, lv,
			       lists_rev - lv);
		} else {
			printf("dataplane %s dead\n", dps->element[i]->str);
		}
		if (h)
			freeReplyObject(h);
	}
	freeReplyObject(dps);
	if (x->json) {
		sf_json_arr_end(&j);
		sf_json_int(&j, "lists_rev", lists_rev);
		sf_json_end(&j);
		return json_print(&j, buf);
	}
	return EX_OK;
}

static int stats_cmd(struct ctl *x, int argc)
{
	static const char *const keys[] = { CTL_K_BLOCK, CTL_K_ALLOW, CTL_K_SHIELD };
	static const char *const names[] = { "block_entries", "allow_entries", "shield_entries" };
	redisReply *st, *len[3], *cur;
	struct sf_json j;
	char *buf = NULL;
	int rc;

	if (argc)
		return fail(EX_USAGE, "%s", "stats: no arguments");
	st = redisCommand(x->c, "HGETALL %s", CTL_K_STATS);
	if ((rc = check(x, st)))
		return rc;
	if (st->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(st);
		return fail(EX_REDIS, "%s: unexpected reply", CTL_K_STATS);
	}
	if (st->elements)
		qsort(st->element, st->elements / 2, 2 * sizeof(*st->element), cmp_pair);
	for (int i = 0; i < 3; i++) {
		len[i] = redisCommand(x->c, "HLEN %s", keys[i]);
		if ((rc = check(x, len[i]))) {
			while (i--)
				freeReplyObject(len[i]);
			freeReplyObject(st);
			return rc;
		}
	}
	cur = redisCommand(x->c, "GET %s", CTL_K_GEN_CUR);
	if (x->json) {
		buf = json_buf(st->elements * 80 + 512, &j);
		if (!buf)
			return fail(EX_REDIS, "%s", "out of memory");
		sf_json_begin(&j);
	}
	for (size_t i = 0; i + 1 < st->elements; i += 2) {
		long long v = strtoll(st->element[i + 1]->str, NULL, 10);

		if (x->json)
			sf_json_int(&j, st->element[i]->str, v);
		else
			printf("%s %lld\n", st->element[i]->str, v);
	}
	for (int i = 0; i < 3; i++) {
		if (x->json)
			sf_json_int(&j, names[i], len[i]->integer);
		else
			printf("%s %lld\n", names[i], len[i]->integer);
		freeReplyObject(len[i]);
	}
	{
		long long v = cur && cur->type == REDIS_REPLY_STRING ? strtoll(cur->str, NULL, 10) : 0;

		if (x->json)
			sf_json_int(&j, "generation", v);
		else
			printf("generation %lld\n", v);
	}
	if (cur)
		freeReplyObject(cur);
	freeReplyObject(st);
	if (x->json) {
		sf_json_end(&j);
		return json_print(&j, buf);
	}
	return EX_OK;
}

/* The password of each role from its environment variable, as "#<sha256>"
 * (Redis stores and compares only the hash; the ACL file holds no secret). */
static int acl_hashes(char hash[CTL_ROLE__N][2 * SHA256_LEN + 2])
{
	for (int i = 0; i < CTL_ROLE__N; i++) {
		const char *pw = getenv(ctl_acl_env((enum ctl_role)i));

		if (!pw || strlen(pw) < CTL_ACL_MIN_PASSWORD)
			return fail(EX_INVALID, "%s: the %s user's password, at least %d characters, is not set",
				    ctl_acl_env((enum ctl_role)i), ctl_acl_user((enum ctl_role)i),
				    CTL_ACL_MIN_PASSWORD);
		hash[i][0] = '#';
		sha256_hex(pw, strlen(pw), hash[i] + 1);
	}
	return EX_OK;
}

/* acl file: an ACL file (redis.conf "aclfile") on stdout; no Redis needed. */
static int acl_file(int n)
{
	char hash[CTL_ROLE__N][2 * SHA256_LEN + 2];
	int rc;

	if (n != 0)
		return fail(EX_USAGE, "%s", "acl file: no arguments");
	if ((rc = acl_hashes(hash)) != EX_OK)
		return rc;
	printf("# smsfw control plane users (control/REDIS.md \"ACL users\"); add the admin user you\n"
	       "# manage Redis with, e.g. \"user default on #<sha256> +@all ~* &*\", or \"user default off\"\n");
	for (int i = 0; i < CTL_ROLE__N; i++)
		printf("user %s on %s %s\n", ctl_acl_user((enum ctl_role)i), hash[i], ctl_acl_rules((enum ctl_role)i));
	return EX_OK;
}

/* acl setup: ACL SETUSER <role> reset on #<hash> <rules> for every role,
 * as a user allowed to manage ACLs. */
static int acl_setup(struct ctl *x, int n)
{
	char hash[CTL_ROLE__N][2 * SHA256_LEN + 2], words[1024];
	redisReply *r;
	int rc;

	if (n != 0)
		return fail(EX_USAGE, "%s", "acl setup: no arguments");
	if ((rc = acl_hashes(hash)) != EX_OK)
		return rc;
	for (int i = 0; i < CTL_ROLE__N; i++) {
		const char *argv[64];
		int argc = 0;
		char *save = NULL;

		argv[argc++] = "ACL";
		argv[argc++] = "SETUSER";
		argv[argc++] = ctl_acl_user((enum ctl_role)i);
		argv[argc++] = "reset";
		argv[argc++] = "on";
		argv[argc++] = hash[i];
		snprintf(words, sizeof(words), "%s", ctl_acl_rules((enum ctl_role)i));
		for (char *t = strtok_r(words, " ", &save); t && argc < 64; t = strtok_r(NULL, " ", &save))
			argv[argc++] = t;
		r = redisCommandArgv(x->c, argc, argv, NULL);
		if ((rc = check(x, r)) != EX_OK)
			return rc;
		freeReplyObject(r);
		printf("user %s: %s\n", ctl_acl_user((enum ctl_role)i), ctl_acl_rules((enum ctl_role)i));
	}
	/* the users protect nothing while anyone may connect as "default" */
	r = redisCommand(x->c, "ACL GETUSER default");
	if (r && r->type == REDIS_REPLY_ARRAY) {
		int on = 0, nopass = 0;

		for (size_t i = 0; i + 1 < r->elements; i += 2)
			if (r->element[i]->type == REDIS_REPLY_STRING && !strcmp(r->element[i]->str, "flags") &&
			    r->element[i + 1]->type == REDIS_REPLY_ARRAY)
				for (size_t k = 0; k < r->element[i + 1]->elements; k++) {
					const redisReply *f = r->element[i + 1]->element[k];

					on |= f->type == REDIS_REPLY_STRING && !strcmp(f->str, "on");
					nopass |= f->type == REDIS_REPLY_STRING && !strcmp(f->str, "nopass");
				}
		if (on && nopass)
			fprintf(stderr, "smsfwctl: warning: the default user is on without a password: "
				"turn it off (ACL SETUSER default off) or give it one\n");
	}
	if (r)
		freeReplyObject(r);
	return EX_OK;
}

static void usage(FILE *f)
{
	fputs("usage: smsfwctl [-c FILE] [--redis HOST:PORT | --sentinel HOST:PORT,... [--master-name NAME]]\n"
	      "                [--user U] [--password P] [--json] [--mask] COMMAND\n"
	      "  block add|del [number|prefix|sender|gt] VALUE [--ttl SECONDS] [--reason R]\n"
	      "  block list\n"
	      "  allow add|del [number|prefix|sender|gt] VALUE [--ttl SECONDS] [--reason R]\n"
	      "  allow list\n"
	      "  shield add|del SUBSCRIBER PORT\n"
	      "  shield list [SUBSCRIBER]\n"
	      "  reports top [N]\n"
	      "  reports show NUMBER\n"
	      "  rules reload BUNDLE\n"
	      "  status\n"
	      "  lists confirm            publish a generation the shrink guard holds\n"
	      "  stats\n"
	      "  acl setup                create the dataplane/controld/smsfwctl Redis users (as an ACL admin)\n"
	      "  acl file                 print them as a Redis ACL file\n"
	      "  (passwords from SMSFW_ACL_DATAPLANE_PASSWORD, SMSFW_ACL_CONTROLD_PASSWORD,\n"
	      "   SMSFW_ACL_SMSFWCTL_PASSWORD)\n"
	      "exit codes: 0 ok, 1 not found, 2 usage, 3 invalid input, 4 Redis unavailable, 5 Redis error\n"
	      "password also from SMSFW_REDIS_PASSWORD, user from SMSFW_REDIS_USER\n", f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, 0, 'c' }, { "redis", required_argument, 0, 'r' },
		{ "user", required_argument, 0, 'u' }, { "password", required_argument, 0, 'p' },
		{ "json", no_argument, 0, 'j' }, { "mask", no_argument, 0, 'M' },
		{ "ttl", required_argument, 0, 't' }, { "reason", required_argument, 0, 'R' },
		{ "sentinel", required_argument, 0, 'S' }, { "master-name", required_argument, 0, 'N' },
		{ "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
	struct ctl_config cfg;
	struct ctl x = { 0 };
	const char *cfg_path = NULL, *o_redis = NULL, *o_user = NULL, *o_pass = NULL, *o_sent = NULL,
		   *o_master = NULL;
	char err[512];
	int c, rc;

	while ((c = getopt_long(argc, argv, "+c:r:u:p:jMt:R:hS:N:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cfg_path = optarg; break;
		case 'r': o_redis = optarg; break;
		case 'u': o_user = optarg; break;
		case 'p': o_pass = optarg; break;
		case 'j': x.json = 1; break;
		case 'M': x.mask = 1; break;
		case 't': x.ttl = optarg; break;
		case 'R': x.reason = optarg; break;
		case 'S': o_sent = optarg; break;
		case 'N': o_master = optarg; break;
		case 'h': usage(stdout); return EX_OK;
		default: usage(stderr); return EX_USAGE;
		}
	}
	/* options may also follow the command: collect them (GNU getopt permutes
	 * only without '+', which we use so that subcommand words stay ordered) */
	{
		int w = optind;

		for (int i = optind; i < argc; i++) {
			if (!strcmp(argv[i], "--json")) {
				x.json = 1;
			} else if (!strcmp(argv[i], "--mask")) {
				x.mask = 1;
			} else if ((!strcmp(argv[i], "--ttl") || !strcmp(argv[i], "--reason")) && i + 1 < argc) {
				if (argv[i][2] == 't')
					x.ttl = argv[++i];
				else
					x.reason = argv[++i];
			} else if (!strncmp(argv[i], "--", 2)) {
				fprintf(stderr, "smsfwctl: unknown option %s\n", argv[i]);
				return EX_USAGE;
			} else {
				argv[w++] = argv[i];
			}
		}
		argc = w;
	}
	if (optind >= argc) {
		usage(stderr);
		return EX_USAGE;
	}
	ctl_config_defaults(&cfg);
	if (cfg_path && ctl_config_load(&cfg, cfg_path, err, sizeof(err)) < 0)
		return fail(EX_INVALID, "%s", err);
	ctl_config_env(&cfg);
	if (o_redis && ctl_parse_hostport(&cfg.redis, o_redis) < 0)
		return fail(EX_USAGE, "%s", "--redis: expected HOST:PORT");
	if (o_redis)
		cfg.redis.sentinels[0] = 0;	/* an explicit address wins over the config's sentinels */
	if (o_sent)
		snprintf(cfg.redis.sentinels, sizeof(cfg.redis.sentinels), "%s", o_sent);
	if (o_master)
		snprintf(cfg.redis.master_name, sizeof(cfg.redis.master_name), "%s", o_master);
	if (cfg.redis.sentinels[0]) {
		struct ctl_sentinel t;

		if (ctl_sentinel_parse(&t, cfg.redis.sentinels, cfg.redis.master_name, err, sizeof(err)) < 0)
			return fail(EX_USAGE, "%s", err);
	}
	if (o_user)
		snprintf(cfg.redis.user, sizeof(cfg.redis.user), "%s", o_user);
	if (o_pass)
		snprintf(cfg.redis.password, sizeof(cfg.redis.password), "%s", o_pass);
	{
		static const char *const cmds[] = { "block", "allow", "shield", "reports", "rules", "status", "stats",
						    "lists", "acl" };
		int known = 0;

		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
			known |= !strcmp(argv[optind], cmds[i]);
		if (!known) {
			fprintf(stderr, "smsfwctl: unknown command \"%s\"\n", argv[optind]);
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (!strcmp(argv[optind], "acl")) {
		if (argc - optind >= 2 && !strcmp(argv[optind + 1], "file"))
			return acl_file(argc - optind - 2);
		if (argc - optind < 2 || strcmp(argv[optind + 1], "setup"))
			return fail(EX_USAGE, "%s", "acl setup | acl file");
	}
	x.c = ctl_redis_connect(&cfg.redis, err, sizeof(err));
	if (!x.c)
		return fail(EX_UNAVAILABLE, "%s", err);
	{
		const char *cmd = argv[optind];
		int n = argc - optind - 1;
		char **a = argv + optind + 1;

		if (!strcmp(cmd, "block") || !strcmp(cmd, "allow"))
			rc = list_cmd(&x, cmd, n, a);
		else if (!strcmp(cmd, "shield"))
			rc = shield_cmd(&x, n, a);
		else if (!strcmp(cmd, "reports") && n >= 1 && !strcmp(a[0], "top"))
			rc = reports_top(&x, n - 1, a + 1);
		else if (!strcmp(cmd, "reports") && n >= 1 && !strcmp(a[0], "show"))
			rc = reports_show(&x, n - 1, a + 1);
		else if (!strcmp(cmd, "reports"))
			rc = fail(EX_USAGE, "%s", "reports top [N] | reports show NUMBER");
		else if (!strcmp(cmd, "rules"))
			rc = rules_cmd(&x, n, a);
		else if (!strcmp(cmd, "status"))
			rc = status_cmd(&x, n);
		else if (!strcmp(cmd, "lists"))
			rc = lists_confirm(&x, n, a);
		else if (!strcmp(cmd, "acl"))
			rc = acl_setup(&x, n - 1);
		else
			rc = stats_cmd(&x, n);
		/* an operator's change acknowledged by a master that dies before
		 * its replica has it is lost in the failover: with [redis]
		 * wait_replicas say so (the change is made; it may be redone) */
		if (rc == EX_OK && n >= 1 && (!strcmp(a[0], "add") || !strcmp(a[0], "del") || !strcmp(a[0], "reload") ||
					      !strcmp(a[0], "confirm")) &&
		    ctl_redis_wait(x.c, &cfg.redis) != 0)
			fprintf(stderr, "smsfwctl: warning: done on the master, not yet confirmed by %u replica(s) "
				"within %u ms\n", cfg.redis.wait_replicas, cfg.redis.wait_timeout_ms);
	}
	redisFree(x.c);
	return rc;
}
