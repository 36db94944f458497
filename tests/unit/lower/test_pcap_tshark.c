/* SPDX-License-Identifier: BSD-3-Clause */
/* Every packet of every capture in <data>/pcaps decoded by l2l3, sctp and
 * m3ua and compared field by field with tshark (-T fields): addresses,
 * SCTP ports, verification tag, checksum status, chunk types and lengths,
 * DATA TSN/SID/SSN/PPID, M3UA class/type/RC, OPC/DPC/SI/NI/SLS. Skips
 * (exit 77) when the data or tshark is absent. */
#include <arpa/inet.h>
#include <dirent.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "decode/l2l3.h"
#include "decode/m3ua.h"
#include "decode/sctp.h"
#include "sf_test.h"

#define SKIP 77
#define MAX_FRAMES 100000
#define LINE_CAP 8192

/* The tshark fields, in output order. */
static const char *const fields[] = {
	"frame.number", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
	"sctp.srcport", "sctp.dstport", "sctp.verification_tag", "sctp.checksum.status",
	"sctp.chunk_type", "sctp.chunk_length",
	"sctp.data_tsn_raw", "sctp.data_sid", "sctp.data_ssn", "sctp.data_payload_proto_id",
	"sctp.data_mid", "sctp.data_fsn",
	"m3ua.message_class", "m3ua.message_type", "m3ua.routing_context",
	"m3ua.protocol_data_opc", "m3ua.protocol_data_dpc", "m3ua.protocol_data_si",
	"m3ua.protocol_data_ni", "m3ua.protocol_data_sls",
};
enum {
	F_FRAME, F_IP_SRC, F_IP_DST, F_IP6_SRC, F_IP6_DST,
	F_SPORT, F_DPORT, F_VTAG, F_CSUM,
	F_CTYPE, F_CLEN,
	F_TSN, F_SID, F_SSN, F_PPID, F_MID, F_FSN,
	F_CLASS, F_TYPE, F_RC,
	F_OPC, F_DPC, F_SI, F_NI, F_SLS,
	F_N
};

struct row {
	char f[F_N][512];
	int fragmented;		/* a DATA/I-DATA fragment is in the packet */
};

/* Append a value to a field, comma-separated like tshark's aggregator. */
__attribute__((format(printf, 3, 4)))
static void add(struct row *r, int f, const char *fmt, ...)
{
	size_t n = strlen(r->f[f]);
	va_list ap;

	if (n && n < sizeof r->f[f] - 1)
		r->f[f][n++] = ',';
	va_start(ap, fmt);
	vsnprintf(r->f[f] + n, sizeof r->f[f] - n, fmt, ap);
	va_end(ap);
}

/* Split a tshark line into a row. */
static void split(const char *line, struct row *r)
{
	int f = 0;

	memset(r, 0, sizeof(*r));
	for (const char *p = line; *p && f < F_N; p++) {
		size_t n = strlen(r->f[f]);

		if (*p == '\t')
			f++;
		else if (n < sizeof r->f[f] - 1)
			r->f[f][n] = *p;
	}
}

static void blank_m3ua(struct row *r)
{
	for (int f = F_CLASS; f <= F_SLS; f++)
		r->f[f][0] = 0;
}

static void join(const struct row *r, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = 0;
	for (int i = 0; i < F_N && n < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "\t" : "", r->f[i]);
}

static void ip6_text(const uint8_t *a, char *out, size_t cap)
{
	/* RFC 5952 text, as tshark prints it */
	if (!inet_ntop(AF_INET6, a, out, (socklen_t)cap))
		snprintf(out, cap, "?");
}

static unsigned n_data_chunks, n_m3ua_data, n_packets;

/* Our decode of one frame, in tshark's formats. */
static void decode_frame(unsigned no, const uint8_t *p, size_t len, int dlt, struct row *r)
{
	struct l2l3_view l;
	struct sctp_view s;
	struct sctp_chunk_iter it;
	struct sctp_chunk c;
	char ip6[64];

	memset(r, 0, sizeof(*r));
	add(r, F_FRAME, "%u", no);
	if (l2l3_decode(p, len, dlt, &l) != SF_OK)
		return;
	if (l.ip_version == 4) {
		add(r, F_IP_SRC, "%u.%u.%u.%u", l.src[0], l.src[1], l.src[2], l.src[3]);
		add(r, F_IP_DST, "%u.%u.%u.%u", l.dst[0], l.dst[1], l.dst[2], l.dst[3]);
	} else {
		ip6_text(l.src, ip6, sizeof ip6);
		add(r, F_IP6_SRC, "%s", ip6);
		ip6_text(l.dst, ip6, sizeof ip6);
		add(r, F_IP6_DST, "%s", ip6);
	}
	if (l.is_fragment || l.l4_proto != SF_IPPROTO_SCTP)
		return;
	if (sctp_decode(l.l4.p, l.l4.len, &s) != SF_OK)
		return;
	add(r, F_SPORT, "%u", s.sport);
	add(r, F_DPORT, "%u", s.dport);
	add(r, F_VTAG, "0x%08x", s.vtag);
	add(r, F_CSUM, "%d", sctp_checksum_ok(l.l4.p, l.l4.len));
	sctp_chunk_iter_init(&it, &s);
	while (sctp_chunk_next(&it, &c) > 0) {
		struct sctp_data_view d;
		struct m3ua_view m;

		add(r, F_CTYPE, "%u", c.type);
		add(r, F_CLEN, "%u", c.len);
		if (c.type == SF_SCTP_DATA) {
			if (sctp_data_decode(&c, &d) != SF_OK)
				continue;
			add(r, F_TSN, "%u", d.tsn);
			add(r, F_SID, "0x%04x", d.sid);
			add(r, F_SSN, "%u", d.ssn);
			add(r, F_PPID, "%u", d.ppid);
		} else if (c.type == SF_SCTP_I_DATA) {
			if (sctp_idata_decode(&c, &d) != SF_OK)
				continue;
			add(r, F_TSN, "%u", d.tsn);
			add(r, F_SID, "0x%04x", d.sid);
			add(r, F_MID, "%u", d.mid);
			if (d.flags & SF_SCTP_DATA_FLAG_B)
				add(r, F_PPID, "%u", d.ppid);
			else
				add(r, F_FSN, "%u", d.fsn);
		} else {
			continue;
		}
		n_data_chunks++;
		/* tshark hands PPID 3 or port 2905 to M3UA */
		if (d.ppid != SF_SCTP_PPID_M3UA && s.sport != 2905 && s.dport != 2905)
			continue;
		if ((d.flags & 3) != 3) {
			/* with reassembly off tshark decodes what it can of a
			 * fragment; M3UA fields are not compared for these */
			r->fragmented = 1;
			continue;
		}
		if (m3ua_decode(d.payload.p, d.payload.len, &m) != SF_OK) {
			add(r, F_CLASS, "decode-error");
			continue;
		}
		add(r, F_CLASS, "%u", m.msg_class);
		add(r, F_TYPE, "%u", m.msg_type);
		if (m.has_rc)
			add(r, F_RC, "%u", m.rc);
		if (m.has_pd) {
			n_m3ua_data++;
			add(r, F_OPC, "%u", m.opc);
			add(r, F_DPC, "%u", m.dpc);
			add(r, F_SI, "%u", m.si);
			add(r, F_NI, "%u", m.ni);
			add(r, F_SLS, "%u", m.sls);
		}
	}
}

static char *tshark_lines[MAX_FRAMES + 1];

static int run_tshark(const char *path)
{
	char cmd[4096], line[LINE_CAP];
	size_t n;
	FILE *f;
	int rows = 0;

	n = (size_t)snprintf(cmd, sizeof cmd,
		"tshark -n -r '%s' -o sctp.checksum:CRC-32C -o sctp.tsn_analysis:FALSE "
		"-o sctp.reassembly:FALSE -o sctp.relative_tsns:FALSE "
		"-T fields -E separator=/t -E occurrence=a -E aggregator=,", path);
	for (int i = 0; i < F_N; i++)
		n += (size_t)snprintf(cmd + n, sizeof cmd - n, " -e %s", fields[i]);
	snprintf(cmd + n, sizeof cmd - n, " 2>/dev/null");
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		unsigned no = (unsigned)strtoul(line, NULL, 10);

		line[strcspn(line, "\r\n")] = 0;
		if (no == 0 || no > MAX_FRAMES)
			continue;
		free(tshark_lines[no]);
		tshark_lines[no] = strdup(line);
		rows++;
	}
	return pclose(f) == 0 ? rows : -1;
}

static int compare_file(const char *path)
{
	char err[PCAP_ERRBUF_SIZE], ours[LINE_CAP], theirs[LINE_CAP];
	struct pcap_pkthdr *h;
	const u_char *pkt;
	pcap_t *pc;
	unsigned no = 0, bad = 0;
	int rows;

	rows = run_tshark(path);
	if (rows <= 0) {
		fprintf(stderr, "%s: tshark gave no rows\n", path);
		return 1;
	}
	pc = pcap_open_offline(path, err);
	if (!pc) {
		fprintf(stderr, "%s: %s\n", path, err);
		return 1;
	}
	while (pcap_next_ex(pc, &h, &pkt) == 1) {
		struct row r, t;

		no++;
		n_packets++;
		decode_frame(no, pkt, h->caplen, pcap_datalink(pc), &r);
		if (no > MAX_FRAMES || !tshark_lines[no]) {
			fprintf(stderr, "%s frame %u: no tshark row\n", path, no);
			bad++;
			continue;
		}
		split(tshark_lines[no], &t);
		if (r.fragmented) {
			blank_m3ua(&r);
			blank_m3ua(&t);
		}
		join(&r, ours, sizeof ours);
		join(&t, theirs, sizeof theirs);
		if (strcmp(ours, theirs) != 0) {
			fprintf(stderr, "%s frame %u differs\n  tshark: %s\n  ours:   %s\n", path, no,
				theirs, ours);
			bad++;
		}
	}
	pcap_close(pc);
	for (unsigned i = 0; i <= MAX_FRAMES; i++) {
		free(tshark_lines[i]);
		tshark_lines[i] = NULL;
	}
	printf("%s %s: %u packets\n", bad ? "FAIL" : "ok  ", strrchr(path, '/') + 1, no);
	return bad != 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *pcap_dir, *seed_dir;

/* Sorted names in dir ending in suffix (all when suffix is ""). */
static unsigned list_dir(const char *dir, const char *suffix, char **names, unsigned cap)
{
	size_t sl = strlen(suffix);
	struct dirent *e;
	unsigned n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < cap) {
		size_t l = strlen(e->d_name);

		if (e->d_name[0] != '.' && l > sl && strcmp(e->d_name + l - sl, suffix) == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof names[0], by_name);
	return n;
}

static void every_capture_matches_tshark(void)
{
	char *names[256];
	unsigned n, failed = 0;

	n = list_dir(pcap_dir, ".pcap", names, 256);
	if (n == 0) {
		printf("SKIP: no capture in %s\n", pcap_dir);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		char path[4096];

		snprintf(path, sizeof path, "%s/%s", pcap_dir, names[i]);
		failed += (unsigned)compare_file(path);
		free(names[i]);
	}
	printf("%u packets, %u DATA chunks, %u M3UA DATA compared; %u file(s) differ\n",
	       n_packets, n_data_chunks, n_m3ua_data, failed);
	CHECK_INT(failed, 0);
	/* a run that compared nothing proves nothing */
	CHECK(n_data_chunks > 0);
	CHECK(n_m3ua_data > 0);
}

/* The l2l3 fuzz seeds (VLAN, QinQ, IPv6 extension headers, fragments,
 * Linux cooked, raw IP) written out as one-packet captures and compared
 * the same way. The name prefix gives the link type. */
static void seed_frames_match_tshark(void)
{
	char *names[256];
	unsigned n, failed = 0;
	char tmpl[] = "/tmp/sf_lower_seedXXXXXX";
	int fd = mkstemp(tmpl);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	n = list_dir(seed_dir, "", names, 256);
	CHECK(n > 0);
	for (unsigned i = 0; i < n; i++) {
		char path[4096];
		uint8_t buf[65536];
		struct pcap_pkthdr h;
		pcap_t *dead;
		pcap_dumper_t *dump;
		FILE *f;
		size_t len;
		int dlt = DLT_EN10MB;

		if (strncmp(names[i], "sll2", 4) == 0)
			dlt = DLT_LINUX_SLL2;
		else if (strncmp(names[i], "sll", 3) == 0)
			dlt = DLT_LINUX_SLL;
		else if (strncmp(names[i], "raw", 3) == 0)
			dlt = DLT_RAW;
		snprintf(path, sizeof path, "%s/%s", seed_dir, names[i]);
		f = fopen(path, "rb");
		CHECK(f != NULL);
		if (!f)
			continue;
		len = fread(buf, 1, sizeof buf, f);
		fclose(f);
		dead = pcap_open_dead(dlt, 65535);
		dump = pcap_dump_open(dead, tmpl);
		CHECK(dump != NULL);
		if (dump) {
			memset(&h, 0, sizeof h);
			h.caplen = h.len = (bpf_u_int32)len;
			pcap_dump((u_char *)dump, &h, buf);
			pcap_dump_close(dump);
			if (compare_file(tmpl)) {
				fprintf(stderr, "  (seed %s)\n", names[i]);
				failed++;
			}
		}
		pcap_close(dead);
		free(names[i]);
	}
	unlink(tmpl);
	CHECK_INT(failed, 0);
}

int main(int argc, char **argv)
{
	pcap_dir = argc > 1 ? argv[1] : "(none)";
	seed_dir = argc > 2 ? argv[2] : "(none)";
	if (system("tshark -v >/dev/null 2>&1") != 0) {
		printf("SKIP: tshark not available\n");
		return SKIP;
	}
	RUN(every_capture_matches_tshark);
	RUN(seed_frames_match_tshark);
	return TEST_SUMMARY();
}
