/* SPDX-License-Identifier: BSD-3-Clause */
/* The engine's returned verdict record (engine.h sf_worker_decide, issue 11
 * item 3): one verdict per SMS part in wire order, pointing at the decode
 * record's parts, the packet's verdict the strongest; a packet with more
 * parts than the record holds hands the first batches to sink->on_part
 * and returns the rest, every part decided once. Argument: the sample
 * capture. */
#include <pcap/pcap.h>
#include <string.h>

#include "engine/engine.h"
#include "sf_bytes.h"
#include "sf_test.h"
#include "sf_test_pcap.h"

static const char *cap_path;

static struct sf_gen *gen;

static struct sf_worker *worker(int verify_checksum)
{
	struct sf_engine_config ec;
	char err[256];
	struct sf_worker *w;

	memset(&ec, 0, sizeof ec);
	sf_pipeline_config_default(&ec.pipe);
	ec.pipe.verify_checksum = verify_checksum;
	ec.concat_max = 1024;
	ec.concat_timeout_ns = 60ull * 1000000000ull;
	w = sf_worker_create(&ec, gen, err, sizeof err);
	if (!w)
		fprintf(stderr, "worker: %s\n", err);
	return w;
}

static void test_record_per_packet(void)
{
	struct sf_worker *w = worker(1);
	uint64_t parts = 0;

	CHECK(w != NULL);
	if (!w)
		return;
	for (size_t i = 0; i < n_frames; i++) {
		const struct sf_pkt_verdict *v = sf_worker_decide(w, gen, frames[i].b, frames[i].len, linktype,
								   i + 1, (i + 1) * 1000000ull, NULL);
		int strongest = SF_VERDICT_PASS;

		CHECK_INT(v->n_early, 0);
		CHECK_INT(v->n_parts, v->rec->n_sms);
		for (unsigned k = 0; k < v->n_parts; k++) {
			CHECK(v->part[k].sms == &v->rec->sms[k]);
			CHECK_INT(v->part[k].sms->frame, i + 1);
			if (v->part[k].pv.verdict > strongest)
				strongest = v->part[k].pv.verdict;
		}
		CHECK_INT(v->verdict, strongest);
		parts += v->n_parts;
	}
	CHECK(parts > 100);
	CHECK_INT(sf_worker_stats(w)->parts, parts);
	sf_worker_destroy(w);
}

static uint32_t early_tsn[64];
static unsigned n_early_seen;

static void on_part(void *ctx, const struct sf_part_verdict *v)
{
	(void)ctx;
	if (n_early_seen < 64)
		early_tsn[n_early_seen] = v->sms->tsn;
	n_early_seen++;
}

static void test_oversized_packet(void)
{
	struct sf_worker *probe = worker(0), *w = worker(0);
	const struct sf_pkt_verdict *v = NULL;
	struct sf_engine_sink sink = { NULL, on_part, NULL, NULL };
	static uint8_t big[65536];
	const struct frame *f = NULL;
	size_t off, clen, pad, hdr;
	unsigned copies = SF_PKT_SMS_MAX + 9;

	CHECK(probe && w);
	if (!probe || !w)
		goto out;
	/* the first IPv4 frame with one unfragmented DATA chunk and one part */
	for (size_t i = 0; i < n_frames; i++) {
		v = sf_worker_decide(probe, gen, frames[i].b, frames[i].len, linktype, i + 1, 0, NULL);
		if (v->rec->sctp_ok && v->rec->ip_version == 4 && v->rec->n_chunks == 1 && v->rec->n_sms == 1 &&
		    (v->rec->chunk[0].flags & 3) == 3) {
			f = &frames[i];
			break;
		}
	}
	CHECK(f != NULL);
	if (!f)
		goto out;
	hdr = v->rec->l4_off + 12;
	clen = v->rec->chunk[0].len;
	pad = (clen + 3) & ~(size_t)3;
	memcpy(big, f->b, hdr);
	off = hdr;
	for (unsigned k = 0; k < copies; k++) {
		memcpy(big + off, f->b + v->rec->l4_off + v->rec->chunk[0].off, clen);
		memset(big + off + clen, 0, pad - clen);
		sf_wr32(big + off + 4, 0x70000000u + k);	/* TSN */
		off += pad;
	}
	sf_wr16(big + v->rec->l3_off + 2, (uint16_t)(off - v->rec->l3_off));
	v = sf_worker_decide(w, gen, big, off, linktype, 1, 0, &sink);
	/* the first full batch went to the sink while decoding, in order */
	CHECK_INT(n_early_seen, SF_PKT_SMS_MAX);
	CHECK_INT(v->n_early, SF_PKT_SMS_MAX);
	for (unsigned k = 0; k < SF_PKT_SMS_MAX && k < n_early_seen; k++)
		CHECK_INT(early_tsn[k], 0x70000000u + k);
	/* the rest is in the returned record */
	CHECK_INT(v->n_parts, copies - SF_PKT_SMS_MAX);
	for (unsigned k = 0; k < v->n_parts; k++)
		CHECK_INT(v->part[k].sms->tsn, 0x70000000u + SF_PKT_SMS_MAX + k);
	CHECK_INT(sf_worker_stats(w)->parts, copies);
out:
	sf_worker_destroy(probe);
	sf_worker_destroy(w);
}

int main(int argc, char **argv)
{
	struct policy_config pc;
	char err[256];

	if (argc < 2) {
		fprintf(stderr, "usage: test_pkt_verdict CAPTURE\n");
		return 2;
	}
	cap_path = argv[1];
	load_frames(cap_path);
	policy_config_defaults(&pc);
	gen = sf_gen_load(NULL, NULL, &pc, 0, err, sizeof err);
	if (!gen) {
		fprintf(stderr, "generation: %s\n", err);
		return 1;
	}
	RUN(test_record_per_packet);
	RUN(test_oversized_packet);
	sf_gen_free(gen);
	return TEST_SUMMARY();
}
