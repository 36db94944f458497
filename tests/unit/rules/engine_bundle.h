/* SPDX-License-Identifier: BSD-3-Clause */
/* Test helper: compile a directory of rule files into a bundle image with
 * the same code smsfw-rulec uses. */
#ifndef ENGINE_BUNDLE_H
#define ENGINE_BUNDLE_H

#include <stdio.h>
#include <stdlib.h>

#include "scan/rulecomp.h"
#include "scan/rulefile.h"

static int engine_bundle(const char *dir, uint8_t **img, size_t *len)
{
	struct rulefile *rf = rulefile_new();
	struct rulecomp_opts o;
	char err[256];
	int rc = -1;

	rulecomp_default_opts(&o);
	o.skip_cost = 1;
	rulefile_add_path(rf, dir);
	rulefile_resolve(rf);
	rulecomp_check(rf, &o);
	if (rf->n_diags == 0 && rulecomp_build(rf, &o, img, len, err, sizeof err) == 0)
		rc = 0;
	for (unsigned i = 0; i < rf->n_diags; i++)
		fprintf(stderr, "%s:%u: %s\n", rf->diags[i].file, rf->diags[i].line, rf->diags[i].msg);
	rulefile_free(rf);
	return rc;
}

#endif
