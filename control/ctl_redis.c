/* SPDX-License-Identifier: BSD-3-Clause */
/* Redis connection and AUTH (Redis 6 ACL: AUTH user password). */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "ctl_redis.h"

redisContext *ctl_redis_connect(const struct ctl_redis_opts *o, char *err, size_t errlen)
{
	struct timeval tv = { (time_t)(o->timeout_ms / 1000), (suseconds_t)(o->timeout_ms % 1000) * 1000 };
	redisContext *c = redisConnectWithTimeout(o->host, o->port, tv);
	redisReply *r = NULL;

	if (!c) {
		snprintf(err, errlen, "redis %s:%d: out of memory", o->host, o->port);
		return NULL;
	}
	if (c->err) {
		snprintf(err, errlen, "redis %s:%d: %s", o->host, o->port, c->errstr);
		goto fail;
	}
	redisSetTimeout(c, tv);
	redisEnableKeepAlive(c);
	if (o->user[0])
		r = redisCommand(c, "AUTH %s %s", o->user, o->password);
	else if (o->password[0])
		r = redisCommand(c, "AUTH %s", o->password);
	if ((o->user[0] || o->password[0]) && ctl_reply_failed(r)) {
		snprintf(err, errlen, "redis %s:%d: AUTH failed: %s", o->host, o->port,
			 r ? r->str : c->errstr);
		goto fail;
	}
	if (r)
		freeReplyObject(r);
	r = redisCommand(c, "PING");
	if (ctl_reply_failed(r)) {
		snprintf(err, errlen, "redis %s:%d: %s", o->host, o->port, r ? r->str : c->errstr);
		goto fail;
	}
	freeReplyObject(r);
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
