#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The Debian package end to end (suite 'package'): build the .deb from a
# copy of the source tree with `dpkg-buildpackage -us -uc -b`, install it,
# check the layout (programs, /etc/smsfw, the starter bundle, the systemd
# units, the documents), run /usr/bin/smsfw --offline on the bundled sample
# with the installed configuration and compare its verdicts and events with
# the build tree's smsfw on the same capture, then purge the package and
# check that it is gone. Needs root and dpkg-buildpackage/debhelper;
# exit 77 (skip) otherwise, or when an smsfw package is already installed
# (it is not ours to replace).
#
# package_test.sh [SRCDIR [BUILDDIR [WORKDIR]]]  (defaults: this checkout, ./build, BUILDDIR/tests/package/work)
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "${1:-$here/../..}" && pwd)
build=$(cd "${2:-$src/build}" && pwd)
work=${3:-$build/tests/package/work}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
check() { what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" = 0 ]; exit $?; }

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (dpkg -i)"; exit 77; }
for t in dpkg-buildpackage dh dpkg; do
	command -v "$t" >/dev/null || { echo "SKIP: $t missing (apt install dpkg-dev debhelper)"; exit 77; }
done
if dpkg-query -W -f='${Status}' smsfw 2>/dev/null | grep -q 'install ok installed'; then
	echo "SKIP: an smsfw package is already installed; not replacing it"
	exit 77
fi
[ -x "$build/dataplane/dp/smsfw" ] && [ -f "$build/rules/smsfw.bundle" ] ||
	{ echo "SKIP: no smsfw in $build"; exit 77; }

rm -rf "$work"
mkdir -p "$work/src"
# the tree as it is (committed or not), without build trees and outputs
tar -C "$src" --exclude=./.git --exclude='./build*' --exclude=./out --exclude=./obj-* \
	-cf - . | tar -C "$work/src" -xf -
t0=$(date +%s)
if ! (cd "$work/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b \
	> "$work/dpkg-buildpackage.log" 2>&1); then
	tail -40 "$work/dpkg-buildpackage.log"
	bad "dpkg-buildpackage -us -uc -b"
	finish
fi
echo "package built in $(( $(date +%s) - t0 )) s"
deb=$(ls "$work"/smsfw_*_amd64.deb 2>/dev/null | head -1)
check "one smsfw_*_amd64.deb" [ -n "$deb" ]
[ -n "$deb" ] || finish
purge() { dpkg --purge smsfw >/dev/null 2>&1; }
trap purge EXIT
if ! dpkg -i "$deb" > "$work/dpkg-i.log" 2>&1; then
	cat "$work/dpkg-i.log"
	bad "dpkg -i $deb"
	finish
fi
for f in /usr/bin/smsfw /usr/bin/smsfw-controld /usr/bin/smsfwctl /usr/bin/smsfw-rulec; do
	check "$f installed and executable" [ -x "$f" ]
done
for f in /etc/smsfw/smsfw.ini /etc/smsfw/controld.ini /usr/share/smsfw/smsfw.bundle \
	/usr/share/smsfw/rules/fraud_impersonation.rules \
	/usr/lib/systemd/system/smsfw@.service /usr/lib/systemd/system/smsfw-controld.service \
	/usr/share/doc/smsfw/examples/sample.pcap; do
	check "$f installed" [ -s "$f" ]
done
# dh_compress gzips the larger documents
for f in /usr/share/doc/smsfw/OPERATIONS.md /usr/share/doc/smsfw/CONFIG.md; do
	check "$f installed" sh -c "[ -s $f ] || [ -s $f.gz ]"
done
check "/etc/smsfw/smsfw.ini is a conffile" \
	sh -c "dpkg-query -W -f='\${Conffiles}' smsfw | grep -q '/etc/smsfw/smsfw.ini'"
check "smsfw@.service runs /usr/bin/smsfw with /etc/smsfw/%i.ini" \
	grep -qx 'ExecStart=/usr/bin/smsfw --config /etc/smsfw/%i.ini --out /var/log/smsfw/%i --set flow.paths_state=/var/lib/smsfw/%i/paths.state' \
	/usr/lib/systemd/system/smsfw@.service
check "smsfw@.service has its state directory" grep -qx 'StateDirectory=smsfw/%i' /usr/lib/systemd/system/smsfw@.service
check "smsfw@.service restarts on failure" grep -qx 'Restart=on-failure' /usr/lib/systemd/system/smsfw@.service
check "smsfw-controld.service restarts always" grep -qx 'Restart=always' /usr/lib/systemd/system/smsfw-controld.service

# the installed program with the installed configuration (its starter
# bundle) decides the sample exactly as the build tree does
sample=/usr/share/doc/smsfw/examples/sample.pcap
(cd /tmp && /usr/bin/smsfw --offline "$sample" --config /etc/smsfw/smsfw.ini --out "$work/out-installed" \
	2> "$work/installed.stderr")
check "installed smsfw --offline: exit code 0" [ $? = 0 ]
"$build/dataplane/dp/smsfw" --offline "$src/pcap/samples/sample.pcap" --bundle "$build/rules/smsfw.bundle" \
	--out "$work/out-build" 2> "$work/build.stderr"
check "build-tree smsfw --offline: exit code 0" [ $? = 0 ]
v_inst=$(grep -E '^  verdicts ' "$work/installed.stderr")
v_build=$(grep -E '^  verdicts ' "$work/build.stderr")
echo "installed: $v_inst"
check "installed summary has verdicts" [ -n "$v_inst" ]
check "same verdict counts as the build tree ($v_build)" [ "$v_inst" = "$v_build" ]
check "verdicts.jsonl identical to the build tree's" \
	cmp -s "$work/out-installed/verdicts.jsonl" "$work/out-build/verdicts.jsonl"
check "events.jsonl identical to the build tree's" \
	cmp -s "$work/out-installed/events.jsonl" "$work/out-build/events.jsonl"
check "no block lost to a missing bundle" sh -c "! grep -q 'no rule bundle' '$work/installed.stderr'"

trap - EXIT
dpkg --purge smsfw > "$work/dpkg-purge.log" 2>&1
check "dpkg --purge smsfw" [ $? = 0 ]
check "/usr/bin/smsfw removed" [ ! -e /usr/bin/smsfw ]
check "/etc/smsfw removed by purge" [ ! -e /etc/smsfw/smsfw.ini ]
check "units removed" [ ! -e /usr/lib/systemd/system/smsfw@.service ]
finish
