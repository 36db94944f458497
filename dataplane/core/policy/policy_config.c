/* SPDX-License-Identifier: BSD-3-Clause */
/* Policy configuration defaults and the per-key INI setter (keys and
 * defaults documented in POLICY.md; thresholds default to the regulator's
 * per-number caps of 200 messages an hour and 1000 a day). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy_config.h"
#include "policy_report.h"
#include "policy_util.h"

/* The report number as policy_parties gives a recipient, so that a part
 * is compared with it and not canonicalised again per part. */
static void set_report_canon(struct policy_config *c)
{
	if (policy_canon_number(c->report_number, strlen(c->report_number), c->report_canon,
				sizeof(c->report_canon)) < 0)
		c->report_canon[0] = 0;
}

void policy_config_defaults(struct policy_config *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->report_number, "10086999");
	set_report_canon(c);
	strcpy(c->shield_command, "00000");
	strcpy(c->unshield_command, "QX00000");
	strcpy(c->industry_prefix, "106");
	strcpy(c->country_code, "86");
	strcpy(c->national_prefix, "0");
	strcpy(c->care_sender, "10086");
	c->quiet_enabled = 1;
	c->quiet_start_min = 22 * 60;
	c->quiet_end_min = 7 * 60;
	c->utc_offset_min = 8 * 60;
	c->fail_closed = 0;
	c->sca_mismatch_action = SF_ACT_BLOCK;
	c->sca_compare_digits = 0;
	c->unsolicited_action = SF_ACT_TAG;
	c->anomaly_action = SF_ACT_TAG;
	c->n_rate_exempt = 1;
	strcpy(c->rate_exempt[0], "106");

	c->sender_per_hour = 200;
	c->sender_per_day = 1000;
	c->sender_burst = 60;
	c->sender_refill_per_min = 10;
	c->pair_window_s = 3600;
	c->pair_max = 30;
	c->fanout_window_s = 3600;
	c->fanout_max = 100;
	c->fanout_suspect_max = 10;
	c->content_window_s = 600;
	c->content_senders_max = 20;
	c->content_recipients_max = 500;
	c->content_campaign_score = 60;
	c->recipient_window_s = 600;
	c->recipient_max = 40;
	c->recipient_senders_max = 12;
	c->recipient_allowed_max = 6;

	c->senders_max = 131072;	/* shared by every lcore */
	c->pairs_max = 262144;
	c->imsi_max = 65536;
	c->shields_max = 65536;
	c->recipients_max = 65536;
	c->sketch_width = 65536;
	c->sketch_bloom_bits = 1u << 22;
	c->imsi_ttl_s = 3600;
	c->sri_window_s = 60;
	c->shield_ttl_s = 3600;

	for (unsigned i = 0; i < SF_CLASS__COUNT; i++)
		c->class_action[i] = SF_ACT_BLOCK;
	c->class_action[SF_CLASS_NONE] = SF_ACT_NONE;
	c->class_action[SF_CLASS_ALLOW] = SF_ACT_NONE;
	c->class_action[SF_CLASS_COMMERCIAL_AD] = SF_ACT_TAG;
}

static const char *const owned_sections[] = { "policy", "rates", "tables", "geo", "actions" };

int policy_config_owns_section(const char *section)
{
	for (size_t i = 0; i < sizeof(owned_sections) / sizeof(owned_sections[0]); i++)
		if (section && strcmp(section, owned_sections[i]) == 0)
			return 1;
	return 0;
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int all_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!pu_is_digit(s[i]))
			return 0;
	return 1;
}

/* Decimal 0..max, nothing else. */
static int parse_u32(const char *v, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long x;

	if (!all_digits(v, strlen(v)) || strlen(v) > 10)
		return -1;
	errno = 0;
	x = strtoul(v, &end, 10);
	if (errno || *end || x > max)
		return -1;
	*out = (uint32_t)x;
	return 0;
}

int policy_parse_hhmm(const char *s)
{
	if (!pu_is_digit(s[0]) || !pu_is_digit(s[1]) || s[2] != ':' ||
	    !pu_is_digit(s[3]) || !pu_is_digit(s[4]) || s[5])
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');

	if (h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

/* Copy [s, s+n) trimmed of spaces into a fresh buffer of cap bytes. */
static int copy_trim(const char *s, size_t n, char *out, size_t cap)
{
	while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
	if (n >= cap)
		return -1;
	memcpy(out, s, n);
	out[n] = 0;
	return (int)n;
}

void policy_sender_canon(const char *in, char *out, size_t cap)
{
	size_t i;

	if (policy_canon_number(in, strlen(in), out, cap) >= 0)
		return;
	for (i = 0; in[i] && i < cap - 1; i++)
		out[i] = (char)pu_upper((unsigned char)in[i]);
	out[i] = 0;
}

void policy_config_renumber(struct policy_config *c)
{
	set_report_canon(c);
	for (uint32_t i = 0; i < c->n_protected; i++)
		policy_sender_canon(c->protected_senders[i].sender, c->protected_senders[i].canon,
				    sizeof(c->protected_senders[i].canon));
}

/* "10086:8613800;8613900, 95588:8613801" */
static int set_protected(struct policy_config *c, const char *v, char *err, size_t errlen)
{
	struct {
		uint32_t n_protected;
		struct policy_protected protected_senders[POLICY_PROTECTED_MAX];
	} tmp;			/* ~24 KiB: start-up / reload thread only */
	const char *p = v;

	memset(&tmp, 0, sizeof(tmp));
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char item[512], *colon;
		struct policy_protected *pr;
		int len = copy_trim(p, n, item, sizeof(item));

		p += n + (e ? 1 : 0);
		if (len < 0)
			FAIL("policy.protected: entry too long");
		if (len == 0) {
			if (e)
				FAIL("policy.protected: empty entry");
			break;
		}
		if (tmp.n_protected >= POLICY_PROTECTED_MAX)
			FAIL("policy.protected: more than %d senders", POLICY_PROTECTED_MAX);
		colon = strchr(item, ':');
		if (!colon)
			FAIL("policy.protected: '%s' needs its SMSC GT prefixes (SENDER:GT;GT...)", item);
		*colon = 0;
		pr = &tmp.protected_senders[tmp.n_protected];
		if (copy_trim(item, strlen(item), pr->sender, sizeof(pr->sender)) <= 0)
			FAIL("policy.protected: empty or too long sender before ':'");
		for (char *s = pr->sender; *s; s++)
			if ((unsigned char)*s <= ' ' || *s == ';')
				FAIL("policy.protected: bad character in sender '%s'", pr->sender);
		for (const char *g = colon + 1; ;) {
			const char *ge = strchr(g, ';');
			size_t gn = ge ? (size_t)(ge - g) : strlen(g);
			char gt[SF_DIGITS_MAX + 1];
			int gl = copy_trim(g, gn, gt, sizeof(gt));

			if (gl <= 0 || !all_digits(gt, (size_t)gl))
				FAIL("policy.protected: sender %s: GT prefix '%.*s' is not 1-%d digits",
				     pr->sender, (int)(gn > 40 ? 40 : gn), g, SF_DIGITS_MAX);
			if (pr->n_gt >= POLICY_GT_PREFIXES_MAX)
				FAIL("policy.protected: sender %s: more than %d GT prefixes",
				     pr->sender, POLICY_GT_PREFIXES_MAX);
			strcpy(pr->gt[pr->n_gt++], gt);
			if (!ge)
				break;
			g = ge + 1;
		}
		policy_sender_canon(pr->sender, pr->canon, sizeof(pr->canon));
		tmp.n_protected++;
	}
	c->n_protected = tmp.n_protected;
	memcpy(c->protected_senders, tmp.protected_senders, sizeof(c->protected_senders));
	return 0;
}

/* Comma/space separated digit prefixes. */
/* max ≤ POLICY_EXEMPT_MAX */
static int set_prefixes(char (*dst)[SF_DIGITS_MAX + 1], uint32_t *n_dst, uint32_t max,
			const char *key, const char *v, char *err, size_t errlen)
{
	char tmp[POLICY_EXEMPT_MAX][SF_DIGITS_MAX + 1];
	uint32_t n = 0;
	const char *p = v;

	while (*p) {
		size_t k = strcspn(p, ", \t");

		if (k) {
			if (n >= max)
				FAIL("%s: more than %u prefixes", key, max);
			if (k > SF_DIGITS_MAX || !all_digits(p, k))
				FAIL("%s: '%.*s' is not 1-%d digits", key, (int)(k > 40 ? 40 : k), p, SF_DIGITS_MAX);
			memcpy(tmp[n], p, k);
			tmp[n++][k] = 0;
		}
		p += k;
		if (*p)
			p++;
	}
	memcpy(dst, tmp, sizeof(tmp[0]) * n);
	*n_dst = n;
	return 0;
}

static int set_countries(char (*dst)[3], uint32_t *n_dst, const char *key, const char *v,
			 char *err, size_t errlen)
{
	char tmp[POLICY_COUNTRIES_MAX][3];
	uint32_t n = 0;
	const char *p = v;

	while (*p) {
		size_t k = strcspn(p, ", \t");

		if (k) {
			if (n >= POLICY_COUNTRIES_MAX)
				FAIL("%s: more than %d countries", key, POLICY_COUNTRIES_MAX);
			if (k != 2 || !((p[0] | 32) >= 'a' && (p[0] | 32) <= 'z' &&
					(p[1] | 32) >= 'a' && (p[1] | 32) <= 'z'))
				FAIL("%s: '%.*s' is not an ISO 3166-1 alpha-2 code", key, (int)(k > 40 ? 40 : k), p);
			tmp[n][0] = (char)pu_upper(p[0]);
			tmp[n][1] = (char)pu_upper(p[1]);
			tmp[n++][2] = 0;
		}
		p += k;
		if (*p)
			p++;
	}
	memcpy(dst, tmp, sizeof(tmp[0]) * n);
	*n_dst = n;
	return 0;
}

static int set_short(char *dst, const char *key, const char *v, int digits_only,
		     char *err, size_t errlen)
{
	size_t n = strlen(v);

	if (n == 0 || n >= POLICY_NUM_MAX)
		FAIL("%s: '%s' must be 1-%d characters", key, v, POLICY_NUM_MAX - 1);
	if (digits_only && !all_digits(v, n))
		FAIL("%s: '%s' is not a number", key, v);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] <= ' ' || (unsigned char)v[i] >= 0x7f)
			FAIL("%s: '%s' must be printable ASCII without spaces", key, v);
	memcpy(dst, v, n + 1);
	return 0;
}

static int set_utc_offset(struct policy_config *c, const char *v, char *err, size_t errlen)
{
	int sign = 1, h, m = 0;
	const char *p = v;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (!pu_is_digit(p[0]))
		goto bad;
	h = p[0] - '0';
	p++;
	if (pu_is_digit(*p))
		h = h * 10 + (*p++ - '0');
	if (*p == ':') {
		if (!pu_is_digit(p[1]) || !pu_is_digit(p[2]) || p[3])
			goto bad;
		m = (p[1] - '0') * 10 + (p[2] - '0');
	} else if (*p) {
		goto bad;
	}
	if (h > 14 || m > 59 || h * 60 + m > 14 * 60)
		goto bad;
	c->utc_offset_min = (int16_t)(sign * (h * 60 + m));
	return 0;
bad:
	FAIL("policy.utc_offset: '%s' is not [+-]HH[:MM] within ±14:00", v);
}

static int parse_action(const char *v, int allow_block, uint8_t *out)
{
	if (strcmp(v, "block") == 0 && allow_block)
		*out = SF_ACT_BLOCK;
	else if (strcmp(v, "tag") == 0)
		*out = SF_ACT_TAG;
	else if (strcmp(v, "pass") == 0 || strcmp(v, "off") == 0)
		*out = SF_ACT_NONE;
	else
		return -1;
	return 0;
}

struct u32_key {
	const char *section, *key;
	size_t off;
	uint32_t min, max;
};

#define K(s, k, min, max) { s, #k, offsetof(struct policy_config, k), min, max }
static const struct u32_key u32_keys[] = {
	K("rates", sender_per_hour, 0, 100000000),
	K("rates", sender_per_day, 0, 100000000),
	K("rates", sender_burst, 0, 100000000),
	K("rates", sender_refill_per_min, 0, 100000000),
	K("rates", pair_window_s, 1, 30 * 86400),
	K("rates", pair_max, 0, 100000000),
	K("rates", fanout_window_s, 1, 30 * 86400),
	K("rates", fanout_max, 0, 100000000),
	K("rates", fanout_suspect_max, 0, 100000000),
	K("rates", content_window_s, 1, 30 * 86400),
	K("rates", content_senders_max, 0, 100000000),
	K("rates", content_recipients_max, 0, 100000000),
	K("rates", content_campaign_score, 0, 100000000),
	K("rates", recipient_window_s, 1, 30 * 86400),
	K("rates", recipient_max, 0, 100000000),
	K("rates", recipient_senders_max, 0, 100000000),
	K("rates", recipient_allowed_max, 0, 100000000),
	K("tables", senders_max, 8, 1u << 26),
	K("tables", pairs_max, 8, 1u << 26),
	K("tables", imsi_max, 8, 1u << 26),
	K("tables", shields_max, 8, 1u << 24),
	K("tables", recipients_max, 8, 1u << 26),
	K("tables", subscribers, 0, 2000000000),
	{ "tables", "memory_mb", offsetof(struct policy_config, tables_memory_mb), 0, 1u << 20 },
	K("tables", sketch_width, 64, 1u << 24),
	K("tables", sketch_bloom_bits, 64, 1u << 30),
	K("tables", imsi_ttl_s, 1, 30 * 86400),
	K("tables", sri_window_s, 1, 86400),
	K("tables", shield_ttl_s, 1, 30 * 86400),
};
#undef K

/* Bytes per entry of the learned tables (policy_state.c): the IMSI table
 * is per lcore and counted once here. */
#define TBL_B_SENDER	48u
#define TBL_B_PAIR	40u
#define TBL_B_RECIPIENT	32u
#define TBL_B_IMSI	32u
#define TBL_MAX		(1u << 26)

static uint32_t pow2_at_least(uint64_t n, uint32_t min)
{
	uint32_t p = min;

	while (p < n && p < TBL_MAX)
		p <<= 1;
	return p;
}

/* Size the learned tables the operator did not size by hand from the
 * subscriber population: every subscriber may send in a day (senders),
 * two (sender, recipient) pairs each in the pair and fan-out windows,
 * a quarter of them receiving within a recipient window, and an SRI-SM
 * IMSI for one in eight within imsi_ttl_s. Within memory_mb the
 * largest derived table is halved until the total fits: fewer entries
 * only mean more (counted) refusals and evictions, never a lost verdict
 * rule. Order-independent: run after every [tables] key. */
static void size_tables(struct policy_config *c)
{
	const uint64_t n = c->subscribers;
	uint32_t *t[4] = { &c->senders_max, &c->pairs_max, &c->recipients_max, &c->imsi_max };
	const uint32_t bpe[4] = { TBL_B_SENDER, TBL_B_PAIR, TBL_B_RECIPIENT, TBL_B_IMSI };
	const uint32_t min[4] = { 8, 8, 64, 8 };

	if (!n)
		return;
	if (!(c->tables_explicit & POLICY_TBL_SENDERS))
		c->senders_max = pow2_at_least(n, 8);
	if (!(c->tables_explicit & POLICY_TBL_PAIRS))
		c->pairs_max = pow2_at_least(2 * n, 8);
	if (!(c->tables_explicit & POLICY_TBL_RECIPIENTS))
		c->recipients_max = pow2_at_least(n / 4, 64);
	if (!(c->tables_explicit & POLICY_TBL_IMSI))
		c->imsi_max = pow2_at_least(n / 8, 8);
	/* the local overlay holds the "00000" shields seen on the wire until
	 * the next lists generation carries them: never evicted, so room for
	 * one in 128 subscribers shielding within shield_ttl_s (64 B each) */
	if (!(c->tables_explicit & POLICY_TBL_SHIELDS))
		c->shields_max = pow2_at_least(n / 128, 65536);
	if (!c->tables_memory_mb)
		return;
	for (;;) {
		uint64_t total = 0, big = 0;
		int k = -1;

		for (int i = 0; i < 4; i++) {
			uint64_t b = (uint64_t)*t[i] * bpe[i];

			total += b;
			if (!(c->tables_explicit & (1u << i)) && *t[i] > min[i] && b > big) {
				big = b;
				k = i;
			}
		}
		if (total <= (uint64_t)c->tables_memory_mb << 20 || k < 0)
			return;
		*t[k] >>= 1;
	}
}

static const uint8_t tbl_bit_of[] = { POLICY_TBL_SENDERS, POLICY_TBL_PAIRS, POLICY_TBL_RECIPIENTS,
				      POLICY_TBL_IMSI, POLICY_TBL_SHIELDS };
static const char *const tbl_key_of[] = { "senders_max", "pairs_max", "recipients_max", "imsi_max",
					  "shields_max" };

int policy_config_set(struct policy_config *c, const char *section,
		      const char *key, const char *value, char *err, size_t errlen)
{
	char name[64];

	if (!section || !key || !value)
		FAIL("missing section, key or value");
	snprintf(name, sizeof(name), "%s.%s", section, key);

	for (size_t i = 0; i < sizeof(u32_keys) / sizeof(u32_keys[0]); i++) {
		const struct u32_key *k = &u32_keys[i];
		uint32_t x;

		if (strcmp(section, k->section) || strcmp(key, k->key))
			continue;
		if (parse_u32(value, k->max, &x) || x < k->min)
			FAIL("%s: '%s' is not a whole number in %u..%u", name, value, k->min, k->max);
		memcpy((char *)c + k->off, &x, sizeof(x));
		if (strcmp(section, "tables") == 0) {
			for (unsigned j = 0; j < sizeof(tbl_key_of) / sizeof(tbl_key_of[0]); j++)
				if (strcmp(key, tbl_key_of[j]) == 0)
					c->tables_explicit |= tbl_bit_of[j];
			size_tables(c);
		}
		return 0;
	}

	if (strcmp(section, "policy") == 0) {
		if (strcmp(key, "protected") == 0)
			return set_protected(c, value, err, errlen);
		if (strcmp(key, "report_number") == 0) {
			int r = set_short(c->report_number, name, value, 1, err, errlen);

			set_report_canon(c);
			return r;
		}
		if (strcmp(key, "shield_command") == 0)
			return set_short(c->shield_command, name, value, 0, err, errlen);
		if (strcmp(key, "unshield_command") == 0)
			return set_short(c->unshield_command, name, value, 0, err, errlen);
		if (strcmp(key, "industry_prefix") == 0)
			return set_short(c->industry_prefix, name, value, 1, err, errlen);
		if (strcmp(key, "care_sender") == 0)
			return set_short(c->care_sender, name, value, 0, err, errlen);
		if (strcmp(key, "country_code") == 0 || strcmp(key, "national_prefix") == 0) {
			int cc = key[0] == 'c';
			size_t n = strlen(value);

			if (n < 1 || n > (cc ? 3u : 2u) || !all_digits(value, n) || (cc && value[0] == '0'))
				FAIL("%s: '%s' is not a %s", name, value,
				     cc ? "country code (1-3 digits)" : "national prefix (1-2 digits)");
			memcpy(cc ? c->country_code : c->national_prefix, value, n + 1);
			return 0;
		}
		if (strcmp(key, "quiet_hours") == 0) {
			char a[8], b[8];
			int s, e;

			if (strcmp(value, "off") == 0) {
				c->quiet_enabled = 0;
				return 0;
			}
			if (strlen(value) != 11 || value[5] != '-')
				FAIL("%s: '%s' is not HH:MM-HH:MM or off", name, value);
			memcpy(a, value, 5); a[5] = 0;
			memcpy(b, value + 6, 5); b[5] = 0;
			s = policy_parse_hhmm(a);
			e = policy_parse_hhmm(b);
			if (s < 0 || e < 0 || s == e)
				FAIL("%s: '%s' is not HH:MM-HH:MM (start != end) or off", name, value);
			c->quiet_enabled = 1;
			c->quiet_start_min = (uint16_t)s;
			c->quiet_end_min = (uint16_t)e;
			return 0;
		}
		if (strcmp(key, "utc_offset") == 0)
			return set_utc_offset(c, value, err, errlen);
		if (strcmp(key, "fail_mode") == 0) {
			if (strcmp(value, "open") == 0) c->fail_closed = 0;
			else if (strcmp(value, "closed") == 0) c->fail_closed = 1;
			else FAIL("%s: '%s' is not open or closed", name, value);
			return 0;
		}
		if (strcmp(key, "sca_mismatch") == 0) {
			if (parse_action(value, 1, &c->sca_mismatch_action))
				FAIL("%s: '%s' is not block, tag or off", name, value);
			return 0;
		}
		if (strcmp(key, "sca_compare_digits") == 0) {
			uint32_t x;

			if (parse_u32(value, SF_DIGITS_MAX, &x))
				FAIL("%s: '%s' is not a whole number in 0..%d", name, value, SF_DIGITS_MAX);
			c->sca_compare_digits = (uint8_t)x;
			return 0;
		}
		if (strcmp(key, "anomaly") == 0) {
			if (parse_action(value, 1, &c->anomaly_action))
				FAIL("%s: '%s' is not block, tag or off", name, value);
			return 0;
		}
		if (strcmp(key, "unsolicited") == 0) {
			if (parse_action(value, 0, &c->unsolicited_action))
				FAIL("%s: '%s' is not tag or off", name, value);
			return 0;
		}
		if (strcmp(key, "rate_exempt") == 0)
			return set_prefixes(c->rate_exempt, &c->n_rate_exempt, POLICY_EXEMPT_MAX,
					    name, value, err, errlen);
	} else if (strcmp(section, "geo") == 0) {
		if (strcmp(key, "database") == 0) {
			if (strlen(value) >= sizeof(c->geo_database))
				FAIL("%s: path longer than %zu bytes", name, sizeof(c->geo_database) - 1);
			strcpy(c->geo_database, value);
			return 0;
		}
		if (strcmp(key, "suspicious") == 0)
			return set_countries(c->geo_suspicious, &c->n_geo_suspicious, name, value, err, errlen);
		if (strcmp(key, "blocked") == 0)
			return set_countries(c->geo_blocked, &c->n_geo_blocked, name, value, err, errlen);
	} else if (strcmp(section, "actions") == 0) {
		for (unsigned i = SF_CLASS_NONE + 1; i < SF_CLASS__COUNT; i++) {
			if (i == SF_CLASS_ALLOW || strcmp(key, sf_class_name(i)))
				continue;
			if (parse_action(value, 1, &c->class_action[i]))
				FAIL("%s: '%s' is not block, tag or pass", name, value);
			return 0;
		}
	} else if (!policy_config_owns_section(section)) {
		FAIL("unknown section [%s]", section);
	}
	FAIL("unknown key '%s' in [%s]", key, section);
}

int policy_config_check(const struct policy_config *c, char *err, size_t errlen)
{
	if (c->sender_burst == 0 && c->sender_refill_per_min != 0)
		FAIL("rates.sender_burst: 0 disables the token bucket; set sender_refill_per_min = 0 too");
	if (c->sketch_width & (c->sketch_width - 1))
		FAIL("tables.sketch_width: %u is not a power of two", c->sketch_width);
	if (c->sketch_bloom_bits & (c->sketch_bloom_bits - 1))
		FAIL("tables.sketch_bloom_bits: %u is not a power of two", c->sketch_bloom_bits);
	if (strcmp(c->shield_command, c->unshield_command) == 0)
		FAIL("policy.unshield_command: must differ from shield_command");
	return 0;
}
