# Sourced by compat/check-tcpdump-testlist.sh and compat/check-tcpdump-filters.sh (not a check
# itself): runs one tcpdump invocation twice, on the system libpcap and under
# LD_PRELOAD=target/release/libpcap.so, and compares what came out. Cases run in parallel
# through xargs; each case is one line of shell-quoted words:
#     <class> <id> <stdin file or -> <tcpdump argument>...
# where an argument @OUT@ stands for a file tcpdump writes (compared byte for byte).
# class `exact`:   stdout, stderr, exit status and written bytes must be identical.
# class `exact=F`: the same, and the result line says `ok+` when stdout also equals file F.
# class `listing`: a -d/-dd/-ddd program listing: stderr and exit status must be identical,
#                  stdout is only counted as the same or not (optimization may differ).
# Each case prints one line: `ok <id>`, `SAME <id>` / `OTHER <id>` (listings) or
# `DIFF <id>: <what>` followed by the first lines of the differences.

tcpdump_diff_case() {
  local class=$1 id=$2 input=$3 expect=""
  case $class in exact=*) expect=${class#exact=}; class=exact ;; esac
  shift 3
  local dir side
  dir=$(mktemp -d "$TCPDUMP_DIFF_WORK/case.XXXXXX")
  chmod 777 "$dir" # tcpdump gives up root for its own user before it writes -w files
  for side in system ours; do
    local args=() a
    for a in "$@"; do
      if [ "$a" = @OUT@ ]; then args+=("$dir/$side.pcap"); else args+=("$a"); fi
    done
    local pre=()
    [ "$side" = ours ] && pre=(env LD_PRELOAD="$TCPDUMP_DIFF_LIB")
    [ "$input" = - ] && input=/dev/null
    (cd "$dir" && timeout 60 "${pre[@]}" tcpdump "${args[@]}" < "$input" > "$side.out" 2> "$side.err")
    echo $? > "$dir/$side.rc"
  done
  local bad=""
  cmp -s "$dir/system.err" "$dir/ours.err" || bad="$bad stderr"
  cmp -s "$dir/system.rc" "$dir/ours.rc" || bad="$bad exit($(cat "$dir/system.rc") vs $(cat "$dir/ours.rc"))"
  if [ -e "$dir/system.pcap" ] || [ -e "$dir/ours.pcap" ]; then
    cmp -s "$dir/system.pcap" "$dir/ours.pcap" || bad="$bad written-bytes"
  fi
  if [ "$class" = exact ]; then
    cmp -s "$dir/system.out" "$dir/ours.out" || bad="$bad stdout"
  fi
  if [ -n "$bad" ]; then
    {
      echo "DIFF $id:$bad"
      echo "     tcpdump $*"
      diff "$dir/system.err" "$dir/ours.err" | head -4 | sed 's/^/     /'
      diff "$dir/system.out" "$dir/ours.out" | head -6 | sed 's/^/     /'
    } | sed 's/^\(.\{0,300\}\).*/\1/'
  elif [ "$class" = listing ]; then
    if cmp -s "$dir/system.out" "$dir/ours.out"; then echo "SAME $id"; else echo "OTHER $id"; fi
  elif [ -n "$expect" ] && cmp -s "$dir/ours.out" "$expect"; then
    echo "ok+ $id"
  else
    echo "ok $id"
  fi
  rm -rf "$dir"
}

# Runs the cases of file $1 (one per line, see above) in parallel; their result lines go to
# stdout in completion order.
tcpdump_diff_run() {
  export -f tcpdump_diff_case
  export TCPDUMP_DIFF_WORK TCPDUMP_DIFF_LIB
  # shellcheck disable=SC2016
  xargs -d '\n' -P "${JOBS:-$(($(nproc) + 1))}" -n 1 \
    bash -c 'eval "set -- $1"; tcpdump_diff_case "$@"' _ < "$1"
}

# The link-type name (EN10MB, LINUX_SLL, ...) of a capture file, as tcpdump reports it.
link_type_of() {
  tcpdump -r "$1" -c 1 2>&1 > /dev/null | sed -n 's/.*link-type \([^ ]*\) .*/\1/p' | head -1
}
