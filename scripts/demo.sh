#!/usr/bin/env bash
# `make demo`: Debian's own tcpdump, unmodified, running on the freshly built oxpcap through
# LD_PRELOAD: its version line, a capture file read with a filter, and (as root) a live
# capture on the loopback of a private network namespace.
set -eu
cd "$(dirname "$0")/.."
lib=$PWD/target/release/libpcap.so
if ! command -v tcpdump >/dev/null; then
  echo "demo: tcpdump is not installed (apt-get install tcpdump); showing the symbol count only"
  bash compat/symbols | head -1
  exit 0
fi
echo "--- tcpdump --version, on oxpcap:"
LD_PRELOAD=$lib tcpdump --version 2>&1 | head -2

capture=../shared/corpus/pcaps/tcpdump/dns-badcookie.pcap
[ -f "$capture" ] || capture=$(ls ../shared/corpus/pcaps/*/*.pcap 2>/dev/null | head -1 || true)
if [ -n "$capture" ] && [ -f "$capture" ]; then
  echo "--- tcpdump -n -r $(basename "$capture") udp, on oxpcap:"
  LD_PRELOAD=$lib tcpdump -n -r "$capture" -c 4 udp 2>&1
else
  echo "--- (no capture corpus at ../shared/corpus: skipping the file demo)"
fi

if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ping >/dev/null; then
  echo "--- tcpdump -i lo icmp, live on oxpcap (private network namespace):"
  unshare -n bash -c '
    ip link set lo up
    LD_PRELOAD='"$lib"' tcpdump -n -i lo -c 4 --immediate-mode icmp 2>&1 &
    sleep 1; ping -c 2 -i 0.2 127.0.0.1 >/dev/null; wait'
else
  echo "--- (live demo needs root, unshare and ping: skipped)"
fi
echo "--- symbols:"
bash compat/symbols | head -1
