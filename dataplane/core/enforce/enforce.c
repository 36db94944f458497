/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-association state machine and packet rewriter of SCTP-aware
 * blocking (RFC 9260; FORWARD-TSN from RFC 3758).
 *
 * Model. Each association has two directions; in a direction the sender's
 * TSN space ("S") is mapped onto the receiver's ("R"). A forwarded DATA
 * chunk gets the next R TSN; a removed chunk gets none (and is acked to
 * the sender by us); an injected answer takes an R TSN of its own. The
 * mapping of every TSN between the sender's cumulative ack and the highest
 * TSN seen is kept in a ring of window entries (S side) and the inverse in
 * another (R side), so retransmissions get the mapping of their first copy
 * and SACKs translate exactly. Stream sequence numbers of ordered streams
 * are shifted per stream by the removals and injections before them.
 *
 * A TSN that arrives after a higher one (loss or reordering upstream of
 * smsfw) left a reserved R slot (a "hole"): it fills it. A late chunk that
 * is blocked cannot give its slot back (later R TSNs are out already): it
 * is not forwarded and the receiver is told to skip its TSN and SSN with
 * an injected FORWARD-TSN (RFC 3758) once it holds everything below; when
 * the ends did not negotiate FORWARD-TSN it is forwarded (block_passed).
 * Answers into a direction with holes wait until the holes are filled,
 * because their SSN could collide with a late chunk's.
 *
 * A removed chunk is reported acked to its sender only together with its
 * forwarded neighbours, so the sender never sees a gap report it would
 * count toward a fast retransmission; injected packets are kept within
 * max_frame (the path MTU).
 *
 * A message fragmented over several DATA chunks (B ... E, consecutive
 * TSNs, RFC 9260 §6.9) is decided only when its last fragment arrives,
 * and a fragment once forwarded cannot be taken back. So the fragments of
 * a message are held (not forwarded, not acked to the sender) from its B
 * fragment until its E fragment: blocked, every fragment is removed like
 * a single chunk (one SSN); passed, they get their R TSNs then, in order,
 * ahead of the E fragment (in its packet when they fit, else in packets
 * of their own sent before it). The receiver sees a short delay, never a
 * gap; the sender sees its fragments acked a little later, as after a
 * delayed SACK. A hold is bounded: by holds messages per table,
 * hold_bytes and ENF_HOLD_PKTS packets per message, and hold_ns (below
 * the sender's minimum RTO, so it never retransmits because of it). Past
 * a bound, or when anything else must be forwarded first (a higher TSN:
 * loss or reordering upstream, a FORWARD-TSN), the held fragments are
 * forwarded as they are (counted) and a blocked message among them is
 * forwarded too (block_passed). Only fragments arriving in order, with
 * no hole below, are held.
 *
 * Associations are learnt from INIT / INIT-ACK; anything else (smsfw
 * started mid-association, I-DATA, a window overflow after renumbering)
 * is forwarded unchanged: monitor mode for that association. */
#include "enforce/enforce.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/l2l3.h"
#include "decode/m3ua.h"
#include "decode/sccp.h"
#include "decode/sctp.h"
#include "enforce/enf_tcend.h"
#include "sf_crc32c.h"

#define ENF_STREAMS	64	/* ordered streams renumbered per direction */
#define ENF_PEND	24	/* injected answers in flight per direction */
#define ENF_ANS_MAX	256	/* M3UA answer */
#define ENF_HDR_MAX	96	/* L2 + L3 headers kept as a template */
#define ENF_MAX_GAPS	64	/* gap blocks in a SACK we write */
#define ENF_MAX_DUPS	16
#define ENF_TICK_VISIT	64	/* associations visited per enf_tick */

enum { AS_FREE = 0, AS_HALF, AS_TRACK, AS_MONITOR };
/* SR_SKIP: a late chunk (it filled a hole) that is blocked: its R TSN is
 * taken, so it is not forwarded but skipped with a FORWARD-TSN (RFC 3758)
 * once the receiver has everything below it. */
/* SR_HELD: a fragment held until its message is whole (no R TSN yet). */
enum { SR_NONE = 0, SR_FWD, SR_REMOVED, SR_HOLE, SR_SKIP, SR_HELD };
/* enf_srec.unordered of a removed fragment other than its message's
 * last: the message shifted its stream's SSNs once, counted on the last */
#define SR_U_FRAG_NOT_LAST 2
enum { RR_NONE = 0, RR_ORIG, RR_INJ };
enum { PD_FREE = 0, PD_DEFERRED, PD_FLIGHT };

struct enf_srec {
	uint32_t s_tsn, r_tsn;
	uint16_t ssn;		/* FWD: R SSN; REMOVED: S SSN */
	uint16_t sid;
	uint8_t state, gap, unordered, pad;
};

struct enf_rrec {
	uint32_t r_tsn, s_tsn;
	uint8_t kind, slot;
};

/* The fragments of one message held until it is whole (table pool). */
struct enf_hold {
	uint32_t owner;		/* assoc * 2 + dir + 1; 0: free */
	uint32_t first, next;	/* S TSNs held: [first, next) */
	uint16_t sid, ssn;
	uint8_t unordered;
	uint8_t pkts;		/* packets it is released in (greedy, fmax) */
	uint32_t len;		/* bytes in buf: the chunks, each padded */
	uint32_t cur;		/* bytes in the last of those packets */
	uint64_t since_ns;
	uint64_t call;		/* the enf_packet call that started it */
	uint8_t *buf;
};

struct enf_pend {
	uint8_t state, gap, tries, miss;
	uint16_t sid, len;
	uint16_t r_ssn;
	uint32_t r_tsn;
	uint64_t sent_ns, rto_ns;
	uint8_t data[ENF_ANS_MAX];	/* the M3UA message */
};

/* Headers of the latest packet seen in a direction (to build packets). */
struct enf_tmpl {
	uint8_t ok, ip_version;
	uint16_t len, l3_off;
	uint16_t port;		/* where packets of this direction leave */
	uint8_t hdr[ENF_HDR_MAX];
};

struct enf_dir {
	uint32_t vtag;
	uint16_t sport, dport;
	uint32_t s_lo, s_next, r_lo, r_next;
	uint32_t holes;
	uint32_t a_rwnd;	/* receiver's last advertised window */
	uint16_t n_streams;
	uint8_t renumbered;	/* a removal or injection happened */
	uint8_t n_pend;
	uint8_t prsctp;		/* both ends support FORWARD-TSN (RFC 3758 §3.1) */
	uint32_t skips;		/* SR_SKIP records not yet passed by the receiver */
	uint32_t skip_cum;	/* last FORWARD-TSN sent, and when */
	uint64_t skip_ns;
	uint64_t sack_ns;	/* last SACK from the receiver */
	uint16_t hold;		/* enf_hold slot + 1; 0: none */
	uint8_t frag_open;	/* the newest TSN is a fragment before an E */
	int16_t ssn_delta[ENF_STREAMS];
	uint16_t r_ssn_next[ENF_STREAMS];
	struct enf_tmpl tmpl;
	struct enf_pend pend[ENF_PEND];
	struct enf_srec *s;
	struct enf_rrec *r;
};

struct enf_assoc {
	uint8_t state;
	uint8_t keyed[2];
	uint16_t port_a, port_b;
	uint32_t tag_a, tag_b;
	uint32_t tag_b_alt;	/* an earlier INIT-ACK's tag (0: none) */
	uint16_t os_a, mis_a;
	uint8_t prsctp_a;
	uint32_t isn_a, rwnd_a;
	uint64_t last_ns;
	uint32_t hnext[2];
	struct enf_dir d[2];	/* 0: A→B (vtag tag_b), 1: B→A (vtag tag_a) */
};

struct enf_table {
	struct enf_config cfg;
	uint32_t wmask;
	struct enf_assoc *a;
	unsigned n;
	uint32_t *head;		/* hash buckets: node (assoc*2+dir)+1, 0 = empty */
	uint32_t hmask;
	struct enf_srec *srecs;
	struct enf_rrec *rrecs;
	unsigned clock, tick_hand;
	unsigned active, pend_total, skip_total;
	uint64_t now;		/* of the current call */
	uint64_t calls;
	size_t fmax;		/* largest frame built (path MTU) */
	struct enf_hold *holds;
	unsigned n_holds, hold_total, hold_hand;
	size_t hold_bytes;
	uint8_t *hold_mem;
	uint8_t *scratch;	/* a held message's M3UA bytes for its answer */
	struct enf_stats st;
};

/* ---- serial number arithmetic (RFC 9260 §1.6, RFC 1982) ---- */
static inline int32_t sdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static inline int16_t sdiff16(uint16_t a, uint16_t b)
{
	return (int16_t)(uint16_t)(a - b);
}

/* ---- table ---- */
static void hold_free(struct enf_table *t, struct enf_dir *D)
{
	t->holds[D->hold - 1].owner = 0;
	D->hold = 0;
	t->hold_total--;
}

static uint32_t hkey(uint32_t vtag, uint16_t sp, uint16_t dp)
{
	uint64_t k = ((uint64_t)vtag << 32) ^ ((uint64_t)sp << 16) ^ dp;

	k *= 0x9E3779B97F4A7C15ull;
	return (uint32_t)(k >> 32);
}

static void key_insert(struct enf_table *t, unsigned ai, unsigned d)
{
	struct enf_assoc *a = &t->a[ai];
	uint32_t b = hkey(a->d[d].vtag, a->d[d].sport, a->d[d].dport) & t->hmask;

	a->hnext[d] = t->head[b];
	t->head[b] = ai * 2 + d + 1;
	a->keyed[d] = 1;
}

static void key_remove(struct enf_table *t, unsigned ai, unsigned d)
{
	struct enf_assoc *a = &t->a[ai];
	uint32_t b, *pp, node = ai * 2 + d + 1;

	if (!a->keyed[d])
		return;
	b = hkey(a->d[d].vtag, a->d[d].sport, a->d[d].dport) & t->hmask;
	for (pp = &t->head[b]; *pp; pp = &t->a[(*pp - 1) / 2].hnext[(*pp - 1) % 2]) {
		if (*pp == node) {
			*pp = a->hnext[d];
			break;
		}
	}
	a->keyed[d] = 0;
}

static struct enf_assoc *lookup(struct enf_table *t, uint32_t vtag, uint16_t sp, uint16_t dp,
				unsigned *dir)
{
	uint32_t node = t->head[hkey(vtag, sp, dp) & t->hmask];

	while (node) {
		struct enf_assoc *a = &t->a[(node - 1) / 2];
		unsigned d = (node - 1) % 2;

		if (a->d[d].vtag == vtag && a->d[d].sport == sp && a->d[d].dport == dp) {
			*dir = d;
			return a;
		}
		node = a->hnext[d];
	}
	return NULL;
}

static void retire(struct enf_table *t, struct enf_assoc *a)
{
	unsigned ai = (unsigned)(a - t->a);

	key_remove(t, ai, 0);
	key_remove(t, ai, 1);
	for (unsigned d = 0; d < 2; d++)
		if (a->d[d].hold) {
			t->st.hold_dropped += t->holds[a->d[d].hold - 1].next -
					      t->holds[a->d[d].hold - 1].first;
			hold_free(t, &a->d[d]);
		}
	t->pend_total -= a->d[0].n_pend + a->d[1].n_pend;
	t->skip_total -= a->d[0].skips + a->d[1].skips;
	a->d[0].n_pend = a->d[1].n_pend = 0;
	a->d[0].skips = a->d[1].skips = 0;
	if (a->state != AS_FREE)
		t->active--;
	a->state = AS_FREE;
}

/* A free entry, evicting the least recently used of a bounded scan when
 * the table is full. */
static struct enf_assoc *alloc_assoc(struct enf_table *t, uint64_t now)
{
	struct enf_assoc *victim = NULL;

	for (unsigned i = 0; i < t->n && i < 256; i++) {
		struct enf_assoc *a = &t->a[t->clock];

		t->clock = (t->clock + 1) % t->n;
		if (a->state == AS_FREE)
			return a;
		if (!victim || a->last_ns < victim->last_ns)
			victim = a;
	}
	if (t->active < t->n) {
		for (unsigned i = 0; i < t->n; i++)
			if (t->a[i].state == AS_FREE)
				return &t->a[i];
	}
	(void)now;
	t->st.assocs_evicted++;
	retire(t, victim);
	return victim;
}

static void dir_init(struct enf_table *t, struct enf_assoc *a, unsigned d, uint32_t vtag,
		     uint16_t sp, uint16_t dp, uint32_t isn, uint16_t n_streams, uint32_t a_rwnd)
{
	struct enf_dir *D = &a->d[d];
	struct enf_srec *s = D->s;
	struct enf_rrec *r = D->r;
	struct enf_tmpl tm = D->tmpl;
	unsigned ai = (unsigned)(a - t->a);

	memset(D, 0, sizeof(*D));
	D->s = s ? s : &t->srecs[(size_t)(ai * 2 + d) * (t->wmask + 1)];
	D->r = r ? r : &t->rrecs[(size_t)(ai * 2 + d) * (t->wmask + 1)];
	D->tmpl = tm;
	D->vtag = vtag;
	D->sport = sp;
	D->dport = dp;
	D->s_lo = D->s_next = D->r_lo = D->r_next = isn;
	D->n_streams = n_streams;
	D->a_rwnd = a_rwnd;
}

struct enf_table *enf_create(const struct enf_config *c, char *err, size_t errlen)
{
	struct enf_table *t;
	size_t w = c->window, nb = 1;

	if (c->max_assocs < 16 || c->max_assocs > (1u << 24) || w < 64 || (w & (w - 1)) ||
	    w > 65536) {
		snprintf(err, errlen, "enforce: max_assocs %u (16..2^24) / window %u (power of 2, 64..65536)",
			 c->max_assocs, c->window);
		return NULL;
	}
	while (nb < (size_t)c->max_assocs * 2)
		nb <<= 1;
	t = calloc(1, sizeof(*t));
	if (!t)
		goto nomem;
	t->cfg = *c;
	if (!t->cfg.rto_ns)
		t->cfg.rto_ns = 1000000000ull;
	t->fmax = c->max_frame ? c->max_frame : 1400;
	if (t->fmax > ENF_PKT_MAX)
		t->fmax = ENF_PKT_MAX;
	t->wmask = (uint32_t)w - 1;
	t->n = c->max_assocs;
	t->n_holds = c->holds ? c->holds : 64;
	t->hold_bytes = c->hold_bytes ? c->hold_bytes : 16384;
	if (!t->cfg.hold_ns)
		t->cfg.hold_ns = 500000000ull;
	if (t->n_holds > 65535 || t->hold_bytes > (1u << 20)) {
		snprintf(err, errlen, "enforce: holds %u (..65535) / hold_bytes %zu (..1 MiB)",
			 t->n_holds, t->hold_bytes);
		free(t);
		return NULL;
	}
	t->holds = calloc(t->n_holds, sizeof(*t->holds));
	t->hold_mem = malloc((size_t)t->n_holds * t->hold_bytes);
	t->scratch = malloc(t->hold_bytes + ENF_PKT_MAX);
	if (!t->holds || !t->hold_mem || !t->scratch)
		goto nomem;
	for (unsigned i = 0; i < t->n_holds; i++)
		t->holds[i].buf = t->hold_mem + (size_t)i * t->hold_bytes;
	t->hmask = (uint32_t)nb - 1;
	t->a = calloc(t->n, sizeof(*t->a));
	t->head = calloc(nb, sizeof(*t->head));
	/* untouched pages of these stay virtual until an association uses them */
	t->srecs = calloc((size_t)t->n * 2 * w, sizeof(*t->srecs));
	t->rrecs = calloc((size_t)t->n * 2 * w, sizeof(*t->rrecs));
	if (!t->a || !t->head || !t->srecs || !t->rrecs)
		goto nomem;
	t->st.mem_bytes = sizeof(*t) + t->n * sizeof(*t->a) + nb * sizeof(*t->head) +
			  (size_t)t->n * 2 * w * (sizeof(*t->srecs) + sizeof(*t->rrecs)) +
			  t->n_holds * (sizeof(*t->holds) + t->hold_bytes) + t->hold_bytes + ENF_PKT_MAX;
	return t;
nomem:
	snprintf(err, errlen, "enforce: out of memory for %u associations", c->max_assocs);
	enf_destroy(t);
	return NULL;
}

void enf_destroy(struct enf_table *t)
{
	if (!t)
		return;
	free(t->a);
	free(t->head);
	free(t->srecs);
	free(t->rrecs);
	free(t->holds);
	free(t->hold_mem);
	free(t->scratch);
	free(t);
}

const struct enf_stats *enf_stats(const struct enf_table *t)
{
	return &t->st;
}

/* ---- packet building ---- */
static void tmpl_store(struct enf_tmpl *tm, const uint8_t *frame, size_t l3_off, size_t l4_off,
		       uint8_t ipv, uint16_t port)
{
	if (l4_off > ENF_HDR_MAX)
		return;
	memcpy(tm->hdr, frame, l4_off);
	tm->len = (uint16_t)l4_off;
	tm->l3_off = (uint16_t)l3_off;
	tm->ip_version = ipv;
	tm->port = port;
	tm->ok = 1;
}

/* The template of the reverse path: MACs (Ethernet) and IP addresses swapped. */
static void tmpl_reverse(struct enf_tmpl *dst, const struct enf_tmpl *src, int linktype, uint16_t port)
{
	uint8_t tmp[16];
	uint8_t *ip;
	size_t alen;

	*dst = *src;
	dst->port = port;
	if (linktype == SF_DLT_EN10MB && src->l3_off >= 12) {
		memcpy(tmp, dst->hdr, 6);
		memcpy(dst->hdr, dst->hdr + 6, 6);
		memcpy(dst->hdr + 6, tmp, 6);
	} else if (src->l3_off != 0) {
		dst->ok = 0;	/* cooked captures: no way back */
		return;
	}
	ip = dst->hdr + dst->l3_off;
	alen = src->ip_version == 4 ? 4 : 16;
	memcpy(tmp, ip + (alen == 4 ? 12 : 8), alen);
	memcpy(ip + (alen == 4 ? 12 : 8), ip + (alen == 4 ? 16 : 24), alen);
	memcpy(ip + (alen == 4 ? 16 : 24), tmp, alen);
}

static void ip_fix(uint8_t *pkt, size_t l3_off, uint8_t ipv, size_t total)
{
	uint8_t *ip = pkt + l3_off;

	if (ipv == 4) {
		size_t ihl = (size_t)(ip[0] & 0x0F) * 4;
		uint32_t sum = 0;

		sf_wr16(ip + 2, (uint16_t)(total - l3_off));
		ip[10] = ip[11] = 0;
		/* RFC 791: one's complement sum of the header's 16-bit words */
		for (size_t i = 0; i + 1 < ihl; i += 2)
			sum += sf_rd16(ip + i);
		while (sum >> 16)
			sum = (sum & 0xFFFF) + (sum >> 16);
		sf_wr16(ip + 10, (uint16_t)~sum);
	} else {
		/* RFC 8200 §3: payload length excludes the 40-byte header */
		sf_wr16(ip + 4, (uint16_t)(total - l3_off - 40));
	}
}

static void sctp_fix(uint8_t *sctp, size_t len)
{
	uint32_t c;

	memset(sctp + 8, 0, 4);
	c = sf_sctp_checksum(sctp, len);
	/* RFC 9260 §6.8: the CRC32c is stored least significant byte first */
	sctp[8] = (uint8_t)c;
	sctp[9] = (uint8_t)(c >> 8);
	sctp[10] = (uint8_t)(c >> 16);
	sctp[11] = (uint8_t)(c >> 24);
}

/* Start a packet of direction D from its template. Returns the SCTP
 * chunk write offset, or 0 when no template. */
static size_t pkt_start(const struct enf_dir *D, const struct enf_tmpl *tm, uint8_t *p)
{
	if (!tm->ok)
		return 0;
	memcpy(p, tm->hdr, tm->len);
	sf_wr16(p + tm->len, D->sport);
	sf_wr16(p + tm->len + 2, D->dport);
	sf_wr32(p + tm->len + 4, D->vtag);
	memset(p + tm->len + 8, 0, 4);
	return tm->len + SF_SCTP_COMMON_HDR_LEN;
}

static size_t pkt_finish(const struct enf_tmpl *tm, uint8_t *p, size_t len)
{
	ip_fix(p, tm->l3_off, tm->ip_version, len);
	sctp_fix(p + tm->len, len - tm->len);
	return len;
}

/* RFC 9260 §3.3.1: DATA chunk header, user data, padding. */
static size_t put_data_chunk(uint8_t *o, size_t cap, uint32_t tsn, uint16_t sid, uint16_t ssn,
			     const uint8_t *d, size_t n)
{
	size_t clen = SF_SCTP_DATA_HDR_LEN + n, plen = (clen + 3) & ~(size_t)3;

	if (cap < plen)
		return 0;
	o[0] = SF_SCTP_DATA;
	o[1] = SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E;
	sf_wr16(o + 2, (uint16_t)clen);
	sf_wr32(o + 4, tsn);
	sf_wr16(o + 8, sid);
	sf_wr16(o + 10, ssn);
	sf_wr32(o + 12, SF_SCTP_PPID_M3UA);
	memcpy(o + 16, d, n);
	memset(o + clen, 0, plen - clen);
	return plen;
}

/* ---- SACK computation for direction D (written toward its sender) ----
 * S TSNs are acked when removed by us, or forwarded with their R TSN at
 * or below the receiver's cumulative ack or inside one of its gap blocks.
 * A gap-acked TSN counts as acked for the cumulative point too: the S
 * space has no hole there (RFC 9260 §3.3.4 gap blocks start above cum+1);
 * this assumes the receiver does not renege (§6.2). */
struct rsack {
	int have;
	uint32_t cum;
	const uint8_t *gaps;	/* n pairs start(2) end(2) */
	unsigned n_gaps;
};

static int srec_valid(const struct enf_dir *D, uint32_t wmask, uint32_t s)
{
	const struct enf_srec *r = &D->s[s & wmask];

	return r->s_tsn == s && r->state != SR_NONE;
}

/* Whether the receiver holds forwarded S TSN s (cum or gap ack), or, for
 * a removed one, would hold it: a removed chunk counts as received when
 * the forwarded chunk before it or the one after it was, so the sender
 * never sees it acked ahead of chunks still in flight (that would be a
 * gap report and, three times, a spurious fast retransmission, §7.2.4). */
static size_t sack_write(struct enf_table *t, struct enf_dir *D, const struct rsack *rs,
			 const uint32_t *dups, unsigned n_dups, uint8_t *o, size_t cap)
{
	uint32_t s, cum_s, run_start = 0, rcum = rs->have ? rs->cum : D->r_lo - 1;
	unsigned gi = 0, n_gaps = 0;
	int in_run = 0, near;
	size_t len;

	if (cap < 16)
		return 0;
	/* forwarded chunks: the receiver's view (pad = acked) */
	for (s = D->s_lo; sdiff(s, D->s_next) < 0; s++) {
		struct enf_srec *r = &D->s[s & t->wmask];

		if (!srec_valid(D, t->wmask, s))
			break;
		if (r->state == SR_REMOVED)
			continue;
		if (r->state == SR_HELD) {
			r->pad = 0;	/* the receiver has not got it */
			continue;
		}
		if (rs->have) {
			r->gap = 0;
			while (gi < rs->n_gaps && sdiff(rcum + sf_rd16(rs->gaps + gi * 4 + 2), r->r_tsn) < 0)
				gi++;
			if (gi < rs->n_gaps && sdiff(rcum + sf_rd16(rs->gaps + gi * 4), r->r_tsn) <= 0)
				r->gap = 1;
		}
		r->pad = sdiff(r->r_tsn, rcum) <= 0 || r->gap;
	}
	/* removed chunks: like their forwarded neighbours (after, then before) */
	near = 0;
	for (s = D->s_next - 1; sdiff(s, D->s_lo) >= 0; s--) {
		struct enf_srec *r = &D->s[s & t->wmask];

		if (!srec_valid(D, t->wmask, s))
			continue;
		if (r->state == SR_REMOVED)
			r->pad = (uint8_t)near;
		else
			near = r->pad;
	}
	near = 1;	/* everything below s_lo is acked */
	for (s = D->s_lo; sdiff(s, D->s_next) < 0; s++) {
		struct enf_srec *r = &D->s[s & t->wmask];

		if (!srec_valid(D, t->wmask, s))
			break;
		if (r->state == SR_REMOVED)
			r->pad = (uint8_t)(r->pad || near);
		else
			near = r->pad;
	}
	/* the cumulative point */
	for (s = D->s_lo; sdiff(s, D->s_next) < 0; s++) {
		struct enf_srec *r = &D->s[s & t->wmask];

		if (!srec_valid(D, t->wmask, s) || !r->pad)
			break;
		if (r->state == SR_HOLE)
			D->holes--;
		r->state = SR_NONE;
	}
	D->s_lo = s;
	cum_s = s - 1;
	len = 16;
	/* gap blocks over the rest */
	for (; sdiff(s, D->s_next) < 0; s++) {
		struct enf_srec *r = &D->s[s & t->wmask];
		int acked = srec_valid(D, t->wmask, s) && r->pad;

		if (acked && !in_run) {
			in_run = 1;
			run_start = s;
		} else if (!acked && in_run) {
			in_run = 0;
			if (n_gaps < ENF_MAX_GAPS && cap - len >= 4) {
				sf_wr16(o + len, (uint16_t)(run_start - cum_s));
				sf_wr16(o + len + 2, (uint16_t)(s - 1 - cum_s));
				len += 4;
				n_gaps++;
			}
		}
	}
	if (in_run && n_gaps < ENF_MAX_GAPS && cap - len >= 4) {
		sf_wr16(o + len, (uint16_t)(run_start - cum_s));
		sf_wr16(o + len + 2, (uint16_t)(s - 1 - cum_s));
		len += 4;
		n_gaps++;
	}
	for (unsigned i = 0; i < n_dups && cap - len >= 4; i++) {
		sf_wr32(o + len, dups[i]);
		len += 4;
	}
	/* RFC 9260 §3.3.4: type 3, flags 0, length, cum TSN, a_rwnd, #gaps, #dups */
	o[0] = SF_SCTP_SACK;
	o[1] = 0;
	sf_wr16(o + 2, (uint16_t)len);
	sf_wr32(o + 4, cum_s);
	sf_wr32(o + 8, D->a_rwnd);
	sf_wr16(o + 12, (uint16_t)n_gaps);
	sf_wr16(o + 14, (uint16_t)((len - 16) / 4 - n_gaps));
	return len;
}

/* Release one R entry whose TSN r the receiver has acked. */
static void r_release(struct enf_table *t, struct enf_dir *D, struct enf_rrec *rr, uint32_t r)
{
	if (rr->r_tsn == r && rr->kind == RR_ORIG) {
		const struct enf_srec *sr = &D->s[rr->s_tsn & t->wmask];

		if (sr->s_tsn == rr->s_tsn && sr->state == SR_SKIP && D->skips) {
			D->skips--;
			t->skip_total--;
		}
	}
	if (rr->r_tsn == r && rr->kind == RR_INJ && rr->slot < ENF_PEND &&
	    D->pend[rr->slot].state == PD_FLIGHT && D->pend[rr->slot].r_tsn == r) {
		D->pend[rr->slot].state = PD_FREE;
		D->n_pend--;
		t->pend_total--;
	}
	rr->kind = RR_NONE;
}

/* The receiver's cumulative ack (SACK or SHUTDOWN) for direction D: free
 * acked injected answers, release R entries. The work is bounded by the
 * window whatever the ack says: a range longer than the window (a forged
 * or corrupt SACK, state from mid-association) visits each slot once. */
static void r_advance(struct enf_table *t, struct enf_dir *D, uint32_t rcum)
{
	uint32_t r;

	if (sdiff(rcum, D->r_next) >= 0)
		rcum = D->r_next - 1;
	if (sdiff(rcum, D->r_lo) < 0)
		return;
	if ((uint32_t)sdiff(rcum, D->r_lo) > t->wmask) {
		for (uint32_t i = 0; i <= t->wmask; i++) {
			struct enf_rrec *rr = &D->r[i];

			if (rr->kind != RR_NONE && sdiff(rr->r_tsn, D->r_lo) >= 0 &&
			    sdiff(rr->r_tsn, rcum) <= 0)
				r_release(t, D, rr, rr->r_tsn);
		}
		D->r_lo = rcum + 1;
		return;
	}
	for (r = D->r_lo; sdiff(r, rcum) <= 0; r++)
		r_release(t, D, &D->r[r & t->wmask], r);
	D->r_lo = r;
}

/* ---- answers (TC-END) ---- */
static uint16_t answer_stream(const struct enf_dir *D, uint16_t sid)
{
	unsigned n = D->n_streams < ENF_STREAMS ? D->n_streams : ENF_STREAMS;

	if (sid < n)
		return sid;
	/* RFC 4666 §1.4.7: stream 0 carries management; use another if any */
	return n > 1 ? (uint16_t)(1 + sid % (n - 1)) : 0;
}

/* Whether an injected answer can take the next R TSN: not while a hole
 * waits for a late chunk (its SSN could collide), nor between the
 * fragments of a message, whose TSNs must be consecutive (RFC 9260 §6.9:
 * a receiver aborts on a gap inside a message). */
static int answers_can_go(const struct enf_dir *D)
{
	return D->holes == 0 && !D->frag_open;
}

/* Give a deferred answer its R TSN and SSN and write its DATA chunk. */
static size_t pend_emit(struct enf_table *t, struct enf_dir *D, unsigned i, uint64_t now,
			uint8_t *o, size_t cap)
{
	struct enf_pend *p = &D->pend[i];
	struct enf_rrec *rr;
	size_t n;

	if (p->state == PD_DEFERRED) {
		if (sdiff(D->r_next - D->r_lo, (int32_t)t->wmask) >= 0)
			return 0;
		p->r_tsn = D->r_next;
		p->r_ssn = D->r_ssn_next[p->sid];
		n = put_data_chunk(o, cap, p->r_tsn, p->sid, p->r_ssn, p->data, p->len);
		if (!n)
			return 0;
		D->r_next++;
		D->r_ssn_next[p->sid]++;
		D->ssn_delta[p->sid]++;	/* the sender's later messages move up */
		D->renumbered = 1;
		rr = &D->r[p->r_tsn & t->wmask];
		rr->r_tsn = p->r_tsn;
		rr->s_tsn = 0;
		rr->kind = RR_INJ;
		rr->slot = (uint8_t)i;
		p->state = PD_FLIGHT;
		p->rto_ns = t->cfg.rto_ns;
		t->st.answers_injected++;
	} else {
		n = put_data_chunk(o, cap, p->r_tsn, p->sid, p->r_ssn, p->data, p->len);
		if (!n)
			return 0;
		p->rto_ns *= 2;
		if (p->rto_ns > 4000000000ull)
			p->rto_ns = 4000000000ull;
		t->st.answers_retransmitted++;
	}
	p->tries++;
	p->miss = 0;
	p->sent_ns = now;
	return n;
}

/* Build one packet toward D's receiver with the deferred answers (when D
 * has no holes) and the answers to retransmit now. */
static void flush_dir(struct enf_table *t, struct enf_dir *D, uint64_t now, int only_due,
		      struct enf_inject *inj, unsigned *n_inj, unsigned max)
{
	size_t off, start;
	uint8_t *p;

	if (!D->n_pend || *n_inj >= max || !D->tmpl.ok)
		return;
	p = inj[*n_inj].pkt;
	start = off = pkt_start(D, &D->tmpl, p);
	if (!off)
		return;
	for (unsigned i = 0; i < ENF_PEND; i++) {
		struct enf_pend *q = &D->pend[i];
		int due;

		if (q->state == PD_DEFERRED)
			due = answers_can_go(D);
		else if (q->state == PD_FLIGHT)
			due = !q->gap && (only_due ? now - q->sent_ns >= q->rto_ns : q->miss >= 3);
		else
			due = 0;
		if (due)
			off += pend_emit(t, D, i, now, p + off, off < t->fmax ? t->fmax - off : 0);
	}
	if (off == start)
		return;
	inj[*n_inj].len = (uint16_t)pkt_finish(&D->tmpl, p, off);
	inj[*n_inj].port = D->tmpl.port;
	(*n_inj)++;
}

static int queue_answer(struct enf_table *t, struct enf_dir *D, const struct enf_block *b,
			const struct sctp_data_view *dv)
{
	struct m3ua_view m;
	struct sccp_view sc;
	struct enf_tcend_in in;
	unsigned i;

	for (i = 0; i < ENF_PEND; i++)
		if (D->pend[i].state == PD_FREE)
			break;
	if (i == ENF_PEND || !b->has_otid)
		return -1;
	if (m3ua_decode(dv->payload.p, dv->payload.len, &m) != SF_OK || !m.has_pd ||
	    sccp_decode(m.user_data.p, m.user_data.len, &sc) != SF_OK)
		return -1;
	memset(&in, 0, sizeof(in));
	in.has_rc = m.has_rc;
	in.rc = m.rc;
	in.opc = m.dpc;
	in.dpc = m.opc;
	in.si = m.si;
	in.ni = m.ni;
	in.mp = m.mp;
	in.sls = m.sls;
	in.called.ssn = sc.calling.ssn;
	in.called.np = sc.calling.gt.np;
	memcpy(in.called.gt, sc.calling.gt.digits, sizeof(in.called.gt));
	in.calling.ssn = sc.called.ssn;
	in.calling.np = sc.called.gt.np;
	memcpy(in.calling.gt, sc.called.gt.digits, sizeof(in.calling.gt));
	in.dtid = b->otid;
	in.dialogue = b->begin && b->ac_version >= 2;
	in.ac = b->ac;
	in.ac_version = b->ac_version;
	in.invoke_id = b->invoke_id;
	in.opcode = b->opcode;
	in.is_error = b->action == ENF_REJECT;
	in.error = b->error;
	D->pend[i].len = (uint16_t)enf_tcend_build(D->pend[i].data, sizeof(D->pend[i].data), &in);
	if (!D->pend[i].len)
		return -1;
	D->pend[i].state = PD_DEFERRED;
	D->pend[i].gap = 0;
	D->pend[i].tries = 0;
	D->pend[i].sid = answer_stream(D, dv->sid);
	D->n_pend++;
	t->pend_total++;
	return 0;
}

/* ---- association set-up ---- */
/* RFC 3758 §3.1: Forward-TSN-Supported parameter (0xC000), or FORWARD
 * TSN (192) in Supported Extensions (RFC 5061 §4.2.7, 0x8008). */
static int init_has_prsctp(const struct sctp_init_view *iv)
{
	const uint8_t *p = iv->params.p;
	size_t len = iv->params.len, off = 0;

	while (sf_has(len, off, 4)) {
		uint16_t type = sf_rd16(p + off), plen = sf_rd16(p + off + 2);

		if (plen < 4 || !sf_has(len, off, plen))
			break;
		if (type == 0xC000)
			return 1;
		if (type == 0x8008)
			for (size_t i = 4; i < plen; i++)
				if (p[off + i] == SF_SCTP_FORWARD_TSN)
					return 1;
		off += ((size_t)plen + 3) & ~(size_t)3;
	}
	return 0;
}

static void on_init(struct enf_table *t, const struct sctp_view *sv, const struct sctp_chunk *c,
		    uint64_t now)
{
	struct sctp_init_view iv;
	struct enf_assoc *a;
	unsigned d;

	if (sctp_init_decode(c, &iv) != SF_OK)
		return;
	/* the INIT-ACK will come back with vtag = the initiate tag */
	a = lookup(t, iv.initiate_tag, sv->dport, sv->sport, &d);
	if (a && a->state != AS_HALF)
		return;		/* retransmitted INIT of a tracked association */
	if (!a) {
		a = alloc_assoc(t, now);
		memset(&a->d[0], 0, sizeof(a->d[0]));
		memset(&a->d[1], 0, sizeof(a->d[1]));
		a->keyed[0] = a->keyed[1] = 0;
		a->state = AS_HALF;
		a->tag_b_alt = 0;
		t->active++;
		a->port_a = sv->sport;
		a->port_b = sv->dport;
		a->tag_a = iv.initiate_tag;
		dir_init(t, a, 1, a->tag_a, a->port_b, a->port_a, 0, 0, 0);
		key_insert(t, (unsigned)(a - t->a), 1);
	}
	a->isn_a = iv.initial_tsn;
	a->os_a = iv.n_out_streams;
	a->mis_a = iv.n_in_streams;
	a->rwnd_a = iv.a_rwnd;
	a->prsctp_a = (uint8_t)init_has_prsctp(&iv);
	a->last_ns = now;
}

static void on_init_ack(struct enf_table *t, const struct sctp_view *sv, const struct sctp_chunk *c,
			uint64_t now)
{
	struct sctp_init_view iv;
	struct enf_assoc *a;
	unsigned d, ai;
	uint16_t os_b, mis_b;

	if (sctp_init_decode(c, &iv) != SF_OK)
		return;
	a = lookup(t, sv->vtag, sv->sport, sv->dport, &d);
	if (!a || d != 1)
		return;
	ai = (unsigned)(a - t->a);
	if (a->state == AS_TRACK) {
		/* a second INIT-ACK (INIT retransmitted): take it only while
		 * no DATA moved; the initiator uses whichever arrived */
		if (a->tag_b == iv.initiate_tag || a->d[0].s_next != a->d[0].s_lo ||
		    a->d[1].s_next != a->d[1].s_lo || a->d[0].s_next != a->isn_a)
			return;
		/* the last one wins; the COOKIE ECHO may prove the earlier right */
		a->tag_b_alt = a->tag_b;
		key_remove(t, ai, 0);
	} else if (a->state != AS_HALF) {
		return;
	}
	os_b = iv.n_out_streams;
	mis_b = iv.n_in_streams;
	a->tag_b = iv.initiate_tag;
	/* RFC 9260 §5.1.1: streams in use = min(OS, peer's MIS) */
	dir_init(t, a, 0, a->tag_b, a->port_a, a->port_b, a->isn_a,
		 a->os_a < mis_b ? a->os_a : mis_b, iv.a_rwnd);
	a->d[1].vtag = a->tag_a;
	{
		struct enf_tmpl tm = a->d[1].tmpl;
		uint8_t keyed = a->keyed[1];
		uint32_t hn = a->hnext[1];

		dir_init(t, a, 1, a->tag_a, a->port_b, a->port_a, iv.initial_tsn,
			 os_b < a->mis_a ? os_b : a->mis_a, a->rwnd_a);
		a->d[1].tmpl = tm;
		a->keyed[1] = keyed;
		a->hnext[1] = hn;
	}
	a->d[0].prsctp = a->d[1].prsctp = (uint8_t)(a->prsctp_a && init_has_prsctp(&iv));
	key_insert(t, ai, 0);
	if (a->state == AS_HALF)
		t->st.assocs_created++;
	a->state = AS_TRACK;
	a->last_ns = now;
}

static void to_monitor(struct enf_table *t, struct enf_assoc *a)
{
	if (a->state == AS_TRACK) {
		a->state = AS_MONITOR;
		t->st.assocs_monitor++;
	}
}

/* ---- DATA ---- */
static const struct enf_block *find_block(const struct enf_block *b, unsigned n, uint32_t tsn)
{
	for (unsigned i = 0; i < n; i++)
		if (b[i].tsn == tsn)
			return &b[i];
	return NULL;
}

/* SSN shift of a late chunk (filling a hole): the stream's current shift
 * minus the removals on that stream after it in TSN order. */
static int16_t late_delta(struct enf_table *t, const struct enf_dir *D, uint32_t tsn, uint16_t sid)
{
	int16_t delta = D->ssn_delta[sid];

	for (uint32_t s = tsn + 1; sdiff(s, D->s_next) < 0; s++) {
		const struct enf_srec *r = &D->s[s & t->wmask];

		if (r->s_tsn == s && r->state == SR_REMOVED && r->sid == sid && !r->unordered)
			delta++;
	}
	return delta;
}

enum { DATA_KEEP = 0, DATA_REMOVE, DATA_MONITOR };

/* TSNs between the highest seen and tsn were lost or reordered upstream:
 * each keeps an R slot of its own for when it comes (a hole). */
static void reserve_holes(struct enf_table *t, struct enf_dir *D, uint32_t tsn)
{
	for (; sdiff(D->s_next, tsn) < 0; D->s_next++) {
		struct enf_srec *r = &D->s[D->s_next & t->wmask];

		r->s_tsn = D->s_next;
		r->r_tsn = D->r_next;
		r->state = SR_HOLE;
		r->gap = 0;
		D->r[D->r_next & t->wmask] = (struct enf_rrec){ D->r_next, D->s_next, RR_ORIG, 0 };
		D->r_next++;
		D->holes++;
	}
}

/* Decide one DATA chunk of direction D: DATA_KEEP with the TSN/SSN to
 * write, DATA_REMOVE (need a SACK to the sender), DATA_MONITOR. */
static int on_data(struct enf_table *t, struct enf_dir *D, const struct sctp_data_view *dv,
		   const struct enf_block *blk, uint32_t *tsn_out, uint16_t *ssn_out, int *dup,
		   int *answer)
{
	uint32_t tsn = dv->tsn;
	int ordered = !(dv->flags & SF_SCTP_DATA_FLAG_U);
	struct enf_srec *r;

	*answer = 0;
	*dup = 0;
	if (sdiff(tsn, D->s_lo) < 0) {
		/* already acked to the sender: a retransmission after a lost
		 * SACK; acknowledge it again (RFC 9260 §6.2 duplicate) */
		t->st.old_retrans++;
		*dup = 1;
		return DATA_REMOVE;
	}
	if (sdiff(tsn, D->s_next) < 0) {
		r = &D->s[tsn & t->wmask];
		if (r->s_tsn != tsn)
			return DATA_MONITOR;
		switch (r->state) {
		case SR_FWD:
			t->st.fwd_retrans++;
			*tsn_out = r->r_tsn;
			*ssn_out = r->unordered ? dv->ssn : r->ssn;
			return DATA_KEEP;
		case SR_REMOVED:
		case SR_SKIP:
			t->st.removed_retrans++;
			*dup = 1;
			return DATA_REMOVE;
		case SR_HOLE:
			t->st.late_arrivals++;
			r->state = SR_FWD;
			if (blk) {
				int whole = (dv->flags & (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E)) ==
					    (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E);

				/* its R slot is taken: skip it with a FORWARD-TSN,
				 * or forward it when the ends cannot */
				if (whole && D->prsctp && (!ordered || dv->sid < ENF_STREAMS)) {
					r->state = SR_SKIP;
					D->skips++;
					t->skip_total++;
					D->renumbered = 1;
					t->st.chunks_removed++;
					t->st.late_skipped++;
					*answer = blk->action != ENF_DROP;
				} else {
					t->st.block_passed++;
				}
			}
			r->sid = dv->sid;
			r->unordered = (uint8_t)!ordered;
			r->ssn = dv->ssn;
			if (ordered && dv->sid < ENF_STREAMS) {
				r->ssn = (uint16_t)(dv->ssn + late_delta(t, D, tsn, dv->sid));
				if (sdiff16(r->ssn, D->r_ssn_next[dv->sid]) >= 0)
					D->r_ssn_next[dv->sid] = (uint16_t)(r->ssn + 1);
			}
			D->holes--;
			*tsn_out = r->r_tsn;
			*ssn_out = r->ssn;
			return r->state == SR_SKIP ? DATA_REMOVE : DATA_KEEP;
		default:
			return DATA_MONITOR;
		}
	}
	/* new TSN, maybe above a hole */
	if ((uint32_t)(tsn - D->s_lo) > t->wmask || (uint32_t)(D->r_next + (tsn - D->s_next) - D->r_lo) > t->wmask) {
		t->st.window_overflow++;
		if (D->renumbered)
			return DATA_MONITOR;
		/* identity so far: slide both windows */
		for (uint32_t s = D->s_lo; sdiff(s, D->s_next) < 0; s++)
			D->s[s & t->wmask].state = SR_NONE;
		D->holes = 0;
		D->s_lo = D->s_next = D->r_lo = D->r_next = tsn;
	}
	reserve_holes(t, D, tsn);
	r = &D->s[tsn & t->wmask];
	r->s_tsn = tsn;
	r->gap = 0;
	r->sid = dv->sid;
	r->unordered = (uint8_t)!ordered;
	D->s_next = tsn + 1;
	D->frag_open = !(dv->flags & SF_SCTP_DATA_FLAG_E);
	if (blk) {
		/* one chunk per message: fragments already forwarded cannot be
		 * taken back; streams beyond ENF_STREAMS are not renumbered */
		int whole = (dv->flags & (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E)) ==
			    (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E);

		if (whole && (!ordered || dv->sid < ENF_STREAMS)) {
			r->state = SR_REMOVED;
			r->ssn = dv->ssn;
			if (ordered)
				D->ssn_delta[dv->sid]--;
			D->renumbered = 1;
			t->st.chunks_removed++;
			*answer = blk->action != ENF_DROP;
			return DATA_REMOVE;
		}
		t->st.block_passed++;
	}
	r->state = SR_FWD;
	r->r_tsn = D->r_next;
	r->ssn = dv->ssn;
	if (ordered && dv->sid < ENF_STREAMS) {
		r->ssn = (uint16_t)(dv->ssn + D->ssn_delta[dv->sid]);
		if (sdiff16(r->ssn, D->r_ssn_next[dv->sid]) >= 0)
			D->r_ssn_next[dv->sid] = (uint16_t)(r->ssn + 1);
	}
	D->r[D->r_next & t->wmask] = (struct enf_rrec){ D->r_next, tsn, RR_ORIG, 0 };
	D->r_next++;
	*tsn_out = r->r_tsn;
	*ssn_out = r->ssn;
	return DATA_KEEP;
}

/* ---- SACK from the receiver of D ---- */
static size_t on_sack(struct enf_table *t, struct enf_dir *D, const struct sctp_chunk *c,
		      uint8_t *o, size_t cap)
{
	struct sctp_sack_view sv;
	struct rsack rs;
	uint32_t dups[ENF_MAX_DUPS];
	unsigned nd = 0;
	uint32_t top_gap;

	if (sctp_sack_decode(c, &sv) != SF_OK)
		return 0;
	D->a_rwnd = sv.a_rwnd;
	D->sack_ns = t->now;
	for (unsigned i = 0; i < sv.n_dups && nd < ENF_MAX_DUPS; i++) {
		uint32_t r;
		const struct enf_rrec *rr;

		sctp_sack_dup(&sv, i, &r);
		rr = &D->r[r & t->wmask];
		if (rr->r_tsn == r && rr->kind == RR_ORIG)
			dups[nd++] = rr->s_tsn;
		else if (!D->renumbered)
			dups[nd++] = r;
	}
	r_advance(t, D, sv.cum_tsn);
	/* answers: gap-acked ones are not resent; missing below a gap count
	 * as a miss (fast retransmit after 3, RFC 9260 §7.2.4) */
	top_gap = sv.cum_tsn;
	for (unsigned i = 0; i < sv.n_gaps; i++) {
		uint16_t st, en;

		sctp_sack_gap(&sv, i, &st, &en);
		for (unsigned k = 0; k < ENF_PEND; k++) {
			struct enf_pend *p = &D->pend[k];

			if (p->state == PD_FLIGHT && sdiff(p->r_tsn, sv.cum_tsn + st) >= 0 &&
			    sdiff(p->r_tsn, sv.cum_tsn + en) <= 0)
				p->gap = 1;
		}
		top_gap = sv.cum_tsn + en;
	}
	for (unsigned k = 0; k < ENF_PEND; k++) {
		struct enf_pend *p = &D->pend[k];

		if (p->state == PD_FLIGHT && !p->gap && sdiff(p->r_tsn, top_gap) < 0)
			p->miss++;
	}
	rs.have = 1;
	rs.cum = sv.cum_tsn;
	rs.gaps = sv.gaps.p;
	rs.n_gaps = sv.n_gaps;
	t->st.sacks_translated++;
	return sack_write(t, D, &rs, dups, nd, o, cap);
}

/* RFC 3758 §3.2: FORWARD-TSN from D's sender; S → R. */
static size_t on_fwd_tsn(struct enf_table *t, struct enf_dir *D, const struct sctp_chunk *c,
			 uint8_t *o, size_t cap)
{
	struct sctp_fwd_tsn_view fv;
	uint32_t r_out = D->r_lo - 1;
	size_t len;

	if (sctp_fwd_tsn_decode(c, &fv) != SF_OK)
		return 0;
	for (uint32_t s = D->s_lo; sdiff(s, fv.new_cum_tsn) <= 0 && sdiff(s, D->s_next) < 0; s++) {
		const struct enf_srec *r = &D->s[s & t->wmask];

		if (r->s_tsn == s && (r->state == SR_FWD || r->state == SR_HOLE || r->state == SR_SKIP))
			r_out = r->r_tsn;
	}
	len = 8 + 4u * fv.n_streams;
	if (cap < len)
		return 0;
	o[0] = SF_SCTP_FORWARD_TSN;
	o[1] = 0;
	sf_wr16(o + 2, (uint16_t)len);
	sf_wr32(o + 4, D->renumbered ? r_out : fv.new_cum_tsn);
	for (unsigned i = 0; i < fv.n_streams; i++) {
		uint16_t sid, ssn;

		sctp_fwd_tsn_stream(&fv, i, &sid, &ssn);
		if (sid < ENF_STREAMS)
			ssn = (uint16_t)(ssn + D->ssn_delta[sid]);
		sf_wr16(o + 8 + 4 * i, sid);
		sf_wr16(o + 10 + 4 * i, ssn);
	}
	t->st.fwd_tsn_translated++;
	return len;
}

/* RFC 3758 §3.2: once the receiver of D holds every TSN below a skipped
 * one (its cumulative ack is just below), tell it to move past: new
 * cumulative TSN = the last skipped R TSN of the run, with the stream
 * sequence numbers of the ordered ones. Sent again after the RTO while
 * the receiver does not move. */
static void skip_flush(struct enf_table *t, struct enf_dir *D, uint64_t now,
		       struct enf_inject *inj, unsigned *n_inj, unsigned max)
{
	uint32_t r = D->r_lo, last = 0;
	unsigned n = 0;
	size_t off;
	uint8_t *p;
	uint16_t sids[16], ssns[16];
	unsigned ns = 0;

	if (!D->skips || *n_inj >= max || !D->tmpl.ok)
		return;
	for (; sdiff(r, D->r_next) < 0 && n < 64; r++, n++) {
		const struct enf_rrec *rr = &D->r[r & t->wmask];
		const struct enf_srec *sr;

		if (rr->r_tsn != r || rr->kind != RR_ORIG)
			break;
		sr = &D->s[rr->s_tsn & t->wmask];
		if (sr->s_tsn != rr->s_tsn || sr->state != SR_SKIP)
			break;
		last = r;
		if (!sr->unordered) {
			unsigned k;

			for (k = 0; k < ns && sids[k] != sr->sid; k++)
				;
			if (k == ns && ns < 16)
				sids[ns++] = sr->sid;
			if (k < 16)
				ssns[k] = sr->ssn;
		}
	}
	if (!n) {
		/* a skip waits above the receiver's last known cumulative ack;
		 * when its SACKs stopped (lost, and the sender, seeing its data
		 * acked, sends nothing that would bring another), ask for one:
		 * a duplicate DATA chunk is SACKed at once (RFC 9260 §6.2) */
		if (now - D->sack_ns < t->cfg.rto_ns || now - D->skip_ns < t->cfg.rto_ns)
			return;
		p = inj[*n_inj].pkt;
		off = pkt_start(D, &D->tmpl, p);
		if (!off)
			return;
		off += put_data_chunk(p + off, ENF_PKT_MAX - off, D->r_lo - 1, 0, 0,
				      (const uint8_t *)"\0\0\0\0", 4);
		inj[*n_inj].len = (uint16_t)pkt_finish(&D->tmpl, p, off);
		inj[*n_inj].port = D->tmpl.port;
		(*n_inj)++;
		D->skip_ns = now;
		t->st.sack_probes++;
		return;
	}
	if (D->skip_cum == last && now - D->skip_ns < t->cfg.rto_ns)
		return;
	p = inj[*n_inj].pkt;
	off = pkt_start(D, &D->tmpl, p);
	if (!off)
		return;
	p[off] = SF_SCTP_FORWARD_TSN;
	p[off + 1] = 0;
	sf_wr16(p + off + 2, (uint16_t)(8 + 4 * ns));
	sf_wr32(p + off + 4, last);
	for (unsigned k = 0; k < ns; k++) {
		sf_wr16(p + off + 8 + 4 * k, sids[k]);
		sf_wr16(p + off + 10 + 4 * k, ssns[k]);
	}
	off += 8 + 4 * ns;
	inj[*n_inj].len = (uint16_t)pkt_finish(&D->tmpl, p, off);
	inj[*n_inj].port = D->tmpl.port;
	(*n_inj)++;
	D->skip_cum = last;
	D->skip_ns = now;
	t->st.fwd_tsn_injected++;
}

/* ---- the fragments of a message, held until it is whole ---- */
static const struct enf_block *find_block_range(const struct enf_block *b, unsigned n,
						uint32_t first, uint32_t next)
{
	for (unsigned i = 0; i < n; i++)
		if (sdiff(b[i].tsn, first) >= 0 && sdiff(b[i].tsn, next) < 0)
			return &b[i];
	return NULL;
}

/* Payload bytes of a released packet toward D's receiver. */
static size_t hold_budget(const struct enf_table *t, const struct enf_dir *D)
{
	size_t hdr = (size_t)D->tmpl.len + SF_SCTP_COMMON_HDR_LEN;

	return t->fmax > hdr ? t->fmax - hdr : 0;
}

/* Whether a chunk of plen bytes (padded) can join h (NULL: start one):
 * within hold_bytes, alone within an injected packet, and the release
 * (greedy packing into packets of fmax) within ENF_HOLD_PKTS packets. */
static int hold_fits(const struct enf_table *t, const struct enf_dir *D, const struct enf_hold *h,
		     size_t plen, uint8_t *pkts, uint32_t *cur)
{
	unsigned np = h ? h->pkts : 0;
	size_t c = h ? h->cur : 0, held = h ? h->len : 0;

	if (held + plen > t->hold_bytes || ENF_HDR_MAX + SF_SCTP_COMMON_HDR_LEN + plen > ENF_PKT_MAX)
		return 0;
	if (!np || c + plen > hold_budget(t, D)) {
		np++;
		c = plen;
	} else {
		c += plen;
	}
	if (np > ENF_HOLD_PKTS)
		return 0;
	*pkts = (uint8_t)np;
	*cur = (uint32_t)c;
	return 1;
}

/* The next fragment of the message held in h: consecutive TSN, same
 * stream, same SSN (ordered), not a B (RFC 9260 §6.9). */
static int hold_next(const struct enf_table *t, const struct enf_dir *D, const struct enf_hold *h,
		     const struct sctp_data_view *dv)
{
	uint8_t u = !!(dv->flags & SF_SCTP_DATA_FLAG_U);

	return dv->tsn == h->next && !(dv->flags & SF_SCTP_DATA_FLAG_B) && dv->sid == h->sid &&
	       u == h->unordered && (u || dv->ssn == h->ssn) &&
	       (uint32_t)(dv->tsn - D->s_lo) < t->wmask;
}

/* Hold fragment dv (its chunk: src, clen bytes) in D's hold; its TSN is
 * D->s_next. */
static void hold_put(struct enf_table *t, struct enf_dir *D, const struct sctp_data_view *dv,
		     const uint8_t *src, size_t clen, uint8_t pkts, uint32_t cur)
{
	struct enf_hold *h = &t->holds[D->hold - 1];
	struct enf_srec *r = &D->s[dv->tsn & t->wmask];
	size_t plen = (clen + 3) & ~(size_t)3;

	memcpy(h->buf + h->len, src, clen);
	memset(h->buf + h->len + clen, 0, plen - clen);
	h->len += (uint32_t)plen;
	h->pkts = pkts;
	h->cur = cur;
	h->next = dv->tsn + 1;
	r->s_tsn = dv->tsn;
	r->state = SR_HELD;
	r->gap = r->pad = 0;
	r->sid = dv->sid;
	r->unordered = !!(dv->flags & SF_SCTP_DATA_FLAG_U);
	r->ssn = dv->ssn;
	D->s_next = dv->tsn + 1;
	D->frag_open = 0;	/* held: answers may go before it */
	t->st.frag_held++;
}

/* Start holding the message whose B fragment dv is (a new TSN; the TSNs
 * skipped below it become holes). 0 when it cannot be held. */
static int hold_start(struct enf_table *t, struct enf_assoc *a, unsigned d,
		      const struct sctp_data_view *dv, const uint8_t *src, size_t clen)
{
	struct enf_dir *D = &a->d[d];
	struct enf_hold *h = NULL;
	uint8_t pkts;
	uint32_t cur;
	int u = !!(dv->flags & SF_SCTP_DATA_FLAG_U);

	if (sdiff(dv->tsn, D->s_next) < 0 || !D->tmpl.ok || (!u && dv->sid >= ENF_STREAMS) ||
	    (uint32_t)(dv->tsn - D->s_lo) >= t->wmask ||
	    (uint32_t)(D->r_next + (dv->tsn - D->s_next) - D->r_lo) >= t->wmask ||
	    t->hold_total >= t->n_holds || !hold_fits(t, D, NULL, (clen + 3) & ~(size_t)3, &pkts, &cur))
		return 0;
	reserve_holes(t, D, dv->tsn);
	for (unsigned i = 0; i < t->n_holds; i++) {
		h = &t->holds[t->hold_hand];
		t->hold_hand = (t->hold_hand + 1) % t->n_holds;
		if (!h->owner)
			break;
	}
	h->owner = (uint32_t)(a - t->a) * 2 + d + 1;
	h->first = h->next = dv->tsn;
	h->sid = dv->sid;
	h->ssn = dv->ssn;
	h->unordered = (uint8_t)u;
	h->len = 0;
	h->since_ns = t->now;
	h->call = t->calls;
	D->hold = (uint16_t)(h - t->holds + 1);
	t->hold_total++;
	hold_put(t, D, dv, src, clen, pkts, cur);
	return 1;
}

/* Give the held fragments of D their R TSNs and SSN, in order, and write
 * them: at o when they fit in room (o non-NULL), else in packets of their
 * own toward the receiver, appended to inj[*n_inj..max). Frees the hold.
 * Returns the bytes written at o; -1 (the hold stays) when the injected
 * packets do not fit in inj, -2 when the R window or the template cannot
 * take them. */
static long hold_release(struct enf_table *t, struct enf_dir *D, uint8_t *o, size_t room,
			 struct enf_inject *inj, unsigned *n_inj, unsigned max)
{
	struct enf_hold *h = &t->holds[D->hold - 1];
	uint32_t n = h->next - h->first;
	int in_place = o && h->len <= room;
	size_t pos, off = 0, start = 0, b = hold_budget(t, D);
	uint8_t *p = NULL;

	if ((uint32_t)(D->r_next + n - D->r_lo) > t->wmask)
		return -2;
	if (!in_place) {
		unsigned need = 0;

		if (!D->tmpl.ok)
			return -2;
		/* the same greedy packing as below */
		for (pos = 0; pos < h->len;) {
			size_t plen = ((size_t)sf_rd16(h->buf + pos + 2) + 3) & ~(size_t)3;

			if (!need || off + plen > b) {
				need++;
				off = 0;
			}
			off += plen;
			pos += plen;
		}
		if (*n_inj > max || max - *n_inj < need)
			return -1;
	}
	pos = 0;
	for (uint32_t s = h->first; s != h->next; s++) {
		const uint8_t *c = h->buf + pos;
		size_t plen = ((size_t)sf_rd16(c + 2) + 3) & ~(size_t)3;
		struct enf_srec *r = &D->s[s & t->wmask];
		uint8_t *dst;

		r->state = SR_FWD;
		r->r_tsn = D->r_next;
		if (!h->unordered) {
			r->ssn = (uint16_t)(h->ssn + D->ssn_delta[h->sid]);
			if (sdiff16(r->ssn, D->r_ssn_next[h->sid]) >= 0)
				D->r_ssn_next[h->sid] = (uint16_t)(r->ssn + 1);
		}
		D->r[D->r_next & t->wmask] = (struct enf_rrec){ D->r_next, s, RR_ORIG, 0 };
		D->r_next++;
		if (in_place) {
			dst = o + pos;
		} else {
			if (p && off - start + plen > b) {
				inj[*n_inj].len = (uint16_t)pkt_finish(&D->tmpl, p, off);
				inj[*n_inj].port = D->tmpl.port;
				(*n_inj)++;
				p = NULL;
			}
			if (!p) {
				p = inj[*n_inj].pkt;
				start = off = pkt_start(D, &D->tmpl, p);
			}
			dst = p + off;
			off += plen;
		}
		memcpy(dst, c, plen);
		sf_wr32(dst + 4, r->r_tsn);
		sf_wr16(dst + 10, r->ssn);
		pos += plen;
	}
	if (p) {
		inj[*n_inj].len = (uint16_t)pkt_finish(&D->tmpl, p, off);
		inj[*n_inj].port = D->tmpl.port;
		(*n_inj)++;
	}
	D->frag_open = 1;	/* its E fragment is still to come */
	hold_free(t, D);
	return in_place ? (long)pos : 0;
}

/* The message held in D is blocked: remove its fragments and its last
 * one, dv (TSN D->s_next), like one chunk: one SSN, acked to the sender
 * with its neighbours. Its M3UA bytes, for the answer, go to *msg. */
static void hold_remove(struct enf_table *t, struct enf_dir *D, const struct sctp_data_view *dv,
			struct sf_bytes *msg)
{
	struct enf_hold *h = &t->holds[D->hold - 1];
	struct enf_srec *r;
	size_t pos = 0, m = 0, cap = t->hold_bytes + ENF_PKT_MAX;

	for (uint32_t s = h->first; s != h->next; s++) {
		size_t clen = sf_rd16(h->buf + pos + 2);

		r = &D->s[s & t->wmask];
		r->state = SR_REMOVED;
		r->unordered = h->unordered ? 1 : SR_U_FRAG_NOT_LAST;
		if (clen > SF_SCTP_DATA_HDR_LEN && cap - m >= clen - SF_SCTP_DATA_HDR_LEN) {
			memcpy(t->scratch + m, h->buf + pos + SF_SCTP_DATA_HDR_LEN, clen - SF_SCTP_DATA_HDR_LEN);
			m += clen - SF_SCTP_DATA_HDR_LEN;
		}
		pos += (clen + 3) & ~(size_t)3;
	}
	if (cap - m >= dv->payload.len) {
		memcpy(t->scratch + m, dv->payload.p, dv->payload.len);
		m += dv->payload.len;
	}
	msg->p = t->scratch;
	msg->len = m;
	r = &D->s[dv->tsn & t->wmask];
	r->s_tsn = dv->tsn;
	r->state = SR_REMOVED;
	r->gap = r->pad = 0;
	r->sid = dv->sid;
	r->unordered = h->unordered;
	r->ssn = dv->ssn;
	D->s_next = dv->tsn + 1;
	D->frag_open = 0;
	if (!h->unordered)
		D->ssn_delta[h->sid]--;
	D->renumbered = 1;
	t->st.chunks_removed += h->next - h->first + 1;
	t->st.frag_msgs_removed++;
	hold_free(t, D);
}

/* The association goes to monitor mode: messages held from earlier
 * packets leave first (their chunks are not in this one). */
static int go_monitor(struct enf_table *t, struct enf_assoc *a, struct enf_out *out)
{
	for (unsigned d = 0; d < 2; d++) {
		struct enf_dir *D = &a->d[d];

		if (!D->hold)
			continue;
		if (t->holds[D->hold - 1].call == t->calls) {
			hold_free(t, D);	/* in this packet, forwarded as it is */
		} else if (hold_release(t, D, NULL, 0, out->inject, &out->n_inject, ENF_INJECT_MAX) < 0) {
			t->st.hold_dropped += t->holds[D->hold - 1].next - t->holds[D->hold - 1].first;
			hold_free(t, D);
		} else {
			t->st.hold_released++;
		}
	}
	to_monitor(t, a);
	return ENF_PASS;
}

/* Room for a rewritten chunk at off when rest bytes of chunks follow: the
 * frame stays within the larger of its own size and the path MTU (a SACK
 * with more gap blocks is cut to fewer, which §3.3.4 allows); at least a
 * bare SACK. */
static size_t chunk_room(const struct enf_table *t, size_t frame_len, size_t off, size_t rest)
{
	size_t lim = frame_len > t->fmax ? frame_len : t->fmax;

	if (lim > ENF_FRAME_MAX)
		lim = ENF_FRAME_MAX;
	if (off + rest + 24 > lim)
		return off + rest + 24 <= ENF_FRAME_MAX ? 24 : 0;
	return lim - off - rest;
}

/* The packet's CRC32c, computed once when first needed. */
static int csum_ok(int *cached, const struct l2l3_view *l)
{
	if (*cached < 0)
		*cached = sctp_checksum_ok(l->l4.p, l->l4.len);
	return *cached;
}

/* ---- the packet ---- */
int enf_packet(struct enf_table *t, const uint8_t *frame, size_t len, int linktype,
	       uint16_t in_port, uint16_t out_port,
	       const struct enf_block *blocks, unsigned n_blocks,
	       uint64_t now, struct enf_out *out)
{
	struct l2l3_view l;
	struct sctp_view sv;
	struct sctp_chunk_iter it;
	struct sctp_chunk c;
	struct enf_assoc *a;
	struct enf_dir *D, *R;
	size_t l3_off, l4_off, off, sack_off = 0;
	unsigned d;
	int rc, changed = 0, removed = 0, retire_after = 0, need_sack = 0;
	uint32_t dups[ENF_MAX_DUPS], max_removed = 0;
	unsigned n_dups = 0;
	int csum = -1;
	struct enf_tmpl rev;

	out->n_inject = 0;
	out->pkt_len = 0;
	t->st.packets++;
	t->now = now;
	t->calls++;
	if (l2l3_decode(frame, len, linktype, &l) != SF_OK || l.is_fragment ||
	    l.l4_proto != SF_IPPROTO_SCTP)
		return ENF_PASS;
	if (sctp_decode(l.l4.p, l.l4.len, &sv) != SF_OK)
		return ENF_PASS;
	l3_off = (size_t)(l.l3.p - frame);
	l4_off = (size_t)(l.l4.p - frame);

	/* association control chunks first */
	sctp_chunk_iter_init(&it, &sv);
	while ((rc = sctp_chunk_next(&it, &c)) == 1) {
		if (c.type == SF_SCTP_INIT && sv.vtag == 0)
			on_init(t, &sv, &c, now);
		else if (c.type == SF_SCTP_INIT_ACK)
			on_init_ack(t, &sv, &c, now);
	}
	if (rc < 0)
		return ENF_PASS;
	a = lookup(t, sv.vtag, sv.sport, sv.dport, &d);
	if (!a) {
		/* a COOKIE ECHO with the tag of an earlier INIT-ACK: the
		 * initiator took that one (§5.2.4); rare, so a scan is fine */
		sctp_chunk_iter_init(&it, &sv);
		if (sctp_chunk_next(&it, &c) == 1 && c.type == SF_SCTP_COOKIE_ECHO && sv.vtag) {
			for (unsigned i = 0; i < t->n; i++) {
				struct enf_assoc *x = &t->a[i];

				if (x->state == AS_TRACK && x->tag_b_alt == sv.vtag &&
				    x->port_a == sv.sport && x->port_b == sv.dport) {
					key_remove(t, i, 0);
					x->tag_b = x->d[0].vtag = sv.vtag;
					x->tag_b_alt = 0;
					key_insert(t, i, 0);
					a = x;
					d = 0;
					break;
				}
			}
		}
	}
	if (!a) {
		/* ABORT with the T bit carries the sender's own tag (§8.5.1) */
		sctp_chunk_iter_init(&it, &sv);
		while (sctp_chunk_next(&it, &c) == 1) {
			if ((c.type == SF_SCTP_ABORT || c.type == SF_SCTP_SHUTDOWN_COMPLETE) && (c.flags & 1)) {
				a = lookup(t, sv.vtag, sv.dport, sv.sport, &d);
				if (a) {
					t->st.assocs_retired++;
					retire(t, a);
				}
				return ENF_PASS;
			}
		}
		if (sv.vtag)	/* an INIT has none yet */
			t->st.unknown_assoc++;
		return ENF_PASS;
	}
	a->last_ns = now;
	D = &a->d[d];
	R = &a->d[1 - d];
	tmpl_store(&D->tmpl, frame, l3_off, l4_off, l.ip_version, out_port);
	if (a->state != AS_TRACK) {
		{
			sctp_chunk_iter_init(&it, &sv);
			while (sctp_chunk_next(&it, &c) == 1)
				if (c.type == SF_SCTP_ABORT || c.type == SF_SCTP_SHUTDOWN_COMPLETE) {
					t->st.assocs_retired++;
					retire(t, a);
					break;
				}
		}
		return ENF_PASS;
	}
	tmpl_reverse(&rev, &D->tmpl, linktype, in_port);
	if (!R->tmpl.ok)
		R->tmpl = rev;
	if (l4_off + l.l4.len > ENF_FRAME_MAX) {
		/* too big to rewrite: fine as long as nothing needs it */
		if (n_blocks || D->renumbered || R->renumbered || D->hold) {
			t->st.rewrite_errors++;
			return go_monitor(t, a, out);
		}
		return ENF_PASS;
	}
	if (D->hold && !csum_ok(&csum, &l))
		return ENF_PASS;	/* the receiver drops it: no state changes */
	memcpy(out->pkt, frame, l4_off + SF_SCTP_COMMON_HDR_LEN);
	off = l4_off + SF_SCTP_COMMON_HDR_LEN;

	sctp_chunk_iter_init(&it, &sv);
	while (sctp_chunk_next(&it, &c) == 1) {
		size_t plen = (c.len + 3u) & ~(size_t)3, n;
		const uint8_t *src = l.l4.p + c.offset;	/* offset in the SCTP packet */

		if (plen > l.l4.len - c.offset)
			plen = l.l4.len - c.offset;	/* last chunk without padding */
		switch (c.type) {
		case SF_SCTP_DATA: {
			struct sctp_data_view dv;
			uint32_t tsn = 0;
			uint16_t ssn = 0;
			int dup, answer, v;
			const struct enf_block *blk;

			if (sctp_data_decode(&c, &dv) != SF_OK && c.len < SF_SCTP_DATA_HDR_LEN) {
				return go_monitor(t, a, out);
			}
			blk = find_block(blocks, n_blocks, dv.tsn);
			if (D->hold && sdiff(dv.tsn, t->holds[D->hold - 1].first) >= 0) {
				struct enf_hold *h = &t->holds[D->hold - 1];
				uint8_t pk;
				uint32_t cur;
				long w;

				if (sdiff(dv.tsn, h->first) >= 0 && sdiff(dv.tsn, h->next) < 0) {
					/* a retransmission of a held fragment: held already */
					t->st.hold_retrans++;
					changed = 1;
					continue;
				}
				if (hold_next(t, D, h, &dv)) {
					if (!(dv.flags & SF_SCTP_DATA_FLAG_E)) {
						if (hold_fits(t, D, h, (c.len + 3u) & ~(size_t)3, &pk, &cur)) {
							hold_put(t, D, &dv, src, c.len, pk, cur);
							changed = 1;
							continue;
						}
						t->st.hold_released++;	/* too long to hold */
					} else {
						const struct enf_block *mb =
							blk ? blk : find_block_range(blocks, n_blocks, h->first, h->next);

						if (mb) {
							struct sctp_data_view whole = dv;

							hold_remove(t, D, &dv, &whole.payload);
							removed = changed = need_sack = 1;
							max_removed = dv.tsn;
							if (mb->action != ENF_DROP && queue_answer(t, R, mb, &whole) != 0)
								t->st.answers_lost++;
							continue;
						}
					}
				} else {
					t->st.hold_released++;	/* something else goes first */
				}
				/* passed (or given up): the held fragments go first,
				 * here when they came in this packet */
				w = hold_release(t, D, h->call == t->calls ? out->pkt + off : NULL,
						 chunk_room(t, len, off, l.l4.len - c.offset), out->inject,
						 &out->n_inject, ENF_INJECT_MAX);
				if (w < 0)
					return go_monitor(t, a, out);
				off += (size_t)w;
				changed = 1;
			} else if ((dv.flags & (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E)) == SF_SCTP_DATA_FLAG_B &&
				   sdiff(dv.tsn, D->s_next) >= 0) {
				if (csum_ok(&csum, &l) && hold_start(t, a, d, &dv, src, c.len)) {
					changed = 1;
					continue;
				}
				t->st.hold_unheld++;
			}
			v = on_data(t, D, &dv, blk, &tsn, &ssn, &dup, &answer);
			if (v == DATA_MONITOR) {
				return go_monitor(t, a, out);
			}
			if (v == DATA_REMOVE) {
				removed = changed = need_sack = 1;
				max_removed = dv.tsn;
				if (dup && n_dups < ENF_MAX_DUPS)
					dups[n_dups++] = dv.tsn;
				if (answer && queue_answer(t, R, blk, &dv) != 0)
					t->st.answers_lost++;
				continue;
			}
			memcpy(out->pkt + off, src, plen);
			if (tsn != dv.tsn || ssn != dv.ssn) {
				sf_wr32(out->pkt + off + 4, tsn);
				sf_wr16(out->pkt + off + 10, ssn);
				changed = 1;
			}
			off += plen;
			break;
		}
		case SF_SCTP_I_DATA:
		case SF_SCTP_I_FORWARD_TSN:
			/* RFC 8260 message ids are not renumbered: monitor */
			return go_monitor(t, a, out);
		case SF_SCTP_SACK:
			n = on_sack(t, R, &c, out->pkt + off, chunk_room(t, len, off, l.l4.len - c.offset - plen));
			if (!n) {
				return go_monitor(t, a, out);
			}
			if (!R->renumbered && !R->n_pend) {
				/* identity so far: the state is updated, the chunk kept */
				memcpy(out->pkt + off, src, plen);
				n = plen;
			}
			if (n != plen || memcmp(out->pkt + off, src, n))
				changed = 1;
			off += n;
			break;
		case SF_SCTP_SHUTDOWN:
			/* RFC 9260 §3.3.8: Cumulative TSN Ack of the other direction */
			memcpy(out->pkt + off, src, plen);
			if (c.len >= 8) {
				struct rsack rs = { 1, sf_rd32(src + 4), NULL, 0 };
				uint8_t tmp[16 + 4 * ENF_MAX_GAPS];

				r_advance(t, R, rs.cum);
				sack_write(t, R, &rs, NULL, 0, tmp, sizeof(tmp));
				if (sf_rd32(tmp + 4) != rs.cum) {
					sf_wr32(out->pkt + off + 4, sf_rd32(tmp + 4));
					changed = 1;
				}
				t->st.shutdowns_translated++;
			}
			off += plen;
			break;
		case SF_SCTP_FORWARD_TSN:
			if (D->hold) {
				/* the sender abandons data (RFC 3758): what it held
				 * goes first, as it is */
				long w = hold_release(t, D, NULL, 0, out->inject, &out->n_inject, ENF_INJECT_MAX);

				if (w < 0)
					return go_monitor(t, a, out);
				t->st.hold_released++;
			}
			n = on_fwd_tsn(t, D, &c, out->pkt + off, chunk_room(t, len, off, l.l4.len - c.offset - plen));
			if (!n) {
				return go_monitor(t, a, out);
			}
			if (n != plen || memcmp(out->pkt + off, src, n))
				changed = 1;
			off += n;
			break;
		case SF_SCTP_ABORT:
		case SF_SCTP_SHUTDOWN_COMPLETE:
			retire_after = 1;
			/* fall through */
		default:
			memcpy(out->pkt + off, src, plen);
			off += plen;
			break;
		}
	}

	/* a SACK toward the sender for what was removed */
	if (need_sack && rev.ok && out->n_inject < ENF_INJECT_MAX) {
		struct enf_inject *inj = &out->inject[out->n_inject];
		struct rsack none = { 0, 0, NULL, 0 };
		size_t o2 = pkt_start(R, &rev, inj->pkt), n;

		if (o2) {
			sack_off = o2;
			n = sack_write(t, D, &none, dups, n_dups, inj->pkt + o2, t->fmax - o2);
			/* a removal the cumulative point does not reach yet is
			 * acked by the receiver's next SACK, translated */
			if (!n_dups && (sf_rd16(inj->pkt + o2 + 12) || sdiff(sf_rd32(inj->pkt + o2 + 4), max_removed) < 0))
				n = 0;
			o2 += n;
			/* bundle the answers that can go now (RFC 9260 §6.10) */
			for (unsigned i = 0; i < ENF_PEND && answers_can_go(R); i++)
				if (R->pend[i].state == PD_DEFERRED)
					o2 += pend_emit(t, R, i, now, inj->pkt + o2,
							o2 < t->fmax ? t->fmax - o2 : 0);
			if (o2 > sack_off) {
				inj->len = (uint16_t)pkt_finish(&rev, inj->pkt, o2);
				inj->port = in_port;
				out->n_inject++;
				if (n)
					t->st.sacks_injected++;
			}
		}
	}
	/* answers waiting on the reverse direction, fast retransmissions */
	if (R->n_pend) {
		struct enf_tmpl keep = R->tmpl;

		R->tmpl = rev;
		flush_dir(t, R, now, 0, out->inject, &out->n_inject, ENF_INJECT_MAX);
		R->tmpl = keep;
	}
	if (D->n_pend)
		flush_dir(t, D, now, 0, out->inject, &out->n_inject, ENF_INJECT_MAX);
	skip_flush(t, D, now, out->inject, &out->n_inject, ENF_INJECT_MAX);
	skip_flush(t, R, now, out->inject, &out->n_inject, ENF_INJECT_MAX);
	if (retire_after) {
		t->st.assocs_retired++;
		retire(t, a);
	}
	if (!changed)
		return ENF_PASS;
	if (off == l4_off + SF_SCTP_COMMON_HDR_LEN) {
		t->st.consumed++;
		return ENF_CONSUMED;
	}
	if (!removed && !csum_ok(&csum, &l)) {
		/* never repair a corrupt packet: forward it as it came */
		return ENF_PASS;
	}
	{
		struct enf_tmpl tm = D->tmpl;

		out->pkt_len = pkt_finish(&tm, out->pkt, off);
	}
	t->st.rewritten++;
	return ENF_REWRITTEN;
}

unsigned enf_tick(struct enf_table *t, uint64_t now, struct enf_inject *inj, unsigned max)
{
	unsigned n = 0;

	if (!t->pend_total && !t->skip_total && !t->hold_total)
		return 0;
	t->now = now;
	t->calls++;
	/* held messages whose last fragment did not come in time leave as
	 * they are (at most n_holds visited) */
	for (unsigned i = 0; i < t->n_holds && t->hold_total; i++) {
		struct enf_hold *h = &t->holds[i];
		struct enf_dir *D;
		long w;

		if (!h->owner || now - h->since_ns < t->cfg.hold_ns)
			continue;
		D = &t->a[(h->owner - 1) / 2].d[(h->owner - 1) % 2];
		w = hold_release(t, D, NULL, 0, inj, &n, max);
		if (w >= 0) {
			t->st.hold_expired++;
		} else if (w == -2) {
			t->st.hold_dropped += h->next - h->first;
			hold_free(t, D);
		}
	}
	for (unsigned i = 0; i < ENF_TICK_VISIT && i < t->n && n < max; i++) {
		struct enf_assoc *a = &t->a[t->tick_hand];

		t->tick_hand = (t->tick_hand + 1) % t->n;
		if (a->state != AS_TRACK)
			continue;
		for (unsigned d = 0; d < 2; d++) {
			struct enf_dir *D = &a->d[d];

			/* never given up: the receiver waits for that TSN; an
			 * association that dies is retired by its ABORT */
			flush_dir(t, D, now, 1, inj, &n, max);
			skip_flush(t, D, now, inj, &n, max);
		}
	}
	return n;
}
