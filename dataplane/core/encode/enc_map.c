/* SPDX-License-Identifier: BSD-3-Clause */
/* MAP argument and result encoders for the short message service (3GPP TS
 * 29.002 §12 and the ASN.1 of §17.7): the inverse of decode/map.c. */
#include "encode/enc.h"

void map_enc_address(struct gbuf *b, uint8_t tag, uint8_t toa, const char *digits)
{
	uint8_t v[1 + 20];	/* §17.7.8: at most 20 octets */
	size_t n;

	/* §17.7.8 AddressString: octet 1 = extension | nature of address |
	 * numbering plan; then TBCD digits */
	v[0] = toa;
	n = enc_tbcd(digits, v + 1, sizeof(v) - 1);
	ber_put(b, tag, v, 1 + n);
}

static void put_imsi(struct gbuf *b, uint8_t tag, const char *imsi)
{
	uint8_t v[8];
	size_t n = enc_tbcd(imsi, v, sizeof(v));	/* §17.7.8 IMSI: TBCD (SIZE (3..8)) */

	ber_put(b, tag, v, n);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

void map_enc_forward_sm(struct gbuf *b, const struct map_sm_arg *a)
{
	size_t s = ber_open(b, SF_BER_SEQUENCE);

	/* §17.7.6 SM-RP-DA ::= CHOICE { imsi [0], lmsi [1],
	 * serviceCentreAddressDA [4], noSM-RP-DA [5] } */
	switch (a->da_tag) {
	case SF_MAP_SM_RP_DA_IMSI:
		put_imsi(b, a->da_tag, a->da);
		break;
	case SF_MAP_SM_RP_DA_LMSI: {
		uint8_t l[4];	/* LMSI ::= OCTET STRING (SIZE (4)) */

		for (int i = 0; i < 4; i++)
			l[i] = (uint8_t)(hexval(a->da[2 * i]) << 4 | hexval(a->da[2 * i + 1]));
		ber_put(b, a->da_tag, l, 4);
		break;
	}
	case SF_MAP_SM_RP_DA_SCA:
		map_enc_address(b, a->da_tag, MAP_TOA_INTL_E164, a->da);
		break;
	default:
		ber_put(b, SF_MAP_SM_RP_DA_NONE, NULL, 0);
		break;
	}
	/* SM-RP-OA ::= CHOICE { msisdn [2], serviceCentreAddressOA [4], noSM-RP-OA [5] } */
	if (a->oa_tag == SF_MAP_SM_RP_OA_NONE)
		ber_put(b, a->oa_tag, NULL, 0);
	else
		map_enc_address(b, a->oa_tag, MAP_TOA_INTL_E164, a->oa);
	/* sm-RP-UI SignalInfo ::= OCTET STRING */
	ber_put(b, SF_BER_OCTET_STRING, a->ui, a->ui_len);
	/* moreMessagesToSend NULL OPTIONAL (MT-ForwardSM-Arg, ForwardSM-Arg) */
	if (a->more_msgs)
		ber_put(b, 0x05, NULL, 0);
	ber_close(b, s);
}

void map_enc_sri_sm_arg(struct gbuf *b, const char *msisdn, const char *sca)
{
	size_t s = ber_open(b, SF_BER_SEQUENCE);
	uint8_t pri = 0xFF;

	/* §17.7.6 RoutingInfoForSM-Arg ::= SEQUENCE { msisdn [0],
	 * sm-RP-PRI [1] BOOLEAN, serviceCentreAddress [2], ... } */
	map_enc_address(b, 0x80, MAP_TOA_INTL_E164, msisdn);
	ber_put(b, 0x81, &pri, 1);
	map_enc_address(b, 0x82, MAP_TOA_INTL_E164, sca);
	ber_close(b, s);
}

void map_enc_sri_sm_res(struct gbuf *b, const char *imsi, const char *msc_gt,
			const uint8_t *lmsi)
{
	size_t s = ber_open(b, SF_BER_SEQUENCE), li;

	/* RoutingInfoForSM-Res ::= SEQUENCE { imsi IMSI,
	 * locationInfoWithLMSI [0] LocationInfoWithLMSI, ... } */
	put_imsi(b, SF_BER_OCTET_STRING, imsi);
	li = ber_open(b, 0xA0);
	/* LocationInfoWithLMSI ::= SEQUENCE { networkNode-Number [1]
	 * ISDN-AddressString, lmsi LMSI OPTIONAL, ... } */
	map_enc_address(b, 0x81, MAP_TOA_INTL_E164, msc_gt);
	if (lmsi)
		ber_put(b, SF_BER_OCTET_STRING, lmsi, 4);
	ber_close(b, li);
	ber_close(b, s);
}

void map_enc_delivery_failure(struct gbuf *b, int cause)
{
	size_t s = ber_open(b, SF_BER_SEQUENCE);
	uint8_t c = (uint8_t)cause;

	/* SM-DeliveryFailureCause ::= SEQUENCE { sm-EnumeratedDeliveryFailureCause
	 * ENUMERATED { memoryCapacityExceeded (0), ... }, ... } */
	ber_put(b, 0x0A, &c, 1);
	ber_close(b, s);
}
