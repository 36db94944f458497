/* SPDX-License-Identifier: BSD-3-Clause */
/* GSM 7-bit default alphabet, its extension table and the national
 * language locking and single shift tables of every national language
 * identifier (3GPP TS 23.038 §6.2.1, §6.2.1.2.4, Annex A: Turkish, Spanish,
 * Portuguese, Bengali, Gujarati, Hindi, Kannada, Malayalam, Oriya, Punjabi,
 * Tamil, Telugu, Urdu), septet packing (§6.1.2.1.1), UTF-8 in and out. */
#ifndef SF_TEXT_GSM7_H
#define SF_TEXT_GSM7_H

#include <stddef.h>
#include <stdint.h>

#include "sf_err.h"

#define GSM7_ESC 0x1B	/* TS 23.038 §6.2.1: escape to the (single shift) extension table */

/* Unpack n_septets septets starting fill_bits (0..6) bits into p (LSB
 * first, §6.1.2.1.1) and decode them with the national locking shift table
 * nl_locking and single shift table nl_single (0 = default alphabet and
 * its extension table; ids of §6.2.1.2.4). UTF-8 out, NUL-terminated.
 * - ESC + code not in the single shift table: the locking table's
 *   character for that code (§6.2.1.1 NOTE); ESC ESC: a space (§6.2.1.1).
 * - A code a national locking table leaves empty (e.g. Tamil 0x00) shows
 *   a space, as unused codes are shown (§6.1.1 note 1), and adds one to
 *   *replaced.
 * - A table id TS 23.038 does not define (gsm7_nl_supported() == 0: the
 *   reserved ids 14..255, and the Spanish locking table, A.3.2 being void)
 *   is decoded with the default alphabet / extension table, as a receiver
 *   that does not support it does (§6.2.1.2.4); the caller counts
 *   SF_E_TEXT_NL_UNKNOWN.
 * - A lone ESC as the last septet becomes U+FFFD and adds one to
 *   *replaced (may be NULL).
 * Returns UTF-8 bytes written (without the NUL), SF_E_TEXT_FILL_BITS_INVALID,
 * SF_E_TEXT_SEPTETS_BEYOND_DATA or SF_E_NO_SPACE. */
int gsm7_decode(const uint8_t *p, size_t len, unsigned fill_bits, unsigned n_septets,
		uint8_t nl_locking, uint8_t nl_single, char *out, size_t cap, uint32_t *replaced);

/* 1 when the table is carried: locking 0 (default alphabet), 1 and 3..13
 * (TS 23.038 defines no Spanish locking shift table); single shift 0
 * (default extension table) and 1..13. */
int gsm7_nl_supported(int locking, uint8_t id);

/* UTF-8 → unpacked septets with the default alphabet and its extension
 * table (ESC 0x1B + code). Returns the septet count, SF_E_TEXT_UTF8_INVALID,
 * SF_E_TEXT_UNREPRESENTABLE or SF_E_NO_SPACE. */
int gsm7_from_utf8(const char *s, size_t len, uint8_t *septets, size_t cap);

/* The same with a national locking / single shift table pair (ids as for
 * gsm7_decode; unsupported ids give SF_E_TEXT_NL_UNKNOWN). A character in
 * both tables is taken from the locking table (one septet); one a table
 * prints at two codes, from the lower code. */
int gsm7_from_utf8_nl(const char *s, size_t len, uint8_t nl_locking, uint8_t nl_single,
		      uint8_t *septets, size_t cap);

/* Pack n septets (each 0..0x7F) after fill_bits (0..6) zero bits, LSB
 * first (§6.1.2.1.1). Returns bytes written, ceil((fill_bits + 7n) / 8), or
 * SF_E_TEXT_FILL_BITS_INVALID, SF_E_TEXT_UNREPRESENTABLE (septet > 0x7F),
 * SF_E_NO_SPACE. */
int gsm7_pack(const uint8_t *septets, size_t n, unsigned fill_bits, uint8_t *out, size_t cap);

/* Fill bits that bring GSM 7-bit text after a user data header of
 * udh_octets octets (UDHL + 1) to a septet boundary (TS 23.040 §9.2.3.24):
 * (7 - (8 * udh_octets) mod 7) mod 7; 0 when there is no header. */
static inline unsigned gsm7_fill_bits(size_t udh_octets)
{
	return (unsigned)((7 - (udh_octets * 8) % 7) % 7);
}

/* Code point of one septet in a locking table (0xFFFF for ESC; 0 for a
 * code the table leaves empty or an unsupported table) and in a single
 * shift table (0 when not defined, and for ESC). */
uint32_t gsm7_locking_cp(uint8_t id, uint8_t septet);
uint32_t gsm7_single_cp(uint8_t id, uint8_t septet);

#endif
