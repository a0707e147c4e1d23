#!/usr/bin/env bash
# Usage: bash bench/install-kafka-peers.sh        (as root; SNG_ROOT overrides where syslog-ng goes)
#
# Installs the peers bench/kafka.sh compares auditship with: kcat (Debian package, librdkafka), and
# syslog-ng with its kafka-c() destination (syslog-ng-core + syslog-ng-mod-rdkafka) unpacked privately
# under $SNG_ROOT, because syslog-ng-core conflicts with rsyslog as a package (the same reason as
# .ci/install-receivers.sh). Idempotent; only for benchmarks: no test needs these.
set -euo pipefail

SNG_ROOT="${SNG_ROOT:-/opt/auditship/syslog-ng-kafka}"
export DEBIAN_FRONTEND=noninteractive

APT_PACKAGES=(kcat librdkafka1 libivykis0 libnet1 libjson-c5 libwrap0 libglib2.0-0 libpcre3 libcap2 libssl3)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
updated=no
apt_update() {
  if [ "$updated" = no ]; then
    apt-get update -qq
    updated=yes
  fi
}
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-kafka-peers: installing ${missing[*]}"
  apt_update
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -e "$SNG_ROOT/usr/lib/syslog-ng/3.38/libkafka.so" ]; then
  echo "install-kafka-peers: unpacking syslog-ng with kafka-c() into $SNG_ROOT"
  apt_update
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && apt-get download -qq syslog-ng-core syslog-ng-mod-rdkafka)
  mkdir -p "$SNG_ROOT"
  for d in "$tmp"/*.deb; do
    dpkg-deb -x "$d" "$SNG_ROOT"
  done
fi
v="$(kcat -V)"; echo "${v%%$'\n'*}"
v="$(LD_LIBRARY_PATH="$SNG_ROOT/usr/lib/syslog-ng" "$SNG_ROOT/usr/sbin/syslog-ng" --version)"; echo "${v%%$'\n'*}"
echo "install-kafka-peers: ready (SNG_ROOT=$SNG_ROOT)"
