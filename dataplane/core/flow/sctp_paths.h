/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP multi-homing (RFC 9260 §6.4): the paths of an association, learned
 * from its INIT and INIT-ACK, so that a packet on an alternate path is
 * taken for the association it belongs to. An endpoint lists its other
 * addresses in IPv4/IPv6 Address parameters of the INIT (initiator) and
 * INIT-ACK (responder); with the packets' own source addresses these give
 * every (source, destination) pair the association may use, each mapped
 * to the pair the INIT was sent on.
 *
 * Addresses added or deleted later with ASCONF (RFC 5061) change the same
 * map, once the peer's ASCONF-ACK has accepted the change: an address the
 * receiver refused is never joined to the association (it would discard a
 * packet from it as out of the blue, RFC 9260 §8.4).
 *
 * Without this, a peer could send the fragments of one message over two
 * paths: a receiver reassembles them, a filter keying on addresses never
 * would, and the message would pass unscanned. Only pairs an association
 * declared are mapped, so a packet from an address no endpoint listed
 * stays on its own; an association whose set-up was not seen (the filter
 * started after it) is tracked per path.
 *
 * Bounded (flow/ftable.h): the least recently used pair is evicted and
 * counted. Single writer; no allocation after creation. */
#ifndef SF_SCTP_PATHS_H
#define SF_SCTP_PATHS_H

#include <stddef.h>
#include <stdint.h>

#include "sf_wire.h"

#define SCTP_PATHS_ADDR_MAX 8	/* addresses kept per endpoint (more are counted, ignored) */

struct sctp_paths;

struct sctp_paths_stats {
	uint64_t inits, init_acks;	/* set-ups read */
	uint64_t asconf_added, asconf_deleted;	/* addresses an accepted ASCONF added / deleted */
	uint64_t asconf_refused;	/* ASCONF requests the peer refused (or left undone) */
	uint64_t asconf_unknown;	/* ASCONFs of an association whose set-up was not seen,
					 * ASCONF-ACKs that answer no ASCONF seen */
	uint64_t learned;		/* pairs mapped (inserts) */
	uint64_t evictions;		/* pairs or associations evicted to make room (least
					 * recently used; associations are kept, for their
					 * ASCONFs, until evicted) */
	uint64_t addrs_ignored;		/* addresses beyond SCTP_PATHS_ADDR_MAX */
	uint64_t in_use, capacity;
};

/* max_pairs: directed (source, destination) pairs held. NULL on failure. */
struct sctp_paths *sctp_paths_create(unsigned max_pairs);
void sctp_paths_destroy(struct sctp_paths *t);

/* 1 when the SCTP packet (common header first) holds an INIT or INIT-ACK
 * (never bundled: the first chunk) or an ASCONF or ASCONF-ACK (bundled,
 * e.g. after an AUTH chunk), the only chunks sctp_paths_learn reads:
 * callers test this first, so the other packets cost a walk over their
 * chunk headers (one for a packet of one DATA chunk). */
static inline int sctp_paths_wanted(const uint8_t *sctp, size_t len)
{
	size_t off = 12;

	if (len < 16)
		return 0;
	if (sctp[12] == SF_SCTP_INIT || sctp[12] == SF_SCTP_INIT_ACK)
		return 1;
	while (len - off >= 4) {
		size_t clen = (size_t)sctp[off + 2] << 8 | sctp[off + 3];

		if (sctp[off] == SF_SCTP_ASCONF || sctp[off] == SF_SCTP_ASCONF_ACK)
			return 1;
		if (clen < 4 || clen > len - off)
			return 0;
		off += (clen + 3) & ~(size_t)3;
	}
	return 0;
}

/* Read the SCTP packet sctp (common header first) sent from src to dst
 * (16-byte addresses, IPv4 in the first 4 bytes and the rest zero, as
 * l2l3_decode gives them): learn the addresses an INIT or INIT-ACK lists,
 * note the requests of an ASCONF, and apply them when the ASCONF-ACK
 * accepts them. Anything else is ignored; malformed parameters end the
 * reading of their chunk. */
void sctp_paths_learn(struct sctp_paths *t, const uint8_t src[16], const uint8_t dst[16],
		      const uint8_t *sctp, size_t len, uint64_t now_ns);

/* The pair a packet from src to dst belongs to: the INIT's pair (in this
 * packet's direction) when src → dst is a learned alternate path, else
 * src → dst itself. Returns 1 when mapped. */
int sctp_paths_map(struct sctp_paths *t, const uint8_t src[16], const uint8_t dst[16],
		   const uint8_t **psrc, const uint8_t **pdst, uint64_t now_ns);

/* For a restart: the associations whose set-up was seen, with the
 * addresses their ASCONFs changed, written into buf (at most cap bytes).
 * Returns the size the export needs (a call with cap 0 sizes the buffer).
 * Format: "SMSFWPTH", version (u32 1), count (u32), then per association
 * its INIT's pair (2 × 16 bytes), the initiator's and the responder's
 * address counts (u8 each, 1..SCTP_PATHS_ADDR_MAX) and addresses (16
 * bytes each); the CRC32c of everything before it (u32) at the end. All
 * big-endian, oldest association first. */
size_t sctp_paths_export(struct sctp_paths *t, uint8_t *buf, size_t cap);

/* Read an export back: each association's paths mapped again, stamped
 * now_ns. 0, or -1 with the reason and nothing changed (a file cut short,
 * a wrong checksum, a count out of range). t NULL: only check it. */
int sctp_paths_import(struct sctp_paths *t, const uint8_t *buf, size_t len, uint64_t now_ns,
		      char *err, size_t errlen);

/* Expire pairs unused for max_age_ns (bounded work). */
void sctp_paths_expire(struct sctp_paths *t, uint64_t now_ns, uint64_t max_age_ns, unsigned budget);

void sctp_paths_get_stats(const struct sctp_paths *t, struct sctp_paths_stats *out);

#endif
