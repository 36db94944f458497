/* SPDX-License-Identifier: BSD-3-Clause */
/* Redis key names of the smsfw control plane; control/REDIS.md is the
 * reference (type, TTL, writer of each key). Every key carries the hash tag
 * {smsfw}, so all of them live in one Redis Cluster slot and the Lua scripts
 * and MULTI blocks that touch several keys stay legal on a cluster. */
#ifndef CTL_KEYS_H
#define CTL_KEYS_H

#define CTL_TAG			"{smsfw}"
#define CTL_K_EVENTS		CTL_TAG ":events"	/* stream, dataplanes XADD */
#define CTL_GROUP		"controld"		/* consumer group on the stream */
#define CTL_K_EV		CTL_TAG ":ev:"		/* + event id: applied marker */
#define CTL_K_STATS		CTL_TAG ":stats"	/* hash of counters */
#define CTL_K_REP		CTL_TAG ":rep:"		/* + number [":r" | ":s"] */
#define CTL_K_RPT		CTL_TAG ":rpt:"		/* + reporter ":" hour */
#define CTL_K_FP		CTL_TAG ":fp:"		/* + fingerprint [":n"] */
#define CTL_K_TOP		CTL_TAG ":reports:top"
#define CTL_K_FPTOP		CTL_TAG ":fp:top"
#define CTL_K_BLOCK		CTL_TAG ":block"
#define CTL_K_ALLOW		CTL_TAG ":allow"
#define CTL_K_SHIELD		CTL_TAG ":shield"
#define CTL_K_IMSI		CTL_TAG ":imsi"
#define CTL_K_REV		CTL_TAG ":lists:rev"
#define CTL_K_DLV		CTL_TAG ":dlv:"		/* + recipient ":" sender */
#define CTL_K_FBS		CTL_TAG ":fbs:"		/* + protected sender */
#define CTL_K_ALERTS		CTL_TAG ":alerts"
#define CTL_K_BLKTOP		CTL_TAG ":blocked:top"
#define CTL_K_GEN		CTL_TAG ":gen"		/* pub/sub channel */
#define CTL_K_GEN_SEQ		CTL_TAG ":gen:seq"
#define CTL_K_GEN_CUR		CTL_TAG ":gen:current"
#define CTL_K_GEN_META		CTL_TAG ":gen:meta"
#define CTL_K_GEN_N		CTL_TAG ":gen:"		/* + version */
#define CTL_K_GEN_HIST		CTL_TAG ":gen:hist"	/* list of kept versions */
#define CTL_K_GEN_HELD		CTL_TAG ":gen:held"	/* a shrinking generation held back */
#define CTL_K_GEN_CONFIRM	CTL_TAG ":gen:confirm"	/* smsfwctl lists confirm */
#define CTL_K_RULES		CTL_TAG ":rules"	/* pub/sub channel */
#define CTL_K_RULES_CUR		CTL_TAG ":rules:current"
#define CTL_K_RULES_HIST	CTL_TAG ":rules:hist"
#define CTL_K_RULES_N		CTL_TAG ":rules:"	/* + sha256 hex */
#define CTL_K_DPS		CTL_TAG ":dps"		/* zset dp id -> last heartbeat ms */
#define CTL_K_DP		CTL_TAG ":dp:"		/* + dp id: heartbeat hash */
/* Lists change log (issue 12 item 3, control/ctl_log.h): every change of
 * block/allow/shield as one stream entry, id <rev>-0, capped */
#define CTL_K_LISTS_LOG		CTL_TAG ":lists:log"	/* stream of changes */
#define CTL_K_LISTS_CHG		CTL_TAG ":lists:chg"	/* pub/sub: a change was logged */

#endif
