/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target for the rule bundle loader: the input as is, then the input
 * with its length field and trailer checksum fixed up (and the checksum of
 * its MODEL section, if any) so that mutations reach the table, database
 * and model checks; a bundle that loads is scanned (block and concatenated,
 * which runs the content model) and freed. An input that starts with the
 * model magic goes to the model loader alone, as is and resealed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sf_bytes.h"
#include "scan/bundle.h"
#include "scan/scan.h"
#include "sf_sha256.h"
#include "score/score.h"

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
	if (scan_bundle_model(b)) {
		const struct score_model *m = scan_bundle_model(b);
		struct score_contrib top[4];

		for (unsigned k = 0; k < m->n_classes; k++)
			(void)score_top_contrib(m, k, texts[2], strlen(texts[2]), top, 4);
	}
}

static void model_alone(const uint8_t *data, size_t size)
{
	static const char *const texts[] = { "", "a", "您的银行卡已被冻结x123", "\xff\xe9\x93" };
	char err[256];
	struct score_model *m = score_model_load(data, size, err, sizeof err);
	uint8_t *c;

	if (m)
		score_model_free(m);
	if (size < 64 || !(c = malloc(size)))
		return;
	memcpy(c, data, size);
	sha256(c, size - 32, c + size - 32);
	m = score_model_load(c, size, err, sizeof err);
	if (m) {
		int32_t sc[SCORE_MAX_CLASSES];
		struct score_contrib top[4];
		unsigned cls;

		for (unsigned i = 0; i < 4; i++) {
			score_text(m, texts[i], strlen(texts[i]), sc);
			(void)score_decide(m, sc, &cls);
			(void)score_top_contrib(m, 0, texts[i], strlen(texts[i]), top, 4);
		}
		score_model_free(m);
	}
	free(c);
}

/* Reseal a MODEL section's own checksum, when the section table says
 * where it is and that lies inside the image. */
static void reseal_model(uint8_t *c, size_t size)
{
	uint32_t n = sf_rd32(c + 144);

	for (uint32_t i = 0; i < n && i < BUNDLE_MAX_SECTIONS; i++) {
		size_t e = BUNDLE_HEADER_LEN + 12 * (size_t)i;
		uint32_t off, len;

		if (!sf_has(size, e, 12))
			return;
		off = sf_rd32(c + e + 4);
		len = sf_rd32(c + e + 8);
		if (sf_rd32(c + e) == BUNDLE_SEC_MODEL && len >= 32 &&
		    sf_has(size - BUNDLE_TRAILER_LEN, off, len))
			sha256(c + off, len - 32, c + off + len - 32);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct scan_bundle *b = scan_bundle_load(data, size, err, sizeof err);
	uint8_t *c;

	if (size >= 8 && memcmp(data, SCORE_MAGIC, 8) == 0) {
		model_alone(data, size);
		return 0;
	}
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
	reseal_model(c, size);
	scan_bundle_seal(c, size);
	b = scan_bundle_load(c, size, err, sizeof err);
	if (b) {
		exercise(b);
		scan_bundle_free(b);
	}
	free(c);
	return 0;
}
