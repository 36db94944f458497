/* SPDX-License-Identifier: BSD-3-Clause */
/* Test harness for the control suite: starts a real redis-server on a free
 * loopback port in a private temp dir, starts/kills smsfw-controld, runs
 * smsfwctl capturing its output and exit code. Every child gets
 * PR_SET_PDEATHSIG(SIGKILL) and is also killed by an atexit handler and on
 * SIGTERM/SIGINT/SIGALRM (watchdog), so nothing outlives a failing test. */
#ifndef CTL_HARNESS_H
#define CTL_HARNESS_H

#include <stddef.h>
#include <sys/types.h>
#include <hiredis/hiredis.h>

struct h_redis {
	pid_t pid;
	int port;
	int aof;
	char dir[256];
	char extra[8][128];	/* extra "--key value" pairs, "" ends */
};

/* The binaries under test, from argv. */
extern const char *h_controld, *h_smsfwctl;

/* mkdtemp, atexit cleanup, watchdog alarm(seconds). */
void h_init(int watchdog_s);
const char *h_tmpdir(void);
int h_free_port(void);

/* Start redis (port 0: pick a free one; else reuse, e.g. after a restart). 0/-1. */
int h_redis_start(struct h_redis *r);
void h_redis_kill(struct h_redis *r);	/* SIGKILL + wait */
redisContext *h_redis_connect(const struct h_redis *r, const char *user, const char *pass);

/* Start smsfw-controld with these extra arguments (NULL-terminated). */
pid_t h_controld_start(const struct h_redis *r, const char *config, const char *const *extra);
void h_kill9(pid_t pid);
/* Start any program (killed at the end like the others), stdout and
 * stderr appended to logname in the temp dir. */
pid_t h_spawn(const char *const *argv, const char *logname);
/* 1 (and reaped) if the child has exited, 0 if it still runs. */
int h_exited(pid_t pid);

/* Run smsfwctl with args (NULL-terminated); stdout into out (NUL-terminated,
 * trailing newline kept), stderr into err; returns the exit code. */
int h_ctl(const struct h_redis *r, char *out, size_t outcap, char *err, size_t errcap, ...);

/* Write a file in the temp dir; returns its path (static buffer rotation). */
const char *h_write_file(const char *name, const char *content, size_t len);

/* Poll until cond(arg) != 0 or timeout_ms; returns the last result. */
int h_wait(int (*cond)(void *), void *arg, int timeout_ms);
long long h_now_ms(void);
void h_sleep_ms(int ms);

/* Redis helpers (abort the test on connection errors). */
long long h_hget_ll(redisContext *c, const char *key, const char *field);
/* Wait up to timeout_ms until {smsfw}:stats field reaches want; 1 if it did. */
int h_wait_stat(redisContext *c, const char *field, long long want, int timeout_ms);
/* GET key into buf ("" if nil); returns length or -1. */
long long h_get(redisContext *c, const char *key, char *buf, size_t cap);

#endif
