/* SPDX-License-Identifier: BSD-3-Clause */
/* Bounded reassembly of IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5)
 * fragments into the upper-layer payload, as a receiving host does: one
 * slot per datagram (addresses, protocol, identification), bounded by
 * bytes (65,535) and time (ip_reasm_expire); overlapping fragments drop
 * the datagram (RFC 5722; Linux does the same for IPv4), an exact
 * duplicate is ignored. All memory is allocated by ip_reasm_create(). */
#ifndef SF_FLOW_IP_REASM_H
#define SF_FLOW_IP_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "decode/l2l3.h"
#include "sf_bytes.h"
#include "sf_err.h"

#define IP_REASM_MAX_LEN 65535		/* payload bytes of one datagram */

struct ip_reasm;

/* max_dgrams datagrams in progress (the oldest is evicted when full).
 * NULL on a bad argument or no memory. */
struct ip_reasm *ip_reasm_create(unsigned max_dgrams);
void ip_reasm_destroy(struct ip_reasm *r);

/* Add the fragment l3 describes (l2l3_decode: is_fragment, frag_offset,
 * frag_more, frag_id, l4 = its payload).
 *  SF_OK, out->p != NULL: the datagram's payload is complete (valid until
 *    the next call on r);
 *  SF_OK, out->p == NULL: stored, more fragments needed, or an exact
 *    duplicate ignored;
 *  SF_E_FLOW_IP_FRAG_OVERLAP, _TOO_LONG, _BAD: the datagram is dropped. */
enum sf_err ip_reasm_add(struct ip_reasm *r, const struct l2l3_view *l3, uint64_t now_ns,
			 struct sf_bytes *out);

/* Drop datagrams first seen more than max_age_ns before now_ns; returns
 * how many. */
unsigned ip_reasm_expire(struct ip_reasm *r, uint64_t now_ns, uint64_t max_age_ns);

#endif
