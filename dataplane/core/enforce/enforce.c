/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-association state machine and packet rewriter of SCTP-aware
 * blocking (RFC 9260; FORWARD-TSN from RFC 3758).
 *
 * Model. Each association has two directions; in a direction the sender's
 * TSN space ("S") is mapped onto the receiver's ("R"). A forwarded DATA
 * chunk gets the next R TSN; a removed chunk gets none (and is acked to
 * the sender by us); an injected answer takes an R TSN of its own. The
 * mapping of every TSN between the sender's cumulative ack and the highest
 * TSN seen is kept in a ring of window entries (S side) and the inverse in
 * another (R side), so retransmissions get the mapping of their first copy
 * and SACKs translate exactly. Stream sequence numbers of ordered streams
 * are shifted per stream by the removals and injections before them.
 *
 * A TSN that arrives after a higher one (loss or reordering upstream of
 * smsfw) left a reserved R slot (a "hole"): it fills it. A late chunk that
 * is blocked cannot give its slot back (later R TSNs are out already): it
 * is not forwarded and the receiver is told to skip its TSN and SSN with
 * an injected FORWARD-TSN (RFC 3758) once it holds everything below; when
 * the ends did not negotiate FORWARD-TSN it is forwarded (block_passed).
 * Answers into a direction with holes wait until the holes are filled,
 * because their SSN could collide with a late chunk's.
 *
 * A removed chunk is reported acked to its sender only together with its
 * forwarded neighbours, so the sender never sees a gap report it would
 * count toward a fast retransmission; injected packets are kept within
 * max_frame (the path MTU).
 *
 * A message fragmented over several DATA chunks (B ... E, consecutive
 * TSNs, RFC 9260 §6.9) is decided only when its last fragment arrives,
 * and a fragment once forwarded cannot be taken back. So the fragments of
 * a message are held (not forwarded, not acked to the sender) from its B
 * fragment until its E fragment: blocked, every fragment is removed like
 * a single chunk (one SSN); passed, they get their R TSNs then, in order,
 * ahead of the E fragment (in its packet when they fit, else in packets
 * of their own sent before it). The receiver sees a short delay, never a
 * gap; the sender sees its fragments acked a little later, as after a
 * delayed SACK. A hold is bounded: by holds messages per table,
 * hold_bytes and ENF_HOLD_PKTS packets per message, and hold_ns (below
 * the sender's minimum RTO, so it never retransmits because of it). Past
 * a bound, or when anything else must be forwarded first (a higher TSN:
 * loss or reordering upstream, a FORWARD-TSN), the held fragments are
 * forwarded as they are (counted) and a blocked message among them is
 * forwarded too (block_passed), unless both ends support FORWARD-TSN:
 * then the receiver is moved past the partial message, which it discards
 * (RFC 3758 §3.6; frag_msgs_skipped). A B fragment is held when it is a new
 * TSN (TSNs skipped below it become holes, as for any new TSN); injected
 * answers never take a TSN between the fragments of a message.
 *
 * Associations are learnt from INIT / INIT-ACK; anything else (smsfw
 * started mid-association, I-DATA, a window overflow after renumbering)
 * is forwarded unchanged: monitor mode for that association. */
#include "enforce/enf_int.h"
#include "flow/pipeline.h"

#include <string.h>

/* Room for a rewritten chunk at off when rest bytes of chunks follow: the
 * frame stays within the larger of its own size and the path MTU (a SACK
 * with more gap blocks is cut to fewer, which §3.3.4 allows); at least a
 * bare SACK. */
static size_t chunk_room(const struct enf_table *t, size_t frame_len, size_t off, size_t rest)
{
	size_t lim = frame_len > t->fmax ? frame_len : t->fmax;

	if (lim > ENF_FRAME_MAX)
		lim = ENF_FRAME_MAX;
	if (off + rest + 24 > lim)
		return off + rest + 24 <= ENF_FRAME_MAX ? 24 : 0;
	return lim - off - rest;
}

/* The packet's CRC32c: the pipeline's check, or computed once when first
 * needed (a pipeline that does not check). */
static int csum_ok(int *cached, const struct sf_pkt_rec *rec, const uint8_t *l4)
{
	if (*cached < 0)
		*cached = rec->crc_ok || sctp_checksum_ok(l4, rec->l4_len);
	return *cached;
}

/* The first chunk: INIT and INIT-ACK come alone in their packet (RFC
 * 9260 §6.10) and set an association up before it is looked up. */
static uint8_t first_chunk(struct enf_table *t, const struct sctp_view *sv,
			   const struct sf_pkt_rec *rec, const uint8_t *l4, uint64_t now)
{
	struct sctp_walk_iter it;
	struct sctp_chunk c;

	sctp_walk_iter_init(&it, &rec->walk, l4, rec->l4_len);
	if (sctp_walk_next(&it, &c) != 1)
		return 0xFF;
	if (c.type == SF_SCTP_INIT && sv->vtag == 0)
		enf_on_init(t, sv, &c, now);
	else if (c.type == SF_SCTP_INIT_ACK)
		enf_on_init_ack(t, sv, &c, now);
	return c.type;
}

/* The chunk walk of a packet of an untracked or monitored association:
 * only its end matters. 1: ABORT or SHUTDOWN COMPLETE, 2: one with the
 * T bit (it carries the sender's own tag, §8.5.1), 0: neither. */
static int end_chunk(const struct sf_pkt_rec *rec, const uint8_t *l4)
{
	struct sctp_walk_iter it;
	struct sctp_chunk c;
	int end = 0;

	sctp_walk_iter_init(&it, &rec->walk, l4, rec->l4_len);
	while (sctp_walk_next(&it, &c) == 1)
		if (c.type == SF_SCTP_ABORT || c.type == SF_SCTP_SHUTDOWN_COMPLETE)
			end = end == 2 || (c.flags & 1) ? 2 : 1;
	return end;
}

/* ---- the packet ---- */
int enf_packet(struct enf_table *t, const uint8_t *frame, size_t len, int linktype,
	       const struct sf_pkt_rec *rec, uint16_t in_port, uint16_t out_port,
	       const struct enf_block *blocks, unsigned n_blocks,
	       uint64_t now, struct enf_out *out)
{
	const uint8_t *l4;
	size_t l4_len;
	struct sctp_view sv;
	struct sctp_walk_iter it;
	struct sctp_chunk c;
	struct enf_assoc *a;
	struct enf_dir *D, *R;
	size_t l3_off, l4_off, off, sack_off = 0;
	unsigned d;
	uint8_t first;
	int rc, changed = 0, removed = 0, retire_after = 0, need_sack = 0;
	uint32_t dups[ENF_MAX_DUPS], max_removed = 0;
	unsigned n_dups = 0;
	int csum = -1;
	struct enf_tmpl rev;

	out->n_inject = 0;
	out->pkt_len = 0;
	t->st.packets++;
	t->now = now;
	t->calls++;
	/* the pipeline's record of the frame: not SCTP, SCTP out of IP
	 * fragments, or SCTP whose checksum failed pass as they are (a
	 * receiver drops a corrupt packet: it changes no state) */
	if (!rec->sctp_ok || rec->ip_reassembled || (size_t)rec->l4_off + rec->l4_len > len)
		return ENF_PASS;
	l3_off = rec->l3_off;
	l4_off = rec->l4_off;
	l4 = frame + l4_off;
	l4_len = rec->l4_len;
	/* the header fields the association table is keyed by */
	sv.sport = rec->sport;
	sv.dport = rec->dport;
	sv.vtag = rec->vtag;

	/* the chunk headers come from the record's walk; the packet's bytes
	 * are read only for the chunks' values */
	first = first_chunk(t, &sv, rec, l4, now);
	a = enf_lookup(t, sv.vtag, sv.sport, sv.dport, &d);
	if (!a) {
		/* a COOKIE ECHO with the tag of an earlier INIT-ACK: the
		 * initiator took that one (§5.2.4); rare, so a scan is fine */
		if (first == SF_SCTP_COOKIE_ECHO && sv.vtag) {
			for (unsigned i = 0; i < t->n; i++) {
				struct enf_assoc *x = &t->a[i];

				if (x->state == AS_TRACK && x->tag_b_alt == sv.vtag &&
				    x->port_a == sv.sport && x->port_b == sv.dport) {
					enf_key_remove(t, i, 0);
					x->tag_b = x->d[0].vtag = sv.vtag;
					x->tag_b_alt = 0;
					enf_key_insert(t, i, 0);
					a = x;
					d = 0;
					break;
				}
			}
		}
	}
	if (!a) {
		/* ABORT with the T bit carries the sender's own tag (§8.5.1) */
		if (end_chunk(rec, l4) == 2) {
			a = enf_lookup(t, sv.vtag, sv.dport, sv.sport, &d);
			if (a) {
				t->st.assocs_retired++;
				enf_retire(t, a);
			}
			return ENF_PASS;
		}
		if (sv.vtag)	/* an INIT has none yet */
			t->st.unknown_assoc++;
		return ENF_PASS;
	}
	a->last_ns = now;
	D = &a->d[d];
	R = &a->d[1 - d];
	enf_tmpl_store(&D->tmpl, frame, l3_off, l4_off, rec->ip_version, out_port);
	if (a->state != AS_TRACK) {
		if (end_chunk(rec, l4)) {
			t->st.assocs_retired++;
			enf_retire(t, a);
		}
		return ENF_PASS;
	}
	enf_tmpl_reverse(&rev, &D->tmpl, linktype, in_port);
	if (!R->tmpl.ok)
		R->tmpl = rev;
	if (l4_off + l4_len > ENF_FRAME_MAX) {
		/* too big to rewrite: fine as long as nothing needs it */
		if (n_blocks || D->renumbered || R->renumbered || D->hold) {
			t->st.rewrite_errors++;
			return enf_go_monitor(t, a, out);
		}
		return ENF_PASS;
	}
	if (D->hold && !csum_ok(&csum, rec, l4))
		return ENF_PASS;	/* the receiver drops it: no state changes */
	memcpy(out->pkt, frame, l4_off + SF_SCTP_COMMON_HDR_LEN);
	off = l4_off + SF_SCTP_COMMON_HDR_LEN;

	sctp_walk_iter_init(&it, &rec->walk, l4, l4_len);
	while ((rc = sctp_walk_next(&it, &c)) == 1) {
		size_t plen = (c.len + 3u) & ~(size_t)3, n;
		const uint8_t *src = l4 + c.offset;	/* offset in the SCTP packet */

		if (plen > l4_len - c.offset)
			plen = l4_len - c.offset;	/* last chunk without padding */
		switch (c.type) {
		case SF_SCTP_DATA: {
			struct sctp_data_view dv;
			uint32_t tsn = 0;
			uint16_t ssn = 0;
			int dup, answer, v;
			const struct enf_block *blk;

			if (sctp_data_decode(&c, &dv) != SF_OK && c.len < SF_SCTP_DATA_HDR_LEN) {
				return enf_go_monitor(t, a, out);
			}
			blk = enf_find_block(blocks, n_blocks, dv.tsn);
			if (D->hold && sdiff(dv.tsn, t->holds[D->hold - 1].first) >= 0) {
				struct enf_hold *h = &t->holds[D->hold - 1];
				uint8_t pk;
				uint32_t cur;
				long w;

				if (sdiff(dv.tsn, h->first) >= 0 && sdiff(dv.tsn, h->next) < 0) {
					/* a retransmission of a held fragment: held already */
					t->st.hold_retrans++;
					changed = 1;
					continue;
				}
				if (enf_hold_next(t, D, h, &dv)) {
					if (!(dv.flags & SF_SCTP_DATA_FLAG_E)) {
						if (enf_hold_fits(t, D, h, (c.len + 3u) & ~(size_t)3, &pk, &cur)) {
							enf_hold_put(t, D, &dv, src, c.len, pk, cur);
							changed = 1;
							continue;
						}
						t->st.hold_released++;	/* too long to hold */
					} else {
						const struct enf_block *mb =
							blk ? blk : enf_find_block_range(blocks, n_blocks, h->first, h->next);

						if (mb) {
							struct sctp_data_view whole = dv;

							enf_hold_remove(t, D, &dv, &whole.payload);
							removed = changed = need_sack = 1;
							max_removed = dv.tsn;
							if (mb->action != ENF_DROP && enf_queue_answer(t, R, mb, &whole) != 0)
								t->st.answers_lost++;
							continue;
						}
					}
				} else {
					t->st.hold_released++;	/* something else goes first */
				}
				/* passed (or given up): the held fragments go first,
				 * here when they came in this packet */
				w = enf_hold_release(t, D, h->call == t->calls ? out->pkt + off : NULL,
						 chunk_room(t, len, off, l4_len - c.offset), out->inject,
						 &out->n_inject, ENF_INJECT_MAX);
				if (w < 0)
					return enf_go_monitor(t, a, out);
				off += (size_t)w;
				changed = 1;
			} else if ((dv.flags & (SF_SCTP_DATA_FLAG_B | SF_SCTP_DATA_FLAG_E)) == SF_SCTP_DATA_FLAG_B &&
				   sdiff(dv.tsn, D->s_next) >= 0) {
				if (csum_ok(&csum, rec, l4) && enf_hold_start(t, a, d, &dv, src, c.len)) {
					changed = 1;
					continue;
				}
				t->st.hold_unheld++;
			}
			v = enf_on_data(t, D, &dv, blk, &tsn, &ssn, &dup, &answer);
			if (v == DATA_MONITOR) {
				return enf_go_monitor(t, a, out);
			}
			if (v == DATA_REMOVE) {
				removed = changed = need_sack = 1;
				max_removed = dv.tsn;
				if (dup && n_dups < ENF_MAX_DUPS)
					dups[n_dups++] = dv.tsn;
				if (answer && enf_queue_answer(t, R, blk, &dv) != 0)
					t->st.answers_lost++;
				continue;
			}
			memcpy(out->pkt + off, src, plen);
			if (tsn != dv.tsn || ssn != dv.ssn) {
				sf_wr32(out->pkt + off + 4, tsn);
				sf_wr16(out->pkt + off + 10, ssn);
				changed = 1;
			}
			off += plen;
			break;
		}
		case SF_SCTP_I_DATA:
		case SF_SCTP_I_FORWARD_TSN:
			/* RFC 8260 message ids are not renumbered: monitor */
			return enf_go_monitor(t, a, out);
		case SF_SCTP_SACK:
			n = enf_on_sack(t, R, &c, out->pkt + off, chunk_room(t, len, off, l4_len - c.offset - plen));
			if (!n) {
				return enf_go_monitor(t, a, out);
			}
			if (!R->renumbered && !R->n_pend) {
				/* identity so far: the state is updated, the chunk kept */
				memcpy(out->pkt + off, src, plen);
				n = plen;
			}
			if (n != plen || memcmp(out->pkt + off, src, n))
				changed = 1;
			off += n;
			break;
		case SF_SCTP_SHUTDOWN:
			/* RFC 9260 §3.3.8: Cumulative TSN Ack of the other direction */
			memcpy(out->pkt + off, src, plen);
			if (c.len >= 8) {
				struct rsack rs = { 1, sf_rd32(src + 4), NULL, 0 };
				uint8_t tmp[16 + 4 * ENF_MAX_GAPS];

				enf_r_advance(t, R, rs.cum);
				enf_sack_write(t, R, &rs, NULL, 0, tmp, sizeof(tmp));
				if (sf_rd32(tmp + 4) != rs.cum) {
					sf_wr32(out->pkt + off + 4, sf_rd32(tmp + 4));
					changed = 1;
				}
				t->st.shutdowns_translated++;
			}
			off += plen;
			break;
		case SF_SCTP_FORWARD_TSN:
			if (D->hold) {
				/* the sender abandons data (RFC 3758): what it held
				 * goes first, as it is */
				long w = enf_hold_release(t, D, NULL, 0, out->inject, &out->n_inject, ENF_INJECT_MAX);

				if (w < 0)
					return enf_go_monitor(t, a, out);
				t->st.hold_released++;
			}
			n = enf_on_fwd_tsn(t, D, &c, out->pkt + off, chunk_room(t, len, off, l4_len - c.offset - plen));
			if (!n) {
				return enf_go_monitor(t, a, out);
			}
			if (n != plen || memcmp(out->pkt + off, src, n))
				changed = 1;
			off += n;
			break;
		case SF_SCTP_ABORT:
		case SF_SCTP_SHUTDOWN_COMPLETE:
			retire_after = 1;
			/* fall through */
		default:
			memcpy(out->pkt + off, src, plen);
			off += plen;
			break;
		}
	}
	if (rc < 0) {
		/* RFC 9260 §3.2: a receiver drops a partial chunk (and what
		 * follows it), not the chunks before it: those go on
		 * enforced, without the malformed rest */
		t->st.malformed_tail++;
		changed = 1;
	}

	/* a SACK toward the sender for what was removed */
	if (need_sack && rev.ok && out->n_inject < ENF_INJECT_MAX) {
		struct enf_inject *inj = &out->inject[out->n_inject];
		struct rsack none = { 0, 0, NULL, 0 };
		size_t o2 = enf_pkt_start(R, &rev, inj->pkt), n;

		if (o2) {
			sack_off = o2;
			n = enf_sack_write(t, D, &none, dups, n_dups, inj->pkt + o2, t->fmax - o2);
			/* a removal the cumulative point does not reach yet is
			 * acked by the receiver's next SACK, translated */
			if (!n_dups && (sf_rd16(inj->pkt + o2 + 12) || sdiff(sf_rd32(inj->pkt + o2 + 4), max_removed) < 0))
				n = 0;
			o2 += n;
			/* bundle the answers that can go now (RFC 9260 §6.10) */
			for (unsigned i = 0; i < ENF_PEND && enf_answers_can_go(R); i++)
				if (R->pend[i].state == PD_DEFERRED)
					o2 += enf_pend_emit(t, R, i, now, inj->pkt + o2,
							o2 < t->fmax ? t->fmax - o2 : 0);
			if (o2 > sack_off) {
				inj->len = (uint16_t)enf_pkt_finish(&rev, inj->pkt, o2);
				inj->port = in_port;
				out->n_inject++;
				if (n)
					t->st.sacks_injected++;
			}
		}
	}
	/* answers waiting on the reverse direction, fast retransmissions */
	if (R->n_pend) {
		struct enf_tmpl keep = R->tmpl;

		R->tmpl = rev;
		enf_flush_dir(t, R, now, 0, out->inject, &out->n_inject, ENF_INJECT_MAX);
		R->tmpl = keep;
	}
	if (D->n_pend)
		enf_flush_dir(t, D, now, 0, out->inject, &out->n_inject, ENF_INJECT_MAX);
	enf_skip_flush(t, D, now, out->inject, &out->n_inject, ENF_INJECT_MAX);
	enf_skip_flush(t, R, now, out->inject, &out->n_inject, ENF_INJECT_MAX);
	if (retire_after) {
		t->st.assocs_retired++;
		enf_retire(t, a);
	}
	if (!changed)
		return ENF_PASS;
	if (off == l4_off + SF_SCTP_COMMON_HDR_LEN) {
		t->st.consumed++;
		return ENF_CONSUMED;
	}
	if (!removed && !csum_ok(&csum, rec, l4)) {
		/* never repair a corrupt packet: forward it as it came */
		return ENF_PASS;
	}
	{
		struct enf_tmpl tm = D->tmpl;

		out->pkt_len = enf_pkt_finish(&tm, out->pkt, off);
	}
	t->st.rewritten++;
	return ENF_REWRITTEN;
}

int enf_frame(struct enf_table *t, struct sf_pkt_rec *rec, const uint8_t *frame, size_t len,
	      int linktype, uint16_t in_port, uint16_t out_port, const struct enf_block *blocks,
	      unsigned n_blocks, uint64_t now_ns, struct enf_out *out)
{
	sf_pkt_rec_frame(rec, frame, len, linktype);
	return enf_packet(t, frame, len, linktype, rec, in_port, out_port, blocks, n_blocks,
			  now_ns, out);
}

unsigned enf_tick(struct enf_table *t, uint64_t now, struct enf_inject *inj, unsigned max)
{
	unsigned n = 0;

	if (!t->pend_total && !t->skip_total && !t->hold_total)
		return 0;
	t->now = now;
	t->calls++;
	/* held messages whose last fragment did not come in time leave as
	 * they are (at most n_holds visited) */
	for (unsigned i = 0; i < t->n_holds && t->hold_total; i++) {
		struct enf_hold *h = &t->holds[i];
		struct enf_dir *D;
		long w;

		if (!h->owner || now - h->since_ns < t->cfg.hold_ns)
			continue;
		D = &t->a[(h->owner - 1) / 2].d[(h->owner - 1) % 2];
		w = enf_hold_release(t, D, NULL, 0, inj, &n, max);
		if (w >= 0) {
			t->st.hold_expired++;
		} else if (w == -2) {
			t->st.hold_dropped += h->next - h->first;
			enf_hold_free(t, D);
		}
	}
	for (unsigned i = 0; i < ENF_TICK_VISIT && i < t->n && n < max; i++) {
		struct enf_assoc *a = &t->a[t->tick_hand];

		t->tick_hand = (t->tick_hand + 1) % t->n;
		if (a->state != AS_TRACK)
			continue;
		for (unsigned d = 0; d < 2; d++) {
			struct enf_dir *D = &a->d[d];

			/* never given up: the receiver waits for that TSN; an
			 * association that dies is retired by its ABORT */
			enf_flush_dir(t, D, now, 1, inj, &n, max);
			enf_skip_flush(t, D, now, inj, &n, max);
		}
	}
	return n;
}
