/* SPDX-License-Identifier: BSD-3-Clause */
/* Link and network layer decoder: Ethernet II with 802.1Q/802.1ad tags,
 * Linux cooked capture v1/v2, raw IP; IPv4 (RFC 791) and IPv6 with its
 * extension header chain (RFC 8200) down to the transport payload. */
#ifndef SF_L2L3_H
#define SF_L2L3_H

#include <stddef.h>
#include <stdint.h>

#include "sf_bytes.h"
#include "sf_err.h"
#include "sf_wire.h"

/* VLAN tags kept in the view; a frame with more is refused. */
#define L2L3_MAX_VLAN 2
/* IPv6 extension headers followed before giving up (hostile chains). */
#define L2L3_MAX_IPV6_EXT 8

struct l2l3_view {
	uint8_t n_vlan;
	uint16_t vlan[L2L3_MAX_VLAN];	/* VLAN ids (TCI & 0x0FFF), outer first */
	uint16_t ethertype;		/* after the tags (SLL/SLL2: protocol) */
	uint8_t ip_version;		/* 4 or 6 */
	uint8_t src[16], dst[16];	/* IPv4 in the first 4 bytes, rest zero */
	uint8_t l4_proto;		/* after IPv6 extension headers */
	uint8_t is_fragment;		/* IPv4 MF/offset or IPv6 Fragment header: l4 not usable */
	uint8_t ttl;			/* IPv4 TTL or IPv6 hop limit */
	uint16_t frag_offset;		/* in 8-byte units, when is_fragment */
	uint8_t frag_more;		/* IPv4 MF / IPv6 M: more fragments follow */
	uint32_t frag_id;		/* IPv4 identification or IPv6 fragment id */
	struct sf_bytes l3;		/* the IP header + payload, bounded by the IP length */
	struct sf_bytes l4;		/* payload, bounded by the IP total/payload length
					 * (Ethernet padding trimmed) */
};

/* Decode one captured frame of the given link type (SF_DLT_EN10MB,
 * SF_DLT_RAW (also libpcap's DLT_RAW 12 and 14), SF_DLT_LINUX_SLL,
 * SF_DLT_LINUX_SLL2, SF_DLT_IPV4, SF_DLT_IPV6). SF_OK for any IPv4/IPv6
 * packet, fragments included (is_fragment = 1, count them under
 * SF_E_L2L3_FRAGMENT); SF_E_L2L3_NOT_IP with ethertype set for other
 * frames; otherwise a named error. out is filled as far as decoding got. */
enum sf_err l2l3_decode(const uint8_t *p, size_t len, int linktype, struct l2l3_view *out);

#endif
