#!/usr/bin/env bash
# bench/fanout: one interface, a sender faster than one consumer can inspect, and
#   system   - one consumer on the system libpcap
#   oxpcap/1 - one consumer on oxpcap (LD_PRELOAD), no group
#   oxpcap/N - N consumers on oxpcap sharing OXPCAP_FANOUT=5:hash
# Each consumer spins WORK_NS per packet. Reports per configuration the share of the sent
# packets delivered (summed over members), CPU per delivered packet, and that CPU minus the
# work (the library's and kernel's cost); medians of RUNS runs. Needs root (namespaces).
#   RATE=200000 SECONDS_=2 WORK_NS=8000 RUNS=3 MEMBERS="2" bash bench/fanout/run.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
lib="$top/target/release/libpcap.so"
RATE=${RATE:-200000} SECS=${SECONDS_:-2} WORK_NS=${WORK_NS:-8000} RUNS=${RUNS:-3}
MEMBERS=${MEMBERS:-2}
[ "$(id -u)" = 0 ] || { echo "bench/fanout: needs root (network namespaces)"; exit 0; }
[ -f "$lib" ] || { echo "bench/fanout: build first (make all)"; exit 2; }
work=$(mktemp -d /tmp/oxpcap-fanout-bench.XXXXXX)
tx="oxfb-tx-$$" rx="oxfb-rx-$$"
cleanup() { ip netns del "$tx" 2>/dev/null; ip netns del "$rx" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
ip netns add "$tx"; ip netns add "$rx"
ip -n "$tx" link add fxa type veth peer name fxb netns "$rx"
for ns in "$tx" "$rx"; do ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
ip -n "$tx" addr add 198.18.10.1/24 dev fxa; ip -n "$rx" addr add 198.18.10.2/24 dev fxb
ip -n "$tx" link set fxa up; ip -n "$rx" link set fxb up
mac=$(ip netns exec "$rx" cat /sys/class/net/fxb/address)
cc -O2 "$top/bench/fanout/sender.c" -o "$work/sender" || exit 1
cc -O2 "$top/bench/fanout/consumer.c" -o "$work/consumer" -lpcap || exit 1
count=$((RATE * SECS))

# One run: $1 = label, $2 = members, $3 = "sys" or "ox". Prints "delivered cpu_us".
one_run() {
  local n=$2 kind=$3 pids=() k
  for k in $(seq 1 "$n"); do
    if [ "$kind" = sys ]; then
      ip netns exec "$rx" "$work/consumer" fxb "$WORK_NS" >"$work/c$k.out" 2>"$work/c$k.err" &
    elif [ "$n" = 1 ]; then
      ip netns exec "$rx" env LD_PRELOAD="$lib" "$work/consumer" fxb "$WORK_NS" \
        >"$work/c$k.out" 2>"$work/c$k.err" &
    else
      ip netns exec "$rx" env LD_PRELOAD="$lib" OXPCAP_FANOUT=5:hash "$work/consumer" fxb \
        "$WORK_NS" >"$work/c$k.out" 2>"$work/c$k.err" &
    fi
    pids+=($!)
  done
  for k in $(seq 1 "$n"); do
    for _ in $(seq 100); do grep -qs ready "$work/c$k.err" && break; sleep 0.05; done
  done
  ip netns exec "$tx" "$work/sender" fxa "$mac" "$count" 256 "$RATE" 2>>"$work/sender.err"
  sleep 1
  kill -INT "${pids[@]}"; wait "${pids[@]}"
  cat "$work"/c*.out | awk '{d += $2; c += $4} END {print d, c}'
  rm -f "$work"/c*.out "$work"/c*.err
}

printf "sender %d pps for %d s (%d packets, 256 flows), work %d ns/packet, median of %d runs\n" \
  "$RATE" "$SECS" "$count" "$WORK_NS" "$RUNS"
printf "%-10s %8s %10s %9s %12s %14s\n" config members delivered share "CPU/pkt us" "overhead ns"
configs=("system 1 sys" "oxpcap 1 ox")
for m in $MEMBERS; do configs+=("oxpcap $m ox"); done
for cfg in "${configs[@]}"; do
  set -- $cfg
  results=()
  for _ in $(seq "$RUNS"); do results+=("$(one_run "$1" "$2" "$3")"); done
  # The median run by delivered packets.
  med=$(printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  set -- $1 $2 $med
  line=$(awk -v cfg="$1" -v m="$2" -v d="$3" -v c="$4" -v n="$count" -v w="$WORK_NS" 'BEGIN {
    per = d ? c / d : 0;
    printf "%-10s %8d %10d %8.1f%% %12.2f %14.0f\n", cfg, m, d, 100 * d / n, per, per * 1000 - w }')
  echo "$line"
  set -- $line
  if [ "$1" = system ]; then sys_share=${4%\%}; sys_over=$6
  else
    # Machine-readable lines for scripts/bench-report.sh: libpcap's single consumer vs ours.
    printf 'RESULT fanout/delivered-share/%s-members\t%s\t%s\t%%\n' "$2" "$sys_share" "${4%\%}"
    printf 'RESULT fanout/overhead-per-packet/%s-members\t%s\t%s\tns\n' "$2" "$sys_over" "$6"
  fi
done
echo "sender achieved (median over all runs): $(sed -n 's/.*(\([0-9]*\) pps)/\1/p' "$work/sender.err" \
  | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}') pps"
