/* SPDX-License-Identifier: BSD-3-Clause */
/* Reader for the analysts' *.rules files. Spec: rules/FORMAT.md (the agreed
 * rule format): "class", "define", "senders", "threshold" and "rule" at the
 * start of a line, indented "key value" lines belonging to the last rule,
 * "#" comments at line start. Every error is reported as file:line and
 * parsing continues, so one run shows all mistakes. */
#include "scan/rulefile.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hs/hs.h>

#include "sf_verdict.h"

static void *xgrow(void *p, unsigned *cap, unsigned n, size_t elem)
{
	if (n < *cap)
		return p;
	unsigned nc = *cap ? *cap * 2 : 16;
	void *np = realloc(p, (size_t)nc * elem);
	if (!np) {
		fprintf(stderr, "out of memory\n");
		abort();	/* offline tool: no sensible recovery */
	}
	*cap = nc;
	return np;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d) {
		fprintf(stderr, "out of memory\n");
		abort();
	}
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

struct rulefile *rulefile_new(void)
{
	struct rulefile *rf = calloc(1, sizeof *rf);

	if (!rf)
		return NULL;
	rf->threshold = RULEFILE_DEFAULT_THRESHOLD;
	sha256_init(&rf->src_hash);
	return rf;
}

void rulefile_free(struct rulefile *rf)
{
	unsigned i, k;

	if (!rf)
		return;
	for (i = 0; i < rf->n_rules; i++) {
		struct rulefile_rule *r = &rf->rules[i];

		free(r->pattern_raw);
		free(r->pattern);
		for (k = 0; k < r->n_and; k++) {
			free(r->and_raw[k]);
			free(r->and_pat[k]);
		}
		free(r->desc);
		free(r->sender_ref);
		for (k = 0; k < r->n_sender_list; k++)
			free((char *)r->sender_list[k].value);
		free(r->sender_list);
		for (k = 0; k < r->n_ex; k++) {
			free(r->ex[k].sender);
			free(r->ex[k].text);
		}
		free(r->ex);
	}
	for (i = 0; i < rf->n_defines; i++) {
		free(rf->defines[i].name);
		free(rf->defines[i].value);
	}
	for (i = 0; i < rf->n_sets; i++) {
		free(rf->sets[i].name);
		for (k = 0; k < rf->sets[i].n; k++)
			free((char *)rf->sets[i].e[k].value);
		free(rf->sets[i].e);
	}
	for (i = 0; i < rf->n_diags; i++)
		free(rf->diags[i].msg);
	for (i = 0; i < rf->n_files; i++)
		free(rf->files[i]);
	free(rf->files);
	free(rf->rules);
	free(rf->defines);
	free(rf->sets);
	free(rf->diags);
	free(rf);
}

static unsigned file_index(const struct rulefile *rf, const char *file)
{
	for (unsigned i = 0; i < rf->n_files; i++)
		if (rf->files[i] == file)
			return i;
	return rf->n_files;
}

void rulefile_error(struct rulefile *rf, const char *file, unsigned line, const char *fmt, ...)
{
	struct rulefile_diag *d;
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	rf->diags = xgrow(rf->diags, &rf->cap_diags, rf->n_diags, sizeof *rf->diags);
	d = &rf->diags[rf->n_diags];
	d->file = file;
	d->line = line;
	d->seq = rf->n_diags;
	d->file_idx = file_index(rf, file);
	d->msg = xstrdup(buf);
	rf->n_diags++;
}

static int diag_cmp(const void *a, const void *b)
{
	const struct rulefile_diag *x = a, *y = b;

	if (x->file_idx != y->file_idx)
		return x->file_idx < y->file_idx ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void rulefile_sort_diags(struct rulefile *rf)
{
	if (rf->n_diags > 1)
		qsort(rf->diags, rf->n_diags, sizeof *rf->diags, diag_cmp);
}

void rulefile_digest(const struct rulefile *rf, uint8_t out[32])
{
	struct sha256 s = rf->src_hash;

	sha256_final(&s, out);
}

static int is_name(const char *s, size_t n)
{
	if (n == 0 || !(s[0] >= 'A' && s[0] <= 'Z'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int class_by_name(const char *s)
{
	for (unsigned c = 1; c < SF_CLASS__COUNT; c++)
		if (strcmp(sf_class_name(c), s) == 0)
			return (int)c;
	return -1;
}

/* Parse a decimal number into *v within [lo, hi]; 0 on success. */
static int parse_uint(const char *s, unsigned long long lo, unsigned long long hi,
		      unsigned long long *v)
{
	unsigned long long x = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		x = x * 10 + (unsigned)(*s - '0');
		if (x > hi)
			return -1;
	}
	if (x < lo)
		return -1;
	*v = x;
	return 0;
}

/* Cut a trailing " # comment" from simple one-token values. */
static void cut_comment(char *v)
{
	for (char *p = v; *p; p++) {
		if (*p == '#' && p > v && (p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	}
	size_t n = strlen(v);
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		v[--n] = '\0';
}

/* Parse a space-separated sender list ("95588 106*") into entries. */
static int parse_sender_list(struct rulefile *rf, const char *file, unsigned line,
			     const char *v, struct bundle_sender_entry **out, unsigned *n_out)
{
	struct bundle_sender_entry *e = NULL;
	unsigned n = 0, cap = 0;
	int bad = 0;

	while (*v) {
		const char *s;
		size_t len;
		char tok[64], canon[BUNDLE_SENDER_MAX + 1];
		int prefix = 0;

		while (*v == ' ' || *v == '\t')
			v++;
		if (!*v)
			break;
		s = v;
		while (*v && *v != ' ' && *v != '\t')
			v++;
		len = (size_t)(v - s);
		if (len >= sizeof tok) {
			rulefile_error(rf, file, line, "sender \"%.*s\" is too long", (int)len, s);
			bad = 1;
			continue;
		}
		memcpy(tok, s, len);
		tok[len] = '\0';
		if (len > 1 && tok[len - 1] == '*') {
			prefix = 1;
			tok[--len] = '\0';
		}
		for (size_t i = 0; i < len; i++) {
			char c = tok[i];

			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			      (c >= 'A' && c <= 'Z') || (c == '+' && i == 0))) {
				rulefile_error(rf, file, line, "bad sender \"%s\": use digits or a sender id, "
					       "optionally ending in *", tok);
				bad = 1;
				len = 0;
				break;
			}
		}
		if (len == 0)
			continue;
		if (!scan_sender_canon(tok, canon)) {
			rulefile_error(rf, file, line, "bad sender \"%s\" (1..%d characters)", tok,
				       BUNDLE_SENDER_MAX);
			bad = 1;
			continue;
		}
		e = xgrow(e, &cap, n, sizeof *e);
		e[n].value = xstrdup(canon);
		e[n].prefix = (uint8_t)prefix;
		n++;
	}
	if (n == 0 && !bad) {
		rulefile_error(rf, file, line, "empty sender list");
		bad = 1;
	}
	*out = e;
	*n_out = n;
	return bad ? -1 : 0;
}

struct pstate {
	const char *file;
	int class_id;		/* -1 until the class line */
	unsigned class_line;
	unsigned cur_idx;
	int in_rule;
	int skip_rule;		/* keys of a rule whose id was bad: already reported */
	unsigned value_col;	/* byte offset of the current line's value */
};

static void rule_key(struct rulefile *rf, struct pstate *ps, unsigned line,
		     const char *key, char *v)
{
	struct rulefile_rule *r = &rf->rules[ps->cur_idx];

	if (strcmp(key, "pattern") == 0) {
		if (r->pattern_raw) {
			rulefile_error(rf, ps->file, line, "rule %u: second pattern (first at line %u)",
				       r->id, r->pattern_line);
			return;
		}
		if (!*v) {
			rulefile_error(rf, ps->file, line, "rule %u: empty pattern", r->id);
			return;
		}
		r->pattern_raw = xstrdup(v);
		r->pattern_line = line;
		r->pattern_col = ps->value_col;
	} else if (strcmp(key, "and") == 0) {
		if (r->n_and == RULEFILE_MAX_AND) {
			rulefile_error(rf, ps->file, line, "rule %u: more than %u \"and\" lines",
				       r->id, RULEFILE_MAX_AND);
			return;
		}
		if (!*v) {
			rulefile_error(rf, ps->file, line, "rule %u: empty \"and\" pattern", r->id);
			return;
		}
		r->and_col[r->n_and] = ps->value_col;
		r->and_raw[r->n_and] = xstrdup(v);
		r->and_line[r->n_and++] = line;
	} else if (strcmp(key, "action") == 0) {
		unsigned long long sc;

		cut_comment(v);
		if (r->action_line) {
			rulefile_error(rf, ps->file, line, "rule %u: second action (first at line %u)",
				       r->id, r->action_line);
			return;
		}
		r->action_line = line;
		if (strcmp(v, "block") == 0) {
			r->action = SF_ACT_BLOCK;
		} else if (strcmp(v, "tag") == 0) {
			r->action = SF_ACT_TAG;
		} else if (strcmp(v, "allow") == 0) {
			r->action = SF_ACT_ALLOW;
		} else if (strncmp(v, "score", 5) == 0 && (v[5] == ' ' || v[5] == '\t')) {
			const char *n = v + 6;

			while (*n == ' ' || *n == '\t')
				n++;
			if (parse_uint(n, 1, 1000, &sc) != 0) {
				rulefile_error(rf, ps->file, line, "rule %u: score must be 1..1000, got \"%s\"",
					       r->id, n);
				return;
			}
			r->action = SF_ACT_SCORE;
			r->score = (int16_t)sc;
		} else {
			rulefile_error(rf, ps->file, line, "rule %u: unknown action \"%s\" "
				       "(block, tag, score N or allow)", r->id, v);
			return;
		}
		if (r->action == SF_ACT_ALLOW && r->class_id != SF_CLASS_ALLOW)
			rulefile_error(rf, ps->file, line, "rule %u: action allow is only for class allow",
				       r->id);
		else if (r->action != SF_ACT_ALLOW && r->class_id == SF_CLASS_ALLOW)
			rulefile_error(rf, ps->file, line, "rule %u: rules of class allow take action allow",
				       r->id);
	} else if (strcmp(key, "flags") == 0) {
		cut_comment(v);
		for (const char *f = v; *f; f++) {
			if (*f == 'i')
				r->hs_flags |= HS_FLAG_CASELESS;
			else if (*f == 's')
				r->hs_flags |= HS_FLAG_DOTALL;
			else if (*f == 'm')
				r->hs_flags |= HS_FLAG_MULTILINE;
			else if (*f != ' ' && *f != '\t')
				rulefile_error(rf, ps->file, line, "rule %u: unknown flag '%c' (i, s, m)",
					       r->id, *f);
		}
	} else if (strcmp(key, "sender") == 0) {
		const char *s = v;

		cut_comment(v);
		if (r->sender_line) {
			rulefile_error(rf, ps->file, line, "rule %u: second sender line", r->id);
			return;
		}
		r->sender_line = line;
		if (*s == '!') {
			r->sender_neg = 1;
			s++;
		}
		if (*s == '@') {
			if (!is_name(s + 1, strlen(s + 1))) {
				rulefile_error(rf, ps->file, line, "rule %u: bad sender set name \"%s\"",
					       r->id, s + 1);
				return;
			}
			r->sender_ref = xstrdup(s + 1);
		} else {
			parse_sender_list(rf, ps->file, line, s, &r->sender_list, &r->n_sender_list);
		}
	} else if (strcmp(key, "hamshare") == 0) {
		char *end;
		unsigned long pct;

		cut_comment(v);
		if (r->ham_share_line) {
			rulefile_error(rf, ps->file, line, "rule %u: second hamshare", r->id);
			return;
		}
		r->ham_share_line = line;
		pct = strtoul(v, &end, 10);
		if (end == v || *end || *v == '-' || *v == '+' || pct > 100) {
			rulefile_error(rf, ps->file, line, "rule %u: hamshare wants a percentage "
				       "0..100, got \"%s\"", r->id, v);
			return;
		}
		r->ham_share = (int)pct;
	} else if (strcmp(key, "desc") == 0) {
		if (r->desc) {
			rulefile_error(rf, ps->file, line, "rule %u: second desc", r->id);
			return;
		}
		if (!*v) {
			rulefile_error(rf, ps->file, line, "rule %u: empty desc", r->id);
			return;
		}
		r->desc = xstrdup(v);
	} else if (strcmp(key, "match") == 0 || strcmp(key, "nomatch") == 0) {
		struct rulefile_example *ex;
		unsigned cap = r->n_ex;

		if (!*v) {
			rulefile_error(rf, ps->file, line, "rule %u: empty %s example", r->id, key);
			return;
		}
		/* grow by one: examples are few */
		ex = realloc(r->ex, (size_t)(cap + 1) * sizeof *r->ex);
		if (!ex)
			abort();
		r->ex = ex;
		ex = &r->ex[r->n_ex++];
		memset(ex, 0, sizeof *ex);
		ex->line = line;
		ex->match = key[0] == 'm';
		if (strncmp(v, "sender=", 7) == 0) {
			const char *s = v + 7, *e = s;

			while (*e && *e != ' ' && *e != '\t')
				e++;
			ex->sender = xstrndup(s, (size_t)(e - s));
			while (*e == ' ' || *e == '\t')
				e++;
			v = (char *)e;
		}
		ex->text = xstrdup(v);
	} else {
		rulefile_error(rf, ps->file, line, "rule %u: unknown key \"%s\" "
			       "(action, pattern, and, flags, sender, desc, match, nomatch)", r->id, key);
	}
}

static void start_rule(struct rulefile *rf, struct pstate *ps, unsigned line, char *v)
{
	unsigned long long id = 0;
	struct rulefile_rule *r;

	cut_comment(v);
	if (parse_uint(v, 1, 4294967295ull, &id) != 0) {
		rulefile_error(rf, ps->file, line, "bad rule id \"%s\" (1..4294967295)", v);
		ps->in_rule = 0;
		ps->skip_rule = 1;	/* its keys are skipped */
		return;
	}
	if (ps->class_id < 0)
		rulefile_error(rf, ps->file, line, "rule %llu before any class line", id);
	rf->rules = xgrow(rf->rules, &rf->cap_rules, rf->n_rules, sizeof *rf->rules);
	r = &rf->rules[rf->n_rules];
	memset(r, 0, sizeof *r);
	r->id = (uint32_t)id;
	r->ham_share = -1;
	r->class_id = ps->class_id > 0 ? (uint8_t)ps->class_id : SF_CLASS_NONE;
	r->file = ps->file;
	r->file_idx = rf->n_files - 1;
	r->line = line;
	snprintf(r->src, sizeof r->src, "%s:%u", ps->file, line);
	ps->cur_idx = rf->n_rules++;
	ps->in_rule = 1;
	ps->skip_rule = 0;
}

static void top_directive(struct rulefile *rf, struct pstate *ps, unsigned line,
			  const char *key, char *v)
{
	ps->in_rule = 0;
	ps->skip_rule = 0;
	if (strcmp(key, "rule") == 0) {
		start_rule(rf, ps, line, v);
	} else if (strcmp(key, "class") == 0) {
		int c;

		cut_comment(v);
		if (ps->class_id != -1) {
			rulefile_error(rf, ps->file, line, "second class line (first at line %u): "
				       "one class per file", ps->class_line);
			return;
		}
		c = class_by_name(v);
		ps->class_line = line;
		if (c < 0) {
			rulefile_error(rf, ps->file, line, "unknown class \"%s\"", v);
			ps->class_id = 0;	/* seen, but unknown */
			return;
		}
		ps->class_id = c;
	} else if (strcmp(key, "define") == 0 || strcmp(key, "senders") == 0) {
		char *name = v, *val;
		size_t nlen;
		int is_def = key[0] == 'd';

		while (*v && *v != ' ' && *v != '\t' && *v != '=')
			v++;
		nlen = (size_t)(v - name);
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v == '=') {
			v++;
			while (*v == ' ' || *v == '\t')
				v++;
		}
		val = v;
		if (!is_name(name, nlen)) {
			rulefile_error(rf, ps->file, line, "bad %s name \"%.*s\" (A-Z, 0-9, _; "
				       "starting with a letter)", key, (int)nlen, name);
			return;
		}
		if (!*val) {
			rulefile_error(rf, ps->file, line, "%s %.*s has no value", key, (int)nlen, name);
			return;
		}
		if (is_def) {
			for (unsigned i = 0; i < rf->n_defines; i++) {
				if (strlen(rf->defines[i].name) == nlen &&
				    memcmp(rf->defines[i].name, name, nlen) == 0) {
					rulefile_error(rf, ps->file, line, "define %.*s redefined (first at %s:%u)",
						       (int)nlen, name, rf->defines[i].file, rf->defines[i].line);
					return;
				}
			}
			rf->defines = xgrow(rf->defines, &rf->cap_defines, rf->n_defines,
					    sizeof *rf->defines);
			rf->defines[rf->n_defines].name = xstrndup(name, nlen);
			rf->defines[rf->n_defines].value = xstrdup(val);
			rf->defines[rf->n_defines].file = ps->file;
			rf->defines[rf->n_defines].line = line;
			rf->defines[rf->n_defines].state = 0;
			rf->n_defines++;
		} else {
			struct rulefile_senders *s;

			cut_comment(val);
			for (unsigned i = 0; i < rf->n_sets; i++) {
				if (strlen(rf->sets[i].name) == nlen &&
				    memcmp(rf->sets[i].name, name, nlen) == 0) {
					rulefile_error(rf, ps->file, line, "senders %.*s redefined (first at %s:%u)",
						       (int)nlen, name, rf->sets[i].file, rf->sets[i].line);
					return;
				}
			}
			rf->sets = xgrow(rf->sets, &rf->cap_sets, rf->n_sets, sizeof *rf->sets);
			s = &rf->sets[rf->n_sets];
			memset(s, 0, sizeof *s);
			s->name = xstrndup(name, nlen);
			s->file = ps->file;
			s->line = line;
			rf->n_sets++;
			parse_sender_list(rf, ps->file, line, val, &s->e, &s->n);
		}
	} else if (strcmp(key, "threshold") == 0) {
		unsigned long long t;

		cut_comment(v);
		if (rf->threshold_file) {
			rulefile_error(rf, ps->file, line, "second threshold (first at %s:%u)",
				       rf->threshold_file, rf->threshold_line);
			return;
		}
		if (parse_uint(v, 1, 1000000, &t) != 0) {
			rulefile_error(rf, ps->file, line, "bad threshold \"%s\" (1..1000000)", v);
			return;
		}
		rf->threshold = (uint32_t)t;
		rf->threshold_file = ps->file;
		rf->threshold_line = line;
	} else {
		rulefile_error(rf, ps->file, line, "unknown directive \"%s\" "
			       "(class, define, senders, threshold, rule)", key);
	}
}

static int is_rule_key(const char *k)
{
	static const char *const keys[] = {
		"action", "pattern", "and", "flags", "sender", "desc", "match", "nomatch",
		"hamshare",
	};

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(k, keys[i]) == 0)
			return 1;
	return 0;
}

unsigned rulefile_add_buf(struct rulefile *rf, const char *name, const char *buf, size_t len)
{
	struct pstate ps = { 0 };
	unsigned before = rf->n_diags, line = 0;
	size_t off = 0;
	char *fname = xstrdup(name), *l = NULL;
	uint8_t lenb[8];
	const char *slash = strrchr(name, '/');

	rf->files = realloc(rf->files, (size_t)(rf->n_files + 1) * sizeof *rf->files);
	if (!rf->files)
		abort();
	rf->files[rf->n_files++] = fname;
	ps.file = fname;
	ps.class_id = -1;
	ps.cur_idx = (unsigned)-1;

	/* the source digest covers each file's base name and contents */
	slash = slash ? slash + 1 : name;
	sha256_update(&rf->src_hash, slash, strlen(slash) + 1);
	for (int i = 0; i < 8; i++)
		lenb[i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
	sha256_update(&rf->src_hash, lenb, 8);
	sha256_update(&rf->src_hash, buf, len);

	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		off = 3;	/* UTF-8 byte order mark */
	while (off < len) {
		const char *s = buf + off, *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t)(nl - s) : len - off;
		char *p, *key, *v;
		int indented;

		off += n + (nl ? 1 : 0);
		line++;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		free(l);
		l = xstrndup(s, n);
		if (memchr(s, '\0', n)) {
			rulefile_error(rf, fname, line, "NUL byte in line");
			continue;
		}
		p = l;
		indented = *p == ' ' || *p == '\t';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		/* trim trailing blanks */
		for (size_t e = strlen(p); e > 0 && (p[e - 1] == ' ' || p[e - 1] == '\t'); e--)
			p[e - 1] = '\0';
		key = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p) {
			*p++ = '\0';
			while (*p == ' ' || *p == '\t')
				p++;
		}
		v = p;
		ps.value_col = (unsigned)(v - l);
		if (is_rule_key(key) || (indented && ps.in_rule)) {
			if (ps.in_rule)
				rule_key(rf, &ps, line, key, v);
			else if (!ps.skip_rule)
				rulefile_error(rf, fname, line, "\"%s\" outside a rule", key);
			continue;
		}
		top_directive(rf, &ps, line, key, v);
	}
	free(l);
	return rf->n_diags - before;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static unsigned add_file(struct rulefile *rf, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	unsigned errs;

	if (!f) {
		rulefile_error(rf, path, 0, "cannot open: %s", strerror(errno));
		return 1;
	}
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	errs = rulefile_add_buf(rf, path, buf, n);
	free(buf);
	return errs;
}

unsigned rulefile_add_path(struct rulefile *rf, const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	unsigned n = 0, cap = 0, errs = 0;

	if (stat(path, &st) != 0) {
		rulefile_error(rf, path, 0, "cannot open: %s", strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return add_file(rf, path);
	d = opendir(path);
	if (!d) {
		rulefile_error(rf, path, 0, "cannot open directory: %s", strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char *full;

		if (de->d_name[0] == '.' || l < 7 || strcmp(de->d_name + l - 6, ".rules") != 0)
			continue;
		names = xgrow(names, &cap, n, sizeof *names);
		full = malloc(strlen(path) + l + 2);
		if (!full)
			abort();
		sprintf(full, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", de->d_name);
		names[n++] = full;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, name_cmp);
	for (unsigned i = 0; i < n; i++) {
		errs += add_file(rf, names[i]);
		free(names[i]);
	}
	free(names);
	return errs;
}

static char *expand(struct rulefile *rf, const char *src, const char *file, unsigned line,
		    const char *what, unsigned depth);

/* Expand define i (once; state 1 = in progress catches cycles). */
static const char *define_value(struct rulefile *rf, unsigned i, unsigned depth,
				const char *file, unsigned line, const char *what)
{
	struct rulefile_define *d = &rf->defines[i];
	char w[96];
	char *x;

	if (d->state == 2)
		return d->value;
	if (d->state == 1 || depth > 32) {
		rulefile_error(rf, file, line, "%sdefine {%s} refers to itself", what, d->name);
		return NULL;
	}
	d->state = 1;
	snprintf(w, sizeof w, "define %s: ", d->name);
	x = expand(rf, d->value, d->file, d->line, w, depth + 1);
	if (!x) {
		d->state = 3;	/* broken: reported once */
		return NULL;
	}
	free(d->value);
	d->value = x;
	d->state = 2;
	return d->value;
}

/* Expand {NAME} references in src; NULL on error (reported at file:line
 * with the "what" prefix). */
static char *expand(struct rulefile *rf, const char *src, const char *file, unsigned line,
		    const char *what, unsigned depth)
{
	size_t cap = strlen(src) * 2 + 64, n = 0;
	char *out = malloc(cap);
	int bad = 0;

	if (!out)
		abort();
	for (const char *p = src; *p;) {
		const char *add = p;
		size_t alen = 1;

		if (*p == '\\' && p[1]) {
			alen = 2;
		} else if (*p == '{' && p[1] >= 'A' && p[1] <= 'Z') {
			const char *e = p + 1;

			while ((*e >= 'A' && *e <= 'Z') || (*e >= '0' && *e <= '9') || *e == '_')
				e++;
			if (*e == '}') {
				size_t nl = (size_t)(e - p - 1);
				const char *val = NULL;
				unsigned i;

				for (i = 0; i < rf->n_defines; i++)
					if (strlen(rf->defines[i].name) == nl &&
					    memcmp(rf->defines[i].name, p + 1, nl) == 0)
						break;
				if (i == rf->n_defines)
					rulefile_error(rf, file, line, "%sunknown define {%.*s}", what,
						       (int)nl, p + 1);
				else if (rf->defines[i].state != 3)
					val = define_value(rf, i, depth, file, line, what);
				if (!val) {
					bad = 1;
					p = e + 1;
					continue;
				}
				{
					size_t vl = strlen(val);

					while (cap - n < vl + 8) {
						cap *= 2;
						out = realloc(out, cap);
						if (!out)
							abort();
					}
					memcpy(out + n, "(?:", 3);
					memcpy(out + n + 3, val, vl);
					out[n + 3 + vl] = ')';
					n += vl + 4;
				}
				p = e + 1;
				continue;
			}
		}
		while (cap - n < alen + 8) {
			cap *= 2;
			out = realloc(out, cap);
			if (!out)
				abort();
		}
		memcpy(out + n, add, alen);
		n += alen;
		p += alen;
		if (n > RULEFILE_MAX_PATTERN) {
			rulefile_error(rf, file, line, "%spattern longer than %d bytes after expansion",
				       what, RULEFILE_MAX_PATTERN);
			free(out);
			return NULL;
		}
	}
	out[n] = '\0';
	if (bad) {
		free(out);
		return NULL;
	}
	return out;
}

static int rule_cmp(const void *a, const void *b)
{
	const struct rulefile_rule *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

unsigned rulefile_resolve(struct rulefile *rf)
{
	unsigned before = rf->n_diags, i, k;
	char what[64];

	/* defines are global: each may use any other, cycles are errors */
	for (i = 0; i < rf->n_defines; i++)
		if (rf->defines[i].state == 0)
			define_value(rf, i, 0, rf->defines[i].file, rf->defines[i].line, "");
	for (i = 0; i < rf->n_rules; i++) {
		struct rulefile_rule *r = &rf->rules[i];

		if (!r->action && r->class_id == SF_CLASS_ALLOW)
			r->action = SF_ACT_ALLOW;
		if (!r->action && !r->action_line)
			rulefile_error(rf, r->file, r->line, "rule %u: missing action", r->id);
		if (!r->pattern_raw)
			rulefile_error(rf, r->file, r->line, "rule %u: missing pattern", r->id);
		if (!r->desc)
			rulefile_error(rf, r->file, r->line, "rule %u: missing desc", r->id);
		for (k = 0; k < r->n_ex && !r->ex[k].match; k++)
			;
		if (k == r->n_ex)
			rulefile_error(rf, r->file, r->line, "rule %u: needs at least one match example",
				       r->id);
		if (r->pattern_raw) {
			snprintf(what, sizeof what, "rule %u: ", r->id);
			r->pattern = expand(rf, r->pattern_raw, r->file, r->pattern_line, what, 0);
		}
		for (k = 0; k < r->n_and; k++) {
			snprintf(what, sizeof what, "rule %u: ", r->id);
			r->and_pat[k] = expand(rf, r->and_raw[k], r->file, r->and_line[k], what, 0);
		}
		if (r->sender_ref) {
			for (k = 0; k < rf->n_sets; k++)
				if (strcmp(rf->sets[k].name, r->sender_ref) == 0)
					break;
			if (k == rf->n_sets)
				rulefile_error(rf, r->file, r->sender_line, "rule %u: unknown sender set @%s",
					       r->id, r->sender_ref);
			else
				r->sender_set = (uint16_t)(k + 1);
		}
		for (k = 0; k < i; k++) {
			if (rf->rules[k].id == r->id) {
				rulefile_error(rf, r->file, r->line, "duplicate rule id %u (first at %s:%u)",
					       r->id, rf->rules[k].file, rf->rules[k].line);
				break;
			}
		}
	}
	/* inline sender lists become anonymous sets named after the rule */
	for (i = 0; i < rf->n_rules; i++) {
		struct rulefile_rule *r = &rf->rules[i];
		struct rulefile_senders *s;
		char nm[32];

		if (!r->n_sender_list)
			continue;
		snprintf(nm, sizeof nm, "rule_%u", r->id);
		rf->sets = xgrow(rf->sets, &rf->cap_sets, rf->n_sets, sizeof *rf->sets);
		s = &rf->sets[rf->n_sets];
		memset(s, 0, sizeof *s);
		s->name = xstrdup(nm);
		s->file = r->file;
		s->line = r->sender_line;
		s->n = r->n_sender_list;
		s->e = r->sender_list;
		r->sender_list = NULL;
		r->n_sender_list = 0;
		r->sender_set = (uint16_t)++rf->n_sets;
	}
	if (rf->n_sets > 65535)
		rulefile_error(rf, rf->n_files ? rf->files[0] : "-", 0, "too many sender sets");
	if (rf->n_rules > 1)
		qsort(rf->rules, rf->n_rules, sizeof *rf->rules, rule_cmp);
	rf->resolved = 1;
	return rf->n_diags - before;
}

static unsigned utf8_chars(const char *s, size_t n)
{
	unsigned c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* Walks raw as expand() does: a {NAME} of a known define became
 * "(?:" value ")" in the expanded pattern, anything else itself. */
unsigned rulefile_raw_column(const struct rulefile *rf, const char *raw, unsigned value_col,
			     size_t index, const char **define, unsigned *def_char)
{
	size_t e = 0;
	const char *p = raw;

	*define = NULL;
	*def_char = 0;
	while (*p) {
		size_t alen = *p == '\\' && p[1] ? 2 : 1, elen = alen;
		const struct rulefile_define *d = NULL;

		if (*p == '{' && p[1] >= 'A' && p[1] <= 'Z') {
			const char *q = p + 1;

			while ((*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '_')
				q++;
			if (*q == '}') {
				for (unsigned i = 0; i < rf->n_defines; i++)
					if (strlen(rf->defines[i].name) == (size_t)(q - p - 1) &&
					    !memcmp(rf->defines[i].name, p + 1, (size_t)(q - p - 1)) &&
					    rf->defines[i].state == 2)
						d = &rf->defines[i];
				if (d) {
					alen = (size_t)(q - p + 1);
					elen = strlen(d->value) + 4;
				}
			}
		}
		if (index < e + elen) {
			if (d) {
				size_t in = index - e;	/* 0..2 "(?:", then the value, then ")" */

				*define = d->name;
				in = in < 3 ? 0 : in - 3;
				if (in > strlen(d->value))
					in = strlen(d->value);
				*def_char = utf8_chars(d->value, in) + 1;
			}
			break;
		}
		e += elen;
		p += alen;
	}
	return value_col + utf8_chars(raw, (size_t)(p - raw)) + 1;
}
