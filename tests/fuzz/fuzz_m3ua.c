/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: the input is one M3UA message; decode it and walk its
 * parameters, touching every byte each view claims. */
#include <stddef.h>
#include <stdint.h>

#include "decode/m3ua.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void touch(struct sf_bytes b)
{
	uint8_t x = 0;

	for (size_t i = 0; i < b.len; i++)
		x ^= b.p[i];
	sink ^= x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct m3ua_view m;
	struct m3ua_param_iter it;
	struct m3ua_param prm;
	enum sf_err e;

	e = m3ua_decode(data, size, &m);
	touch(m.params);
	touch(m.user_data);
	/* a decoded message never claims bytes beyond the input */
	if (m.params.len > size || m.user_data.len > size)
		__builtin_trap();
	if (e == SF_OK && m.has_pd && m.user_data.p + m.user_data.len > data + size)
		__builtin_trap();
	m3ua_param_iter_init(&it, &m);
	while (m3ua_param_next(&it, &prm) > 0) {
		touch(prm.value);
		sink ^= (uint8_t)prm.tag;
	}
	return 0;
}
