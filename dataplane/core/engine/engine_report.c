/* SPDX-License-Identifier: BSD-3-Clause */
/* Assembly of concatenated reports (TS 23.040 §9.2.3.24.1: reference,
 * total, sequence) and the memory of recent alphanumeric deliveries. */
#include <stdlib.h>
#include <string.h>

#include "engine/engine_report.h"
#include "sf_hash.h"

struct er_slot {
	uint8_t used;
	uint8_t total, nparts;
	uint8_t ref16;
	uint16_t ref;
	uint8_t class_id;
	uint8_t severity;
	char reporter[SF_TPADDR_MAX + 1];
	uint64_t first_ts, seq_no;		/* seq_no: arrival order, for eviction */
	uint64_t have[4];			/* bitmap of sequence numbers 1..255 */
	uint16_t off[256], len[256];		/* part text in arena, by sequence */
	uint16_t used_bytes;
	struct sf_sms last;			/* the latest part, text pointers cleared */
	char arena[ENG_REPORT_ARENA];
};

struct er_dlv {
	uint64_t key;
	uint64_t ts;
};

/* A message that went on: a late copy of one of its parts (resent by the
 * SMSC with a new TSN) must not start a second report. */
#define ER_DONE 64
struct er_done {
	uint64_t key, ts;
};

struct eng_reports {
	uint64_t wait_ns, clock, arrivals;
	struct er_done done[ER_DONE];
	unsigned done_next;
	struct eng_report_stats st;
	struct er_slot slot[ENG_REPORT_SLOTS];
	struct er_dlv dlv[ENG_REPORT_DELIVERED];
	char out[ENG_REPORT_ARENA + 1];
};

struct eng_reports *eng_reports_create(uint64_t wait_ns)
{
	struct eng_reports *r = calloc(1, sizeof(*r));

	if (r)
		r->wait_ns = wait_ns;
	return r;
}

void eng_reports_free(struct eng_reports *r)
{
	free(r);
}

const struct eng_report_stats *eng_reports_stats(const struct eng_reports *r)
{
	return &r->st;
}

static int have_part(const struct er_slot *sl, unsigned seq)
{
	return (sl->have[seq >> 6] >> (seq & 63)) & 1;
}

#define SEED_REPORT 0x7265706f7274ULL	/* "report" */
#define SEED_DLV 0x646c76ULL		/* "dlv" */

/* A report message: its reporter and concatenation reference (keyed,
 * never 0). */
static uint64_t msg_key(const char *reporter, unsigned ref, unsigned ref16, unsigned total)
{
	uint64_t v[3] = { ref, ref16, total };
	uint64_t h = sf_hash_bytes(v, sizeof(v), sf_hash_bytes(reporter, strlen(reporter), SEED_REPORT));

	return h ? h : 1;
}

static int recently_done(const struct eng_reports *r, uint64_t k, uint64_t now)
{
	for (unsigned i = 0; i < ER_DONE; i++)
		if (r->done[i].key == k && now >= r->done[i].ts && now - r->done[i].ts <= r->wait_ns)
			return 1;
	return 0;
}

/* Hand on a slot's message and free the slot. */
static void emit_slot(struct eng_reports *r, struct er_slot *sl, const struct sf_sms *s,
		      eng_report_emit_fn emit, void *arg)
{
	struct eng_report_msg m;
	size_t o = 0;

	for (unsigned q = 1; q <= sl->total; q++) {
		if (!have_part(sl, q))
			continue;
		memcpy(r->out + o, sl->arena + sl->off[q], sl->len[q]);
		o += sl->len[q];
	}
	r->out[o] = 0;
	r->done[r->done_next].key = msg_key(sl->reporter, sl->ref, sl->ref16, sl->total);
	r->done[r->done_next].ts = r->clock;
	r->done_next = (r->done_next + 1) % ER_DONE;
	memset(&m, 0, sizeof(m));
	m.sms = s ? s : &sl->last;
	m.reporter = sl->reporter;
	m.text = r->out;
	m.text_len = o;
	m.parts = sl->nparts;
	m.total = sl->total;
	m.incomplete = sl->nparts < sl->total;
	m.head_missing = !have_part(sl, 1);
	m.class_id = sl->class_id;
	r->st.messages++;
	if (m.incomplete)
		r->st.incomplete++;
	sl->used = 0;
	emit(arg, &m);
}

void eng_reports_part(struct eng_reports *r, const struct sf_sms *s, const char *reporter,
		      uint8_t class_id, int severity, eng_report_emit_fn emit, void *arg)
{
	struct er_slot *sl = NULL, *free_sl = NULL, *oldest = NULL;
	unsigned seq = 1, total = 1;
	size_t tl = s->text ? s->text_len : 0;

	if (s->ts_ns > r->clock)
		r->clock = s->ts_ns;
	if (s->retransmission) {
		r->st.retrans_ignored++;
		return;
	}
	r->st.parts++;
	/* TS 23.040 §9.2.3.24.1: a sequence number of 0 or above the total
	 * is not a part of a message; it is read as a message of its own */
	if (s->has_concat && s->concat_total > 1 && s->concat_seq >= 1 &&
	    s->concat_seq <= s->concat_total) {
		seq = s->concat_seq;
		total = s->concat_total;
		for (unsigned i = 0; i < ENG_REPORT_SLOTS; i++) {
			struct er_slot *c = &r->slot[i];

			if (!c->used) {
				if (!free_sl)
					free_sl = c;
				continue;
			}
			if (c->total == total && c->ref == s->concat_ref && c->ref16 == s->concat_ref16 &&
			    !strcmp(c->reporter, reporter)) {
				sl = c;
				break;
			}
			if (!oldest || c->seq_no < oldest->seq_no)
				oldest = c;
		}
	} else {
		free_sl = NULL;
	}
	if (!sl) {
		if (total == 1) {
			/* a whole message in one part: its own text, at once */
			struct eng_report_msg m;
			size_t n = tl < ENG_REPORT_ARENA ? tl : ENG_REPORT_ARENA;

			memset(&m, 0, sizeof(m));
			memcpy(r->out, s->text ? s->text : "", n);
			r->out[n] = 0;
			m.sms = s;
			m.reporter = reporter;
			m.text = r->out;
			m.text_len = n;
			m.parts = m.total = 1;
			m.class_id = class_id;
			r->st.messages++;
			emit(arg, &m);
			return;
		}
		if (recently_done(r, msg_key(reporter, s->concat_ref, s->concat_ref16, total), r->clock)) {
			r->st.dup_parts++;	/* a late copy of a part of a message that went on */
			return;
		}
		if (!free_sl) {
			/* table full: the longest-waiting report goes on now,
			 * incomplete, rather than being lost */
			r->st.evicted++;
			emit_slot(r, oldest, NULL, emit, arg);
			free_sl = oldest;
		}
		sl = free_sl;
		memset(sl->have, 0, sizeof(sl->have));
		sl->used = 1;
		sl->total = (uint8_t)total;
		sl->nparts = 0;
		sl->ref = s->concat_ref;
		sl->ref16 = s->concat_ref16;
		sl->class_id = 0;
		sl->severity = 0;
		sl->used_bytes = 0;
		/* a link without capture timestamps (ts 0) runs on the clock
		 * of eng_reports_expire */
		sl->first_ts = s->ts_ns ? s->ts_ns : r->clock;
		sl->seq_no = ++r->arrivals;
		memcpy(sl->reporter, reporter, strnlen(reporter, SF_TPADDR_MAX));
		sl->reporter[strnlen(reporter, SF_TPADDR_MAX)] = 0;
	}
	if (have_part(sl, seq)) {
		r->st.dup_parts++;	/* the same part again (resent by the SMSC) */
		return;
	}
	sl->have[seq >> 6] |= 1ull << (seq & 63);
	sl->nparts++;
	if ((size_t)(ENG_REPORT_ARENA - sl->used_bytes) < tl) {
		r->st.text_cut++;
		tl = ENG_REPORT_ARENA - sl->used_bytes;
		while (tl > 0 && ((const uint8_t *)s->text)[tl] >= 0x80 &&
		       ((const uint8_t *)s->text)[tl] < 0xC0)
			tl--;	/* RFC 3629 §3: never cut inside a character */
	}
	sl->off[seq] = sl->used_bytes;
	sl->len[seq] = (uint16_t)tl;
	if (tl)
		memcpy(sl->arena + sl->used_bytes, s->text, tl);
	sl->used_bytes = (uint16_t)(sl->used_bytes + tl);
	if (severity > sl->severity) {
		sl->severity = (uint8_t)severity;
		sl->class_id = class_id;
	}
	sl->last = *s;
	sl->last.text = NULL;
	sl->last.text_len = 0;
	sl->last.data = NULL;
	sl->last.data_len = 0;
	if (sl->nparts == sl->total)
		emit_slot(r, sl, s, emit, arg);
}

void eng_reports_expire(struct eng_reports *r, uint64_t now_ns, eng_report_emit_fn emit, void *arg)
{
	if (now_ns > r->clock)
		r->clock = now_ns;
	for (unsigned i = 0; i < ENG_REPORT_SLOTS; i++) {
		struct er_slot *sl = &r->slot[i];

		if (sl->used && now_ns > sl->first_ts && now_ns - sl->first_ts > r->wait_ns)
			emit_slot(r, sl, NULL, emit, arg);
	}
}

void eng_reports_flush(struct eng_reports *r, eng_report_emit_fn emit, void *arg)
{
	/* in arrival order, so a replay hands them on in a stable order */
	for (;;) {
		struct er_slot *first = NULL;

		for (unsigned i = 0; i < ENG_REPORT_SLOTS; i++)
			if (r->slot[i].used && (!first || r->slot[i].seq_no < first->seq_no))
				first = &r->slot[i];
		if (!first)
			return;
		emit_slot(r, first, NULL, emit, arg);
	}
}

/* A (recipient, sender id) delivery, the id upper-cased (keyed, never 0). */
static uint64_t dlv_key(const char *recipient, const char *id)
{
	char up[SF_TPADDR_MAX + 1];
	size_t i;
	uint64_t h;

	for (i = 0; id[i] && i < sizeof(up); i++)
		up[i] = (char)(id[i] >= 'a' && id[i] <= 'z' ? id[i] - 32 : id[i]);
	h = sf_hash_bytes(up, i, sf_hash_bytes(recipient, strlen(recipient) + 1, SEED_DLV));
	return h ? h : 1;
}

void eng_reports_note_delivery(struct eng_reports *r, const char *recipient,
			       const char *sender_id, uint64_t ts_ns)
{
	uint64_t k;

	if (!recipient[0] || !sender_id[0])
		return;
	if (ts_ns > r->clock)
		r->clock = ts_ns;
	k = dlv_key(recipient, sender_id);
	r->dlv[k & (ENG_REPORT_DELIVERED - 1)].key = k;
	r->dlv[k & (ENG_REPORT_DELIVERED - 1)].ts = ts_ns;
}

int eng_reports_delivered(struct eng_reports *r, const char *recipient, const char *sender_id)
{
	uint64_t k = dlv_key(recipient, sender_id);
	const struct er_dlv *d = &r->dlv[k & (ENG_REPORT_DELIVERED - 1)];

	return d->key == k && d->ts <= r->clock && r->clock - d->ts <= ENG_REPORT_DELIVERED_NS;
}
