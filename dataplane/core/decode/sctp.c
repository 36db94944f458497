/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP packet decoder: common header and chunk walk (RFC 9260 §3, §3.2),
 * DATA (§3.3.1), SACK (§3.3.4), INIT/INIT-ACK (§3.3.2-3), I-DATA
 * (RFC 8260 §2.1), FORWARD-TSN (RFC 3758 §3.2); CRC32c per §6.8. */
#include "decode/sctp.h"

#include <string.h>

#include "sf_crc32c.h"

#define SACK_FIXED_LEN	16	/* header + cum TSN, a_rwnd, #gaps, #dups */
#define INIT_FIXED_LEN	20	/* header + tag, a_rwnd, OS, MIS, initial TSN */
#define FWD_TSN_FIXED_LEN 8	/* header + new cumulative TSN */

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

enum sf_err sctp_decode(const uint8_t *p, size_t len, struct sctp_view *out)
{
	memset(out, 0, sizeof(*out));
	/* RFC 9260 §3.1: 12-byte common header */
	if (!sf_has(len, 0, SF_SCTP_COMMON_HDR_LEN))
		return SF_E_TRUNCATED;
	out->sport = sf_rd16(p);
	out->dport = sf_rd16(p + 2);
	out->vtag = sf_rd32(p + 4);
	out->checksum = sf_rd32(p + 8);
	out->chunks = sf_bytes_make(p + SF_SCTP_COMMON_HDR_LEN,
				    len - SF_SCTP_COMMON_HDR_LEN);
	/* RFC 9260 §3.1: port number 0 MUST NOT be used */
	if (out->sport == 0 || out->dport == 0)
		return SF_E_SCTP_PORT_ZERO;
	/* RFC 9260 §3: the common header is followed by one or more chunks */
	if (out->chunks.len == 0)
		return SF_E_SCTP_NO_CHUNKS;
	return SF_OK;
}

int sctp_checksum_ok(const uint8_t *p, size_t len)
{
	uint32_t want;

	if (!sf_has(len, 0, SF_SCTP_COMMON_HDR_LEN))
		return 0;
	/* RFC 9260 §6.8 / Appendix A: the CRC goes on the wire least
	 * significant byte first */
	want = sf_sctp_checksum(p, len);
	return p[8] == (uint8_t)want && p[9] == (uint8_t)(want >> 8) &&
	       p[10] == (uint8_t)(want >> 16) && p[11] == (uint8_t)(want >> 24);
}

void sctp_chunk_iter_init(struct sctp_chunk_iter *it, const struct sctp_view *v)
{
	it->buf = v->chunks;
	it->off = 0;
}

int sctp_chunk_next(struct sctp_chunk_iter *it, struct sctp_chunk *out)
{
	const uint8_t *p = it->buf.p;
	size_t len = it->buf.len, off = it->off, clen;

	if (off >= len)
		return 0;
	/* RFC 9260 §3.2: Type(1) Flags(1) Length(2) */
	if (!sf_has(len, off, SF_SCTP_CHUNK_HDR_LEN))
		return SF_E_TRUNCATED;
	clen = sf_rd16(p + off + 2);
	/* RFC 9260 §3.2: Chunk Length counts the 4-byte header; a smaller
	 * value would never advance the walk */
	if (clen < SF_SCTP_CHUNK_HDR_LEN)
		return SF_E_SCTP_CHUNK_LEN_SHORT;
	if (!sf_has(len, off, clen))
		return SF_E_SCTP_CHUNK_LEN_OVERFLOW;
	/* RFC 9260 §3.2: chunks are padded to 4 bytes, padding not counted;
	 * tolerated missing only after the last chunk of the packet */
	if (!sf_has(len, off, pad4(clen)) && len - off != clen)
		return SF_E_SCTP_CHUNK_PADDING;
	out->type = p[off];
	out->flags = p[off + 1];
	out->len = (uint16_t)clen;
	out->value = sf_bytes_make(p + off + SF_SCTP_CHUNK_HDR_LEN,
				   clen - SF_SCTP_CHUNK_HDR_LEN);
	out->offset = SF_SCTP_COMMON_HDR_LEN + off;
	it->off = sf_has(len, off, pad4(clen)) ? off + pad4(clen) : len;
	return 1;
}

void sctp_walk(struct sctp_walk *w, const struct sctp_view *v)
{
	struct sctp_chunk_iter it;
	struct sctp_chunk c;
	int r;

	sctp_chunk_iter_init(&it, v);
	w->n = 0;
	w->resume = 0;
	while (w->n < SCTP_WALK_MAX && (r = sctp_chunk_next(&it, &c)) == 1) {
		struct sctp_walk_hdr *h = &w->h[w->n++];

		h->off = (uint32_t)c.offset;
		h->len = c.len;
		h->type = c.type;
		h->flags = c.flags;
	}
	w->resume = it.off;
	if (w->n < SCTP_WALK_MAX)
		w->end = r;
	else
		w->end = it.off < it.buf.len ? 1 : 0;
}

void sctp_walk_iter_init(struct sctp_walk_iter *it, const struct sctp_walk *w,
			 const uint8_t *pkt, size_t len)
{
	it->w = w;
	it->pkt = pkt;
	it->len = len;
	it->i = 0;
	it->tail.buf = sf_bytes_make(pkt + SF_SCTP_COMMON_HDR_LEN, len - SF_SCTP_COMMON_HDR_LEN);
	it->tail.off = w->resume;
}

int sctp_walk_next(struct sctp_walk_iter *it, struct sctp_chunk *out)
{
	const struct sctp_walk *w = it->w;

	if (it->i < w->n) {
		const struct sctp_walk_hdr *h = &w->h[it->i++];

		out->type = h->type;
		out->flags = h->flags;
		out->len = h->len;
		out->offset = h->off;
		out->value = sf_bytes_make(it->pkt + h->off + SF_SCTP_CHUNK_HDR_LEN,
					   h->len - SF_SCTP_CHUNK_HDR_LEN);
		return 1;
	}
	if (w->end <= 0)
		return w->end;
	return sctp_chunk_next(&it->tail, out);
}

int sctp_chunk_type_known(uint8_t type)
{
	switch (type) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:	/* DATA .. SHUTDOWN */
	case 8: case 9: case 10: case 11: case 12: case 13: case 14:	/* .. SHUTDOWN COMPLETE */
	case 15:	/* AUTH */
	case 64:	/* I-DATA */
	case 128:	/* ASCONF-ACK */
	case 130:	/* RE-CONFIG */
	case 132:	/* PAD */
	case 192:	/* FORWARD-TSN */
	case 193:	/* ASCONF */
	case 194:	/* I-FORWARD-TSN */
		return 1;
	default:
		return 0;
	}
}

enum sf_err sctp_data_decode(const struct sctp_chunk *c, struct sctp_data_view *out)
{
	const uint8_t *v = c->value.p;

	memset(out, 0, sizeof(*out));
	if (c->type != SF_SCTP_DATA)
		return SF_E_SCTP_WRONG_CHUNK;
	/* RFC 9260 §3.3.1: TSN(4) SID(2) SSN(2) PPID(4) then user data */
	if (!sf_has(c->value.len, 0, SF_SCTP_DATA_HDR_LEN - SF_SCTP_CHUNK_HDR_LEN))
		return SF_E_SCTP_DATA_LEN;
	out->type = c->type;
	out->flags = c->flags;
	out->tsn = sf_rd32(v);
	out->sid = sf_rd16(v + 4);
	out->ssn = sf_rd16(v + 6);
	out->ppid = sf_rd32(v + 8);
	out->payload = sf_bytes_make(v + 12, c->value.len - 12);
	/* RFC 9260 §3.3.1: a DATA chunk with no user data is a protocol
	 * violation (the receiver aborts with "No User Data") */
	if (out->payload.len == 0)
		return SF_E_SCTP_DATA_NO_USER_DATA;
	return SF_OK;
}

enum sf_err sctp_idata_decode(const struct sctp_chunk *c, struct sctp_data_view *out)
{
	const uint8_t *v = c->value.p;
	uint32_t ppid_fsn;

	memset(out, 0, sizeof(*out));
	if (c->type != SF_SCTP_I_DATA)
		return SF_E_SCTP_WRONG_CHUNK;
	/* RFC 8260 §2.1: TSN(4) SID(2) Reserved(2) MID(4) PPID/FSN(4) */
	if (!sf_has(c->value.len, 0, SF_SCTP_IDATA_HDR_LEN - SF_SCTP_CHUNK_HDR_LEN))
		return SF_E_SCTP_DATA_LEN;
	out->type = c->type;
	out->flags = c->flags;
	out->tsn = sf_rd32(v);
	out->sid = sf_rd16(v + 4);
	out->mid = sf_rd32(v + 8);
	ppid_fsn = sf_rd32(v + 12);
	/* RFC 8260 §2.1: the field is the PPID when B is set (the FSN of a
	 * first fragment is 0), the FSN otherwise */
	if (c->flags & SF_SCTP_DATA_FLAG_B)
		out->ppid = ppid_fsn;
	else
		out->fsn = ppid_fsn;
	out->payload = sf_bytes_make(v + 16, c->value.len - 16);
	/* RFC 8260 §2.1: user data as for DATA, never empty */
	if (out->payload.len == 0)
		return SF_E_SCTP_DATA_NO_USER_DATA;
	return SF_OK;
}

enum sf_err sctp_sack_decode(const struct sctp_chunk *c, struct sctp_sack_view *out)
{
	const uint8_t *v = c->value.p;
	size_t need;

	memset(out, 0, sizeof(*out));
	if (c->type != SF_SCTP_SACK)
		return SF_E_SCTP_WRONG_CHUNK;
	/* RFC 9260 §3.3.4: cum TSN(4) a_rwnd(4) #gap blocks(2) #dup TSNs(2) */
	if (!sf_has(c->value.len, 0, SACK_FIXED_LEN - SF_SCTP_CHUNK_HDR_LEN))
		return SF_E_SCTP_SACK_LEN;
	out->cum_tsn = sf_rd32(v);
	out->a_rwnd = sf_rd32(v + 4);
	out->n_gaps = sf_rd16(v + 8);
	out->n_dups = sf_rd16(v + 10);
	/* RFC 9260 §3.3.4: then the gap blocks (4 bytes each) and the
	 * duplicate TSNs (4 bytes each), exactly filling the chunk */
	need = 12 + 4 * (size_t)out->n_gaps + 4 * (size_t)out->n_dups;
	if (c->value.len != need) {
		out->n_gaps = out->n_dups = 0;
		return SF_E_SCTP_SACK_LEN;
	}
	out->gaps = sf_bytes_make(v + 12, 4 * (size_t)out->n_gaps);
	out->dups = sf_bytes_make(v + 12 + out->gaps.len, 4 * (size_t)out->n_dups);
	return SF_OK;
}

int sctp_sack_gap(const struct sctp_sack_view *s, unsigned i, uint16_t *start, uint16_t *end)
{
	if (i >= s->n_gaps || !sf_has(s->gaps.len, (size_t)i * 4, 4))
		return 0;
	*start = sf_rd16(s->gaps.p + (size_t)i * 4);
	*end = sf_rd16(s->gaps.p + (size_t)i * 4 + 2);
	return 1;
}

int sctp_sack_dup(const struct sctp_sack_view *s, unsigned i, uint32_t *tsn)
{
	if (i >= s->n_dups || !sf_has(s->dups.len, (size_t)i * 4, 4))
		return 0;
	*tsn = sf_rd32(s->dups.p + (size_t)i * 4);
	return 1;
}

enum sf_err sctp_init_decode(const struct sctp_chunk *c, struct sctp_init_view *out)
{
	const uint8_t *v = c->value.p;

	memset(out, 0, sizeof(*out));
	if (c->type != SF_SCTP_INIT && c->type != SF_SCTP_INIT_ACK)
		return SF_E_SCTP_WRONG_CHUNK;
	/* RFC 9260 §3.3.2: Initiate Tag(4) a_rwnd(4) OS(2) MIS(2) Initial TSN(4) */
	if (!sf_has(c->value.len, 0, INIT_FIXED_LEN - SF_SCTP_CHUNK_HDR_LEN))
		return SF_E_SCTP_INIT_LEN;
	out->initiate_tag = sf_rd32(v);
	out->a_rwnd = sf_rd32(v + 4);
	out->n_out_streams = sf_rd16(v + 8);
	out->n_in_streams = sf_rd16(v + 10);
	out->initial_tsn = sf_rd32(v + 12);
	out->params = sf_bytes_make(v + 16, c->value.len - 16);
	/* RFC 9260 §3.3.2/§3.3.3: the Initiate Tag MUST NOT be 0 */
	if (out->initiate_tag == 0)
		return SF_E_SCTP_INIT_TAG_ZERO;
	/* RFC 9260 §3.3.2: OS and MIS MUST NOT be 0 */
	if (out->n_out_streams == 0 || out->n_in_streams == 0)
		return SF_E_SCTP_INIT_STREAMS_ZERO;
	return SF_OK;
}

enum sf_err sctp_fwd_tsn_decode(const struct sctp_chunk *c, struct sctp_fwd_tsn_view *out)
{
	const uint8_t *v = c->value.p;
	size_t rest;

	memset(out, 0, sizeof(*out));
	if (c->type != SF_SCTP_FORWARD_TSN)
		return SF_E_SCTP_WRONG_CHUNK;
	/* RFC 3758 §3.2: New Cumulative TSN(4), then Stream(2) Sequence(2) pairs */
	if (!sf_has(c->value.len, 0, FWD_TSN_FIXED_LEN - SF_SCTP_CHUNK_HDR_LEN))
		return SF_E_SCTP_FWD_TSN_LEN;
	rest = c->value.len - 4;
	if (rest % 4 != 0 || rest / 4 > UINT16_MAX)
		return SF_E_SCTP_FWD_TSN_LEN;
	out->new_cum_tsn = sf_rd32(v);
	out->n_streams = (uint16_t)(rest / 4);
	out->streams = sf_bytes_make(v + 4, rest);
	return SF_OK;
}

int sctp_fwd_tsn_stream(const struct sctp_fwd_tsn_view *f, unsigned i, uint16_t *sid, uint16_t *ssn)
{
	if (i >= f->n_streams || !sf_has(f->streams.len, (size_t)i * 4, 4))
		return 0;
	*sid = sf_rd16(f->streams.p + (size_t)i * 4);
	*ssn = sf_rd16(f->streams.p + (size_t)i * 4 + 2);
	return 1;
}

enum sf_err sctp_ifwd_tsn_decode(const struct sctp_chunk *c, struct sctp_ifwd_tsn_view *out)
{
	const uint8_t *v = c->value.p;
	size_t rest;

	memset(out, 0, sizeof(*out));
	if (c->type != SF_SCTP_I_FORWARD_TSN)
		return SF_E_SCTP_WRONG_CHUNK;
	/* RFC 8260 §2.3.1: New Cumulative TSN(4), then 8-byte entries */
	if (!sf_has(c->value.len, 0, FWD_TSN_FIXED_LEN - SF_SCTP_CHUNK_HDR_LEN))
		return SF_E_SCTP_FWD_TSN_LEN;
	rest = c->value.len - 4;
	if (rest % 8 != 0)
		return SF_E_SCTP_FWD_TSN_LEN;
	out->new_cum_tsn = sf_rd32(v);
	out->n_streams = (uint16_t)(rest / 8);
	out->streams = sf_bytes_make(v + 4, rest);
	return SF_OK;
}

int sctp_ifwd_tsn_stream(const struct sctp_ifwd_tsn_view *f, unsigned i, uint16_t *sid,
			 uint8_t *unordered, uint32_t *mid)
{
	const uint8_t *e;

	if (i >= f->n_streams || !sf_has(f->streams.len, (size_t)i * 8, 8))
		return 0;
	e = f->streams.p + (size_t)i * 8;
	*sid = sf_rd16(e);
	/* RFC 8260 §2.3.1: 15 reserved bits, then U */
	*unordered = e[3] & 1;
	*mid = sf_rd32(e + 4);
	return 1;
}
