/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw-pcapgen internals: the PRNG, the buffered pcap/truth writer and
 * the text pools; the per-layer encoders are the core's
 * (dataplane/core/encode/enc.h). */
#ifndef SMSFW_GEN_H
#define SMSFW_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sf_bytes.h"
#include "sf_wire.h"
#include "encode/enc.h"

/* ------------------------------------------------------------------ */
/* PRNG: xoshiro256** seeded through splitmix64 (own, so that the same
 * seed gives the same bytes on every libc). */

struct gen_rng {
	uint64_t s[4];
};

void rng_seed(struct gen_rng *r, uint64_t seed);

static inline uint64_t rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct gen_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n), n > 0 (Lemire's multiply-shift). */
static inline uint32_t rng_below(struct gen_rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* 1 with probability permille/1000. */
static inline int rng_permille(struct gen_rng *r, unsigned permille)
{
	return rng_below(r, 1000) < permille;
}

/* n random decimal digits into out (NUL-terminated). */
void rng_digits(struct gen_rng *r, char *out, unsigned n);

/* ------------------------------------------------------------------ */
/* Buffered writer and pcap format: pcap_out.c                         */

struct gen_file {
	FILE *f;
	uint8_t *buf;
	size_t len, cap;
	int error;
};

int gf_open(struct gen_file *g, const char *path, size_t bufsize);
void gf_write(struct gen_file *g, const void *p, size_t n);
/* Room for n bytes at the end of the buffer (draining it first when
 * needed; n <= bufsize); gf_commit() then keeps the m <= n written. */
uint8_t *gf_reserve(struct gen_file *g, size_t n);
static inline void gf_commit(struct gen_file *g, size_t m)
{
	g->len += m;
}
int gf_close(struct gen_file *g);	/* 0 or -1 on any write error */

/* pcap file header (LINKTYPE_ETHERNET, microseconds). */
void pcap_write_header(struct gen_file *g, uint32_t snaplen);
/* Build a record in place: pcap_record_frame() is where the frame goes
 * (at most maxlen octets); pcap_record_end() writes the record header. */
uint8_t *pcap_record_frame(struct gen_file *g, size_t maxlen);
void pcap_record_end(struct gen_file *g, uint64_t ts_ns, size_t n);

/* ------------------------------------------------------------------ */
/* Text: texts.c                                                       */

enum gen_scn {
	SCN_HAM = 0, SCN_SPAM, SCN_FRAUD, SCN_ILLEGAL, SCN_NOTICE, SCN_REPORT,
	SCN_SHIELD, SCN_SHIELDED, SCN_SPOOF, SCN_FLOOD_FANOUT, SCN_FLOOD_TO_ONE,
	SCN_FLOOD_SAME_TEXT, SCN_WAP_PUSH, SCN_REPORT_TRICKY, SCN__COUNT
};

const char *gen_scn_name(enum gen_scn s);
int gen_scn_parse(const char *name);	/* -1 unknown */

/* Text pools that scenarios draw from. */
enum text_pool {
	POOL_HAM = 0, POOL_SPAM, POOL_FRAUD, POOL_ILLEGAL, POOL_NOTICE_10086,
	POOL_NOTICE_BANK, POOL_OTP, POOL_SPOOF_10086, POOL_SPOOF_BANK, POOL__COUNT
};

struct gen_text {
	const char *text;	/* UTF-8, may contain {code} */
	const char *label;	/* corpus label or "builtin" */
	const char *category;	/* corpus category or NULL */
	const char *cls;	/* expected class or NULL */
	uint32_t len;
};

struct text_db;
struct text_db *text_db_new(void);
void text_db_free(struct text_db *db);
/* Load label<TAB>...<TAB>text; returns rows loaded or -1 with errbuf. */
long text_db_load(struct text_db *db, const char *path, char *err, size_t errlen);
size_t text_db_count(const struct text_db *db, enum text_pool p);
const struct gen_text *text_db_pick(const struct text_db *db, enum text_pool p,
				    struct gen_rng *r);

#endif
