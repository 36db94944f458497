/* SPDX-License-Identifier: BSD-3-Clause */
/* The content engine the dataplane calls: one Hyperscan block-mode scan per
 * SMS over its normalised text, with per-thread scratch, giving the action,
 * class and rule ids. Decision order (rules/FORMAT.md "Decision"): an allow
 * rule tied to the sender's set (registered senders); else any block
 * rule (class of the lowest id); else the class whose summed scores reach
 * the threshold; else any allow rule; else any tag rule. Appending an
 * allowed shape to a fraud text never makes it pass. */
#ifndef SF_SCAN_H
#define SF_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "sf_err.h"
#include "scan/bundle.h"
#include "score/score.h"

#define SCAN_MAX_HITS 16

struct scan_result {
	uint8_t action;		/* enum sf_action: NONE, TAG, BLOCK, ALLOW */
	uint8_t class_id;	/* class of the decision; for NONE the class with the highest score, or 0 */
	uint32_t rule_id;	/* the deciding rule, 0 for NONE without scores */
	int32_t score;		/* highest per-class score sum */
	uint16_t n_hits;	/* rule ids in hits[], ascending */
	uint32_t hits[SCAN_MAX_HITS];
	uint16_t n_hits_total;	/* all hits, including those beyond SCAN_MAX_HITS */
	uint8_t flags;		/* SCAN_F_* (concatenated messages, model) */
	/* the trained content model (score/), when the bundle has one */
	uint8_t model_action;	/* what the model alone says: NONE, TAG or BLOCK */
	uint8_t model_class;	/* enum sf_class of its strongest class, 0 without a model */
	int32_t model_score;	/* that class's score, milli-logits */
	uint32_t model_version;	/* 0 without a model */
	uint8_t sender_dep;	/* a rule with a sender condition matched the text:
				 * another sender could get another result */
};

#define SCAN_F_STREAMED	0x01	/* part went through the message's stream */
#define SCAN_F_BUFFERED	0x02	/* out of order: held until the gap fills */
#define SCAN_F_ALONE	0x04	/* could not join the stream: scanned alone */
#define SCAN_F_COMPLETE	0x08	/* the last part: the message is finished */
#define SCAN_F_DUPLICATE 0x10	/* a part already seen */
#define SCAN_F_MODEL	0x20	/* the model decided the action (rule_id 0) or raised a rule's score */
#define SCAN_F_ALLOW_SENDER 0x40 /* allowed by a rule tied to the sender's set */

struct scan_scratch;

/* Per-thread scratch fitted to b (b may be NULL: fit later). NULL on error. */
struct scan_scratch *scan_scratch_create(const struct scan_bundle *b);
/* Grow for a new bundle (reload, before the thread sees it): 0/-1. The
 * scratch stays valid for bundles it was fitted to before. */
int scan_scratch_fit(struct scan_scratch *s, const struct scan_bundle *b);
void scan_scratch_free(struct scan_scratch *s);

/* Scan normalised text (valid UTF-8, as norm_text writes it). sender is the
 * TP-OA/sender id (any spelling, see scan_sender_canon) or NULL if unknown:
 * a rule with a sender condition never counts without a sender. On error
 * *out is cleared (action NONE) and the named error is returned; the caller
 * counts it and applies its fail mode. Allocation-free. */
enum sf_err scan_block(const struct scan_bundle *b, struct scan_scratch *s,
		       const char *norm, size_t len, const char *sender,
		       struct scan_result *out);

/* Apply the bundle's model (if any) to a rule decision over the same
 * normalised text (rules/FORMAT.md "Decision"): allow and block decisions
 * of rules stand; a model class at or above its block threshold blocks
 * (rule_id 0); at or above its tag threshold it raises a same-class rule
 * score sum by the class's raise, which may reach the threshold and block;
 * else it tags a message no rule decided. scan_block and scan_concat_part
 * call it; allocation-free. */
void scan_model_apply(const struct scan_bundle *b, const char *norm, size_t len,
		      struct scan_result *out);
/* The same from the model's per-class scores (score_text/score_finish),
 * e.g. of a whole concatenated message. */
void scan_model_decide(const struct scan_bundle *b, const int32_t s[SCORE_MAX_CLASSES],
		       struct scan_result *out);

/* Every match of every rule, for tools (rulec test/explain), not the hot
 * path: fn gets the rule, the match end offset and whether the rule's
 * sender condition holds. Rules are compiled single-match, so each rule is
 * reported once, at its first match end. */
typedef void (*scan_hit_fn)(void *arg, const struct rule_info *r, unsigned long long end,
			    int sender_ok);
enum sf_err scan_block_hits(const struct scan_bundle *b, struct scan_scratch *s,
			    const char *norm, size_t len, const char *sender,
			    scan_hit_fn fn, void *arg);

/* ---- results of texts seen before (scache.c) ----
 * Campaign traffic repeats its texts: the same advert or scam goes to
 * thousands of recipients. A worker keeps the scan results of recent
 * single-part texts and answers a text it has seen with the result its
 * scan gave, without scanning. Exact, not probabilistic: an entry holds
 * the whole text it was given (the engine gives the text as decoded,
 * whose normalised form, the one scanned, is a function of it, so a hit
 * skips the normaliser too) and is used only for the same bytes, the same
 * bundle (content id: a reload starts afresh) and, when the result
 * depended on the sender (a rule with a sender condition matched), the
 * same canonical sender. The model's output is part of the result. Fixed
 * size, 4-way set associative by a keyed hash of the text's CRC: a new
 * text replaces the least recently used entry of its set, counted.
 * One cache per worker, no locks; texts stay in the worker's memory only.
 * With the caller's value kept beside the result (the text fingerprint). */
#define SCAN_CACHE_TEXT_MAX 384	/* longer texts are not kept */

struct scan_cache;

struct scan_cache_stats {
	uint64_t lookups, hits, inserts, replaced, too_long;
	uint64_t entries, bytes;
};

/* The lookup's key, kept for scan_cache_put after a miss. */
struct scan_cache_key {
	uint64_t gen;
	uint64_t tag;
	uint32_t set;
	const char *text;
	size_t len;
};

/* entries rounded up to a power of two (at least 8); NULL for 0 or no memory. */
struct scan_cache *scan_cache_create(unsigned entries);
void scan_cache_free(struct scan_cache *c);
/* 1: a hit, *out and *val filled; 0: a miss, k filled for scan_cache_put;
 * -1: not kept (too long). sender as scan_block takes it. */
int scan_cache_find(struct scan_cache *c, const struct scan_bundle *b, const char *text,
		    size_t len, const char *sender, struct scan_cache_key *k,
		    struct scan_result *out, uint64_t *val);
/* Keep a scan result (of scan_block over k's text with sender); k from a
 * scan_cache_find that returned 0. */
void scan_cache_put(struct scan_cache *c, const struct scan_cache_key *k, const char *sender,
		    const struct scan_result *r, uint64_t val);
void scan_cache_get_stats(const struct scan_cache *c, struct scan_cache_stats *out);

/* ---- concatenated SMS (concat.c) ----
 * Parts of one message are scanned as one Hyperscan stream, in order, so a
 * phrase split between parts is found. State per message lives in a
 * bounded table keyed by the caller's 64-bit key (e.g. hash of association,
 * sender and reference); a part arriving early is scanned alone for its own
 * verdict and its text buffered (bounded pool) until the gap fills; idle
 * messages time out; when the table is full the least recently used message
 * of the whole table is evicted (counted). The result for a part covers the whole message
 * so far: hits of earlier parts and hits spanning parts. One table per
 * thread, used with that thread's scratch. */
struct scan_concat;

struct scan_concat_stats {
	uint64_t parts, streamed, buffered, alone, duplicates, completed;
	uint64_t evictions, timeouts, pool_full, too_long, reload_resets, restarts;
	uint64_t stream_errors;
	uint64_t cache_hits, cache_replaced;	/* scan_concat_cache */
};

struct scan_concat *scan_concat_create(unsigned capacity, uint64_t timeout_ns);
void scan_concat_free(struct scan_concat *c);
/* Size the table's stream-state slots for b (reload, off the hot path);
 * scan_concat_part does it itself when needed. 0/-1. */
int scan_concat_fit(struct scan_concat *c, const struct scan_bundle *b);
/* Keep the results of repeated concatenated texts: up to entries parts
 * (about 1.7 KiB each with the starter set's stream state), answered for
 * the same bundle, the same earlier parts (a keyed hash chain of their
 * texts, in order), the same part text (compared byte for byte, as
 * decoded when given so: scan_concat_text) and, when a sender condition
 * was involved, the same sender. In-order parts with nothing buffered
 * behind them only. 0, or -1 (no memory: off). */
int scan_concat_cache(struct scan_concat *c, unsigned entries);
/* Part seq of total of the message key, normalised text norm[0..len):
 * streamed with the parts before it (scan_concat_text with that text). */
enum sf_err scan_concat_part(struct scan_concat *c, const struct scan_bundle *b,
			     struct scan_scratch *s, uint64_t key, uint8_t seq, uint8_t total,
			     const char *norm, size_t len, const char *sender, uint64_t now_ns,
			     struct scan_result *out);

/* A part's text as decoded, normalised only when it has to be scanned: a
 * repeated part of a repeated message is answered from the cache
 * (scan_concat_cache), which keeps parts under their text as decoded (the
 * normalised text is a function of it) with a value of the normalised
 * text the caller asks for (the engine: its fingerprint). */
struct scan_part {
	const char *text;	/* as decoded; NULL: norm is given and is the key */
	size_t len;
	char *norm;		/* the normalised text when have_norm, else room */
	size_t norm_len, norm_cap;	/* for normalise to write it */
	int have_norm;
	size_t (*normalise)(const char *text, size_t len, char *out, size_t cap);
	/* a value of the normalised text kept with a cached part (NULL: 0) */
	uint64_t (*value)(const char *norm, size_t len);
	uint64_t val;		/* in: the value if known, else 0; out: the kept or
				 * just made one (0: the cache was not used) */
};

/* The part's normalised text, made now if it was not (p->normalise). */
const char *scan_part_norm(struct scan_part *p);
/* p->val, made now if it is 0 (of the normalised text, made if need be);
 * 0 without p->value. */
uint64_t scan_part_value(struct scan_part *p);

/* scan_concat_part for a part given as decoded (p->text, p->normalise
 * set) or normalised (have_norm): p->have_norm says on return whether the
 * part was normalised (into p->norm, p->norm_len), p->val what the cache
 * had or kept. */
enum sf_err scan_concat_text(struct scan_concat *c, const struct scan_bundle *b,
			     struct scan_scratch *s, uint64_t key, uint8_t seq, uint8_t total,
			     struct scan_part *p, const char *sender, uint64_t now_ns,
			     struct scan_result *out);
/* Drop up to budget timed-out messages (call now and then from the loop). */
unsigned scan_concat_expire(struct scan_concat *c, uint64_t now_ns, unsigned budget);
unsigned scan_concat_active(const struct scan_concat *c);
void scan_concat_get_stats(const struct scan_concat *c, struct scan_concat_stats *out);

#endif
