#!/usr/bin/env bash
# bench/live: live capture CPU and latency, oxpcap vs the system libpcap, side by side.
# Two network namespaces joined by a veth pair; bench/live/sender.c sends COUNT frames at a
# fixed rate from one, the consumer (bench/live/consumer.c, built against each library)
# captures in the other. Per configuration: CPU ns per delivered packet, delivered share,
# kernel drops, latency p50/p99; medians of RUNS alternating runs; ratios ours/system.
# Needs root. Usage: bench/live/run.sh [RUNS]   (never touches the root namespace)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-3}
[ "$(id -u)" = 0 ] || { echo "bench/live needs root"; exit 1; }
lib="$top/target/release/libpcap.so"
[ -f "$lib" ] || (cd "$top" && cargo build --release -q)
work=$(mktemp -d)
a="oxbench-a-$$" b="oxbench-b-$$"
cleanup() { ip netns del "$a" 2>/dev/null; ip netns del "$b" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
mkdir -p "$work/lib"; cp "$lib" "$work/lib/libpcap.so.1"; ln -s libpcap.so.1 "$work/lib/libpcap.so"
cc -O2 -o "$work/sender" "$top/bench/live/sender.c"
cc -O2 -o "$work/consumer.system" "$top/bench/live/consumer.c" -lpcap
cc -O2 -o "$work/consumer.ours" "$top/bench/live/consumer.c" -L"$work/lib" -lpcap -Wl,-rpath,"$work/lib"
ip netns add "$a"; ip netns add "$b"
ip -n "$a" link add bx type veth peer name by netns "$b"
for ns in "$a" "$b"; do ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
ip -n "$a" link set bx up; ip -n "$b" link set by up
sleep 0.3

# one SIDE SIZE RATE COUNT IMMEDIATE -> prints the consumer's result line
one() {
  local side=$1 size=$2 rate=$3 count=$4 imm=$5
  ip netns exec "$b" "$work/consumer.$side" by "$imm" >"$work/c.out" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do grep -q ready "$work/c.out" && break; sleep 0.02; done
  ip netns exec "$a" "$work/sender" bx "$size" "$rate" "$count" >/dev/null
  wait $pid
  tail -1 "$work/c.out"
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
field() { awk -v k="$1" '{for (i=1;i<NF;i++) if ($i==k) print $(i+1)}'; }

printf "%-28s %-7s %10s %9s %8s %9s %9s\n" config lib cpu_ns/pkt delivered drops p50_us p99_us
configs=("60 450000 450000 0" "1514 450000 450000 0" "60 450000 450000 1" "1514 450000 450000 1" "60 10000 20000 1")
# OXPCAP_BENCH_CONFIGS="SIZE RATE COUNT IMMEDIATE;..." runs other configurations.
[ -n "${OXPCAP_BENCH_CONFIGS:-}" ] && IFS=';' read -r -a configs <<<"$OXPCAP_BENCH_CONFIGS"
for cfg in "${configs[@]}"; do
  set -- $cfg
  size=$1 rate=$2 count=$3 imm=$4
  name="${size}B ${rate}pps $([ "$imm" = 1 ] && echo immediate || echo buffered)"
  : >"$work/system.res"; : >"$work/ours.res"
  for r in $(seq "$runs"); do
    for side in system ours; do one "$side" "$size" "$rate" "$count" "$imm" >>"$work/$side.res"; done
  done
  for side in system ours; do
    f="$work/$side.res"
    printf "%-28s %-7s %10.1f %9.0f %8.0f %9.1f %9.1f\n" "$name" "$side" \
      "$(field cpu_ns_per_pkt <"$f" | median)" "$(field delivered <"$f" | median)" \
      "$(field drops <"$f" | median)" "$(field p50_us <"$f" | median)" "$(field p99_us <"$f" | median)"
    eval "${side}_cpu=$(field cpu_ns_per_pkt <"$f" | median)"
    eval "${side}_p99=$(field p99_us <"$f" | median)"
    eval "${side}_p50=$(field p50_us <"$f" | median)"
  done
  awk -v a="$ours_cpu" -v b="$system_cpu" -v c="$ours_p50" -v d="$system_p50" -v e="$ours_p99" -v f="$system_p99" \
    'BEGIN {printf "%-28s ratio ours/system: cpu %.2fx  p50 %.2fx  p99 %.2fx\n", "", a/b, (d>0?c/d:0), (f>0?e/f:0)}'
  # Machine-readable lines for scripts/bench-report.sh: metric, libpcap, oxpcap, unit.
  printf 'RESULT live/%s: CPU\t%s\t%s\tns/packet\n' "$name" "$system_cpu" "$ours_cpu"
  printf 'RESULT live/%s: latency p50\t%s\t%s\tus\n' "$name" "$system_p50" "$ours_p50"
  printf 'RESULT live/%s: latency p99\t%s\t%s\tus\n' "$name" "$system_p99" "$ours_p99"
done
