/* SPDX-License-Identifier: BSD-3-Clause */
/* Stream event decoder/validator (notes/LISTS_SPEC.md, "Events"). */
#include <ctype.h>
#include <string.h>

#include "ctl_event.h"
#include "ctl_cfg.h"
#include "ctl_lists.h"
#include "policy_report.h"

const char *ctl_ev_err_name(enum ctl_ev_err e)
{
	static const char *const names[] = {
#define X(id, name) name,
		CTL_EV_ERR_LIST(X)
#undef X
	};
	return (unsigned)e < CTL_EV__ERR_COUNT ? names[e] : "?";
}

enum fld { F_ID, F_TYPE, F_TS, F_DP, F_REPORTER, F_REPORTED, F_FP, F_TEXT, F_CLASS,
	   F_SUBSCRIBER, F_PORT, F_SENDER, F_RECIPIENT, F_RULE, F_REASON, F__N };

static const char *const fld_names[F__N] = { "id", "type", "ts", "dp", "reporter", "reported",
	"fp", "text", "class", "subscriber", "port", "sender", "recipient", "rule", "reason" };

/* Copy a value that must not contain NUL; 0 or the error. */
static enum ctl_ev_err copy(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return CTL_EV_OVERSIZE;
	if (memchr(s, 0, n))
		return CTL_EV_BAD_VALUE;
	memcpy(dst, s, n);
	dst[n] = 0;
	return CTL_EV_OK;
}

static int is_class(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!(islower((unsigned char)*p) || *p == '_' || isdigit((unsigned char)*p)))
			return 0;
	return 1;
}

static int is_hex16(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isxdigit((unsigned char)s[n]))
			return 0;
	return n == 16;
}

/* A number in the one canonical form the lists and the dataplane use
 * (policy_canon_number: "+86 138…", "0086138…", "138…" → "86138…"), so a
 * forged spelling cannot count as another reporter or dodge a block. */
static enum ctl_ev_err number(char *dst, size_t cap, const char *s, size_t n)
{
	if (memchr(s, 0, n))
		return CTL_EV_BAD_VALUE;
	return policy_canon_number(s, n, dst, cap) > 0 ? CTL_EV_OK : CTL_EV_BAD_VALUE;
}

enum ctl_ev_err ctl_event_decode(const char *const *fv, const size_t *lens, size_t n_pairs,
				 struct ctl_event *ev)
{
	const char *v[F__N] = { 0 };
	size_t l[F__N] = { 0 };
	enum ctl_ev_err e;
	char tmp[24];

	memset(ev, 0, sizeof(*ev));
	for (size_t i = 0; i < n_pairs; i++) {
		const char *f = fv[2 * i];
		size_t fl = lens[2 * i];

		for (int k = 0; k < F__N; k++) {
			if (fl != strlen(fld_names[k]) || memcmp(f, fld_names[k], fl))
				continue;
			if (v[k])
				return CTL_EV_DUPLICATE_FIELD;
			v[k] = fv[2 * i + 1];
			l[k] = lens[2 * i + 1];
			/* LISTS_SPEC: text ≤ 1024 bytes; every other field is short */
			if (l[k] > (k == F_TEXT ? CTL_MAX_TEXT : CTL_EV_MAX_FIELD))
				return CTL_EV_OVERSIZE;
		}
	}
	if (!v[F_ID] || !v[F_TYPE] || !v[F_TS])
		return CTL_EV_MISSING_FIELD;
	if ((e = copy(ev->id, sizeof(ev->id), v[F_ID], l[F_ID])) != CTL_EV_OK)
		return e;
	if (!ctl_valid_token(ev->id, CTL_EV_MAX_ID))
		return CTL_EV_BAD_VALUE;
	if ((e = copy(tmp, sizeof(tmp), v[F_TS], l[F_TS])) != CTL_EV_OK)
		return e == CTL_EV_OVERSIZE ? CTL_EV_BAD_VALUE : e;
	if (!ctl_valid_digits(tmp) || strlen(tmp) > 15)
		return CTL_EV_BAD_VALUE;
	for (const char *p = tmp; *p; p++)
		ev->ts_ms = ev->ts_ms * 10 + (*p - '0');
	if (v[F_DP] && ((e = copy(ev->dp, sizeof(ev->dp), v[F_DP], l[F_DP])) != CTL_EV_OK ||
			(l[F_DP] && !ctl_valid_token(ev->dp, 64))))
		return e != CTL_EV_OK ? e : CTL_EV_BAD_VALUE;

	if (l[F_TYPE] == 6 && !memcmp(v[F_TYPE], "report", 6)) {
		ev->type = CTL_EV_REPORT;
		if (!v[F_REPORTER] || !v[F_REPORTED])
			return CTL_EV_MISSING_FIELD;
		if ((e = number(ev->reporter, sizeof(ev->reporter), v[F_REPORTER], l[F_REPORTER])) != CTL_EV_OK)
			return e;
		if (l[F_REPORTED]) {
			if ((e = copy(tmp, sizeof(tmp), v[F_REPORTED], l[F_REPORTED])) != CTL_EV_OK)
				return e;
			if (number(ev->reported, sizeof(ev->reported), v[F_REPORTED], l[F_REPORTED]) == CTL_EV_OK) {
				ev->reported_is_number = 1;
			} else if (ctl_valid_sender(tmp)) {
				for (char *p = tmp; *p; p++)
					*p = (char)toupper((unsigned char)*p);
				memcpy(ev->reported, tmp, strlen(tmp) + 1);
			} else {
				return CTL_EV_BAD_VALUE;
			}
		}
		if (v[F_FP] && l[F_FP]) {
			if ((e = copy(ev->fp, sizeof(ev->fp), v[F_FP], l[F_FP])) != CTL_EV_OK)
				return e == CTL_EV_OVERSIZE ? CTL_EV_BAD_VALUE : e;
			if (!is_hex16(ev->fp))
				return CTL_EV_BAD_VALUE;
			for (char *p = ev->fp; *p; p++)
				*p = (char)tolower((unsigned char)*p);
		}
		if (v[F_TEXT]) {
			if (!ctl_valid_utf8(v[F_TEXT], l[F_TEXT]))
				return CTL_EV_BAD_UTF8;
			memcpy(ev->text, v[F_TEXT], l[F_TEXT]);
			ev->text[l[F_TEXT]] = 0;
			ev->text_len = l[F_TEXT];
		}
		if (v[F_CLASS] && ((e = copy(ev->klass, sizeof(ev->klass), v[F_CLASS], l[F_CLASS])) != CTL_EV_OK ||
				   !is_class(ev->klass)))
			return e != CTL_EV_OK ? e : CTL_EV_BAD_VALUE;
		return CTL_EV_OK;
	}
	if ((l[F_TYPE] == 6 && !memcmp(v[F_TYPE], "shield", 6)) ||
	    (l[F_TYPE] == 8 && !memcmp(v[F_TYPE], "unshield", 8))) {
		ev->type = l[F_TYPE] == 6 ? CTL_EV_SHIELD : CTL_EV_UNSHIELD;
		if (!v[F_SUBSCRIBER] || !v[F_PORT])
			return CTL_EV_MISSING_FIELD;
		if ((e = number(ev->subscriber, sizeof(ev->subscriber), v[F_SUBSCRIBER], l[F_SUBSCRIBER])) != CTL_EV_OK)
			return e;
		return number(ev->port, sizeof(ev->port), v[F_PORT], l[F_PORT]);
	}
	if (l[F_TYPE] == 5 && !memcmp(v[F_TYPE], "block", 5)) {
		ev->type = CTL_EV_BLOCK;
		if (!v[F_SENDER] || !v[F_CLASS])
			return CTL_EV_MISSING_FIELD;
		if ((e = copy(ev->sender, sizeof(ev->sender), v[F_SENDER], l[F_SENDER])) != CTL_EV_OK)
			return e;
		if (*ev->sender == '+')
			memmove(ev->sender, ev->sender + 1, strlen(ev->sender));
		if (ctl_valid_digits(ev->sender)) {
			if ((e = number(ev->sender, sizeof(ev->sender), v[F_SENDER], l[F_SENDER])) != CTL_EV_OK)
				return e;
		} else if (!ctl_valid_sender(ev->sender)) {
			return CTL_EV_BAD_VALUE;
		}
		if ((e = copy(ev->klass, sizeof(ev->klass), v[F_CLASS], l[F_CLASS])) != CTL_EV_OK || !*ev->klass ||
		    !is_class(ev->klass))
			return e != CTL_EV_OK ? e : CTL_EV_BAD_VALUE;
		if (v[F_RECIPIENT] && l[F_RECIPIENT] &&
		    (e = number(ev->recipient, sizeof(ev->recipient), v[F_RECIPIENT], l[F_RECIPIENT])) != CTL_EV_OK)
			return e;
		if (v[F_RULE] && (e = copy(ev->rule, sizeof(ev->rule), v[F_RULE], l[F_RULE])) != CTL_EV_OK)
			return e;
		if (v[F_REASON] && (e = copy(ev->reason, sizeof(ev->reason), v[F_REASON], l[F_REASON])) != CTL_EV_OK)
			return e;
		return CTL_EV_OK;
	}
	return CTL_EV_UNKNOWN_TYPE;
}

enum ctl_ev_err ctl_event_check(const struct ctl_event *ev, const struct ctl_config *cfg, long long now_ms)
{
	if (ev->ts_ms > now_ms + (long long)cfg->max_future_s * 1000 ||
	    ev->ts_ms < now_ms - (long long)cfg->max_age_s * 1000)
		return CTL_EV_TS_SKEW;
	if (!ctl_config_dp_known(cfg, ev->dp))
		return CTL_EV_UNKNOWN_DP;
	return CTL_EV_OK;
}
