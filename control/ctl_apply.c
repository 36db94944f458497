/* SPDX-License-Identifier: BSD-3-Clause */
/* Event application scripts (Lua, EVALSHA); key layout in control/REDIS.md.
 * Every key a script touches is passed in KEYS (Redis Cluster rule) and
 * carries the {smsfw} hash tag. The scripts check every key's type before
 * writing anything, because Redis does not roll a script back on error. */
#include <stdio.h>
#include <string.h>

#include "ctl_apply.h"
#include "ctl_keys.h"
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

/* KEYS: 1 ev marker, 2 stats, 3 rep hash, 4 rep reporters zset, 5 rep texts
 * list, 6 reporter hourly counter, 7 fp hash, 8 fp numbers HLL, 9 reports
 * top zset, 10 fp top zset, 11 block hash, 12 allow hash, 13 lists rev,
 * 14 delivered marker, 15 fbs hash, 16 alerts stream, 17 lists change log.
 * ARGV: 1 ev ttl, 2 ts ms, 3 reporter, 4 reported, 5 kind, 6 fp, 7 text,
 * 8 class, 9 window ms, 10 threshold, 11 block ttl s, 12 bot per hour,
 * 13 samples, 14 text ttl, 15 report ttl, 16 fp ttl, 17 protected,
 * 18 fbs threshold, 19 fbs window s */
static const char report_lua[] = LUA_PRELUDE(
	"'string','hash','hash','zset','list','string','hash','string','zset','zset',"
	"'hash','hash','string','string','hash','stream','stream'")
	CTL_LOG_LUA
	"local ts = tonumber(ARGV[2])\n"
	"redis.call('HINCRBY', KEYS[2], 'reports', 1)\n"
	"local n = redis.call('INCR', KEYS[6])\n"
	"if n == 1 then redis.call('EXPIRE', KEYS[6], 7200) end\n"
	"if n > tonumber(ARGV[12]) then\n"
	"  redis.call('HINCRBY', KEYS[2], 'reports_bot', 1)\n"
	"  return {1, 'bot'}\n"
	"end\n"
	"local function minmax(key)\n"
	"  local f = tonumber(redis.call('HGET', key, 'first') or '0')\n"
	"  if f == 0 or ts < f then redis.call('HSET', key, 'first', ARGV[2]) end\n"
	"  local l = tonumber(redis.call('HGET', key, 'last') or '0')\n"
	"  if ts > l then redis.call('HSET', key, 'last', ARGV[2]) end\n"
	"end\n"
	"if ARGV[6] ~= '' then\n"
	"  redis.call('HINCRBY', KEYS[7], 'count', 1)\n"
	"  minmax(KEYS[7])\n"
	"  redis.call('EXPIRE', KEYS[7], ARGV[16])\n"
	"  if ARGV[4] ~= '' then\n"
	"    redis.call('PFADD', KEYS[8], ARGV[4])\n"
	"    redis.call('EXPIRE', KEYS[8], ARGV[16])\n"
	"  end\n"
	"  redis.call('ZINCRBY', KEYS[10], 1, ARGV[6])\n"
	"  redis.call('ZREMRANGEBYRANK', KEYS[10], 0, -10001)\n"
	"end\n"
	"if ARGV[4] == '' then return {1, 'no_number'} end\n"
	"redis.call('HINCRBY', KEYS[3], 'total', 1)\n"
	"minmax(KEYS[3])\n"
	"redis.call('HSET', KEYS[3], 'kind', ARGV[5])\n"
	"redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. (ts - tonumber(ARGV[9])))\n"
	"local what = 'repeat'\n"
	"if redis.call('ZSCORE', KEYS[4], ARGV[3]) == false then\n"
	"  what = 'counted'\n"
	"  redis.call('HINCRBY', KEYS[2], 'reports_counted', 1)\n"
	"  redis.call('HINCRBY', KEYS[3], 'counted', 1)\n"
	"else\n"
	"  redis.call('HINCRBY', KEYS[2], 'reports_repeat', 1)\n"
	"end\n"
	"redis.call('ZADD', KEYS[4], 'GT', ts, ARGV[3])\n"
	"local distinct = redis.call('ZCARD', KEYS[4])\n"
	"redis.call('HSET', KEYS[3], 'distinct', distinct)\n"
	"redis.call('ZADD', KEYS[9], distinct, ARGV[4])\n"
	"redis.call('ZREMRANGEBYRANK', KEYS[9], 0, -10001)\n"
	"if ARGV[7] ~= '' and tonumber(ARGV[13]) > 0 then\n"
	"  redis.call('LPUSH', KEYS[5], ARGV[7])\n"
	"  redis.call('LTRIM', KEYS[5], 0, tonumber(ARGV[13]) - 1)\n"
	"  redis.call('EXPIRE', KEYS[5], ARGV[14])\n"
	"end\n"
	"redis.call('EXPIRE', KEYS[3], ARGV[15])\n"
	"redis.call('EXPIRE', KEYS[4], math.floor(tonumber(ARGV[9]) / 1000) + 60)\n"
	"if ARGV[17] == '1' then\n"
	"  if ARGV[8] == 'fake_base_station' or redis.call('EXISTS', KEYS[14]) == 0 then\n"
	"    local c = redis.call('HINCRBY', KEYS[15], 'count', 1)\n"
	"    if c == 1 then redis.call('EXPIRE', KEYS[15], ARGV[19]) end\n"
	"    minmax(KEYS[15])\n"
	"    if c == tonumber(ARGV[18]) then\n"
	"      redis.call('XADD', KEYS[16], 'MAXLEN', '~', 10000, '*', 'type', 'fake_base_station',"
	"                 'sender', ARGV[4], 'count', c, 'time', ARGV[2])\n"
	"      redis.call('HINCRBY', KEYS[2], 'fbs_alerts', 1)\n"
	"    end\n"
	"    return {1, 'fbs'}\n"
	"  end\n"
	"  return {1, 'protected'}\n"
	"end\n"
	"if distinct < tonumber(ARGV[10]) then return {1, what} end\n"
	"local fld = ARGV[5] .. ' ' .. ARGV[4]\n"
	"local allowed = redis.call('HEXISTS', KEYS[12], fld) == 1\n"
	"if not allowed and ARGV[5] == 'number' then\n"
	"  for i = 1, #ARGV[4] do\n"
	"    if redis.call('HEXISTS', KEYS[12], 'prefix ' .. string.sub(ARGV[4], 1, i)) == 1 then\n"
	"      allowed = true\n"
	"      break\n"
	"    end\n"
	"  end\n"
	"end\n"
	"if allowed then\n"
	"  redis.call('HINCRBY', KEYS[2], 'autoblock_allowed', 1)\n"
	"  return {1, 'allowed'}\n"
	"end\n"
	"local cur = redis.call('HGET', KEYS[11], fld)\n"
	"local exp = math.floor(ts / 1000) + tonumber(ARGV[11])\n"
	"if cur and not string.find(' ' .. cur .. ' ', ' source=auto ', 1, true) then return {1, 'manual'} end\n"
	"if cur then\n"
	"  local e = tonumber(string.match(cur, 'expires=(%d+)') or '0')\n"
	"  if exp - e < tonumber(ARGV[11]) / 2 then return {1, 'blocked'} end\n"
	"end\n"
	"local val = 'reason=reports source=auto expires=' .. exp\n"
	"redis.call('HSET', KEYS[11], fld, val)\n"
	"if not cur then redis.call('HINCRBY', KEYS[2], 'blocks_auto', 1) end\n"
	"logchg(KEYS[13], KEYS[17], 'add', 'block ' .. fld .. ' ' .. val)\n"
	"return {1, 'autoblock'}\n";

/* KEYS: 1 ev marker, 2 stats, 3 shield hash, 4 lists rev, 5 lists change log.
 * ARGV: 1 ev ttl, 2 ts ms, 3 "subscriber port", 4 "1" add / "0" remove */
static const char shield_lua[] = LUA_PRELUDE("'string','hash','hash','string','stream'")
	CTL_LOG_LUA
	"if ARGV[4] == '1' then\n"
	"  local v = 'source=auto added=' .. math.floor(tonumber(ARGV[2]) / 1000)\n"
	"  if redis.call('HSETNX', KEYS[3], ARGV[3], v) == 1 then\n"
	"    logchg(KEYS[4], KEYS[5], 'add', 'shield ' .. ARGV[3] .. ' ' .. v)\n"
	"    redis.call('HINCRBY', KEYS[2], 'shields_added', 1)\n"
	"    return {1, 'added'}\n"
	"  end\n"
	"  return {1, 'exists'}\n"
	"end\n"
	"if redis.call('HDEL', KEYS[3], ARGV[3]) == 1 then\n"
	"  logchg(KEYS[4], KEYS[5], 'del', 'shield ' .. ARGV[3])\n"
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

int ctl_apply_load(redisContext *c, struct ctl_apply *a, char *err, size_t errlen)
{
	const char *scripts[3] = { report_lua, shield_lua, block_lua };

	for (int i = 0; i < 3; i++) {
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

#define KEYLEN 192

int ctl_apply_append(redisContext *c, const struct ctl_apply *a, const struct ctl_config *cfg,
		     const struct ctl_event *ev)
{
	char keys[20][KEYLEN], num[20][64];
	const char *argv[48];
	size_t argl[48];
	int argc = 0, nkeys = 0, nargs = 0;
	char nk[8];

#define K(...) snprintf(keys[nkeys++], KEYLEN, __VA_ARGS__)
#define A(s) (argv[argc] = (s), argl[argc] = strlen(argv[argc]), argc++, nargs++)
#define AN(v) (snprintf(num[nargs], sizeof(num[0]), "%llu", (unsigned long long)(v)), A(num[nargs]))

	K("%s%s", CTL_K_EV, ev->id);
	K("%s", CTL_K_STATS);
	if (ev->type == CTL_EV_REPORT) {
		K("%s%s", CTL_K_REP, ev->reported);
		K("%s%s:r", CTL_K_REP, ev->reported);
		K("%s%s:s", CTL_K_REP, ev->reported);
		K("%s%s:%lld", CTL_K_RPT, ev->reporter, ev->ts_ms / 3600000);
		K("%s%s", CTL_K_FP, ev->fp);
		K("%s%s:n", CTL_K_FP, ev->fp);
		K("%s", CTL_K_TOP);
		K("%s", CTL_K_FPTOP);
		K("%s", CTL_K_BLOCK);
		K("%s", CTL_K_ALLOW);
		K("%s", CTL_K_REV);
		K("%s%s:%s", CTL_K_DLV, ev->reporter, ev->reported);
		K("%s%s", CTL_K_FBS, ev->reported);
		K("%s", CTL_K_ALERTS);
		K("%s", CTL_K_LISTS_LOG);
	} else if (ev->type == CTL_EV_SHIELD || ev->type == CTL_EV_UNSHIELD) {
		K("%s", CTL_K_SHIELD);
		K("%s", CTL_K_REV);
		K("%s", CTL_K_LISTS_LOG);
	} else {
		K("%s", CTL_K_BLKTOP);
	}
	argv[argc] = "EVALSHA"; argl[argc] = 7; argc++;
	argv[argc] = a->sha[ev->type == CTL_EV_REPORT ? 0 : ev->type == CTL_EV_BLOCK ? 2 : 1];
	argl[argc] = 40; argc++;
	snprintf(nk, sizeof(nk), "%d", nkeys);
	argv[argc] = nk; argl[argc] = strlen(nk); argc++;
	for (int i = 0; i < nkeys; i++) {
		argv[argc] = keys[i]; argl[argc] = strlen(keys[i]); argc++;
	}
	AN(cfg->event_id_ttl_s);
	AN(ev->ts_ms);
	if (ev->type == CTL_EV_REPORT) {
		A(ev->reporter);
		A(ev->reported);
		A(!*ev->reported ? "" : ev->reported_is_number ? "number" : "sender");
		A(ev->fp);
		argv[argc] = ev->text; argl[argc] = ev->text_len; argc++; nargs++;
		A(ev->klass);
		AN((unsigned long long)cfg->window_s * 1000);
		AN(cfg->block_threshold);
		AN(cfg->block_ttl_s);
		AN(cfg->bot_per_hour);
		AN(cfg->sample_texts);
		AN(cfg->text_ttl_s);
		AN(cfg->report_ttl_s);
		AN(cfg->fp_ttl_s);
		A(*ev->reported && ctl_config_is_protected(cfg, ev->reported) ? "1" : "0");
		AN(cfg->fbs_alert_threshold);
		AN(cfg->fbs_window_s);
	} else if (ev->type == CTL_EV_SHIELD || ev->type == CTL_EV_UNSHIELD) {
		snprintf(num[nargs], sizeof(num[0]), "%s %s", ev->subscriber, ev->port);
		A(num[nargs]);
		A(ev->type == CTL_EV_SHIELD ? "1" : "0");
	} else {
		A(ev->sender);
		A(ev->klass);
	}
#undef K
#undef A
#undef AN
	return redisAppendCommandArgv(c, argc, argv, argl) == REDIS_OK ? 0 : -1;
}

enum ctl_apply_res ctl_apply_result(const redisReply *r, const char **what)
{
	*what = "?";
	if (!r || r->type != REDIS_REPLY_ARRAY || r->elements < 2 ||
	    r->element[0]->type != REDIS_REPLY_INTEGER || r->element[1]->type != REDIS_REPLY_STRING) {
		if (r && r->type == REDIS_REPLY_ERROR)
			*what = r->str;
		return CTL_SCRIPT_ERROR;
	}
	*what = r->element[1]->str;
	switch (r->element[0]->integer) {
	case 1: return CTL_APPLIED;
	case 0: return CTL_DUPLICATE;
	case -1: return CTL_WRONGTYPE;
	default: return CTL_SCRIPT_ERROR;
	}
}
