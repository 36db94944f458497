/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP multi-homing: alternate paths mapped to the INIT's pair
 * (sctp_paths.h). RFC 9260 §3.3.2 (INIT: fixed part of 16 bytes, then
 * parameters; IPv4 Address 5, IPv6 Address 6) and §3.3.3 (INIT ACK, the
 * same layout); §6.10: neither is bundled with another chunk. */
#include <stdlib.h>
#include <string.h>

#include "sf_bytes.h"
#include "sf_hash.h"
#include "sf_wire.h"
#include "flow/ftable.h"
#include "flow/sctp_paths.h"

#define PARAM_IPV4 5
#define PARAM_IPV6 6
#define PENDING_MAX 1024	/* INITs waiting for their INIT-ACK */

/* one endpoint's addresses: [0] is the packet's own */
struct addr_list {
	uint8_t n;
	uint8_t a[SCTP_PATHS_ADDR_MAX][16];
};

/* an INIT seen, keyed by its pair and ports */
struct pending {
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	struct addr_list init;
};

/* a directed alternate pair and the INIT's pair in the same direction */
struct path {
	uint8_t src[16], dst[16];
	uint8_t psrc[16], pdst[16];
};

struct sctp_paths {
	struct ftable *paths, *pending;
	struct sctp_paths_stats st;
};

struct sctp_paths *sctp_paths_create(unsigned max_pairs)
{
	struct sctp_paths *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->paths = ftable_create(max_pairs, sizeof(struct path));
	t->pending = ftable_create(PENDING_MAX, sizeof(struct pending));
	if (!t->paths || !t->pending) {
		sctp_paths_destroy(t);
		return NULL;
	}
	return t;
}

void sctp_paths_destroy(struct sctp_paths *t)
{
	if (!t)
		return;
	ftable_destroy(t->paths);
	ftable_destroy(t->pending);
	free(t);
}

/* keyed (sf_hash.h): addresses and ports come from the wire */
static uint64_t pair_key(const uint8_t *src, const uint8_t *dst)
{
	return sf_hash_bytes(dst, 16, sf_hash_bytes(src, 16, 0x70617468));
}

static uint64_t pending_key(const uint8_t *src, const uint8_t *dst, uint16_t sport, uint16_t dport)
{
	uint8_t p[4] = { (uint8_t)(sport >> 8), (uint8_t)sport, (uint8_t)(dport >> 8), (uint8_t)dport };

	return sf_hash_bytes(p, 4, pair_key(src, dst));
}

static void list_add(struct sctp_paths *t, struct addr_list *l, const uint8_t a[16])
{
	for (unsigned i = 0; i < l->n; i++)
		if (!memcmp(l->a[i], a, 16))
			return;
	if (l->n == SCTP_PATHS_ADDR_MAX) {
		t->st.addrs_ignored++;
		return;
	}
	memcpy(l->a[l->n++], a, 16);
}

/* The Address parameters of an INIT / INIT-ACK chunk body (after the
 * 16-byte fixed part), added to l. */
static void read_addrs(struct sctp_paths *t, const uint8_t *p, size_t len, struct addr_list *l)
{
	size_t off = 0;

	while (len - off >= 4) {
		uint16_t type = sf_rd16(p + off), plen = sf_rd16(p + off + 2);
		uint8_t a[16] = { 0 };

		if (plen < 4 || plen > len - off)
			return;
		if (type == PARAM_IPV4 && plen == 8) {
			memcpy(a, p + off + 4, 4);
			list_add(t, l, a);
		} else if (type == PARAM_IPV6 && plen == 20) {
			memcpy(a, p + off + 4, 16);
			list_add(t, l, a);
		}
		off += ((size_t)plen + 3) & ~(size_t)3;
		if (off > len)
			return;
	}
}

static void map_pair(struct sctp_paths *t, const uint8_t *src, const uint8_t *dst,
		     const uint8_t *psrc, const uint8_t *pdst, uint64_t now_ns)
{
	struct path *p;

	if (!memcmp(src, psrc, 16) && !memcmp(dst, pdst, 16))
		return;	/* the INIT's own pair maps to itself */
	p = ftable_upsert(t->paths, pair_key(src, dst), now_ns, NULL);
	memcpy(p->src, src, 16);
	memcpy(p->dst, dst, 16);
	memcpy(p->psrc, psrc, 16);
	memcpy(p->pdst, pdst, 16);
	ftable_touch(t->paths, p, now_ns);
}

void sctp_paths_learn(struct sctp_paths *t, const uint8_t src[16], const uint8_t dst[16],
		      const uint8_t *sctp, size_t len, uint64_t now_ns)
{
	uint16_t sport, dport, clen;
	uint8_t type;

	if (!t || len < 12 + 4 + 16 || !sctp_paths_is_setup(sctp, len))
		return;
	type = sctp[12];
	clen = sf_rd16(sctp + 14);
	if (clen < 4 + 16 || clen > len - 12)
		return;
	sport = sf_rd16(sctp);
	dport = sf_rd16(sctp + 2);
	if (type == SF_SCTP_INIT) {
		/* the initiator's addresses, held until the INIT-ACK */
		int created;
		struct pending *pe = ftable_upsert(t->pending, pending_key(src, dst, sport, dport),
						   now_ns, &created);

		t->st.inits++;
		memset(pe, 0, sizeof(*pe));
		memcpy(pe->src, src, 16);
		memcpy(pe->dst, dst, 16);
		pe->sport = sport;
		pe->dport = dport;
		list_add(t, &pe->init, src);
		read_addrs(t, sctp + 12 + 4 + 16, clen - 4 - 16, &pe->init);
		return;
	}
	{
		/* INIT-ACK from the responder (src) to the initiator (dst):
		 * every initiator address × every responder address */
		uint64_t pk = pending_key(dst, src, dport, sport);
		struct pending *pe = ftable_find(t->pending, pk);
		struct addr_list init, resp;
		const uint8_t *a1, *b1;

		t->st.init_acks++;
		memset(&init, 0, sizeof(init));
		memset(&resp, 0, sizeof(resp));
		if (pe && !memcmp(pe->src, dst, 16) && !memcmp(pe->dst, src, 16) &&
		    pe->sport == dport && pe->dport == sport)
			init = pe->init;
		else
			list_add(t, &init, dst);	/* the INIT was not seen: its source only */
		if (pe)
			ftable_remove(t->pending, pk);
		list_add(t, &resp, src);
		read_addrs(t, sctp + 12 + 4 + 16, clen - 4 - 16, &resp);
		a1 = init.a[0];
		b1 = resp.a[0];
		for (unsigned i = 0; i < init.n; i++)
			for (unsigned j = 0; j < resp.n; j++) {
				map_pair(t, init.a[i], resp.a[j], a1, b1, now_ns);
				map_pair(t, resp.a[j], init.a[i], b1, a1, now_ns);
			}
	}
}

int sctp_paths_map(struct sctp_paths *t, const uint8_t src[16], const uint8_t dst[16],
		   const uint8_t **psrc, const uint8_t **pdst, uint64_t now_ns)
{
	struct path *p;

	*psrc = src;
	*pdst = dst;
	if (!t || !ftable_oldest(t->paths))
		return 0;	/* no multi-homed association: nothing to look up */
	p = ftable_find(t->paths, pair_key(src, dst));
	if (!p || memcmp(p->src, src, 16) || memcmp(p->dst, dst, 16))
		return 0;
	ftable_touch(t->paths, p, now_ns);
	*psrc = p->psrc;
	*pdst = p->pdst;
	return 1;
}

void sctp_paths_expire(struct sctp_paths *t, uint64_t now_ns, uint64_t max_age_ns, unsigned budget)
{
	if (!t)
		return;
	ftable_expire(t->paths, now_ns, max_age_ns, budget);
	ftable_expire(t->pending, now_ns, max_age_ns, budget);
}

void sctp_paths_get_stats(const struct sctp_paths *t, struct sctp_paths_stats *out)
{
	struct ftable_stats fs;

	*out = t->st;
	ftable_stats(t->paths, &fs);
	out->learned = fs.inserts;
	out->evictions = fs.evictions;
	out->in_use = fs.in_use;
	out->capacity = fs.capacity;
}
