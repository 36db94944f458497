/* SPDX-License-Identifier: BSD-3-Clause */
/* The dataplane's side of the control plane: a Redis client that runs in
 * its own thread (never on an lcore) and
 *  - appends events to the {smsfw}:events stream (XADD MAXLEN ~), with the
 *    event id <dp-id>:<boot-ms>:<producer>.<seq> so that a resend after a
 *    lost reply is recognised by smsfw-controld as the same event;
 *  - writes delivered markers smsfw:{s:<recipient>}:dlv:<sender> (SET EX);
 *  - fetches the committed lists generation on start, on every reconnect
 *    and on every PUBLISH on {smsfw}:gen, and hands it to on_generation
 *    (likewise rule bundles via {smsfw}:rules and on_rules);
 *  - with on_change set, a generation is a snapshot taken once (at start,
 *    when the dataplane fell behind the change log's first entry, when
 *    Redis's rev went backwards, or on sfdp_lists_resync) and then the
 *    lists change log {smsfw}:lists:log is followed from the snapshot's
 *    rev (XREAD on every PUBLISH on {smsfw}:lists:chg and once a second):
 *    each entry is handed to on_change in rev order, exactly once per
 *    snapshot (control/ctl_log.h);
 *  - writes a heartbeat hash {smsfw}:dp:<id> (version, time, counters) with
 *    a TTL;
 *  - reconnects with exponential backoff; while Redis is away the dataplane
 *    keeps the last generation it was given (nothing is called).
 *
 * Hand-over from the fast path: each producing thread (one per lcore) gets
 * its own struct sfdp_producer, a lock-free single-producer/single-consumer
 * ring of fixed-size slots (C11 acquire/release on head and tail, no locks,
 * no allocation, no syscalls: the timestamp comes from the vDSO clock).
 * While Redis is away the client thread spills the rings to the optional
 * journal (journal_path). When a ring is full the event is dropped and counted; the fast path never
 * waits. The client thread peeks at a batch, pipelines the commands, and
 * advances the tail only after Redis confirmed them, so a connection lost
 * mid-batch resends the same events (same ids) after reconnecting.
 *
 * Ownership: callbacks run on the client thread; text/bundle pointers are
 * valid only during the callback (copy what you keep). Config strings are
 * copied by sfdp_start. Producers belong to the client and are freed by
 * sfdp_stop. Uses the hiredis 0.14 blocking API only. */
#ifndef SF_DPCLIENT_H
#define SF_DPCLIENT_H

#include <stddef.h>
#include <stdint.h>

struct sfdp;
struct sfdp_producer;

struct sfdp_counter {
	const char *name;	/* [a-z0-9_.]; sent as field "c.<name>" */
	uint64_t value;
};

typedef void (*sfdp_gen_fn)(void *arg, long long version, const char *text, size_t len);
/* One change of the lists change log: rev, add (1) or delete (0) of the
 * entry of one lists line (not NUL-terminated). */
typedef void (*sfdp_change_fn)(void *arg, long long rev, int add, const char *line, size_t len);
typedef void (*sfdp_rules_fn)(void *arg, const char *sha256_hex, const void *bundle, size_t len);
/* Fill up to cap counters (e.g. summed per-lcore verdict counters); return how many. */
typedef size_t (*sfdp_counters_fn)(void *arg, struct sfdp_counter *out, size_t cap);
/* The connection to Redis came up (up 1: connected, subscribed, generation
 * fetched) or was lost (up 0). On the client thread. */
typedef void (*sfdp_link_fn)(void *arg, int up, const char *host, int port);

struct sfdp_config {
	const char *host;		/* default 127.0.0.1 */
	int port;			/* default 6379 */
	const char *user;		/* ACL user, NULL/"" for none */
	const char *password;		/* NULL/"" for no AUTH */
	const char *dp_id;		/* required: [A-Za-z0-9._-], 1..64 */
	unsigned heartbeat_ms;		/* default 1000 */
	unsigned heartbeat_ttl_s;	/* default 10 */
	unsigned long stream_maxlen;	/* default 1000000 (XADD MAXLEN ~) */
	unsigned dlv_ttl_s;		/* delivered marker TTL, default 86400 */
	unsigned timeout_ms;		/* connect/command timeout, default 1000 */
	unsigned backoff_min_ms;	/* default 100 */
	unsigned backoff_max_ms;	/* default 5000 (1000 with sentinels) */
	sfdp_gen_fn on_generation;	/* may be NULL */
	sfdp_rules_fn on_rules;		/* may be NULL */
	sfdp_counters_fn counters;	/* may be NULL */
	sfdp_link_fn on_link;		/* may be NULL */
	sfdp_change_fn on_change;	/* NULL: every generation is handed over (no log) */
	/* journal (dpjournal.h): while Redis is away the client thread moves
	 * events from the rings to this append-only file and replays it in
	 * order when Redis returns, also after a restart (event ids keep
	 * that exactly-once). NULL/"": none (events wait in the rings). */
	const char *journal_path;
	unsigned long journal_max_bytes;	/* default 256 MiB; beyond: dropped, counted, logged */
	int journal_fsync;		/* 1: fsync after every spill pass */
	/* Sentinel (control/ctl_sentinel.h): "host:port, ..." of the
	 * sentinels; then host/port are not used and the master named
	 * master_name (default "smsfw") is asked of them on every connect,
	 * so a reconnect after a failover finds the promoted replica. */
	const char *sentinels;
	const char *master_name;
	/* An event counts as delivered (the ring's tail moves, the journal is
	 * emptied) only once wait_replicas replicas have it (WAIT, timeout
	 * wait_timeout_ms, default 1000): a master that dies before
	 * replicating loses nothing acknowledged. Fewer replicas: Redis counts
	 * as away (events go to the journal). 0: no WAIT (an acknowledged
	 * event can be lost in a failover). */
	unsigned wait_replicas;
	unsigned wait_timeout_ms;
	/* With sentinels: Redis replicates asynchronously, and WAIT does not
	 * close every gap (the replica that confirmed may not be the one
	 * promoted; a demoted master may take writes until the sentinels move
	 * its clients). So the client keeps the last resend_max (default 8192,
	 * ~1.4 kB each) confirmed events and, on a connection to a new master,
	 * sends again those confirmed from resend_window_ms (default 5000)
	 * before the loss on; controld counts the ones it has as duplicates. */
	unsigned resend_window_ms;
	unsigned resend_max;
	void *arg;
};

struct sfdp_stats {
	uint64_t connects;		/* successful (re)connections */
	uint64_t redis_errors;		/* connections lost or refused */
	uint64_t events_sent;		/* confirmed by Redis */
	uint64_t events_dropped;	/* ring full */
	uint64_t events_invalid;	/* refused by the producer API (too long, ...) */
	uint64_t generations;		/* on_generation calls */
	uint64_t heartbeats;
	int connected;
	long long version;		/* generation version last handed over, 0 none */
	uint64_t events_spilled;	/* moved to the journal */
	uint64_t events_replayed;	/* sent from the journal */
	uint64_t events_journal_dropped;	/* journal full */
	uint64_t journal_records;	/* in the journal now */
	uint64_t failovers;		/* reconnects that found another master (Sentinel) */
	uint64_t wait_short;		/* WAITs with fewer than wait_replicas replicas */
	long long link_since_ms;	/* wall time the link last went up or down, 0 never */
	uint64_t queued;		/* events in the rings not yet confirmed by Redis */
	uint64_t events_resent;		/* sent again to a new master after a failover */
	long long lists_rev;		/* the last change handed to on_change (or the snapshot's rev) */
	uint64_t lists_changes;		/* on_change calls */
	uint64_t lists_resyncs;		/* snapshots reloaded: gap in the log, rev backwards, asked */
};

/* Start the client thread (it connects in the background). NULL + err. */
struct sfdp *sfdp_start(const struct sfdp_config *cfg, char *err, size_t errlen);
/* Stop and join the thread; unsent events are discarded; frees producers. */
void sfdp_stop(struct sfdp *c);
/* A ring for one producing thread; slots rounded up to a power of two
 * (default 1024 when 0). Call off the fast path. At most 64. NULL if none left. */
struct sfdp_producer *sfdp_producer_new(struct sfdp *c, unsigned slots);

/* Offline replays only: when the ring is full the producer waits (yields)
 * for the client thread instead of dropping, as long as Redis is connected
 * or has been away for less than max_disconnected_ms; then it drops and
 * counts as before. Never on a live lcore. Call before the first event. */
void sfdp_producer_wait_when_full(struct sfdp_producer *p, unsigned max_disconnected_ms);

/* Fast-path calls (only from the producer's own thread). 0 queued, -1
 * dropped (ring full, or a field too long/empty: counted). ts_ms 0: now. */
int sfdp_report(struct sfdp_producer *p, uint64_t ts_ms, const char *reporter, const char *reported,
		const uint64_t *fp, const char *text, size_t text_len, const char *klass);
int sfdp_shield(struct sfdp_producer *p, uint64_t ts_ms, const char *subscriber, const char *port,
		int add);
int sfdp_blocked(struct sfdp_producer *p, uint64_t ts_ms, const char *sender, const char *recipient,
		 const char *klass, const char *rule, const char *reason, const uint64_t *fp);
int sfdp_delivered(struct sfdp_producer *p, const char *recipient, const char *sender);

void sfdp_get_stats(struct sfdp *c, struct sfdp_stats *out);
long long sfdp_version(struct sfdp *c);
/* "host:port" of the Redis the client uses (the master the sentinels
 * named last), "" before the sentinels answered. Any thread. */
void sfdp_get_master(struct sfdp *c, char *buf, size_t cap);
/* Any thread: reload a snapshot and follow the log from its rev (the
 * dataplane could not apply a change, e.g. its table is full). */
void sfdp_lists_resync(struct sfdp *c);

#endif
