/* SPDX-License-Identifier: BSD-3-Clause */
/* The scenario engine: picks what each SMS is (ham, spam, fraud, report,
 * shield, spoof, flood, WAP push, ...), who sends it to whom over which
 * route, and plays the MAP dialogues that carry it (3GPP TS 29.002 §12
 * short message services and their procedures; a message too long for the
 * opening TC-BEGIN is sent after MAP-OPEN + MAP-DELIMITER, i.e. an empty
 * TC-BEGIN, then in a TC-CONTINUE). Every SMS part
 * that reaches the wire gets one ground-truth line. All numbers and global
 * titles are made up; see README.md for the numbering plan. */
#include <stdlib.h>

#include "engine.h"
#include "sf_hash.h"
#include "sf_json.h"
#include "sf_sms_json.h"
#include "text/gsm7.h"
#include "text/ucs2.h"

/* ---- numbering plan (fictional) ------------------------------------ */

static const char *const msc_gt[4] = {
	"8613900900001", "8613900900002", "8613900900003", "8613900900004",
};
static const char *const hlr_gt[2] = { "8613900990001", "8613900990002" };
/* the home SMSCs: SMSC1 operator + P2P, SMSC2 P2P, SMSC3 A2P (banks, 106 ports) */
static const char *const smsc_gt[3] = { "8613800900500", "8613800901500", "8613800905500" };
/* SMSCs abroad, reached through the international gateway (IGW) */
static const char *const foreign_gt[3] = { "85290090500", "6590090500", "447700900500" };
static const char *const alnum_senders[] = { "SHOPDEAL", "VIPClub", "LuckyDraw", "PayInfo", "Notice" };

/* Protected senders and the SMSC each really uses. */
struct protected_sender {
	const char *number;
	enum gen_node node;
	const char *gt;
	int notice_pool;	/* -1: none of its notices are generated */
	enum text_pool spoof_pool;
};

static const struct protected_sender protected_senders[] = {
	{ "10086", NODE_SMSC1, "8613800900500", POOL_NOTICE_10086, POOL_SPOOF_10086 },
	{ "95588", NODE_SMSC3, "8613800905500", POOL_NOTICE_BANK, POOL_SPOOF_BANK },
	{ "95533", NODE_SMSC3, "8613800905500", POOL_NOTICE_BANK, POOL_SPOOF_BANK },
	{ "95599", NODE_SMSC3, "8613800905500", POOL_NOTICE_BANK, POOL_SPOOF_BANK },
	{ "95566", NODE_SMSC3, "8613800905500", POOL_NOTICE_BANK, POOL_SPOOF_BANK },
	{ "95555", NODE_SMSC3, "8613800905500", POOL_NOTICE_BANK, POOL_SPOOF_BANK },
	{ "10010", NODE_IGW, "8613010090500", -1, POOL_SPOOF_10086 },
	{ "10000", NODE_IGW, "8613310090500", -1, POOL_SPOOF_10086 },
};
#define N_PROTECTED (sizeof(protected_senders) / sizeof(protected_senders[0]))

static const char *const mobile_prefix[] = {
	"134", "135", "136", "137", "138", "139", "147", "150", "151", "152",
	"157", "158", "159", "178", "182", "183", "184", "187", "188", "198",
};

struct party {
	char msisdn[16];	/* international, 86... */
	char national[12];
	char imsi[16];
	uint8_t msc, hlr;
};

static void put_digits(char *out, uint64_t v, unsigned n)
{
	for (unsigned i = n; i-- > 0; v /= 10)
		out[i] = (char)('0' + v % 10);
	out[n] = 0;
}

/* Subscriber k of the made-up population: a bijection k → number. */
static void subscriber(uint32_t k, struct party *p)
{
	uint64_t sub = ((uint64_t)k * 48271u + 12345u) % 100000000u;
	uint64_t msin = ((uint64_t)k * 7919u + 31u) % 10000000000ull;

	memcpy(p->national, mobile_prefix[k % 20], 3);
	put_digits(p->national + 3, sub, 8);
	p->msisdn[0] = '8';
	p->msisdn[1] = '6';
	memcpy(p->msisdn + 2, p->national, 12);
	memcpy(p->imsi, "46000", 5);
	put_digits(p->imsi + 5, msin, 10);
	p->msc = (uint8_t)((k / 3) % 4);
	p->hlr = (uint8_t)((k / 7) % 2);
}

/* strlcpy-like copy, always NUL-terminated. */
static void scopy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

static void random_subscriber(struct gen_ctx *g, struct party *p, uint32_t *k)
{
	uint32_t x = rng_below(&g->rng, g->o.subscribers);

	if (k)
		*k = x;
	subscriber(x, p);
}

/* Industry ports: legitimate ones (notices, OTP, marketing with consent)
 * and the ones spammers rent. */
static void legit_port(uint32_t i, char *out, size_t cap)
{
	(void)cap;	/* 13 octets */
	memcpy(out, "1069", 4);
	put_digits(out + 4, (uint32_t)((i % 500) * 2654435761u) % 100000000u, 8);
}

static void spam_port(uint32_t i, char *out, size_t cap)
{
	(void)cap;	/* 13 octets */
	memcpy(out, "10657", 5);
	put_digits(out + 5, (uint64_t)(i % 300) * 40503u % 10000000u, 7);
}

/* Longest prefix of s[0..len) of at most max octets ending on a character boundary. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

/* ---- content: text → encoded parts ---------------------------------- */

enum { CK_GSM7 = 0, CK_UCS2, CK_BINARY };

struct content {
	uint8_t kind, dcs, nparts, ref16;
	uint16_t ref;
	uint8_t ports;
	uint8_t force_ref8;	/* 8-bit reference: part sizes the scenario relies on */
	uint8_t force_split;	/* >0: parts of this many characters, however short the text */
	char text[GEN_TEXT_MAX];
	size_t text_len;
	uint8_t enc[2048];
	size_t enc_len;
	uint16_t eoff[GEN_MAX_PARTS + 1], toff[GEN_MAX_PARTS + 1];
};

/* Copy s with {code} (6 digits) and {n4} (4 digits) filled in, at most
 * 500 characters. Returns 1 when the copy is verbatim, 2 when only digit
 * placeholders were filled (the whole template fitted), 0 otherwise. */
static int expand_text(struct gen_ctx *g, struct content *c, const char *s, size_t len)
{
	size_t o = 0, chars = 0, i = 0;

	if (len <= 500 && !memchr(s, '{', len)) {	/* nothing to fill, short enough */
		memcpy(c->text, s, len);
		c->text[len] = 0;
		c->text_len = len;
		return 1;
	}

	for (; i < len && o < GEN_TEXT_MAX - 16 && chars < 500;) {
		if (s[i] == '{' && len - i >= 6 && !memcmp(s + i, "{code}", 6)) {
			rng_digits(&g->rng, c->text + o, 6);
			o += 6;
			i += 6;
			chars += 6;
			continue;
		}
		if (s[i] == '{' && len - i >= 4 && !memcmp(s + i, "{n4}", 4)) {
			rng_digits(&g->rng, c->text + o, 4);
			o += 4;
			i += 4;
			chars += 4;
			continue;
		}
		/* copy one UTF-8 character whole */
		size_t j = i;

		(void)ucs2_utf8_next(s, len, &j);
		if (GEN_TEXT_MAX - 16 - o < j - i)
			break;
		memcpy(c->text + o, s + i, j - i);
		o += j - i;
		i = j;
		chars++;
	}
	c->text[o] = 0;
	c->text_len = o;
	return i == len ? 2 : 0;
}

/* 0 when the text has a character beyond U+20AC (the highest code point of
 * the GSM 7-bit default alphabet and its extension table, TS 23.038
 * §6.2.1): then it cannot be GSM 7-bit and the full conversion is skipped. */
static int maybe_gsm7(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n; i++) {
		if (p[i] < 0xE0)
			continue;
		if (p[i] == 0xE2 && n - i >= 3 && p[i + 1] == 0x82 && p[i + 2] == 0xAC) {
			i += 2;	/* € U+20AC */
			continue;
		}
		return 0;
	}
	return 1;
}

/* Memo of text conversions (the GSM 7-bit one is a table search per
 * character). Pool texts have stable addresses, so the key is the text's
 * address: for a verbatim text, the whole encoded and split content (per
 * concatenation reference size); for a template whose placeholders were
 * filled with digits, its GSM 7-bit septets (digits are patched in). The
 * memo never changes the output, only how fast it is made; it is bounded
 * by the number of pool texts. */
#define MEMO_SLOTS (1u << 17)
#define MEMO_ARENA_MAX (256u << 20)

struct memo_slot {
	uintptr_t key;		/* 0: empty */
	uint32_t off;		/* blob in the arena */
	int32_t n;		/* septets / octets, < 0: not GSM 7-bit (template entries) */
};

/* A memoised content: what content_encode computes, then the enc bytes. */
struct memo_blob {
	uint8_t kind, nparts;
	uint16_t text_len, enc_len;
	uint16_t eoff[GEN_MAX_PARTS + 1], toff[GEN_MAX_PARTS + 1];
};

struct enc_memo {
	struct memo_slot slot[MEMO_SLOTS];
	unsigned used;
	uint8_t *arena;
	size_t len, cap;
};

static struct memo_slot *memo_find(struct enc_memo *m, uintptr_t key)
{
	uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull;
	unsigned i = (unsigned)(h >> 40) & (MEMO_SLOTS - 1);

	for (;; i = (i + 1) & (MEMO_SLOTS - 1))
		if (m->slot[i].key == key || !m->slot[i].key)
			return &m->slot[i];
}

/* Store a blob for the empty slot e; NULL when the memo is full. */
static uint8_t *memo_put(struct enc_memo *m, struct memo_slot *e, uintptr_t key, size_t n)
{
	if (m->used >= MEMO_SLOTS / 4 * 3)
		return NULL;
	if (m->cap - m->len < n) {
		size_t nc = m->cap ? m->cap * 2 : (1u << 20);
		uint8_t *na;

		while (nc - m->len < n)
			nc *= 2;
		if (nc > MEMO_ARENA_MAX || !(na = realloc(m->arena, nc)))
			return NULL;
		m->arena = na;
		m->cap = nc;
	}
	e->key = key;
	e->off = (uint32_t)m->len;
	m->len += n;
	m->used++;
	return m->arena + e->off;
}

/* Septets of s from the memo entry of its template: the same characters
 * but for digits, which are one septet each, 0x30-0x39 in the default
 * alphabet (TS 23.038 §6.2.1); other characters keep their septets. */
static void patch_digits(const char *s, size_t len, uint8_t *sept)
{
	size_t off = 0, eo = 0;

	while (off < len) {
		unsigned char ch = (unsigned char)s[off];
		size_t prev = off;

		(void)ucs2_utf8_next(s, len, &off);
		if (ch >= '0' && ch <= '9' && off == prev + 1)
			sept[eo] = ch;
		eo += sept[eo] == GSM7_ESC ? 2 : 1;
	}
}

/* GSM 7-bit septets of a text made from template key (digits filled in). */
static int gsm7_templ(struct enc_memo *m, const char *key, const char *s, size_t len,
		      uint8_t *out, size_t cap)
{
	uintptr_t k = (uintptr_t)key * 4 + 3;
	struct memo_slot *e;
	uint8_t *d;
	int n;

	if (!m || !key)
		return gsm7_from_utf8(s, len, out, cap);
	e = memo_find(m, k);
	if (e->key == k) {
		if (e->n > 0 && (size_t)e->n <= cap) {
			memcpy(out, m->arena + e->off, (size_t)e->n);
			patch_digits(s, len, out);
		}
		return e->n;
	}
	n = gsm7_from_utf8(s, len, out, cap);
	d = memo_put(m, e, k, n > 0 ? (size_t)n : 0);
	if (d) {
		e->n = n;
		if (n > 0)
			memcpy(d, out, (size_t)n);
	}
	return n;
}

/* Encode c->text (GSM 7-bit when every character has a septet, else
 * UCS-2) and split it into parts (TS 23.040 §9.2.3.24.1: 153/152 septets
 * or 134/132 octets with an 8/16-bit concatenation IE). memo_key: the
 * pool text c->text was made from (templ: by filling digit placeholders),
 * or NULL. */
static int content_encode(struct gen_ctx *g, struct content *c, const char *memo_key, int templ)
{
	struct enc_memo *m = g->memo;
	struct memo_slot *e = NULL;
	uintptr_t k = 0;
	size_t single, multi, to = 0, eo = 0;
	int n;

	c->ports = 0;
	c->ref16 = (uint8_t)rng_permille(&g->rng, 300);
	c->ref = (uint16_t)(c->ref16 ? rng_below(&g->rng, 65536) : rng_below(&g->rng, 256));
	if (c->force_ref8) {
		c->ref16 = 0;
		c->ref &= 0xFF;
	}
	if (m && memo_key && !templ) {
		k = (uintptr_t)memo_key * 4 + c->ref16;
		e = memo_find(m, k);
		if (e->key == k) {
			struct memo_blob b;

			memcpy(&b, m->arena + e->off, sizeof(b));	/* the arena is unaligned */
			c->kind = b.kind;
			c->dcs = c->kind == CK_GSM7 ? 0x00 : 0x08;
			c->nparts = b.nparts;
			c->text_len = b.text_len;
			c->enc_len = b.enc_len;
			memcpy(c->eoff, b.eoff, sizeof(c->eoff));
			memcpy(c->toff, b.toff, sizeof(c->toff));
			memcpy(c->enc, m->arena + e->off + sizeof(b), c->enc_len);
			c->text[c->text_len] = 0;
			return 0;
		}
	}

	n = !maybe_gsm7(c->text, c->text_len) ? -1 : templ ?
		gsm7_templ(m, memo_key, c->text, c->text_len, c->enc, sizeof(c->enc)) :
		gsm7_from_utf8(c->text, c->text_len, c->enc, sizeof(c->enc));
	if (n >= 0) {
		c->kind = CK_GSM7;
		c->dcs = 0x00;	/* TS 23.038 §4: general data coding, default alphabet */
		single = 160;
		multi = c->ref16 ? 152 : 153;
	} else {
		n = ucs2_from_utf8(c->text, c->text_len, c->enc, sizeof(c->enc));
		if (n < 0)
			return -1;
		c->kind = CK_UCS2;
		c->dcs = 0x08;	/* UCS2 */
		single = 140;
		multi = c->ref16 ? 132 : 134;
	}
	c->enc_len = (size_t)n;
	c->eoff[0] = c->toff[0] = 0;
	if (c->force_split) {	/* a short text sent in parts anyway (a handset's odd split) */
		single = 0;
		multi = c->kind == CK_GSM7 ? c->force_split : 2u * c->force_split;
	}
	if (c->enc_len <= single) {
		c->nparts = 1;
		c->eoff[1] = (uint16_t)c->enc_len;
		c->toff[1] = (uint16_t)c->text_len;
	} else {
		c->nparts = 0;
		while (to < c->text_len && c->nparts < GEN_MAX_PARTS) {
			size_t used = 0;

			while (to < c->text_len) {
				size_t t2 = to, units;
				int32_t cp = ucs2_utf8_next(c->text, c->text_len, &t2);

				if (c->kind == CK_GSM7)	/* an extension character is ESC + code */
					units = c->enc[eo] == GSM7_ESC ? 2 : 1;
				else	/* a surrogate pair is never split */
					units = cp >= 0x10000 ? 4 : 2;
				if (used + units > multi)
					break;
				used += units;
				eo += units;
				to = t2;
			}
			c->nparts++;
			c->eoff[c->nparts] = (uint16_t)eo;
			c->toff[c->nparts] = (uint16_t)to;
		}
		c->text_len = to;	/* anything beyond 8 parts is dropped */
		c->enc_len = eo;
	}
	if (e && !e->key) {
		uint8_t *d = memo_put(m, e, k, sizeof(struct memo_blob) + c->enc_len);

		if (d) {
			struct memo_blob b;

			b.kind = c->kind;
			b.nparts = c->nparts;
			b.text_len = (uint16_t)c->text_len;
			b.enc_len = (uint16_t)c->enc_len;
			memcpy(b.eoff, c->eoff, sizeof(b.eoff));
			memcpy(b.toff, c->toff, sizeof(b.toff));
			memcpy(d, &b, sizeof(b));
			memcpy(d + sizeof(b), c->enc, c->enc_len);
			e->n = (int32_t)c->enc_len;
		}
	}
	return 0;
}

/* WAP Push (WAP-230 WSP §8.2.4.1) carrying a Service Indication
 * (WAP-167 SI, WBXML token form), sent to port 2948 from 9200. */
static void content_wap_push(struct gen_ctx *g, struct content *c)
{
	static const char *const texts[] = {
		"新游戏上线，点击下载", "Your ringtone is ready", "会员专区更新了",
	};
	char url[48], sid[12];
	struct gbuf b;
	const char *t = texts[rng_below(&g->rng, 3)];
	unsigned host = 10 + rng_below(&g->rng, 90);	/* one draw per statement: */
	unsigned id = rng_below(&g->rng, 100000);	/* argument order is unspecified */

	snprintf(url, sizeof(url), "wap.yx-%u.top/d?id=%u", host, id);
	snprintf(sid, sizeof(sid), "%u", (unsigned)rng_below(&g->rng, 1000000));
	gb_init(&b, c->enc, sizeof(c->enc));
	gb_u8(&b, (uint8_t)(1 + rng_below(&g->rng, 255)));	/* TID */
	gb_u8(&b, 0x06);	/* PDU type: Push */
	gb_u8(&b, 0x03);	/* HeadersLen (uintvar): content type + headers */
	gb_u8(&b, 0xAE);	/* Content-Type: application/vnd.wap.sic (0x2E) */
	gb_u8(&b, 0xAF);	/* X-Wap-Application-Id (0x2F) */
	gb_u8(&b, 0x82);	/*   x-wap-application:wml.ua (0x02) */
	/* WBXML 1.2, public id SI 1.0 (0x05), charset UTF-8 (106), no string table */
	gb_u8(&b, 0x02);
	gb_u8(&b, 0x05);
	gb_u8(&b, 0x6A);
	gb_u8(&b, 0x00);
	gb_u8(&b, 0x45);	/* <si> with content */
	gb_u8(&b, 0xC6);	/* <indication> with attributes and content */
	gb_u8(&b, 0x0C);	/* href="http:// */
	gb_u8(&b, 0x03);	/* STR_I */
	gb_put(&b, url, strlen(url) + 1);
	gb_u8(&b, 0x11);	/* si-id= */
	gb_u8(&b, 0x03);
	gb_put(&b, sid, strlen(sid) + 1);
	gb_u8(&b, 0x01);	/* END attributes */
	gb_u8(&b, 0x03);
	gb_put(&b, t, strlen(t) + 1);
	gb_u8(&b, 0x01);	/* END indication */
	gb_u8(&b, 0x01);	/* END si */
	c->kind = CK_BINARY;
	c->dcs = 0x04;		/* 8-bit data */
	c->enc_len = b.len;
	c->nparts = 1;
	c->eoff[0] = 0;
	c->eoff[1] = (uint16_t)b.len;
	c->toff[0] = c->toff[1] = 0;
	c->text_len = 0;
	c->ports = 1;
}

/* ---- flows ----------------------------------------------------------- */

enum { PH_MO = 0, PH_SRI, PH_MT, PH_DONE };
enum { DK_MO = 0, DK_SRI, DK_MT };

struct dlg {
	uint8_t kind, version, empty, step, fail, segmented;
	uint8_t assoc, idir, isls, rsls;
	uint32_t itid, rtid;
	int invoke_id;
	const char *init_gt, *called_gt, *resp_gt;
	uint8_t init_ssn, called_ssn, resp_ssn;
};

struct gen_flow {
	int active;
	uint8_t scn;
	const struct gen_text *src;
	const char *expected, *cls;
	char reported[24];
	uint32_t campaign, flood_seq;

	struct party from, to;
	uint8_t do_mo, do_mt;
	char mo_da[24];		/* TP-DA as the sender typed it */
	uint8_t mo_da_toa;
	char mt_oa[48];		/* TP-OA as the SMSC presents it */
	uint8_t mt_oa_toa, mt_oa_alnum;
	uint8_t mo_node, mt_node;
	const char *mt_gt;	/* calling GT of the MT leg */
	uint8_t srr, flash, version_mo, version_mt;
	uint8_t wants_lmsi;

	struct content c;
	uint8_t phase, part, nemit;
	uint16_t promised, sent;	/* truth lines reserved / queued */
	uint32_t shield_sub, shield_port;	/* shield scenario; a notice's recipient and port */
	uint8_t notice_port;			/* a notice from an industry port */
	struct dlg d;
	uint8_t mr;
	char sri_imsi[16];
	const char *sri_msc;
	uint8_t lmsi[4];
	uint8_t use_lmsi;
	struct truth_rec tr;
};

/* Scenario memory: shields ("00000" to an industry port) and one flood
 * campaign per flood scenario. */
#define SHIELD_RING 256
struct campaign {
	int active;
	uint32_t id, left, seq;
	uint32_t sub;		/* the fan-out sender or the flooded recipient */
	const struct gen_text *text;
};

struct scn_state {
	struct { uint32_t sub, port; } shield[SHIELD_RING];
	unsigned nshield, shield_pos;
	/* every (subscriber, port) whose "00000" went on the wire, for the
	 * truth of later deliveries from that port (open addressing, key
	 * sub << 32 | port, + 1 so that 0 is free; grown at half full) */
	uint64_t *shielded;
	size_t shielded_cap, shielded_n;
	uint32_t camp_ids;
	struct campaign camp[3];	/* fanout, to_one, same_text */
};

static uint8_t pick_version(struct gen_ctx *g, unsigned v3, unsigned v2)
{
	unsigned r = rng_below(&g->rng, 1000);

	return r < v3 ? 3 : r < v3 + v2 ? 2 : 1;
}

static enum gen_scn pick_scenario(struct gen_ctx *g)
{
	unsigned r = rng_below(&g->rng, g->mix_total);

	for (int i = 0; i < SCN__COUNT; i++) {
		if (r < g->o.mix[i])
			return (enum gen_scn)i;
		r -= g->o.mix[i];
	}
	return SCN_HAM;
}

static const struct gen_text *pick_text(struct gen_ctx *g, enum text_pool p)
{
	const struct gen_text *t = text_db_pick(g->texts, p, &g->rng);

	return t ? t : text_db_pick(g->texts, POOL_HAM, &g->rng);
}

static void set_mo_da_subscriber(struct gen_ctx *g, struct gen_flow *f)
{
	/* subscribers type national numbers; some phones add +86 */
	if (rng_permille(&g->rng, 800)) {
		scopy(f->mo_da, sizeof(f->mo_da), f->to.national);
		f->mo_da_toa = 0x81;	/* TON unknown, ISDN */
	} else {
		scopy(f->mo_da, sizeof(f->mo_da), f->to.msisdn);
		f->mo_da_toa = 0x91;	/* international, ISDN */
	}
}

static void set_mt_oa_subscriber(struct gen_ctx *g, struct gen_flow *f)
{
	if (rng_permille(&g->rng, 700)) {
		scopy(f->mt_oa, sizeof(f->mt_oa), f->from.national);
		f->mt_oa_toa = 0xA1;	/* national, ISDN */
	} else {
		scopy(f->mt_oa, sizeof(f->mt_oa), f->from.msisdn);
		f->mt_oa_toa = 0x91;
	}
	f->mt_oa_alnum = 0;
}

static void set_mt_oa_service(struct gen_flow *f, const char *num)
{
	scopy(f->mt_oa, sizeof(f->mt_oa), num);
	f->mt_oa_toa = 0x81;	/* service numbers: TON unknown */
	f->mt_oa_alnum = 0;
}

static void set_mt_oa_alnum(struct gen_ctx *g, struct gen_flow *f)
{
	snprintf(f->mt_oa, sizeof(f->mt_oa), "%s",
		 alnum_senders[rng_below(&g->rng, sizeof(alnum_senders) / sizeof(alnum_senders[0]))]);
	f->mt_oa_alnum = 1;
}

static void route_mt_home(struct gen_ctx *g, struct gen_flow *f, enum gen_node n)
{
	f->mt_node = (uint8_t)n;
	f->mt_gt = smsc_gt[n];
	(void)g;
}

static void route_mt_foreign(struct gen_ctx *g, struct gen_flow *f)
{
	f->mt_node = NODE_IGW;
	f->mt_gt = foreign_gt[rng_below(&g->rng, 3)];
}

/* ---- tricky reports ------------------------------------------------ */

/* How subscribers write a number (DOMAIN.md §5: separators, full width):
 * national digits nat into out. ascii: GSM 7-bit only (no full width). */
static void written_number(struct gen_ctx *g, const char *nat, int ascii, char *out, size_t cap)
{
	size_t n = strlen(nat), o = 0;
	int mobile = n == 11;
	unsigned form = rng_below(&g->rng, ascii ? 6 : 7);

	out[0] = 0;
	if (form == 3 && mobile)
		o = (size_t)snprintf(out, cap, "+86 ");
	else if (form == 4 && mobile)
		o = (size_t)snprintf(out, cap, "0086");
	for (size_t i = 0; i < n && o + 4 < cap; i++) {
		/* groups 3-4-4 for a mobile, 4-4-4 for a port */
		int brk = i > 0 && (mobile ? (i == 3 || i == 7) : i % 4 == 0);

		if (brk && form == 1)
			out[o++] = '-';
		else if (brk && form == 2)
			out[o++] = ' ';
		else if (brk && form == 5)
			out[o++] = '.';
		if (form == 6) {	/* full-width digit U+FF10 + d */
			out[o++] = (char)0xEF;
			out[o++] = (char)0xBC;
			out[o++] = (char)(0x90 + (nat[i] - '0'));
		} else {
			out[o++] = nat[i];
		}
	}
	out[o] = 0;
}

/* Append to buf (UTF-8) characters of filler until it holds exactly units
 * UTF-16 code units (UCS-2) or septets (GSM 7-bit, ASCII filler). */
static size_t fill_units(char *buf, size_t o, size_t cap, size_t have, size_t units, int gsm)
{
	static const char zh[] = "您好近期有不法分子冒充客服以退款理赔为由诱导转账请提高警惕切勿泄露验证码";
	static const char en[] = "Congratulations you have been selected for a cash award of 2000 pounds ";
	size_t k = 0;

	while (have < units && o + 4 < cap) {
		if (gsm) {
			buf[o++] = en[k++ % (sizeof(en) - 1)];
		} else {
			size_t at = (k++ * 3) % (sizeof(zh) - 1);

			memcpy(buf + o, zh + at, 3);
			o += 3;
		}
		have++;
	}
	buf[o] = 0;
	return o;
}

/* Reports that a per-part or over-eager parser gets wrong: multi-part
 * reports whose later parts start with digits, a valid number or a
 * capitalised word; text-only reports that start like a number or a
 * sender id; numbers written with separators or in full width; sender ids
 * in the report service's "ID*text" form. f->reported is what the report
 * names (national digits or the sender id), "" for none. */
static void report_tricky(struct gen_ctx *g, struct gen_flow *f)
{
	static const char *const zh_tails[] = {
		"00-0001，回T退订", "13912345678是客服专线吗请核实", "95588客服提醒您积分即将清零",
		"FREE领取流量包", "ICBC*积分兑换", "+86 138 0000 0000 加微信领取", "000元红包已到账",
		"2026-01-01 起生效", "10086 积分兑换", "URGENT: 账户异常",
	};
	static const char *const en_tails[] = {
		"FREE entry in 2 a wkly comp to win FA Cup final tkts",
		"URGENT: call 09061701461 to claim your prize now",
		"0800 123 4567 now to claim",
		"13912345678 is the number to text",
		"00-0001 STOP to end",
		"WIN a brand new car today txt WIN to 80082",
	};
	static const char *const singles[] = {
		"FREE entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005",
		"URGENT: Your account has been suspended", "100元话费已到账点击领取",
		"2026-01-01 促销活动开始", "00-0001，回T退订", "000 click here",
		"WINNER!! You have won a prize", "12306提醒您订单异常",
		"Hello, your parcel is waiting",
	};
	static const char *const ids[] = { "ICBC", "JD", "PRIZE-WIN", "FREE", "BANK-CN" };
	char num[40], nat[16], buf[GEN_TEXT_MAX];
	size_t o = 0;
	unsigned kind = rng_below(&g->rng, 7);
	int named = rng_permille(&g->rng, 600);
	struct party p;

	random_subscriber(g, &f->from, NULL);
	f->do_mo = 1;
	f->mo_node = NODE_SMSC1;
	scopy(f->mo_da, sizeof(f->mo_da), "10086999");
	f->mo_da_toa = 0x81;
	f->c.force_ref8 = 1;
	f->src = NULL;
	if (rng_permille(&g->rng, 500)) {
		spam_port(rng_next(&g->rng) & 0xFFFF, nat, sizeof(nat));
	} else {
		random_subscriber(g, &p, NULL);
		scopy(nat, sizeof(nat), p.national);
	}
	buf[0] = 0;
	switch (kind) {
	case 0:	/* UCS-2, 2-3 parts, part 2 starts with a tail */
	case 1: {
		const char *tail = zh_tails[rng_below(&g->rng, sizeof(zh_tails) / sizeof(zh_tails[0]))];
		size_t have = 0;

		if (named) {
			written_number(g, nat, 0, num, sizeof(num));
			o = (size_t)snprintf(buf, sizeof(buf), "%s%s", num,
					     rng_permille(&g->rng, 500) ? "*" : "：");
			for (size_t i = 0; i < o;) {	/* BMP only: one unit per character */
				ucs2_utf8_next(buf, o, &i);
				have++;
			}
			scopy(f->reported, sizeof(f->reported), nat);
		}
		o = fill_units(buf, o, sizeof(buf), have, 67, 0);
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s", tail);
		if (kind == 1) {	/* a third part that starts with a tail too */
			size_t tu = 0;

			for (size_t i = 0; tail[i];) {
				ucs2_utf8_next(tail, strlen(tail), &i);
				tu++;
			}
			o = fill_units(buf, o, sizeof(buf), 67 + tu, 134, 0);
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s",
					      zh_tails[rng_below(&g->rng, sizeof(zh_tails) / sizeof(zh_tails[0]))]);
		}
		break;
	}
	case 2: {	/* GSM 7-bit, 2 parts of 153 septets */
		const char *tail = en_tails[rng_below(&g->rng, sizeof(en_tails) / sizeof(en_tails[0]))];

		if (named) {
			written_number(g, nat, 1, num, sizeof(num));
			o = (size_t)snprintf(buf, sizeof(buf), "%s%s", num, rng_permille(&g->rng, 500) ? "*" : " ");
			scopy(f->reported, sizeof(f->reported), nat);
		}
		o = fill_units(buf, o, sizeof(buf), o, 153, 1);
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s", tail);
		break;
	}
	case 3:	/* text only, one part, starts like a number or an id */
		o = (size_t)snprintf(buf, sizeof(buf), "%s",
				     singles[rng_below(&g->rng, sizeof(singles) / sizeof(singles[0]))]);
		break;
	case 4:	/* the number alone, or with a short text */
		written_number(g, nat, 0, num, sizeof(num));
		o = (size_t)snprintf(buf, sizeof(buf), "%s%s", num, named ? " 诈骗短信" : "");
		scopy(f->reported, sizeof(f->reported), nat);
		break;
	case 6: {	/* "00000" to a port, split over two parts or padded oddly */
		static const char *const forms[] = {
			"00000", "00000\xe3\x80\x82", "0\xe2\x80\x8b" "0000", " 00000 ", "QX00000",
		};
		unsigned fi = rng_below(&g->rng, sizeof(forms) / sizeof(forms[0]));
		char port[16];

		legit_port(rng_below(&g->rng, 500), port, sizeof(port));
		scopy(f->mo_da, sizeof(f->mo_da), port);
		o = (size_t)snprintf(buf, sizeof(buf), "%s", forms[fi]);
		if (fi == 0 || fi == 4)
			f->c.force_split = (uint8_t)(2 + rng_below(&g->rng, 2));	/* "00"+"000", "000"+"00" */
		break;
	}
	default: {	/* a sender id in the report service's form */
		const char *id = ids[rng_below(&g->rng, sizeof(ids) / sizeof(ids[0]))];

		o = (size_t)snprintf(buf, sizeof(buf), "%s*%s", id, "您的积分即将过期请登录兑换");
		scopy(f->reported, sizeof(f->reported), id);
		break;
	}
	}
	expand_text(g, &f->c, buf, o);
}

/* What the flow carries and where; returns 0 or -1 (nothing to send). */
static int flow_setup(struct gen_ctx *g, struct gen_flow *f)
{
	struct scn_state *st = g->scn_state;
	enum gen_scn s;
	const struct gen_text *t = NULL;
	struct campaign *cp = NULL;
	const char *shield_key = NULL;
	uint32_t k;

	memset(&f->tr, 0, sizeof(f->tr));
	f->src = NULL;
	f->reported[0] = 0;
	f->campaign = f->flood_seq = 0;
	f->srr = f->flash = 0;
	f->mt_oa_alnum = 0;
	f->do_mo = f->do_mt = 0;
	f->notice_port = 0;
	f->c.force_ref8 = 0;
	f->c.force_split = 0;
	s = pick_scenario(g);
	if (s == SCN_SHIELDED && !st->nshield)
		s = SCN_SHIELD;
	if (s == SCN_FLOOD_FANOUT || s == SCN_FLOOD_TO_ONE || s == SCN_FLOOD_SAME_TEXT) {
		/* the flood scenarios' share of the mix is spent in campaigns
		 * of 20-60 messages that share a sender, a recipient or a text */
		cp = &st->camp[s - SCN_FLOOD_FANOUT];
		if (!cp->active) {
			cp->active = 1;
			cp->id = ++st->camp_ids;
			cp->left = 20 + rng_below(&g->rng, 41);
			cp->seq = 0;
			cp->sub = rng_below(&g->rng, g->o.subscribers);
			cp->text = s == SCN_FLOOD_TO_ONE ? NULL :
				pick_text(g, s == SCN_FLOOD_SAME_TEXT && rng_permille(&g->rng, 400)
					  ? POOL_FRAUD : POOL_SPAM);
		}
		f->campaign = cp->id;
		f->flood_seq = ++cp->seq;
		if (--cp->left == 0)
			cp->active = 0;
	}
	f->scn = (uint8_t)s;
	f->version_mo = pick_version(g, 700, 250);
	f->version_mt = pick_version(g, 700, 250);
	f->mo_node = rng_permille(&g->rng, 500) ? NODE_SMSC1 : NODE_SMSC2;
	f->expected = "pass";
	f->cls = NULL;

	switch (s) {
	case SCN_HAM:
	default: {
		unsigned r = rng_below(&g->rng, 100);

		t = pick_text(g, POOL_HAM);
		random_subscriber(g, &f->from, NULL);
		random_subscriber(g, &f->to, NULL);
		f->do_mo = r < 75;
		f->do_mt = r >= 45;
		set_mo_da_subscriber(g, f);
		set_mt_oa_subscriber(g, f);
		route_mt_home(g, f, (enum gen_node)f->mo_node);
		f->srr = (uint8_t)rng_permille(&g->rng, 100);
		break;
	}
	case SCN_SPAM:
	case SCN_FRAUD:
	case SCN_ILLEGAL: {
		unsigned r = rng_below(&g->rng, 100);

		t = pick_text(g, s == SCN_SPAM ? POOL_SPAM : s == SCN_FRAUD ? POOL_FRAUD : POOL_ILLEGAL);
		f->expected = s == SCN_SPAM ? "tag" : "block";
		random_subscriber(g, &f->from, NULL);
		random_subscriber(g, &f->to, NULL);
		if (r < 50) {		/* SIM farm / SIM box subscriber */
			f->do_mo = 1;
			f->do_mt = rng_permille(&g->rng, 400);
			set_mo_da_subscriber(g, f);
			set_mt_oa_subscriber(g, f);
			route_mt_home(g, f, (enum gen_node)f->mo_node);
		} else if (r < 80 && s != SCN_FRAUD) {	/* rented industry port */
			char port[16];

			f->do_mt = 1;
			spam_port(rng_next(&g->rng) & 0xFFFF, port, sizeof(port));
			set_mt_oa_service(f, port);
			route_mt_home(g, f, NODE_SMSC3);
		} else {		/* from abroad, numeric or alphanumeric */
			f->do_mt = 1;
			route_mt_foreign(g, f);
			if (rng_permille(&g->rng, 500)) {
				set_mt_oa_alnum(g, f);
			} else {
				char num[16];

				rng_digits(&g->rng, num + 3, 8);
				memcpy(num, "852", 3);
				set_mt_oa_service(f, num);
				f->mt_oa_toa = 0x91;
			}
			f->version_mt = pick_version(g, 500, 450);
		}
		f->flash = (uint8_t)(s == SCN_FRAUD && rng_permille(&g->rng, 100));
		break;
	}
	case SCN_NOTICE: {
		unsigned r = rng_below(&g->rng, 100);

		random_subscriber(g, &f->to, &k);
		f->do_mt = 1;
		if (r < 35) {
			const struct protected_sender *p = &protected_senders[rng_below(&g->rng, 6)];

			t = pick_text(g, (enum text_pool)p->notice_pool);
			set_mt_oa_service(f, p->number);
			route_mt_home(g, f, p->node);
		} else {
			char port[16];
			uint32_t pi;

			t = pick_text(g, POOL_OTP);
			pi = (uint32_t)(rng_next(&g->rng) & 0xFFFF) % 500;	/* legit_port's index */
			legit_port(pi, port, sizeof(port));
			set_mt_oa_service(f, port);
			f->notice_port = 1;	/* a shield of it applies (shield_truth) */
			f->shield_sub = k;
			f->shield_port = pi;
			route_mt_home(g, f, NODE_SMSC3);
		}
		break;
	}
	case SCN_REPORT: {
		/* TS-free operator service: forward spam to 10086999 as
		 * "number*text", "number text" or the text alone */
		const struct gen_text *sp = pick_text(g, rng_permille(&g->rng, 700) ? POOL_SPAM : POOL_FRAUD);
		char num[16], buf[GEN_TEXT_MAX];
		unsigned form = rng_below(&g->rng, 3);
		struct party spammer;

		random_subscriber(g, &f->from, NULL);
		f->do_mo = 1;
		f->mo_node = NODE_SMSC1;
		scopy(f->mo_da, sizeof(f->mo_da), "10086999");
		f->mo_da_toa = 0x81;
		if (rng_permille(&g->rng, 500)) {
			spam_port(rng_next(&g->rng) & 0xFFFF, num, sizeof(num));
		} else {
			random_subscriber(g, &spammer, NULL);
			scopy(num, sizeof(num), spammer.national);
		}
		if (form == 2) {
			snprintf(buf, sizeof(buf), "%.*s", (int)utf8_cut(sp->text, sp->len, 400), sp->text);
		} else {
			snprintf(buf, sizeof(buf), "%s%s%.*s", num, form == 0 ? "*" : " ",
				 (int)utf8_cut(sp->text, sp->len, 400), sp->text);
			scopy(f->reported, sizeof(f->reported), num);
		}
		expand_text(g, &f->c, buf, strlen(buf));
		f->src = sp;
		break;
	}
	case SCN_REPORT_TRICKY:
		report_tricky(g, f);
		break;
	case SCN_SHIELD: {
		static const char shield_text[] = "00000";
		char port[16];
		uint32_t pi = rng_below(&g->rng, 500);

		random_subscriber(g, &f->from, &k);
		f->do_mo = 1;
		legit_port(pi, port, sizeof(port));
		scopy(f->mo_da, sizeof(f->mo_da), port);
		f->mo_da_toa = 0x81;
		t = NULL;
		if (expand_text(g, &f->c, shield_text, 5))
			shield_key = shield_text;
		f->shield_sub = k;	/* remembered once the "00000" went out */
		f->shield_port = pi;
		break;
	}
	case SCN_SHIELDED: {
		unsigned i = rng_below(&g->rng, st->nshield);
		char port[16];

		subscriber(st->shield[i].sub, &f->to);
		legit_port(st->shield[i].port, port, sizeof(port));
		t = pick_text(g, POOL_SPAM);
		f->do_mt = 1;
		set_mt_oa_service(f, port);
		route_mt_home(g, f, NODE_SMSC3);
		f->expected = "block";
		break;
	}
	case SCN_SPOOF: {
		const struct protected_sender *p = &protected_senders[rng_below(&g->rng, N_PROTECTED)];

		random_subscriber(g, &f->to, NULL);
		t = pick_text(g, p->spoof_pool);
		f->do_mt = 1;
		set_mt_oa_service(f, p->number);
		/* from an SMSC the sender never uses */
		if (p->node == NODE_IGW || rng_permille(&g->rng, 600)) {
			route_mt_foreign(g, f);
		} else {
			route_mt_home(g, f, NODE_SMSC2);
		}
		f->flash = (uint8_t)rng_permille(&g->rng, 150);
		f->expected = "block";
		break;
	}
	case SCN_FLOOD_FANOUT:
		subscriber(cp->sub, &f->from);
		random_subscriber(g, &f->to, NULL);
		t = cp->text;
		f->do_mo = 1;
		set_mo_da_subscriber(g, f);
		f->expected = "block";
		f->cls = "commercial_ad";
		break;
	case SCN_FLOOD_TO_ONE: {
		char port[16];

		subscriber(cp->sub, &f->to);
		legit_port(rng_next(&g->rng) & 0xFFFF, port, sizeof(port));
		t = pick_text(g, POOL_OTP);
		f->do_mt = 1;
		set_mt_oa_service(f, port);
		route_mt_home(g, f, NODE_SMSC3);
		f->expected = "block";
		f->cls = "harassment";
		break;
	}
	case SCN_FLOOD_SAME_TEXT:
		random_subscriber(g, &f->from, NULL);
		random_subscriber(g, &f->to, NULL);
		t = cp->text;
		f->do_mo = 1;
		set_mo_da_subscriber(g, f);
		f->expected = "block";
		break;
	case SCN_WAP_PUSH: {
		char port[16];

		random_subscriber(g, &f->to, NULL);
		legit_port(rng_next(&g->rng) & 0xFFFF, port, sizeof(port));
		f->do_mt = 1;
		set_mt_oa_service(f, port);
		route_mt_home(g, f, NODE_SMSC3);
		break;
	}
	}

	if (s == SCN_WAP_PUSH) {
		f->src = NULL;
		content_wap_push(g, &f->c);
	} else {
		const char *key = shield_key;
		int templ = 0;

		if (t) {
			int e = expand_text(g, &f->c, t->text, t->len);

			f->src = t;
			if (e)
				key = t->text;
			templ = e == 2;
		}
		if (content_encode(g, &f->c, key, templ) < 0 || !f->c.text_len)
			return -1;
		if (f->flash)
			f->c.dcs |= 0x10;	/* TS 23.038 §4: message class 0 (flash) */
	}
	if (!f->cls && f->src && strcmp(f->expected, "pass"))
		f->cls = f->src->cls;
	f->mr = (uint8_t)rng_next(&g->rng);
	f->wants_lmsi = (uint8_t)rng_permille(&g->rng, 50);
	return 0;
}

/* ---- one part's TPDU and truth --------------------------------------- */

static int part_tpdu(struct gen_ctx *g, struct gen_flow *f, int mt, uint8_t *out, size_t cap)
{
	struct content *c = &f->c;
	struct tpdu_in t;
	uint8_t udh[16];
	size_t ul = 0;
	unsigned p = f->part;

	memset(&t, 0, sizeof(t));
	if (c->nparts > 1)
		ul += udh_concat(udh, c->ref16, c->ref, c->nparts, p + 1);
	if (c->ports)
		ul += udh_ports16(udh + ul, 2948, 9200);	/* WAP push: wsp-push from wsp */
	t.udh = ul ? udh : NULL;
	t.udh_len = ul;
	t.ud = c->enc + c->eoff[p];
	t.ud_len = (size_t)(c->eoff[p + 1] - c->eoff[p]);
	t.ud_septets = c->kind == CK_GSM7;
	t.dcs = c->dcs;
	t.pid = 0;
	if (mt) {
		t.mti = SF_TP_MTI_DELIVER;
		t.addr = f->mt_oa;
		t.addr_alnum = f->mt_oa_alnum;
		t.addr_toa = f->mt_oa_toa;
		t.scts_unix = g->clock_ns / 1000000000u;
		t.tz_quarters = 32;	/* UTC+8 */
		t.srr = (uint8_t)(f->srr && p + 1 == c->nparts);
	} else {
		t.mti = SF_TP_MTI_SUBMIT;
		t.mr = (uint8_t)(f->mr + p);
		t.addr = f->mo_da;
		t.addr_toa = f->mo_da_toa;
		t.srr = f->srr;
	}
	return tpdu_encode(out, cap, &t);
}

static void fill_truth(struct gen_flow *f, int mt, uint8_t version, const char *calling_gt,
		       const char *da, uint8_t da_type, const char *oa)
{
	struct truth_rec *tr = &f->tr;
	struct sf_sms *s = &tr->s;
	struct content *c = &f->c;
	unsigned p = f->part;

	memset(tr, 0, sizeof(*tr));
	s->op = version == 3 ? (mt ? SF_OP_MT_FORWARD_SM : SF_OP_MO_FORWARD_SM) : SF_OP_FORWARD_SM;
	s->direction = mt ? SF_DIR_MT : SF_DIR_MO;
	s->map_version = version;
	s->da_type = da_type;
	scopy(s->sm_rp_da, sizeof(s->sm_rp_da), da);
	scopy(s->sm_rp_oa, sizeof(s->sm_rp_oa), oa);
	s->mti = mt ? SF_TP_MTI_DELIVER : SF_TP_MTI_SUBMIT;
	if (mt)
		scopy(s->tp_oa, sizeof(s->tp_oa), f->mt_oa);
	else
		scopy(s->tp_da, sizeof(s->tp_da), f->mo_da);
	s->tp_dcs = c->dcs;
	if (c->kind == CK_BINARY) {
		s->text = NULL;
		s->data = c->enc + c->eoff[p];
		s->data_len = (size_t)(c->eoff[p + 1] - c->eoff[p]);
	} else {
		s->text = c->text + c->toff[p];
		s->text_len = (size_t)(c->toff[p + 1] - c->toff[p]);
	}
	if (c->nparts > 1) {
		s->has_concat = 1;
		s->concat_ref = c->ref;
		s->concat_ref16 = c->ref16;
		s->concat_total = c->nparts;
		s->concat_seq = (uint8_t)(p + 1);
	}
	scopy(s->calling_gt, sizeof(s->calling_gt), calling_gt);
	tr->scn = f->scn;
	tr->src = f->src;
	tr->expected = f->expected;
	tr->cls = f->cls;
	scopy(tr->reported, sizeof(tr->reported), f->reported);
	if (mt)
		scopy(tr->recipient, sizeof(tr->recipient), f->to.msisdn);
	tr->campaign = f->campaign;
	tr->flood_seq = f->flood_seq;
}

void truth_write(struct gen_ctx *g, const struct truth_rec *t, uint64_t frame, int retrans)
{
	struct sf_json j;
	struct sf_sms s = t->s;
	char *line = (char *)gf_reserve(&g->truth, GEN_LINE_MAX);

	s.frame = frame;
	sf_json_init(&j, line, GEN_LINE_MAX - 1);
	sf_json_begin(&j);
	sf_sms_json_fields(&j, &s);
	sf_json_str(&j, "scenario", gen_scn_name((enum gen_scn)t->scn));
	sf_json_str(&j, "label", t->src ? t->src->label : NULL);
	if (t->src && t->src->category)
		sf_json_str(&j, "category", t->src->category);
	sf_json_bool(&j, "retransmission", retrans);
	sf_json_str(&j, "expected", t->expected);
	sf_json_str(&j, "class", t->cls);
	if (t->s.direction == SF_DIR_MT)
		sf_json_str(&j, "recipient", t->recipient);
	if (t->scn == SCN_REPORT || t->scn == SCN_REPORT_TRICKY)
		sf_json_str(&j, "reported", t->reported[0] ? t->reported : NULL);
	if (t->campaign) {
		sf_json_uint(&j, "campaign", t->campaign);
		sf_json_uint(&j, "flood_seq", t->flood_seq);
	}
	sf_json_end(&j);
	if (j.overflow)
		return;
	line[j.len] = '\n';
	gf_commit(&g->truth, j.len + 1);
}

/* ---- dialogues ----------------------------------------------------- */

/* Send one TCAP message of the flow's dialogue: SCCP UDT/XUDT (segmented
 * when too long and --segment-xudt), M3UA DATA, queued on the association. */
static void send_tcap(struct gen_ctx *g, struct gen_flow *f, int from_init,
		      const uint8_t *tcap, size_t n, const struct truth_rec *tr)
{
	struct dlg *d = &f->d;
	struct gen_assoc *a = &g->assoc[d->assoc];
	unsigned dir = from_init ? d->idir : !d->idir;
	uint8_t sls = from_init ? d->isls : d->rsls;
	uint16_t sid = (uint16_t)(1 + sls % (GEN_NSTREAMS - 1));
	struct sccp_addr called, calling;
	struct m3ua_pd pd = { a->ep[dir].pc, a->ep[!dir].pc, SF_MTP3_SI_SCCP, a->ni, 0, sls };
	const uint32_t *rc = a->use_rc ? &a->rc : NULL;
	uint8_t sccp[400], m3[512];
	struct gbuf sb, mb;

	if (from_init) {
		called = (struct sccp_addr){ d->called_ssn, SF_SCCP_NP_E164, d->called_gt };
		calling = (struct sccp_addr){ d->init_ssn, SF_SCCP_NP_E164, d->init_gt };
	} else {
		called = (struct sccp_addr){ d->init_ssn, SF_SCCP_NP_E164, d->init_gt };
		calling = (struct sccp_addr){ d->resp_ssn, SF_SCCP_NP_E164, d->resp_gt };
	}
	if (g->o.segment_xudt && n > (size_t)g->o.segment_xudt) {
		/* Q.714 §4.1.1.2: a message longer than the network's segment
		 * size goes as XUDT segments; class 1 keeps them in sequence */
		size_t half = (n + 1) / 2;
		uint32_t ref = (uint32_t)rng_next(&g->rng) & 0xFFFFFF;

		for (int i = 0; i < 2; i++) {
			struct sccp_seg seg = { (uint8_t)(i == 0), 1, (uint8_t)(1 - i), ref };
			size_t off = i ? half : 0, len = i ? n - half : half;

			gb_init(&sb, sccp, sizeof(sccp));
			gb_init(&mb, m3, sizeof(m3));
			sccp_enc_xudt(&sb, 0x81, 15, &called, &calling, tcap + off, len, &seg);
			m3ua_enc_data(&mb, rc, &pd, sb.p, sb.len);
				assoc_queue(g, d->assoc, dir, sid, mb.p, mb.len, i ? tr : NULL, 1);
		}
		f->sent += tr != NULL;
		return;
	}
	gb_init(&sb, sccp, sizeof(sccp));
	gb_init(&mb, m3, sizeof(m3));
	/* protocol class 1 with return on error (Q.713 §3.6) */
	if (a->prefer_xudt || rng_permille(&g->rng, 50))
		sccp_enc_xudt(&sb, 0x81, 15, &called, &calling, tcap, n, NULL);
	else
		sccp_enc_udt(&sb, 0x81, &called, &calling, tcap, n);
	m3ua_enc_data(&mb, rc, &pd, sb.p, sb.len);
	assoc_queue(g, d->assoc, dir, sid, mb.p, mb.len, tr, 0);
	f->sent += tr != NULL;
}

static uint32_t new_tid(struct gen_ctx *g)
{
	return (uint32_t)rng_next(&g->rng);
}

static void dlg_start(struct gen_ctx *g, struct gen_flow *f, uint8_t kind)
{
	struct dlg *d = &f->d;

	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->itid = new_tid(g);
	d->rtid = new_tid(g);
	d->isls = (uint8_t)rng_below(&g->rng, 16);
	d->rsls = (uint8_t)rng_below(&g->rng, 16);
	d->invoke_id = 1 + (int)rng_below(&g->rng, 127);
	if (kind == DK_MO) {
		d->version = f->version_mo;
		d->assoc = (uint8_t)assoc_pick(g, (enum gen_node)f->mo_node);
		d->idir = 1;	/* STP → SMSC */
		d->init_gt = msc_gt[f->from.msc];
		d->init_ssn = SF_SCCP_SSN_MSC;
		d->called_gt = d->resp_gt = smsc_gt[f->mo_node];
		d->called_ssn = d->resp_ssn = SF_SCCP_SSN_MSC;
		d->fail = (uint8_t)rng_permille(&g->rng, 20);
	} else {
		d->version = kind == DK_SRI ? (f->version_mt < 2 ? 2 : f->version_mt) : f->version_mt;
		d->assoc = (uint8_t)assoc_pick(g, (enum gen_node)f->mt_node);
		d->idir = 0;	/* SMSC / IGW → STP */
		d->init_gt = f->mt_gt;
		d->init_ssn = SF_SCCP_SSN_MSC;
		if (kind == DK_SRI) {
			d->called_gt = f->to.msisdn;	/* routed on the MSISDN to the HLR */
			d->called_ssn = SF_SCCP_SSN_HLR;
			d->resp_gt = hlr_gt[f->to.hlr];
			d->resp_ssn = SF_SCCP_SSN_HLR;
			d->fail = (uint8_t)rng_permille(&g->rng, 20);
		} else {
			d->called_gt = d->resp_gt = f->sri_msc;
			d->called_ssn = d->resp_ssn = SF_SCCP_SSN_MSC;
			d->fail = (uint8_t)rng_permille(&g->rng, 30);
			/* TS 29.002: MAP-OPEN + MAP-DELIMITER first (an empty TC-BEGIN),
			 * the MT-ForwardSM in the next TC-CONTINUE */
			d->empty = (uint8_t)(d->version == 3 && rng_permille(&g->rng, 250));
		}
	}
}

static void tcap_hdr_for(struct gen_flow *f, struct tcap_hdr *h, uint8_t type, int from_init, int dlg)
{
	struct dlg *d = &f->d;

	memset(h, 0, sizeof(*h));
	h->type = type;
	if (type == SF_TCAP_BEGIN) {
		h->has_otid = 1;
		h->otid = d->itid;
	} else if (type == SF_TCAP_CONTINUE) {
		h->has_otid = h->has_dtid = 1;
		h->otid = from_init ? d->itid : d->rtid;
		h->dtid = from_init ? d->rtid : d->itid;
	} else {
		h->has_dtid = 1;
		h->dtid = d->itid;
	}
	if (dlg && d->version >= 2) {
		h->dlg = from_init ? TCAP_DLG_AARQ : TCAP_DLG_AARE;
		h->ac_version = d->version;
		if (d->kind == DK_SRI)
			h->ac = SF_MAP_AC_SHORT_MSG_GATEWAY;
		else if (d->kind == DK_MT && d->version == 3)
			h->ac = SF_MAP_AC_SHORT_MSG_MT_RELAY;
		else	/* v2: shortMsgRelayContext-v2 both ways */
			h->ac = SF_MAP_AC_SHORT_MSG_MO_RELAY;
	}
}

/* The shield set's slot for key in a table of cap (a power of 2) slots:
 * the slot of key, or the free one where it goes. */
static size_t shielded_probe(const uint64_t *tab, size_t cap, uint64_t key)
{
	size_t i = sf_mix64(key) & (cap - 1);

	while (tab[i] && tab[i] != key)
		i = (i + 1) & (cap - 1);
	return i;
}

static uint64_t shielded_key(uint32_t sub, uint32_t port)
{
	return ((uint64_t)sub << 32 | port) + 1;	/* never 0: 0 is a free slot */
}

static int shielded_has(const struct scn_state *st, uint32_t sub, uint32_t port)
{
	uint64_t key = shielded_key(sub, port);

	return st->shielded_cap && st->shielded[shielded_probe(st->shielded, st->shielded_cap, key)] == key;
}

/* 0, or -1 out of memory (the truth of later notices may then say pass) */
static int shielded_add(struct scn_state *st, uint32_t sub, uint32_t port)
{
	uint64_t key = shielded_key(sub, port);

	if (shielded_has(st, sub, port))
		return 0;
	if ((st->shielded_n + 1) * 2 > st->shielded_cap) {
		size_t cap = st->shielded_cap ? st->shielded_cap * 2 : 1024;
		uint64_t *t = calloc(cap, sizeof(*t));

		if (!t)
			return -1;
		for (size_t j = 0; j < st->shielded_cap; j++)
			if (st->shielded[j])
				t[shielded_probe(t, cap, st->shielded[j])] = st->shielded[j];
		free(st->shielded);
		st->shielded = t;
		st->shielded_cap = cap;
	}
	st->shielded[shielded_probe(st->shielded, st->shielded_cap, key)] = key;
	st->shielded_n++;
	return 0;
}

/* Shields in the truth, in wire order as smsfw sees them: a "00000" takes
 * effect when it goes out (DOMAIN.md: from then on that port's messages
 * to that subscriber are dropped, whatever the SMSC answers), so a notice
 * from a port its recipient shielded earlier is to be blocked. */
static void shield_truth(struct gen_ctx *g, struct gen_flow *f, int mt)
{
	struct scn_state *st = g->scn_state;

	if (!st)
		return;
	if (!mt && f->scn == SCN_SHIELD)
		(void)shielded_add(st, f->shield_sub, f->shield_port);
	else if (mt && f->scn == SCN_NOTICE && f->notice_port && shielded_has(st, f->shield_sub, f->shield_port))
		f->tr.expected = "block";
}

/* The Invoke of the current part; fills the flow's truth record. */
static size_t sm_invoke(struct gen_ctx *g, struct gen_flow *f, uint8_t *out, size_t cap)
{
	struct dlg *d = &f->d;
	int mt = d->kind == DK_MT;
	uint8_t tpdu[200], arg[400];
	int tl = part_tpdu(g, f, mt, tpdu, sizeof(tpdu));
	struct map_sm_arg a;
	struct gbuf ab, cb;
	char lmsi_hex[9];

	if (tl < 0)
		return 0;
	memset(&a, 0, sizeof(a));
	a.ui = tpdu;
	a.ui_len = (size_t)tl;
	if (mt) {
		if (f->use_lmsi) {
			snprintf(lmsi_hex, sizeof(lmsi_hex), "%02x%02x%02x%02x",
				 f->lmsi[0], f->lmsi[1], f->lmsi[2], f->lmsi[3]);
			a.da_tag = SF_MAP_SM_RP_DA_LMSI;
			a.da = lmsi_hex;
		} else {
			a.da_tag = SF_MAP_SM_RP_DA_IMSI;
			a.da = f->sri_imsi;
		}
		a.oa_tag = SF_MAP_SM_RP_OA_SCA;
		a.oa = f->mt_gt;
		fill_truth(f, 1, d->version, f->mt_gt, a.da,
			   f->use_lmsi ? SF_DA_LMSI : SF_DA_IMSI, a.oa);
		shield_truth(g, f, 1);
	} else {
		a.da_tag = SF_MAP_SM_RP_DA_SCA;
		a.da = smsc_gt[f->mo_node];
		a.oa_tag = SF_MAP_SM_RP_OA_MSISDN;
		a.oa = f->from.msisdn;
		fill_truth(f, 0, d->version, d->init_gt, a.da, SF_DA_SCA, a.oa);
		shield_truth(g, f, 0);
	}
	gb_init(&ab, arg, sizeof(arg));
	map_enc_forward_sm(&ab, &a);
	gb_init(&cb, out, cap);
	/* v3: mo-forwardSM (46) / mt-forwardSM (44); v1/v2: forwardSM (46) */
	tcap_invoke(&cb, d->invoke_id, mt && d->version == 3 ? SF_MAP_OP_MT_FORWARD_SM
		    : SF_MAP_OP_MO_FORWARD_SM, ab.p, ab.len);
	return cb.overflow || ab.overflow ? 0 : cb.len;
}

/* The answer to the Invoke: ReturnResultLast or ReturnError. */
static size_t sm_answer(struct gen_ctx *g, struct gen_flow *f, uint8_t *out, size_t cap)
{
	struct dlg *d = &f->d;
	struct gbuf cb, pb;
	uint8_t param[16];
	int op = d->kind == DK_MT && d->version == 3 ? SF_MAP_OP_MT_FORWARD_SM : SF_MAP_OP_MO_FORWARD_SM;

	gb_init(&cb, out, cap);
	if (!d->fail) {
		tcap_result_last(&cb, d->invoke_id, op, NULL, 0);
		return cb.len;
	}
	gb_init(&pb, param, sizeof(param));
	if (d->version == 1) {
		tcap_return_error(&cb, d->invoke_id, MAP_ERR_SYSTEM_FAILURE, NULL, 0);
	} else if (d->kind == DK_MT && rng_permille(&g->rng, 500)) {
		tcap_return_error(&cb, d->invoke_id, MAP_ERR_ABSENT_SUBSCRIBER_SM, NULL, 0);
	} else {
		/* memoryCapacityExceeded (0) for MT, invalidSME-Address (5) for MO */
		map_enc_delivery_failure(&pb, d->kind == DK_MT ? 0 : 5);
		tcap_return_error(&cb, d->invoke_id, MAP_ERR_SM_DELIVERY_FAILURE, pb.p, pb.len);
	}
	return cb.len;
}

/* Play the next step of the flow's current dialogue; 1 when it ended. */
static int dlg_step(struct gen_ctx *g, struct gen_flow *f)
{
	struct dlg *d = &f->d;
	struct tcap_hdr h;
	uint8_t comps[400], tc[600];
	struct gbuf tb;
	size_t cl;

	gb_init(&tb, tc, sizeof(tc));
	if (d->kind == DK_SRI) {
		if (d->step == 0) {
			uint8_t arg[64];
			struct gbuf ab, cb;

			gb_init(&ab, arg, sizeof(arg));
			map_enc_sri_sm_arg(&ab, f->to.msisdn, f->mt_gt);
			gb_init(&cb, comps, sizeof(comps));
			tcap_invoke(&cb, d->invoke_id, SF_MAP_OP_SRI_SM, ab.p, ab.len);
			tcap_hdr_for(f, &h, SF_TCAP_BEGIN, 1, 1);
			tcap_encode(&tb, &h, cb.p, cb.len);
			send_tcap(g, f, 1, tb.p, tb.len, NULL);
			d->step++;
			return 0;
		} else {
			struct gbuf cb, rb;
			uint8_t res[64];

			gb_init(&cb, comps, sizeof(comps));
			if (d->fail) {
				tcap_return_error(&cb, d->invoke_id, rng_permille(&g->rng, 500) ?
						  MAP_ERR_ABSENT_SUBSCRIBER_SM : MAP_ERR_UNKNOWN_SUBSCRIBER, NULL, 0);
			} else {
				scopy(f->sri_imsi, sizeof(f->sri_imsi), f->to.imsi);
				f->sri_msc = msc_gt[f->to.msc];
				f->use_lmsi = f->wants_lmsi;
				sf_wr32(f->lmsi, (uint32_t)rng_next(&g->rng));
				gb_init(&rb, res, sizeof(res));
				map_enc_sri_sm_res(&rb, f->sri_imsi, f->sri_msc, f->use_lmsi ? f->lmsi : NULL);
				tcap_result_last(&cb, d->invoke_id, SF_MAP_OP_SRI_SM, rb.p, rb.len);
			}
			tcap_hdr_for(f, &h, SF_TCAP_END, 0, 1);
			tcap_encode(&tb, &h, cb.p, cb.len);
			send_tcap(g, f, 0, tb.p, tb.len, NULL);
			return 1;
		}
	}

	/* MO / MT forward short message */
	switch (d->step) {
	case 0:
		cl = sm_invoke(g, f, comps, sizeof(comps));
		if (!cl)
			return -1;
		if (!d->empty) {
			/* Q.773: TC-BEGIN + dialogue portion + Invoke. Longer than
			 * a UDT can carry (and not segmenting): open with an
			 * empty TC-BEGIN, the Invoke follows in a TC-CONTINUE
			 * (MAP v3) */
			tcap_hdr_for(f, &h, SF_TCAP_BEGIN, 1, 1);
			tcap_encode(&tb, &h, comps, cl);
			if (tb.len > 250 && !g->o.segment_xudt) {
				d->version = 3;
				d->empty = 1;
				cl = sm_invoke(g, f, comps, sizeof(comps));
			}
			gb_init(&tb, tc, sizeof(tc));
		}
		if (d->empty) {
			tcap_hdr_for(f, &h, SF_TCAP_BEGIN, 1, 1);
			tcap_encode(&tb, &h, NULL, 0);
			send_tcap(g, f, 1, tb.p, tb.len, NULL);
		} else {
			tcap_hdr_for(f, &h, SF_TCAP_BEGIN, 1, 1);
			tcap_encode(&tb, &h, comps, cl);
			send_tcap(g, f, 1, tb.p, tb.len, &f->tr);
		}
		d->step++;
		return 0;
	case 1:
		if (d->empty) {
			tcap_hdr_for(f, &h, SF_TCAP_CONTINUE, 0, 1);	/* AARE, no component */
			tcap_encode(&tb, &h, NULL, 0);
			send_tcap(g, f, 0, tb.p, tb.len, NULL);
			d->step++;
			return 0;
		}
		cl = sm_answer(g, f, comps, sizeof(comps));
		tcap_hdr_for(f, &h, SF_TCAP_END, 0, 1);
		tcap_encode(&tb, &h, comps, cl);
		send_tcap(g, f, 0, tb.p, tb.len, NULL);
		return 1;
	case 2:
		cl = sm_invoke(g, f, comps, sizeof(comps));
		if (!cl)
			return -1;
		tcap_hdr_for(f, &h, SF_TCAP_CONTINUE, 1, 0);
		tcap_encode(&tb, &h, comps, cl);
		send_tcap(g, f, 1, tb.p, tb.len, &f->tr);
		d->step++;
		return 0;
	default:
		cl = sm_answer(g, f, comps, sizeof(comps));
		tcap_hdr_for(f, &h, SF_TCAP_END, 0, 0);
		tcap_encode(&tb, &h, comps, cl);
		send_tcap(g, f, 0, tb.p, tb.len, NULL);
		return 1;
	}
}

static void flow_finish(struct gen_ctx *g, struct gen_flow *f)
{
	struct scn_state *st = g->scn_state;

	if (f->scn == SCN_SHIELD && f->sent && !f->d.fail) {
		/* the SMSC accepted the "00000": deliveries from that port to
		 * this subscriber are shielded from now on */
		st->shield[st->shield_pos].sub = f->shield_sub;
		st->shield[st->shield_pos].port = f->shield_port;
		st->shield_pos = (st->shield_pos + 1) % SHIELD_RING;
		if (st->nshield < SHIELD_RING)
			st->nshield++;
	}
	/* parts promised but never sent (SRI failed, MO failed, encoding) */
	g->reserved -= (uint64_t)(f->promised - f->sent);
	f->phase = PH_DONE;
	f->active = 0;
	g->flows_done++;
}

/* Advance the flow by one message; clears f->active at the end. */
static void flow_step(struct gen_ctx *g, struct gen_flow *f)
{
	int r = dlg_step(g, f);

	if (r == 0)
		return;
	if (r < 0) {
		flow_finish(g, f);
		return;
	}
	switch (f->phase) {
	case PH_MO:
		if (++f->part < f->nemit) {
			dlg_start(g, f, DK_MO);
			return;
		}
		f->part = 0;
		if (f->do_mt && !f->d.fail) {
			f->phase = PH_SRI;
			dlg_start(g, f, DK_SRI);
			return;
		}
		break;
	case PH_SRI:
		if (f->d.fail) {	/* absent / unknown: nothing delivered */
			g->sri_failures++;
			break;
		}
		f->phase = PH_MT;
		f->part = 0;
		dlg_start(g, f, DK_MT);
		return;
	case PH_MT:
		if (++f->part < f->nemit) {
			dlg_start(g, f, DK_MT);
			return;
		}
		break;
	}
	flow_finish(g, f);
}

static int flow_new(struct gen_ctx *g, struct gen_flow *f)
{
	uint64_t left = g->o.messages - g->parts - g->reserved;
	unsigned legs;

	f->active = 0;
	if (flow_setup(g, f) < 0)
		return -1;
	legs = f->do_mo + f->do_mt;
	if ((uint64_t)legs * f->c.nparts > left && legs == 2) {
		f->do_mt = 0;
		legs = 1;
	}
	f->nemit = (uint8_t)((uint64_t)f->c.nparts > left ? left : f->c.nparts);
	if (!f->nemit)
		return -1;
	f->promised = (uint16_t)(legs * f->nemit);
	f->sent = 0;
	g->reserved += f->promised;
	f->part = 0;
	f->phase = f->do_mo ? PH_MO : PH_SRI;
	dlg_start(g, f, f->do_mo ? DK_MO : DK_SRI);
	f->active = 1;
	return 0;
}

int gen_run(struct gen_ctx *g)
{
	struct gen_flow *flows = calloc(GEN_MAX_BATCH, sizeof(*flows));
	struct scn_state *st = calloc(1, sizeof(*st));
	const int64_t unit = 1000000000;	/* one SMS part of credit */
	int64_t credit = unit;
	unsigned hw = 0, nactive = 0;
	uint64_t next_idle;

	if (!flows || !st) {
		free(flows);
		free(st);
		return -1;
	}
	g->flows = flows;
	g->scn_state = st;
	g->memo = calloc(1, sizeof(struct enc_memo));	/* NULL: no memo, still correct */
	g->mix_total = 0;
	for (int i = 0; i < SCN__COUNT; i++)
		g->mix_total += g->o.mix[i];
	if (!g->mix_total) {
		free(g->memo);
		g->memo = NULL;
		g->flows = NULL;
		g->scn_state = NULL;
		free(flows);
		free(st);
		return -1;
	}

	pcap_write_header(&g->pcap, 65535);
	assoc_setup(g);
	if (g->o.handshake)
		assoc_handshakes(g);
	next_idle = g->clock_ns + GEN_IDLE_NS;

	/* Flows overlap: every round, new flows start as the --rate credit
	 * allows, every flow in flight sends its next message, the queued
	 * messages go out (bundled per association and direction), and the
	 * clock moves by one network round trip. */
	for (;;) {
		int more = g->parts + g->reserved < g->o.messages;
		uint64_t t0;

		if (!more && !nactive)
			break;
		if (more && !nactive && credit < unit) {
			/* nothing in flight: wait for the next SMS */
			uint64_t wait = (uint64_t)(unit - credit + g->o.rate - 1) / g->o.rate;

			g->clock_ns += wait;
			credit += (int64_t)(wait * g->o.rate);
		}
		for (unsigned i = 0; more && credit >= unit && i < GEN_MAX_BATCH; i++) {
			if (flows[i].active)
				continue;
			if (flow_new(g, &flows[i]) == 0) {
				nactive++;
				if (i >= hw)
					hw = i + 1;
				credit -= (int64_t)flows[i].promised * unit;
			}
			more = g->parts + g->reserved < g->o.messages;
		}
		t0 = g->clock_ns;
		for (unsigned i = 0; i < hw; i++) {
			if (!flows[i].active)
				continue;
			flow_step(g, &flows[i]);
			nactive -= !flows[i].active;
		}
		while (hw && !flows[hw - 1].active)
			hw--;
		assoc_flush(g);
		gen_advance(g, 300000, 2500000);	/* network + peer latency */
		credit += (int64_t)(g->clock_ns - t0) * (int64_t)g->o.rate;
		if (credit > (int64_t)GEN_MAX_BATCH * unit)
			credit = (int64_t)GEN_MAX_BATCH * unit;	/* saturated: the rate is not reached */
		if (g->clock_ns >= next_idle) {
			assoc_idle(g);
			next_idle = g->clock_ns + GEN_IDLE_NS;
		}
	}
	assoc_drain(g);
	g->flows = NULL;
	g->scn_state = NULL;
	if (g->memo) {
		free(((struct enc_memo *)g->memo)->arena);
		free(g->memo);
		g->memo = NULL;
	}
	free(flows);
	free(st->shielded);
	free(st);
	return 0;
}
