/* SPDX-License-Identifier: BSD-3-Clause */
/* Process harness for the control tests (see ctl_harness.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctl_harness.h"

const char *h_controld, *h_smsfwctl;

static char tmpdir[160];
static pid_t children[64];
static int n_children;

static void kill_all(void)
{
	for (int i = 0; i < n_children; i++)
		if (children[i] > 0) {
			kill(children[i], SIGKILL);
			waitpid(children[i], NULL, 0);
			children[i] = 0;
		}
}

static void cleanup(void)
{
	kill_all();
	if (tmpdir[0] && !getenv("CTL_TEST_KEEP")) {
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cleanup of %s failed\n", tmpdir);
	}
}

static void on_fatal(int sig)
{
	static const char msg[] = "control test: watchdog/signal, killing children\n";

	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	for (int i = 0; i < n_children; i++)
		if (children[i] > 0)
			kill(children[i], SIGKILL);
	_exit(sig == SIGALRM ? 124 : 1);
}

void h_init(int watchdog_s)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	snprintf(tmpdir, sizeof(tmpdir), "%s/smsfw-ctl-XXXXXX", base);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		exit(1);
	}
	atexit(cleanup);
	signal(SIGTERM, on_fatal);
	signal(SIGINT, on_fatal);
	signal(SIGALRM, on_fatal);
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned)watchdog_s);
}

const char *h_tmpdir(void)
{
	return tmpdir;
}

int h_free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
		perror("free port");
		exit(1);
	}
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static void track(pid_t pid)
{
	for (int i = 0; i < n_children; i++)
		if (children[i] == 0) {
			children[i] = pid;
			return;
		}
	if (n_children < 64)
		children[n_children++] = pid;
}

static void untrack(pid_t pid)
{
	for (int i = 0; i < n_children; i++)
		if (children[i] == pid)
			children[i] = 0;
}

static pid_t spawn(const char *const *argv, int out_fd, int err_fd)
{
	pid_t parent = getpid(), pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		if (out_fd >= 0)
			dup2(out_fd, 1);
		if (err_fd >= 0)
			dup2(err_fd, 2);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	track(pid);
	return pid;
}

pid_t h_spawn(const char *const *argv, const char *logname)
{
	char logf[300];
	int fd;
	pid_t pid;

	snprintf(logf, sizeof(logf), "%s/%s", tmpdir, logname);
	fd = open(logf, O_WRONLY | O_CREAT | O_APPEND, 0600);
	pid = spawn(argv, fd, fd);
	if (fd >= 0)
		close(fd);
	return pid;
}

long long h_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void h_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int h_wait(int (*cond)(void *), void *arg, int timeout_ms)
{
	long long end = h_now_ms() + timeout_ms;
	int v;

	while (!(v = cond(arg)) && h_now_ms() < end)
		h_sleep_ms(10);
	return v;
}

struct stat_want {
	redisContext *c;
	const char *field;
	long long want;
};

static int stat_reached(void *arg)
{
	struct stat_want *w = arg;

	return h_hget_ll(w->c, "{smsfw}:stats", w->field) >= w->want;
}

int h_wait_stat(redisContext *c, const char *field, long long want, int timeout_ms)
{
	struct stat_want w = { c, field, want };

	return h_wait(stat_reached, &w, timeout_ms);
}

int h_redis_start(struct h_redis *r)
{
	char port[16], logf[300], ex[8][128];
	const char *argv[48];
	int n = 0, log_fd;

	if (!r->port)
		r->port = h_free_port();
	if (!r->dir[0]) {
		snprintf(r->dir, sizeof(r->dir), "%s/redis-%d", tmpdir, r->port);
		mkdir(r->dir, 0700);
	}
	snprintf(port, sizeof(port), "%d", r->port);
	snprintf(logf, sizeof(logf), "%s/redis.log", r->dir);
	argv[n++] = "redis-server";
	argv[n++] = "--port"; argv[n++] = port;
	argv[n++] = "--bind"; argv[n++] = "127.0.0.1";
	argv[n++] = "--dir"; argv[n++] = r->dir;
	argv[n++] = "--save"; argv[n++] = "";
	argv[n++] = "--appendonly"; argv[n++] = r->aof ? "yes" : "no";
	argv[n++] = "--appendfsync"; argv[n++] = "always";
	argv[n++] = "--daemonize"; argv[n++] = "no";
	for (int i = 0; i < 8 && r->extra[i][0]; i++) {
		char *sp;

		memcpy(ex[i], r->extra[i], sizeof(ex[i]));
		sp = strchr(ex[i], ' ');
		argv[n++] = ex[i];
		if (sp) {
			*sp = 0;
			argv[n++] = sp + 1;
		}
	}
	argv[n] = NULL;
	log_fd = open(logf, O_WRONLY | O_CREAT | O_APPEND, 0600);
	r->pid = spawn(argv, log_fd, log_fd);
	close(log_fd);
	for (int i = 0; i < 500; i++) {
		redisContext *c = redisConnect("127.0.0.1", r->port);
		int up = c && !c->err;

		if (up) {
			redisReply *rep = redisCommand(c, "PING");

			/* NOAUTH also proves it is up */
			up = rep != NULL;
			if (rep)
				freeReplyObject(rep);
		}
		if (c)
			redisFree(c);
		if (up)
			return 0;
		h_sleep_ms(10);
	}
	fprintf(stderr, "redis-server did not start on port %d (see %s)\n", r->port, logf);
	return -1;
}

void h_redis_kill(struct h_redis *r)
{
	h_kill9(r->pid);
	r->pid = 0;
}

redisContext *h_redis_connect(const struct h_redis *r, const char *user, const char *pass)
{
	redisContext *c = redisConnect("127.0.0.1", r->port);

	if (!c || c->err) {
		fprintf(stderr, "connect to redis %d failed\n", r->port);
		exit(1);
	}
	if (pass) {
		redisReply *rep = user ? redisCommand(c, "AUTH %s %s", user, pass) : redisCommand(c, "AUTH %s", pass);

		if (!rep || rep->type == REDIS_REPLY_ERROR) {
			fprintf(stderr, "AUTH failed\n");
			exit(1);
		}
		freeReplyObject(rep);
	}
	return c;
}

pid_t h_controld_start(const struct h_redis *r, const char *config, const char *const *extra)
{
	char hp[64], logf[300];
	const char *argv[32];
	int n = 0, log_fd;

	snprintf(hp, sizeof(hp), "127.0.0.1:%d", r->port);
	snprintf(logf, sizeof(logf), "%s/controld.log", tmpdir);
	argv[n++] = h_controld;
	if (config) {
		argv[n++] = "-c";
		argv[n++] = config;
	}
	argv[n++] = "--redis";
	argv[n++] = hp;
	for (int i = 0; extra && extra[i] && n < 30; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	log_fd = open(logf, O_WRONLY | O_CREAT | O_APPEND, 0600);
	{
		pid_t pid = spawn(argv, -1, log_fd);

		close(log_fd);
		return pid;
	}
}

void h_kill9(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	untrack(pid);
}

int h_exited(pid_t pid)
{
	if (waitpid(pid, NULL, WNOHANG) == pid) {
		untrack(pid);
		return 1;
	}
	return 0;
}

static size_t drain(int fd, char *buf, size_t cap, size_t have)
{
	for (;;) {
		ssize_t n = cap - have > 1 ? read(fd, buf + have, cap - have - 1) : 0;
		char sink[512];

		if (cap - have <= 1)
			n = read(fd, sink, sizeof(sink));
		else if (n > 0)
			have += (size_t)n;
		if (n <= 0)
			break;
	}
	if (cap)
		buf[have] = 0;
	return have;
}

int h_ctl(const struct h_redis *r, char *out, size_t outcap, char *err, size_t errcap, ...)
{
	const char *argv[40];
	char hp[64];
	int n = 0, po[2], pe[2], st;
	pid_t pid;
	va_list ap;

	snprintf(hp, sizeof(hp), "127.0.0.1:%d", r->port);
	argv[n++] = h_smsfwctl;
	argv[n++] = "--redis";
	argv[n++] = hp;
	va_start(ap, errcap);
	for (const char *a; (a = va_arg(ap, const char *)) != NULL && n < 38;)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	if (pipe(po) < 0 || pipe(pe) < 0)
		exit(1);
	pid = spawn(argv, po[1], pe[1]);
	close(po[1]);
	close(pe[1]);
	/* outputs are small; read stdout fully then stderr */
	drain(po[0], out, outcap, 0);
	drain(pe[0], err, errcap, 0);
	close(po[0]);
	close(pe[0]);
	waitpid(pid, &st, 0);
	untrack(pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

const char *h_write_file(const char *name, const char *content, size_t len)
{
	static char paths[4][300];
	static int k;
	char *p = paths[k++ & 3];
	FILE *f;

	snprintf(p, 300, "%s/%s", tmpdir, name);
	f = fopen(p, "wb");
	if (!f || fwrite(content, 1, len, f) != len) {
		perror(p);
		exit(1);
	}
	fclose(f);
	return p;
}

long long h_hget_ll(redisContext *c, const char *key, const char *field)
{
	redisReply *r = redisCommand(c, "HGET %s %s", key, field);
	long long v;

	if (!r) {
		fprintf(stderr, "redis: %s\n", c->errstr);
		exit(1);
	}
	v = r->type == REDIS_REPLY_STRING ? strtoll(r->str, NULL, 10) : 0;
	freeReplyObject(r);
	return v;
}

long long h_get(redisContext *c, const char *key, char *buf, size_t cap)
{
	redisReply *r = redisCommand(c, "GET %s", key);
	long long n = -1;

	if (!r) {
		fprintf(stderr, "redis: %s\n", c->errstr);
		exit(1);
	}
	buf[0] = 0;
	if (r->type == REDIS_REPLY_STRING && (size_t)r->len < cap) {
		memcpy(buf, r->str, (size_t)r->len);
		buf[r->len] = 0;
		n = r->len;
	} else if (r->type == REDIS_REPLY_NIL) {
		n = 0;
	}
	freeReplyObject(r);
	return n;
}
