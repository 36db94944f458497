/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target for SCTP-aware enforcement (dataplane/core/enforce): after a
 * fixed INIT / INIT-ACK (RFC 9260 §3.3.2-3, both with Forward-TSN-Supported),
 * the input is a sequence of packets of one association, each
 *   [flags: bit0 direction B→A, bit1 block the first DATA chunk,
 *    bit2 action reject, bit3 run the timer tick][len: 1 byte][chunks]
 * wrapped in Ethernet/IPv4/SCTP with the right verification tag and
 * checksum, so that the state machine (renumbering, SACK / FORWARD-TSN /
 * SHUTDOWN translation, answers, skips) sees arbitrary chunk sequences.
 * Every output packet must be well formed: its SCTP checksum verifies. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode/l2l3.h"
#include "decode/sctp.h"
#include "enforce/enforce.h"
#include "flow/pipeline.h"
#include "sf_crc32c.h"

/* enf_frame's record of each frame (as the pipeline would make it) */
static struct sf_pkt_rec enf_rec;

#define TAG_A 0x0A0A0A0Au
#define TAG_B 0x0B0B0B0Bu

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t frame(uint8_t *f, int dir, uint32_t vtag, const uint8_t *c, size_t n)
{
	uint8_t *ip = f + 14, *sc = f + 34;
	uint32_t sum = 0, k;

	memset(f, 0, 34);
	f[0] = 2; f[5] = dir ? 0x0a : 0x0b;
	f[6] = 2; f[11] = dir ? 0x0b : 0x0a;
	f[12] = 0x08;
	ip[0] = 0x45;
	sf_wr16(ip + 2, (uint16_t)(20 + 12 + n));
	ip[8] = 64;
	ip[9] = 132;
	ip[12] = 10; ip[15] = dir ? 2 : 1;
	ip[16] = 10; ip[19] = dir ? 1 : 2;
	for (int i = 0; i < 20; i += 2)
		sum += sf_rd16(ip + i);
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	sf_wr16(ip + 10, (uint16_t)~sum);
	sf_wr16(sc, dir ? 2906 : 2905);
	sf_wr16(sc + 2, dir ? 2905 : 2906);
	sf_wr32(sc + 4, vtag);
	memset(sc + 8, 0, 4);
	memcpy(sc + 12, c, n);
	k = sf_sctp_checksum(sc, 12 + n);
	sc[8] = (uint8_t)k; sc[9] = (uint8_t)(k >> 8); sc[10] = (uint8_t)(k >> 16); sc[11] = (uint8_t)(k >> 24);
	return 34 + 12 + n;
}

static void check_out(const uint8_t *p, size_t len)
{
	struct l2l3_view l;

	if (l2l3_decode(p, len, SF_DLT_EN10MB, &l) != SF_OK || !sctp_checksum_ok(l.l4.p, l.l4.len))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t init[] = {
		0x01, 0x00, 0x00, 0x18, 0x0a, 0x0a, 0x0a, 0x0a, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x0a, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x64, 0xc0, 0x00, 0x00, 0x04,
	};
	static const uint8_t init_ack[] = {
		0x02, 0x00, 0x00, 0x1c, 0x0b, 0x0b, 0x0b, 0x0b, 0x00, 0x00, 0x80, 0x00,
		0x00, 0x0a, 0x00, 0x0a, 0x00, 0x00, 0x01, 0xf4, 0xc0, 0x00, 0x00, 0x04,
		0x00, 0x07, 0x00, 0x04,
	};
	static struct enf_out out;
	struct enf_inject inj[4];
	struct enf_config c = { .max_assocs = 16, .window = 64, .rto_ns = 1000 };
	char err[128];
	struct enf_table *t = enf_create(&c, err, sizeof(err));
	uint8_t f[400];
	uint64_t now = 1;
	size_t off = 0;

	if (!t)
		return 0;
	enf_frame(t, &enf_rec, f, frame(f, 0, 0, init, sizeof(init)), SF_DLT_EN10MB, 0, 1, NULL, 0, now, &out);
	enf_frame(t, &enf_rec, f, frame(f, 1, TAG_A, init_ack, sizeof(init_ack)), SF_DLT_EN10MB, 1, 0, NULL, 0, now, &out);
	while (size - off >= 2) {
		uint8_t fl = data[off], n = data[off + 1];
		int dir = fl & 1;
		struct enf_block b;
		size_t len;
		int v;

		off += 2;
		if (n > size - off)
			break;
		len = frame(f, dir, dir ? TAG_A : TAG_B, data + off, n);
		memset(&b, 0, sizeof(b));
		/* the first DATA chunk's TSN, if the input starts with one */
		if (n >= 16 && data[off] == 0)
			b.tsn = sf_rd32(data + off + 4);
		b.action = fl & 4 ? ENF_REJECT : ENF_FAKE_ACK;
		b.has_otid = 1;
		b.otid = 7;
		now += 500;
		v = enf_frame(t, &enf_rec, f, len, SF_DLT_EN10MB, (uint16_t)dir, (uint16_t)(1 - dir),
			       &b, (fl & 2) ? 1 : 0, now, &out);
		if (v == ENF_REWRITTEN)
			check_out(out.pkt, out.pkt_len);
		for (unsigned i = 0; i < out.n_inject; i++)
			check_out(out.inject[i].pkt, out.inject[i].len);
		if (fl & 8) {
			unsigned k = enf_tick(t, now, inj, 4);

			for (unsigned i = 0; i < k; i++)
				check_out(inj[i].pkt, inj[i].len);
		}
		off += n;
	}
	enf_destroy(t);
	return 0;
}
