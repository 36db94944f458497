/* SPDX-License-Identifier: BSD-3-Clause */
/* Protocol numbers shared by the decoders and the traffic generator, each
 * with the clause that defines it. Layouts are not here: decoders read
 * fields by offset, encoders write them the same way. */
#ifndef SF_WIRE_H
#define SF_WIRE_H

/* ---- Ethernet / IP (IEEE 802.1Q, RFC 791, RFC 8200) ---- */
#define SF_ETH_HDR_LEN		14
#define SF_ETHERTYPE_IPV4	0x0800
#define SF_ETHERTYPE_IPV6	0x86DD
#define SF_ETHERTYPE_VLAN	0x8100	/* 802.1Q C-tag */
#define SF_ETHERTYPE_QINQ	0x88A8	/* 802.1ad S-tag */
#define SF_ETHERTYPE_QINQ_OLD	0x9100	/* pre-standard QinQ */
#define SF_IPPROTO_HOPOPTS	0
#define SF_IPPROTO_ROUTING	43
#define SF_IPPROTO_FRAGMENT	44
#define SF_IPPROTO_ESP		50
#define SF_IPPROTO_AH		51
#define SF_IPPROTO_NONE		59
#define SF_IPPROTO_DSTOPTS	60
#define SF_IPPROTO_SCTP		132
/* pcap link types (tcpdump.org LINKTYPE_*) */
#define SF_DLT_EN10MB		1
#define SF_DLT_RAW		101
#define SF_DLT_LINUX_SLL	113
#define SF_DLT_IPV4		228
#define SF_DLT_IPV6		229
#define SF_DLT_LINUX_SLL2	276

/* ---- SCTP (RFC 9260 §3) ---- */
#define SF_SCTP_COMMON_HDR_LEN	12
#define SF_SCTP_CHUNK_HDR_LEN	4
#define SF_SCTP_DATA_HDR_LEN	16	/* chunk header + TSN, SID, SSN, PPID */
#define SF_SCTP_DATA		0
#define SF_SCTP_INIT		1
#define SF_SCTP_INIT_ACK	2
#define SF_SCTP_SACK		3
#define SF_SCTP_HEARTBEAT	4
#define SF_SCTP_HEARTBEAT_ACK	5
#define SF_SCTP_ABORT		6
#define SF_SCTP_SHUTDOWN	7
#define SF_SCTP_SHUTDOWN_ACK	8
#define SF_SCTP_ERROR		9
#define SF_SCTP_COOKIE_ECHO	10
#define SF_SCTP_COOKIE_ACK	11
#define SF_SCTP_SHUTDOWN_COMPLETE 14
#define SF_SCTP_I_DATA		64	/* RFC 8260 */
#define SF_SCTP_FORWARD_TSN	192	/* RFC 3758 */
#define SF_SCTP_I_FORWARD_TSN	194	/* RFC 8260 §2.3.1 */
#define SF_SCTP_ASCONF		193	/* RFC 5061 §4.1.1 (0xC1) */
#define SF_SCTP_ASCONF_ACK	128	/* RFC 5061 §4.1.2 (0x80) */
#define SF_SCTP_IDATA_HDR_LEN	20	/* RFC 8260 §2.1: header + TSN, SID, res, MID, PPID/FSN */
#define SF_SCTP_DATA_FLAG_E	0x01	/* ending fragment */
#define SF_SCTP_DATA_FLAG_B	0x02	/* beginning fragment */
#define SF_SCTP_DATA_FLAG_U	0x04	/* unordered */
#define SF_SCTP_DATA_FLAG_I	0x08	/* RFC 7053 immediate SACK */
#define SF_SCTP_PPID_M3UA	3	/* RFC 4666 §1.4.7 */

/* ---- M3UA (RFC 4666 §3) ---- */
#define SF_M3UA_VERSION		1
#define SF_M3UA_COMMON_HDR_LEN	8
#define SF_M3UA_CLASS_MGMT	0
#define SF_M3UA_CLASS_XFER	1
#define SF_M3UA_CLASS_SSNM	2
#define SF_M3UA_CLASS_ASPSM	3
#define SF_M3UA_CLASS_ASPTM	4
#define SF_M3UA_CLASS_RKM	9
#define SF_M3UA_XFER_DATA	1
#define SF_M3UA_ASPSM_ASPUP	1
#define SF_M3UA_ASPSM_ASPDN	2
#define SF_M3UA_ASPSM_BEAT	3
#define SF_M3UA_ASPSM_ASPUP_ACK	4
#define SF_M3UA_ASPSM_ASPDN_ACK	5
#define SF_M3UA_ASPSM_BEAT_ACK	6
#define SF_M3UA_ASPTM_ASPAC	1
#define SF_M3UA_ASPTM_ASPIA	2
#define SF_M3UA_ASPTM_ASPAC_ACK	3
#define SF_M3UA_ASPTM_ASPIA_ACK	4
#define SF_M3UA_TAG_NETWORK_APPEARANCE 0x0200
#define SF_M3UA_TAG_ROUTING_CONTEXT 0x0006
#define SF_M3UA_TAG_CORRELATION_ID 0x0013
#define SF_M3UA_TAG_PROTOCOL_DATA 0x0210
#define SF_M3UA_PD_FIXED_LEN	12	/* OPC, DPC, SI, NI, MP, SLS */
#define SF_MTP3_SI_SCCP		3	/* Q.704 §14.2.1 */
#define SF_MTP3_SI_ISUP		5

/* ---- SCCP (Q.713 §4) ---- */
#define SF_SCCP_UDT		0x09
#define SF_SCCP_UDTS		0x0A
#define SF_SCCP_XUDT		0x11
#define SF_SCCP_XUDTS		0x12
#define SF_SCCP_LUDT		0x13
#define SF_SCCP_LUDTS		0x14
#define SF_SCCP_OPT_END		0x00	/* Q.713 §3.1 end of optional parameters */
#define SF_SCCP_OPT_SEGMENTATION 0x10	/* Q.713 §3.17 */
#define SF_SCCP_OPT_IMPORTANCE	0x12
#define SF_SCCP_SSN_HLR		6
#define SF_SCCP_SSN_VLR		7
#define SF_SCCP_SSN_MSC		8
#define SF_SCCP_SSN_GMLC	145
#define SF_SCCP_SSN_SGSN	149
/* Address indicator (Q.713 §3.4.1, ITU format) */
#define SF_SCCP_AI_PC		0x01
#define SF_SCCP_AI_SSN		0x02
#define SF_SCCP_AI_GTI_SHIFT	2
#define SF_SCCP_AI_GTI_MASK	0x3C
#define SF_SCCP_AI_ROUTE_SSN	0x40
#define SF_SCCP_NP_E164		1
#define SF_SCCP_NP_E212		6
#define SF_SCCP_NP_E214		7
#define SF_SCCP_ES_BCD_ODD	1
#define SF_SCCP_ES_BCD_EVEN	2
#define SF_SCCP_NAI_INTERNATIONAL 4

/* ---- TCAP (Q.773 §4) ---- */
#define SF_TCAP_UNIDIRECTIONAL	0x61
#define SF_TCAP_BEGIN		0x62
#define SF_TCAP_END		0x64
#define SF_TCAP_CONTINUE	0x65
#define SF_TCAP_ABORT		0x67
#define SF_TCAP_OTID		0x48
#define SF_TCAP_DTID		0x49
#define SF_TCAP_PABORT_CAUSE	0x4A
#define SF_TCAP_DIALOGUE_PORTION 0x6B
#define SF_TCAP_COMPONENT_PORTION 0x6C
#define SF_TCAP_INVOKE		0xA1
#define SF_TCAP_RETURN_RESULT_LAST 0xA2
#define SF_TCAP_RETURN_ERROR	0xA3
#define SF_TCAP_REJECT		0xA4
#define SF_TCAP_RETURN_RESULT_NOT_LAST 0xA7
#define SF_TCAP_INVOKE_ID	0x02
#define SF_TCAP_LINKED_ID	0x80
#define SF_TCAP_LOCAL_OPCODE	0x02
#define SF_TCAP_GLOBAL_OPCODE	0x06
/* Dialogue PDUs (Q.773 §4.2.3, in the EXTERNAL's single-ASN1-type [0]) */
#define SF_TCAP_DLG_AARQ	0x60
#define SF_TCAP_DLG_AARE	0x61
#define SF_TCAP_DLG_ABRT	0x64
#define SF_TCAP_DLG_AC_NAME	0xA1	/* application-context-name [1] */
#define SF_BER_EXTERNAL		0x28
#define SF_BER_OID		0x06
#define SF_BER_SEQUENCE		0x30
#define SF_BER_INTEGER		0x02
#define SF_BER_OCTET_STRING	0x04

/* ---- GSM MAP (3GPP TS 29.002 §17) ---- */
#define SF_MAP_OP_SRI_SM		45
#define SF_MAP_OP_MO_FORWARD_SM		46	/* v3; v1/v2 forwardSM */
#define SF_MAP_OP_MT_FORWARD_SM		44
#define SF_MAP_OP_REPORT_SM_DELIVERY	47
#define SF_MAP_OP_ALERT_SC		64
#define SF_MAP_OP_INFORM_SC		63
/* Application contexts: 0.4.0.0.1.0.<ac>.<version>, BER OID
 * 04 00 00 01 00 <ac> <version> */
#define SF_MAP_AC_SHORT_MSG_GATEWAY	20	/* shortMsgGatewayContext (SRI-SM, report) */
#define SF_MAP_AC_SHORT_MSG_MO_RELAY	21	/* shortMsgMO-RelayContext; v1/v2 shortMsgRelayContext */
#define SF_MAP_AC_SHORT_MSG_ALERT	23	/* shortMsgAlertContext */
#define SF_MAP_AC_SHORT_MSG_MT_RELAY	25	/* shortMsgMT-RelayContext */
/* SM-RP-DA choice tags (§7.6.8.1): imsi [0], lmsi [1], serviceCentreAddressDA [4], noSM-RP-DA [5] */
#define SF_MAP_SM_RP_DA_IMSI		0x80
#define SF_MAP_SM_RP_DA_LMSI		0x81
#define SF_MAP_SM_RP_DA_SCA		0x84
#define SF_MAP_SM_RP_DA_NONE		0x85
/* SM-RP-OA choice tags (§7.6.8.2): msisdn [2], serviceCentreAddressOA [4], noSM-RP-OA [5] */
#define SF_MAP_SM_RP_OA_MSISDN		0x82
#define SF_MAP_SM_RP_OA_SCA		0x84
#define SF_MAP_SM_RP_OA_NONE		0x85

/* ---- SMS TPDU (3GPP TS 23.040 §9.2) ---- */
#define SF_TP_MTI_DELIVER	0	/* SC→MS */
#define SF_TP_MTI_SUBMIT	1	/* MS→SC */
#define SF_TP_MTI_STATUS_REPORT	2	/* SC→MS */
#define SF_TP_MTI_COMMAND	2	/* MS→SC */
#define SF_TP_MMS		0x04	/* DELIVER: more messages to send (inverted) */
#define SF_TP_RD		0x04	/* SUBMIT: reject duplicates */
#define SF_TP_VPF_SHIFT		3
#define SF_TP_SRR		0x20
#define SF_TP_UDHI		0x40
#define SF_TP_RP		0x80
#define SF_TP_TON_ALNUM		5	/* type of number: alphanumeric, GSM 7-bit */
#define SF_TP_TON_INTERNATIONAL	1
#define SF_TP_TON_NATIONAL	2
/* UDH information elements (§9.2.3.24) */
#define SF_UDH_CONCAT8		0x00
#define SF_UDH_PORT8		0x04
#define SF_UDH_PORT16		0x05
#define SF_UDH_CONCAT16		0x08
#define SF_UDH_NL_SINGLE_SHIFT	0x24
#define SF_UDH_NL_LOCKING_SHIFT	0x25
/* National language identifiers (TS 23.038 §6.2.1.2.4) */
#define SF_NL_TURKISH		1
#define SF_NL_SPANISH		2
#define SF_NL_PORTUGUESE	3
#define SF_NL_BENGALI		4
#define SF_NL_GUJARATI		5
#define SF_NL_HINDI		6
#define SF_NL_KANNADA		7
#define SF_NL_MALAYALAM		8
#define SF_NL_ORIYA		9
#define SF_NL_PUNJABI		10
#define SF_NL_TAMIL		11
#define SF_NL_TELUGU		12
#define SF_NL_URDU		13

#endif
