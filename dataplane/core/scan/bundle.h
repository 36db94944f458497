/* SPDX-License-Identifier: BSD-3-Clause */
/* Compiled rule bundles: the file smsfw-rulec writes and the dataplane
 * loads. The loader validates every byte before anything is used: a bundle
 * built for another Hyperscan version or CPU, truncated, corrupted or with
 * inconsistent tables is refused with a reason, and the caller keeps the
 * generation it has. Spec: rules/FORMAT.md "Bundle file".
 *
 * Layout (all integers big-endian):
 *   0   magic "SMSFWRUL"                     8
 *   8   format version (1)                   4
 *   12  header length (160)                  4
 *   16  total file length                    8
 *   24  Hyperscan version, hs_version()     64  NUL-padded
 *   88  platform tune                        4  hs_platform_info_t
 *   92  platform cpu_features                8
 *   100 SHA-256 of the rule sources         32
 *   132 score threshold                      4
 *   136 rule count                           4
 *   140 sender set count                     4
 *   144 section count                        4
 *   148 reserved, zero                      12
 *   160 section table: {type, offset, length} x 4 bytes each, then the
 *       sections (8-byte aligned): BLOCK_DB and STREAM_DB (hs_serialize_
 *       database output; empty when there are no rules), RULES (32 bytes per
 *       rule, sorted by id; the rule's index is its Hyperscan expression
 *       id), SENDERS (per set: name offset u32, entry count u32, entries
 *       {len u8, prefix u8, bytes}), STRINGS (NUL-terminated, offset 0 = ""),
 *       and optionally MODEL (the trained content scorer: a model image as
 *       score/score.h describes it, with its own format version, feature
 *       settings, training-data digests and cross-validated figures).
 *   end-32  SHA-256 of every byte before it                     32
 */
#ifndef SF_SCAN_BUNDLE_H
#define SF_SCAN_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include <hs/hs.h>

#define BUNDLE_MAGIC "SMSFWRUL"
#define BUNDLE_FORMAT_VERSION 1
#define BUNDLE_HEADER_LEN 160
#define BUNDLE_TRAILER_LEN 32
#define BUNDLE_RULE_LEN 32
#define BUNDLE_MAX_SECTIONS 8
#define BUNDLE_SENDER_MAX 20	/* TP-OA: at most 20 digits */

enum bundle_section {
	BUNDLE_SEC_BLOCK_DB = 1,
	BUNDLE_SEC_STREAM_DB = 2,
	BUNDLE_SEC_RULES = 3,
	BUNDLE_SEC_SENDERS = 4,
	BUNDLE_SEC_STRINGS = 5,
	BUNDLE_SEC_MODEL = 6,	/* optional */
};
#define BUNDLE_SEC_MAX 6

struct score_model;

/* One rule as the engine sees it. Strings live inside the bundle. */
struct rule_info {
	uint32_t id;
	uint8_t class_id;	/* enum sf_class */
	uint8_t action;		/* enum sf_action: SCORE, TAG, BLOCK or ALLOW */
	int16_t score;		/* SCORE: 1..1000 */
	uint16_t sender_set;	/* 0: any sender; else 1 + sender set index */
	uint8_t sender_neg;	/* the sender must NOT be in the set */
	uint32_t hs_flags;	/* Hyperscan flags the pattern was compiled with */
	const char *desc;
	const char *pattern;	/* expanded pattern source */
	const char *src;	/* "file.rules:LINE" of the rule */
};

struct scan_bundle;

/* Validate and load a bundle image (the caller keeps buf). NULL + reason. */
struct scan_bundle *scan_bundle_load(const uint8_t *buf, size_t len, char *err, size_t errlen);
struct scan_bundle *scan_bundle_load_file(const char *path, char *err, size_t errlen);
void scan_bundle_free(struct scan_bundle *b);

/* The rule with this id, or NULL. */
const struct rule_info *scan_bundle_rule(const struct scan_bundle *b, uint32_t rule_id);
/* Rules by index 0..count-1 (sorted by id). */
unsigned scan_bundle_rule_count(const struct scan_bundle *b);
const struct rule_info *scan_bundle_rule_at(const struct scan_bundle *b, unsigned idx);
uint32_t scan_bundle_threshold(const struct scan_bundle *b);
/* SHA-256 of the rule sources, as recorded by the compiler. */
const uint8_t *scan_bundle_source_digest(const struct scan_bundle *b);
/* A process-unique number for each loaded bundle (stream state is only
 * valid against the generation that made it). */
uint64_t scan_bundle_generation(const struct scan_bundle *b);
/* Name of sender set sender_set (1-based as in rule_info), or NULL. */
const char *scan_bundle_sender_set_name(const struct scan_bundle *b, unsigned sender_set);
/* Is the canonical sender (scan_sender_canon) in set sender_set (1-based)? */
int scan_bundle_sender_in_set(const struct scan_bundle *b, unsigned sender_set, const char *canon);
/* The trained content model the bundle carries, or NULL. */
const struct score_model *scan_bundle_model(const struct scan_bundle *b);
/* Bytes of Hyperscan stream state per concatenated message (0: no rules). */
size_t scan_bundle_stream_size(const struct scan_bundle *b);

/* Canonical form of a sender for set membership: letters and digits only,
 * lower case; a leading "+" or "00" and then a "86" country code (when at
 * least 5 characters remain) are removed: "+8695588" -> "95588". Returns the
 * length, 0 when nothing is left or it is longer than BUNDLE_SENDER_MAX. */
size_t scan_sender_canon(const char *in, char out[BUNDLE_SENDER_MAX + 1]);

/* ---- writer (smsfw-rulec, tests) ---- */

struct bundle_sender_entry {
	const char *value;	/* canonical */
	uint8_t prefix;		/* matches any sender starting with value */
};

struct bundle_sender_set {
	const char *name;
	unsigned n;
	const struct bundle_sender_entry *e;
};

struct bundle_build {
	uint8_t src_digest[32];
	hs_platform_info_t platform;
	uint32_t threshold;
	const char *block_db;	/* hs_serialize_database output, NULL if no rules */
	size_t block_len;
	const char *stream_db;
	size_t stream_len;
	unsigned n_rules;	/* sorted by id, index = Hyperscan expression id */
	const struct rule_info *rules;
	unsigned n_sets;
	const struct bundle_sender_set *sets;
	const uint8_t *model;	/* model image (score_model_write), NULL for none */
	size_t model_len;
};

/* Serialise a bundle into a malloc'd image; 0 or -1 + reason. */
int scan_bundle_write(const struct bundle_build *in, uint8_t **out, size_t *outlen,
		      char *err, size_t errlen);
/* Recompute the trailer checksum of an image in place (tests, fuzzing). */
void scan_bundle_seal(uint8_t *buf, size_t len);

#endif
