/* SPDX-License-Identifier: BSD-3-Clause */
/* A small M3UA endpoint on usrsctp over raw IP (RFC 9260 via usrsctp,
 * RFC 4666 DATA without ASP management): "client" is an MSC sending
 * MO-ForwardSM dialogues, "server" an SMSC answering each Invoke with a
 * TC-END ReturnResultLast. Used by run_inline.sh across smsfw inline.
 *
 * Message seq (0-based) carries otid seq + 1. Every block_every-th
 * message (seq % K == K - 1) has a text the harness's rules block: the odd
 * ones of those class "reject" (ReturnError expected), the even ones class
 * "fake-ack" (a ReturnResultLast smsfw invents). The server checks that it
 * receives exactly the others, in order per stream, with no duplicate and
 * no gap; the client that every dialogue is answered as expected. Both end
 * with one "RESULT ..." line including usrsctp's statistics. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <usrsctp.h>

#include "decode/m3ua.h"
#include "peer_msg.h"

#define MAX_STREAMS 16

static struct {
	int server;
	char local[64], remote[64];
	unsigned lport, rport;
	uint32_t count, block_every, window, streams, timeout_s;
	uint32_t maxseg;	/* SCTP_MAXSEG: fragment messages above it (0: PMTU) */
} opt = { .count = 1000, .block_every = 10, .window = 64, .streams = 5, .timeout_s = 120 };

static struct socket *sock;
static uint8_t *answer;			/* client: 0 none, 1 result, 2 error, per seq */
static atomic_uint answered;
static atomic_uint dup_answers, server_received;
static volatile int done;

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int blocked(uint32_t seq)
{
	return opt.block_every && seq % opt.block_every == opt.block_every - 1;
}

/* 1: reject class, 2: fake-ack class */
static int block_kind(uint32_t seq)
{
	return (seq / opt.block_every) % 2 == 0 ? 1 : 2;
}

static void stats_line(const char *role, const char *extra)
{
	struct sctpstat st;

	memset(&st, 0, sizeof(st));
	usrsctp_get_stat(&st);
	printf("RESULT role=%s %s aborted=%u t3_timeouts=%u retrans_data=%u fast_retrans=%u "
	       "dup_data_in=%u checksum_errors=%u init_timeouts=%u packets_in=%u\n",
	       role, extra, st.sctps_aborted, st.sctps_timodata, st.sctps_sendretransdata,
	       st.sctps_sendfastretrans, st.sctps_recvdupdata, st.sctps_checksumerrors,
	       st.sctps_timoinit, st.sctps_recvpackets);
	fflush(stdout);
}

/* The TCAP message inside an M3UA DATA / SCCP UDT: type, transaction id
 * (otid of a Begin, dtid of an End) and the first component tag. */
static int parse_tcap(const uint8_t *p, size_t len, uint8_t *type, uint32_t *tid, uint8_t *comp)
{
	struct m3ua_view m;
	const uint8_t *u, *t;
	size_t ul, doff, tl, off;

	if (m3ua_decode(p, len, &m) != SF_OK || !m.has_pd)
		return -1;
	u = m.user_data.p;
	ul = m.user_data.len;
	/* Q.713 §4.10 UDT: pointer to the data at offset 4 */
	if (ul < 5 || u[0] != 0x09)
		return -1;
	doff = 4 + (size_t)u[4];
	if (doff >= ul || ul - doff - 1 < u[doff])
		return -1;
	t = u + doff + 1;
	tl = u[doff];
	if (tl < 8)
		return -1;
	*type = t[0];
	off = t[1] & 0x80 ? 2 + (t[1] & 0x7f) : 2;	/* X.690 length form */
	if (off + 6 > tl || (t[off] != 0x48 && t[off] != 0x49) || t[off + 1] != 4)
		return -1;
	*tid = (uint32_t)t[off + 2] << 24 | (uint32_t)t[off + 3] << 16 |
	       (uint32_t)t[off + 4] << 8 | t[off + 5];
	*comp = 0;
	for (size_t i = off + 6; i + 2 < tl; i++)
		if (t[i] == 0x6c) {	/* component portion */
			size_t c = i + (t[i + 1] & 0x80 ? 2 + (t[i + 1] & 0x7f) : 2);

			if (c < tl)
				*comp = t[c];
			break;
		}
	return 0;
}

static struct socket *make_socket(void)
{
	struct socket *s = usrsctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL, 0, NULL);
	struct sctp_initmsg im;
	int on = 1;

	if (!s) {
		perror("usrsctp_socket");
		exit(2);
	}
	memset(&im, 0, sizeof(im));
	im.sinit_num_ostreams = (uint16_t)opt.streams;
	im.sinit_max_instreams = MAX_STREAMS;
	usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im));
	usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof(on));
	usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on));
	if (opt.maxseg) {
		/* RFC 6458 §8.1.16: user messages above this are fragmented over
		 * several DATA chunks (RFC 9260 §6.9) */
		struct sctp_assoc_value av = { .assoc_id = SCTP_FUTURE_ASSOC, .assoc_value = opt.maxseg };

		if (usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_MAXSEG, &av, sizeof(av)) < 0) {
			perror("SCTP_MAXSEG");
			exit(2);
		}
	}
	/* the end of the association is seen as notifications (RFC 6458 §6.1) */
	for (size_t i = 0; i < 2; i++) {
		struct sctp_event ev = { .se_assoc_id = SCTP_ALL_ASSOC, .se_on = 1,
					 .se_type = i ? SCTP_SHUTDOWN_EVENT : SCTP_ASSOC_CHANGE };

		usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev));
	}
	return s;
}

enum { END_NONE, END_PEER_SHUTDOWN, END_CLOSED };

/* What a notification says about the association's end: the peer sent
 * SHUTDOWN (all its DATA was acknowledged), or the association is gone. */
static int end_of(const uint8_t *buf, ssize_t n)
{
	const union sctp_notification *sn = (const void *)buf;

	if (n < (ssize_t)sizeof(sn->sn_header))
		return END_NONE;
	if (sn->sn_header.sn_type == SCTP_SHUTDOWN_EVENT)
		return END_PEER_SHUTDOWN;
	if (sn->sn_header.sn_type == SCTP_ASSOC_CHANGE && n >= (ssize_t)sizeof(sn->sn_assoc_change) &&
	    sn->sn_assoc_change.sac_state != SCTP_COMM_UP && sn->sn_assoc_change.sac_state != SCTP_RESTART)
		return END_CLOSED;
	return END_NONE;
}

static void sin_of(struct sockaddr_in *sa, const char *ip, unsigned port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &sa->sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", ip);
		exit(2);
	}
}

static int send_msg(struct socket *s, const uint8_t *m, size_t n, uint16_t sid)
{
	struct sctp_sndinfo si;

	memset(&si, 0, sizeof(si));
	si.snd_sid = sid;
	si.snd_ppid = htonl(3);		/* RFC 4666 §1.4.7: PPID 3 = M3UA */
	for (;;) {
		ssize_t r = usrsctp_sendv(s, m, n, NULL, 0, &si, sizeof(si), SCTP_SENDV_SNDINFO, 0);

		if (r >= 0)
			return 0;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS)
			return -1;
		usleep(200);
	}
}

static ssize_t recv_msg(struct socket *s, uint8_t *buf, size_t cap, struct sctp_rcvinfo *ri, int *flags)
{
	struct sockaddr_in from;
	socklen_t fl = sizeof(from), il = sizeof(*ri);
	unsigned it = 0;

	*flags = 0;
	return usrsctp_recvv(s, buf, cap, (struct sockaddr *)&from, &fl, ri, &il, &it, flags);
}

/* Read (and drop) until the association is gone or `secs` have passed.
 * Returns 1 when it is gone. */
static int wait_closed(struct socket *s, double secs)
{
	double end = mono() + secs;
	uint8_t buf[4096];

	usrsctp_set_non_blocking(s, 1);
	while (mono() < end) {
		struct sctp_rcvinfo ri;
		int flags;
		ssize_t n = recv_msg(s, buf, sizeof(buf), &ri, &flags);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			return 1;
		if (n < 0)
			usleep(5000);
		else if (flags & MSG_NOTIFICATION && end_of(buf, n) == END_CLOSED)
			return 1;
	}
	return 0;
}

/* ---- server (SMSC) ---- */
static int run_server(void)
{
	struct socket *ls = make_socket(), *s;
	struct sockaddr_in sa;
	uint8_t buf[4096], ans[512];
	uint8_t *seen = calloc(opt.count, 1);
	int64_t last[MAX_STREAMS];
	uint32_t received = 0, leaked = 0, dups = 0, out_of_order = 0, unparsed = 0, gaps = 0;
	int closed = 0;
	char extra[512];

	for (int i = 0; i < MAX_STREAMS; i++)
		last[i] = -1;
	sin_of(&sa, opt.local, opt.lport);
	if (usrsctp_bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || usrsctp_listen(ls, 1) < 0) {
		perror("bind/listen");
		return 2;
	}
	printf("server listening on %s:%u\n", opt.local, opt.lport);
	fflush(stdout);
	s = usrsctp_accept(ls, NULL, NULL);
	if (!s) {
		perror("accept");
		return 2;
	}
	{
		int on = 1;

		usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof(on));
	}
	for (;;) {
		struct sctp_rcvinfo ri;
		int flags;
		ssize_t n = recv_msg(s, buf, sizeof(buf), &ri, &flags);
		uint8_t type, comp;
		uint32_t otid, seq;
		size_t al;

		if (n <= 0) {
			closed = 1;
			break;
		}
		if (flags & MSG_NOTIFICATION) {
			int e = end_of(buf, n);

			if (e == END_NONE)
				continue;
			closed = e == END_CLOSED;
			break;
		}
		if (parse_tcap(buf, (size_t)n, &type, &otid, &comp) || type != 0x62 || otid == 0 ||
		    otid > opt.count) {
			unparsed++;
			continue;
		}
		seq = otid - 1;
		received++;
		atomic_store(&server_received, received);
		if (seen[seq])
			dups++;
		seen[seq] = 1;
		if (blocked(seq))
			leaked++;
		if (ri.rcv_sid < MAX_STREAMS) {
			if ((int64_t)seq <= last[ri.rcv_sid])
				out_of_order++;
			last[ri.rcv_sid] = seq;
		}
		al = peer_msg_end(ans, sizeof(ans), otid, 1, (uint8_t)(seq & 15));
		if (!al || send_msg(s, ans, al, ri.rcv_sid) != 0)
			break;
	}
	for (uint32_t i = 0; i < opt.count; i++)
		if (!blocked(i) && !seen[i])
			gaps++;
	/* after the client's SHUTDOWN our SHUTDOWN-ACK leaves once our own
	 * answers are acknowledged: stay until the association is gone */
	if (!closed)
		closed = wait_closed(s, 20.0);
	snprintf(extra, sizeof(extra),
		 "received=%u expected=%u leaked_blocked=%u duplicates=%u out_of_order=%u gaps=%u unparsed=%u closed=%d",
		 received, opt.count - opt.count / (opt.block_every ? opt.block_every : opt.count + 1),
		 leaked, dups, out_of_order, gaps, unparsed, closed);
	stats_line("server", extra);
	usrsctp_close(s);
	usrsctp_close(ls);
	return leaked || dups || out_of_order || gaps || unparsed ? 1 : 0;
}

/* ---- client (MSC) ---- */
static void *client_sender(void *arg)
{
	uint8_t m[1024];
	char text[160];

	(void)arg;
	for (uint32_t seq = 0; seq < opt.count && !done; seq++) {
		size_t n;

		while (seq - atomic_load(&answered) >= opt.window && !done)
			usleep(50);
		if (!blocked(seq))
			snprintf(text, sizeof(text), "Hello number %u from the inline harness see you", seq);
		else if (block_kind(seq) == 1)
			snprintf(text, sizeof(text), "Zzrejectzz offer number %u", seq);
		else
			snprintf(text, sizeof(text), "Zzfakeackzz offer number %u", seq);
		n = peer_msg_mo(m, sizeof(m), seq, text);
		if (!n || send_msg(sock, m, n, (uint16_t)(1 + seq % (opt.streams - 1))) != 0) {
			fprintf(stderr, "client: send %u failed: %s\n", seq, strerror(errno));
			done = 1;
			break;
		}
	}
	return NULL;
}

static int run_client(void)
{
	struct sockaddr_in sa;
	pthread_t th;
	uint8_t buf[4096];
	double t0, t1;
	uint32_t results = 0, errors = 0, missing = 0, wrong = 0, unparsed = 0;
	int closed;
	char extra[512];

	answer = calloc(opt.count, 1);
	sock = make_socket();
	sin_of(&sa, opt.local, 0);
	usrsctp_bind(sock, (struct sockaddr *)&sa, sizeof(sa));
	sin_of(&sa, opt.remote, opt.rport);
	if (usrsctp_connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("connect");
		return 2;
	}
	t0 = mono();
	pthread_create(&th, NULL, client_sender, NULL);
	while (atomic_load(&answered) < opt.count && !done) {
		struct sctp_rcvinfo ri;
		int flags;
		ssize_t n = recv_msg(sock, buf, sizeof(buf), &ri, &flags);
		uint8_t type, comp;
		uint32_t dtid;

		if (n <= 0) {
			fprintf(stderr, "client: association closed (%zd)\n", n);
			break;
		}
		if (flags & MSG_NOTIFICATION)
			continue;
		if (parse_tcap(buf, (size_t)n, &type, &dtid, &comp) || type != 0x64 || dtid == 0 ||
		    dtid > opt.count) {
			unparsed++;
			continue;
		}
		if (answer[dtid - 1]) {
			atomic_fetch_add(&dup_answers, 1);
			continue;
		}
		answer[dtid - 1] = comp == 0xa3 ? 2 : 1;	/* returnError [3] / returnResultLast [2] */
		atomic_fetch_add(&answered, 1);
	}
	t1 = mono();
	done = 1;
	pthread_join(th, NULL);
	for (uint32_t i = 0; i < opt.count; i++) {
		int want = blocked(i) && block_kind(i) == 1 ? 2 : 1;

		if (!answer[i])
			missing++;
		else if (answer[i] != want)
			wrong++;
		if (answer[i] == 1)
			results++;
		else if (answer[i] == 2)
			errors++;
	}
	/* graceful end across smsfw: SHUTDOWN leaves once all our DATA is
	 * acknowledged (through smsfw's translated SACKs), and the association
	 * is gone when the SHUTDOWN-ACK came back. Under loss that takes
	 * retransmissions: wait for it rather than a fixed time. */
	usrsctp_shutdown(sock, SHUT_WR);
	closed = wait_closed(sock, 30.0);
	snprintf(extra, sizeof(extra),
		 "sent=%u answered=%u results=%u errors=%u missing=%u wrong_kind=%u dup_answers=%u unparsed=%u closed=%d seconds=%.2f rate=%.0f",
		 opt.count, atomic_load(&answered), results, errors, missing, wrong,
		 atomic_load(&dup_answers), unparsed, closed, t1 - t0, (double)opt.count / (t1 - t0));
	stats_line("client", extra);
	/* a lost SHUTDOWN-COMPLETE makes the server resend SHUTDOWN-ACK: stay
	 * to answer it (RFC 9260 §8.4 item 5) */
	sleep(3);
	usrsctp_close(sock);
	return missing || wrong || atomic_load(&dup_answers) || unparsed || !closed ? 1 : 0;
}

static void *watchdog(void *arg)
{
	double end = mono() + opt.timeout_s;

	(void)arg;
	while (mono() < end)
		sleep(1);
	{
		char extra[128];

		snprintf(extra, sizeof(extra), "timeout=1 answered=%u received=%u",
			 atomic_load(&answered), atomic_load(&server_received));
		fprintf(stderr, "%s: timeout after %u s\n", opt.server ? "server" : "client", opt.timeout_s);
		stats_line(opt.server ? "server" : "client", extra);
	}
	_exit(3);
}

static void split(const char *s, char *ip, size_t cap, unsigned *port)
{
	const char *c = strrchr(s, ':');

	snprintf(ip, cap, "%.*s", c ? (int)(c - s) : (int)strlen(s), s);
	*port = c ? (unsigned)atoi(c + 1) : 0;
}

int main(int argc, char **argv)
{
	pthread_t wd;
	int rc;

	if (argc < 2 || (strcmp(argv[1], "server") && strcmp(argv[1], "client"))) {
		fprintf(stderr, "usage: %s server|client --local IP:PORT [--remote IP:PORT] [--count N]\n"
			"  [--block-every K] [--window W] [--streams S] [--timeout S] [--maxseg BYTES]\n", argv[0]);
		return 2;
	}
	opt.server = !strcmp(argv[1], "server");
	for (int i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--local"))
			split(argv[i + 1], opt.local, sizeof(opt.local), &opt.lport);
		else if (!strcmp(argv[i], "--remote"))
			split(argv[i + 1], opt.remote, sizeof(opt.remote), &opt.rport);
		else if (!strcmp(argv[i], "--count"))
			opt.count = (uint32_t)strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--block-every"))
			opt.block_every = (uint32_t)strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--window"))
			opt.window = (uint32_t)strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--streams"))
			opt.streams = (uint32_t)strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--maxseg"))
			opt.maxseg = (uint32_t)strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--timeout"))
			opt.timeout_s = (uint32_t)strtoul(argv[i + 1], NULL, 10);
		else {
			fprintf(stderr, "unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (opt.streams < 2 || opt.streams > MAX_STREAMS || !opt.count || !opt.window) {
		fprintf(stderr, "bad --streams/--count/--window\n");
		return 2;
	}
	/* RFC 9260 over raw IP (no UDP encapsulation) */
	usrsctp_init(0, NULL, NULL);
	usrsctp_sysctl_set_sctp_blackhole(2);
	pthread_create(&wd, NULL, watchdog, NULL);
	rc = opt.server ? run_server() : run_client();
	fflush(stdout);
	_exit(rc);	/* usrsctp_finish() can wait on timers: not needed here */
}
