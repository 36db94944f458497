/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 / IPv6 fragment reassembly (RFC 791 §3.2, RFC 8200 §4.5, RFC 5722):
 * see ip_reasm.h. Fixed slots, found by a linear probe over a small table
 * (a few hundred datagrams in flight at most on a SIGTRAN link); per slot a
 * payload buffer and a bitmap of the 8-octet blocks held. */
#include "flow/ip_reasm.h"

#include <stdlib.h>
#include <string.h>

#define BLOCKS ((IP_REASM_MAX_LEN + 7) / 8)

struct ip_dgram {
	uint8_t used, version, proto, have_last;
	uint8_t src[16], dst[16];
	uint32_t id;
	uint32_t total;			/* payload length, known from the last fragment */
	uint32_t held;			/* bytes held */
	uint64_t born_ns;
	uint64_t bits[(BLOCKS + 63) / 64];	/* 8-octet blocks held */
	uint8_t *buf;
};

struct ip_reasm {
	unsigned n;
	struct ip_dgram *d;
	uint8_t *bufs;
};

struct ip_reasm *ip_reasm_create(unsigned max_dgrams)
{
	struct ip_reasm *r;

	if (max_dgrams == 0 || max_dgrams > 4096)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->n = max_dgrams;
	r->d = calloc(max_dgrams, sizeof(*r->d));
	r->bufs = malloc((size_t)max_dgrams * IP_REASM_MAX_LEN);
	if (!r->d || !r->bufs) {
		ip_reasm_destroy(r);
		return NULL;
	}
	for (unsigned i = 0; i < max_dgrams; i++)
		r->d[i].buf = r->bufs + (size_t)i * IP_REASM_MAX_LEN;
	return r;
}

void ip_reasm_destroy(struct ip_reasm *r)
{
	if (!r)
		return;
	free(r->d);
	free(r->bufs);
	free(r);
}

static int same(const struct ip_dgram *d, const struct l2l3_view *v)
{
	return d->used && d->version == v->ip_version && d->proto == v->l4_proto && d->id == v->frag_id &&
	       sf_eq16(d->src, v->src) && sf_eq16(d->dst, v->dst);
}

static void release(struct ip_dgram *d)
{
	d->used = 0;
}

static int block_held(const struct ip_dgram *d, uint32_t b)
{
	return (d->bits[b / 64] >> (b % 64)) & 1;
}

enum sf_err ip_reasm_add(struct ip_reasm *r, const struct l2l3_view *v, uint64_t now_ns,
			 struct sf_bytes *out)
{
	struct ip_dgram *d = NULL, *oldest = NULL, *free_slot = NULL;
	uint32_t off = (uint32_t)v->frag_offset * 8, len = (uint32_t)v->l4.len;
	uint32_t b0, b1, nheld = 0;

	out->p = NULL;
	out->len = 0;
	for (unsigned i = 0; i < r->n; i++) {
		struct ip_dgram *x = &r->d[i];

		if (same(x, v)) {
			d = x;
			break;
		}
		if (!x->used && !free_slot)
			free_slot = x;
		if (x->used && (!oldest || x->born_ns < oldest->born_ns))
			oldest = x;
	}
	if (!d) {
		d = free_slot ? free_slot : oldest;	/* full: the oldest makes room */
		memset(d, 0, offsetof(struct ip_dgram, buf));
		d->used = 1;
		d->version = v->ip_version;
		d->proto = v->l4_proto;
		d->id = v->frag_id;
		memcpy(d->src, v->src, 16);
		memcpy(d->dst, v->dst, 16);
		d->born_ns = now_ns;
	}
	/* RFC 791 / 8200: every fragment but the last carries a multiple of 8 */
	if (len == 0 || (v->frag_more && len % 8) || IP_REASM_MAX_LEN - off < len) {
		release(d);
		return len == 0 || (v->frag_more && len % 8) ? SF_E_FLOW_IP_FRAG_BAD : SF_E_FLOW_IP_FRAG_TOO_LONG;
	}
	if (!v->frag_more) {
		if (d->have_last && d->total != off + len) {
			release(d);
			return SF_E_FLOW_IP_FRAG_OVERLAP;
		}
		d->have_last = 1;
		d->total = off + len;
	}
	if (d->have_last && off + len > d->total) {
		release(d);
		return SF_E_FLOW_IP_FRAG_OVERLAP;
	}
	b0 = off / 8;
	b1 = (off + len + 7) / 8;	/* exclusive */
	for (uint32_t b = b0; b < b1; b++)
		nheld += (uint32_t)block_held(d, b);
	if (nheld == b1 - b0 && memcmp(d->buf + off, v->l4.p, len) == 0) {
		return SF_OK;		/* an exact duplicate: ignored */
	}
	if (nheld) {
		/* RFC 5722 §4: overlapping fragments discard the datagram */
		release(d);
		return SF_E_FLOW_IP_FRAG_OVERLAP;
	}
	memcpy(d->buf + off, v->l4.p, len);
	for (uint32_t b = b0; b < b1; b++)
		d->bits[b / 64] |= 1ull << (b % 64);
	d->held += len;
	if (d->have_last && d->held == d->total) {
		out->p = d->buf;
		out->len = d->total;
		release(d);	/* the buffer stays valid until the next call */
	}
	return SF_OK;
}

unsigned ip_reasm_expire(struct ip_reasm *r, uint64_t now_ns, uint64_t max_age_ns)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->n; i++) {
		struct ip_dgram *d = &r->d[i];

		if (d->used && now_ns >= d->born_ns && now_ns - d->born_ns > max_age_ns) {
			release(d);
			n++;
		}
	}
	return n;
}
