/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw-decode: every SMS part in a pcap/pcapng capture of SIGTRAN traffic
 * as one JSON object per line, and a summary of what was seen on stderr. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "flow/pipeline.h"
#include "sf_json.h"
#include "sf_sms_json.h"
#include "sf_wire.h"

struct out_ctx {
	FILE *f;
	int show_sms, show_tcap, show_events, extra;
	char buf[16384];
};

static void tid_hex(char *out, const uint8_t *t, unsigned n)
{
	static const char hex[] = "0123456789abcdef";

	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = hex[t[i] >> 4];
		out[2 * i + 1] = hex[t[i] & 15];
	}
	out[2 * n] = 0;
}

static const char *tcap_type_name(uint8_t t)
{
	switch (t) {
	case SF_TCAP_BEGIN: return "begin";
	case SF_TCAP_CONTINUE: return "continue";
	case SF_TCAP_END: return "end";
	case SF_TCAP_ABORT: return "abort";
	case SF_TCAP_UNIDIRECTIONAL: return "unidirectional";
	default: return "unknown";
	}
}

static const char *comp_type_name(uint8_t t)
{
	switch (t) {
	case SF_TCAP_INVOKE: return "invoke";
	case SF_TCAP_RETURN_RESULT_LAST: return "returnResultLast";
	case SF_TCAP_RETURN_RESULT_NOT_LAST: return "returnResultNotLast";
	case SF_TCAP_RETURN_ERROR: return "returnError";
	case SF_TCAP_REJECT: return "reject";
	default: return "unknown";
	}
}

static void on_sms(void *ctx, const struct sf_sms *s)
{
	struct out_ctx *o = ctx;
	struct sf_json j;

	if (!o->show_sms)
		return;
	sf_json_init(&j, o->buf, sizeof(o->buf));
	sf_json_begin(&j);
	sf_sms_json_fields(&j, s);
	if (o->extra) {
		sf_json_bool(&j, "retransmission", s->retransmission);
		sf_json_str(&j, "charset", sf_charset_name((enum sf_charset)s->charset));
		/* the types of number the policy reads the parties with */
		if (s->tp_oa[0] || s->tp_da[0])
			sf_json_uint(&j, "tp_addr_ton", s->tp_addr_ton);
		if (s->sm_rp_oa[0])
			sf_json_uint(&j, "sm_rp_oa_ton", s->sm_rp_oa_ton);
		sf_json_str(&j, "sccp_called_gt", s->called_gt);
		sf_json_uint(&j, "opc", s->opc);
		sf_json_uint(&j, "dpc", s->dpc);
		sf_json_uint(&j, "tsn", s->tsn);
		sf_json_uint(&j, "stream", s->stream);
		if (s->has_ports) {
			sf_json_obj_begin(&j, "ports");
			sf_json_uint(&j, "dst", s->dst_port);
			sf_json_uint(&j, "src", s->src_port);
			sf_json_obj_end(&j);
		}
		if (s->text_replaced)
			sf_json_uint(&j, "text_replaced", s->text_replaced);
	}
	sf_json_end(&j);
	if (!j.overflow)
		fprintf(o->f, "%s\n", o->buf);
}

static void on_tcap(void *ctx, const struct sf_tcap_event *t)
{
	struct out_ctx *o = ctx;
	struct sf_json j;
	char h[9];

	if (!o->show_tcap)
		return;
	sf_json_init(&j, o->buf, sizeof(o->buf));
	sf_json_begin(&j);
	sf_json_uint(&j, "frame", t->frame);
	sf_json_str(&j, "tcap", tcap_type_name(t->type));
	if (t->has_otid) {
		tid_hex(h, t->otid, t->otid_len);
		sf_json_str(&j, "otid", h);
	}
	if (t->has_dtid) {
		tid_hex(h, t->dtid, t->dtid_len);
		sf_json_str(&j, "dtid", h);
	}
	if (t->has_ac) {
		sf_json_uint(&j, "map_ac", t->map_ac);
		sf_json_uint(&j, "map_ac_version", t->map_ac_version);
	}
	sf_json_uint(&j, "map_version", t->map_version);
	sf_json_str(&j, "sccp_calling_gt", t->calling_gt);
	sf_json_str(&j, "sccp_called_gt", t->called_gt);
	sf_json_arr_begin(&j, "components");
	for (unsigned i = 0; i < t->n_components; i++) {
		sf_json_obj_begin(&j, NULL);
		sf_json_str(&j, "type", comp_type_name(t->comp[i].type));
		if (t->comp[i].has_invoke_id)
			sf_json_int(&j, "invoke_id", t->comp[i].invoke_id);
		if (t->comp[i].has_opcode)
			sf_json_int(&j, "opcode", t->comp[i].opcode);
		sf_json_obj_end(&j);
	}
	sf_json_arr_end(&j);
	sf_json_end(&j);
	if (!j.overflow)
		fprintf(o->f, "%s\n", o->buf);
}

static void on_map_event(void *ctx, const struct sf_map_event *e)
{
	static const char *const kinds[] = { "", "sendRoutingInfoForSM", "sendRoutingInfoForSM-result",
					     "reportSM-DeliveryStatus", "alertServiceCentre" };
	struct out_ctx *o = ctx;
	struct sf_json j;

	if (!o->show_events)
		return;
	sf_json_init(&j, o->buf, sizeof(o->buf));
	sf_json_begin(&j);
	sf_json_uint(&j, "frame", e->frame);
	sf_json_str(&j, "event", kinds[e->kind < 5 ? e->kind : 0]);
	if (e->msisdn[0])
		sf_json_str(&j, "msisdn", e->msisdn);
	if (e->imsi[0])
		sf_json_str(&j, "imsi", e->imsi);
	if (e->sca[0])
		sf_json_str(&j, "sca", e->sca);
	sf_json_str(&j, "sccp_calling_gt", e->calling_gt);
	sf_json_end(&j);
	if (!j.overflow)
		fprintf(o->f, "%s\n", o->buf);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smsfw-decode [options] CAPTURE\n"
		"Decodes SMS over SIGTRAN (SCTP/M3UA/SCCP/TCAP/MAP) in a pcap or pcapng file.\n"
		"Prints one JSON object per SMS part on stdout and a summary on stderr.\n"
		"  --tcap         print one JSON object per TCAP message instead of SMS parts\n"
		"  --events       also print sendRoutingInfoForSM, reportSM-DeliveryStatus, alertServiceCentre\n"
		"  --extra        add retransmission, charset, types of number, point codes, TSN,\n"
		"                 stream, ports\n"
		"  --no-checksum  decode SCTP packets whose CRC32c is wrong (skipped by default)\n"
		"  --quiet        no summary\n"
		"  -h, --help     this text\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tcap", no_argument, NULL, 't' },
		{ "events", no_argument, NULL, 'e' },
		{ "extra", no_argument, NULL, 'x' },
		{ "no-checksum", no_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct out_ctx o;
	struct sf_pipeline_config cfg;
	struct sf_pipeline_sink sink = { &o, on_sms, on_map_event, on_tcap };
	struct sf_pipeline *pl;
	struct capture *cap;
	struct capture_pkt pkt;
	char err[512];
	int c, quiet = 0, lt, r;

	o.f = stdout;
	o.show_sms = 1;
	sf_pipeline_config_default(&cfg);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't': o.show_tcap = 1; o.show_sms = 0; break;
		case 'e': o.show_events = 1; break;
		case 'x': o.extra = 1; break;
		case 'c': cfg.verify_checksum = 0; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	cap = capture_open(argv[optind], err, sizeof(err));
	if (!cap) {
		fprintf(stderr, "smsfw-decode: %s: %s\n", argv[optind], err);
		return 1;
	}
	lt = capture_linktype(cap);
	if (lt < 0) {
		fprintf(stderr, "smsfw-decode: %s: unsupported link type %d\n", argv[optind],
			capture_linktype_raw(cap));
		capture_close(cap);
		return 1;
	}
	pl = sf_pipeline_create(&cfg);
	if (!pl) {
		fprintf(stderr, "smsfw-decode: out of memory\n");
		capture_close(cap);
		return 1;
	}
	while ((r = capture_next(cap, &pkt, err, sizeof(err))) > 0) {
		sf_pipeline_packet(pl, pkt.data, pkt.caplen, lt, pkt.frame, pkt.ts_ns, &sink);
		if ((pkt.frame & 1023) == 0)
			sf_pipeline_expire(pl, pkt.ts_ns, 64);
	}
	if (r < 0)
		fprintf(stderr, "smsfw-decode: %s: %s (stopped)\n", argv[optind], err);
	fflush(stdout);
	if (!quiet)
		{
		fprintf(stderr, "smsfw-decode: %s\n", argv[optind]);
		sf_pipeline_stats_print(stderr, sf_pipeline_stats(pl));
	}
	sf_pipeline_destroy(pl);
	capture_close(cap);
	return r < 0 ? 1 : 0;
}
