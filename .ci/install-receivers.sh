#!/usr/bin/env bash
# Usage: bash .ci/install-receivers.sh        (as root; SNG_ROOT overrides where syslog-ng goes)
#
# Installs the real syslog receivers the interop tests (*IT) run on loopback: rsyslog (Debian package,
# with its GnuTLS and OpenSSL TLS drivers), socat, openssl, and syslog-ng unpacked privately under
# $SNG_ROOT, because syslog-ng-core and rsyslog conflict as packages (both provide system-log-daemon).
# Idempotent and non-interactive: safe to run on every CI run; it does nothing when all is in place.
# Needs root (apt-get). No system syslog daemon is started: the image's policy-rc.d forbids it, and
# the tests start their own private daemons.
set -euo pipefail

SNG_ROOT="${SNG_ROOT:-/opt/auditship/syslog-ng}"
export DEBIAN_FRONTEND=noninteractive

APT_PACKAGES=(rsyslog rsyslog-gnutls rsyslog-openssl socat openssl
              libivykis0 libnet1 libjson-c5 libwrap0 libcurl4 libglib2.0-0 libpcre3 libcap2 libssl3)

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
  echo "install-receivers: installing ${missing[*]}"
  apt_update
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x "$SNG_ROOT/usr/sbin/syslog-ng" ]; then
  echo "install-receivers: unpacking syslog-ng into $SNG_ROOT"
  apt_update
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  # Prints "Download is performed unsandboxed as root": harmless.
  (cd "$tmp" && apt-get download -qq syslog-ng-core)
  mkdir -p "$SNG_ROOT"
  for d in "$tmp"/*.deb; do
    dpkg-deb -x "$d" "$SNG_ROOT"
  done
fi

# First line of each version text (no pipe into head: with pipefail a SIGPIPE would fail the script).
v="$(rsyslogd -v)"; echo "${v%%$'\n'*}"
v="$(LD_LIBRARY_PATH="$SNG_ROOT/usr/lib/syslog-ng" "$SNG_ROOT/usr/sbin/syslog-ng" --version)"; echo "${v%%$'\n'*}"
echo "install-receivers: ready (SNG_ROOT=$SNG_ROOT)"
