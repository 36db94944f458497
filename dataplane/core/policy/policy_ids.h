/* SPDX-License-Identifier: BSD-3-Clause */
/* Stable policy ids: one per check of the policy engine (POLICY.md
 * "Policy ids"). They appear in verdicts.jsonl, counters and Redis, so a
 * number is never reused for another meaning. The thousands digit is the
 * evaluation step (1 allow ... 8 geo; 0 service messages). */
#ifndef POLICY_IDS_H
#define POLICY_IDS_H

#define POLICY_ID_LIST(X) \
	X(NONE, 0, "none") \
	X(SERVICE_REPORT, 1, "service.report") \
	X(SERVICE_SHIELD, 2, "service.shield") \
	X(SERVICE_UNSHIELD, 3, "service.unshield") \
	X(ALLOW_NUMBER, 1001, "allow.number") \
	X(ALLOW_PREFIX, 1002, "allow.prefix") \
	X(ALLOW_SENDER, 1003, "allow.sender") \
	X(ALLOW_GT, 1004, "allow.gt") \
	X(ALLOW_RULE, 1005, "allow.rule") \
	X(BLOCK_NUMBER, 2001, "block.number") \
	X(BLOCK_PREFIX, 2002, "block.prefix") \
	X(BLOCK_SENDER, 2003, "block.sender") \
	X(BLOCK_GT, 2004, "block.gt") \
	X(SHIELD_LIST, 3001, "shield.list") \
	X(SHIELD_LOCAL, 3002, "shield.local") \
	X(SPOOF_PROTECTED, 4001, "spoof.protected_sender") \
	X(SPOOF_SCA, 4002, "spoof.gt_sca_mismatch") \
	X(UNSOLICITED, 4003, "spoof.unsolicited") \
	X(CONTENT_RULE, 5001, "content.rule") \
	X(CONTENT_SCAN_FAILED, 5002, "content.scan_failed") \
	X(CONTENT_ANOMALY, 5003, "content.anomaly") \
	X(RATE_BUCKET, 6001, "behaviour.sender_burst") \
	X(RATE_HOUR, 6002, "behaviour.sender_hour") \
	X(RATE_DAY, 6003, "behaviour.sender_day") \
	X(RATE_PAIR, 6004, "behaviour.pair") \
	X(RATE_FANOUT, 6005, "behaviour.fanout") \
	X(CONTENT_SENDERS, 6006, "behaviour.same_text_senders") \
	X(CONTENT_RECIPIENTS, 6007, "behaviour.same_text_recipients") \
	X(RCPT_FLOOD, 6008, "behaviour.recipient_flood") \
	X(RCPT_SENDERS, 6009, "behaviour.recipient_senders") \
	X(RCPT_ALLOWED, 6010, "behaviour.recipient_allowed_flood") \
	X(FANOUT_SUSPECT, 6011, "behaviour.fanout_suspect") \
	X(QUIET_HOURS, 7001, "quiet_hours.commercial_ad") \
	X(GEO_URL_BLOCKED, 8001, "geo.url_blocked") \
	X(GEO_URL_SUSPICIOUS, 8002, "geo.url_suspicious") \
	X(GEO_PEER_BLOCKED, 8003, "geo.peer_blocked") \
	X(GEO_PEER_SUSPICIOUS, 8004, "geo.peer_suspicious")

enum policy_id {
#define PI_X(id, n, name) POLICY_ID_##id = n,
	POLICY_ID_LIST(PI_X)
#undef PI_X
};

/* "block.number", ... or NULL for an unknown id */
static inline const char *policy_id_name(unsigned id)
{
	switch (id) {
#define PI_X(i, n, name) case n: return name;
	POLICY_ID_LIST(PI_X)
#undef PI_X
	}
	return 0;
}

#endif
