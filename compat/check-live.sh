#!/usr/bin/env bash
# Live capture, differentially: builds and runs the ctests/live_*.c programs (ours vs the system
# libpcap, see ctests/run.sh) inside a network namespace this script creates, with a veth pair
# and some other interface types in 198.18.0.0/15. Never touches the root namespace's
# interfaces; the namespace is deleted on any exit. Usage: compat/check-live.sh [test...]
set -u
args=("$@")
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" != 0 ]; then echo "skip: live capture checks need root (network namespaces)"; exit 0; fi
command -v ip >/dev/null || { echo "skip: iproute2 is not installed"; exit 0; }
ns="oxpcap-live-$$"
cleanup() { ip netns del "$ns" 2>/dev/null; }
trap cleanup EXIT INT TERM
ip netns add "$ns" || { echo "skip: cannot create a network namespace"; exit 0; }
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up
in_ns ip link add oxa type veth peer name oxb
in_ns ip addr add 198.18.0.1/24 broadcast 198.18.0.255 dev oxa
in_ns ip addr add 198.18.0.2/24 dev oxb
in_ns ip -6 addr add fd00:198:18::1/64 dev oxa nodad
in_ns ip link set oxa up
in_ns ip link set oxb up
# A quiet pair (no IPv6, so the kernel sends nothing on its own) for exact packet counts.
for pair in "oxc oxd"; do
  set -- $pair
  in_ns ip link add "$1" type veth peer name "$2"
  for d in "$1" "$2"; do
    in_ns sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1"
    in_ns ip link set "$d" up
  done
done
set --
in_ns ip link add oxdown type veth peer name oxdown2
in_ns ip addr add 198.18.1.1/24 dev oxdown
in_ns ip link add oxdummy type dummy 2>/dev/null && in_ns ip link set oxdummy up
in_ns ip tuntap add dev oxtun mode tun 2>/dev/null && in_ns ip link set oxtun up
in_ns ip link add oxipip type ipip local 198.18.0.1 remote 198.18.0.9 2>/dev/null && in_ns ip link set oxipip up
in_ns ip link add oxgre type gre local 198.18.0.1 remote 198.18.0.10 2>/dev/null && in_ns ip link set oxgre up
in_ns ip link add oxsit type sit local 198.18.0.1 remote 198.18.0.11 2>/dev/null && in_ns ip link set oxsit up
in_ns ip addr add 198.18.2.1 peer 198.18.2.2/32 dev oxtun 2>/dev/null
in_ns ip link add link oxa name oxa.7 type vlan id 7 2>/dev/null && {
  in_ns ip addr add 198.18.7.1/24 dev oxa.7; in_ns ip link set oxa.7 up; }
sleep 0.3   # let IPv6 link-local addresses and carrier settle
if [ ${#args[@]} -gt 0 ]; then tests=("${args[@]}"); else
  tests=(); for f in "$top"/ctests/live_*.c; do tests+=("$(basename "$f" .c)"); done
fi
OXPCAP_LIVE_NS=1 in_ns bash "$top/ctests/run.sh" "${tests[@]}"
