#!/usr/bin/env bash
# bench/live: live capture CPU and latency, oxpcap vs the system libpcap, side by side.
# Two network namespaces joined by a veth pair; bench/live/sender.c sends COUNT frames at a
# fixed rate from one, the consumer (bench/live/consumer.c, built against each library)
# captures in the other. Per configuration: CPU ns per delivered packet, delivered share,
# kernel drops, latency p50/p99; medians of RUNS alternating runs; ratios ours/system.
# Needs root. Usage: bench/live/run.sh [RUNS]   (never touches the root namespace)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
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
# Sender and consumer on different CPUs, as a NIC's interrupts and a capture usually are:
# left to the scheduler, a consumer woken from the sender's CPU is often placed beside the
# busy sender and shares its CPU for tens of milliseconds, for either library.
pin_sender="" pin_consumer=""
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  pin_sender="taskset -c 0" pin_consumer="taskset -c 1"
fi

# one SIDE SIZE RATE COUNT IMMEDIATE [VAR=value] -> prints the consumer's result line (the
# variable, if any, is set for our consumer only)
one() {
  local side=$1 size=$2 rate=$3 count=$4 imm=$5
  local env=()
  [ "$side" = ours ] && [ -n "${OXPCAP_BENCH_OURS_ENV:-}" ] && read -r -a env <<<"$OXPCAP_BENCH_OURS_ENV"
  [ "$side" = ours ] && [ -n "${6:-}" ] && env+=("$6")
  ip netns exec "$b" env "${env[@]}" $pin_consumer "$work/consumer.$side" by "$imm" >"$work/c.out" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do grep -q ready "$work/c.out" && break; sleep 0.02; done
  ip netns exec "$a" $pin_sender "$work/sender" bx "$size" "$rate" "$count" >/dev/null
  wait $pid
  tail -1 "$work/c.out"
}

# both SIZE RATE COUNT -> appends each library's result line to its .res file: buffered mode
# captures the same packets with both libraries at once (each socket gets its own copy; both
# consumers on one CPU, where they sleep 97% of the time), so that host noise, which moves a
# ~10 ns/packet figure by a third from one run to the next, hits both alike.
both() {
  local size=$1 rate=$2 count=$3 side
  local -A pid
  for side in system ours; do
    local env=()
    [ "$side" = ours ] && [ -n "${OXPCAP_BENCH_OURS_ENV:-}" ] && read -r -a env <<<"$OXPCAP_BENCH_OURS_ENV"
    ip netns exec "$b" env "${env[@]}" $pin_consumer "$work/consumer.$side" by 0 >"$work/$side.out" 2>&1 &
    pid[$side]=$!
  done
  for side in system ours; do
    for _ in $(seq 100); do grep -q ready "$work/$side.out" && break; sleep 0.02; done
  done
  ip netns exec "$a" $pin_sender "$work/sender" bx "$size" "$rate" "$count" >/dev/null
  for side in system ours; do
    wait "${pid[$side]}"
    tail -1 "$work/$side.out" >>"$work/$side.res"
  done
}

spread() { sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%s-%s", lo, hi}'; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
field() { awk -v k="$1" '{for (i=1;i<NF;i++) if ($i==k) print $(i+1)}'; }

# What one sleep-and-wake costs here: immediate mode's CPU is mostly wakeups, in either library.
cc -O2 -pthread -o "$work/wake_cost" "$top/bench/live/wake_cost.c" &&
  $pin_consumer "$work/wake_cost" 50 250 >"$work/wake.txt" && sed 's/^/wake cost: /' "$work/wake.txt" &&
  awk '{sub(/:$/, "", $2); w = ($1 == "timer") ? "timer every " $2 " us" : "woken from the other CPU"
        for (i = 1; i < NF; i++) if ($(i + 1) == "us" && $(i + 2) == "CPU") v = $i
        printf "RESULT live/machine: one sleep and wakeup, %s (either library)\t-\t%s\tus CPU\n", w, v}' \
    "$work/wake.txt"

printf "%-52s %-7s %10s %9s %8s %9s %9s\n" config lib cpu_ns/pkt delivered drops p50_us p99_us
# SIZE RATE COUNT IMMEDIATE [VAR=value for our consumer]. Buffered runs are longer and capture
# with both libraries at once (see `both`): their CPU per packet is small enough that one
# descheduling of a short run would show.
configs=("60 450000 1350000 0" "1514 450000 1350000 0" "60 450000 450000 1" "1514 450000 450000 1"
  "60 10000 20000 1" "60 450000 450000 1 OXPCAP_IMMEDIATE_TICK_US=100"
  "60 450000 450000 1 OXPCAP_IMMEDIATE_TICK_US=50")
# OXPCAP_BENCH_CONFIGS="SIZE RATE COUNT IMMEDIATE [VAR=value];..." runs other configurations;
# OXPCAP_BENCH_OURS_ENV="VAR=value ..." runs our consumer with that environment in all of them.
[ -n "${OXPCAP_BENCH_CONFIGS:-}" ] && IFS=';' read -r -a configs <<<"$OXPCAP_BENCH_CONFIGS"
for cfg in "${configs[@]}"; do
  set -- $cfg
  size=$1 rate=$2 count=$3 imm=$4 var=${5:-}
  name="${size}B ${rate}pps $([ "$imm" = 1 ] && echo immediate || echo buffered)${var:+ $var}"
  : >"$work/system.res"; : >"$work/ours.res"
  for r in $(seq "$runs"); do
    if [ "$imm" = 0 ] && [ -z "$var" ]; then
      both "$size" "$rate" "$count"
    else
      # Immediate mode keeps a consumer busy enough that two would disturb each other.
      for side in system ours; do one "$side" "$size" "$rate" "$count" "$imm" "$var" >>"$work/$side.res"; done
    fi
  done
  for side in system ours; do
    f="$work/$side.res"
    printf "%-52s %-7s %10.1f %9.0f %8.0f %9.1f %9.1f   runs: cpu %s, p50 %s, p99 %s\n" "$name" "$side" \
      "$(field cpu_ns_per_pkt <"$f" | median)" "$(field delivered <"$f" | median)" \
      "$(field drops <"$f" | median)" "$(field p50_us <"$f" | median)" "$(field p99_us <"$f" | median)" \
      "$(field cpu_ns_per_pkt <"$f" | spread)" "$(field p50_us <"$f" | spread)" "$(field p99_us <"$f" | spread)"
    eval "${side}_cpu=$(field cpu_ns_per_pkt <"$f" | median)"
    eval "${side}_p99=$(field p99_us <"$f" | median)"
    eval "${side}_p50=$(field p50_us <"$f" | median)"
  done
  awk -v a="$ours_cpu" -v b="$system_cpu" -v c="$ours_p50" -v d="$system_p50" -v e="$ours_p99" -v f="$system_p99" \
    'BEGIN {printf "%-52s ratio ours/system: cpu %.2fx  p50 %.2fx  p99 %.2fx\n", "", a/b, (d>0?c/d:0), (f>0?e/f:0)}'
  # Machine-readable lines for scripts/bench-report.sh: metric, libpcap, oxpcap, unit.
  printf 'RESULT live/%s: CPU\t%s\t%s\tns/packet\n' "$name" "$system_cpu" "$ours_cpu"
  printf 'RESULT live/%s: latency p50\t%s\t%s\tus\n' "$name" "$system_p50" "$ours_p50"
  printf 'RESULT live/%s: latency p99\t%s\t%s\tus\n' "$name" "$system_p99" "$ours_p99"
done
