#!/usr/bin/env bash
# Debian's tcpdump with filter expressions, under LD_PRELOAD of our libpcap vs the system
# libpcap, on the corpus (../shared/corpus: filters.tsv and pcaps/):
#   apply cases   (expression, savefile): -n -r F EXPR; -r F -w OUT EXPR (written bytes);
#                 -c 2 -r F EXPR; -r - EXPR < F (stdin); -d / -dd / -ddd / -O -d -r F EXPR
#   accept cases  on a corpus file of their link type: -n -r F EXPR; -d / -O -d (FULL=1: also
#                 -dd / -ddd, which print the same programs as -d in other forms)
#   reject cases  (every REJECT_STEP-th one whose link type has a corpus file): -d -r F EXPR
# stdout, stderr, exit status and written bytes must be identical, except the stdout of the
# program listings (-d, -dd, -ddd): those may differ where the optimizer chose another
# program, so for them only the share printed identically is reported; their semantic
# agreement is what the filtered reads of the same expressions check, packet by packet.
# As root, runs in a private mount namespace whose /etc has the corpus's hosts/ethers/networks
# and no resolver (so host-name cases resolve the same way and never wait on DNS).
#   compat/check-tcpdump-filters.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
lib="$top/target/release/libpcap.so"
corpus="$top/../shared/corpus"
command -v tcpdump > /dev/null || { echo "skip: tcpdump is not installed"; exit 0; }
[ -f "$corpus/filters.tsv" ] || { echo "skip: no corpus at $corpus"; exit 0; }
[ -f "$lib" ] || { echo "build first (make all)"; exit 1; }
REJECT_STEP=${REJECT_STEP:-10}

if [ "$(id -u)" = 0 ] && [ -z "${OXPCAP_FILTERS_NS:-}" ] && command -v unshare > /dev/null; then
  etc=$(mktemp -d)
  trap 'rm -rf "$etc"' EXIT
  cp -a /etc/. "$etc/" 2> /dev/null
  cp "$corpus"/etc/hosts "$corpus"/etc/ethers "$corpus"/etc/networks "$etc/"
  rm -f "$etc/resolv.conf"
  : > "$etc/resolv.conf"
  sed -i 's/^hosts:.*/hosts: files/; s/^networks:.*/networks: files/; s/^ethers:.*/ethers: files/' \
    "$etc/nsswitch.conf"
  OXPCAP_FILTERS_NS=1 unshare -m bash -c 'mount --make-rprivate / && mount --bind "$1" /etc &&
    exec bash "$2"' _ "$etc" "$0"
  exit $?
fi

# shellcheck source=compat/tcpdump-diff-lib.sh
. "$top/compat/tcpdump-diff-lib.sh"
TCPDUMP_DIFF_WORK=$(mktemp -d)
TCPDUMP_DIFF_LIB=$lib
trap 'rm -rf "$TCPDUMP_DIFF_WORK"' EXIT
export TZ=UTC LC_ALL=C
work=$TCPDUMP_DIFF_WORK

# One corpus file per link type: the largest below 256 KiB that the system tcpdump reads
# without an error (so a filtered read covers many packets, quickly).
export -f link_type_of
find "$corpus/pcaps" -type f -size -256k | LC_ALL=C sort |
  xargs -d '\n' -P "$(($(nproc) + 1))" -n 1 bash -c \
    'lt=$(link_type_of "$1"); tcpdump -r "$1" -w /dev/null 2>/dev/null &&
     [ -n "$lt" ] && echo "$lt $(stat -c %s "$1") $1"' _ |
  sort -k1,1 -k2,2nr | awk '!seen[$1]++ {print $1, $3}' > "$work/by-linktype"
declare -A file_of
while read -r lt f; do file_of[$lt]=$f; done < "$work/by-linktype"

cases=$work/cases
: > "$cases"
add() { printf '%q ' "$@" >> "$cases"; echo >> "$cases"; }
listings() { # id file expr [all]: -d and -O -d; -dd and -ddd too with `all` (or FULL=1)
  add listing "d:$1" - -d -r "$2" "$3"
  add listing "Od:$1" - -O -d -r "$2" "$3"
  if [ -n "${4:-}${FULL:-}" ]; then
    add listing "dd:$1" - -dd -r "$2" "$3"
    add listing "ddd:$1" - -ddd -r "$2" "$3"
  fi
}
n=0 napply=0 naccept=0 nreject=0 nodata=0
declare -A seen
while IFS=$'\t' read -r kind dlt_name _ _ _ expr savefile; do
  n=$((n + 1))
  case $kind in
    apply)
      f=$corpus/pcaps/libpcap-filter/$savefile
      [ -f "$f" ] || { nodata=$((nodata + 1)); continue; }
      napply=$((napply + 1))
      id="apply#$n $savefile: $expr"
      add exact "read:$id" - -n -r "$f" "$expr"
      add exact "write:$id" - -r "$f" -w @OUT@ "$expr"
      add exact "count:$id" - -c 2 -n -r "$f" "$expr"
      add exact "stdin:$id" "$f" -n -r - "$expr"
      listings "$id" "$f" "$expr" all
      ;;
    accept)
      f=${file_of[$dlt_name]:-}
      [ -n "$f" ] || { nodata=$((nodata + 1)); continue; }
      [ -z "${seen[$dlt_name/$expr]:-}" ] || continue
      seen[$dlt_name/$expr]=1
      naccept=$((naccept + 1))
      id="accept#$n $dlt_name: $expr"
      add exact "read:$id" - -n -r "$f" "$expr"
      listings "$id" "$f" "$expr"
      ;;
    reject)
      f=${file_of[$dlt_name]:-}
      [ -n "$f" ] && [ $((n % REJECT_STEP)) = 0 ] || continue
      nreject=$((nreject + 1))
      add exact "reject:reject#$n $dlt_name: $expr" - -d -r "$f" "$expr"
      ;;
  esac
done < <(tail -n +2 "$corpus/filters.tsv")

results=$work/results
tcpdump_diff_run "$cases" > "$results"
mkdir -p "$top/target/compat"
cp "$results" "$top/target/compat/tcpdump-filters.results"
# Differences known today are listed, one case id a line, in compat/tcpdump-filters.known
# (each a compiler bug or gap, by message below): reported as XFAIL, not failed; a new
# difference fails, a listed case that now agrees is reported (XPASS) so the list can shrink.
known=$top/compat/tcpdump-filters.known
grep '^DIFF ' "$results" | sed 's/^DIFF //; s/:[^:]*$//' | LC_ALL=C sort -u > "$work/differ"
LC_ALL=C comm -23 "$work/differ" "$known" > "$work/new"
LC_ALL=C comm -12 "$work/differ" "$known" > "$work/xfail"
LC_ALL=C comm -13 "$work/differ" "$known" > "$work/xpass"
while read -r id; do
  awk -v id="DIFF $id:" 'index($0, id) == 1 {show = 1; print; next} /^[A-Za-z+]+ / {show = 0} show' "$results"
done < "$work/new" | head -80
failed=$(wc -l < "$work/new")
xfail=$(wc -l < "$work/xfail")
[ -s "$work/xpass" ] && { echo "XPASS (listed as known, now identical; remove from $known):"; head -20 "$work/xpass"; }
# What the known differences are, by oxpcap's message where oxpcap refuses an expression
# libpcap compiles, else by libpcap's message:
if [ "$xfail" -gt 0 ]; then
  echo "XFAIL: $xfail runs differ as listed in $known; their messages:"
  awk '/^DIFF / {d = 1; next} /^[A-Za-z+]+ / {d = 0} d && /^     [<>] tcpdump: / {sub(/^     /, ""); print}' "$results" |
    sed 's/0x[0-9a-f]*/N/g; s/([^)]*)/(..)/g' | sort | uniq -c | sort -rn | head -25 | sed 's/^/  /'
fi
for kind in read write count stdin reject; do
  total=$(grep -c "^[A-Za-z+]* $kind:" "$results")
  same=$(grep -c "^ok+\? $kind:" "$results")
  echo "  $kind: $same/$total identical"
done
for kind in d dd ddd Od; do
  total=$(grep -c "^[A-Za-z+]* $kind:" "$results")
  same=$(grep -c "^SAME $kind:" "$results")
  agree=$(grep -c "^\(SAME\|OTHER\) $kind:" "$results")
  echo "  -${kind/O/O -}: stderr and exit identical $agree/$total; listing identical $same/$total" \
    "($(awk -v s="$same" -v t="$total" 'BEGIN {printf "%.1f", t ? 100 * s / t : 0}')%)"
done
echo "tcpdump filters: $napply apply cases, $naccept accept cases, $nreject reject cases" \
  "($(wc -l < "$work/by-linktype") link types with a corpus file; $nodata cases without one);" \
  "$failed runs differ and are not known; $xfail known differences (XFAIL)"
[ "$failed" = 0 ]
