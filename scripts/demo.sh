#!/usr/bin/env bash
# `make demo`: shows the freshly built library at work — a C program built against our headers
# and linked to our libpcap.so, side by side with the same program on the system libpcap.
set -eu
cd "$(dirname "$0")/.."
bash ctests/run.sh dead_handle >/dev/null || true
echo "--- pcap_lib_version() and a dead handle, through our libpcap.so:"
out=ctests/out
for b in ours mixed; do
  [ -x "$out/dead_handle.$b" ] && { grep -E 'lib_version|dispatch on dead' "$out/dead_handle.$b.out"; break; }
done
echo "--- exported symbols:"
bash compat/symbols | head -1
