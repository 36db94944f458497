/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw-pcapgen: writes a realistic SIGTRAN SMS capture (Ethernet, IPv4/
 * IPv6, SCTP, M3UA, SCCP, TCAP, MAP, SMS TPDU) and its ground truth, one
 * JSON line per SMS part. Same options and seed, same bytes. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#include "engine.h"

static const unsigned default_mix[SCN__COUNT] = {
	[SCN_HAM] = 520, [SCN_SPAM] = 120, [SCN_FRAUD] = 60, [SCN_ILLEGAL] = 30,
	[SCN_NOTICE] = 80, [SCN_REPORT] = 40, [SCN_SHIELD] = 20, [SCN_SHIELDED] = 20,
	[SCN_SPOOF] = 30, [SCN_FLOOD_FANOUT] = 20, [SCN_FLOOD_TO_ONE] = 20,
	[SCN_FLOOD_SAME_TEXT] = 20, [SCN_WAP_PUSH] = 20,
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: smsfw-pcapgen --messages N --out PREFIX [options]\n"
"\n"
"Writes PREFIX.pcap (Ethernet/IP/SCTP/M3UA/SCCP/TCAP/MAP SMS traffic) and\n"
"PREFIX.truth.jsonl (one JSON object per SMS part: the fields smsfw-decode\n"
"prints plus scenario, label, expected verdict and class).\n"
"\n"
"  --messages N        SMS parts to generate (truth lines, retransmissions aside)\n"
"  --seed S            PRNG seed (default 1); same seed and options, same bytes\n"
"  --out PREFIX        output prefix\n"
"  --corpus FILE       texts as label<TAB>...<TAB>text (label 1/spam, 0/ham; a\n"
"                      file whose name contains \"fraud\" gives fraud texts\n"
"                      and no ham: its 0 is \"not fraud\", advertising too);\n"
"                      repeatable; replaces the built-in ham/spam/fraud texts\n"
"  --mix K=W,...       scenario weights; unlisted scenarios get 0; \"all=W\"\n"
"                      sets every scenario first. Keys: ham spam fraud illegal\n"
"                      notice report shield shielded_delivery spoof flood_fanout\n"
"                      flood_to_one flood_same_text wap_push\n"
"  --ipv6              all associations over IPv6 (default IPv4)\n"
"  --dual-stack        every other association over IPv6\n"
"  --vlan ID           802.1Q tag ID (1-4094) on every frame\n"
"  --segment-xudt[=N]  SCCP segment size N (default 200): longer TCAP messages\n"
"                      go as segmented XUDT. Without it, a MAP message too long\n"
"                      for one UDT opens with an empty TC-BEGIN (MAP v3)\n"
"  --retrans PERMILLE  DATA packets sent a second time (default 5; never one\n"
"                      holding an SCTP fragment or an XUDT segment)\n"
"  --no-retrans        same as --retrans 0\n"
"  --no-handshake      start mid-association (no INIT/COOKIE, no ASP up)\n"
"  --rate R            offered load on the timeline, SMS per second (default\n"
"                      2000; honoured up to about 30000)\n"
"  --start UNIX        timestamp of the first packet (default 1767225600)\n"
"  --subscribers N     size of the made-up subscriber population (default 1000000)\n"
"  --quiet             no summary on stderr\n"
"  --help              this text\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || end == s || *end || *s == '-' ? -1 : 0;
}

static int parse_mix(const char *arg, unsigned *mix)
{
	char buf[512], *save = NULL;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	memset(mix, 0, sizeof(unsigned) * SCN__COUNT);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		uint64_t w;
		int k;

		if (!eq || parse_u64(eq + 1, &w) < 0 || w > 1000000) {
			fprintf(stderr, "smsfw-pcapgen: --mix: bad entry \"%s\"\n", tok);
			return -1;
		}
		*eq = 0;
		if (!strcmp(tok, "all")) {
			/* report_tricky is a test capture of its own: named only */
			for (int i = 0; i < SCN__COUNT; i++)
				mix[i] = i == SCN_REPORT_TRICKY ? 0 : (unsigned)w;
			continue;
		}
		k = gen_scn_parse(tok);
		if (k < 0) {
			fprintf(stderr, "smsfw-pcapgen: --mix: unknown scenario \"%s\"\n", tok);
			return -1;
		}
		mix[k] = (unsigned)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct gen_ctx g;	/* large: keep it off the stack */
	const char *corpora[32];
	unsigned ncorpora = 0;
	char path[4096], err[512];
	uint64_t v;
	struct timespec t0, t1;
	int have_n = 0;

	memset(&g, 0, sizeof(g));
	g.o.seed = 1;
	g.o.ip_mode = 4;
	g.o.retrans = 5;
	g.o.handshake = 1;
	g.o.rate = 2000;
	g.o.start_unix = 1767225600;
	g.o.subscribers = 1000000;
	memcpy(g.o.mix, default_mix, sizeof(default_mix));

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = 1;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--ipv6")) {
			g.o.ip_mode = 6;
			takes = 0;
		} else if (!strcmp(a, "--dual-stack")) {
			g.o.ip_mode = 46;
			takes = 0;
		} else if (!strcmp(a, "--segment-xudt")) {
			g.o.segment_xudt = 200;
			takes = 0;
		} else if (!strncmp(a, "--segment-xudt=", 15)) {
			if (parse_u64(a + 15, &v) < 0 || v < 100 || v > 250) {
				fprintf(stderr, "smsfw-pcapgen: --segment-xudt: N in 100..250\n");
				return 2;
			}
			g.o.segment_xudt = (int)v;
			takes = 0;
		} else if (!strcmp(a, "--no-retrans")) {
			g.o.retrans = 0;
			takes = 0;
		} else if (!strcmp(a, "--no-handshake")) {
			g.o.handshake = 0;
			takes = 0;
		} else if (!strcmp(a, "--quiet")) {
			g.o.quiet = 1;
			takes = 0;
		}
		if (!takes)
			continue;
		if (!val) {
			fprintf(stderr, "smsfw-pcapgen: %s needs a value (see --help)\n", a);
			return 2;
		}
		i++;
		if (!strcmp(a, "--messages")) {
			if (parse_u64(val, &g.o.messages) < 0 || !g.o.messages)
				goto bad;
			have_n = 1;
		} else if (!strcmp(a, "--seed")) {
			if (parse_u64(val, &g.o.seed) < 0)
				goto bad;
		} else if (!strcmp(a, "--out")) {
			g.o.out = val;
		} else if (!strcmp(a, "--corpus")) {
			if (ncorpora == sizeof(corpora) / sizeof(corpora[0]))
				goto bad;
			corpora[ncorpora++] = val;
		} else if (!strcmp(a, "--mix")) {
			if (parse_mix(val, g.o.mix) < 0)
				return 2;
		} else if (!strcmp(a, "--vlan")) {
			if (parse_u64(val, &v) < 0 || v < 1 || v > 4094)
				goto bad;
			g.o.vlan = (uint16_t)v;
		} else if (!strcmp(a, "--retrans")) {
			if (parse_u64(val, &v) < 0 || v > 1000)
				goto bad;
			g.o.retrans = (int)v;
		} else if (!strcmp(a, "--rate")) {
			if (parse_u64(val, &v) < 0 || !v || v > 100000000)
				goto bad;
			g.o.rate = (unsigned)v;
		} else if (!strcmp(a, "--start")) {
			if (parse_u64(val, &g.o.start_unix) < 0 || g.o.start_unix > 4000000000ull)
				goto bad;
		} else if (!strcmp(a, "--subscribers")) {
			if (parse_u64(val, &v) < 0 || v < 10 || v > 100000000)
				goto bad;
			g.o.subscribers = (uint32_t)v;
		} else {
			fprintf(stderr, "smsfw-pcapgen: unknown option %s (see --help)\n", a);
			return 2;
		}
		continue;
bad:
		fprintf(stderr, "smsfw-pcapgen: bad value for %s: \"%s\"\n", a, val);
		return 2;
	}
	if (!have_n || !g.o.out) {
		usage(stderr);
		return 2;
	}
	{
		unsigned total = 0;

		for (int i = 0; i < SCN__COUNT; i++)
			total += g.o.mix[i];
		if (!total) {
			fprintf(stderr, "smsfw-pcapgen: --mix gives every scenario weight 0\n");
			return 2;
		}
	}

	g.texts = text_db_new();
	if (!g.texts) {
		fprintf(stderr, "smsfw-pcapgen: out of memory\n");
		return 1;
	}
	for (unsigned i = 0; i < ncorpora; i++) {
		long n = text_db_load(g.texts, corpora[i], err, sizeof(err));

		if (n < 0) {
			fprintf(stderr, "smsfw-pcapgen: %s\n", err);
			return 1;
		}
		if (!g.o.quiet)
			fprintf(stderr, "smsfw-pcapgen: %s: %ld texts\n", corpora[i], n);
	}
	rng_seed(&g.rng, g.o.seed);
	g.clock_ns = g.o.start_unix * 1000000000ull;

	snprintf(path, sizeof(path), "%s.pcap", g.o.out);
	if (gf_open(&g.pcap, path, 1u << 20) < 0) {
		fprintf(stderr, "smsfw-pcapgen: %s: %s\n", path, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s.truth.jsonl", g.o.out);
	if (gf_open(&g.truth, path, 1u << 20) < 0) {
		fprintf(stderr, "smsfw-pcapgen: %s: %s\n", path, strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (gen_run(&g) < 0) {
		fprintf(stderr, "smsfw-pcapgen: out of memory\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (gf_close(&g.pcap) < 0 || gf_close(&g.truth) < 0) {
		fprintf(stderr, "smsfw-pcapgen: write error on %s.*\n", g.o.out);
		return 1;
	}
	text_db_free(g.texts);
	if (!g.o.quiet) {
		double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

		fprintf(stderr,
			"smsfw-pcapgen: %" PRIu64 " SMS parts (+%" PRIu64 " retransmitted), %" PRIu64
			" frames, %" PRIu64 " flows, %" PRIu64 " SRI failures in %.3f s: %.0f SMS/s\n",
			g.parts, g.retrans_lines, g.frame, g.flows_done, g.sri_failures, s,
			s > 0 ? (double)g.parts / s : 0.0);
	}
	return 0;
}
