/* SPDX-License-Identifier: BSD-3-Clause */
/* Master discovery through Redis Sentinel; see ctl_sentinel.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "ctl_sentinel.h"

int ctl_sentinel_parse(struct ctl_sentinel *s, const char *list, const char *master, char *err, size_t errlen)
{
	const char *p = list;

	memset(s, 0, sizeof(*s));
	if (!master || !*master || strlen(master) >= sizeof(s->master) ||
	    strspn(master, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(master)) {
		snprintf(err, errlen, "sentinel master name: 1-63 characters of A-Z a-z 0-9 . _ -");
		return -1;
	}
	memcpy(s->master, master, strlen(master) + 1);
	while (*p) {
		size_t n;
		const char *colon;
		char *end;
		long port;

		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (!n)
			break;
		colon = NULL;
		for (size_t k = 0; k < n; k++)	/* the last ':' (an IPv6 address has more) */
			if (p[k] == ':')
				colon = p + k;
		if (s->n == CTL_SENTINEL_MAX || !colon || colon == p || (size_t)(colon - p) >= sizeof(s->host[0])) {
			snprintf(err, errlen, "sentinels: expected at most %d HOST:PORT, got \"%.*s\"",
				 CTL_SENTINEL_MAX, (int)n, p);
			return -1;
		}
		port = strtol(colon + 1, &end, 10);
		if (end != p + n || port < 1 || port > 65535) {
			snprintf(err, errlen, "sentinels: bad port in \"%.*s\"", (int)n, p);
			return -1;
		}
		memcpy(s->host[s->n], p, (size_t)(colon - p));
		s->host[s->n][colon - p] = 0;
		s->port[s->n++] = (int)port;
		p += n;
	}
	if (!s->n) {
		snprintf(err, errlen, "sentinels: none given");
		return -1;
	}
	return 0;
}

int ctl_sentinel_master(struct ctl_sentinel *s, unsigned timeout_ms, char *host, size_t hostcap, int *port,
			char *err, size_t errlen)
{
	struct timeval tv = { (time_t)(timeout_ms / 1000), (suseconds_t)(timeout_ms % 1000) * 1000 };
	size_t el = 0;

	if (errlen)
		err[0] = 0;
	for (unsigned k = 0; k < s->n; k++) {
		unsigned i = (s->first + k) % s->n;
		redisContext *c = redisConnectWithTimeout(s->host[i], s->port[i], tv);
		redisReply *r = NULL;
		const char *why = "no answer";

		if (c && !c->err) {
			redisSetTimeout(c, tv);
			r = redisCommand(c, "SENTINEL GET-MASTER-ADDR-BY-NAME %s", s->master);
			if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
			    r->element[0]->type == REDIS_REPLY_STRING && r->element[1]->type == REDIS_REPLY_STRING &&
			    (size_t)r->element[0]->len < hostcap && atoi(r->element[1]->str) > 0) {
				memcpy(host, r->element[0]->str, (size_t)r->element[0]->len + 1);
				*port = atoi(r->element[1]->str);
				s->first = i;	/* ask this one first next time */
				freeReplyObject(r);
				redisFree(c);
				return 0;
			}
			why = !r ? c->errstr : r->type == REDIS_REPLY_ERROR ? r->str :
			      r->type == REDIS_REPLY_NIL ? "master name unknown" : "unexpected reply";
		} else if (c) {
			why = c->errstr;
		}
		if (el < errlen)
			el += (size_t)snprintf(err + el, errlen - el, "%ssentinel %s:%d: %s", el ? "; " : "",
					       s->host[i], s->port[i], why);
		if (r)
			freeReplyObject(r);
		if (c)
			redisFree(c);
	}
	return -1;
}

int ctl_redis_is_master(redisContext *c)
{
	redisReply *r = redisCommand(c, "ROLE");
	int rc;

	if (!r)
		return -1;
	if (r->type == REDIS_REPLY_ERROR)
		rc = !strncmp(r->str, "NOPERM", 6) ? 1 : 0;
	else
		rc = r->type == REDIS_REPLY_ARRAY && r->elements >= 1 && r->element[0]->type == REDIS_REPLY_STRING &&
		     !strcmp(r->element[0]->str, "master");
	freeReplyObject(r);
	return rc;
}

int ctl_reply_failover(const redisReply *r)
{
	static const char *const codes[] = { "READONLY", "MASTERDOWN", "LOADING", "NOREPLICAS", "TRYAGAIN",
					     "CLUSTERDOWN" };

	if (!r || r->type != REDIS_REPLY_ERROR || !r->str)
		return 0;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		size_t n = strlen(codes[i]);

		if (!strncmp(r->str, codes[i], n) && (r->str[n] == ' ' || r->str[n] == 0))
			return 1;
	}
	return 0;
}
