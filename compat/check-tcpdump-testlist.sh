#!/usr/bin/env bash
# Debian's tcpdump run with the option sets of tcpdump's own test list (tests/TESTLIST of
# Debian's tcpdump source: name, input, expected output, options), on every entry whose input
# is in ../shared/corpus/pcaps/tcpdump/, the way its TESTrun does (`-# -n -r INPUT OPTIONS`,
# TZ=GMT0), under LD_PRELOAD of our libpcap vs the system libpcap: stdout, stderr and exit
# status identical. Also reports how many entries print what tcpdump's expected .out says
# (for both libraries alike: tcpdump's 4.99 test outputs are not all matched by Debian's build).
# TESTLIST comes from `apt-get source tcpdump` through a private sources list with a deb-src
# entry (the machine's apt configuration is untouched), cached under target/compat-source/,
# or from $TCPDUMP_SRC (a tcpdump source tree). Skips with the reason when none can be had.
#   compat/check-tcpdump-testlist.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
lib="$top/target/release/libpcap.so"
corpus="$top/../shared/corpus/pcaps/tcpdump"
command -v tcpdump > /dev/null || { echo "skip: tcpdump is not installed"; exit 0; }
[ -d "$corpus" ] || { echo "skip: no corpus at $corpus"; exit 0; }
[ -f "$lib" ] || { echo "build first (make all)"; exit 1; }
# shellcheck source=compat/tcpdump-diff-lib.sh
. "$top/compat/tcpdump-diff-lib.sh"

# ---- tests/ of Debian's tcpdump source ------------------------------------------------------------
find_tests() {
  ls -d "${TCPDUMP_SRC:-/nonexistent}/tests" "$top"/target/compat-source/src/tcpdump-*/tests \
    2> /dev/null | while read -r d; do [ -f "$d/TESTLIST" ] && echo "$d"; done | tail -1
}
tests=$(find_tests)
if [ -z "$tests" ]; then
  # The same private apt setup compat/source-rebuild.sh uses (and shares its cache with).
  work=$top/target/compat-source
  mkdir -p "$work/src" "$work/apt/lists/partial" "$work/logs"
  mirror=$(apt-get indextargets --format '$(REPO_URI)' 'Codename: bookworm' 'Label: Debian' \
    'Created-By: Packages' 2> /dev/null | head -1)
  printf 'deb-src %s bookworm main\n' "${mirror:-http://deb.debian.org/debian/}" > "$work/apt/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$work/apt/sources.list" -o "Dir::State::Lists=$work/apt/lists")
  if ! ls "$work"/apt/lists/*_Sources* > /dev/null 2>&1; then
    apt-get "${apt_opts[@]}" update > "$work/logs/apt-update-testlist.log" 2>&1
  fi
  (cd "$work/src" && apt-get "${apt_opts[@]}" source --download-only tcpdump) \
    > "$work/logs/source-tcpdump-testlist.log" 2>&1
  dsc=$(ls "$work"/src/tcpdump_*.dsc 2> /dev/null | sort -V | tail -1)
  if [ -n "$dsc" ]; then
    version=$(sed -n 's/^Version: //p' "$dsc")
    [ -d "$work/src/tcpdump-$version" ] ||
      dpkg-source -x "$dsc" "$work/src/tcpdump-$version" >> "$work/logs/source-tcpdump-testlist.log" 2>&1
  fi
  tests=$(find_tests)
  [ -n "$tests" ] || {
    echo "skip: no tcpdump source (apt-get source tcpdump failed: see $work/logs/); set TCPDUMP_SRC"
    exit 0
  }
fi

TCPDUMP_DIFF_WORK=$(mktemp -d)
TCPDUMP_DIFF_LIB=$lib
trap 'rm -rf "$TCPDUMP_DIFF_WORK"' EXIT
export TZ=GMT0 LC_ALL=C srcdir=${tests%/tests}
cases=$TCPDUMP_DIFF_WORK/cases
: > "$cases"
entries=0 missing=0
from_source=0
while read -r name input output options; do
  case $name in '' | '#'*) continue ;; esac
  entries=$((entries + 1))
  file=$corpus/$input
  if [ ! -f "$file" ]; then
    # Not in the corpus: the input of tcpdump's source tree, when it has it.
    file=$tests/$input
    [ -f "$file" ] || { missing=$((missing + 1)); continue; }
    from_source=$((from_source + 1))
  fi
  # Options are shell words in TESTLIST (TESTrun hands them to the shell).
  eval "set -- $options"
  printf '%q ' "exact=$tests/$output" "$name" - -# -n -r "$file" "$@" >> "$cases"
  echo >> "$cases"
done < "$tests/TESTLIST"

results=$TCPDUMP_DIFF_WORK/results
tcpdump_diff_run "$cases" > "$results"
# Known differences, reported as XFAIL (an XFAIL that starts passing is reported too, so the
# list can shrink). None today: every entry must be identical.
declare -A known=()
xfail=0
while read -r status name _; do
  name=${name%:}
  [ -n "$name" ] && [ -n "${known[$name]:-}" ] || continue
  if [ "$status" = DIFF ]; then
    echo "XFAIL $name: ${known[$name]}"; xfail=$((xfail + 1))
  else echo "XPASS $name (listed as a known failure: ${known[$name]})"; fi
done < "$results"
for name in "${!known[@]}"; do sed -i "/^DIFF $name:/,/^[^ ]/{/^DIFF $name:/d;/^ /d}" "$results"; done
grep -v '^ok' "$results" | head -60
ran=$(($(grep -c '^\(ok\|ok+\|DIFF\) ' "$results") + xfail))
same=$(grep -c '^ok+\? ' "$results")
matches=$(grep -c '^ok+ ' "$results")
echo "tcpdump TESTLIST ($tests): $same/$ran entries identical (stdout, stderr, exit) with oxpcap" \
  "and the system libpcap ($((ran - from_source)) inputs from the corpus, $from_source from" \
  "tcpdump's source tree; $missing entries without an input); $matches of them print" \
  "tcpdump's expected .out with both"
[ $xfail -gt 0 ] && echo "($xfail known failures, listed as XFAIL above)"
[ $((same + xfail)) = "$ran" ] && [ "$ran" -gt 0 ]
