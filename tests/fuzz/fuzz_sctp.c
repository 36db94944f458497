/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: the input is an SCTP packet; decode the common header,
 * check the CRC, walk every chunk through its decoder and every DATA
 * payload through M3UA, touching every byte each view claims. */
#include <stddef.h>
#include <stdint.h>

#include "decode/m3ua.h"
#include "decode/sctp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void touch(struct sf_bytes b)
{
	uint8_t x = 0;

	for (size_t i = 0; i < b.len; i++)
		x ^= b.p[i];
	sink ^= x;
}

static void walk_m3ua(struct sf_bytes b)
{
	struct m3ua_view m;
	struct m3ua_param_iter it;
	struct m3ua_param prm;

	m3ua_decode(b.p, b.len, &m);
	touch(m.params);
	touch(m.user_data);
	m3ua_param_iter_init(&it, &m);
	while (m3ua_param_next(&it, &prm) > 0)
		touch(prm.value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sctp_view v;
	struct sctp_chunk_iter it;
	struct sctp_chunk c;
	unsigned n = 0;

	sink ^= (uint8_t)sctp_checksum_ok(data, size);
	if (sctp_decode(data, size, &v) != SF_OK && v.chunks.p == NULL)
		return 0;
	touch(v.chunks);
	sctp_chunk_iter_init(&it, &v);
	while (sctp_chunk_next(&it, &c) > 0) {
		struct sctp_data_view d;
		struct sctp_sack_view s;
		struct sctp_init_view iv;
		struct sctp_fwd_tsn_view f;
		uint16_t a, b;
		uint32_t t;

		if (++n > 65536)
			__builtin_trap();	/* the walk must always advance */
		touch(c.value);
		switch (c.type) {
		case SF_SCTP_DATA:
			if (sctp_data_decode(&c, &d) == SF_OK)
				walk_m3ua(d.payload);
			touch(d.payload);
			break;
		case SF_SCTP_I_DATA:
			if (sctp_idata_decode(&c, &d) == SF_OK)
				walk_m3ua(d.payload);
			touch(d.payload);
			break;
		case SF_SCTP_SACK:
			if (sctp_sack_decode(&c, &s) == SF_OK) {
				for (unsigned i = 0; sctp_sack_gap(&s, i, &a, &b); i++)
					sink ^= (uint8_t)(a ^ b);
				for (unsigned i = 0; sctp_sack_dup(&s, i, &t); i++)
					sink ^= (uint8_t)t;
			}
			break;
		case SF_SCTP_INIT:
		case SF_SCTP_INIT_ACK:
			sctp_init_decode(&c, &iv);
			touch(iv.params);
			break;
		case SF_SCTP_FORWARD_TSN:
			if (sctp_fwd_tsn_decode(&c, &f) == SF_OK)
				for (unsigned i = 0; sctp_fwd_tsn_stream(&f, i, &a, &b); i++)
					sink ^= (uint8_t)(a ^ b);
			break;
		case SF_SCTP_I_FORWARD_TSN: {
			struct sctp_ifwd_tsn_view fi;
			uint8_t u;

			if (sctp_ifwd_tsn_decode(&c, &fi) == SF_OK)
				for (unsigned i = 0; sctp_ifwd_tsn_stream(&fi, i, &a, &u, &t); i++)
					sink ^= (uint8_t)(a ^ u ^ t);
			break;
		}
		default:
			break;
		}
	}
	return 0;
}
