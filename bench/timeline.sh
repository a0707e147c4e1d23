#!/bin/bash
# timeline.sh EVENTS_FILE [FORMAT] [EXTRA_SINK_OPTIONS]: runs bin/auditship on EVENTS_FILE (file source) to the loopback
# HEC receiver (hec-sink.js) and prints, every quarter second, how many events the receiver counted in that interval
# and the CPU each group of threads used in it (ticks of 10 ms: reader thread R, sink threads S, run loop M, JIT
# compilers J, the rest O; the receiver N). It shows what a single end-to-end figure hides: how fast the run was
# while the JVM was still compiling and how fast once it was done (docs/benchmarks.md, "What bounds each figure").
# FORMAT: json (default) or another format name. EXTRA_SINK_OPTIONS: more keys for the sink's flow mapping, for
# example ', concurrency: 2'. BATCH=N sets batch_max_events (default 500). Needs node, curl, bc and python3.
set -u
EV=$(readlink -f "$1"); fmt=${2:-json}; extra=${3:-}
here=$(cd "$(dirname "$0")" && pwd); home=$(cd "$here/.." && pwd)
w=$(mktemp -d); hec=; p=
trap 'kill ${p:-} ${hec:-} 2>/dev/null; wait ${hec:-} 2>/dev/null; rm -rf "$w"' EXIT
TOKEN=00000000-0000-0000-0000-0000000000aa
HP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PORT=$HP HEC_TOKEN=$TOKEN STATS_FILE=$w/hec.stats node "$here/hec-sink.js" >/dev/null & hec=$!
sleep 0.4
printf 'source: {type: file, path: "%s"}\ndata_dir: "%s/data"\nbatch_max_events: %s\nsinks:\n  splunk: {type: splunk_hec, endpoint: "http://127.0.0.1:%s", token: "%s", format: %s%s}\n' \
  "$EV" "$w" "${BATCH:-500}" "$HP" "$TOKEN" "$fmt" "$extra" > "$w/a.yaml"
t0=$(date +%s%N)
"$home/bin/auditship" run --config "$w/a.yaml" >/dev/null 2>"$w/a.err" & p=$!
declare -A prev; pn=0; pe=0; pt=$t0
echo "   s   events  ev/s(k)   R  S  M  J  O  N"
while [[ -d /proc/$p ]]; do
  declare -A cur=()
  for t in /proc/$p/task/*; do
    { read -r s < "$t/stat"; } 2>/dev/null || continue
    name=${s#*(}; name=${name%%)*}; rest=${s##*) }; read -r -a f <<< "$rest"
    case $name in auditship-reade*) g=R ;; auditship-sink* | auditship-hec*) g=S ;; java) g=M ;; C1* | C2*) g=J ;; *) g=O ;; esac
    cur[$g]=$(( ${cur[$g]:-0} + f[11] + f[12] ))
  done
  { read -r s < "/proc/$hec/stat"; } 2>/dev/null; rest=${s##*) }; read -r -a f <<< "$rest"; n=$(( f[11] + f[12] ))
  ev=$(curl -s "http://127.0.0.1:$HP/stats" | sed 's/.*"events":\([0-9]*\).*/\1/'); ev=${ev:-0}
  now=$(date +%s%N); line=$(printf '%5.2f %8d %8d ' "$(echo "($now - $t0) / 1000000000" | bc -l)" "$(( ev - pe ))" "$(( (ev - pe) * 1000 / ((now - pt) / 1000) ))")
  for g in R S M J O; do d=$(( ${cur[$g]:-0} - ${prev[$g]:-0} )); (( d < 0 )) && d=0; line="$line $(printf '%2d' $d)"; prev[$g]=${cur[$g]:-0}; done
  echo "$line $(printf '%2d' $(( n - pn )))"; pn=$n; pe=$ev; pt=$now
  sleep 0.25
done
wait $p; echo "exit $?; receiver: $(curl -s "http://127.0.0.1:$HP/stats")"
