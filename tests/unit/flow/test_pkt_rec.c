/* SPDX-License-Identifier: BSD-3-Clause */
/* The pipeline's per-packet record (flow/pipeline.h, issue 11 item 1):
 * over the sample capture it holds the same parts as the callback API, in
 * the same order; its offsets, chunks and flow hash agree with the frame;
 * a record decoded from L2/L3 the distributor decoded is the same; the
 * distributor's hash sends an association and every fragment of its IP
 * datagrams to one worker; and a packet with more SMS parts than the
 * record holds is flushed in batches, none lost. Argument: the sample
 * capture. */
#include <pcap/pcap.h>
#include <string.h>

#include "decode/l2l3.h"
#include "flow/pipeline.h"
#include "sf_bytes.h"
#include "sf_crc32c.h"
#include "sf_hash.h"
#include "sf_test.h"
#include "sf_test_pcap.h"
#include "sf_wire.h"

static const char *cap_path;

/* What the callback API gives, one line per part / event. */
static char cb_log[1 << 20], rec_log[1 << 20];
static size_t cb_len, rec_len;

static void log_sms(char *buf, size_t *len, const struct sf_sms *s)
{
	*len += (size_t)snprintf(buf + *len, sizeof(cb_log) - *len, "sms %llu tsn %u oa %s da %s text %.*s\n",
				 (unsigned long long)s->frame, s->tsn, s->sm_rp_oa, s->sm_rp_da,
				 (int)(s->text ? s->text_len : 0), s->text ? s->text : "");
}

static void log_ev(char *buf, size_t *len, const struct sf_map_event *e)
{
	*len += (size_t)snprintf(buf + *len, sizeof(cb_log) - *len, "ev %llu kind %u imsi %s msisdn %s\n",
				 (unsigned long long)e->frame, e->kind, e->imsi, e->msisdn);
}

static void cb_sms(void *ctx, const struct sf_sms *s)
{
	(void)ctx;
	log_sms(cb_log, &cb_len, s);
}

static void cb_ev(void *ctx, const struct sf_map_event *e)
{
	(void)ctx;
	log_ev(cb_log, &cb_len, e);
}

static void rec_items(const struct sf_pkt_rec *r)
{
	for (unsigned i = 0; i < r->n_items; i++)
		if (r->item[i].kind == SF_PKT_ITEM_SMS)
			log_sms(rec_log, &rec_len, &r->sms[r->item[i].idx]);
		else
			log_ev(rec_log, &rec_len, &r->ev[r->item[i].idx]);
}

/* 1 if id was seen before (a small set: the sample has few associations). */
static int seen_id(uint64_t id)
{
	static uint64_t ids[64];
	static unsigned n;

	for (unsigned i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	if (n < 64)
		ids[n++] = id;
	return 0;
}

/* Two pipelines with the default configuration, fed the same frames. */
static int two_pipelines(struct sf_pipeline **a, struct sf_pipeline **b)
{
	struct sf_pipeline_config c;

	sf_pipeline_config_default(&c);
	*a = sf_pipeline_create(&c);
	*b = sf_pipeline_create(&c);
	CHECK(*a && *b);
	return *a && *b;
}

static void test_record_matches_callbacks(void)
{
	struct sf_pipeline *a, *b;
	struct sf_pipeline_sink sink = { NULL, cb_sms, cb_ev, NULL };
	unsigned parts = 0, with_sms = 0, ids = 0;

	if (!two_pipelines(&a, &b))
		return;
	for (size_t i = 0; i < n_frames; i++) {
		const struct frame *f = &frames[i];
		const struct sf_pkt_rec *r;
		unsigned chunk_sms = 0;

		sf_pipeline_packet(a, f->b, f->len, linktype, i + 1, (i + 1) * 1000, &sink);
		r = sf_pipeline_decode(b, f->b, f->len, linktype, i + 1, (i + 1) * 1000, NULL);
		rec_items(r);
		CHECK_INT(r->frame, i + 1);
		CHECK_INT(r->n_flushed, 0);
		if (!r->sctp_ok)
			continue;
		/* the distributor's hash from the record, without decoding again */
		CHECK_INT(sf_pkt_rec_flow_hash(r), sf_flow_hash(f->b, f->len, linktype));
		/* offsets: the SCTP ports where the record says L4 starts */
		CHECK(r->l4_off + r->l4_len <= f->len);
		CHECK_INT(sf_rd16(f->b + r->l4_off), r->sport);
		CHECK_INT(sf_rd16(f->b + r->l4_off + 2), r->dport);
		CHECK_INT(f->b[r->l3_off] >> 4, r->ip_version);
		for (unsigned k = 0; k < r->n_chunks && k < SF_PKT_CHUNKS_MAX; k++) {
			const struct sf_pkt_chunk *ch = &r->chunk[k];
			const uint8_t *cp = f->b + r->l4_off + ch->off;

			CHECK_INT(cp[0], ch->type);
			CHECK_INT(sf_rd16(cp + 2), ch->len);
			CHECK_INT(sf_rd32(cp + 4), ch->tsn);
			chunk_sms += ch->n_sms;
		}
		CHECK_INT(chunk_sms, r->n_sms);
		/* the association-direction's id is FNV-1a of its addresses,
		 * ports and tag, whether the pipeline remembered it or not (it
		 * is in every verdict line: the same in every process) */
		if (r->n_chunks) {
			uint64_t h = sf_fnv1a64(SF_FNV_OFFSET, r->src, 16);

			h = sf_fnv1a64(h, r->dst, 16);
			h = sf_fnv1a64(h, &r->sport, 2);
			h = sf_fnv1a64(h, &r->dport, 2);
			h = sf_fnv1a64(h, &r->vtag, 4);
			CHECK_INT(r->assoc_id, h);
			ids += !seen_id(r->assoc_id);
		}
		for (unsigned k = 0; k < r->n_sms; k++) {
			const struct sf_sms *s = &r->sms[k];

			CHECK(s->chunk_index < r->n_chunks);
			CHECK_INT(r->chunk[s->chunk_index].tsn, s->tsn);
			CHECK_INT(r->chunk[s->chunk_index].sid, s->stream);
			CHECK_INT(s->assoc_id, r->assoc_id);
		}
		parts += r->n_sms;
		with_sms += r->n_sms > 0;
	}
	CHECK(parts > 100);	/* the sample has a few hundred parts */
	CHECK(ids > 1);		/* several association-directions, interleaved */
	CHECK(with_sms > 0);
	CHECK_INT(rec_len, cb_len);
	CHECK(memcmp(rec_log, cb_log, cb_len) == 0);
	sf_pipeline_destroy(a);
	sf_pipeline_destroy(b);
}

/* ---- L2/L3 decoded by the distributor ---- */

static void test_record_from_pre_decoded_l3(void)
{
	struct sf_pipeline *a, *b;
	static char log_a[1 << 20], log_b[1 << 20];
	size_t len_a = 0, len_b = 0;
	unsigned parts = 0;

	if (!two_pipelines(&a, &b))
		return;
	for (size_t i = 0; i < n_frames; i++) {
		const struct frame *f = &frames[i];
		const struct sf_pkt_rec *ra, *rb;
		struct sf_l3_pre pre = { 0 };

		pre.err = l2l3_decode(f->b, f->len, linktype, &pre.v);
		ra = sf_pipeline_decode(a, f->b, f->len, linktype, i + 1, 0, NULL);
		rb = sf_pipeline_decode_l3(b, f->b, f->len, linktype, &pre, i + 1, 0, NULL);
		CHECK_INT(rb->l3_ok, ra->l3_ok);
		CHECK_INT(rb->sctp_ok, ra->sctp_ok);
		CHECK_INT(rb->l3_off, ra->l3_off);
		CHECK_INT(rb->l4_off, ra->l4_off);
		CHECK_INT(rb->n_chunks, ra->n_chunks);
		CHECK_INT(rb->assoc_id, ra->assoc_id);
		CHECK_INT(sf_pkt_rec_flow_hash(rb), pre.err ? 0 : sf_l3_flow_hash(&pre.v));
		for (unsigned k = 0; k < ra->n_sms; k++)
			log_sms(log_a, &len_a, &ra->sms[k]);
		for (unsigned k = 0; k < rb->n_sms; k++)
			log_sms(log_b, &len_b, &rb->sms[k]);
		parts += rb->n_sms;
	}
	CHECK(parts > 100);
	CHECK_INT(len_b, len_a);
	CHECK(memcmp(log_a, log_b, len_a) == 0);
	CHECK_INT(sf_pipeline_stats(b)->sms_parts, sf_pipeline_stats(a)->sms_parts);
	CHECK_INT(sf_pipeline_stats(b)->non_ip, sf_pipeline_stats(a)->non_ip);
	sf_pipeline_destroy(a);
	sf_pipeline_destroy(b);
}

/* An IPv4 frame's datagram as two fragments: the first carries `first`
 * bytes of the payload (a multiple of 8) and the SCTP ports, the second
 * the rest and no ports. Returns 0 when the frame is not plain IPv4. */
static int ipv4_split(const struct frame *f, size_t first, struct frame *f1, struct frame *f2)
{
	struct l2l3_view v;
	size_t l3, ihl, pay;

	if (l2l3_decode(f->b, f->len, linktype, &v) || v.ip_version != 4 || v.is_fragment)
		return 0;
	l3 = (size_t)(v.l3.p - f->b);
	ihl = (size_t)(f->b[l3] & 15) * 4;
	pay = v.l4.len;
	if (pay <= first)
		return 0;
	/* the first: headers + first bytes, MF set */
	memcpy(f1->b, f->b, l3 + ihl + first);
	f1->len = l3 + ihl + first;
	sf_wr16(f1->b + l3 + 2, (uint16_t)(ihl + first));
	sf_wr16(f1->b + l3 + 6, 0x2000);
	/* the second: headers + the rest at offset first/8 */
	memcpy(f2->b, f->b, l3 + ihl);
	memcpy(f2->b + l3 + ihl, v.l4.p + first, pay - first);
	f2->len = l3 + ihl + pay - first;
	sf_wr16(f2->b + l3 + 2, (uint16_t)(ihl + pay - first));
	sf_wr16(f2->b + l3 + 6, (uint16_t)(first / 8));
	return 1;
}

/* A NIC that verified a frame's SCTP CRC32c (RX offload, sf_l3_pre
 * sctp_csum_good) spares the pipeline its own: every SCTP frame of the
 * sample, its checksum made wrong, gives with the NIC's word the parts
 * the intact frame gives, counted as verified by the NIC; without it,
 * each is dropped as a bad checksum. */
static void test_nic_verified_checksum(void)
{
	struct sf_pipeline *a, *b, *c;
	static char log_b[1 << 20], log_c[1 << 20];
	static uint8_t copy[65536];
	size_t len_b = 0, len_c = 0;
	uint64_t corrupted = 0;

	if (!two_pipelines(&a, &b))
		return;
	{
		struct sf_pipeline_config cfg;

		sf_pipeline_config_default(&cfg);
		c = sf_pipeline_create(&cfg);
		CHECK(c != NULL);
		if (!c)
			return;
	}
	for (size_t i = 0; i < n_frames; i++) {
		const struct frame *f = &frames[i];
		const struct sf_pkt_rec *rc, *rb;
		struct sf_l3_pre pre = { 0 };

		if (f->len > sizeof(copy))
			continue;
		rc = sf_pipeline_decode(c, f->b, f->len, linktype, i + 1, 0, NULL);
		for (unsigned k = 0; k < rc->n_sms; k++)
			log_sms(log_c, &len_c, &rc->sms[k]);
		memcpy(copy, f->b, f->len);
		if (rc->sctp_ok && !rc->ip_reassembled) {
			copy[rc->l4_off + 8] ^= 0x01;	/* the CRC32c field (RFC 9260 §3.1) */
			corrupted++;
		}
		pre.err = l2l3_decode(copy, f->len, linktype, &pre.v);
		(void)sf_pipeline_decode_l3(a, copy, f->len, linktype, &pre, i + 1, 0, NULL);
		pre.sctp_csum_good = 1;
		rb = sf_pipeline_decode_l3(b, copy, f->len, linktype, &pre, i + 1, 0, NULL);
		for (unsigned k = 0; k < rb->n_sms; k++)
			log_sms(log_b, &len_b, &rb->sms[k]);
	}
	CHECK(corrupted > 100);
	CHECK_INT(sf_pipeline_stats(c)->bad_checksum, 0);
	CHECK_INT(sf_pipeline_stats(a)->bad_checksum, corrupted);
	CHECK_INT(sf_pipeline_stats(a)->sms_parts, 0);
	CHECK_INT(sf_pipeline_stats(a)->nic_checksum, 0);
	CHECK_INT(sf_pipeline_stats(b)->bad_checksum, 0);
	CHECK_INT(sf_pipeline_stats(b)->nic_checksum, sf_pipeline_stats(c)->sctp_packets);
	CHECK_INT(sf_pipeline_stats(b)->sms_parts, sf_pipeline_stats(c)->sms_parts);
	CHECK(sf_pipeline_stats(c)->sms_parts > 100);
	CHECK_INT(len_b, len_c);
	CHECK(memcmp(log_b, log_c, len_c) == 0);
	sf_pipeline_destroy(a);
	sf_pipeline_destroy(b);
	sf_pipeline_destroy(c);
}

static void test_flow_hash_keeps_fragments_with_their_association(void)
{
	static struct frame f1, f2, rev;
	unsigned split = 0;

	for (size_t i = 0; i < n_frames; i++) {
		const struct frame *f = &frames[i];
		uint32_t h = sf_flow_hash(f->b, f->len, linktype);
		struct l2l3_view v;
		size_t l3;

		if (!ipv4_split(f, 16, &f1, &f2))
			continue;
		split++;
		CHECK(h != 0);
		/* the second fragment has no SCTP header: same worker still */
		CHECK_INT(sf_flow_hash(f1.b, f1.len, linktype), h);
		CHECK_INT(sf_flow_hash(f2.b, f2.len, linktype), h);
		/* the other direction of the association too */
		CHECK(l2l3_decode(f->b, f->len, linktype, &v) == SF_OK);
		l3 = (size_t)(v.l3.p - f->b);
		rev = *f;
		memcpy(rev.b + l3 + 12, f->b + l3 + 16, 4);
		memcpy(rev.b + l3 + 16, f->b + l3 + 12, 4);
		CHECK_INT(sf_flow_hash(rev.b, rev.len, linktype), h);
	}
	CHECK(split > 100);
}

/* ---- a packet with more parts than the record holds ---- */

static unsigned flushed_parts, flush_calls;

static void count_flush(void *ctx, const struct sf_pkt_rec *r)
{
	(void)ctx;
	flush_calls++;
	CHECK_INT(r->n_sms, SF_PKT_SMS_MAX);	/* handed on only when full */
	flushed_parts += r->n_sms;
}

static void test_record_flushes_when_full(void)
{
	struct sf_pipeline_config c;
	struct sf_pipeline *pl, *p2;
	const struct sf_pkt_rec *r = NULL;
	static uint8_t big[65536];
	const struct frame *f = NULL;
	struct sf_pipeline_flush fl = { NULL, count_flush };
	size_t i, off, clen, pad, hdr;
	unsigned copies = SF_PKT_SMS_MAX + 9;

	sf_pipeline_config_default(&c);
	c.verify_checksum = 0;
	pl = sf_pipeline_create(&c);
	CHECK(pl != NULL);
	if (!pl)
		return;
	/* the first IPv4 frame whose one unfragmented DATA chunk carries one
	 * SMS part */
	for (i = 0; i < n_frames; i++) {
		r = sf_pipeline_decode(pl, frames[i].b, frames[i].len, linktype, i + 1, 0, NULL);
		if (r->sctp_ok && r->ip_version == 4 && r->n_chunks == 1 && r->n_sms == 1 &&
		    (r->chunk[0].flags & 3) == 3) {	/* B and E: unfragmented */
			f = &frames[i];
			break;
		}
	}
	CHECK(f != NULL);
	if (!f)
		goto out;
	/* the same frame with the chunk repeated under new TSNs */
	hdr = r->l4_off + 12;
	clen = r->chunk[0].len;
	pad = (clen + 3) & ~(size_t)3;
	memcpy(big, f->b, hdr);
	off = hdr;
	for (unsigned k = 0; k < copies; k++) {
		memcpy(big + off, f->b + r->l4_off + r->chunk[0].off, clen);
		memset(big + off + clen, 0, pad - clen);
		sf_wr32(big + off + 4, 0x70000000u + k);	/* TSN */
		off += pad;
	}
	sf_wr16(big + r->l3_off + 2, (uint16_t)(off - r->l3_off));	/* IPv4 total length */
	p2 = sf_pipeline_create(&c);
	CHECK(p2 != NULL);
	if (!p2)
		goto out;
	r = sf_pipeline_decode(p2, big, off, linktype, 1, 0, &fl);
	CHECK_INT(flush_calls, 1);
	CHECK_INT(flushed_parts, SF_PKT_SMS_MAX);
	CHECK_INT(r->n_sms, copies - SF_PKT_SMS_MAX);
	CHECK_INT(r->n_flushed, SF_PKT_SMS_MAX);
	CHECK_INT(r->n_chunks, copies);
	CHECK_INT(r->sms[0].tsn, 0x70000000u + SF_PKT_SMS_MAX);
	CHECK_INT(r->sms[0].chunk_index, SF_PKT_SMS_MAX);
	/* without a flush hook the rest is dropped and counted */
	sf_pipeline_destroy(p2);
	p2 = sf_pipeline_create(&c);
	r = sf_pipeline_decode(p2, big, off, linktype, 1, 0, NULL);
	CHECK_INT(r->n_sms, SF_PKT_SMS_MAX);
	CHECK_INT(sf_pipeline_stats(p2)->err.n[-(int)SF_E_FLOW_PKT_RECORD_FULL - 1], copies - SF_PKT_SMS_MAX);
	sf_pipeline_destroy(p2);
out:
	sf_pipeline_destroy(pl);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_pkt_rec CAPTURE\n");
		return 2;
	}
	cap_path = argv[1];
	load_frames(cap_path);
	RUN(test_record_matches_callbacks);
	RUN(test_record_from_pre_decoded_l3);
	RUN(test_nic_verified_checksum);
	RUN(test_flow_hash_keeps_fragments_with_their_association);
	RUN(test_record_flushes_when_full);
	return TEST_SUMMARY();
}
