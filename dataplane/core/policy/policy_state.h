/* SPDX-License-Identifier: BSD-3-Clause */
/* Mutable policy state. Per lcore (single writer, no locks): the local
 * shield overlay from "00000" seen on the wire (also spread to the other
 * lcores as facts). Shared by every lcore (struct policy_shared,
 * lock-free): IMSI → MSISDN learned from SRI-SM, the behaviour
 * counters (per-sender token bucket and hour/day counts, per-pair windows,
 * distinct recipients per sender, per-recipient counts for SMS bombing,
 * count-min sketches of distinct senders and recipients per content
 * fingerprint), so that verdicts do not depend on how packets are spread
 * over lcores. Every table has a fixed capacity allocated at create time.
 * The IMSI table evicts its least recently learned entry (and counts
 * it); the shield overlay, whose live entries decide verdicts, holds
 * exactly shields_max and, when full, refuses a new shield unless a
 * timed-out one makes room, and counts it (the control plane
 * still gets the event and publishes it with the next lists generation);
 * the shared tables (learned, not authoritative) reuse stale slots and,
 * when a key's neighbourhood is full, take the least recently used slot
 * (counted as an eviction), so new senders are always counted.
 * Table keys are keyed hashes (sf_hash.h), so buckets cannot be aimed at. */
#ifndef POLICY_STATE_H
#define POLICY_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "policy_config.h"
#include "policy_ids.h"

struct policy_state;

struct policy_table_stats {
	uint64_t capacity;	/* entries */
	uint64_t bytes;		/* memory of the table (capacity × entry size) */
	uint64_t used;		/* occupied slots */
	uint64_t inserts;	/* new entries */
	uint64_t evictions;	/* live entries dropped because the bucket was full */
	uint64_t expired;	/* timed-out entries reused */
	uint64_t refused;	/* new entries refused: every way held live state that
				 * decides verdicts (shields are never evicted), or
				 * (shared tables) another lcore took the slot at once */
};

struct policy_state_stats {
	struct policy_table_stats shields;	/* this lcore's */
	/* shared by every lcore (policy_shared): evict the least recently used */
	struct policy_table_stats imsi, senders, pairs, recipients;
	uint64_t content_windows;	/* sketch resets (window rollovers) */
	uint64_t sketch_bytes;		/* the two shared sketches */
};

/* Tables sized from c (tables.*): capacities are rounded up to a power of
 * two ≥ 8. NULL with a message on allocation failure. */
struct policy_state *policy_state_create(const struct policy_config *c, char *err, size_t errlen);
void policy_state_free(struct policy_state *st);
void policy_state_stats(const struct policy_state *st, struct policy_state_stats *out);

/* An SRI-SM exchange mapped imsi to msisdn (its digits and nature of
 * address ton, read by policy_canon_addr) at now_ns: kept in the table
 * shared by every lcore (policy_shared). */
void policy_state_learn_imsi(struct policy_state *st, const char *imsi, const char *msisdn,
			     unsigned ton, uint64_t now_ns);
/* 1 when an MSISDN was learned for imsi within c->imsi_ttl_s: its
 * canonical digits into msisdn (cap bytes, may be NULL) and the time since
 * it was learned into *age_ns (may be NULL); else 0. */
int policy_state_imsi(struct policy_state *st, const struct policy_config *c, const char *imsi,
		      uint64_t now_ns, uint64_t *age_ns, char *msisdn, size_t cap);

/* Apply a shield (add != 0) or cancel it, seen on the wire, until the
 * control plane's next lists generation carries it (c->shield_ttl_s).
 * subscriber and port are canonical (policy_canon_number) and used as
 * they are: canonicalising a canonical number again may change it. */
void policy_state_shield(struct policy_state *st, int add, const char *subscriber,
			 const char *port, uint64_t now_ns);
/* Local overlay for (subscriber, sender), both canonical, longest port
 * prefix first: 1 shielded, -1 shield cancelled locally, 0 no live local
 * entry. */
int policy_state_shielded(struct policy_state *st, const struct policy_config *c,
			  const char *subscriber, const char *sender, uint64_t now_ns);

/* The behaviour check that fired. */
struct policy_behaviour {
	uint32_t policy_id;	/* POLICY_ID_RATE_* / CONTENT_SENDERS / _RECIPIENTS, 0 = none */
	uint32_t count;		/* the count that went over */
	uint32_t limit;		/* the configured limit */
	uint32_t fanout;	/* the sender's distinct recipients in its fan-out window */
};

/* Count one message from sender to recipient (canonical numbers or ids;
 * recipient may be "" when unknown) with content fingerprint fp (0 = no
 * text) at now_ns, then test the thresholds in order: burst, hour, day,
 * pair, fan-out, same text from many senders, same text to many
 * recipients. Returns the first exceeded policy id (0 if none) and fills
 * out. A threshold of 0 disables its check. Every message is counted,
 * including the ones that go over. */
uint32_t policy_state_behaviour(struct policy_state *st, const struct policy_config *c,
				const char *sender, const char *recipient, uint64_t fp,
				uint64_t now_ns, struct policy_behaviour *out);

/* A sender's and a recipient's keys in the behaviour tables, computed
 * once per part (policy_parties) from the canonical strings: the keyed
 * hash places entries, the stable one feeds the sketches. 0: no party. */
struct policy_keys {
	uint64_t ks, kr, ks_stable, kr_stable;
};
void policy_state_keys(const char *sender, const char *recipient, struct policy_keys *k);
/* The same from strings of known length (sl, rl: 0 no party). */
void policy_state_keys_n(const char *sender, size_t sl, const char *recipient, size_t rl,
			 struct policy_keys *k);
/* The keyed hash of a recipient key string (e.g. "imsi:<IMSI>"). */
uint64_t policy_state_key(const char *recipient);

/* As policy_state_behaviour / policy_state_recipient, from keys (kr of the
 * recipient check given apart: the bombing key may be the IMSI's). */
uint32_t policy_state_behaviour_keys(struct policy_state *st, const struct policy_config *c,
				     const struct policy_keys *k, uint64_t fp, uint64_t now_ns,
				     struct policy_behaviour *out);
uint32_t policy_state_recipient_keys(struct policy_state *st, const struct policy_config *c,
				     const struct policy_keys *k, uint64_t kr, unsigned channel,
				     unsigned flags, uint64_t now_ns, struct policy_behaviour *out);

/* Start loading what the behaviour checks will touch, in two steps that
 * read nothing: the parties' slots (sender, pairs, the SMS-bombing
 * recipient kr_bomb in its channel) as soon as the keys are known, before
 * the scan cache is asked, so that a text the cache answers still has
 * its look-up's time to hide them; the sketch cells of the text's
 * fingerprint fp once it is known, before a content scan, whose time
 * hides them. */
void policy_state_prefetch_parties(struct policy_state *st, const struct policy_keys *k,
				   uint64_t kr_bomb, unsigned channel);
void policy_state_prefetch_text(struct policy_state *st, const struct policy_keys *k, uint64_t fp);

/* Behaviour shared by every lcore (lock-free: atomic counters with their
 * window in the word, exact keys, open addressing over 32 slots; each
 * attached state counts the tables' inserts and evictions in its own set
 * of counters, summed by the stats calls), so that
 * the verdicts do not depend on how packets are spread over lcores. Sized
 * by [tables]: senders_max (48 B each), pairs_max (40 B), recipients_max
 * (32 B), sketch_width and sketch_bloom_bits. A policy_state makes its own
 * unless one is attached; the attacher keeps ownership and frees it after
 * every state that uses it. */
struct policy_shared;
struct policy_shared *policy_shared_create(const struct policy_config *c, char *err, size_t errlen);
void policy_shared_free(struct policy_shared *sh);
void policy_shared_stats(const struct policy_shared *sh, struct policy_table_stats *senders,
			 struct policy_table_stats *pairs, struct policy_table_stats *recipients);
void policy_state_attach_shared(struct policy_state *st, struct policy_shared *sh);

/* SMS bombing (many messages to one recipient from one or many senders,
 * OTP floods through legitimate services included): count one message to
 * recipient (canonical number, or "imsi:<IMSI>" when unresolved) from
 * sender at now_ns in the fixed [rates] recipient_window_s window, in the
 * sender's channel (policy_parties.bomb_channel; the counts of each
 * channel are apart, the string form uses channel 0), then test,
 * in order, recipient_allowed_max (only for a message an allow rule passed),
 * recipient_max and recipient_senders_max. Flags: POLICY_RCPT_NEW_MESSAGE
 * counts the message (first part of a concatenated one, or a single part;
 * later parts are judged on the counts); POLICY_RCPT_ALLOWED marks it as
 * passed by an allow rule. Returns the first exceeded policy id or 0. */
#define POLICY_RCPT_NEW_MESSAGE	0x01
#define POLICY_RCPT_ALLOWED	0x02
uint32_t policy_state_recipient(struct policy_state *st, const struct policy_config *c,
				const char *recipient, const char *sender, unsigned flags,
				uint64_t now_ns, struct policy_behaviour *out);

#endif
