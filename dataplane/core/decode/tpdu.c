/* SPDX-License-Identifier: BSD-3-Clause */
/* SMS TPDU decoder (3GPP TS 23.040 §9.2): SUBMIT, DELIVER, STATUS-REPORT,
 * COMMAND, the user data header (§9.2.3.24) and the data coding scheme
 * (TS 23.038 §4); text through the GSM 7-bit and UCS-2 modules. */
#include <string.h>

#include "decode/tpdu.h"
#include "sf_bcd.h"
#include "sf_wire.h"
#include "text/gsm7.h"
#include "text/ucs2.h"

#define TPDU_ADDR_MAX_SEMI	20	/* §9.1.2.5: address value at most 10 octets */
#define TPDU_UDL_MAX_SEPTETS	160	/* §9.2.3.16 */
#define TPDU_UDL_MAX_OCTETS	140
#define TPDU_TS_LEN		7	/* §9.2.3.11 */

/* §9.1.2.3: semi-octet digits; 1010 '*', 1011 '#', 1100..1110 'a'..'c'; a
 * filler 1111 inside the stated length is shown as '?' (as Wireshark does) */
static const char tpdu_bcd[17] = "0123456789*#abc?";

/* TP-OA / TP-DA / TP-RA (§9.1.2.5) at p[*off]. */
static enum sf_err tpdu_addr_decode(const uint8_t *p, size_t len, size_t *off, struct tpdu_addr *a)
{
	size_t o = *off, n, k = 0;
	uint8_t toa;

	if (!sf_has(len, o, 2))
		return SF_E_TRUNCATED;
	a->len = p[o];
	toa = p[o + 1];
	/* §9.1.2.5: 2..12 octets, i.e. at most 20 useful semi-octets */
	if (a->len > TPDU_ADDR_MAX_SEMI)
		return SF_E_TPDU_ADDR_LEN_INVALID;
	a->ton = (toa >> 4) & 7;
	a->npi = toa & 0x0F;
	n = ((size_t)a->len + 1) / 2;
	o += 2;
	if (!sf_has(len, o, n))
		return SF_E_TRUNCATED;
	if (a->ton == SF_TP_TON_ALNUM) {
		/* §9.1.2.5: alphanumeric, GSM 7-bit default alphabet (§6.2.1 of 23.038) packed */
		int r;

		a->alnum = 1;
		r = gsm7_decode(p + o, n, 0, (unsigned)a->len * 4 / 7, 0, 0, a->text, sizeof a->text, NULL);
		if (r < 0)
			return (enum sf_err)r;
	} else {
		size_t i = 2 * sf_bcd_pairs(p + o, a->len / 2, a->text);

		k = i;
		for (; i < a->len; i++) {
			uint8_t b = p[o + i / 2];
			uint8_t d = (i & 1) ? b >> 4 : b & 0x0F;

			a->text[k++] = tpdu_bcd[d];
		}
		a->text[k] = '\0';
	}
	*off = o + n;
	return SF_OK;
}

/* TS 23.038 §4: SMS data coding scheme, every coding group */
static void tpdu_dcs_decode(uint8_t dcs, struct tpdu_view *v)
{
	static const uint8_t alphabet[4] = { SF_CS_GSM7, SF_CS_8BIT, SF_CS_UCS2, SF_CS_RESERVED };

	v->dcs = dcs;
	if (!(dcs & 0x80)) {
		/* 00xx xxxx general data coding, 01xx xxxx marked for automatic deletion */
		v->auto_delete = (dcs >> 6) & 1;
		v->compressed = (dcs >> 5) & 1;
		if (dcs & 0x10) {
			v->has_class = 1;
			v->msg_class = dcs & 3;
		}
		v->charset = alphabet[(dcs >> 2) & 3];
		return;
	}
	switch (dcs >> 4) {
	case 0xC:	/* message waiting indication group: discard message, GSM 7-bit */
	case 0xD:	/* store message, GSM 7-bit */
	case 0xE:	/* store message, UCS2 */
		v->has_mwi = 1;
		v->mwi_store = (dcs >> 4) != 0xC;
		v->mwi_active = (dcs >> 3) & 1;
		v->mwi_type = dcs & 3;
		v->charset = (dcs >> 4) == 0xE ? SF_CS_UCS2 : SF_CS_GSM7;
		break;
	case 0xF:	/* data coding / message class: bit 2 alphabet, bits 1..0 class */
		v->has_class = 1;
		v->msg_class = dcs & 3;
		v->charset = (dcs & 0x04) ? SF_CS_8BIT : SF_CS_GSM7;
		break;
	default:	/* 1000..1011: reserved coding groups */
		v->charset = SF_CS_RESERVED;
		break;
	}
}

static int tpdu_is_septets(const struct tpdu_view *v)
{
	/* §4: reserved codings are taken as the GSM 7 bit default alphabet;
	 * §9.2.3.16: compressed user data is counted in octets */
	return !v->compressed && (v->charset == SF_CS_GSM7 || v->charset == SF_CS_RESERVED);
}

/* §9.2.3.24: the information elements of the user data header */
static enum sf_err tpdu_udh_decode(struct tpdu_view *v)
{
	const uint8_t *h = v->udh.p;
	size_t n = v->udh.len, i = 0;

	while (i < n) {
		uint8_t iei, iedl;
		const uint8_t *d;

		if (n - i < 2)
			return SF_E_TPDU_UDH_IE_OVERRUN;
		iei = h[i];
		iedl = h[i + 1];
		i += 2;
		if (n - i < iedl)
			return SF_E_TPDU_UDH_IE_OVERRUN;
		d = h + i;
		i += iedl;
		if (v->udh_ies < UINT8_MAX)
			v->udh_ies++;
		switch (iei) {
		case SF_UDH_CONCAT8:
		case SF_UDH_CONCAT16: {
			size_t w = iei == SF_UDH_CONCAT8 ? 1 : 2;

			/* §9.2.3.24.1 / .8: a zero maximum, a zero sequence number or one
			 * above the maximum makes the receiver ignore the whole IE */
			if (iedl != w + 2 || d[w] == 0 || d[w + 1] == 0 || d[w + 1] > d[w]) {
				v->udh_ignored++;
				break;
			}
			v->has_concat = 1;
			v->concat_ref16 = w == 2;
			v->concat_ref = w == 2 ? sf_rd16(d) : d[0];
			v->concat_total = d[w];
			v->concat_seq = d[w + 1];
			break;
		}
		case SF_UDH_PORT8:	/* §9.2.3.24.3 */
			if (iedl != 2) {
				v->udh_ignored++;
				break;
			}
			v->has_ports = 1;
			v->dst_port = d[0];
			v->src_port = d[1];
			break;
		case SF_UDH_PORT16:	/* §9.2.3.24.4 */
			if (iedl != 4) {
				v->udh_ignored++;
				break;
			}
			v->has_ports = 1;
			v->dst_port = sf_rd16(d);
			v->src_port = sf_rd16(d + 2);
			break;
		case SF_UDH_NL_SINGLE_SHIFT:	/* §9.2.3.24.15 */
		case SF_UDH_NL_LOCKING_SHIFT:	/* §9.2.3.24.16 */
			if (iedl != 1) {
				v->udh_ignored++;
				break;
			}
			if (iei == SF_UDH_NL_SINGLE_SHIFT)
				v->nl_single = d[0];
			else
				v->nl_locking = d[0];
			break;
		default:	/* §9.2.3.24: IEs not understood are skipped */
			break;
		}
	}
	return SF_OK;
}

/* TP-UDL and TP-UD (§9.2.3.16, §9.2.3.24) at p[off]; PID/DCS already read.
 * Lenient as handsets are: a UDL above 160 septets / 140 octets, or one
 * that promises more bytes than are present, decodes what is there and
 * sets an anomaly bit instead of refusing the message (a filter that
 * refuses it passes it unscanned while the receiver shows it). */
static enum sf_err tpdu_ud_decode(const uint8_t *p, size_t len, size_t off, struct tpdu_view *v)
{
	size_t nbytes, hdr = 0, avail;
	int septets = tpdu_is_septets(v);
	enum sf_err e;

	if (!sf_has(len, off, 1))
		return SF_E_TRUNCATED;
	v->has_ud = 1;
	v->udl = p[off++];
	/* §9.2.3.16: at most 160 septets or 140 octets */
	if (v->udl > (septets ? TPDU_UDL_MAX_SEPTETS : TPDU_UDL_MAX_OCTETS))
		v->anomalies |= TPDU_ANOM_UDL_OVER_MAX;
	nbytes = septets ? ((size_t)v->udl * 7 + 7) / 8 : v->udl;
	avail = len - off;
	if (avail < nbytes) {
		v->anomalies |= TPDU_ANOM_UD_SHORT;
		nbytes = avail;
	}
	v->ud = sf_bytes_make(p + off, nbytes);
	if (v->udhi) {
		/* §9.2.3.24: TP-UDHL counts the octets after itself */
		if (nbytes < 1 || p[off] > nbytes - 1)
			return SF_E_TPDU_UDHL_EXCEEDS_UD;
		hdr = (size_t)p[off] + 1;
	}
	if (septets) {
		/* §9.2.3.24: the text starts on the septet boundary after the header */
		size_t hdr_septets = (hdr * 8 + 6) / 7;
		size_t have = nbytes * 8 / 7;	/* whole septets present */

		if (hdr_septets > v->udl || hdr_septets > have)
			return SF_E_TPDU_UDHL_EXCEEDS_UD;
		v->fill_bits = (uint8_t)(hdr_septets * 7 - hdr * 8);
		v->text_septets = (uint16_t)(v->udl - hdr_septets);
		if (have - hdr_septets < v->text_septets)
			v->text_septets = (uint16_t)(have - hdr_septets);
	}
	if (hdr) {
		v->udh = sf_bytes_make(p + off + 1, hdr - 1);
		e = tpdu_udh_decode(v);
		if (e)
			return e;
	}
	if (septets && (!gsm7_nl_supported(1, v->nl_locking) || !gsm7_nl_supported(0, v->nl_single)))
		v->nl_unknown = 1;
	v->text_bytes = sf_bytes_make(p + off + hdr, nbytes - hdr);
	return SF_OK;
}

static enum sf_err tpdu_fixed(const uint8_t *p, size_t len, size_t *off, size_t n, uint8_t *dst)
{
	if (!sf_has(len, *off, n))
		return SF_E_TRUNCATED;
	memcpy(dst, p + *off, n);
	*off += n;
	return SF_OK;
}

/* §9.2.2.1 SMS-DELIVER */
static enum sf_err tpdu_deliver(const uint8_t *p, size_t len, struct tpdu_view *v)
{
	size_t off = 1;
	uint8_t pd[2];
	enum sf_err e;

	v->lp = (v->first_octet >> 3) & 1;
	e = tpdu_addr_decode(p, len, &off, &v->addr);
	if (e)
		return e;
	if ((e = tpdu_fixed(p, len, &off, 2, pd)) != SF_OK)	/* TP-PID, TP-DCS */
		return e;
	v->pid = pd[0];
	tpdu_dcs_decode(pd[1], v);
	if ((e = tpdu_fixed(p, len, &off, TPDU_TS_LEN, v->scts)) != SF_OK)
		return e;
	v->has_scts = 1;
	return tpdu_ud_decode(p, len, off, v);
}

/* §9.2.2.2 SMS-SUBMIT */
static enum sf_err tpdu_submit(const uint8_t *p, size_t len, struct tpdu_view *v)
{
	/* §9.2.3.3: VPF 00 none, 10 relative (1 octet), 01 enhanced, 11 absolute (7) */
	static const uint8_t vp_len[4] = { 0, 7, 1, 7 };
	size_t off = 1;
	uint8_t pd[2];
	enum sf_err e;

	v->vpf = (v->first_octet >> SF_TP_VPF_SHIFT) & 3;
	if ((e = tpdu_fixed(p, len, &off, 1, &v->mr)) != SF_OK)
		return e;
	e = tpdu_addr_decode(p, len, &off, &v->addr);
	if (e)
		return e;
	if ((e = tpdu_fixed(p, len, &off, 2, pd)) != SF_OK)
		return e;
	v->pid = pd[0];
	tpdu_dcs_decode(pd[1], v);
	if (!sf_has(len, off, vp_len[v->vpf]))
		return SF_E_TRUNCATED;
	v->vp = sf_bytes_make(p + off, vp_len[v->vpf]);
	off += vp_len[v->vpf];
	return tpdu_ud_decode(p, len, off, v);
}

/* §9.2.2.3 SMS-STATUS-REPORT */
static enum sf_err tpdu_status_report(const uint8_t *p, size_t len, struct tpdu_view *v)
{
	size_t off = 1;
	uint8_t pi;
	enum sf_err e;

	v->lp = (v->first_octet >> 3) & 1;
	if ((e = tpdu_fixed(p, len, &off, 1, &v->mr)) != SF_OK)
		return e;
	if ((e = tpdu_addr_decode(p, len, &off, &v->addr)) != SF_OK)
		return e;
	if ((e = tpdu_fixed(p, len, &off, TPDU_TS_LEN, v->scts)) != SF_OK)
		return e;
	v->has_scts = 1;
	if ((e = tpdu_fixed(p, len, &off, TPDU_TS_LEN, v->dt)) != SF_OK)
		return e;
	v->has_dt = 1;
	if ((e = tpdu_fixed(p, len, &off, 1, &v->st)) != SF_OK)
		return e;
	/* §9.2.3.27: TP-PI is optional; bit 7 extends it by further octets */
	if (off == len)
		return SF_OK;
	pi = p[off++];
	for (uint8_t x = pi; x & 0x80;) {
		if ((e = tpdu_fixed(p, len, &off, 1, &x)) != SF_OK)
			return e;
	}
	if (pi & 0x01) {
		if ((e = tpdu_fixed(p, len, &off, 1, &v->pid)) != SF_OK)
			return e;
	}
	if (pi & 0x02) {
		uint8_t dcs;

		if ((e = tpdu_fixed(p, len, &off, 1, &dcs)) != SF_OK)
			return e;
		tpdu_dcs_decode(dcs, v);
	}
	if (pi & 0x04)
		return tpdu_ud_decode(p, len, off, v);
	return SF_OK;
}

/* §9.2.2.4 SMS-COMMAND: the command data is left in ud as 8-bit data */
static enum sf_err tpdu_command(const uint8_t *p, size_t len, struct tpdu_view *v)
{
	size_t off = 1;
	uint8_t f[4];
	enum sf_err e;

	if ((e = tpdu_fixed(p, len, &off, 4, f)) != SF_OK)	/* MR, PID, CT, MN */
		return e;
	v->mr = f[0];
	v->pid = f[1];
	v->ct = f[2];
	v->mn = f[3];
	if ((e = tpdu_addr_decode(p, len, &off, &v->addr)) != SF_OK)
		return e;
	if ((e = tpdu_fixed(p, len, &off, 1, &v->udl)) != SF_OK)	/* TP-CDL */
		return e;
	/* §9.2.3.20: TP-CD at most 157 octets; more, or fewer present: as for UD */
	if (v->udl > 157)
		v->anomalies |= TPDU_ANOM_UDL_OVER_MAX;
	v->charset = SF_CS_8BIT;
	if (len - off < v->udl) {
		v->anomalies |= TPDU_ANOM_UD_SHORT;
		v->ud = sf_bytes_make(p + off, len - off);
	} else {
		v->ud = sf_bytes_make(p + off, v->udl);
	}
	v->text_bytes = v->ud;
	return SF_OK;
}

enum sf_err tpdu_decode(const uint8_t *p, size_t len, enum sf_dir dir, struct tpdu_view *out)
{
	uint8_t fo;

	memset(out, 0, sizeof *out);
	if (len == 0)
		return SF_E_TPDU_EMPTY;
	fo = p[0];
	out->first_octet = fo;
	out->mti = fo & 3;	/* §9.2.3.1 */
	out->mms_or_rd = (fo >> 2) & 1;
	out->srr = (fo >> 5) & 1;
	out->udhi = (fo >> 6) & 1;
	out->rp = (fo >> 7) & 1;
	if (dir == SF_DIR_MO) {
		switch (out->mti) {
		case SF_TP_MTI_DELIVER:
			out->type = TPDU_DELIVER_REPORT;
			out->raw = sf_bytes_make(p + 1, len - 1);
			return SF_OK;
		case SF_TP_MTI_SUBMIT:
			out->type = TPDU_SUBMIT;
			return tpdu_submit(p, len, out);
		case SF_TP_MTI_COMMAND:
			out->type = TPDU_COMMAND;
			return tpdu_command(p, len, out);
		default:
			/* §9.2.3.1: an SC rejects a reserved MTI */
			return SF_E_TPDU_MTI_RESERVED;
		}
	}
	if (dir != SF_DIR_MT)
		return SF_E_TPDU_DIR_UNKNOWN;
	switch (out->mti) {
	case SF_TP_MTI_SUBMIT:
		out->type = TPDU_SUBMIT_REPORT;
		out->raw = sf_bytes_make(p + 1, len - 1);
		return SF_OK;
	case SF_TP_MTI_STATUS_REPORT:
		out->type = TPDU_STATUS_REPORT;
		return tpdu_status_report(p, len, out);
	default:
		/* §9.2.3.1: an MS processes a reserved MTI as SMS-DELIVER */
		out->type = TPDU_DELIVER;
		return tpdu_deliver(p, len, out);
	}
}

int tpdu_text_utf8(const struct tpdu_view *v, char *out, size_t cap, uint32_t *replaced)
{
	if (cap > 0)
		out[0] = '\0';
	if (v->compressed)
		return SF_E_TPDU_COMPRESSED;
	switch (v->charset) {
	case SF_CS_GSM7:
	case SF_CS_RESERVED:
		return gsm7_decode(v->text_bytes.p, v->text_bytes.len, v->fill_bits, v->text_septets,
				   v->nl_locking, v->nl_single, out, cap, replaced);
	case SF_CS_UCS2:
		return ucs2_decode(v->text_bytes.p, v->text_bytes.len, out, cap, replaced);
	default:
		return SF_E_TPDU_BINARY;
	}
}

/* §9.2.3.12.1: relative validity period */
static uint32_t tpdu_vp_relative(uint8_t r)
{
	if (r <= 143)
		return ((uint32_t)r + 1) * 300;
	if (r <= 167)
		return 12 * 3600 + ((uint32_t)r - 143) * 1800;
	if (r <= 196)
		return ((uint32_t)r - 166) * 86400;
	return ((uint32_t)r - 192) * 7 * 86400;
}

static int tpdu_semi(uint8_t b)
{
	uint8_t lo = b & 0x0F, hi = b >> 4;

	return lo > 9 || hi > 9 ? -1 : lo * 10 + hi;
}

enum sf_err tpdu_vp_seconds(const struct tpdu_view *v, uint32_t *secs)
{
	const uint8_t *q = v->vp.p;
	size_t i = 0;

	if (v->vpf == TPDU_VPF_RELATIVE && v->vp.len == 1) {
		*secs = tpdu_vp_relative(q[0]);
		return SF_OK;
	}
	if (v->vpf != TPDU_VPF_ENHANCED || v->vp.len != 7)
		return SF_E_TPDU_VP_UNSUPPORTED;
	/* §9.2.3.12.3: functionality indicator octets, bit 7 = another follows */
	while ((q[i] & 0x80) && i < 6)
		i++;
	if (q[i] & 0x80)
		return SF_E_TPDU_VP_UNSUPPORTED;
	switch (q[0] & 0x07) {
	case 1:	/* relative, as §9.2.3.12.1, in the next octet */
		if (i + 1 >= 7)
			return SF_E_TPDU_VP_UNSUPPORTED;
		*secs = tpdu_vp_relative(q[i + 1]);
		return SF_OK;
	case 2:	/* relative integer seconds 0..255 */
		if (i + 1 >= 7)
			return SF_E_TPDU_VP_UNSUPPORTED;
		*secs = q[i + 1];
		return SF_OK;
	case 3: {	/* relative hh mm ss in semi-octets */
		int h, m, s;

		if (i + 3 >= 7)
			return SF_E_TPDU_VP_UNSUPPORTED;
		h = tpdu_semi(q[i + 1]);
		m = tpdu_semi(q[i + 2]);
		s = tpdu_semi(q[i + 3]);
		if (h < 0 || m < 0 || s < 0)
			return SF_E_TPDU_VP_UNSUPPORTED;
		*secs = (uint32_t)(h * 3600 + m * 60 + s);
		return SF_OK;
	}
	default:	/* 0: no validity period; 4..7 reserved */
		return SF_E_TPDU_VP_UNSUPPORTED;
	}
}

int tpdu_ts_format(const uint8_t ts[7], char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	static const char sep[6] = { '-', '-', ' ', ':', ':', 0 };
	size_t o = 0;

	/* "YY-MM-DD hh:mm:ss+zz" */
	if (cap < 21)
		return SF_E_NO_SPACE;
	for (int i = 0; i < 6; i++) {
		/* §9.2.3.11: semi-octets, the first digit in the low nibble */
		out[o++] = hex[ts[i] & 0x0F];
		out[o++] = hex[ts[i] >> 4];
		if (sep[i])
			out[o++] = sep[i];
	}
	/* time zone: quarter hours, bit 3 of the low nibble is the sign */
	out[o++] = (ts[6] & 0x08) ? '-' : '+';
	out[o++] = hex[ts[6] & 0x07];
	out[o++] = hex[ts[6] >> 4];
	out[o] = '\0';
	return (int)o;
}
