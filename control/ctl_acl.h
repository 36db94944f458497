/* SPDX-License-Identifier: BSD-3-Clause */
/* Redis ACL users of the control plane, one per role, each with only the
 * commands and keys it uses (control/REDIS.md "ACL users" has the threat
 * model). smsfwctl applies them (`acl setup`) or prints an ACL file
 * (`acl file`). */
#ifndef CTL_ACL_H
#define CTL_ACL_H

#include <stddef.h>

enum ctl_role { CTL_ROLE_DATAPLANE, CTL_ROLE_CONTROLD, CTL_ROLE_SMSFWCTL, CTL_ROLE__N };

/* The Redis user name of a role: "dataplane", "controld", "smsfwctl". */
const char *ctl_acl_user(enum ctl_role r);
/* The environment variable holding its password for acl setup/file:
 * SMSFW_ACL_DATAPLANE_PASSWORD, ..._CONTROLD_..., ..._SMSFWCTL_... */
const char *ctl_acl_env(enum ctl_role r);
/* The role's ACL rules after "reset on <password>", space-separated,
 * every rule one word (as ACL SETUSER and an ACL file take them). */
const char *ctl_acl_rules(enum ctl_role r);

#define CTL_ACL_MIN_PASSWORD 16

#endif
