/* SPDX-License-Identifier: BSD-3-Clause */
/* Build a lists generation from the Redis hashes (one MULTI/EXEC snapshot)
 * and publish it: {smsfw}:gen:<N> text, {smsfw}:gen:current N, meta, PUBLISH
 * on {smsfw}:gen, all in one Lua script. Text format: notes/LISTS_SPEC.md. */
#ifndef CTL_GEN_H
#define CTL_GEN_H

#include <stddef.h>
#include <hiredis/hiredis.h>

struct ctl_gen_body {
	char *text;		/* sorted entry lines, no header/version (malloc'd) */
	size_t len;
	long long rev;		/* {smsfw}:lists:rev at the snapshot */
	long long next_expiry;	/* earliest expires= still in the future, 0 if none */
	size_t n_block, n_allow, n_shield, n_imsi;
	size_t n_invalid;	/* hash entries skipped as malformed */
	size_t n_expired;	/* entries dropped (and deleted) as expired */
	char sha[65];		/* SHA-256 of text */
};

/* 0, or -1 (Redis error, wrong key type) with err; the old generation stays. */
int ctl_gen_build(redisContext *c, long long now_s, struct ctl_gen_body *out,
		  char *err, size_t errlen);
void ctl_gen_free(struct ctl_gen_body *b);
/* Commit and publish b as the next version; returns the version, or -1. */
long long ctl_gen_publish(redisContext *c, const struct ctl_gen_body *b, unsigned keep,
			  long long now_ms, char *err, size_t errlen);

#endif
