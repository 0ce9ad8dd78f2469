#!/usr/bin/env bash
# Differential C tests. Each ctests/*.c is built three ways:
#   ours     - our include/, linked to our libpcap.so
#   mixed    - the system's libpcap headers, linked to our libpcap.so
#   system   - the system's headers and libpcap (the reference)
# and run with the same arguments; stdout and exit status must be identical across the three.
# A test reads the corpus from $CORPUS (../shared/corpus) and skips parts that need it when
# it is absent. Usage: ctests/run.sh [name...]   (default: every ctests/*.c)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
lib="$top/target/release/libpcap.so"
[ -f "$lib" ] || { echo "ctests: build first (make all)"; exit 2; }
out="$top/ctests/out"
mkdir -p "$out/lib"
# Programs record the SONAME libpcap.so.1; give the loader a file of that name.
cp -f "$lib" "$out/lib/libpcap.so.1"
ln -sf libpcap.so.1 "$out/lib/libpcap.so"
export CORPUS="${CORPUS:-$top/../shared/corpus}"
CC=${CC:-cc}
CFLAGS="-O1 -g -Wall -Werror -Wno-deprecated-declarations -pthread"

if [ $# -gt 0 ]; then names=("$@"); else
  names=(); for f in ctests/*.c; do names+=("$(basename "$f" .c)"); done
fi

fail=0
for name in "${names[@]}"; do
  src="ctests/$name.c"
  builds=()
  if [ -f include/pcap.h ]; then
    $CC $CFLAGS -I"$top/include" "$src" -o "$out/$name.ours" -L"$out/lib" -lpcap -Wl,-rpath,"$out/lib" \
      || { echo "FAIL $name: does not compile against our headers"; fail=1; continue; }
    builds+=(ours)
  fi
  $CC $CFLAGS "$src" -o "$out/$name.mixed" -L"$out/lib" -lpcap -Wl,-rpath,"$out/lib" \
    || { echo "FAIL $name: does not compile against the system headers"; fail=1; continue; }
  $CC $CFLAGS "$src" -o "$out/$name.system" -lpcap \
    || { echo "FAIL $name: does not build against the system libpcap"; fail=1; continue; }
  builds+=(mixed system)
  for b in "${builds[@]}"; do
    ( cd "$out" && timeout 300 "./$name.$b" >"$name.$b.out" 2>"$name.$b.err"; echo $? >"$name.$b.rc" )
  done
  ok=1
  for b in "${builds[@]}"; do
    [ "$b" = system ] && continue
    if ! cmp -s "$out/$name.$b.out" "$out/$name.system.out" || ! cmp -s "$out/$name.$b.rc" "$out/$name.system.rc"; then
      ok=0
      echo "FAIL $name ($b vs system): exit $(cat "$out/$name.$b.rc") vs $(cat "$out/$name.system.rc")"
      diff "$out/$name.system.out" "$out/$name.$b.out" | head -20
    fi
  done
  if [ "$(cat "$out/$name.system.rc")" != 0 ]; then
    ok=0; echo "FAIL $name: the reference run itself failed (exit $(cat "$out/$name.system.rc"))"
    head -5 "$out/$name.system.err"
  fi
  if [ $ok = 1 ]; then
    echo "ok   $name ($(wc -l <"$out/$name.system.out") lines identical, builds: ${builds[*]})"
  else
    fail=1
  fi
done
exit $fail
