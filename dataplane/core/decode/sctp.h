/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP packet decoder (RFC 9260 §3): common header, chunk walk, and the
 * chunks the appliance reads: DATA, I-DATA (RFC 8260), SACK, INIT/INIT-ACK,
 * FORWARD-TSN (RFC 3758). Views into the packet; nothing is copied. */
#ifndef SF_SCTP_H
#define SF_SCTP_H

#include <stddef.h>
#include <stdint.h>

#include "sf_bytes.h"
#include "sf_err.h"
#include "sf_wire.h"


struct sctp_view {
	uint16_t sport, dport;
	uint32_t vtag;
	uint32_t checksum;	/* the 4 checksum bytes read big-endian, as tshark
				 * shows them; check with sctp_checksum_ok() */
	struct sf_bytes chunks;	/* everything after the 12-byte common header */
};

/* Decode the common header of an SCTP packet p[0..len) (len = the IP
 * payload length). SF_OK, SF_E_TRUNCATED, SF_E_SCTP_PORT_ZERO,
 * SF_E_SCTP_NO_CHUNKS. Chunks are checked as they are walked. */
enum sf_err sctp_decode(const uint8_t *p, size_t len, struct sctp_view *out);

/* 1 when the CRC32c in the header matches the packet (RFC 9260 §6.8). */
int sctp_checksum_ok(const uint8_t *p, size_t len);

struct sctp_chunk {
	uint8_t type, flags;
	uint16_t len;		/* Chunk Length: header + value, padding excluded */
	struct sf_bytes value;	/* after the 4-byte header, padding excluded */
	size_t offset;		/* of the chunk in the SCTP packet */
};

struct sctp_chunk_iter {
	struct sf_bytes buf;
	size_t off;
};

void sctp_chunk_iter_init(struct sctp_chunk_iter *it, const struct sctp_view *v);

/* 1 and *out filled: next chunk; 0: end of packet; negative enum sf_err
 * (SF_E_SCTP_CHUNK_LEN_SHORT, _LEN_OVERFLOW, _PADDING, SF_E_TRUNCATED):
 * stop walking, the same error comes back on every further call. The last
 * chunk may lack its padding. */
int sctp_chunk_next(struct sctp_chunk_iter *it, struct sctp_chunk *out);

/* The chunk list of one packet, walked once (sctp_walk) and read back
 * by every later step (sctp_walk_next) without parsing the headers again:
 * the pipeline keeps it in its per-packet record, enforcement reads it.
 * A packet of more than SCTP_WALK_MAX chunks keeps the first ones; a
 * reader goes on past them with the chunk iterator from `resume`. */
#define SCTP_WALK_MAX 64

struct sctp_walk_hdr {
	uint32_t off;		/* of the chunk in the SCTP packet */
	uint16_t len;		/* Chunk Length */
	uint8_t type, flags;
};

struct sctp_walk {
	unsigned n;		/* h[0..n) */
	int end;		/* after h[n-1]: 0 the packet's end, 1 more chunks from
				 * resume (n == SCTP_WALK_MAX), or the negative
				 * sctp_chunk_next error that stopped the walk */
	size_t resume;		/* sctp_chunk_iter offset of the chunk after h[n-1] */
	struct sctp_walk_hdr h[SCTP_WALK_MAX];
};

void sctp_walk(struct sctp_walk *w, const struct sctp_view *v);

struct sctp_walk_iter {
	const struct sctp_walk *w;
	const uint8_t *pkt;	/* the SCTP packet the walk was made of */
	size_t len;
	unsigned i;
	struct sctp_chunk_iter tail;	/* past SCTP_WALK_MAX */
};

/* pkt[0..len): the same SCTP packet sctp_walk was given the view of. */
void sctp_walk_iter_init(struct sctp_walk_iter *it, const struct sctp_walk *w,
			 const uint8_t *pkt, size_t len);

/* sctp_chunk_next's contract, from the walk. */
int sctp_walk_next(struct sctp_walk_iter *it, struct sctp_chunk *out);

/* 1 if a receiver knows the chunk type (RFC 9260 §3.2 and the extensions
 * registered with IANA: RFC 4895 AUTH, 5061 ASCONF, 3758 FORWARD-TSN,
 * 6525 RE-CONFIG, 4820 PAD, 8260 I-DATA / I-FORWARD-TSN, 9260 ECNE/CWR). */
int sctp_chunk_type_known(uint8_t type);

/* DATA (RFC 9260 §3.3.1) or I-DATA (RFC 8260 §2.1). */
struct sctp_data_view {
	uint8_t type;		/* SF_SCTP_DATA or SF_SCTP_I_DATA */
	uint8_t flags;		/* SF_SCTP_DATA_FLAG_E/B/U/I */
	uint16_t sid;
	uint16_t ssn;		/* DATA only */
	uint32_t tsn;
	uint32_t mid;		/* I-DATA only: message identifier */
	uint32_t fsn;		/* I-DATA only: fragment sequence number (0 when B) */
	uint32_t ppid;		/* DATA; I-DATA only on the B fragment, else 0 */
	struct sf_bytes payload;
};

/* DATA (type 0). SF_E_SCTP_WRONG_CHUNK, SF_E_SCTP_DATA_LEN, and
 * SF_E_SCTP_DATA_NO_USER_DATA (view filled, empty payload). */
enum sf_err sctp_data_decode(const struct sctp_chunk *c, struct sctp_data_view *out);
/* I-DATA (type 64), same errors. */
enum sf_err sctp_idata_decode(const struct sctp_chunk *c, struct sctp_data_view *out);

/* SACK (RFC 9260 §3.3.4). */
struct sctp_sack_view {
	uint32_t cum_tsn, a_rwnd;
	uint16_t n_gaps, n_dups;
	struct sf_bytes gaps;	/* n_gaps blocks of start(2) end(2), offsets from cum_tsn */
	struct sf_bytes dups;	/* n_dups TSNs of 4 bytes */
};
enum sf_err sctp_sack_decode(const struct sctp_chunk *c, struct sctp_sack_view *out);
/* i < n_gaps / i < n_dups, else 0 is returned and nothing written. */
int sctp_sack_gap(const struct sctp_sack_view *s, unsigned i, uint16_t *start, uint16_t *end);
int sctp_sack_dup(const struct sctp_sack_view *s, unsigned i, uint32_t *tsn);

/* INIT / INIT-ACK fixed part (RFC 9260 §3.3.2, §3.3.3). */
struct sctp_init_view {
	uint32_t initiate_tag, a_rwnd;
	uint16_t n_out_streams, n_in_streams;	/* OS, MIS */
	uint32_t initial_tsn;
	struct sf_bytes params;		/* optional/variable parameters */
};
/* SF_E_SCTP_WRONG_CHUNK, _INIT_LEN, _INIT_TAG_ZERO, _INIT_STREAMS_ZERO
 * (the last two with the view filled). */
enum sf_err sctp_init_decode(const struct sctp_chunk *c, struct sctp_init_view *out);

/* FORWARD-TSN (RFC 3758 §3.2). */
struct sctp_fwd_tsn_view {
	uint32_t new_cum_tsn;
	uint16_t n_streams;
	struct sf_bytes streams;	/* n_streams pairs of SID(2) SSN(2) */
};
enum sf_err sctp_fwd_tsn_decode(const struct sctp_chunk *c, struct sctp_fwd_tsn_view *out);
int sctp_fwd_tsn_stream(const struct sctp_fwd_tsn_view *f, unsigned i, uint16_t *sid, uint16_t *ssn);

/* I-FORWARD-TSN (RFC 8260 §2.3.1): entries of SID(2) reserved+U(2) MID(4). */
struct sctp_ifwd_tsn_view {
	uint32_t new_cum_tsn;
	uint16_t n_streams;
	struct sf_bytes streams;	/* n_streams entries of 8 bytes */
};
enum sf_err sctp_ifwd_tsn_decode(const struct sctp_chunk *c, struct sctp_ifwd_tsn_view *out);
int sctp_ifwd_tsn_stream(const struct sctp_ifwd_tsn_view *f, unsigned i, uint16_t *sid,
			 uint8_t *unordered, uint32_t *mid);

#endif
