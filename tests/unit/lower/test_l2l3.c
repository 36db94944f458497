/* SPDX-License-Identifier: BSD-3-Clause */
/* l2l3_decode against annotated frames built from IEEE 802.3/802.1Q/802.1ad,
 * RFC 791 and RFC 8200 (each layout checked with tshark), and the named
 * error of every malformed case. */
#include "decode/l2l3.h"
#include "sf_test.h"

/* SCTP packet carrying an M3UA BEAT_ACK (timkam_test_special.pcap, frame 1):
 * 36 bytes, used as the upper layer below. */
#define SCTP_BEAT_ACK \
	0x0b, 0x59, 0x88, 0xc3,	/* SCTP ports 2905 -> 35011 */ \
	0xa8, 0x52, 0xf5, 0xe3,	/* verification tag */ \
	0x47, 0x56, 0x67, 0x91,	/* CRC32c */ \
	0x00, 0x03, 0x00, 0x18,	/* DATA, flags B|E, length 24 */ \
	0x00, 0x9b, 0x83, 0xad,	/* TSN */ \
	0x00, 0x00, 0x00, 0xc8,	/* SID 0, SSN 200 */ \
	0x00, 0x00, 0x00, 0x03,	/* PPID 3 (M3UA) */ \
	0x01, 0x00, 0x03, 0x06,	/* M3UA v1, ASPSM BEAT_ACK */ \
	0x00, 0x00, 0x00, 0x08	/* message length 8 */

#define ETH_ADDRS \
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* destination MAC */ \
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00	/* source MAC */

#define IPV4_127_SCTP(total_hi, total_lo) \
	0x45, 0x00, total_hi, total_lo,	/* v4, IHL 5, TOS 0, total length */ \
	0x00, 0x01, 0x00, 0x00,		/* id 1, no flags, offset 0 */ \
	0x40, 0x84, 0x7c, 0x3f,		/* TTL 64, proto 132 (SCTP), checksum */ \
	0x7f, 0x00, 0x00, 0x01,		/* src 127.0.0.1 */ \
	0x7f, 0x00, 0x00, 0x01		/* dst 127.0.0.1 */

static const uint8_t sctp_beat_ack[] = { SCTP_BEAT_ACK };

static void eth_ipv4_sctp(void)
{
	static const uint8_t f[] = {
		ETH_ADDRS, 0x08, 0x00,	/* ethertype IPv4 */
		IPV4_127_SCTP(0x00, 0x38), SCTP_BEAT_ACK,
	};
	static const uint8_t lo[4] = { 127, 0, 0, 1 };
	struct l2l3_view v;

	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_EN10MB, &v), SF_OK);
	CHECK_INT(v.n_vlan, 0);
	CHECK_INT(v.ethertype, 0x0800);
	CHECK_INT(v.ip_version, 4);
	CHECK_MEM(v.src, lo, 4);
	CHECK_MEM(v.dst, lo, 4);
	CHECK_INT(v.src[4], 0);
	CHECK_INT(v.l4_proto, 132);
	CHECK_INT(v.is_fragment, 0);
	CHECK_INT(v.ttl, 64);
	CHECK_INT(v.l4.len, 36);
	CHECK(v.l4.p == f + 34);
	CHECK_MEM(v.l4.p, sctp_beat_ack, 36);
}

static void vlan_and_padding_trimmed(void)
{
	static const uint8_t f[] = {
		ETH_ADDRS,
		0x81, 0x00, 0xa0, 0x64,	/* 802.1Q TPID, PCP 5, VID 100 */
		0x08, 0x00,		/* ethertype IPv4 */
		0x45, 0x00, 0x00, 0x1c,	/* total length 28: 8 bytes of payload */
		0x00, 0x02, 0x40, 0x00,	/* id 2, DF, offset 0 */
		0x40, 0x84, 0x00, 0x00,	/* TTL 64, SCTP */
		0x0a, 0x00, 0x00, 0x01,	/* 10.0.0.1 */
		0x0a, 0x00, 0x00, 0x02,	/* 10.0.0.2 */
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* payload */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* Ethernet padding */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct l2l3_view v;

	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_EN10MB, &v), SF_OK);
	CHECK_INT(v.n_vlan, 1);
	CHECK_INT(v.vlan[0], 100);
	CHECK_INT(v.ethertype, 0x0800);
	CHECK_INT(v.is_fragment, 0);	/* DF alone is not a fragment */
	CHECK_INT(v.src[3], 1);
	CHECK_INT(v.dst[3], 2);
	CHECK_INT(v.l4.len, 8);
	CHECK_INT(v.l4.p[7], 0x08);
	CHECK_INT(v.l3.len, 28);
}

static void qinq(void)
{
	static const uint8_t f[] = {
		ETH_ADDRS,
		0x88, 0xa8, 0x00, 0xc8,	/* 802.1ad S-tag, VID 200 */
		0x81, 0x00, 0x31, 0x2c,	/* 802.1Q C-tag, PCP 1, VID 300 */
		0x08, 0x00,		/* IPv4 */
		IPV4_127_SCTP(0x00, 0x38), SCTP_BEAT_ACK,
	};
	static const uint8_t old[] = {
		ETH_ADDRS,
		0x91, 0x00, 0x0f, 0xff,	/* pre-standard QinQ TPID 0x9100, VID 4095 */
		0x81, 0x00, 0x00, 0x01,	/* C-tag VID 1 */
		0x08, 0x00,
		IPV4_127_SCTP(0x00, 0x38), SCTP_BEAT_ACK,
	};
	struct l2l3_view v;

	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_EN10MB, &v), SF_OK);
	CHECK_INT(v.n_vlan, 2);
	CHECK_INT(v.vlan[0], 200);
	CHECK_INT(v.vlan[1], 300);
	CHECK_INT(v.l4_proto, 132);
	CHECK_INT(v.l4.len, 36);
	CHECK_INT(l2l3_decode(old, sizeof old, SF_DLT_EN10MB, &v), SF_OK);
	CHECK_INT(v.n_vlan, 2);
	CHECK_INT(v.vlan[0], 4095);
	CHECK_INT(v.vlan[1], 1);
}

static void ipv4_options(void)
{
	static const uint8_t f[] = {
		0x47, 0x00, 0x00, 0x20,	/* IHL 7 (28 bytes), total length 32 */
		0x00, 0x03, 0x00, 0x00,
		0x20, 0x84, 0x00, 0x00,	/* TTL 32, SCTP */
		0xc0, 0xa8, 0x01, 0x01,	/* 192.168.1.1 */
		0xc0, 0xa8, 0x01, 0x02,	/* 192.168.1.2 */
		0x94, 0x04, 0x00, 0x00,	/* RFC 2113 Router Alert option */
		0x01, 0x01, 0x01, 0x00,	/* NOP, NOP, NOP, End of Option List */
		0xde, 0xad, 0xbe, 0xef,	/* payload */
	};
	struct l2l3_view v;

	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_IPV4, &v), SF_OK);
	CHECK_INT(v.ethertype, 0x0800);
	CHECK_INT(v.ttl, 32);
	CHECK_INT(v.l4.len, 4);
	CHECK(v.l4.p == f + 28);
	CHECK_INT(v.src[0], 192);
	CHECK_INT(v.dst[3], 2);
	/* the same packet as LINKTYPE_RAW and as libpcap's DLT_RAW (12) */
	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_RAW, &v), SF_OK);
	CHECK(v.l4.p == f + 28);
	CHECK_INT(l2l3_decode(f, sizeof f, 12, &v), SF_OK);
	CHECK_INT(v.l4.len, 4);
}

static void ipv4_fragments(void)
{
	uint8_t f[] = {
		0x45, 0x00, 0x00, 0x1c,
		0xab, 0xcd, 0x20, 0x00,	/* id 0xabcd, MF, offset 0 */
		0x40, 0x84, 0x00, 0x00,
		0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	};
	struct l2l3_view v;

	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_IPV4, &v), SF_OK);
	CHECK_INT(v.is_fragment, 1);
	CHECK_INT(v.frag_offset, 0);
	CHECK_INT(v.frag_id, 0xabcd);
	CHECK_INT(v.l4_proto, 132);
	f[6] = 0x00;			/* last fragment: MF 0, offset 185 */
	f[7] = 0xb9;
	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_IPV4, &v), SF_OK);
	CHECK_INT(v.is_fragment, 1);
	CHECK_INT(v.frag_offset, 185);
	f[6] = 0x40;			/* DF, offset 0: whole datagram */
	f[7] = 0x00;
	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_IPV4, &v), SF_OK);
	CHECK_INT(v.is_fragment, 0);
	CHECK_STR(sf_err_name(SF_E_L2L3_FRAGMENT), "l2l3.ip_fragment");
}

#define IPV6_ADDRS \
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, /* 2001:db8::1 */ \
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02  /* 2001:db8::2 */

static const uint8_t ipv6_ext[] = {
	ETH_ADDRS, 0x86, 0xdd,		/* ethertype IPv6 */
	0x60, 0x00, 0x00, 0x00,		/* v6, TC 0, flow 0 */
	0x00, 0x44, 0x00, 0x40,		/* payload length 68, next Hop-by-Hop, hop limit 64 */
	IPV6_ADDRS,
	0x2b, 0x00,			/* HBH: next Routing, 8 bytes */
	0x01, 0x04, 0x00, 0x00, 0x00, 0x00, /* PadN, 4 bytes */
	0x3c, 0x00, 0x00, 0x00,		/* Routing: next Dest Options, 8 bytes, type 0, segments left 0 */
	0x00, 0x00, 0x00, 0x00,		/* reserved */
	0x84, 0x01,			/* Dest Options: next SCTP, 16 bytes */
	0x01, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* PadN, 12 bytes */
	SCTP_BEAT_ACK,
};

static void ipv6_ext_headers(void)
{
	struct l2l3_view v;

	CHECK_INT(l2l3_decode(ipv6_ext, sizeof ipv6_ext, SF_DLT_EN10MB, &v), SF_OK);
	CHECK_INT(v.ethertype, 0x86dd);
	CHECK_INT(v.ip_version, 6);
	CHECK_INT(v.ttl, 64);
	CHECK_INT(v.src[0], 0x20);
	CHECK_INT(v.src[15], 1);
	CHECK_INT(v.dst[15], 2);
	CHECK_INT(v.l4_proto, 132);
	CHECK_INT(v.is_fragment, 0);
	CHECK_INT(v.l4.len, 36);
	CHECK(v.l4.p == ipv6_ext + 14 + 40 + 32);
	CHECK_MEM(v.l4.p, sctp_beat_ack, 36);
	/* the IPv6 packet alone, as LINKTYPE_IPV6 and LINKTYPE_RAW */
	CHECK_INT(l2l3_decode(ipv6_ext + 14, sizeof ipv6_ext - 14, SF_DLT_IPV6, &v), SF_OK);
	CHECK_INT(v.l4.len, 36);
	CHECK_INT(l2l3_decode(ipv6_ext + 14, sizeof ipv6_ext - 14, SF_DLT_RAW, &v), SF_OK);
	CHECK_INT(v.l4_proto, 132);
}

static void ipv6_fragment(void)
{
	uint8_t f[] = {
		0x60, 0x00, 0x00, 0x00,
		0x00, 0x10, 0x2c, 0x40,	/* payload 16, next Fragment */
		IPV6_ADDRS,
		0x84, 0x00, 0x00, 0x01,	/* Fragment: next SCTP, offset 0, M 1 */
		0x12, 0x34, 0x56, 0x78,	/* identification */
		0x0b, 0x59, 0x0b, 0x59, 0x00, 0x00, 0x00, 0x00, /* first bytes of SCTP */
	};
	struct l2l3_view v;

	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_IPV6, &v), SF_OK);
	CHECK_INT(v.is_fragment, 1);
	CHECK_INT(v.frag_offset, 0);
	CHECK_INT(v.frag_id, 0x12345678);
	CHECK_INT(v.l4_proto, 132);
	CHECK_INT(v.l4.len, 8);
	f[42] = 0x00;			/* offset 1 (8 bytes), M 0: last fragment */
	f[43] = 0x08;
	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_IPV6, &v), SF_OK);
	CHECK_INT(v.is_fragment, 1);
	CHECK_INT(v.frag_offset, 1);
	f[43] = 0x00;			/* RFC 6946 atomic fragment: a whole packet */
	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_IPV6, &v), SF_OK);
	CHECK_INT(v.is_fragment, 0);
	CHECK_INT(v.l4_proto, 132);
	CHECK_INT(v.l4.len, 8);
	CHECK(v.l4.p == f + 48);
}

static void ipv6_ah_esp(void)
{
	uint8_t f[] = {
		0x60, 0x00, 0x00, 0x00,
		0x00, 0x1c, 0x33, 0x40,	/* payload 28, next AH */
		IPV6_ADDRS,
		0x84, 0x04, 0x00, 0x00,	/* AH: next SCTP, Payload Len 4: (4 + 2) * 4 = 24 bytes */
		0x00, 0x00, 0x01, 0x00,	/* SPI */
		0x00, 0x00, 0x00, 0x01,	/* sequence number */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* ICV, 12 bytes */
		0x0b, 0x59, 0x0b, 0x59,	/* first 4 bytes of the upper layer */
	};
	struct l2l3_view v;

	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_IPV6, &v), SF_OK);
	CHECK_INT(v.l4_proto, SF_IPPROTO_SCTP);
	CHECK_INT(v.l4.len, 4);
	CHECK(v.l4.p == f + 64);
	f[6] = SF_IPPROTO_ESP;		/* ESP: encrypted, the walk stops there */
	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_IPV6, &v), SF_OK);
	CHECK_INT(v.l4_proto, SF_IPPROTO_ESP);
	CHECK_INT(v.l4.len, 28);
	f[6] = SF_IPPROTO_AH;
	f[41] = 0x06;			/* AH of 32 bytes: past the 28-byte payload */
	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_IPV6, &v), SF_E_L2L3_IPV6_EXT_LEN);
}

static void linux_cooked(void)
{
	static const uint8_t sll[] = {
		0x00, 0x00, 0x00, 0x01,	/* packet type host, ARPHRD_ETHER */
		0x00, 0x06,		/* address length 6 */
		0x00, 0x30, 0x88, 0x13, 0x79, 0x46, 0x00, 0x00, /* address + pad */
		0x08, 0x00,		/* protocol IPv4 */
		IPV4_127_SCTP(0x00, 0x38), SCTP_BEAT_ACK,
	};
	static const uint8_t sll2[] = {
		0x08, 0x00, 0x00, 0x00,	/* protocol IPv4, reserved */
		0x00, 0x00, 0x00, 0x02,	/* interface index 2 */
		0x00, 0x01, 0x00, 0x06,	/* ARPHRD_ETHER, packet type host, address length 6 */
		0x00, 0x30, 0x88, 0x13, 0x79, 0x46, 0x00, 0x00,
		IPV4_127_SCTP(0x00, 0x38), SCTP_BEAT_ACK,
	};
	struct l2l3_view v;

	CHECK_INT(l2l3_decode(sll, sizeof sll, SF_DLT_LINUX_SLL, &v), SF_OK);
	CHECK_INT(v.l4.len, 36);
	CHECK(v.l4.p == sll + 36);
	CHECK_INT(l2l3_decode(sll2, sizeof sll2, SF_DLT_LINUX_SLL2, &v), SF_OK);
	CHECK_INT(v.l4.len, 36);
	CHECK(v.l4.p == sll2 + 40);
	CHECK_INT(l2l3_decode(sll, 15, SF_DLT_LINUX_SLL, &v), SF_E_TRUNCATED);
	CHECK_INT(l2l3_decode(sll2, 19, SF_DLT_LINUX_SLL2, &v), SF_E_TRUNCATED);
}

static void errors(void)
{
	uint8_t f[] = {
		ETH_ADDRS, 0x08, 0x00,
		IPV4_127_SCTP(0x00, 0x38), SCTP_BEAT_ACK,
	};
	static const uint8_t arp[] = { ETH_ADDRS, 0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1 };
	static const uint8_t three_tags[] = {
		ETH_ADDRS,
		0x88, 0xa8, 0x00, 0x01, 0x81, 0x00, 0x00, 0x02, 0x81, 0x00, 0x00, 0x03,
		0x08, 0x00, IPV4_127_SCTP(0x00, 0x38), SCTP_BEAT_ACK,
	};
	uint8_t v6[sizeof ipv6_ext];
	struct l2l3_view v;

	CHECK_INT(l2l3_decode(f, 13, SF_DLT_EN10MB, &v), SF_E_TRUNCATED);
	CHECK_INT(l2l3_decode(f, 14 + 19, SF_DLT_EN10MB, &v), SF_E_TRUNCATED);
	/* total length beyond the captured bytes */
	CHECK_INT(l2l3_decode(f, sizeof f - 1, SF_DLT_EN10MB, &v), SF_E_TRUNCATED);
	CHECK_INT(l2l3_decode(f, sizeof f, 99, &v), SF_E_L2L3_LINKTYPE);
	CHECK_INT(l2l3_decode(arp, sizeof arp, SF_DLT_EN10MB, &v), SF_E_L2L3_NOT_IP);
	CHECK_INT(v.ethertype, 0x0806);
	CHECK_INT(l2l3_decode(three_tags, sizeof three_tags, SF_DLT_EN10MB, &v),
		  SF_E_L2L3_VLAN_DEPTH);
	CHECK_INT(l2l3_decode(three_tags, 14 + 2, SF_DLT_EN10MB, &v), SF_E_TRUNCATED);
	f[14] = 0x44;			/* IHL 4 < 5 */
	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_EN10MB, &v), SF_E_L2L3_IPV4_IHL);
	f[14] = 0x4f;			/* IHL 15: 60 bytes, beyond the frame's 56 */
	CHECK_INT(l2l3_decode(f, 14 + 40, SF_DLT_EN10MB, &v), SF_E_TRUNCATED);
	f[14] = 0x45;
	f[17] = 0x10;			/* total length 16 < header */
	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_EN10MB, &v), SF_E_L2L3_IPV4_TOTAL_LEN);
	f[17] = 0x38;
	f[14] = 0x65;			/* version 6 under ethertype IPv4 */
	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_EN10MB, &v), SF_E_L2L3_IP_VERSION);
	CHECK_INT(l2l3_decode(f + 14, sizeof f - 14, SF_DLT_IPV4, &v), SF_E_L2L3_IP_VERSION);
	f[14] = 0x15;
	CHECK_INT(l2l3_decode(f + 14, sizeof f - 14, SF_DLT_RAW, &v), SF_E_L2L3_NOT_IP);
	CHECK_INT(l2l3_decode(f, 0, SF_DLT_RAW, &v), SF_E_TRUNCATED);

	memcpy(v6, ipv6_ext, sizeof v6);
	CHECK_INT(l2l3_decode(v6, sizeof v6 - 1, SF_DLT_EN10MB, &v), SF_E_TRUNCATED);
	CHECK_INT(l2l3_decode(v6, 14 + 39, SF_DLT_EN10MB, &v), SF_E_TRUNCATED);
	v6[14 + 40 + 8] = 0x00;		/* Routing says next is Hop-by-Hop again */
	CHECK_INT(l2l3_decode(v6, sizeof v6, SF_DLT_EN10MB, &v), SF_E_L2L3_IPV6_EXT_ORDER);
	memcpy(v6, ipv6_ext, sizeof v6);
	v6[14 + 40 + 17] = 0x08;	/* Dest Options length 72 > what is left */
	CHECK_INT(l2l3_decode(v6, sizeof v6, SF_DLT_EN10MB, &v), SF_E_L2L3_IPV6_EXT_LEN);
	memcpy(v6, ipv6_ext, sizeof v6);
	v6[14 + 4] = 0x00;		/* payload length 6: HBH header cut */
	v6[14 + 5] = 0x06;
	CHECK_INT(l2l3_decode(v6, sizeof v6, SF_DLT_EN10MB, &v), SF_E_L2L3_IPV6_EXT_LEN);
	v6[14 + 5] = 0x00;		/* payload length 0 + Hop-by-Hop: jumbogram */
	CHECK_INT(l2l3_decode(v6, sizeof v6, SF_DLT_EN10MB, &v), SF_E_L2L3_IPV6_JUMBO);
}

static void ipv6_ext_depth(void)
{
	/* nine 8-byte Destination Options headers, each pointing to the next */
	uint8_t f[40 + 9 * 8 + 4];
	struct l2l3_view v;

	memset(f, 0, sizeof f);
	f[0] = 0x60;
	sf_wr16(f + 4, 9 * 8 + 4);
	f[6] = SF_IPPROTO_DSTOPTS;
	for (int i = 0; i < 9; i++) {
		f[40 + i * 8] = i == 8 ? SF_IPPROTO_SCTP : SF_IPPROTO_DSTOPTS;
		f[40 + i * 8 + 2] = 0x01;	/* PadN, 4 bytes */
		f[40 + i * 8 + 3] = 0x04;
	}
	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_IPV6, &v), SF_E_L2L3_IPV6_EXT_DEPTH);
	f[40 + 7 * 8] = SF_IPPROTO_SCTP;	/* eight is allowed */
	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_IPV6, &v), SF_OK);
	CHECK_INT(v.l4.len, 8 + 4);
	/* No Next Header: an empty upper layer */
	f[6] = SF_IPPROTO_NONE;
	CHECK_INT(l2l3_decode(f, sizeof f, SF_DLT_IPV6, &v), SF_OK);
	CHECK_INT(v.l4_proto, SF_IPPROTO_NONE);
}

int main(void)
{
	RUN(eth_ipv4_sctp);
	RUN(vlan_and_padding_trimmed);
	RUN(qinq);
	RUN(ipv4_options);
	RUN(ipv4_fragments);
	RUN(ipv6_ext_headers);
	RUN(ipv6_fragment);
	RUN(ipv6_ah_esp);
	RUN(linux_cooked);
	RUN(errors);
	RUN(ipv6_ext_depth);
	return TEST_SUMMARY();
}
