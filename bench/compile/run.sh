#!/usr/bin/env bash
# Filter compile time, peak memory and program size, ours vs the system libpcap, for the
# three shapes of issue 4 (`host A or ...`, `not (host A and port P) and ...`,
# `net A/24 or ...`) at N = 10 ... 10000, optimize = 1. Every measurement is its own process;
# times are CPU seconds of pcap_compile. Ours is the median of ROUNDS runs; libpcap runs
# once per size and is killed after LIMIT CPU seconds (RLIMIT_CPU; reported as `>T s`;
# once it is killed, larger N are not tried). Every process is also capped at MEMCAP KiB of
# address space (default 12 GiB: libpcap is known to need 8 GB for 3000 pairs, #1255), so
# the machine never runs out; a compile that fails under the cap is reported as `fail`.
#   bench/compile/run.sh [ROUNDS] [LIMIT] [SIZES...]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-3}
limit=${2:-120}
shift 2 2>/dev/null || shift $#
sizes=${*:-10 100 300 1000 3000 10000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lib="$top/target/release/libpcap.so"
[ -f "$lib" ] || (cd "$top" && cargo build --release)
mkdir -p "$work/lib"
cp "$lib" "$work/lib/libpcap.so.1"
ln -s libpcap.so.1 "$work/lib/libpcap.so"
cc -O2 -o "$work/system" "$top/bench/compile/bench.c" -lpcap
cc -O2 -o "$work/ours" "$top/bench/compile/bench.c" -L"$work/lib" -lpcap -Wl,-rpath,"$work/lib"

# Runs a command under a CPU-time limit (the wall clock would count other processes' load).
memcap=${MEMCAP:-12582912}
limited() { (ulimit -t "$limit"; ulimit -v "$memcap"; exec "$@") 2>/dev/null; }

median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

printf '%-6s %6s | %10s %9s %8s | %10s %9s %8s | %9s %7s %7s\n' shape N \
  "ours s" "ours MiB" "ours ins" "libpcap s" "lib MiB" "lib ins" "time x" "mem x" "size x"
for shape in host pairs net; do
  gave_up=""
  for n in $sizes; do
    : >"$work/o"
    for _ in $(seq "$rounds"); do
      limited "$work/ours" "$shape" "$n" >>"$work/o" || echo "0 $limit 0" >>"$work/o"
    done
    oi=$(awk '{print $1}' "$work/o" | median)
    ot=$(awk '{print $2}' "$work/o" | median)
    om=$(awk '{print $3/1024}' "$work/o" | median)
    if [ -n "$gave_up" ]; then
      lt=$gave_up; lm="-"; li="-"
    elif out=$(limited "$work/system" "$shape" "$n"); then
      read -r li lt lm <<<"$out"
      lm=$(awk -v m="$lm" 'BEGIN {printf "%.1f", m/1024}')
    elif st=$? && { [ $st -eq 137 ] || [ $st -eq 152 ]; }; then
      # SIGKILL or SIGXCPU: the CPU limit (ulimit -t sets the hard limit too).
      lt=">$limit"; lm="-"; li="-"; gave_up=$lt
    else
      lt="fail"; lm="-"; li="-"; gave_up=$lt
    fi
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b+0 > 0 && a ~ /^[0-9.]+$/) printf "%.1f", a/b; else if (b+0 > 0 && a ~ /^>/) printf ">%.0f", substr(a,2)/b; else printf "-" }'; }
    printf '%-6s %6s | %10.6f %9.1f %8s | %10s %9s %8s | %9s %7s %7s\n' "$shape" "$n" \
      "$ot" "$om" "$oi" "$lt" "$lm" "$li" "$(ratio "$lt" "$ot")" "$(ratio "$lm" "$om")" \
      "$(ratio "$li" "$oi")"
    # Machine-readable lines for scripts/bench-report.sh: metric, libpcap, oxpcap, unit.
    printf 'RESULT compile/%s/%s/time\t%s\t%s\ts\n' "$shape" "$n" "$lt" "$ot"
    printf 'RESULT compile/%s/%s/memory\t%s\t%.1f\tMiB\n' "$shape" "$n" "$lm" "$om"
    printf 'RESULT compile/%s/%s/size\t%s\t%s\tinsns\n' "$shape" "$n" "$li" "$oi"
  done
done
echo "(time x, mem x, size x: libpcap / ours; > means libpcap was killed at the limit)"
