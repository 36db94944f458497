/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target for the rule file reader: the input is split at the first
 * NUL into two files (defines and rules across files), parsed, resolved,
 * and the first few expanded patterns are handed to Hyperscan's parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hs/hs.h>

#include "scan/rulecomp.h"
#include "scan/rulefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rulefile *rf = rulefile_new();
	const uint8_t *nul = memchr(data, 0, size);
	size_t a = nul ? (size_t)(nul - data) : size;

	if (!rf)
		return 0;
	rulefile_add_buf(rf, "a.rules", (const char *)data, a);
	if (nul)
		rulefile_add_buf(rf, "b.rules", (const char *)nul + 1, size - a - 1);
	rulefile_resolve(rf);
	rulefile_sort_diags(rf);
	for (unsigned i = 0; i < rf->n_rules && i < 4; i++) {
		const struct rulefile_rule *r = &rf->rules[i];
		hs_expr_info_t *info = NULL;
		hs_compile_error_t *ce = NULL;

		if (!r->pattern || strlen(r->pattern) > 64)
			continue;
		if (hs_expression_info(r->pattern, rulecomp_hs_flags(r) | HS_FLAG_ALLOWEMPTY,
				       &info, &ce) == HS_SUCCESS)
			free(info);
		else
			hs_free_compile_error(ce);
	}
	rulefile_free(rf);
	return 0;
}
