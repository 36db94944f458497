/* SPDX-License-Identifier: BSD-3-Clause */
/* Configuration of smsfw-controld and smsfwctl: an INI-style file
 * ("[section]" then "key = value" lines, '#' or ';' comments), defaults,
 * then the environment (SMSFW_REDIS_USER, SMSFW_REDIS_PASSWORD), then the
 * command line. Errors are "file:line: message". CONTROLD.md lists the keys. */
#ifndef CTL_CFG_H
#define CTL_CFG_H

#include <stddef.h>

#define CTL_MAX_PROTECTED 64
#define CTL_MAX_DATAPLANES 64

struct ctl_redis_opts {
	char host[256];
	int port;
	char user[128];
	char password[256];
	unsigned timeout_ms;
	/* Sentinel (ctl_sentinel.h): when sentinels is set, host/port are
	 * ignored and the master is asked of them on every (re)connect */
	char sentinels[512];		/* "host:port, host:port ..." */
	char master_name[64];		/* default "smsfw" */
	unsigned wait_replicas;		/* WAIT for this many replicas after writes (0: no WAIT) */
	unsigned wait_timeout_ms;	/* WAIT timeout */
};

struct ctl_config {
	struct ctl_redis_opts redis;
	/* [reports] */
	unsigned window_s;		/* sliding window of distinct reporters */
	unsigned block_threshold;	/* distinct reporters in window → auto block */
	unsigned block_ttl_s;		/* TTL of an automatic block entry */
	unsigned bot_per_hour;		/* a reporter above this per hour is ignored */
	unsigned sample_texts;		/* reported texts kept per number */
	unsigned text_ttl_s;		/* retention of reported texts */
	unsigned report_ttl_s;		/* retention of per-number report records */
	unsigned fp_ttl_s;		/* retention of per-fingerprint counts */
	unsigned event_id_ttl_s;	/* how long an applied event id is remembered */
	/* [fbs] */
	char protected_senders[CTL_MAX_PROTECTED][24];
	unsigned n_protected;
	unsigned fbs_alert_threshold;	/* qualifying reports in fbs window → alert */
	unsigned fbs_window_s;
	unsigned dlv_ttl_s;		/* TTL dataplanes give delivered markers */
	/* [publish] */
	unsigned debounce_ms;
	unsigned keep_generations;
	unsigned shrink_max_pct;	/* a generation dropping more than this share is held (0 off) */
	unsigned snapshot_every_s;	/* lists changed: a new snapshot at most this often (0: each change) */
	unsigned snapshot_changes;	/* ... or once this many changes were logged since the last */
	/* [events] */
	char consumer[64];
	unsigned batch;			/* XREADGROUP COUNT */
	unsigned block_ms;		/* XREADGROUP BLOCK */
	unsigned claim_idle_ms;		/* XAUTOCLAIM min-idle-time */
	unsigned retain_s;		/* applied stream entries older than this are trimmed */
	unsigned long stream_maxlen;
	unsigned max_future_s;		/* an event ts later than now + this is refused */
	unsigned max_age_s;		/* an event ts earlier than now - this is refused */
	char dataplanes[CTL_MAX_DATAPLANES][65];	/* known dp ids; none: any */
	unsigned n_dataplanes;
	unsigned dp_rate;		/* events a second per dataplane (0: no limit) */
	unsigned dp_burst;		/* bucket size of that limit */
	int dp_over_rate_refuse;	/* over dp_rate: refuse (1) or apply and alarm (0, default) */
	/* [metrics] */
	char metrics_listen[64];
	int metrics_port;		/* 0: disabled */
};

void ctl_config_defaults(struct ctl_config *c);
/* 0, or -1 with "file:line: message" in err. */
int ctl_config_load(struct ctl_config *c, const char *path, char *err, size_t errlen);
/* SMSFW_REDIS_USER / SMSFW_REDIS_PASSWORD / SMSFW_REDIS_HOST / SMSFW_REDIS_PORT /
 * SMSFW_REDIS_SENTINELS / SMSFW_REDIS_MASTER_NAME */
void ctl_config_env(struct ctl_config *c);
/* 1 when sender is in the protected list */
int ctl_config_is_protected(const struct ctl_config *c, const char *sender);
/* 1 when no dataplanes are configured or dp is one of them */
int ctl_config_dp_known(const struct ctl_config *c, const char *dp);
/* "host:port" → opts; 0 or -1 */
int ctl_parse_hostport(struct ctl_redis_opts *o, const char *s);

#endif
