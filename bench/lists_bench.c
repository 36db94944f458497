/* SPDX-License-Identifier: BSD-3-Clause */
/* Population-sized lists (issue 12 item 3): load a snapshot of N shields
 * and M blocks into the dataplane's table (rte_hash, dp_lists_store.c)
 * through policy_lists_parse, the same path smsfw takes, and report the
 * time, RSS and bytes per entry; then apply changes at a fixed rate
 * (policy_lists_apply, the control thread's path) while another lcore
 * looks entries up without pause, and report the lookup rate with and
 * without the writer and every lookup that did not find an entry that was
 * never changed (must be 0).
 *
 * smsfw-lists-bench [--shields N] [--blocks M] [--rate CHANGES_PER_S] [--seconds S] [--memory-mb MB] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "dp_lists_store.h"
#include "policy_lists.h"

#define STABLE_SUB 1000000000ull	/* shields 8613[0-9]{9} with index < N are never changed */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = atol(line + 6);
	fclose(f);
	return kb;
}

struct reader {
	struct policy_lists *l;
	struct rte_rcu_qsbr *qs;
	uint64_t n_shields;
	volatile int stop;
	volatile int phase;		/* 0 baseline, 1 with writer */
	uint64_t lookups[2];
	uint64_t seconds_ns[2];
	double cpu[2];			/* the reader's CPU seconds per phase (the machine is shared) */
	uint64_t missed[2];		/* a stable entry not found: must stay 0 */
	uint64_t churn_hits;
};

static int reader_main(void *arg)
{
	struct reader *r = arg;
	unsigned id = 0;
	uint64_t x = 88172645463325252ull, n = 0;
	int phase = -1;
	double t0 = 0, c0 = 0;

	rte_rcu_qsbr_thread_register(r->qs, id);
	rte_rcu_qsbr_thread_online(r->qs, id);
	while (!r->stop) {
		int p = r->phase;

		if (p != phase) {
			double t = now_s();

			if (phase >= 0) {
				r->lookups[phase] = n;
				r->seconds_ns[phase] = (uint64_t)((t - t0) * 1e9);
				r->cpu[phase] = cpu_s() - c0;
			}
			if (p > 1)
				break;	/* measured both */
			phase = p;
			n = 0;
			t0 = t;
			c0 = cpu_s();
		}
		for (int k = 0; k < 64; k++) {
			char sub[32];
			uint64_t i;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			i = x % r->n_shields;
			snprintf(sub, sizeof(sub), "8613%09llu", (unsigned long long)i);
			if (!policy_lists_shielded(r->l, sub, "1065712345", NULL))
				r->missed[phase]++;
			/* the churned subscribers: present or not, never a wait */
			snprintf(sub, sizeof(sub), "8614%09llu", (unsigned long long)(x >> 40) % 100000);
			r->churn_hits += (uint64_t)policy_lists_shielded(r->l, sub, "1065712345", NULL);
			n += 2;
		}
		rte_rcu_qsbr_quiescent(r->qs, id);
	}
	rte_rcu_qsbr_thread_offline(r->qs, id);
	rte_rcu_qsbr_thread_unregister(r->qs, id);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "shields", required_argument, NULL, 's' }, { "blocks", required_argument, NULL, 'b' },
		{ "rate", required_argument, NULL, 'r' }, { "seconds", required_argument, NULL, 't' },
		{ "memory-mb", required_argument, NULL, 'm' }, { NULL, 0, NULL, 0 },
	};
	uint64_t n_shields = 10000000, n_blocks = 1000000, rate = 10000, secs = 5, mem_mb = 4096;
	char mbuf[32], prefix[64], err[256];
	char *eal[] = { argv[0], "--no-huge", "--no-pci", "--no-shconf", "-l", "0-1", mbuf, prefix,
			"--log-level=lib.eal:error", NULL };
	struct policy_lists_counts c;
	struct policy_lists *l;
	struct reader rd;
	char *text;
	size_t len = 0, cap;
	long rss0, rss1;
	double t0, t1, t_build, c_load;
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		uint64_t v = strtoull(optarg ? optarg : "0", NULL, 10);

		if (o == 's') n_shields = v;
		else if (o == 'b') n_blocks = v;
		else if (o == 'r') rate = v;
		else if (o == 't') secs = v;
		else if (o == 'm') mem_mb = v;
		else return 2;
	}
	if (!n_shields || n_shields > STABLE_SUB || !secs) {
		fprintf(stderr, "--shields 1..%llu, --seconds >= 1\n", STABLE_SUB);
		return 2;
	}
	snprintf(mbuf, sizeof(mbuf), "-m%llu", (unsigned long long)mem_mb);
	snprintf(prefix, sizeof(prefix), "--file-prefix=lists-bench-%d", (int)getpid());
	if (rte_eal_init(9, eal) < 0 || rte_lcore_count() < 2) {
		fprintf(stderr, "EAL initialisation failed (needs 2 lcores)\n");
		return 1;
	}
	dp_lists_store_init();

	/* the snapshot text controld would publish */
	cap = (n_shields + n_blocks) * 48 + 64;
	text = malloc(cap);
	if (!text)
		return 1;
	t0 = now_s();
	len += (size_t)snprintf(text + len, cap - len, "# smsfw lists v1\nversion 1\nrev 1000\n");
	for (uint64_t i = 0; i < n_shields; i++)
		len += (size_t)snprintf(text + len, cap - len, "shield 8613%09llu 10657\n", (unsigned long long)i);
	for (uint64_t i = 0; i < n_blocks; i++)
		len += (size_t)snprintf(text + len, cap - len, "block number 8615%09llu\n", (unsigned long long)i);
	t_build = now_s() - t0;
	rss0 = rss_kb();
	t0 = now_s();
	c_load = cpu_s();
	l = policy_lists_parse(text, len, "bench", err, sizeof(err));
	t1 = now_s();
	c_load = cpu_s() - c_load;
	free(text);
	if (!l) {
		fprintf(stderr, "load: %s\n", err);
		return 1;
	}
	rss1 = rss_kb();
	policy_lists_counts(l, &c);
	{
		char sub[24];
		uint64_t found = 0;

		/* every entry is there (this thread, before the reader starts) */
		for (uint64_t i = 0; i < n_shields; i++) {
			snprintf(sub, sizeof(sub), "8613%09llu", (unsigned long long)(i % STABLE_SUB));
			found += (uint64_t)policy_lists_shielded(l, sub, "1065712345", NULL);
		}
		for (uint64_t i = 0; i < n_blocks; i++) {
			snprintf(sub, sizeof(sub), "8615%09llu", (unsigned long long)(i % STABLE_SUB));
			found += (uint64_t)policy_lists_number(l, POLICY_LIST_BLOCK, sub, NULL);
		}
		if (found != n_shields + n_blocks) {
			fprintf(stderr, "only %llu of %llu entries found\n", (unsigned long long)found,
				(unsigned long long)(n_shields + n_blocks));
			return 1;
		}
	}
	printf("lists bench: store %s, %llu shields + %llu blocks (snapshot text %.0f MB, written in %.1f s)\n",
	       policy_store_ops()->name, (unsigned long long)c.shields,
	       (unsigned long long)c.entries[POLICY_LIST_BLOCK][POLICY_ENTRY_NUMBER], (double)len / 1e6, t_build);
	printf("  load               %.2f s wall, %.2f s CPU (%.2f M entries per CPU second, parse + insert)\n",
	       t1 - t0, c_load, (double)(n_shields + n_blocks) / c_load / 1e6);
	printf("  table              capacity %u, %.0f MB by rte_hash's allocations = %.1f B per entry loaded "
	       "(%.1f B per slot)\n", c.capacity, (double)c.table_bytes / 1e6,
	       (double)c.table_bytes / (double)(n_shields + n_blocks), (double)c.table_bytes / c.capacity);
	printf("  RSS                %.0f MB before load (text included), %.0f MB after (text freed): "
	       "+%.0f MB = %.1f B per entry\n", rss0 / 1024.0, rss1 / 1024.0, (rss1 - rss0 + (double)len / 1024) / 1024.0,
	       ((double)(rss1 - rss0) * 1024 + (double)len) / (double)(n_shields + n_blocks));

	/* lookups alone, then with the writer */
	{
		struct rte_rcu_qsbr *qs = rte_zmalloc("bench_qs", rte_rcu_qsbr_get_memsize(1), RTE_CACHE_LINE_SIZE);
		unsigned worker = rte_get_next_lcore(-1, 1, 0);
		uint64_t applied = 0, noop = 0, bad = 0;
		double lat_max = 0, lat_sum = 0;
		double start;
		char line[96];

		rte_rcu_qsbr_init(qs, 1);
		dp_lists_store_set_qsbr(qs);
		memset(&rd, 0, sizeof(rd));
		rd.l = l;
		rd.qs = qs;
		rd.n_shields = n_shields;
		rte_eal_remote_launch(reader_main, &rd, worker);
		for (start = now_s(); now_s() - start < (double)secs;)
			usleep(10000);	/* a signal may cut a sleep short */
		rd.phase = 1;
		start = now_s();
		/* rate changes per second, paced per millisecond: add then delete
		 * shields of 100,000 churned subscribers (8614...) */
		for (uint64_t k = 0; now_s() - start < (double)secs; k++) {
			double due = start + (double)k / (double)rate, t;
			int add = (k / 100000) % 2 == 0, rc;
			size_t n;

			/* sleep until the change is due (the writer is the
			 * control thread: it must not take a core from the lcores) */
			while ((t = now_s()) < due)
				usleep(due - t > 0.0005 ? 500 : 50);
			n = (size_t)snprintf(line, sizeof(line), "shield 8614%09llu 10657",
					     (unsigned long long)(k % 100000));
			rc = policy_lists_apply(l, 1001 + k, add, line, n, (uint64_t)time(NULL), err, sizeof(err));
			t = now_s() - t;
			lat_sum += t;
			if (t > lat_max)
				lat_max = t;
			if (rc == 0)
				applied++;
			else if (rc == 1)
				noop++;
			else
				bad++;
		}
		rd.phase = 2;
		usleep(100000);
		rd.stop = 1;
		rte_eal_wait_lcore(worker);
		{
			double base = (double)rd.lookups[0] / ((double)rd.seconds_ns[0] / 1e9);
			double with = (double)rd.lookups[1] / ((double)rd.seconds_ns[1] / 1e9);
			double secs_w = (double)rd.seconds_ns[1] / 1e9;

			printf("  lookups alone      %.2f M/s on lcore %u (%llu in %.1f s; %.2f M per CPU second)\n",
			       base / 1e6, worker, (unsigned long long)rd.lookups[0], (double)rd.seconds_ns[0] / 1e9,
			       (double)rd.lookups[0] / rd.cpu[0] / 1e6);
			printf("  with %llu changes/s %.2f M/s (%+.1f %%; %.2f M per CPU second, %+.1f %%), %llu changes "
			       "applied + %llu no-op + %llu refused in %.1f s (%.0f/s), apply %.2f us mean, %.0f us max\n",
			       (unsigned long long)rate, with / 1e6, (with - base) / base * 100.0,
			       (double)rd.lookups[1] / rd.cpu[1] / 1e6,
			       ((double)rd.lookups[1] / rd.cpu[1]) / ((double)rd.lookups[0] / rd.cpu[0]) * 100.0 - 100.0,
			       (unsigned long long)applied, (unsigned long long)noop, (unsigned long long)bad, secs_w,
			       (double)(applied + noop + bad) / secs_w, lat_sum / (double)(applied + noop + bad) * 1e6,
			       lat_max * 1e6);
			printf("  lost lookups       %llu alone, %llu with the writer, of %llu lookups of never-changed "
			       "shields\n", (unsigned long long)rd.missed[0], (unsigned long long)rd.missed[1],
			       (unsigned long long)(rd.lookups[0] + rd.lookups[1]) / 2);
			printf("  deferred frees     %llu waiting for the grace period at the end\n",
			       (unsigned long long)dp_lists_store_pending());
		}
		dp_lists_store_set_qsbr(NULL);
		policy_lists_free(l);
		rte_free(qs);
		return rd.missed[0] || rd.missed[1] || bad ? 1 : 0;
	}
}
