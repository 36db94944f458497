/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target for the rule bundle loader: the input as is, then the input
 * with its length field and trailer checksum fixed up so that mutations
 * reach the table and database checks; a bundle that loads is scanned
 * (block and concatenated) and freed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sf_bytes.h"
#include "scan/bundle.h"
#include "scan/scan.h"

static void exercise(struct scan_bundle *b)
{
	static const char *const texts[] = { "", "abc", "您的银行卡已被冻结", "验证码123456" };
	struct scan_scratch *s = scan_scratch_create(b);
	struct scan_concat *c = scan_concat_create(8, 1000);
	struct scan_result r;
	unsigned n = scan_bundle_rule_count(b);

	for (unsigned i = 0; i < n && i < 4; i++) {
		const struct rule_info *ri = scan_bundle_rule_at(b, i);

		if (scan_bundle_rule(b, ri->id) != ri || !ri->desc || !ri->pattern || !ri->src)
			abort();
		(void)scan_bundle_sender_set_name(b, ri->sender_set);
	}
	if (s && c) {
		for (unsigned i = 0; i < 4; i++) {
			scan_block(b, s, texts[i], strlen(texts[i]), i & 1 ? "95588" : NULL, &r);
			scan_concat_part(c, b, s, 1, (uint8_t)(i % 2 + 1), 2, texts[i], strlen(texts[i]),
					 "10086", i, &r);
		}
	}
	scan_concat_free(c);
	scan_scratch_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct scan_bundle *b = scan_bundle_load(data, size, err, sizeof err);
	uint8_t *c;

	if (b) {
		exercise(b);
		scan_bundle_free(b);
	}
	if (size < BUNDLE_HEADER_LEN + BUNDLE_TRAILER_LEN)
		return 0;
	c = malloc(size);
	if (!c)
		return 0;
	memcpy(c, data, size);
	sf_wr32(c + 16, 0);
	sf_wr32(c + 20, (uint32_t)size);
	scan_bundle_seal(c, size);
	b = scan_bundle_load(c, size, err, sizeof err);
	if (b) {
		exercise(b);
		scan_bundle_free(b);
	}
	free(c);
	return 0;
}
