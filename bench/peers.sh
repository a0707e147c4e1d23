#!/bin/bash
# peers.sh EVENTS_FILE LAUNCHER [which...]: ships the Coder event lines of EVENTS_FILE (one slog event a line) to a
# loopback HEC sink (hec-sink.js here) and to a counting syslog TCP receiver (syslog-sink.js here),
# with auditship (through LAUNCHER, the project's bin/auditship, so its JVM flags apply) and with the peer shippers
# that run here (syslog-ng 3.38 http()/syslog(), rsyslog imfile->omfwd).
# Prints one line per run: name, seconds from start until the receiver counted N, events/s, peak RSS of the
# shipper. Needs: node, /opt/peers/syslog-ng (syslog-ng-core + syslog-ng-mod-http unpacked), rsyslogd
# (bench/install-peers.sh installs them).
# which: any of auditship-hec sng-hec auditship-syslog sng-syslog rsyslog-syslog, and auditship-hec-human /
# auditship-syslog-human (format: human output), auditship-hec-c1 (HEC with concurrency: 1, one request in flight)
# (default: the first five). auditship's HEC runs use concurrency: 2, two requests in flight (across batches), as
# syslog-ng's http() runs with workers(2).
# HEC_BATCH=N: auditship's batch_max_events for the HEC runs (default 500); HEC_SINK_OPTS: more keys for its HEC sink's
# flow mapping, e.g. ', max_events: 1000, max_bytes: 1048576'.
# EVENTS=N: how many events the receivers must count (default: the file's line count; set it for human input,
# whose multi-line entries span several lines).
set -u
EV=$(readlink -f "$1"); launcher=$(readlink -f "$2"); shift 2; N=${EVENTS:-$(wc -l < "$EV")}
which=("$@"); [[ ${#which[@]} -eq 0 ]] && which=(auditship-hec sng-hec auditship-syslog sng-syslog rsyslog-syslog)
here=$(cd "$(dirname "$0")" && pwd)

SNG=${SNG:-/opt/peers/syslog-ng}
w=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$w"; }
trap cleanup EXIT
ln -s "$EV" "$w/events.log"
bytes=$(stat -L -c %s "$w/events.log")
TOKEN=00000000-0000-0000-0000-0000000000aa
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# The receivers write the time (ms since the epoch) they counted the N-th event into $w/done (EXPECT and
# DONE_FILE), so the end time is theirs and waiting for it costs nothing: polling their stats with curl and
# python3 every 50 ms took a good part of a core from every contender.
wait_done() { # deadline_s
  local t=$SECONDS
  while [[ ! -s $w/done ]]; do
    (( SECONDS - t > $1 )) && { echo "TIMEOUT (receiver stats: $(curl -s "$stats"))" >&2; return 1; }
    sleep 0.05
  done
}
report() { # name start_ns rss_file pid
  local end; end=$(cat "$w/done")000000; local cpu=$(cpu_of "$4"); [[ $cpu == "?" ]] && cpu=$(cat "$3.cpu" 2>/dev/null || echo "?"); local s=$(echo "scale=3; ($end - $2)/1000000000" | bc)
  local rss=$(cat "$3" 2>/dev/null || echo "?")
  printf '%-22s %7s s  %9.0f ev/s  %6.1f MB/s  peak RSS %s MB  cpu %s s\n' "$1" "$s" "$(echo "$N / $s" | bc -l)" "$(echo "$bytes / $s / 1000000" | bc -l)" "$rss" "$cpu"
}
hz=$(getconf CLK_TCK)
cpu_of() { # pid: user+system CPU seconds the process (all its threads) used so far (bash only: no process started)
  local f; { read -r -a f < "/proc/$1/stat"; } 2>/dev/null || { echo "?"; return; }
  local t=$(( (f[13] + f[14]) * 100 / hz )); printf '%d.%02d' $((t / 100)) $((t % 100))
}
rss_of() { # pid outfile: samples VmHWM (and the CPU seconds used, into outfile.cpu) until the process ends
  ( m=0; while [[ -r /proc/$1/status ]]; do v=0
      { while read -r k n _; do [[ $k == VmHWM: ]] && v=$((n / 1024)) && break; done < "/proc/$1/status"; } 2>/dev/null
      [[ $v -gt $m ]] && m=$v && echo $m > "$2"; c=$(cpu_of "$1"); [[ $c != "?" ]] && echo "$c" > "$2.cpu"; sleep 0.1; done ) &
}
start_hec() { HP=$(port); stats=http://127.0.0.1:$HP/stats; rm -f "$w/done"
  EXPECT=$N DONE_FILE=$w/done PORT=$HP HEC_TOKEN=$TOKEN STATS_FILE=$w/hec.stats node "$here/hec-sink.js" >/dev/null & hec=$!; pids+=($hec); sleep 0.4; }
start_sys() { SP=$(port); SSP=$(port); stats=http://127.0.0.1:$SSP/; rm -f "$w/done"
  EXPECT=$N DONE_FILE=$w/done PORT=$SP STATS_PORT=$SSP node "$here/syslog-sink.js" & sys=$!; pids+=($sys); sleep 0.4; }
for x in "${which[@]}"; do
  case $x in
  auditship-hec|auditship-hec-human|auditship-hec-c1)
    start_hec; fmt=json; [[ $x == *-human ]] && fmt=human; rm -rf "$w/data-a"
    conc=2; batch=${HEC_BATCH:-500}; [[ $x == *-c1 ]] && conc=1
    printf 'source: {type: file, path: "%s"}\ndata_dir: "%s/data-a"\nbatch_max_events: %s\nsinks:\n  splunk: {type: splunk_hec, endpoint: "http://127.0.0.1:%s", token: "%s", format: %s, concurrency: %s%s}\n' "$w/events.log" "$w" "$batch" "$HP" "$TOKEN" "$fmt" "$conc" "${HEC_SINK_OPTS:-}" > "$w/a.yaml"
    t0=$(date +%s%N); "$launcher" run --config "$w/a.yaml" >/dev/null 2>"$w/a.err" & p=$!; pids+=($p); rss_of $p "$w/a.rss"
    wait_done 300 && report "$x" "$t0" "$w/a.rss" "$p"; wait $p; kill $hec ;;
  sng-hec)
    start_hec; mkdir -p "$w/sng-h"
    cat > "$w/sng-h/c.conf" <<CONF
@version: 3.38
options { stats-freq(0); log-msg-size(65536); log-fifo-size(100000); };
source s_file { file("$w/events.log" flags(no-parse) log-iw-size(100000) log-fetch-limit(1000)); };
destination d_hec { http(url("http://127.0.0.1:$HP/services/collector/event") method("POST")
  headers("Authorization: Splunk $TOKEN", "Content-Type: application/json")
  body('{"time":\${R_UNIXTIME},"host":"\${HOST}","source":"coder","sourcetype":"coder:audit","event":\${MSG}}')
  delimiter("\n") batch-lines(1000) batch-bytes(1048576) batch-timeout(200) workers(2) persist-name("hec")); };
log { source(s_file); destination(d_hec); flags(flow-control); };
CONF
    t0=$(date +%s%N); LD_LIBRARY_PATH=$SNG/usr/lib/syslog-ng "$SNG/usr/sbin/syslog-ng" -F --no-caps -f "$w/sng-h/c.conf" \
      --module-path="$SNG/usr/lib/syslog-ng/3.38" -R "$w/sng-h/persist" -c "$w/sng-h/ctl" -p "$w/sng-h/pid" >"$w/sng-h/out" 2>&1 & p=$!; pids+=($p); rss_of $p "$w/sng-h.rss"
    wait_done 300 && report "$x" "$t0" "$w/sng-h.rss" "$p"; kill $p; wait $p 2>/dev/null; kill $hec ;;
  auditship-syslog|auditship-syslog-human)
    start_sys; fmt=json; [[ $x == *-human ]] && fmt=human; rm -rf "$w/data-s"
    printf 'source: {type: file, path: "%s"}\ndata_dir: "%s/data-s"\nsinks:\n  siem: {type: syslog, endpoint: "tcp://127.0.0.1:%s", format: %s}\n' "$w/events.log" "$w" "$SP" "$fmt" > "$w/s.yaml"
    t0=$(date +%s%N); "$launcher" run --config "$w/s.yaml" >/dev/null 2>"$w/s.err" & p=$!; pids+=($p); rss_of $p "$w/s.rss"
    wait_done 300 && report "$x" "$t0" "$w/s.rss" "$p"; wait $p; kill $sys ;;
  sng-syslog)
    start_sys; mkdir -p "$w/sng-s"
    cat > "$w/sng-s/c.conf" <<CONF
@version: 3.38
options { stats-freq(0); log-msg-size(65536); log-fifo-size(100000); };
source s_file { file("$w/events.log" flags(no-parse) program-override("coderd") log-iw-size(100000) log-fetch-limit(1000)); };
destination d_tcp { syslog("127.0.0.1" transport("tcp") port($SP)); };
log { source(s_file); destination(d_tcp); flags(flow-control); };
CONF
    t0=$(date +%s%N); LD_LIBRARY_PATH=$SNG/usr/lib/syslog-ng "$SNG/usr/sbin/syslog-ng" -F --no-caps -f "$w/sng-s/c.conf" \
      --module-path="$SNG/usr/lib/syslog-ng/3.38" -R "$w/sng-s/persist" -c "$w/sng-s/ctl" -p "$w/sng-s/pid" >"$w/sng-s/out" 2>&1 & p=$!; pids+=($p); rss_of $p "$w/sng-s.rss"
    wait_done 300 && report "$x" "$t0" "$w/sng-s.rss" "$p"; kill $p; wait $p 2>/dev/null; kill $sys ;;
  rsyslog-syslog)
    start_sys; mkdir -p "$w/rs/work"
    cat > "$w/rs/c.conf" <<CONF
global(workDirectory="$w/rs/work" maxMessageSize="64k")
module(load="imfile" mode="inotify")
template(name="p5424" type="string" string="<%PRI%>1 %TIMESTAMP:::date-rfc3339% %HOSTNAME% %APP-NAME% %PROCID% %MSGID% - %msg%")
ruleset(name="fwd" queue.type="LinkedList" queue.size="100000") {
  action(type="omfwd" target="127.0.0.1" port="$SP" protocol="tcp" TCP_Framing="octet-counted" template="p5424"
         action.resumeRetryCount="-1" queue.type="LinkedList" queue.size="100000") }
input(type="imfile" file="$w/events.log" tag="coderd" facility="local0" severity="info" ruleset="fwd")
CONF
    t0=$(date +%s%N); rsyslogd -n -iNONE -f "$w/rs/c.conf" >"$w/rs/out" 2>&1 & p=$!; pids+=($p); rss_of $p "$w/rs.rss"
    wait_done 300 && report "$x" "$t0" "$w/rs.rss" "$p"; kill $p; wait $p 2>/dev/null; kill $sys ;;
  esac
done
