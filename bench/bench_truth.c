/* SPDX-License-Identifier: BSD-3-Clause */
/* The bench's verdicts against the generator's ground truth (issue 11:
 * "ham blocked on the generated default mix: 0"): one untimed engine pass
 * over the capture, each SMS part matched to its truth line by frame and
 * position in the frame (smsfw-pcapgen writes one line per part, in wire
 * order, retransmitted copies included: pcap/gen/README.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "engine/engine.h"
#include "sf_wire.h"
#include "policy/policy_state.h"

struct truth_line {
	uint64_t frame;
	uint32_t line;		/* file order, ties within a frame */
	uint8_t expected;	/* enum sf_verdict_kind */
	uint8_t scenario;	/* index into bench_truth_scenarios, or BENCH_TRUTH_SCEN */
};

const char *const bench_truth_scenarios[BENCH_TRUTH_SCEN] = {
	"ham", "spam", "fraud", "illegal", "notice", "report", "shield", "shielded_delivery",
	"spoof", "flood_fanout", "flood_to_one", "flood_same_text", "wap_push", "report_tricky",
};

static int cmp_line(const void *a, const void *b)
{
	const struct truth_line *x = a, *y = b;

	if (x->frame != y->frame)
		return x->frame < y->frame ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* The string value of "key":"…" in a JSON line of the generator's, or NULL. */
static const char *field(const char *l, const char *key, size_t *len)
{
	char pat[48];
	const char *p, *q;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(l, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	q = strchr(p, '"');
	if (!q)
		return NULL;
	*len = (size_t)(q - p);
	return p;
}

static int load_truth(const char *path, struct truth_line **out, size_t *n, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct truth_line *v = NULL;
	size_t cap = 0, k = 0;
	char *l = NULL;
	size_t lcap = 0;
	uint32_t no = 0;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	while (getline(&l, &lcap, f) > 0) {
		const char *fr = strstr(l, "\"frame\":"), *s;
		size_t len;
		struct truth_line t = { 0 };

		no++;
		if (!fr || !(s = field(l, "expected", &len))) {
			snprintf(err, errlen, "%s:%u: no frame or expected verdict", path, no);
			free(l);
			free(v);
			fclose(f);
			return -1;
		}
		t.frame = strtoull(fr + 8, NULL, 10);
		t.line = no;
		t.expected = len == 5 && !memcmp(s, "block", 5) ? SF_VERDICT_BLOCK :
			     len == 3 && !memcmp(s, "tag", 3) ? SF_VERDICT_TAG : SF_VERDICT_PASS;
		t.scenario = BENCH_TRUTH_SCEN;
		if ((s = field(l, "scenario", &len)))
			for (unsigned i = 0; i < BENCH_TRUTH_SCEN; i++)
				if (strlen(bench_truth_scenarios[i]) == len &&
				    !memcmp(s, bench_truth_scenarios[i], len))
					t.scenario = (uint8_t)i;
		if (k == cap) {
			struct truth_line *nv;

			cap = cap ? cap * 2 : 65536;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				snprintf(err, errlen, "%s: out of memory", path);
				free(l);
				free(v);
				fclose(f);
				return -1;
			}
			v = nv;
		}
		v[k++] = t;
	}
	free(l);
	fclose(f);
	qsort(v, k, sizeof(*v), cmp_line);
	*out = v;
	*n = k;
	return 0;
}

struct truth_ctx {
	const struct truth_line *t;
	size_t n, next;		/* first line of the current frame or later */
	uint64_t frame;
	struct bench_truth *out;
};

static void on_part(void *arg, const struct sf_part_verdict *pv)
{
	struct truth_ctx *c = arg;
	unsigned got = pv->pv.verdict < 3 ? pv->pv.verdict : SF_VERDICT_PASS;

	if (c->next < c->n && c->t[c->next].frame == c->frame) {
		const struct truth_line *t = &c->t[c->next++];

		c->out->matched++;
		c->out->confusion[t->expected][got]++;
		c->out->by_scenario[t->scenario][t->expected][got]++;
	} else {
		c->out->parts_unmatched++;	/* a part the truth does not list */
	}
}

int bench_truth_check(const struct bench_capture *cap, const struct sf_gen *g, const char *truth_path,
		      struct bench_truth *out, char *err, size_t errlen)
{
	struct truth_line *t = NULL;
	struct sf_engine_config ec;
	struct sf_engine_sink sink;
	struct policy_shared *sh = NULL;
	struct sf_worker *w = NULL;
	struct truth_ctx c;
	size_t n = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (load_truth(truth_path, &t, &n, err, errlen))
		return -1;
	out->lines = n;
	memset(&ec, 0, sizeof(ec));
	sf_pipeline_config_default(&ec.pipe);
	ec.concat_max = 16384;
	ec.scan_cache = 16384;	/* dp_config.c's default */
	ec.concat_timeout_ns = 60ull * 1000000000ull;
	sh = policy_shared_create(&g->policy, err, errlen);
	if (!sh)
		goto out;
	ec.policy_shared = sh;
	w = sf_worker_create(&ec, g, err, errlen);
	if (!w)
		goto out;
	memset(&sink, 0, sizeof(sink));
	memset(&c, 0, sizeof(c));
	c.t = t;
	c.n = n;
	c.out = out;
	sink.ctx = &c;
	sink.on_part = on_part;
	for (size_t i = 0; i < cap->n; i++) {
		c.frame = i + 1;
		(void)sf_worker_packet(w, g, cap->data + cap->off[i], cap->len[i], SF_DLT_EN10MB, i + 1,
				       cap->ts_ns[i], &sink);
		if ((i & 31) == 31)
			sf_worker_tick(w, cap->ts_ns[i]);
		/* lines of this frame no part answered */
		while (c.next < c.n && c.t[c.next].frame <= c.frame) {
			out->truth_unmatched++;
			c.next++;
		}
	}
	out->truth_unmatched += c.n - c.next;
	rc = 0;
out:
	sf_worker_destroy(w);
	policy_shared_free(sh);
	free(t);
	return rc;
}
