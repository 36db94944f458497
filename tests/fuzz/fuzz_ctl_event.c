/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target for smsfw-controld's event decoder and checks
 * (control/ctl_event.h): any stream entry a Redis client can XADD. Input:
 * strings of one length byte then that many bytes (field, value, ...).
 * An accepted event must hold only what the decoder promises: NUL-ended
 * fields, canonical digit numbers, a ts of at most 15 digits; the checks
 * must keep a ts they accept within the configured skew. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_cfg.h"
#include "ctl_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void digits_only(const char *s, size_t cap, int may_be_empty)
{
	size_t n = strnlen(s, cap);

	if (n == cap || (!n && !may_be_empty))
		abort();
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctl_event ev;
	static struct ctl_config cfg;
	static int init;
	const char *fv[64];
	size_t lens[64], n = 0, off = 0;
	const long long now = 1800000000000LL;
	enum ctl_ev_err e;

	if (!init) {
		ctl_config_defaults(&cfg);
		snprintf(cfg.dataplanes[0], sizeof(cfg.dataplanes[0]), "dp-a");
		cfg.n_dataplanes = 1;
		init = 1;
	}
	while (off < size && n < 64) {
		size_t l = data[off++];

		if (l > size - off)
			l = size - off;
		fv[n] = (const char *)data + off;
		lens[n++] = l;
		off += l;
	}
	e = ctl_event_decode(fv, lens, n / 2, &ev);
	if ((unsigned)e >= CTL_EV__ERR_COUNT || !strcmp(ctl_ev_err_name(e), "?"))
		abort();
	if (e != CTL_EV_OK)
		return 0;
	if (ev.ts_ms < 0 || ev.ts_ms > 999999999999999LL || !ev.id[0] || strnlen(ev.dp, sizeof(ev.dp)) == sizeof(ev.dp))
		abort();
	switch (ev.type) {
	case CTL_EV_REPORT:
		digits_only(ev.reporter, sizeof(ev.reporter), 0);
		if (ev.reported_is_number)
			digits_only(ev.reported, sizeof(ev.reported), 0);
		if (ev.text_len > 1024 || memchr(ev.text, 0, ev.text_len))
			abort();
		break;
	case CTL_EV_SHIELD:
	case CTL_EV_UNSHIELD:
		digits_only(ev.subscriber, sizeof(ev.subscriber), 0);
		digits_only(ev.port, sizeof(ev.port), 0);
		break;
	case CTL_EV_BLOCK:
		digits_only(ev.recipient, sizeof(ev.recipient), 1);
		break;
	default:
		abort();
	}
	e = ctl_event_check(&ev, &cfg, now);
	if (e == CTL_EV_OK && (ev.ts_ms > now + (long long)cfg.max_future_s * 1000 ||
			       ev.ts_ms < now - (long long)cfg.max_age_s * 1000 || strcmp(ev.dp, "dp-a")))
		abort();
	if (e != CTL_EV_OK && e != CTL_EV_TS_SKEW && e != CTL_EV_UNKNOWN_DP)
		abort();
	return 0;
}
