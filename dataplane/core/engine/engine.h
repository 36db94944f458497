/* SPDX-License-Identifier: BSD-3-Clause */
/* The whole decision for a packet, without DPDK: decode (flow/pipeline),
 * normalise, scan (Hyperscan bundle), policy → a verdict per SMS part and
 * a forward/drop decision per packet. The DPDK dataplane, the offline
 * tests and the benchmarks all call this.
 *
 * Ownership: a generation (struct sf_gen) is immutable once built and is
 * shared by all workers; it is freed by whoever published it, after every
 * worker has moved on (RCU in the dataplane). A worker is owned by one
 * thread. */
#ifndef SF_ENGINE_H
#define SF_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "flow/pipeline.h"
#include "policy/policy.h"
#include "scan/scan.h"
#include "sf_verdict.h"

/* Immutable state that reloads replace as a whole. */
struct sf_gen {
	uint64_t version;			/* set by the publisher */
	struct scan_bundle *bundle;		/* NULL: no content rules */
	struct policy_lists *lists;		/* NULL: empty lists */
	struct policy_geo *geo;			/* NULL: no geo checks */
	struct policy_config policy;
	int fail_block;				/* scan error → block (else pass) */
	char bundle_path[512], lists_path[512];
};

/* Build a generation from files (bundle and lists may be NULL or ""). NULL
 * with the reason on any error: the caller keeps its old generation. */
struct sf_gen *sf_gen_load(const char *bundle_path, const char *lists_path,
			   const struct policy_config *policy, int fail_block,
			   char *err, size_t errlen);
void sf_gen_free(struct sf_gen *g);

/* Where a generation's parts come from when some arrive in memory (the
 * control plane's lists text and rule bundle): a buffer, when set, is used
 * instead of the path; origin names it in errors ("redis generation 42").
 * The caller keeps the buffers. */
struct sf_gen_source {
	const char *bundle_path;
	const void *bundle;
	size_t bundle_len;
	const char *bundle_origin;
	const char *lists_path;
	const char *lists_text;
	size_t lists_len;
	const char *lists_origin;
};

/* As sf_gen_load, from a source. NULL with the reason on any error. */
struct sf_gen *sf_gen_load_source(const struct sf_gen_source *src,
				  const struct policy_config *policy, int fail_block,
				  char *err, size_t errlen);

struct sf_engine_config {
	struct sf_pipeline_config pipe;
	unsigned concat_max;
	uint64_t concat_timeout_ns;
	/* scan results of recent single-part texts kept per worker (scan.h
	 * "results of texts seen before"); 0: every text is scanned */
	unsigned scan_cache;
	/* per-recipient behaviour shared by every worker (policy_state.h), or
	 * NULL: the worker keeps its own. Owned by the caller. */
	struct policy_shared *policy_shared;
};

/* One SMS part with everything that was decided about it. In a packet's
 * verdict record (sf_worker_decide) it is valid until the worker's next
 * packet; handed to a sink, only during the call. */
struct sf_part_verdict {
	const struct sf_sms *sms;	/* in the packet's decode record */
	const char *norm;		/* normalised text ("" for data, for a
					 * retransmission answered from the cache,
					 * and for a text whose scan result was kept
					 * (scan_cache, and a concatenated message's
					 * repeated part) when the policy does not
					 * read the text itself) */
	size_t norm_len;
	struct scan_result scan;
	struct policy_verdict pv;	/* verdict, class, rule/policy id, reason */
	uint64_t text_fp;		/* fingerprint of the normalised text (a cached
					 * retransmission: its first copy's) */
};

/* A packet's verdicts, returned by sf_worker_decide: the packet's
 * verdict and every part's, in wire order, beside the decode record
 * (flow/pipeline.h: offsets, chunks, the SMS parts) that they were made
 * from. The dataplane logs, emits and enforces from it in a straight
 * line. Valid until the worker's next packet. */
struct sf_pkt_verdict {
	int verdict;			/* enum sf_verdict_kind: the strongest over the parts
					 * (SF_VERDICT_PASS when none) */
	unsigned n_parts;		/* part[0..n_parts) */
	unsigned n_early;		/* parts before these, already handed to
					 * sink->on_part during decoding (a packet with
					 * more than SF_PKT_SMS_MAX parts; cold) */
	const struct sf_pkt_rec *rec;	/* the decode record; part[i].sms points into it */
	struct sf_part_verdict part[SF_PKT_SMS_MAX];
};

struct sf_fact;

/* What the engine hands on outside the returned record: events (reports,
 * shields: rare), facts for the other workers, and the parts of a packet
 * with more than SF_PKT_SMS_MAX of them (on_part; sf_worker_packet also
 * hands every part to it). */
struct sf_engine_sink {
	void *ctx;
	void (*on_part)(void *ctx, const struct sf_part_verdict *v);
	void (*on_event)(void *ctx, const struct policy_event *ev, const struct sf_sms *sms);
	/* a fact for the other workers (NULL with a single worker) */
	void (*on_fact)(void *ctx, const struct sf_fact *f);
};

/* A fact one worker learned that others need: SMS of one subscriber cross
 * associations (SRI-SM via the HLR link, MT via the MSC link; "00000" MO
 * and the later MT delivery; the parts of one concatenated SMS over two
 * STP links), and associations are spread over workers. */
enum sf_fact_kind { SF_FACT_IMSI = 1, SF_FACT_SHIELD, SF_FACT_UNSHIELD, SF_FACT_CONCAT_PART,
		    SF_FACT_LMSI /* a: IMSI, lmsi: the LMSI */ };
#define SF_FACT_TEXT_MAX 512	/* normalised text of one part (160 GSM chars fit) */
struct sf_fact {
	uint64_t ts_ns;
	uint64_t key;			/* concat: the message's stream key */
	uint8_t kind;
	uint8_t seq, total;		/* concat part */
	uint8_t ton;			/* SF_FACT_IMSI: the MSISDN's nature of address */
	uint16_t len;			/* concat: bytes in text */
	uint8_t lmsi[4];		/* SF_FACT_LMSI */
	char a[SF_TPADDR_MAX + 1];	/* IMSI, the shielding subscriber, or the concat sender */
	char b[SF_TPADDR_MAX + 1];	/* MSISDN, or the port */
	char text[SF_FACT_TEXT_MAX];	/* concat: the part's normalised text */
};

struct sf_worker_stats {
	uint64_t packets, packets_dropped;
	uint64_t parts, verdicts[3];		/* by enum sf_verdict_kind */
	uint64_t by_class[SF_CLASS__COUNT];	/* tagged or blocked parts by class */
	uint64_t scan_errors, scan_fail_mode;
	uint64_t reports, shields, unshields;
	uint64_t norm_truncated;
	uint64_t retrans_cached;		/* retransmissions answered from the verdict cache */
	uint64_t policy_errors;
	uint64_t adopt_failures;		/* scratch could not be fitted to a generation */
	uint64_t facts_sent, facts_applied;
	uint64_t concat_facts_skipped;		/* part too long to share */
};

struct sf_worker;

struct sf_worker *sf_worker_create(const struct sf_engine_config *c, const struct sf_gen *g,
				   char *err, size_t errlen);
/* The worker's caches of scan results ([flow] scan_cache; zeros without
 * them): single-part texts (scan_cache_stats) and streamed parts of
 * concatenated messages. Every field a count, so workers add up. */
struct sf_scan_cache_stats {
	struct scan_cache_stats single;
	uint64_t concat_streamed, concat_hits, concat_replaced;
};
void sf_worker_scan_cache_stats(const struct sf_worker *w, struct sf_scan_cache_stats *out);
/* Fit the worker's per-thread resources (Hyperscan scratch) to g before
 * its first use; 0 or -1 (then keep using the old generation). */
int sf_worker_adopt(struct sf_worker *w, const struct sf_gen *g);
void sf_worker_destroy(struct sf_worker *w);

/* Decide one packet: decode it once (sf_pipeline_decode), then for each
 * SMS part in wire order normalise, scan, and judge it (policy), and apply
 * each MAP event (SRI-SM results). A retransmitted DATA chunk gets its
 * first copy's decision from the verdict cache without being normalised,
 * scanned or counted again (decided again if it fell out of the cache, but
 * not counted twice by behaviour tracking). Returns the worker's record:
 * no callback on this path except sink->on_event / on_fact (rare) and
 * sink->on_part for the parts of an oversized packet (n_early). */
const struct sf_pkt_verdict *sf_worker_decide(struct sf_worker *w, const struct sf_gen *g,
					      const uint8_t *p, size_t len, int linktype,
					      uint64_t frame, uint64_t ts_ns,
					      const struct sf_engine_sink *sink);

/* The same with the frame's L2/L3 already decoded (the RX lcore did, to
 * pick this worker; sf_pipeline_decode_l3); pre NULL decodes them here. */
const struct sf_pkt_verdict *sf_worker_decide_l3(struct sf_worker *w, const struct sf_gen *g,
						 const uint8_t *p, size_t len, int linktype,
						 const struct sf_l3_pre *pre,
						 uint64_t frame, uint64_t ts_ns,
						 const struct sf_engine_sink *sink);

/* sf_worker_decide, then every part to sink->on_part; returns the
 * packet's verdict (tools, tests and the stage benchmark). */
int sf_worker_packet(struct sf_worker *w, const struct sf_gen *g,
		     const uint8_t *p, size_t len, int linktype,
		     uint64_t frame, uint64_t ts_ns, const struct sf_engine_sink *sink);

/* Apply a fact another worker learned. */
void sf_worker_apply_fact(struct sf_worker *w, const struct sf_fact *f);

/* The key under which the parts of one concatenated SMS share a scan
 * stream: sender, recipient, reference and part count (not the SCTP
 * association: parts may cross links). */
uint64_t sf_engine_concat_key(const struct sf_sms *s, const char *sender, const char *recipient);

/* Reports to the report number are handed on as whole messages
 * (engine_report.h): a concatenated report's event comes when its last
 * part arrives, or, marked incomplete, when the wait (concat_timeout_ns,
 * packet clock) ends: call this between bursts with the sink that should
 * get those events. */
void sf_worker_expire_reports(struct sf_worker *w, uint64_t now_ns, const struct sf_engine_sink *sink);

/* Hand on every report still waiting (end of a capture, shutdown). */
void sf_worker_flush_reports(struct sf_worker *w, const struct sf_engine_sink *sink);

struct eng_report_stats;
const struct eng_report_stats *sf_worker_report_stats(const struct sf_worker *w);

/* Bounded housekeeping (table expiry); call between bursts. */
void sf_worker_tick(struct sf_worker *w, uint64_t now_ns);

const struct sf_worker_stats *sf_worker_stats(const struct sf_worker *w);
const struct sf_pipeline_stats *sf_worker_pipeline_stats(const struct sf_worker *w);
/* The worker's pipeline (its path table's export and import at restarts). */
struct sf_pipeline *sf_worker_pipeline(struct sf_worker *w);
/* The worker's learned tables: the policy state (shared tables as every
 * worker sees them, its own shield overlay) and its concatenation streams
 * (*concat_active in use). Read from another thread: counters may lag. */
void sf_worker_table_stats(const struct sf_worker *w, struct policy_state_stats *pol,
			   struct scan_concat_stats *concat, unsigned *concat_active);

#endif
