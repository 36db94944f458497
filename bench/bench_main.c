/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw-bench: one command that measures, in one run and side by side, the
 * full dataplane path (the real lcore code through a net_ring port with the
 * starter rule bundle), its stages, lcore scaling, rule-count scaling and
 * reload under load, and the baselines — I/O floor, raw Hyperscan, decode
 * only, tshark, naive POSIX/PCRE2 matchers — then prints the table with the
 * ratios and writes results.tsv, results.md, the plot data and PNG plots.
 * Issue 7; what the numbers mean: bench/RESULTS.md. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "policy/policy_state.h"

#ifndef BENCH_PCAPGEN
#define BENCH_PCAPGEN "smsfw-pcapgen"
#endif
#ifndef BENCH_RULEC
#define BENCH_RULEC "smsfw-rulec"
#endif
#ifndef BENCH_RULES_DIR
#define BENCH_RULES_DIR "rules/set"
#endif
#ifndef BENCH_TEST_RULES_DIR
#define BENCH_TEST_RULES_DIR "rules/tests/engine"
#endif
#ifndef BENCH_SRCDIR
#define BENCH_SRCDIR "bench"
#endif

#define STAGE_REPS 2
#define FULL_REPS 2	/* shared machines: the best of a few runs is the least disturbed */
#define PAIR_REPS 3	/* pairs (full path, then the baselines) for the goals' ratios */

static struct bench_figure figs[BENCH_MAX_FIGURES];
static unsigned n_figs;
static struct bench_opts O;

static void fig(const char *key, double v, const char *unit, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fig(const char *key, double v, const char *unit, const char *fmt, ...)
{
	struct bench_figure *f;
	va_list ap;

	if (n_figs >= BENCH_MAX_FIGURES)
		return;
	f = &figs[n_figs++];
	snprintf(f->key, sizeof(f->key), "%s", key);
	f->value = v;
	snprintf(f->unit, sizeof(f->unit), "%s", unit);
	f->note[0] = 0;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(f->note, sizeof(f->note), fmt, ap);
		va_end(ap);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "smsfw-bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "smsfw-bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* Run a program, stdout to /dev/null or a file; its exit status. */
static int run_prog(char *const argv[], const char *stdout_path, int quiet_err)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (stdout_path && !freopen(stdout_path, "w", stdout))
			_exit(127);
		if (quiet_err && !freopen("/dev/null", "w", stderr))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static long status_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t fl = strlen(field);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, fl) && line[fl] == ':') {
			v = strtol(line + fl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* ---- the capture ---- */

static void load_capture(const char *path, struct bench_capture *c)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, ebuf);
	struct pcap_pkthdr *h;
	const u_char *d;
	struct stat sb;
	size_t cap_frames = 1 << 20;
	int r;

	if (!p)
		die("%s: %s", path, ebuf);
	if (pcap_datalink(p) != DLT_EN10MB)
		die("%s: not an Ethernet capture", path);
	if (stat(path, &sb))
		die("%s: %s", path, strerror(errno));
	memset(c, 0, sizeof(*c));
	c->data = malloc((size_t)sb.st_size);
	c->off = malloc(cap_frames * sizeof(*c->off));
	c->len = malloc(cap_frames * sizeof(*c->len));
	c->ts_ns = malloc(cap_frames * sizeof(*c->ts_ns));
	if (!c->data || !c->off || !c->len || !c->ts_ns)
		die("out of memory for %s", path);
	while ((r = pcap_next_ex(p, &h, &d)) == 1) {
		if (c->n == cap_frames) {
			cap_frames *= 2;
			c->off = realloc(c->off, cap_frames * sizeof(*c->off));
			c->len = realloc(c->len, cap_frames * sizeof(*c->len));
			c->ts_ns = realloc(c->ts_ns, cap_frames * sizeof(*c->ts_ns));
			if (!c->off || !c->len || !c->ts_ns)
				die("out of memory for %s", path);
		}
		if ((size_t)sb.st_size - c->data_len < h->caplen)
			die("%s: more packet data than the file holds", path);
		c->off[c->n] = c->data_len;
		c->len[c->n] = h->caplen;
		c->ts_ns[c->n] = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec * 1000ull;
		memcpy(c->data + c->data_len, d, h->caplen);
		c->data_len += h->caplen;
		c->bytes += h->caplen;
		c->n++;
	}
	pcap_close(p);
	if (!c->n)
		die("%s: no packets", path);
}

/* The first n frames as a pcap for tshark. */
static void write_slice(const struct bench_capture *c, size_t n, const char *path)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = p ? pcap_dump_open(p, path) : NULL;

	if (!d)
		die("%s: cannot write", path);
	for (size_t i = 0; i < n && i < c->n; i++) {
		struct pcap_pkthdr h;

		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = (time_t)(c->ts_ns[i] / 1000000000ull);
		h.ts.tv_usec = (suseconds_t)(c->ts_ns[i] % 1000000000ull / 1000);
		h.caplen = h.len = c->len[i];
		pcap_dump((u_char *)d, &h, c->data + c->off[i]);
	}
	pcap_dump_close(d);
	pcap_close(p);
}

/* ---- helpers on results ---- */

static double pct_us(const uint64_t *hist, double q)
{
	uint64_t total = 0, acc = 0;

	for (unsigned b = 0; b < BENCH_HIST_BUCKETS; b++)
		total += hist[b];
	if (!total)
		return 0;
	for (unsigned b = 0; b < BENCH_HIST_BUCKETS; b++) {
		acc += hist[b];
		if ((double)acc >= q * (double)total)
			return (double)(b + 1) * BENCH_HIST_NS / 1000.0;
	}
	return (double)BENCH_HIST_BUCKETS * BENCH_HIST_NS / 1000.0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median and minimum packets per 10 ms window, first and last windows
 * excluded (ramp-up, tail). */
static void window_stats(const struct bench_run *r, double *median_pps, double *min_pps)
{
	unsigned n = r->n_windows > 2 ? r->n_windows - 2 : 0;
	uint64_t *v;

	*median_pps = *min_pps = 0;
	if (!n)
		return;
	v = malloc(n * sizeof(*v));
	if (!v)
		return;
	memcpy(v, r->windows + 1, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_u64);
	*median_pps = (double)v[n / 2] * 1000.0 / r->window_ms;
	*min_pps = (double)v[0] * 1000.0 / r->window_ms;
	free(v);
}

static int verdicts_equal(const struct bench_run *a, const struct bench_run *b)
{
	return a->parts == b->parts && !memcmp(a->verdicts, b->verdicts, sizeof(a->verdicts)) &&
	       !memcmp(a->by_class, b->by_class, sizeof(a->by_class));
}

/* The verdicts of an N-lcore run against the 1-lcore run: equal or not,
 * the flagged parts per class that differ, and the largest difference of
 * one class relative to its 1-lcore count (issue 11: within 0.5 %). */
static void scale_verdict_figs(unsigned n, const char *kind, const struct bench_run *r,
			       const struct bench_run *full)
{
	char key[64], cl[256];
	size_t o = 0;
	double worst = 0;

	snprintf(key, sizeof(key), "scale.%u.%sverdicts_equal", n, kind);
	fig(key, verdicts_equal(r, full), "bool", "pass/tag/block %llu/%llu/%llu vs 1 lcore %llu/%llu/%llu",
	    (unsigned long long)r->verdicts[0], (unsigned long long)r->verdicts[1],
	    (unsigned long long)r->verdicts[2], (unsigned long long)full->verdicts[0],
	    (unsigned long long)full->verdicts[1], (unsigned long long)full->verdicts[2]);
	for (unsigned c = 0; c < 16 && o < sizeof(cl); c++) {
		long long d = (long long)r->by_class[c] - (long long)full->by_class[c];

		if (!d)
			continue;
		o += (size_t)snprintf(cl + o, sizeof(cl) - o, "%s%s:%+lld", o ? " " : "",
				      sf_class_name(c) ? sf_class_name(c) : "?", d);
		if (100.0 * (double)llabs(d) / (double)(full->by_class[c] ? full->by_class[c] : 1) > worst)
			worst = 100.0 * (double)llabs(d) / (double)(full->by_class[c] ? full->by_class[c] : 1);
	}
	snprintf(key, sizeof(key), "scale.%u.%sclass_diff", n, kind);
	fig(key, o ? 1 : 0, "bool", "flagged parts by class id, N lcores minus 1: %s", o ? cl : "none");
	snprintf(key, sizeof(key), "scale.%u.%sclass_max_diff_pct", n, kind);
	fig(key, worst, "%", "largest per-class difference, relative to the 1-lcore count (goal ≤ 0.5)");
}

/* The confusion of expected and given verdicts (bench_truth.c). */
static void truth_figs(const struct bench_truth *t)
{
	const uint64_t (*m)[3] = t->confusion;
	uint64_t pass = m[0][0] + m[0][1] + m[0][2], tag = m[1][0] + m[1][1] + m[1][2];
	uint64_t block = m[2][0] + m[2][1] + m[2][2];

	fig("truth.parts", (double)t->matched, "SMS",
	    "parts matched to their truth line (of %llu lines; %llu parts and %llu lines unmatched)",
	    (unsigned long long)t->lines, (unsigned long long)t->parts_unmatched,
	    (unsigned long long)t->truth_unmatched);
	fig("truth.pass_blocked", (double)m[0][2], "SMS",
	    "of %llu parts to pass (ham, notices, OTPs, reports, shields, WAP push): blocked (goal 0)",
	    (unsigned long long)pass);
	fig("truth.pass_tagged", (double)m[0][1], "SMS", "of the same: tagged");
	fig("truth.block_recall_pct", block ? 100.0 * (double)m[2][2] / (double)block : 0, "%",
	    "of %llu parts to block: blocked (%llu tagged, %llu passed)", (unsigned long long)block,
	    (unsigned long long)m[2][1], (unsigned long long)m[2][0]);
	fig("truth.flag_recall_pct", tag + block ? 100.0 * (double)(m[1][1] + m[1][2] + m[2][1] + m[2][2]) /
						   (double)(tag + block) : 0, "%",
	    "of %llu parts to tag or block: tagged or blocked", (unsigned long long)(tag + block));
	fig("truth.tag_blocked", (double)m[1][2], "SMS", "of %llu parts to tag (spam): blocked",
	    (unsigned long long)tag);
	for (unsigned i = 0; i <= BENCH_TRUTH_SCEN; i++) {
		const uint64_t (*x)[3] = t->by_scenario[i];
		uint64_t n = 0, got[3] = { 0, 0, 0 }, want[3] = { 0, 0, 0 };
		char key[64];

		for (int e = 0; e < 3; e++)
			for (int g = 0; g < 3; g++) {
				n += x[e][g];
				got[g] += x[e][g];
				want[e] += x[e][g];
			}
		if (!n)
			continue;
		snprintf(key, sizeof(key), "truth.%s", i < BENCH_TRUTH_SCEN ? bench_truth_scenarios[i] : "other");
		fig(key, (double)n, "SMS", "expected pass/tag/block %llu/%llu/%llu, given %llu/%llu/%llu",
		    (unsigned long long)want[0], (unsigned long long)want[1], (unsigned long long)want[2],
		    (unsigned long long)got[0], (unsigned long long)got[1], (unsigned long long)got[2]);
		if (i < BENCH_TRUTH_SCEN && !strcmp(bench_truth_scenarios[i], "ham"))
			fig("truth.ham_blocked", (double)x[0][2], "SMS",
			    "of %llu ham parts (people's and businesses' messages) to pass: blocked (goal 0)",
			    (unsigned long long)want[0]);
	}
}

/* tshark over the slice and over a one-frame file (its start-up), wall
 * seconds each, and its rate on the slice's parts with the start-up
 * subtracted; the slice's texts to out. Non-zero if tshark failed. */
/* tshark's SMS texts of pcap to out; its wall seconds in *secs. */
static int tshark_texts(const char *pcap, const char *out, double *secs)
{
	char *a[] = { "tshark", "-n", "-r", (char *)pcap, "-Y", "gsm_sms", "-T", "fields", "-e",
		      "gsm_sms.sms_text", NULL };
	double t1 = now_s();
	int st = run_prog(a, out, 1);

	*secs = now_s() - t1;
	return st;
}

static int tshark_time(const char *slicep, const char *one, const char *out, uint64_t parts,
		       double *ts, double *tstart, double *rate)
{
	int st = tshark_texts(one, "/dev/null", tstart);

	st |= tshark_texts(slicep, out, ts);
	*rate = (double)parts / (*ts - *tstart > 0 ? *ts - *tstart : *ts);
	return st;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of v[0..n) (n >= 1), sorting v. */
static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The files of an outputs directory deleted (the directory stays);
 * returns their bytes. */
static uint64_t remove_outputs(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	uint64_t bytes = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[PATH_MAX + 300];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			bytes += (uint64_t)st.st_size;
			unlink(path);
		}
	}
	closedir(d);
	return bytes;
}

static void run_or_die(const struct bench_run_cfg *rc, struct bench_run *r, const char *what)
{
	char err[512];

	if (bench_dp_run(rc, r, err, sizeof(err)))
		die("%s: %s", what, err);
	if (r->tx != r->rx || r->tx_fail || r->dropped)
		die("%s: packets lost: rx %llu tx %llu tx_fail %llu dropped %llu", what,
		    (unsigned long long)r->rx, (unsigned long long)r->tx,
		    (unsigned long long)r->tx_fail, (unsigned long long)r->dropped);
}

/* Newest modification time of the *.rules files in dir (0 if none). */
static time_t rules_mtime(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	time_t t = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		char p[1400];
		struct stat sb;

		if (l < 7 || strcmp(de->d_name + l - 6, ".rules"))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (!stat(p, &sb) && sb.st_mtime > t)
			t = sb.st_mtime;
	}
	closedir(d);
	return t;
}

/* A tag of the starter set's directory for the names of cached bundles and
 * generated sets: --quick (the engine test rules) and a full run (rules/set)
 * share a --workdir without reusing each other's bundles. FNV-1a of the
 * real path. */
static unsigned set_tag(const char *dir)
{
	char real[PATH_MAX];
	const char *p = realpath(dir, real) ? real : dir;
	uint32_t h = 2166136261u;

	for (; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return h;
}

/* Compile dir into bundle unless the bundle is newer than every rule file
 * of src_dir (Hyperscan compilation of the starter set takes tens of
 * seconds; it is not what is measured). *secs = compile time, or -1 when
 * the cached bundle was used. */
static void compile_rules(const char *dir, const char *src_dir, const char *bundle, double *secs,
			  int (*regen)(const char *, unsigned, const char *, char *, size_t), unsigned n)
{
	char *argv[] = { O.rulec, "compile", (char *)dir, "-o", (char *)bundle, NULL, NULL, NULL };
	struct stat sb, ms;
	double t0;
	char err[512];
	int st, has_model = 0;

#ifdef BENCH_MODEL
	/* the shipped bundle carries the content model: so does the bench's */
	if (!stat(BENCH_MODEL, &ms)) {
		argv[5] = "--model";
		argv[6] = BENCH_MODEL;
		has_model = 1;
	}
#endif
	if (!stat(bundle, &sb) && sb.st_size > 0 && sb.st_mtime > rules_mtime(src_dir) &&
	    sb.st_mtime > rules_mtime(dir) && (!has_model || sb.st_mtime > ms.st_mtime)) {
		*secs = -1;
		return;
	}
	if (regen && regen(src_dir, n, dir, err, sizeof(err)))
		die("rule generator: %s", err);
	note("compiling %s", dir);
	t0 = now_s();
	st = run_prog(argv, "/dev/null", 0);
	if (st)
		die("%s compile %s failed (status %d)", O.rulec, dir, st);
	*secs = now_s() - t0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smsfw-bench [options]\n"
		"Replays a smsfw-pcapgen capture from memory through the real dataplane lcore\n"
		"code and, in the same run, the baselines; prints the table with the ratios.\n"
		"  --messages N       SMS of the realistic mix to generate (default 1000000)\n"
		"  --seed S           generator seed (default 1)\n"
		"  --pcap FILE        use this capture instead of generating one\n"
		"  --quick            a few seconds: 3000 messages, the engine test rules\n"
		"                     (rules/tests/engine), small subsets (the CI test)\n"
		"  --lcores N         scale 1..N lcores (default: every CPU)\n"
		"  --burst N          RX burst (default 32, as the dataplane)\n"
		"  --reload-ms MS     reload interval under load (default 1000)\n"
		"  --rule-sizes LIST  rule counts for the curve (default 100,1000,10000)\n"
		"  --naive-texts N    texts for the naive matchers (default 2000)\n"
		"  --tshark-frames N  frames of the capture given to tshark (default 30000)\n"
		"  --workdir DIR      generated captures and rule sets (default /tmp/smsfw-bench)\n"
		"  --out DIR          results.tsv, results.md, *.dat, *.png (default bench-out)\n"
		"  --rules DIR        starter rule set (default rules/set)\n"
		"  --pcapgen PATH --rulec PATH --srcdir DIR   tools, plots.gp\n"
		"  --rule-costs N     only: each rule alone on N texts, the costliest first\n"
		"  --config FILE      a smsfw INI for every run ([policy], [tables], [engine]…;\n"
		"                     mode, outputs and ports stay the bench's; default: the\n"
		"                     generator's network, pcap/gen/network.ini)\n"
		"  --gated            also scale with the causal replay gate (slow: lockstep)\n"
		"  --no-tshark --no-naive --no-plots\n"
		"  --profile STAGE    only run the stage (decode, engine) 3 times: for perf/callgrind\n");
}

static void parse_opts(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "messages", required_argument, NULL, 'm' },
		{ "seed", required_argument, NULL, 'S' },
		{ "pcap", required_argument, NULL, 'p' },
		{ "quick", no_argument, NULL, 'q' },
		{ "lcores", required_argument, NULL, 'l' },
		{ "burst", required_argument, NULL, 'b' },
		{ "reload-ms", required_argument, NULL, 'r' },
		{ "rule-sizes", required_argument, NULL, 'R' },
		{ "naive-texts", required_argument, NULL, 'n' },
		{ "tshark-frames", required_argument, NULL, 't' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "out", required_argument, NULL, 'o' },
		{ "pcapgen", required_argument, NULL, 'G' },
		{ "rulec", required_argument, NULL, 'C' },
		{ "rules", required_argument, NULL, 'D' },
		{ "srcdir", required_argument, NULL, 's' },
		{ "no-tshark", no_argument, NULL, 'T' },
		{ "no-naive", no_argument, NULL, 'N' },
		{ "no-plots", no_argument, NULL, 'P' },
		{ "profile", required_argument, NULL, 'F' },
		{ "gated", no_argument, NULL, 'g' },
		{ "rule-costs", required_argument, NULL, 'c' },
		{ "config", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, set_rules = 0, set_msgs = 0, set_sizes = 0, set_naive = 0, set_tshark = 0;

	memset(&O, 0, sizeof(O));
	O.messages = 1000000;
	O.seed = 1;
	O.burst = 32;
	O.reload_ms = 1000;
	snprintf(O.rule_sizes, sizeof(O.rule_sizes), "100,1000,10000");
	O.naive_texts = 2000;
	O.tshark_frames = 30000;
	snprintf(O.workdir, sizeof(O.workdir), "/tmp/smsfw-bench");
	snprintf(O.out, sizeof(O.out), "bench-out");
	snprintf(O.pcapgen, sizeof(O.pcapgen), "%s", BENCH_PCAPGEN);
	snprintf(O.rulec, sizeof(O.rulec), "%s", BENCH_RULEC);
	snprintf(O.rules_dir, sizeof(O.rules_dir), "%s", BENCH_RULES_DIR);
	snprintf(O.srcdir, sizeof(O.srcdir), "%s", BENCH_SRCDIR);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': O.messages = strtoul(optarg, NULL, 10); set_msgs = 1; break;
		case 'S': O.seed = strtoul(optarg, NULL, 10); break;
		case 'p': snprintf(O.pcap, sizeof(O.pcap), "%s", optarg); break;
		case 'q': O.quick = 1; break;
		case 'l': O.lcores_max = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'b': O.burst = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'r': O.reload_ms = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'R': snprintf(O.rule_sizes, sizeof(O.rule_sizes), "%s", optarg); set_sizes = 1; break;
		case 'n': O.naive_texts = (unsigned)strtoul(optarg, NULL, 10); set_naive = 1; break;
		case 't': O.tshark_frames = (unsigned)strtoul(optarg, NULL, 10); set_tshark = 1; break;
		case 'w': snprintf(O.workdir, sizeof(O.workdir), "%s", optarg); break;
		case 'o': snprintf(O.out, sizeof(O.out), "%s", optarg); break;
		case 'G': snprintf(O.pcapgen, sizeof(O.pcapgen), "%s", optarg); break;
		case 'C': snprintf(O.rulec, sizeof(O.rulec), "%s", optarg); break;
		case 'D': snprintf(O.rules_dir, sizeof(O.rules_dir), "%s", optarg); set_rules = 1; break;
		case 's': snprintf(O.srcdir, sizeof(O.srcdir), "%s", optarg); break;
		case 'T': O.no_tshark = 1; break;
		case 'N': O.no_naive = 1; break;
		case 'P': O.no_plots = 1; break;
		case 'g': O.gated = 1; break;
		case 'c': O.rule_costs = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'K': snprintf(O.config, sizeof(O.config), "%s", optarg); break;
		case 'F':
			if (!strcmp(optarg, "decode")) O.profile = 1 + ST_DECODE;
			else if (!strcmp(optarg, "engine")) O.profile = 1 + ST_ENGINE;
			else die("--profile: decode or engine");
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc) {
		usage(stderr);
		exit(2);
	}
	/* the generator's network, configured as its operator would (protected
	 * senders exempt from volume rules, their SMSCs for the spoof check) */
	if (!O.config[0] && access(BENCH_NETWORK_INI, R_OK) == 0)
		snprintf(O.config, sizeof(O.config), "%s", BENCH_NETWORK_INI);
	if (O.quick) {
		if (!set_msgs)
			O.messages = 3000;
		if (!set_sizes)
			snprintf(O.rule_sizes, sizeof(O.rule_sizes), "30,100");
		if (!set_rules)
			snprintf(O.rules_dir, sizeof(O.rules_dir), "%s", BENCH_TEST_RULES_DIR);
		if (!set_naive)
			O.naive_texts = 100;
		if (!set_tshark)
			O.tshark_frames = 2000;
		O.reload_ms = 50;
	}
	if (O.burst < 1 || O.burst > 512)
		die("--burst must be 1..512");
	if (O.messages < 100)
		die("--messages must be at least 100");
}

/* ---- output ---- */

static const struct bench_figure *get(const char *key)
{
	for (unsigned i = 0; i < n_figs; i++)
		if (!strcmp(figs[i].key, key))
			return &figs[i];
	return NULL;
}

static double val(const char *key)
{
	const struct bench_figure *f = get(key);

	return f ? f->value : NAN;
}

static void print_table(FILE *f, int md)
{
	if (md)
		fprintf(f, "| figure | value | unit | note |\n|---|---:|---|---|\n");
	for (unsigned i = 0; i < n_figs; i++) {
		const struct bench_figure *x = &figs[i];
		char v[64];

		if (fabs(x->value) >= 1e6 || x->value == floor(x->value))
			snprintf(v, sizeof(v), "%.0f", x->value);
		else if (fabs(x->value) >= 100)
			snprintf(v, sizeof(v), "%.1f", x->value);
		else
			snprintf(v, sizeof(v), "%.3g", x->value);
		if (md)
			fprintf(f, "| %s | %s | %s | %s |\n", x->key, v, x->unit, x->note);
		else
			fprintf(f, "%-34s %14s %-8s %s\n", x->key, v, x->unit, x->note);
	}
}

static void machine(FILE *f)
{
	FILE *c = fopen("/proc/cpuinfo", "r");
	char line[512], model[256] = "?";
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long mem = (long)(sysconf(_SC_PHYS_PAGES) * (sysconf(_SC_PAGESIZE) / 1024) / 1024);
	struct utsname u;
	time_t t = time(NULL);
	char date[64];

	if (c) {
		while (fgets(line, sizeof(line), c))
			if (!strncmp(line, "model name", 10)) {
				char *p = strchr(line, ':');

				if (p) {
					snprintf(model, sizeof(model), "%s", p + 2);
					model[strcspn(model, "\n")] = 0;
				}
				break;
			}
		fclose(c);
	}
	uname(&u);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&t));
	fprintf(f, "- date: %s\n- CPU: %s, %ld online CPUs, TSC %.3f GHz\n- memory: %ld MiB\n- kernel: %s %s\n",
		date, model, cpus, (double)bench_tsc_hz() / 1e9, mem, u.sysname, u.release);
}

/* ---- main ---- */

int main(int argc, char **argv)
{
	struct bench_capture cap;
	struct bench_texts texts;
	struct bench_run *io, *full, *r;
	struct bench_run_cfg rc;
	struct bench_stage_result sr[ST__COUNT];
	struct sf_gen *gen;
	struct policy_config pol;
	char err[1024], path[1100], bundle[1100], cmdline[4096];
	double t0, full_sms_s, full_pps, io_pps, rawhs_s = 0, secs;
	char tshark_slice[1100] = "", tshark_one[1100] = "";
	uint64_t tshark_parts = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned lcores;
	size_t off = 0;
	FILE *f;

	parse_opts(argc, argv);
	/* freed tables stay mapped: every run after the warm-up finds its
	 * memory faulted in, as a long-running dataplane does */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, -1);
	for (int i = 0; i < argc && off < sizeof(cmdline) - 2; i++)
		off += (size_t)snprintf(cmdline + off, sizeof(cmdline) - off, "%s%s", i ? " " : "", argv[i]);
	if (mkdir(O.workdir, 0755) && errno != EEXIST)
		die("%s: %s", O.workdir, strerror(errno));
	if (mkdir(O.out, 0755) && errno != EEXIST)
		die("%s: %s", O.out, strerror(errno));

	/* 1. the capture, generated once per (messages, seed) and cached */
	if (!O.pcap[0]) {
		char prefix[900], msg[32], seed[32];
		struct stat sb;

		snprintf(prefix, sizeof(prefix), "%s/mix-%lu-%lu", O.workdir, O.messages, O.seed);
		snprintf(O.pcap, sizeof(O.pcap), "%s.pcap", prefix);
		if (stat(O.pcap, &sb)) {
			char *gargv[] = { O.pcapgen, "--messages", msg, "--seed", seed, "--out", prefix, "--quiet", NULL };

			snprintf(msg, sizeof(msg), "%lu", O.messages);
			snprintf(seed, sizeof(seed), "%lu", O.seed);
			note("generating %s (%lu messages)", O.pcap, O.messages);
			t0 = now_s();
			if (run_prog(gargv, NULL, 0))
				die("%s failed", O.pcapgen);
			note("generated in %.1f s", now_s() - t0);
		}
	}
	t0 = now_s();
	load_capture(O.pcap, &cap);
	note("loaded %zu frames (%.1f MB) in %.1f s", cap.n, (double)cap.bytes / 1e6, now_s() - t0);

	/* 2. the starter bundle */
	snprintf(O.bundle, sizeof(O.bundle), "%s/starter-%08x.bundle", O.workdir, set_tag(O.rules_dir));
	compile_rules(O.rules_dir, O.rules_dir, O.bundle, &secs, NULL, 0);
	if (secs >= 0)
		note("starter bundle compiled in %.1f s", secs);

	/* 3. EAL, mbufs, port */
	lcores = O.lcores_max ? O.lcores_max : (unsigned)(ncpu > 0 ? ncpu : 1);
	if (lcores > BENCH_MAX_LCORES)
		lcores = BENCH_MAX_LCORES;
	if (bench_dp_init(&cap, lcores, err, sizeof(err)))
		die("%s", err);
	if (O.profile) {
		struct policy_config pc;
		struct sf_gen *pg;
		struct bench_stage_result x;

		/* the timed stages' configuration (--config, default the
		 * generator's network), so the profile shows the same work */
		policy_config_defaults(&pc);
		if (O.config[0] && bench_config_policy(O.config, &pc, err, sizeof(err)) < 0)
			die("%s", err);
		pg = sf_gen_load(O.bundle, NULL, &pc, 0, err, sizeof(err));
		if (!pg)
			die("%s", err);
		for (int rep = 0; rep < 3; rep++) {
			if (bench_stage_run(&cap, (enum bench_stage)(O.profile - 1), pg, NULL, &x, err, sizeof(err)))
				die("%s", err);
			printf("profile run %d: cpu %.1f ns/SMS part; ", rep, x.cpu_secs * 1e9 / (double)x.parts);
			printf("profile run %d: %.1f ns/SMS part, %.1f ns/packet\n", rep, x.secs * 1e9 / (double)x.parts,
			       x.secs * 1e9 / (double)x.packets);
		}
		sf_gen_free(pg);
		bench_dp_fini();
		return 0;
	}
	fig("capture.frames", (double)cap.n, "frames", "%s", O.pcap);
	fig("capture.bytes", (double)cap.bytes, "bytes", "frame bytes, held in memory");
	fig("capture.rss_loaded", (double)status_kb("VmRSS") / 1024.0, "MiB",
	    "VmRSS with the capture and its mbufs loaded");

	io = calloc(1, sizeof(*io));
	full = calloc(1, sizeof(*full));
	r = calloc(1, sizeof(*r));
	if (!io || !full || !r)
		die("out of memory");
	memset(&rc, 0, sizeof(rc));
	rc.burst = O.burst;
	rc.lcores = 1;
	rc.bundle = O.bundle;
	rc.config = O.config[0] ? O.config : NULL;

	/* warm-up (discarded): first touch of the engine's tables and of the
	 * mbufs, Hyperscan's lazy set-up */
	rc.mode = BENCH_FULL;
	note("warm-up run");
	run_or_die(&rc, full, "warm-up");

	/* 4. baseline 1: the I/O floor, same packets, same port, no processing */
	rc.mode = BENCH_IO_FLOOR;
	note("I/O floor");
	run_or_die(&rc, io, "I/O floor");
	io_pps = (double)io->rx / io->secs;

	/* 5. the full path, one lcore */
	rc.mode = BENCH_FULL;
	note("full path, 1 lcore (best of %d)", FULL_REPS);
	for (int rep = 0; rep < FULL_REPS; rep++) {
		run_or_die(&rc, r, "full path");
		if (rep == 0 || r->secs < full->secs)
			memcpy(full, r, sizeof(*full));
	}
	full_sms_s = (double)full->parts / full->secs;
	full_pps = (double)full->rx / full->secs;
	fig("capture.sms_parts", (double)full->parts, "SMS", "SMS parts decided (incl. %llu retransmitted copies)",
	    (unsigned long long)full->retrans_cached);
	fig("full.sms_per_s", full_sms_s, "SMS/s", "1 lcore, starter bundle, dp_process_burst via net_ring");
	fig("full.scan_cache_hit_pct",
	    full->cache_lookups ? 100.0 * (double)full->cache_hits / (double)full->cache_lookups : 0,
	    "%", "single-part texts answered from the scan cache ([flow] scan_cache, %llu KiB); "
	    "%llu lookups, %llu entries replaced", (unsigned long long)(full->cache_bytes / 1024),
	    (unsigned long long)full->cache_lookups, (unsigned long long)full->cache_replaced);
	fig("full.concat_cache_hit_pct",
	    full->concat_streamed ? 100.0 * (double)full->concat_cache_hits / (double)full->concat_streamed : 0,
	    "%", "streamed concatenated parts answered from the cache of repeated messages; %llu streamed",
	    (unsigned long long)full->concat_streamed);
	fig("full.pkts_per_s", full_pps, "pkt/s", NULL);
	fig("full.gbit_per_s", (double)cap.bytes * 8 / full->secs / 1e9, "Gbit/s", "frame bytes");
	fig("full.ns_per_sms", full->secs * 1e9 / (double)full->parts, "ns", "all packets' cost / SMS parts");
	fig("full.ns_per_pkt", full->secs * 1e9 / (double)full->rx, "ns", NULL);
	fig("full.lat_p50", pct_us(full->hist, 0.50), "us", "per packet RX→TX by TSC: from its burst's RX "
	    "to the TX call that sends it, burst %u, full load, [dataplane] tx_batch %u", O.burst, full->tx_batch);
	fig("full.lat_p99", pct_us(full->hist, 0.99), "us", NULL);
	fig("full.lat_p999", pct_us(full->hist, 0.999), "us", NULL);
	fig("full.burst_lat_p50", pct_us(full->burst_hist, 0.50), "us", "the same with every packet given its "
	    "whole burst's time (the figure before tx_batch: an upper bound)");
	fig("full.burst_lat_p99", pct_us(full->burst_hist, 0.99), "us", NULL);
	/* what the slow bursts are made of */
	fig("full.burst_scans", full->burst_scans_mean, "texts", "texts scanned per burst (not answered by the "
	    "scan caches), mean of %llu bursts; parts per burst %.1f", (unsigned long long)full->bursts,
	    full->burst_parts_mean);
	fig("full.tail_burst_scans", full->tail_scans_mean, "texts", "the same in the bursts that hold the slowest "
	    "1 %% of packets; parts per burst there %.1f", full->tail_parts_mean);
	fig("full.noscan_lat_p99", full->noscan_lat_p99, "us", "p99 of the packets in bursts that scanned no text "
	    "(%.1f %% of packets, %llu bursts)", 100.0 * full->noscan_pkt_share,
	    (unsigned long long)full->bursts_noscan);
	fig("full.burst_fit_r2", full->fit_r2, "", "a burst's time fitted by its work: %.2f us a packet + "
	    "%.2f us a part + %.2f us a text scanned (least squares); the share of its variance that explains",
	    full->fit_us_pkt, full->fit_us_part, full->fit_us_scan);
	fig("full.burst_resid_p99", full->fit_resid_p99, "us", "p99 (by packets) of a burst's time beyond "
	    "what that fit gives for its work");
	fig("full.verdict_pass", (double)full->verdicts[0], "SMS", NULL);
	fig("full.verdict_tag", (double)full->verdicts[1], "SMS", NULL);
	fig("full.verdict_block", (double)full->verdicts[2], "SMS", NULL);
	fig("full.vmrss", (double)status_kb("VmRSS") / 1024.0, "MiB", "after the run (capture included)");
	fig("full.vmhwm", (double)status_kb("VmHWM") / 1024.0, "MiB", "peak so far");
	fig("full.assoc_evictions", (double)full->assoc_evictions, "", "pipeline table pressure");
	fig("full.dialogue_evictions", (double)full->dialogue_evictions, "", NULL);
	/* 5b. the full path as smsfw runs by default: verdict log (every part,
	 * log_pass), events and pcapng written by the log writer thread */
	{
		char dir[PATH_MAX + 16];
		uint64_t bytes;

		snprintf(dir, sizeof(dir), "%s/bench-outputs", O.workdir);
		remove_outputs(dir);
		rc.log_dir = dir;
		note("full path with the default outputs, 1 lcore");
		run_or_die(&rc, r, "full path with outputs");
		rc.log_dir = NULL;
		bytes = remove_outputs(dir);
		fig("full.logged_sms_per_s", (double)r->parts / r->secs, "SMS/s", "1 lcore, as smsfw runs by "
		    "default: verdict log of every part, events, pcapng (%.0f MB written, then deleted)",
		    (double)bytes / 1e6);
		fig("full.logged_over_full", (double)r->parts / r->secs / full_sms_s, "x",
		    "the cost of the outputs: the logged run's rate over the full path's");
		fig("full.logged_verdicts_equal", memcmp(r->verdicts, full->verdicts, sizeof(r->verdicts)) == 0,
		    "bool", "writing the outputs changes no verdict");
	}
	fig("io.pkts_per_s", io_pps, "pkt/s", "baseline 1: RX→TX through the same net_ring port");
	fig("io.gbit_per_s", (double)cap.bytes * 8 / io->secs / 1e9, "Gbit/s", NULL);
	fig("io.ns_per_pkt", io->secs * 1e9 / (double)io->rx, "ns", NULL);

	/* 6. stages without DPDK (baseline 3 = decode only) */
	pol = (struct policy_config){ 0 };
	policy_config_defaults(&pol);
	if (O.config[0] && bench_config_policy(O.config, &pol, err, sizeof(err)) < 0)
		die("%s", err);
	gen = sf_gen_load(O.bundle, NULL, &pol, 0, err, sizeof(err));
	if (!gen)
		die("%s", err);
	memset(&texts, 0, sizeof(texts));
	note("stages without DPDK (best of %d)", STAGE_REPS);
	/* best of STAGE_REPS runs each: the stages are differences of runs,
	 * so one preempted run would make a stage negative */
	for (int rep = 0; rep < STAGE_REPS; rep++)
		for (int s = 0; s < ST__COUNT; s++) {
			struct bench_stage_result x;

			if (bench_stage_run(&cap, (enum bench_stage)s, gen, s == ST_NORM && rep == 0 ? &texts : NULL,
					    &x, err, sizeof(err)))
				die("stage %d: %s", s, err);
			if (rep == 0 || x.secs < sr[s].secs)
				sr[s] = x;
		}
	{
		static const char *names[ST__COUNT] = { "decode", "normalise", "scan", "policy", "engine" };
		double prev = 0;

		fig("decode.sms_per_s", (double)sr[ST_DECODE].parts / sr[ST_DECODE].secs, "SMS/s",
		    "baseline 3: sf_pipeline_packet only (L2..TPDU, text decoding)");
		fig("decode.pkts_per_s", (double)cap.n / sr[ST_DECODE].secs, "pkt/s", NULL);
		for (int s = 0; s <= ST_POLICY; s++) {
			double ns = sr[s].secs * 1e9 / (double)sr[s].parts;
			char key[64];

			snprintf(key, sizeof(key), "stage.%s_ns", names[s]);
			fig(key, ns - prev, "ns/SMS", s == 0 ? "decode incl. GSM7/UCS-2 → UTF-8, per SMS part" :
			    "difference of cumulative stage runs");
			prev = ns;
		}
		fig("stage.engine_ns", sr[ST_ENGINE].secs * 1e9 / (double)sr[ST_ENGINE].parts, "ns/SMS",
		    "sf_worker_packet on the same data, no DPDK");
		fig("stage.dp_overhead_ns", full->secs * 1e9 / (double)full->parts -
		    sr[ST_ENGINE].secs * 1e9 / (double)sr[ST_ENGINE].parts, "ns/SMS",
		    "full path minus engine: mbufs, port, sink");
		fig("stage.verdicts_match", !memcmp(sr[ST_ENGINE].verdicts, full->verdicts, sizeof(full->verdicts)),
		    "bool", "engine = full path; blocks: staged replica %llu (retransmissions decided again), engine %llu, full %llu",
		    (unsigned long long)sr[ST_POLICY].verdicts[2], (unsigned long long)sr[ST_ENGINE].verdicts[2],
		    (unsigned long long)full->verdicts[2]);
	}
	/* the scan stage again, in phases over a burst's packets (decode and
	 * normalise them all, then scan): what the interleaving costs */
	{
		struct bench_stage_result ph = { 0 };

		for (int rep = 0; rep < STAGE_REPS; rep++) {
			struct bench_stage_result x;

			if (bench_phased_scan(&cap, gen, O.burst, &x, err, sizeof(err)))
				die("phased scan: %s", err);
			if (rep == 0 || x.secs < ph.secs)
				ph = x;
		}
		if (ph.parts == sr[ST_SCAN].parts && ph.verdicts[0] == 0) {
			double inter = (sr[ST_SCAN].secs - sr[ST_NORM].secs) * 1e9 / (double)sr[ST_SCAN].parts;
			double phased = (ph.secs - sr[ST_NORM].secs) * 1e9 / (double)ph.parts;

			fig("stage.scan_phased_ns", phased, "ns/SMS",
			    "the scans after decoding and normalising each burst of %u packets (stage.scan_ns: per packet)",
			    O.burst);
			fig("stage.scan_phased_saving_pct", inter > 0 ? 100.0 * (inter - phased) / inter : 0, "%",
			    "of the scan stage, by scanning a burst's texts together");
			for (int k = 0; k < 2; k++) {
				static const char *const key[2] = { "stage.scan_single_part_ns",
								    "stage.scan_concat_part_ns" };

				if (ph.split[k].n)
					fig(key[k], (double)ph.split[k].tsc * 1e9 / (double)bench_tsc_hz() /
						    (double)ph.split[k].n, "ns",
					    "%s: %llu parts, %.0f normalised bytes each", k ?
					    "scan_concat_part (streamed with the message's other parts)" :
					    "scan_block (a part alone)", (unsigned long long)ph.split[k].n,
					    (double)ph.split[k].bytes / (double)ph.split[k].n);
			}
		} else {
			note("phased scan: %llu parts (%llu not held) vs %llu", (unsigned long long)ph.parts,
			     (unsigned long long)ph.verdicts[0], (unsigned long long)sr[ST_SCAN].parts);
		}
	}
	{
		struct policy_state_stats ps;
		uint64_t bytes;
		const struct policy_table_stats *t[5] = { &ps.senders, &ps.pairs, &ps.recipients, &ps.imsi,
							  &ps.shields };
		static const char *tn[5] = { "senders", "pairs", "recipients", "imsi", "shields" };

		if (bench_stage_policy_stats(&ps) == 0)
			for (int i = 0; i < 5; i++) {
				char key[64];

				snprintf(key, sizeof(key), "tables.%s", tn[i]);
				fig(key, (double)t[i]->used, "entries",
				    "of %llu (%.1f%%), %llu evicted, %llu refused; policy state after the capture",
				    (unsigned long long)t[i]->capacity,
				    t[i]->capacity ? 100.0 * (double)t[i]->used / (double)t[i]->capacity : 0.0,
				    (unsigned long long)t[i]->evictions, (unsigned long long)t[i]->refused);
				snprintf(key, sizeof(key), "tables.%s_mib", tn[i]);
				fig(key, (double)t[i]->bytes / 1048576.0, "MiB", i == 4 ? "per lcore" : "shared by every lcore");
			}
		if (bench_stage_policy_stats(&ps) == 0) {
			bytes = ps.senders.bytes + ps.pairs.bytes + ps.recipients.bytes + ps.imsi.bytes +
				ps.sketch_bytes + ps.shields.bytes * lcores;
			fig("tables.total_mib", (double)bytes / 1048576.0, "MiB",
			    "learned tables: shared ones + sketches (%.1f MiB) + %u × the per-lcore shield overlay",
			    (double)ps.sketch_bytes / 1048576.0, lcores);
			fig("tables.lost", (double)(ps.senders.evictions + ps.pairs.evictions +
						    ps.recipients.evictions + ps.imsi.evictions +
						    ps.shields.evictions + ps.shields.refused), "entries",
			    "live state that decides verdicts, evicted or refused (goal 0 with the sizes for the population)");
		}
	}

	/* 6b. verdicts against the generator's truth (untimed) */
	{
		char tp[PATH_MAX];
		size_t pl = strlen(O.pcap);
		struct bench_truth *tr = calloc(1, sizeof(*tr));

		if (tr && pl > 5 && !strcmp(O.pcap + pl - 5, ".pcap") && pl - 5 + 13 < sizeof(tp)) {
			memcpy(tp, O.pcap, pl - 5);
			strcpy(tp + pl - 5, ".truth.jsonl");
			if (access(tp, R_OK) == 0) {
				note("verdicts against %s", tp);
				if (bench_truth_check(&cap, gen, tp, tr, err, sizeof(err)) == 0)
					truth_figs(tr);
				else
					note("truth: %s", err);
			}
		}
		free(tr);
	}

	/* 7. baseline 2: raw Hyperscan on the same normalised texts */
	{
		uint64_t m;
		double es;

		note("raw Hyperscan, scan_block");
		for (int rep = 0; rep < FULL_REPS; rep++) {
			double x;

			if (bench_raw_hs(O.bundle, &texts, &x, &m, err, sizeof(err)))
				die("raw hyperscan: %s", err);
			if (rep == 0 || x < rawhs_s)
				rawhs_s = x;
		}
		fig("rawhs.texts_per_s", (double)texts.n / rawhs_s, "texts/s",
		    "baseline 2: hs_scan of %zu pre-extracted normalised texts (%.1f MB)", texts.n,
		    (double)texts.bytes / 1e6);
		fig("rawhs.gbit_per_s", (double)texts.bytes * 8 / rawhs_s / 1e9, "Gbit/s", "text bytes");
		fig("rawhs.ns_per_text", rawhs_s * 1e9 / (double)texts.n, "ns", NULL);
		if (bench_engine_scan(gen, &texts, &es, err, sizeof(err)))
			die("scan_block: %s", err);
		{
			double x;

			if (bench_engine_scan(gen, &texts, &x, err, sizeof(err)) == 0 && x < es)
				es = x;
		}
		fig("scanblock.texts_per_s", (double)texts.n / es, "texts/s", "the engine's scan_block (decision, senders) on the same texts");
		{	/* issue 13: the content model's share of scan_block */
			double ms_s;
			size_t tb;

			if (bench_model_score(gen, &texts, &ms_s, &tb) == 0) {
				fig("score.ns_per_text", ms_s * 1e9 / (double)texts.n, "ns",
				    "the content model (score_text) on the same texts, inside scan_block");
				fig("score.table_bytes", (double)tb, "bytes", "the model's weight table");
			}
		}
	}

	if (O.rule_costs) {
		if (bench_rule_costs(O.bundle, &texts, O.rule_costs, stdout, err, sizeof(err)))
			die("%s", err);
		goto done;
	}

	/* 8. scaling 1..N lcores */
	{
		FILE *dat;

		snprintf(path, sizeof(path), "%s/scaling.dat", O.out);
		dat = fopen(path, "w");
		if (!dat)
			die("%s: %s", path, strerror(errno));
		fprintf(dat, "# lcores sms_s gated_sms_s(0 = not run) ideal_sms_s\n%u %.0f %.0f %.0f\n", 1u, full_sms_s, full_sms_s, full_sms_s);
		fig("scale.1.sms_per_s", full_sms_s, "SMS/s", NULL);
		for (unsigned n = 2; n <= lcores; n++) {
			char key[64];
			double gated, freer;

			note("scaling: %u lcores", n);
			rc.lcores = n;
			gated = 0;
			if (O.gated) {
				rc.causal_gate = 1;
				run_or_die(&rc, r, "scaling (gated)");
				gated = (double)r->parts / r->secs;
				snprintf(key, sizeof(key), "scale.%u.gated_sms_per_s", n);
				fig(key, gated, "SMS/s", "causal replay gate (as dp_main offline): %.2fx of 1 lcore",
				    gated / full_sms_s);
				scale_verdict_figs(n, "gated_", r, full);
			}
			rc.causal_gate = 0;
			run_or_die(&rc, r, "scaling");
			freer = (double)r->parts / r->secs;
			snprintf(key, sizeof(key), "scale.%u.sms_per_s", n);
			fig(key, freer, "SMS/s", "%.2fx of 1 lcore; association-hash partition (dp_main's), one RX queue "
			    "per lcore", freer / full_sms_s);
			snprintf(key, sizeof(key), "scale.%u.part_max_pct", n);
			fig(key, 100.0 * r->part_max_share, "%", "the largest partition's share of the packets (%.1f %% "
			    "of the SMS parts); lcores done after %.2f-%.2f s", 100.0 * r->part_max_parts_share,
			    r->lc_secs_min, r->lc_secs_max);
			scale_verdict_figs(n, "", r, full);
			fprintf(dat, "%u %.0f %.0f %.0f\n", n, freer, gated, full_sms_s * n);
		}
		fclose(dat);
		rc.lcores = 1;
		rc.causal_gate = 0;
	}

	/* 9. rule-set size */
	{
		FILE *dat;
		char sizes[64], *save = NULL, *tok;

		snprintf(path, sizeof(path), "%s/rules.dat", O.out);
		dat = fopen(path, "w");
		if (!dat)
			die("%s: %s", path, strerror(errno));
		fprintf(dat, "# rules full_sms_s rawhs_texts_s\n");
		snprintf(sizes, sizeof(sizes), "%s", O.rule_sizes);
		for (tok = strtok_r(sizes, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			unsigned n = (unsigned)strtoul(tok, NULL, 10);
			char dir[1100], key[64];
			double cs, hs_s, sms_s;
			char csb[32];
			uint64_t m;

			snprintf(dir, sizeof(dir), "%s/rules-%u-%08x", O.workdir, n, set_tag(O.rules_dir));
			snprintf(bundle, sizeof(bundle), "%s/rules-%u-%08x.bundle", O.workdir, n,
				 set_tag(O.rules_dir));
			compile_rules(dir, O.rules_dir, bundle, &cs, bench_rulegen, n);
			rc.bundle = bundle;
			note("rule-set size %u (best of %d)", n, FULL_REPS);
			sms_s = 0;
			for (int rep = 0; rep < FULL_REPS; rep++) {
				run_or_die(&rc, r, "rule-size run");
				if ((double)r->parts / r->secs > sms_s)
					sms_s = (double)r->parts / r->secs;
			}
			hs_s = 0;
			for (int rep = 0; rep < FULL_REPS; rep++) {
				double x;

				if (bench_raw_hs(bundle, &texts, &x, &m, err, sizeof(err)))
					die("raw hyperscan: %s", err);
				if (rep == 0 || x < hs_s)
					hs_s = x;
			}
			if (cs < 0)
				snprintf(csb, sizeof(csb), "cached");
			else
				snprintf(csb, sizeof(csb), "%.1f s", cs);
			snprintf(key, sizeof(key), "rules.%u.sms_per_s", n);
			fig(key, sms_s, "SMS/s", "full path, 1 lcore; %.2fx of the starter set; rulec compile %s",
			    sms_s / full_sms_s, csb);
			snprintf(key, sizeof(key), "rules.%u.rawhs_texts_per_s", n);
			fig(key, (double)texts.n / hs_s, "texts/s", "raw hs_scan with this bundle");
			fprintf(dat, "%u %.0f %.0f\n", n, sms_s, (double)texts.n / hs_s);
		}
		fclose(dat);
		rc.bundle = O.bundle;
	}

	/* 10. reload under load */
	{
		double med, mn, med0, mn0;
		unsigned ms = O.reload_ms;

		if (full->secs * 1000.0 < 4.0 * ms) {
			ms = (unsigned)(full->secs * 1000.0 / 5.0);
			if (ms < 20)
				ms = 20;
			note("the run lasts %.2f s: reloading every %u ms instead of %u", full->secs, ms, O.reload_ms);
		}
		rc.reload_ms = ms;
		note("reload under load, every %u ms", ms);
		run_or_die(&rc, r, "reload under load");
		rc.reload_ms = 0;
		window_stats(r, &med, &mn);
		window_stats(full, &med0, &mn0);
		fig("reload.count", r->reloads_ok, "", "generation swaps (dp_reload: load, publish, RCU, free) every %u ms", ms);
		fig("reload.failed", r->reloads_failed, "", NULL);
		fig("reload.lost", (double)(r->rx - r->tx), "pkts", "rx %llu, tx %llu",
		    (unsigned long long)r->rx, (unsigned long long)r->tx);
		fig("reload.sms_per_s", (double)r->parts / r->secs, "SMS/s", "%.3fx of the run without reloads",
		    ((double)r->parts / r->secs) / full_sms_s);
		{
			/* packets in the 100 ms after each swap against the median
			 * 100 ms of the run (10 windows of 10 ms each) */
			double after = 0;
			unsigned na = 0;

			for (unsigned i = 0; i < r->reloads_ok && i < 64; i++) {
				unsigned w0 = (unsigned)(r->reload_at_ms[i] / r->window_ms);
				uint64_t sum = 0;

				if (w0 + 10 >= r->n_windows - 1)
					continue;
				for (unsigned w = w0; w < w0 + 10; w++)
					sum += r->windows[w];
				after += (double)sum * 10.0;	/* pkt/s over 100 ms */
				na++;
			}
			after = na ? after / na : 0;
			fig("reload.dip_pct", med > 0 && na ? 100.0 * (1.0 - after / med) : 0, "%",
			    "100 ms after a swap vs the median (%.0f vs %.0f pkt/s, %u swaps)", after, med, na);
			fig("reload.worst_window_pct", med > 0 ? 100.0 * (1.0 - mn / med) : 0, "%",
			    "worst 10 ms window vs median; without reloads: %.1f%% (preemption on a shared machine)",
			    med0 > 0 ? 100.0 * (1.0 - mn0 / med0) : 0);
		}
		fig("reload.load_ms_max", r->reload_load_ms_max, "ms", "longest dp_reload (control thread, off the lcore)");
		fig("reload.verdicts_equal", verdicts_equal(r, full), "bool", "block %llu vs %llu",
		    (unsigned long long)r->verdicts[2], (unsigned long long)full->verdicts[2]);
		snprintf(path, sizeof(path), "%s/reload.dat", O.out);
		f = fopen(path, "w");
		if (f) {
			fprintf(f, "# t_ms pkts_per_s (10 ms windows)\n");
			for (unsigned w = 0; w + 1 < r->n_windows; w++)
				fprintf(f, "%.0f %.0f\n", w * r->window_ms, (double)r->windows[w] * 1000.0 / r->window_ms);
			fclose(f);
		}
		snprintf(path, sizeof(path), "%s/reload_marks.dat", O.out);
		f = fopen(path, "w");
		if (f) {
			uint64_t top = 0;

			for (unsigned w = 0; w < r->n_windows; w++)
				if (r->windows[w] > top)
					top = r->windows[w];
			for (unsigned i = 0; i < r->reloads_ok && i < 64; i++)
				fprintf(f, "%.1f %.0f\n", r->reload_at_ms[i], (double)top * 1000.0 / r->window_ms);
			fclose(f);
		}
		snprintf(path, sizeof(path), "%s/latency.dat", O.out);
		f = fopen(path, "w");
		if (f) {
			uint64_t tot = 0, acc = 0;

			for (unsigned b = 0; b < BENCH_HIST_BUCKETS; b++)
				tot += full->hist[b];
			fprintf(f, "# us cumulative_fraction\n");
			for (unsigned b = 0; b < BENCH_HIST_BUCKETS && tot; b++) {
				acc += full->hist[b];
				if (full->hist[b])
					fprintf(f, "%.1f %.6f\n", (b + 1) * BENCH_HIST_NS / 1000.0, (double)acc / (double)tot);
			}
			fclose(f);
		}
	}

	/* 11. baseline 4: tshark on a slice */
	if (!O.no_tshark) {
		size_t k = O.tshark_frames < cap.n ? O.tshark_frames : cap.n;
		struct bench_capture slice = cap;
		struct bench_stage_result ds;
		char one[1100], slicep[1100];
		double ts, tstart, tsh;
		int st;

		snprintf(slicep, sizeof(slicep), "%s/slice-%zu.pcap", O.workdir, k);
		snprintf(one, sizeof(one), "%s/slice-1.pcap", O.workdir);
		note("tshark on %zu frames", k);
		write_slice(&cap, k, slicep);
		write_slice(&cap, 1, one);
		slice.n = k;
		if (bench_stage_run(&slice, ST_DECODE, gen, NULL, &ds, err, sizeof(err)))
			die("%s", err);
		snprintf(path, sizeof(path), "%s/tshark-texts.txt", O.workdir);
		st = tshark_time(slicep, one, path, ds.parts, &ts, &tstart, &tsh);
		if (st) {
			note("tshark failed (status %d): no tshark figures", st);
		} else {
			long lines = 0;
			int ch;

			f = fopen(path, "r");
			while (f && (ch = fgetc(f)) != EOF)
				lines += ch == '\n';
			if (f)
				fclose(f);
			tshark_parts = ds.parts;
			snprintf(tshark_slice, sizeof(tshark_slice), "%s", slicep);
			snprintf(tshark_one, sizeof(tshark_one), "%s", one);
			fig("tshark.secs", ts, "s", "tshark -r (first %zu frames) -Y gsm_sms -T fields -e gsm_sms.sms_text; start-up %.2f s", k, tstart);
			fig("tshark.sms_per_s", tsh, "SMS/s", "%llu SMS in the slice (tshark printed %ld lines), start-up subtracted",
			    (unsigned long long)ds.parts, lines);
			fig("tshark.sms_per_s_wall", (double)ds.parts / ts, "SMS/s", "start-up included");
			fig("tshark.secs_capture_est", tstart + (ts - tstart) * (double)cap.n / (double)k, "s",
			    "the whole capture, extrapolated: start-up + per-frame cost x %zu frames", cap.n);
		}
	}

	/* 12. baseline 5: naive matchers */
	if (!O.no_naive) {
		struct bench_naive nv;

		note("naive matchers on %u texts", O.naive_texts);
		if (bench_naive_posix(O.bundle, &texts, O.naive_texts, &nv, err, sizeof(err)))
			die("naive posix: %s", err);
		fig("naive.posix.texts_per_s", nv.texts / nv.secs, "texts/s",
		    "regexec, %u of %u rules one by one, %u texts (every %zuth)", nv.translated, nv.rules, nv.texts,
		    texts.n / (nv.texts ? nv.texts : 1));
		fig("naive.posix.rules_skipped", nv.skipped + nv.compile_failed, "rules",
		    "%u not expressible in ERE, %u refused by regcomp", nv.skipped, nv.compile_failed);
		if (bench_naive_pcre2(O.bundle, &texts, O.naive_texts, 0, &nv, err, sizeof(err)) == 0) {
			fig("naive.pcre2.texts_per_s", nv.texts / nv.secs, "texts/s",
			    "pcre2_match (interpreter), %u of %u rules, %u texts", nv.translated, nv.rules, nv.texts);
			if (bench_naive_pcre2(O.bundle, &texts, O.naive_texts, 1, &nv, err, sizeof(err)) == 0)
				fig("naive.pcre2jit.texts_per_s", nv.texts / nv.secs, "texts/s",
				    "pcre2 JIT, %u of %u rules", nv.translated, nv.rules);
		} else {
			note("%s", err);
		}
	}

	/* 13. ratios and goals. The baselines above ran minutes apart from
	 * the full path, and a shared host's load between them moved the
	 * ratios by half within an hour (RESULTS.md). The goals' ratios are
	 * therefore measured in pairs: the full path, then raw Hyperscan and
	 * tshark right after it, PAIR_REPS times; each figure is the median of
	 * the pairs' ratios. */
	{
		double rr[PAIR_REPS], rt[PAIR_REPS];
		char list_r[160] = "", list_t[160] = "";
		unsigned nt = 0;
		struct bench_run_cfg pc = rc;

		pc.mode = BENCH_FULL;
		pc.lcores = 1;
		pc.causal_gate = 0;
		pc.bundle = O.bundle;
		pc.reload_ms = 0;
		pc.log_dir = NULL;
		note("ratios side by side: %d pairs", PAIR_REPS);
		for (int rep = 0; rep < PAIR_REPS; rep++) {
			double x, ts, tstart, tsh, sms_s;
			uint64_t m;
			size_t l;

			run_or_die(&pc, r, "full path (pair)");
			sms_s = (double)r->parts / r->secs;
			if (bench_raw_hs(O.bundle, &texts, &x, &m, err, sizeof(err)))
				die("raw hyperscan: %s", err);
			rr[rep] = sms_s / ((double)texts.n / x);
			l = strlen(list_r);
			snprintf(list_r + l, sizeof(list_r) - l, "%s%.3f", rep ? ", " : "", rr[rep]);
			if (tshark_parts &&
			    !tshark_time(tshark_slice, tshark_one, "/dev/null", tshark_parts, &ts, &tstart, &tsh)) {
				rt[nt] = sms_s / tsh;
				l = strlen(list_t);
				snprintf(list_t + l, sizeof(list_t) - l, "%s%.1f", nt ? ", " : "", rt[nt]);
				nt++;
			}
		}
		fig("ratio.full_over_rawhs", median(rr, PAIR_REPS), "x",
		    "goal >= 0.5; median of %d pairs measured one after the other (%s)", PAIR_REPS, list_r);
		fig("ratio.full_over_rawhs_apart", full_sms_s / val("rawhs.texts_per_s"), "x",
		    "the best full run over the best raw Hyperscan run, minutes apart");
		if (nt)
			fig("ratio.smsfw_over_tshark_paired", median(rt, nt), "x",
			    "goal >= 100 (start-up subtracted); median of %u pairs (%s)", nt, list_t);
	}
	fig("ratio.full_over_io", full_pps / io_pps, "x", "packets/s, full path / I/O floor");
	fig("ratio.full_over_decode", full_sms_s / val("decode.sms_per_s"), "x", NULL);
	if (get("tshark.sms_per_s")) {
		fig("ratio.smsfw_over_tshark", full_sms_s / val("tshark.sms_per_s"), "x", "goal >= 100 (start-up subtracted)");
		fig("ratio.smsfw_over_tshark_wall", full_sms_s / val("tshark.sms_per_s_wall"), "x", "on the slice, start-up included");
		fig("ratio.tshark_time_over_smsfw", val("tshark.secs_capture_est") / full->secs, "x",
		    "whole capture: tshark (extrapolated) / smsfw full path");
	}
	if (get("naive.posix.texts_per_s"))
		fig("ratio.smsfw_over_naive_posix", full_sms_s / val("naive.posix.texts_per_s"), "x", "full path SMS/s / regexec texts/s");
	if (get("naive.pcre2.texts_per_s"))
		fig("ratio.smsfw_over_naive_pcre2", full_sms_s / val("naive.pcre2.texts_per_s"), "x", NULL);
	if (get("naive.pcre2jit.texts_per_s"))
		fig("ratio.smsfw_over_naive_pcre2jit", full_sms_s / val("naive.pcre2jit.texts_per_s"), "x", NULL);
	fig("goal.2M_sms_1core", full_sms_s >= 2e6, "bool", "%.2f M SMS/s", full_sms_s / 1e6);
	fig("goal.50pct_rawhs", val("ratio.full_over_rawhs") >= 0.50, "bool", "the paired median");
	if (get("ratio.smsfw_over_tshark_paired"))
		fig("goal.100x_tshark", val("ratio.smsfw_over_tshark_paired") >= 100, "bool", "the paired median");
	fig("goal.p99_50us", val("full.lat_p99") <= 50.0, "bool", "per packet at burst 32, one lcore");
	for (unsigned n = 2; n <= 64; n++) {
		char key[64];

		snprintf(key, sizeof(key), "scale.%u.gated_class_max_diff_pct", n);
		if (get(key))
			fig("goal.scale_within_0.5pct", val(key) <= 0.5, "bool", "%u lcores, causal replay", n);
	}
	if (get("tables.lost"))
		fig("goal.tables_no_loss", val("tables.lost") == 0, "bool", NULL);
	if (get("truth.ham_blocked"))
		fig("goal.ham_blocked_0", val("truth.ham_blocked") == 0, "bool",
		    "ham parts blocked: %.0f (all parts to pass, notices and pushes too: %.0f)",
		    val("truth.ham_blocked"), get("truth.pass_blocked") ? val("truth.pass_blocked") : 0);

	printf("smsfw-bench: %s\n", cmdline);
	print_table(stdout, 0);

	snprintf(path, sizeof(path), "%s/results.tsv", O.out);
	f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	for (unsigned i = 0; i < n_figs; i++)
		fprintf(f, "%s\t%.6g\t%s\t%s\n", figs[i].key, figs[i].value, figs[i].unit, figs[i].note);
	fclose(f);
	snprintf(path, sizeof(path), "%s/results.md", O.out);
	f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "Command: `%s`\n\n", cmdline);
	machine(f);
	fprintf(f, "\n");
	print_table(f, 1);
	fclose(f);

	if (!O.no_plots) {
		char gp[1100], e[1300];
		char *ga[] = { "gnuplot", "-e", e, gp, NULL };

		snprintf(gp, sizeof(gp), "%s/plots.gp", O.srcdir);
		snprintf(e, sizeof(e), "dir='%s'", O.out);
		if (run_prog(ga, NULL, 0))
			note("gnuplot failed or is not installed (apt-get install gnuplot-nox): no PNG plots");
	}

done:
	bench_texts_free(&texts);
	sf_gen_free(gen);
	bench_dp_fini();
	free(cap.data);
	free(cap.off);
	free(cap.len);
	free(cap.ts_ns);
	free(io);
	free(full);
	free(r);
	return 0;
}
