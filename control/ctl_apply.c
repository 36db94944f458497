/* SPDX-License-Identifier: BSD-3-Clause */
/* Event application scripts (Lua, EVALSHA); key layout in control/REDIS.md.
 * Every key a script touches is passed in KEYS and all of them share one
 * hash slot (Redis Cluster rule). Each script checks every key's type
 * before writing anything, because Redis does not roll a script back on
 * error. */
#include <stdio.h>
#include <string.h>

#include "ctl_apply.h"
#include "ctl_keys.h"
#include "ctl_lists.h"
#include "ctl_log.h"
#include "ctl_redis.h"

#define LUA_PRELUDE(types) \
	"local T = {" types "}\n" \
	"for i = 2, #KEYS do\n" \
	"  local t = redis.call('TYPE', KEYS[i]).ok\n" \
	"  if t ~= 'none' and t ~= T[i] then return {-1, 'wrongtype', i} end\n" \
	"end\n" \
	"if redis.call('EXISTS', KEYS[1]) == 1 then\n" \
	"  redis.call('HINCRBY', KEYS[2], 'events_duplicate', 1)\n" \
	"  return {0, 'duplicate'}\n" \
	"end\n" \
	"redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])\n" \
	"redis.call('HINCRBY', KEYS[2], 'events_applied', 1)\n"

/* A report is applied as a chain of single-slot steps (Redis Cluster: a
 * script's keys must share one slot, and a report touches a reporter, a
 * fingerprint, a number and the control state). Each entity step keeps its
 * result in its own marker key (the event id in the entity's slot): a
 * chain cut by a crash or failover is resumed from the stream entry, the
 * steps already done return what they did the first time, so every step
 * takes effect once and the later steps get the same inputs. The control
 * step comes last and holds the event's marker {smsfw}:ev:<id>: when it
 * exists the whole event was applied (a duplicate). */
#define STEP_PRELUDE(types) \
	"local T = {" types "}\n" \
	"for i = 2, #KEYS do\n" \
	"  local t = redis.call('TYPE', KEYS[i]).ok\n" \
	"  if t ~= 'none' and t ~= T[i] then return {-1, 'wrongtype', i} end\n" \
	"end\n" \
	"local done = redis.call('GET', KEYS[1])\n" \
	"if done then return {2, done} end\n"
#define STEP_DONE \
	"redis.call('SET', KEYS[1], res, 'EX', ARGV[1])\n" \
	"return {1, res}\n"
#define MINMAX_LUA \
	"local function minmax(key, ts, s)\n" \
	"  local f = tonumber(redis.call('HGET', key, 'first') or '0')\n" \
	"  if f == 0 or ts < f then redis.call('HSET', key, 'first', s) end\n" \
	"  local l = tonumber(redis.call('HGET', key, 'last') or '0')\n" \
	"  if ts > l then redis.call('HSET', key, 'last', s) end\n" \
	"end\n"

/* Step 1, the reporter's slot {s:R}. KEYS: 1 marker, 2 reporter hourly
 * counter, 3 delivered marker (reporter got MT from the reported sender).
 * ARGV: 1 ev ttl, 2 bot per hour. Result "bot" or "ok <delivered 0|1>". */
static const char rep_sub_lua[] = STEP_PRELUDE("'string','string','string'")
	"local n = redis.call('INCR', KEYS[2])\n"
	"if n == 1 then redis.call('EXPIRE', KEYS[2], 7200) end\n"
	"local res = 'bot'\n"
	"if n <= tonumber(ARGV[2]) then res = 'ok ' .. redis.call('EXISTS', KEYS[3]) end\n"
	STEP_DONE;

/* Step 2, the fingerprint's slot {f:F}. KEYS: 1 marker, 2 fp hash, 3 fp
 * numbers HLL. ARGV: 1 ev ttl, 2 ts ms, 3 reported ("" none), 4 fp ttl. */
static const char rep_fp_lua[] = STEP_PRELUDE("'string','hash','string'")
	MINMAX_LUA
	"redis.call('HINCRBY', KEYS[2], 'count', 1)\n"
	"minmax(KEYS[2], tonumber(ARGV[2]), ARGV[2])\n"
	"redis.call('EXPIRE', KEYS[2], ARGV[4])\n"
	"if ARGV[3] ~= '' then\n"
	"  redis.call('PFADD', KEYS[3], ARGV[3])\n"
	"  redis.call('EXPIRE', KEYS[3], ARGV[4])\n"
	"end\n"
	"local res = 'ok'\n"
	STEP_DONE;

/* Step 3, the reported number's slot {r:N}. KEYS: 1 marker, 2 rep hash,
 * 3 reporters zset, 4 texts list, 5 fbs hash. ARGV: 1 ev ttl, 2 ts ms,
 * 3 reporter, 4 kind, 5 text, 6 class, 7 window ms, 8 samples, 9 text ttl,
 * 10 report ttl, 11 protected, 12 delivered, 13 fbs threshold, 14 fbs
 * window s. Result "<counted|repeat> <distinct> <- | protected | fbs |
 * alert:<count>>". */
static const char rep_num_lua[] = STEP_PRELUDE("'string','hash','zset','list','hash'")
	MINMAX_LUA
	"local ts = tonumber(ARGV[2])\n"
	"redis.call('HINCRBY', KEYS[2], 'total', 1)\n"
	"minmax(KEYS[2], ts, ARGV[2])\n"
	"redis.call('HSET', KEYS[2], 'kind', ARGV[4])\n"
	"redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. (ts - tonumber(ARGV[7])))\n"
	"local what = 'repeat'\n"
	"if redis.call('ZSCORE', KEYS[3], ARGV[3]) == false then\n"
	"  what = 'counted'\n"
	"  redis.call('HINCRBY', KEYS[2], 'counted', 1)\n"
	"end\n"
	"redis.call('ZADD', KEYS[3], 'GT', ts, ARGV[3])\n"
	"local distinct = redis.call('ZCARD', KEYS[3])\n"
	"redis.call('HSET', KEYS[2], 'distinct', distinct)\n"
	"if ARGV[5] ~= '' and tonumber(ARGV[8]) > 0 then\n"
	"  redis.call('LPUSH', KEYS[4], ARGV[5])\n"
	"  redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[8]) - 1)\n"
	"  redis.call('EXPIRE', KEYS[4], ARGV[9])\n"
	"end\n"
	"redis.call('EXPIRE', KEYS[2], ARGV[10])\n"
	"redis.call('EXPIRE', KEYS[3], math.floor(tonumber(ARGV[7]) / 1000) + 60)\n"
	"local fbs = '-'\n"
	"if ARGV[11] == '1' then\n"
	"  fbs = 'protected'\n"
	"  if ARGV[6] == 'fake_base_station' or ARGV[12] == '0' then\n"
	"    fbs = 'fbs'\n"
	"    local c = redis.call('HINCRBY', KEYS[5], 'count', 1)\n"
	"    if c == 1 then redis.call('EXPIRE', KEYS[5], ARGV[14]) end\n"
	"    minmax(KEYS[5], ts, ARGV[2])\n"
	"    if c == tonumber(ARGV[13]) then fbs = 'alert:' .. c end\n"
	"  end\n"
	"end\n"
	"local res = what .. ' ' .. distinct .. ' ' .. fbs\n"
	STEP_DONE;

/* Step 4, the control slot {smsfw}: the event's marker, the stats, the
 * tops, the alerts and the block decision with its change-log entry.
 * KEYS: 1 ev marker, 2 stats, 3 reports top, 4 fp top, 5 block, 6 allow,
 * 7 lists rev, 8 alerts, 9 lists change log. ARGV: 1 ev ttl, 2 ts ms,
 * 3 reported, 4 kind, 5 fp, 6 step 1 result, 7 step 3 result ("" none),
 * 8 threshold, 9 block ttl s, 10 "1" when an earlier attempt had done
 * some steps (stats events_resumed), 11 reported as the lists text writes
 * it (policy_canon_export). */
static const char rep_ctl_lua[] =
	"local T = {'string','hash','zset','zset','hash','hash','string','stream','stream'}\n"
	"for i = 2, #KEYS do\n"
	"  local t = redis.call('TYPE', KEYS[i]).ok\n"
	"  if t ~= 'none' and t ~= T[i] then return {-1, 'wrongtype', i} end\n"
	"end\n"
	"if redis.call('EXISTS', KEYS[1]) == 1 then\n"
	"  redis.call('HINCRBY', KEYS[2], 'events_duplicate', 1)\n"
	"  return {0, 'duplicate'}\n"
	"end\n"
	"redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])\n"
	"redis.call('HINCRBY', KEYS[2], 'events_applied', 1)\n"
	"if ARGV[10] == '1' then redis.call('HINCRBY', KEYS[2], 'events_resumed', 1) end\n"
	CTL_LOG_LUA
	"redis.call('HINCRBY', KEYS[2], 'reports', 1)\n"
	"if ARGV[6] == 'bot' then\n"
	"  redis.call('HINCRBY', KEYS[2], 'reports_bot', 1)\n"
	"  return {1, 'bot'}\n"
	"end\n"
	"if ARGV[5] ~= '' then\n"
	"  redis.call('ZINCRBY', KEYS[4], 1, ARGV[5])\n"
	"  redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -10001)\n"
	"end\n"
	"if ARGV[3] == '' then return {1, 'no_number'} end\n"
	"local what, distinct, fbs = string.match(ARGV[7], '^(%a+) (%d+) (%S+)$')\n"
	"if not what then return {-2, 'bad number step result'} end\n"
	"distinct = tonumber(distinct)\n"
	"redis.call('HINCRBY', KEYS[2], 'reports_' .. what, 1)\n"
	"redis.call('ZADD', KEYS[3], distinct, ARGV[3])\n"
	"redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -10001)\n"
	"local c = string.match(fbs, '^alert:(%d+)$')\n"
	"if c then\n"
	"  redis.call('XADD', KEYS[8], 'MAXLEN', '~', 10000, '*', 'type', 'fake_base_station',"
	"             'sender', ARGV[3], 'count', c, 'time', ARGV[2])\n"
	"  redis.call('HINCRBY', KEYS[2], 'fbs_alerts', 1)\n"
	"  return {1, 'fbs'}\n"
	"end\n"
	"if fbs ~= '-' then return {1, fbs} end\n"
	"if distinct < tonumber(ARGV[8]) then return {1, what} end\n"
	"local fld = ARGV[4] .. ' ' .. ARGV[3]\n"
	"local allowed = redis.call('HEXISTS', KEYS[6], fld) == 1\n"
	"if not allowed and ARGV[4] == 'number' then\n"
	"  for i = 1, #ARGV[3] do\n"
	"    if redis.call('HEXISTS', KEYS[6], 'prefix ' .. string.sub(ARGV[3], 1, i)) == 1 then\n"
	"      allowed = true\n"
	"      break\n"
	"    end\n"
	"  end\n"
	"end\n"
	"if allowed then\n"
	"  redis.call('HINCRBY', KEYS[2], 'autoblock_allowed', 1)\n"
	"  return {1, 'allowed'}\n"
	"end\n"
	"local cur = redis.call('HGET', KEYS[5], fld)\n"
	"local exp = math.floor(tonumber(ARGV[2]) / 1000) + tonumber(ARGV[9])\n"
	"if cur and not string.find(' ' .. cur .. ' ', ' source=auto ', 1, true) then return {1, 'manual'} end\n"
	"if cur then\n"
	"  local e = tonumber(string.match(cur, 'expires=(%d+)') or '0')\n"
	"  if exp - e < tonumber(ARGV[9]) / 2 then return {1, 'blocked'} end\n"
	"end\n"
	"local val = 'reason=reports source=auto expires=' .. exp\n"
	"redis.call('HSET', KEYS[5], fld, val)\n"
	"if not cur then redis.call('HINCRBY', KEYS[2], 'blocks_auto', 1) end\n"
	"logchg(KEYS[7], KEYS[9], 'add', 'block ' .. ARGV[4] .. ' ' .. ARGV[11] .. ' ' .. val)\n"
	"return {1, 'autoblock'}\n";

/* KEYS: 1 ev marker, 2 stats, 3 shield hash, 4 lists rev, 5 lists change log.
 * ARGV: 1 ev ttl, 2 ts ms, 3 "subscriber port", 4 "1" add / "0" remove,
 * 5 "subscriber port" as the lists text writes them (policy_canon_export) */
static const char shield_lua[] = LUA_PRELUDE("'string','hash','hash','string','stream'")
	CTL_LOG_LUA
	"if ARGV[4] == '1' then\n"
	"  local v = 'source=auto added=' .. math.floor(tonumber(ARGV[2]) / 1000)\n"
	"  if redis.call('HSETNX', KEYS[3], ARGV[3], v) == 1 then\n"
	"    logchg(KEYS[4], KEYS[5], 'add', 'shield ' .. ARGV[5] .. ' ' .. v)\n"
	"    redis.call('HINCRBY', KEYS[2], 'shields_added', 1)\n"
	"    return {1, 'added'}\n"
	"  end\n"
	"  return {1, 'exists'}\n"
	"end\n"
	"if redis.call('HDEL', KEYS[3], ARGV[3]) == 1 then\n"
	"  logchg(KEYS[4], KEYS[5], 'del', 'shield ' .. ARGV[5])\n"
	"  redis.call('HINCRBY', KEYS[2], 'shields_removed', 1)\n"
	"  return {1, 'removed'}\n"
	"end\n"
	"return {1, 'absent'}\n";

/* KEYS: 1 ev marker, 2 stats, 3 blocked-senders top zset.
 * ARGV: 1 ev ttl, 2 ts ms, 3 sender, 4 class */
static const char block_lua[] = LUA_PRELUDE("'string','hash','zset'")
	"redis.call('HINCRBY', KEYS[2], 'dp_blocked', 1)\n"
	"redis.call('HINCRBY', KEYS[2], 'dp_blocked.' .. ARGV[4], 1)\n"
	"redis.call('ZINCRBY', KEYS[3], 1, ARGV[3])\n"
	"redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -10001)\n"
	"return {1, 'counted'}\n";

enum { S_SUB, S_FP, S_NUM, S_CTL, S_SHIELD, S_BLOCK, S__N, S_CHECK = S__N, S_CLEANUP };

static const char *const scripts[S__N] = { rep_sub_lua, rep_fp_lua, rep_num_lua, rep_ctl_lua,
	shield_lua, block_lua };

/* What each step's KEYS are, for the wrong-type log line. */
static const char *const key_role[S__N][10] = {
	[S_SUB] = { "", "reporter marker", "reporter counter", "delivered marker" },
	[S_FP] = { "", "fingerprint marker", "fingerprint hash", "fingerprint hll" },
	[S_NUM] = { "", "report marker", "report hash", "reporter zset", "text list", "fbs hash" },
	[S_CTL] = { "", "event marker", "stats", "reports top", "fingerprint top", "block list",
		    "allow list", "lists rev", "alerts stream", "lists change log" },
	[S_SHIELD] = { "", "event marker", "stats", "shield hash", "lists rev", "lists change log" },
	[S_BLOCK] = { "", "event marker", "stats", "blocked top" },
};

int ctl_apply_load(redisContext *c, struct ctl_apply *a, char *err, size_t errlen)
{
	for (int i = 0; i < S__N; i++) {
		redisReply *r = redisCommand(c, "SCRIPT LOAD %s", scripts[i]);

		if (ctl_reply_failed(r) || ctl_reply_str(r, a->sha[i], sizeof(a->sha[i]))) {
			snprintf(err, errlen, "SCRIPT LOAD: %s", r ? r->str : c->errstr);
			if (r)
				freeReplyObject(r);
			return -1;
		}
		freeReplyObject(r);
	}
	return 0;
}

void ctl_apply_start(struct ctl_apply_job *j, const struct ctl_event *ev)
{
	memset(j, 0, sizeof(*j));
	j->ev = ev;
	j->res = CTL_APPLIED;
}

/* What a job does at wave w (a script, S_CHECK, S_CLEANUP), or -1 when it
 * has nothing to do there. Waves: 0 is the event marker already there
 * (EXISTS), 1 reporter, 2 fingerprint, 3 number, 4 control (shield and
 * block events: their one script), 5 the entity markers' TTL cut. */
static int job_step(const struct ctl_apply_job *j, int w)
{
	const struct ctl_event *ev = j->ev;
	int entity;

	if (!ev)
		return -1;	/* refused before it was started */
	entity = ev->type == CTL_EV_REPORT && !j->dup;
	if (w == CTL_APPLY_WAVE_CLEANUP)
		return j->res == CTL_APPLIED && entity ? S_CLEANUP : -1;
	if (j->done)
		return -1;
	switch (w) {
	case 0: return ev->type == CTL_EV_REPORT ? S_CHECK : -1;
	case 1: return entity ? S_SUB : -1;
	case 2: return entity && !j->bot && ev->fp[0] ? S_FP : -1;
	case 3: return entity && !j->bot && ev->reported[0] ? S_NUM : -1;
	default: return ev->type == CTL_EV_REPORT ? S_CTL : ev->type == CTL_EV_BLOCK ? S_BLOCK : S_SHIELD;
	}
}

#define KEYLEN 224

int ctl_apply_append(redisContext *c, const struct ctl_apply *a, const struct ctl_config *cfg,
		     struct ctl_apply_job *j, int wave)
{
	const struct ctl_event *ev = j->ev;
	int s = job_step(j, wave);
	char keys[10][KEYLEN], num[20][64];
	const char *argv[40];
	size_t argl[40];
	int argc = 0, nkeys = 0, nargs = 0;
	char nk[8];

	if (s < 0)
		return 0;
	j->script = s;
	if (s == S_CHECK) {
		snprintf(keys[0], KEYLEN, "%s%s", CTL_K_EV, ev->id);
		return redisAppendCommand(c, "EXISTS %s", keys[0]) == REDIS_OK ? 1 : -1;
	}
	if (s == S_CLEANUP) {
		/* done: the entity markers are needed only while the event's
		 * marker could still be missing (a resumed chain, a second
		 * consumer in the middle of the same entry) */
		int n = 0;

		snprintf(keys[n++], KEYLEN, CTL_KF_SUB_EV, ev->reporter, ev->id);
		if (!j->bot && ev->fp[0])
			snprintf(keys[n++], KEYLEN, CTL_KF_FP_EV, ev->fp, ev->id);
		if (!j->bot && ev->reported[0])
			snprintf(keys[n++], KEYLEN, CTL_KF_REP_EV, ev->reported, ev->id);
		for (int i = 0; i < n; i++)
			if (redisAppendCommand(c, "EXPIRE %s %d", keys[i], CTL_STEP_MARKER_KEEP_S) != REDIS_OK)
				return -1;
		return n;
	}
#define K(...) snprintf(keys[nkeys++], KEYLEN, __VA_ARGS__)
#define A(s) (argv[argc] = (s), argl[argc] = strlen(argv[argc]), argc++, nargs++)
#define AN(v) (snprintf(num[nargs], sizeof(num[0]), "%llu", (unsigned long long)(v)), A(num[nargs]))
	switch (s) {
	case S_SUB:
		K(CTL_KF_SUB_EV, ev->reporter, ev->id);
		K(CTL_KF_RPT, ev->reporter, ev->ts_ms / 3600000);
		K(CTL_KF_DLV, ev->reporter, ev->reported);
		break;
	case S_FP:
		K(CTL_KF_FP_EV, ev->fp, ev->id);
		K(CTL_KF_FP, ev->fp);
		K(CTL_KF_FP_N, ev->fp);
		break;
	case S_NUM:
		K(CTL_KF_REP_EV, ev->reported, ev->id);
		K(CTL_KF_REP, ev->reported);
		K(CTL_KF_REP_R, ev->reported);
		K(CTL_KF_REP_S, ev->reported);
		K(CTL_KF_FBS, ev->reported);
		break;
	default:
		K("%s%s", CTL_K_EV, ev->id);
		K("%s", CTL_K_STATS);
		if (s == S_CTL) {
			K("%s", CTL_K_TOP);
			K("%s", CTL_K_FPTOP);
			K("%s", CTL_K_BLOCK);
			K("%s", CTL_K_ALLOW);
			K("%s", CTL_K_REV);
			K("%s", CTL_K_ALERTS);
			K("%s", CTL_K_LISTS_LOG);
		} else if (s == S_SHIELD) {
			K("%s", CTL_K_SHIELD);
			K("%s", CTL_K_REV);
			K("%s", CTL_K_LISTS_LOG);
		} else {
			K("%s", CTL_K_BLKTOP);
		}
	}
	argv[argc] = "EVALSHA"; argl[argc] = 7; argc++;
	argv[argc] = a->sha[s]; argl[argc] = 40; argc++;
	snprintf(nk, sizeof(nk), "%d", nkeys);
	argv[argc] = nk; argl[argc] = strlen(nk); argc++;
	for (int i = 0; i < nkeys; i++) {
		argv[argc] = keys[i]; argl[argc] = strlen(keys[i]); argc++;
	}
	AN(cfg->event_id_ttl_s);
	switch (s) {
	case S_SUB:
		AN(cfg->bot_per_hour);
		break;
	case S_FP:
		AN(ev->ts_ms);
		A(ev->reported);
		AN(cfg->fp_ttl_s);
		break;
	case S_NUM:
		AN(ev->ts_ms);
		A(ev->reporter);
		A(ev->reported_is_number ? "number" : "sender");
		argv[argc] = ev->text; argl[argc] = ev->text_len; argc++; nargs++;
		A(ev->klass);
		AN((unsigned long long)cfg->window_s * 1000);
		AN(cfg->sample_texts);
		AN(cfg->text_ttl_s);
		AN(cfg->report_ttl_s);
		A(ctl_config_is_protected(cfg, ev->reported) ? "1" : "0");
		A(j->delivered ? "1" : "0");
		AN(cfg->fbs_alert_threshold);
		AN(cfg->fbs_window_s);
		break;
	case S_CTL:
		AN(ev->ts_ms);
		A(ev->reported);
		A(!*ev->reported ? "" : ev->reported_is_number ? "number" : "sender");
		A(j->bot ? "" : ev->fp);
		A(j->bot ? "bot" : "ok");
		A(j->num);
		AN(cfg->block_threshold);
		AN(cfg->block_ttl_s);
		A(j->resumed ? "1" : "0");
		ctl_list_export(ev->reported, num[nargs], sizeof(num[0]));
		A(num[nargs]);
		break;
	case S_SHIELD: {
		char xs[64], xp[64];

		AN(ev->ts_ms);
		snprintf(num[nargs], sizeof(num[0]), "%s %s", ev->subscriber, ev->port);
		A(num[nargs]);
		A(ev->type == CTL_EV_SHIELD ? "1" : "0");
		ctl_list_export(ev->subscriber, xs, sizeof(xs));
		ctl_list_export(ev->port, xp, sizeof(xp));
		snprintf(num[nargs], sizeof(num[0]), "%s %s", xs, xp);
		A(num[nargs]);
		break;
	}
	default:
		AN(ev->ts_ms);
		A(ev->sender);
		A(ev->klass);
	}
#undef K
#undef A
#undef AN
	return redisAppendCommandArgv(c, argc, argv, argl) == REDIS_OK ? 1 : -1;
}

static void job_end(struct ctl_apply_job *j, enum ctl_apply_res res, const char *what)
{
	j->res = res;
	snprintf(j->what, sizeof(j->what), "%s", what);
	j->done = 1;
}

void ctl_apply_take(struct ctl_apply_job *j, const redisReply *r)
{
	const redisReply *w;
	long long code;

	if (j->script == S_CLEANUP)
		return;		/* a TTL: nothing depends on it */
	if (j->script == S_CHECK) {
		if (r && r->type == REDIS_REPLY_INTEGER)
			j->dup = r->integer == 1;
		else
			job_end(j, CTL_SCRIPT_ERROR, r && r->type == REDIS_REPLY_ERROR ? r->str : "bad reply");
		return;
	}
	if (!r || r->type != REDIS_REPLY_ARRAY || r->elements < 2 ||
	    r->element[0]->type != REDIS_REPLY_INTEGER || r->element[1]->type != REDIS_REPLY_STRING) {
		job_end(j, CTL_SCRIPT_ERROR, r && r->type == REDIS_REPLY_ERROR ? r->str : "bad reply");
		return;
	}
	code = r->element[0]->integer;
	w = r->element[1];
	if (code == -1) {
		long long k = r->elements > 2 && r->element[2]->type == REDIS_REPLY_INTEGER ?
			      r->element[2]->integer : 0;

		job_end(j, CTL_WRONGTYPE, k > 0 && k < 10 && key_role[j->script][k] ?
			key_role[j->script][k] : "?");
		return;
	}
	if (code == 2)
		j->resumed = 1;		/* this step was done by an earlier attempt */
	else if (code != 0 && code != 1) {
		job_end(j, CTL_SCRIPT_ERROR, w->str);
		return;
	}
	switch (j->script) {
	case S_SUB:
		j->bot = !strcmp(w->str, "bot");
		j->delivered = !strcmp(w->str, "ok 1");
		return;
	case S_FP:
		return;
	case S_NUM:
		snprintf(j->num, sizeof(j->num), "%s", w->str);
		return;
	default:
		job_end(j, code == 0 ? CTL_DUPLICATE : CTL_APPLIED, w->str);
	}
}
