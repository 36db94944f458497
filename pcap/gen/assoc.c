/* SPDX-License-Identifier: BSD-3-Clause */
/* The SCTP side of the generator (RFC 9260): a fixed set of associations
 * between SMSCs / the international gateway and two STPs, each endpoint
 * with its own verification tag, TSNs and per-stream sequence numbers;
 * the INIT handshake and M3UA ASP bring-up (RFC 4666 §4.3), bundling of
 * DATA chunks, fragmentation at a configured fragmentation point, SACKs
 * (every second packet, or bundled with the next DATA, §6.2), HEARTBEATs
 * (§8.3) and retransmissions (§6.3.3, reported as duplicate TSNs). */
#include <stdlib.h>

#include "engine.h"

#define A_RWND		106496u
#define RTX_MAX		64
#define RTX_DATA_MAX	(GEN_PMTU)
#define RTX_TRUTH_MAX	6
#define RTX_TEXT_MAX	(RTX_TRUTH_MAX * 700)

struct rtx_entry {
	uint64_t due_ns;
	uint8_t assoc, dir;
	uint16_t chunks_len;
	uint8_t chunks[RTX_DATA_MAX];
	uint32_t tsn_first, tsn_last;
	uint16_t ntruth;
	uint32_t text_len;
	struct truth_rec truth[RTX_TRUTH_MAX];	/* copies; text/data re-pointed on send */
	uint32_t toff[RTX_TRUTH_MAX], doff[RTX_TRUTH_MAX];	/* into text[] */
	uint8_t text[RTX_TEXT_MAX];
};

/* A FIFO ring: retransmissions go out in the order they were scheduled. */
struct rtx_state {
	struct rtx_entry e[RTX_MAX];
	unsigned head, n;
};

/* One packet being built. */
struct pktb {
	struct gbuf b;		/* the SCTP packet, inside g->pkt after L2/L3 */
	unsigned assoc, dir;
	size_t hl;
	size_t data_start;	/* first DATA chunk (after a bundled SACK) */
	int ndata;
	uint32_t tsn_first, tsn_last;
	int fragment;		/* holds an SCTP fragment or an XUDT segment */
	const struct truth_rec *truth[GEN_PKT_TRUTH];
	unsigned ntruth;
};

static void path_of(const struct gen_assoc *a, unsigned dir, struct l2l3_path *p, uint16_t vlan)
{
	const struct gen_endpoint *s = &a->ep[dir], *d = &a->ep[!dir];

	memcpy(p->src_mac, s->mac, 6);
	memcpy(p->dst_mac, d->mac, 6);
	memcpy(p->src_ip, s->ip, 16);
	memcpy(p->dst_ip, d->ip, 16);
	p->ipv6 = a->ipv6;
	p->vlan = vlan;
}

void gen_advance(struct gen_ctx *g, uint64_t min_ns, uint64_t max_ns)
{
	g->clock_ns += min_ns + (max_ns > min_ns ? rng_below(&g->rng, (uint32_t)(max_ns - min_ns)) : 0);
}

/* ---- topology ----------------------------------------------------- */

struct node_def {
	const char *name;
	uint32_t pc;
	uint8_t v4[4];
	uint8_t id;
};

static const struct node_def nodes[] = {
	[NODE_SMSC1] = { "SMSC1", 1001, { 10, 20, 1, 1 }, 1 },
	[NODE_SMSC2] = { "SMSC2", 1002, { 10, 20, 1, 2 }, 2 },
	[NODE_SMSC3] = { "SMSC3", 1003, { 10, 20, 1, 3 }, 3 },
	[NODE_IGW] = { "IGW", 1100, { 10, 20, 2, 1 }, 4 },
};
static const struct node_def stps[] = {
	{ "STP-A", 2001, { 10, 20, 0, 1 }, 10 },
	{ "STP-B", 2002, { 10, 20, 0, 2 }, 11 },
};

struct assoc_def {
	uint8_t node, stp;
	uint32_t rc;		/* 0: no Routing Context */
	uint16_t maxseg;
	uint8_t xudt, ni;
};

/* The links a capture point at the SMSC cluster and the interconnect sees. */
static const struct assoc_def assoc_defs[] = {
	{ NODE_SMSC1, 0, 101, 0, 0, 2 },
	{ NODE_SMSC1, 1, 0, 0, 0, 2 },
	{ NODE_SMSC2, 0, 0, 180, 0, 2 },	/* SCTP_MAXSEG 180: fragments most SMS */
	{ NODE_SMSC2, 1, 102, 0, 1, 2 },
	{ NODE_SMSC3, 0, 103, 0, 0, 2 },
	{ NODE_SMSC3, 1, 0, 0, 0, 2 },
	{ NODE_IGW, 0, 200, 0, 1, 0 },		/* international: NI 0, XUDT */
};

static void endpoint_init(struct gen_ctx *g, struct gen_endpoint *e, const struct node_def *n,
			  int ipv6, unsigned assoc_idx, uint16_t port)
{
	static const uint8_t v6prefix[8] = { 0xfd, 0x00, 0x53, 0x4d, 0x53, 0x46, 0x57, 0x00 };

	memset(e, 0, sizeof(*e));
	/* locally administered unicast MACs */
	e->mac[0] = 0x02;
	e->mac[1] = 0x53;
	e->mac[2] = 0x4d;
	e->mac[3] = 0x53;
	e->mac[4] = (uint8_t)assoc_idx;
	e->mac[5] = n->id;
	if (ipv6) {
		memcpy(e->ip, v6prefix, 8);
		e->ip[14] = (uint8_t)assoc_idx;
		e->ip[15] = n->id;
	} else {
		memcpy(e->ip, n->v4, 4);
	}
	e->port = port;
	e->pc = n->pc;
	do
		e->my_vtag = (uint32_t)rng_next(&g->rng);
	while (!e->my_vtag);	/* §5.3.1: the Initiate Tag is never 0 */
	e->next_tsn = (uint32_t)rng_next(&g->rng);
	e->ip_id = (uint16_t)rng_next(&g->rng);
}

void assoc_setup(struct gen_ctx *g)
{
	struct rtx_state *r = calloc(1, sizeof(*r));

	g->rtx = r;
	for (unsigned i = 0; i < GEN_MAX_ASSOC * 2; i++)
		g->qhead[i] = g->qtail[i] = -1;
	g->nassoc = sizeof(assoc_defs) / sizeof(assoc_defs[0]);
	for (unsigned i = 0; i < g->nassoc; i++) {
		const struct assoc_def *d = &assoc_defs[i];
		struct gen_assoc *a = &g->assoc[i];
		int v6 = g->o.ip_mode == 6 || (g->o.ip_mode == 46 && (i & 1));
		uint16_t cport = (i & 1) ? (uint16_t)(32768 + rng_below(&g->rng, 28000)) : 2905;

		memset(a, 0, sizeof(*a));
		a->name = nodes[d->node].name;
		a->node = d->node;
		a->ipv6 = (uint8_t)v6;
		a->use_rc = d->rc != 0;
		a->rc = d->rc;
		a->maxseg = d->maxseg;
		a->prefer_xudt = d->xudt;
		a->ni = d->ni;
		endpoint_init(g, &a->ep[0], &nodes[d->node], v6, i, cport);
		endpoint_init(g, &a->ep[1], &stps[d->stp], v6, i, 2905);
		/* the peer has acknowledged nothing yet: cum TSN = initial TSN - 1 */
		a->ep[0].cum_tsn_recv = a->ep[1].next_tsn - 1;
		a->ep[1].cum_tsn_recv = a->ep[0].next_tsn - 1;
		a->hb_countdown = (int32_t)(10 + rng_below(&g->rng, 90));	/* 0.2-2 s: first one early */
	}
}

unsigned assoc_pick(struct gen_ctx *g, enum gen_node node)
{
	unsigned c[GEN_MAX_ASSOC], n = 0;

	for (unsigned i = 0; i < g->nassoc; i++)
		if (g->assoc[i].node == node)
			c[n++] = i;
	return n ? c[rng_below(&g->rng, n)] : 0;
}

/* ---- packets ------------------------------------------------------ */

static size_t ip_hdr_len(const struct gen_assoc *a)
{
	return a->ipv6 ? 40 : 20;
}

static void pkt_start(struct gen_ctx *g, struct pktb *p, unsigned assoc, unsigned dir, uint32_t vtag)
{
	struct gen_assoc *a = &g->assoc[assoc];
	struct l2l3_path path;

	path_of(a, dir, &path, g->o.vlan);
	g->pkt = pcap_record_frame(&g->pcap, GEN_FRAME_MAX);
	p->assoc = assoc;
	p->dir = dir;
	p->hl = l2l3_hdr_len(&path);
	/* room for an SCTP packet within the path MTU */
	gb_init(&p->b, g->pkt + p->hl, GEN_PMTU - ip_hdr_len(a));
	sctp_common_hdr(&p->b, a->ep[dir].port, a->ep[!dir].port, vtag);
	p->data_start = p->b.len;
	p->ndata = 0;
	p->ntruth = 0;
	p->fragment = 0;
}

static void rtx_check(struct gen_ctx *g);

/* Write the frame; the receiver's view of the association is updated. */
static void pkt_emit(struct gen_ctx *g, struct pktb *p)
{
	struct gen_assoc *a = &g->assoc[p->assoc];
	struct gen_endpoint *s = &a->ep[p->dir], *d = &a->ep[!p->dir];
	struct l2l3_path path;

	gen_advance(g, 3000, 40000);
	path_of(a, p->dir, &path, g->o.vlan);
	sctp_finish(p->b.p, p->b.len);
	l2l3_write(g->pkt, &path, p->b.len, s->ip_id++);
	pcap_record_end(&g->pcap, g->clock_ns, p->hl + p->b.len);
	g->frame++;
	g->packets++;
	for (unsigned i = 0; i < p->ntruth; i++) {
		truth_write(g, p->truth[i], g->frame, 0);
		g->parts++;
		g->reserved--;
	}
	if (p->ndata) {
		d->cum_tsn_recv = p->tsn_last;
		d->owe_sack++;
	}
}

static void add_sack(struct pktb *p, struct gen_endpoint *s)
{
	sctp_chunk_sack(&p->b, s->cum_tsn_recv, A_RWND, s->dups, s->ndups);
	s->owe_sack = 0;
	s->ndups = 0;
	p->data_start = p->b.len;
}

static void standalone_sack(struct gen_ctx *g, unsigned assoc, unsigned from)
{
	struct gen_assoc *a = &g->assoc[assoc];
	struct pktb p;

	pkt_start(g, &p, assoc, from, a->ep[!from].my_vtag);
	add_sack(&p, &a->ep[from]);
	pkt_emit(g, &p);
}

/* Maybe schedule this packet's DATA chunks to be sent again later. */
static void rtx_maybe(struct gen_ctx *g, const struct pktb *p)
{
	struct rtx_state *r = g->rtx;
	struct rtx_entry *e;
	size_t n = p->b.len - p->data_start;

	if (!p->ndata || p->fragment || r->n == RTX_MAX || n > RTX_DATA_MAX ||
	    !rng_permille(&g->rng, (unsigned)g->o.retrans))
		return;
	e = &r->e[(r->head + r->n) % RTX_MAX];
	e->due_ns = g->clock_ns + 20000000ull + rng_below(&g->rng, 60000000u);	/* RTO 20-80 ms */
	e->assoc = (uint8_t)p->assoc;
	e->dir = (uint8_t)p->dir;
	e->chunks_len = (uint16_t)n;
	memcpy(e->chunks, p->b.p + p->data_start, n);
	e->tsn_first = p->tsn_first;
	e->tsn_last = p->tsn_last;
	e->ntruth = 0;
	e->text_len = 0;
	if (p->ntruth > RTX_TRUTH_MAX)
		return;
	for (unsigned i = 0; i < p->ntruth; i++) {
		struct truth_rec *t = &e->truth[i];
		size_t tl = p->truth[i]->s.text ? p->truth[i]->s.text_len : 0;
		size_t dl = p->truth[i]->s.data ? p->truth[i]->s.data_len : 0;

		if (RTX_TEXT_MAX - e->text_len < tl + dl)
			return;	/* does not fit: no retransmission */
		*t = *p->truth[i];
		e->toff[i] = e->text_len;
		if (tl)
			memcpy(e->text + e->text_len, t->s.text, tl);
		e->text_len += (uint32_t)tl;
		e->doff[i] = e->text_len;
		if (dl)
			memcpy(e->text + e->text_len, t->s.data, dl);
		e->text_len += (uint32_t)dl;
	}
	e->ntruth = (uint16_t)p->ntruth;
	r->n++;
}

static void rtx_send(struct gen_ctx *g, struct rtx_entry *e)
{
	struct gen_assoc *a = &g->assoc[e->assoc];
	struct gen_endpoint *s = &a->ep[e->dir], *d = &a->ep[!e->dir];
	struct l2l3_path path;
	struct pktb p;

	pkt_start(g, &p, e->assoc, e->dir, d->my_vtag);
	gb_put(&p.b, e->chunks, e->chunks_len);
	gen_advance(g, 3000, 40000);
	path_of(a, e->dir, &path, g->o.vlan);
	sctp_finish(p.b.p, p.b.len);
	l2l3_write(g->pkt, &path, p.b.len, s->ip_id++);
	pcap_record_end(&g->pcap, g->clock_ns, p.hl + p.b.len);
	g->frame++;
	g->packets++;
	for (unsigned i = 0; i < e->ntruth; i++) {
		struct truth_rec *t = &e->truth[i];

		if (t->s.text)
			t->s.text = (const char *)e->text + e->toff[i];
		if (t->s.data)
			t->s.data = e->text + e->doff[i];
		truth_write(g, t, g->frame, 1);
		g->retrans_lines++;
	}
	/* §6.2: the receiver reports the duplicates in its next SACK */
	for (uint32_t t = e->tsn_first; d->ndups < 4; t++) {
		d->dups[d->ndups++] = t;
		if (t == e->tsn_last)
			break;
	}
	d->owe_sack++;
	if (d->owe_sack >= 2)
		standalone_sack(g, e->assoc, !e->dir);
}

static void rtx_check(struct gen_ctx *g)
{
	struct rtx_state *r = g->rtx;

	while (r->n && r->e[r->head].due_ns <= g->clock_ns) {
		struct rtx_entry *e = &r->e[r->head];

		r->head = (r->head + 1) % RTX_MAX;
		r->n--;
		rtx_send(g, e);	/* the slot is reused only after this returns */
	}
}

void assoc_drain(struct gen_ctx *g)
{
	struct rtx_state *r = g->rtx;

	while (r->n) {
		if (g->clock_ns < r->e[r->head].due_ns)
			g->clock_ns = r->e[r->head].due_ns;
		rtx_check(g);
	}
	assoc_idle(g);
	free(r);
	g->rtx = NULL;
}

/* ---- user messages ------------------------------------------------ */

int assoc_queue(struct gen_ctx *g, unsigned assoc, unsigned dir, uint16_t sid,
		const uint8_t *m3ua, size_t n, const struct truth_rec *truth, int segment)
{
	struct gen_umsg *u;

	if (g->nq == GEN_QUEUE_MAX || GEN_ARENA - g->arena_len < n)
		return -1;
	u = &g->q[g->nq];
	u->assoc = (uint8_t)assoc;
	u->dir = (uint8_t)dir;
	u->sid = sid;
	u->next = -1;
	u->segment = (uint8_t)segment;
	if (g->qtail[assoc * 2 + dir] >= 0)
		g->q[g->qtail[assoc * 2 + dir]].next = (int32_t)g->nq;
	else
		g->qhead[assoc * 2 + dir] = (int32_t)g->nq;
	g->qtail[assoc * 2 + dir] = (int32_t)g->nq;
	g->nq++;
	u->off = (uint32_t)g->arena_len;
	u->len = (uint32_t)n;
	u->truth = truth;
	memcpy(g->arena + g->arena_len, m3ua, n);
	g->arena_len += n;
	return 0;
}

/* Finish a packet holding DATA; SACK every second packet (§6.2). */
static void finish_data_pkt(struct gen_ctx *g, struct pktb *p)
{
	struct gen_endpoint *d = &g->assoc[p->assoc].ep[!p->dir];

	pkt_emit(g, p);
	rtx_maybe(g, p);
	if (d->owe_sack >= 2)
		standalone_sack(g, p->assoc, !p->dir);
}

static void send_fragmented(struct gen_ctx *g, struct pktb *p, const struct gen_umsg *u, size_t maxseg)
{
	struct gen_assoc *a = &g->assoc[u->assoc];
	struct gen_endpoint *s = &a->ep[u->dir];
	uint16_t ssn = s->ssn[u->sid]++;
	const uint8_t *m = g->arena + u->off;
	size_t off = 0;

	while (off < u->len) {
		size_t n = u->len - off < maxseg ? u->len - off : maxseg;
		uint8_t fl = 0;

		/* §6.9: B on the first fragment, E on the last, same SSN, TSNs in a row */
		if (off == 0)
			fl |= SF_SCTP_DATA_FLAG_B;
		if (off + n == u->len)
			fl |= SF_SCTP_DATA_FLAG_E;
		/* each fragment in a packet of its own (a bundled SACK may share it) */
		if (p->ndata || p->b.cap - p->b.len < SF_SCTP_DATA_HDR_LEN + n + 3) {
			finish_data_pkt(g, p);
			pkt_start(g, p, u->assoc, u->dir, a->ep[!u->dir].my_vtag);
			if (s->owe_sack)
				add_sack(p, s);
		}
		p->tsn_first = p->tsn_last = s->next_tsn;
		sctp_chunk_data(&p->b, fl, s->next_tsn++, u->sid, ssn, SF_SCTP_PPID_M3UA, m + off, n);
		p->ndata = 1;
		p->fragment = 1;
		if (fl & SF_SCTP_DATA_FLAG_E && u->truth)
			p->truth[p->ntruth++] = u->truth;
		off += n;
	}
	finish_data_pkt(g, p);
	pkt_start(g, p, u->assoc, u->dir, a->ep[!u->dir].my_vtag);
}

void assoc_flush(struct gen_ctx *g)
{
	for (unsigned ai = 0; ai < g->nassoc; ai++) {
		for (unsigned dir = 0; dir < 2; dir++) {
			struct gen_assoc *a = &g->assoc[ai];
			struct gen_endpoint *s = &a->ep[dir];
			size_t maxseg = a->maxseg ? a->maxseg
				: GEN_PMTU - ip_hdr_len(a) - SF_SCTP_COMMON_HDR_LEN - SF_SCTP_DATA_HDR_LEN;
			struct pktb p;

			if (g->qhead[ai * 2 + dir] < 0)
				continue;
			rtx_check(g);
			pkt_start(g, &p, ai, dir, a->ep[!dir].my_vtag);
			if (s->owe_sack)
				add_sack(&p, s);	/* §6.2: SACK bundled with outgoing DATA */
			for (int32_t i = g->qhead[ai * 2 + dir]; i >= 0; i = g->q[i].next) {
				const struct gen_umsg *u = &g->q[i];
				size_t need = SF_SCTP_DATA_HDR_LEN + u->len + 3;

				if (u->len > maxseg) {
					send_fragmented(g, &p, u, maxseg);
					continue;
				}
				if (p.ndata && (p.b.cap - p.b.len < need || p.ntruth == GEN_PKT_TRUTH)) {
					finish_data_pkt(g, &p);
					pkt_start(g, &p, ai, dir, a->ep[!dir].my_vtag);
				}
				if (!p.ndata)
					p.tsn_first = s->next_tsn;
				p.tsn_last = s->next_tsn;
				/* §3.3.1: unfragmented user message: B and E set */
				sctp_chunk_data(&p.b, SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E,
						s->next_tsn++, u->sid, s->ssn[u->sid]++,
						SF_SCTP_PPID_M3UA, g->arena + u->off, u->len);
				p.ndata++;
				p.fragment |= u->segment;
				if (u->truth)
					p.truth[p.ntruth++] = u->truth;
			}
			if (p.ndata)
				finish_data_pkt(g, &p);
			else if (p.b.len > SF_SCTP_COMMON_HDR_LEN)
				pkt_emit(g, &p);	/* only a SACK left */
		}
	}
	g->nq = 0;
	g->arena_len = 0;
	for (unsigned i = 0; i < GEN_MAX_ASSOC * 2; i++)
		g->qhead[i] = g->qtail[i] = -1;
}

void assoc_idle(struct gen_ctx *g)
{
	rtx_check(g);
	for (unsigned ai = 0; ai < g->nassoc; ai++) {
		struct gen_assoc *a = &g->assoc[ai];

		/* §6.2 delayed SACK timer: acknowledge what is still owed */
		for (unsigned dir = 0; dir < 2; dir++)
			if (a->ep[dir].owe_sack)
				standalone_sack(g, ai, dir);
		if (--a->hb_countdown <= 0) {
			/* §8.3: HEARTBEAT on an idle path, echoed by HEARTBEAT ACK */
			unsigned from = rng_below(&g->rng, 2);
			uint8_t info[16];
			struct pktb p;

			sf_wr32(info, (uint32_t)(g->clock_ns >> 32));
			sf_wr32(info + 4, (uint32_t)g->clock_ns);
			sf_wr32(info + 8, (uint32_t)rng_next(&g->rng));
			sf_wr32(info + 12, ai);
			pkt_start(g, &p, ai, from, a->ep[!from].my_vtag);
			sctp_chunk_heartbeat(&p.b, SF_SCTP_HEARTBEAT, info, sizeof(info));
			pkt_emit(g, &p);
			gen_advance(g, 200000, 2000000);
			pkt_start(g, &p, ai, !from, a->ep[from].my_vtag);
			sctp_chunk_heartbeat(&p.b, SF_SCTP_HEARTBEAT_ACK, info, sizeof(info));
			pkt_emit(g, &p);
			a->hb_countdown = (int32_t)(300 + rng_below(&g->rng, 2700));	/* 6-60 s */
		}
	}
}

/* ---- start of the capture ------------------------------------------ */

void assoc_handshakes(struct gen_ctx *g)
{
	for (unsigned ai = 0; ai < g->nassoc; ai++) {
		struct gen_assoc *a = &g->assoc[ai];
		struct gen_endpoint *c = &a->ep[0], *s = &a->ep[1];
		uint8_t cookie[32], m[64];
		struct gbuf b;
		struct pktb p;
		const uint32_t *rc = a->use_rc ? &a->rc : NULL;

		for (int i = 0; i < 32; i += 4)
			sf_wr32(cookie + i, (uint32_t)rng_next(&g->rng));
		/* §5.1: INIT (verification tag 0), INIT ACK with the cookie,
		 * COOKIE ECHO, COOKIE ACK */
		pkt_start(g, &p, ai, 0, 0);
		sctp_chunk_init(&p.b, SF_SCTP_INIT, c->my_vtag, A_RWND, GEN_NSTREAMS,
				GEN_NSTREAMS, c->next_tsn, c->ip, a->ipv6, NULL, 0);
		pkt_emit(g, &p);
		gen_advance(g, 100000, 900000);
		pkt_start(g, &p, ai, 1, c->my_vtag);
		sctp_chunk_init(&p.b, SF_SCTP_INIT_ACK, s->my_vtag, A_RWND, GEN_NSTREAMS,
				GEN_NSTREAMS, s->next_tsn, s->ip, a->ipv6, cookie, sizeof(cookie));
		pkt_emit(g, &p);
		gen_advance(g, 100000, 900000);
		pkt_start(g, &p, ai, 0, s->my_vtag);
		sctp_chunk_cookie_echo(&p.b, cookie, sizeof(cookie));
		pkt_emit(g, &p);
		gen_advance(g, 100000, 900000);
		pkt_start(g, &p, ai, 1, c->my_vtag);
		sctp_chunk_simple(&p.b, SF_SCTP_COOKIE_ACK);
		pkt_emit(g, &p);

		/* RFC 4666 §4.3.4: ASP Up / ASP Up Ack, ASP Active / Ack on stream 0 */
		static const uint8_t steps[4][3] = {
			{ 0, SF_M3UA_CLASS_ASPSM, SF_M3UA_ASPSM_ASPUP },
			{ 1, SF_M3UA_CLASS_ASPSM, SF_M3UA_ASPSM_ASPUP_ACK },
			{ 0, SF_M3UA_CLASS_ASPTM, SF_M3UA_ASPTM_ASPAC },
			{ 1, SF_M3UA_CLASS_ASPTM, SF_M3UA_ASPTM_ASPAC_ACK },
		};
		for (int i = 0; i < 4; i++) {
			int tm = steps[i][1] == SF_M3UA_CLASS_ASPTM;

			gen_advance(g, 200000, 2000000);
			gb_init(&b, m, sizeof(m));
			/* traffic mode 2 = loadshare (§3.8.1) */
			m3ua_enc_mgmt(&b, steps[i][1], steps[i][2], tm ? rc : NULL, tm ? 2 : 0);
			assoc_queue(g, ai, steps[i][0], 0, m, b.len, NULL, 0);
			assoc_flush(g);
		}
		gen_advance(g, 1000000, 5000000);
	}
	assoc_idle(g);
}
