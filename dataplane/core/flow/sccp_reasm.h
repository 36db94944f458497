/* SPDX-License-Identifier: BSD-3-Clause */
/* Bounded reassembly of segmented XUDT/LUDT messages (ITU-T Q.714
 * §4.1.1.2, segmentation parameter Q.713 §3.17). One instance per lcore;
 * all memory is allocated by sccp_reasm_create(). */
#ifndef SF_SCCP_REASM_H
#define SF_SCCP_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "decode/sccp.h"
#include "sf_bytes.h"
#include "sf_err.h"

struct sccp_reasm;

/* max_msgs messages in progress at once, each at most max_msg_len bytes.
 * NULL (errno EINVAL or ENOMEM) when an argument is 0, the product
 * overflows, or memory is short. */
struct sccp_reasm *sccp_reasm_create(unsigned max_msgs, size_t max_msg_len);
void sccp_reasm_destroy(struct sccp_reasm *r);

/* key: the caller's hash of (OPC, calling party address); the segmentation
 * local reference is matched inside. Segments come in order: the first has
 * F set and 'remaining' = segments still to come, each next one has
 * 'remaining' one lower, the last 0.
 *  SF_OK, out->p != NULL: a complete message. For a message without a
 *    segmentation parameter, or a first segment with remaining 0, out is
 *    v->data itself; otherwise it is a copy inside r, valid until the next
 *    sccp_reasm_add/expire/destroy on r.
 *  SF_OK, out->p == NULL: stored, more segments needed.
 *  SF_E_SCCP_REASM_UNEXPECTED: a non-first segment with nothing in
 *    progress for (key, local reference): dropped.
 *  SF_E_SCCP_REASM_SEQUENCE: 'remaining' is not the one expected (a
 *    segment was lost): the message in progress is dropped.
 *  SF_E_SCCP_REASM_TOO_LONG: the message would exceed max_msg_len: the
 *    message in progress is dropped.
 * A new first segment for a (key, reference) in progress restarts it (the
 * old one counts as an error). When all slots are busy the oldest message
 * is evicted (counted). Errors are counted in stats.errors. */
enum sf_err sccp_reasm_add(struct sccp_reasm *r, uint64_t key, const struct sccp_view *v,
			   uint64_t now_ns, struct sf_bytes *out);

/* A key for sccp_reasm_add: FNV-1a over the OPC and the calling party
 * address as decoded (indicator, PC, SSN, GT header fields and digits). */
uint64_t sccp_reasm_key(uint32_t opc, const struct sccp_addr *calling);

/* Drop messages whose first segment is more than max_age_ns old (Q.714
 * §4.1.1.2 reassembly timer). Only expired entries are visited. */
void sccp_reasm_expire(struct sccp_reasm *r, uint64_t now_ns, uint64_t max_age_ns);

struct sccp_reasm_stats {
	uint64_t completed, evicted, expired, errors, in_use;
};
void sccp_reasm_stats(const struct sccp_reasm *r, struct sccp_reasm_stats *out);

#endif
