/* SPDX-License-Identifier: BSD-3-Clause */
/* Capture reader over libpcap (pcap and pcapng, nanosecond timestamps). */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

#include "capture.h"
#include "sf_wire.h"

struct capture {
	pcap_t *p;
	uint64_t frame;
	int dlt;
};

struct capture *capture_open(const char *path, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct capture *c = calloc(1, sizeof(*c));

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!c->p) {
		snprintf(err, errlen, "%s", ebuf);
		free(c);
		return NULL;
	}
	c->dlt = pcap_datalink(c->p);
	return c;
}

int capture_linktype_raw(const struct capture *c)
{
	return c->dlt;
}

int capture_linktype(const struct capture *c)
{
	switch (c->dlt) {
	case DLT_EN10MB:
		return SF_DLT_EN10MB;
	case DLT_RAW:
#if defined(DLT_LOOP) && DLT_RAW != 101
	case 101:
#endif
		return SF_DLT_RAW;
	case DLT_LINUX_SLL:
		return SF_DLT_LINUX_SLL;
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		return SF_DLT_LINUX_SLL2;
#endif
#ifdef DLT_IPV4
	case DLT_IPV4:
		return SF_DLT_IPV4;
	case DLT_IPV6:
		return SF_DLT_IPV6;
#endif
	default:
		return -1;
	}
}

int capture_next(struct capture *c, struct capture_pkt *pkt, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	int r = pcap_next_ex(c->p, &h, &d);

	if (r == PCAP_ERROR_BREAK)
		return 0;
	if (r != 1) {
		snprintf(err, errlen, "%s", pcap_geterr(c->p));
		return -1;
	}
	pkt->frame = ++c->frame;
	pkt->ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
	pkt->data = d;
	pkt->caplen = h->caplen;
	pkt->origlen = h->len;
	return 1;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	pcap_close(c->p);
	free(c);
}
