/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz the SMS TPDU decoder (3GPP TS 23.040) in both directions, with the
 * text, validity period and timestamp helpers on whatever it accepts. */
#include <stdint.h>
#include <stdlib.h>

#include "decode/tpdu.h"

static void one(const uint8_t *data, size_t size, enum sf_dir dir)
{
	struct tpdu_view v;
	char text[1024], ts[32];
	uint32_t replaced = 0, secs;
	int n;

	if (tpdu_decode(data, size, dir, &v) != SF_OK)
		return;
	/* the views stay inside the input */
	if (v.ud.len && (v.ud.p < data || v.ud.p + v.ud.len > data + size))
		abort();
	if (v.text_bytes.len && (v.text_bytes.p < data || v.text_bytes.p + v.text_bytes.len > data + size))
		abort();
	n = tpdu_text_utf8(&v, text, sizeof text, &replaced);
	if (n >= 0 && (size_t)n >= sizeof text)
		abort();
	(void)tpdu_text_utf8(&v, text, 8, &replaced);
	(void)tpdu_vp_seconds(&v, &secs);
	if (v.has_scts)
		(void)tpdu_ts_format(v.scts, ts, sizeof ts);
	if (v.vpf == TPDU_VPF_ABSOLUTE && v.vp.len == 7)
		(void)tpdu_ts_format(v.vp.p, ts, sizeof ts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, SF_DIR_MO);
	one(data, size, SF_DIR_MT);
	return 0;
}
