/* SPDX-License-Identifier: BSD-3-Clause */
/* A measurement for the next step of the engine (RESULTS.md "Where the next
 * factor is"): decode + normalise + scan, as the ST_SCAN stage, but in
 * phases over windows of `burst` packets (decode and normalise every part
 * of the window, then scan them all in order), so that the Hyperscan
 * database stays in cache across scans. Compared with the ST_SCAN stage it
 * tells what deciding a burst in phases would save on the scans. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "engine/engine.h"
#include "scan/scan.h"
#include "sf_wire.h"
#include "text/normalize.h"

#define PH_TEXT_MAX 2048
#define PH_PARTS_MAX 1024	/* parts held for one window */

struct ph_part {
	uint64_t key, ts_ns;
	uint8_t seq, total, concat;
	uint32_t off, len;
	char sender[SF_TPADDR_MAX + 1];
};

struct ph_ctx {
	struct ph_part part[PH_PARTS_MAX];
	unsigned n;
	char *buf;		/* the window's normalised texts */
	size_t used, cap;
	uint64_t parts, dropped;
};

static void ph_on_sms(void *arg, const struct sf_sms *s)
{
	struct ph_ctx *c = arg;
	const char *sender = s->direction == SF_DIR_MO ? s->sm_rp_oa : s->tp_oa;
	const char *recipient = s->direction == SF_DIR_MO ? s->tp_da : s->sm_rp_da;
	struct ph_part *p;
	size_t len = s->text_len < PH_TEXT_MAX ? s->text_len : PH_TEXT_MAX;

	c->parts++;
	if (c->n == PH_PARTS_MAX || c->cap - c->used < NORM_CAP(PH_TEXT_MAX)) {
		c->dropped++;	/* not with burst ≤ 64 on generated traffic */
		return;
	}
	p = &c->part[c->n++];
	p->off = (uint32_t)c->used;
	p->len = s->text ? (uint32_t)norm_text(s->text, len, c->buf + c->used, NORM_CAP(PH_TEXT_MAX), NULL) : 0;
	c->used += p->len;
	p->concat = s->has_concat && s->concat_total > 1;
	p->key = p->concat ? sf_engine_concat_key(s, sender, recipient) : 0;
	p->seq = s->concat_seq;
	p->total = s->concat_total;
	p->ts_ns = s->ts_ns;
	snprintf(p->sender, sizeof(p->sender), "%s", sender);
}

int bench_phased_scan(const struct bench_capture *cap, const struct sf_gen *g, unsigned burst,
		      struct bench_stage_result *out, char *err, size_t errlen)
{
	struct sf_pipeline_config pc;
	struct sf_pipeline *pl;
	struct scan_scratch *scratch;
	struct scan_concat *concat;
	struct sf_pipeline_sink sink = { 0 };
	struct ph_ctx *c = calloc(1, sizeof(*c));
	struct timespec c0, c1;
	uint64_t t0, t1, sum = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	sf_pipeline_config_default(&pc);
	pl = sf_pipeline_create(&pc);
	scratch = scan_scratch_create(g->bundle);
	concat = scan_concat_create(16384, 60ull * 1000000000ull);
	if (c) {
		c->cap = (size_t)PH_PARTS_MAX * NORM_CAP(PH_TEXT_MAX) / 4;
		c->buf = malloc(c->cap);
	}
	if (!c || !c->buf || !pl || !scratch || !concat || burst == 0) {
		snprintf(err, errlen, "cannot create the phased run's tables");
		goto out;
	}
	sink.ctx = c;
	sink.on_sms = ph_on_sms;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	t0 = bench_tsc();
	for (size_t i = 0; i < cap->n; i += burst) {
		size_t end = i + burst < cap->n ? i + burst : cap->n;

		c->n = 0;
		c->used = 0;
		/* phase 1: decode and normalise the window */
		for (size_t k = i; k < end; k++) {
			sf_pipeline_packet(pl, cap->data + cap->off[k], cap->len[k], SF_DLT_EN10MB, k + 1,
					   cap->ts_ns[k], &sink);
			if ((k & 31) == 31) {
				sf_pipeline_expire(pl, cap->ts_ns[k], 32);
				scan_concat_expire(concat, cap->ts_ns[k], 32);
			}
		}
		/* phase 2: scan its parts in order */
		for (unsigned k = 0; k < c->n; k++) {
			const struct ph_part *p = &c->part[k];
			struct scan_result res;

			uint64_t a = bench_tsc();

			if (p->concat)
				(void)scan_concat_part(concat, g->bundle, scratch, p->key, p->seq, p->total,
						       c->buf + p->off, p->len, p->sender, p->ts_ns, &res);
			else
				(void)scan_block(g->bundle, scratch, c->buf + p->off, p->len, p->sender, &res);
			a = bench_tsc() - a;
			out->split[p->concat].n++;
			out->split[p->concat].tsc += a;
			out->split[p->concat].bytes += p->len;
			sum += res.action + res.rule_id;
		}
	}
	t1 = bench_tsc();
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	out->secs = (double)(t1 - t0) / (double)bench_tsc_hz();
	out->cpu_secs = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) * 1e-9;
	out->packets = cap->n;
	out->parts = c->parts;
	out->verdicts[0] = c->dropped;	/* parts not held (none expected) */
	out->verdicts[1] = sum;		/* keeps the scans from being optimised away */
	rc = 0;
out:
	if (c)
		free(c->buf);
	free(c);
	scan_concat_free(concat);
	scan_scratch_free(scratch);
	sf_pipeline_destroy(pl);
	return rc;
}
