/* SPDX-License-Identifier: BSD-3-Clause */
/* INI configuration with rte_cfgfile. rte_cfgfile does not keep line
 * numbers, so the file is also scanned for where each section/key stands,
 * to refuse a bad one as "file:line: message". */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>

#include "ctl_sentinel.h"
#include "dp_config.h"
#include "sf_ini.h"

const char *dp_mode_name(enum dp_mode m)
{
	return m == DP_MODE_TAP ? "tap" : m == DP_MODE_INLINE ? "inline" : "offline";
}

void dp_config_defaults(struct dp_config *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = DP_MODE_OFFLINE;
	c->enforcement = DP_ENFORCE_MONITOR;
	c->workers = 0;
	c->burst = 32;
	c->tx_batch = 8;
	c->idle_sleep_max_us = 100;
	c->mbufs = 16383;
	c->memory_mb = 1024;
	snprintf(c->id, sizeof(c->id), "dp1");
	for (unsigned i = 0; i < DP_MAX_PORTS; i++)
		c->peer[i] = -1;
	sf_pipeline_config_default(&c->pipe);
	c->concat_max = 16384;
	c->concat_timeout_ns = 60ull * 1000000000ull;
	c->scan_cache = 16384;
	c->replay_guard_ns = 100000;	/* 100 µs */
	c->nic_checksum = 1;
	snprintf(c->out_dir, sizeof(c->out_dir), "out");
	snprintf(c->verdicts, sizeof(c->verdicts), "verdicts.jsonl");
	snprintf(c->events, sizeof(c->events), "events.jsonl");
	snprintf(c->pcapng, sizeof(c->pcapng), "flagged.pcapng");
	c->rotate_bytes = 256ull << 20;
	c->rotate_keep = 8;
	c->retain_days = 30;
	c->log_pass = 1;
	c->log_queue = 8192;
	policy_config_defaults(&c->policy);
	for (unsigned i = 0; i < SF_CLASS__COUNT; i++)
		c->block_action[i] = DP_BLOCK_DROP;
	c->reject_error = 32;	/* TS 29.002 §17.6.6: sm-DeliveryFailure */
	c->enforce_assocs = 1024;	/* ~74 MB of TSN maps per worker, touched only when used */
	c->redis_port = 6379;
	snprintf(c->redis_master_name, sizeof(c->redis_master_name), "smsfw");
	c->journal_max_mb = 256;
	c->journal_fsync = 1;
	c->heartbeat_s = 1;
	c->dlv_ttl_s = 86400;
	c->events_maxlen = 1000000;
}

static int parse_u64(const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long x;

	if (!*v || *v == '-')
		return -1;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || *end || x < min || x > max)
		return -1;
	*out = x;
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "0"))
		*out = 0;
	else
		return -1;
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

#define FAIL(...) do { \
	int n_ = snprintf(err, errlen, "%s:%u: ", origin, line); \
	if (n_ > 0 && (size_t)n_ < errlen) snprintf(err + n_, errlen - (size_t)n_, __VA_ARGS__); \
	return -1; \
} while (0)

int dp_config_set(struct dp_config *c, const char *sec, const char *key,
		  const char *v, const char *origin, unsigned line, char *err, size_t errlen)
{
	uint64_t u;
	int b;

	if (policy_config_owns_section(sec)) {
		char perr[256];

		if (policy_config_set(&c->policy, sec, key, v, perr, sizeof(perr)))
			FAIL("%s", perr);
		return 0;
	}
	if (!strcmp(sec, "dataplane")) {
		if (!strcmp(key, "mode")) {
			if (!strcmp(v, "offline")) c->mode = DP_MODE_OFFLINE;
			else if (!strcmp(v, "tap")) c->mode = DP_MODE_TAP;
			else if (!strcmp(v, "inline")) c->mode = DP_MODE_INLINE;
			else FAIL("dataplane.mode: '%s' is not offline, tap or inline", v);
		} else if (!strcmp(key, "enforcement")) {
			if (!strcmp(v, "monitor")) c->enforcement = DP_ENFORCE_MONITOR;
			else if (!strcmp(v, "drop")) c->enforcement = DP_ENFORCE_DROP;
			else if (!strcmp(v, "sctp")) c->enforcement = DP_ENFORCE_SCTP;
			else FAIL("dataplane.enforcement: '%s' is not monitor, drop or sctp", v);
		} else if (!strcmp(key, "workers")) {
			if (parse_u64(v, 0, 64, &u)) FAIL("dataplane.workers: '%s' is not 0..64", v);
			c->workers = (unsigned)u;
		} else if (!strcmp(key, "burst")) {
			if (parse_u64(v, 1, 512, &u)) FAIL("dataplane.burst: '%s' is not 1..512", v);
			c->burst = (unsigned)u;
		} else if (!strcmp(key, "tx_batch")) {
			if (parse_u64(v, 1, 512, &u)) FAIL("dataplane.tx_batch: '%s' is not 1..512", v);
			c->tx_batch = (unsigned)u;
		} else if (!strcmp(key, "idle_sleep_max_us")) {
			if (parse_u64(v, 0, 10000, &u)) FAIL("dataplane.idle_sleep_max_us: '%s' is not 0..10000", v);
			c->idle_sleep_max_us = (unsigned)u;
		} else if (!strcmp(key, "mbufs")) {
			if (parse_u64(v, 1023, 1u << 22, &u)) FAIL("dataplane.mbufs: '%s' is not 1023..4194304", v);
			c->mbufs = (unsigned)u;
		} else if (!strcmp(key, "memory_mb")) {
			if (parse_u64(v, 64, 1u << 20, &u)) FAIL("dataplane.memory_mb: '%s' is not 64..1048576", v);
			c->memory_mb = (unsigned)u;
		} else if (!strcmp(key, "eal_args")) {
			if (set_str(c->eal_args, sizeof(c->eal_args), v)) FAIL("dataplane.eal_args: too long");
		} else if (!strcmp(key, "id")) {
			if (!*v || set_str(c->id, sizeof(c->id), v)) FAIL("dataplane.id: empty or longer than 63");
		} else {
			FAIL("unknown key '%s' in [dataplane]", key);
		}
		return 0;
	}
	if (!strcmp(sec, "ports")) {
		if (!strncmp(key, "port", 4) && isdigit((unsigned char)key[4])) {
			if (parse_u64(key + 4, 0, DP_MAX_PORTS - 1, &u)) FAIL("ports: '%s': ports are port0..port%d", key, DP_MAX_PORTS - 1);
			if (set_str(c->port[u], sizeof(c->port[u]), v) || !*v) FAIL("ports.%s: empty or too long", key);
			if (u + 1 > c->n_ports)
				c->n_ports = (unsigned)u + 1;
		} else if (!strcmp(key, "pairs")) {
			/* "0:1 2:3" */
			const char *s = v;

			while (*s) {
				unsigned a, p;
				int n = 0;

				while (*s == ' ' || *s == ',')
					s++;
				if (!*s)
					break;
				if (sscanf(s, "%u:%u%n", &a, &p, &n) != 2 || a >= DP_MAX_PORTS || p >= DP_MAX_PORTS || a == p)
					FAIL("ports.pairs: '%s' is not a list of A:B port pairs", v);
				c->peer[a] = (int)p;
				c->peer[p] = (int)a;
				s += n;
			}
		} else {
			FAIL("unknown key '%s' in [ports]", key);
		}
		return 0;
	}
	if (!strcmp(sec, "rules")) {
		if (!strcmp(key, "bundle")) {
			if (set_str(c->bundle, sizeof(c->bundle), v)) FAIL("rules.bundle: path too long");
		} else if (!strcmp(key, "lists")) {
			if (set_str(c->lists, sizeof(c->lists), v)) FAIL("rules.lists: path too long");
		} else if (!strcmp(key, "fail_mode")) {
			if (!strcmp(v, "open") || !strcmp(v, "pass")) c->fail_block = 0;
			else if (!strcmp(v, "closed") || !strcmp(v, "block")) c->fail_block = 1;
			else FAIL("rules.fail_mode: '%s' is not open or closed", v);
		} else {
			FAIL("unknown key '%s' in [rules]", key);
		}
		return 0;
	}
	if (!strcmp(sec, "flow")) {
		if (!strcmp(key, "associations")) {
			if (parse_u64(v, 16, 1u << 24, &u)) FAIL("flow.associations: '%s' is not 16..16777216", v);
			c->pipe.max_assocs = (unsigned)u;
		} else if (!strcmp(key, "dialogues")) {
			if (parse_u64(v, 16, 1u << 26, &u)) FAIL("flow.dialogues: '%s' is not 16..67108864", v);
			c->pipe.max_dialogues = (unsigned)u;
		} else if (!strcmp(key, "reassembly")) {
			if (parse_u64(v, 1, 1u << 20, &u)) FAIL("flow.reassembly: '%s' is not 1..1048576", v);
			c->pipe.max_reasm = (unsigned)u;
		} else if (!strcmp(key, "reassembly_bytes")) {
			if (parse_u64(v, 272, 1u << 20, &u)) FAIL("flow.reassembly_bytes: '%s' is not 272..1048576", v);
			c->pipe.max_reasm_len = (size_t)u;
		} else if (!strcmp(key, "dialogue_timeout_s")) {
			if (parse_u64(v, 1, 86400, &u)) FAIL("flow.dialogue_timeout_s: '%s' is not 1..86400", v);
			c->pipe.dialogue_timeout_ns = u * 1000000000ull;
		} else if (!strcmp(key, "reassembly_timeout_s")) {
			if (parse_u64(v, 1, 3600, &u)) FAIL("flow.reassembly_timeout_s: '%s' is not 1..3600", v);
			c->pipe.reasm_timeout_ns = u * 1000000000ull;
		} else if (!strcmp(key, "concat")) {
			if (parse_u64(v, 16, 1u << 24, &u)) FAIL("flow.concat: '%s' is not 16..16777216", v);
			c->concat_max = (unsigned)u;
		} else if (!strcmp(key, "scan_cache")) {
			if (parse_u64(v, 0, 1u << 24, &u)) FAIL("flow.scan_cache: '%s' is not 0..16777216", v);
			c->scan_cache = (unsigned)u;
		} else if (!strcmp(key, "concat_timeout_s")) {
			if (parse_u64(v, 1, 86400, &u)) FAIL("flow.concat_timeout_s: '%s' is not 1..86400", v);
			c->concat_timeout_ns = u * 1000000000ull;
		} else if (!strcmp(key, "replay_guard_us")) {
			if (parse_u64(v, 0, 10000000, &u)) FAIL("flow.replay_guard_us: '%s' is not 0..10000000", v);
			c->replay_guard_ns = u * 1000;
		} else if (!strcmp(key, "paths_state")) {
			if (set_str(c->paths_state, sizeof(c->paths_state), v)) FAIL("flow.paths_state: too long");
		} else if (!strcmp(key, "verify_checksum")) {
			if (parse_bool(v, &b)) FAIL("flow.verify_checksum: '%s' is not yes or no", v);
			c->pipe.verify_checksum = b;
		} else if (!strcmp(key, "nic_checksum")) {
			if (parse_bool(v, &b)) FAIL("flow.nic_checksum: '%s' is not yes or no", v);
			c->nic_checksum = b;
		} else {
			FAIL("unknown key '%s' in [flow]", key);
		}
		return 0;
	}
	if (!strcmp(sec, "output")) {
		if (!strcmp(key, "dir")) {
			if (!*v || set_str(c->out_dir, sizeof(c->out_dir), v)) FAIL("output.dir: empty or too long");
		} else if (!strcmp(key, "verdicts")) {
			if (set_str(c->verdicts, sizeof(c->verdicts), v)) FAIL("output.verdicts: too long");
		} else if (!strcmp(key, "events")) {
			if (set_str(c->events, sizeof(c->events), v)) FAIL("output.events: too long");
		} else if (!strcmp(key, "pcapng")) {
			if (set_str(c->pcapng, sizeof(c->pcapng), v)) FAIL("output.pcapng: too long");
		} else if (!strcmp(key, "rotate_mb")) {
			if (parse_u64(v, 1, 1u << 20, &u)) FAIL("output.rotate_mb: '%s' is not 1..1048576", v);
			c->rotate_bytes = u << 20;
		} else if (!strcmp(key, "rotate_keep")) {
			if (parse_u64(v, 1, 1000, &u)) FAIL("output.rotate_keep: '%s' is not 1..1000", v);
			c->rotate_keep = (unsigned)u;
		} else if (!strcmp(key, "retain_days")) {
			if (parse_u64(v, 0, 3650, &u)) FAIL("output.retain_days: '%s' is not 0..3650", v);
			c->retain_days = (unsigned)u;
		} else if (!strcmp(key, "log_pass")) {
			if (parse_bool(v, &b)) FAIL("output.log_pass: '%s' is not yes or no", v);
			c->log_pass = b;
		} else if (!strcmp(key, "tagged_text")) {
			if (parse_bool(v, &b)) FAIL("output.tagged_text: '%s' is not yes or no", v);
			c->tagged_text = b;
		} else if (!strcmp(key, "log_queue")) {
			if (parse_u64(v, 64, 1u << 20, &u)) FAIL("output.log_queue: '%s' is not 64..1048576", v);
			c->log_queue = (unsigned)u;
		} else {
			FAIL("unknown key '%s' in [output]", key);
		}
		return 0;
	}
	if (!strcmp(sec, "enforcement")) {
		if (!strncmp(key, "action.", 7)) {
			unsigned cl;
			uint8_t a;

			for (cl = 1; cl < SF_CLASS__COUNT; cl++)
				if (!strcmp(key + 7, sf_class_name(cl)))
					break;
			if (cl >= SF_CLASS__COUNT && strcmp(key + 7, "default"))
				FAIL("enforcement.%s: '%s' is not a class", key, key + 7);
			if (!strcmp(v, "drop")) a = DP_BLOCK_DROP;
			else if (!strcmp(v, "reject")) a = DP_BLOCK_REJECT;
			else if (!strcmp(v, "fake-ack")) a = DP_BLOCK_FAKE_ACK;
			else FAIL("enforcement.%s: '%s' is not drop, reject or fake-ack", key, v);
			if (cl >= SF_CLASS__COUNT) {
				for (cl = 0; cl < SF_CLASS__COUNT; cl++)
					c->block_action[cl] = a;
			} else {
				c->block_action[cl] = a;
			}
		} else if (!strcmp(key, "reject_error")) {
			if (parse_u64(v, 0, 255, &u)) FAIL("enforcement.reject_error: '%s' is not a MAP error code 0..255", v);
			c->reject_error = (uint32_t)u;
		} else if (!strcmp(key, "associations")) {
			if (parse_u64(v, 16, 1u << 24, &u)) FAIL("enforcement.associations: '%s' is not 16..16777216", v);
			c->enforce_assocs = (unsigned)u;
		} else {
			FAIL("unknown key '%s' in [enforcement]", key);
		}
		return 0;
	}
	if (!strcmp(sec, "control")) {
		if (!strcmp(key, "redis_host")) {
			if (set_str(c->redis_host, sizeof(c->redis_host), v)) FAIL("control.redis_host: too long");
		} else if (!strcmp(key, "redis_port")) {
			if (parse_u64(v, 1, 65535, &u)) FAIL("control.redis_port: '%s' is not 1..65535", v);
			c->redis_port = (unsigned)u;
		} else if (!strcmp(key, "redis_user")) {
			if (set_str(c->redis_user, sizeof(c->redis_user), v)) FAIL("control.redis_user: too long");
		} else if (!strcmp(key, "redis_password")) {
			if (set_str(c->redis_password, sizeof(c->redis_password), v)) FAIL("control.redis_password: too long");
		} else if (!strcmp(key, "redis_sentinels")) {
			struct ctl_sentinel t;
			char e[160];

			if (set_str(c->redis_sentinels, sizeof(c->redis_sentinels), v)) FAIL("control.redis_sentinels: too long");
			if (ctl_sentinel_parse(&t, v, "smsfw", e, sizeof(e)) < 0) FAIL("control.redis_sentinels: %s", e);
		} else if (!strcmp(key, "redis_master_name")) {
			struct ctl_sentinel t;
			char e[160];

			if (set_str(c->redis_master_name, sizeof(c->redis_master_name), v) ||
			    ctl_sentinel_parse(&t, "h:1", v, e, sizeof(e)) < 0)
				FAIL("control.redis_master_name: 1-63 characters of A-Z a-z 0-9 . _ -");
		} else if (!strcmp(key, "redis_wait_replicas")) {
			if (parse_u64(v, 0, 16, &u)) FAIL("control.redis_wait_replicas: '%s' is not 0..16", v);
			c->redis_wait_replicas = (unsigned)u;
		} else if (!strcmp(key, "dlv_ttl_s")) {
			if (parse_u64(v, 60, 30 * 86400, &u)) FAIL("control.dlv_ttl_s: '%s' is not 60..2592000", v);
			c->dlv_ttl_s = (unsigned)u;
		} else if (!strcmp(key, "events_maxlen")) {
			if (parse_u64(v, 1000, 1000000000, &u)) FAIL("control.events_maxlen: '%s' is not 1000..1000000000", v);
			c->events_maxlen = (unsigned long)u;
		} else if (!strcmp(key, "heartbeat_s")) {
			if (parse_u64(v, 1, 3600, &u)) FAIL("control.heartbeat_s: '%s' is not 1..3600", v);
			c->heartbeat_s = (unsigned)u;
		} else if (!strcmp(key, "journal")) {
			if (set_str(c->journal, sizeof(c->journal), v)) FAIL("control.journal: too long");
		} else if (!strcmp(key, "journal_max_mb")) {
			if (parse_u64(v, 1, 1u << 20, &u)) FAIL("control.journal_max_mb: '%s' is not 1..1048576", v);
			c->journal_max_mb = (unsigned)u;
		} else if (!strcmp(key, "journal_fsync")) {
			if (!strcmp(v, "always"))
				c->journal_fsync = 1;
			else if (!strcmp(v, "never"))
				c->journal_fsync = 0;
			else
				FAIL("control.journal_fsync: '%s' is not always or never", v);
		} else {
			FAIL("unknown key '%s' in [control]", key);
		}
		return 0;
	}
	FAIL("unknown section [%s]", sec);
}

/* Line of "key" in "[section]" of the file text, or of the section header
 * when key is NULL; 0 if not found. */
static unsigned find_line(const char *text, const char *section, const char *key)
{
	unsigned line = 0;
	int in = 0;
	const char *s = text;

	while (*s) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		const char *p = s;

		line++;
		while (p < s + n && isspace((unsigned char)*p))
			p++;
		if (p < s + n && *p == '[') {
			const char *q = memchr(p, ']', (size_t)(s + n - p));

			in = q && (size_t)(q - p - 1) == strlen(section) &&
			     !strncmp(p + 1, section, strlen(section));
			if (in && !key)
				return line;
		} else if (in && key) {
			size_t kl = strlen(key);

			if ((size_t)(s + n - p) >= kl && !strncmp(p, key, kl)) {
				const char *q = p + kl;

				while (q < s + n && (*q == ' ' || *q == '\t'))
					q++;
				if (q < s + n && *q == '=')
					return line;
			}
		}
		s = e ? e + 1 : s + n;
	}
	return 0;
}

int dp_config_load(struct dp_config *c, const char *path, char *err, size_t errlen)
{
	struct rte_cfgfile_parameters params = { .comment_character = '#' };
	struct rte_cfgfile *cf;
	struct dp_config tmp = *c;
	char *text = NULL;
	FILE *f;
	long n;
	int nsec, rc = -1;
	char (*names)[CFG_NAME_LEN] = NULL;

	f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
	if (!text || (n > 0 && fread(text, 1, (size_t)n, f) != (size_t)n)) {
		snprintf(err, errlen, "%s: cannot read", path);
		fclose(f);
		free(text);
		return -1;
	}
	fclose(f);
	/* rte_cfgfile would cut a value at a NUL and let a repeated key win
	 * silently: refuse both, with the line */
	if (sf_ini_lint(text, (size_t)(n > 0 ? n : 0), path, err, errlen)) {
		free(text);
		return -1;
	}

	/* "key =" is a value: the empty string, which CONFIG.md gives a
	 * meaning where one exists ("verdicts =": no verdict log) and which
	 * every number, switch and name refuses with its line */
	cf = rte_cfgfile_load_with_params(path, CFG_FLAG_EMPTY_VALUES, &params);
	if (!cf) {
		/* rte_cfgfile refuses lines it cannot parse without saying which:
		 * find the first line that is neither blank, comment, [section]
		 * nor key = value. */
		unsigned line = 0;
		const char *s = text;

		while (*s) {
			const char *e = strchr(s, '\n');
			size_t len = e ? (size_t)(e - s) : strlen(s);
			const char *p = s;

			line++;
			while (p < s + len && isspace((unsigned char)*p))
				p++;
			if (p < s + len && *p != '#' && *p != ';' &&
			    !(*p == '[' && memchr(p, ']', (size_t)(s + len - p))) &&
			    !memchr(p, '=', (size_t)(s + len - p)))
				break;
			s = e ? e + 1 : s + len;
		}
		snprintf(err, errlen, "%s:%u: not a [section] or key = value line", path, line ? line : 1);
		free(text);
		return -1;
	}
	nsec = rte_cfgfile_num_sections(cf, NULL, 0);
	names = calloc((size_t)(nsec > 0 ? nsec : 1), sizeof(*names));
	if (!names) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	{
		char *ptrs[64];

		if (nsec > 64) {
			snprintf(err, errlen, "%s: more than 64 sections", path);
			goto out;
		}
		for (int i = 0; i < nsec; i++)
			ptrs[i] = names[i];
		rte_cfgfile_sections(cf, ptrs, nsec);
		for (int i = 0; i < nsec; i++) {
			int ne = rte_cfgfile_section_num_entries(cf, ptrs[i]);
			struct rte_cfgfile_entry *ents;

			if (ne < 0)
				continue;
			ents = calloc((size_t)(ne ? ne : 1), sizeof(*ents));
			if (!ents) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
			rte_cfgfile_section_entries(cf, ptrs[i], ents, ne);
			if (ne == 0 && !policy_config_owns_section(ptrs[i]) &&
			    strcmp(ptrs[i], "dataplane") && strcmp(ptrs[i], "ports") &&
			    strcmp(ptrs[i], "rules") && strcmp(ptrs[i], "flow") && strcmp(ptrs[i], "output") &&
			    strcmp(ptrs[i], "enforcement") && strcmp(ptrs[i], "control")) {
				snprintf(err, errlen, "%s:%u: unknown section [%s]", path,
					 find_line(text, ptrs[i], NULL), ptrs[i]);
				free(ents);
				goto out;
			}
			for (int k = 0; k < ne; k++) {
				unsigned line = find_line(text, ptrs[i], ents[k].name);

				if (dp_config_set(&tmp, ptrs[i], ents[k].name, ents[k].value,
						  path, line, err, errlen)) {
					free(ents);
					goto out;
				}
			}
			free(ents);
		}
	}
	snprintf(tmp.path, sizeof(tmp.path), "%s", path);
	*c = tmp;
	rc = 0;
out:
	free(names);
	free(text);
	rte_cfgfile_close(cf);
	return rc;
}

int dp_config_check(const struct dp_config *c, char *err, size_t errlen)
{
	char perr[256];

	if (policy_config_check(&c->policy, perr, sizeof(perr))) {
		snprintf(err, errlen, "%s", perr);
		return -1;
	}
	if (c->mode == DP_MODE_INLINE) {
		for (unsigned i = 0; i < c->n_ports; i++)
			if (c->port[i][0] && c->peer[i] < 0) {
				snprintf(err, errlen, "inline mode: port%u has no peer in ports.pairs", i);
				return -1;
			}
	}
	if (c->mode != DP_MODE_OFFLINE && c->n_ports == 0) {
		snprintf(err, errlen, "%s mode needs at least one port in [ports]", dp_mode_name(c->mode));
		return -1;
	}
	return 0;
}
