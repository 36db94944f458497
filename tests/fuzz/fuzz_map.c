/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz the GSM MAP SMS argument decoders (3GPP TS 29.002 §17.7.6) and, for
 * forwardSM arguments they accept, the TPDU and text inside. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/map.h"
#include "decode/tpdu.h"
#include "sf_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct map_forward_sm fs;
	struct map_sri_sm_arg a;
	struct map_sri_sm_res r;
	struct map_report_sm_ds_arg d;
	struct map_alert_sc_arg al;
	struct map_address addr;
	char digits[SF_DIGITS_MAX + 1];

	(void)map_sri_sm_arg_decode(data, size, &a);
	(void)map_sri_sm_res_decode(data, size, &r);
	(void)map_report_sm_ds_arg_decode(data, size, &d);
	(void)map_alert_sc_arg_decode(data, size, &al);
	(void)map_address_decode(data, size, &addr);
	(void)map_tbcd_digits(data, size, digits, sizeof digits);
	if (map_open_dest_ref(data, size, &addr) == SF_OK && strlen(addr.digits) > SF_DIGITS_MAX)
		abort();
	if (map_forward_sm_decode(data, size, &fs) == SF_OK) {
		static const int ops[] = { SF_MAP_OP_MO_FORWARD_SM, SF_MAP_OP_MT_FORWARD_SM };

		/* sm-RP-UI lies in the input, or (constructed) in the joined buffer */
		if (fs.anomalies & MAP_ANOM_UI_CONSTRUCTED) {
			if (fs.sm_rp_ui.p != fs.ui_buf || fs.sm_rp_ui.len > MAP_UI_BUF_MAX)
				abort();
		} else if (fs.sm_rp_ui.p < data || fs.sm_rp_ui.p + fs.sm_rp_ui.len > data + size) {
			abort();
		}
		if (strlen(fs.da) > SF_DIGITS_MAX || strlen(fs.oa) > SF_DIGITS_MAX)
			abort();
		for (int v = 1; v <= 3; v++) {
			for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
				enum sf_dir dir = map_forward_sm_direction(ops[o], v, &fs);
				struct tpdu_view t;
				char text[1024];

				if (dir != SF_DIR_NONE && tpdu_decode(fs.sm_rp_ui.p, fs.sm_rp_ui.len, dir, &t) == SF_OK)
					(void)tpdu_text_utf8(&t, text, sizeof text, NULL);
			}
		}
	}
	return 0;
}
