/* SPDX-License-Identifier: BSD-3-Clause */
/* Wire encoders, one per layer (the inverse of the decoder of the same
 * layer, same constants from sf_wire.h): BER (X.690), TCAP (Q.773), MAP
 * (TS 29.002), SMS TPDU (TS 23.040), SCCP (Q.713), M3UA (RFC 4666), SCTP
 * (RFC 9260) and Ethernet/802.1Q/IPv4/IPv6. Pure functions over bytes:
 * they write into a caller-owned struct gbuf, never allocate and never
 * touch DPDK; one that runs out of room sets gbuf.overflow. Used by the
 * inline enforcement (the injected TC-END) and by smsfw-pcapgen. */
#ifndef SF_ENCODE_H
#define SF_ENCODE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sf_bytes.h"
#include "sf_wire.h"

/* ------------------------------------------------------------------ */
/* Output buffer                                                       */

struct gbuf {
	uint8_t *p;
	size_t len;
	size_t cap;
	int overflow;
};

static inline void gb_init(struct gbuf *b, uint8_t *p, size_t cap)
{
	b->p = p;
	b->len = 0;
	b->cap = cap;
	b->overflow = 0;
}

static inline uint8_t *gb_reserve(struct gbuf *b, size_t n)
{
	if (b->overflow || b->cap - b->len < n) {
		b->overflow = 1;
		return NULL;
	}
	b->len += n;
	return b->p + b->len - n;
}

static inline void gb_put(struct gbuf *b, const void *src, size_t n)
{
	uint8_t *d = gb_reserve(b, n);

	if (d && n)
		memcpy(d, src, n);
}

static inline void gb_u8(struct gbuf *b, uint8_t v)
{
	uint8_t *d = gb_reserve(b, 1);

	if (d)
		d[0] = v;
}

static inline void gb_u16(struct gbuf *b, uint16_t v)
{
	uint8_t *d = gb_reserve(b, 2);

	if (d)
		sf_wr16(d, v);
}

static inline void gb_u32(struct gbuf *b, uint32_t v)
{
	uint8_t *d = gb_reserve(b, 4);

	if (d)
		sf_wr32(d, v);
}

/* ------------------------------------------------------------------ */
/* BER (ITU-T X.690) writer: enc_ber.c                                 */

/* Write tag and a one-octet length placeholder; returns the offset of the
 * contents, to be passed to ber_close(). */
static inline size_t ber_open(struct gbuf *b, uint8_t tag)
{
	uint8_t *d = gb_reserve(b, 2);

	if (d) {
		d[0] = tag;
		d[1] = 0;	/* length placeholder, fixed by ber_close */
	}
	return b->len;
}

void ber_close_long(struct gbuf *b, size_t start);
/* Fix the length of the TLV opened at start (definite form, X.690
 * §8.1.3.3-5: short form below 128, else 0x81/0x82 + octets). */
static inline void ber_close(struct gbuf *b, size_t start)
{
	size_t n = b->len - start;

	if (b->overflow)
		return;
	if (n < 128)
		b->p[start - 1] = (uint8_t)n;	/* X.690 §8.1.3.4 short form */
	else
		ber_close_long(b, start);
}
void ber_put(struct gbuf *b, uint8_t tag, const uint8_t *v, size_t n);
/* INTEGER in the fewest octets, two's complement (X.690 §8.3.2). */
void ber_put_int(struct gbuf *b, uint8_t tag, int32_t v);
/* TBCD-STRING (TS 29.002 §17.7.8): two digits per octet, first digit in
 * the low nibble, odd count padded with 0xF. Returns octets or 0. */
size_t enc_tbcd(const char *digits, uint8_t *out, size_t cap);

/* ------------------------------------------------------------------ */
/* TCAP (ITU-T Q.773): enc_tcap.c                                      */

enum tcap_dlg { TCAP_DLG_NONE = 0, TCAP_DLG_AARQ, TCAP_DLG_AARE };

struct tcap_hdr {
	uint8_t type;		/* SF_TCAP_BEGIN / CONTINUE / END */
	uint8_t has_otid, has_dtid;
	uint32_t otid, dtid;	/* encoded as 4 octets */
	uint8_t dlg;		/* enum tcap_dlg */
	uint8_t ac;		/* SF_MAP_AC_* */
	uint8_t ac_version;	/* 2 or 3 (v1 has no dialogue portion) */
};

/* A whole TCAP message: header, optional dialogue portion, and the
 * already-encoded components (may be empty) inside the component portion. */
void tcap_encode(struct gbuf *b, const struct tcap_hdr *h,
		 const uint8_t *comps, size_t comps_len);
void tcap_invoke(struct gbuf *b, int invoke_id, int opcode,
		 const uint8_t *arg, size_t n);
/* ReturnResultLast; res == NULL gives the bare form (invoke id only). */
void tcap_result_last(struct gbuf *b, int invoke_id, int opcode,
		      const uint8_t *res, size_t n);
void tcap_return_error(struct gbuf *b, int invoke_id, int errcode,
		       const uint8_t *param, size_t n);

/* MAP error codes (TS 29.002 §17.6.6) used by the generator */
#define MAP_ERR_UNKNOWN_SUBSCRIBER	1
#define MAP_ERR_ABSENT_SUBSCRIBER_SM	6
#define MAP_ERR_TELESERVICE_NOT_PROV	11
#define MAP_ERR_FACILITY_NOT_SUPPORTED	21
#define MAP_ERR_SUBSCRIBER_BUSY_MT_SMS	31
#define MAP_ERR_SM_DELIVERY_FAILURE	32
#define MAP_ERR_SYSTEM_FAILURE		34

/* ------------------------------------------------------------------ */
/* MAP (TS 29.002): enc_map.c                                          */

struct map_sm_arg {
	uint8_t da_tag;		/* SF_MAP_SM_RP_DA_* */
	const char *da;		/* digits (IMSI, SCA) or 8 hex digits (LMSI) */
	uint8_t oa_tag;		/* SF_MAP_SM_RP_OA_* */
	const char *oa;		/* digits */
	const uint8_t *ui;	/* sm-RP-UI: the TPDU */
	size_t ui_len;
	uint8_t more_msgs;	/* moreMessagesToSend NULL (MT / v2) */
};

/* AddressString (§17.7.8): octet 1 = ext | nature | numbering plan. */
#define MAP_TOA_INTL_E164	0x91
void map_enc_address(struct gbuf *b, uint8_t tag, uint8_t toa, const char *digits);
/* MO-ForwardSM-Arg / MT-ForwardSM-Arg / ForwardSM-Arg (§7.6.8; §12.2, 12.9). */
void map_enc_forward_sm(struct gbuf *b, const struct map_sm_arg *a);
/* RoutingInfoForSM-Arg (§12.1). */
void map_enc_sri_sm_arg(struct gbuf *b, const char *msisdn, const char *sca);
/* RoutingInfoForSM-Res (§12.1): imsi, locationInfoWithLMSI. lmsi may be NULL. */
void map_enc_sri_sm_res(struct gbuf *b, const char *imsi, const char *msc_gt,
			const uint8_t *lmsi);
/* SM-DeliveryFailureCause (§17.7.6) for the sm-DeliveryFailure error. */
void map_enc_delivery_failure(struct gbuf *b, int cause);

/* ------------------------------------------------------------------ */
/* SMS TPDU (TS 23.040 §9.2): enc_tpdu.c                               */

struct tpdu_in {
	uint8_t mti;		/* SF_TP_MTI_DELIVER or SF_TP_MTI_SUBMIT */
	uint8_t srr;		/* SUBMIT: TP-SRR; DELIVER: TP-SRI */
	uint8_t mr;		/* SUBMIT: TP-MR */
	const char *addr;	/* TP-OA (DELIVER) or TP-DA (SUBMIT) */
	uint8_t addr_alnum;	/* addr is an alphanumeric id (UTF-8, GSM 7-bit) */
	uint8_t addr_toa;	/* type of address octet when numeric */
	uint8_t pid, dcs;
	uint64_t scts_unix;	/* DELIVER: service centre time stamp (UTC) */
	int tz_quarters;	/* DELIVER: time zone in quarter hours (+32 = UTC+8) */
	const uint8_t *udh;	/* UDH bytes without UDHL, or NULL */
	size_t udh_len;
	/* user data after the UDH: septets (GSM 7-bit) or octets */
	const uint8_t *ud;
	size_t ud_len;		/* septets or octets */
	uint8_t ud_septets;	/* 1: ud holds unpacked septets */
};

/* Returns the TPDU length, or -1 when it does not fit (or alnum address
 * cannot be encoded). */
int tpdu_encode(uint8_t *out, size_t cap, const struct tpdu_in *t);
/* TS 23.040 §9.2.3.24 concatenation / port UDH IEs. Return bytes written. */
size_t udh_concat(uint8_t *out, int ref16, unsigned ref, unsigned total, unsigned seq);
size_t udh_ports16(uint8_t *out, uint16_t dst, uint16_t src);

/* ------------------------------------------------------------------ */
/* SCCP (Q.713): enc_sccp.c                                            */

struct sccp_addr {
	uint8_t ssn;
	uint8_t np;		/* SF_SCCP_NP_E164, ... */
	const char *gt;		/* BCD digits */
};

struct sccp_seg {
	uint8_t first;		/* F bit */
	uint8_t in_sequence;	/* C bit: class 1 */
	uint8_t remaining;	/* remaining segments, 0..15 */
	uint32_t local_ref;	/* 24 bits */
};

/* UDT (§4.10). Returns 0 or -1 (data > 255). */
int sccp_enc_udt(struct gbuf *b, uint8_t pclass, const struct sccp_addr *called,
		 const struct sccp_addr *calling, const uint8_t *data, size_t n);
/* XUDT (§4.18) with optional segmentation parameter (§3.17). */
int sccp_enc_xudt(struct gbuf *b, uint8_t pclass, uint8_t hops,
		  const struct sccp_addr *called, const struct sccp_addr *calling,
		  const uint8_t *data, size_t n, const struct sccp_seg *seg);

/* ------------------------------------------------------------------ */
/* M3UA (RFC 4666): enc_m3ua.c                                         */

struct m3ua_pd {
	uint32_t opc, dpc;
	uint8_t si, ni, mp, sls;
};

/* DATA (§3.3.1): optional Routing Context, Protocol Data, padding. */
void m3ua_enc_data(struct gbuf *b, const uint32_t *rc, const struct m3ua_pd *pd,
		   const uint8_t *data, size_t n);
/* ASPSM/ASPTM message with optional Routing Context and Traffic Mode Type
 * (0 = absent) parameters (§3.5, §3.7). */
void m3ua_enc_mgmt(struct gbuf *b, uint8_t msg_class, uint8_t type,
		   const uint32_t *rc, uint32_t traffic_mode);

/* ------------------------------------------------------------------ */
/* SCTP (RFC 9260 §3): enc_sctp.c. Chunks are appended to a packet whose
 * first 12 bytes are the common header. */

void sctp_common_hdr(struct gbuf *b, uint16_t sport, uint16_t dport, uint32_t vtag);
void sctp_chunk_data(struct gbuf *b, uint8_t flags, uint32_t tsn, uint16_t sid,
		     uint16_t ssn, uint32_t ppid, const uint8_t *payload, size_t n);
void sctp_chunk_sack(struct gbuf *b, uint32_t cum_tsn, uint32_t a_rwnd,
		     const uint32_t *dups, unsigned ndups);
/* INIT / INIT ACK (§3.3.2, §3.3.3); cookie NULL for INIT. addr4/addr6 are
 * the optional address parameters (may be NULL). */
void sctp_chunk_init(struct gbuf *b, uint8_t type, uint32_t init_tag,
		     uint32_t a_rwnd, uint16_t os, uint16_t mis, uint32_t itsn,
		     const uint8_t *addr, int addr_is_v6,
		     const uint8_t *cookie, size_t cookie_len);
void sctp_chunk_cookie_echo(struct gbuf *b, const uint8_t *cookie, size_t n);
void sctp_chunk_simple(struct gbuf *b, uint8_t type);	/* COOKIE ACK, ... */
void sctp_chunk_heartbeat(struct gbuf *b, uint8_t type, const uint8_t *info, size_t n);
/* Store the CRC32c (§6.8) of the packet b->p[0..len) at offset 8. */
void sctp_finish(uint8_t *pkt, size_t len);

/* ------------------------------------------------------------------ */
/* Ethernet / 802.1Q / IPv4 / IPv6: enc_l2l3.c                        */

struct l2l3_path {
	uint8_t src_mac[6], dst_mac[6];
	uint16_t vlan;		/* 0: untagged */
	uint8_t ipv6;
	uint8_t src_ip[16], dst_ip[16];	/* IPv4 in the first 4 octets */
};

size_t l2l3_hdr_len(const struct l2l3_path *p);
/* Write the headers in front of an SCTP packet of l4_len octets. */
void l2l3_write(uint8_t *frame, const struct l2l3_path *p, size_t l4_len, uint16_t ip_id);

#endif
