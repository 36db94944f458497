#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# tool_golden.sh RULEC: compile tests/engine, then run explain and eval on
# fixed inputs; the output is compared with tool_golden.expected by
# expect.sh. Run from rules/ (meson sets workdir).
set -e
rulec=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$rulec" compile tests/engine -o "$tmp/e.bundle" >/dev/null
echo "== explain (traditional, spaced, full-width, protected sender)"
"$rulec" explain --bundle "$tmp/e.bundle" --sender +8695588 \
	"您的積分即將清零，請兌換：ＷＡＰ．10086-xx.cc 並轉 賬到安全賬戶"
echo "== explain (sender condition fails)"
"$rulec" explain --bundle "$tmp/e.bundle" --sender 95588 "您的网银需要升级"
echo "== explain (a rule with \"and\" lines: every part and where it matched)"
"$rulec" explain --bundle "$tmp/e.bundle" "加qq了解兼职打字员，日结工资"
echo "== eval"
"$rulec" eval --bundle "$tmp/e.bundle" --tsv tests/eval.tsv --group-col 2 | sed "s|$tmp|BUNDLE|"
echo "== explain (fraud text with an OTP appended: block wins)"
"$rulec" explain --bundle "$tmp/e.bundle" "您的银行卡已冻结，验证码是482913"
echo "== explain (OTP from a registered sender: allowed over scores)"
"$rulec" explain --bundle "$tmp/e.bundle" --sender 95588 "您的动态码是123456，请勿转账给陌生人或告知安全账户"
echo "== explain (same text, unregistered sender)"
"$rulec" explain --bundle "$tmp/e.bundle" --sender 13800000000 "您的动态码是123456，请勿转账给陌生人或告知安全账户"
