/* SPDX-License-Identifier: BSD-3-Clause */
/* INI-style configuration loader for the control plane (format in CONTROLD.md). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_cfg.h"
#include "ctl_sentinel.h"
#include "ctl_lists.h"
#include "policy_report.h"
#include "sf_ini.h"

void ctl_config_defaults(struct ctl_config *c)
{
	static const char *const prot[] = { "10086", "95588", "95533", "95599",
		"95566", "95555", "95559", "95568", "10010", "10000" };

	memset(c, 0, sizeof(*c));
	snprintf(c->redis.host, sizeof(c->redis.host), "127.0.0.1");
	c->redis.port = 6379;
	c->redis.timeout_ms = 2000;
	snprintf(c->redis.master_name, sizeof(c->redis.master_name), "smsfw");
	c->redis.wait_timeout_ms = 1000;
	c->window_s = 3600;
	c->block_threshold = 5;
	c->block_ttl_s = 86400;
	c->bot_per_hour = 30;
	c->sample_texts = 5;
	c->text_ttl_s = 7 * 86400;
	c->report_ttl_s = 30 * 86400;
	c->fp_ttl_s = 7 * 86400;
	c->event_id_ttl_s = 7 * 86400;
	for (size_t i = 0; i < sizeof(prot) / sizeof(prot[0]); i++)
		snprintf(c->protected_senders[c->n_protected++], sizeof(c->protected_senders[0]), "%s", prot[i]);
	c->fbs_alert_threshold = 3;
	c->fbs_window_s = 3600;
	c->dlv_ttl_s = 86400;
	c->debounce_ms = 100;
	c->keep_generations = 5;
	c->shrink_max_pct = 50;
	c->snapshot_every_s = 300;
	c->snapshot_changes = 100000;	/* a quarter of the change log's cap */
	snprintf(c->consumer, sizeof(c->consumer), "controld-1");
	c->batch = 256;
	c->block_ms = 100;
	c->claim_idle_ms = 30000;
	c->retain_s = 7 * 86400;
	c->stream_maxlen = 1000000;
	c->max_future_s = 300;
	c->max_age_s = 7 * 86400;	/* a dataplane journal replays after an outage */
	c->dp_rate = 2000;
	c->dp_burst = 20000;
	snprintf(c->metrics_listen, sizeof(c->metrics_listen), "127.0.0.1");
	c->metrics_port = 9477;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

static int parse_uint(const char *v, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long x;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	x = strtoul(v, &end, 10);
	if (errno || *end || x > max)
		return -1;
	*out = x;
	return 0;
}

static int set_str(char *dst, size_t cap, const char *v)
{
	size_t n = strlen(v);

	if (n >= cap)
		return -1;
	memcpy(dst, v, n + 1);
	return 0;
}

int ctl_parse_hostport(struct ctl_redis_opts *o, const char *s)
{
	const char *colon = strrchr(s, ':');
	unsigned long p;

	if (!colon)
		return set_str(o->host, sizeof(o->host), s);
	if (parse_uint(colon + 1, 65535, &p) < 0 || p == 0 || (size_t)(colon - s) >= sizeof(o->host) || colon == s)
		return -1;
	memcpy(o->host, s, (size_t)(colon - s));
	o->host[colon - s] = 0;
	o->port = (int)p;
	return 0;
}

struct uint_key {
	const char *section, *key;
	size_t off;
	unsigned long min, max;
};

#define UK(s, k, f, mn, mx) { s, k, offsetof(struct ctl_config, f), mn, mx }
static const struct uint_key uint_keys[] = {
	UK("redis", "timeout_ms", redis.timeout_ms, 10, 600000),
	UK("redis", "wait_replicas", redis.wait_replicas, 0, 16),
	UK("redis", "wait_timeout_ms", redis.wait_timeout_ms, 1, 600000),
	UK("reports", "window_s", window_s, 1, 30 * 86400),
	UK("reports", "block_threshold", block_threshold, 1, 1000000),
	UK("reports", "block_ttl_s", block_ttl_s, 1, 3650u * 86400),
	UK("reports", "bot_per_hour", bot_per_hour, 1, 1000000),
	UK("reports", "sample_texts", sample_texts, 0, 1000),
	UK("reports", "text_ttl_s", text_ttl_s, 1, 3650u * 86400),
	UK("reports", "report_ttl_s", report_ttl_s, 1, 3650u * 86400),
	UK("reports", "fp_ttl_s", fp_ttl_s, 1, 3650u * 86400),
	UK("reports", "event_id_ttl_s", event_id_ttl_s, 60, 3650u * 86400),
	UK("fbs", "alert_threshold", fbs_alert_threshold, 1, 1000000),
	UK("fbs", "window_s", fbs_window_s, 1, 30 * 86400),
	UK("fbs", "dlv_ttl_s", dlv_ttl_s, 1, 30 * 86400),
	UK("publish", "debounce_ms", debounce_ms, 0, 10000),
	UK("publish", "keep_generations", keep_generations, 1, 1000),
	UK("publish", "shrink_max_pct", shrink_max_pct, 0, 100),
	UK("publish", "snapshot_every_s", snapshot_every_s, 0, 86400),
	UK("publish", "snapshot_changes", snapshot_changes, 1, 500000),
	UK("events", "batch", batch, 1, 10000),
	UK("events", "block_ms", block_ms, 1, 10000),
	UK("events", "claim_idle_ms", claim_idle_ms, 0, 86400000),
	UK("events", "retain_s", retain_s, 60, 3650u * 86400),
	UK("events", "max_future_s", max_future_s, 0, 86400),
	UK("events", "max_age_s", max_age_s, 60, 3650u * 86400),
	UK("events", "dp_rate", dp_rate, 0, 10000000),
	UK("events", "dp_burst", dp_burst, 1, 100000000),
};

static int apply_kv(struct ctl_config *c, const char *sec, const char *key, char *val,
		    char *msg, size_t msglen)
{
	unsigned long x;

	for (size_t i = 0; i < sizeof(uint_keys) / sizeof(uint_keys[0]); i++) {
		const struct uint_key *u = &uint_keys[i];

		if (strcmp(u->section, sec) || strcmp(u->key, key))
			continue;
		if (parse_uint(val, u->max, &x) < 0 || x < u->min) {
			snprintf(msg, msglen, "%s.%s: expected an integer in [%lu, %lu], got \"%s\"",
				 sec, key, u->min, u->max, val);
			return -1;
		}
		*(unsigned *)(void *)((char *)c + u->off) = (unsigned)x;
		return 0;
	}
	if (!strcmp(sec, "redis")) {
		if (!strcmp(key, "host") && !set_str(c->redis.host, sizeof(c->redis.host), val) && *val)
			return 0;
		if (!strcmp(key, "port") && !parse_uint(val, 65535, &x) && x) {
			c->redis.port = (int)x;
			return 0;
		}
		if (!strcmp(key, "user") && !set_str(c->redis.user, sizeof(c->redis.user), val))
			return 0;
		if (!strcmp(key, "password") && !set_str(c->redis.password, sizeof(c->redis.password), val))
			return 0;
		if (!strcmp(key, "sentinels") || !strcmp(key, "master_name")) {
			struct ctl_sentinel t;
			char e[160];
			int list = key[0] == 's';

			if (set_str(list ? c->redis.sentinels : c->redis.master_name,
				    list ? sizeof(c->redis.sentinels) : sizeof(c->redis.master_name), val) ||
			    (*c->redis.sentinels &&
			     ctl_sentinel_parse(&t, c->redis.sentinels, c->redis.master_name, e, sizeof(e)) < 0)) {
				snprintf(msg, msglen, "redis.%s: %s", key, *c->redis.sentinels ? e : "too long");
				return -1;
			}
			return 0;
		}
		if (!strcmp(key, "host") || !strcmp(key, "port") || !strcmp(key, "user") || !strcmp(key, "password")) {
			snprintf(msg, msglen, "redis.%s: invalid value", key);
			return -1;
		}
	} else if (!strcmp(sec, "fbs") && !strcmp(key, "protected")) {
		char *save = NULL;

		c->n_protected = 0;
		for (char *t = strtok_r(val, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save)) {
			if (c->n_protected == CTL_MAX_PROTECTED ||
			    set_str(c->protected_senders[c->n_protected], sizeof(c->protected_senders[0]), t)) {
				snprintf(msg, msglen, "fbs.protected: too many senders or one too long");
				return -1;
			}
			c->n_protected++;
		}
		return 0;
	} else if (!strcmp(sec, "events") && !strcmp(key, "dataplanes")) {
		char *save = NULL;

		c->n_dataplanes = 0;
		for (char *t = strtok_r(val, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save)) {
			if (c->n_dataplanes == CTL_MAX_DATAPLANES || !ctl_valid_token(t, 64)) {
				snprintf(msg, msglen, "events.dataplanes: more than %d ids or an invalid id",
					 CTL_MAX_DATAPLANES);
				return -1;
			}
			snprintf(c->dataplanes[c->n_dataplanes++], sizeof(c->dataplanes[0]), "%s", t);
		}
		return 0;
	} else if (!strcmp(sec, "events") && !strcmp(key, "dp_over_rate")) {
		/* what an event over dp_rate gets: applied with the burst alarm
		 * (default: verdict state is never dropped) or refused */
		if (!strcmp(val, "alarm") || !strcmp(val, "refuse")) {
			c->dp_over_rate_refuse = !strcmp(val, "refuse");
			return 0;
		}
		snprintf(msg, msglen, "events.dp_over_rate: 'alarm' or 'refuse', not '%s'", val);
		return -1;
	} else if (!strcmp(sec, "events") && !strcmp(key, "consumer")) {
		if (*val && !set_str(c->consumer, sizeof(c->consumer), val) && !strpbrk(val, " \t"))
			return 0;
		snprintf(msg, msglen, "events.consumer: 1-63 characters without spaces");
		return -1;
	} else if (!strcmp(sec, "events") && !strcmp(key, "stream_maxlen")) {
		if (!parse_uint(val, 1000000000ul, &x) && x >= 1000) {
			c->stream_maxlen = x;
			return 0;
		}
		snprintf(msg, msglen, "events.stream_maxlen: expected an integer >= 1000");
		return -1;
	} else if (!strcmp(sec, "metrics") && !strcmp(key, "listen")) {
		if (*val && !set_str(c->metrics_listen, sizeof(c->metrics_listen), val))
			return 0;
		snprintf(msg, msglen, "metrics.listen: invalid address");
		return -1;
	} else if (!strcmp(sec, "numbers") && (!strcmp(key, "country_code") || !strcmp(key, "national_prefix"))) {
		/* the numbering plan of the canonical number form, shared with
		 * the dataplane (policy_canon_number; POLICY.md "Numbers") */
		int cc = key[0] == 'c';

		if (!policy_numbering_set(cc ? val : policy_numbering_cc(), cc ? policy_numbering_np() : val))
			return 0;
		snprintf(msg, msglen, "numbers.%s: expected %s, got \"%s\"", key,
			 cc ? "1-3 digits, not starting with 0" : "1-2 digits", val);
		return -1;
	} else if (!strcmp(sec, "metrics") && !strcmp(key, "port")) {
		if (!parse_uint(val, 65535, &x)) {
			c->metrics_port = (int)x;
			return 0;
		}
		snprintf(msg, msglen, "metrics.port: expected 0-65535");
		return -1;
	}
	snprintf(msg, msglen, "unknown key \"%s\" in section [%s]", key, sec);
	return -1;
}

/* The whole file through sf_ini_lint (NUL bytes, duplicate keys), then
 * back to its start for the line parser. */
static int lint_file(FILE *f, const char *path, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	int rc;

	do {
		if (cap - len < 4096) {
			char *nt = realloc(text, cap + 65536);

			if (!nt) {
				free(text);
				snprintf(err, errlen, "%s: out of memory", path);
				return -1;
			}
			text = nt;
			cap += 65536;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	rc = ferror(f) ? -1 : sf_ini_lint(text, len, path, err, errlen);
	if (ferror(f))
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	free(text);
	rewind(f);
	return rc;
}

int ctl_config_load(struct ctl_config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[1024], sec[32] = "", msg[256];
	unsigned lineno = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (lint_file(f, path, err, errlen) < 0)
		goto fail;
	while (fgets(line, sizeof(line), f)) {
		char *s, *eq;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line too long", path, lineno);
			goto fail;
		}
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *e = strchr(s, ']');

			if (!e || e[1] || (size_t)(e - s - 1) >= sizeof(sec) || e == s + 1) {
				snprintf(err, errlen, "%s:%u: bad section header", path, lineno);
				goto fail;
			}
			*e = 0;
			snprintf(sec, sizeof(sec), "%s", s + 1);
			if (strcmp(sec, "redis") && strcmp(sec, "reports") && strcmp(sec, "fbs") &&
			    strcmp(sec, "publish") && strcmp(sec, "events") && strcmp(sec, "metrics") &&
			    strcmp(sec, "numbers")) {
				snprintf(err, errlen, "%s:%u: unknown section [%s]", path, lineno, sec);
				goto fail;
			}
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%u: expected key = value", path, lineno);
			goto fail;
		}
		if (!*sec) {
			snprintf(err, errlen, "%s:%u: key outside of a [section]", path, lineno);
			goto fail;
		}
		*eq = 0;
		if (apply_kv(c, sec, trim(s), trim(eq + 1), msg, sizeof(msg)) < 0) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, msg);
			goto fail;
		}
	}
	fclose(f);
	/* an event older than its id's marker could be replayed and count
	 * twice; the ts check refuses it only while max_age_s <= the marker TTL */
	if (c->max_age_s > c->event_id_ttl_s) {
		snprintf(err, errlen, "%s: events.max_age_s (%u) exceeds reports.event_id_ttl_s (%u): "
			 "a replayed event would count twice", path, c->max_age_s, c->event_id_ttl_s);
		return -1;
	}
	return 0;
fail:
	fclose(f);
	return -1;
}

void ctl_config_env(struct ctl_config *c)
{
	const char *v;

	if ((v = getenv("SMSFW_REDIS_HOST")) && *v)
		set_str(c->redis.host, sizeof(c->redis.host), v);
	if ((v = getenv("SMSFW_REDIS_PORT")) && atoi(v) > 0 && atoi(v) < 65536)
		c->redis.port = atoi(v);
	if ((v = getenv("SMSFW_REDIS_USER")))
		set_str(c->redis.user, sizeof(c->redis.user), v);
	if ((v = getenv("SMSFW_REDIS_PASSWORD")))
		set_str(c->redis.password, sizeof(c->redis.password), v);
	if ((v = getenv("SMSFW_REDIS_SENTINELS")))
		set_str(c->redis.sentinels, sizeof(c->redis.sentinels), v);
	if ((v = getenv("SMSFW_REDIS_MASTER_NAME")) && *v)
		set_str(c->redis.master_name, sizeof(c->redis.master_name), v);
}

int ctl_config_is_protected(const struct ctl_config *c, const char *sender)
{
	for (unsigned i = 0; i < c->n_protected; i++)
		if (!strcmp(c->protected_senders[i], sender))
			return 1;
	return 0;
}

int ctl_config_dp_known(const struct ctl_config *c, const char *dp)
{
	if (!c->n_dataplanes)
		return 1;
	for (unsigned i = 0; i < c->n_dataplanes; i++)
		if (!strcmp(c->dataplanes[i], dp))
			return 1;
	return 0;
}
