/* SPDX-License-Identifier: BSD-3-Clause */
/* The lower layers of the per-packet record (flow/pipeline.h): L2/L3,
 * the SCTP common header, its CRC32c and the chunk walk. The pipeline
 * fills them with these functions (with IP reassembly between the two
 * steps); sf_pkt_rec_frame does both steps for a frame without IP
 * fragments, for the tools and tests that read a record without a
 * pipeline (enforcement's unit tests and fuzzer). */
#include <string.h>

#include "decode/l2l3.h"
#include "flow/pipeline.h"

enum sf_err sf_pkt_rec_l3(struct sf_pkt_rec *rec, const uint8_t *p, size_t len, int linktype,
			  struct l2l3_view *l3)
{
	enum sf_err e = l2l3_decode(p, len, linktype, l3);

	if (e)
		return e;
	sf_pkt_rec_l3_view(rec, p, l3);
	return SF_OK;
}

void sf_pkt_rec_l3_view(struct sf_pkt_rec *rec, const uint8_t *p, const struct l2l3_view *l3)
{
	rec->l3_ok = 1;
	rec->ip_version = l3->ip_version;
	rec->l4_proto = l3->l4_proto;
	memcpy(rec->src, l3->src, 16);
	memcpy(rec->dst, l3->dst, 16);
	rec->l3_off = (uint32_t)(l3->l3.p - p);
	if (!l3->is_fragment)
		rec->l4_off = (uint32_t)(l3->l4.p - p);
}

int sf_pkt_rec_sctp(struct sf_pkt_rec *rec, struct sf_bytes l4, int verify_checksum,
		    struct sctp_view *sv)
{
	enum sf_err e;

	rec->l4_len = (uint32_t)l4.len;
	e = sctp_decode(l4.p, l4.len, sv);
	if (e)
		return e;
	if (verify_checksum) {
		if (!sctp_checksum_ok(l4.p, l4.len))
			return SF_PKT_REC_BAD_CHECKSUM;
		rec->crc_ok = 1;
	}
	rec->sctp_ok = 1;
	rec->sport = sv->sport;
	rec->dport = sv->dport;
	rec->vtag = sv->vtag;
	sctp_walk(&rec->walk, sv);
	return SF_OK;
}

void sf_pkt_rec_reset(struct sf_pkt_rec *rec, uint64_t frame, uint64_t ts_ns)
{
	/* the arrays are valid up to their counts: only the header fields */
	memset(rec, 0, offsetof(struct sf_pkt_rec, chunk));
	rec->frame = frame;
	rec->ts_ns = ts_ns;
}

int sf_pkt_rec_frame(struct sf_pkt_rec *rec, const uint8_t *p, size_t len, int linktype)
{
	struct l2l3_view l3;
	struct sctp_view sv;

	sf_pkt_rec_reset(rec, 0, 0);
	if (sf_pkt_rec_l3(rec, p, len, linktype, &l3) != SF_OK ||
	    l3.l4_proto != SF_IPPROTO_SCTP || l3.is_fragment)
		return 0;
	return sf_pkt_rec_sctp(rec, l3.l4, 1, &sv) == SF_OK;
}
