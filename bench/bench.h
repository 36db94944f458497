/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw-bench: shared state of the benchmark — the capture held in memory,
 * the normalised texts extracted from it, the figures collected in one run
 * (printed as a table, written as key/value lines and plots) and the entry
 * points of each part (DPDK lcore runs, DPDK-free stages, baselines, rule
 * set generator). Issue 7. */
#ifndef SF_BENCH_H
#define SF_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/engine.h"

#define BENCH_MAX_LCORES 16
#define BENCH_MAX_FIGURES 256
#define BENCH_HIST_BUCKETS 65536		/* latency histogram, 100 ns each (6.5 ms), last = overflow */
#define BENCH_HIST_NS 100
#define BENCH_WINDOWS 4096		/* throughput timeline (reload under load) */

/* The capture, read once into one flat buffer. */
struct bench_capture {
	uint8_t *data;
	size_t data_len;
	uint64_t *off;
	uint32_t *len;
	uint64_t *ts_ns;
	size_t n;			/* frames */
	uint64_t bytes;			/* sum of frame lengths */
};

/* Normalised texts of every SMS part, in capture order, with the sender
 * the engine passes to the scan ("" when unknown). */
struct bench_texts {
	char *buf;			/* text NUL sender NUL, back to back */
	size_t buf_len, buf_cap;
	uint64_t *off;
	uint32_t *len;
	uint32_t *sender_off;
	size_t n, cap;
	uint64_t bytes;
};

/* One figure of the table: name, value, unit, and the part it belongs to. */
struct bench_figure {
	char key[64];
	double value;
	char unit[16];
	char note[128];
};

struct bench_opts {
	unsigned long messages;
	unsigned long seed;
	int quick;
	unsigned lcores_max;		/* 0: every core of the machine */
	unsigned burst;
	unsigned reload_ms;
	char rule_sizes[64];		/* "100,1000,10000" */
	unsigned naive_texts;		/* texts for the naive matchers */
	unsigned tshark_frames;		/* slice of the capture given to tshark */
	char workdir[400];		/* generated captures and rule sets (cached) */
	char out[400];			/* results.tsv, results.md, *.dat, *.png */
	char pcap[1024];			/* an existing capture instead of generating one */
	char pcapgen[512], rulec[512], rules_dir[512], srcdir[512];
	char bundle[1024];		/* the starter bundle (compiled into workdir) */
	int no_tshark, no_naive, no_plots;
	unsigned rule_costs;		/* texts for the per-rule cost table (0: off) */
	char config[1024];		/* a dataplane INI for the runs ("": defaults) */
	int gated;			/* also run the causally gated scaling */
	int profile;			/* 1 + enum bench_stage: only that stage */
};

/* Per-run results of the DPDK lcore path. */
struct bench_run {
	double secs;			/* first RX to last TX, slowest lcore */
	uint64_t rx, tx, tx_fail, dropped;
	uint64_t parts, verdicts[3], by_class[16];
	uint64_t retrans_cached, scan_errors, facts_sent, facts_applied, facts_lost;
	uint64_t cache_lookups, cache_hits, cache_replaced, cache_bytes;	/* single-part texts */
	uint64_t concat_streamed, concat_cache_hits;
	uint64_t gate_waits;
	/* per-packet RX→TX latency: full runs, each packet from its burst's
	 * RX to the TX call that sends it (dataplane.tx_batch: a burst's
	 * first packets leave while its last are decided); other runs, the
	 * burst's time */
	uint64_t hist[BENCH_HIST_BUCKETS];
	uint64_t burst_hist[BENCH_HIST_BUCKETS];	/* full runs: each packet's burst's time */
	uint64_t windows[BENCH_WINDOWS];	/* packets finished per window */
	double window_ms;
	unsigned n_windows;
	unsigned reloads_ok, reloads_failed;
	double reload_at_ms[64];	/* publish times of the reloads, ms from the start */
	double reload_load_ms_max;
	uint64_t assoc_evictions, dialogue_evictions;
	unsigned lcores;
	/* the partition: the largest lcore's share of the packets, and the
	 * shortest and longest lcore's time from the start to its last packet */
	double part_max_share, lc_secs_min, lc_secs_max;
	double part_max_parts_share;	/* the same lcore's share of the SMS parts */
	unsigned tx_batch;		/* the run's [dataplane] tx_batch */
	uint64_t tsc_hz;
	/* full runs: what the slow bursts are made of. A burst's time is
	 * every packet's latency in it (the histogram above); "scans" are
	 * texts the scan caches did not answer (single parts missed or too
	 * long for the cache, concatenated parts the cache of repeated
	 * messages did not answer) */
	uint64_t bursts, bursts_noscan;
	double burst_scans_mean, burst_parts_mean;	/* per burst, all bursts */
	double tail_scans_mean, tail_parts_mean;	/* the bursts holding the slowest 1 % of packets */
	double noscan_pkt_share;		/* packets in bursts that scanned nothing */
	double noscan_lat_p99;			/* their p99 latency, µs */
	/* a burst's time fitted as us_pkt·packets + us_part·parts +
	 * us_scan·scans (least squares): how much of its variance the work
	 * explains, and the p99 (by packets) of what it leaves */
	double fit_us_pkt, fit_us_part, fit_us_scan, fit_r2, fit_resid_p99;
};

enum bench_mode { BENCH_IO_FLOOR = 0, BENCH_FULL };

struct bench_run_cfg {
	enum bench_mode mode;
	unsigned lcores;		/* 1 = run to completion on the main lcore */
	int causal_gate;		/* N lcores: hold a packet back while another lcore lags in capture time */
	unsigned burst;
	const char *bundle;
	unsigned reload_ms;		/* 0: no reload */
	const char *config;		/* a dataplane INI applied first (NULL: defaults) */
	const char *log_dir;		/* BENCH_FULL: write the configured outputs (verdict
					 * log, events, pcapng) there through the log writer,
					 * as smsfw does, waiting for it rather than losing a
					 * record; NULL: no outputs */
};

/* bench_dp.c: EAL, ports and lcore runs. */
int bench_dp_init(const struct bench_capture *cap, unsigned lcores, char *err, size_t errlen);
int bench_dp_run(const struct bench_run_cfg *rc, struct bench_run *out, char *err, size_t errlen);
void bench_dp_fini(void);
/* The [policy]/[tables] part of a smsfw INI (for the runs without DPDK). */
struct policy_config;
int bench_config_policy(const char *path, struct policy_config *out, char *err, size_t errlen);
uint64_t bench_tsc(void);
uint64_t bench_tsc_hz(void);

/* bench_stages.c: the engine's stages without DPDK, and the baselines. */
struct bench_stage_result {
	double secs;
	double cpu_secs;	/* the thread's CPU time (preemption on a shared machine excluded) */
	uint64_t packets, parts, verdicts[3];
	struct { uint64_t n, tsc, bytes; } split[2];	/* bench_phased_scan: single parts, concatenated parts */
};
enum bench_stage { ST_DECODE = 0, ST_NORM, ST_SCAN, ST_POLICY, ST_ENGINE, ST__COUNT };
int bench_stage_run(const struct bench_capture *cap, enum bench_stage st, const struct sf_gen *g,
		    struct bench_texts *collect, struct bench_stage_result *out,
		    char *err, size_t errlen);
/* bench_phased.c: decode + normalise + scan in phases over windows of
 * burst packets (the ST_SCAN work, reordered). */
int bench_phased_scan(const struct bench_capture *cap, const struct sf_gen *g, unsigned burst,
		      struct bench_stage_result *out, char *err, size_t errlen);
/* bench_truth.c: one untimed engine pass, each part's verdict against the
 * generator's truth line (expected pass/tag/block), overall and by
 * scenario (bench_truth_scenarios; the last row: any other). */
#define BENCH_TRUTH_SCEN 14
extern const char *const bench_truth_scenarios[BENCH_TRUTH_SCEN];
struct bench_truth {
	uint64_t lines, matched, parts_unmatched, truth_unmatched;
	uint64_t confusion[3][3];				/* [expected][got] */
	uint64_t by_scenario[BENCH_TRUTH_SCEN + 1][3][3];
};
int bench_truth_check(const struct bench_capture *cap, const struct sf_gen *g, const char *truth_path,
		      struct bench_truth *out, char *err, size_t errlen);
/* Policy-table occupancy after the last ST_POLICY run (0, or -1 if none). */
struct policy_state_stats;
int bench_stage_policy_stats(struct policy_state_stats *out);
int bench_raw_hs(const char *bundle_path, const struct bench_texts *t, double *secs,
		 uint64_t *matches, char *err, size_t errlen);
/* The bundle's content model over the texts: -1 without a model. */
int bench_model_score(const struct sf_gen *g, const struct bench_texts *t, double *secs,
		      size_t *table_bytes);
int bench_engine_scan(const struct sf_gen *g, const struct bench_texts *t, double *secs,
		      char *err, size_t errlen);
struct bench_naive {
	unsigned rules, translated, skipped, compile_failed;
	unsigned texts;
	double secs;
	uint64_t matches;
};
int bench_naive_posix(const char *bundle_path, const struct bench_texts *t, unsigned max_texts,
		      struct bench_naive *out, char *err, size_t errlen);
int bench_naive_pcre2(const char *bundle_path, const struct bench_texts *t, unsigned max_texts,
		      int jit, struct bench_naive *out, char *err, size_t errlen);
void bench_texts_free(struct bench_texts *t);
/* Each rule of the bundle compiled alone, block mode, timed on max_texts
 * texts: the most expensive first, printed to f. */
int bench_rule_costs(const char *bundle_path, const struct bench_texts *t, unsigned max_texts,
		     FILE *f, char *err, size_t errlen);

/* bench_rulegen.c: the starter set plus generated rules, n in total. */
int bench_rulegen(const char *starter_dir, unsigned n, const char *out_dir, char *err, size_t errlen);

#endif
