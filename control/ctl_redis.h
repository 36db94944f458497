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
 * NULL with the reason in err. */
redisContext *ctl_redis_connect(const struct ctl_redis_opts *o, char *err, size_t errlen);
/* Copy a string/status/integer reply into buf ("" for nil); 0 or -1. */
int ctl_reply_str(const redisReply *r, char *buf, size_t cap);
/* 1 if r is a REDIS_REPLY_ERROR (or NULL), 0 otherwise. */
int ctl_reply_failed(const redisReply *r);

#endif
