/* SPDX-License-Identifier: BSD-3-Clause */
/* A lossy, reordering Ethernet bridge between two interfaces (AF_PACKET),
 * standing in for `tc netem loss 1% reorder` where the kernel has no netem:
 * each frame is dropped with probability loss, or held back and sent after
 * the next frame of the same direction (or after 2 ms) with probability
 * reorder. Prints its counters on SIGINT/SIGTERM. */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_sig(int s)
{
	(void)s;
	stop = 1;
}

static int open_if(const char *name, int *ifindex)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	struct sockaddr_ll sa;

	if (fd < 0) {
		perror("socket");
		exit(2);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sll_family = AF_PACKET;
	sa.sll_protocol = htons(ETH_P_ALL);
	sa.sll_ifindex = (int)if_nametoindex(name);
	if (!sa.sll_ifindex || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "bind %s failed\n", name);
		exit(2);
	}
	*ifindex = sa.sll_ifindex;
	return fd;
}

struct held {
	int have;
	size_t len;
	double since;
	uint8_t buf[9216];
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int fd[2], idx[2];
	double loss, reorder;
	struct held h[2];
	uint64_t fwd = 0, lost = 0, reordered = 0;
	uint8_t buf[9216];

	if (argc != 5) {
		fprintf(stderr, "usage: %s IF_A IF_B LOSS REORDER (probabilities 0..1)\n", argv[0]);
		return 2;
	}
	fd[0] = open_if(argv[1], &idx[0]);
	fd[1] = open_if(argv[2], &idx[1]);
	loss = atof(argv[3]);
	reorder = atof(argv[4]);
	memset(h, 0, sizeof(h));
	srand48((long)getpid());
	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);
	while (!stop) {
		struct pollfd p[2] = { { fd[0], POLLIN, 0 }, { fd[1], POLLIN, 0 } };

		if (poll(p, 2, 1) < 0)
			continue;
		for (int i = 0; i < 2; i++) {
			int o = 1 - i;

			/* a held frame goes out after 2 ms at the latest */
			if (h[i].have && now_s() - h[i].since > 0.002) {
				send(fd[o], h[i].buf, h[i].len, 0);
				h[i].have = 0;
			}
			if (!(p[i].revents & POLLIN))
				continue;
			for (;;) {
				struct sockaddr_ll from;
				socklen_t fl = sizeof(from);
				ssize_t n = recvfrom(fd[i], buf, sizeof(buf), MSG_DONTWAIT,
						     (struct sockaddr *)&from, &fl);

				if (n <= 0)
					break;
				if (from.sll_pkttype == PACKET_OUTGOING)
					continue;	/* our own transmissions */
				if (drand48() < loss) {
					lost++;
					continue;
				}
				if (!h[i].have && drand48() < reorder) {
					memcpy(h[i].buf, buf, (size_t)n);
					h[i].len = (size_t)n;
					h[i].have = 1;
					h[i].since = now_s();
					reordered++;
					continue;
				}
				send(fd[o], buf, (size_t)n, 0);
				fwd++;
				if (h[i].have) {
					send(fd[o], h[i].buf, h[i].len, 0);
					h[i].have = 0;
					fwd++;
				}
			}
		}
	}
	fprintf(stderr, "impair %s<->%s: forwarded %llu lost %llu reordered %llu\n", argv[1], argv[2],
		(unsigned long long)fwd, (unsigned long long)lost, (unsigned long long)reordered);
	return 0;
}
