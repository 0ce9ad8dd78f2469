#!/usr/bin/env bash
# The Debian packages in a throwaway Debian 12 root (`make deb-test`; `make deb` first). Never
# installs anything on this machine: its libpcap is every other test's reference.
#
# A debootstrap root with Debian's tcpdump, libpcap0.8, libpcap0.8-dev and libpcap-dev is built
# once (mirror: the one this machine's apt uses) and cached as target/deb-test/bookworm.tar;
# each run unpacks a fresh copy. Then, with no LD_PRELOAD anywhere:
#   1. Debian's libpcap: tcpdump on corpus captures (plain, -e -v with a filter, -O -d, -d,
#      -w with a filter; outputs kept as the baseline) and on a
#      private loopback (its own network namespace, ping to 127.0.0.1);
#   2. `dpkg -i` our two packages: they must take libpcap0.8{,-dev}/libpcap-dev's place with
#      every dependency still satisfied; tcpdump --version names oxpcap, ldd resolves our file;
#   3. tcpdump on the same captures: stdout, stderr, exit status and written bytes identical to
#      the baseline (-d: the optimizer's code no longer than libpcap's); tcpdump on loopback;
#      the -dev files (pcap-config, pkg-config) in place;
#   4. `apt-get install libpcap0.8 libpcap0.8-dev libpcap-dev` removes ours and puts Debian's
#      back; tcpdump no longer names oxpcap, the captures and loopback give the baseline again.
# Prints PASS/FAIL per step; exits non-zero if any step failed. Everything runs in a private
# mount namespace (mounts vanish with it) and a trap unmounts the chroot's mounts too.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
if [ "$(id -u)" != 0 ]; then echo "skip: deb-test needs root (debootstrap, chroot, mounts)"; exit 0; fi
if [ -z "${OXPCAP_DEB_TEST_PRIVATE:-}" ]; then
  OXPCAP_DEB_TEST_PRIVATE=1 exec unshare -m --propagation private -- bash "$0" "$@"
fi

suite=bookworm
cache=$top/target/deb-test
snapshot=$cache/$suite.tar
root=$cache/root
out=$cache/out
corpus=$top/../shared/corpus/pcaps/tcpdump
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
runtime_deb=$(ls "$top"/target/deb/liboxpcap0.8_*.deb 2>/dev/null | head -1)
dev_deb=$(ls "$top"/target/deb/liboxpcap-dev_*.deb 2>/dev/null | head -1)
[ -n "$runtime_deb" ] && [ -n "$dev_deb" ] || { echo "deb-test: no packages in target/deb (run make deb)"; exit 1; }

# Captures of several link types and both file formats, and what tcpdump does with each.
captures=(dns_udp.pcap OSPFv2_Capture_FINAL.pcapng RADIUS-RFC5580.pcap nflog.pcap
  dns-badcookie.pcap babel_rtt.pcap HDLC.pcap icmpv6.pcap ipoib.pcap bgp-orf.pcapng)

mounted=()
unmount_all() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null; done
  mounted=()
}
trap unmount_all EXIT INT TERM
mount_into() { # root: what a package manager and tcpdump need
  mount -t proc proc "$1/proc" && mounted+=("$1/proc")
  mount -t sysfs sysfs "$1/sys" && mounted+=("$1/sys")
  mount --bind /dev "$1/dev" && mounted+=("$1/dev")
}
# A command in the root, with a clean environment (no LD_PRELOAD, no host variables).
in_root() {
  chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"
}

apt_mirror() { # the Debian archive this machine's apt uses, else Debian's CDN
  local m
  m=$(apt-get indextargets --format '$(REPO_URI)' "Codename: $suite" 'Label: Debian' \
    'Created-By: Packages' 2>/dev/null | head -1)
  echo "${m:-http://deb.debian.org/debian/}"
}

make_snapshot() {
  local build=$cache/build-root mirror
  if ! command -v debootstrap >/dev/null; then
    echo "deb-test: installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null || return 1
  fi
  mirror=$(apt_mirror)
  echo "deb-test: building the $suite root from $mirror (once; cached as $snapshot)"
  rm -rf "$build"
  mkdir -p "$cache"
  debootstrap --variant=minbase "$suite" "$build" "$mirror" > "$cache/debootstrap.log" 2>&1 ||
    { tail -5 "$cache/debootstrap.log"; return 1; }
  mount_into "$build"
  # The apt cache keeps the .debs, so putting Debian's libpcap back later needs no network.
  chroot "$build" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends \
      tcpdump libpcap0.8-dev libpcap-dev iproute2 iputils-ping' > "$cache/apt.log" 2>&1 ||
    { tail -5 "$cache/apt.log"; unmount_all; return 1; }
  unmount_all
  tar -C "$build" -cf "$snapshot.part" . && mv "$snapshot.part" "$snapshot" && rm -rf "$build"
}

results=()
failed=0
report() { # status name [details file]; the status first, so that it is expanded before
  # any command substitution in the name can change $?
  if [ "$1" = 0 ]; then
    results+=("PASS  $2")
    echo "PASS  $2"
  else
    results+=("FAIL  $2")
    echo "FAIL  $2"
    [ -n "${3:-}" ] && [ -s "$3" ] && head -20 "$3" | sed 's/^/      /'
    failed=1
  fi
}

# tcpdump on every capture: stdout, stderr, exit status, and the bytes it writes with -w.
# The optimizer's code may differ from libpcap's (it only has to be equivalent and no longer),
# so `-d` goes to a directory of its own; the unoptimized `-O -d` must be identical.
run_captures() { # label
  local dir=$out/$1 opt=$out/$1.opt f base
  rm -rf "$dir" "$opt"
  mkdir -p "$dir" "$opt"
  for f in "${captures[@]}"; do
    base=${f%.*}
    in_root timeout 60 tcpdump -nn -r "/tmp/corpus/$f" > "$dir/$base.plain" 2>&1
    echo "exit $?" >> "$dir/$base.plain"
    in_root timeout 60 tcpdump -nn -e -v -r "/tmp/corpus/$f" 'ip or ip6 or arp' \
      > "$dir/$base.filter" 2>&1
    echo "exit $?" >> "$dir/$base.filter"
    in_root timeout 60 tcpdump -r "/tmp/corpus/$f" -O -d 'tcp port 53 or udp' > "$dir/$base.code" 2>&1
    echo "exit $?" >> "$dir/$base.code"
    in_root timeout 60 tcpdump -r "/tmp/corpus/$f" -d 'tcp port 53 or udp' > "$opt/$base.code" 2>&1
    echo "exit $?" >> "$opt/$base.code"
    rm -f "$root/tmp/written.pcap"
    in_root timeout 60 tcpdump -r "/tmp/corpus/$f" -w /tmp/written.pcap 'udp or tcp' \
      > "$dir/$base.write" 2>&1
    echo "exit $?" >> "$dir/$base.write"
    { [ -f "$root/tmp/written.pcap" ] && md5sum < "$root/tmp/written.pcap"; } >> "$dir/$base.write"
  done
}
compare_captures() { # label -> status; which outputs differ, then how, in $out/label.diff
  diff -rq "$out/baseline" "$out/$1" > "$out/$1.diff" 2>&1 && return 0
  sed -i "s|$out/||g" "$out/$1.diff"
  diff -r "$out/baseline" "$out/$1" >> "$out/$1.diff" 2>&1
  return 1
}
# The optimized programs: the same exit status and no more instructions than libpcap's.
compare_optimized() { # label -> status; details in $out/label.opt.txt
  local f base=$out/baseline.opt bad=0
  : > "$out/$1.opt.txt"
  for f in "$base"/*.code; do
    local mine=$out/$1.opt/${f##*/}
    if [ "$(tail -1 "$f")" != "$(tail -1 "$mine")" ] || [ "$(wc -l < "$mine")" -gt "$(wc -l < "$f")" ]; then
      echo "${f##*/}: libpcap $(wc -l < "$f") lines, $(tail -1 "$f"); ours $(wc -l < "$mine") lines," \
        "$(tail -1 "$mine")" >> "$out/$1.opt.txt"
      bad=1
    fi
  done
  return $bad
}

# tcpdump -i lo in a private network namespace while ping sends to 127.0.0.1 until it has its
# four packets (no fixed sleeps: it waits for tcpdump to say it is listening, with a timeout
# only as a guard against hanging).
cat_loopback_script() {
  cat <<'SCRIPT'
ip link set lo up || exit 90
timeout 60 tcpdump -i lo -nn -l -c 4 icmp > /tmp/lo.out 2> /tmp/lo.err &
t=$!
i=0
while ! grep -q 'listening on' /tmp/lo.err && kill -0 $t 2>/dev/null && [ $i -lt 300 ]; do
  i=$((i + 1)); sleep 0.1
done
while kill -0 $t 2>/dev/null; do ping -c 1 -W 1 127.0.0.1 > /dev/null 2>&1; sleep 0.05; done
wait $t
rc=$?
cat /tmp/lo.out /tmp/lo.err
echo "exit $rc"
SCRIPT
}
check_loopback() { # label -> status; transcript in $out/label.loopback
  local log=$out/$1.loopback
  cat_loopback_script > "$root/tmp/loopback.sh"
  unshare -n -m -- sh -c 'mount -t sysfs sysfs "$1/sys" && shift && exec "$@"' sh "$root" \
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
    sh /tmp/loopback.sh > "$log" 2>&1
  [ "$(grep -cE 'IP 127\.0\.0\.1 > 127\.0\.0\.1: ICMP echo (request|reply)' "$log")" = 4 ] &&
    grep -q '^4 packets captured' "$log" && grep -q '^exit 0$' "$log"
}

version_names_oxpcap() { in_root tcpdump --version 2>&1 | grep -q oxpcap; }
installed() { in_root dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
not_installed() { ! installed "$1"; }

# ---- the root -------------------------------------------------------------------------------
t0=$(date +%s)
[ -f "$snapshot" ] || make_snapshot || { echo "FAIL  debootstrap root"; exit 1; }
# The root lives in a tmpfs of this mount namespace: fast to fill, gone when the test ends.
mkdir -p "$root" "$out"
mount -t tmpfs -o size=4g,mode=755 oxpcap-deb-test "$root" && mounted+=("$root")
tar -C "$root" -xf "$snapshot"
mount_into "$root"
mkdir -p "$root/tmp/corpus" "$root/tmp/debs"
if [ -d "$corpus" ]; then
  for f in "${captures[@]}"; do cp "$corpus/$f" "$root/tmp/corpus/"; done
else
  echo "note: $corpus is absent; the capture steps are skipped"
  captures=()
fi
cp "$runtime_deb" "$dev_deb" "$root/tmp/debs/"
[ -e "$root/etc/ld.so.preload" ] && { echo "FAIL  the root has an /etc/ld.so.preload"; exit 1; }
echo "deb-test: root ready in $(($(date +%s) - t0)) s ($(in_root tcpdump --version 2>&1 | head -1), $(
  in_root dpkg-query -W -f='libpcap0.8 ${Version}' libpcap0.8))"

# ---- 1. Debian's libpcap --------------------------------------------------------------------
in_root tcpdump --version > "$out/version.debian" 2>&1
version_names_oxpcap
report $((!$?)) "Debian's libpcap0.8: tcpdump --version does not name oxpcap"
run_captures baseline
# A sound baseline: every capture read to the end (exit 0) with packets printed.
bad=$(for f in "$out"/baseline/*.plain; do
  [ "$(tail -1 "$f")" = "exit 0" ] && [ "$(wc -l < "$f")" -gt 2 ] || echo "${f##*/}"; done)
[ -z "$bad" ]
report $? "Debian's libpcap0.8: tcpdump on ${#captures[@]} captures x 5 option sets (baseline)\
${bad:+; failed on: $bad}"
check_loopback debian
report $? "Debian's libpcap0.8: tcpdump -i lo sees 4 ICMP echo packets" "$out/debian.loopback"

dynamic_symbols() { nm -D "$@" 2>/dev/null | awk '{print $NF}' | sed 's/@.*//' | sort -u; }
debian_exports=$(dynamic_symbols --defined-only "$root/usr/lib/$multiarch/libpcap.so.1.10.3")
tcpdump_imports=$(dynamic_symbols --undefined-only "$root/usr/bin/tcpdump" |
  comm -12 - <(echo "$debian_exports"))

# ---- 2. ours in its place -------------------------------------------------------------------
in_root dpkg -i "/tmp/debs/${runtime_deb##*/}" "/tmp/debs/${dev_deb##*/}" > "$out/dpkg-i.log" 2>&1
report $? "dpkg -i liboxpcap0.8 liboxpcap-dev" "$out/dpkg-i.log"
{ installed liboxpcap0.8 && installed liboxpcap-dev && not_installed libpcap0.8 &&
  not_installed libpcap0.8-dev && not_installed libpcap-dev && installed tcpdump; } 2> /dev/null
report $? "they replaced libpcap0.8, libpcap0.8-dev, libpcap-dev; tcpdump still installed"
in_root apt-get check -q > "$out/check.ours" 2>&1
apt_ok=$?
{ in_root dpkg --audit && in_root dpkg --verify liboxpcap0.8 liboxpcap-dev; } > "$out/audit.ours" 2>&1
[ $apt_ok = 0 ] && [ ! -s "$out/audit.ours" ]
report $? "apt-get check, dpkg --audit, dpkg --verify: dependencies met, files intact" \
  "$out/audit.ours"
in_root tcpdump --version > "$out/version.ours" 2>&1
version_names_oxpcap
report $? "tcpdump --version names oxpcap: $(grep libpcap "$out/version.ours" | head -1)" \
  "$out/version.ours"
in_root ldd /usr/bin/tcpdump > "$out/ldd.ours" 2>&1
lib=$(sed -n 's/.*libpcap\.so\.0\.8 => \([^ ]*\).*/\1/p' "$out/ldd.ours")
[ -n "$lib" ] && cmp -s "$root$(in_root readlink -f "$lib")" \
  <(dpkg-deb --fsys-tarfile "$runtime_deb" | tar -xOf - "./usr/lib/$multiarch/libpcap.so.1.10.3")
report $? "ldd: tcpdump's libpcap.so.0.8 is our library ($lib)" "$out/ldd.ours"
missing=$(comm -23 <(echo "$tcpdump_imports") <(dynamic_symbols --defined-only \
  "$root/usr/lib/$multiarch/libpcap.so.1.10.3") | tr '\n' ' ')
[ -z "$missing" ]
report $? "our library exports all $(echo "$tcpdump_imports" | wc -l) libpcap functions tcpdump \
imports${missing:+; missing: $missing}"
run_captures ours
compare_captures ours
report $? "oxpcap: tcpdump on ${#captures[@]} captures x 5 option sets identical to Debian's" \
  "$out/ours.diff"
compare_optimized ours
report $? "oxpcap: tcpdump -d (optimized) no longer than Debian's on ${#captures[@]} captures" \
  "$out/ours.opt.txt"
check_loopback ours
report $? "oxpcap: tcpdump -i lo sees 4 ICMP echo packets" "$out/ours.loopback"
{ [ "$(in_root pcap-config --version)" = 1.10.3 ] && in_root pkg-config --exists libpcap &&
  [ "$(in_root dpkg -S /usr/include/pcap/pcap.h | cut -d: -f1)" = liboxpcap-dev ] &&
  [ "$(in_root readlink "/usr/lib/$multiarch/libpcap.so")" = libpcap.so.0.8 ]; } > "$out/dev.ours" 2>&1
report $? "liboxpcap-dev: pcap-config, pkg-config libpcap, headers and libpcap.so in place" \
  "$out/dev.ours"

# ---- 3. back to Debian's ---------------------------------------------------------------------
in_root apt-get install -y libpcap0.8 libpcap0.8-dev libpcap-dev > "$out/apt-back.log" 2>&1
report $? "apt-get install libpcap0.8 libpcap0.8-dev libpcap-dev" "$out/apt-back.log"
{ not_installed liboxpcap0.8 && not_installed liboxpcap-dev && installed libpcap0.8 &&
  installed tcpdump && in_root apt-get check; } > "$out/check.back" 2>&1
report $? "ours removed, Debian's libpcap0.8 back, dependencies satisfied" "$out/check.back"
in_root tcpdump --version > "$out/version.back" 2>&1
! version_names_oxpcap && cmp -s "$out/version.debian" "$out/version.back"
report $? "tcpdump --version is Debian's again: $(grep libpcap "$out/version.back" | head -1)" \
  "$out/version.back"
run_captures back
compare_captures back && diff -rq "$out/baseline.opt" "$out/back.opt" >> "$out/back.diff" 2>&1
report $? "Debian's libpcap0.8 again: tcpdump on the captures gives the baseline" \
  "$out/back.diff"
check_loopback back
report $? "Debian's libpcap0.8 again: tcpdump -i lo sees 4 ICMP echo packets" \
  "$out/back.loopback"

unmount_all
pass=$(printf '%s\n' "${results[@]}" | grep -c '^PASS')
echo "deb-test: $pass/${#results[@]} steps passed in $(($(date +%s) - t0)) s (transcripts: $out)"
exit $failed
