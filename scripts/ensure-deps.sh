#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing. CI runs as root on a
# fresh Debian 12 machine; a developer without root gets a list of what to install instead.
set -euo pipefail
packages=(libpcap-dev libpcap0.8-dev tcpdump gcc make pkg-config iproute2 python3 iputils-ping)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "ensure-deps: missing Debian packages (install them as root): ${missing[*]}" >&2
  exit 1
fi
echo "ensure-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
