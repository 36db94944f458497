/* SPDX-License-Identifier: BSD-3-Clause */
/* The lists change log (control/REDIS.md "Lists change log"): every
 * change of the block, allow and shield hashes is made by a Lua script
 * that, in the same script, increments {smsfw}:lists:rev and appends one
 * entry to the stream {smsfw}:lists:log with the id <rev>-0 and the fields
 * op (add|del) and line (the entry as a lists line: "block number
 * 8613800000001 reason=x", "shield 8613900000001 1065"), then PUBLISHes
 * rev on {smsfw}:lists:chg. Nothing is changed without its log entry, and
 * the snapshot (generation) carries the rev it is at, so a dataplane loads
 * a snapshot once and then applies the log from that rev, entry by entry.
 * The stream is capped (MAXLEN ~ CTL_LOG_MAXLEN); a dataplane that fell
 * behind its first entry reloads a snapshot. */
#ifndef CTL_LOG_H
#define CTL_LOG_H

#include "ctl_keys.h"

#define CTL_LOG_MAXLEN 1000000
#define CTL_LOG_STR_(x) #x
#define CTL_LOG_STR(x) CTL_LOG_STR_(x)

/* Lua: logchg(rev key, log key, 'add'|'del', line) → the new rev. If the
 * log is ahead of rev (rev deleted by hand), rev jumps past it: the ids
 * stay increasing and no entry is refused after the list was changed. */
#define CTL_LOG_LUA \
	"local function logchg(krev, klog, op, line)\n" \
	"  local rev = redis.call('INCR', krev)\n" \
	"  local last = redis.call('XREVRANGE', klog, '+', '-', 'COUNT', 1)\n" \
	"  if #last > 0 then\n" \
	"    local lr = tonumber(string.match(last[1][1], '^(%d+)'))\n" \
	"    if lr >= rev then rev = lr + 1 redis.call('SET', krev, rev) end\n" \
	"  end\n" \
	"  redis.call('XADD', klog, 'MAXLEN', '~', " CTL_LOG_STR(CTL_LOG_MAXLEN) ", rev .. '-0'," \
	" 'op', op, 'line', line)\n" \
	"  redis.call('PUBLISH', '" CTL_K_LISTS_CHG "', rev)\n" \
	"  return rev\n" \
	"end\n"

#endif
