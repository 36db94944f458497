/* SPDX-License-Identifier: BSD-3-Clause */
/* The control thread: reloads (SIGHUP) build a new generation aside —
 * rule bundle, lists, policy thresholds from the config file — publish it
 * atomically, wait until every worker has adopted it and passed an RCU
 * quiescent state, then free the old one. A bad file is refused with its
 * reason and the old generation keeps running. Also: telemetry commands
 * and the exit summary. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_lcore.h>
#include <rte_rcu_qsbr.h>
#include <rte_telemetry.h>

#include "dp.h"
#include "dp_lists_store.h"
#include "dp_redis.h"

static pthread_t ctl_thread;
static volatile int ctl_quit;

static void on_sighup(int sig)
{
	(void)sig;
	if (dp_global)
		dp_global->reload_req = 1;
}

static void on_sigterm(int sig)
{
	(void)sig;
	if (dp_global)
		dp_global->stop = 1;
}

static int workers_acked(struct dp_ctx *ctx, uint64_t version)
{
	if (ctx->n_workers == 0)
		return __atomic_load_n(&ctx->main_w.gen_version, __ATOMIC_ACQUIRE) == version;
	for (unsigned i = 0; i < ctx->n_workers; i++)
		if (__atomic_load_n(&ctx->workers[i].gen_version, __ATOMIC_ACQUIRE) != version)
			return 0;
	return 1;
}

int dp_reload(struct dp_ctx *ctx, char *err, size_t errlen)
{
	struct dp_config cfg = ctx->cfg;
	struct sf_gen_source src;
	struct sf_gen *g, *old;
	uint64_t token;
	int keep_lists;

	/* thresholds may change with a reload; ports, lcores and outputs not */
	if (cfg.path[0]) {
		struct dp_config fresh;

		dp_config_defaults(&fresh);
		if (dp_config_load(&fresh, cfg.path, err, errlen) ||
		    dp_config_check(&fresh, err, errlen)) {
			ctx->reloads_failed++;
			return -1;
		}
		cfg.policy = fresh.policy;
		cfg.fail_block = fresh.fail_block;
		if (fresh.bundle[0])
			memcpy(cfg.bundle, fresh.bundle, sizeof(cfg.bundle));
		if (fresh.lists[0])
			memcpy(cfg.lists, fresh.lists, sizeof(cfg.lists));
	}
	/* the files, or what the control plane published instead (dp_redis.c) */
	dp_redis_source(ctx, &cfg, &src);
	keep_lists = dp_redis_keep_lists(ctx);
	g = sf_gen_load_source(&src, &cfg.policy, cfg.fail_block, err, errlen);
	dp_redis_source_done(ctx, g != NULL);
	if (!g) {
		ctx->reloads_failed++;
		return -1;
	}
	g->version = ++ctx->gen_version;
	old = ctx->gen;
	/* no new snapshot: the lists the change log keeps current move to
	 * the new generation (the lcores read the same object throughout) */
	if (keep_lists && old && !g->lists) {
		g->lists = old->lists;
		old->lists = NULL;
	}
	__atomic_store_n(&ctx->gen, g, __ATOMIC_RELEASE);
	/* wait for every worker to adopt g (bounded by the run ending: once
	 * the lcores have left their loops nobody adopts, and nobody reads) */
	while (!workers_acked(ctx, g->version) && !ctx->stop && !ctx->rx_done && !ctx->lcores_done)
		usleep(100);
	while (!workers_acked(ctx, g->version) && !ctx->stop && !ctx->lcores_done)
		usleep(100);
	token = rte_rcu_qsbr_start(ctx->qs);
	while (!ctx->stop && !ctx->lcores_done && !rte_rcu_qsbr_check(ctx->qs, token, false))
		usleep(100);
	if (!ctx->stop || ctx->lcores_done)
		sf_gen_free(old);	/* when stopping, the caller frees after the lcores end */
	else
		ctx->gen_prev = old;
	ctx->cfg.policy = cfg.policy;
	ctx->reloads_ok++;
	return 0;
}

/* Reloads can come many times a second (a busy control plane, a SIGHUP
 * loop): the first of a burst is logged as it happens, the rest are
 * counted and summed up in one line when DP_REPEAT_S pass without one, or
 * at exit. Refusals are always logged: each has its own reason. */
#define DP_REPEAT_S 10

struct repeat {
	const char *what;		/* "reloaded" */
	uint64_t held;			/* applied since the last line */
	uint64_t last_gen;
	long long last_lists;		/* lists generation, or -1 */
	time_t first_held;
	time_t last_line;
};

static void repeat_flush(struct repeat *r)
{
	if (!r->held)
		return;
	if (r->last_lists >= 0)
		dp_msg(DP_MSG_INFO, "%s %llu more time(s), generation %llu (lists generation %lld)",
		       r->what, (unsigned long long)r->held, (unsigned long long)r->last_gen, r->last_lists);
	else
		dp_msg(DP_MSG_INFO, "%s %llu more time(s), generation %llu",
		       r->what, (unsigned long long)r->held, (unsigned long long)r->last_gen);
	r->held = 0;
}

static void repeat_note(struct repeat *r, uint64_t gen, long long lists)
{
	time_t now = time(NULL);

	if (r->last_line && now - r->last_line < DP_REPEAT_S) {
		if (!r->held)
			r->first_held = now;
		r->held++;
		r->last_gen = gen;
		r->last_lists = lists;
		return;
	}
	repeat_flush(r);
	if (lists >= 0)
		dp_msg(DP_MSG_INFO, "%s, generation %llu (lists generation %lld)", r->what,
		       (unsigned long long)gen, lists);
	else
		dp_msg(DP_MSG_INFO, "%s, generation %llu", r->what, (unsigned long long)gen);
	r->last_line = now;
}

static void repeat_tick(struct repeat *r)
{
	time_t now = time(NULL);

	if (r->held && now - r->first_held >= DP_REPEAT_S) {
		repeat_flush(r);
		r->last_line = now;
	}
}

static void *ctl_main(void *arg)
{
	struct dp_ctx *ctx = arg;
	char err[512];
	struct repeat hup = { .what = "reloaded", .last_lists = -1 };
	struct repeat cp = { .what = "reloaded from the control plane" };

	while (!ctl_quit) {
		if (ctx->reload_req) {
			ctx->reload_req = 0;
			if (dp_reload(ctx, err, sizeof(err)))
				dp_msg(DP_MSG_WARN, "reload refused, the running rules and lists stay: %s", err);
			else
				repeat_note(&hup, ctx->gen_version, -1);
		}
		/* a lists generation or rule bundle from the control plane:
		 * the same build-aside/publish/RCU path as SIGHUP */
		if (dp_redis_update_pending(ctx)) {
			if (dp_reload(ctx, err, sizeof(err)))
				dp_msg(DP_MSG_WARN, "control plane update refused, the running rules and lists stay: %s",
				       err);
			else
				repeat_note(&cp, ctx->gen_version, dp_redis_lists_version(ctx));
		}
		/* the lists change log: entry by entry, in place, no rebuild */
		dp_redis_apply_changes(ctx);
		repeat_tick(&hup);
		repeat_tick(&cp);
		dp_redis_watch(ctx);
		usleep(1000);
	}
	repeat_flush(&hup);
	repeat_flush(&cp);
	return NULL;
}

int dp_control_start(struct dp_ctx *ctx)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sighup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_sigterm;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ctl_quit = 0;
	/* from now on the lcores read the lists while this thread changes them */
	dp_lists_store_set_qsbr(ctx->qs);
	return rte_ctrl_thread_create(&ctl_thread, "smsfw-ctl", NULL, ctl_main, ctx);
}

void dp_control_stop(struct dp_ctx *ctx)
{
	(void)ctx;
	ctl_quit = 1;
	pthread_join(ctl_thread, NULL);
}

/* Sum of the engine counters over all workers. */
/* dst += src, word by word, for counter structs made of uint64_t only. */
static void add_u64s(void *dst, const void *src, size_t bytes)
{
	const uint64_t *a = src;
	uint64_t *b = dst;

	for (size_t k = 0; k < bytes / 8; k++)
		b[k] += a[k];
}

static void sum_stats(struct dp_ctx *ctx, struct sf_worker_stats *ws,
		      struct sf_pipeline_stats *ps, struct dp_lcore_stats *ls)
{
	unsigned n = ctx->n_workers ? ctx->n_workers : 1;

	memset(ws, 0, sizeof(*ws));
	memset(ps, 0, sizeof(*ps));
	memset(ls, 0, sizeof(*ls));
	for (unsigned i = 0; i < n; i++) {
		struct dp_worker *w = ctx->n_workers ? &ctx->workers[i] : &ctx->main_w;

		add_u64s(ws, sf_worker_stats(w->eng), sizeof(*ws));
		add_u64s(ps, sf_worker_pipeline_stats(w->eng), sizeof(*ps));
		add_u64s(ls, &w->st, sizeof(*ls));
	}
}

/* The learned tables over every worker: the shared ones (senders, pairs,
 * recipients, IMSI) once, the per-worker shield overlays and concatenation
 * tables summed (the concatenation table's timeouts as "expired"). */
enum { DP_TABLES = 6 };
static const char *const dp_table_name[DP_TABLES] = { "senders", "pairs", "recipients", "imsi",
						      "shields", "concat" };

static void sum_tables(struct dp_ctx *ctx, struct policy_table_stats t[DP_TABLES])
{
	unsigned n = ctx->n_workers ? ctx->n_workers : 1;

	memset(t, 0, DP_TABLES * sizeof(t[0]));
	for (unsigned i = 0; i < n; i++) {
		struct dp_worker *w = ctx->n_workers ? &ctx->workers[i] : &ctx->main_w;
		struct policy_state_stats ps;
		struct scan_concat_stats cs;
		unsigned active;

		if (!__atomic_load_n(&w->eng, __ATOMIC_ACQUIRE))
			continue;
		sf_worker_table_stats(w->eng, &ps, &cs, &active);
		if (i == 0) {
			t[0] = ps.senders;
			t[1] = ps.pairs;
			t[2] = ps.recipients;
			t[3] = ps.imsi;
		}
		add_u64s(&t[4], &ps.shields, sizeof(ps.shields));
		t[5].used += active;
		t[5].capacity += ctx->cfg.concat_max;
		t[5].evictions += cs.evictions;
		t[5].expired += cs.timeouts;
	}
}

void dp_print_summary(struct dp_ctx *ctx, FILE *f)
{
	struct sf_worker_stats ws;
	struct sf_pipeline_stats ps;
	struct dp_lcore_stats ls;

	static const char *const slot_name[DP_PSLOT__COUNT] = {
#define DP_PS_X(id, n, name) [DP_PSLOT_##id] = name,
		POLICY_ID_LIST(DP_PS_X)
#undef DP_PS_X
		[DP_PSLOT_OTHER] = "other",
	};
	char prefix[96];
	double secs = ctx->run_end_ns > ctx->run_start_ns ?
		      (double)(ctx->run_end_ns - ctx->run_start_ns) / 1e9 : 0.0;

	sum_stats(ctx, &ws, &ps, &ls);
	dp_msg_prefix(DP_MSG_NOTICE, prefix, sizeof(prefix));
	fprintf(f, "%s%s mode, %u worker lcore(s), rules generation %llu (reloads %llu ok, %llu refused)\n",
		prefix, dp_mode_name(ctx->cfg.mode), ctx->n_workers,
		(unsigned long long)ctx->gen_version, (unsigned long long)ctx->reloads_ok,
		(unsigned long long)ctx->reloads_failed);
	fprintf(f, "  received           %llu, forwarded %llu, dropped %llu, tx failed %llu, bypassed (overload) %llu\n",
		(unsigned long long)(ctx->main_st.rx), (unsigned long long)ls.tx,
		(unsigned long long)ls.dropped, (unsigned long long)ls.tx_fail,
		(unsigned long long)ctx->main_st.bypass);
	sf_pipeline_stats_print(f, &ps);
	fprintf(f, "  verdicts           pass %llu, tag %llu, block %llu (scan errors %llu)\n",
		(unsigned long long)ws.verdicts[SF_VERDICT_PASS], (unsigned long long)ws.verdicts[SF_VERDICT_TAG],
		(unsigned long long)ws.verdicts[SF_VERDICT_BLOCK], (unsigned long long)ws.scan_errors);
	fprintf(f, "  elapsed            %.3f s, %.0f SMS parts/s, %.0f packets/s\n", secs,
		secs > 0 ? (double)ps.sms_parts / secs : 0.0,
		secs > 0 ? (double)ctx->main_st.rx / secs : 0.0);
	for (unsigned c = 1; c < SF_CLASS__COUNT; c++)
		if (ws.by_class[c])
			fprintf(f, "  flagged %-26s %llu\n", sf_class_name(c), (unsigned long long)ws.by_class[c]);
	/* every deciding check, so that blocks no content class names
	 * (shields, lists, spoofing, rates) are counted too */
	for (unsigned k = 0; k < DP_PSLOT__COUNT; k++) {
		const uint64_t *v = ls.by_policy[k];

		if (v[SF_VERDICT_PASS] + v[SF_VERDICT_TAG] + v[SF_VERDICT_BLOCK] == 0)
			continue;
		fprintf(f, "  policy %-27s pass %llu, tag %llu, block %llu\n", slot_name[k],
			(unsigned long long)v[SF_VERDICT_PASS], (unsigned long long)v[SF_VERDICT_TAG],
			(unsigned long long)v[SF_VERDICT_BLOCK]);
	}
	fprintf(f, "  events             reports %llu, shields %llu, unshields %llu\n",
		(unsigned long long)ws.reports, (unsigned long long)ws.shields,
		(unsigned long long)ws.unshields);
	{
		struct policy_table_stats t[DP_TABLES];

		/* learned state: bounded, and what it evicted or refused counted */
		sum_tables(ctx, t);
		for (unsigned k = 0; k < DP_TABLES; k++)
			fprintf(f, "  table %-28s used %llu of %llu, evicted %llu, expired %llu, refused %llu\n",
				dp_table_name[k], (unsigned long long)t[k].used,
				(unsigned long long)t[k].capacity, (unsigned long long)t[k].evictions,
				(unsigned long long)t[k].expired, (unsigned long long)t[k].refused);
	}
	{
		/* caches, not state: a replaced entry costs a scan, no verdict */
		struct sf_scan_cache_stats cs, sum;
		unsigned n = ctx->n_workers ? ctx->n_workers : 1;

		memset(&sum, 0, sizeof(sum));
		for (unsigned i = 0; i < n; i++) {
			struct dp_worker *w = ctx->n_workers ? &ctx->workers[i] : &ctx->main_w;

			if (!__atomic_load_n(&w->eng, __ATOMIC_ACQUIRE))
				continue;
			sf_worker_scan_cache_stats(w->eng, &cs);
			add_u64s(&sum, &cs, sizeof(sum));
		}
		if (sum.single.entries) {
			fprintf(f, "  scan cache         %llu of %llu single-part texts answered without a scan "
				"(%llu entries, %llu replaced)\n", (unsigned long long)sum.single.hits,
				(unsigned long long)sum.single.lookups, (unsigned long long)sum.single.entries,
				(unsigned long long)sum.single.replaced);
			fprintf(f, "  concat cache       %llu of %llu streamed parts answered without a scan "
				"(%llu replaced)\n", (unsigned long long)sum.concat_hits,
				(unsigned long long)sum.concat_streamed, (unsigned long long)sum.concat_replaced);
		}
	}
	if (ls.log_lost)
		fprintf(f, "  log records lost   %llu (log writer too slow)\n", (unsigned long long)ls.log_lost);
}

/* Heartbeat counters for the control plane (dpclient thread): the same
 * sums as the summary; names as in /smsfw/stats. */
size_t dp_control_counters(void *arg, struct sfdp_counter *out, size_t cap)
{
	static __thread char names[SF_CLASS__COUNT][40];
	struct sf_worker_stats ws;
	struct sf_pipeline_stats ps;
	struct dp_lcore_stats ls;
	struct dp_ctx *ctx = dp_global;
	size_t n = 0;

	(void)arg;
	if (!ctx)
		return 0;
	/* the client starts before the workers exist: no counters until all do */
	for (unsigned i = 0; i < (ctx->n_workers ? ctx->n_workers : 1); i++)
		if (!__atomic_load_n(ctx->n_workers ? &ctx->workers[i].eng : &ctx->main_w.eng, __ATOMIC_ACQUIRE))
			return 0;
	sum_stats(ctx, &ws, &ps, &ls);
#define C(nm, v) do { if (n < cap) { out[n].name = (nm); out[n].value = (v); n++; } } while (0)
	C("rx", ctx->main_st.rx);
	C("tx", ls.tx);
	C("dropped", ls.dropped);
	C("packets", ps.packets);
	C("sms_parts", ps.sms_parts);
	C("verdict_pass", ws.verdicts[SF_VERDICT_PASS]);
	C("verdict_tag", ws.verdicts[SF_VERDICT_TAG]);
	C("verdict_block", ws.verdicts[SF_VERDICT_BLOCK]);
	C("scan_errors", ws.scan_errors);
	C("reports", ws.reports);
	C("shields", ws.shields);
	C("unshields", ws.unshields);
	C("generation", ctx->gen_version);
	C("reloads_ok", ctx->reloads_ok);
	C("reloads_failed", ctx->reloads_failed);
	{
		struct dp_lists_stats lst;

		dp_redis_lists_stats(ctx, &lst);
		C("lists_rev", lst.lists.rev);
		C("lists_changes_applied", lst.applied);
		C("lists_changes_noop", lst.noop);
		C("lists_changes_malformed", lst.malformed);
		C("lists_resyncs", lst.resyncs);
		C("lists_entries", lst.lists.shields + lst.lists.imsi +
		  lst.lists.entries[0][0] + lst.lists.entries[0][1] + lst.lists.entries[0][2] + lst.lists.entries[0][3] +
		  lst.lists.entries[1][0] + lst.lists.entries[1][1] + lst.lists.entries[1][2] + lst.lists.entries[1][3]);
	}
	for (unsigned c = 1; c < SF_CLASS__COUNT; c++) {
		snprintf(names[c], sizeof(names[c]), "class.%s", sf_class_name(c));
		C(names[c], ws.by_class[c]);
	}
#undef C
	return n;
}

static int tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sf_worker_stats ws;
	struct sf_pipeline_stats ps;
	struct dp_lcore_stats ls;
	struct dp_ctx *ctx = dp_global;

	(void)cmd;
	(void)params;
	if (!ctx)
		return -1;
	sum_stats(ctx, &ws, &ps, &ls);
	rte_tel_data_start_dict(d);
#define U(name, v) rte_tel_data_add_dict_u64(d, name, v)
	U("rx", ctx->main_st.rx);
	U("tx", ls.tx);
	U("dropped", ls.dropped);
	U("tx_fail", ls.tx_fail);
	U("bypass", ctx->main_st.bypass);
	U("log_lost", ls.log_lost);
	U("packets", ps.packets);
	U("sctp_packets", ps.sctp_packets);
	U("bad_checksum", ps.bad_checksum);
	U("nic_checksum", ps.nic_checksum);
	U("chunks", ps.chunks);
	U("data_chunks", ps.data_chunks);
	U("data_retransmissions", ps.data_retransmissions);
	U("m3ua_data", ps.m3ua_data);
	U("tcap_messages", ps.tcap_messages);
	U("tcap_dialogues", ps.tcap_dialogues);
	U("sms_parts", ps.sms_parts);
	U("sms_mo_forward_sm", ps.sms_by_op[SF_OP_MO_FORWARD_SM]);
	U("sms_mt_forward_sm", ps.sms_by_op[SF_OP_MT_FORWARD_SM]);
	U("sms_forward_sm", ps.sms_by_op[SF_OP_FORWARD_SM]);
	U("sms_gsm7", ps.sms_by_charset[SF_CS_GSM7]);
	U("sms_ucs2", ps.sms_by_charset[SF_CS_UCS2]);
	U("sms_8bit", ps.sms_by_charset[SF_CS_8BIT]);
	U("verdict_pass", ws.verdicts[SF_VERDICT_PASS]);
	U("verdict_tag", ws.verdicts[SF_VERDICT_TAG]);
	U("verdict_block", ws.verdicts[SF_VERDICT_BLOCK]);
	U("scan_errors", ws.scan_errors);
	U("reports", ws.reports);
	U("shields", ws.shields);
	U("assoc_evictions", ps.assoc_evictions);
	U("dialogue_evictions", ps.dialogue_evictions);
	U("sctp_paths", ps.sctp_paths);
	U("sctp_path_evictions", ps.sctp_path_evictions);
	U("asconf_added", ps.asconf_added);
	U("asconf_deleted", ps.asconf_deleted);
	U("asconf_refused", ps.asconf_refused);
	U("asconf_unknown", ps.asconf_unknown);
	{
		static const char *const f[5] = { "used", "capacity", "evictions", "expired", "refused" };
		struct policy_table_stats t[DP_TABLES];

		sum_tables(ctx, t);
		for (unsigned k = 0; k < DP_TABLES; k++) {
			const uint64_t v[5] = { t[k].used, t[k].capacity, t[k].evictions, t[k].expired,
						t[k].refused };

			for (unsigned j = 0; j < 5; j++) {
				char name[48];	/* copied by the telemetry library */

				snprintf(name, sizeof(name), "table_%s_%s", dp_table_name[k], f[j]);
				U(name, v[j]);
			}
		}
	}
	U("generation", ctx->gen_version);
	U("reloads_ok", ctx->reloads_ok);
	U("reloads_failed", ctx->reloads_failed);
	{
		struct dp_lists_stats lst;
		const struct policy_lists_counts *lc = &lst.lists;

		dp_redis_lists_stats(ctx, &lst);
		U("lists_rev", lc->rev);
		U("lists_shields", lc->shields);
		U("lists_capacity", lc->capacity);
		U("lists_table_bytes", lc->table_bytes);
		U("lists_changes_applied", lst.applied);
		U("lists_changes_noop", lst.noop);
		U("lists_changes_malformed", lst.malformed);
		U("lists_table_full", lst.full);
		U("lists_resyncs", lst.resyncs);
		U("lists_retire_pending", dp_lists_store_pending());
	}
	for (unsigned c = 1; c < SF_CLASS__COUNT; c++) {
		char k[64];

		snprintf(k, sizeof(k), "class_%s", sf_class_name(c));
		U(k, ws.by_class[c]);
	}
#undef U
	return 0;
}

static int tel_errors(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sf_worker_stats ws;
	struct sf_pipeline_stats ps;
	struct dp_lcore_stats ls;

	(void)cmd;
	(void)params;
	if (!dp_global)
		return -1;
	sum_stats(dp_global, &ws, &ps, &ls);
	rte_tel_data_start_dict(d);
	for (int i = 0; i < SF_ERR__COUNT; i++)
		if (ps.err.n[i])
			rte_tel_data_add_dict_u64(d, sf_err_name((enum sf_err)(-i - 1)), ps.err.n[i]);
	return 0;
}

void dp_telemetry_register(struct dp_ctx *ctx)
{
	(void)ctx;
	rte_telemetry_register_cmd("/smsfw/stats", tel_stats,
				   "Packet, SMS, verdict and event counters summed over lcores.");
	rte_telemetry_register_cmd("/smsfw/errors", tel_errors,
				   "Every non-zero named decode error counter.");
}
