/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-role Redis ACL rules (control/REDIS.md "ACL users"). The dataplane
 * rules list exactly what control/dpclient.c sends: AUTH, PING, GET of
 * gen:current, gen:<N>, rules:current, rules:<sha>, SUBSCRIBE to the two
 * channels, XADD to the events stream, SET EX of delivered markers, HSET and
 * EXPIRE of its heartbeat hash, ZADD to the dataplane set; ROLE (is this
 * the master the sentinels named) and WAIT (wait_replicas); XREAD of the
 * lists change log, GET of lists:rev and SUBSCRIBE to lists:chg. */
#include "ctl_acl.h"
#include "ctl_keys.h"

static const char *const users[CTL_ROLE__N] = { "dataplane", "controld", "smsfwctl" };
static const char *const envs[CTL_ROLE__N] = { "SMSFW_ACL_DATAPLANE_PASSWORD", "SMSFW_ACL_CONTROLD_PASSWORD",
	"SMSFW_ACL_SMSFWCTL_PASSWORD" };

static const char *const rules[CTL_ROLE__N] = {
	/* reads lists and rules (read-only key patterns), appends events,
	 * writes only its own bookkeeping; no scripts, no deletes */
	"-@all +ping +get +subscribe +xadd +set +hset +expire +zadd +role +wait +xread "
	"%R~" CTL_K_GEN_N "* %R~" CTL_K_RULES_N "* %R~" CTL_K_LISTS_LOG " %R~" CTL_K_REV " "
	"~" CTL_K_EVENTS " ~" CTL_NS "{s:*}:dlv:* ~" CTL_K_DP "* ~" CTL_K_DPS " "
	"&" CTL_K_GEN " &" CTL_K_RULES " &" CTL_K_LISTS_CHG,
	/* owns the state: event scripts, lists, generations */
	"~" CTL_TAG ":* ~" CTL_NS "* &" CTL_TAG ":* +@all -@admin -@dangerous +script|load +info +role",
	/* the operator: lists, shields, rule bundles, status */
	"~" CTL_TAG ":* ~" CTL_NS "* &" CTL_TAG ":* +@all -@admin -@dangerous +script|load +info +role",
};

const char *ctl_acl_user(enum ctl_role r)
{
	return (unsigned)r < CTL_ROLE__N ? users[r] : "?";
}

const char *ctl_acl_env(enum ctl_role r)
{
	return (unsigned)r < CTL_ROLE__N ? envs[r] : "?";
}

const char *ctl_acl_rules(enum ctl_role r)
{
	return (unsigned)r < CTL_ROLE__N ? rules[r] : "";
}
