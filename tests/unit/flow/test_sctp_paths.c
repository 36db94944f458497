/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP multi-homing (flow/sctp_paths.h): the addresses an INIT and its
 * INIT-ACK list map every pair they allow to the INIT's pair, both
 * directions; a pair nobody declared stays itself; IPv6 and the source
 * address count; more than SCTP_PATHS_ADDR_MAX addresses are counted and
 * ignored; a malformed parameter ends the reading; a full table evicts
 * the least recently used pair, counted. ASCONF (RFC 5061): an address
 * added or deleted joins or leaves the association only when the peer's
 * ASCONF-ACK accepts it (no response before a failure, or a Success
 * Indication), from either side, bundled after AUTH, sent from the new
 * address itself (wildcard); an ACK answering nothing changes nothing. */
#include <string.h>

#include "flow/sctp_paths.h"
#include "sf_bytes.h"
#include "sf_test.h"

static void v4(uint8_t a[16], uint8_t x, uint8_t y, uint8_t z, uint8_t w)
{
	memset(a, 0, 16);
	a[0] = x;
	a[1] = y;
	a[2] = z;
	a[3] = w;
}

/* An SCTP packet with one INIT (1) or INIT-ACK (2) chunk whose parameters
 * are params (already encoded); returns its length. */
static size_t init_pkt(uint8_t *p, uint8_t type, uint16_t sport, uint16_t dport,
		       const uint8_t *params, size_t plen)
{
	size_t clen = 4 + 16 + plen;

	memset(p, 0, 12 + clen);
	sf_wr16(p, sport);
	sf_wr16(p + 2, dport);
	p[12] = type;
	sf_wr16(p + 14, (uint16_t)clen);
	sf_wr32(p + 16, 0x01020304);	/* initiate tag */
	memcpy(p + 12 + 4 + 16, params, plen);
	return 12 + clen;
}

static size_t param_v4(uint8_t *p, const uint8_t a[16])
{
	sf_wr16(p, 5);
	sf_wr16(p + 2, 8);
	memcpy(p + 4, a, 4);
	return 8;
}

static size_t param_v6(uint8_t *p, const uint8_t a[16])
{
	sf_wr16(p, 6);
	sf_wr16(p + 2, 20);
	memcpy(p + 4, a, 16);
	return 20;
}

/* 1 when src → dst maps to want_src → want_dst */
static int maps_to(struct sctp_paths *t, const uint8_t *src, const uint8_t *dst,
		   const uint8_t *want_src, const uint8_t *want_dst)
{
	const uint8_t *a, *b;

	sctp_paths_map(t, src, dst, &a, &b, 10);
	return !memcmp(a, want_src, 16) && !memcmp(b, want_dst, 16);
}

static void test_init_and_ack(void)
{
	struct sctp_paths *t = sctp_paths_create(64);
	uint8_t a1[16], a2[16], b1[16], b2[16], b3[16], x[16], pkt[256], par[128];
	struct sctp_paths_stats st;
	size_t n;
	const uint8_t *ps, *pd;

	CHECK(t != NULL);
	if (!t)
		return;
	v4(a1, 10, 0, 0, 1);
	v4(a2, 10, 0, 1, 1);
	v4(b1, 10, 0, 0, 2);
	v4(b2, 10, 0, 1, 2);
	memset(b3, 0, 16);
	b3[0] = 0x20;
	b3[1] = 0x01;
	b3[15] = 2;	/* an IPv6 address of the responder */
	v4(x, 192, 0, 2, 9);
	/* nothing learned: every pair is itself, not mapped */
	CHECK_INT(sctp_paths_map(t, a2, b2, &ps, &pd, 1), 0);
	CHECK(ps == a2 && pd == b2);
	/* INIT a1 → b1 listing a2; INIT-ACK b1 → a1 listing b2 and b3 */
	n = param_v4(par, a2);
	sctp_paths_learn(t, a1, b1, pkt, init_pkt(pkt, 1, 2905, 2906, par, n), 1);
	n = param_v4(par, b2);
	n += param_v6(par + n, b3);
	sctp_paths_learn(t, b1, a1, pkt, init_pkt(pkt, 2, 2906, 2905, par, n), 2);
	/* 2 × 3 pairs, both directions, less the INIT's own pair */
	sctp_paths_get_stats(t, &st);
	CHECK_INT(st.inits, 1);
	CHECK_INT(st.init_acks, 1);
	CHECK_INT(st.in_use, 10);
	CHECK(maps_to(t, a2, b2, a1, b1));
	CHECK(maps_to(t, b2, a2, b1, a1));
	CHECK(maps_to(t, a1, b3, a1, b1));
	CHECK(maps_to(t, b3, a2, b1, a1));
	CHECK(maps_to(t, a2, b1, a1, b1));
	CHECK_INT(sctp_paths_map(t, a1, b1, &ps, &pd, 3), 0);	/* the primary is itself */
	/* a pair no endpoint declared stays on its own */
	CHECK_INT(sctp_paths_map(t, x, b1, &ps, &pd, 3), 0);
	CHECK_INT(sctp_paths_map(t, a2, x, &ps, &pd, 3), 0);
	sctp_paths_destroy(t);
}

static void test_ack_without_init_and_malformed(void)
{
	struct sctp_paths *t = sctp_paths_create(64);
	uint8_t a1[16], b1[16], b2[16], b4[16], pkt[256], par[128];
	struct sctp_paths_stats st;
	size_t n;

	if (!t) {
		CHECK(0);
		return;
	}
	v4(a1, 10, 0, 0, 1);
	v4(b1, 10, 0, 0, 2);
	v4(b2, 10, 0, 1, 2);
	v4(b4, 10, 0, 4, 2);
	/* the INIT was not seen: the initiator is the INIT-ACK's destination */
	n = param_v4(par, b2);
	/* then a parameter whose length runs past the chunk: reading stops */
	sf_wr16(par + n, 5);
	sf_wr16(par + n + 2, 200);
	n += 4;
	sctp_paths_learn(t, b1, a1, pkt, init_pkt(pkt, 2, 2906, 2905, par, n), 1);
	CHECK(maps_to(t, a1, b2, a1, b1));
	CHECK(maps_to(t, b2, a1, b1, a1));
	sctp_paths_get_stats(t, &st);
	CHECK_INT(st.in_use, 2);
	/* a chunk that is neither changes nothing */
	n = param_v4(par, b4);
	sctp_paths_learn(t, b1, a1, pkt, init_pkt(pkt, 0, 2906, 2905, par, n), 2);
	sctp_paths_get_stats(t, &st);
	CHECK_INT(st.in_use, 2);
	CHECK_INT(st.init_acks, 1);
	/* a chunk length beyond the packet: ignored */
	init_pkt(pkt, 2, 2906, 2905, par, n);
	sctp_paths_learn(t, b1, a1, pkt, 12 + 4 + 16, 3);
	sctp_paths_get_stats(t, &st);
	CHECK_INT(st.in_use, 2);
	sctp_paths_destroy(t);
}

static void test_bounds(void)
{
	struct sctp_paths *t = sctp_paths_create(16);
	uint8_t a1[16], b1[16], ax[16], pkt[512], par[256];
	struct sctp_paths_stats st;
	size_t n = 0;

	if (!t) {
		CHECK(0);
		return;
	}
	v4(a1, 10, 0, 0, 1);
	v4(b1, 10, 0, 0, 2);
	/* an INIT listing 12 addresses: its own + 7 kept, 5 ignored */
	for (uint8_t i = 0; i < 12; i++) {
		v4(ax, 10, 1, 0, (uint8_t)(i + 1));
		n += param_v4(par + n, ax);
	}
	sctp_paths_learn(t, a1, b1, pkt, init_pkt(pkt, 1, 1, 2, par, n), 1);
	sctp_paths_learn(t, b1, a1, pkt, init_pkt(pkt, 2, 2, 1, par, 0), 2);
	sctp_paths_get_stats(t, &st);
	CHECK_INT(st.addrs_ignored, 5);
	/* 8 × 1 pairs, both directions, less the primary: 14 of 16 */
	CHECK_INT(st.in_use, 14);
	CHECK_INT(st.evictions, 0);
	/* another association of 8 × 1 pairs: the oldest are evicted, counted */
	v4(a1, 10, 0, 0, 3);
	n = 0;
	for (uint8_t i = 0; i < 7; i++) {
		v4(ax, 10, 2, 0, (uint8_t)(i + 1));
		n += param_v4(par + n, ax);
	}
	v4(ax, 10, 2, 0, 1);
	sctp_paths_learn(t, a1, b1, pkt, init_pkt(pkt, 1, 3, 4, par, n), 3);
	sctp_paths_learn(t, b1, a1, pkt, init_pkt(pkt, 2, 4, 3, par, 0), 4);
	sctp_paths_get_stats(t, &st);
	CHECK_INT(st.in_use, 16);
	CHECK_INT(st.evictions, 12);
	CHECK(maps_to(t, ax, b1, a1, b1));	/* the newest association's pair */
	sctp_paths_destroy(t);
}

/* An SCTP packet: an AUTH chunk (as RFC 5061 requires before an ASCONF),
 * then an ASCONF (0xC1) or ASCONF-ACK (0x80) whose body is b. */
static size_t asconf_pkt(uint8_t *p, uint8_t type, const uint8_t *b, size_t blen)
{
	size_t off = 12;

	memset(p, 0, 12 + 16 + 4 + blen + 4);
	sf_wr16(p, 2905);
	sf_wr16(p + 2, 2905);
	p[off] = 15;			/* AUTH: key id, HMAC id, an 8-byte HMAC */
	sf_wr16(p + off + 2, 16);
	off += 16;
	p[off] = type;
	sf_wr16(p + off + 2, (uint16_t)(4 + blen));
	memcpy(p + off + 4, b, blen);
	return off + ((4 + blen + 3) & ~(size_t)3);
}

/* an Add IP Address (0xC001) or Delete IP Address (0xC002) request */
static size_t req_v4(uint8_t *p, uint16_t type, uint32_t corr, const uint8_t a[16])
{
	sf_wr16(p, type);
	sf_wr16(p + 2, 16);
	sf_wr32(p + 4, corr);
	return 8 + param_v4(p + 8, a);
}

/* an Error Cause Indication (0xC003) or Success Indication (0xC005) */
static size_t resp_ind(uint8_t *p, uint16_t type, uint32_t corr)
{
	sf_wr16(p, type);
	sf_wr16(p + 2, 8);
	sf_wr32(p + 4, corr);
	return 8;
}

static void test_asconf(void)
{
	struct sctp_paths *t = sctp_paths_create(64);
	uint8_t a1[16], a2[16], a3[16], b1[16], b2[16], b3[16], b4[16], c1[16], any[16];
	uint8_t pkt[256], body[128];
	struct sctp_paths_stats st;
	size_t n;

	if (!t) {
		CHECK(0);
		return;
	}
	v4(a1, 10, 0, 0, 1);
	v4(a2, 10, 0, 1, 1);
	v4(a3, 10, 0, 2, 1);
	v4(b1, 10, 0, 0, 2);
	v4(b2, 10, 0, 1, 2);
	v4(b3, 10, 0, 2, 2);
	v4(b4, 10, 0, 3, 2);
	v4(c1, 10, 9, 9, 9);
	memset(any, 0, sizeof(any));
	/* a single-homed association */
	sctp_paths_learn(t, a1, b1, pkt, init_pkt(pkt, 1, 2905, 2905, body, 0), 1);
	sctp_paths_learn(t, b1, a1, pkt, init_pkt(pkt, 2, 2905, 2905, body, 0), 2);
	CHECK(sctp_paths_wanted(pkt, init_pkt(pkt, 2, 2905, 2905, body, 0)));

	/* the initiator adds A2: nothing until the ACK */
	sf_wr32(body, 7);
	n = 4 + param_v4(body + 4, a1);
	n += req_v4(body + n, 0xC001, 1, a2);
	CHECK(sctp_paths_wanted(pkt, asconf_pkt(pkt, 0xC1, body, n)));
	sctp_paths_learn(t, a1, b1, pkt, asconf_pkt(pkt, 0xC1, body, n), 3);
	CHECK(maps_to(t, a2, b1, a2, b1));
	/* an ACK of another serial number answers nothing */
	sf_wr32(body, 6);
	sctp_paths_learn(t, b1, a1, pkt, asconf_pkt(pkt, 0x80, body, 4), 4);
	CHECK(maps_to(t, a2, b1, a2, b1));
	/* accepted (no response: success) */
	sf_wr32(body, 7);
	sctp_paths_learn(t, b1, a1, pkt, asconf_pkt(pkt, 0x80, body, 4), 5);
	CHECK(maps_to(t, a2, b1, a1, b1));
	CHECK(maps_to(t, b1, a2, b1, a1));

	/* the responder adds B2, B3, B4; B3 fails: B2 (before it) is
	 * accepted, B4 (after it) only with its Success Indication */
	sf_wr32(body, 3);
	n = 4 + param_v4(body + 4, b1);
	n += req_v4(body + n, 0xC001, 5, b2);
	n += req_v4(body + n, 0xC001, 6, b3);
	n += req_v4(body + n, 0xC001, 7, b4);
	sctp_paths_learn(t, b1, a1, pkt, asconf_pkt(pkt, 0xC1, body, n), 6);
	n = 4;
	n += resp_ind(body + n, 0xC003, 6);
	n += resp_ind(body + n, 0xC005, 7);
	sctp_paths_learn(t, a1, b1, pkt, asconf_pkt(pkt, 0x80, body, n), 7);
	CHECK(maps_to(t, a1, b2, a1, b1));
	CHECK(maps_to(t, a2, b2, a1, b1));	/* × every initiator address */
	CHECK(maps_to(t, b2, a2, b1, a1));
	CHECK(maps_to(t, a1, b3, a1, b3));	/* refused */
	CHECK(maps_to(t, a1, b4, a1, b1));
	/* the same ACK again: already done, counted as answering nothing */
	sctp_paths_learn(t, a1, b1, pkt, asconf_pkt(pkt, 0x80, body, n), 8);

	/* the initiator deletes A2 (its Success Indication) */
	sf_wr32(body, 8);
	n = 4 + param_v4(body + 4, a1);
	n += req_v4(body + n, 0xC002, 2, a2);
	sctp_paths_learn(t, a1, b1, pkt, asconf_pkt(pkt, 0xC1, body, n), 9);
	n = 4 + resp_ind(body + 4, 0xC005, 2);
	sctp_paths_learn(t, b1, a1, pkt, asconf_pkt(pkt, 0x80, body, n), 10);
	CHECK(maps_to(t, a2, b1, a2, b1));
	CHECK(maps_to(t, b2, a2, b2, a2));
	CHECK(maps_to(t, a1, b2, a1, b1));	/* the others stay */

	/* sent from the address it adds (the wildcard, §4.2.1), found by the
	 * address it names; the ACK goes back to that address */
	sf_wr32(body, 9);
	n = 4 + param_v4(body + 4, a1);
	n += req_v4(body + n, 0xC001, 3, any);
	sctp_paths_learn(t, a3, b1, pkt, asconf_pkt(pkt, 0xC1, body, n), 11);
	sctp_paths_learn(t, b1, a3, pkt, asconf_pkt(pkt, 0x80, body, 4), 12);
	CHECK(maps_to(t, a3, b4, a1, b1));

	/* an association whose set-up was not seen */
	sf_wr32(body, 1);
	n = 4 + param_v4(body + 4, c1);
	n += req_v4(body + n, 0xC001, 1, a2);
	sctp_paths_learn(t, c1, b1, pkt, asconf_pkt(pkt, 0xC1, body, n), 13);
	sctp_paths_learn(t, b1, c1, pkt, asconf_pkt(pkt, 0x80, body, 4), 14);
	CHECK(maps_to(t, a2, b1, a2, b1));

	sctp_paths_get_stats(t, &st);
	CHECK_INT(st.asconf_added, 4);
	CHECK_INT(st.asconf_deleted, 1);
	CHECK_INT(st.asconf_refused, 1);
	CHECK_INT(st.asconf_unknown, 4);	/* serial 6, the repeated ACK, C1's two */
	/* a packet of one DATA chunk is not read */
	memset(pkt, 0, 32);
	pkt[12] = 0;
	sf_wr16(pkt + 14, 20);
	CHECK(!sctp_paths_wanted(pkt, 32));

	/* a restart: the export read back into a new table maps the same
	 * paths, the ASCONFs' changes included; a damaged one changes nothing */
	{
		uint8_t ex[2048];
		size_t need = sctp_paths_export(t, NULL, 0);
		struct sctp_paths *t2 = sctp_paths_create(64);
		char err[128];

		CHECK(need <= sizeof(ex) && t2 != NULL);
		if (need <= sizeof(ex) && t2) {
			CHECK_INT(sctp_paths_export(t, ex, sizeof(ex)), need);
			ex[need - 20] ^= 1;
			CHECK_INT(sctp_paths_import(t2, ex, need, 20, err, sizeof(err)), -1);
			CHECK_STR(err, "checksum mismatch (a file cut short or damaged)");
			ex[need - 20] ^= 1;
			CHECK_INT(sctp_paths_import(t2, ex, need - 40, 20, err, sizeof(err)), -1);
			CHECK(maps_to(t2, a1, b2, a1, b2));
			CHECK_INT(sctp_paths_import(t2, ex, need, 20, err, sizeof(err)), 0);
			CHECK(maps_to(t2, a1, b2, a1, b1));
			CHECK(maps_to(t2, b4, a3, b1, a1));
			CHECK(maps_to(t2, a2, b1, a2, b1));	/* deleted stays deleted */
			/* and its ASCONFs go on */
			sf_wr32(body, 10);
			n = 4 + param_v4(body + 4, a1);
			n += req_v4(body + n, 0xC001, 4, a2);
			sctp_paths_learn(t2, a1, b1, pkt, asconf_pkt(pkt, 0xC1, body, n), 21);
			sctp_paths_learn(t2, b1, a1, pkt, asconf_pkt(pkt, 0x80, body, 4), 22);
			CHECK(maps_to(t2, a2, b3, a2, b3));	/* B3 was refused */
			CHECK(maps_to(t2, a2, b4, a1, b1));
		}
		sctp_paths_destroy(t2);
	}
	sctp_paths_destroy(t);
}

int main(void)
{
	RUN(test_init_and_ack);
	RUN(test_ack_without_init_and_malformed);
	RUN(test_bounds);
	RUN(test_asconf);
	return TEST_SUMMARY();
}
