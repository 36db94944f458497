/* SPDX-License-Identifier: BSD-3-Clause */
/* Reading pcap and pcapng captures with libpcap, numbered as tshark numbers
 * frames (1-based), with the link type mapped to the decoders' SF_DLT_*. */
#ifndef SF_CAPTURE_H
#define SF_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct capture;

struct capture_pkt {
	uint64_t frame;		/* 1-based */
	uint64_t ts_ns;
	const uint8_t *data;
	size_t caplen, origlen;
};

/* NULL with a reason in err. */
struct capture *capture_open(const char *path, char *err, size_t errlen);
/* SF_DLT_* of the capture, or -1 if the decoders do not know it. */
int capture_linktype(const struct capture *c);
int capture_linktype_raw(const struct capture *c);
/* 1 and *pkt: next packet; 0: end; -1: read error (reason in err). */
int capture_next(struct capture *c, struct capture_pkt *pkt, char *err, size_t errlen);
void capture_close(struct capture *c);

#endif
