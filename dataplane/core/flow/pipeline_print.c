/* SPDX-License-Identifier: BSD-3-Clause */
/* The pipeline's counters as a human-readable summary (tools and the
 * dataplane print the same one). */
#include <stdio.h>

#include "flow/pipeline.h"

void sf_pipeline_stats_print(FILE *f, const struct sf_pipeline_stats *s)
{
	fprintf(f, "  packets            %llu (non-IP %llu, IP fragments %llu, non-SCTP %llu)\n",
		(unsigned long long)s->packets, (unsigned long long)s->non_ip,
		(unsigned long long)s->ip_fragments, (unsigned long long)s->non_sctp);
	fprintf(f, "  SCTP packets       %llu (bad checksum %llu, checksum verified by the NIC %llu)\n",
		(unsigned long long)s->sctp_packets, (unsigned long long)s->bad_checksum,
		(unsigned long long)s->nic_checksum);
	fprintf(f, "  SCTP paths         %llu alternate paths of multi-homed associations (evicted %llu); "
		"ASCONF: %llu added, %llu deleted, %llu refused, %llu of unseen set-ups\n",
		(unsigned long long)s->sctp_paths, (unsigned long long)s->sctp_path_evictions,
		(unsigned long long)s->asconf_added, (unsigned long long)s->asconf_deleted,
		(unsigned long long)s->asconf_refused, (unsigned long long)s->asconf_unknown);
	fprintf(f, "  SCTP chunks        %llu (DATA %llu, retransmitted %llu, fragments %llu, other PPID %llu)\n",
		(unsigned long long)s->chunks, (unsigned long long)s->data_chunks,
		(unsigned long long)s->data_retransmissions, (unsigned long long)s->data_fragments,
		(unsigned long long)s->other_ppid);
	fprintf(f, "  M3UA messages      %llu (DATA %llu, other classes %llu, non-SCCP %llu)\n",
		(unsigned long long)s->m3ua_messages, (unsigned long long)s->m3ua_data,
		(unsigned long long)s->m3ua_other_class, (unsigned long long)s->m3ua_non_sccp);
	fprintf(f, "  SCCP messages      %llu (segments %llu, returned %llu)\n",
		(unsigned long long)s->sccp_messages, (unsigned long long)s->sccp_segments,
		(unsigned long long)s->sccp_other);
	fprintf(f, "  TCAP messages      %llu (dialogues begun %llu, components %llu, unknown dialogue %llu)\n",
		(unsigned long long)s->tcap_messages, (unsigned long long)s->tcap_dialogues,
		(unsigned long long)s->tcap_components, (unsigned long long)s->tcap_unknown_dialogue);
	fprintf(f, "  SMS parts          %llu (mo-forwardSM %llu, mt-forwardSM %llu, forwardSM %llu)\n",
		(unsigned long long)s->sms_parts, (unsigned long long)s->sms_by_op[SF_OP_MO_FORWARD_SM],
		(unsigned long long)s->sms_by_op[SF_OP_MT_FORWARD_SM],
		(unsigned long long)s->sms_by_op[SF_OP_FORWARD_SM]);
	fprintf(f, "  SMS by coding      gsm7 %llu, 8bit %llu, ucs2 %llu (U+FFFD replacements %llu)\n",
		(unsigned long long)s->sms_by_charset[SF_CS_GSM7], (unsigned long long)s->sms_by_charset[SF_CS_8BIT],
		(unsigned long long)s->sms_by_charset[SF_CS_UCS2], (unsigned long long)s->text_replaced);
	if (s->data_as_text)
		fprintf(f, "  8-bit data as text %llu\n", (unsigned long long)s->data_as_text);
	fprintf(f, "  other MAP          sri-sm %llu, sri-sm results %llu, report-sm-ds %llu, alert-sc %llu, other ops %llu\n",
		(unsigned long long)s->map_events[SF_MAP_EV_SRI_SM_ARG],
		(unsigned long long)s->map_events[SF_MAP_EV_SRI_SM_RES],
		(unsigned long long)s->map_events[SF_MAP_EV_REPORT_SM_DS],
		(unsigned long long)s->map_events[SF_MAP_EV_ALERT_SC], (unsigned long long)s->map_other_ops);
	for (int i = 0; i < SF_ERR__COUNT; i++)
		if (s->err.n[i])
			fprintf(f, "  error %-30s %llu\n", sf_err_name((enum sf_err)(-i - 1)),
				(unsigned long long)s->err.n[i]);
}

