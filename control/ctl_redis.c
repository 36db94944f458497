/* SPDX-License-Identifier: BSD-3-Clause */
/* Redis connection and AUTH (Redis 6 ACL: AUTH user password). */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "ctl_redis.h"
#include "ctl_sentinel.h"

redisContext *ctl_redis_connect(const struct ctl_redis_opts *o, char *err, size_t errlen)
{
	return ctl_redis_connect_at(o, NULL, err, errlen);
}

redisContext *ctl_redis_connect_at(const struct ctl_redis_opts *o, struct ctl_redis_addr *at, char *err,
				   size_t errlen)
{
	struct timeval tv = { (time_t)(o->timeout_ms / 1000), (suseconds_t)(o->timeout_ms % 1000) * 1000 };
	struct ctl_redis_addr a;
	redisContext *c;
	redisReply *r = NULL;

	snprintf(a.host, sizeof(a.host), "%s", o->host);
	a.port = o->port;
	if (o->sentinels[0]) {
		/* ask the sentinels on every connect: after a failover the
		 * reconnect lands on the promoted replica */
		struct ctl_sentinel s;
		char e[512];

		if (ctl_sentinel_parse(&s, o->sentinels, o->master_name, err, errlen) < 0)
			return NULL;
		if (at && at->sentinel_first < s.n)
			s.first = at->sentinel_first;
		if (ctl_sentinel_master(&s, o->timeout_ms, a.host, sizeof(a.host), &a.port, e, sizeof(e)) < 0) {
			snprintf(err, errlen, "redis master \"%s\": no sentinel answered (%s)", s.master, e);
			return NULL;
		}
		a.sentinel_first = s.first;
	}
	if (at)
		*at = a;
	c = redisConnectWithTimeout(a.host, a.port, tv);
	if (!c) {
		snprintf(err, errlen, "redis %s:%d: out of memory", a.host, a.port);
		return NULL;
	}
	if (c->err) {
		snprintf(err, errlen, "redis %s:%d: %s", a.host, a.port, c->errstr);
		goto fail;
	}
	redisSetTimeout(c, tv);
	redisEnableKeepAlive(c);
	if (o->user[0])
		r = redisCommand(c, "AUTH %s %s", o->user, o->password);
	else if (o->password[0])
		r = redisCommand(c, "AUTH %s", o->password);
	if ((o->user[0] || o->password[0]) && ctl_reply_failed(r)) {
		snprintf(err, errlen, "redis %s:%d: AUTH failed: %s", a.host, a.port,
			 r ? r->str : c->errstr);
		goto fail;
	}
	if (r)
		freeReplyObject(r);
	r = redisCommand(c, "PING");
	if (ctl_reply_failed(r)) {
		snprintf(err, errlen, "redis %s:%d: %s", a.host, a.port, r ? r->str : c->errstr);
		goto fail;
	}
	freeReplyObject(r);
	r = NULL;
	if (o->sentinels[0] && ctl_redis_is_master(c) != 1) {
		/* a demoted master the sentinels have not yet moved from, or a
		 * replica still being promoted: try again later */
		snprintf(err, errlen, "redis %s:%d: not the master (yet)", a.host, a.port);
		goto fail;
	}
	return c;
fail:
	if (r)
		freeReplyObject(r);
	redisFree(c);
	return NULL;
}

int ctl_reply_failed(const redisReply *r)
{
	return !r || r->type == REDIS_REPLY_ERROR;
}

int ctl_reply_str(const redisReply *r, char *buf, size_t cap)
{
	if (!r || !cap)
		return -1;
	if (r->type == REDIS_REPLY_NIL) {
		buf[0] = 0;
		return 0;
	}
	if (r->type == REDIS_REPLY_INTEGER) {
		return snprintf(buf, cap, "%lld", r->integer) < (int)cap ? 0 : -1;
	}
	if (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS)
		return -1;
	if ((size_t)r->len >= cap)
		return -1;
	memcpy(buf, r->str, (size_t)r->len);
	buf[r->len] = 0;
	return 0;
}

int ctl_redis_wait(redisContext *c, const struct ctl_redis_opts *o)
{
	redisReply *r;
	int n;

	if (!o->wait_replicas)
		return 0;
	r = redisCommand(c, "WAIT %u %u", o->wait_replicas, o->wait_timeout_ms);
	if (!r)
		return -1;
	n = r->type == REDIS_REPLY_INTEGER ? (int)r->integer : -1;
	freeReplyObject(r);
	return n < 0 ? -1 : n >= (int)o->wait_replicas ? 0 : 1;
}
