#!/usr/bin/env bash
# Debian's tcpdump capturing live, under LD_PRELOAD of our libpcap vs the system libpcap, in a
# network namespace this script creates (veth pair oxc/oxd, no IPv6 so nothing else is sent):
# compat/live-burst sends a known burst on oxd, tcpdump captures it on oxc or "any". Output
# (with -t: no timestamps), the files it writes read back, its statistics on stderr and its
# exit status must be identical. Never touches the root namespace; cleans up on any exit.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
lib="$top/target/release/libpcap.so"
[ "$(id -u)" = 0 ] || { echo "skip: live tool checks need root (network namespaces)"; exit 0; }
command -v tcpdump >/dev/null || { echo "skip: tcpdump is not installed"; exit 0; }
[ -f "$lib" ] || { echo "build first (make all)"; exit 1; }
work=$(mktemp -d)
ns="oxpcap-tcpdump-$$"
cleanup() { ip netns del "$ns" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
chmod 777 "$work"   # tcpdump drops to its own user before writing -w files
export TZ=UTC LC_ALL=C
cc -O1 -o "$work/live-burst" "$top/compat/live-burst.c" || exit 1
ip netns add "$ns" || { echo "skip: cannot create a network namespace"; exit 0; }
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up
in_ns ip link add oxc type veth peer name oxd
for d in oxc oxd; do
  in_ns sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1"
  in_ns ip link set "$d" up
done
sleep 0.2

# capture SIDE SENDIF ROUNDS tcpdump-args...: starts tcpdump, waits until it listens, sends,
# waits for it to finish (-c) or stops it.
capture() {
  local side=$1 sendif=$2 rounds=$3; shift 3
  local pre=()
  [ "$side" = ours ] && pre=(env LD_PRELOAD="$lib")
  rm -f "$work/out.pcap"
  in_ns timeout 20 "${pre[@]}" tcpdump "$@" >"$work/$side.out" 2>"$work/$side.err" &
  local pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$work/$side.err" 2>/dev/null && break; sleep 0.05; done
  sleep 0.1
  in_ns "$work/live-burst" "$sendif" "$rounds" >/dev/null
  wait $pid
  echo $? >"$work/$side.rc"
  if [ -f "$work/out.pcap" ]; then
    tcpdump -r "$work/out.pcap" -n -t -e -x >"$work/$side.read" 2>&1
    mv "$work/out.pcap" "$work/$side.pcap"
  else
    rm -f "$work/$side.read"
  fi
}

total=0 failed=0
check() {
  local name=$1; shift
  capture system "$@"
  capture ours "$@"
  total=$((total + 1))
  local bad=""
  cmp -s "$work/system.out" "$work/ours.out" || bad="$bad stdout"
  cmp -s "$work/system.err" "$work/ours.err" || bad="$bad stderr"
  cmp -s "$work/system.rc" "$work/ours.rc" || bad="$bad exit($(cat "$work/system.rc") vs $(cat "$work/ours.rc"))"
  if [ -f "$work/system.read" ] || [ -f "$work/ours.read" ]; then
    cmp -s "$work/system.read" "$work/ours.read" || bad="$bad written-file"
  fi
  if [ -n "$bad" ]; then
    failed=$((failed + 1))
    echo "DIFF $name:$bad"
    for f in out err read; do
      [ -f "$work/system.$f" ] && diff "$work/system.$f" "$work/ours.$f" | head -8
    done
  else
    echo "same $name ($(wc -l <"$work/system.out") lines out, $(cat "$work/system.rc") exit)"
  fi
}

check "-c 20 -e -x"            oxd 1 -i oxc -c 20 -n -t -e -x
check "-c 20 -w, -r"           oxd 1 -i oxc -c 20 -w "$work/out.pcap"
check "-w nano"                oxd 1 -i oxc -c 20 -w "$work/out.pcap" --time-stamp-precision=nano
check "filter udp port 9"      oxd 1 -i oxc -c 6 -n -t -e udp port 9
check "filter arp or ip6"      oxd 1 -i oxc -c 8 -n -t -e arp or ip6
check "filter vlan"            oxd 1 -i oxc -c 4 -n -t -e vlan
check "filter greater 1000"    oxd 1 -i oxc -c 4 -n -t -e -v greater 1000
# The kernel refuses protochain's backward jump: libpcap warns on stderr, filters in user space.
check "kernel refuses filter"  oxd 1 -i oxc -c 6 -n -t -e ip protochain 17
check "-i any inbound"         oxd 1 -i any -c 20 -n -t -e inbound
check "-i any -y LINUX_SLL2"   oxd 1 -i any -y LINUX_SLL2 -c 10 -n -t -e inbound and udp
check "-Q out on the sender"   oxd 1 -i oxd -Q out -c 20 -n -t -e
check "-Q in on the receiver"  oxd 1 -i oxc -Q in -c 20 -n -t
check "-B 8192 --immediate"    oxd 1 -i oxc -B 8192 --immediate-mode -c 20 -n -t
check "-j host -s 100"         oxd 1 -i oxc -j host -s 100 -c 20 -n -t -x
check "-y DOCSIS"              oxd 1 -i oxc -y DOCSIS -c 5 -n -t
check "100 rounds -c 2000"     oxd 100 -i oxc -c 2000 -n -t -q

# Listings: -L (link types) and -D (devices; libpcap's non-network pseudo-devices, which
# oxpcap does not offer, are left out of the comparison).
for args in "-i oxc -L" "-i any -L" "-i lo -L" "-D"; do
  total=$((total + 1))
  # shellcheck disable=SC2086
  in_ns tcpdump $args 2>&1 | grep -Ev "bluetooth|nflog|nfqueue|dbus|usbmon" >"$work/system.list"
  # shellcheck disable=SC2086
  in_ns env LD_PRELOAD="$lib" tcpdump $args 2>&1 | grep -Ev "bluetooth|nflog|nfqueue|dbus|usbmon" | sed 's/^\([0-9]*\)\./\1./' >"$work/ours.list"
  if [ "$args" = "-D" ]; then
    # Numbering shifts where pseudo-devices were left out; compare names and flags only.
    sed -i 's/^[0-9]*\.//' "$work/system.list" "$work/ours.list"
  fi
  if cmp -s "$work/system.list" "$work/ours.list"; then echo "same tcpdump $args"; else
    failed=$((failed + 1)); echo "DIFF tcpdump $args"; diff "$work/system.list" "$work/ours.list" | head -10
  fi
done
echo "tcpdump live: $((total - failed)) of $total identical"
[ $failed = 0 ]
