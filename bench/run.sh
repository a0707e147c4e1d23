#!/usr/bin/env bash
# bench/run.sh [EVENTS]: the side-by-side benchmark of docs/benchmarks.md. Builds the project, writes EVENTS (default
# 300000) Coder events of about 930 bytes (the golden lines with hard text, fresh IDs) as slog JSON lines and as slog
# human lines, runs auditship (bin/auditship, the README's command) and the peers on them with bench/peers.sh, and
# prints the machine load and a markdown table of events/s, peak RSS and auditship's ratio to the peers, all from
# this one run. Needs the peers (bench/install-peers.sh, as root) and node.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-300000}
mvn -B -q package -DskipTests
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat target/cp.txt)"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
java -cp "$CP" dev.auditship.bench.GenerateLog "$W/events.log" "$N" json events-only
java -cp "$CP" dev.auditship.bench.GenerateLog "$W/events-human.log" "$N" human events-only
# The input files just written go to disk now, not while a contender runs (the kernel's writeback of a few GB took
# CPU from whichever contender ran when it started).
sync
# The class-data sharing archive bin/auditship uses (docs/operations.md): one short training run that loads what a
# run to HEC and syslog loads.
head -2000 "$W/events.log" > "$W/train.log"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HP=$(port); SP=$(port); SSP=$(port)
PORT=$HP HEC_TOKEN=t STATS_FILE=$W/train.stats node bench/hec-sink.js >/dev/null & h=$!
PORT=$SP STATS_PORT=$SSP node bench/syslog-sink.js >/dev/null & s=$!
sleep 0.4
printf 'source: {type: file, path: "%s"}\ndata_dir: "%s/train"\nsinks:\n  h: {type: splunk_hec, endpoint: "http://127.0.0.1:%s", token: "t", format: json, concurrency: 2}\n  s: {type: syslog, endpoint: "tcp://127.0.0.1:%s", format: human}\n' \
  "$W/train.log" "$W" "$HP" "$SP" > "$W/train.yaml"
rm -f target/auditship.jsa
AUDITSHIP_CDS=dump bin/auditship run --config "$W/train.yaml" 2>/dev/null
kill $h $s
echo "input: $(wc -l < "$W/events.log") JSON lines, $(stat -c %s "$W/events.log") bytes; human: $(stat -c %s "$W/events-human.log") bytes"
echo "load before: $(uptime)"
out=$W/results.txt
{
  bench/peers.sh "$W/events.log" bin/auditship auditship-hec sng-hec auditship-syslog sng-syslog rsyslog-syslog \
    auditship-hec-human auditship-syslog-human
  EVENTS=$N bench/peers.sh "$W/events-human.log" bin/auditship auditship-hec auditship-syslog | sed 's/^auditship-/human-in-/'
} | tee "$out"
echo "load after: $(uptime)"
python3 - "$out" <<'PY'
import re, sys
r = {}
for line in open(sys.argv[1]):
    m = re.match(r'(\S+)\s+([\d.]+) s\s+(\d+) ev/s\s+([\d.]+) MB/s\s+peak RSS (\S+) MB\s+cpu (\S+) s', line)
    if m:
        r[m.group(1)] = (int(m.group(3)), m.group(5), m.group(6))
def row(path, a, peers):
    if a not in r: return
    ev, rss, cpu = r[a]
    ratios = ", ".join(f"{ev / r[p][0]:.2f}× {p}" for p in peers if p in r)
    cols = [p for p in ("sng-hec" if "HEC" in path else "sng-syslog", "rsyslog-syslog")]
    cells = [f"{r[p][0]:,} ev/s, {r[p][1]} MB, {r[p][2]} s CPU" if p in r and p in peers else "–" for p in cols]
    print(f"| {path} | {ev:,} ev/s, {rss} MB, {cpu} s CPU | " + " | ".join(cells) + f" | {ratios} |")
print("| path | auditship (events/s, peak RSS, CPU) | syslog-ng | rsyslog | auditship / peer |")
print("|---|---|---|---|---|")
row("file → HEC, json", "auditship-hec", ["sng-hec"])
row("file → syslog TCP, json", "auditship-syslog", ["sng-syslog", "rsyslog-syslog"])
row("file → HEC, human output", "auditship-hec-human", ["sng-hec"])
row("file → syslog TCP, human output", "auditship-syslog-human", ["sng-syslog", "rsyslog-syslog"])
row("human-line input → HEC, json", "human-in-hec", ["sng-hec"])
row("human-line input → syslog TCP, json", "human-in-syslog", ["sng-syslog", "rsyslog-syslog"])
PY
