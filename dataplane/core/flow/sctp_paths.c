/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP multi-homing: alternate paths mapped to the INIT's pair
 * (sctp_paths.h). RFC 9260 §3.3.2 (INIT: fixed part of 16 bytes, then
 * parameters; IPv4 Address 5, IPv6 Address 6) and §3.3.3 (INIT ACK, the
 * same layout); §6.10: neither is bundled with another chunk. RFC 5061
 * §4.1 (ASCONF: serial number, an Address Parameter, then requests;
 * ASCONF-ACK: serial number, then responses), §4.2 (Add IP Address 0xC001,
 * Delete IP Address 0xC002: correlation ID and an Address Parameter; Error
 * Cause Indication 0xC003, Success Indication 0xC005: correlation ID) and
 * §5.3 (no response means success, but after a failed request only a
 * Success Indication does). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_bytes.h"
#include "sf_crc32c.h"
#include "sf_hash.h"
#include "sf_wire.h"
#include "decode/sctp.h"
#include "flow/ftable.h"
#include "flow/sctp_paths.h"

#define PARAM_IPV4 5
#define PARAM_IPV6 6
#define PENDING_MAX 1024	/* INITs waiting for their INIT-ACK */
#define PARAM_ADD_IP 0xC001
#define PARAM_DEL_IP 0xC002
#define PARAM_ERROR_IND 0xC003
#define PARAM_SUCCESS_IND 0xC005
#define ASCONF_REQ_MAX 8	/* requests kept per ASCONF (more are refused, counted) */
#define ASCONFS_MAX 256		/* ASCONFs waiting for their ACK */

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

/* an association whose set-up was seen, keyed by the INIT's pair
 * (initiator → responder): its endpoints' addresses, for ASCONF */
struct assoc {
	uint8_t a1[16], b1[16];
	struct addr_list init, resp;
};

/* an ASCONF waiting for its ACK: its address requests, in order */
struct asconf_req {
	uint32_t corr;
	uint8_t add;		/* 1 add, 0 delete */
	uint8_t addr[16];
};

struct pend_asconf {
	uint8_t src[16], dst[16];	/* the ASCONF's packet: its ACK goes back to src */
	uint64_t akey;			/* the association (pair_key of its INIT's pair) */
	uint32_t serial;
	uint8_t from_init, n;
	struct asconf_req r[ASCONF_REQ_MAX];
};

struct sctp_paths {
	struct ftable *paths, *pending, *assocs, *asconfs;
	struct sctp_paths_stats st;
};

struct sctp_paths *sctp_paths_create(unsigned max_pairs)
{
	struct sctp_paths *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->paths = ftable_create(max_pairs, sizeof(struct path));
	t->pending = ftable_create(PENDING_MAX, sizeof(struct pending));
	t->assocs = ftable_create(max_pairs / 4 < 64 ? 64 : max_pairs / 4, sizeof(struct assoc));
	t->asconfs = ftable_create(ASCONFS_MAX, sizeof(struct pend_asconf));
	if (!t->paths || !t->pending || !t->assocs || !t->asconfs) {
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
	ftable_destroy(t->assocs);
	ftable_destroy(t->asconfs);
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
		if (sf_eq16(l->a[i], a))
			return;
	if (l->n == SCTP_PATHS_ADDR_MAX) {
		t->st.addrs_ignored++;
		return;
	}
	memcpy(l->a[l->n++], a, 16);
}

/* The next parameter (RFC 9260 §3.2.1: type, length ≥ 4 within the
 * data, padded to 4 bytes) of p[0..len) at *off: its start, *type and
 * *plen, with *off moved past it; NULL at the end or at a malformed one,
 * which ends the reading. */
static const uint8_t *param_next(const uint8_t *p, size_t len, size_t *off, uint16_t *type,
				 uint16_t *plen)
{
	const uint8_t *q;

	if (*off > len || len - *off < 4)
		return NULL;
	q = p + *off;
	*type = sf_rd16(q);
	*plen = sf_rd16(q + 2);
	if (*plen < 4 || *plen > len - *off)
		return NULL;
	*off += ((size_t)*plen + 3) & ~(size_t)3;
	return q;
}

/* An Address Parameter (IPv4 or IPv6) at p into a; 0 if it is not one. */
static int addr_param(const uint8_t *p, size_t len, uint8_t a[16])
{
	uint16_t type, plen;

	if (len < 4)
		return 0;
	type = sf_rd16(p);
	plen = sf_rd16(p + 2);
	memset(a, 0, 16);
	if (type == PARAM_IPV4 && plen == 8 && len >= 8) {
		memcpy(a, p + 4, 4);
		return 1;
	}
	if (type == PARAM_IPV6 && plen == 20 && len >= 20) {
		memcpy(a, p + 4, 16);
		return 1;
	}
	return 0;
}

/* The Address parameters of an INIT / INIT-ACK chunk body (after the
 * 16-byte fixed part), added to l. */
static void read_addrs(struct sctp_paths *t, const uint8_t *p, size_t len, struct addr_list *l)
{
	const uint8_t *q;
	uint16_t type, plen;
	size_t off = 0;
	uint8_t a[16];

	while ((q = param_next(p, len, &off, &type, &plen)))
		if (addr_param(q, plen, a))
			list_add(t, l, a);
}

static void map_pair(struct sctp_paths *t, const uint8_t *src, const uint8_t *dst,
		     const uint8_t *psrc, const uint8_t *pdst, uint64_t now_ns)
{
	struct path *p;

	if (sf_eq16(src, psrc) && sf_eq16(dst, pdst))
		return;	/* the INIT's own pair maps to itself */
	p = ftable_upsert(t->paths, pair_key(src, dst), now_ns, NULL);
	memcpy(p->src, src, 16);
	memcpy(p->dst, dst, 16);
	memcpy(p->psrc, psrc, 16);
	memcpy(p->pdst, pdst, 16);
	ftable_touch(t->paths, p, now_ns);
}

/* Every pair of initiator address × responder address, both directions,
 * mapped to the INIT's pair in that direction. */
static void map_all(struct sctp_paths *t, const struct assoc *as, uint64_t now_ns)
{
	for (unsigned i = 0; i < as->init.n; i++)
		for (unsigned j = 0; j < as->resp.n; j++) {
			map_pair(t, as->init.a[i], as->resp.a[j], as->a1, as->b1, now_ns);
			map_pair(t, as->resp.a[j], as->init.a[i], as->b1, as->a1, now_ns);
		}
}

static void unmap_pair(struct sctp_paths *t, const uint8_t *src, const uint8_t *dst)
{
	uint64_t k = pair_key(src, dst);
	struct path *p = ftable_find(t->paths, k);

	if (p && sf_eq16(p->src, src) && sf_eq16(p->dst, dst))
		ftable_remove(t->paths, k);
}

/* The association a packet from src to dst belongs to (its set-up seen),
 * and whether src is on the initiator's side. */
static struct assoc *assoc_of(struct sctp_paths *t, const uint8_t *src, const uint8_t *dst,
			      int *from_init, uint64_t now_ns)
{
	const uint8_t *ps, *pd;
	struct assoc *as;

	sctp_paths_map(t, src, dst, &ps, &pd, now_ns);
	as = ftable_find(t->assocs, pair_key(ps, pd));
	if (as && sf_eq16(as->a1, ps) && sf_eq16(as->b1, pd)) {
		*from_init = 1;
		return as;
	}
	as = ftable_find(t->assocs, pair_key(pd, ps));
	if (as && sf_eq16(as->a1, pd) && sf_eq16(as->b1, ps)) {
		*from_init = 0;
		return as;
	}
	return NULL;
}

/* an ASCONF by its packet's pair and serial number */
static uint64_t asconf_key(const uint8_t *src, const uint8_t *dst, uint32_t serial)
{
	uint8_t b[4] = { (uint8_t)(serial >> 24), (uint8_t)(serial >> 16), (uint8_t)(serial >> 8),
			 (uint8_t)serial };

	return sf_hash_bytes(b, sizeof(b), pair_key(src, dst));
}

static const uint8_t zero16[16];

/* An ASCONF chunk body (after its header) from src: its add and delete
 * requests, held until the peer's ASCONF-ACK. */
static void asconf(struct sctp_paths *t, const uint8_t *src, const uint8_t *dst, const uint8_t *b,
		   size_t len, uint64_t now_ns)
{
	int from_init = 0;
	struct assoc *as = NULL;
	struct pend_asconf pa;
	uint8_t named[16];
	const uint8_t *q;
	uint16_t type, plen;
	size_t off;
	uint64_t akey, k;

	if (len < 8)
		return;
	/* the association: by the packet's pair, else by the address the
	 * ASCONF names as one of the sender's (§4.1.1: it may come from the
	 * address it adds) */
	as = assoc_of(t, src, dst, &from_init, now_ns);
	if (!as && addr_param(b + 4, len - 4, named))
		as = assoc_of(t, named, dst, &from_init, now_ns);
	if (!as) {
		t->st.asconf_unknown++;
		return;
	}
	ftable_touch(t->assocs, as, now_ns);
	memset(&pa, 0, sizeof(pa));
	memcpy(pa.src, src, 16);
	memcpy(pa.dst, dst, 16);
	akey = pair_key(as->a1, as->b1);
	pa.akey = akey;
	pa.serial = sf_rd32(b);
	pa.from_init = (uint8_t)from_init;
	/* the Address Parameter that names the sender, then the requests */
	off = 4;
	param_next(b, len, &off, &type, &plen);
	while ((q = param_next(b, len, &off, &type, &plen))) {
		struct asconf_req *r = &pa.r[pa.n];

		if (plen < 8)
			break;	/* no request is that short: the reading ends */
		if (type != PARAM_ADD_IP && type != PARAM_DEL_IP)
			continue;
		if (pa.n == ASCONF_REQ_MAX) {
			t->st.asconf_refused++;
		} else if (addr_param(q + 8, plen - 8u, r->addr)) {
			r->corr = sf_rd32(q + 4);
			r->add = type == PARAM_ADD_IP;
			/* the wildcard address: the packet's source (§4.2.1) */
			if (sf_eq16(r->addr, zero16))
				memcpy(r->addr, src, 16);
			pa.n++;
		}
	}
	if (pa.n) {
		/* a resent ASCONF keeps the requests of its first copy: the
		 * receiver answers a serial number once (§5.2) */
		struct pend_asconf *old;

		k = asconf_key(src, dst, pa.serial);
		old = ftable_find(t->asconfs, k);
		if (old && old->serial == pa.serial && sf_eq16(old->src, src) && sf_eq16(old->dst, dst))
			return;
		*(struct pend_asconf *)ftable_upsert(t->asconfs, k, now_ns, NULL) = pa;
	}
}

static void list_del(struct addr_list *l, const uint8_t a[16])
{
	for (unsigned i = 0; i < l->n; i++)
		if (sf_eq16(l->a[i], a)) {
			memmove(l->a[i], l->a[i + 1], (size_t)(l->n - i - 1) * 16);
			l->n--;
			return;
		}
}

/* The response an ASCONF-ACK body b[0..len) gives to correlation ID corr:
 * 1 Success Indication, 0 Error Cause Indication, -1 none. */
static int ack_response(const uint8_t *b, size_t len, uint32_t corr)
{
	const uint8_t *q;
	uint16_t type, plen;
	size_t off = 4;

	while ((q = param_next(b, len, &off, &type, &plen)) && plen >= 8)
		if ((type == PARAM_ERROR_IND || type == PARAM_SUCCESS_IND) && sf_rd32(q + 4) == corr)
			return type == PARAM_SUCCESS_IND;
	return -1;
}

/* An ASCONF-ACK chunk body from src: the requests of the ASCONF it
 * answers that succeeded change the association's paths. */
static void asconf_ack(struct sctp_paths *t, const uint8_t *src, const uint8_t *dst, const uint8_t *b,
		       size_t len, uint64_t now_ns)
{
	int failed = 0;
	struct assoc *as;
	struct pend_asconf *pa;
	uint64_t k;

	if (len < 4)
		return;
	/* the ASCONF it answers was sent from dst to src (§5.2: the ACK goes
	 * back to the ASCONF's source) */
	k = asconf_key(dst, src, sf_rd32(b));
	pa = ftable_find(t->asconfs, k);
	if (!pa || pa->serial != sf_rd32(b) || !sf_eq16(pa->src, dst) || !sf_eq16(pa->dst, src)) {
		t->st.asconf_unknown++;
		return;
	}
	as = ftable_find(t->assocs, pa->akey);
	if (!as || pair_key(as->a1, as->b1) != pa->akey) {
		ftable_remove(t->asconfs, k);	/* the association was evicted meanwhile */
		t->st.asconf_unknown++;
		return;
	}
	for (unsigned i = 0; i < pa->n; i++) {
		const struct asconf_req *r = &pa->r[i];
		struct addr_list *mine = pa->from_init ? &as->init : &as->resp;
		struct addr_list *other = pa->from_init ? &as->resp : &as->init;
		int resp = ack_response(b, len, r->corr);

		if (resp == 0)
			failed = 1;
		if (!(resp == 1 || (resp == -1 && !failed))) {
			t->st.asconf_refused++;
			continue;
		}
		if (r->add) {
			list_add(t, mine, r->addr);
			map_all(t, as, now_ns);
			t->st.asconf_added++;
		} else {
			for (unsigned j = 0; j < other->n; j++) {
				unmap_pair(t, r->addr, other->a[j]);
				unmap_pair(t, other->a[j], r->addr);
			}
			list_del(mine, r->addr);
			t->st.asconf_deleted++;
		}
	}
	ftable_remove(t->asconfs, k);
}

void sctp_paths_learn(struct sctp_paths *t, const uint8_t src[16], const uint8_t dst[16],
		      const uint8_t *sctp, size_t len, uint64_t now_ns)
{
	uint16_t sport, dport, clen;
	uint8_t type;

	if (!t || len < 16)
		return;
	type = sctp[12];
	if (type != SF_SCTP_INIT && type != SF_SCTP_INIT_ACK) {
		/* ASCONF and ASCONF-ACK chunks, wherever they are bundled */
		struct sctp_view v;
		struct sctp_chunk_iter it;
		struct sctp_chunk ch;

		if (sctp_decode(sctp, len, &v) != SF_OK)
			return;
		sctp_chunk_iter_init(&it, &v);
		while (sctp_chunk_next(&it, &ch) > 0) {
			/* RFC 9260 §3.2: an unrecognised chunk whose upper bits
			 * are 00 or 01 makes the receiver discard the rest */
			if (!sctp_chunk_type_known(ch.type) && (ch.type >> 6) < 2)
				return;
			if (ch.type == SF_SCTP_ASCONF)
				asconf(t, src, dst, ch.value.p, ch.value.len, now_ns);
			else if (ch.type == SF_SCTP_ASCONF_ACK)
				asconf_ack(t, src, dst, ch.value.p, ch.value.len, now_ns);
		}
		return;
	}
	if (len < 12 + 4 + 16)
		return;
	clen = sf_rd16(sctp + 14);
	if (clen < 4 + 16 || clen > len - 12)
		return;
	sport = sf_rd16(sctp);
	dport = sf_rd16(sctp + 2);
	if (type == SF_SCTP_INIT) {
		/* the initiator's addresses, held until the INIT-ACK */
		struct pending *pe = ftable_upsert(t->pending, pending_key(src, dst, sport, dport),
						   now_ns, NULL);

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
		struct assoc *as;

		t->st.init_acks++;
		memset(&init, 0, sizeof(init));
		memset(&resp, 0, sizeof(resp));
		if (pe && sf_eq16(pe->src, dst) && sf_eq16(pe->dst, src) &&
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
		/* the association's addresses, for its later ASCONFs */
		as = ftable_upsert(t->assocs, pair_key(a1, b1), now_ns, NULL);
		memcpy(as->a1, a1, 16);
		memcpy(as->b1, b1, 16);
		as->init = init;
		as->resp = resp;
		map_all(t, as, now_ns);
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
	if (!p || !sf_eq16(p->src, src) || !sf_eq16(p->dst, dst))
		return 0;
	ftable_touch(t->paths, p, now_ns);
	*psrc = p->psrc;
	*pdst = p->pdst;
	return 1;
}

#define EXPORT_MAGIC "SMSFWPTH"
#define EXPORT_VERSION 1

size_t sctp_paths_export(struct sctp_paths *t, uint8_t *buf, size_t cap)
{
	size_t off = 16;
	uint32_t n = 0;

	for (struct assoc *as = ftable_oldest(t->assocs); as; as = ftable_newer(t->assocs, as)) {
		size_t need = 32 + 2 + ((size_t)as->init.n + as->resp.n) * 16;

		if (off + need + 4 <= cap) {
			memcpy(buf + off, as->a1, 16);
			memcpy(buf + off + 16, as->b1, 16);
			buf[off + 32] = as->init.n;
			buf[off + 33] = as->resp.n;
			memcpy(buf + off + 34, as->init.a, (size_t)as->init.n * 16);
			memcpy(buf + off + 34 + (size_t)as->init.n * 16, as->resp.a, (size_t)as->resp.n * 16);
		}
		off += need;
		n++;
	}
	if (off + 4 <= cap) {
		memcpy(buf, EXPORT_MAGIC, 8);
		sf_wr32(buf + 8, EXPORT_VERSION);
		sf_wr32(buf + 12, n);
		sf_wr32(buf + off, ~sf_crc32c_update(0xFFFFFFFFu, buf, off));
	}
	return off + 4;
}

int sctp_paths_import(struct sctp_paths *t, const uint8_t *buf, size_t len, uint64_t now_ns,
		      char *err, size_t errlen)
{
	size_t off = 16;
	uint32_t n;

	if (len < 20 || memcmp(buf, EXPORT_MAGIC, 8)) {
		snprintf(err, errlen, "not a path table export");
		return -1;
	}
	if (sf_rd32(buf + 8) != EXPORT_VERSION) {
		snprintf(err, errlen, "export version %u, expected %u", (unsigned)sf_rd32(buf + 8), EXPORT_VERSION);
		return -1;
	}
	if (sf_rd32(buf + len - 4) != ~sf_crc32c_update(0xFFFFFFFFu, buf, len - 4)) {
		snprintf(err, errlen, "checksum mismatch (a file cut short or damaged)");
		return -1;
	}
	n = sf_rd32(buf + 12);
	/* every record checked before any is applied */
	for (uint32_t i = 0; i < n; i++) {
		uint8_t ni, nr;

		if (len - 4 - off < 34) {
			snprintf(err, errlen, "association %u of %u cut short", (unsigned)i + 1, (unsigned)n);
			return -1;
		}
		ni = buf[off + 32];
		nr = buf[off + 33];
		if (!ni || !nr || ni > SCTP_PATHS_ADDR_MAX || nr > SCTP_PATHS_ADDR_MAX ||
		    len - 4 - off - 34 < ((size_t)ni + nr) * 16) {
			snprintf(err, errlen, "association %u of %u: %u and %u addresses", (unsigned)i + 1,
				 (unsigned)n, ni, nr);
			return -1;
		}
		off += 34 + ((size_t)ni + nr) * 16;
	}
	if (off != len - 4) {
		snprintf(err, errlen, "%zu bytes after the last association", len - 4 - off);
		return -1;
	}
	if (!t)
		return 0;
	off = 16;
	for (uint32_t i = 0; i < n; i++) {
		struct assoc *as = ftable_upsert(t->assocs, pair_key(buf + off, buf + off + 16), now_ns, NULL);

		memset(as, 0, sizeof(*as));
		memcpy(as->a1, buf + off, 16);
		memcpy(as->b1, buf + off + 16, 16);
		as->init.n = buf[off + 32];
		as->resp.n = buf[off + 33];
		memcpy(as->init.a, buf + off + 34, (size_t)as->init.n * 16);
		memcpy(as->resp.a, buf + off + 34 + (size_t)as->init.n * 16, (size_t)as->resp.n * 16);
		map_all(t, as, now_ns);
		off += 34 + ((size_t)as->init.n + as->resp.n) * 16;
	}
	return 0;
}

void sctp_paths_expire(struct sctp_paths *t, uint64_t now_ns, uint64_t max_age_ns, unsigned budget)
{
	if (!t)
		return;
	ftable_expire(t->paths, now_ns, max_age_ns, budget);
	ftable_expire(t->pending, now_ns, max_age_ns, budget);
	ftable_expire(t->asconfs, now_ns, max_age_ns, budget);
}

void sctp_paths_get_stats(const struct sctp_paths *t, struct sctp_paths_stats *out)
{
	struct ftable_stats fs;

	*out = t->st;
	ftable_stats(t->assocs, &fs);
	out->evictions = fs.evictions;
	ftable_stats(t->paths, &fs);
	out->learned = fs.inserts;
	out->evictions += fs.evictions;
	out->in_use = fs.in_use;
	out->capacity = fs.capacity;
}
