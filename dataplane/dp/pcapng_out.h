/* SPDX-License-Identifier: BSD-3-Clause */
/* A pcapng writer with a per-packet comment (the verdict), for analysts to
 * open flagged packets in Wireshark. DPDK 22.11's rte_pcapng cannot attach
 * a comment to a packet (added in 23.11), hence this small writer of the
 * pcapng format (draft-ietf-opsawg-pcapng: SHB, IDB, EPB with opt_comment). */
#ifndef SF_PCAPNG_OUT_H
#define SF_PCAPNG_OUT_H

#include <stddef.h>
#include <stdint.h>

struct pcapng_out;

/* linktype: LINKTYPE_* of the packets (1 = Ethernet). NULL + reason. */
struct pcapng_out *pcapng_out_open(const char *path, int linktype, char *err, size_t errlen);
/* 0, or -1 on a write error. */
int pcapng_out_write(struct pcapng_out *o, uint64_t ts_ns, const uint8_t *p,
		     uint32_t caplen, uint32_t origlen, const char *comment);
/* Write what is buffered (whole blocks) to the file. */
void pcapng_out_flush(struct pcapng_out *o);
uint64_t pcapng_out_bytes(const struct pcapng_out *o);
int pcapng_out_close(struct pcapng_out *o);

#endif
