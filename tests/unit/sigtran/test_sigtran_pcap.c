/* SPDX-License-Identifier: BSD-3-Clause */
/* Real captures against the tshark oracle: for every frame that tshark
 * decodes as TCAP, the SCCP called/calling GT digits and SSNs, the TCAP
 * message type, otid/dtid, component types, invoke ids, local opcodes
 * (and error codes) and the application-context-name from sccp_decode + tcap_decode must print the same.
 * A minimal Ethernet/IP/SCTP/M3UA walk (RFC 9260 §3.3.1, RFC 4666 §3.3.1)
 * lives here so that this test does not depend on the lower decoders.
 * Usage: test_sigtran_pcap DIR (skips, exit 77, if DIR or tshark is absent). */
#include <dirent.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/sccp.h"
#include "decode/tcap.h"
#include "sf_wire.h"

#define MAX_FRAMES 4096
#define LINE 1024

struct rec {
	char tshark[LINE];
	char ours[LINE];
	char err[64];
};

static struct rec recs[MAX_FRAMES + 1];
static int failures, compared;

static void cat(char *dst, const char *s)
{
	size_t n = strlen(dst);

	snprintf(dst + n, LINE - n, "%s", s);
}

/* Append one TCAP message as a '|'-separated record; several messages in
 * a frame are joined by ',' per field, as tshark joins occurrences. Here
 * a frame holds at most one, so records are simply concatenated. */
/* Dotted OID text as tshark prints it (X.690 §8.19). */
static void oid_text(struct sf_bytes o, char *out, size_t cap)
{
	uint32_t v = 0;
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < o.len; i++) {
		v = (v << 7) | (o.p[i] & 0x7F);
		if (o.p[i] & 0x80)
			continue;
		if (n == 0) {
			uint32_t x = v < 80 ? v / 40 : 2;

			n += (size_t)snprintf(out + n, cap - n, "%u.%u", x, v - 40 * x);
		} else {
			n += (size_t)snprintf(out + n, cap - n, ".%u", v);
		}
		if (n >= cap)
			return;
		v = 0;
	}
}

static void describe(const struct sccp_view *s, const struct tcap_view *t, char *out, char *err)
{
	static const char *const types[8] = {
		[1] = "unidirectional", [2] = "begin", [4] = "end", [5] = "continue", [7] = "abort",
	};
	char ids[256] = "", ops[256] = "", tid[16], ac[128] = "";
	int n[8] = { 0 };
	struct tcap_comp_iter ci;
	struct tcap_component c;
	int r;

	tcap_comp_iter_init(&ci, t);
	while ((r = tcap_comp_next(&ci, &c)) == 1) {
		char b[16];

		n[c.type & 7]++;
		if (c.type != SF_TCAP_REJECT && c.has_invoke_id) {
			snprintf(b, sizeof(b), "%s%d", ids[0] ? "," : "", c.invoke_id);
			strncat(ids, b, sizeof(ids) - strlen(ids) - 1);
		}
		if ((c.has_opcode && !c.opcode_is_global) || (c.has_error && !c.error_is_global)) {
			snprintf(b, sizeof(b), "%s%d", ops[0] ? "," : "", c.has_opcode ? c.opcode : c.error_code);
			strncat(ops, b, sizeof(ops) - strlen(ops) - 1);
		}
	}
	if (r < 0)
		snprintf(err, 64, "component: %s", sf_err_name((enum sf_err)r));
	snprintf(out + strlen(out), LINE - strlen(out), "%s|%u|%s|%u|%s|",
		 s->called.gt.digits, s->called.ssn, s->calling.gt.digits, s->calling.ssn,
		 types[t->type & 7] ? types[t->type & 7] : "?");
	tid[0] = '\0';
	for (int i = 0; t->has_otid && i < t->otid_len; i++)
		snprintf(tid + 2 * i, 3, "%02x", t->otid[i]);
	cat(out, tid);
	cat(out, "|");
	tid[0] = '\0';
	for (int i = 0; t->has_dtid && i < t->dtid_len; i++)
		snprintf(tid + 2 * i, 3, "%02x", t->dtid[i]);
	cat(out, tid);
	snprintf(out + strlen(out), LINE - strlen(out), "|%d|%d|%d|%d|%d|%s|%s",
		 n[SF_TCAP_INVOKE & 7], n[SF_TCAP_RETURN_RESULT_LAST & 7],
		 n[SF_TCAP_RETURN_RESULT_NOT_LAST & 7], n[SF_TCAP_RETURN_ERROR & 7],
		 n[SF_TCAP_REJECT & 7], ids, ops);
	if (t->has_ac)
		oid_text(t->ac_oid, ac, sizeof(ac));
	cat(out, "|");
	cat(out, ac);
}

static void on_sccp(unsigned frame, const uint8_t *p, size_t len)
{
	struct sccp_view s;
	struct tcap_view t;
	enum sf_err e;

	if (frame > MAX_FRAMES)
		return;
	e = sccp_decode(p, len, &s);
	if (e) {
		snprintf(recs[frame].err, 64, "sccp: %s", sf_err_name(e));
		return;
	}
	e = tcap_decode(s.data.p, s.data.len, &t);
	if (e) {
		snprintf(recs[frame].err, 64, "tcap: %s", sf_err_name(e));
		return;
	}
	describe(&s, &t, recs[frame].ours, recs[frame].err);
}

/* RFC 4666 §3.3.1: DATA → Protocol Data (0x0210) → SI 3 → SCCP */
static void walk_m3ua(unsigned frame, const uint8_t *p, size_t len)
{
	size_t off = SF_M3UA_COMMON_HDR_LEN;

	if (len < off || p[0] != SF_M3UA_VERSION || p[2] != SF_M3UA_CLASS_XFER ||
	    p[3] != SF_M3UA_XFER_DATA)
		return;
	while (sf_has(len, off, 4)) {
		uint16_t tag = sf_rd16(p + off), plen = sf_rd16(p + off + 2);

		if (plen < 4 || plen > len - off)
			return;
		if (tag == SF_M3UA_TAG_PROTOCOL_DATA && plen >= 4 + SF_M3UA_PD_FIXED_LEN &&
		    p[off + 4 + 8] == SF_MTP3_SI_SCCP)
			on_sccp(frame, p + off + 4 + SF_M3UA_PD_FIXED_LEN,
				plen - 4 - SF_M3UA_PD_FIXED_LEN);
		off += (plen + 3u) & ~3u;
	}
}

/* RFC 9260 §3.3.1: unfragmented DATA chunks with PPID 3 */
static void walk_sctp(unsigned frame, const uint8_t *p, size_t len)
{
	size_t off = SF_SCTP_COMMON_HDR_LEN;

	while (sf_has(len, off, SF_SCTP_CHUNK_HDR_LEN)) {
		uint8_t type = p[off], flags = p[off + 1];
		uint16_t clen = sf_rd16(p + off + 2);

		if (clen < SF_SCTP_CHUNK_HDR_LEN || clen > len - off)
			return;
		if (type == SF_SCTP_DATA && clen > SF_SCTP_DATA_HDR_LEN &&
		    (flags & (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E)) ==
			    (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E) &&
		    sf_rd32(p + off + 12) == SF_SCTP_PPID_M3UA)
			walk_m3ua(frame, p + off + SF_SCTP_DATA_HDR_LEN, clen - SF_SCTP_DATA_HDR_LEN);
		off += (clen + 3u) & ~3u;
	}
}

static void walk_ip(unsigned frame, const uint8_t *p, size_t len)
{
	if (len >= 20 && (p[0] >> 4) == 4) {
		size_t ihl = (size_t)(p[0] & 0x0F) * 4, tot = sf_rd16(p + 2);

		if (p[9] == SF_IPPROTO_SCTP && ihl >= 20 && tot <= len && tot > ihl &&
		    (sf_rd16(p + 6) & 0x3FFF) == 0)
			walk_sctp(frame, p + ihl, tot - ihl);
	} else if (len >= 40 && (p[0] >> 4) == 6 && p[6] == SF_IPPROTO_SCTP) {
		size_t pl = sf_rd16(p + 4);

		if (pl <= len - 40)
			walk_sctp(frame, p + 40, pl);
	}
}

static void walk_frame(int dlt, unsigned frame, const uint8_t *p, size_t len)
{
	size_t off;
	uint16_t et;

	switch (dlt) {
	case DLT_EN10MB:
		if (len < SF_ETH_HDR_LEN)
			return;
		off = 12;
		et = sf_rd16(p + off);
		while ((et == SF_ETHERTYPE_VLAN || et == SF_ETHERTYPE_QINQ ||
			et == SF_ETHERTYPE_QINQ_OLD) && sf_has(len, off, 6)) {
			off += 4;
			et = sf_rd16(p + off);
		}
		off += 2;
		break;
	case DLT_LINUX_SLL:
		if (len < 16)
			return;
		et = sf_rd16(p + 14);
		off = 16;
		break;
	case DLT_RAW:
	case SF_DLT_IPV4:
	case SF_DLT_IPV6:
		walk_ip(frame, p, len);
		return;
	default:
		return;
	}
	if ((et == SF_ETHERTYPE_IPV4 || et == SF_ETHERTYPE_IPV6) && off <= len)
		walk_ip(frame, p + off, len - off);
}

/* Split s on '|' into at most n fields (empty fields kept). */
static int split(char *s, char **f, int n)
{
	int k = 0;

	f[k++] = s;
	for (; *s && k < n; s++) {
		if (*s == '|') {
			*s = '\0';
			f[k++] = s + 1;
		}
	}
	return k;
}

static int occurrences(const char *a, const char *b)
{
	const char *s = a[0] ? a : b;
	int n = 0;

	if (!s[0])
		return 0;
	for (n = 1; *s; s++)
		n += *s == ',';
	return n;
}

#define TSHARK_FIELDS \
	" -e frame.number -e sccp.called.digits -e sccp.called.ssn" \
	" -e sccp.calling.digits -e sccp.calling.ssn" \
	" -e tcap.unidirectional_element -e tcap.begin_element -e tcap.end_element" \
	" -e tcap.continue_element -e tcap.abort_element -e tcap.otid -e tcap.dtid" \
	" -e gsm_old.invoke_element -e tcap.invoke_element" \
	" -e gsm_old.returnResultLast_element -e tcap.returnResultLast_element" \
	" -e gsm_old.returnResultNotLast_element -e tcap.returnResultNotLast_element" \
	" -e gsm_old.returnError_element -e tcap.returnError_element" \
	" -e gsm_old.reject_element -e tcap.reject_element" \
	" -e gsm_old.invokeID -e tcap.invokeID -e gsm_old.localValue -e tcap.localValue" \
	" -e tcap.application_context_name"

static int run_tshark(const char *path)
{
	char cmd[4096], line[LINE];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "tshark -r '%s' -T fields -E separator='|'" TSHARK_FIELDS
		 " 2>/dev/null", path);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *fl[32];
		unsigned frame;
		const char *type = NULL;

		line[strcspn(line, "\r\n")] = '\0';
		if (split(line, fl, 32) < 27)
			continue;
		frame = (unsigned)atoi(fl[0]);
		if (frame == 0 || frame > MAX_FRAMES)
			continue;
		if (fl[5][0]) type = "unidirectional";
		else if (fl[6][0]) type = "begin";
		else if (fl[7][0]) type = "end";
		else if (fl[8][0]) type = "continue";
		else if (fl[9][0]) type = "abort";
		if (!type)
			continue;
		snprintf(recs[frame].tshark, LINE, "%s|%s|%s|%s|%s|%s|%s|%d|%d|%d|%d|%d|%s|%s|%s",
			 fl[1], fl[2], fl[3], fl[4], type, fl[10], fl[11],
			 occurrences(fl[12], fl[13]), occurrences(fl[14], fl[15]),
			 occurrences(fl[16], fl[17]), occurrences(fl[18], fl[19]),
			 occurrences(fl[20], fl[21]), fl[22][0] ? fl[22] : fl[23],
			 fl[24][0] ? fl[24] : fl[25], fl[26]);
	}
	return pclose(f) == 0 ? 0 : -1;
}

static int check_file(const char *dir, const char *name)
{
	char path[2048], ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc;
	struct pcap_pkthdr *h;
	const uint8_t *data;
	unsigned frame = 0;
	int dlt;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	memset(recs, 0, sizeof(recs));
	if (run_tshark(path) != 0) {
		printf("FAIL %s: tshark failed\n", name);
		failures++;
		return -1;
	}
	pc = pcap_open_offline(path, ebuf);
	if (!pc) {
		printf("FAIL %s: %s\n", name, ebuf);
		failures++;
		return -1;
	}
	dlt = pcap_datalink(pc);
	while (pcap_next_ex(pc, &h, &data) == 1)
		walk_frame(dlt, ++frame, data, h->caplen);
	pcap_close(pc);

	for (unsigned i = 1; i <= frame && i <= MAX_FRAMES; i++) {
		struct rec *r = &recs[i];

		if (!r->tshark[0] && !r->ours[0] && !r->err[0])
			continue;
		if (!r->tshark[0]) {
			/* tshark saw no TCAP here: we may refuse it, or agree
			 * there is something; report either way */
			printf("note %s #%u: not TCAP for tshark; ours: %s %s\n", name, i,
			       r->ours[0] ? r->ours : "-", r->err);
			continue;
		}
		compared++;
		if (r->err[0] || strcmp(r->tshark, r->ours) != 0) {
			printf("FAIL %s #%u\n  tshark: %s\n  ours:   %s %s\n", name, i, r->tshark,
			       r->ours, r->err);
			failures++;
		} else {
			printf("ok   %s #%u: %s\n", name, i, r->ours);
		}
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	DIR *d;
	struct dirent *e;
	char *names[256];
	int n = 0;

	if (argc < 2 || !(d = opendir(argv[1]))) {
		printf("SKIP: capture directory %s absent\n", argc > 1 ? argv[1] : "(none)");
		return 77;
	}
	if (system("tshark -v >/dev/null 2>&1") != 0) {
		closedir(d);
		printf("SKIP: tshark not installed\n");
		return 77;
	}
	while ((e = readdir(d)) && n < 256) {
		size_t l = strlen(e->d_name);

		if (l > 5 && (strcmp(e->d_name + l - 5, ".pcap") == 0 ||
			      (l > 7 && strcmp(e->d_name + l - 7, ".pcapng") == 0)))
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	for (int i = 0; i < n; i++) {
		check_file(argv[1], names[i]);
		free(names[i]);
	}
	printf("%d TCAP messages compared, %d failed\n", compared, failures);
	if (compared == 0) {
		printf("SKIP: no TCAP in %s\n", argv[1]);
		return 77;
	}
	return failures ? 1 : 0;
}
