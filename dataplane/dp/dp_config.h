/* SPDX-License-Identifier: BSD-3-Clause */
/* The dataplane's configuration: an INI file read with rte_cfgfile, every
 * key documented in dataplane/CONFIG.md, command-line overrides on top.
 * A bad key or value is refused as "file:line: message". */
#ifndef DP_CONFIG_H
#define DP_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "flow/pipeline.h"
#include "policy/policy_config.h"

#define DP_MAX_PORTS 8
#define DP_PATH_MAX 512

enum dp_mode { DP_MODE_OFFLINE = 0, DP_MODE_TAP, DP_MODE_INLINE };
enum dp_enforce { DP_ENFORCE_MONITOR = 0, DP_ENFORCE_DROP, DP_ENFORCE_SCTP };
/* What SCTP-safe enforcement does with a blocked message (issue 8). */
enum dp_block_action { DP_BLOCK_DROP = 0, DP_BLOCK_REJECT, DP_BLOCK_FAKE_ACK };

struct dp_config {
	/* [dataplane] */
	enum dp_mode mode;
	enum dp_enforce enforcement;
	unsigned workers;		/* worker lcores; 0 = run to completion on the main lcore */
	unsigned burst;
	unsigned tx_batch;		/* decided packets sent in groups of this many (at most) */
	unsigned idle_sleep_max_us;	/* tap/inline: longest idle sleep (dp_idle.h); 0 = busy-poll */
	unsigned mbufs;
	unsigned memory_mb;
	char eal_args[DP_PATH_MAX];	/* extra EAL arguments */
	char id[64];			/* dataplane id in logs/Redis */
	/* [ports] */
	unsigned n_ports;
	char port[DP_MAX_PORTS][DP_PATH_MAX];	/* vdev specs, e.g. net_af_packet0,iface=veth0 */
	int peer[DP_MAX_PORTS];		/* inline pairs: port i forwards to peer[i] */
	/* [rules] */
	char bundle[DP_PATH_MAX];
	char lists[DP_PATH_MAX];
	int fail_block;			/* scan error → block (else pass) */
	/* [flow] */
	struct sf_pipeline_config pipe;
	unsigned concat_max;
	unsigned scan_cache;		/* [flow] scan_cache: entries per worker, 0 = off */
	uint64_t concat_timeout_ns;
	uint64_t replay_guard_ns;	/* offline causal replay window */
	char paths_state[DP_PATH_MAX];	/* multi-homed associations kept across restarts; "" none */
	int nic_checksum;		/* a port that verifies SCTP CRC32c on RX does it */
	/* [output] */
	char out_dir[DP_PATH_MAX];
	char verdicts[DP_PATH_MAX];	/* file name in out_dir; "" = none */
	char events[DP_PATH_MAX];
	char pcapng[DP_PATH_MAX];
	uint64_t rotate_bytes;
	unsigned rotate_keep;
	unsigned retain_days;		/* rotated logs older than this are deleted; 0 = no age limit */
	int log_pass;			/* write pass verdicts (masked) */
	int tagged_text;		/* tagged parts keep numbers and text, and reach the pcapng */
	unsigned log_queue;		/* records in flight to the log writer */
	/* [enforcement] (inline mode with enforcement = sctp) */
	uint8_t block_action[SF_CLASS__COUNT];	/* enum dp_block_action per class */
	uint32_t reject_error;			/* MAP error code in injected ReturnError */
	unsigned enforce_assocs;		/* associations tracked per worker */
	/* [control] (Redis control plane; host "" = none) */
	char redis_host[256];
	unsigned redis_port;
	char redis_user[64];
	char redis_password[256];
	char redis_sentinels[512];	/* "host:port, ..." ("" none: redis_host) */
	char redis_master_name[64];	/* the master the sentinels monitor */
	unsigned redis_wait_replicas;	/* WAIT for this many replicas per event batch */
	unsigned heartbeat_s;
	unsigned dlv_ttl_s;		/* delivery markers of protected senders */
	unsigned long events_maxlen;	/* events stream cap (XADD MAXLEN ~) */
	char journal[512];		/* event journal while Redis is away ("" none) */
	unsigned journal_max_mb;	/* size cap */
	unsigned journal_fsync;		/* 1: fsync after every spill */
	/* policy sections */
	struct policy_config policy;
	/* where it came from */
	char path[DP_PATH_MAX];
};

void dp_config_defaults(struct dp_config *c);

/* Load an INI file on top of c. 0, or -1 with "file:line: message". */
int dp_config_load(struct dp_config *c, const char *path, char *err, size_t errlen);

/* Set one key as if it were in the file (command-line overrides, tests);
 * origin names where it came from ("--set"). */
int dp_config_set(struct dp_config *c, const char *section, const char *key,
		  const char *value, const char *origin, unsigned line, char *err, size_t errlen);

int dp_config_check(const struct dp_config *c, char *err, size_t errlen);

const char *dp_mode_name(enum dp_mode m);

#endif
