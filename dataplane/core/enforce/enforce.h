/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP-aware blocking for a bump in the wire (RFC 9260): per association
 * and direction, remove the DATA chunks of blocked messages, renumber TSNs
 * and stream sequence numbers toward the receiver, translate SACK,
 * SHUTDOWN and FORWARD-TSN (RFC 3758) back toward the sender, acknowledge
 * removed chunks to the sender with injected SACKs and optionally answer
 * the blocked Invoke with an injected TC-END, so that both endpoints keep
 * a healthy association. DPDK-free; one table per worker thread.
 *
 * Ownership: the table is owned by one thread; all output is written into
 * caller-owned buffers (struct enf_out) and is valid until the next call. */
#ifndef SF_ENFORCE_H
#define SF_ENFORCE_H

#include <stddef.h>
#include <stdint.h>

#define ENF_PKT_MAX 9216	/* largest packet injected (a jumbo frame) */
#define ENF_FRAME_MAX (65535 + 64)	/* largest frame rewritten: any IP packet + L2 */
#define ENF_HOLD_PKTS 8		/* packets one held message is released in */
#define ENF_INJECT_MAX (8 + ENF_HOLD_PKTS)	/* injected packets per call */

enum enf_action { ENF_DROP = 0, ENF_REJECT, ENF_FAKE_ACK };

/* A blocked SMS: the DATA chunk (by TSN) that carries it, or for a message
 * of several chunks the one that completed it (any of its fragments does),
 * and what to answer. */
struct enf_block {
	uint32_t tsn;
	uint8_t action;		/* enum enf_action */
	uint8_t has_otid;
	uint32_t otid;		/* the dialogue's otid: the answer's dtid */
	int32_t invoke_id;
	uint8_t opcode;		/* MAP operation of the Invoke */
	uint8_t begin;		/* the Invoke came in a TC-BEGIN (answer with an AARE) */
	uint8_t ac, ac_version;	/* application context of that dialogue */
	uint32_t error;		/* MAP error code for ENF_REJECT */
};

enum enf_verdict {
	ENF_PASS = 0,		/* forward the packet unchanged */
	ENF_REWRITTEN,		/* forward out->pkt[0..pkt_len) instead */
	ENF_CONSUMED,		/* nothing left to forward */
};

struct enf_inject {
	uint16_t port;		/* the port the packet must leave on */
	uint16_t len;
	uint8_t pkt[ENF_PKT_MAX];
};

struct enf_out {
	size_t pkt_len;
	uint8_t pkt[ENF_FRAME_MAX];
	unsigned n_inject;
	struct enf_inject inject[ENF_INJECT_MAX];
};

struct enf_stats {
	uint64_t packets, rewritten, consumed;
	uint64_t assocs_created, assocs_retired, assocs_evicted, assocs_monitor;
	uint64_t unknown_assoc;		/* packets of untracked associations (forwarded) */
	uint64_t chunks_removed;	/* blocked DATA chunks removed */
	uint64_t removed_retrans;	/* retransmissions of removed chunks, re-acked */
	uint64_t old_retrans;		/* retransmissions of chunks already acked, re-acked */
	uint64_t fwd_retrans;		/* retransmissions of forwarded chunks, same mapping */
	uint64_t late_arrivals;		/* chunks that filled a hole (loss/reorder upstream) */
	uint64_t late_skipped;		/* late blocked chunks skipped with an injected FORWARD-TSN */
	uint64_t fwd_tsn_injected;
	uint64_t sack_probes;		/* duplicate DATA sent to get a SACK for a pending skip */
	uint64_t block_passed;		/* blocked but forwarded: not removable (see enforce.c) */
	/* messages fragmented over several DATA chunks, held until whole */
	uint64_t frag_held;		/* fragments held */
	uint64_t frag_msgs_removed;	/* blocked messages of several chunks removed */
	uint64_t frag_msgs_skipped;	/* ... partly forwarded, skipped with FORWARD-TSN */
	uint64_t hold_retrans;		/* retransmitted copies of held fragments, dropped */
	uint64_t hold_released;		/* held messages released early (interrupted, too long) */
	uint64_t hold_expired;		/* held messages released after hold_ns */
	uint64_t hold_unheld;		/* B fragments not held (no slot, out of order, too big) */
	uint64_t hold_dropped;		/* held fragments lost with their association */
	uint64_t sacks_translated, sacks_injected;
	uint64_t shutdowns_translated, fwd_tsn_translated;
	uint64_t answers_injected, answers_retransmitted, answers_lost;
	uint64_t window_overflow, rewrite_errors;
	uint64_t malformed_tail;	/* packets forwarded without a malformed last chunk */
	uint64_t mem_bytes;		/* memory of the table */
};

struct enf_config {
	unsigned max_assocs;	/* associations tracked (≥ 16) */
	unsigned window;	/* TSNs tracked per direction (power of 2, ≥ 64) */
	uint64_t rto_ns;	/* first retransmission timeout of injected answers (0: 1 s) */
	unsigned max_frame;	/* largest frame built, L2 included (0: 1400, for a 1500 MTU) */
	/* Fragments of a message are held until its last one arrives (the
	 * verdict needs the whole message): at most holds messages at once
	 * (0: 64), each at most hold_bytes (0: 16384) and hold_ns (0: 500 ms,
	 * under the 1 s minimum RTO of RFC 9260 §16, above the 200 ms
	 * delayed SACK) before it is forwarded as it is. */
	unsigned holds;
	unsigned hold_bytes;
	uint64_t hold_ns;
};

struct enf_table;

/* NULL with the reason on error. */
struct enf_table *enf_create(const struct enf_config *c, char *err, size_t errlen);
void enf_destroy(struct enf_table *t);

/* Process one frame (linktype SF_DLT_*) that arrived on in_port and would
 * leave on out_port, with the blocked messages among its DATA chunks.
 * rec is the pipeline's record of this frame (flow/pipeline.h): its
 * L3/L4 offsets, SCTP header, checksum and chunk walk are read from there,
 * not parsed again (sf_pkt_rec_frame makes one without a pipeline).
 * Returns the enum enf_verdict; out->inject[] holds packets to send
 * (SACKs and answers toward the sender, retransmissions). A frame that is
 * not SCTP, whose checksum failed, or of an association in monitor mode,
 * is ENF_PASS. */
struct sf_pkt_rec;
int enf_packet(struct enf_table *t, const uint8_t *frame, size_t len, int linktype,
	       const struct sf_pkt_rec *rec, uint16_t in_port, uint16_t out_port,
	       const struct enf_block *blocks, unsigned n_blocks,
	       uint64_t now_ns, struct enf_out *out);

/* The same for tools and tests that have a frame and no pipeline: rec is
 * made from the frame (sf_pkt_rec_frame), then enf_packet. */
int enf_frame(struct enf_table *t, struct sf_pkt_rec *rec, const uint8_t *frame, size_t len,
	      int linktype, uint16_t in_port, uint16_t out_port, const struct enf_block *blocks,
	      unsigned n_blocks, uint64_t now_ns, struct enf_out *out);

/* Bounded housekeeping: retransmit injected answers whose timer expired
 * (visits at most a few dozen associations). Returns packets written. */
unsigned enf_tick(struct enf_table *t, uint64_t now_ns, struct enf_inject *inj, unsigned max);

const struct enf_stats *enf_stats(const struct enf_table *t);

#endif
