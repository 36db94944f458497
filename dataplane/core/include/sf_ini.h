/* SPDX-License-Identifier: BSD-3-Clause */
/* Checks of an INI file's raw bytes that a line parser cannot make once it
 * holds C strings: a NUL byte (which would cut a value silently) and a key
 * given twice in one section (which one wins is a guess the operator should
 * not have to make). Shared by smsfw (rte_cfgfile) and smsfw-controld. */
#ifndef SF_INI_H
#define SF_INI_H

#include <stddef.h>

/* text: the whole file, len bytes (may hold NULs). Comments start with '#'
 * or ';' after leading blanks; "[name]" opens a section (a section named
 * twice is the same section); "key = value" lines are compared by key
 * with surrounding blanks removed. 0, or -1 with "path:line: message". */
int sf_ini_lint(const char *text, size_t len, const char *path, char *err, size_t errlen);

#endif
