/* SPDX-License-Identifier: BSD-3-Clause */
/* Event journal records (dpjournal.h): encode and a bounds-checked reader. */
#include <string.h>

#include "dpjournal.h"
#include "sf_crc32c.h"

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

size_t sfj_encode(uint8_t *out, size_t cap, const char *id, const void *event, size_t event_len)
{
	size_t il = strlen(id), pl = 1 + il + event_len;

	if (il == 0 || il > 159 || pl > SFJ_PAYLOAD_MAX || cap < SFJ_HDR || cap - SFJ_HDR < pl)
		return 0;
	memcpy(out, SFJ_MAGIC, 4);
	put_u32(out + 4, (uint32_t)pl);
	out[SFJ_HDR] = (uint8_t)il;
	memcpy(out + SFJ_HDR + 1, id, il);
	memcpy(out + SFJ_HDR + 1 + il, event, event_len);
	put_u32(out + 8, ~sf_crc32c_update(0xFFFFFFFFu, out + SFJ_HDR, pl));
	return SFJ_HDR + pl;
}

int sfj_next(const uint8_t *buf, size_t len, size_t *off, struct sfj_record *rec)
{
	size_t o = *off, pl, il;

	if (o >= len)
		return 0;
	if (len - o < SFJ_HDR || memcmp(buf + o, SFJ_MAGIC, 4))
		return -1;
	pl = get_u32(buf + o + 4);
	if (pl < 2 || pl > SFJ_PAYLOAD_MAX || len - o - SFJ_HDR < pl)
		return -1;	/* cut short (a crash mid-write) or nonsense */
	if (~sf_crc32c_update(0xFFFFFFFFu, buf + o + SFJ_HDR, pl) != get_u32(buf + o + 8))
		return -1;
	il = buf[o + SFJ_HDR];
	if (il == 0 || il > 159 || il + 1 > pl)
		return -1;
	rec->id = (const char *)buf + o + SFJ_HDR + 1;
	rec->id_len = il;
	rec->event = buf + o + SFJ_HDR + 1 + il;
	rec->event_len = pl - 1 - il;
	*off = o + SFJ_HDR + pl;
	return 1;
}
