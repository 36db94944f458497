/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: the concatenated-SMS stream table (scan/concat.c on the
 * flow table) driven by a hostile sequence of parts: any key, sequence
 * number, total, text and clock step, into a table of 8 messages so that
 * eviction, timeouts, early parts held in the pool, duplicates and
 * completion all happen, with the cache of repeated parts on. The rules
 * are the engine test set (rules/tests/engine), compiled once. Input:
 * records of [op][key][seq][total][dt][len][len bytes of text]; op & 3 ==
 * 3 runs an expiry sweep instead of a part; op & 8 gives the part as
 * decoded (scan_concat_text, normalised only if it is scanned), else
 * normalised. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/bundle.h"
#include "scan/scan.h"
#include "text/normalize.h"
#include "../unit/rules/engine_bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t normalise(const char *text, size_t len, char *out, size_t cap)
{
	return norm_text(text, len, out, cap, NULL);
}

static struct scan_bundle *bundle;
static struct scan_scratch *scratch;

static int setup(void)
{
	uint8_t *img = NULL;
	size_t len = 0;
	char err[256];

	if (bundle)
		return 0;
	if (engine_bundle(FUZZ_SRCDIR "/rules/tests/engine", &img, &len) != 0)
		abort();	/* the test rules must compile */
	bundle = scan_bundle_load(img, len, err, sizeof(err));
	free(img);
	if (!bundle)
		abort();
	scratch = scan_scratch_create(bundle);
	if (!scratch)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_concat *c;
	uint64_t now = 1000;
	size_t off = 0;
	char norm[NORM_CAP(255)];

	setup();
	c = scan_concat_create(8, 500);
	if (!c || scan_concat_cache(c, 8) != 0) {
		scan_concat_free(c);
		return 0;
	}
	while (off + 6 <= size) {
		uint8_t op = data[off], key = data[off + 1], seq = data[off + 2], total = data[off + 3];
		uint8_t dt = data[off + 4], len = data[off + 5];
		struct scan_result r;
		size_t n;

		off += 6;
		if (len > size - off)
			len = (uint8_t)(size - off);
		now += dt;
		if ((op & 3) == 3) {
			(void)scan_concat_expire(c, now, op >> 2);
		} else if (op & 8) {
			struct scan_part p = { (const char *)data + off, len, norm, 0, sizeof(norm), 0,
					       normalise, NULL, 0 };
			char want[NORM_CAP(255)];

			(void)scan_concat_text(c, bundle, scratch, 1 + (key & 15), seq & 7, total & 7, &p,
					       (op & 4) ? "13800000000" : NULL, now, &r);
			n = norm_text((const char *)data + off, len, want, sizeof(want), NULL);
			if (p.have_norm && (p.norm_len != n || memcmp(norm, want, n) != 0))
				abort();	/* the part's normalised text is norm_text's */
			if (r.flags & SCAN_F_COMPLETE)
				now++;
		} else {
			n = norm_text((const char *)data + off, len, norm, sizeof(norm), NULL);
			(void)scan_concat_part(c, bundle, scratch, 1 + (key & 15), seq & 7, total & 7,
					       norm, n, (op & 4) ? "13800000000" : NULL, now, &r);
			if (r.flags & SCAN_F_COMPLETE)
				now++;
		}
		off += len;
		if (scan_concat_active(c) > 8)
			abort();	/* never more messages than the table holds */
	}
	scan_concat_free(c);
	return 0;
}
