/* SPDX-License-Identifier: BSD-3-Clause */
/* Finding the Redis master through Redis Sentinel, for controld, smsfwctl
 * and the dataplane's client (the "Guidelines for Redis clients with
 * support for Redis Sentinel"): ask the sentinels in turn, the one that
 * answered last first, for SENTINEL GET-MASTER-ADDR-BY-NAME; connect there
 * and check with ROLE that it is the master (a demoted master or a replica
 * not yet promoted is refused, and the caller retries). A failover is
 * followed by reconnecting, which asks again: on a lost connection and on
 * the error replies of a node that is no longer (or not yet) a writable
 * master (ctl_reply_failover). Blocking hiredis 0.14 API; no allocation
 * survives a call. */
#ifndef CTL_SENTINEL_H
#define CTL_SENTINEL_H

#include <stddef.h>
#include <hiredis/hiredis.h>

#define CTL_SENTINEL_MAX 8

struct ctl_sentinel {
	char host[CTL_SENTINEL_MAX][256];
	int port[CTL_SENTINEL_MAX];
	unsigned n;
	char master[64];		/* the name the sentinels monitor */
	unsigned first;			/* the sentinel that answered last */
};

/* "host:port, host:port ..." (commas or spaces; at most CTL_SENTINEL_MAX)
 * and the master name ([A-Za-z0-9._-], 1..63) → s. 0, or -1 with err. */
int ctl_sentinel_parse(struct ctl_sentinel *s, const char *list, const char *master, char *err, size_t errlen);

/* The master's address as the first answering sentinel knows it. 0, or
 * -1 with the reasons of every sentinel in err. */
int ctl_sentinel_master(struct ctl_sentinel *s, unsigned timeout_ms, char *host, size_t hostcap, int *port,
			char *err, size_t errlen);

/* ROLE on c: 1 master, 0 anything else (replica, sentinel), -1 no answer.
 * A user without the right to ROLE (NOPERM) counts as master: the first
 * write then says READONLY if it is not. */
int ctl_redis_is_master(redisContext *c);

/* 1 when an error reply means that this node does not take writes now
 * and the client should reconnect (and ask the sentinels again):
 * READONLY, MASTERDOWN, LOADING, NOREPLICAS, TRYAGAIN, CLUSTERDOWN. */
int ctl_reply_failover(const redisReply *r);

#endif
