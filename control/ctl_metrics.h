/* SPDX-License-Identifier: BSD-3-Clause */
/* A minimal HTTP/1.0 server for the Prometheus text exposition format
 * (version 0.0.4): GET /metrics returns the latest snapshot. It runs in its
 * own thread with plain sockets; the controld main loop replaces the
 * snapshot (under a mutex) about once a second, so the HTTP thread never
 * touches Redis. */
#ifndef CTL_METRICS_H
#define CTL_METRICS_H

#include <stddef.h>

struct ctl_metrics;

/* Bind addr:port (port 0 → the kernel picks; see ctl_metrics_port) and start
 * the thread. NULL with err on failure (startup errors are fatal). */
struct ctl_metrics *ctl_metrics_start(const char *addr, int port, char *err, size_t errlen);
int ctl_metrics_port(const struct ctl_metrics *m);
/* Replace the snapshot; the text is copied. */
void ctl_metrics_set(struct ctl_metrics *m, const char *text, size_t len);
void ctl_metrics_stop(struct ctl_metrics *m);

#endif
