#!/usr/bin/env bash
# Debian's tcpdump capturing VLAN traffic live, under LD_PRELOAD of our libpcap vs the system
# libpcap, in a network namespace this script creates (veth pair oxv/oxw, both ends inside,
# no IPv6 so nothing else is sent): compat/vlan-burst sends tagged and untagged frames on oxw
# (see its header). On the receiving end oxv the kernel strips the outer 802.1Q/802.1ad tag
# into the packet's metadata, which libpcap's `vlan` code reads with ancillary loads in the
# kernel's filter; on the sending end the tags stay in the bytes. Each case captures for the
# duration of one burst and stops tcpdump with SIGTERM (a script's background job ignores
# SIGINT). Compared: the packets printed (-t -e -n: no timestamps), the statistics on
# stderr ("packets received by filter" is the kernel's
# count of packets its filter accepted, or of all packets when the filter runs in user
# space) and the exit status. Never touches the root namespace; cleans up on any exit.
#   compat/check-live-vlan.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
lib="$top/target/release/libpcap.so"
[ "$(id -u)" = 0 ] || { echo "skip: live VLAN checks need root (network namespaces)"; exit 0; }
command -v tcpdump >/dev/null || { echo "skip: tcpdump is not installed"; exit 0; }
[ -f "$lib" ] || { echo "build first (make all)"; exit 1; }
work=$(mktemp -d)
ns="oxpcap-vlan-$$"
cleanup() { ip netns del "$ns" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
export TZ=UTC LC_ALL=C
cc -O1 -o "$work/vlan-burst" "$top/compat/vlan-burst.c" || exit 1
cc -O1 -o "$work/vlan-aux-filter" "$top/compat/vlan-aux-filter.c" -lpcap || exit 1
ip netns add "$ns" || { echo "skip: cannot create a network namespace"; exit 0; }
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up
in_ns ip link add oxv type veth peer name oxw
for d in oxv oxw; do
  in_ns sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1"
  in_ns ip link set "$d" up
done
sleep 0.2

# capture SIDE IFACE ROUNDS tcpdump-args...: tcpdump until one burst has been sent and seen.
capture() {
  local side=$1 iface=$2 rounds=$3; shift 3
  local pre=()
  [ "$side" = ours ] && pre=(env LD_PRELOAD="$lib")
  # Not through in_ns: a function in the background is a subshell, and $! would be its pid.
  ip netns exec "$ns" "${pre[@]}" tcpdump -i "$iface" -n -t -e "$@" \
    >"$work/$side.out" 2>"$work/$side.err" &
  local pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$work/$side.err" 2>/dev/null && break; sleep 0.05; done
  sleep 0.1
  in_ns "$work/vlan-burst" oxw "$rounds" >/dev/null
  # The ring hands a block over when tcpdump's 1 s timeout retires it.
  sleep 1.5
  kill -TERM $pid
  wait $pid
  echo $? >"$work/$side.rc"
}

total=0 failed=0
check() {
  local name=$1; shift
  capture system "$@"
  capture ours "$@"
  total=$((total + 1))
  local bad=""
  cmp -s "$work/system.out" "$work/ours.out" || bad="$bad packets"
  cmp -s "$work/system.err" "$work/ours.err" || bad="$bad stderr"
  cmp -s "$work/system.rc" "$work/ours.rc" || bad="$bad exit($(cat "$work/system.rc") vs $(cat "$work/ours.rc"))"
  local recv
  recv=$(grep -o "^[0-9]* packets received by filter" "$work/system.err" | cut -d' ' -f1)
  if [ -n "$bad" ]; then
    failed=$((failed + 1))
    echo "DIFF $name:$bad"
    for f in out err; do diff "$work/system.$f" "$work/ours.$f" | head -8; done
  else
    echo "same $name ($(grep -c . "$work/system.out") packets, ${recv:-?} received by filter)"
  fi
}

hosts=$(for i in $(seq 1 400); do printf 'host 198.19.%d.%d or ' $((i / 250)) $((i % 250 + 1)); done)
for side in oxv oxw; do
  for f in "vlan" "vlan 5" "vlan 5 and ip" "not vlan" "vlan and vlan" "vlan and vlan 5" \
    "vlan 100 and vlan 5 and udp" "vlan 7 and ip6" "vlan 0" "vlan and arp" "vlan 1 and vlan 2" \
    "udp and not vlan" "vlan or arp"; do
    check "$side $f" "$side" 2 "$f"
  done
  check "$side -O vlan 5 and ip" "$side" 2 -O vlan 5 and ip
  # protochain's backward jump: the kernel refuses the program, which then runs in user
  # space on the untagged frame with the tag in the metadata (libpcap's order).
  # Longer than the kernel's 4096 instructions (unoptimised, so libpcap compiles it
  # quickly): the kernel refuses the program, which then runs in user space on the frame
  # as the kernel had it (tag stripped) with the tag in the metadata (libpcap's order).
  check "$side user space: vlan 5 and (400 hosts or udp port 9)" "$side" 2 -O "vlan 5 and ($hosts udp port 9)"
  check "$side user space: not vlan and (400 hosts or arp)" "$side" 2 -O "not vlan and ($hosts arp)"
  check "$side user space: vlan and (400 hosts or ip6)" "$side" 2 -O "vlan and ($hosts ip6)"
done
# Hand-made programs through pcap_setfilter, run in user space: which ancillary loads
# libpcap's user-space filter answers (byte loads of vlanp and vlan_tci only; vlan_tci is the
# VLAN ID, 7 for the TCI 0xa007 sent) and which reject.
for args in "0x30 48 1" "0x28 48 1" "0x20 48 1" "0x30 44 7" "0x30 44 0xa007" "0x28 44 7" \
  "0x20 44 0xa007" "0x30 60 0x8100" "0x28 4 0"; do
  for side in system ours; do
    pre=()
    [ "$side" = ours ] && pre=(env LD_PRELOAD="$lib")
    # shellcheck disable=SC2086
    ip netns exec "$ns" "${pre[@]}" "$work/vlan-aux-filter" oxv $args \
      >"$work/$side.out" 2>"$work/$side.err" &
    pid=$!
    for _ in $(seq 100); do grep -q "listening" "$work/$side.out" 2>/dev/null && break; sleep 0.05; done
    in_ns "$work/vlan-burst" oxw 1 >/dev/null
    wait $pid
  done
  total=$((total + 1))
  if cmp -s "$work/system.out" "$work/ours.out" && cmp -s "$work/system.err" "$work/ours.err"; then
    echo "same pcap_setfilter, user space: $(tail -n 1 "$work/system.out")"
  else
    failed=$((failed + 1))
    echo "DIFF pcap_setfilter, user space: $args"
    diff "$work/system.out" "$work/ours.out"
    diff "$work/system.err" "$work/ours.err"
  fi
done
echo "live VLAN: $((total - failed)) of $total identical"
[ $failed = 0 ]
