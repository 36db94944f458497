/* SPDX-License-Identifier: BSD-3-Clause */
/* Bundle writer and loader: a good bundle loads; truncated, padded,
 * corrupted, wrong-magic, wrong-format, wrong-Hyperscan, wrong-CPU and
 * inconsistent bundles are refused with their exact reason. SHA-256 against
 * FIPS 180-4 example vectors; sender canonical forms.
 * Spec: dataplane/core/scan/bundle.h layout, rules/FORMAT.md "Bundle file". */
#include <string.h>

#include "sf_bytes.h"
#include "sf_test.h"
#include "sf_verdict.h"
#include "scan/bundle.h"
#include "scan/scan.h"
#include "sf_sha256.h"
#include "engine_bundle.h"

static uint8_t *img;
static size_t img_len;

/* Load a modified copy; returns the error text ("" if it loaded). */
static const char *try_load(const uint8_t *p, size_t n, char *err, size_t errlen)
{
	struct scan_bundle *x;

	err[0] = '\0';
	x = scan_bundle_load(p, n, err, errlen);
	if (x) {
		scan_bundle_free(x);
		return "";
	}
	return err;
}

static uint8_t *copy(void)
{
	uint8_t *c = malloc(img_len + 1);

	memcpy(c, img, img_len);
	return c;
}

/* offset and length of a section by type */
static void section(const uint8_t *p, uint32_t type, uint32_t *off, uint32_t *len, uint32_t *entry)
{
	uint32_t n = sf_rd32(p + 144);

	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = p + BUNDLE_HEADER_LEN + 12 * i;

		if (sf_rd32(e) == type) {
			*off = sf_rd32(e + 4);
			*len = sf_rd32(e + 8);
			if (entry)
				*entry = BUNDLE_HEADER_LEN + 12 * i;
			return;
		}
	}
	*off = *len = 0;
}

static int starts(const char *s, const char *prefix)
{
	if (strncmp(s, prefix, strlen(prefix)) != 0) {
		fprintf(stderr, "  got \"%s\", want prefix \"%s\"\n", s, prefix);
		return 0;
	}
	return 1;
}

static void test_sha256(void)
{
	uint8_t d[32];
	static const uint8_t abc[32] = {	/* FIPS 180-4 example: SHA-256("abc") */
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	static const uint8_t two_block[32] = {	/* "abcdbcde...nopq" (448 bits) */
		0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8, 0xe5, 0xc0, 0x26, 0x93, 0x0c, 0x3e, 0x60, 0x39,
		0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff, 0x21, 0x67, 0xf6, 0xec, 0xed, 0xd4, 0x19, 0xdb, 0x06, 0xc1,
	};

	sha256("abc", 3, d);
	CHECK_MEM(d, abc, 32);
	sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
	CHECK_MEM(d, two_block, 32);
}

static void test_good(void)
{
	char err[256];
	struct scan_bundle *x = scan_bundle_load(img, img_len, err, sizeof err);
	uint8_t zero[32] = { 0 };

	CHECK(x != NULL);
	if (!x)
		return;
	CHECK_INT(scan_bundle_rule_count(x), 11);
	CHECK_INT(scan_bundle_threshold(x), 100);
	CHECK(memcmp(scan_bundle_source_digest(x), zero, 32) != 0);
	CHECK(scan_bundle_stream_size(x) > 0);
	CHECK_INT(scan_bundle_rule_at(x, 0)->id, 1001);
	CHECK(scan_bundle_rule_at(x, 11) == NULL);
	CHECK_MEM(img, "SMSFWRUL", 8);
	scan_bundle_free(x);
}

static void test_truncated(void)
{
	char err[256];

	CHECK(starts(try_load(img, img_len - 1, err, sizeof err), "truncated: header says"));
	CHECK(starts(try_load(img, 100, err, sizeof err), "truncated: 100 bytes, smaller than a bundle header"));
	CHECK(starts(try_load(img, 0, err, sizeof err), "truncated: 0 bytes"));
	CHECK(starts(try_load(NULL, 0, err, sizeof err), "truncated"));
}

static void test_trailing(void)
{
	char err[256];
	uint8_t *c = copy();

	c[img_len] = 0;
	CHECK(starts(try_load(c, img_len + 1, err, sizeof err), "trailing data: header says"));
	free(c);
}

static void test_corrupted(void)
{
	char err[256];
	uint8_t *c = copy();

	c[img_len / 2] ^= 0x01;
	CHECK_STR(try_load(c, img_len, err, sizeof err), "checksum mismatch: the bundle is corrupted");
	free(c);
	c = copy();
	c[img_len - 1] ^= 0x80;	/* the trailer itself */
	CHECK_STR(try_load(c, img_len, err, sizeof err), "checksum mismatch: the bundle is corrupted");
	free(c);
}

static void test_magic_and_version(void)
{
	char err[256];
	uint8_t *c = copy();

	c[0] = 'X';
	CHECK_STR(try_load(c, img_len, err, sizeof err), "not a smsfw rule bundle (bad magic)");
	free(c);
	c = copy();
	sf_wr32(c + 8, 2);
	scan_bundle_seal(c, img_len);
	CHECK_STR(try_load(c, img_len, err, sizeof err),
		  "bundle format version 2, this loader reads version 1");
	free(c);
}

static void test_other_hyperscan(void)
{
	char err[256], want[256];
	uint8_t *c = copy();

	memset(c + 24, 0, 64);
	memcpy(c + 24, "5.3.0 2020-05-15", 16);
	scan_bundle_seal(c, img_len);
	snprintf(want, sizeof want, "built with Hyperscan \"5.3.0 2020-05-15\", this is Hyperscan "
		 "\"%s\": recompile the rules", hs_version());
	CHECK_STR(try_load(c, img_len, err, sizeof err), want);
	free(c);
	c = copy();
	memset(c + 24, 'A', 64);	/* no NUL: refused, not overread */
	scan_bundle_seal(c, img_len);
	CHECK(starts(try_load(c, img_len, err, sizeof err), "built with Hyperscan \"AAAA"));
	free(c);
}

static void test_other_cpu(void)
{
	char err[256];
	hs_platform_info_t host;
	uint64_t missing;
	uint8_t *c = copy();

	hs_populate_platform(&host);
	missing = (HS_CPU_FEATURES_AVX2 | HS_CPU_FEATURES_AVX512 | HS_CPU_FEATURES_AVX512VBMI) &
		  ~host.cpu_features;
	if (!missing) {
		printf("     (this CPU has every feature Hyperscan knows: nothing to refuse)\n");
		free(c);
		return;
	}
	sf_wr32(c + 92, (uint32_t)(missing >> 32));
	sf_wr32(c + 96, (uint32_t)missing);
	scan_bundle_seal(c, img_len);
	CHECK(starts(try_load(c, img_len, err, sizeof err), "compiled for CPU features "));
	CHECK(strstr(err, "recompile with --platform generic") != NULL);
	free(c);
}

static void test_inconsistent_tables(void)
{
	char err[256];
	uint32_t off, len, ent, soff, slen;
	uint8_t *c;

	section(img, BUNDLE_SEC_RULES, &off, &len, &ent);
	CHECK_INT(len, 11 * BUNDLE_RULE_LEN);

	c = copy();	/* ids out of order: swap the first two records */
	{
		uint8_t t[BUNDLE_RULE_LEN];

		memcpy(t, c + off, BUNDLE_RULE_LEN);
		memcpy(c + off, c + off + BUNDLE_RULE_LEN, BUNDLE_RULE_LEN);
		memcpy(c + off + BUNDLE_RULE_LEN, t, BUNDLE_RULE_LEN);
	}
	scan_bundle_seal(c, img_len);
	CHECK_STR(try_load(c, img_len, err, sizeof err),
		  "rule table: id 1001 at index 1 is zero, duplicate or out of order");
	free(c);

	c = copy();	/* unknown class */
	c[off + 4] = 99;
	scan_bundle_seal(c, img_len);
	CHECK(starts(try_load(c, img_len, err, sizeof err), "rule 1001: bad class 99"));
	free(c);

	c = copy();	/* block action in class allow (rule 9002 is the last) */
	c[off + (len / BUNDLE_RULE_LEN - 1) * BUNDLE_RULE_LEN + 5] = SF_ACT_BLOCK;
	scan_bundle_seal(c, img_len);
	CHECK(starts(try_load(c, img_len, err, sizeof err), "rule 9002: bad class 8 / action 3"));
	free(c);

	c = copy();	/* sender set beyond the table */
	sf_wr16(c + off + 8, 50);
	scan_bundle_seal(c, img_len);
	CHECK_STR(try_load(c, img_len, err, sizeof err), "rule 1001: sender set 50 of 3");
	free(c);

	c = copy();	/* string offset out of range */
	sf_wr32(c + off + 16, 0x7fffffff);
	scan_bundle_seal(c, img_len);
	CHECK_STR(try_load(c, img_len, err, sizeof err), "rule 1001: string offset out of range");
	free(c);

	c = copy();	/* header rule count disagrees with the table */
	sf_wr32(c + 136, 12);
	scan_bundle_seal(c, img_len);
	CHECK(starts(try_load(c, img_len, err, sizeof err), "rule table holds 352 bytes, 12 rules need 384"));
	free(c);

	c = copy();	/* a section pointing past the end */
	sf_wr32(c + ent + 8, (uint32_t)img_len);
	scan_bundle_seal(c, img_len);
	CHECK(starts(try_load(c, img_len, err, sizeof err), "section 2 (type 3) out of bounds"));
	free(c);

	c = copy();	/* two sections on the same bytes */
	section(img, BUNDLE_SEC_SENDERS, &soff, &slen, NULL);
	sf_wr32(c + ent + 4, soff);
	scan_bundle_seal(c, img_len);
	CHECK(starts(try_load(c, img_len, err, sizeof err), "sections 4 and 3 overlap"));
	free(c);

	c = copy();	/* a sender entry with a bad character */
	c[soff + 8 + 2] = '!';
	scan_bundle_seal(c, img_len);
	CHECK_STR(try_load(c, img_len, err, sizeof err), "sender set 0 entry 0: bad character");
	free(c);

	c = copy();	/* a repeated section type */
	sf_wr32(c + BUNDLE_HEADER_LEN + 12, BUNDLE_SEC_BLOCK_DB);
	scan_bundle_seal(c, img_len);
	CHECK_STR(try_load(c, img_len, err, sizeof err), "section 1: unknown or repeated type 1");
	free(c);
}

static void test_bad_databases(void)
{
	char err[256];
	uint32_t off, len, ent, soff, slen, sent;
	uint8_t *c;

	section(img, BUNDLE_SEC_BLOCK_DB, &off, &len, &ent);
	section(img, BUNDLE_SEC_STREAM_DB, &soff, &slen, &sent);
	c = copy();	/* bytecode damaged under a valid bundle checksum */
	c[off + len / 2] ^= 0xFF;
	scan_bundle_seal(c, img_len);
	CHECK_STR(try_load(c, img_len, err, sizeof err), "BLOCK database is corrupt (Hyperscan refused it)");
	free(c);

	c = copy();	/* block and stream databases swapped */
	sf_wr32(c + ent + 4, soff);
	sf_wr32(c + ent + 8, slen);
	sf_wr32(c + sent + 4, off);
	sf_wr32(c + sent + 8, len);
	scan_bundle_seal(c, img_len);
	CHECK_STR(try_load(c, img_len, err, sizeof err), "BLOCK database section holds a STREAM database");
	free(c);

	c = copy();	/* Hyperscan's own header says another version */
	c[off + 4] ^= 0x01;
	scan_bundle_seal(c, img_len);
	CHECK_STR(try_load(c, img_len, err, sizeof err),
		  "BLOCK database is built by another Hyperscan version");
	free(c);
}

static void test_empty_rule_set(void)
{
	struct bundle_build bb;
	uint8_t *e = NULL;
	size_t n = 0;
	char err[256];
	struct scan_bundle *x;
	struct scan_scratch *s;
	struct scan_result r;

	memset(&bb, 0, sizeof bb);
	bb.threshold = 100;
	CHECK_INT(scan_bundle_write(&bb, &e, &n, err, sizeof err), 0);
	x = scan_bundle_load(e, n, err, sizeof err);
	CHECK(x != NULL);
	if (x) {
		s = scan_scratch_create(x);
		CHECK(s != NULL);
		CHECK_INT(scan_block(x, s, "anything", 8, NULL, &r), SF_OK);
		CHECK_INT(r.action, SF_ACT_NONE);
		scan_scratch_free(s);
		scan_bundle_free(x);
	}
	free(e);
	memset(&bb, 0, sizeof bb);	/* threshold 0 is refused on load */
	CHECK_INT(scan_bundle_write(&bb, &e, &n, err, sizeof err), 0);
	CHECK_STR(try_load(e, n, err, sizeof err), "threshold 0 out of range 1..1000000");
	free(e);
}

static void test_sender_canon(void)
{
	static const struct { const char *in, *want; } t[] = {
		{ "95588", "95588" }, { "+8695588", "95588" }, { "008610086", "10086" },
		{ "+86 138-0013-8000", "13800138000" }, { "8613800138000", "13800138000" },
		{ "86123", "86123" },	/* too short to carry a country code */
		{ "ICBC", "icbc" }, { "+", "" }, { "", "" },
		{ "123456789012345678901", "" },	/* 21 characters */
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char out[BUNDLE_SENDER_MAX + 1] = "";
		size_t n = scan_sender_canon(t[i].in, out);

		CHECK_STR(n ? out : "", t[i].want);
		CHECK_INT(n, strlen(t[i].want));
	}
	CHECK_INT(scan_sender_canon(NULL, (char[BUNDLE_SENDER_MAX + 1]){ 0 }), 0);
}

static void test_load_file(void)
{
	char err[256];
	struct scan_bundle *x = scan_bundle_load_file("/nonexistent/smsfw.bundle", err, sizeof err);

	CHECK(x == NULL);
	CHECK_STR(err, "/nonexistent/smsfw.bundle: No such file or directory");
}

int main(int argc, char **argv)
{
	if (argc < 2 || engine_bundle(argv[1], &img, &img_len) != 0) {
		fprintf(stderr, "usage: test_bundle RULES_DIR (must compile)\n");
		return 1;
	}
	RUN(test_sha256);
	RUN(test_good);
	RUN(test_truncated);
	RUN(test_trailing);
	RUN(test_corrupted);
	RUN(test_magic_and_version);
	RUN(test_other_hyperscan);
	RUN(test_other_cpu);
	RUN(test_inconsistent_tables);
	RUN(test_bad_databases);
	RUN(test_empty_rule_set);
	RUN(test_sender_canon);
	RUN(test_load_file);
	free(img);
	return TEST_SUMMARY();
}
