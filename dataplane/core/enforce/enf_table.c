/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP-aware blocking: the association table (bounded, keyed by tag and
 * ports per direction, least recently used evicted) and its set-up from
 * INIT / INIT-ACK (RFC 9260 §5.1). */
#include "enforce/enf_int.h"
#include "sf_hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- table ---- */
void enf_hold_free(struct enf_table *t, struct enf_dir *D)
{
	t->holds[D->hold - 1].owner = 0;
	D->hold = 0;
	t->hold_total--;
}

/* keyed (sf_hash.h): the tag and ports come from the wire, so nobody may
 * chain every association into one bucket */
static uint32_t hkey(uint32_t vtag, uint16_t sp, uint16_t dp)
{
	return (uint32_t)sf_hash_u64((uint64_t)vtag << 32 | (uint64_t)sp << 16 | dp);
}

void enf_key_insert(struct enf_table *t, unsigned ai, unsigned d)
{
	struct enf_assoc *a = &t->a[ai];
	uint32_t b = hkey(a->d[d].vtag, a->d[d].sport, a->d[d].dport) & t->hmask;

	a->hnext[d] = t->head[b];
	t->head[b] = ai * 2 + d + 1;
	a->keyed[d] = 1;
}

void enf_key_remove(struct enf_table *t, unsigned ai, unsigned d)
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

struct enf_assoc *enf_lookup(struct enf_table *t, uint32_t vtag, uint16_t sp, uint16_t dp,
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

void enf_retire(struct enf_table *t, struct enf_assoc *a)
{
	unsigned ai = (unsigned)(a - t->a);

	enf_key_remove(t, ai, 0);
	enf_key_remove(t, ai, 1);
	for (unsigned d = 0; d < 2; d++)
		if (a->d[d].hold) {
			t->st.hold_dropped += t->holds[a->d[d].hold - 1].next -
					      t->holds[a->d[d].hold - 1].first;
			enf_hold_free(t, &a->d[d]);
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
	enf_retire(t, victim);
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

void enf_on_init(struct enf_table *t, const struct sctp_view *sv, const struct sctp_chunk *c,
		    uint64_t now)
{
	struct sctp_init_view iv;
	struct enf_assoc *a;
	unsigned d;

	if (sctp_init_decode(c, &iv) != SF_OK)
		return;
	/* the INIT-ACK will come back with vtag = the initiate tag */
	a = enf_lookup(t, iv.initiate_tag, sv->dport, sv->sport, &d);
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
		enf_key_insert(t, (unsigned)(a - t->a), 1);
	}
	a->isn_a = iv.initial_tsn;
	a->os_a = iv.n_out_streams;
	a->mis_a = iv.n_in_streams;
	a->rwnd_a = iv.a_rwnd;
	a->prsctp_a = (uint8_t)init_has_prsctp(&iv);
	a->last_ns = now;
}

void enf_on_init_ack(struct enf_table *t, const struct sctp_view *sv, const struct sctp_chunk *c,
			uint64_t now)
{
	struct sctp_init_view iv;
	struct enf_assoc *a;
	unsigned d, ai;
	uint16_t os_b, mis_b;

	if (sctp_init_decode(c, &iv) != SF_OK)
		return;
	a = enf_lookup(t, sv->vtag, sv->sport, sv->dport, &d);
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
		enf_key_remove(t, ai, 0);
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
	enf_key_insert(t, ai, 0);
	if (a->state == AS_HALF)
		t->st.assocs_created++;
	a->state = AS_TRACK;
	a->last_ns = now;
}

void enf_to_monitor(struct enf_table *t, struct enf_assoc *a)
{
	if (a->state == AS_TRACK) {
		a->state = AS_MONITOR;
		t->st.assocs_monitor++;
	}
}
