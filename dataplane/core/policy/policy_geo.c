/* SPDX-License-Identifier: BSD-3-Clause */
/* GeoIP lookups with libmaxminddb (MaxMind DB File Format Spec 2.0):
 * country.iso_code, falling back to registered_country.iso_code. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <maxminddb.h>

#include "policy_geo.h"

struct policy_geo {
	MMDB_s db;
};

struct policy_geo *policy_geo_open(const char *path, char *err, size_t errlen)
{
	struct policy_geo *g = calloc(1, sizeof(*g));
	int rc;

	if (!g) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	rc = MMDB_open(path, MMDB_MODE_MMAP, &g->db);
	if (rc != MMDB_SUCCESS) {
		snprintf(err, errlen, "%s: %s", path, MMDB_strerror(rc));
		free(g);
		return NULL;
	}
	return g;
}

void policy_geo_close(struct policy_geo *g)
{
	if (!g)
		return;
	MMDB_close(&g->db);
	free(g);
}

static int iso_code(MMDB_entry_s *e, const char *top, char cc[3])
{
	MMDB_entry_data_s d;

	if (MMDB_get_value(e, &d, top, "iso_code", NULL) != MMDB_SUCCESS || !d.has_data ||
	    d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size != 2)
		return 0;
	cc[0] = d.utf8_string[0];
	cc[1] = d.utf8_string[1];
	cc[2] = 0;
	return 1;
}

int policy_geo_country(const struct policy_geo *g, int family, const uint8_t *addr, char cc[3])
{
	struct sockaddr_storage ss;
	MMDB_lookup_result_s r;
	int mmdb_err = MMDB_SUCCESS;

	cc[0] = 0;
	if (!g || !addr)
		return 0;
	memset(&ss, 0, sizeof(ss));
	if (family == 4) {
		struct sockaddr_in *in = (struct sockaddr_in *)(void *)&ss;

		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, addr, 4);
	} else if (family == 6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)&ss;

		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, addr, 16);
	} else {
		return 0;
	}
	r = MMDB_lookup_sockaddr(&g->db, (const struct sockaddr *)(const void *)&ss, &mmdb_err);
	if (mmdb_err != MMDB_SUCCESS)
		return -1;
	if (!r.found_entry)
		return 0;
	if (iso_code(&r.entry, "country", cc) || iso_code(&r.entry, "registered_country", cc))
		return 1;
	return 0;
}
