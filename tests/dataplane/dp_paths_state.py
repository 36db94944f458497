#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A multi-homed association across a restart of smsfw (`[flow]
paths_state`): its set-up (INIT, INIT-ACK) and an ASCONF that adds a path
are seen by one run, which saves them at exit; a run that sees no packet
keeps them; the next run, which sees only the traffic that follows, reads
them back. A fraud message whose two
DATA fragments take the old and the new path is then reassembled and
blocked, and so is a whole one on the new path; without the state (the old
behaviour, or a damaged file, which is named and left aside) the
fragmented message passes unscanned. With one worker and with two (the
distributor's table).

dp_paths_state.py --smsfw BIN --bundle BUNDLE --work DIR"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "pcap"))
import dptest as T  # noqa: E402
import evasion  # noqa: E402
import sigtran as st  # noqa: E402


def run(a, out, pcap, ini, workers):
    r = T.run_smsfw(a.smsfw, ["--offline", pcap, "--bundle", a.bundle, "--config", ini,
                              "--workers", str(workers)], out)
    T.check_eq(r.rc, 0, "%s: exit code (%s)" % (out, r.stderr[-300:]))
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smsfw", default=T.default_arg("--smsfw", __file__))
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--work", default=T.default_arg("--work", __file__))
    a = ap.parse_args()
    work = T.fresh_dir(a.work)
    frames, _want, _ = evasion.case_asconf()
    # INIT, INIT-ACK, ASCONF, ASCONF-ACK | fragment (old path), fragment
    # (new path), whole message (new path), control, ham
    setup, traffic = os.path.join(work, "setup.pcap"), os.path.join(work, "traffic.pcap")
    st.write(setup, frames[:4])
    st.write(traffic, frames[4:], t0=1767225660)
    empty = os.path.join(work, "empty.pcap")
    st.write(empty, [])
    for workers in (0, 2):
        state = os.path.join(work, "paths-%d.state" % workers)
        ini = os.path.join(work, "w%d.ini" % workers)
        with open(ini, "w") as f:
            f.write("[flow]\npaths_state = %s\n" % state)
        r = run(a, os.path.join(work, "setup-%d" % workers), setup, ini, workers)
        T.check("path state %s: 1 association(s) saved" % state in r.stderr,
                "workers %d: the set-up run saves the association" % workers)
        T.check("ASCONF: 1 added, 0 deleted, 0 refused, 0 of unseen set-ups" in r.stderr,
                "workers %d: the summary counts the accepted ASCONF" % workers)
        # a run that sees no packet keeps what it read
        r = run(a, os.path.join(work, "empty-%d" % workers), empty, ini, workers)
        T.check("path state %s: 1 association(s) saved" % state in r.stderr,
                "workers %d: a run without packets keeps the association" % workers)
        r = run(a, os.path.join(work, "traffic-%d" % workers), traffic, ini, workers)
        T.check("path state %s: 1 association(s) of the last run" % state in r.stderr,
                "workers %d: the next run reads it" % workers)
        T.check_eq([v["verdict"] for v in r.verdicts()], ["block", "block", "block", "pass"],
                   "workers %d: fragments over both paths, a whole message on the new one, "
                   "control, ham" % workers)
        # a damaged file: named, left aside; the fragmented message is
        # then lost to the filter (tracked per path), as without the state
        with open(state, "r+b") as f:
            f.seek(20)
            b = f.read(1)
            f.seek(20)
            f.write(bytes([b[0] ^ 0xFF]))
        r = run(a, os.path.join(work, "damaged-%d" % workers), traffic, ini, workers)
        T.check("path state %s: checksum mismatch (a file cut short or damaged) (starting without it)"
                % state in r.stderr, "workers %d: a damaged state is named" % workers)
        T.check_eq([v["verdict"] for v in r.verdicts()], ["block", "block", "pass"],
                   "workers %d: without the state the fragments' message is not seen" % workers)
    T.finish("dp-paths-state")


if __name__ == "__main__":
    main()
