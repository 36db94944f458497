#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Start-up configuration errors (issue 5 "Running it", CONFIG.md): a bad
section, key or value stops smsfw with exit code 1 and exactly
"smsfw: FILE:LINE: message" on stderr, before any output is written; a
bad rule bundle or lists file named in the configuration stops it the same
way (with the loader's reason).

dp_config_errors.py --smsfw BIN --gen PCAPGEN --work DIR"""
import argparse
import os
import shutil
import tempfile
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dptest as T  # noqa: E402

# (name, ini text or None, extra args, expected stderr line with {ini} and {work})
CASES = [
    ("unknown key", "[dataplane]\nworkers = 1\nbogus = 3\n", [],
     "smsfw: {ini}:3: unknown key 'bogus' in [dataplane]"),
    ("unknown section", "# comment\n[nosuch]\nx = 1\n", [],
     "smsfw: {ini}:3: unknown section [nosuch]"),
    ("not a number", "[dataplane]\nworkers = many\n", [],
     "smsfw: {ini}:2: dataplane.workers: 'many' is not 0..64"),
    ("NIC checksum not a yes or no", "[flow]\nverify_checksum = yes\nnic_checksum = sometimes\n", [],
     "smsfw: {ini}:3: flow.nic_checksum: 'sometimes' is not yes or no"),
    ("negative threshold", "[policy]\nreport_number = 10086999\n[rates]\nfanout_max = -4\n", [],
     "smsfw: {ini}:4: rates.fanout_max: '-4' is not a whole number in 0..100000000"),
    ("bad quiet hours", "[policy]\nquiet_hours = 25:00-07:00\n", [],
     "smsfw: {ini}:2: policy.quiet_hours: '25:00-07:00' is not HH:MM-HH:MM (start != end) or off"),
    ("delivery marker TTL out of range", "[control]\nredis_host = 127.0.0.1\ndlv_ttl_s = 5\n", [],
     "smsfw: {ini}:3: control.dlv_ttl_s: '5' is not 60..2592000"),
    ("bad redis port", "[control]\nredis_host = 127.0.0.1\nredis_port = 70000\n", [],
     "smsfw: {ini}:3: control.redis_port: '70000' is not 1..65535"),
    ("sentinel without a port", "[control]\nredis_sentinels = 10.0.0.5:26379, 10.0.0.6\n", [],
     "smsfw: {ini}:2: control.redis_sentinels: sentinels: expected at most 8 HOST:PORT, got \"10.0.0.6\""),
    ("bad sentinel master name", "[control]\nredis_sentinels = 10.0.0.5:26379\nredis_master_name = my master\n", [],
     "smsfw: {ini}:3: control.redis_master_name: 1-63 characters of A-Z a-z 0-9 . _ -"),
    ("retention out of range", "[output]\nrotate_keep = 4\nretain_days = 4000\n", [],
     "smsfw: {ini}:3: output.retain_days: '4000' is not 0..3650"),
    ("bad fail mode", "[rules]\nfail_mode = maybe\n", [],
     "smsfw: {ini}:2: rules.fail_mode: 'maybe' is not open or closed"),
    ("duplicate key", "[dataplane]\nworkers = 1\n[output]\ndir = x\n[dataplane]\nworkers = 2\n", [],
     "smsfw: {ini}:6: duplicate key 'workers' in [dataplane] (first set on line 2)"),
    ("NUL in a value", "[rules]\nfail_mode = open\0closed\n", [],
     "smsfw: {ini}:2: NUL byte in the line (a value would be cut at it)"),
    ("missing interface",
     "[dataplane]\nmode = tap\n[ports]\nport0 = net_af_packet0,iface=sfnosuch0\n", [],
     "smsfw: port0 (net_af_packet0,iface=sfnosuch0) cannot be opened: interface sfnosuch0: "
     "No such device (in this network namespace)"),
    ("bad --set", None, ["--set", "dataplane.burst=0"],
     "smsfw: --set:1: dataplane.burst: '0' is not 1..512"),
    ("TX batch of none", "[dataplane]\nburst = 64\ntx_batch = 0\n", [],
     "smsfw: {ini}:3: dataplane.tx_batch: '0' is not 1..512"),
    ("missing config file", None, ["--config", "{work}/absent.ini"],
     "smsfw: {work}/absent.ini: No such file or directory"),
    ("missing bundle", "[rules]\nbundle = {work}/absent.bundle\n", [],
     "smsfw: rule bundle {work}/absent.bundle: {work}/absent.bundle: No such file or directory"),
    ("empty number", "[flow]\nconcat =\n", [],
     "smsfw: {ini}:2: flow.concat: '' is not 16..16777216"),
    ("empty switch", "[output]\nlog_pass =\n", [],
     "smsfw: {ini}:2: output.log_pass: '' is not yes or no"),
    ("empty id", "[dataplane]\nid =\n", [],
     "smsfw: {ini}:2: dataplane.id: empty or longer than 63"),
    ("bad lists line", "[rules]\nlists = {work}/bad.lists\n", [],
     "smsfw: {work}/bad.lists:2: block: expected number, prefix, sender or gt, got 'bogus'"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smsfw", default=T.default_arg("--smsfw", __file__))
    ap.add_argument("--gen", default=T.default_arg("--gen", __file__))
    ap.add_argument("--work", default=T.default_arg("--work", __file__))
    a = ap.parse_args()
    work = T.fresh_dir(a.work)
    with open(os.path.join(work, "bad.lists"), "w") as f:
        f.write("block number 8613800000000\nblock bogus 123\n")
    pcap, _ = T.gen(a.gen, os.path.join(work, "small"), ["--messages", "10", "--seed", "5"])
    for i, (name, text, extra, want) in enumerate(CASES):
        ini = os.path.join(work, "case%d.ini" % i)
        # live-mode cases (a port to open) run without --offline
        args = [] if text and "mode = tap" in text else ["--offline", pcap]
        if text is not None:
            with open(ini, "w") as f:
                f.write(text.format(work=work))
            args += ["--config", ini]
        args += [x.format(work=work) for x in extra]
        out = os.path.join(work, "out%d" % i)
        p = subprocess.run([a.smsfw] + args + ["--out", out], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        raw = p.stderr.decode("utf-8", "replace")
        T.check(all(T.LOG_PREFIX.match(line) for line in raw.splitlines() if "smsfw: " in line),
                name + ": every smsfw line has a timestamp and a level: %r" % raw)
        T.check("error smsfw: " in raw, name + ": logged at level error")
        err = [line for line in T.strip_log(raw).splitlines()
               if line.startswith("smsfw:")]
        T.check_eq(p.returncode, 1, name + ": exit code")
        T.check_eq(err, [want.format(ini=ini, work=work)], name + ": message")
        T.check(not os.path.exists(os.path.join(out, "verdicts.jsonl")), name + ": no output written")
    sample = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                          "pcap", "samples", "sample.pcap")
    empty_outputs(a, work, sample)
    rules_defaults(a, work, sample)
    T.finish("dp-config-errors")


def empty_outputs(a, work, pcap):
    """CONFIG.md "[output]": an empty file name is no such output. The
    verdict log and the pcapng are left out; the events file is kept."""
    ini = os.path.join(work, "empty-outputs.ini")
    out = os.path.join(work, "empty-outputs-out")
    with open(ini, "w") as f:
        f.write("[output]\nverdicts =\npcapng =\n")
    p = subprocess.run([a.smsfw, "--offline", pcap, "--config", ini, "--out", out],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    T.check_eq(p.returncode, 0, "empty outputs: exit code (%s)" % p.stderr.decode("utf-8", "replace")[-300:])
    T.check_eq(sorted(os.listdir(out)), ["events.jsonl"], "empty outputs: only the events file is written")


def rules_defaults(a, work, pcap):
    """No bundle configured: the build tree's smsfw takes the build's
    starter bundle; a copy outside the build tree (no installed bundle
    either) refuses to start, unless --no-rules."""
    def run(binary, args, out):
        p = subprocess.run([binary, "--offline", pcap, "--out", os.path.join(work, out)] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        return p.returncode, T.strip_log(p.stderr.decode("utf-8", "replace"))

    starter = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(a.smsfw))),
                           "..", "rules", "smsfw.bundle")
    rc, _ = run(a.smsfw, [], "default-out")
    T.check_eq(rc, 0, "default bundle: exit code")
    rc, _ = run(a.smsfw, ["--bundle", starter], "explicit-out")
    T.check_eq(rc, 0, "explicit starter bundle: exit code")
    T.check_eq(T.load_jsonl(os.path.join(work, "default-out", "verdicts.jsonl")),
               T.load_jsonl(os.path.join(work, "explicit-out", "verdicts.jsonl")),
               "no bundle configured: the build's starter bundle decides (same verdicts)")
    T.check(any(v.get("policy_name") == "content.rule"
                for v in T.load_jsonl(os.path.join(work, "default-out", "verdicts.jsonl"))),
            "no bundle configured: content rules hit")
    # outside the build tree (work is inside it)
    elsewhere = tempfile.mkdtemp(prefix="smsfw-cfgerr-")
    copy = os.path.join(elsewhere, "smsfw")
    shutil.copy(a.smsfw, copy)
    rc, err = run(copy, [], "nobundle-out")
    lines = [x for x in err.splitlines() if x.startswith("smsfw:")]
    installed = [x for x in ("/usr/local/share/smsfw/smsfw.bundle", "/usr/share/smsfw/smsfw.bundle")
                 if os.path.exists(x)]
    if installed:
        print("SKIP refusal case: an installed starter bundle exists (%s)" % installed[0])
    else:
        T.check_eq(rc, 1, "no bundle anywhere: exit code")
        T.check(len(lines) == 1 and lines[0].startswith(
            "smsfw: no rule bundle: set rules.bundle in the configuration or pass --bundle FILE (the "
            "starter bundle is ") and lines[0].endswith(
            "), or --no-rules to filter with lists and policy only"), "no bundle anywhere: message %r" % lines)
        T.check(not os.path.exists(os.path.join(work, "nobundle-out", "verdicts.jsonl")),
                "no bundle anywhere: no output written")
    rc, err = run(copy, ["--no-rules"], "norules-out")
    T.check_eq(rc, 0, "--no-rules: exit code")
    T.check(not any(v.get("policy_name") == "content.rule"
                    for v in T.load_jsonl(os.path.join(work, "norules-out", "verdicts.jsonl"))),
            "--no-rules: no content rule decides")
    T.check(T.parse_summary(err).get("sms_parts", 0) > 0, "--no-rules: SMS decided")
    shutil.rmtree(elsewhere, ignore_errors=True)


if __name__ == "__main__":
    main()
