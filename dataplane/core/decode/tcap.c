/* SPDX-License-Identifier: BSD-3-Clause */
/* TCAP decoder (ITU-T Q.773 §4, BER per X.690): message type, transaction
 * ids, P-abort cause, the dialogue portion (Q.773 DialoguePortion, X.690 EXTERNAL)
 * and the components (Q.773 Component: Invoke, ReturnResult, ReturnError,
 * Reject). */
#include <stddef.h>
#include <string.h>

#include "decode/tcap.h"
#include "sf_hash.h"
#include "sf_wire.h"

/* Q.773 (TCAP dialogue abstract syntax): dialogue-as-id 0.0.17.773.1.1.1 and uniDialogue-as-id
 * 0.0.17.773.1.2.1, as BER OID contents */
static const uint8_t tcap_oid_dialogue[] = { 0x00, 0x11, 0x86, 0x05, 0x01, 0x01, 0x01 };
static const uint8_t tcap_oid_unidialogue[] = { 0x00, 0x11, 0x86, 0x05, 0x01, 0x02, 0x01 };
/* 3GPP TS 29.002 (application-context names): MAP application contexts 0.4.0.0.1.0.<ac>.<ver> */
static const uint8_t map_ac_prefix[] = { 0x04, 0x00, 0x00, 0x01, 0x00 };

/* Transaction portion elements, in their Q.773 TCMessage order */
enum {
	EL_OTID = 1,
	EL_DTID = 2,
	EL_PABORT = 3,
	EL_DIALOGUE = 4,
	EL_COMPONENTS = 5,
};
#define EL_BIT(x) (1u << (x))

static int tcap_bytes_eq(struct sf_bytes b, const uint8_t *ref, size_t n)
{
	return b.len == n && memcmp(b.p, ref, n) == 0;
}

/* Q.773 (TransactionPortion): OrigTransactionID/DestTransactionID ::= OCTET STRING (SIZE (1..4)) */
static enum sf_err tcap_tid(const struct ber_tlv *t, uint8_t *buf, uint8_t *blen, uint32_t *u)
{
	uint32_t v = 0;

	if (t->value.len < 1 || t->value.len > 4)
		return SF_E_TCAP_TID_LEN;
	/* one to four octets: copied as they are read, no library call */
	for (size_t i = 0; i < t->value.len; i++) {
		buf[i] = t->value.p[i];
		v = (v << 8) | buf[i];
	}
	*blen = (uint8_t)t->value.len;
	*u = v;
	return SF_OK;
}

/* The single TLV inside a constructed value; err if there is not exactly one. */
static enum sf_err tcap_only_child(struct sf_bytes v, struct ber_tlv *t, enum sf_err err)
{
	struct ber_tlv extra;
	size_t rest;
	enum sf_err e;

	/* what ber_iter_next reads as the end: nothing, or a final EOC */
	if (v.len == 0 || (v.len == 2 && v.p[0] == 0 && v.p[1] == 0))
		return err;
	e = ber_tlv_decode(v.p, v.len, t);
	if (e)
		return e;
	rest = v.len - t->total;
	if (rest == 0 || (rest == 2 && v.p[t->total] == 0 && v.p[t->total + 1] == 0))
		return SF_OK;
	/* a second element: its own decoding error first, as the iterator's */
	e = ber_tlv_decode(v.p + t->total, rest, &extra);
	return e ? e : err;
}

/* Small INTEGER (0..255) inside a constructed wrapper, e.g. AARE result [2]. */
static enum sf_err tcap_wrapped_small_int(struct sf_bytes v, uint8_t *out)
{
	struct ber_tlv t;
	int32_t x;
	enum sf_err e = tcap_only_child(v, &t, SF_E_TCAP_DIALOGUE_FIELD);

	if (e)
		return e;
	if (t.id != SF_BER_INTEGER || ber_int32(t.value, &x) != SF_OK || x < 0 || x > 255)
		return SF_E_TCAP_DIALOGUE_FIELD;
	*out = (uint8_t)x;
	return SF_OK;
}

/* Dialogue PDU fields (Q.773 DialoguePDUs / UnidialoguePDUs). */
static enum sf_err tcap_dialogue_pdu(const struct ber_tlv *pdu, struct tcap_view *v)
{
	struct ber_iter it;
	struct ber_tlv t;
	uint32_t last = 0;
	int first = 1, r, has_result = 0;
	enum sf_err e;

	ber_iter_init(&it, pdu->value);
	while ((r = ber_iter_next(&it, &t)) == 1) {
		/* X.680 SEQUENCE: components in tag order, each at most once */
		if (ber_cls(&t) != BER_CONTEXT || (!first && t.tag <= last))
			return SF_E_TCAP_DIALOGUE_FIELD;
		first = 0;
		last = t.tag;
		if (t.id == 0xBE) {
			/* user-information [30] IMPLICIT SEQUENCE OF EXTERNAL */
			v->has_user_info = 1;
			v->user_info = t.value;
			continue;
		}
		if (pdu->id == SF_TCAP_DLG_ABRT) {
			/* ABRT: abort-source [0] IMPLICIT ABRT-source (INTEGER) */
			int32_t x;

			if (t.id != 0x80 || ber_int32(t.value, &x) != SF_OK || x < 0 || x > 255)
				return SF_E_TCAP_DIALOGUE_FIELD;
			v->has_abort_source = 1;
			v->abort_source = (uint8_t)x;
			continue;
		}
		switch (t.id) {
		case 0x80:	/* protocol-version [0] IMPLICIT BIT STRING */
			break;
		case SF_TCAP_DLG_AC_NAME: {	/* application-context-name [1] OBJECT IDENTIFIER */
			struct ber_tlv oid;

			e = tcap_only_child(t.value, &oid, SF_E_TCAP_DIALOGUE_FIELD);
			if (e)
				return e;
			if (oid.id != SF_BER_OID || oid.value.len == 0)
				return SF_E_TCAP_DIALOGUE_FIELD;
			v->has_ac = 1;
			v->ac_oid = oid.value;
			if (oid.value.len == sizeof(map_ac_prefix) + 2 &&
			    memcmp(oid.value.p, map_ac_prefix, sizeof(map_ac_prefix)) == 0 &&
			    oid.value.p[5] < 0x80 && oid.value.p[6] < 0x80) {
				v->ac_is_map = 1;
				v->map_ac = oid.value.p[5];
				v->map_ac_version = oid.value.p[6];
			}
			break;
		}
		case 0xA2:	/* AARE result [2] Associate-result */
			if (pdu->id != SF_TCAP_DLG_AARE)
				return SF_E_TCAP_DIALOGUE_FIELD;
			e = tcap_wrapped_small_int(t.value, &v->dlg_result);
			if (e)
				return e;
			v->has_dlg_result = 1;
			has_result = 1;
			break;
		case 0xA3: {	/* AARE result-source-diagnostic [3] CHOICE { [1], [2] } */
			struct ber_tlv c;
			uint8_t diag;

			if (pdu->id != SF_TCAP_DLG_AARE)
				return SF_E_TCAP_DIALOGUE_FIELD;
			e = tcap_only_child(t.value, &c, SF_E_TCAP_DIALOGUE_FIELD);
			if (e)
				return e;
			if (c.id != 0xA1 && c.id != 0xA2)
				return SF_E_TCAP_DIALOGUE_FIELD;
			e = tcap_wrapped_small_int(c.value, &diag);
			if (e)
				return e;
			break;
		}
		default:
			return SF_E_TCAP_DIALOGUE_FIELD;
		}
	}
	if (r < 0)
		return (enum sf_err)r;
	/* Q.773 (DialoguePDUs): AARQ, AARE and AUDT carry the application-context-name */
	if (pdu->id != SF_TCAP_DLG_ABRT && !v->has_ac)
		return SF_E_TCAP_AC_MISSING;
	if (pdu->id == SF_TCAP_DLG_AARE && !has_result)
		return SF_E_TCAP_DIALOGUE_FIELD;
	if (pdu->id == SF_TCAP_DLG_ABRT && !v->has_abort_source)
		return SF_E_TCAP_DIALOGUE_FIELD;
	return SF_OK;
}

/* DialoguePortion ::= [APPLICATION 11] EXTERNAL (Q.773 DialoguePortion, X.690 §8.18) */
static enum sf_err tcap_dialogue(struct sf_bytes portion, struct tcap_view *v)
{
	struct ber_tlv ext, t, enc = { 0 };
	struct ber_tlv pdu = { 0 };
	struct ber_iter it;
	struct sf_bytes oid = { NULL, 0 };
	int r, have_enc = 0, dialogue, unidialogue;
	enum sf_err e;

	e = tcap_only_child(portion, &ext, SF_E_TCAP_DIALOGUE_NOT_EXTERNAL);
	if (e)
		return e;
	if (ext.id != SF_BER_EXTERNAL)
		return SF_E_TCAP_DIALOGUE_NOT_EXTERNAL;
	/* EXTERNAL ::= [UNIVERSAL 8] IMPLICIT SEQUENCE { direct-reference OID
	 * OPTIONAL, indirect-reference INTEGER OPTIONAL, data-value-descriptor
	 * ObjectDescriptor OPTIONAL, encoding CHOICE { single-ASN1-type [0],
	 * octet-aligned [1], arbitrary [2] } } */
	ber_iter_init(&it, ext.value);
	while ((r = ber_iter_next(&it, &t)) == 1) {
		if (have_enc)
			return SF_E_TCAP_DIALOGUE_FIELD;
		if (t.id == SF_BER_OID && oid.p == NULL) {
			oid = t.value;
		} else if (t.id == SF_BER_INTEGER || t.id == 0x07) {
			continue;
		} else if (t.id == 0xA0 || t.id == 0x81 || t.id == 0xA1 || t.id == 0x82 ||
			   t.id == 0xA2) {
			have_enc = 1;
			enc = t;
		} else {
			return SF_E_TCAP_DIALOGUE_FIELD;
		}
	}
	if (r < 0)
		return (enum sf_err)r;
	if (!have_enc)
		return SF_E_TCAP_DIALOGUE_FIELD;
	dialogue = tcap_bytes_eq(oid, tcap_oid_dialogue, sizeof(tcap_oid_dialogue));
	unidialogue = tcap_bytes_eq(oid, tcap_oid_unidialogue, sizeof(tcap_oid_unidialogue));
	if (!dialogue && !unidialogue) {
		/* Q.773 (Abort, reason): a TC-user's u-abortCause may be "data in some
		 * user-defined abstract syntax": kept, not interpreted */
		if (v->type != SF_TCAP_ABORT)
			return SF_E_TCAP_DIALOGUE_OID;
		v->has_dialogue = 1;
		v->dlg_pdu = 0;
		return SF_OK;
	}
	/* Q.773 (DialoguePDUs): dialogue PDUs are sent as single-ASN1-type */
	if (enc.id != 0xA0)
		return SF_E_TCAP_DIALOGUE_ENCODING;
	e = tcap_only_child(enc.value, &pdu, SF_E_TCAP_DIALOGUE_FIELD);
	if (e)
		return e;
	if (dialogue) {
		/* Q.773/Q.774 dialogue control: AARQ opens (Begin), AARE answers (Continue,
		 * End, or Abort when the dialogue is refused), ABRT aborts */
		switch (v->type) {
		case SF_TCAP_BEGIN:
			if (pdu.id != SF_TCAP_DLG_AARQ)
				return SF_E_TCAP_DIALOGUE_PDU;
			break;
		case SF_TCAP_CONTINUE:
		case SF_TCAP_END:
			if (pdu.id != SF_TCAP_DLG_AARE)
				return SF_E_TCAP_DIALOGUE_PDU;
			break;
		case SF_TCAP_ABORT:
			if (pdu.id != SF_TCAP_DLG_AARE && pdu.id != SF_TCAP_DLG_ABRT)
				return SF_E_TCAP_DIALOGUE_PDU;
			break;
		default:
			return SF_E_TCAP_DIALOGUE_PDU;
		}
	} else {
		/* Q.773 (UnidialoguePDUs): AUDT only, in a Unidirectional */
		if (v->type != SF_TCAP_UNIDIRECTIONAL || pdu.id != TCAP_DLG_AUDT)
			return SF_E_TCAP_DIALOGUE_PDU;
		v->dlg_unidirectional = 1;
	}
	v->has_dialogue = 1;
	v->dlg_pdu = pdu.id;
	return tcap_dialogue_pdu(&pdu, v);
}

/* The memo set (TCAP_MEMO_WAYS slots) of a portion of len octets
 * (8..48): its octets eight at a time (the last word overlapping the one
 * before) folded by multiplication, and its length, through sf_mix64;
 * not the message type (the slot's type is compared: one portion in a
 * Continue and an End takes two slots of its set). Unkeyed: portions
 * aimed at one set only make the memo miss, and a miss is the parse. */
static unsigned tcap_memo_set(const uint8_t *p, size_t len)
{
	uint64_t h = len;
	size_t i;

	for (i = 0; i + 8 < len; i += 8)
		h = (h ^ sf_rd64le(p + i)) * 0x9E3779B97F4A7C15ull;
	h = sf_mix64(h ^ sf_rd64le(p + len - 8));
	return (unsigned)(h & (TCAP_MEMO_SLOTS / TCAP_MEMO_WAYS - 1)) * TCAP_MEMO_WAYS;
}

/* The remembered octets are the portion's: eight at a time, the last
 * word overlapping the one before (8..48 octets: no library call). */
static int tcap_memo_holds(const struct tcap_memo_entry *me, struct sf_bytes portion, uint8_t type)
{
	const uint8_t *a = me->bytes, *b = portion.p;
	size_t len = portion.len, i;
	uint64_t d;

	if (me->len != len || me->type != type)
		return 0;
	d = sf_rd64le(a + len - 8) ^ sf_rd64le(b + len - 8);
	for (i = 0; i + 8 < len; i += 8)
		d |= sf_rd64le(a + i) ^ sf_rd64le(b + i);
	return d == 0;
}

/* tcap_dialogue through the memo: a remembered portion's fields, or the
 * portion parsed (and remembered when it decodes cleanly and fits, in
 * the first slot of its set; the others move down one, the last goes). */
static enum sf_err tcap_dialogue_memo(struct sf_bytes portion, struct tcap_view *v,
				      struct tcap_memo *m)
{
	struct tcap_memo_entry *me;
	unsigned set;
	enum sf_err e;

	if (portion.len < 8 || portion.len > TCAP_MEMO_BYTES)
		return tcap_dialogue(portion, v);
	set = tcap_memo_set(portion.p, portion.len);
	for (unsigned w = 0; w < TCAP_MEMO_WAYS; w++) {
		me = &m->slot[set + w];
		if (!tcap_memo_holds(me, portion, v->type))
			continue;
		m->hits++;
		v->has_dialogue = 1;
#define TO_VIEW(f) v->f = me->f;
		TCAP_MEMO_FIELDS(TO_VIEW)
#undef TO_VIEW
		if (me->has_ac)
			v->ac_oid = sf_bytes_make(portion.p + me->ac_off, me->ac_len);
		if (me->has_user_info)
			v->user_info = sf_bytes_make(portion.p + me->ui_off, me->ui_len);
		return SF_OK;
	}
	m->misses++;
	e = tcap_dialogue(portion, v);
	if (e)
		return e;
	memmove(&m->slot[set + 1], &m->slot[set], (TCAP_MEMO_WAYS - 1) * sizeof(m->slot[0]));
	me = &m->slot[set];
	me->len = (uint8_t)portion.len;
	me->type = v->type;
#define TO_MEMO(f) me->f = v->f;
	TCAP_MEMO_FIELDS(TO_MEMO)
#undef TO_MEMO
	me->ac_off = v->has_ac ? (uint8_t)(v->ac_oid.p - portion.p) : 0;
	me->ac_len = v->has_ac ? (uint8_t)v->ac_oid.len : 0;
	me->ui_off = v->has_user_info ? (uint8_t)(v->user_info.p - portion.p) : 0;
	me->ui_len = v->has_user_info ? (uint8_t)v->user_info.len : 0;
	memcpy(me->bytes, portion.p, portion.len);
	return SF_OK;
}

/* Q.773 (ComponentPortion): ComponentPortion ::= [APPLICATION 12] SEQUENCE OF Component */
static int tcap_is_component(uint8_t id)
{
	return id == SF_TCAP_INVOKE || id == SF_TCAP_RETURN_RESULT_LAST ||
	       id == SF_TCAP_RETURN_ERROR || id == SF_TCAP_REJECT ||
	       id == SF_TCAP_RETURN_RESULT_NOT_LAST;
}

static enum sf_err tcap_components(struct sf_bytes portion, struct tcap_view *v)
{
	struct ber_iter it;
	struct ber_tlv t;
	int r;

	ber_iter_init(&it, portion);
	while ((r = ber_iter_next(&it, &t)) == 1) {
		if (!tcap_is_component(t.id))
			return SF_E_TCAP_UNKNOWN_COMPONENT;
		if (v->n_comp_seen < TCAP_COMP_SEEN) {
			v->comp_seen[v->n_comp_seen].id = t.id;
			v->comp_seen[v->n_comp_seen].value = t.value;
			v->n_comp_seen++;
			v->comp_seen_end = it.off;
		}
		if (v->n_components < UINT8_MAX)
			v->n_components++;
	}
	if (r < 0)
		return (enum sf_err)r;
	v->has_components = 1;
	v->components = portion;
	return SF_OK;
}

enum sf_err tcap_decode(const uint8_t *p, size_t len, struct tcap_view *out)
{
	return tcap_decode_memo(p, len, out, NULL);
}

/* Element el may come now: allowed in this message type, and (Q.773
 * TCMessage) SEQUENCE elements in order, each once. */
static inline enum sf_err tcap_order(struct tcap_cursor *c, unsigned el)
{
	if (!(c->allowed & EL_BIT(el)))
		return SF_E_TCAP_UNEXPECTED_ELEMENT;
	if (el == c->last)
		return SF_E_TCAP_DUPLICATE_ELEMENT;
	if (el < c->last)
		return SF_E_TCAP_ELEMENT_ORDER;
	c->last = el;
	return SF_OK;
}

/* A transaction id element (el EL_OTID or EL_DTID). */
static inline enum sf_err tcap_tid_element(struct tcap_cursor *c, unsigned el,
					   const struct ber_tlv *t, struct tcap_view *out)
{
	enum sf_err e = tcap_order(c, el);

	if (e)
		return e;
	if (el == EL_OTID) {
		out->has_otid = 1;
		return tcap_tid(t, out->otid, &out->otid_len, &out->otid_u32);
	}
	out->has_dtid = 1;
	return tcap_tid(t, out->dtid, &out->dtid_len, &out->dtid_u32);
}

/* One element of the TCMessage SEQUENCE after the leading ids. */
static enum sf_err tcap_element(struct tcap_cursor *c, const struct ber_tlv *t,
				struct tcap_view *out, struct tcap_memo *memo)
{
	enum sf_err e;

	switch (t->id) {
	case SF_TCAP_OTID:
		return tcap_tid_element(c, EL_OTID, t, out);
	case SF_TCAP_DTID:
		return tcap_tid_element(c, EL_DTID, t, out);
	case SF_TCAP_PABORT_CAUSE: {
		/* Q.773 (Abort): P-AbortCause ::= [APPLICATION 10] IMPLICIT INTEGER (0..127) */
		int32_t cause;

		if ((e = tcap_order(c, EL_PABORT)))
			return e;
		if (ber_int32(t->value, &cause) != SF_OK || cause < 0 || cause > 127)
			return SF_E_TCAP_PABORT_INVALID;
		out->has_pabort = 1;
		out->pabort_cause = (uint8_t)cause;
		return SF_OK;
	}
	case SF_TCAP_DIALOGUE_PORTION:
		if ((e = tcap_order(c, EL_DIALOGUE)))
			return e;
		/* Abort: reason CHOICE { p-abortCause, u-abortCause } */
		if (out->has_pabort)
			return SF_E_TCAP_UNEXPECTED_ELEMENT;
		return memo ? tcap_dialogue_memo(t->value, out, memo) : tcap_dialogue(t->value, out);
	case SF_TCAP_COMPONENT_PORTION:
		if ((e = tcap_order(c, EL_COMPONENTS)))
			return e;
		return tcap_components(t->value, out);
	default:
		return SF_E_TCAP_UNKNOWN_TAG;
	}
}

enum sf_err tcap_decode_ids(const uint8_t *p, size_t len, struct tcap_view *out,
			    struct tcap_cursor *c)
{
	struct ber_tlv m;
	enum sf_err e;

	memset(out, 0, offsetof(struct tcap_view, comp_seen));	/* the entries: n_comp_seen */
	c->last = 0;
	c->r = 0;
	e = ber_tlv_decode(p, len, &m);
	if (e)
		return c->err = e;
	/* Q.773 (TCMessage): TCMessage ::= CHOICE { unidirectional [APPLICATION 1],
	 * begin [2], end [4], continue [5], abort [7] } */
	switch (m.id) {
	case SF_TCAP_UNIDIRECTIONAL:
		c->allowed = EL_BIT(EL_DIALOGUE) | EL_BIT(EL_COMPONENTS);
		break;
	case SF_TCAP_BEGIN:
		c->allowed = EL_BIT(EL_OTID) | EL_BIT(EL_DIALOGUE) | EL_BIT(EL_COMPONENTS);
		break;
	case SF_TCAP_END:
		c->allowed = EL_BIT(EL_DTID) | EL_BIT(EL_DIALOGUE) | EL_BIT(EL_COMPONENTS);
		break;
	case SF_TCAP_CONTINUE:
		c->allowed = EL_BIT(EL_OTID) | EL_BIT(EL_DTID) | EL_BIT(EL_DIALOGUE) |
			     EL_BIT(EL_COMPONENTS);
		break;
	case SF_TCAP_ABORT:
		c->allowed = EL_BIT(EL_DTID) | EL_BIT(EL_PABORT) | EL_BIT(EL_DIALOGUE);
		break;
	default:
		return c->err = SF_E_TCAP_UNKNOWN_MSG_TYPE;
	}
	out->type = m.id;
	ber_iter_init(&c->it, m.value);
	/* the transaction ids lead the SEQUENCE; the first other element is
	 * kept, decoded, for tcap_decode_body */
	while ((c->r = ber_iter_next(&c->it, &c->next)) == 1 &&
	       (c->next.id == SF_TCAP_OTID || c->next.id == SF_TCAP_DTID)) {
		e = tcap_tid_element(c, c->next.id == SF_TCAP_OTID ? EL_OTID : EL_DTID, &c->next, out);
		if (e)
			return c->err = e;
	}
	return c->err = SF_OK;
}

enum sf_err tcap_decode_body(struct tcap_view *out, struct tcap_cursor *c, struct tcap_memo *memo)
{
	enum sf_err e;

	if (c->err)
		return c->err;
	for (; c->r == 1; c->r = ber_iter_next(&c->it, &c->next)) {
		e = tcap_element(c, &c->next, out, memo);
		if (e)
			return e;
	}
	if (c->r < 0)
		return (enum sf_err)c->r;
	/* Q.773 (TCMessage): mandatory transaction ids per message type */
	if ((c->allowed & EL_BIT(EL_OTID)) && !out->has_otid)
		return SF_E_TCAP_MISSING_OTID;
	if ((c->allowed & EL_BIT(EL_DTID)) && !out->has_dtid)
		return SF_E_TCAP_MISSING_DTID;
	if (out->type == SF_TCAP_UNIDIRECTIONAL && !out->has_components)
		return SF_E_TCAP_MISSING_COMPONENTS;
	return SF_OK;
}

enum sf_err tcap_decode_memo(const uint8_t *p, size_t len, struct tcap_view *out,
			     struct tcap_memo *memo)
{
	struct tcap_cursor c;

	(void)tcap_decode_ids(p, len, out, &c);
	return tcap_decode_body(out, &c, memo);
}

/* Next TLV of a component, with where it starts (for the whole parameter). */
static int tcap_next(struct ber_iter *it, struct ber_tlv *t, struct sf_bytes *whole)
{
	size_t start = it->off;
	int r = ber_iter_next(it, t);

	if (r == 1)
		*whole = sf_bytes_make(it->buf.p + start, t->total);
	return r;
}

/* InvokeIdType ::= INTEGER (-128..127) (Q.773 Component) */
static enum sf_err tcap_invoke_id(const struct ber_tlv *t, int32_t *out)
{
	enum sf_err e = ber_int32(t->value, out);

	if (e)
		return e;
	if (*out < -128 || *out > 127)
		return SF_E_TCAP_INVOKE_ID_RANGE;
	return SF_OK;
}

/* OPERATION / ERROR ::= CHOICE { localValue INTEGER, globalValue OBJECT IDENTIFIER } */
static enum sf_err tcap_code(const struct ber_tlv *t, uint8_t *is_global, int32_t *local,
			     struct sf_bytes *oid)
{
	if (t->id == SF_TCAP_GLOBAL_OPCODE) {
		*is_global = 1;
		*oid = t->value;
		return SF_OK;
	}
	return ber_int32(t->value, local);
}

static int tcap_is_code(uint8_t id)
{
	return id == SF_TCAP_LOCAL_OPCODE || id == SF_TCAP_GLOBAL_OPCODE;
}

/* "opcode OPERATION, parameter ANY OPTIONAL": the tail Invoke and
 * ReturnResult's resultretres share (Q.773 §4.2.2.1). *r is tcap_next's
 * result for the element in *t; on return it is the result for the
 * element after them. */
static enum sf_err tcap_opcode_param(struct ber_iter *it, struct ber_tlv *t, struct sf_bytes *whole,
				     int *r, struct tcap_component *out)
{
	enum sf_err e;

	if (*r == 0 || !tcap_is_code(t->id))
		return SF_E_TCAP_MISSING_OPCODE;
	e = tcap_code(t, &out->opcode_is_global, &out->opcode, &out->opcode_oid);
	if (e)
		return e;
	out->has_opcode = 1;
	*r = tcap_next(it, t, whole);
	if (*r == 1) {
		out->has_param = 1;
		out->param = *whole;
		*r = tcap_next(it, t, whole);
	}
	return SF_OK;
}

enum sf_err tcap_component_decode(uint8_t tag, struct sf_bytes c, struct tcap_component *out)
{
	struct ber_iter it;
	struct ber_tlv t;
	struct sf_bytes whole;
	int r;
	enum sf_err e;

	memset(out, 0, sizeof(*out));
	if (!tcap_is_component(tag))
		return SF_E_TCAP_UNKNOWN_COMPONENT;
	out->type = tag;
	ber_iter_init(&it, c);
	r = tcap_next(&it, &t, &whole);
	if (r < 0)
		return (enum sf_err)r;
	/* Q.773 (Component): every component starts with its invokeID; a Reject's
	 * may be NULL (not derivable) */
	if (r == 1 && t.id == SF_TCAP_INVOKE_ID) {
		e = tcap_invoke_id(&t, &out->invoke_id);
		if (e)
			return e;
		out->has_invoke_id = 1;
	} else if (!(r == 1 && tag == SF_TCAP_REJECT && t.id == 0x05 && t.value.len == 0)) {
		return SF_E_TCAP_MISSING_INVOKE_ID;
	}
	r = tcap_next(&it, &t, &whole);
	if (r < 0)
		return (enum sf_err)r;

	switch (tag) {
	case SF_TCAP_INVOKE:
		/* Invoke ::= SEQUENCE { invokeID, linkedID [0] IMPLICIT OPTIONAL,
		 * opcode OPERATION, parameter ANY OPTIONAL } */
		if (r == 1 && t.id == SF_TCAP_LINKED_ID) {
			e = tcap_invoke_id(&t, &out->linked_id);
			if (e)
				return e;
			out->has_linked_id = 1;
			r = tcap_next(&it, &t, &whole);
			if (r < 0)
				return (enum sf_err)r;
		}
		e = tcap_opcode_param(&it, &t, &whole, &r, out);
		if (e)
			return e;
		break;
	case SF_TCAP_RETURN_RESULT_LAST:
	case SF_TCAP_RETURN_RESULT_NOT_LAST:
		/* ReturnResult ::= SEQUENCE { invokeID, resultretres SEQUENCE {
		 * opcode OPERATION, parameter ANY } OPTIONAL } */
		if (r == 1) {
			struct ber_iter in;

			if (t.id != SF_BER_SEQUENCE)
				return SF_E_TCAP_COMPONENT_TAG;
			ber_iter_init(&in, t.value);
			r = tcap_next(&in, &t, &whole);
			if (r < 0)
				return (enum sf_err)r;
			e = tcap_opcode_param(&in, &t, &whole, &r, out);
			if (e)
				return e;
			if (r < 0)
				return (enum sf_err)r;
			if (r == 1)
				return SF_E_TCAP_COMPONENT_EXTRA;
			r = tcap_next(&it, &t, &whole);
		}
		break;
	case SF_TCAP_RETURN_ERROR:
		/* ReturnError ::= SEQUENCE { invokeID, errorCode ERROR, parameter ANY OPTIONAL } */
		if (r == 0 || !tcap_is_code(t.id))
			return SF_E_TCAP_MISSING_ERROR_CODE;
		e = tcap_code(&t, &out->error_is_global, &out->error_code, &out->error_oid);
		if (e)
			return e;
		out->has_error = 1;
		r = tcap_next(&it, &t, &whole);
		if (r == 1) {
			out->has_param = 1;
			out->param = whole;
			r = tcap_next(&it, &t, &whole);
		}
		break;
	default:
		/* Reject ::= SEQUENCE { invokeID CHOICE { derivable, not-derivable NULL },
		 * problem CHOICE { generalProblem [0], invokeProblem [1],
		 * returnResultProblem [2], returnErrorProblem [3] } } (all IMPLICIT INTEGER) */
		if (r == 0 || t.id < 0x80 || t.id > 0x83)
			return SF_E_TCAP_MISSING_PROBLEM;
		e = ber_int32(t.value, &out->problem);
		if (e)
			return e;
		out->has_problem = 1;
		out->problem_tag = t.id;
		r = tcap_next(&it, &t, &whole);
		break;
	}
	if (r < 0)
		return (enum sf_err)r;
	if (r == 1)
		return SF_E_TCAP_COMPONENT_EXTRA;
	return SF_OK;
}

void tcap_comp_iter_init(struct tcap_comp_iter *ci, const struct tcap_view *v)
{
	ci->v = v;
	ci->seen = 0;
	ber_iter_init(&ci->it, v->has_components ? v->components : sf_bytes_make(NULL, 0));
	if (v->has_components)
		ci->it.off = v->comp_seen_end;
}

int tcap_comp_next(struct tcap_comp_iter *ci, struct tcap_component *out)
{
	struct ber_tlv t;
	enum sf_err e;
	int r;

	if (ci->seen < ci->v->n_comp_seen) {
		/* framed and tag-checked by tcap_decode: decode only */
		unsigned i = ci->seen++;

		e = tcap_component_decode(ci->v->comp_seen[i].id, ci->v->comp_seen[i].value, out);
		if (e == SF_OK)
			return 1;
		ci->seen = ci->v->n_comp_seen;
		ci->it.off = ci->it.buf.len;	/* an error ends the iteration */
		return e;
	}
	r = ber_iter_next(&ci->it, &t);
	if (r == 1) {
		e = tcap_component_decode(t.id, t.value, out);
		if (e == SF_OK)
			return 1;
		r = e;
	}
	if (r < 0)
		ci->it.off = ci->it.buf.len;	/* an error ends the iteration */
	return r;
}
