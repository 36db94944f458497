/* SPDX-License-Identifier: BSD-3-Clause */
/* Prometheus exposition over HTTP/1.0 (one thread, poll + accept, one
 * request per connection, bounded request size and time). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "ctl_metrics.h"

struct ctl_metrics {
	int fd;
	int port;
	pthread_t thr;
	atomic_int stop;
	pthread_mutex_t mu;
	char *text;
	size_t len;
};

static void send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void serve_one(struct ctl_metrics *m, int fd)
{
	struct timeval tv = { 1, 0 };
	char req[4096], hdr[256];
	size_t got = 0;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (got < sizeof(req) - 1) {
		ssize_t r = recv(fd, req + got, sizeof(req) - 1 - got, 0);

		if (r <= 0)
			break;
		got += (size_t)r;
		req[got] = 0;
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			break;
	}
	req[got] = 0;
	if (!strncmp(req, "GET /metrics ", 13) || !strncmp(req, "GET /metrics?", 13)) {
		pthread_mutex_lock(&m->mu);
		snprintf(hdr, sizeof(hdr), "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n", m->len);
		send_all(fd, hdr, strlen(hdr));
		if (m->text)
			send_all(fd, m->text, m->len);
		pthread_mutex_unlock(&m->mu);
	} else {
		static const char nf[] = "HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\n"
					 "Content-Length: 10\r\nConnection: close\r\n\r\nnot found\n";
		send_all(fd, nf, sizeof(nf) - 1);
	}
	close(fd);
}

static void *metrics_thread(void *arg)
{
	struct ctl_metrics *m = arg;

	while (!atomic_load(&m->stop)) {
		struct pollfd p = { .fd = m->fd, .events = POLLIN };
		int fd;

		if (poll(&p, 1, 200) <= 0)
			continue;
		fd = accept(m->fd, NULL, NULL);
		if (fd >= 0)
			serve_one(m, fd);
	}
	return NULL;
}

struct ctl_metrics *ctl_metrics_start(const char *addr, int port, char *err, size_t errlen)
{
	struct ctl_metrics *m = calloc(1, sizeof(*m));
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	socklen_t sl = sizeof(sa);
	int one = 1;

	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		snprintf(err, errlen, "metrics: bad IPv4 listen address \"%s\"", addr);
		free(m);
		return NULL;
	}
	m->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (m->fd < 0 || setsockopt(m->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(m->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(m->fd, 16) < 0 ||
	    getsockname(m->fd, (struct sockaddr *)&sa, &sl) < 0) {
		snprintf(err, errlen, "metrics: %s:%d: %s", addr, port, strerror(errno));
		if (m->fd >= 0)
			close(m->fd);
		free(m);
		return NULL;
	}
	m->port = ntohs(sa.sin_port);
	pthread_mutex_init(&m->mu, NULL);
	if (pthread_create(&m->thr, NULL, metrics_thread, m)) {
		snprintf(err, errlen, "metrics: cannot start thread");
		close(m->fd);
		free(m);
		return NULL;
	}
	return m;
}

int ctl_metrics_port(const struct ctl_metrics *m)
{
	return m->port;
}

void ctl_metrics_set(struct ctl_metrics *m, const char *text, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return;
	memcpy(copy, text, len);
	copy[len] = 0;
	pthread_mutex_lock(&m->mu);
	free(m->text);
	m->text = copy;
	m->len = len;
	pthread_mutex_unlock(&m->mu);
}

void ctl_metrics_stop(struct ctl_metrics *m)
{
	if (!m)
		return;
	atomic_store(&m->stop, 1);
	pthread_join(m->thr, NULL);
	close(m->fd);
	pthread_mutex_destroy(&m->mu);
	free(m->text);
	free(m);
}
