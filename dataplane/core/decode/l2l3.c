/* SPDX-License-Identifier: BSD-3-Clause */
/* Link and network layer decoder: Ethernet II (IEEE 802.3 §3.2.6) with
 * IEEE 802.1Q C-tags and 802.1ad S-tags, Linux cooked captures (tcpdump.org
 * LINKTYPE_LINUX_SLL/SLL2), raw IP; IPv4 (RFC 791 §3.1) and IPv6 (RFC 8200
 * §3-§4) down to the upper-layer payload. */
#include "decode/l2l3.h"

#include <string.h>

#define ETH_ADDRS_LEN	12	/* destination + source MAC */
#define VLAN_TAG_LEN	4	/* TPID already read: TCI(2) + inner type(2) */
#define SLL_HDR_LEN	16
#define SLL_PROTO_OFF	14
#define SLL2_HDR_LEN	20
#define SLL2_PROTO_OFF	0
#define IPV4_MIN_HDR	20
#define IPV6_HDR_LEN	40
#define IPV4_FLAG_MF	0x2000
#define IPV4_OFF_MASK	0x1FFF
#define IPV6_EXT_MIN	8
#define IPV6_FRAG_LEN	8
/* libpcap's DLT_RAW differs from LINKTYPE_RAW (101) on some systems. */
#define DLT_RAW_BSD	12
#define DLT_RAW_OPENBSD	14
/* RFC 8200 §4 and the IANA list of IPv6 extension headers (RFC 7045) that
 * use the generic Next Header / Hdr Ext Len layout. */
#define IPPROTO_MOBILITY	135	/* RFC 6275 */
#define IPPROTO_HIP		139	/* RFC 7401 */
#define IPPROTO_SHIM6		140	/* RFC 5533 */
#define IPPROTO_EXP1		253	/* RFC 3692 */
#define IPPROTO_EXP2		254

static int is_vlan_tpid(uint16_t t)
{
	/* IEEE 802.1Q C-tag, 802.1ad S-tag, and the pre-standard QinQ TPID */
	return t == SF_ETHERTYPE_VLAN || t == SF_ETHERTYPE_QINQ ||
	       t == SF_ETHERTYPE_QINQ_OLD;
}

static enum sf_err ipv4_decode(const uint8_t *p, size_t len, struct l2l3_view *out)
{
	size_t ihl, total;
	uint16_t frag;

	/* RFC 791 §3.1: 20-byte fixed header */
	if (!sf_has(len, 0, IPV4_MIN_HDR))
		return SF_E_TRUNCATED;
	if ((p[0] >> 4) != 4)
		return SF_E_L2L3_IP_VERSION;
	out->ip_version = 4;
	/* RFC 791 §3.1: IHL counts 32-bit words, minimum value 5 */
	ihl = (size_t)(p[0] & 0x0F) * 4;
	if (ihl < IPV4_MIN_HDR)
		return SF_E_L2L3_IPV4_IHL;
	if (!sf_has(len, 0, ihl))
		return SF_E_TRUNCATED;
	/* RFC 791 §3.1: Total Length covers header and data */
	total = sf_rd16(p + 2);
	if (total < ihl)
		return SF_E_L2L3_IPV4_TOTAL_LEN;
	if (total > len)
		return SF_E_TRUNCATED;
	frag = sf_rd16(p + 6);
	out->frag_id = sf_rd16(p + 4);
	out->ttl = p[8];
	out->l4_proto = p[9];
	memcpy(out->src, p + 12, 4);
	memcpy(out->dst, p + 16, 4);
	out->l3 = sf_bytes_make(p, total);
	/* Bytes past Total Length are link padding: trimmed. */
	out->l4 = sf_bytes_make(p + ihl, total - ihl);
	/* RFC 791 §3.1: MF flag or a non-zero Fragment Offset make a fragment */
	if ((frag & IPV4_FLAG_MF) || (frag & IPV4_OFF_MASK)) {
		out->is_fragment = 1;
		out->frag_offset = frag & IPV4_OFF_MASK;
		out->frag_more = (frag & IPV4_FLAG_MF) != 0;
	}
	return SF_OK;
}

static enum sf_err ipv6_decode(const uint8_t *p, size_t len, struct l2l3_view *out)
{
	size_t plen, end, off;
	uint8_t nh;
	unsigned n_ext = 0;

	/* RFC 8200 §3: 40-byte fixed header */
	if (!sf_has(len, 0, IPV6_HDR_LEN))
		return SF_E_TRUNCATED;
	if ((p[0] >> 4) != 6)
		return SF_E_L2L3_IP_VERSION;
	out->ip_version = 6;
	plen = sf_rd16(p + 4);
	nh = p[6];
	out->ttl = p[7];
	memcpy(out->src, p + 8, 16);
	memcpy(out->dst, p + 24, 16);
	/* RFC 2675 §2: Payload Length 0 with a Hop-by-Hop header is a
	 * jumbogram; not carried on SIGTRAN links. */
	if (plen == 0 && nh == SF_IPPROTO_HOPOPTS)
		return SF_E_L2L3_IPV6_JUMBO;
	/* RFC 8200 §3: Payload Length counts the extension headers too */
	if (!sf_has(len, IPV6_HDR_LEN, plen))
		return SF_E_TRUNCATED;
	end = IPV6_HDR_LEN + plen;
	out->l3 = sf_bytes_make(p, end);
	off = IPV6_HDR_LEN;
	for (;;) {
		size_t ext_len;

		switch (nh) {
		case SF_IPPROTO_HOPOPTS:
			/* RFC 8200 §4.1: Hop-by-Hop only right after the IPv6 header */
			if (off != IPV6_HDR_LEN)
				return SF_E_L2L3_IPV6_EXT_ORDER;
			/* fall through */
		case SF_IPPROTO_ROUTING:
		case SF_IPPROTO_DSTOPTS:
		case IPPROTO_MOBILITY:
		case IPPROTO_HIP:
		case IPPROTO_SHIM6:
		case IPPROTO_EXP1:
		case IPPROTO_EXP2:
			/* RFC 8200 §4.3-§4.6: Hdr Ext Len in 8-octet units, not
			 * counting the first 8 octets */
			if (!sf_has(end, off, IPV6_EXT_MIN))
				return SF_E_L2L3_IPV6_EXT_LEN;
			ext_len = ((size_t)p[off + 1] + 1) * 8;
			break;
		case SF_IPPROTO_AH:
			/* RFC 4302 §2.2: Payload Len in 4-octet units, minus 2 */
			if (!sf_has(end, off, IPV6_EXT_MIN))
				return SF_E_L2L3_IPV6_EXT_LEN;
			ext_len = ((size_t)p[off + 1] + 2) * 4;
			break;
		case SF_IPPROTO_FRAGMENT: {
			uint16_t fo;

			/* RFC 8200 §4.5: 8-byte Fragment header */
			if (!sf_has(end, off, IPV6_FRAG_LEN))
				return SF_E_L2L3_IPV6_EXT_LEN;
			fo = sf_rd16(p + off + 2);
			out->frag_id = sf_rd32(p + off + 4);
			if ((fo >> 3) != 0 || (fo & 1)) {
				/* a real fragment: what follows is not a
				 * whole upper-layer packet */
				out->is_fragment = 1;
				out->frag_offset = fo >> 3;
				out->frag_more = fo & 1;
				out->l4_proto = p[off];
				out->l4 = sf_bytes_make(p + off + IPV6_FRAG_LEN,
							end - off - IPV6_FRAG_LEN);
				return SF_OK;
			}
			/* RFC 6946 §4: an atomic fragment (offset 0, M 0) is
			 * processed as a whole packet */
			ext_len = IPV6_FRAG_LEN;
			break;
		}
		default:
			/* upper layer (or ESP, or No Next Header): stop */
			out->l4_proto = nh;
			out->l4 = sf_bytes_make(p + off, end - off);
			return SF_OK;
		}
		if (!sf_has(end, off, ext_len))
			return SF_E_L2L3_IPV6_EXT_LEN;
		if (++n_ext > L2L3_MAX_IPV6_EXT)
			return SF_E_L2L3_IPV6_EXT_DEPTH;
		nh = p[off];
		off += ext_len;
	}
}

/* From an ethertype at p[off - 2]: VLAN tags, then IP. */
static enum sf_err from_ethertype(const uint8_t *p, size_t len, size_t off,
				  uint16_t type, struct l2l3_view *out)
{
	/* IEEE 802.1Q §9.6 / 802.1ad: TPID, TCI (PCP 3, DEI 1, VID 12) */
	while (is_vlan_tpid(type)) {
		if (!sf_has(len, off, VLAN_TAG_LEN))
			return SF_E_TRUNCATED;
		if (out->n_vlan >= L2L3_MAX_VLAN)
			return SF_E_L2L3_VLAN_DEPTH;
		out->vlan[out->n_vlan++] = sf_rd16(p + off) & 0x0FFF;
		type = sf_rd16(p + off + 2);
		off += VLAN_TAG_LEN;
	}
	out->ethertype = type;
	if (type == SF_ETHERTYPE_IPV4)
		return ipv4_decode(p + off, len - off, out);
	if (type == SF_ETHERTYPE_IPV6)
		return ipv6_decode(p + off, len - off, out);
	return SF_E_L2L3_NOT_IP;
}

enum sf_err l2l3_decode(const uint8_t *p, size_t len, int linktype, struct l2l3_view *out)
{
	memset(out, 0, sizeof(*out));
	switch (linktype) {
	case SF_DLT_EN10MB:
		/* IEEE 802.3 §3.2.6: destination, source, Length/Type */
		if (!sf_has(len, 0, SF_ETH_HDR_LEN))
			return SF_E_TRUNCATED;
		return from_ethertype(p, len, SF_ETH_HDR_LEN,
				      sf_rd16(p + ETH_ADDRS_LEN), out);
	case SF_DLT_LINUX_SLL:
		/* LINKTYPE_LINUX_SLL: protocol type at offset 14 of 16 */
		if (!sf_has(len, 0, SLL_HDR_LEN))
			return SF_E_TRUNCATED;
		return from_ethertype(p, len, SLL_HDR_LEN,
				      sf_rd16(p + SLL_PROTO_OFF), out);
	case SF_DLT_LINUX_SLL2:
		/* LINKTYPE_LINUX_SLL2: protocol type at offset 0 of 20 */
		if (!sf_has(len, 0, SLL2_HDR_LEN))
			return SF_E_TRUNCATED;
		return from_ethertype(p, len, SLL2_HDR_LEN,
				      sf_rd16(p + SLL2_PROTO_OFF), out);
	case SF_DLT_RAW:
	case DLT_RAW_BSD:
	case DLT_RAW_OPENBSD:
		/* LINKTYPE_RAW: the IP version nibble says which */
		if (!sf_has(len, 0, 1))
			return SF_E_TRUNCATED;
		if ((p[0] >> 4) == 4) {
			out->ethertype = SF_ETHERTYPE_IPV4;
			return ipv4_decode(p, len, out);
		}
		if ((p[0] >> 4) == 6) {
			out->ethertype = SF_ETHERTYPE_IPV6;
			return ipv6_decode(p, len, out);
		}
		return SF_E_L2L3_NOT_IP;
	case SF_DLT_IPV4:
		out->ethertype = SF_ETHERTYPE_IPV4;
		return ipv4_decode(p, len, out);
	case SF_DLT_IPV6:
		out->ethertype = SF_ETHERTYPE_IPV6;
		return ipv6_decode(p, len, out);
	default:
		return SF_E_L2L3_LINKTYPE;
	}
}
