/* SPDX-License-Identifier: BSD-3-Clause */
/* Named decode/processing errors: one X-macro registry, split per layer
 * into errs/<layer>.def so that each layer owns its list. */
#ifndef SF_ERR_H
#define SF_ERR_H

#include <stdint.h>

/* Index of every error, 0..SF_ERR__COUNT-1. */
enum sf_err_index {
#define SF_ERR(id, name) SF_ERRI_##id,
#include "errs/all.def"
#undef SF_ERR
	SF_ERR__COUNT
};

/* Decoder return convention: SF_OK or a negative named error. */
enum sf_err {
	SF_OK = 0,
#define SF_ERR(id, name) SF_E_##id = -(SF_ERRI_##id + 1),
#include "errs/all.def"
#undef SF_ERR
};

/* Printable name ("m3ua.param_len_invalid"), "ok" for SF_OK, "unknown"
 * for anything out of range. */
const char *sf_err_name(enum sf_err e);

/* Per-thread counters, one slot per named error; single writer. */
struct sf_err_counters {
	uint64_t n[SF_ERR__COUNT];
};

static inline void sf_err_count(struct sf_err_counters *c, enum sf_err e)
{
	int i = -(int)e - 1;

	if (e < 0 && i < SF_ERR__COUNT)
		c->n[i]++;
}

#endif
