/* SPDX-License-Identifier: BSD-3-Clause */
/* Bounded reassembly of SCTP user messages fragmented over several DATA
 * (RFC 9260 §6.9) or I-DATA (RFC 8260 §2.1) chunks. One instance per
 * lcore; all memory is allocated by sctp_reasm_create(). */
#ifndef SF_SCTP_REASM_H
#define SF_SCTP_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "decode/sctp.h"
#include "sf_bytes.h"
#include "sf_err.h"

/* Bytes of bookkeeping per fragment held: a message of n fragments and
 * L bytes needs L + n * SCTP_REASM_FRAG_OVERHEAD <= max_msg_len (the bound
 * is bytes, as a receiver's window is, not a count of fragments). */
#define SCTP_REASM_FRAG_OVERHEAD 8

struct sctp_reasm;

/* max_msgs messages in progress at once, each at most max_msg_len bytes;
 * allocates about max_msgs * (max_msg_len + 80) + 1.5 * max_msg_len bytes.
 * NULL with errno EINVAL (an argument 0 or out of range: max_msgs <= 2^24,
 * max_msg_len <= 2^32 - 1) or ENOMEM. */
struct sctp_reasm *sctp_reasm_create(unsigned max_msgs, size_t max_msg_len);
void sctp_reasm_destroy(struct sctp_reasm *r);

/* key: the caller's hash of association + direction. Feed the DATA or
 * I-DATA chunks that are not complete (not B and E both; a complete one
 * is copied out as is).
 *  SF_OK, out->p != NULL: message complete (contiguous copy, valid until
 *    the next call on r); sctp_reasm_last() describes it.
 *  SF_OK, out->p == NULL: stored, more fragments needed.
 *  SF_E_SCTP_REASM_DUPLICATE: this TSN (FSN) is already held; ignored,
 *    the message in progress is kept.
 *  SF_E_SCTP_REASM_EMPTY: no payload; ignored.
 *  SF_E_SCTP_REASM_TOO_LONG (its bytes and per-fragment overhead above
 *    max_msg_len), _BAD_ORDER: the message in progress is dropped
 *    (counted in stats.dropped).
 * Ordered DATA: fragments share SID + SSN and have consecutive TSNs from B
 * to E. Unordered DATA: consecutive TSNs on one SID. I-DATA: fragments
 * share SID, U and MID and are ordered by FSN (B has FSN 0). Fragments may
 * come in any order. When all max_msgs slots are busy, the oldest message
 * is evicted (counted). */
enum sf_err sctp_reasm_add(struct sctp_reasm *r, uint64_t key, const struct sctp_data_view *d,
			   uint64_t now_ns, struct sf_bytes *out);

/* Drop messages first seen more than max_age_ns before now_ns (counted).
 * Costs O(expired + 1). */
void sctp_reasm_expire(struct sctp_reasm *r, uint64_t now_ns, uint64_t max_age_ns);

/* The message the last complete sctp_reasm_add() returned. */
struct sctp_reasm_msg {
	uint8_t type;		/* SF_SCTP_DATA or SF_SCTP_I_DATA */
	uint8_t unordered;
	uint16_t sid;
	uint16_t n_frags;	/* capped at 65535 */
	uint32_t first_tsn;	/* TSN of the B fragment */
	uint32_t ppid;		/* from the B fragment */
};
const struct sctp_reasm_msg *sctp_reasm_last(const struct sctp_reasm *r);

struct sctp_reasm_stats {
	uint64_t completed, evicted, expired, duplicates, in_use;
	uint64_t dropped;	/* messages given up on an error */
};
void sctp_reasm_stats(const struct sctp_reasm *r, struct sctp_reasm_stats *out);

#endif
