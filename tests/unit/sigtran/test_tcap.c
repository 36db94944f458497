/* SPDX-License-Identifier: BSD-3-Clause */
/* TCAP decoder tests (ITU-T Q.773, BER X.690): annotated messages built
 * from the spec (each valid one also decoded by tshark 4.0 to the same
 * ids, opcodes and application context), and malformed ones asserting the
 * exact named error. */
#include <stdint.h>
#include <string.h>

#include "decode/tcap.h"
#include "sf_test.h"
#include "sf_wire.h"

/* EXTERNAL direct-reference: dialogue-as-id 0.0.17.773.1.1.1 */
#define DLG_AS_ID 0x06, 0x07, 0x00, 0x11, 0x86, 0x05, 0x01, 0x01, 0x01

/* Dialogue portion with AARQ for shortMsgMO-RelayContext-v3 (0.4.0.0.1.0.21.3) */
#define DLG_AARQ_MO_V3 \
	0x6b, 0x1e,			/* dialogue portion [APPLICATION 11] */ \
	0x28, 0x1c,			/* EXTERNAL */ \
	DLG_AS_ID, \
	0xa0, 0x11,			/* single-ASN1-type [0] */ \
	0x60, 0x0f,			/* AARQ [APPLICATION 0] */ \
	0x80, 0x02, 0x07, 0x80,		/* protocol-version: version1 */ \
	0xa1, 0x09,			/* application-context-name [1] */ \
	0x06, 0x07, 0x04, 0x00, 0x00, 0x01, 0x00, 0x15, 0x03 /* 0.4.0.0.1.0.21.3 */

/* Invoke mo-forwardSM (46), invokeID 1, with its MO-ForwardSM-Arg */
#define MO_FSM_ARG \
	0x30, 0x1c,			/* MO-ForwardSM-Arg SEQUENCE */ \
	0x84, 0x06, 0x91, 0x68, 0x31, 0x08, 0x20, 0x00, /* sm-RP-DA serviceCentreAddressDA */ \
	0x82, 0x06, 0x91, 0x68, 0x31, 0x98, 0x76, 0x54, /* sm-RP-OA msisdn */ \
	0x04, 0x0a,			/* sm-RP-UI */ \
	0x01, 0x05, 0x03, 0x81, 0x21, 0xf3, 0x00, 0x00, 0x01, 0x31 /* SMS-SUBMIT "1" to 123 */
#define INVOKE_MO_FSM \
	0xa1, 0x24,			/* Invoke [1] */ \
	0x02, 0x01, 0x01,		/* invokeID 1 */ \
	0x02, 0x01, 0x2e,		/* opCode localValue 46 */ \
	MO_FSM_ARG

static const uint8_t begin_mo[] = {
	0x62, 0x4e,			/* Begin [APPLICATION 2] */
	0x48, 0x04, 0x01, 0x02, 0x03, 0x04, /* otid 01020304 */
	DLG_AARQ_MO_V3,
	0x6c, 0x26,			/* component portion [APPLICATION 12] */
	INVOKE_MO_FSM,
};

static const uint8_t mo_arg[] = { MO_FSM_ARG };

static void test_begin_mo_forward_sm(void)
{
	struct tcap_view v;
	struct tcap_comp_iter ci;
	struct tcap_component c;
	static const uint8_t otid[] = { 1, 2, 3, 4 };

	CHECK_INT(tcap_decode(begin_mo, sizeof(begin_mo), &v), SF_OK);
	CHECK_INT(v.type, SF_TCAP_BEGIN);
	CHECK_INT(v.has_otid, 1);
	CHECK_INT(v.has_dtid, 0);
	CHECK_INT(v.otid_len, 4);
	CHECK_MEM(v.otid, otid, 4);
	CHECK_INT(v.otid_u32, 0x01020304);
	CHECK_INT(v.has_dialogue, 1);
	CHECK_INT(v.dlg_pdu, SF_TCAP_DLG_AARQ);
	CHECK_INT(v.has_ac, 1);
	CHECK_INT(v.ac_oid.len, 7);
	CHECK(v.ac_oid.p == begin_mo + 33);
	CHECK_INT(v.ac_is_map, 1);
	CHECK_INT(v.map_ac, SF_MAP_AC_SHORT_MSG_MO_RELAY);
	CHECK_INT(v.map_ac_version, 3);
	CHECK_INT(v.has_pabort, 0);
	CHECK_INT(v.has_components, 1);
	CHECK_INT(v.n_components, 1);
	CHECK_INT(v.components.len, 0x26);

	tcap_comp_iter_init(&ci, &v);
	CHECK_INT(tcap_comp_next(&ci, &c), 1);
	CHECK_INT(c.type, SF_TCAP_INVOKE);
	CHECK_INT(c.has_invoke_id, 1);
	CHECK_INT(c.invoke_id, 1);
	CHECK_INT(c.has_linked_id, 0);
	CHECK_INT(c.has_opcode, 1);
	CHECK_INT(c.opcode_is_global, 0);
	CHECK_INT(c.opcode, SF_MAP_OP_MO_FORWARD_SM);
	CHECK_INT(c.has_param, 1);
	CHECK_INT(c.param.len, sizeof(mo_arg));
	CHECK_MEM(c.param.p, mo_arg, sizeof(mo_arg));
	CHECK_INT(tcap_comp_next(&ci, &c), 0);
	CHECK_INT(tcap_comp_next(&ci, &c), 0);
}

/* The long-message pattern: an empty Begin opens the dialogue, the peer
 * answers with a Continue (AARE), the Invoke comes in the next Continue. */
static const uint8_t begin_empty[] = {
	0x62, 0x26,			/* Begin */
	0x48, 0x04, 0x0a, 0x0b, 0x0c, 0x0d, /* otid 0a0b0c0d */
	DLG_AARQ_MO_V3,			/* no component portion */
};

static const uint8_t cont_aare[] = {
	0x65, 0x38,			/* Continue [APPLICATION 5] */
	0x48, 0x04, 0x51, 0x52, 0x53, 0x54, /* otid 51525354 */
	0x49, 0x04, 0x0a, 0x0b, 0x0c, 0x0d, /* dtid 0a0b0c0d */
	0x6b, 0x2a,			/* dialogue portion */
	0x28, 0x28,			/* EXTERNAL */
	DLG_AS_ID,
	0xa0, 0x1d,			/* single-ASN1-type */
	0x61, 0x1b,			/* AARE [APPLICATION 1] */
	0x80, 0x02, 0x07, 0x80,		/* protocol-version */
	0xa1, 0x09, 0x06, 0x07, 0x04, 0x00, 0x00, 0x01, 0x00, 0x15, 0x03, /* AC name */
	0xa2, 0x03, 0x02, 0x01, 0x00,	/* result: accepted */
	0xa3, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x00, /* result-source-diagnostic: user, null */
};

static const uint8_t cont_invoke[] = {
	0x65, 0x34,			/* Continue */
	0x48, 0x04, 0x0a, 0x0b, 0x0c, 0x0d, /* otid 0a0b0c0d */
	0x49, 0x04, 0x51, 0x52, 0x53, 0x54, /* dtid 51525354 */
	0x6c, 0x26,			/* component portion */
	INVOKE_MO_FSM,
};

static void test_long_message_pattern(void)
{
	struct tcap_view v;
	struct tcap_comp_iter ci;
	struct tcap_component c;

	CHECK_INT(tcap_decode(begin_empty, sizeof(begin_empty), &v), SF_OK);
	CHECK_INT(v.type, SF_TCAP_BEGIN);
	CHECK_INT(v.otid_u32, 0x0a0b0c0d);
	CHECK_INT(v.map_ac, 21);
	CHECK_INT(v.map_ac_version, 3);
	CHECK_INT(v.has_components, 0);
	CHECK_INT(v.n_components, 0);
	tcap_comp_iter_init(&ci, &v);
	CHECK_INT(tcap_comp_next(&ci, &c), 0);

	CHECK_INT(tcap_decode(cont_aare, sizeof(cont_aare), &v), SF_OK);
	CHECK_INT(v.type, SF_TCAP_CONTINUE);
	CHECK_INT(v.otid_u32, 0x51525354);
	CHECK_INT(v.dtid_u32, 0x0a0b0c0d);
	CHECK_INT(v.dlg_pdu, SF_TCAP_DLG_AARE);
	CHECK_INT(v.has_dlg_result, 1);
	CHECK_INT(v.dlg_result, 0);
	CHECK_INT(v.ac_is_map, 1);
	CHECK_INT(v.map_ac, 21);
	CHECK_INT(v.has_components, 0);

	CHECK_INT(tcap_decode(cont_invoke, sizeof(cont_invoke), &v), SF_OK);
	CHECK_INT(v.type, SF_TCAP_CONTINUE);
	CHECK_INT(v.has_dialogue, 0);
	CHECK_INT(v.has_ac, 0);
	CHECK_INT(v.otid_u32, 0x0a0b0c0d);
	CHECK_INT(v.dtid_u32, 0x51525354);
	tcap_comp_iter_init(&ci, &v);
	CHECK_INT(tcap_comp_next(&ci, &c), 1);
	CHECK_INT(c.type, SF_TCAP_INVOKE);
	CHECK_INT(c.opcode, 46);
	CHECK_INT(c.param.len, sizeof(mo_arg));
	CHECK_INT(tcap_comp_next(&ci, &c), 0);
}

static void test_end_return_result(void)
{
	static const uint8_t end_rrl[] = {
		0x64, 0x16,		/* End [APPLICATION 4] */
		0x49, 0x04, 0x51, 0x52, 0x53, 0x54, /* dtid */
		0x6c, 0x0e,		/* component portion */
		0xa2, 0x0c,		/* ReturnResultLast [2] */
		0x02, 0x01, 0x01,	/* invokeID 1 */
		0x30, 0x07,		/* resultretres SEQUENCE */
		0x02, 0x01, 0x2e,	/* opCode 46 */
		0x04, 0x02, 0xaa, 0xbb,	/* parameter */
	};
	static const uint8_t end_rrl_bare[] = {
		0x64, 0x0f,
		0x49, 0x04, 0x51, 0x52, 0x53, 0x54,
		0x6c, 0x07,
		0xa2, 0x03, 0x02, 0x01, 0x07,	/* ReturnResultLast, invokeID 7 only */
		0xa7, 0x00,		/* ReturnResultNotLast, empty */
	};
	struct tcap_view v;
	struct tcap_comp_iter ci;
	struct tcap_component c;

	CHECK_INT(tcap_decode(end_rrl, sizeof(end_rrl), &v), SF_OK);
	CHECK_INT(v.type, SF_TCAP_END);
	CHECK_INT(v.has_otid, 0);
	CHECK_INT(v.dtid_u32, 0x51525354);
	CHECK_INT(v.has_dialogue, 0);
	tcap_comp_iter_init(&ci, &v);
	CHECK_INT(tcap_comp_next(&ci, &c), 1);
	CHECK_INT(c.type, SF_TCAP_RETURN_RESULT_LAST);
	CHECK_INT(c.invoke_id, 1);
	CHECK_INT(c.has_opcode, 1);
	CHECK_INT(c.opcode, 46);
	CHECK_INT(c.has_param, 1);
	CHECK_INT(c.param.len, 4);
	CHECK(c.param.p == end_rrl + 20);
	CHECK_INT(tcap_comp_next(&ci, &c), 0);

	/* ReturnResultLast without a result, then a ReturnResultNotLast
	 * that lacks its invokeID */
	CHECK_INT(tcap_decode(end_rrl_bare, sizeof(end_rrl_bare), &v), SF_OK);
	CHECK_INT(v.n_components, 2);
	tcap_comp_iter_init(&ci, &v);
	CHECK_INT(tcap_comp_next(&ci, &c), 1);
	CHECK_INT(c.type, SF_TCAP_RETURN_RESULT_LAST);
	CHECK_INT(c.invoke_id, 7);
	CHECK_INT(c.has_opcode, 0);
	CHECK_INT(c.has_param, 0);
	CHECK_INT(tcap_comp_next(&ci, &c), SF_E_TCAP_MISSING_INVOKE_ID);
	CHECK_INT(tcap_comp_next(&ci, &c), 0);
}

static void test_return_error(void)
{
	static const uint8_t end_rerr[] = {
		0x64, 0x15,		/* End */
		0x49, 0x04, 0x01, 0x02, 0x03, 0x04, /* dtid */
		0x6c, 0x0d,
		0xa3, 0x0b,		/* ReturnError [3] */
		0x02, 0x01, 0x01,	/* invokeID 1 */
		0x02, 0x01, 0x20,	/* errorCode local 32 (sm-DeliveryFailure) */
		0x30, 0x03, 0x0a, 0x01, 0x05, /* parameter: cause 5 */
	};
	static const uint8_t param[] = { 0x30, 0x03, 0x0a, 0x01, 0x05 };
	struct tcap_view v;
	struct tcap_comp_iter ci;
	struct tcap_component c;

	CHECK_INT(tcap_decode(end_rerr, sizeof(end_rerr), &v), SF_OK);
	tcap_comp_iter_init(&ci, &v);
	CHECK_INT(tcap_comp_next(&ci, &c), 1);
	CHECK_INT(c.type, SF_TCAP_RETURN_ERROR);
	CHECK_INT(c.invoke_id, 1);
	CHECK_INT(c.has_error, 1);
	CHECK_INT(c.error_is_global, 0);
	CHECK_INT(c.error_code, 32);
	CHECK_INT(c.has_opcode, 0);
	CHECK_INT(c.has_param, 1);
	CHECK_INT(c.param.len, sizeof(param));
	CHECK_MEM(c.param.p, param, sizeof(param));
	CHECK_INT(tcap_comp_next(&ci, &c), 0);
}

static void test_reject(void)
{
	static const uint8_t cont_reject[] = {
		0x65, 0x18,		/* Continue */
		0x48, 0x01, 0xaa,	/* otid, 1 octet */
		0x49, 0x02, 0xbb, 0xcc,	/* dtid, 2 octets */
		0x6c, 0x0f,
		0xa4, 0x06,		/* Reject [4] */
		0x02, 0x01, 0x01,	/* invokeID 1 (derivable) */
		0x81, 0x01, 0x02,	/* invokeProblem [1]: mistypedParameter */
		0xa4, 0x05,		/* Reject */
		0x05, 0x00,		/* invokeID not derivable: NULL */
		0x80, 0x01, 0x00,	/* generalProblem [0]: unrecognizedComponent */
	};
	struct tcap_view v;
	struct tcap_comp_iter ci;
	struct tcap_component c;

	CHECK_INT(tcap_decode(cont_reject, sizeof(cont_reject), &v), SF_OK);
	CHECK_INT(v.otid_len, 1);
	CHECK_INT(v.otid_u32, 0xaa);
	CHECK_INT(v.dtid_len, 2);
	CHECK_INT(v.dtid_u32, 0xbbcc);
	CHECK_INT(v.n_components, 2);
	tcap_comp_iter_init(&ci, &v);
	CHECK_INT(tcap_comp_next(&ci, &c), 1);
	CHECK_INT(c.type, SF_TCAP_REJECT);
	CHECK_INT(c.has_invoke_id, 1);
	CHECK_INT(c.invoke_id, 1);
	CHECK_INT(c.has_problem, 1);
	CHECK_INT(c.problem_tag, 0x81);
	CHECK_INT(c.problem, 2);
	CHECK_INT(tcap_comp_next(&ci, &c), 1);
	CHECK_INT(c.type, SF_TCAP_REJECT);
	CHECK_INT(c.has_invoke_id, 0);
	CHECK_INT(c.problem_tag, 0x80);
	CHECK_INT(c.problem, 0);
	CHECK_INT(tcap_comp_next(&ci, &c), 0);
}

static void test_abort(void)
{
	static const uint8_t abort_p[] = {
		0x67, 0x08,		/* Abort [APPLICATION 7] */
		0x49, 0x03, 0x11, 0x22, 0x33, /* dtid, 3 octets */
		0x4a, 0x01, 0x01,	/* P-AbortCause: unrecognizedTransactionID */
	};
	static const uint8_t abort_u[] = {
		0x67, 0x19,		/* Abort */
		0x49, 0x01, 0x05,	/* dtid */
		0x6b, 0x14,		/* u-abortCause: dialogue portion */
		0x28, 0x12,		/* EXTERNAL */
		DLG_AS_ID,
		0xa0, 0x07,
		0x64, 0x05,		/* ABRT [APPLICATION 4] */
		0x80, 0x01, 0x01,	/* abort-source: dialogue-service-provider */
		0xbe, 0x00,		/* user-information [30], empty */
	};
	static const uint8_t abort_user[] = {
		0x67, 0x12,		/* Abort */
		0x49, 0x01, 0x05,	/* dtid */
		0x6b, 0x0d,		/* u-abortCause */
		0x28, 0x0b,		/* EXTERNAL in a user-defined abstract syntax */
		0x06, 0x04, 0x2a, 0x03, 0x04, 0x05, /* OID 1.2.3.4.5 */
		0x81, 0x03, 0x01, 0x02, 0x03, /* octet-aligned [1] */
	};
	struct tcap_view v;

	CHECK_INT(tcap_decode(abort_user, sizeof(abort_user), &v), SF_OK);
	CHECK_INT(v.has_dialogue, 1);
	CHECK_INT(v.dlg_pdu, 0);
	CHECK_INT(v.has_ac, 0);
	CHECK_INT(v.dtid_u32, 5);

	CHECK_INT(tcap_decode(abort_p, sizeof(abort_p), &v), SF_OK);
	CHECK_INT(v.type, SF_TCAP_ABORT);
	CHECK_INT(v.dtid_len, 3);
	CHECK_INT(v.dtid_u32, 0x112233);
	CHECK_INT(v.has_pabort, 1);
	CHECK_INT(v.pabort_cause, 1);
	CHECK_INT(v.has_dialogue, 0);
	CHECK_INT(v.has_components, 0);

	CHECK_INT(tcap_decode(abort_u, sizeof(abort_u), &v), SF_OK);
	CHECK_INT(v.has_pabort, 0);
	CHECK_INT(v.has_dialogue, 1);
	CHECK_INT(v.dlg_pdu, SF_TCAP_DLG_ABRT);
	CHECK_INT(v.has_abort_source, 1);
	CHECK_INT(v.abort_source, 1);
	CHECK_INT(v.has_ac, 0);
	CHECK_INT(v.has_user_info, 1);
	CHECK_INT(v.user_info.len, 0);
}

/* Begin entirely in indefinite-length form (X.690 §8.1.3.6), MAP v2 AC */
static const uint8_t begin_indef[] = {
	0x62, 0x80,			/* Begin, indefinite */
	0x48, 0x04, 0x00, 0x00, 0x00, 0x01, /* otid 1 */
	0x6b, 0x80,			/* dialogue portion, indefinite */
	0x28, 0x80,			/* EXTERNAL, indefinite */
	DLG_AS_ID,
	0xa0, 0x80,
	0x60, 0x80,			/* AARQ, indefinite */
	0x80, 0x02, 0x07, 0x80,
	0xa1, 0x80,			/* AC name, indefinite */
	0x06, 0x07, 0x04, 0x00, 0x00, 0x01, 0x00, 0x15, 0x02, /* 0.4.0.0.1.0.21.2 */
	0x00, 0x00,			/* end of AC name */
	0x00, 0x00,			/* end of AARQ */
	0x00, 0x00,			/* end of [0] */
	0x00, 0x00,			/* end of EXTERNAL */
	0x00, 0x00,			/* end of dialogue portion */
	0x6c, 0x80,			/* component portion, indefinite */
	0xa1, 0x80,			/* Invoke, indefinite */
	0x02, 0x01, 0x05,		/* invokeID 5 */
	0x02, 0x01, 0x2e,		/* opCode 46 */
	MO_FSM_ARG,
	0x00, 0x00,			/* end of Invoke */
	0x00, 0x00,			/* end of component portion */
	0x00, 0x00,			/* end of Begin */
};

static void test_indefinite(void)
{
	struct tcap_view v;
	struct tcap_comp_iter ci;
	struct tcap_component c;

	CHECK_INT(tcap_decode(begin_indef, sizeof(begin_indef), &v), SF_OK);
	CHECK_INT(v.type, SF_TCAP_BEGIN);
	CHECK_INT(v.otid_u32, 1);
	CHECK_INT(v.dlg_pdu, SF_TCAP_DLG_AARQ);
	CHECK_INT(v.map_ac, 21);
	CHECK_INT(v.map_ac_version, 2);
	CHECK_INT(v.n_components, 1);
	tcap_comp_iter_init(&ci, &v);
	CHECK_INT(tcap_comp_next(&ci, &c), 1);
	CHECK_INT(c.invoke_id, 5);
	CHECK_INT(c.opcode, 46);
	CHECK_INT(c.param.len, sizeof(mo_arg));
	CHECK_MEM(c.param.p, mo_arg, sizeof(mo_arg));
	CHECK_INT(tcap_comp_next(&ci, &c), 0);
	/* the last end-of-contents missing */
	CHECK_INT(tcap_decode(begin_indef, sizeof(begin_indef) - 2, &v), SF_E_BER_NO_EOC);
}

static void test_long_form_lengths(void)
{
	uint8_t m[300];
	size_t n = 0;
	struct tcap_view v;
	struct tcap_comp_iter ci;
	struct tcap_component c;

	/* End, 0x81 and 0x82 long-form lengths (X.690 §8.1.3.5) */
	static const uint8_t head[] = {
		0x64, 0x82, 0x00, 0xe2,	/* End, length 226 in two octets */
		0x49, 0x04, 0xfe, 0xdc, 0xba, 0x98, /* dtid */
		0x6c, 0x81, 0xd9,	/* component portion, 217 */
		0xa2, 0x81, 0xd6,	/* ReturnResultLast, 214 */
		0x02, 0x01, 0x7f,	/* invokeID 127 */
		0x30, 0x81, 0xd0,	/* SEQUENCE, 208 */
		0x02, 0x01, 0x2e,	/* opCode 46 */
		0x04, 0x81, 0xca,	/* parameter OCTET STRING, 202 */
	};
	memcpy(m, head, sizeof(head));
	n = sizeof(head);
	memset(m + n, 0x5a, 202);
	n += 202;
	CHECK_INT(tcap_decode(m, n, &v), SF_OK);
	CHECK_INT(v.dtid_u32, 0xfedcba98);
	tcap_comp_iter_init(&ci, &v);
	CHECK_INT(tcap_comp_next(&ci, &c), 1);
	CHECK_INT(c.invoke_id, 127);
	CHECK_INT(c.param.len, 3 + 202);
	CHECK(c.param.p == m + 25);
	/* 5-octet length-of-length */
	m[1] = 0x85;
	CHECK_INT(tcap_decode(m, n, &v), SF_E_BER_LEN_INVALID);
}

static void test_transaction_ids(void)
{
	static const uint8_t tid1[] = { 0x62, 0x03, 0x48, 0x01, 0x9a };
	static const uint8_t tid2[] = { 0x62, 0x04, 0x48, 0x02, 0x9a, 0xbc };
	static const uint8_t tid3[] = { 0x62, 0x05, 0x48, 0x03, 0x9a, 0xbc, 0xde };
	static const uint8_t tid4[] = { 0x62, 0x06, 0x48, 0x04, 0x9a, 0xbc, 0xde, 0xf0 };
	static const uint8_t tid0[] = { 0x62, 0x02, 0x48, 0x00 };
	static const uint8_t tid5[] = { 0x62, 0x07, 0x48, 0x05, 1, 2, 3, 4, 5 };
	static const uint8_t dtid0[] = { 0x64, 0x02, 0x49, 0x00 };
	struct tcap_view v;

	CHECK_INT(tcap_decode(tid1, sizeof(tid1), &v), SF_OK);
	CHECK_INT(v.otid_len, 1);
	CHECK_INT(v.otid_u32, 0x9a);
	CHECK_INT(tcap_decode(tid2, sizeof(tid2), &v), SF_OK);
	CHECK_INT(v.otid_len, 2);
	CHECK_INT(v.otid_u32, 0x9abc);
	CHECK_INT(tcap_decode(tid3, sizeof(tid3), &v), SF_OK);
	CHECK_INT(v.otid_len, 3);
	CHECK_INT(v.otid_u32, 0x9abcde);
	CHECK_INT(tcap_decode(tid4, sizeof(tid4), &v), SF_OK);
	CHECK_INT(v.otid_len, 4);
	CHECK_INT(v.otid_u32, 0x9abcdef0u);
	CHECK_INT(v.otid[3], 0xf0);
	CHECK_INT(tcap_decode(tid0, sizeof(tid0), &v), SF_E_TCAP_TID_LEN);
	CHECK_INT(tcap_decode(tid5, sizeof(tid5), &v), SF_E_TCAP_TID_LEN);
	CHECK_INT(tcap_decode(dtid0, sizeof(dtid0), &v), SF_E_TCAP_TID_LEN);
}

static void test_unidirectional(void)
{
	static const uint8_t uni[] = {
		0x61, 0x2a,		/* Unidirectional [APPLICATION 1] */
		0x6b, 0x1e,
		0x28, 0x1c,
		0x06, 0x07, 0x00, 0x11, 0x86, 0x05, 0x01, 0x02, 0x01, /* uniDialogue-as-id */
		0xa0, 0x11,
		0x60, 0x0f,		/* AUDT */
		0x80, 0x02, 0x07, 0x80,
		0xa1, 0x09, 0x06, 0x07, 0x04, 0x00, 0x00, 0x01, 0x00, 0x17, 0x02, /* shortMsgAlert v2 */
		0x6c, 0x08,
		0xa1, 0x06,		/* Invoke */
		0x02, 0x01, 0x00,	/* invokeID 0 */
		0x80, 0x01, 0xff,	/* linkedID -1 */
		/* no opCode: error below */
	};
	static const uint8_t uni_nocomp[] = { 0x61, 0x00 };
	struct tcap_view v;
	struct tcap_comp_iter ci;
	struct tcap_component c;

	CHECK_INT(tcap_decode(uni, sizeof(uni), &v), SF_OK);
	CHECK_INT(v.type, SF_TCAP_UNIDIRECTIONAL);
	CHECK_INT(v.has_otid + v.has_dtid, 0);
	CHECK_INT(v.dlg_pdu, TCAP_DLG_AUDT);
	CHECK_INT(v.dlg_unidirectional, 1);
	CHECK_INT(v.map_ac, SF_MAP_AC_SHORT_MSG_ALERT);
	tcap_comp_iter_init(&ci, &v);
	CHECK_INT(tcap_comp_next(&ci, &c), SF_E_TCAP_MISSING_OPCODE);
	CHECK_INT(tcap_comp_next(&ci, &c), 0);
	CHECK_INT(tcap_decode(uni_nocomp, sizeof(uni_nocomp), &v), SF_E_TCAP_MISSING_COMPONENTS);
}

/* MAP v1: no dialogue portion at all */
static void test_map_v1_no_dialogue(void)
{
	static const uint8_t begin_v1[] = {
		0x62, 0x10,
		0x48, 0x02, 0x00, 0x2a,	/* otid */
		0x6c, 0x0a,
		0xa1, 0x08,
		0x02, 0x01, 0x01,	/* invokeID 1 */
		0x02, 0x01, 0x2e,	/* forwardSM (46) */
		0x05, 0x00,		/* parameter: NULL */
	};
	struct tcap_view v;
	struct tcap_comp_iter ci;
	struct tcap_component c;

	CHECK_INT(tcap_decode(begin_v1, sizeof(begin_v1), &v), SF_OK);
	CHECK_INT(v.has_dialogue, 0);
	CHECK_INT(v.has_ac, 0);
	CHECK_INT(v.ac_is_map, 0);
	tcap_comp_iter_init(&ci, &v);
	CHECK_INT(tcap_comp_next(&ci, &c), 1);
	CHECK_INT(c.opcode, 46);
	CHECK_INT(c.param.len, 2);
}

static void test_structure_errors(void)
{
	uint8_t m[sizeof(begin_mo)];
	struct tcap_view v;
	static const uint8_t bad_type[] = { 0x63, 0x03, 0x48, 0x01, 0x01 };
	static const uint8_t unknown_el[] = { 0x62, 0x06, 0x48, 0x01, 0x01, 0x4b, 0x01, 0x00 };
	static const uint8_t otid_in_end[] = { 0x64, 0x06, 0x48, 0x01, 0x01, 0x49, 0x01, 0x02 };
	static const uint8_t dtid_first[] = { 0x65, 0x06, 0x49, 0x01, 0x01, 0x48, 0x01, 0x02 };
	static const uint8_t dup_otid[] = { 0x62, 0x06, 0x48, 0x01, 0x01, 0x48, 0x01, 0x02 };
	static const uint8_t begin_no_otid[] = { 0x62, 0x02, 0x6c, 0x00 };
	static const uint8_t end_no_dtid[] = { 0x64, 0x02, 0x6c, 0x00 };
	static const uint8_t cont_no_dtid[] = { 0x65, 0x03, 0x48, 0x01, 0x01 };
	static const uint8_t cont_no_otid[] = { 0x65, 0x03, 0x49, 0x01, 0x01 };
	static const uint8_t abort_no_dtid[] = { 0x67, 0x03, 0x4a, 0x01, 0x01 };
	static const uint8_t pabort_200[] = { 0x67, 0x07, 0x49, 0x01, 0x01, 0x4a, 0x02, 0x00, 0xc8 };
	static const uint8_t pabort_and_dlg[] = {
		0x67, 0x15, 0x49, 0x01, 0x01, 0x4a, 0x01, 0x01,
		0x6b, 0x0d, 0x28, 0x0b, DLG_AS_ID, 0xa0, 0x00,
	};
	static const uint8_t comp_in_abort[] = { 0x67, 0x05, 0x49, 0x01, 0x01, 0x6c, 0x00 };
	static const uint8_t unknown_comp[] = {
		0x62, 0x0a, 0x48, 0x01, 0x01,
		0x6c, 0x05, 0xa5, 0x03, 0x02, 0x01, 0x01, /* [5]: not a Q.773 component */
	};
	static const uint8_t otid_constructed[] = { 0x62, 0x05, 0x68, 0x03, 0x04, 0x01, 0x01 };

	/* every truncation of a valid Begin gives a named error */
	for (size_t n = 0; n < sizeof(begin_mo); n++)
		CHECK(tcap_decode(begin_mo, n, &v) < 0);
	CHECK_INT(tcap_decode(begin_mo, 1, &v), SF_E_TRUNCATED);
	CHECK_INT(tcap_decode(begin_mo, sizeof(begin_mo) - 1, &v), SF_E_TRUNCATED);
	memcpy(m, begin_mo, sizeof(begin_mo));
	m[1] = 0x40;			/* Begin shorter than its elements */
	CHECK_INT(tcap_decode(m, sizeof(m), &v), SF_E_TRUNCATED);

	CHECK_INT(tcap_decode(bad_type, sizeof(bad_type), &v), SF_E_TCAP_UNKNOWN_MSG_TYPE);
	CHECK_INT(tcap_decode(unknown_el, sizeof(unknown_el), &v), SF_E_TCAP_UNKNOWN_TAG);
	CHECK_INT(tcap_decode(otid_constructed, sizeof(otid_constructed), &v), SF_E_TCAP_UNKNOWN_TAG);
	CHECK_INT(tcap_decode(otid_in_end, sizeof(otid_in_end), &v), SF_E_TCAP_UNEXPECTED_ELEMENT);
	CHECK_INT(tcap_decode(dtid_first, sizeof(dtid_first), &v), SF_E_TCAP_ELEMENT_ORDER);
	CHECK_INT(tcap_decode(dup_otid, sizeof(dup_otid), &v), SF_E_TCAP_DUPLICATE_ELEMENT);
	CHECK_INT(tcap_decode(begin_no_otid, sizeof(begin_no_otid), &v), SF_E_TCAP_MISSING_OTID);
	CHECK_INT(tcap_decode(end_no_dtid, sizeof(end_no_dtid), &v), SF_E_TCAP_MISSING_DTID);
	CHECK_INT(tcap_decode(cont_no_dtid, sizeof(cont_no_dtid), &v), SF_E_TCAP_MISSING_DTID);
	CHECK_INT(tcap_decode(cont_no_otid, sizeof(cont_no_otid), &v), SF_E_TCAP_MISSING_OTID);
	CHECK_INT(tcap_decode(abort_no_dtid, sizeof(abort_no_dtid), &v), SF_E_TCAP_MISSING_DTID);
	CHECK_INT(tcap_decode(pabort_200, sizeof(pabort_200), &v), SF_E_TCAP_PABORT_INVALID);
	CHECK_INT(tcap_decode(pabort_and_dlg, sizeof(pabort_and_dlg), &v), SF_E_TCAP_UNEXPECTED_ELEMENT);
	CHECK_INT(tcap_decode(comp_in_abort, sizeof(comp_in_abort), &v), SF_E_TCAP_UNEXPECTED_ELEMENT);
	CHECK_INT(tcap_decode(unknown_comp, sizeof(unknown_comp), &v), SF_E_TCAP_UNKNOWN_COMPONENT);
	CHECK_STR(sf_err_name(SF_E_TCAP_UNKNOWN_TAG), "tcap.unknown_tag");
}

static void test_dialogue_errors(void)
{
	uint8_t m[sizeof(begin_mo)];
	struct tcap_view v;
	/* offsets inside begin_mo: 8 dialogue portion, 10 EXTERNAL, 12 OID,
	 * 21 [0], 23 AARQ, 25 protocol-version, 29 AC name [1], 31 OID tag */

	memcpy(m, begin_mo, sizeof(m));
	m[10] = 0x30;			/* SEQUENCE instead of EXTERNAL */
	CHECK_INT(tcap_decode(m, sizeof(m), &v), SF_E_TCAP_DIALOGUE_NOT_EXTERNAL);
	memcpy(m, begin_mo, sizeof(m));
	m[20] = 0x02;			/* 0.0.17.773.1.1.2: not dialogue-as-id */
	CHECK_INT(tcap_decode(m, sizeof(m), &v), SF_E_TCAP_DIALOGUE_OID);
	memcpy(m, begin_mo, sizeof(m));
	m[21] = 0xa1;			/* octet-aligned [1] encoding */
	CHECK_INT(tcap_decode(m, sizeof(m), &v), SF_E_TCAP_DIALOGUE_ENCODING);
	memcpy(m, begin_mo, sizeof(m));
	m[23] = 0x61;			/* AARE in a Begin */
	CHECK_INT(tcap_decode(m, sizeof(m), &v), SF_E_TCAP_DIALOGUE_PDU);
	memcpy(m, begin_mo, sizeof(m));
	m[29] = 0xa3;			/* AC name tagged [3]: an AARQ has no [3] */
	CHECK_INT(tcap_decode(m, sizeof(m), &v), SF_E_TCAP_DIALOGUE_FIELD);
	memcpy(m, begin_mo, sizeof(m));
	m[29] = 0xbe;			/* AC name replaced by user-information */
	CHECK_INT(tcap_decode(m, sizeof(m), &v), SF_E_TCAP_AC_MISSING);
	memcpy(m, begin_mo, sizeof(m));
	m[31] = 0x04;			/* AC name holding an OCTET STRING */
	CHECK_INT(tcap_decode(m, sizeof(m), &v), SF_E_TCAP_DIALOGUE_FIELD);
	memcpy(m, begin_mo, sizeof(m));
	m[29] = 0x80;			/* a second protocol-version [0] */
	CHECK_INT(tcap_decode(m, sizeof(m), &v), SF_E_TCAP_DIALOGUE_FIELD);
}

static void test_component_errors(void)
{
	struct tcap_view v;
	struct tcap_comp_iter ci;
	struct tcap_component c;
	/* component contents (after the component tag and length) */
	static const uint8_t c_id128[] = { 0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0x2e }; /* invokeID 128 */
	static const uint8_t c_id_only[] = { 0x02, 0x01, 0x01 };	/* invokeID 1, nothing else */
	static const uint8_t c_rr_octets[] = { 0x02, 0x01, 0x01, 0x04, 0x00 }; /* OCTET STRING, not SEQUENCE */
	static const uint8_t c_linked256[] = {
		0x02, 0x01, 0x01, 0x80, 0x02, 0x01, 0x00, 0x02, 0x01, 0x2e, /* linkedID 256 */
	};
	static const uint8_t c_id5[] = { 0x02, 0x05, 1, 2, 3, 4, 5, 0x02, 0x01, 0x2e }; /* 5-octet INTEGER */
	static const uint8_t c_rr_noop[] = { 0x02, 0x01, 0x01, 0x30, 0x02, 0x04, 0x00 };
	static const uint8_t c_rr_extra[] = {
		0x02, 0x01, 0x01, 0x30, 0x07, 0x02, 0x01, 0x2e, 0x05, 0x00, 0x05, 0x00,
	};
	static const uint8_t c_rej_extra[] = { 0x02, 0x01, 0x01, 0x80, 0x01, 0x00, 0x05, 0x00 };
	static const uint8_t extra[] = {
		0x62, 0x11, 0x48, 0x01, 0x01,
		0x6c, 0x0c,
		0xa1, 0x0a, 0x02, 0x01, 0x01, 0x02, 0x01, 0x2e,
		0x05, 0x00, 0x05, 0x00,	/* two parameters */
	};
	static const uint8_t global_op[] = {
		0x62, 0x12, 0x48, 0x01, 0x01,
		0x6c, 0x0d,
		0xa1, 0x0b, 0x02, 0x01, 0xff,	/* invokeID -1 */
		0x06, 0x06, 0x04, 0x00, 0x00, 0x01, 0x00, 0x2e, /* opcode globalValue */
	};

	CHECK_INT(tcap_decode(extra, sizeof(extra), &v), SF_OK);
	CHECK_INT(v.n_components, 1);
	tcap_comp_iter_init(&ci, &v);
	CHECK_INT(tcap_comp_next(&ci, &c), SF_E_TCAP_COMPONENT_EXTRA);
	CHECK_INT(tcap_comp_next(&ci, &c), 0);

#define COMP(tag, a) tcap_component_decode(tag, sf_bytes_make(a, sizeof(a)), &c)
	CHECK_INT(COMP(0xa1, c_id128), SF_E_TCAP_INVOKE_ID_RANGE);
	CHECK_INT(COMP(0xa1, c_linked256), SF_E_TCAP_INVOKE_ID_RANGE);
	CHECK_INT(COMP(0xa1, c_id5), SF_E_BER_INT_INVALID);
	CHECK_INT(COMP(0xa1, c_id_only), SF_E_TCAP_MISSING_OPCODE);
	CHECK_INT(COMP(0xa3, c_id_only), SF_E_TCAP_MISSING_ERROR_CODE);
	CHECK_INT(COMP(0xa4, c_id_only), SF_E_TCAP_MISSING_PROBLEM);
	CHECK_INT(COMP(0xa2, c_id_only), SF_OK);
	CHECK_INT(COMP(0xa2, c_rr_octets), SF_E_TCAP_COMPONENT_TAG);
	CHECK_INT(COMP(0xa5, c_rr_octets), SF_E_TCAP_UNKNOWN_COMPONENT);
	CHECK_INT(COMP(0xa7, c_rr_noop), SF_E_TCAP_MISSING_OPCODE);
	CHECK_INT(COMP(0xa2, c_rr_extra), SF_E_TCAP_COMPONENT_EXTRA);
	CHECK_INT(COMP(0xa4, c_rej_extra), SF_E_TCAP_COMPONENT_EXTRA);
	CHECK_INT(tcap_component_decode(0xa1, sf_bytes_make(NULL, 0), &c), SF_E_TCAP_MISSING_INVOKE_ID);
#undef COMP

	CHECK_INT(tcap_decode(global_op, sizeof(global_op), &v), SF_OK);
	tcap_comp_iter_init(&ci, &v);
	CHECK_INT(tcap_comp_next(&ci, &c), 1);
	CHECK_INT(c.invoke_id, -1);
	CHECK_INT(c.opcode_is_global, 1);
	CHECK_INT(c.opcode_oid.len, 6);
	CHECK_INT(c.has_param, 0);
}

/* X.690 §8.1.3.6 nesting: BER_MAX_DEPTH (16) indefinite levels inside the
 * message are read, one more is SF_E_DEPTH. */
static void test_depth(void)
{
	uint8_t m[256];
	struct tcap_view v;

	for (int levels = 16; levels <= 17; levels++) {
		size_t n = 0;
		int inner = levels - 3;	/* Begin, component portion, Invoke */

		m[n++] = 0x62; m[n++] = 0x80;
		m[n++] = 0x48; m[n++] = 0x01; m[n++] = 0x01;
		m[n++] = 0x6c; m[n++] = 0x80;
		m[n++] = 0xa1; m[n++] = 0x80;
		m[n++] = 0x02; m[n++] = 0x01; m[n++] = 0x01;
		m[n++] = 0x02; m[n++] = 0x01; m[n++] = 0x2e;
		for (int i = 0; i < inner; i++) {
			m[n++] = 0x30; m[n++] = 0x80;	/* nested SEQUENCE, indefinite */
		}
		m[n++] = 0x05; m[n++] = 0x00;
		for (int i = 0; i < levels; i++) {
			m[n++] = 0x00; m[n++] = 0x00;
		}
		CHECK_INT(tcap_decode(m, n, &v), levels <= BER_MAX_DEPTH ? SF_OK : SF_E_DEPTH);
	}
}

/* The dialogue-portion memo changes nothing but the work: for the valid
 * messages above, decoded again from other buffers (the remembered
 * offsets must land in the new copy), for the AARQ in a Continue and the
 * AARE in a Begin (same octets, other type: an error either way), and
 * for 10,000 random mutations of their dialogue portions among 10,000
 * unchanged copies, tcap_decode_memo
 * with one memo throughout gives tcap_decode's result and view. */
static void test_dialogue_memo(void)
{
	static const struct { const uint8_t *p; size_t len; } base[] = {
		{ begin_mo, sizeof(begin_mo) }, { begin_empty, sizeof(begin_empty) },
		{ cont_aare, sizeof(cont_aare) },
	};
	static struct tcap_memo memo;
	uint64_t x = 0x853C49E6748FEA9Bull;
	unsigned wrong = 0;
	uint8_t buf[2][128];
	struct tcap_view a, b;

	for (int round = 0; round < 20000 + 64; round++) {
		size_t k = (size_t)round % 3, len = base[k].len;
		uint8_t *m = buf[round & 1];
		enum sf_err ea, eb;

		memcpy(m, base[k].p, len);
		if (round >= 64 && (round & 2)) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* one to three octets of the message changed, most in the portion */
			for (unsigned n = 0; n <= (x >> 60) % 3; n++)
				m[(x >> (8 * n)) % 4 ? 8 + (x >> (16 + 8 * n)) % (len - 8)
						      : (x >> (16 + 8 * n)) % len] ^= (uint8_t)(1u << ((x >> (40 + 3 * n)) & 7));
		} else if (round % 8 == 7) {
			m[0] = k == 2 ? 0x62 : 0x65;	/* Begin with an AARE, Continue with an AARQ */
		}
		/* compared whole: the component entries past n_comp_seen are
		 * not the decoder's to set */
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		ea = tcap_decode(m, len, &a);
		eb = tcap_decode_memo(m, len, &b, &memo);
		if (ea != eb || (ea == SF_OK && memcmp(&a, &b, sizeof(a))))
			wrong++;
	}
	CHECK_INT(wrong, 0);
	CHECK(memo.hits > 10000);
	CHECK_INT(tcap_decode_memo(cont_aare, sizeof(cont_aare), &b, &memo), SF_OK);
	CHECK(b.ac_oid.p == cont_aare + 39);
	CHECK_INT(b.map_ac, 21);
	CHECK_INT(b.dlg_result, 0);
	CHECK_INT(b.has_dlg_result, 1);
}

int main(void)
{
	RUN(test_begin_mo_forward_sm);
	RUN(test_long_message_pattern);
	RUN(test_end_return_result);
	RUN(test_return_error);
	RUN(test_reject);
	RUN(test_abort);
	RUN(test_indefinite);
	RUN(test_long_form_lengths);
	RUN(test_transaction_ids);
	RUN(test_unidirectional);
	RUN(test_map_v1_no_dialogue);
	RUN(test_structure_errors);
	RUN(test_dialogue_errors);
	RUN(test_dialogue_memo);
	RUN(test_component_errors);
	RUN(test_depth);
	return TEST_SUMMARY();
}
