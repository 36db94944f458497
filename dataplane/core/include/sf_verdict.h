/* SPDX-License-Identifier: BSD-3-Clause */
/* Content classes, actions and the verdict every SMS part gets. Class ids
 * 1-5 are the five classes of illegal content (see DOMAIN.md §2); the ids
 * are stable: they appear in rule bundles, logs and Redis. */
#ifndef SF_VERDICT_H
#define SF_VERDICT_H

#include <stdint.h>

#define SF_CLASS_LIST(X) \
	X(NONE, 0, "none") \
	X(FRAUD_IMPERSONATION, 1, "fraud_impersonation") \
	X(OBSCENE_VIOLENT, 2, "obscene_violent") \
	X(CONTRABAND, 3, "contraband") \
	X(FAKE_OFFER, 4, "fake_offer") \
	X(HARASSMENT, 5, "harassment") \
	X(COMMERCIAL_AD, 6, "commercial_ad") \
	X(FAKE_BASE_STATION, 7, "fake_base_station") \
	X(ALLOW, 8, "allow")

enum sf_class {
#define SF_X(id, n, name) SF_CLASS_##id = n,
	SF_CLASS_LIST(SF_X)
#undef SF_X
	SF_CLASS__COUNT
};

/* What a rule or a policy check asks for; ordered by strength. */
enum sf_action {
	SF_ACT_NONE = 0,	/* no opinion */
	SF_ACT_SCORE,		/* adds a score; becomes BLOCK at the threshold */
	SF_ACT_TAG,		/* pass, but log and mark */
	SF_ACT_BLOCK,
	SF_ACT_ALLOW,		/* wins over everything but an explicit block list */
};

enum sf_verdict_kind { SF_VERDICT_PASS = 0, SF_VERDICT_TAG, SF_VERDICT_BLOCK };

/* "fraud_impersonation", ... or NULL for an unknown id */
static inline const char *sf_class_name(unsigned c)
{
	static const char *const names[] = {
#define SF_X(id, n, name) [n] = name,
		SF_CLASS_LIST(SF_X)
#undef SF_X
	};
	return c < SF_CLASS__COUNT ? names[c] : 0;
}

static inline const char *sf_verdict_name(unsigned v)
{
	return v == SF_VERDICT_BLOCK ? "block" : v == SF_VERDICT_TAG ? "tag" : "pass";
}

#endif
