/* SPDX-License-Identifier: BSD-3-Clause */
/* Scoring with the trained content model, and its validating loader and
 * writer. Spec: the layout in score.h and rules/FORMAT.md "Model section". */
#include "score/score.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_bytes.h"
#include "sf_sha256.h"
#include "sf_verdict.h"
#include "sf_file.h"

#define SCORE_FIXED_LEN 24
#define SCORE_CLASS_LEN 48
#define SCORE_TRAILER_LEN 32
#define SCORE_MAX_FILE (64u << 20)
#define SCORE_MAX_REPORT (1u << 20)

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

struct feat_ctx {
	uint32_t *out;
	size_t max, n;
};

static void feat_sink(void *ctx, uint32_t row, unsigned n, uint32_t off, uint32_t end)
{
	struct feat_ctx *f = ctx;

	(void)n;
	(void)off;
	(void)end;
	if (f->n < f->max)
		f->out[f->n] = row;
	f->n++;
}

size_t score_features(const struct score_model *m, const char *text, size_t len,
		      uint32_t *out, size_t max)
{
	struct feat_ctx f = { out, max, 0 };

	return score_extract(m, text, len, feat_sink, &f);
}

/* Two classes (the usual shape): int32 sums, rows of two weights. */
struct sum2_ctx {
	const int16_t *w;
	int32_t s0, s1;
};

static void sum2_sink(void *ctx, uint32_t row, unsigned n, uint32_t off, uint32_t end)
{
	struct sum2_ctx *c = ctx;
	const int16_t *r = c->w + (size_t)row * 2;

	(void)n;
	(void)off;
	(void)end;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	{	/* one load for the row's two weights */
		uint32_t v;

		memcpy(&v, r, sizeof v);
		c->s0 += (int16_t)(uint16_t)v;
		c->s1 += (int16_t)(uint16_t)(v >> 16);
	}
#else
	c->s0 += r[0];
	c->s1 += r[1];
#endif
}

struct sumn_ctx {
	const int16_t *w;
	unsigned nc;
	int64_t s[SCORE_MAX_CLASSES];
};

static void sumn_sink(void *ctx, uint32_t row, unsigned n, uint32_t off, uint32_t end)
{
	struct sumn_ctx *c = ctx;
	const int16_t *r = c->w + (size_t)row * c->nc;

	(void)n;
	(void)off;
	(void)end;
	for (unsigned k = 0; k < c->nc; k++)
		c->s[k] += r[k];
}

size_t score_sums(const struct score_model *m, const char *text, size_t len,
		  int64_t sum[SCORE_MAX_CLASSES])
{
	unsigned nc = m->n_classes;
	size_t n;

	memset(sum, 0, SCORE_MAX_CLASSES * sizeof(*sum));

	/* int32 sums hold: at most 3 features per byte of text, |w| < 2^15,
	 * so texts below 2^14 bytes; longer ones are summed in int64 */
	if (nc == 2 && len < (1u << 14)) {
		struct sum2_ctx x = { m->w, 0, 0 };

		n = score_extract(m, text, len, sum2_sink, &x);
		sum[0] = x.s0;
		sum[1] = x.s1;
	} else {
		struct sumn_ctx x;

		memset(&x, 0, sizeof x);
		x.w = m->w;
		x.nc = nc;
		n = score_extract(m, text, len, sumn_sink, &x);
		memcpy(sum, x.s, SCORE_MAX_CLASSES * sizeof(*sum));
	}
	return n;
}

void score_finish(const struct score_model *m, const int64_t sum[SCORE_MAX_CLASSES], size_t n,
		  int32_t out[SCORE_MAX_CLASSES])
{
	unsigned nc = m->n_classes, c;
	double k;

	k = n ? 1000.0 / (ldexp(1.0, m->scale) * sqrt((double)n)) : 0.0;
	for (c = 0; c < SCORE_MAX_CLASSES; c++) {
		double v = c < nc ? m->cls[c].bias + (double)sum[c] * k : 0.0;

		out[c] = v >= 1e9 ? 1000000000 : v <= -1e9 ? -1000000000 : (int32_t)lrint(v);
	}
}

size_t score_text(const struct score_model *m, const char *text, size_t len,
		  int32_t out[SCORE_MAX_CLASSES])
{
	int64_t sum[SCORE_MAX_CLASSES];
	size_t n = score_sums(m, text, len, sum);

	score_finish(m, sum, n, out);
	return n;
}

unsigned score_decide(const struct score_model *m, const int32_t s[SCORE_MAX_CLASSES], unsigned *cls)
{
	int64_t best_b = -1, best_t = -1, best_n = INT64_MIN;
	unsigned cb = 0, ct = 0, cn = 0;

	for (unsigned c = 0; c < m->n_classes; c++) {
		const struct score_class *k = &m->cls[c];
		int64_t mt = (int64_t)s[c] - k->tag_thr;

		if (k->block_thr != SCORE_NEVER && s[c] >= k->block_thr &&
		    (int64_t)s[c] - k->block_thr > best_b) {
			best_b = (int64_t)s[c] - k->block_thr;
			cb = c;
		}
		if (k->tag_thr != SCORE_NEVER && s[c] >= k->tag_thr && mt > best_t) {
			best_t = mt;
			ct = c;
		}
		if (mt > best_n) {
			best_n = mt;
			cn = c;
		}
	}
	if (best_b >= 0) {
		*cls = cb;
		return SF_ACT_BLOCK;
	}
	if (best_t >= 0) {
		*cls = ct;
		return SF_ACT_TAG;
	}
	*cls = cn;
	return SF_ACT_NONE;
}

void score_model_free(struct score_model *m)
{
	if (!m)
		return;
	free(m->w);
	free(m->report);
	free(m);
}

/* ---- loader ---- */

struct rd {
	const uint8_t *p;
	size_t len, off;
};

static int rd_has(const struct rd *r, size_t n)
{
	return sf_has(r->len, r->off, n);
}

struct score_model *score_model_load(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	struct score_model *m = NULL;
	struct rd r = { buf, 0, 0 };
	uint8_t digest[32];
	uint32_t rows, rlen, prev = 0;
	size_t nw;

	if (!buf || len < SCORE_FIXED_LEN + SCORE_TRAILER_LEN) {
		fail(err, errlen, "model truncated: %zu bytes", len);
		return NULL;
	}
	if (memcmp(buf, SCORE_MAGIC, 8) != 0) {
		fail(err, errlen, "model: bad magic");
		return NULL;
	}
	if (sf_rd32(buf + 8) != SCORE_FORMAT_VERSION) {
		fail(err, errlen, "model format version %u, this loader reads version %d",
		     sf_rd32(buf + 8), SCORE_FORMAT_VERSION);
		return NULL;
	}
	r.len = len - SCORE_TRAILER_LEN;
	sha256(buf, r.len, digest);
	if (memcmp(digest, buf + r.len, 32) != 0) {
		fail(err, errlen, "model checksum mismatch: the model is corrupted");
		return NULL;
	}
	m = calloc(1, sizeof *m);
	if (!m)
		goto oom;
	m->bits = buf[12];
	m->ngram_min = buf[13];
	m->ngram_max = buf[14];
	m->flags = buf[15];
	m->seed = sf_rd32(buf + 16);
	m->scale = buf[20];
	m->n_classes = buf[21];
	m->version = sf_rd32(digest);
	if (m->bits < 10 || m->bits > 22 || m->ngram_min < 1 || m->ngram_max > 3 ||
	    m->ngram_min > m->ngram_max || (m->flags & ~(SCORE_F_DIGIT_FOLD | SCORE_F_BOUNDARY)) ||
	    m->scale > 14 || m->n_classes < 1 || m->n_classes > SCORE_MAX_CLASSES ||
	    buf[22] || buf[23]) {
		fail(err, errlen, "model: bad feature settings (bits %u, n-grams %u..%u, flags 0x%x, "
		     "scale %u, %u classes)", m->bits, m->ngram_min, m->ngram_max, m->flags, m->scale,
		     m->n_classes);
		goto bad;
	}
	r.off = SCORE_FIXED_LEN;
	for (unsigned c = 0; c < m->n_classes; c++) {
		const uint8_t *p = buf + r.off;
		struct score_class *k = &m->cls[c];

		if (!rd_has(&r, SCORE_CLASS_LEN)) {
			fail(err, errlen, "model: class %u truncated", c);
			goto bad;
		}
		memcpy(k->name, p, SCORE_NAME_MAX);
		k->sf_class = p[24];
		k->bias = (int32_t)sf_rd32(p + 28);
		k->block_thr = (int32_t)sf_rd32(p + 32);
		k->tag_thr = (int32_t)sf_rd32(p + 36);
		k->raise = (int32_t)sf_rd32(p + 40);
		if (!memchr(k->name, 0, SCORE_NAME_MAX) || !k->name[0]) {
			fail(err, errlen, "model: class %u name not NUL-terminated or empty", c);
			goto bad;
		}
		if (k->sf_class == SF_CLASS_NONE || k->sf_class >= SF_CLASS_ALLOW || p[25] || p[26] ||
		    p[27] || sf_rd32(p + 44) || k->raise < 0 || k->raise > 1000000) {
			fail(err, errlen, "model: class %s: bad smsfw class %u or reserved bytes",
			     k->name, k->sf_class);
			goto bad;
		}
		r.off += SCORE_CLASS_LEN;
	}
	if (!rd_has(&r, 2)) {
		fail(err, errlen, "model: corpus list truncated");
		goto bad;
	}
	m->n_corpora = sf_rd16(buf + r.off);
	r.off += 2;
	if (m->n_corpora > SCORE_MAX_CORPORA) {
		fail(err, errlen, "model: %u corpora (at most %d)", m->n_corpora, SCORE_MAX_CORPORA);
		goto bad;
	}
	for (unsigned i = 0; i < m->n_corpora; i++) {
		struct score_corpus *k = &m->corpora[i];
		uint8_t nl;

		if (!rd_has(&r, 1) || !(nl = buf[r.off]) || !sf_has(r.len, r.off + 1, (size_t)nl + 36)) {
			fail(err, errlen, "model: corpus %u truncated or unnamed", i);
			goto bad;
		}
		memcpy(k->name, buf + r.off + 1, nl);
		k->name[nl] = 0;
		if (memchr(k->name, 0, nl)) {
			fail(err, errlen, "model: corpus %u name holds a NUL", i);
			goto bad;
		}
		r.off += 1 + (size_t)nl;
		k->lines = sf_rd32(buf + r.off);
		memcpy(k->sha256, buf + r.off + 4, 32);
		r.off += 36;
	}
	if (!rd_has(&r, 4) || (rlen = sf_rd32(buf + r.off)) > SCORE_MAX_REPORT ||
	    !sf_has(r.len, r.off + 4, rlen)) {
		fail(err, errlen, "model: report truncated");
		goto bad;
	}
	m->report = malloc((size_t)rlen + 1);
	if (!m->report)
		goto oom;
	memcpy(m->report, buf + r.off + 4, rlen);
	m->report[rlen] = 0;
	if (strlen(m->report) != rlen) {
		fail(err, errlen, "model: report holds a NUL");
		goto bad;
	}
	r.off += 4 + (size_t)rlen;
	if (!rd_has(&r, 4)) {
		fail(err, errlen, "model: weight table truncated");
		goto bad;
	}
	rows = sf_rd32(buf + r.off);
	r.off += 4;
	if (rows > (1u << m->bits)) {
		fail(err, errlen, "model: %u weight rows for %u features", rows, 1u << m->bits);
		goto bad;
	}
	nw = ((size_t)1 << m->bits) * m->n_classes;
	m->w = calloc(nw, sizeof *m->w);
	if (!m->w)
		goto oom;
	for (uint32_t i = 0; i < rows; i++) {
		uint64_t d = 0;
		unsigned sh = 0;
		uint64_t idx;

		for (;;) {
			uint8_t b;

			if (!rd_has(&r, 1) || sh > 28) {
				fail(err, errlen, "model: weight row %u: bad index", i);
				goto bad;
			}
			b = buf[r.off++];
			d |= (uint64_t)(b & 0x7F) << sh;
			sh += 7;
			if (!(b & 0x80))
				break;
		}
		idx = (i ? (uint64_t)prev + 1 : 0) + d;
		if (idx >= (1u << m->bits) || !rd_has(&r, 2u * m->n_classes)) {
			fail(err, errlen, "model: weight row %u: index %llu out of range or truncated",
			     i, (unsigned long long)idx);
			goto bad;
		}
		for (unsigned c = 0; c < m->n_classes; c++)
			m->w[idx * m->n_classes + c] = (int16_t)sf_rd16(buf + r.off + 2 * c);
		r.off += 2u * m->n_classes;
		prev = (uint32_t)idx;
	}
	if (r.off != r.len) {
		fail(err, errlen, "model: %zu stray bytes after the weights", r.len - r.off);
		goto bad;
	}
	m->nonzero_rows = rows;
	return m;
oom:
	fail(err, errlen, "model: out of memory");
bad:
	score_model_free(m);
	return NULL;
}

struct score_model *score_model_load_file(const char *path, char *err, size_t errlen)
{
	struct score_model *m;
	size_t n;
	uint8_t *buf = sf_file_read(path, SCORE_MAX_FILE, &n, err, errlen);

	if (!buf)
		return NULL;
	m = score_model_load(buf, n, err, errlen);
	free(buf);
	return m;
}

/* ---- writer ---- */

struct wb {
	uint8_t *p;
	size_t len, cap;
	int oom;
};

static void wb_put(struct wb *w, const void *d, size_t n)
{
	if (w->oom)
		return;
	if (w->cap - w->len < n) {
		size_t cap = w->cap ? w->cap : 65536;
		uint8_t *np;

		while (cap - w->len < n)
			cap *= 2;
		np = realloc(w->p, cap);
		if (!np) {
			w->oom = 1;
			return;
		}
		w->p = np;
		w->cap = cap;
	}
	memcpy(w->p + w->len, d, n);
	w->len += n;
}

static void wb_u32(struct wb *w, uint32_t v)
{
	uint8_t b[4];

	sf_wr32(b, v);
	wb_put(w, b, 4);
}

int score_model_write(const struct score_model *m, uint8_t **out, size_t *outlen,
		      char *err, size_t errlen)
{
	struct wb w = { 0 };
	uint8_t h[SCORE_FIXED_LEN] = { 0 }, b[8];
	size_t nrows = (size_t)1 << m->bits, rows_at;
	uint32_t rows = 0, prev = 0;
	size_t rl = m->report ? strlen(m->report) : 0;

	*out = NULL;
	*outlen = 0;
	memcpy(h, SCORE_MAGIC, 8);
	sf_wr32(h + 8, SCORE_FORMAT_VERSION);
	h[12] = m->bits;
	h[13] = m->ngram_min;
	h[14] = m->ngram_max;
	h[15] = m->flags;
	sf_wr32(h + 16, m->seed);
	h[20] = m->scale;
	h[21] = m->n_classes;
	wb_put(&w, h, sizeof h);
	for (unsigned c = 0; c < m->n_classes; c++) {
		uint8_t k[SCORE_CLASS_LEN] = { 0 };

		snprintf((char *)k, SCORE_NAME_MAX, "%s", m->cls[c].name);
		k[24] = m->cls[c].sf_class;
		sf_wr32(k + 28, (uint32_t)m->cls[c].bias);
		sf_wr32(k + 32, (uint32_t)m->cls[c].block_thr);
		sf_wr32(k + 36, (uint32_t)m->cls[c].tag_thr);
		sf_wr32(k + 40, (uint32_t)m->cls[c].raise);
		wb_put(&w, k, sizeof k);
	}
	sf_wr16(b, (uint16_t)m->n_corpora);
	wb_put(&w, b, 2);
	for (unsigned i = 0; i < m->n_corpora; i++) {
		size_t nl = strlen(m->corpora[i].name);
		uint8_t l = (uint8_t)(nl > 255 ? 255 : nl);

		wb_put(&w, &l, 1);
		wb_put(&w, m->corpora[i].name, l);
		wb_u32(&w, m->corpora[i].lines);
		wb_put(&w, m->corpora[i].sha256, 32);
	}
	wb_u32(&w, (uint32_t)rl);
	wb_put(&w, m->report, rl);
	rows_at = w.len;
	wb_u32(&w, 0);
	for (size_t i = 0; i < nrows; i++) {
		const int16_t *r = m->w + i * m->n_classes;
		unsigned c, nz = 0;
		uint64_t d;

		for (c = 0; c < m->n_classes; c++)
			nz |= r[c] != 0;
		if (!nz)
			continue;
		d = rows ? i - prev - 1 : i;
		do {
			uint8_t x = d & 0x7F;

			d >>= 7;
			if (d)
				x |= 0x80;
			wb_put(&w, &x, 1);
		} while (d);
		for (c = 0; c < m->n_classes; c++) {
			sf_wr16(b, (uint16_t)r[c]);
			wb_put(&w, b, 2);
		}
		rows++;
		prev = (uint32_t)i;
	}
	{
		uint8_t z[SCORE_TRAILER_LEN] = { 0 };

		wb_put(&w, z, sizeof z);
	}
	if (w.oom) {
		free(w.p);
		fail(err, errlen, "out of memory");
		return -1;
	}
	sf_wr32(w.p + rows_at, rows);
	sha256(w.p, w.len - SCORE_TRAILER_LEN, w.p + w.len - SCORE_TRAILER_LEN);
	*out = w.p;
	*outlen = w.len;
	return 0;
}

/* ---- explain ---- */

struct contrib_ctx {
	struct score_contrib *all;
	unsigned na;
};

static void contrib_sink(void *ctx, uint32_t row, unsigned n, uint32_t off, uint32_t end)
{
	struct contrib_ctx *x = ctx;
	unsigned i;

	(void)n;
	for (i = 0; i < x->na && x->all[i].idx != row; i++)
		;
	if (i == x->na) {
		x->all[i].idx = row;
		x->all[i].off = (uint16_t)(off > 65535 ? 65535 : off);
		x->all[i].len = (uint16_t)(end - off > 65535 ? 65535 : end - off);
		x->na++;
	}
	x->all[i].count++;
}

unsigned score_top_contrib(const struct score_model *m, unsigned c, const char *text, size_t len,
			   struct score_contrib *out, unsigned max)
{
	struct contrib_ctx x;
	unsigned n = 0, i, j;
	size_t nf;
	double k;
	struct score_contrib tmp;

	if (c >= m->n_classes || max == 0)
		return 0;
	nf = score_features(m, text, len, NULL, 0);
	if (!nf)
		return 0;
	k = 1000.0 / (ldexp(1.0, m->scale) * sqrt((double)nf));
	x.all = calloc(nf, sizeof *x.all);	/* a tool's function, not the hot path */
	x.na = 0;
	if (!x.all)
		return 0;
	score_extract(m, text, len, contrib_sink, &x);
	for (i = 0; i < x.na; i++)
		x.all[i].milli = (int32_t)lrint(m->w[(size_t)x.all[i].idx * m->n_classes + c] *
						(double)x.all[i].count * k);
	/* by |contribution| descending, then first occurrence */
	for (i = 1; i < x.na; i++) {
		tmp = x.all[i];
		for (j = i; j > 0 && (abs(x.all[j - 1].milli) < abs(tmp.milli) ||
				      (abs(x.all[j - 1].milli) == abs(tmp.milli) &&
				       x.all[j - 1].off > tmp.off)); j--)
			x.all[j] = x.all[j - 1];
		x.all[j] = tmp;
	}
	for (i = 0; i < x.na && n < max; i++)
		if (x.all[i].milli)
			out[n++] = x.all[i];
	free(x.all);
	return n;
}
