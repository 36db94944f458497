/* SPDX-License-Identifier: BSD-3-Clause */
/* Report (10086999) and shield ("00000") parsing, number canonicalisation,
 * text fingerprints and number masking (DOMAIN.md §3; event fields as in
 * LISTS_SPEC.md). Pure functions over the caller's text. */
#include <string.h>

#include "policy_report.h"
#include "policy_util.h"

#define CANON_DIGITS_MAX 20

/* The numbering plan (POLICY.md "Numbers"): set once at start-up, before
 * any worker runs, then only read. */
static char num_cc[8] = "86";
static char num_np[8] = "0";
static size_t num_ccl = 2, num_npl = 1;	/* their lengths */
static int num_cn = 1;			/* num_cc is "86" */

int policy_numbering_set(const char *country_code, const char *national_prefix)
{
	size_t a = country_code ? strlen(country_code) : 0;
	size_t b = national_prefix ? strlen(national_prefix) : 0;

	if (a < 1 || a > 3 || b < 1 || b > 2 || country_code[0] == '0')
		return -1;
	for (size_t i = 0; i < a; i++)
		if (!pu_is_digit(country_code[i]))
			return -1;
	for (size_t i = 0; i < b; i++)
		if (!pu_is_digit(national_prefix[i]))
			return -1;
	memcpy(num_cc, country_code, a + 1);
	memcpy(num_np, national_prefix, b + 1);
	num_ccl = a;
	num_npl = b;
	num_cn = !strcmp(num_cc, "86");
	return 0;
}

const char *policy_numbering_cc(void)
{
	return num_cc;
}

const char *policy_numbering_np(void)
{
	return num_np;
}

/* A national mobile number without prefix (China: 1[3-9] + 9 digits). */
static int national_mobile(const char *s, size_t n)
{
	return num_cn && n == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9';
}

/* The national forms that get the country code: mobiles as written (0
 * digits dropped), fixed lines with the national prefix dropped (E.164
 * §6: NSN; num_npl digits dropped); -1 for any other digits. */
static int national_form(const char *s, size_t n)
{
	if (national_mobile(s, n))
		return 0;
	if (n >= 10 && n <= 12 && !strncmp(s, num_np, num_npl) && s[num_npl] != '0')
		return (int)num_npl;
	return -1;
}

/* policy_canon_number, with plus set when the number is known to be in
 * international form already (an address whose TON says so). */
static int canon_core(const char *in, size_t len, int plus, char *out, size_t cap)
{
	char d[CANON_DIGITS_MAX + 1];
	size_t nd = 0, i = 0, ccl = num_ccl;
	int last_digit = 0, saw_plus = 0, skip;
	const char *s = d;

	if (!in)
		return -1;
	/* nearly every number is digits only: read where it is (unless the
	 * output would overwrite it). Eight characters at a time: a byte
	 * above '9' reaches bit 8 when 0x46 is added, one below '0' when 0x30
	 * is taken (a borrow only makes a byte smaller, so "all digits" is
	 * exact; a digit next to a non-digit may be flagged too and is then
	 * read one by one) */
	for (; i + 8 <= len; i += 8) {
		uint64_t x;

		memcpy(&x, in + i, 8);
		if (((x + 0x4646464646464646ull) | (x - 0x3030303030303030ull)) & 0x8080808080808080ull)
			break;
	}
	while (i < len && (uint8_t)(in[i] - '0') < 10)
		i++;
	if (i == len && len > 0 && len <= CANON_DIGITS_MAX &&
	    ((uintptr_t)out + cap <= (uintptr_t)in || (uintptr_t)in + len <= (uintptr_t)out)) {
		s = in;
		nd = len;
		goto digits;
	}
	i = 0;
	while (i < len) {
		uint32_t c = (uint8_t)in[i];

		if (c >= '0' && c <= '9') {	/* most of every number: no decoding */
			if (nd >= CANON_DIGITS_MAX)
				return -1;
			d[nd++] = (char)c;
			last_digit = 1;
			i++;
			continue;
		}
		c = pu_fold_width(pu_utf8_next(in, len, &i));
		if (c == '+' && nd == 0 && !saw_plus) {	/* one, in front */
			plus = saw_plus = 1;
			last_digit = 0;
			continue;
		}
		if (c >= '0' && c <= '9') {
			if (nd >= CANON_DIGITS_MAX)
				return -1;
			d[nd++] = (char)c;
			last_digit = 1;
			continue;
		}
		/* a separator inside the number: "138-0000-0000", "+86 138...",
		 * "138.0000.0000", "(010)1234-5678" */
		if ((c == '-' || c == ' ' || c == '.' || c == ')' || c == 0x2013 || c == 0x2014) &&
		    nd > 0 && last_digit) {
			last_digit = 0;
			continue;
		}
		if (c == '(' && !last_digit) {
			last_digit = 0;
			continue;
		}
		return -1;
	}
	if (nd == 0 || !last_digit)
		return -1;
digits:
	/* ITU-T E.164 international prefix "00" in front of a country code;
	 * also after a '+' or an international TON ("+0086…": no country code
	 * starts with 0), and as often as it is repeated, so that no canonical
	 * number of 9 digits or more starts with "00" */
	while (nd >= 9 && s[0] == '0' && s[1] == '0') {
		s += 2;
		nd -= 2;
		plus = 1;
	}
	/* national forms get the country code */
	if (!plus && (skip = national_form(s, nd)) >= 0) {
		if (cap < ccl + nd - (size_t)skip + 1)
			return -1;
		memcpy(out, num_cc, ccl);
		memmove(out + ccl, s + skip, nd - (size_t)skip);
		out[ccl + nd - (size_t)skip] = 0;
		return (int)(ccl + nd - (size_t)skip);
	}
	if (cap < nd + 1)
		return -1;
	memmove(out, s, nd);
	out[nd] = 0;
	return (int)nd;
}

int policy_canon_number(const char *in, size_t len, char *out, size_t cap)
{
	return canon_core(in, len, 0, out, cap);
}

int policy_canon_addr(const char *digits, unsigned ton, char *out, size_t cap)
{
	if (!digits)
		return -1;
	return canon_core(digits, strlen(digits), ton == POLICY_TON_INTERNATIONAL, out, cap);
}

/* 1 if the digits cn[0..n) are what canon_core makes of them without a
 * '+': no "00" it would take for the international prefix, and no
 * national form it would give the country code (unless that only puts
 * back the digits it drops: a country code that is its national prefix,
 * such as "1" and "1"). */
static int reads_back(const char *cn, size_t n)
{
	int skip;

	if (n >= 9 && cn[0] == '0' && cn[1] == '0')
		return 0;
	if ((skip = national_form(cn, n)) < 0)
		return 1;
	return (size_t)skip == num_ccl && !memcmp(cn, num_cc, num_ccl);
}

int policy_canon_export(const char *cn, char *out, size_t cap)
{
	size_t n = cn ? strlen(cn) : 0, i = 0;
	int plus = 0;

	while (i < n && cn[i] >= '0' && cn[i] <= '9')
		i++;
	/* a number reads back as written, or (an international number that
	 * reads as a national one: "+1 415…" is "14155551234", which alone is
	 * a Chinese mobile) with the '+' that says it is international */
	if (i == n && n > 0 && n <= CANON_DIGITS_MAX)
		plus = !reads_back(cn, n);
	if (cap < n + (size_t)plus + 1)
		return -1;
	if (n)
		memmove(out + plus, cn, n);
	out[n + (size_t)plus] = 0;
	if (plus)
		out[0] = '+';
	return (int)n + plus;
}

const char *policy_national(const char *canon)
{
	size_t ccl = strlen(num_cc);

	if (canon && !strncmp(canon, num_cc, ccl) && national_mobile(canon + ccl, strlen(canon + ccl)))
		return canon + ccl;
	return NULL;
}

static int fp_skip(uint32_t c)
{
	if (c < 0x80)
		return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			 (c >= 'A' && c <= 'Z') || c >= 0x80);
	return pu_is_space(c) || (c >= 0x3000 && c <= 0x303F) || c == 0xFFFD ||
	       (c >= 0x200B && c <= 0x200F) || (c >= 0x2060 && c <= 0x2064) ||
	       c == 0xFEFF;
}

uint64_t policy_fingerprint(const char *text, size_t len)
{
	const uint8_t *t = (const uint8_t *)text;
	uint64_t h = PU_FNV_OFFSET;
	size_t i = 0, n = 0;

	if (!text)
		return 0;
	while (i < len) {
		uint32_t c;

		/* the two kinds of nearly every character, taken without the
		 * general steps and hashed alike: a letter or digit (ASCII:
		 * octets 0, 0, c) and a CJK ideograph U+4000-U+9FFF (lead
		 * octets E4-E9: never skipped, never folded, never overlong) */
		if (t[i] < 0x80) {
			c = t[i++];
			if (!((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
				continue;
			c |= (c >= 'A') ? 0x20 : 0;
			h = (h * (PU_FNV_PRIME * PU_FNV_PRIME) ^ c) * PU_FNV_PRIME;
			n++;
			continue;
		}
		if (t[i] >= 0xE4 && t[i] <= 0xE9 && len - i >= 3 && (t[i + 1] & 0xC0) == 0x80 &&
		    (t[i + 2] & 0xC0) == 0x80) {
			c = (uint32_t)(t[i] & 0x0F) << 12 | (uint32_t)(t[i + 1] & 0x3F) << 6 |
			    (t[i + 2] & 0x3F);
			h = (h * PU_FNV_PRIME ^ (c >> 8)) * PU_FNV_PRIME;
			h = (h ^ (c & 0xFF)) * PU_FNV_PRIME;
			i += 3;
			n++;
			continue;
		}
		c = pu_fold_width(pu_utf8_next(text, len, &i));

		if (fp_skip(c))
			continue;
		if (c >= 'A' && c <= 'Z')
			c += 32;
		h = pu_fnv_step(h, (uint8_t)(c >> 16));
		h = pu_fnv_step(h, (uint8_t)(c >> 8));
		h = pu_fnv_step(h, (uint8_t)c);
		n++;
	}
	if (n == 0)
		return 0;
	h = pu_mix64(h);
	return h ? h : 1;
}

int policy_mask_number(const char *in, char *out, size_t cap)
{
	size_t n = strlen(in);
	int number = n > 0;

	for (size_t i = 0; i < n; i++)
		if (!pu_is_digit(in[i]) && !(i == 0 && in[i] == '+'))
			number = 0;
	if (cap < n + 1)
		return -1;
	memcpy(out, in, n + 1);
	if (number && n > 5)
		memset(out + 3, '*', n - 5);
	return (int)n;
}

/* Separators between a reported number or sender id and the text:
 * 1 = whitespace, 2 = an explicit separator, 0 = none. */
static int sep_kind(uint32_t c)
{
	if (pu_is_space(c))
		return 1;
	switch (c) {
	case '*': case ':': case '#': case ',': case ';': case '/': case '|':
	case '=': case '>':
	case 0x3001:	/* 、 ideographic comma */
	case 0x3002:	/* 。 ideographic full stop */
		return 2;
	}
	return 0;
}

static uint32_t peek(const char *t, size_t len, size_t i)
{
	return i < len ? pu_fold_width(pu_utf8_next(t, len, &i)) : 0;
}

/* Skip a run of separators from i; *explicit_sep is set if the run holds
 * an explicit one. Returns the position after the run. */
static size_t skip_seps(const char *t, size_t len, size_t i, int *explicit_sep)
{
	*explicit_sep = 0;
	while (i < len) {
		size_t j = i;
		int k = sep_kind(pu_fold_width(pu_utf8_next(t, len, &j)));

		if (!k)
			break;
		if (k == 2)
			*explicit_sep = 1;
		i = j;
	}
	return i;
}

/* Is d[0..nd) a number as people write one (DOMAIN.md §3, China)?
 * Fills nat with the form policy_canon_number takes ("+" + digits for a
 * foreign E.164 number, else the national digits). plus: written with a
 * leading '+'. Accepted:
 *   +86 / 0086 / 86 + national number; + / 00 + another country code
 *   (8-15 digits, ITU-T E.164 §6);
 *   mobiles 1[3-9] + 9 digits; fixed lines 0 + area code + number
 *   (10-12 digits, not 00); 106… industry ports (8-20 digits);
 *   service numbers 95xxx, 100xx, 12xxx (5 digits); 400/800 hotlines
 *   (10 digits).
 * Anything else ("000001", "000", "2026", "12") names no number. */
static int number_valid(const char *d, size_t nd, int plus, char *nat, size_t cap)
{
	const char *r = d;
	size_t nr = nd;
	int intl = plus;

	if (nd >= CANON_DIGITS_MAX + 1 || cap < nd + 3)
		return 0;
	if (!plus && nd > 2 && d[0] == '0' && d[1] == '0') {
		r += 2;
		nr -= 2;
		intl = 1;
	}
	if (intl) {
		if (nr > 2 && r[0] == '8' && r[1] == '6') {
			r += 2;
			nr -= 2;
			/* national significant number: mobile or area code + number */
			if (nr == 11 && r[0] == '1' && r[1] >= '3' && r[1] <= '9') {
				memcpy(nat, r, nr);
				nat[nr] = 0;
				return 1;
			}
			if (nr >= 9 && nr <= 11 && r[0] >= '1' && r[0] <= '9' &&
			    !(r[0] == '1' && r[1] != '0')) {
				nat[0] = '0';
				memcpy(nat + 1, r, nr);
				nat[nr + 1] = 0;
				return 1;
			}
			return 0;
		}
		if (nr >= 8 && nr <= 15 && r[0] != '0') {
			nat[0] = '+';
			memcpy(nat + 1, r, nr);
			nat[nr + 1] = 0;
			return 1;
		}
		return 0;
	}
	/* "86" + a mobile written without '+' */
	if (nd == 13 && d[0] == '8' && d[1] == '6' && d[2] == '1' && d[3] >= '3' && d[3] <= '9')
		r += 2, nr -= 2;
	else if (!((nr == 11 && r[0] == '1' && r[1] >= '3' && r[1] <= '9') ||
		   (nr >= 10 && nr <= 12 && r[0] == '0' && r[1] != '0') ||
		   (nr >= 8 && r[0] == '1' && r[1] == '0' && r[2] == '6') ||
		   (nr == 5 && r[0] == '9' && r[1] == '5') ||
		   (nr == 5 && r[0] == '1' && r[1] == '0' && r[2] == '0') ||
		   (nr == 5 && r[0] == '1' && r[1] == '2') ||
		   (nr == 10 && (r[0] == '4' || r[0] == '8') && r[1] == '0' && r[2] == '0')))
		return 0;
	memcpy(nat, r, nr);
	nat[nr] = 0;
	return 1;
}

/* A character that may sit between digit groups of one written number:
 * "138-0000-0000", "138 0000 0000", "138.0000.0000", "(010)12345678",
 * en/em dashes. */
static int number_sep(uint32_t c)
{
	return c == '-' || c == ' ' || c == '.' || c == '(' || c == ')' ||
	       c == 0x2013 || c == 0x2014 || c == 0x2212;
}

#define NUM_GROUPS_MAX 12

/* Try a written number at i; on success fill out->reported and return the
 * position after it (before any separator), else 0. The digits are read in
 * groups; the longest run of whole groups that is a valid number wins
 * ("95588 3 days" names 95588), so a number never swallows what follows. */
static size_t try_number(const char *t, size_t len, size_t i, struct policy_report *out)
{
	char d[CANON_DIGITS_MAX + 2], nat[CANON_DIGITS_MAX + 4];
	size_t nd = 0, gend[NUM_GROUPS_MAX], gnd[NUM_GROUPS_MAX];
	unsigned ng = 0;
	int plus = 0;
	uint32_t c;

	if (peek(t, len, i) == '(')
		pu_utf8_next(t, len, &i);
	if (peek(t, len, i) == '+') {
		pu_utf8_next(t, len, &i);
		plus = 1;
	}
	while (i < len) {
		size_t j = i, k;
		unsigned nsep = 0;

		c = pu_fold_width(pu_utf8_next(t, len, &j));
		if (c >= '0' && c <= '9') {
			if (nd >= CANON_DIGITS_MAX)
				return 0;
			d[nd++] = (char)c;
			i = j;
			continue;
		}
		if (nd == 0 || ng >= NUM_GROUPS_MAX)
			break;
		/* end of a group; separators (at most two) then more digits? */
		gend[ng] = i;
		gnd[ng++] = nd;
		k = i;
		while (k < len && nsep < 3) {
			size_t m = k;
			uint32_t sc = pu_fold_width(pu_utf8_next(t, len, &m));

			if (!number_sep(sc))
				break;
			nsep++;
			k = m;
		}
		c = peek(t, len, k);
		if (nsep == 0 || nsep > 2 || !(c >= '0' && c <= '9'))
			break;
		i = k;
	}
	if (nd == 0)
		return 0;
	if (ng == 0 || gnd[ng - 1] != nd) {
		if (ng >= NUM_GROUPS_MAX)
			return 0;
		gend[ng] = i;
		gnd[ng++] = nd;
	}
	while (ng > 0) {
		size_t end = gend[ng - 1], n = gnd[ng - 1];
		uint32_t next = peek(t, len, end);

		ng--;
		if (!number_valid(d, n, plus, nat, sizeof(nat)))
			continue;
		/* followed by a separator or the end; a phone-length number may
		 * run straight into CJK text ("13800000000发来的诈骗") */
		if (end < len && !sep_kind(next) && next != ')' && !(n >= 7 && next >= 0x80))
			return 0;
		if (next == ')')
			pu_utf8_next(t, len, &end);
		if (policy_canon_number(nat, strlen(nat), out->reported, sizeof(out->reported)) < 0)
			return 0;
		out->reported_kind = POLICY_REPORTED_NUMBER;
		return end;
	}
	return 0;
}

static int alnum_id_char(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       c == '-' || c == '_' || c == '.' || c == '&';
}

/* Try an alphanumeric sender id at i (2-11 characters of [A-Za-z0-9-_.&]
 * with a letter, TS 23.040 §9.1.2.5 alphanumeric address); returns the
 * position after it, or 0. A word at the start of a text is only a sender
 * id when the form leaves no doubt: the report service's own separator
 * '*' ("ICBC*text"), or the network delivered a message from exactly that
 * id to this reporter recently (opts->sender_delivered). "FREE entry…",
 * "URGENT: call…" and "Hello world" name nobody. */
static size_t try_sender(const char *t, size_t len, size_t i, const struct policy_report_opts *o,
			 struct policy_report *out)
{
	char id[12];
	size_t n = 0, end, after, j;
	int letters = 0, explicit_sep, star = 0;

	while (i < len) {
		size_t j2 = i;
		uint32_t c = pu_fold_width(pu_utf8_next(t, len, &j2));

		if (!alnum_id_char(c))
			break;
		if (n >= 11)
			return 0;
		letters += (c | 32) >= 'a' && (c | 32) <= 'z';
		id[n++] = (char)pu_upper((int)c);
		i = j2;
	}
	end = i;
	if (n < 2 || !letters || end >= len)
		return 0;
	if (!sep_kind(peek(t, len, end)))
		return 0;
	after = skip_seps(t, len, end, &explicit_sep);
	if (after >= len)
		return 0;
	for (j = end; j < after;) {
		if (pu_fold_width(pu_utf8_next(t, len, &j)) == '*')
			star = 1;
	}
	id[n] = 0;
	if (!star && !(o && o->sender_delivered && o->sender_delivered(o->arg, out->reporter, id)))
		return 0;
	memcpy(out->reported, id, n + 1);
	out->reported_kind = POLICY_REPORTED_SENDER;
	return end;
}

/* Words subscribers put before the number they report ("举报13800000000",
 * "号码：138…"); skipped only when a valid number follows. */
static const char *const lead_words[] = { "举报号码", "投诉号码", "举报", "投诉", "号码" };

void policy_reported_export(const struct policy_report *r, char out[SF_TPADDR_MAX + 2])
{
	if (r->reported_kind != POLICY_REPORTED_NUMBER ||
	    policy_canon_export(r->reported, out, SF_TPADDR_MAX + 2) < 0)
		memcpy(out, r->reported, sizeof(r->reported));
}

enum sf_err policy_parse_report(const char *text, size_t len, const char *reporter,
				struct policy_report *out)
{
	return policy_parse_report_ex(text, len, reporter, NULL, out);
}

enum sf_err policy_parse_report_ex(const char *text, size_t len, const char *reporter,
				   const struct policy_report_opts *o, struct policy_report *out)
{
	size_t i = 0, end = 0;
	int explicit_sep;

	memset(out, 0, sizeof(*out));
	if (!reporter || policy_canon_number(reporter, strlen(reporter), out->reporter,
					     sizeof(out->reporter)) < 0)
		return SF_E_POLICY_REPORT_NO_REPORTER;
	if (!text)
		len = 0;

	/* leading whitespace */
	while (i < len) {
		size_t j = i;

		if (!pu_is_space(pu_fold_width(pu_utf8_next(text, len, &j))))
			break;
		i = j;
	}
	/* the head of the text names the reported party, unless the part
	 * that held it never arrived */
	if (!(o && o->head_missing)) {
		end = try_number(text, len, i, out);
		for (size_t w = 0; !end && w < sizeof(lead_words) / sizeof(lead_words[0]); w++) {
			size_t wl = strlen(lead_words[w]), k;

			if (len - i < wl || memcmp(text + i, lead_words[w], wl))
				continue;
			k = skip_seps(text, len, i + wl, &explicit_sep);
			end = try_number(text, len, k, out);
		}
		if (!end)
			end = try_sender(text, len, i, o, out);
	}
	if (end)
		i = skip_seps(text, len, end, &explicit_sep);

	/* trailing whitespace: ASCII, NBSP (C2 A0), ideographic space (E3 80 80) */
	while (len > i) {
		const uint8_t *u = (const uint8_t *)text;

		if (pu_is_space(u[len - 1]) && u[len - 1] < 0x80)
			len--;
		else if (len - i >= 2 && u[len - 2] == 0xC2 && u[len - 1] == 0xA0)
			len -= 2;
		else if (len - i >= 3 && u[len - 3] == 0xE3 && u[len - 2] == 0x80 && u[len - 1] == 0x80)
			len -= 3;
		else
			break;
	}
	out->text = len > i ? text + i : NULL;
	out->text_len = len > i ? len - i : 0;
	if (out->text_len > POLICY_REPORT_TEXT_MAX) {
		size_t n = POLICY_REPORT_TEXT_MAX;

		/* RFC 3629 §3: never cut inside a multi-byte sequence */
		while (n > 0 && ((const uint8_t *)out->text)[n] >= 0x80 &&
		       ((const uint8_t *)out->text)[n] < 0xC0)
			n--;
		out->text_len = n;
	}
	out->fp = policy_fingerprint(out->text, out->text_len);
	if (out->reported_kind == POLICY_REPORTED_NONE && out->text_len == 0)
		return SF_E_POLICY_REPORT_EMPTY;
	return SF_OK;
}

/* Characters a command may carry anywhere without changing it: NUL
 * (UCS-2 / 8-bit padding) and zero-width characters. */
static int cmd_invisible(uint32_t c)
{
	return c == 0 || (c >= 0x200B && c <= 0x200F) || (c >= 0x2060 && c <= 0x2064) ||
	       c == 0xFEFF;
}

static int cmd_trailer(uint32_t c)
{
	return c == '.' || c == '!' || c == 0x3002 /* 。 */;
}

int policy_text_is_command(const char *text, size_t len, const char *cmd)
{
	size_t i = 0, k = 0, cl = strlen(cmd);
	int done = 0;	/* the command's characters have ended (space or trailer) */

	if (!text || cl == 0)
		return 0;
	while (i < len) {
		uint32_t c = pu_fold_width(pu_utf8_next(text, len, &i));

		if (cmd_invisible(c))
			continue;
		if (pu_is_space(c)) {
			done = k > 0;
			continue;
		}
		if (cmd_trailer(c) && k == cl) {
			done = 1;
			continue;
		}
		if (done || k >= cl || c >= 0x80 || pu_upper((int)c) != pu_upper((unsigned char)cmd[k]))
			return 0;
		k++;
	}
	return k == cl;
}

enum sf_err policy_parse_shield(const char *text, size_t len, const char *subscriber,
				const char *port, const struct policy_config *cfg,
				struct policy_shield *out)
{
	size_t pl = strlen(cfg->industry_prefix);

	memset(out, 0, sizeof(*out));
	if (policy_text_is_command(text, len, cfg->shield_command))
		out->type = POLICY_SHIELD_ADD;
	else if (policy_text_is_command(text, len, cfg->unshield_command))
		out->type = POLICY_SHIELD_REMOVE;
	else
		return SF_OK;
	if (!port || policy_canon_number(port, strlen(port), out->port, sizeof(out->port)) < 0 ||
	    strncmp(out->port, cfg->industry_prefix, pl) != 0) {
		out->type = POLICY_SHIELD_NONE;
		return SF_E_POLICY_SHIELD_NOT_PORT;
	}
	if (!subscriber || policy_canon_number(subscriber, strlen(subscriber), out->subscriber,
					       sizeof(out->subscriber)) < 0) {
		out->type = POLICY_SHIELD_NONE;
		return SF_E_POLICY_SHIELD_NO_SUBSCRIBER;
	}
	return SF_OK;
}
