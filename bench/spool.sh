#!/usr/bin/env bash
# bench/spool.sh EVENTS_FILE [FORMAT]: the spool's figures of docs/benchmarks.md. auditship (bin/auditship, the
# README's command) reads EVENTS_FILE into a spool behind a Splunk HEC endpoint that is down (a loopback port with
# nothing listening), until every event is spooled; then a second run, with a counting HEC receiver up, delivers the
# spool. Prints peak RSS of both runs, the spool's bytes against the records' bytes (FORMAT, default json: for json
# records that is the input's bytes without newlines), and how long the delivery took. Needs node.
# HEC_CONCURRENCY (default 1): the sink's `concurrency`, requests in flight while the spool is delivered.
set -euo pipefail
cd "$(dirname "$0")/.."
EV=$(readlink -f "$1"); FMT=${2:-json}
CONC=${HEC_CONCURRENCY:-1}
N=$(wc -l < "$EV")
W=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$W"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HP=$(port)
cfg() {
  printf 'source: {type: file, path: "%s"}\ndata_dir: "%s/data"\nshutdown_timeout_secs: 2\nsinks:\n  splunk:\n    type: splunk_hec\n    endpoint: "http://127.0.0.1:%s"\n    token: "t"\n    format: %s\n    concurrency: %s\n    spool: {max_bytes: 8GiB}\n' \
    "$EV" "$W" "$HP" "$FMT" "$CONC" > "$W/c.yaml"
}
peak() { # pid: prints the peak RSS in MB once the process ends
  local m=0 v; while [[ -r /proc/$1/status ]]; do v=$(awk '/VmHWM/{print int($2/1024)}' /proc/$1/status 2>/dev/null || echo 0); [[ ${v:-0} -gt $m ]] && m=$v; sleep 0.1; done; echo $m
}
cfg
# Run 1 reads the whole input into the spool (the endpoint is down) and ends: at the end of the input the
# spool keeps what it could not deliver within shutdown_timeout_secs.
t0=$(date +%s%N)
bin/auditship run --config "$W/c.yaml" >/dev/null 2>"$W/run1.err" & p=$!
peak $p > "$W/rss1"; wait $p || true
t1=$(date +%s%N)
spool=$(du -sb "$W/data" | cut -f1); in=$(stat -c %s "$EV")
echo "spooled: $N events in $(echo "scale=1; ($t1 - $t0)/1000000000" | bc) s; spool directory $spool bytes for $((in - N)) bytes of input lines: $(echo "scale=3; $spool / ($in - $N)" | bc)x; peak RSS $(cat "$W/rss1") MB"
# Run 2 reads nothing new (an empty input: a `file` source without `follow` reads its file from the start)
# and delivers the spool, then ends.
: > "$W/empty.log"
sed -i -e 's/shutdown_timeout_secs: 2/shutdown_timeout_secs: 600/' -e "s#path: \"$EV\"#path: \"$W/empty.log\"#" "$W/c.yaml"
PORT=$HP HEC_TOKEN=t STATS_FILE=$W/hec.stats node bench/hec-sink.js >/dev/null & h=$!
sleep 0.4
t0=$(date +%s%N)
bin/auditship run --config "$W/c.yaml" >/dev/null 2>"$W/run2.err" & p=$!
peak $p > "$W/rss2" & pk=$!
wait $p 2>/dev/null || true
wait $pk # the sampler writes the peak once it sees the process gone
t1=$(date +%s%N)
c=$(curl -s "http://127.0.0.1:$HP/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['events'])" 2>/dev/null || echo 0)
echo "delivered: $c events in $(echo "scale=1; ($t1 - $t0)/1000000000" | bc) s; peak RSS $(cat "$W/rss2") MB; spool directory after: $(du -sb "$W/data" | cut -f1) bytes"
