/* SPDX-License-Identifier: BSD-3-Clause */
/* GSM 7-bit text (3GPP TS 23.038 §6.2.1 default alphabet and extension
 * table, Annex A national language locking and single shift tables for
 * Turkish, Spanish and Portuguese) and septet packing (§6.1.2.1.1). */
#include "text/gsm7.h"
#include "text/ucs2.h"
#include "sf_wire.h"

#define ESC_CP 0xFFFFu

/* TS 23.038 §6.2.1: the GSM 7 bit default alphabet */
static const uint16_t gsm7_default[128] = {
	0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC,	/* @ £ $ ¥ è é ù ì */
	0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5,	/* ò Ç LF Ø ø CR Å å */
	0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8,	/* Δ _ Φ Γ Λ Ω Π Ψ */
	0x03A3, 0x0398, 0x039E, ESC_CP, 0x00C6, 0x00E6, 0x00DF, 0x00C9,	/* Σ Θ Ξ ESC Æ æ ß É */
	0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027,	/* SP ! " # ¤ % & ' */
	0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,
	0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,	/* ¡ A.. */
	0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,	/* ..Z Ä Ö Ñ Ü § */
	0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,	/* ¿ a.. */
	0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,	/* ..z ä ö ñ ü à */
};

/* Annex A.3.1: Turkish locking shift table, where it differs from §6.2.1 */
static const uint16_t gsm7_turkish_lock[128] = {
	[0x04] = 0x20AC,	/* € */
	[0x07] = 0x0131,	/* ı */
	[0x0B] = 0x011E,	/* Ğ */
	[0x0C] = 0x011F,	/* ğ */
	[0x1C] = 0x015E,	/* Ş */
	[0x1D] = 0x015F,	/* ş */
	[0x40] = 0x0130,	/* İ */
	[0x60] = 0x00E7,	/* ç */
};

/* Annex A.3.3: Portuguese locking shift table, where it differs from §6.2.1 */
static const uint16_t gsm7_portuguese_lock[128] = {
	[0x04] = 0x00EA,	/* ê */
	[0x06] = 0x00FA,	/* ú */
	[0x07] = 0x00ED,	/* í */
	[0x08] = 0x00F3,	/* ó */
	[0x09] = 0x00E7,	/* ç */
	[0x0B] = 0x00D4,	/* Ô */
	[0x0C] = 0x00F4,	/* ô */
	[0x0E] = 0x00C1,	/* Á */
	[0x0F] = 0x00E1,	/* á */
	[0x12] = 0x00AA,	/* ª */
	[0x13] = 0x00C7,	/* Ç */
	[0x14] = 0x00C0,	/* À */
	[0x15] = 0x221E,	/* ∞ */
	[0x16] = 0x005E,	/* ^ */
	[0x17] = 0x005C,	/* \ */
	[0x18] = 0x20AC,	/* € */
	[0x19] = 0x00D3,	/* Ó */
	[0x1A] = 0x007C,	/* | */
	[0x1C] = 0x00C2,	/* Â */
	[0x1D] = 0x00E2,	/* â */
	[0x1E] = 0x00CA,	/* Ê */
	[0x24] = 0x00BA,	/* º */
	[0x40] = 0x00CD,	/* Í */
	[0x5B] = 0x00C3,	/* Ã */
	[0x5C] = 0x00D5,	/* Õ */
	[0x5D] = 0x00DA,	/* Ú */
	[0x60] = 0x007E,	/* ~ */
	[0x7B] = 0x00E3,	/* ã */
	[0x7C] = 0x00F5,	/* õ */
	[0x7D] = 0x0060,	/* ` */
};

/* The characters every single shift table below shares with §6.2.1.1 */
#define GSM7_EXT_COMMON \
	[0x0A] = 0x000C,	/* FF (page break) */ \
	[0x14] = 0x005E,	/* ^ */ \
	[0x28] = 0x007B,	/* { */ \
	[0x29] = 0x007D,	/* } */ \
	[0x2F] = 0x005C,	/* \ */ \
	[0x3C] = 0x005B,	/* [ */ \
	[0x3D] = 0x007E,	/* ~ */ \
	[0x3E] = 0x005D,	/* ] */ \
	[0x40] = 0x007C,	/* | */ \
	[0x65] = 0x20AC		/* € */

/* §6.2.1.1: GSM 7 bit default alphabet extension table */
static const uint16_t gsm7_default_ext[128] = {
	GSM7_EXT_COMMON,
};

/* Annex A.2.1: Turkish single shift table */
static const uint16_t gsm7_turkish_ext[128] = {
	GSM7_EXT_COMMON,
	[0x47] = 0x011E,	/* Ğ */
	[0x49] = 0x0130,	/* İ */
	[0x53] = 0x015E,	/* Ş */
	[0x63] = 0x00E7,	/* ç */
	[0x67] = 0x011F,	/* ğ */
	[0x69] = 0x0131,	/* ı */
	[0x73] = 0x015F,	/* ş */
};

/* Annex A.2.2: Spanish single shift table */
static const uint16_t gsm7_spanish_ext[128] = {
	GSM7_EXT_COMMON,
	[0x09] = 0x00E7,	/* ç */
	[0x41] = 0x00C1,	/* Á */
	[0x49] = 0x00CD,	/* Í */
	[0x4F] = 0x00D3,	/* Ó */
	[0x55] = 0x00DA,	/* Ú */
	[0x61] = 0x00E1,	/* á */
	[0x69] = 0x00ED,	/* í */
	[0x6F] = 0x00F3,	/* ó */
	[0x75] = 0x00FA,	/* ú */
};

/* Annex A.2.3: Portuguese single shift table */
static const uint16_t gsm7_portuguese_ext[128] = {
	GSM7_EXT_COMMON,
	[0x05] = 0x00EA,	/* ê */
	[0x09] = 0x00E7,	/* ç */
	[0x0B] = 0x00D4,	/* Ô */
	[0x0C] = 0x00F4,	/* ô */
	[0x0E] = 0x00C1,	/* Á */
	[0x0F] = 0x00E1,	/* á */
	[0x12] = 0x03A6,	/* Φ */
	[0x13] = 0x0393,	/* Γ */
	[0x15] = 0x03A9,	/* Ω */
	[0x16] = 0x03A0,	/* Π */
	[0x17] = 0x03A8,	/* Ψ */
	[0x18] = 0x03A3,	/* Σ */
	[0x19] = 0x0398,	/* Θ */
	[0x1F] = 0x00CA,	/* Ê */
	[0x41] = 0x00C0,	/* À */
	[0x49] = 0x00CD,	/* Í */
	[0x4F] = 0x00D3,	/* Ó */
	[0x55] = 0x00DA,	/* Ú */
	[0x5B] = 0x00C3,	/* Ã */
	[0x5C] = 0x00D5,	/* Õ */
	[0x61] = 0x00C2,	/* Â */
	[0x69] = 0x00ED,	/* í */
	[0x6F] = 0x00F3,	/* ó */
	[0x75] = 0x00FA,	/* ú */
	[0x7B] = 0x00E3,	/* ã */
	[0x7C] = 0x00F5,	/* õ */
	[0x7F] = 0x00E2,	/* â */
};

/* Locking table overrides by id (§6.2.1.2.4); NULL where none is carried */
static const uint16_t *gsm7_lock_over(uint8_t id, int *ok)
{
	*ok = 1;
	switch (id) {
	case 0:
		return NULL;
	case SF_NL_TURKISH:
		return gsm7_turkish_lock;
	case SF_NL_PORTUGUESE:
		return gsm7_portuguese_lock;
	default:
		*ok = 0;	/* Spanish (2) has no locking table; 4..13 not carried */
		return NULL;
	}
}

static const uint16_t *gsm7_ext_table(uint8_t id)
{
	switch (id) {
	case 0:
		return gsm7_default_ext;
	case SF_NL_TURKISH:
		return gsm7_turkish_ext;
	case SF_NL_SPANISH:
		return gsm7_spanish_ext;
	case SF_NL_PORTUGUESE:
		return gsm7_portuguese_ext;
	default:
		return NULL;
	}
}

int gsm7_nl_supported(int locking, uint8_t id)
{
	int ok;

	if (locking) {
		gsm7_lock_over(id, &ok);
		return ok;
	}
	return gsm7_ext_table(id) != NULL;
}

uint32_t gsm7_locking_cp(uint8_t id, uint8_t septet)
{
	int ok;
	const uint16_t *over = gsm7_lock_over(id, &ok);

	if (!ok || septet > 0x7F)
		return 0;
	if (over && over[septet])
		return over[septet];
	return gsm7_default[septet];
}

uint32_t gsm7_single_cp(uint8_t id, uint8_t septet)
{
	const uint16_t *t = gsm7_ext_table(id);

	if (!t || septet > 0x7F)
		return 0;
	return t[septet];
}

/* Septet i of a packed stream that starts fill bits into p; the caller has
 * proved fill + 7 * (i + 1) <= 8 * len. */
static uint8_t gsm7_septet_at(const uint8_t *p, size_t bit)
{
	size_t byte = bit >> 3;
	unsigned sh = bit & 7;
	unsigned v = p[byte] >> sh;

	if (sh > 1)
		v |= (unsigned)p[byte + 1] << (8 - sh);
	return (uint8_t)(v & 0x7F);
}

int gsm7_decode(const uint8_t *p, size_t len, unsigned fill_bits, unsigned n_septets,
		uint8_t nl_locking, uint8_t nl_single, char *out, size_t cap, uint32_t *replaced)
{
	uint32_t bad = 0;
	size_t o = 0, bits;
	int lock_ok, e = 0;
	const uint16_t *over = gsm7_lock_over(nl_locking, &lock_ok);
	const uint16_t *ext = gsm7_ext_table(nl_single);

	/* TS 23.038 §6.2.1.2.4 / TS 23.040 §9.2.3.24.15-16: a receiver that
	 * does not support a national language identifier uses the GSM 7 bit
	 * default alphabet (and its extension table) instead */
	if (!lock_ok) {
		over = NULL;
		lock_ok = 1;
	}
	if (!ext)
		ext = gsm7_default_ext;

	if (cap > 0)
		out[0] = '\0';
	/* TS 23.040 §9.2.3.24: at most 6 fill bits bring the text to a septet boundary */
	if (fill_bits > 6)
		return SF_E_TEXT_FILL_BITS_INVALID;
	bits = len > (SIZE_MAX >> 3) ? SIZE_MAX : len * 8;
	if (bits < fill_bits || (bits - fill_bits) / 7 < n_septets)
		return SF_E_TEXT_SEPTETS_BEYOND_DATA;
	for (unsigned i = 0; i < n_septets; i++) {
		uint8_t s = gsm7_septet_at(p, fill_bits + (size_t)7 * i);
		uint32_t cp;

		if (s == GSM7_ESC) {
			if (i + 1 == n_septets) {
				cp = UCS2_REPLACEMENT;	/* ESC with nothing to escape */
				bad++;
			} else {
				uint8_t t = gsm7_septet_at(p, fill_bits + (size_t)7 * ++i);

				if (t == GSM7_ESC) {
					/* §6.2.1.1 NOTE 1: reserved for another extension table; show a space */
					cp = 0x20;
				} else if (!ext) {
					cp = UCS2_REPLACEMENT;
					bad++;
				} else if (ext[t]) {
					cp = ext[t];
				} else if (!lock_ok) {
					cp = UCS2_REPLACEMENT;
					bad++;
				} else {
					/* §6.2.1.1: a code not in the extension table shows the main table character */
					cp = over && over[t] ? over[t] : gsm7_default[t];
				}
			}
		} else if (!lock_ok) {
			cp = UCS2_REPLACEMENT;
			bad++;
		} else {
			cp = over && over[s] ? over[s] : gsm7_default[s];
		}
		e = ucs2_utf8_put(out, cap, &o, cp);
		if (e)
			break;
	}
	if (cap > 0)
		out[o] = '\0';
	if (e)
		return e;
	if (replaced)
		*replaced += bad;
	return (int)o;
}

/* Septets for one code point from the given tables: 1 or 2 written, 0 when
 * neither table has it. */
static int gsm7_encode_cp(uint32_t cp, const uint16_t *over, const uint16_t *ext, uint8_t sep[2])
{
	for (unsigned i = 0; i < 128; i++) {
		uint32_t c = over && over[i] ? over[i] : gsm7_default[i];

		if (c == cp && c != ESC_CP) {
			sep[0] = (uint8_t)i;
			return 1;
		}
	}
	for (unsigned i = 0; i < 128; i++) {
		if (ext[i] && ext[i] == cp) {
			sep[0] = GSM7_ESC;
			sep[1] = (uint8_t)i;
			return 2;
		}
	}
	return 0;
}

int gsm7_from_utf8_nl(const char *s, size_t len, uint8_t nl_locking, uint8_t nl_single,
		      uint8_t *septets, size_t cap)
{
	int lock_ok;
	const uint16_t *over = gsm7_lock_over(nl_locking, &lock_ok);
	const uint16_t *ext = gsm7_ext_table(nl_single);
	size_t off = 0, n = 0;

	if (!lock_ok || !ext)
		return SF_E_TEXT_NL_UNKNOWN;
	while (off < len) {
		int32_t cp = ucs2_utf8_next(s, len, &off);
		uint8_t sep[2];
		int k;

		if (cp < 0)
			return SF_E_TEXT_UTF8_INVALID;
		k = gsm7_encode_cp((uint32_t)cp, over, ext, sep);
		if (k == 0)
			return SF_E_TEXT_UNREPRESENTABLE;
		if (cap - n < (size_t)k)
			return SF_E_NO_SPACE;
		for (int j = 0; j < k; j++)
			septets[n++] = sep[j];
		if (n > INT32_MAX)
			return SF_E_NO_SPACE;
	}
	return (int)n;
}

int gsm7_from_utf8(const char *s, size_t len, uint8_t *septets, size_t cap)
{
	return gsm7_from_utf8_nl(s, len, 0, 0, septets, cap);
}

int gsm7_pack(const uint8_t *septets, size_t n, unsigned fill_bits, uint8_t *out, size_t cap)
{
	size_t need;

	if (fill_bits > 6)
		return SF_E_TEXT_FILL_BITS_INVALID;
	if (n > (size_t)INT32_MAX / 7)
		return SF_E_NO_SPACE;
	need = (fill_bits + 7 * n + 7) / 8;
	if (cap < need)
		return SF_E_NO_SPACE;
	for (size_t i = 0; i < need; i++)
		out[i] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t bit = fill_bits + 7 * i, byte = bit >> 3;
		unsigned sh = bit & 7;

		if (septets[i] > 0x7F)
			return SF_E_TEXT_UNREPRESENTABLE;
		out[byte] |= (uint8_t)(septets[i] << sh);
		if (sh > 1)
			out[byte + 1] |= (uint8_t)(septets[i] >> (8 - sh));
	}
	return (int)need;
}
