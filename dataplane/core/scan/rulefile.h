/* SPDX-License-Identifier: BSD-3-Clause */
/* Rule file reader: parses the analysts' line-oriented *.rules files into
 * rules, defines and sender sets, expands {NAME} sub-patterns and reports
 * every mistake as file:line. Spec: rules/FORMAT.md. Offline code (rulec,
 * control daemon): it allocates freely. */
#ifndef SF_SCAN_RULEFILE_H
#define SF_SCAN_RULEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "scan/bundle.h"
#include "sf_sha256.h"

#define RULEFILE_MAX_PATTERN 65536
#define RULEFILE_DEFAULT_THRESHOLD 100
#define RULEFILE_MAX_AND 7	/* "and" lines per rule */

struct rulefile_diag {
	const char *file;
	unsigned line;
	unsigned seq;		/* insertion order, for a stable sort */
	unsigned file_idx;
	char *msg;
};

struct rulefile_example {
	unsigned line;
	uint8_t match;		/* 1: must hit the rule; 0: must not */
	char *sender;		/* from a "sender=NUMBER " prefix, or NULL */
	char *text;
};

struct rulefile_rule {
	uint32_t id;
	uint8_t class_id;	/* enum sf_class */
	uint8_t action;		/* enum sf_action, 0 until seen */
	int16_t score;
	uint32_t hs_flags;	/* HS_FLAG_CASELESS/DOTALL/MULTILINE from "flags" */
	char *pattern_raw;	/* as written */
	char *pattern;		/* {NAME} expanded (after rulefile_resolve) */
	/* "and" lines: the rule also needs each of these somewhere in the text,
	 * in any order (a Hyperscan logical combination) */
	char *and_raw[RULEFILE_MAX_AND];
	char *and_pat[RULEFILE_MAX_AND];	/* expanded */
	unsigned and_line[RULEFILE_MAX_AND];
	unsigned n_and;
	char *desc;
	char *sender_ref;	/* "@SET" name, or NULL */
	struct bundle_sender_entry *sender_list;	/* inline list */
	unsigned n_sender_list;
	uint8_t sender_neg;
	uint16_t sender_set;	/* 1-based set index (after resolve), 0 = any */
	const char *file;
	unsigned file_idx;
	unsigned line, pattern_line, action_line, sender_line;
	/* byte offset of the pattern (and of each "and" pattern) in its line,
	 * for errors at the column the analyst wrote */
	unsigned pattern_col, and_col[RULEFILE_MAX_AND];
	/* "hamshare PCT": the share of the reference ham this rule may hit
	 * (overrides rulec check --ham-share); -1 = not given */
	int ham_share;
	unsigned ham_share_line;
	struct rulefile_example *ex;
	unsigned n_ex;
	char src[256];		/* "file:line" */
};

struct rulefile_define {
	char *name;
	char *value;		/* raw, then expanded */
	const char *file;
	unsigned line;
	int state;		/* 0 raw, 1 expanding, 2 expanded, 3 broken */
};

struct rulefile_senders {
	char *name;
	const char *file;
	unsigned line;
	unsigned n;
	struct bundle_sender_entry *e;	/* values owned (char *) */
};

struct rulefile {
	char **files;
	unsigned n_files;
	struct rulefile_rule *rules;
	unsigned n_rules, cap_rules;
	struct rulefile_define *defines;
	unsigned n_defines, cap_defines;
	struct rulefile_senders *sets;
	unsigned n_sets, cap_sets;
	struct rulefile_diag *diags;
	unsigned n_diags, cap_diags;
	uint32_t threshold;
	const char *threshold_file;
	unsigned threshold_line;
	struct sha256 src_hash;
	int resolved;
};

struct rulefile *rulefile_new(void);
void rulefile_free(struct rulefile *rf);
/* Parse one file's text (name is used in messages). Returns the number of
 * new errors. */
unsigned rulefile_add_buf(struct rulefile *rf, const char *name, const char *buf, size_t len);
/* A file, or a directory: its *.rules files in name order. */
unsigned rulefile_add_path(struct rulefile *rf, const char *path);
/* After all files: expand defines in patterns, resolve sender sets, check
 * ids unique and required keys; sorts rules by id. Returns the error count. */
unsigned rulefile_resolve(struct rulefile *rf);
void rulefile_error(struct rulefile *rf, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Sort the diagnostics by file, then line. */
void rulefile_sort_diags(struct rulefile *rf);
/* SHA-256 over the sources read so far. */
void rulefile_digest(const struct rulefile *rf, uint8_t out[32]);

/* Where byte `index` of an expanded pattern (rule->pattern or and_pat[k])
 * stands in what the analyst wrote: the 1-based column (in characters) in
 * the line of raw, which starts at byte value_col of its line. Inside a
 * {NAME} expansion, *define gets its name and *def_char the 1-based
 * character in its value (else *define = NULL). */
unsigned rulefile_raw_column(const struct rulefile *rf, const char *raw, unsigned value_col,
			     size_t index, const char **define, unsigned *def_char);

#endif
