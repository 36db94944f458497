/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw-pcapgen internals: the per-layer encoders (each the inverse of the
 * decoder of the same layer, same constants from sf_wire.h), the PRNG, the
 * buffered pcap/truth writer, the SCTP association model and the scenario
 * engine. Encoders write into a caller-owned struct gbuf and never
 * allocate; an encoder that runs out of room sets gbuf.overflow. */
#ifndef SMSFW_GEN_H
#define SMSFW_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
/* PRNG: xoshiro256** seeded through splitmix64 (own, so that the same
 * seed gives the same bytes on every libc). */

struct gen_rng {
	uint64_t s[4];
};

void rng_seed(struct gen_rng *r, uint64_t seed);

static inline uint64_t rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct gen_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n), n > 0 (Lemire's multiply-shift). */
static inline uint32_t rng_below(struct gen_rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* 1 with probability permille/1000. */
static inline int rng_permille(struct gen_rng *r, unsigned permille)
{
	return rng_below(r, 1000) < permille;
}

/* n random decimal digits into out (NUL-terminated). */
void rng_digits(struct gen_rng *r, char *out, unsigned n);

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

/* ------------------------------------------------------------------ */
/* Buffered writer and pcap format: pcap_out.c                         */

struct gen_file {
	FILE *f;
	uint8_t *buf;
	size_t len, cap;
	int error;
};

int gf_open(struct gen_file *g, const char *path, size_t bufsize);
void gf_write(struct gen_file *g, const void *p, size_t n);
/* Room for n bytes at the end of the buffer (draining it first when
 * needed; n <= bufsize); gf_commit() then keeps the m <= n written. */
uint8_t *gf_reserve(struct gen_file *g, size_t n);
static inline void gf_commit(struct gen_file *g, size_t m)
{
	g->len += m;
}
int gf_close(struct gen_file *g);	/* 0 or -1 on any write error */

/* pcap file header (LINKTYPE_ETHERNET, microseconds). */
void pcap_write_header(struct gen_file *g, uint32_t snaplen);
/* Build a record in place: pcap_record_frame() is where the frame goes
 * (at most maxlen octets); pcap_record_end() writes the record header. */
uint8_t *pcap_record_frame(struct gen_file *g, size_t maxlen);
void pcap_record_end(struct gen_file *g, uint64_t ts_ns, size_t n);

/* ------------------------------------------------------------------ */
/* Text: texts.c                                                       */

enum gen_scn {
	SCN_HAM = 0, SCN_SPAM, SCN_FRAUD, SCN_ILLEGAL, SCN_NOTICE, SCN_REPORT,
	SCN_SHIELD, SCN_SHIELDED, SCN_SPOOF, SCN_FLOOD_FANOUT, SCN_FLOOD_TO_ONE,
	SCN_FLOOD_SAME_TEXT, SCN_WAP_PUSH, SCN_REPORT_TRICKY, SCN__COUNT
};

const char *gen_scn_name(enum gen_scn s);
int gen_scn_parse(const char *name);	/* -1 unknown */

/* Text pools that scenarios draw from. */
enum text_pool {
	POOL_HAM = 0, POOL_SPAM, POOL_FRAUD, POOL_ILLEGAL, POOL_NOTICE_10086,
	POOL_NOTICE_BANK, POOL_OTP, POOL_SPOOF_10086, POOL_SPOOF_BANK, POOL__COUNT
};

struct gen_text {
	const char *text;	/* UTF-8, may contain {code} */
	const char *label;	/* corpus label or "builtin" */
	const char *category;	/* corpus category or NULL */
	const char *cls;	/* expected class or NULL */
	uint32_t len;
};

struct text_db;
struct text_db *text_db_new(void);
void text_db_free(struct text_db *db);
/* Load label<TAB>...<TAB>text; returns rows loaded or -1 with errbuf. */
long text_db_load(struct text_db *db, const char *path, char *err, size_t errlen);
size_t text_db_count(const struct text_db *db, enum text_pool p);
const struct gen_text *text_db_pick(const struct text_db *db, enum text_pool p,
				    struct gen_rng *r);

#endif
