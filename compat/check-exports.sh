#!/usr/bin/env bash
# The shared object carries libpcap's SONAME and exports nothing but libpcap's names
# (pcap_*, bpf_*, eproto_db): anything else would leak into every program that loads us.
set -eu
cd "$(dirname "$0")/.."
lib=target/release/libpcap.so
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = libpcap.so.1 ] || { echo "SONAME is '$soname', want libpcap.so.1"; exit 1; }
bad=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -Ev '^(pcap_|bpf_|eproto_db$)' || true)
[ -z "$bad" ] || { echo "exports outside libpcap's names: $bad"; exit 1; }
echo "SONAME $soname; $(nm -D --defined-only "$lib" | wc -l) symbols, all pcap_*/bpf_*/eproto_db"
bash compat/symbols --strict
