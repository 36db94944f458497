/* SPDX-License-Identifier: BSD-3-Clause */
/* The M3UA messages of the inline harness: an MO-ForwardSM dialogue
 * (TCAP Begin with otid = sequence + 1) from "MSC" to "SMSC", and the SMSC's
 * TC-END ReturnResultLast. Built with the generator's encoders. */
#ifndef PEER_MSG_H
#define PEER_MSG_H

#include <stddef.h>
#include <stdint.h>

/* An M3UA DATA carrying MO-ForwardSM (GSM 7-bit text, ASCII letters,
 * digits and blanks only). Returns its length or 0. */
size_t peer_msg_mo(uint8_t *out, size_t cap, uint32_t seq, const char *text);
/* The SMSC's answer to the dialogue whose otid was otid. */
size_t peer_msg_end(uint8_t *out, size_t cap, uint32_t otid, int32_t invoke_id, uint8_t sls);

#endif
