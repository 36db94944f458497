/* SPDX-License-Identifier: BSD-3-Clause */
/* Applying events to Redis exactly once in effect: one Lua script per event
 * type checks the event-id marker {smsfw}:ev:<id>, checks key types, applies
 * the counters/lists and sets the marker, atomically. Replaying an event
 * (redelivery after a crash) is a no-op that returns "duplicate". */
#ifndef CTL_APPLY_H
#define CTL_APPLY_H

#include <hiredis/hiredis.h>

#include "ctl_cfg.h"
#include "ctl_event.h"

struct ctl_apply {
	char sha[3][41];	/* report, shield, block scripts */
};

/* SCRIPT LOAD all scripts (after every (re)connect). 0 or -1 with err. */
int ctl_apply_load(redisContext *c, struct ctl_apply *a, char *err, size_t errlen);
/* Append (pipeline) the EVALSHA for ev; read the reply with redisGetReply.
 * 0, or -1 if hiredis could not buffer the command. */
int ctl_apply_append(redisContext *c, const struct ctl_apply *a, const struct ctl_config *cfg,
		     const struct ctl_event *ev);

/* Script results: {1, what} applied, {0, "duplicate"}, {-1, "wrongtype", key index}. */
enum ctl_apply_res { CTL_APPLIED = 1, CTL_DUPLICATE = 0, CTL_WRONGTYPE = -1, CTL_SCRIPT_ERROR = -2 };
enum ctl_apply_res ctl_apply_result(const redisReply *r, const char **what);

#endif
