#!/usr/bin/env bash
# Builds oxpcap's two Debian packages into target/deb/ with dpkg's own tools:
#   liboxpcap0.8   the library as libpcap.so.0.8 in /usr/lib/<multiarch>, in place of libpcap0.8
#   liboxpcap-dev  headers, libpcap.so, libpcap.a, libpcap.pc, pcap-config
# Files come from `make install DESTDIR=...` (the project's install target, unchanged); the
# library's SONAME becomes Debian's libpcap.so.0.8 (patchelf), so programs built against the
# -dev package keep working when Debian's libpcap0.8 is put back. Control data comes from
# packaging/debian/ through dpkg-shlibdeps and dpkg-gencontrol; dpkg-deb builds the archives.
# DEB_BUILD_OPTIONS=nostrip keeps the line tables. Prints the paths of the packages it built.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

need=()
for tool in dpkg-deb dpkg-gencontrol dpkg-shlibdeps dpkg-architecture patchelf strip readelf; do
  command -v "$tool" >/dev/null || need+=("$tool")
done
if [ ${#need[@]} -gt 0 ]; then
  pkgs=(dpkg-dev patchelf binutils)
  if [ "$(id -u)" != 0 ]; then
    echo "build-deb: missing ${need[*]}; install the Debian packages ${pkgs[*]}" >&2; exit 1
  fi
  echo "build-deb: installing ${pkgs[*]} (for ${need[*]})"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi

multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
crate_version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -1)
libpcap_version=$(sed -n 's/^VERSION *:= *//p' Makefile | head -1)
# Upstream part: the libpcap version we implement, then ours; sorts above Debian's 1.10.3-1.
version="${libpcap_version}+oxpcap${crate_version}-1"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

out=target/deb
work=$out/build
rm -rf "$work"
mkdir -p "$work/debian"
cp packaging/debian/control packaging/debian/copyright "$work/debian/"
date_r=$(date -u -R -d "@$SOURCE_DATE_EPOCH")
cat > "$work/debian/changelog" <<CHANGELOG
oxpcap ($version) unstable; urgency=medium

  * Built from oxpcap $(git describe --always --dirty 2>/dev/null || echo "$crate_version").

 -- $(sed -n 's/^Maintainer: //p' packaging/debian/control)  $date_r
CHANGELOG

# 1. Stage: the project's own install target, with Debian's directories.
stage="$top/$work/debian/tmp"
make --no-print-directory install DESTDIR="$stage" PREFIX=/usr BINDIR=/usr/bin \
  INCLUDEDIR=/usr/include LIBDIR="/usr/lib/$multiarch" >/dev/null
libdir="usr/lib/$multiarch"
real="libpcap.so.$libpcap_version"
[ -f "$stage/$libdir/$real" ] || { echo "build-deb: make install did not stage $libdir/$real" >&2; exit 1; }

# 2. Debian's SONAME, then strip as dh_strip does.
patchelf --set-soname libpcap.so.0.8 "$stage/$libdir/$real"
if [[ " ${DEB_BUILD_OPTIONS:-} " != *" nostrip "* ]]; then
  strip --remove-section=.comment --remove-section=.note --strip-unneeded "$stage/$libdir/$real"
  strip --strip-debug --enable-deterministic-archives "$stage/$libdir/libpcap.a"
fi
soname=$(readelf -d "$stage/$libdir/$real" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = libpcap.so.0.8 ] || { echo "build-deb: SONAME is '$soname'" >&2; exit 1; }

# 3. Split the staged tree into the two packages (file lists as Debian's libpcap0.8{,-dev}).
runtime=liboxpcap0.8
dev=liboxpcap-dev
rt="$work/debian/$runtime"
dv="$work/debian/$dev"
mkdir -p "$rt/$libdir" "$dv/$libdir" "$dv/usr" "$rt/usr/share/doc/$runtime" "$dv/usr/share/doc/$dev"
install -m 644 "$stage/$libdir/$real" "$rt/$libdir/"
ln -s "$real" "$rt/$libdir/libpcap.so.0.8"
ln -s "$real" "$rt/$libdir/libpcap.so.1"
ln -s libpcap.so.0.8 "$dv/$libdir/libpcap.so"
cp -a "$stage/$libdir/libpcap.a" "$stage/$libdir/pkgconfig" "$dv/$libdir/"
cp -a "$stage/usr/include" "$stage/usr/bin" "$dv/usr/"
mkdir -p "$dv/usr/share/man/man1"
gzip -9n < packaging/debian/pcap-config.1 > "$dv/usr/share/man/man1/pcap-config.1.gz"
for p in "$runtime" "$dev"; do
  install -D -m 644 "packaging/debian/$p.lintian-overrides" "$work/debian/$p/usr/share/lintian/overrides/$p"
  install -m 644 packaging/debian/copyright "$work/debian/$p/usr/share/doc/$p/copyright"
  gzip -9n < "$work/debian/changelog" > "$work/debian/$p/usr/share/doc/$p/changelog.Debian.gz"
  chmod 644 "$work/debian/$p/usr/share/doc/$p/changelog.Debian.gz"
done

# 4. Control data: dependencies from the library's own NEEDED entries, then the control files.
mkdir -p "$rt/DEBIAN" "$dv/DEBIAN"
install -m 644 packaging/debian/$runtime.shlibs "$rt/DEBIAN/shlibs"
install -m 644 packaging/debian/$runtime.triggers "$rt/DEBIAN/triggers"
(cd "$work" && dpkg-shlibdeps -T"debian/$runtime.substvars" "debian/$runtime/$libdir/$real")
(cd "$work" && dpkg-gencontrol -p"$runtime" -P"debian/$runtime" -T"debian/$runtime.substvars")
(cd "$work" && dpkg-gencontrol -p"$dev" -P"debian/$dev")
for p in "$runtime" "$dev"; do
  (cd "$work/debian/$p" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | LC_ALL=C sort -z |
    xargs -0r md5sum > DEBIAN/md5sums)
  chmod 644 "$work/debian/$p/DEBIAN/md5sums"
done

# 5. The archives.
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
rm -f "$out"/*.deb
for p in "$runtime" "$dev"; do
  deb="$out/${p}_${version}_${arch}.deb"
  dpkg-deb --root-owner-group -Zxz --build "$work/debian/$p" "$deb" >/dev/null
  dpkg-deb --info "$deb" >/dev/null
  echo "$deb"
done
