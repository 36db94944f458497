/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP packet encoder (RFC 9260 §3): common header, DATA, SACK, INIT,
 * INIT ACK, COOKIE ECHO/ACK, HEARTBEAT/ACK chunks and the CRC32c of §6.8.
 * The inverse of decode/sctp.c. */
#include "encode/enc.h"
#include "sf_crc32c.h"

#define SCTP_PARAM_HB_INFO	1	/* §3.3.5 Heartbeat Info */
#define SCTP_PARAM_IPV4		5	/* §3.3.2.1 IPv4 Address */
#define SCTP_PARAM_IPV6		6	/* §3.3.2.1 IPv6 Address */
#define SCTP_PARAM_COOKIE	7	/* §3.3.3.1 State Cookie */

static void pad4(struct gbuf *b)
{
	static const uint8_t zero[4];

	/* §3.2: chunks and parameters are padded to a multiple of 4 octets;
	 * the padding is not counted in their length */
	gb_put(b, zero, (4 - b->len % 4) % 4);
}

void sctp_common_hdr(struct gbuf *b, uint16_t sport, uint16_t dport, uint32_t vtag)
{
	/* §3.1: source port, destination port, verification tag, checksum */
	gb_u16(b, sport);
	gb_u16(b, dport);
	gb_u32(b, vtag);
	gb_u32(b, 0);	/* checksum, set by sctp_finish */
}

static void chunk_hdr(struct gbuf *b, uint8_t type, uint8_t flags, size_t len)
{
	gb_u8(b, type);
	gb_u8(b, flags);
	gb_u16(b, (uint16_t)len);	/* §3.2: includes the header, not the padding */
}

void sctp_chunk_data(struct gbuf *b, uint8_t flags, uint32_t tsn, uint16_t sid,
		     uint16_t ssn, uint32_t ppid, const uint8_t *payload, size_t n)
{
	/* §3.3.1: type 0, U/B/E flags, TSN, stream id, stream seq, PPID */
	chunk_hdr(b, SF_SCTP_DATA, flags, SF_SCTP_DATA_HDR_LEN + n);
	gb_u32(b, tsn);
	gb_u16(b, sid);
	gb_u16(b, ssn);
	gb_u32(b, ppid);
	gb_put(b, payload, n);
	pad4(b);
}

void sctp_chunk_sack(struct gbuf *b, uint32_t cum_tsn, uint32_t a_rwnd,
		     const uint32_t *dups, unsigned ndups)
{
	/* §3.3.4: cumulative TSN ack, a_rwnd, #gap blocks, #duplicate TSNs */
	chunk_hdr(b, SF_SCTP_SACK, 0, 16 + 4 * (size_t)ndups);
	gb_u32(b, cum_tsn);
	gb_u32(b, a_rwnd);
	gb_u16(b, 0);
	gb_u16(b, (uint16_t)ndups);
	for (unsigned i = 0; i < ndups; i++)
		gb_u32(b, dups[i]);
}

void sctp_chunk_init(struct gbuf *b, uint8_t type, uint32_t init_tag,
		     uint32_t a_rwnd, uint16_t os, uint16_t mis, uint32_t itsn,
		     const uint8_t *addr, int addr_is_v6,
		     const uint8_t *cookie, size_t cookie_len)
{
	size_t alen = addr ? (addr_is_v6 ? 16 : 4) : 0;
	size_t len = 20 + (addr ? 4 + alen : 0) +
		     (cookie ? 4 + cookie_len + (4 - cookie_len % 4) % 4 : 0);

	/* §3.3.2 INIT / §3.3.3 INIT ACK fixed part */
	chunk_hdr(b, type, 0, len);
	gb_u32(b, init_tag);
	gb_u32(b, a_rwnd);
	gb_u16(b, os);
	gb_u16(b, mis);
	gb_u32(b, itsn);
	if (cookie) {
		/* the cookie parameter's own length excludes its padding; the
		 * chunk length counts it when another parameter follows */
		gb_u16(b, SCTP_PARAM_COOKIE);
		gb_u16(b, (uint16_t)(4 + cookie_len));
		gb_put(b, cookie, cookie_len);
		pad4(b);
	}
	if (addr) {
		gb_u16(b, addr_is_v6 ? SCTP_PARAM_IPV6 : SCTP_PARAM_IPV4);
		gb_u16(b, (uint16_t)(4 + alen));
		gb_put(b, addr, alen);
	}
}

void sctp_chunk_cookie_echo(struct gbuf *b, const uint8_t *cookie, size_t n)
{
	chunk_hdr(b, SF_SCTP_COOKIE_ECHO, 0, 4 + n);	/* §3.3.11 */
	gb_put(b, cookie, n);
	pad4(b);
}

void sctp_chunk_simple(struct gbuf *b, uint8_t type)
{
	chunk_hdr(b, type, 0, 4);
}

void sctp_chunk_heartbeat(struct gbuf *b, uint8_t type, const uint8_t *info, size_t n)
{
	/* §3.3.5 / §3.3.6: one Heartbeat Info parameter, echoed in the ACK */
	chunk_hdr(b, type, 0, 4 + 4 + n);
	gb_u16(b, SCTP_PARAM_HB_INFO);
	gb_u16(b, (uint16_t)(4 + n));
	gb_put(b, info, n);
	pad4(b);
}

void sctp_finish(uint8_t *pkt, size_t len)
{
	uint32_t c = sf_sctp_checksum(pkt, len);

	/* sf_crc32c.h: the CRC's bytes go on the wire least significant first */
	pkt[8] = (uint8_t)c;
	pkt[9] = (uint8_t)(c >> 8);
	pkt[10] = (uint8_t)(c >> 16);
	pkt[11] = (uint8_t)(c >> 24);
}
