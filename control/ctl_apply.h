/* SPDX-License-Identifier: BSD-3-Clause */
/* Applying events to Redis exactly once in effect: Lua scripts, each on
 * the keys of one hash slot, check key types, apply and set a marker with
 * the event id, atomically; the last one of an event sets the event's
 * marker {smsfw}:ev:<id>. Replaying an event (redelivery after a crash) is
 * a no-op that returns "duplicate"; one cut short is completed. */
#ifndef CTL_APPLY_H
#define CTL_APPLY_H

#include <hiredis/hiredis.h>

#include "ctl_cfg.h"
#include "ctl_event.h"

struct ctl_apply {
	char sha[6][41];	/* report steps (reporter, fingerprint, number,
				 * control), shield, block */
};

/* SCRIPT LOAD all scripts (after every (re)connect). 0 or -1 with err. */
int ctl_apply_load(redisContext *c, struct ctl_apply *a, char *err, size_t errlen);

/* Script results: {1, what} applied, {0, "duplicate"}, {-1, "wrongtype", key index}. */
enum ctl_apply_res { CTL_APPLIED = 1, CTL_DUPLICATE = 0, CTL_WRONGTYPE = -1, CTL_SCRIPT_ERROR = -2 };

/* One event being applied. A report is a chain of single-slot steps
 * (reporter, fingerprint, number, control); shield and block events are
 * one control step. A batch is applied in CTL_APPLY_WAVES waves: wave w
 * pipelines step w of every event that has one, in stream order, then
 * reads the replies, so the events' effects on any one key keep the stream
 * order and a batch costs CTL_APPLY_WAVES round trips, not one per step of
 * each event. Wave 0 asks whether the event's marker is there already (a
 * duplicate runs only the control step, which counts it); each entity
 * step stores its result under its own marker, so a chain cut short
 * (crash, failover) is resumed when the entry is delivered again and every
 * step takes effect once; the last wave cuts the entity markers' TTL to
 * CTL_STEP_MARKER_KEEP_S once the event's own marker is set. */
#define CTL_APPLY_WAVES 6
#define CTL_APPLY_WAVE_CTL 4		/* the control step */
#define CTL_APPLY_WAVE_CLEANUP 5
#define CTL_STEP_MARKER_KEEP_S 600
struct ctl_apply_job {
	const struct ctl_event *ev;
	int done;		/* finished: res and what are final */
	enum ctl_apply_res res;
	char what[48];		/* the outcome, the key's role (wrong type) or the error */
	int script;		/* the step whose reply is awaited */
	int dup;		/* wave 0 found the event's marker */
	int resumed;		/* a step had been done by an earlier attempt */
	int bot, delivered;	/* the reporter step's result */
	char num[64];		/* the number step's result */
};

void ctl_apply_start(struct ctl_apply_job *j, const struct ctl_event *ev);
/* Append (pipeline) the job's commands of wave w: how many were appended
 * (read each reply with redisGetReply and give it to ctl_apply_take), 0
 * nothing to do in this wave, -1 hiredis could not buffer the command. */
int ctl_apply_append(redisContext *c, const struct ctl_apply *a, const struct ctl_config *cfg,
		     struct ctl_apply_job *j, int w);
/* Take a reply of the wave appended last: advances the job, or ends it. */
void ctl_apply_take(struct ctl_apply_job *j, const redisReply *r);

#endif
