/* SPDX-License-Identifier: BSD-3-Clause */
/* Ethernet II (+ IEEE 802.1Q tag), IPv4 (RFC 791) and IPv6 (RFC 8200)
 * headers in front of an SCTP packet: the inverse of decode/l2l3.c. */
#include "encode/enc.h"

size_t l2l3_hdr_len(const struct l2l3_path *p)
{
	return SF_ETH_HDR_LEN + (p->vlan ? 4 : 0) + (p->ipv6 ? 40 : 20);
}

static uint16_t ip_checksum(const uint8_t *h, size_t n)
{
	uint32_t s = 0;

	/* RFC 791 §3.1: one's complement sum of the header's 16-bit words */
	for (size_t i = 0; i < n; i += 2)
		s += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)~s;
}

void l2l3_write(uint8_t *f, const struct l2l3_path *p, size_t l4_len, uint16_t ip_id)
{
	size_t o = 12;

	memcpy(f, p->dst_mac, 6);
	memcpy(f + 6, p->src_mac, 6);
	if (p->vlan) {
		/* 802.1Q: TPID 0x8100, PCP 0, DEI 0, VID */
		sf_wr16(f + o, SF_ETHERTYPE_VLAN);
		sf_wr16(f + o + 2, (uint16_t)(p->vlan & 0x0FFF));
		o += 4;
	}
	sf_wr16(f + o, p->ipv6 ? SF_ETHERTYPE_IPV6 : SF_ETHERTYPE_IPV4);
	o += 2;
	if (p->ipv6) {
		uint8_t *h = f + o;

		/* RFC 8200 §3: version 6, traffic class 0, flow label 0 */
		sf_wr32(h, 0x60000000u);
		sf_wr16(h + 4, (uint16_t)l4_len);	/* payload length */
		h[6] = SF_IPPROTO_SCTP;			/* next header */
		h[7] = 64;				/* hop limit */
		memcpy(h + 8, p->src_ip, 16);
		memcpy(h + 24, p->dst_ip, 16);
	} else {
		uint8_t *h = f + o;

		h[0] = 0x45;	/* RFC 791: version 4, IHL 5 */
		h[1] = 0xB8;	/* DSCP EF (46): signalling traffic */
		sf_wr16(h + 2, (uint16_t)(20 + l4_len));
		sf_wr16(h + 4, ip_id);
		sf_wr16(h + 6, 0x4000);	/* DF, fragment offset 0 */
		h[8] = 64;
		h[9] = SF_IPPROTO_SCTP;
		sf_wr16(h + 10, 0);
		memcpy(h + 12, p->src_ip, 4);
		memcpy(h + 16, p->dst_ip, 4);
		sf_wr16(h + 10, ip_checksum(h, 20));
	}
}
