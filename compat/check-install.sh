#!/usr/bin/env bash
# `make install` into a temporary DESTDIR (never the real /usr or /usr/local), then build and
# run a program against the staged library three ways: with `pkg-config --cflags --libs
# libpcap` (PKG_CONFIG_LIBDIR at the stage, PKG_CONFIG_SYSROOT_DIR=the stage), with the
# staged `pcap-config --cflags --libs` (its paths moved into the stage, as a sysroot does),
# and statically with the staged libpcap.a and `pcap-config --static --additional-libs`.
# Each program must load the staged library (pcap_lib_version names oxpcap, ldd resolves
# libpcap.so.1 inside the stage) and use the staged headers (<pcap/oxpcap.h> exists only
# there). Installed in the system's layout, pcap-config and pkg-config must answer like the
# system's; `make uninstall` must remove every installed file.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
work=$(mktemp -d /tmp/oxpcap-install-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
stage="$work/stage"
prefix=/usr/local
libdir=$prefix/lib
fail() { echo "check-install: $*"; exit 1; }

make --no-print-directory install DESTDIR="$stage" PREFIX="$prefix" >"$work/install.log" 2>&1 \
  || { tail -20 "$work/install.log"; fail "make install failed"; }
for f in libpcap.so.1.10.3 libpcap.so.1 libpcap.so.0.8 libpcap.so libpcap.a pkgconfig/libpcap.pc; do
  [ -e "$stage$libdir/$f" ] || fail "missing $libdir/$f"
done
[ -x "$stage$prefix/bin/pcap-config" ] || fail "missing $prefix/bin/pcap-config"
[ "$(stat -c %a "$stage$libdir/libpcap.so.1.10.3")" = 644 ] || fail "libpcap.so.1.10.3 is not 0644"
[ "$(readlink "$stage$libdir/libpcap.so.1")" = libpcap.so.1.10.3 ] || fail "libpcap.so.1 link"
[ "$(readlink "$stage$libdir/libpcap.so.0.8")" = libpcap.so.1.10.3 ] || fail "libpcap.so.0.8 link"
[ "$(readlink "$stage$libdir/libpcap.so")" = libpcap.so.1 ] || fail "libpcap.so link"

cat >"$work/prog.c" <<'PROG'
#include <pcap.h>
#include <pcap/oxpcap.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
    const char *version = pcap_lib_version();
    pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
    if (p == NULL || strstr(version, "oxpcap") == NULL || !OXPCAP_EXTENSIONS)
        return 1;
    printf("%s; datalink %s\n", version, pcap_datalink_val_to_name(pcap_datalink(p)));
    pcap_close(p);
    return 0;
}
PROG

# Runs a built program and checks it used the staged library.
check_run() {
  local name=$1 bin=$2 dynamic=$3 out
  out=$(LD_LIBRARY_PATH="$stage$libdir" "$bin") || fail "$name: the program failed"
  case "$out" in "libpcap version 1.10.3 (oxpcap"*"; datalink EN10MB") ;; *) fail "$name: printed '$out'" ;; esac
  if [ "$dynamic" = 1 ]; then
    LD_LIBRARY_PATH="$stage$libdir" ldd "$bin" | grep -q "libpcap.so.1 => $stage$libdir/" \
      || fail "$name: libpcap.so.1 does not resolve into the stage"
  elif ldd "$bin" | grep -q libpcap; then
    fail "$name: a static build loads a shared libpcap"
  fi
  echo "$name: $out"
}

# 1. pkg-config, with the stage as sysroot.
export PKG_CONFIG_LIBDIR="$stage$libdir/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$stage"
[ "$(pkg-config --modversion libpcap)" = 1.10.3 ] || fail "pkg-config --modversion"
pc_flags=$(pkg-config --cflags --libs libpcap)
cc -Wall -Werror "$work/prog.c" -o "$work/prog-pc" $pc_flags || fail "build with pkg-config flags: $pc_flags"
check_run pkg-config "$work/prog-pc" 1
unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR

# 2. pcap-config; it knows nothing of DESTDIR, so move its absolute paths into the stage.
pcap_config="$stage$prefix/bin/pcap-config"
into_stage() { sed -e "s|-I/|-I$stage/|g" -e "s|-L/|-L$stage/|g" -e "s|-rpath,/|-rpath,$stage/|g"; }
[ "$("$pcap_config" --version)" = 1.10.3 ] || fail "pcap-config --version"
pcf=$("$pcap_config" --cflags --libs | into_stage)
cc -Wall -Werror "$work/prog.c" -o "$work/prog-pcf" $pcf || fail "build with pcap-config flags: $pcf"
check_run pcap-config "$work/prog-pcf" 1

# 3. Static: the staged archive plus what pcap-config says it needs.
cflags=$("$pcap_config" --cflags | into_stage)
extra=$("$pcap_config" --static --additional-libs)
cc -Wall -Werror $cflags "$work/prog.c" "$stage$libdir/libpcap.a" $extra -o "$work/prog-static" \
  || fail "static build with: $extra"
check_run static "$work/prog-static" 0

# 4. Installed as the system's is (PREFIX=/usr, Debian's multiarch LIBDIR, in a second
#    stage), pcap-config and pkg-config answer exactly as the system's do, apart from the
#    dependencies (ours are the Rust runtime's for static links, libpcap's are dbus and
#    systemd).
multiarch=$(cc -print-multiarch)
sys_stage="$work/system-layout"
make --no-print-directory install DESTDIR="$sys_stage" PREFIX=/usr LIBDIR="/usr/lib/$multiarch" \
  >"$work/install2.log" 2>&1 || { tail -20 "$work/install2.log"; fail "make install (PREFIX=/usr) failed"; }
if command -v pcap-config >/dev/null && [ -f "/usr/lib/$multiarch/pkgconfig/libpcap.pc" ]; then
  n=0
  for args in "" "--cflags" "--libs" "--cflags --libs" "--static" "--static-pcap-only" \
              "--cflags --static" "--additional-libs" "--version" "--version --libs" "--help" \
              "--bogus"; do
    # shellcheck disable=SC2086
    ours=$("$sys_stage/usr/bin/pcap-config" $args 2>&1; echo "rc=$?")
    # shellcheck disable=SC2086
    theirs=$(pcap-config $args 2>&1; echo "rc=$?")
    [ "$ours" = "$theirs" ] || fail "pcap-config $args: '$ours' vs the system's '$theirs'"
    n=$((n + 1))
  done
  # (--cflags differs by design: the system's pulls in dbus's through Requires.private.)
  for args in "--libs" "--modversion"; do
    # shellcheck disable=SC2086
    ours=$(PKG_CONFIG_LIBDIR="$sys_stage/usr/lib/$multiarch/pkgconfig" pkg-config $args libpcap)
    # shellcheck disable=SC2086
    theirs=$(pkg-config $args libpcap)
    [ "$ours" = "$theirs" ] || fail "pkg-config $args: '$ours' vs the system's '$theirs'"
    n=$((n + 1))
  done
  ours=$(PKG_CONFIG_LIBDIR="$sys_stage/usr/lib/$multiarch/pkgconfig" pkg-config --cflags libpcap)
  [ -z "${ours// /}" ] || fail "pkg-config --cflags in the system layout: '$ours'"
  echo "system layout: $n pcap-config/pkg-config invocations answer as the system's do"
fi
make --no-print-directory uninstall DESTDIR="$sys_stage" PREFIX=/usr LIBDIR="/usr/lib/$multiarch" \
  >/dev/null 2>&1 || fail "make uninstall (PREFIX=/usr) failed"

# 5. uninstall leaves no file behind.
make --no-print-directory uninstall DESTDIR="$stage" PREFIX="$prefix" >"$work/uninstall.log" 2>&1 \
  || { tail -20 "$work/uninstall.log"; fail "make uninstall failed"; }
left=$(find "$stage" "$sys_stage" -type f -o -type l)
[ -z "$left" ] || fail "uninstall left: $left"
echo "install/uninstall into a DESTDIR: ok"
