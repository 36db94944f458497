/* SPDX-License-Identifier: BSD-3-Clause */
/* The dataplane's list table (policy_store.h on rte_hash): lock-free
 * readers on the lcores, one writer (the control thread), key slots and
 * entry data of deleted or replaced entries freed after an rte_rcu_qsbr
 * grace period. */
#ifndef DP_LISTS_STORE_H
#define DP_LISTS_STORE_H

#include <rte_rcu_qsbr.h>

#include "policy_store.h"

extern const struct policy_store_ops dp_lists_store_rte;

/* After rte_eal_init, before any lists are loaded: every table is an
 * rte_hash from now on. */
void dp_lists_store_init(void);
/* The readers' QSBR variable; until it is set (one thread), what is
 * deleted is freed at once. */
void dp_lists_store_set_qsbr(struct rte_rcu_qsbr *qs);
/* Entries waiting for their grace period in all tables (telemetry). */
uint64_t dp_lists_store_pending(void);

#endif
