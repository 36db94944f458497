/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target for the lists-generation loader (LISTS_SPEC.md): parse the
 * input; on success look up every token of the input in every table,
 * check that the same text parses again to the same counts, then apply
 * every line as a change-log delete (policy_lists_apply): afterwards no
 * entry is left, and every refusal says "change:<rev>:". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy_lists.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct policy_lists *l, *again;
	struct policy_lists_counts c1, c2;
	char *copy;
	size_t i = 0;

	l = policy_lists_parse_at((const char *)data, size, "fuzz", 1000, err, sizeof(err));
	if (!l) {
		/* a refusal always says where */
		if (strncmp(err, "fuzz:", 5) != 0)
			abort();
		return 0;
	}
	policy_lists_counts(l, &c1);
	again = policy_lists_parse_at((const char *)data, size, "fuzz", 1000, err, sizeof(err));
	if (!again)
		abort();
	policy_lists_counts(again, &c2);
	if (memcmp(&c1, &c2, sizeof(c1)) != 0)
		abort();
	policy_lists_free(again);

	/* every whitespace-separated token as a number, sender, GT, IMSI */
	copy = malloc(size + 1);
	if (!copy) {
		policy_lists_free(l);
		return 0;
	}
	memcpy(copy, data, size);
	copy[size] = 0;
	while (i < size) {
		struct policy_list_match m;
		const char *tok;

		while (i < size && (copy[i] == ' ' || copy[i] == '\t' || copy[i] == '\n' ||
				    copy[i] == '\r' || copy[i] == 0))
			i++;
		tok = copy + i;
		while (i < size && copy[i] != ' ' && copy[i] != '\t' && copy[i] != '\n' &&
		       copy[i] != '\r' && copy[i] != 0)
			i++;
		if (i < size)
			copy[i++] = 0;
		for (int w = 0; w < 2; w++) {
			if (policy_lists_number(l, (enum policy_list)w, tok, &m) && !m.key)
				abort();
			policy_lists_sender(l, (enum policy_list)w, tok, &m);
			policy_lists_gt(l, (enum policy_list)w, tok, &m);
		}
		policy_lists_shielded(l, tok, tok, &m);
		policy_lists_imsi(l, tok);
	}
	free(copy);

	{
		size_t off = 0;
		uint64_t rev = 1;

		while (off < size) {
			const uint8_t *nl = memchr(data + off, '\n', size - off);
			size_t n = nl ? (size_t)(nl - (data + off)) : size - off;
			int rc;

			if (n && data[off + n - 1] == '\r')
				n--;
			rc = policy_lists_apply(l, rev, 0, (const char *)data + off, n, 1000, err, sizeof(err));
			if (rc < -2 || rc > 1 || (rc < 0 && strncmp(err, "change:", 7) != 0))
				abort();
			if (policy_lists_rev(l) != (rc == -2 ? rev - 1 : rev))
				abort();
			rev++;
			off += nl ? (size_t)(nl - (data + off)) + 1 : size - off;
		}
		policy_lists_counts(l, &c2);
		for (int w = 0; w < 2; w++)
			for (int t = 0; t < 4; t++)
				if (c2.entries[w][t])
					abort();
		if (c2.shields || c2.imsi)
			abort();
	}
	policy_lists_free(l);
	return 0;
}
