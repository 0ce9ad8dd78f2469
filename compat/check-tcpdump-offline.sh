#!/usr/bin/env bash
# Debian's tcpdump reading every corpus file, under LD_PRELOAD of our libpcap vs the system
# libpcap: stdout, stderr and exit status must be identical, and so must the files it writes.
# Commands: -r F -n | -n -vv -e | -n -x | -w OUT | -w OUT --time-stamp-precision=nano |
#           -c 3 | -r - < F.        Usage: compat/check-tcpdump-offline.sh [file...]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
lib="$top/target/release/libpcap.so"
corpus="$top/../shared/corpus/pcaps"
command -v tcpdump >/dev/null || { echo "skip: tcpdump is not installed"; exit 0; }
[ -d "$corpus" ] || { echo "skip: no corpus at $corpus"; exit 0; }
[ -f "$lib" ] || { echo "build first (make all)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 777 "$work"   # tcpdump drops to its own user before writing -w files
export TZ=UTC LC_ALL=C
if [ $# -gt 0 ]; then files=("$@"); else
  mapfile -t files < <(find "$corpus" -type f | LC_ALL=C sort)
fi

# runs one tcpdump invocation (args in "$@", stdin from $stdin_from or /dev/null) as "$side"
run() {
  local side=$1; shift
  local pre=()
  [ "$side" = ours ] && pre=(env LD_PRELOAD="$lib")
  rm -f "$work/out.pcap"
  timeout 60 "${pre[@]}" tcpdump "$@" <"$stdin_from" >"$work/$side.out" 2>"$work/$side.err"
  echo $? >"$work/$side.rc"
  if [ -f "$work/out.pcap" ]; then mv "$work/out.pcap" "$work/$side.pcap"; else rm -f "$work/$side.pcap"; fi
}

total=0 failed=0
for f in "${files[@]}"; do
  rel=${f#"$corpus"/}
  for variant in n vve x w wnano c3 stdin; do
    stdin_from=/dev/null
    case $variant in
      n) args=(-r "$f" -n) ;;
      vve) args=(-r "$f" -n -vv -e) ;;
      x) args=(-r "$f" -n -x) ;;
      w) args=(-r "$f" -w "$work/out.pcap") ;;
      wnano) args=(-r "$f" -w "$work/out.pcap" --time-stamp-precision=nano) ;;
      c3) args=(-r "$f" -c 3) ;;
      stdin) args=(-r - -n); stdin_from=$f ;;
    esac
    run system "${args[@]}"
    run ours "${args[@]}"
    total=$((total + 1))
    # stderr names the file the same way in both runs; nothing to normalise.
    bad=""
    cmp -s "$work/system.out" "$work/ours.out" || bad="$bad stdout"
    cmp -s "$work/system.err" "$work/ours.err" || bad="$bad stderr"
    cmp -s "$work/system.rc" "$work/ours.rc" || bad="$bad exit($(cat "$work/system.rc") vs $(cat "$work/ours.rc"))"
    if [ -f "$work/system.pcap" ] || [ -f "$work/ours.pcap" ]; then
      cmp -s "$work/system.pcap" "$work/ours.pcap" || bad="$bad written-file"
    fi
    if [ -n "$bad" ]; then
      failed=$((failed + 1))
      if [ $failed -le 20 ]; then
        echo "DIFF $rel [$variant]:$bad"
        diff "$work/system.err" "$work/ours.err" | head -4
        diff "$work/system.out" "$work/ours.out" | head -4
      fi
    fi
  done
done
echo "tcpdump offline: $((total - failed))/$total runs identical (${#files[@]} files x 7 commands)"
[ $failed -eq 0 ]
