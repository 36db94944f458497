/* SPDX-License-Identifier: BSD-3-Clause */
/* A big buffered file writer and the classic pcap file format (tcpdump.org
 * / draft-ietf-opsawg-pcap: 24-byte file header, 16-byte record headers,
 * microsecond timestamps), always written little-endian. */
#include <stdlib.h>

#include "gen.h"

int gf_open(struct gen_file *g, const char *path, size_t bufsize)
{
	memset(g, 0, sizeof(*g));
	g->f = fopen(path, "wb");
	if (!g->f)
		return -1;
	g->buf = malloc(bufsize);
	if (!g->buf) {
		fclose(g->f);
		g->f = NULL;
		return -1;
	}
	g->cap = bufsize;
	return 0;
}

static void gf_drain(struct gen_file *g)
{
	if (g->len && fwrite(g->buf, 1, g->len, g->f) != g->len)
		g->error = 1;
	g->len = 0;
}

void gf_write(struct gen_file *g, const void *p, size_t n)
{
	if (g->cap - g->len < n) {
		gf_drain(g);
		if (n > g->cap) {
			if (fwrite(p, 1, n, g->f) != n)
				g->error = 1;
			return;
		}
	}
	memcpy(g->buf + g->len, p, n);
	g->len += n;
}

uint8_t *gf_reserve(struct gen_file *g, size_t n)
{
	if (g->cap - g->len < n)
		gf_drain(g);
	return g->buf + g->len;
}

int gf_close(struct gen_file *g)
{
	int err;

	if (!g->f)
		return -1;
	gf_drain(g);
	err = g->error;
	if (fclose(g->f) != 0)
		err = 1;
	free(g->buf);
	g->f = NULL;
	g->buf = NULL;
	return err ? -1 : 0;
}

static void wr32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void pcap_write_header(struct gen_file *g, uint32_t snaplen)
{
	uint8_t h[24];

	/* magic a1b2c3d4 (microseconds), version 2.4, thiszone 0, sigfigs 0,
	 * snaplen, link type; written little-endian on every host */
	wr32le(h, 0xA1B2C3D4u);
	h[4] = 2; h[5] = 0; h[6] = 4; h[7] = 0;
	wr32le(h + 8, 0);
	wr32le(h + 12, 0);
	wr32le(h + 16, snaplen);
	wr32le(h + 20, SF_DLT_EN10MB);
	gf_write(g, h, sizeof(h));
}

uint8_t *pcap_record_frame(struct gen_file *g, size_t maxlen)
{
	return gf_reserve(g, 16 + maxlen) + 16;
}

void pcap_record_end(struct gen_file *g, uint64_t ts_ns, size_t n)
{
	uint8_t *h = g->buf + g->len;

	wr32le(h, (uint32_t)(ts_ns / 1000000000u));
	wr32le(h + 4, (uint32_t)(ts_ns % 1000000000u / 1000u));
	wr32le(h + 8, (uint32_t)n);
	wr32le(h + 12, (uint32_t)n);
	gf_commit(g, 16 + n);
}
