/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw-bench, DPDK side: the capture preloaded as mbufs (external buffers
 * pointing into the flat capture, so the data is read once from disk and
 * never copied), a net_ring port whose RX rings are refilled before each
 * run, and lcore loops that drive the real lcore code (dp_process_burst,
 * dp_worker_sync_gen, dp_reload, RCU) exactly as dataplane/dp/dp_main.c
 * does, with TSC stamps around each burst. Issue 7. */
#define _GNU_SOURCE	/* CPU_SET, pthread_setaffinity_np */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "bench.h"
#include "decode/l2l3.h"
#include "dp.h"
#include "sf_bytes.h"
#include "sf_wire.h"

/* dp_main.c defines it for the application; the library's signal
 * handlers and worker entry read it. */
struct dp_ctx *dp_global;

static struct {
	const struct bench_capture *cap;
	struct rte_mempool *pool, *dummy_pool;
	struct rte_mbuf **mbufs;
	struct rte_mbuf_ext_shared_info *shinfo;
	struct rte_ring *rx[BENCH_MAX_LCORES], *tx[BENCH_MAX_LCORES];
	struct rte_ring *inbox[BENCH_MAX_LCORES];
	uint16_t port;
	unsigned nq;
	uint32_t *part_of;		/* lcore of each frame for the current run */
	unsigned part_n;		/* the lcore count part_of was computed for */
	struct rte_rcu_qsbr *qs;
	int eal_up;
} B;

static struct dp_ctx ctx_s;

uint64_t bench_tsc(void)
{
	return rte_rdtsc();
}

uint64_t bench_tsc_hz(void)
{
	return rte_get_tsc_hz();
}

static void ext_free_noop(void *addr, void *opaque)
{
	(void)addr;
	(void)opaque;
}

int bench_dp_init(const struct bench_capture *cap, unsigned lcores, char *err, size_t errlen)
{
	char *argv[16], lc[256], mem[32], prefix[64];
	int argc = 0;
	size_t off;
	unsigned ring_sz = rte_align32pow2((uint32_t)cap->n + 1);
	unsigned mb;
	struct rte_ring *rx[BENCH_MAX_LCORES], *tx[BENCH_MAX_LCORES];
	struct rte_eth_conf conf;
	int r;

	if (lcores < 1)
		lcores = 1;
	if (lcores > BENCH_MAX_LCORES)
		lcores = BENCH_MAX_LCORES;
	/* mbufs (header + private area + pool overhead), rings, slack */
	mb = (unsigned)((cap->n * 320ull + 2ull * lcores * ring_sz * 8ull) >> 20) + 256;
	snprintf(mem, sizeof(mem), "-m%u", mb);
	snprintf(prefix, sizeof(prefix), "--file-prefix=smsfw-bench-%d", (int)getpid());
	off = (size_t)snprintf(lc, sizeof(lc), "--lcores=");
	for (unsigned i = 0; i < lcores && off < sizeof(lc) - 16; i++)
		off += (size_t)snprintf(lc + off, sizeof(lc) - off, "%s%u@%u", i ? "," : "", i, i);
	argv[argc++] = "smsfw-bench";
	argv[argc++] = "--no-huge";
	argv[argc++] = "--no-pci";
	argv[argc++] = "--no-shconf";
	argv[argc++] = prefix;
	argv[argc++] = "--log-level=lib.eal:error";
	argv[argc++] = "--log-level=pmd.net.ring:error";
	argv[argc++] = mem;
	argv[argc++] = lc;
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0) {
		snprintf(err, errlen, "EAL initialisation failed: %s", rte_strerror(rte_errno));
		return -1;
	}
	B.eal_up = 1;
	B.cap = cap;
	B.nq = lcores;
	B.pool = rte_pktmbuf_pool_create("bench_mbufs", (unsigned)cap->n, 0,
					 RTE_ALIGN(sizeof(struct dp_mbuf_priv), RTE_MBUF_PRIV_ALIGN),
					 0, rte_socket_id());
	B.mbufs = calloc(cap->n, sizeof(*B.mbufs));
	B.shinfo = calloc(cap->n, sizeof(*B.shinfo));
	B.part_of = calloc(cap->n, sizeof(*B.part_of));
	if (!B.pool || !B.mbufs || !B.shinfo || !B.part_of) {
		snprintf(err, errlen, "cannot allocate %zu mbufs: %s", cap->n, rte_strerror(rte_errno));
		return -1;
	}
	for (size_t i = 0; i < cap->n; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(B.pool);
		struct dp_mbuf_priv *pv;

		if (!m || cap->len[i] > UINT16_MAX) {
			snprintf(err, errlen, "frame %zu: cannot make an mbuf", i + 1);
			return -1;
		}
		B.shinfo[i].free_cb = ext_free_noop;
		B.shinfo[i].fcb_opaque = NULL;
		rte_mbuf_ext_refcnt_set(&B.shinfo[i], 1);
		rte_pktmbuf_attach_extbuf(m, cap->data + cap->off[i], RTE_BAD_IOVA,
					  (uint16_t)cap->len[i], &B.shinfo[i]);
		m->data_off = 0;
		m->data_len = (uint16_t)cap->len[i];
		m->pkt_len = cap->len[i];
		pv = rte_mbuf_to_priv(m);
		pv->frame = i + 1;
		pv->ts_ns = cap->ts_ns[i];
		pv->in_port = 0;
		pv->l3_done = 0;
		pv->l3.sctp_csum_good = 0;	/* no NIC: the CRC32c in software, as measured */
		B.mbufs[i] = m;
	}
	for (unsigned q = 0; q < lcores; q++) {
		char name[32];

		snprintf(name, sizeof(name), "bench_rx%u", q);
		rx[q] = B.rx[q] = rte_ring_create(name, ring_sz, rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "bench_tx%u", q);
		tx[q] = B.tx[q] = rte_ring_create(name, ring_sz, rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "bench_in%u", q);
		B.inbox[q] = rte_ring_create_elem(name, sizeof(struct sf_fact), 16384, rte_socket_id(), RING_F_SC_DEQ);
		if (!B.rx[q] || !B.tx[q] || !B.inbox[q]) {
			snprintf(err, errlen, "cannot create rings: %s", rte_strerror(rte_errno));
			return -1;
		}
	}
	r = rte_eth_from_rings("net_ring_bench", rx, lcores, tx, lcores, rte_socket_id());
	if (r < 0) {
		snprintf(err, errlen, "net_ring port: %s", rte_strerror(rte_errno));
		return -1;
	}
	B.port = (uint16_t)r;
	memset(&conf, 0, sizeof(conf));
	r = rte_eth_dev_configure(B.port, (uint16_t)lcores, (uint16_t)lcores, &conf);
	/* the ring PMD ignores the pool, ethdev wants one with a data room */
	B.dummy_pool = rte_pktmbuf_pool_create("bench_dummy", 63, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (!B.dummy_pool)
		r = -ENOMEM;
	for (unsigned q = 0; !r && q < lcores; q++)
		r = rte_eth_rx_queue_setup(B.port, (uint16_t)q, 1024, rte_socket_id(), NULL, B.dummy_pool);
	for (unsigned q = 0; !r && q < lcores; q++)
		r = rte_eth_tx_queue_setup(B.port, (uint16_t)q, 1024, rte_socket_id(), NULL);
	if (!r)
		r = rte_eth_dev_start(B.port);
	if (r) {
		snprintf(err, errlen, "net_ring port setup: %s", rte_strerror(-r));
		return -1;
	}
	B.qs = rte_zmalloc("bench_qsbr", rte_rcu_qsbr_get_memsize(BENCH_MAX_LCORES), RTE_CACHE_LINE_SIZE);
	if (!B.qs) {
		snprintf(err, errlen, "cannot allocate RCU state");
		return -1;
	}
	return 0;
}

void bench_dp_fini(void)
{
	if (!B.eal_up)
		return;
	rte_eth_dev_stop(B.port);
	rte_eth_dev_close(B.port);
	for (size_t i = 0; B.mbufs && i < B.cap->n; i++) {
		if (B.mbufs[i]) {
			rte_mbuf_refcnt_set(B.mbufs[i], 1);
			rte_pktmbuf_free(B.mbufs[i]);
		}
	}
	for (unsigned q = 0; q < B.nq; q++) {
		rte_ring_free(B.rx[q]);
		rte_ring_free(B.tx[q]);
		rte_ring_free(B.inbox[q]);
	}
	rte_mempool_free(B.pool);
	rte_mempool_free(B.dummy_pool);
	rte_free(B.qs);
	free(B.mbufs);
	free(B.shinfo);
	free(B.part_of);
	rte_eal_cleanup();
	B.eal_up = 0;
}

/* ---- one run ---- */

struct burst_rec {
	uint32_t ns;		/* RX to done */
	uint16_t packets, parts, scans;
};

/* Texts the worker scanned so far (what its caches did not answer):
 * single parts missed, concatenated parts streamed and not answered. */
static uint64_t worker_scans(const struct sf_worker *eng)
{
	struct sf_scan_cache_stats cs;

	sf_worker_scan_cache_stats(eng, &cs);
	return cs.single.lookups - cs.single.hits + cs.concat_streamed - cs.concat_hits;
}

struct lc_state {
	struct dp_worker *w;
	unsigned q, rcu_id;
	uint64_t expected;
	/* capture time of this lcore's next packet (UINT64_MAX when done),
	 * read by the other lcores' causal gate */
	volatile uint64_t next_ts __rte_cache_aligned;
	uint64_t tsc_end, processed, gate_waits;
	/* full runs: each burst's time and work (burst_summary) */
	struct burst_rec *trace;
	size_t n_trace, cap_trace;
	uint64_t last_parts, last_scans;
	uint64_t hist[BENCH_HIST_BUCKETS];
	uint64_t windows[BENCH_WINDOWS];
	/* full runs: the TX callback's clock (tx_latency) */
	uint64_t t_rx, tsc_hz;
	uint64_t txhist[BENCH_HIST_BUCKETS];
	const struct rte_eth_rxtx_callback *txcb;
} __rte_cache_aligned;

static struct {
	const struct bench_run_cfg *rc;
	struct lc_state *lc;
	unsigned n;
	volatile int go;
	uint64_t tsc_start, win_tsc, ns_div;
} R;

static void drain_inbox(struct dp_worker *w)
{
	struct sf_fact facts[16];
	unsigned n;

	if (!w->inbox)
		return;
	while ((n = rte_ring_sc_dequeue_burst_elem(w->inbox, facts, sizeof(facts[0]), 16, NULL)) > 0)
		for (unsigned i = 0; i < n; i++)
			sf_worker_apply_fact(w->eng, &facts[i]);
}

static inline uint64_t pkt_ts(struct rte_mbuf *m)
{
	return ((struct dp_mbuf_priv *)rte_mbuf_to_priv(m))->ts_ns;
}

/* Full runs, called by rte_eth_tx_burst on the lcore that sends: each
 * packet's own RX→TX time, from its burst's RX to the TX call that hands
 * it to the port. */
static uint16_t tx_latency(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t nb, void *arg)
{
	struct lc_state *s = arg;
	uint64_t lat = (rte_rdtsc() - s->t_rx) * 1000000000ull / s->tsc_hz / BENCH_HIST_NS;

	(void)port;
	(void)queue;
	(void)pkts;
	s->txhist[lat < BENCH_HIST_BUCKETS ? lat : BENCH_HIST_BUCKETS - 1] += nb;
	return nb;
}

static int lcore_loop(void *arg)
{
	struct lc_state *s = arg;
	const struct bench_run_cfg *rc = R.rc;
	struct dp_ctx *ctx = &ctx_s;
	struct dp_worker *w = s->w;
	struct rte_mbuf *pend[512];
	unsigned np = 0, pp = 0;
	unsigned burst = rc->burst;
	uint64_t t_rx = 0, tsc_hz = rte_get_tsc_hz();
	uint64_t guard = ctx->cfg.replay_guard_ns;
	int full = rc->mode == BENCH_FULL;

	if (full) {
		rte_rcu_qsbr_thread_register(ctx->qs, s->rcu_id);
		rte_rcu_qsbr_thread_online(ctx->qs, s->rcu_id);
	}
	while (!R.go)
		rte_pause();
	while (s->processed < s->expected) {
		unsigned k;
		uint64_t t_done, lat;

		if (pp == np) {
			np = rte_eth_rx_burst(B.port, (uint16_t)s->q, pend, (uint16_t)burst);
			pp = 0;
			t_rx = rte_rdtsc();
			s->t_rx = t_rx;
			if (!np)
				break;	/* preloaded: an empty ring means the partition is done */
			for (unsigned i = 0; i < np; i++)
				((struct dp_mbuf_priv *)rte_mbuf_to_priv(pend[i]))->in_port = 0;
		}
		if (!full) {
			uint16_t sent = rte_eth_tx_burst(B.port, w->txq, pend, (uint16_t)np);

			w->st.rx += np;
			w->st.tx += sent;
			w->st.tx_fail += np - sent;
			k = np;
		} else {
			k = np;
			if (rc->causal_gate && R.n > 1) {
				uint64_t lim = UINT64_MAX;

				__atomic_store_n(&s->next_ts, pkt_ts(pend[pp]), __ATOMIC_RELEASE);
				for (unsigned j = 0; j < R.n; j++) {
					uint64_t t;

					if (&R.lc[j] == s)
						continue;
					t = __atomic_load_n(&R.lc[j].next_ts, __ATOMIC_ACQUIRE);
					if (t != UINT64_MAX && t + guard < lim)
						lim = t + guard;
				}
				for (k = pp; k < np && pkt_ts(pend[k]) <= lim; k++)
					;
				if (k == pp) {
					s->gate_waits++;
					rte_pause();
					continue;
				}
			}
			dp_worker_sync_gen(ctx, w, s->rcu_id);
			drain_inbox(w);
			w->st.rx += k - pp;
			dp_process_burst(ctx, w, pend + pp, k - pp);
			__atomic_store_n(&w->processed, w->processed + (k - pp), __ATOMIC_RELEASE);
			rte_rcu_qsbr_quiescent(ctx->qs, s->rcu_id);
		}
		t_done = rte_rdtsc();
		lat = (t_done - t_rx) * 1000000000ull / tsc_hz / BENCH_HIST_NS;
		s->hist[lat < BENCH_HIST_BUCKETS ? lat : BENCH_HIST_BUCKETS - 1] += k - pp;
		if (full && s->n_trace < s->cap_trace) {
			/* read after the clock: not part of the burst's time */
			uint64_t parts = sf_worker_stats(w->eng)->parts, scans = worker_scans(w->eng);
			struct burst_rec *b = &s->trace[s->n_trace++];
			uint64_t ns = (t_done - t_rx) * 1000000000ull / tsc_hz;

			b->ns = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
			b->packets = (uint16_t)(k - pp);
			b->parts = (uint16_t)(parts - s->last_parts > UINT16_MAX ? UINT16_MAX : parts - s->last_parts);
			b->scans = (uint16_t)(scans - s->last_scans > UINT16_MAX ? UINT16_MAX : scans - s->last_scans);
			s->last_parts = parts;
			s->last_scans = scans;
		}
		{
			uint64_t wi = (t_done - R.tsc_start) / R.win_tsc;

			if (wi < BENCH_WINDOWS)
				s->windows[wi] += k - pp;
		}
		s->processed += k - pp;
		pp = k;
		if (pp == np && s->processed >= s->expected)
			break;
	}
	__atomic_store_n(&s->next_ts, UINT64_MAX, __ATOMIC_RELEASE);
	__atomic_store_n(&s->tsc_end, rte_rdtsc(), __ATOMIC_RELEASE);
	if (full) {
		rte_rcu_qsbr_thread_offline(ctx->qs, s->rcu_id);
		rte_rcu_qsbr_thread_unregister(ctx->qs, s->rcu_id);
	}
	return 0;
}

struct reload_state {
	struct bench_run *out;
	volatile int quit;
	unsigned ms;
};

static void *reload_main(void *arg)
{
	struct reload_state *rs = arg;
	struct dp_ctx *ctx = &ctx_s;
	char err[512];
	uint64_t hz = rte_get_tsc_hz();

	for (unsigned k = 0;; k++) {
		uint64_t t0, t1;

		/* the first swap right away (short runs), then every interval */
		for (unsigned waited = 0; k && waited < rs->ms && !rs->quit; waited += 5)
			usleep(5000);
		if (rs->quit)
			break;
		t0 = rte_rdtsc();
		if (dp_reload(ctx, err, sizeof(err))) {
			rs->out->reloads_failed++;
			fprintf(stderr, "smsfw-bench: reload refused: %s\n", err);
			continue;
		}
		t1 = rte_rdtsc();
		if (__atomic_load_n(&R.lc[0].tsc_end, __ATOMIC_ACQUIRE))
			break;	/* the run ended before every lcore adopted it: not under load */
		if (rs->out->reloads_ok < 64)
			rs->out->reload_at_ms[rs->out->reloads_ok] = (double)(t0 - R.tsc_start) * 1000.0 / (double)hz;
		rs->out->reloads_ok++;
		if ((double)(t1 - t0) * 1000.0 / (double)hz > rs->out->reload_load_ms_max)
			rs->out->reload_load_ms_max = (double)(t1 - t0) * 1000.0 / (double)hz;
	}
	return NULL;
}

static void refill(unsigned n)
{
	const struct bench_capture *cap = B.cap;

	if (B.part_n != n) {
		for (size_t i = 0; i < cap->n; i++)
			B.part_of[i] = n > 1 ? sf_flow_hash(cap->data + cap->off[i], cap->len[i], SF_DLT_EN10MB) % n : 0;
		B.part_n = n;
	}
	for (unsigned q = 0; q < B.nq; q++) {
		rte_ring_reset(B.rx[q]);
		rte_ring_reset(B.tx[q]);
		rte_ring_reset(B.inbox[q]);
	}
	for (size_t i = 0; i < cap->n; i++) {
		/* a second reference: an mbuf freed by mistake is never
		 * returned to the pool, and the run shows it as tx < rx */
		rte_mbuf_refcnt_set(B.mbufs[i], 2);
		rte_ring_sp_enqueue(B.rx[B.part_of[i]], B.mbufs[i]);
	}
}

/* A value and its weight (a burst's packets). */
struct wv {
	double v, w;
};

static int wv_by_v(const void *a, const void *b)
{
	const struct wv *x = a, *y = b;

	return (x->v > y->v) - (x->v < y->v);
}

/* The weighted 0.99 quantile of x[0..n) (sorted here); 0 when empty. */
static double wv_p99(struct wv *x, size_t n)
{
	double total = 0, acc = 0;

	qsort(x, n, sizeof(*x), wv_by_v);
	for (size_t j = 0; j < n; j++)
		total += x[j].w;
	for (size_t j = 0; j < n; j++) {
		acc += x[j].w;
		if (acc >= 0.99 * total)
			return x[j].v;
	}
	return 0;
}

/* Least squares without intercept: ns ~ c0·packets + c1·parts + c2·scans
 * (normal equations, Gaussian elimination); the fit's R² and the p99 of
 * its residuals, weighted by packets, into out. */
static void burst_fit(const struct burst_rec *b, size_t n, struct bench_run *out)
{
	double a[3][4] = { { 0 } }, c[3], mean = 0, sst = 0, sse = 0;
	struct wv *res;

	for (size_t j = 0; j < n; j++) {
		double x[3] = { b[j].packets, b[j].parts, b[j].scans }, y = b[j].ns;

		for (int r = 0; r < 3; r++) {
			for (int k = 0; k < 3; k++)
				a[r][k] += x[r] * x[k];
			a[r][3] += x[r] * y;
		}
		mean += y;
	}
	mean /= (double)n;
	for (int p = 0; p < 3; p++) {
		int best = p;

		for (int r = p + 1; r < 3; r++)
			if (fabs(a[r][p]) > fabs(a[best][p]))
				best = r;
		for (int k = 0; k < 4; k++) {
			double t = a[p][k];

			a[p][k] = a[best][k];
			a[best][k] = t;
		}
		if (fabs(a[p][p]) < 1e-9)
			return;	/* a column without variation (e.g. no scans at all) */
		for (int r = p + 1; r < 3; r++) {
			double f = a[r][p] / a[p][p];

			for (int k = p; k < 4; k++)
				a[r][k] -= f * a[p][k];
		}
	}
	for (int p = 2; p >= 0; p--) {
		c[p] = a[p][3];
		for (int k = p + 1; k < 3; k++)
			c[p] -= a[p][k] * c[k];
		c[p] /= a[p][p];
	}
	res = malloc(n * sizeof(*res));
	if (!res)
		return;
	for (size_t j = 0; j < n; j++) {
		double y = b[j].ns, f = c[0] * b[j].packets + c[1] * b[j].parts + c[2] * b[j].scans;

		sst += (y - mean) * (y - mean);
		sse += (y - f) * (y - f);
		res[j].v = (y - f) / 1000.0;
		res[j].w = b[j].packets;
	}
	out->fit_resid_p99 = wv_p99(res, n);
	free(res);
	out->fit_us_pkt = c[0] / 1000.0;
	out->fit_us_part = c[1] / 1000.0;
	out->fit_us_scan = c[2] / 1000.0;
	out->fit_r2 = sst > 0 ? 1.0 - sse / sst : 0;
}

static int burst_by_ns(const void *a, const void *b)
{
	const struct burst_rec *x = a, *y = b;

	return (x->ns > y->ns) - (x->ns < y->ns);
}

/* The bursts of every lcore: their mean work, the work of the bursts
 * holding the slowest 1 % of packets, and the latency of packets in
 * bursts that scanned no text (what the p99 would be without scans). */
static void burst_summary(struct bench_run *out)
{
	size_t n = 0, k = 0, n_noscan = 0;
	uint64_t pk = 0, pk_noscan = 0, acc, sum_sc = 0, sum_pa = 0, tail_sc = 0, tail_pa = 0, tail_n = 0;
	struct burst_rec *all;
	struct wv *noscan;

	for (unsigned i = 0; i < R.n; i++)
		n += R.lc[i].n_trace;
	if (!n || !(all = malloc(n * sizeof(*all))))
		return;
	if (!(noscan = malloc(n * sizeof(*noscan)))) {
		free(all);
		return;
	}
	for (unsigned i = 0; i < R.n; i++) {
		memcpy(all + k, R.lc[i].trace, R.lc[i].n_trace * sizeof(*all));
		k += R.lc[i].n_trace;
	}
	burst_fit(all, n, out);
	qsort(all, n, sizeof(*all), burst_by_ns);
	for (size_t j = 0; j < n; j++) {
		pk += all[j].packets;
		sum_sc += all[j].scans;
		sum_pa += all[j].parts;
		if (!all[j].scans) {
			pk_noscan += all[j].packets;
			noscan[n_noscan].v = all[j].ns / 1000.0;
			noscan[n_noscan++].w = all[j].packets;
		}
	}
	/* from the slowest down, until 1 % of the packets */
	acc = 0;
	for (size_t j = n; j-- > 0 && acc * 100 < pk;) {
		acc += all[j].packets;
		tail_sc += all[j].scans;
		tail_pa += all[j].parts;
		tail_n++;
	}
	out->bursts = n;
	out->burst_scans_mean = (double)sum_sc / (double)n;
	out->burst_parts_mean = (double)sum_pa / (double)n;
	out->tail_scans_mean = tail_n ? (double)tail_sc / (double)tail_n : 0;
	out->tail_parts_mean = tail_n ? (double)tail_pa / (double)tail_n : 0;
	out->noscan_pkt_share = pk ? (double)pk_noscan / (double)pk : 0;
	out->bursts_noscan = n_noscan;
	out->noscan_lat_p99 = wv_p99(noscan, n_noscan);
	free(noscan);
	free(all);
}

/* The log writer on the CPUs that no lcore of this run uses, as smsfw's
 * runs on the CPUs its lcores leave (DPDK gives a control thread the
 * CPUs of no lcore, or, when the bench has claimed every CPU as an lcore,
 * the main lcore's: the writer would then take the worker's time). */
static void place_writer(unsigned n_lcores)
{
	cpu_set_t cs;
	unsigned lc, i = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	CPU_ZERO(&cs);
	for (long c = 0; c < ncpu && c < CPU_SETSIZE; c++)
		CPU_SET((int)c, &cs);
	RTE_LCORE_FOREACH(lc) {
		if (i++ >= n_lcores)
			break;
		CPU_CLR((int)rte_lcore_to_cpu_id((int)lc), &cs);
	}
	if (CPU_COUNT(&cs))
		pthread_setaffinity_np(dp_log_writer(), sizeof(cs), &cs);
}

int bench_dp_run(const struct bench_run_cfg *rc, struct bench_run *out, char *err, size_t errlen)
{
	struct dp_ctx *ctx = &ctx_s;
	struct sf_engine_config ec;
	struct reload_state rs;
	pthread_t rt;
	unsigned n = rc->lcores ? rc->lcores : 1, lc, i;
	uint64_t hz = rte_get_tsc_hz(), end = 0, tx_in_rings = 0;
	int rc_ok = 0, reload_started = 0, log_started = 0;

	if (n > B.nq) {
		snprintf(err, errlen, "%u lcores asked, %u set up", n, B.nq);
		return -1;
	}
	memset(out, 0, sizeof(*out));
	memset(ctx, 0, sizeof(*ctx));
	dp_global = ctx;
	dp_config_defaults(&ctx->cfg);
	if (rc->config && dp_config_load(&ctx->cfg, rc->config, err, errlen) < 0)
		return -1;
	ctx->cfg.mode = DP_MODE_OFFLINE;
	if (rc->mode == BENCH_FULL && rc->log_dir) {
		/* the outputs as configured, into log_dir, whole: rotation
		 * and retention leave nothing out of the measure */
		snprintf(ctx->cfg.out_dir, sizeof(ctx->cfg.out_dir), "%s", rc->log_dir);
		ctx->cfg.rotate_bytes = UINT64_MAX / 2;
		ctx->cfg.retain_days = 0;
		ctx->log_backpressure = 1;
	} else {
		ctx->cfg.verdicts[0] = ctx->cfg.events[0] = ctx->cfg.pcapng[0] = 0;
	}
	ctx->cfg.burst = rc->burst;
	if (rc->bundle)
		snprintf(ctx->cfg.bundle, sizeof(ctx->cfg.bundle), "%s", rc->bundle);
	ctx->linktype = SF_DLT_EN10MB;
	ctx->n_ports = 1;
	ctx->port_ids[0] = B.port;
	ctx->port_ntxq[0] = (uint16_t)B.nq;
	ctx->n_ports_set = 1;
	ctx->pool = B.pool;
	ctx->n_workers = n > 1 ? n : 0;
	ctx->n_threads = n;
	ctx->qs = B.qs;
	if (rte_rcu_qsbr_init(ctx->qs, n)) {
		snprintf(err, errlen, "RCU init failed");
		return -1;
	}
	refill(n);

	R.lc = rte_zmalloc("bench_lc", n * sizeof(*R.lc), RTE_CACHE_LINE_SIZE);
	if (!R.lc) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	R.rc = rc;
	R.n = n;
	R.go = 0;
	R.win_tsc = hz / 100;	/* 10 ms windows */
	out->window_ms = 10.0;

	if (rc->mode == BENCH_FULL) {
		ctx->gen = sf_gen_load(ctx->cfg.bundle, NULL, &ctx->cfg.policy, 0, err, errlen);
		if (!ctx->gen)
			goto fail;
		ctx->gen->version = ctx->gen_version = 1;
	}
	ec.pipe = ctx->cfg.pipe;
	ec.concat_max = ctx->cfg.concat_max;
	ec.scan_cache = ctx->cfg.scan_cache;
	ec.concat_timeout_ns = ctx->cfg.concat_timeout_ns;
	ec.policy_shared = NULL;
	if (rc->mode == BENCH_FULL) {
		ctx->pshared = policy_shared_create(&ctx->gen->policy, err, errlen);
		if (!ctx->pshared)
			goto fail;
		ec.policy_shared = ctx->pshared;
	}
	if (rc->mode == BENCH_FULL && rc->log_dir) {
		if (dp_log_start(ctx, err, errlen))
			goto fail;
		log_started = 1;
		place_writer(n);
	}
	for (i = 0; i < n; i++) {
		struct dp_worker *w = n > 1 ? &ctx->workers[i] : &ctx->main_w;

		w->index = i;
		w->txq = (uint16_t)i;
		w->inbox = n > 1 ? B.inbox[i] : NULL;
		if (rc->mode == BENCH_FULL) {
			w->eng = sf_worker_create(&ec, ctx->gen, err, errlen);
			if (!w->eng)
				goto fail;
			w->gen = ctx->gen;
			w->gen_version = ctx->gen->version;
		}
		R.lc[i].w = w;
		R.lc[i].q = i;
		R.lc[i].rcu_id = i;
		R.lc[i].expected = rte_ring_count(B.rx[i]);
		if (rc->mode == BENCH_FULL) {
			R.lc[i].tsc_hz = rte_get_tsc_hz();
			R.lc[i].txcb = rte_eth_add_tx_callback(B.port, w->txq, tx_latency, &R.lc[i]);
			if (!R.lc[i].txcb) {
				snprintf(err, errlen, "TX callback: %s", rte_strerror(rte_errno));
				goto fail;
			}
			/* a burst holds one packet at least */
			R.lc[i].cap_trace = R.lc[i].expected + 1;
			R.lc[i].trace = malloc(R.lc[i].cap_trace * sizeof(*R.lc[i].trace));
			if (!R.lc[i].trace)
				R.lc[i].cap_trace = 0;
		}
	}
	/* the first packet of each partition, for the gate's first look */
	for (i = 0; i < n; i++)
		R.lc[i].next_ts = UINT64_MAX;
	for (size_t f = B.cap->n; f-- > 0;)
		R.lc[B.part_of[f]].next_ts = B.cap->ts_ns[f];

	i = 1;
	RTE_LCORE_FOREACH_WORKER(lc) {
		if (i >= n)
			break;
		rte_eal_remote_launch(lcore_loop, &R.lc[i], lc);
		i++;
	}
	R.tsc_start = rte_rdtsc();
	if (rc->mode == BENCH_FULL && rc->reload_ms) {
		memset(&rs, 0, sizeof(rs));
		rs.out = out;
		rs.ms = rc->reload_ms;
		if (pthread_create(&rt, NULL, reload_main, &rs) == 0)
			reload_started = 1;
	}
	R.go = 1;
	lcore_loop(&R.lc[0]);
	rte_eal_mp_wait_lcore();
	if (reload_started) {
		ctx->rx_done = 1;
		ctx->stop = 1;
		rs.quit = 1;
		pthread_join(rt, NULL);
	}
	for (i = 0; i < n; i++) {
		struct dp_worker *w = R.lc[i].w;

		if (R.lc[i].tsc_end > end)
			end = R.lc[i].tsc_end;
		out->rx += w->st.rx;
		out->tx += w->st.tx;
		out->tx_fail += w->st.tx_fail;
		out->dropped += w->st.dropped;
		out->facts_lost += w->facts_lost;
		out->gate_waits += R.lc[i].gate_waits;
		/* full runs time each packet at its TX call; the others, and the
		 * full runs' burst times, by burst */
		{
			const uint64_t *lat = rc->mode == BENCH_FULL ? R.lc[i].txhist : R.lc[i].hist;
			uint64_t *burst = rc->mode == BENCH_FULL ? out->burst_hist : NULL;

			for (unsigned b = 0; b < BENCH_HIST_BUCKETS; b++) {
				out->hist[b] += lat[b];
				if (burst)
					burst[b] += R.lc[i].hist[b];
			}
		}
		for (unsigned b = 0; b < BENCH_WINDOWS; b++)
			out->windows[b] += R.lc[i].windows[b];
		if (w->eng) {
			const struct sf_worker_stats *ws = sf_worker_stats(w->eng);
			const struct sf_pipeline_stats *ps = sf_worker_pipeline_stats(w->eng);
			struct sf_scan_cache_stats cs;

			out->parts += ws->parts;
			for (unsigned v = 0; v < 3; v++)
				out->verdicts[v] += ws->verdicts[v];
			for (unsigned c = 0; c < SF_CLASS__COUNT && c < 16; c++)
				out->by_class[c] += ws->by_class[c];
			out->retrans_cached += ws->retrans_cached;
			sf_worker_scan_cache_stats(w->eng, &cs);
			out->cache_lookups += cs.single.lookups;
			out->cache_hits += cs.single.hits;
			out->cache_replaced += cs.single.replaced;
			out->cache_bytes += cs.single.bytes;
			out->concat_streamed += cs.concat_streamed;
			out->concat_cache_hits += cs.concat_hits;
			out->scan_errors += ws->scan_errors;
			out->facts_sent += ws->facts_sent;
			out->facts_applied += ws->facts_applied;
			out->assoc_evictions += ps->assoc_evictions;
			out->dialogue_evictions += ps->dialogue_evictions;
		}
		tx_in_rings += rte_ring_count(B.tx[i]);
	}
	out->secs = (double)(end - R.tsc_start) / (double)hz;
	out->n_windows = (unsigned)((end - R.tsc_start) / R.win_tsc) + 1;
	if (out->n_windows > BENCH_WINDOWS)
		out->n_windows = BENCH_WINDOWS;
	out->lcores = n;
	out->lc_secs_min = out->secs;
	for (i = 0; i < n; i++) {
		double share = out->rx ? (double)R.lc[i].processed / (double)out->rx : 0;
		double secs = (double)(R.lc[i].tsc_end - R.tsc_start) / (double)hz;

		if (share > out->part_max_share) {
			out->part_max_share = share;
			out->part_max_parts_share = R.lc[i].w->eng && out->parts ?
				(double)sf_worker_stats(R.lc[i].w->eng)->parts / (double)out->parts : 0;
		}
		if (secs < out->lc_secs_min)
			out->lc_secs_min = secs;
		if (secs > out->lc_secs_max)
			out->lc_secs_max = secs;
	}
	out->tx_batch = ctx->cfg.tx_batch;
	out->tsc_hz = hz;
	if (rc->mode == BENCH_FULL)
		burst_summary(out);
	if (tx_in_rings != out->tx) {
		snprintf(err, errlen, "%llu packets counted as sent, %llu in the TX rings",
			 (unsigned long long)out->tx, (unsigned long long)tx_in_rings);
		goto fail;
	}
	rc_ok = 1;
fail:
	if (log_started) {
		/* the records still queued are written before it returns */
		dp_log_stop(ctx);
	}
	rte_mempool_free(ctx->log_pool);
	rte_ring_free(ctx->log_ring);
	ctx->log_pool = NULL;
	ctx->log_ring = NULL;
	for (i = 0; i < n; i++) {
		struct dp_worker *w = n > 1 ? &ctx->workers[i] : &ctx->main_w;

		sf_worker_destroy(w->eng);
		w->eng = NULL;
	}
	policy_shared_free(ctx->pshared);
	ctx->pshared = NULL;
	sf_gen_free(ctx->gen);
	sf_gen_free(ctx->gen_prev);
	ctx->gen = ctx->gen_prev = NULL;
	for (i = 0; i < n; i++) {
		free(R.lc[i].trace);
		/* every lcore has returned: no callback is in flight */
		if (R.lc[i].txcb && rte_eth_remove_tx_callback(B.port, (uint16_t)i, R.lc[i].txcb) == 0)
			rte_free((void *)(uintptr_t)R.lc[i].txcb);
	}
	rte_free(R.lc);
	R.lc = NULL;
	dp_global = NULL;
	return rc_ok ? 0 : -1;
}

int bench_config_policy(const char *path, struct policy_config *out, char *err, size_t errlen)
{
	struct dp_config *dc = calloc(1, sizeof(*dc));
	int rc = -1;

	if (!dc) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	dp_config_defaults(dc);
	if (dp_config_load(dc, path, err, errlen) == 0) {
		*out = dc->policy;
		rc = 0;
	}
	free(dc);
	return rc;
}
