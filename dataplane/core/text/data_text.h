/* SPDX-License-Identifier: BSD-3-Clause */
/* 8-bit SMS user data (TS 23.038 §4 "8 bit data") that carries text: a
 * handset application, or a receiver the sender controls, may show it, so
 * the filter reads it as text too (the payload itself is never changed). */
#ifndef SF_TEXT_DATA_TEXT_H
#define SF_TEXT_DATA_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* p/len as UTF-8 text into out (NUL-terminated) when it reads as printable
 * text: UTF-8 (RFC 3629, optional BOM), or UTF-16 with a BOM, or UTF-16BE
 * / LE without one (the byte order that gives more ideographs and ASCII
 * letters). Printable: no C0/C1 controls other than TAB, LF, CR, no
 * noncharacters, no lone surrogates, at least 2 characters. Returns the
 * bytes written, or -1 (not text, or cap too small). */
int data_text_decode(const uint8_t *p, size_t len, char *out, size_t cap);

#endif
