#!/usr/bin/env bash
# End-to-end throughput runs for docs/benchmarks.md: a synthetic Coder log of N events through the real
# jar (render to /dev/null, and run from a file into the rolling-file sink). Usage: docs/e2e-throughput.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat target/cp.txt)"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
java -cp "$CP" dev.auditship.bench.GenerateLog "$W/coder.log" "$N" json
java -cp "$CP" dev.auditship.bench.GenerateLog "$W/coder-human.log" "$N" human
ls -l "$W"
t() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); echo "$(echo "$e - $s" | bc) s: $*" >&2; }
t java -jar target/auditship.jar render --format json "$W/coder.log" > /dev/null
t java -jar target/auditship.jar render --format human "$W/coder.log" > /dev/null
t java -jar target/auditship.jar render --format json "$W/coder-human.log" > /dev/null
cat > "$W/file.yaml" <<YAML
source: {type: file, path: $W/coder.log}
data_dir: $W/state
batch_max_events: 2000
sinks:
  out: {type: file, format: json, path: $W/out/events.log, max_bytes: 1GiB}
YAML
s=$(date +%s.%N)
java -jar target/auditship.jar run --config "$W/file.yaml" 2> "$W/run.log"
e=$(date +%s.%N)
echo "$(echo "$e - $s" | bc) s: java -jar target/auditship.jar run (file source -> file sink)" >&2
grep "Finished" "$W/run.log" >&2
wc -l "$W/out/events.log" >&2
