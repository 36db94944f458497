/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP-aware blocking (dataplane/core/enforce): packets built from RFC 9260
 * §3 layouts (annotated chunks in Ethernet/IPv4), run through enf_packet,
 * outputs compared byte for byte: chunk removal, TSN/SSN renumbering, the
 * injected SACK, SACK translation with gap blocks and duplicates,
 * FORWARD-TSN (RFC 3758 §3.2) and SHUTDOWN translation, retransmissions,
 * late chunks, injected TC-END answers, ABORT, unknown associations;
 * messages fragmented over several DATA chunks (held until whole, removed
 * whole, released, skipped with FORWARD-TSN) and frames above 4 kB. */
#define _GNU_SOURCE
#include "sf_test.h"

#include <time.h>

#include "decode/l2l3.h"
#include "decode/m3ua.h"
#include "decode/sctp.h"
#include "enforce/enforce.h"
#include "flow/pipeline.h"
#include "sf_crc32c.h"

/* enf_frame's record of each frame (as the pipeline would make it) */
static struct sf_pkt_rec enf_rec;

#define PORT_A 2905
#define PORT_B 2906
#define TAG_A 0x0A0A0A0Au
#define TAG_B 0x0B0B0B0Bu
#define ISN_A 100u
#define ISN_B 500u

static struct enf_table *tbl;
static struct enf_out out;
static uint64_t now = 1000000000ull;

/* Ethernet + IPv4 + SCTP common header around chunks; dir 0 = A→B. */
static size_t mk(uint8_t *f, int dir, uint32_t vtag, const uint8_t *chunks, size_t n)
{
	static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a }, mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
	uint8_t *ip = f + 14, *sc = f + 34;
	uint32_t sum = 0, c;

	memcpy(f, dir ? mac_a : mac_b, 6);		/* destination */
	memcpy(f + 6, dir ? mac_b : mac_a, 6);		/* source */
	f[12] = 0x08; f[13] = 0x00;			/* IPv4 */
	memset(ip, 0, 20);
	ip[0] = 0x45;					/* version 4, IHL 5 */
	sf_wr16(ip + 2, (uint16_t)(20 + 12 + n));
	ip[6] = 0x40;					/* DF */
	ip[8] = 64;					/* TTL */
	ip[9] = 132;					/* SCTP */
	ip[12] = 10; ip[15] = dir ? 2 : 1;		/* 10.0.0.1 = A, 10.0.0.2 = B */
	ip[16] = 10; ip[19] = dir ? 1 : 2;
	for (int i = 0; i < 20; i += 2)
		sum += sf_rd16(ip + i);
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	sf_wr16(ip + 10, (uint16_t)~sum);
	sf_wr16(sc, dir ? PORT_B : PORT_A);
	sf_wr16(sc + 2, dir ? PORT_A : PORT_B);
	sf_wr32(sc + 4, vtag);
	memset(sc + 8, 0, 4);
	memcpy(sc + 12, chunks, n);
	c = sf_sctp_checksum(sc, 12 + n);
	sc[8] = (uint8_t)c; sc[9] = (uint8_t)(c >> 8); sc[10] = (uint8_t)(c >> 16); sc[11] = (uint8_t)(c >> 24);
	return 34 + 12 + n;
}

/* A DATA chunk (RFC 9260 §3.3.1) with a 4-byte payload; 20 bytes. */
static size_t data_chunk(uint8_t *o, uint32_t tsn, uint16_t sid, uint16_t ssn)
{
	const uint8_t h[] = {
		0x00, 0x03, 0x00, 0x14,		/* DATA, flags B|E, length 20 */
	};
	memcpy(o, h, 4);
	sf_wr32(o + 4, tsn);
	sf_wr16(o + 8, sid);
	sf_wr16(o + 10, ssn);
	sf_wr32(o + 12, 3);			/* PPID 3 = M3UA */
	memcpy(o + 16, "\xde\xad\xbe\xef", 4);	/* user data */
	return 20;
}

static int feed(int dir, uint32_t vtag, const uint8_t *chunks, size_t n,
		const struct enf_block *b, unsigned nb)
{
	uint8_t f[2048];
	size_t len = mk(f, dir, vtag, chunks, n);

	now += 1000000;
	return enf_frame(tbl, &enf_rec, f, len, SF_DLT_EN10MB, (uint16_t)dir, (uint16_t)(1 - dir), b, nb, now, &out);
}

static int feed_data(int dir, uint32_t tsn, uint16_t sid, uint16_t ssn, const struct enf_block *b)
{
	uint8_t c[20];

	data_chunk(c, tsn, sid, ssn);
	return feed(dir, dir ? TAG_A : TAG_B, c, sizeof(c), b, b ? 1 : 0);
}

/* The SCTP part of a built frame (after Ethernet + IPv4 without options). */
static const uint8_t *sctp_of(const uint8_t *f)
{
	return f + 34;
}

static void check_frame_ok(const uint8_t *f, size_t len)
{
	struct l2l3_view l;

	CHECK_INT(l2l3_decode(f, len, SF_DLT_EN10MB, &l), SF_OK);
	CHECK_INT(l.l4.len, len - 34);
	CHECK(sctp_checksum_ok(l.l4.p, l.l4.len));
}

static void handshake(void)
{
	/* RFC 9260 §3.3.2 INIT: tag A, a_rwnd 65536, OS 10, MIS 10, TSN 100 */
	const uint8_t init[] = {
		0x01, 0x00, 0x00, 0x14,		/* INIT, length 20 */
		0x0a, 0x0a, 0x0a, 0x0a,		/* initiate tag */
		0x00, 0x01, 0x00, 0x00,		/* a_rwnd 65536 */
		0x00, 0x0a, 0x00, 0x0a,		/* OS 10, MIS 10 */
		0x00, 0x00, 0x00, 0x64,		/* initial TSN 100 */
	};
	/* §3.3.3 INIT ACK: tag B, a_rwnd 32768, OS 10, MIS 10, TSN 500, cookie */
	const uint8_t init_ack[] = {
		0x02, 0x00, 0x00, 0x1c,		/* INIT ACK, length 28 */
		0x0b, 0x0b, 0x0b, 0x0b,		/* initiate tag */
		0x00, 0x00, 0x80, 0x00,		/* a_rwnd 32768 */
		0x00, 0x0a, 0x00, 0x0a,		/* OS 10, MIS 10 */
		0x00, 0x00, 0x01, 0xf4,		/* initial TSN 500 */
		0x00, 0x07, 0x00, 0x08,		/* State Cookie, length 8 */
		0xc0, 0x0c, 0x1e, 0x00,		/* cookie */
	};
	char err[128];
	struct enf_config c = { .max_assocs = 16, .window = 256, .rto_ns = 100000000 };

	enf_destroy(tbl);
	tbl = enf_create(&c, err, sizeof(err));
	CHECK(tbl != NULL);
	CHECK_INT(feed(0, 0, init, sizeof(init), NULL, 0), ENF_PASS);
	CHECK_INT(feed(1, TAG_A, init_ack, sizeof(init_ack), NULL, 0), ENF_PASS);
	CHECK_INT(enf_stats(tbl)->assocs_created, 1);
}

static struct enf_block drop_blk(uint32_t tsn)
{
	struct enf_block b = { .tsn = tsn, .action = ENF_DROP };

	return b;
}

/* SACK from B: cum TSN 100, a_rwnd 32768, no gaps, no dups */
static const uint8_t sack100[] = {
	0x03, 0x00, 0x00, 0x10,		/* SACK, flags 0, length 16 */
	0x00, 0x00, 0x00, 0x64,		/* cum TSN 100 */
	0x00, 0x00, 0x80, 0x00,		/* a_rwnd 32768 */
	0x00, 0x00, 0x00, 0x00,		/* 0 gaps, 0 dups */
};

static void test_untouched_without_blocks(void)
{
	handshake();
	CHECK_INT(feed_data(0, 100, 1, 0, NULL), ENF_PASS);
	CHECK_INT(out.n_inject, 0);
	CHECK_INT(feed_data(1, 500, 1, 0, NULL), ENF_PASS);
	{
		/* SACK from B for A's TSN 100: identity, unchanged */
		const uint8_t sack[] = {
			0x03, 0x00, 0x00, 0x10,		/* SACK, length 16 */
			0x00, 0x00, 0x00, 0x64,		/* cum TSN 100 */
			0x00, 0x00, 0x80, 0x00,		/* a_rwnd */
			0x00, 0x00, 0x00, 0x00,		/* 0 gaps, 0 dups */
		};
		CHECK_INT(feed(1, TAG_A, sack, sizeof(sack), NULL, 0), ENF_PASS);
	}
	CHECK_INT(enf_stats(tbl)->rewritten, 0);
}

static void test_remove_and_renumber(void)
{
	struct enf_block b = drop_blk(101);

	handshake();
	CHECK_INT(feed_data(0, 100, 1, 0, NULL), ENF_PASS);
	CHECK_INT(feed(1, TAG_A, sack100, sizeof(sack100), NULL, 0), ENF_PASS);
	/* TSN 101 blocked: nothing left, a SACK goes back to A */
	CHECK_INT(feed_data(0, 101, 1, 1, &b), ENF_CONSUMED);
	CHECK_INT(out.n_inject, 1);
	CHECK_INT(out.inject[0].port, 0);		/* back out of A's port */
	{
		const uint8_t want[] = {
			0x0b, 0x5a, 0x0b, 0x59,		/* ports B → A */
			0x0a, 0x0a, 0x0a, 0x0a,		/* vtag: A's tag */
		};
		const uint8_t sack[] = {
			0x03, 0x00, 0x00, 0x10,		/* SACK, length 16 */
			0x00, 0x00, 0x00, 0x65,		/* cum TSN 101: the removed one */
			0x00, 0x00, 0x80, 0x00,		/* a_rwnd: B's 32768 */
			0x00, 0x00, 0x00, 0x00,		/* no gaps, no dups */
		};
		CHECK_INT(out.inject[0].len, 34 + 12 + 16);
		CHECK_MEM(sctp_of(out.inject[0].pkt), want, sizeof(want));
		CHECK_MEM(sctp_of(out.inject[0].pkt) + 12, sack, sizeof(sack));
		CHECK_MEM(out.inject[0].pkt + 26, "\x0a\x00\x00\x02\x0a\x00\x00\x01", 8);	/* IPs swapped */
		check_frame_ok(out.inject[0].pkt, out.inject[0].len);
	}
	/* TSN 102 SSN 2 → TSN 101 SSN 1 toward B */
	CHECK_INT(feed_data(0, 102, 1, 2, NULL), ENF_REWRITTEN);
	{
		const uint8_t want[] = {
			0x00, 0x03, 0x00, 0x14,
			0x00, 0x00, 0x00, 0x65,		/* TSN 101 */
			0x00, 0x01, 0x00, 0x01,		/* SID 1, SSN 1 */
		};
		CHECK_INT(out.pkt_len, 34 + 12 + 20);
		CHECK_MEM(sctp_of(out.pkt) + 12, want, sizeof(want));
		check_frame_ok(out.pkt, out.pkt_len);
	}
	/* another stream is not shifted: TSN 103 SID 2 SSN 0 → TSN 102 SSN 0 */
	CHECK_INT(feed_data(0, 103, 2, 0, NULL), ENF_REWRITTEN);
	CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 102);
	CHECK_INT(sf_rd16(sctp_of(out.pkt) + 22), 0);
	/* B acks R 102 → A sees cum 103 */
	{
		const uint8_t sack[] = {
			0x03, 0x00, 0x00, 0x10,
			0x00, 0x00, 0x00, 0x66,		/* cum TSN 102 (R) */
			0x00, 0x00, 0x40, 0x00,		/* a_rwnd 16384 */
			0x00, 0x00, 0x00, 0x00,
		};
		const uint8_t want[] = {
			0x03, 0x00, 0x00, 0x10,
			0x00, 0x00, 0x00, 0x67,		/* cum TSN 103 (S) */
			0x00, 0x00, 0x40, 0x00,
			0x00, 0x00, 0x00, 0x00,
		};
		CHECK_INT(feed(1, TAG_A, sack, sizeof(sack), NULL, 0), ENF_REWRITTEN);
		CHECK_MEM(sctp_of(out.pkt) + 12, want, sizeof(want));
		check_frame_ok(out.pkt, out.pkt_len);
	}
	CHECK_INT(enf_stats(tbl)->chunks_removed, 1);
}

static void test_retransmissions(void)
{
	struct enf_block b = drop_blk(101);

	handshake();
	feed_data(0, 100, 1, 0, NULL);
	feed(1, TAG_A, sack100, sizeof(sack100), NULL, 0);
	feed_data(0, 101, 1, 1, &b);
	feed_data(0, 102, 1, 2, NULL);
	/* the removed chunk again (even without a verdict): re-acked with a
	 * duplicate report, not forwarded */
	CHECK_INT(feed_data(0, 101, 1, 1, NULL), ENF_CONSUMED);
	CHECK_INT(out.n_inject, 1);
	{
		const uint8_t sack[] = {
			0x03, 0x00, 0x00, 0x14,		/* SACK, length 20 */
			0x00, 0x00, 0x00, 0x65,		/* cum 101: 102 not acked by B yet */
			0x00, 0x00, 0x80, 0x00,
			0x00, 0x00, 0x00, 0x01,		/* 0 gaps, 1 dup */
			0x00, 0x00, 0x00, 0x65,		/* dup TSN 101 */
		};
		CHECK_MEM(sctp_of(out.inject[0].pkt) + 12, sack, sizeof(sack));
	}
	/* the forwarded one again: the same mapping as the first time */
	CHECK_INT(feed_data(0, 102, 1, 2, &b), ENF_REWRITTEN);
	CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 101);
	CHECK_INT(sf_rd16(sctp_of(out.pkt) + 22), 1);
	/* 101 was below the cumulative point already acked to A */
	CHECK_INT(enf_stats(tbl)->removed_retrans + enf_stats(tbl)->old_retrans, 1);
	CHECK_INT(enf_stats(tbl)->fwd_retrans, 1);
}

static void test_sack_gaps_and_dups(void)
{
	struct enf_block b = drop_blk(104);

	handshake();
	feed_data(0, 100, 1, 0, NULL);		/* R 100 */
	feed_data(0, 101, 1, 1, NULL);		/* R 101 */
	feed_data(0, 102, 1, 2, NULL);		/* R 102 */
	feed_data(0, 103, 1, 3, NULL);		/* R 103 */
	feed_data(0, 104, 1, 4, &b);		/* removed */
	feed_data(0, 105, 1, 5, NULL);		/* R 104 */
	feed_data(0, 106, 1, 6, NULL);		/* R 105 */
	{
		/* B: cum 101, gap +2..+3 (R 103-104), dup R 100 */
		const uint8_t sack[] = {
			0x03, 0x00, 0x00, 0x18,		/* SACK, length 24 */
			0x00, 0x00, 0x00, 0x65,		/* cum TSN 101 */
			0x00, 0x00, 0x80, 0x00,
			0x00, 0x01, 0x00, 0x01,		/* 1 gap, 1 dup */
			0x00, 0x02, 0x00, 0x03,		/* gap R 103..104 */
			0x00, 0x00, 0x00, 0x64,		/* dup R 100 */
		};
		/* S: 102 (R 102) missing; 103, 104 (removed), 105 acked; 106 not */
		const uint8_t want[] = {
			0x03, 0x00, 0x00, 0x18,
			0x00, 0x00, 0x00, 0x65,		/* cum TSN 101 */
			0x00, 0x00, 0x80, 0x00,
			0x00, 0x01, 0x00, 0x01,
			0x00, 0x02, 0x00, 0x04,		/* gap S 103..105 */
			0x00, 0x00, 0x00, 0x64,		/* dup S 100 */
		};
		CHECK_INT(feed(1, TAG_A, sack, sizeof(sack), NULL, 0), ENF_REWRITTEN);
		CHECK_MEM(sctp_of(out.pkt) + 12, want, sizeof(want));
	}
	{
		/* B: cum 103 (R), gap +1 (R 104 = S 105): S cum passes the
		 * removed 104 and the gap-acked 105 */
		const uint8_t sack[] = {
			0x03, 0x00, 0x00, 0x14,
			0x00, 0x00, 0x00, 0x67,		/* cum TSN 103 */
			0x00, 0x00, 0x80, 0x00,
			0x00, 0x01, 0x00, 0x00,		/* 1 gap */
			0x00, 0x01, 0x00, 0x01,		/* R 104 */
		};
		CHECK_INT(feed(1, TAG_A, sack, sizeof(sack), NULL, 0), ENF_REWRITTEN);
		CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 105);
	}
}

static void test_shutdown_and_fwd_tsn(void)
{
	struct enf_block b = drop_blk(101);

	handshake();
	feed_data(0, 100, 1, 0, NULL);
	feed_data(0, 101, 1, 1, &b);
	feed_data(0, 102, 1, 2, NULL);		/* R 101 */
	feed_data(0, 103, 1, 3, NULL);		/* R 102 */
	{
		/* RFC 3758 §3.2: A abandons up to 102 (stream 1 SSN 2) */
		const uint8_t fwd[] = {
			0xc0, 0x00, 0x00, 0x0c,		/* FORWARD TSN, length 12 */
			0x00, 0x00, 0x00, 0x66,		/* new cum TSN 102 */
			0x00, 0x01, 0x00, 0x02,		/* stream 1, SSN 2 */
		};
		const uint8_t want[] = {
			0xc0, 0x00, 0x00, 0x0c,
			0x00, 0x00, 0x00, 0x65,		/* R 101 */
			0x00, 0x01, 0x00, 0x01,		/* SSN 1 */
		};
		CHECK_INT(feed(0, TAG_B, fwd, sizeof(fwd), NULL, 0), ENF_REWRITTEN);
		CHECK_MEM(sctp_of(out.pkt) + 12, want, sizeof(want));
	}
	{
		/* RFC 9260 §3.3.8: SHUTDOWN from B, cum TSN ack 102 (R) → 103 */
		const uint8_t sd[] = {
			0x07, 0x00, 0x00, 0x08,		/* SHUTDOWN, length 8 */
			0x00, 0x00, 0x00, 0x66,		/* cum TSN ack 102 */
		};
		CHECK_INT(feed(1, TAG_A, sd, sizeof(sd), NULL, 0), ENF_REWRITTEN);
		CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 103);
	}
}

static void test_mixed_packet(void)
{
	struct enf_block b = drop_blk(101);
	uint8_t c[60];
	size_t n = 0;

	handshake();
	/* three DATA chunks bundled (§6.10), the middle one blocked */
	n += data_chunk(c + n, 100, 1, 0);
	n += data_chunk(c + n, 101, 1, 1);
	n += data_chunk(c + n, 102, 1, 2);
	CHECK_INT(feed(0, TAG_B, c, n, &b, 1), ENF_REWRITTEN);
	CHECK_INT(out.pkt_len, 34 + 12 + 40);
	CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 100);
	CHECK_INT(sf_rd32(sctp_of(out.pkt) + 36), 101);
	CHECK_INT(sf_rd16(sctp_of(out.pkt) + 42), 1);
	CHECK_INT(sf_rd16(out.pkt + 16), 20 + 12 + 40);	/* IPv4 total length */
	check_frame_ok(out.pkt, out.pkt_len);
	/* 100 is still in flight: acking 101 now would be a gap report, so
	 * no SACK is injected; B's SACK for R 101 (= S 102) covers it */
	CHECK_INT(out.n_inject, 0);
	{
		const uint8_t sack[] = {
			0x03, 0x00, 0x00, 0x10,
			0x00, 0x00, 0x00, 0x65,		/* cum TSN 101 (R) */
			0x00, 0x00, 0x80, 0x00,
			0x00, 0x00, 0x00, 0x00,
		};
		const uint8_t want[] = {
			0x03, 0x00, 0x00, 0x10,
			0x00, 0x00, 0x00, 0x66,		/* cum TSN 102 (S) */
			0x00, 0x00, 0x80, 0x00,
			0x00, 0x00, 0x00, 0x00,
		};
		CHECK_INT(feed(1, TAG_A, sack, sizeof(sack), NULL, 0), ENF_REWRITTEN);
		CHECK_MEM(sctp_of(out.pkt) + 12, want, sizeof(want));
	}
}

static void test_removed_waits_for_neighbours(void)
{
	struct enf_block b = drop_blk(101);
	/* B: cum R 100 (S 100) only; S 101 removed, S 102 (R 101) in flight */
	const uint8_t sack[] = {
		0x03, 0x00, 0x00, 0x10,
		0x00, 0x00, 0x00, 0x64,		/* cum TSN 100 */
		0x00, 0x00, 0x80, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};
	/* B: cum R 99, gap +2 (R 101 = S 102): S 100 lost; 101 and 102 held */
	const uint8_t sack_gap[] = {
		0x03, 0x00, 0x00, 0x14,
		0x00, 0x00, 0x00, 0x63,		/* cum TSN 99 */
		0x00, 0x00, 0x80, 0x00,
		0x00, 0x01, 0x00, 0x00,		/* 1 gap */
		0x00, 0x02, 0x00, 0x02,		/* R 101 */
	};
	const uint8_t want_gap[] = {
		0x03, 0x00, 0x00, 0x14,
		0x00, 0x00, 0x00, 0x63,		/* cum TSN 99 */
		0x00, 0x00, 0x80, 0x00,
		0x00, 0x01, 0x00, 0x00,
		0x00, 0x02, 0x00, 0x03,		/* S 101..102 */
	};

	handshake();
	feed_data(0, 100, 1, 0, NULL);
	feed_data(0, 101, 1, 1, &b);
	feed_data(0, 102, 1, 2, NULL);
	CHECK_INT(feed(1, TAG_A, sack_gap, sizeof(sack_gap), NULL, 0), ENF_REWRITTEN);
	CHECK_MEM(sctp_of(out.pkt) + 12, want_gap, sizeof(want_gap));
	/* then cum R 100: S 100, and the removed 101 right after it; 102 is
	 * no longer reported (R 101 not in this SACK) */
	CHECK_INT(feed(1, TAG_A, sack, sizeof(sack), NULL, 0), ENF_REWRITTEN);
	CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 101);
	CHECK_INT(sf_rd16(sctp_of(out.pkt) + 24), 0);
}

static void test_late_chunk(void)
{
	struct enf_block b = drop_blk(101);

	handshake();
	/* 101 lost upstream: 102 arrives first and reserves R 101 for it */
	CHECK_INT(feed_data(0, 102, 1, 2, NULL), ENF_PASS);
	/* 101 comes late, blocked: its slot is taken → forwarded, counted */
	CHECK_INT(feed_data(0, 100, 1, 0, NULL), ENF_PASS);
	CHECK_INT(feed_data(0, 101, 1, 1, &b), ENF_PASS);
	CHECK_INT(enf_stats(tbl)->late_arrivals, 2);
	CHECK_INT(enf_stats(tbl)->block_passed, 1);
	/* a later block works again */
	b.tsn = 103;
	CHECK_INT(feed_data(0, 103, 1, 3, &b), ENF_CONSUMED);
	CHECK_INT(feed_data(0, 104, 1, 4, NULL), ENF_REWRITTEN);
	CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 103);
	CHECK_INT(sf_rd16(sctp_of(out.pkt) + 22), 3);
}

/* Handshake with Forward-TSN-Supported (RFC 3758 §3.1) on both sides. */
static void handshake_prsctp(void)
{
	const uint8_t init[] = {
		0x01, 0x00, 0x00, 0x18,		/* INIT, length 24 */
		0x0a, 0x0a, 0x0a, 0x0a,		/* initiate tag */
		0x00, 0x01, 0x00, 0x00,		/* a_rwnd 65536 */
		0x00, 0x0a, 0x00, 0x0a,		/* OS 10, MIS 10 */
		0x00, 0x00, 0x00, 0x64,		/* initial TSN 100 */
		0xc0, 0x00, 0x00, 0x04,		/* Forward-TSN-Supported */
	};
	const uint8_t init_ack[] = {
		0x02, 0x00, 0x00, 0x20,		/* INIT ACK, length 32 */
		0x0b, 0x0b, 0x0b, 0x0b,		/* initiate tag */
		0x00, 0x00, 0x80, 0x00,		/* a_rwnd 32768 */
		0x00, 0x0a, 0x00, 0x0a,		/* OS 10, MIS 10 */
		0x00, 0x00, 0x01, 0xf4,		/* initial TSN 500 */
		0x00, 0x07, 0x00, 0x08,		/* State Cookie, length 8 */
		0xc0, 0x0c, 0x1e, 0x00,
		0xc0, 0x00, 0x00, 0x04,		/* Forward-TSN-Supported */
	};
	char err[128];
	struct enf_config c = { .max_assocs = 16, .window = 256, .rto_ns = 100000000 };

	enf_destroy(tbl);
	tbl = enf_create(&c, err, sizeof(err));
	CHECK(tbl != NULL);
	feed(0, 0, init, sizeof(init), NULL, 0);
	feed(1, TAG_A, init_ack, sizeof(init_ack), NULL, 0);
}

static void test_late_block_skipped(void)
{
	struct enf_block b = drop_blk(101);
	/* B: cum R 100 (S 100); R 101 (the late S 101) never comes */
	const uint8_t sack[] = {
		0x03, 0x00, 0x00, 0x14,
		0x00, 0x00, 0x00, 0x64,		/* cum TSN 100 */
		0x00, 0x00, 0x80, 0x00,
		0x00, 0x01, 0x00, 0x00,		/* 1 gap */
		0x00, 0x02, 0x00, 0x02,		/* R 102 = S 102 */
	};
	/* RFC 3758 §3.2 toward B: skip R 101, stream 1 SSN 1 */
	const uint8_t fwd[] = {
		0xc0, 0x00, 0x00, 0x0c,		/* FORWARD TSN, length 12 */
		0x00, 0x00, 0x00, 0x65,		/* new cum TSN 101 */
		0x00, 0x01, 0x00, 0x01,		/* stream 1, SSN 1 */
	};
	const uint8_t sack2[] = {
		0x03, 0x00, 0x00, 0x10,
		0x00, 0x00, 0x00, 0x66,		/* cum TSN 102 */
		0x00, 0x00, 0x80, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};

	handshake_prsctp();
	feed_data(0, 100, 1, 0, NULL);
	CHECK_INT(feed_data(0, 102, 1, 2, NULL), ENF_PASS);	/* R 102; R 101 reserved */
	/* 101 comes late and is blocked: not forwarded */
	CHECK_INT(feed_data(0, 101, 1, 1, &b), ENF_CONSUMED);
	CHECK_INT(enf_stats(tbl)->late_skipped, 1);
	CHECK_INT(enf_stats(tbl)->block_passed, 0);
	/* B's SACK: A sees cum 100 and 102 gap-acked; B gets the FORWARD TSN */
	CHECK_INT(feed(1, TAG_A, sack, sizeof(sack), NULL, 0), ENF_PASS);
	CHECK_INT(out.n_inject, 1);
	CHECK_INT(out.inject[0].port, 1);		/* toward B */
	CHECK_INT(sf_rd32(sctp_of(out.inject[0].pkt) + 4), TAG_B);
	CHECK_MEM(sctp_of(out.inject[0].pkt) + 12, fwd, sizeof(fwd));
	check_frame_ok(out.inject[0].pkt, out.inject[0].len);
	/* not again before the RTO */
	CHECK_INT(feed(1, TAG_A, sack, sizeof(sack), NULL, 0), ENF_PASS);
	CHECK_INT(out.n_inject, 0);
	/* B moves to 102: A sees everything acked */
	CHECK_INT(feed(1, TAG_A, sack2, sizeof(sack2), NULL, 0), ENF_PASS);
	CHECK_INT(enf_stats(tbl)->fwd_tsn_injected, 1);
	{
		struct enf_inject inj[2];

		CHECK_INT(enf_tick(tbl, now + 1000000000ull, inj, 2), 0);
	}
}

static void test_late_ssn(void)
{
	struct enf_block b = drop_blk(103);

	handshake();
	/* 101 missing; 103 (stream 1, SSN 3) removed; then 101 (SSN 1) comes:
	 * its SSN is not shifted by the later removal */
	feed_data(0, 100, 1, 0, NULL);
	feed_data(0, 102, 1, 2, NULL);
	CHECK_INT(feed_data(0, 103, 1, 3, &b), ENF_CONSUMED);
	CHECK_INT(feed_data(0, 104, 1, 4, NULL), ENF_REWRITTEN);
	CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 103);
	CHECK_INT(sf_rd16(sctp_of(out.pkt) + 22), 3);
	CHECK_INT(feed_data(0, 101, 1, 1, NULL), ENF_PASS);	/* R 101, SSN 1 */
}

/* An M3UA DATA / SCCP UDT / TCAP Begin with an Invoke (hand-built). */
static size_t mo_payload(uint8_t *o)
{
	const uint8_t m[] = {
		0x01, 0x00, 0x01, 0x01,		/* M3UA v1, DATA */
		0x00, 0x00, 0x00, 0x48,		/* length 72 */
		0x02, 0x10, 0x00, 0x3f,		/* Protocol Data, length 63 */
		0x00, 0x00, 0x00, 0x01,		/* OPC 1 */
		0x00, 0x00, 0x00, 0x02,		/* DPC 2 */
		0x03, 0x02, 0x00, 0x05,		/* SI 3, NI 2, MP 0, SLS 5 */
		/* SCCP UDT (Q.713 §4.10) */
		0x09, 0x80, 0x03, 0x0a, 0x11,	/* UDT, class 0 + return, pointers */
		0x07, 0x12, 0x08, 0x00, 0x12, 0x04, 0x21, 0x43,	/* called: GT 1234 (E.164, BCD even), SSN 8 */
		0x07, 0x12, 0x08, 0x00, 0x12, 0x04, 0x65, 0x87,	/* calling: GT 5678, SSN 8 */
		0x19,				/* data length 25 */
		/* TCAP Begin otid 0x11223344, Invoke id 1 op 46 (argument omitted) */
		0x62, 0x17, 0x48, 0x04, 0x11, 0x22, 0x33, 0x44,
		0x6c, 0x0f, 0xa1, 0x0d, 0x02, 0x01, 0x01, 0x02, 0x01, 0x2e,
		0x30, 0x05, 0x80, 0x03, 0x01, 0x02, 0x03,
		0x00,				/* M3UA padding to 4 octets */
	};
	memcpy(o, m, sizeof(m));
	return sizeof(m);
}

static void test_reject_answer(void)
{
	struct enf_block b = { .tsn = 101, .action = ENF_REJECT, .has_otid = 1, .otid = 0x11223344,
			       .invoke_id = 1, .opcode = 46, .error = 32 };
	uint8_t c[200];
	size_t pl, n;
	const uint8_t *sc, *d;
	struct m3ua_view mv;

	handshake();
	feed_data(0, 100, 1, 0, NULL);
	feed(1, TAG_A, sack100, sizeof(sack100), NULL, 0);
	pl = mo_payload(c + 16);
	c[0] = 0x00; c[1] = 0x03;		/* DATA B|E */
	sf_wr16(c + 2, (uint16_t)(16 + pl));	/* chunk length */
	sf_wr32(c + 4, 101);
	sf_wr16(c + 8, 1);
	sf_wr16(c + 10, 1);
	sf_wr32(c + 12, 3);
	n = 16 + pl;
	CHECK_INT(feed(0, TAG_B, c, n, &b, 1), ENF_CONSUMED);
	CHECK_INT(out.n_inject, 1);
	sc = sctp_of(out.inject[0].pkt);
	check_frame_ok(out.inject[0].pkt, out.inject[0].len);
	/* SACK cum 101, then a DATA chunk from B's TSN space: TSN 500, SID 1, SSN 0 */
	CHECK_INT(sc[12], 0x03);
	CHECK_INT(sf_rd32(sc + 16), 101);
	d = sc + 28;
	CHECK_INT(d[0], 0x00);
	CHECK_INT(d[1], 0x03);
	CHECK_INT(sf_rd32(d + 4), 500);
	CHECK_INT(sf_rd16(d + 8), 1);
	CHECK_INT(sf_rd16(d + 10), 0);
	CHECK_INT(sf_rd32(d + 12), 3);
	CHECK_INT(m3ua_decode(d + 16, sf_rd16(d + 2) - 16u, &mv), SF_OK);
	CHECK_INT(mv.opc, 2);
	CHECK_INT(mv.dpc, 1);
	CHECK_INT(mv.sls, 5);
	{
		/* UDT with the calling GT 5678 as called; TCAP End dtid 11223344,
		 * ReturnError invoke 1, error 32 (sm-DeliveryFailure) */
		const uint8_t *u = mv.user_data.p;
		const uint8_t end[] = {
			0x64, 0x10,				/* End */
			0x49, 0x04, 0x11, 0x22, 0x33, 0x44,	/* dtid */
			0x6c, 0x08, 0xa3, 0x06,			/* components, ReturnError */
			0x02, 0x01, 0x01, 0x02, 0x01, 0x20,	/* invoke id 1, error 32 */
		};
		CHECK_INT(u[0], 0x09);
		CHECK_MEM(u + 11, "\x65\x87", 2);	/* called GT digits 5678 */
		CHECK_INT(mv.user_data.len >= sizeof(end), 1);
		CHECK_MEM(u + mv.user_data.len - sizeof(end), end, sizeof(end));

	}
	CHECK_INT(enf_stats(tbl)->answers_injected, 1);
	/* B's own next message on stream 1 moves up: TSN 500 → 501, SSN 0 → 1 */
	CHECK_INT(feed_data(1, 500, 1, 0, NULL), ENF_REWRITTEN);
	CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 501);
	CHECK_INT(sf_rd16(sctp_of(out.pkt) + 22), 1);
	{
		/* A acks R 501: B sees 500; the answer is done */
		const uint8_t sack[] = {
			0x03, 0x00, 0x00, 0x10,
			0x00, 0x00, 0x01, 0xf5,		/* cum TSN 501 */
			0x00, 0x01, 0x00, 0x00,
			0x00, 0x00, 0x00, 0x00,
		};
		CHECK_INT(feed(0, TAG_B, sack, sizeof(sack), NULL, 0), ENF_REWRITTEN);
		CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 500);
	}
	/* nothing to retransmit */
	{
		struct enf_inject inj[2];

		CHECK_INT(enf_tick(tbl, now + 10000000000ull, inj, 2), 0);
	}
}

static void test_answer_retransmitted(void)
{
	struct enf_block b = { .tsn = 101, .action = ENF_FAKE_ACK, .has_otid = 1, .otid = 7,
			       .invoke_id = 3, .opcode = 46 };
	uint8_t c[200];
	size_t pl;
	struct enf_inject inj[2];

	handshake();
	pl = mo_payload(c + 16);
	c[0] = 0x00; c[1] = 0x03;
	sf_wr16(c + 2, (uint16_t)(16 + pl));
	sf_wr32(c + 4, 101);
	sf_wr16(c + 8, 1);
	sf_wr16(c + 10, 0);
	sf_wr32(c + 12, 3);
	feed_data(0, 100, 1, 0, NULL);
	CHECK_INT(feed(0, TAG_B, c, 16 + pl, &b, 1), ENF_CONSUMED);
	CHECK_INT(out.n_inject, 1);
	/* lost: after the RTO the tick sends it again with the same TSN */
	CHECK_INT(enf_tick(tbl, now + 50000000ull, inj, 2), 0);
	CHECK_INT(enf_tick(tbl, now + 150000000ull, inj, 2), 1);
	CHECK_INT(inj[0].port, 0);
	CHECK_INT(sctp_of(inj[0].pkt)[12], 0x00);
	CHECK_INT(sf_rd32(sctp_of(inj[0].pkt) + 16), 500);
	check_frame_ok(inj[0].pkt, inj[0].len);
	{
		/* ReturnResultLast, bare (invoke id only) */
		CHECK(memmem(inj[0].pkt, inj[0].len, "\x6c\x05\xa2\x03\x02\x01\x03", 7) != NULL);
	}
	CHECK_INT(enf_stats(tbl)->answers_retransmitted, 1);
}

/* Answers waiting for a hole in the reverse direction go out when it is
 * filled, in frames no larger than the path MTU allows (max_frame 1400). */
static void test_answers_split_by_mtu(void)
{
	uint8_t c[200];
	size_t pl = mo_payload(c + 16);
	unsigned chunks = 0;

	handshake();
	/* B's 500 is lost upstream: 501 reserves R 500 for it */
	CHECK_INT(feed_data(1, 501, 1, 1, NULL), ENF_PASS);
	c[0] = 0x00; c[1] = 0x03;
	sf_wr16(c + 2, (uint16_t)(16 + pl));
	sf_wr32(c + 12, 3);
	for (unsigned i = 0; i < 12; i++) {
		struct enf_block b = { .tsn = 100 + i, .action = ENF_FAKE_ACK, .has_otid = 1,
				       .otid = 0x11223344, .invoke_id = 1, .opcode = 46 };

		sf_wr32(c + 4, 100 + i);
		sf_wr16(c + 8, 1);
		sf_wr16(c + 10, (uint16_t)i);
		CHECK_INT(feed(0, TAG_B, c, 16 + pl, &b, 1), ENF_CONSUMED);
		for (unsigned k = 0; k < out.n_inject; k++)	/* SACKs only */
			CHECK_INT(sctp_of(out.inject[k].pkt)[12], 0x03);
	}
	CHECK_INT(enf_stats(tbl)->answers_injected, 0);
	/* 500 arrives: B's chunks keep their slots, the answers follow */
	CHECK_INT(feed_data(1, 500, 1, 0, NULL), ENF_PASS);
	CHECK(out.n_inject >= 1);
	for (unsigned k = 0; k < out.n_inject; k++) {
		CHECK(out.inject[k].len <= 1400);
		check_frame_ok(out.inject[k].pkt, out.inject[k].len);
		chunks += (out.inject[k].len - 46u) / (16u + (unsigned)pl);
	}
	/* the rest on the following packets / ticks */
	for (unsigned round = 0; round < 4 && enf_stats(tbl)->answers_injected < 12; round++) {
		struct enf_inject inj[4];
		unsigned n = enf_tick(tbl, now + 1, inj, 4);

		for (unsigned k = 0; k < n; k++)
			CHECK(inj[k].len <= 1400);
	}
	CHECK_INT(enf_stats(tbl)->answers_injected, 12);
	CHECK(chunks >= 1 && chunks < 12);
	/* B's next: after its 2 chunks and the 12 answers */
	CHECK_INT(feed_data(1, 502, 1, 2, NULL), ENF_REWRITTEN);
	CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 514);
	CHECK_INT(sf_rd16(sctp_of(out.pkt) + 22), 14);
}

/* INIT retransmitted, two INIT ACKs with different tags (§5.2.4): the
 * COOKIE ECHO says which one the initiator took. */
static void test_two_init_acks(void)
{
	const uint8_t init_ack2[] = {
		0x02, 0x00, 0x00, 0x1c,		/* INIT ACK, length 28 */
		0x0c, 0x0c, 0x0c, 0x0c,		/* initiate tag (a second one) */
		0x00, 0x00, 0x80, 0x00,
		0x00, 0x0a, 0x00, 0x0a,
		0x00, 0x00, 0x01, 0xf4,		/* initial TSN 500 */
		0x00, 0x07, 0x00, 0x08,
		0xc0, 0x0c, 0x1e, 0x01,
	};
	const uint8_t cookie_echo[] = {
		0x0a, 0x00, 0x00, 0x08,		/* COOKIE ECHO, length 8 */
		0xc0, 0x0c, 0x1e, 0x00,		/* the first cookie */
	};
	struct enf_block b = drop_blk(100);

	handshake();
	CHECK_INT(feed(1, TAG_A, init_ack2, sizeof(init_ack2), NULL, 0), ENF_PASS);
	CHECK_INT(enf_stats(tbl)->unknown_assoc, 0);
	/* A took the first INIT ACK: its packets carry TAG_B */
	CHECK_INT(feed(0, TAG_B, cookie_echo, sizeof(cookie_echo), NULL, 0), ENF_PASS);
	CHECK_INT(feed_data(0, 100, 1, 0, &b), ENF_CONSUMED);
	CHECK_INT(enf_stats(tbl)->unknown_assoc, 0);
}

static void test_unknown_and_abort(void)
{
	const uint8_t abort_c[] = { 0x06, 0x00, 0x00, 0x04 };	/* ABORT, T = 0 */
	struct enf_block b = drop_blk(300);

	handshake();
	/* an association smsfw never saw start: monitor */
	{
		uint8_t f[200], c[20];
		size_t len;

		data_chunk(c, 300, 1, 0);
		len = mk(f, 0, 0x12345678, c, sizeof(c));
		CHECK_INT(enf_frame(tbl, &enf_rec, f, len, SF_DLT_EN10MB, 0, 1, &b, 1, now, &out), ENF_PASS);
	}
	CHECK(enf_stats(tbl)->unknown_assoc >= 1);
	CHECK_INT(feed(1, TAG_A, abort_c, sizeof(abort_c), NULL, 0), ENF_PASS);
	CHECK_INT(enf_stats(tbl)->assocs_retired, 1);
	b.tsn = 100;
	CHECK_INT(feed_data(0, 100, 1, 0, &b), ENF_PASS);	/* state gone */
}

static void test_not_sctp(void)
{
	uint8_t f[64] = { 0 };

	handshake();
	f[12] = 0x08; f[13] = 0x06;	/* ARP */
	CHECK_INT(enf_frame(tbl, &enf_rec, f, sizeof(f), SF_DLT_EN10MB, 0, 1, NULL, 0, now, &out), ENF_PASS);
}

static void test_bad_config(void)
{
	char err[128];
	struct enf_config c = { .max_assocs = 16, .window = 100 };

	CHECK(enf_create(&c, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "window") != NULL);
	c.window = 64;
	c.hold_bytes = (1u << 20) + 1;
	CHECK(enf_create(&c, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "hold_bytes") != NULL);
}

/* Micro-benchmark (printed, checked for correctness): one association,
 * A sends single-chunk DATA packets, B acks each with a SACK; every
 * block_every-th message is blocked (0: none). ns per packet through
 * enf_packet, frames prebuilt. ENF_BENCH_N sets the message count. */
static double bench_run(unsigned n, unsigned block_every, int dry)
{
	static uint8_t df[256], sf[256];
	uint8_t c[20];
	size_t dl, sl;
	struct timespec t0, t1;
	uint32_t r = ISN_A;
	uint64_t removed0;

	handshake();
	removed0 = enf_stats(tbl)->chunks_removed;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 0; i < n; i++) {
		uint32_t tsn = ISN_A + i;
		struct enf_block b = drop_blk(tsn);
		int blk = block_every && i % block_every == block_every - 1;
		int v;

		data_chunk(c, tsn, 1, (uint16_t)i);
		dl = mk(df, 0, TAG_B, c, sizeof(c));
		v = dry ? (blk ? ENF_CONSUMED : ENF_PASS)
			: enf_frame(tbl, &enf_rec, df, dl, SF_DLT_EN10MB, 0, 1, &b, blk ? 1 : 0, now, &out);
		if (v == ENF_CONSUMED)
			continue;
		{
			uint8_t sk[16] = { 0x03, 0x00, 0x00, 0x10 };

			sf_wr32(sk + 4, r++);		/* cum TSN: the R TSN just sent */
			sf_wr32(sk + 8, 65536);
			sl = mk(sf, 1, TAG_A, sk, sizeof(sk));
			if (!dry)
				enf_frame(tbl, &enf_rec, sf, sl, SF_DLT_EN10MB, 1, 0, NULL, 0, now, &out);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!dry) {
		CHECK_INT(enf_stats(tbl)->chunks_removed - removed0, block_every ? n / block_every : 0);
		CHECK_INT(enf_stats(tbl)->window_overflow, 0);
		CHECK_INT(enf_stats(tbl)->packets, 2 + 2 * n - (block_every ? n / block_every : 0));
	}
	/* per packet of the run: 2 per message, 1 for a blocked one */
	return ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) /
	       (double)(2 * n - (block_every ? n / block_every : 0));
}

static void test_bench(void)
{
	const char *e = getenv("ENF_BENCH_N");
	unsigned n = e ? (unsigned)atoi(e) : 100000;
	double build0 = bench_run(n, 0, 1), plain = bench_run(n, 0, 0);
	double build10 = bench_run(n, 10, 1), blocking = bench_run(n, 10, 0);

	/* the frames are built (CRC32c included) in the loop: subtract that */
	printf("bench: %u messages: enf_packet %.0f ns/packet without blocks, %.0f ns/packet "
	       "with 10%% blocked\n", n, plain - build0, blocking - build10);
}

/* ---- messages fragmented over several DATA chunks (RFC 9260 §6.9) ---- */

/* A DATA fragment with flags (B 0x02, E 0x01) and n bytes of user data. */
static size_t frag_chunk(uint8_t *o, uint8_t flags, uint32_t tsn, uint16_t sid, uint16_t ssn,
			 const uint8_t *d, size_t n)
{
	o[0] = 0x00;				/* DATA */
	o[1] = flags;
	sf_wr16(o + 2, (uint16_t)(16 + n));	/* chunk length */
	sf_wr32(o + 4, tsn);
	sf_wr16(o + 8, sid);
	sf_wr16(o + 10, ssn);
	sf_wr32(o + 12, 3);			/* PPID 3 = M3UA */
	memcpy(o + 16, d, n);
	memset(o + 16 + n, 0, ((n + 3) & ~(size_t)3) - n);
	return 16 + ((n + 3) & ~(size_t)3);
}

static const uint8_t frag_body[40] = "0123456789abcdef0123456789abcdef01234567";

static void test_frag_blocked_one_packet(void)
{
	struct enf_block b = drop_blk(102);	/* the engine names the last fragment */
	uint8_t c[256];
	size_t n = 0;

	handshake();
	/* one message in three fragments, one packet: TSN 100 B, 101, 102 E */
	n += frag_chunk(c + n, 0x02, 100, 1, 0, frag_body, 40);
	n += frag_chunk(c + n, 0x00, 101, 1, 0, frag_body, 40);
	n += frag_chunk(c + n, 0x01, 102, 1, 0, frag_body, 20);
	CHECK_INT(feed(0, TAG_B, c, n, &b, 1), ENF_CONSUMED);
	/* the SACK acks all three at once */
	CHECK_INT(out.n_inject, 1);
	CHECK_INT(out.inject[0].port, 0);
	CHECK_INT(sctp_of(out.inject[0].pkt)[12], 0x03);
	CHECK_INT(sf_rd32(sctp_of(out.inject[0].pkt) + 16), 102);
	check_frame_ok(out.inject[0].pkt, out.inject[0].len);
	CHECK_INT(enf_stats(tbl)->chunks_removed, 3);
	CHECK_INT(enf_stats(tbl)->frag_msgs_removed, 1);
	CHECK_INT(enf_stats(tbl)->block_passed, 0);
	/* the next message takes the removed one's TSN and SSN: 103/1 → 100/0 */
	CHECK_INT(feed_data(0, 103, 1, 1, NULL), ENF_REWRITTEN);
	CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 100);
	CHECK_INT(sf_rd16(sctp_of(out.pkt) + 22), 0);
}

static void test_frag_blocked_across_packets(void)
{
	struct enf_block b = drop_blk(102);
	uint8_t c[128];
	size_t n;

	handshake();
	CHECK_INT(feed_data(0, 100, 1, 0, NULL), ENF_PASS);
	/* B fragment alone: held, nothing forwarded, nothing acked */
	n = frag_chunk(c, 0x02, 101, 1, 1, frag_body, 40);
	CHECK_INT(feed(0, TAG_B, c, n, NULL, 0), ENF_CONSUMED);
	CHECK_INT(out.n_inject, 0);
	CHECK_INT(enf_stats(tbl)->frag_held, 1);
	/* B acks 100; A sees cum 100 (101 is held, not acked) */
	CHECK_INT(feed(1, TAG_A, sack100, sizeof(sack100), NULL, 0), ENF_PASS);
	/* its retransmission is held already */
	CHECK_INT(feed(0, TAG_B, c, n, NULL, 0), ENF_CONSUMED);
	CHECK_INT(enf_stats(tbl)->hold_retrans, 1);
	/* E fragment blocked: both removed, A gets cum 102 */
	n = frag_chunk(c, 0x01, 102, 1, 1, frag_body, 12);
	CHECK_INT(feed(0, TAG_B, c, n, &b, 1), ENF_CONSUMED);
	CHECK_INT(out.n_inject, 1);
	CHECK_INT(sf_rd32(sctp_of(out.inject[0].pkt) + 16), 102);
	CHECK_INT(sf_rd16(sctp_of(out.inject[0].pkt) + 24), 0);	/* no gaps */
	CHECK_INT(enf_stats(tbl)->chunks_removed, 2);
	CHECK_INT(enf_stats(tbl)->frag_msgs_removed, 1);
	/* 103 SSN 2 → R 101 SSN 1 */
	CHECK_INT(feed_data(0, 103, 1, 2, NULL), ENF_REWRITTEN);
	CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 101);
	CHECK_INT(sf_rd16(sctp_of(out.pkt) + 22), 1);
	CHECK_INT(enf_stats(tbl)->block_passed, 0);
}

static void test_frag_passed(void)
{
	uint8_t c[256], b1[64];
	size_t n, n1;

	handshake();
	/* in one packet: forwarded byte for byte */
	n = frag_chunk(c, 0x02, 100, 1, 0, frag_body, 40);
	n += frag_chunk(c + n, 0x01, 101, 1, 0, frag_body, 20);
	{
		uint8_t f[512];
		size_t len = mk(f, 0, TAG_B, c, n);
		int v = enf_frame(tbl, &enf_rec, f, len, SF_DLT_EN10MB, 0, 1, NULL, 0, now, &out);

		CHECK_INT(v, ENF_REWRITTEN);
		CHECK_INT(out.pkt_len, len);
		CHECK_MEM(out.pkt, f, len);
		CHECK_INT(out.n_inject, 0);
	}
	/* across packets: the B fragment leaves first, in a packet of its own
	 * toward B, then the E fragment's packet */
	n1 = frag_chunk(b1, 0x02, 102, 1, 1, frag_body, 40);
	CHECK_INT(feed(0, TAG_B, b1, n1, NULL, 0), ENF_CONSUMED);
	n = frag_chunk(c, 0x01, 103, 1, 1, frag_body, 20);
	CHECK_INT(feed(0, TAG_B, c, n, NULL, 0), ENF_REWRITTEN);
	CHECK_INT(out.n_inject, 1);
	CHECK_INT(out.inject[0].port, 1);
	CHECK_INT(out.inject[0].len, 34 + 12 + n1);
	CHECK_MEM(sctp_of(out.inject[0].pkt), "\x0b\x59\x0b\x5a\x0b\x0b\x0b\x0b", 8);
	CHECK_MEM(sctp_of(out.inject[0].pkt) + 12, b1, n1);
	check_frame_ok(out.inject[0].pkt, out.inject[0].len);
	CHECK_INT(out.pkt_len, 34 + 12 + n);
	CHECK_MEM(sctp_of(out.pkt) + 12, c, n);
	check_frame_ok(out.pkt, out.pkt_len);
	/* B acks R 103 → A sees 103: identity */
	{
		const uint8_t sack[] = {
			0x03, 0x00, 0x00, 0x10,
			0x00, 0x00, 0x00, 0x67,		/* cum TSN 103 */
			0x00, 0x00, 0x80, 0x00,
			0x00, 0x00, 0x00, 0x00,
		};
		CHECK_INT(feed(1, TAG_A, sack, sizeof(sack), NULL, 0), ENF_PASS);
	}
	CHECK_INT(enf_stats(tbl)->frag_held, 2);
	CHECK_INT(enf_stats(tbl)->chunks_removed, 0);
}

static void test_frag_after_removal_renumbered(void)
{
	struct enf_block b = drop_blk(100);
	uint8_t c[128], b1[64];
	size_t n, n1;

	handshake();
	CHECK_INT(feed_data(0, 100, 1, 0, &b), ENF_CONSUMED);
	/* 101 B, 102 E on stream 1: R TSNs 100, 101 and SSN 0 */
	n1 = frag_chunk(b1, 0x02, 101, 1, 1, frag_body, 40);
	CHECK_INT(feed(0, TAG_B, b1, n1, NULL, 0), ENF_CONSUMED);
	n = frag_chunk(c, 0x01, 102, 1, 1, frag_body, 20);
	CHECK_INT(feed(0, TAG_B, c, n, NULL, 0), ENF_REWRITTEN);
	CHECK_INT(out.n_inject, 1);
	CHECK_INT(sf_rd32(sctp_of(out.inject[0].pkt) + 16), 100);
	CHECK_INT(sf_rd16(sctp_of(out.inject[0].pkt) + 22), 0);
	CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 101);
	CHECK_INT(sf_rd16(sctp_of(out.pkt) + 22), 0);
	check_frame_ok(out.inject[0].pkt, out.inject[0].len);
	check_frame_ok(out.pkt, out.pkt_len);
	/* B acks R 101 → A sees 102 */
	{
		const uint8_t sack[] = {
			0x03, 0x00, 0x00, 0x10,
			0x00, 0x00, 0x00, 0x65,		/* cum TSN 101 (R) */
			0x00, 0x00, 0x80, 0x00,
			0x00, 0x00, 0x00, 0x00,
		};
		CHECK_INT(feed(1, TAG_A, sack, sizeof(sack), NULL, 0), ENF_REWRITTEN);
		CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 102);
	}
}

static void test_frag_answer(void)
{
	struct enf_block b = { .tsn = 101, .action = ENF_REJECT, .has_otid = 1, .otid = 0x11223344,
			       .invoke_id = 1, .opcode = 46, .error = 32 };
	uint8_t m[128], c[128];
	size_t pl = mo_payload(m), n;
	const uint8_t *d;
	struct m3ua_view mv;

	handshake();
	/* the M3UA message of test_reject_answer split at byte 30 */
	n = frag_chunk(c, 0x02, 100, 1, 0, m, 30);
	CHECK_INT(feed(0, TAG_B, c, n, NULL, 0), ENF_CONSUMED);
	n = frag_chunk(c, 0x01, 101, 1, 0, m + 30, pl - 30);
	CHECK_INT(feed(0, TAG_B, c, n, &b, 1), ENF_CONSUMED);
	CHECK_INT(out.n_inject, 1);
	check_frame_ok(out.inject[0].pkt, out.inject[0].len);
	/* SACK cum 101, then the answer from B's TSN space */
	CHECK_INT(sf_rd32(sctp_of(out.inject[0].pkt) + 16), 101);
	d = sctp_of(out.inject[0].pkt) + 28;
	CHECK_INT(sf_rd32(d + 4), 500);
	CHECK_INT(m3ua_decode(d + 16, sf_rd16(d + 2) - 16u, &mv), SF_OK);
	CHECK_INT(mv.opc, 2);
	CHECK_INT(mv.dpc, 1);
	CHECK_MEM(mv.user_data.p + 11, "\x65\x87", 2);	/* called GT 5678 */
	CHECK_INT(enf_stats(tbl)->answers_injected, 1);
	CHECK_INT(enf_stats(tbl)->frag_msgs_removed, 1);
}

static void test_frag_hold_bounds(void)
{
	struct enf_block b = drop_blk(101);
	struct enf_inject inj[ENF_INJECT_MAX];
	uint8_t c[128];
	size_t n;

	handshake();
	/* the last fragment does not come within hold_ns (500 ms): the held
	 * one leaves as it is; the message can no longer be removed */
	n = frag_chunk(c, 0x02, 100, 1, 0, frag_body, 40);
	CHECK_INT(feed(0, TAG_B, c, n, NULL, 0), ENF_CONSUMED);
	CHECK_INT(enf_tick(tbl, now + 100000000ull, inj, ENF_INJECT_MAX), 0);
	CHECK_INT(enf_tick(tbl, now + 600000000ull, inj, ENF_INJECT_MAX), 1);
	CHECK_INT(inj[0].port, 1);
	CHECK_MEM(sctp_of(inj[0].pkt) + 12, c, n);
	check_frame_ok(inj[0].pkt, inj[0].len);
	CHECK_INT(enf_stats(tbl)->hold_expired, 1);
	n = frag_chunk(c, 0x01, 101, 1, 0, frag_body, 20);
	CHECK_INT(feed(0, TAG_B, c, n, &b, 1), ENF_PASS);
	CHECK_INT(enf_stats(tbl)->block_passed, 1);

	/* a higher TSN comes first (loss upstream): the held fragment leaves
	 * before it, the lost one becomes a hole */
	handshake();
	n = frag_chunk(c, 0x02, 100, 1, 0, frag_body, 40);
	CHECK_INT(feed(0, TAG_B, c, n, NULL, 0), ENF_CONSUMED);
	{
		uint8_t d[20];

		data_chunk(d, 103, 2, 0);
		CHECK_INT(feed(0, TAG_B, d, sizeof(d), NULL, 0), ENF_REWRITTEN);
		CHECK_INT(out.n_inject, 1);
		CHECK_MEM(sctp_of(out.inject[0].pkt) + 12, c, n);
		CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 103);
	}
	CHECK_INT(enf_stats(tbl)->hold_released, 1);
	CHECK_INT(enf_stats(tbl)->late_arrivals, 0);
	n = frag_chunk(c, 0x00, 101, 1, 0, frag_body, 40);
	CHECK_INT(feed(0, TAG_B, c, n, NULL, 0), ENF_PASS);
	CHECK_INT(enf_stats(tbl)->late_arrivals, 1);

	/* a message longer than hold_bytes is forwarded as it comes */
	{
		char err[128];
		struct enf_config cf = { .max_assocs = 16, .window = 256, .hold_bytes = 64 };
		const uint8_t init[] = {
			0x01, 0x00, 0x00, 0x14, 0x0a, 0x0a, 0x0a, 0x0a, 0x00, 0x01, 0x00, 0x00,
			0x00, 0x0a, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x64,
		};
		const uint8_t init_ack[] = {
			0x02, 0x00, 0x00, 0x1c, 0x0b, 0x0b, 0x0b, 0x0b, 0x00, 0x00, 0x80, 0x00,
			0x00, 0x0a, 0x00, 0x0a, 0x00, 0x00, 0x01, 0xf4, 0x00, 0x07, 0x00, 0x08,
			0xc0, 0x0c, 0x1e, 0x00,
		};

		enf_destroy(tbl);
		tbl = enf_create(&cf, err, sizeof(err));
		CHECK(tbl != NULL);
		feed(0, 0, init, sizeof(init), NULL, 0);
		feed(1, TAG_A, init_ack, sizeof(init_ack), NULL, 0);
		n = frag_chunk(c, 0x02, 100, 1, 0, frag_body, 40);
		CHECK_INT(feed(0, TAG_B, c, n, NULL, 0), ENF_CONSUMED);
		n = frag_chunk(c, 0x00, 101, 1, 0, frag_body, 40);
		CHECK_INT(feed(0, TAG_B, c, n, NULL, 0), ENF_REWRITTEN);	/* 56 + 56 > 64 */
		CHECK_INT(out.n_inject, 1);
		CHECK_INT(sf_rd32(sctp_of(out.inject[0].pkt) + 16), 100);
		CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 101);
		CHECK_INT(enf_stats(tbl)->hold_released, 1);
	}
}

static void test_answer_waits_for_open_message(void)
{
	struct enf_block b = { .tsn = 100, .action = ENF_REJECT, .has_otid = 1, .otid = 0x11223344,
			       .invoke_id = 1, .opcode = 46, .error = 32 };
	struct enf_inject inj[ENF_INJECT_MAX];
	uint8_t c[200];
	size_t n;

	handshake();
	/* B → A: a B fragment held past hold_ns leaves as it is; its E has
	 * not come yet */
	n = frag_chunk(c, 0x02, 500, 1, 0, frag_body, 40);
	CHECK_INT(feed(1, TAG_A, c, n, NULL, 0), ENF_CONSUMED);
	CHECK_INT(enf_tick(tbl, now + 600000000ull, inj, ENF_INJECT_MAX), 1);
	now += 600000000ull;
	/* A → B: a blocked Invoke; its answer toward A must not come between
	 * TSN 500 and 501 (a receiver aborts on a gap inside a message) */
	n = 16 + mo_payload(c + 16);
	c[0] = 0x00; c[1] = 0x03;
	sf_wr16(c + 2, (uint16_t)n);
	sf_wr32(c + 4, 100);
	sf_wr16(c + 8, 1);
	sf_wr16(c + 10, 0);
	sf_wr32(c + 12, 3);
	CHECK_INT(feed(0, TAG_B, c, n, &b, 1), ENF_CONSUMED);
	CHECK_INT(out.n_inject, 1);
	CHECK_INT(out.inject[0].len, 34 + 12 + 16);	/* the SACK alone */
	/* the E fragment: then the answer takes TSN 502 */
	n = frag_chunk(c, 0x01, 501, 1, 0, frag_body, 20);
	CHECK_INT(feed(1, TAG_A, c, n, NULL, 0), ENF_PASS);
	CHECK_INT(out.n_inject, 1);
	CHECK_INT(out.inject[0].port, 0);
	CHECK_INT(sctp_of(out.inject[0].pkt)[12], 0x00);
	CHECK_INT(sf_rd32(sctp_of(out.inject[0].pkt) + 16), 502);
	CHECK_INT(enf_stats(tbl)->answers_injected, 1);
}

/* Frames above 4,096 bytes (jumbo frames, large bundles) are enforced
 * like any other: a 8 kB bundle with a blocked chunk in its middle, and a
 * message whose 6 kB B fragment is held and released. */
static void test_jumbo_frame(void)
{
	static uint8_t c[9000], f[9100], big[6000];
	struct enf_block b = drop_blk(200);
	size_t n = 0, len;

	handshake();
	/* 150 whole messages of 56 bytes, TSN 100..249, SSN 0..149 */
	for (uint32_t i = 0; i < 150; i++)
		n += frag_chunk(c + n, 0x03, 100 + i, 1, (uint16_t)i, frag_body, 40);
	len = mk(f, 0, TAG_B, c, n);
	CHECK_INT(len, 34 + 12 + 8400);
	CHECK_INT(enf_frame(tbl, &enf_rec, f, len, SF_DLT_EN10MB, 0, 1, &b, 1, now, &out), ENF_REWRITTEN);
	CHECK_INT(out.pkt_len, len - 56);
	check_frame_ok(out.pkt, out.pkt_len);
	/* chunk 100 is gone: the one after it is TSN 200, SSN 100 now */
	CHECK_MEM(out.pkt + 46, f + 46, 100 * 56);
	CHECK_INT(sf_rd32(out.pkt + 46 + 100 * 56 + 4), 200);
	CHECK_INT(sf_rd16(out.pkt + 46 + 100 * 56 + 10), 100);
	CHECK_INT(sf_rd32(out.pkt + 46 + 148 * 56 + 4), 248);
	CHECK_INT(out.n_inject, 0);	/* acked with its neighbours, by B's SACK */
	CHECK_INT(enf_stats(tbl)->chunks_removed, 1);

	/* a 6 kB B fragment: held, then released ahead of its E */
	memset(big, 0x5a, sizeof(big));
	n = frag_chunk(c, 0x02, 250, 1, 150, big, sizeof(big));
	len = mk(f, 0, TAG_B, c, n);
	CHECK_INT(enf_frame(tbl, &enf_rec, f, len, SF_DLT_EN10MB, 0, 1, NULL, 0, now, &out), ENF_CONSUMED);
	n = frag_chunk(c, 0x01, 251, 1, 150, frag_body, 20);
	CHECK_INT(feed(0, TAG_B, c, n, NULL, 0), ENF_REWRITTEN);
	CHECK_INT(out.n_inject, 1);
	CHECK_INT(out.inject[0].len, 34 + 12 + 16 + sizeof(big));
	check_frame_ok(out.inject[0].pkt, out.inject[0].len);
	CHECK_INT(sf_rd32(sctp_of(out.inject[0].pkt) + 16), 249);
	CHECK_INT(sf_rd16(sctp_of(out.inject[0].pkt) + 22), 149);
	CHECK_MEM(sctp_of(out.inject[0].pkt) + 28, big, sizeof(big));
	CHECK_INT(sf_rd32(sctp_of(out.pkt) + 16), 250);
	CHECK_INT(enf_stats(tbl)->hold_unheld, 0);
}

/* A blocked message part of which left already (its hold given up, or a
 * fragment came late): with FORWARD-TSN the receiver is moved past it and
 * discards the partial message (RFC 3758 §3.6). */
static void test_frag_partial_skipped(void)
{
	struct enf_block b = drop_blk(101);
	struct enf_inject inj[ENF_INJECT_MAX];
	/* RFC 3758 §3.2 toward B: new cum TSN 101, stream 1 SSN 0 */
	const uint8_t fwd[] = {
		0xc0, 0x00, 0x00, 0x0c,
		0x00, 0x00, 0x00, 0x65,		/* new cum TSN 101 */
		0x00, 0x01, 0x00, 0x00,		/* stream 1, SSN 0 */
	};
	uint8_t c[128];
	size_t n;

	/* the hold expired: B left as R 100; the blocked E is R 101, skipped */
	handshake_prsctp();
	n = frag_chunk(c, 0x02, 100, 1, 0, frag_body, 40);
	CHECK_INT(feed(0, TAG_B, c, n, NULL, 0), ENF_CONSUMED);
	CHECK_INT(enf_tick(tbl, now + 600000000ull, inj, ENF_INJECT_MAX), 1);
	now += 600000000ull;
	n = frag_chunk(c, 0x01, 101, 1, 0, frag_body, 20);
	CHECK_INT(feed(0, TAG_B, c, n, &b, 1), ENF_CONSUMED);
	CHECK_INT(out.n_inject, 1);
	CHECK_INT(out.inject[0].port, 1);
	CHECK_MEM(sctp_of(out.inject[0].pkt) + 12, fwd, sizeof(fwd));
	check_frame_ok(out.inject[0].pkt, out.inject[0].len);
	CHECK_INT(enf_stats(tbl)->frag_msgs_skipped, 1);
	CHECK_INT(enf_stats(tbl)->block_passed, 0);
	/* the stream's next message keeps its SSN: SSN 0 is spent */
	CHECK_INT(feed_data(0, 102, 1, 1, NULL), ENF_PASS);

	/* E lost upstream: B leaves before TSN 103 (hole 101); E comes late */
	handshake_prsctp();
	n = frag_chunk(c, 0x02, 100, 1, 0, frag_body, 40);
	CHECK_INT(feed(0, TAG_B, c, n, NULL, 0), ENF_CONSUMED);
	CHECK_INT(feed_data(0, 102, 2, 0, NULL), ENF_REWRITTEN);
	CHECK_INT(out.n_inject, 1);		/* B, R 100 */
	n = frag_chunk(c, 0x01, 101, 1, 0, frag_body, 20);
	CHECK_INT(feed(0, TAG_B, c, n, &b, 1), ENF_CONSUMED);
	CHECK_INT(out.n_inject, 1);
	CHECK_MEM(sctp_of(out.inject[0].pkt) + 12, fwd, sizeof(fwd));
	CHECK_INT(enf_stats(tbl)->frag_msgs_skipped, 1);
	CHECK_INT(enf_stats(tbl)->late_arrivals, 1);
	CHECK_INT(enf_stats(tbl)->block_passed, 0);
	{
		/* B acks R 102: A sees everything up to 102 */
		const uint8_t sack[] = {
			0x03, 0x00, 0x00, 0x10,
			0x00, 0x00, 0x00, 0x66,		/* cum TSN 102 */
			0x00, 0x00, 0x80, 0x00,
			0x00, 0x00, 0x00, 0x00,
		};
		CHECK_INT(feed(1, TAG_A, sack, sizeof(sack), NULL, 0), ENF_PASS);
		CHECK_INT(enf_tick(tbl, now + 5000000000ull, inj, ENF_INJECT_MAX), 0);
	}
}

/* A chunk whose length runs past the packet: a receiver drops it and what
 * follows (RFC 9260 §3.2), not the chunks before it, so those are still
 * enforced and the packet goes on without the malformed rest. */
static void test_malformed_tail(void)
{
	struct enf_block b = drop_blk(101);
	uint8_t c[64];
	size_t n;
	const uint8_t bad[] = {
		0x00, 0x03, 0x00, 0xc8,		/* DATA, length 200: past the packet */
		0x00, 0x00, 0x00, 0x66,
	};

	handshake();
	n = data_chunk(c, 100, 1, 0);
	memcpy(c + n, bad, sizeof(bad));
	CHECK_INT(feed(0, TAG_B, c, n + sizeof(bad), NULL, 0), ENF_REWRITTEN);
	CHECK_INT(out.pkt_len, 34 + 12 + 20);
	CHECK_MEM(sctp_of(out.pkt) + 12, c, 20);
	check_frame_ok(out.pkt, out.pkt_len);
	/* a blocked chunk before it is removed, not passed as it came */
	n = data_chunk(c, 101, 1, 1);
	memcpy(c + n, bad, sizeof(bad));
	CHECK_INT(feed(0, TAG_B, c, n + sizeof(bad), &b, 1), ENF_CONSUMED);
	CHECK_INT(enf_stats(tbl)->chunks_removed, 1);
	CHECK_INT(enf_stats(tbl)->malformed_tail, 2);
}

int main(void)
{
	RUN(test_untouched_without_blocks);
	RUN(test_remove_and_renumber);
	RUN(test_retransmissions);
	RUN(test_sack_gaps_and_dups);
	RUN(test_shutdown_and_fwd_tsn);
	RUN(test_mixed_packet);
	RUN(test_removed_waits_for_neighbours);
	RUN(test_late_chunk);
	RUN(test_late_ssn);
	RUN(test_late_block_skipped);
	RUN(test_reject_answer);
	RUN(test_answer_retransmitted);
	RUN(test_answers_split_by_mtu);
	RUN(test_frag_blocked_one_packet);
	RUN(test_frag_blocked_across_packets);
	RUN(test_frag_passed);
	RUN(test_frag_after_removal_renumbered);
	RUN(test_frag_answer);
	RUN(test_frag_hold_bounds);
	RUN(test_answer_waits_for_open_message);
	RUN(test_jumbo_frame);
	RUN(test_frag_partial_skipped);
	RUN(test_malformed_tail);
	RUN(test_two_init_acks);
	RUN(test_unknown_and_abort);
	RUN(test_not_sctp);
	RUN(test_bad_config);
	RUN(test_bench);
	enf_destroy(tbl);
	return TEST_SUMMARY();
}
