/* SPDX-License-Identifier: BSD-3-Clause */
/* TCAP message and component decoder (ITU-T Q.773 §4, BER per X.690):
 * transaction portion, dialogue portion (DialoguePDUs) and components. */
#ifndef SF_TCAP_H
#define SF_TCAP_H

#include <stddef.h>
#include <stdint.h>

#include "decode/ber.h"
#include "sf_bytes.h"
#include "sf_err.h"

/* Q.773 UnidialoguePDUs: AUDT shares AARQ's tag, inside uniDialogue-as-id */
#define TCAP_DLG_AUDT 0x60

#define TCAP_COMP_SEEN 4

struct tcap_view {
	uint8_t type;		/* SF_TCAP_BEGIN/CONTINUE/END/ABORT/UNIDIRECTIONAL */
	uint8_t has_otid, has_dtid, otid_len, dtid_len;
	uint8_t otid[4], dtid[4];
	uint32_t otid_u32, dtid_u32;	/* 1..4 octets, big-endian value */
	uint8_t has_dialogue;
	uint8_t dlg_pdu;	/* SF_TCAP_DLG_AARQ/AARE/ABRT, TCAP_DLG_AUDT; 0 in an
				 * Abort carrying user-defined abort information */
	uint8_t dlg_unidirectional;	/* OID was uniDialogue-as-id */
	uint8_t has_ac;
	struct sf_bytes ac_oid;	/* application-context-name OID contents */
	uint8_t ac_is_map, map_ac, map_ac_version;	/* OID 04 00 00 01 00 ac ver */
	uint8_t has_dlg_result, dlg_result;	/* AARE result: 0 accepted, 1 reject */
	uint8_t has_abort_source, abort_source;	/* ABRT abort-source */
	uint8_t has_user_info;
	struct sf_bytes user_info;	/* contents of user-information [30] */
	uint8_t has_pabort, pabort_cause;
	uint8_t has_components;
	uint8_t n_components;	/* component TLVs in the portion (saturates at 255) */
	struct sf_bytes components;	/* contents of the component portion */
	/* the first components as the portion check walked them, so that
	 * tcap_comp_next does not walk the list again */
	size_t comp_seen_end;		/* offset in components after them */
	uint8_t n_comp_seen;
	/* last: the decoders zero the view up to here, and these entries
	 * only as far as n_comp_seen says */
	struct {
		uint8_t id;
		struct sf_bytes value;
	} comp_seen[TCAP_COMP_SEEN];
};

/* Decode one TCAP message at p[0..len). Bytes after the message are
 * ignored. The component portion is checked for framing and known
 * component tags; tcap_comp_next decodes each component. */
enum sf_err tcap_decode(const uint8_t *p, size_t len, struct tcap_view *out);

/* Dialogue portions a caller has seen decode cleanly, by their octets and
 * the message type: the portions of one network repeat (a handful of
 * application contexts, AARQ or AARE, no user information), and one that
 * is octet for octet a remembered one (in a message of the same type) has
 * the remembered fields, without parsing the EXTERNAL, the dialogue PDU
 * and the application-context name again. Longer portions (a MAP-OPEN
 * with a destination reference, ...) and failing ones are always parsed.
 * Zero it before the first use; one per thread. */
#define TCAP_MEMO_SLOTS 32
#define TCAP_MEMO_WAYS 4	/* slots per set */
#define TCAP_MEMO_BYTES 48

/* the tcap_view fields a dialogue portion decides, besides has_dialogue
 * and the two ranges (application context, user information) */
#define TCAP_MEMO_FIELDS(X) \
	X(dlg_pdu) X(dlg_unidirectional) X(has_ac) X(ac_is_map) X(map_ac) X(map_ac_version) \
	X(has_dlg_result) X(dlg_result) X(has_abort_source) X(abort_source) X(has_user_info)

struct tcap_memo {
	struct tcap_memo_entry {
		uint8_t len;			/* 0: empty */
		uint8_t type;			/* the message type it was decoded in */
#define TCAP_MEMO_FIELD(f) uint8_t f;
		TCAP_MEMO_FIELDS(TCAP_MEMO_FIELD)
#undef TCAP_MEMO_FIELD
		uint8_t ac_off, ac_len, ui_off, ui_len;	/* offsets into the portion */
		uint8_t bytes[TCAP_MEMO_BYTES];
	} slot[TCAP_MEMO_SLOTS];
	uint64_t hits, misses;
};

/* tcap_decode with a memo of dialogue portions (NULL: none). The view and
 * the result are tcap_decode's. */
enum sf_err tcap_decode_memo(const uint8_t *p, size_t len, struct tcap_view *out,
			     struct tcap_memo *memo);

/* tcap_decode_memo in two steps, for a caller that wants the transaction
 * ids before the rest is decoded (to start loading its dialogue state
 * while the dialogue and component portions are read): tcap_decode_ids
 * decodes the message type and the ids that lead the SEQUENCE into out
 * and leaves the cursor on the next element; tcap_decode_body decodes the
 * rest and returns tcap_decode_memo's result (an error of the first step
 * included). Each octet is read once. The ids in out are valid only when
 * tcap_decode_ids returns SF_OK. */
struct tcap_cursor {
	struct ber_iter it;
	struct ber_tlv next;	/* the element after the ids, when r == 1 */
	int r;			/* ber_iter_next's result for next */
	unsigned allowed, last;
	enum sf_err err;	/* the first step's */
};
enum sf_err tcap_decode_ids(const uint8_t *p, size_t len, struct tcap_view *out,
			    struct tcap_cursor *c);
enum sf_err tcap_decode_body(struct tcap_view *out, struct tcap_cursor *c, struct tcap_memo *memo);

struct tcap_component {
	uint8_t type;	/* SF_TCAP_INVOKE, RETURN_RESULT_LAST, RETURN_RESULT_NOT_LAST, RETURN_ERROR, REJECT */
	uint8_t has_invoke_id, has_linked_id;
	uint8_t has_opcode, opcode_is_global;
	uint8_t has_error, error_is_global;
	uint8_t has_problem, problem_tag;	/* Reject: 0x80 general .. 0x83 returnError */
	uint8_t has_param;
	int32_t invoke_id;
	int32_t linked_id;
	int32_t opcode;			/* Invoke, and ReturnResult's resultretres */
	int32_t error_code;
	int32_t problem;
	struct sf_bytes opcode_oid;
	struct sf_bytes error_oid;
	struct sf_bytes param;		/* the WHOLE parameter TLV, for the MAP decoder */
};

struct tcap_comp_iter {
	const struct tcap_view *v;
	unsigned seen;			/* next of v->comp_seen[] */
	struct ber_iter it;		/* the rest, after v->comp_seen_end */
};

void tcap_comp_iter_init(struct tcap_comp_iter *ci, const struct tcap_view *v);

/* 1 and *out filled; 0 at the end; negative enum sf_err (then the
 * iteration is over). */
int tcap_comp_next(struct tcap_comp_iter *ci, struct tcap_component *out);

/* Decode one component TLV's contents (tag = its identifier octet). */
enum sf_err tcap_component_decode(uint8_t tag, struct sf_bytes contents, struct tcap_component *out);

#endif
