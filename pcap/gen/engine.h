/* SPDX-License-Identifier: BSD-3-Clause */
/* The generator engine: network topology and SCTP association state
 * (assoc.c), SMS flows and scenarios (scenario.c), ground truth. One
 * struct gen_ctx per run; memory is fixed after start-up whatever the
 * number of messages. */
#ifndef SMSFW_GEN_ENGINE_H
#define SMSFW_GEN_ENGINE_H

#include "gen.h"
#include "sf_sms.h"

#define GEN_MAX_ASSOC	8
#define GEN_NSTREAMS	16	/* outbound = inbound streams; 0 carries M3UA management */
#define GEN_MAX_PARTS	8	/* longest concatenated message generated */
#define GEN_MAX_BATCH	1024	/* flows in flight at once, at most */
#define GEN_IDLE_NS	20000000ull	/* delayed-SACK / heartbeat tick: 20 ms */
#define GEN_QUEUE_MAX	2560	/* user messages queued per round */
#define GEN_ARENA	(1024 * 1024)
#define GEN_PKT_TRUTH	32	/* SMS parts completed in one packet, at most */
#define GEN_TEXT_MAX	2400	/* UTF-8 octets of one message */
#define GEN_ENC_MAX	1200	/* septets / UCS-2 octets of one message */
#define GEN_PMTU	1500
#define GEN_FRAME_MAX	(GEN_PMTU + 64)
#define GEN_LINE_MAX	16384	/* one truth line */

struct gen_opts {
	uint64_t messages;	/* SMS parts to generate (truth lines, retransmissions aside) */
	uint64_t seed;
	const char *out;
	unsigned mix[SCN__COUNT];	/* relative shares */
	int ip_mode;		/* 4, 6, or 46 (dual stack: alternate per association) */
	uint16_t vlan;
	int segment_xudt;
	int retrans;		/* permille of DATA packets sent twice */
	int handshake;
	unsigned rate;		/* SMS per second on the timeline */
	uint64_t start_unix;
	uint32_t subscribers;
	int quiet;
};

/* One SMS part as the ground truth describes it: the decoder's fields
 * (struct sf_sms, printed by sf_sms_json_fields) plus what it is. */
struct truth_rec {
	struct sf_sms s;
	uint8_t scn;		/* enum gen_scn */
	const struct gen_text *src;	/* label / category, may be NULL */
	const char *expected;	/* "pass" | "tag" | "block" */
	const char *cls;	/* content class or NULL */
	char reported[24];	/* report scenario: the reported number, "" if none */
	char recipient[16];	/* MT: the recipient's MSISDN (the MAP message has only the IMSI) */
	uint32_t campaign, flood_seq;	/* floods: campaign id, 1-based position */
};

struct gen_endpoint {
	uint8_t mac[6];
	uint8_t ip[16];
	uint16_t port;
	uint32_t pc;
	uint32_t my_vtag;	/* verification tag of packets sent to this endpoint */
	uint32_t next_tsn;
	uint16_t ssn[GEN_NSTREAMS];
	uint32_t cum_tsn_recv;
	unsigned owe_sack;	/* DATA packets received and not yet acknowledged */
	uint32_t dups[4];
	unsigned ndups;
	uint16_t ip_id;
};

struct gen_assoc {
	struct gen_endpoint ep[2];	/* ep[0]: SMSC / gateway side, ep[1]: STP */
	const char *name;
	uint8_t node;		/* NODE_* of ep[0] */
	uint8_t ipv6;
	uint8_t use_rc;
	uint32_t rc;
	uint16_t maxseg;	/* fragmentation point (SCTP_MAXSEG), 0 = PMTU */
	uint8_t prefer_xudt;
	uint8_t ni;		/* MTP3 network indicator */
	int32_t hb_countdown;
};

struct gen_umsg {
	uint8_t assoc, dir;	/* dir 0: ep[0] → ep[1] */
	uint16_t sid;
	int32_t next;		/* next message of the same (assoc, dir), -1 */
	uint8_t segment;	/* one XUDT segment of a longer message */
	uint32_t off, len;	/* M3UA message in the arena */
	const struct truth_rec *truth;	/* SMS part completed by this message */
};

struct gen_flow;

struct gen_ctx {
	struct gen_opts o;
	struct gen_rng rng;
	struct text_db *texts;
	struct gen_file pcap, truth;
	uint64_t frame;		/* records written */
	uint64_t clock_ns;
	uint64_t parts;		/* truth lines written (retransmissions aside) */
	uint64_t reserved;	/* parts promised to flows in flight */
	uint64_t retrans_lines, packets, flows_done, sri_failures;
	unsigned mix_total;

	struct gen_assoc assoc[GEN_MAX_ASSOC];
	unsigned nassoc;

	/* the current round's queue */
	struct gen_umsg q[GEN_QUEUE_MAX];
	unsigned nq;
	uint8_t arena[GEN_ARENA];
	size_t arena_len;

	uint8_t *pkt;			/* the frame being built, in the pcap buffer */
	int32_t qhead[GEN_MAX_ASSOC * 2], qtail[GEN_MAX_ASSOC * 2];	/* per (assoc, dir), -1 */

	struct gen_flow *flows;		/* GEN_MAX_BATCH */
	void *rtx;			/* pending retransmissions (assoc.c) */
	void *memo;			/* GSM 7-bit conversions of pool texts (scenario.c) */
	void *scn_state;		/* scenario memory (shields, campaigns) */
};

/* Nodes on the ep[0] side of the associations. */
enum gen_node { NODE_SMSC1 = 0, NODE_SMSC2, NODE_SMSC3, NODE_IGW, NODE__COUNT };

/* assoc.c */
void assoc_setup(struct gen_ctx *g);
/* One of the node's associations (load sharing). */
unsigned assoc_pick(struct gen_ctx *g, enum gen_node node);
/* Emit retransmissions still pending (end of run). */
void assoc_drain(struct gen_ctx *g);
void assoc_handshakes(struct gen_ctx *g);
/* Queue one M3UA message; returns 0 or -1 when the round is full.
 * segment: it carries one XUDT segment (its packet is never retransmitted:
 * a repeated segment would not complete the message again). */
int assoc_queue(struct gen_ctx *g, unsigned assoc, unsigned dir, uint16_t sid,
		const uint8_t *m3ua, size_t n, const struct truth_rec *truth, int segment);
void assoc_flush(struct gen_ctx *g);
/* End of a batch: delayed SACKs, occasional HEARTBEATs. */
void assoc_idle(struct gen_ctx *g);
void gen_advance(struct gen_ctx *g, uint64_t min_ns, uint64_t max_ns);

/* scenario.c */
int gen_run(struct gen_ctx *g);
/* Write the truth line of t seen in frame (retrans: a repeated DATA chunk). */
void truth_write(struct gen_ctx *g, const struct truth_rec *t, uint64_t frame, int retrans);

#endif
