/* SPDX-License-Identifier: BSD-3-Clause */
/* Blocking hiredis (0.14 API) connection with AUTH for controld and smsfwctl,
 * plus small reply helpers. Replies are owned by the caller, who frees them
 * with freeReplyObject() once the values are copied out. */
#ifndef CTL_REDIS_H
#define CTL_REDIS_H

#include <stddef.h>
#include <hiredis/hiredis.h>

#include "ctl_cfg.h"

/* Connect (with timeout), AUTH [user] password when configured, PING.
 * With o->sentinels the master is asked of the sentinels first and must
 * answer ROLE as master (ctl_sentinel.h). NULL with the reason in err. */
redisContext *ctl_redis_connect(const struct ctl_redis_opts *o, char *err, size_t errlen);

/* Where a connection went: the address (the master the sentinels named)
 * and the sentinel to ask first next time. */
struct ctl_redis_addr {
	char host[256];
	int port;
	unsigned sentinel_first;
};
/* ctl_redis_connect that also reads (sentinel_first) and fills *at. */
redisContext *ctl_redis_connect_at(const struct ctl_redis_opts *o, struct ctl_redis_addr *at, char *err,
				   size_t errlen);
/* With o->wait_replicas: WAIT until that many replicas have this
 * connection's writes. 0 they have (or no WAIT configured), 1 fewer
 * answered within wait_timeout_ms, -1 connection error. */
int ctl_redis_wait(redisContext *c, const struct ctl_redis_opts *o);
/* Copy a string/status/integer reply into buf ("" for nil); 0 or -1. */
int ctl_reply_str(const redisReply *r, char *buf, size_t cap);
/* 1 if r is a REDIS_REPLY_ERROR (or NULL), 0 otherwise. */
int ctl_reply_failed(const redisReply *r);

#endif
