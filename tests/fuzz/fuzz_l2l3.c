/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: the input is a captured frame; decode it as every link
 * type, then SCTP (header, CRC, chunk walk, DATA/I-DATA/SACK/INIT/
 * FORWARD-TSN) and M3UA when the IP payload is SCTP, touching every byte
 * each view claims. */
#include <stddef.h>
#include <stdint.h>

#include "decode/l2l3.h"
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
	touch(m.user_data);
	m3ua_param_iter_init(&it, &m);
	while (m3ua_param_next(&it, &prm) > 0)
		touch(prm.value);
}

static void walk_sctp(struct sf_bytes l4)
{
	struct sctp_view v;
	struct sctp_chunk_iter it;
	struct sctp_chunk c;

	sink ^= (uint8_t)sctp_checksum_ok(l4.p, l4.len);
	if (sctp_decode(l4.p, l4.len, &v) != SF_OK)
		return;
	sctp_chunk_iter_init(&it, &v);
	while (sctp_chunk_next(&it, &c) > 0) {
		struct sctp_data_view d;
		struct sctp_sack_view s;
		struct sctp_init_view iv;
		struct sctp_fwd_tsn_view f;
		struct sctp_ifwd_tsn_view fi;
		uint16_t a, b;
		uint32_t t;
		uint8_t u;

		touch(c.value);
		if (sctp_data_decode(&c, &d) == SF_OK || sctp_idata_decode(&c, &d) == SF_OK)
			walk_m3ua(d.payload);
		if (sctp_sack_decode(&c, &s) == SF_OK) {
			for (unsigned i = 0; sctp_sack_gap(&s, i, &a, &b); i++)
				sink ^= (uint8_t)(a ^ b);
			for (unsigned i = 0; sctp_sack_dup(&s, i, &t); i++)
				sink ^= (uint8_t)t;
		}
		sctp_init_decode(&c, &iv);
		touch(iv.params);
		if (sctp_fwd_tsn_decode(&c, &f) == SF_OK)
			for (unsigned i = 0; sctp_fwd_tsn_stream(&f, i, &a, &b); i++)
				sink ^= (uint8_t)(a ^ b);
		if (sctp_ifwd_tsn_decode(&c, &fi) == SF_OK)
			for (unsigned i = 0; sctp_ifwd_tsn_stream(&fi, i, &a, &u, &t); i++)
				sink ^= (uint8_t)(a ^ u ^ t);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int linktypes[] = {
		SF_DLT_EN10MB, SF_DLT_RAW, 12, SF_DLT_LINUX_SLL, SF_DLT_LINUX_SLL2,
		SF_DLT_IPV4, SF_DLT_IPV6,
	};

	for (size_t i = 0; i < sizeof linktypes / sizeof linktypes[0]; i++) {
		struct l2l3_view v;

		if (l2l3_decode(data, size, linktypes[i], &v) != SF_OK)
			continue;
		/* the payload view lies inside the input */
		if (v.l4.p < data || v.l4.len > size ||
		    (size_t)(v.l4.p - data) > size - v.l4.len || v.n_vlan > L2L3_MAX_VLAN)
			__builtin_trap();
		touch(v.l3);
		touch(v.l4);
		if (!v.is_fragment && v.l4_proto == SF_IPPROTO_SCTP)
			walk_sctp(v.l4);
	}
	return 0;
}
