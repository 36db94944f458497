/* SPDX-License-Identifier: BSD-3-Clause */
/* Packet → SCTP → M3UA → SCCP → TCAP → MAP → TPDU → text, with the state
 * that spans packets: association TSN windows (RFC 9260 §6.2: a TSN seen
 * before is a retransmission), DATA reassembly (§6.9), XUDT segment
 * reassembly (Q.714 §4.1.1.2) and TCAP dialogues (Q.774: the application
 * context of a dialogue is given once, in its Begin or first Continue). */
#include <stdlib.h>
#include <string.h>

#include "sf_hash.h"
#include "decode/l2l3.h"
#include "decode/m3ua.h"
#include "decode/map.h"
#include "decode/sccp.h"
#include "decode/sctp.h"
#include "decode/tcap.h"
#include "decode/tpdu.h"
#include "flow/ftable.h"
#include "flow/ip_reasm.h"
#include "flow/pipeline.h"
#include "flow/sctp_paths.h"
#include "flow/sccp_reasm.h"
#include "flow/sctp_reasm.h"
#include "flow/tsn_window.h"
#include "sf_crc32c.h"
#include "sf_wire.h"
#include "text/data_text.h"

#define PL_IP_DGRAMS 128		/* fragmented IP datagrams in flight */
#define PL_DLG_INVOKES 4		/* invoke id → opcode pairs per dialogue */
#define PL_TEXT_MAX 2048		/* ≥ 160 septets or 140 octets as UTF-8 */

struct pl_assoc {
	struct tsn_window tsn;		/* RFC 9260 §6.2: what the receiver has seen */
};

struct pl_dialogue {
	uint8_t map_version;		/* 0 unknown */
	uint8_t map_ac;
	uint8_t n_inv;
	struct {
		int32_t id, opcode;
	} inv[PL_DLG_INVOKES];
	char sri_msisdn[SF_DIGITS_MAX + 1];	/* the SRI-SM asked about, for its result */
	uint8_t sri_msisdn_ton;			/* and its nature of address */
	char dest_imsi[SF_DIGITS_MAX + 1];	/* MAP-OPEN destination reference (an IMSI) */
};

/* LMSI → IMSI from SRI-SM results (TS 29.002 §12.1 locationInfoWithLMSI) */
struct pl_lmsi {
	uint8_t lmsi[4];
	char imsi[SF_DIGITS_MAX + 1];
};
#define PL_LMSI_MAX 16384
#define PL_PATHS_MAX 4096	/* alternate paths of multi-homed associations (sctp_paths.h) */
#define PL_ASSOC_MEMO 16	/* association ids remembered (power of 2) */

struct sf_pipeline {
	struct sf_pipeline_config cfg;
	struct ftable *assocs;
	struct ftable *dialogues;
	struct ftable *lmsis;
	struct sctp_reasm *sctp_reasm;
	struct sccp_reasm *sccp_reasm;
	struct ip_reasm *ip_reasm;
	struct sctp_paths *paths;
	struct sf_pipeline_stats st;
	/* association ids of recent association-directions (a memo of
	 * assoc_key, by receiver's tag): a packet of one already seen is
	 * not hashed again */
	struct pl_assoc_memo {
		uint8_t src[16], dst[16];
		uint16_t sport, dport;
		uint32_t vtag;
		uint64_t key;		/* 0: empty */
		uint32_t entry;		/* its assocs entry when last seen (a hint) */
	} assoc_memo[PL_ASSOC_MEMO];
	struct tcap_memo tcap_memo;		/* dialogue portions seen (tcap.h) */
	const struct sf_pipeline_flush *flush;	/* of the current decode call */
	struct sf_pkt_rec rec;			/* the current packet (pipeline.h) */
	char text[SF_PKT_SMS_MAX][PL_TEXT_MAX];	/* rec.sms[i].text */
};

/* Per-packet context handed down the layers. */
struct pl_pkt {
	uint64_t frame, ts_ns, assoc_id;
	uint8_t ip_version, src[16], dst[16];
	uint32_t tsn;
	uint16_t sid;
	uint16_t chunk_index;
	uint8_t retrans;
	uint32_t opc, dpc;
	uint8_t sls;
	const struct sf_pipeline_sink *sink;
	int n_sms;
};

void sf_pipeline_config_default(struct sf_pipeline_config *c)
{
	c->max_assocs = 4096;
	c->max_dialogues = 65536;
	c->max_reasm = 1024;
	c->max_reasm_len = 65536;
	c->dialogue_timeout_ns = 60ull * 1000000000ull;
	c->reasm_timeout_ns = 10ull * 1000000000ull;
	c->verify_checksum = 1;
}

struct sf_pipeline *sf_pipeline_create(const struct sf_pipeline_config *cfg)
{
	struct sf_pipeline *pl = calloc(1, sizeof(*pl));

	if (!pl)
		return NULL;
	pl->cfg = *cfg;
	pl->assocs = ftable_create(cfg->max_assocs, sizeof(struct pl_assoc));
	pl->dialogues = ftable_create(cfg->max_dialogues, sizeof(struct pl_dialogue));
	pl->lmsis = ftable_create(PL_LMSI_MAX, sizeof(struct pl_lmsi));
	pl->sctp_reasm = sctp_reasm_create(cfg->max_reasm, cfg->max_reasm_len);
	pl->sccp_reasm = sccp_reasm_create(cfg->max_reasm, cfg->max_reasm_len);
	pl->ip_reasm = ip_reasm_create(PL_IP_DGRAMS);
	pl->paths = sctp_paths_create(PL_PATHS_MAX);
	if (!pl->assocs || !pl->dialogues || !pl->lmsis || !pl->sctp_reasm || !pl->sccp_reasm || !pl->ip_reasm ||
	    !pl->paths) {
		sf_pipeline_destroy(pl);
		return NULL;
	}
	return pl;
}

void sf_pipeline_destroy(struct sf_pipeline *pl)
{
	if (!pl)
		return;
	ftable_destroy(pl->assocs);
	ftable_destroy(pl->dialogues);
	ftable_destroy(pl->lmsis);
	sctp_reasm_destroy(pl->sctp_reasm);
	sccp_reasm_destroy(pl->sccp_reasm);
	ip_reasm_destroy(pl->ip_reasm);
	sctp_paths_destroy(pl->paths);
	free(pl);
}

const struct sf_pipeline_stats *sf_pipeline_stats(const struct sf_pipeline *pl)
{
	struct sf_pipeline_stats *st = (struct sf_pipeline_stats *)&pl->st;
	struct ftable_stats fs;

	ftable_stats(pl->assocs, &fs);
	st->assoc_evictions = fs.evictions;
	ftable_stats(pl->dialogues, &fs);
	st->dialogue_evictions = fs.evictions;
	{
		struct sctp_paths_stats ps;

		sctp_paths_get_stats(pl->paths, &ps);
		st->sctp_paths = ps.in_use;
		st->sctp_path_evictions = ps.evictions;
		st->asconf_added = ps.asconf_added;
		st->asconf_deleted = ps.asconf_deleted;
		st->asconf_refused = ps.asconf_refused;
		st->asconf_unknown = ps.asconf_unknown;
	}
	return st;
}

struct sctp_paths *sf_pipeline_paths(struct sf_pipeline *pl)
{
	return pl->paths;
}

void sf_pipeline_expire(struct sf_pipeline *pl, uint64_t now_ns, unsigned budget)
{
	ftable_expire(pl->dialogues, now_ns, pl->cfg.dialogue_timeout_ns, budget);
	ftable_expire(pl->assocs, now_ns, 10 * pl->cfg.dialogue_timeout_ns, budget);
	sctp_paths_expire(pl->paths, now_ns, 10 * pl->cfg.dialogue_timeout_ns, budget);
	ftable_expire(pl->lmsis, now_ns, 60 * pl->cfg.dialogue_timeout_ns, budget);
	sctp_reasm_expire(pl->sctp_reasm, now_ns, pl->cfg.reasm_timeout_ns);
	sccp_reasm_expire(pl->sccp_reasm, now_ns, pl->cfg.reasm_timeout_ns);
	ip_reasm_expire(pl->ip_reasm, now_ns, pl->cfg.reasm_timeout_ns);
}

static inline void pl_err(struct sf_pipeline *pl, int e)
{
	if (e < 0)
		sf_err_count(&pl->st.err, (enum sf_err)e);
}

/* FNV-1a, 64-bit (sf_hash.h): keys for the flow tables. Unkeyed, so an
 * association id is the same in every process (it is in every verdict
 * line); the tables place the keys with the keyed hash. */
static uint64_t pl_hash(uint64_t h, const void *p, size_t n)
{
	return sf_fnv1a64(h, p, n);
}

#define PL_HASH_INIT SF_FNV_OFFSET

/* One association-direction's id: addresses, ports and the receiver's
 * tag, hashed (FNV-1a over 40 bytes, a chain of 40 multiplies) once per
 * association-direction while it stays in the memo. */
static uint64_t assoc_key(struct sf_pipeline *pl, const uint8_t *src, const uint8_t *dst,
			  uint16_t sport, uint16_t dport, uint32_t vtag, uint32_t **entry)
{
	struct pl_assoc_memo *m = &pl->assoc_memo[(vtag ^ vtag >> 16 ^ sport ^ dport) & (PL_ASSOC_MEMO - 1)];
	uint64_t key;

	*entry = &m->entry;
	if (m->key && m->vtag == vtag && m->sport == sport && m->dport == dport &&
	    sf_eq16(m->src, src) && sf_eq16(m->dst, dst))
		return m->key;
	key = pl_hash(PL_HASH_INIT, src, 16);
	key = pl_hash(key, dst, 16);
	key = pl_hash(key, &sport, 2);
	key = pl_hash(key, &dport, 2);
	key = pl_hash(key, &vtag, 4);
	if (key) {	/* 0 marks an empty slot: such an id is hashed every time */
		memcpy(m->src, src, 16);
		memcpy(m->dst, dst, 16);
		m->sport = sport;
		m->dport = dport;
		m->vtag = vtag;
		m->key = key;
		m->entry = UINT32_MAX;
	}
	return key;
}

/* A dialogue's key: the point code of the end that chose the transaction
 * id, the id's length and value (1..4 octets, Q.773), packed instead of
 * hashed: distinct for distinct (pc, length, id) while pc < 2^29 (every
 * real one: ITU 14 bits, ANSI 24); higher bits of a hostile pc are folded
 * in. The table places keys with its keyed hash. */
static uint64_t dlg_key(uint32_t pc, uint32_t tid, uint8_t tid_len)
{
	return ((uint64_t)pc << 35 | (uint64_t)tid_len << 32 | tid) ^ (pc >> 29);
}

/* A digit string from a decoder's array into a record's array of the same
 * size: the whole array, NUL and all (the decoders zero what they do not
 * fill), in a few fixed-size moves instead of strlen and a copy by length. */
#define COPY_DIGITS(dst, src) do { \
	_Static_assert(sizeof(dst) == sizeof(src) && sizeof(src) > sizeof(char *), \
		       "COPY_DIGITS takes two arrays of one size"); \
	const size_t copy_n_ = sizeof(src); \
	memcpy((dst), (src), copy_n_); \
} while (0)

/* A global title's digits into a record: the pipeline decodes SCCP with
 * SCCP_DIGITS_LATER, and renders them only for the messages that carry an
 * SMS or a MAP event (not for the acknowledgements and dialogue ends). */
static void pl_gt_digits(char dst[SF_DIGITS_MAX + 1], const struct sccp_gt *gt)
{
	if (gt->rendered)
		memcpy(dst, gt->digits, SF_DIGITS_MAX + 1);
	else
		sccp_gt_render(gt, dst, NULL);
}

static void copy_digits(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

static void dlg_note_invoke(struct pl_dialogue *d, int32_t id, int32_t opcode)
{
	unsigned i = d->n_inv < PL_DLG_INVOKES ? d->n_inv++ : (unsigned)(id & (PL_DLG_INVOKES - 1));

	d->inv[i].id = id;
	d->inv[i].opcode = opcode;
}

static int32_t dlg_invoke_opcode(const struct pl_dialogue *d, int32_t id)
{
	for (unsigned i = 0; i < d->n_inv; i++)
		if (d->inv[i].id == id)
			return d->inv[i].opcode;
	return -1;
}

static uint64_t lmsi_key(const uint8_t lmsi[4])
{
	return pl_hash(PL_HASH_INIT ^ 0x4c4d5349, lmsi, 4);
}

/* "0a0b0c0d" (sm_rp_da of an LMSI) back to its 4 octets */
static int lmsi_parse(const char *hex, uint8_t out[4])
{
	for (int i = 0; i < 8; i++) {
		char c = hex[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (v < 0)
			return -1;
		out[i / 2] = (uint8_t)((i & 1) ? (out[i / 2] | v) : v << 4);
	}
	return hex[8] == 0 ? 0 : -1;
}

/* The IMSI behind an LMSI-addressed MT: the MAP-OPEN destination reference
 * of its dialogue (TS 29.002 §12.9), else an SRI-SM result that gave this
 * LMSI (§12.1 locationInfoWithLMSI). */
static void resolve_lmsi(struct sf_pipeline *pl, const struct pl_dialogue *d,
			 const struct map_forward_sm *fs, char *imsi, size_t cap)
{
	uint8_t l[4];
	const struct pl_lmsi *e;

	if (d && d->dest_imsi[0]) {
		copy_digits(imsi, cap, d->dest_imsi);
		return;
	}
	if (lmsi_parse(fs->da, l) == 0 && (e = ftable_find(pl->lmsis, lmsi_key(l))) &&
	    memcmp(e->lmsi, l, 4) == 0)
		copy_digits(imsi, cap, e->imsi);
}

void sf_pipeline_learn_lmsi(struct sf_pipeline *pl, const uint8_t lmsi[4], const char *imsi,
			    uint64_t now_ns)
{
	int created;
	struct pl_lmsi *l = ftable_upsert(pl->lmsis, lmsi_key(lmsi), now_ns, &created);

	memcpy(l->lmsi, lmsi, 4);
	copy_digits(l->imsi, sizeof(l->imsi), imsi);
	ftable_touch(pl->lmsis, l, now_ns);
}

/* Hand the record's items to the flush hook and empty it (a packet with
 * more parts or events than the record holds; tools after each TCAP
 * message). */
static void pl_flush(struct sf_pipeline *pl)
{
	struct sf_pkt_rec *r = &pl->rec;

	if (!r->n_items)
		return;
	if (pl->flush && pl->flush->flush)
		pl->flush->flush(pl->flush->ctx, r);
	r->n_flushed += r->n_items;
	r->n_items = r->n_sms = r->n_events = 0;
}

/* Room for one more item of a kind: flushed when full; 0 if there is no
 * hook to take the full record (the item is dropped, counted). */
static int pl_room(struct sf_pipeline *pl, int sms)
{
	struct sf_pkt_rec *r = &pl->rec;

	if (sms ? r->n_sms < SF_PKT_SMS_MAX : r->n_events < SF_PKT_EVENTS_MAX)
		return 1;
	if (!pl->flush || !pl->flush->flush) {
		pl_err(pl, SF_E_FLOW_PKT_RECORD_FULL);
		return 0;
	}
	pl_flush(pl);
	return 1;
}

static void pl_commit(struct sf_pipeline *pl, int sms)
{
	struct sf_pkt_rec *r = &pl->rec;

	r->item[r->n_items].kind = sms ? SF_PKT_ITEM_SMS : SF_PKT_ITEM_MAP_EVENT;
	r->item[r->n_items].idx = (uint8_t)(sms ? r->n_sms++ : r->n_events++);
	r->n_items++;
}

static void emit_sms(struct sf_pipeline *pl, struct pl_pkt *pk,
		     const struct sccp_view *sc, const struct tcap_view *tc,
		     const struct tcap_component *comp, int version, const struct pl_dialogue *d)
{
	struct map_forward_sm fs;
	struct tpdu_view tv;
	struct sf_sms *s;
	char *text;
	enum sf_err e;
	int n;

	e = map_forward_sm_decode(comp->param.p, comp->param.len, &fs);
	if (e) {
		pl_err(pl, e);
		return;
	}
	if (!pl_room(pl, 1))
		return;
	s = &pl->rec.sms[pl->rec.n_sms];
	text = pl->text[pl->rec.n_sms];
	memset(s, 0, sizeof(*s));
	s->frame = pk->frame;
	s->ts_ns = pk->ts_ns;
	s->assoc_id = pk->assoc_id;
	s->tsn = pk->tsn;
	s->stream = pk->sid;
	s->chunk_index = pk->chunk_index;
	s->retransmission = pk->retrans;
	s->ip_version = pk->ip_version;
	memcpy(s->src_ip, pk->src, 16);
	memcpy(s->dst_ip, pk->dst, 16);
	s->opc = pk->opc;
	s->dpc = pk->dpc;
	s->sls = pk->sls;
	s->calling_ssn = sc->calling.ssn;
	s->called_ssn = sc->called.ssn;
	pl_gt_digits(s->calling_gt, &sc->calling.gt);
	pl_gt_digits(s->called_gt, &sc->called.gt);
	s->tcap_type = tc->type;
	s->has_otid = tc->has_otid;
	s->has_dtid = tc->has_dtid;
	s->otid = tc->otid_u32;
	s->dtid = tc->dtid_u32;
	s->invoke_id = comp->invoke_id;

	s->map_version = (uint8_t)version;
	s->map_ac = tc->has_ac && tc->ac_is_map ? tc->map_ac : d ? d->map_ac : 0;
	if (version == 3)
		s->op = comp->opcode == SF_MAP_OP_MT_FORWARD_SM ? SF_OP_MT_FORWARD_SM : SF_OP_MO_FORWARD_SM;
	else
		s->op = SF_OP_FORWARD_SM;
	s->direction = (uint8_t)map_forward_sm_direction(comp->opcode, version, &fs);
	s->da_type = fs.da_type;
	s->oa_type = fs.oa_type;
	COPY_DIGITS(s->sm_rp_da, fs.da);
	COPY_DIGITS(s->sm_rp_oa, fs.oa);
	s->sm_rp_oa_ton = map_nature(fs.oa_ton_npi);
	if (fs.da_type == SF_DA_LMSI)
		resolve_lmsi(pl, d, &fs, s->da_imsi, sizeof(s->da_imsi));

	e = tpdu_decode(fs.sm_rp_ui.p, fs.sm_rp_ui.len,
			s->direction == SF_DIR_MT ? SF_DIR_MT : SF_DIR_MO, &tv);
	if (e) {
		pl_err(pl, e);
		return;
	}
	/* out of spec, shown by receivers: decoded, scanned, counted, flagged */
	if (fs.anomalies & MAP_ANOM_UI_OVERSIZE) {
		s->anomalies |= SF_ANOM_UI_OVERSIZE;
		pl_err(pl, SF_E_MAP_SM_RP_UI_OVERSIZE);
	}
	if (fs.anomalies & MAP_ANOM_UI_CONSTRUCTED) {
		s->anomalies |= SF_ANOM_UI_CONSTRUCTED;
		pl_err(pl, SF_E_MAP_SM_RP_UI_CONSTRUCTED);
	}
	if (tv.anomalies & TPDU_ANOM_UDL_OVER_MAX) {
		s->anomalies |= SF_ANOM_UDL_OVER_MAX;
		pl_err(pl, SF_E_TPDU_UDL_TOO_LONG);
	}
	if (tv.anomalies & TPDU_ANOM_UD_SHORT) {
		s->anomalies |= SF_ANOM_UD_SHORT;
		pl_err(pl, SF_E_TPDU_UD_SHORT);
	}
	s->mti = tv.mti;
	s->tp_first_octet = tv.first_octet;
	s->tp_mr = tv.mr;
	s->tp_pid = tv.pid;
	s->tp_dcs = tv.dcs;
	s->charset = tv.charset;
	s->srr = tv.srr;
	s->tp_addr_alnum = tv.addr.alnum;
	s->tp_addr_ton = tv.addr.ton;
	s->tp_addr_npi = tv.addr.npi;
	/* by TPDU type, not MTI: an MT TPDU with reserved MTI 3 is a
	 * DELIVER (TS 23.040 §9.2.3.1) */
	if (tv.type == TPDU_DELIVER)
		COPY_DIGITS(s->tp_oa, tv.addr.text);
	else if (tv.type == TPDU_SUBMIT)
		COPY_DIGITS(s->tp_da, tv.addr.text);
	if (tv.type == TPDU_DELIVER)
		s->mti = SF_TP_MTI_DELIVER;
	s->has_concat = tv.has_concat;
	s->concat_ref = tv.concat_ref;
	s->concat_ref16 = tv.concat_ref16;
	s->concat_total = tv.concat_total;
	s->concat_seq = tv.concat_seq;
	s->has_ports = tv.has_ports;
	s->dst_port = tv.dst_port;
	s->src_port = tv.src_port;
	s->data = tv.text_bytes.p;
	s->data_len = tv.text_bytes.len;

	n = tpdu_text_utf8(&tv, text, PL_TEXT_MAX, &s->text_replaced);
	if (n >= 0) {
		s->text = text;
		s->text_len = (size_t)n;
		if (tv.nl_unknown)	/* an unknown table: decoded with the default one */
			pl_err(pl, SF_E_TEXT_NL_UNKNOWN);
	} else if (n == SF_E_TPDU_BINARY) {
		/* 8-bit data that reads as UTF-8 / UTF-16 text: scanned too */
		int m = data_text_decode(tv.text_bytes.p, tv.text_bytes.len, text, PL_TEXT_MAX);

		if (m > 0) {
			s->data_text = text;
			s->data_text_len = (size_t)m;
			pl->st.data_as_text++;
		}
	} else if (n != SF_E_TPDU_COMPRESSED) {
		pl_err(pl, n);	/* compressed (TS 23.042) is reported as data, like 8-bit */
	}
	pl->st.text_replaced += s->text_replaced;
	pl->st.sms_parts++;
	pl->st.sms_by_op[s->op & 3]++;
	pl->st.sms_by_charset[s->charset & 3]++;
	pk->n_sms++;
	if (pk->chunk_index < SF_PKT_CHUNKS_MAX)
		pl->rec.chunk[pk->chunk_index].n_sms++;
	pl_commit(pl, 1);
}

static void emit_map_event(struct sf_pipeline *pl, struct pl_pkt *pk,
			   const struct sccp_view *sc, int opcode, int is_result,
			   const struct tcap_component *comp, struct pl_dialogue *d)
{
	struct sf_map_event *ev;
	enum sf_err e = SF_OK;

	if (opcode != SF_MAP_OP_SRI_SM && (is_result || (opcode != SF_MAP_OP_REPORT_SM_DELIVERY &&
							 opcode != SF_MAP_OP_ALERT_SC)))
		return;
	if (!pl_room(pl, 0))
		return;
	ev = &pl->rec.ev[pl->rec.n_events];
	memset(ev, 0, sizeof(*ev));
	ev->frame = pk->frame;
	ev->ts_ns = pk->ts_ns;
	ev->assoc_id = pk->assoc_id;
	ev->retransmission = pk->retrans;
	pl_gt_digits(ev->calling_gt, &sc->calling.gt);
	if (opcode == SF_MAP_OP_SRI_SM && !is_result) {
		struct map_sri_sm_arg a;

		e = map_sri_sm_arg_decode(comp->param.p, comp->param.len, &a);
		ev->kind = SF_MAP_EV_SRI_SM_ARG;
		if (!e) {
			COPY_DIGITS(ev->msisdn, a.msisdn.digits);
			ev->msisdn_ton = map_nature(a.msisdn.ton_npi);
			COPY_DIGITS(ev->sca, a.sca.digits);
			if (d && !pk->retrans) {
				COPY_DIGITS(d->sri_msisdn, a.msisdn.digits);
				d->sri_msisdn_ton = ev->msisdn_ton;
			}
		}
	} else if (opcode == SF_MAP_OP_SRI_SM) {
		struct map_sri_sm_res r;

		e = map_sri_sm_res_decode(comp->param.p, comp->param.len, &r);
		ev->kind = SF_MAP_EV_SRI_SM_RES;
		if (!e) {
			COPY_DIGITS(ev->imsi, r.imsi);
			COPY_DIGITS(ev->sca, r.nnn.digits);
			if (r.has_lmsi) {
				ev->has_lmsi = 1;
				memcpy(ev->lmsi, r.lmsi, 4);
				if (!pk->retrans)
					sf_pipeline_learn_lmsi(pl, r.lmsi, r.imsi, pk->ts_ns);
			}
			if (d) {	/* the result does not repeat the MSISDN: the invoke had it */
				COPY_DIGITS(ev->msisdn, d->sri_msisdn);
				ev->msisdn_ton = d->sri_msisdn_ton;
			}
		}
	} else if (opcode == SF_MAP_OP_REPORT_SM_DELIVERY && !is_result) {
		struct map_report_sm_ds_arg a;

		e = map_report_sm_ds_arg_decode(comp->param.p, comp->param.len, &a);
		ev->kind = SF_MAP_EV_REPORT_SM_DS;
		if (!e) {
			COPY_DIGITS(ev->msisdn, a.msisdn.digits);
			ev->msisdn_ton = map_nature(a.msisdn.ton_npi);
			COPY_DIGITS(ev->sca, a.sca.digits);
		}
	} else if (opcode == SF_MAP_OP_ALERT_SC && !is_result) {
		struct map_alert_sc_arg a;

		e = map_alert_sc_arg_decode(comp->param.p, comp->param.len, &a);
		ev->kind = SF_MAP_EV_ALERT_SC;
		if (!e) {
			COPY_DIGITS(ev->msisdn, a.msisdn.digits);
			ev->msisdn_ton = map_nature(a.msisdn.ton_npi);
			COPY_DIGITS(ev->sca, a.sca.digits);
		}
	} else {
		return;
	}
	if (e) {
		pl_err(pl, e);
		return;
	}
	pl->st.map_events[ev->kind]++;
	pl_commit(pl, 0);
}

/* The dialogue this TCAP message belongs to: registered under (OPC, otid)
 * by whoever sends it; found by the peer under (DPC, dtid). */
static struct pl_dialogue *dialogue_for(struct sf_pipeline *pl, struct pl_pkt *pk,
					const struct tcap_view *tc)
{
	struct pl_dialogue *d = NULL, *mine;
	int created;

	if (pk->retrans) {
		/* a resent message: read the dialogue its first copy made, but
		 * change nothing (a corrupt or forged resend must not reset it) */
		if (tc->type == SF_TCAP_BEGIN || tc->type == SF_TCAP_UNIDIRECTIONAL)
			return tc->has_otid ? ftable_find(pl->dialogues, dlg_key(pk->opc, tc->otid_u32, tc->otid_len)) : NULL;
		if (tc->type == SF_TCAP_CONTINUE && tc->has_otid &&
		    (d = ftable_find(pl->dialogues, dlg_key(pk->opc, tc->otid_u32, tc->otid_len))))
			return d;
		return tc->has_dtid ? ftable_find(pl->dialogues, dlg_key(pk->dpc, tc->dtid_u32, tc->dtid_len)) : NULL;
	}
	if (tc->type == SF_TCAP_BEGIN || tc->type == SF_TCAP_UNIDIRECTIONAL) {
		pl->st.tcap_dialogues += tc->type == SF_TCAP_BEGIN;
		if (!tc->has_otid)
			return NULL;
		d = ftable_upsert(pl->dialogues, dlg_key(pk->opc, tc->otid_u32, tc->otid_len),
				  pk->ts_ns, &created);
		if (!created)
			memset(d, 0, sizeof(*d));	/* a reused id: a new dialogue */
		/* Q.773 §3.2.1: no dialogue portion means MAP v1 (TS 29.002 §15.1) */
		if (!tc->has_ac && d->map_version == 0)
			d->map_version = 1;
	} else if (tc->has_dtid) {
		d = ftable_find(pl->dialogues, dlg_key(pk->dpc, tc->dtid_u32, tc->dtid_len));
		if (!d)
			pl->st.tcap_unknown_dialogue++;
		if (tc->type == SF_TCAP_CONTINUE && tc->has_otid) {
			mine = ftable_upsert(pl->dialogues, dlg_key(pk->opc, tc->otid_u32, tc->otid_len),
					     pk->ts_ns, &created);
			if (d && mine != d && created)
				*mine = *d;
			else if (d)
				ftable_touch(pl->dialogues, d, pk->ts_ns);
			d = mine;
		}
	}
	if (d && tc->has_ac && tc->ac_is_map) {	/* not reached for resends */
		d->map_ac = tc->map_ac;
		d->map_version = tc->map_ac_version;
	}
	if (d && tc->type == SF_TCAP_BEGIN && tc->has_user_info) {
		struct map_address a;

		if (map_open_dest_ref(tc->user_info.p, tc->user_info.len, &a) == SF_OK)
			COPY_DIGITS(d->dest_imsi, a.digits);
	}
	return d;
}

static void do_tcap(struct sf_pipeline *pl, struct pl_pkt *pk,
		    const struct sccp_view *sc, struct sf_bytes data)
{
	struct tcap_view tc;
	struct tcap_cursor cur;
	struct tcap_comp_iter it;
	struct tcap_component comp;
	struct sf_tcap_event tev;
	struct pl_dialogue *d;
	enum sf_err e;
	int r, version;

	/* the transaction ids first: the dialogue table's slots for them
	 * load while the dialogue and component portions are decoded */
	if (tcap_decode_ids(data.p, data.len, &tc, &cur) == SF_OK) {
		if (tc.has_otid)
			ftable_prefetch(pl->dialogues, dlg_key(pk->opc, tc.otid_u32, tc.otid_len));
		if (tc.has_dtid)
			ftable_prefetch(pl->dialogues, dlg_key(pk->dpc, tc.dtid_u32, tc.dtid_len));
	}
	e = tcap_decode_body(&tc, &cur, &pl->tcap_memo);
	if (e) {
		pl_err(pl, e);
		return;
	}
	pl->st.tcap_messages++;
	d = dialogue_for(pl, pk, &tc);
	/* the MAP version: the message's own application context if it has
	 * one (AARQ/AARE), v1 for a Begin without a dialogue portion (TS
	 * 29.002 §15.1), else what its dialogue was given */
	if (tc.has_ac && tc.ac_is_map)
		version = tc.map_ac_version;
	else if (tc.type == SF_TCAP_BEGIN && !tc.has_dialogue)
		version = 1;
	else
		version = d ? d->map_version : 0;

	if (pk->sink && pk->sink->on_tcap) {
		memset(&tev, 0, sizeof(tev));
		tev.frame = pk->frame;
		tev.type = tc.type;
		tev.has_otid = tc.has_otid;
		tev.has_dtid = tc.has_dtid;
		tev.otid_len = tc.otid_len;
		tev.dtid_len = tc.dtid_len;
		memcpy(tev.otid, tc.otid, 4);
		memcpy(tev.dtid, tc.dtid, 4);
		tev.has_ac = tc.has_ac;
		tev.map_ac = tc.map_ac;
		tev.map_ac_version = tc.map_ac_version;
		tev.map_version = (uint8_t)version;
		pl_gt_digits(tev.calling_gt, &sc->calling.gt);
		pl_gt_digits(tev.called_gt, &sc->called.gt);
	}

	if (tc.has_components) {
		tcap_comp_iter_init(&it, &tc);
		while ((r = tcap_comp_next(&it, &comp)) > 0) {
			int opcode = comp.has_opcode && !comp.opcode_is_global ? comp.opcode : -1;

			pl->st.tcap_components++;
			if (pk->sink && pk->sink->on_tcap && tev.n_components < SF_TCAP_MAX_COMPONENTS) {
				unsigned i = tev.n_components++;

				tev.comp[i].type = comp.type;
				tev.comp[i].has_invoke_id = comp.has_invoke_id;
				tev.comp[i].invoke_id = comp.invoke_id;
				tev.comp[i].has_opcode = comp.has_opcode && !comp.opcode_is_global;
				tev.comp[i].opcode = comp.opcode;
			}
			if (comp.type == SF_TCAP_INVOKE) {
				if (d && comp.has_invoke_id && opcode >= 0 && !pk->retrans)
					dlg_note_invoke(d, comp.invoke_id, opcode);
				if (!comp.has_param)
					continue;
				if (opcode == SF_MAP_OP_MO_FORWARD_SM || opcode == SF_MAP_OP_MT_FORWARD_SM) {
					/* mt-forwardSM exists only in v3; 46 without a known
					 * context is decoded as v1/v2 forwardSM */
					int v = version ? version : (opcode == SF_MAP_OP_MT_FORWARD_SM ? 3 : 2);

					emit_sms(pl, pk, sc, &tc, &comp, v, d);
				} else if (opcode == SF_MAP_OP_SRI_SM || opcode == SF_MAP_OP_REPORT_SM_DELIVERY ||
					   opcode == SF_MAP_OP_ALERT_SC) {
					emit_map_event(pl, pk, sc, opcode, 0, &comp, d);
				} else {
					pl->st.map_other_ops++;
				}
			} else if ((comp.type == SF_TCAP_RETURN_RESULT_LAST ||
				    comp.type == SF_TCAP_RETURN_RESULT_NOT_LAST) && comp.has_param) {
				if (opcode < 0 && d && comp.has_invoke_id)
					opcode = dlg_invoke_opcode(d, comp.invoke_id);
				if (opcode == SF_MAP_OP_SRI_SM)
					emit_map_event(pl, pk, sc, opcode, 1, &comp, d);
			}
		}
		pl_err(pl, r);
	}
	if (pk->sink && pk->sink->on_tcap) {
		pl_flush(pl);	/* a tool sees the parts of a message before it */
		pk->sink->on_tcap(pk->sink->ctx, &tev);
	}
	if (d && (tc.type == SF_TCAP_END || tc.type == SF_TCAP_ABORT) && tc.has_dtid && !pk->retrans)
		ftable_remove(pl->dialogues, dlg_key(pk->dpc, tc.dtid_u32, tc.dtid_len));
}

static void do_sccp(struct sf_pipeline *pl, struct pl_pkt *pk, struct sf_bytes ud)
{
	struct sccp_view sc;
	struct sf_bytes whole;
	enum sf_err e;

	e = sccp_decode_ex(ud.p, ud.len, &sc, SCCP_DIGITS_LATER);
	if (e) {
		pl_err(pl, e);
		return;
	}
	pl->st.sccp_messages++;
	if (sc.type != SF_SCCP_UDT && sc.type != SF_SCCP_XUDT && sc.type != SF_SCCP_LUDT) {
		pl->st.sccp_other++;	/* UDTS/XUDTS/LUDTS: returned messages */
		return;
	}
	whole = sc.data;
	/* Q.713 §3.17: a segmentation parameter that is not "first and only" */
	if (sc.seg.present && !(sc.seg.first && sc.seg.remaining == 0)) {
		uint64_t key;

		sccp_gt_fill(&sc.calling.gt);	/* the key counts its signals */
		key = sccp_reasm_key(pk->opc, &sc.calling);

		pl->st.sccp_segments++;
		e = sccp_reasm_add(pl->sccp_reasm, key, &sc, pk->ts_ns, &whole);
		if (e) {
			pl_err(pl, e);
			return;
		}
		if (!whole.p)
			return;
	}
	do_tcap(pl, pk, &sc, whole);
}

static void do_m3ua(struct sf_pipeline *pl, struct pl_pkt *pk, struct sf_bytes msg)
{
	struct m3ua_view m;
	enum sf_err e = m3ua_decode(msg.p, msg.len, &m);

	if (e) {
		pl_err(pl, e);
		return;
	}
	pl->st.m3ua_messages++;
	if (m.msg_class != SF_M3UA_CLASS_XFER || m.msg_type != SF_M3UA_XFER_DATA || !m.has_pd) {
		pl->st.m3ua_other_class++;
		return;
	}
	pl->st.m3ua_data++;
	if (m.si != SF_MTP3_SI_SCCP) {
		pl->st.m3ua_non_sccp++;
		return;
	}
	pk->opc = m.opc;
	pk->dpc = m.dpc;
	pk->sls = m.sls;
	do_sccp(pl, pk, m.user_data);
}

/* M3UA recognised by its header (RFC 4666 §3.1), whatever the PPID or
 * port: a peer configured for M3UA on an association decodes it so.
 * Version 1, a transfer DATA message, and (whole) a message length equal
 * to the user message. PPID 3 messages skip this test (the PPID says it). */
static int pl_m3ua_head(struct sf_bytes m, int whole)
{
	if (m.len < 8 || m.p[0] != 1 || m.p[2] != SF_M3UA_CLASS_XFER || m.p[3] != SF_M3UA_XFER_DATA)
		return 0;
	return !whole || sf_rd32(m.p + 4) == m.len;
}

/* The walk itself; pk->sink is set only for tools (on_tcap). */
static void pl_decode(struct sf_pipeline *pl, const uint8_t *p, size_t len, int linktype,
		      const struct sf_l3_pre *pre, struct pl_pkt *pk)
{
	struct sf_pkt_rec *rec = &pl->rec;
	struct l2l3_view l3_own;
	const struct l2l3_view *l3;
	const uint8_t *asrc, *adst;	/* the association's pair (sctp_paths.h) */
	struct sf_bytes l4;
	struct sctp_view sv;
	struct sctp_walk_iter it;
	struct sctp_chunk ch;
	struct pl_assoc *as;
	uint64_t ts_ns = pk->ts_ns;
	enum sf_err e;
	uint64_t key;
	int r, asconf = 0, nic;

	pl->st.packets++;
	if (pre) {
		/* decoded by the RX lcore to pick this worker */
		e = pre->err;
		l3 = &pre->v;
		if (!e)
			sf_pkt_rec_l3_view(rec, p, l3);
	} else {
		e = sf_pkt_rec_l3(rec, p, len, linktype, &l3_own);
		l3 = &l3_own;
	}
	if (e) {
		pl->st.non_ip++;
		pl_err(pl, e);
		return;
	}
	l4 = l3->l4;
	if (l3->l4_proto != SF_IPPROTO_SCTP) {
		pl->st.ip_fragments += l3->is_fragment;
		pl->st.non_sctp++;
		return;
	}
	if (l3->is_fragment) {
		/* RFC 791 §3.2 / RFC 8200 §4.5: the receiving host reassembles */
		pl->st.ip_fragments++;
		e = ip_reasm_add(pl->ip_reasm, l3, ts_ns, &l4);
		if (e) {
			pl_err(pl, e);
			return;
		}
		if (!l4.p)
			return;
		rec->ip_reassembled = 1;
	}
	/* the NIC's verdict on the CRC32c covers the frame it received, so
	 * not a datagram put together from fragments */
	nic = pl->cfg.verify_checksum && pre && pre->sctp_csum_good && !rec->ip_reassembled;
	pl->st.nic_checksum += (uint64_t)nic;
	r = sf_pkt_rec_sctp(rec, l4, pl->cfg.verify_checksum && !nic, &sv);
	if (r < 0) {
		pl_err(pl, r);
		return;
	}
	pl->st.sctp_packets++;
	if (r == SF_PKT_REC_BAD_CHECKSUM) {
		pl->st.bad_checksum++;
		return;
	}
	pk->ip_version = l3->ip_version;
	memcpy(pk->src, l3->src, 16);
	memcpy(pk->dst, l3->dst, 16);
	key = 0;
	as = NULL;
	/* an INIT / INIT-ACK lists the endpoints' other addresses; a packet
	 * on one of those paths belongs to the association of the INIT's
	 * pair (RFC 9260 §6.4: a peer may send any chunk on any path).
	 * Neither is bundled: one byte compared. ASCONFs (bundled) are read
	 * after the walk below. */
	if (l4.len >= 16 && (l4.p[12] == SF_SCTP_INIT || l4.p[12] == SF_SCTP_INIT_ACK))
		sctp_paths_learn(pl->paths, l3->src, l3->dst, l4.p, l4.len, ts_ns);
	sctp_paths_map(pl->paths, l3->src, l3->dst, &asrc, &adst, ts_ns);

	/* the chunk headers walked once, into the record (enforcement reads
	 * them there); then each chunk's content, in wire order */
	sctp_walk_iter_init(&it, &rec->walk, l4.p, l4.len);
	while ((r = sctp_walk_next(&it, &ch)) > 0) {
		struct sctp_data_view dv;
		struct sf_bytes msg;

		pl->st.chunks++;
		if (ch.type != SF_SCTP_DATA && ch.type != SF_SCTP_I_DATA) {
			asconf |= ch.type == SF_SCTP_ASCONF || ch.type == SF_SCTP_ASCONF_ACK;
			/* RFC 9260 §3.2: an unrecognised chunk type whose upper two
			 * bits are 00 or 01 makes the receiver discard the rest of
			 * the packet: what follows it must change no state */
			if (!sctp_chunk_type_known(ch.type) && (ch.type >> 6) < 2) {
				pl_err(pl, SF_E_SCTP_CHUNK_STOPS_PACKET);
				break;
			}
			continue;
		}
		/* RFC 8260: I-DATA carries user messages as DATA does */
		e = ch.type == SF_SCTP_DATA ? sctp_data_decode(&ch, &dv) : sctp_idata_decode(&ch, &dv);
		if (e) {
			pl_err(pl, e);
			continue;
		}
		pl->st.data_chunks++;
		pk->chunk_index = (uint16_t)(rec->n_chunks < 0xffff ? rec->n_chunks : 0xffff);
		if (rec->n_chunks < SF_PKT_CHUNKS_MAX) {
			struct sf_pkt_chunk *c = &rec->chunk[rec->n_chunks];

			c->off = (uint32_t)ch.offset;
			c->len = ch.len;
			c->type = dv.type;
			c->flags = dv.flags;
			c->tsn = dv.tsn;
			c->ppid = dv.ppid;
			c->sid = dv.sid;
			c->n_sms = 0;
			c->retransmission = 0;
		}
		rec->n_chunks++;
		if (!as) {
			uint32_t *entry;
			int created;

			/* One association-direction: addresses, ports and the
			 * receiver's tag; at the first DATA chunk (a SACK-only
			 * packet needs no id) */
			key = assoc_key(pl, asrc, adst, sv.sport, sv.dport, sv.vtag, &entry);
			pk->assoc_id = key;
			rec->assoc_id = key;

			as = ftable_upsert_hint(pl->assocs, key, ts_ns, &created, entry);
			ftable_touch(pl->assocs, as, ts_ns);
		}
		r = tsn_window_add(&as->tsn, dv.tsn, ts_ns);
		if (r == TSN_FAR) {
			pl_err(pl, SF_E_FLOW_TSN_OUT_OF_WINDOW);
			continue;
		}
		pk->retrans = (uint8_t)(r == TSN_DUP);
		if (pk->chunk_index < SF_PKT_CHUNKS_MAX)
			rec->chunk[pk->chunk_index].retransmission = pk->retrans;
		pl->st.data_retransmissions += pk->retrans;
		pk->tsn = dv.tsn;
		pk->sid = dv.sid;
		msg = dv.payload;
		if ((dv.flags & (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E)) !=
		    (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E)) {
			/* fragments of any PPID: whether the message is M3UA is
			 * told by the whole message (an I-DATA middle fragment has
			 * no PPID at all) */
			if (dv.ppid != SF_SCTP_PPID_M3UA && (dv.flags & SF_SCTP_DATA_FLAG_B) &&
			    !pl_m3ua_head(dv.payload, 0)) {
				pl->st.other_ppid++;
				continue;
			}
			pl->st.data_fragments++;
			if (pk->retrans)
				continue;	/* its first copy went into the reassembly */
			e = sctp_reasm_add(pl->sctp_reasm, key ^ dv.sid, &dv, ts_ns, &msg);
			if (e) {
				pl_err(pl, e);
				continue;
			}
			if (!msg.p)
				continue;
			/* DATA repeats the PPID in every fragment; I-DATA gives it
			 * only in the first, so the header decides */
			if (!(dv.type == SF_SCTP_DATA && dv.ppid == SF_SCTP_PPID_M3UA) && !pl_m3ua_head(msg, 1)) {
				pl->st.other_ppid++;
				continue;
			}
		} else if (dv.ppid != SF_SCTP_PPID_M3UA && !pl_m3ua_head(msg, 1)) {
			pl->st.other_ppid++;
			continue;
		}
		do_m3ua(pl, pk, msg);
	}
	pl_err(pl, r);
	/* an ASCONF's requests, or the ACK that accepts them: the paths of
	 * the packets that follow */
	if (asconf)
		sctp_paths_learn(pl->paths, l3->src, l3->dst, l4.p, l4.len, ts_ns);
}

/* One packet into pl->rec: the record reset (the arrays are valid up to
 * their counts, so only the header fields are cleared), then decoded. */
static int pl_run(struct sf_pipeline *pl, const uint8_t *p, size_t len, int linktype,
		  const struct sf_l3_pre *pre, uint64_t frame, uint64_t ts_ns,
		  const struct sf_pipeline_flush *flush, const struct sf_pipeline_sink *sink)
{
	struct sf_pkt_rec *rec = &pl->rec;
	struct pl_pkt pk;

	sf_pkt_rec_reset(rec, frame, ts_ns);
	rec->n_items = rec->n_sms = rec->n_events = rec->n_flushed = 0;
	memset(&pk, 0, sizeof(pk));
	pk.frame = frame;
	pk.ts_ns = ts_ns;
	pk.sink = sink;
	pl->flush = flush;
	pl_decode(pl, p, len, linktype, pre, &pk);
	pl->flush = NULL;
	return pk.n_sms;
}

const struct sf_pkt_rec *sf_pipeline_decode(struct sf_pipeline *pl, const uint8_t *p, size_t len,
					    int linktype, uint64_t frame, uint64_t ts_ns,
					    const struct sf_pipeline_flush *flush)
{
	pl_run(pl, p, len, linktype, NULL, frame, ts_ns, flush, NULL);
	return &pl->rec;
}

const struct sf_pkt_rec *sf_pipeline_decode_l3(struct sf_pipeline *pl, const uint8_t *p,
					       size_t len, int linktype,
					       const struct sf_l3_pre *pre,
					       uint64_t frame, uint64_t ts_ns,
					       const struct sf_pipeline_flush *flush)
{
	pl_run(pl, p, len, linktype, pre, frame, ts_ns, flush, NULL);
	return &pl->rec;
}

/* Tools: the record's items to the sink callbacks, in wire order. */
static void sink_items(void *ctx, const struct sf_pkt_rec *rec)
{
	const struct sf_pipeline_sink *sink = ctx;

	if (!sink)
		return;
	for (unsigned i = 0; i < rec->n_items; i++) {
		if (rec->item[i].kind == SF_PKT_ITEM_SMS) {
			if (sink->on_sms)
				sink->on_sms(sink->ctx, &rec->sms[rec->item[i].idx]);
		} else if (sink->on_map_event) {
			sink->on_map_event(sink->ctx, &rec->ev[rec->item[i].idx]);
		}
	}
}

int sf_pipeline_packet(struct sf_pipeline *pl, const uint8_t *p, size_t len,
		       int linktype, uint64_t frame, uint64_t ts_ns,
		       const struct sf_pipeline_sink *sink)
{
	struct sf_pipeline_flush fl = { (void *)sink, sink_items };
	int n = pl_run(pl, p, len, linktype, NULL, frame, ts_ns, &fl, sink);

	sink_items((void *)sink, &pl->rec);
	return n;
}

/* Both directions alike: the addresses ordered. Unkeyed (sf_hash.h): it
 * only spreads associations over workers, the same in every run. */
static uint32_t addr_pair_hash(const uint8_t *a, const uint8_t *b)
{
	if (memcmp(a, b, 16) > 0) {
		const uint8_t *t = a;

		a = b;
		b = t;
	}
	return (uint32_t)sf_mix64(sf_fnv1a64(sf_fnv1a64(SF_FNV_OFFSET, a, 16), b, 16));
}

uint32_t sf_flow_hash_pair(const uint8_t src[16], const uint8_t dst[16])
{
	return addr_pair_hash(src, dst);
}

uint32_t sf_l3_flow_hash(const struct l2l3_view *v)
{
	return v->l4_proto == SF_IPPROTO_SCTP ? addr_pair_hash(v->src, v->dst) : 0;
}

uint32_t sf_flow_hash(const uint8_t *p, size_t len, int linktype)
{
	struct l2l3_view v;

	return l2l3_decode(p, len, linktype, &v) ? 0 : sf_l3_flow_hash(&v);
}

uint32_t sf_pkt_rec_flow_hash(const struct sf_pkt_rec *rec)
{
	return rec->l3_ok && rec->l4_proto == SF_IPPROTO_SCTP ? addr_pair_hash(rec->src, rec->dst) : 0;
}
