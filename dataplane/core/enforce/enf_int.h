/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals of the SCTP-aware blocking (enforce.c has the model): the
 * per-association state shared by its files, one per concern:
 *   enf_table.c   the association table and its set-up from INIT/INIT-ACK
 *   enf_pkt.c     packets built from a direction's header template
 *   enf_sack.c    SACK computation and translation, FORWARD-TSN, skips
 *   enf_answer.c  injected TC-END answers and their retransmission
 *   enf_data.c    DATA chunks: mapping, removal, late chunks, holding the
 *                 fragments of a message until it is whole
 *   enforce.c     the packet: one walk over its chunks; housekeeping */
#ifndef SF_ENF_INT_H
#define SF_ENF_INT_H

#include <stddef.h>
#include <stdint.h>

#include "decode/l2l3.h"
#include "decode/sctp.h"
#include "enforce/enforce.h"

#define ENF_STREAMS	64	/* ordered streams renumbered per direction */
#define ENF_PEND	24	/* injected answers in flight per direction */
#define ENF_ANS_MAX	256	/* M3UA answer */
#define ENF_HDR_MAX	96	/* L2 + L3 headers kept as a template */
#define ENF_MAX_GAPS	64	/* gap blocks in a SACK we write */
#define ENF_MAX_DUPS	16
#define ENF_TICK_VISIT	64	/* associations visited per enf_tick */

enum { AS_FREE = 0, AS_HALF, AS_TRACK, AS_MONITOR };
/* SR_SKIP: a late chunk (it filled a hole) that is blocked: its R TSN is
 * taken, so it is not forwarded but skipped with a FORWARD-TSN (RFC 3758)
 * once the receiver has everything below it. */
/* SR_HELD: a fragment held until its message is whole (no R TSN yet). */
enum { SR_NONE = 0, SR_FWD, SR_REMOVED, SR_HOLE, SR_SKIP, SR_HELD };
/* enf_srec.unordered of a removed fragment other than its message's
 * last: the message shifted its stream's SSNs once, counted on the last */
#define SR_U_FRAG_NOT_LAST 2
enum { RR_NONE = 0, RR_ORIG, RR_INJ };
enum { PD_FREE = 0, PD_DEFERRED, PD_FLIGHT };

struct enf_srec {
	uint32_t s_tsn, r_tsn;
	uint16_t ssn;		/* FWD: R SSN; REMOVED: S SSN */
	uint16_t sid;
	uint8_t state, gap, unordered, pad;
};

struct enf_rrec {
	uint32_t r_tsn, s_tsn;
	uint8_t kind, slot;
};

/* The fragments of one message held until it is whole (table pool). */
struct enf_hold {
	uint32_t owner;		/* assoc * 2 + dir + 1; 0: free */
	uint32_t first, next;	/* S TSNs held: [first, next) */
	uint16_t sid, ssn;
	uint8_t unordered;
	uint8_t pkts;		/* packets it is released in (greedy, fmax) */
	uint32_t len;		/* bytes in buf: the chunks, each padded */
	uint32_t cur;		/* bytes in the last of those packets */
	uint64_t since_ns;
	uint64_t call;		/* the enf_packet call that started it */
	uint8_t *buf;
};

struct enf_pend {
	uint8_t state, gap, tries, miss;
	uint16_t sid, len;
	uint16_t r_ssn;
	uint32_t r_tsn;
	uint64_t sent_ns, rto_ns;
	uint8_t data[ENF_ANS_MAX];	/* the M3UA message */
};

/* Headers of the latest packet seen in a direction (to build packets). */
struct enf_tmpl {
	uint8_t ok, ip_version;
	uint16_t len, l3_off;
	uint16_t port;		/* where packets of this direction leave */
	uint8_t hdr[ENF_HDR_MAX];
};

struct enf_dir {
	uint32_t vtag;
	uint16_t sport, dport;
	uint32_t s_lo, s_next, r_lo, r_next;
	uint32_t holes;
	uint32_t a_rwnd;	/* receiver's last advertised window */
	uint16_t n_streams;
	uint8_t renumbered;	/* a removal or injection happened */
	uint8_t n_pend;
	uint8_t prsctp;		/* both ends support FORWARD-TSN (RFC 3758 §3.1) */
	uint32_t skips;		/* SR_SKIP records not yet passed by the receiver */
	uint32_t skip_cum;	/* last FORWARD-TSN sent, and when */
	uint64_t skip_ns;
	uint64_t sack_ns;	/* last SACK from the receiver */
	uint16_t hold;		/* enf_hold slot + 1; 0: none */
	uint8_t frag_open;	/* the newest TSN is a fragment before an E */
	int16_t ssn_delta[ENF_STREAMS];
	uint16_t r_ssn_next[ENF_STREAMS];
	struct enf_tmpl tmpl;
	struct enf_pend pend[ENF_PEND];
	struct enf_srec *s;
	struct enf_rrec *r;
};

struct enf_assoc {
	uint8_t state;
	uint8_t keyed[2];
	uint16_t port_a, port_b;
	uint32_t tag_a, tag_b;
	uint32_t tag_b_alt;	/* an earlier INIT-ACK's tag (0: none) */
	uint16_t os_a, mis_a;
	uint8_t prsctp_a;
	uint32_t isn_a, rwnd_a;
	uint64_t last_ns;
	uint32_t hnext[2];
	struct enf_dir d[2];	/* 0: A→B (vtag tag_b), 1: B→A (vtag tag_a) */
};

struct enf_table {
	struct enf_config cfg;
	uint32_t wmask;
	struct enf_assoc *a;
	unsigned n;
	uint32_t *head;		/* hash buckets: node (assoc*2+dir)+1, 0 = empty */
	uint32_t hmask;
	struct enf_srec *srecs;
	struct enf_rrec *rrecs;
	unsigned clock, tick_hand;
	unsigned active, pend_total, skip_total;
	uint64_t now;		/* of the current call */
	uint64_t calls;
	size_t fmax;		/* largest frame built (path MTU) */
	struct enf_hold *holds;
	unsigned n_holds, hold_total, hold_hand;
	size_t hold_bytes;
	uint8_t *hold_mem;
	uint8_t *scratch;	/* a held message's M3UA bytes for its answer */
	struct enf_stats st;
};

/* ---- serial number arithmetic (RFC 9260 §1.6, RFC 1982) ---- */
static inline int32_t sdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static inline int16_t sdiff16(uint16_t a, uint16_t b)
{
	return (int16_t)(uint16_t)(a - b);
}

/* ---- SACK computation for direction D (written toward its sender) ----
 * S TSNs are acked when removed by us, or forwarded with their R TSN at
 * or below the receiver's cumulative ack or inside one of its gap blocks.
 * A gap-acked TSN counts as acked for the cumulative point too: the S
 * space has no hole there (RFC 9260 §3.3.4 gap blocks start above cum+1);
 * this assumes the receiver does not renege (§6.2). */
struct rsack {
	int have;
	uint32_t cum;
	const uint8_t *gaps;	/* n pairs start(2) end(2) */
	unsigned n_gaps;
};

enum { DATA_KEEP = 0, DATA_REMOVE, DATA_MONITOR };

void enf_hold_free(struct enf_table *t, struct enf_dir *D);
void enf_key_insert(struct enf_table *t, unsigned ai, unsigned d);
void enf_key_remove(struct enf_table *t, unsigned ai, unsigned d);
struct enf_assoc *enf_lookup(struct enf_table *t, uint32_t vtag, uint16_t sp, uint16_t dp,
			     unsigned *dir);
void enf_retire(struct enf_table *t, struct enf_assoc *a);
void enf_on_init(struct enf_table *t, const struct sctp_view *sv, const struct sctp_chunk *c,
		 uint64_t now);
void enf_on_init_ack(struct enf_table *t, const struct sctp_view *sv,
		     const struct sctp_chunk *c, uint64_t now);
void enf_to_monitor(struct enf_table *t, struct enf_assoc *a);
void enf_tmpl_store(struct enf_tmpl *tm, const uint8_t *frame, size_t l3_off, size_t l4_off,
		    uint8_t ipv, uint16_t port);
void enf_tmpl_reverse(struct enf_tmpl *dst, const struct enf_tmpl *src, int linktype,
		      uint16_t port);
size_t enf_pkt_start(const struct enf_dir *D, const struct enf_tmpl *tm, uint8_t *p);
size_t enf_pkt_finish(const struct enf_tmpl *tm, uint8_t *p, size_t len);
size_t enf_put_data_chunk(uint8_t *o, size_t cap, uint32_t tsn, uint16_t sid, uint16_t ssn,
			  const uint8_t *d, size_t n);
size_t enf_sack_write(struct enf_table *t, struct enf_dir *D, const struct rsack *rs,
		      const uint32_t *dups, unsigned n_dups, uint8_t *o, size_t cap);
void enf_r_advance(struct enf_table *t, struct enf_dir *D, uint32_t rcum);
size_t enf_on_sack(struct enf_table *t, struct enf_dir *D, const struct sctp_chunk *c,
		   uint8_t *o, size_t cap);
size_t enf_on_fwd_tsn(struct enf_table *t, struct enf_dir *D, const struct sctp_chunk *c,
		      uint8_t *o, size_t cap);
void enf_skip_flush(struct enf_table *t, struct enf_dir *D, uint64_t now,
		    struct enf_inject *inj, unsigned *n_inj, unsigned max);
int enf_answers_can_go(const struct enf_dir *D);
size_t enf_pend_emit(struct enf_table *t, struct enf_dir *D, unsigned i, uint64_t now,
		     uint8_t *o, size_t cap);
void enf_flush_dir(struct enf_table *t, struct enf_dir *D, uint64_t now, int only_due,
		   struct enf_inject *inj, unsigned *n_inj, unsigned max);
int enf_queue_answer(struct enf_table *t, struct enf_dir *D, const struct enf_block *b,
		     const struct sctp_data_view *dv);
const struct enf_block *enf_find_block(const struct enf_block *b, unsigned n, uint32_t tsn);
const struct enf_block *enf_find_block_range(const struct enf_block *b, unsigned n,
					     uint32_t first, uint32_t next);
int enf_on_data(struct enf_table *t, struct enf_dir *D, const struct sctp_data_view *dv,
		const struct enf_block *blk, uint32_t *tsn_out, uint16_t *ssn_out, int *dup,
		int *answer);
int enf_hold_next(const struct enf_table *t, const struct enf_dir *D, const struct enf_hold *h,
		  const struct sctp_data_view *dv);
int enf_hold_fits(const struct enf_table *t, const struct enf_dir *D, const struct enf_hold *h,
		  size_t plen, uint8_t *pkts, uint32_t *cur);
void enf_hold_put(struct enf_table *t, struct enf_dir *D, const struct sctp_data_view *dv,
		  const uint8_t *src, size_t clen, uint8_t pkts, uint32_t cur);
int enf_hold_start(struct enf_table *t, struct enf_assoc *a, unsigned d,
		   const struct sctp_data_view *dv, const uint8_t *src, size_t clen);
long enf_hold_release(struct enf_table *t, struct enf_dir *D, uint8_t *o, size_t room,
		      struct enf_inject *inj, unsigned *n_inj, unsigned max);
void enf_hold_remove(struct enf_table *t, struct enf_dir *D, const struct sctp_data_view *dv,
		     struct sf_bytes *msg);
int enf_go_monitor(struct enf_table *t, struct enf_assoc *a, struct enf_out *out);

#endif
