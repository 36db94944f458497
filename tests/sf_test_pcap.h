/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests that replay a capture frame by frame: the frames of cap_path
 * loaded into memory once (up to SF_TEST_MAX_FRAMES, frames over 2 kB
 * skipped), with the capture's link type. Header-only, one user per test
 * program; needs libpcap. */
#ifndef SF_TEST_PCAP_H
#define SF_TEST_PCAP_H

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct frame {
	uint8_t b[2048];
	size_t len;
};
#define SF_TEST_MAX_FRAMES 4096
static struct frame frames[SF_TEST_MAX_FRAMES];
static size_t n_frames;
static int linktype;

static void load_frames(const char *cap_path)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(cap_path, ebuf);
	struct pcap_pkthdr *h;
	const u_char *d;

	if (!pc) {
		fprintf(stderr, "%s: %s\n", cap_path, ebuf);
		exit(1);
	}
	linktype = pcap_datalink(pc);
	while (n_frames < SF_TEST_MAX_FRAMES && pcap_next_ex(pc, &h, &d) == 1) {
		if (h->caplen > sizeof(frames[0].b))
			continue;
		memcpy(frames[n_frames].b, d, h->caplen);
		frames[n_frames++].len = h->caplen;
	}
	pcap_close(pc);
}

#endif
