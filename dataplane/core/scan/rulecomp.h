/* SPDX-License-Identifier: BSD-3-Clause */
/* Rule compiler: checks every pattern with Hyperscan (syntax, empty
 * matches, cost), compiles the block- and streaming-mode databases and
 * writes a bundle. Errors go to the rule set's file:line diagnostics.
 * Offline code (rulec, control daemon). */
#ifndef SF_SCAN_RULECOMP_H
#define SF_SCAN_RULECOMP_H

#include <stddef.h>
#include <stdint.h>

#include "scan/rulefile.h"

/* The "pathologically slow or huge" criterion (rules/FORMAT.md "check"):
 * a counted repeat {m,n} with m or n above max_repeat; or bounded repeats
 * adding up to more than max_repeat_cost (each {m,n} counts n, a repeated
 * group multiplies its contents: "(?:.{0,250}x){12}" costs 3000) — these
 * are what blow up Hyperscan's bytecode and compile time over UTF-8; or a
 * pattern whose own streaming database needs more than max_stream_state
 * bytes of state per message or more than max_bytecode bytes. */
struct rulecomp_opts {
	int generic_platform;		/* compile for any x86-64 (no AVX2/AVX-512) */
	unsigned max_repeat;		/* default 255 */
	unsigned long max_repeat_cost;	/* default 1000 */
	size_t max_stream_state;	/* default 4096 */
	size_t max_bytecode;		/* default 1 MiB */
	int skip_cost;			/* skip the per-pattern compile (faster check) */
	const uint8_t *model;		/* model image to carry in the bundle, or NULL */
	size_t model_len;
};

void rulecomp_default_opts(struct rulecomp_opts *o);
/* Hyperscan flags of a rule as compiled: UTF8|UCP|SINGLEMATCH + its flags. */
unsigned rulecomp_hs_flags(const struct rulefile_rule *r);
/* Per-pattern checks after rulefile_resolve; returns the new error count. */
unsigned rulecomp_check(struct rulefile *rf, const struct rulecomp_opts *o);
/* Compile all rules and serialise a bundle (malloc'd). 0, or -1 with
 * diagnostics added (or a message in err). */
int rulecomp_build(struct rulefile *rf, const struct rulecomp_opts *o,
		   uint8_t **out, size_t *outlen, char *err, size_t errlen);

#endif
