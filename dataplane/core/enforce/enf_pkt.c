/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP-aware blocking: packets built from a direction's header template
 * (L2/L3 of its latest packet): IPv4/IPv6 length and checksum, SCTP
 * common header and CRC32c (RFC 9260 §6.8), DATA chunks (§3.3.1). */
#include "enforce/enf_int.h"

#include <string.h>
#include "sf_crc32c.h"

/* ---- packet building ---- */
void enf_tmpl_store(struct enf_tmpl *tm, const uint8_t *frame, size_t l3_off, size_t l4_off,
		       uint8_t ipv, uint16_t port)
{
	if (l4_off > ENF_HDR_MAX)
		return;
	memcpy(tm->hdr, frame, l4_off);
	tm->len = (uint16_t)l4_off;
	tm->l3_off = (uint16_t)l3_off;
	tm->ip_version = ipv;
	tm->port = port;
	tm->ok = 1;
}

/* The template of the reverse path: MACs (Ethernet) and IP addresses swapped. */
void enf_tmpl_reverse(struct enf_tmpl *dst, const struct enf_tmpl *src, int linktype, uint16_t port)
{
	uint8_t tmp[16];
	uint8_t *ip;
	size_t alen;

	*dst = *src;
	dst->port = port;
	if (linktype == SF_DLT_EN10MB && src->l3_off >= 12) {
		memcpy(tmp, dst->hdr, 6);
		memcpy(dst->hdr, dst->hdr + 6, 6);
		memcpy(dst->hdr + 6, tmp, 6);
	} else if (src->l3_off != 0) {
		dst->ok = 0;	/* cooked captures: no way back */
		return;
	}
	ip = dst->hdr + dst->l3_off;
	alen = src->ip_version == 4 ? 4 : 16;
	memcpy(tmp, ip + (alen == 4 ? 12 : 8), alen);
	memcpy(ip + (alen == 4 ? 12 : 8), ip + (alen == 4 ? 16 : 24), alen);
	memcpy(ip + (alen == 4 ? 16 : 24), tmp, alen);
}

static void ip_fix(uint8_t *pkt, size_t l3_off, uint8_t ipv, size_t total)
{
	uint8_t *ip = pkt + l3_off;

	if (ipv == 4) {
		size_t ihl = (size_t)(ip[0] & 0x0F) * 4;
		uint32_t sum = 0;

		sf_wr16(ip + 2, (uint16_t)(total - l3_off));
		ip[10] = ip[11] = 0;
		/* RFC 791: one's complement sum of the header's 16-bit words */
		for (size_t i = 0; i + 1 < ihl; i += 2)
			sum += sf_rd16(ip + i);
		while (sum >> 16)
			sum = (sum & 0xFFFF) + (sum >> 16);
		sf_wr16(ip + 10, (uint16_t)~sum);
	} else {
		/* RFC 8200 §3: payload length excludes the 40-byte header */
		sf_wr16(ip + 4, (uint16_t)(total - l3_off - 40));
	}
}

static void sctp_fix(uint8_t *sctp, size_t len)
{
	uint32_t c;

	memset(sctp + 8, 0, 4);
	c = sf_sctp_checksum(sctp, len);
	/* RFC 9260 §6.8: the CRC32c is stored least significant byte first */
	sctp[8] = (uint8_t)c;
	sctp[9] = (uint8_t)(c >> 8);
	sctp[10] = (uint8_t)(c >> 16);
	sctp[11] = (uint8_t)(c >> 24);
}

/* Start a packet of direction D from its template. Returns the SCTP
 * chunk write offset, or 0 when no template. */
size_t enf_pkt_start(const struct enf_dir *D, const struct enf_tmpl *tm, uint8_t *p)
{
	if (!tm->ok)
		return 0;
	memcpy(p, tm->hdr, tm->len);
	sf_wr16(p + tm->len, D->sport);
	sf_wr16(p + tm->len + 2, D->dport);
	sf_wr32(p + tm->len + 4, D->vtag);
	memset(p + tm->len + 8, 0, 4);
	return tm->len + SF_SCTP_COMMON_HDR_LEN;
}

size_t enf_pkt_finish(const struct enf_tmpl *tm, uint8_t *p, size_t len)
{
	ip_fix(p, tm->l3_off, tm->ip_version, len);
	sctp_fix(p + tm->len, len - tm->len);
	return len;
}

/* RFC 9260 §3.3.1: DATA chunk header, user data, padding. */
size_t enf_put_data_chunk(uint8_t *o, size_t cap, uint32_t tsn, uint16_t sid, uint16_t ssn,
			     const uint8_t *d, size_t n)
{
	size_t clen = SF_SCTP_DATA_HDR_LEN + n, plen = (clen + 3) & ~(size_t)3;

	if (cap < plen)
		return 0;
	o[0] = SF_SCTP_DATA;
	o[1] = SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E;
	sf_wr16(o + 2, (uint16_t)clen);
	sf_wr32(o + 4, tsn);
	sf_wr16(o + 8, sid);
	sf_wr16(o + 10, ssn);
	sf_wr32(o + 12, SF_SCTP_PPID_M3UA);
	memcpy(o + 16, d, n);
	memset(o + clen, 0, plen - clen);
	return plen;
}
