/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw: the SMS filtering dataplane. Offline (replay a capture through the
 * real DPDK path with net_pcap), tap (monitor ports) or inline (bridge
 * port pairs). The main lcore receives; with worker lcores it hashes each
 * SCTP association (both directions) to one worker through a ring, so
 * per-association state needs no locks; with none it runs to completion. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ring_elem.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "dp.h"
#include "dp_lists_store.h"
#include "dp_idle.h"
#include "dp_redis.h"
#include "sf_file.h"
#include "sf_wire.h"

struct dp_ctx *dp_global;
static int ts_dynfield = -1;
static uint64_t ts_dynflag;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smsfw [options] [-- EAL options]\n"
		"       smsfw --offline CAPTURE [--config FILE] [--out DIR] [options]\n"
		"Filters SMS on SIGTRAN links. See dataplane/CONFIG.md for the configuration.\n"
		"  --offline CAPTURE   replay a pcap/pcapng through the DPDK path and exit with a summary\n"
		"  --config FILE       INI configuration (rte_cfgfile)\n"
		"  --out DIR           output directory (verdicts.jsonl, events.jsonl, flagged.pcapng)\n"
		"  --bundle FILE       rule bundle (smsfw-rulec compile)\n"
		"  --lists FILE        block/allow/shield lists\n"
		"  --workers N         worker lcores (0: run to completion on one lcore)\n"
		"  --no-rules          run without a rule bundle (lists and policy only); without\n"
		"                      it, smsfw refuses to start when it finds no bundle\n"
		"  --set SEC.KEY=VAL   set any configuration key (repeatable)\n"
		"  --forward FILE      offline: write the forwarded packets to a pcap\n"
		"  --log-level LEVEL   DPDK's own log level (EAL --log-level, e.g. info or lib.eal:debug);\n"
		"                      without it DPDK logs errors only\n"
		"  -h, --help          this text\n"
		"Without hugepages or NICs, smsfw passes --no-huge --no-pci --no-shconf -m <memory_mb> to the EAL.\n");
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The starter bundle when the configuration names none: the build tree's
 * for a binary of that build tree, else the installed one. Left empty when
 * it is not there (start-up then refuses, unless --no-rules). */
static void default_bundle(char *out, size_t len)
{
	char exe[PATH_MAX], cand[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t bl = strlen(SMSFW_BUILD_ROOT);

	exe[n > 0 ? n : 0] = 0;
	if (n > 0 && !strncmp(exe, SMSFW_BUILD_ROOT, bl) && exe[bl] == '/')
		snprintf(cand, sizeof(cand), "%s/rules/smsfw.bundle", SMSFW_BUILD_ROOT);
	else
		snprintf(cand, sizeof(cand), "%s/smsfw.bundle", SMSFW_DATA_DIR);
	if (access(cand, R_OK) == 0 && strlen(cand) < len)
		snprintf(out, len, "%s", cand);
}

/* Every configured port must have become an ethdev; for one that did not,
 * name it, its interface and why (DPDK only says "vdev_probe() failed"). */
static int check_ports(struct dp_ctx *ctx, char *err, size_t errlen)
{
	for (unsigned i = 0; i < ctx->cfg.n_ports; i++) {
		const char *spec = ctx->cfg.port[i], *iface;
		char name[RTE_ETH_NAME_MAX_LEN], ifn[IF_NAMESIZE + 1];
		size_t nl = strcspn(spec, ",");
		uint16_t pid;

		if (!spec[0])
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)nl, spec);
		if (rte_eth_dev_get_port_by_name(name, &pid) == 0)
			continue;
		iface = strstr(spec, "iface=");
		if (!iface) {
			snprintf(err, errlen, "port%u (%s) cannot be opened: the DPDK driver refused it "
				 "(its message is above)", i, spec);
			return -1;
		}
		iface += 6;
		snprintf(ifn, sizeof(ifn), "%.*s", (int)strcspn(iface, ","), iface);
		if (if_nametoindex(ifn) == 0)
			snprintf(err, errlen, "port%u (%s) cannot be opened: interface %s: %s "
				 "(in this network namespace)", i, spec, ifn, strerror(errno));
		else if (geteuid() != 0)
			snprintf(err, errlen, "port%u (%s) cannot be opened: interface %s exists, but raw "
				 "packet access needs root or CAP_NET_RAW", i, spec, ifn);
		else
			snprintf(err, errlen, "port%u (%s) cannot be opened: interface %s exists, but the "
				 "DPDK driver refused it (its message is above)", i, spec, ifn);
		return -1;
	}
	return 0;
}

static uint64_t count_packets(const char *path, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p = pcap_open_offline(path, ebuf);
	uint64_t n = 0;

	if (!p) {
		snprintf(err, errlen, "%s", ebuf);
		return UINT64_MAX;
	}
	while (pcap_next_ex(p, &h, &d) == 1)
		n++;
	pcap_close(p);
	return n;
}

/* Remove the files of the EAL runtime directory, then the directory. */
static void remove_runtime_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char p[PATH_MAX + 256];

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static int port_setup(struct dp_ctx *ctx, uint16_t port, uint16_t ntx, char *err, size_t errlen)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	int r;

	memset(&conf, 0, sizeof(conf));
	r = rte_eth_dev_info_get(port, &info);
	if (r) {
		snprintf(err, errlen, "port %u: %s", port, strerror(-r));
		return -1;
	}
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TIMESTAMP)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TIMESTAMP;
	/* a NIC that checks SCTP's CRC32c on receive (i40e, ice, ...) spares
	 * every packet the software checksum; the mbuf then says whether it
	 * held (flow.nic_checksum) */
	if (ctx->cfg.nic_checksum && ctx->cfg.pipe.verify_checksum &&
	    (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCTP_CKSUM)) {
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCTP_CKSUM;
		ctx->port_sctp_csum[ctx->n_ports_set] = 1;
		dp_msg(DP_MSG_INFO, "port %u: SCTP checksums verified by the NIC", port);
	}
	if (ntx > info.max_tx_queues)
		ntx = info.max_tx_queues;
	ctx->port_ntxq[ctx->n_ports_set++] = ntx;
	r = rte_eth_dev_configure(port, 1, ntx, &conf);
	if (!r)
		r = rte_eth_rx_queue_setup(port, 0, 1024, rte_eth_dev_socket_id(port), NULL, ctx->pool);
	for (uint16_t q = 0; !r && q < ntx; q++)
		r = rte_eth_tx_queue_setup(port, q, 1024, rte_eth_dev_socket_id(port), NULL);
	if (!r)
		r = rte_eth_dev_start(port);
	if (!r && ctx->cfg.mode != DP_MODE_OFFLINE)
		rte_eth_promiscuous_enable(port);
	if (r) {
		char pname[RTE_ETH_NAME_MAX_LEN] = "";

		rte_eth_dev_get_name_by_port(port, pname);
		snprintf(err, errlen, "port %u (%s) cannot be started: %s", port, pname, strerror(r < 0 ? -r : r));
		return -1;
	}
	return 0;
}

/* Packet time for everything that counts time (TSN and reassembly
 * timeouts, dialogues, rate and SMS-bombing windows, quiet hours, shield
 * and IMSI lifetimes). Offline: the capture's time (net_pcap gives it in
 * microseconds). Live: the wall clock at the receive burst, as UTC
 * nanoseconds, read from CLOCK_MONOTONIC since start added to
 * CLOCK_REALTIME at start, so a clock step never moves it backwards.
 * A live PMD's own timestamp is not used: af_packet gives none, and
 * NICs' units and epochs differ. */
static uint64_t mbuf_ts(struct rte_mbuf *m)
{
	if (ts_dynfield >= 0 && (m->ol_flags & ts_dynflag))
		/* net_pcap stores the capture time in microseconds */
		return *RTE_MBUF_DYNFIELD(m, ts_dynfield, rte_mbuf_timestamp_t *) * 1000ull;
	return 0;
}

/* Offline with workers: hold a packet back while a worker still has a
 * packet older than it by more than the guard, so that what one worker
 * learns (an SRI-SM result, a shield) reaches the others before a later
 * packet that depends on it — as on a live link, where they are
 * milliseconds apart. Then N workers give the verdicts one gives. */
static void causal_gate(struct dp_ctx *ctx, uint64_t ts)
{
	uint64_t guard = ctx->cfg.replay_guard_ns;

	for (unsigned i = 0; i < ctx->n_workers; i++) {
		struct dp_worker *w = &ctx->workers[i];

		for (;;) {
			uint64_t done = __atomic_load_n(&w->processed, __ATOMIC_ACQUIRE);

			if (done >= w->dispatched ||
			    w->disp_ts[done & (DP_RING_SIZE - 1)] + guard >= ts)
				break;
			rte_pause();
		}
	}
}

/* The worker of an SCTP packet or IP fragment: by the address pair of its
 * association. An INIT / INIT-ACK, or an ASCONF / ASCONF-ACK (checksum
 * verified: they are rare), teaches the alternate paths of a multi-homed
 * association, so a packet on any of them meets the others on one worker
 * (sctp_paths.h); the worker's pipeline learns the same from the same
 * packets. */
static uint32_t rx_assoc_hash(const struct dp_ctx *ctx, const struct l2l3_view *v, uint64_t now_ns)
{
	const uint8_t *a, *b;

	if (v->l4_proto != SF_IPPROTO_SCTP)
		return 0;
	if (!v->is_fragment && sctp_paths_wanted(v->l4.p, v->l4.len) &&
	    sctp_checksum_ok(v->l4.p, v->l4.len))
		sctp_paths_learn(ctx->rx_paths, v->src, v->dst, v->l4.p, v->l4.len, now_ns);
	sctp_paths_map(ctx->rx_paths, v->src, v->dst, &a, &b, now_ns);
	return sf_flow_hash_pair(a, b);
}

/* Alternate paths the distributor holds: never expired, so an
 * association never moves between workers; the least recently used is
 * evicted when full (64 B each: 4 MiB). */
#define DP_RX_PATHS 65536

/* The NIC's word on an SCTP packet's CRC32c, on a port where the offload
 * is on: good only when it parsed the frame as SCTP over IP, not
 * tunnelled and not a fragment (then the CRC32c it checked is the one the
 * pipeline would check), and said the L4 checksum holds. Anything else
 * (unknown, bad, not SCTP to it) is checked in software as before. */
static int nic_sctp_csum_good(const struct rte_mbuf *m)
{
	return (m->packet_type & (RTE_PTYPE_L4_MASK | RTE_PTYPE_TUNNEL_MASK)) == RTE_PTYPE_L4_SCTP &&
	       (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD;
}

/* The distributor's frame buffer for a multi-segment mbuf (rare: jumbo
 * frames), as the workers have theirs. */
static __thread uint8_t rx_flat[DP_PKT_MAX];

/* Which worker a packet goes to: its L2/L3 decoded once, here, into the
 * mbuf's private area, where the worker's pipeline starts from them
 * (rx_assoc_hash: the association's IP address pair, so every packet,
 * path and IP fragment of an association meet on one worker). */
static uint32_t rx_flow_hash(const struct dp_ctx *ctx, struct rte_mbuf *m)
{
	struct dp_mbuf_priv *pv = rte_mbuf_to_priv(m);
	struct l2l3_view v;
	uint32_t len = rte_pktmbuf_pkt_len(m);
	const uint8_t *p;

	if (len > DP_PKT_MAX)
		len = DP_PKT_MAX;
	if (m->nb_segs == 1) {
		p = rte_pktmbuf_mtod(m, const uint8_t *);
		pv->l3.err = l2l3_decode(p, len, ctx->linktype, &pv->l3.v);
		pv->l3_len = len;
		pv->l3_done = 1;
		return pv->l3.err ? 0 : rx_assoc_hash(ctx, &pv->l3.v, pv->ts_ns);
	}
	p = rte_pktmbuf_read(m, 0, len, rx_flat);
	if (!p || l2l3_decode(p, len, ctx->linktype, &v))
		return 0;
	return rx_assoc_hash(ctx, &v, pv->ts_ns);
}

/* The main lcore: receive, stamp, and process or distribute. */
/* flow.paths_state: the multi-homed associations (their set-up and
 * ASCONFs) a restart would otherwise forget, since their INITs are long
 * past (sctp_paths.h). Read and checked at start: the distributor takes it
 * at once, each worker at its first packet. A missing file is the first
 * start; a damaged one is named and left aside, and the run goes on
 * without it. */
static void paths_state_load(struct dp_ctx *ctx)
{
	char err[256];
	size_t len;
	uint8_t *b;

	if (!ctx->cfg.paths_state[0])
		return;
	b = sf_file_read(ctx->cfg.paths_state, 64u << 20, &len, err, sizeof(err));
	if (!b) {
		if (access(ctx->cfg.paths_state, F_OK) == 0)
			dp_msg(DP_MSG_WARN, "path state %s: %s (starting without it)", ctx->cfg.paths_state, err);
		return;
	}
	/* the distributor's table takes it (without workers: checked only) */
	if (sctp_paths_import(ctx->rx_paths, b, len, 0, err, sizeof(err))) {
		dp_msg(DP_MSG_WARN, "path state %s: %s (starting without it)", ctx->cfg.paths_state, err);
		free(b);
		return;
	}
	dp_msg(DP_MSG_INFO, "path state %s: %u association(s) of the last run", ctx->cfg.paths_state,
	       (unsigned)sf_rd32(b + 12));
	ctx->paths_blob = b;
	ctx->paths_blob_len = len;
}

/* At exit: the distributor's table (every association), or the one
 * worker's, written beside the file and renamed over it. */
static void paths_state_save(struct dp_ctx *ctx)
{
	struct sctp_paths *t = ctx->rx_paths ? ctx->rx_paths
			       : sf_pipeline_paths(sf_worker_pipeline(ctx->main_w.eng));
	char tmp[DP_PATH_MAX + 8];
	size_t need;
	uint8_t *b;
	FILE *f;
	int ok;

	if (!ctx->cfg.paths_state[0] || !t)
		return;
	if (!ctx->rx_paths && ctx->paths_blob && !ctx->main_w.paths_loaded)
		dp_worker_paths_load(ctx, &ctx->main_w, 0);	/* a run without a packet keeps what it read */
	need = sctp_paths_export(t, NULL, 0);
	b = malloc(need);
	if (!b) {
		dp_msg(DP_MSG_ERR, "path state: out of memory (%zu bytes); not saved", need);
		return;
	}
	sctp_paths_export(t, b, need);
	snprintf(tmp, sizeof(tmp), "%s.tmp", ctx->cfg.paths_state);
	f = fopen(tmp, "wb");
	ok = f && fwrite(b, 1, need, f) == need && fflush(f) == 0 && fsync(fileno(f)) == 0;
	if (f && fclose(f))
		ok = 0;
	if (ok && rename(tmp, ctx->cfg.paths_state) == 0)
		dp_msg(DP_MSG_INFO, "path state %s: %u association(s) saved", ctx->cfg.paths_state,
		       (unsigned)sf_rd32(b + 12));
	else
		dp_msg(DP_MSG_ERR, "path state %s: %s; not saved", ctx->cfg.paths_state, strerror(errno));
	free(b);
}

static void rx_loop(struct dp_ctx *ctx)
{
	struct rte_mbuf *pkts[512];
	uint64_t frame = 0;
	unsigned burst = ctx->cfg.burst;
	struct dp_worker *w0 = &ctx->main_w;
	uint64_t idle_tsc = 0;

	struct dp_idle idle;

	struct timespec rt;
	uint64_t wall_base, mono_base;
	int live = ctx->cfg.mode != DP_MODE_OFFLINE;

	clock_gettime(CLOCK_REALTIME, &rt);
	mono_base = now_ns();
	wall_base = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec;
	dp_idle_init(&idle, ctx->cfg.mode == DP_MODE_OFFLINE ? 0 : ctx->cfg.idle_sleep_max_us);
	if (ctx->n_workers == 0) {
		rte_rcu_qsbr_thread_register(ctx->qs, 0);
		rte_rcu_qsbr_thread_online(ctx->qs, 0);
	}
	while (!ctx->stop) {
		int got = 0;

		if (ctx->n_workers == 0)
			dp_worker_sync_gen(ctx, w0, 0);
		for (uint16_t pi = 0; pi < ctx->n_ports; pi++) {
			uint16_t n = rte_eth_rx_burst(ctx->port_ids[pi], 0, pkts, (uint16_t)burst);

			if (!n)
				continue;
			got = 1;
			ctx->main_st.rx += n;
			{
				uint64_t t = live ? wall_base + (now_ns() - mono_base) : 0;

				for (uint16_t i = 0; i < n; i++) {
					struct dp_mbuf_priv *pv = rte_mbuf_to_priv(pkts[i]);

					pv->frame = ++frame;
					pv->ts_ns = live ? t : mbuf_ts(pkts[i]);
					pv->in_port = pi;
					pv->l3_done = 0;
					pv->l3.sctp_csum_good = ctx->port_sctp_csum[pi] &&
								nic_sctp_csum_good(pkts[i]);
				}
			}
			if (ctx->n_workers == 0) {
				w0->st.rx += n;
				dp_process_burst(ctx, w0, pkts, n);
				continue;
			}
			for (uint16_t i = 0; i < n; i++) {
				struct rte_mbuf *m = pkts[i];
				struct dp_worker *w = &ctx->workers[rx_flow_hash(ctx, m) % ctx->n_workers];

				if (ctx->cfg.mode == DP_MODE_OFFLINE) {
					struct dp_mbuf_priv *pv = rte_mbuf_to_priv(m);

					causal_gate(ctx, pv->ts_ns);
					/* the ring holds fewer than DP_RING_SIZE, so this slot is free */
					while (w->dispatched - __atomic_load_n(&w->processed, __ATOMIC_ACQUIRE) >= DP_RING_SIZE - 1)
						rte_pause();
					w->disp_ts[w->dispatched & (DP_RING_SIZE - 1)] = pv->ts_ns;
				}
				while (rte_ring_sp_enqueue(w->ring, m) != 0) {
					if (ctx->cfg.mode != DP_MODE_OFFLINE) {
						/* never hold live traffic: pass it unfiltered */
						int peer = ctx->cfg.mode == DP_MODE_INLINE ? ctx->cfg.peer[pi] : -1;

						ctx->main_st.bypass++;
						if (peer < 0 || rte_eth_tx_burst(ctx->port_ids[peer], (uint16_t)ctx->n_workers, &m, 1) != 1)
							rte_pktmbuf_free(m);
						break;
					}
					ctx->main_st.ring_full++;
					rte_pause();
				}
				w->dispatched++;
			}
		}
		if (ctx->n_workers == 0)
			rte_rcu_qsbr_quiescent(ctx->qs, 0);
		if (ctx->cfg.mode == DP_MODE_OFFLINE && ctx->main_st.rx >= ctx->offline_total)
			break;
		if (got) {
			dp_idle_busy(&idle);
		} else {
			if (ctx->n_workers == 0)
				dp_worker_idle(ctx, w0, &idle_tsc);
			dp_idle_empty(&idle);
		}
	}
	ctx->rx_done = 1;
	if (ctx->n_workers == 0) {
		rte_rcu_qsbr_thread_offline(ctx->qs, 0);
		rte_rcu_qsbr_thread_unregister(ctx->qs, 0);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "offline", required_argument, NULL, 'o' },
		{ "config", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'O' },
		{ "bundle", required_argument, NULL, 'b' },
		{ "lists", required_argument, NULL, 'l' },
		{ "workers", required_argument, NULL, 'w' },
		{ "set", required_argument, NULL, 's' },
		{ "forward", required_argument, NULL, 'f' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "no-rules", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct dp_ctx ctx_s;
	struct dp_ctx *ctx = &ctx_s;
	const char *offline = NULL, *config = NULL, *forward = NULL, *log_level = NULL;
	char *sets[64];
	unsigned n_sets = 0;
	char err[1024];
	char *eal_argv[64];
	char eal_buf[16][DP_PATH_MAX + 64];
	int eal_argc = 0, c, rc = 0, no_rules = 0;
	unsigned nb = 0;
	struct sf_engine_config ec;

	dp_config_defaults(&ctx->cfg);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': offline = optarg; break;
		case 'c': config = optarg; break;
		case 'f': forward = optarg; break;
		case 'L': log_level = optarg; break;
		case 'N': no_rules = 1; break;
		case 's':
			if (n_sets < 64)
				sets[n_sets++] = optarg;
			break;
		case 'O': case 'b': case 'l': case 'w':
			if (n_sets < 64) {
				static char buf[4][DP_PATH_MAX + 32];
				const char *key = c == 'O' ? "output.dir" : c == 'b' ? "rules.bundle" :
						  c == 'l' ? "rules.lists" : "dataplane.workers";
				int slot = c == 'O' ? 0 : c == 'b' ? 1 : c == 'l' ? 2 : 3;

				snprintf(buf[slot], sizeof(buf[slot]), "%s=%s", key, optarg);
				sets[n_sets++] = buf[slot];
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (config && dp_config_load(&ctx->cfg, config, err, sizeof(err))) {
		dp_msg(DP_MSG_ERR, "%s", err);
		return 1;
	}
	for (unsigned i = 0; i < n_sets; i++) {
		char sec[64], *dot = strchr(sets[i], '.'), *eq = strchr(sets[i], '=');

		if (!dot || !eq || dot > eq || (size_t)(dot - sets[i]) >= sizeof(sec)) {
			dp_msg(DP_MSG_ERR, "--set %s: expected SECTION.KEY=VALUE", sets[i]);
			return 1;
		}
		memcpy(sec, sets[i], (size_t)(dot - sets[i]));
		sec[dot - sets[i]] = 0;
		*eq = 0;
		if (dp_config_set(&ctx->cfg, sec, dot + 1, eq + 1, "--set", i + 1, err, sizeof(err))) {
			dp_msg(DP_MSG_ERR, "%s", err);
			return 1;
		}
		*eq = '=';
	}
	if (offline)
		ctx->cfg.mode = DP_MODE_OFFLINE;
	if (ctx->cfg.mode == DP_MODE_OFFLINE && !offline) {
		dp_msg(DP_MSG_ERR, "offline mode needs --offline CAPTURE (or set dataplane.mode)");
		return 1;
	}
	/* a replay's output is a capture file, which net_pcap flushes at
	 * every TX call (a write(2) each), and where a packet's latency means
	 * nothing: a burst goes out whole */
	if (ctx->cfg.mode == DP_MODE_OFFLINE)
		ctx->cfg.tx_batch = 512;
	if (!ctx->cfg.bundle[0] && !no_rules)
		default_bundle(ctx->cfg.bundle, sizeof(ctx->cfg.bundle));
	if (dp_config_check(&ctx->cfg, err, sizeof(err))) {
		dp_msg(DP_MSG_ERR, "%s", err);
		return 1;
	}
	/* one canonical number form for everything (validated by the parser);
	 * set before any lcore runs, read-only after; a reload keeps it */
	policy_numbering_set(ctx->cfg.policy.country_code, ctx->cfg.policy.national_prefix);
	policy_config_renumber(&ctx->cfg.policy);
	if (ctx->cfg.workers > DP_MAX_WORKERS - 1)
		ctx->cfg.workers = DP_MAX_WORKERS - 1;

	/* EAL arguments for a machine without hugepages or NICs */
	eal_argv[eal_argc++] = argv[0];
	eal_argv[eal_argc++] = "--no-huge";
	eal_argv[eal_argc++] = "--no-pci";
	eal_argv[eal_argc++] = "--no-shconf";
	/* a prefix of our own, so that several instances (tests) can run */
	snprintf(eal_buf[nb], sizeof(eal_buf[nb]), "--file-prefix=smsfw-%d", (int)getpid());
	eal_argv[eal_argc++] = eal_buf[nb++];
	if (log_level) {
		snprintf(eal_buf[nb], sizeof(eal_buf[nb]), "--log-level=%s", log_level);
		eal_argv[eal_argc++] = eal_buf[nb++];
	} else {
		/* DPDK's start-up chatter (EAL, "TELEMETRY: No legacy callbacks")
		 * only when asked for */
		eal_argv[eal_argc++] = "--log-level=lib.eal:error";
		eal_argv[eal_argc++] = "--log-level=lib.telemetry:error";
	}
	snprintf(eal_buf[nb], sizeof(eal_buf[nb]), "-m%u", ctx->cfg.memory_mb);
	eal_argv[eal_argc++] = eal_buf[nb++];
	{
		/* lcores 0..workers, spread over the CPUs we may run on: a test
		 * or a small machine may ask for more workers than it has cores */
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		size_t off = (size_t)snprintf(eal_buf[nb], sizeof(eal_buf[nb]), "--lcores=");

		if (ncpu < 1)
			ncpu = 1;
		for (unsigned i = 0; i <= ctx->cfg.workers && off < sizeof(eal_buf[nb]) - 16; i++)
			off += (size_t)snprintf(eal_buf[nb] + off, sizeof(eal_buf[nb]) - off, "%s%u@%ld",
						i ? "," : "", i, (long)(i % (unsigned long)ncpu));
		eal_argv[eal_argc++] = eal_buf[nb++];
	}
	if (offline) {
		if (access(offline, R_OK)) {
			dp_msg(DP_MSG_ERR, "%s: %s", offline, strerror(errno));
			return 1;
		}
		ctx->offline_total = count_packets(offline, err, sizeof(err));
		if (ctx->offline_total == UINT64_MAX) {
			dp_msg(DP_MSG_ERR, "%s: %s", offline, err);
			return 1;
		}
		if (forward && ctx->cfg.workers) {
			dp_msg(DP_MSG_ERR, "--forward needs workers = 0, so that frames keep capture order");
			return 1;
		}
		/* net_pcap has one TX queue per tx_pcap: one per lcore */
		eal_argv[eal_argc++] = "--vdev";
		{
			size_t off = (size_t)snprintf(eal_buf[nb], sizeof(eal_buf[nb]), "net_pcap0,rx_pcap=%s", offline);

			for (unsigned i = 0; i <= ctx->cfg.workers && off < sizeof(eal_buf[nb]) - 32; i++)
				off += (size_t)snprintf(eal_buf[nb] + off, sizeof(eal_buf[nb]) - off, ",tx_pcap=%s",
							forward ? forward : "/dev/null");
		}
		eal_argv[eal_argc++] = eal_buf[nb++];
	} else {
		for (unsigned i = 0; i < ctx->cfg.n_ports && nb < 16; i++) {
			if (!ctx->cfg.port[i][0])
				continue;
			eal_argv[eal_argc++] = "--vdev";
			snprintf(eal_buf[nb], sizeof(eal_buf[nb]), "%s", ctx->cfg.port[i]);
			eal_argv[eal_argc++] = eal_buf[nb++];
		}
	}
	if (ctx->cfg.eal_args[0]) {
		char *save, *tok = strtok_r(ctx->cfg.eal_args, " ", &save);

		while (tok && eal_argc < 60) {
			eal_argv[eal_argc++] = tok;
			tok = strtok_r(NULL, " ", &save);
		}
	}
	for (int i = optind; i < argc && eal_argc < 63; i++)
		eal_argv[eal_argc++] = argv[i];
	eal_argv[eal_argc] = NULL;
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		dp_msg(DP_MSG_ERR, "EAL initialisation failed: %s", rte_strerror(rte_errno));
		return 1;
	}
	dp_lists_store_init();	/* lists and shields in rte_hash from here on */
	dp_global = ctx;
	ctx->linktype = SF_DLT_EN10MB;
	ctx->log_backpressure = ctx->cfg.mode == DP_MODE_OFFLINE;
	ctx->n_workers = ctx->cfg.workers;
	if (rte_lcore_count() < ctx->n_workers + 1) {
		dp_msg(DP_MSG_ERR, "%u worker lcores asked, %u lcores available",
			ctx->n_workers, rte_lcore_count());
		rc = 1;
		goto out_eal;
	}
	if (ctx->n_workers && !(ctx->rx_paths = sctp_paths_create(DP_RX_PATHS))) {
		dp_msg(DP_MSG_ERR, "out of memory for the distributor's path table");
		rc = 1;
		goto out_eal;
	}
	ts_dynfield = rte_mbuf_dynfield_lookup(RTE_MBUF_DYNFIELD_TIMESTAMP_NAME, NULL);
	if (ts_dynfield >= 0) {
		int bit = rte_mbuf_dynflag_lookup(RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME, NULL);

		ts_dynflag = bit >= 0 ? 1ull << bit : 0;
	}
	ctx->pool = rte_pktmbuf_pool_create("smsfw_mbufs", ctx->cfg.mbufs, 256,
					    RTE_ALIGN(sizeof(struct dp_mbuf_priv), RTE_MBUF_PRIV_ALIGN),
					    RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (!ctx->pool) {
		dp_msg(DP_MSG_ERR, "cannot create the mbuf pool: %s", rte_strerror(rte_errno));
		rc = 1;
		goto out_eal;
	}
	{
		uint16_t pid;

		RTE_ETH_FOREACH_DEV(pid) {
			if (ctx->n_ports >= DP_MAX_PORTS)
				break;
			ctx->port_ids[ctx->n_ports++] = pid;
		}
	}
	if (!offline && check_ports(ctx, err, sizeof(err))) {
		dp_msg(DP_MSG_ERR, "%s", err);
		rc = 1;
		goto out_eal;
	}
	if (ctx->n_ports == 0) {
		dp_msg(DP_MSG_ERR, "no ports");
		rc = 1;
		goto out_eal;
	}
	for (uint16_t i = 0; i < ctx->n_ports; i++)
		if (port_setup(ctx, ctx->port_ids[i], (uint16_t)(ctx->n_workers + 1), err, sizeof(err))) {
			dp_msg(DP_MSG_ERR, "%s", err);
			rc = 1;
			goto out_eal;
		}
	/* ts dynfield is registered by the PMD when the offload is configured */
	ts_dynfield = rte_mbuf_dynfield_lookup(RTE_MBUF_DYNFIELD_TIMESTAMP_NAME, NULL);
	if (ts_dynfield >= 0) {
		int bit = rte_mbuf_dynflag_lookup(RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME, NULL);

		ts_dynflag = bit >= 0 ? 1ull << bit : 0;
	}

	/* the control plane first: its committed lists generation and rule
	 * bundle, when it has them, replace the files in the first generation */
	if (dp_redis_start(ctx, 2000, err, sizeof(err))) {
		dp_msg(DP_MSG_ERR, "%s", err);
		rc = 1;
		goto out_eal;
	}
	/* the first generation: a bad bundle or list stops start-up */
	{
		struct sf_gen_source src;

		dp_redis_source(ctx, &ctx->cfg, &src);
		if (!no_rules && !src.bundle && !(src.bundle_path && src.bundle_path[0])) {
			/* content rules are most of what smsfw blocks: never run
			 * without them by mistake */
			dp_redis_source_done(ctx, 0);
			dp_msg(DP_MSG_ERR, "no rule bundle: set rules.bundle in the configuration or pass "
			       "--bundle FILE (the starter bundle is %s/smsfw.bundle), or --no-rules to "
			       "filter with lists and policy only%s", SMSFW_DATA_DIR,
			       ctx->redis ? " (the control plane has published none either)" : "");
			rc = 1;
			goto out_eal;
		}
		ctx->gen = sf_gen_load_source(&src, &ctx->cfg.policy, ctx->cfg.fail_block, err, sizeof(err));
		dp_redis_source_done(ctx, ctx->gen != NULL);
	}
	if (!ctx->gen) {
		dp_msg(DP_MSG_ERR, "%s", err);
		rc = 1;
		goto out_eal;
	}
	ctx->gen->version = ctx->gen_version = 1;
	dp_redis_apply_changes(ctx);	/* the lists change log since the snapshot, before any lcore reads */
	ctx->n_threads = ctx->n_workers ? ctx->n_workers : 1;
	ctx->qs = rte_zmalloc("smsfw_qsbr", rte_rcu_qsbr_get_memsize(ctx->n_threads), RTE_CACHE_LINE_SIZE);
	if (!ctx->qs || rte_rcu_qsbr_init(ctx->qs, ctx->n_threads)) {
		dp_msg(DP_MSG_ERR, "cannot set up RCU");
		rc = 1;
		goto out_eal;
	}
	ec.pipe = ctx->cfg.pipe;
	ec.concat_max = ctx->cfg.concat_max;
	ec.scan_cache = ctx->cfg.scan_cache;
	ec.concat_timeout_ns = ctx->cfg.concat_timeout_ns;
	/* behaviour per recipient is shared, so verdicts do not depend on how
	 * associations are spread over workers; sized by the first config */
	ctx->pshared = policy_shared_create(&ctx->gen->policy, err, sizeof(err));
	if (!ctx->pshared) {
		fprintf(stderr, "smsfw: %s\n", err);
		rc = 1;
		goto out_eal;
	}
	ec.policy_shared = ctx->pshared;
	for (unsigned i = 0; i < (ctx->n_workers ? ctx->n_workers : 1); i++) {
		struct dp_worker *w = ctx->n_workers ? &ctx->workers[i] : &ctx->main_w;
		char name[32];

		w->index = i;
		w->txq = (uint16_t)i;
		w->eng = sf_worker_create(&ec, ctx->gen, err, sizeof(err));
		if (!w->eng) {
			dp_msg(DP_MSG_ERR, "worker %u: %s", i, err);
			rc = 1;
			goto out_eal;
		}
		w->gen = ctx->gen;
		w->gen_version = ctx->gen->version;
		if (ctx->n_workers) {
			snprintf(name, sizeof(name), "smsfw_w%u", i);
			w->ring = rte_ring_create(name, DP_RING_SIZE, rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
			snprintf(name, sizeof(name), "smsfw_in%u", i);
			w->inbox = rte_ring_create_elem(name, sizeof(struct sf_fact), 16384, rte_socket_id(), RING_F_SC_DEQ);
			w->disp_ts = rte_zmalloc("smsfw_dts", DP_RING_SIZE * sizeof(uint64_t), 0);
			if (!w->ring || !w->inbox || !w->disp_ts) {
				dp_msg(DP_MSG_ERR, "cannot create ring %s", name);
				rc = 1;
				goto out_eal;
			}
		}
	}
	paths_state_load(ctx);
	if (dp_log_start(ctx, err, sizeof(err))) {
		dp_msg(DP_MSG_ERR, "%s", err);
		rc = 1;
		goto out_eal;
	}
	dp_telemetry_register(ctx);
	dp_control_start(ctx);

	{
		unsigned lc, i = 0;

		RTE_LCORE_FOREACH_WORKER(lc) {
			if (i >= ctx->n_workers)
				break;
			ctx->workers[i].lcore = lc;
			rte_eal_remote_launch(dp_worker_main, &ctx->workers[i], lc);
			i++;
		}
	}
	ctx->run_start_ns = now_ns();
	rx_loop(ctx);
	if (ctx->n_workers == 0)
		dp_worker_finish(ctx, &ctx->main_w);
	rte_eal_mp_wait_lcore();
	ctx->run_end_ns = now_ns();
	paths_state_save(ctx);
	/* a reload still in flight (a control-plane generation that came at
	 * the end) must not wait for lcores that will never ack it */
	__atomic_store_n(&ctx->lcores_done, 1, __ATOMIC_RELEASE);
	dp_control_stop(ctx);
	dp_log_stop(ctx);
	dp_print_summary(ctx, stderr);
	/* delivers what the lcores queued; a replay waits for the whole
	 * drain (and says how many are left if Redis never takes them) */
	dp_redis_stop(ctx, ctx->cfg.mode == DP_MODE_OFFLINE ? 60000 : 3000);

	for (unsigned i = 0; i < (ctx->n_workers ? ctx->n_workers : 1); i++) {
		struct dp_worker *w = ctx->n_workers ? &ctx->workers[i] : &ctx->main_w;

		sf_worker_destroy(w->eng);
		rte_ring_free(w->ring);
		rte_ring_free(w->inbox);
		rte_free(w->disp_ts);
	}
	policy_shared_free(ctx->pshared);
	ctx->pshared = NULL;
	sf_gen_free(ctx->gen);
	sf_gen_free(ctx->gen_prev);
	for (uint16_t i = 0; i < ctx->n_ports; i++) {
		rte_eth_dev_stop(ctx->port_ids[i]);
		rte_eth_dev_close(ctx->port_ids[i]);
	}
out_eal:
	dp_redis_stop(ctx, 0);
	sctp_paths_destroy(ctx->rx_paths);
	ctx->rx_paths = NULL;
	free(ctx->paths_blob);
	ctx->paths_blob = NULL;
	{
		/* the EAL leaves its per-process runtime directory (telemetry
		 * socket, config) behind; ours has a per-pid prefix, so remove
		 * it or every run leaves one */
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
		rte_eal_cleanup();
		remove_runtime_dir(dir);
	}
	return rc;
}
