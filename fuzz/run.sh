#!/usr/bin/env bash
# Runs the savefile fuzz targets, seeded from the test corpus (../shared/corpus/pcaps):
#   fuzz/run.sh [seconds-per-target] [target...]     (default: 600 s, both savefile targets)
# Needs cargo-fuzz and a nightly toolchain. Findings land in fuzz/artifacts/<target>/.
set -eu
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(savefile_pcap savefile_pcapng)
corpus=../../shared/corpus/pcaps
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  case $t in
    savefile_pcap) find "$corpus" -type f ! -name '*.pcapng' -exec cp -n {} "corpus/$t/" \; ;;
    savefile_pcapng) find "$corpus" -type f -name '*.pcapng' -exec cp -n {} "corpus/$t/" \; ;;
  esac
  cargo +nightly fuzz run -O "$t" "corpus/$t" -- -max_total_time="$secs" -max_len=300000 -print_final_stats=1
done
