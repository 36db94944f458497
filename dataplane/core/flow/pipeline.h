/* SPDX-License-Identifier: BSD-3-Clause */
/* The decode pipeline: a captured packet in, SMS parts and MAP events out.
 * It owns the state that decoding needs across packets — SCTP associations
 * (retransmitted TSNs), DATA fragment and XUDT segment reassembly, TCAP
 * dialogues (so an Invoke in a Continue after an empty Begin keeps its
 * application context) — in fixed-capacity tables allocated at creation.
 * One pipeline per thread; no locks, no allocation per packet. */
#ifndef SF_PIPELINE_H
#define SF_PIPELINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sf_err.h"
#include "sf_sms.h"
#include "decode/l2l3.h"
#include "decode/sctp.h"

struct sf_pipeline_config {
	unsigned max_assocs;		/* SCTP association-directions tracked */
	unsigned max_dialogues;		/* open TCAP dialogues */
	unsigned max_reasm;		/* DATA/XUDT messages being reassembled */
	size_t max_reasm_len;		/* longest reassembled user message */
	uint64_t dialogue_timeout_ns;
	uint64_t reasm_timeout_ns;
	int verify_checksum;		/* skip SCTP packets whose CRC32c is wrong */
};

void sf_pipeline_config_default(struct sf_pipeline_config *c);

/* Non-SMS MAP operations worth knowing about (SRI-SM teaches IMSI↔MSISDN). */
enum sf_map_event_kind {
	SF_MAP_EV_SRI_SM_ARG = 1,	/* sendRoutingInfoForSM invoke: msisdn, sca */
	SF_MAP_EV_SRI_SM_RES,		/* its result: imsi, network node number */
	SF_MAP_EV_REPORT_SM_DS,		/* reportSM-DeliveryStatus: msisdn, sca */
	SF_MAP_EV_ALERT_SC,		/* alertServiceCentre: msisdn, sca */
};

struct sf_map_event {
	uint8_t kind;
	uint64_t frame, ts_ns, assoc_id;
	uint8_t retransmission;
	uint8_t msisdn_ton;		/* its nature of address (POLICY_TON_INTERNATIONAL: 1) */
	char msisdn[SF_DIGITS_MAX + 1];
	char imsi[SF_DIGITS_MAX + 1];
	char sca[SF_DIGITS_MAX + 1];	/* service centre / network node number */
	char calling_gt[SF_DIGITS_MAX + 1];
	uint8_t has_lmsi, lmsi[4];	/* SRI-SM result: the LMSI of locationInfoWithLMSI */
};

/* One TCAP message as seen (for tools and the oracle test). */
#define SF_TCAP_MAX_COMPONENTS 8
struct sf_tcap_event {
	uint64_t frame;
	uint8_t type;			/* SF_TCAP_BEGIN, ... */
	uint8_t has_otid, has_dtid;
	uint8_t otid_len, dtid_len;
	uint8_t otid[4], dtid[4];
	uint8_t has_ac, map_ac, map_ac_version;
	uint8_t map_version;		/* the dialogue's MAP version, 0 unknown */
	unsigned n_components;
	struct {
		uint8_t type;
		uint8_t has_invoke_id, has_opcode;
		int32_t invoke_id, opcode;
	} comp[SF_TCAP_MAX_COMPONENTS];
	char calling_gt[SF_DIGITS_MAX + 1];
	char called_gt[SF_DIGITS_MAX + 1];
};

/* Where results go. Every callback is optional; pointers passed to them
 * are valid only during the call. */
struct sf_pipeline_sink {
	void *ctx;
	void (*on_sms)(void *ctx, const struct sf_sms *sms);
	void (*on_map_event)(void *ctx, const struct sf_map_event *ev);
	void (*on_tcap)(void *ctx, const struct sf_tcap_event *ev);
};

struct sf_pipeline_stats {
	uint64_t packets, non_ip, ip_fragments, non_sctp;
	uint64_t sctp_packets, bad_checksum, chunks, data_chunks;
	uint64_t nic_checksum;		/* SCTP packets whose CRC32c the NIC verified */
	uint64_t data_retransmissions, data_fragments, other_ppid;
	uint64_t m3ua_messages, m3ua_data, m3ua_other_class, m3ua_non_sccp;
	uint64_t sccp_messages, sccp_segments, sccp_other;
	uint64_t tcap_messages, tcap_dialogues, tcap_components;
	uint64_t tcap_unknown_dialogue;	/* Continue/End whose Begin we never saw */
	uint64_t map_other_ops;
	uint64_t sms_parts, sms_by_op[4], sms_by_charset[4];
	uint64_t map_events[5];
	uint64_t text_replaced;		/* characters decoded as U+FFFD */
	uint64_t data_as_text;		/* 8-bit parts also read (and scanned) as text */
	uint64_t assoc_evictions, dialogue_evictions;
	uint64_t sctp_paths, sctp_path_evictions;	/* alternate paths held (sctp_paths.h), evicted */
	uint64_t asconf_added, asconf_deleted;	/* addresses accepted ASCONFs added / deleted */
	uint64_t asconf_refused, asconf_unknown;	/* requests refused; ASCONFs of unseen set-ups */
	struct sf_err_counters err;
};

struct sf_pipeline;

struct sf_pipeline *sf_pipeline_create(const struct sf_pipeline_config *cfg);
void sf_pipeline_destroy(struct sf_pipeline *pl);

/* ---- The per-packet record: every layer decoded once ----
 *
 * sf_pipeline_decode() walks a packet once (L2/L3, SCTP chunks, M3UA,
 * SCCP, TCAP with its component list, MAP, TPDU, text) and leaves the
 * result in one record that every later stage reads instead of parsing
 * again: the engine and policy (the SMS parts and MAP events, in wire
 * order), logging, the dataplane's distributor (the association hash) and
 * enforcement (the L3/L4 offsets, the SCTP header and every chunk's header
 * (walk), each DATA chunk's TSN, stream, flags and place in the packet, and
 * which SMS parts a chunk carried).
 *
 * Ownership: the record belongs to the pipeline and is valid until its
 * next decode call; the SMS texts point into the pipeline's per-part text
 * buffers, valid as long. Capacities are fixed: a packet with more DATA
 * chunks than SF_PKT_CHUNKS_MAX has the rest decoded but not described
 * (n_chunks counts all, chunk[] holds the first ones); a packet with more
 * SMS parts or MAP events than the record holds hands each full batch to
 * the decode call's flush hook before going on (so no part goes
 * undecided), and the record then holds the last batch. */
#define SF_PKT_CHUNKS_MAX 32
#define SF_PKT_SMS_MAX 32
#define SF_PKT_EVENTS_MAX 16

struct sf_pkt_chunk {
	uint32_t off;		/* chunk header's offset in the SCTP packet */
	uint16_t len;		/* Chunk Length (header + value, no padding) */
	uint8_t type;		/* SF_SCTP_DATA or SF_SCTP_I_DATA */
	uint8_t flags;		/* SF_SCTP_DATA_FLAG_* */
	uint32_t tsn, ppid;
	uint16_t sid;
	uint8_t retransmission;	/* TSN seen before on this association-direction */
	uint8_t n_sms;		/* SMS parts this chunk completed (a reassembled
				 * message counts on its last fragment) */
};

enum sf_pkt_item_kind { SF_PKT_ITEM_SMS = 1, SF_PKT_ITEM_MAP_EVENT };

struct sf_pkt_rec {
	uint64_t frame, ts_ns;
	/* L2/L3: the frame as l2l3_decode saw it */
	uint8_t l3_ok;			/* IP decoded */
	uint8_t ip_version, l4_proto;
	uint8_t ip_reassembled;		/* SCTP came from IP fragments: l4_off is 0 and
					 * the SCTP packet is not in the frame */
	uint8_t src[16], dst[16];
	uint32_t l3_off, l4_off, l4_len;	/* from the frame's first byte */
	/* SCTP common header (valid when sctp_ok) */
	uint8_t sctp_ok;		/* decoded (and its CRC32c right when checked) */
	uint8_t crc_ok;			/* the CRC32c was checked and is right; 0 when
					 * the pipeline does not check (verify_checksum) */
	uint16_t sport, dport;
	uint32_t vtag;
	uint64_t assoc_id;		/* association-direction (sf_sms.assoc_id); 0 when
					 * the packet has no DATA chunk */
	/* DATA / I-DATA chunks in wire order */
	unsigned n_chunks;
	struct sf_pkt_chunk chunk[SF_PKT_CHUNKS_MAX];
	/* what they carried, in wire order: item[i] names sms[idx] or ev[idx] */
	unsigned n_items;
	struct {
		uint8_t kind, idx;	/* enum sf_pkt_item_kind */
	} item[SF_PKT_SMS_MAX + SF_PKT_EVENTS_MAX];
	unsigned n_sms, n_events;
	unsigned n_flushed;		/* items handed to the flush hook before these */
	struct sf_sms sms[SF_PKT_SMS_MAX];
	struct sf_map_event ev[SF_PKT_EVENTS_MAX];
	/* every chunk header of the packet in wire order, whatever its type
	 * (valid when sctp_ok; offsets in the SCTP packet at l4_off) */
	struct sctp_walk walk;
};

/* L2/L3 of a frame decoded before the pipeline runs: the dataplane's RX
 * lcore decodes them to pick a worker (sf_l3_flow_hash) and hands them on
 * with the packet, so the worker does not decode them again. */
struct sf_l3_pre {
	enum sf_err err;		/* l2l3_decode's result */
	struct l2l3_view v;		/* points into the frame it was decoded from */
	uint8_t sctp_csum_good;		/* the NIC verified this frame's SCTP
					 * CRC32c (RX offload): not computed
					 * again. Never for a reassembled IP
					 * datagram, which no NIC saw whole */
};

/* Called with a full record in the middle of a packet (cold: more than
 * SF_PKT_SMS_MAX parts or SF_PKT_EVENTS_MAX events in one packet); the
 * consumer handles its items as it would at the end, and the record is
 * emptied of them. */
struct sf_pipeline_flush {
	void *ctx;
	void (*flush)(void *ctx, const struct sf_pkt_rec *rec);
};

/* Decode one packet (linktype: SF_DLT_*) into the pipeline's record and
 * return it. flush may be NULL (a full record then drops the rest, counted
 * as flow.pkt_record_full). Errors are counted, never fatal. */
const struct sf_pkt_rec *sf_pipeline_decode(struct sf_pipeline *pl, const uint8_t *p, size_t len,
					    int linktype, uint64_t frame, uint64_t ts_ns,
					    const struct sf_pipeline_flush *flush);

/* The same with L2/L3 already decoded from p (pre->v points into p):
 * they are not decoded again. pre NULL: as sf_pipeline_decode. */
const struct sf_pkt_rec *sf_pipeline_decode_l3(struct sf_pipeline *pl, const uint8_t *p,
					       size_t len, int linktype,
					       const struct sf_l3_pre *pre,
					       uint64_t frame, uint64_t ts_ns,
					       const struct sf_pipeline_flush *flush);

/* The same for tools and tests: the record's parts and events handed to
 * sink in wire order (on_tcap as each TCAP message is decoded). Returns
 * the number of SMS parts. */
int sf_pipeline_packet(struct sf_pipeline *pl, const uint8_t *p, size_t len,
		       int linktype, uint64_t frame, uint64_t ts_ns,
		       const struct sf_pipeline_sink *sink);

/* What the dataplane distributes packets to workers by: a hash of the IP
 * address pair, the same for both directions (addresses ordered), for
 * every SCTP packet and every fragment of an IP datagram that carries
 * SCTP; 0 for anything else. (The distributor first maps a multi-homed
 * association's alternate path to its first, sctp_paths.h, and hashes
 * that pair with sf_flow_hash_pair.) Ports are not in it: a fragment after the
 * first has none, and the fragments of a datagram must meet the rest of
 * their association on one worker, whose IP reassembly, TSN window and
 * enforcement hold its state. */
uint32_t sf_l3_flow_hash(const struct l2l3_view *v);

/* The same hash of an address pair (e.g. the pair sctp_paths_map gives
 * for a multi-homed association's alternate path). */
uint32_t sf_flow_hash_pair(const uint8_t src[16], const uint8_t dst[16]);

/* The same, decoding the frame's L2/L3 (tools and the benchmark). */
uint32_t sf_flow_hash(const uint8_t *p, size_t len, int linktype);

/* The same hash from a decoded record, for consumers after decoding:
 * equal to sf_flow_hash of the frame. */
uint32_t sf_pkt_rec_flow_hash(const struct sf_pkt_rec *rec);

/* Expire idle state; bounded work (budget entries per table). */
void sf_pipeline_expire(struct sf_pipeline *pl, uint64_t now_ns, unsigned budget);

const struct sf_pipeline_stats *sf_pipeline_stats(const struct sf_pipeline *pl);

/* The pipeline's multi-homing table (sctp_paths.h), for a restart's
 * export and import. */
struct sctp_paths *sf_pipeline_paths(struct sf_pipeline *pl);

/* Print the counters, one line per layer, then every non-zero error. */
void sf_pipeline_stats_print(FILE *f, const struct sf_pipeline_stats *s);

/* An LMSI → IMSI pair learned elsewhere (another worker saw the SRI-SM
 * result): LMSI-addressed MT on this pipeline resolve to the IMSI. */
void sf_pipeline_learn_lmsi(struct sf_pipeline *pl, const uint8_t lmsi[4], const char *imsi,
			    uint64_t now_ns);

/* ---- The record's lower layers (pkt_rec.c) ----
 *
 * The steps of the pipeline that fill the record's L2/L3 and SCTP
 * fields, for tools and tests that need a record of a frame and have no
 * pipeline (IP fragments are the pipeline's: they need its reassembly). */
/* Header fields cleared, frame and timestamp set. */
void sf_pkt_rec_reset(struct sf_pkt_rec *rec, uint64_t frame, uint64_t ts_ns);

/* L2/L3 decoded into rec (l4_off when not a fragment) and *l3. */
enum sf_err sf_pkt_rec_l3(struct sf_pkt_rec *rec, const uint8_t *p, size_t len, int linktype,
			  struct l2l3_view *l3);

/* The same from a view already decoded from p. */
void sf_pkt_rec_l3_view(struct sf_pkt_rec *rec, const uint8_t *p, const struct l2l3_view *l3);

#define SF_PKT_REC_BAD_CHECKSUM 1

/* The SCTP packet l4: common header, CRC32c (when verify_checksum) and
 * the chunk walk. SF_OK (sctp_ok set), a decode error, or
 * SF_PKT_REC_BAD_CHECKSUM (sctp_ok not set). */
int sf_pkt_rec_sctp(struct sf_pkt_rec *rec, struct sf_bytes l4, int verify_checksum,
		    struct sctp_view *sv);

/* Reset, then both steps with the checksum checked: 1 when rec->sctp_ok. */
int sf_pkt_rec_frame(struct sf_pkt_rec *rec, const uint8_t *p, size_t len, int linktype);

#endif
