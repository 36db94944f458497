/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: whole packets through the decode pipeline, several per
 * input so that state across packets (TSN windows, DATA and XUDT
 * reassembly, TCAP dialogues) is exercised. Input: one byte choosing the
 * link type, then records of [length (2 bytes, big-endian)][packet].
 * A second pipeline gets each packet with its L2/L3 decoded beforehand,
 * as the dataplane's distributor hands them on (sf_pipeline_decode_l3):
 * it must find the same parts with the same texts. */
#include <stdint.h>
#include <stdlib.h>

#include "decode/l2l3.h"
#include "flow/pipeline.h"
#include "sf_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* parts seen and a sum over everything they point to */
struct tally {
	size_t parts, sum;
};

static void tally_sms(struct tally *t, const struct sf_sms *s)
{
	/* touch everything the record points to */
	t->parts++;
	for (size_t i = 0; s->text && i < s->text_len; i++)
		t->sum += (uint8_t)s->text[i];
	for (size_t i = 0; s->data && i < s->data_len; i++)
		t->sum += s->data[i];
	for (size_t i = 0; s->data_text && i < s->data_text_len; i++)
		t->sum += (uint8_t)s->data_text[i];
}

static void on_sms(void *ctx, const struct sf_sms *s)
{
	tally_sms(ctx, s);
}

static void tally_rec(void *ctx, const struct sf_pkt_rec *r)
{
	for (unsigned i = 0; i < r->n_sms; i++)
		tally_sms(ctx, &r->sms[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int lts[] = { SF_DLT_EN10MB, SF_DLT_RAW, SF_DLT_LINUX_SLL, SF_DLT_LINUX_SLL2 };
	struct sf_pipeline_config cfg;
	struct sf_pipeline *pl, *pl2;
	struct tally ta = { 0, 0 }, tb = { 0, 0 };
	struct sf_pipeline_sink s = { &ta, on_sms, NULL, NULL };
	struct sf_pipeline_flush fl = { &tb, tally_rec };
	size_t off = 1;
	uint64_t frame = 0;
	int lt;

	if (size < 1)
		return 0;
	lt = lts[data[0] & 3];
	sf_pipeline_config_default(&cfg);
	cfg.max_assocs = 16;
	cfg.max_dialogues = 16;
	cfg.max_reasm = 4;
	cfg.max_reasm_len = 4096;
	cfg.verify_checksum = data[0] & 4 ? 1 : 0;
	pl = sf_pipeline_create(&cfg);
	pl2 = sf_pipeline_create(&cfg);
	if (!pl || !pl2) {
		sf_pipeline_destroy(pl);
		sf_pipeline_destroy(pl2);
		return 0;
	}
	while (size - off >= 2) {
		size_t n = (size_t)data[off] << 8 | data[off + 1];

		off += 2;
		if (n > size - off)
			n = size - off;
		/* a copy of exactly n bytes, so ASan sees any over-read */
		uint8_t *pkt = malloc(n ? n : 1);

		if (!pkt)
			break;
		for (size_t i = 0; i < n; i++)
			pkt[i] = data[off + i];
		frame++;
		sf_pipeline_packet(pl, pkt, n, lt, frame, frame * 1000000ull, &s);
		{
			struct sf_l3_pre pre = { 0 };

			pre.err = l2l3_decode(pkt, n, lt, &pre.v);
			tally_rec(&tb, sf_pipeline_decode_l3(pl2, pkt, n, lt, &pre, frame,
							     frame * 1000000ull, &fl));
		}
		if (ta.parts != tb.parts || ta.sum != tb.sum)
			abort();	/* the pre-decoded L2/L3 changed what was found */
		free(pkt);
		off += n;
		if ((frame & 7) == 0) {
			sf_pipeline_expire(pl, frame * 1000000ull, 8);
			sf_pipeline_expire(pl2, frame * 1000000ull, 8);
		}
	}
	sf_pipeline_destroy(pl);
	sf_pipeline_destroy(pl2);
	return 0;
}
