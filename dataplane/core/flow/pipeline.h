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
	struct sf_err_counters err;
};

struct sf_pipeline;

struct sf_pipeline *sf_pipeline_create(const struct sf_pipeline_config *cfg);
void sf_pipeline_destroy(struct sf_pipeline *pl);

/* Decode one packet (linktype: SF_DLT_*). Returns the number of SMS parts
 * delivered to sink->on_sms. Errors are counted, never fatal. */
int sf_pipeline_packet(struct sf_pipeline *pl, const uint8_t *p, size_t len,
		       int linktype, uint64_t frame, uint64_t ts_ns,
		       const struct sf_pipeline_sink *sink);

/* A hash of the SCTP association a packet belongs to, the same for both
 * directions (addresses and ports ordered), 0 for anything else: what the
 * dataplane distributes packets to workers by. */
uint32_t sf_flow_assoc_hash(const uint8_t *p, size_t len, int linktype);

/* Expire idle state; bounded work (budget entries per table). */
void sf_pipeline_expire(struct sf_pipeline *pl, uint64_t now_ns, unsigned budget);

const struct sf_pipeline_stats *sf_pipeline_stats(const struct sf_pipeline *pl);

/* Print the counters, one line per layer, then every non-zero error. */
void sf_pipeline_stats_print(FILE *f, const struct sf_pipeline_stats *s);

/* An LMSI → IMSI pair learned elsewhere (another worker saw the SRI-SM
 * result): LMSI-addressed MT on this pipeline resolve to the IMSI. */
void sf_pipeline_learn_lmsi(struct sf_pipeline *pl, const uint8_t lmsi[4], const char *imsi,
			    uint64_t now_ns);

#endif
