/* SPDX-License-Identifier: BSD-3-Clause */
/* SMS-SUBMIT and SMS-DELIVER encoder (3GPP TS 23.040 §9.2.2.1, §9.2.2.2)
 * with the user data header of §9.2.3.24 and GSM 7-bit packing with fill
 * bits (TS 23.038 §6.1.2.1.1): the inverse of decode/tpdu.c. */
#include "encode/enc.h"
#include "text/gsm7.h"

size_t udh_concat(uint8_t *out, int ref16, unsigned ref, unsigned total, unsigned seq)
{
	if (ref16) {
		/* §9.2.3.24.8: IE 0x08, length 4, reference (16 bit), total, sequence */
		out[0] = SF_UDH_CONCAT16;
		out[1] = 4;
		sf_wr16(out + 2, (uint16_t)ref);
		out[4] = (uint8_t)total;
		out[5] = (uint8_t)seq;
		return 6;
	}
	/* §9.2.3.24.1: IE 0x00, length 3, reference (8 bit), total, sequence */
	out[0] = SF_UDH_CONCAT8;
	out[1] = 3;
	out[2] = (uint8_t)ref;
	out[3] = (uint8_t)total;
	out[4] = (uint8_t)seq;
	return 5;
}

size_t udh_ports16(uint8_t *out, uint16_t dst, uint16_t src)
{
	/* §9.2.3.24.4: IE 0x05, length 4, destination port, originator port */
	out[0] = SF_UDH_PORT16;
	out[1] = 4;
	sf_wr16(out + 2, dst);
	sf_wr16(out + 4, src);
	return 6;
}

/* §9.1.2.5 address fields: length, type of address, semi-octets. */
static int put_address(struct gbuf *b, const struct tpdu_in *t)
{
	if (t->addr_alnum) {
		uint8_t sept[16], packed[16];
		int n = gsm7_from_utf8(t->addr, strlen(t->addr), sept, sizeof(sept));
		int m;

		/* §9.1.2.5: alphanumeric (TON 101) in GSM 7-bit, at most 11 characters */
		if (n < 0 || n > 11)
			return -1;
		m = gsm7_pack(sept, (size_t)n, 0, packed, sizeof(packed));
		if (m < 0)
			return -1;
		gb_u8(b, (uint8_t)((n * 7 + 3) / 4));	/* length in useful semi-octets */
		gb_u8(b, (uint8_t)(0x80 | (SF_TP_TON_ALNUM << 4)));	/* 0xD0, NPI 0 */
		gb_put(b, packed, (size_t)m);
		return 0;
	} else {
		uint8_t v[12];
		size_t nd = strlen(t->addr), no = enc_tbcd(t->addr, v, sizeof(v));

		/* §9.1.2.5: length = number of useful semi-octets (digits) */
		if (!no || nd > 20)
			return -1;
		gb_u8(b, (uint8_t)nd);
		gb_u8(b, t->addr_toa);
		gb_put(b, v, no);
		return 0;
	}
}

static uint8_t bcd_swapped(unsigned v)
{
	/* §9.2.3.11: semi-octets, the units digit in the high nibble */
	return (uint8_t)(((v % 10) << 4) | (v / 10 % 10));
}

/* Days since 1970-01-01 to y/m/d (proleptic Gregorian; H. Hinnant). */
static void civil_from_days(int64_t z, unsigned *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (unsigned)(yoe + era * 400) + (*m <= 2);
}

static void put_scts(struct gbuf *b, uint64_t unix_s, int tzq)
{
	int64_t local = (int64_t)unix_s + (int64_t)tzq * 15 * 60;
	int64_t days = local / 86400, sec = local % 86400;
	unsigned y, mo, d, atz = (unsigned)(tzq < 0 ? -tzq : tzq);
	uint8_t *o = gb_reserve(b, 7);

	if (!o)
		return;
	civil_from_days(days, &y, &mo, &d);
	o[0] = bcd_swapped(y % 100);
	o[1] = bcd_swapped(mo);
	o[2] = bcd_swapped(d);
	o[3] = bcd_swapped((unsigned)(sec / 3600));
	o[4] = bcd_swapped((unsigned)(sec / 60 % 60));
	o[5] = bcd_swapped((unsigned)(sec % 60));
	/* §9.2.3.11: time zone in quarter hours, bit 3 of the octet = sign */
	o[6] = (uint8_t)(bcd_swapped(atz) | (tzq < 0 ? 0x08 : 0));
}

int tpdu_encode(uint8_t *out, size_t cap, const struct tpdu_in *t)
{
	struct gbuf b;
	uint8_t fo;
	size_t udh_total = t->udh_len ? 1 + t->udh_len : 0;

	gb_init(&b, out, cap);
	if (t->mti == SF_TP_MTI_SUBMIT) {
		/* §9.2.2.2 SMS-SUBMIT: MTI 01, VPF relative (10), SRR, UDHI */
		fo = SF_TP_MTI_SUBMIT | (2 << SF_TP_VPF_SHIFT);
		if (t->srr)
			fo |= SF_TP_SRR;
	} else {
		/* §9.2.2.1 SMS-DELIVER: MTI 00, MMS set = no more messages, SRI */
		fo = SF_TP_MTI_DELIVER | SF_TP_MMS;
		if (t->srr)
			fo |= SF_TP_SRR;	/* TP-SRI has the same bit position */
	}
	if (udh_total)
		fo |= SF_TP_UDHI;
	gb_u8(&b, fo);
	if (t->mti == SF_TP_MTI_SUBMIT)
		gb_u8(&b, t->mr);	/* TP-MR */
	if (put_address(&b, t) < 0)
		return -1;
	gb_u8(&b, t->pid);
	gb_u8(&b, t->dcs);
	if (t->mti == SF_TP_MTI_SUBMIT)
		gb_u8(&b, 0xA7);	/* §9.2.3.12.1 TP-VP relative: 167 = 24 hours */
	else
		put_scts(&b, t->scts_unix, t->tz_quarters);

	if (t->ud_septets) {
		/* §9.2.3.16: UDL counts septets, the UDH rounded up to whole
		 * septets; TS 23.038 §6.1.2.1.1 fill bits after the UDH */
		unsigned fill = udh_total ? (unsigned)((7 - (udh_total * 8) % 7) % 7) : 0;
		size_t udh_sept = (udh_total * 8 + fill) / 7;
		int m;
		uint8_t *udl;

		if (udh_sept + t->ud_len > 160)
			return -1;
		udl = gb_reserve(&b, 1);
		if (!udl)
			return -1;
		*udl = (uint8_t)(udh_sept + t->ud_len);
		if (udh_total) {
			gb_u8(&b, (uint8_t)t->udh_len);
			gb_put(&b, t->udh, t->udh_len);
		}
		if (b.overflow)
			return -1;
		m = gsm7_pack(t->ud, t->ud_len, fill, b.p + b.len, b.cap - b.len);
		if (m < 0)
			return -1;
		b.len += (size_t)m;
	} else {
		/* §9.2.3.16: 8-bit and UCS2: UDL counts octets including the UDH */
		if (udh_total + t->ud_len > 140)
			return -1;
		gb_u8(&b, (uint8_t)(udh_total + t->ud_len));
		if (udh_total) {
			gb_u8(&b, (uint8_t)t->udh_len);
			gb_put(&b, t->udh, t->udh_len);
		}
		gb_put(&b, t->ud, t->ud_len);
	}
	return b.overflow ? -1 : (int)b.len;
}
