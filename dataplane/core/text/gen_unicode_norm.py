#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Generates unicode_norm.h for normalize.c at build time from the Unicode
# Character Database of Debian's unicode-data package (/usr/share/unicode):
#   norm_ignorable: code point ranges removed by the normaliser (step 5):
#     Default_Ignorable_Code_Point (DerivedCoreProperties.txt), every
#     format character (General_Category Cf) and every nonspacing or
#     enclosing mark (Mn, Me; UnicodeData.txt): they render as nothing, or
#     as a mark over a letter, and split a keyword for a matcher. Except
#     the nonspacing marks of the Brahmic and Southeast Asian scripts
#     (SPELLING below: Indic vowel signs, viramas, anusvara; Thai, Lao,
#     Tibetan, Myanmar, Khmer vowels and tone marks): there they spell the
#     word (बैंक "bank" is not बक), and a rule is written with them. Their
#     default-ignorable code points (U+17B4/17B5) are still removed.
#   norm_ideo_fold: ideograph look-alikes folded to the unified ideograph
#     (as NFKC does, and further): Kangxi radicals U+2F00-2FD5 by their
#     <compat> decomposition, CJK radicals supplement U+2E80-2EF3 by
#     EquivalentUnifiedIdeograph.txt (or a <compat> decomposition), CJK
#     compatibility ideographs by their singleton canonical decomposition.
# Usage: gen_unicode_norm.py UCD_DIR OUT.h
import os
import sys


# blocks whose nonspacing marks are part of the spelling
SPELLING = [(0x0900, 0x0DFF),	# Devanagari .. Sinhala
            (0x0E00, 0x0EFF),	# Thai, Lao
            (0x0F00, 0x0FFF),	# Tibetan
            (0x1000, 0x109F),	# Myanmar
            (0x1780, 0x17FF),	# Khmer
            (0xA8E0, 0xA8FF)]	# Devanagari Extended


def spelling(cp):
    return any(a <= cp <= b for a, b in SPELLING)


def ranges(cps):
    out = []
    for c in sorted(cps):
        if out and out[-1][1] + 1 == c:
            out[-1][1] = c
        else:
            out.append([c, c])
    return out


def main():
    ucd, out = sys.argv[1], sys.argv[2]
    ign = set()
    with open(os.path.join(ucd, "DerivedCoreProperties.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#")[0].strip()
            if not line:
                continue
            cp, prop = [x.strip() for x in line.split(";")[:2]]
            if prop != "Default_Ignorable_Code_Point":
                continue
            a, _, b = cp.partition("..")
            ign.update(range(int(a, 16), int(b or a, 16) + 1))
    fold = {}
    first = None
    with open(os.path.join(ucd, "UnicodeData.txt"), encoding="utf-8") as f:
        for line in f:
            fld = line.rstrip("\n").split(";")
            cp, name, gc, dec = int(fld[0], 16), fld[1], fld[2], fld[5]
            if name.endswith(", First>"):
                first = cp
                continue
            span = range(first, cp + 1) if name.endswith(", Last>") else (cp,)
            first = None
            if gc in ("Cf", "Me") or (gc == "Mn" and not spelling(cp)):
                ign.update(span)
            parts = dec.split()
            if 0x2E80 <= cp <= 0x2FDF and len(parts) == 2 and parts[0] == "<compat>":
                fold[cp] = int(parts[1], 16)
            elif (0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F) and len(parts) == 1:
                fold[cp] = int(parts[0], 16)
    with open(os.path.join(ucd, "EquivalentUnifiedIdeograph.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#")[0].strip()
            if not line:
                continue
            cp, to = [x.strip() for x in line.split(";")]
            a, _, b = cp.partition("..")
            for c in range(int(a, 16), int(b or a, 16) + 1):
                if 0x2E80 <= c <= 0x2FDF:
                    fold.setdefault(c, int(to, 16))
    rg = ranges(ign)
    with open(out, "w", encoding="utf-8") as o:
        o.write("/* SPDX-License-Identifier: BSD-3-Clause */\n"
                "/* GENERATED at build time by gen_unicode_norm.py from the Unicode Character\n"
                " * Database (Debian unicode-data): do not edit. */\n"
                "#ifndef SF_UNICODE_NORM_H\n#define SF_UNICODE_NORM_H\n\n#include <stdint.h>\n\n")
        o.write("/* Default_Ignorable_Code_Point and General_Category Cf, Me, Mn (but the\n"
                " * marks that spell Brahmic and Southeast Asian words): sorted ranges */\n")
        o.write("static const uint32_t norm_ignorable[][2] = {\n")
        for a, b in rg:
            o.write("\t{ 0x%04X, 0x%04X },\n" % (a, b))
        o.write("};\n#define NORM_IGNORABLE_LEN %d\n\n" % len(rg))
        o.write("/* radicals and compatibility ideographs → unified ideograph, sorted */\n")
        o.write("static const uint32_t norm_ideo_fold[][2] = {\n")
        for c in sorted(fold):
            o.write("\t{ 0x%04X, 0x%04X },\n" % (c, fold[c]))
        o.write("};\n#define NORM_IDEO_FOLD_LEN %d\n\n#endif\n" % len(fold))


if __name__ == "__main__":
    main()
