#!/usr/bin/env bash
# Immediate mode under dense and sparse traffic, in two network namespaces this script
# creates (a veth pair between them, nothing in the root namespace): bench/live/sender.c sends
# a fixed count of frames at a fixed rate, compat/live-dense.c captures them in immediate
# mode, built once against the system libpcap and once against oxpcap. Ours must deliver
# every frame, in order, with no drop, under each drain tick (the default, a short one, and
# 0 = a wakeup per packet), and at the dense rate its OXPCAP_DEBUG log must show that it
# switched to draining on the tick (the path this checks). libpcap's result is printed
# beside ours (it may drop at the dense rate: its ring is 1024 frames).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" != 0 ]; then echo "skip: live immediate-mode checks need root (network namespaces)"; exit 0; fi
command -v ip >/dev/null || { echo "skip: iproute2 is not installed"; exit 0; }
lib="$top/target/release/libpcap.so"
[ -f "$lib" ] || (cd "$top" && cargo build --release -q) || exit 1
work=$(mktemp -d)
a="oxim-a-$$" b="oxim-b-$$"
cleanup() { ip netns del "$a" 2>/dev/null; ip netns del "$b" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
mkdir -p "$work/lib"; cp "$lib" "$work/lib/libpcap.so.1"; ln -s libpcap.so.1 "$work/lib/libpcap.so"
cc -O2 -o "$work/sender" "$top/bench/live/sender.c" || exit 1
cc -O2 -o "$work/capture.system" "$top/compat/live-dense.c" -lpcap || exit 1
cc -O2 -o "$work/capture.ours" "$top/compat/live-dense.c" -L"$work/lib" -lpcap \
  -Wl,-rpath,"$work/lib" || exit 1
ip netns add "$a" && ip netns add "$b" || { echo "skip: cannot create network namespaces"; exit 0; }
ip -n "$a" link add ix type veth peer name iy netns "$b"
for ns in "$a" "$b"; do ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
ip -n "$a" link set ix up; ip -n "$b" link set iy up
sleep 0.3
# Sender and capture on different CPUs (as bench/live does), so that libpcap's figures are
# not those of a capture sharing the busy sender's CPU.
pin_sender="" pin_capture=""
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  pin_sender="taskset -c 0" pin_capture="taskset -c 1"
fi

fails=0
# run SIDE RATE COUNT [VAR=value...] -> the capture's result line (its stderr in $work/err)
run() {
  local side=$1 rate=$2 count=$3; shift 3
  ip netns exec "$b" env OXPCAP_DEBUG=1 "$@" $pin_capture "$work/capture.$side" iy >"$work/out" 2>"$work/err" &
  local pid=$!
  for _ in $(seq 100); do grep -q ready "$work/out" && break; sleep 0.02; done
  ip netns exec "$a" $pin_sender "$work/sender" ix 60 "$rate" "$count" >/dev/null
  wait "$pid"
  tail -1 "$work/out"
}
# check NAME RATE COUNT DENSE(0|1) [VAR=value...]
check() {
  local name=$1 rate=$2 count=$3 dense=$4; shift 4
  local system ours why=""
  system=$(run system "$rate" "$count")
  ours=$(run ours "$rate" "$count" "$@")
  [ "$ours" = "delivered $count drops 0 order ok" ] || why="expected every frame in order, no drop"
  if [ "$dense" = 1 ] && ! grep -q "draining every" "$work/err"; then
    why="${why:+$why; }never switched to the drain tick"
  fi
  case "$system" in "delivered "*" order ok") ;; *) why="${why:+$why; }system libpcap: $system";; esac
  if [ -z "$why" ]; then
    printf 'ok   %-36s ours: %s | libpcap: %s\n' "$name" "$ours" "$system"
  else
    printf 'FAIL %-36s ours: %s | libpcap: %s (%s)\n' "$name" "$ours" "$system" "$why"
    sed 's/^/     stderr: /' "$work/err" | head -5
    fails=$((fails + 1))
  fi
}
check "200 kpps, default tick"           200000 100000 1
check "200 kpps, OXPCAP_IMMEDIATE_TICK_US=50" 200000 100000 1 OXPCAP_IMMEDIATE_TICK_US=50
check "200 kpps, OXPCAP_IMMEDIATE_TICK_US=0"  200000 100000 0 OXPCAP_IMMEDIATE_TICK_US=0
check "5 kpps, default tick"             5000 5000 0
if grep -q "draining every" "$work/err"; then
  echo "FAIL 5 kpps switched to the drain tick"; fails=$((fails + 1))
fi
if [ "$fails" = 0 ]; then echo "live immediate mode: 4 of 4 passed"; else echo "live immediate mode: $fails failed"; exit 1; fi
