/* SPDX-License-Identifier: BSD-3-Clause */
/* The dataplane's event journal: an append-only file of events that could
 * not reach Redis (Redis away), replayed in order when it returns, also
 * after a restart. One record:
 *   "SFJ1"  u32 LE payload length  u32 LE CRC32c(payload)  payload
 * payload: u8 id length, the event id (as sent in XADD), then the event
 * (dpclient's fixed part and text_len bytes of text). Pure encode/decode
 * over buffers; the file I/O is dpclient's. */
#ifndef SF_DPJOURNAL_H
#define SF_DPJOURNAL_H

#include <stddef.h>
#include <stdint.h>

#define SFJ_MAGIC "SFJ1"
#define SFJ_HDR 12
#define SFJ_PAYLOAD_MAX 4096

/* One record decoded: views into the buffer. */
struct sfj_record {
	const char *id;
	size_t id_len;		/* 1..159 */
	const uint8_t *event;	/* the event bytes (caller checks their layout) */
	size_t event_len;
};

/* Encode a record into out (cap bytes). Length written, or 0 if it does
 * not fit or id/event are out of range. */
size_t sfj_encode(uint8_t *out, size_t cap, const char *id, const void *event, size_t event_len);

/* Decode the record at buf[*off]: 1 and *off moved past it; 0 at the end
 * of the data (nothing left); -1 for a damaged or cut record (*off
 * unchanged: what follows cannot be trusted). Never reads past len. */
int sfj_next(const uint8_t *buf, size_t len, size_t *off, struct sfj_record *rec);

#endif
