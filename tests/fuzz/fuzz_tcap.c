/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target for the TCAP decoder (ITU-T Q.773): the message, every
 * component through the iterator, and the input as a bare component;
 * every view returned is read end to end, and decoding through a memo of
 * dialogue portions kept across inputs must give the same result. */
#include <stdint.h>
#include <string.h>

#include "decode/tcap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned sink;

static void touch(struct sf_bytes b)
{
	unsigned s = 0;

	for (size_t i = 0; i < b.len; i++)
		s += b.p[i];
	sink += s;
}

static void touch_comp(const struct tcap_component *c)
{
	sink += c->type + (unsigned)c->invoke_id + (unsigned)c->linked_id + (unsigned)c->opcode +
		(unsigned)c->error_code + (unsigned)c->problem;
	touch(c->opcode_oid);
	touch(c->error_oid);
	if (c->has_param)
		touch(c->param);
}

/* kept across inputs, as a pipeline keeps it across messages */
static struct tcap_memo memo;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcap_view v, vm;
	struct tcap_comp_iter ci;
	struct tcap_component c;
	enum sf_err e;
	int r, n = 0;

	if (size > 0 && tcap_component_decode(data[0], sf_bytes_make(data + 1, size - 1), &c) == SF_OK)
		touch_comp(&c);
	/* the views compared whole: the component entries past n_comp_seen
	 * are not the decoder's to set */
	memset(&v, 0, sizeof(v));
	memset(&vm, 0, sizeof(vm));
	e = tcap_decode(data, size, &v);
	/* the dialogue-portion memo changes nothing but the work */
	if (tcap_decode_memo(data, size, &vm, &memo) != e || (e == SF_OK && memcmp(&v, &vm, sizeof(v))))
		__builtin_trap();
	if (e != SF_OK)
		return 0;
	sink += v.type + v.otid_u32 + v.dtid_u32 + v.dlg_pdu + v.map_ac + v.map_ac_version +
		v.pabort_cause + v.n_components;
	touch(v.ac_oid);
	touch(v.user_info);
	touch(v.components);
	tcap_comp_iter_init(&ci, &v);
	while ((r = tcap_comp_next(&ci, &c)) == 1) {
		touch_comp(&c);
		n++;
	}
	/* the iterator never yields more components than the framing walk counted */
	if (n > v.n_components && v.n_components < 255)
		__builtin_trap();
	return 0;
}
