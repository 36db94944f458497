/* SPDX-License-Identifier: BSD-3-Clause */
/* pcapng writer: Section Header, one Interface Description with
 * nanosecond resolution, Enhanced Packet Blocks with opt_comment
 * (pcapng draft §4.1, §4.2, §4.3; options §3.5). Host byte order, as the
 * format allows (the SHB byte-order magic tells readers). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng_out.h"

#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_IDB 0x00000001u
#define PCAPNG_EPB 0x00000006u
#define PCAPNG_BOM 0x1A2B3C4Du
#define OPT_END 0
#define OPT_COMMENT 1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_TSRESOL 9

#define PCAPNG_BUF_BYTES (1u << 20)

struct pcapng_out {
	FILE *f;
	uint64_t bytes;
	size_t pending;		/* bytes in the stdio buffer */
	int error;
};

static size_t pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

static void put(struct pcapng_out *o, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, o->f) != n)
		o->error = 1;
	o->bytes += n;
}

static void put32(struct pcapng_out *o, uint32_t v)
{
	put(o, &v, 4);
}

static void put_opt(struct pcapng_out *o, uint16_t code, const void *v, uint16_t len)
{
	static const uint8_t zero[4];

	put(o, &code, 2);
	put(o, &len, 2);
	put(o, v, len);
	put(o, zero, pad4(len));
}

static size_t opt_size(size_t len)
{
	return 4 + len + pad4(len);
}

struct pcapng_out *pcapng_out_open(const char *path, int linktype, char *err, size_t errlen)
{
	static const char app[] = "smsfw";
	struct pcapng_out *o = calloc(1, sizeof(*o));
	uint32_t len;
	uint16_t u16;
	int64_t section_len = -1;
	uint8_t tsresol = 9;	/* 10^-9 s */

	if (!o) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	o->f = fopen(path, "wb");
	if (!o->f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(o);
		return NULL;
	}
	setvbuf(o->f, NULL, _IOFBF, PCAPNG_BUF_BYTES);
	/* SHB: type, len, BOM, version 1.0, section length, options, len */
	len = 4 + 4 + 4 + 2 + 2 + 8 + (uint32_t)opt_size(sizeof(app) - 1) + 4 + 4;
	put32(o, PCAPNG_SHB);
	put32(o, len);
	put32(o, PCAPNG_BOM);
	u16 = 1;
	put(o, &u16, 2);
	u16 = 0;
	put(o, &u16, 2);
	put(o, &section_len, 8);
	put_opt(o, OPT_SHB_USERAPPL, app, sizeof(app) - 1);
	put_opt(o, OPT_END, NULL, 0);
	put32(o, len);
	/* IDB: type, len, linktype, reserved, snaplen, if_tsresol, end, len */
	len = 4 + 4 + 2 + 2 + 4 + (uint32_t)opt_size(1) + 4 + 4;
	put32(o, PCAPNG_IDB);
	put32(o, len);
	u16 = (uint16_t)linktype;
	put(o, &u16, 2);
	u16 = 0;
	put(o, &u16, 2);
	put32(o, 0);	/* no snap length limit */
	put_opt(o, OPT_IF_TSRESOL, &tsresol, 1);
	put_opt(o, OPT_END, NULL, 0);
	put32(o, len);
	if (o->error) {
		snprintf(err, errlen, "%s: write failed", path);
		pcapng_out_close(o);
		return NULL;
	}
	o->pending = (size_t)o->bytes;	/* the headers wait in the buffer too */
	return o;
}

int pcapng_out_write(struct pcapng_out *o, uint64_t ts_ns, const uint8_t *p,
		     uint32_t caplen, uint32_t origlen, const char *comment)
{
	static const uint8_t zero[4];
	size_t clen = comment ? strlen(comment) : 0;
	uint32_t len;

	if (clen > 65000)
		clen = 65000;
	len = (uint32_t)(4 + 4 + 4 + 4 + 4 + 4 + 4 + caplen + pad4(caplen) +
			 (clen ? opt_size(clen) + 4 : 0) + 4);
	/* whole blocks only reach the file: a reader never sees half of one */
	if (o->pending + len >= PCAPNG_BUF_BYTES)
		pcapng_out_flush(o);
	o->pending += len;
	put32(o, PCAPNG_EPB);
	put32(o, len);
	put32(o, 0);	/* interface 0 */
	put32(o, (uint32_t)(ts_ns >> 32));
	put32(o, (uint32_t)ts_ns);
	put32(o, caplen);
	put32(o, origlen);
	put(o, p, caplen);
	put(o, zero, pad4(caplen));
	if (clen) {
		put_opt(o, OPT_COMMENT, comment, (uint16_t)clen);
		put_opt(o, OPT_END, NULL, 0);
	}
	put32(o, len);
	return o->error ? -1 : 0;
}

void pcapng_out_flush(struct pcapng_out *o)
{
	if (o && fflush(o->f))
		o->error = 1;
	if (o)
		o->pending = 0;
}

uint64_t pcapng_out_bytes(const struct pcapng_out *o)
{
	return o->bytes;
}

int pcapng_out_close(struct pcapng_out *o)
{
	int r;

	if (!o)
		return 0;
	r = fclose(o->f) != 0 || o->error ? -1 : 0;
	free(o);
	return r;
}
