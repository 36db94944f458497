/* SPDX-License-Identifier: BSD-3-Clause */
/* Redis key names of the smsfw control plane; control/REDIS.md is the
 * reference (type, TTL, writer of each key). Keys are laid out for Redis
 * Cluster: the per-entity ones (a reported number, a subscriber, a content
 * fingerprint: the keys every report writes) carry their entity's hash tag
 * (smsfw:{r:<number>}:…, smsfw:{s:<subscriber>}:…, smsfw:{f:<fp>}:…) and
 * spread over the slots; control state and the lists with their one
 * ordered change log carry {smsfw}. Every Lua script touches keys of one
 * slot only (test control-cluster runs them on a cluster, which refuses
 * CROSSSLOT, and checks CLUSTER KEYSLOT). */
#ifndef CTL_KEYS_H
#define CTL_KEYS_H

#define CTL_TAG			"{smsfw}"
#define CTL_K_EVENTS		CTL_TAG ":events"	/* stream, dataplanes XADD */
#define CTL_GROUP		"controld"		/* consumer group on the stream */
#define CTL_K_EV		CTL_TAG ":ev:"		/* + event id: applied marker */
/* per-entity keys (printf formats, the entity first, then the rest) */
#define CTL_NS			"smsfw:"		/* prefix of every per-entity key */
#define CTL_KF_REP		CTL_NS "{r:%s}:rep"	/* hash of a reported number/id */
#define CTL_KF_REP_R		CTL_NS "{r:%s}:rep:r"	/* zset reporter -> last ts */
#define CTL_KF_REP_S		CTL_NS "{r:%s}:rep:s"	/* list of sample texts */
#define CTL_KF_FBS		CTL_NS "{r:%s}:fbs"	/* protected sender: reports w/o delivery */
#define CTL_KF_REP_EV		CTL_NS "{r:%s}:ev:%s"	/* report step's marker + result */
#define CTL_KF_RPT		CTL_NS "{s:%s}:rpt:%lld"	/* reporter's reports in an hour */
#define CTL_KF_DLV		CTL_NS "{s:%s}:dlv:%s"	/* recipient got MT from sender */
#define CTL_KF_SUB_EV		CTL_NS "{s:%s}:ev:%s"	/* reporter step's marker + result */
#define CTL_KF_FP		CTL_NS "{f:%s}:fp"	/* hash of a content fingerprint */
#define CTL_KF_FP_N		CTL_NS "{f:%s}:fp:n"	/* HLL of numbers reported with it */
#define CTL_KF_FP_EV		CTL_NS "{f:%s}:ev:%s"	/* fingerprint step's marker */
#define CTL_K_STATS		CTL_TAG ":stats"	/* hash of counters */
#define CTL_K_TOP		CTL_TAG ":reports:top"
#define CTL_K_FPTOP		CTL_TAG ":fp:top"
#define CTL_K_BLOCK		CTL_TAG ":block"
#define CTL_K_ALLOW		CTL_TAG ":allow"
#define CTL_K_SHIELD		CTL_TAG ":shield"
#define CTL_K_IMSI		CTL_TAG ":imsi"
#define CTL_K_REV		CTL_TAG ":lists:rev"
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
