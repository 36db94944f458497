/* SPDX-License-Identifier: BSD-3-Clause */
/* Rule bundle writer and validating loader. Spec: the layout in bundle.h and
 * rules/FORMAT.md "Bundle file"; Hyperscan serialisation per the Hyperscan
 * 5.4 API (hs_serialize_database / hs_deserialize_database). */
#include "scan/bundle.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_bytes.h"
#include "sf_verdict.h"
#include "scan/scan_int.h"
#include "sf_sha256.h"
#include "score/score.h"
#include "sf_file.h"

#define BUNDLE_MAX_RULES 1000000u
#define BUNDLE_MAX_FILE (1u << 30)

static uint64_t bundle_next_gen = 1;

static void fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)sf_rd32(p) << 32 | sf_rd32(p + 4);
}

static void wr64(uint8_t *p, uint64_t v)
{
	sf_wr32(p, (uint32_t)(v >> 32));
	sf_wr32(p + 4, (uint32_t)v);
}

size_t scan_sender_canon(const char *in, char out[BUNDLE_SENDER_MAX + 1])
{
	char tmp[64];
	size_t n = 0, s = 0, i;

	if (!in)
		return 0;
	if (in[0] == '+')
		in++;
	for (i = 0; in[i]; i++) {
		char c = in[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			continue;
		if (n >= sizeof tmp)
			return 0;
		tmp[n++] = c;
	}
	if (n >= 2 && tmp[0] == '0' && tmp[1] == '0')
		s = 2;
	if (n - s >= 7 && tmp[s] == '8' && tmp[s + 1] == '6')
		s += 2;	/* +86 country code; national numbers never start with 86 */
	n -= s;
	if (n == 0 || n > BUNDLE_SENDER_MAX)
		return 0;
	memcpy(out, tmp + s, n);
	out[n] = '\0';
	return n;
}

/* ---- writer ---------------------------------------------------------- */

struct wbuf {
	uint8_t *p;
	size_t len, cap;
	int oom;
};

static void wb_need(struct wbuf *w, size_t n)
{
	if (w->oom || w->cap - w->len >= n)
		return;
	size_t cap = w->cap ? w->cap : 4096;
	while (cap - w->len < n)
		cap *= 2;
	uint8_t *np = realloc(w->p, cap);
	if (!np) {
		w->oom = 1;
		return;
	}
	w->p = np;
	w->cap = cap;
}

static void wb_put(struct wbuf *w, const void *d, size_t n)
{
	wb_need(w, n);
	if (w->oom)
		return;
	memcpy(w->p + w->len, d, n);
	w->len += n;
}

static void wb_u8(struct wbuf *w, uint8_t v)
{
	wb_put(w, &v, 1);
}

static void wb_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4];

	sf_wr32(b, v);
	wb_put(w, b, 4);
}

static void wb_align(struct wbuf *w)
{
	static const uint8_t z[8];

	if (w->len % 8)
		wb_put(w, z, 8 - w->len % 8);
}

/* Append s to the strings blob, returning its offset. */
static uint32_t str_add(struct wbuf *s, const char *str)
{
	size_t at = s->len;

	if (!str || !*str)
		return 0;
	wb_put(s, str, strlen(str) + 1);
	return (uint32_t)at;
}

void scan_bundle_seal(uint8_t *buf, size_t len)
{
	if (len < BUNDLE_TRAILER_LEN)
		return;
	sha256(buf, len - BUNDLE_TRAILER_LEN, buf + len - BUNDLE_TRAILER_LEN);
}

int scan_bundle_write(const struct bundle_build *in, uint8_t **out, size_t *outlen,
		      char *err, size_t errlen)
{
	struct wbuf f = { 0 }, rules = { 0 }, senders = { 0 }, strs = { 0 };
	struct { uint32_t type; const void *p; size_t len; } sec[BUNDLE_SEC_MAX];
	uint8_t hdr[BUNDLE_HEADER_LEN];
	unsigned i, k, nsec = in->model ? 6 : 5;
	const char *hv = hs_version();

	*out = NULL;
	*outlen = 0;
	wb_u8(&strs, 0);	/* offset 0 = "" */
	for (i = 0; i < in->n_rules; i++) {
		const struct rule_info *r = &in->rules[i];
		uint8_t b[BUNDLE_RULE_LEN] = { 0 };

		if (i > 0 && r->id <= in->rules[i - 1].id) {
			fail(err, errlen, "rules not sorted by id at %u", r->id);
			goto bad;
		}
		sf_wr32(b, r->id);
		b[4] = r->class_id;
		b[5] = r->action;
		sf_wr16(b + 6, (uint16_t)r->score);
		sf_wr16(b + 8, r->sender_set);
		b[10] = r->sender_neg;
		sf_wr32(b + 12, r->hs_flags);
		sf_wr32(b + 16, str_add(&strs, r->desc));
		sf_wr32(b + 20, str_add(&strs, r->pattern));
		sf_wr32(b + 24, str_add(&strs, r->src));
		wb_put(&rules, b, sizeof b);
	}
	for (i = 0; i < in->n_sets; i++) {
		wb_u32(&senders, str_add(&strs, in->sets[i].name));
		wb_u32(&senders, in->sets[i].n);
		for (k = 0; k < in->sets[i].n; k++) {
			const struct bundle_sender_entry *e = &in->sets[i].e[k];
			size_t n = strlen(e->value);

			if (n == 0 || n > BUNDLE_SENDER_MAX) {
				fail(err, errlen, "sender \"%s\" has %zu characters (1..%d)",
				     e->value, n, BUNDLE_SENDER_MAX);
				goto bad;
			}
			wb_u8(&senders, (uint8_t)n);
			wb_u8(&senders, e->prefix ? 1 : 0);
			wb_put(&senders, e->value, n);
		}
	}
	sec[0].type = BUNDLE_SEC_BLOCK_DB; sec[0].p = in->block_db; sec[0].len = in->block_db ? in->block_len : 0;
	sec[1].type = BUNDLE_SEC_STREAM_DB; sec[1].p = in->stream_db; sec[1].len = in->stream_db ? in->stream_len : 0;
	sec[2].type = BUNDLE_SEC_RULES; sec[2].p = rules.p; sec[2].len = rules.len;
	sec[3].type = BUNDLE_SEC_SENDERS; sec[3].p = senders.p; sec[3].len = senders.len;
	sec[4].type = BUNDLE_SEC_STRINGS; sec[4].p = strs.p; sec[4].len = strs.len;
	sec[5].type = BUNDLE_SEC_MODEL; sec[5].p = in->model; sec[5].len = in->model_len;

	memset(hdr, 0, sizeof hdr);
	memcpy(hdr, BUNDLE_MAGIC, 8);
	sf_wr32(hdr + 8, BUNDLE_FORMAT_VERSION);
	sf_wr32(hdr + 12, BUNDLE_HEADER_LEN);
	strncpy((char *)hdr + 24, hv, 63);
	sf_wr32(hdr + 88, in->platform.tune);
	wr64(hdr + 92, in->platform.cpu_features);
	memcpy(hdr + 100, in->src_digest, 32);
	sf_wr32(hdr + 132, in->threshold);
	sf_wr32(hdr + 136, in->n_rules);
	sf_wr32(hdr + 140, in->n_sets);
	sf_wr32(hdr + 144, nsec);
	wb_put(&f, hdr, sizeof hdr);
	{
		size_t off = BUNDLE_HEADER_LEN + nsec * 12;

		for (i = 0; i < nsec; i++) {
			off = (off + 7) & ~(size_t)7;
			wb_u32(&f, sec[i].type);
			wb_u32(&f, (uint32_t)off);
			wb_u32(&f, (uint32_t)sec[i].len);
			off += sec[i].len;
		}
	}
	for (i = 0; i < nsec; i++) {
		wb_align(&f);
		if (sec[i].len)
			wb_put(&f, sec[i].p, sec[i].len);
	}
	{
		uint8_t z[BUNDLE_TRAILER_LEN] = { 0 };

		wb_put(&f, z, sizeof z);
	}
	if (f.oom || rules.oom || senders.oom || strs.oom) {
		fail(err, errlen, "out of memory");
		goto bad;
	}
	if (f.len > BUNDLE_MAX_FILE) {
		fail(err, errlen, "bundle of %zu bytes is too large", f.len);
		goto bad;
	}
	wr64(f.p + 16, f.len);
	scan_bundle_seal(f.p, f.len);
	free(rules.p);
	free(senders.p);
	free(strs.p);
	*out = f.p;
	*outlen = f.len;
	return 0;
bad:
	free(f.p);
	free(rules.p);
	free(senders.p);
	free(strs.p);
	return -1;
}

/* ---- loader ----------------------------------------------------------- */

static const char *features_str(unsigned long long f, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s%s",
		 f & HS_CPU_FEATURES_AVX2 ? "avx2 " : "",
		 f & HS_CPU_FEATURES_AVX512 ? "avx512 " : "",
		 f & HS_CPU_FEATURES_AVX512VBMI ? "avx512vbmi " : "",
		 f ? "" : "none");
	return buf;
}

static const char *hs_err_str(hs_error_t e)
{
	switch (e) {
	case HS_DB_VERSION_ERROR: return "built by another Hyperscan version";
	case HS_DB_PLATFORM_ERROR: return "built for another CPU platform";
	case HS_NOMEM: return "out of memory";
	case HS_BAD_ALIGN: return "bad alignment";
	case HS_INVALID: return "corrupt (Hyperscan refused it)";
	default: return "unusable";
	}
}

/* Deserialize one database and check its mode. */
static hs_database_t *load_db(const uint8_t *p, size_t len, const char *mode,
			      char *err, size_t errlen)
{
	hs_database_t *db = NULL;
	char *info = NULL, want[32];
	hs_error_t e = hs_deserialize_database((const char *)p, len, &db);

	if (e != HS_SUCCESS) {
		fail(err, errlen, "%s database is %s", mode, hs_err_str(e));
		return NULL;
	}
	snprintf(want, sizeof want, "Mode: %s", mode);
	if (hs_database_info(db, &info) != HS_SUCCESS || !strstr(info, want)) {
		fail(err, errlen, "%s database section holds a %s database", mode,
		     info && strstr(info, "Mode: ") ? strstr(info, "Mode: ") + 6 : "non-Hyperscan");
		free(info);
		hs_free_database(db);
		return NULL;
	}
	free(info);
	return db;
}

void scan_bundle_free(struct scan_bundle *b)
{
	if (!b)
		return;
	hs_free_database(b->block_db);
	hs_free_database(b->stream_db);
	score_model_free(b->model);
	free(b->rules);
	free(b->sets);
	free(b->entries);
	free(b->strings);
	free(b);
}

static int valid_action(const struct rule_info *r)
{
	switch (r->action) {
	case SF_ACT_SCORE:
		return r->class_id != SF_CLASS_ALLOW && r->score >= 1 && r->score <= 1000;
	case SF_ACT_TAG:
	case SF_ACT_BLOCK:
		return r->class_id != SF_CLASS_ALLOW && r->score == 0;
	case SF_ACT_ALLOW:
		return r->class_id == SF_CLASS_ALLOW && r->score == 0;
	default:
		return 0;
	}
}

struct scan_bundle *scan_bundle_load(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	struct scan_bundle *b = NULL;
	const uint8_t *sec_p[BUNDLE_SEC_MAX + 1] = { 0 };
	size_t sec_len[BUNDLE_SEC_MAX + 1] = { 0 }, sec_off[BUNDLE_SEC_MAX + 1] = { 0 };
	uint8_t digest[32];
	char hv[65], fb[64], fh[64];
	uint64_t total;
	uint32_t version, nsec, n_rules, n_sets, i;
	hs_platform_info_t host;
	uint64_t features;
	size_t body;

	if (!buf || len < BUNDLE_HEADER_LEN + BUNDLE_TRAILER_LEN) {
		fail(err, errlen, "truncated: %zu bytes, smaller than a bundle header (%d)",
		     len, BUNDLE_HEADER_LEN + BUNDLE_TRAILER_LEN);
		return NULL;
	}
	if (memcmp(buf, BUNDLE_MAGIC, 8) != 0) {
		fail(err, errlen, "not a smsfw rule bundle (bad magic)");
		return NULL;
	}
	version = sf_rd32(buf + 8);
	if (version != BUNDLE_FORMAT_VERSION) {
		fail(err, errlen, "bundle format version %u, this loader reads version %d",
		     version, BUNDLE_FORMAT_VERSION);
		return NULL;
	}
	if (sf_rd32(buf + 12) != BUNDLE_HEADER_LEN) {
		fail(err, errlen, "bad header length %u", sf_rd32(buf + 12));
		return NULL;
	}
	total = rd64(buf + 16);
	if (total > len) {
		fail(err, errlen, "truncated: header says %llu bytes, got %zu",
		     (unsigned long long)total, len);
		return NULL;
	}
	if (total < len) {
		fail(err, errlen, "trailing data: header says %llu bytes, got %zu",
		     (unsigned long long)total, len);
		return NULL;
	}
	body = len - BUNDLE_TRAILER_LEN;
	sha256(buf, body, digest);
	if (memcmp(digest, buf + body, 32) != 0) {
		fail(err, errlen, "checksum mismatch: the bundle is corrupted");
		return NULL;
	}
	memcpy(hv, buf + 24, 64);
	hv[64] = '\0';
	if (memchr(buf + 24, 0, 64) == NULL || strcmp(hv, hs_version()) != 0) {
		fail(err, errlen, "built with Hyperscan \"%.64s\", this is Hyperscan \"%s\": "
		     "recompile the rules", hv, hs_version());
		return NULL;
	}
	features = rd64(buf + 92);
	if (hs_populate_platform(&host) != HS_SUCCESS) {
		fail(err, errlen, "cannot read this CPU's platform");
		return NULL;
	}
	if (features & ~host.cpu_features) {
		fail(err, errlen, "compiled for CPU features %s but this CPU has %s: "
		     "recompile with --platform generic or on this host",
		     features_str(features, fb, sizeof fb),
		     features_str(host.cpu_features, fh, sizeof fh));
		return NULL;
	}
	n_rules = sf_rd32(buf + 136);
	n_sets = sf_rd32(buf + 140);
	nsec = sf_rd32(buf + 144);
	if (n_rules > BUNDLE_MAX_RULES || n_sets > 65535) {
		fail(err, errlen, "implausible counts: %u rules, %u sender sets", n_rules, n_sets);
		return NULL;
	}
	if (nsec == 0 || nsec > BUNDLE_MAX_SECTIONS ||
	    !sf_has(body, BUNDLE_HEADER_LEN, (size_t)nsec * 12)) {
		fail(err, errlen, "bad section count %u", nsec);
		return NULL;
	}
	for (i = 0; i < nsec; i++) {
		const uint8_t *e = buf + BUNDLE_HEADER_LEN + 12 * i;
		uint32_t type = sf_rd32(e), off = sf_rd32(e + 4), slen = sf_rd32(e + 8);

		if (type < 1 || type > BUNDLE_SEC_MAX || sec_off[type]) {
			fail(err, errlen, "section %u: unknown or repeated type %u", i, type);
			return NULL;
		}
		/* sections lie after the table and before the trailer */
		if (off < BUNDLE_HEADER_LEN + nsec * 12 || !sf_has(body, off, slen)) {
			fail(err, errlen, "section %u (type %u) out of bounds: offset %u length %u, file %zu",
			     i, type, off, slen, len);
			return NULL;
		}
		for (uint32_t t = 1; t <= BUNDLE_SEC_MAX; t++) {
			if (!sec_off[t] || !sec_len[t] || !slen)
				continue;
			if (off < sec_off[t] + sec_len[t] && sec_off[t] < (size_t)off + slen) {
				fail(err, errlen, "sections %u and %u overlap", type, t);
				return NULL;
			}
		}
		sec_off[type] = off;
		sec_p[type] = buf + off;
		sec_len[type] = slen;
	}
	for (i = 1; i <= 5; i++) {
		if (!sec_off[i]) {
			fail(err, errlen, "section type %u missing", i);
			return NULL;
		}
	}
	if (sec_len[BUNDLE_SEC_RULES] != (size_t)n_rules * BUNDLE_RULE_LEN) {
		fail(err, errlen, "rule table holds %zu bytes, %u rules need %zu",
		     sec_len[BUNDLE_SEC_RULES], n_rules, (size_t)n_rules * BUNDLE_RULE_LEN);
		return NULL;
	}
	if (sec_len[BUNDLE_SEC_STRINGS] == 0 || sec_p[BUNDLE_SEC_STRINGS][0] != 0 ||
	    sec_p[BUNDLE_SEC_STRINGS][sec_len[BUNDLE_SEC_STRINGS] - 1] != 0) {
		fail(err, errlen, "string table is not NUL-terminated");
		return NULL;
	}
	if ((n_rules == 0) != (sec_len[BUNDLE_SEC_BLOCK_DB] == 0) ||
	    (n_rules == 0) != (sec_len[BUNDLE_SEC_STREAM_DB] == 0)) {
		fail(err, errlen, "%u rules but database sections of %zu and %zu bytes", n_rules,
		     sec_len[BUNDLE_SEC_BLOCK_DB], sec_len[BUNDLE_SEC_STREAM_DB]);
		return NULL;
	}

	b = calloc(1, sizeof *b);
	if (!b)
		goto oom;
	b->strings_len = sec_len[BUNDLE_SEC_STRINGS];
	b->strings = malloc(b->strings_len);
	b->rules = calloc(n_rules ? n_rules : 1, sizeof *b->rules);
	b->sets = calloc(n_sets ? n_sets : 1, sizeof *b->sets);
	if (!b->strings || !b->rules || !b->sets)
		goto oom;
	memcpy(b->strings, sec_p[BUNDLE_SEC_STRINGS], b->strings_len);
	b->n_rules = n_rules;
	b->n_sets = n_sets;
	b->threshold = sf_rd32(buf + 132);
	memcpy(b->src_digest, buf + 100, 32);
	if (b->threshold < 1 || b->threshold > 1000000) {
		fail(err, errlen, "threshold %u out of range 1..1000000", b->threshold);
		goto bad;
	}

	/* sender sets: walk once to count entries, then copy */
	{
		const uint8_t *p = sec_p[BUNDLE_SEC_SENDERS];
		size_t slen = sec_len[BUNDLE_SEC_SENDERS], off = 0, total_e = 0, pass;

		for (pass = 0; pass < 2; pass++) {
			size_t ei = 0;

			off = 0;
			for (i = 0; i < n_sets; i++) {
				uint32_t name, n;

				if (!sf_has(slen, off, 8)) {
					fail(err, errlen, "sender set %u truncated", i);
					goto bad;
				}
				name = sf_rd32(p + off);
				n = sf_rd32(p + off + 4);
				off += 8;
				if (name >= b->strings_len || n > 100000) {
					fail(err, errlen, "sender set %u: bad name offset or count", i);
					goto bad;
				}
				if (pass == 1) {
					b->sets[i].name = b->strings + name;
					b->sets[i].n = n;
					b->sets[i].e = b->entries + ei;
				}
				for (uint32_t k = 0; k < n; k++) {
					uint8_t el;

					if (!sf_has(slen, off, 2)) {
						fail(err, errlen, "sender set %u entry %u truncated", i, k);
						goto bad;
					}
					el = p[off];
					if (el == 0 || el > BUNDLE_SENDER_MAX || p[off + 1] > 1 ||
					    !sf_has(slen, off + 2, el)) {
						fail(err, errlen, "sender set %u entry %u: bad length %u", i, k, el);
						goto bad;
					}
					for (uint8_t c = 0; c < el; c++) {
						uint8_t ch = p[off + 2 + c];

						if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z'))) {
							fail(err, errlen, "sender set %u entry %u: bad character", i, k);
							goto bad;
						}
					}
					if (pass == 1) {
						struct sender_entry *se = &b->entries[ei];

						memcpy(se->v, p + off + 2, el);
						se->v[el] = '\0';
						se->len = el;
						se->prefix = p[off + 1];
					}
					ei++;
					off += 2 + (size_t)el;
				}
			}
			if (off != slen) {
				fail(err, errlen, "sender section has %zu stray bytes", slen - off);
				goto bad;
			}
			if (pass == 0) {
				total_e = ei;
				b->entries = calloc(total_e ? total_e : 1, sizeof *b->entries);
				if (!b->entries)
					goto oom;
			}
		}
	}

	for (i = 0; i < n_rules; i++) {
		const uint8_t *r = sec_p[BUNDLE_SEC_RULES] + (size_t)i * BUNDLE_RULE_LEN;
		struct rule_info *ri = &b->rules[i];
		uint32_t so[3] = { sf_rd32(r + 16), sf_rd32(r + 20), sf_rd32(r + 24) };

		ri->id = sf_rd32(r);
		ri->class_id = r[4];
		ri->action = r[5];
		ri->score = (int16_t)sf_rd16(r + 6);
		ri->sender_set = sf_rd16(r + 8);
		ri->sender_neg = r[10];
		ri->hs_flags = sf_rd32(r + 12);
		if (ri->id == 0 || (i > 0 && ri->id <= b->rules[i - 1].id)) {
			fail(err, errlen, "rule table: id %u at index %u is zero, duplicate or out of order",
			     ri->id, i);
			goto bad;
		}
		if (ri->class_id == SF_CLASS_NONE || ri->class_id >= SF_CLASS__COUNT ||
		    !valid_action(ri)) {
			fail(err, errlen, "rule %u: bad class %u / action %u / score %d",
			     ri->id, ri->class_id, ri->action, ri->score);
			goto bad;
		}
		if (ri->sender_set > n_sets || ri->sender_neg > 1 ||
		    (ri->sender_neg && !ri->sender_set)) {
			fail(err, errlen, "rule %u: sender set %u of %u", ri->id, ri->sender_set, n_sets);
			goto bad;
		}
		if (so[0] >= b->strings_len || so[1] >= b->strings_len || so[2] >= b->strings_len) {
			fail(err, errlen, "rule %u: string offset out of range", ri->id);
			goto bad;
		}
		ri->desc = b->strings + so[0];
		ri->pattern = b->strings + so[1];
		ri->src = b->strings + so[2];
	}

	if (n_rules) {
		b->block_db = load_db(sec_p[BUNDLE_SEC_BLOCK_DB], sec_len[BUNDLE_SEC_BLOCK_DB],
				      "BLOCK", err, errlen);
		if (!b->block_db)
			goto bad;
		b->stream_db = load_db(sec_p[BUNDLE_SEC_STREAM_DB], sec_len[BUNDLE_SEC_STREAM_DB],
				       "STREAM", err, errlen);
		if (!b->stream_db)
			goto bad;
		if (hs_stream_size(b->stream_db, &b->stream_size) != HS_SUCCESS) {
			fail(err, errlen, "STREAM database: cannot size stream state");
			goto bad;
		}
	}
	if (sec_off[BUNDLE_SEC_MODEL]) {
		char me[256];

		b->model = score_model_load(sec_p[BUNDLE_SEC_MODEL], sec_len[BUNDLE_SEC_MODEL],
					    me, sizeof me);
		if (!b->model) {
			fail(err, errlen, "model section: %s", me);
			goto bad;
		}
	}
	b->gen = __atomic_fetch_add(&bundle_next_gen, 1, __ATOMIC_RELAXED);
	memcpy(&b->content_id, buf + len - BUNDLE_TRAILER_LEN, sizeof(b->content_id));
	return b;
oom:
	fail(err, errlen, "out of memory");
bad:
	scan_bundle_free(b);
	return NULL;
}

struct scan_bundle *scan_bundle_load_file(const char *path, char *err, size_t errlen)
{
	struct scan_bundle *b;
	size_t n;
	uint8_t *buf = sf_file_read(path, BUNDLE_MAX_FILE, &n, err, errlen);

	if (!buf)
		return NULL;
	b = scan_bundle_load(buf, n, err, errlen);
	free(buf);
	return b;
}

const struct rule_info *scan_bundle_rule(const struct scan_bundle *b, uint32_t rule_id)
{
	size_t lo = 0, hi = b->n_rules;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b->rules[mid].id == rule_id)
			return &b->rules[mid];
		if (b->rules[mid].id < rule_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

unsigned scan_bundle_rule_count(const struct scan_bundle *b)
{
	return b->n_rules;
}

const struct rule_info *scan_bundle_rule_at(const struct scan_bundle *b, unsigned idx)
{
	return idx < b->n_rules ? &b->rules[idx] : NULL;
}

uint32_t scan_bundle_threshold(const struct scan_bundle *b)
{
	return b->threshold;
}

const uint8_t *scan_bundle_source_digest(const struct scan_bundle *b)
{
	return b->src_digest;
}

uint64_t scan_bundle_generation(const struct scan_bundle *b)
{
	return b->gen;
}

const struct score_model *scan_bundle_model(const struct scan_bundle *b)
{
	return b->model;
}

size_t scan_bundle_stream_size(const struct scan_bundle *b)
{
	return b->stream_size;
}

const char *scan_bundle_sender_set_name(const struct scan_bundle *b, unsigned sender_set)
{
	if (sender_set == 0 || sender_set > b->n_sets)
		return NULL;
	return b->sets[sender_set - 1].name;
}

int scan_bundle_sender_in_set(const struct scan_bundle *b, unsigned sender_set, const char *canon)
{
	const struct sender_set *s;
	size_t n;

	if (!canon || sender_set == 0 || sender_set > b->n_sets)
		return 0;
	s = &b->sets[sender_set - 1];
	n = strlen(canon);
	for (unsigned i = 0; i < s->n; i++) {
		const struct sender_entry *e = &s->e[i];

		if (e->prefix ? (n >= e->len && memcmp(canon, e->v, e->len) == 0)
			      : (n == e->len && memcmp(canon, e->v, n) == 0))
			return 1;
	}
	return 0;
}
