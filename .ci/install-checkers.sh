#!/usr/bin/env bash
# Usage: bash .ci/install-checkers.sh        (needs node and npm; as root it installs them with apt-get)
#
# Installs the independent SIEM format checkers the test suite runs (SiemCheckersTest,
# docs/formats.md "How the formats are checked"): Elastic's ECS field definitions (@elastic/ecs) and
# nsyslog-parser's CEF and LEEF parsers, at the exact versions src/test/checkers/package-lock.json
# pins, into src/test/checkers/node_modules. Idempotent: does nothing when they are in place.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install-checkers: installing nodejs and npm"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

dir=src/test/checkers
if [ -f "$dir/node_modules/.package-lock.json" ] \
   && [ -d "$dir/node_modules/@elastic/ecs" ] && [ -d "$dir/node_modules/nsyslog-parser" ] \
   && cmp -s <(grep -v '"resolved"' "$dir/package-lock.json" | sed -n '/node_modules\//,$p') \
             <(grep -v '"resolved"' "$dir/node_modules/.package-lock.json" | sed -n '/node_modules\//,$p'); then
  echo "install-checkers: ready"
  exit 0
fi
echo "install-checkers: npm ci in $dir"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
echo "install-checkers: ready (node $(node --version))"
