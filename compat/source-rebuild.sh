#!/usr/bin/env bash
# Legacy programs rebuilt from Debian's sources against oxpcap (`make compat-source`).
#
# For tcpdump, arpwatch and iftop: `apt-get source` from Debian 12's main archive (a deb-src
# entry in a private sources list and lists directory under target/compat-source/apt, so the
# machine's apt configuration is never changed), the build dependencies from `apt-get build-dep`,
# then each program built twice from the same unmodified tree with its own ./configure && make:
#   system  - against the system libpcap (the reference),
#   oxpcap  - against `make install PREFIX=target/compat-source/oxpcap`, found through that
#             prefix's pkg-config file, pcap-config, CPPFLAGS and LDFLAGS (run path included).
# Checks: the oxpcap build links (else: which symbols are missing, from the linker and from the
# system build's imports), ldd/readelf show it loads our library, configure decided the same
# things (config.h identical), arpwatch reports the same stations from captures, and tcpdump's
# own `make check` gives the same per-test results with both binaries (tests failing on both are
# listed). Prints PASS/FAIL per check and the
# time each stage took; exits non-zero if any check failed. Needs root only to install
# missing build dependencies.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
suite=bookworm
programs=(tcpdump arpwatch iftop)
work=$top/target/compat-source
prefix=$work/oxpcap
logs=$work/logs
mkdir -p "$work/src" "$work/build" "$work/apt/lists/partial" "$logs"

t_start=$(date +%s)
stage_t=$t_start
lap() { # sets $took to the time since the previous call (not in a subshell: it keeps state)
  local now
  now=$(date +%s)
  took="$((now - stage_t)) s"
  stage_t=$now
}
failed=0
summary=()
report() { # status name [details file]
  if [ "$1" = 0 ]; then
    summary+=("PASS  $2"); echo "PASS  $2"
  else
    summary+=("FAIL  $2"); echo "FAIL  $2"
    [ -n "${3:-}" ] && [ -s "$3" ] && head -25 "$3" | sed 's/^/      /'
    failed=1
  fi
}

# ---- our library, installed into a prefix of its own ------------------------------------------
make --no-print-directory install PREFIX="$prefix" > "$logs/install.log" 2>&1 ||
  { tail -20 "$logs/install.log"; echo "FAIL  make install PREFIX=$prefix"; exit 1; }
ourlib=$prefix/lib/libpcap.so.1
lap
echo "oxpcap installed in $prefix ($took)"

# ---- Debian's sources ---------------------------------------------------------------------------
mirror=$(apt-get indextargets --format '$(REPO_URI)' "Codename: $suite" 'Label: Debian' \
  'Created-By: Packages' 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian/}
printf 'deb-src %s %s main\n' "$mirror" "$suite" > "$work/apt/sources.list"
# The machine's own entries (for build-dep's binary packages) plus our deb-src, indexed in our
# own lists directory.
apt_opts=(-o "Dir::Etc::SourceList=$work/apt/sources.list" -o "Dir::State::Lists=$work/apt/lists")
if ! ls "$work"/apt/lists/*_Sources* > /dev/null 2>&1 ||
  [ -n "$(find "$work/apt/lists" -maxdepth 1 -name '*_Sources*' -mmin +1440)" ]; then
  apt-get "${apt_opts[@]}" update > "$logs/apt-update.log" 2>&1 ||
    { tail -5 "$logs/apt-update.log"; echo "FAIL  apt-get update (deb-src $mirror $suite main)"; exit 1; }
fi
declare -A tree
for p in "${programs[@]}"; do
  (cd "$work/src" && apt-get "${apt_opts[@]}" source --download-only "$p") > "$logs/source-$p.log" 2>&1
  dsc=$(ls "$work/src/${p}"_*.dsc 2>/dev/null | sort -V | tail -1)
  [ -n "$dsc" ] || { tail -5 "$logs/source-$p.log"; report 1 "apt-get source $p"; continue; }
  version=$(sed -n 's/^Version: //p' "$dsc")
  dir=$work/src/$p-$version
  upstream_only=$work/src/$p-${version%-*}.upstream-only
  [ -d "$upstream_only" ] && dir=$upstream_only
  if [ ! -d "$dir" ]; then
    if ! dpkg-source -x "$dsc" "$dir" >> "$logs/source-$p.log" 2>&1; then
      rm -rf "$dir"
      dir=$upstream_only
      # Debian's packaging part cannot be fetched here: build the upstream source alone.
      orig=""
      for f in "$work/src/${p}"_*.orig.tar.*; do
        [ -f "$f" ] && [ "${f%.asc}" = "$f" ] && orig=$f && break
      done
      missing=$(sed -n 's/.*Failed to fetch [^ ]*\/\([^/ ]*\) .*/\1/p' "$logs/source-$p.log" |
        sed 's/%7e/~/g' | tr '\n' ' ')
      [ -n "$orig" ] || { report 1 "apt-get source $p (no upstream tarball either)"; continue; }
      echo "NOTE  $p: ${missing:-its Debian packaging }cannot be downloaded from $mirror;" \
        "building ${orig##*/} (upstream, without Debian's patches)"
      mkdir -p "$dir.tmp" && tar -C "$dir.tmp" -xf "$orig" &&
        mv "$dir.tmp"/* "$dir" && rmdir "$dir.tmp"
    fi
  fi
  tree[$p]=$dir
done
lap
echo "sources in $work/src ($took)"

if [ "$(id -u)" = 0 ]; then
  if apt-get "${apt_opts[@]}" build-dep -s "${programs[@]}" 2> /dev/null | grep -q '^Inst '; then
    DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" build-dep -y -q "${programs[@]}" \
      > "$logs/build-dep.log" 2>&1 || { tail -5 "$logs/build-dep.log"; report 1 "apt-get build-dep"; }
  fi
else
  echo "note: not root; assuming the build dependencies are installed (apt-get build-dep ${programs[*]})"
fi
lap
echo "build dependencies in place ($took)"

# ---- two builds of each ------------------------------------------------------------------------
# The binaries that use libpcap in each program's build.
declare -A binaries=([tcpdump]="tcpdump" [arpwatch]="arpwatch" [iftop]="iftop")

build() { # program flavour -> status; log in $logs/build-program-flavour.log
  local p=$1 flavour=$2 dir=$work/build/$1.$2
  rm -rf "$dir"
  cp -a "${tree[$p]}" "$dir"
  (
    cd "$dir" || exit 1
    configure=(./configure)
    cc=gcc
    if [ "$flavour" = oxpcap ]; then
      # What an autoconf build consults: pkg-config's libpcap.pc, pcap-config, and the
      # compiler and linker flags (with a run path, so the binaries load our library).
      export PATH="$prefix/bin:$PATH" PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
      export CPPFLAGS="-I$prefix/include" LDFLAGS="-L$prefix/lib -Wl,-rpath,$prefix/lib"
      # iftop's own option for where libpcap is; arpwatch's Makefile passes neither CPPFLAGS
      # nor LDFLAGS, only the compiler, so the flags go with it.
      [ "$p" = iftop ] && configure+=(--with-libpcap="$prefix")
      [ "$p" = arpwatch ] && cc="gcc $CPPFLAGS $LDFLAGS"
    fi
    # iftop 1.0pre4 defines its globals in a header: GCC >= 10 needs -fcommon to link it
    # (Debian's packaging fixes that in its patches, which cannot be fetched here).
    [ "$p" = iftop ] && export CFLAGS="-g -O2 -fcommon"
    CC="$cc" "${configure[@]}" && make -j2
  ) > "$logs/build-$p-$flavour.log" 2>&1
}

# Symbols a program imports from libpcap (as linked to the system's) that our library lacks.
system_exports=$(nm -D --defined-only /usr/lib/x86_64-linux-gnu/libpcap.so.0.8 | awk '{print $3}' |
  sed 's/@.*//' | sort -u)
our_exports=$(nm -D --defined-only "$ourlib" | awk '{print $3}' | sed 's/@.*//' | sort -u)
missing_symbols() { # binary...
  local b
  for b in "$@"; do nm -D --undefined-only "$b" | awk '{print $2}' | sed 's/@.*//'; done | sort -u |
    comm -12 - <(echo "$system_exports") | comm -23 - <(echo "$our_exports") | tr '\n' ' '
}

declare -A built
for p in "${programs[@]}"; do
  [ -n "${tree[$p]:-}" ] || continue
  declare -A took_build
  for flavour in system oxpcap; do
    # The reference build depends only on the system, so a finished one is kept.
    if [ "$flavour" = system ] && [ -f "$work/build/$p.system/.built-ok" ]; then
      built[$p.system]=0
      lap
      took_build[system]="kept from an earlier run"
      continue
    else
      build "$p" "$flavour"
      built[$p.$flavour]=$?
      [ "$flavour" = system ] && [ "${built[$p.system]}" = 0 ] && touch "$work/build/$p.system/.built-ok"
    fi
    lap
    took_build[$flavour]=$took
  done
  sys=$work/build/$p.system
  ox=$work/build/$p.oxpcap
  read -r -a bins <<< "${binaries[$p]}"
  tail -20 "$logs/build-$p-system.log" > "$logs/$p-system-tail.txt"
  report "${built[$p.system]}" "$p: built against the system libpcap (${took_build[system]})" \
    "$logs/$p-system-tail.txt"
  # Same decisions by configure: config.h (where the program has one) identical.
  if [ -f "$sys/config.h" ] && [ -f "$ox/config.h" ]; then
    diff "$sys/config.h" "$ox/config.h" > "$logs/$p-config.diff"
    report $? "$p: configure found the same features (config.h identical)" "$logs/$p-config.diff"
  fi
  if [ "${built[$p.oxpcap]}" = 0 ]; then
    report 0 "$p: built against oxpcap, pkg-config/pcap-config from $prefix (${took_build[oxpcap]})"
  else
    undefined=$(grep -o "undefined reference to \`[^']*'" "$logs/build-$p-oxpcap.log" |
      sed "s/.*\`//; s/'$//" | sort -u | tr '\n' ' ')
    needed=""
    [ "${built[$p.system]}" = 0 ] && needed=$(missing_symbols "${bins[@]/#/$sys/}")
    echo "${undefined:+linker: undefined references to: $undefined}" > "$logs/$p-missing.txt"
    echo "${needed:+the system build imports these, which oxpcap does not export: $needed}" \
      >> "$logs/$p-missing.txt"
    grep -E 'error|undefined' "$logs/build-$p-oxpcap.log" | cut -c1-160 | tail -8 >> "$logs/$p-missing.txt"
    report 1 "$p: build against oxpcap failed (${took_build[oxpcap]}); missing symbols:" \
      "$logs/$p-missing.txt"
    continue
  fi
  # Linked to us: NEEDED libpcap.so.1 with a run path to our prefix, resolved there by ldd.
  ok=0
  : > "$logs/$p-link.txt"
  for b in "${bins[@]}"; do
    readelf -d "$ox/$b" | grep -E 'NEEDED.*libpcap|RUNPATH|RPATH' >> "$logs/$p-link.txt"
    ldd "$ox/$b" | grep libpcap >> "$logs/$p-link.txt"
    resolved=$(ldd "$ox/$b" | sed -n 's/.*libpcap[^ ]* => \([^ ]*\).*/\1/p')
    [ "$(readlink -f "$resolved")" = "$(readlink -f "$ourlib")" ] || ok=1
  done
  report $ok "$p: ${bins[*]} loads $(readlink -f "$ourlib") ($(grep -m1 NEEDED "$logs/$p-link.txt" |
    sed 's/.*\[\(.*\)\]/\1/'), run path $prefix/lib)" "$logs/$p-link.txt"
  for b in "${bins[@]}"; do
    ldd "$sys/$b" | grep -q "libpcap.so.0.8 => /lib/$(gcc -print-multiarch)/libpcap.so.0.8" ||
      report 1 "$p: the reference build of $b does not load the system libpcap"
  done
done

# ---- arpwatch on captures with ARP traffic, each binary ------------------------------------------
# -d: report on stderr instead of mailing, stay in the foreground; -r: read a capture. Run with no
# network (unshare -n), so that its host-name lookups fail at once, the same way for both.
arpwatch_run() { # flavour capture -> its reports, exit status and arp.dat on stdout
  local dat=$work/build/arpwatch.$1/test-arp.dat
  : > "$dat"
  unshare -n timeout 60 "$work/build/arpwatch.$1/arpwatch" -d -r "$2" -f "$dat" 2>&1
  echo "exit $?"
  cat "$dat"
}
arp_captures=("$top/../shared/corpus/pcaps/tcpdump/bgp-4byte-asn.pcap"
  "$top/../shared/corpus/pcaps/libpcap-filter/mstp_20140225214217.pcap")
if [ "${built[arpwatch.system]:-1}" = 0 ] && [ "${built[arpwatch.oxpcap]:-1}" = 0 ] &&
  [ -f "${arp_captures[0]}" ]; then
  : > "$logs/arpwatch-run.diff"
  stations=0
  for c in "${arp_captures[@]}"; do
    arpwatch_run system "$c" > "$logs/arpwatch-system-${c##*/}.out"
    arpwatch_run oxpcap "$c" > "$logs/arpwatch-oxpcap-${c##*/}.out"
    diff "$logs/arpwatch-system-${c##*/}.out" "$logs/arpwatch-oxpcap-${c##*/}.out" \
      >> "$logs/arpwatch-run.diff"
    stations=$((stations + $(grep -c 'new station' "$logs/arpwatch-system-${c##*/}.out")))
  done
  [ ! -s "$logs/arpwatch-run.diff" ] && [ "$stations" -gt 0 ]
  report $? "arpwatch -d -r on ${#arp_captures[@]} captures: the same $stations new-station \
reports, exit status and arp.dat with both binaries" "$logs/arpwatch-run.diff"
fi

# ---- tcpdump's own test suite, with each binary -------------------------------------------------
results() { # make-check log -> "name result" lines
  sed -n 's/^    \([^ ]*\) *: \(passed\|TEST FAILED\|skipped\)\(.*\)/\1 \2\3/p' "$1" |
    sed 's/ (.*//; s/TEST FAILED.*/failed/; s/passed with error messages:/passed/' | sort
}
if [ "${built[tcpdump.system]:-1}" = 0 ] && [ "${built[tcpdump.oxpcap]:-1}" = 0 ]; then
  for flavour in system oxpcap; do
    (cd "$work/build/tcpdump.$flavour" && make check) > "$logs/check-tcpdump-$flavour.log" 2>&1
    results "$logs/check-tcpdump-$flavour.log" > "$logs/check-tcpdump-$flavour.results"
    lap
    echo "tcpdump make check, $flavour libpcap: $(grep -E 'tests (failed|passed)' \
      "$logs/check-tcpdump-$flavour.log" | tr -s ' ' | tr '\n' ',' | sed 's/,$//') ($took)"
  done
  grep -A3 '^with ./tcpdump, version' "$logs/check-tcpdump-oxpcap.log" > "$logs/check-tcpdump-version"
  grep -q 'libpcap version.*oxpcap' "$logs/check-tcpdump-version"
  report $? "tcpdump make check ran the binary on oxpcap: $(grep -m1 '^libpcap' \
    "$logs/check-tcpdump-version")" "$logs/check-tcpdump-version"
  diff "$logs/check-tcpdump-system.results" "$logs/check-tcpdump-oxpcap.results" \
    > "$logs/check-tcpdump.diff"
  same=$?
  total=$(wc -l < "$logs/check-tcpdump-system.results")
  both=$(grep ' failed$' "$logs/check-tcpdump-system.results" | cut -d' ' -f1 |
    comm -12 - <(grep ' failed$' "$logs/check-tcpdump-oxpcap.results" | cut -d' ' -f1) | tr '\n' ' ')
  report $same "tcpdump make check: the same result for all $total tests with both binaries" \
    "$logs/check-tcpdump.diff"
  echo "      failing with both libraries: ${both:-none}"
else
  report 1 "tcpdump make check: not run (a build failed)"
fi

pass=$(printf '%s\n' "${summary[@]}" | grep -c '^PASS')
echo "compat-source: $pass/${#summary[@]} checks passed in $(($(date +%s) - t_start)) s (logs: $logs)"
exit $failed
