/* SPDX-License-Identifier: BSD-3-Clause */
/* Printable names for the named error registry (include/errs/<layer>.def). */
#include "sf_err.h"

static const char *const sf_err_names[SF_ERR__COUNT] = {
#define SF_ERR(id, name) [SF_ERRI_##id] = name,
#include "errs/all.def"
#undef SF_ERR
};

const char *sf_err_name(enum sf_err e)
{
	int i = -(int)e - 1;

	if (e == SF_OK)
		return "ok";
	if (e > 0 || i >= SF_ERR__COUNT)
		return "unknown";
	return sf_err_names[i];
}
