/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP decoding against RFC 9260 / RFC 8260 / RFC 3758 layouts: common
 * header and CRC32c (vectors verified with tshark -o sctp.checksum:CRC-32C),
 * bundling, DATA flags, every chunk view, and the named error of each
 * malformed length. */
#include "decode/sctp.h"
#include "sf_test.h"

/* M3UA BEAT_ACK in one DATA chunk (timkam_test_special.pcap frame 1,
 * checksum "Good" in tshark). */
static const uint8_t beat_ack[] = {
	0x0b, 0x59, 0x88, 0xc3,	/* ports 2905 -> 35011 */
	0xa8, 0x52, 0xf5, 0xe3,	/* verification tag */
	0x47, 0x56, 0x67, 0x91,	/* CRC32c, as tshark shows it: 0x47566791 */
	0x00, 0x03, 0x00, 0x18,	/* DATA, flags B|E, length 24 */
	0x00, 0x9b, 0x83, 0xad,	/* TSN 10191789 */
	0x00, 0x00, 0x00, 0xc8,	/* SID 0, SSN 200 */
	0x00, 0x00, 0x00, 0x03,	/* PPID 3 (M3UA) */
	0x01, 0x00, 0x03, 0x06,	/* M3UA v1, class ASPSM, BEAT_ACK */
	0x00, 0x00, 0x00, 0x08,	/* message length 8 */
};

/* Built from RFC 9260 §3.3.4 + §3.3.1, checksum confirmed by tshark. */
static const uint8_t sack_data[] = {
	0x0b, 0x59, 0x0b, 0x59,	/* ports 2905 -> 2905 */
	0x12, 0x34, 0x56, 0x78,	/* verification tag */
	0x24, 0x51, 0x99, 0x54,	/* CRC32c (tshark: 0x24519954, Good) */
	0x03, 0x00, 0x00, 0x18,	/* SACK, length 24 */
	0x00, 0x00, 0x10, 0x00,	/* cumulative TSN ack 0x1000 */
	0x00, 0x00, 0xff, 0xff,	/* a_rwnd 65535 */
	0x00, 0x01, 0x00, 0x01,	/* 1 gap block, 1 duplicate TSN */
	0x00, 0x02, 0x00, 0x03,	/* gap block: start 2, end 3 */
	0x00, 0x00, 0x0f, 0xff,	/* duplicate TSN 0xfff */
	0x00, 0x03, 0x00, 0x40,	/* DATA, B|E, length 64 */
	0x00, 0x00, 0x10, 0x01,	/* TSN 0x1001 */
	0x00, 0x01, 0x00, 0x07,	/* SID 1, SSN 7 */
	0x00, 0x00, 0x00, 0x03,	/* PPID 3 */
	0x01, 0x00, 0x01, 0x01,	/* M3UA v1, XFER DATA */
	0x00, 0x00, 0x00, 0x30,	/* message length 48 */
	0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x65, /* Routing Context 101 */
	0x02, 0x10, 0x00, 0x1f,	/* Protocol Data, length 31 */
	0x00, 0x00, 0x08, 0x17,	/* OPC 2071 */
	0x00, 0x00, 0x07, 0xa9,	/* DPC 1961 */
	0x03, 0x02, 0x00, 0x05,	/* SI 3, NI 2, MP 0, SLS 5 */
	0x09, 0x80, 0x03, 0x05, 0x07, 0x02, 0x42, 0x08, /* SCCP UDT ... */
	0x02, 0x42, 0x08, 0x03, 0xaa, 0xbb, 0xcc,
	0x00,			/* parameter padding */
};

/* Walk a buffer holding bare chunks (no common header). */
static int chunk_at(const uint8_t *p, size_t len, struct sctp_chunk *c)
{
	struct sctp_chunk_iter it = { { p, len }, 0 };

	return sctp_chunk_next(&it, c);
}

static void known_good_checksum(void)
{
	uint8_t bad[sizeof beat_ack];
	struct sctp_view v;
	struct sctp_chunk_iter it;
	struct sctp_chunk c;
	struct sctp_data_view d;

	CHECK_INT(sctp_decode(beat_ack, sizeof beat_ack, &v), SF_OK);
	CHECK_INT(v.sport, 2905);
	CHECK_INT(v.dport, 35011);
	CHECK_INT(v.vtag, 0xa852f5e3u);
	CHECK_INT(v.checksum, 0x47566791u);
	CHECK_INT(v.chunks.len, 24);
	CHECK_INT(sctp_checksum_ok(beat_ack, sizeof beat_ack), 1);
	memcpy(bad, beat_ack, sizeof bad);
	bad[35] ^= 0x01;
	CHECK_INT(sctp_checksum_ok(bad, sizeof bad), 0);
	CHECK_INT(sctp_checksum_ok(beat_ack, sizeof beat_ack - 1), 0);
	CHECK_INT(sctp_checksum_ok(beat_ack, 11), 0);

	sctp_chunk_iter_init(&it, &v);
	CHECK_INT(sctp_chunk_next(&it, &c), 1);
	CHECK_INT(c.type, SF_SCTP_DATA);
	CHECK_INT(c.flags, 0x03);
	CHECK_INT(c.len, 24);
	CHECK_INT(c.offset, 12);
	CHECK_INT(c.value.len, 20);
	CHECK_INT(sctp_data_decode(&c, &d), SF_OK);
	CHECK_INT(d.tsn, 10191789);
	CHECK_INT(d.sid, 0);
	CHECK_INT(d.ssn, 200);
	CHECK_INT(d.ppid, SF_SCTP_PPID_M3UA);
	CHECK_INT(d.payload.len, 8);
	CHECK(d.payload.p == beat_ack + 28);
	CHECK_INT(sctp_chunk_next(&it, &c), 0);
	CHECK_INT(sctp_chunk_next(&it, &c), 0);
}

static void bundled_sack_data(void)
{
	struct sctp_view v;
	struct sctp_chunk_iter it;
	struct sctp_chunk c;
	struct sctp_sack_view s;
	struct sctp_data_view d;
	uint16_t gs, ge;
	uint32_t dup;

	CHECK_INT(sctp_decode(sack_data, sizeof sack_data, &v), SF_OK);
	CHECK_INT(v.vtag, 0x12345678);
	CHECK_INT(v.checksum, 0x24519954u);
	CHECK_INT(sctp_checksum_ok(sack_data, sizeof sack_data), 1);
	sctp_chunk_iter_init(&it, &v);
	CHECK_INT(sctp_chunk_next(&it, &c), 1);
	CHECK_INT(c.type, SF_SCTP_SACK);
	CHECK_INT(c.offset, 12);
	CHECK_INT(sctp_sack_decode(&c, &s), SF_OK);
	CHECK_INT(s.cum_tsn, 0x1000);
	CHECK_INT(s.a_rwnd, 65535);
	CHECK_INT(s.n_gaps, 1);
	CHECK_INT(s.n_dups, 1);
	CHECK_INT(sctp_sack_gap(&s, 0, &gs, &ge), 1);
	CHECK_INT(gs, 2);
	CHECK_INT(ge, 3);
	CHECK_INT(sctp_sack_gap(&s, 1, &gs, &ge), 0);
	CHECK_INT(sctp_sack_dup(&s, 0, &dup), 1);
	CHECK_INT(dup, 0xfff);
	CHECK_INT(sctp_sack_dup(&s, 1, &dup), 0);
	CHECK_INT(sctp_data_decode(&c, &d), SF_E_SCTP_WRONG_CHUNK);

	CHECK_INT(sctp_chunk_next(&it, &c), 1);
	CHECK_INT(c.type, SF_SCTP_DATA);
	CHECK_INT(c.offset, 36);
	CHECK_INT(c.len, 64);
	CHECK_INT(sctp_data_decode(&c, &d), SF_OK);
	CHECK_INT(d.type, SF_SCTP_DATA);
	CHECK_INT(d.tsn, 0x1001);
	CHECK_INT(d.sid, 1);
	CHECK_INT(d.ssn, 7);
	CHECK_INT(d.ppid, 3);
	CHECK_INT(d.flags, SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E);
	CHECK_INT(d.payload.len, 48);
	CHECK(d.payload.p == sack_data + 52);
	CHECK_INT(sctp_sack_decode(&c, &s), SF_E_SCTP_WRONG_CHUNK);
	CHECK_INT(sctp_chunk_next(&it, &c), 0);
}

static void data_flags(void)
{
	uint8_t ch[] = {
		0x00, 0x00, 0x00, 0x11,	/* DATA, flags set below, length 17 */
		0xff, 0xff, 0xff, 0xfe,	/* TSN 2^32 - 2 */
		0xff, 0xff, 0x00, 0x00,	/* SID 65535, SSN 0 */
		0x00, 0x00, 0x00, 0x2e,	/* PPID 46 */
		0x5a,			/* 1 byte of user data */
		0x00, 0x00, 0x00,	/* padding */
	};
	static const uint8_t flags[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x07, 0x0b, 0xf3 };
	struct sctp_chunk c;
	struct sctp_data_view d;

	for (size_t i = 0; i < sizeof flags; i++) {
		ch[1] = flags[i];
		CHECK_INT(chunk_at(ch, sizeof ch, &c), 1);
		CHECK_INT(c.len, 17);
		CHECK_INT(c.value.len, 13);
		CHECK_INT(sctp_data_decode(&c, &d), SF_OK);
		CHECK_INT(d.flags, flags[i]);
		CHECK_INT(d.tsn, 0xfffffffeu);
		CHECK_INT(d.sid, 65535);
		CHECK_INT(d.ppid, 46);
		CHECK_INT(d.payload.len, 1);
		CHECK_INT(d.payload.p[0], 0x5a);
	}
	CHECK_INT(!!(d.flags & SF_SCTP_DATA_FLAG_B), 1);	/* 0xf3: reserved bits kept */
	CHECK_INT(!!(d.flags & SF_SCTP_DATA_FLAG_U), 0);
	CHECK_INT(!!(d.flags & SF_SCTP_DATA_FLAG_I), 0);

	/* RFC 9260 §3.3.1: no user data */
	ch[3] = 0x10;
	CHECK_INT(chunk_at(ch, 16, &c), 1);
	CHECK_INT(sctp_data_decode(&c, &d), SF_E_SCTP_DATA_NO_USER_DATA);
	CHECK_INT(d.tsn, 0xfffffffeu);
	ch[3] = 0x0c;			/* length 12: TSN..SSN only */
	CHECK_INT(chunk_at(ch, 12, &c), 1);
	CHECK_INT(sctp_data_decode(&c, &d), SF_E_SCTP_DATA_LEN);
}

static void chunk_length_errors(void)
{
	/* a chunk, then whatever the case puts after it */
	uint8_t p[12 + 8 + 8] = {
		0x0b, 0x59, 0x0b, 0x59, 0, 0, 0, 1, 0, 0, 0, 0,
		0x04, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00, 0x04,	/* HEARTBEAT, info param */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* zeros, as in a real capture */
	};
	struct sctp_view v;
	struct sctp_chunk_iter it;
	struct sctp_chunk c;

	CHECK_INT(sctp_decode(p, 11, &v), SF_E_TRUNCATED);
	CHECK_INT(sctp_decode(p, 12, &v), SF_E_SCTP_NO_CHUNKS);
	p[0] = p[1] = 0;
	CHECK_INT(sctp_decode(p, sizeof p, &v), SF_E_SCTP_PORT_ZERO);
	p[0] = 0x0b; p[1] = 0x59;

	/* zero-length chunk (trailing zeros): named error, never a loop */
	CHECK_INT(sctp_decode(p, sizeof p, &v), SF_OK);
	sctp_chunk_iter_init(&it, &v);
	CHECK_INT(sctp_chunk_next(&it, &c), 1);
	CHECK_INT(c.type, SF_SCTP_HEARTBEAT);
	CHECK_INT(sctp_chunk_next(&it, &c), SF_E_SCTP_CHUNK_LEN_SHORT);
	CHECK_INT(sctp_chunk_next(&it, &c), SF_E_SCTP_CHUNK_LEN_SHORT);
	/* length 3 */
	p[23] = 3;
	sctp_chunk_iter_init(&it, &v);
	CHECK_INT(sctp_chunk_next(&it, &c), 1);
	CHECK_INT(sctp_chunk_next(&it, &c), SF_E_SCTP_CHUNK_LEN_SHORT);
	/* oversized: 12 > the 8 bytes left */
	p[23] = 12;
	sctp_chunk_iter_init(&it, &v);
	CHECK_INT(sctp_chunk_next(&it, &c), 1);
	CHECK_INT(sctp_chunk_next(&it, &c), SF_E_SCTP_CHUNK_LEN_OVERFLOW);
	p[22] = 0xff;			/* 0xff0c */
	sctp_chunk_iter_init(&it, &v);
	CHECK_INT(sctp_chunk_next(&it, &c), 1);
	CHECK_INT(sctp_chunk_next(&it, &c), SF_E_SCTP_CHUNK_LEN_OVERFLOW);
	p[22] = 0;
	/* the last chunk may lack its padding: length 7 in the last 7 bytes */
	p[23] = 7;
	CHECK_INT(sctp_decode(p, sizeof p - 1, &v), SF_OK);
	sctp_chunk_iter_init(&it, &v);
	CHECK_INT(sctp_chunk_next(&it, &c), 1);
	CHECK_INT(sctp_chunk_next(&it, &c), 1);
	CHECK_INT(c.len, 7);
	CHECK_INT(c.value.len, 3);
	CHECK_INT(c.offset, 20);
	CHECK_INT(sctp_chunk_next(&it, &c), 0);
	/* ... but a chunk with padding cut short and more after it is not */
	p[23] = 5;
	CHECK_INT(sctp_decode(p, sizeof p - 1, &v), SF_OK);
	sctp_chunk_iter_init(&it, &v);
	CHECK_INT(sctp_chunk_next(&it, &c), 1);
	CHECK_INT(sctp_chunk_next(&it, &c), SF_E_SCTP_CHUNK_PADDING);
	/* 2 stray bytes after the last chunk */
	CHECK_INT(sctp_decode(p, 12 + 8 + 2, &v), SF_OK);
	sctp_chunk_iter_init(&it, &v);
	CHECK_INT(sctp_chunk_next(&it, &c), 1);
	CHECK_INT(sctp_chunk_next(&it, &c), SF_E_TRUNCATED);
}

static void idata(void)
{
	uint8_t ch[] = {
		0x40, 0x02, 0x00, 0x16,	/* I-DATA, B, length 22 */
		0x00, 0x00, 0x00, 0x64,	/* TSN 100 */
		0x00, 0x05, 0x00, 0x00,	/* SID 5, reserved */
		0x00, 0x00, 0x00, 0x09,	/* MID 9 */
		0x00, 0x00, 0x00, 0x03,	/* PPID 3 (B set) */
		0xaa, 0xbb,		/* user data */
		0x00, 0x00,		/* padding */
	};
	struct sctp_chunk c;
	struct sctp_data_view d;

	CHECK_INT(chunk_at(ch, sizeof ch, &c), 1);
	CHECK_INT(sctp_idata_decode(&c, &d), SF_OK);
	CHECK_INT(d.type, SF_SCTP_I_DATA);
	CHECK_INT(d.tsn, 100);
	CHECK_INT(d.sid, 5);
	CHECK_INT(d.mid, 9);
	CHECK_INT(d.ppid, 3);
	CHECK_INT(d.fsn, 0);
	CHECK_INT(d.payload.len, 2);
	CHECK_INT(sctp_data_decode(&c, &d), SF_E_SCTP_WRONG_CHUNK);
	ch[1] = 0x01;			/* E only: the field is the FSN */
	ch[19] = 0x04;
	CHECK_INT(chunk_at(ch, sizeof ch, &c), 1);
	CHECK_INT(sctp_idata_decode(&c, &d), SF_OK);
	CHECK_INT(d.fsn, 4);
	CHECK_INT(d.ppid, 0);
	ch[3] = 0x14;			/* no user data */
	CHECK_INT(chunk_at(ch, 20, &c), 1);
	CHECK_INT(sctp_idata_decode(&c, &d), SF_E_SCTP_DATA_NO_USER_DATA);
	ch[3] = 0x10;
	CHECK_INT(chunk_at(ch, 16, &c), 1);
	CHECK_INT(sctp_idata_decode(&c, &d), SF_E_SCTP_DATA_LEN);
}

static void sack_errors(void)
{
	uint8_t ch[] = {
		0x03, 0x00, 0x00, 0x14,	/* SACK, length 20 */
		0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x02, 0x00, 0x00,	/* 2 gap blocks, 0 dups ... */
		0x00, 0x01, 0x00, 0x01,	/* ... but room for 1 */
	};
	struct sctp_chunk c;
	struct sctp_sack_view s;

	CHECK_INT(chunk_at(ch, sizeof ch, &c), 1);
	CHECK_INT(sctp_sack_decode(&c, &s), SF_E_SCTP_SACK_LEN);
	CHECK_INT(s.n_gaps, 0);
	ch[13] = 0x01;
	CHECK_INT(chunk_at(ch, sizeof ch, &c), 1);
	CHECK_INT(sctp_sack_decode(&c, &s), SF_OK);
	CHECK_INT(s.n_gaps, 1);
	ch[15] = 0x01;			/* + 1 dup TSN that is not there */
	CHECK_INT(sctp_sack_decode(&c, &s), SF_E_SCTP_SACK_LEN);
	ch[3] = 0x0c;
	CHECK_INT(chunk_at(ch, 12, &c), 1);
	CHECK_INT(sctp_sack_decode(&c, &s), SF_E_SCTP_SACK_LEN);
}

static void init_chunks(void)
{
	uint8_t ch[] = {
		0x01, 0x00, 0x00, 0x1a,	/* INIT, length 26: the last parameter's
					 * padding is the chunk's (RFC 9260 §3.2) */
		0xde, 0xad, 0xbe, 0xef,	/* initiate tag */
		0x00, 0x01, 0x00, 0x00,	/* a_rwnd 65536 */
		0x00, 0x0a, 0xff, 0xff,	/* OS 10, MIS 65535 */
		0x00, 0x00, 0x00, 0x2a,	/* initial TSN 42 */
		0x00, 0x0c, 0x00, 0x06,	/* Supported Address Types, length 6 */
		0x00, 0x05, 0x00, 0x00,	/* IPv4, chunk padding */
	};
	struct sctp_chunk c;
	struct sctp_init_view iv;

	CHECK_INT(chunk_at(ch, sizeof ch, &c), 1);
	CHECK_INT(sctp_init_decode(&c, &iv), SF_OK);
	CHECK_INT(iv.initiate_tag, 0xdeadbeefu);
	CHECK_INT(iv.a_rwnd, 65536);
	CHECK_INT(iv.n_out_streams, 10);
	CHECK_INT(iv.n_in_streams, 65535);
	CHECK_INT(iv.initial_tsn, 42);
	CHECK_INT(c.len, 26);
	CHECK_INT(iv.params.len, 6);
	CHECK_INT(iv.params.p[1], 0x0c);
	ch[0] = SF_SCTP_INIT_ACK;
	CHECK_INT(chunk_at(ch, sizeof ch, &c), 1);
	CHECK_INT(sctp_init_decode(&c, &iv), SF_OK);
	ch[0] = SF_SCTP_COOKIE_ECHO;
	CHECK_INT(chunk_at(ch, sizeof ch, &c), 1);
	CHECK_INT(sctp_init_decode(&c, &iv), SF_E_SCTP_WRONG_CHUNK);
	ch[0] = SF_SCTP_INIT;
	ch[13] = 0x00;			/* OS 0 */
	CHECK_INT(chunk_at(ch, sizeof ch, &c), 1);
	CHECK_INT(sctp_init_decode(&c, &iv), SF_E_SCTP_INIT_STREAMS_ZERO);
	memset(ch + 4, 0, 4);		/* initiate tag 0 */
	CHECK_INT(chunk_at(ch, sizeof ch, &c), 1);
	CHECK_INT(sctp_init_decode(&c, &iv), SF_E_SCTP_INIT_TAG_ZERO);
	ch[3] = 0x10;
	CHECK_INT(chunk_at(ch, 16, &c), 1);
	CHECK_INT(sctp_init_decode(&c, &iv), SF_E_SCTP_INIT_LEN);
}

static void forward_tsn(void)
{
	uint8_t ch[] = {
		0xc0, 0x00, 0x00, 0x10,	/* FORWARD-TSN, length 16 */
		0x00, 0x00, 0x01, 0x00,	/* new cumulative TSN 256 */
		0x00, 0x01, 0x00, 0x05,	/* SID 1, SSN 5 */
		0x00, 0x02, 0x00, 0x09,	/* SID 2, SSN 9 */
	};
	struct sctp_chunk c;
	struct sctp_fwd_tsn_view f;
	uint16_t sid, ssn;

	CHECK_INT(chunk_at(ch, sizeof ch, &c), 1);
	CHECK_INT(sctp_fwd_tsn_decode(&c, &f), SF_OK);
	CHECK_INT(f.new_cum_tsn, 256);
	CHECK_INT(f.n_streams, 2);
	CHECK_INT(sctp_fwd_tsn_stream(&f, 1, &sid, &ssn), 1);
	CHECK_INT(sid, 2);
	CHECK_INT(ssn, 9);
	CHECK_INT(sctp_fwd_tsn_stream(&f, 2, &sid, &ssn), 0);
	ch[3] = 0x0e;			/* a half stream entry */
	CHECK_INT(chunk_at(ch, sizeof ch, &c), 1);
	CHECK_INT(sctp_fwd_tsn_decode(&c, &f), SF_E_SCTP_FWD_TSN_LEN);
	ch[3] = 0x04;
	CHECK_INT(chunk_at(ch, 4, &c), 1);
	CHECK_INT(sctp_fwd_tsn_decode(&c, &f), SF_E_SCTP_FWD_TSN_LEN);
	ch[3] = 0x08;			/* no stream entries */
	CHECK_INT(chunk_at(ch, 8, &c), 1);
	CHECK_INT(sctp_fwd_tsn_decode(&c, &f), SF_OK);
	CHECK_INT(f.n_streams, 0);
}

static void i_forward_tsn(void)
{
	uint8_t ch[] = {
		0xc2, 0x00, 0x00, 0x18,	/* I-FORWARD-TSN, length 24 */
		0x00, 0x00, 0x02, 0x00,	/* new cumulative TSN 512 */
		0x00, 0x03, 0x00, 0x01,	/* SID 3, reserved, U 1 */
		0x00, 0x00, 0x00, 0x07,	/* MID 7 */
		0x00, 0x04, 0x00, 0x00,	/* SID 4, ordered */
		0x00, 0x01, 0x00, 0x00,	/* MID 65536 */
	};
	struct sctp_chunk c;
	struct sctp_ifwd_tsn_view f;
	struct sctp_fwd_tsn_view ff;
	uint16_t sid;
	uint8_t u;
	uint32_t mid;

	CHECK_INT(chunk_at(ch, sizeof ch, &c), 1);
	CHECK_INT(sctp_ifwd_tsn_decode(&c, &f), SF_OK);
	CHECK_INT(f.new_cum_tsn, 512);
	CHECK_INT(f.n_streams, 2);
	CHECK_INT(sctp_ifwd_tsn_stream(&f, 0, &sid, &u, &mid), 1);
	CHECK_INT(sid, 3);
	CHECK_INT(u, 1);
	CHECK_INT(mid, 7);
	CHECK_INT(sctp_ifwd_tsn_stream(&f, 1, &sid, &u, &mid), 1);
	CHECK_INT(sid, 4);
	CHECK_INT(u, 0);
	CHECK_INT(mid, 65536);
	CHECK_INT(sctp_ifwd_tsn_stream(&f, 2, &sid, &u, &mid), 0);
	ch[3] = 0x14;			/* half an entry */
	CHECK_INT(chunk_at(ch, 20, &c), 1);
	CHECK_INT(sctp_ifwd_tsn_decode(&c, &f), SF_E_SCTP_FWD_TSN_LEN);
	CHECK_INT(sctp_fwd_tsn_decode(&c, &ff), SF_E_SCTP_WRONG_CHUNK);
}

static void error_names(void)
{
	CHECK_STR(sf_err_name(SF_E_SCTP_CHUNK_LEN_SHORT), "sctp.chunk_len_too_short");
	CHECK_STR(sf_err_name(SF_E_SCTP_REASM_DUPLICATE), "sctp.reasm_duplicate");
}

int main(void)
{
	RUN(known_good_checksum);
	RUN(bundled_sack_data);
	RUN(data_flags);
	RUN(chunk_length_errors);
	RUN(idata);
	RUN(sack_errors);
	RUN(init_chunks);
	RUN(forward_tsn);
	RUN(i_forward_tsn);
	RUN(error_names);
	return TEST_SUMMARY();
}
