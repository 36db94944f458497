/* SPDX-License-Identifier: BSD-3-Clause */
/* Reports and shields seen on the wire (DOMAIN.md §3): parsing the text of
 * a mobile-originated SMS to the report number (10086999) and of "00000" /
 * the cancel command to an industry port, number canonicalisation, text
 * fingerprints and number masking. Pure functions: no allocation, no
 * state; results point into the caller's input or are small copies. */
#ifndef POLICY_REPORT_H
#define POLICY_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "sf_err.h"
#include "sf_sms.h"
#include "policy_config.h"

#define POLICY_REPORT_TEXT_MAX 1024	/* bytes of reported text kept (LISTS_SPEC) */

/* Canonical number (POLICY.md "Numbers"), the one form the dataplane,
 * events, lists and smsfwctl use: ASCII digits only; a leading '+' or
 * international prefix "00" is dropped; a national number gets the
 * country code: a mobile (country code 86: 11 digits 1[3-9]…) as written,
 * a fixed line (national prefix + non-zero, 10-12 digits) without its
 * national prefix; so "+86 138-0000-0000", "008613800000000",
 * "13800000000" all become "8613800000000" and "010-1234 5678"
 * "861012345678". Short codes (10086, 95588, 106… ports) stay as they
 * are. Input: ASCII or full-width digits, '+', and '-' '.' ' ' dashes or
 * parentheses between digits. Returns the length written to out
 * (NUL-terminated), or -1 if the input is not a number of 1..20 digits or
 * does not fit. */
int policy_canon_number(const char *in, size_t len, char *out, size_t cap);

/* Type of number of an address on the wire: TP-OA/TP-DA (TS 23.040
 * §9.1.2.5, bits 7-5 of the type-of-address octet) and the nature of
 * address of a MAP AddressString (TS 29.002 §17.7.8, same bits) share
 * the values; 1 is international (the digits start with the country
 * code). */
#define POLICY_TON_INTERNATIONAL 1

/* The canonical form of an address from the wire: its digits as
 * policy_canon_number reads them, except that an international one (ton
 * POLICY_TON_INTERNATIONAL) is never taken for a national number
 * ("14155551234" with TON international is +1 415…, not a Chinese
 * mobile). Same return as policy_canon_number. */
int policy_canon_addr(const char *digits, unsigned ton, char *out, size_t cap);

/* A canonical number written so that policy_canon_number reads it back
 * unchanged: as it is, or with a '+' in front when it is an international
 * number that would otherwise read as a national one ("14155551234" →
 * "+14155551234"); anything that is not digits (a sender id, "") is
 * copied as it is. Canonical numbers are canonicalised once, where they
 * enter; this is the form they take when they leave the process (lists
 * text, events), whose readers canonicalise what they read. Returns the
 * length, or -1 if out (cap bytes) is too small. */
int policy_canon_export(const char *canon, char *out, size_t cap);

/* The numbering plan of policy_canon_number: country code (1-3 digits,
 * default "86") and national prefix (1-2 digits, default "0"). Call once
 * at start-up before any other thread runs; 0 or -1 (invalid, unchanged). */
int policy_numbering_set(const char *country_code, const char *national_prefix);
const char *policy_numbering_cc(void);
const char *policy_numbering_np(void);

/* The national form of a canonical Chinese mobile number ("86138…" →
 * "138…"), or NULL if canon is not one. Points into canon. */
const char *policy_national(const char *canon);

/* 64-bit fingerprint of a text: FNV-1a over the code points after folding
 * full-width forms to ASCII and ASCII letters to lower case, skipping
 * whitespace, ASCII punctuation, CJK punctuation (U+3000-303F), U+FFFD and
 * zero-width characters (U+200B-200F, U+2060-2064, U+FEFF); finalised with
 * splitmix64. 0 when nothing is left (empty text); never 0 otherwise.
 * Feed it normalised text; it is also stable under those foldings. */
uint64_t policy_fingerprint(const char *text, size_t len);

/* Mask a number for logs of passed messages: keep the first 3 and last 2
 * characters, '*' for each one between ("13800000000" → "138******00",
 * "8613800000000" → "861********00"). Strings of 5 characters or fewer
 * and anything that is not a number (alphanumeric sender ids) are copied
 * unchanged. Returns the length, or -1 if out (cap bytes) is too small. */
int policy_mask_number(const char *in, char *out, size_t cap);

enum policy_reported_kind {
	POLICY_REPORTED_NONE = 0,	/* only forwarded text */
	POLICY_REPORTED_NUMBER,		/* canonical number */
	POLICY_REPORTED_SENDER,		/* alphanumeric sender id, upper case */
};

struct policy_report {
	char reporter[SF_TPADDR_MAX + 1];	/* canonical MSISDN of the reporter */
	char reported[SF_TPADDR_MAX + 1];	/* number, sender id, or "" */
	uint8_t reported_kind;			/* enum policy_reported_kind */
	const char *text;			/* reported text, points into the input */
	size_t text_len;			/* ≤ POLICY_REPORT_TEXT_MAX, on a UTF-8 boundary */
	uint64_t fp;				/* policy_fingerprint(text), 0 if none */
};

/* Parse the text of a report to the report number (POLICY.md "Reports"):
 *   "13800000000*text", "13800000000 text", "+86-138-0000-0000：text",
 *   "１３８００００００００＊text", "10657000123 text", "95588 text",
 *   "举报13800000000 text", "ICBC*text", or the forwarded text alone.
 * Only a number written as one at the start names a number: a mobile, a
 * fixed line, a 106… port, a 95xxx/100xx/12xxx service number, 400/800,
 * in national or international form (+86, 0086, 86), with spaces, dashes
 * or dots between digit groups, ASCII or full-width digits. A word names
 * a sender id only as "ID*text" (or see policy_report_opts). Anything
 * else names nothing: the report is its text (fingerprint).
 * reporter is the sender's MSISDN (sm-RP-OA), canonicalised into out.
 * SF_OK; SF_E_POLICY_REPORT_NO_REPORTER if reporter is not a number;
 * SF_E_POLICY_REPORT_EMPTY if the text holds neither a number nor text. */
/* r's reported number as it leaves the process (policy_canon_export), a
 * sender id as it is; out holds SF_TPADDR_MAX + 2 bytes. */
void policy_reported_export(const struct policy_report *r, char out[SF_TPADDR_MAX + 2]);

enum sf_err policy_parse_report(const char *text, size_t len, const char *reporter,
				struct policy_report *out);

/* What the caller knows beyond the text (a report assembled from its
 * concatenated parts, POLICY.md "Reports"). */
struct policy_report_opts {
	/* the first part never arrived: the start of the text is not the
	 * start of the report, so it names nobody (a continuation part
	 * "00-0001，回T退订" or "FREE entry…" is forwarded text) */
	int head_missing;
	/* 1 if the network delivered a message from the alphanumeric sender
	 * id (upper case) to reporter (canonical) recently; then "ID text"
	 * names it. NULL: only "ID*text" names a sender id. */
	int (*sender_delivered)(void *arg, const char *reporter, const char *sender_id);
	void *arg;
};

/* As policy_parse_report, with opts (may be NULL). */
enum sf_err policy_parse_report_ex(const char *text, size_t len, const char *reporter,
				   const struct policy_report_opts *opts, struct policy_report *out);

enum policy_shield_type {
	POLICY_SHIELD_NONE = 0,		/* the text is not a shield command */
	POLICY_SHIELD_ADD,		/* "00000": shield the port */
	POLICY_SHIELD_REMOVE,		/* "QX00000": cancel the shield */
};

struct policy_shield {
	uint8_t type;				/* enum policy_shield_type */
	char subscriber[SF_TPADDR_MAX + 1];	/* canonical MSISDN (the MO sender) */
	char port[SF_TPADDR_MAX + 1];		/* the industry port (TP-DA digits) */
};

/* Recognise cfg->shield_command / cfg->unshield_command in an MO text
 * (surrounding spaces ignored; full-width characters and letter case
 * folded). SF_OK with out->type NONE when the text is no command;
 * SF_E_POLICY_SHIELD_NOT_PORT when it is one but port does not start with
 * cfg->industry_prefix; SF_E_POLICY_SHIELD_NO_SUBSCRIBER when subscriber
 * is not a number. */
enum sf_err policy_parse_shield(const char *text, size_t len, const char *subscriber,
				const char *port, const struct policy_config *cfg,
				struct policy_shield *out);

/* True if text equals cmd after the same folding as above: surrounding
 * whitespace, NUL and zero-width characters anywhere (UCS-2 NUL padding,
 * "0\u200b0000") and trailing full stops or exclamation marks ("00000。")
 * are ignored; a space inside ("0 0000") is not the command. */
int policy_text_is_command(const char *text, size_t len, const char *cmd);

#endif
