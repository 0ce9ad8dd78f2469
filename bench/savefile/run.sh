#!/usr/bin/env bash
# Savefile read throughput, ours vs the system libpcap, on a >= 1 GiB pcap and the same
# packets as pcapng, kept on tmpfs (/dev/shm) so the page cache is not what is measured.
# Runs alternate (system, ours, floor...) for ROUNDS rounds; medians and ratios are printed.
#   bench/savefile/run.sh [ROUNDS] [BYTES]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-5}
bytes=${2:-1100000000}
work=$(mktemp -d /dev/shm/oxpcap-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
lib="$top/target/release/libpcap.so"
[ -f "$lib" ] || (cd "$top" && cargo build --release)
mkdir -p "$work/lib"
cp "$lib" "$work/lib/libpcap.so.1"
ln -s libpcap.so.1 "$work/lib/libpcap.so"
cc -O2 -o "$work/system" "$top/bench/savefile/bench.c" -lpcap
cc -O2 -o "$work/ours" "$top/bench/savefile/bench.c" -L"$work/lib" -lpcap -Wl,-rpath,"$work/lib"
"$work/system" gen "$work/f.pcap" "$work/f.pcapng" "$bytes"
ls -l "$work"/f.pcap*

declare -A t
run() { # key, command...: records seconds
  local out
  out=$("${@:2}")
  t[$1]="${t[$1]:-} $(echo "$out" | awk '{print $2}')"
  bytes_of=$(echo "$out" | awk '{print $1}')
}
for r in $(seq "$rounds"); do
  for f in pcap pcapng; do
    for m in loop next_ex touch; do
      run "$f/$m/system" "$work/system" "$m" "$work/f.$f"
      run "$f/$m/ours" "$work/ours" "$m" "$work/f.$f"
    done
    for b in 65536 131072 262144 1048576; do
      run "$f/walk$b" "$work/system" walk "$work/f.$f" "$b"
    done
    run "$f/mmap" "$work/system" mmap "$work/f.$f"
  done
  echo "round $r done" >&2
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
gbs() { awk -v b="$bytes_of" -v s="$1" 'BEGIN {printf "%.2f", b / s / 1e9}'; }
echo
echo "median of $rounds alternating runs; GB/s of packet data ($bytes_of bytes per file)"
printf '%-8s %-8s %9s %9s %8s %12s\n' file mode libpcap oxpcap ratio "vs floor"
for f in pcap pcapng; do
  best=""
  for b in 65536 131072 262144 1048576; do
    s=$(echo "${t[$f/walk$b]}" | median)
    if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$s; fi
  done
  for m in loop next_ex touch; do
    s=$(echo "${t[$f/$m/system]}" | median)
    o=$(echo "${t[$f/$m/ours]}" | median)
    printf '%-8s %-8s %9s %9s %7.2fx %11.2fx\n' "$f" "$m" "$(gbs "$s")" "$(gbs "$o")" \
      "$(awk -v s="$s" -v o="$o" 'BEGIN{print s/o}')" "$(awk -v b="$best" -v o="$o" 'BEGIN{print b/o}')"
    # Machine-readable line for scripts/bench-report.sh: metric, libpcap, oxpcap, unit.
    printf 'RESULT savefile/%s/%s\t%s\t%s\tGB/s\n' "$f" "$m" "$(gbs "$s")" "$(gbs "$o")"
  done
  for b in 65536 131072 262144 1048576; do
    printf '%-8s %-17s %9s\n' "$f" "floor read $((b / 1024))K" "$(gbs "$(echo "${t[$f/walk$b]}" | median)")"
  done
  printf '%-8s %-17s %9s\n' "$f" "floor mmap" "$(gbs "$(echo "${t[$f/mmap]}" | median)")"
done
